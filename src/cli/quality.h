/* quality.h - the quality measurements of a model family, shared by
 * `llmbench quality` and `llmbench pipeline`: options (a table fragment and
 * its handler), the checks made before anything runs, one row per model, the
 * run (reference first) and the "quality retained" table and JSON fields. */
#ifndef LLMB_CLI_QUALITY_H
#define LLMB_CLI_QUALITY_H

#include <jansson.h>

#include "llmbench/engine.h"
#include "llmbench/plan.h"
#include "llmbench/quality.h"
#include "opt.h"

struct llmb_quality_cli {
    struct llmb_str_list models;
    const char *ppl, *save_ref, *ref, *suite, *ref_model, *fmt;
    long ctx, batch, chunks, threads, topk, maxtok, seed;
    double temp;
    int force, quiet, verbose;
};

/* The defaults of every option (as --help shows them). */
void llmb_quality_cli_init(struct llmb_quality_cli *c);

enum { LLMB_QOPT_PPL = 800, LLMB_QOPT_CTX, LLMB_QOPT_CHUNKS, LLMB_QOPT_SUITE, LLMB_QOPT_MAXTOK, LLMB_QOPT_FORCE };

/* The flags `quality` and `pipeline` share: a fragment for an option table. */
#define LLMB_QUALITY_OPTS                                                                                           \
    {LLMB_QOPT_PPL, "--ppl", "FILE", NULL, "text to measure perplexity (and KL divergence) on"},                    \
    {LLMB_QOPT_CTX, "-c,--ctx-size", "N", "512", "perplexity chunk size"},                                         \
    {LLMB_QOPT_CHUNKS, "--chunks", "N", "all", "score at most N chunks"},                                           \
    {LLMB_QOPT_SUITE, "--suite", "FILE|default", NULL, "run a prompt suite (default: the built-in one)"},           \
    {LLMB_QOPT_MAXTOK, "--max-tokens", "N", "128", "suite: most tokens per answer"},                               \
    {LLMB_QOPT_FORCE, "--force", NULL, NULL, "measure synthetic (random-weight) models anyway"}

/* Handles a shared option: returns 1 when id is one (*rc its outcome), else 0. */
int llmb_quality_opt(struct llmb_quality_cli *c, int id, const char *name, const char *val, int *rc,
                     struct llmb_error *err);

/* Before anything runs: the --ppl text is readable text, the suite loads
 * (*suite filled when --suite; free with llmb_suite_free). */
int llmb_quality_prepare(const struct llmb_quality_cli *c, struct llmb_suite *suite, struct llmb_error *err);
/* The refusal of a synthetic model without --force: LLMB_E_INVAL. */
int llmb_quality_synthetic_error(const char *path, struct llmb_error *err);

struct llmb_quality_row {
    const char *path;
    const char *label;   /* shown instead of the file name when set (the pipeline's variant) */
    struct llmb_model_info mi;
    int have_ppl;
    struct llmb_ppl_result ppl;
    struct llmb_suite_answer *ans;
    int n_pass, n_checked;
    double sim_sum, tg_sum, ttft_sum;
    int n_sim, n_tg;
    /* speed measured elsewhere (the pipeline's benchmark), shown by the table */
    int have_pp, have_tg;
    double pp_ts, pp_sd, tg_ts, tg_sd;
};

/* Measures every model of rows[0..n) (paths set), the reference rows[ref]
 * first; the others get KLD and similarity against it. suite may be NULL. */
int llmb_quality_run_family(const struct llmb_quality_cli *c, struct llmb_quality_row *rows, size_t n, size_t ref,
                            const struct llmb_suite *suite, struct llmb_error *err);
void llmb_quality_rows_free(struct llmb_quality_row *rows, size_t n, const struct llmb_suite *suite);

/* The "quality retained" markdown table of a family (with pp and tg columns
 * when speed), and a note when a synthetic model was measured. */
void llmb_quality_print_table(const struct llmb_quality_row *rows, size_t n, size_t ref, int speed);
/* Sets the quality fields of row m (ppl, ppl_delta_pct, kld_*, top1_*,
 * suite_*, ...) on the JSON object o; ref is the family's reference row. */
void llmb_quality_json_set(json_t *o, const struct llmb_quality_row *m, const struct llmb_quality_row *ref,
                           const struct llmb_suite *suite);
/* m's suite answers as a JSON array (empty without a suite). */
json_t *llmb_quality_answers_json(const struct llmb_quality_row *m, const struct llmb_suite *suite, uint32_t seed,
                                  double temp);

#endif
