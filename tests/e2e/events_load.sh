#!/usr/bin/env bash
# events_load.sh - `llmbench load --events FILE` against the mock server
# (tests/fixtures/mock_openai.py, loopback): the events validate against the
# schema of docs/events.md (check_events.py) in their promised order; the
# instance is of kind load with the profile, the model and the URL without
# its credentials; progress (phase request) counts every request up to -N,
# at most every ~100 ms, its last value the run's output tokens/s; samples
# are output t/s; instance_finished carries the stored result, run_finished
# the stored run; neither the events nor the store (its recorded command
# line) keep the URL's password. --duration leaves `of` open. A run that
# reaches no server ends with instance_failed and a failed run_finished;
# --dashboard=0 prints its URL; a bad --events path or a port in use: one
# error line, non-zero, nothing stored.
# Usage: events_load.sh LLMBENCH [DATA_DIR]
set -u
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/lib.sh"
command -v python3 >/dev/null || { echo "SKIPPED: no python3 for the mock server"; exit 77; }
python3 -c 'import jsonschema' 2>/dev/null || { echo "SKIPPED: python3-jsonschema missing (scripts/setup.sh)"; exit 77; }
db="$tmp/r.db"
mock_start python3 "$root/tests/fixtures/mock_openai.py" --tok-ms 5 || { echo "the mock server did not start: $(cat "$tmp/mock.err")"; exit 1; }

# ---- a clean run: 120 requests of 10 tokens 5 ms apart, 4 at a time (about 1.6 s) ----------
"$bin" load --url "http://user:secret@127.0.0.1:$port" --model mock -c 4 -N 120 --input-len 8 --output-len 10 \
    --events "$tmp/ev.jsonl" --db "$db" >"$tmp/out" 2>"$tmp/err" && ok || bad "load --events: $(cat "$tmp/err")"
python3 "$here/check_events.py" "$root/docs/events.md" "$tmp/ev.jsonl" load=1 >"$tmp/check" && ok ||
    bad "schema/order: $(cat "$tmp/check")"
run=$(awk '/^stored as run/ {print $4}' "$tmp/out")
python3 - "$tmp/ev.jsonl" "$port" "$run" <<'PY' && ok || bad "load events' values (above)"
import json, sys
from datetime import datetime
ev = [json.loads(l) for l in open(sys.argv[1])]
port, run = sys.argv[2], int(sys.argv[3])
assert "secret" not in open(sys.argv[1]).read(), "the URL's password reached the events"
types = [e["type"] for e in ev]
assert types[0] == "run_started" and types[1] == "instance_started" and types[-2:] == ["instance_finished", "run_finished"], types
rs = ev[0]
assert rs["n"] == 1 and rs["kinds"]["load"] == 1 and rs["kinds"]["speed"] == 0 and rs["run_id"] is None, rs
inst = ev[1]["instance"]
assert inst == {"kind": "load", "test": "load completions c=4 rate=inf in=8 out=10 data=random", "model": "mock",
                "n_threads": 0, "url": "http://127.0.0.1:" + port, "n_prompt": 8, "n_gen": 10}, inst
