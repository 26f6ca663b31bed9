#!/usr/bin/env bash
# load_faults.sh - llmbench load against the mock OpenAI-compatible server
# (tests/fixtures/mock_openai.py, loopback only): a clean run's figures (every
# request's tokens, usage, the report, the stored run in results, export and
# compare); every fault the mock injects (connection dropped mid-stream,
# 429/500/503 with Retry-After, malformed SSE, a stall, a 10 MB line, no
# [DONE], an error object) ends each faulty request with its recorded reason
# while the others complete, within the run's time bound and without memory
# growth; --max-time cancels what is in flight; rate and duration profiles,
# chat, non-streamed and JSONL prompts; the prefix cache's hit rate (as
# vLLM/OpenAI and as llama-server say it; unknown when the server does not);
# a prompt suite as the dataset; a rate sweep's knee against a mock of known
# capacity (explicit rates and auto) and its time bound; and every bad input gives one
# `llmbench: error:` line, a non-zero exit and nothing stored.
# Usage: load_faults.sh LLMBENCH [DATA_DIR]
set -u
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
mock="$here/../fixtures/mock_openai.py"
. "$here/lib.sh"
command -v python3 >/dev/null || { echo "SKIPPED: no python3 for the mock server"; exit 77; }
db="$tmp/r.db"
mock_pid=""

# start_mock ARGS...: the mock on a free loopback port ($port)
start_mock() {
    mock_start python3 "$mock" "$@" && return 0
    echo "the mock server did not start: $(cat "$tmp/mock.err")"
    exit 1
}
field() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))[-1]; print(r.get(sys.argv[2]))" "$tmp/e.json" "$1"; }
export_last() { "$bin" export --db "$db" -f json >"$tmp/e.json" 2>"$tmp/e.err" || bad "export: $(cat "$tmp/e.err")"; }

# ---- a clean run -----------------------------------------------------------------
start_mock --tok-ms 1
"$bin" load --url "http://127.0.0.1:$port" --model mock -c 4 -N 12 --input-len 16 --output-len 10 \
    --slo ttft=5s,tpot=1s --db "$db" >"$tmp/out" 2>"$tmp/err" || bad "clean run: $(cat "$tmp/err")"
grep -q '^Successful requests: *12$' "$tmp/out" && ok || bad "clean run: not 12 successes: $(cat "$tmp/out")"
grep -q '^Total generated tokens: *120 (usage)$' "$tmp/out" && ok || bad "clean run: tokens: $(grep generated "$tmp/out")"
grep -q '^Request goodput (req/s): .*(12 of 12 requests met' "$tmp/out" && ok || bad "clean run: goodput: $(grep goodput "$tmp/out")"
grep -qE '^TTFT +[0-9.]+ ' "$tmp/out" && grep -qE '^ITL +[0-9.]+ ' "$tmp/out" && ok || bad "clean run: no TTFT/ITL row"
grep -q 'Server send -> client stamp' "$tmp/out" && grep -q 'Client CPU: .*ms/request' "$tmp/out" && ok || bad "clean run: no overhead lines"
export_last
[ "$(field load_profile)" = "completions c=4 rate=inf in=16 out=10 data=random" ] && [ "$(field load_requests_ok)" = 12 ] && [ "$(field load_output_tokens)" = 120 ] &&
    [ "$(field load_token_counts)" = usage ] && [ "$(field load_errors)" = None ] && ok || bad "export: $(head -c 400 "$tmp/e.json")"
python3 - "$tmp/e.json" <<'PY' && ok || bad "export figures inconsistent"
import json, sys
r = json.load(open(sys.argv[1]))[-1]
assert r["load_ttft_p50_ms"] <= r["load_ttft_p99_ms"] <= r["load_ttft_max_ms"], r
assert r["load_itl_mean_ms"] > 0.5, r            # the mock paces tokens 1 ms apart
assert abs(r["load_req_per_s"] * r["load_duration_s"] - 12) < 1e-6, r
assert len(r["samples_ttft_ms"]) == 12 and r["n_gen"] == 10, r
assert "api" not in json.dumps(r).lower() or True
PY
"$bin" results -i --db "$db" --kind load >"$tmp/res" 2>&1 && grep -q 'load completions c=4 rate=inf in=16 out=10' "$tmp/res" && ok ||
    bad "results: $(cat "$tmp/res")"
"$bin" load --url "http://127.0.0.1:$port" --model mock -c 4 -N 12 --input-len 16 --output-len 10 --db "$db" >/dev/null 2>&1
"$bin" compare 1 2 --db "$db" >"$tmp/cmp" 2>&1 && grep -q 'load completions' "$tmp/cmp" && ok || bad "compare: $(cat "$tmp/cmp")"

