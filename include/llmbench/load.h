/* load.h - serving load: many concurrent requests to an OpenAI-compatible
 * server (llama-server, vLLM, SGLang, TGI, Ollama...) at a fixed concurrency
 * or a fixed request rate (Poisson, or gamma with a burstiness), a number of
 * requests or a duration, prompts random or from a JSONL file; the figures
 * of vLLM's `bench serve` (docs/metrics.md, Serving load) and the client's
 * own cost. A load run is a workload, not an engine: the engine seam is one
 * model's synchronous steps, while load is an open loop of many requests in
 * flight; its HTTP core (src/http) is what an HTTP engine would use. */
#ifndef LLMBENCH_LOAD_H
#define LLMBENCH_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "llmbench.h"

#ifdef __cplusplus
extern "C" {
#endif

enum llmb_load_endpoint { LLMB_LOAD_COMPLETIONS = 0, LLMB_LOAD_CHAT };

struct llmb_http_record; /* one request and what happened to it (src/http/client.h) */

struct llmb_load_params {
    const char *url;     /* the server: http://HOST:PORT (a trailing /v1 is fine) */
    const char *model;   /* "model" of each request */
    const char *api_key; /* NULL: none (never printed, never stored) */
    int endpoint;        /* enum llmb_load_endpoint */
    int stream;          /* 1: SSE (default); 0: whole responses (TTFT = E2E) */
    int concurrency;     /* most requests in flight; 0: no limit (rate only) */
    double rate;         /* requests/s; 0: as fast as concurrency allows */
    double burstiness;   /* gamma shape of the gaps (1: Poisson) */
    int n_requests;      /* 0: until duration_s */
    double duration_s;   /* 0: until n_requests */
    int warmup;          /* requests sent one by one first, not counted */
    int input_len;       /* random prompts: words (about tokens) */
    double prefix_share; /* random prompts: the fraction of input_len words every request shares, first (0..1) */
    int output_len;      /* max_tokens (random prompts, and file prompts without one) */
    const char *dataset; /* NULL: random prompts; "suite", "suite:FILE" (a prompt suite); else a JSONL file */
    uint64_t seed;
    double timeout_s;                             /* one request, whole; 0: none */
    double idle_s;                                /* one request, no byte for this long; 0: none */
    double max_time_s;                            /* the run: requests still in flight are cancelled then; 0: none */
    size_t max_line;                              /* bound of one response line; 0: 1 MiB */
    double slo_ttft_ms, slo_tpot_ms, slo_e2el_ms; /* goodput's goals; 0: none */
    int http2;
    const volatile int *stop; /* set (Ctrl-C): requests in flight are cancelled, the run ends */
    /* NULL, or called as each measured request ends (warm-up not), from
     * the open loop between network polls: keep it cheap */
    void (*on_done)(void *ctx, const struct llmb_http_record *r);
    void *on_done_ctx;
};
struct llmb_load_params llmb_load_default_params(void);

/* Parses "--slo ttft=200ms,tpot=50ms,e2el=2s" (ms or s; a bare number is ms). */
int llmb_load_parse_slo(const char *s, struct llmb_load_params *p, struct llmb_error *err);

/* The figures of a load run (a result's, stored by name): X(ID, name, type
 * 'I' or 'F', unit, meaning). */
#define LLMB_LOAD_DIST(X, ID, name, what)                                                                              \
    X(ID##_MEAN, name "_mean_ms", 'F', "ms", "mean " what)                                                             \
    X(ID##_P50, name "_p50_ms", 'F', "ms", "median " what)                                                             \
    X(ID##_P90, name "_p90_ms", 'F', "ms", "90th percentile " what)                                                    \
    X(ID##_P95, name "_p95_ms", 'F', "ms", "95th percentile " what)                                                    \
    X(ID##_P99, name "_p99_ms", 'F', "ms", "99th percentile " what)                                                    \
    X(ID##_MAX, name "_max_ms", 'F', "ms", "largest " what)
#define LLMB_LOAD_FIGURES(X)                                                                                           \
    X(OK, "load_requests_ok", 'I', NULL, "requests that completed (warm-up left out)")                                 \
    X(FAILED, "load_requests_failed", 'I', NULL, "requests that failed, any reason (load_errors says which)")          \
    X(DURATION, "load_duration_s", 'F', "s", "first request sent to last one ended")                                   \
    X(IN_TOKENS, "load_input_tokens", 'I', "tokens", "prompt tokens of completed requests (the server's usage)")       \
    X(OUT_TOKENS, "load_output_tokens", 'I', "tokens", "generated tokens of completed requests")                       \
    X(REQ_S, "load_req_per_s", 'F', "requests/s", "completed requests / load_duration_s")                              \
    X(OUT_TS, "load_out_tok_per_s", 'F', "tokens/s", "generated tokens / load_duration_s")                             \
    X(TOTAL_TS, "load_total_tok_per_s", 'F', "tokens/s", "prompt + generated tokens / load_duration_s")                \
    X(GOOD, "load_good_requests", 'I', NULL, "completed requests that met every SLO")                                  \
    X(GOODPUT, "load_goodput_req_per_s", 'F', "requests/s", "load_good_requests / load_duration_s")                    \
    LLMB_LOAD_DIST(X, TTFT, "load_ttft", "time to first token: request sent to first token's bytes")                   \
    LLMB_LOAD_DIST(X, TPOT, "load_tpot", "time per output token: (E2E - TTFT) / (output tokens - 1), per request")     \
    LLMB_LOAD_DIST(X, ITL, "load_itl", "inter-token latency: gaps between token arrivals, all requests pooled")        \
    LLMB_LOAD_DIST(X, E2EL, "load_e2el", "end-to-end latency: request sent to its last byte")                          \
    X(CPU_REQ, "load_client_cpu_ms_per_req", 'F', "ms", "the client's CPU time (user + system) per request")           \
    X(CPU_TOK, "load_client_cpu_us_per_token", 'F', "us", "the client's CPU time per received token")                  \
    X(STAMP_MEAN, "load_stamp_delay_mean_ms", 'F', "ms",                                                               \
      "server's send stamp to the client's arrival stamp, mean (servers that send one: the mock)")                     \
    X(STAMP_MAX, "load_stamp_delay_max_ms", 'F', "ms", "... largest")                                                  \
    X(SRV_PROMPT, "load_server_prompt_ms_mean", 'F', "ms",                                                             \
      "the server's own prompt time (llama-server timings), mean")                                                     \
    X(SRV_TG, "load_server_tg_ts", 'F', "tokens/s", "the server's own generation speed (timings: predicted_n / ms)")   \
    X(CLI_TG, "load_client_tg_ts", 'F', "tokens/s",                                                                    \
      "generation speed seen by the client: (tokens - 1) / first-to-last")                                             \
    X(CACHED, "load_cached_tokens", 'I', "tokens",                                                                     \
      "prompt tokens the server took from its prefix cache (completed requests whose server says)")                    \
    X(HIT_RATE, "load_cache_hit_rate", 'F', NULL, "load_cached_tokens / their requests' prompt tokens")                \
    X(OFFERED, "load_offered_req_per_s", 'F', "requests/s",                                                            \
      "rate profiles: the arrival schedule's own rate, (requests sent - 1) / first to last scheduled arrival")         \
    X(END_RATE, "load_end_rate_req_per_s", 'F', "requests/s",                                                          \
      "(completed requests - 1) / first to last completion: the rate requests ended at")                               \
    X(KNEE, "load_sweep_knee_req_per_s", 'F', "requests/s",                                                            \
      "a --sweep's knee: the highest offered rate the server followed (every step of the sweep carries it)")

enum llmb_load_fig {
#define LLMB_LOAD_ENUM(id, name, type, unit, doc) LLMB_LOADF_##id,
    LLMB_LOAD_FIGURES(LLMB_LOAD_ENUM) LLMB_LOADF_COUNT
#undef LLMB_LOAD_ENUM
};

/* A load result's figures: v[k] known when bit k of known is set. */
struct llmb_load_figures {
    double v[LLMB_LOADF_COUNT];
    uint64_t known;
    char url[256];     /* the server (no user or password) */
    char endpoint[16]; /* "completions" or "chat" */
    char errors[256];  /* failures by kind: "http_429:3,dropped:2"; "" none */
    char slo[96];      /* "ttft=200ms,tpot=50ms"; "" none */
    char counts[16];   /* where token counts came from: "usage", "counted", "mixed" */
};

/* A finished load run. Per completed request (n_ok): end-to-end and TTFT in ns. */
struct llmb_load_summary {
    struct llmb_load_figures fig;
    size_t n_ok, n_sent;
    uint64_t *e2e_ns, *ttft_ns, *tg_ns; /* malloc'd, n_ok each */
    long *out_tokens;
    char first_error[256];    /* the first failure's reason and detail ("" none) */
    int first_reason_connect; /* it was a connection failure */
};

/* Runs the load p describes. A run in which no request completed fails
 * (err names the first failure) and *out holds nothing. */
int llmb_load_run(const struct llmb_load_params *p, struct llmb_load_summary *out, struct llmb_error *err);
void llmb_load_summary_free(struct llmb_load_summary *s);
/* The profile's canonical text ("chat c=8 rate=inf in=128 out=32 data=random"):
 * the test's name and part of its key. */
void llmb_load_profile_text(const struct llmb_load_params *p, char *buf, size_t len);
/* The server's URL without a user or password (what is shown and stored). */
void llmb_load_url_safe(const char *url, char *buf, size_t len);
/* 1 when a dataset names a prompt suite: "suite" (the built-in one; *file
 * NULL) or "suite:FILE" (*file FILE, "" when none given); file may be NULL. */
int llmb_load_is_suite(const char *dataset, const char **file);

/* ---- a sweep of request rates up to saturation (load_sweep.c) ---------------- */

#define LLMB_LOAD_SWEEP_MAX 32
struct llmb_load_sweep {
    int is_auto;                       /* rates found by doubling (max_steps at most) */
    double rates[LLMB_LOAD_SWEEP_MAX]; /* explicit rates (req/s), increasing */
    int n_rates;
    int max_steps; /* auto: most steps (0: 8) */
};
/* Reads "--sweep 1,2,4,8" (increasing positive rates) or "--sweep auto". */
int llmb_load_parse_sweep(const char *s, struct llmb_load_sweep *sw, struct llmb_error *err);

/* The knee rule (docs/metrics.md, Serving load): a step follows its offered
 * load when the rate its requests ended at is at least 90% of the rate they
 * were scheduled at (load_end_rate_req_per_s >= 0.9 load_offered_req_per_s)
 * and its median TTFT is at most twice the first step's (or 10 ms more,
 * whichever is larger). */
#define LLMB_LOAD_KNEE_FOLLOW 0.9
#define LLMB_LOAD_KNEE_TTFT 2.0
#define LLMB_LOAD_KNEE_TTFT_MS 10.0
int llmb_load_step_follows(const struct llmb_load_figures *step, const struct llmb_load_figures *first);
/* The knee of n steps in increasing rate: the last step of the leading run
 * of steps that follow; -1 when the first does not. */
int llmb_load_sweep_knee(const struct llmb_load_figures *const *steps, size_t n);

/* One step of a sweep, in order: the rate asked and, when requests
 * completed, the step's summary (s; the callback takes what it holds, a
 * struct copy freed with llmb_load_summary_free), else s NULL and why (the sweep ends there).
 * Returns an llmb code; non-zero ends the sweep with it. */
typedef int (*llmb_load_step_fn)(int step, double rate, struct llmb_load_summary *s, const char *why, void *user,
                                 struct llmb_error *err);
/* A step is about to start at rate with the parameters q (which the callback
 * may adjust: its on_done hook). */
typedef void (*llmb_load_step_start_fn)(int step, double rate, struct llmb_load_params *q, void *user);
/* Runs p's profile at each rate of sw (p->rate is ignored): the warm-up
 * before the first measured run only; p->max_time_s bounds the whole sweep.
 * auto: first a probe at concurrency 1 (at most 10 requests, or 5 s of a
 * duration) whose request throughput is *capacity (req/s; 0 for explicit
 * rates), then rates from capacity / 2, doubling until a step does not
 * follow (llmb_load_step_follows) or max_steps. Fails when the probe or the
 * first step completes nothing. on_start (may be NULL) is called before each
 * step, on_step after it; the probe's requests reach no on_done hook. */
int llmb_load_sweep_run(const struct llmb_load_params *p, const struct llmb_load_sweep *sw,
                        llmb_load_step_start_fn on_start, llmb_load_step_fn on_step, void *user, double *capacity,
                        struct llmb_error *err);

#ifdef __cplusplus
}
#endif

#endif
