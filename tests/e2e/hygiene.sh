#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# hygiene.sh - outbound hygiene through a real Postfix: a clean message passes untouched, a
# message without Date and Message-ID reaches the sink with both added by relaywarden, a
# missing From, a repeated Subject and a 999-octet body line are refused with replies that
# name the defect (a 998-octet line passes), 8-bit header bytes are tagged without SMTPUTF8
# and not with it (the parameter reaches the milter in MAIL FROM's arguments); a From with a
# UTF-8 address passes under SMTPUTF8 (RFC 6532) and is bad-from without it; a Sender of one
# mailbox passes, one of two mailboxes or a group is refused as bad-sender.
. "$(dirname "$0")/lib.sh"
e2e_require postfix smtp-sink swaks postconf
e2e_start "$top_srcdir/tests/rules/e2e-hygiene.rules"
# SMTPUTF8 is off in lib.sh's Postfix; this test needs it announced.
postconf -c "$PF_DIR" -e smtputf8_enable=yes
e2e_postfix_reload || exit 1
USR="--tls --xclient-addr 198.51.100.7 --xclient-name app.example.com --xclient-login app"

# A message of our own: headers given, swaks adds none of its own.
msg() { # NAME HEADER... -- BODY-LINE...
    local name=$1 f=$T/$1.eml
    shift
    : >"$f"
    while [ $# -gt 0 ] && [ "$1" != -- ]; do printf '%s\r\n' "$1" >>"$f"; shift; done
    printf 'X-Test-Name: %s\r\n\r\n' "$name" >>"$f"
    shift
    while [ $# -gt 0 ]; do printf '%s\r\n' "$1" >>"$f"; shift; done
    echo "@$f"
}
DATE="Date: Thu, 03 Dec 2026 10:00:00 +0000"
MID="Message-ID: <clean.1@app.example.com>"
FROM="From: App <app@example.com>"

e2e_smtp clean "$OUT_PORT" $USR --from app@example.com --to bob@example.net \
    --data "$(msg clean "$DATE" "$MID" "$FROM" "Subject: clean" -- "hello")"
e2e_smtp nodate "$OUT_PORT" $USR --from app@example.com --to bob@example.net \
    --data "$(msg nodate "$FROM" "Subject: nodate" -- "hello")"
e2e_smtp nofrom "$OUT_PORT" $USR --from app@example.com --to bob@example.net \
    --data "$(msg nofrom "$DATE" "$MID" "Subject: nofrom" -- "hello")"
e2e_smtp dup "$OUT_PORT" $USR --from app@example.com --to bob@example.net \
    --add-header "Subject: dup again" --data "$(msg dup "$DATE" "$MID" "$FROM" -- "hello")"
e2e_smtp line998 "$OUT_PORT" $USR --from app@example.com --to bob@example.net \
    --data "$(msg line998 "$DATE" "$MID" "$FROM" "Subject: line998" -- \
        "$(printf 'a%.0s' $(seq 1 998))" "end")"
e2e_smtp line999 "$OUT_PORT" $USR --from app@example.com --to bob@example.net \
    --data "$(msg line999 "$DATE" "$MID" "$FROM" "Subject: line999" -- \
        "$(printf 'a%.0s' $(seq 1 999))" "end")"
e2e_smtp sender1 "$OUT_PORT" $USR --from app@example.com --to bob@example.net \
    --data "$(msg sender1 "$DATE" "$MID" "From: a@example.com, b@example.com" \
        "Sender: App <app@example.com>" "Subject: sender1" -- "hello")"
e2e_smtp sender2 "$OUT_PORT" $USR --from app@example.com --to bob@example.net \
    --data "$(msg sender2 "$DATE" "$MID" "$FROM" "Sender: app@example.com, ops@example.com" \
        "Subject: sender2" -- "hello")"
e2e_smtp sendergroup "$OUT_PORT" $USR --from app@example.com --to bob@example.net \
    --data "$(msg sendergroup "$DATE" "$MID" "$FROM" "Sender: apps: app@example.com;" \
        "Subject: sendergroup" -- "hello")"
e2e_smtp eightbit "$OUT_PORT" $USR --from app@example.com --to bob@example.net \
    --data "$(msg eightbit "$DATE" "$MID" "$FROM" $'Comments: caf\xc3\xa9' -- "hello")"

# SMTPUTF8 in MAIL FROM: swaks has no option for it, so the dialog is spoken directly.
e2e_dialog utf8 "$OUT_PORT" tls <<SMTP
EHLO client.test
XCLIENT ADDR=198.51.100.7 NAME=app.example.com LOGIN=app
EHLO client.test
MAIL FROM:<app@example.com> SMTPUTF8
RCPT TO:<bob@example.net>
DATA
$DATE
$MID
$FROM
Comments: caf$(printf '\xc3\xa9')
X-Test-Name: utf8

hello
.
QUIT
SMTP

# RFC 6532: an internationalized From under SMTPUTF8 is no bad-from.
e2e_dialog utf8from "$OUT_PORT" tls <<SMTP
EHLO client.test
XCLIENT ADDR=198.51.100.7 NAME=app.example.com LOGIN=app
EHLO client.test
MAIL FROM:<app@example.com> SMTPUTF8
RCPT TO:<bob@example.net>
DATA
$DATE
$MID
From: caf$(printf '\xc3\xa9')@ex$(printf '\xc3\xa4')mple.com
X-Test-Name: utf8from

hello
.
QUIT
SMTP
e2e_smtp utf8from7 "$OUT_PORT" $USR --from app@example.com --to bob@example.net \
    --data "$(msg utf8from7 "$DATE" "$MID" $'From: caf\xc3\xa9@example.com' -- "hello")"

sink() { grep -l "^X-Test-Name: $1\$" "$T"/sink/msg.* 2>/dev/null | head -1; }
e2e_delivered clean
e2e_delivered nodate
e2e_delivered line998
e2e_delivered eightbit
e2e_delivered sender1
f=$(sink clean)
if [ -n "$f" ] && [ "$(grep -c '^Date:' "$f")" = 1 ] && grep -q '^Message-ID: <clean.1@app.example.com>$' "$f" &&
    ! grep -qi '^X-Hygiene:' "$f"; then
    e2e_pass "clean: untouched (its own Date and Message-ID, no tag)"
else
    e2e_fail "clean: changed" "$f"
fi
f=$(sink nodate)
if [ -n "$f" ] && [ "$(grep -c '^Date: [A-Z][a-z][a-z], [0-9][0-9] [A-Z][a-z][a-z] 20[0-9][0-9] [0-9:]* +0000$' "$f")" = 1 ] &&
    [ "$(grep -ci '^Message-ID:' "$f")" = 1 ] &&
    grep -qE '^Message-ID: <[0-9]{14}\.[0-9]{6}\.[0-9A-Za-z]+@mx\.relaywarden\.test>$' "$f"; then
    e2e_pass "nodate: Date and Message-ID added by relaywarden"
else
    e2e_fail "nodate: Date or Message-ID missing or not ours" "$f"
fi
e2e_expect_reply nofrom "550 5.6.0 message has no From header, one that cannot be parsed, or several authors and no Sender \(RFC 5322 3.6.2\); fix the sending application"
e2e_expect_reply dup "550 5.6.0 message repeats a header that may occur only once \(RFC 5322 3.6\); fix the sending application \(Subject\)"
e2e_expect_reply line999 "550 5.6.0 message has a line over 998 octets \(RFC 5322 2.1.1\); fix the sending application \(body line 1\)"
f=$(sink eightbit)
if [ -n "$f" ] && grep -q '^X-Hygiene: 8bit$' "$f"; then
    e2e_pass "eightbit: tagged without SMTPUTF8"
else
    e2e_fail "eightbit: not tagged" "$f"
fi
# smtp-sink offers no SMTPUTF8, so Postfix bounces this one: relaywarden's summary tells.
q=$(sed -n 's/.*queued as \([0-9A-Za-z]*\).*/\1/p' "$T/utf8.smtp")
if [ -n "$q" ] && grep -qE "$q: message: .*action=accept .*tags=- " "$T/relaywarden.log"; then
    e2e_pass "utf8: accepted, not tagged with SMTPUTF8 in MAIL FROM"
else
    e2e_fail "utf8: tagged or not accepted" "$T/utf8.smtp"
fi
q=$(sed -n 's/.*queued as \([0-9A-Za-z]*\).*/\1/p' "$T/utf8from.smtp")
if [ -n "$q" ] && grep -qE "$q: message: .*action=accept " "$T/relaywarden.log"; then
    e2e_pass "utf8from: a UTF-8 From under SMTPUTF8 accepted"
else
    e2e_fail "utf8from: refused or not queued" "$T/utf8from.smtp"
fi
e2e_expect_reply utf8from7 "550 5.6.0 message has no From header, one that cannot be parsed"
e2e_log log-utf8from7 "reject: stage=header .*\(defects: bad-from \(From: bad mailbox <caf.*: 8-bit byte in local part\)"
e2e_log log-fix "fix: stage=header .*reason=\"\(defects: missing-date, missing-message-id\)\""
e2e_log log-nofrom "reject: stage=header .*reason=\"5.6.0 message has no From header.*\(defects: bad-from \(no From header\)\)\""
e2e_log log-8bit "tag: stage=header .*\(defects: 8bit-header \(Comments\)\)"
e2e_log log-line999 "reject: stage=content .*\(defects: long-line \(body line 1\)\)"
e2e_expect_reply sender2 "550 5.6.0 message has a Sender header that cannot be parsed or is not one mailbox \(RFC 5322 3.6.2\); fix the sending application"
e2e_log log-sender2 "reject: stage=header .*reason=\"5.6.0 message has a Sender header.*\(defects: bad-sender \(Sender: 2 mailboxes, not one \(RFC 5322 3.6.2\)\)\)\""
e2e_expect_reply sendergroup "550 5.6.0 message has a Sender header that cannot be parsed or is not one mailbox"
e2e_log log-sendergroup "reject: stage=header .*\(defects: bad-sender \(Sender: a group, not one mailbox \(RFC 5322 3.6.2\)\)\)\""
e2e_done
