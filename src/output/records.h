/* records.h - stored records (llmb_store_record) as every reader shows them
 * (export, results, compare, the dashboard): a quality record's JSON object
 * and its main figure as text (record_json.c); any record's JSON with where
 * it lives, and a whole selection in every export format (records.c). Speed
 * records' own description is the result table's (result_json.c). */
#ifndef LLMB_OUTPUT_RECORDS_H
#define LLMB_OUTPUT_RECORDS_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "llmbench/store.h"

/* 1 for a record of a quality kind. */
int llmb_record_is_quality(const struct llmb_store_record *rec);

/* The record as one flat JSON object: kind, test, the model and engine
 * settings (bench's names), every quality field (null where it does not
 * apply or is unknown, never 0) and, when answers, the suite's answers as an
 * array. NULL when out of memory. */
json_t *llmb_record_quality_json(const struct llmb_store_record *rec, int answers);

/* "PPL 10.2345 ± 0.0512", "KLD 0.012345 ± 0.000321 (PPL 10.31)", "pass 7/9
 * (77.8%), similarity 0.812"; "-" when nothing was measured. */
void llmb_record_quality_figure(const struct llmb_store_record *rec, char *buf, size_t len);

/* Any record's object: a speed record's every field of the result table
 * (where it lives included); a quality record's llmb_record_quality_json
 * plus run_id, instance_key, model_sha256, tags, host. NULL when out of
 * memory. */
json_t *llmb_record_json(const struct llmb_store_record *rec, int answers);

/* Writes records v[0..n) to f as format (csv, json, jsonl, md, sql). Speed
 * records alone go through bench's printers; with quality records among
 * them CSV and SQL hold the union of both sets of columns (empty / NULL
 * where a value does not apply) and Markdown a second table. Returns an llmb
 * code (LLMB_E_IO, LLMB_E_NOMEM). */
int llmb_records_write(FILE *f, const char *format, const struct llmb_store_record *v, size_t n);

/* One CSV cell: a JSON value's text quoted (a string as it is, a number or
 * array as JSON), empty for null. Returns an llmb code. */
int llmb_csv_json_cell(FILE *f, json_t *v);

/* export --timeline (timeline.c): one row per generated token of every
 * speed record that has a stored timeline: run_id, instance_key, test,
 * model, rep and token (1-based), t_ms (from the repetition's start) and
 * itl_ms (the gap from the token before; null for the first) as csv, json
 * or jsonl. *rows gets how many were written (0: no record has a timeline).
 * Returns an llmb code. */
int llmb_timeline_write(FILE *f, const char *format, const struct llmb_store_record *v, size_t n, size_t *rows);

#endif
