/* test_compare.c - compare statistics (src/core/compare.c): Welch's interval
 * against a hand-computed case, an injected 10% slowdown flagged significant,
 * two samples of one distribution not flagged (and rarely over many seeds),
 * degenerate inputs, the geometric-mean summary; quality figures by the
 * normal approximation (hand-computed), pass rates by the binomial error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>

#include "llmbench/compare.h"

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* n normal samples of mean m and relative sd cv (Box-Muller, seeded). */
static void draw(double *x, size_t n, double m, double cv, unsigned *seed)
{
    for (size_t i = 0; i < n; i++) {
        double u1 = (rand_r(seed) + 1.0) / (RAND_MAX + 2.0), u2 = (rand_r(seed) + 1.0) / (RAND_MAX + 2.0);
        x[i] = m * (1.0 + cv * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2));
    }
}

static void test_hand_computed(void **state)
{
    (void)state;
    double a[] = {10, 11, 12}, b[] = {13, 14, 15, 16};
    struct llmb_compare c;
    assert_int_equal(llmb_compare_welch(a, 3, b, 4, &c), 0);
    NEAR(c.mean_a, 11, 1e-12);
    NEAR(c.mean_b, 14.5, 1e-12);
    NEAR(c.change_pct, 100 * 3.5 / 11, 1e-9);
    NEAR(c.df, 4.959, 1e-3);
    /* df 4.96 -> t(4) = 2.776, se = sqrt(1/3 + 1.6667/4) = 0.8660 */
    NEAR(c.ci_lo_pct, 100 * (3.5 - 2.776 * sqrt(0.75)) / 11, 1e-6);
    NEAR(c.ci_hi_pct, 100 * (3.5 + 2.776 * sqrt(0.75)) / 11, 1e-6);
    assert_int_equal(c.significant, 1);
    NEAR(c.ratio, 14.5 / 11, 1e-12);
    assert_true(c.ratio_err > 0 && c.ratio_err < 0.2);
    assert_true(a[0] == 10 && b[3] == 16); /* inputs untouched */
}

static void test_injected_slowdown(void **state)
{
    (void)state;
    unsigned seed = 42;
    double a[10], b[10];
    draw(a, 10, 100, 0.03, &seed);
    draw(b, 10, 90, 0.03, &seed); /* 10% slower */
    struct llmb_compare c;
    assert_int_equal(llmb_compare_welch(a, 10, b, 10, &c), 0);
    assert_int_equal(c.significant, 1);
    assert_true(c.ci_hi_pct < 0);
    assert_true(c.ci_lo_pct < -10 && c.ci_hi_pct > -10); /* the interval holds the truth */
    NEAR(c.change_pct, -10, 3);
}

static void test_same_distribution(void **state)
{
    (void)state;
    unsigned seed = 42;
    double a[10], b[10];
    draw(a, 10, 100, 0.03, &seed);
    draw(b, 10, 100, 0.03, &seed);
    struct llmb_compare c;
    assert_int_equal(llmb_compare_welch(a, 10, b, 10, &c), 0);
    assert_int_equal(c.significant, 0);
    assert_true(c.ci_lo_pct < 0 && c.ci_hi_pct > 0);
}

/* Over many seeds: a 95% interval flags about 5% of equal pairs, and finds a
 * 10% slowdown almost always with 5 repetitions at 3% noise. */
static void test_rates(void **state)
{
    (void)state;
    unsigned seed = 7;
    int false_pos = 0, found = 0, trials = 400;
    for (int i = 0; i < trials; i++) {
        double a[5], b[5], c5[5];
        draw(a, 5, 100, 0.03, &seed);
        draw(b, 5, 100, 0.03, &seed);
        draw(c5, 5, 90, 0.03, &seed);
        struct llmb_compare c;
        llmb_compare_welch(a, 5, b, 5, &c);
        false_pos += c.significant;
        llmb_compare_welch(a, 5, c5, 5, &c);
        found += c.significant && c.change_pct < 0;
    }
    assert_true(false_pos <= trials * 8 / 100);
    assert_true(found >= trials * 95 / 100);
}

static void test_degenerate(void **state)
{
    (void)state;
    struct llmb_compare c;
    double one = 5, two[] = {5, 5}, other[] = {6, 6}, zero[] = {0, 0};
    assert_int_equal(llmb_compare_welch(&one, 0, two, 2, &c), -1);
    assert_int_equal(llmb_compare_welch(zero, 2, two, 2, &c), -1);
    assert_int_equal(llmb_compare_welch(&one, 1, two, 2, &c), 0);
    assert_true(isnan(c.ci_lo_pct) && isnan(c.ci_hi_pct));
    assert_int_equal(c.significant, 0);
    NEAR(c.change_pct, 0, 1e-12);
    assert_int_equal(llmb_compare_welch(two, 2, two, 2, &c), 0); /* identical, no spread */
    assert_int_equal(c.significant, 0);
    NEAR(c.ci_lo_pct, 0, 1e-12);
    assert_int_equal(llmb_compare_welch(two, 2, other, 2, &c), 0); /* different, no spread */
    assert_int_equal(c.significant, 1);
    NEAR(c.change_pct, 20, 1e-9);
}

