#!/usr/bin/env bash
# synth_parity.sh - the files `llmbench synth` and `quantize` write, measured
# by llama-bench and by llmbench in one alternating run each (bench/parity.sh):
# prints per file the median ratio llmbench / llama-bench for pp and tg.
#
# usage: bench/synth_parity.sh [-s SHAPE] [-q TYPES] [-p N] [-n N] [-r REPS] [-k PAIRS]
#   defaults: -s small -q F16,Q8_0,Q4_K_M -p 128 -n 32 -r 3 -k 3 (files cached in the data folder)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
llmbench="${LLMBENCH:-$root/build/llmbench}"
shape=small types=F16,Q8_0,Q4_K_M p=128 n=32 r=3 k=3
while getopts "s:q:p:n:r:k:" o; do
    case $o in
        s) shape=$OPTARG ;; q) types=$OPTARG ;; p) p=$OPTARG ;; n) n=$OPTARG ;; r) r=$OPTARG ;; k) k=$OPTARG ;;
        *) sed -n '2,8p' "$0" >&2; exit 2 ;;
    esac
done
dir="${XDG_DATA_HOME:-$HOME/.local/share}/llmbench/models"
mkdir -p "$dir"
f16="$dir/synth-$shape-s42-F16.gguf"
[ -f "$f16" ] || "$llmbench" synth "$shape" -o "$f16" --quiet >&2
quants=$(echo "$types" | tr ',' '\n' | grep -v '^F16$' | paste -sd, || true)
[ -z "$quants" ] || "$llmbench" quantize -m "$f16" -q "$quants" -O "$dir" --quiet >/dev/null
for t in $(echo "$types" | tr ',' ' '); do
    f="$dir/synth-$shape-s42-$t.gguf"
    echo "== $shape $t ($(basename "$f"))"
    bash "$root/bench/parity.sh" -m "$f" -p "$p" -n "$n" -r "$r" -k "$k" 2>/dev/null | tail -n +3
done
