#!/usr/bin/env bash
# llama_bench_flags.sh - every flag of the pinned llama-bench's --help (read
# from the binary at test time, so a flag it gains fails this test until
# llmbench has it) is a flag of `llmbench bench`, under each of its names,
# with its meaning: a test parameter is reported in llama-bench's field with
# llama-bench's value, lists and ranges give one test per value, run-level
# flags do what llama-bench does (-r repetitions, -o/-oe formats,
# --list-devices the same list, --version the same build, --delay rests,
# --prio the process's nice value, --no-warmup no warm-up, --progress and -v
# say more); flags llmbench cannot honour here are refused with the reason
# (-hf: it never downloads; -rpc in a build without RPC, as llama-bench; a
# device that is not there, as llama-bench). The null engine measures, so
# nothing here needs a model but a synthetic one.
# Usage: llama_bench_flags.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
lb="$here/../../deps/llama-build/bin/llama-bench"
. "$here/lib.sh"
[ -x "$lb" ] || { echo "FAIL: no llama-bench at $lb (scripts/setup.sh builds it)"; exit 1; }
cd "$tmp" || exit 1
"$bin" synth tiny -q Q8_0 -o tiny.gguf --quiet >/dev/null || { echo "FAIL: cannot synthesize a model"; exit 1; }
"$lb" --help >lb.help 2>&1
"$bin" bench --help >us.help 2>&1

if python3 - "$bin" "$lb" <<'PY'; then ok; else bad "flags (see above)"; fi
import json, os, re, subprocess, sys, time
us, lb = sys.argv[1], sys.argv[2]
errors = []
def err(msg):
    errors.append(msg)
    print("FAIL: " + msg, file=sys.stderr)

# llama-bench's flags, from its --help
flags = []
for line in open("lb.help"):
    if line.startswith("  -"):
        head = re.split(r"\s<|\s{2,}", line.strip())[0]
        flags += [t for t in re.split(r"[,\s]+", head) if t.startswith("-")]
ushelp = open("us.help").read()
NULL = ["--engine", "null", "-m", "null:pp_us=1:tg_us=5", "-p", "4", "-n", "0", "-r", "1", "-t", "1", "--no-db", "--quiet"]

def run(args, **kw):
    return subprocess.run([us, "bench"] + args, capture_output=True, text=True, timeout=120, **kw)

def objs(args):
    p = run(NULL + args + ["-o", "json"])
    if p.returncode:
        err(f"{args}: exit {p.returncode}: {p.stderr.strip()}")
        return []
    return json.loads(p.stdout)

# a test parameter: NAME VALUE -> field == want (a list: one test per value)
PARAM = {
    # (the base arguments hold -m, -p 4 -n 0 and -t 1: these flags add to them)
    ("-m", "--model"): ("null:pp_us=2", "model_filename", ["null:pp_us=1:tg_us=5", "null:pp_us=2"]),
    ("-p", "--n-prompt"): ("8,16-32*2", "n_prompt", [4, 8, 16, 32]),
    ("-n", "--n-gen"): ("2-4+2", "n_gen", [0, 2, 4]),
    ("-pg",): ("4,2", "n_gen", [0, 2]),
    ("-d", "--n-depth"): ("0,8", "n_depth", [0, 8]),
    ("-b", "--batch-size"): ("64,128", "n_batch", [64, 128]),
    ("-ub", "--ubatch-size"): ("32", "n_ubatch", [32]),
    ("-ctk", "--cache-type-k"): ("q8_0,f16", "type_k", ["q8_0", "f16"]),
    ("-ctv", "--cache-type-v"): ("q4_0", "type_v", ["q4_0"]),
    ("-t", "--threads"): ("2", "n_threads", [1, 2]),
    ("-C", "--cpu-mask"): ("0x3,ff", "cpu_mask", ["0x3", "ff"]),
    ("--cpu-strict",): ("0,1", "cpu_strict", [False, True]),
    ("--poll",): ("0,100", "poll", [0, 100]),
    ("-ngl", "--n-gpu-layers"): ("-1,0", "n_gpu_layers", [-1, 0]),
    ("-ncmoe", "--n-cpu-moe"): ("3", "n_cpu_moe", [3]),
    ("-sm", "--split-mode"): ("none,layer,row,tensor", "split_mode", ["none", "layer", "row", "tensor"]),
    ("-mg", "--main-gpu"): ("1", "main_gpu", [1]),
    ("-nkvo", "--no-kv-offload"): ("1", "no_kv_offload", [True]),
    ("-fa", "--flash-attn"): ("on,off,auto", "flash_attn", [1, 0, -1]),
    ("-dev", "--device"): ("none,auto", "devices", ["none", "auto"]),
    ("-lm", "--load-mode"): ("auto,none,mmap,mlock,mmap+mlock,dio", "load_mode",
                             ["auto", "none", "mmap", "mlock", "mmap+mlock", "dio"]),
    ("-lzm", "--lazy-mode"): ("on,auto,off", "lazy_mode", ["on", "auto", "off"]),
    ("-embd", "--embeddings"): ("1", "embeddings", [True]),
    ("-ts", "--tensor-split"): ("3/1,0.5;0.25;0.25", "tensor_split", ["3.00/1.00", "0.50/0.25/0.25"]),
    ("-ot", "--override-tensor"): ("blk\\.0\\.=CPU;output=CPU,", "tensor_buft_overrides",
                                   ["blk\\.0\\.=CPU;output=CPU", "none"]),
    ("-nopo", "--no-op-offload"): ("1", "no_op_offload", [1]),
    ("--no-host",): ("1", "no_host", [True]),
    ("-fitt", "--fit-target"): ("256,512", "fit_target", [256, 512]),
    ("-fitc", "--fit-ctx"): ("1024", "fit_min_ctx", [1024]),
    ("-r", "--repetitions"): ("3", "reps", [3]),
}
covered = set()
for names, (value, field, want) in PARAM.items():
    for name in names:
        covered.add(name)
        got = [o.get(field) for o in objs([name, value])]
        if got != want:
            err(f"{name} {value}: {field} {got}, want {want}")
