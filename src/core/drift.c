/* drift.c - what the order of a test's samples says (conditions.h): a
 * trend across the repetitions (Spearman's rank correlation with the
 * repetition's index, significant at 5%, and a change of the median from
 * the first third to the last), first repetitions slower than all the rest
 * (more warm-up needed), and samples that fall in two groups. Pure
 * functions of the series; formulas in docs/metrics.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/conditions.h"
#include "llmbench/stats.h"

/* Two-sided 5% critical values of Spearman's rho, n = 5..20 (exact tables). */
static const double rho_crit[16] = {1.000, 0.886, 0.786, 0.738, 0.700, 0.648, 0.618, 0.587,
                                    0.560, 0.538, 0.521, 0.503, 0.485, 0.472, 0.460, 0.447};

double llmb_drift_rho_critical(size_t n)
{
    if (n < 5)
        return INFINITY;
    if (n <= 20)
        return rho_crit[n - 5];
    double t = llmb_stats_t95(n - 2); /* rho = t / sqrt(n - 2 + t^2) */
    return t / sqrt((double)n - 2 + t * t);
}

struct ix {
    double v;
    size_t i;
};

static int cmp_ix(const void *a, const void *b)
{
    double x = ((const struct ix *)a)->v, y = ((const struct ix *)b)->v;
    return (x > y) - (x < y);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double llmb_drift_spearman(const double *x, size_t n)
{
    if (n < 2)
        return 0;
    struct ix *s = malloc(n * sizeof *s);
    double *rank = malloc(n * sizeof *rank);
    if (!s || !rank) {
        free(s);
        free(rank);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        s[i] = (struct ix){x[i], i};
    qsort(s, n, sizeof *s, cmp_ix);
    for (size_t i = 0; i < n;) { /* ties: the mean of their ranks */
        size_t j = i;
        while (j + 1 < n && s[j + 1].v == s[i].v)
            j++;
        for (size_t k = i; k <= j; k++)
            rank[s[k].i] = 0.5 * (double)(i + j) + 1;
        i = j + 1;
    }
    /* Pearson correlation of the ranks with 1..n */
    double mr = 0.5 * (double)(n + 1), sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double a = rank[i] - mr, b = (double)(i + 1) - mr;
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    free(s);
    free(rank);
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : 0;
}

static double median_of(const double *x, size_t n)
{
    return llmb_stats_median(x, n);
}

/* scaled MAD of x[0..n) around its median m */
static double mad_of(const double *x, size_t n, double m)
{
    double *d = malloc((n ? n : 1) * sizeof *d);
    if (!d)
        return NAN;
    for (size_t i = 0; i < n; i++)
        d[i] = fabs(x[i] - m);
    double r = 1.4826 * median_of(d, n);
    free(d);
    return r;
}

static void warmup(const double *x, size_t n, struct llmb_drift *o)
{
    for (size_t k = (n - 1) / 2; k >= 1; k--) {
        if (n - k < 3)
            continue;
        const double *rest = x + k;
        size_t nr = n - k;
        double mn = rest[0], sum = 0, mx_first = x[0];
        for (size_t i = 1; i < nr; i++)
            mn = fmin(mn, rest[i]);
        for (size_t i = 0; i < k; i++) {
            mx_first = fmax(mx_first, x[i]);
            sum += x[i];
        }
        double med = median_of(rest, nr), mad = mad_of(rest, nr, med);
        double slow = med > 0 ? 100.0 * (1 - sum / (double)k / med) : 0;
        if (mx_first < mn && mx_first < med - 3 * mad && slow >= LLMB_COND_WARMUP_PCT) {
            o->warmup_reps = (int)k;
            o->warmup_slow_pct = slow;
            return;
        }
    }
}

static double mean_sd(const double *x, size_t n, double *sd)
{
    double m = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    *sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
    return m;
}

static void bimodal(const double *x, size_t n, struct llmb_drift *o)
{
    if (n < 6)
        return;
    double *s = malloc(n * sizeof *s);
    if (!s)
        return;
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_d);
    size_t m = n / 5 > 2 ? n / 5 : 2, best = 0;
    double gap = -1;
    for (size_t i = m; i + m <= n; i++) /* the widest gap leaving each group m samples at least */
        if (s[i] - s[i - 1] > gap) {
            gap = s[i] - s[i - 1];
            best = i;
        }
    double med = median_of(s, n);
    if (best && med > 0) {
        double sl, su, ml = mean_sd(s, best, &sl), mu = mean_sd(s + best, n - best, &su);
        double d = sl + su > 0 ? sqrt(2.0) * (mu - ml) / sqrt(sl * sl + su * su) : INFINITY;
        double pct = 100.0 * (median_of(s + best, n - best) - median_of(s, best)) / med;
        if (pct >= LLMB_COND_BIMODAL_PCT && d >= LLMB_COND_BIMODAL_D) {
            o->bimodal = 1;
            o->bimodal_gap_pct = pct;
        }
    }
    free(s);
}

void llmb_drift_detect(const double *x, size_t n, struct llmb_drift *o)
{
    memset(o, 0, sizeof *o);
    if (n >= 4)
        warmup(x, n, o);
    /* the trend of what follows the slow start */
    const double *y = x + o->warmup_reps;
    size_t m = n - (size_t)o->warmup_reps;
    if (m >= 5) {
        o->trend_known = 1;
        o->rho = llmb_drift_spearman(y, m);
        size_t t = m / 3;
        double a = median_of(y, t), b = median_of(y + m - t, t);
        o->change_pct = a > 0 ? 100.0 * (b / a - 1) : 0;
        o->trend = fabs(o->rho) >= llmb_drift_rho_critical(m) - 1e-9 && fabs(o->change_pct) >= LLMB_COND_DRIFT_PCT;
    }
    bimodal(y, m, o); /* a slow start is not a second group */
}
