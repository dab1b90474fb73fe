//! In-process metrics: counters, gauges and histograms recorded on the hot path through
//! per-thread handles and atomic adds, rendered in the Prometheus text format, sampled for the live
//! WebSocket feed, and summed into per-minute totals that the server persists as rollups.
//!
//! One registry serves the process ([`metrics`]): metrics are cross-cutting (the API, the
//! gateway and the engine record into it), and threading a handle through every crate would
//! buy nothing, since one process is one instance. No I/O besides reading `/proc` in
//! [`system`], no async runtime.

mod prometheus;
mod registry;
pub mod rollup;
pub mod system;

use std::sync::OnceLock;
use std::time::Duration;

pub use prometheus::render;
pub use registry::{BUCKETS, Metrics, Sample, Value, bucket_quantile};
pub use rollup::Totals;

/// The process's registry.
pub fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::default)
}

/// Records one answered API request (`endpoint` is the route template such as
/// `/api/v1/workflows/:id`, never the raw path, so ids do not multiply the series).
pub fn api_request(endpoint: &str, method: &str, status: u16, elapsed: Duration) {
    let m = metrics();
    let mut digits = [b'0'; 3];
    let status_text = status_str(status, &mut digits);
    let tags = [("endpoint", endpoint), ("method", method), ("status", status_text)];
    m.counter_add("api.request.count", &tags, 1);
    m.observe("api.request.duration", &tags, elapsed);
    m.totals.api(status >= 500, elapsed);
}

/// Records one query run against a user datasource (REST, gateway or workflow).
pub fn query(datasource: &str, elapsed: Duration, rows: u64, ok: bool) {
    let m = metrics();
    let tags = [("datasource", datasource)];
    m.counter_add("query.count", &tags, 1);
    m.observe("query.duration", &tags, elapsed);
    m.counter_add("query.rows", &tags, rows);
    if !ok {
        m.counter_add("query.errors", &tags, 1);
    }
    m.totals.query(ok, elapsed, rows);
}

/// Records one finished workflow execution (`status`: completed, failed or cancelled).
pub fn workflow_execution(status: &str, elapsed: Duration) {
    let m = metrics();
    let tags = [("status", status)];
    m.counter_add("workflow.execution.count", &tags, 1);
    m.observe("workflow.execution.duration", &[], elapsed);
    let failed = status == "failed";
    if failed {
        m.counter_add("workflow.execution.failed", &[], 1);
    }
    m.totals.workflow(failed, elapsed);
}

/// Records a query-cache lookup.
pub fn cache(hit: bool) {
    let m = metrics();
    m.counter_add(if hit { "cache.hit" } else { "cache.miss" }, &[], 1);
    m.totals.cache(hit);
}

/// A status code as text without allocating (codes outside 100–999 read `000`).
fn status_str(status: u16, buf: &mut [u8; 3]) -> &str {
    if (100..=999).contains(&status) {
        buf[0] = b'0' + (status / 100) as u8;
        buf[1] = b'0' + (status / 10 % 10) as u8;
        buf[2] = b'0' + (status % 10) as u8;
    }
    std::str::from_utf8(buf).unwrap_or("000")
}

#[cfg(test)]
mod tests {
    #[test]
    fn status_codes_as_text() {
        let mut b = [b'0'; 3];
        assert_eq!(super::status_str(404, &mut b), "404");
        let mut b = [b'0'; 3];
        assert_eq!(super::status_str(42, &mut b), "000");
    }
}