# ---- faults: every second request -----------------------------------------------
# fault  expected-kind
while read -r fault kind; do
    start_mock --fault "$fault" --fault-every 2
    start=$(date +%s)
    /usr/bin/env time -f '%M' -o "$tmp/rss" "$bin" load --url "http://127.0.0.1:$port" --model mock -c 4 -N 10 --warmup 0 \
        --input-len 4 --output-len 8 --idle-timeout 2 --timeout 10 --max-time 20 --db "$db" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    took=$(($(date +%s) - start))
    [ $rc -eq 0 ] && ok || bad "$fault: exit $rc: $(cat "$tmp/err")"
    [ "$took" -le 15 ] && ok || bad "$fault: took ${took}s"
    grep -q '^Successful requests: *5$' "$tmp/out" && grep -q "^Failed requests: *5 ($kind:5)\$" "$tmp/out" && ok ||
        bad "$fault: $(grep -E 'Successful|Failed|First' "$tmp/out")"
    rss=$(cat "$tmp/rss" 2>/dev/null || echo 0)
    [ "${rss:-0}" -lt 200000 ] && ok || bad "$fault: peak RSS ${rss} KiB"
    export_last
    [ "$(field load_errors)" = "$kind:5" ] && ok || bad "$fault: stored errors $(field load_errors)"
done <<'EOF2'
drop dropped
http429 http_429
http500 http_500
http503 http_503
malformed malformed
stall timeout
longline line_too_long
nodone no_done
error server_error
EOF2
grep -q 'Retry-After' "$mock" && ok

# --max-time ends a run whose every request stalls, within its bound, each cancelled
start_mock --fault stall
start=$(date +%s)
expect_fail "max-time" "no request completed .*cancelled" "$bin" load --url "http://127.0.0.1:$port" --model mock -c 3 -N 3 \
    --warmup 0 --idle-timeout 0 --max-time 1 --db "$db"
[ $(($(date +%s) - start)) -le 5 ] && ok || bad "max-time: the run outlived its bound"

# ---- profiles, endpoints, datasets -------------------------------------------------
start_mock
"$bin" load --url "http://127.0.0.1:$port/v1/" --model mock --endpoint chat --rate 200 --burstiness 0.5 -N 20 \
    --output-len 4 --db "$db" >"$tmp/out" 2>"$tmp/err" && grep -q '^Successful requests: *20$' "$tmp/out" && ok ||
    bad "chat rate: $(cat "$tmp/err" "$tmp/out")"
grep -q 'chat c=inf rate=200 burst=0.5' "$tmp/out" && ok || bad "chat rate: profile $(head -1 "$tmp/out")"
"$bin" load --url "http://127.0.0.1:$port" --model mock -c 2 --duration 0.5 --output-len 4 --db "$db" >"$tmp/out" 2>"$tmp/err" &&
    n=$(awk '/^Successful requests:/ {print $3}' "$tmp/out") && [ "${n:-0}" -ge 2 ] && ok || bad "duration: $(cat "$tmp/err" "$tmp/out")"
"$bin" load --url "http://127.0.0.1:$port" --model mock -c 2 -N 4 --no-stream --output-len 6 --db "$db" >"$tmp/out" 2>"$tmp/err" &&
    grep -q '^Total generated tokens: *24 (usage)$' "$tmp/out" && ok || bad "no-stream: $(cat "$tmp/err" "$tmp/out")"
printf '%s\n' '{"prompt": "hello there", "max_tokens": 3}' \
    '{"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "one two three four five"}]}' \
    '{"messages": [{"role": "user", "content": "yo"}]}' >"$tmp/p.jsonl"
"$bin" load --url "http://127.0.0.1:$port" --model mock -c 1 -N 3 --warmup 0 --dataset "$tmp/p.jsonl" --output-len 7 --db "$db" \
    >"$tmp/out" 2>"$tmp/err" && grep -q '^Total generated tokens: *15 (usage)$' "$tmp/out" && ok || bad "dataset: $(cat "$tmp/err" "$tmp/out")"
start_mock --no-usage
"$bin" load --url "http://127.0.0.1:$port" --model mock -c 2 -N 4 --output-len 5 --db "$db" >"$tmp/out" 2>"$tmp/err" &&
    grep -q '^Total generated tokens: *20 (counted)$' "$tmp/out" && grep -q '^Total input tokens: *-$' "$tmp/out" && ok ||
    bad "counted: $(cat "$tmp/err" "$tmp/out")"

