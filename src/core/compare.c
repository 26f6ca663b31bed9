/* compare.c - two-sample comparison for `llmbench compare`: Welch's t
 * interval for the difference of means (no equal-variance assumption, as
 * repeated benchmark runs rarely have it), expressed as a change in % of A,
 * and a geometric-mean summary of many ratios; quality figures (a value and
 * its standard error each) by the normal approximation. */
#include <math.h>
#include <string.h>

#include "llmbench/compare.h"
#include "llmbench/stats.h"

int llmb_compare_welch(const double *a, size_t na, const double *b, size_t nb, struct llmb_compare *out)
{
    memset(out, 0, sizeof *out);
    if (na == 0 || nb == 0)
        return -1;
    struct llmb_stats sa, sb;
    llmb_stats_compute(a, na, &sa);
    llmb_stats_compute(b, nb, &sb);
    if (sa.mean == 0)
        return -1;
    out->n_a = na;
    out->n_b = nb;
    out->mean_a = sa.mean;
    out->mean_b = sb.mean;
    out->sd_a = sa.stddev;
    out->sd_b = sb.stddev;
    double diff = sb.mean - sa.mean;
    out->change_pct = 100.0 * diff / sa.mean;
    out->ratio = sb.mean / sa.mean;
    out->ci_lo_pct = out->ci_hi_pct = NAN;
    out->df = NAN;
    if (na < 2 || nb < 2)
        return 0;
    double va = sa.stddev * sa.stddev / (double)na, vb = sb.stddev * sb.stddev / (double)nb;
    double se = sqrt(va + vb);
    double half = 0;
    if (se > 0) {
        out->df = (va + vb) * (va + vb) / (va * va / (double)(na - 1) + vb * vb / (double)(nb - 1));
        half = llmb_stats_t95(out->df < 1 ? 1 : (size_t)floor(out->df)) * se; /* floor: conservative */
    } else {
        out->df = (double)(na + nb - 2);
    }
    out->ci_lo_pct = 100.0 * (diff - half) / sa.mean;
    out->ci_hi_pct = 100.0 * (diff + half) / sa.mean;
    out->significant = out->ci_lo_pct > 0 || out->ci_hi_pct < 0;
    double ra = sqrt(va) / sa.mean, rb = sb.mean != 0 ? sqrt(vb) / sb.mean : 0;
    out->ratio_err = fabs(out->ratio) * sqrt(ra * ra + rb * rb);
    return 0;
}

int llmb_compare_normal(double a, double se_a, double b, double se_b, struct llmb_compare *out)
{
    memset(out, 0, sizeof *out);
    if (!isfinite(a) || !isfinite(b))
        return -1;
    int have_se = isfinite(se_a) && isfinite(se_b) && se_a >= 0 && se_b >= 0;
    double diff = b - a, se = have_se ? sqrt(se_a * se_a + se_b * se_b) : NAN, half = 1.959963984540054 * se;
    out->n_a = out->n_b = 1;
    out->mean_a = a;
    out->mean_b = b;
    out->sd_a = se_a;
    out->sd_b = se_b;
    out->df = INFINITY;
    out->change_pct = a != 0 ? 100.0 * diff / a : NAN;
    out->ratio = a != 0 ? b / a : NAN;
    out->ci_lo_pct = out->ci_hi_pct = NAN;
    if (have_se && a != 0) {
        out->ci_lo_pct = 100.0 * (diff - half) / a;
        out->ci_hi_pct = 100.0 * (diff + half) / a;
        if (out->ci_lo_pct > out->ci_hi_pct) { /* a < 0 */
            double t = out->ci_lo_pct;
            out->ci_lo_pct = out->ci_hi_pct;
            out->ci_hi_pct = t;
        }
        double ra = se_a / a, rb = b != 0 ? se_b / b : 0;
        out->ratio_err = fabs(out->ratio) * sqrt(ra * ra + rb * rb);
    }
    out->significant = have_se && (diff - half > 0 || diff + half < 0);
    return 0;
}

int llmb_compare_proportions(size_t k_a, size_t n_a, size_t k_b, size_t n_b, struct llmb_compare *out)
{
    memset(out, 0, sizeof *out);
    if (n_a == 0 || n_b == 0 || k_a > n_a || k_b > n_b)
        return -1;
    double pa = (double)k_a / (double)n_a, pb = (double)k_b / (double)n_b;
    int rc = llmb_compare_normal(pa, sqrt(pa * (1 - pa) / (double)n_a), pb, sqrt(pb * (1 - pb) / (double)n_b), out);
    out->n_a = n_a;
    out->n_b = n_b;
    return rc;
}

void llmb_compare_summary(const struct llmb_compare *c, size_t n, double *ratio, double *err)
{
    double sum = 0, var = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(c[i].ratio > 0))
            continue;
        sum += log(c[i].ratio);
        double rel = c[i].ratio_err / c[i].ratio; /* se of log(ratio) */
        var += rel * rel;
        k++;
    }
    *ratio = k ? exp(sum / (double)k) : 1.0;
    *err = k ? *ratio * sqrt(var) / (double)k : 0.0;
}