prog = [e for e in ev if e["type"] == "progress"]
assert all(e["phase"] == "request" and e["of"] == 120 for e in prog), prog[:2]
i = [e["i"] for e in prog]
assert i == sorted(i) and i[-1] == 120 and len(prog) >= 10, i
t = [datetime.strptime(e["time"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp() for e in prog]
gaps = [b - a for a, b in zip(t[:-2], t[1:-1])]  # the last one comes when the test ends
assert all(g >= 0.095 for g in gaps), ("progress more often than every 100 ms", gaps)
res = ev[-2]["result"]
assert res["load_requests_ok"] == 120 and res["load_output_tokens"] == 1200 and res["load_profile"] == inst["test"][5:], res
assert abs(prog[-1]["value"] - res["load_out_tok_per_s"]) <= 0.05 * res["load_out_tok_per_s"], (prog[-1], res["load_out_tok_per_s"])
samples = [e for e in ev if e["type"] == "sample"]
assert samples and all(s["unit"] == "t/s" and s["value"] > 0 for s in samples), samples
# the mock's pace is steady: each second's rate is the run's, give or take (no sliver of a last window)
assert 1 <= len(samples) <= 3 and all(0.5 < s["value"] / res["load_out_tok_per_s"] < 2 for s in samples), (samples, res["load_out_tok_per_s"])
fin = ev[-1]
assert fin["status"] == "complete" and fin["done"] == 1 and fin["failed"] == 0 and fin["run_id"] == run and fin["error"] is None, fin
PY
sqlite3 "$db" "SELECT command FROM runs" >"$tmp/cmd"
grep -q "load --url http://127.0.0.1:$port --model mock" "$tmp/cmd" && ! grep -q secret "$tmp/cmd" && ok || bad "stored command: $(cat "$tmp/cmd")"
grep -aq 'secret' "$db" "$db"-wal 2>/dev/null && bad "the URL's password was stored" || ok
"$bin" results -i --db "$db" --kind load >"$tmp/res" 2>&1 && grep -q 'completions c=4' "$tmp/res" && ok || bad "results: $(cat "$tmp/res")"

# ---- a duration: no count to reach -------------------------------------------------------
"$bin" load --url "http://127.0.0.1:$port" --model mock -c 2 --duration 0.4 --output-len 4 --events "$tmp/dur.jsonl" \
    --db "$db" >/dev/null 2>"$tmp/err" && ok || bad "duration: $(cat "$tmp/err")"
python3 "$here/check_events.py" "$root/docs/events.md" "$tmp/dur.jsonl" load=1 >"$tmp/check" && ok || bad "duration: $(cat "$tmp/check")"
python3 - "$tmp/dur.jsonl" <<'PY' && ok || bad "duration: progress"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
prog = [e for e in ev if e["type"] == "progress"]
assert prog and all(e["of"] is None for e in prog) and prog[-1]["i"] == ev[-2]["result"]["load_requests_ok"], prog[-1:]
assert ev[0]["estimate_s"] == 0.4, ev[0]
PY

# ---- a sweep: each step an instance, started before it and finished with its result ----------
"$bin" load --url "http://127.0.0.1:$port" --model mock --sweep 20,40 -N 10 --output-len 4 --events "$tmp/sweep.jsonl" \
    --db "$db" >"$tmp/out" 2>"$tmp/err" && ok || bad "sweep: $(cat "$tmp/err")"
python3 "$here/check_events.py" "$root/docs/events.md" "$tmp/sweep.jsonl" load=2 >"$tmp/check" && ok || bad "sweep: $(cat "$tmp/check")"
python3 - "$tmp/sweep.jsonl" <<'PY' && ok || bad "sweep: events"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
main = [(e["type"], e.get("index")) for e in ev if e["type"] not in ("progress", "sample")]
assert [t for t, _ in main] == ["run_started", "instance_started", "instance_finished", "instance_started",
                               "instance_finished", "run_finished"], main
assert [i for t, i in main[1:5]] == [0, 0, 1, 1], main
tests = [e["instance"]["test"] for e in ev if e["type"] == "instance_started"]
assert [("rate=20" in tests[0]), ("rate=40" in tests[1])] == [True, True], tests
assert ev[-1]["status"] == "complete" and ev[-1]["run_id"] and ev[-1]["done"] == 2, ev[-1]
prog = [e for e in ev if e["type"] == "progress"]
assert prog and max(e["i"] for e in prog) <= 10, prog[-1:]  # the steps' own requests, not the warm-up's or a probe's
PY

# ---- failures: no server, a bad --events, a port in use -------------------------------------
free_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
n0=$(sqlite3 "$db" "SELECT count(*) FROM runs")
expect_fail "unreachable" "cannot reach --url" "$bin" load --url "http://127.0.0.1:$free_port" --model m --events "$tmp/fail.jsonl" --db "$db"
python3 "$here/check_events.py" "$root/docs/events.md" "$tmp/fail.jsonl" >"$tmp/check" && ok || bad "unreachable: $(cat "$tmp/check")"
python3 - "$tmp/fail.jsonl" <<'PY' && ok || bad "unreachable: events"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert [e["type"] for e in ev] == ["run_started", "instance_started", "instance_failed", "run_finished"], ev
assert "cannot reach" in ev[2]["reason"] and ev[3]["status"] == "failed" and ev[3]["failed"] == 1 and "cannot reach" in ev[3]["error"], ev
PY
mkdir -p "$tmp/folder"
expect_fail "events folder" "--events '.*' is a directory" "$bin" load --url "http://127.0.0.1:$port" --model m -N 2 --events "$tmp/folder" --db "$db"
expect_fail "events is the db" "--events" "$bin" load --url "http://127.0.0.1:$port" --model m -N 2 --events "$db" --db "$db"
python3 -c 'import socket,time,sys; s=socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(60)' >"$tmp/busy" &
busy=$!
for _ in $(seq 50); do [ -s "$tmp/busy" ] && break; sleep 0.05; done
bp=$(cat "$tmp/busy")
[ -n "$bp" ] || bad "no busy port"
expect_fail "port in use" "port $bp: the port is in use" "$bin" load --url "http://127.0.0.1:$port" --model m -N 2 --dashboard="$bp" --db "$db"
kill $busy 2>/dev/null
[ "$(sqlite3 "$db" "SELECT count(*) FROM runs")" = "$n0" ] && ok || bad "a failed load run was stored"
expect_fail "bad dashboard port" "--dashboard" "$bin" load --url "http://127.0.0.1:$port" --model m --dashboard=70000 --db "$db"

# ---- --dashboard=0: the URL is printed, the run stored as without it --------------------------
"$bin" load --url "http://127.0.0.1:$port" --model mock -c 2 -N 6 --output-len 4 --dashboard=0 --db "$db" >"$tmp/out" 2>"$tmp/err" &&
    grep -qE '^llmbench: dashboard at http://127\.0\.0\.1:[0-9]+/$' "$tmp/err" && grep -q '^Successful requests: *6$' "$tmp/out" && ok ||
    bad "dashboard: $(cat "$tmp/err" "$tmp/out")"
finish
