//! The registry: series keyed by name and tags, each a counter, a gauge or a histogram of
//! atomics. Each thread caches its handles, so recording takes no lock after a thread's first
//! use of a series (a write lock only the first time a series appears at all).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::rollup::MinuteTotals;

/// Histogram bucket upper bounds, in seconds (Prometheus' defaults plus finer low buckets, so
/// sub-millisecond API latencies are told apart).
pub const BUCKETS: [f64; 15] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    name: &'static str,
    tags: Vec<(&'static str, String)>,
}

enum Series {
    Counter(AtomicU64),
    /// An `f64`'s bits.
    Gauge(AtomicU64),
    Histogram(Histogram),
}

struct Histogram {
    /// Per bucket (not cumulative); the last is `+Inf`. Their sum is the count.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

/// A series' value at one moment.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Counter(u64),
    Gauge(f64),
    /// Cumulative bucket counts (one per [`BUCKETS`] bound, then `+Inf`), count and sum in seconds.
    Histogram {
        cumulative: Vec<u64>,
        count: u64,
        sum: f64,
    },
}

/// One series as read by [`Metrics::snapshot`].
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: &'static str,
    pub tags: Vec<(&'static str, String)>,
    pub value: Value,
}

/// The registry. Series are never removed: their number is bounded by route templates,
/// datasources and statuses, not by request content.
pub struct Metrics {
    /// Tells registries apart in the per-thread caches.
    id: u64,
    series: RwLock<HashMap<Key, Arc<Series>>>,
    /// Totals since the last [`Metrics::take_totals`], for the persisted per-minute rollups.
    pub(crate) totals: MinuteTotals,
}

impl Default for Metrics {
    fn default() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Metrics { id: NEXT.fetch_add(1, Ordering::Relaxed), series: RwLock::default(), totals: MinuteTotals::default() }
    }
}

type Local = HashMap<u64, Vec<(u64, Key, Arc<Series>)>>;

thread_local! {
    /// Each thread's own handles on the series it has recorded into: the hot path then takes
    /// no lock, allocates nothing and touches no shared reference count.
    static LOCAL: RefCell<Local> = RefCell::new(HashMap::new());
}

fn hash_of(registry: u64, name: &str, tags: &[(&'static str, &str)]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    registry.hash(&mut h);
    name.hash(&mut h);
    for (k, v) in tags {
        k.hash(&mut h);
        v.hash(&mut h);
    }
    h.finish()
}

impl Key {
    fn matches(&self, name: &str, tags: &[(&'static str, &str)]) -> bool {
        self.name == name
            && self.tags.len() == tags.len()
            && self.tags.iter().zip(tags).all(|(a, b)| a.0 == b.0 && a.1 == b.1)
    }
}

impl Metrics {
    /// Runs `f` on the series, creating it with `make` the first time.
    fn with_series(
        &self,
        name: &'static str,
        tags: &[(&'static str, &str)],
        make: fn() -> Series,
        f: impl FnOnce(&Series),
    ) {
        let h = hash_of(self.id, name, tags);
        LOCAL.with(|local| {
            let mut local = local.borrow_mut();
            let slot = local.entry(h).or_default();
            if let Some((_, _, s)) = slot.iter().find(|(id, k, _)| *id == self.id && k.matches(name, tags)) {
                f(s);
                return;
            }
            let key = Key { name, tags: tags.iter().map(|(k, v)| (*k, (*v).to_owned())).collect() };
            let shared = {
                let found = self.series.read().expect("metrics lock").get(&key).cloned();
                match found {
                    Some(s) => s,
                    None => self
                        .series
                        .write()
                        .expect("metrics lock")
                        .entry(key.clone())
                        .or_insert_with(|| Arc::new(make()))
                        .clone(),
                }
            };
            f(&shared);
            slot.push((self.id, key, shared));
        });
    }

    /// Adds `n` to a counter.
    pub fn counter_add(&self, name: &'static str, tags: &[(&'static str, &str)], n: u64) {
        self.with_series(
            name,
            tags,
            || Series::Counter(AtomicU64::new(0)),
            |s| {
                if let Series::Counter(c) = s {
                    c.fetch_add(n, Ordering::Relaxed);
                }
            },
        );
    }

    /// Sets a gauge.
    pub fn gauge_set(&self, name: &'static str, tags: &[(&'static str, &str)], value: f64) {
        self.with_series(
            name,
            tags,
            || Series::Gauge(AtomicU64::new(0f64.to_bits())),
            |s| {
                if let Series::Gauge(g) = s {
                    g.store(value.to_bits(), Ordering::Relaxed);
                }
            },
        );
    }

    /// Records a duration in a histogram.
    pub fn observe(&self, name: &'static str, tags: &[(&'static str, &str)], elapsed: Duration) {
        let make = || {
            Series::Histogram(Histogram {
                buckets: std::array::from_fn(|_| AtomicU64::new(0)),
                sum_micros: AtomicU64::new(0),
            })
        };
        self.with_series(name, tags, make, |s| {
            if let Series::Histogram(h) = s {
                let secs = elapsed.as_secs_f64();
                let i = BUCKETS.iter().position(|b| secs <= *b).unwrap_or(BUCKETS.len());
                h.buckets[i].fetch_add(1, Ordering::Relaxed);
                h.sum_micros.fetch_add(u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX), Ordering::Relaxed);
            }
        });
    }

    /// Every series, sorted by name then tags.
    pub fn snapshot(&self) -> Vec<Sample> {
        let series = self.series.read().expect("metrics lock");
        let mut out: Vec<Sample> = series
            .iter()
            .map(|(key, s)| Sample {
                name: key.name,
                tags: key.tags.clone(),
                value: match &**s {
                    Series::Counter(c) => Value::Counter(c.load(Ordering::Relaxed)),
                    Series::Gauge(g) => Value::Gauge(f64::from_bits(g.load(Ordering::Relaxed))),
                    Series::Histogram(h) => {
                        let mut running = 0;
                        let cumulative: Vec<u64> = h
                            .buckets
                            .iter()
                            .map(|b| {
                                running += b.load(Ordering::Relaxed);
                                running
                            })
                            .collect();
                        Value::Histogram {
                            count: running,
                            cumulative,
                            sum: h.sum_micros.load(Ordering::Relaxed) as f64 / 1e6,
                        }
                    }
                },
            })
            .collect();
        drop(series);
        out.sort_by(|a, b| (a.name, &a.tags).cmp(&(b.name, &b.tags)));
        out
    }

    /// The totals recorded since the previous call, resetting them.
    pub fn take_totals(&self) -> crate::Totals {
        self.totals.take()
    }

    /// Puts totals back (a rollup that could not be saved is retried with the next one).
    pub fn restore_totals(&self, t: &crate::Totals) {
        self.totals.add(t);
    }
}

