/* speed.c - the speed workload: llama-bench's pp / tg / pg tests at a depth.
 * A new context per instance, --warmup runs (prompt run + one generated
 * token), then repetitions that each start from a cleared KV cache, fixed in
 * number or until the 95% CI of the mean is tight (-r auto). Timed regions
 * hold only engine calls and clock reads: tokens and sample arrays are
 * prepared before, events are sent after each repetition. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "workload.h"

/* Per-instance working memory, allocated before any timed region. */
struct work {
    int32_t  *prompt, *depth, *gen;
    uint64_t *total_ns, *pp_ns, *tg_ns, *ttft_ns;
    double   *tmp;
};

static void work_free(struct work *w)
{
    free(w->prompt);
    free(w->depth);
    free(w->gen);
    free(w->total_ns);
    free(w->pp_ns);
    free(w->tg_ns);
    free(w->ttft_ns);
    free(w->tmp);
    memset(w, 0, sizeof *w);
}

/* Random tokens like llama-bench: first one BOS when the vocabulary adds it. */
static void fill_tokens(int32_t *t, int n, const struct llmb_model_info *mi, unsigned *seed)
{
    for (int i = 0; i < n; i++)
        t[i] = (i == 0 && mi->add_bos) ? mi->bos : (int32_t)(rand_r(seed) % (unsigned)(mi->n_vocab > 0 ? mi->n_vocab : 1));
}

static int work_alloc(struct work *w, const struct llmb_instance *in, size_t cap, const struct llmb_model_info *mi,
                      unsigned *seed)
{
    memset(w, 0, sizeof *w);
    w->prompt = malloc(sizeof(int32_t) * (size_t)(in->n_prompt + 1));
    w->depth = malloc(sizeof(int32_t) * (size_t)(in->n_depth + 1));
    w->gen = malloc(sizeof(int32_t) * (size_t)(in->n_gen + 1));
    w->total_ns = calloc(cap, sizeof(uint64_t));
    w->pp_ns = calloc(cap, sizeof(uint64_t));
    w->tg_ns = calloc(cap, sizeof(uint64_t));
    w->ttft_ns = calloc(cap, sizeof(uint64_t));
    w->tmp = calloc(cap, sizeof(double));
    if (!w->prompt || !w->depth || !w->gen || !w->total_ns || !w->pp_ns || !w->tg_ns || !w->ttft_ns || !w->tmp) {
        work_free(w);
        return LLMB_E_NOMEM;
    }
    fill_tokens(w->prompt, in->n_prompt, mi, seed);
    fill_tokens(w->depth, in->n_depth, mi, seed);
    fill_tokens(w->gen, in->n_gen, mi, seed);
    return LLMB_OK;
}

/* One repetition: the timed region. */
static int run_once(const struct llmb_engine_ops *e, void *st, const struct llmb_instance *in, struct work *w,
                    size_t r, struct llmb_error *err)
{
    int rc;
    if (in->n_depth > 0 && (rc = e->prefill(st, w->depth, in->n_depth, in->n_batch, err)))
        return rc;
    uint64_t t0 = llmb_clock_ns(), t_pp = t0, t_first = 0;
    if (in->n_prompt > 0) {
        if ((rc = e->prefill(st, w->prompt, in->n_prompt, in->n_batch, err)))
            return rc;
        t_pp = llmb_clock_ns();
    }
    for (int i = 0; i < in->n_gen; i++) {
        if ((rc = e->decode(st, w->gen[i], err)))
            return rc;
        if (i == 0)
            t_first = llmb_clock_ns();
    }
    uint64_t t_end = llmb_clock_ns();
    w->total_ns[r] = t_end - t0;
    w->pp_ns[r] = t_pp - t0;
    w->tg_ns[r] = in->n_gen > 0 ? t_end - t_pp : 0;
    w->ttft_ns[r] = in->n_gen > 0 ? t_first - t0 : t_pp - t0;
    return LLMB_OK;
}

static void summarize(struct llmb_result *res, const struct llmb_instance *in, struct work *w, size_t n)
{
    res->n_samples = n;
    res->total_ns = w->total_ns;
    res->pp_ns = w->pp_ns;
    res->tg_ns = w->tg_ns;
    res->ttft_ns = w->ttft_ns;
    llmb_stats_rates(w->total_ns, n, in->n_prompt + in->n_gen, w->tmp, &res->ts);
    if (in->n_prompt > 0)
        llmb_stats_rates(w->pp_ns, n, in->n_prompt, w->tmp, &res->pp_ts);
    if (in->n_gen > 0)
        llmb_stats_rates(w->tg_ns, n, in->n_gen, w->tmp, &res->tg_ts);
    for (size_t i = 0; i < n; i++)
        w->tmp[i] = (double)w->ttft_ns[i] / 1e6;
    llmb_stats_compute(w->tmp, n, &res->ttft_ms);
    for (size_t i = 0; i < n; i++)
        w->tmp[i] = (double)w->total_ns[i];
    llmb_stats_compute(w->tmp, n, &res->total_ns_stats);
}

