/* table.c - aligned markdown tables (see table.h). Widths count UTF-8
 * characters, so "±" takes one column. */
#include <stdlib.h>
#include <string.h>

#include "md_cell.h"
#include "table.h"

struct llmb_table {
    int ncols;
    int nrows, cap; /* rows held, the header included */
    char **cells;   /* nrows * ncols, the header first */
    char align[32];
};

int llmb_table_add(struct llmb_table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        int nc = t->cap ? 2 * t->cap : 16;
        char **p = realloc(t->cells, (size_t)nc * (size_t)t->ncols * sizeof *p);
        if (!p)
            return -1;
        t->cells = p;
        t->cap = nc;
    }
    char **row = t->cells + (size_t)t->nrows * (size_t)t->ncols;
    for (int i = 0; i < t->ncols; i++) {
        if (!(row[i] = strdup(cells[i] ? cells[i] : ""))) {
            while (i-- > 0)
                free(row[i]);
            return -1;
        }
    }
    t->nrows++;
    return 0;
}

struct llmb_table *llmb_table_new(int ncols, const char *const *headers, const char *align)
{
    struct llmb_table *t = calloc(1, sizeof *t);
    if (!t || ncols < 1 || ncols >= (int)sizeof t->align) {
        free(t);
        return NULL;
    }
    t->ncols = ncols;
    for (int i = 0; i < ncols; i++)
        t->align[i] = align && align[i] == 'r' ? 'r' : 'l';
    if (llmb_table_add(t, headers)) {
        llmb_table_free(t);
        return NULL;
    }
    return t;
}

int llmb_table_rows(const struct llmb_table *t)
{
    return t->nrows - 1;
}

int llmb_table_print(const struct llmb_table *t, FILE *f)
{
    int w[32];
    for (int c = 0; c < t->ncols; c++)
        w[c] = 3; /* a markdown delimiter cell needs a few dashes */
    for (int r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            int x = llmb_md_width(t->cells[(size_t)r * (size_t)t->ncols + (size_t)c]);
            w[c] = x > w[c] ? x : w[c];
        }
    for (int r = 0; r < t->nrows; r++) {
        fputc('|', f);
        for (int c = 0; c < t->ncols; c++)
            llmb_md_cell(f, t->cells[(size_t)r * (size_t)t->ncols + (size_t)c], t->align[c] == 'r' ? w[c] : -w[c]);
        fputc('\n', f);
        if (r == 0) {
            fputc('|', f);
            for (int c = 0; c < t->ncols; c++)
                llmb_md_rule(f, t->align[c] == 'r' ? w[c] : -w[c]);
            fputc('\n', f);
        }
    }
    return ferror(f) ? -1 : 0;
}

void llmb_table_free(struct llmb_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < (size_t)t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}
