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
#include "result.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif


struct llmb_run_params {
    int    reps;          /* fixed count (when !auto_reps) */
    int auto_reps;        /* repeat until the 95% interval's half-width <= ci_target_pct of the figure */
    int ci_mean;          /* auto: the interval of the mean (Student t) instead of the median's (order statistics) */
    double ci_target_pct; /* default 2.0 */
    int min_reps;         /* auto: at least this many (default LLMB_STATS_AUTO_MIN, 6) */
    int    max_reps;      /* auto: at most this many (default 50) */
    double max_time_s;    /* auto: stop starting new repetitions after this (default 60) */
    int warmup;           /* warm-up runs before the repetitions (default 1, llama-bench's; 0: none) */
    unsigned seed;        /* random tokens */
    int    delay_s;       /* llama-bench's --delay: seconds of rest before each test (outside timing) */
    int    prio;          /* llama-bench's --prio: -1 low .. 3 realtime, for the threads of a test */
    int    numa;          /* llama-bench's --numa: 0 off, 1 distribute, 2 isolate, 3 numactl */
    const char *rpc;      /* llama-bench's -rpc: servers to register, NULL: none */
    int    verbose;       /* isolated: the workers' stderr (the engine's log) is passed through */
    double peak_gbs;      /* the machine's read bandwidth (store), for each result's roofline; 0: unknown */
    int no_energy;        /* 1: no energy sampler (its figures are then absent, saying so) */
    const char *procfs_root; /* where /proc and /sys are read for the test conditions (NULL: "/") */
    int interleave;          /* 1: speed tests' repetitions in alternating rounds, compared (bench --interleave) */
};
struct llmb_run_params llmb_run_default_params(void);

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

/* The engine parameters of an instance, as llama-bench sets them from its
 * test: the model's (path, layers, split, devices, overrides, load mode...,
 * and rp's numa and rpc) and the context's (batch, KV types, threads,
 * offloads, and the thread pool: mask, strictness, polling, rp's priority).
 * Quality kinds keep the engine's defaults for llama-bench's other
 * parameters. cp->tp points at *tp; mp->fit_ctx at *cp. */
void llmb_instance_engine_params(const struct llmb_instance *in, const struct llmb_run_params *rp,
                                 struct llmb_model_params *mp, struct llmb_context_params *cp,
                                 struct llmb_threadpool_params *tp);

/* Sets this process's scheduling priority as llama-bench's --prio: -1 low
 * (nice 5), 0 normal (nothing done), 1 medium (-5), 2 high (-10), 3
 * realtime (-20). Raising it needs the privilege to; err says so. */
int llmb_runner_set_priority(int prio, struct llmb_error *err);

/* bench --interleave's conditions, checked before anything runs: speed
 * tests only, a fixed number of repetitions, and at least two
 * configurations of one test to compare. */
int llmb_runner_interleave_check(const struct llmb_instance *v, size_t n, const struct llmb_run_params *rp,
                                 struct llmb_error *err);

/* Frees what a result owns (answers); for results the caller assembled. */
void llmb_result_free_answers(struct llmb_result *r);

#ifdef __cplusplus
}
#endif

#endif
