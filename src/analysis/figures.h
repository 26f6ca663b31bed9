/* figures.h - the figure each compare metric reads from a stored record:
 * a speed sample of repetition i, or a quality test's value with its
 * standard error (passed of checked for a suite). */
#ifndef LLMB_ANALYSIS_FIGURES_H
#define LLMB_ANALYSIS_FIGURES_H

#include <stddef.h>

#include "llmbench/store.h"

struct llmb_fig {
    double v, se; /* the figure and its standard error (NAN unknown) */
    size_t k, n;  /* a suite's passed and checked answers */
};

/* 1 when a test of this kind has the metric's figures. */
int llmb_fig_kind_has(int kind, int metric);
/* The metric (a speed one) in repetition i of r; NAN when r has no such part. */
double llmb_fig_sample(const struct llmb_result *r, int metric, size_t i);
/* The metric (a quality one) of rec; 0 when rec has none. */
int llmb_fig_quality(const struct llmb_store_record *rec, int metric, struct llmb_fig *f);

#endif
