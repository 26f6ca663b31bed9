/* compare.c - two selections of stored results matched test by test (see
 * analysis.h). A side's records are grouped by instance key (model identity
 * and every parameter, less those the caller ignores): a speed key keeps its
 * samples run by run, and the pair is compared with runs as the units
 * (llmb_compare_runs), the spread between runs pooled with earlier runs of
 * the same configurations on the same host (the history: every other run
 * in the store); a quality key keeps its latest figure (the normal
 * approximation on value and standard error; binomial for a pass rate).
 * The latest failure of each key is kept apart: a test that passed in A
 * and failed in B is a regression whatever the figures say. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "history.h"
#include "llmbench/analysis.h"
#include "llmbench/stats.h"

/* One run's part of a group: the samples x[off..off+n) of its records. */
struct unit {
    const struct llmb_store_record *rec; /* its first record */
    size_t off, n;
};

/* One configuration of a side: its first (speed) or latest (quality)
 * record, the key it is matched by, and the samples of a speed metric, run
 * by run. */
struct group {
    const struct llmb_store_record *rec;
    char *key;
    double *x;
    size_t n, cap;
    struct unit *u;
    size_t n_u;
};

struct side {
    struct group *g;
    size_t n_g;
    const struct llmb_store_record **failed; /* one per key: the latest failure */
    char **failed_key;
    size_t n_failed;
};

struct priv {
    struct side side[2];
    struct llmb_store_record *hist; /* every complete speed test in the store */
    size_t n_hist;
    int64_t *runs; /* the run ids of both selections, sorted */
    size_t n_runs;
    double prior_cv; /* llmb_compare_spread_prior's, a fraction (0: none) */
};

/* ---- matching keys ------------------------------------------------------- */

/* 1 when name (n bytes) is in the comma-separated list. */
static int listed(const char *list, const char *name, size_t n)
{
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && !strncmp(p, name, n))
            return 1;
        p += len + (p[len] == ',');
    }
    return 0;
}

/* The length of a field's name ("t" of "t=2"), 0 when seg does not start one. */
static size_t field_name(const char *seg)
{
    size_t n = strspn(seg, "abcdefghijklmnopqrstuvwxyz0123456789_");
    return n && seg[n] == '=' ? n : 0;
}

/* The key less the fields ignore names; a ';' inside a value (a model path)
 * does not start a field. malloc'd. */
