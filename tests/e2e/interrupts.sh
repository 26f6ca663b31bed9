#!/usr/bin/env bash
# interrupts.sh - nothing lost (docs/outputs.md), each case from its
# reproduction: SIGINT (and SIGTERM, SIGHUP) to bench, quality, pipeline,
# synth, quantize, export and import stops them with exit 130 and one line
# saying what was kept, and leaves no temporary file (in the output folder,
# the data folder or $TMPDIR); SIGKILL of the parent leaves no worker or
# quantizer process behind within 2 s, and its temporaries go with the next
# writer; a live run is never taken over by --resume, a killed one shows as
# interrupted and is resumed; --timeout is not reset by progress messages.
# Usage: interrupts.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 missing: skipped"; exit 77; }
export TMPDIR="$tmp/tmpdir"
mkdir -p "$TMPDIR"
o="$tmp/o"
mkdir -p "$o"
marker="llmb-interrupts-$$"
temporaries() { find "$o" "$TMPDIR" "$XDG_DATA_HOME" -name '*.tmp.*' -o -name 'llmbench-skeleton*' -o -name 'llmbench-ref.*' 2>/dev/null; }
printf 'The quick brown fox jumps over the lazy dog. %.0s' $(seq 1 60) > "$tmp/text.txt"
# started PID: waits until the background job PID runs llmbench (a signal to the shell's subshell
# before its exec would run this script's EXIT trap there)
started() {
    local i
    for i in $(seq 1 200); do
        [ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$(readlink -f "$bin")" ] && return 0
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.01
    done
}

# interrupt NAME SIGNAL DELAY PATTERN CMD...: CMD, sent SIGNAL after DELAY s, exits 130 with one
# stderr line "llmbench: interrupted: PATTERN" and leaves no temporary file
interrupt() {
    local name="$1" sig="$2" delay="$3" pat="$4"; shift 4
    "$@" >"$tmp/out" 2>"$tmp/err" &
    local pid=$!
    started $pid
    sleep "$delay"
    kill -"$sig" $pid
    wait $pid
    local rc=$?
    if [ $rc -ne 130 ]; then bad "$name: exit $rc (want 130): $(head -c 400 "$tmp/err")"; return; fi
    if [ "$(grep -v '^llmbench: warning: ' "$tmp/err" | grep -cv '^$')" -ne 1 ] || ! grep -qE "^llmbench: interrupted: $pat" "$tmp/err"; then
        bad "$name: stderr: $(cat "$tmp/err")"; return
    fi
    local left
    left=$(temporaries)
    if [ -n "$left" ]; then bad "$name: temporaries left: $left"; rm -f $left; return; fi
    ok
}

interrupt "bench SIGINT" INT 1.5 ".* tests finished and were kept" \
    "$bin" bench --engine null -m null:tg_us=20000 -p 0 -n 8,9,10,11 -r 3 --db "$o/i.db" --export-json "$o/b.json" --tag "$marker"
[ ! -e "$o/b.json" ] && ok || bad "an interrupted bench wrote its export"
interrupt "bench SIGTERM" TERM 1.5 ".* tests finished and were kept" \
    "$bin" bench --engine null -m null:tg_us=20001 -p 0 -n 8,9,10,11 -r 3 --db "$o/i.db" --export-csv "$o/b.csv"
interrupt "bench --no-isolate" INT 1.5 ".* tests finished and were kept" \
    "$bin" bench --engine null -m null:tg_us=20003 -p 0 -n 8,9,10,11 -r 3 --no-isolate --no-db --export-json "$o/ni.json"
[ ! -e "$o/ni.json" ] && ok || bad "an interrupted bench --no-isolate wrote its export"
interrupt "bench SIGHUP" HUP 0.3 "(no test had finished|.* tests finished)" \
    "$bin" bench --engine null -m null:tg_us=20002 -p 0 -n 8 -r 10 --no-db --export-md "$o/b.md"
interrupt "quality --save-ref" INT 1.5 "(no test had finished|.* tests finished)" \
    "$bin" quality --engine null -m null:pp_us=4000 --ppl "$tmp/text.txt" -c 64 --save-ref "$o/ref.bin" --force \
    --db "$o/q.db" --quiet
[ ! -e "$o/ref.bin" ] && ok || bad "an interrupted quality wrote its reference"
interrupt "quality, two models" INT 1.5 "(no test had finished|.* tests finished)" \
    "$bin" quality --engine null -m null:pp_us=3000,null:pp_us=3001 --ppl "$tmp/text.txt" -c 64 --force --no-db --quiet
interrupt "synth" INT 1.5 "'$o/s.gguf' was not written" "$bin" synth llama-3.2-1b -o "$o/s.gguf" --quiet
[ ! -e "$o/s.gguf" ] && ok || bad "an interrupted synth wrote its model"
interrupt "synth Q4_K_M" INT 0.3 "'$o/s4.gguf' was not written" "$bin" synth llama-3.2-1b -q Q4_K_M -o "$o/s4.gguf" \
    --quiet
"$bin" synth small -o "$tmp/small-F16.gguf" --quiet >/dev/null || bad "synth small"
interrupt "quantize" INT 1.5 "quantized files kept: .*the one in progress was removed" \
    "$bin" quantize -m "$tmp/small-F16.gguf" -q Q8_0,Q6_K,Q4_K_M,Q3_K_L,Q5_K_M,Q4_0 -O "$o"
interrupt "pipeline" INT 3 "before any test ran" \
    "$bin" pipeline -m "$tmp/small-F16.gguf" -q Q6_K,Q4_K_M,Q3_K_L,Q5_K_M -O "$o/p" --db "$o/p.db" --quiet
# export and import are quick: whenever the signal lands, no temporary stays and the exit says what happened
for i in 1 2 3; do "$bin" bench --engine null -m "null:tg_us=$i" -p 8,16 -n 4 -r 2 --db "$o/e.db" -o none 2>/dev/null; done
for delay in 0 0.01 0.05; do
    "$bin" export --db "$o/e.db" -o "$o/e.json" 2>"$tmp/err" &
    pid=$!
    started $pid
    sleep $delay
    kill -INT $pid 2>/dev/null
    wait $pid
    rc=$?
    { [ $rc -eq 0 ] || { [ $rc -eq 130 ] && grep -q "^llmbench: interrupted: nothing was written" "$tmp/err"; }; } \
        && [ -z "$(temporaries)" ] && ok || bad "export interrupted after $delay s: rc $rc $(cat "$tmp/err") $(temporaries)"
done
"$bin" bench --engine null -m null -p 8 -n 0 -r 1 --no-db -o json >"$tmp/lb.json" 2>/dev/null
"$bin" import "$tmp/lb.json" --db "$o/imp.db" 2>"$tmp/err" >/dev/null &
pid=$!
started $pid
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
n=$(sqlite3 "$o/imp.db" "SELECT count(*) FROM runs" 2>/dev/null || echo 0)
{ { [ $rc -eq 0 ] && [ "$n" = 1 ]; } || { [ $rc -eq 130 ] && [ "${n:-0}" = 0 ]; } || { [ $rc -eq 130 ] && grep -q interrupted "$tmp/err"; }; } \
    && ok || bad "import interrupted: rc $rc, $n runs, $(cat "$tmp/err")"

# --- SIGKILL of the parent: nothing left running, temporaries go with the next writer ---------
gone_within_2s() {
    local i
    for i in $(seq 1 20); do
        pgrep -f "$1" >/dev/null || return 0
        sleep 0.1
    done
    return 1
}
"$bin" bench --engine null -m null:tg_us=20000 -p 0 -n 8 -r 20 --db "$o/k.db" --export-json "$o/k.json" \
    --tag "$marker-bench" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 200); do # its worker has started (a moment; longer under the sanitizers on a busy machine)
    pgrep -f "$marker-bench" | grep -qv "^$pid$" && break
    sleep 0.05
