/* test_synth.c - synthetic models (src/model/synth.c, shapes.c, quant.c):
 * sizes of Llama-3.2-1B/3B and Llama-3.1-8B at Q8_0, Q6_K and Q4_K_M against
 * the real models' published file sizes (computed by a dry run: llama.cpp's
 * quantizer picks every tensor's type); a tiny model written for real has the
 * predicted size, loads in llama.cpp, says it is synthetic, and its bytes
 * depend on the seed only; bad shapes and vocabularies are refused; the
 * facts of a file without general.file_type guess a float file's type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gguf.h>

#include "llmbench/engine.h"
#include "llmbench/model.h"
#include "llmbench/quant.h"
#include "llmbench/synth.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    llmb_engine_global_init(1);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/llmb-test-synth.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd);
}

/* Published file sizes in bytes: Llama-3.2-1B-Instruct Q4_K_M 807.7 MB; the
 * others as listed (GB = 1e9) on the model hubs' GGUF file pages (bartowski's
 * quantizations): 1B 1.32 / 1.02 GB, 3B 3.42 / 2.64 / 2.02 GB, 8B 8.54 / 6.60 / 4.92 GB. */
static const struct { const char *shape, *type; double bytes; } published[] = {
    {"llama-3.2-1b", "Q8_0", 1.32e9},   {"llama-3.2-1b", "Q6_K", 1.02e9},   {"llama-3.2-1b", "Q4_K_M", 807.7e6},
    {"llama-3.2-3b", "Q8_0", 3.42e9},   {"llama-3.2-3b", "Q6_K", 2.64e9},   {"llama-3.2-3b", "Q4_K_M", 2.02e9},
    {"llama-3.1-8b", "Q8_0", 8.54e9},   {"llama-3.1-8b", "Q6_K", 6.60e9},   {"llama-3.1-8b", "Q4_K_M", 4.92e9},
};

static void test_published_sizes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof published / sizeof published[0]; i++) {
        struct llmb_synth_params p = llmb_synth_default_params();
        struct llmb_error e = {0};
        assert_int_equal(llmb_shape_find(published[i].shape, &p.shape, &e), 0);
        p.ftype = llmb_ftype_from_name(published[i].type);
        p.dry_run = 1;
        struct llmb_synth_info info;
        if (llmb_synth_write(&p, &info, &e))
            fail_msg("%s %s: %s", published[i].shape, published[i].type, e.msg);
        double dev = fabs((double)info.file_size - published[i].bytes) / published[i].bytes;
        if (dev > 0.01)
            fail_msg("%s %s: %llu bytes, published %.0f (%.2f%% off)", published[i].shape, published[i].type,
                     (unsigned long long)info.file_size, published[i].bytes, 100 * dev);
    }
    /* parameter counts of the real models (their configs), plus the rope_freqs
     * vector (head size / 2) llama.cpp's converter adds for llama3 rope scaling */
    struct llmb_synth_params p = llmb_synth_default_params();
    struct llmb_synth_info info;
    assert_int_equal(llmb_shape_find("llama-3.1-8b", &p.shape, NULL), 0);
    p.dry_run = 1;
    assert_int_equal(llmb_synth_write(&p, &info, NULL), 0);
    assert_int_equal(info.n_params, 8030261248ull + 64);
    assert_int_equal(llmb_shape_find("llama-3.2-1b", &p.shape, NULL), 0);
    assert_int_equal(llmb_synth_write(&p, &info, NULL), 0);
    assert_int_equal(info.n_params, 1235814400ull + 32);
}

static uint64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

static int same_bytes(const char *a, const char *b)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return system(cmd) == 0;
}

static void write_tiny(const char *type, uint64_t seed, const char *path, struct llmb_synth_info *info)
{
    struct llmb_synth_params p = llmb_synth_default_params();
    struct llmb_error e = {0};
    assert_int_equal(llmb_shape_find("tiny", &p.shape, &e), 0);
    p.ftype = llmb_ftype_from_name(type);
    p.seed = seed;
    p.output = path;
    if (llmb_synth_write(&p, info, &e))
        fail_msg("synth tiny %s: %s", type, e.msg);
}

