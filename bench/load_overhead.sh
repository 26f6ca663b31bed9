#!/usr/bin/env bash
# load_overhead.sh - is llmbench load's client the bottleneck? It drives the
# fast mock server (tests/fixtures/mock_openai.py, loopback) at C concurrent
# streams (default 1,000), each streaming O tokens T ms apart, N requests in
# all, and prints what the client costs and sustains: its CPU per token and
# per request, the streamed tokens/s it sustained against the tokens/s the
# pacing asks for, and the delay from the mock's own send stamp (in every
# chunk, CLOCK_MONOTONIC) to the client's arrival stamp (socket, scheduling
# and the event loop's lag), beside the mock's own CPU use.
# Then the same load through a Python client for comparison
# (bench/load_python.py: aiohttp in the style of vLLM's benchmark_serving,
# Debian's python3-aiohttp): the two clients alternate against the same mock
# server (R rounds: llmbench first in odd rounds, Python first in even ones),
# and their figures are printed side by side (medians over the rounds) with
# the ratio Python / llmbench: output tok/s, TTFT and ITL p50/p99, client CPU.
#
# usage: bench/load_overhead.sh [-c CONC] [-n REQUESTS] [-o TOKENS] [-t TOK_MS] [-r ROUNDS]
#   defaults: -c 1000 -n 3000 -o 64 -t 100 -r 1   (1,000 streams x 10 tok/s = 10,000 tok/s asked)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
llmbench="${LLMBENCH:-$root/build/llmbench}"
c=1000 n=3000 o=64 t=100 r=1
while getopts "c:n:o:t:r:" opt; do
    case $opt in
        c) c=$OPTARG ;; n) n=$OPTARG ;; o) o=$OPTARG ;; t) t=$OPTARG ;; r) r=$OPTARG ;;
        *) sed -n '2,18p' "$0" >&2; exit 2 ;;
    esac
done
[ -x "$llmbench" ] || { echo "load_overhead: $llmbench not built (make build)" >&2; exit 2; }
[ "$r" -ge 1 ] 2>/dev/null || { echo "load_overhead: -r takes a number of rounds >= 1, not '$r'" >&2; exit 2; }
py="" # a python3 with aiohttp: the one on PATH, or Debian's
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import aiohttp' 2>/dev/null; then py="$p"; break; fi
done
[ -n "$py" ] || echo "load_overhead: no python3 with aiohttp (scripts/setup.sh installs python3-aiohttp): llmbench alone" >&2
ulimit -n 8192 2>/dev/null || true
tmp="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
python3 "$root/tests/fixtures/mock_openai.py" --tok-ms "$t" >"$tmp/mock.out" 2>"$tmp/mock.err" &
mock=$!
for _ in $(seq 100); do grep -q PORT "$tmp/mock.out" 2>/dev/null && break; sleep 0.05; done
port=$(awk '/^PORT/ {print $2}' "$tmp/mock.out")
[ -n "$port" ] || { echo "load_overhead: the mock did not start: $(cat "$tmp/mock.err")" >&2; exit 1; }
cpu_of() { awk '{print ($14 + $15) / '"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }

# run_llmbench K / run_python K: one run of the load; the figures in $tmp/{llmb,py}K.json, and the
# mock's CPU seconds and the wall time in $tmp/{llmb,py}K.mock ("CPU WALL")
run_llmbench() {
    local m0 m1 start
    m0=$(cpu_of $mock); start=$(date +%s.%N)
    "$llmbench" load --url "http://127.0.0.1:$port" --model mock -c "$c" -N "$n" --warmup 1 --input-len 16 --output-len "$o" \
        --timeout 600 --idle-timeout 60 --db "$tmp/r$1.db" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    m1=$(cpu_of $mock)
    echo "$(echo "$m1 - $m0" | bc) $(echo "$(date +%s.%N) - $start" | bc)" >"$tmp/llmb$1.mock"
    "$llmbench" export --db "$tmp/r$1.db" -f json >"$tmp/e.json"
    python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))[-1], open(sys.argv[2], "w"))' "$tmp/e.json" "$tmp/llmb$1.json"
}
run_python() {
    local m0 m1 start
    m0=$(cpu_of $mock); start=$(date +%s.%N)
    "$py" "$root/bench/load_python.py" --url "http://127.0.0.1:$port" --model mock -c "$c" -N "$n" --warmup 1 --input-len 16 \
        --output-len "$o" >"$tmp/py$1.json" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    m1=$(cpu_of $mock)
    echo "$(echo "$m1 - $m0" | bc) $(echo "$(date +%s.%N) - $start" | bc)" >"$tmp/py$1.mock"
}
for k in $(seq 1 "$r"); do
    if [ -z "$py" ]; then run_llmbench "$k"
    elif [ $((k % 2)) -eq 1 ]; then run_llmbench "$k"; run_python "$k"
    else run_python "$k"; run_llmbench "$k"; fi