/* -r auto: 1 when the 95% interval of the tokens/s median (or mean) is
 * tight enough (llmb_stats_within). */
static int converged(const struct work *w, const struct llmb_instance *in, size_t n, double target_pct, int mean)
{
    struct llmb_stats s;
    llmb_stats_rates(w->total_ns, n, in->n_prompt + in->n_gen, w->tmp, &s);
    return llmb_stats_within(&s, target_pct, mean);
}

static int speed_run(const struct llmb_wl_ctx *c, const struct llmb_instance *in, struct llmb_result *res,
                     struct llmb_error *err)
{
    const struct llmb_engine_ops *e = c->e;
    const struct llmb_run_params *rp = c->rp;
    void *st = c->st;
    res->ci_target_pct = rp->ci_target_pct;
    res->ci_mean = rp->ci_mean;
    size_t cap = (size_t)(rp->auto_reps ? rp->max_reps : rp->reps);
    struct work w;
    if (work_alloc(&w, in, cap, c->mi, c->seed))
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory preparing %zu samples", cap);

    struct llmb_model_params mp;
    struct llmb_context_params cp;
    struct llmb_threadpool_params tp;
    llmb_instance_engine_params(in, rp, &mp, &cp, &tp);
    int rc = e->context(st, &cp, &res->applied, err);
    if (rc)
        goto out;
    if ((rc = e->reset(st)))
        goto fail;
    if (rp->delay_s > 0) { /* llama-bench's --delay: cool off before the test, outside any timing */
        llmb_wl_progress(c, "delay", 1, 1, NAN);
        struct timespec ts = {.tv_sec = rp->delay_s};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
    }

    for (int wu = 0; wu < rp->warmup; wu++) { /* --warmup N: each from a cleared KV cache */
        llmb_wl_progress(c, "warmup", wu + 1, rp->warmup, NAN);
        if (wu > 0 && (rc = e->reset(st)))
            goto fail;
        if (in->n_prompt > 0 && (rc = e->prefill(st, w.prompt, in->n_prompt, in->n_batch, err)))
            goto out;
        if (in->n_gen > 0 && (rc = e->decode(st, w.gen[0], err)))
            goto out;
    }

    uint64_t t_start = llmb_clock_ns();
    size_t r = 0;
    const double tokens = in->n_prompt + in->n_gen;
    res->stop_reason = rp->auto_reps ? LLMB_STOP_MAX_REPS : LLMB_STOP_FIXED;
    for (; r < cap; r++) {
        llmb_wl_progress(c, "rep", (int)r + 1, rp->auto_reps ? 0 : rp->reps, NAN);
        if ((rc = e->reset(st)))
            goto fail;
        if ((rc = run_once(e, st, in, &w, r, err)))
            goto out;
        llmb_wl_sample(c, w.total_ns[r] ? 1e9 * tokens / (double)w.total_ns[r] : 0, "t/s");
        if (rp->auto_reps && r + 1 >= (size_t)rp->min_reps) {
            if (converged(&w, in, r + 1, rp->ci_target_pct, rp->ci_mean)) {
                res->stop_reason = LLMB_STOP_CONVERGED;
                r++;
                break;
            }
            if ((double)(llmb_clock_ns() - t_start) / 1e9 >= rp->max_time_s) {
                res->stop_reason = LLMB_STOP_MAX_TIME;
                r++;
                break;
            }
        }
    }
    summarize(res, in, &w, r);
    free(w.prompt);
    free(w.depth);
    free(w.gen);
    free(w.tmp);
    return LLMB_OK; /* the sample arrays now belong to res (speed_release) */
fail:
    llmb_error_set(err, rc, "engine %s failed to reset its context", e->name);
out:
    work_free(&w);
    return rc;
}

static void speed_release(struct llmb_result *res)
{
    free(res->total_ns);
    free(res->pp_ns);
    free(res->tg_ns);
    free(res->ttft_ns);
    res->total_ns = res->pp_ns = res->tg_ns = res->ttft_ns = NULL;
}

const struct llmb_workload_ops llmb_workload_speed = {
    .kind = LLMB_WL_SPEED, .run = speed_run, .release = speed_release,
};
