#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# postfix.sh - relaywarden attached to a real, private Postfix on 127.0.0.1. XCLIENT plays
# Internet clients and authenticated logins; an smtp-sink shows what was really delivered.
. "$(dirname "$0")/lib.sh"
e2e_require postfix smtp-sink swaks postqueue
RULES_SRC=$top_srcdir/tests/rules
RULES=$(mktemp /tmp/relaywarden-e2e-rules.XXXXXX)
cp "$RULES_SRC/e2e.rules" "$RULES"
trap 'rm -f "$RULES"; e2e_cleanup' EXIT
e2e_start "$RULES"
trap 'rm -f "$RULES"; e2e_cleanup' EXIT
INET="--xclient-addr 203.0.113.5 --xclient-name mx.remote.test"

# Inbound: our domains only.
e2e_smtp in-ours "$IN_PORT" $INET --from a@remote.test --to bob@example.com
e2e_expect_reply in-ours "250 2.0.0 Ok: queued"
e2e_smtp in-relay "$IN_PORT" $INET --from a@remote.test --to victim@elsewhere.test
e2e_expect_reply in-relay "550 5.7.1 relaying denied"
e2e_smtp in-relay-auth "$IN_PORT" $INET --xclient-login alice --from alice@example.com \
    --to victim@elsewhere.test
e2e_expect_reply in-relay-auth "550 5.7.1 relaying denied"
# A probe that stops before DATA sees the refusal at RCPT.
e2e_smtp in-probe "$IN_PORT" $INET --from a@remote.test --to victim@elsewhere.test \
    --quit-after RCPT
e2e_expect_reply in-probe "550 5.7.1 relaying denied"
# Relay tricks through the real MTA: each refused at RCPT, whatever Postfix makes of it.
for t in 'victim%elsewhere.test@example.com' '"victim@elsewhere.test"@example.com' \
    'elsewhere.test!victim@example.com' '@example.com:victim@elsewhere.test' \
    'victim@[192.0.2.1]'; do
    n=trick-$(echo "$t" | tr -c 'a-z0-9' '_')
    e2e_smtp "$n" "$IN_PORT" $INET --from a@remote.test --to "$t"
    e2e_expect_reply "$n" "5[0-9][0-9] "
done
# One good and one bad recipient: only the bad one is refused.
e2e_smtp in-mixed "$IN_PORT" $INET --from a@remote.test --to carol@example.org,victim@elsewhere.test
e2e_expect_reply in-mixed "550 5.7.1 relaying denied"
e2e_expect_reply in-mixed "250 2.0.0 Ok: queued"
# Over the RFC limit: 501, and relaywarden keeps running.
long=$(printf 'a%.0s' $(seq 1 65))
e2e_smtp in-long "$IN_PORT" $INET --from a@remote.test --to "$long@example.com"
e2e_expect_reply in-long "501 5.1.3"
# A log-only rule logs and changes nothing.
e2e_smtp in-watched "$IN_PORT" $INET --from a@remote.test --to bob@watched.example.com
e2e_expect_reply in-watched "550 5.7.1 relaying denied"
e2e_log in-watched "would-reject: stage=rcpt rule=[^ ]*:11 .*to=<bob@watched.example.com>"

# Outbound: the Internet only for authenticated logins that are not application accounts.
OUT="--xclient-addr 198.51.100.7 --xclient-name laptop.example.com"
e2e_smtp out-auth "$OUT_PORT" $OUT --xclient-login alice --from alice@example.com \
    --to friend@elsewhere.test
e2e_expect_reply out-auth "250 2.0.0 Ok: queued"
e2e_smtp out-noauth "$OUT_PORT" $OUT --from alice@example.com --to friend@elsewhere.test
e2e_expect_reply out-noauth "550 5.7.1 authentication required"
e2e_smtp out-app "$OUT_PORT" $OUT --xclient-login app-crm --from crm@example.com \
    --to friend@elsewhere.test
e2e_expect_reply out-app "550 5.7.1 application accounts may only mail our own domains"
e2e_smtp out-app-inside "$OUT_PORT" $OUT --xclient-login app-crm --from crm@example.com \
    --to bob@example.com
e2e_expect_reply out-app-inside "250 2.0.0 Ok: queued"

# What reached the sink.
e2e_delivered in-ours "bob@example.com"
e2e_delivered in-mixed "carol@example.org"
e2e_delivered out-auth "friend@elsewhere.test"
e2e_delivered out-app-inside "bob@example.com"
if grep -l "^X-Test-Name: in-mixed$" "$T"/sink/msg.* | xargs grep -qi "^X-Rcpt-Args: <victim@"; then
    e2e_fail "in-mixed: the refused recipient was delivered too"
else
    e2e_pass "in-mixed: the refused recipient was not delivered"
fi
for n in in-relay in-relay-auth in-probe in-long out-noauth out-app; do
    e2e_not_delivered "$n"
done

# Log lines: one per decision, with the rule's location.
e2e_log log-relay "NOQUEUE: reject: stage=rcpt rule=[^ ]*:12 listener=inbound client=mx.remote.test\[203.0.113.5\] auth=- from=<a@remote.test> to=<victim@elsewhere.test> reason=\"5.7.1 relaying denied\""
e2e_log log-app "reject: stage=rcpt rule=[^ ]*:19 listener=outbound .* auth=app-crm "

# Quarantine: accepted, then held by Postfix, never delivered.
e2e_smtp in-quarantine "$IN_PORT" $INET --from spam@suspect.test --to bob@example.com
e2e_expect_reply in-quarantine "250 2.0.0 Ok: queued"
e2e_log in-quarantine "quarantine: stage=mail rule=[^ ]*:13 "
for i in $(seq 1 "$E2E_WAIT"); do
    postqueue -c "$PF_DIR" -j 2>/dev/null | grep -q '"queue_name": *"hold"' && break
    sleep 0.1
done
if postqueue -c "$PF_DIR" -j | grep -q '"queue_name": *"hold"'; then
    e2e_pass "in-quarantine: message is in the hold queue"
else
    e2e_fail "in-quarantine: message is not in the hold queue" "$T/maillog"
fi
postsuper -c "$PF_DIR" -d ALL hold >/dev/null 2>&1

# SIGHUP with a broken file: reported, and the old rules stay in force.
cp "$RULES_SRC/broken.rules" "$RULES"
kill -HUP "$RW_PID"
e2e_log hup-broken "$RULES:2: bad domain \"exa..mple.org\""
e2e_log hup-broken "reload of $RULES failed: the old rules stay in force"
e2e_smtp hup-broken-relay "$IN_PORT" $INET --from a@remote.test --to victim@elsewhere.test
e2e_expect_reply hup-broken-relay "550 5.7.1 relaying denied$"
# SIGHUP with a good file: new connections get the new rules.
cp "$RULES_SRC/e2e-reloaded.rules" "$RULES"
kill -HUP "$RW_PID"
e2e_log hup-good "rules reloaded from $RULES"
e2e_smtp hup-new-domain "$IN_PORT" $INET --from a@remote.test --to dave@example.net
e2e_expect_reply hup-new-domain "250 2.0.0 Ok: queued"
e2e_smtp hup-new-text "$IN_PORT" $INET --from a@remote.test --to victim@elsewhere.test
e2e_expect_reply hup-new-text "550 5.7.1 relaying denied \(reloaded\)"
e2e_delivered hup-new-domain "dave@example.net"
if kill -0 "$RW_PID" 2>/dev/null; then
    e2e_pass "relaywarden still running after all of it"
else
    e2e_fail "relaywarden died" "$T/relaywarden.log"
fi
e2e_done
