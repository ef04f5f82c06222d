#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# geoip.sh - GeoIP through a real Postfix: XCLIENT ADDR= picks the client's country in small
# databases written here (tests/geoip/mkdb.pl); a country refused, an AS refused, the login
# country lock at MAIL (XCLIENT LOGIN=), the stamp at the sink with a client's forged copy gone,
# IPv6 clients the same way (XCLIENT ADDR=IPV6:, the private Postfix speaking IPv6: refused,
# passed and stamped, client= and country= asn= in the decision lines) and a limit by
# client/32/64 that the addresses of one /64 share, a database truncated and overwritten in
# place while open (decisions unchanged), SIGHUP after the files are replaced by rename (new
# data), a reopen that fails (old data kept, the log says why), a missing database at load
# and in -n, and the GeoIP counters of the metrics file (lookups per database and result,
# reopens) moving by exactly what a scripted run should.
. "$(dirname "$0")/lib.sh"
e2e_require postfix smtp-sink swaks mmdblookup promtool
if ! perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null; then
    echo "SKIP: needs MaxMind::DB::Writer (apt-get install libmaxmind-db-writer-perl)" >&2
    exit 77
fi
MKDB="$top_srcdir/tests/geoip/mkdb.pl"
G=$(mktemp -d /tmp/relaywarden-geoip.XXXXXX)
chmod 755 "$G"
perl "$MKDB" country 1 "$G/country.mmdb" && perl "$MKDB" asn 1 "$G/asn.mmdb" || exit 1
sed "s|@DBDIR@|$G|g" "$top_srcdir/tests/rules/e2e-geoip.rules.in" >"$G/rules"

# mmdblookup (libmaxminddb's own tool) reads what mkdb.pl wrote.
if mmdblookup --file "$G/country.mmdb" --ip 127.0.0.10 country iso_code | grep -q '"DE"' &&
    mmdblookup --file "$G/asn.mmdb" --ip 2001:db8:de::1 autonomous_system_number | grep -q 3320
then
    echo "ok - mmdblookup reads the test databases"
else
    echo "not ok - mmdblookup cannot read the test databases"
    exit 1
fi

E2E_RW_ARGS="-m $G/m.prom -M 1"
# IPv6 clients through XCLIENT ADDR=IPV6:...: Postfix takes one only when it speaks IPv6 itself
# (it still listens on 127.0.0.1 alone), and relays for one only in mynetworks (relaywarden alone
# decides, as for IPv4); a third listener holds the per-/64 limit.
E2E_INET_PROTOCOLS=all
E2E_MYNETWORKS="0.0.0.0/0 [::]/0"
e2e_pick_port LIM_PORT
E2E_EXTRA_MASTER="127.0.0.1:$LIM_PORT inet n - n - - smtpd -o milter_macro_daemon_name=limited"
e2e_start "$G/rules"
trap 'e2e_cleanup; rm -rf "$G"' EXIT

# stamp NAME HEADER WANT: the sink's copy of NAME has exactly one HEADER, and it says WANT.
stamp() {
    local f n i
    for i in $(seq 1 "$E2E_WAIT"); do
        f=$(grep -l "^X-Test-Name: $1\$" "$T"/sink/msg.* 2>/dev/null | head -1)
        [ -n "$f" ] && break
        sleep 0.1
    done
    n=$(grep -ci "^$2:" "$f" 2>/dev/null)
    if [ -n "$f" ] && [ "$n" = 1 ] && grep -qx "$2: $3" "$f"; then
        e2e_pass "$1: one $2: $3"
    else
        e2e_fail "$1: want one '$2: $3', got $n" "$f"
    fi
}

# Inbound: the client's country and network decide; every message is stamped.
e2e_smtp in-de "$IN_PORT" --xclient-addr 127.0.0.10 --from a@remote.test --to bob@example.com \
    --header "X-Relaywarden-GeoIP: country=US asn=1"
e2e_expect_reply in-de "250 2.0.0 Ok: queued"
stamp in-de X-Relaywarden-GeoIP "country=DE asn=3320"
e2e_smtp in-ru "$IN_PORT" --xclient-addr 127.0.0.40 --from a@remote.test --to bob@example.com
e2e_expect_reply in-ru "554 .*not accepting connections" # Postfix's own text at connect
e2e_log in-ru "reject: stage=connect .*client=[^ ]*\[127\.0\.0\.40\] .*reason=\"5\.7\.1 not accepted from your country\" country=RU asn=12389"
e2e_smtp in-us "$IN_PORT" --xclient-addr 127.0.0.20 --from a@remote.test --to bob@example.com
e2e_expect_reply in-us "550 5.7.1 not accepted from your network"
e2e_smtp in-unknown "$IN_PORT" --xclient-addr 127.0.0.99 --from a@remote.test \
    --to bob@example.com
