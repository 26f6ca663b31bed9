/* test_compare.c - compare statistics (src/core/compare.c): Welch's interval
 * against a hand-computed case, an injected 10% slowdown flagged significant,
 * two samples of one distribution not flagged (and rarely over many seeds),
 * degenerate inputs, the geometric-mean summary; quality figures by the
 * normal approximation (hand-computed), pass rates by the binomial error.
 * Runs as the units (llmb_compare_runs): a hand-computed case; runs of one
 * distribution with a run-level offset rarely flagged where pooling their
 * samples flags them often, a 10% shift still found; one run a side with a
 * history of runs likewise, and without history the basis says within-run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>

#include "llmbench/compare.h"
#include "llmbench/stats.h"

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

/* ---- runs as the units ---------------------------------------------------- */

static void test_runs_hand_computed(void **state)
{
    (void)state;
    /* constant runs: no within-run noise; run medians 100, 110 | 105, 115 */
    double a0[] = {100, 100, 100}, a1[] = {110, 110, 110}, b0[] = {105, 105, 105}, b1[] = {115, 115, 115};
    const double *a[] = {a0, a1}, *b[] = {b0, b1};
    size_t na[] = {3, 3}, nb[] = {3, 3};
    struct llmb_compare c;
    assert_int_equal(llmb_compare_runs(a, na, 2, b, nb, 2, NULL, &c), 0);
    double la = (log(100) + log(110)) / 2, lb = (log(105) + log(115)) / 2;
    double ss = 2 * pow(log(1.1) / 2, 2) + 2 * pow(log(115.0 / 105) / 2, 2), se = sqrt(ss / 2 * (0.5 + 0.5));
    NEAR(c.mean_a, exp(la), 1e-9);
    NEAR(c.mean_b, exp(lb), 1e-9);
    NEAR(c.change_pct, 100 * (exp(lb - la) - 1), 1e-9);
    NEAR(c.ci_lo_pct, 100 * (exp(lb - la - 4.303 * se) - 1), 1e-3);
    NEAR(c.ci_hi_pct, 100 * (exp(lb - la + 4.303 * se) - 1), 1e-3);
    assert_int_equal(c.basis, LLMB_CB_BETWEEN_RUN);
    assert_int_equal(c.runs_a, 2);
    assert_int_equal(c.df_runs, 2);
    NEAR(c.df, 2, 0);
    NEAR(c.run_sd, sqrt(ss / 2), 1e-12);
    assert_int_equal(c.n_a, 6);
    assert_int_equal(c.significant, 0);
    assert_string_equal(llmb_compare_basis_name(c.basis), "between-run");

    /* llmb_compare_spread_add: deviations from each group's mean in log space */
    struct llmb_compare_spread sp = {0};
    double g1[] = {100, 110}, g2[] = {50, 0, 55, 60}; /* the 0 is skipped */
    llmb_compare_spread_add(&sp, g1, 2);
    llmb_compare_spread_add(&sp, g2, 4);
    llmb_compare_spread_add(&sp, g1, 1); /* one run: no degree of freedom */
    double m2 = (log(50) + log(55) + log(60)) / 3;
    NEAR(sp.ss, 2 * pow(log(1.1) / 2, 2) + pow(log(50) - m2, 2) + pow(log(55) - m2, 2) + pow(log(60) - m2, 2), 1e-12);
    assert_int_equal(sp.df, 3);
    assert_int_equal(sp.runs, 6);
}

/* k runs of n samples: each run offset by a normal factor of sd run_cv,
 * each sample by one of sd cv, around m. x holds k * n. */
static void draw_runs(double *x, size_t k, size_t n, double m, double run_cv, double cv, unsigned *seed)
{
    for (size_t i = 0; i < k; i++) {
        double off;
        draw(&off, 1, 1, run_cv, seed);
        draw(x + i * n, n, m * off, cv, seed);
    }
}

