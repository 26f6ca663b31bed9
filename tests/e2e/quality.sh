#!/usr/bin/env bash
# quality.sh - `llmbench quality` end to end: perplexity equal to
# llama-perplexity's within 0.01% (value and +/-) on real models of
# ../shared/data (reported skipped when absent) and on a synthetic model
# (forced, never skipped); KLD of a model against itself is 0 with 100% top-1;
# the suite runs and reports in every format; bad input gives one clear line.
# Usage: quality.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
lp="$root/deps/llama-build/bin/llama-perplexity"
. "$here/lib.sh"

# parity MODEL TEXT ARGS...: llmbench's PPL and +/- within 0.01% of llama-perplexity's
parity() {
    local name="$1" model="$2" text="$3"; shift 3
    # llama.cpp's logger is never flushed at exit (common/log.cpp leaks it on
    # purpose), so on a busy machine the last lines, the estimate among them,
    # can be lost: run it again, up to 3 times in all
    local rc_lp ref try
    for try in 1 2 3; do
        "$lp" -m "$model" -f "$text" "$@" >"$tmp/lp.out" 2>&1
        rc_lp=$?
        ref=$(sed -n 's/.*Final estimate: PPL = \([0-9.]*\) +\/- \([0-9.]*\).*/\1 \2/p' "$tmp/lp.out")
        [ -n "$ref" ] && break
    done
    if [ -z "$ref" ]; then bad "$name: llama-perplexity gave no estimate (exit $rc_lp): $(tail -3 "$tmp/lp.out")"; return; fi
    if ! "$bin" quality -m "$model" --ppl "$text" "$@" --force --quiet -o json >"$tmp/q.json" 2>"$tmp/err"; then
        bad "$name: llmbench quality failed: $(cat "$tmp/err")"; return
    fi
    if python3 - "$tmp/q.json" $ref <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))[0]
ppl, err = float(sys.argv[2]), float(sys.argv[3])
# llama-perplexity prints 4 and 5 decimals: compare within 0.01% plus that rounding
ok = abs(o["ppl"] - ppl) <= 1e-4 * ppl + 5e-5 and abs(o["ppl_err"] - err) <= 1e-4 * err + 5e-6
print(f"PPL llmbench {o['ppl']:.6f} +/- {o['ppl_err']:.6f}, llama-perplexity {ppl} +/- {err}")
sys.exit(0 if ok else 1)
PY
    then ok; else bad "$name: PPL differs"; fi
}

# --- synthetic model (never skipped) ---------------------------------------------------
"$bin" synth tiny -q Q8_0 -o "$tmp/tiny.gguf" --quiet >/dev/null
for i in $(seq 1 400); do echo "The quick brown fox $i jumps over the lazy dog number $((i * 7 % 13)) near the river bank."; done > "$tmp/text.txt"
parity "synthetic tiny, 4 chunks per pass" "$tmp/tiny.gguf" "$tmp/text.txt" -c 128 -b 512 --chunks 12
parity "synthetic tiny, one chunk per pass" "$tmp/tiny.gguf" "$tmp/text.txt" -c 128 -b 128 --chunks 6
# synthetic without --force: refused
if "$bin" quality -m "$tmp/tiny.gguf" --ppl "$tmp/text.txt" -c 128 >/dev/null 2>"$tmp/err"; then bad "synthetic not refused"
elif grep -q "synthetic (random weights)" "$tmp/err" && [ "$(wc -l < "$tmp/err")" -eq 1 ]; then ok; else bad "synthetic refusal: $(cat "$tmp/err")"; fi

# --- real models ---------------------------------------------------------------------------
wl="$data/wikillama-3M.gguf" held="$data/wikitext-2-heldout.txt" st="$data/stories260K.gguf" ad="$data/aidreams260K.gguf"
if [ -f "$wl" ] && [ -f "$held" ] && [ -f "$st" ] && [ -f "$ad" ]; then
    parity "wikillama-3M F32" "$wl" "$held" -c 256 -b 256 --chunks 40
    head -c 120000 "$data/wikitext-2-raw-test.raw" > "$tmp/wiki.txt"
    parity "stories260K, 16 chunks per pass" "$st" "$tmp/wiki.txt" -c 128 --chunks 48
    # KLD of a model against itself, then of Q4_K_M against F32
    "$bin" quantize -m "$wl" -q Q4_K_M -O "$tmp" --quiet >/dev/null
    if "$bin" quality -m "$wl,$wl,$tmp/wikillama-3M-Q4_K_M.gguf" --ppl "$held" -c 256 -b 256 --chunks 40 --quiet -o json >"$tmp/k.json" 2>"$tmp/err" && python3 - "$tmp/k.json" <<'PY'
