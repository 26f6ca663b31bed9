/* records.c - a selection of stored records in every export format (see
 * records.h): speed tests through bench's printers, with the fields saying
 * where each result lives in the store (run_id, instance_key, model_sha256,
 * tags, host): JSON and JSONL objects carry every field of the result table
 * (llama-bench's names and meaning where it has them), SQL is llama-bench's
 * llama_bench table plus llmbench_results. Quality tests (ppl, kld, suite)
 * are objects of their own (record_json.c: "kind", the figures, the
 * answers); CSV and SQL then hold the union of both sets of columns (empty /
 * NULL where a value does not apply) and Markdown a second table. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "jvalue.h"
#include "llmbench/llmbench.h"
#include "llmbench/output.h"
#include "printer.h"
#include "records.h"
#include "table.h"

/* A record's object; answers: a suite's answers too (an array). Speed
 * records: every field of the table, where it lives included. */
json_t *llmb_record_json(const struct llmb_store_record *rec, int answers)
{
    if (!llmb_record_is_quality(rec))
        return llmb_result_json(&rec->r, 1);
    json_t *o = llmb_record_quality_json(rec, answers);
    if (!o)
        return NULL;
    json_object_set_new(o, "run_id", json_integer((json_int_t)rec->run_id));
    json_object_set_new(o, "instance_key", llmb_jstr(rec->instance_key));
    json_object_set_new(o, "model_sha256", llmb_jstr(rec->model_sha256));
    json_object_set_new(o, "tags", llmb_jstr(rec->tags));
    json_object_set_new(o, "host", llmb_jstr(rec->host));
    return o;
}

#define DUMP_FLAGS (JSON_REAL_PRECISION(12) | JSON_ENSURE_ASCII)

static int write_json(FILE *f, const struct llmb_store_record *v, size_t n, int lines)
{
    if (!lines && fputs("[\n", f) < 0)
        return LLMB_E_IO;
    for (size_t i = 0; i < n; i++) {
        json_t *o = llmb_record_json(&v[i], 1);
        char *s =
            o && !llmb_json_escape(o) ? json_dumps(o, DUMP_FLAGS | (lines ? JSON_COMPACT : JSON_INDENT(2))) : NULL;
        json_decref(o);
        if (!s)
            return LLMB_E_NOMEM;
        int bad = fprintf(f, "%s%s%s", !lines && i ? ",\n" : "", s, lines ? "\n" : "") < 0;
        free(s);
        if (bad)
            return LLMB_E_IO;
    }
    return !lines && fputs("\n]\n", f) < 0 ? LLMB_E_IO : LLMB_OK;
}

static void sql_value(FILE *f, json_t *v)
{
    if (json_is_string(v)) {
        llmb_sql_string(f, json_string_value(v));
    } else if (json_is_integer(v)) {
        fprintf(f, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v) && isfinite(json_real_value(v))) {
        fprintf(f, "%.17g", json_real_value(v));
    } else if (json_is_boolean(v)) {
        fputc(json_is_true(v) ? '1' : '0', f);
    } else if (json_is_array(v) || json_is_object(v)) {
        char *s = llmb_json_escape(v) ? NULL : json_dumps(v, JSON_COMPACT | DUMP_FLAGS);
        llmb_sql_string(f, s ? s : "");
        free(s);
    } else {
        fputs("NULL", f);
    }
}

static int any_quality(const struct llmb_store_record *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (llmb_record_is_quality(&v[i]))
            return 1;
    return 0;
}

/* Every record's object (flat: without answers when flat), and the union
 * of their keys in first-seen order (speed tests' keys first when the
 * selection starts with one). With quality records among them, speed
 * objects get "kind": "speed". Returns 0, or LLMB_E_NOMEM. */
static int objects(const struct llmb_store_record *v, size_t n, int flat, json_t ***objs, json_t **keys)
{
    int mixed = any_quality(v, n), rc = LLMB_OK;
    json_t *seen = json_object();
    *keys = json_array();
    *objs = calloc(n ? n : 1, sizeof **objs);
    if (!seen || !*keys || !*objs)
        rc = LLMB_E_NOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        json_t *o = (*objs)[i] = llmb_record_json(&v[i], !flat);
        if (!o) {
            rc = LLMB_E_NOMEM;
            break;
        }
        if (mixed && !llmb_record_is_quality(&v[i]))
            json_object_set_new(o, "kind", json_string("speed"));
        const char *k;
        json_t *x;
        json_object_foreach(o, k, x)
        {
            if (json_object_get(seen, k) || (flat && (json_is_array(x) || json_is_object(x))))
                continue;
            if (json_object_set_new(seen, k, json_true()) || json_array_append_new(*keys, json_string(k)))
                rc = LLMB_E_NOMEM;
        }
    }
    json_decref(seen);
    return rc;
}

