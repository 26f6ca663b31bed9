#!/usr/bin/env bash
# blas.sh - the BLAS backend (Debian's OpenBLAS) as a second CPU backend:
# llmbench on the default build (CPU) against llmbench-blas, and
# llmbench-blas against the BLAS build's own llama-bench, in alternating
# pairs (A B, B A, ...), pp512 and tg128 at -r 3; prints each configuration's
# median t/s over the pairs and the ratios (BLAS / CPU: what the backend
# brings on this machine; llmbench-blas / llama-bench: the two tools agree).
# usage: bench/blas.sh [-m MODEL] [-k PAIRS] [-t THREADS] [-p N] [-n N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cpu="${LLMBENCH:-$root/build/llmbench}"
blas="$(dirname "$cpu")/llmbench-blas"
lb="$root/deps/llama-build-blas/bin/llama-bench"
model="$root/../shared/data/wikillama-3M.gguf" k=5 t="" p=512 n=128
while getopts "m:k:t:p:n:" o; do
    case $o in m) model=$OPTARG ;; k) k=$OPTARG ;; t) t=$OPTARG ;; p) p=$OPTARG ;; n) n=$OPTARG ;;
        *) sed -n '2,9p' "$0" >&2; exit 2 ;; esac
done
[ -f "$model" ] || { echo "blas: no model $model (use -m)" >&2; exit 2; }
[ -x "$blas" ] && [ -x "$lb" ] || { echo "blas: $blas or $lb missing (scripts/setup.sh, then make build)" >&2; exit 2; }
[ -n "$t" ] || t=$(lscpu -p=core | grep -v '^#' | sort -u | wc -l)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "blas: $(basename "$model"), pp$p tg$n, -t $t, $k alternating rounds of llmbench (CPU), llmbench-blas, llama-bench (BLAS build)" >&2
for i in $(seq 1 "$k"); do
    if [ $((i % 2)) -eq 1 ]; then order="cpu blas lb"; else order="lb blas cpu"; fi
    for w in $order; do
        case $w in
            cpu) "$cpu" bench -m "$model" -p "$p" -n "$n" -r 3 -t "$t" -o json --no-db --quiet >"$tmp/cpu.$i.json" ;;
            blas) "$blas" bench -m "$model" -p "$p" -n "$n" -r 3 -t "$t" -o json --no-db --quiet >"$tmp/blas.$i.json" ;;
            lb) "$lb" -m "$model" -p "$p" -n "$n" -r 3 -t "$t" -o json 2>/dev/null >"$tmp/lb.$i.json" ;;
        esac
    done
done
python3 - "$tmp" "$k" <<'PY'
import json, statistics, sys
d, k = sys.argv[1], int(sys.argv[2])
runs = {w: [json.load(open(f"{d}/{w}.{i}.json")) for i in range(1, k + 1)] for w in ("cpu", "blas", "lb")}
print("| test | llmbench (CPU) t/s | llmbench-blas t/s | llama-bench (BLAS) t/s | BLAS / CPU | llmbench-blas / llama-bench |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for j, r in enumerate(runs["cpu"][0]):
    test = f'pp{r["n_prompt"]}' if r["n_prompt"] else f'tg{r["n_gen"]}'
    med = {w: statistics.median(x[j]["avg_ts"] for x in runs[w]) for w in runs}
    # pairwise ratios round by round, then their median
    bc = statistics.median(runs["blas"][i][j]["avg_ts"] / runs["cpu"][i][j]["avg_ts"] for i in range(k))
    bl = statistics.median(runs["blas"][i][j]["avg_ts"] / runs["lb"][i][j]["avg_ts"] for i in range(k))
    print(f'| {test} | {med["cpu"]:.2f} | {med["blas"]:.2f} | {med["lb"]:.2f} | {bc:.3f} | {bl:.3f} |')
print(f'\nbackends: {runs["cpu"][0][0]["backends"]} / {runs["blas"][0][0]["backends"]} / {runs["lb"][0][0]["backends"]}')
PY
