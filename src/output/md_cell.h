/* md_cell.h - Markdown table cells, escaped and padded in one place for
 * every table llmbench prints (bench's printer, the store commands'). */
#ifndef LLMB_OUTPUT_MD_CELL_H
#define LLMB_OUTPUT_MD_CELL_H

#include <stdio.h>

/* Columns text takes in a cell once escaped ('|' becomes "\|", line breaks
 * spaces), counting UTF-8 characters, so "±" takes one. */
int llmb_md_width(const char *text);
/* " text |": text escaped and padded to |width| columns, right-aligned
 * when width > 0, left-aligned when < 0 (llama-bench's convention). */
void llmb_md_cell(FILE *f, const char *text, int width);
/* " ---: |" (right-aligned) or " ---- |" (left) for a column of |width|. */
void llmb_md_rule(FILE *f, int width);

#endif
