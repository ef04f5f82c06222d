#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# stats.sh - the counters through a real Postfix: a scripted run moves every counter by
# exactly what it should (connections, messages, recipients and body bytes per listener,
# decisions per action and named rule, rDNS verdicts, our own lookups and their failures,
# reloads and refused reloads, internal errors), the textfile scraped under load is valid
# Prometheus text (promtool check metrics), and relaywarden -s shows the volume per listener.
. "$(dirname "$0")/lib.sh"
e2e_require postfix swaks smtp-sink smtp-source promtool
RULES=$top_srcdir/tests/rules/e2e-stats.rules
M=$(mktemp /tmp/relaywarden-stats.XXXXXX)
RULES_RUN=$M.rules # a copy, so that a broken version can be reloaded and put back
# writable: from distcheck's read-only source the copy is 0444 (only CAP_DAC_OVERRIDE lets
# root append to it)
cp "$RULES" "$RULES_RUN" && chmod u+w "$RULES_RUN"
E2E_RW_ARGS="-m $M.prom -M 1"
e2e_pick_port OTHER_PORT
E2E_EXTRA_MASTER="127.0.0.1:$OTHER_PORT inet n - n - - smtpd -o milter_macro_daemon_name=other"
e2e_start "$RULES_RUN"
trap 'e2e_cleanup; rm -f "$M" "$M".*' EXIT

# snap NAME: the textfile once rewritten after everything before it was counted (every second).
# Waited for, not slept for: a sleep of two intervals (and a second-resolution mtime) was not
# always enough on a loaded machine.
snap() {
    e2e_metrics_fresh "$M.prom" || e2e_fail "snap $1: $M.prom not rewritten" "$T/relaywarden.log"
    cp "$M.prom" "$T/$1.prom"
}
# series FILE: "name{labels} value" lines, comments dropped
series() { grep -v '^#' "$1" | sort; }

# 1. Under load: 40 messages in 8 sessions while the file is rewritten; each copy taken while
# the counters move is well-formed.
smtp-source -c -m 40 -s 8 -f news@remote.test -t bob@example.com "127.0.0.1:$IN_PORT" \
    >"$T/load.out" 2>&1 &
LOAD=$!
bad=0
for i in 1 2 3 4 5 6; do
    cp "$M.prom" "$T/load$i.prom"
    promtool check metrics <"$T/load$i.prom" >"$T/promtool$i.out" 2>&1 || bad=$i
    sleep 0.3
done
wait "$LOAD"
[ "$bad" = 0 ] && e2e_pass "6 scrapes under load pass promtool check metrics" ||
    e2e_fail "scrape $bad under load fails promtool" "$T/promtool$bad.out" "$T/load$bad.prom"
e2e_queue_settled # the load delivered before the counted run

# 2. The scripted run, between two snapshots.
snap before
IN="--xclient-addr 203.0.113.5 --xclient-name mx.remote.test"
OUT="--xclient-addr 198.51.100.7 --xclient-name laptop.example.com"
BODY="--body stats-body-line"
e2e_smtp in-ok "$IN_PORT" $IN --from news@remote.test --to bob@example.com $BODY
e2e_smtp in-relay "$IN_PORT" $IN --from news@remote.test --to x@foreign.test $BODY
e2e_smtp out-login "$OUT_PORT" $OUT --xclient-login alice --from alice@example.com \
    --to friend@foreign.test $BODY
e2e_smtp out-anon "$OUT_PORT" $OUT --from alice@example.com --to friend@foreign.test $BODY
e2e_smtp other "$OTHER_PORT" $IN --from news@remote.test --to bob@example.com $BODY
kill -HUP "$RW_PID"
e2e_log reload "rules reloaded from"
echo "this is not a rule" >>"$RULES_RUN"
kill -HUP "$RW_PID"
e2e_log reload-refused "reload of .* failed"
cp "$RULES" "$RULES_RUN"
e2e_delivered in-ok bob@example.com
e2e_delivered out-login friend@foreign.test
snap after

# The body as Postfix hands it to a milter: swaks' line with the line ends and empty line it
# adds, 21 bytes (measured once; the same message on both listeners must count the same).
N=21
R=$RULES_RUN
line() { grep -n "$1" "$RULES" | cut -d: -f1; } # the line of a rule, as the counters name it
L1=$(line 'rule relay-refusal:')
L2=$(line 'rule login-relay:')
L3=$(line 'rcpt reject !auth')
# A lookup to a closed port fails at once (failed) or times out (temperror): the one seen.
VERDICT=$(grep -o 'relaywarden_rdns_verdicts_total{listener="inbound",verdict="[a-z]*"}' \
    "$T/after.prom" | sed 's/.*verdict="\([a-z]*\)".*/\1/' | head -1)
