#!/usr/bin/env bash
# blas_backend.sh - a second CPU backend for real: llama.cpp's BLAS backend on
# Debian's OpenBLAS (scripts/setup.sh builds llama.cpp a second time with
# -DGGML_BLAS=ON; CMake builds llmbench-blas on it). The BLAS device is listed
# as that build's llama-bench lists it and in `hw --json`; wikillama-3M
# (../shared/data, copied first) runs on both builds into one store, each
# result naming its backend as llama-bench does ("BLAS" / "CPU"); `results
# --device BLAS` selects the BLAS run and `compare` matches the two. Speeds are
# printed by bench/blas.sh, not judged here (a shared machine). Skipped (77)
# without the model or llmbench-blas.
# Usage: blas_backend.sh LLMBENCH DATA_DIR
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
blas="$(dirname "$bin")/llmbench-blas"
lb="$here/../../deps/llama-build-blas/bin/llama-bench"
. "$here/lib.sh"
[ -f "$data/wikillama-3M.gguf" ] || { echo "skip: $data/wikillama-3M.gguf absent"; exit 77; }
[ -x "$blas" ] && [ -x "$lb" ] || { echo "skip: no $blas or $lb (scripts/setup.sh builds llama.cpp with BLAS, then make build)"; exit 77; }
cp "$data/wikillama-3M.gguf" "$tmp/m.gguf"
db="$tmp/r.db"

# the device, listed as that build's llama-bench lists it
"$blas" bench --list-devices >"$tmp/dev.txt" 2>"$tmp/err" || bad "--list-devices: $(cat "$tmp/err")"
"$lb" --list-devices 2>/dev/null | grep -E '^Available|^  ' >"$tmp/dev.lb.txt"
grep -q 'BLAS' "$tmp/dev.txt" && ok || bad "no BLAS device listed: $(cat "$tmp/dev.txt")"
cmp -s "$tmp/dev.txt" "$tmp/dev.lb.txt" && ok || bad "--list-devices differs from llama-bench's: $(cat "$tmp/dev.txt") / $(cat "$tmp/dev.lb.txt")"
"$bin" bench --list-devices | grep -q BLAS && bad "the default build lists a BLAS device" || ok
"$blas" hw --json >"$tmp/hw.json" 2>"$tmp/err" || bad "hw --json: $(cat "$tmp/err")"
python3 - "$tmp/hw.json" <<'PY' && ok || bad "hw --json has no BLAS device: $(cat "$tmp/hw.json" | head -c 400)"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if any("BLAS" in (x.get("name", "") + x.get("description", "")) for x in d["devices"]) else 1)
PY

# the same test on both builds, and on llama-bench's BLAS build
common=(-m "$tmp/m.gguf" -p 64 -n 0 -r 2 -t 2)
"$bin" bench "${common[@]}" --db "$db" --tag cpu -o json --quiet >"$tmp/cpu.json" 2>"$tmp/err" || bad "bench (CPU): $(cat "$tmp/err")"
"$blas" bench "${common[@]}" --db "$db" --tag blas -o json --quiet >"$tmp/blas.json" 2>"$tmp/err" || bad "bench (BLAS): $(cat "$tmp/err")"
"$lb" "${common[@]}" -o json >"$tmp/lb.json" 2>/dev/null || bad "llama-bench (BLAS) failed"
python3 - "$tmp" <<'PY' && ok || bad "backends"
import json, sys
d = sys.argv[1]
cpu, blas, lb = (json.load(open(f"{d}/{n}.json"))[0] for n in ("cpu", "blas", "lb"))
print("backends: llmbench", cpu["backends"], "/ llmbench-blas", blas["backends"], "/ llama-bench (BLAS build)", lb["backends"])
ok = cpu["backends"] == "CPU" and blas["backends"] == lb["backends"] == "BLAS"
ok &= blas["avg_ts"] > 0 and cpu["avg_ts"] > 0
sys.exit(0 if ok else 1)
PY
# the rows of `results --device BLAS`: the BLAS run's alone
"$bin" results --db "$db" --device BLAS >"$tmp/sel.txt" 2>"$tmp/err" || bad "results --device BLAS: $(cat "$tmp/err")"
rows=$(grep -E '^\| +[0-9]+ \|' "$tmp/sel.txt")
[ "$(printf '%s\n' "$rows" | grep -c .)" = 1 ] && printf '%s\n' "$rows" | grep -q '| blas |' && ok \
    || bad "results --device BLAS does not select the BLAS run alone: $(cat "$tmp/sel.txt")"
"$bin" compare --db "$db" tag=cpu tag=blas >"$tmp/cmp.txt" 2>"$tmp/err" && grep -q 'pp64' "$tmp/cmp.txt" && ok \
    || bad "compare tag=cpu tag=blas: $(cat "$tmp/cmp.txt" "$tmp/err")"
finish