import json, sys
ref, same, q4 = json.load(open(sys.argv[1]))
assert ref["reference"] and ref["kld_mean"] is None
assert same["kld_mean"] == 0 and same["kld_max"] == 0 and same["top1_agreement"] == 1.0 and same["rms_dp"] == 0, same
assert abs(same["ppl_ratio"] - 1) < 1e-6
assert 0.001 < q4["kld_mean"] < 0.1 and 0.8 < q4["top1_agreement"] < 0.999, q4
assert q4["kld_p99"] >= q4["kld_median"] and q4["kld_max"] >= q4["kld_p99"]
assert 1.0 < q4["ppl_ratio"] < 1.05 and q4["ppl_delta_pct"] > 0
print(f"Q4_K_M vs F32: KLD {q4['kld_mean']:.6f} +/- {q4['kld_err']:.6f}, top-1 {100*q4['top1_agreement']:.2f}%, PPL ratio {q4['ppl_ratio']:.4f}")
PY
    then ok; else bad "KLD figures: $(cat "$tmp/err")"; fi
    # a saved reference, reused; then refused for another vocabulary (same size, other tokens)
    "$bin" quality -m "$st" --ppl "$tmp/wiki.txt" -c 128 --chunks 8 --save-ref "$tmp/st.ref" --quiet >/dev/null 2>&1
    if "$bin" quality -m "$st" --ref "$tmp/st.ref" --quiet -o json 2>/dev/null | grep -q '"kld_mean": 0'; then ok; else bad "reuse of a saved reference"; fi
    if "$bin" quality -m "$ad" --ref "$tmp/st.ref" --quiet >/dev/null 2>"$tmp/err"; then bad "foreign reference accepted"
    elif grep -q "another vocabulary" "$tmp/err"; then ok; else bad "foreign reference: $(cat "$tmp/err")"; fi
    # KL divergence at the full vocabulary (--top-k 512 = wikillama's) against llama-perplexity's
    # --kl-divergence on the same chunks: mean ± and top-1, RMS Δp, maximum agree to 4 digits
    "$lp" -m "$wl" -f "$held" -c 256 -b 256 --chunks 20 --kl-divergence-base "$tmp/base.kld" >"$tmp/lpb.out" 2>&1
    for try in 1 2 3 4 5; do # llama.cpp's logger may lose its last lines on a busy machine: again, up to 5 times
        "$lp" -m "$tmp/wikillama-3M-Q4_K_M.gguf" -f "$held" -c 256 -b 256 --chunks 20 --kl-divergence-base "$tmp/base.kld" \
            --kl-divergence >"$tmp/lpk.out" 2>&1
        grep -q "Same top p" "$tmp/lpk.out" && break # (its last line; the KLD lines come before it)
    done
    if ! grep -q "Mean *KLD" "$tmp/lpk.out"; then # its logger lost the summary: one chunk more, so chunk 20's row is out
        "$lp" -m "$wl" -f "$held" -c 256 -b 256 --chunks 21 --kl-divergence-base "$tmp/base21.kld" >/dev/null 2>&1
        "$lp" -m "$tmp/wikillama-3M-Q4_K_M.gguf" -f "$held" -c 256 -b 256 --chunks 21 --kl-divergence-base "$tmp/base21.kld" \
            --kl-divergence >"$tmp/lpk21.out" 2>&1
    fi
    if "$bin" quality -m "$wl,$tmp/wikillama-3M-Q4_K_M.gguf" --ppl "$held" -c 256 -b 256 --chunks 20 --top-k 512 --no-db \
        --quiet -o json >"$tmp/kfull.json" 2>"$tmp/err" && python3 - "$tmp/kfull.json" "$tmp/lpk.out" "$tmp/lpk21.out" 2>>"$tmp/err" <<'PY'
import json, os, re, sys
q = json.load(open(sys.argv[1]))[1]
lp = open(sys.argv[2], encoding="utf-8", errors="replace").read()
lp21 = open(sys.argv[3], encoding="utf-8", errors="replace").read() if os.path.exists(sys.argv[3]) else ""
def val(pat):
    m = re.search(pat, lp)
    assert m, "llama-perplexity printed no " + pat
    return [float(x) for x in m.groups()]
