#!/usr/bin/env bash
# roundtrip.sh - nothing lost on the way out and back in: a sweep with a
# test listed twice and llama-bench's other parameters away from their
# defaults runs and stores every test (the repeated one twice, under keys
# that differ only by its occurrence); its export (JSON and JSONL) imports
# back with every row, and compare matches every test with its original,
# every llama-bench field equal. With ../shared/data: llama-bench's own
# output of a sweep (a repeated test included) imports with every row, and
# llmbench's run of the same sweep is matched with it test by test.
# Usage: roundtrip.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
lb="$here/../../deps/llama-build/bin/llama-bench"
. "$here/lib.sh"
cd "$tmp" || exit 1
db="$tmp/r.db"
q() { sqlite3 "$db" "$1"; }

# compare_all NAME N A B: compare A B matches all N tests, none left over
compare_all() {
    local name="$1" n="$2"
    if ! "$bin" compare --db "$db" "$3" "$4" >"$tmp/cmp.out" 2>"$tmp/cmp.err"; then bad "$name: compare failed: $(cat "$tmp/cmp.err")"; return; fi
    if grep -q "over $n matched tests" "$tmp/cmp.out" && ! grep -q "only in" "$tmp/cmp.out"; then ok; else bad "$name: $(cat "$tmp/cmp.out")"; fi
}

# ---- a sweep (null engine) with a repeated test and non-default parameters
sweep=(--engine null -m null:pp_us=1:tg_us=20 -p 16,16 -n 4 -r 3 -t 1 -C 0x1 --poll 10 -nkvo 1 -sm row -mg 1
       -dev none -ot "blk=CPU" -ts 1/3 -lm mmap -lzm on -embd 1 -nopo 1 --no-host 1 -ncmoe 2 -fitt 64 -fitc 32
       --db "$db" --tag orig --quiet)
"$bin" bench "${sweep[@]}" -o json >orig.json 2>err || bad "bench: $(cat err)"
[ "$(python3 -c 'import json; print(len(json.load(open("orig.json"))))')" = 3 ] && ok || bad "bench printed $(cat orig.json | head -c 300)"
[ "$(q "SELECT count(*), count(DISTINCT instance_key) FROM test_instances")" = "3|3" ] && ok || bad "stored: $(q 'SELECT instance_key FROM test_instances')"
q "SELECT instance_key FROM test_instances ORDER BY id" >keys
[ "$(grep -c ';occurrence=2$' keys)" = 1 ] && [ "$(sed -n 1p keys | sed 's/;occurrence=2$//')" = "$(grep ';occurrence=2$' keys | sed 's/;occurrence=2$//')" ] \
    && ok || bad "keys of the repeated test: $(cat keys)"
grep -q ';cpu_mask=0x1;poll=10;n_cpu_moe=2;split_mode=row;main_gpu=1;no_kv_offload=1;devices=none;tensor_split=1.00/3.00;tensor_buft_overrides=blk=CPU;load_mode=mmap;lazy_mode=on;embeddings=1;no_op_offload=1;no_host=1;fit_target=64;fit_min_ctx=32' keys \
    && ok || bad "keys lack parameters: $(head -1 keys)"
# bench's JSON names each parameter as llama-bench does
python3 - orig.json <<'PY' && ok || bad "bench's fields"
import json, sys
a = json.load(open(sys.argv[1]))
want = {"cpu_mask": "0x1", "cpu_strict": False, "poll": 10, "n_cpu_moe": 2, "split_mode": "row", "main_gpu": 1,
        "no_kv_offload": True, "devices": "none", "tensor_split": "1.00/3.00", "tensor_buft_overrides": "blk=CPU",
        "load_mode": "mmap", "lazy_mode": "on", "embeddings": True, "no_op_offload": 1, "no_host": True,
        "fit_target": 64, "fit_min_ctx": 32, "n_batch": 2048, "n_ubatch": 512}
for o in a:
    bad = {k: (o.get(k), v) for k, v in want.items() if o.get(k) != v}
    assert not bad, bad
