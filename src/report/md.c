/* md.c - the report as Markdown that renders on a code-hosting site:
 * headings, lists and tables (output/md_cell.c pads and escapes the cells);
 * the charts are the HTML report's, named here. Stored text has its markup
 * characters escaped (< > & as entities, Markdown's as backslashes), so a
 * model name never becomes a tag or a link. */
#include <stdlib.h>
#include <string.h>

#include "output/md_cell.h"
#include "report/doc.h"

/* s with < > & as entities and \ ` * _ [ ] # as \x (a table cell's | is
 * md_cell's); malloc'd, NULL on no memory. */
static char *esc(const char *s, int cell)
{
    size_t n = strlen(s);
    char *o = malloc(n * 5 + 1), *p = o;
    for (; o && *s; s++) {
        const char *ent = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : NULL;
        if (ent) {
            p = stpcpy(p, ent);
            continue;
        }
        if (strchr("\\`*_[]#", *s) || (!cell && *s == '|'))
            *p++ = '\\';
        *p++ = (*s == '\n' || *s == '\r') ? ' ' : *s;
    }
    if (p)
        *p = 0;
    return o;
}

static int put(FILE *f, const char *pre, const char *s, const char *post)
{
    char *e = esc(s, 0);
    if (!e)
        return -1;
    fprintf(f, "%s%s%s", pre, e, post);
    free(e);
    return 0;
}

static int table(FILE *f, const struct llmb_rblock *b)
{
    size_t rows = b->n_cells / (size_t)b->ncols, nc = (size_t)b->ncols;
    char **e = calloc(b->n_cells, sizeof *e);
    int w[16] = {0}, rc = e ? 0 : -1;
    for (size_t i = 0; !rc && i < b->n_cells; i++) {
        if (!(e[i] = esc(b->cells[i], 1)))
            rc = -1;
        else if (llmb_md_width(e[i]) > w[i % nc])
            w[i % nc] = llmb_md_width(e[i]);
    }
    for (size_t i = 0; !rc && i < rows; i++) {
        fputc('|', f);
        for (size_t j = 0; j < nc; j++)
            llmb_md_cell(f, e[i * nc + j], b->align[j] == 'r' ? w[j] : -w[j]);
        fputc('\n', f);
        if (i == 0) {
            fputc('|', f);
            for (size_t j = 0; j < nc; j++)
                llmb_md_rule(f, b->align[j] == 'r' ? (w[j] > 3 ? w[j] : 3) : -(w[j] > 3 ? w[j] : 3));
            fputc('\n', f);
        }
    }
    fputc('\n', f);
    for (size_t i = 0; e && i < b->n_cells; i++)
        free(e[i]);
    free(e);
    return rc;
}

int llmb_report_md(const struct llmb_report *r, FILE *f)
{
    int rc = put(f, "# ", r->title, "\n\n");
    if (!rc)
        rc = put(f, "", r->subtitle, "\n\n");
    for (size_t i = 0; !rc && i < r->n; i++) {
        const struct llmb_rblock *b = &r->b[i];
        switch (b->kind) {
        case LLMB_RB_HEADING: {
            char pre[8];
            snprintf(pre, sizeof pre, "%.*s ", b->level < 6 ? b->level : 6, "######");
            rc = put(f, pre, b->text, "\n\n");
            break;
        }
        case LLMB_RB_PARA: rc = put(f, "", b->text, "\n\n"); break;
        case LLMB_RB_LIST:
            for (size_t j = 0; !rc && j < b->n_cells; j++)
                rc = put(f, "- ", b->cells[j], "\n");
            fputc('\n', f);
            break;
        case LLMB_RB_TABLE: rc = table(f, b); break;
        case LLMB_RB_CHART: rc = put(f, "*Chart in the HTML report: ", b->chart.title, ".*\n\n"); break;
        }
    }
    fputs("*Made by `llmbench report` from the results store.*\n", f);
    return rc || ferror(f) ? -1 : 0;
}
