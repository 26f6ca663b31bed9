/* test_analysis.c - compare and recommend as library calls (src/analysis/):
 * two runs stored with known samples are matched test by test (pooled,
 * Welch), a slowdown is found significant and gated, a test that passed in
 * A and failed in B is a regression, a run against itself is 1.00 with
 * nothing significant; runs as the units: three runs a side with a
 * run-level offset are not flagged while a 10% slowdown is, one run a side
 * draws the spread from earlier runs of its configuration (and says
 * within-run without them), --ignore t matches -t 1 with -t 4; recommend's Pareto front ranks configurations and
 * says why the others lost, and limits that nothing meets leave the front
 * empty with every reason stated; a run's interval across runs from the
 * prior and the configuration's earlier runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llmbench/analysis.h"
#include "llmbench/stats.h"
#include "store_fixture.h"

static void test_metrics(void **state)
{
    (void)state;
    for (int m = 0; m < LLMB_CM_COUNT; m++)
        assert_int_equal(llmb_cmp_metric_parse(llmb_cmp_metric_name(m)), m);
    assert_int_equal(llmb_cmp_metric_parse("speed"), -1);
    assert_true(llmb_cmp_metric_higher_is_worse(LLMB_CM_TTFT) && llmb_cmp_metric_higher_is_worse(LLMB_CM_KLD));
    assert_false(llmb_cmp_metric_higher_is_worse(LLMB_CM_TG) || llmb_cmp_metric_higher_is_worse(LLMB_CM_SUITE));
    assert_true(llmb_cmp_metric_is_quality(LLMB_CM_PPL) && !llmb_cmp_metric_is_quality(LLMB_CM_PP));
}

static void test_compare(void **state)
{
    (void)state;
    struct fixture_db d;
    fixture_db_open(&d, "/tmp/llmb_analysis_XXXXXX");
    struct fixture a[3], b[2];
    fixture_speed(&a[0], "m.gguf", 1, 8, 1e6); /* matched: B is 10% slower */
    fixture_speed(&a[1], "m.gguf", 2, 8, 5e5); /* B fails it */
    fixture_speed(&a[2], "m.gguf", 4, 8, 3e5); /* only in A */
    fixture_speed(&b[0], "m.gguf", 1, 8, 1.1e6);
    fixture_speed(&b[1], "m.gguf", 2, 0, 0);
    b[1].r.error = "worker killed by SIGSEGV";
    fixture_run(&d, "a", a, 3);
    fixture_run(&d, "b", b, 2);

    struct llmb_cmp_params p = {.a = "tag=a", .b = "tag=b", .metric = LLMB_CM_TS, .fail_pct = 5};
    struct llmb_cmp_result r;
    struct llmb_error e = {0};
    if (llmb_cmp_run(d.s, &p, &r, &e))
        fail_msg("compare: %s", e.msg);
    assert_int_equal(r.n_pairs, 1);
    assert_int_equal(r.pairs[0].a->r.inst.n_threads, 1);
    assert_true(fabs(r.pairs[0].c.change_pct - (100.0 / 1.1 - 100)) < 0.01); /* -9.09% */
    assert_true(r.pairs[0].c.significant);
    assert_true(r.pairs[0].worse_pct > 9 && r.pairs[0].regressed);
    assert_true(fabs(r.ratio - 1 / 1.1) < 1e-3);
    assert_int_equal(r.n_broke, 1);
    assert_int_equal(r.broke[0]->r.inst.n_threads, 2);
    assert_int_equal(r.only_a, 1);
    assert_int_equal(r.only_b, 0);
    assert_true(r.regression);
    char text[600];
    llmb_cmp_broke_text(&r, text, sizeof text);
    assert_non_null(strstr(text, "SIGSEGV"));
    llmb_cmp_regressed_text(&r, text, sizeof text);
    assert_non_null(strstr(text, "-9.1%"));
    llmb_cmp_free(&r);

    /* time to first token: B is slower, so A is the quicker: ratio < 1 */
    p.metric = LLMB_CM_TTFT;
    if (llmb_cmp_run(d.s, &p, &r, &e))
        fail_msg("compare: %s", e.msg);
    assert_int_equal(r.n_pairs, 1);
    assert_true(r.ratio < 0.95 && r.pairs[0].worse_pct > 0);
    llmb_cmp_free(&r);

    /* A against itself: 1.00, nothing significant, no regression */
    p = (struct llmb_cmp_params){.a = "tag=a", .b = "tag=a", .metric = LLMB_CM_TS, .fail_pct = 0};
    if (llmb_cmp_run(d.s, &p, &r, &e))
        fail_msg("compare: %s", e.msg);
    assert_int_equal(r.n_pairs, 3);
    assert_true(fabs(r.ratio - 1) < 1e-9);
    assert_int_equal(r.n_worse + r.n_better + r.n_regressed + r.n_broke, 0);
    assert_false(r.regression);
    llmb_cmp_free(&r);

    /* a selection of nothing is an error naming it */
    p.b = "tag=nope";
    assert_int_equal(llmb_cmp_run(d.s, &p, &r, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "tag=nope"));
    llmb_cmp_free(&r);
    fixture_db_close(&d);
}

