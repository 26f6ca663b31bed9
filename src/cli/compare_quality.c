/* compare_quality.c - compare on quality figures: perplexity, KL divergence,
 * top-1 agreement (ppl/kld instances) and suite pass rate. Instances match
 * across A and B by instance key (model identity, text, context, reference
 * model...); where several runs hold the same key, the latest counts. Each
 * figure comes with its standard error (llama-perplexity's; binomial for a
 * pass rate), so a pair's change gets a 95% interval by the normal
 * approximation (core/compare.c). Higher PPL/KLD and lower top-1/pass rate
 * are worse; the regression gate fails on a significant worsening beyond
 * the threshold. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_quality.h"
#include "llmbench/compare.h"
#include "record_quality.h"
#include "table.h"

static const char *const names[] = {"ppl", "kld", "top1", "suite"};
static const char *const units[] = {"PPL", "KLD", "top-1", "pass rate"};
static const int higher_is_worse[] = {1, 1, 0, 0};

/* The metric's figure of rec: value and standard error (passed and checked
 * for a suite). 0 when rec has none. */
static int figure(const struct llmb_store_record *rec, int metric, double *v, double *se, size_t *k, size_t *n)
{
    const struct llmb_result *r = &rec->r;
    const struct llmb_ppl_result *p = &r->ppl;
    int kind = r->inst.kind, kld = kind == LLMB_WL_KLD && p->have_kld;
    *k = *n = 0;
    switch (metric) {
    case LLMB_QM_PPL:
        *v = p->ppl;
        *se = p->ppl_err;
        return (kind == LLMB_WL_PPL || kind == LLMB_WL_KLD) && isfinite(*v);
    case LLMB_QM_KLD:
        *v = p->kld_mean;
        *se = p->kld_err;
        return kld && isfinite(*v);
    case LLMB_QM_TOP1:
        *v = p->top1;
        *se = p->top1_err;
        return kld && isfinite(*v);
    default: {
        struct llmb_suite_tally t;
        if (kind != LLMB_WL_SUITE)
            return 0;
        llmb_cli_suite_tally(r, &t);
        *k = t.passed;
        *n = t.checked;
        *v = t.checked ? (double)t.passed / (double)t.checked : NAN;
        *se = t.checked ? sqrt(*v * (1 - *v) / (double)t.checked) : NAN;
        return t.checked > 0;
    }
    }
}

struct side {
    struct llmb_store_record *recs;
    size_t n_recs;
    const struct llmb_store_record **g; /* one per key: the latest with the figure */
    size_t n_g;
    const struct llmb_store_record **failed; /* one per key: the latest failed test of the metric's kinds */
    size_t n_failed;
};

/* 1 when a test of this kind would have the metric's figure. */
static int kind_has(int kind, int metric)
{
    switch (metric) {
    case LLMB_QM_PPL: return kind == LLMB_WL_PPL || kind == LLMB_WL_KLD;
    case LLMB_QM_KLD:
    case LLMB_QM_TOP1: return kind == LLMB_WL_KLD;
    default: return kind == LLMB_WL_SUITE;
    }
}

static const struct llmb_store_record *find(const struct side *s, const char *key)
{
    for (size_t i = 0; i < s->n_g; i++)
        if (!strcmp(s->g[i]->instance_key, key))
            return s->g[i];
    return NULL;
}

static int load(struct llmb_store *st, const char *expr, int metric, struct side *s, struct llmb_error *err)
{
    struct llmb_store_filter f;
    int rc = llmb_store_filter_parse(&f, expr, err);
    if (!rc)
        rc = llmb_store_query(st, &f, &s->recs, &s->n_recs, err);
    if (!rc && s->n_recs == 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "'%s' selects no results", expr);
    if (!rc && (!(s->g = calloc(s->n_recs, sizeof *s->g)) || !(s->failed = calloc(s->n_recs, sizeof *s->failed))))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < s->n_recs; i++) { /* oldest first: a later record of a key replaces it */
        double v, se;
        size_t k, n;
        if (s->recs[i].r.error && kind_has(s->recs[i].r.inst.kind, metric)) {
            size_t j = 0;
            while (j < s->n_failed && strcmp(s->failed[j]->instance_key, s->recs[i].instance_key))
                j++;
            s->failed[j] = &s->recs[i];
            s->n_failed += j == s->n_failed;
            continue;
        }
        if (!figure(&s->recs[i], metric, &v, &se, &k, &n))
            continue;
        size_t j = 0;
        while (j < s->n_g && strcmp(s->g[j]->instance_key, s->recs[i].instance_key))
            j++;
        s->g[j] = &s->recs[i];
        if (j == s->n_g)
            s->n_g++;
    }
    return rc;
}

