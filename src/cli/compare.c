/* compare.c - `llmbench compare A B`: two selections of stored results (run
 * ids or filter expressions such as tag=baseline) matched test by test on
 * their configuration, by the library (src/analysis/compare.c: speed tests
 * with runs as the units and the run-to-run spread of earlier runs of the
 * same configurations as noise; quality figures by their standard errors).
 * This prints each pair with both figures, the change, its interval,
 * whether it is significant and what the interval stands on (between-run or
 * within-run), then one summary line ("B is 1.07 ± 0.02x faster than A").
 * --fail-on-regression PCT makes it a CI gate: exit 1 when a significant
 * change for the worse exceeds PCT, or a test that passed in A failed in B;
 * --ignore t compares tests that differ in those parameters. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "llmbench/analysis.h"
#include "output/table.h"
#include "store_cli.h"

enum { O_METRIC = 1, O_FAIL, O_IGNORE, O_RUN_CV };

const struct llmb_opt llmb_compare_opts[] = {
    {O_METRIC, "--metric", "NAME", "ts",
     "ts (tokens/s of the test), pp, tg (their parts), ttft (ms); or quality: ppl, kld, top1 (agreement with the "
     "reference), suite (pass rate)",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_FAIL, "--fail-on-regression", "PCT", NULL,
     "exit 1 when a significant change for the worse exceeds PCT (e.g. 5%): slower, higher PPL/KLD, lower top-1 or "
     "pass rate",
     LLMB_OPT_PCT, 0, 1000, 0, NULL},
    {O_IGNORE, "--ignore", "PARAMS", NULL,
     "match tests that differ in these parameters, comma-separated (t: -t 1 against -t 2; model: one model against "
     "another)",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_RUN_CV, "--run-cv", "PCT", "2%",
     "run-to-run spread of a speed figure assumed until earlier runs of the configuration measure it (worth four "
     "runs; 0: none, the within-run noise alone)",
     LLMB_OPT_PCT, 0, 100, 0, NULL},
    LLMB_STORE_DB_OPTS,
    {0},
};

struct compare_cli {
    struct llmb_cli_store st;
    struct llmb_cmp_params p;
    int n_expr;
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct compare_cli *c = user;
    int rc;
    if (llmb_cli_store_opt(&c->st, id, name, v, &rc, err))
        return rc;
    switch (id) {
    case -1:
        if (c->n_expr == 2)
            return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (compare takes A and B)", v);
        *(c->n_expr++ ? &c->p.b : &c->p.a) = v;
        return LLMB_OK;
    case O_METRIC:
        if ((c->p.metric = llmb_cmp_metric_parse(v)) >= 0)
            return LLMB_OK;
        return llmb_error_set(err, LLMB_E_INVAL, "%s: unknown metric '%s' (ts, pp, tg, ttft, ppl, kld, top1, suite)",
                              name, v);
    case O_FAIL: c->p.fail_pct = llmb_opt_value(v); return LLMB_OK;
    case O_RUN_CV: c->p.run_cv_pct = llmb_opt_value(v) > 0 ? llmb_opt_value(v) : -1; return LLMB_OK;
    case O_IGNORE: {
        struct llmb_error e = {0};
        c->p.ignore = v;
        return llmb_cmp_ignore_check(v, &e) ? llmb_error_set(err, LLMB_E_INVAL, "%s: %s", name, e.msg) : LLMB_OK;
    }
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

/* A side's figure: "12.34 ± 0.56" (speed: mean ± sd), "10.2345 ± 0.0512"
 * (PPL), "0.012345 ± 0.000321" (KLD), "94.50 ± 0.20%" (top-1), "7/9 (77.8 ±
 * 13.9%)" (suite). */
static void fmt_value(char *buf, size_t len, int metric, double v, double se, size_t k, size_t n)
{
    se = isfinite(se) ? se : 0;
    if (metric == LLMB_CM_SUITE)
        snprintf(buf, len, "%zu/%zu (%.1f \xc2\xb1 %.1f%%)", k, n, 100 * v, 100 * se);
    else if (metric == LLMB_CM_TOP1)
        snprintf(buf, len, "%.2f \xc2\xb1 %.2f%%", 100 * v, 100 * se);
    else if (metric == LLMB_CM_KLD)
        snprintf(buf, len, "%.6f \xc2\xb1 %.6f", v, se);
    else
        snprintf(buf, len, llmb_cmp_metric_is_quality(metric) ? "%.4f \xc2\xb1 %.4f" : "%.2f \xc2\xb1 %.2f", v, se);
}

