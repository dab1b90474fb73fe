#!/usr/bin/env bash
# Issue 7 benchmark: what metrics cost on the hot path, and how fast a month of history answers.
#  1. telemetry::api_request per call (cargo example, one and two threads);
#  2. GET /api/v1/auth/me with wrk (every request records its metrics), 2 and 10 connections;
#  3. a month of per-minute rollups from two instances (86,400 minute rows + hourly rows) read
#     back through GET /api/v1/metrics/query/history in 1d and 1h buckets (median of 7 curl runs),
#     and the store query alone on SQLite and PostgreSQL (cargo example).
# Usage: bench/monitoring.sh [seconds]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-5}
echo "== machine: $(nproc) cores; $(uname -sr)"
cargo run -q --release -p telemetry --example bench_record
cargo run -q --release -p store --example bench_rollups
. bench/common.sh
start_quarry
for c in 2 10; do
  for run in 1 2 3; do
    printf 'auth/me (records api.request.*) %2d connections, run %d: ' "$c" "$run"
    wrk -t2 -c"$c" -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/auth/me" \
      | awk '/Requests\/sec/{r=$2} / 50%/{p=$2} END{printf "%s req/s, p50 %s\n", r, p}'
  done
done
# A month of rollups, written straight into the running instance's SQLite store.
python3 - "$DIR/data/quarry.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
start, minutes = 1764547200, 30 * 24 * 60  # 2025-12-01T00:00:00Z
cols = "api_requests, query_count, query_duration_us"
for inst in ("bench-a", "bench-b"):
    db.executemany(f"INSERT INTO metric_rollups (minute, instance_id, {cols}) VALUES (?, ?, 100, 10, 50000)",
                   [(start + m * 60, inst) for m in range(minutes)])
    db.executemany(f"INSERT INTO metric_rollups_hourly (hour, instance_id, {cols}) VALUES (?, ?, 6000, 600, 3000000)",
                   [(start + h * 3600, inst) for h in range(minutes // 60)])
db.commit()
PY
for interval in 1d 1h; do
  url="$BASE/api/v1/metrics/query/history?from=2025-12-01T00:00:00Z&to=2025-12-31T00:00:00Z&interval=$interval&names=query.count,query.avgDuration,api.request.count"
  times=$(for _ in 1 2 3 4 5 6 7; do curl -s -o /dev/null -w '%{time_total}\n' -H "authorization: Bearer $TOKEN" "$url"; done | sort -n)
  printf 'history over HTTP, a month in %s buckets: median %.1f ms\n' "$interval" "$(echo "$times" | sed -n 4p | awk '{print $1*1000}')"
done
