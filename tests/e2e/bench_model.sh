#!/usr/bin/env bash
# bench_model.sh - `llmbench bench` end to end on a tiny model the project
# writes itself (never skipped) and on the small trained models of
# ../shared/data when present: every output format is well-formed and carries
# every promised field; the matrix expands; -r auto reports an interval;
# exports are complete files.
# Usage: bench_model.sh LLMBENCH DATA_DIR
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
model="$tmp/tiny.gguf"
"$bin" synth tiny -q Q8_0 -o "$model" --quiet >/dev/null || { echo "FAIL: cannot synthesize the tiny model"; exit 1; }
model2="$data/stories260K.gguf"
if [ ! -f "$model2" ]; then
    skip_part "$model2 not found (shared test data absent): the second-model checks use a second synthetic model"
    model2="$tmp/tiny2.gguf"
    "$bin" synth tiny -q Q4_0 --seed 7 -o "$model2" --quiet >/dev/null
fi
run() { # name, then bench args
    local name="$1"; shift
    if "$bin" bench "$@" >"$tmp/out" 2>"$tmp/err"; then ok; else bad "$name: exit $? $(cat "$tmp/err")"; return 1; fi
}
check() { # name file format rows reps
    if python3 "$here/check_json.py" "$2" "$3" "$4" "$5"; then ok; else bad "$1"; fi
}

run "json" -m "$model" -p 32 -n 8 -r 3 -t 1 -o json && check "json fields" "$tmp/out" json 2 3
run "jsonl matrix" -m "$model" -p 16,32 -n 4 -pg 8,4 -t 1,2 -r 2 -o jsonl && check "jsonl matrix" "$tmp/out" jsonl 8 2
run "auto" -m "$model" -p 16 -n 0 -r auto --max-time 5 --max-reps 30 -o json && check "auto CI" "$tmp/out" json 1 auto
run "two models" -m "$model,$model2" -p 16 -n 4 -r 2 -o json && check "two models" "$tmp/out" json 4 2
if python3 -c "import json,sys; a=json.load(open('$tmp/out')); sys.exit(0 if len({o['model_filename'] for o in a})==2 else 1)"; then ok; else bad "two models: filenames"; fi

# markdown: llama-bench's columns, then llmbench's
run "md" -m "$model" -p 16 -n 4 -r 2 -t 1
if head -1 "$tmp/out" | grep -q '^| model  *|  *size |  *params | backend  *| threads |  *test |  *t/s |  *ttft ms |  *peak RSS |$'; then ok; else bad "md header: $(head -1 "$tmp/out")"; fi
if grep -q '^build: [0-9a-f]\{7\} ([0-9]*)$' "$tmp/out" && grep -c '| *pp16 \|| *tg4 ' "$tmp/out" | grep -q 2; then ok; else bad "md rows/footer: $(cat "$tmp/out")"; fi

# csv: header + one row per test, same column count
run "csv" -m "$model" -p 16 -n 4 -r 2 -o csv
if python3 - "$tmp/out" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
assert rows[0][:3] == ["build_commit", "build_number", "cpu_info"], rows[0][:3]
assert len(rows) == 3 and all(len(r) == len(rows[0]) for r in rows), [len(r) for r in rows]
h = rows[0]
for r in rows[1:]:
    assert float(r[h.index("avg_ts")]) > 0
PY
then ok; else bad "csv shape"; fi

# exports: several formats from one run, complete files, stdout silent with -o none
run "exports" -m "$model" -p 16 -n 4 -r 2 -o none --export-json "$tmp/e.json" --export-jsonl "$tmp/e.jsonl" --export-csv "$tmp/e.csv" --export-md "$tmp/e.md"
[ -s "$tmp/out" ] && bad "-o none printed: $(head -c 200 "$tmp/out")" || ok
check "export json" "$tmp/e.json" json 2 2
check "export jsonl" "$tmp/e.jsonl" jsonl 2 2
if [ "$(wc -l < "$tmp/e.csv")" -eq 3 ] && grep -q '^| model' "$tmp/e.md"; then ok; else bad "export csv/md"; fi
if ls -A "$tmp" | grep -q '\.tmp\.'; then bad "temporary files left: $(ls -A "$tmp")"; else ok; fi

# applied settings are recorded: threads, batch, ubatch, KV types, context
run "applied" -m "$model" -p 16 -n 0 -r 1 -t 1 -b 8 -ub 4 -ctk q8_0 -ctv f16 -d 16 -o json
# a KV type the model's head size cannot take (stories260K: head size 8): one line saying why
if [ ! -f "$data/stories260K.gguf" ]; then skip_part "stories260K.gguf absent: KV type/head size check not run"
elif "$bin" bench -m "$data/stories260K.gguf" -p 16 -n 0 -r 1 -ctk q8_0 >/dev/null 2>"$tmp/err"; then bad "q8_0 K on head size 8 should fail"
elif [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "does not divide" "$tmp/err"; then ok; else bad "ctk error: $(cat "$tmp/err")"; fi
if python3 - "$tmp/out" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))[0]
want = {"n_threads": 1, "n_batch": 8, "n_ubatch": 4, "type_k": "q8_0", "type_v": "f16", "n_depth": 16, "n_ctx": 256, "test": "pp16 @ d16"}
bad = {k: (o.get(k), v) for k, v in want.items() if o.get(k) != v}
sys.exit(f"mismatch {bad}" if bad else 0)
PY
then ok; else bad "applied settings"; fi

finish
