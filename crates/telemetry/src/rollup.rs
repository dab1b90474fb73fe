//! Totals since the last flush, kept in atomics on the hot path and taken by the server's
//! rollup writer, which adds them to the store's row for the current minute and this instance.
//! Instances write their own rows, so reading sums them without counting anything twice.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

macro_rules! totals {
    ($($field:ident),+ $(,)?) => {
        /// Totals over some span: counts, and durations summed in microseconds.
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct Totals {
            $(pub $field: u64,)+
        }

        #[derive(Default)]
        pub(crate) struct MinuteTotals {
            $($field: AtomicU64,)+
        }

        impl MinuteTotals {
            pub(crate) fn take(&self) -> Totals {
                Totals { $($field: self.$field.swap(0, Ordering::Relaxed),)+ }
            }

            pub(crate) fn add(&self, t: &Totals) {
                $(self.$field.fetch_add(t.$field, Ordering::Relaxed);)+
            }
        }

        impl std::ops::AddAssign<&Totals> for Totals {
            fn add_assign(&mut self, o: &Totals) {
                $(self.$field = self.$field.saturating_add(o.$field);)+
            }
        }

        impl Totals {
            /// Whether nothing was recorded.
            pub fn is_empty(&self) -> bool {
                $(self.$field == 0)&&+
            }
        }
    };
}

totals!(
    api_requests,
    api_errors,
    api_duration_us,
    query_count,
    query_errors,
    query_duration_us,
    query_rows,
    workflow_count,
    workflow_failed,
    workflow_duration_us,
    cache_hits,
    cache_misses,
);

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

impl MinuteTotals {
    pub(crate) fn api(&self, error: bool, elapsed: Duration) {
        self.api_requests.fetch_add(1, Ordering::Relaxed);
        self.api_errors.fetch_add(u64::from(error), Ordering::Relaxed);
        self.api_duration_us.fetch_add(micros(elapsed), Ordering::Relaxed);
    }

    pub(crate) fn query(&self, ok: bool, elapsed: Duration, rows: u64) {
        self.query_count.fetch_add(1, Ordering::Relaxed);
        self.query_errors.fetch_add(u64::from(!ok), Ordering::Relaxed);
        self.query_duration_us.fetch_add(micros(elapsed), Ordering::Relaxed);
        self.query_rows.fetch_add(rows, Ordering::Relaxed);
    }

    pub(crate) fn workflow(&self, failed: bool, elapsed: Duration) {
        self.workflow_count.fetch_add(1, Ordering::Relaxed);
        self.workflow_failed.fetch_add(u64::from(failed), Ordering::Relaxed);
        self.workflow_duration_us.fetch_add(micros(elapsed), Ordering::Relaxed);
    }

    pub(crate) fn cache(&self, hit: bool) {
        let field = if hit { &self.cache_hits } else { &self.cache_misses };
        field.fetch_add(1, Ordering::Relaxed);
    }
}

/// A series that the history endpoint and alert rules compute from totals.
#[derive(Debug, Clone, Copy)]
pub struct Derived {
    pub name: &'static str,
    compute: fn(&Totals, f64) -> Option<f64>,
}

impl Derived {
    /// The value over totals that span `seconds`; `None` where it is undefined (an average
    /// or a rate of nothing).
    pub fn value(&self, t: &Totals, seconds: f64) -> Option<f64> {
        (self.compute)(t, seconds)
    }
}

fn avg_ms(sum_us: u64, n: u64) -> Option<f64> {
    (n > 0).then(|| sum_us as f64 / n as f64 / 1000.0)
}

fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// Every series computed from the rollups, by name.
pub const DERIVED: &[Derived] = &[
    Derived { name: "api.request.count", compute: |t, _| Some(t.api_requests as f64) },
    Derived { name: "api.request.rate", compute: |t, s| (s > 0.0).then(|| t.api_requests as f64 / s) },
    Derived { name: "api.request.errors", compute: |t, _| Some(t.api_errors as f64) },
    Derived { name: "api.error.rate", compute: |t, _| percent(t.api_errors, t.api_requests) },
    Derived { name: "api.request.avgDuration", compute: |t, _| avg_ms(t.api_duration_us, t.api_requests) },
    Derived { name: "query.count", compute: |t, _| Some(t.query_count as f64) },
    Derived { name: "query.avgDuration", compute: |t, _| avg_ms(t.query_duration_us, t.query_count) },
    Derived { name: "query.rows", compute: |t, _| Some(t.query_rows as f64) },
    Derived { name: "query.errors", compute: |t, _| Some(t.query_errors as f64) },
    Derived { name: "query.error.rate", compute: |t, _| percent(t.query_errors, t.query_count) },
    Derived { name: "workflow.execution.count", compute: |t, _| Some(t.workflow_count as f64) },
    Derived { name: "workflow.execution.failed", compute: |t, _| Some(t.workflow_failed as f64) },
    Derived {
        name: "workflow.execution.avgDuration",
        compute: |t, _| avg_ms(t.workflow_duration_us, t.workflow_count),
    },
    Derived { name: "workflow.failure.rate", compute: |t, _| percent(t.workflow_failed, t.workflow_count) },
    Derived { name: "cache.hit", compute: |t, _| Some(t.cache_hits as f64) },
    Derived { name: "cache.miss", compute: |t, _| Some(t.cache_misses as f64) },
];

/// A derived series by name.
pub fn derived(name: &str) -> Option<&'static Derived> {
    DERIVED.iter().find(|d| d.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_taken_once_and_restored_on_failure() {
        let m = MinuteTotals::default();
        m.api(false, Duration::from_millis(2));
        m.api(true, Duration::from_millis(4));
        m.query(false, Duration::from_millis(10), 5);
        let t = m.take();
        assert_eq!((t.api_requests, t.api_errors, t.api_duration_us), (2, 1, 6000));
        assert_eq!((t.query_count, t.query_errors, t.query_rows), (1, 1, 5));
        assert!(m.take().is_empty());
        m.add(&t);
        assert_eq!(m.take(), t);
    }

    #[test]
    fn derived_series_are_undefined_without_data() {
        let t = Totals { api_requests: 200, api_errors: 20, api_duration_us: 400_000, ..Totals::default() };
        assert_eq!(derived("api.error.rate").unwrap().value(&t, 60.0), Some(10.0));
        assert_eq!(derived("api.request.avgDuration").unwrap().value(&t, 60.0), Some(2.0));
        assert_eq!(derived("query.avgDuration").unwrap().value(&t, 60.0), None);
        assert_eq!(derived("query.count").unwrap().value(&t, 60.0), Some(0.0));
        let mut sum = t;
        sum += &t;
        assert_eq!(sum.api_requests, 400);
    }
}
