/* export.c - `llmbench export`: any selection of stored results as CSV,
 * JSON, JSON Lines, Markdown or SQL, to stdout or to a file written
 * atomically. CSV and Markdown are exactly what `bench` writes; JSON and
 * JSONL objects carry bench's (llama-bench's) field names plus where the
 * result lives in the store (run_id, instance_key, model_sha256, tags,
 * host); SQL is a script that recreates them as one table in any database. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/atomic_file.h"
#include "../output/printer.h"
#include "cli.h"
#include "llmbench/output.h"
#include "store_cli.h"

enum { O_FORMAT = 1, O_OUT };

static const struct llmb_opt export_opts[] = {
    {O_FORMAT, "-f,--format", "FMT", "from -o's extension, else json", "csv, json, jsonl, md or sql"},
    {O_OUT, "-o,--output", "FILE", "stdout", "write to FILE (complete or not at all)"},
    LLMB_STORE_FILTER_OPTS,
    LLMB_STORE_DB_OPTS,
    {0, NULL, NULL, NULL, NULL},
};

static const char *const formats[] = {"csv", "json", "jsonl", "md", "sql", NULL};

struct export_cli {
    struct llmb_cli_store st;
    const char           *format;
    const char           *out;
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct export_cli *c = user;
    int rc;
    if (llmb_cli_store_opt(&c->st, id, name, v, &rc, err))
        return rc;
    switch (id) {
    case -1: return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (filters are flags: see --help)", v);
    case O_FORMAT:
        for (int i = 0; formats[i]; i++)
            if (!strcmp(v, formats[i])) {
                c->format = v;
                return LLMB_OK;
            }
        return llmb_error_set(err, LLMB_E_INVAL, "%s: unknown format '%s' (csv, json, jsonl, md, sql)", name, v);
    case O_OUT: c->out = v; return LLMB_OK;
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

/* The format -o's extension names, or NULL. */
static const char *format_of(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    for (int i = 0; dot && formats[i]; i++)
        if (!strcmp(dot + 1, formats[i]))
            return formats[i];
    return NULL;
}

static json_t *record_json(const struct llmb_store_record *rec)
{
    json_t *o = llmb_result_json(&rec->r);
    if (!o)
        return NULL;
    json_object_set_new(o, "run_id", json_integer((json_int_t)rec->run_id));
    json_object_set_new(o, "instance_key", json_string(rec->instance_key));
    json_object_set_new(o, "model_sha256", json_string(rec->model_sha256));
    json_object_set_new(o, "tags", json_string(rec->tags));
    json_object_set_new(o, "host", json_string(rec->host));
    return o;
}

#define DUMP_FLAGS (JSON_REAL_PRECISION(12) | JSON_ENSURE_ASCII)

