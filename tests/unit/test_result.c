/* test_result.c - the result field table (src/core/result.c) is the one
 * description of a result: walking the table (never naming a field), every
 * field is a key of bench's JSON and JSON Lines objects, every scalar a
 * CSV column with the same value (unknown: an empty cell, null in JSON), a
 * column of the SQL printer's llmbench_results table (llama-bench's fields,
 * and only they, are the llama_bench table's), a Markdown column when the
 * table says it shows; stored and read back (put_result, query) every field
 * has the value it had, and llama-bench's fields come back through import.
 * A field added to the table is held to all of it with no other edit. The
 * table itself: unique names, llama-bench's fields first and in its order,
 * a getter each, a setter for every field the store or import reads, and a
 * row each in docs/fields.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llmbench/output.h"
#include "llmbench/runner.h"
#include "llmbench/store.h"
#include "output/printer.h"

#define OK(call)                                                                                                     \
    do {                                                                                                             \
        if ((call) != 0)                                                                                             \
            fail_msg("%s: %s", #call, e.msg);                                                                         \
    } while (0)

/* llama-bench's get_fields() of the pinned release, in its order */
static const char *const llama_bench_fields[] = {
    "build_commit", "build_number", "cpu_info", "gpu_info", "backends", "model_filename", "model_type", "model_size",
    "model_n_params", "n_batch", "n_ubatch", "n_threads", "cpu_mask", "cpu_strict", "poll", "type_k", "type_v",
    "n_gpu_layers", "n_cpu_moe", "split_mode", "main_gpu", "no_kv_offload", "flash_attn", "devices", "tensor_split",
    "tensor_buft_overrides", "load_mode", "lazy_mode", "embeddings", "no_op_offload", "no_host", "fit_target",
    "fit_min_ctx", "n_prompt", "n_gen", "n_depth", "test_time", "avg_ns", "stddev_ns", "avg_ts", "stddev_ts",
    "samples_ns", "samples_ts", NULL,
};

static int scalar(const struct llmb_field *f)
{
    return f->type != LLMB_FIELD_INTS && f->type != LLMB_FIELD_FLOATS;
}

static void test_table(void **state)
{
    (void)state;
    size_t n;
    const struct llmb_field *f = llmb_result_fields(&n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        assert_non_null(f[i].name);
        assert_non_null(f[i].get);
        assert_non_null(f[i].doc);
        assert_ptr_equal(llmb_result_field(f[i].name), &f[i]); /* names are unique */
        if (f[i].flags & LLMB_FIELD_LLAMA_BENCH) { /* llama-bench's, first, in its order, under its name */
            assert_int_equal(i, k);
            assert_non_null(llama_bench_fields[k]);
            assert_string_equal(f[i].name, llama_bench_fields[k]);
            assert_string_equal(f[i].llama_bench, f[i].name);
            k++;
        } else {
            assert_null(f[i].llama_bench);
        }
        if (f[i].flags & (LLMB_FIELD_EXTRA | LLMB_FIELD_REQUIRED))
            assert_non_null(f[i].set);
        if (f[i].flags & LLMB_FIELD_KEY)
            assert_non_null(f[i].def);
        if (f[i].md_show != LLMB_MD_NEVER) {
            assert_non_null(f[i].md_name);
            assert_true(f[i].md_width != 0);
        }
    }
    assert_null(llama_bench_fields[k]); /* every one of llama-bench's */
    /* docs/fields.md describes every field */
    FILE *doc = fopen(LLMB_SOURCE_DIR "/docs/fields.md", "r");
    assert_non_null(doc);
    char *text = calloc(1, 1 << 20);
    size_t len = fread(text, 1, (1 << 20) - 1, doc);
    fclose(doc);
    assert_true(len > 0);
    for (size_t i = 0; i < n; i++) {
        char row[96];
        snprintf(row, sizeof row, "\n| `%s` |", f[i].name);
        if (!strstr(text, row))
            fail_msg("docs/fields.md has no row for %s", f[i].name);
    }
    free(text);
}

/* ---- a sweep through every printer and the store ---------------------------------- */

static const char *const formats[] = {"json", "jsonl", "csv", "sql", "md"};
#define N_FORMATS 5

