#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# sendmail.sh - relaywarden attached to a real Sendmail (8.17, unpacked from Debian's .debs by
# contrib/install-deps.sh because it conflicts with the postfix package), on 127.0.0.1 with
# DAEMON_OPTIONS(Name=inbound) and INPUT_MAIL_FILTER. Sendmail's own relay checks are opened
# (promiscuous_relay) so that relaywarden alone decides; an smtp-sink is the smart host.
# Sendmail resolves its own host name at start, and sleeps 60 s when it cannot qualify a short
# one. In namespaces of its own (network: only a loopback interface; UTS: a fully qualified
# host name) it needs no resolver at all, and no packet of this test can leave 127.0.0.1.
if [ -z "${RW_IN_NETNS:-}" ]; then
    if ! command -v unshare >/dev/null || ! command -v ip >/dev/null; then
        echo "SKIP: needs unshare (util-linux) and ip (iproute2)" >&2
        exit 77
    fi
    exec unshare --net --uts env RW_IN_NETNS=1 \
        bash -c 'ip link set lo up && hostname mx.sendmail.test && exec bash "$0"' "$0"
fi
. "$(dirname "$0")/lib.sh"
SM_DIR=${SENDMAIL_DIR:-/var/cache/relaywarden-test/sendmail}
if [ ! -x "$SM_DIR/sendmail" ]; then
    echo "SKIP: no unpacked Sendmail in $SM_DIR (run contrib/install-deps.sh as root)" >&2
    exit 77
