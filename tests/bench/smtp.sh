#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# smtp.sh - what relaywarden costs an MTA. One private Postfix, two identical smtpd listeners:
# one without any milter (the baseline) and one with relaywarden and the sample rules. The same
# smtp-source load goes to each, alternating, several rounds; the ratio of wall times is the
# cost. Bounded: MESSAGES per run (default 2000), ROUNDS (default 3), all on 127.0.0.1.
#   tests/bench/smtp.sh [MESSAGES] [ROUNDS]          (needs root, postfix, a built relaywarden)
# E2E_MILTER_SOCKET=unix (the default here, as in production) or inet picks the milter socket.
set -u
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
: "${top_builddir:=$top_srcdir/build-release}"
export top_srcdir top_builddir
MESSAGES=${1:-2000}
ROUNDS=${2:-3}
SESSIONS=10
export E2E_MILTER_SOCKET=${E2E_MILTER_SOCKET:-unix}
. "$top_srcdir/tests/e2e/lib.sh"
e2e_require postfix smtp-source
e2e_pick_port BASE_PORT
E2E_EXTRA_MASTER="127.0.0.1:$BASE_PORT inet n - n - - smtpd -o smtpd_milters= -o milter_macro_daemon_name=baseline"
e2e_start "$top_srcdir/contrib/relaywarden.rules"

run() { # PORT: seconds for MESSAGES messages in SESSIONS parallel sessions
    local t0 t1
    t0=$(date +%s.%N)
    smtp-source -s "$SESSIONS" -m "$MESSAGES" -f sender@remote.example -t bob@example.com \
        -c "127.0.0.1:$1" >/dev/null 2>&1
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
printf 'messages per run: %d, parallel sessions: %d, rounds: %d, milter socket: %s\n' \
    "$MESSAGES" "$SESSIONS" "$ROUNDS" "$E2E_MILTER_SOCKET"
printf '%-6s %12s %12s %8s\n' round baseline relaywarden ratio
tb=0
tr=0
for r in $(seq 1 "$ROUNDS"); do
    b=$(run "$BASE_PORT")
    w=$(run "$IN_PORT")
    tb=$(calc "$tb + $b")
    tr=$(calc "$tr + $w")
    printf '%-6s %11.3fs %11.3fs %8.3f\n' "$r" "$b" "$w" "$(calc "$w / $b")"
done
printf '%-6s %11.3fs %11.3fs %8.3f   (relaywarden / no milter, wall time)\n' all "$tb" "$tr" \
    "$(calc "$tr / $tb")"
refused=$(grep -c 'milter-reject' "$T/maillog")
echo "milter rejections during the run: $refused (want 0: every recipient is ours)"
