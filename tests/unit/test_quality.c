/* test_quality.c - perplexity, KL divergence reference files, the prompt
 * suite and ROUGE-L (src/workload/), driven through the null engine, whose
 * uniform predictions make every figure known in advance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "llmbench/engine.h"
#include "llmbench/quality.h"

static char dir[128];
static struct llmb_context_info applied; /* what the engine applied (unused) */

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/llmb-test-quality.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static const char *path(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_file(const char *p, const void *data, size_t n)
{
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

/* ~3000 bytes of text: enough for several chunks of 64 with the null engine's byte tokens */
static const char *text_file(void)
{
    static char t[3001];
    for (int i = 0; i < 3000; i++)
        t[i] = (char)('a' + (i * 7) % 26);
    t[3000] = 0;
    const char *p = path("text.txt");
    write_file(p, t, 3000);
    return p;
}

struct eng {
    const struct llmb_engine_ops *e;
    void *st;
    struct llmb_model_info mi;
};

static void open_null(struct eng *g, const char *model)
{
    g->e = llmb_engine_find("null");
    struct llmb_model_params mp = {.path = model};
    struct llmb_error err = {0};
    assert_int_equal(g->e->open(&mp, &g->st, &err), 0);
    assert_int_equal(g->e->describe(g->st, &g->mi), 0);
}

static void test_uniform_ppl(void **state)
{
    (void)state;
    struct eng g;
    open_null(&g, "null:pp_us=0:vocab=100");
    struct llmb_ppl_params p = llmb_ppl_default_params();
    p.text_path = text_file();
    p.n_ctx = 64;
    p.n_batch = 256; /* 4 chunks per pass */
    struct llmb_ppl_result r;
    struct llmb_error err = {0};
    if (llmb_ppl_run(g.e, g.st, &g.mi, &p, &r, &applied, &err))
        fail_msg("%s", err.msg);
    assert_true(fabs(r.ppl - 100.0) < 1e-9);
    assert_true(r.ppl_err < 1e-4); /* rounding only: every token has the same loss */
    assert_int_equal(r.n_ctx, 64);
    assert_int_equal(r.n_seq, 4);
    assert_int_equal(r.n_chunks, 3001 / 64);
    assert_int_equal(r.n_scored, (long)r.n_chunks * (64 - 1 - 32));
    /* at most 2 chunks */
    p.n_chunks = 2;
    assert_int_equal(llmb_ppl_run(g.e, g.st, &g.mi, &p, &r, &applied, &err), 0);
    assert_int_equal(r.n_chunks, 2);
    g.e->close(g.st);
}

static void test_kld_self_and_files(void **state)
{
    (void)state;
    struct eng g;
    open_null(&g, "null:pp_us=0:vocab=100");
    struct llmb_ppl_params p = llmb_ppl_default_params();
    p.text_path = text_file();
    p.n_ctx = 64;
    p.n_batch = 64;
    p.top_k = 8;
    p.ref_out = path("ref.bin");
    p.text_sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    struct llmb_ppl_result r;
    struct llmb_error err = {0};
    if (llmb_ppl_run(g.e, g.st, &g.mi, &p, &r, &applied, &err))
        fail_msg("%s", err.msg);
    /* the model against itself: no divergence, same top token everywhere */
    p.ref_out = NULL;
    p.ref_in = path("ref.bin");
    p.text_path = NULL;
    if (llmb_ppl_run(g.e, g.st, &g.mi, &p, &r, &applied, &err))
        fail_msg("%s", err.msg);
    assert_true(r.have_kld);
    assert_true(fabs(r.kld_mean) < 1e-6 && r.kld_max < 1e-6);
    assert_true(fabs(r.top1 - 1.0) < 1e-12);
    assert_true(r.rms_dp < 1e-6);
    assert_true(fabs(r.ppl_ratio - 1.0) < 1e-6);
    assert_true(fabs(r.ref_ppl - 100.0) < 1e-3);
    /* the file says what it was measured on: the reference's own PPL, the text, the model */
    struct llmb_ref_info ri;
    assert_int_equal(llmb_ref_info_read(path("ref.bin"), &ri, &err), 0);
    assert_true(fabs(ri.ppl - 100.0) < 1e-3);
    assert_string_equal(ri.text_sha256, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assert_string_equal(ri.model_name, "null:pp_us=0:vocab=100");
    assert_int_equal(ri.n_ctx, 64);
    assert_int_equal(ri.n_vocab, 100);

    /* corrupted: one byte flipped in the body */
    FILE *f = fopen(path("ref.bin"), "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    unsigned char *b = malloc((size_t)n);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    b[n - 3] ^= 0x40;
    write_file(path("bad.bin"), b, (size_t)n);
    p.ref_in = path("bad.bin");
    assert_int_equal(llmb_ppl_run(g.e, g.st, &g.mi, &p, &r, &applied, &err), LLMB_E_INVAL);
    assert_non_null(strstr(err.msg, "checksum"));
    b[n - 3] ^= 0x40;
    /* ... or in the recorded PPL (header bytes 64..255 are checked too) */
    b[66] ^= 0x01;
    write_file(path("bad2.bin"), b, (size_t)n);
    assert_int_equal(llmb_ref_info_read(path("bad2.bin"), &ri, &err), LLMB_E_INVAL);
    assert_non_null(strstr(err.msg, "checksum"));
    b[66] ^= 0x01;
    /* truncated */
    write_file(path("short.bin"), b, (size_t)n - 10);
    p.ref_in = path("short.bin");
    assert_int_equal(llmb_ppl_run(g.e, g.st, &g.mi, &p, &r, &applied, &err), LLMB_E_INVAL);
    assert_non_null(strstr(err.msg, "truncated"));
    /* another format / version */
    b[0] = 'X';
    write_file(path("magic.bin"), b, (size_t)n);
    p.ref_in = path("magic.bin");
    assert_int_equal(llmb_ppl_run(g.e, g.st, &g.mi, &p, &r, &applied, &err), LLMB_E_INVAL);
    assert_non_null(strstr(err.msg, "not a llmbench reference"));
    b[0] = 'L';
    b[8] = 9;
    write_file(path("version.bin"), b, (size_t)n);
    p.ref_in = path("version.bin");
    assert_int_equal(llmb_ppl_run(g.e, g.st, &g.mi, &p, &r, &applied, &err), LLMB_E_INVAL);
    assert_non_null(strstr(err.msg, "version 9"));
    free(b);
    g.e->close(g.st);

    /* a model with another vocabulary */
    open_null(&g, "null:pp_us=0:vocab=200");
    p.ref_in = path("ref.bin");
    assert_int_equal(llmb_ppl_run(g.e, g.st, &g.mi, &p, &r, &applied, &err), LLMB_E_INVAL);
    assert_non_null(strstr(err.msg, "another vocabulary"));
    g.e->close(g.st);
}

static void test_text_errors(void **state)
{
    (void)state;
    char *t;
    size_t n;
    struct llmb_error err = {0};
    write_file(path("empty.txt"), "", 0);
    assert_int_equal(llmb_text_read(path("empty.txt"), &t, &n, &err), LLMB_E_INVAL);
    assert_non_null(strstr(err.msg, "is empty"));
    write_file(path("nl.txt"), "\n", 1);
    assert_int_equal(llmb_text_read(path("nl.txt"), &t, &n, &err), LLMB_E_INVAL);
    write_file(path("bin.txt"), "ab\0cd", 5);
    assert_int_equal(llmb_text_read(path("bin.txt"), &t, &n, &err), LLMB_E_INVAL);
    assert_non_null(strstr(err.msg, "binary"));
    write_file(path("latin1.txt"), "caf\xe9!", 5);
    assert_int_equal(llmb_text_read(path("latin1.txt"), &t, &n, &err), LLMB_E_INVAL);
    assert_int_equal(llmb_text_read(path("missing.txt"), &t, &n, &err), LLMB_E_IO);
    assert_non_null(strstr(err.msg, "missing.txt"));
    assert_int_equal(llmb_text_read(dir, &t, &n, &err), LLMB_E_INVAL);
    write_file(path("ok.txt"), "h\xc3\xa9llo\n", 7);
    assert_int_equal(llmb_text_read(path("ok.txt"), &t, &n, &err), 0);
    assert_int_equal(n, 6); /* one trailing newline dropped, as llama-perplexity */
    free(t);

    /* shorter than two chunks */
    struct eng g;
    open_null(&g, "null:pp_us=0:vocab=100");
    struct llmb_ppl_params p = llmb_ppl_default_params();
    p.text_path = path("ok.txt");
    p.n_ctx = 64;
    struct llmb_ppl_result r;
    assert_int_equal(llmb_ppl_run(g.e, g.st, &g.mi, &p, &r, &applied, &err), LLMB_E_INVAL);
    assert_non_null(strstr(err.msg, "needs at least 128"));
    g.e->close(g.st);
}

/* A token listener's time is off the clock: a listener sleeping 4 ms per
 * token leaves the generation speed as it is without one (unpaused, it
 * would fall below a tenth). */
static void sleepy(const char *text, size_t len, double t_ms, void *user)
{
    (void)text, (void)len, (void)t_ms;
    (*(int *)user)++;
    struct timespec ts = {0, 4000000};
    nanosleep(&ts, NULL);
}

static void test_listener_off_the_clock(void **state)
{
    (void)state;
    struct eng g;
    open_null(&g, "null:pp_us=1:tg_us=300");
    struct llmb_context_params cp = {.n_ctx = 512, .n_batch = 512, .n_ubatch = 512, .type_k = "f16",
                                     .type_v = "f16", .flash_attn = -1, .n_threads = 1};
    struct llmb_error err = {0};
    assert_int_equal(g.e->context(g.st, &cp, &applied, &err), 0);
    struct llmb_gen_request rq = {.prompt = "a prompt of some forty characters, more", .max_tokens = 32};
    struct llmb_gen_result quiet, heard;
    assert_int_equal(g.e->generate(g.st, &rq, &quiet, &err), 0);
    int calls = 0;
    rq.on_token = sleepy;
    rq.user = &calls;
    assert_int_equal(g.e->generate(g.st, &rq, &heard, &err), 0);
    assert_int_equal(calls, heard.n_gen);
    assert_int_equal(heard.n_gen, 32);
    assert_true(heard.tg_ts > 0.5 * quiet.tg_ts);
    assert_true(heard.total_ms < 32 * 4.0); /* the sleeps are not in it */
    free(quiet.text);
    free(heard.text);
    g.e->close(g.st);
}

static void test_suite_load(void **state)
{
    (void)state;
    struct llmb_suite s;
    struct llmb_error err = {0};
    assert_int_equal(llmb_suite_load("default", &s, &err), 0);
    assert_int_equal(s.n, 25);
    assert_int_equal(s.n_skipped, 0);
    const char *cats[] = {"explanation", "arithmetic", "word problem", "code generation", "logical reasoning"};
    for (int c = 0; c < 5; c++) {
        int k = 0;
        for (size_t i = 0; i < s.n; i++)
            k += !strcmp(s.items[i].category, cats[c]);
        assert_true(k >= 5);
    }
    llmb_suite_free(&s);

    const char *mixed =
        "{\"version\": 1, \"prompts\": ["
        "{\"id\": \"a\", \"category\": \"x\", \"prompt\": \"fine\"},"
        "{\"id\": \"b\", \"category\": \"x\"},"
        "{\"id\": \"c\", \"category\": \"x\", \"prompt\": \"p\", \"check\": {\"type\": \"regex\", \"pattern\": \"(\"}},"
        "{\"id\": \"a\", \"category\": \"x\", \"prompt\": \"dup\"},"
        "42,"
        "{\"id\": \"d\", \"category\": \"x\", \"prompt\": \"p\", \"check\": {\"type\": \"number\", \"value\": \"7\"}},"
        "{\"id\": \"e\", \"category\": \"x\", \"prompt\": \"p\", \"check\": {\"type\": \"contains\", \"value\": \"z\"}}"
        "]}";
    write_file(path("mixed.json"), mixed, strlen(mixed));
    assert_int_equal(llmb_suite_load(path("mixed.json"), &s, &err), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.n_skipped, 5);
    assert_non_null(strstr(s.warnings[0], "entry 2 ('b')"));
    assert_non_null(strstr(s.warnings[0], "prompt"));
    assert_non_null(strstr(s.warnings[1], "does not compile"));
    assert_non_null(strstr(s.warnings[2], "duplicate"));
    assert_non_null(strstr(s.warnings[3], "entry 5"));
    llmb_suite_free(&s);

    write_file(path("notjson.json"), "{\"prompts\": [", 13);
    assert_int_equal(llmb_suite_load(path("notjson.json"), &s, &err), LLMB_E_INVAL);
    assert_non_null(strstr(err.msg, "line 1"));
    write_file(path("noprompts.json"), "{\"x\": 1}", 8);
    assert_int_equal(llmb_suite_load(path("noprompts.json"), &s, &err), LLMB_E_INVAL);
    assert_non_null(strstr(err.msg, "not a prompt suite"));
    write_file(path("v2.json"), "{\"version\": 2, \"prompts\": []}", 29);
    assert_int_equal(llmb_suite_load(path("v2.json"), &s, &err), LLMB_E_INVAL);
    assert_non_null(strstr(err.msg, "version"));
    write_file(path("none.json"), "{\"prompts\": [1, 2]}", 19);
    assert_int_equal(llmb_suite_load(path("none.json"), &s, &err), LLMB_E_INVAL);
    assert_non_null(strstr(err.msg, "no valid prompt"));
}

static void test_checks_and_rouge(void **state)
{
    (void)state;
    struct llmb_suite_item num = {.check = LLMB_CHECK_NUMBER, .number = 345};
    assert_int_equal(llmb_suite_check(&num, "15 x 23 = 345."), 1);
    assert_int_equal(llmb_suite_check(&num, "The answer is 3450"), 0);
    assert_int_equal(llmb_suite_check(&num, "about 344.9"), 0);
    struct llmb_suite_item big = {.check = LLMB_CHECK_NUMBER, .number = 1000};
    assert_int_equal(llmb_suite_check(&big, "It is 1,000 exactly"), 1);
    struct llmb_suite_item neg = {.check = LLMB_CHECK_NUMBER, .number = -4};
    assert_int_equal(llmb_suite_check(&neg, "x = -4"), 1);
    assert_int_equal(llmb_suite_check(&neg, "x = 4"), 0);
    struct llmb_suite_item con = {.check = LLMB_CHECK_CONTAINS, .text = "sue", .ignore_case = 1};
    assert_int_equal(llmb_suite_check(&con, "Sue is"), 1);
    con.ignore_case = 0;
    assert_int_equal(llmb_suite_check(&con, "Sue is"), 0);
    struct llmb_suite_item re = {.check = LLMB_CHECK_REGEX, .text = "def[[:space:]]+factorial"};
    assert_int_equal(llmb_suite_check(&re, "def  factorial(n):"), 1);
    assert_int_equal(llmb_suite_check(&re, "factorial = lambda"), 0);
    struct llmb_suite_item none = {.check = LLMB_CHECK_NONE};
    assert_int_equal(llmb_suite_check(&none, "anything"), -1);

    assert_true(fabs(llmb_rouge_l("The cat sat.", "the cat sat .") - 1.0) < 1e-12);
    assert_true(fabs(llmb_rouge_l("alpha beta", "gamma delta")) < 1e-12);
    /* LCS 5 of 6 and 5 words: P 5/6, R 1 */
    assert_true(fabs(llmb_rouge_l("the cat sat on the mat", "the cat on the mat") - 2 * (5.0 / 6) / (5.0 / 6 + 1)) < 1e-12);
    assert_true(fabs(llmb_rouge_l("", "") - 1.0) < 1e-12);
    assert_true(fabs(llmb_rouge_l("x", "")) < 1e-12);
}

static void test_suite_run(void **state)
{
    (void)state;
    struct eng g;
    open_null(&g, "null:pp_us=0:tg_us=1");
    struct llmb_suite s;
    struct llmb_error err = {0};
    assert_int_equal(llmb_suite_load(NULL, &s, &err), 0);
    struct llmb_suite_answer *ref = calloc(s.n, sizeof *ref), *ans = calloc(s.n, sizeof *ans);
    struct llmb_suite_params p = llmb_suite_default_params();
    p.max_tokens = 1000;
    assert_int_equal(llmb_suite_run(g.e, g.st, &s, &p, ref, &applied, &err), 0);
    p.ref = ref;
    assert_int_equal(llmb_suite_run(g.e, g.st, &s, &p, ans, &applied, &err), 0);
    for (size_t i = 0; i < s.n; i++) {
        /* the null engine echoes the prompt */
        assert_string_equal(ans[i].response, s.items[i].prompt);
        assert_true(fabs(ans[i].similarity - 1.0) < 1e-12);
        assert_true(ans[i].n_gen > 0);
    }
    /* the outcome of each echoed prompt, worked out by hand from suites/default.json:
     * only these four prompts hold their own answer */
    static const char *const passing[] = {"arith-2" /* 12 in "144 divided by 12" */, "code-4" /* "function" */,
                                          "logic-1" /* "yes" */, "logic-4" /* "Sue" */};
    assert_int_equal(s.n, 25);
    int n_pass = 0;
    for (size_t i = 0; i < s.n; i++) {
        int want = 0;
        for (size_t k = 0; k < sizeof passing / sizeof passing[0]; k++)
            want |= !strcmp(s.items[i].id, passing[k]);
        if (ans[i].pass != want)
            fail_msg("prompt %s: pass %d, expected %d", s.items[i].id, ans[i].pass, want);
        n_pass += ans[i].pass;
    }
    assert_int_equal(n_pass, 4);
    llmb_suite_answers_free(ref, s.n);
    llmb_suite_answers_free(ans, s.n);
    free(ref);
    free(ans);
    llmb_suite_free(&s);
    g.e->close(g.st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listener_off_the_clock), cmocka_unit_test(test_uniform_ppl),    cmocka_unit_test(test_kld_self_and_files),
        cmocka_unit_test(test_text_errors),    cmocka_unit_test(test_suite_load),
        cmocka_unit_test(test_checks_and_rouge), cmocka_unit_test(test_suite_run),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
