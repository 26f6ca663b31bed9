/* result.h - one finished test instance (struct llmb_result) and the one
 * description of what it says: the field table. Every output (JSON, JSON
 * Lines, CSV, Markdown, SQL), the import of llama-bench's files and the
 * store's record of a test's parameters walk this table, so a field added
 * here appears everywhere with no other edit. Fields llama-bench has keep
 * its name, meaning and formatting (its tools read ours); the others are
 * llmbench's own. A value that is not known is null in JSON, empty in CSV,
 * NULL in SQL and "-" in Markdown, never 0. */
#ifndef LLMBENCH_RESULT_H
#define LLMBENCH_RESULT_H

#include <stddef.h>
#include <stdint.h>
#include "conditions.h"
#include "engine.h"
#include "load.h"
#include "plan.h"
#include "quality.h"
#include "roofline.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

enum llmb_stop_reason {
    LLMB_STOP_FIXED = 0,  /* ran the -r count asked for */
    LLMB_STOP_CONVERGED,  /* -r auto: CI half-width within target */
    LLMB_STOP_MAX_REPS,   /* -r auto: hit the repetition cap */
    LLMB_STOP_MAX_TIME    /* -r auto: hit the time budget */
};
const char *llmb_stop_reason_name(int reason);

/* Where a result read from the store lives (export prints it). */
struct llmb_result_origin {
    int64_t     run_id;
    const char *instance_key;
    const char *model_sha256;
    const char *tags;
    const char *host;
};

/* Inter-token latency of a speed test's generation (docs/metrics.md): the
 * gaps between consecutive generated tokens of every repetition (the first
 * token's time is TTFT, not a gap). n == 0: unknown. */
struct llmb_itl {
    uint32_t n; /* gaps */
    double p50_ms, p90_ms, p99_ms, max_ms;
    uint32_t stalls; /* gaps longer than LLMB_ITL_STALL x the median gap */
};
#define LLMB_ITL_STALL 3.0
/* Fills *out from the timeline t (reps x n_gen, each token's time from its
 * repetition's start, ns); tmp holds reps * n_gen doubles (scratch). */
void llmb_itl_compute(const uint64_t *t, size_t reps, size_t n_gen, double *tmp, struct llmb_itl *out);

/* An interleaved comparison (bench --interleave): the tests of a plan ran
 * repetition by repetition in alternation, and each is compared with the
 * first configuration of the same test (its base) round by round. */
struct llmb_result_paired {
    uint32_t rounds; /* 0: not interleaved */
    double ratio;    /* median over rounds of t/s / the base's t/s of that round; NAN: this is the base */
    double lo, hi;   /* its 95% interval (order statistics, stats.h) */
    char label[160]; /* this configuration ("wikillama-3M.gguf t=2"): what differs in the comparison */
    char base[160];  /* the base's label */
};

/* One finished test instance. Arrays hold n_samples values each. Unknown:
 * model sizes 0, applied.n_ctx 0 (nothing of applied is known then),
 * load_ms <= 0, peak_rss 0, a statistic with n == 0. */
/* This run's median t/s as an estimate of its configuration's speed on this
 * host and build across runs (docs/metrics.md, Between runs): a run's
 * median moves from run to run more than its own samples' interval says.
 * Filled where a speed result is stored or printed (llmb_run_interval);
 * known 0 when not computed (other kinds, imported results). */
struct llmb_result_runs {
    int known;
    double lo, hi; /* 95% interval: the wider of the median's own and median x exp(+-t s) */
    double cv_pct; /* s as a %: the run-to-run relative sd used (earlier runs pooled with the prior) */
    size_t runs;   /* earlier runs of the configuration it drew on (0: the prior alone) */
};

struct llmb_result {
    struct llmb_instance     inst;
    struct llmb_model_info   model;
    struct llmb_context_info applied;
    char     test_time[32];  /* RFC 3339, UTC */
    size_t   n_samples;
    uint64_t *total_ns;      /* whole test (pp + tg), llama-bench's samples_ns */
    uint64_t *pp_ns;         /* prompt part (0 when n_prompt == 0) */
    uint64_t *tg_ns;         /* generation part (0 when n_gen == 0) */
    uint64_t *ttft_ns;       /* start to first generated token's logits */
    uint64_t *token_ns;      /* n_samples x inst.n_gen: each generated token's time from its repetition's
                              * start, repetition by repetition (NULL: not recorded) */
    struct llmb_itl itl;     /* inter-token latency over token_ns */
    struct llmb_stats ts;    /* tokens/s over the whole test (llama-bench's avg_ts) */
    struct llmb_stats pp_ts; /* prompt tokens/s (n == 0 when no prompt) */
    struct llmb_stats tg_ts; /* generated tokens/s (n == 0 when no gen) */
    struct llmb_stats ttft_ms;
    struct llmb_stats total_ns_stats;
    int      stop_reason;
    int ci_mean; /* -r auto aimed at the interval of the mean (1) or of the median (0) */
    double   ci_target_pct;
    uint64_t peak_rss;       /* process high-water RSS during the test, bytes */
    const char *error;       /* NULL, or why this test failed (crash, timeout...): no samples then */
    /* quality kinds (inst.kind): perplexity / KLD figures, suite answers */
    struct llmb_ppl_result ppl;
    struct llmb_suite_answer *answers; /* n_answers, in the suite's order */
    size_t   n_answers;
    struct llmb_result_machine machine;      /* roofline and energy (roofline.h) */
    struct llmb_conditions cond;             /* interference, drift, warm-up (conditions.h) */
    struct llmb_result_paired paired;        /* interleaved comparisons */
    struct llmb_result_runs runs;            /* the interval across runs (speed) */
    struct llmb_load_figures load;           /* serving load (inst.kind load) */
    const struct llmb_result_origin *origin; /* NULL unless read from a store */
};