/* k runs of 5 samples each side; pooled: the old way (every sample alike) */
static int flagged(double ma, double mb, size_t k, const struct llmb_compare_spread *hist, unsigned *seed, int pooled,
                   double *change)
{
    double xa[8 * 5], xb[8 * 5];
    draw_runs(xa, k, 5, ma, 0.02, 0.01, seed);
    draw_runs(xb, k, 5, mb, 0.02, 0.01, seed);
    struct llmb_compare c;
    if (pooled) {
        assert_int_equal(llmb_compare_welch(xa, k * 5, xb, k * 5, &c), 0);
    } else {
        const double *a[8], *b[8];
        size_t n[8];
        for (size_t i = 0; i < k; i++)
            a[i] = xa + 5 * i, b[i] = xb + 5 * i, n[i] = 5;
        assert_int_equal(llmb_compare_runs(a, n, k, b, n, k, hist, &c), 0);
        assert_int_equal(c.basis, k > 1 || (hist && hist->df > hist->prior_df) ? LLMB_CB_BETWEEN_RUN
                                  : hist && hist->df                           ? LLMB_CB_PRIOR
                                                                               : LLMB_CB_WITHIN_RUN);
    }
    if (change)
        *change = c.change_pct;
    return c.significant;
}

/* Three runs a side, the runs 2% apart and their samples 1%: the same
 * configuration on both sides is flagged in about 5% of trials (pooling the
 * samples flags it in about a third), a 10% slowdown in nearly all. */
static void test_runs_several(void **state)
{
    (void)state;
    unsigned seed = 11;
    int trials = 400, aa = 0, aa_pooled = 0, slow = 0;
    for (int i = 0; i < trials; i++) {
        aa += flagged(100, 100, 3, NULL, &seed, 0, NULL);
        aa_pooled += flagged(100, 100, 3, NULL, &seed, 1, NULL);
        double ch;
        slow += flagged(100, 90, 3, NULL, &seed, 0, &ch) && ch < 0;
    }
    print_message("3 runs a side: A/A flagged %d (pooled samples: %d), 10%% slower found %d of %d\n", aa, aa_pooled,
                  slow, trials);
    assert_true(aa <= trials * 8 / 100);
    assert_true(aa_pooled >= trials * 20 / 100); /* the problem this solves */
    assert_true(slow >= trials * 95 / 100);
}

/* One run a side: without history the interval is the within-run one (and
 * flags the run-level offset often); with the spread of 16 earlier runs of
 * the configuration it rarely does, and still finds a 10% slowdown. */
static void test_runs_history(void **state)
{
    (void)state;
    unsigned seed = 5;
    int trials = 400, aa = 0, aa_within = 0, slow = 0;
    for (int i = 0; i < trials; i++) {
        double earlier[16 * 5], med[16];
        draw_runs(earlier, 16, 5, 100, 0.02, 0.01, &seed);
        for (size_t j = 0; j < 16; j++)
            med[j] = llmb_stats_median(earlier + 5 * j, 5);
        struct llmb_compare_spread h = {0};
        llmb_compare_spread_add(&h, med, 16);
        aa += flagged(100, 100, 1, &h, &seed, 0, NULL);
        aa_within += flagged(100, 100, 1, NULL, &seed, 0, NULL);
        double ch;
        slow += flagged(100, 90, 1, &h, &seed, 0, &ch) && ch < 0;
    }
    print_message("one run a side: A/A flagged %d, within-run only %d, 10%% slower found %d of %d\n", aa, aa_within,
                  slow, trials);
    assert_true(aa <= trials * 8 / 100);
    assert_true(aa_within >= trials * 30 / 100);
    assert_true(slow >= trials * 85 / 100);
}

/* One run a side and no history, with the prior (2% worth 4 runs): the
 * interval assumes the run-to-run spread, so the run-level offsets rarely
 * flag an A/A pair, and a 10% slowdown is still found most of the time;
 * the prior's arithmetic; a prior and data pooled. */