# repeated flags append (and -mg replaces, as llama-bench's does)
got = [o["n_prompt"] for o in objs(["-p", "8", "-p", "16"])]
got == [4, 8, 16] or err(f"-p 8 -p 16: {got}")
got = [o["main_gpu"] for o in objs(["-mg", "1", "-mg", "2"])]
got == [2] or err(f"-mg 1 -mg 2: {got}")
got = [o["n_prompt"] for o in objs(["--n_prompt", "8"])]  # llama-bench reads '_' as '-' in long names
got == [4, 8] or err(f"--n_prompt: {got}")
# llama-bench's defaults when a flag is absent
o = objs([])[0]
DEF = {"cpu_mask": "0x0", "cpu_strict": False, "poll": 50, "n_cpu_moe": 0, "split_mode": "layer", "main_gpu": 0,
       "no_kv_offload": False, "flash_attn": -1, "devices": "auto", "tensor_split": "0.00",
       "tensor_buft_overrides": "none", "load_mode": "auto", "lazy_mode": "auto", "embeddings": False,
       "no_op_offload": 0, "no_host": False, "fit_target": 0, "fit_min_ctx": 0, "n_batch": 2048, "n_ubatch": 512,
       "type_k": "f16", "type_v": "f16", "n_gpu_layers": -1, "n_depth": 0}
bad = {k: (o.get(k), v) for k, v in DEF.items() if o.get(k) != v}
bad and err(f"defaults: {bad}")
# values llama-bench refuses are refused (exit 2, one line)
for args in (["-sm", "diagonal"], ["-lm", "mmap2"], ["-lzm", "maybe"], ["--cpu-strict", "2"], ["-C", "0xZZ"],
             ["-ts", "a/b"], ["-ot", "noequals"], ["-dev", ""], ["--numa", "bogus"], ["--prio", "7"], ["-fa", "maybe"],
             ["-p", "-4"], ["-fitt", "-1"], ["--delay", "x"]):
    p = run(NULL + args)
    (p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1) or err(f"{args}: exit {p.returncode} {p.stderr!r}")

# run-level flags
for name in ("-h", "--help"):
    covered.add(name)
    p = run([name])
    (p.returncode == 0 and "usage:" in p.stdout) or err(f"{name}: {p.returncode}")
covered.add("--version")
p = run(["--version"])
lbv = subprocess.run([lb, "--version"], capture_output=True, text=True)
lbline = (lbv.stdout + lbv.stderr).splitlines()[0]
(p.returncode == 0 and lbline in p.stdout and "llmbench" in p.stdout) or err(f"--version: {p.stdout!r} lacks {lbline!r}")
covered.add("--list-devices")
p = run(["--list-devices"])
lbd = subprocess.run([lb, "--list-devices"], capture_output=True, text=True)
(p.returncode == 0 and p.stdout == lbd.stdout) or err(f"--list-devices: {p.stdout!r} vs llama-bench {lbd.stdout!r}")
covered.add("--numa")
p = run(NULL + ["--numa", "distribute"])
p.returncode == 0 or err(f"--numa: {p.stderr}")
covered.add("--delay")
t0 = time.monotonic()
p = run(NULL + ["--delay", "1"])
(p.returncode == 0 and time.monotonic() - t0 >= 1.0) or err(f"--delay 1: {p.returncode} after {time.monotonic() - t0:.2f} s")
covered.add("--prio")
q = subprocess.Popen([us, "bench"] + NULL + ["--prio", "-1", "--delay", "3", "-o", "none"])
nice = None
for _ in range(40):
    time.sleep(0.05)
    try:
        nice = int(open(f"/proc/{q.pid}/stat").read().rsplit(")", 1)[1].split()[16])
    except (OSError, IndexError, ValueError):
        break
    if nice == 5:
        break
