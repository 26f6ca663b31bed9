#!/usr/bin/python3
"""check_events.py - validates an llmbench events file (JSON Lines) against the
schema in docs/events.md and the order it promises: run_started first,
run_finished last (interleaved runs: instances open together), each
instance_started closed by its instance_finished or
instance_failed before the next starts, instance events naming the open
instance. Usage: check_events.py DOCS_EVENTS_MD EVENTS_FILE [KIND=MIN ...]
(KIND=MIN: at least MIN finished instances of that kind; token=MIN: tokens).
Prints one line; exit 0 when valid, 1 with the first problem."""
import json
import re
import sys

import jsonschema


def main():
    doc, path = sys.argv[1], sys.argv[2]
    want = dict(a.split("=") for a in sys.argv[3:])
    text = open(doc, encoding="utf-8").read()
    block = re.search(r"## Schema.*?```json\n(.*?)```", text, re.S)
    if not block:
        return fail("no JSON schema block under '## Schema' in " + doc)
    schema = json.loads(block.group(1))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    lines = open(path, "rb").read().decode("utf-8").splitlines()
    if not lines:
        return fail("no events in " + path)
    events = []
    for no, line in enumerate(lines, 1):
        try:
            ev = json.loads(line)
        except ValueError as e:
            return fail("line %d is not JSON: %s" % (no, e))
        errs = sorted(validator.iter_errors(ev), key=lambda e: list(e.path))
        if errs:
            return fail("line %d (%s): %s at %s" % (no, ev.get("type"), errs[0].message, list(errs[0].path)))
        events.append(ev)
    if events[0]["type"] != "run_started" or events[-1]["type"] != "run_finished":
        return fail("events must start with run_started and end with run_finished")
    # an interleaved run (run_started's interleave) may hold several instances open at once
    together = events[0].get("interleave") is True
    open_set, finished, tokens = set(), {}, 0
    for no, ev in enumerate(events[1:-1], 2):
        t = ev["type"]
        if t in ("run_started", "run_finished"):
            return fail("line %d: %s inside the run" % (no, t))
        if t == "instance_started":
            if open_set and not together:
                return fail("line %d: instance %d started while %d is open" % (no, ev["index"], min(open_set)))
            if ev["index"] in open_set:
                return fail("line %d: instance %d started twice" % (no, ev["index"]))
            open_set.add(ev["index"])
            continue
        if ev["index"] not in open_set:
            return fail("line %d: %s of instance %d, open are %s" % (no, t, ev["index"], sorted(open_set)))
        if t in ("instance_finished", "instance_failed"):
            if t == "instance_finished":
                kind = ev["instance"]["kind"]
                finished[kind] = finished.get(kind, 0) + 1
            open_set.discard(ev["index"])
        tokens += t == "token"
    if open_set:
        return fail("instance %d never finished" % min(open_set))
    for kind, least in want.items():
        got = tokens if kind == "token" else finished.get(kind, 0)
        if got < int(least):
            return fail("%s: %d, expected at least %s" % (kind, got, least))
    print("events ok: %d lines, finished %s, %d tokens" % (len(events), finished, tokens))
    return 0


def fail(msg):
    print("events INVALID: " + msg)
    return 1


if __name__ == "__main__":
    sys.exit(main())
