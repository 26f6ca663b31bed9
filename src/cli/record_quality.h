/* record_quality.h - what a stored quality record (ppl, kld, suite) says, for
 * the commands that read the store (export, results, compare): its JSON
 * object, its main figure as text, its suite tallies. Speed records keep
 * their own description (src/output/result_json.c). */
#ifndef LLMB_CLI_RECORD_QUALITY_H
#define LLMB_CLI_RECORD_QUALITY_H

#include <jansson.h>
#include <stddef.h>

#include "llmbench/store.h"

/* A suite record's tallies: answers passed of those with a check, and the
 * mean similarity of those with one (NAN when none). */
struct llmb_suite_tally {
    size_t n, passed, checked, n_sim;
    double similarity;
};
void llmb_cli_suite_tally(const struct llmb_result *r, struct llmb_suite_tally *t);

/* 1 for a record of a quality kind. */
int llmb_cli_is_quality(const struct llmb_store_record *rec);

/* The record as one flat JSON object: kind, test, the model and engine
 * settings (bench's names), every quality field (null where it does not
 * apply or is unknown, never 0) and, when answers, the suite's answers as an
 * array. NULL when out of memory. */
json_t *llmb_cli_quality_json(const struct llmb_store_record *rec, int answers);

/* "PPL 10.2345 ± 0.0512", "KLD 0.012345 ± 0.000321 (PPL 10.31)", "pass 7/9
 * (77.8%), similarity 0.812"; "-" when nothing was measured. */
void llmb_cli_quality_figure(const struct llmb_store_record *rec, char *buf, size_t len);

#endif
