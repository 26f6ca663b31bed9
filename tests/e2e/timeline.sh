#!/usr/bin/env bash
# timeline.sh - the per-token timeline of generation tests: every generated
# token's time is recorded (one clock read per token), inter-token latency
# percentiles and stalls are reported and stored, and `export --timeline`
# writes one row per token (csv, json, jsonl).
#  - null engine in virtual time (exact): tg20 at 0.1 ms a token with every
#    10th decode 10x slower: p50 0.1 ms, max 1.0 ms, 6 stalls in 3
#    repetitions (the warm-up's decode counts too); 60 rows, t_ms rising,
#    itl_ms the differences; pp-only tests have no timeline.
#  - bad input: --timeline -f md, a selection without generation: one line, exit 2.
#  - wikillama-3M (../shared/data): tg32 -r 3 stores 96 token rows whose gaps sum
#    to the last token's time minus the first's (skipped without the data).
# Usage: timeline.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"

"$bin" bench --engine null -m null:tg_us=100:virtual=1:slow_every=10 -p 16 -n 20 -r 3 --db "$tmp/t.db" -o json \
    > "$tmp/b.json" 2> "$tmp/b.err" || bad "bench: $(cat "$tmp/b.err")"
python3 - "$tmp/b.json" <<'PY' && ok || bad "the ITL figures of the null engine's exact timeline"
import json, sys
rows = {("pp%d" % o["n_prompt"]) if o["n_gen"] == 0 else ("tg%d" % o["n_gen"]): o for o in json.load(open(sys.argv[1]))}
tg, pp = rows["tg20"], rows["pp16"]
assert abs(tg["itl_p50_ms"] - 0.1) < 1e-9 and abs(tg["itl_max_ms"] - 1.0) < 1e-9, tg
assert tg["itl_stalls"] == 6 and tg["itl_p90_ms"] <= tg["itl_p99_ms"] <= tg["itl_max_ms"], tg
assert pp["itl_p50_ms"] is None and pp["itl_stalls"] is None, pp
PY
for f in csv json jsonl; do
    "$bin" export --db "$tmp/t.db" --timeline -f $f -o "$tmp/tl.$f" 2> "$tmp/e.err" || { bad "export --timeline -f $f: $(cat "$tmp/e.err")"; continue; }
    grep -q "wrote 60 tokens" "$tmp/e.err" && ok || bad "export --timeline -f $f said: $(cat "$tmp/e.err")"
done
python3 - "$tmp" <<'PY' && ok || bad "the exported timeline"
import csv, json, sys
d = sys.argv[1]
a = list(csv.DictReader(open(d + "/tl.csv")))
b = json.load(open(d + "/tl.json"))
c = [json.loads(l) for l in open(d + "/tl.jsonl")]
assert len(a) == len(b) == len(c) == 60, (len(a), len(b), len(c))
for rows in (b, c):
    assert [r["token"] for r in rows[:20]] == list(range(1, 21)) and {r["rep"] for r in rows} == {1, 2, 3}
    assert all(r["test"] == "tg20" for r in rows)
    for r0, r1 in zip(rows, rows[1:]):
        if r1["rep"] == r0["rep"]:
            assert r1["t_ms"] > r0["t_ms"] and abs(r1["itl_ms"] - (r1["t_ms"] - r0["t_ms"])) < 1e-9, (r0, r1)
        else:
            assert r1["itl_ms"] is None
    assert sum(1 for r in rows if r["itl_ms"] and r["itl_ms"] > 0.3) == 6
assert a[0]["itl_ms"] == "" and float(a[1]["itl_ms"]) == b[1]["itl_ms"]
PY
# stored ITL figures read back
"$bin" export --db "$tmp/t.db" -f jsonl | python3 -c "
import json, sys
tg = [o for o in map(json.loads, sys.stdin) if o['n_gen'] == 20][0]
assert tg['itl_stalls'] == 6 and abs(tg['itl_p50_ms'] - 0.1) < 1e-9, tg" && ok || bad "ITL figures did not survive the store"

expect_fail "--timeline -f md" "--timeline: md is not a timeline format" "$bin" export --db "$tmp/t.db" --timeline -f md
"$bin" bench --engine null -m null -p 16 -n 0 -r 2 --db "$tmp/pp.db" -o none 2>/dev/null
expect_fail "no generation" "none of the 1 selected tests has a token timeline" "$bin" export --db "$tmp/pp.db" --timeline
[ ! -s "$tmp/out" ] && ok || bad "no generation: something was written: $(head -2 "$tmp/out")"

if [ -n "$data" ] && [ -f "$data/wikillama-3M.gguf" ]; then
    cp "$data/wikillama-3M.gguf" "$tmp/"
    "$bin" bench -m "$tmp/wikillama-3M.gguf" -p 0 -n 32 -r 3 --db "$tmp/m.db" -o none 2> "$tmp/m.err" || bad "real bench: $(cat "$tmp/m.err")"
    "$bin" export --db "$tmp/m.db" --timeline -f jsonl > "$tmp/m.jsonl" 2> "$tmp/m.err" || bad "real export: $(cat "$tmp/m.err")"
    python3 - "$tmp/m.jsonl" <<'PY' && ok || bad "the real model's timeline"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 96, len(rows)
for rep in (1, 2, 3):
    r = [x for x in rows if x["rep"] == rep]
    gaps = sum(x["itl_ms"] for x in r[1:])
    assert abs(gaps - (r[-1]["t_ms"] - r[0]["t_ms"])) < 1e-6 and r[0]["t_ms"] > 0, rep
print("real tg32: first token %.3f ms, median gap %.3f ms" % (rows[0]["t_ms"], sorted(x["itl_ms"] for x in rows if x["itl_ms"])[45]))
PY
else
    skip_part "the real model's timeline needs wikillama-3M.gguf in ${data:-../shared/data}"
fi
finish