q.wait()
(q.returncode == 0 and nice == 5) or err(f"--prio -1: nice {nice}, exit {q.returncode}")
for name in ("-o", "--output", "-oe", "--output-err"):
    covered.add(name)
    for fmt, mark in (("csv", "build_commit,build_number,cpu_info"), ("json", '"build_commit"'), ("jsonl", '{"build_commit"'),
                      ("md", "| model "), ("sql", "CREATE TABLE IF NOT EXISTS llama_bench")):
        p = run(NULL + [name, fmt] + (["-o", "none"] if name in ("-oe", "--output-err") else []))
        text = p.stderr if name in ("-oe", "--output-err") else p.stdout
        (p.returncode == 0 and mark in text) or err(f"{name} {fmt}: {text[:200]!r}")
for name in ("-v", "--verbose"):
    covered.add(name)
    p = run(["-m", "tiny.gguf", "-p", "4", "-n", "0", "-r", "1", "-t", "1", "--no-db", "--quiet", name, "-o", "none"])
    (p.returncode == 0 and "llama_model_loader" in p.stderr) or err(f"{name}: no engine log: {p.stderr[-300:]!r}")
covered.add("--progress")
p = run([a for a in NULL if a != "--quiet"] + ["--progress", "-o", "none"])
(p.returncode == 0 and "pp4" in p.stderr) or err(f"--progress: {p.stderr!r}")
covered.add("--no-warmup")
for extra, want in (([], True), (["--no-warmup"], False)):
    run(NULL + extra + ["--events", "ev.jsonl", "-o", "none"])
    warm = any(json.loads(l).get("phase") == "warmup" for l in open("ev.jsonl"))
    warm == want or err(f"{extra}: warm-up {warm}")
for name in ("-hf", "-hfr", "--hf-repo"):
    covered.add(name)
    p = run(NULL + [name, "ggml-org/tiny-GGUF"])
    (p.returncode == 2 and "does not download" in p.stderr) or err(f"{name}: {p.returncode} {p.stderr!r}")
for name, value in (("-hff", "x.gguf"), ("--hf-file", "x.gguf"), ("-hft", "token"), ("--hf-token", "t"), ("--offline", None)):
    covered.add(name)
    p = run(NULL + [name] + ([value] if value else []) + ["-hf", "a/b"])
    (p.returncode == 2 and "does not download" in p.stderr) or err(f"{name} with -hf: {p.returncode} {p.stderr!r}")
# hardware that is not here: refused as llama-bench refuses it
p = run(["-m", "tiny.gguf", "-p", "4", "-n", "0", "-r", "1", "--no-db", "-dev", "NoSuchGPU0"])
lbr = subprocess.run([lb, "-m", "tiny.gguf", "-p", "4", "-n", "0", "-r", "1", "-dev", "NoSuchGPU0"], capture_output=True, text=True)
(p.returncode == 2 and "invalid device: NoSuchGPU0" in p.stderr and lbr.returncode != 0
 and "invalid device: NoSuchGPU0" in lbr.stderr) or err(f"-dev NoSuchGPU0: {p.returncode} {p.stderr!r}; llama-bench {lbr.returncode}")
p = run(["-m", "tiny.gguf", "-p", "4", "-n", "0", "-r", "1", "--no-db", "-ot", "x=NoSuchBuffer"])
(p.returncode == 2 and "unrecognized buffer type 'NoSuchBuffer'" in p.stderr) or err(f"-ot x=NoSuchBuffer: {p.stderr!r}")
rpc = any(t in ("-rpc", "--rpc") for t in flags)
p = run(["-m", "tiny.gguf", "-p", "4", "-n", "0", "-r", "1", "--no-db", "-rpc", "localhost:50052"])
if not rpc:  # this llama.cpp has no RPC backend: llama-bench has no -rpc, and llmbench says why
    (p.returncode != 0 and "no RPC backend" in p.stderr) or err(f"-rpc: {p.returncode} {p.stderr!r}")
covered |= {"-rpc", "--rpc"}

missing = [f for f in flags if f not in covered]
missing and err(f"llama-bench flags without a test here: {missing}")
absent = [f for f in flags if not re.search(r"(^|[\s,])" + re.escape(f) + r"([\s,]|$)", ushelp)]
absent and err(f"llama-bench flags missing from llmbench bench --help: {absent}")
print(f"{len(flags)} llama-bench flags, {len(errors)} problems")
sys.exit(1 if errors else 0)
PY
finish
