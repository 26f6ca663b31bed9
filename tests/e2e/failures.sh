#!/usr/bin/env bash
# failures.sh - nothing hidden (docs/outputs.md), each case from its
# reproduction: a run with a failed test is "failed" with its counts, not
# "complete 2/2"; results -i, export (JSON, CSV) and compare show the failed
# test with its reason and configuration; compare --fail-on-regression fails
# when the candidate failed a test the baseline passed (also when nothing
# else is comparable); --resume runs the failed test again; llama.cpp
# aborting (GGML_ABORT, through the null engine's abort_at) costs one test
# in bench, bench --no-isolate and quality, with llama.cpp's message as the
# stored reason and one line on stderr.
# Usage: failures.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 missing: skipped"; exit 77; }
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
db="$tmp/f.db"
# the same plan twice: the candidate's longer test runs past --timeout (a failure with the same key)
good="$bin bench --engine null -m null:tg_us=20000 -p 0 -n 4,8 -r 3 --db $db -o none"
$good --tag good 2>/dev/null || bad "the baseline run"
$good --tag cand --timeout 0.5 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(err_lines "$tmp/err")" = 1 ] && grep -q "tg8 on null:tg_us=20000 failed: timed out after 0.5 s" "$tmp/err" \
    && ok || bad "the failing run: rc $rc $(cat "$tmp/err")"

# --- the run's status and counts ---------------------------------------------
[ "$(sqlite3 "$db" "SELECT status FROM runs WHERE id = 2")" = failed ] && ok || bad "stored run status"
"$bin" results --db "$db" --tag cand >"$tmp/runs"
grep -E "^\| +2 \|.*\| failed +\| +2/2, 1 failed \|" "$tmp/runs" >/dev/null && ok || bad "results: $(cat "$tmp/runs")"
"$bin" results --db "$db" -i --tag cand >"$tmp/inst"
grep -q "FAILED" "$tmp/inst" && grep -q "timed out after 0.5 s" "$tmp/inst" && [ "$(grep -cE '^\| +2 \|' "$tmp/inst")" = 2 ] \
    && ok || bad "results -i: $(cat "$tmp/inst")"

# --- export: the failed test, its configuration and reason, no figures ---------
"$bin" export --db "$db" --tag cand -f json >"$tmp/e.json"
python3 - "$tmp/e.json" <<'PY' && ok || bad "export json: $(head -c 600 "$tmp/e.json")"
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 2, len(rows)
f = [r for r in rows if r["error"]]
assert len(f) == 1 and "timed out after 0.5 s" in f[0]["error"], f
f = f[0]
assert f["n_gen"] == 8 and f["model_filename"] == "null:tg_us=20000" and f["n_threads"] > 0, f
assert f["n_batch"] == 2048 and f["type_k"] == "f16", f  # the configuration that failed
assert f["avg_ts"] is None and f["samples_ns"] == [], f
PY
"$bin" export --db "$db" --tag cand -f csv >"$tmp/e.csv"
python3 - "$tmp/e.csv" <<'PY' && ok || bad "export csv: $(cat "$tmp/e.csv")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 2 and sum(1 for r in rows if r["error"]) == 1, rows
PY

# --- compare: a test B failed and A passed fails the gate -----------------------
"$bin" compare tag=good tag=cand --db "$db" >"$tmp/cmp" 2>&1
grep -q "1 test passed in A and failed in B: tg8" "$tmp/cmp" && ok || bad "compare: $(cat "$tmp/cmp")"
"$bin" compare tag=good tag=cand --db "$db" --fail-on-regression 50% >"$tmp/cmp" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q "regression: .*failed in B: tg8" "$tmp/err" \
    && ok || bad "compare gate: rc $rc $(cat "$tmp/err")"
# nothing else comparable: the failure still fails the gate
only8="$bin bench --engine null -m null:tg_us=20000 -p 0 -n 8 -r 3 --db $db -o none"
$only8 --tag only8 2>/dev/null
$only8 --tag only8-cand --timeout 0.5 2>/dev/null
"$bin" compare tag=only8 tag=only8-cand --db "$db" --fail-on-regression 50% >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "passed in A and failed in B" "$tmp/err" && ok || bad "compare, all failed: rc $rc $(cat "$tmp/err")"
# and B passing what A failed is no regression
"$bin" compare tag=cand tag=good --db "$db" --fail-on-regression 50% >"$tmp/cmp" 2>"$tmp/err"
[ $? -eq 0 ] && grep -q "tg8 failed in A and passed in B" "$tmp/cmp" && ok || bad "compare reversed: $(cat "$tmp/cmp" "$tmp/err")"

# --- --resume runs the failed test again ----------------------------------------
$good --tag cand --resume 2>"$tmp/err" || bad "resume: $(cat "$tmp/err")"
grep -q "resuming run 2: 1 of 2 tests left" "$tmp/err" && ok || bad "resume said: $(cat "$tmp/err")"
[ "$(sqlite3 "$db" "SELECT status || ' ' || (SELECT count(*) FROM test_instances WHERE run_id = 2 AND status = 'complete') FROM runs WHERE id = 2")" = "complete 2" ] \
    && ok || bad "resumed run: $(sqlite3 "$db" "SELECT id, status FROM runs")"

# --- llama.cpp aborting costs one test, with its own message ----------------------
abort_msg="llama.cpp aborted: null.c:[0-9]+: GGML_ASSERT\(null engine: abort_at on purpose\) failed"
"$bin" bench --engine null -m null:abort_at=3,null -p 8 -n 4 -r 2 --db "$tmp/a.db" -o json >"$tmp/a.json" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(err_lines "$tmp/err")" = 1 ] && grep -qE "$abort_msg" "$tmp/err" && ok || bad "bench abort: rc $rc $(cat "$tmp/err")"
python3 -c "
import json,sys; r=json.load(open(sys.argv[1]))
assert len(r)==4 and sum(1 for x in r if x['error'])==1, r" "$tmp/a.json" && ok || bad "bench abort: rows"
sqlite3 "$tmp/a.db" "SELECT error FROM test_instances WHERE status = 'failed'" | grep -qE "^$abort_msg$" && ok \
    || bad "stored reason: $(sqlite3 "$tmp/a.db" "SELECT error FROM test_instances")"
grep -q "gdb\|backtrace" "$tmp/a.json" && bad "a debugger's output in the reason" || ok
"$bin" bench --engine null -m null:abort_at=3 -p 8 -n 4 -r 2 --no-isolate --no-db -o none \
    --export-json "$tmp/ni.json" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(err_lines "$tmp/err")" = 1 ] && grep -qE "^llmbench: error: $abort_msg" "$tmp/err" \
    && ! ls -A "$tmp" | grep -q '\.tmp\.' && ok || bad "bench --no-isolate abort: rc $rc $(cat "$tmp/err")"
"$bin" quality --engine null -m null:abort_at=1 --suite default --max-tokens 4 --force --no-db -o json --quiet \
    >"$tmp/q.json" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(err_lines "$tmp/err")" = 1 ] && grep -qE "$abort_msg" "$tmp/err" && ok || bad "quality abort: rc $rc $(cat "$tmp/err")"

finish
