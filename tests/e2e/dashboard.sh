#!/usr/bin/env bash
# dashboard.sh - the dashboard in a real browser (Debian's chromium, driven
# by playwright-core from npm, both installed by scripts/setup.sh): a ladder
# pipeline with quality on wikillama-3M (../shared/data) runs with
# --dashboard while the page watches it (a streamed answer, a finished row,
# events timed on arrival: the latency is printed, and
# bench/dashboard_overhead.sh holds it to 100 ms); then a null-engine suite
# whose answers carry <script> and <img onerror> is followed by
# `llmbench serve --follow` and must show as text, live and stored; a
# serving load against the mock server (tests/fixtures/mock_openai.py) is
# watched with --dashboard: its cards (requests, req/s, output tok/s, TTFT
# and TPOT p50) fill and its row finishes; the results view lists the load
# rows and expands one into its figures, compare takes the two load runs;
# the results view expands a suite row,
# the charts (uPlot) are drawn, the Pareto front names a recommendation.
# Screenshots go to docs/img/ (LLMB_SCREENSHOTS=DIR elsewhere) for the README.
# Skipped (77) without the data, chromium or playwright-core.
# Usage: dashboard.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/lib.sh"
pw="$root/deps/web-npm/node_modules/playwright-core"
if [ -z "$data" ] || [ ! -f "$data/wikillama-3M.gguf" ] || [ ! -f "$data/wikitext-2-heldout.txt" ]; then
    echo "SKIP: needs wikillama-3M.gguf and wikitext-2-heldout.txt in ${data:-../shared/data}"; exit 77
fi
[ -x /usr/bin/chromium ] || { echo "SKIP: /usr/bin/chromium is not installed (scripts/setup.sh installs it)"; exit 77; }
command -v node >/dev/null && [ -d "$pw" ] || { echo "SKIP: node or playwright-core missing ($pw; scripts/setup.sh installs it)"; exit 77; }
img="${LLMB_SCREENSHOTS:-$root/docs/img}"
mkdir -p "$img"
cp "$data/wikillama-3M.gguf" "$data/wikitext-2-heldout.txt" "$tmp/"
db="$tmp/r.db"

# url_of FILE: waits (at most 120 s) for the "dashboard at URL" line
url_of() {
    local i u
    for i in $(seq 1 1200); do
        u=$(grep -o 'dashboard at http://[^ ]*' "$1" 2>/dev/null | head -1 | cut -d' ' -f3)
        [ -n "$u" ] && { echo "$u"; return 0; }
        sleep 0.1
    done
    return 1
}
driver() { # mode url: the browser's checks, counted here
    node "$here/dashboard.cjs" "$pw" "$1" "$2" "$img" > "$tmp/driver-$1.out" 2>&1
    count_driver "$1"
}
count_driver() { # mode: counts the driver's ok/FAIL lines
    cat "$tmp/driver-$1.out"
    local n_ok n_bad
    n_ok=$(grep -c '^ok ' "$tmp/driver-$1.out")
    n_bad=$(grep -c '^FAIL ' "$tmp/driver-$1.out")
    pass=$((pass + n_ok))
    [ "$n_bad" -gt 0 ] && failn=$((failn + n_bad))
    [ "$n_ok" -gt 0 ] || bad "$1: the browser driver ran no check"
}

# watched MODE OUTFILE ERRFILE CMD...: CMD (with --dashboard=0; stdout, stderr to the files) watched by the
# browser's MODE checks. The browser starts first and waits for the URL in a file, so the page
# opens within a moment of the run's start and sees its events as they happen (launching chromium
# can take longer than the whole run on a loaded machine under the sanitizers). CMD's exit
# status: $run_rc.
watched() {
    local mode="$1" outf="$2" errf="$3" drv cmd url
    shift 3
    rm -f "$tmp/url-$mode"
    node "$here/dashboard.cjs" "$pw" "$mode" "@$tmp/url-$mode" "$img" >"$tmp/driver-$mode.out" 2>&1 &
    drv=$!
    for _ in $(seq 1 1200); do
        grep -q '^browser ready' "$tmp/driver-$mode.out" 2>/dev/null && break
        kill -0 $drv 2>/dev/null || break
        sleep 0.1
    done
    "$@" >"$outf" 2>"$errf" &
    cmd=$!
    if url=$(url_of "$errf"); then
        ok
        echo "$url" >"$tmp/url-$mode.part" && mv "$tmp/url-$mode.part" "$tmp/url-$mode"
        wait $drv
        count_driver "$mode"
    else
        bad "$mode: no dashboard URL printed: $(cat "$errf")"
        kill $drv 2>/dev/null
        wait $drv
    fi
    wait $cmd
    run_rc=$?
}

