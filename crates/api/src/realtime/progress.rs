//! Progress of one query run: records its metrics when it ends and, when the client gave the
//! run an id (`options.progressId`), sends `query-progress` events to that user over SSE —
//! `running` at the start, rows so far while a stream or export runs (at most four a second),
//! then `completed` or `failed`.

use std::time::{Duration, Instant};

use serde_json::json;

use super::{Audience, Event, Hub};

const EVERY: Duration = Duration::from_millis(250);

pub struct QueryProgress {
    hub: Hub,
    user_id: String,
    id: Option<String>,
    datasource: String,
    started: Instant,
    last: Instant,
}

impl QueryProgress {
    /// Starts tracking (and announces the run when it has an id).
    pub async fn start(hub: Hub, user_id: &str, id: Option<String>, datasource: &str) -> QueryProgress {
        let now = Instant::now();
        let p = QueryProgress {
            hub,
            user_id: user_id.to_owned(),
            id,
            datasource: datasource.to_owned(),
            started: now,
            last: now,
        };
        p.send("running", 0, None).await;
        p
    }

    async fn send(&self, phase: &str, rows: u64, error: Option<&str>) {
        let Some(id) = &self.id else { return };
        let data = json!({
            "id": id,
            "phase": phase,
            "rows": rows,
            "elapsedMs": u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "datasource": self.datasource,
            "error": error,
        });
        self.hub.publish(Event::new("query-progress", Audience::User(self.user_id.clone()), data)).await;
    }

    /// Rows so far; sends an event when the last one is old enough.
    pub async fn rows(&mut self, rows: u64) {
        if self.id.is_some() && self.last.elapsed() >= EVERY {
            self.last = Instant::now();
            self.send("streaming", rows, None).await;
        }
    }

    /// The answer came from the cache: nothing ran, so no query metrics.
    pub async fn finish_cached(self, rows: u64) {
        self.send("completed", rows, None).await;
    }

    /// The run ended: records its metrics and announces the outcome.
    pub async fn finish(self, rows: u64, error: Option<&str>) {
        telemetry::query(&self.datasource, self.started.elapsed(), rows, error.is_none());
        match error {
            None => self.send("completed", rows, None).await,
            Some(e) => self.send("failed", rows, Some(e)).await,
        }
    }
}