struct sweep {
    struct llmb_printer *pr[N_FORMATS];
    FILE                *f[N_FORMATS];
    char                *text[N_FORMATS];
    size_t               len[N_FORMATS];
    struct llmb_store   *store;
    int64_t              run;
    json_t              *objs; /* llmb_result_json of each result */
};

static int on_result(const struct llmb_result *r, void *user)
{
    struct sweep *s = user;
    struct llmb_error e = {0};
    for (int i = 0; i < N_FORMATS; i++)
        assert_int_equal(llmb_printer_row(s->pr[i], r), 0);
    OK(llmb_store_put_result(s->store, s->run, r, &e));
    json_array_append_new(s->objs, llmb_result_json(r, 0));
    return 0;
}

/* Every parameter away from llama-bench's default, a test listed twice. */
static const char *const sweep_args[][2] = {
    {"-p", "16,16"}, {"-n", "4"}, {"-pg", "8,2"}, {"-d", "8"}, {"-b", "64"}, {"-ub", "32"}, {"-ctk", "q8_0"},
    {"-ctv", "q4_0"}, {"-t", "1,2"}, {"-ngl", "0"}, {"-fa", "1"}, {"-C", "0x3"}, {"--cpu-strict", "1"},
    {"--poll", "10"}, {"-ncmoe", "1"}, {"-sm", "row"}, {"-mg", "1"}, {"-nkvo", "1"}, {"-dev", "none"},
    {"-ts", "1/1"}, {"-ot", "x=CPU"}, {"-lm", "mmap"}, {"-lzm", "on"}, {"-embd", "1"}, {"-nopo", "1"},
    {"--no-host", "1"}, {"-fitt", "64"}, {"-fitc", "32"},
};

static void parse(struct llmb_bench_params *p)
{
    struct llmb_error e = {0};
    memset(p, 0, sizeof *p);
    OK(llmb_plan_parse_strs("null:pp_us=1:tg_us=10", &p->models, &e));
    for (size_t i = 0; i < sizeof sweep_args / sizeof sweep_args[0]; i++) {
        const char *f = sweep_args[i][0], *v = sweep_args[i][1];
        if (!strcmp(f, "-p"))
            OK(llmb_plan_parse_ints(v, 0, &p->n_prompt, &e));
        else if (!strcmp(f, "-n"))
            OK(llmb_plan_parse_ints(v, 0, &p->n_gen, &e));
        else if (!strcmp(f, "-pg"))
            OK(llmb_plan_parse_pg(v, &p->pg, &e));
        else if (!strcmp(f, "-d"))
            OK(llmb_plan_parse_ints(v, 0, &p->n_depth, &e));
        else if (!strcmp(f, "-b"))
            OK(llmb_plan_parse_ints(v, 0, &p->n_batch, &e));
        else if (!strcmp(f, "-ub"))
            OK(llmb_plan_parse_ints(v, 0, &p->n_ubatch, &e));
        else if (!strcmp(f, "-ctk"))
            OK(llmb_plan_parse_strs(v, &p->type_k, &e));
        else if (!strcmp(f, "-ctv"))
            OK(llmb_plan_parse_strs(v, &p->type_v, &e));
        else if (!strcmp(f, "-t"))
            OK(llmb_plan_parse_ints(v, 0, &p->n_threads, &e));
        else if (!strcmp(f, "-ngl"))
            OK(llmb_plan_parse_ints(v, -1, &p->n_gpu_layers, &e));
        else if (!strcmp(f, "-fa"))
            OK(llmb_plan_parse_fa(v, &p->flash_attn, &e));
        else if (!strcmp(f, "-C"))
            OK(llmb_plan_parse_cpu_masks(v, &p->cpu_mask, &e));
        else if (!strcmp(f, "--cpu-strict"))
            OK(llmb_plan_parse_bools(v, &p->cpu_strict, &e));
        else if (!strcmp(f, "--poll"))
            OK(llmb_plan_parse_ints(v, 0, &p->poll, &e));
        else if (!strcmp(f, "-ncmoe"))
            OK(llmb_plan_parse_ints(v, 0, &p->n_cpu_moe, &e));
        else if (!strcmp(f, "-sm"))
            OK(llmb_plan_parse_modes(v, llmb_split_mode_parse, "a split mode", &p->split_mode, &e));
        else if (!strcmp(f, "-mg"))
            OK(llmb_plan_parse_ints(v, 0, &p->main_gpu, &e));
        else if (!strcmp(f, "-nkvo"))
            OK(llmb_plan_parse_bools(v, &p->no_kv_offload, &e));
        else if (!strcmp(f, "-dev"))
            OK(llmb_plan_parse_devices(v, &p->devices, &e));
        else if (!strcmp(f, "-ts"))
            OK(llmb_plan_parse_tensor_splits(v, &p->tensor_split, &e));
        else if (!strcmp(f, "-ot"))
            OK(llmb_plan_parse_overrides(v, &p->tensor_buft_overrides, &e));
        else if (!strcmp(f, "-lm"))
            OK(llmb_plan_parse_modes(v, llmb_load_mode_parse, "a load mode", &p->load_mode, &e));
        else if (!strcmp(f, "-lzm"))
            OK(llmb_plan_parse_modes(v, llmb_lazy_mode_parse, "a lazy mode", &p->lazy_mode, &e));
        else if (!strcmp(f, "-embd"))
            OK(llmb_plan_parse_bools(v, &p->embeddings, &e));
        else if (!strcmp(f, "-nopo"))
            OK(llmb_plan_parse_bools(v, &p->no_op_offload, &e));
        else if (!strcmp(f, "--no-host"))
            OK(llmb_plan_parse_bools(v, &p->no_host, &e));
        else if (!strcmp(f, "-fitt"))
            OK(llmb_plan_parse_counts(v, &p->fit_target, &e));
        else if (!strcmp(f, "-fitc"))
            OK(llmb_plan_parse_counts(v, &p->fit_min_ctx, &e));
        else
            fail_msg("flag %s", f);
    }
    OK(llmb_bench_params_defaults(p, 2));
}

