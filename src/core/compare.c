/* compare.c - two-sample comparison for `llmbench compare`: runs as the
 * units of a speed comparison (a t-interval on run medians of log-rates, the
 * between-run spread pooled with earlier runs of the same configurations),
 * Welch's t interval for the difference of means (no equal-variance
 * assumption, as repeated benchmark runs rarely have it), expressed as a
 * change in % of A, and a geometric-mean summary of many ratios; quality
 * figures (a value and its standard error each) by the normal
 * approximation. */
#include <math.h>
#include <stdlib.h>
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

const char *llmb_compare_basis_name(int basis)
{
    return basis == LLMB_CB_BETWEEN_RUN  ? "between-run"
           : basis == LLMB_CB_WITHIN_RUN ? "within-run"
           : basis == LLMB_CB_PRIOR      ? "assumed"
                                         : "samples";
}

void llmb_compare_spread_prior(struct llmb_compare_spread *sp, double cv, size_t df)
{
    if (!(cv > 0) || !isfinite(cv) || !df)
        return;
    double l = log1p(cv);
    sp->ss += (double)df * l * l;
    sp->df += df;
    sp->prior_df += df;
}

void llmb_compare_spread_add(struct llmb_compare_spread *sp, const double *m, size_t k)
{
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < k; i++)
        if (m[i] > 0 && isfinite(m[i]))
            sum += log(m[i]), n++;
    if (n < 2) {
        sp->runs += n;
        return;
    }
    double mean = sum / (double)n;
    for (size_t i = 0; i < k; i++)
        if (m[i] > 0 && isfinite(m[i]))
            sp->ss += (log(m[i]) - mean) * (log(m[i]) - mean);
    sp->df += n - 1;
    sp->runs += n;
}

/* One side in log space: its runs' log medians (lm, k of them), and the
 * within-run part: each run's robust spread (the scaled median absolute
 * deviation of its log samples, as the median is the figure) squared and
 * weighted by its samples less one (ss, over n samples in k runs); the sd
 * of all samples (raw). */
struct side_sum {
    double *lm;
    size_t k, n;
    double ss, sd;
};

static int side_sum(const double *const *x, const size_t *nx, size_t kx, struct side_sum *s)
{
    memset(s, 0, sizeof *s);
    size_t total = 0;
    for (size_t i = 0; i < kx; i++)
        total += nx[i];
    double *lm = malloc((kx ? kx : 1) * sizeof *lm), *tmp = malloc((total ? total : 1) * sizeof *tmp);
    double *all = malloc((total ? total : 1) * sizeof *all);
    if (!lm || !tmp || !all) {
        free(lm), free(tmp), free(all);
        return -1;
    }
    size_t n_all = 0;
    for (size_t i = 0; i < kx; i++) {
        size_t m = 0;
        for (size_t j = 0; j < nx[i]; j++)
            if (x[i][j] > 0 && isfinite(x[i][j]))
                tmp[m++] = log(x[i][j]), all[n_all++] = x[i][j];
        if (!m)
            continue;
        double med = llmb_stats_median(tmp, m);
        for (size_t j = 0; j < m; j++)
            tmp[j] = fabs(tmp[j] - med);
        double mad = 1.4826 * llmb_stats_median(tmp, m);
        s->ss += (double)(m - 1) * mad * mad;
        lm[s->k++] = med;
        s->n += m;
    }
    struct llmb_stats st;
    llmb_stats_compute(all, n_all, &st);
    s->sd = st.stddev;
    s->lm = lm;
    free(tmp);
    free(all);
    return 0;
}

static double mean_of(const double *v, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    return n ? sum / (double)n : 0;
}

int llmb_compare_runs(const double *const *a, const size_t *na, size_t ka, const double *const *b, const size_t *nb,
                      size_t kb, const struct llmb_compare_spread *hist, struct llmb_compare *out)
{
    memset(out, 0, sizeof *out);
    struct side_sum sa, sb;
    int rc = side_sum(a, na, ka, &sa);
    if (!rc && (rc = side_sum(b, nb, kb, &sb)))
        free(sa.lm);
    if (rc)
        return -1;
    if (!sa.k || !sb.k) {
        free(sa.lm), free(sb.lm);
        return -1;
    }
    double la = mean_of(sa.lm, sa.k), lb = mean_of(sb.lm, sb.k), d = lb - la;
    /* between runs: the sides' own runs and the history, pooled */
    struct llmb_compare_spread sp = hist ? *hist : (struct llmb_compare_spread){0};
    for (size_t i = 0; i < sa.k; i++)
        sp.ss += (sa.lm[i] - la) * (sa.lm[i] - la);
    for (size_t i = 0; i < sb.k; i++)
        sp.ss += (sb.lm[i] - lb) * (sb.lm[i] - lb);
    sp.df += (sa.k - 1) + (sb.k - 1);
    out->n_a = sa.n;
    out->n_b = sb.n;
    out->runs_a = sa.k;
    out->runs_b = sb.k;
    out->mean_a = exp(la);
    out->mean_b = exp(lb);
    out->sd_a = sa.sd;
    out->sd_b = sb.sd;
    out->ratio = exp(d);
    out->change_pct = 100.0 * (out->ratio - 1);
    out->ci_lo_pct = out->ci_hi_pct = out->df = out->run_sd = NAN;
    out->df_runs = sp.df - sp.prior_df;
    out->basis = sp.df > sp.prior_df ? LLMB_CB_BETWEEN_RUN : sp.df ? LLMB_CB_PRIOR : LLMB_CB_WITHIN_RUN;
    double se = NAN, df = NAN, half = NAN;
    if (sp.df) {
        out->run_sd = sqrt(sp.ss / (double)sp.df);
        se = out->run_sd * sqrt(1.0 / (double)sa.k + 1.0 / (double)sb.k);
        df = (double)sp.df;
        half = llmb_stats_t95(sp.df) * se;
    }
    if (out->basis == LLMB_CB_PRIOR) /* the assumed spread is no measurement */
        out->run_sd = NAN;
    /* within runs: the medians' standard errors (sqrt(pi/2) s/sqrt(n), s the pooled robust
     * spread), Welch's df; the wider of the two intervals stands */
    if (sa.n > sa.k && sb.n > sb.k) {
        double va = 1.5707963267948966 * sa.ss / (double)(sa.n - sa.k) / (double)sa.n;
        double vb = 1.5707963267948966 * sb.ss / (double)(sb.n - sb.k) / (double)sb.n;
        double sw = sqrt(va + vb);
        double dw = va + vb > 0
                        ? (va + vb) * (va + vb) / (va * va / (double)(sa.n - sa.k) + vb * vb / (double)(sb.n - sb.k))
                        : (double)(sa.n + sb.n - sa.k - sb.k);
        double hw = llmb_stats_t95(dw < 1 ? 1 : (size_t)floor(dw)) * sw; /* floor: conservative */
        if (!(half >= hw))
            se = sw, df = dw, half = hw;
    }
    free(sa.lm);
    free(sb.lm);
    if (isnan(half))
        return 0;
    out->df = df;
    out->ci_lo_pct = 100.0 * (exp(d - half) - 1);
    out->ci_hi_pct = 100.0 * (exp(d + half) - 1);
    out->significant = out->ci_lo_pct > 0 || out->ci_hi_pct < 0;
    out->ratio_err = out->ratio * se;
    return 0;
}
