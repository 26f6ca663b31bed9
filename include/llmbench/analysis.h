/* analysis.h - what the stored results say, for every reader (compare and
 * recommend on the command line, the dashboard, reports):
 *  - llmb_cmp_run: two selections of stored results matched test by test on
 *    their configuration (the instance key, less the parameters ignored),
 *    speed tests with runs as the units and the run-to-run spread of the
 *    same configurations' other runs in the store as noise, quality
 *    figures the latest of each key, each pair with its change and 95%
 *    interval (compare.h), tests that failed on one side,
 *    and the summary (geometric mean ratio for speed; counts for quality);
 *  - llmb_rec_run: configurations (a model and its engine parameters) with
 *    their figures, the Pareto front of those meeting the limits, best
 *    first, and why each other one lost.
 * Both read the store and print nothing; the result owns what it points at. */
#ifndef LLMBENCH_ANALYSIS_H
#define LLMBENCH_ANALYSIS_H

#include <stddef.h>

#include "llmbench/compare.h"
#include "llmbench/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- compare ------------------------------------------------------------- */

enum llmb_cmp_metric {
    LLMB_CM_TS,    /* tokens/s of the test (pp + tg over the total time) */
    LLMB_CM_PP,    /* prompt processing t/s */
    LLMB_CM_TG,    /* generation t/s */
    LLMB_CM_TTFT,  /* time to first token, ms (lower is better) */
    LLMB_CM_PPL,   /* perplexity (ppl and kld tests; lower is better) */
    LLMB_CM_KLD,   /* mean KL divergence from the reference (lower is better) */
    LLMB_CM_TOP1,  /* top-1 agreement with the reference */
    LLMB_CM_SUITE, /* a prompt suite's pass rate */
    LLMB_CM_COUNT
};
/* "ts", "pp", ... "suite"; llmb_cmp_metric_parse gives -1 for an unknown name. */
const char *llmb_cmp_metric_name(int metric);
int llmb_cmp_metric_parse(const char *name);
/* The column's unit: "t/s", "pp t/s", "tg t/s", "ttft ms", "PPL", "KLD", "top-1", "pass rate". */
const char *llmb_cmp_metric_unit(int metric);
/* 1 for a quality metric (ppl, kld, top1, suite). */
int llmb_cmp_metric_is_quality(int metric);
/* 1 when a higher value is worse (ttft, ppl, kld). */
int llmb_cmp_metric_higher_is_worse(int metric);

struct llmb_cmp_params {
    const char *a, *b; /* filter expressions or run ids (llmb_store_filter_parse) */
    int metric;        /* enum llmb_cmp_metric */
    double fail_pct;   /* >= 0: a significant change for the worse beyond it regresses; < 0: no gate */
    const char *ignore; /* NULL, or test parameters left out of the matching, comma-separated
                         * ("t": -t 1 against -t 2; "model": one model against another) */
    double run_cv_pct;  /* the run-to-run spread assumed a priori (llmb_compare_spread_prior),
                         * % of a run's median: 0 the default (LLMB_CMP_RUN_CV_PCT), < 0 none */
};
/* The prior on the run-to-run spread of a speed figure: 2% worth four runs'
 * degrees of freedom (docs/metrics.md says why). */
#define LLMB_CMP_RUN_CV_PCT 2.0
#define LLMB_CMP_RUN_CV_DF 4
/* What a result with n_within pairs says about them: the interval rests on
 * within-run noise only (run_cv_pct < 0) or on an assumed run-to-run spread
 * besides it, and what to do. */
const char *llmb_cmp_within_note(const struct llmb_cmp_params *p);
/* Checks an ignore list: each name a parameter of the instance key. */
int llmb_cmp_ignore_check(const char *ignore, struct llmb_error *err);

/* One matched test: a speed test's runs on each side (a, b: the first
 * record of each), compared by llmb_compare_runs with the spread of the
 * other runs of their configurations on their host (hist_runs of them) as
 * history: c.basis says whether the interval counts run-to-run variation
 * (between-run) or could not (within-run: one run a side and no history);
 * value_a/b the geometric mean of the runs' medians, se_a/b the samples'
 * sd. Or a quality test's latest figure on each side (a, b: that record). */
struct llmb_cmp_pair {
    const struct llmb_store_record *a, *b;
    struct llmb_compare c; /* speed: Welch on the samples; quality: value and its error */
    double value_a, se_a;  /* quality: the figure and its standard error (NAN unknown) */
    double value_b, se_b;
    size_t k_a, n_a, k_b, n_b; /* suite: passed of checked */
    double worse_pct;          /* how much worse B is than A, % (> 0 worse; +-inf when A is 0) */
    int regressed;             /* significant and worse_pct > fail_pct (fail_pct >= 0) */
    size_t hist_runs;          /* speed: other runs of the same configurations the spread drew on */
};

struct llmb_cmp_result {
    int metric;
    size_t n_tests[2]; /* distinct configurations with the metric's figures in A and B */
    struct llmb_cmp_pair *pairs;
    size_t n_pairs;
    size_t only_a, only_b;                  /* tests on one side only (failures not counted) */
    const struct llmb_store_record **broke; /* passed in A and failed in B (B's latest failure) */
    size_t n_broke;
    const struct llmb_store_record **fixed; /* failed in A and passed in B */
    size_t n_fixed;
    size_t n_failed_b; /* configurations whose latest test in B failed */
    /* summary: speed: geometric mean of B/A over the pairs, oriented so
     * that > 1 means B is better (quicker to the first token for ttft);
     * quality: counts of significant changes */
    double ratio, ratio_err;
    size_t n_worse, n_better, n_regressed;
    size_t n_within; /* speed pairs with no between-run spread measured (basis within-run or assumed) */
    int regression; /* fail_pct >= 0 and (n_regressed or n_broke), or no pair at all and n_broke */
    /* owned */
    struct llmb_store_record *recs[2];
    size_t n_recs[2];
    void *priv;
};