static int write_json(FILE *f, const struct llmb_store_record *v, size_t n, int lines)
{
    if (!lines && fputs("[\n", f) < 0)
        return LLMB_E_IO;
    for (size_t i = 0; i < n; i++) {
        json_t *o = record_json(&v[i]);
        char *s = o ? json_dumps(o, DUMP_FLAGS | (lines ? JSON_COMPACT : JSON_INDENT(2))) : NULL;
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

static void sql_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

static void sql_value(FILE *f, json_t *v)
{
    if (json_is_string(v)) {
        sql_string(f, json_string_value(v));
    } else if (json_is_integer(v)) {
        fprintf(f, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v) && isfinite(json_real_value(v))) {
        fprintf(f, "%.17g", json_real_value(v));
    } else if (json_is_boolean(v)) {
        fputc(json_is_true(v) ? '1' : '0', f);
    } else if (json_is_array(v) || json_is_object(v)) {
        char *s = json_dumps(v, JSON_COMPACT | DUMP_FLAGS);
        sql_string(f, s ? s : "");
        free(s);
    } else {
        fputs("NULL", f);
    }
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
    json_t **objs = calloc(n, sizeof *objs);
    int rc = objs ? LLMB_OK : LLMB_E_NOMEM;
    for (size_t i = 0; !rc && i < n; i++)
        if (!(objs[i] = record_json(&v[i])))
            rc = LLMB_E_NOMEM;
    if (!rc) {
        const char *k;
        json_t *x;
        int first = 1;
        fprintf(f, "-- llmbench %s export: %zu results\nBEGIN TRANSACTION;\nCREATE TABLE IF NOT EXISTS "
                   "llmbench_results (",
                llmb_version(), n);
        json_object_foreach(objs[0], k, x) {
            fprintf(f, "%s\n  \"%s\" %s", first ? "" : ",", k, sql_type(objs, n, k));
            first = 0;
        }
        fputs("\n);\n", f);
        for (size_t i = 0; i < n; i++) {
            fputs("INSERT INTO llmbench_results VALUES (", f);
            first = 1;
            json_object_foreach(objs[0], k, x) { /* every object has the same keys in the same order */
                if (!first)
                    fputs(", ", f);
                sql_value(f, json_object_get(objs[i], k));
                first = 0;
            }
            fputs(");\n", f);
        }
        fputs("COMMIT;\n", f);
        rc = ferror(f) ? LLMB_E_IO : LLMB_OK;
    }
    for (size_t i = 0; objs && i < n; i++)
        json_decref(objs[i]);
    free(objs);
    return rc;
}

static int write_printer(FILE *f, const char *format, const struct llmb_store_record *v, size_t n)
{
    struct llmb_printer *p = llmb_printer_new(format, f, NULL);
    int rc = p ? llmb_printer_header(p) : LLMB_E_NOMEM;
    for (size_t i = 0; !rc && i < n; i++)
        rc = llmb_printer_row(p, &v[i].r);
    if (!rc)
        rc = llmb_printer_footer(p);
    llmb_printer_free(p);
    return rc;
}

static int write_all(FILE *f, const char *format, const struct llmb_store_record *v, size_t n)
{
    if (!strcmp(format, "json") || !strcmp(format, "jsonl"))
        return write_json(f, v, n, format[4] == 'l');
    if (!strcmp(format, "sql"))
        return write_sql(f, v, n);
    return write_printer(f, format, v, n);
}

int llmb_cmd_export(int argc, char **argv)
{
    struct export_cli c;
    memset(&c, 0, sizeof c);
    llmb_cli_store_init(&c.st);
    struct llmb_error err = {0};
    struct llmb_store *s = NULL;
    struct llmb_store_record *v = NULL;
    size_t n = 0;
    struct llmb_atomic_file af;
    memset(&af, 0, sizeof af);
    int rc = llmb_opt_parse(export_opts, argc, argv, on_opt, &c, &err);
    if (rc == LLMB_OPT_HELP) {
        llmb_opt_usage(stdout, "llmbench export [filters] [-f FMT] [-o FILE]",
                       "Writes the stored results that match the filters (all when none) as CSV, JSON, JSON Lines,\n"
                       "Markdown or an SQL script.",
                       export_opts);
        return LLMB_EXIT_OK;
    }
    if (!rc && !c.format)
        c.format = format_of(c.out) ? format_of(c.out) : "json";
    int exit_code = rc ? LLMB_EXIT_USAGE : LLMB_EXIT_FAIL;
    if (!rc && !(rc = llmb_cli_store_open(&c.st, 1, &s, &err)))
        rc = llmb_store_query(s, &c.st.filter, &v, &n, &err);
    if (!rc && n == 0)
        rc = llmb_error_set(&err, LLMB_E_INVAL, "no results match the selection; nothing written");
    FILE *f = stdout;
    if (!rc && c.out && !(rc = llmb_atomic_open(&af, c.out, &err)))
        f = af.f;
    if (!rc && (rc = write_all(f, c.format, v, n)))
        llmb_error_set(&err, rc, "cannot write %s output%s%s", c.format, c.out ? " to " : "", c.out ? c.out : "");
    if (!rc && c.out)
        rc = llmb_atomic_commit(&af, &err);
    if (!rc && !c.out && fflush(stdout))
        rc = llmb_error_set(&err, LLMB_E_IO, "cannot write to stdout");
    llmb_atomic_abort(&af);
    llmb_store_records_free(v, n);
    llmb_store_close(s);
    if (rc) {
        llmb_cli_error("%s", err.msg[0] ? err.msg : llmb_strerror(rc));
        return exit_code;
    }
    if (c.out)
        fprintf(stderr, "llmbench: wrote %zu results to %s\n", n, c.out);
    return LLMB_EXIT_OK;
}