static char *match_key(const char *key, const char *ignore)
{
    char *out = malloc(strlen(key) + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    int keep = 1;
    for (const char *p = key; *p;) {
        size_t len = strcspn(p, ";"), nn = field_name(p);
        if (nn || p == key)
            keep = !(nn && ignore && listed(ignore, p, nn));
        if (keep) {
            if (o)
                out[o++] = ';';
            memcpy(out + o, p, len);
            o += len;
        }
        p += len + (p[len] == ';');
    }
    out[o] = 0;
    return out;
}

int llmb_cmp_ignore_check(const char *ignore, struct llmb_error *err)
{
    static const char *const fixed[] = {"kind", "model", "ngl", "b", "ub", "ctk", "ctv", "fa", "t", "d", "p", "n"};
    size_t nf;
    const struct llmb_field *f = llmb_result_fields(&nf);
    for (const char *p = ignore; p && *p;) {
        size_t len = strcspn(p, ","), ok = 0;
        for (size_t i = 0; i < sizeof fixed / sizeof *fixed && !ok; i++)
            ok = strlen(fixed[i]) == len && !strncmp(fixed[i], p, len);
        for (size_t i = 0; i < nf && !ok; i++)
            ok = (f[i].flags & LLMB_FIELD_KEY) && strlen(f[i].name) == len && !strncmp(f[i].name, p, len);
        if (!ok)
            return llmb_error_set(err, LLMB_E_INVAL,
                                  "'%.*s' is not a test parameter (model, t, b, ub, ctk, ctv, fa, ngl, d, p, n, ...)",
                                  (int)len, p);
        p += len + (p[len] == ',');
    }
    return LLMB_OK;
}

/* ---- a side --------------------------------------------------------------- */

static struct group *find(const struct side *s, const char *key)
{
    for (size_t i = 0; i < s->n_g; i++)
        if (!strcmp(s->g[i].key, key))
            return &s->g[i];
    return NULL;
}

/* rec's samples of the metric into g, as a unit of its run: with the
 * previous unit when that is the same run's. */
static int add_samples(struct group *g, const struct llmb_store_record *rec, int metric)
{
    struct unit *last = g->n_u ? &g->u[g->n_u - 1] : NULL;
    if (!last || last->rec->run_id != rec->run_id || last->off + last->n != g->n) {
        struct unit *u = realloc(g->u, (g->n_u + 1) * sizeof *u);
        if (!u)
            return -1;
        g->u = u;
        last = &u[g->n_u++];
        *last = (struct unit){.rec = rec, .off = g->n};
    }
    for (size_t k = 0; k < rec->r.n_samples; k++) {
        double v = llmb_fig_sample(&rec->r, metric, k);
        if (!isnan(v) && llmb_history_push(&g->x, &g->n, &g->cap, v))
            return -1;
        last->n += !isnan(v);
    }
    return 0;
}

/* Groups a side's records (oldest first) for the metric. */
static int group_side(const struct llmb_store_record *recs, size_t n, int metric, const char *ignore, struct side *s)
{
    int quality = llmb_cmp_metric_is_quality(metric);
    if (!(s->g = calloc(n ? n : 1, sizeof *s->g)) || !(s->failed = calloc(n ? n : 1, sizeof *s->failed)) ||
        !(s->failed_key = calloc(n ? n : 1, sizeof *s->failed_key)))
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct llmb_store_record *rec = &recs[i];
        if (!llmb_fig_kind_has(rec->r.inst.kind, metric))
            continue;
        char *key = match_key(rec->instance_key, ignore);
        if (!key)
            return -1;
        if (rec->r.error) { /* a later failure of the key replaces an earlier one */
            size_t j = 0;
            while (j < s->n_failed && strcmp(s->failed_key[j], key))
                j++;
            s->failed[j] = rec;
            if (j == s->n_failed)
                s->failed_key[s->n_failed++] = key;
            else
                free(key);
            continue;
        }
        struct llmb_fig f;
        if (quality && !llmb_fig_quality(rec, metric, &f)) {
            free(key);
            continue;
        }
        struct group *g = find(s, key);
        if (!g) {
            g = &s->g[s->n_g++];
            g->rec = rec;
            g->key = key;
        } else {
            free(key);
            if (quality)
                g->rec = rec; /* the latest figure of the key */
        }
        if (!quality && add_samples(g, rec, metric))
            return -1;
    }
    return 0;
}

static int load(struct llmb_store *st, const struct llmb_cmp_params *p, struct llmb_cmp_result *r, int i,
                struct side *s, struct llmb_error *err)
{
    const char *expr = i ? p->b : p->a;
    struct llmb_store_filter f;
    int rc = llmb_store_filter_parse(&f, expr, err);
    if (!rc)
        rc = llmb_store_query(st, &f, &r->recs[i], &r->n_recs[i], err);
    if (!rc && r->n_recs[i] == 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "'%s' selects no results", expr);
    if (!rc && group_side(r->recs[i], r->n_recs[i], p->metric, p->ignore, s))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    return rc;
}

/* ---- the history: other runs of the same configurations ----------------- */

