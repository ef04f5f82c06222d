#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# demo.sh - relaywarden for real, in one command: installs what is missing, builds, starts a
# private Postfix on 127.0.0.1 (an inbound port and a submission port) with relaywarden and the
# sample rules (contrib/relaywarden.rules) attached, sends a handful of messages, and shows the
# SMTP answers, relaywarden's decision lines and what was delivered. Run as root.
#   contrib/demo.sh          run the demo and tear everything down
#   contrib/demo.sh --keep   leave Postfix and relaywarden running to try your own messages
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
keep=0
[ "${1:-}" = "--keep" ] && keep=1

echo "==> installing dependencies (if missing) and building"
sh contrib/install-deps.sh
autoreconf -fi >/dev/null
mkdir -p build-demo
(cd build-demo && "$top/configure" -q && make -s -j"$(nproc)") >/dev/null

set +e +u
export top_srcdir=$top top_builddir=$top/build-demo
# shellcheck source=../tests/e2e/lib.sh
. "$top/tests/e2e/lib.sh"
e2e_require postfix smtp-sink swaks
E2E_KEEP=$keep
e2e_start "$top/contrib/relaywarden.rules"
if [ "$keep" = 1 ]; then trap - EXIT; fi

say() { printf '\n--- %s\n' "$*"; }
send() { # NAME PORT DESCRIPTION SWAKS-ARGS...
    local name=$1 port=$2 what=$3
    shift 3
    say "$what"
    e2e_smtp "$name" "$port" "$@"
    # swaks: "->" / "~>" commands (plain / TLS), "<-" / "<~" replies, "<**" / "<~*" failures
    grep -E '^ [-~]> (MAIL|RCPT)|^<([-~]|\*\*|~\*) +[2-5][0-9][0-9] ' "$T/$name.smtp" |
        grep -vE '^<[-~] +(220|221|250-|250 [^2])' | sed 's/^/    /'
}
NET="--xclient-addr 203.0.113.5 --xclient-name mx.remote.example"
USR="--tls --xclient-addr 198.51.100.7 --xclient-name laptop.example.com"

echo
echo "relaywarden is attached to a private Postfix: inbound (MX) on 127.0.0.1:$IN_PORT,"
echo "submission on 127.0.0.1:$OUT_PORT. XCLIENT plays Internet clients and logged-in users (over STARTTLS)."
send inbound "$IN_PORT" "Internet -> our user bob@example.com (inbound: delivered, rDNS stamped)" \
    $NET --xclient-reverse-name mx.remote.example --from news@remote.example --to bob@example.com
send relay "$IN_PORT" "Internet -> victim@elsewhere.example through our MX (open-relay probe: refused)" \
    $NET --from spam@remote.example --to victim@elsewhere.example
send trick "$IN_PORT" "Internet -> victim%elsewhere.example@example.com (%-hack: refused)" \
    $NET --from spam@remote.example --to 'victim%elsewhere.example@example.com'
send anon "$OUT_PORT" "No login -> friend@elsewhere.example on submission (refused)" \
    $USR --from someone@elsewhere.example --to friend@elsewhere.example
send anonours "$OUT_PORT" "No login, claiming alice@example.com on submission (refused)" \
    $USR --from alice@example.com --to bob@example.com
send alice "$OUT_PORT" "Login alice -> friend@elsewhere.example on submission (relayed)" \
    $USR --xclient-login alice --from alice@example.com --to friend@elsewhere.example
send app "$OUT_PORT" "Login app-billing -> customer@elsewhere.example (application account: refused)" \
    $USR --xclient-login app-billing --from billing@example.com --to customer@elsewhere.example
send notmine "$OUT_PORT" "Login alice sending as boss@example.com (not her address: refused)" \
    $USR --xclient-login alice --from boss@example.com --to friend@elsewhere.example
send spoof "$IN_PORT" "Internet -> bob@example.com claiming to be ceo@example.com (spoofing: refused)" \
    $NET --from ceo@example.com --to bob@example.com
printf 'MZ\220\0\3\0\0\0 a program, not a PDF' >"$T/invoice.pdf.exe"
send exe "$IN_PORT" "Internet -> bob@example.com with invoice.pdf.exe attached (content: refused after DATA)" \
    $NET --from news@remote.example --to bob@example.com --attach "@$T/invoice.pdf.exe"
send secret "$OUT_PORT" "Login alice -> friend@elsewhere.example about \"Project Falcon\" (content: to compliance)" \
    $USR --xclient-login alice --from alice@example.com --to friend@elsewhere.example \
    --body "The project  falcon figures are attached."

e2e_delivered inbound bob@example.com >/dev/null
e2e_delivered alice friend@elsewhere.example >/dev/null
say "relaywarden's decision lines (syslog; here its -f copy on stderr)"
grep -E ': (accept|reject|tempfail|discard|quarantine|redirect|copy|tag|message|would-[a-z]+): ' "$T/relaywarden.log" |
    sed 's/^/    /'
say "delivered to the smtp-sink (envelope recipients)"
grep -h '^X-Rcpt-Args:' "$T"/sink/msg.* 2>/dev/null | sed 's/ ORCPT.*//; s/^/    /'
say "top of the inbound message as delivered: relaywarden's rDNS stamp above Postfix's Received"
f=$(grep -l '^X-Test-Name: inbound$' "$T"/sink/msg.* | head -1)
awk '/^Received: .*smtp-sink|^\tby smtp-sink/ {skip=1; next} skip && /^\t/ {next} skip' "$f" |
    head -4 | sed 's/^/    /'
if [ "$keep" = 1 ]; then
    cat <<MSG

Still running. Try:  swaks --server 127.0.0.1:$IN_PORT --to someone@elsewhere.example
Decision log: $T/relaywarden.log    Postfix log: $T/maillog
Reload rules: kill -HUP $RW_PID      Stop: postfix -c $PF_DIR stop; kill $RW_PID $SINK_PID
MSG
fi