/* A JSON value as llama-bench's CSV/SQL text ("" for null). */
static void text_of(const struct llmb_field *f, json_t *v, char *buf, size_t len)
{
    if (!v || json_is_null(v))
        snprintf(buf, len, "%s", "");
    else if (json_is_string(v))
        snprintf(buf, len, "%s", json_string_value(v));
    else if (json_is_boolean(v))
        snprintf(buf, len, "%d", json_is_true(v));
    else if (json_is_integer(v))
        snprintf(buf, len, "%lld", (long long)json_integer_value(v));
    else
        snprintf(buf, len, "%f", json_real_value(v));
    (void)f;
}

/* a and b are the same value, numbers to tol relative */
static int close_to(json_t *a, json_t *b, double tol)
{
    if (json_is_number(a) && json_is_number(b)) {
        double x = json_number_value(a), y = json_number_value(b);
        return x == y || fabs(x - y) <= tol * fmax(fabs(x), fabs(y));
    }
    if (json_is_array(a) && json_is_array(b) && json_array_size(a) == json_array_size(b)) {
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!close_to(json_array_get(a, i), json_array_get(b, i), tol))
                return 0;
        return 1;
    }
    return json_equal(a, b);
}

/* the same, but for the rounding of doubles (the store keeps statistics as doubles, JSON 12 digits) */
static int same(json_t *a, json_t *b)
{
    return close_to(a, b, 1e-9);
}

static char *csv_cell(char **p)
{
    static char cell[2048];
    size_t n = 0;
    if (**p == '"') {
        for ((*p)++; **p && !(**p == '"' && (*p)[1] != '"'); (*p)++) {
            if (**p == '"')
                (*p)++;
            cell[n++] = **p;
        }
        (*p)++;
    } else {
        while (**p && **p != ',' && **p != '\n')
            cell[n++] = *(*p)++;
    }
    if (**p == ',')
        (*p)++;
    cell[n] = 0;
    return cell;
}

