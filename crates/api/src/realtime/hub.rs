//! The event hub: every `alert`, `notification`, `workflow-status` and `query-progress` event
//! goes through [`Hub::publish`] and reaches every instance's subscribers — through Redis
//! pub/sub when `QUARRY_REDIS_URL` is set, in-process otherwise — and each instance keeps the
//! recent ones so an SSE client can resume with `Last-Event-ID`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::broadcast;

/// The Redis channel instances share.
const CHANNEL: &str = "quarry:events";
/// Events kept for `Last-Event-ID` resumption.
const RECENT: usize = 2048;

/// Who may see an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "value")]
pub enum Audience {
    /// Users holding this permission (somewhere).
    Permission(String),
    /// One user.
    User(String),
}

/// One event. `message` is what clients receive: `{"type", "timestamp", "data"}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    /// Time-ordered (UUID v7), the same on every instance.
    pub id: String,
    pub audience: Audience,
    pub message: Value,
}

impl Event {
    pub fn new(kind: &str, audience: Audience, data: Value) -> Event {
        Event {
            id: uuid::Uuid::now_v7().to_string(),
            audience,
            message: serde_json::json!({
                "type": kind,
                "timestamp": timestamp(chrono::Utc::now()),
                "data": data,
            }),
        }
    }

    /// The message's `type`.
    pub fn kind(&self) -> &str {
        self.message["type"].as_str().unwrap_or_default()
    }

    /// Whether `principal` may see it.
    pub fn visible_to(&self, principal: &auth::Principal) -> bool {
        match &self.audience {
            Audience::Permission(p) => principal.permissions.allows_somewhere(p),
            Audience::User(id) => *id == principal.user_id,
        }
    }
}

/// Timestamps as the seed writes them: `2024-01-01T12:00:00.000Z`.
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

struct Inner {
    local: broadcast::Sender<Arc<Event>>,
    recent: Mutex<VecDeque<Arc<Event>>>,
    redis: Option<redis::aio::ConnectionManager>,
}

/// Cheap to clone.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new(None)
    }
}

impl Hub {
    fn new(redis: Option<redis::aio::ConnectionManager>) -> Hub {
        let (local, _) = broadcast::channel(1024);
        Hub { inner: Arc::new(Inner { local, recent: Mutex::new(VecDeque::with_capacity(RECENT)), redis }) }
    }

    /// A hub that shares events with other instances through Redis: publishes there, and
    /// relays what arrives (its own events included) to local subscribers.
    pub async fn with_redis(url: &str) -> Result<Hub, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let manager = redis::aio::ConnectionManager::new(client.clone()).await?;
        let hub = Hub::new(Some(manager));
        let relay = hub.clone();
        let mut pubsub = client.get_async_pubsub().await?;
        pubsub.subscribe(CHANNEL).await?;
        tokio::spawn(async move { relay.relay(client, pubsub).await });
        Ok(hub)
    }

    async fn relay(self, client: redis::Client, mut pubsub: redis::aio::PubSub) {
        use futures_util::StreamExt;
        loop {
            {
                let mut messages = pubsub.on_message();
                while let Some(msg) = messages.next().await {
                    let Ok(payload) = msg.get_payload::<String>() else { continue };
                    match serde_json::from_str::<Event>(&payload) {
                        Ok(event) => self.deliver(Arc::new(event)),
                        Err(e) => tracing::warn!(error = %e, "ignored a malformed event from Redis"),
                    }
                }
            }
            // The connection dropped: resubscribe with backoff.
            let mut delay = Duration::from_millis(200);
            pubsub = loop {
                tokio::time::sleep(delay).await;
                if let Ok(mut p) = client.get_async_pubsub().await
                    && p.subscribe(CHANNEL).await.is_ok()
                {
                    break p;
                }
                tracing::warn!("event relay: Redis unavailable; retrying");
                delay = (delay * 2).min(Duration::from_secs(10));
            };
        }
    }

    /// Sends an event to every instance's subscribers.
    pub async fn publish(&self, event: Event) {
        if let Some(redis) = &self.inner.redis {
            let payload = serde_json::to_string(&event).unwrap_or_default();
            let mut conn = redis.clone();
            let sent: Result<i64, _> = redis::cmd("PUBLISH").arg(CHANNEL).arg(payload).query_async(&mut conn).await;
            match sent {
                Ok(_) => return,
                // Other instances miss it, but this instance's clients still get it.
                Err(e) => tracing::warn!(error = %e, "could not publish an event to Redis; delivering locally"),
            }
        }
        self.deliver(Arc::new(event));
    }

    fn deliver(&self, event: Arc<Event>) {
        {
            let mut recent = self.inner.recent.lock().expect("recent events");
            if recent.len() == RECENT {
                recent.pop_front();
            }
            recent.push_back(event.clone());
        }
        // No subscribers is fine.
        let _ = self.inner.local.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.inner.local.subscribe()
    }

    /// Events after `last_id` still kept, oldest first (ids are time-ordered, so this holds
    /// across instances too); `None` when events after `last_id` may have been forgotten
    /// already (the client was away longer than can be replayed).
    pub fn since(&self, last_id: &str) -> Option<Vec<Arc<Event>>> {
        let recent = self.inner.recent.lock().expect("recent events");
        let full = recent.len() == RECENT;
        match recent.front() {
            Some(oldest) if full && last_id < oldest.id.as_str() => None,
            _ => Some(recent.iter().filter(|e| e.id.as_str() > last_id).cloned().collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: usize) -> Event {
        Event::new("workflow-status", Audience::User("u".into()), serde_json::json!({"n": n}))
    }

    #[test]
    fn replays_what_came_after_an_id_and_says_when_events_were_forgotten() {
        let hub = Hub::default();
        let first = event(0);
        let first_id = first.id.clone();
        hub.deliver(Arc::new(first));
        let second = event(1);
        let second_id = second.id.clone();
        hub.deliver(Arc::new(second));
        let after_first = hub.since(&first_id).unwrap();
        assert_eq!(after_first.len(), 1);
        assert_eq!(after_first[0].id, second_id);
        assert!(hub.since(&second_id).unwrap().is_empty());
        // Once the oldest events are forgotten, resuming from one of them reports a gap.
        for n in 2..RECENT + 10 {
            hub.deliver(Arc::new(event(n)));
        }
        assert!(hub.since(&first_id).is_none());
        let recent = hub.inner.recent.lock().unwrap().back().unwrap().id.clone();
        assert!(hub.since(&recent).unwrap().is_empty());
    }
}
