#!/usr/bin/env bash
# spread.sh - where does the run-to-run spread of a benchmark come from?
# Runs llama-bench K times per variant (alternating: A B C D, D C B A, ...)
# at -r 5 and prints, per variant and test, the coefficient of variation
# over runs of each run's mean (llama-bench's figure) and of the median of
# the same run's samples (llmbench's figure), and the runs' figures in
# order. When both CVs are alike, the spread is between runs (the machine's
# speed moving, every repetition of a run alike), which no estimator over
# one run's samples can remove; when the median's is much smaller, it is
# outliers inside runs (preemption), which the median removes.
# Default variants: llama-bench as is, without address-space randomisation
# (setarch -R), with pinned threads (--cpu-strict 1), and with the weights
# read rather than mapped (-lm none).
#
# usage: bench/spread.sh [-m MODEL] [-p N] [-n N] [-t N] [-k RUNS] [VARIANT...]
#   VARIANT: "name|command prefix|extra llama-bench flags"
#   defaults: ../shared/data/wikillama-3M.gguf, -p 512 -n 128, -t 2, 12 runs
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
lb="${LLAMA_BENCH:-$root/deps/llama-build/bin/llama-bench}"
model="$root/../shared/data/wikillama-3M.gguf" p=512 n=128 t=2 k=12
while getopts "m:p:n:t:k:" o; do
    case $o in
        m) model=$OPTARG ;; p) p=$OPTARG ;; n) n=$OPTARG ;; t) t=$OPTARG ;; k) k=$OPTARG ;;
        *) sed -n '2,17p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ -f "$model" ] || { echo "spread: no model '$model' (use -m FILE)" >&2; exit 2; }
[ -x "$lb" ] || { echo "spread: $lb missing (scripts/setup.sh)" >&2; exit 2; }
[ $# -gt 0 ] || set -- "default||" "no-aslr|setarch -R|" "pinned||--cpu-strict 1" "read||-lm none"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "spread: $(basename "$model"), pp$p tg$n -t $t -r 5, $k runs of each of $# variants" >&2
for i in $(seq 1 "$k"); do
    vs=("$@")
    if [ $((i % 2)) -eq 0 ]; then vs=(); for ((j = $#; j >= 1; j--)); do vs+=("${!j}"); done; fi
    for v in "${vs[@]}"; do
        IFS='|' read -r name pre extra <<<"$v"
        # shellcheck disable=SC2086
        $pre "$lb" -m "$model" -p "$p" -n "$n" -t "$t" -r 5 -o json $extra >"$tmp/$name.$i.json" 2>"$tmp/err" ||
            { echo "spread: $name failed: $(tail -2 "$tmp/err")" >&2; exit 1; }
    done
done
python3 - "$tmp" "$k" "$@" <<'PY'
import json, statistics as st, sys
d, k = sys.argv[1], int(sys.argv[2])
cv = lambda x: 100 * st.stdev(x) / st.mean(x)
print("| variant | test | mean t/s | CV of the mean | CV of the median | runs' means in order |")
print("| --- | --- | ---: | ---: | ---: | --- |")
for v in sys.argv[3:]:
    name = v.split("|")[0]
    runs = [json.load(open(f"{d}/{name}.{i}.json")) for i in range(1, k + 1)]
    for j, o in enumerate(runs[0]):
        test = f'pp{o["n_prompt"]}' if o["n_gen"] == 0 else f'tg{o["n_gen"]}'
        means = [r[j]["avg_ts"] for r in runs]
        meds = [st.median(r[j]["samples_ts"]) for r in runs]
        print(f"| {name} | {test} | {st.mean(means):.1f} | {cv(means):.2f}% | {cv(meds):.2f}% | {' '.join('%.0f' % m for m in means)} |")
PY
