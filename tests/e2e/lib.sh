# lib.sh - what every end-to-end test script shares: a temporary folder
# ($tmp, removed at exit with any background job), a data folder inside it
# (XDG_DATA_HOME: the default results database and models are the test's
# own, never the user's), counting checks and a closing "N passed, N failed"
# line. Source it, call ok/bad/expect_*, then finish.
tmp="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
export XDG_DATA_HOME="$tmp/data"
pass=0
failn=0
skipn=0
ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); printf 'FAIL: %s\n' "$*" >&2; }
# skip_part REASON: a part of the script could not run (its input is absent);
# the script then ends as skipped (77) unless a check failed, never as passed.
skip_part() { skipn=$((skipn + 1)); printf 'SKIPPED: %s\n' "$*"; }
finish() {
    if [ "$skipn" -gt 0 ]; then
        printf '%d passed, %d failed, %d skipped\n' "$pass" "$failn" "$skipn"
        [ "$failn" -eq 0 ] && exit 77
        return 1
    fi
    printf '%d passed, %d failed\n' "$pass" "$failn"
    [ "$failn" -eq 0 ]
}
# err_lines FILE: lines of a command's stderr besides warnings about test
# conditions (another process's load, spread, drift: docs/metrics.md), which a
# busy test machine may add to any run that measures.
err_lines() { grep -vc '^llmbench: warning: ' "$1"; }
# expect_fail NAME PATTERN CMD...: CMD fails (exit 1..127) with exactly one
# stderr line matching the extended regex PATTERN (case-insensitive); its
# output goes to $tmp/out and $tmp/err.
expect_fail() {
    local name="$1" pat="$2"; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc -eq 0 ] || [ $rc -ge 128 ]; then bad "$name: exit $rc"; return; fi
    if [ "$(wc -l < "$tmp/err")" -ne 1 ] || ! grep -qiE -e "$pat" "$tmp/err"; then bad "$name: $(cat "$tmp/err")"; return; fi
    ok
}

# quality_resume_round NAME DB_PREFIX MIN_DONE ARGS...: `llmbench quality ARGS`
# run whole into DB_PREFIX-full.db, then again into DB_PREFIX-cut.db killed
# with SIGKILL once MIN_DONE tests are stored and continued with --resume;
# both exports must hold the same tests with the same figures (timings and
# times aside), each once. Needs $bin and $tmp.
quality_resume_round() {
    local name="$1" pre="$2" min="$3"; shift 3
    "$bin" quality "$@" --quiet --db "$pre-full.db" >/dev/null 2>"$tmp/full.err" || { bad "$name: whole run failed: $(cat "$tmp/full.err")"; return; }
    "$bin" quality "$@" --quiet --db "$pre-cut.db" >/dev/null 2>&1 &
    local pid=$! n=0 i
    for i in $(seq 1 600); do
        n=$(sqlite3 "$pre-cut.db" "SELECT count(*) FROM test_instances" 2>/dev/null || echo 0)
        [ "${n:-0}" -ge "$min" ] && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.05
    done
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    local stored
    stored=$(sqlite3 "$pre-cut.db" "SELECT count(*) FROM test_instances")
    local total
    total=$(sqlite3 "$pre-full.db" "SELECT count(*) FROM test_instances")
    if [ "$stored" -ge "$total" ]; then bad "$name: the kill came too late ($stored of $total stored)"; return; fi
    sleep 0.5
    pgrep -f "quality $*" >/dev/null 2>&1 && bad "$name: a worker outlived its killed parent" || ok
    "$bin" quality "$@" --quiet --db "$pre-cut.db" --resume >/dev/null 2>"$tmp/resume.err" || { bad "$name: resume failed: $(cat "$tmp/resume.err")"; return; }
    grep -q "resuming run" "$tmp/resume.err" && ok || bad "$name: no word of resuming: $(cat "$tmp/resume.err")"
    "$bin" export --db "$pre-full.db" -f json > "$pre-full.json" && "$bin" export --db "$pre-cut.db" -f json > "$pre-cut.json" \
        || { bad "$name: export failed"; return; }
    if python3 - "$pre-full.json" "$pre-cut.json" <<'PY'
import json, sys
TIMING = {"test_time", "run_id", "instance_id", "load_ms", "peak_rss_bytes", "ppl_seconds", "seconds_per_pass",
          "ppl_tokens_per_s", "suite_tg_ts", "suite_ttft_ms", "ttft_ms", "tg_ts", "e2e_ms", "tpot_ms", "host",
          "tags", "started_at", "total_ms"}
def clean(o):
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items() if k not in TIMING}
    if isinstance(o, list):
        return [clean(v) for v in o]
    return o
a = sorted((clean(r) for r in json.load(open(sys.argv[1]))), key=lambda r: r["instance_key"])
b = sorted((clean(r) for r in json.load(open(sys.argv[2]))), key=lambda r: r["instance_key"])
assert len(a) == len(b), (len(a), len(b))
assert len({r["instance_key"] for r in b}) == len(b), "a test stored twice"
for x, y in zip(a, b):
    diff = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
    assert not diff, (x["instance_key"][:80], diff, [(x.get(k), y.get(k)) for k in diff if k != "answers"][:3])
print(f"{len(a)} tests equal")
PY
    then ok; else bad "$name: resumed run differs from the whole one"; fi
    [ "$(sqlite3 "$pre-cut.db" "SELECT count(*) || status FROM runs")" = "1complete" ] && ok || bad "$name: run status"
}
# mock_start PYTHON SCRIPT ARGS...: a mock server (tests/fixtures/mock_*.py) in the
# background on a free loopback port, the one before it stopped: sets $mock_pid and
# $port; returns 1 when it prints no "PORT n" within 5 s (its stderr: $tmp/mock.err).
mock_start() {
    local py="$1"
    shift
    [ -n "${mock_pid:-}" ] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
    rm -f "$tmp/mock.out"
    "$py" "$@" >"$tmp/mock.out" 2>"$tmp/mock.err" &
    mock_pid=$!
    port=""
    for _ in $(seq 100); do
        port=$(awk '/^PORT/ {print $2}' "$tmp/mock.out" 2>/dev/null)
        [ -n "$port" ] && return 0
        sleep 0.05
    done
    return 1
}