static void test_runs_prior(void **state)
{
    (void)state;
    struct llmb_compare_spread pr = {0};
    llmb_compare_spread_prior(&pr, 0.02, 4);
    NEAR(pr.ss, 4 * log(1.02) * log(1.02), 1e-15);
    assert_int_equal(pr.df, 4);
    assert_int_equal(pr.prior_df, 4);
    struct llmb_compare_spread none = {0};
    llmb_compare_spread_prior(&none, 0, 4);
    llmb_compare_spread_prior(&none, NAN, 4);
    llmb_compare_spread_prior(&none, 0.02, 0);
    assert_true(none.ss == 0 && none.df == 0 && none.prior_df == 0);
    unsigned seed = 11;
    int trials = 400, aa = 0, slow = 0;
    for (int i = 0; i < trials; i++) {
        double ch;
        aa += flagged(100, 100, 1, &pr, &seed, 0, NULL);
        slow += flagged(100, 90, 1, &pr, &seed, 0, &ch) && ch < 0;
    }
    print_message("one run a side, prior 2%% x 4: A/A flagged %d, 10%% slower found %d of %d\n", aa, slow, trials);
    assert_true(aa <= trials * 4 / 100);
    assert_true(slow >= trials * 70 / 100);
    /* the basis and what is reported: assumed, no measured spread */
    double x0[] = {100, 101, 99, 100, 100}, x1[] = {103, 104, 102, 103, 103};
    const double *a[] = {x0}, *b[] = {x1};
    size_t n[] = {5};
    struct llmb_compare c;
    assert_int_equal(llmb_compare_runs(a, n, 1, b, n, 1, &pr, &c), 0);
    assert_int_equal(c.basis, LLMB_CB_PRIOR);
    assert_string_equal(llmb_compare_basis_name(c.basis), "assumed");
    assert_int_equal(c.df_runs, 0);
    assert_true(isnan(c.run_sd));
    NEAR(c.df, 4, 0);
    double half = 2.776 * log(1.02) * sqrt(2); /* t95(4) s sqrt(1/1 + 1/1) */
    NEAR(c.ci_hi_pct, 100 * (exp(log(1.03) + half) - 1), 0.05);
    assert_int_equal(c.significant, 0); /* +3%: within the assumed spread */
    assert_int_equal(llmb_compare_runs(a, n, 1, b, n, 1, NULL, &c), 0);
    assert_int_equal(c.significant, 1); /* within-run noise alone: flagged */
    /* data and prior pooled: df 4 + 1, the measured part reported */
    struct llmb_compare_spread h = {.ss = 0.0004, .df = 1, .runs = 2};
    llmb_compare_spread_prior(&h, 0.02, 4);
    assert_int_equal(llmb_compare_runs(a, n, 1, b, n, 1, &h, &c), 0);
    assert_int_equal(c.basis, LLMB_CB_BETWEEN_RUN);
    assert_int_equal(c.df_runs, 1);
    NEAR(c.run_sd, sqrt((0.0004 + 4 * log(1.02) * log(1.02)) / 5), 1e-12);
}

static void test_runs_degenerate(void **state)
{
    (void)state;
    double one[] = {100}, two[] = {100, 102}, zero[] = {0, -1};
    const double *a[] = {one}, *b[] = {two}, *z[] = {zero};
    size_t n1[] = {1}, n2[] = {2};
    struct llmb_compare c;
    assert_int_equal(llmb_compare_runs(z, n2, 1, b, n2, 1, NULL, &c), -1); /* no rate on A */
    assert_int_equal(llmb_compare_runs(a, n1, 0, b, n2, 1, NULL, &c), -1);
    assert_int_equal(llmb_compare_runs(a, n1, 1, b, n2, 1, NULL, &c), 0); /* one sample, no history */
    assert_int_equal(c.basis, LLMB_CB_WITHIN_RUN);
    assert_true(isnan(c.ci_lo_pct) && isnan(c.run_sd));
    assert_int_equal(c.significant, 0);
    NEAR(c.change_pct, 100 * (sqrt(1.02) - 1), 1e-9); /* the median of 100, 102 in log space */
    struct llmb_compare_spread h = {.ss = 0.0004, .df = 1, .runs = 2};
    assert_int_equal(llmb_compare_runs(a, n1, 1, b, n2, 1, &h, &c), 0); /* history: an interval */
    assert_int_equal(c.basis, LLMB_CB_BETWEEN_RUN);
    assert_true(c.ci_lo_pct < 1 && c.ci_hi_pct > 1 && c.ci_lo_pct < 0);
    assert_string_equal(llmb_compare_basis_name(LLMB_CB_WITHIN_RUN), "within-run");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed),
        cmocka_unit_test(test_injected_slowdown),
        cmocka_unit_test(test_same_distribution),
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_degenerate),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_normal),
        cmocka_unit_test(test_proportions),
        cmocka_unit_test(test_runs_hand_computed),
        cmocka_unit_test(test_runs_several),
        cmocka_unit_test(test_runs_history),
        cmocka_unit_test(test_runs_prior),
        cmocka_unit_test(test_runs_degenerate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
