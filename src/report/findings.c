/* findings.c - the report's key findings, computed from the data, and its
 * charts. Findings: the fastest configuration for generation and for
 * prompts, the smallest model that keeps quality (perplexity within
 * quality_pct of the reference's, or the best's), and the best
 * configuration per memory budget: recommend's Pareto front
 * (src/analysis/recommend.c) in order of memory, with the reason each
 * other configuration lost. Charts: pp and tg per test with their 95%
 * intervals, tg against peak memory with the front, perplexity against
 * file size. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "report/sections.h"

#define LLMB_REPORT_MAX_BARS 48

void llmb_report_config_label(const struct llmb_rctx *c, const struct llmb_rec_config *x, int full, char *buf,
                              size_t len)
{
    const char *path = x->rec->r.model.path, *set = strstr(x->label, ", t=");
    if (full) { /* the file, then recommend's settings */
        snprintf(buf, len, "%s%s", llmb_report_base(path), set ? set : "");
        return;
    }
    int shared = 0;
    for (size_t i = 0; i < c->rec.n_configs; i++)
        shared |= &c->rec.configs[i] != x && !strcmp(c->rec.configs[i].rec->r.model.path, path);
    const struct llmb_instance *in = &x->rec->r.inst;
    if (shared)
        snprintf(buf, len, "%s t=%d b=%d", llmb_report_base(path), in->n_threads, in->n_batch);
    else
        snprintf(buf, len, "%s", llmb_report_base(path));
}

static void fastest(struct llmb_rctx *c, int fig, const char *what)
{
    const struct llmb_rec_config *best = NULL;
    for (size_t i = 0; i < c->rec.n_configs; i++)
        if (!isnan(c->rec.configs[i].fig[fig]) && (!best || c->rec.configs[i].fig[fig] > best->fig[fig]))
            best = &c->rec.configs[i];
    char name[512];
    if (!best)
        return;
    llmb_report_config_label(c, best, 1, name, sizeof name);
    llmb_rdoc_item(c->doc, "Fastest %s: %s at %.2f tokens/s (mean over its %s tests).", what, name, best->fig[fig],
                   fig == LLMB_RF_TG ? "generation" : "prompt");
}

static void smallest(struct llmb_rctx *c)
{
    const struct llmb_rmodel *base = llmb_report_ppl_base(c), *best = NULL;
    if (!base)
        return;
    double lim = base->fig[LLMB_CM_PPL].v * (1 + c->p->quality_pct / 100);
    char over[512] = "";
    size_t len = 0;
    for (size_t i = 0; i < c->n_models; i++) {
        const struct llmb_rmodel *m = &c->models[i];
        if (!m->have[LLMB_CM_PPL] || !m->rec->r.model.file_size)
            continue;
        if (m->fig[LLMB_CM_PPL].v <= lim) {
            if (!best || m->rec->r.model.file_size < best->rec->r.model.file_size)
                best = m;
        } else if (len < sizeof over)
            len += (size_t)snprintf(over + len, sizeof over - len, "%s%s (%+.2f%%)", len ? ", " : "", m->label,
                                    100 * (m->fig[LLMB_CM_PPL].v / base->fig[LLMB_CM_PPL].v - 1));
    }
    if (!best)
        return;
    char size[32];
    llmb_fmt_bytes(size, sizeof size, (double)best->rec->r.model.file_size);
    llmb_rdoc_item(c->doc,
                   "Smallest model that keeps quality (perplexity within %.2g%% of %s's %.4f): %s, %s, PPL %.4f "
                   "(%+.2f%%)%s%s.",
                   c->p->quality_pct, base->label, base->fig[LLMB_CM_PPL].v, best->label, size,
                   best->fig[LLMB_CM_PPL].v, 100 * (best->fig[LLMB_CM_PPL].v / base->fig[LLMB_CM_PPL].v - 1),
                   len ? "; beyond the threshold: " : "", over);
}

static int by_memory(const void *a, const void *b)
{
    double x = (*(const struct llmb_rec_config *const *)a)->fig[LLMB_RF_MEM],
           y = (*(const struct llmb_rec_config *const *)b)->fig[LLMB_RF_MEM];
    x = isnan(x) ? INFINITY : x, y = isnan(y) ? INFINITY : y;
    return (x > y) - (x < y);
}