e2e_expect_reply in-unknown "250 2.0.0 Ok: queued"
stamp in-unknown X-Relaywarden-GeoIP "country=unknown asn=unknown"

# A database truncated, then overwritten in place (cp, curl -o: the same inode) while it is
# open: the daemon maps a private copy made at open, so decisions stay as they were (no SIGBUS,
# no silent unknown) until SIGHUP reads the file again.
cp "$G/asn.mmdb" "$G/asn.mmdb.keep"
truncate -s 64 "$G/asn.mmdb"
e2e_smtp in-truncated "$IN_PORT" --xclient-addr 127.0.0.20 --from a@remote.test --to bob@example.com
e2e_expect_reply in-truncated "550 5.7.1 not accepted from your network"
cp "$G/country.mmdb" "$G/asn.mmdb"
e2e_smtp in-overwritten "$IN_PORT" --xclient-addr 127.0.0.20 --from a@remote.test \
    --to bob@example.com
e2e_expect_reply in-overwritten "550 5.7.1 not accepted from your network"
if kill -0 "$RW_PID" 2>/dev/null; then e2e_pass "alive after its database changed in place"; else
    e2e_fail "relaywarden died after its database changed in place" "$T/relaywarden.log"; fi
cp "$G/asn.mmdb.keep" "$G/asn.mmdb" && rm -f "$G/asn.mmdb.keep"

# Outbound: alice may send from Germany only; a stolen password used elsewhere is refused at MAIL.
e2e_smtp out-alice-de "$OUT_PORT" --xclient-addr 127.0.0.10 --xclient-login alice \
    --from alice@example.com --to friend@elsewhere.test --header "X-Geo: forged"
e2e_expect_reply out-alice-de "250 2.0.0 Ok: queued"
stamp out-alice-de X-Geo "country=DE asn=3320"
e2e_smtp out-alice-us "$OUT_PORT" --xclient-addr 127.0.0.20 --xclient-login alice \
    --from alice@example.com --to friend@elsewhere.test
e2e_expect_reply out-alice-us "550 5.7.1 login not allowed from this country"
e2e_log out-alice-us "reject: stage=mail .*\[127\.0\.0\.20\] auth=alice from=<alice@example\.com> reason=\"5\.7\.1 login not allowed from this country\" country=US asn=15169"
e2e_smtp out-app-unknown "$OUT_PORT" --xclient-addr 127.0.0.99 --xclient-login app-crm \
    --from crm@example.com --to friend@elsewhere.test
e2e_expect_reply out-app-unknown "250 2.0.0 Ok: queued"

# IPv6 clients through the real Postfix: the same rules, the decision line's client= and
# country= asn= for the IPv6 address, the stamp; and a limit by client/32/64 that counts the
# addresses of one /64 together.
V6="--xclient-addr IPV6:"
e2e_smtp in-v6-de "$IN_PORT" ${V6}2001:db8:de::7 --from a@remote.test --to bob@example.com
e2e_expect_reply in-v6-de "250 2.0.0 Ok: queued"
stamp in-v6-de X-Relaywarden-GeoIP "country=DE asn=3320"
e2e_smtp in-v6-relay "$IN_PORT" ${V6}2001:db8:de::7 --from a@remote.test --to x@foreign.test
e2e_expect_reply in-v6-relay "550 5.7.1 relaying denied"
e2e_log in-v6-relay "reject: stage=rcpt .*client=[^ ]*\[2001:db8:de::7\] auth=- from=<a@remote\.test> to=<x@foreign\.test> reason=\"5\.7\.1 relaying denied\" country=DE asn=3320"
e2e_smtp in-v6-us "$IN_PORT" ${V6}2001:db8:5::7 --from a@remote.test --to bob@example.com
e2e_expect_reply in-v6-us "550 5.7.1 not accepted from your network"
e2e_log in-v6-us "reject: stage=rcpt .*client=[^ ]*\[2001:db8:5::7\] .*reason=\"5\.7\.1 not accepted from your network\" country=US asn=15169"
e2e_smtp in-v6-unknown "$IN_PORT" ${V6}2001:db8:ffff::1 --from a@remote.test --to bob@example.com
e2e_expect_reply in-v6-unknown "250 2.0.0 Ok: queued"
stamp in-v6-unknown X-Relaywarden-GeoIP "country=unknown asn=unknown"
e2e_smtp out-alice-v6-de "$OUT_PORT" ${V6}2001:db8:de::8 --xclient-login alice \
    --from alice@example.com --to friend@elsewhere.test
