/* runner.h - runs a plan of test instances against an engine: warm-up,
 * repetitions (fixed or until the 95% CI is tight), KV reset between
 * repetitions exactly as llama-bench does, and per-instance results handed to
 * a callback the moment they are complete. */
#ifndef LLMBENCH_RUNNER_H
#define LLMBENCH_RUNNER_H

#include <stdint.h>
#include "engine.h"
#include "events.h"
#include "plan.h"
#include "quality.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

enum llmb_stop_reason {
    LLMB_STOP_FIXED = 0,  /* ran the -r count asked for */
    LLMB_STOP_CONVERGED,  /* -r auto: CI half-width within target */
    LLMB_STOP_MAX_REPS,   /* -r auto: hit the repetition cap */
    LLMB_STOP_MAX_TIME    /* -r auto: hit the time budget */
};
const char *llmb_stop_reason_name(int reason);

struct llmb_run_params {
    int    reps;          /* fixed count (when !auto_reps) */
    int    auto_reps;     /* repeat until CI half-width <= ci_target_pct of mean */
    double ci_target_pct; /* default 2.0 */
    int    min_reps;      /* auto: at least this many (default 3) */
    int    max_reps;      /* auto: at most this many (default 50) */
    double max_time_s;    /* auto: stop starting new repetitions after this (default 60) */
    int    warmup;        /* 1: one warm-up run first (llama-bench's) */
    unsigned seed;        /* random tokens */
};
struct llmb_run_params llmb_run_default_params(void);

/* One finished test instance. Arrays hold n_samples values each. */
struct llmb_result {
    struct llmb_instance     inst;
    struct llmb_model_info   model;
    struct llmb_context_info applied;
    char     test_time[32];  /* RFC 3339, UTC */
    size_t   n_samples;
    uint64_t *total_ns;      /* whole test (pp + tg), llama-bench's samples_ns */
    uint64_t *pp_ns;         /* prompt part (0 when n_prompt == 0) */
    uint64_t *tg_ns;         /* generation part (0 when n_gen == 0) */
    uint64_t *ttft_ns;       /* start to first generated token's logits */
    struct llmb_stats ts;    /* tokens/s over the whole test (llama-bench's avg_ts) */
    struct llmb_stats pp_ts; /* prompt tokens/s (n == 0 when no prompt) */
    struct llmb_stats tg_ts; /* generated tokens/s (n == 0 when no gen) */
    struct llmb_stats ttft_ms;
    struct llmb_stats total_ns_stats;
    int      stop_reason;
    double   ci_target_pct;
    uint64_t peak_rss;       /* process high-water RSS during the test, bytes */
    const char *error;       /* NULL, or why this test failed (crash, timeout...): no samples then */
    /* quality kinds (inst.kind): perplexity / KLD figures, suite answers */
    struct llmb_ppl_result ppl;
    struct llmb_suite_answer *answers; /* n_answers, in the suite's order */
    size_t   n_answers;
};

/* Called once per finished instance; the result is valid only during the call.
 * A non-zero return stops the run with that code. */
typedef int (*llmb_result_cb)(const struct llmb_result *r, void *user);
struct llmb_runner_hooks {
    llmb_result_cb on_result; /* also gets failed tests (error set) from the isolated runner */
    llmb_event_cb  on_event;  /* every event (may be NULL) */
    void          *user;
};

/* How a plan is executed (llmb_runner_execute). */
struct llmb_exec_params {
    int           isolate;     /* 1: a worker process per model configuration */
    double        timeout_s;   /* isolated: longest time of a test, from its start (0: none) */
    volatile int *stop;        /* polled: non-zero stops the run (Ctrl-C); in process: between tests */
    long long     run_id;      /* reported in run_started */
    size_t        n_planned;   /* the whole plan (n may be fewer when resuming) */
    size_t        first_index; /* ... and the index of instances[0] in it */
    double        estimate_s;  /* < 0: unknown */
};
struct llmb_exec_params llmb_exec_default_params(void);

/* Runs instances[0..n) on the engine. Stops at the first engine failure and
 * returns its code with err filled; results already delivered stay delivered. */
int llmb_runner_run(const struct llmb_engine_ops *engine, const struct llmb_instance *instances, size_t n,
                    const struct llmb_run_params *rp, const struct llmb_runner_hooks *hooks,
                    struct llmb_error *err);

/* The same, each model configuration (same model and GPU layers) in a worker
 * process of its own: a worker that crashes, is killed (OOM), exits with an
 * error or exceeds timeout_s (per test; 0: none) costs the test it was
 * running a failed result (error says why: signal name, exit status,
 * "timed out after N s", the last lines of its stderr); the sweep goes on
 * with a new worker for the rest. *stop (may be NULL) is polled: when it
 * becomes non-zero the current test is discarded, the worker killed, and
 * LLMB_E_INTERRUPTED returned. Results delivered stay delivered. */
int llmb_runner_run_isolated(const struct llmb_engine_ops *engine, const struct llmb_instance *instances, size_t n,
                             const struct llmb_run_params *rp, const struct llmb_runner_hooks *hooks,
                             double timeout_s, volatile int *stop, struct llmb_error *err);

/* The one entry point of every command: run_started, every instance
 * (isolated or in process), run_finished. Returns the runner's code. */
int llmb_runner_execute(const struct llmb_engine_ops *engine, const struct llmb_instance *instances, size_t n,
                        const struct llmb_run_params *rp, const struct llmb_exec_params *xp,
                        const struct llmb_runner_hooks *hooks, struct llmb_error *err);

/* Frees what a result owns (answers); for results the caller assembled. */
void llmb_result_free_answers(struct llmb_result *r);

#ifdef __cplusplus
}
#endif

#endif
