/* recommend.c - which configurations to use, from what the store holds (see
 * analysis.h). A configuration is a model with its engine parameters
 * (threads, batch, ubatch, KV types, flash attention, GPU layers); its
 * figures are generation speed (tg t/s), prompt speed (pp t/s), peak memory
 * and, where measured, quality (KLD, perplexity: the model's latest figures
 * from the quality tests stored for the same file, see llmb_store_record).
 * Quality tests are no configurations of their own. Those meeting the
 * limits and not dominated by another on every figure both have form the
 * Pareto front, best first; every other one gets the reason it lost. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "llmbench/analysis.h"

static const struct {
    const char *name, *unit, *flag;
    int sign;
} figs[LLMB_RF_COUNT] = {
    [LLMB_RF_TG] = {"tg", "t/s", "--min-tg", +1},       [LLMB_RF_PP] = {"pp", "t/s", "--min-pp", +1},
    [LLMB_RF_MEM] = {"memory", "", "--max-memory", -1}, [LLMB_RF_KLD] = {"KLD", "", "--max-kld", -1},
    [LLMB_RF_PPL] = {"PPL", "", "--max-ppl", -1},
};

static int known(int f)
{
    return f >= 0 && f < LLMB_RF_COUNT;
}

const char *llmb_rec_figure_name(int f)
{
    return known(f) ? figs[f].name : "?";
}

const char *llmb_rec_figure_unit(int f)
{
    return known(f) ? figs[f].unit : "";
}

const char *llmb_rec_figure_flag(int f)
{
    return known(f) ? figs[f].flag : "?";
}

int llmb_rec_figure_sign(int f)
{
    return known(f) ? figs[f].sign : 0;
}

void llmb_rec_figure_text(int f, double v, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else if (f == LLMB_RF_MEM)
        llmb_fmt_bytes(buf, len, v);
    else if (f == LLMB_RF_KLD)
        snprintf(buf, len, "%.4f", v);
    else
        snprintf(buf, len, "%.2f", v);
}

void llmb_rec_params_init(struct llmb_rec_params *p)
{
    memset(p, 0, sizeof *p);
    for (int f = 0; f < LLMB_RF_COUNT; f++)
        p->limit[f] = NAN;
}

static void label(const struct llmb_result *r, char *buf, size_t len)
{
    const struct llmb_instance *in = &r->inst;
    snprintf(buf, len, "%s, t=%d b=%d ub=%d kv=%s/%s fa=%s ngl=%d", r->model.desc[0] ? r->model.desc : in->model,
             in->n_threads, in->n_batch, in->n_ubatch, in->type_k, in->type_v,
             in->flash_attn == 1   ? "on"
             : in->flash_attn == 0 ? "off"
                                   : "auto",
             in->n_gpu_layers);
}

/* Groups records into configurations and averages their figures. */
static int gather(struct llmb_rec_result *out)
{
    const struct llmb_store_record *v = out->recs;
    size_t n = out->n_recs, k = 0;
    double(*sum)[2] = calloc(n ? n : 1, sizeof *sum);
    int(*cnt)[2] = calloc(n ? n : 1, sizeof *cnt);
    struct llmb_rec_config *c = out->configs = calloc(n ? n : 1, sizeof *c);
    if (!sum || !cnt || !c) {
        free(sum);
        free(cnt);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const struct llmb_result *r = &v[i].r;
        if (r->inst.kind != LLMB_WL_SPEED)
            continue; /* its figures reach the speed tests of its model through kld/ppl */
        char key[LLMB_STORE_KEY_MAX];
        snprintf(key, sizeof key, "%s", v[i].instance_key);
        char *shape = strstr(key, ";d=");
        if (shape)
            *shape = 0;
        size_t j = 0;
        while (j < k && strcmp(c[j].key, key))
            j++;
        struct llmb_rec_config *x = &c[j];
        if (j == k) { /* a new configuration */
            snprintf(x->key, sizeof x->key, "%s", key);
            x->rec = &v[i];
            label(r, x->label, sizeof x->label);
            for (int f = 0; f < LLMB_RF_COUNT; f++)
                x->fig[f] = NAN;
            k++;
        }
        if (r->inst.n_gen > 0 && r->tg_ts.n > 0)
            sum[j][0] += r->tg_ts.mean, cnt[j][0]++;
        if (r->inst.n_prompt > 0 && r->pp_ts.n > 0)
            sum[j][1] += r->pp_ts.mean, cnt[j][1]++;
        if (r->peak_rss > 0 && (isnan(x->fig[LLMB_RF_MEM]) || (double)r->peak_rss > x->fig[LLMB_RF_MEM]))
            x->fig[LLMB_RF_MEM] = (double)r->peak_rss;
        if (!isnan(v[i].kld))
            x->fig[LLMB_RF_KLD] = v[i].kld;
        if (!isnan(v[i].ppl))
            x->fig[LLMB_RF_PPL] = v[i].ppl;
    }
    for (size_t j = 0; j < k; j++) {
        c[j].fig[LLMB_RF_TG] = cnt[j][0] ? sum[j][0] / cnt[j][0] : NAN;
        c[j].fig[LLMB_RF_PP] = cnt[j][1] ? sum[j][1] / cnt[j][1] : NAN;
    }
    out->n_configs = k;
    free(sum);
    free(cnt);
    return 0;
}

