#!/usr/bin/env bash
# resume_kill.sh - a sweep killed with SIGKILL at a random moment (power loss),
# then `--resume`d, yields exactly the instances of an uninterrupted sweep of
# the same plan, each once, and the database passes PRAGMA integrity_check.
# Three rounds with different kill times.
# Usage: resume_kill.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
plan=(--engine null -m "null:tg_us=3000,null:tg_us=3001:pp_us=5" -p 16,32 -n 8,16 -t 1,2 -r 3 -o none)

# the uninterrupted sweep
"$bin" bench "${plan[@]}" --db "$tmp/full.db" 2>/dev/null
sqlite3 "$tmp/full.db" "SELECT instance_key FROM test_instances ORDER BY instance_key" > "$tmp/full.keys"
[ "$(wc -l < "$tmp/full.keys")" -eq 16 ] && ok || bad "uninterrupted sweep: $(wc -l < "$tmp/full.keys") instances"

RANDOM=$$
for round in 1 2 3; do
    db="$tmp/kill$round.db"
    "$bin" bench "${plan[@]}" --db "$db" 2>/dev/null &
    pid=$!
    sleep "0.$((RANDOM % 9 + 1))"
    kill -KILL $pid
    wait $pid 2>/dev/null
    sleep 0.2 # the orphaned worker dies on its broken pipe
    before=$(sqlite3 "$db" "SELECT count(*) FROM test_instances" 2>/dev/null || echo 0)
    "$bin" bench "${plan[@]}" --db "$db" --resume 2>"$tmp/err"
    rc=$?
    sqlite3 "$db" "SELECT instance_key FROM test_instances ORDER BY instance_key" > "$tmp/got.keys"
    if [ $rc -eq 0 ] && cmp -s "$tmp/full.keys" "$tmp/got.keys"; then ok
    else bad "round $round (killed after $before instances): exit $rc, $(wc -l < "$tmp/got.keys") instances: $(cat "$tmp/err")"; fi
    [ "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok ] && ok || bad "round $round: integrity_check"
    [ "$(sqlite3 "$db" "SELECT count(*) FROM runs")" = 1 ] && ok || bad "round $round: more than one run"
    # no half-counted instance: every stored instance has all its samples and metrics
    [ "$(sqlite3 "$db" "SELECT count(*) FROM test_instances ti WHERE n_samples != 3 OR (SELECT count(*) FROM samples s WHERE s.instance_id = ti.id) != 3")" = 0 ] && ok || bad "round $round: partial instances"
done

finish
