/* quality.h - the quality measurements of a model family, shared by
 * `llmbench quality` and `llmbench pipeline`: the flags (a table fragment
 * and its handler), the checks made before anything runs, the family plan
 * (family.h) with its reference file, what resuming needs, the results kept
 * per model, and the "quality retained" table and structured outputs. */
#ifndef LLMB_CLI_QUALITY_H
#define LLMB_CLI_QUALITY_H

#include <jansson.h>
#include <stdio.h>

#include "llmbench/family.h"
#include "llmbench/plan.h"
#include "llmbench/quality.h"
#include "llmbench/runner.h"
#include "opt.h"
#include "runctl.h"

struct llmb_quality_cli {
    struct llmb_str_list models;
    const char *ppl, *save_ref, *ref, *suite, *ref_model, *fmt;
    long ctx, batch, chunks, threads, topk, maxtok, seed;
    double temp;
    int force, verbose, ctx_given, batch_given;
};

/* The defaults of every option (as --help shows them). */
void llmb_quality_cli_init(struct llmb_quality_cli *c);

enum { LLMB_QOPT_PPL = 800, LLMB_QOPT_CTX, LLMB_QOPT_CHUNKS, LLMB_QOPT_SUITE, LLMB_QOPT_MAXTOK, LLMB_QOPT_FORCE };

/* The flags `quality` and `pipeline` share: a fragment for an option table. */
#define LLMB_QUALITY_OPTS                                                                                              \
    {LLMB_QOPT_PPL, "--ppl", "FILE", NULL, "text to measure perplexity (and KL divergence) on",                        \
     LLMB_OPT_STR,  0,       0,      0,    NULL},                                                                      \
        {LLMB_QOPT_CTX, "-c,--ctx-size", "N", "512", "perplexity chunk size", LLMB_OPT_INT, 8, 1 << 20, 0, NULL},      \
        {LLMB_QOPT_CHUNKS, "--chunks", "N", "all", "score at most N chunks", LLMB_OPT_INT, 1, 1 << 30, 0, NULL},       \
        {LLMB_QOPT_SUITE,                                                                                              \
         "--suite",                                                                                                    \
         "FILE|default",                                                                                               \
         NULL,                                                                                                         \
         "run a prompt suite (default: the built-in one)",                                                             \
         LLMB_OPT_STR,                                                                                                 \
         0,                                                                                                            \
         0,                                                                                                            \
         0,                                                                                                            \
         NULL},                                                                                                        \
        {LLMB_QOPT_MAXTOK,                                                                                             \
         "--max-tokens",                                                                                               \
         "N",                                                                                                          \
         "128",                                                                                                        \
         "suite: most tokens per answer",                                                                              \
         LLMB_OPT_INT,                                                                                                 \
         1,                                                                                                            \
         1 << 16,                                                                                                      \
         0,                                                                                                            \
         NULL},                                                                                                        \
    {                                                                                                                  \
        LLMB_QOPT_FORCE, "--force", NULL, NULL, "measure synthetic (random-weight) models anyway", LLMB_OPT_FLAG, 0,   \
            0, 0, NULL                                                                                                 \
    }

/* Handles a shared option: returns 1 when id is one (*rc its outcome), else 0. */
int llmb_quality_opt(struct llmb_quality_cli *c, int id, const char *name, const char *val, int *rc,
                     struct llmb_error *err);

/* What is known of one model of the family at the end. */
struct llmb_qrow {
    const char *path;
    const char *label;             /* the pipeline's variant name, NULL for quality */
    struct llmb_model_info mi;
    int    have_mi;
    struct llmb_result score;      /* ppl / kld (score.inst.kind), when have_score */
    struct llmb_result suite;      /* suite answers (owned), when have_suite */
    int    have_score, have_suite;
    const char *error;             /* a failed quality test's reason (owned copy) */
    /* speed (the pipeline's benchmark) */
    int    have_pp, have_tg;
    double pp_ts, pp_sd, tg_ts, tg_sd, ttft_ms, load_ms;
    uint64_t rss;
};

struct llmb_qrun {
    struct llmb_quality_spec spec; /* what prepare found; the family copies it */
    struct llmb_ref_info ref_info; /* --ref's */
    struct llmb_suite  suite;
    int                have_suite;
    struct llmb_family fam;
    size_t             ref;        /* the reference's row */
    int                external;   /* --ref: the reference is a saved file, none of the rows */
    char               ref_path[4096];
    int                ref_tmp;    /* ref_path is ours to delete */
    struct llmb_qrow  *rows;       /* one per model */
    size_t             n_rows;
};

/* Before anything runs: the text is readable (and hashed), the suite loads,
 * a saved reference fits (its text, context and vocabulary), no model is
 * synthetic without --force, every model shares the reference's
 * vocabulary. models[ref] is the reference. */
int  llmb_qrun_prepare(struct llmb_qrun *q, const struct llmb_quality_cli *c, const char *const *models, size_t n,
                       size_t ref, struct llmb_error *err);
/* The same for models that are not files (the null engine's): no checks of
 * the models themselves. */
int  llmb_qrun_prepare_unchecked(struct llmb_qrun *q, const struct llmb_quality_cli *c, const char *const *models,
                                 size_t n, size_t ref, struct llmb_error *err);
/* Builds the family plan; the reference's log-probabilities go to --save-ref,
 * or (several models and a text) a file in the data folder named after the
 * plan when stored (so --resume finds it), else a temporary one. */
int  llmb_qrun_build(struct llmb_qrun *q, const struct llmb_quality_cli *c, int n_threads, int stored,
                     struct llmb_error *err);
/* After the run is opened: what a resumed run needs (the reference's suite
 * answers from the store; the reference's perplexity again when its file is
 * gone) and the rows of instances it already holds. */
int  llmb_qrun_resume(struct llmb_qrun *q, struct llmb_cli_run *run, const struct llmb_instance *inst, size_t n,
                      unsigned char *done, struct llmb_error *err);
/* A finished instance of the family (the runner's on_result). */
int  llmb_qrun_take(struct llmb_qrun *q, const struct llmb_result *r);
void llmb_qrun_free(struct llmb_qrun *q);

/* The "quality retained" markdown table (with pp and tg columns when
 * speed), the suite's answers when any (answers), and a note when a
 * synthetic model was measured. */
void llmb_qrun_print_md(const struct llmb_qrun *q, int speed, int answers, FILE *f);
/* The quality fields of row i on o (ppl, ppl_delta_pct, kld_*, top1_*,
 * suite_*...); with_answers adds the answers array. */
void llmb_qrun_json_set(const struct llmb_qrun *q, size_t i, json_t *o, int with_answers);
/* ΔPPL of row i in % against the reference's own PPL; NAN when unknown. */
double llmb_qrun_delta_ppl(const struct llmb_qrun *q, size_t i);
/* Prints an array of row objects as json, jsonl or csv (one row per object). */
int  llmb_print_objects(json_t *rows, const char *fmt, FILE *f);

#endif
