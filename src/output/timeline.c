/* timeline.c - export --timeline: every generated token of the stored
 * speed tests with a timeline (samples.token_ns), one row each, as CSV,
 * JSON or JSON Lines. Times are ms from the repetition's start; itl_ms is
 * the gap from the token before (null for the first token: its time is the
 * repetition's TTFT). */
#include <stdlib.h>
#include <string.h>

#include "llmbench/llmbench.h"
#include "records.h"

static const char *const cols[] = {"run_id", "instance_key", "test", "model", "rep", "token", "t_ms", "itl_ms"};
#define N_COLS (sizeof cols / sizeof cols[0])

static json_t *row(const struct llmb_store_record *rec, size_t rep, size_t k)
{
    const struct llmb_result *r = &rec->r;
    size_t n_gen = (size_t)r->inst.n_gen;
    const uint64_t *t = r->token_ns + rep * n_gen;
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = json_object_set_new(o, "run_id", json_integer(rec->run_id)) ||
              json_object_set_new(o, "instance_key", json_string(rec->instance_key)) ||
              json_object_set_new(o, "test", json_string(rec->test)) ||
              json_object_set_new(o, "model", json_string(r->inst.model ? r->inst.model : "")) ||
              json_object_set_new(o, "rep", json_integer((json_int_t)rep + 1)) ||
              json_object_set_new(o, "token", json_integer((json_int_t)k + 1)) ||
              json_object_set_new(o, "t_ms", json_real((double)t[k] / 1e6)) ||
              json_object_set_new(o, "itl_ms", k ? json_real(((double)t[k] - (double)t[k - 1]) / 1e6) : json_null());
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int put(FILE *f, const char *format, json_t *o, size_t at)
{
    if (!strcmp(format, "csv")) {
        int rc = LLMB_OK;
        for (size_t j = 0; !rc && j < N_COLS; j++)
            rc = (j && fputc(',', f) == EOF) ? LLMB_E_IO : llmb_csv_json_cell(f, json_object_get(o, cols[j]));
        return rc || fputc('\n', f) == EOF ? (rc ? rc : LLMB_E_IO) : LLMB_OK;
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    if (!s)
        return LLMB_E_NOMEM;
    int bad = !strcmp(format, "json") ? fprintf(f, "%s\n  %s", at ? "," : "[", s) < 0 : fprintf(f, "%s\n", s) < 0;
    free(s);
    return bad ? LLMB_E_IO : LLMB_OK;
}

int llmb_timeline_write(FILE *f, const char *format, const struct llmb_store_record *v, size_t n, size_t *rows)
{
    int rc = LLMB_OK;
    *rows = 0;
    if (!strcmp(format, "csv"))
        for (size_t j = 0; j < N_COLS; j++)
            if (fprintf(f, "%s%s", j ? "," : "", cols[j]) < 0 || (j + 1 == N_COLS && fputc('\n', f) == EOF))
                rc = LLMB_E_IO;
    for (size_t i = 0; !rc && i < n; i++) {
        const struct llmb_result *r = &v[i].r;
        if (!r->token_ns || r->inst.n_gen <= 0)
            continue;
        for (size_t rep = 0; !rc && rep < r->n_samples; rep++)
            for (size_t k = 0; !rc && k < (size_t)r->inst.n_gen; k++) {
                json_t *o = row(&v[i], rep, k);
                rc = o ? put(f, format, o, *rows) : LLMB_E_NOMEM;
                json_decref(o);
                *rows += !rc;
            }
    }
    if (!rc && !strcmp(format, "json") && fputs(*rows ? "\n]\n" : "[]\n", f) == EOF)
        rc = LLMB_E_IO;
    return rc;
}
