/* test_store_import.c - llama-bench import (src/store/import_llama_bench.c):
 * real -o json and -o jsonl files (tests/fixtures/llama-bench, written by
 * llama-bench on stories260K) read back with their values, stored as one
 * run; files that are not that format refused with a line naming the
 * object/line and field, filling nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llmbench/store.h"

#define OK(call)                                                                                                     \
    do {                                                                                                             \
        if ((call) != 0)                                                                                             \
            fail_msg("%s: %s", #call, e.msg);                                                                         \
    } while (0)

static char fixtures[1024];

static const char *fixture(const char *name)
{
    static char buf[1200];
    snprintf(buf, sizeof buf, "%s/%s", fixtures, name);
    return buf;
}

static void check_fixture(const struct llmb_import *im)
{
    assert_int_equal(im->n, 2);
    const struct llmb_result *pp = &im->results[0], *tg = &im->results[1];
    assert_int_equal(pp->inst.n_prompt, 16);
    assert_int_equal(pp->inst.n_gen, 0);
    assert_int_equal(tg->inst.n_prompt, 0);
    assert_int_equal(tg->inst.n_gen, 4);
    assert_int_equal(pp->inst.n_batch, 2048);
    assert_int_equal(pp->inst.n_ubatch, 512);
    assert_int_equal(pp->inst.n_gpu_layers, -1);
    assert_int_equal(pp->inst.flash_attn, -1);
    assert_string_equal(pp->inst.type_k, "f16");
    assert_string_equal(pp->inst.model, "/work/shared/data/stories260K.gguf");
    assert_string_equal(pp->model.desc, "llama ?B (guessed) all F32");
    assert_string_equal(pp->model.arch, "llama");
    assert_string_equal(pp->model.quant, "all F32");
    assert_int_equal(pp->model.model_size, 1171200);
    assert_int_equal(pp->model.n_params, 292800);
    assert_true(fabs(pp->model.bpw - 32.0) < 1e-9);
    assert_string_equal(pp->model.backends, "CPU");
    assert_int_equal(pp->n_samples, 3);
    assert_true(pp->total_ns[0] > 0 && pp->pp_ns[0] == pp->total_ns[0] && pp->tg_ns[0] == 0);
    assert_true(tg->tg_ns[0] == tg->total_ns[0] && tg->pp_ns[0] == 0);
    assert_int_equal(pp->ts.n, 3);
    assert_int_equal(pp->pp_ts.n, 3);
    assert_int_equal(pp->tg_ts.n, 0);
    assert_int_equal(tg->tg_ts.n, 3);
    assert_int_equal(pp->ttft_ms.n, 0);
    /* t/s from samples_ns lies within llama-bench's samples_ts (rounded to 0.1) */
    double ts0 = 1e9 * 16 / (double)pp->total_ns[0];
    assert_true(ts0 >= pp->ts.min * (1 - 1e-4) && ts0 <= pp->ts.max * (1 + 1e-4));
    assert_string_equal(im->build_commit, "de3ff81");
    assert_true(im->started_at[0] == '2');
    assert_int_equal(strlen(im->file_sha256), 64);
    assert_string_equal(im->hw.backends, "CPU");
}

static void test_json_and_jsonl(void **state)
{
    (void)state;
    struct llmb_import a, b;
    struct llmb_error e = {0};
    OK(llmb_store_import_llama_bench(fixture("stories260K-p16-n4-r3.json"), &a, &e));
    check_fixture(&a);
    OK(llmb_store_import_llama_bench(fixture("stories260K-p16-n4-r3.jsonl"), &b, &e));
    check_fixture(&b);
    assert_string_not_equal(a.file_sha256, b.file_sha256);
    /* avg_ts as llama-bench wrote it is the mean of its samples_ts */
    double want = 0;
    for (size_t i = 0; i < a.results[1].n_samples; i++)
        want += 1e9 * 4 / (double)a.results[1].total_ns[i];
    want /= (double)a.results[1].n_samples;
    assert_true(fabs(a.results[1].ts.mean - want) / want < 1e-3);
    llmb_store_import_free(&a);
    llmb_store_import_free(&b);
    llmb_store_import_free(&b); /* zeroed: no-op */
    llmb_store_import_free(NULL);
}