# ---- the prefix cache: hit rate where the server says it, unknown where not ----------------
# 40 words, half shared: each prompt shares 20 words and "request" (21 of its 42) with the one before
for style in usage timings; do
    start_mock --cache "$style"
    "$bin" load --url "http://127.0.0.1:$port" --model mock -c 1 -N 6 --input-len 40 --prefix-share 0.5 --output-len 3 \
        --db "$db" >"$tmp/out" 2>"$tmp/err" || bad "cache $style: $(cat "$tmp/err")"
    grep -q '^Prefix cache hit rate: *0.500 (126 prompt tokens cached)$' "$tmp/out" && ok || bad "cache $style: $(grep -i cache "$tmp/out")"
    export_last
    [ "$(field load_cached_tokens)" = 126 ] && [ "$(field load_cache_hit_rate)" = 0.5 ] &&
        [ "$(field load_profile)" = "completions c=1 rate=inf in=40 share=0.5 out=3 data=random" ] && ok ||
        bad "cache $style: stored $(field load_cached_tokens) $(field load_cache_hit_rate) $(field load_profile)"
done
# no share: the unique prefix leaves "request" alone in common (1 of 42 words); chat the same
"$bin" load --url "http://127.0.0.1:$port" --model mock --endpoint chat -c 1 -N 4 --input-len 40 --output-len 3 --db "$db" \
    >"$tmp/out" 2>"$tmp/err" && export_last && [ "$(field load_cached_tokens)" = 4 ] && ok || bad "no share: $(field load_cached_tokens)"
start_mock
"$bin" load --url "http://127.0.0.1:$port" --model mock -c 1 -N 4 --prefix-share 0.5 --output-len 3 --db "$db" >"$tmp/out" 2>"$tmp/err" &&
    grep -q '^Prefix cache hit rate: *-$' "$tmp/out" && export_last && [ "$(field load_cache_hit_rate)" = None ] &&
    [ "$(field load_cached_tokens)" = None ] && ok || bad "no cache said: $(grep -i cache "$tmp/out") $(field load_cache_hit_rate)"

# ---- the prompt suite as a dataset: each prompt one request, cycled ----------------------------
printf '%s' '{"name": "tiny", "prompts": [{"id": "a", "category": "x", "prompt": "one two three"},' \
    '{"id": "b", "category": "x", "prompt": "four five"}, {"id": "c", "category": "x"}]}' >"$tmp/tiny.json"
"$bin" load --url "http://127.0.0.1:$port" --model mock -c 1 -N 5 --warmup 0 --dataset "suite:$tmp/tiny.json" --output-len 2 \
    --db "$db" >"$tmp/out" 2>"$tmp/err" && grep -q '^Total input tokens: *13$' "$tmp/out" && ok || bad "suite file: $(cat "$tmp/err" "$tmp/out")"
grep -q "warning: suite '.*tiny.json': entry 3 ('c')" "$tmp/err" && ok || bad "suite file: no warning for the bad entry: $(cat "$tmp/err")"
export_last
[ "$(field load_profile)" = "completions c=1 rate=inf out=2 data=suite:tiny.json" ] && ok || bad "suite file: profile $(field load_profile)"
"$bin" load --url "http://127.0.0.1:$port" --model mock --endpoint chat -c 2 -N 30 --dataset suite --output-len 2 --db "$db" \
    >"$tmp/out" 2>"$tmp/err" && grep -q '^Successful requests: *30$' "$tmp/out" && grep -q 'data=suite:default' "$tmp/out" && ok ||
    bad "default suite: $(cat "$tmp/err" "$tmp/out")"

# ---- a rate sweep: the knee of a server with 3 slots, 20 + 8 x 10 ms a request (30 req/s) --------
start_mock --slots 3 --ttft-ms 20 --tok-ms 10
"$bin" load --url "http://127.0.0.1:$port" --model mock -N 20 --sweep 5,10,60 --burstiness 100 --input-len 8 --output-len 8 \
    --slo ttft=1s --db "$db" >"$tmp/out" 2>"$tmp/err" || bad "sweep: $(cat "$tmp/err")"
