/* sections.h - what the report's builders share: the selection read from
 * the store once (runs, tests, each model's quality figures, recommend's
 * ranking) and one function per section, each appending its blocks to the
 * document. */
#ifndef LLMB_REPORT_SECTIONS_H
#define LLMB_REPORT_SECTIONS_H

#include "analysis/figures.h"
#include "llmbench/analysis.h"
#include "report/doc.h"

/* A model's quality: the latest figure of each measure (have[m] 0: none),
 * m an enum llmb_cmp_metric (PPL, KLD, TOP1, SUITE). */
struct llmb_rmodel {
    const struct llmb_store_record *rec; /* its first record of the selection */
    char label[256];                     /* the file's name */
    const char *ref;                     /* its KLD tests' reference model's path, "" when none */
    struct llmb_fig fig[LLMB_CM_COUNT];
    int have[LLMB_CM_COUNT];
};

struct llmb_rctx {
    struct llmb_store *s;
    const struct llmb_report_params *p;
    struct llmb_report *doc;
    struct llmb_store_run *runs;
    size_t n_runs;
    struct llmb_store_record *recs; /* failed tests included */
    size_t n_recs, n_failed, n_speed, n_quality;
    struct llmb_rmodel *models; /* models with a quality figure, in the order first seen */
    size_t n_models;
    struct llmb_rec_result rec; /* recommend's ranking of the speed configurations (n_configs 0: none) */
};

/* The file name of a path. */
const char *llmb_report_base(const char *path);
/* A configuration's name: its model file and every setting (full), or for
 * charts the file alone, with t= b= when other configurations share it. */
void llmb_report_config_label(const struct llmb_rctx *c, const struct llmb_rec_config *x, int full, char *buf,
                              size_t len);

int llmb_report_models(struct llmb_rctx *c); /* fills c->models; -1 on no memory */
/* The model perplexities are compared with: the KLD reference when it has
 * one, else the lowest; NULL when no perplexity was measured. */
const struct llmb_rmodel *llmb_report_ppl_base(const struct llmb_rctx *c);
void llmb_report_findings(struct llmb_rctx *c);                      /* findings.c */
void llmb_report_charts(struct llmb_rctx *c);                        /* findings.c */
void llmb_report_speed(struct llmb_rctx *c);                         /* tables.c */
void llmb_report_quality(struct llmb_rctx *c);                       /* tables.c */
void llmb_report_where(struct llmb_rctx *c);                         /* where.c: runs, machines, builds */
int llmb_report_matrix(struct llmb_rctx *c, struct llmb_error *err); /* where.c */
void llmb_report_conditions(struct llmb_rctx *c);                    /* where.c */

#endif