done
sleep 0.3 # and has begun measuring: the export's temporary exists
pgrep -f "$marker-bench" | grep -qv "^$pid$" && ok || bad "no worker to kill"
kill -9 $pid
wait $pid 2>/dev/null
gone_within_2s "$marker-bench" && ok || bad "a worker outlived its killed parent: $(pgrep -af "$marker-bench")"
ls -A "$o" | grep -q '^\.k\.json\.tmp\.' && ok || bad "no temporary to find (the kill came after the export?)"
"$bin" results --db "$o/k.db" | grep -q "interrupted (process gone)" && ok || bad "killed run: $("$bin" results --db "$o/k.db")"
"$bin" bench --engine null -m null:tg_us=20000 -p 0 -n 8 -r 20 --db "$o/k.db" --export-json "$o/k.json" --resume \
    -o none >/dev/null 2>"$tmp/err" || bad "resume after SIGKILL: $(cat "$tmp/err")"
grep -q "resuming run" "$tmp/err" && ok || bad "no word of resuming: $(cat "$tmp/err")"
[ -z "$(ls -A "$o" | grep '^\.k\.json\.tmp\.')" ] && [ -s "$o/k.json" ] && ok || bad "stale temporary: $(ls -A "$o")"
"$bin" quality --engine null -m null:pp_us=4000 --ppl "$tmp/text.txt" -c 64 --force --no-db --tag "$marker-quality" \
    --quiet >/dev/null 2>&1 &
