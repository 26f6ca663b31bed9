/* sql.c - SQL printer: a script for any SQL database. Table llama_bench has
 * exactly llama-bench's columns and types (its -o sql), so `llmbench bench
 * -o sql | sqlite3 llama-bench.sqlite` feeds the same database and tools
 * (scripts/compare-llama-bench.py) as llama-bench, in either order; it
 * holds measured tests only, as llama-bench's does. Table llmbench_results
 * holds every field of the table (result.h), failed tests too, samples as
 * JSON text. Unknown values are NULL. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "printer.h"

static const char *sql_type(const struct llmb_field *f)
{
    switch (f->type) {
    case LLMB_FIELD_INT:
    case LLMB_FIELD_BOOL: return "INTEGER";
    case LLMB_FIELD_FLOAT: return "REAL";
    default: return "TEXT";
    }
}

static int lb_column(const struct llmb_field *f)
{
    return (f->flags & LLMB_FIELD_LLAMA_BENCH) && f->type != LLMB_FIELD_INTS && f->type != LLMB_FIELD_FLOATS;
}

void llmb_sql_string(FILE *out, const char *s)
{
    fputc('\'', out);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', out);
        fputc(*s, out);
    }
    fputc('\'', out);
}

static void put_value(FILE *out, const struct llmb_field *f, const struct llmb_result *r, const struct llmb_value *v)
{
    if (f->type == LLMB_FIELD_INTS || f->type == LLMB_FIELD_FLOATS) {
        json_t *a = llmb_value_json(f, r, v);
        char *s = a ? json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(12)) : NULL;
        if (s)
            llmb_sql_string(out, s);
        else
            fputs("NULL", out);
        free(s);
        json_decref(a);
        return;
    }
    char text[sizeof v->buf + 64];
    llmb_value_text(f, v, text, sizeof text);
    if (!v->known)
        fputs("NULL", out);
    else if (f->type == LLMB_FIELD_FLOAT) /* every digit: the column is REAL (llama-bench's "%f" loses some) */
        fprintf(out, "%.17g", v->d);
    else if (f->type == LLMB_FIELD_STRING)
        llmb_sql_string(out, text);
    else
        fputs(text, out);
}

static int sql_header(struct llmb_printer *p)
{
    size_t n;
    const struct llmb_field *f = llmb_result_fields(&n);
    int first = 1;
    fputs("CREATE TABLE IF NOT EXISTS llama_bench (\n", p->out);
    for (size_t i = 0; i < n; i++)
        if (lb_column(&f[i])) {
            fprintf(p->out, "%s  %s %s", first ? "" : ",\n", f[i].name, sql_type(&f[i]));
            first = 0;
        }
    fputs("\n);\n\nCREATE TABLE IF NOT EXISTS llmbench_results (\n", p->out);
    first = 1;
    for (size_t i = 0; i < n; i++)
        if (llmb_printer_shows(p, &f[i])) {
            fprintf(p->out, "%s  %s %s", first ? "" : ",\n", f[i].name, sql_type(&f[i]));
            first = 0;
        }
    fputs("\n);\n\n", p->out);
    return ferror(p->out) ? LLMB_E_IO : LLMB_OK;
}

/* INSERT INTO table (columns) VALUES (...) of the fields keep() selects. */
static void insert(struct llmb_printer *p, const struct llmb_result *r, const char *table, int lb)
{
    size_t n;
    const struct llmb_field *f = llmb_result_fields(&n);
    int first = 1;
    fprintf(p->out, "INSERT INTO %s (", table);
    for (size_t i = 0; i < n; i++)
        if (lb ? lb_column(&f[i]) : llmb_printer_shows(p, &f[i])) {
            fprintf(p->out, "%s%s", first ? "" : ", ", f[i].name);
            first = 0;
        }
    fputs(") VALUES (", p->out);
    first = 1;
    for (size_t i = 0; i < n; i++)
        if (lb ? lb_column(&f[i]) : llmb_printer_shows(p, &f[i])) {
            struct llmb_value v = {0};
            f[i].get(r, &v);
            if (!first)
                fputs(", ", p->out);
            put_value(p->out, &f[i], r, &v);
            first = 0;
        }
    fputs(");\n", p->out);
}

static int sql_row(struct llmb_printer *p, const struct llmb_result *r)
{
    if (!r->error && r->n_samples > 0)
        insert(p, r, "llama_bench", 1);
    insert(p, r, "llmbench_results", 0);
    return ferror(p->out) ? LLMB_E_IO : LLMB_OK;
}

const struct llmb_printer_ops llmb_printer_sql = {
    .name = "sql", .header = sql_header, .row = sql_row,
};
