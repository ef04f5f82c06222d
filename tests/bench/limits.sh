#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# limits.sh - what a Redis-backed rate limit costs per message against the same limit in
# memory and against no limit, measured in the same run (tests/bench/bench_limits), with a
# redis-server of its own on a loopback port, stopped by pid.
#   tests/bench/limits.sh [MESSAGES] [THREADS]     (needs redis-server and a built bench_limits)
set -u
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
: "${top_builddir:=$top_srcdir/build}"
command -v redis-server >/dev/null || { echo "SKIP: redis-server is not installed" >&2; exit 77; }
BENCH=$top_builddir/tests/bench/bench_limits
[ -x "$BENCH" ] || { echo "build it first: make tests/bench/bench_limits" >&2; exit 1; }
D=$(mktemp -d /tmp/relaywarden-bench-redis.XXXXXX)
while :; do
    PORT=$((20000 + RANDOM % 10000))
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || break
done
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$D" \
    >"$D/redis.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$D"' EXIT
for i in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
"$BENCH" "$PORT" "${1:-20000}" "${2:-8}"