static void test_tiny_loads(void **state)
{
    (void)state;
    const char *types[] = {"F16", "F32", "BF16", "Q8_0", "Q4_K_M", "Q3_K_L"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/tiny-%s.gguf", tmpdir, types[i]);
        struct llmb_synth_info info;
        write_tiny(types[i], 7, path, &info);
        assert_int_equal(file_size(path), info.file_size);
        struct llmb_gguf_facts f;
        struct llmb_error e = {0};
        assert_int_equal(llmb_model_facts(path, &f, &e), 0);
        assert_true(f.synthetic);
        assert_int_equal(f.file_type, llmb_ftype_from_name(types[i]));
        assert_int_equal(f.n_params, info.n_params);
        /* llama.cpp loads it and agrees on the parameter count */
        const struct llmb_engine_ops *eng = llmb_engine_find("llama");
        struct llmb_model_params mp = {.path = path, .n_gpu_layers = 0};
        void *st = NULL;
        if (eng->open(&mp, &st, &e))
            fail_msg("llama.cpp cannot load synthetic %s: %s", types[i], e.msg);
        struct llmb_model_info mi;
        assert_int_equal(eng->describe(st, &mi), 0);
        assert_int_equal(mi.n_params, info.n_params);
        assert_int_equal(mi.n_vocab, 32000);
        assert_int_equal(mi.n_layer, 2);
        assert_true(mi.synthetic);
        assert_int_equal(f.n_ctx_train, mi.n_ctx_train);
        eng->close(st);
    }
}

static void test_deterministic(void **state)
{
    (void)state;
    char a[512], b[512], c[512];
    struct llmb_synth_info info;
    snprintf(a, sizeof a, "%s/a.gguf", tmpdir);
    snprintf(b, sizeof b, "%s/b.gguf", tmpdir);
    snprintf(c, sizeof c, "%s/c.gguf", tmpdir);
    write_tiny("Q4_K_M", 11, a, &info);
    write_tiny("Q4_K_M", 11, b, &info);
    write_tiny("Q4_K_M", 12, c, &info);
    assert_true(same_bytes(a, b));
    assert_false(same_bytes(a, c));
    assert_int_equal(file_size(a), file_size(c));
}

static void test_padded_vocab(void **state)
{
    (void)state;
    struct llmb_synth_params p = llmb_synth_default_params();
    assert_int_equal(llmb_shape_find("qwen2.5-7b", &p.shape, NULL), 0);
    p.dry_run = 1;
    p.ftype = llmb_ftype_from_name("Q4_K_M");
    struct llmb_synth_info info;
    struct llmb_error e = {0};
    if (llmb_synth_write(&p, &info, &e))
        fail_msg("qwen2.5-7b: %s", e.msg);
    assert_int_equal(info.n_vocab, 152064); /* tokenizer 151936, padded as the real model */
    assert_int_equal(info.n_params, 7615616512ull);
}

