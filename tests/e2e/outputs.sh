#!/usr/bin/env bash
# outputs.sh - nothing clobbered, every value exact (docs/outputs.md), each
# case from the reproduction that found it: the input model survives
# --export-json pointed at it (under its name, a hard link, a symbolic link,
# mode 0444 as root); synth -o on a character device of ours (made with
# mknod, like /dev/null) writes through it; -o /dev/stdout, -o - and a FIFO
# receive the output; symbolic links are followed; temporaries of a killed
# writer are removed by the next writer; a NaN perplexity keeps its key; a
# path with byte 0xff survives export -> import; tags are never cut; a
# failed write to stdout fails the command; a damaged database is refused;
# reading commands create nothing. Every file is this test's own.
# Usage: outputs.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 missing: skipped"; exit 77; }
python3 "$here/../fixtures/make_hostile_gguf.py" "$tmp/h" || { bad "the generator failed"; finish; exit 1; }
o="$tmp/o"
mkdir -p "$o"
sum() { sha256sum "$1" | cut -c1-64; }
no_tmp() { ! ls -A "$1" 2>/dev/null | grep -q '\.tmp\.'; }

# --- the input model survives exports pointed at it ---------------------------
cp "$tmp/h/valid.gguf" "$o/m.gguf"
ln "$o/m.gguf" "$o/hard.gguf"
ln -s m.gguf "$o/soft.gguf"
cp "$tmp/h/valid.gguf" "$o/ro.gguf" && chmod 444 "$o/ro.gguf"
before=$(sum "$o/m.gguf")
for target in m.gguf hard.gguf soft.gguf; do
    expect_fail "--export-json $target" "--export-json '.*$target' is the same file as" \
        "$bin" bench -m "$o/m.gguf" -p 8 -n 0 -r 1 --export-json "$o/$target" --no-db
done
expect_fail "--export-csv on a 0444 model" "is (the same file as|read-only \(mode 0444\))" \
    "$bin" bench -m "$o/ro.gguf" -p 8 -n 0 -r 1 --export-csv "$o/ro.gguf" --no-db
[ "$(sum "$o/m.gguf")" = "$before" ] && [ "$(sum "$o/ro.gguf")" = "$before" ] && ok || bad "a model was changed"
[ -L "$o/soft.gguf" ] && no_tmp "$o" && ok || bad "links or temporaries: $(ls -A "$o")"
expect_fail "export over the database" "is the same file as" \
    "$bin" bench --engine null -m null -p 8 -n 0 -r 1 --db "$o/r.db" --export-json "$o/r.db"
expect_fail "two exports, one file" "is the same file as" \
    "$bin" bench --engine null -m null -p 8 -n 0 -r 1 --no-db --export-json "$o/x.out" --export-csv "$o/x.out"
"$bin" bench --engine null -m null -p 8 -n 0 -r 1 --db "$o/r.db" -o none 2>/dev/null || bad "a run to export"
expect_fail "export -o the database" "is the same file as" "$bin" export --db "$o/r.db" -o "$o/r.db"
expect_fail "synth -o its vocabulary" "is the same file as" \
    "$bin" synth tiny --vocab-file "$o/m.gguf" -o "$o/m.gguf" --quiet
[ "$(sum "$o/m.gguf")" = "$before" ] && ok || bad "synth replaced its vocabulary file"

# --- devices, FIFOs and the standard output are written through ----------------
if mknod "$o/null" c 1 3 2>/dev/null; then
    "$bin" synth tiny -o "$o/null" --quiet >/dev/null 2>"$tmp/err" && [ -c "$o/null" ] && no_tmp "$o" \
        && ok || bad "synth -o a character device: $(cat "$tmp/err"); $(ls -la "$o/null")"
else
    echo "skipped: mknod (not permitted here): the device case is in unit_atomic_file"
fi
"$bin" bench --engine null -m null -p 8 -n 0 -r 2 --no-db -o none --export-json /dev/stdout >"$tmp/so.json" 2>"$tmp/err"
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert len(r)==1 and r[0]['reps']==2" "$tmp/so.json" \
    && ok || bad "--export-json /dev/stdout: $(head -c 300 "$tmp/so.json") $(cat "$tmp/err")"