/* A run tagged tag of one test: m.gguf at t threads, 3 repetitions around
 * scale ms (spread 0..2%). */
static void run1(struct fixture_db *d, const char *tag, int t, double scale)
{
    struct fixture f;
    fixture_speed(&f, "m.gguf", t, 3, 1e6 * scale);
    fixture_run(d, tag, &f, 1);
}

static void cmp_cv(struct fixture_db *d, const char *a, const char *b, const char *ignore, double run_cv_pct,
                   struct llmb_cmp_result *r)
{
    struct llmb_cmp_params p = {
        .a = a, .b = b, .metric = LLMB_CM_TS, .fail_pct = 5, .ignore = ignore, .run_cv_pct = run_cv_pct};
    struct llmb_error e = {0};
    if (llmb_cmp_run(d->s, &p, r, &e))
        fail_msg("compare %s %s: %s", a, b, e.msg);
}

static void cmp(struct fixture_db *d, const char *a, const char *b, const char *ignore, struct llmb_cmp_result *r)
{
    cmp_cv(d, a, b, ignore, 0, r);
}

static void test_compare_runs(void **state)
{
    (void)state;
    struct fixture_db d;
    fixture_db_open(&d, "/tmp/llmb_analysis_XXXXXX");
    /* several runs a side: the runs 1-5% apart, the same configuration; pooled as
     * independent samples, A would be 3% faster "significantly" */
    const double sa[] = {1.00, 1.05, 1.02}, sb[] = {0.98, 1.01, 0.99}, sc[] = {1.10, 1.12, 1.09};
    for (int i = 0; i < 3; i++) {
        run1(&d, "a", 1, sa[i]);
        run1(&d, "b", 1, sb[i]);
        run1(&d, "c", 1, sc[i]); /* 10% slower */
    }
    struct llmb_cmp_result r;
    cmp(&d, "tag=a", "tag=b", NULL, &r);
    assert_int_equal(r.n_pairs, 1);
    const struct llmb_compare *c = &r.pairs[0].c;
    assert_int_equal(c->basis, LLMB_CB_BETWEEN_RUN);
    assert_int_equal(c->runs_a, 3);
    assert_int_equal(c->runs_b, 3);
    assert_int_equal(c->n_a, 9);
    assert_int_equal(r.pairs[0].hist_runs, 3); /* tag=c's runs are runs of the configuration too */
    assert_true(c->change_pct > 2 && c->ci_lo_pct < 0 && c->ci_hi_pct > 0);
    assert_false(c->significant || r.regression || r.n_within);
    /* the same samples pooled as independent, as compare did: "significant" */
    struct llmb_compare w;
    double xa[9], xb[9];
    for (int i = 0; i < 9; i++) {
        xa[i] = 80e3 / (sa[i / 3] * (1 + (i % 3) / 100.0));
        xb[i] = 80e3 / (sb[i / 3] * (1 + (i % 3) / 100.0));
    }
    assert_int_equal(llmb_compare_welch(xa, 9, xb, 9, &w), 0);
    assert_true(w.significant);
    llmb_cmp_free(&r);
    cmp(&d, "tag=a", "tag=c", NULL, &r); /* 10% slower: flagged, and the gate fails */
    assert_true(r.pairs[0].c.significant && r.pairs[0].c.change_pct < -7 && r.pairs[0].regressed && r.regression);
    llmb_cmp_free(&r);

    /* one run a side, at t=2: the spread of six earlier runs of the configuration */
    const double sh[] = {1.00, 1.03, 0.98, 1.02, 0.99, 1.01};
    for (int i = 0; i < 6; i++)
        run1(&d, "hist", 2, sh[i]);
    run1(&d, "a2", 2, 1.0);
    run1(&d, "b2", 2, 1.03);
    cmp(&d, "tag=a2", "tag=b2", NULL, &r);
    c = &r.pairs[0].c;
    assert_int_equal(c->basis, LLMB_CB_BETWEEN_RUN);
    assert_int_equal(r.pairs[0].hist_runs, 6);
    assert_true(c->runs_a == 1 && c->df_runs == 5 && c->run_sd > 0.01 && c->run_sd < 0.06);
    assert_false(c->significant || r.n_within);
    llmb_cmp_free(&r);
    run1(&d, "c2", 2, 1.11);
    cmp(&d, "tag=a2", "tag=c2", NULL, &r); /* b2 joins the history */
    assert_int_equal(r.pairs[0].hist_runs, 7);
    assert_true(r.pairs[0].c.significant && r.regression);
    llmb_cmp_free(&r);

    /* one run a side and no other run of the configuration (t=4): the assumed
     * run-to-run spread (--run-cv 2%, the default) besides the within-run noise;
     * without it (--run-cv 0), within-run only, and the interval narrower */
    run1(&d, "a4", 4, 1.0);
    run1(&d, "b4", 4, 1.03);
    cmp(&d, "tag=a4", "tag=b4", NULL, &r);
    assert_int_equal(r.pairs[0].c.basis, LLMB_CB_PRIOR);
    assert_int_equal(r.pairs[0].hist_runs, 0);
    assert_int_equal(r.n_within, 1);
    assert_true(isnan(r.pairs[0].c.run_sd) && !isnan(r.pairs[0].c.ci_lo_pct));
    double width = r.pairs[0].c.ci_hi_pct - r.pairs[0].c.ci_lo_pct;
    assert_true(width > 2 * 2.776 * 100 * log(1.02) * sqrt(2) * 0.95); /* 2 t95(4) s sqrt(2), B ~3% slower */
    llmb_cmp_free(&r);
    cmp_cv(&d, "tag=a4", "tag=b4", NULL, -1, &r);
    assert_int_equal(r.pairs[0].c.basis, LLMB_CB_WITHIN_RUN);
    assert_int_equal(r.n_within, 1);
    assert_true(r.pairs[0].c.ci_hi_pct - r.pairs[0].c.ci_lo_pct < width);
    llmb_cmp_free(&r);

    /* --ignore t: -t 2 against -t 4 */
    cmp(&d, "tag=a2", "tag=a4", NULL, &r);
    assert_int_equal(r.n_pairs, 0);
    llmb_cmp_free(&r);
    cmp(&d, "tag=a2", "tag=a4", "t", &r);
    assert_int_equal(r.n_pairs, 1);
    assert_int_equal(r.pairs[0].a->r.inst.n_threads, 2);
    assert_int_equal(r.pairs[0].b->r.inst.n_threads, 4);
    assert_int_equal(r.pairs[0].hist_runs, 9); /* t=2: hist, b2, c2; t=4: b4 */
    llmb_cmp_free(&r);
    struct llmb_error e = {0};
    assert_int_equal(llmb_cmp_ignore_check("t,model,ctk", &e), LLMB_OK);
    assert_int_equal(llmb_cmp_ignore_check("t,bogus", &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "'bogus'"));
    fixture_db_close(&d);
}

