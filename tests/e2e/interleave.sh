#!/usr/bin/env bash
# interleave.sh - bench --interleave: configurations measured repetition by
# repetition in alternating rounds and compared round by round.
#  - null engine (deterministic: its jitter is drawn from a seed): a
#    configuration against itself (two seeds of the same noise) reports a
#    ratio whose 95% interval holds 1 ("no significant difference"); a 10%
#    slower one reports 0.91 with an interval below 1 ("slower"); the
#    events (instances open together) validate against docs/events.md; the
#    stored run exports the comparison fields; the same with --no-isolate.
#  - bad input: -r auto, nothing to compare: one line, exit 2.
#  - wikillama-3M (../shared/data) F32 against its Q8_0, tg64 on one thread:
#    a significant ratio (skipped without the data).
# Usage: interleave.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
docs="$here/../../docs/events.md"

# ratio_of FILE TEST: "ratio lo hi rounds" of the non-base result of TEST in a JSON array
ratio_of() {
    python3 - "$1" "$2" <<'PY'
import json, sys
for o in json.load(open(sys.argv[1])):
    t = ("pp%d" % o["n_prompt"]) if o["n_gen"] == 0 else ("tg%d" % o["n_gen"])
    if t == sys.argv[2] and o.get("interleave_ratio") is not None:
        print(o["interleave_ratio"], o["interleave_ratio_lo"], o["interleave_ratio_hi"], o["interleave_rounds"])
PY
}
# inside LO HI X: LO <= X <= HI
inside() { python3 -c "import sys; lo, hi, x = map(float, sys.argv[1:]); sys.exit(0 if lo <= x <= hi else 1)" "$@"; }

aa="null:pp_us=50:tg_us=200:jitter=0.3:seed=1:virtual=1,null:pp_us=50:tg_us=200:jitter=0.3:seed=2:virtual=1"
for iso in "" --no-isolate; do
    name="A/A${iso:+ $iso}"
    "$bin" bench --engine null -m "$aa" -p 64 -n 16 -r 15 --interleave $iso --db "$tmp/aa.db" --tag "aa${iso#--}" \
        --events "$tmp/aa.jsonl" -o json > "$tmp/aa.json" 2> "$tmp/aa.err" || { bad "$name: $(cat "$tmp/aa.err")"; continue; }
    for t in pp64 tg16; do
        read -r r lo hi n <<< "$(ratio_of "$tmp/aa.json" $t)"
        if [ -z "${r:-}" ]; then bad "$name $t: no ratio in the JSON"; continue; fi
        [ "$n" = 15 ] && ok || bad "$name $t: $n rounds, expected 15"
        inside "$lo" "$hi" 1 && ok || bad "$name $t: the interval $lo..$hi of a configuration against itself excludes 1"
        inside 0.9 1.1 "$r" && ok || bad "$name $t: ratio $r of a configuration against itself"
    done
    python3 "$here/check_events.py" "$docs" "$tmp/aa.jsonl" speed=4 > "$tmp/ev.out" && ok || bad "$name events: $(cat "$tmp/ev.out")"
    grep -q '"interleave":true' "$tmp/aa.jsonl" && ok || bad "$name: run_started does not say interleave"
done
# the md table is followed by the comparison, one line per test
"$bin" bench --engine null -m "$aa" -p 64 -n 16 -r 15 --interleave --no-db > "$tmp/aa.md" 2>&1
[ "$(grep -c 'no significant difference' "$tmp/aa.md")" = 2 ] && ok || bad "A/A markdown: $(cat "$tmp/aa.md")"

# a 10% slower configuration
slow="null:pp_us=100:tg_us=100:jitter=0.02:seed=1:virtual=1,null:pp_us=110:tg_us=110:jitter=0.02:seed=2:virtual=1"
"$bin" bench --engine null -m "$slow" -p 64 -n 16 -r 9 --interleave --no-db -o json > "$tmp/slow.json" 2> "$tmp/slow.err" \
    || bad "10% slower: $(cat "$tmp/slow.err")"
for t in pp64 tg16; do
    read -r r lo hi n <<< "$(ratio_of "$tmp/slow.json" $t)"
    if [ -z "${r:-}" ]; then bad "10% slower $t: no ratio"; continue; fi
    inside 0.85 0.95 "$r" && ok || bad "10% slower $t: ratio $r, expected about 0.91"
    python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 1 else 1)" "$hi" && ok || bad "10% slower $t: interval $lo..$hi holds 1"
done
"$bin" bench --engine null -m "$slow" -p 64 -n 0 -r 9 --interleave --no-db > "$tmp/slow.md" 2>&1
grep -qE 'pp64: null:pp_us=110.* is 0\.9[0-9]*x as fast as null:pp_us=100.*: slower$' "$tmp/slow.md" && ok || bad "10% slower markdown: $(cat "$tmp/slow.md")"

# stored: export reads the comparison back
"$bin" export --db "$tmp/aa.db" -f json > "$tmp/exp.json" 2> "$tmp/exp.err" || bad "export: $(cat "$tmp/exp.err")"
python3 - "$tmp/exp.json" <<'PY' && ok || bad "export: the interleave fields did not survive the store"
import json, sys
rows = json.load(open(sys.argv[1]))
paired = [o for o in rows if o.get("interleave_rounds") == 15]
ratios = [o for o in paired if o.get("interleave_ratio") is not None]
assert len(paired) == 8 and len(ratios) == 4, (len(paired), len(ratios))
assert all(o["interleave_base"] and o["interleave_label"] and o["interleave_ratio_lo"] <= o["interleave_ratio_hi"] for o in ratios)
PY

# bad input: one line, exit 2, nothing run
expect_fail "-r auto" "--interleave needs a fixed number of repetitions" \
    "$bin" bench --engine null -m "$aa" -r auto --interleave --no-db
[ ! -s "$tmp/out" ] && ok || bad "-r auto: printed a table"
expect_fail "one configuration" "--interleave: nothing to compare" "$bin" bench --engine null -m null -p 16 -n 0 --interleave --no-db
"$bin" bench --engine null -m null -p 16 -n 0 --interleave --no-db >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "nothing to compare: exit status is not 2"

# a real model: F32 against Q8_0, generation on one thread
if [ -n "$data" ] && [ -f "$data/wikillama-3M.gguf" ]; then
    cp "$data/wikillama-3M.gguf" "$tmp/"
    "$bin" quantize -m "$tmp/wikillama-3M.gguf" -q Q8_0 -O "$tmp" --quiet > /dev/null 2> "$tmp/q.err" || bad "quantize: $(cat "$tmp/q.err")"
    "$bin" bench -m "$tmp/wikillama-3M.gguf,$tmp/wikillama-3M-Q8_0.gguf" -p 0 -n 64 -t 1 -r 20 --interleave --no-db \
        -o json --export-md "$tmp/real.md" > "$tmp/real.json" 2> "$tmp/real.err" || bad "F32 vs Q8_0: $(cat "$tmp/real.err")"
    grep -A3 '^interleaved' "$tmp/real.md"
    read -r r lo hi n <<< "$(ratio_of "$tmp/real.json" tg64)"
    if [ -z "${r:-}" ]; then
        bad "F32 vs Q8_0: no ratio"
    else
        inside "$lo" "$hi" 1 && bad "F32 vs Q8_0 tg64: no significant ratio ($r, $lo..$hi)" || ok
    fi
else
    skip_part "F32 against Q8_0 needs wikillama-3M.gguf in ${data:-../shared/data}"
fi
finish
