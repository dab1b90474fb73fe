//! The REST front door: `/api/v1` routes, the response envelope, middleware and the OpenAPI document.
//!
//! Handlers are thin: extract (with Quarry's own extractors, so every
//! rejection comes back in the envelope), call a domain function, map the
//! result. This is the only crate besides the GraphQL gateway that knows HTTP
//! status codes and headers.

mod context;
mod envelope;
mod error;
mod extract;
mod middleware;
pub mod monitor;
pub mod permissions;
pub mod realtime;
mod routes;

use std::sync::Arc;
use std::time::Instant;

use auth::AuthService;
use store::Store;

pub use envelope::{Envelope, Meta, Page};
pub use error::ApiError;
pub use middleware::RateLimiter;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// Sustained requests per second allowed per user (or per client address when anonymous).
    pub rate_limit_rps: u32,
    /// Requests allowed in a burst above the sustained rate.
    pub rate_limit_burst: u32,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Origins allowed to call the API from a browser (`*` for any).
    pub cors_origins: Vec<String>,
    /// The product version reported by health and the OpenAPI document.
    pub version: &'static str,
    /// WebSocket and SSE channels, and who may scrape `/metrics`.
    pub realtime: realtime::RealtimeSettings,
}

impl Default for ApiSettings {
    fn default() -> Self {
        ApiSettings {
            rate_limit_rps: 100,
            rate_limit_burst: 200,
            body_limit: 2 * 1024 * 1024,
            cors_origins: Vec::new(),
            version: "0.0.0",
            realtime: realtime::RealtimeSettings::default(),
        }
    }
}

/// Everything a handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub auth: AuthService,
    pub registry: registry::Registry,
    pub engine: engine::Engine,
    pub store: Store,
    pub settings: Arc<ApiSettings>,
    pub limiter: RateLimiter,
    pub started: Instant,
    pub(crate) query_cache: routes::query::QueryCache,
    pub(crate) history: tokio::sync::mpsc::Sender<store::HistoryEntry>,
    /// The shared query cache, when `QUARRY_REDIS_URL` is set.
    pub(crate) redis: Option<redis::aio::ConnectionManager>,
    /// Events for WebSocket and SSE subscribers, shared between instances through Redis.
    pub hub: realtime::Hub,
    /// The latest batch of metric messages.
    pub(crate) feed: tokio::sync::watch::Receiver<std::sync::Arc<realtime::Batch>>,
    /// The metric batches of the last few minutes, for `/ws/metrics?since=`.
    pub(crate) recent: realtime::feed::Recent,
    /// Open WebSocket and SSE connections per user.
    pub(crate) realtime: realtime::Connections,
}

impl AppState {
    pub fn new(
        auth: AuthService,
        registry: registry::Registry,
        engine: engine::Engine,
        settings: ApiSettings,
    ) -> AppState {
        let limiter = RateLimiter::new(settings.rate_limit_rps, settings.rate_limit_burst);
        let store = auth.store().clone();
        let (feed, recent) = realtime::feed::start(registry.clone(), settings.realtime.metrics_interval);
        AppState {
            store: store.clone(),
            auth,
            registry,
            engine,
            settings: Arc::new(settings),
            limiter,
            started: Instant::now(),
            query_cache: routes::query::new_cache(),
            history: routes::query::history_writer(store.clone()),
            redis: None,
            hub: realtime::Hub::default(),
            feed,
            recent,
            realtime: realtime::Connections::default(),
        }
    }

    /// Shares `@cache` results and realtime events between instances through Redis.
    pub async fn with_redis(mut self, url: &str) -> Result<AppState, redis::RedisError> {
        let client = redis::Client::open(url)?;
        self.redis = Some(redis::aio::ConnectionManager::new(client).await?);
        self.hub = realtime::Hub::with_redis(url).await?;
        Ok(self)
    }
}

/// The whole HTTP application: routes, fallbacks and the middleware stack.
pub fn router(state: AppState) -> axum::Router {
    router_with(state, axum::Router::new())
}

/// The application with `extra` routes (the GraphQL gateway) behind the same middleware: request
/// ids, logging, compression, CORS, rate limits, panic handling and the body limit.
pub fn router_with(state: AppState, extra: axum::Router) -> axum::Router {
    middleware::wrap(routes::router(state.clone()).merge(extra), state)
}

/// The OpenAPI document, as served at `/api/v1/openapi.json`.
pub fn openapi_document(version: &str) -> utoipa::openapi::OpenApi {
    routes::openapi(version)
}