# --- 1. a real ladder run with quality, watched live through --dashboard -------------------
watched live "$tmp/pipe.json" "$tmp/pipe.err" "$bin" pipeline -m "$tmp/wikillama-3M.gguf" -q Q8_0,Q6_K,Q4_K_M -p 64 \
    -n 16 -r 3 --ppl "$tmp/wikitext-2-heldout.txt" -c 128 --chunks 6 --suite default --max-tokens 48 --db "$db" \
    --dashboard=0 --quiet -o json
[ "$run_rc" = 0 ] && ok || bad "pipeline failed: $(cat "$tmp/pipe.err")"

# --- 2. a serving load against the mock server, watched live through --dashboard ---------------
# One run unwatched, then one watched (60 requests of 20 tokens 10 ms apart, 4 at a time: about
# 3 s), so the store holds two load runs to compare.
mock_start python3 "$root/tests/fixtures/mock_openai.py" --tok-ms 10
mock=$mock_pid mport=$port
if [ -z "$mport" ]; then
    bad "the mock server did not start: $(cat "$tmp/mock.err")"
else
    "$bin" load --url "http://127.0.0.1:$mport" --model mock -c 4 -N 8 --output-len 20 --db "$db" >"$tmp/load1.out" 2>&1 &&
        ok || bad "load: $(cat "$tmp/load1.out")"
    watched load "$tmp/load2.out" "$tmp/load2.err" "$bin" load --url "http://127.0.0.1:$mport" --model mock -c 4 -N 60 \
        --output-len 20 --db "$db" --dashboard=0
    [ "$run_rc" = 0 ] && grep -q '^Successful requests: *60$' "$tmp/load2.out" && ok || bad "load --dashboard: $(cat "$tmp/load2.err" "$tmp/load2.out")"
    kill $mock 2>/dev/null
fi

# --- 3. hostile answers (the null engine answers a prompt with itself), followed from another process
cat > "$tmp/hostile.json" <<'JSON'
{"name": "hostile", "version": 1, "prompts": [
  {"id": "script", "category": "hostile", "prompt": "<script>window.__pwned=1</script> and <img src=x onerror=\"window.__pwned=2\">"}]}
JSON
"$bin" quality --engine null -m null --force --suite "$tmp/hostile.json" --max-tokens 200 --db "$db" --events "$tmp/ev.jsonl" \
    --quiet -o json > "$tmp/hostile.out" 2>&1 && ok || bad "null suite: $(cat "$tmp/hostile.out")"
grep -q 'onerror' "$tmp/ev.jsonl" && ok || bad "the null engine's answer does not carry the markup"
"$bin" serve --db "$db" --port 0 --follow "$tmp/ev.jsonl" 2>"$tmp/serve.err" &
srv=$!
if url=$(url_of "$tmp/serve.err"); then
    driver store "$url"
else
    bad "serve printed no URL: $(cat "$tmp/serve.err")"
fi
kill $srv 2>/dev/null # SIGTERM, as Ctrl-C: serve stops at once and exits 0
for _ in $(seq 1 50); do kill -0 $srv 2>/dev/null || break; sleep 0.1; done
if kill -0 $srv 2>/dev/null; then bad "serve did not stop on SIGTERM"; kill -9 $srv; else ok; fi
wait $srv && ok || bad "serve's exit status after SIGTERM: $?"
for f in dashboard-live.png dashboard-load.png dashboard-results.png dashboard-pareto.png; do
    [ -s "$img/$f" ] && ok || bad "no screenshot $img/$f"
done
finish
