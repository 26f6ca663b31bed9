#!/usr/bin/env bash
# llama_bench_parity.sh - llmbench bench against the pinned llama-bench, field
# by field, on a real model (stories260K of ../shared/data, copied first):
# the same sweeps run by both tools (defaults with a repeated test; then
# nearly every test parameter away from its default, lists included; then
# fitting), and for every test every key of llama-bench's JSON is in
# llmbench's with an equal value (timings aside), in the same order of
# tests; the same for its CSV columns and its SQL table (loaded by
# sqlite3); llama-bench's Markdown columns are llmbench's first ones.
# Skipped (77) without the model. Usage: llama_bench_parity.sh LLMBENCH DATA_DIR
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
lb="$here/../../deps/llama-build/bin/llama-bench"
. "$here/lib.sh"
if [ ! -f "$data/stories260K.gguf" ]; then echo "skip: $data/stories260K.gguf absent"; exit 77; fi
[ -x "$lb" ] || { echo "FAIL: no llama-bench at $lb (scripts/setup.sh builds it)"; exit 1; }
cp "$data/stories260K.gguf" "$tmp/m.gguf"
cd "$tmp" || exit 1

# both NAME FORMAT ARGS...: the sweep through each tool, to $tmp/NAME.lb.FORMAT and $tmp/NAME.us.FORMAT
both() {
    local name="$1" fmt="$2"; shift 2
    "$lb" "$@" -o "$fmt" >"$name.lb.$fmt" 2>"$name.lb.err" || { bad "$name: llama-bench failed: $(tail -2 "$name.lb.err")"; return 1; }
    "$bin" bench "$@" -o "$fmt" --no-db --quiet >"$name.us.$fmt" 2>"$name.us.err" || { bad "$name: llmbench failed: $(cat "$name.us.err")"; return 1; }
    ok
}

compare_json() { # NAME: every llama-bench key, equal values but timings, same order
    if python3 - "$1.lb.json" "$1.us.json" <<'PY'; then ok; else bad "$1: JSON fields differ"; fi
import json, sys
TIMING = {"test_time", "avg_ns", "stddev_ns", "avg_ts", "stddev_ts", "samples_ns", "samples_ts"}
lb, us = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert len(lb) == len(us), f"{len(lb)} tests from llama-bench, {len(us)} from llmbench"
errors = []
for i, (a, b) in enumerate(zip(lb, us)):
    for k, v in a.items():
        if k not in b:
            errors.append(f"test {i}: key {k} missing")
        elif k in TIMING:
            if type(v) != type(b[k]) and not (isinstance(v, (int, float)) and isinstance(b[k], (int, float))):
                errors.append(f"test {i}: {k} is {type(b[k]).__name__}, llama-bench's {type(v).__name__}")
            if k.startswith("samples") and len(v) != len(b[k]):
                errors.append(f"test {i}: {k} has {len(b[k])} values, llama-bench's {len(v)}")
        elif v != b[k] or type(v) != type(b[k]):
            errors.append(f"test {i}: {k} = {b[k]!r}, llama-bench says {v!r}")
for e in errors[:20]:
    print(e, file=sys.stderr)
print(f"{len(lb)} tests, {len(lb[0])} llama-bench keys each: {'equal' if not errors else 'DIFFERENT'}")
sys.exit(1 if errors else 0)
PY
}

compare_csv() {
    if python3 - "$1.lb.csv" "$1.us.csv" <<'PY'; then ok; else bad "$1: CSV columns differ"; fi
import csv, sys
TIMING = {"test_time", "avg_ns", "stddev_ns", "avg_ts", "stddev_ts"}
lb, us = list(csv.DictReader(open(sys.argv[1]))), list(csv.DictReader(open(sys.argv[2])))
assert len(lb) == len(us), (len(lb), len(us))
bad = [(i, k, a[k], b.get(k)) for i, (a, b) in enumerate(zip(lb, us)) for k in a if k not in TIMING and a[k] != b.get(k)]
assert not bad, bad[:10]
PY
}

