#!/usr/bin/env bash
# Issue 5 benchmark: the Oinone gateway's `queryPage` with an RSQL filter over the 100,000-row
# `orders` table (../shared/bench/gen_orders.py), next to the same SQL (page + count) run
# directly through the driver, at 2 and 10 connections. Needs wrk (apt-get install wrk).
# Usage: bench/gateway.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
cargo build --release -q -p datasource --example bench_direct
. bench/common.sh
QUARRY_BENCH_ENV="QUARRY_DEMO=false" start_quarry
register_orders
QUERY='{ ordersQuery { queryPage(page: {currentPage: 6, size: 20, sort: {orders: [{field: \"createdAt\", direction: DESC}]}}, queryWrapper: {rsql: \"status==ENABLED\"}) { content { id customer status amount createdAt region } totalElements } } }'
printf '{"query":"%s"}' "$QUERY" > "$DIR/body.json"
cat > "$DIR/gql.lua" <<LUA
wrk.method = "POST"
wrk.body = io.open("$DIR/body.json"):read("*a")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
-- Errors come back with HTTP 200: count answers without the page as failures.
local failures = 0
response = function(status, headers, body)
  if not string.find(body, '"totalElements"', 1, true) then failures = failures + 1 end
end
done = function(summary, latency, requests)
  io.write("answers without a page: ", failures, "\n")
end
LUA
# One call first, with the very body wrk sends: it must answer rows, not an error.
curl -s "$BASE/pamirs/bench" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d @"$DIR/body.json" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); p=d["data"]["ordersQuery"]["queryPage"]; assert len(p["content"])==20, d; print("check: 20 rows of", p["totalElements"])'
DSL='{"tables":[{"name":"orders","where":{"status":"ENABLED"},"orderBy":["created_at-"],"limit":20,"offset":100}],"directives":{"@total":true}}'
echo "== machine: $(nproc) cores; $(uname -sr); SQLite orders table, 100,000 rows"
for c in 2 10; do
  ./target/release/examples/bench_direct "$DIR/bench.db" "$c" "$SECONDS_PER_RUN" "$DSL"
  wrk -t2 -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s "$DIR/gql.lua" "$BASE/pamirs/bench" > "$DIR/wrk"
  printf 'gateway  %2d connections: %8.0f req/s  p50 %s  p99 %s  errors %s\n' "$c" \
    "$(awk '/Requests\/sec/{print $2}' "$DIR/wrk")" "$(awk '/ 50%/{print $2}' "$DIR/wrk")" "$(awk '/ 99%/{print $2}' "$DIR/wrk")" \
    "$(awk -F': ' '/answers without a page/{print $2}' "$DIR/wrk")"
done
