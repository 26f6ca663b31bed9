#!/usr/bin/env bash
# store_bad_input.sh - every bad input to the store commands (results,
# export, import, compare, recommend) gives exactly one clear line on stderr,
# a non-zero exit below 128 and nothing on stdout, and leaves every file as it
# was: a database locked by another process (a bounded wait, then the error),
# read-only, corrupted, foreign or from a newer schema; import files that are
# not llama-bench output; bad flags and selections.
# Usage: store_bad_input.sh LLMBENCH [DATA_DIR]
set -u
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
fx="$here/../fixtures/llama-bench"
. "$here/lib.sh"
chmod 755 "$tmp"
holder=""
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
export XDG_DATA_HOME="$tmp/xdg"
good="$fx/stories260K-p16-n4-r3.json"
db="$tmp/r.db"
"$bin" import --db "$db" "$good" >/dev/null 2>&1 || { echo "cannot make a database"; exit 1; }

sum() { sha256sum "$@" 2>/dev/null | cut -d' ' -f1 | tr '\n' ' '; }

# expect NAME PATTERN CMD...: fails (1..127), one stderr line matching PATTERN, stdout empty
expect() {
    local name="$1" pat="$2"; shift 2
    "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    local rc=$? lines
    lines=$(wc -l < "$tmp/stderr")
    if [ $rc -eq 0 ] || [ $rc -ge 128 ]; then bad "$name: exit status $rc"; return 1; fi
    if [ "$lines" -ne 1 ]; then bad "$name: $lines lines on stderr: $(cat "$tmp/stderr")"; return 1; fi
    if ! grep -qiE -e "$pat" "$tmp/stderr"; then bad "$name: stderr '$(cat "$tmp/stderr")' lacks /$pat/"; return 1; fi
    if [ -s "$tmp/stdout" ]; then bad "$name: wrote to stdout: $(head -c 200 "$tmp/stdout")"; return 1; fi
    ok
}
# untouched NAME FILE BEFORE: the file's bytes are what they were
untouched() {
    [ "$(sum "$2")" = "$3" ] && ok || bad "$1: $2 was changed"
}
# every command that opens the database, against it
all_commands() { # NAME PATTERN DB
    expect "$1: import" "$2" "$bin" import --db "$3" --force "$good"
    expect "$1: results" "$2" "$bin" results --db "$3"
    expect "$1: export" "$2" "$bin" export --db "$3" -f csv
    expect "$1: compare" "$2" "$bin" compare --db "$3" 1 1
    expect "$1: recommend" "$2" "$bin" recommend --db "$3"
}

# ---- a database another process is writing: a bounded wait, then a clear error
python3 - "$db" "$tmp/locked" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("INSERT INTO run_tags SELECT id, 'held' FROM runs")
open(sys.argv[2], "w").close()
time.sleep(20)
PY
holder=$!
for i in $(seq 100); do [ -e "$tmp/locked" ] && break; sleep 0.1; done
before="$(sum "$db")"
t0=$(date +%s.%N)
expect "locked import" "locked by another process \(waited 0\.5 s" "$bin" import --db "$db" --force --lock-wait 0.5 "$good"
t1=$(date +%s.%N)
python3 -c "import sys; sys.exit(0 if 0.4 < $t1 - $t0 < 5 else 1)" && ok || bad "locked: waited $(python3 -c "print($t1 - $t0)") s"
# readers are not blocked by a writer (WAL)
"$bin" results --db "$db" >"$tmp/stdout" 2>"$tmp/stderr" && grep -q "llama-bench" "$tmp/stdout" && ok || bad "results while locked: $(cat "$tmp/stderr")"
kill "$holder"; wait "$holder" 2>/dev/null; holder=""
untouched "locked" "$db" "$before"
[ "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from runs').fetchone()[0])" "$db")" = 1 ] && ok || bad "locked: a run was added"

# ---- corrupted: random bytes, and a store whose pages were overwritten
head -c 65536 /dev/urandom > "$tmp/junk.db"
before="$(sum "$tmp/junk.db")"
all_commands "random bytes" "corrupted or not a database" "$tmp/junk.db"
untouched "random bytes" "$tmp/junk.db" "$before"
ls "$tmp" | grep -q 'junk.db-' && bad "random bytes: -wal/-shm files left" || ok

