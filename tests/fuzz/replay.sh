#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# replay.sh - every fuzz harness over its kept corpus (crashers found by fuzzing included),
# built without libFuzzer (tests/fuzz/replay.c). A crash or a broken invariant aborts.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
cd "$top_builddir"
# as in run.sh: a too-large allocation is a NULL from malloc, as in the daemon, not ASan's abort
ASAN_OPTIONS="allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export ASAN_OPTIONS
status=0
for t in addr hdraddr textnorm authres rules decode mime attach textconv kw content smtpreply zipdir limit hygiene; do
    [ -x "tests/fuzz/replay_$t" ] || continue
    printf 'replay_%s: ' "$t"
    "tests/fuzz/replay_$t" "$top_srcdir/tests/fuzz/corpus/$t" || status=1
done
for t in audit; do # the static audit
    [ -x "tests/fuzz/replay_$t" ] || continue
    printf 'replay_%s: ' "$t"
    "tests/fuzz/replay_$t" "$top_srcdir/tests/fuzz/corpus/$t" || status=1
done
for t in geoip; do # geoip
    [ -x "tests/fuzz/replay_$t" ] || continue
    printf 'replay_%s: ' "$t"
    "tests/fuzz/replay_$t" "$top_srcdir/tests/fuzz/corpus/$t" || status=1
done
exit $status
