/* compare.h - is B faster or slower than A, and is the difference real?
 * Runs as the units of a speed comparison (llmb_compare_runs: run medians
 * of log-rates, their spread between runs, from the runs compared and from
 * earlier runs of the same configurations), Welch's t interval on the
 * samples of two test instances, and a summary ratio over many ("B is 1.07
 * ± 0.02x faster than A"), as hyperfine reports; for quality figures (one
 * value and its standard error per run) the normal approximation, and the
 * binomial error for pass rates. */
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
    /* llmb_compare_runs only (0 otherwise): what the interval stands on */
    int basis;             /* enum llmb_compare_basis */
    size_t runs_a, runs_b; /* runs (the units) on each side */
    size_t df_runs;        /* degrees of freedom of the between-run spread (0: none known) */
    double run_sd;         /* that spread: sd of a run's log median (~ relative sd); NAN when df_runs is 0 */
};

enum llmb_compare_basis {
    LLMB_CB_SAMPLES = 0, /* the figures' own errors (Welch on samples, quality figures) */
    LLMB_CB_WITHIN_RUN,  /* runs compared, but no between-run spread known: within-run noise only */
    LLMB_CB_BETWEEN_RUN, /* run-to-run variation counted as noise */
    LLMB_CB_PRIOR,       /* no between-run spread measured: an assumed one (the prior) counted */
};
/* "samples", "within-run", "between-run", "assumed". */
const char *llmb_compare_basis_name(int basis);

/* How much a run's median varies from run to run of one configuration:
 * the squared deviations of runs' log medians from the mean of their group
 * (runs of one configuration, build and host), and their degrees of
 * freedom (runs - groups). Zero it to start. */
struct llmb_compare_spread {
    double ss;
    size_t df;
    size_t runs;     /* runs added */
    size_t prior_df; /* of df, those of the prior */
};
/* Adds a group of k runs' medians m[0..k) (rates, > 0; others are skipped). */
void llmb_compare_spread_add(struct llmb_compare_spread *sp, const double *m, size_t k);
/* Adds a prior: a run-to-run relative sd of cv (0.02: 2%) worth df degrees
 * of freedom, as if df more runs had shown it (the conjugate scaled
 * inverse-chi-square prior: the spread used is the pooled
 * (ss + df cv'^2) / (df_data + df), cv' = log(1 + cv)). With no runs to go on
 * the interval stands on the prior (basis assumed); with many, the data
 * outweigh it. cv <= 0 or df 0: nothing is added. */
void llmb_compare_spread_prior(struct llmb_compare_spread *sp, double cv, size_t df);

/* Runs as the units: side A has ka runs, run i with samples a[i][0..na[i])
 * (rates, > 0; a run without one is left out), B likewise. Each side's
 * figure is the geometric mean of its runs' medians (mean_a, mean_b; sd_a,
 * sd_b: the sd of all its samples); the change is their ratio, and its 95%
 * interval the wider of two t-intervals in log space:
 *  - between runs: standard error s sqrt(1/ka + 1/kb), s^2 the pooled variance of log run
 *    medians within each side and within hist's groups (earlier runs of the
 *    same configurations: the caller's history), df their degrees of
 *    freedom (basis between-run); a run's median varies by its within-run
 *    noise too, so s holds both;
 *  - within runs: standard error from those of the two medians, from the samples'
 *    spread in their run (sqrt(pi/2) s / sqrt(n) in log space, s the
 *    scaled median absolute deviation about the run's median, pooled over
 *    a side's runs: an outlier does not widen it), Welch's degrees of
 *    freedom.
 * ratio_err is the ratio times the standard error of the wider. Without a
 * between-run spread (one run a side, no history) the interval is the
 * within-run one alone (basis within-run), or the wider of it and the
 * prior's when hist holds one (basis assumed); with a single sample on a
 * side as well, none (NAN). hist may be NULL. Returns -1 (out zeroed) when
 * a side has no sample. */
int llmb_compare_runs(const double *const *a, const size_t *na, size_t ka, const double *const *b, const size_t *nb,
                      size_t kb, const struct llmb_compare_spread *hist, struct llmb_compare *out);

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
