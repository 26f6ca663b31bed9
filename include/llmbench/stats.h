/* stats.h - descriptive statistics and confidence intervals of samples. */
#ifndef LLMBENCH_STATS_H
#define LLMBENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct llmb_stats {
    size_t n;
    double mean;
    double stddev;   /* sample standard deviation (n-1); 0 when n < 2 */
    double median;
    double min;
    double max;
    double ci95_half; /* half-width of the 95% CI of the mean (Student t); 0 when n < 2 */
    size_t n_outliers; /* samples further than 3 scaled MADs from the median */
    double mad;        /* median absolute deviation, scaled by 1.4826 (the sd of a normal sample) */
    /* 95% interval of the median from order statistics (distribution-free):
     * [x(j), x(n+1-j)] of the sorted samples, j the largest rank with
     * P(Binomial(n, 1/2) < j) <= 2.5%; coverage >= 95% from n = 6; below
     * that the range [min, max] (coverage 1 - 2^(1-n): 93.75% at n = 5).
     * Both 0 when n == 0. */
    double median_lo, median_hi;
};

/* Summarises x[0..n). n may be 0 (everything 0). Does not modify x. */
void llmb_stats_compute(const double *x, size_t n, struct llmb_stats *out);

/* Summarises the rates tokens / ns[i] (in tokens/s; 0 for a zero time) of
 * n timed repetitions; tmp (n doubles) receives those rates. */
void llmb_stats_rates(const uint64_t *ns, size_t n, double tokens, double *tmp, struct llmb_stats *out);

/* 1 when the 95% interval of the median (mean: of the mean) has its wider
 * half within target_pct % of the figure. */
int llmb_stats_within(const struct llmb_stats *s, double target_pct, int mean);

/* -r auto's stop rule on rates x[0..s->n) in the order they were measured,
 * s their summary (llmb_stats_compute): 1 when n >= LLMB_STATS_AUTO_MIN (from 6 the median's order-statistic
 * interval holds 95%), the interval is within target_pct
 * (llmb_stats_within), and the series has settled: the medians of its first
 * and second halves differ by no more than that interval's wider half (a
 * speed still moving has not been measured yet: -r auto goes on, so its
 * interval spans more of the machine's drift). */
#define LLMB_STATS_AUTO_MIN 6
int llmb_stats_converged(const struct llmb_stats *s, const double *x, double target_pct, int mean);

/* Two-sided 95% quantile of Student's t with df degrees of freedom (df >= 1). */
double llmb_stats_t95(size_t df);

/* The p-quantile (0..1) of sorted[0..n) by linear interpolation between
 * the closest ranks (numpy's default, as vLLM's benchmark reports
 * percentiles). Returns NAN for n == 0. */
double llmb_stats_percentile(const double *sorted, size_t n, double p);

/* Median of x[0..n) (copies; x untouched). Returns 0 for n == 0. */
double llmb_stats_median(const double *x, size_t n);

#ifdef __cplusplus
}
#endif

#endif
