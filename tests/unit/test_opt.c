/* test_opt.c - option-table parsing (src/cli/opt.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cli/opt.h"

static const struct llmb_opt table[] = {
    {1, "-p,--n-prompt", "LIST", "512", "prompt"},
    {2, "--no-warmup", NULL, NULL, "flag"},
    {3, "-pg", "P,G", NULL, "pair"},
    {0, NULL, NULL, NULL, NULL},
};

struct seen {
    int  ids[8];
    char vals[8][32];
    int  n;
};

static int cb(int id, const char *name, const char *val, void *user, struct llmb_error *err)
{
    (void)name;
    (void)err;
    struct seen *s = user;
    s->ids[s->n] = id;
    snprintf(s->vals[s->n++], 32, "%s", val ? val : "(null)");
    return 0;
}

static void test_parse(void **state)
{
    (void)state;
    char *argv[] = {"-p", "1,2", "--n-prompt=64-128*2", "--no-warmup", "-pg", "8,4", "pos"};
    struct seen s = {0};
    struct llmb_error e = {0};
    assert_int_equal(llmb_opt_parse(table, 7, argv, cb, &s, &e), 0);
    assert_int_equal(s.n, 5);
    assert_int_equal(s.ids[0], 1);
    assert_string_equal(s.vals[0], "1,2");
    assert_string_equal(s.vals[1], "64-128*2");
    assert_int_equal(s.ids[2], 2);
    assert_string_equal(s.vals[2], "(null)");
    assert_int_equal(s.ids[3], 3);
    assert_int_equal(s.ids[4], -1);
    assert_string_equal(s.vals[4], "pos");
}

static void test_errors(void **state)
{
    (void)state;
    struct seen s = {0};
    struct llmb_error e = {0};
    char *a1[] = {"--bogus"};
    assert_int_equal(llmb_opt_parse(table, 1, a1, cb, &s, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "unknown option '--bogus'"));
    char *a2[] = {"-p"};
    assert_int_equal(llmb_opt_parse(table, 1, a2, cb, &s, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "needs a value"));
    char *a3[] = {"--no-warmup=1"};
    assert_int_equal(llmb_opt_parse(table, 1, a3, cb, &s, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "takes no value"));
    char *a4[] = {"--n-prompt-x", "3"};
    assert_int_equal(llmb_opt_parse(table, 2, a4, cb, &s, &e), LLMB_E_INVAL);
    char *a5[] = {"-h"};
    assert_int_equal(llmb_opt_parse(table, 1, a5, cb, &s, &e), LLMB_OPT_HELP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_parse), cmocka_unit_test(test_errors)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
