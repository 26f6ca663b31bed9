/* compare.h - is B faster or slower than A, and is the difference real?
 * Welch's t interval on the samples of two test instances, and a summary
 * ratio over many ("B is 1.07 ± 0.02x faster than A"), as hyperfine reports;
 * for quality figures (one value and its standard error per run) the normal
 * approximation, and the binomial error for pass rates. */
#ifndef LLMBENCH_COMPARE_H
#define LLMBENCH_COMPARE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct llmb_compare {
    size_t n_a, n_b;
    double mean_a, mean_b;
    double sd_a, sd_b;
    double change_pct;  /* 100 (mean_b - mean_a) / mean_a */
    double ci_lo_pct;   /* 95% confidence interval of the change, in % of mean_a; */
    double ci_hi_pct;   /*   NAN when a side has fewer than 2 samples */
    double df;          /* Welch-Satterthwaite degrees of freedom */
    double ratio;       /* mean_b / mean_a */
    double ratio_err;   /* standard error of the ratio (propagated) */
    int    significant; /* 1: the interval excludes 0 */
};

/* Compares samples a[0..na) with b[0..nb). Returns 0, or -1 when a side is
 * empty or mean_a is 0 (out is zeroed then). Inputs are not modified. */
int llmb_compare_welch(const double *a, size_t na, const double *b, size_t nb, struct llmb_compare *out);

/* Two figures that come with their standard errors (perplexity, KLD, top-1
 * agreement: one value per run, not samples): the change in % of a with a
 * 95% interval by the normal approximation, b - a +/- 1.96 sqrt(se_a^2 +
 * se_b^2). sd_a/sd_b hold the standard errors, n_a = n_b = 1, df infinite.
 * An unknown error (NAN) on either side gives no interval (NAN) and no
 * significance. a == 0: change_pct and the interval are NAN; significant
 * still says whether b - a excludes 0. Returns -1 (out zeroed) when a value
 * is not finite. */
int llmb_compare_normal(double a, double se_a, double b, double se_b, struct llmb_compare *out);

/* Pass rates k_a / n_a and k_b / n_b (a prompt suite) compared as above,
 * each with its binomial standard error sqrt(p (1 - p) / n). Returns -1
 * when a side has n == 0 or k > n. */
int llmb_compare_proportions(size_t k_a, size_t n_a, size_t k_b, size_t n_b, struct llmb_compare *out);

/* Geometric mean of the ratios of c[0..n), with its standard error from the
 * ratios' errors (in log space). n == 0: ratio 1, err 0. */
void llmb_compare_summary(const struct llmb_compare *c, size_t n, double *ratio, double *err);

#ifdef __cplusplus
}
#endif

#endif
