/* compare.c - two selections of stored results matched test by test (see
 * analysis.h). A side's records are grouped by instance key (model identity
 * and every parameter): speed samples of every record of a key are pooled
 * (Welch's interval on the pools), a quality key keeps its latest figure
 * (the normal approximation on value and standard error; binomial for a
 * pass rate). The latest failure of each key is kept apart: a test that
 * passed in A and failed in B is a regression whatever the figures say. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "llmbench/analysis.h"

/* One configuration of a side: its first (speed) or latest (quality)
 * record, and the pooled samples of a speed metric. */
struct group {
    const struct llmb_store_record *rec;
    double *x;
    size_t n, cap;
};

struct side {
    struct group *g;
    size_t n_g;
    const struct llmb_store_record **failed; /* one per key: the latest failure */
    size_t n_failed;
};

struct priv {
    struct side side[2];
};

static struct group *find(const struct side *s, const char *key)
{
    for (size_t i = 0; i < s->n_g; i++)
        if (!strcmp(s->g[i].rec->instance_key, key))
            return &s->g[i];
    return NULL;
}

static int push(struct group *g, double v)
{
    if (g->n == g->cap) {
        double *p = realloc(g->x, (g->cap = g->cap ? 2 * g->cap : 16) * sizeof *p);
        if (!p)
            return -1;
        g->x = p;
    }
    g->x[g->n++] = v;
    return 0;
}

/* Groups a side's records (oldest first) for the metric. */
static int group_side(const struct llmb_store_record *recs, size_t n, int metric, struct side *s)
{
    int quality = llmb_cmp_metric_is_quality(metric);
    if (!(s->g = calloc(n ? n : 1, sizeof *s->g)) || !(s->failed = calloc(n ? n : 1, sizeof *s->failed)))
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct llmb_store_record *rec = &recs[i];
        if (!llmb_fig_kind_has(rec->r.inst.kind, metric))
            continue;
        if (rec->r.error) { /* a later failure of the key replaces an earlier one */
            size_t j = 0;
            while (j < s->n_failed && strcmp(s->failed[j]->instance_key, rec->instance_key))
                j++;
            s->failed[j] = rec;
            s->n_failed += j == s->n_failed;
            continue;
        }
        struct llmb_fig f;
        if (quality && !llmb_fig_quality(rec, metric, &f))
            continue;
        struct group *g = find(s, rec->instance_key);
        if (!g)
            (g = &s->g[s->n_g++])->rec = rec;
        else if (quality)
            g->rec = rec; /* the latest figure of the key */
        for (size_t k = 0; !quality && k < rec->r.n_samples; k++) {
            double v = llmb_fig_sample(&rec->r, metric, k);
            if (!isnan(v) && push(g, v))
                return -1;
        }
    }
    return 0;
}

static int load(struct llmb_store *st, const char *expr, int metric, struct llmb_cmp_result *r, int i, struct side *s,
                struct llmb_error *err)
{
    struct llmb_store_filter f;
    int rc = llmb_store_filter_parse(&f, expr, err);
    if (!rc)
        rc = llmb_store_query(st, &f, &r->recs[i], &r->n_recs[i], err);
    if (!rc && r->n_recs[i] == 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "'%s' selects no results", expr);
    if (!rc && group_side(r->recs[i], r->n_recs[i], metric, s))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    return rc;
}

/* Pairs A's groups with B's, by key. */
static int match(struct llmb_cmp_result *r, const struct side *a, const struct side *b, double fail_pct)
{
    int m = r->metric;
    if (!(r->pairs = calloc(a->n_g ? a->n_g : 1, sizeof *r->pairs)))
        return -1;
    for (size_t i = 0; i < a->n_g; i++) {
        const struct group *ga = &a->g[i], *gb = find(b, ga->rec->instance_key);
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
        } else {
            bad = !ga->n || !gb->n || llmb_compare_welch(ga->x, ga->n, gb->x, gb->n, &p->c);
            p->value_a = p->c.mean_a, p->se_a = p->c.sd_a, p->value_b = p->c.mean_b, p->se_b = p->c.sd_b;
        }
        if (bad)
            continue;
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
        if (find(a, b->failed[i]->instance_key) && !find(b, b->failed[i]->instance_key))
            r->broke[r->n_broke++] = b->failed[i];
    for (size_t i = 0; i < a->n_failed; i++)
        if (!find(a, a->failed[i]->instance_key) && find(b, a->failed[i]->instance_key))
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

int llmb_cmp_run(struct llmb_store *s, const struct llmb_cmp_params *p, struct llmb_cmp_result *out,
                 struct llmb_error *err)
{
    memset(out, 0, sizeof *out);
    out->metric = p->metric;
    out->ratio = 1;
    if (p->metric < 0 || p->metric >= LLMB_CM_COUNT)
        return llmb_error_set(err, LLMB_E_INVAL, "unknown compare metric %d", p->metric);
    struct priv *pv = calloc(1, sizeof *pv);
    if (!(out->priv = pv))
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    struct side *a = &pv->side[0], *b = &pv->side[1];
    int rc = load(s, p->a, p->metric, out, 0, a, err);
    if (!rc)
        rc = load(s, p->b, p->metric, out, 1, b, err);
    if (!rc && (match(out, a, b, p->fail_pct) || failures(out, a, b)))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    if (rc)
        return rc;
    out->n_tests[0] = a->n_g;
    out->n_tests[1] = b->n_g;
    out->n_failed_b = b->n_failed;
    size_t a_in_b = 0;
    for (size_t i = 0; i < a->n_g; i++)
        a_in_b += find(b, a->g[i].rec->instance_key) != NULL;
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
        for (size_t j = 0; pv->side[i].g && j < pv->side[i].n_g; j++)
            free(pv->side[i].g[j].x);
        free(pv->side[i].g);
        free(pv->side[i].failed);
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
