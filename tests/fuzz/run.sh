#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# run.sh - build the libFuzzer targets with clang (ASan+UBSan) and run each for a bounded time,
# with inputs up to 64 KiB and a dictionary of its grammar's tokens.
#   tests/fuzz/run.sh [SECONDS-PER-TARGET] [TARGET...]     (default 30 s, every target)
# A crash stops the run with the reproducer's path; add it to corpus/TARGET/ as a regression
# input (make check replays every corpus file through the harness built without libFuzzer).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${1:-30}
shift || true
targets=${*:-"addr hdraddr textnorm authres rules decode mime attach textconv kw content smtpreply zipdir limit geoip hygiene audit"}
out=${FUZZ_OUT:-$top/build-fuzz}
# An allocation larger than the machine can give returns NULL, as malloc does in the daemon,
# instead of ASan's abort: libarchive's 7z reader sizes buffers from header fields and must see
# the failure (crash-7z-huge-allocation in corpus/attach). Our own code bounds its buffers.
export ASAN_OPTIONS="allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
mkdir -p "$out"
if ! command -v clang >/dev/null; then
    echo "SKIP: clang is not installed (apt-get install clang)" >&2
    exit 77
fi
# The policy library once, instrumented for coverage and the sanitizers; each harness links it.
cflags=(-g -O1 -D_GNU_SOURCE -fno-sanitize-recover=all -I"$top/policy")
# shellcheck disable=SC2207
cflags+=($(pkg-config --cflags fribidi libhs libarchive libcrypto libpsl))
mkdir -p "$out/obj"
objs=()
for c in "$top"/policy/*.c; do
    o=$out/obj/$(basename "$c" .c).o
    objs+=("$o")
    [ "$o" -nt "$c" ] && [ -z "$(find "$top/policy" -name '*.h' -newer "$o")" ] && continue
    clang "${cflags[@]}" -fsanitize=fuzzer-no-link,address,undefined -c "$c" -o "$o" &
    [ "$(jobs -r | wc -l)" -ge "$(nproc)" ] && wait -n
done
wait
rm -f "$out/libpolicy-fuzz.a"
ar rcs "$out/libpolicy-fuzz.a" "${objs[@]}"
# Every harness built (as many at once as there are cores), then every fuzzer run, as many at
# once as there are cores: the time bound is per target, the wall time about its share.
built=()
for t in $targets; do
    [ -f "$here/fuzz_$t.c" ] || continue
    built+=("$t")
    # shellcheck disable=SC2046
    clang "${cflags[@]}" -fsanitize=fuzzer,address,undefined "$here/fuzz_$t.c" \
        "$out/libpolicy-fuzz.a" -lunistring $(pkg-config --libs fribidi libhs libarchive libcrypto libpsl) \
        -o "$out/fuzz_$t" &
    [ "$(jobs -r | wc -l)" -ge "$(nproc)" ] && wait -n
done
wait
for t in "${built[@]}"; do [ -x "$out/fuzz_$t" ] || { echo "fuzz_$t: did not build" >&2; exit 1; }; done
fuzz_one() { # TARGET: runs it; its summary on stdout, exit status non-zero on a crash
    local t=$1 dict=()
    mkdir -p "$out/corpus-$t"
    [ -f "$here/$t.dict" ] && dict=(-dict="$here/$t.dict")
    if ! (cd "$out" && "$out/fuzz_$t" -max_total_time="$secs" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}" \
        "$out/corpus-$t" "$here/corpus/$t") 2>"$out/fuzz_$t.log"; then
        echo "fuzz_$t: FAILED"
        tail -40 "$out/fuzz_$t.log"
        return 1
    fi
    printf 'fuzz_%s: %s s: ' "$t" "$secs"
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$out/fuzz_$t.log" | tr '\n' ' '
    grep -E "^#[0-9]+.*(DONE|INITED)" "$out/fuzz_$t.log" | tail -1 | grep -oE "cov: [0-9]+ ft: [0-9]+" || echo
}
failed=0
for t in "${built[@]}"; do
    fuzz_one "$t" >"$out/fuzz_$t.summary" &
    if [ "$(jobs -r | wc -l)" -ge "$(nproc)" ]; then wait -n || failed=1; fi
done
while [ "$(jobs -r | wc -l)" -gt 0 ]; do wait -n || failed=1; done
wait || failed=1
for t in "${built[@]}"; do
    cat "$out/fuzz_$t.summary"
    grep -q "^fuzz_$t: FAILED" "$out/fuzz_$t.summary" && failed=1
done
exit "$failed"