static void test_summary(void **state)
{
    (void)state;
    struct llmb_compare c[3] = {{.ratio = 1.1, .ratio_err = 0.011}, {.ratio = 1.1, .ratio_err = 0.011},
                                {.ratio = 0, .ratio_err = 0}}; /* the last has no ratio: skipped */
    double r, e;
    llmb_compare_summary(c, 3, &r, &e);
    NEAR(r, 1.1, 1e-12);
    NEAR(e, 1.1 * sqrt(2 * 0.01 * 0.01) / 2, 1e-12);
    struct llmb_compare d[2] = {{.ratio = 2, .ratio_err = 0}, {.ratio = 0.5, .ratio_err = 0}};
    llmb_compare_summary(d, 2, &r, &e);
    NEAR(r, 1, 1e-12);
    llmb_compare_summary(NULL, 0, &r, &e);
    NEAR(r, 1, 0);
    NEAR(e, 0, 0);
}

static void test_normal(void **state)
{
    (void)state;
    struct llmb_compare c;
    /* PPL 10.00 +/- 0.03 -> 10.50 +/- 0.04: se of the difference 0.05, half 1.96 * 0.05 = 0.098 */
    assert_int_equal(llmb_compare_normal(10.0, 0.03, 10.5, 0.04, &c), 0);
    NEAR(c.change_pct, 5.0, 1e-12);
    NEAR(c.ci_lo_pct, 100 * (0.5 - 1.959964 * 0.05) / 10, 1e-5);
    NEAR(c.ci_hi_pct, 100 * (0.5 + 1.959964 * 0.05) / 10, 1e-5);
    assert_int_equal(c.significant, 1);
    NEAR(c.sd_a, 0.03, 1e-15);
    NEAR(c.ratio, 1.05, 1e-12);
    /* within the noise: 10.00 +/- 0.03 -> 10.05 +/- 0.04 */
    assert_int_equal(llmb_compare_normal(10.0, 0.03, 10.05, 0.04, &c), 0);
    NEAR(c.change_pct, 0.5, 1e-9);
    assert_true(c.ci_lo_pct < 0 && c.ci_hi_pct > 0);
    assert_int_equal(c.significant, 0);
    /* an unknown error: a change, no interval, never significant */
    assert_int_equal(llmb_compare_normal(10.0, NAN, 20.0, 0.01, &c), 0);
    NEAR(c.change_pct, 100, 1e-12);
    assert_true(isnan(c.ci_lo_pct) && isnan(c.ci_hi_pct));
    assert_int_equal(c.significant, 0);
    /* A is 0: no % change, but the difference can still be significant */
    assert_int_equal(llmb_compare_normal(0.0, 0.0, 0.02, 0.001, &c), 0);
    assert_true(isnan(c.change_pct) && isnan(c.ci_lo_pct));
    assert_int_equal(c.significant, 1);
    assert_int_equal(llmb_compare_normal(NAN, 0.1, 1.0, 0.1, &c), -1);
    assert_int_equal(llmb_compare_normal(1.0, 0.1, INFINITY, 0.1, &c), -1);
}

static void test_proportions(void **state)
{
    (void)state;
    struct llmb_compare c;
    /* 90/100 -> 70/100: se sqrt(.09/100 + .21/100) = 0.05477; change -22.2% */
    assert_int_equal(llmb_compare_proportions(90, 100, 70, 100, &c), 0);
    NEAR(c.mean_a, 0.9, 1e-12);
    NEAR(c.mean_b, 0.7, 1e-12);
    NEAR(c.sd_a, sqrt(0.9 * 0.1 / 100), 1e-12);
    NEAR(c.change_pct, -100 * 0.2 / 0.9, 1e-9);
    NEAR(c.ci_hi_pct, 100 * (-0.2 + 1.959964 * sqrt(0.003)) / 0.9, 1e-4);
    assert_int_equal(c.significant, 1);
    assert_int_equal(c.n_a, 100);
    /* 9/10 -> 8/10: too few prompts to tell */
    assert_int_equal(llmb_compare_proportions(9, 10, 8, 10, &c), 0);
    assert_int_equal(c.significant, 0);
    assert_int_equal(llmb_compare_proportions(1, 0, 1, 2, &c), -1);
    assert_int_equal(llmb_compare_proportions(3, 2, 1, 2, &c), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed), cmocka_unit_test(test_injected_slowdown),
        cmocka_unit_test(test_same_distribution), cmocka_unit_test(test_rates),
        cmocka_unit_test(test_degenerate), cmocka_unit_test(test_summary),
        cmocka_unit_test(test_normal),     cmocka_unit_test(test_proportions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