static void fmt_value(char *buf, size_t len, int metric, const struct llmb_store_record *rec)
{
    double v, se;
    size_t k, n;
    figure(rec, metric, &v, &se, &k, &n);
    if (metric == LLMB_QM_SUITE)
        snprintf(buf, len, "%zu/%zu (%.1f \xc2\xb1 %.1f%%)", k, n, 100 * v, 100 * se);
    else if (metric == LLMB_QM_TOP1)
        snprintf(buf, len, "%.2f \xc2\xb1 %.2f%%", 100 * v, isfinite(se) ? 100 * se : 0);
    else
        snprintf(buf, len, metric == LLMB_QM_KLD ? "%.6f \xc2\xb1 %.6f" : "%.4f \xc2\xb1 %.4f", v,
                 isfinite(se) ? se : 0);
}

/* "llama 7B Q4_0 t=8 kv=q8_0/q8_0". */
static void describe(const struct llmb_result *r, char *buf, size_t len)
{
    const struct llmb_instance *in = &r->inst;
    size_t n = (size_t)snprintf(buf, len, "%s t=%d", r->model.desc[0] ? r->model.desc : r->model.path,
                                in->n_threads);
    if (in->type_k && in->type_v && (strcmp(in->type_k, "f16") || strcmp(in->type_v, "f16")) && n < len)
        n += (size_t)snprintf(buf + n, len - n, " kv=%s/%s", in->type_k, in->type_v);
    if (in->n_gpu_layers != -1 && n < len)
        snprintf(buf + n, len - n, " ngl=%d", in->n_gpu_layers);
}

struct pair {
    const struct llmb_store_record *a, *b;
    struct llmb_compare c;
};

/* How much worse B is than A, in % (> 0: worse); an infinite change when A
 * is 0 and B significantly differs. */
static double worse_pct(int metric, const struct llmb_compare *c)
{
    double ch = c->change_pct;
    if (isnan(ch))
        ch = c->mean_b > c->mean_a ? INFINITY : c->mean_b < c->mean_a ? -INFINITY : 0;
    return higher_is_worse[metric] ? ch : -ch;
}

static int print_pairs(const struct pair *p, size_t n, int metric)
{
    char ha[32], hb[32];
    snprintf(ha, sizeof ha, "A %s", units[metric]);
    snprintf(hb, sizeof hb, "B %s", units[metric]);
    const char *head[] = {"test", "configuration", ha, hb, "change", "95% CI", "significant"};
    struct llmb_table *t = llmb_table_new(7, head, "llrrrrl");
    int rc = t ? 0 : -1;
    for (size_t i = 0; !rc && i < n; i++) {
        const struct llmb_compare *c = &p[i].c;
        char conf[320], a[64], b[64], ch[32], ci[64];
        describe(&p[i].a->r, conf, sizeof conf);
        fmt_value(a, sizeof a, metric, p[i].a);
        fmt_value(b, sizeof b, metric, p[i].b);
        if (isnan(c->change_pct))
            snprintf(ch, sizeof ch, "n/a");
        else
            snprintf(ch, sizeof ch, "%+.2f%%", c->change_pct);
        if (isnan(c->ci_lo_pct))
            snprintf(ci, sizeof ci, "n/a");
        else
            snprintf(ci, sizeof ci, "[%+.2f%%, %+.2f%%]", c->ci_lo_pct, c->ci_hi_pct);
        const char *sig = !isfinite(c->sd_a) || !isfinite(c->sd_b) ? "n/a (no error)"
                          : !c->significant                        ? "no"
                          : worse_pct(metric, c) > 0               ? "yes (worse)"
                                                                   : "yes (better)";
        const char *cells[] = {p[i].a->test, conf, a, b, ch, ci, sig};
        rc = llmb_table_add(t, cells);
    }
    if (!rc)
        rc = llmb_table_print(t, stdout);
    llmb_table_free(t);
    return rc;
}

