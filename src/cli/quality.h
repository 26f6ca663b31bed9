/* quality.h - the quality measurements of a model family, shared by
 * `llmbench quality` and `llmbench pipeline`: options, one row per model, the
 * run (reference first) and the "quality retained" table. */
#ifndef LLMB_CLI_QUALITY_H
#define LLMB_CLI_QUALITY_H

#include "llmbench/engine.h"
#include "llmbench/plan.h"
#include "llmbench/quality.h"

struct llmb_quality_cli {
    struct llmb_str_list models;
    const char *ppl, *save_ref, *ref, *suite, *ref_model, *fmt;
    long ctx, batch, chunks, threads, topk, maxtok, seed;
    double temp;
    int force, quiet, verbose;
};

struct llmb_quality_row {
    const char *path;
    struct llmb_model_info mi;
    int have_ppl;
    struct llmb_ppl_result ppl;
    struct llmb_suite_answer *ans;
    int n_pass, n_checked;
    double sim_sum, tg_sum, ttft_sum;
    int n_sim, n_tg;
};

/* Measures every model of rows[0..n) (paths set), the reference rows[ref]
 * first; the others get KLD and similarity against it. suite may be NULL. */
int llmb_quality_run_family(const struct llmb_quality_cli *c, struct llmb_quality_row *rows, size_t n, size_t ref,
                            const struct llmb_suite *suite, struct llmb_error *err);
void llmb_quality_rows_free(struct llmb_quality_row *rows, size_t n, const struct llmb_suite *suite);

#endif