static const char *significance(const struct llmb_cmp_result *r, const struct llmb_cmp_pair *p)
{
    const struct llmb_compare *c = &p->c;
    if (!llmb_cmp_metric_is_quality(r->metric))
        return isnan(c->ci_lo_pct) ? "n/a (1 sample)" : c->significant ? "yes" : "no";
    return !isfinite(c->sd_a) || !isfinite(c->sd_b) ? "n/a (no error)"
           : !c->significant                        ? "no"
           : p->worse_pct > 0                       ? "yes (worse)"
                                                    : "yes (better)";
}

static int print_pairs(const struct llmb_cmp_result *r)
{
    char ha[32], hb[32];
    snprintf(ha, sizeof ha, "A %s", llmb_cmp_metric_unit(r->metric));
    snprintf(hb, sizeof hb, "B %s", llmb_cmp_metric_unit(r->metric));
    /* speed: which noise the interval counts (after the old columns: readers by position still read) */
    int speed = !llmb_cmp_metric_is_quality(r->metric);
    const char *head[] = {"test", "configuration", ha, hb, "change", "95% CI", "significant", "basis"};
    struct llmb_table *t = llmb_table_new(speed ? 8 : 7, head, "llrrrrll");
    int rc = t ? 0 : -1;
    for (size_t i = 0; !rc && i < r->n_pairs; i++) {
        const struct llmb_cmp_pair *p = &r->pairs[i];
        const struct llmb_compare *c = &p->c;
        char test[96], conf[320], a[64], b[64], ch[32] = "n/a", ci[64] = "n/a";
        llmb_cmp_test_name(p->a, test, sizeof test);
        llmb_cmp_describe(p->a, conf, sizeof conf);
        fmt_value(a, sizeof a, r->metric, p->value_a, p->se_a, p->k_a, p->n_a);
        fmt_value(b, sizeof b, r->metric, p->value_b, p->se_b, p->k_b, p->n_b);
        if (!isnan(c->change_pct))
            snprintf(ch, sizeof ch, "%+.2f%%", c->change_pct);
        if (!isnan(c->ci_lo_pct))
            snprintf(ci, sizeof ci, "[%+.2f%%, %+.2f%%]", c->ci_lo_pct, c->ci_hi_pct);
        char basis[128], earlier[40] = "";
        if (p->hist_runs)
            snprintf(earlier, sizeof earlier, ", %zu earlier", p->hist_runs);
        snprintf(basis, sizeof basis, "%s (%zu+%zu runs%s)", llmb_compare_basis_name(c->basis), c->runs_a, c->runs_b,
                 earlier);
        const char *cells[] = {test, conf, a, b, ch, ci, significance(r, p), basis};
        rc = llmb_table_add(t, cells);
    }
    if (!rc)
        rc = llmb_table_print(t, stdout);
    llmb_table_free(t);
    return rc;
}

static void print_summary(const struct compare_cli *c, const struct llmb_cmp_result *r)
{
    int m = r->metric;
    size_t n = r->n_pairs;
    if (llmb_cmp_metric_is_quality(m)) {
        printf("\nB (%s) against A (%s) over %zu matched test%s: %zu significantly worse, %zu significantly "
               "better, %zu within the noise (%s, %s is worse)\n",
               c->p.b, c->p.a, n, n == 1 ? "" : "s", r->n_worse, r->n_better, n - r->n_worse - r->n_better,
               llmb_cmp_metric_unit(m), llmb_cmp_metric_higher_is_worse(m) ? "higher" : "lower");
        return;
    }
    int b_better = r->ratio >= 1;
    double x = b_better ? r->ratio : 1.0 / r->ratio, e = b_better ? r->ratio_err : r->ratio_err / (r->ratio * r->ratio);
    printf("\n%s (%s) is %.3f \xc2\xb1 %.3fx %s than %s (%s) over %zu matched test%s (geometric mean of %s)\n",
           b_better ? "B" : "A", b_better ? c->p.b : c->p.a, x, e,
           m == LLMB_CM_TTFT ? "quicker to the first token" : "faster", b_better ? "A" : "B",
           b_better ? c->p.a : c->p.b, n, n == 1 ? "" : "s", llmb_cmp_metric_unit(m));
}