int llmb_cli_compare_quality(struct llmb_store *s, const char *ea, const char *eb, int metric, double fail_pct,
                             int *usage, struct llmb_error *err)
{
    struct side side[2];
    memset(side, 0, sizeof side);
    struct pair *pairs = NULL;
    size_t n = 0, only_a = 0;
    *usage = 0;
    int rc = load(s, ea, metric, &side[0], err);
    if (!rc)
        rc = load(s, eb, metric, &side[1], err);
    if (!rc && !(pairs = calloc(side[0].n_g ? side[0].n_g : 1, sizeof *pairs)))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < side[0].n_g; i++) {
        const struct llmb_store_record *a = side[0].g[i], *b = find(&side[1], a->instance_key);
        double va, sa, vb, sb;
        size_t ka, na, kb, nb;
        if (!b) {
            only_a++;
            continue;
        }
        figure(a, metric, &va, &sa, &ka, &na);
        figure(b, metric, &vb, &sb, &kb, &nb);
        int bad = metric == LLMB_QM_SUITE ? llmb_compare_proportions(ka, na, kb, nb, &pairs[n].c)
                                          : llmb_compare_normal(va, sa, vb, sb, &pairs[n].c);
        if (!bad) {
            pairs[n].a = a;
            pairs[n].b = b;
            n++;
        }
    }
    /* tests A passed and B failed: a regression whatever the figures say */
    size_t n_broke = 0;
    char broke[600] = "";
    for (size_t i = 0; !rc && i < side[1].n_failed; i++) {
        const struct llmb_store_record *fb = side[1].failed[i];
        if (!find(&side[0], fb->instance_key))
            continue;
        size_t l = strlen(broke);
        if (l < sizeof broke)
            snprintf(broke + l, sizeof broke - l, "%s%s on %.100s (%.120s)", n_broke ? "; " : "", fb->test,
                     fb->r.model.desc[0] ? fb->r.model.desc : fb->r.model.path, fb->r.error);
        n_broke++;
    }
    if (!rc && n_broke) {
        only_a -= n_broke;
        if (n == 0) {
            printf("%zu test%s passed in A and failed in B: %s\n", n_broke, n_broke == 1 ? "" : "s", broke);
            rc = llmb_error_set(err, LLMB_E_INVAL, "regression: %zu test%s passed in A and failed in B: %s",
                                n_broke, n_broke == 1 ? "" : "s", broke);
            goto done;
        }
    }
    if (!rc && n == 0) {
        *usage = 1;
        rc = llmb_error_set(err, LLMB_E_INVAL,
                            "no test of '%s' matches a test of '%s' with %s figures (same model, text, settings "
                            "and reference)", ea, eb, names[metric]);
    }
    if (rc)
        goto done;
    printf("A: %s (%zu tests with %s)\nB: %s (%zu tests with %s)\n\n", ea, side[0].n_g, names[metric], eb,
           side[1].n_g, names[metric]);
    if (print_pairs(pairs, n, metric)) {
        rc = llmb_error_set(err, LLMB_E_IO, "cannot write to stdout");
        goto done;
    }
    if (only_a || side[1].n_g > n)
        printf("\n%zu tests only in A, %zu only in B (not compared)\n", only_a, side[1].n_g - n);
    if (n_broke)
        printf("\n%zu test%s passed in A and failed in B: %s\n", n_broke, n_broke == 1 ? "" : "s", broke);
    size_t worse = 0, better = 0;
    for (size_t i = 0; i < n; i++)
        if (pairs[i].c.significant && worse_pct(metric, &pairs[i].c) > 0)
            worse++;
        else if (pairs[i].c.significant)
            better++;
    printf("\nB (%s) against A (%s) over %zu matched test%s: %zu significantly worse, %zu significantly better, "
           "%zu within the noise (%s, %s is worse)\n",
           eb, ea, n, n == 1 ? "" : "s", worse, better, n - worse - better, units[metric],
           higher_is_worse[metric] ? "higher" : "lower");
    if (fail_pct >= 0) {
        char list[400] = "";
        size_t k = 0, len = 0;
        for (size_t i = 0; i < n; i++) {
            const struct llmb_compare *c = &pairs[i].c;
            if (!c->significant || !(worse_pct(metric, c) > fail_pct))
                continue;
            if (len < sizeof list)
                len += (size_t)snprintf(list + len, sizeof list - len, "%s%s %+.1f%%", k ? ", " : "",
                                        pairs[i].a->test, c->change_pct);
            k++;
        }
        if (k)
            rc = llmb_error_set(err, LLMB_E_INVAL, "regression: %zu of %zu tests significantly worse (%s) by more "
                                "than %g%%: %s%s%s", k, n, units[metric], fail_pct, list,
                                n_broke ? "; and tests that failed in B: " : "", n_broke ? broke : "");
        else if (n_broke)
            rc = llmb_error_set(err, LLMB_E_INVAL, "regression: %zu test%s passed in A and failed in B: %s",
                                n_broke, n_broke == 1 ? "" : "s", broke);
    }
done:
    free(pairs);
    for (int i = 0; i < 2; i++) {
        free(side[i].g);
        free(side[i].failed);
        llmb_store_records_free(side[i].recs, side[i].n_recs);
    }
    return rc;
}
