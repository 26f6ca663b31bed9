#!/usr/bin/env bash
# load_overhead.sh - is llmbench load's client the bottleneck? It drives the
# fast mock server (tests/fixtures/mock_openai.py, loopback) at C concurrent
# streams (default 1,000), each streaming O tokens T ms apart, N requests in
# all, and prints what the client costs and sustains: its CPU per token and
# per request, the streamed tokens/s it sustained against the tokens/s the
# pacing asks for, and the delay from the mock's own send stamp (in every
# chunk, CLOCK_MONOTONIC) to the client's arrival stamp (socket, scheduling
# and the event loop's lag), beside the mock's own CPU use.
#
# usage: bench/load_overhead.sh [-c CONC] [-n REQUESTS] [-o TOKENS] [-t TOK_MS]
#   defaults: -c 1000 -n 3000 -o 64 -t 100   (1,000 streams x 10 tok/s = 10,000 tok/s asked)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
llmbench="${LLMBENCH:-$root/build/llmbench}"
c=1000 n=3000 o=64 t=100
while getopts "c:n:o:t:" opt; do
    case $opt in
        c) c=$OPTARG ;; n) n=$OPTARG ;; o) o=$OPTARG ;; t) t=$OPTARG ;;
        *) sed -n '2,13p' "$0" >&2; exit 2 ;;
    esac
done
[ -x "$llmbench" ] || { echo "load_overhead: $llmbench not built (make build)" >&2; exit 2; }
ulimit -n 8192 2>/dev/null || true
tmp="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
python3 "$root/tests/fixtures/mock_openai.py" --tok-ms "$t" >"$tmp/mock.out" 2>"$tmp/mock.err" &
mock=$!
for _ in $(seq 100); do grep -q PORT "$tmp/mock.out" 2>/dev/null && break; sleep 0.05; done
port=$(awk '/^PORT/ {print $2}' "$tmp/mock.out")
[ -n "$port" ] || { echo "load_overhead: the mock did not start: $(cat "$tmp/mock.err")" >&2; exit 1; }
cpu_of() { awk '{print ($14 + $15) / '"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }
m0=$(cpu_of $mock)
start=$(date +%s.%N)
"$llmbench" load --url "http://127.0.0.1:$port" --model mock -c "$c" -N "$n" --warmup 1 --input-len 16 --output-len "$o" \
    --timeout 600 --idle-timeout 60 --db "$tmp/r.db" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
wall=$(echo "$(date +%s.%N) - $start" | bc)
m1=$(cpu_of $mock)
"$llmbench" export --db "$tmp/r.db" -f json >"$tmp/e.json"
python3 - "$tmp/e.json" "$c" "$o" "$t" "$(echo "$m1 - $m0" | bc)" "$wall" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))[-1]
c, o, t, mock_cpu, wall, cores, load = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), sys.argv[7], sys.argv[8]
asked = c * 1000.0 / t if t > 0 else float("inf")
dur = r["load_duration_s"]
cpu_tok = r["load_client_cpu_us_per_token"]
print("llmbench load against the mock: %d concurrent streams, %d tokens each, %g ms apart (%d cores, load %s)" % (c, o, t, int(cores), load))
print("  requests                 %d completed, %d failed %s" % (r["load_requests_ok"], r["load_requests_failed"], r["load_errors"] or ""))
print("  streamed tokens/s        %.0f sustained over %.1f s (pacing asks %.0f)" % (r["load_out_tok_per_s"], dur, asked))
print("  client CPU               %.2f us/token, %.3f ms/request, %.1f%% of one core" % (
    cpu_tok, r["load_client_cpu_ms_per_req"], 100 * cpu_tok * r["load_output_tokens"] / 1e6 / dur))
print("  mock server CPU          %.1f%% of one core" % (100 * mock_cpu / wall))
print("  send stamp -> client     %.3f ms mean, %.3f ms max (the mock's own stamp to the client's)" % (
    r["load_stamp_delay_mean_ms"], r["load_stamp_delay_max_ms"]))
print("  ITL                      p50 %.2f ms, p99 %.2f ms (pacing %g ms)" % (r["load_itl_p50_ms"], r["load_itl_p99_ms"], t))
print("  TTFT                     p50 %.2f ms, p99 %.2f ms" % (r["load_ttft_p50_ms"], r["load_ttft_p99_ms"]))
PY
