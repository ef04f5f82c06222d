#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# content.sh - content screening through a real Postfix: a rule at the content stage sees the
# decoded body and attachments and acts at the end of data. Rejected (the client gets the
# reply after the final dot), discarded (250 to the client, nothing at the sink), quarantined
# (in the hold queue), redirected and copied (the sink sees exactly these envelope
# recipients), tagged (Subject and header at the sink); a clean message with an attachment
# passes untouched, and a long message is still screened to its end.
. "$(dirname "$0")/lib.sh"
e2e_require postfix smtp-sink swaks postqueue postcat base64
e2e_start "$top_srcdir/tests/rules/e2e-content.rules"
NET="--xclient-addr 203.0.113.5 --xclient-name mx.remote.test"

# mime NAME FILENAME CONTENT-TYPE FILE [TEXT]: a multipart/mixed body with one base64 part.
mime() {
    local f=$T/$1.body
    {
        printf 'This is a MIME message.\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n' "${5:-Hello.}"
        printf -- '--b1\r\nContent-Type: %s; name="%s"\r\nContent-Disposition: attachment; filename="%s"\r\nContent-Transfer-Encoding: base64\r\n\r\n' "$3" "$2" "$2"
        base64 -w 76 "$4" | sed 's/$/\r/'
        printf -- '--b1--\r\n'
    } >"$f"
    echo "$f"
}
send() { # NAME BODYFILE [SWAKS ARGS]: a MIME message with that body to bob@example.com
    local name=$1 body=$2
    shift 2
    e2e_smtp "$name" "$IN_PORT" $NET --from a@remote.test --to bob@example.com \
        --add-header "MIME-Version: 1.0" \
        --add-header 'Content-Type: multipart/mixed; boundary="b1"' \
        --body "$body" "$@"
}
# Test files: a PE executable's first bytes, a PDF, a zip holding a text file.
printf 'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00' >"$T/prog.bin"
head -c 112 /dev/zero >>"$T/prog.bin"
printf '\x80\x00\x00\x00' | dd of="$T/prog.bin" bs=1 seek=60 conv=notrunc 2>/dev/null
printf 'PE\x00\x00\x4c\x01' >>"$T/prog.bin"
head -c 2000 /dev/urandom >>"$T/prog.bin"
printf '%%PDF-1.4\n%% test\n1 0 obj << >> endobj\ntrailer << >>\n%%%%EOF\n' >"$T/doc.pdf"
printf 'hello\n' >"$T/readme.txt"
(cd "$T" && zip -q arch.zip readme.txt)

send reject-ext "$(mime reject-ext setup.exe application/octet-stream "$T/readme.txt")"
e2e_expect_reply reject-ext "550 5.7.1 executable attachments are not accepted"
send hold-truetype "$(mime hold-truetype report.pdf application/pdf "$T/prog.bin")"
send discard-kw "$(mime discard-kw notes.txt text/plain "$T/readme.txt" 'Best CASINO   bonus today')"
e2e_expect_reply discard-kw "250 2.0.0 Ok: queued"
send redirect-kw "$(mime redirect-kw notes.txt text/plain "$T/readme.txt" 'About project
falcon, the plan.')"
send copy-pdf "$(mime copy-pdf doc.pdf application/pdf "$T/doc.pdf")"
send tag-zip "$(mime tag-zip arch.zip application/zip "$T/arch.zip")" \
    --add-header "X-Relaywarden-Archive: forged"
send clean "$(mime clean notes.txt text/plain "$T/readme.txt" 'Essex county news')"
# A malformed structure: a multipart without its boundary parameter.
e2e_smtp broken "$IN_PORT" $NET --from a@remote.test --to bob@example.com \
    --add-header "MIME-Version: 1.0" --add-header "Content-Type: multipart/mixed" \
    --body "no boundary at all"
e2e_expect_reply broken "550 5.6.0 malformed MIME structure"
# Long: 600 KB of text with the keyword at the very end, past many body chunks.
{ for i in $(seq 1 8000); do printf 'filler line %05d of the long message, nothing here\n' "$i"; done
  printf 'and then project falcon at the end\r\n'; } >"$T/long.txt"
send long "$(mime long notes.txt text/plain "$T/readme.txt" "$(cat "$T/long.txt")")"

e2e_want_rcpts redirect-kw "<compliance@example.com> "
e2e_want_rcpts copy-pdf "<archive@example.com> <bob@example.com> "
e2e_want_rcpts clean "<bob@example.com> "
e2e_want_rcpts long "<compliance@example.com> "
e2e_want_rcpts tag-zip "<bob@example.com> "
f=$(grep -l '^X-Test-Name: tag-zip$' "$T"/sink/msg.*)
if grep -q '^Subject: \[ZIP\] tag-zip$' "$f" && [ "$(grep -c '^X-Relaywarden-Archive:' "$f")" = 1 ] &&
    grep -q '^X-Relaywarden-Archive: yes$' "$f"; then
    e2e_pass "tag-zip: Subject prefixed, our header alone"
else
    e2e_fail "tag-zip: Subject or tag header wrong" "$f"
fi
f=$(grep -l '^X-Test-Name: clean$' "$T"/sink/msg.*)
if cmp -s <(sed -n '/^--b1--/q;/^Content-Transfer-Encoding: base64/,$p' "$f" | tr -d '\r') \
    <(sed -n '/^--b1--/q;/^Content-Transfer-Encoding: base64/,$p' "$T/clean.body" | tr -d '\r'); then
    e2e_pass "clean: the attachment arrived unchanged"
else
    e2e_fail "clean: the attachment changed on the way" "$f"
fi
e2e_held hold-truetype
for n in discard-kw reject-ext broken; do
    if grep -ls "^X-Test-Name: $n\$" "$T"/sink/msg.* >/dev/null 2>&1; then
        e2e_fail "$n: reached the sink"
    else
        e2e_pass "$n: not delivered"
    fi
done
e2e_log log-reject "reject: stage=content .*reason=\"5.7.1 executable attachments are not accepted \(part 2 \\\\\"setup.exe\\\\\"\)\""
e2e_log log-quarantine "quarantine: stage=content .*reason=\"executable content \(part 2 \\\\\"exe\\\\\"\)\""
e2e_log log-discard "discard: stage=content .*spam keyword \(keyword \\\\\"casino bonus\\\\\" in part 1\)"
e2e_log log-redirect "redirect: stage=content .*\(keyword \\\\\"project falcon\\\\\" in part 1\)"
e2e_log log-long "would-reject: stage=content .*would refuse big mail \(size [0-9]+\)"
e2e_log log-hold-summary "message: .*action=quarantine"
# Postfix keeps no reason with a held message: the message carries it in a header.
q=$(postqueue -c "$PF_DIR" -j | grep '"queue_name": *"hold"' | sed 's/.*"queue_id": *"\([0-9A-Za-z]*\)".*/\1/' | head -1)
if [ -n "$q" ] && postcat -c "$PF_DIR" -hq "$q" 2>/dev/null |
    grep -q '^X-Relaywarden-Quarantine: executable content (.*e2e-content.rules:17)'; then
    e2e_pass "hold: the held message carries its reason"
else
    e2e_fail "hold: no X-Relaywarden-Quarantine header on the held message" "$T/maillog"
fi
e2e_done
