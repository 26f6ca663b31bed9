/* conditions.h - the conditions a test ran under, stored with its result:
 * what other processes, the hypervisor, swap and heat did during it
 * (sampled between repetitions, interference.h), whether its samples are
 * spread or fall in two groups, and whether they drift or start slow
 * (warm-up). Thresholds and formulas: docs/metrics.md, "Test conditions".
 * The library judges and words the warnings; the command prints them. */
#ifndef LLMBENCH_CONDITIONS_H
#define LLMBENCH_CONDITIONS_H

#include <stddef.h>
#include <stdint.h>

#include "interference.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Thresholds (docs/metrics.md). */
#define LLMB_COND_OTHERS_CORES 0.25 /* other processes' CPU use, cores, beyond the counters' resolution */
#define LLMB_COND_STEAL_PCT 5.0     /* steal time, % of all CPU time, beyond the resolution */
#define LLMB_COND_SPREAD_PCT 10.0   /* scaled MAD / median of the samples, % */
#define LLMB_COND_BIMODAL_PCT 5.0   /* two groups of samples at least this far apart (% of the median) */
#define LLMB_COND_BIMODAL_D 3.0     /* ... and separated by Ashman's D at least this */
#define LLMB_COND_DRIFT_PCT 3.0     /* a trend: median of the last third vs the first third, % */
#define LLMB_COND_WARMUP_PCT 5.0    /* slow first repetitions: their mean below the rest's median, % */

/* Known bits of struct llmb_conditions. */
enum llmb_cond_known {
    LLMB_COND_CHECKED = 1 << 0, /* interference was looked for (the flags are meaningful) */
    LLMB_COND_OTHERS = 1 << 1,
    LLMB_COND_STEAL = 1 << 2,
    LLMB_COND_LOAD = 1 << 3,
    LLMB_COND_RUNQ = 1 << 4,
    LLMB_COND_MHZ = 1 << 5,
    LLMB_COND_FREQ_DROP = 1 << 6,
    LLMB_COND_SWAP = 1 << 7,
    LLMB_COND_THROTTLE = 1 << 8,
    LLMB_COND_SPREAD = 1 << 9,
    LLMB_COND_DRIFT = 1 << 10,   /* drift_pct and drift_rho */
    LLMB_COND_WARMUP = 1 << 11,  /* warmup_reps and warmup_slow_pct (the test was looked at) */
    LLMB_COND_WARMUPS = 1 << 12, /* warmup_runs */
};

/* Part of struct llmb_result (plain data: it travels from the worker as bytes). */
struct llmb_conditions {
    unsigned known;          /* enum llmb_cond_known */
    double others_cpu_cores; /* mean CPU use of all other processes during the test */
    double steal_pct;
    double load_avg;        /* 1-minute load average at the test's end */
    double run_queue;       /* mean runnable tasks of other processes at the samples */
    double freq_mhz;        /* mean CPU frequency at the samples */
    double freq_drop_pct;   /* lowest sampled frequency below the first one, % */
    long long swap_pages;   /* pages swapped in + out during the test (whole machine) */
    long long throttled;    /* thermal throttling events during the test */
    double spread_pct;      /* scaled MAD / median of the t/s samples, % */
    double drift_pct;       /* median of the last third / of the first third - 1, % */
    double drift_rho;       /* Spearman rank correlation of t/s with the repetition's index */
    int warmup_reps;        /* first repetitions found slower than the rest (0: none) */
    double warmup_slow_pct; /* how much slower, % */
    int warmup_runs;        /* warm-up runs before the repetitions */
    char interference[96];  /* flags joined by ',': others_cpu, steal, swap, throttle, spread, bimodal; "" none */
    char drift[32];         /* flags joined by ',': warmup, trend; "" none */
};

/* ---- judging ------------------------------------------------------------- */

/* Sets c's figures and flags from what happened over the test (d). */
void llmb_cond_apply_delta(struct llmb_conditions *c, const struct llmb_intf_delta *d);
/* Looks at the samples x[0..n) (in order; higher is better, as t/s):
 * spread, two groups, trend, slow first samples. */
void llmb_cond_apply_samples(struct llmb_conditions *c, const double *x, size_t n);

/* The series' statistics behind it. */
struct llmb_drift {
    int trend_known;   /* n >= 5 */
    double rho;        /* Spearman rank correlation of x with its index */
    int trend;         /* rho significant (5%, two-sided) and |change| >= LLMB_COND_DRIFT_PCT */
    double change_pct; /* median of the last third / median of the first third - 1, % */
    int warmup_reps;   /* first samples slower than all the rest, by LLMB_COND_WARMUP_PCT and 3 MADs */
    double warmup_slow_pct;
    int bimodal; /* two groups (each >= max(2, n/5) samples) apart by both bimodal thresholds */
    double bimodal_gap_pct;
};
/* n >= 4 for warm-up, 5 for a trend, 6 for two groups; fewer: nothing found. */
void llmb_drift_detect(const double *x, size_t n, struct llmb_drift *out);
/* Spearman's rank correlation of x with 0..n-1 (ties get mean ranks); 0 when n < 2. */
double llmb_drift_spearman(const double *x, size_t n);
/* |rho| at or above which it is significant at 5% (two-sided) for n samples. */
double llmb_drift_rho_critical(size_t n);

/* ---- sampling in the worker ------------------------------------------------ */

struct llmb_cond_sampler {
    const char *root; /* procfs / sysfs root (NULL: this machine) */
    struct llmb_intf_snap first, last;
    uint64_t last_ns; /* when the last sample was taken */
    size_t n;         /* samples of the run queue */
    double runq_sum, freq_sum, freq_first, freq_min;
    size_t n_freq;
};
/* Before the test: the first snapshot. */
void llmb_cond_begin(struct llmb_cond_sampler *s, const char *root);
/* Between repetitions (never inside a timed region): run queue and frequency,
 * at most one every 10 ms. */
void llmb_cond_sample(struct llmb_cond_sampler *s);
/* After the test: the last snapshot, and c filled from all of them. */
void llmb_cond_end(struct llmb_cond_sampler *s, struct llmb_conditions *c);

/* ---- words ------------------------------------------------------------------ */

struct llmb_result;
/* The warning about a speed result (what = 0: interference, 1: drift and warm-up)
 * into buf, without "llmbench: warning: "; returns 0 when there is none.
 * "another process used 0.9 cores during pp512: results unreliable; stop it
 * or run with fewer threads". */
int llmb_cond_warning(const struct llmb_result *r, int what, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
