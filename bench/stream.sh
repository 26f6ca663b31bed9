#!/usr/bin/env bash
# stream.sh - llmbench's memory bandwidth (hw --bandwidth) beside an
# independent STREAM-style build on the same machine: likwid-bench (Debian's
# likwid package; its hand-written assembly kernels load_avx, copy_avx and
# stream_avx = triad; the best of 5 runs, as llmbench's best of 5), same
# array size and thread count, alternating K
# times (A B A B ...) so a shared machine's drift hits both alike. Prints
# per kernel the median GB/s of each and their ratio; the target is a ratio
# within 0.85-1.15.
#
# usage: bench/stream.sh [-s SIZE_MIB] [-t THREADS] [-k PAIRS]
#   defaults: llmbench's own array size (4 x LLC, >= 256 MiB, <= 1 GiB and 1/8 of free RAM), physical cores, 3 pairs
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
llmbench="${LLMBENCH:-$root/build/llmbench}"
s="" t="" k=3
while getopts "s:t:k:" o; do
    case $o in
        s) s=$OPTARG ;; t) t=$OPTARG ;; k) k=$OPTARG ;;
        *) sed -n '2,12p' "$0" >&2; exit 2 ;;
    esac
done
[ -x "$llmbench" ] || { echo "stream: $llmbench not built (make build)" >&2; exit 2; }
command -v likwid-bench >/dev/null || { echo "stream: likwid-bench missing (apt-get install likwid; scripts/setup.sh installs it)" >&2; exit 2; }
[ -n "$t" ] || t=$(lscpu -p=core | grep -v '^#' | sort -u | wc -l)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
size=()
[ -n "$s" ] && size=(--bw-size "${s}M")

for i in $(seq 1 "$k"); do
    "$llmbench" hw --bandwidth --no-db --no-devices --json -t "$t" --bw-reps 5 "${size[@]}" >"$tmp/l.json"
    python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["bandwidth"]; print(b["read_gbs"], b["copy_gbs"], b["triad_gbs"], b["array_bytes"])' "$tmp/l.json" >>"$tmp/llmbench"
    mib=$(( $(tail -1 "$tmp/llmbench" | cut -d' ' -f4) / 1048576 ))
    line=""
    for kern in load_avx:1 copy_avx:2 stream_avx:3; do
        name=${kern%%:*} streams=${kern##*:}
        # likwid-bench's working set is every stream together; its MByte/s are 10^6 bytes/s
        # best of 5 runs, as llmbench (and STREAM) report the best repetition; likwid-bench
        # reports one run's mean over its iterations
        mbs=""
        for _ in 1 2 3 4 5; do
            m=$(likwid-bench -t "$name" -w "N:$((mib * streams))MB:$t" 2>/dev/null | awk '/^MByte\/s:/ {print $2}')
            [ -n "$m" ] || { echo "stream: likwid-bench -t $name gave no figure" >&2; exit 1; }
            mbs=$(awk -v a="$mbs" -v b="$m" 'BEGIN {print (a == "" || b > a) ? b : a}')
        done
        line="$line $(awk -v m="$mbs" 'BEGIN {printf "%.3f", m / 1000}')"
    done
    echo "$line" >>"$tmp/likwid"
done
python3 - "$tmp/llmbench" "$tmp/likwid" "$t" <<'PY'
import statistics, sys
a = [list(map(float, l.split()))[:3] for l in open(sys.argv[1])]
b = [list(map(float, l.split())) for l in open(sys.argv[2])]
mib = 0
print(f"threads {sys.argv[3]}, {len(a)} pairs, array {int(open(sys.argv[1]).readline().split()[3]) // 1048576} MiB")
print("| kernel | llmbench GB/s | likwid-bench GB/s | ratio |")
print("| --- | ---: | ---: | ---: |")
for i, name in enumerate(["read", "copy", "triad"]):
    x = statistics.median(r[i] for r in a)
    y = statistics.median(r[i] for r in b)
    print(f"| {name} | {x:.2f} | {y:.2f} | {x / y:.3f} |")
PY
