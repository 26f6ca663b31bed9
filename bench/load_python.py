#!/usr/bin/env python3
"""load_python.py - the serving load of `llmbench load` through a Python client,
for bench/load_overhead.sh to set beside llmbench's own: aiohttp and asyncio
in the style of vLLM's benchmark_serving.py (`vllm bench serve`): one task per
request, created up front, a semaphore for the concurrency, a streamed POST
whose SSE lines are read as they arrive (`async for line in response.content`),
each token-carrying chunk stamped on arrival; per request TTFT, ITL (the gaps
between those chunks), E2E and the output tokens (the server's usage, else
the chunks counted). The requests are those llmbench sends: "request SEED-i:"
and --input-len words, max_tokens --output-len, ignore_eos, temperature 0,
stream_options.include_usage; --warmup requests one by one first, not counted.

The figures are llmbench's (docs/metrics.md, Serving load): the duration from
the first request sent to the last one ended, percentiles by linear
interpolation (numpy's), ITL pooled over all requests, TPOT per request; the
client's CPU time (time.process_time: user + system of this process) over the
same span llmbench counts (the open loop, after the warm-up); the delay from
the mock server's own send stamp (t_send_ns in each chunk, CLOCK_MONOTONIC) to
the arrival stamp (time.monotonic_ns, the same clock).

Usage: load_python.py --url URL --model NAME [-c C] [-N N] [--input-len I]
                      [--output-len O] [--warmup W] [--seed S]
Prints one JSON object (llmbench's export names where they exist) on stdout.
Needs Debian's python3-aiohttp (scripts/setup.sh installs it)."""
import argparse
import asyncio
import json
import sys
import time

try:
    import aiohttp
except ImportError:
    sys.exit("load_python: no aiohttp (Debian: apt-get install python3-aiohttp; scripts/setup.sh installs it)")

WORDS = ["the", "of", "and", "model", "token", "server", "load", "bench", "prompt", "answer", "stream", "fast"]


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True, help="http://HOST:PORT of the server")
    ap.add_argument("--model", required=True)
    ap.add_argument("-c", "--concurrency", type=int, default=1)
    ap.add_argument("-N", "--num-requests", type=int, default=100)
    ap.add_argument("--input-len", type=int, default=128)
    ap.add_argument("--output-len", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    if a.concurrency < 1 or a.num_requests < 1 or a.output_len < 1 or a.input_len < 0 or a.warmup < 0:
        ap.error("-c, -N and --output-len must be positive, --input-len and --warmup not negative")
    return a


class Out:
    """One request and what happened to it."""

    __slots__ = ("ok", "error", "t_send", "ttft", "e2e", "itl", "n_out", "stamp_sum", "stamp_max", "n_stamps")

    def __init__(self):
        self.ok, self.error = False, ""
        self.t_send = self.ttft = self.e2e = 0
        self.itl = []
        self.n_out = 0
        self.stamp_sum = self.stamp_max = self.n_stamps = 0


def payload(a, i):
    words = " ".join(WORDS[(i * 7 + k * 13 + a.seed) % len(WORDS)] for k in range(a.input_len))
    return {"model": a.model, "prompt": "request %d-%d: %s" % (a.seed, i, words), "max_tokens": a.output_len,
            "temperature": 0.0, "ignore_eos": True, "stream": True, "stream_options": {"include_usage": True}}


async def request(session, url, body):
    """vLLM's async_request_openai_completions, its clock CLOCK_MONOTONIC in ns."""
    o = Out()
    chunks = 0
    usage = None
    o.t_send = last = time.monotonic_ns()
    try:
        async with session.post(url, json=body) as resp:
            if resp.status != 200:
                o.error = "http_%d" % resp.status
                await resp.read()
                return o
            async for line in resp.content:
                line = line.strip()
                if not line:
                    continue
                text = line.decode("utf-8")
                if not text.startswith("data: "):
                    continue
                data = text[6:]
                if data == "[DONE]":
                    o.ok = True
                    continue
                now = time.monotonic_ns()
                ev = json.loads(data)
                if "error" in ev:
                    o.error = "server_error"
                    break
                ch = ev.get("choices") or []
                if ch and ch[0].get("text"):
                    if chunks == 0:
                        o.ttft = now - o.t_send
                    else:
                        o.itl.append(now - last)
                    last = now
                    chunks += 1
                    sent = ev.get("t_send_ns")
                    if sent:
                        d = now - sent
                        o.stamp_sum += d
                        o.stamp_max = max(o.stamp_max, d)
                        o.n_stamps += 1
                elif ev.get("usage"):
                    usage = ev["usage"].get("completion_tokens")
            o.e2e = time.monotonic_ns() - o.t_send
            if not o.ok and not o.error:
                o.error = "no_done"
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as e:
        o.ok, o.error = False, type(e).__name__
    o.n_out = usage if usage is not None else chunks
    o.ok = o.ok and not o.error
    return o


def pct(x, q):
    """numpy.percentile's linear interpolation (x sorted)."""
    if not x:
        return None
    k = (len(x) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(x) - 1)
    return x[lo] + (x[hi] - x[lo]) * (k - lo)


def dist(name, ns):
    x = sorted(v / 1e6 for v in ns)
    out = {}
    for label, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99)):
        out["load_%s_%s_ms" % (name, label)] = pct(x, q)
    out["load_%s_mean_ms" % name] = sum(x) / len(x) if x else None
    return out


