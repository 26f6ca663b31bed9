/* interleave.c - bench --interleave: two or more configurations measured
 * repetition by repetition in alternation, so drift (heat, a neighbour, the
 * frequency governor) hits them all alike, and each compared with its base
 * round by round. Every instance is opened first (its own engine state:
 * its own context, threads and KV types; a model file is mapped once by the
 * page cache), rested and warmed up; then round r runs one repetition of
 * each, in plan order on even rounds and reversed on odd ones (A B, B A,
 * ...). A test's base is the first instance of the same test shape (pp,
 * tg, depth); its ratio is the median over rounds of t/s / the base's t/s
 * of that round, with the distribution-free 95% interval of that median
 * (stats.h). Results are delivered after the last round. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/probe.h"
#include "llmbench/roofline.h"
#include "llmbench/stats.h"
#include "runner_int.h"
#include "workload/workload.h"

struct slot {
    struct llmb_emitter em;
    struct llmb_wl_ctx c;
    struct llmb_model_info mi;
    struct llmb_result res;
    struct llmb_speed_job *job;
    void *st;
    int kept; /* res owns its samples (llmb_speed_release) */
};

static const char *base_name(const char *p)
{
    const char *s = p ? strrchr(p, '/') : NULL;
    return s ? s + 1 : p ? p : "";
}

/* One "name=value" of an instance, i-th of the parameters a label may hold; NULL past the last. */
static const char *param(const struct llmb_instance *in, int i, char *buf, size_t len)
{
    switch (i) {
    case 0: snprintf(buf, len, "t=%d", in->n_threads); break;
    case 1: snprintf(buf, len, "b=%d", in->n_batch); break;
    case 2: snprintf(buf, len, "ub=%d", in->n_ubatch); break;
    case 3: snprintf(buf, len, "ctk=%s", in->type_k ? in->type_k : "f16"); break;
    case 4: snprintf(buf, len, "ctv=%s", in->type_v ? in->type_v : "f16"); break;
    case 5: snprintf(buf, len, "fa=%d", in->flash_attn); break;
    case 6: snprintf(buf, len, "ngl=%d", in->n_gpu_layers); break;
    case 7: snprintf(buf, len, "poll=%d", llmb_instance_poll(in)); break;
    case 8: snprintf(buf, len, "C=%s", in->cpu_mask ? in->cpu_mask : "0x0"); break;
    case 9: snprintf(buf, len, "dev=%s", in->devices ? in->devices : "auto"); break;
    case 10: snprintf(buf, len, "ts=%s", in->tensor_split ? in->tensor_split : "0.00"); break;
    case 11: snprintf(buf, len, "sm=%d", in->split_mode); break;
    case 12: snprintf(buf, len, "nkvo=%d", in->no_kv_offload); break;
    case 13: snprintf(buf, len, "occurrence=%d", in->occurrence + 1); break;
    default: return NULL;
    }
    return buf;
}

static int same_shape(const struct llmb_instance *a, const struct llmb_instance *b)
{
    return a->n_prompt == b->n_prompt && a->n_gen == b->n_gen && a->n_depth == b->n_depth;
}

/* k's model file name (its path when another file of the same name is in
 * the comparison), then the parameters that differ among the instances of
 * k's test shape, as "name=value". */
static void label(const struct llmb_instance *v, size_t n, size_t k, char *out, size_t len)
{
    const char *name = base_name(v[k].model);
    for (size_t j = 0; j < n; j++)
        if (strcmp(base_name(v[j].model), name) == 0 && strcmp(v[j].model, v[k].model) != 0)
            name = v[k].model;
    size_t at = (size_t)snprintf(out, len, "%s", name);
    char a[200], b[200];
    for (int i = 0; at < len && param(&v[k], i, a, sizeof a); i++) {
        int differs = 0;
        for (size_t j = 0; j < n && !differs; j++)
            differs = same_shape(&v[j], &v[k]) && strcmp(param(&v[j], i, b, sizeof b), a) != 0;
        if (differs)
            at += (size_t)snprintf(out + at, len - at, " %s", a);
    }
}

/* Fills each result's paired comparison with its base (the first instance of its shape). */
static void pair_up(struct slot *s, const struct llmb_instance *v, size_t n, size_t rounds)
{
    double *ratio = malloc(sizeof *ratio * (rounds ? rounds : 1));
    for (size_t k = 0; k < n; k++) {
        struct llmb_result_paired *p = &s[k].res.paired;
        size_t b = 0;
        while (!same_shape(&v[b], &v[k]))
            b++;
        p->rounds = (uint32_t)rounds;
        label(v, n, k, p->label, sizeof p->label);
        label(v, n, b, p->base, sizeof p->base);
        p->ratio = p->lo = p->hi = NAN;
        if (b == k || !ratio)
            continue;
        const struct llmb_result *x = &s[b].res, *y = &s[k].res;
        size_t m = 0;
        for (size_t r = 0; r < rounds && r < x->n_samples && r < y->n_samples; r++)
            if (x->total_ns[r] && y->total_ns[r]) /* equal token counts: a ratio of rates is one of times */
                ratio[m++] = (double)x->total_ns[r] / (double)y->total_ns[r];
        struct llmb_stats st;
        llmb_stats_compute(ratio, m, &st);
        if (m) {
            p->ratio = st.median;
            p->lo = st.median_lo;
            p->hi = st.median_hi;
        }
    }
    free(ratio);
}

