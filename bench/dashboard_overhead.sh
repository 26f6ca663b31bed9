#!/usr/bin/env bash
# dashboard_overhead.sh - does watching a benchmark slow it? `llmbench bench`
# alone (A) against the same bench with --dashboard and a headless Chromium
# showing its live view (B: page, event stream, charts; no automation
# attached while the bench runs: the page's latencies are read over the
# debugging port afterwards), alternating
# (A B, B A, ...) so a busy machine's drift hits both alike. Prints, per test,
# the median over pairs of B t/s / A t/s, and the noise: the median spread
# between consecutive A runs, with the 95% interval of the median ratio
# (order statistics). The page passes when |ratio - 1| is within the noise
# or the interval holds 1. Also prints how late the runner's events reached
# the page (ms, median and p90; the dashboard's target is 100 ms).
#
# usage: bench/dashboard_overhead.sh [-m MODEL] [-p N] [-n N] [-r REPS] [-k PAIRS]
#   defaults: wikillama-3M of ../shared/data, -p 512 -n 128, -r 5, 5 pairs
#   needs: build/llmbench, /usr/bin/chromium and deps/web-npm (scripts/setup.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
llmbench="${LLMBENCH:-$root/build/llmbench}"
pw="$root/deps/web-npm/node_modules/playwright-core"
model="" p=512 n=128 r=5 k=5
while getopts "m:p:n:r:k:" o; do
    case $o in
        m) model=$OPTARG ;; p) p=$OPTARG ;; n) n=$OPTARG ;; r) r=$OPTARG ;; k) k=$OPTARG ;;
        *) sed -n '2,12p' "$0" >&2; exit 2 ;;
    esac
done
[ -n "$model" ] || model="$root/../shared/data/wikillama-3M.gguf"
[ -f "$model" ] || { echo "dashboard_overhead: no model (use -m FILE)" >&2; exit 2; }
[ -x "$llmbench" ] || { echo "dashboard_overhead: $llmbench not built (make build)" >&2; exit 2; }
[ -x /usr/bin/chromium ] && [ -d "$pw" ] || { echo "dashboard_overhead: chromium or playwright-core missing (scripts/setup.sh)" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
cat > "$tmp/latency.cjs" <<'JS'
// after the bench: connects to the browser over its debugging port (nothing
// was connected while the bench ran) and writes the page's event latencies
// (ms) to a file
const fs = require('fs');
const { chromium } = require(process.argv[2]);
(async () => {
  const b = await chromium.connectOverCDP('http://127.0.0.1:' + process.argv[3]);
  const page = b.contexts().flatMap((c) => c.pages()).find((p) => p.url().includes('#live'));
  fs.writeFileSync(process.argv[4], JSON.stringify(page ? await page.evaluate(() => window.llmbLatency || []) : []));
  await b.close();
})().catch((e) => { console.error(e.message); process.exit(1); });
JS
# --delay: each test rests first (A alike), so the page has loaded and settled
# before anything is timed: its start-up is not what is measured
delay=8
args=(bench -m "$model" -p "$p" -n "$n" -r "$r" --delay $delay -o json --no-db --quiet)
echo "dashboard_overhead: $(basename "$model"), pp$p tg$n, -r $r, $k alternating pairs" >&2
for i in $(seq 1 "$k"); do
    if [ $((i % 2)) -eq 1 ]; then order="a b"; else order="b a"; fi
    for w in $order; do
        if [ "$w" = a ]; then
            "$llmbench" "${args[@]}" > "$tmp/a$i.json"
        else
            t0=$(date +%s%3N)
            "$llmbench" "${args[@]}" --dashboard=0 > "$tmp/b$i.json" 2> "$tmp/b$i.err" &
            bench=$!
            url=""
            for _ in $(seq 1 100); do
                url=$(grep -o 'http://[^ ]*' "$tmp/b$i.err" 2>/dev/null | head -1 || true)
                [ -n "$url" ] && break
                sleep 0.05
            done
            # the browser alone, as a user runs it: no automation attached while the bench
            # runs (a driver over the debugging protocol is woken by every event too)
            cdp=$((20000 + (RANDOM % 20000)))
            /usr/bin/chromium --headless=new --no-sandbox --disable-gpu --remote-debugging-port=$cdp \
                --user-data-dir="$tmp/profile$i" "$url#live" >/dev/null 2>&1 &
            chrome=$!
            port=${url##*:}
            port=${port%%/*}
            attached=""
            for _ in $(seq 1 200); do # the page's event stream open: a connection that stays
                if [ "$(ss -Htn state established "( dport = :$port )" | wc -l)" -ge 1 ]; then
                    attached=$(date +%s%3N)
                    break
                fi
                sleep 0.05
            done
            wait $bench
            node "$tmp/latency.cjs" "$pw" "$cdp" "$tmp/lat$i.json" 2>"$tmp/w$i.err" || true
            kill $chrome 2>/dev/null
            wait $chrome 2>/dev/null || true
            if [ -z "$attached" ]; then
                echo "dashboard_overhead: pair $i: the browser did not attach" >&2
            elif [ $((attached - t0)) -gt $(((delay - 2) * 1000)) ]; then
                echo "dashboard_overhead: pair $i: the page took $((attached - t0)) ms to attach (its start-up may be in the figures)" >&2
            fi
        fi
    done
done
python3 - "$tmp" "$k" <<'PY'
import json, statistics, sys
d, k = sys.argv[1], int(sys.argv[2])
def rates(path):
    return {("pp%d" % o["n_prompt"]) if o["n_gen"] == 0 else ("tg%d" % o["n_gen"]): o["avg_ts"] for o in json.load(open(path))}
a = [rates(f"{d}/a{i}.json") for i in range(1, k + 1)]
b = [rates(f"{d}/b{i}.json") for i in range(1, k + 1)]
from math import comb
def median_ci(xs):
    """95% interval of the median by order statistics: the widest ranks whose binomial tails hold <= 2.5% each"""
    xs, n = sorted(xs), len(xs)
    j, tail = 0, 0.0
    while j < n and tail + comb(n, j) / 2 ** n <= 0.025:
        tail += comb(n, j) / 2 ** n
        j += 1
    return (xs[j - 1], xs[n - j]) if j > 0 else (float("nan"), float("nan"))
print("| test | alone t/s (median) | with the page t/s (median) | ratio (median of pairs) | 95% interval | min | max | noise (A to A) |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
verdict = []
for t in a[0]:
    ratios = [y[t] / x[t] for x, y in zip(a, b)]
    noise = statistics.median(abs(a[i + 1][t] / a[i][t] - 1) for i in range(k - 1)) if k > 1 else float("nan")
    med = statistics.median(ratios)
    lo, hi = median_ci(ratios)
    verdict.append(abs(med - 1) <= noise or lo <= 1 <= hi)
    print(f"| {t} | {statistics.median(x[t] for x in a):.2f} | {statistics.median(y[t] for y in b):.2f} | {med:.3f} | "
          f"{lo:.3f}…{hi:.3f} | "
          f"{min(ratios):.3f} | {max(ratios):.3f} | ±{noise * 100:.1f}% |")
print("page overhead within the noise" if all(verdict) else "page overhead larger than the noise on some test")
import glob, os
lat = sorted(v for f in glob.glob(f"{d}/lat*.json") for v in json.load(open(f)))
if lat:
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
    print(f"event latency (runner to page, {len(lat)} events): median {q(0.5)} ms, p90 {q(0.9)} ms, max {lat[-1]} ms: "
          + ("within 100 ms" if q(0.5) <= 100 else "over 100 ms"))
else:
    print("event latency: no event was timed by the page")
PY
