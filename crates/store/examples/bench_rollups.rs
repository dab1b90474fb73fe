//! How fast metric history answers: a month of per-minute rollups from two instances
//! (86,400 rows), read back in buckets of 1 day, 1 hour and 5 minutes, on SQLite and (when it
//! is reachable) PostgreSQL. Run: `cargo run --release -p store --example bench_rollups`

use std::time::Instant;

use telemetry::Totals;

async fn bench(label: &str, url: &str) {
    let store = store::Store::connect(url).await.expect("store");
    store.migrate().await.expect("migrations");
    let month = 30 * 24 * 60;
    let start: i64 = 1_764_547_200; // 2025-12-01T00:00:00Z
    let filled = Instant::now();
    for instance in ["a", "b"] {
        for m in 0..month {
            let t = Totals { api_requests: 100, query_count: 10, query_duration_us: 50_000, ..Totals::default() };
            store.add_rollup(start + m * 60, instance, &t).await.expect("insert");
        }
    }
    println!("{label}: wrote {} rows in {:.1} s", 2 * month, filled.elapsed().as_secs_f64());
    for (name, step) in [("1d", 86_400), ("1h", 3600), ("5m", 300)] {
        let mut times = Vec::new();
        for _ in 0..7 {
            let t = Instant::now();
            let buckets = store.rollup_buckets(start, start + month * 60, step).await.expect("read");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(buckets.len() as i64, month * 60 / step);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{label}: a month in {name} buckets: median {:.1} ms (min {:.1}, max {:.1})",
            times[3], times[0], times[6]
        );
    }
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    bench("sqlite", &format!("sqlite://{}?mode=rwc", dir.path().join("q.db").display())).await;
    if let Some(pg) = test_support::TestStore::new(test_support::StoreKind::Postgres).await {
        bench("postgres", &pg.url).await;
    }
}
