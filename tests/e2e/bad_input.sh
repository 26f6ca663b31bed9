#!/usr/bin/env bash
# bad_input.sh - every bad input to `llmbench bench` gives exactly one clear
# line on stderr naming the problem, a non-zero exit below 128 (no crash), and
# no output file. Usage: bad_input.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
data="${2:-}"
. "$(dirname "$0")/lib.sh"

# a real model to cut up: from the shared data when present, else one we write
model=""
[ -n "$data" ] && [ -f "$data/stories260K.gguf" ] && model="$data/stories260K.gguf"
if [ -z "$model" ] && "$bin" synth tiny -q Q4_0 -o "$tmp/tiny.gguf" --quiet >/dev/null 2>&1; then model="$tmp/tiny.gguf"; fi

printf 'hello, not a model\n' > "$tmp/text.gguf"
: > "$tmp/empty.gguf"
printf 'GGUF' > "$tmp/magic-only.gguf"
mkdir "$tmp/dir.gguf"
touch "$tmp/noread.gguf"; chmod 000 "$tmp/noread.gguf"

# expect NAME PATTERN ARGS... : runs bench, checks exit, one stderr line matching PATTERN, no export
expect() {
    local name="$1" pat="$2"; shift 2
    rm -f "$tmp/out.json"
    "$bin" bench --export-json "$tmp/out.json" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    local rc=$? lines
    lines=$(wc -l < "$tmp/stderr")
    if [ $rc -eq 0 ] || [ $rc -ge 128 ]; then bad "$name: exit status $rc"; return; fi
    if [ "$lines" -ne 1 ]; then bad "$name: $lines lines on stderr: $(cat "$tmp/stderr")"; return; fi
    if ! grep -qiE -e "$pat" "$tmp/stderr"; then bad "$name: stderr '$(cat "$tmp/stderr")' lacks /$pat/"; return; fi
    if [ -e "$tmp/out.json" ] || ls -A "$tmp" | grep -q '^\.out\.json\.tmp'; then bad "$name: output file left behind"; return; fi
    if [ -s "$tmp/stdout" ]; then bad "$name: wrote to stdout: $(head -c 200 "$tmp/stdout")"; return; fi
    ok
}

expect "missing model"      "nonexistent.gguf.*No such file"   -m "$tmp/nonexistent.gguf"
expect "directory"          "is a directory"                   -m "$tmp/dir.gguf"
expect "device"             "not a regular file"               -m /dev/zero
expect "empty file"         "empty"                            -m "$tmp/empty.gguf"
expect "text file"          "not a GGUF file"                  -m "$tmp/text.gguf"
expect "magic only"         "corrupt or truncated"             -m "$tmp/magic-only.gguf"
if [ "$(id -u)" -ne 0 ]; then expect "unreadable" "cannot be read|Permission" -m "$tmp/noread.gguf"; fi
expect "no model"           "no model"                         -p 16
expect "unknown flag"       "unknown option '--frobnicate'"    -m x --frobnicate
expect "missing value"      "needs a value"                    -m
expect "malformed list"     "-p: .*expected a number"          -m x -p 16,,32
expect "malformed range"    "-p: .*malformed range"            -m x -p 64-
expect "reversed range"     "-n: .*empty"                      -m x -n 128-64
expect "stuck range"        "-b: .*does not advance"           -m x -b 1-8*1
expect "zero threads"       "thread count must be at least 1" -m "${model:-x}" -t 0
expect "negative threads"   "-t: "                             -m x -t -2
expect "bad fa"             "flash attention value 'sometimes'" -m x -fa sometimes
expect "bad kv type"        "unknown KV cache type 'q7'"       -m x -ctk q7
expect "bad reps"           "-r: 'many'"                       -m x -r many
expect "zero reps"          "-r: '0'"                          -m x -r 0
expect "bad format"         "unknown format 'xml'"             -m x -o xml
expect "bad engine"         "unknown engine 'gpt'"             -m x --engine gpt
expect "bad pg"             "takes one pair"               -m x -pg 512
expect "positional"         "unexpected argument 'extra'"      -m x extra
expect "nothing to run"     "nothing to run"                   -m x -p 0 -n 0
expect "second model bad"   "missing2.gguf"                    -m "${model:-$tmp/text.gguf},$tmp/missing2.gguf"

if [ -n "$model" ]; then
    size=$(stat -c %s "$model")
    ok
    for cut in 3 24 100 1000 $((size / 2)) $((size - 1)); do
        head -c "$cut" "$model" > "$tmp/cut.gguf"
        expect "truncated at $cut" "truncated|too short|corrupt" -m "$tmp/cut.gguf"
    done
else
    bad "no model to cut up (synth tiny failed)"
fi

# an export path in a missing directory fails before any measurement
"$bin" bench -m "${model:-x}" --engine null --export-csv "$tmp/no/such/dir/out.csv" >/dev/null 2>"$tmp/stderr"
rc=$?
if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -qE "cannot create|does not exist" "$tmp/stderr"; then ok; else bad "export into missing dir: rc=$rc $(cat "$tmp/stderr")"; fi

finish
