#!/usr/bin/env bash
# pipeline_quality.sh - `llmbench pipeline --ppl/--suite` end to end: the
# "quality retained" table of a ladder next to its speed. On the tiny
# synthetic shape (never skipped): refused without --force (one line, nothing
# written), measured with it in md, json and csv; on wikillama-3M of
# ../shared/data (reported skipped when absent): the F32 reference has no
# KLD and ΔPPL 0, Q8_0 keeps more than Q4_K_M, speed comes along; bad input is
# refused before anything is quantized.
# Usage: pipeline_quality.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"

no_models() { # name dir: the pipeline wrote no model file under dir
    if [ -z "$(find "$2" -name '*.gguf' 2>/dev/null)" ]; then ok; else bad "$1: files written: $(find "$2" -name '*.gguf')"; fi
}
mkdir "$tmp/o"

# --- synthetic shape: refused without --force, measured with it -----------------------------
for i in $(seq 1 200); do echo "The quick brown fox $i jumps over the lazy dog number $((i * 7 % 13)) near the river bank."; done > "$tmp/text.txt"
cat > "$tmp/suite.json" <<'EOF'
{"name": "mini", "version": 1, "prompts": [
  {"id": "add", "category": "arithmetic", "prompt": "What is 2 + 2?", "check": {"type": "number", "value": 4}},
  {"id": "hello", "category": "explanation", "prompt": "Say hello."}]}
EOF
tiny=(pipeline --shape tiny -q Q8_0 -p 16 -n 4 -r 1 --ppl "$tmp/text.txt" -c 128 --chunks 4 --suite "$tmp/suite.json" --max-tokens 4 --quiet)
expect_fail "synthetic refused" "^llmbench: error: model '.*' is synthetic \(random weights\): its quality figures would mean nothing \(--force to measure anyway\)$" "$bin" "${tiny[@]}"
no_models "synthetic refused" "$XDG_DATA_HOME"
expect_fail "context too large" "-c/--ctx-size 1048576 is larger than the model's context" "$bin" "${tiny[@]}" --force -c 1048576
expect_fail "missing text" "text file .*none.txt.*No such file" "$bin" "${tiny[@]}" --force --ppl "$tmp/none.txt"
expect_fail "bad suite" "suite .*text.txt.*expected" "$bin" "${tiny[@]}" --force --suite "$tmp/text.txt"
no_models "bad input" "$XDG_DATA_HOME"

if "$bin" "${tiny[@]}" --force -o json >"$tmp/t.json" 2>"$tmp/err" && python3 - "$tmp/t.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
assert [r["variant"] for r in rows] == ["F16", "Q8_0"], rows
f16, q8 = rows
assert f16["reference"] and f16["kld_mean"] is None and f16["ppl_delta_pct"] == 0 and f16["pp_vs_ref"] == 1.0, f16
assert q8["kld_mean"] is not None and q8["kld_mean"] >= 0 and q8["top1_agreement"] > 0, q8
for r in rows:
    assert r["synthetic"] and r["ppl"] > 1 and r["ppl_err"] > 0 and r["chunks"] == 4 and r["n_ctx"] == 128, r
    assert r["pp_avg_ts"] > 0 and r["tg_avg_ts"] > 0 and r["suite"] == "mini" and r["suite_checked"] == 1, r
    assert len(r["answers"]) == 2 and r["answers"][0]["tokens"] > 0, r["answers"]
assert f16["suite_similarity"] is None and 0 <= q8["suite_similarity"] <= 1, q8
PY
then ok; else bad "synthetic forced json: $(cat "$tmp/err")"; fi
if "$bin" "${tiny[@]}" --force >"$tmp/t.md" 2>"$tmp/err" && [ "$(grep -c '^| variant |' "$tmp/t.md")" -eq 1 ] \
   && grep -q '| pp t/s | tg t/s | PPL | ΔPPL | KLD mean |' "$tmp/t.md" && grep -q '^| F16 (ref) |' "$tmp/t.md" \
   && grep -q '^| Q8_0 |' "$tmp/t.md" && grep -q 'synthetic (random-weight) model measured with --force' "$tmp/t.md"; then ok
else bad "synthetic forced md: $(cat "$tmp/t.md" "$tmp/err")"; fi
if "$bin" "${tiny[@]}" --force -o csv >"$tmp/t.csv" 2>"$tmp/err" && python3 - "$tmp/t.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 2 and "answers" not in rows[0], rows
assert float(rows[1]["ppl"]) > 1 and float(rows[1]["kld_mean"]) >= 0 and rows[0]["variant"] == "F16", rows
assert float(rows[1]["pp_avg_ts"]) > 0 and rows[1]["suite_pass_rate"] != "", rows
PY
then ok; else bad "synthetic forced csv: $(cat "$tmp/err")"; fi

# --- a real model: F32 reference, Q8_0 and Q4_K_M ---------------------------------------------
wl="$data/wikillama-3M.gguf" held="$data/wikitext-2-heldout.txt"
if [ -f "$wl" ] && [ -f "$held" ]; then
    expect_fail "real context too large" "-c/--ctx-size 512 is larger than the model's context \(256\)" \
        "$bin" pipeline -m "$wl" --ppl "$held" -q Q8_0 -O "$tmp/o"
    no_models "real context too large" "$tmp/o"
    if "$bin" pipeline -m "$wl" --ppl "$held" -c 256 --chunks 20 -q Q8_0,Q4_K_M -p 16 -n 4 -r 2 -O "$tmp/o" -o json --quiet \
           >"$tmp/w.json" 2>"$tmp/err" && python3 - "$tmp/w.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
assert [r["variant"] for r in rows] == ["F32", "Q8_0", "Q4_K_M"], [r["variant"] for r in rows]
f32, q8, q4 = rows
assert f32["reference"] and f32["kld_mean"] is None and f32["ppl_delta_pct"] == 0, f32
assert not q8["reference"] and not q4["reference"]
assert 0 <= q8["kld_mean"] < q4["kld_mean"], (q8["kld_mean"], q4["kld_mean"])
assert q8["top1_agreement"] > 0.95 and q4["top1_agreement"] < q8["top1_agreement"], (q8["top1_agreement"], q4["top1_agreement"])
for r in rows:
    assert r["pp_avg_ts"] > 0 and r["tg_avg_ts"] > 0, r
    assert r["synthetic"] is False and r["chunks"] == 20 and r["n_ctx"] == 256 and r["ppl"] > 1, r
    assert r["suite"] is None and r["suite_pass_rate"] is None
print(f"PPL F32 {f32['ppl']:.4f}, Q8_0 {q8['ppl_delta_pct']:+.3f}% KLD {q8['kld_mean']:.6f} top-1 {100*q8['top1_agreement']:.2f}%, "
      f"Q4_K_M {q4['ppl_delta_pct']:+.3f}% KLD {q4['kld_mean']:.6f} top-1 {100*q4['top1_agreement']:.2f}%")
PY
    then ok; else bad "real pipeline quality json: $(cat "$tmp/err")"; fi
else
    skip_part "shared data absent ($data): the real-model quality-retained checks (wikillama-3M F32/Q8_0/Q4_K_M) not run"
fi

finish