async def run(a):
    url = a.url.rstrip("/")
    url += "/completions" if url.endswith("/v1") else "/v1/completions"
    timeout = aiohttp.ClientTimeout(total=6 * 3600)  # vLLM's AIOHTTP_TIMEOUT
    conn = aiohttp.TCPConnector(limit=0, keepalive_timeout=60, enable_cleanup_closed=True)
    async with aiohttp.ClientSession(timeout=timeout, connector=conn) as session:
        for i in range(a.warmup):
            w = await request(session, url, payload(a, (1 << 40) + i))
            if not w.ok:
                sys.exit("load_python: the warm-up request failed: %s" % w.error)
        sem = asyncio.Semaphore(a.concurrency)

        async def limited(i):
            async with sem:
                return await request(session, url, payload(a, i))

        cpu0 = time.process_time()
        tasks = [asyncio.create_task(limited(i)) for i in range(a.num_requests)]
        outs = await asyncio.gather(*tasks)
        cpu = time.process_time() - cpu0
    return outs, cpu


def main():
    a = parse_args()
    outs, cpu = asyncio.run(run(a))
    ok = [o for o in outs if o.ok]
    errors = {}
    for o in outs:
        if not o.ok:
            errors[o.error] = errors.get(o.error, 0) + 1
    if not ok:
        sys.exit("load_python: no request completed (%s)" % ",".join("%s:%d" % e for e in sorted(errors.items())))
    t0 = min(o.t_send for o in outs)
    t1 = max(o.t_send + o.e2e for o in outs)
    dur = (t1 - t0) / 1e9
    n_out = sum(o.n_out for o in ok)
    tpot = [(o.e2e - o.ttft) / (o.n_out - 1) for o in ok if o.n_out > 1]
    n_stamps = sum(o.n_stamps for o in ok)
    r = {
        "client": "python aiohttp %s (Python %s)" % (aiohttp.__version__, sys.version.split()[0]),
        "load_requests_ok": len(ok),
        "load_requests_failed": len(outs) - len(ok),
        "load_errors": ",".join("%s:%d" % e for e in sorted(errors.items())) or None,
        "load_duration_s": dur,
        "load_output_tokens": n_out,
        "load_req_per_s": len(ok) / dur,
        "load_out_tok_per_s": n_out / dur,
        "client_cpu_s": cpu,
        "load_client_cpu_ms_per_req": 1e3 * cpu / len(ok),
        "load_client_cpu_us_per_token": 1e6 * cpu / n_out if n_out else None,
        "load_stamp_delay_mean_ms": sum(o.stamp_sum for o in ok) / n_stamps / 1e6 if n_stamps else None,
        "load_stamp_delay_max_ms": max(o.stamp_max for o in ok) / 1e6 if n_stamps else None,
    }
    r.update(dist("ttft", [o.ttft for o in ok]))
    r.update(dist("itl", [g for o in ok for g in o.itl]))
    r.update(dist("tpot", tpot))
    r.update(dist("e2el", [o.e2e for o in ok]))
    json.dump(r, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
