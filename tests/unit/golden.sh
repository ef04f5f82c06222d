#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# golden.sh - golden decisions (tests/golden/): each NAME.args (trial arguments, one per line; -c FILE picks a
# rules file, default contrib/relaywarden.rules) is run through relaywarden -t with NAME.eml
# when there is one, from the top of the source tree so that rule locations read the same
# everywhere; its output and exit status must equal NAME.out. The MIME corpus (tests/mime/) is
# the same with its own defaults: each NAME.eml through tests/mime/mime.rules on listener
# inbound, its findings and verdict in NAME.out. UPDATE=1 rewrites the .out files.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
RELAYWARDEN=$top_builddir/milter/relaywarden
cd "$top_srcdir" || exit 1
passed=0 failed=0
mime_args=(-c tests/mime/mime.rules --listener inbound --client 203.0.113.5/mx.remote.test
    --rdns pass --from sender@remote.test --to bob@example.com)
for a in tests/golden/*.args tests/mime/*.eml; do
    [ -f "$a" ] || continue
    args=()
    case "$a" in
    *.args)
        n=${a%.args}
        while IFS= read -r line || [ -n "$line" ]; do
            case "$line" in '' | '#'*) continue ;; esac
            args+=("$line")
        done <"$a"
        case " ${args[*]} " in *" -c "*) ;; *) args=(-c contrib/relaywarden.rules "${args[@]}") ;; esac
        ;;
    *) n=${a%.eml}; args=("${mime_args[@]}") ;;
    esac
    [ -f "$n.eml" ] && args+=("$n.eml")
    got=$("$RELAYWARDEN" -t "${args[@]}" 2>&1; echo "exit: $?")
    if [ "${UPDATE:-0}" = 1 ]; then
        printf '%s\n' "$got" >"$n.out"
    fi
    if [ "$got" = "$(cat "$n.out" 2>/dev/null)" ]; then
        passed=$((passed + 1))
        echo "ok - ${n##*/}"
    else
        failed=$((failed + 1))
        echo "not ok - ${n##*/}"
        diff -u "$n.out" <(printf '%s\n' "$got") | sed 's/^/    /'
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
