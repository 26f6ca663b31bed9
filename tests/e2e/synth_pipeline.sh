#!/usr/bin/env bash
# synth_pipeline.sh - `llmbench synth`, `quantize` and `pipeline` end to end on
# the tiny shape (never skipped: the project makes its own model): llama-bench
# loads every file they write; synth's direct Q4_K_M equals quantize's from
# F16 in size; outputs are reused when up to date; bad input and a full disk
# give one clear error and leave no file behind.
# Usage: synth_pipeline.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
llamabench="$root/deps/llama-build/bin/llama-bench"
. "$here/lib.sh"

# --- synth + quantize, loaded by llama-bench and by llmbench -------------------
if "$bin" synth tiny -o "$tmp/tiny-F16.gguf" --quiet >"$tmp/out" 2>"$tmp/err" && grep -q "wrote $tmp/tiny-F16.gguf: tiny F16" "$tmp/out"; then ok; else bad "synth tiny: $(cat "$tmp/out" "$tmp/err")"; fi
if "$bin" quantize -m "$tmp/tiny-F16.gguf" -q Q8_0,Q6_K,Q4_K_M,Q3_K_L,IQ4_XS --quiet >"$tmp/out" 2>"$tmp/err" && [ "$(grep -c '| quantized |' "$tmp/out")" -eq 5 ]; then ok; else bad "quantize ladder: $(cat "$tmp/out" "$tmp/err")"; fi
if "$bin" quantize -m "$tmp/tiny-F16.gguf" -q Q8_0,Q4_K_M --quiet >"$tmp/out" 2>&1 && [ "$(grep -c '| up to date |' "$tmp/out")" -eq 2 ]; then ok; else bad "second quantize not skipped: $(cat "$tmp/out")"; fi
"$bin" synth tiny -q Q4_K_M -o "$tmp/direct-Q4_K_M.gguf" --quiet >/dev/null 2>&1
if [ "$(stat -c %s "$tmp/direct-Q4_K_M.gguf")" = "$(stat -c %s "$tmp/tiny-Q4_K_M.gguf")" ]; then ok; else bad "synth -q Q4_K_M and quantize Q4_K_M differ in size"; fi
for f in "$tmp"/tiny-*.gguf "$tmp/direct-Q4_K_M.gguf"; do
    if "$llamabench" -m "$f" -p 16 -n 4 -r 1 -o json >"$tmp/lb.json" 2>"$tmp/err" && grep -q '"avg_ts"' "$tmp/lb.json"; then ok; else bad "llama-bench cannot run $(basename "$f"): $(tail -3 "$tmp/err")"; fi
    if "$bin" bench -m "$f" -p 16 -n 4 -r 1 -o jsonl >"$tmp/lm.jsonl" 2>"$tmp/err" && grep -q '"synthetic":true' "$tmp/lm.jsonl"; then ok; else bad "llmbench bench $(basename "$f"): $(cat "$tmp/err")"; fi
done

# --- pipeline on a shape, then reused ---------------------------------------------
if "$bin" pipeline --shape tiny -p 16 -n 4 -r 2 -o json --quiet >"$tmp/p.json" 2>"$tmp/err" && python3 - "$tmp/p.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
assert [r["variant"] for r in rows] == ["F16", "Q8_0", "Q6_K", "Q4_K_M", "Q3_K_L"], [r["variant"] for r in rows]
assert rows[0]["reference"] and rows[0]["pp_vs_ref"] == 1.0
for r in rows:
    assert r["pp_avg_ts"] > 0 and r["tg_avg_ts"] > 0 and r["ttft_avg_ms"] > 0 and r["file_size"] > 0, r
    assert r["synthetic"] is True and r["peak_rss_bytes"] > 0 and 0 < r["bpw"] <= 16.01, r
    assert "ppl" not in r and "kld_mean" not in r and "suite_pass_rate" not in r, r  # no quality without --ppl/--suite
