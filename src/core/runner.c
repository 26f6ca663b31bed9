/* runner.c - executes test instances of any kind on an engine: keeps the
 * model while model-level parameters stay the same, hands each instance to
 * its workload (src/workload/), and delivers each result to the caller the
 * moment it is complete, with the events that tell what is going on. The
 * workloads hold the timed regions; the runner adds nothing inside them.
 * llmb_runner_execute is the one entry point commands use: it frames the
 * instances with run_started / run_finished and picks isolation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "llmbench/energy.h"
#include "llmbench/probe.h"
#include "llmbench/runner.h"
#include "runner_int.h"
#include "workload/workload.h"

const char *llmb_stop_reason_name(int reason)
{
    switch (reason) {
    case LLMB_STOP_FIXED: return "fixed";
    case LLMB_STOP_CONVERGED: return "converged";
    case LLMB_STOP_MAX_REPS: return "max-reps";
    case LLMB_STOP_MAX_TIME: return "max-time";
    default: return "unknown";
    }
}

struct llmb_run_params llmb_run_default_params(void)
{
    struct llmb_run_params p = {
        .reps = 5,
        .auto_reps = 0,
        .ci_target_pct = 2.0,
        .min_reps = LLMB_STATS_AUTO_MIN,
        .max_reps = 50,
        .max_time_s = 60.0,
        .warmup = 1,
        .seed = 1234,
    };
    return p;
}

struct llmb_exec_params llmb_exec_default_params(void)
{
    struct llmb_exec_params p = {.isolate = 1, .estimate_s = -1};
    return p;
}

void llmb_instance_engine_params(const struct llmb_instance *in, const struct llmb_run_params *rp,
                                 struct llmb_model_params *mp, struct llmb_context_params *cp,
                                 struct llmb_threadpool_params *tp)
{
    memset(mp, 0, sizeof *mp);
    memset(cp, 0, sizeof *cp);
    memset(tp, 0, sizeof *tp);
    mp->path = in->model;
    mp->n_gpu_layers = in->n_gpu_layers;
    mp->numa = rp ? rp->numa : 0;
    mp->rpc = rp ? rp->rpc : NULL;
    cp->n_ctx = in->n_prompt + in->n_gen + in->n_depth;
    cp->n_batch = in->n_batch;
    cp->n_ubatch = in->n_ubatch;
    cp->type_k = in->type_k;
    cp->type_v = in->type_v;
    cp->flash_attn = in->flash_attn;
    cp->n_threads = in->n_threads;
    if (in->kind != LLMB_WL_SPEED)
        return;
    mp->n_cpu_moe = in->n_cpu_moe;
    mp->split_mode = in->split_mode;
    mp->main_gpu = in->main_gpu;
    mp->tensor_split = in->tensor_split;
    mp->devices = in->devices;
    mp->tensor_buft_overrides = in->tensor_buft_overrides;
    mp->load_mode = in->load_mode;
    mp->lazy_mode = in->lazy_mode;
    mp->no_host = in->no_host;
    mp->fit_target = in->fit_target;
    mp->fit_min_ctx = in->fit_min_ctx;
    mp->fit_ctx = cp;
    cp->no_kv_offload = in->no_kv_offload;
    cp->embeddings = in->embeddings;
    cp->no_op_offload = in->no_op_offload;
    tp->cpu_mask = in->cpu_mask;
    tp->cpu_strict = in->cpu_strict;
    tp->poll = llmb_instance_poll(in);
    tp->prio = rp ? rp->prio : 0;
    cp->tp = tp;
}

void llmb_result_free_answers(struct llmb_result *r)
{
    if (!r->answers)
        return;
    llmb_suite_answers_free(r->answers, r->n_answers);
    free(r->answers);
    r->answers = NULL;
    r->n_answers = 0;
}

/* ---- events ------------------------------------------------------------------ */

void llmb_runner_emit(struct llmb_event *ev, void *user)
{
    struct llmb_emitter *em = user;
    if (!em->h || !em->h->on_event)
        return;
    ev->index = em->index;
    ev->n = em->n;
    ev->inst = em->inst;
    em->h->on_event(ev, em->h->user);
}

void llmb_runner_emit_type(struct llmb_emitter *em, int type, const struct llmb_result *r)
{
    struct llmb_event ev = {.type = type, .result = r, .value = NAN, .text = r ? r->error : NULL};
    llmb_runner_emit(&ev, em);
}

void llmb_runner_now(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
}

