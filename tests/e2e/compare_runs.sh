#!/usr/bin/env bash
# compare_runs.sh - compare with runs as the units, on the null engine (no
# model): three runs a side of one configuration, each run's speed offset by
# a few % (the null engine's tg_us, as a noisy machine offsets whole runs;
# virtual=1: the engine's clock, so the figures are those asked whatever the
# machine's load), are not flagged and pass --fail-on-regression 5%; the same three
# made 10% slower are flagged and fail it (and pass at 15%); one run a side
# with no other run of the test says "within-run" and prints the note, and
# with earlier runs of the test in the store it says "between-run". The
# sides differ in the null engine's settings, which are its model: --ignore
# model matches them. Usage: compare_runs.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
db="$tmp/c.db"

# bench TAG TG_US...: one run of tg32 per TG_US, tagged TAG
bench() {
    local tag="$1" us
    shift
    for us in "$@"; do
        "$bin" bench --engine null -m "null:tg_us=$us:virtual=1" -p 0 -n 32 -r 5 -t 1 --tag "$tag" --db "$db" \
            -o none --quiet 2>"$tmp/err" || bad "bench $tag $us: $(cat "$tmp/err")"
    done
}
bench A 10 10.2 9.85
bench B 10.1 9.9 10.05    # the same configuration, other run-to-run offsets (their samples do not vary:
                        # pooled as independent samples, A and B differ "significantly")
bench C 11 11.22 10.835 # A's runs, 10% slower

# rows NAME FILE SIG: the table's row (tg32), significant = SIG, basis between-run with 3+3 runs
rows() {
    python3 - "$2" "$3" <<'PY' && ok || bad "$1: $(cat "$2")"
import re, sys
rows = [l.split("|")[1:-1] for l in open(sys.argv[1]) if re.match(r"^\| (pp|tg)", l)]
assert [r[0].strip() for r in rows] == ["tg32"], rows
for r in rows:
    assert r[6].strip() == sys.argv[2], r
    assert r[7].strip() == "between-run (3+3 runs)", r
    lo, hi = [float(x.strip(" []%")) for x in r[5].split(",")]
    if sys.argv[2] == "yes":
        assert hi < 0 and lo < -9.09 < hi + 6, r  # 1/1.1: -9.09%
    else:
        assert lo < 0 < hi, r
PY
}

"$bin" compare tag=A tag=B --ignore model --db "$db" --fail-on-regression 5% >"$tmp/aa" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "A/A gate: rc $rc $(cat "$tmp/err")"
rows "A/A" "$tmp/aa" no
! grep -q "measure the run-to-run spread" "$tmp/aa" && ok || bad "A/A note: $(cat "$tmp/aa")"

"$bin" compare tag=A tag=C --ignore model --db "$db" >"$tmp/slow" 2>"$tmp/err" || bad "10% slower: $(cat "$tmp/err")"
rows "10% slower" "$tmp/slow" yes
grep -q "^A (tag=A) is 1\.[01][0-9]* ± [0-9.]*x faster than B (tag=C) over 1 matched test" "$tmp/slow" && ok \
    || bad "10% slower summary: $(cat "$tmp/slow")"
expect_fail "gate 5%" "^llmbench: error: regression: 1 of 1 tests significantly slower by more than 5%: tg32 -[0-9.]+%" \
    "$bin" compare tag=A tag=C --ignore model --db "$db" --fail-on-regression 5%
"$bin" compare tag=A tag=C --ignore model --db "$db" --fail-on-regression 15% >/dev/null 2>&1 && ok || bad "gate 15% failed"
# without --ignore model the null engine's settings are different models: nothing matches
expect_fail "no match" "no test of 'tag=A' matches a test of 'tag=C'" "$bin" compare tag=A tag=C --db "$db"
expect_fail "bad --ignore" "--ignore: 'speed' is not a test parameter" "$bin" compare tag=A tag=C --ignore model,speed --db "$db"

# one run a side, no other run of the test: the run-to-run spread assumed (--run-cv, 2%),
# or with --run-cv 0 within-run only, said in the table and under it
bench D 20
bench E 20
"$bin" compare tag=D tag=E --db "$db" >"$tmp/one" 2>"$tmp/err" || bad "one run a side: $(cat "$tmp/err")"
[ "$(grep -c '| assumed (1+1 runs) |' "$tmp/one")" -eq 1 ] && ok || bad "assumed basis: $(cat "$tmp/one")"
grep -q "^1 of 1 tests: no earlier runs of the configuration measure the run-to-run spread: the interval assumes one (--run-cv) besides the within-run noise: rerun with more runs per side or use \`llmbench bench --interleave\`" \
    "$tmp/one" && ok || bad "assumed note: $(cat "$tmp/one")"
"$bin" compare tag=D tag=E --db "$db" --run-cv 0 >"$tmp/one0" 2>"$tmp/err" || bad "--run-cv 0: $(cat "$tmp/err")"
[ "$(grep -c '| within-run (1+1 runs) |' "$tmp/one0")" -eq 1 ] && ok || bad "within-run basis: $(cat "$tmp/one0")"
grep -q "^1 of 1 tests: .*the interval reflects within-run noise only: rerun with more runs per side or use \`llmbench bench --interleave\`" \
    "$tmp/one0" && ok || bad "within-run note: $(cat "$tmp/one0")"
expect_fail "bad --run-cv" "--run-cv" "$bin" compare tag=D tag=E --db "$db" --run-cv 200%
# earlier runs of the test: between-run, from them
bench H 20 20 20
"$bin" compare tag=D tag=E --db "$db" >"$tmp/hist" 2>"$tmp/err" || bad "with history: $(cat "$tmp/err")"
[ "$(grep -c '| between-run (1+1 runs, 3 earlier) |' "$tmp/hist")" -eq 1 ] && ok || bad "between-run from history: $(cat "$tmp/hist")"
! grep -q "measure the run-to-run spread" "$tmp/hist" && ok || bad "history note: $(cat "$tmp/hist")"
finish
