/* sinks.h - one result stream printed by several printers at once: stdout,
 * stderr and export files (each written under a temporary name and given
 * its name only when the run completes with at least one row, so a failed
 * or interrupted run leaves no half-written file). */
#ifndef LLMB_OUTPUT_SINKS_H
#define LLMB_OUTPUT_SINKS_H

#include <stdio.h>

#include "base/atomic_file.h"
#include "llmbench/output.h"

#define LLMB_SINKS_MAX 8

struct llmb_sink {
    const char *format;
    const char *path; /* NULL: std */
    FILE *std;
    struct llmb_atomic_file af;
    struct llmb_printer *pr;
};

struct llmb_sinks {
    struct llmb_sink s[LLMB_SINKS_MAX];
    int n;
    size_t n_rows; /* rows printed */
};

/* Appends a sink printing format to path (a file) or std (path NULL); a
 * NULL or "none" format adds nothing. Fails when full. */
int llmb_sinks_add(struct llmb_sinks *k, const char *format, const char *path, FILE *std, struct llmb_error *err);
/* Opens every sink and prints its header; on failure closes those already
 * open and removes their temporary files. */
int llmb_sinks_open(struct llmb_sinks *k, const struct llmb_instance *plan, size_t n_plan, struct llmb_error *err);
/* Prints r on every sink. */
int llmb_sinks_row(struct llmb_sinks *k, const struct llmb_result *r);
/* Ends every printer; commits the files of a run that did not fail (failed
 * 0) and printed a row, removes the others. Returns the first failure. */
int llmb_sinks_close(struct llmb_sinks *k, int failed, struct llmb_error *err);

#endif
