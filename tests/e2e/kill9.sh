#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# kill9.sh - a bounded load through the private Postfix with relaywarden killed with SIGKILL in
# the middle and started again, later stopped with SIGTERM and started again: every message
# Postfix accepted is delivered (none lost in the queue), no relay attempt reaches the sink (none
# passed unchecked), and every message is accounted for: accepted, refused by the rules, or
# tempfailed while relaywarden was down (the client keeps it and retries; Postfix's
# milter_default_action = tempfail).
. "$(dirname "$0")/lib.sh"
e2e_require postfix swaks
# 1600 messages for our domain and 400 relay attempts: a few thousand, done in seconds.
OURS=1600
RELAY=400
# Senders in parallel: each one SMTP connection after the other, many messages on each.
SENDERS=4

# send NAME RCPT IDS-FILE: every id in IDS-FILE as one message to RCPT, one connection reused
# (a new one after a 421 or a lost connection); one "ID CODE" line per message in NAME.result,
# CODE the final reply: 250 accepted, 5xx refused, 4xx tempfailed (the client keeps the
# message and retries), none when the connection broke without a reply.
send() {
    local name=$1 rcpt=$2 ids=$3 id code open=0 r
    : >"$T/$name.result"
    reply() {
        code=none
        while IFS= read -r -t 30 r <&3; do
            case "$r" in [0-9][0-9][0-9]" "*) code=${r%% *}; return ;; esac
        done
        open=0
    }
    cmd() { printf '%s\r\n' "$1" >&3 2>/dev/null || { open=0; code=none; return; }; reply; }
    while read -r id; do
        if [ "$open" = 0 ]; then
            exec 3<>"/dev/tcp/127.0.0.1/$IN_PORT" && open=1
            reply
            [ "$code" = 220 ] && cmd "EHLO load.test"
        fi
        if [ "$open" = 1 ]; then cmd "MAIL FROM:<sender@remote.test>"; fi
        [ "$code" = 250 ] && cmd "RCPT TO:<$rcpt>"
        [ "$code" = 250 ] && cmd DATA
        [ "$code" = 354 ] && cmd "$(printf 'X-Load-Id: %s\r\nSubject: %s\r\n\r\nload\r\n.' "$id" "$id")"
        echo "$id $code" >>"$T/$name.result"
        case "$code" in 250) ;; 5*) [ "$open" = 1 ] && cmd RSET ;; *) exec 3<&- 3>&- 2>/dev/null; open=0 ;; esac
    done <"$ids"
    [ "$open" = 1 ] && cmd QUIT
    exec 3<&- 3>&- 2>/dev/null
}
trap '' PIPE

e2e_start "$top_srcdir/tests/rules/e2e.rules"
# Refusals are the point here: no tarpit after them (Postfix sleeps 1 s per error otherwise).
postconf -c "$PF_DIR" -e smtpd_error_sleep_time=0 smtpd_soft_error_limit=100000 \
    smtpd_hard_error_limit=100000 && e2e_postfix_reload || exit 1
rw_args=(-f -c "$top_srcdir/tests/rules/e2e.rules" -p "inet:$MILTER_PORT@127.0.0.1")
for i in $(seq 1 "$SENDERS"); do
    seq -f "ours-$i-%g" 1 $((OURS / SENDERS)) >"$T/ids-ours-$i"
    seq -f "relay-$i-%g" 1 $((RELAY / SENDERS)) >"$T/ids-relay-$i"
    cat "$T/ids-ours-$i" "$T/ids-relay-$i" | sort -R >"$T/ids-$i"
done
t0=$(date +%s%N)
pids=
for i in $(seq 1 "$SENDERS"); do
    grep '^ours' "$T/ids-$i" >"$T/ids-o-$i"
    grep '^relay' "$T/ids-$i" >"$T/ids-r-$i"
    send "ours-$i" bob@example.com "$T/ids-o-$i" &
    pids="$pids $!"
    send "relay-$i" victim@elsewhere.test "$T/ids-r-$i" &
    pids="$pids $!"
done

