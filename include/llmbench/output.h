/* output.h - printers for bench results, one small file per format behind one
 * interface (header / row / footer), like llama-bench's printers. */
#ifndef LLMBENCH_OUTPUT_H
#define LLMBENCH_OUTPUT_H

#include <stdio.h>
#include "plan.h"
#include "runner.h"

#ifdef __cplusplus
extern "C" {
#endif

struct llmb_printer;

/* Formats: "md", "csv", "json", "jsonl". NULL when unknown.
 * params (borrowed, may be NULL) decides which columns the markdown table shows. */
struct llmb_printer *llmb_printer_new(const char *format, FILE *out, const struct llmb_bench_params *params);
int  llmb_printer_header(struct llmb_printer *p);
int  llmb_printer_row(struct llmb_printer *p, const struct llmb_result *r);
int  llmb_printer_footer(struct llmb_printer *p);
void llmb_printer_free(struct llmb_printer *p);
/* 1 when format is one llmb_printer_new accepts. */
int  llmb_output_format_known(const char *format);

#ifdef __cplusplus
}
#endif

#endif
