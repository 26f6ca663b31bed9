#!/usr/bin/env bash
# fuzz.sh - builds the libFuzzer targets (tests/fuzz/fuzz_*.c) with clang in
# build-fuzz/ and runs each for a bounded time, one after the other, at the
# lowest CPU priority. Inputs that crash, leak, run out of memory or time out
# are written to tests/fuzz/regressions/<target>/, where the ordinary build's
# ctest replays them (tests/CMakeLists.txt): commit them with the fix.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET (600)] [TARGET...]   (default: all)
# Environment: FUZZ_KEEP_GOING=1 runs in libFuzzer's fork mode and carries on
# after a crash (each one saved), to measure a target with a known open bug.
# Prints per target: seconds run (less than asked when a crash stops it),
# executions, final coverage (cov: edges, ft: features),
# corpus size (build-fuzz/corpus/<target>/, kept between runs; the committed
# seeds in tests/fuzz/corpus/<target>/ are read, never written) and crashes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-600}"
[ $# -gt 0 ] && shift
case "$secs" in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2; exit 2 ;; esac
build="$root/build-fuzz"
jobs="$(nproc 2>/dev/null || echo 2)"

die() { printf 'fuzz: error: %s\n' "$*" >&2; exit 1; }

command -v clang >/dev/null || die "clang is not installed (apt-get install clang libclang-rt-14-dev)"
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; (void)n; return 0; }\n' > "$probe/p.c"
clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" 2>/dev/null ||
    die "clang cannot build libFuzzer programs (apt-get install libclang-rt-14-dev)"

if [ $# -eq 0 ]; then
    set -- $(cd "$root/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//')
fi
for t in "$@"; do [ -f "$root/tests/fuzz/$t.c" ] || die "no target '$t' (tests/fuzz/$t.c)"; done

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DLLMB_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
nice -n 19 cmake --build "$build" -j "$jobs" --target "$@" >/dev/null

mode=()
[ "${FUZZ_KEEP_GOING:-0}" = 1 ] && mode=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)

count() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l; }

printf '| target | seconds run | executions | cov | ft | corpus | crashes |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n'
status=0
for t in "$@"; do
    corpus="$build/corpus/$t"
    regress="$root/tests/fuzz/regressions/$t"
    log="$build/logs/$t.log"
    mkdir -p "$corpus" "$regress" "$(dirname "$log")"
    before=$(count "$regress")
    start=$(date +%s)
    nice -n 19 "$build/tests/fuzz/$t" "${mode[@]}" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$regress/" "$corpus" "$root/tests/fuzz/corpus/$t" >"$log" 2>&1 || true
    ran=$(( $(date +%s) - start ))
    crashes=$(( $(count "$regress") - before ))
    # the last status line ("#N ... cov: C ft: F ..."); executions from the final stats when printed
    last="$(grep -aE '^#[0-9]+:?[[:space:]].*cov: ' "$log" | tail -n 1 || true)"
    execs="$(LC_ALL=C sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    [ -n "$execs" ] || execs="$(printf '%s' "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')"
    cov="$(printf '%s' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')"
    ft="$(printf '%s' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')"
    units="$(printf '%s' "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')"
    size="$(du -sh "$corpus" | cut -f1)"
    printf '| %s | %s | %s | %s | %s | %s units (%s) | %s |\n' "$t" "$ran" "${execs:-?}" "${cov:-?}" "${ft:-?}" \
        "${units:-?}" "$size" "$crashes"
    if [ "$crashes" -gt 0 ]; then
        status=1
        printf 'fuzz: %s: %d new input(s) in %s; log: %s\n' "$t" "$crashes" "tests/fuzz/regressions/$t" "$log" >&2
    fi
done
exit $status
