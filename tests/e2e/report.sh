#!/usr/bin/env bash
# report.sh - `llmbench report`: bad input (a run that does not exist, a
# selection of nothing, an unknown extension, an unwritable output, no -o)
# gives one error line, a non-zero exit and no file (an existing file
# untouched); null-engine runs (two configurations, one model whose name and
# tag carry <script>, its tests failed) give a report whose tables hold the
# stored figures, whose findings name the faster configuration and whose
# stored text is escaped; then a real quantization ladder with quality on
# wikillama-3M (../shared/data): the Markdown report is checked against the
# store's export (tests/e2e/check_report.py) and the HTML one opens in
# headless Chromium (tests/e2e/report.cjs) with no console error and no
# request. The screenshot (docs/img/report.png) and the Markdown
# (docs/report-example.md) are the docs' (LLMB_DOCS=DIR elsewhere).
# The real part is skipped (77) without the data, chromium or playwright-core.
# Usage: report.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/lib.sh"
pw="$root/deps/web-npm/node_modules/playwright-core"
docs="${LLMB_DOCS:-$root/docs}"
db="$tmp/null.db"

# --- null-engine runs: two configurations, and a hostile one whose tests fail -------------
"$bin" bench --engine null -m null:tg_us=2000,null:tg_us=500 -p 32 -n 8 -r 3 --db "$db" --tag base --quiet \
    >/dev/null 2>"$tmp/b.err" && ok || bad "null bench: $(cat "$tmp/b.err")"
"$bin" bench --engine null -m '<script>alert(1)</script>' -p 16 -n 4 -r 2 --db "$db" \
    --tag '<script>window.x=1</script>' --quiet >/dev/null 2>&1
[ $? -eq 1 ] && ok || bad "the hostile bench should fail its tests"

# --- bad input: one line, non-zero, nothing written ---------------------------------------
nothing() { # NAME FILE: FILE must not exist
    [ ! -e "$2" ] && ok || bad "$1: $2 was written"
    [ -z "$(ls -A "$tmp/out.d" 2>/dev/null)" ] && ok || bad "$1: left $(ls -A "$tmp/out.d")"
}
mkdir -p "$tmp/out.d"
expect_fail "no such run" 'error: run 99 does not exist' "$bin" report 99 --db "$db" -o "$tmp/out.d/r.html"
nothing "no such run" "$tmp/out.d/r.html"
expect_fail "selects nothing" 'error: no run matches the selection \(tag=nope\)' "$bin" report tag=nope --db "$db" -o "$tmp/out.d/r.md"
nothing "selects nothing" "$tmp/out.d/r.md"
expect_fail "--model selects nothing" 'error: no run matches' "$bin" report --model nothing-like-it --db "$db" -o "$tmp/out.d/r.md"
expect_fail "unknown extension" 'error: -o .*r\.txt: unknown report format' "$bin" report --db "$db" -o "$tmp/out.d/r.txt"
nothing "unknown extension" "$tmp/out.d/r.txt"
expect_fail "no -o" 'error: -o FILE is required' "$bin" report --db "$db"
expect_fail "bad filter" 'error: .*' "$bin" report nokey=1 --db "$db" -o "$tmp/out.d/r.md"
expect_fail "folder absent" 'error: .*(-o|no-such-dir)' "$bin" report --db "$db" -o "$tmp/no-such-dir/r.html"
[ ! -e "$tmp/no-such-dir" ] && ok || bad "folder absent: created"
expect_fail "no database" 'error: ' "$bin" report --db "$tmp/absent.db" -o "$tmp/out.d/r.html"
nothing "no database" "$tmp/absent.db"
echo old > "$tmp/keep.html"
chmod 0444 "$tmp/keep.html"
expect_fail "read-only output" 'error: .*keep\.html' "$bin" report --db "$db" -o "$tmp/keep.html"
chmod 0644 "$tmp/keep.html"
expect_fail "existing file, no such run" 'error: run 42 does not exist' "$bin" report 42 --db "$db" -o "$tmp/keep.html"
[ "$(cat "$tmp/keep.html")" = old ] && ok || bad "an existing file was changed by a failed report"
[ -z "$(ls -A "$tmp" | grep '\.tmp\.')" ] && ok || bad "a temporary file was left: $(ls -A "$tmp")"