# ---- another SQLite database
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table birds(n)'); c.commit()" "$tmp/birds.db"
before="$(sum "$tmp/birds.db")"
all_commands "foreign" "not an llmbench results store" "$tmp/birds.db"
untouched "foreign" "$tmp/birds.db" "$before"

# ---- a newer schema: refused, never rewritten
cp "$db" "$tmp/newer.db"
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('pragma user_version = 99'); c.commit()" "$tmp/newer.db"
before="$(sum "$tmp/newer.db")"
all_commands "newer" "schema version 99, newer than this llmbench knows" "$tmp/newer.db"
untouched "newer" "$tmp/newer.db" "$before"

# ---- missing, a directory, a missing folder
expect "missing db: results" "no results database at" "$bin" results --db "$tmp/none.db"
expect "missing db: export" "no results database at" "$bin" export --db "$tmp/none.db"
[ -e "$tmp/none.db" ] && bad "read-only commands created a database" || ok
expect "db is a directory" "not a regular file" "$bin" import --db "$tmp" "$good"
expect "db in missing folder" "cannot create results database.*No such file" "$bin" import --db "$tmp/no/dir/r.db" "$good"
expect "default db missing" "no results database at '$tmp/xdg/llmbench/results.db'" "$bin" results

# ---- read-only: as an unprivileged user (root ignores file modes) with the libraries it needs
cp "$db" "$tmp/ro.db"
chmod 444 "$tmp/ro.db"
before="$(sum "$tmp/ro.db")"
if [ "$(id -u)" -ne 0 ]; then
    as_user() { "$@"; }
elif command -v setpriv >/dev/null; then
    mkdir -p "$tmp/lib"
    ldd "$bin" | awk '/=> \// {print $3}' | while read -r l; do cp -L "$l" "$tmp/lib/" 2>/dev/null; done
    cp "$bin" "$tmp/lib/llmbench"; cp "$good" "$tmp/lib/good.json"
    chmod -R a+rX "$tmp/lib"
    as_user() { local b="$1"; shift; LD_LIBRARY_PATH="$tmp/lib" setpriv --reuid=65534 --regid=65534 --clear-groups "$tmp/lib/llmbench" "$@"; }
    good="$tmp/lib/good.json"
else
    as_user() { return 77; }
fi
as_user "$bin" version >/dev/null 2>&1; ready=$?
if [ $ready -eq 0 ]; then
    expect "read-only import" "results database '.*ro.db' cannot be written: Permission denied" as_user "$bin" import --db "$tmp/ro.db" --force "$good"
    as_user "$bin" results --db "$tmp/ro.db" >"$tmp/stdout" 2>"$tmp/stderr" && grep -q llama-bench "$tmp/stdout" && ok || bad "results on a read-only file: $(cat "$tmp/stderr")"
    chmod 555 "$tmp"  # a read-only folder: reading still works, writing a new database does not
    as_user "$bin" export --db "$tmp/ro.db" -f csv >"$tmp/lib/out" 2>"$tmp/lib/err" && [ "$(wc -l < "$tmp/lib/out")" -eq 3 ] && ok || bad "export in a read-only folder: $(cat "$tmp/lib/err")"
    as_user "$bin" import --db "$tmp/new.db" "$good" >/dev/null 2>"$tmp/lib/err"; rc=$?
    chmod 755 "$tmp"
    [ $rc -ne 0 ] && [ $rc -lt 128 ] && [ "$(wc -l < "$tmp/lib/err")" -eq 1 ] && grep -q "new.db" "$tmp/lib/err" && ok || bad "import into a read-only folder: rc=$rc $(cat "$tmp/lib/err")"
    untouched "read-only" "$tmp/ro.db" "$before"
else
    echo "note: cannot run as an unprivileged user; read-only file cases not run" >&2
fi
good="$fx/stories260K-p16-n4-r3.json"