/* A speed test's t/s per repetition, in order, judged (conditions.h). */
void llmb_runner_conditions(struct llmb_result *r, const struct llmb_run_params *rp)
{
    if (r->inst.kind != LLMB_WL_SPEED)
        return;
    r->cond.warmup_runs = rp->warmup;
    r->cond.known |= LLMB_COND_WARMUPS;
    double *x = r->n_samples && r->total_ns ? malloc(r->n_samples * sizeof *x) : NULL;
    if (!x)
        return;
    llmb_stats_rates(r->total_ns, r->n_samples, r->inst.n_prompt + r->inst.n_gen, x, &(struct llmb_stats){0});
    llmb_cond_apply_samples(&r->cond, x, r->n_samples);
    free(x);
}

/* ---- one instance ----------------------------------------------------------------- */

static int run_instance(const struct llmb_engine_ops *e, void *st, const struct llmb_model_info *mi,
                        const struct llmb_instance *in, struct llmb_emitter *em, const struct llmb_run_params *rp,
                        unsigned *seed, struct llmb_error *err)
{
    const struct llmb_workload_ops *wl = llmb_workload_find(in->kind);
    if (!wl)
        return llmb_error_set(err, LLMB_E_INVAL, "no workload of kind %d", in->kind);
    struct llmb_result res;
    memset(&res, 0, sizeof res);
    res.inst = *in;
    res.model = *mi;
    llmb_runner_now(res.test_time, sizeof res.test_time);

    struct llmb_cond_sampler cs; /* test conditions: before, between repetitions, after */
    struct llmb_wl_ctx c = {
        .e = e, .st = st, .mi = mi, .rp = rp, .seed = seed, .emit = llmb_runner_emit, .user = em, .cond = &cs};
    llmb_probe_mem_reset_peak();
    llmb_cond_begin(&cs, rp->procfs_root);
    /* energy: a sampler thread reads RAPL/NVML every 20 ms; the timed regions run no code of it */
    static struct llmb_energy_sampler es;
    if (!rp->no_energy)
        llmb_energy_start(&es, NULL, NULL, 20);
    int rc = wl->run(&c, in, &res, err);
    struct llmb_energy_result er = {.reason = "energy not sampled (asked)"};
    if (!rp->no_energy)
        llmb_energy_stop(&es, &er);
    llmb_cond_end(&cs, &res.cond);
    if (rc) {
        wl->release(&res);
        struct llmb_event ev = {.type = LLMB_EV_INSTANCE_FAILED, .value = NAN, .text = err ? err->msg : NULL};
        llmb_runner_emit(&ev, em);
        return rc;
    }
    res.peak_rss = llmb_probe_mem_peak_rss();
    llmb_roofline_apply(&res, rp->peak_gbs);
    llmb_roofline_energy(&res, &er);
    llmb_runner_conditions(&res, rp);
    const struct llmb_runner_hooks *h = em->h;
    if (h && h->on_result)
        rc = h->on_result(&res, h->user);
    if (!rc)
        llmb_runner_emit_type(em, LLMB_EV_INSTANCE_FINISHED, &res);
    wl->release(&res);
    return rc;
}

int llmb_runner_open(const struct llmb_engine_ops *e, const struct llmb_instance *in, const struct llmb_run_params *rp,
                     struct llmb_emitter *em, void **st, struct llmb_model_info *mi, struct llmb_error *err)
{
    struct llmb_event ev = {.type = LLMB_EV_PROGRESS, .phase = "load", .i = 1, .of = 1, .value = NAN};
    llmb_runner_emit(&ev, em);
    struct llmb_model_params mp;
    struct llmb_context_params cp;
    struct llmb_threadpool_params tp;
    llmb_instance_engine_params(in, rp, &mp, &cp, &tp);
    uint64_t t0 = llmb_clock_ns();
    *st = NULL;
    int rc = e->open(&mp, st, err);
    if (rc)
        return rc;
    double load_ms = (double)(llmb_clock_ns() - t0) / 1e6;
    if ((rc = e->describe(*st, mi))) {
        e->close(*st);
        *st = NULL;
        return llmb_error_set(err, rc, "engine %s cannot describe %s", e->name, in->model);
    }
    mi->load_ms = load_ms;
    return LLMB_OK;
}

