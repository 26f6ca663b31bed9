/* test_plan.c - list/range parsing (src/core/plan_parse.c) and matrix
 * expansion (src/core/plan.c): llama-bench's syntax for every parameter,
 * its order of expansion, repeated tests numbered, not merged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/engine.h"
#include "llmbench/plan.h"

static void expect_ints(const char *s, int min, const int *want, size_t n)
{
    struct llmb_int_list l = {0};
    struct llmb_error e = {0};
    assert_int_equal(llmb_plan_parse_ints(s, min, &l, &e), LLMB_OK);
    assert_int_equal(l.n, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(l.v[i], want[i]);
    llmb_int_list_free(&l);
}

static void expect_bad(const char *s, int min, const char *msg_part)
{
    struct llmb_int_list l = {0};
    struct llmb_error e = {0};
    assert_int_equal(llmb_plan_parse_ints(s, min, &l, &e), LLMB_E_INVAL);
    if (!strstr(e.msg, msg_part))
        fail_msg("'%s': message '%s' lacks '%s'", s, e.msg, msg_part);
    llmb_int_list_free(&l);
}

static void test_ints(void **state)
{
    (void)state;
    expect_ints("512", 0, (int[]){512}, 1);
    expect_ints("1,2,3", 0, (int[]){1, 2, 3}, 3);
    expect_ints("64-512*2", 0, (int[]){64, 128, 256, 512}, 4);
    expect_ints("1-5+2", 0, (int[]){1, 3, 5}, 3);
    expect_ints("1-3", 0, (int[]){1, 2, 3}, 3);
    expect_ints("16,64-256*4,7", 0, (int[]){16, 64, 256, 7}, 4);
    expect_ints("-1,0,99", -1, (int[]){-1, 0, 99}, 3);
    expect_ints("100-300*2", 0, (int[]){100, 200}, 2);
}

static void test_ints_bad(void **state)
{
    (void)state;
    expect_bad("", 0, "empty");
    expect_bad("abc", 0, "expected a number");
    expect_bad("1,,2", 0, "expected a number");
    expect_bad("1,", 0, "trailing");
    expect_bad("1-", 0, "malformed range");
    expect_bad("5-1", 0, "empty");
    expect_bad("1-10*1", 0, "does not advance");
    expect_bad("0-4*2", 0, "does not advance");
    expect_bad("1-10/2", 0, "unexpected");
    expect_bad("-1", 0, "expected a number");
    expect_bad("-2", -1, "below the minimum");
    expect_bad("99999999999", 0, "out of range");
    expect_bad("1-100000", 0, "more than");
    expect_bad("12x", 0, "unexpected 'x'");
}

static void test_fa_pg_strs(void **state)
{
    (void)state;
    struct llmb_int_list l = {0};
    struct llmb_error e = {0};
    assert_int_equal(llmb_plan_parse_fa("on,off,auto,1,0", &l, &e), LLMB_OK);
    assert_int_equal(l.n, 5);
    assert_int_equal(l.v[0], LLMB_FA_ON);
    assert_int_equal(l.v[1], LLMB_FA_OFF);
    assert_int_equal(l.v[2], LLMB_FA_AUTO);
    assert_int_equal(llmb_plan_parse_fa("maybe", &l, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "maybe"));
    llmb_int_list_free(&l);

    assert_int_equal(llmb_plan_parse_pg("512,128", &l, &e), LLMB_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.v[1], 128);
    assert_int_equal(llmb_plan_parse_pg("512", &l, &e), LLMB_E_INVAL);
    assert_int_equal(llmb_plan_parse_pg("1,2,3", &l, &e), LLMB_E_INVAL);
    llmb_int_list_free(&l);

    struct llmb_str_list s = {0};
    assert_int_equal(llmb_plan_parse_strs("a.gguf,b.gguf", &s, &e), LLMB_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.v[1], "b.gguf");
    assert_int_equal(llmb_plan_parse_strs("a,,b", &s, &e), LLMB_E_INVAL);
    llmb_str_list_free(&s);
}

static void test_expand(void **state)
{
    (void)state;
    struct llmb_bench_params p;
    memset(&p, 0, sizeof p);
    struct llmb_error e = {0};
    assert_int_equal(llmb_plan_parse_strs("m1,m2", &p.models, &e), 0);
    assert_int_equal(llmb_plan_parse_ints("64,128", 0, &p.n_prompt, &e), 0);
    assert_int_equal(llmb_plan_parse_ints("0,16", 0, &p.n_gen, &e), 0);
    assert_int_equal(llmb_plan_parse_pg("8,4", &p.pg, &e), 0);
    assert_int_equal(llmb_plan_parse_ints("1,2", 0, &p.n_threads, &e), 0);
    assert_int_equal(llmb_bench_params_defaults(&p, 4), 0);
    assert_int_equal(llmb_bench_params_validate(&p, &e), 0);
    struct llmb_instance *v = NULL;
    size_t n = 0;
    assert_int_equal(llmb_plan_expand(&p, &v, &n, &e), 0);
    /* 2 models x 2 thread counts x (2 pp + 1 tg + 1 pg) */
    assert_int_equal(n, 16);
    assert_string_equal(v[0].model, "m1");
    assert_int_equal(v[0].n_threads, 1);
    assert_int_equal(v[0].n_prompt, 64);
    assert_int_equal(v[0].n_gen, 0);
    assert_int_equal(v[1].n_prompt, 128);
    assert_int_equal(v[2].n_gen, 16);
    assert_int_equal(v[2].n_prompt, 0);
    assert_int_equal(v[3].n_prompt, 8);
    assert_int_equal(v[3].n_gen, 4);
    assert_int_equal(v[4].n_threads, 2);
    assert_string_equal(v[8].model, "m2");
    assert_int_equal(v[0].n_batch, 2048);
    assert_int_equal(v[0].n_ubatch, 512);
    assert_string_equal(v[0].type_k, "f16");
    assert_int_equal(v[0].n_gpu_layers, -1);
    assert_int_equal(v[0].flash_attn, LLMB_FA_AUTO);
    assert_true(llmb_instance_same_model(&v[0], &v[7]));
    assert_false(llmb_instance_same_model(&v[7], &v[8]));

    char name[64];
    llmb_instance_test_name(&v[3], name, sizeof name);
    assert_string_equal(name, "pp8+tg4");
    v[0].n_depth = 4096;
    llmb_instance_test_name(&v[0], name, sizeof name);
    assert_string_equal(name, "pp64 @ d4096");
    free(v);
    llmb_bench_params_free(&p);
}

