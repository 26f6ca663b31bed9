#!/usr/bin/env bash
# events_model.sh - `--events` from bench, quality and pipeline runs on the
# real models of ../shared/data validate against docs/events.md; the
# pipeline's results are in the store afterwards (export holds every
# variant's speed and quality, recommend reads the measured KLD). Skipped (77)
# without the data or python3-jsonschema.
# Usage: events_model.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/lib.sh"
py=/usr/bin/python3
if [ -z "$data" ] || [ ! -f "$data/wikillama-3M.gguf" ] || [ ! -f "$data/wikitext-2-heldout.txt" ] || [ ! -f "$data/stories260K.gguf" ]; then
    echo "SKIP: needs wikillama-3M.gguf, wikitext-2-heldout.txt and stories260K.gguf in ${data:-../shared/data}"; exit 77
fi
$py -c 'import jsonschema' 2>/dev/null || { echo "SKIP: python3-jsonschema is not installed"; exit 77; }
valid() {
    local name="$1" f="$2"; shift 2
    if $py "$root/tests/e2e/check_events.py" "$root/docs/events.md" "$f" "$@" >"$tmp/check.out"; then ok; else bad "$name: $(cat "$tmp/check.out")"; fi
}
cp "$data/wikillama-3M.gguf" "$data/wikitext-2-heldout.txt" "$data/stories260K.gguf" "$tmp/"
"$bin" bench -m "$tmp/stories260K.gguf" -p 32 -n 8 -r 2 -o none --events "$tmp/bench.jsonl" || bad "bench"
valid "bench events" "$tmp/bench.jsonl" speed=2
"$bin" quality -m "$tmp/wikillama-3M.gguf" --ppl "$tmp/wikitext-2-heldout.txt" -c 128 --chunks 8 --suite default \
    --max-tokens 8 --quiet --events - > "$tmp/quality.out" || bad "quality"
grep '^{' "$tmp/quality.out" > "$tmp/quality.jsonl"
valid "quality events" "$tmp/quality.jsonl" ppl=1 suite=1 token=25
"$bin" pipeline -m "$tmp/wikillama-3M.gguf" -q Q8_0,Q4_K_M -p 64 -n 8 -r 2 --ppl "$tmp/wikitext-2-heldout.txt" -c 256 \
    --quiet --events "$tmp/pipe.jsonl" -o json > "$tmp/pipe.json" || bad "pipeline"
valid "pipeline events" "$tmp/pipe.jsonl" speed=6 ppl=1 kld=2
# what the pipeline measured is in the store
"$bin" export --kind kld -f json > "$tmp/kld.json" && python3 - "$tmp/kld.json" "$tmp/pipe.json" <<'PY' && ok || bad "export of the pipeline's quality"
import json, sys
kld = json.load(open(sys.argv[1]))
pipe = {r["variant"]: r for r in json.load(open(sys.argv[2]))}
assert len(kld) == 2, len(kld)
for r in kld:
    v = "Q8_0" if r["model_filename"].endswith("Q8_0.gguf") else "Q4_K_M"
    assert abs(r["kld_mean"] - pipe[v]["kld_mean"]) < 1e-9, (r["kld_mean"], pipe[v]["kld_mean"])
    assert r["kld_mean"] > 0 and r["ppl"] > 1
PY
"$bin" recommend --max-kld 0.005 > "$tmp/rec.txt" 2>&1
grep -q "Q8_0" "$tmp/rec.txt" && grep -q "violates --max-kld" "$tmp/rec.txt" && ok || bad "recommend: $(cat "$tmp/rec.txt")"
finish
