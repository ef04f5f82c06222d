#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# run.sh - build the libFuzzer targets with clang (ASan+UBSan) and run each for a bounded time.
#   tests/fuzz/run.sh [SECONDS-PER-TARGET]     (default 30)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${1:-30}
out=${FUZZ_OUT:-$top/build-fuzz}
mkdir -p "$out"
if ! command -v clang >/dev/null; then
    echo "SKIP: clang is not installed (apt-get install clang)" >&2
    exit 77
fi
src=$(ls "$top"/policy/*.c)
for t in addr hdraddr rules; do
    # shellcheck disable=SC2086
    clang -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -I"$top/policy" "$here/fuzz_$t.c" $src -o "$out/fuzz_$t"
    mkdir -p "$out/corpus-$t"
    echo "fuzz_$t: $secs s"
    "$out/fuzz_$t" -max_total_time="$secs" -max_len=1024 -timeout=10 -print_final_stats=1 \
        "$out/corpus-$t" "$here/corpus/$t" 2>"$out/fuzz_$t.log" ||
        { tail -40 "$out/fuzz_$t.log"; exit 1; }
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$out/fuzz_$t.log" | tr '\n' ' '
    echo
done
rm -f /tmp/rw-fuzz-rules.*