grep -q '^Knee: *10 req/s (step 2)$' "$tmp/out" && ok || bad "sweep: knee: $(cat "$tmp/out")"
[ "$(grep -cE '^ +(5|10|60) ' "$tmp/out")" = 3 ] && ok || bad "sweep: not three rows: $(cat "$tmp/out")"
"$bin" export --db "$db" -f json >"$tmp/e.json" 2>/dev/null
python3 - "$tmp/e.json" <<'PY' && ok || bad "sweep: stored steps"
import json, sys
rows = json.load(open(sys.argv[1]))
run = rows[-1]["run_id"]
steps = [r for r in rows if r["run_id"] == run]
assert [r["load_profile"] for r in steps] == ["completions c=inf rate=%s burst=100 in=8 out=8 data=random" % r for r in ("5", "10", "60")], steps
assert all(r["load_sweep_knee_req_per_s"] == 10 and r["load_requests_ok"] == 20 for r in steps), steps
assert 0.9 * steps[1]["load_offered_req_per_s"] <= steps[1]["load_end_rate_req_per_s"], steps[1]
assert steps[2]["load_end_rate_req_per_s"] < 0.8 * steps[2]["load_offered_req_per_s"], steps[2]  # 30 of 60
assert steps[2]["load_ttft_p50_ms"] > 2 * steps[0]["load_ttft_p50_ms"], steps[2]                 # the queue
PY
"$bin" results -i --db "$db" --kind load 2>&1 | grep -c 'rate=60 burst=100' | grep -q 1 && ok || bad "sweep: results"
# auto: the capacity at -c 1 is ~10 req/s (less on a busy machine: the mock is Python): from half of
# it, doubling; 5 and 10 follow, 20 does on a quiet machine (2/3 of the slots), 40 cannot (30 req/s)
"$bin" load --url "http://127.0.0.1:$port" --model mock -N 20 --sweep auto --burstiness 100 --input-len 8 --output-len 8 \
    --db "$db" >"$tmp/out" 2>"$tmp/err" || bad "sweep auto: $(cat "$tmp/err")"
python3 - "$tmp/out" <<'PY' && ok || bad "sweep auto: $(cat "$tmp/out")"
import re, sys
out = open(sys.argv[1]).read()
cap = float(re.search(r"Capacity at concurrency 1: +([0-9.]+) req/s", out).group(1))
rows = [l.split() for l in out.splitlines() if re.match(r"^ +[0-9.]+ +[0-9.]+ ", l)]
rates = [float(r[0]) for r in rows]
assert 5 < cap < 10.5, cap                                     # 1 / (20 ms + 8 x 10 ms) at best
assert len(rows) in (3, 4), rows                               # stops at the first step that does not follow
assert all(abs(rates[i + 1] - 2 * rates[i]) < 1e-9 for i in range(len(rows) - 1)), rates
assert abs(rates[0] - cap / 2) <= 0.05 * cap, (rates, cap)    # half the capacity, two digits
assert [r[-1] for r in rows] == ["yes"] * (len(rows) - 1) + ["no"], rows
m = re.search(r"^Knee: +([0-9.]+) req/s \(step ([0-9]+)\)$", out, re.M)
assert float(m.group(1)) == rates[-2] and int(m.group(2)) == len(rows) - 1, (m.group(0), rates)
assert rates[-2] >= 0.9 * cap, (rates, cap)                    # 3 slots keep up with one request at a time
PY
# the sweep's bound: --max-time over all its steps
start=$(date +%s)
"$bin" load --url "http://127.0.0.1:$port" --model mock -N 400 --sweep 2,4 --output-len 2 --max-time 2 --db "$db" \
    >"$tmp/out" 2>"$tmp/err"
[ $(($(date +%s) - start)) -le 6 ] && grep -q 'Serving load sweep: 1 step ' "$tmp/out" && ok || bad "sweep max-time: $(cat "$tmp/err" "$tmp/out")"

# ---- the API key: sent, never printed or stored ---------------------------------------
echo "sk-secret-123" >"$tmp/key"
LLMB_TEST_KEY=sk-secret-456 "$bin" load --url "http://127.0.0.1:$port" --model mock -N 2 --api-key env:LLMB_TEST_KEY --db "$db" \
    >"$tmp/out" 2>&1 && ok || bad "key env: $(cat "$tmp/out")"
"$bin" load --url "http://127.0.0.1:$port" --model mock -N 2 --api-key "file:$tmp/key" --db "$db" >>"$tmp/out" 2>&1 && ok || bad "key file"
grep -q 'sk-secret' "$tmp/out" && bad "a key was printed" || ok
grep -aq 'sk-secret' "$db" "$db"-wal 2>/dev/null && bad "a key was stored" || ok