/* A run's interval across runs (llmb_run_interval): the prior alone without
 * a store or history; with earlier runs of the same configuration on this
 * host, their medians' spread pooled with it; other configurations, failed
 * results and other kinds are left out or unknown. */
static void test_run_interval(void **state)
{
    (void)state;
    struct llmb_error e = {0};
    struct fixture f;
    fixture_speed(&f, "m.gguf", 2, 10, 1e6);
    double m = f.r.ts.median;
    assert_int_equal(llmb_run_interval(NULL, 0, 2.0, &f.r, &e), LLMB_OK);
    assert_true(f.r.runs.known);
    assert_int_equal(f.r.runs.runs, 0);
    assert_float_equal(f.r.runs.cv_pct, 2.0, 1e-9);
    double h = llmb_stats_t95(4) * log(1.02); /* +-5.5%: wider than the median's own interval here */
    assert_true(h > log(f.r.ts.median_hi / m) && h > log(m / f.r.ts.median_lo));
    assert_float_equal(f.r.runs.lo, m * exp(-h), 1e-6 * m);
    assert_float_equal(f.r.runs.hi, m * exp(h), 1e-6 * m);
    assert_int_equal(llmb_run_interval(NULL, 0, 0, &f.r, &e), LLMB_OK); /* no prior, no store: nothing to go on */
    assert_false(f.r.runs.known);
    f.r.error = "crashed";
    assert_int_equal(llmb_run_interval(NULL, 0, 2.0, &f.r, &e), LLMB_OK);
    assert_false(f.r.runs.known);
    f.r.error = NULL;
    f.r.inst.kind = LLMB_WL_PPL;
    assert_int_equal(llmb_run_interval(NULL, 0, 2.0, &f.r, &e), LLMB_OK);
    assert_false(f.r.runs.known);

    struct fixture_db d;
    fixture_db_open(&d, "/tmp/llmb_runint_XXXXXX");
    const double scale[] = {1.00, 1.10, 0.90};
    double lm[3], mean = 0;
    for (int i = 0; i < 3; i++) {
        fixture_speed(&f, "m.gguf", 2, 5, 1e6 * scale[i]);
        lm[i] = log(f.r.ts.median);
        mean += lm[i] / 3;
        fixture_run(&d, "h", &f, 1);
    }
    run1(&d, "other", 1, 3.0); /* -t 1: another configuration, not its history */
    struct llmb_run_info ri = {.command = "llmbench bench", .plan_hash = "now", .n_planned = 1};
    int64_t id = 0;
    assert_int_equal(llmb_store_begin_run(d.s, &ri, &id, &e), LLMB_OK);
    fixture_speed(&f, "m.gguf", 2, 10, 1e6);
    assert_int_equal(llmb_run_interval(d.s, id, 2.0, &f.r, &e), LLMB_OK);
    double ss = 4 * log(1.02) * log(1.02);
    for (int i = 0; i < 3; i++)
        ss += (lm[i] - mean) * (lm[i] - mean);
    double sd = sqrt(ss / 6); /* 2 degrees of freedom from the runs, 4 from the prior */
    assert_true(f.r.runs.known);
    assert_int_equal(f.r.runs.runs, 3);
    assert_float_equal(f.r.runs.cv_pct, 100 * (exp(sd) - 1), 1e-9);
    assert_true(f.r.runs.cv_pct > 5); /* the runs' 10% steps outweigh the prior's 2% */
    assert_float_equal(f.r.runs.hi, f.r.ts.median * exp(llmb_stats_t95(6) * sd), 1e-6 * f.r.ts.median);
    /* stored and read back by name, like every field */
    assert_int_equal(llmb_store_put_result(d.s, id, &f.r, &e), LLMB_OK);
    struct llmb_store_filter flt;
    memset(&flt, 0, sizeof flt);
    flt.run_id = id;
    struct llmb_store_record *recs = NULL;
    size_t n = 0;
    assert_int_equal(llmb_store_query(d.s, &flt, &recs, &n, &e), LLMB_OK);
    assert_int_equal(n, 1);
    assert_true(recs[0].r.runs.known);
    assert_int_equal(recs[0].r.runs.runs, 3);
    assert_float_equal(recs[0].r.runs.lo, f.r.runs.lo, 1e-6 * f.r.runs.lo);
    llmb_store_records_free(recs, n);
    fixture_db_close(&d);
}

