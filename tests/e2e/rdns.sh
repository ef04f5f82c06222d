#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# rdns.sh - forward-confirmed reverse DNS. A real DNS server (dnsmasq on 127.0.0.1) holds a
# confirmed name, a PTR without an address, a PTR pointing elsewhere, an address without PTR,
# a zone that SERVFAILs, an IPv6 name, and addresses with several PTR names (one confirming,
# in either place; none confirming; one SERVFAILing; 10 and 11 names, the limit);
# relaywarden's own lookup is run against it, then a private Postfix stamps every message: the
# MTA's verdicts (XCLIENT NAME=/REVERSE_NAME=), then after SIGHUP relaywarden's own lookups.
# Checked in what reached the sink: one stamp, on top, with the right word; a forged
# Authentication-Results for our authserv-id gone, others kept.
. "$(dirname "$0")/lib.sh"
e2e_require postfix smtp-sink swaks dnsmasq miltertest
PROBE=$top_builddir/tests/e2e/dnsprobe
T=$(mktemp -d /tmp/relaywarden-rdns.XXXXXX)
chmod 755 "$T"
e2e_pick_port DNS_PORT
e2e_pick_port DEAD_PORT
# An upstream that answers SERVFAIL, for dnsmasq to forward one reverse zone to.
coproc SF { exec "$PROBE" servfail-server 300; }
read -r SF_PORT <&"${SF[0]}"
# 10 and 11 PTR names for 192.0.2.30 and .31, only match30/match31 resolving back.
MANY30=() MANY31=()
for i in $(seq 1 10); do
    [ "$i" -lt 10 ] && MANY30+=(--ptr-record=30.2.0.192.in-addr.arpa,n$i.many30.example.test)
    MANY31+=(--ptr-record=31.2.0.192.in-addr.arpa,n$i.many31.example.test)
done
dnsmasq --keep-in-foreground --port="$DNS_PORT" --listen-address=127.0.0.1 --bind-interfaces \
    --no-resolv --no-hosts --conf-file=/dev/null --pid-file="$T/dnsmasq.pid" \
    --log-facility="$T/dnsmasq.log" --log-queries \
    --local=/2.0.192.in-addr.arpa/ --local=/example.test/ --local=/0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa/ \
    --host-record=good.example.test,192.0.2.10 \
    --ptr-record=11.2.0.192.in-addr.arpa,noaddr.example.test \
    --ptr-record=12.2.0.192.in-addr.arpa,elsewhere.example.test \
    --host-record=elsewhere.example.test,192.0.2.99 \
    --server=/100.51.198.in-addr.arpa/127.0.0.1#"$SF_PORT" \
    --host-record=good6.example.test,2001:db8::10 \
    --ptr-record=20.2.0.192.in-addr.arpa,away20.example.test \
    --ptr-record=20.2.0.192.in-addr.arpa,match20.example.test \
    --address=/away20.example.test/192.0.2.99 --address=/match20.example.test/192.0.2.20 \
    --ptr-record=21.2.0.192.in-addr.arpa,match21.example.test \
    --ptr-record=21.2.0.192.in-addr.arpa,away21.example.test \
    --address=/away21.example.test/192.0.2.99 --address=/match21.example.test/192.0.2.21 \
    --ptr-record=22.2.0.192.in-addr.arpa,away22a.example.test \
    --ptr-record=22.2.0.192.in-addr.arpa,away22b.example.test \
    --address=/away22a.example.test/192.0.2.99 --address=/away22b.example.test/192.0.2.98 \
    --ptr-record=23.2.0.192.in-addr.arpa,away23.example.test \
    --ptr-record=23.2.0.192.in-addr.arpa,broken23.sf.example.test \
    --address=/away23.example.test/192.0.2.99 --server=/sf.example.test/127.0.0.1#"$SF_PORT" \
    --ptr-record=30.2.0.192.in-addr.arpa,match30.example.test "${MANY30[@]}" \
    --address=/match30.example.test/192.0.2.30 \
    --ptr-record=31.2.0.192.in-addr.arpa,match31.example.test "${MANY31[@]}" \
    --address=/match31.example.test/192.0.2.31 &
