/* workload.h - the interface every kind of test instance implements (speed,
 * perplexity, KL divergence, prompt suite; serving load later). The runner
 * opens the model, prepares the result's common part (instance, model,
 * time, memory probe) and calls the kind's run() in the worker; the
 * workload measures, fills the result and reports what happens through the
 * context's event helpers, never from inside a timed region. */
#ifndef LLMB_WORKLOAD_WORKLOAD_H
#define LLMB_WORKLOAD_WORKLOAD_H

#include "llmbench/engine.h"
#include "llmbench/events.h"
#include "llmbench/runner.h"

struct llmb_wl_ctx {
    const struct llmb_engine_ops *e;
    void                         *st;  /* the open model */
    const struct llmb_model_info *mi;
    const struct llmb_run_params *rp;
    unsigned                     *seed; /* random tokens, carried across instances */
    /* events: the runner's sink, with the instance's index filled in */
    void (*emit)(struct llmb_event *ev, void *user);
    void *user;
};

struct llmb_workload_ops {
    int         kind;  /* enum llmb_workload_kind */
    /* Measures one instance into res (whose common part is set). What it
     * allocates into res is freed by release(). */
    int  (*run)(const struct llmb_wl_ctx *c, const struct llmb_instance *in, struct llmb_result *res,
                struct llmb_error *err);
    void (*release)(struct llmb_result *res);
};

/* The workload of a kind; NULL when there is none. */
const struct llmb_workload_ops *llmb_workload_find(int kind);

/* Event helpers for workloads (nothing happens when the runner has no sink). */
void llmb_wl_progress(const struct llmb_wl_ctx *c, const char *phase, int i, int of, double value);
void llmb_wl_sample(const struct llmb_wl_ctx *c, double value, const char *unit);
void llmb_wl_token(const struct llmb_wl_ctx *c, int prompt, const char *text, size_t len, double t_ms);

extern const struct llmb_workload_ops llmb_workload_speed;

/* The speed test in steps (the runner's interleaved comparisons): begin
 * (context, rest, warm-up), one repetition per llmb_speed_rep while
 * llmb_speed_more, then llmb_speed_end (keep: the samples and figures go
 * into res, freed by llmb_speed_release; else dropped). c is copied; res
 * must outlive the job. */
struct llmb_speed_job;
int llmb_speed_begin(const struct llmb_wl_ctx *c, const struct llmb_instance *in, struct llmb_result *res,
                     struct llmb_speed_job **out, struct llmb_error *err);
int llmb_speed_rep(struct llmb_speed_job *j, struct llmb_error *err);
int llmb_speed_more(const struct llmb_speed_job *j);
void llmb_speed_end(struct llmb_speed_job *j, int keep);
void llmb_speed_release(struct llmb_result *res);
extern const struct llmb_workload_ops llmb_workload_ppl;
extern const struct llmb_workload_ops llmb_workload_kld;
extern const struct llmb_workload_ops llmb_workload_suite;

#endif