compare_sql() {
    rm -f "$1.lb.sqlite" "$1.us.sqlite"
    sqlite3 "$1.lb.sqlite" < "$1.lb.sql" && sqlite3 "$1.us.sqlite" < "$1.us.sql" || { bad "$1: SQL does not load"; return; }
    if python3 - "$1.lb.sqlite" "$1.us.sqlite" <<'PY'; then ok; else bad "$1: SQL tables differ"; fi
import sqlite3, sys
TIMING = {"test_time", "avg_ns", "stddev_ns", "avg_ts", "stddev_ts"}
def rows(path):
    c = sqlite3.connect(path)
    cols = [r[1] for r in c.execute("pragma table_info(llama_bench)")]
    types = [r[2] for r in c.execute("pragma table_info(llama_bench)")]
    return cols, types, [dict(zip(cols, r)) for r in c.execute("select * from llama_bench order by rowid")]
ca, ta, a = rows(sys.argv[1])
cb, tb, b = rows(sys.argv[2])
assert (ca, ta) == (cb, tb), ("columns", ca, cb)
assert len(a) == len(b), (len(a), len(b))
bad = [(i, k, x[k], y[k]) for i, (x, y) in enumerate(zip(a, b)) for k in ca if k not in TIMING and x[k] != y[k]]
assert not bad, bad[:10]
PY
}

# 1. defaults, with a test listed twice (llama-bench measures and reports both) and the default thread count
both dup json -m m.gguf -p 16,16 -n 4 -r 2 && compare_json dup
[ "$(python3 -c 'import json; print(len(json.load(open("dup.us.json"))))')" = 3 ] && ok || bad "dup: not 3 tests"

# 2. nearly every parameter away from its default, several as lists
sweep=(-m m.gguf -p 8 -n 2 -pg 4,2 -d 4 -r 1 -t 1,2 -b 64 -ub 32 -ctk bf16 -ctv f16 -C 0x3 --cpu-strict 0,1
       --poll 0,50 -nkvo 1 -embd 1 -nopo 1 --no-host 1 -lm none -lzm off -sm none -mg 0 -ts 1/1 -dev none
       -ot token_embd=CPU -ncmoe 1 -fa 0,1 --numa distribute --prio 0 --delay 0 --no-warmup)
for fmt in json csv sql md; do both sweep "$fmt" "${sweep[@]}"; done
compare_json sweep
compare_csv sweep
compare_sql sweep
# markdown: llama-bench's columns, then llmbench's own
lbh="$(head -1 sweep.lb.md)"
ush="$(head -1 sweep.us.md)"
case "$ush" in "$lbh"*) ok ;; *) bad "md header: llama-bench '$lbh' vs '$ush'" ;; esac
[ "$(grep -c '^| llama' sweep.lb.md)" = "$(grep -c '^| llama' sweep.us.md)" ] && ok || bad "md rows"
[ "$(tail -1 sweep.lb.md)" = "$(tail -1 sweep.us.md)" ] && ok || bad "md footer: $(tail -1 sweep.us.md)"
python3 - sweep.lb.md sweep.us.md <<'PY' && ok || bad "md cells differ"
import sys
def cells(p):
    return [[c.strip() for c in l.split("|")[1:-1]] for l in open(p) if l.startswith("| llama")]
a, b = cells(sys.argv[1]), cells(sys.argv[2])
n = len(a[0]) - 1  # all but t/s
assert all(x[:n] == y[:n] for x, y in zip(a, b)), [(x[:n], y[:n]) for x, y in zip(a, b) if x[:n] != y[:n]][:2]
PY

# 3. fitting to device memory (-fitt / -fitc), and a second list of batch sizes with ranges
both fit json -m m.gguf -p 8 -n 0 -r 1 -t 1 -fitt 256,512 -fitc 64 -b 32-64*2 && compare_json fit

finish