e2e_expect_reply out-alice-v6-de "250 2.0.0 Ok: queued"
stamp out-alice-v6-de X-Geo "country=DE asn=3320"
e2e_smtp out-alice-v6-us "$OUT_PORT" ${V6}2001:db8:5::8 --xclient-login alice \
    --from alice@example.com --to friend@elsewhere.test
e2e_expect_reply out-alice-v6-us "550 5.7.1 login not allowed from this country"
e2e_log out-alice-v6-us "reject: stage=mail .*client=[^ ]*\[2001:db8:5::8\] auth=alice from=<alice@example\.com> reason=\"5\.7\.1 login not allowed from this country\" country=US asn=15169"
e2e_smtp out-app-v6-unknown "$OUT_PORT" ${V6}2001:db8:ffff::2 --xclient-login app-crm \
    --from crm@example.com --to friend@elsewhere.test
e2e_expect_reply out-app-v6-unknown "250 2.0.0 Ok: queued"
# Two messages per 10 minutes per /64: ::1 and ::2 of one /64 spend its budget, ::3 of the same
# /64 is refused though it sent nothing before, and an address of the next /64 passes.
e2e_smtp lim-v6-1 "$LIM_PORT" ${V6}2001:db8:de:1::1 --from a@remote.test --to bob@example.com
e2e_expect_reply lim-v6-1 "250 2.0.0 Ok: queued"
e2e_smtp lim-v6-2 "$LIM_PORT" ${V6}2001:db8:de:1::2 --from a@remote.test --to bob@example.com
e2e_expect_reply lim-v6-2 "250 2.0.0 Ok: queued"
e2e_smtp lim-v6-3 "$LIM_PORT" ${V6}2001:db8:de:1::3 --from a@remote.test --to bob@example.com
e2e_expect_reply lim-v6-3 "451 4.7.1 "
e2e_log lim-v6-3 "tempfail: stage=mail .*listener=limited client=[^ ]*\[2001:db8:de:1::3\] .*\(limit per64: 3 > 2 messages per 10m, client/32/64=2001:db8:de:1::/64, local\)\" country=DE asn=3320"
e2e_smtp lim-v6-next "$LIM_PORT" ${V6}2001:db8:de:2::1 --from a@remote.test --to bob@example.com
e2e_expect_reply lim-v6-next "250 2.0.0 Ok: queued"
e2e_delivered lim-v6-2 bob@example.com

# The trial looks --client up in the same databases; --country stands in for their answer.
"$RELAYWARDEN" -c "$G/rules" -t --listener inbound --client 2001:db8:de::7 --rdns pass \
    --from a@remote.test --to bob@example.com >"$T/trial-v6.out" 2>&1
if grep -q "^result: accept" "$T/trial-v6.out" &&
    "$RELAYWARDEN" -c "$G/rules" -t --listener inbound --client 2001:db8:5::7 --rdns pass \
        --from a@remote.test --to bob@example.com >>"$T/trial-v6.out" 2>&1
then
    e2e_fail "trial: 2001:db8:5::7 (US, AS15169) passed" "$T/trial-v6.out"
elif grep -q 'reason="5.7.1 not accepted from your network" country=US asn=15169' "$T/trial-v6.out"
then
    e2e_pass "trial: IPv6 clients looked up (DE passes, US network refused)"
else
    e2e_fail "trial: IPv6 lookups" "$T/trial-v6.out"
fi
"$RELAYWARDEN" -c "$G/rules" -t --listener inbound --client 127.0.0.10 --country RU --rdns pass \
    --from a@remote.test --to bob@example.com >"$T/trial-ru.out" 2>&1
if grep -q 'stage=connect .*country=RU asn=3320' "$T/trial-ru.out"; then
    e2e_pass "trial: --country overrides the database, the ASN still looked up"
else
    e2e_fail "trial: --country" "$T/trial-ru.out"
fi