assert [o["occurrence"] for o in a] == [1, 2, 1], [o["occurrence"] for o in a]
PY

# ---- export -> import -> compare, JSON and JSON Lines
for fmt in json jsonl; do
    "$bin" export --db "$db" --tag orig -f "$fmt" -o "e.$fmt" 2>/dev/null || bad "export $fmt"
    "$bin" import --db "$db" --tag "back-$fmt" "e.$fmt" >out 2>err && grep -q "imported 3 results" out && ok || bad "import $fmt: $(cat out err)"
    compare_all "export/import $fmt" 3 tag=orig "tag=back-$fmt"
done
"$bin" export --db "$db" --tag back-json -f json -o back.json 2>/dev/null
python3 - e.json back.json <<'PY' && ok || bad "fields after the round trip"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert len(a) == len(b) == 3
# llama-bench's fields, the key and the occurrence come back; what llama-bench's format cannot
# carry (applied settings, memory, the parts of a test) is unknown (null), never 0
SKIP = {"run_id", "tags", "host", "llmbench_version"}
UNKNOWN = ("peak_rss_bytes", "load_ms", "applied_n_batch", "n_ctx", "ttft_avg_ms")
for x, y in zip(a, b):
    for k in ["instance_key", "occurrence", "samples_ns", "avg_ns"] + [k for k in x if k.startswith(("n_", "cpu_", "poll", "split", "main", "no_", "dev", "tensor", "load_mode", "lazy", "emb", "fit", "type_", "flash")) and k not in UNKNOWN]:
        assert x[k] == y[k] or k in SKIP, (k, x[k], y[k])
    for k in UNKNOWN:
        assert y[k] is None, (k, y[k])
PY

# ---- a file with the same test twice imports every row
python3 - e.json dup.json <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
for o in a:
    for k in [k for k in o if k not in ("build_commit", "model_filename", "model_type", "model_size", "model_n_params",
              "n_batch", "n_ubatch", "n_threads", "type_k", "type_v", "n_gpu_layers", "flash_attn", "n_prompt", "n_gen",
              "n_depth", "test_time", "avg_ns", "stddev_ns", "avg_ts", "stddev_ts", "samples_ns", "samples_ts")]:
        del o[k]  # llama-bench's older, smaller files
json.dump(a + a, open(sys.argv[2], "w"))
PY
"$bin" import --db "$db" --tag dup dup.json >out 2>err && grep -q "imported 6 results" out && ok || bad "import dup: $(cat out err)"
[ "$(q "SELECT count(*), count(DISTINCT instance_key) FROM test_instances ti JOIN run_tags t ON t.run_id = ti.run_id WHERE t.tag = 'dup'")" = "6|6" ] && ok || bad "dup rows"

# ---- llama-bench's file and llmbench's run of the same sweep, matched test by test
if [ ! -f "$data/stories260K.gguf" ]; then
    echo "note: $data/stories260K.gguf absent: llama-bench's own output not imported"
    finish
    exit $?
fi
cp "$data/stories260K.gguf" m.gguf
real=(-m m.gguf -p 16,16 -n 4 -r 2 -t 1 -ub 128 --poll 0)
"$lb" "${real[@]}" -o json >lb.json 2>lb.err || bad "llama-bench: $(tail -2 lb.err)"
"$bin" import --db "$db" --tag lb lb.json >out 2>err && grep -q "imported 3 results" out && ok || bad "import llama-bench: $(cat out err)"
"$bin" bench "${real[@]}" --db "$db" --tag us --quiet -o none 2>err || bad "bench: $(cat err)"
compare_all "llama-bench vs llmbench" 3 tag=lb tag=us
[ "$(q "SELECT count(DISTINCT ti.instance_key) FROM test_instances ti JOIN run_tags t ON t.run_id = ti.run_id WHERE t.tag IN ('lb', 'us')")" = 3 ] \
    && ok || bad "llama-bench's and llmbench's keys differ: $(q 'SELECT instance_key FROM test_instances ORDER BY id DESC LIMIT 6')"
finish
