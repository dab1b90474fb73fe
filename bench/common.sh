# Shared by the bench scripts: start a release `quarry` with rate limits lifted in a fresh
# data dir, sign in as admin. Sets DIR, PID, BASE and TOKEN; stops the server on exit.
# Extra environment for the server can be passed in QUARRY_BENCH_ENV (e.g. "QUARRY_DEMO=false");
# QUARRY_BENCH_CPUS pins the server to those CPUs (taskset list, e.g. "0").
start_quarry() {
  [ -n "${QUARRY_BENCH_NOBUILD:-}" ] || cargo build --release -q -p server --bin quarry
  DIR=$(mktemp -d)
  trap 'kill $PID 2>/dev/null; rm -rf "$DIR"' EXIT
  # shellcheck disable=SC2086
  env ${QUARRY_BENCH_ENV:-} QUARRY_ADMIN_PASSWORD=bench-password-1 QUARRY_RATE_LIMIT_RPS=1000000 \
    QUARRY_RATE_LIMIT_BURST=1000000 QUARRY_LOG=warn \
    ${QUARRY_BENCH_CPUS:+taskset -c $QUARRY_BENCH_CPUS} ./target/release/quarry --listen 127.0.0.1:0 --data-dir "$DIR/data" > "$DIR/out" 2>"$DIR/err" &
  PID=$!
  for _ in $(seq 100); do grep -q 'listening on' "$DIR/out" 2>/dev/null && break; sleep 0.1; done
  BASE=$(grep -o 'http://[0-9.:]*' "$DIR/out")
  TOKEN=$(curl -s "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"username":"admin","password":"bench-password-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])')
}

# Generates the shared 100,000-row `orders` table (../shared/bench/gen_orders.py) into
# $DIR/bench.db and registers it as the default datasource `bench`.
register_orders() {
  python3 ../shared/bench/gen_orders.py --out "$DIR/bench.db" >/dev/null
  curl -s "$BASE/api/v1/datasources" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d "{\"name\":\"bench\",\"code\":\"bench\",\"type\":\"sqlite\",\"isDefault\":true,\"connection\":{\"database\":\"$DIR/bench.db\"},\"options\":{\"poolSize\":10}}" >/dev/null
}