DNS_PID=$!
trap 'kill $DNS_PID $SF_PID 2>/dev/null; e2e_cleanup' EXIT
e2e_wait_udp() { for i in $(seq 1 50); do "$PROBE" "127.0.0.1:$DNS_PORT" 192.0.2.10 500 | grep -q '^pass' && return 0; sleep 0.1; done; return 1; }
e2e_wait_udp || { e2e_fail "dnsmasq did not answer" "$T/dnsmasq.log"; exit 1; }

# relaywarden's own lookup against each record.
probe() { # NAME ADDRESS WANT-PREFIX [SERVER]
    local got
    got=$("$PROBE" "${4:-127.0.0.1:$DNS_PORT}" "$2" 1500)
    case "$got" in
    "$3"*) e2e_pass "lookup $1: $got" ;;
    *) e2e_fail "lookup $1: got '$got', want '$3...'" ;;
    esac
}
probe confirmed 192.0.2.10 "pass|good.example.test||192.0.2.10 verified good.example.test"
probe ptr-without-address 192.0.2.11 "unverified|noaddr.example.test|has no address record|192.0.2.11 unverified (ptr=noaddr.example.test has no address record)"
probe ptr-points-elsewhere 192.0.2.12 "unverified|elsewhere.example.test|does not resolve back|192.0.2.12 unverified (ptr=elsewhere.example.test does not resolve back)"
probe no-ptr 192.0.2.13 "unverified||no PTR record|192.0.2.13 unverified (no PTR record)"
probe servfail 198.51.100.7 "failed||SERVFAIL|198.51.100.7 RDNS failed (SERVFAIL)"
probe refused-zone 203.0.113.9 "failed||REFUSED|203.0.113.9 RDNS failed (REFUSED)"
probe ipv6 2001:db8::10 "pass|good6.example.test|"
probe timeout 192.0.2.10 "temperror||timeout|192.0.2.10 RDNS failed (timeout)" blackhole
probe unreachable 192.0.2.10 "failed||resolver unreachable|" "127.0.0.1:$DEAD_PORT"

# Several PTR names: any one that confirms is a pass, wherever DNS puts it (dnsmasq answers
# repeated --ptr-record in an order of its own: both orders are set up, 20 and 21).
ptrnames() { "$PROBE" ptrnames "127.0.0.1:$DNS_PORT" "$1"; }
P20=$(ptrnames 192.0.2.20)
P21=$(ptrnames 192.0.2.21)
if { [ "$P20" = "away20.example.test match20.example.test" ] &&
    [ "$P21" = "match21.example.test away21.example.test" ]; } ||
    { [ "$P20" = "match20.example.test away20.example.test" ] &&
        [ "$P21" = "away21.example.test match21.example.test" ]; }; then
    e2e_pass "two PTR names each, the confirming one first for one address, second for the other: $P20 / $P21"
else
    e2e_fail "192.0.2.20 and .21 should have two PTR names in opposite orders: $P20 / $P21"
fi
probe two-ptr-second-confirms 192.0.2.20 "pass|match20.example.test||192.0.2.20 verified match20.example.test"
probe two-ptr-first-confirms 192.0.2.21 "pass|match21.example.test||192.0.2.21 verified match21.example.test"
FIRST22=$(ptrnames 192.0.2.22 | cut -d' ' -f1)
probe two-ptr-none-confirms 192.0.2.22 "unverified|$FIRST22|does not resolve back; none of 2 PTR names resolves back|192.0.2.22 unverified (ptr=$FIRST22 does not resolve back; none of 2 PTR names resolves back)"
# One name that does not resolve back, one whose forward lookup SERVFAILs: it might have
# confirmed, so the verdict is "failed", never "unverified".
probe two-ptr-one-servfail 192.0.2.23 "failed|broken23.sf.example.test|SERVFAIL on the forward lookup|192.0.2.23 RDNS failed (SERVFAIL on the forward lookup)"
# The limit, RDNS_PTR_MAX = 10: the confirming name last of 10 is found, last of 11 is not
# (dnsmasq answers in the reverse of its command line; checked first).
for an in 30:10 31:11; do
    a=${an%:*}
    last=$(ptrnames 192.0.2.$a | tr ' ' '\n')
    n=$(echo "$last" | wc -l)
    last=$(echo "$last" | tail -1)
    if [ "$n" = "${an#*:}" ] && [ "$last" = "match$a.example.test" ]; then
        e2e_pass "192.0.2.$a: $n PTR names, the confirming one last"
    else
        e2e_fail "192.0.2.$a: $n PTR names (want ${an#*:}), the last is $last, not match$a.example.test (has dnsmasq's answer order changed?)"
    fi