# --- the null report: figures, findings, escaping -----------------------------------------
"$bin" report --db "$db" -o "$tmp/all.html" 2>"$tmp/r.err" && ok || bad "report html: $(cat "$tmp/r.err")"
"$bin" report --db "$db" -o "$tmp/all.md" 2>"$tmp/r.err" && ok || bad "report md: $(cat "$tmp/r.err")"
grep -q 'wrote the report to' "$tmp/r.err" && ok || bad "no word of the file written: $(cat "$tmp/r.err")"
"$bin" export --db "$db" -f json > "$tmp/all.json" && ok || bad "export"
python3 "$here/check_report.py" "$tmp/all.json" "$tmp/all.md" > "$tmp/check.out" && ok || bad "null report: $(grep FAIL "$tmp/check.out")"
grep -qF 'Fastest generation: null:tg\_us=500,' "$tmp/all.md" && ok || bad "the faster null configuration is not named fastest"
grep -qi '<script' "$tmp/all.html" && bad "raw <script> in the HTML report" || ok
grep -qi '<script' "$tmp/all.md" && bad "raw <script> in the Markdown report" || ok
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$tmp/all.html" && ok || bad "the hostile model name is not shown escaped"
grep -q '&lt;script&gt;window.x=1&lt;/script&gt;' "$tmp/all.html" && ok || bad "the hostile tag is not shown escaped"
grep -q '| failed  *|.*null engine: model must be' "$tmp/all.md" && ok || bad "the status matrix lacks the failure and its reason"
grep -q '2 runs, 6 tests (4 speed, 0 quality, 2 failed)' "$tmp/all.md" && ok || bad "summary: $(sed -n 3p "$tmp/all.md")"
grep -Eq '<(link|img|iframe)|src=|@import|url\(' "$tmp/all.html" && bad "the HTML report refers to another file" || ok
"$bin" report 1 --db "$db" -o "$tmp/one.md" 2>/dev/null && ok || bad "report of run 1"
grep -q '^1 run, 4 tests' "$tmp/one.md" && ok || bad "run 1 alone: $(sed -n 3p "$tmp/one.md")"
grep -q 'script' "$tmp/one.md" && bad "run 1's report holds run 2" || ok

# --- a real ladder with quality, and the browser ------------------------------------------
if [ -z "$data" ] || [ ! -f "$data/wikillama-3M.gguf" ] || [ ! -f "$data/wikitext-2-heldout.txt" ]; then
    skip_part "needs wikillama-3M.gguf and wikitext-2-heldout.txt in ${data:-../shared/data}"
    finish
    exit $?
fi
mkdir -p "$tmp/lad"
cp "$data/wikillama-3M.gguf" "$data/wikitext-2-heldout.txt" "$tmp/lad/"
(cd "$tmp/lad" && "$bin" pipeline -m wikillama-3M.gguf -q Q8_0,Q4_K_M,Q3_K_L -p 64 -n 16 -r 3 \
    --ppl wikitext-2-heldout.txt -c 128 --chunks 6 --suite default --max-tokens 32 --db r.db --tag ladder --quiet \
    >pipe.out 2>pipe.err) && ok || bad "ladder pipeline: $(cat "$tmp/lad/pipe.err")"
"$bin" report tag=ladder --db "$tmp/lad/r.db" -o "$tmp/lad/report.md" 2>/dev/null && ok || bad "ladder report md"
"$bin" report tag=ladder --db "$tmp/lad/r.db" -o "$tmp/lad/report.html" 2>/dev/null && ok || bad "ladder report html"
"$bin" export --tag ladder --db "$tmp/lad/r.db" -f json > "$tmp/lad/x.json" && ok || bad "ladder export"
python3 "$here/check_report.py" "$tmp/lad/x.json" "$tmp/lad/report.md" > "$tmp/check.out" && ok || bad "ladder report: $(grep FAIL "$tmp/check.out")"
grep -c '^ok ' "$tmp/check.out" | grep -qv '^[0-9]$' && ok || bad "too few figures checked: $(cat "$tmp/check.out")"
for s in '## Key findings' '## Status matrix' '## Speed' '## Quality' '### Machines' 'Smallest model that keeps quality' \
    'Best per memory budget'; do
    grep -qF "$s" "$tmp/lad/report.md" && ok || bad "the ladder report lacks '$s'"
done
[ "$(grep -c '| ran  *|  *[0-9]' "$tmp/lad/report.md")" -eq 4 ] && ok || bad "status matrix: 4 variants ran expected"
if [ ! -x /usr/bin/chromium ] || ! command -v node >/dev/null || [ ! -d "$pw" ]; then
    skip_part "the browser check needs /usr/bin/chromium, node and $pw (scripts/setup.sh installs them)"
    finish
    exit $?
fi
small=$(grep -o 'Smallest model that keeps quality[^:]*: [^,]*' "$tmp/lad/report.md" | sed 's/.*: //; s/\\_/_/g')
node "$here/report.cjs" "$pw" "$tmp/lad/report.html" "$tmp/lad/report.png" "Key findings" "Status matrix" \
    "$small" "Perplexity against file size" > "$tmp/driver.out" 2>&1
cat "$tmp/driver.out"
pass=$((pass + $(grep -c '^ok ' "$tmp/driver.out")))
n_bad=$(grep -c '^FAIL ' "$tmp/driver.out")
[ "$n_bad" -gt 0 ] && failn=$((failn + n_bad))
grep -q '^ok no network requests' "$tmp/driver.out" && ok || bad "the browser driver did not finish its checks"
if [ "$failn" -eq 0 ]; then # the docs' example and screenshot, from a run that passed
    mkdir -p "$docs/img"
    cp "$tmp/lad/report.png" "$docs/img/report.png" && cp "$tmp/lad/report.md" "$docs/report-example.md" && ok \
        || bad "cannot write the docs' example to $docs"
fi
finish