/* The tests in this process; *stop (may be NULL) is polled between tests. */
static int run_here(const struct llmb_engine_ops *e, const struct llmb_instance *v, size_t n,
                    const struct llmb_run_params *rp, const struct llmb_runner_hooks *h, volatile int *stop,
                    struct llmb_error *err)
{
    if ((rp->auto_reps && (rp->max_reps < 1 || rp->min_reps < 2 || rp->min_reps > rp->max_reps)) ||
        (!rp->auto_reps && rp->reps < 1))
        return llmb_error_set(err, LLMB_E_INVAL, "repetitions must be at least 1 (auto: 2 <= min <= max)");
    void *st = NULL;
    const struct llmb_instance *loaded = NULL;
    struct llmb_model_info mi;
    unsigned seed = rp->seed;
    int rc = LLMB_OK;
    for (size_t i = 0; i < n && rc == LLMB_OK; i++) {
        if (stop && *stop) {
            rc = llmb_error_set(err, LLMB_E_INTERRUPTED, "interrupted: the tests left were not run");
            break;
        }
        struct llmb_emitter em = {.h = h, .inst = &v[i], .index = i, .n = n};
        llmb_runner_emit_type(&em, LLMB_EV_INSTANCE_STARTED, NULL);
        if (!st || !llmb_instance_same_model(loaded, &v[i])) {
            if (st)
                e->close(st);
            st = NULL;
            if ((rc = llmb_runner_open(e, &v[i], rp, &em, &st, &mi, err)))
                break;
            loaded = &v[i];
        }
        rc = run_instance(e, st, &mi, &v[i], &em, rp, &seed, err);
    }
    if (st)
        e->close(st);
    return rc;
}

int llmb_runner_run(const struct llmb_engine_ops *e, const struct llmb_instance *v, size_t n,
                    const struct llmb_run_params *rp, const struct llmb_runner_hooks *h, struct llmb_error *err)
{
    return rp->interleave ? llmb_runner_interleaved(e, v, n, rp, h, NULL, err) : run_here(e, v, n, rp, h, NULL, err);
}

/* ---- the entry point ------------------------------------------------------------------- */

struct frame {
    const struct llmb_runner_hooks *user;
    size_t offset, n_planned, n_done, n_failed;
};

static int frame_result(const struct llmb_result *r, void *u)
{
    struct frame *f = u;
    if (r->error)
        f->n_failed++;
    else
        f->n_done++;
    return f->user->on_result ? f->user->on_result(r, f->user->user) : LLMB_OK;
}

static void frame_event(const struct llmb_event *ev, void *u)
{
    struct frame *f = u;
    if (!f->user->on_event)
        return;
    struct llmb_event e = *ev;
    e.index += f->offset;
    e.n = f->n_planned;
    f->user->on_event(&e, f->user->user);
}

int llmb_runner_execute(const struct llmb_engine_ops *engine, const struct llmb_instance *v, size_t n,
                        const struct llmb_run_params *rp, const struct llmb_exec_params *xp,
                        const struct llmb_runner_hooks *hooks, struct llmb_error *err)
{
    static const struct llmb_runner_hooks none;
    struct frame f = {.user = hooks ? hooks : &none};
    f.n_planned = xp->n_planned > n ? xp->n_planned : n;
    f.offset = xp->first_index ? xp->first_index : f.n_planned - n;
    struct llmb_runner_hooks h = {.on_result = frame_result, .on_event = frame_event, .user = &f};
    struct llmb_event ev = {.type = LLMB_EV_RUN_STARTED,
                            .n = f.n_planned,
                            .estimate_s = xp->estimate_s,
                            .run_id = xp->run_id,
                            .value = NAN,
                            .interleave = rp->interleave};
    for (size_t i = 0; i < n; i++)
        if (v[i].kind >= 0 && v[i].kind < LLMB_WL_COUNT)
            ev.n_kind[v[i].kind]++;
    frame_event(&ev, &f);
    int rc = xp->isolate      ? llmb_runner_run_isolated(engine, v, n, rp, &h, xp->timeout_s, xp->stop, err)
             : rp->interleave ? llmb_runner_interleaved(engine, v, n, rp, &h, xp->stop, err)
                              : run_here(engine, v, n, rp, &h, xp->stop, err);
    struct llmb_event end = {.type = LLMB_EV_RUN_FINISHED, .n = f.n_planned, .run_id = xp->run_id, .value = NAN,
                             .status = rc == LLMB_E_INTERRUPTED ? "interrupted" : rc || f.n_failed ? "failed" : "complete",
                             .n_done = f.n_done, .n_failed = f.n_failed, .text = rc ? err->msg : NULL};
    frame_event(&end, &f);
    return rc;
}