/* Writes the limits x breaks into x->why; returns how many. */
static int violations(const struct llmb_rec_params *p, struct llmb_rec_config *x)
{
    int bad = 0;
    size_t len = 0;
    for (int f = 0; f < LLMB_RF_COUNT; f++) {
        double lim = p->limit[f], v = x->fig[f];
        if (isnan(lim) || (!isnan(v) && (figs[f].sign > 0 ? v >= lim : v <= lim)))
            continue;
        char a[32], b[32];
        llmb_rec_figure_text(f, v, a, sizeof a);
        llmb_rec_figure_text(f, lim, b, sizeof b);
        if (len < sizeof x->why)
            len += (size_t)snprintf(x->why + len, sizeof x->why - len, "%sviolates %s %s (%s)", bad ? "; " : "",
                                    figs[f].flag, b, isnan(v) ? "not measured" : a);
        bad++;
    }
    return bad;
}

/* 1 when a is at least as good as b on every figure both have, better on
 * one, and they share a figure. */
static int dominates(const struct llmb_rec_config *a, const struct llmb_rec_config *b)
{
    int shared = 0, better = 0;
    for (int f = 0; f < LLMB_RF_COUNT; f++) {
        if (isnan(a->fig[f]) || isnan(b->fig[f]))
            continue;
        shared++;
        double d = figs[f].sign * (a->fig[f] - b->fig[f]);
        if (d < 0)
            return 0;
        better |= d > 0;
    }
    return shared && better;
}

static void why_dominated(const struct llmb_rec_config *a, struct llmb_rec_config *b)
{
    char who[340];
    if (a->rank)
        snprintf(who, sizeof who, "#%d", a->rank);
    else
        snprintf(who, sizeof who, "%s", a->label);
    size_t len = (size_t)snprintf(b->why, sizeof b->why, "dominated by %s (", who);
    int first = 1;
    for (int f = 0; f < LLMB_RF_COUNT && len < sizeof b->why; f++) {
        if (isnan(a->fig[f]) || isnan(b->fig[f]) || figs[f].sign * (a->fig[f] - b->fig[f]) <= 0)
            continue;
        char x[32], y[32];
        llmb_rec_figure_text(f, a->fig[f], x, sizeof x);
        llmb_rec_figure_text(f, b->fig[f], y, sizeof y);
        len += (size_t)snprintf(b->why + len, sizeof b->why - len, "%s%s %s vs %s%s%s", first ? "" : ", ", figs[f].name,
                                x, y, figs[f].unit[0] ? " " : "", figs[f].unit);
        first = 0;
    }
    if (len < sizeof b->why)
        snprintf(b->why + len, sizeof b->why - len, ", no worse elsewhere)");
}

static int by_speed(const void *pa, const void *pb)
{
    const struct llmb_rec_config *a = *(const struct llmb_rec_config *const *)pa,
                                 *b = *(const struct llmb_rec_config *const *)pb;
    for (int f = LLMB_RF_TG; f <= LLMB_RF_PP; f++) {
        double x = isnan(a->fig[f]) ? -1 : a->fig[f], y = isnan(b->fig[f]) ? -1 : b->fig[f];
        if (x != y)
            return x < y ? 1 : -1;
    }
    return 0;
}

/* The front (those within the limits that nothing within them dominates),
 * best first, and the reason each other one lost: a front member first. */
static int rank(const struct llmb_rec_params *p, struct llmb_rec_result *out)
{
    struct llmb_rec_config *c = out->configs;
    size_t n = out->n_configs, nf = 0;
    if (!(out->front = calloc(n ? n : 1, sizeof *out->front)))
        return -1;
    for (size_t i = 0; i < n; i++)
        c[i].violates = violations(p, &c[i]);
    for (size_t i = 0; i < n; i++) {
        int dom = c[i].violates != 0;
        for (size_t j = 0; j < n && !dom; j++)
            dom = j != i && !c[j].violates && dominates(&c[j], &c[i]);
        if (!dom)
            out->front[nf++] = &c[i];
    }
    qsort(out->front, nf, sizeof *out->front, by_speed);
    for (size_t i = 0; i < nf; i++)
        out->front[i]->rank = (int)i + 1;
    for (size_t i = 0; i < n; i++) {
        if (c[i].violates || c[i].rank)
            continue;
        const struct llmb_rec_config *by = NULL;
        for (size_t j = 0; j < nf && !by; j++)
            if (dominates(out->front[j], &c[i]))
                by = out->front[j];
        for (size_t j = 0; j < n && !by; j++)
            if (j != i && !c[j].violates && dominates(&c[j], &c[i]))
                by = &c[j];
        if (by)
            why_dominated(by, &c[i]);
    }
    out->n_front = nf;
    return 0;
}

int llmb_rec_run(struct llmb_store *s, const struct llmb_rec_params *p, struct llmb_rec_result *out,
                 struct llmb_error *err)
{
    memset(out, 0, sizeof *out);
    struct llmb_store_filter f = p->filter;
    f.complete_only = 1;
    int rc = llmb_store_query(s, &f, &out->recs, &out->n_recs, err);
    if (!rc && out->n_recs == 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "no results match: nothing to recommend from");
    if (!rc && (gather(out) || rank(p, out)))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    return rc;
}

void llmb_rec_free(struct llmb_rec_result *r)
{
    free(r->configs);
    free(r->front);
    llmb_store_records_free(r->recs, r->n_recs);
    memset(r, 0, sizeof *r);
}
