#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# hostile.sh - the sample rules (contrib/relaywarden.rules) against what an attacker sends,
# through a real Postfix: the From: that crashed relaywarden (it stays up, the next message
# passes), addresses hidden in comments, group names, split or UTF-16 encoded words,
# quoted-pairs, fullwidth and zero-width characters, long text; envelope senders that name our
# domain through routing syntax; an unauthenticated client on the submission port and an
# authenticated one on port 25 sending in our name. Each forgery is refused or quarantined as
# the sample rules say, and each has a legitimate neighbour that is delivered.
. "$(dirname "$0")/lib.sh"
e2e_require postfix smtp-sink swaks postqueue postcat
if ! perl -MNet::SSLeay -e 1 2>/dev/null; then
    echo "SKIP: swaks needs Net::SSLeay for STARTTLS (apt-get install libnet-ssleay-perl)" >&2
    exit 77
fi
e2e_start "$top_srcdir/contrib/relaywarden.rules"
NET="--xclient-addr 203.0.113.5 --xclient-name mx.remote.test --xclient-reverse-name mx.remote.test"
USR="--tls --xclient-addr 198.51.100.7 --xclient-name laptop.example.com --xclient-login alice"
long=$(printf 'x%.0s' $(seq 1 2100))
longer=$(printf 'y%.0s' $(seq 1 3000))

# The crash: a comment longer than the old 2 KB phrase buffer, then more display text.
e2e_smtp crash "$IN_PORT" $NET --from news@remote.test --to bob@example.com \
    --header "From: ($long) News <news@remote.test>"
e2e_expect_reply crash "250 2.0.0 Ok: queued"
e2e_smtp crash-2 "$IN_PORT" $NET --from news@remote.test --to bob@example.com \
    --header "From: ($long) ($long) \"$long\" News <news@remote.test>"
e2e_expect_reply crash-2 "250 2.0.0 Ok: queued"
if kill -0 "$RW_PID" 2>/dev/null; then e2e_pass "relaywarden still runs"; else e2e_fail "relaywarden died" "$T/relaywarden.log"; fi
e2e_smtp after-crash "$IN_PORT" $NET --from news@remote.test --to bob@example.com \
    --header "From: News <news@remote.test>"
e2e_expect_reply after-crash "250 2.0.0 Ok: queued"

# Port 25, no login: a From: that claims our domain anywhere a reader sees it is quarantined.
spoof() { # NAME FROM-VALUE
    e2e_smtp "$1" "$IN_PORT" $NET --from news@remote.test --to bob@example.com --header "From: $2"
    e2e_expect_reply "$1" "250 2.0.0 Ok: queued"
    SPOOFED="$SPOOFED $1"
}
legit() { # NAME FROM-VALUE
    e2e_smtp "$1" "$IN_PORT" $NET --from news@remote.test --to bob@example.com --header "From: $2"
    e2e_expect_reply "$1" "250 2.0.0 Ok: queued"
    LEGIT="$LEGIT $1"
}
SPOOFED="" LEGIT=""
spoof in-comment-after 'News <news@remote.test> (ceo@example.com)'
legit in-comment-after-ok 'News <news@remote.test> (newsletter of remote.test)'
spoof in-group-name '"ceo@example.com": news@remote.test;'
legit in-group-name-ok '"Remote News Team": news@remote.test;'
spoof in-split-words '=?utf-8?q?ceo?= =?utf-8?q?=40example.com?= <news@remote.test>'
legit in-split-words-ok '=?utf-8?q?J=C3=B6rg?= =?utf-8?q?_News?= <news@remote.test>'
spoof in-quoted-pair '"ceo\@example.com" <news@remote.test>'
spoof in-quoted-pair-dot '"ceo@example\.com" <news@remote.test>'
legit in-quoted-pair-ok '"News\, Remote" <news@remote.test>'
spoof in-long "\"$longer ceo@example.com\" <news@remote.test>"
legit in-long-ok "\"$longer\" <news@remote.test>"
spoof in-utf16 '=?utf-16?b?//5jAGUAbwBAAGUAeABhAG0AcABsAGUALgBjAG8AbQA=?= <news@remote.test>'
legit in-utf16-ok '=?utf-16?b?//5BAGwAaQBjAGUAIABTAG0AaQB0AGgA?= <news@remote.test>'
spoof in-fullwidth $'"ceo\xef\xbc\xa0example.com" <news@remote.test>'
spoof in-zero-width $'"ceo\xe2\x80\x8b@\xe2\x80\x8bexample.com" <news@remote.test>'
legit in-fullwidth-ok $'"\xef\xbc\xae\xef\xbd\x85\xef\xbd\x97\xef\xbd\x93" <news@remote.test>'
spoof in-unknown-charset '=?x-no-such?q?News?= <news@remote.test>'
# What the second hostile review found: bidi isolates and marks reorder the text on screen,
# a partial override, base64 folded inside its word, an encoded word as a local part,
# look-alike dots, combining marks; and legitimate neighbours: Outlook's Korean charset
# label, mislabelled Latin-1, a right-to-left name.
spoof in-bidi-isolate $'"\xe2\x81\xa7com\xe2\x80\x8f.\xe2\x80\x8fexample\xe2\x80\x8f@\xe2\x80\x8fceo\xe2\x81\xa9" <news@remote.test>'
spoof in-partial-override $'"ceo@ex\xe2\x80\xaepma\xe2\x80\xacle.com" <news@remote.test>'
spoof in-folded-base64 $'=?utf-8?b?Y2VvQGV4YW1w\r\n bGUuY29t?= <news@remote.test>'
spoof in-encoded-local-part '=?utf-8?q?ceo=40example.com?=@remote.test'
spoof in-lookalike-dot $'"ceo@example\xea\x93\xb8com" <news@remote.test>'
spoof in-combining-mark $'"ceo@exam\xcc\xb2ple.com" <news@remote.test>'
legit in-korean-outlook '=?ks_c_5601-1987?B?sbi/7A==?= <news@remote.test>'
legit in-mislabelled-latin1 '=?utf-8?q?Hans_M=FCller?= <news@remote.test>'
legit in-hebrew-name $'"\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d" <news@remote.test>'
spoof in-routed-mailbox '<@relay.remote.test:ceo@example.com>'
spoof in-percent-mailbox 'ceo%remote.test@example.com'

