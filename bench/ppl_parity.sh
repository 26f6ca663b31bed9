#!/usr/bin/env bash
# ppl_parity.sh - llmbench quality --ppl vs llama-perplexity on the same model,
# text and settings, alternating (A B B A ...): prints both final PPLs (they
# must agree within 0.01%), and the median ratio of llmbench's time to
# llama-perplexity's, per pass (as each prints it) and for the whole run
# (wall clock of each process). Target: time ratio <= 1.02.
#
# usage: bench/ppl_parity.sh [-m MODEL] [-f TEXT] [-c N] [-b N] [-k PAIRS] [--chunks N]
#   defaults: ../shared/data/wikillama-3M.gguf, its held-out text, -c 256 -b 256, 5 pairs
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
llmbench="${LLMBENCH:-$root/build/llmbench}"
lp="${LLAMA_PERPLEXITY:-$root/deps/llama-build/bin/llama-perplexity}"
data="$root/../shared/data"
model="$data/wikillama-3M.gguf" text="$data/wikitext-2-heldout.txt" c=256 b=256 k=5 chunks=""
while [ $# -gt 0 ]; do
    case $1 in
        -m) model=$2; shift 2 ;; -f) text=$2; shift 2 ;; -c) c=$2; shift 2 ;; -b) b=$2; shift 2 ;;
        -k) k=$2; shift 2 ;; --chunks) chunks="--chunks $2"; shift 2 ;;
        *) sed -n '2,10p' "$0" >&2; exit 2 ;;
    esac
done
[ -f "$model" ] && [ -f "$text" ] || { echo "ppl_parity: need a model and a text (-m, -f)" >&2; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
echo "ppl_parity: $(basename "$model") on $(basename "$text"), -c $c -b $b $chunks, $k alternating pairs" >&2
for i in $(seq 1 "$k"); do
    if [ $((i % 2)) -eq 1 ]; then order="a b"; else order="b a"; fi
    for w in $order; do
        t0=$(now)
        if [ $w = a ]; then
            # shellcheck disable=SC2086
            "$llmbench" quality -m "$model" --ppl "$text" -c "$c" -b "$b" $chunks --force --quiet --no-db -o json > "$tmp/a$i.json"
        else
            # shellcheck disable=SC2086
            "$lp" -m "$model" -f "$text" -c "$c" -b "$b" $chunks > "$tmp/b$i.txt" 2>&1
        fi
        echo "$t0 $(now)" > "$tmp/$w$i.wall"
    done
done
python3 - "$tmp" "$k" <<'PY'
import json, re, statistics, sys
d, k = sys.argv[1], int(sys.argv[2])
per_pass, wall, ppl = [], [], None
for i in range(1, k + 1):
    a = json.load(open(f"{d}/a{i}.json"))[0]
    b = open(f"{d}/b{i}.txt").read()
    m = re.search(r"Final estimate: PPL = ([0-9.]+) \+/- ([0-9.]+)", b)
    s = re.search(r"([0-9.]+) seconds per pass", b)
    ppl = (a["ppl"], a["ppl_err"], float(m.group(1)), float(m.group(2)))
    per_pass.append(a["seconds_per_pass"] / float(s.group(1)))
    span = lambda f: (lambda t: float(t[1]) - float(t[0]))(open(f).read().split())
    wall.append(span(f"{d}/a{i}.wall") / span(f"{d}/b{i}.wall"))
print(f"PPL llmbench {ppl[0]:.4f} +/- {ppl[1]:.5f}   llama-perplexity {ppl[2]:.4f} +/- {ppl[3]:.5f}   "
      f"difference {100 * abs(ppl[0] - ppl[2]) / ppl[2]:.4f}%")
print(f"time per pass, llmbench / llama-perplexity: median {statistics.median(per_pass):.3f} "
      f"(min {min(per_pass):.3f}, max {max(per_pass):.3f})")
print(f"whole run (wall), llmbench / llama-perplexity: median {statistics.median(wall):.3f} "
      f"(min {min(wall):.3f}, max {max(wall):.3f})  (target <= 1.02)")
PY