static void test_store_import(void **state)
{
    (void)state;
    char dir[] = "/tmp/llmb_imp_XXXXXX", db[64];
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/r.db", dir);
    struct llmb_store *s;
    struct llmb_error e = {0};
    OK(llmb_store_open(db, NULL, &s, &e));
    struct llmb_import im;
    OK(llmb_store_import_llama_bench(fixture("stories260K-t12-r10.json"), &im, &e));
    assert_int_equal(im.n, 6);
    struct llmb_run_info ri = {.command = "llmbench import x", .tags = "lb", .plan_hash = im.file_sha256,
                               .n_planned = im.n, .source = "llama-bench", .started_at = im.started_at,
                               .build_commit = im.build_commit, .build_number = im.build_number, .hw = &im.hw};
    int64_t run;
    OK(llmb_store_put_run(s, &ri, im.results, im.model_sha256, im.n, &run, &e));
    struct llmb_store_filter f;
    memset(&f, 0, sizeof f);
    OK(llmb_store_filter_set(&f, "plan", im.file_sha256, &e));
    struct llmb_store_run *runs;
    size_t n;
    OK(llmb_store_list_runs(s, &f, &runs, &n, &e));
    assert_int_equal(n, 1);
    assert_int_equal(runs[0].status, LLMB_RUN_COMPLETE);
    assert_string_equal(runs[0].source, "llama-bench");
    assert_string_equal(runs[0].build_commit, "de3ff81");
    assert_string_equal(runs[0].started_at, im.started_at);
    assert_string_equal(runs[0].hw.cpu_name, "AMD EPYC");
    assert_int_equal(runs[0].n_done, 6);
    free(runs);
    struct llmb_store_record *v;
    OK(llmb_store_query(s, NULL, &v, &n, &e));
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(v[i].r.n_samples, 10);
        assert_true(fabs(v[i].r.ts.mean - im.results[i].ts.mean) < 1e-9);
        assert_int_equal(v[i].r.inst.n_threads, im.results[i].inst.n_threads);
        if (!access("/work/shared/data/stories260K.gguf", R_OK)) /* model there: named by content */
            assert_non_null(strstr(v[i].instance_key, "model=sha256:"));
    }
    llmb_store_records_free(v, n);
    llmb_store_import_free(&im);
    llmb_store_close(s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_bad_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/llmb_imp_XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/f", dir);
    /* a good object to break one field at a time */
    const char *good = "{\"build_commit\":\"abc\",\"model_filename\":\"m.gguf\",\"model_type\":\"llama 1B Q4_0\","
                       "\"model_size\":10,\"model_n_params\":20,\"n_batch\":2048,\"n_ubatch\":512,\"n_threads\":4,"
                       "\"type_k\":\"f16\",\"type_v\":\"f16\",\"n_gpu_layers\":99,\"flash_attn\":false,"
                       "\"n_prompt\":0,\"n_gen\":4,\"n_depth\":0,\"test_time\":\"2024-01-01T00:00:00Z\","
                       "\"avg_ns\":2000,\"stddev_ns\":0,\"avg_ts\":2000000.0,\"stddev_ts\":0.0,"
                       "\"samples_ns\":[2000,2000],\"samples_ts\":[2000000.0,2000000.0]}";
    char buf[4096];
    const struct {
        const char *from, *to, *want;
    } breaks[] = {
        {"\"avg_ts\":2000000.0,", "", "object 1: field 'avg_ts' is missing"},
        {"\"n_threads\":4", "\"n_threads\":\"4\"", "field 'n_threads' is not a whole number"},
        {"\"n_threads\":4", "\"n_threads\":0", "field 'n_threads' is out of range"},
        {"\"model_type\":\"llama 1B Q4_0\"", "\"model_type\":7", "field 'model_type' is not a string"},
        {"\"flash_attn\":false", "\"flash_attn\":\"yes\"", "field 'flash_attn' is not a whole number or boolean"},
        {"[2000,2000]", "[2000]", "samples_ns and samples_ts differ in length"},
        {"[2000,2000]", "[]", "not a non-empty array"},
        {"[2000,2000]", "[2000,-1]", "samples_ns' holds a value"},
        {"\"avg_ns\":2000", "\"avg_ns\":5000", "avg_ns is not the mean of samples_ns"},
        {"\"n_gen\":4", "\"n_gen\":0", "n_prompt and n_gen are both 0"},
    };
    struct llmb_import im;
    struct llmb_error e = {0};
    for (size_t i = 0; i < sizeof breaks / sizeof breaks[0]; i++) {
        const char *at = strstr(good, breaks[i].from);
        assert_non_null(at);
        snprintf(buf, sizeof buf, "[%.*s%s%s]", (int)(at - good), good, breaks[i].to, at + strlen(breaks[i].from));
        FILE *f = fopen(path, "w");
        fputs(buf, f);
        fclose(f);
        memset(&im, 0x55, sizeof im);
        assert_int_not_equal(llmb_store_import_llama_bench(path, &im, &e), 0);
        if (!strstr(e.msg, breaks[i].want))
            fail_msg("case %zu: '%s' lacks '%s'", i, e.msg, breaks[i].want);
        assert_null(im.results);
        assert_int_equal(im.n, 0);
    }
    /* the good object alone parses, as an array, as one object, and as JSON Lines */
    const char *forms[] = {"[%s]", "%s", "%s\n%s\n"};
    for (size_t i = 0; i < 3; i++) {
        FILE *f = fopen(path, "w");
        fprintf(f, forms[i], good, good);
        fclose(f);
        OK(llmb_store_import_llama_bench(path, &im, &e));
        assert_int_equal(im.n, i == 2 ? 2 : 1);
        assert_int_equal(im.results[0].inst.flash_attn, 0);
        assert_string_equal(im.results[0].model.quant, "Q4_0");
        assert_true(fabs(im.results[0].tg_ts.mean - 2e6) < 1e-6);
        llmb_store_import_free(&im);
    }
    const struct {
        const char *content, *want;
    } files[] = {
        {"hello, not json\n", "line 1: not JSON"},
        {"", "holds no results"},
        {"[]", "holds no results"},
        {"42", "line 1: not JSON"},
        {"\"text\"\n", "line 1: not JSON"},
        {"[1, 2]", "object 1: not a JSON object"},
        {"{\"a\": 1}\n{\"b\": 2}\n", "line 1: field 'build_commit' is missing"},
        {"build_commit,model_filename\nabc,m.gguf\n", "line 1: not JSON"},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        FILE *f = fopen(path, "w");
        fputs(files[i].content, f);
        fclose(f);
        assert_int_not_equal(llmb_store_import_llama_bench(path, &im, &e), 0);
        if (!strstr(e.msg, files[i].want))
            fail_msg("file %zu: '%s' lacks '%s'", i, e.msg, files[i].want);
        assert_non_null(strstr(e.msg, path));
    }
    /* a bad second line names that line */
    FILE *f = fopen(path, "w");
    fprintf(f, "%s\n\n{\"oops\": \n", good);
    fclose(f);
    assert_int_not_equal(llmb_store_import_llama_bench(path, &im, &e), 0);
    assert_non_null(strstr(e.msg, "line 3: not JSON"));
    f = fopen(path, "wb");
    fwrite("[\0\1\2]", 1, 5, f);
    fclose(f);
    assert_int_not_equal(llmb_store_import_llama_bench(path, &im, &e), 0);
    assert_non_null(strstr(e.msg, "binary data"));
    assert_int_not_equal(llmb_store_import_llama_bench(dir, &im, &e), 0);
    assert_non_null(strstr(e.msg, "not a regular file"));
    snprintf(path, sizeof path, "%s/missing.json", dir);
    assert_int_not_equal(llmb_store_import_llama_bench(path, &im, &e), 0);
    assert_non_null(strstr(e.msg, "No such file"));
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    snprintf(fixtures, sizeof fixtures, "%s", __FILE__);
    char *slash = strrchr(fixtures, '/');
    snprintf(slash ? slash : fixtures, sizeof fixtures - (size_t)(slash ? slash - fixtures : 0),
             "/../fixtures/llama-bench");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_and_jsonl),
        cmocka_unit_test(test_store_import),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
