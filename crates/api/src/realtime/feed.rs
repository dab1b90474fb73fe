//! The metrics feed: once per interval, one task samples the host and the pools, reads the
//! registry and renders every metric message; WebSocket connections only filter and send the
//! latest batch. A connection that falls behind skips to the newest batch (the `watch`
//! channel keeps only that), so a slow client costs no memory and never delays the others.
//! The last five minutes of batches are also kept, shared, for clients that connect with
//! `?since=` and want their charts filled at once.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use serde_json::{Value, json};
use telemetry::{BUCKETS, Sample, system};
use tokio::sync::watch;

use super::hub::timestamp;

/// One metric message, rendered once for every subscriber.
#[derive(Debug, Clone)]
pub struct Item {
    pub name: String,
    pub json: Utf8Bytes,
}

/// One interval's messages.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// Counts from 1; a connection that sees a gap knows it skipped batches.
    pub seq: u64,
    /// The timestamp every item of the batch carries.
    pub at: chrono::DateTime<chrono::Utc>,
    pub items: Vec<Item>,
}

/// How far back `?since=` reaches.
pub const BACKLOG: Duration = Duration::from_secs(5 * 60);
/// At most this many batches are kept, whatever the interval.
const BACKLOG_BATCHES: usize = 300;

/// The batches of the last [`BACKLOG`], oldest first (shared; the feed task appends).
#[derive(Debug, Clone, Default)]
pub struct Recent(Arc<Mutex<VecDeque<Arc<Batch>>>>);

impl Recent {
    fn push(&self, batch: Arc<Batch>, capacity: usize) {
        let mut ring = self.0.lock().unwrap_or_else(|e| e.into_inner());
        while ring.len() >= capacity {
            ring.pop_front();
        }
        ring.push_back(batch);
    }