done
probe ten-ptr-tenth-confirms 192.0.2.30 "pass|match30.example.test||192.0.2.30 verified match30.example.test"
FIRST31=$(ptrnames 192.0.2.31 | cut -d' ' -f1)
probe eleven-ptr-eleventh-ignored 192.0.2.31 "unverified|$FIRST31|has no address record; none of the first 10 PTR names resolves back, the rest were not checked|"

# Through Postfix: first the MTA's verdict (XCLIENT sets the names Postfix would have found).
sed -e "s/@DNS@/127.0.0.1:$DNS_PORT/" -e "s/@LOOKUP@/fallback/" \
    "$top_srcdir/tests/rules/e2e-rdns.rules.in" >"$T/rules"
TT=$T # e2e_start makes a scratch directory of its own in $T
e2e_start "$TT/rules"
trap 'kill $DNS_PID $SF_PID 2>/dev/null; e2e_cleanup; rm -rf "$TT"' EXIT
FORGED_AR="Authentication-Results: mx.relaywarden.test; iprev=pass policy.iprev=192.0.2.13"
OTHER_AR="Authentication-Results: other.example; spf=pass smtp.mailfrom=remote.test"
e2e_smtp mta-ok "$IN_PORT" --xclient-addr 192.0.2.10 --xclient-name good.example.test \
    --xclient-reverse-name good.example.test --to bob@example.com \
    --add-header "$FORGED_AR" --add-header "$OTHER_AR"
e2e_smtp mta-fail "$IN_PORT" --xclient-addr 192.0.2.13 --xclient-name '[UNAVAILABLE]' \
    --xclient-reverse-name '[UNAVAILABLE]' --to bob@example.com --add-header "$FORGED_AR" \
    --add-header "$FORGED_AR"
e2e_smtp mta-temp "$IN_PORT" --xclient-addr 192.0.2.14 --xclient-name '[TEMPUNAVAIL]' \
    --xclient-reverse-name '[TEMPUNAVAIL]' --to bob@example.com
e2e_smtp sub-auth "$OUT_PORT" --xclient-addr 198.51.100.20 --xclient-login alice \
    --to bob@example.com --add-header "Authentication-Results: submit.example.com; iprev=pass"
e2e_smtp sub-anon "$OUT_PORT" --xclient-addr 192.0.2.10 --xclient-name good.example.test \
    --to bob@example.com
# Forged results for our authserv-id, spelled every way RFC 8601's grammar allows (and some it
# does not: what cannot be read goes too), next to results that only look like ours.
AR=Authentication-Results
e2e_smtp ar-variants "$IN_PORT" --xclient-addr 192.0.2.10 --xclient-name good.example.test \
    --xclient-reverse-name good.example.test --to bob@example.com \
    --add-header "$AR: (a\\) b) mx.relaywarden.test; iprev=pass" \
    --add-header "$AR: \"mx.relay\\warden.test\"; iprev=pass" \
    --add-header "$AR: MX.Relaywarden.TEST.; iprev=pass" \
    --add-header "authentication-results: mx.relaywarden.test; iprev=pass" \
    --add-header "AUTHENTICATION-RESULTS: \"mx.relaywarden.test\" ; iprev=pass" \
    --add-header "$AR: (c)"$'\n\t'"(d\\) e) mx.relaywarden.test 1; iprev=pass" \
    --add-header "$AR: (unterminated mx.relaywarden.test; iprev=pass" \
    --add-header "$AR: mx.relaywarden.test/x; iprev=pass" \
    --add-header "$AR: mx.relaywarden.test.evil.test; iprev=pass" \
    --add-header "$AR: xmx.relaywarden.test; iprev=pass" \
    --add-header "$AR: other.example; iprev=pass policy.authserv=mx.relaywarden.test" \
    --add-header "$AR: (mx.relaywarden.test) other.example; spf=pass" \
    --add-header "X-Unrelated: (a\\) b) mx.relaywarden.test; iprev=pass"

