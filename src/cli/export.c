/* export.c - `llmbench export`: any selection of stored results as CSV,
 * JSON, JSON Lines, Markdown or SQL, to stdout or to a file written
 * atomically. Speed tests go through bench's printers, with the fields
 * saying where each result lives in the store (run_id, instance_key,
 * model_sha256, tags, host): JSON and JSONL objects carry every field of the
 * result table (llama-bench's names and meaning where it has them), SQL is
 * llama-bench's llama_bench table plus llmbench_results. Quality tests (ppl, kld, suite) are objects of their own
 * (record_quality.c: "kind", the figures, the answers); CSV and SQL then
 * hold the union of both sets of columns (empty / NULL where a value does
 * not apply) and Markdown a second table. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic_file.h"
#include "output/jvalue.h"
#include "output/printer.h"
#include "cli.h"
#include "llmbench/output.h"
#include "record_quality.h"
#include "signals.h"
#include "store_cli.h"
#include "table.h"

enum { O_FORMAT = 1, O_OUT };

const struct llmb_opt llmb_export_opts[] = {
    {O_FORMAT, "-f,--format", "FMT", "from -o's extension, else json", "csv, json, jsonl, md or sql", LLMB_OPT_STR, 0,
     0, 0, NULL},
    {O_OUT, "-o,--output", "FILE", "stdout", "write to FILE (complete or not at all)", LLMB_OPT_STR, 0, 0, 0, NULL},
    LLMB_STORE_FILTER_OPTS,
    LLMB_STORE_DB_OPTS,
    {0},
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

/* A record's object; answers: a suite's answers too (an array). Speed
 * records: every field of the table, where it lives included. */
static json_t *record_json(const struct llmb_store_record *rec, int answers)
{
    if (!llmb_cli_is_quality(rec))
        return llmb_result_json(&rec->r, 1);
    json_t *o = llmb_cli_quality_json(rec, answers);
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
        json_t *o = record_json(&v[i], 1);
        char *s = o && !llmb_json_escape(o) ? json_dumps(o, DUMP_FLAGS | (lines ? JSON_COMPACT : JSON_INDENT(2)))
                                            : NULL;
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
        char *s = llmb_json_escape(v) ? NULL : json_dumps(v, JSON_COMPACT | DUMP_FLAGS);
        sql_string(f, s ? s : "");
        free(s);
    } else {
        fputs("NULL", f);
    }
}

static int any_quality(const struct llmb_store_record *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (llmb_cli_is_quality(&v[i]))
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
        json_t *o = (*objs)[i] = record_json(&v[i], !flat);
        if (!o) {
            rc = LLMB_E_NOMEM;
            break;
        }
        if (mixed && !llmb_cli_is_quality(&v[i]))
            json_object_set_new(o, "kind", json_string("speed"));
        const char *k;
        json_t *x;
        json_object_foreach(o, k, x) {
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
        fprintf(f, "-- llmbench %s export: %zu results\nBEGIN TRANSACTION;\nCREATE TABLE IF NOT EXISTS "
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

static int csv_cell(FILE *f, json_t *v)
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
                rc = csv_cell(f, json_object_get(objs[i], json_string_value(json_array_get(keys, j))));
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
    static const char *const head[] = {"model", "size", "params", "backend", "threads", "test", "PPL", "KLD",
                                       "top-1", "RMS \xce\x94p", "suite pass", "similarity"};
    struct llmb_table *t = llmb_table_new(12, head, "lrrlrlrrrrrr");
    int rc = t ? LLMB_OK : LLMB_E_NOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        const struct llmb_store_record *rec = &v[i];
        if (!llmb_cli_is_quality(rec))
            continue;
        const struct llmb_result *r = &rec->r;
        const struct llmb_ppl_result *p = &r->ppl;
        int ppl = r->inst.kind != LLMB_WL_SUITE, kld = ppl && p->have_kld;
        struct llmb_suite_tally st;
        llmb_cli_suite_tally(r, &st);
        char size[32], params[32], th[16], pp[64], kl[64], top[64], rms[64], pass[48], sim[32];
        llmb_cli_fmt_bytes(size, sizeof size, (double)r->model.model_size);
        snprintf(params, sizeof params, "%.2f %s", r->model.n_params < 1000000000ull ? r->model.n_params / 1e6
                                                                                       : r->model.n_params / 1e9,
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
        const char *cells[] = {r->model.desc[0] ? r->model.desc : r->model.path, size, params, r->model.backends, th,
                               rec->test, pp, kl, top, rms, pass, sim};
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
        if (!llmb_cli_is_quality(&v[i]))
            plan[pp.n_plan++] = v[i].r.inst;
    struct llmb_printer *p = plan ? llmb_printer_new(format, f, &pp) : NULL;
    int rc = p ? llmb_printer_header(p) : LLMB_E_NOMEM;
    for (size_t i = 0; !rc && i < n; i++)
        if (!llmb_cli_is_quality(&v[i]))
            rc = llmb_printer_row(p, &v[i].r);
    if (!rc)
        rc = llmb_printer_footer(p);
    llmb_printer_free(p);
    free(plan);
    return rc;
}

static int write_all(FILE *f, const char *format, const struct llmb_store_record *v, size_t n)
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
        n_speed += !llmb_cli_is_quality(&v[i]);
    int rc = n_speed ? write_printer(f, format, v, n) : LLMB_OK;
    if (!rc && n_speed && fputc('\n', f) == EOF)
        rc = LLMB_E_IO;
    return rc ? rc : write_md_quality(f, v, n);
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
    int rc = llmb_opt_parse(llmb_export_opts, argc, argv, on_opt, &c, &err);
    if (rc == LLMB_OPT_HELP) {
        llmb_opt_usage(stdout, "llmbench export [filters] [-f FMT] [-o FILE]",
                       "Writes the stored results that match the filters (all when none) as CSV, JSON, JSON Lines,\n"
                       "Markdown or an SQL script.",
                       llmb_export_opts);
        return LLMB_EXIT_OK;
    }
    if (!rc && !c.format)
        c.format = format_of(c.out) ? format_of(c.out) : "json";
    char db[4096];
    if (!rc && c.out && !(rc = llmb_cli_store_path(&c.st, db, sizeof db, &err))) {
        const char *in[] = {db};
        rc = llmb_output_check(c.out, "-o", in, 1, &err);
    }
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
    if (llmb_cli_interrupted()) { /* before the file takes its name */
        llmb_atomic_abort(&af);
        llmb_store_records_free(v, n);
        llmb_store_close(s);
        return llmb_cli_interrupted_exit("%s", c.out ? "nothing was written (the temporary file was removed)"
                                                     : "the output is incomplete");
    }
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
    if (c.out && !af.through)
        fprintf(stderr, "llmbench: wrote %zu results to %s\n", n, c.out);
    return LLMB_EXIT_OK;
}