done

python3 - "$tmp" "$r" "$c" "$o" "$t" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" "${py:+yes}" <<'PY'
import json, os, statistics, sys
tmp, rounds, c, o, t, cores, load, have_py = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6], sys.argv[7], sys.argv[8] == "yes"
def runs(who):
    out = []
    for k in range(1, rounds + 1):
        if os.path.exists("%s/%s%d.json" % (tmp, who, k)):
            r = json.load(open("%s/%s%d.json" % (tmp, who, k)))
            mc, wall = map(float, open("%s/%s%d.mock" % (tmp, who, k)).read().split())
            r["mock_cpu_pct"] = 100 * mc / wall
            # llmbench stores its client CPU per token; the seconds over the open loop from it
            r.setdefault("client_cpu_s", r["load_client_cpu_us_per_token"] * r["load_output_tokens"] / 1e6)
            out.append(r)
    return out
L, P = runs("llmb"), runs("py")
r = L[0]
asked = c * 1000.0 / t if t > 0 else float("inf")
dur = r["load_duration_s"]
cpu_tok = r["load_client_cpu_us_per_token"]
print("llmbench load against the mock: %d concurrent streams, %d tokens each, %g ms apart (%d cores, load %s)" % (c, o, t, int(cores), load))
print("  requests                 %d completed, %d failed %s" % (r["load_requests_ok"], r["load_requests_failed"], r["load_errors"] or ""))
print("  streamed tokens/s        %.0f sustained over %.1f s (pacing asks %.0f)" % (r["load_out_tok_per_s"], dur, asked))
print("  client CPU               %.2f us/token, %.3f ms/request, %.1f%% of one core" % (
    cpu_tok, r["load_client_cpu_ms_per_req"], 100 * cpu_tok * r["load_output_tokens"] / 1e6 / dur))
print("  mock server CPU          %.1f%% of one core" % r["mock_cpu_pct"])
print("  send stamp -> client     %.3f ms mean, %.3f ms max (the mock's own stamp to the client's)" % (
    r["load_stamp_delay_mean_ms"], r["load_stamp_delay_max_ms"]))
print("  ITL                      p50 %.2f ms, p99 %.2f ms (pacing %g ms)" % (r["load_itl_p50_ms"], r["load_itl_p99_ms"], t))
print("  TTFT                     p50 %.2f ms, p99 %.2f ms" % (r["load_ttft_p50_ms"], r["load_ttft_p99_ms"]))
if not have_py:
    sys.exit(0)
med = lambda rs, k: statistics.median(x[k] for x in rs) if all(x.get(k) is not None for x in rs) else float("nan")
print()
print("the same load through Python (bench/load_python.py, %s), %d round%s alternating, medians:" % (
    P[0]["client"], rounds, "s" if rounds > 1 else ""))
print("  %-28s %14s %14s %14s" % ("", "llmbench load", "python aiohttp", "python/llmbench"))
rows = [("requests completed", "load_requests_ok", "%.0f"), ("output tok/s", "load_out_tok_per_s", "%.0f"),
        ("TTFT p50 (ms)", "load_ttft_p50_ms", "%.2f"), ("TTFT p99 (ms)", "load_ttft_p99_ms", "%.2f"),
        ("ITL p50 (ms)", "load_itl_p50_ms", "%.2f"), ("ITL p99 (ms)", "load_itl_p99_ms", "%.2f"),
        ("send stamp -> client (ms)", "load_stamp_delay_mean_ms", "%.3f"),
        ("client CPU (s)", "client_cpu_s", "%.2f"), ("client CPU (us/token)", "load_client_cpu_us_per_token", "%.2f"),
        ("mock server CPU (% core)", "mock_cpu_pct", "%.1f")]
for label, k, f in rows:
    a, b = med(L, k), med(P, k)
    print("  %-28s %14s %14s %14s" % (label, f % a, f % b, "%.2fx" % (b / a) if a else "-"))
PY
