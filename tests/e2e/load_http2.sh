#!/usr/bin/env bash
# load_http2.sh - llmbench load --http2 against an HTTP/2 server: the mock
# (tests/fixtures/mock_h2.py, hypercorn, h2c with prior knowledge, loopback
# only) counts the completion requests it serves per HTTP version. With
# --http2 every request of the run (and its warm-up) completes over HTTP/2,
# streamed and not; without it, over HTTP/1.1 (so the test fails if --http2
# is ignored); the report and the stored run hold every request and token.
# Skips (77) without Debian's python3-hypercorn.
# Usage: load_http2.sh LLMBENCH [DATA_DIR]
set -u
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
mock="$here/../fixtures/mock_h2.py"
. "$here/lib.sh"
# the first python3 that has hypercorn (a pyenv or venv python3 on PATH may not see Debian's packages)
py=""
for p in python3 /usr/bin/python3; do
    command -v "$p" >/dev/null 2>&1 && "$p" -c 'import hypercorn.asyncio, h2' 2>/dev/null && { py="$p"; break; }
done
[ -n "$py" ] || { echo "SKIPPED: no python3 with hypercorn (apt-get install python3-hypercorn)"; exit 77; }
db="$tmp/r.db"

mock_start "$py" "$mock" || { echo "the mock server did not start: $(cat "$tmp/mock.err")"; exit 1; }
url="http://127.0.0.1:$port"

# stats: the mock's requests per HTTP version so far, as "H2 H11"
stats() {
    "$py" - "$url/stats" <<'PY'
import json, sys, urllib.request
s = json.load(urllib.request.urlopen(sys.argv[1], timeout=10))
print(s.get("2", 0), s.get("1.1", 0))
PY
}
export_last() { "$bin" export --db "$db" -f json >"$tmp/e.json" 2>"$tmp/e.err" || bad "export: $(cat "$tmp/e.err")"; }
field() { "$py" -c "import json,sys; r=json.load(open(sys.argv[1]))[-1]; print(r.get(sys.argv[2]))" "$tmp/e.json" "$1"; }

# run NAME H2-WANTED H11-WANTED ARGS...: llmbench load ARGS -c 8 -N 40 --output-len 8: all 40
# requests succeed with 320 tokens, stored so; the mock saw at least H2-WANTED (the 40 and the
# warm-up) requests over HTTP/2 and H11-WANTED over HTTP/1.1 ("0": none; "40": at least 40)
run() {
    local name="$1" want2="$2" want11="$3"; shift 3
    local before after
    read -r -a before <<<"$(stats)"
    "$bin" load --url "$url" --model m -c 8 -N 40 --output-len 8 --db "$db" "$@" >"$tmp/out" 2>"$tmp/err" ||
        { bad "$name: exit $?: $(cat "$tmp/err")"; return; }
    read -r -a after <<<"$(stats)"
    local n2=$((after[0] - before[0])) n11=$((after[1] - before[1]))
    grep -q '^Successful requests: *40$' "$tmp/out" && grep -q "^Failed requests: *0$" "$tmp/out" && ok ||
        bad "$name: not 40 successes: $(grep -E 'Successful|Failed' "$tmp/out")"
    grep -q '^Total generated tokens: *320 (usage)$' "$tmp/out" && ok || bad "$name: tokens: $(grep generated "$tmp/out")"
    export_last
    [ "$(field load_requests_ok)" = 40 ] && [ "$(field load_output_tokens)" = 320 ] && [ "$(field load_errors)" = None ] && ok ||
        bad "$name: stored ok=$(field load_requests_ok) tokens=$(field load_output_tokens) errors=$(field load_errors)"
    if [ "$want2" = 0 ]; then [ "$n2" -eq 0 ] && ok || bad "$name: $n2 requests over HTTP/2, none wanted"
    else [ "$n2" -ge "$want2" ] && ok || bad "$name: $n2 requests over HTTP/2, $want2 wanted"; fi
    if [ "$want11" = 0 ]; then [ "$n11" -eq 0 ] && ok || bad "$name: $n11 requests over HTTP/1.1, none wanted"
    else [ "$n11" -ge "$want11" ] && ok || bad "$name: $n11 requests over HTTP/1.1, $want11 wanted"; fi
}

# the mock itself: h2c with prior knowledge, and HTTP/1.1 beside it
if command -v curl >/dev/null 2>&1 && curl --version | grep -q HTTP2; then
    curl -s --http2-prior-knowledge -o /dev/null -D "$tmp/h" -d '{"model":"m","max_tokens":2}' "$url/v1/completions" &&
        grep -q '^HTTP/2 200' "$tmp/h" && grep -qi '^x-http-version: 2' "$tmp/h" && ok || bad "mock: no HTTP/2: $(cat "$tmp/h")"
fi

run "http2 streamed" 41 0 --http2
run "http2 chat" 41 0 --http2 --endpoint chat
run "http2 no-stream" 41 0 --http2 --no-stream
run "http/1.1 streamed" 0 41
run "http/1.1 no-stream" 0 41 --no-stream

kill "$mock_pid" 2>/dev/null
wait "$mock_pid" 2>/dev/null
grep -q '^mock_h2: requests per HTTP version: {' "$tmp/mock.err" && ok || bad "mock: no closing count: $(cat "$tmp/mock.err")"
finish
