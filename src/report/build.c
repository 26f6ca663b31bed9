/* build.c - llmb_report_build: reads the selection from the store once
 * (runs, every test failed or not, recommend's ranking) and lays the
 * report out: findings first, then what ran where, the status matrix,
 * speed, quality and conditions. Also the format of an output path and
 * the writer over both renderers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "report/sections.h"

void llmb_report_default_params(struct llmb_report_params *p)
{
    memset(p, 0, sizeof *p);
    p->quality_pct = 1.0;
}

int llmb_report_format_of(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || strchr(dot, '/'))
        return -1;
    if (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm"))
        return LLMB_REPORT_HTML;
    if (!strcasecmp(dot, ".md"))
        return LLMB_REPORT_MD;
    return -1;
}

int llmb_report_write(const struct llmb_report *r, int format, FILE *f, struct llmb_error *err)
{
    int rc = format == LLMB_REPORT_MD ? llmb_report_md(r, f) : llmb_report_html(r, f);
    return rc ? llmb_error_set(err, LLMB_E_IO, "cannot write the report") : LLMB_OK;
}

const char *llmb_report_base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void subtitle(struct llmb_rctx *c)
{
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    strftime(now, sizeof now, "%Y-%m-%d %H:%M UTC", gmtime_r(&t, &tm));
    snprintf(c->doc->subtitle, sizeof c->doc->subtitle,
             "%zu run%s, %zu test%s (%zu speed, %zu quality, %zu failed); selection: %s; made %s", c->n_runs,
             c->n_runs == 1 ? "" : "s", c->n_recs, c->n_recs == 1 ? "" : "s", c->n_speed, c->n_quality, c->n_failed,
             c->p->selection && c->p->selection[0] ? c->p->selection : "every stored run", now);
}

/* Reads what the report shows; the errors of a selection that selects nothing. */
static int load(struct llmb_rctx *c, struct llmb_error *err)
{
    const struct llmb_store_filter *f = &c->p->filter;
    int rc = llmb_store_list_runs(c->s, f, &c->runs, &c->n_runs, err);
    if (rc)
        return rc;
    if (!c->n_runs && f->run_id)
        return llmb_error_set(err, LLMB_E_INVAL, "run %lld does not exist in the store (llmbench results lists them)",
                              (long long)f->run_id);
    if (!c->n_runs)
        return llmb_error_set(err, LLMB_E_INVAL, "no run matches the selection (%s); nothing written",
                              c->p->selection && c->p->selection[0] ? c->p->selection : "everything");
    struct llmb_store_filter all = *f;
    all.complete_only = 0;
    if ((rc = llmb_store_query(c->s, &all, &c->recs, &c->n_recs, err)))
        return rc;
    if (!c->n_recs)
        return llmb_error_set(err, LLMB_E_INVAL, "the selection (%s) holds no test; nothing written",
                              c->p->selection && c->p->selection[0] ? c->p->selection : "everything");
    for (size_t i = 0; i < c->n_recs; i++) {
        c->n_failed += c->recs[i].r.error != NULL;
        c->n_speed += !c->recs[i].r.error && c->recs[i].r.inst.kind == LLMB_WL_SPEED;
        c->n_quality += !c->recs[i].r.error && c->recs[i].r.inst.kind != LLMB_WL_SPEED;
    }
    if (c->n_speed) { /* recommend's ranking, without limits */
        struct llmb_rec_params rp;
        llmb_rec_params_init(&rp);
        rp.filter = *f;
        if ((rc = llmb_rec_run(c->s, &rp, &c->rec, err)))
            return rc;
    }
    return llmb_report_models(c) ? llmb_error_set(err, LLMB_E_NOMEM, "out of memory") : LLMB_OK;
}

int llmb_report_build(struct llmb_store *s, const struct llmb_report_params *p, struct llmb_report **out,
                      struct llmb_error *err)
{
    *out = NULL;
    struct llmb_rctx c = {.s = s, .p = p};
    if (!(c.doc = calloc(1, sizeof *c.doc)))
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    int rc = load(&c, err);
    if (!rc) {
        snprintf(c.doc->title, sizeof c.doc->title, "llmbench report");
        subtitle(&c);
        llmb_report_findings(&c);
        llmb_report_charts(&c);
        llmb_report_where(&c);
        rc = llmb_report_matrix(&c, err);
    }
    if (!rc) {
        llmb_report_speed(&c);
        llmb_report_quality(&c);
        llmb_report_conditions(&c);
        if (c.doc->oom)
            rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    llmb_rec_free(&c.rec);
    free(c.models);
    llmb_store_records_free(c.recs, c.n_recs);
    free(c.runs);
    if (rc)
        llmb_report_free(c.doc);
    else
        *out = c.doc;
    return rc;
}