/* The table, what matched nothing, the summary; rc from the regression gate. */
static int report(const struct compare_cli *c, const struct llmb_cmp_result *r, struct llmb_error *err)
{
    char broke[600], list[400];
    const char *with = llmb_cmp_metric_is_quality(r->metric) ? " with " : "";
    const char *metric = llmb_cmp_metric_is_quality(r->metric) ? llmb_cmp_metric_name(r->metric) : "";
    llmb_cmp_broke_text(r, broke, sizeof broke);
    printf("A: %s (%zu tests%s%s)\nB: %s (%zu tests%s%s", c->p.a, r->n_tests[0], with, metric, c->p.b, r->n_tests[1],
           with, metric);
    if (r->n_pairs == 0) {
        printf(", %zu failed)\n\n%zu test%s passed in A and failed in B: %s\n", r->n_failed_b, r->n_broke,
               r->n_broke == 1 ? "" : "s", broke);
        return llmb_error_set(err, LLMB_E_FAILED, "regression: %zu test%s passed in A and failed in B: %s", r->n_broke,
                              r->n_broke == 1 ? "" : "s", broke);
    }
    printf(")\n\n");
    if (print_pairs(r))
        return llmb_error_set(err, LLMB_E_IO, "cannot write to stdout");
    if (r->n_within)
        printf("\n%zu of %zu tests: %s\n", r->n_within, r->n_pairs, llmb_cmp_within_note(&c->p));
    if (r->only_a || r->only_b)
        printf("\n%zu tests only in A, %zu only in B (not compared)\n", r->only_a, r->only_b);
    if (r->n_broke)
        printf("\n%zu test%s passed in A and failed in B: %s\n", r->n_broke, r->n_broke == 1 ? "" : "s", broke);
    for (size_t i = 0; i < r->n_fixed; i++) {
        char test[96];
        llmb_cmp_test_name(r->fixed[i], test, sizeof test);
        printf("%s failed in A and passed in B\n", test);
    }
    print_summary(c, r);
    if (!r->regression)
        return LLMB_OK;
    if (!r->n_regressed)
        return llmb_error_set(err, LLMB_E_FAILED, "regression: %zu test%s passed in A and failed in B: %s", r->n_broke,
                              r->n_broke == 1 ? "" : "s", broke);
    llmb_cmp_regressed_text(r, list, sizeof list);
    char how[32] = "slower";
    if (llmb_cmp_metric_is_quality(r->metric))
        snprintf(how, sizeof how, "worse (%s)", llmb_cmp_metric_unit(r->metric));
    return llmb_error_set(err, LLMB_E_FAILED, "regression: %zu of %zu tests significantly %s by more than %g%%: %s%s%s",
                          r->n_regressed, r->n_pairs, how, c->p.fail_pct, list,
                          r->n_broke ? "; and tests that failed in B: " : "", r->n_broke ? broke : "");
}

int llmb_cmd_compare(int argc, char **argv, struct llmb_error *err)
{
    struct compare_cli c;
    memset(&c, 0, sizeof c);
    llmb_cli_store_init(&c.st);
    c.p.fail_pct = -1;
    struct llmb_store *s = NULL;
    struct llmb_cmp_result r = {0};
    int rc = llmb_opt_parse(llmb_compare_opts, argc, argv, on_opt, &c, err);
    if (!rc && c.n_expr != 2)
        rc = llmb_error_set(err, LLMB_E_INVAL, "compare needs two selections, A and B (see --help)");
    struct llmb_store_filter check;
    for (int i = 0; !rc && i < 2; i++) /* bad selections fail before the database opens */
        rc = llmb_store_filter_parse(&check, i ? c.p.b : c.p.a, err);
    if (!rc && !(rc = llmb_cli_store_open(&c.st, 1, &s, err)))
        rc = llmb_cmp_run(s, &c.p, &r, err);
    if (!rc && r.n_pairs == 0 && r.n_broke == 0)
        rc = llmb_error_set(err, LLMB_E_INVAL,
                            "no test of '%s' matches a test of '%s' with %s figures (same model and parameters%s)",
                            c.p.a, c.p.b, llmb_cmp_metric_name(c.p.metric),
                            llmb_cmp_metric_is_quality(c.p.metric) ? ", text and reference" : "");
    if (!rc)
        rc = report(&c, &r, err);
    llmb_cmp_free(&r);
    llmb_store_close(s);
    return rc;
}
