//! Baseline for `bench/query.sh`: the query builder's own SQL for one query, run directly through
//! the driver (sqlx, one pool) by N concurrent workers for a while; prints requests/s and latency.
//!
//! Usage: `bench_direct <database> <connections> <seconds> [query-dsl-json]` — `<database>` is a
//! SQLite file, or `postgres:<db>` / `mysql:<db>` on this machine's local server (users `postgres`
//! and `root`, no password). With `@total` in the DSL, each request also runs the count query, as
//! the gateway's `queryPage` does.

use std::time::{Duration, Instant};

use datasource::{Kind, Pool, Spec};
use serde_json::json;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (path, workers, seconds) =
        (args[1].clone(), args[2].parse::<usize>().unwrap(), args[3].parse::<u64>().unwrap());
    let base = Spec { pool_size: workers as u32, timeout: Duration::from_secs(10), ..Spec::sqlite(path.clone()) };
    let spec = match path.split_once(':') {
        Some(("postgres", db)) => Spec {
            kind: Kind::Postgres,
            host: "127.0.0.1".into(),
            port: 5432,
            database: db.into(),
            username: "postgres".into(),
            ..base
        },
        Some(("mysql", db)) => Spec {
            kind: Kind::Mysql,
            host: "127.0.0.1".into(),
            port: 3306,
            database: db.into(),
            username: "root".into(),
            ..base
        },
        _ => base,
    };
    let dialect = spec.kind.dialect();
    let pool = Pool::connect(&spec).await.unwrap();
    let catalog = pool.introspect().await.unwrap().catalog();
    let dsl = match args.get(4) {
        Some(text) => serde_json::from_str(text).expect("the DSL argument is JSON"),
        None => {
            json!({"tables": [{"name": "orders", "where": {"status": "ENABLED"}, "orderBy": ["created_at-"], "limit": 20, "offset": 100}]})
        }
    };
    let compiled = query::build(&dsl, &catalog, dialect).unwrap();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let (pool, compiled) = (pool.clone(), compiled.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                let rows = pool.fetch_rows(&compiled, Duration::from_secs(10)).await.unwrap();
                let total = pool.count(&compiled, Duration::from_secs(10)).await.unwrap();
                std::hint::black_box(total);
                // The same work the API does after fetching: rows to JSON text.
                let text = serde_json::to_string(&rows).unwrap();
                std::hint::black_box(text);
                latencies.push(started.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1e3;
    println!(
        "direct   {workers:>2} connections: {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms",
        all.len() as f64 / seconds as f64,
        pct(0.50),
        pct(0.99)
    );
}