"$bin" export --db "$o/r.db" -f jsonl -o - >"$tmp/dash.jsonl" && [ "$(wc -l < "$tmp/dash.jsonl")" = 1 ] && ok \
    || bad "export -o -"
"$bin" export --db "$o/r.db" -f csv -o /dev/stdout | cat > "$tmp/pipe.csv"
grep -q '^build_commit,' "$tmp/pipe.csv" && ok || bad "export -o /dev/stdout | pipe"
mkfifo "$o/fifo"
cat "$o/fifo" >"$tmp/fifo.out" &
reader=$!
"$bin" bench --engine null -m null -p 8,16 -n 0 -r 1 --no-db -o none --export-csv "$o/fifo" 2>"$tmp/err"
rc=$?
wait $reader
[ $rc -eq 0 ] && [ "$(wc -l < "$tmp/fifo.out")" = 3 ] && [ -p "$o/fifo" ] && ok \
    || bad "--export-csv FIFO: rc $rc, $(cat "$tmp/fifo.out") $(cat "$tmp/err")"
cat "$o/fifo" >"$tmp/fifo2.out" &
reader=$!
"$bin" export --db "$o/r.db" -f json -o "$o/fifo" 2>/dev/null
wait $reader
python3 -c "import json,sys; assert len(json.load(open(sys.argv[1])))==1" "$tmp/fifo2.out" && ok || bad "export -o FIFO"

# --- symbolic links are followed, dangling ones refused ------------------------
echo old > "$o/real.json"
ln -s real.json "$o/link.json"
"$bin" export --db "$o/r.db" -o "$o/link.json" 2>/dev/null && [ -L "$o/link.json" ] && grep -q build_commit "$o/real.json" \
    && ok || bad "export -o a symbolic link"
ln -s nowhere.json "$o/dangling.json"
expect_fail "a dangling link" "symbolic link to nothing" "$bin" export --db "$o/r.db" -o "$o/dangling.json"
echo keep > "$o/ro.json" && chmod 444 "$o/ro.json"
expect_fail "a 0444 output" "read-only|cannot be written" "$bin" export --db "$o/r.db" -o "$o/ro.json"
[ "$(cat "$o/ro.json")" = keep ] && ok || bad "a 0444 file was replaced"

# --- temporaries of a killed writer go with the next writer --------------------
sleep 0 & dead=$!
wait $dead
sleep 30 & alive=$!
: > "$o/.out.json.tmp.$dead.AbCdEf"
: > "$o/.out.json.tmp.$alive.ZyXwVu"
"$bin" export --db "$o/r.db" -o "$o/out.json" 2>/dev/null
[ ! -e "$o/.out.json.tmp.$dead.AbCdEf" ] && [ -e "$o/.out.json.tmp.$alive.ZyXwVu" ] && ok \
    || bad "stale temporaries: $(ls -A "$o" | grep tmp)"
kill $alive; wait $alive 2>/dev/null
rm -f "$o/.out.json.tmp."*

# --- a NaN perplexity keeps its key, flagged ---------------------------------
printf 'The quick brown fox jumps over the lazy dog. %.0s' $(seq 1 40) > "$tmp/text.txt"
"$bin" quality --engine null -m null:nan=1 --ppl "$tmp/text.txt" -c 64 --chunks 2 --force --db "$o/q.db" -o json \
    >"$tmp/nan.json" 2>/dev/null