static void test_recommend(void **state)
{
    (void)state;
    struct fixture_db d;
    fixture_db_open(&d, "/tmp/llmb_analysis_XXXXXX");
    struct fixture c[3];
    fixture_speed(&c[0], "m.gguf", 1, 4, 1e6);
    fixture_speed(&c[1], "m.gguf", 2, 4, 6e5); /* faster at the same memory: dominates t=1 */
    fixture_speed(&c[2], "m.gguf", 4, 4, 4e5);
    c[2].r.peak_rss = 300000000; /* fastest, but more memory: also on the front */
    fixture_run(&d, "r", c, 3);

    struct llmb_rec_params p;
    llmb_rec_params_init(&p);
    struct llmb_rec_result r;
    struct llmb_error e = {0};
    if (llmb_rec_run(d.s, &p, &r, &e))
        fail_msg("recommend: %s", e.msg);
    assert_int_equal(r.n_configs, 3);
    assert_int_equal(r.n_front, 2);
    assert_int_equal(r.front[0]->rec->r.inst.n_threads, 4); /* best first: by tg */
    assert_int_equal(r.front[1]->rec->r.inst.n_threads, 2);
    const struct llmb_rec_config *lost = NULL;
    for (size_t i = 0; i < r.n_configs; i++)
        if (!r.configs[i].rank)
            lost = &r.configs[i];
    assert_non_null(lost);
    assert_int_equal(lost->rec->r.inst.n_threads, 1);
    assert_non_null(strstr(lost->why, "dominated by #2"));
    llmb_rec_free(&r);

    /* a memory limit takes the fastest out, saying why */
    p.limit[LLMB_RF_MEM] = 200000000;
    if (llmb_rec_run(d.s, &p, &r, &e))
        fail_msg("recommend: %s", e.msg);
    assert_int_equal(r.n_front, 1);
    assert_int_equal(r.front[0]->rec->r.inst.n_threads, 2);
    for (size_t i = 0; i < r.n_configs; i++)
        if (r.configs[i].rec->r.inst.n_threads == 4)
            assert_non_null(strstr(r.configs[i].why, "violates --max-memory"));
    llmb_rec_free(&r);

    /* limits nothing meets: an empty front, every configuration says why */
    p.limit[LLMB_RF_TG] = 1e12;
    if (llmb_rec_run(d.s, &p, &r, &e))
        fail_msg("recommend: %s", e.msg);
    assert_int_equal(r.n_front, 0);
    for (size_t i = 0; i < r.n_configs; i++)
        assert_non_null(strstr(r.configs[i].why, "--min-tg"));
    llmb_rec_free(&r);
    fixture_db_close(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics),      cmocka_unit_test(test_compare),   cmocka_unit_test(test_compare_runs),
        cmocka_unit_test(test_run_interval), cmocka_unit_test(test_recommend),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