# llama.cpp's logger can lose its last lines on a loaded machine (it is never flushed at
# exit), even after retries. Its summary (more digits, maximum, median) is compared when
# it made it out; else the running figures of chunk 20's row (it prints every chunk as it
# goes) of a run of 21 chunks, out while chunk 21 was computed: KLD, RMS Δp and top-1 at
# the precision printed there.
rows = re.findall(r"^ *(\d+) +[0-9.]+ ± +[0-9.]+ +-?[0-9.]+ ± +[0-9.]+ +([0-9.]+) ± +([0-9.]+) +([0-9.]+) ± +[0-9.]+ % +([0-9.]+) ± +[0-9.]+ %",
                  lp + lp21, re.M)
rows = [r for r in rows if r[0] == "20"]
if re.search(r"Mean +KLD: +([0-9.]+) ± +([0-9.]+)", lp):
    kld, kld_err = val(r"Mean +KLD: +([0-9.]+) ± +([0-9.]+)")
    mx, = val(r"Maximum KLD: +([0-9.]+)")
    med, = val(r"Median +KLD: +([0-9.]+)")
    m = re.search(r"Same top p: +([0-9.]+) ± +([0-9.]+) %", lp)
    top = float(m.group(1)) if m else 100 * q["top1_agreement"]
    m = re.search(r"RMS Δp +: +([0-9.]+) ±", lp)
    rms = float(m.group(1)) if m else 100 * q["rms_dp"]
    checks = {"kld": (q["kld_mean"], kld), "kld_err": (q["kld_err"], kld_err), "top1 %": (100 * q["top1_agreement"], top),
              "rms_dp %": (100 * q["rms_dp"], rms), "max": (q["kld_max"], mx)}
    bad = {k: v for k, v in checks.items() if abs(v[0] - v[1]) > 5e-4 * abs(v[1]) + 1e-6}
    assert not bad, bad
    assert abs(q["kld_median"] - med) <= 1e-3 * med + 2e-6, (q["kld_median"], med)
    print(f"KLD {q['kld_mean']:.6f} vs llama-perplexity {kld:.6f}")
else:
    assert rows, "llama-perplexity printed neither its summary nor chunk 20's row, in 20 chunks or 21"
    _, kld, kld_err, rms, top = (float(x) for x in rows[-1])
    checks = {"kld": (q["kld_mean"], kld, 5e-6), "kld_err": (q["kld_err"], kld_err, 5e-6),
              "rms_dp %": (100 * q["rms_dp"], rms, 5e-4), "top1 %": (100 * q["top1_agreement"], top, 5e-4)}
    bad = {k: v for k, v in checks.items() if abs(v[0] - v[1]) > v[2] + 1e-9}
    assert not bad, bad
    print(f"KLD {q['kld_mean']:.6f} vs llama-perplexity's chunk 20 {kld:.5f} (its summary was lost)")
assert q["kld_mean"] > 0.001
PY
    then ok; else bad "KLD against llama-perplexity --kl-divergence: $(cat "$tmp/err"; tail -3 "$tmp/lpk.out")"; fi
    # against a saved reference: ΔPPL is relative to the reference's own PPL (recorded in the file);
    # another text or context is refused before anything is measured
    "$bin" quality -m "$wl" --ppl "$held" -c 256 -b 256 --chunks 40 --save-ref "$tmp/wl.ref" --quiet -o json >"$tmp/f32.json" 2>/dev/null
    if "$bin" quality -m "$tmp/wikillama-3M-Q4_K_M.gguf" --ref "$tmp/wl.ref" --quiet -o json >"$tmp/q4ref.json" 2>"$tmp/err" \
        && python3 - "$tmp/f32.json" "$tmp/q4ref.json" <<'PY'
