/* report.h - one document from the results store (llmbench report): what
 * ran where (hardware, llama.cpp build, conditions), the status matrix of
 * model x backend/devices (ran, failed with the reason, refused: did not
 * fit), speed tables with 95% intervals, quality tables, key findings
 * computed from the data (fastest, smallest within a quality threshold,
 * best per memory budget: recommend's Pareto front with the reason each
 * other configuration lost) and charts. As self-contained HTML (inline CSS
 * and SVG, no script, no network) or Markdown. The report reads the store
 * and prints nothing; writing the file is the caller's. */
#ifndef LLMBENCH_REPORT_H
#define LLMBENCH_REPORT_H

#include <stdio.h>

#include "llmbench/store.h"

#ifdef __cplusplus
extern "C" {
#endif

struct llmb_report_params {
    struct llmb_store_filter filter; /* which runs and tests */
    const char *selection;           /* how the selection was asked, shown in the report (NULL: everything) */
    double quality_pct;              /* findings: "keeps quality" = perplexity at most this % above the best
                                      * measured (default 1) */
};
void llmb_report_default_params(struct llmb_report_params *p);

struct llmb_report; /* opaque */

/* Reads the selection from s and builds the report. Errors (one line in
 * err): a run id that does not exist, a selection with no test
 * (LLMB_E_INVAL), the store's, memory. *out is the caller's
 * (llmb_report_free). */
int llmb_report_build(struct llmb_store *s, const struct llmb_report_params *p, struct llmb_report **out,
                      struct llmb_error *err);
void llmb_report_free(struct llmb_report *r); /* NULL is a no-op */

enum llmb_report_format { LLMB_REPORT_HTML = 0, LLMB_REPORT_MD };
/* The format a path's extension names (.html, .htm, .md), or -1. */
int llmb_report_format_of(const char *path);
/* Writes the report to f; LLMB_E_IO on a write error. */
int llmb_report_write(const struct llmb_report *r, int format, FILE *f, struct llmb_error *err);

#ifdef __cplusplus
}
#endif

#endif