sizes = [r["file_size"] for r in rows]
assert sizes == sorted(sizes, reverse=True), sizes
PY
then ok; else bad "pipeline json: $(cat "$tmp/err")"; fi
ls "$XDG_DATA_HOME/llmbench/models/" > "$tmp/models1"
if [ "$(wc -l < "$tmp/models1")" -eq 5 ]; then ok; else bad "pipeline cache: $(cat "$tmp/models1")"; fi
touch -d '2 hours ago' "$tmp/stamp"
before=$(stat -c %Y "$XDG_DATA_HOME"/llmbench/models/*Q4_K_M*)
if "$bin" pipeline --shape tiny -p 16 -n 4 -r 1 --quiet >"$tmp/p.md" 2>"$tmp/err" && grep -q '^| Q4_K_M |' "$tmp/p.md" && grep -q 'pp vs F16' "$tmp/p.md"; then ok; else bad "pipeline md: $(cat "$tmp/p.md" "$tmp/err")"; fi
after=$(stat -c %Y "$XDG_DATA_HOME"/llmbench/models/*Q4_K_M*)
[ "$before" = "$after" ] && ok || bad "pipeline re-quantized an up-to-date file"

# --- bad input: one line, non-zero exit, nothing left behind ------------------------
mkdir "$tmp/o"
expect_fail "unknown shape" "unknown shape 'llama-9b'" "$bin" synth llama-9b -o "$tmp/o/x.gguf"
expect_fail "unknown type" "unknown type 'Q9_K'" "$bin" synth tiny -q Q9_K -o "$tmp/o/x.gguf"
expect_fail "imatrix type" "importance matrix" "$bin" synth tiny -q IQ2_XXS -o "$tmp/o/x.gguf"
expect_fail "bad override" "not a multiple" "$bin" synth tiny --heads 3 -o "$tmp/o/x.gguf"
expect_fail "missing vocab" "vocabulary file '$tmp/none.gguf'" "$bin" synth tiny --vocab-file "$tmp/none.gguf" -o "$tmp/o/x.gguf"
expect_fail "vocab not gguf" "not a GGUF file" "$bin" synth tiny --vocab-file "$here/lib.sh" -o "$tmp/o/x.gguf"
expect_fail "vocab too small" "32000 tokens" "$bin" synth tiny --vocab 100 -o "$tmp/o/x.gguf"
expect_fail "quantize quantized" "quantize needs an F32, F16 or BF16" "$bin" quantize -m "$tmp/tiny-Q4_K_M.gguf" -q Q4_0 -O "$tmp/o"
expect_fail "quantize bad type" "unknown quantization type 'Q7_K'" "$bin" quantize -m "$tmp/tiny-F16.gguf" -q Q7_K -O "$tmp/o"
expect_fail "quantize imatrix" "importance matrix" "$bin" quantize -m "$tmp/tiny-F16.gguf" -q IQ1_S -O "$tmp/o"
expect_fail "quantize missing" "No such file" "$bin" quantize -m "$tmp/missing.gguf" -O "$tmp/o"
expect_fail "pipeline both" "exactly one of" "$bin" pipeline --shape tiny -m "$tmp/tiny-F16.gguf"
expect_fail "pipeline shape" "unknown shape" "$bin" pipeline --shape nope
# a disk that fills half way: a 4 MB file size limit
expect_fail "synth disk full" "cannot write .*(too large|space)" bash -c "ulimit -f 4096; exec '$bin' synth tiny -o '$tmp/o/full.gguf' --quiet"
expect_fail "quantize disk full" "could not quantize" bash -c "ulimit -f 4096; exec '$bin' quantize -m '$tmp/tiny-F16.gguf' -q Q8_0 -O '$tmp/o' --quiet"
if [ -z "$(ls -A "$tmp/o")" ]; then ok; else bad "files left behind: $(ls -A "$tmp/o")"; fi

finish
