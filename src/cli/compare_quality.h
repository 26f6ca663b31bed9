/* compare_quality.h - `llmbench compare --metric ppl|kld|top1|suite`: the
 * quality half of compare (compare.c does speed and dispatches here). */
#ifndef LLMB_CLI_COMPARE_QUALITY_H
#define LLMB_CLI_COMPARE_QUALITY_H

#include "llmbench/store.h"

enum llmb_quality_metric { LLMB_QM_PPL, LLMB_QM_KLD, LLMB_QM_TOP1, LLMB_QM_SUITE };

/* Compares selections a and b (filter expressions) on metric, prints the
 * table and the summary to stdout. fail_pct >= 0: a significant change for
 * the worse beyond fail_pct % fails (err says which tests). Returns an llmb
 * code; *usage is set when the failure is the caller's input (nothing to
 * compare). */
int llmb_cli_compare_quality(struct llmb_store *s, const char *a, const char *b, int metric, double fail_pct,
                             int *usage, struct llmb_error *err);

#endif