# ---- bad input: one line, non-zero, nothing stored --------------------------------------
n0=$(sqlite3 "$db" "SELECT count(*) FROM runs")
free_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
expect_fail "no url" "--url is required" "$bin" load --model m --db "$db"
expect_fail "no model" "--model is required" "$bin" load --url "http://127.0.0.1:$port" --db "$db"
expect_fail "bad url" "is not an http:// or https:// URL" "$bin" load --url "ftp://x" --model m --db "$db"
expect_fail "bad url 2" "is not an http:// or https:// URL" "$bin" load --url "not a url" --model m --db "$db"
expect_fail "refused" "cannot reach --url .*connect" "$bin" load --url "http://127.0.0.1:$free_port" --model m --db "$db"
expect_fail "refused, no warm-up" "no request completed .*connect" "$bin" load --url "http://127.0.0.1:$free_port" --model m --warmup 0 -N 2 --db "$db"
expect_fail "bad slo" "--slo 'ttft=fast'" "$bin" load --url "http://127.0.0.1:$port" --model m --slo ttft=fast --db "$db"
expect_fail "bad slo key" "--slo 'speed=1ms'" "$bin" load --url "http://127.0.0.1:$port" --model m --slo speed=1ms --db "$db"
expect_fail "missing key file" "--api-key: cannot read" "$bin" load --url "http://127.0.0.1:$port" --model m --api-key "file:$tmp/nokey" --db "$db"
expect_fail "unset key env" "environment variable is not set" "$bin" load --url "http://127.0.0.1:$port" --model m --api-key env:LLMB_NO_SUCH_VAR --db "$db"
expect_fail "literal key" "never the key itself" "$bin" load --url "http://127.0.0.1:$port" --model m --api-key sk-abc --db "$db"
grep -q 'sk-abc' "$tmp/err" && bad "literal key echoed" || ok
expect_fail "bad dataset" "--dataset '.*' line 1" "$bin" load --url "http://127.0.0.1:$port" --model m --dataset "$tmp/key" --db "$db"
expect_fail "no dataset" "cannot read --dataset" "$bin" load --url "http://127.0.0.1:$port" --model m --dataset "$tmp/none" --db "$db"
expect_fail "N and duration" "exclude each other" "$bin" load --url "http://127.0.0.1:$port" --model m -N 3 --duration 1 --db "$db"
expect_fail "bad concurrency" "-c: .0. is not" "$bin" load --url "http://127.0.0.1:$port" --model m -c 0 --db "$db"
expect_fail "burst without rate" "--burstiness needs --rate" "$bin" load --url "http://127.0.0.1:$port" --model m --burstiness 2 --db "$db"
expect_fail "sweep down" "--sweep '4,2': the rates must increase" "$bin" load --url "http://127.0.0.1:$port" --model m --sweep 4,2 --db "$db"
expect_fail "sweep zero" "--sweep '0,1': expected auto or increasing" "$bin" load --url "http://127.0.0.1:$port" --model m --sweep 0,1 --db "$db"
expect_fail "sweep word" "--sweep 'fast': expected auto" "$bin" load --url "http://127.0.0.1:$port" --model m --sweep fast --db "$db"
expect_fail "sweep and rate" "--sweep and --rate exclude each other" "$bin" load --url "http://127.0.0.1:$port" --model m --sweep auto --rate 2 --db "$db"
expect_fail "sweep one request" "at least 2 requests per step" "$bin" load --url "http://127.0.0.1:$port" --model m --sweep 1,2 -N 1 --db "$db"
expect_fail "sweep steps alone" "--sweep-steps needs --sweep auto" "$bin" load --url "http://127.0.0.1:$port" --model m --sweep 1,2 --sweep-steps 3 --db "$db"
expect_fail "sweep steps range" "--sweep-steps" "$bin" load --url "http://127.0.0.1:$port" --model m --sweep auto --sweep-steps 1 --db "$db"
expect_fail "share range" "--prefix-share" "$bin" load --url "http://127.0.0.1:$port" --model m --prefix-share 1.5 --db "$db"
expect_fail "share negative" "--prefix-share" "$bin" load --url "http://127.0.0.1:$port" --model m --prefix-share -0.1 --db "$db"
expect_fail "share with dataset" "does not apply to --dataset" "$bin" load --url "http://127.0.0.1:$port" --model m --prefix-share 0.5 --dataset suite --db "$db"
expect_fail "suite missing" "suite '.*nosuite.json'" "$bin" load --url "http://127.0.0.1:$port" --model m --dataset "suite:$tmp/nosuite.json" --db "$db"
expect_fail "suite no file" "names no file" "$bin" load --url "http://127.0.0.1:$port" --model m --dataset suite: --db "$db"
echo '{"name": "x"}' >"$tmp/notsuite.json"
expect_fail "suite not a suite" "is not a prompt suite" "$bin" load --url "http://127.0.0.1:$port" --model m --dataset "suite:$tmp/notsuite.json" --db "$db"
[ "$(sqlite3 "$db" "SELECT count(*) FROM runs")" = "$n0" ] && ok || bad "bad input stored a run"
finish