# Stamp headers the client wrote: every header named like the listener's stamp goes, in any
# case and spelling, whether or not the session is stamped; look-alike names stay. Mixed with
# Authentication-Results, so that the two sets of header indexes must not disturb each other.
SH=X-Relaywarden-RDNS
e2e_smtp stamp-forged "$IN_PORT" --xclient-addr 192.0.2.10 --xclient-name good.example.test \
    --xclient-reverse-name good.example.test --to bob@example.com \
    --add-header "$AR: other.example; spf=pass" \
    --add-header "$SH: 192.0.2.10 verified forged.example" \
    --add-header "$AR: mx.relaywarden.test; iprev=pass" \
    --add-header "x-relaywarden-rdns: 192.0.2.10 verified lower.example" \
    --add-header "$AR: xmx.relaywarden.test; iprev=pass" \
    --add-header "$SH : 192.0.2.10 verified spaced.example" \
    --add-header "X-RELAYWARDEN-RDNS: 192.0.2.10 verified upper.example" \
    --add-header "$SH-Extra: keep me" --add-header "X-Unrelated: keep me too"
e2e_smtp submit-stamp-forged "$OUT_PORT" --xclient-addr 192.0.2.10 \
    --xclient-name good.example.test --to bob@example.com \
    --add-header "X-Submit-RDNS: 192.0.2.10 verified forged.example" \
    --add-header "x-submit-rdns: 192.0.2.10 verified lower.example" \
    --add-header "X-Unrelated: keep me"
e2e_smtp submit-auth-stamp-forged "$OUT_PORT" --xclient-addr 198.51.100.20 --xclient-login alice \
    --to bob@example.com --add-header "X-Submit-RDNS: 198.51.100.20 verified forged.example" \
    --add-header "X-SUBMIT-RDNS: 198.51.100.20 verified upper.example"
# CB_MAX_FORGED (64) of each name are removed; one more and the message is tempfailed rather
# than passed half-cleaned.
many() { # NAME COUNT HEADER-PREFIX: COUNT numbered headers
    local i args=()
    for i in $(seq 1 "$2"); do args+=(--add-header "$3 $i"); done
    e2e_smtp "$1" "$IN_PORT" --xclient-addr 192.0.2.10 --xclient-name good.example.test \
        --xclient-reverse-name good.example.test --to bob@example.com "${args[@]}" \
        --add-header "X-Unrelated: keep me"
}
many stamps-63 63 "$SH: forged"
many stamps-64 64 "$SH: forged"
many stamps-65 65 "$SH: forged"
many ar-63 63 "$AR: mx.relaywarden.test; iprev=pass n="
many ar-64 64 "$AR: mx.relaywarden.test; iprev=pass n="
many ar-65 65 "$AR: mx.relaywarden.test; iprev=pass n="