python3 - "$tmp/nan.json" <<'PY' && ok || bad "quality -o json with a NaN perplexity: $(head -c 400 "$tmp/nan.json")"
import json, sys
r = json.load(open(sys.argv[1]))[0]
assert "ppl" in r and r["ppl"] is None and r["nonfinite"] == "ppl=nan", r
PY
"$bin" quality --engine null -m null:nan=1 --ppl "$tmp/text.txt" -c 64 --chunks 2 --force --no-db -o csv >"$tmp/nan.csv" 2>/dev/null
python3 - "$tmp/nan.csv" <<'PY' && ok || bad "quality -o csv: $(cat "$tmp/nan.csv")"
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
assert len(rows) == 2 and len(rows[0]) == len(rows[1]), rows
h = dict(zip(rows[0], rows[1]))
assert h["ppl"] == "" and h["nonfinite"] == "ppl=nan", h
PY
"$bin" export --db "$o/q.db" -f json >"$tmp/nan-export.json"
python3 -c "
import json,sys; r=json.load(open(sys.argv[1]))[0]
assert r['ppl'] is None and r['nonfinite'].startswith('ppl=nan'), r" "$tmp/nan-export.json" && ok || bad "export of a NaN ppl"

# --- bytes that are not UTF-8 survive export -> import --------------------------
python3 - "$tmp/lb.json" <<'PY'
import json, sys
row = {"build_commit": "abc1234", "build_number": 1, "cpu_info": "cpu", "gpu_info": "", "backends": "CPU",
       "model_filename": "/models/\ufffd\ufffd.gguf", "model_type": "llama 1B Q4_0", "model_size": 1000,
       "model_n_params": 2000, "n_batch": 2048, "n_ubatch": 512, "n_threads": 4, "type_k": "f16", "type_v": "f16",
       "n_gpu_layers": 99, "flash_attn": 0, "devices": "", "n_prompt": 16, "n_gen": 0, "n_depth": 0,
       "test_time": "2026-11-01T10:00:00Z", "avg_ns": 1000000, "stddev_ns": 0, "avg_ts": 16000.0, "stddev_ts": 0.0,
       "samples_ns": [1000000], "samples_ts": [16000.0],
       "bytes_hex": {"model_filename": "2f6d6f64656c732fff2e67677566"}}
json.dump([row], open(sys.argv[1], "w"))
PY
"$bin" import "$tmp/lb.json" --db "$o/b.db" >/dev/null 2>"$tmp/err" || bad "import with bytes_hex: $(cat "$tmp/err")"
[ "$(sqlite3 "$o/b.db" "SELECT hex(path) FROM models")" = 2F6D6F64656C732FFF2E67677566 ] && ok || bad "stored path bytes"
"$bin" export --db "$o/b.db" -f json -o "$o/b.json" 2>/dev/null
"$bin" export --db "$o/b.db" -f csv -o "$o/b.csv" 2>/dev/null
grep -q $'/models/\xff.gguf' "$o/b.csv" && ok || bad "csv: the bytes as they are"
"$bin" import "$o/b.json" --db "$o/b2.db" >/dev/null 2>"$tmp/err" || bad "re-import: $(cat "$tmp/err")"
[ "$(sqlite3 "$o/b2.db" "SELECT hex(path) FROM models")" = 2F6D6F64656C732FFF2E67677566 ] && ok || bad "export -> import bytes"

# --- tags: refused when too long, found by the very same tag --------------------
long=$(printf 'x%.0s' $(seq 1 300))
expect_fail "a 300-byte tag" "tag .* is 300 bytes long; at most 255" \
    "$bin" bench --engine null -m null -p 8 -n 0 -r 1 --db "$o/t.db" --tag "$long"
expect_fail "a tag that is not UTF-8" "is not valid UTF-8" \
    "$bin" bench --engine null -m null -p 8 -n 0 -r 1 --db "$o/t.db" --tag $'ab\xff'
tag=$(printf '\xc3\xa9%.0s' $(seq 1 127)) # 254 bytes, 127 characters
"$bin" bench --engine null -m null -p 8 -n 0 -r 1 --db "$o/t.db" --tag "$tag" -o none 2>/dev/null
"$bin" results --db "$o/t.db" --tag "$tag" | grep -q "$tag" && ok || bad "a 254-byte tag not found by itself"

