/* test_drift.c - trend, warm-up and two-group detection over a test's
 * samples (src/core/drift.c), and the flags and words they lead to
 * (src/core/conditions.c), on synthetic series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/conditions.h"
#include "llmbench/result.h"

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* 1000 t/s with +-0.5% of deterministic noise */
static void flat(double *x, size_t n)
{
    unsigned s = 7;
    for (size_t i = 0; i < n; i++)
        x[i] = 1000 * (1 + 0.01 * ((double)rand_r(&s) / RAND_MAX - 0.5));
}

static void test_spearman(void **state)
{
    (void)state;
    double up[] = {1, 2, 3, 4, 5, 6}, down[] = {6, 5, 4, 3, 2, 1}, tie[] = {1, 1, 2, 2};
    NEAR(llmb_drift_spearman(up, 6), 1.0, 1e-12);
    NEAR(llmb_drift_spearman(down, 6), -1.0, 1e-12);
    NEAR(llmb_drift_spearman(tie, 4), 2 / sqrt(5.0), 1e-12); /* ranks 1.5 1.5 3.5 3.5 against 1..4 */
    double v[] = {3, 1, 2};
    NEAR(llmb_drift_spearman(v, 3), -0.5, 1e-12);
    NEAR(llmb_drift_rho_critical(5), 1.0, 0);
    NEAR(llmb_drift_rho_critical(10), 0.648, 0);
    /* beyond the table, the t approximation goes on smoothly */
    assert_true(llmb_drift_rho_critical(21) < 0.447 && llmb_drift_rho_critical(21) > 0.40);
    assert_true(llmb_drift_rho_critical(100) < 0.21 && llmb_drift_rho_critical(100) > 0.18);
    assert_true(isinf(llmb_drift_rho_critical(4)));
}

static void test_flat(void **state)
{
    (void)state;
    double x[20];
    flat(x, 20);
    struct llmb_drift d;
    llmb_drift_detect(x, 20, &d);
    assert_true(d.trend_known);
    assert_false(d.trend);
    assert_int_equal(d.warmup_reps, 0);
    assert_false(d.bimodal);
    assert_true(fabs(d.change_pct) < 1);
    struct llmb_conditions c;
    memset(&c, 0, sizeof c);
    llmb_cond_apply_samples(&c, x, 20);
    assert_string_equal(c.interference, "");
    assert_string_equal(c.drift, "");
    assert_true(c.spread_pct < 1);
    assert_true((c.known & (LLMB_COND_DRIFT | LLMB_COND_WARMUP | LLMB_COND_SPREAD)) ==
                (LLMB_COND_DRIFT | LLMB_COND_WARMUP | LLMB_COND_SPREAD));
}

static void test_trend(void **state)
{
    (void)state;
    double x[12];
    flat(x, 12);
    for (size_t i = 0; i < 12; i++)
        x[i] *= 1 - 0.01 * (double)i; /* 1% slower each repetition (heat) */
    struct llmb_drift d;
    llmb_drift_detect(x, 12, &d);
    assert_true(d.trend);
    assert_true(d.rho < -0.9);
    assert_true(d.change_pct < -6 && d.change_pct > -10);
    assert_int_equal(d.warmup_reps, 0);
    /* a significant but tiny trend is not flagged (below 3%) */
    flat(x, 12);
    for (size_t i = 0; i < 12; i++)
        x[i] = 1000 + 0.5 * (double)i;
    llmb_drift_detect(x, 12, &d);
    NEAR(d.rho, 1.0, 1e-12);
    assert_false(d.trend);
    /* five monotonic samples: significant at n = 5 only when perfectly ordered */
    double five[] = {1000, 980, 960, 940, 920};
    llmb_drift_detect(five, 5, &d);
    assert_true(d.trend);
    double five2[] = {1000, 980, 990, 940, 920};
    llmb_drift_detect(five2, 5, &d);
    assert_false(d.trend);
}

