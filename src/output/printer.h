/* printer.h - internal printer interface: each format is a table of
 * callbacks (one file per format), chosen by name in printer.c. */
#ifndef LLMB_OUTPUT_PRINTER_H
#define LLMB_OUTPUT_PRINTER_H

#include <jansson.h>
#include <stdio.h>

#include "core/field_json.h"
#include "llmbench/output.h"

struct llmb_printer_ops {
    const char *name;
    size_t      state_size; /* bytes of per-printer state, zeroed */
    int (*header)(struct llmb_printer *p);
    int (*row)(struct llmb_printer *p, const struct llmb_result *r);
    int (*footer)(struct llmb_printer *p);
    void (*release)(struct llmb_printer *p); /* frees what the state points to (may be NULL) */
};

struct llmb_printer {
    const struct llmb_printer_ops *ops;
    FILE                          *out;
    struct llmb_printer_params     params;
    size_t                         rows;
    void                          *state;
};

/* 1 when the printer shows field f (the origin fields only with params.origin). */
int llmb_printer_shows(const struct llmb_printer *p, const struct llmb_field *f);

/* One speed result as a flat JSON object, every field of the table in its
 * order (null where unknown); origin: where it lives in the store too.
 * Quality kinds are llmb_quality_result_json's. Caller owns the result. */
json_t *llmb_result_json(const struct llmb_result *r, int origin);

/* A quality result (kind ppl, kld, suite) as a flat JSON object; its suite
 * answers as an array; one answer. */
json_t *llmb_quality_result_json(const struct llmb_result *r);
/* The quality figures every JSON output shares (quality_json.c): a
 * ppl/kld result's (sc: it has them; delta_pct when have_delta) and a suite
 * result's (su: it is one). */
void llmb_quality_json_score(json_t *o, const struct llmb_ppl_result *p, int sc, double delta_pct, int have_delta);
void llmb_quality_json_suite(json_t *o, const struct llmb_result *r, int su, const char *suite_name);
json_t *llmb_quality_answers_json(const struct llmb_result *r);
json_t *llmb_suite_answer_json(const struct llmb_suite_item *it, const struct llmb_suite_answer *a, uint32_t seed,
                               double temp);

/* A suite result's counts. */
struct llmb_suite_summary {
    int    n_pass, n_checked, n_sim, n_tg;
    double sim_sum, tg_sum, ttft_sum;
};
void llmb_suite_summary(const struct llmb_result *r, struct llmb_suite_summary *s);

extern const struct llmb_printer_ops llmb_printer_md;
extern const struct llmb_printer_ops llmb_printer_csv;
extern const struct llmb_printer_ops llmb_printer_json;
extern const struct llmb_printer_ops llmb_printer_jsonl;
extern const struct llmb_printer_ops llmb_printer_sql;

/* s as an SQL string literal ('it''s'). */
void llmb_sql_string(FILE *out, const char *s);

#endif
