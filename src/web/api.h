/* api.h - pieces of the JSON API shared by its files: a reply, a selection
 * read from the query string, a stored record as JSON. */
#ifndef LLMB_WEB_API_H
#define LLMB_WEB_API_H

#include <jansson.h>

#include "llmbench/store.h"
#include "llmbench/web.h"

/* Sets *status and *body (the JSON text of v, which is taken); returns 0. */
int llmb_web_reply(int code, json_t *v, int *status, char **body);
/* {"error": msg} with code. */
int llmb_web_fail(int code, const char *msg, int *status, char **body);
/* The selection the query string names (run, model, quant, device, since,
 * until, tag, host, build, plan, kind, key); LLMB_E_INVAL with err on a bad one. */
int llmb_web_filter(struct llmb_store_filter *f, llmb_web_arg_fn arg, void *ctx, struct llmb_error *err);
/* A stored record as the page reads it: every field, its samples, and a
 * suite's answers (items from the record). NULL on no memory. */
json_t *llmb_web_record_json(const struct llmb_store_record *rec);

/* api_analysis.c: /api/compare and /api/recommend */
int llmb_web_api_compare(struct llmb_store *s, llmb_web_arg_fn arg, void *ctx, int *status, char **body);
int llmb_web_api_recommend(struct llmb_store *s, llmb_web_arg_fn arg, void *ctx, int *status, char **body);

#endif