/* The between-run spread of the configurations of ga's and gb's runs. */
static int history(const struct priv *pv, const struct llmb_cmp_result *r, const struct group *ga,
                   const struct group *gb, struct llmb_compare_spread *sp, size_t *runs)
{
    memset(sp, 0, sizeof *sp);
    *runs = 0;
    for (int s = 0; s < 2; s++) {
        const struct group *g = s ? gb : ga;
        for (size_t i = 0; i < g->n_u; i++) {
            const struct llmb_store_record *rec = g->u[i].rec;
            int seen = 0; /* each configuration (and host) once */
            for (int t = 0; t <= s && !seen; t++) {
                const struct group *o = t ? gb : ga;
                for (size_t j = 0; j < (t == s ? i : o->n_u) && !seen; j++)
                    seen =
                        !strcmp(o->u[j].rec->instance_key, rec->instance_key) && !strcmp(o->u[j].rec->host, rec->host);
            }
            if (!seen && llmb_history_spread(pv->hist, pv->n_hist, rec->instance_key, rec->host, r->metric, pv->runs,
                                             pv->n_runs, sp, runs))
                return -1;
        }
    }
    return 0;
}

static int load_history(struct llmb_store *st, struct priv *pv, const struct llmb_cmp_result *r, struct llmb_error *err)
{
    if (!(pv->runs = malloc((r->n_recs[0] + r->n_recs[1] + 1) * sizeof *pv->runs)))
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    for (int i = 0; i < 2; i++)
        for (size_t j = 0; j < r->n_recs[i]; j++)
            pv->runs[pv->n_runs++] = r->recs[i][j].run_id;
    qsort(pv->runs, pv->n_runs, sizeof *pv->runs, llmb_history_cmp_id);
    struct llmb_store_filter f;
    memset(&f, 0, sizeof f);
    snprintf(f.kind, sizeof f.kind, "speed");
    f.complete_only = 1;
    return llmb_store_query(st, &f, &pv->hist, &pv->n_hist, err);
}

/* ---- pairs ---------------------------------------------------------------- */

/* A speed pair: the runs of ga against those of gb. */
static int compare_speed(const struct priv *pv, const struct llmb_cmp_result *r, const struct group *ga,
                         const struct group *gb, struct llmb_cmp_pair *p, int *bad)
{
    const double **xa = malloc((ga->n_u + gb->n_u) * sizeof *xa);
    size_t *na = malloc((ga->n_u + gb->n_u) * sizeof *na);
    struct llmb_compare_spread sp;
    int rc = !xa || !na || history(pv, r, ga, gb, &sp, &p->hist_runs) ? -1 : 0;
    if (!rc) {
        llmb_compare_spread_prior(&sp, pv->prior_cv, LLMB_CMP_RUN_CV_DF);
        for (size_t i = 0; i < ga->n_u; i++)
            xa[i] = ga->x + ga->u[i].off, na[i] = ga->u[i].n;
        for (size_t i = 0; i < gb->n_u; i++)
            xa[ga->n_u + i] = gb->x + gb->u[i].off, na[ga->n_u + i] = gb->u[i].n;
        *bad = llmb_compare_runs(xa, na, ga->n_u, xa + ga->n_u, na + ga->n_u, gb->n_u, &sp, &p->c) != 0;
        p->value_a = p->c.mean_a, p->se_a = p->c.sd_a, p->value_b = p->c.mean_b, p->se_b = p->c.sd_b;
    }
    free(xa);
    free(na);
    return rc;
}