case "$VERDICT" in failed | temperror) ;; *) e2e_fail "rDNS verdict '$VERDICT', want failed or temperror" ;; esac
# Every session below starts with XCLIENT, and Postfix opens a milter connection for the
# session before it (client 127.0.0.1) and one for the session it makes: two connections each,
# and on the listener "other", which no listener names, two tempfails and internal errors.
cat >"$T/want" <<WANT
relaywarden_body_bytes_total{listener="inbound"} $N
relaywarden_body_bytes_total{listener="outbound"} $N
relaywarden_connections_total{listener="-"} 2
relaywarden_connections_total{listener="inbound"} 4
relaywarden_connections_total{listener="outbound"} 4
relaywarden_decisions_total{listener="-",action="tempfail",rule="-",name=""} 2
relaywarden_decisions_total{listener="inbound",action="reject",rule="$R:$L1",name="relay-refusal"} 1
relaywarden_decisions_total{listener="outbound",action="accept",rule="$R:$L2",name="login-relay"} 1
relaywarden_decisions_total{listener="outbound",action="reject",rule="$R:$L3",name=""} 1
relaywarden_internal_errors_total 2
relaywarden_messages_total{listener="inbound"} 1
relaywarden_messages_total{listener="outbound"} 1
relaywarden_rdns_lookup_failures_total 4
relaywarden_rdns_lookup_seconds_bucket{le="+Inf"} 4
relaywarden_rdns_lookup_seconds_count 4
relaywarden_rdns_verdicts_total{listener="inbound",verdict="$VERDICT"} 4
relaywarden_recipients_total{listener="inbound",result="accepted"} 1
relaywarden_recipients_total{listener="inbound",result="refused"} 1
relaywarden_recipients_total{listener="outbound",result="accepted"} 1
relaywarden_recipients_total{listener="outbound",result="refused"} 1
relaywarden_reload_failures_total 1
relaywarden_reloads_total 1
WANT
# every series that moved, and by how much (a series new since "before" counts from 0)
e2e_metrics_delta "$T/before.prom" "$T/after.prom" |
    grep -vE '^relaywarden_rdns_lookup_seconds_(sum|bucket\{le="[0-9.]+"\})' | sort >"$T/got"
# the latency of each failed lookup lands in some bucket: the finite buckets are left out
# above (their deltas depend on timing), but none may move more than the lookups did
awk 'NR == FNR { last = $NF; $NF = ""; b[$0] = last; next }
     /_bucket\{le="[0-9.]+"\}/ { last = $NF; $NF = ""; d = last - b[$0]; if (d < 0 || d > 4) print }' \
    <(series "$T/before.prom") <(series "$T/after.prom") >"$T/buckets"
[ -s "$T/buckets" ] && e2e_fail "lookup latency buckets moved by more than the lookups" "$T/buckets"
sort -o "$T/want" "$T/want"
if diff -u "$T/want" "$T/got" >"$T/diff"; then
    e2e_pass "every counter moved by exactly the expected amount ($(wc -l <"$T/want") series)"
else
    e2e_fail "counters moved otherwise than expected (- want, + got)" "$T/diff"
fi
promtool check metrics <"$T/after.prom" >"$T/promtool.out" 2>&1 &&
    e2e_pass "promtool check metrics: the final scrape is clean" ||
    e2e_fail "promtool check metrics" "$T/promtool.out"

# 3. The human view.
"$RELAYWARDEN" -s -m "$M.prom" >"$T/show.out" 2>&1 && e2e_pass "relaywarden -s: exit 0" ||
    e2e_fail "relaywarden -s failed" "$T/show.out"
if grep -qE '^  inbound +[0-9]+ +[0-9]+ +[0-9]+ +1 +[0-9]+$' "$T/show.out" &&
    grep -qE '^  outbound +[0-9]+ +1 +1 +1 +21$' "$T/show.out" &&
    grep -qF "reject             $R:$L1 relay-refusal: 1" "$T/show.out"; then
    e2e_pass "relaywarden -s: volume per listener and decisions per named rule"
else
    e2e_fail "relaywarden -s output" "$T/show.out"
fi
e2e_done
