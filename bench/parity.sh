#!/usr/bin/env bash
# parity.sh - llmbench bench vs llama-bench, same model, threads and sizes, in
# one alternating run (A B A B ...), so drift of a shared, noisy machine hits
# both alike. Prints, per test, the median over pairs of llmbench t/s divided
# by llama-bench t/s; the target is >= 0.98.
#
# usage: bench/parity.sh [-m MODEL] [-p N] [-n N] [-t N] [-r REPS] [-k PAIRS]
#   defaults: the largest model of ../shared/data, -p 512 -n 128, physical cores, -r 5, 5 pairs
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
llmbench="${LLMBENCH:-$root/build/llmbench}"
llamabench="${LLAMA_BENCH:-$root/deps/llama-build/bin/llama-bench}"
model="" p=512 n=128 t="" r=5 k=5
while getopts "m:p:n:t:r:k:" o; do
    case $o in
        m) model=$OPTARG ;; p) p=$OPTARG ;; n) n=$OPTARG ;; t) t=$OPTARG ;; r) r=$OPTARG ;; k) k=$OPTARG ;;
        *) sed -n '2,9p' "$0" >&2; exit 2 ;;
    esac
done
if [ -z "$model" ]; then
    for c in "$root/../shared/data/wikillama-3M.gguf" "$root/../shared/data/stories260K.gguf"; do
        [ -f "$c" ] && { model=$c; break; }
    done
fi
[ -n "$model" ] && [ -f "$model" ] || { echo "parity: no model (use -m FILE)" >&2; exit 2; }
[ -x "$llmbench" ] || { echo "parity: $llmbench not built (make build)" >&2; exit 2; }
[ -x "$llamabench" ] || { echo "parity: $llamabench missing (make setup)" >&2; exit 2; }
[ -n "$t" ] || t=$(lscpu -p=core | grep -v '^#' | sort -u | wc -l)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "parity: model $(basename "$model"), pp$p tg$n, $t threads, -r $r, $k alternating pairs" >&2
for i in $(seq 1 "$k"); do
    # alternate who goes first, so neither always runs on a warmer machine
    if [ $((i % 2)) -eq 1 ]; then order="a b"; else order="b a"; fi
    for w in $order; do
        if [ "$w" = a ]; then
            "$llmbench" bench -m "$model" -p "$p" -n "$n" -t "$t" -r "$r" -o json --no-db > "$tmp/a$i.json"
        else
            "$llamabench" -m "$model" -p "$p" -n "$n" -t "$t" -r "$r" -o json > "$tmp/b$i.json" 2>/dev/null
        fi
    done
done
python3 - "$tmp" "$k" <<'PY'
import json, statistics, sys
d, k = sys.argv[1], int(sys.argv[2])
def rates(path):
    return {("pp%d" % o["n_prompt"]) if o["n_gen"] == 0 else ("tg%d" % o["n_gen"]): o["avg_ts"] for o in json.load(open(path))}
tests = {}
for i in range(1, k + 1):
    a, b = rates(f"{d}/a{i}.json"), rates(f"{d}/b{i}.json")
    for t in a:
        tests.setdefault(t, []).append((a[t], b[t]))
worst = None
print("| test | llmbench t/s (median) | llama-bench t/s (median) | ratio (median of pairs) | min | max |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for t, pairs in tests.items():
    ratios = [a / b for a, b in pairs]
    med = statistics.median(ratios)
    worst = med if worst is None else min(worst, med)
    print(f"| {t} | {statistics.median(a for a, _ in pairs):.2f} | {statistics.median(b for _, b in pairs):.2f} | "
          f"{med:.3f} | {min(ratios):.3f} | {max(ratios):.3f} |")
print(f"parity ratio (worst test): {worst:.3f}  (target >= 0.98)")
PY
