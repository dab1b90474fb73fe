//! The WebSocket endpoints. `/ws/metrics` pushes metric messages (`metrics:read`); `/ws` also
//! carries `alert` (to `metrics:read` holders) and `notification` messages (to whom they
//! concern). Clients send `{"type":"ping"}` (answered `pong`) and
//! `{"type":"subscribe","names":[…]}` (narrows the metrics). The server pings every
//! heartbeat, closes idle or dead connections, and closes with 4001 when the credential
//! expires or the session is revoked.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use errors::ErrorCode;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use super::hub::{Event, timestamp};
use super::{Caller, ConnectParams, admit, check_live, parse_names, selected};
use crate::AppState;
use crate::error::ApiError;

/// A send that takes longer than this means the client is gone or not reading at all.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Metrics,
    All,
}

pub(super) async fn metrics(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Query(params): Query<ConnectParams>,
    headers: HeaderMap,
) -> Response {
    upgrade(ws, state, params, headers, Mode::Metrics).await
}

pub(super) async fn all(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Query(params): Query<ConnectParams>,
    headers: HeaderMap,
) -> Response {
    upgrade(ws, state, params, headers, Mode::All).await
}

async fn upgrade(
    ws: WebSocketUpgrade,
    state: AppState,
    params: ConnectParams,
    headers: HeaderMap,
    mode: Mode,
) -> Response {
    // Refused before the upgrade, so the client sees a plain 401/403/429 with the envelope.
    let (caller, slot) = match admit(&state, &params, &headers).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    if mode == Mode::Metrics && !caller.principal.allows("metrics:read") {
        return ApiError::new(ErrorCode::FORBIDDEN, "permission \"metrics:read\" required").into_response();
    }
    let names = parse_names(params.names.as_deref());
    let since = match params.since.as_deref().map(chrono::DateTime::parse_from_rfc3339) {
        None => None,
        Some(Ok(t)) => Some(t.with_timezone(&chrono::Utc)),
        Some(Err(_)) => {
            return ApiError::new(
                ErrorCode::BAD_PARAMETER,
                "since must be an RFC 3339 instant, e.g. 2026-01-01T12:00:00Z",
            )
            .into_response();
        }
    };
    // Subscribed before the handshake answers: an event published once the client holds an
    // open socket reaches it, however late the session task gets to run.
    let events = state.hub.subscribe();
    ws.max_message_size(64 * 1024).on_upgrade(move |socket| async move {
        session(state, socket, caller, Wanted { mode, names, since }, events).await;
        drop(slot);
    })
}

fn text(value: &Value) -> Message {
    Message::Text(Utf8Bytes::from(value.to_string()))
}

fn notice(message: &str, dropped: u64) -> Message {
    text(&json!({"type": "notice", "timestamp": timestamp(chrono::Utc::now()),
        "data": {"message": message, "dropped": dropped}}))
}

/// What a connection asked for at the handshake.
struct Wanted {
    mode: Mode,
    /// Metric names (`subscribe` messages replace them later).
    names: Vec<String>,
    /// Send the kept batches newer than this first.
    since: Option<chrono::DateTime<chrono::Utc>>,
}