static void objects_free(json_t **objs, size_t n, json_t *keys)
{
    for (size_t i = 0; objs && i < n; i++)
        json_decref(objs[i]);
    free(objs);
    json_decref(keys);
}

/* A column's SQL type: from the first record where it is not null. */
static const char *sql_type(json_t **objs, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(objs[i], key);
        if (json_is_integer(v) || json_is_boolean(v))
            return "INTEGER";
        if (json_is_real(v))
            return "REAL";
        if (v && !json_is_null(v))
            return "TEXT";
    }
    return "REAL";
}

static int write_sql(FILE *f, const struct llmb_store_record *v, size_t n)
{
    json_t **objs = NULL, *keys = NULL;
    int rc = objects(v, n, 0, &objs, &keys);
    if (!rc) {
        size_t nk = json_array_size(keys);
        fprintf(f,
                "-- llmbench %s export: %zu results\nBEGIN TRANSACTION;\nCREATE TABLE IF NOT EXISTS "
                "llmbench_results (",
                llmb_version(), n);
        for (size_t j = 0; j < nk; j++) {
            const char *k = json_string_value(json_array_get(keys, j));
            fprintf(f, "%s\n  \"%s\" %s", j ? "," : "", k, sql_type(objs, n, k));
        }
        fputs("\n);\n", f);
        for (size_t i = 0; i < n; i++) {
            fputs("INSERT INTO llmbench_results VALUES (", f);
            for (size_t j = 0; j < nk; j++) { /* a key an object lacks is NULL */
                if (j)
                    fputs(", ", f);
                sql_value(f, json_object_get(objs[i], json_string_value(json_array_get(keys, j))));
            }
            fputs(");\n", f);
        }
        fputs("COMMIT;\n", f);
        rc = ferror(f) ? LLMB_E_IO : LLMB_OK;
    }
    objects_free(objs, n, keys);
    return rc;
}

int llmb_csv_json_cell(FILE *f, json_t *v)
{
    char *s = NULL;
    const char *t = "";
    if (json_is_string(v))
        t = json_string_value(v);
    else if (v && !json_is_null(v))
        t = s = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
    if (!t)
        return LLMB_E_NOMEM;
    int bad = fputc('"', f) == EOF;
    for (; !bad && *t; t++)
        bad = (*t == '"' && fputc('"', f) == EOF) || fputc(*t, f) == EOF;
    bad = bad || fputc('"', f) == EOF;
    free(s);
    return bad ? LLMB_E_IO : LLMB_OK;
}

/* CSV of speed and quality records together: bench's columns, then the
 * quality ones; a cell that does not apply is empty. (Speed records alone
 * go through bench's CSV printer.) */
static int write_csv_mixed(FILE *f, const struct llmb_store_record *v, size_t n)
{
    json_t **objs = NULL, *keys = NULL;
    int rc = objects(v, n, 1, &objs, &keys);
    size_t nk = keys ? json_array_size(keys) : 0;
    for (size_t j = 0; !rc && j < nk; j++)
        if (fprintf(f, "%s%s", j ? "," : "", json_string_value(json_array_get(keys, j))) < 0)
            rc = LLMB_E_IO;
    if (!rc && fputc('\n', f) == EOF)
        rc = LLMB_E_IO;
    for (size_t i = 0; !rc && i < n; i++) {
        for (size_t j = 0; !rc && j < nk; j++) {
            if (j && fputc(',', f) == EOF)
                rc = LLMB_E_IO;
            else
                rc = llmb_csv_json_cell(f, json_object_get(objs[i], json_string_value(json_array_get(keys, j))));
        }
        if (!rc && fputc('\n', f) == EOF)
            rc = LLMB_E_IO;
    }
    objects_free(objs, n, keys);
    return rc;
}

static void cell(char *buf, size_t len, int have, const char *fmt, double a, double b)
{
    if (have && isfinite(a))
        snprintf(buf, len, fmt, a, isfinite(b) ? b : 0);
    else
        snprintf(buf, len, "-");
}

/* Markdown: the quality records as a table of their own ("-" where a value
 * does not apply). */
