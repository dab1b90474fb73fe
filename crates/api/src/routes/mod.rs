//! The `/api/v1` routes, one module per resource, merged here with the OpenAPI document.

mod auth;
mod datasources;
mod excel;
mod health;
mod monitoring;
pub(crate) mod query;
mod roles;
mod studio;
mod templates;
mod users;
mod workflows;

use axum::response::IntoResponse;
use errors::ErrorCode;
use utoipa::Modify;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::error::ApiError;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Quarry API", description = "Quarry's REST API. Every answer uses the envelope `{status, code, message, data, errors?, meta}`; error codes are listed in docs/errors.md. Each protected operation names the permission it requires as the scope of its `bearer` security requirement."),
    modifiers(&BearerScheme)
)]
struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

fn api_router() -> OpenApiRouter<AppState> {
    use utoipa::OpenApi as _;
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::router())
        .merge(auth::router())
        .merge(users::router())
        .merge(roles::router())
        .merge(datasources::router())
        .merge(query::router())
        .merge(templates::router())
        .merge(workflows::router())
        .merge(monitoring::router())
}

/// The OpenAPI document generated from the handlers' annotations.
pub fn openapi(version: &str) -> utoipa::openapi::OpenApi {
    let mut doc = api_router().into_openapi();
    doc.info.version = version.to_owned();
    doc
}

pub fn router(state: AppState) -> axum::Router {
    let (routes, _) = api_router().split_for_parts();
    let doc = serde_json::to_value(openapi(state.settings.version)).expect("the OpenAPI document serialises");
    routes
        .route("/api/v1/openapi.json", axum::routing::get(move || async move { axum::Json(doc) }))
        .route("/metrics", axum::routing::get(monitoring::prometheus))
        .merge(crate::realtime::router())
        .fallback(studio::fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

async fn route_not_found(uri: axum::http::Uri) -> impl IntoResponse {
    ApiError::new(ErrorCode::ROUTE_NOT_FOUND, format!("no endpoint at {}", uri.path()))
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> impl IntoResponse {
    ApiError::new(ErrorCode::METHOD_NOT_ALLOWED, format!("{method} is not allowed on {}", uri.path()))
}

/// The items a task sends through `rx`, as a stream for a response body; it ends when the
/// task drops its sender, and is fused (the compression layer may poll once more after the end).
pub(crate) fn channel_stream<T: Send + 'static>(
    rx: tokio::sync::mpsc::Receiver<T>,
) -> impl futures_util::Stream<Item = T> + Send + 'static {
    futures_util::StreamExt::fuse(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }))
}

/// Paging parameters shared by list endpoints: `page` from 1, `pageSize` 1–200 (default 20).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub(crate) struct PageParams {
    pub page: Option<i64>,
    pub page_size: Option<i64>,
    /// Case-insensitive text to look for.
    pub keyword: Option<String>,
}

impl PageParams {
    /// `(page, page_size, offset)`, or every problem with the parameters.
    pub fn resolve(&self) -> Result<(i64, i64, i64), ApiError> {
        let mut problems = Vec::new();
        let page = self.page.unwrap_or(1);
        let size = self.page_size.unwrap_or(20);
        if page < 1 {
            problems.push(errors::FieldError::new("page", "out_of_range", "must be 1 or more"));
        }
        if !(1..=200).contains(&size) {
            problems.push(errors::FieldError::new("pageSize", "out_of_range", "must be between 1 and 200"));
        }
        if !problems.is_empty() {
            return Err(ApiError::validation(problems));
        }
        Ok((page, size, (page - 1).saturating_mul(size)))
    }
}

/// Deserialises a field that may be absent (leave as is), `null` (clear) or a value (set).
pub(crate) fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}
