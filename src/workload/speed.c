/* speed.c - the speed workload: llama-bench's pp / tg / pg tests at a depth.
 * A new context per instance, --warmup runs (prompt run + one generated
 * token), then repetitions that each start from a cleared KV cache, fixed in
 * number or until the 95% interval is tight (-r auto). Timed regions
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
    uint64_t *tok; /* cap x n_gen: each generated token's time from its repetition's start */
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
    free(w->tok);
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
    w->tok = calloc(cap * (size_t)(in->n_gen > 0 ? in->n_gen : 1), sizeof(uint64_t));
    w->tmp = calloc(cap * (size_t)(in->n_gen > 0 ? in->n_gen : 1), sizeof(double));
    if (!w->prompt || !w->depth || !w->gen || !w->total_ns || !w->pp_ns || !w->tg_ns || !w->ttft_ns || !w->tok ||
        !w->tmp) {
        work_free(w);
        return LLMB_E_NOMEM;
    }
    fill_tokens(w->prompt, in->n_prompt, mi, seed);
    fill_tokens(w->depth, in->n_depth, mi, seed);
    fill_tokens(w->gen, in->n_gen, mi, seed);
    return LLMB_OK;
}

/* The test's clock: the monotonic clock, or the engine's own (the null engine's virtual time). */
static inline uint64_t now(const struct llmb_engine_ops *e, void *st)
{
    return e->clock_ns ? e->clock_ns(st) : llmb_clock_ns();
}

/* One repetition: the timed region. */
static int run_once(const struct llmb_engine_ops *e, void *st, const struct llmb_instance *in, struct work *w,
                    size_t r, struct llmb_error *err)
{
    int rc;
    if (in->n_depth > 0 && (rc = e->prefill(st, w->depth, in->n_depth, in->n_batch, err)))
        return rc;
    uint64_t t0 = now(e, st), t_pp = t0, t_first = 0;
    if (in->n_prompt > 0) {
        if ((rc = e->prefill(st, w->prompt, in->n_prompt, in->n_batch, err)))
            return rc;
        t_pp = now(e, st);
    }
    uint64_t *tok = w->tok + r * (size_t)in->n_gen;
    for (int i = 0; i < in->n_gen; i++) {
        if ((rc = e->decode(st, w->gen[i], err)))
            return rc;
        tok[i] = now(e, st); /* one clock read per token: the timeline */
    }
    uint64_t t_end = in->n_gen > 0 ? tok[in->n_gen - 1] : now(e, st);
    if (in->n_gen > 0)
        t_first = tok[0];
    for (int i = 0; i < in->n_gen; i++) /* outside the timed region: from the repetition's start */
        tok[i] -= t0;
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
    res->token_ns = in->n_gen > 0 ? w->tok : NULL;
    llmb_itl_compute(res->token_ns, n, (size_t)(in->n_gen > 0 ? in->n_gen : 0), w->tmp, &res->itl);
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
 * tight enough and the speed has settled (llmb_stats_converged). */
static int converged(const struct work *w, const struct llmb_instance *in, size_t n, double target_pct, int mean)
{
    struct llmb_stats s;
    llmb_stats_rates(w->total_ns, n, in->n_prompt + in->n_gen, w->tmp, &s); /* w->tmp holds the rates */
    return llmb_stats_converged(&s, w->tmp, target_pct, mean);
}

/* A speed test in steps, so a test can run alone (speed_run) or with its
 * repetitions alternating with other tests' (the runner's --interleave). */
struct llmb_speed_job {
    struct llmb_wl_ctx c;
    const struct llmb_instance *in;
    struct llmb_result *res;
    struct work w;
    size_t cap, r;
    uint64_t t_start;
    int more;
};

static void job_free(struct llmb_speed_job *j)
{
    work_free(&j->w);
    free(j);
}

int llmb_speed_begin(const struct llmb_wl_ctx *c, const struct llmb_instance *in, struct llmb_result *res,
                     struct llmb_speed_job **out, struct llmb_error *err)
{
    const struct llmb_engine_ops *e = c->e;
    const struct llmb_run_params *rp = c->rp;
    void *st = c->st;
    *out = NULL;
    res->ci_target_pct = rp->ci_target_pct;
    res->ci_mean = rp->ci_mean;
    struct llmb_speed_job *j = calloc(1, sizeof *j);
    if (!j)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    j->c = *c;
    j->in = in;
    j->res = res;
    j->cap = (size_t)(rp->auto_reps ? rp->max_reps : rp->reps);
    j->more = 1;
    if (work_alloc(&j->w, in, j->cap, c->mi, c->seed)) {
        size_t cap = j->cap;
        free(j);
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory preparing %zu samples", cap);
    }

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
        if (in->n_prompt > 0 && (rc = e->prefill(st, j->w.prompt, in->n_prompt, in->n_batch, err)))
            goto out;
        if (in->n_gen > 0 && (rc = e->decode(st, j->w.gen[0], err)))
            goto out;
    }
    j->t_start = llmb_clock_ns();
    res->stop_reason = rp->auto_reps ? LLMB_STOP_MAX_REPS : LLMB_STOP_FIXED;
    *out = j;
    return LLMB_OK;
fail:
    llmb_error_set(err, rc, "engine %s failed to reset its context", e->name);
out:
    job_free(j);
    return rc;
}

