#!/usr/bin/env python3
"""check_json.py FILE FORMAT ROWS REPS - checks llmbench bench output: FORMAT json
(one array) or jsonl; ROWS objects, each with every field llmbench promises and
sane values; REPS samples each ("auto" = between 3 and the cap)."""
import json
import math
import sys

path, fmt, rows, reps = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
text = open(path, encoding="utf-8").read()
objs = json.loads(text) if fmt == "json" else [json.loads(l) for l in text.splitlines() if l.strip()]
errors = []
def need(cond, msg):
    if not cond:
        errors.append(msg)

need(isinstance(objs, list) and len(objs) == rows, f"expected {rows} rows, got {len(objs)}")
INT = ["build_number", "model_size", "model_n_params", "n_batch", "n_ubatch", "n_threads", "n_gpu_layers",
       "n_prompt", "n_gen", "n_depth", "avg_ns", "stddev_ns", "file_size", "peak_rss_bytes", "reps", "n_ctx"]
NUM = ["avg_ts", "stddev_ts", "bpw", "load_ms", "ttft_avg_ms", "median_ts", "min_ts", "max_ts"]
STR = ["build_commit", "cpu_info", "backends", "model_filename", "model_type", "type_k", "type_v", "test_time",
       "quant_type", "devices", "test", "stop_reason", "llmbench_version", "model_arch"]
for i, o in enumerate(objs):
    for k in INT:
        need(isinstance(o.get(k), int), f"row {i}: {k} not an integer: {o.get(k)!r}")
    for k in NUM:
        need(isinstance(o.get(k), (int, float)) and math.isfinite(o[k]), f"row {i}: {k} not a number: {o.get(k)!r}")
    for k in STR:
        need(isinstance(o.get(k), str) and o[k] != "", f"row {i}: {k} not a non-empty string: {o.get(k)!r}")
    n = o.get("reps", 0)
    if reps == "auto":
        need(n >= 3, f"row {i}: auto reps ran {n} < 3")
        need(o.get("stop_reason") in ("converged", "max-reps", "max-time"), f"row {i}: stop_reason {o.get('stop_reason')}")
        need(isinstance(o.get("ci95_lo_ts"), float) and o["ci95_lo_ts"] <= o["avg_ts"] <= o["ci95_hi_ts"],
             f"row {i}: CI does not bracket the mean")
    else:
        need(n == int(reps), f"row {i}: {n} reps, expected {reps}")
    for k in ("samples_ns", "samples_ts", "samples_ttft_ms"):
        need(isinstance(o.get(k), list) and len(o[k]) == n, f"row {i}: {k} has {len(o.get(k, []))} samples, not {n}")
    if o.get("samples_ts"):
        mean = sum(o["samples_ts"]) / len(o["samples_ts"])
        need(abs(mean - o["avg_ts"]) <= 1e-6 * max(1, mean), f"row {i}: avg_ts {o['avg_ts']} != mean of samples {mean}")
    need(o.get("avg_ts", 0) > 0, f"row {i}: avg_ts not positive")
    need(o.get("peak_rss_bytes", 0) > 1 << 20, f"row {i}: peak RSS implausible")
    need(0 < o.get("bpw", 0) <= 64, f"row {i}: bpw {o.get('bpw')}")
    if o.get("n_prompt", 0) > 0:
        need(isinstance(o.get("pp_avg_ts"), float) and o["pp_avg_ts"] > 0, f"row {i}: pp_avg_ts missing")
    else:
        need(o.get("pp_avg_ts") is None, f"row {i}: pp_avg_ts should be null")
    if o.get("n_gen", 0) > 0:
        need(isinstance(o.get("tg_avg_ts"), float) and o["tg_avg_ts"] > 0, f"row {i}: tg_avg_ts missing")
    else:
        need(o.get("tg_avg_ts") is None, f"row {i}: tg_avg_ts should be null")
for e in errors:
    print("check_json: " + e, file=sys.stderr)
sys.exit(1 if errors else 0)
