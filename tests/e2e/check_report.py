#!/usr/bin/env python3
"""check_report.py - a Markdown report of `llmbench report` against the
store's own export of the same selection (tests/e2e/report.sh): every speed
test's pp/tg mean in its row, every model's perplexity in the quality table,
and the findings naming the configurations the figures make fastest and the
smallest model within the quality threshold.
Usage: check_report.py EXPORT.json REPORT.md [QUALITY_PCT]"""
import json
import os
import sys

recs = json.load(open(sys.argv[1]))
md = open(sys.argv[2], encoding="utf-8").read()
pct = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
text = md.replace("\\_", "_").replace("\\#", "#").replace("\\*", "*")
lines = text.splitlines()
fails = 0


def check(ok, what):
    global fails
    print(("ok " if ok else "FAIL ") + what)
    fails += not ok


def row(*needles):
    return [l for l in lines if l.startswith("|") and all(n in l for n in needles)]


speed = [r for r in recs if r.get("kind") in (None, "speed") and not r.get("error")]
for r in speed:
    name = os.path.basename(r["model_filename"])
    for key in ("pp_avg_ts", "tg_avg_ts"):
        if r.get(key) is not None:
            fig = "%.2f" % r[key]
            check(any(fig in l for l in row(name, " %s " % r["test"])), "speed row %s %s shows %s %s" % (name, r["test"], key, fig))

tg = [r for r in speed if r.get("tg_avg_ts") is not None]
if tg:
    best = max(tg, key=lambda r: r["tg_avg_ts"])
    want = "Fastest generation: %s," % os.path.basename(best["model_filename"])
    check(want in text, "finding: " + want)

ppl = {}
for r in recs:
    if r.get("kind") in ("ppl", "kld") and r.get("ppl") is not None:
        ppl[r["model_filename"]] = (r["ppl"], r["file_size"], r["kind"])
for path, (v, _, _) in ppl.items():
    check(any("%.4f" % v in l for l in row(os.path.basename(path))), "quality row %s shows PPL %.4f" % (os.path.basename(path), v))
refs = [v for v in ppl.values() if v[2] == "ppl"]
if refs and len(ppl) > 1:
    base = refs[0][0]
    keep = [(size, path) for path, (v, size, _) in ppl.items() if v <= base * (1 + pct / 100)]
    want = "Smallest model that keeps quality (perplexity within %g%%" % pct
    line = [l for l in lines if want in l]
    smallest = os.path.basename(min(keep)[1])
    check(bool(line) and ("): %s," % smallest) in line[0], "finding: smallest within %g%% is %s" % (pct, smallest))
sys.exit(1 if fails else 0)