/* Loads and matches p->a and p->b from s. Errors (one line in err): a bad
 * selection or one that selects nothing (LLMB_E_INVAL), the store's, memory.
 * Finding no pair is no error (n_pairs 0): the caller says what that means.
 * out is zeroed first and must be freed with llmb_cmp_free, also on error. */
int llmb_cmp_run(struct llmb_store *s, const struct llmb_cmp_params *p, struct llmb_cmp_result *out,
                 struct llmb_error *err);
void llmb_cmp_free(struct llmb_cmp_result *r);

/* "pp512 on llama 1B Q4_0 (reason); ..." for the broken tests, at most len
 * bytes; and "pp512 -7.1%, tg128 -9.0%" for the regressed pairs. */
void llmb_cmp_broke_text(const struct llmb_cmp_result *r, char *buf, size_t len);
void llmb_cmp_regressed_text(const struct llmb_cmp_result *r, char *buf, size_t len);

/* A test's name ("pp512", "ppl c512") and its configuration as compare
 * shows it ("llama 1B Q4_0 t=4 b=512": the parameters that differ from
 * llama-bench's defaults). */
void llmb_cmp_test_name(const struct llmb_store_record *rec, char *buf, size_t len);
void llmb_cmp_describe(const struct llmb_store_record *rec, char *buf, size_t len);

/* ---- a run's interval across runs ---------------------------------------- */

/* Fills r->runs for a speed result r of run run_id (st NULL: no store, the
 * prior alone): the run-to-run spread of its configuration's (instance
 * key's) earlier complete runs on this run's host and llama.cpp build
 * (their medians' log sd, as compare pools it), pooled with the prior
 * prior_cv_pct % worth LLMB_CMP_RUN_CV_DF runs (<= 0: none); the interval
 * is r's median x exp(+-t95(df) s), widened to the median's own interval
 * when that is wider. Other kinds, failed results and a spread with no
 * degrees of freedom leave r->runs unknown. Errors: the store's (r->runs
 * unknown). */
int llmb_run_interval(struct llmb_store *st, int64_t run_id, double prior_cv_pct, struct llmb_result *r,
                      struct llmb_error *err);

/* ---- recommend ----------------------------------------------------------- */

/* The figures of a configuration: maximised (tg, pp) or minimised. */
enum llmb_rec_figure { LLMB_RF_TG, LLMB_RF_PP, LLMB_RF_MEM, LLMB_RF_KLD, LLMB_RF_PPL, LLMB_RF_COUNT };
/* "tg", "pp", "memory", "KLD", "PPL"; its unit ("t/s", ""); the flag that
 * limits it ("--min-tg"...); +1 when higher is better, -1 when lower is. */
const char *llmb_rec_figure_name(int f);
const char *llmb_rec_figure_unit(int f);
const char *llmb_rec_figure_flag(int f);
int llmb_rec_figure_sign(int f);
/* A figure as the tables show it: "12.34", "0.0123" (KLD), "1.50 GiB"; "-" for NAN. */
void llmb_rec_figure_text(int f, double v, char *buf, size_t len);

struct llmb_rec_params {
    struct llmb_store_filter filter; /* which results (complete runs only are considered) */
    double limit[LLMB_RF_COUNT];     /* NAN: no limit; a minimum for tg/pp, a maximum otherwise */
};
/* Filter all, no limits. */
void llmb_rec_params_init(struct llmb_rec_params *p);

struct llmb_rec_config {
    char key[LLMB_STORE_KEY_MAX];        /* the instance key without the test's shape */
    const struct llmb_store_record *rec; /* its first speed record */
    char label[320];                     /* "llama 1B Q4_0, t=4 b=2048 ub=512 kv=f16/f16 fa=auto ngl=99" */
    double fig[LLMB_RF_COUNT];           /* NAN: not measured (tg, pp: means over its tests; memory: the peak) */
    int rank;                            /* 1.. on the front (best first by tg, then pp), 0 otherwise */
    int violates;                        /* how many limits it breaks */
    char why[512];                       /* why it is not recommended ("" on the front) */
};

struct llmb_rec_result {
    struct llmb_rec_config *configs; /* in the order first seen */
    size_t n_configs;
    struct llmb_rec_config **front; /* the recommended ones, best first */
    size_t n_front;
    /* owned */
    struct llmb_store_record *recs;
    size_t n_recs;
};

/* Reads the results p->filter selects from s and ranks them. Errors: no
 * results match (LLMB_E_INVAL), the store's, memory. An empty front is no
 * error (every configuration then says why). Free out with llmb_rec_free,
 * also on error. */
int llmb_rec_run(struct llmb_store *s, const struct llmb_rec_params *p, struct llmb_rec_result *out,
                 struct llmb_error *err);
void llmb_rec_free(struct llmb_rec_result *r);

#ifdef __cplusplus
}
#endif

#endif
