/* output.h - printers for bench results, one small file per format behind one
 * interface (header / row / footer), like llama-bench's printers. Every
 * printer walks the result's field table (result.h): a field there is a
 * column everywhere. */
#ifndef LLMBENCH_OUTPUT_H
#define LLMBENCH_OUTPUT_H

#include <stdio.h>
#include "plan.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

struct llmb_printer;

struct llmb_printer_params {
    /* the sweep, from which Markdown decides which parameter columns to show
     * (those whose values are not all llama-bench's default); NULL: the
     * first row's instance */
    const struct llmb_instance *plan;
    size_t                      n_plan;
    int                         origin; /* 1: the fields saying where a stored result lives (export) */
};

/* Formats: "md", "csv", "json", "jsonl", "sql". NULL when unknown. params
 * (may be NULL) is copied; its plan is borrowed until the printer is freed. */
struct llmb_printer *llmb_printer_new(const char *format, FILE *out, const struct llmb_printer_params *params);
int  llmb_printer_header(struct llmb_printer *p);
int  llmb_printer_row(struct llmb_printer *p, const struct llmb_result *r);
int  llmb_printer_footer(struct llmb_printer *p);
void llmb_printer_free(struct llmb_printer *p);
/* 1 when format is one llmb_printer_new accepts. */
int  llmb_output_format_known(const char *format);
/* The formats, comma separated ("md, csv, json, jsonl, sql"). */
const char *llmb_output_formats(void);

#ifdef __cplusplus
}
#endif

#endif