static void test_validate(void **state)
{
    (void)state;
    struct llmb_bench_params p;
    memset(&p, 0, sizeof p);
    struct llmb_error e = {0};
    assert_int_equal(llmb_bench_params_defaults(&p, 2), 0);
    assert_int_equal(llmb_bench_params_validate(&p, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "no model"));
    llmb_str_list_push(&p.models, "x");
    llmb_int_list_free(&p.n_threads);
    llmb_int_list_push(&p.n_threads, 0);
    assert_int_equal(llmb_bench_params_validate(&p, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "thread count"));
    p.n_threads.v[0] = 2;
    /* KV cache types are the engine's to know: the plan takes any, llama.cpp's engine refuses one it lacks */
    llmb_str_list_free(&p.type_k);
    llmb_str_list_push(&p.type_k, "q9_9");
    assert_int_equal(llmb_bench_params_validate(&p, &e), LLMB_OK);
    const struct llmb_engine_ops *le = llmb_engine_default();
    assert_true(le->check != NULL);
    struct llmb_model_params mp = {.path = "x", .n_gpu_layers = -1};
    struct llmb_context_params cp = {.n_ctx = 16, .n_batch = 16, .n_ubatch = 16, .type_k = "q9_9", .type_v = "f16"};
    assert_int_equal(le->check(&mp, &cp, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "unknown KV cache type 'q9_9'"));
    cp.type_k = "q8_0";
    cp.type_v = "q4_K"; /* a ggml type, but not one for the KV cache */
    assert_int_equal(le->check(&mp, &cp, &e), LLMB_E_INVAL);
    cp.type_v = "q4_0";
    assert_int_equal(le->check(&mp, &cp, &e), LLMB_OK);
    llmb_str_list_free(&p.type_k);
    llmb_str_list_push(&p.type_k, "q8_0");
    p.n_prompt.v[0] = 0;
    p.n_gen.v[0] = 0;
    assert_int_equal(llmb_bench_params_validate(&p, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "nothing to run"));
    p.n_gen.v[0] = 1;
    assert_int_equal(llmb_bench_params_validate(&p, &e), LLMB_OK);
    llmb_bench_params_free(&p);
}