/// The `q`-quantile (0–1), in seconds, of the observations between two cumulative bucket
/// readings, interpolated linearly inside the bucket as Prometheus' `histogram_quantile` does;
/// `None` without observations.
pub fn bucket_quantile(q: f64, before: Option<&[u64]>, after: &[u64]) -> Option<f64> {
    let delta: Vec<u64> = match before {
        Some(b) => after.iter().zip(b).map(|(a, b)| a.saturating_sub(*b)).collect(),
        None => after.to_vec(),
    };
    let total = *delta.last()?;
    if total == 0 {
        return None;
    }
    let rank = q.clamp(0.0, 1.0) * total as f64;
    let i = delta.iter().position(|c| *c as f64 >= rank).unwrap_or(delta.len() - 1);
    if i >= BUCKETS.len() {
        // In the +Inf bucket: the highest finite bound is the best answer.
        return Some(BUCKETS[BUCKETS.len() - 1]);
    }
    let lower = if i == 0 { 0.0 } else { BUCKETS[i - 1] };
    let below = if i == 0 { 0 } else { delta[i - 1] };
    let inside = delta[i] - below;
    if inside == 0 {
        return Some(BUCKETS[i]);
    }
    Some(lower + (BUCKETS[i] - lower) * ((rank - below as f64) / inside as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_gauges_and_histograms_are_kept_per_tag_set() {
        let m = Metrics::default();
        m.counter_add("c", &[("a", "1")], 2);
        m.counter_add("c", &[("a", "1")], 3);
        m.counter_add("c", &[("a", "2")], 1);
        m.gauge_set("g", &[], 4.5);
        m.observe("h", &[], Duration::from_millis(3));
        m.observe("h", &[], Duration::from_millis(30));
        let snap = m.snapshot();
        assert_eq!(snap[0].value, Value::Counter(5));
        assert_eq!(snap[0].tags, vec![("a", "1".to_owned())]);
        assert_eq!(snap[1].value, Value::Counter(1));
        assert_eq!(snap[2].value, Value::Gauge(4.5));
        let Value::Histogram { cumulative, count, sum } = &snap[3].value else { panic!("histogram") };
        assert_eq!(*count, 2);
        assert!((sum - 0.033).abs() < 1e-9);
        // 3 ms falls in (2.5 ms, 5 ms], 30 ms in (25 ms, 50 ms].
        assert_eq!(cumulative[2], 0);
        assert_eq!(cumulative[3], 1);
        assert_eq!(cumulative[6], 2);
        assert_eq!(*cumulative.last().unwrap(), 2);
    }

    #[test]
    fn quantiles_interpolate_inside_buckets() {
        let m = Metrics::default();
        for _ in 0..100 {
            m.observe("h", &[], Duration::from_micros(1500));
        }
        let Value::Histogram { cumulative, .. } = &m.snapshot()[0].value else { panic!() };
        let p50 = bucket_quantile(0.5, None, cumulative).unwrap();
        assert!(p50 > 0.001 && p50 <= 0.0025, "{p50}");
        assert_eq!(bucket_quantile(0.5, Some(cumulative), cumulative), None);
    }

    #[test]
    fn quantile_of_the_infinite_bucket_is_the_last_bound() {
        let mut c = vec![0; BUCKETS.len() + 1];
        c[BUCKETS.len()] = 3;
        assert_eq!(bucket_quantile(0.99, None, &c), Some(30.0));
    }
}
