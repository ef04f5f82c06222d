#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# audit_cli.sh - the static audit through relaywarden -n and -W: the sample rules are clean,
# warnings go to stderr and leave the check passing, -W makes them errors (for -n, and for a
# daemon that would load such rules: it does not start).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
RW=$top_builddir/milter/relaywarden
T=$(mktemp -d /tmp/rw-audit-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail=0
check() { # NAME WANT-EXIT WANT-REGEX COMMAND...
    name=$1 want=$2 re=$3
    shift 3
    "$@" >"$T/out" 2>&1
    rc=$?
    if [ "$rc" = "$want" ] && grep -qE -- "$re" "$T/out"; then
        echo "ok - $name"
    else
        echo "not ok - $name: exit $rc (want $want), output:"
        sed 's/^/    /' "$T/out"
        fail=1
    fi
}
check "sample rules: clean" 0 "^configuration OK" "$RW" -n -c "$top_srcdir/contrib/relaywarden.rules"
if "$RW" -n -c "$top_srcdir/contrib/relaywarden.rules" 2>&1 | grep -q warning; then
    echo "not ok - sample rules: a warning"
    fail=1
fi
check "sample rules with -W: clean" 0 "^configuration OK" "$RW" -n -W -c "$top_srcdir/contrib/relaywarden.rules"
R=$top_srcdir/tests/rules/e2e-actions.rules
check "open rules: warnings, still OK" 0 "e2e-actions.rules:19: warning: listener outbound relays for anyone" "$RW" -n -c "$R"
check "open rules with -W: errors" 1 "e2e-actions.rules: 5 warnings, treated as errors \(-W\)" "$RW" -n -W -c "$R"
check "daemon with -W on open rules: not starting" 1 "has errors: not starting" "$RW" -f -W -c "$R" -p "unix:$T/never.sock"
[ -e "$T/never.sock" ] && { echo "not ok - a socket was made"; fail=1; }
check "-m with a relative path" 2 "-m takes an absolute path" "$RW" -m metrics.prom -n
check "-M 0" 2 "-M takes 1 to 3600 seconds" "$RW" -M 0 -n
check "-M 3601" 2 "-M takes 1 to 3600 seconds" "$RW" -M 3601 -n
check "-s without a metrics file" 1 "cannot read $T/none.prom" "$RW" -s -m "$T/none.prom"
check "-M without -m" 2 "-M is how often the -m metrics file is written: give -m" "$RW" -n -M 5
check "-M with -m" 0 "^configuration OK" "$RW" -n -M 5 -m "$T/m.prom" -c "$top_srcdir/contrib/relaywarden.rules"
mkfifo "$T/fifo"
check "-s on a FIFO: refused, not blocked" 1 "cannot read $T/fifo: not a regular file" timeout 10 "$RW" -s -m "$T/fifo"
check "-s on a directory" 1 "cannot read $T: not a regular file" "$RW" -s -m "$T"
# The EXAMPLE of relaywarden.rules(5) is what admins copy: it loads, with no warning, under -W.
sed -n '/^\.SH EXAMPLE/,/^\.fi/p' "$top_srcdir/contrib/relaywarden.rules.5" | sed '1,2d;$d' >"$T/example.rules"
check "relaywarden.rules(5) EXAMPLE: clean under -W" 0 "^configuration OK \(10 rules, 2 listeners\)" "$RW" -n -W -c "$T/example.rules"
if "$RW" -n -c "$T/example.rules" 2>&1 | grep -q warning; then
    echo "not ok - relaywarden.rules(5) EXAMPLE: a warning"
    fail=1
fi

# README's rules block is copied too: clean under -W, with the files it names (empty or one
# line) beside it.
mkdir "$T/readme"
sed -n '/^A rule reads as a sentence/,/^    STAGE \[log-only\]/p' "$top_srcdir/README" | sed '1,2d;$d' |
    sed 's/^    //' >"$T/readme/r.rules"
echo robot >"$T/readme/robots.txt"
: >"$T/readme/bad-sha256.txt"
: >"$T/readme/more.rules"
check "README's rules: clean under -W" 0 "^configuration OK \(17 rules, 3 listeners\)" "$RW" -n -W -c "$T/readme/r.rules"
if "$RW" -n -c "$T/readme/r.rules" 2>&1 | grep -q warning; then
    echo "not ok - README's rules: a warning"
    fail=1
fi

# The test rules: the end-to-end tests log in with XCLIENT in the clear and send as our
# domains on purpose, so those two warnings are expected; e2e-actions.rules leaves its
# outbound policy empty (open) on purpose. Anything else (a dead rule, another open relay)
# is a mistake in a test file.
for f in "$top_srcdir"/tests/rules/*.rules; do
    "$RW" -n -c "$f" 2>&1 | grep ': warning: ' |
        grep -vE 'warning: listener [a-z]+ (accepts a login without TLS|lets an unauthenticated outsider send as our domain)' |
        grep -vE 'e2e-actions.rules:19: warning: listener outbound relays for anyone' >"$T/unexpected"
    if [ -s "$T/unexpected" ]; then
        echo "not ok - $(basename "$f"): unexpected warnings"
        sed 's/^/    /' "$T/unexpected"
        fail=1
    else
        echo "ok - $(basename "$f"): only the deliberate warnings"
    fi
done
exit $fail