/* ---- the field table --------------------------------------------------------- */

enum llmb_field_type {
    LLMB_FIELD_STRING = 0,
    LLMB_FIELD_INT,
    LLMB_FIELD_BOOL,
    LLMB_FIELD_FLOAT,
    LLMB_FIELD_INTS,   /* an array of whole numbers (samples) */
    LLMB_FIELD_FLOATS, /* an array of numbers */
};

enum llmb_field_flags {
    LLMB_FIELD_LLAMA_BENCH = 1 << 0, /* one of llama-bench's output fields: its name, meaning, formatting */
    LLMB_FIELD_ORIGIN      = 1 << 1, /* where a stored result lives: printed by export only */
    LLMB_FIELD_EXTRA       = 1 << 2, /* stored by name in test_instances.extra (the store's other columns
                                      * do not hold it); read back, and imported, through set() */
    LLMB_FIELD_KEY         = 1 << 3, /* a test parameter that joins the instance key when it is not
                                      * llama-bench's default (def) */
    LLMB_FIELD_REQUIRED    = 1 << 4, /* import: a llama-bench file must have it */
};

/* When Markdown shows a field's column (llama-bench's rules, plus llmbench's). */
enum llmb_md_show {
    LLMB_MD_NEVER = 0,
    LLMB_MD_ALWAYS,
    LLMB_MD_CHANGED,        /* the sweep holds a value other than the default (def) */
    LLMB_MD_CHANGED_OR_CPU, /* ... or the backend is a CPU one (threads) */
    LLMB_MD_GPU,            /* the backend is not a CPU one (ngl) */
    LLMB_MD_AUTO_REPS,      /* -r auto ran (CI, repetitions) */
    LLMB_MD_PEAK,           /* the machine's measured bandwidth is known (tg % of BW) */
};

/* A field's value in one result. */
struct llmb_value {
    int         known;     /* 0: unknown */
    long long   i;         /* INT, BOOL (0/1) */
    double      d;         /* FLOAT */
    const char *s;         /* STRING: into the result or into buf */
    char        buf[1100];
    size_t      n;         /* arrays: elements, element k is at(r, k) (NAN: unknown) */
    double    (*at)(const struct llmb_result *r, size_t k);
};

/* Strings set() keeps: copied into storage the caller owns (an import's or
 * a store record's). Returns NULL when it is full. */
struct llmb_strings {
    char  *buf;
    size_t cap, used;
};
const char *llmb_strings_add(struct llmb_strings *st, const char *s);

struct llmb_field {
    const char *name;        /* JSON/CSV/SQL name: llama-bench's where it has the field */
    int         type;        /* enum llmb_field_type */
    const char *unit;        /* "bytes", "ns", "tokens/s", "ms", "MiB"...; NULL: none */
    const char *llama_bench; /* llama-bench's name, NULL: llmbench's own */
    int         flags;       /* enum llmb_field_flags */
    const char *def;         /* llama-bench's default as text (KEY, MD_CHANGED); NULL: none */
    const char *doc;         /* what it means */
    void (*get)(const struct llmb_result *r, struct llmb_value *v);
    /* EXTRA and import: sets the field of r from v (known); strings go to st.
     * Returns 0, or -1 when v is not a value of the field. */
    int  (*set)(struct llmb_result *r, const struct llmb_value *v, struct llmb_strings *st);
    /* Markdown: header, width (negative: left-aligned), when, own text (NULL: the value's text) */
    const char *md_name;
    int         md_width;
    int         md_show;     /* enum llmb_md_show */
    int         md_order;    /* column order (llama-bench's) */
    void (*md_text)(const struct llmb_result *r, char *buf, size_t len);
};

/* The table, in output order: llama-bench's fields first, as it orders them. */
const struct llmb_field *llmb_result_fields(size_t *n);
/* The field of that name, or NULL. */
const struct llmb_field *llmb_result_field(const char *name);
/* A scalar value as text, as llama-bench writes it in CSV and SQL: strings
 * as they are, whole numbers in decimal, booleans 0/1, numbers "%f". ""
 * when unknown (the caller decides between empty, NULL and "-"). */
void llmb_value_text(const struct llmb_field *f, const struct llmb_value *v, char *buf, size_t len);
/* A suite result's tallies: answers passed of those with a check, and the
 * mean similarity of those with one (NAN when none). */
struct llmb_suite_tally {
    size_t n, passed, checked, n_sim;
    double similarity;
};
void llmb_result_suite_tally(const struct llmb_result *r, struct llmb_suite_tally *t);

/* A speed result whose instance is in (the rest zero): what fields that
 * depend only on the parameters read (markdown columns, instance keys). */
void llmb_result_of_instance(const struct llmb_instance *in, struct llmb_result *r);

#ifdef __cplusplus
}
#endif

#endif