int llmb_runner_interleave_check(const struct llmb_instance *v, size_t n, const struct llmb_run_params *rp,
                                 struct llmb_error *err)
{
    if (rp->auto_reps || rp->reps < 1)
        return llmb_error_set(err, LLMB_E_INVAL,
                              "--interleave needs a fixed number of repetitions (-r N): the rounds pair them");
    int pairs = 0;
    for (size_t k = 0; k < n; k++) {
        if (v[k].kind != LLMB_WL_SPEED)
            return llmb_error_set(err, LLMB_E_INVAL, "--interleave runs speed tests only");
        for (size_t j = 0; j < k; j++)
            pairs |= same_shape(&v[j], &v[k]);
    }
    if (!pairs)
        return llmb_error_set(err, LLMB_E_INVAL,
                              "--interleave: nothing to compare: give two or more configurations of a test "
                              "(models with -m A,B, or lists such as -t 1,2 or -ctk f16,q8_0)");
    return LLMB_OK;
}

int llmb_runner_interleaved(const struct llmb_engine_ops *e, const struct llmb_instance *v, size_t n,
                            const struct llmb_run_params *rp, const struct llmb_runner_hooks *h, volatile int *stop,
                            struct llmb_error *err)
{
    int bad = llmb_runner_interleave_check(v, n, rp, err);
    if (bad)
        return bad;
    struct slot *s = calloc(n ? n : 1, sizeof *s);
    if (!s)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    unsigned seed = rp->seed;
    int rc = LLMB_OK;
    size_t k = 0;
    llmb_probe_mem_reset_peak();
    for (; k < n && rc == LLMB_OK; k++) {
        struct slot *t = &s[k];
        t->em = (struct llmb_emitter){.h = h, .inst = &v[k], .index = k, .n = n};
        llmb_runner_emit_type(&t->em, LLMB_EV_INSTANCE_STARTED, NULL);
        if ((rc = llmb_runner_open(e, &v[k], rp, &t->em, &t->st, &t->mi, err)))
            break;
        t->res.inst = v[k];
        t->res.model = t->mi;
        llmb_runner_now(t->res.test_time, sizeof t->res.test_time);
        t->c = (struct llmb_wl_ctx){
            .e = e, .st = t->st, .mi = &t->mi, .rp = rp, .seed = &seed, .emit = llmb_runner_emit, .user = &t->em};
        rc = llmb_speed_begin(&t->c, &v[k], &t->res, &t->job, err);
        if (stop && *stop && !rc)
            rc = llmb_error_set(err, LLMB_E_INTERRUPTED, "interrupted: the interleaved tests were not finished");
    }
    size_t rounds = 0;
    for (; rc == LLMB_OK && rounds < (size_t)rp->reps; rounds++) {
        for (size_t i = 0; i < n && rc == LLMB_OK; i++)
            rc = llmb_speed_rep(s[rounds % 2 ? n - 1 - i : i].job, err);
        if (!rc && stop && *stop)
            rc = llmb_error_set(err, LLMB_E_INTERRUPTED, "interrupted: the interleaved tests were not finished");
    }
    for (size_t i = 0; i < n; i++) {
        llmb_speed_end(s[i].job, rc == LLMB_OK);
        s[i].kept = rc == LLMB_OK && s[i].job;
        s[i].job = NULL;
    }
    if (rc == LLMB_OK) {
        pair_up(s, v, n, rounds);
        uint64_t peak = llmb_probe_mem_peak_rss();
        for (size_t i = 0; i < n && rc == LLMB_OK; i++) {
            struct llmb_result *r = &s[i].res;
            r->peak_rss = peak; /* one process held them all */
            llmb_roofline_apply(r, rp->peak_gbs);
            snprintf(r->machine.energy_note, sizeof r->machine.energy_note, "%s",
                     "energy not sampled: interleaved tests share the time");
            if (h && h->on_result)
                rc = h->on_result(r, h->user);
            if (!rc)
                llmb_runner_emit_type(&s[i].em, LLMB_EV_INSTANCE_FINISHED, r);
        }
    } else if (k > 0) {
        struct llmb_event ev = {.type = LLMB_EV_INSTANCE_FAILED, .value = NAN, .text = err ? err->msg : NULL};
        llmb_runner_emit(&ev, &s[k - 1 < n ? k - 1 : 0].em);
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i].kept)
            llmb_speed_release(&s[i].res);
        if (s[i].st)
            e->close(s[i].st);
    }
    free(s);
    return rc;
}