/* Pairs A's groups with B's, by key. */
static int match(struct llmb_cmp_result *r, const struct priv *pv, double fail_pct)
{
    const struct side *a = &pv->side[0], *b = &pv->side[1];
    int m = r->metric;
    if (!(r->pairs = calloc(a->n_g ? a->n_g : 1, sizeof *r->pairs)))
        return -1;
    for (size_t i = 0; i < a->n_g; i++) {
        const struct group *ga = &a->g[i], *gb = find(b, ga->key);
        if (!gb)
            continue;
        struct llmb_cmp_pair *p = &r->pairs[r->n_pairs];
        int bad;
        if (llmb_cmp_metric_is_quality(m)) {
            struct llmb_fig fa, fb;
            llmb_fig_quality(ga->rec, m, &fa);
            llmb_fig_quality(gb->rec, m, &fb);
            p->value_a = fa.v, p->se_a = fa.se, p->k_a = fa.k, p->n_a = fa.n;
            p->value_b = fb.v, p->se_b = fb.se, p->k_b = fb.k, p->n_b = fb.n;
            bad = m == LLMB_CM_SUITE ? llmb_compare_proportions(fa.k, fa.n, fb.k, fb.n, &p->c)
                                     : llmb_compare_normal(fa.v, fa.se, fb.v, fb.se, &p->c);
        } else if (compare_speed(pv, r, ga, gb, p, &bad)) {
            return -1;
        }
        if (bad) {
            memset(p, 0, sizeof *p);
            continue;
        }
        p->a = ga->rec;
        p->b = gb->rec;
        double ch = p->c.change_pct;
        if (isnan(ch))
            ch = p->c.mean_b > p->c.mean_a ? INFINITY : p->c.mean_b < p->c.mean_a ? -INFINITY : 0;
        p->worse_pct = llmb_cmp_metric_higher_is_worse(m) ? ch : -ch;
        p->regressed = fail_pct >= 0 && p->c.significant && p->worse_pct > fail_pct;
        r->n_regressed += p->regressed;
        r->n_worse += p->c.significant && p->worse_pct > 0;
        r->n_better += p->c.significant && p->worse_pct < 0;
        r->n_within += p->c.basis == LLMB_CB_WITHIN_RUN || p->c.basis == LLMB_CB_PRIOR;
        r->n_pairs++;
    }
    return 0;
}

/* Tests that passed on one side and failed on the other. */
static int failures(struct llmb_cmp_result *r, const struct side *a, const struct side *b)
{
    if (!(r->broke = calloc(b->n_failed ? b->n_failed : 1, sizeof *r->broke)) ||
        !(r->fixed = calloc(a->n_failed ? a->n_failed : 1, sizeof *r->fixed)))
        return -1;
    for (size_t i = 0; i < b->n_failed; i++)
        if (find(a, b->failed_key[i]) && !find(b, b->failed_key[i]))
            r->broke[r->n_broke++] = b->failed[i];
    for (size_t i = 0; i < a->n_failed; i++)
        if (!find(a, a->failed_key[i]) && find(b, a->failed_key[i]))
            r->fixed[r->n_fixed++] = a->failed[i];
    return 0;
}

static void summary(struct llmb_cmp_result *r)
{
    struct llmb_compare *cs = calloc(r->n_pairs ? r->n_pairs : 1, sizeof *cs);
    r->ratio = 1, r->ratio_err = 0;
    if (!cs || llmb_cmp_metric_is_quality(r->metric)) {
        free(cs);
        return;
    }
    for (size_t i = 0; i < r->n_pairs; i++)
        cs[i] = r->pairs[i].c;
    llmb_compare_summary(cs, r->n_pairs, &r->ratio, &r->ratio_err);
    free(cs);
    if (r->metric == LLMB_CM_TTFT && r->ratio > 0) { /* a lower time is better: B/A of the rates */
        r->ratio_err /= r->ratio * r->ratio;
        r->ratio = 1.0 / r->ratio;
    }
}

const char *llmb_cmp_within_note(const struct llmb_cmp_params *p)
{
    return p->run_cv_pct < 0 ? "no earlier runs of the configuration measure the run-to-run spread: the interval "
                               "reflects within-run noise only: rerun with more runs per side or use `llmbench bench "
                               "--interleave`"
                             : "no earlier runs of the configuration measure the run-to-run spread: the interval "
                               "assumes one (--run-cv) besides the within-run noise: rerun with more runs per side or "
                               "use `llmbench bench --interleave`";
}

