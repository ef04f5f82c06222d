#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# geoip.sh - GeoIP through a real Postfix: XCLIENT ADDR= picks the client's country in small
# databases written here (tests/geoip/mkdb.pl); a country refused, an AS refused, the login
# country lock at MAIL (XCLIENT LOGIN=), the stamp at the sink with a client's forged copy gone,
# a database truncated and overwritten in place while open (decisions unchanged), SIGHUP after
# the files are replaced by rename (new data), a reopen that fails (old data kept, the log
# says why), and a missing database at load and in -n.
. "$(dirname "$0")/lib.sh"
e2e_require postfix smtp-sink swaks mmdblookup
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

# The trial looks --client up in the same databases (IPv6 here: this Postfix listens on IPv4
# only and refuses an IPv6 XCLIENT ADDR); --country stands in for their answer.
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
e2e_done
