//! `GET /api/v1/health`: version and store status, without authentication.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use errors::ErrorCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::envelope::{Envelope, ok};
use crate::error::ApiError;

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// `ok`, or `degraded` when the store cannot be reached.
    status: &'static str,
    version: String,
    uptime_seconds: u64,
    store: StoreHealth,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoreHealth {
    /// `sqlite` or `postgres`.
    backend: &'static str,
    /// `up` or `down`.
    status: &'static str,
    latency_ms: Option<f64>,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

/// Reports the version and whether the metadata store answers.
#[utoipa::path(get, path = "/api/v1/health", tag = "system",
    responses((status = 200, body = Envelope<Health>), (status = 503, description = "the store is down", body = Envelope<Health>)))]
async fn health(State(state): State<AppState>) -> Response {
    let ping = tokio::time::timeout(std::time::Duration::from_secs(3), state.store.ping()).await;
    let latency_ms = match &ping {
        Ok(Ok(d)) => Some((d.as_secs_f64() * 1e6).round() / 1e3),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: store unavailable");
            None
        }
        Err(_) => None,
    };
    let up = latency_ms.is_some();
    let report = Health {
        status: if up { "ok" } else { "degraded" },
        version: state.settings.version.to_owned(),
        uptime_seconds: state.started.elapsed().as_secs(),
        store: StoreHealth {
            backend: state.store.backend().as_str(),
            status: if up { "up" } else { "down" },
            latency_ms,
        },
    };
    if up {
        ok(report).into_response()
    } else {
        ApiError {
            data: serde_json::to_value(&report).ok().map(Box::new),
            retry_after: Some(5),
            ..ApiError::new(ErrorCode::STORE_UNAVAILABLE, "the metadata store is unavailable")
        }
        .into_response()
    }
}
