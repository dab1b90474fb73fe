//! What recording costs on the hot path: `telemetry::api_request` (a counter, a histogram and
//! the minute totals) per call, on one thread and on two at once.
//! Run: `cargo run --release -p telemetry --example bench_record`

use std::time::{Duration, Instant};

const CALLS: u32 = 2_000_000;

fn run(threads: usize) -> f64 {
    let started = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            s.spawn(move || {
                let endpoints = ["/api/v1/query/execute", "/api/v1/auth/me", "/api/v1/workflows/:id"];
                for i in 0..CALLS {
                    let endpoint = endpoints[(i as usize + t) % endpoints.len()];
                    telemetry::api_request(endpoint, "GET", 200, Duration::from_micros(u64::from(i % 5000)));
                }
            });
        }
    });
    started.elapsed().as_nanos() as f64 / f64::from(CALLS)
}

fn main() {
    run(1); // warm up: the series exist afterwards, as in a running server
    for threads in [1, 2] {
        let best = (0..3).map(|_| run(threads)).fold(f64::INFINITY, f64::min);
        println!(
            "telemetry::api_request, {threads} thread(s): {best:.0} ns per call (best of 3, {CALLS} calls per thread)"
        );
    }
}
