#!/usr/bin/env bash
# Throughput and latency of the foundation's hot paths, measured with wrk against a release build.
# Usage: bench/api.sh [duration-seconds]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
. bench/common.sh
start_quarry

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; $(uname -sr)"
echo "== GET /api/v1/health (store ping per request)"
wrk -t2 -c32 -d"${DURATION}s" --latency "$BASE/api/v1/health" | grep -E 'Requests/sec|50%|99%'
echo "== GET /api/v1/auth/me (JWT verify + cached session)"
wrk -t2 -c32 -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/auth/me" | grep -E 'Requests/sec|50%|99%'
echo "== GET /api/v1/users (auth + permission + count, page and roles queries)"
wrk -t2 -c32 -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/users" | grep -E 'Requests/sec|50%|99%'
echo "== POST /api/v1/auth/login, 4 connections (Argon2id m=19MiB t=2 by design)"
cat > "$DIR/login.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"username":"admin","password":"bench-password-1"}'
wrk.headers["Content-Type"] = "application/json"
LUA
wrk -t2 -c4 -d"${DURATION}s" --latency -s "$DIR/login.lua" "$BASE/api/v1/auth/login" | grep -E 'Requests/sec|50%|99%'
echo "== idle RSS after the runs: $(ps -o rss= -p $PID | awk '{printf "%.1f MiB", $1/1024}')"
echo "== binary size: $(du -h target/release/quarry | cut -f1)"
