#!/usr/bin/env bash
# noise.sh - are llmbench's figures steadier than llama-bench's on a noisy
# machine, and are its intervals honest?
#  1. K runs of each tool, alternating (A B, B A, ...), -r 5 on the same
#     model, sizes and threads: the run-to-run coefficient of variation
#     (sd / mean over runs, %) of each tool's headline figure: llmbench's
#     median t/s (median_ts) and llama-bench's mean (avg_ts). The target:
#     llmbench's CV at most half of llama-bench's.
#  2. K runs of llmbench -r auto (the 95% interval of the median within
#     --ci-target) into the store that holds part 1's llmbench runs (as a
#     user's store holds earlier runs of a configuration): how many of the K
#     intervals across runs (run_ci_lo_ts..run_ci_hi_ts, docs/metrics.md,
#     from the store's history and the prior) hold the median of
#     all their samples pooled (the target: at least 9 of 10: the intervals
#     are honest), beside the within-run intervals' count, the repetitions
#     and wall time each answer took, and why they stopped.
#
# usage: bench/noise.sh [-m MODEL] [-p N] [-n N] [-t N] [-k RUNS] [-d DIR]
#   defaults: ../shared/data/wikillama-3M.gguf, -p 512 -n 128, -t 2, 10 runs;
#   -d DIR keeps every run's JSON there (a*.json llmbench, b*.json llama-bench, auto*.json)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
llmbench="${LLMBENCH:-$root/build/llmbench}"
llamabench="${LLAMA_BENCH:-$root/deps/llama-build/bin/llama-bench}"
model="$root/../shared/data/wikillama-3M.gguf" p=512 n=128 t=2 k=10 keep=""
while getopts "m:p:n:t:k:d:" o; do
    case $o in
        m) model=$OPTARG ;; p) p=$OPTARG ;; n) n=$OPTARG ;; t) t=$OPTARG ;; k) k=$OPTARG ;; d) keep=$OPTARG ;;
        *) sed -n '2,19p' "$0" >&2; exit 2 ;;
    esac
done
[ -f "$model" ] || { echo "noise: no model '$model' (use -m FILE)" >&2; exit 2; }
[ -x "$llmbench" ] || { echo "noise: $llmbench not built (make build)" >&2; exit 2; }
[ -x "$llamabench" ] || { echo "noise: $llamabench missing (scripts/setup.sh)" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if [ -n "$keep" ]; then mkdir -p "$keep" && trap 'cp "$tmp"/*.json "$keep"/ 2>/dev/null; rm -rf "$tmp"' EXIT; fi
echo "noise: $(basename "$model"), pp$p tg$n, -t $t: $k alternating runs of each tool at -r 5, then $k of llmbench -r auto" >&2
for i in $(seq 1 "$k"); do
    if [ $((i % 2)) -eq 1 ]; then order="a b"; else order="b a"; fi
    for w in $order; do
        if [ "$w" = a ]; then
            "$llmbench" bench -m "$model" -p "$p" -n "$n" -t "$t" -r 5 -o json --db "$tmp/auto.db" --quiet > "$tmp/a$i.json"
        else
            "$llamabench" -m "$model" -p "$p" -n "$n" -t "$t" -r 5 -o json > "$tmp/b$i.json" 2>/dev/null
        fi
    done
done
for i in $(seq 1 "$k"); do
    s=$(date +%s.%N)
    "$llmbench" bench -m "$model" -p "$p" -n "$n" -t "$t" -r auto -o json --db "$tmp/auto.db" --quiet > "$tmp/auto$i.json"
    echo "$(date +%s.%N) - $s" | bc > "$tmp/wall$i"
done
python3 - "$tmp" "$k" <<'PY'
import json, statistics, sys
d, k = sys.argv[1], int(sys.argv[2])
name = lambda o: ("pp%d" % o["n_prompt"]) if o["n_gen"] == 0 else ("tg%d" % o["n_gen"])
def load(prefix):
    return [{name(o): o for o in json.load(open(f"{d}/{prefix}{i}.json"))} for i in range(1, k + 1)]
a, b, auto = load("a"), load("b"), load("auto")
cv = lambda xs: 100 * statistics.stdev(xs) / statistics.mean(xs)
print(f"## 1. run-to-run variation, {k} runs of each tool at -r 5 (alternating)\n")
print("| test | llmbench median t/s (median of runs) | CV llmbench (median) | llama-bench avg t/s (median of runs) | CV llama-bench (mean) | ratio of CVs |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
ok1 = True
for t in a[0]:
    x = [r[t]["median_ts"] for r in a]
    y = [r[t]["avg_ts"] for r in b]
    ratio = cv(x) / cv(y) if cv(y) > 0 else float("inf")
    ok1 &= ratio <= 0.5
    print(f"| {t} | {statistics.median(x):.2f} | {cv(x):.2f}% | {statistics.median(y):.2f} | {cv(y):.2f}% | {ratio:.2f} |")
print("\nllmbench's CV is at most half of llama-bench's on every test" if ok1 else
      "\nllmbench's CV is NOT at most half of llama-bench's on some test (target: ratio <= 0.50)")
print(f"\n## 2. -r auto: {k} runs (into the store of part 1's runs: each run's interval across runs draws on the runs before it), "
      "the 95% intervals against the median of all samples pooled\n")
print("| test | across runs (run_ci) holding the pooled median | within the run (median_ci) holding it | pooled median t/s | repetitions (min…max) | stopped | mean half-width within / across |")
print("| --- | ---: | ---: | ---: | ---: | --- | ---: |")
ok2 = True
for t in auto[0]:
    pooled = statistics.median(v for r in auto for v in r[t]["samples_ts"])
    held = sum(r[t]["run_ci_lo_ts"] <= pooled <= r[t]["run_ci_hi_ts"] for r in auto)
    held_in = sum(r[t]["median_ci_lo_ts"] <= pooled <= r[t]["median_ci_hi_ts"] for r in auto)
    ok2 &= held >= (9 * k + 9) // 10
    reps = [r[t]["reps"] for r in auto]
    why = {}
    for r in auto:
        why[r[t]["stop_reason"]] = why.get(r[t]["stop_reason"], 0) + 1
    half = statistics.mean(r[t]["median_ci_half_pct"] for r in auto)
    across = statistics.mean(100 * max(r[t]["median_ts"] - r[t]["run_ci_lo_ts"], r[t]["run_ci_hi_ts"] - r[t]["median_ts"])
                             / r[t]["median_ts"] for r in auto)
    print(f"| {t} | {held} of {k} | {held_in} of {k} | {pooled:.2f} | {min(reps)}…{max(reps)} | "
          f"{', '.join(f'{v} {n}' for n, v in sorted(why.items()))} | ±{half:.2f}% / ±{across:.2f}% |")
walls = [float(open(f"{d}/wall{i}").read()) for i in range(1, k + 1)]
print(f"\nwall time per -r auto answer (both tests): median {statistics.median(walls):.1f} s, "
      f"min {min(walls):.1f} s, max {max(walls):.1f} s")
print("the intervals are honest (at least 9 of 10 hold the pooled median)" if ok2 else
      "the intervals are NOT honest on some test (fewer than 9 of 10 hold the pooled median)")
PY
