#!/usr/bin/env bash
# quality_resume.sh - `llmbench quality` killed with SIGKILL part way (after
# the reference's tests are stored) and continued with --resume gives exactly
# the tests and figures of an uninterrupted run (null engine: perplexity, KL
# divergence, suite answers and their similarity to the reference's, which a
# resumed run reads back from the store); the workers die with their parent.
# Usage: quality_resume.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
awk 'BEGIN { srand(5); for (i = 0; i < 4000; i++) printf "%s ", substr("abcdefghij", int(rand()*10)+1, 3); }' > "$tmp/text.txt"
quality_resume_round "null family" "$tmp/null" 2 --engine null --force \
    -m null:vocab=300:tg_us=3000,null:vocab=300:tg_us=3001,null:vocab=300:tg_us=3002 --ppl "$tmp/text.txt" -c 64 \
    --chunks 6 --suite default --max-tokens 12
# nothing left: a second --resume runs nothing and says so
"$bin" quality --engine null --force -m null:vocab=300:tg_us=3000,null:vocab=300:tg_us=3001,null:vocab=300:tg_us=3002 \
    --ppl "$tmp/text.txt" -c 64 --chunks 6 --suite default --max-tokens 12 --quiet --db "$tmp/null-cut.db" --resume \
    >/dev/null 2>"$tmp/again.err"
grep -q "already holds all 6 tests" "$tmp/again.err" && ok || bad "complete run resumed: $(cat "$tmp/again.err")"
[ "$(sqlite3 "$tmp/null-cut.db" "SELECT count(*) FROM test_instances")" = 6 ] && ok || bad "tests added by a resume of a complete run"
finish
