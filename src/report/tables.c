/* tables.c - the report's speed and quality tables. Speed: one row per
 * stored speed test, its figures read through the result field table
 * (src/core/result.c: names and units), mean ± the 95% interval's half
 * width where the test has repetitions; energy and % of bandwidth appear
 * when some test measured them. Quality: one row per model, the latest
 * perplexity, KL divergence, top-1 agreement and suite pass rate measured
 * (analysis/figures.c reads them), each with its ± (standard error). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "report/sections.h"

int llmb_report_models(struct llmb_rctx *c)
{
    static const int ms[] = {LLMB_CM_PPL, LLMB_CM_KLD, LLMB_CM_TOP1, LLMB_CM_SUITE};
    if (!(c->models = calloc(c->n_recs ? c->n_recs : 1, sizeof *c->models)))
        return -1;
    for (size_t i = 0; i < c->n_recs; i++) {
        const struct llmb_store_record *rec = &c->recs[i];
        if (rec->r.error || rec->r.inst.kind == LLMB_WL_SPEED)
            continue;
        size_t j = 0;
        while (j < c->n_models && strcmp(c->models[j].rec->r.model.path, rec->r.model.path))
            j++;
        struct llmb_rmodel *m = &c->models[j];
        if (j == c->n_models) { /* a model not seen yet */
            c->n_models++;
            m->rec = rec;
            snprintf(m->label, sizeof m->label, "%s", llmb_report_base(rec->r.model.path));
            m->ref = "";
        }
        if (rec->r.inst.kind == LLMB_WL_KLD && rec->ref_model[0])
            m->ref = rec->ref_model;
        for (size_t k = 0; k < sizeof ms / sizeof *ms; k++) {
            struct llmb_fig f;
            if (llmb_fig_quality(rec, ms[k], &f)) /* oldest first: the latest stays */
                m->fig[ms[k]] = f, m->have[ms[k]] = 1;
        }
    }
    return 0;
}

/* Columns of the speed table: a field of the result table, the statistics
 * its interval comes from (offset in struct llmb_result, or none), and
 * whether it shows only when some test has it. */
static const struct {
    const char *field, *head;
    size_t stats; /* offsetof + 1; 0: no interval */
    int optional;
} cols[] = {
    {"pp_avg_ts", "pp", offsetof(struct llmb_result, pp_ts) + 1, 0},
    {"tg_avg_ts", "tg", offsetof(struct llmb_result, tg_ts) + 1, 0},
    {"ttft_avg_ms", "TTFT", offsetof(struct llmb_result, ttft_ms) + 1, 0},
    {"load_ms", "load", 0, 0},
    {"peak_rss_bytes", "peak RSS", 0, 0},
    {"energy_j_per_token", "energy per token", 0, 1},
    {"tg_bw_pct", "tg % of bandwidth", 0, 1},
};
#define NCOLS (sizeof cols / sizeof *cols)

static void cell(const struct llmb_result *r, size_t k, char *buf, size_t len)
{
    const struct llmb_field *f = llmb_result_field(cols[k].field);
    struct llmb_value v = {0};
    if (f)
        f->get(r, &v);
    if (!f || !v.known) {
        snprintf(buf, len, "-");
        return;
    }
    if (f->unit && !strcmp(f->unit, "bytes")) {
        llmb_fmt_bytes(buf, len, f->type == LLMB_FIELD_INT ? (double)v.i : v.d);
        return;
    }
    double x = f->type == LLMB_FIELD_INT ? (double)v.i : v.d;
    const struct llmb_stats *st =
        cols[k].stats ? (const struct llmb_stats *)((const char *)r + cols[k].stats - 1) : NULL;
    if (st && st->n >= 2)
        snprintf(buf, len, "%.2f \xc2\xb1 %.2f", x, st->ci95_half);
    else if (fabs(x) < 1 && x != 0) /* joules per token, small shares */
        snprintf(buf, len, "%.4f", x);
    else
        snprintf(buf, len, "%.2f", x);
}

/* The test's engine settings as compare describes them, less the model. */
static void settings(const struct llmb_store_record *rec, char *buf, size_t len)
{
    char all[512];
    llmb_cmp_describe(rec, all, sizeof all);
    const char *desc = rec->r.model.desc;
    size_t n = strlen(desc);
    const char *s = n && !strncmp(all, desc, n) ? all + n : all;
    snprintf(buf, len, "%s", s + strspn(s, " "));
}

