#!/usr/bin/env bash
# check_layers.sh - the layering rules CI keeps: no header reached through
# "../" (modules include each other as "module/file.h" from src/ or through
# include/llmbench/), and no command names an engine (the engine seam: a new
# engine touches its own file and the registry only), and the CLI stays thin:
# no src/cli file longer than 300 lines.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
if grep -rn '#include "\.\./' src include tests; then echo "check_layers: '../' includes above" >&2; bad=1; fi
if grep -rn '"llama"' src/cli; then echo "check_layers: a command names the llama engine (above)" >&2; bad=1; fi
# the base layer uses nothing but itself and the public error/path headers
if grep -n '#include "' src/base/* | grep -v '#include "\(base/\|[a-z0-9_]*\.h"\|llmbench/llmbench\.h"\|llmbench/paths\.h"\)'; then
    echo "check_layers: src/base includes another module (above)" >&2; bad=1; fi
long=$(wc -l src/cli/*.c src/cli/*.h | awk '$2 != "total" && $1 > 300')
if [ -n "$long" ]; then echo "$long" >&2; echo "check_layers: src/cli files longer than 300 lines (above)" >&2; bad=1; fi
[ $bad -eq 0 ] && echo "check_layers: no '../' includes, no engine named in src/cli, src/base uses nothing, src/cli files within 300 lines"
exit $bad