int llmb_speed_rep(struct llmb_speed_job *j, struct llmb_error *err)
{
    const struct llmb_run_params *rp = j->c.rp;
    const struct llmb_instance *in = j->in;
    int rc;
    if (!j->more || j->r >= j->cap) {
        j->more = 0;
        return LLMB_OK;
    }
    size_t r = j->r;
    llmb_wl_progress(&j->c, "rep", (int)r + 1, rp->auto_reps ? 0 : rp->reps, NAN);
    if ((rc = j->c.e->reset(j->c.st)))
        return llmb_error_set(err, rc, "engine %s failed to reset its context", j->c.e->name);
    if ((rc = run_once(j->c.e, j->c.st, in, &j->w, r, err)))
        return rc;
    j->r++;
    const double tokens = in->n_prompt + in->n_gen;
    llmb_wl_sample(&j->c, j->w.total_ns[r] ? 1e9 * tokens / (double)j->w.total_ns[r] : 0, "t/s");
    if (rp->auto_reps && j->r >= (size_t)rp->min_reps) {
        if (converged(&j->w, in, j->r, rp->ci_target_pct, rp->ci_mean)) {
            j->res->stop_reason = LLMB_STOP_CONVERGED;
            j->more = 0;
        } else if ((double)(llmb_clock_ns() - j->t_start) / 1e9 >= rp->max_time_s) {
            j->res->stop_reason = LLMB_STOP_MAX_TIME;
            j->more = 0;
        }
    }
    if (j->r >= j->cap)
        j->more = 0;
    return LLMB_OK;
}

int llmb_speed_more(const struct llmb_speed_job *j)
{
    return j->more;
}

void llmb_speed_end(struct llmb_speed_job *j, int keep)
{
    if (!j)
        return;
    if (keep) {
        summarize(j->res, j->in, &j->w, j->r);
        free(j->w.prompt);
        free(j->w.depth);
        free(j->w.gen);
        free(j->w.tmp);
        if (j->in->n_gen <= 0)
            free(j->w.tok);
        free(j); /* the sample arrays and the timeline now belong to the result (speed_release) */
        return;
    }
    job_free(j);
}

static int speed_run(const struct llmb_wl_ctx *c, const struct llmb_instance *in, struct llmb_result *res,
                     struct llmb_error *err)
{
    struct llmb_speed_job *j;
    int rc = llmb_speed_begin(c, in, res, &j, err);
    while (!rc && llmb_speed_more(j))
        rc = llmb_speed_rep(j, err);
    llmb_speed_end(j, rc == LLMB_OK);
    return rc;
}

void llmb_speed_release(struct llmb_result *res)
{
    free(res->total_ns);
    free(res->pp_ns);
    free(res->tg_ns);
    free(res->ttft_ns);
    free(res->token_ns);
    res->total_ns = res->pp_ns = res->tg_ns = res->ttft_ns = res->token_ns = NULL;
}

const struct llmb_workload_ops llmb_workload_speed = {
    .kind = LLMB_WL_SPEED,
    .run = speed_run,
    .release = llmb_speed_release,
};
