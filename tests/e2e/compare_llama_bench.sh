#!/usr/bin/env bash
# compare_llama_bench.sh - llama.cpp's own consumer reads llmbench's output:
# scripts/compare-llama-bench.py of the pinned llama.cpp (with Debian's
# python3-git and python3-tabulate, which scripts/setup.sh installs) makes
# its table from llmbench's -o json, jsonl, csv and sql (piped into sqlite3)
# on two builds' worth of data: a sweep, and a copy of it under a second
# build commit. With ../shared/data, llama-bench's own output of the same
# sweep on a real model is the baseline build and llmbench's the other:
# every test is matched across the two tools (JSON and one SQLite database
# both wrote into). Usage: compare_llama_bench.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
script="$here/../../deps/llama.cpp/scripts/compare-llama-bench.py"
lb="$here/../../deps/llama-build/bin/llama-bench"
. "$here/lib.sh"
[ -f "$script" ] || { echo "FAIL: no $script (scripts/setup.sh links deps/llama.cpp)"; exit 1; }
py=""
for p in python3 /usr/bin/python3; do
    if "$p" -c "import git, tabulate" 2>/dev/null; then py="$p"; break; fi
done
[ -n "$py" ] || { echo "FAIL: no python3 with GitPython and tabulate (scripts/setup.sh installs python3-git python3-tabulate)"; exit 1; }
cd "$tmp" || exit 1

# table NAME TESTS ARGS...: compare-llama-bench.py ARGS prints a table of TESTS tests
table() {
    local name="$1" n="$2"; shift 2
    if ! "$py" "$script" "$@" >"$name.table" 2>"$name.err"; then bad "$name: compare-llama-bench.py failed: $(tail -3 "$name.err")"; return; fi
    local rows
    rows=$(grep -cE '^\| .*\| +[0-9.]+ \| +[0-9.]+ \| +[0-9.]+ \|$' "$name.table")
    if grep -q 'Speedup' "$name.table" && [ "$rows" -eq "$n" ]; then ok; else bad "$name: $rows of $n tests in $(cat "$name.table")"; fi
}

# ---- llmbench's output, two builds (the second fabricated in a copy), every format
"$bin" synth tiny -q Q8_0 -o tiny.gguf --quiet >/dev/null || { echo "FAIL: cannot synthesize a model"; exit 1; }
sweep=(-m tiny.gguf -p 16 -n 4 -pg 8,2 -r 2 -t 1 -C 0x1 --no-db --quiet)
for fmt in json jsonl csv sql; do
    "$bin" bench "${sweep[@]}" -o "$fmt" >"a.$fmt" 2>"a.err" || bad "bench -o $fmt: $(cat a.err)"
done
build=$("$py" -c 'import json; print(json.load(open("a.json"))[0]["build_commit"])')
other=feedbee
sed "s/\"build_commit\": \"$build\"/\"build_commit\": \"$other\"/" a.json >b.json
sed "s/\"build_commit\":\"$build\"/\"build_commit\":\"$other\"/" a.jsonl >b.jsonl
sed "s/^\"$build\",/\"$other\",/" a.csv >b.csv
sed "s/VALUES ('$build',/VALUES ('$other',/" a.sql >b.sql
for f in b.json b.jsonl b.csv b.sql; do grep -q "$other" "$f" && ok || bad "$f: no second build"; done
table json 3 -t llama-bench -i a.json -i b.json -b "$build" -c "$other"
cat a.jsonl b.jsonl >ab.jsonl
table jsonl 3 -t llama-bench -i ab.jsonl -b "$build" -c "$other"
table csv 3 -t llama-bench -i a.csv -i b.csv -b "$build" -c "$other"
sqlite3 ab.sqlite <a.sql && sqlite3 ab.sqlite <b.sql || bad "sql does not load"
table sqlite 3 -i ab.sqlite -b "$build" -c "$other"
table sqlite-default 3 -b "$build" -c "$other" # llama-bench's habit: the one .sqlite file of the folder
grep -E '^\| .*pp16 ' json.table | grep -q ' 1\.00 |$' && ok || bad "json: a copy is not 1.00x: $(cat json.table)"

# ---- llama-bench's output and llmbench's of the same sweep on a real model
if [ ! -f "$data/stories260K.gguf" ]; then
    echo "note: $data/stories260K.gguf absent: llama-bench against llmbench not compared"
    finish
    exit $?
fi
cp "$data/stories260K.gguf" m.gguf
real=(-m m.gguf -p 16,32 -n 4 -r 2 -t 1 -ub 256)
"$lb" "${real[@]}" -o json >lb.json 2>lb.err || bad "llama-bench: $(tail -2 lb.err)"
"$lb" "${real[@]}" -o sql >lb.sql 2>lb.err || bad "llama-bench: $(tail -2 lb.err)"
"$bin" bench "${real[@]}" -o json --no-db --quiet | sed "s/\"build_commit\": \"$build\"/\"build_commit\": \"$other\"/" >us.json
"$bin" bench "${real[@]}" -o sql --no-db --quiet | sed "s/VALUES ('$build',/VALUES ('$other',/" >us.sql
table "llama-bench vs llmbench json" 3 -t llama-bench -i lb.json -i us.json -b "$build" -c "$other"
rm -f ab.sqlite
sqlite3 both.sqlite <lb.sql && sqlite3 both.sqlite <us.sql || bad "llama-bench's and llmbench's SQL in one database"
table "llama-bench vs llmbench sqlite" 3 -i both.sqlite -b "$build" -c "$other"
cat "llama-bench vs llmbench sqlite.table"
finish
