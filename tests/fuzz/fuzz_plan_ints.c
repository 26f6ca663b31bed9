/* fuzz_plan_ints.c - libFuzzer target for the bench list parsers of
 * src/core/plan.c: llmb_plan_parse_ints (minimum -1 and 0), _strs, _fa and
 * _pg on the same text, then validation and expansion of a plan built from
 * the parsed list. Checks what a success promises (values, counts); every
 * list is freed before returning, nothing survives between inputs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static void ints(const char *s, int min)
{
    struct llmb_int_list l = {0};
    struct llmb_error e = {0};
    if (llmb_plan_parse_ints(s, min, &l, &e) == LLMB_OK) {
        check(l.n >= 1 && l.n <= 4096);
        for (size_t i = 0; i < l.n; i++)
            check(l.v[i] >= min);
    } else {
        check(e.msg[0] != 0);
    }
    llmb_int_list_free(&l);
}

static void strs(const char *s)
{
    struct llmb_str_list l = {0};
    struct llmb_error e = {0};
    if (llmb_plan_parse_strs(s, &l, &e) == LLMB_OK) {
        size_t commas = 0;
        for (const char *p = s; *p; p++)
            commas += *p == ',';
        check(l.n == commas + 1);
        for (size_t i = 0; i < l.n; i++)
            check(l.v[i][0] && !strchr(l.v[i], ','));
    } else {
        check(e.msg[0] != 0);
    }
    llmb_str_list_free(&l);
}

static void fa_pg(const char *s)
{
    struct llmb_int_list l = {0};
    struct llmb_error e = {0};
    if (llmb_plan_parse_fa(s, &l, &e) == LLMB_OK)
        for (size_t i = 0; i < l.n; i++)
            check(l.v[i] >= -1 && l.v[i] <= 1);
    llmb_int_list_free(&l);
    if (llmb_plan_parse_pg(s, &l, &e) == LLMB_OK)
        check(l.n == 2 && l.v[0] >= 0 && l.v[1] >= 0);
    llmb_int_list_free(&l);
}

/* the text as -p, -d and -t of a plan: validation and expansion */
static void plan(const char *s)
{
    struct llmb_bench_params p;
    struct llmb_error e = {0};
    memset(&p, 0, sizeof p);
    int rc = llmb_str_list_push(&p.models, "m");
    rc = rc ? rc : llmb_plan_parse_ints(s, 0, &p.n_prompt, &e);
    rc = rc ? rc : llmb_plan_parse_ints(s, 0, &p.n_depth, &e);
    rc = rc ? rc : llmb_plan_parse_ints(s, 0, &p.n_threads, &e);
    rc = rc ? rc : llmb_bench_params_defaults(&p, 1);
    rc = rc ? rc : llmb_bench_params_validate(&p, &e);
    struct llmb_instance *v = NULL;
    size_t n = 0;
    if (!rc && llmb_plan_expand(&p, &v, &n, &e) == LLMB_OK) {
        check(n > 0);
        for (size_t i = 0; i < n; i++) {
            char name[64];
            check(v[i].n_threads >= 1 && (long long)v[i].n_prompt + v[i].n_gen + v[i].n_depth <= 1 << 24);
            llmb_instance_test_name(&v[i], name, sizeof name);
        }
    }
    free(v);
    llmb_bench_params_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = 0;
    ints(s, 0);
    ints(s, -1);
    strs(s);
    fa_pg(s);
    plan(s);
    free(s);
    return 0;
}