import json, sys
f32, = json.load(open(sys.argv[1]))
q4, = json.load(open(sys.argv[2]))
assert q4["reference"] is False, q4["reference"]
assert abs(q4["ref_ppl"] - f32["ppl"]) < 1e-8 * f32["ppl"], (q4["ref_ppl"], f32["ppl"])
assert abs(q4["ppl_delta_pct"] - 100 * (q4["ppl"] / f32["ppl"] - 1)) < 1e-6 and q4["ppl_delta_pct"] > 0.05, q4["ppl_delta_pct"]
PY
    then ok; else bad "ΔPPL against a saved reference: $(cat "$tmp/err")"; fi
    expect_fail "reference with another text" "another text" "$bin" quality -m "$wl" --ref "$tmp/wl.ref" --ppl "$tmp/wiki.txt" --db "$tmp/none.db"
    expect_fail "reference with another context" "differs from the context" "$bin" quality -m "$wl" --ref "$tmp/wl.ref" -c 128 --db "$tmp/none.db"
    expect_fail "family of two vocabularies" "another vocabulary.*$(basename "$st")" "$bin" quality -m "$st,$ad" --ppl "$tmp/wiki.txt" -c 128 --db "$tmp/none.db"
    [ ! -e "$tmp/none.db" ] && ok || bad "a refused quality run created its database"
    # the suite, in every format
    for fmt in md json jsonl csv; do
        if "$bin" quality -m "$st,$ad" --suite default --max-tokens 16 --quiet -o $fmt >"$tmp/s.$fmt" 2>"$tmp/err"; then ok; else bad "suite -o $fmt: $(cat "$tmp/err")"; fi
    done
    if python3 - "$tmp" <<'PY'
import csv, json, sys
d = sys.argv[1]
a = json.load(open(f"{d}/s.json"))
assert len(a) == 2 and len(a[0]["answers"]) == 25 and a[1]["suite_checked"] == 25
assert all(isinstance(x["response"], str) and x["tokens"] > 0 for x in a[0]["answers"])
assert a[0]["suite_similarity"] is None and 0 <= a[1]["suite_similarity"] <= 1
assert all(0 <= x["similarity"] <= 1 for x in a[1]["answers"])
lines = [json.loads(l) for l in open(f"{d}/s.jsonl")]
assert len(lines) == 2 and len(lines[1]["answers"]) == 25
rows = list(csv.DictReader(open(f"{d}/s.csv")))
assert len(rows) == 50 and rows[0]["answer_response"] != "" and "suite_pass_rate" in rows[0]
md = open(f"{d}/s.md").read()
assert "| suite pass |" in md and "| response |" in md and md.count("| explain-1 |") == 2
PY
    then ok; else bad "suite outputs"; fi
else
    skip_part "shared data absent ($data): real-model parity, KLD and suite checks not run"
fi

# --- bad input --------------------------------------------------------------------------------
expect() { # name pattern args...
    local name="$1" pat="$2"; shift 2
    "$bin" quality "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc -eq 0 ] || [ $rc -ge 128 ]; then bad "$name: exit $rc"; return; fi
    if [ "$(wc -l < "$tmp/err")" -ne 1 ] || ! grep -qiE -e "$pat" "$tmp/err"; then bad "$name: $(cat "$tmp/err")"; return; fi
    ok
}
: > "$tmp/empty.txt"
printf 'abc\0def' > "$tmp/bin.txt"
echo "just a few words" > "$tmp/short.txt"
expect "empty text" "is empty" -m "$tmp/tiny.gguf" --ppl "$tmp/empty.txt" --force
expect "binary text" "binary" -m "$tmp/tiny.gguf" --ppl "$tmp/bin.txt" --force
expect "short text" "needs at least" -m "$tmp/tiny.gguf" --ppl "$tmp/short.txt" -c 128 --force --quiet
expect "context too large" "larger than the model's" -m "$tmp/tiny.gguf" --ppl "$tmp/text.txt" -c 4096 --force
expect "missing text" "No such file" -m "$tmp/tiny.gguf" --ppl "$tmp/nope.txt" --force
expect "nothing to do" "nothing to measure" -m "$tmp/tiny.gguf"
expect "bad ref file" "not a llmbench reference" -m "$tmp/tiny.gguf" --ref "$tmp/text.txt" --force
expect "bad suite" "suite .*(not a prompt suite|expected)" -m "$tmp/tiny.gguf" --suite "$tmp/tiny.gguf" --force
expect "missing model" "No such file" -m "$tmp/none.gguf" --ppl "$tmp/text.txt"
printf '{"prompts": [{"id": "a", "category": "c", "prompt": "Say hi"}, {"id": "b"}]}' > "$tmp/suite.json"
if "$bin" quality -m "$tmp/tiny.gguf" --suite "$tmp/suite.json" --max-tokens 4 --force --quiet -o json >"$tmp/out" 2>"$tmp/err" \
   && grep -q "entry 2 ('b')" "$tmp/err" && python3 -c "import json,sys; a=json.load(open('$tmp/out')); sys.exit(0 if len(a[0]['answers'])==1 else 1)"; then ok
else bad "malformed suite entry: $(cat "$tmp/err")"; fi

finish
