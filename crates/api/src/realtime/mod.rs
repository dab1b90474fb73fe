//! Realtime channels (seed 000, sections 2.5.1 and 4): WebSockets at `/ws/metrics` (metrics
//! only) and `/ws` (metrics, alerts, notifications), Server-Sent Events at `/api/v1/events`
//! (query progress, workflow status), and the connection credentials they accept: an access
//! token in the URL as the seed does, or a short-lived single-use ticket from
//! `POST /api/v1/auth/ws-ticket` so long-lived tokens stay out of URLs and logs.

pub mod feed;
pub mod hub;
pub mod progress;
mod sse;
mod ws;

use std::time::Duration;

use axum::http::HeaderMap;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use errors::ErrorCode;
use serde::Deserialize;
use sha2::Digest;

use crate::AppState;
use crate::error::ApiError;

pub use feed::Batch;
pub use hub::{Audience, Event, Hub};

/// How long a ticket may wait before it is used.
pub const TICKET_TTL: Duration = Duration::from_secs(30);

/// Settings of the realtime channels.
#[derive(Debug, Clone)]
pub struct RealtimeSettings {
    /// How often the metrics feed is computed and pushed.
    pub metrics_interval: Duration,
    /// Connections that send nothing (not even a pong) for this long are closed.
    pub idle_timeout: Duration,
    /// How often the server pings and re-checks the connection's credentials.
    pub heartbeat: Duration,
    /// A bearer token that may read `/metrics` (for Prometheus) besides `metrics:read` holders.
    pub metrics_token: Option<String>,
    /// WebSocket and SSE connections one user may hold at once on this instance.
    pub max_per_user: usize,
}

impl Default for RealtimeSettings {
    fn default() -> Self {
        RealtimeSettings {
            metrics_interval: Duration::from_millis(2000),
            idle_timeout: Duration::from_secs(90),
            heartbeat: Duration::from_secs(30),
            metrics_token: None,
            max_per_user: 20,
        }
    }
}

/// Query parameters of realtime URLs.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConnectParams {
    /// An access token (the seed's `?token=`).
    token: Option<String>,
    /// A ticket from `POST /api/v1/auth/ws-ticket`.
    ticket: Option<String>,
    /// Comma-separated metric names to receive (`system.*` matches a prefix); default all.
    names: Option<String>,
    /// For SSE clients that cannot set the `Last-Event-ID` header.
    last_event_id: Option<String>,
    /// WebSocket: also send the kept metric batches newer than this instant (RFC 3339), at most
    /// five minutes back, before the live ones — a dashboard's charts fill at once.
    since: Option<String>,
}

/// A connection's caller and when its credential stops being valid.
pub(crate) struct Caller {
    pub principal: auth::Principal,
    pub expires: DateTime<Utc>,
}

/// Authenticates a realtime connection and takes one of its user's connection places.
pub(crate) async fn admit(
    state: &AppState,
    params: &ConnectParams,
    headers: &HeaderMap,
) -> Result<(Caller, Slot), ApiError> {
    let caller = authenticate(state, params, headers).await?;
    let slot = state.realtime.take(&caller.principal.user_id, state.settings.realtime.max_per_user)?;
    Ok((caller, slot))
}

fn hash_ticket(ticket: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(ticket.as_bytes()))
}

/// Issues a ticket for `principal`'s session: 256 random bits, stored hashed.
pub(crate) async fn issue_ticket(state: &AppState, principal: &auth::Principal) -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(&e))?;
    let ticket = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let expires = Utc::now() + chrono::Duration::from_std(TICKET_TTL).unwrap_or_default();
    state
        .store
        .insert_realtime_ticket(&hash_ticket(&ticket), &principal.user_id, &principal.session_id, expires)
        .await?;
    Ok(ticket)
}

