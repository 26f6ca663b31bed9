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
