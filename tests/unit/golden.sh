#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# golden.sh - golden decisions (tests/golden/): each NAME.args (trial arguments, one per line; -c FILE picks a
# rules file, default contrib/relaywarden.rules) is run through relaywarden -t with NAME.eml
# when there is one, from the top of the source tree so that rule locations read the same
# everywhere; its output and exit status must equal NAME.out. UPDATE=1 rewrites the .out files.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
RELAYWARDEN=$top_builddir/milter/relaywarden
cd "$top_srcdir" || exit 1
passed=0 failed=0
for a in tests/golden/*.args; do
    n=${a%.args}
    args=()
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in '' | '#'*) continue ;; esac
        args+=("$line")
    done <"$a"
    case " ${args[*]} " in *" -c "*) ;; *) args=(-c contrib/relaywarden.rules "${args[@]}") ;; esac
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