/* hostile lists: a million commas, ranges to INT_MAX, tests longer than any context */
static void test_hostile(void **state)
{
    (void)state;
    size_t n = 1000000;
    char *s = malloc(2 * n + 2);
    assert_non_null(s);
    memset(s, ',', n);
    s[n] = 0;
    expect_bad(s, 0, "expected a number");
    for (size_t i = 0; i < n; i++)
        s[2 * i] = '1', s[2 * i + 1] = ',';
    s[2 * n - 1] = 0;
    expect_bad(s, 0, "more than 4096 values");
    struct llmb_str_list sl = {0};
    struct llmb_error se = {0};
    assert_int_equal(llmb_plan_parse_strs(s, &sl, &se), LLMB_E_INVAL);
    assert_non_null(strstr(se.msg, "1,1,...' has more than 4096 values"));
    llmb_str_list_free(&sl);
    free(s);
    expect_bad("1-2147483647", 0, "more than 4096 values");
    expect_bad("-1-2147483647", -1, "more than 4096 values");
    expect_bad("1-2147483648", 0, "malformed range");
    struct llmb_int_list l = {0};
    struct llmb_error e = {0};
    assert_int_equal(llmb_plan_parse_ints("1-2147483647*2", 0, &l, &e), LLMB_OK);
    assert_int_equal(l.n, 31);
    assert_int_equal(l.v[30], 1 << 30);
    llmb_int_list_free(&l);

    struct llmb_bench_params p;
    memset(&p, 0, sizeof p);
    llmb_str_list_push(&p.models, "x");
    assert_int_equal(llmb_plan_parse_pg("2147483647,2147483647", &p.pg, &e), LLMB_OK);
    assert_int_equal(llmb_bench_params_defaults(&p, 2), 0);
    assert_int_equal(llmb_bench_params_validate(&p, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "4294967294 tokens"));
    llmb_int_list_free(&p.pg);
    p.n_depth.v[0] = 2147483647;
    assert_int_equal(llmb_bench_params_validate(&p, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "over the limit"));
    p.n_depth.v[0] = (1 << 24) - 512;
    assert_int_equal(llmb_bench_params_validate(&p, &e), LLMB_OK);
    llmb_bench_params_free(&p);
}

/* llama-bench's other parameters: each value normalised as llama-bench prints it */
static void test_llama_bench_values(void **state)
{
    (void)state;
    struct llmb_error e = {0};
    struct llmb_str_list l = {0};
    struct llmb_int_list b = {0};
    assert_int_equal(llmb_plan_parse_devices(" CUDA0 / CUDA1 ,none,auto", &l, &e), LLMB_OK);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0], "CUDA0/CUDA1");
    assert_string_equal(l.v[1], "none");
    assert_int_equal(llmb_plan_parse_devices("CUDA0//CUDA1", &l, &e), LLMB_E_INVAL);
    assert_int_equal(llmb_plan_parse_devices("", &l, &e), LLMB_E_INVAL);
    llmb_str_list_free(&l);
    assert_int_equal(llmb_plan_parse_tensor_splits("3/1,0.5;0.25", &l, &e), LLMB_OK);
    char t[128];
    llmb_tensor_split_text(l.v[0], t, sizeof t);
    assert_string_equal(t, "3.00/1.00");
    llmb_tensor_split_text(l.v[1], t, sizeof t);
    assert_string_equal(t, "0.50/0.25");
    llmb_tensor_split_text(NULL, t, sizeof t);
    assert_string_equal(t, "0.00");
    assert_int_equal(llmb_plan_parse_tensor_splits("1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", &l, &e),
                     LLMB_E_INVAL);
    llmb_str_list_free(&l);
    assert_int_equal(llmb_plan_parse_overrides("a=CPU;;b=CPU,,c=X", &l, &e), LLMB_OK);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0], "a=CPU;b=CPU");
    assert_string_equal(l.v[1], "none");
    assert_int_equal(llmb_plan_parse_overrides("noequals", &l, &e), LLMB_E_INVAL);
    llmb_str_list_free(&l);
    assert_int_equal(llmb_plan_parse_cpu_masks("0x3,ff", &l, &e), LLMB_OK);
    assert_int_equal(llmb_plan_parse_cpu_masks("0xg", &l, &e), LLMB_E_INVAL);
    llmb_str_list_free(&l);
    assert_int_equal(llmb_plan_parse_bools("0,1", &b, &e), LLMB_OK);
    assert_int_equal(llmb_plan_parse_bools("true", &b, &e), LLMB_E_INVAL); /* llama-bench would read 0 */
    assert_int_equal(llmb_plan_parse_modes("row,none", llmb_split_mode_parse, "a mode", &b, &e), LLMB_OK);
    assert_int_equal(b.v[2], LLMB_SPLIT_ROW);
    assert_int_equal(llmb_plan_parse_modes("diagonal", llmb_split_mode_parse, "a mode", &b, &e), LLMB_E_INVAL);
    assert_int_equal(llmb_plan_parse_counts("512,0", &b, &e), LLMB_OK);
    assert_int_equal(llmb_plan_parse_counts("1-4", &b, &e), LLMB_E_INVAL); /* -fitt takes no ranges */
    llmb_int_list_free(&b);
    assert_string_equal(llmb_load_mode_name(LLMB_LOAD_AUTO), "auto");
    assert_int_equal(llmb_load_mode_parse("mmap+mlock"), LLMB_LOAD_MMAP_MLOCK);
    assert_string_equal(llmb_lazy_mode_name(llmb_lazy_mode_parse("off")), "off");
}

