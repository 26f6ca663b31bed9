/* history.h - how much a configuration's speed varies from run to run, from
 * the store's earlier runs of it: what compare's interval and a run's own
 * interval across runs (run_interval.c) both stand on. */
#ifndef LLMB_ANALYSIS_HISTORY_H
#define LLMB_ANALYSIS_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "llmbench/compare.h"
#include "llmbench/store.h"

/* Adds to sp the runs among hist[0..n) that ran the configuration `key` (its
 * instance key: model identity and every parameter) on `host`, leaving out
 * failed records and the runs skip[0..n_skip) (sorted ascending), grouped by
 * llama.cpp build: each run's median of the metric's samples (an
 * llmb_cmp_metric), one group per build (llmb_compare_spread_add). Counts the
 * runs added in *runs. Returns -1 when out of memory. */
int llmb_history_spread(const struct llmb_store_record *hist, size_t n, const char *key, const char *host, int metric,
                        const int64_t *skip, size_t n_skip, struct llmb_compare_spread *sp, size_t *runs);

/* Appends v to the growing array *x (n used of cap); -1 when out of memory. */
int llmb_history_push(double **x, size_t *n, size_t *cap, double v);

/* qsort/bsearch order of run ids. */
int llmb_history_cmp_id(const void *a, const void *b);

#endif
