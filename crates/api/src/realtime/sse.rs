//! `GET /api/v1/events`: Server-Sent Events with `query-progress` and `workflow-status`
//! events the caller may see. Each event is an unnamed SSE message (so `EventSource.onmessage`
//! receives it, as in the seed) whose data is `{"type", "timestamp", "data"}` and whose `id`
//! lets a reconnecting client resume with `Last-Event-ID`. Keep-alive comments every 15 s;
//! the stream ends when the credential expires or the session is revoked.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::hub::{Event, timestamp};
use super::{ConnectParams, admit, check_live};
use crate::AppState;

fn wanted(event: &Event, principal: &auth::Principal) -> bool {
    matches!(event.kind(), "query-progress" | "workflow-status") && event.visible_to(principal)
}

fn frame(event: &Event) -> SseEvent {
    SseEvent::default().id(event.id.clone()).data(event.message.to_string())
}

fn notice(message: &str, dropped: Option<u64>) -> SseEvent {
    SseEvent::default().data(
        json!({"type": "notice", "timestamp": timestamp(chrono::Utc::now()),
            "data": {"message": message, "dropped": dropped}})
        .to_string(),
    )
}

pub(super) async fn events(
    State(state): State<AppState>,
    Query(params): Query<ConnectParams>,
    headers: HeaderMap,
) -> Response {
    let (caller, slot) = match admit(&state, &params, &headers).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let last_id =
        headers.get("last-event-id").and_then(|v| v.to_str().ok()).map(str::to_owned).or(params.last_event_id.clone());
    // Subscribe before reading the replay, so nothing falls between the two.
    let mut live = state.hub.subscribe();
    let (replay, gap): (Vec<Arc<Event>>, bool) = match &last_id {
        Some(id) => match state.hub.since(id) {
            Some(events) => (events, false),
            None => (Vec::new(), true),
        },
        None => (Vec::new(), false),
    };
    let heartbeat = state.settings.realtime.heartbeat;
    let stream = async_stream(move |tx| async move {
        // Held while the stream runs: the user's place is freed when the client goes.
        let _slot = slot;
        if gap {
            let _ = tx.send(notice("some events since Last-Event-ID are no longer kept; reload the state", None)).await;
        }
        let mut newest = last_id.unwrap_or_default();
        for event in replay.iter().filter(|e| wanted(e, &caller.principal)) {
            newest = event.id.clone();
            if tx.send(frame(event)).await.is_err() {
                return;
            }
        }
        let mut check = tokio::time::interval(heartbeat.min(Duration::from_secs(15)));
        check.tick().await;
        loop {
            tokio::select! {
                event = live.recv() => match event {
                    Ok(event) => {
                        // Already replayed, or not for this caller.
                        if event.id <= newest || !wanted(&event, &caller.principal) {
                            continue;
                        }
                        if tx.send(frame(&event)).await.is_err() {
                            return;
                        }
                    }
                    Err(RecvError::Lagged(n)) => {
                        if tx.send(notice("events dropped: this client reads slower than they arrive", Some(n))).await.is_err() {
                            return;
                        }
                    }
                    Err(RecvError::Closed) => return,
                },
                _ = check.tick() => {
                    if check_live(&state, &caller).await.is_some() {
                        return;
                    }
                }
                _ = tx.closed() => return,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response()
}

/// A stream fed by a task through a small channel: the task stops when the client goes.
fn async_stream<F, Fut>(f: F) -> impl Stream<Item = Result<SseEvent, Infallible>>
where
    F: FnOnce(tokio::sync::mpsc::Sender<SseEvent>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(f(tx));
    futures_util::StreamExt::map(crate::routes::channel_stream(rx), Ok)
}
