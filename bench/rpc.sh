#!/usr/bin/env bash
# rpc.sh - llmbench vs llama-bench through llama.cpp's RPC backend: two
# rpc servers on 127.0.0.1 (scripts/rpc_servers.sh), then CPU alone, RPC alone
# (-ngl 99), a split (-ngl half) and three devices (-ngl 6 -ts 3/1 over
# RPC0/RPC1, the rest on the CPU), each run by both tools alternately K times
# (which goes first alternating);
# prints per configuration and test the median t/s of each, the median of
# the pairs' ratios and their spread (target: ratio 1, as bench/parity.sh).
# The servers compute on this machine too: the client's threads default to
# half the physical cores (1 on 2 cores), so that client and servers do not
# fight for the same cores (ggml's threads spin while they wait: with -t 2 on
# 2 cores, consecutive RPC tg runs of either tool vary from 580 to 1030 t/s).
#
# llmbench's warnings (the loopback servers are other processes using the
# cores) go to a file; their count is printed at the end.
#
# usage: bench/rpc.sh [-m MODEL] [-k PAIRS] [-t THREADS] [-p N] [-n N] [-r REPS]
#   defaults: 31 pairs, -p 128 -n 128 -r 5 (about 3 min; tg through RPC varies
#   by 10-20% from pair to pair, so fewer pairs move its median; with tg32 x 3, some
#   40 ms of timing, single pairs' tg ratios ranged from 0.67 to 1.5)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
llmbench="${LLMBENCH:-$root/build/llmbench}"
bindir="$root/deps/llama-build/bin"
model="$root/../shared/data/wikillama-3M.gguf" k=31 t="" p=128 n=128 r=5
while getopts "m:k:t:p:n:r:" o; do
    case $o in
        m) model=$OPTARG ;; k) k=$OPTARG ;; t) t=$OPTARG ;; p) p=$OPTARG ;; n) n=$OPTARG ;; r) r=$OPTARG ;;
        *) sed -n '2,20p' "$0" >&2; exit 2 ;;
    esac
done
[ -f "$model" ] || { echo "rpc: no model $model (use -m)" >&2; exit 2; }
. "$root/scripts/rpc_servers.sh"
srv=$(rpc_server_bin "$bindir") || { echo "rpc: no rpc server in $bindir (scripts/setup.sh builds it)" >&2; exit 2; }
if [ -z "$t" ]; then t=$(($(lscpu -p=core | grep -v '^#' | sort -u | wc -l) / 2)); [ "$t" -ge 1 ] || t=1; fi
tmp="$(mktemp -d)"
trap 'rpc_stop; rm -rf "$tmp"' EXIT
: >"$tmp/warnings"
rpc_start "$srv" 2 "$tmp" || { echo "rpc: the rpc servers did not listen: $(cat "$tmp"/rpc*.log)" >&2; exit 1; }
common=(-m "$model" -p "$p" -n "$n" -r "$r" -t "$t")
ep=${rpc_eps%%,*}
dev=$("$llmbench" bench -rpc "$ep" --list-devices | grep -o 'RPC[0-9]*' | head -1)
cfgs=("cpu|-dev none -ngl 0" "rpc|-rpc $ep -dev $dev -ngl 99" "split|-rpc $ep -dev $dev -ngl 4 -ts 1"
      "split3|-rpc $rpc_eps -dev RPC0/RPC1 -ngl 6 -ts 3/1")
for i in $(seq 1 "$k"); do
    for c in "${cfgs[@]}"; do
        name=${c%%|*} args=${c#*|}
        # which tool goes first alternates from pair to pair (A B, B A, ...)
        if [ $((i % 2)) -eq 1 ]; then order="us lb"; else order="lb us"; fi
        for w in $order; do
            if [ "$w" = us ]; then
                # shellcheck disable=SC2086
                "$llmbench" bench "${common[@]}" $args -o json --no-db --quiet >"$tmp/$name.us.$i.json" 2>>"$tmp/warnings" ||
                    { echo "rpc: llmbench failed ($name): $(tail -2 "$tmp/warnings")" >&2; exit 1; }
            else
                # shellcheck disable=SC2086
                "$bindir/llama-bench" "${common[@]}" $args -o json 2>/dev/null >"$tmp/$name.lb.$i.json"
            fi
        done
    done
done
echo "rpc: $(basename "$model"), -p $p -n $n -r $r -t $t, $k pairs per configuration; llmbench warned $(wc -l <"$tmp/warnings") times (other processes: the servers)" >&2
python3 - "$tmp" "$k" <<'PY'
import json, statistics, sys
d, k = sys.argv[1], int(sys.argv[2])
print("| config | test | llmbench t/s | llama-bench t/s | ratio (median of pairs) | pairs' ratios p25…p75 | devices |")
print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
for name in ["cpu", "rpc", "split", "split3"]:
    us = [json.load(open(f"{d}/{name}.us.{i}.json")) for i in range(1, k + 1)]
    lb = [json.load(open(f"{d}/{name}.lb.{i}.json")) for i in range(1, k + 1)]
    for j, r in enumerate(us[0]):
        a = statistics.median(u[j]["avg_ts"] for u in us)
        b = statistics.median(l[j]["avg_ts"] for l in lb)
        ratios = sorted(us[i][j]["avg_ts"] / lb[i][j]["avg_ts"] for i in range(k))
        q = statistics.quantiles(ratios, n=4) if k >= 2 else [ratios[0]] * 3
        test = f'pp{r["n_prompt"]}' if r["n_prompt"] else f'tg{r["n_gen"]}'
        print(f'| {name} | {test} | {a:.2f} | {b:.2f} | {statistics.median(ratios):.3f} | {q[0]:.2f}…{q[2]:.2f} | {r.get("applied_devices")} |')
PY