# stamped NAME HEADER WANT: the message has exactly one HEADER (in any case, with or without
# white space before the colon), the first header after the sink's own Received:, with the
# value WANT.
stamped() {
    local f first n
    e2e_delivered "$1" >/dev/null
    f=$(grep -l "^X-Test-Name: $1\$" "$T"/sink/msg.* | head -1)
    [ -n "$f" ] || { e2e_fail "$1: not delivered"; return; }
    # The sink's dump: X-* envelope lines, smtp-sink's Received (3 lines), then the message.
    first=$(awk '/^Received: .*smtp-sink|^\tby smtp-sink/ {skip=1; next} skip && /^\t/ {next} skip {print; exit}' "$f")
    n=$(grep -ciE "^$2[[:blank:]]*:" "$f")
    if [ "$n" = 1 ] && [ "$first" = "$2: $3" ]; then
        e2e_pass "$1: one $2 on top: $3"
    else
        e2e_fail "$1: $n $2 header(s), first header '$first', want '$2: $3'" "$f"
    fi
}
stamped mta-ok X-Relaywarden-RDNS "192.0.2.10 verified good.example.test"
stamped mta-fail X-Relaywarden-RDNS "192.0.2.13 unverified (no PTR record)"
# TEMP is "RDNS failed", and the policy quarantines that: held, stamped, not delivered.
e2e_log mta-temp "quarantine: stage=mail rule=[^ ]*rules:8 .*client=[^ ]*\[192.0.2.14\]"
held_stamp() { # ADDRESS WANT: the held message from ADDRESS carries the stamp WANT
    local id
    for i in $(seq 1 "$E2E_WAIT"); do
        id=$(postqueue -c "$PF_DIR" -j 2>/dev/null | grep '"queue_name": *"hold"' |
            sed 's/.*"queue_id": *"\([0-9A-F]*\)".*/\1/' | while read -r q; do
                postcat -c "$PF_DIR" -hq "$q" 2>/dev/null | grep -q "^X-Relaywarden-RDNS: $1 " && echo "$q"
            done | head -1)
        [ -n "$id" ] && break
        sleep 0.1
    done
    if [ -n "$id" ] && postcat -c "$PF_DIR" -hq "$id" | grep -qxF "X-Relaywarden-RDNS: $2"; then
        e2e_pass "held message from $1 is stamped: $2"
    else
        e2e_fail "no held message from $1 stamped '$2'" "$T/maillog"
    fi
}
held_stamp 192.0.2.14 "192.0.2.14 RDNS failed (temporary lookup failure)"
stamped sub-anon X-Submit-RDNS "192.0.2.10 verified good.example.test"
f=$(grep -l "^X-Test-Name: mta-ok\$" "$T"/sink/msg.*)
ar=$(grep -c '^Authentication-Results: mx.relaywarden.test;' "$f")
[ "$ar" = 1 ] && grep -q '^Authentication-Results: mx.relaywarden.test; iprev=pass smtp.remote-ip=192.0.2.10 policy.iprev=192.0.2.10 (good.example.test)$' "$f" &&
    e2e_pass "mta-ok: the forged Authentication-Results is gone, ours says iprev=pass" ||
    e2e_fail "mta-ok: $ar Authentication-Results for our authserv-id" "$f"
grep -q "^$OTHER_AR\$" "$f" && e2e_pass "mta-ok: another authserv-id's result is kept" ||
    e2e_fail "mta-ok: other.example's result was removed" "$f"
f=$(grep -l "^X-Test-Name: mta-fail\$" "$T"/sink/msg.*)
[ "$(grep -c '^Authentication-Results: mx.relaywarden.test;' "$f")" = 1 ] &&
    grep -q 'iprev=permerror' "$f" && e2e_pass "mta-fail: both forgeries gone, iprev=permerror" ||
    e2e_fail "mta-fail: forged results left or wrong result" "$f"
f=$(grep -l "^X-Test-Name: sub-auth\$" "$T"/sink/msg.*)
grep -qE '^(X-Submit-RDNS|Authentication-Results):' "$f" &&
    e2e_fail "sub-auth: an authenticated submission was stamped" "$f" ||
    e2e_pass "sub-auth: authenticated submission not stamped (stamp unauthenticated)"
grep -q '^Authentication-Results: submit.example.com' \
    "$(grep -l "^X-Test-Name: sub-auth\$" "$T"/sink/msg.*)" &&
    e2e_fail "sub-auth: a forged result for our authserv-id got through unstamped" ||
    e2e_pass "sub-auth: the forged result is removed even though the message is not stamped"
grep -q '^Authentication-Results: submit.example.com; iprev=pass' \
    "$(grep -l "^X-Test-Name: sub-anon\$" "$T"/sink/msg.*)" &&
    e2e_pass "sub-anon: the listener's authserv-id is used" ||
    e2e_fail "sub-anon: authserv-id submit.example.com missing"
# ar-variants: only ours and the four look-alikes remain, and the unrelated header.
e2e_delivered ar-variants
f=$(grep -l "^X-Test-Name: ar-variants\$" "$T"/sink/msg.*)
got=$(grep -i '^Authentication-Results:' "$f" | sort)
want=$(sort <<WANT
Authentication-Results: (mx.relaywarden.test) other.example; spf=pass
Authentication-Results: mx.relaywarden.test.evil.test; iprev=pass
Authentication-Results: mx.relaywarden.test; iprev=pass smtp.remote-ip=192.0.2.10 policy.iprev=192.0.2.10 (good.example.test)
Authentication-Results: other.example; iprev=pass policy.authserv=mx.relaywarden.test
Authentication-Results: xmx.relaywarden.test; iprev=pass
WANT
)
[ "$got" = "$want" ] && e2e_pass "ar-variants: every spelling of our authserv-id removed, look-alikes kept" ||
    e2e_fail "ar-variants: Authentication-Results left: $got" "$f"
