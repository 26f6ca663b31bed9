/* figures.c - compare's metrics: names, units, direction, and the figure
 * each reads from a stored record (see figures.h and analysis.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "figures.h"
#include "llmbench/analysis.h"

static const struct {
    const char *name, *unit;
    int quality, higher_is_worse;
} metrics[LLMB_CM_COUNT] = {
    [LLMB_CM_TS] = {"ts", "t/s", 0, 0},       [LLMB_CM_PP] = {"pp", "pp t/s", 0, 0},
    [LLMB_CM_TG] = {"tg", "tg t/s", 0, 0},    [LLMB_CM_TTFT] = {"ttft", "ttft ms", 0, 1},
    [LLMB_CM_PPL] = {"ppl", "PPL", 1, 1},     [LLMB_CM_KLD] = {"kld", "KLD", 1, 1},
    [LLMB_CM_TOP1] = {"top1", "top-1", 1, 0}, [LLMB_CM_SUITE] = {"suite", "pass rate", 1, 0},
};

static int known(int m)
{
    return m >= 0 && m < LLMB_CM_COUNT;
}

const char *llmb_cmp_metric_name(int m)
{
    return known(m) ? metrics[m].name : "?";
}

const char *llmb_cmp_metric_unit(int m)
{
    return known(m) ? metrics[m].unit : "?";
}

int llmb_cmp_metric_is_quality(int m)
{
    return known(m) && metrics[m].quality;
}

int llmb_cmp_metric_higher_is_worse(int m)
{
    return known(m) && metrics[m].higher_is_worse;
}

int llmb_cmp_metric_parse(const char *name)
{
    for (int m = 0; name && m < LLMB_CM_COUNT; m++)
        if (!strcmp(name, metrics[m].name))
            return m;
    return -1;
}

int llmb_fig_kind_has(int kind, int metric)
{
    switch (metric) {
    case LLMB_CM_PPL: return kind == LLMB_WL_PPL || kind == LLMB_WL_KLD;
    case LLMB_CM_KLD:
    case LLMB_CM_TOP1: return kind == LLMB_WL_KLD;
    case LLMB_CM_SUITE: return kind == LLMB_WL_SUITE;
    default: return kind == LLMB_WL_SPEED || kind == LLMB_WL_LOAD; /* load: per-request samples */
    }
}

double llmb_fig_sample(const struct llmb_result *r, int metric, size_t i)
{
    const struct llmb_instance *in = &r->inst;
    switch (metric) {
    case LLMB_CM_TS: return r->total_ns[i] ? 1e9 * (in->n_prompt + in->n_gen) / (double)r->total_ns[i] : NAN;
    case LLMB_CM_PP: return in->n_prompt > 0 && r->pp_ns[i] ? 1e9 * in->n_prompt / (double)r->pp_ns[i] : NAN;
    case LLMB_CM_TG: return in->n_gen > 0 && r->tg_ns[i] ? 1e9 * in->n_gen / (double)r->tg_ns[i] : NAN;
    case LLMB_CM_TTFT: return in->n_gen > 0 && r->ttft_ns[i] ? (double)r->ttft_ns[i] / 1e6 : NAN;
    default: return NAN;
    }
}

int llmb_fig_quality(const struct llmb_store_record *rec, int metric, struct llmb_fig *f)
{
    const struct llmb_result *r = &rec->r;
    const struct llmb_ppl_result *p = &r->ppl;
    int kind = r->inst.kind, kld = kind == LLMB_WL_KLD && p->have_kld;
    memset(f, 0, sizeof *f);
    f->v = f->se = NAN;
    switch (metric) {
    case LLMB_CM_PPL: f->v = p->ppl, f->se = p->ppl_err; return llmb_fig_kind_has(kind, metric) && isfinite(f->v);
    case LLMB_CM_KLD: f->v = p->kld_mean, f->se = p->kld_err; return kld && isfinite(f->v);
    case LLMB_CM_TOP1: f->v = p->top1, f->se = p->top1_err; return kld && isfinite(f->v);
    case LLMB_CM_SUITE: {
        struct llmb_suite_tally t;
        if (kind != LLMB_WL_SUITE)
            return 0;
        llmb_result_suite_tally(r, &t);
        f->k = t.passed, f->n = t.checked;
        if (t.checked) {
            f->v = (double)t.passed / (double)t.checked;
            f->se = sqrt(f->v * (1 - f->v) / (double)t.checked);
        }
        return t.checked > 0;
    }
    default: return 0;
    }
}

void llmb_cmp_test_name(const struct llmb_store_record *rec, char *buf, size_t len)
{
    if (rec->r.inst.kind == LLMB_WL_SPEED)
        llmb_instance_test_name(&rec->r.inst, buf, len);
    else
        snprintf(buf, len, "%s", rec->test);
}

void llmb_cmp_describe(const struct llmb_store_record *rec, char *buf, size_t len)
{
    const struct llmb_result *r = &rec->r;
    const struct llmb_instance *in = &r->inst;
    const char *model = r->model.desc[0] ? r->model.desc : in->kind == LLMB_WL_SPEED ? in->model : r->model.path;
    if (in->kind == LLMB_WL_LOAD) { /* "MODEL at URL": a server's settings are its own, not the request's */
        snprintf(buf, len, "%s", model);
        return;
    }
    size_t n = (size_t)snprintf(buf, len, "%s t=%d", model, in->n_threads);
    if (in->kind == LLMB_WL_SPEED && in->n_batch != 2048 && n < len)
        n += (size_t)snprintf(buf + n, len - n, " b=%d", in->n_batch);
    if (in->kind == LLMB_WL_SPEED && in->n_ubatch != 512 && n < len)
        n += (size_t)snprintf(buf + n, len - n, " ub=%d", in->n_ubatch);
    if (in->type_k && in->type_v && (strcmp(in->type_k, "f16") || strcmp(in->type_v, "f16")) && n < len)
        n += (size_t)snprintf(buf + n, len - n, " kv=%s/%s", in->type_k, in->type_v);
    if (in->kind == LLMB_WL_SPEED && in->flash_attn != -1 && n < len)
        n += (size_t)snprintf(buf + n, len - n, " fa=%d", in->flash_attn);
    if (in->n_gpu_layers != -1 && n < len)
        n += (size_t)snprintf(buf + n, len - n, " ngl=%d", in->n_gpu_layers);
    if (in->kind != LLMB_WL_SPEED)
        return;
    /* llama-bench's other parameters, and which of repeated tests, where not the default */
    size_t nf;
    const struct llmb_field *f = llmb_result_fields(&nf);
    for (size_t i = 0; i < nf && n < len; i++) {
        struct llmb_value v = {0};
        char text[256];
        if (!(f[i].flags & LLMB_FIELD_KEY) || !f[i].def)
            continue;
        f[i].get(r, &v);
        llmb_value_text(&f[i], &v, text, sizeof text);
        if (strcmp(text, f[i].def))
            n += (size_t)snprintf(buf + n, len - n, " %s=%s", f[i].md_name ? f[i].md_name : f[i].name, text);
    }
}