# The envelope: routing syntax that names our domain is a claim of it too.
envspoof() { # NAME MAIL-FROM
    e2e_smtp "$1" "$IN_PORT" $NET --from "$2" --to bob@example.com --header "From: News <news@remote.test>"
    e2e_expect_reply "$1" "550 5.7.1 our domain, not from our servers"
    REFUSED="$REFUSED $1"
}
REFUSED=""
envspoof env-plain 'ceo@example.com'
envspoof env-source-route '@relay.remote.test:ceo@example.com'
envspoof env-percent 'ceo%remote.test@example.com'
envspoof env-quoted '"ceo@remote.test"@example.com'
envspoof env-bang 'remote.test!ceo@example.com'
envspoof env-percent-inside 'ceo%example.com@remote.test'
e2e_smtp env-ok "$IN_PORT" $NET --from 'news@example.com.remote.test' --to bob@example.com \
    --header "From: News <news@remote.test>"
e2e_expect_reply env-ok "250 2.0.0 Ok: queued"

# The submission port without a login may reach our users, but not in our name.
e2e_smtp sub-anon-spoof "$OUT_PORT" $NET --from ceo@example.com --to bob@example.com \
    --header "From: CEO <ceo@example.com>"
e2e_expect_reply sub-anon-spoof "550 5.7.1 our domain, not from our servers"
e2e_smtp sub-anon-hdr "$OUT_PORT" $NET --from news@remote.test --to bob@example.com \
    --header "From: CEO <ceo@example.com>"
e2e_expect_reply sub-anon-hdr "250 2.0.0 Ok: queued"
e2e_smtp sub-anon-ok "$OUT_PORT" $NET --from news@remote.test --to bob@example.com \
    --header "From: News <news@remote.test>"
e2e_expect_reply sub-anon-ok "250 2.0.0 Ok: queued"

# Port 25 with a login: bound to its addresses as on the submission port.
e2e_smtp in-auth-foreign "$IN_PORT" $USR --from boss@example.com --to bob@example.com
e2e_expect_reply in-auth-foreign "553 5.7.1 sender address not owned by login"
e2e_smtp in-auth-hdr "$IN_PORT" $USR --from alice@example.com --to bob@example.com \
    --header "From: Boss <boss@example.com>"
e2e_expect_reply in-auth-hdr "550 5.7.1 From: header not owned by login"
e2e_smtp in-auth-ok "$IN_PORT" $USR --from alice@example.com --to bob@example.com \
    --header "From: Alice <alice@example.com>"