# outage SIGNAL FRACTION: once the senders have had an answer for FRACTION of our messages,
# stop relaywarden with SIGNAL (KILL: no cleanup at all; TERM: its own stop, sessions in flight
# cut) and start it again half a second later on the same port. The senders' own progress, not
# the sink's: deliveries lag behind on a loaded machine, and by the time the sink had 60% the
# senders could be done, the outage meeting nobody.
outage() {
    local i before
    for i in $(seq 1 600); do
        [ "$(cat "$T"/ours-*.result 2>/dev/null | wc -l)" -ge $((OURS * $2 / 100)) ] && break
        sleep 0.05
    done
    before=$(ls "$T/sink" | wc -l)
    kill -"$1" "$RW_PID"
    wait "$RW_PID" 2>/dev/null
    e2e_pass "relaywarden stopped with SIG$1 after $before deliveries"
    sleep 0.5
    "$RELAYWARDEN" "${rw_args[@]}" 2>>"$T/relaywarden.log" &
    RW_PID=$!
    e2e_wait_port "$MILTER_PORT" && e2e_pass "relaywarden started again on the same port" ||
        e2e_fail "no restart after SIG$1" "$T/relaywarden.log"
}
outage KILL 30
outage TERM 60
wait $pids
t1=$(date +%s%N)
cat "$T"/ours-*.result >"$T/ours.result"
cat "$T"/relay-*.result >"$T/relay.result"
# The client's retry: what was tempfailed (or cut off) is sent again, once relaywarden is back.
awk '$2 !~ /^(250|5)/ {print $1}' "$T/ours.result" >"$T/retry-ours"
awk '$2 !~ /^(250|5)/ {print $1}' "$T/relay.result" >"$T/retry-relay"
split -n "l/$SENDERS" "$T/retry-ours" "$T/retry-ours-part-"
pids=
for f in "$T"/retry-ours-part-*; do
    send "$(basename "$f")" bob@example.com "$f" &
    pids="$pids $!"
done
send retry-relay victim@elsewhere.test "$T/retry-relay" &
wait $pids $!
cat "$T"/retry-ours-part-*.result >"$T/retry-ours.result"

for i in $(seq 1 300); do
    postqueue -c "$PF_DIR" -p 2>/dev/null | grep -q '^[0-9A-F]' || break
    sleep 0.1
done
inqueue=$(postqueue -c "$PF_DIR" -p 2>/dev/null | grep -c '^[0-9A-F]')
grep -h '^X-Load-Id: ' "$T"/sink/msg.* 2>/dev/null | sed 's/^X-Load-Id: //; s/\r$//' | sort >"$T/at-sink"
tempfailed=$(awk '$2 !~ /^(250|5)/' "$T/ours.result" "$T/relay.result" | wc -l)
accepted=$(awk '$2 == 250' "$T/ours.result" "$T/retry-ours.result" | wc -l)
refused=$(awk '$2 ~ /^5/' "$T/relay.result" "$T/retry-relay.result" | wc -l)
echo "# $((OURS + RELAY)) messages in $(((t1 - t0) / 1000000)) ms: $tempfailed tempfailed or cut off" \
    "while relaywarden was down and retried; $accepted accepted, $refused refused," \
    "$(wc -l <"$T/at-sink") at the sink, $inqueue in the queue"

[ "$inqueue" = 0 ] && e2e_pass "queue empty" || e2e_fail "$inqueue messages still in the queue" "$T/maillog"
[ "$tempfailed" -gt 0 ] && e2e_pass "the outage was seen: $tempfailed tempfailed, none accepted unchecked" || e2e_fail "no message met the outage: the kill came too late"
awk '$2 == 250 {print $1}' "$T/ours.result" "$T/retry-ours.result" | sort >"$T/accepted"
missing=$(comm -23 "$T/accepted" "$T/at-sink" | wc -l)
[ "$missing" = 0 ] && e2e_pass "every accepted message at the sink (none lost)" || e2e_fail "$missing accepted messages never reached the sink" "$T/maillog"
[ "$accepted" = "$OURS" ] && e2e_pass "all $OURS for our domain accepted in the end" || e2e_fail "$accepted of $OURS for our domain accepted" "$T/retry-ours.result"
[ "$refused" = "$RELAY" ] && e2e_pass "all $RELAY relay attempts refused by the rules" || e2e_fail "$refused of $RELAY relay attempts refused" "$T/retry-relay.result"
grep -q '^relay' "$T/at-sink" && e2e_fail "a relay attempt reached the sink (passed unchecked)" || e2e_pass "no relay attempt reached the sink"
e2e_done