grep -qF 'X-Unrelated: (a\) b) mx.relaywarden.test; iprev=pass' "$f" &&
    e2e_pass "ar-variants: an unrelated header with the same text is kept" ||
    e2e_fail "ar-variants: X-Unrelated was removed" "$f"

# Client-sent stamps: only ours is left, look-alikes and unrelated headers are kept.
stamped stamp-forged X-Relaywarden-RDNS "192.0.2.10 verified good.example.test"
f=$(grep -l "^X-Test-Name: stamp-forged\$" "$T"/sink/msg.*)
got=$(grep -i '^Authentication-Results:' "$f" | sort)
want=$(sort <<WANT
Authentication-Results: mx.relaywarden.test; iprev=pass smtp.remote-ip=192.0.2.10 policy.iprev=192.0.2.10 (good.example.test)
Authentication-Results: other.example; spf=pass
Authentication-Results: xmx.relaywarden.test; iprev=pass
WANT
)
[ "$got" = "$want" ] && e2e_pass "stamp-forged: the right Authentication-Results removed among the stamps" ||
    e2e_fail "stamp-forged: Authentication-Results left: $got" "$f"
grep -q '^X-Relaywarden-RDNS-Extra: keep me$' "$f" && grep -q '^X-Unrelated: keep me too$' "$f" &&
    e2e_pass "stamp-forged: a look-alike name and an unrelated header are kept" ||
    e2e_fail "stamp-forged: X-Relaywarden-RDNS-Extra or X-Unrelated removed" "$f"
stamped submit-stamp-forged X-Submit-RDNS "192.0.2.10 verified good.example.test"
grep -q '^X-Unrelated: keep me$' "$(grep -l "^X-Test-Name: submit-stamp-forged\$" "$T"/sink/msg.*)" &&
    e2e_pass "submit-stamp-forged: the unrelated header is kept" ||
    e2e_fail "submit-stamp-forged: X-Unrelated removed"
e2e_delivered submit-auth-stamp-forged
grep -qi '^X-Submit-RDNS' "$(grep -l "^X-Test-Name: submit-auth-stamp-forged\$" "$T"/sink/msg.*)" &&
    e2e_fail "submit-auth-stamp-forged: a client's X-Submit-RDNS got through an unstamped session" ||
    e2e_pass "submit-auth-stamp-forged: client stamps removed although the session is not stamped"
# The limit, at 63, 64 and 65 headers of each kind.
for kind in stamps ar; do
    for n in 63 64; do
        stamped $kind-$n X-Relaywarden-RDNS "192.0.2.10 verified good.example.test"
        f=$(grep -l "^X-Test-Name: $kind-$n\$" "$T"/sink/msg.*)
        [ "$(grep -ci '^Authentication-Results:' "$f")" = 1 ] && grep -q '^X-Unrelated: keep me$' "$f" &&
            e2e_pass "$kind-$n: all $n removed, ours and the unrelated header there" ||
            e2e_fail "$kind-$n: forged headers left or X-Unrelated gone" "$f"
    done
    e2e_expect_reply $kind-65 "451 4.3.0"
done
e2e_log stamps-65 "tempfail: stage=content .*too many headers named like our stamp"
e2e_log ar-65 "tempfail: stage=content .*too many Authentication-Results claiming our authserv-id"
for name in stamps-65 ar-65; do # (the hold queue has messages of its own: check the sink)
    grep -ls "^X-Test-Name: $name\$" "$T"/sink/msg.* >/dev/null &&
        e2e_fail "$name: delivered half-cleaned" || e2e_pass "$name: not delivered"
done

# The MTA cannot say FORGED through XCLIENT (Postfix maps its values to OK, FAIL and TEMP
# only), so the milter protocol carries it: relaywarden must stamp FORGED as unverified.
cat >"$T/forged.lua" <<LUA
local conn = mt.connect("inet:$MILTER_PORT@127.0.0.1")
mt.macro(conn, SMFIC_CONNECT, "{daemon_name}", "inbound", "{client_resolve}", "FORGED",
         "{client_ptr}", "liar.example.test", "{client_name}", "unknown", "j", "mx.relaywarden.test")
