#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# actions.sh - what the actions do to a message through a real Postfix: discard (250 to the
# client, nothing delivered), quarantine (held), redirect (every recipient replaced, a
# source-routed one too), copy (a recipient added; not when the recipient that set it off is
# refused), tag (the Subject prefixed once, a header added, the client's header of that name
# removed), log-only (nothing changed). Checked in the envelope recipients and headers that
# reached the sink.
. "$(dirname "$0")/lib.sh"
e2e_require postfix smtp-sink swaks postqueue postcat
e2e_start "$top_srcdir/tests/rules/e2e-actions.rules"
NET="--xclient-addr 203.0.113.5 --xclient-name mx.remote.test"

e2e_smtp discard "$IN_PORT" $NET --from a@discard.test --to bob@example.com
e2e_expect_reply discard "250 2.0.0 Ok: queued"
e2e_smtp redirect "$IN_PORT" $NET --from a@redirect.test --to bob@example.com,carol@example.com
e2e_smtp redirect-routed "$IN_PORT" $NET --from a@redirect.test --to '@example.com:dave@example.com'
e2e_smtp copy "$IN_PORT" $NET --from a@copy.test --to bob@example.com
e2e_smtp copy-refused "$IN_PORT" $NET --from a@other.test --to gone@legal.example.com,bob@example.com
e2e_expect_reply copy-refused "550 5.1.1 mailbox unavailable"
e2e_smtp tag "$IN_PORT" $NET --from a@tag.test --to bob@example.com \
    --header "Subject: offer" --add-header "X-Relaywarden-Tag: forged by the client"
e2e_smtp hold "$IN_PORT" $NET --from a@hold.test --to bob@example.com
e2e_smtp watch "$IN_PORT" $NET --from a@watch.test --to bob@example.com
e2e_smtp postmaster "$IN_PORT" $NET --from a@other.test --to postmaster

e2e_want_rcpts redirect "<hold@example.com> "
e2e_want_rcpts redirect-routed "<hold@example.com> "
e2e_want_rcpts copy "<archive@example.com> <bob@example.com> "
e2e_want_rcpts copy-refused "<bob@example.com> "
e2e_want_rcpts tag "<bob@example.com> "
e2e_want_rcpts watch "<bob@example.com> "
e2e_want_rcpts postmaster "<postmaster@mx.relaywarden.test> "
f=$(grep -l '^X-Test-Name: tag$' "$T"/sink/msg.*)
if grep -q '^Subject: \[TAG\] offer$' "$f" && [ "$(grep -c '^X-Relaywarden-Tag:' "$f")" = 1 ] &&
    grep -q '^X-Relaywarden-Tag: yes$' "$f"; then
    e2e_pass "tag: Subject prefixed once, our tag header alone"
else
    e2e_fail "tag: Subject or tag header wrong" "$f"
fi
e2e_held hold
for n in discard; do
    if grep -ls "^X-Test-Name: $n\$" "$T"/sink/msg.* >/dev/null 2>&1; then
        e2e_fail "$n: reached the sink"
    else
        e2e_pass "$n: not delivered"
    fi
done
e2e_log log-redirect "message: .*from=<a@redirect.test> accepted=2:<bob@example.com>,<carol@example.com> .*action=redirect rule=[^ ]*e2e-actions.rules:11"
e2e_log log-tags "message: .*from=<a@tag.test> .*tags=\"\[TAG\],X-Relaywarden-Tag: yes\" removed=1"
e2e_log log-watch "would-discard: stage=content .*from=<a@watch.test>"
e2e_done