static void front(struct llmb_rctx *c)
{
    const struct llmb_rec_result *r = &c->rec;
    struct llmb_report *d = c->doc;
    if (!r->n_front)
        return;
    struct llmb_rec_config **v = malloc(r->n_front * sizeof *v);
    if (!v) {
        d->oom = 1;
        return;
    }
    memcpy(v, r->front, r->n_front * sizeof *v);
    qsort(v, r->n_front, sizeof *v, by_memory);
    llmb_rdoc_heading(d, 3, NULL, "Best per memory budget (Pareto front)");
    llmb_rdoc_para(d, "The configurations no other beats on every figure (tg and pp speed, peak memory, and KLD and "
                      "perplexity where measured: llmbench recommend's front), by the memory they need.");
    static const char *const h[] = {"memory budget", "configuration", "rank", "tg t/s",
                                    "pp t/s",        "peak RSS",      "KLD",  "PPL"};
    llmb_rdoc_table(d, 8, h, "llrrrrrr");
    for (size_t i = 0; i < r->n_front; i++) {
        char budget[48], rank[16], f[LLMB_RF_COUNT][32], name[512];
        llmb_report_config_label(c, v[i], 1, name, sizeof name);
        for (int k = 0; k < LLMB_RF_COUNT; k++)
            llmb_rec_figure_text(k, v[i]->fig[k], f[k], sizeof f[k]);
        if (isnan(v[i]->fig[LLMB_RF_MEM]))
            snprintf(budget, sizeof budget, "unknown");
        else
            snprintf(budget, sizeof budget, "from %s", f[LLMB_RF_MEM]);
        snprintf(rank, sizeof rank, "#%d", v[i]->rank);
        const char *row[] = {budget,        name,           rank,           f[LLMB_RF_TG],
                             f[LLMB_RF_PP], f[LLMB_RF_MEM], f[LLMB_RF_KLD], f[LLMB_RF_PPL]};
        llmb_rdoc_row(d, row);
    }
    free(v);
    if (r->n_front < r->n_configs) {
        llmb_rdoc_para(d, "Why each other configuration lost:");
        for (size_t i = 0; i < r->n_configs; i++)
            if (!r->configs[i].rank) {
                char name[512];
                llmb_report_config_label(c, &r->configs[i], 1, name, sizeof name);
                llmb_rdoc_item(d, "%s: %s", name,
                               r->configs[i].why[0] ? r->configs[i].why : "not comparable (no shared figure)");
            }
    }
}

void llmb_report_findings(struct llmb_rctx *c)
{
    struct llmb_report *d = c->doc;
    llmb_rdoc_heading(d, 2, "findings", "Key findings");
    size_t before = d->n;
    fastest(c, LLMB_RF_TG, "generation");
    fastest(c, LLMB_RF_PP, "prompt processing");
    smallest(c);
    if (c->n_failed)
        llmb_rdoc_item(d, "%zu test%s failed (reasons in the status matrix).", c->n_failed,
                       c->n_failed == 1 ? "" : "s");
    if (d->n == before)
        llmb_rdoc_para(d, "Nothing to compare: the selection holds no completed speed or quality test.");
    front(c);
}

