#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# run-all.sh - every test relaywarden has, as CI runs them: install what is missing, build with
# -Werror and run unit and end-to-end tests, run them again under AddressSanitizer and
# UndefinedBehaviorSanitizer (the MIME corpus at every 13th split point there, at every one in
# the release build), fuzz the parsers for a bounded time, then make distcheck. Builds go to build-*/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)

t_start=$(date +%s)
step() { printf '\n==> [%d s] %s\n' "$(($(date +%s) - t_start))" "$*"; }
# failed_logs DIR: the whole log of every test under DIR that failed (its .trs says FAIL or
# ERROR), so that a CI run that fails says why.
failed_logs() {
    local trs
    grep -lE '^:test-result: (FAIL|ERROR)' $(find "$1" -name '*.trs' 2>/dev/null) /dev/null 2>/dev/null |
        while read -r trs; do
            printf '\n---- %s\n' "${trs%.trs}.log"
            tail -150 "${trs%.trs}.log"
        done
}

step "dependencies"
sh contrib/install-deps.sh

step "autoreconf"
autoreconf -fi >/dev/null

step "build with -Werror and run all tests"
mkdir -p build-release
(cd build-release && "$top/configure" -q --enable-werror &&
    make -s -j"$jobs" && make -s -j"$jobs" bench-programs && make -s -j"$jobs" check) ||
    { failed_logs build-release/tests; exit 1; }

step "AddressSanitizer + UndefinedBehaviorSanitizer: all tests"
mkdir -p build-asan
(cd build-asan && "$top/configure" -q --enable-werror --enable-sanitizers &&
    make -s -j"$jobs" && ASAN_OPTIONS=detect_leaks=1 RW_SPLIT_STRIDE=13 make -s -j"$jobs" check) ||
    { failed_logs build-asan/tests; exit 1; }

step "fuzzing: every parser of untrusted bytes and the rules parser, 20 s each (libFuzzer, ASan+UBSan)"
bash tests/fuzz/run.sh 20

step "make distcheck"
(cd build-release && make -s distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror) >build-release/distcheck.log 2>&1 ||
    { tail -60 build-release/distcheck.log; failed_logs build-release; exit 1; }
grep -E "archives ready|is ready for distribution" build-release/distcheck.log || true

step "summary"
# Individual checks, not programs: Check's "Checks: N, Failures: F, Errors: E" lines and the
# end-to-end scripts' "N passed, F failed" lines, over both builds.
awk '
    /^[0-9]+%: Checks: / { gsub(/,/, ""); p += $3 - $5 - $7; f += $5 + $7 }
    /^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3 }
    END { printf "%d passed, %d failed\n", p, f; exit f > 0 }
' build-release/tests/unit/*.log build-release/tests/e2e/*.log \
    build-asan/tests/unit/*.log build-asan/tests/e2e/*.log