    /// The kept batches newer than `since` and older than batch `before` (the one a new
    /// connection receives first anyway), oldest first.
    pub fn between(&self, since: chrono::DateTime<chrono::Utc>, before: u64) -> Vec<Arc<Batch>> {
        let ring = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // Compared in milliseconds, as the messages carry them: a client passing the newest
        // timestamp it holds gets nothing it already has.
        let since = since.timestamp_millis();
        ring.iter().filter(|b| b.at.timestamp_millis() > since && b.seq < before).cloned().collect()
    }
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// Starts the feed; the receiver gives the latest batch, `Recent` the last few minutes' batches.
pub fn start(registry: registry::Registry, interval: Duration) -> (watch::Receiver<Arc<Batch>>, Recent) {
    let (tx, rx) = watch::channel(Arc::new(Batch::default()));
    let recent = Recent::default();
    let kept = recent.clone();
    let capacity = (BACKLOG.as_millis() / interval.as_millis().max(1)).clamp(1, BACKLOG_BATCHES as u128) as usize;
    tokio::spawn(async move {
        let host = host();
        let mut cpu_before = system::cpu_times();
        let mut previous: Vec<Sample> = Vec::new();
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut seq = 0;
        loop {
            ticker.tick().await;
            if tx.is_closed() {
                return;
            }
            sample_gauges(&registry, &host, &mut cpu_before).await;
            let snapshot = telemetry::metrics().snapshot();
            seq += 1;
            let at = chrono::Utc::now();
            let items = render(&snapshot, &previous, interval, at);
            previous = snapshot;
            let batch = Arc::new(Batch { seq, at, items });
            kept.push(batch.clone(), capacity);
            let _ = tx.send(batch);
        }
    });
    (rx, recent)
}

async fn sample_gauges(registry: &registry::Registry, host: &str, cpu_before: &mut Option<system::CpuTimes>) {
    let m = telemetry::metrics();
    let tags = [("host", host)];
    let now = system::cpu_times();
    if let (Some(a), Some(b)) = (*cpu_before, now)
        && let Some(usage) = system::cpu_usage(a, b)
    {
        m.gauge_set("system.cpu.usage", &tags, round2(usage));
    }
    *cpu_before = now;
    if let Some(v) = system::memory_usage() {
        m.gauge_set("system.memory.usage", &tags, round2(v));
    }
    if let Some(v) = system::process_rss() {
        m.gauge_set("process.rss", &tags, v);
    }
    for (id, active, idle) in registry.pool_usage().await {
        let code = registry.get(&id).await.map(|d| d.code().to_owned()).unwrap_or(id);
        m.gauge_set("datasource.pool.active", &[("datasource", &code)], f64::from(active));
        m.gauge_set("datasource.pool.idle", &[("datasource", &code)], f64::from(idle));
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn item(name: &str, value: impl Into<Value>, tags: Value, at: &str) -> Item {
    let value: Value = value.into();
    let msg = json!({"type": "metric", "timestamp": at, "data": {"name": name, "value": value, "tags": tags}});
    Item { name: name.to_owned(), json: Utf8Bytes::from(msg.to_string()) }
}

fn tags_json(tags: &[(&'static str, String)]) -> Value {
    Value::Object(tags.iter().map(|(k, v)| ((*k).to_owned(), Value::String(v.clone()))).collect())
}

/// The messages of one interval: counters as totals since start (as the seed's
/// `api.request.count: 1234`), gauges as read, durations as the mean over the interval in ms
/// (`query.duration` is sent as the seed's `query.avgDuration`), plus the request rate and
/// latency percentiles over the interval across all endpoints.
pub fn render(now: &[Sample], before: &[Sample], interval: Duration, at: chrono::DateTime<chrono::Utc>) -> Vec<Item> {
    let at = timestamp(at);
    let mut items = Vec::with_capacity(now.len() + 5);
    let previous = |s: &Sample| before.iter().find(|p| p.name == s.name && p.tags == s.tags);
    let mut api_before = vec![0u64; BUCKETS.len() + 1];
    let mut api_now = vec![0u64; BUCKETS.len() + 1];
    for s in now {
        match &s.value {
            telemetry::Value::Counter(n) => items.push(item(s.name, *n, tags_json(&s.tags), &at)),
            telemetry::Value::Gauge(v) => items.push(item(s.name, *v, tags_json(&s.tags), &at)),
            telemetry::Value::Histogram { cumulative, count, sum } => {
                let (c0, s0, b0) = match previous(s).map(|p| &p.value) {
                    Some(telemetry::Value::Histogram { cumulative, count, sum }) => (*count, *sum, Some(cumulative)),
                    _ => (0, 0.0, None),
                };
                if s.name == "api.request.duration" {
                    for (i, c) in cumulative.iter().enumerate() {
                        api_now[i] += c;
                        api_before[i] += b0.map_or(0, |b| b[i]);
                    }
                }
                if *count > c0 {
                    let mean_ms = (sum - s0) * 1000.0 / (count - c0) as f64;
                    let name = if s.name == "query.duration" { "query.avgDuration" } else { s.name };
                    items.push(item(name, round2(mean_ms), tags_json(&s.tags), &at));
                }
            }
        }
    }
    let requests = api_now.last().copied().unwrap_or(0) - api_before.last().copied().unwrap_or(0);
    items.push(item("api.request.rate", round2(requests as f64 / interval.as_secs_f64().max(0.001)), json!({}), &at));
    for (q, name) in
        [(0.5, "api.request.duration.p50"), (0.95, "api.request.duration.p95"), (0.99, "api.request.duration.p99")]
    {
        if let Some(v) = telemetry::bucket_quantile(q, Some(&api_before), &api_now) {
            items.push(item(name, round2(v * 1000.0), json!({}), &at));
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_have_the_seed_shape() {
        let m = telemetry::Metrics::default();
        m.counter_add(
            "api.request.count",
            &[("endpoint", "/api/v1/query/execute"), ("method", "POST"), ("status", "200")],
            1234,
        );
        m.gauge_set("system.cpu.usage", &[("host", "server-1")], 45.5);
        let before = m.snapshot();
        m.observe("query.duration", &[("datasource", "demo")], Duration::from_millis(150));
        m.observe("api.request.duration", &[("endpoint", "/e")], Duration::from_millis(2));
        let at = chrono::DateTime::parse_from_rfc3339("2024-01-01T12:00:00Z").unwrap().to_utc();
        let items = render(&m.snapshot(), &before, Duration::from_secs(2), at);
        let find = |name: &str| -> Value {
            serde_json::from_str(&items.iter().find(|i| i.name == name).unwrap_or_else(|| panic!("{name}")).json)
                .unwrap()
        };
        assert_eq!(
            find("api.request.count"),
            json!({"type": "metric", "timestamp": "2024-01-01T12:00:00.000Z", "data": {"name": "api.request.count",
                "value": 1234, "tags": {"endpoint": "/api/v1/query/execute", "method": "POST", "status": "200"}}})
        );
        assert_eq!(find("system.cpu.usage")["data"]["tags"], json!({"host": "server-1"}));
        assert_eq!(find("query.avgDuration")["data"]["value"], json!(150.0));
        assert_eq!(find("api.request.rate")["data"]["value"], json!(0.5));
        let p50 = find("api.request.duration.p50")["data"]["value"].as_f64().unwrap();
        assert!(p50 > 1.0 && p50 <= 2.5, "{p50}");
    }
}