/* Bars of one speed figure (tg or pp) per test, with its 95% interval. */
static void bars(struct llmb_rctx *c, int tg)
{
    struct llmb_rpoint *p = calloc(c->n_recs ? c->n_recs : 1, sizeof *p);
    size_t n = 0, more = 0;
    for (size_t i = 0; p && i < c->n_recs; i++) {
        const struct llmb_result *r = &c->recs[i].r;
        const struct llmb_stats *st = tg ? &r->tg_ts : &r->pp_ts;
        if (r->error || r->inst.kind != LLMB_WL_SPEED || st->n == 0 || (tg ? r->inst.n_gen : r->inst.n_prompt) <= 0)
            continue;
        if (n == LLMB_REPORT_MAX_BARS) { /* a chart stays readable: the table has them all */
            more++;
            continue;
        }
        char test[64];
        llmb_instance_test_name(&r->inst, test, sizeof test);
        snprintf(p[n].label, sizeof p[n].label, "%.60s %.30s", llmb_report_base(r->model.path), test);
        p[n].y = st->mean;
        p[n].lo = st->n >= 2 ? fmax(0, st->mean - st->ci95_half) : NAN;
        p[n].hi = st->n >= 2 ? st->mean + st->ci95_half : NAN;
        for (size_t k = 0; k < c->rec.n_front; k++)
            p[n].mark |= !strncmp(c->recs[i].instance_key, c->rec.front[k]->key, strlen(c->rec.front[k]->key));
        n++;
    }
    if (!n) {
        free(p);
        c->doc->oom |= p == NULL;
        return;
    }
    char title[160];
    size_t len = (size_t)snprintf(title, sizeof title,
                                  "%s speed per test (bars: mean, whiskers: 95%% interval; "
                                  "blue: on the Pareto front)",
                                  tg ? "Generation" : "Prompt processing");
    if (more)
        snprintf(title + len, sizeof title - len, "; the first %d of %zu", LLMB_REPORT_MAX_BARS,
                 (size_t)LLMB_REPORT_MAX_BARS + more);
    llmb_rdoc_chart(c->doc, LLMB_RC_BARS, title, tg ? "tg tokens/s" : "pp tokens/s", NULL, 0, p, n);
}

static int by_x(const void *a, const void *b)
{
    double x = ((const struct llmb_rpoint *)a)->x, y = ((const struct llmb_rpoint *)b)->x;
    return (x > y) - (x < y);
}

/* tg against peak memory, one point per configuration, the front joined. */
static void memory_chart(struct llmb_rctx *c)
{
    struct llmb_rpoint *p = calloc(c->rec.n_configs ? c->rec.n_configs : 1, sizeof *p);
    size_t n = 0;
    for (size_t i = 0; p && i < c->rec.n_configs; i++) {
        const struct llmb_rec_config *x = &c->rec.configs[i];
        if (isnan(x->fig[LLMB_RF_MEM]) || isnan(x->fig[LLMB_RF_TG]))
            continue;
        llmb_report_config_label(c, x, 0, p[n].label, sizeof p[n].label);
        p[n].x = x->fig[LLMB_RF_MEM] / (1024.0 * 1024.0);
        p[n].y = x->fig[LLMB_RF_TG];
        p[n].mark = x->rank > 0;
        n++;
    }
    if (!n) {
        free(p);
        c->doc->oom |= p == NULL;
        return;
    }
    qsort(p, n, sizeof *p, by_x);
    llmb_rdoc_chart(c->doc, LLMB_RC_SCATTER, "Generation speed against peak memory (blue, joined: the Pareto front)",
                    "peak RSS (MiB)", "tg tokens/s", 0, p, n);
}

/* Perplexity against file size, one point per model; blue: within the threshold. */
static void quality_chart(struct llmb_rctx *c)
{
    const struct llmb_rmodel *base = llmb_report_ppl_base(c);
    struct llmb_rpoint *p = base ? calloc(c->n_models, sizeof *p) : NULL;
    size_t n = 0;
    for (size_t i = 0; p && i < c->n_models; i++) {
        const struct llmb_rmodel *m = &c->models[i];
        if (!m->have[LLMB_CM_PPL] || !m->rec->r.model.file_size)
            continue;
        snprintf(p[n].label, sizeof p[n].label, "%.95s", m->label);
        p[n].x = (double)m->rec->r.model.file_size / (1024.0 * 1024.0);
        p[n].y = m->fig[LLMB_CM_PPL].v;
        p[n].mark = p[n].y <= base->fig[LLMB_CM_PPL].v * (1 + c->p->quality_pct / 100);
        n++;
    }
    if (!n) {
        free(p);
        return;
    }
    qsort(p, n, sizeof *p, by_x);
    char title[160];
    snprintf(title, sizeof title, "Perplexity against file size (blue: within %.2g%% of %.60s)", c->p->quality_pct,
             base->label);
    llmb_rdoc_chart(c->doc, LLMB_RC_DOTS, title, "file size (MiB, log scale)", "perplexity", 1, p, n);
}

void llmb_report_charts(struct llmb_rctx *c)
{
    if (!c->n_speed && !c->n_models)
        return;
    llmb_rdoc_heading(c->doc, 2, "charts", "Charts");
    bars(c, 1);
    bars(c, 0);
    memory_chart(c);
    quality_chart(c);
}
