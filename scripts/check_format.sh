#!/usr/bin/env bash
# check_format.sh - the C lines a commit changes follow .clang-format (run by
# .ci/run on the last commit; `git clang-format HEAD~1` fixes them).
# Usage: check_format.sh [BASE]   (default: the commit's parent)
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-HEAD~1}"
git rev-parse -q --verify "$base^{commit}" >/dev/null || { echo "check_format: no $base to compare with: nothing to check"; exit 0; }
command -v git-clang-format >/dev/null || { echo "check_format: git-clang-format missing (scripts/setup.sh installs clang-format)" >&2; exit 1; }
out="$(git clang-format --diff --extensions c,h "$base" -- src include tests 2>&1 || true)"
case "$out" in
    ""|*"no modified files to format"*|*"did not modify any files"*) echo "check_format: the changed C lines follow .clang-format"; exit 0 ;;
esac
printf '%s\n' "$out"
echo "check_format: the lines above do not follow .clang-format (git clang-format $base fixes them)" >&2
exit 1