async fn session(
    state: AppState,
    socket: WebSocket,
    caller: Caller,
    wanted: Wanted,
    mut events: broadcast::Receiver<Arc<Event>>,
) {
    let Wanted { mode, mut names, since } = wanted;
    let (mut sink, mut incoming) = socket.split();
    let realtime = state.settings.realtime.clone();
    let wants_metrics = caller.principal.allows("metrics:read");
    let mut feed = state.feed.clone();
    let mut heartbeat = tokio::time::interval(realtime.heartbeat);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    heartbeat.tick().await;
    let mut last_seen = Instant::now();
    // The first batch this connection sees is the current one, so it reports no gap.
    let mut last_seq = feed.borrow().seq;
    // Asked for: the kept batches before the current one, oldest first.
    if let Some(since) = since.filter(|_| wants_metrics) {
        for batch in state.recent.between(since, last_seq) {
            if !send_batch_ok(&mut sink, &batch, &names).await {
                return;
            }
        }
    }
    macro_rules! send {
        ($msg:expr) => {
            match tokio::time::timeout(SEND_TIMEOUT, sink.send($msg)).await {
                Ok(Ok(())) => {}
                _ => return,
            }
        };
    }
    let close = |code: u16, reason: &'static str| {
        Message::Close(Some(CloseFrame { code, reason: Utf8Bytes::from_static(reason) }))
    };
    loop {
        tokio::select! {
            changed = feed.changed(), if wants_metrics => {
                if changed.is_err() {
                    return;
                }
                let batch = feed.borrow_and_update().clone();
                // Batches this connection had no time to send were replaced by newer ones.
                let skipped = batch.seq.saturating_sub(last_seq + 1);
                if skipped > 0 {
                    send!(notice("metric batches skipped: this client reads slower than they are sent", skipped));
                }
                last_seq = batch.seq;
                if !send_batch_ok(&mut sink, &batch, &names).await {
                    return;
                }
            }
            event = events.recv(), if mode == Mode::All => match event {
                Ok(event) => {
                    let kind = event.kind();
                    if matches!(kind, "alert" | "notification") && event.visible_to(&caller.principal) {
                        send!(text(&event.message));
                    }
                }
                Err(RecvError::Lagged(n)) => send!(notice("events dropped: this client reads slower than they arrive", n)),
                Err(RecvError::Closed) => return,
            },
            message = incoming.next() => {
                let Some(Ok(message)) = message else { return };
                last_seen = Instant::now();
                match message {
                    Message::Text(t) => {
                        if let Some(reply) = answer(&t, &mut names) {
                            send!(reply);
                        }
                    }
                    Message::Close(_) => return,
                    _ => {}
                }
            }
            _ = heartbeat.tick() => {
                if let Some(why) = check_live(&state, &caller).await {
                    return close_handshake(sink, incoming, close(4001, why)).await;
                }
                if last_seen.elapsed() > realtime.idle_timeout {
                    return close_handshake(sink, incoming, close(1001, "idle")).await;
                }
                send!(Message::Ping(Default::default()));
            }
        }
    }
}

/// Sends a close frame and waits (briefly) for the client's, reading what it still sends:
/// closing the socket with unread data would reset it and lose the close frame.
async fn close_handshake(
    mut sink: futures_util::stream::SplitSink<WebSocket, Message>,
    mut incoming: futures_util::stream::SplitStream<WebSocket>,
    frame: Message,
) {
    if tokio::time::timeout(SEND_TIMEOUT, sink.send(frame)).await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(Ok(m)) = incoming.next().await {
            if matches!(m, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

async fn send_batch_ok(
    sink: &mut futures_util::stream::SplitSink<WebSocket, Message>,
    batch: &Arc<super::Batch>,
    names: &[String],
) -> bool {
    for item in batch.items.iter().filter(|i| selected(names, &i.name)) {
        // Rendered once per batch; every subscriber sends the same bytes.
        let msg = Message::Text(item.json.clone());
        match tokio::time::timeout(SEND_TIMEOUT, sink.feed(msg)).await {
            Ok(Ok(())) => {}
            _ => return false,
        }
    }
    matches!(tokio::time::timeout(SEND_TIMEOUT, sink.flush()).await, Ok(Ok(())))
}

/// The reply to a client message, if it needs one.
fn answer(text: &str, names: &mut Vec<String>) -> Option<Message> {
    let now = timestamp(chrono::Utc::now());
    let parsed: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => {
            return Some(self::text(
                &json!({"type": "error", "timestamp": now, "data": {"message": "messages must be JSON"}}),
            ));
        }
    };
    match parsed["type"].as_str() {
        Some("ping") => Some(self::text(&json!({"type": "pong", "timestamp": now}))),
        Some("subscribe") => {
            let Some(list) = parsed["names"].as_array() else {
                return Some(self::text(&json!({"type": "error", "timestamp": now,
                    "data": {"message": "subscribe needs \"names\": an array of metric names (\"prefix.*\" allowed; empty = all)"}})));
            };
            *names = list.iter().filter_map(Value::as_str).map(str::to_owned).take(100).collect();
            Some(self::text(&json!({"type": "subscribed", "timestamp": now, "data": {"names": names}})))
        }
        Some("pong") => None,
        _ => Some(self::text(&json!({"type": "error", "timestamp": now,
            "data": {"message": "unknown message type; expected ping or subscribe"}}))),
    }
}