void llmb_report_speed(struct llmb_rctx *c)
{
    struct llmb_report *d = c->doc;
    llmb_rdoc_heading(d, 2, "speed", "Speed");
    if (!c->n_speed) {
        llmb_rdoc_para(d, "The selection holds no completed speed test.");
        return;
    }
    int show[NCOLS];
    const char *head[6 + NCOLS] = {"run", "model", "quant", "settings", "test", "reps"};
    char hb[NCOLS][96], align[24] = "rllllr";
    int nc = 6;
    for (size_t k = 0; k < NCOLS; k++) {
        show[k] = !cols[k].optional;
        const struct llmb_field *f = llmb_result_field(cols[k].field);
        for (size_t i = 0; !show[k] && f && i < c->n_recs; i++) {
            struct llmb_value v = {0};
            if (!c->recs[i].r.error && c->recs[i].r.inst.kind == LLMB_WL_SPEED)
                f->get(&c->recs[i].r, &v), show[k] = v.known;
        }
        if (!show[k])
            continue;
        const char *unit = f && f->unit && strcmp(f->unit, "bytes") ? f->unit : NULL;
        snprintf(hb[k], sizeof hb[k], "%s%s%s%s%s", cols[k].head, unit ? " (" : "", unit ? unit : "",
                 cols[k].stats ? ", \xc2\xb1 95%" : "", unit ? ")" : "");
        head[nc] = hb[k];
        align[nc++] = 'r';
    }
    llmb_rdoc_para(d, "Every speed test: the mean over its repetitions \xc2\xb1 the half width of its 95%% confidence "
                      "interval (Student t), where it has two or more.");
    llmb_rdoc_table(d, nc, head, align);
    for (size_t i = 0; i < c->n_recs; i++) {
        const struct llmb_store_record *rec = &c->recs[i];
        if (rec->r.error || rec->r.inst.kind != LLMB_WL_SPEED)
            continue;
        char run[24], set[512], test[96], reps[24], v[NCOLS][64];
        snprintf(run, sizeof run, "%lld", (long long)rec->run_id);
        settings(rec, set, sizeof set);
        llmb_instance_test_name(&rec->r.inst, test, sizeof test);
        snprintf(reps, sizeof reps, "%zu", rec->r.n_samples);
        const char *row[6 + NCOLS] = {run, llmb_report_base(rec->r.model.path), rec->r.model.quant, set, test, reps};
        int j = 6;
        for (size_t k = 0; k < NCOLS; k++)
            if (show[k]) {
                cell(&rec->r, k, v[k], sizeof v[k]);
                row[j++] = v[k];
            }
        llmb_rdoc_row(d, row);
    }
}

/* "9.6079 ± 0.1392", with digits for the figure's size. */
static void fig_text(const struct llmb_fig *f, int have, int pct, char *buf, size_t len)
{
    if (!have)
        snprintf(buf, len, "-");
    else if (pct)
        snprintf(buf, len, "%.2f \xc2\xb1 %.2f%%", 100 * f->v, isnan(f->se) ? 0 : 100 * f->se);
    else
        snprintf(buf, len, f->v < 1 ? "%.6f \xc2\xb1 %.6f" : "%.4f \xc2\xb1 %.4f", f->v, isnan(f->se) ? 0 : f->se);
}

/* The perplexity others are measured against: the KLD tests' reference
 * when it has one, else the lowest. */
const struct llmb_rmodel *llmb_report_ppl_base(const struct llmb_rctx *c)
{
    const struct llmb_rmodel *base = NULL;
    for (size_t i = 0; i < c->n_models; i++)
        for (size_t j = 0; !base && c->models[i].have[LLMB_CM_KLD] && j < c->n_models; j++)
            if (c->models[j].have[LLMB_CM_PPL] && !strcmp(c->models[j].rec->r.model.path, c->models[i].ref))
                base = &c->models[j];
    if (!base)
        for (size_t j = 0; j < c->n_models; j++)
            if (c->models[j].have[LLMB_CM_PPL] && (!base || c->models[j].fig[LLMB_CM_PPL].v < base->fig[LLMB_CM_PPL].v))
                base = &c->models[j];
    return base;
}

void llmb_report_quality(struct llmb_rctx *c)
{
    struct llmb_report *d = c->doc;
    llmb_rdoc_heading(d, 2, "quality", "Quality");
    if (!c->n_models) {
        llmb_rdoc_para(d, "No quality was measured in the selection (llmbench quality or pipeline --ppl/--suite).");
        return;
    }
    const struct llmb_rmodel *base = llmb_report_ppl_base(c);
    char dh[300];
    snprintf(dh, sizeof dh, "\xce\x94PPL vs %s", base ? base->label : "-");
    const char *head[] = {"model", "quant", "file size", "bpw", "PPL", dh, "KLD mean", "top-1", "suite pass"};
    llmb_rdoc_para(d, "Each model's latest figures \xc2\xb1 their standard error: perplexity, KL divergence and "
                      "top-1 agreement against the reference, and the prompt suite's pass rate.");
    llmb_rdoc_table(d, 9, head, "llrrrrrrr");
    for (size_t i = 0; i < c->n_models; i++) {
        const struct llmb_rmodel *m = &c->models[i];
        const struct llmb_model_info *mi = &m->rec->r.model;
        char size[32], bpw[24], ppl[64], dppl[32], kld[64], top1[64], suite[64];
        llmb_fmt_bytes(size, sizeof size, (double)mi->file_size);
        if (mi->bpw > 0)
            snprintf(bpw, sizeof bpw, "%.2f", mi->bpw);
        else
            snprintf(bpw, sizeof bpw, "-");
        fig_text(&m->fig[LLMB_CM_PPL], m->have[LLMB_CM_PPL], 0, ppl, sizeof ppl);
        if (base && m->have[LLMB_CM_PPL])
            snprintf(dppl, sizeof dppl, "%+.2f%%", 100 * (m->fig[LLMB_CM_PPL].v / base->fig[LLMB_CM_PPL].v - 1));
        else
            snprintf(dppl, sizeof dppl, "-");
        fig_text(&m->fig[LLMB_CM_KLD], m->have[LLMB_CM_KLD], 0, kld, sizeof kld);
        fig_text(&m->fig[LLMB_CM_TOP1], m->have[LLMB_CM_TOP1], 1, top1, sizeof top1);
        if (m->have[LLMB_CM_SUITE])
            snprintf(suite, sizeof suite, "%zu/%zu (%.1f%%)", m->fig[LLMB_CM_SUITE].k, m->fig[LLMB_CM_SUITE].n,
                     100 * m->fig[LLMB_CM_SUITE].v);
        else
            snprintf(suite, sizeof suite, "-");
        const char *row[] = {m->label, mi->quant, size, bpw, ppl, dppl, kld, top1, suite};
        llmb_rdoc_row(d, row);
    }
}