static void test_warmup(void **state)
{
    (void)state;
    double x[10];
    flat(x, 10);
    x[0] = 850;
    x[1] = 900; /* the first two 12.5% slower than the rest */
    struct llmb_drift d;
    llmb_drift_detect(x, 10, &d);
    assert_int_equal(d.warmup_reps, 2);
    NEAR(d.warmup_slow_pct, 12.5, 0.6);
    assert_false(d.trend);   /* the rest is flat */
    assert_false(d.bimodal); /* a slow start is not a second group */
    /* the words */
    struct llmb_result r;
    memset(&r, 0, sizeof r);
    r.inst.kind = LLMB_WL_SPEED;
    r.inst.n_prompt = 512;
    r.cond.warmup_runs = 1;
    r.cond.known = LLMB_COND_WARMUPS;
    llmb_cond_apply_samples(&r.cond, x, 10);
    assert_string_equal(r.cond.drift, "warmup");
    char msg[512];
    assert_int_equal(llmb_cond_warning(&r, 1, msg, sizeof msg), 1);
    assert_string_equal(msg, "pp512: the first 2 repetitions were 12% slower than the rest: use --warmup 3");
    /* one slow sample among five */
    double y[] = {800, 1000, 1002, 998, 1001};
    llmb_drift_detect(y, 5, &d);
    assert_int_equal(d.warmup_reps, 1);
    memset(&r.cond, 0, sizeof r.cond);
    llmb_cond_apply_samples(&r.cond, y, 5);
    assert_int_equal(llmb_cond_warning(&r, 1, msg, sizeof msg), 1);
    assert_string_equal(msg, "pp512: the first repetition was 20% slower than the rest: use --warmup 2");
    /* slow by less than 5%: noise, not warm-up */
    double z[] = {970, 1000, 1002, 998, 1001, 999};
    llmb_drift_detect(z, 6, &d);
    assert_int_equal(d.warmup_reps, 0);
    /* a slow sample later on is not warm-up */
    double w[] = {1000, 800, 1002, 998, 1001, 999};
    llmb_drift_detect(w, 6, &d);
    assert_int_equal(d.warmup_reps, 0);
}

static void test_bimodal(void **state)
{
    (void)state;
    /* preemption: about half the repetitions 40% slower, in no order */
    double x[] = {1000, 601, 998, 1003, 598, 603, 1001, 600, 999, 602};
    struct llmb_drift d;
    llmb_drift_detect(x, 10, &d);
    assert_true(d.bimodal);
    assert_true(d.bimodal_gap_pct > 40);
    struct llmb_conditions c;
    memset(&c, 0, sizeof c);
    llmb_cond_apply_samples(&c, x, 10);
    assert_string_equal(c.interference, "spread,bimodal");
    /* a single outlier is not a group */
    double y[] = {1000, 601, 998, 1003, 1002, 1001, 999, 1000, 997, 1004};
    llmb_drift_detect(y, 10, &d);
    assert_false(d.bimodal);
    /* too few samples to say */
    double z[] = {1000, 600, 1000, 600, 1000};
    llmb_drift_detect(z, 5, &d);
    assert_false(d.bimodal);
}

static void test_spread(void **state)
{
    (void)state;
    double x[] = {1000, 850, 1150, 900, 1100, 1000, 800, 1200, 950, 1050}; /* MAD/median ~15% */
    struct llmb_conditions c;
    memset(&c, 0, sizeof c);
    llmb_cond_apply_samples(&c, x, 10);
    assert_true(c.spread_pct > 10);
    assert_non_null(strstr(c.interference, "spread"));
    struct llmb_result r;
    memset(&r, 0, sizeof r);
    r.inst.kind = LLMB_WL_SPEED;
    r.inst.n_gen = 128;
    r.cond = c;
    char msg[512];
    assert_int_equal(llmb_cond_warning(&r, 0, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "the repetitions of tg128 spread by"));
    /* too few samples: nothing said */
    memset(&c, 0, sizeof c);
    llmb_cond_apply_samples(&c, x, 2);
    assert_int_equal(c.known, 0);
    assert_string_equal(c.interference, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spearman), cmocka_unit_test(test_flat),    cmocka_unit_test(test_trend),
        cmocka_unit_test(test_warmup),   cmocka_unit_test(test_bimodal), cmocka_unit_test(test_spread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
