#!/usr/bin/env bash
# events.sh - `--events FILE|-` from bench and quality runs on the null engine
# validate against the schema in docs/events.md (check_events.py), and in the
# order it promises; a tampered file is found invalid (the check can fail); a
# suite's t/s is the same with a slow listener as with none (tokens are handed
# over with the engine's clock paused); an events file that cannot be written
# is one error line, exit 2, and nothing measured or stored.
# Usage: events.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/lib.sh"

py=/usr/bin/python3
check="$root/tests/e2e/check_events.py"
doc="$root/docs/events.md"
if ! $py -c 'import jsonschema' 2>/dev/null; then
    echo "SKIP: python3-jsonschema is not installed (scripts/setup.sh installs it)"; exit 77
fi
valid() { # NAME FILE KIND=MIN...
    local name="$1" f="$2"; shift 2
    if $py "$check" "$doc" "$f" "$@" >"$tmp/check.out"; then ok; else bad "$name: $(cat "$tmp/check.out")"; fi
}

# bench: every speed instance, a file and stdout
"$bin" bench --engine null -m null:tg_us=50,null:pp_us=3 -p 16,32 -n 8 -r 3 -o none --events "$tmp/bench.jsonl" --db "$tmp/a.db"
[ $? -eq 0 ] && ok || bad "bench with --events failed"
valid "bench events" "$tmp/bench.jsonl" speed=6
[ "$(grep -c '"type":"sample"' "$tmp/bench.jsonl")" -eq 18 ] && ok || bad "bench: 18 samples expected"
"$bin" bench --engine null -m null -p 16 -n 0 -r 2 -o none --events - --no-db > "$tmp/stdout.jsonl"
valid "bench events on stdout" "$tmp/stdout.jsonl" speed=1
"$bin" bench --engine null -m null -p 16 -n 0 -r 2 --events - --no-db > "$tmp/mixed.out"
grep -q '"type":"run_finished"' "$tmp/mixed.out" && grep -q '| null engine' "$tmp/mixed.out" && ok \
    || bad "--events - beside the table"

# quality: a family with perplexity, KL divergence and a suite, tokens streamed
awk 'BEGIN { srand(3); for (i = 0; i < 3000; i++) printf "%s ", substr("abcdefghij", int(rand()*10)+1, 3); }' > "$tmp/text.txt"
"$bin" quality --engine null --force -m null:vocab=300,null:vocab=300:tg_us=20 --ppl "$tmp/text.txt" -c 64 \
    --chunks 4 --suite default --max-tokens 8 --quiet --events "$tmp/quality.jsonl" --db "$tmp/a.db" > /dev/null
[ $? -eq 0 ] && ok || bad "quality with --events failed"
valid "quality events" "$tmp/quality.jsonl" ppl=1 kld=1 suite=2 token=100
# a failing instance: instance_failed with its reason, still valid
"$bin" quality --engine null --force -m null:vocab=300:hang_at=5 --suite default --max-tokens 8 --quiet \
    --timeout 1 --events "$tmp/fail.jsonl" --no-db > /dev/null 2>&1
grep -q '"type":"instance_failed".*timed out' "$tmp/fail.jsonl" && ok || bad "no instance_failed for a timeout"
valid "events of a failed instance" "$tmp/fail.jsonl"

# pipeline (llama.cpp on a synthetic shape: speed, perplexity, KL divergence, suite), events on stdout
"$bin" pipeline --shape tiny -q Q8_0 -O "$tmp/models" -p 16 -n 4 -r 1 --ppl "$tmp/text.txt" -c 64 --chunks 2 \
    --suite default --max-tokens 4 --force --quiet --events - --db "$tmp/a.db" > "$tmp/pipe.out" 2>"$tmp/pipe.err"
[ $? -eq 0 ] && ok || bad "pipeline with --events failed: $(cat "$tmp/pipe.err")"
grep '^{' "$tmp/pipe.out" > "$tmp/pipe.jsonl"
valid "pipeline events" "$tmp/pipe.jsonl" speed=4 ppl=1 kld=1 suite=2 token=8
[ -d "$tmp/models" ] && ok || bad "pipeline -O did not create its folder"

# the checker can fail: a line with a wrong type, an unclosed instance
sed '3s/"type":"[a-z_]*"/"type":"bogus"/' "$tmp/bench.jsonl" > "$tmp/bad1.jsonl"
$py "$check" "$doc" "$tmp/bad1.jsonl" >/dev/null && bad "a bogus type validated" || ok
grep -v '"type":"instance_finished"' "$tmp/bench.jsonl" > "$tmp/bad2.jsonl"
$py "$check" "$doc" "$tmp/bad2.jsonl" >/dev/null && bad "an unclosed instance validated" || ok
$py "$check" "$doc" "$tmp/bench.jsonl" suite=1 >/dev/null && bad "a missing kind validated" || ok

# a listener does not slow the suite down (tokens are handed over with the
# clock paused): suite t/s with a slow events reader against none, the median
# of three alternating pairs within noise
suite_ts() { sed -n 's/.*"suite_tg_ts": *\([0-9.e+-]*\).*/\1/p' "$1" | head -1; }
mkfifo "$tmp/fifo"
ratios=""
for k in 1 2 3; do
    "$bin" quality --engine null --force -m null:tg_us=1000 --suite default --max-tokens 24 --quiet --no-db -o json \
        > "$tmp/quiet.json"
    $py -c 'import sys, time
for line in sys.stdin: time.sleep(0.001)' < "$tmp/fifo" &
    "$bin" quality --engine null --force -m null:tg_us=1000 --suite default --max-tokens 24 --quiet --no-db -o json \
        --events "$tmp/fifo" > "$tmp/slow.json"
    wait $!
    ratios="$ratios $(awk -v a="$(suite_ts "$tmp/quiet.json")" -v b="$(suite_ts "$tmp/slow.json")" 'BEGIN { print (a > 0 ? b / a : 0) }')"
done
med=$(printf '%s\n' $ratios | sort -g | sed -n 2p)
if awk -v r="$med" 'BEGIN { exit !(r > 0.75 && r < 1.33) }'; then ok
else bad "suite t/s with a slow listener / without: $ratios (median $med)"; fi

# an events file that cannot be written: one line, exit 2, nothing stored
expect_fail "events into a missing folder" "events.*(cannot write|does not exist)" \
    "$bin" bench --engine null -m null -p 16 -n 0 -r 1 --events "$tmp/no/such/dir/e.jsonl" --db "$tmp/b.db"
[ "$(sqlite3 "$tmp/b.db" 'select count(*) from runs' 2>/dev/null || echo 0)" = 0 ] && ok || bad "a run was stored"
expect_fail "events into a folder" "is a (folder|directory)" \
    "$bin" quality --engine null --force -m null --suite default --events "$tmp" --no-db
finish
