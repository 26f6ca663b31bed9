#!/usr/bin/env bash
# plan_files.sh - `llmbench run PLAN` (docs/plans.md): the example plans
# expand with --dry-run and write nothing; a plan and the equivalent bench
# flags give the same test matrix (rows of --dry-run) and the same stored
# plan (bench --resume of the flags finds the plan's run complete); a
# hostile set of plans gives one located error line each, exit 2, nothing
# run or written; the small-models example runs for real and resumes.
# Usage: plan_files.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
src="$(cd "$here/../.." && pwd)"
. "$here/lib.sh"
have_data=0
for f in stories260K.gguf wikillama-3M.gguf wikitext-2-heldout.txt; do [ -f "$data/$f" ] || have_data=1; done

# 1. the examples expand, and the dry run writes nothing (no data folder, no ladder/)
runs_of() { grep -c '^  - name:' "$1"; }
for f in "$src"/examples/*.yaml; do
    n="$(basename "$f")"
    if [ "$n" != gguf-seed-campaign.yaml ] && [ $have_data -ne 0 ]; then skip_part "$n: no test data in '$data'"; continue; fi
    if ! "$bin" run --dry-run "$f" > "$tmp/dry.out" 2> "$tmp/dry.err"; then bad "$n: dry run failed: $(cat "$tmp/dry.err")"; continue; fi
    [ "$(grep -c '^# estimate: ' "$tmp/dry.out")" -eq "$(runs_of "$f")" ] && ok || bad "$n: not one estimate per run: $(cat "$tmp/dry.out")"
    [ "$(grep -c '^llmbench \(bench\|quality\|pipeline\) ' "$tmp/dry.out")" -eq "$(runs_of "$f")" ] && ok || bad "$n: command lines"
    [ ! -s "$tmp/dry.err" ] && ok || bad "$n: stderr: $(cat "$tmp/dry.err")"
done
out="$tmp/dry.out"
"$bin" run --dry-run "$src/examples/gguf-seed-campaign.yaml" > "$out" 2>&1
for s in 1b 3b 8b; do for q in Q8_0 Q6_K Q4_K_M Q3_K_M; do
    grep -q "synth-llama-3\.[12]-$s-s42-$q\.gguf (to make" "$out" || bad "campaign: no $s $q in the dry run"
done; done
[ "$(grep -c '^# 5 variants x (pp, tg, quality) = 15 test instances' "$out")" -eq 3 ] && ok || bad "campaign: $(cat "$out")"
[ ! -e "$tmp/data" ] && [ ! -e "$src/examples/ladder" ] && ok || bad "a dry run wrote: $(ls -R "$tmp/data" "$src/examples/ladder" 2>&1)"

# 2. a plan and the equivalent flags: the same matrix, the same stored plan
cat > "$tmp/eq.yaml" <<'YAML'
version: 1
defaults:
  engine: "null"
  threads: [1, 4]
runs:
  - models: ["null:pp_us=1", "null:pp_us=2"]
    prompt: [64, 512]
    gen: [0, 16]
    depth: [0, 128]
    batch: [256, 2048]
    ubatch: 128
    flash_attn: [auto, on]
    type_k: [f16, q8_0]
    gpu_layers: [0, 99]
    pg: [[32, 8], [64, 16]]
    repetitions: 2
YAML
flags=(--engine null -m "null:pp_us=1,null:pp_us=2" -t 1,4 -p 64,512 -n 0,16 -d 0,128 -b 256,2048 -ub 128 -fa auto,on
       -ctk f16,q8_0 -ngl 0,99 -pg 32,8 -pg 64,16 -r 2)
"$bin" run --dry-run "$tmp/eq.yaml" > "$tmp/plan.out" 2>&1 || bad "eq: plan dry run: $(cat "$tmp/plan.out")"
"$bin" bench "${flags[@]}" --dry-run > "$tmp/flags.out" 2>&1 || bad "eq: flags dry run: $(cat "$tmp/flags.out")"
grep '^[0-9]* | ' "$tmp/plan.out" > "$tmp/plan.rows"
grep '^[0-9]* | ' "$tmp/flags.out" > "$tmp/flags.rows"
[ "$(wc -l < "$tmp/plan.rows")" -eq 640 ] && ok || bad "eq: $(wc -l < "$tmp/plan.rows") rows, 640 expected"
cmp -s "$tmp/plan.rows" "$tmp/flags.rows" && ok || bad "eq: the matrices differ: $(diff "$tmp/plan.rows" "$tmp/flags.rows" | head -5)"
# a change on one side shows (the comparison can fail)
"$bin" bench "${flags[@]/-ub/-b}" --dry-run 2>/dev/null | grep '^[0-9]* | ' | cmp -s - "$tmp/plan.rows" && bad "eq: blind" || ok
printf 'version: 1\nruns:\n  - {engine: "null", models: ["null:pp_us=1", "null:pp_us=2"], threads: [1, 2], prompt: 16, gen: 4, repetitions: 1}\n' > "$tmp/eq2.yaml"
"$bin" run "$tmp/eq2.yaml" --quiet --db "$tmp/eq.db" > /dev/null 2> "$tmp/err" || bad "eq: the plan's run: $(cat "$tmp/err")"
"$bin" bench --engine null -m "null:pp_us=1,null:pp_us=2" -t 1,2 -p 16 -n 4 -r 1 --quiet --db "$tmp/eq.db" --resume > /dev/null 2> "$tmp/err"
grep -q "run 1 already holds all 8 tests" "$tmp/err" && ok || bad "eq: the flags' plan is not the plan's: $(cat "$tmp/err")"

# the run options reach the command in any form: --db=PATH, --events (one run only)
"$bin" run "$tmp/eq2.yaml" --quiet --db="$tmp/eq3.db" --events "$tmp/ev.jsonl" > /dev/null 2> "$tmp/err" || bad "eq: $(cat "$tmp/err")"
[ -s "$tmp/ev.jsonl" ] && [ "$(sqlite3 "$tmp/eq3.db" 'SELECT count(*) FROM test_instances')" -eq 8 ] && ok || bad "eq: --db= / --events"
printf 'version: 1\nruns:\n  - {engine: "null", models: "null"}\n  - {engine: "null", models: "null"}\n' > "$tmp/two.yaml"
expect_fail two-runs-events '^llmbench: error: --events and --dashboard follow one run; the plan has 2' \
    "$bin" run "$tmp/two.yaml" --events "$tmp/ev2.jsonl"
[ ! -e "$tmp/ev2.jsonl" ] && ok || bad "two-runs-events: wrote the log"

# 3. hostile plans: one located error line, exit 2, nothing run or written
h="$tmp/h.yaml"
hostile() { # NAME PATTERN (the plan is $h)
    "$bin" run "$h" --db "$tmp/hostile.db" > "$tmp/out" 2> "$tmp/err"
    local rc=$?
    if [ $rc -ne 2 ]; then bad "$1: exit $rc: $(cat "$tmp/err")"; return; fi
    if [ "$(wc -l < "$tmp/err")" -ne 1 ] || ! grep -qE -e "^llmbench: error: $2" "$tmp/err"; then bad "$1: $(cat "$tmp/err")"; return; fi
    [ ! -s "$tmp/out" ] && [ ! -e "$tmp/hostile.db" ] && ok || bad "$1: ran or wrote"
}
p() { printf "$@" > "$h"; }
p 'version: 1\nruns:\n  - models: m\n    engine: "null"\n    threads: four\n'
hostile type 'threads: expected a positive integer or a list of them, got "four" at .*h.yaml:5:14$'
p 'version: 1\nruns:\n  - models: m\n    thread: 4\n'
hostile unknown "a run: unknown key \"thread\" \(did you mean 'threads'\?\) at .*h.yaml:4:5$"
p 'version: 1\ndefaults:\n  repetitons: 3\nruns:\n  - models: m\n'
hostile unknown-default "defaults: unknown key \"repetitons\" \(did you mean 'repetitions'\?\) at .*h.yaml:3:3$"
p 'version: 1\nrun:\n  - models: m\n'
hostile unknown-top "plan: unknown key \"run\" \(did you mean 'runs'\?\) at .*h.yaml:2:1$"
p 'version: 1\nthreads: 2\nruns:\n  - models: m\n'
hostile misplaced "plan: 'threads' is a key of a run: put it under defaults: or a run of runs: at .*h.yaml:2:1$"
p 'version: 2\nruns:\n  - models: m\n'
hostile version 'version: expected 1 .* got "2" at .*h.yaml:1:10$'
p 'runs:\n  - models: m\n'
hostile no-version "version: missing .* at .*h.yaml:1:1$"
p 'version: 1\nruns: []\n'
hostile empty-runs 'runs: an empty list runs nothing at .*h.yaml:2:7$'
p 'version: 1\nruns:\n  - models: m\n    prompt: []\n'
hostile empty-list 'prompt: an empty list runs nothing .* at .*h.yaml:4:13$'
p 'version: 1\nruns:\n  - models: "%s/none-*.gguf"\n' "$tmp"
hostile glob 'models: the pattern ".*none-\*.gguf" matches no file at .*h.yaml:3:13$'
p 'version: 1\nruns:\n  - models: m\n    ppl: t.txt\n'
hostile wrong-kind "ppl: no 'ppl' in a speed run .* at .*h.yaml:4:5$"
p 'version: 1\nruns:\n  - kind: quality\n    models: m\n    threads: [1, 2]\n'
hostile one-value 'threads: a quality run takes one value, got a list of 2 at .*h.yaml:5:14$'
p 'version: 1\nruns:\n  - kind: ladder\n    shape: llama-9b\n'
hostile shape 'shape: expected a shape of llmbench synth --list, got "llama-9b" at .*h.yaml:4:12$'
p 'version: 1\nruns:\n  - kind: ladder\n    shape: tiny\n    quants: [Q8_0, Q9_K]\n'
hostile quant 'quants: expected quantization types .* got "Q9_K" at .*h.yaml:5:20$'
p 'version: 1\nruns:\n  - models: m\n    models: n\n'
hostile duplicate 'models: expected each key once, got "models" at .*h.yaml:4:5$'
p 'version: 1\nruns:\n  - {models: m, prompt: &p 8, gen: *p}\n'
hostile alias 'anchors and aliases .* at .*h.yaml:3:'
p 'version: 1\nruns:\n  - models: m\n    gen: [1, 2\n'
hostile syntax 'not valid YAML: .* at .*h.yaml:'
python3 -c 'print("version: 1\nruns: " + "[" * 100000 + "]" * 100000)' > "$h"
hostile deep 'nesting deeper than 16 levels at .*h.yaml:2:'
python3 -c 'print("version: 1\nruns:\n  - models: m\n    threads: [" + ", ".join(["1"] * 5000) + "]")' > "$h"
hostile huge-list 'threads: a list of 5000 values, at most 1024 at .*h.yaml:4:14$'
printf 'version: 1\nruns:\n  - models: "a\xff\xfeb"\n' > "$h"
hostile utf8 'not valid UTF-8 \(byte 31\) at .*h.yaml:3:15$'
: > "$h"
hostile empty '.*h.yaml is empty'
truncate -s 100M "$h"
hostile 100MB "the plan '.*h.yaml' is 104857600 bytes, over the limit of 1048576"
printf '{"version": 1, "runs": [{"models": ["m"], "threads": "four"}]}' > "$h"
hostile json 'threads: expected a positive integer or a list of them, got "four" at .*h.yaml:1:54$'
p 'version: 1\nruns:\n  - models: m\n    engine: "null"\n  - models: missing.gguf\n'
hostile second-run "run 2 \\(.*h.yaml:5\\): .*missing.gguf"

p 'version: 1\nruns:\n  - {kind: ladder, shape: llama-3.1-8b, quants: all, outdir: /dev/shm/llmb-plan-test-%s}\n' $$
if [ -d /dev/shm ] && [ "$(df -k --output=avail /dev/shm | tail -1)" -lt 40000000 ]; then
    hostile disk 'run 1 .*: the plan needs about [0-9.]+ GiB of disk for its models, [0-9.]+ [KMG]iB is free in /dev/shm/llmb-plan-test-'
    [ ! -e "/dev/shm/llmb-plan-test-$$" ] && ok || bad "disk: the folder was made"
else
    skip_part "no /dev/shm smaller than the ladder to fill"
fi
mkdir -p "$tmp/proc/proc"
printf 'MemTotal: 1000 kB\nMemAvailable: 100 kB\n' > "$tmp/proc/proc/meminfo"
"$bin" synth tiny -o "$tmp/tiny.gguf" > /dev/null 2>&1 || bad "synth tiny"
p 'version: 1\nruns:\n  - models: tiny.gguf\n    threads: 1\n'
LLMBENCH_PROCFS_ROOT="$tmp/proc" hostile memory 'run 1 .*: the plan needs about [0-9.]+ MiB of memory \(its largest model and KV cache\), 0.10 MiB is available$'
[ ! -e "$tmp/data/llmbench/results.db" ] && ok || bad "a hostile plan opened the default database"

# 4. the small-models example for real: stored, then resumed (nothing left)
if [ $have_data -eq 0 ]; then
    mkdir -p "$tmp/r/p/examples" "$tmp/r/shared/data"
    cp "$src/examples/small-models.yaml" "$tmp/r/p/examples/"
    cp "$data"/stories260K.gguf "$data"/wikillama-3M.gguf "$data"/wikitext-2-heldout.txt "$tmp/r/shared/data/"
    plan="$tmp/r/p/examples/small-models.yaml"
    if "$bin" run "$plan" --quiet --db "$tmp/r.db" --tag plan > "$tmp/r.out" 2> "$tmp/r.err"; then ok; else bad "small: $(cat "$tmp/r.err")"; fi
    [ "$(sqlite3 "$tmp/r.db" 'SELECT count(*) FROM runs')" -eq 2 ] && ok || bad "small: not two runs stored"
    [ "$(sqlite3 "$tmp/r.db" 'SELECT count(*) FROM test_instances')" -eq 25 ] && ok || bad "small: not 24 + 1 tests stored"
    grep -q '| wikillama-3M.gguf |.* 7\.[0-9]* ± ' "$tmp/r.out" && ok || bad "small: no perplexity: $(cat "$tmp/r.out")"
    "$bin" run "$plan" --quiet --db "$tmp/r.db" --resume > /dev/null 2> "$tmp/r.err" || bad "small: resume: $(cat "$tmp/r.err")"
    [ "$(grep -c 'already holds all' "$tmp/r.err")" -eq 2 ] && ok || bad "small: resume ran again: $(cat "$tmp/r.err")"
else
    skip_part "the small-models plan needs $data"
fi
finish