/// Authenticates a realtime connection by ticket, `token` parameter or bearer header.
pub(crate) async fn authenticate(
    state: &AppState,
    params: &ConnectParams,
    headers: &HeaderMap,
) -> Result<Caller, ApiError> {
    if let Some(ticket) = &params.ticket {
        let now = Utc::now();
        let Some((user, session)) = state.store.use_realtime_ticket(&hash_ticket(ticket), now).await? else {
            return Err(ApiError::new(ErrorCode::UNAUTHENTICATED, "the ticket is unknown, used or expired"));
        };
        let principal = state.auth.session_principal(&user, &session).await?;
        // A ticket stands for a fresh access token: the connection lives as long as one would.
        let ttl = chrono::Duration::from_std(state.auth.config().access_ttl).unwrap_or_default();
        return Ok(Caller { principal, expires: now + ttl });
    }
    let header = crate::extract::bearer_header(headers);
    let Some(token) = params.token.as_deref().or(header) else {
        return Err(ApiError::new(
            ErrorCode::UNAUTHENTICATED,
            "authentication required: add ?token=<access token> or ?ticket=<ticket from POST /api/v1/auth/ws-ticket>",
        ));
    };
    let claims = state.auth.verify_token(token)?;
    let principal = state.auth.authenticate_claims(&claims).await?;
    let expires = DateTime::from_timestamp(claims.exp, 0).unwrap_or_else(Utc::now);
    Ok(Caller { principal, expires })
}

/// Open realtime connections per user on this instance.
#[derive(Clone, Default)]
pub struct Connections {
    open: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
}

/// One counted connection; dropping it (when the connection ends) frees its place.
pub(crate) struct Slot {
    connections: Connections,
    user_id: String,
}

impl Connections {
    /// A place for one more connection of `user_id`, or a 429 when the user holds `max` already.
    pub(crate) fn take(&self, user_id: &str, max: usize) -> Result<Slot, ApiError> {
        let mut open = self.open.lock().expect("connections lock");
        let n = open.entry(user_id.to_owned()).or_default();
        if *n >= max {
            return Err(ApiError {
                retry_after: Some(5),
                ..ApiError::new(
                    ErrorCode::RATE_LIMITED,
                    format!("at most {max} realtime connections per user; close one (or reuse /ws for several feeds)"),
                )
            });
        }
        *n += 1;
        Ok(Slot { connections: self.clone(), user_id: user_id.to_owned() })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.connections.open.lock().expect("connections lock");
        if let Some(n) = open.get_mut(&self.user_id) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.user_id);
            }
        }
    }
}

/// Why a live connection must end, if it must: its credential expired, or its session was
/// revoked or its account disabled since it connected.
pub(crate) async fn check_live(state: &AppState, caller: &Caller) -> Option<&'static str> {
    if Utc::now() >= caller.expires {
        return Some("token expired");
    }
    match state.auth.session_principal(&caller.principal.user_id, &caller.principal.session_id).await {
        Ok(_) => None,
        Err(_) => Some("session revoked"),
    }
}

/// Whether metric `name` is selected by `patterns` (exact names, or `prefix.*`; none = all).
pub(crate) fn selected(patterns: &[String], name: &str) -> bool {
    patterns.is_empty()
        || patterns.iter().any(|p| match p.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => p == name,
        })
}

pub(crate) fn parse_names(names: Option<&str>) -> Vec<String> {
    names.unwrap_or_default().split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// `/ws`, `/ws/metrics` and `/api/v1/events`.
pub(crate) fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/ws", axum::routing::get(ws::all))
        .route("/ws/metrics", axum::routing::get(ws::metrics))
        .route("/api/v1/events", axum::routing::get(sse::events))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names_select_exactly_or_by_prefix() {
        let p = parse_names(Some("api.request.count, system.*,"));
        assert!(selected(&p, "api.request.count"));
        assert!(selected(&p, "system.cpu.usage"));
        assert!(!selected(&p, "api.request.duration"));
        assert!(selected(&[], "anything"));
    }
}