static int write_md_quality(FILE *f, const struct llmb_store_record *v, size_t n)
{
    static const char *const head[] = {"model", "size", "params", "backend",       "threads",    "test",
                                       "PPL",   "KLD",  "top-1",  "RMS \xce\x94p", "suite pass", "similarity"};
    struct llmb_table *t = llmb_table_new(12, head, "lrrlrlrrrrrr");
    int rc = t ? LLMB_OK : LLMB_E_NOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        const struct llmb_store_record *rec = &v[i];
        if (!llmb_record_is_quality(rec))
            continue;
        const struct llmb_result *r = &rec->r;
        const struct llmb_ppl_result *p = &r->ppl;
        int ppl = r->inst.kind != LLMB_WL_SUITE, kld = ppl && p->have_kld;
        struct llmb_suite_tally st;
        llmb_result_suite_tally(r, &st);
        char size[32], params[32], th[16], pp[64], kl[64], top[64], rms[64], pass[48], sim[32];
        llmb_fmt_bytes(size, sizeof size, (double)r->model.model_size);
        snprintf(params, sizeof params, "%.2f %s",
                 r->model.n_params < 1000000000ull ? r->model.n_params / 1e6 : r->model.n_params / 1e9,
                 r->model.n_params < 1000000000ull ? "M" : "B");
        snprintf(th, sizeof th, "%d", r->applied.n_threads);
        cell(pp, sizeof pp, ppl, "%.4f \xc2\xb1 %.4f", p->ppl, p->ppl_err);
        cell(kl, sizeof kl, kld, "%.6f \xc2\xb1 %.6f", p->kld_mean, p->kld_err);
        cell(top, sizeof top, kld, "%.2f \xc2\xb1 %.2f%%", 100 * p->top1, 100 * p->top1_err);
        cell(rms, sizeof rms, kld, "%.3f \xc2\xb1 %.3f%%", 100 * p->rms_dp, 100 * p->rms_dp_err);
        if (st.checked)
            snprintf(pass, sizeof pass, "%zu/%zu", st.passed, st.checked);
        else
            snprintf(pass, sizeof pass, "-");
        cell(sim, sizeof sim, 1, "%.3f", st.similarity, 0);
        const char *cells[] = {r->model.desc[0] ? r->model.desc : r->model.path,
                               size,
                               params,
                               r->model.backends,
                               th,
                               rec->test,
                               pp,
                               kl,
                               top,
                               rms,
                               pass,
                               sim};
        if (llmb_table_add(t, cells))
            rc = LLMB_E_NOMEM;
    }
    if (!rc && llmb_table_print(t, f))
        rc = LLMB_E_IO;
    llmb_table_free(t);
    return rc;
}

/* bench's printer over the speed records, with where each lives; their
 * instances are the plan Markdown chooses its columns from. */
static int write_printer(FILE *f, const char *format, const struct llmb_store_record *v, size_t n)
{
    struct llmb_instance *plan = calloc(n ? n : 1, sizeof *plan);
    struct llmb_printer_params pp = {.plan = plan, .origin = 1};
    for (size_t i = 0; plan && i < n; i++)
        if (!llmb_record_is_quality(&v[i]))
            plan[pp.n_plan++] = v[i].r.inst;
    struct llmb_printer *p = plan ? llmb_printer_new(format, f, &pp) : NULL;
    int rc = p ? llmb_printer_header(p) : LLMB_E_NOMEM;
    for (size_t i = 0; !rc && i < n; i++)
        if (!llmb_record_is_quality(&v[i]))
            rc = llmb_printer_row(p, &v[i].r);
    if (!rc)
        rc = llmb_printer_footer(p);
    llmb_printer_free(p);
    free(plan);
    return rc;
}

int llmb_records_write(FILE *f, const char *format, const struct llmb_store_record *v, size_t n)
{
    if (!strcmp(format, "json") || !strcmp(format, "jsonl"))
        return write_json(f, v, n, format[4] == 'l');
    if (!any_quality(v, n))
        return write_printer(f, format, v, n);
    if (!strcmp(format, "sql"))
        return write_sql(f, v, n);
    if (!strcmp(format, "csv"))
        return write_csv_mixed(f, v, n);
    size_t n_speed = 0;
    for (size_t i = 0; i < n; i++)
        n_speed += !llmb_record_is_quality(&v[i]);
    int rc = n_speed ? write_printer(f, format, v, n) : LLMB_OK;
    if (!rc && n_speed && fputc('\n', f) == EOF)
        rc = LLMB_E_IO;
    return rc ? rc : write_md_quality(f, v, n);
}
