/* stats.c - descriptive statistics of repeated measurements: mean, sample
 * standard deviation, median with its distribution-free 95% interval (order
 * statistics), range, Student-t 95% confidence interval of the mean, and
 * outliers by median absolute deviation (as hyperfine flags them). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/stats.h"

/* Two-sided 95% critical values of Student's t, df = 1..30. */
static const double t95_table[30] = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
};

void llmb_stats_rates(const uint64_t *ns, size_t n, double tokens, double *tmp, struct llmb_stats *out)
{
    for (size_t i = 0; i < n; i++)
        tmp[i] = ns[i] ? 1e9 * tokens / (double)ns[i] : 0;
    llmb_stats_compute(tmp, n, out);
}

/* the interval's wider half: the mean's, or the median's (its ends need not be symmetric) */
static double half_width(const struct llmb_stats *s, int mean)
{
    return mean ? s->ci95_half : fmax(s->median - s->median_lo, s->median_hi - s->median);
}

int llmb_stats_within(const struct llmb_stats *s, double target_pct, int mean)
{
    double fig = mean ? s->mean : s->median;
    return s->n >= (mean ? 2u : 1u) && fig > 0 && 100.0 * half_width(s, mean) / fig <= target_pct;
}

int llmb_stats_converged(const struct llmb_stats *s, const double *x, double target_pct, int mean)
{
    size_t n = s->n;
    if (n < LLMB_STATS_AUTO_MIN || !llmb_stats_within(s, target_pct, mean))
        return 0;
    double first = llmb_stats_median(x, n / 2), second = llmb_stats_median(x + n - n / 2, n / 2);
    return fabs(second - first) <= half_width(s, mean);
}

double llmb_stats_t95(size_t df)
{
    if (df == 0)
        return INFINITY;
    if (df <= 30)
        return t95_table[df - 1];
    /* Cornish-Fisher style expansion around the normal quantile; within 1e-3 for df > 30 */
    double z = 1.959964, d = (double)df;
    return z + (z * z * z + z) / (4 * d) + (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_sorted(const double *s, size_t n)
{
    if (n == 0)
        return 0;
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

double llmb_stats_median(const double *x, size_t n)
{
    if (n == 0)
        return 0;
    double *s = malloc(n * sizeof *s);
    if (!s)
        return NAN;
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    double m = median_sorted(s, n);
    free(s);
    return m;
}

/* The rank j (1-based) of the lower end of the median's 95% interval: the
 * largest with P(B < j) <= 0.025, B ~ Binomial(n, 1/2); 1 when none. */
static size_t median_rank(size_t n)
{
    double p = pow(0.5, (double)n), cdf = 0; /* P(B = 0) */
    size_t j = 0;
    while (j < n / 2 && cdf + p <= 0.025) {
        cdf += p;
        j++;
        p *= (double)(n - j + 1) / (double)j; /* P(B = j) */
    }
    return j ? j : 1;
}

static void median_interval(const double *x, size_t n, struct llmb_stats *out)
{
    double *s = malloc(n * sizeof *s);
    if (!s) {
        out->median_lo = out->median_hi = NAN;
        return;
    }
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    size_t j = median_rank(n);
    out->median_lo = s[j - 1];
    out->median_hi = s[n - j];
    free(s);
}

void llmb_stats_compute(const double *x, size_t n, struct llmb_stats *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    if (n == 0)
        return;
    double sum = 0, mn = x[0], mx = x[0];
    for (size_t i = 0; i < n; i++) {
        sum += x[i];
        if (x[i] < mn)
            mn = x[i];
        if (x[i] > mx)
            mx = x[i];
    }
    out->mean = sum / (double)n;
    out->min = mn;
    out->max = mx;
    if (n >= 2) {
        double ss = 0;
        for (size_t i = 0; i < n; i++)
            ss += (x[i] - out->mean) * (x[i] - out->mean);
        out->stddev = sqrt(ss / (double)(n - 1));
        out->ci95_half = llmb_stats_t95(n - 1) * out->stddev / sqrt((double)n);
    }
    out->median = llmb_stats_median(x, n);
    median_interval(x, n, out);
    if (n >= 3) {
        double *dev = malloc(n * sizeof *dev);
        if (!dev)
            return;
        for (size_t i = 0; i < n; i++)
            dev[i] = fabs(x[i] - out->median);
        double mad = out->mad = 1.4826 * llmb_stats_median(dev, n);
        for (size_t i = 0; i < n; i++)
            if (mad > 0 && dev[i] / mad > 3.0)
                out->n_outliers++;
        free(dev);
    }
}

double llmb_stats_percentile(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double at = p <= 0 ? 0 : p >= 1 ? (double)(n - 1) : p * (double)(n - 1);
    size_t lo = (size_t)at;
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    return sorted[lo] + (at - (double)lo) * (sorted[hi] - sorted[lo]);
}