/* llama-bench's loop nesting (threads outside cpu mask outside depth
 * outside poll), and a test listed twice kept twice */
static void test_order_and_duplicates(void **state)
{
    (void)state;
    struct llmb_bench_params p;
    memset(&p, 0, sizeof p);
    struct llmb_error e = {0};
    assert_int_equal(llmb_plan_parse_strs("m.gguf", &p.models, &e), 0);
    assert_int_equal(llmb_plan_parse_ints("16,16", 0, &p.n_prompt, &e), 0);
    assert_int_equal(llmb_plan_parse_ints("0", 0, &p.n_gen, &e), 0);
    assert_int_equal(llmb_plan_parse_ints("1,2", 0, &p.n_threads, &e), 0);
    assert_int_equal(llmb_plan_parse_cpu_masks("0x1,0x2", &p.cpu_mask, &e), 0);
    assert_int_equal(llmb_plan_parse_ints("0,10", 0, &p.poll, &e), 0);
    assert_int_equal(llmb_bench_params_defaults(&p, 4), 0);
    struct llmb_instance *v;
    size_t n;
    assert_int_equal(llmb_plan_expand(&p, &v, &n, &e), 0);
    assert_int_equal(n, 16);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(v[i].n_threads, 1 + (int)(i / 8));
        assert_string_equal(v[i].cpu_mask, (i / 4) % 2 ? "0x2" : "0x1");
        assert_int_equal(llmb_instance_poll(&v[i]), (i / 2) % 2 ? 10 : 0);
        assert_int_equal(v[i].occurrence, (int)(i % 2)); /* pp16, then pp16 again */
        assert_string_equal(v[i].devices, "auto");
    }
    assert_true(llmb_instance_same_model(&v[0], &v[15])); /* threads, masks, polling: the same model */
    struct llmb_instance w = v[0];
    w.split_mode = LLMB_SPLIT_ROW;
    assert_false(llmb_instance_same_model(&v[0], &w)); /* as llama-bench's equal_mparams */
    w = v[0];
    w.fit_target = 64;
    assert_false(llmb_instance_same_model(&w, &w)); /* fitting reloads every test */
    /* an instance built by hand means llama-bench's defaults */
    struct llmb_instance z = {.model = "m.gguf"};
    assert_int_equal(llmb_instance_poll(&z), 50);
    free(v);
    llmb_bench_params_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ints),     cmocka_unit_test(test_ints_bad), cmocka_unit_test(test_fa_pg_strs),
        cmocka_unit_test(test_expand),   cmocka_unit_test(test_validate), cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_llama_bench_values), cmocka_unit_test(test_order_and_duplicates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
