#!/usr/bin/env bash
# numeric_flags.sh - numeric flags of every command refuse nan, inf, fractions
# where an integer is meant and values past their bounds: one line on stderr
# naming the flag, exit 2, before anything runs (the unit test test_opt walks
# every table; this checks the program end to end for a few).
# Usage: numeric_flags.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
. "$(dirname "$0")/lib.sh"

# usage2 NAME FLAG ARGS...: exit 2, one stderr line starting with the error and naming FLAG, nothing on stdout
usage2() {
    local name="$1" flag="$2"; shift 2
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc -ne 2 ]; then bad "$name: exit $rc: $(cat "$tmp/err")"; return; fi
    if [ "$(wc -l < "$tmp/err")" -ne 1 ]; then bad "$name: $(wc -l < "$tmp/err") lines: $(cat "$tmp/err")"; return; fi
    if ! grep -qF -e "llmbench: error: $flag: " "$tmp/err"; then bad "$name: '$(cat "$tmp/err")' does not name $flag"; return; fi
    if [ -s "$tmp/out" ]; then bad "$name: wrote to stdout"; return; fi
    ok
}

usage2 "bench --seed fraction" --seed bench -m x --seed 1.7
usage2 "bench --ci-target nan" --ci-target bench -m x -r auto --ci-target nan
usage2 "bench --max-time nan" --max-time bench -m x -r auto --max-time nan
usage2 "bench --timeout nan" --timeout bench -m x --timeout nan
usage2 "bench --timeout inf" --timeout bench -m x --timeout inf
usage2 "bench -t too many" -t bench -m x -t 100000
usage2 "bench -p 1e999" -p bench -m x -p 1e999
usage2 "bench -r fraction" -r bench -m x -r 2.5
usage2 "bench --delay -inf" --delay bench -m x --delay -inf
usage2 "quantize -t too many" -t quantize -m x -t 100000
usage2 "synth --layers fraction" --layers synth tiny --layers 1.5 --dry-run
usage2 "pipeline -p nan" -p pipeline -s tiny -p nan
usage2 "quality --temp nan" --temp quality -m x --temp nan
usage2 "quality -c inf" -c quality -m x -c inf
usage2 "results --lock-wait nan" --lock-wait results --lock-wait nan
usage2 "export --lock-wait -1" --lock-wait export --lock-wait -1
usage2 "import --lock-wait 1e999" --lock-wait import --lock-wait 1e999 x.json
usage2 "compare --fail-on-regression nan" --fail-on-regression compare 1 2 --fail-on-regression nan
usage2 "recommend --min-tg inf" --min-tg recommend --min-tg inf
usage2 "recommend --max-memory nan" --max-memory recommend --max-memory nan
finish
