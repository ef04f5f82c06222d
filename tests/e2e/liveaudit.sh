#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# liveaudit.sh - relaywarden -A against the private Postfix: with relaywarden and the sample
# rules both listeners relay nothing (exit 0), judged at RCPT and after the end of data; a
# listener left open on purpose (no milter, mynetworks open) is reported relaying (exit 1);
# judged at RCPT no marker reaches the sink, with --data the relayed ones do (the sink is
# ours). Bad arguments exit 2, an unreachable server 3.
. "$(dirname "$0")/lib.sh"
e2e_require postfix smtp-sink
e2e_pick_port OPEN_PORT
E2E_EXTRA_MASTER="127.0.0.1:$OPEN_PORT inet n - n - - smtpd -o smtpd_milters= -o milter_macro_daemon_name=open"
e2e_start "$top_srcdir/contrib/relaywarden.rules"

audit() { # NAME WANT-EXIT ARGS...: relaywarden -A, output in $T/NAME.out
    local name=$1 want=$2 rc
    shift 2
    "$RELAYWARDEN" --timeout 20 -A "$@" >"$T/$name.out" 2>&1
    rc=$?
    [ "$rc" = "$want" ] && e2e_pass "$name: exit $rc" || e2e_fail "$name: exit $rc, want $want" "$T/$name.out"
}
has() { # NAME REGEX
    grep -qE "$2" "$T/$1.out" && e2e_pass "$1: says /$2/" || e2e_fail "$1: lacks /$2/" "$T/$1.out"
}
markers() { grep -l '^X-Relaywarden-Audit: marker' "$T"/sink/msg.* 2>/dev/null | wc -l; }

DOM="--domain example.com --foreign foreign.test"
audit inbound 0 "127.0.0.1:$IN_PORT" $DOM
has inbound "^0 of 22 tests relayed$"
audit outbound 0 "127.0.0.1:$OUT_PORT" $DOM
has outbound "^0 of 22 tests relayed$"
has outbound "refused at RCPT: 550 5.7.1 authentication required to relay"
audit open 1 "127.0.0.1:$OPEN_PORT" $DOM
has open "^ 1 MAIL FROM:<> RCPT TO:<relaytest@foreign.test> \(nmap 1: null sender\): RELAYED: accepted at RCPT: 250"
has open "^[1-9][0-9]? of 22 tests relayed$"
# anything Postfix accepted has reached the sink once its queue is settled (a fixed second
# could end before a wrongly accepted marker was delivered, and the check pass unseen)
e2e_queue_settled
[ "$(markers)" = 0 ] && e2e_pass "judged at RCPT: nothing reached the sink" ||
    e2e_fail "judged at RCPT, $(markers) markers reached the sink"

audit inbound-data 0 "127.0.0.1:$IN_PORT" $DOM --data
has inbound-data "^0 of 22 tests relayed$"
audit open-data 1 "127.0.0.1:$OPEN_PORT" $DOM --data
has open-data "RELAYED: accepted at end of data: 250"
n=$(grep -c "RELAYED: accepted at end of data" "$T/open-data.out")
for i in $(seq 1 "$E2E_WAIT"); do [ "$(markers)" -ge "$n" ] && break; sleep 0.1; done
[ "$(markers)" = "$n" ] && e2e_pass "--data: the $n relayed markers reached the sink" ||
    e2e_fail "--data: $(markers) markers in the sink, $n relayed" "$T/open-data.out"

audit data-needs-foreign 2 "127.0.0.1:$IN_PORT" --domain example.com --data
has data-needs-foreign "name one that leads to a sink of yours"
audit no-domain 2 "127.0.0.1:$IN_PORT"
audit same-domain 2 "127.0.0.1:$IN_PORT" --domain example.com --foreign EXAMPLE.com
e2e_pick_port DEAD_PORT
audit unreachable 3 "127.0.0.1:$DEAD_PORT" $DOM
has unreachable "^0 of 22 tests relayed, and some could not be run: the audit is incomplete$"
# --timeout: 599 and 600 seconds taken (the server is unreachable: exit 3), 601 refused
audit timeout-599 3 "127.0.0.1:$DEAD_PORT" $DOM --timeout 599
audit timeout-600 3 "127.0.0.1:$DEAD_PORT" $DOM --timeout 600
audit timeout-601 2 "127.0.0.1:$DEAD_PORT" $DOM --timeout 601

# A command line of 511, 512 (RFC 5321's longest, CRLF included) and 513 bytes: the longest
# command is test 19's RCPT TO:<@D,@F:relaytest@D>, 26 + 2 x |D| + |F| bytes with its CRLF.
D=$(printf 'a%.0s' $(seq 1 60)).$(printf 'b%.0s' $(seq 1 60)).$(printf 'c%.0s' $(seq 1 60)).example.com
for len in 511 512 513; do
    f=$((len - 26 - 2 * ${#D}))
    F=$(printf 'f%.0s' $(seq 1 40)).$(printf 'g%.0s' $(seq 1 $((f - 46)))).test
    if [ "$len" -le 512 ]; then
        audit "command-$len" 0 "127.0.0.1:$IN_PORT" --domain "$D" --foreign "$F"
        has "command-$len" "^19 .* refused at RCPT"
    else
        audit "command-$len" 3 "127.0.0.1:$IN_PORT" --domain "$D" --foreign "$F"
        has "command-$len" "^19 .*ERROR: command longer than 512 bytes"
    fi
done
e2e_done
