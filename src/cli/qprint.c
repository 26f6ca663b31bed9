/* qprint.c - how a family's quality is shown (quality.h): the "quality
 * retained" markdown table, each row's fields as JSON, and arrays of row
 * objects as json, jsonl or csv (RFC 4180 quoting, unknown as an empty cell). */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "output/jvalue.h"
#include "output/printer.h"
#include "quality.h"

static const char *base_name(const char *path)
{
    const char *b = path ? strrchr(path, '/') : NULL;
    return b ? b + 1 : path ? path : "";
}

double llmb_qrun_delta_ppl(const struct llmb_qrun *q, size_t i)
{
    const struct llmb_qrow *w = &q->rows[i];
    if (!w->have_score)
        return NAN;
    const struct llmb_ppl_result *p = &w->score.ppl;
    if (p->have_kld && p->ref_ppl > 0)
        return 100.0 * (p->ppl / p->ref_ppl - 1);
    return i == q->ref && !q->external ? 0.0 : NAN;
}

/* One line of markdown table text: no newlines or pipes, at most max bytes. */
static void md_cell(const char *s, size_t max, char *out, size_t len)
{
    size_t n = 0;
    for (; s && *s && n + 4 < len && n < max; s++) {
        if (*s == '\n' || *s == '\r' || *s == '\t')
            out[n++] = ' ';
        else if (*s == '|') {
            out[n++] = '\\';
            out[n++] = '|';
        } else
            out[n++] = *s;
    }
    if (s && *s && n + 4 < len)
        out[n++] = '.', out[n++] = '.', out[n++] = '.';
    out[n] = 0;
}

/* fmt's text when have, else "-". */
static void __attribute__((format(printf, 4, 5))) opt(char *b, size_t n, int have, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (have)
        vsnprintf(b, n, fmt, ap);
    else
        snprintf(b, n, "-");
    va_end(ap);
}

void llmb_qrun_print_md(const struct llmb_qrun *q, int speed, int answers, FILE *f)
{
    int labels = q->n_rows && q->rows[0].label;
    fprintf(f, "| %s |%s size | bpw |%s PPL | ΔPPL | KLD mean | KLD p99 | top-1 | RMS Δp | suite pass | similarity | ppl t/s |\n",
            labels ? "variant" : "model", labels ? "" : " quant |", speed ? " pp t/s | tg t/s |" : "");
    fprintf(f, "| --- |%s ---: | ---: |%s ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
            labels ? "" : " --- |", speed ? " ---: | ---: |" : "");
    int synthetic = 0;
    for (size_t i = 0; i < q->n_rows; i++) {
        const struct llmb_qrow *w = &q->rows[i];
        const struct llmb_ppl_result *p = &w->score.ppl;
        struct llmb_suite_summary s = {0};
        if (w->have_suite)
            llmb_suite_summary(&w->suite, &s);
        char ppl[64], dppl[32], kld[64], p99[32], top[48], rms[48], pass[32], sim[32], tps[32], pp[64], tg[64];
        int k = w->have_score && p->have_kld;
        double d = llmb_qrun_delta_ppl(q, i);
        opt(ppl, sizeof ppl, w->have_score, "%.4f ± %.4f", p->ppl, p->ppl_err);
        opt(dppl, sizeof dppl, isfinite(d), "%+.2f%%", d);
        opt(kld, sizeof kld, k, "%.6f ± %.6f", p->kld_mean, p->kld_err);
        opt(p99, sizeof p99, k, "%.6f", p->kld_p99);
        opt(top, sizeof top, k, "%.2f ± %.2f%%", 100 * p->top1, 100 * p->top1_err);
        opt(rms, sizeof rms, k, "%.3f ± %.3f%%", 100 * p->rms_dp, 100 * p->rms_dp_err);
        opt(pass, sizeof pass, w->have_suite && s.n_checked, "%d/%d", s.n_pass, s.n_checked);
        opt(sim, sizeof sim, w->have_suite && s.n_sim, "%.3f", s.n_sim ? s.sim_sum / s.n_sim : 0);
        opt(tps, sizeof tps, w->have_score, "%.1f", p->tokens_per_s);
        char name[160], quant[80] = "", speeds[160] = "";
        md_cell(labels && w->label ? w->label : base_name(w->path), 60, name, sizeof name);
        if (!labels)
            snprintf(quant, sizeof quant, " %s |", w->have_mi ? w->mi.quant : "-");
        if (speed) {
            opt(pp, sizeof pp, w->have_pp, "%.2f ± %.2f", w->pp_ts, w->pp_sd);
            opt(tg, sizeof tg, w->have_tg, "%.2f ± %.2f", w->tg_ts, w->tg_sd);
            snprintf(speeds, sizeof speeds, " %s | %s |", pp, tg);
        }
        char size[32], bpw[32];
        opt(size, sizeof size, w->have_mi, "%.2f MiB", w->mi.file_size / 1048576.0);
        opt(bpw, sizeof bpw, w->have_mi, "%.2f", w->mi.bpw);
        fprintf(f, "| %s%s |%s %s | %s |%s %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name,
                i == q->ref && q->n_rows > 1 && !q->external ? " (ref)" : "", quant, size, bpw, speeds, ppl, dppl, kld, p99, top, rms,
                pass, sim, tps);
        synthetic |= w->have_mi && w->mi.synthetic;
    }
    for (size_t i = 0; i < q->n_rows; i++)
        if (q->rows[i].error)
            fprintf(f, "\n%s: FAILED: %s\n", base_name(q->rows[i].path), q->rows[i].error);
    if (synthetic)
        fprintf(f, "\nnote: synthetic (random-weight) model measured with --force: these quality figures mean nothing\n");
    if (!answers || !q->have_suite)
        return;
    fprintf(f, "\n| model | prompt | category | pass | similarity | tokens | TTFT ms | t/s | response |\n");
    fprintf(f, "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |\n");
    for (size_t i = 0; i < q->n_rows; i++) {
        const struct llmb_qrow *w = &q->rows[i];
        for (size_t j = 0; w->have_suite && j < w->suite.n_answers && j < q->suite.n; j++) {
            const struct llmb_suite_answer *a = &w->suite.answers[j];
            char resp[400], sim[32];
            md_cell(a->response, 160, resp, sizeof resp);
            opt(sim, sizeof sim, a->similarity >= 0, "%.3f", a->similarity);
            fprintf(f, "| %s | %s | %s | %s | %s | %d | %.1f | %.1f | %s |\n", base_name(w->path),
                    q->suite.items[j].id, q->suite.items[j].category,
                    a->pass < 0 ? "-" : a->pass ? "pass" : "FAIL", sim, a->n_gen, a->ttft_ms, a->tg_ts, resp);
        }
    }
}