# ---- import files that are not llama-bench output: nothing written, not even a database
printf 'hello, not json\n' > "$tmp/text.json"
: > "$tmp/empty.json"
printf '{"foo": 1}\n' > "$tmp/other.json"
printf '[]' > "$tmp/none.json"
head -c 700 "$good" > "$tmp/cut.json"
"$bin" export --db "$db" -f csv > "$tmp/ours.csv" 2>/dev/null
python3 -c "
import json, sys
a = json.load(open(sys.argv[1])); del a[1]['avg_ts']; json.dump(a, open(sys.argv[2], 'w'))
a = json.load(open(sys.argv[1])); a[0]['samples_ns'] = 'fast'; json.dump(a, open(sys.argv[3], 'w'))
" "$good" "$tmp/noavg.json" "$tmp/badsamples.json"
head -c 4096 /dev/urandom > "$tmp/binary.json"
before="$(sum "$db")"
nodb="$tmp/never.db"
expect "import text" "text.json': line 1: not JSON" "$bin" import --db "$nodb" "$tmp/text.json"
expect "import empty" "empty.json': holds no results" "$bin" import --db "$nodb" "$tmp/empty.json"
expect "import other json" "other.json': object 1: field 'build_commit' is missing" "$bin" import --db "$nodb" "$tmp/other.json"
expect "import empty array" "holds no results" "$bin" import --db "$nodb" "$tmp/none.json"
expect "import truncated" "cut.json': line [0-9]+, column [0-9]+: not valid JSON" "$bin" import --db "$nodb" "$tmp/cut.json"
expect "import csv" "ours.csv': line 1: not JSON" "$bin" import --db "$nodb" "$tmp/ours.csv"
expect "import no avg_ts" "object 2: field 'avg_ts' is missing" "$bin" import --db "$nodb" "$tmp/noavg.json"
expect "import bad samples" "object 1: field 'samples_ns' is not a non-empty array" "$bin" import --db "$nodb" "$tmp/badsamples.json"
expect "import binary" "binary data|not JSON" "$bin" import --db "$nodb" "$tmp/binary.json"
expect "import missing" "missing.json': No such file" "$bin" import --db "$nodb" "$tmp/missing.json"
expect "import directory" "not a regular file" "$bin" import --db "$nodb" "$tmp"
expect "import nothing" "no file to import" "$bin" import --db "$nodb"
[ -e "$nodb" ] && bad "a failed import created a database" || ok
expect "one bad of two" "text.json': line 1" "$bin" import --db "$db" --force "$good" "$tmp/text.json"
untouched "bad imports" "$db" "$before"

# ---- bad flags and selections
expect "unknown flag" "unknown option '--frobnicate'" "$bin" results --db "$db" --frobnicate
expect "bad since" "--since: 'yesterday' is not a date" "$bin" results --db "$db" --since yesterday
expect "bad run" "--run: 'x' is not a run id" "$bin" export --db "$db" --run x
expect "bad kind" "--kind: 'bench' is not a workload kind \(speed, ppl, kld, suite, load\)" "$bin" results --db "$db" --kind bench
expect "bad format" "unknown format 'xml'" "$bin" export --db "$db" -f xml
expect "nothing to export" "no results match the selection; nothing written" "$bin" export --db "$db" --tag nope -o "$tmp/out.json"
[ -e "$tmp/out.json" ] && bad "export of nothing wrote a file" || ok
expect "export to missing dir" "'$tmp/no/such/out.csv'.*(cannot create|does not exist)" "$bin" export --db "$db" -o "$tmp/no/such/out.csv"
expect "compare one" "compare needs two selections" "$bin" compare --db "$db" 1
expect "compare three" "unexpected argument '3'" "$bin" compare --db "$db" 1 2 3
expect "compare bad key" "unknown filter 'colour'" "$bin" compare --db "$db" colour=red 1
expect "compare empty side" "'tag=nope' selects no results" "$bin" compare --db "$db" 1 tag=nope
expect "compare bad gate" "--fail-on-regression: 'lots'" "$bin" compare --db "$db" 1 1 --fail-on-regression lots
expect "compare bad metric" "unknown metric 'speed'" "$bin" compare --db "$db" 1 1 --metric speed
expect "recommend bad size" "--max-memory: '4 bananas' is not a size" "$bin" recommend --db "$db" --max-memory "4 bananas"
expect "recommend nothing" "no results match" "$bin" recommend --db "$db" --model nope
expect "bad lock wait" "--lock-wait: '-1'" "$bin" import --db "$db" --lock-wait -1 "$good"
untouched "bad flags" "$db" "$before"

finish
