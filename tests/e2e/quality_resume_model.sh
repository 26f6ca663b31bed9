#!/usr/bin/env bash
# quality_resume_model.sh - the same as quality_resume.sh on a real model of
# ../shared/data (wikillama-3M and its Q8_0, its held-out text, the default
# suite): killed with SIGKILL once the reference is stored, --resume gives the
# figures of an uninterrupted run. Skipped (77) without the data.
# Usage: quality_resume_model.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
if [ -z "$data" ] || [ ! -f "$data/wikillama-3M.gguf" ] || [ ! -f "$data/wikitext-2-heldout.txt" ]; then
    echo "SKIP: needs wikillama-3M.gguf and wikitext-2-heldout.txt in ${data:-../shared/data}"; exit 77
fi
cp "$data/wikillama-3M.gguf" "$data/wikitext-2-heldout.txt" "$tmp/"
"$bin" quantize -m "$tmp/wikillama-3M.gguf" -q Q8_0,Q4_K_M -O "$tmp" --quiet >/dev/null || { bad "quantize"; finish; exit; }
quality_resume_round "wikillama family" "$tmp/wl" 2 -m "$tmp/wikillama-3M.gguf,$tmp/wikillama-3M-Q8_0.gguf,$tmp/wikillama-3M-Q4_K_M.gguf" \
    --ppl "$tmp/wikitext-2-heldout.txt" -c 128 --chunks 30 --suite default --max-tokens 24 -t 2
finish
