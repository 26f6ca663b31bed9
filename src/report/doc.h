/* doc.h - a report as a list of blocks (headings, paragraphs, lists,
 * tables, charts) that the builders fill from the store and the renderers
 * (html.c, md.c) write out: what a report says is decided once, how each
 * format shows it is the renderer's. Every text is plain UTF-8 as stored
 * (model names, reasons, tags are untrusted): renderers escape it. */
#ifndef LLMB_REPORT_DOC_H
#define LLMB_REPORT_DOC_H

#include <stddef.h>
#include <stdio.h>

#include "llmbench/report.h"

enum llmb_rdoc_kind { LLMB_RB_HEADING, LLMB_RB_PARA, LLMB_RB_LIST, LLMB_RB_TABLE, LLMB_RB_CHART };

enum llmb_rchart_kind {
    LLMB_RC_BARS,    /* one horizontal bar per point (y, with lo..hi whiskers when known) */
    LLMB_RC_SCATTER, /* x against y; marked points joined in x order (the Pareto front) */
    LLMB_RC_DOTS,    /* x against y; marked points highlighted, not joined */
};

struct llmb_rpoint {
    char label[96];
    double x, y;   /* bars: y alone */
    double lo, hi; /* the interval of y; NAN: none */
    int mark;      /* highlighted (on the Pareto front) */
};

struct llmb_rchart {
    int kind;
    char title[160], xlabel[64], ylabel[64];
    int logx; /* scatter: x on a log scale */
    struct llmb_rpoint *pts;
    size_t n;
};

struct llmb_rblock {
    int kind;
    int level;   /* heading: 1.. */
    char *text;  /* heading, paragraph */
    char id[32]; /* heading: the anchor */
    /* list items; table cells (row-major, row 0 the header) */
    char **cells;
    size_t n_cells;
    int ncols;
    char align[16]; /* table: 'l' or 'r' per column */
    struct llmb_rchart chart;
};

struct llmb_report {
    char title[256];
    char subtitle[512];
    struct llmb_rblock *b;
    size_t n, cap;
    int oom; /* an allocation failed: the report is incomplete */
};

/* Appending; on no memory they set r->oom and do nothing. */
void llmb_rdoc_heading(struct llmb_report *r, int level, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void llmb_rdoc_para(struct llmb_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An item of the list that ends the report (a new list unless the last
 * block is one). */
void llmb_rdoc_item(struct llmb_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Starts a table of ncols columns (headers, align 'l'/'r' per column). */
void llmb_rdoc_table(struct llmb_report *r, int ncols, const char *const *headers, const char *align);
/* A row of the last table (ncols cells; NULL: "-"). */
void llmb_rdoc_row(struct llmb_report *r, const char *const *cells);
/* Rows in the last table (header excluded). */
size_t llmb_rdoc_rows(const struct llmb_report *r);
/* Adds a chart; takes over pts (malloc'd, n points), freeing it on failure. */
void llmb_rdoc_chart(struct llmb_report *r, int kind, const char *title, const char *xlabel, const char *ylabel,
                     int logx, struct llmb_rpoint *pts, size_t n);

/* The renderers: return 0, or -1 on a write error. */
int llmb_report_html(const struct llmb_report *r, FILE *f);
int llmb_report_md(const struct llmb_report *r, FILE *f);
/* The one HTML escaper (text and attribute values, in HTML and SVG):
 * & < > " ' as entities, control characters and invalid UTF-8 as U+FFFD. */
void llmb_report_html_text(FILE *f, const char *s);
/* A chart as inline SVG. */
void llmb_report_svg(FILE *f, const struct llmb_rchart *c);

#endif