# geoipupdate's way: a new file renamed over the old one, then SIGHUP. 127.0.0.10 moves to FR.
perl "$MKDB" country 2 "$G/country.mmdb.new" && perl "$MKDB" asn 2 "$G/asn.mmdb.new" || exit 1
mv "$G/country.mmdb.new" "$G/country.mmdb"
mv "$G/asn.mmdb.new" "$G/asn.mmdb"
kill -HUP "$RW_PID"
e2e_log reload "rules reloaded from"
e2e_smtp in-after "$IN_PORT" --xclient-addr 127.0.0.10 --from a@remote.test --to bob@example.com
e2e_expect_reply in-after "250 2.0.0 Ok: queued"
stamp in-after X-Relaywarden-GeoIP "country=FR asn=3215"
e2e_smtp out-alice-after "$OUT_PORT" --xclient-addr 127.0.0.10 --xclient-login alice \
    --from alice@example.com --to friend@elsewhere.test
e2e_expect_reply out-alice-after "550 5.7.1 login not allowed from this country"

# A reopen that fails keeps the old rules and databases, and says why.
mv "$G/asn.mmdb" "$G/asn.mmdb.away"
kill -HUP "$RW_PID"
e2e_log reopen-fails "$G/rules:4: geoip asn \"$G/asn\.mmdb\": cannot open: No such file or directory"
e2e_log reopen-fails "reload of $G/rules failed: the old rules stay in force"
e2e_smtp in-kept "$IN_PORT" --xclient-addr 127.0.0.10 --from a@remote.test --to bob@example.com
e2e_expect_reply in-kept "250 2.0.0 Ok: queued"
stamp in-kept X-Relaywarden-GeoIP "country=FR asn=3215"

# A missing database at load, and in -n: the statement's file:line, exact.
want="$G/rules:4: geoip asn \"$G/asn.mmdb\": cannot open: No such file or directory"
got=$("$RELAYWARDEN" -n -c "$G/rules" 2>&1)
rc=$?
if [ "$rc" = 1 ] && [ "$got" = "$want" ]; then
    e2e_pass "-n: missing database"
else
    echo "$got" >"$T/n.out"
    e2e_fail "-n: missing database: exit $rc, want 1 and '$want'" "$T/n.out"
fi
"$RELAYWARDEN" -f -c "$G/rules" -p "inet:1@127.0.0.1" >"$T/start.out" 2>&1
rc=$?
if [ "$rc" != 0 ] && grep -qF "$want" "$T/start.out"; then
    e2e_pass "start: missing database refused"
else
    e2e_fail "start: missing database: exit $rc" "$T/start.out"
fi
mv "$G/asn.mmdb.away" "$G/asn.mmdb"

# The metrics: every GeoIP counter (and the reloads) moves by exactly what this run should.
# snap NAME: the textfile once rewritten after everything before it was counted (every second).
snap() {
    local t0
    t0=$(stat -c %Y "$G/m.prom")
    sleep 2.2
    [ "$(stat -c %Y "$G/m.prom")" != "$t0" ] || sleep 1
    cp "$G/m.prom" "$T/$1.prom"
}
# logged REGEX N: wait until the log has N lines matching REGEX.
logged() {
    local i
    for i in $(seq 1 50); do
        [ "$(grep -cE "$1" "$T/relaywarden.log")" -ge "$2" ] && return 0
        sleep 0.1
    done
    e2e_fail "log lacks line $2 of /$1/" "$T/relaywarden.log"
}
snap before
OKS=$(grep -c "rules reloaded from" "$T/relaywarden.log")
FAILS=$(grep -c "reload of .* failed" "$T/relaywarden.log")
# Postfix opens a milter connection for the session before XCLIENT (127.0.0.1, which neither
# database knows) and one for the session XCLIENT makes: each session is two lookups per kind.
e2e_smtp m-fr "$IN_PORT" --xclient-addr 127.0.0.10 --from a@remote.test --to bob@example.com
e2e_expect_reply m-fr "250 2.0.0 Ok: queued"
e2e_smtp m-unknown "$IN_PORT" --xclient-addr 127.0.0.99 --from a@remote.test --to bob@example.com
e2e_expect_reply m-unknown "250 2.0.0 Ok: queued"
kill -HUP "$RW_PID" # both databases reopened
logged "rules reloaded from" $((OKS + 1))
# A country database whose DE entry cannot be decoded (its "DE" made a value of no known type,
# as check_geoip_db does): it opens, and the lookup of 127.0.0.10 is an error; the ASN database
# is still asked (each database fails on its own).
perl "$MKDB" country 1 "$G/broken.mmdb" &&
    perl -0777 -pi -e 's/\x42DE/\x00\xff/' "$G/broken.mmdb" &&
    mv "$G/broken.mmdb" "$G/country.mmdb" || exit 1