# --- a failed write to stdout fails the command ---------------------------------
python3 - "$bin" "$o/r.db" <<'PY' && ok || bad "results into a closed pipe"
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run([sys.argv[1], "results", "--db", sys.argv[2]], stdout=w, stderr=subprocess.PIPE)
os.close(w)
err = p.stderr.decode()
assert p.returncode == 1 and err.count("\n") == 1 and "cannot write to standard output" in err, (p.returncode, err)
PY
mkdir -p "$tmp/full"
if mount -t tmpfs -o size=32k tmpfs "$tmp/full" 2>/dev/null; then
    head -c 40000 /dev/zero > "$tmp/full/filler" 2>/dev/null
    "$bin" results --db "$o/r.db" > "$tmp/full/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "disk full" "$tmp/err" && ok || bad "results > full disk: rc $rc $(cat "$tmp/err")"
    expect_fail "export -o a full disk" "disk full" "$bin" export --db "$o/r.db" -o "$tmp/full/x.json"
    no_tmp "$tmp/full" && ok || bad "temporary left on the full disk"
    umount "$tmp/full"
else
    echo "skipped: a full tmpfs of our own (mount not permitted); the closed pipe above stands for it"
fi

# --- a damaged database is refused, --check lists the problems -------------------
for i in 1 2 3; do "$bin" bench --engine null -m "null:tg_us=$i" -p 8,16 -n 4 -r 2 --db "$o/d.db" -o none 2>/dev/null; done
damaged=0 caught=0
for seed in $(seq 1 40); do
    cp "$o/d.db" "$o/flip.db"
    python3 - "$o/flip.db" "$seed" <<'PY'
import random, sys
p, seed = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read())
rnd = random.Random(seed)
for _ in range(3):
    i = rnd.randrange(100, len(b))
    b[i] ^= 1 << rnd.randrange(8)
open(p, "wb").write(b)
PY
    if [ "$(sqlite3 "$o/flip.db" 'PRAGMA quick_check' 2>/dev/null | head -1)" != ok ]; then
        damaged=$((damaged + 1))
        if ! "$bin" export --db "$o/flip.db" -f csv >/dev/null 2>"$tmp/err" && [ "$(wc -l < "$tmp/err")" = 1 ] \
            && grep -qiE "damaged|corrupt" "$tmp/err"; then caught=$((caught + 1)); else echo "missed (seed $seed): $(head -c 300 "$tmp/err")"; fi
    fi
done
[ $damaged -gt 0 ] && [ $caught -eq $damaged ] && ok || bad "damage: $caught of $damaged damaged files refused"
cp "$o/d.db" "$o/flip.db"
python3 -c "
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)-600:len(b)-500]=bytes(100); open(p,'wb').write(b)" "$o/flip.db"
if [ "$(sqlite3 "$o/flip.db" 'PRAGMA integrity_check' 2>/dev/null | head -1)" != ok ]; then
    "$bin" results --check --db "$o/flip.db" >"$tmp/check" 2>&1
    [ $? -eq 1 ] && [ -s "$tmp/check" ] && ok || bad "results --check on damage: $(cat "$tmp/check")"
fi
"$bin" results --check --db "$o/d.db" | grep -q "^ok" && ok || bad "results --check on a sound file"

# --- reading commands create nothing ---------------------------------------------
export XDG_DATA_HOME="$tmp/fresh"
for c in "results" "results -i" "export" "compare 1 2" "recommend"; do
    $bin $c >/dev/null 2>&1
done
[ ! -e "$tmp/fresh" ] && ok || bad "a reading command created $(find "$tmp/fresh")"
cp "$o/r.db" "$tmp/alone.db"
mkdir "$tmp/ro-dir" && mv "$tmp/alone.db" "$tmp/ro-dir/"
before=$(ls -A "$tmp/ro-dir")
"$bin" results --db "$tmp/ro-dir/alone.db" >/dev/null && "$bin" export --db "$tmp/ro-dir/alone.db" >/dev/null \
    && "$bin" compare 1 1 --db "$tmp/ro-dir/alone.db" >/dev/null 2>&1
[ "$(ls -A "$tmp/ro-dir")" = "$before" ] && ok || bad "reading left: $(ls -A "$tmp/ro-dir")"

finish