fi
e2e_require smtp-sink swaks m4
T=$(mktemp -d /tmp/relaywarden-sendmail.XXXXXX)
chmod 755 "$T"
SM_PID=
trap '[ -n "$SM_PID" ] && kill "$SM_PID" 2>/dev/null; e2e_cleanup' EXIT
e2e_pick_port SINK_PORT
e2e_pick_port SM_PORT
mkdir -p "$T/sink" "$T/mqueue" && chown nobody "$T/sink" && chmod 700 "$T/mqueue"
smtp-sink -u nobody -d "$T/sink/msg." "127.0.0.1:$SINK_PORT" 16 &
SINK_PID=$!
e2e_start_relaywarden "$top_srcdir/tests/rules/e2e-sendmail.rules"
CF=$SM_DIR/root/usr/share/sendmail/cf
cat >"$T/test.mc" <<MC
divert(-1)
divert(0)dnl
OSTYPE(\`linux')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confDOMAIN_NAME', \`mx.sendmail.test')dnl
define(\`QUEUE_DIR', \`$T/mqueue')dnl
define(\`confPID_FILE', \`$T/sendmail.pid')dnl
define(\`STATUS_FILE', \`$T/statistics')dnl
define(\`ALIAS_FILE', \`')dnl
define(\`confHELP_FILE', \`')dnl
define(\`confCW_FILE', \`')dnl
define(\`confHOST_STATUS_DIRECTORY', \`')dnl
define(\`confDEF_USER_ID', \`nobody:nogroup')dnl
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')dnl
define(\`SMART_HOST', \`relay:[127.0.0.1]')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $SINK_PORT')dnl
define(\`confMILTER_MACROS_CONNECT', \`j, _, {daemon_name}, {client_addr}, {client_name}, {client_ptr}, {client_resolve}')dnl
define(\`confMILTER_MACROS_ENVFROM', \`i, {auth_type}, {auth_authen}, {auth_author}, {mail_addr}, {tls_version}')dnl
DAEMON_OPTIONS(\`Port=$SM_PORT, Addr=127.0.0.1, Name=inbound')dnl
INPUT_MAIL_FILTER(\`relaywarden', \`S=inet:$MILTER_PORT@127.0.0.1, F=T, T=C:10s;S:10s;R:10s;E:30s')dnl
FEATURE(\`promiscuous_relay')dnl
FEATURE(\`accept_unqualified_senders')dnl
FEATURE(\`accept_unresolvable_domains')dnl
FEATURE(\`nocanonify')dnl
MAILER(\`smtp')dnl
MC
m4 -D_CF_DIR_="$CF/" "$CF/m4/cf.m4" "$T/test.mc" >"$T/test.cf" 2>"$T/m4.log" ||
    { e2e_fail "m4 could not build the Sendmail configuration" "$T/m4.log"; exit 1; }
LD_LIBRARY_PATH=$SM_DIR/root/usr/lib/x86_64-linux-gnu "$SM_DIR/sendmail" -bd -C "$T/test.cf" \
    -X "$T/smtp-trace" >"$T/sendmail.out" 2>&1
e2e_wait_port "$SM_PORT" || { e2e_fail "Sendmail did not start" "$T/sendmail.out"; exit 1; }
SM_PID=$(head -1 "$T/sendmail.pid")

FORGED_AR="Authentication-Results: mx.sendmail.test; iprev=pass policy.iprev=192.0.2.1"
e2e_smtp sm-inbound "$SM_PORT" --from news@remote.test --to bob@example.com \
    --header "From: News <news@remote.test>" --add-header "$FORGED_AR" \
    --add-header "X-Relaywarden-RDNS: 127.0.0.1 verified forged.example" \
    --add-header "Authentication-Results: other.example; spf=pass" \
    --add-header "x-relaywarden-rdns: 127.0.0.1 verified lower.example" \
    --add-header "Authentication-Results: (a\\) b) MX.Sendmail.Test.; iprev=pass"
e2e_expect_reply sm-inbound "250 2.0.0 .* Message accepted for delivery"
e2e_smtp sm-relay "$SM_PORT" --from spam@remote.test --to victim@elsewhere.test
e2e_expect_reply sm-relay "550 5.7.1 <victim@elsewhere.test>... relaying denied"
e2e_smtp sm-percent "$SM_PORT" --from spam@remote.test --to 'victim%elsewhere.test@example.com'
e2e_expect_reply sm-percent "550 5.7.1 .*relaying denied"
e2e_smtp sm-mixed "$SM_PORT" --from news@remote.test --to carol@example.org,victim@elsewhere.test \
    --header "From: news@remote.test"
e2e_expect_reply sm-mixed "550 5.7.1 <victim@elsewhere.test>... relaying denied"
e2e_expect_reply sm-mixed "250 2.0.0 .* Message accepted for delivery"
e2e_smtp sm-spoof-env "$SM_PORT" --from ceo@example.com --to bob@example.com
e2e_expect_reply sm-spoof-env "550 5.7.1 .*our domain, not from our servers"
e2e_smtp sm-spoof-hdr "$SM_PORT" --from news@remote.test --to bob@example.com \
    --header "From: CEO <ceo@example.com>"
e2e_expect_reply sm-spoof-hdr "550 5.7.1 forged From: of our domain"
e2e_smtp sm-quarantine "$SM_PORT" --from spam@suspect.test --to bob@example.com \
    --header "From: spam@suspect.test"
e2e_expect_reply sm-quarantine "250 2.0.0 .* Message accepted for delivery"

e2e_delivered sm-inbound bob@example.com
e2e_delivered sm-mixed carol@example.org
if grep -l "^X-Test-Name: sm-mixed$" "$T"/sink/msg.* | xargs grep -qi "^X-Rcpt-Args: <victim@"; then
    e2e_fail "sm-mixed: the refused recipient was delivered too"
else
    e2e_pass "sm-mixed: the refused recipient was not delivered"
fi
f=$(grep -l "^X-Test-Name: sm-inbound$" "$T"/sink/msg.* | head -1)
first=$(awk '/^Received: .*smtp-sink|^\tby smtp-sink/ {skip=1; next} skip && /^\t/ {next} skip {print; exit}' "$f")
[ "$first" = "X-Relaywarden-RDNS: 127.0.0.1 verified localhost" ] &&
    e2e_pass "sm-inbound: stamped on top from Sendmail's {client_resolve}" ||
    e2e_fail "sm-inbound: first header is '$first'" "$f"
[ "$(grep -c '^Authentication-Results: mx.sendmail.test;' "$f")" = 1 ] &&
    grep -q '^Authentication-Results: mx.sendmail.test; iprev=pass smtp.remote-ip=127.0.0.1' "$f" &&
    grep -q '^Authentication-Results: other.example; spf=pass$' "$f" &&
    [ "$(grep -ci '^Authentication-Results:' "$f")" = 2 ] &&
    e2e_pass "sm-inbound: forged results gone, another's kept, ours for Sendmail's \$j" ||
    e2e_fail "sm-inbound: Authentication-Results wrong" "$f"
[ "$(grep -ci '^X-Relaywarden-RDNS:' "$f")" = 1 ] &&
    e2e_pass "sm-inbound: the client's stamps are gone (Sendmail numbers headers as we do)" ||
    e2e_fail "sm-inbound: client-sent X-Relaywarden-RDNS left" "$f"
for n in sm-relay sm-percent sm-spoof-env sm-spoof-hdr sm-quarantine; do
    grep -ls "^X-Test-Name: $n\$" "$T"/sink/msg.* >/dev/null 2>&1 &&
        e2e_fail "$n: reached the sink" || e2e_pass "$n: not delivered"
done
# Sendmail quarantines into hf* queue files, with the reason on the q line.
for i in $(seq 1 "$E2E_WAIT"); do ls "$T"/mqueue/hf* >/dev/null 2>&1 && break; sleep 0.1; done
if grep -qs '^qsuspect sender' "$T"/mqueue/hf*; then
    e2e_pass "sm-quarantine: held in Sendmail's quarantine with the rule's reason"
else
    e2e_fail "sm-quarantine: no quarantined queue file" "$T/relaywarden.log"
fi
# Sendmail has the queue id at MAIL: decision lines carry it.
e2e_log sm-log "^relaywarden\[[0-9]+\]: [0-9A-Za-z]{14}: reject: stage=rcpt rule=[^ ]*e2e-sendmail.rules:9 listener=inbound client=localhost\[127.0.0.1\] auth=- from=<spam@remote.test> to=<victim@elsewhere.test> reason=\"5.7.1 relaying denied\""
e2e_done