int llmb_cmp_run(struct llmb_store *s, const struct llmb_cmp_params *p, struct llmb_cmp_result *out,
                 struct llmb_error *err)
{
    memset(out, 0, sizeof *out);
    out->metric = p->metric;
    out->ratio = 1;
    if (p->metric < 0 || p->metric >= LLMB_CM_COUNT)
        return llmb_error_set(err, LLMB_E_INVAL, "unknown compare metric %d", p->metric);
    int rc = llmb_cmp_ignore_check(p->ignore, err);
    if (rc)
        return rc;
    struct priv *pv = calloc(1, sizeof *pv);
    if (!(out->priv = pv))
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    pv->prior_cv = p->run_cv_pct < 0 ? 0 : (p->run_cv_pct > 0 ? p->run_cv_pct : LLMB_CMP_RUN_CV_PCT) / 100;
    struct side *a = &pv->side[0], *b = &pv->side[1];
    rc = load(s, p, out, 0, a, err);
    if (!rc)
        rc = load(s, p, out, 1, b, err);
    if (!rc && !llmb_cmp_metric_is_quality(p->metric))
        rc = load_history(s, pv, out, err);
    if (!rc && (match(out, pv, p->fail_pct) || failures(out, a, b)))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    if (rc)
        return rc;
    out->n_tests[0] = a->n_g;
    out->n_tests[1] = b->n_g;
    out->n_failed_b = b->n_failed;
    size_t a_in_b = 0;
    for (size_t i = 0; i < a->n_g; i++)
        a_in_b += find(b, a->g[i].key) != NULL;
    out->only_a = a->n_g - a_in_b - out->n_broke;
    out->only_b = b->n_g - a_in_b;
    summary(out);
    out->regression = (p->fail_pct >= 0 && (out->n_regressed || out->n_broke)) || (!out->n_pairs && out->n_broke);
    return LLMB_OK;
}

void llmb_cmp_free(struct llmb_cmp_result *r)
{
    struct priv *pv = r->priv;
    for (int i = 0; pv && i < 2; i++) {
        struct side *sd = &pv->side[i];
        for (size_t j = 0; sd->g && j < sd->n_g; j++) {
            free(sd->g[j].x);
            free(sd->g[j].u);
            free(sd->g[j].key);
        }
        for (size_t j = 0; sd->failed_key && j < sd->n_failed; j++)
            free(sd->failed_key[j]);
        free(sd->g);
        free(sd->failed);
        free(sd->failed_key);
    }
    if (pv) {
        llmb_store_records_free(pv->hist, pv->n_hist);
        free(pv->runs);
    }
    free(pv);
    free(r->pairs);
    free(r->broke);
    free(r->fixed);
    for (int i = 0; i < 2; i++)
        llmb_store_records_free(r->recs[i], r->n_recs[i]);
    memset(r, 0, sizeof *r);
}

void llmb_cmp_broke_text(const struct llmb_cmp_result *r, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; i < r->n_broke && n < len; i++) {
        const struct llmb_store_record *f = r->broke[i];
        char test[96];
        llmb_cmp_test_name(f, test, sizeof test);
        n += (size_t)snprintf(buf + n, len - n, "%s%s on %.100s (%.120s)", i ? "; " : "", test,
                              f->r.model.desc[0] ? f->r.model.desc : f->r.model.path, f->r.error);
    }
}

void llmb_cmp_regressed_text(const struct llmb_cmp_result *r, char *buf, size_t len)
{
    size_t n = 0, k = 0;
    buf[0] = 0;
    for (size_t i = 0; i < r->n_pairs && n < len; i++) {
        if (!r->pairs[i].regressed)
            continue;
        char test[96];
        llmb_cmp_test_name(r->pairs[i].a, test, sizeof test);
        n += (size_t)snprintf(buf + n, len - n, "%s%s %+.1f%%", k++ ? ", " : "", test, r->pairs[i].c.change_pct);
    }
}