e2e_expect_reply in-auth-ok "250 2.0.0 Ok: queued"

# Submission with a login: every class hides boss@example.com from alice's binding.
bind() { # NAME FROM-VALUE
    e2e_smtp "$1" "$OUT_PORT" $USR --from alice@example.com --to friend@elsewhere.test --header "From: $2"
    e2e_expect_reply "$1" "550 5.7.1 From: header not owned by login"
    REFUSED="$REFUSED $1"
}
bindok() { # NAME FROM-VALUE
    e2e_smtp "$1" "$OUT_PORT" $USR --from alice@example.com --to friend@elsewhere.test --header "From: $2"
    e2e_expect_reply "$1" "250 2.0.0 Ok: queued"
    LEGIT="$LEGIT $1"
}
bind out-comment-after 'Alice <alice@example.com> (boss@example.com)'
bindok out-comment-after-ok '"Smith, Alice" <alice@example.com> (work)'
bind out-group-name '"boss@example.com": alice@example.com;'
bindok out-group-ok 'team: alice@example.com, a.smith@example.com;'
bind out-split-words '=?utf-8?q?boss?= =?utf-8?q?=40example.com?= <alice@example.com>'
bind out-split-b64 '=?utf-8?b?Ym9zcw==?= =?utf-8?b?QGV4YW1wbGUuY29t?= <alice@example.com>'
bindok out-encoded-ok '=?utf-8?q?Alice_Sm=C3=AFth?= <alice@example.com>'
bind out-quoted-pair '"boss\@example.com" <alice@example.com>'
bind out-utf16 '=?utf-16?b?//5iAG8AcwBzAEAAZQB4AGEAbQBwAGwAZQAuAGMAbwBtAA==?= <alice@example.com>'
bind out-utf7 '=?utf-7?q?boss+AEA-example.com?= <alice@example.com>'
bind out-fullwidth $'"boss\xef\xbc\xa0example\xef\xbc\x8ecom" <alice@example.com>'
bind out-rtl $'"\xe2\x80\xaemoc.elpmaxe@ssob" <alice@example.com>'
bind out-long "\"$longer boss@example.com\" <alice@example.com>"
bindok out-long-ok "\"$longer\" <alice@example.com>"
bind out-bidi-isolate $'"\xe2\x81\xa7com\xe2\x80\x8f.\xe2\x80\x8fexample\xe2\x80\x8f@\xe2\x80\x8fboss\xe2\x81\xa9" <alice@example.com>'
bind out-folded-base64 $'=?utf-8?b?Ym9zc0BleGFtcGxl\r\n LmNvbQ==?= <alice@example.com>'
bindok out-outlook-display '"Alice@Example.com" <alice@example.com>'
bindok out-subaddress '"Alice" <alice+news@example.com>'
e2e_smtp out-delegate "$OUT_PORT" --tls --xclient-addr 198.51.100.7 --xclient-name laptop.example.com \
    --xclient-login assistant --from boss@example.com --to friend@elsewhere.test \
    --header "From: Boss <boss@example.com>" --add-header "Sender: Assistant <assistant@example.com>"
e2e_expect_reply out-delegate "250 2.0.0 Ok: queued"
LEGIT="$LEGIT out-delegate"

for n in $LEGIT after-crash crash crash-2 env-ok sub-anon-ok in-auth-ok; do
    e2e_delivered "$n"
done
for n in $SPOOFED sub-anon-hdr; do
    e2e_held "$n"
done
for n in $REFUSED sub-anon-spoof in-auth-foreign in-auth-hdr; do
    if grep -ls "^X-Test-Name: $n\$" "$T"/sink/msg.* >/dev/null 2>&1; then
        e2e_fail "$n: reached the sink but must not have"
    else
        e2e_pass "$n: not delivered"
    fi
done
e2e_log log-hidden "quarantine: stage=header rule=[^ ]*relaywarden.rules:[0-9]+ listener=inbound .*reason=\"forged From: of our domain \(address in a display name or comment: ceo@example.com\)\""
e2e_log log-broken "quarantine: stage=header .*reason=\"forged From: of our domain \(From: unknown charset"
if kill -0 "$RW_PID" 2>/dev/null; then e2e_pass "relaywarden still runs at the end"; else e2e_fail "relaywarden died" "$T/relaywarden.log"; fi
e2e_done
