#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# liveaudit_cli.sh - relaywarden -A against a scripted server (tests/unit/fakesmtp): forged
# sender domains from --sender-domain and from the rules (-c), --timeout as a deadline per reply
# that stops the audit, unasked-for replies as errors, real addresses only in the report, the
# arguments it refuses, STARTTLS, temporary and out-of-protocol replies (never a verdict), the
# other senders for a recipient trick refused at MAIL, and --data content only to the sink. No Postfix needed; tests/e2e/liveaudit.sh runs it against one.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
RW=$top_builddir/milter/relaywarden
FAKE=$top_builddir/tests/unit/fakesmtp
T=$(mktemp -d /tmp/rw-liveaudit-cli.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
fail=0
ok() { echo "ok - $1"; }
nok() { # NAME FILE
    echo "not ok - $1"
    [ -n "$2" ] && sed 's/^/    /' "$2"
    fail=1
}
serve() { # MODE [LOG]: starts a fakesmtp, its port in $PORT
    rm -f "$T/port"
    "$FAKE" "$1" "$T/port" ${2:+"$2"} &
    pids+=($!)
    # 30 s at most: a loaded CI machine can take seconds to start a process (5 s was too short)
    for _ in $(seq 1 300); do [ -s "$T/port" ] && break; sleep 0.1; done
    PORT=$(cat "$T/port")
}
# NAME WANT-EXIT MAX-SECONDS ARGS...: relaywarden -A ARGS, output in $T/NAME.out
audit() {
    local name=$1 want=$2 max=$3 rc start took
    shift 3
    start=$(date +%s)
    timeout 120 "$RW" -A "$@" >"$T/$name.out" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    if [ "$rc" = "$want" ] && [ "$took" -le "$max" ]; then
        ok "$name: exit $rc in ${took}s"
    else
        nok "$name: exit $rc in ${took}s, want $want within ${max}s" "$T/$name.out"
    fi
}
has() { # NAME REGEX
    if grep -qE -- "$2" "$T/$1.out"; then ok "$1: says /$2/"; else nok "$1: lacks /$2/" "$T/$1.out"; fi
}
lacks() { # NAME REGEX
    if grep -qE -- "$2" "$T/$1.out"; then nok "$1: says /$2/" "$T/$1.out"; else ok "$1: no /$2/"; fi
}
DOM="--domain example.com --foreign foreign.test"

# F1: a server that relays for a partner's domain as sender
serve partner
audit partner-plain 0 30 "127.0.0.1:$PORT" $DOM
has partner-plain "^0 of 22 tests relayed$"
audit partner-sender-domain 1 30 "127.0.0.1:$PORT" $DOM --sender-domain partner.example
has partner-sender-domain "^23 MAIL FROM:<antispam@partner.example> RCPT TO:<relaytest@foreign.test> \(a sender domain, forged\): RELAYED"
has partner-sender-domain "^1 of 23 tests relayed$"
cat >"$T/partner.rules" <<'EOF'
domains ours { example.com }
domains partners { partner.example }
listener inbound daemon "inbound"
policy inbound {
    mail reject auth !tls
    mail reject !auth from-claims <ours>
    rcpt accept from <partners>
    rcpt reject to !<ours> "550 5.7.1 relaying denied"
}
EOF
audit partner-rules 1 30 "127.0.0.1:$PORT" $DOM -c "$T/partner.rules"
has partner-rules "^23 MAIL FROM:<antispam@partner.example> .*RELAYED"
has partner-rules "^1 of 23 tests relayed$"
audit sample-rules 0 30 "127.0.0.1:$PORT" $DOM -c "$top_srcdir/contrib/relaywarden.rules"
# a --foreign domain the rules count as ours is refused (it would read as a refused relay)
cat >"$T/wide.rules" <<'EOF'
domains ours { example.com, *.test }
listener inbound daemon "inbound"
policy inbound {
    mail reject auth !tls
    mail reject !auth from-claims <ours>
    rcpt reject to !<ours> "550 5.7.1 relaying denied"
}
EOF
audit foreign-ours 2 5 "127.0.0.1:$PORT" $DOM -c "$T/wide.rules"
has foreign-ours "foreign domain must not be ours: foreign.test is inside a domains list"
echo "bad rules" >"$T/bad.rules"
audit bad-rules 2 5 "127.0.0.1:$PORT" $DOM -c "$T/bad.rules"
has bad-rules "has errors: no audit"
# LIVEAUDIT_SENDERS_MAX (32): 31 and 32 sender domains run, 33 are refused
for n in 31 32 33; do
    args=()
    for i in $(seq 1 $n); do args+=(--sender-domain "s$i.example"); done
    if [ $n -le 32 ]; then
        audit "senders-$n" 0 60 "127.0.0.1:$PORT" $DOM "${args[@]}"
        has "senders-$n" "^0 of $((22 + n)) tests relayed$"
    else
        audit "senders-$n" 2 5 "127.0.0.1:$PORT" $DOM "${args[@]}"
        has "senders-$n" "more than 32 sender domains"
    fi
done

# F2: --timeout is a deadline for a whole reply, and the first timeout stops the audit
serve drip
audit drip 3 6 "127.0.0.1:$PORT" $DOM --timeout 1
has drip "^ 1 MAIL FROM:<> RCPT TO:<relaytest@foreign.test> \(nmap 1: null sender\): ERROR: no complete reply within 1 s$"
has drip "^the audit stops: test 1 got no reply within 1 s, tests 2 to 22 not run$"
serve silent
audit silent 3 6 "127.0.0.1:$PORT" $DOM --timeout 1
has silent "^0 of 22 tests relayed, and some could not be run: the audit is incomplete$"

# F3: replies out of step with the commands are an error, never a verdict
serve desync
audit desync 3 30 "127.0.0.1:$PORT" $DOM
has desync "^ 1 .*ERROR: a reply that is not SMTP: 17 unasked-for bytes before RCPT"
lacks desync "refused at RCPT"
serve late-stray
audit late-stray 3 30 "127.0.0.1:$PORT" $DOM
has late-stray "^ 1 .*ERROR: QUIT answered 250 ok: the replies are out of step with the commands"
serve relay
audit relay 1 30 "127.0.0.1:$PORT" $DOM
has relay "^22 of 22 tests relayed$"

# F5: the report shows the addresses sent, or none, never a template
e2e_dead=$(cat "$T/port")
kill "${pids[-1]}" 2>/dev/null
wait "${pids[-1]}" 2>/dev/null
audit unreachable 3 30 "127.0.0.1:$e2e_dead" $DOM
has unreachable "^ 1 \(nmap 1: null sender\): ERROR: cannot connect"
for f in "$T"/*.out; do
    if grep -qE '@[DFIS]>|<[DFIS]!|%[DFIS]' "$f"; then nok "$(basename "$f"): an unfilled template" "$f"; fi
done

# F6: the foreign domain is nobody's: not an address literal, not ours, not under ours
audit foreign-literal 2 5 "127.0.0.1:1" --domain example.com --foreign "[127.0.0.1]"
has foreign-literal "--foreign takes a domain name, not an address literal"
audit foreign-under-ours 2 5 "127.0.0.1:1" --domain example.com --foreign x.Example.COM
has foreign-under-ours "the foreign domain must not be ours: x.Example.COM is under --domain"
audit foreign-ours 2 5 "127.0.0.1:1" --domain example.com --foreign EXAMPLE.com
has foreign-ours "is --domain"
audit foreign-suffix-not-under 3 10 "127.0.0.1:1" --domain example.com --foreign notexample.com --timeout 1
audit sender-literal 2 5 "127.0.0.1:1" $DOM --sender-domain "[192.0.2.1]"
has sender-literal "--sender-domain takes a domain name, not an address literal"
audit sender-bad 2 5 "127.0.0.1:1" $DOM --sender-domain "a b"

# R3: STARTTLS where the server offers it; a 530 asking for it that we could not satisfy is no
# verdict
serve tls-required
audit tls-required 1 30 "127.0.0.1:$PORT" $DOM
has tls-required "^ 1 MAIL FROM:<> RCPT TO:<relaytest@foreign.test> \(nmap 1: null sender\): RELAYED: accepted at RCPT: 250 ok \(in TLS\)$"
has tls-required "^22 of 22 tests relayed$"
serve tls-nooffer
audit tls-nooffer 3 30 "127.0.0.1:$PORT" $DOM
has tls-nooffer "^ 1 .*: ERROR: 530 5.7.0 Must issue a STARTTLS command first: the server requires STARTTLS, and it did not offer it$"
lacks tls-nooffer "refused at MAIL"
serve tls-refused
audit tls-refused 3 30 "127.0.0.1:$PORT" $DOM
has tls-refused "the server requires STARTTLS, and STARTTLS was refused: 454 4.7.0 TLS not available$"
serve tls-inject
audit tls-inject 3 30 "127.0.0.1:$PORT" $DOM
has tls-inject "ERROR: a reply that is not SMTP: 14 unasked-for bytes before the TLS handshake"
lacks tls-inject "RELAYED|refused at"
serve tls-broken
audit tls-broken 3 30 "127.0.0.1:$PORT" $DOM
has tls-broken "ERROR: STARTTLS: the TLS handshake failed"

# R4: a temporary refusal (greylisting, a milter that is down, 421) at any stage proves nothing
serve greylist
audit greylist 3 30 "127.0.0.1:$PORT" $DOM
has greylist "^ 1 .*: temporarily refused at RCPT: 450 4.7.1 greylisted, try again later: cannot tell$"
has greylist "^0 of 22 tests relayed, and some could not be run: the audit is incomplete$"
lacks greylist ": refused at"
serve mail451
audit mail451 3 30 "127.0.0.1:$PORT" $DOM
has mail451 "^ 6 .*: temporarily refused at MAIL: 451 4.7.1 Service unavailable - try again later: cannot tell$"
serve mail421
audit mail421 3 30 "127.0.0.1:$PORT" $DOM
has mail421 "^ 1 .*: temporarily refused at MAIL: 421 4.3.2 shutting down: cannot tell$"
serve eod451
audit eod451 1 30 "127.0.0.1:$PORT" $DOM --data
has eod451 "^ 1 .*: temporarily refused at end of data: 451 4.7.1 milter unavailable: cannot tell$"
# R5: a code that is no answer to the command is a protocol error; 251 answers RCPT
serve rcpt354
audit rcpt354 3 30 "127.0.0.1:$PORT" $DOM
has rcpt354 "^ 1 .*: ERROR: a reply that is not SMTP: 354 go ahead is no answer to RCPT$"
lacks rcpt354 "refused at"
serve data250
audit data250 1 30 "127.0.0.1:$PORT" $DOM --data
has data250 "^ 1 .*: ERROR: a reply that is not SMTP: 250 ok is no answer to DATA$"
serve rcpt251
audit rcpt251 1 30 "127.0.0.1:$PORT" $DOM
has rcpt251 "^22 .*RELAYED: accepted at RCPT: 251 user not local; will forward$"

# R6: a recipient trick whose sender is refused at MAIL is tried with the audit's other senders
serve litgate
audit litgate 1 30 "127.0.0.1:$PORT" $DOM
has litgate "^ 5 MAIL FROM:<antispam@foreign.test> RCPT TO:<relaytest%foreign.test@\[127.0.0.1\]> \(nmap 5: %-hack at the server's address\): RELAYED: accepted at RCPT: 250 ok \(sender <antispam@foreign.test> reached RCPT; <antispam@\[127.0.0.1\]> got 553 at MAIL\)$"
has litgate "^14 .*<foreign.test!relaytest>.*RELAYED"
has litgate "^ 4 MAIL FROM:<antispam@\[127.0.0.1\]> .*refused at MAIL: 553 5.1.8 sender refused$"
has litgate "^5 of 22 tests relayed$"
serve litgate451
audit litgate451 3 30 "127.0.0.1:$PORT" $DOM
has litgate451 "^ 5 MAIL FROM:<antispam@foreign.test> RCPT TO:<relaytest%foreign.test@\[127.0.0.1\]> .*: temporarily refused at MAIL: 451 4.7.1 Service unavailable - try again later \(sender <antispam@foreign.test>; <antispam@\[127.0.0.1\]> got 553 at MAIL\): cannot tell$"
serve mailrefuse
audit mailrefuse 0 30 "127.0.0.1:$PORT" $DOM
has mailrefuse "^ 6 .*: refused at MAIL: 553 5.1.8 sender refused \(each of the 4 senders of the audit refused\)$"
has mailrefuse "^17 .*: refused at MAIL: 553 5.1.8 sender refused \(each of the 4 senders of the audit refused\)$"
has mailrefuse "^ 1 .*: refused at MAIL: 553 5.1.8 sender refused$"
# LIVEAUDIT_MAIL_TRIES (9) refusals at MAIL in a session, then a new one: 8, 9 and 10 senders
# (the test's own, 3 more and 4 to 6 sender domains) take 1, 1 and 2 sessions per trick test,
# and the server's tenth-error 421 is never reached
for n in 4 5 6; do
    serve mailrefuse "$T/tries-$n.log"
    args=()
    for i in $(seq 1 $n); do args+=(--sender-domain "s$i.example"); done
    audit "tries-$((n + 4))" 0 60 "127.0.0.1:$PORT" $DOM "${args[@]}"
    has "tries-$((n + 4))" "^ 6 .*\(each of the $((n + 4)) senders of the audit refused\)$"
    sessions=$(grep -c '^EHLO' "$T/tries-$n.log")
    most=$(awk '/^EHLO/ { m = 0 } /^MAIL/ { if (++m > most) most = m } END { print most }' "$T/tries-$n.log")
    want=$((22 + n + (n + 4 > 9 ? 18 : 0)))
    if [ "$sessions" = "$want" ] && [ "$most" = $((n + 4 > 9 ? 9 : n + 4)) ]; then
        ok "tries-$((n + 4)): $sessions sessions, at most $most MAIL in one"
    else
        nok "tries-$((n + 4)): $sessions sessions (want $want), at most $most MAIL in one" "$T/tries-$n.log"
    fi
done
# with LIVEAUDIT_SENDERS_MAX sender domains: the test's own, 3 more and the 32
args=()
for i in $(seq 1 32); do args+=(--sender-domain "s$i.example"); done
audit mailrefuse-32 0 60 "127.0.0.1:$PORT" $DOM "${args[@]}"
has mailrefuse-32 "^ 6 .*\(each of the 36 senders of the audit refused\)$"
has mailrefuse-32 "^0 of 54 tests relayed$"

# R9: --data sends DATA only after a recipient in the --foreign domain (the sink); the others
# are judged at RCPT
serve relay "$T/relay-data.log"
audit relay-data 1 30 "127.0.0.1:$PORT" $DOM --data
has relay-data "^21 MAIL FROM:<antispam@foreign.test> RCPT TO:<relaytest@\[192.0.2.1\]> \(foreign address literal\): RELAYED: accepted at RCPT: 250 ok \(no DATA: the recipient is not in foreign.test\)$"
has relay-data "^ 6 .*RELAYED: accepted at RCPT: 250 ok \(no DATA: the recipient is not in foreign.test\)$"
has relay-data "^20 .*<relaytest@foreign.test.>.*RELAYED: accepted at end of data: 250 queued$"
has relay-data "^14 .*<foreign.test!relaytest>.*RELAYED: accepted at end of data: 250 queued$"
has relay-data "^13 .*<@example.com:relaytest@foreign.test>.*RELAYED: accepted at end of data: 250 queued$"
n=$(grep -c "accepted at end of data" "$T/relay-data.out")
bad=$(awk '/^RCPT/ { r = $0 } /^DATA/ { if (r !~ /^RCPT TO:<(@[^:]*:)?[A-Za-z]+@foreign\.test\.?>$/ && r != "RCPT TO:<foreign.test!relaytest>") print r }' "$T/relay-data.log")
d=$(grep -c '^DATA' "$T/relay-data.log")
if [ -z "$bad" ] && [ "$n" = 9 ] && [ "$d" = 9 ]; then
    ok "relay-data: DATA 9 times, each after a recipient in foreign.test"
else
    nok "relay-data: DATA $d times, $n judged at end of data, want 9; DATA after: $bad" "$T/relay-data.log"
fi
exit $fail
