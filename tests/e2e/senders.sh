#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# senders.sh - sender binding through a real Postfix: logins own their addresses (envelope and
# header), our domains cannot be spoofed from outside, AUTH needs TLS, application accounts stay
# inside, and every transaction on a connection is checked again. STARTTLS is real (swaks --tls,
# openssl s_client); XCLIENT LOGIN= plays the SASL login.
. "$(dirname "$0")/lib.sh"
e2e_require postfix smtp-sink swaks openssl
if ! perl -MNet::SSLeay -e 1 2>/dev/null; then
    echo "SKIP: swaks needs Net::SSLeay for STARTTLS (apt-get install libnet-ssleay-perl)" >&2
    exit 77
fi
e2e_start "$top_srcdir/tests/rules/e2e-senders.rules"
USR="--tls --xclient-addr 198.51.100.7 --xclient-name laptop.example.com"
NET="--xclient-addr 203.0.113.5 --xclient-name mx.remote.test"

# Outbound: the login owns what it sends.
e2e_smtp owned "$OUT_PORT" $USR --xclient-login alice --from alice@example.com \
    --to friend@elsewhere.test --header "From: Alice <alice@example.com>"
e2e_expect_reply owned "250 2.0.0 Ok: queued"
e2e_smtp owned-alias "$OUT_PORT" $USR --xclient-login alice --from a.smith@example.com \
    --to friend@elsewhere.test --header "From: A. Smith <a.smith@example.com>"
e2e_expect_reply owned-alias "250 2.0.0 Ok: queued"
e2e_smtp delegate "$OUT_PORT" $USR --xclient-login assistant --from boss@example.com \
    --to friend@elsewhere.test --header "From: The Boss <boss@example.com>"
e2e_expect_reply delegate "250 2.0.0 Ok: queued"
e2e_smtp env-foreign "$OUT_PORT" $USR --xclient-login alice --from boss@example.com \
    --to friend@elsewhere.test
e2e_expect_reply env-foreign "553 5.7.1 sender address not owned by login"
e2e_smtp hdr-foreign "$OUT_PORT" $USR --xclient-login alice --from alice@example.com \
    --to friend@elsewhere.test --header "From: The Boss <boss@example.com>"
e2e_expect_reply hdr-foreign "550 5.7.1 From: header not owned by login"
e2e_smtp hdr-encoded "$OUT_PORT" $USR --xclient-login alice --from alice@example.com \
    --to friend@elsewhere.test --header "From: =?utf-8?q?boss=40example.com?= <alice@example.com>"
e2e_expect_reply hdr-encoded "550 5.7.1 From: header not owned by login"
e2e_smtp hdr-two-from "$OUT_PORT" $USR --xclient-login alice --from alice@example.com \
    --to friend@elsewhere.test --header "From: alice@example.com" \
    --add-header "From: alice@example.com"
e2e_expect_reply hdr-two-from "550 5.7.1 From: header not owned by login"
e2e_smtp hdr-sender-foreign "$OUT_PORT" $USR --xclient-login alice --from alice@example.com \
    --to friend@elsewhere.test --header "From: alice@example.com" \
    --add-header "Sender: boss@example.com"
e2e_expect_reply hdr-sender-foreign "550 5.7.1 From: header not owned by login"
e2e_smtp no-tls "$OUT_PORT" --xclient-addr 198.51.100.7 --xclient-login alice \
    --from alice@example.com --to friend@elsewhere.test
e2e_expect_reply no-tls "530 5.7.0 authentication requires TLS"
e2e_smtp app-outside "$OUT_PORT" $USR --xclient-login app-crm --from noreply@example.com \
    --to customer@elsewhere.test --header "From: noreply@example.com"
e2e_expect_reply app-outside "550 5.7.1 application accounts may only mail our own domains"
e2e_smtp app-inside "$OUT_PORT" $USR --xclient-login app-crm --from noreply@example.com \
    --to bob@example.com --header "From: CRM <noreply@example.com>"
e2e_expect_reply app-inside "250 2.0.0 Ok: queued"

# Inbound: nobody outside may claim our domains, in the envelope or in From:.
e2e_smtp spoof-env "$IN_PORT" $NET --from ceo@example.com --to bob@example.com
e2e_expect_reply spoof-env "550 5.7.1 our domain, not from our servers"
e2e_smtp spoof-hdr "$IN_PORT" $NET --from news@remote.test --to bob@example.com \
    --header "From: CEO <ceo@example.com>"
e2e_expect_reply spoof-hdr "550 5.7.1 forged From: of our domain"
e2e_smtp spoof-display "$IN_PORT" $NET --from news@remote.test --to bob@example.com \
    --header "From: \"ceo@example.com\" <news@remote.test>"
e2e_expect_reply spoof-display "550 5.7.1 forged From: of our domain"
e2e_smtp inbound-clean "$IN_PORT" $NET --from news@remote.test --to bob@example.com \
    --header "From: News <news@remote.test>"
e2e_expect_reply inbound-clean "250 2.0.0 Ok: queued"
e2e_smtp inbound-ournet "$IN_PORT" --xclient-addr 192.0.2.10 --from app@example.com \
    --to bob@example.com --header "From: app@example.com"
e2e_expect_reply inbound-ournet "250 2.0.0 Ok: queued"

# Two transactions on one TLS connection: the second is checked afresh.
e2e_dialog two-tx "$OUT_PORT" tls <<'SMTP'
EHLO client.test
XCLIENT ADDR=198.51.100.7 LOGIN=alice
EHLO client.test
MAIL FROM:<alice@example.com>
RCPT TO:<friend@elsewhere.test>
DATA
From: alice@example.com
X-Test-Name: two-tx-first
Subject: first

first
.
MAIL FROM:<boss@example.com>
RSET
MAIL FROM:<alice@example.com>
RCPT TO:<friend@elsewhere.test>
DATA
From: boss@example.com
X-Test-Name: two-tx-third
Subject: third

third
.
QUIT
SMTP
e2e_expect_reply two-tx "553 5.7.1 sender address not owned by login"
e2e_expect_reply two-tx "550 5.7.1 From: header not owned by login"
if [ "$(grep -c '^<-  250 2.0.0 Ok: queued' "$T/two-tx.smtp")" = 1 ]; then
    e2e_pass "two-tx: exactly the first message was queued"
else
    e2e_fail "two-tx: want exactly one message queued" "$T/two-tx.smtp"
fi

# What reached the sink, and what did not.
for n in owned owned-alias delegate app-inside inbound-clean inbound-ournet two-tx-first; do
    e2e_delivered "$n"
done
for n in env-foreign hdr-foreign hdr-encoded hdr-two-from hdr-sender-foreign no-tls app-outside \
    spoof-env spoof-hdr spoof-display two-tx-third; do
    e2e_not_delivered "$n"
done
e2e_log log-env "reject: stage=mail rule=[^ ]*e2e-senders.rules:23 listener=outbound .* auth=alice from=<boss@example.com> reason=\"5.7.1 sender address not owned by login\""
e2e_log log-hdr "reject: stage=header rule=[^ ]*e2e-senders.rules:28 .*auth=alice .*reason=\"5.7.1 From: header not owned by login \\(boss@example.com\\)\""
e2e_log log-two-from "reason=\"5.7.1 From: header not owned by login \(2 From: headers\)\""
e2e_log log-hidden "reason=\"5.7.1 From: header not owned by login \(address in a display name or comment: boss@example.com\)\""
e2e_done
