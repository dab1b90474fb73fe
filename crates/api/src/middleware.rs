//! The middleware stack of the API gateway (seed 000, section 1.1): request context and logging,
//! compression, CORS, rate limiting, the exception filter and the body limit.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use errors::ErrorCode;
use governor::Quota;
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tracing::Instrument;

use crate::AppState;
use crate::context::{self, RequestContext};
use crate::error::ApiError;
use crate::extract::bearer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Wraps the routes in the middleware stack, outermost first.
pub fn wrap(routes: axum::Router, state: AppState) -> axum::Router {
    let settings = state.settings.clone();
    let stack = ServiceBuilder::new()
        .layer(from_fn(request_context))
        .layer(CompressionLayer::new())
        .option_layer(cors(&settings.cors_origins))
        // Inside CORS, so that 429 answers still carry CORS headers.
        .layer(from_fn_with_state(state, rate_limit))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(DefaultBodyLimit::max(settings.body_limit));
    routes.layer(stack)
}

/// Gives the request its id, runs it inside its context and span, and logs its outcome once.
async fn request_context(mut req: Request, next: Next) -> Response {
    let id = context::request_id(req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()));
    let started = Instant::now();
    let ctx = RequestContext { id: id.clone(), started };
    req.extensions_mut().insert(ctx.clone());
    let method = req.method().clone();
    // Only the path: query strings may carry tokens (`/ws?token=`), which must not reach logs.
    let path = req.uri().path().to_owned();
    // Metrics are keyed by the route template (`/api/v1/workflows/:id`), never the raw path.
    let matched = req.extensions().get::<axum::extract::MatchedPath>().cloned();
    let span = tracing::info_span!("request", request_id = %id, %method, %path);
    let mut response = context::scope(ctx, next.run(req)).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    record_request(matched.as_ref().map(axum::extract::MatchedPath::as_str), &method, status, elapsed);
    let elapsed_ms = (elapsed.as_secs_f64() * 1e6).round() / 1e3;
    span.in_scope(|| tracing::info!(status, elapsed_ms, "request finished"));
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// The method as a metric label: the standard ones, else `OTHER`, so clients inventing methods
/// cannot multiply the series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// Records a request's metrics under its route template written `/api/v1/workflows/:id` (the
/// usual notation of metric labels, which naive Prometheus parsers also read). Each thread
/// converts a template once and keeps the label, so the hot path does not allocate.
fn record_request(template: Option<&str>, method: &Method, status: u16, elapsed: std::time::Duration) {
    thread_local! {
        static LABELS: std::cell::RefCell<std::collections::HashMap<String, String>> = Default::default();
    }
    let method = method_label(method);
    match template {
        None => telemetry::api_request("unmatched", method, status, elapsed),
        Some(t) if !t.contains('{') => telemetry::api_request(t, method, status, elapsed),
        Some(t) => LABELS.with(|labels| {
            let mut labels = labels.borrow_mut();
            if !labels.contains_key(t) {
                labels.insert(t.to_owned(), t.replace('{', ":").replace('}', ""));
            }
            telemetry::api_request(&labels[t], method, status, elapsed);
        }),
    }
}

fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE, Method::OPTIONS])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, REQUEST_ID])
        .expose_headers([REQUEST_ID, header::RETRY_AFTER]);
    Some(if origins.iter().any(|o| o == "*") {
        layer.allow_origin(Any)
    } else {
        layer.allow_origin(AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok())))
    })
}

/// A GCRA limiter keyed by user (for valid bearer tokens) or client address.
#[derive(Clone)]
pub struct RateLimiter {
    inner: Arc<governor::RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>>,
}

impl RateLimiter {
    pub fn new(rps: u32, burst: u32) -> RateLimiter {
        let rps = NonZeroU32::new(rps.max(1)).expect("non-zero");
        let burst = NonZeroU32::new(burst.max(1)).expect("non-zero");
        RateLimiter { inner: Arc::new(governor::RateLimiter::keyed(Quota::per_second(rps).allow_burst(burst))) }
    }

    /// Seconds to wait when `key` is over its quota.
    fn check(&self, key: &str) -> Result<(), u64> {
        self.inner.check_key(&key.to_owned()).map_err(|not_until| {
            not_until.wait_time_from(DefaultClock::default().now()).as_secs_f64().ceil().max(1.0) as u64
        })
    }

    /// Forgets keys that are back to a full bucket; call periodically so memory stays bounded.
    pub fn retain_recent(&self) {
        self.inner.retain_recent();
        self.inner.shrink_to_fit();
    }
}

async fn rate_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    // Only a token with a valid signature names a user; anything else counts against the address.
    let claims = bearer(&parts).and_then(|t| state.auth.verify_token(t).ok());
    let key = match &claims {
        Some(claims) => format!("u:{}", claims.sub),
        None => match parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            Some(ConnectInfo(addr)) => format!("ip:{}", addr.ip()),
            None => "ip:unknown".to_owned(),
        },
    };
    // Verified once here; the authentication extractor uses these claims instead of verifying again.
    if let Some(claims) = claims {
        parts.extensions.insert(claims);
    }
    if let Err(retry_after) = state.limiter.check(&key) {
        return ApiError {
            retry_after: Some(retry_after),
            ..ApiError::new(ErrorCode::RATE_LIMITED, "too many requests; slow down")
        }
        .into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

/// The exception filter: a panic becomes the 500 envelope with the request id and no internals.
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(non-string panic)");
    tracing::error!(panic = %detail, "handler panicked");
    ApiError::new(ErrorCode::INTERNAL, "internal error").into_response()
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request as HttpRequest;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    async fn state() -> AppState {
        let store = store::Store::connect("sqlite::memory:").await.unwrap();
        store.migrate().await.unwrap();
        let registry = registry::Registry::new(store.clone(), &[2u8; 32], registry::SqlitePolicy::default());
        let secrets = std::sync::Arc::new(crypto::SecretBox::new(&[2u8; 32]));
        let engine =
            engine::Engine::new(store.clone(), registry.clone(), secrets, engine::EngineSettings::default(), None)
                .unwrap();
        let auth = auth::AuthService::new(store, auth::TokenKeys::new(&[1u8; 32]), auth::AuthConfig::default());
        AppState::new(auth, registry, engine, crate::ApiSettings::default())
    }

    #[tokio::test]
    async fn a_panic_becomes_the_500_envelope_without_internals() {
        async fn boom() -> &'static str {
            panic!("secret database password in a panic")
        }
        let routes = axum::Router::new().route("/boom", axum::routing::get(boom));
        let app = wrap(routes, state().await);
        let req = HttpRequest::get("/boom").header("x-request-id", "panic-1").body(Body::empty()).unwrap();
        let res = app.oneshot(req).await.unwrap();
        assert_eq!(res.status(), 500);
        assert_eq!(res.headers()["x-request-id"], "panic-1");
        let body = res.into_body().collect().await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["code"], 5000);
        assert_eq!(json["meta"]["requestId"], "panic-1");
        assert!(json["message"].as_str().unwrap().contains("panic-1"));
        assert!(!String::from_utf8_lossy(&body).contains("secret"), "no internals leak");
    }
}
