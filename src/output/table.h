/* table.h - aligned markdown tables for terminal output
 * (results, compare, recommend): cells are collected, then printed with each
 * column as wide as its widest cell. */
#ifndef LLMB_OUTPUT_TABLE_H
#define LLMB_OUTPUT_TABLE_H

#include <stdio.h>

struct llmb_table;

/* align: one char per column, 'l' or 'r'. NULL on allocation failure. */
struct llmb_table *llmb_table_new(int ncols, const char *const *headers, const char *align);
/* Adds a row of ncols cells (copied). Returns 0, or -1 when out of memory. */
int llmb_table_add(struct llmb_table *t, const char *const *cells);
int llmb_table_rows(const struct llmb_table *t);
/* Prints the table; returns 0, or -1 on a write error. */
int llmb_table_print(const struct llmb_table *t, FILE *f);
void llmb_table_free(struct llmb_table *t);

#endif