static void test_bad_inputs(void **state)
{
    (void)state;
    struct llmb_synth_params p = llmb_synth_default_params();
    struct llmb_error e = {0};
    assert_int_equal(llmb_shape_find("llama-9", &p.shape, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "unknown shape 'llama-9'"));
    assert_non_null(strstr(e.msg, "llama-3.2-1b"));

    assert_int_equal(llmb_shape_find("tiny", &p.shape, &e), 0);
    char out[512];
    snprintf(out, sizeof out, "%s/bad.gguf", tmpdir);
    p.output = out;
    p.shape.n_head = 3; /* 256 not divisible by 3 */
    assert_int_equal(llmb_synth_write(&p, &(struct llmb_synth_info){0}, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "not a multiple"));
    assert_int_equal(llmb_shape_find("tiny", &p.shape, &e), 0);

    p.vocab_file = "/nonexistent/vocab.gguf";
    assert_int_equal(llmb_synth_write(&p, &(struct llmb_synth_info){0}, &e), LLMB_E_IO);
    assert_non_null(strstr(e.msg, "/nonexistent/vocab.gguf"));

    /* a GGUF without tokens */
    char novocab[512];
    snprintf(novocab, sizeof novocab, "%s/novocab.gguf", tmpdir);
    struct gguf_context *g = gguf_init_empty();
    gguf_set_val_str(g, "general.architecture", "llama");
    assert_true(gguf_write_to_file(g, novocab, false));
    gguf_free(g);
    p.vocab_file = novocab;
    assert_int_equal(llmb_synth_write(&p, &(struct llmb_synth_info){0}, &e), LLMB_E_MODEL);
    assert_non_null(strstr(e.msg, "has no tokens"));

    /* fewer rows than the tokenizer has tokens */
    p.vocab_file = NULL;
    p.shape.n_vocab = 1000;
    assert_int_equal(llmb_synth_write(&p, &(struct llmb_synth_info){0}, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "32000 tokens"));

    /* a type that needs an importance matrix */
    p.shape.n_vocab = 0;
    p.ftype = llmb_ftype_from_name("IQ2_XXS");
    assert_int_equal(llmb_synth_write(&p, &(struct llmb_synth_info){0}, &e), LLMB_E_UNSUPPORTED);
    assert_non_null(strstr(e.msg, "importance matrix"));
    assert_int_equal(access(out, F_OK), -1); /* nothing written under the final name */
}

/* A GGUF of three 32-element tensors of the given types, without general.file_type. */
static void write_typed(const char *path, const enum ggml_type types[3])
{
    struct ggml_context *ctx = ggml_init((struct ggml_init_params){.mem_size = 1 << 16, .no_alloc = false});
    struct gguf_context *g = gguf_init_empty();
    gguf_set_val_str(g, "general.architecture", "llama");
    gguf_set_val_u32(g, "llama.context_length", 256);
    gguf_set_val_str(g, "tokenizer.ggml.model", "llama");
    for (int i = 0; i < 3; i++) {
        struct ggml_tensor *t = ggml_new_tensor_1d(ctx, types[i], 32);
        ggml_format_name(t, "t%d", i);
        memset(t->data, 0, ggml_nbytes(t));
        gguf_add_tensor(g, t);
    }
    assert_true(gguf_write_to_file(g, path, false));
    gguf_free(g);
    ggml_free(ctx);
}

/* Facts of a file without general.file_type: a float file's type is guessed
 * as llama.cpp does (most common tensor type), a quantized one's is not. */
static void test_facts_guess(void **state)
{
    (void)state;
    static const struct { enum ggml_type t[3]; int want; } cases[] = {
        {{GGML_TYPE_F32, GGML_TYPE_F32, GGML_TYPE_F16}, 0},
        {{GGML_TYPE_F16, GGML_TYPE_F16, GGML_TYPE_F32}, 1},
        {{GGML_TYPE_BF16, GGML_TYPE_F32, GGML_TYPE_BF16}, 32},
        {{GGML_TYPE_Q8_0, GGML_TYPE_F32, GGML_TYPE_F32}, -1},
    };
    char path[512];
    snprintf(path, sizeof path, "%s/typed.gguf", tmpdir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_typed(path, cases[i].t);
        struct llmb_gguf_facts f;
        struct llmb_error e = {0};
        if (llmb_model_facts(path, &f, &e))
            fail_msg("facts of case %zu: %s", i, e.msg);
        assert_int_equal(f.file_type, cases[i].want);
        assert_int_equal(f.n_ctx_train, 256);
        assert_int_equal(f.all_float, cases[i].want >= 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_published_sizes), cmocka_unit_test(test_tiny_loads),
        cmocka_unit_test(test_deterministic),   cmocka_unit_test(test_padded_vocab),
        cmocka_unit_test(test_bad_inputs),      cmocka_unit_test(test_facts_guess),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
