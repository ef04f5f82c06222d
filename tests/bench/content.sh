#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# content.sh - what content screening costs an MTA, against a milter that does nothing but
# receive the body. One private Postfix, two identical smtpd listeners: one calls noop_milter
# (tests/bench/noop_milter.c: headers and body read, accept), the other relaywarden with the
# sample rules plus a content policy of 1,000 keywords and attachment rules. The same
# smtp-source load (a 20 KB message with a base64 attachment) goes to each, interleaved, for
# several rounds; the ratio of messages per second is the cost. Bounded: MESSAGES per run
# (default 1000), ROUNDS (default 3), all on 127.0.0.1.
#   tests/bench/content.sh [MESSAGES] [ROUNDS]   (needs root, postfix, make bench's programs)
set -u
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
: "${top_builddir:=$top_srcdir/build-release}"
export top_srcdir top_builddir
MESSAGES=${1:-1000}
ROUNDS=${2:-3}
SESSIONS=10
export E2E_MILTER_SOCKET=${E2E_MILTER_SOCKET:-unix}
. "$top_srcdir/tests/e2e/lib.sh"
e2e_require postfix smtp-source base64
NOOP=$top_builddir/tests/bench/noop_milter
[ -x "$NOOP" ] || { echo "build it first: make bench (tests/bench/noop_milter)" >&2; exit 1; }

W=$(mktemp -d /tmp/relaywarden-bench.XXXXXX)
# 1,000 keywords none of which the message holds (the scan runs to the end), and the sample
# rules with a content policy in front of the inbound one.
for i in $(seq 1 1000); do printf 'keyword%04d phrase %d\n' "$i" "$i"; done >"$W/keywords.txt"
printf 'keywords bench file "%s/keywords.txt"\n' "$W" >"$W/bench.rules"
sed 's/^policy inbound {$/&\
    content reject mime malformed "550 5.6.0 malformed MIME structure"\
    content reject mime limit "552 5.3.4 message too complex to screen"\
    content reject attachment ext { exe, scr, js, vbs, bat, cmd, com, pif } "550 5.7.1 executable attachments are not accepted"\
    content reject attachment inner-ext { exe, scr, js, vbs } "550 5.7.1 executable inside an archive"\
    content quarantine attachment truetype { exe, elf, macho, ole-macro, ooxml-macro } "executable content"\
    content quarantine keyword <bench> "keyword"/' "$top_srcdir/contrib/relaywarden.rules" >>"$W/bench.rules"
# The message: headers, a text part and a 14 KB base64 attachment, about 20 KB in all.
head -c 14000 /dev/urandom >"$W/blob"
{
    printf 'From: <sender@remote.example>\r\nTo: <bob@example.com>\r\nSubject: quarterly figures\r\n'
    printf 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="bb"\r\n\r\n'
    printf -- '--bb\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
    for i in $(seq 1 20); do printf 'Here are the figures for this quarter, line %d of the text.\r\n' "$i"; done
    printf -- '--bb\r\nContent-Type: application/pdf; name="figures.pdf"\r\n'
    printf 'Content-Disposition: attachment; filename="figures.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    base64 -w 76 "$W/blob" | sed 's/$/\r/'
    printf -- '--bb--\r\n'
} >"$W/message.eml"

"$NOOP" "unix:$W/noop.sock" &
NOOP_PID=$!
for i in $(seq 1 100); do [ -S "$W/noop.sock" ] && break; sleep 0.1; done
chmod 666 "$W/noop.sock"
e2e_pick_port BASE_PORT
E2E_EXTRA_MASTER="127.0.0.1:$BASE_PORT inet n - n - - smtpd -o smtpd_milters=unix:$W/noop.sock -o milter_macro_daemon_name=baseline"
e2e_start "$W/bench.rules"
trap 'kill $NOOP_PID 2>/dev/null; rm -rf "$W"; e2e_cleanup' EXIT

run() { # PORT: seconds for MESSAGES messages in SESSIONS parallel sessions
    local t0 t1
    t0=$(date +%s.%N)
    smtp-source -s "$SESSIONS" -m "$MESSAGES" -f sender@remote.example -t bob@example.com \
        -F "$W/message.eml" -c "127.0.0.1:$1" >/dev/null 2>&1
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
printf 'messages per run: %d (%d bytes each), parallel sessions: %d, rounds: %d\n' \
    "$MESSAGES" "$(stat -c %s "$W/message.eml")" "$SESSIONS" "$ROUNDS"
printf '%-6s %12s %12s %10s\n' round noop relaywarden msgs/s-ratio
tb=0
tr=0
for r in $(seq 1 "$ROUNDS"); do
    b=$(run "$BASE_PORT")
    w=$(run "$IN_PORT")
    tb=$(calc "$tb + $b")
    tr=$(calc "$tr + $w")
    printf '%-6s %11.3fs %11.3fs %10.3f\n' "$r" "$b" "$w" "$(calc "$b / $w")"
done
printf '%-6s %11.3fs %11.3fs %10.3f   (relaywarden msgs/s / noop milter msgs/s; target >= 0.95)\n' \
    all "$tb" "$tr" "$(calc "$tb / $tr")"
echo "relaywarden decisions other than accept: $(grep -c 'stage=content' "$T/relaywarden.log") (want 0)"
