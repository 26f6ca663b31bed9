#!/usr/bin/env bash
# rpc_devices.sh - a second device for real on a GPU-less machine: llama.cpp's
# RPC backend. Starts two ggml-rpc-servers on 127.0.0.1 (scripts/rpc_servers.sh),
# then runs wikillama-3M (../shared/data, copied first) on the CPU alone
# (-dev none), on the RPC device alone (-ngl 99 -dev RPC...), split between
# them (half the layers offloaded, -ts 1), and across three devices (6
# layers shared 3/1 by RPC0 and RPC1 with -ts, the rest on the CPU), each
# result naming its devices and what each holds (device_memory), beside llama-bench's
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
. "$here/../../scripts/rpc_servers.sh"
srv=$(rpc_server_bin "$bindir") || { echo "skip: no rpc server in $bindir (scripts/setup.sh builds it with -DGGML_RPC=ON)"; exit 77; }
cp "$data/wikillama-3M.gguf" "$tmp/m.gguf"
# (under ASan: llama.cpp keeps the RPC devices it registers until the process ends)
export LSAN_OPTIONS="suppressions=$here/lsan-rpc.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

trap 'rpc_stop; rm -rf "$tmp"' EXIT
rpc_start "$srv" 2 "$tmp" || { bad "the rpc servers did not listen: $(cat "$tmp"/rpc*.log)"; finish; exit 1; }
ep=${rpc_eps%%,*}

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
    # the backends as llama-bench names them ("RPC" once a server is registered)
    python3 - "$tmp/$name.us.json" "$tmp/$name.lb.json" <<'PY' && ok || bad "$name: backends differ from llama-bench's"
import json, sys
us, lb = ([r["backends"] for r in json.load(open(f))] for f in sys.argv[1:3])
assert us == lb, (us, lb)
PY
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
# three devices: two RPC servers sharing the offloaded layers by -ts, the CPU the rest
run split3 -rpc "$rpc_eps" -dev RPC0/RPC1 -ngl 6 -ts 3/1 && devices split3 'RPC0.*RPC1|RPC0/RPC1'
# what each device holds: the model's part on every one of them, the -ts share on the RPC devices
python3 - "$tmp" <<'PY' && ok || bad "device_memory: $(grep -o '"device_memory":[^,]*' "$tmp"/*.us.json | head -5)"
import json, re, sys
d = sys.argv[1]
def mem(name):
    r = json.load(open(f"{d}/{name}.us.json"))[0]
    return {m[0]: [int(x) for x in m[1:]] for m in re.findall(r"([^;=]+)=(\d+)\+(\d+)\+(\d+)", r["device_memory"])}
cpu, rpc, three = mem("cpu"), mem("rpc"), mem("split3")
assert not any(k.startswith("RPC") for k in cpu) and sum(v[0] for v in cpu.values()) > 0, cpu
assert any(k.startswith("RPC0") and v[0] > 0 for k, v in rpc.items()), rpc
r0 = [v[0] for k, v in three.items() if k.startswith("RPC0")][0]
r1 = [v[0] for k, v in three.items() if k.startswith("RPC1")][0]
assert r0 > r1 > 0, three  # -ts 3/1: RPC0 holds more layers
assert sum(v[0] for k, v in three.items() if k.startswith("CPU")) > 0, three  # the layers not offloaded
print("device_memory split3:", ", ".join(f"{k} model {v[0] / 2**20:.2f} MiB" for k, v in three.items()))
PY
# each RPC server's own memory beside the host's: hw --bandwidth -rpc
"$bin" hw --bandwidth --no-db --bw-size 16M --bw-reps 2 -rpc "$rpc_eps" --json >"$tmp/bw.json" 2>"$tmp/err" || bad "hw --bandwidth -rpc: $(cat "$tmp/err")"
python3 - "$tmp/bw.json" <<'PY' && ok || bad "device bandwidth: $(cat "$tmp/bw.json" | head -c 800)"
import json, sys
hw = json.load(open(sys.argv[1]))
b = hw["bandwidth"]
assert [d["name"] for d in b["devices"]] == ["RPC0", "RPC1"], b["devices"]
assert all(d["copy_gbs"] > 0 and d["array_bytes"] == 16 << 20 and d["note"] is None for d in b["devices"]), b["devices"]
assert any(d.get("name") == "RPC1" for d in hw["devices"]), hw["devices"]
print("copy GB/s: host %.1f, " % b["copy_gbs"] + ", ".join("%s %.1f" % (d["name"], d["copy_gbs"]) for d in b["devices"]))
PY
expect_fail "hw -rpc unreachable" "RPC" "$bin" hw -rpc 127.0.0.1:1
expect_fail "unknown device" "Foo0" "$bin" bench -m "$tmp/m.gguf" -p 8 -n 0 -r 1 -dev Foo0 --no-db
finish