void llmb_qrun_json_set(const struct llmb_qrun *q, size_t i, json_t *o, int with_answers)
{
    const struct llmb_qrow *w = &q->rows[i];
    int su = w->have_suite;
    json_object_set_new(o, "reference", json_boolean(i == q->ref && !q->external));
    llmb_quality_json_score(o, &w->score.ppl, w->have_score, llmb_qrun_delta_ppl(q, i), 1);
    llmb_quality_json_suite(o, &w->suite, su, q->have_suite ? q->suite.name : NULL);
    if (with_answers) {
        json_t *a = json_array();
        for (size_t j = 0; su && j < w->suite.n_answers && j < q->suite.n; j++)
            json_array_append_new(a, llmb_suite_answer_json(&q->suite.items[j], &w->suite.answers[j], q->spec.seed,
                                                            q->spec.temperature));
        json_object_set_new(o, "answers", a);
    }
}

static int csv_value(FILE *f, json_t *v)
{
    if (json_is_null(v))
        return 0;
    char *s = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(10));
    const char *t = s ? s : json_string_value(v);
    int need = strpbrk(t, ",\"\n\r") != NULL, bad = 0;
    if (need)
        bad |= fputc('"', f) == EOF;
    for (; *t; t++) {
        if (*t == '"')
            bad |= fputc('"', f) == EOF;
        bad |= fputc(*t, f) == EOF;
    }
    if (need)
        bad |= fputc('"', f) == EOF;
    free(s);
    return bad;
}

int llmb_print_objects(json_t *rows, const char *fmt, FILE *f)
{
    size_t flags = JSON_REAL_PRECISION(10) | JSON_ENSURE_ASCII, i;
    json_t *o;
    int bad = 0;
    json_array_foreach(rows, i, o) /* non-finite numbers: null, named in "nonfinite" (the last column) */
        llmb_json_finish(o);
    if (strcmp(fmt, "csv") && llmb_json_escape(rows)) /* bytes JSON cannot hold: escaped, kept in raw_hex */
        return LLMB_E_NOMEM;
    if (!strcmp(fmt, "json")) {
        bad |= json_dumpf(rows, f, flags | JSON_INDENT(2)) != 0;
        bad |= fputc('\n', f) == EOF;
    } else if (!strcmp(fmt, "jsonl")) {
        json_array_foreach(rows, i, o) {
            bad |= json_dumpf(o, f, flags | JSON_COMPACT) != 0;
            bad |= fputc('\n', f) == EOF;
        }
    } else { /* csv: the first object's keys (arrays left out) are the columns */
        json_t *first = json_array_get(rows, 0);
        const char *k;
        json_t *v;
        int c = 0;
        json_object_foreach(first, k, v) if (!json_is_array(v)) bad |= fprintf(f, "%s%s", c++ ? "," : "", k) < 0;
        bad |= fputc('\n', f) == EOF;
        json_array_foreach(rows, i, o) {
            c = 0;
            json_object_foreach(first, k, v) {
                if (json_is_array(v))
                    continue;
                if (c++)
                    bad |= fputc(',', f) == EOF;
                bad |= csv_value(f, json_object_get(o, k));
            }
            bad |= fputc('\n', f) == EOF;
        }
    }
    return bad || fflush(f) ? LLMB_E_IO : LLMB_OK;
}
