/* test_stats.c - descriptive statistics and CIs (src/core/stats.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "llmbench/stats.h"

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void test_basic(void **state)
{
    (void)state;
    double x[] = {5, 1, 4, 2, 3};
    struct llmb_stats s;
    llmb_stats_compute(x, 5, &s);
    assert_int_equal(s.n, 5);
    NEAR(s.mean, 3.0, 1e-12);
    NEAR(s.stddev, sqrt(2.5), 1e-12);
    NEAR(s.median, 3.0, 1e-12);
    NEAR(s.min, 1.0, 0);
    NEAR(s.max, 5.0, 0);
    NEAR(s.ci95_half, 2.776 * sqrt(2.5) / sqrt(5.0), 1e-9);
    assert_int_equal(s.n_outliers, 0);
    assert_true(x[0] == 5 && x[4] == 3); /* input untouched */
}

static void test_even_median_and_outlier(void **state)
{
    (void)state;
    double x[] = {10, 10.2, 9.8, 10.1, 9.9, 100};
    struct llmb_stats s;
    llmb_stats_compute(x, 6, &s);
    NEAR(s.median, 10.05, 1e-12);
    assert_int_equal(s.n_outliers, 1);
}

static void test_small(void **state)
{
    (void)state;
    struct llmb_stats s;
    llmb_stats_compute(NULL, 0, &s);
    assert_int_equal(s.n, 0);
    NEAR(s.mean, 0, 0);
    double one = 7;
    llmb_stats_compute(&one, 1, &s);
    NEAR(s.mean, 7, 0);
    NEAR(s.stddev, 0, 0);
    NEAR(s.ci95_half, 0, 0);
}

/* The median's 95% interval by order statistics: [x(j), x(n+1-j)] with j
 * from the binomial tail (n = 10: j = 2; n = 20: j = 6, coverage 95.9%); the
 * range below n = 6; a preempted repetition (one slow sample) moves the
 * mean's interval, not the median's. */
static void test_median_interval(void **state)
{
    (void)state;
    double x[20];
    struct llmb_stats s;
    for (int i = 0; i < 20; i++)
        x[i] = (double)((i * 7) % 20 + 1); /* 1..20, shuffled */
    llmb_stats_compute(x, 20, &s);
    NEAR(s.median, 10.5, 1e-12);
    NEAR(s.median_lo, 6, 0);
    NEAR(s.median_hi, 15, 0);
    double y[10] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    llmb_stats_compute(y, 10, &s);
    NEAR(s.median_lo, 2, 0);
    NEAR(s.median_hi, 9, 0);
    llmb_stats_compute(y, 5, &s);
    NEAR(s.median_lo, 6, 0);
    NEAR(s.median_hi, 10, 0);
    double z[12] = {100, 101, 99, 100, 102, 98, 100, 101, 99, 100, 100, 5}; /* one preempted repetition */
    llmb_stats_compute(z, 12, &s);
    NEAR(s.median, 100, 0);
    assert_true(s.median_lo >= 99 && s.median_hi <= 101);
    assert_true(s.ci95_half > 10); /* the mean's interval is dragged by it */
    assert_int_equal(s.n_outliers, 1);
    NEAR(s.mad, 1.4826, 1e-9);
    llmb_stats_compute(z, 0, &s);
    NEAR(s.median_lo, 0, 0);
}

/* -r auto's rule on a preempted series: every fourth repetition ten times
 * slower (the first of them the third). The median's interval is within 2%
 * once its ends are unpreempted repetitions (from 17 on: j = 5 > 4 slow);
 * before that never; the mean's never. */
static void test_within_preempted(void **state)
{
    (void)state;
    double x[60];
    struct llmb_stats s;
    int first = 0;
    for (int n = 1; n <= 60; n++) {
        x[n - 1] = n % 4 == 3 ? 10.0 : 100.0 + (n % 3) * 0.5; /* a steady figure, slightly uneven */
        llmb_stats_compute(x, (size_t)n, &s);
        if (n >= 3 && !first && llmb_stats_within(&s, 2, 0))
            first = n;
        assert_false(llmb_stats_within(&s, 2, 1));
    }
    assert_int_equal(first, 17);
    llmb_stats_compute(x, 2, &s); /* two steady repetitions: both intervals within 5% */
    assert_true(llmb_stats_within(&s, 5, 1) && llmb_stats_within(&s, 5, 0));
}

/* -r auto's stop rule: never before 6 repetitions (however steady), and not
 * while the speed moves: a series that steps from 100 to 97 halfway has a
 * tight interval by its ranks but halves 3% apart; once the step is a small
 * part of a longer series (and its halves agree within the interval), it
 * stops. The mean's rule likewise. */
static int converged(const double *x, size_t n, double target_pct, int mean)
{
    struct llmb_stats s;
    llmb_stats_compute(x, n, &s);
    return llmb_stats_converged(&s, x, target_pct, mean);
}

static void test_converged(void **state)
{
    (void)state;
    double steady[8] = {100, 100.2, 99.9, 100.1, 100, 99.8, 100.1, 100};
    assert_false(converged(steady, 5, 2, 0));
    assert_true(converged(steady, 6, 2, 0));
    assert_true(converged(steady, 8, 2, 1));
    assert_false(converged(steady, 8, 0.01, 0)); /* interval wider than the target */
    double step[12] = {100, 100.1, 99.9, 100, 100.1, 100, 97, 97.1, 96.9, 97, 97.1, 97};
    struct llmb_stats s;
    llmb_stats_compute(step, 12, &s);
    assert_true(llmb_stats_within(&s, 5, 0)); /* the interval alone would stop */
    assert_false(converged(step, 12, 5, 0));
    assert_false(converged(step, 12, 5, 1));
    /* the same step early in a longer steady series: the halves agree */
    double late[40];
    for (int i = 0; i < 40; i++)
        late[i] = i < 3 ? 97 : 100 + (i % 3) * 0.1;
    assert_true(converged(late, 40, 2, 0));
    double zero[6] = {0};
    assert_false(converged(zero, 6, 2, 0));
}

static void test_t95(void **state)
{
    (void)state;
    NEAR(llmb_stats_t95(1), 12.706, 1e-9);
    NEAR(llmb_stats_t95(10), 2.228, 1e-9);
    NEAR(llmb_stats_t95(30), 2.042, 1e-9);
    NEAR(llmb_stats_t95(40), 2.021, 2e-3);
    NEAR(llmb_stats_t95(120), 1.980, 2e-3);
    NEAR(llmb_stats_t95(100000), 1.960, 1e-3);
    assert_true(isinf(llmb_stats_t95(0)));
    /* monotone decreasing across the table boundary */
    assert_true(llmb_stats_t95(31) < llmb_stats_t95(30));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),           cmocka_unit_test(test_even_median_and_outlier),
        cmocka_unit_test(test_small),           cmocka_unit_test(test_t95),
        cmocka_unit_test(test_median_interval), cmocka_unit_test(test_within_preempted),
        cmocka_unit_test(test_converged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