static void test_every_format_and_the_store(void **state)
{
    (void)state;
    struct llmb_error e = {0};
    char dir[] = "/tmp/llmb_result_XXXXXX", db[128], path[160];
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/r.db", dir);
    struct llmb_bench_params bp;
    parse(&bp);
    struct llmb_instance *v;
    size_t n_inst;
    OK(llmb_plan_expand(&bp, &v, &n_inst, &e));
    assert_int_equal(n_inst, 8); /* pp16 twice, tg4, pp8+tg2; two thread counts */
    struct sweep s;
    memset(&s, 0, sizeof s);
    s.objs = json_array();
    struct llmb_printer_params pp = {.plan = v, .n_plan = n_inst};
    for (int i = 0; i < N_FORMATS; i++) {
        assert_non_null(s.f[i] = open_memstream(&s.text[i], &s.len[i]));
        assert_non_null(s.pr[i] = llmb_printer_new(formats[i], s.f[i], &pp));
        assert_int_equal(llmb_printer_header(s.pr[i]), 0);
    }
    OK(llmb_store_open(db, NULL, &s.store, &e));
    struct llmb_run_info ri = {.command = "test", .n_planned = n_inst};
    OK(llmb_store_begin_run(s.store, &ri, &s.run, &e));
    struct llmb_run_params rp = llmb_run_default_params();
    rp.reps = 2;
    struct llmb_runner_hooks h = {.on_result = on_result, .user = &s};
    OK(llmb_runner_run(llmb_engine_find("null"), v, n_inst, &rp, &h, &e));
    for (int i = 0; i < N_FORMATS; i++) {
        assert_int_equal(llmb_printer_footer(s.pr[i]), 0);
        llmb_printer_free(s.pr[i]);
        fclose(s.f[i]);
    }
    size_t nf;
    const struct llmb_field *f = llmb_result_fields(&nf);
    json_t *objs = s.objs;
    assert_int_equal(json_array_size(objs), n_inst);

    /* JSON and JSON Lines: every field but the store's own, in every object */
    json_t *arr = json_loads(s.text[0], 0, NULL);
    assert_true(json_is_array(arr));
    char *save = NULL, *line = strtok_r(s.text[1], "\n", &save);
    for (size_t r = 0; r < n_inst; r++, line = strtok_r(NULL, "\n", &save)) {
        assert_non_null(line);
        json_t *jl = json_loads(line, 0, NULL), *ja = json_array_get(arr, r);
        for (size_t i = 0; i < nf; i++) {
            int want = !(f[i].flags & LLMB_FIELD_ORIGIN);
            if (!!json_object_get(ja, f[i].name) != want || !!json_object_get(jl, f[i].name) != want)
                fail_msg("JSON/JSONL row %zu: field %s %s", r, f[i].name, want ? "missing" : "present");
            json_t *x = json_object_get(json_array_get(objs, r), f[i].name);
            if (want && (!same(json_object_get(ja, f[i].name), x) || !same(json_object_get(jl, f[i].name), x)))
                fail_msg("JSON/JSONL row %zu: field %s differs from the result's", r, f[i].name);
        }
        json_decref(jl);
    }

    /* CSV: a column per scalar field, its value the JSON's as llama-bench writes it */
    char *p = s.text[2], header[256][64];
    int ncol = 0;
    for (char *c; *p != '\n' && ncol < 256;) {
        c = csv_cell(&p);
        snprintf(header[ncol++], sizeof header[0], "%s", c);
    }
    p++;
    int col = 0;
    for (size_t i = 0; i < nf; i++) {
        if (!scalar(&f[i]) || (f[i].flags & LLMB_FIELD_ORIGIN))
            continue;
        if (col >= ncol || strcmp(header[col], f[i].name))
            fail_msg("CSV column %d is '%s', not %s", col, col < ncol ? header[col] : "", f[i].name);
        col++;
    }
    assert_int_equal(col + 1, ncol); /* and last, the names of non-finite numbers (jvalue.h) */
    assert_string_equal(header[col], "nonfinite");
    for (size_t r = 0; r < n_inst; r++) {
        col = 0;
        for (size_t i = 0; i < nf; i++) {
            if (!scalar(&f[i]) || (f[i].flags & LLMB_FIELD_ORIGIN))
                continue;
            char want[2048], *got = csv_cell(&p);
            text_of(&f[i], json_object_get(json_array_get(objs, r), f[i].name), want, sizeof want);
            if (strcmp(got, want))
                fail_msg("CSV row %zu %s: '%s', want '%s'", r, f[i].name, got, want);
            col++;
        }
        assert_string_equal(csv_cell(&p), ""); /* every number here is finite */
        assert_int_equal(*p, '\n');
        p++;
    }

    /* SQL: llama_bench holds llama-bench's scalar fields and no other, llmbench_results every field */
    sqlite3 *sq;
    assert_int_equal(sqlite3_open(":memory:", &sq), SQLITE_OK);
    char *emsg = NULL;
    if (sqlite3_exec(sq, s.text[3], NULL, NULL, &emsg) != SQLITE_OK)
        fail_msg("SQL: %s", emsg);
    const char *tables[] = {"llama_bench", "llmbench_results"};
    for (int t = 0; t < 2; t++) {
        for (size_t i = 0; i < nf; i++) {
            char q[256];
            snprintf(q, sizeof q, "SELECT count(*) FROM pragma_table_info('%s') WHERE name = '%s'", tables[t],
                     f[i].name);
            sqlite3_stmt *st;
            assert_int_equal(sqlite3_prepare_v2(sq, q, -1, &st, NULL), SQLITE_OK);
            assert_int_equal(sqlite3_step(st), SQLITE_ROW);
            int have = sqlite3_column_int(st, 0), want = t ? !(f[i].flags & LLMB_FIELD_ORIGIN)
                                                           : (f[i].flags & LLMB_FIELD_LLAMA_BENCH) && scalar(&f[i]);
            sqlite3_finalize(st);
            if (have != want)
                fail_msg("SQL table %s: column %s %s", tables[t], f[i].name, want ? "missing" : "present");
            if (!have || !scalar(&f[i]))
                continue;
            snprintf(q, sizeof q, "SELECT %s FROM %s ORDER BY rowid", f[i].name, tables[t]);
            assert_int_equal(sqlite3_prepare_v2(sq, q, -1, &st, NULL), SQLITE_OK);
            for (size_t r = 0; sqlite3_step(st) == SQLITE_ROW; r++) {
                char want_text[2048];
                const unsigned char *got = sqlite3_column_text(st, 0);
                json_t *jv = json_object_get(json_array_get(objs, r), f[i].name);
                text_of(&f[i], jv, want_text, sizeof want_text);
                if (json_is_real(jv)) {
                    if (fabs(sqlite3_column_double(st, 0) - json_real_value(jv)) > 1e-6 * fabs(json_real_value(jv)))
                        fail_msg("SQL %s row %zu %s", tables[t], r, f[i].name);
                } else if (strcmp(got ? (const char *)got : "", want_text)) {
                    fail_msg("SQL %s row %zu %s: '%s', want '%s'", tables[t], r, f[i].name, got ? (char *)got : "",
                             want_text);
                }
            }
            sqlite3_finalize(st);
        }
    }
    sqlite3_close(sq);

    /* Markdown: a column for every field the table shows (this sweep changes every parameter) */
    char *head = s.text[4], cols[64][64];
    int nmd = 0;
    *strchr(head, '\n') = 0;
    for (char *c = strtok_r(head, "|", &save); c && nmd < 64; c = strtok_r(NULL, "|", &save)) {
        while (*c == ' ')
            c++;
        size_t l = strlen(c);
        while (l && c[l - 1] == ' ')
            l--;
        snprintf(cols[nmd++], sizeof cols[0], "%.*s", (int)l, c);
    }
    for (size_t i = 0; i < nf; i++) {
        if (f[i].md_show == LLMB_MD_NEVER)
            continue;
        int shown = f[i].md_show == LLMB_MD_ALWAYS || f[i].md_show == LLMB_MD_CHANGED ||
                    f[i].md_show == LLMB_MD_CHANGED_OR_CPU, /* null engine: a CPU backend, fixed repetitions */
            found = 0;
        for (int k = 0; k < nmd; k++)
            found |= !strcmp(cols[k], f[i].md_name);
        if (shown != found)
            fail_msg("Markdown: column '%s' %s", f[i].md_name, shown ? "missing" : "present");
    }

    /* the store: every field read back as it was; where it lives as well */
    llmb_store_end_run(s.store, s.run, LLMB_RUN_COMPLETE, &e);
    struct llmb_store_record *recs;
    size_t nr;
    OK(llmb_store_query(s.store, NULL, &recs, &nr, &e));
    assert_int_equal(nr, n_inst);
    for (size_t r = 0; r < nr; r++) {
        json_t *back = llmb_result_json(&recs[r].r, 1), *orig = json_array_get(objs, r);
        for (size_t i = 0; i < nf; i++) {
            json_t *a = json_object_get(orig, f[i].name), *b = json_object_get(back, f[i].name);
            int origin = (f[i].flags & LLMB_FIELD_ORIGIN) != 0; /* known once stored */
            if (!b || json_is_null(b) != (origin ? 0 : json_is_null(a)))
                fail_msg("store row %zu: %s is %s", r, f[i].name, b ? (json_is_null(b) ? "null" : "known") : "missing");
            if (a && !same(a, b))
                fail_msg("store row %zu: %s changed: %s -> %s", r, f[i].name, json_dumps(a, JSON_ENCODE_ANY),
                         json_dumps(b, JSON_ENCODE_ANY));
        }
        json_decref(back);
    }

    /* export -> import: llama-bench's fields (those import reads) come back */
    snprintf(path, sizeof path, "%s/e.json", dir);
    FILE *ef = fopen(path, "w");
    struct llmb_printer_params ep = {.origin = 1};
    struct llmb_printer *pr = llmb_printer_new("json", ef, &ep);
    assert_int_equal(llmb_printer_header(pr), 0);
    for (size_t r = 0; r < nr; r++)
        assert_int_equal(llmb_printer_row(pr, &recs[r].r), 0);
    assert_int_equal(llmb_printer_footer(pr), 0);
    llmb_printer_free(pr);
    fclose(ef);
    struct llmb_import im;
    OK(llmb_store_import_llama_bench(path, &im, &e));
    assert_int_equal(im.n, nr);
    for (size_t r = 0; r < im.n; r++) {
        json_t *in = llmb_result_json(&im.results[r], 0), *orig = json_array_get(objs, r);
        double ts = json_number_value(json_object_get(orig, "avg_ts"));
        for (size_t i = 0; i < nf; i++) {
            json_t *a = json_object_get(orig, f[i].name), *b = json_object_get(in, f[i].name);
            if (!(f[i].flags & LLMB_FIELD_LLAMA_BENCH))
                continue;
            /* statistics are recomputed from samples_ts as JSON wrote them (12 digits) */
            if (f[i].type == LLMB_FIELD_FLOAT ? fabs(json_number_value(a) - json_number_value(b)) > 1e-6 * ts
                                              : !close_to(a, b, 1e-9))
                fail_msg("import row %zu: %s changed", r, f[i].name);
        }
        json_decref(in);
    }
    llmb_store_import_free(&im);
    llmb_store_records_free(recs, nr);
    llmb_store_close(s.store);
    json_decref(arr);
    json_decref(objs);
    for (int i = 0; i < N_FORMATS; i++)
        free(s.text[i]);
    free(v);
    llmb_bench_params_free(&bp);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Unknown is null / empty / "-", never 0: a result of which nothing was measured. */
static void test_unknown(void **state)
{
    (void)state;
    struct llmb_result r;
    memset(&r, 0, sizeof r);
    llmb_instance_init(&r.inst);
    r.inst.model = "m.gguf";
    r.error = "worker killed by signal 9";
    json_t *o = llmb_result_json(&r, 0);
    const char *unknown[] = {"model_size", "model_n_params", "avg_ns", "avg_ts", "stddev_ts", "file_size", "bpw",
                             "n_ctx", "applied_n_batch", "load_ms", "peak_rss_bytes", "median_ts", "ci95_lo_ts",
                             "pp_avg_ts", "tg_avg_ts", "ttft_avg_ms", "stop_reason", NULL};
    for (int i = 0; unknown[i]; i++)
        if (!json_is_null(json_object_get(o, unknown[i])))
            fail_msg("%s of an unmeasured result is not null", unknown[i]);
    assert_string_equal(json_string_value(json_object_get(o, "error")), "worker killed by signal 9");
    json_decref(o);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct llmb_printer *p = llmb_printer_new("md", f, NULL);
    llmb_printer_row(p, &r);
    llmb_printer_free(p);
    fclose(f);
    assert_non_null(strstr(buf, "FAILED: worker killed by signal 9"));
    assert_non_null(strstr(buf, "|          - |")); /* size, params, ttft, RSS */
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_every_format_and_the_store),
        cmocka_unit_test(test_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