pid=$!
sleep 1
kill -9 $pid
wait $pid 2>/dev/null
gone_within_2s "$marker-quality" && ok || bad "a quality worker outlived its killed parent"
mkdir -p "$o/kq"
"$bin" quantize -m "$tmp/small-F16.gguf" -q Q6_K,Q4_K_M,Q3_K_L -O "$o/kq" -t 1 --quiet >/dev/null 2>&1 &
pid=$!
for i in $(seq 1 50); do [ "$(pgrep -f "quantize -m $tmp/small-F16.gguf" | wc -l)" -ge 2 ] && break; sleep 0.1; done
[ "$(pgrep -f "quantize -m $tmp/small-F16.gguf" | wc -l)" -ge 2 ] && ok || bad "no quantizer child to outlive its parent"
kill -9 $pid
wait $pid 2>/dev/null
gone_within_2s "quantize -m $tmp/small-F16.gguf" && ok || bad "a quantizer child outlived its parent"
"$bin" quantize -m "$tmp/small-F16.gguf" -q Q6_K -O "$o/kq" --quiet >/dev/null 2>&1 # the next writer of the path
[ -z "$(ls -A "$o/kq" | grep '\.tmp\.')" ] && ok || bad "quantizer temporaries left: $(ls -A "$o/kq")"

# --- a live run is never taken over; two --resume of one plan do not share a run ---------------
"$bin" bench --engine null -m null:tg_us=20000 -p 0 -n 8,4 -r 5 --db "$o/l.db" -o none >/dev/null 2>&1 &
first=$!
shown=0 # the run is listed as running once it has begun (a moment; longer under the sanitizers on a busy machine)
for _ in $(seq 1 200); do
    "$bin" results --db "$o/l.db" 2>/dev/null | grep -q "| running " && { shown=1; break; }
    kill -0 $first 2>/dev/null || break
    sleep 0.05
done
[ $shown = 1 ] && ok || bad "a live run not shown running"
"$bin" bench --engine null -m null:tg_us=20000 -p 0 -n 8,4 -r 5 --db "$o/l.db" --resume -o none >/dev/null 2>"$tmp/err"
rc=$?
wait $first
[ $rc -eq 0 ] && grep -q "no interrupted run of this plan" "$tmp/err" && ok || bad "second --resume: rc $rc $(cat "$tmp/err")"
[ "$(sqlite3 "$o/l.db" "SELECT count(*) || ' ' || sum(status = 'complete') FROM runs")" = "2 2" ] \
    && [ "$(sqlite3 "$o/l.db" "SELECT count(*) FROM test_instances")" = 4 ] && ok || bad "runs: $(sqlite3 "$o/l.db" "SELECT id, status FROM runs")"

# --- --timeout: from each test's start, not reset by progress --------------------------------
"$bin" quality --engine null -m null:pp_us=3000 --ppl "$tmp/text.txt" -c 64 --force --no-db --timeout 1 -o json \
    >"$tmp/to.json" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "timed out after 1 s" "$tmp/to.json" && ok || bad "timeout with progress: rc $rc $(cat "$tmp/err")"

finish
