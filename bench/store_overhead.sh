#!/usr/bin/env bash
# store_overhead.sh - storing results adds no time to a measured sample: the
# same null-engine sweep run alternately with --db (each instance written to
# the store from the runner's on_result callback, after timing) and with
# --no-db (its JSON imported afterwards, outside any run), then
# `llmbench compare` of the two: the change must not be a significant
# slowdown over 2% (it exits 1 otherwise), and the summary line says the ratio.
#
# usage: bench/store_overhead.sh [-k PAIRS]   (default 3 pairs; needs bench --db)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
llmbench="${LLMBENCH:-$root/build/llmbench}"
k=3
[ "${1:-}" = "-k" ] && k=$2
if ! "$llmbench" bench --help | grep -q -- '--db'; then
    echo "store_overhead: llmbench bench has no --db yet; nothing to measure" >&2
    exit 77
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
db="$tmp/r.db"
sweep=(bench --engine null -m null:pp_us=5:tg_us=200 -p 64 -n 32 -t 1 -r 10 -o json)
for i in $(seq "$k"); do
    "$llmbench" "${sweep[@]}" --db "$db" --tag with-store > /dev/null
    "$llmbench" "${sweep[@]}" --no-db > "$tmp/nodb-$i.json"
    "$llmbench" import --db "$db" --tag without-store "$tmp/nodb-$i.json" > /dev/null
done
"$llmbench" compare --db "$db" tag=without-store tag=with-store --fail-on-regression 2%
