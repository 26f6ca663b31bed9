#!/usr/bin/env bash
# hw.sh - `llmbench hw`: text and --json on this machine and on the fixture
# trees, the snapshot stored with a run (hardware.details), bad input.
# Usage: hw.sh LLMBENCH_BIN [DATA_DIR]
. "$(dirname "$0")/lib.sh"
bin="$1"
fix="$(cd "$(dirname "$0")/../fixtures/hw" && pwd)"

"$bin" hw >"$tmp/hw.txt" 2>"$tmp/err" || bad "hw: $(cat "$tmp/err")"
grep -q '^CPU:' "$tmp/hw.txt" && grep -q '^Device: *CPU' "$tmp/hw.txt" && ok || bad "hw text: $(cat "$tmp/hw.txt")"
grep -q '^NVML:' "$tmp/hw.txt" && ok || bad "hw text says nothing of NVML"
"$bin" hw --json >"$tmp/hw.json" 2>"$tmp/err" || bad "hw --json: $(cat "$tmp/err")"
python3 - "$tmp/hw.json" <<'PY' && ok || bad "hw --json content"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["cpu"]["threads"] >= 1 and o["cpu"]["isa"], o["cpu"]
assert "caches" in o["cpu"] and "numa_nodes" in o and o["memory"]["total_bytes"] > 0
assert any(d["name"] == "CPU" for d in o["devices"]), o["devices"]
assert o["nvml"]["note"] or o["nvml"]["gpus"]
PY

# fixture trees
"$bin" hw --root "$fix/biglittle" --no-devices --json >"$tmp/bl.json" || bad "hw --root biglittle"
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); c=o["cpu"]["clusters"]; assert [x["part"] for x in c]==["0xd05","0xd0b"], c' "$tmp/bl.json" && ok || bad "big.LITTLE clusters"
"$bin" hw --root "$fix/vm" --no-devices >"$tmp/vm.txt" || bad "hw --root vm"
grep -q 'no cpufreq in this VM' "$tmp/vm.txt" && grep -q 'VM: QEMU' "$tmp/vm.txt" && ok || bad "vm: $(cat "$tmp/vm.txt")"

# the snapshot stored with a run
"$bin" bench --engine null -m null -p 8 -n 0 -r 1 --db "$tmp/r.db" -o none 2>"$tmp/err" || bad "bench: $(cat "$tmp/err")"
d="$(sqlite3 "$tmp/r.db" "SELECT json_extract(details, '\$.cpu.threads') FROM hardware")"
[ "${d:-0}" -ge 1 ] && ok || bad "hardware.details holds no snapshot: '$d'"

# the compatibility matrix of that store
"$bin" hw --matrix --db "$tmp/r.db" >"$tmp/m.txt" 2>"$tmp/err" || bad "hw --matrix: $(cat "$tmp/err")"
grep -q '| null *| none *| ran ' "$tmp/m.txt" && ok || bad "matrix: $(cat "$tmp/m.txt")"

# bandwidth: measured once, then read from the store with its date
"$bin" hw --bandwidth --bw-size 16M --bw-reps 1 --no-devices --db "$tmp/r.db" --json >"$tmp/bw.json" 2>"$tmp/err" || bad "hw --bandwidth: $(cat "$tmp/err")"
python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["bandwidth"]; assert b["read_gbs"] > 0 and b["triad_gbs"] > 0 and b["measured_at"] and b["array_bytes"] == 16 << 20 and b["reps"] == 1 and b["devices"] == [], b' "$tmp/bw.json" && ok || bad "bandwidth json: $(cat "$tmp/bw.json")"
[ "$(sqlite3 "$tmp/r.db" "SELECT count(*) FROM bandwidth")" = 1 ] && ok || bad "bandwidth not kept"
"$bin" hw --bandwidth --no-devices --db "$tmp/r.db" >/dev/null 2>"$tmp/err" && ! grep -q measuring "$tmp/err" && ok || bad "bandwidth measured again instead of read from the store"

# bad input
expect_fail "missing root" "does not exist" "$bin" hw --root "$tmp/nope"
expect_fail "stray argument" "unexpected argument" "$bin" hw extra
expect_fail "tiny array" "bw-size" "$bin" hw --bandwidth --bw-size 1K --no-db
finish
