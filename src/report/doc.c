/* doc.c - the report's blocks (doc.h): appending headings, paragraphs,
 * list items, table rows and charts, each text copied; an allocation that
 * fails marks the report incomplete (oom) instead of losing a block
 * silently. Owns the blocks; llmb_report_free releases them. */
#define _GNU_SOURCE /* vasprintf */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/doc.h"

static struct llmb_rblock *add(struct llmb_report *r, int kind)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        void *p = realloc(r->b, cap * sizeof *r->b);
        if (!p) {
            r->oom = 1;
            return NULL;
        }
        r->b = p;
        r->cap = cap;
    }
    struct llmb_rblock *b = &r->b[r->n++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

static char *vtext(struct llmb_report *r, const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) {
        r->oom = 1;
        return NULL;
    }
    return s;
}

/* Appends s (taken over) to b's cells. */
static void push_cell(struct llmb_report *r, struct llmb_rblock *b, char *s)
{
    void *p = s ? realloc(b->cells, (b->n_cells + 1) * sizeof *b->cells) : NULL;
    if (!p) {
        free(s);
        r->oom = 1;
        return;
    }
    b->cells = p;
    b->cells[b->n_cells++] = s;
}

/* A block of kind holding the text s (taken); NULL, s freed, when either is missing. */
static struct llmb_rblock *text_block(struct llmb_report *r, int kind, char *s)
{
    struct llmb_rblock *b = s ? add(r, kind) : NULL;
    if (!b) {
        free(s);
        return NULL;
    }
    b->text = s;
    return b;
}

void llmb_rdoc_heading(struct llmb_report *r, int level, const char *id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct llmb_rblock *b = text_block(r, LLMB_RB_HEADING, vtext(r, fmt, ap));
    va_end(ap);
    if (!b)
        return;
    b->level = level;
    snprintf(b->id, sizeof b->id, "%s", id ? id : "");
}

void llmb_rdoc_para(struct llmb_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    text_block(r, LLMB_RB_PARA, vtext(r, fmt, ap));
    va_end(ap);
}

void llmb_rdoc_item(struct llmb_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vtext(r, fmt, ap);
    va_end(ap);
    struct llmb_rblock *b = r->n && r->b[r->n - 1].kind == LLMB_RB_LIST ? &r->b[r->n - 1] : NULL;
    if (!b && s)
        b = add(r, LLMB_RB_LIST);
    if (!b) {
        free(s);
        return;
    }
    push_cell(r, b, s);
}

void llmb_rdoc_table(struct llmb_report *r, int ncols, const char *const *headers, const char *align)
{
    struct llmb_rblock *b = ncols > 0 && ncols < (int)sizeof b->align ? add(r, LLMB_RB_TABLE) : NULL;
    if (!b) {
        r->oom = 1;
        return;
    }
    b->ncols = ncols;
    snprintf(b->align, sizeof b->align, "%s", align);
    llmb_rdoc_row(r, headers);
}

void llmb_rdoc_row(struct llmb_report *r, const char *const *cells)
{
    struct llmb_rblock *b = r->n && r->b[r->n - 1].kind == LLMB_RB_TABLE ? &r->b[r->n - 1] : NULL;
    if (!b) {
        r->oom = 1;
        return;
    }
    for (int i = 0; i < b->ncols; i++)
        push_cell(r, b, strdup(cells[i] && cells[i][0] ? cells[i] : "-"));
}

size_t llmb_rdoc_rows(const struct llmb_report *r)
{
    const struct llmb_rblock *b = r->n ? &r->b[r->n - 1] : NULL;
    return b && b->kind == LLMB_RB_TABLE ? b->n_cells / (size_t)b->ncols - 1 : 0;
}

void llmb_rdoc_chart(struct llmb_report *r, int kind, const char *title, const char *xlabel, const char *ylabel,
                     int logx, struct llmb_rpoint *pts, size_t n)
{
    struct llmb_rblock *b = pts ? add(r, LLMB_RB_CHART) : NULL;
    if (!b) {
        free(pts);
        r->oom |= pts != NULL;
        return;
    }
    struct llmb_rchart *c = &b->chart;
    c->kind = kind;
    snprintf(c->title, sizeof c->title, "%s", title);
    snprintf(c->xlabel, sizeof c->xlabel, "%s", xlabel ? xlabel : "");
    snprintf(c->ylabel, sizeof c->ylabel, "%s", ylabel ? ylabel : "");
    c->logx = logx;
    c->pts = pts;
    c->n = n;
}

void llmb_report_free(struct llmb_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->b[i].text);
        for (size_t j = 0; j < r->b[i].n_cells; j++)
            free(r->b[i].cells[j]);
        free(r->b[i].cells);
        free(r->b[i].chart.pts);
    }
    free(r->b);
    free(r);
}
