#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# trial.sh - the offline trial and the daemon agree: golden cases of tests/golden/ that use the
# sample rules are sent through a real Postfix with relaywarden attached (XCLIENT plays the
# client, the login and the rDNS pass; STARTTLS is real), and the decision lines the daemon
# logged for each session must be the trial's, byte for byte but for the queue id (and the
# rules path, which the daemon makes absolute).
. "$(dirname "$0")/lib.sh"
e2e_require postfix smtp-sink swaks
if ! perl -MNet::SSLeay -e 1 2>/dev/null; then
    echo "SKIP: swaks needs Net::SSLeay for STARTTLS (apt-get install libnet-ssleay-perl)" >&2
    exit 77
fi
CASES="in-relay-denied in-percent-hack in-mixed-recipients in-spoof-envelope in-spoof-source-route
in-spoof-display in-clean-stamped in-crash-header in-auth-binding out-owned out-not-owned
out-hidden-comment out-no-tls out-anon-relay out-anon-spoof out-app-outside out-routed"
# The rules as the trial names them (contrib/relaywarden.rules): run from the source tree.
cd "$top_srcdir" || exit 1
e2e_start contrib/relaywarden.rules
G=tests/golden
# The daemon makes its relative -c absolute (it reloads after chdir /): its rule= paths carry
# the source tree's directory in front of the trial's.
norm() { sed -E -e 's/^[A-Za-z0-9]+: /QID: /' -e "s| rule=$PWD/| rule=|"; }
for c in $CASES; do
    args=() swaks=() tos=""
    while IFS= read -r line || [ -n "$line" ]; do args+=("$line"); done <"$G/$c.args"
    port=$IN_PORT
    for ((i = 0; i < ${#args[@]}; i++)); do
        v=${args[i + 1]:-}
        case "${args[i]}" in
        --listener) [ "$v" = outbound ] && port=$OUT_PORT ;;
        --client) swaks+=(--xclient-addr "${v%%/*}" --xclient-name "${v#*/}" --xclient-reverse-name "${v#*/}") ;;
        --login) swaks+=(--xclient-login "$v") ;;
        --tls) swaks+=(--tls) ;;
        --from) swaks+=(--from "$v") ;;
        --to) tos=${tos:+$tos,}$v ;;
        esac
    done
    if [ -f "$G/$c.eml" ]; then swaks+=(--data "@$G/$c.eml"); else swaks+=(--quit-after RCPT); fi
    before=$(wc -l <"$T/relaywarden.log")
    swaks --server "127.0.0.1:$port" --helo trial.invalid --timeout 30 --to "$tos" "${swaks[@]}" \
        >"$T/$c.smtp" 2>&1
    # The daemon's lines for this session: wait until the line count settles.
    for i in $(seq 1 30); do
        n=$(wc -l <"$T/relaywarden.log")
        sleep 0.1
        [ "$n" = "$(wc -l <"$T/relaywarden.log")" ] && [ "$n" -gt "$before" ] && break
    done
    tail -n +"$((before + 1))" "$T/relaywarden.log" | sed -E 's/^relaywarden\[[0-9]+\]: //' |
        grep -vE '^(rules reloaded|relaywarden )' | norm >"$T/$c.daemon"
    sed -n 's/^  log //p' "$G/$c.out" | norm >"$T/$c.trial"
    if [ -s "$T/$c.trial" ] && diff -u "$T/$c.trial" "$T/$c.daemon" >"$T/$c.diff"; then
        e2e_pass "$c: the daemon logged what the trial printed ($(wc -l <"$T/$c.trial") lines)"
    elif [ ! -s "$T/$c.trial" ] && [ ! -s "$T/$c.daemon" ]; then
        e2e_pass "$c: neither the daemon nor the trial logged anything"
    else
        e2e_fail "$c: the daemon and the trial differ" "$T/$c.diff" "$T/$c.smtp"
    fi
done
e2e_done