if mt.conninfo(conn, "unknown", "192.0.2.50") ~= nil then error("conninfo") end
if mt.mailfrom(conn, "<a@remote.test>") ~= nil then error("mail") end
if mt.rcptto(conn, "<bob@example.com>") ~= nil then error("rcpt") end
if mt.header(conn, "Subject", "forged") ~= nil then error("header") end
if mt.eoh(conn) ~= nil then error("eoh") end
-- no body: relaywarden negotiated SMFIP_NOBODY, having no content rules
if mt.eom(conn) ~= nil then error("eom") end
if not mt.eom_check(conn, MT_HDRINSERT, "X-Relaywarden-RDNS",
    "192.0.2.50 unverified (ptr=liar.example.test does not resolve back)") then
    error("no unverified stamp")
end
if not mt.eom_check(conn, MT_HDRINSERT, "Authentication-Results",
    "mx.relaywarden.test; iprev=fail smtp.remote-ip=192.0.2.50 policy.iprev=192.0.2.50 (liar.example.test does not resolve back)") then
    error("no iprev=fail")
end
mt.disconnect(conn)
LUA
if miltertest -s "$T/forged.lua" >"$T/forged.out" 2>&1; then
    e2e_pass "FORGED from the MTA: stamped unverified, iprev=fail"
else
    e2e_fail "FORGED from the MTA" "$T/forged.out"
fi

# Now relaywarden's own lookups, against dnsmasq (SIGHUP installs lookup always).
sed -e "s/@DNS@/127.0.0.1:$DNS_PORT/" -e "s/@LOOKUP@/always/" \
    "$top_srcdir/tests/rules/e2e-rdns.rules.in" >"$TT/rules"
kill -HUP "$RW_PID"
e2e_log hup "rules reloaded from $TT/rules"
e2e_smtp own-good "$IN_PORT" --xclient-addr 192.0.2.10 --to bob@example.com
e2e_smtp own-elsewhere "$IN_PORT" --xclient-addr 192.0.2.12 --to bob@example.com
e2e_smtp own-noaddr "$IN_PORT" --xclient-addr 192.0.2.11 --to bob@example.com
e2e_smtp own-servfail "$IN_PORT" --xclient-addr 198.51.100.7 --to bob@example.com
e2e_smtp own-two-ptr "$IN_PORT" --xclient-addr 192.0.2.20 --to bob@example.com
e2e_smtp own-two-ptr-rev "$IN_PORT" --xclient-addr 192.0.2.21 --to bob@example.com
e2e_smtp own-two-ptr-none "$IN_PORT" --xclient-addr 192.0.2.22 --to bob@example.com
stamped own-good X-Relaywarden-RDNS "192.0.2.10 verified good.example.test"
stamped own-elsewhere X-Relaywarden-RDNS "192.0.2.12 unverified (ptr=elsewhere.example.test does not resolve back)"
stamped own-noaddr X-Relaywarden-RDNS "192.0.2.11 unverified (ptr=noaddr.example.test has no address record)"
stamped own-two-ptr X-Relaywarden-RDNS "192.0.2.20 verified match20.example.test"
stamped own-two-ptr-rev X-Relaywarden-RDNS "192.0.2.21 verified match21.example.test"
stamped own-two-ptr-none X-Relaywarden-RDNS "192.0.2.22 unverified (ptr=$FIRST22 does not resolve back; none of 2 PTR names resolves back)"
f=$(grep -l "^X-Test-Name: own-two-ptr\$" "$T"/sink/msg.*)
grep -q '^Authentication-Results: mx.relaywarden.test; iprev=pass smtp.remote-ip=192.0.2.20 policy.iprev=192.0.2.20 (match20.example.test)$' "$f" &&
    e2e_pass "own-two-ptr: iprev=pass names the confirming PTR name" ||
    e2e_fail "own-two-ptr: no iprev=pass for match20.example.test" "$f"
# rdns failed -> quarantine (mail quarantine rdns failed): held, not delivered.
e2e_expect_reply own-servfail "250 2.0.0 Ok: queued"
e2e_log own-servfail "quarantine: stage=mail rule=[^ ]*rules:8 .*client=[^ ]*\[198.51.100.7\]"
held_stamp 198.51.100.7 "198.51.100.7 RDNS failed (SERVFAIL)"
e2e_done
