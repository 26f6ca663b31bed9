#!/usr/bin/env bash
# aa_compare.sh - does `llmbench compare` hold between runs? Into one
# temporary store, K A/A pairs of identical bench runs (-p 512 -n 128 -r 5
# -t 2 of one model), each pair compared right after it ran, as a CI job
# would: the earlier pairs are the history compare draws the run-to-run
# spread from. The first pair has none: its interval assumes the spread
# (--run-cv 2%, and says so); it is counted like the others. Then every pair again against all
# the others (the store's whole history), and the slowdowns that must still
# be found: the null engine 10% slower (tg_us 10 against 11, virtual=1, three
# runs a side), and the real model at -t 1 against -t 2 (one run a side,
# --ignore t; the tests 10% slower or more must be flagged). Prints the
# figures and a verdict: at most one A/A pair flagged, none failing
# --fail-on-regression 5%, both slowdowns flagged.
#
# usage: bench/aa_compare.sh [-m MODEL] [-k PAIRS] [-r REPS] [-p N] [-n N] [-t N]
#   defaults: ../shared/data/wikillama-3M.gguf, 20 pairs, -r 5, -p 512 -n 128, -t 2
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
llmbench="${LLMBENCH:-$root/build/llmbench}"
model="" k=20 r=5 p=512 n=128 t=2
while getopts "m:k:r:p:n:t:" o; do
    case $o in
        m) model=$OPTARG ;; k) k=$OPTARG ;; r) r=$OPTARG ;; p) p=$OPTARG ;; n) n=$OPTARG ;; t) t=$OPTARG ;;
        *) sed -n '2,15p' "$0" >&2; exit 2 ;;
    esac
done
[ -n "$model" ] || model="$root/../shared/data/wikillama-3M.gguf"
[ -f "$model" ] || { echo "aa_compare: no model (use -m FILE)" >&2; exit 2; }
[ -x "$llmbench" ] || { echo "aa_compare: $llmbench not built (make build)" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
db="$tmp/aa.db"
echo "aa_compare: $(basename "$model"), pp$p tg$n -r $r -t $t, $k A/A pairs, store $db" >&2
bench() { # TAG ARGS...
    local tag="$1"
    shift
    "$llmbench" bench "$@" --tag "$tag" --db "$db" -o none --quiet
}
# compare A B OUT [ARGS...]: the table in OUT.txt, the gate's exit code (5%) in OUT.rc
compare() {
    local a="$1" b="$2" out="$3"
    shift 3
    "$llmbench" compare "$a" "$b" --db "$db" "$@" >"$out.txt" 2>/dev/null || true
    set +e
    "$llmbench" compare "$a" "$b" --db "$db" --fail-on-regression 5% "$@" >/dev/null 2>&1
    echo $? >"$out.rc"
    set -e
}

for i in $(seq 1 "$k"); do
    bench "aa${i}a" -m "$model" -p "$p" -n "$n" -r "$r" -t "$t"
    bench "aa${i}b" -m "$model" -p "$p" -n "$n" -r "$r" -t "$t"
    compare "tag=aa${i}a" "tag=aa${i}b" "$tmp/online$i"
    printf '.' >&2
done
echo >&2
for i in $(seq 1 "$k"); do
    compare "tag=aa${i}a" "tag=aa${i}b" "$tmp/end$i"
done
# the null engine, 10% slower: three runs a side
for us in 10 10.2 9.85; do bench nullA --engine null -m "null:tg_us=$us:virtual=1" -p 0 -n 32 -r 5 -t 1; done
for us in 11 11.22 10.835; do bench nullB --engine null -m "null:tg_us=$us:virtual=1" -p 0 -n 32 -r 5 -t 1; done
compare tag=nullA tag=nullB "$tmp/null" --ignore model
# the real model at one thread against two: one run a side, the A/A runs as the -t 2 history
t1=1
[ "$t" != 1 ] || t1=2
bench "threads$t1" -m "$model" -p "$p" -n "$n" -r "$r" -t "$t1"
compare "tag=aa${k}b" "tag=threads$t1" "$tmp/threads" --ignore t

python3 - "$tmp" "$k" "$t" "$t1" <<'PY'
import re, sys
d, k, t, t1 = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def rows(out):
    rs = []
    for l in open(f"{d}/{out}.txt"):
        if re.match(r"^\| (pp|tg)", l):
            c = [x.strip() for x in l.split("|")[1:-1]]
            rs.append({"test": c[0], "a": c[2], "b": c[3], "change": c[4], "ci": c[5], "sig": c[6], "basis": c[7]})
    return rs
def gate(out):
    return int(open(f"{d}/{out}.rc").read())
res = {}
for mode in ("online", "end"):
    flagged_pairs = flagged_tests = tests = gated = within = 0
    for i in range(1, k + 1):
        rs = rows(f"{mode}{i}")
        f = sum(r["sig"] == "yes" for r in rs)
        tests += len(rs)
        flagged_tests += f
        flagged_pairs += f > 0
        gated += gate(f"{mode}{i}") != 0
        within += sum(r["basis"].startswith(("within-run", "assumed")) for r in rs)
    res[mode] = (flagged_pairs, flagged_tests, tests, gated, within)
print(f"| A/A pair | test | A t/s | B t/s | change | 95% CI | significant | basis (compared right after the pair ran) |")
print("| ---: | --- | ---: | ---: | ---: | ---: | --- | --- |")
for i in range(1, k + 1):
    for r in rows(f"online{i}"):
        print(f"| {i} | {r['test']} | {r['a']} | {r['b']} | {r['change']} | {r['ci']} | {r['sig']} | {r['basis']} |")
print()
for mode, what in (("online", "each pair right after it ran (history: the pairs before it)"),
                   ("end", f"each pair at the end (history: the other {2 * (k - 1)} runs)")):
    fp, ft, n, g, w = res[mode]
    print(f"A/A, {what}: {fp} of {k} pairs flagged significant ({ft} of {n} tests), "
          f"{g} of {k} failed --fail-on-regression 5%, {w} tests without a measured run-to-run spread")
print()
found = {}
for name, out, label in (("null", "null", "null engine, tg_us 10 -> 11 (10% slower), 3 runs a side"),
                         ("threads", "threads", f"real model, -t {t} -> -t {t1}, 1 run a side")):
    rs = rows(out)
    # found: every test that is 10% slower or more is flagged (there must be one; at one thread
    # generation of a small model can be faster than at two on 2 cores: that test is not a slowdown)
    slow = [r for r in rs if float(r["change"].rstrip("%")) <= -9.09]
    found[name] = bool(slow) and all(r["sig"] == "yes" for r in slow)
    print(f"{label}: " + ("; ".join(f"{r['test']} {r['change']} {r['ci']} significant {r['sig']} ({r['basis']})"
                                     for r in rs) or "no matched test") + f"; --fail-on-regression 5% exit {gate(out)}")
fp, ft, n, g, w = res["online"]
fe = res["end"][0]
ok = fp <= 1 and fe <= 1 and g == 0 and res["end"][3] == 0 and found["null"] and found["threads"]
print()
print(f"verdict: {'PASS' if ok else 'FAIL'} (A/A pairs flagged: {fp} right after running, {fe} at the end, at most 1 "
      f"allowed; gate failures {g}/{res['end'][3]}, none allowed; 10% null slowdown flagged: {found['null']}; "
      f"-t {t1} against -t {t} flagged: {found['threads']})")
sys.exit(0 if ok else 1)
PY
