#!/usr/bin/env bash
# isolation.sh - workers: a sweep where one configuration's worker dies of
# SIGSEGV, one is SIGKILLed and one hangs past --timeout records three failed
# rows with the reason and keeps every other row; Ctrl-C (SIGINT) stops a
# sweep cleanly (finished tests kept, exports well-formed, run marked
# interrupted) and --resume finishes it.
# Usage: isolation.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
db="$tmp/r.db"

ok_a="null:tg_us=100" segv="null:tg_us=100:crash_at=5" kill9="null:tg_us=100:crash_at=3:sig=9"
hang="null:tg_us=100:hang_at=4" ok_b="null:tg_us=50"
"$bin" bench --engine null -m "$ok_a,$segv,$kill9,$hang,$ok_b" -p 16 -n 8 -r 2 --timeout 2 --db "$db" \
    -o json >"$tmp/out.json" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && ok || bad "sweep with failures: exit $rc (want 1)"
if python3 - "$tmp/out.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 10, len(rows)
failed = {r["model_filename"]: r["error"] for r in rows if r["error"]}
assert set(failed) == {"null:tg_us=100:crash_at=5", "null:tg_us=100:crash_at=3:sig=9", "null:tg_us=100:hang_at=4"}, failed
assert "SEGV" in failed["null:tg_us=100:crash_at=5"], failed  # SIGSEGV; under ASan its report names SEGV
assert "SIGKILL" in failed["null:tg_us=100:crash_at=3:sig=9"], failed
assert "timed out after 2 s" in failed["null:tg_us=100:hang_at=4"], failed
good = [r for r in rows if not r["error"]]
assert len(good) == 7 and all(r["reps"] == 2 and len(r["samples_ns"]) == 2 and r["avg_ts"] > 0 for r in good)
# the failing configurations' pp tests ran before the failure and are intact
assert sum(1 for r in good if r["model_filename"] == "null:tg_us=100:hang_at=4") == 1
PY
then ok; else bad "failure rows"; fi
[ "$(grep -c 'failed:' "$tmp/err")" -eq 3 ] && ok || bad "stderr: $(cat "$tmp/err")"
n=$(sqlite3 "$db" "SELECT count(*) FROM test_instances WHERE status='failed' AND error IS NOT NULL")
m=$(sqlite3 "$db" "SELECT count(*) FROM test_instances WHERE status='complete'")
[ "$n" = 3 ] && [ "$m" = 7 ] && ok || bad "database: $n failed, $m complete"
# a run with failed tests is not "complete" (it is resumable: --resume measures them again)
[ "$(sqlite3 "$db" "SELECT status FROM runs")" = failed ] && ok || bad "run with failures: $(sqlite3 "$db" "SELECT status FROM runs")"

# --- Ctrl-C, then --resume ---------------------------------------------------------
models="null:tg_us=20000,null:tg_us=20001,null:tg_us=20002,null:tg_us=20003"
"$bin" bench --engine null -m "$models" -p 0 -n 8 -r 3 --db "$tmp/int.db" -o jsonl --export-json "$tmp/int.json" \
    >"$tmp/int.jsonl" 2>"$tmp/int.err" &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] && ok || bad "SIGINT exit $rc (want 130): $(cat "$tmp/int.err")"
done1=$(wc -l < "$tmp/int.jsonl")
# stdout had the rows as they came; the export file of an incomplete sweep is not written (nor its temporary)
if [ "$done1" -ge 1 ] && [ "$done1" -lt 4 ] && [ ! -e "$tmp/int.json" ] && ! ls "$tmp"/.int.json* >/dev/null 2>&1; then ok
else bad "interrupted outputs: $done1 rows, $(cat "$tmp/int.err")"; fi
[ "$(sqlite3 "$tmp/int.db" "SELECT status FROM runs")" = interrupted ] && ok || bad "run not marked interrupted"
# one line says what was kept (and nothing else is said)
grep -q "^llmbench: interrupted: .* tests finished and were kept" "$tmp/int.err" && [ "$(err_lines "$tmp/int.err")" -eq 1 ] \
    && ok || bad "no word of the interruption: $(cat "$tmp/int.err")"
"$bin" bench --engine null -m "$models" -p 0 -n 8 -r 3 --db "$tmp/int.db" --resume -o jsonl >"$tmp/res.jsonl" 2>"$tmp/res.err"
rc=$?
done2=$(wc -l < "$tmp/res.jsonl")
[ $rc -eq 0 ] && [ $((done1 + done2)) -eq 4 ] && ok || bad "resume: exit $rc, $done1 + $done2 rows: $(cat "$tmp/res.err")"
[ "$(sqlite3 "$tmp/int.db" "SELECT count(*) || ' ' || count(DISTINCT instance_key) FROM test_instances")" = "4 4" ] && ok || bad "resumed run's instances"
[ "$(sqlite3 "$tmp/int.db" "SELECT count(*) || status FROM runs")" = "1complete" ] && ok || bad "resumed run status"

finish
