#!/usr/bin/env bash
# rpc_devices.sh - a second device for real on a GPU-less machine: llama.cpp's
# RPC backend. Starts ggml-rpc-server on 127.0.0.1, then runs wikillama-3M
# (../shared/data, copied first) on the CPU alone (-dev none), on the RPC
# device alone (-ngl 99 -dev RPC...), and split between them (half the layers
# offloaded, -ts 1), each result naming its devices, beside llama-bench's
# -rpc run of the same settings (both must run; speeds are printed by
# bench/rpc.sh, not judged here: a shared machine). Skipped (77) without the
# model or the rpc server (scripts/setup.sh builds it with -DGGML_RPC=ON).
# Usage: rpc_devices.sh LLMBENCH DATA_DIR
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
bindir="$here/../../deps/llama-build/bin"
lb="$bindir/llama-bench"
. "$here/lib.sh"
[ -f "$data/wikillama-3M.gguf" ] || { echo "skip: $data/wikillama-3M.gguf absent"; exit 77; }
srv=""
for c in "$bindir/ggml-rpc-server" "$bindir/rpc-server"; do [ -x "$c" ] && { srv=$c; break; }; done
[ -n "$srv" ] || { echo "skip: no rpc server in $bindir (scripts/setup.sh builds it with -DGGML_RPC=ON)"; exit 77; }
cp "$data/wikillama-3M.gguf" "$tmp/m.gguf"
# (under ASan: llama.cpp keeps the RPC devices it registers until the process ends)
export LSAN_OPTIONS="suppressions=$here/lsan-rpc.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

port=$((20000 + $$ % 20000))
"$srv" -H 127.0.0.1 -p "$port" >"$tmp/rpc.log" 2>&1 &
rpc_pid=$!
trap 'kill $rpc_pid 2>/dev/null; wait $rpc_pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
ep="127.0.0.1:$port"

# the RPC device, listed as llama-bench lists it
"$bin" bench -rpc "$ep" --list-devices >"$tmp/dev.txt" 2>"$tmp/err" || bad "-rpc --list-devices: $(cat "$tmp/err")"
"$lb" -rpc "$ep" --list-devices 2>/dev/null | grep -E '^Available|^  ' >"$tmp/dev.lb.txt"
dev=$(grep -o 'RPC[0-9]*' "$tmp/dev.txt" | head -1)
[ -n "$dev" ] && ok || bad "no RPC device listed: $(cat "$tmp/dev.txt")"
cmp -s "$tmp/dev.txt" "$tmp/dev.lb.txt" && ok || bad "--list-devices differs from llama-bench's: $(cat "$tmp/dev.txt") / $(cat "$tmp/dev.lb.txt")"
common=(-m "$tmp/m.gguf" -p 32 -n 8 -r 2 -t 2)

# run NAME ARGS...: llmbench and llama-bench with the same settings, JSON
run() {
    local name="$1"; shift
    "$bin" bench "${common[@]}" "$@" -o json --no-db --quiet >"$tmp/$name.us.json" 2>"$tmp/$name.us.err" \
        || { bad "$name: llmbench failed: $(tail -3 "$tmp/$name.us.err")"; return 1; }
    "$lb" "${common[@]}" "$@" -o json >"$tmp/$name.lb.json" 2>"$tmp/$name.lb.err" \
        || { bad "$name: llama-bench failed: $(tail -3 "$tmp/$name.lb.err")"; return 1; }
    ok
}
# devices NAME PATTERN: every llmbench result names devices matching PATTERN
devices() {
    python3 - "$tmp/$1.us.json" "$2" <<'PY' && ok || bad "$1: devices: $(cat "$tmp/$1.us.json" | head -c 600)"
import json, re, sys
rs = json.load(open(sys.argv[1]))
assert rs and all(re.search(sys.argv[2], r.get("applied_devices") or "") for r in rs), [r.get("applied_devices") for r in rs]
assert all(r["avg_ts"] > 0 for r in rs)
PY
}
run cpu -dev none -ngl 0 && devices cpu '^CPU$'
run rpc -rpc "$ep" -dev "$dev" -ngl 99 && devices rpc 'RPC'
run split -rpc "$ep" -dev "$dev" -ngl 4 -ts 1 && devices split 'RPC'
expect_fail "unknown device" "Foo0" "$bin" bench -m "$tmp/m.gguf" -p 8 -n 0 -r 1 -dev Foo0 --no-db
finish
