# lib.sh - helpers for end-to-end test scripts: counting checks and a
# closing "N passed, N failed" line. Source it, call check/expect_*, then finish.
pass=0
failn=0
ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); printf 'FAIL: %s\n' "$*" >&2; }
finish() {
    printf '%d passed, %d failed\n' "$pass" "$failn"
    [ "$failn" -eq 0 ]
}
# expect_fail NAME PATTERN CMD...: CMD fails (exit 1..127) with exactly one
# stderr line matching the extended regex PATTERN (case-insensitive); its
# output goes to $tmp/out and $tmp/err.
expect_fail() {
    local name="$1" pat="$2"; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc -eq 0 ] || [ $rc -ge 128 ]; then bad "$name: exit $rc"; return; fi
    if [ "$(wc -l < "$tmp/err")" -ne 1 ] || ! grep -qiE -e "$pat" "$tmp/err"; then bad "$name: $(cat "$tmp/err")"; return; fi
    ok
}
