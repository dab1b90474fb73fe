#!/usr/bin/env bash
# Issue 4 benchmark: a filtered, sorted, paged query over the 100,000-row `orders` table
# (../shared/bench/gen_orders.py) through the HTTP API, next to the same SQL run directly
# through the driver, at 2 and 10 connections. Needs wrk (apt-get install wrk).
# Usage: [DB=sqlite|postgres|mysql] bench/query.sh [seconds]
# DB=postgres / DB=mysql copy the same rows (bench/load_orders.py) into database `quarry_bench` on
# this machine's PostgreSQL (user postgres) or MariaDB (user root), dropped and recreated each run.
# With PIN=1 the system under test (the server, or the direct-driver program) runs on CPU 0 and
# the load generator (wrk) on CPU 1, so both get the same one core and wrk does not compete
# with the server it measures.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
SUT=""
LOADGEN=""
if [ "${PIN:-0}" = 1 ]; then
  SUT="taskset -c 0"
  LOADGEN="taskset -c 1"
  export QUARRY_BENCH_CPUS=0
fi
cargo build --release -q -p datasource --example bench_direct
. bench/common.sh
QUARRY_BENCH_ENV="QUARRY_DEMO=false" start_quarry
DB=${DB:-sqlite}
case "$DB" in
  sqlite) register_orders; TARGET="$DIR/bench.db" ;;
  postgres|mysql)
    python3 ../shared/bench/gen_orders.py --out "$DIR/bench.db" >/dev/null
    if [ "$DB" = postgres ]; then
      psql -q -h 127.0.0.1 -U postgres -d test -c 'DROP DATABASE IF EXISTS quarry_bench' -c 'CREATE DATABASE quarry_bench'
      python3 bench/load_orders.py "$DIR/bench.db" postgres | psql -q -h 127.0.0.1 -U postgres -d quarry_bench -v ON_ERROR_STOP=1
      CONN='{"host":"127.0.0.1","port":5432,"database":"quarry_bench","username":"postgres"}'
    else
      mariadb -h 127.0.0.1 -u root -e 'DROP DATABASE IF EXISTS quarry_bench; CREATE DATABASE quarry_bench'
      python3 bench/load_orders.py "$DIR/bench.db" mysql | mariadb -h 127.0.0.1 -u root quarry_bench
      CONN='{"host":"127.0.0.1","port":3306,"database":"quarry_bench","username":"root"}'
    fi
    curl -s "$BASE/api/v1/datasources" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
      -d "{\"name\":\"bench\",\"code\":\"bench\",\"type\":\"$DB\",\"isDefault\":true,\"connection\":$CONN,\"options\":{\"poolSize\":10}}" >/dev/null
    TARGET="$DB:quarry_bench" ;;
  *) echo "DB must be sqlite, postgres or mysql" >&2; exit 2 ;;
esac
cat > "$DIR/query.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"query":{"tables":[{"name":"orders","where":{"status":"ENABLED"},"orderBy":["created_at-"],"limit":20,"offset":100}]}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
echo "== machine: $(nproc) cores; $(uname -sr); $DB orders table, 100,000 rows; pinned: ${PIN:-0}"
for c in 2 10; do
  $SUT ./target/release/examples/bench_direct "$TARGET" "$c" "$SECONDS_PER_RUN"
  $LOADGEN wrk -t2 -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s "$DIR/query.lua" "$BASE/api/v1/query/execute" > "$DIR/wrk"
  printf 'api     %2d connections: %8.0f req/s  p50 %s  p99 %s  non-2xx %s\n' "$c" \
    "$(awk '/Requests\/sec/{print $2}' "$DIR/wrk")" "$(awk '/ 50%/{print $2}' "$DIR/wrk")" "$(awk '/ 99%/{print $2}' "$DIR/wrk")" \
    "$(awk '/Non-2xx/{print $5}' "$DIR/wrk" | grep . || echo 0)"
  # The floor: an authenticated request that does no query work at all.
  $LOADGEN wrk -t2 -c"$c" -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/auth/me" > "$DIR/wrk"
  printf 'auth/me %2d connections: %8.0f req/s  p50 %s  p99 %s  (HTTP + auth only)\n' "$c" \
    "$(awk '/Requests\/sec/{print $2}' "$DIR/wrk")" "$(awk '/ 50%/{print $2}' "$DIR/wrk")" "$(awk '/ 99%/{print $2}' "$DIR/wrk")"
done
