#!/usr/bin/env bash
# Issue 6 benchmark: executions per second of the seed's three-node order workflow (query an
# order from the 100,000-row `orders` table → condition → api call), run synchronously and
# asynchronously, and the engine's overhead per node (a 3-node and a 30-node chain of
# transforms, which do no I/O: the difference is what the engine itself costs per node,
# durable commits included). The `api` node calls Quarry's own /api/v1/health, allow-listed,
# so no external server limits the figures. Needs wrk (apt-get install wrk).
# Usage: bench/workflow.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
. bench/common.sh
QUARRY_BENCH_ENV="QUARRY_DEMO=false QUARRY_HTTP_ALLOWLIST=127.0.0.1 QUARRY_WORKFLOW_CONCURRENCY=64" start_quarry
register_orders

post() { curl -s "$BASE$1" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d "$2"; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)"; }

SEED=$(post /api/v1/workflows "{
  \"name\": \"order\", \"nodes\": [
    {\"id\": \"node_1\", \"type\": \"query\", \"config\": {\"datasourceId\": \"bench\", \"output\": \"order\", \"single\": true,
      \"query\": {\"tables\": [{\"name\": \"orders\", \"where\": {\"id\": \"\${orderId}\"}}]}}},
    {\"id\": \"node_2\", \"type\": \"condition\", \"config\": {\"condition\": \"\${order.amount} > 0\"}},
    {\"id\": \"node_3\", \"type\": \"api\", \"config\": {\"url\": \"$BASE/api/v1/health\", \"output\": \"payment\"}}],
  \"edges\": [{\"id\": \"e1\", \"from\": \"node_1\", \"to\": \"node_2\"}, {\"id\": \"e2\", \"from\": \"node_2\", \"to\": \"node_3\", \"condition\": \"true\"}],
  \"variables\": [{\"name\": \"orderId\", \"type\": \"integer\", \"required\": true}]}" | field '["data"]["id"]')

chain() { # a workflow of $1 transform nodes in a row
  python3 - "$1" <<'PY'
import json, sys
n = int(sys.argv[1])
nodes = [{"id": f"n{i}", "type": "transform", "config": {"assign": {f"v{i}": f"{i} + 1"}}} for i in range(n)]
edges = [{"id": f"e{i}", "from": f"n{i}", "to": f"n{i+1}"} for i in range(n - 1)]
print(json.dumps({"name": f"chain {n}", "nodes": nodes, "edges": edges}))
PY
}
CHAIN3=$(post /api/v1/workflows "$(chain 3)" | field '["data"]["id"]')
CHAIN30=$(post /api/v1/workflows "$(chain 30)" | field '["data"]["id"]')

# Check that each workflow completes before measuring it.
for check in "$SEED {\"input\":{\"orderId\":42}}" "$CHAIN3 {}" "$CHAIN30 {}"; do
  set -- $check
  status=$(post "/api/v1/workflows/$1/execute" "$2" | field '["data"]["status"]')
  [ "$status" = completed ] || { echo "workflow $1 did not complete: $status"; exit 1; }
done

script() { # wrk script $1.lua: POST $3 to the execute endpoint of workflow $2 (ORDER: a random order id)
  cat > "$DIR/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
request = function()
  local body = string.gsub('$3', "ORDER", tostring(math.random(1, 100000)))
  return wrk.format(nil, "/api/v1/workflows/$2/execute", nil, body)
end
LUA
}
report() { # label connections
  printf '%-22s %2d connections: %8.0f req/s  p50 %-8s p99 %-8s non-2xx %s\n' "$1" "$2" \
    "$(awk '/Requests\/sec/{print $2}' "$DIR/wrk")" "$(awk '/ 50%/{print $2}' "$DIR/wrk")" \
    "$(awk '/ 99%/{print $2}' "$DIR/wrk")" "$(awk '/Non-2xx/{print $5}' "$DIR/wrk" | grep . || echo 0)"
}

echo "== machine: $(nproc) cores; $(uname -sr); SQLite store; SQLite orders table, 100,000 rows"
script seed "$SEED" '{"input":{"orderId":ORDER}}'
script chain3 "$CHAIN3" '{}'
script chain30 "$CHAIN30" '{}'
script async "$SEED" '{"options":{"async":true},"input":{"orderId":ORDER}}'
for c in 2 10; do
  wrk -t2 -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s "$DIR/seed.lua" "$BASE" > "$DIR/wrk"; report "seed workflow, sync" "$c"
  wrk -t2 -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s "$DIR/chain3.lua" "$BASE" > "$DIR/wrk"; report "3 transforms, sync" "$c"
  p50_3=$(awk '/ 50%/{print $2}' "$DIR/wrk")
  wrk -t2 -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s "$DIR/chain30.lua" "$BASE" > "$DIR/wrk"; report "30 transforms, sync" "$c"
  p50_30=$(awk '/ 50%/{print $2}' "$DIR/wrk")
  python3 - "$p50_3" "$p50_30" <<'PY'
import sys
def ms(s):
    for unit, f in (("us", 1e-3), ("ms", 1.0), ("s", 1e3)):
        if s.endswith(unit):
            return float(s[: -len(unit)]) * f
    return float(s)
a, b = ms(sys.argv[1]), ms(sys.argv[2])
print(f"   engine overhead per node (p50 of 30 minus p50 of 3, over 27 nodes): {(b - a) / 27:.3f} ms")
PY
  # The floor: an authenticated request that does no work.
  wrk -t2 -c"$c" -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/auth/me" > "$DIR/wrk"
  report "auth/me (HTTP floor)" "$c"
done

# Asynchronous: submit for the run's length, then time until the queue has drained.
count() { curl -s "$BASE/api/v1/workflows/$SEED/executions?pageSize=1&status=$1" -H "authorization: Bearer $TOKEN" | field '["data"]["total"]'; }
before=$(count completed)
start=$(date +%s.%N)
wrk -t2 -c10 -d"${SECONDS_PER_RUN}s" --latency -s "$DIR/async.lua" "$BASE" > "$DIR/wrk"; report "seed workflow, async" 10
while [ "$(count queued)" != 0 ] || [ "$(count running)" != 0 ]; do sleep 0.2; done
end=$(date +%s.%N)
after=$(count completed)
failed=$(count failed)
python3 -c "print(f'   async: {$after - $before} executions completed in {$end - $start:.1f} s = {($after - $before) / ($end - $start):.0f} executions/s (failed: $failed)')"
