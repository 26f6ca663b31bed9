/* compare.c - two-sample comparison for `llmbench compare`: Welch's t
 * interval for the difference of means (no equal-variance assumption, as
 * repeated benchmark runs rarely have it), expressed as a change in % of A,
 * and a geometric-mean summary of many ratios. */
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