kill -HUP "$RW_PID"
logged "rules reloaded from" $((OKS + 2))
e2e_smtp m-broken "$IN_PORT" --xclient-addr 127.0.0.10 --from a@remote.test --to bob@example.com
e2e_log m-broken "geoip country of the entry: a value of unknown type"
mv "$G/asn.mmdb" "$G/asn.mmdb.away" # the country database reopens, the ASN one cannot
kill -HUP "$RW_PID"
logged "reload of .* failed" $((FAILS + 1))
mv "$G/asn.mmdb.away" "$G/asn.mmdb"
snap after
cat >"$T/want" <<WANT
relaywarden_geoip_lookups_total{database="asn",result="found"} 2
relaywarden_geoip_lookups_total{database="asn",result="unknown"} 4
relaywarden_geoip_lookups_total{database="country",result="error"} 1
relaywarden_geoip_lookups_total{database="country",result="found"} 1
relaywarden_geoip_lookups_total{database="country",result="unknown"} 4
relaywarden_geoip_reopens_total{database="asn",result="failed"} 1
relaywarden_geoip_reopens_total{database="asn",result="ok"} 2
relaywarden_geoip_reopens_total{database="country",result="ok"} 3
relaywarden_reload_failures_total 1
relaywarden_reloads_total 2
WANT
# every GeoIP and reload series that moved, and by how much (a new series counts from 0)
e2e_metrics_delta "$T/before.prom" "$T/after.prom" | grep -E '^relaywarden_(geoip_|reload)' | sort >"$T/got"
if diff -u "$T/want" "$T/got" >"$T/diff"; then
    e2e_pass "metrics: every GeoIP and reload counter moved by exactly the expected amount"
else
    e2e_fail "metrics: counters moved otherwise than expected (- want, + got)" "$T/diff"
fi
promtool check metrics <"$T/after.prom" >"$T/promtool.out" 2>&1 &&
    e2e_pass "metrics: promtool check metrics passes with the GeoIP series" ||
    e2e_fail "metrics: promtool check metrics" "$T/promtool.out" "$T/after.prom"
"$RELAYWARDEN" -s -m "$G/m.prom" >"$T/show.out" 2>&1
if grep -qE '^geoip country lookups: [0-9]+ found, [0-9]+ unknown, 1 errors; reopened [0-9]+, 0 failed$' "$T/show.out" &&
    grep -qE '^geoip asn lookups: [0-9]+ found, [0-9]+ unknown, 0 errors; reopened [0-9]+, 2 failed$' "$T/show.out"
then
    e2e_pass "relaywarden -s: GeoIP lookups and reopens per database"
else
    e2e_fail "relaywarden -s: GeoIP lines" "$T/show.out"
fi

# A corrupt AS database fails the AS conditions only (hostile review): the country rules go on
# deciding. Its key "autonomous_system_number" (UTF-8 string of 24, control byte 0x58) becomes a
# pointer past the data section, so every AS lookup that finds an entry is an error.
perl "$MKDB" country 1 "$G/good.mmdb" && mv "$G/good.mmdb" "$G/country.mmdb" || exit 1
perl "$MKDB" asn 1 "$G/badasn.mmdb" &&
    perl -0777 -pi -e 's/\x58auto/\x38\xff\xff\xff\xff/' "$G/badasn.mmdb" &&
    mv "$G/badasn.mmdb" "$G/asn.mmdb" || exit 1
e2e_rw_reload
e2e_smtp asnbad-ru "$IN_PORT" --xclient-addr 127.0.0.40 --from a@remote.test --to bob@example.com
e2e_expect_reply asnbad-ru "554 .*not accepting connections"
e2e_log asnbad-ru "reject: stage=connect .*client=[^ ]*\[127\.0\.0\.40\] .*reason=\"5\.7\.1 not accepted from your country\" country=RU asn=error"
e2e_smtp asnbad-us "$IN_PORT" --xclient-addr 127.0.0.20 --from a@remote.test --to bob@example.com
e2e_expect_reply asnbad-us "451 4\.3\.0"
e2e_log asnbad-us "stage=rcpt .*client=[^ ]*\[127\.0\.0\.20\] .*geoip AS number of the entry: .*country=US asn=error"
e2e_smtp asnbad-de "$OUT_PORT" --xclient-addr 127.0.0.10 --xclient-login alice --from alice@example.com --to friend@elsewhere.test \
    --header "Subject: asnbad-de" --header "X-Test-Name: asnbad-de"
e2e_expect_reply asnbad-de "250 2.0.0 Ok: queued"
e2e_done
