/* test_opt.c - option-table parsing and validation (src/cli/opt.c), and a
 * walk through every command's table: each numeric flag refuses nan, inf,
 * overflow, fractions where an integer is meant and values past its bounds,
 * with one line naming the flag. */
#include <setjmp.h>
#include <stdarg.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include "llmbench/runner.h"

/* main.c (not linked here) owns the one error print */
void llmb_cli_error(const char *fmt, ...)
{
    (void)fmt;
}

static const struct llmb_opt table[] = {
    {1, "-p,--n-prompt", "LIST", "512", "prompt", LLMB_OPT_STR, 0, 0, 0, NULL},
    {2, "--no-warmup", NULL, NULL, "flag", LLMB_OPT_FLAG, 0, 0, 0, NULL},
    {3, "-pg", "P,G", NULL, "pair", LLMB_OPT_STR, 0, 0, 0, NULL},
    {0},
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

struct dest {
    int n;
    double x;
    uint64_t seed;
    double mem;
    struct llmb_int_list l;
};

static const struct llmb_opt typed[] = {
    {1, "-n", "N|auto", "7", "int", LLMB_OPT_INT, 1, 100, LLMB_OPT_AT(struct dest, n), "auto"},
    {2, "--x", "X", "0.5", "double", LLMB_OPT_DOUBLE, 0, 1, LLMB_OPT_AT(struct dest, x), NULL},
    {3, "--seed", "N", "42", "u64", LLMB_OPT_U64, 0, 4294967295.0, LLMB_OPT_AT(struct dest, seed), NULL},
    {4, "--mem", "SIZE", NULL, "size", LLMB_OPT_SIZE, 1, 1e18, LLMB_OPT_AT(struct dest, mem), NULL},
    {5, "-l", "LIST", NULL, "list", LLMB_OPT_LIST, -1, 64, LLMB_OPT_AT(struct dest, l), NULL},
    {6, "--mode", "on|off|auto", "auto", "enum", LLMB_OPT_ENUM, 0, 0, 0, NULL},
    {0},
};

static int quiet_cb(int id, const char *name, const char *val, void *user, struct llmb_error *err)
{
    (void)id, (void)name, (void)val, (void)user, (void)err;
    return LLMB_OK;
}

static int parse1(const struct llmb_opt *t, const char *flag, const char *val, void *user, struct llmb_error *e)
{
    char *argv[] = {(char *)flag, (char *)val}, joined[256];
    memset(e, 0, sizeof *e);
    if (val && t->arg && t->arg[0] == '[') { /* an optional value comes only as --name=value */
        snprintf(joined, sizeof joined, "%s=%s", flag, val);
        argv[0] = joined;
        return llmb_opt_parse(t, 1, argv, quiet_cb, user, e);
    }
    return llmb_opt_parse(t, val ? 2 : 1, argv, quiet_cb, user, e);
}

static void test_typed(void **state)
{
    (void)state;
    struct dest d = {0};
    struct llmb_error e;
    llmb_opt_defaults(typed, &d);
    assert_int_equal(d.n, 7);
    assert_true(d.x == 0.5);
    assert_int_equal(d.seed, 42);
    assert_int_equal(parse1(typed, "-n", "100", &d, &e), 0);
    assert_int_equal(d.n, 100);
    assert_int_equal(parse1(typed, "-n", "auto", &d, &e), 0);
    assert_int_equal(d.n, 100); /* the word goes to the callback */
    assert_int_equal(parse1(typed, "-n", "1.7", &d, &e), LLMB_E_INVAL);
    assert_string_equal(e.msg, "-n: '1.7' is not a whole number in [1, 100]");
    assert_int_equal(parse1(typed, "--x", "nan", &d, &e), LLMB_E_INVAL);
    assert_string_equal(e.msg, "--x: 'nan' is not a number in [0, 1]");
    assert_int_equal(parse1(typed, "--x=1e-3", NULL, &d, &e), 0);
    assert_true(d.x == 1e-3);
    assert_int_equal(parse1(typed, "--x=2", NULL, &d, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "--x: '2'")); /* the flag without its "=value" */
    assert_int_equal(parse1(typed, "--seed", "4294967295", &d, &e), 0);
    assert_int_equal(d.seed, 4294967295u);
    assert_int_equal(parse1(typed, "--seed", "99999999999999999999999", &d, &e), LLMB_E_INVAL);
    assert_int_equal(parse1(typed, "--mem", "1.5GiB", &d, &e), 0);
    assert_true(d.mem == 1.5 * 1024 * 1024 * 1024);
    assert_true(llmb_opt_value("4G") == 4.0 * 1024 * 1024 * 1024);
    assert_true(llmb_opt_value("5%") == 5.0);
    assert_int_equal(parse1(typed, "--mem", "4 bananas", &d, &e), LLMB_E_INVAL);
    assert_int_equal(parse1(typed, "-l", "-1,4-16*2", &d, &e), 0);
    assert_int_equal(d.l.n, 4);
    assert_int_equal(d.l.v[0], -1);
    assert_int_equal(d.l.v[3], 16);
    assert_int_equal(parse1(typed, "-l", "8,65", &d, &e), LLMB_E_INVAL);
    assert_string_equal(e.msg, "-l: 65 is not in [-1, 64]");
    assert_int_equal(d.l.n, 4); /* nothing appended from a refused list */
    assert_int_equal(parse1(typed, "-l", "-2", &d, &e), LLMB_E_INVAL);
    assert_int_equal(parse1(typed, "--mode", "off", &d, &e), 0);
    assert_int_equal(parse1(typed, "--mode", "of", &d, &e), LLMB_E_INVAL);
    assert_string_equal(e.msg, "--mode: 'of' is not one of on|off|auto");
    llmb_int_list_free(&d.l);
}

static int numeric(enum llmb_opt_type t)
{
    return t == LLMB_OPT_INT || t == LLMB_OPT_U64 || t == LLMB_OPT_DOUBLE || t == LLMB_OPT_PCT || t == LLMB_OPT_SIZE ||
           t == LLMB_OPT_LIST;
}

static int integral(enum llmb_opt_type t)
{
    return t == LLMB_OPT_INT || t == LLMB_OPT_U64 || t == LLMB_OPT_LIST;
}

/* One refused value: LLMB_E_INVAL, one line, naming the flag. */
static void refused(const struct llmb_opt *t, const char *cmd, const char *flag, const char *val)
{
    static _Alignas(16) char scratch[1 << 16];
    struct llmb_error e;
    int rc = parse1(t, flag, val, scratch, &e);
    if (rc != LLMB_E_INVAL || strncmp(e.msg, flag, strlen(flag)) || strchr(e.msg, '\n'))
        fail_msg("%s %s %s: rc %d, message '%s'", cmd, flag, val, rc, e.msg);
}

static void accepted(const struct llmb_opt *t, const char *cmd, const char *flag, const char *val)
{
    static _Alignas(16) char scratch[1 << 16];
    struct llmb_error e;
    int rc = parse1(t, flag, val, scratch, &e);
    if (rc != LLMB_OK)
        fail_msg("%s %s %s refused: %s", cmd, flag, val, e.msg);
    if (t->type == LLMB_OPT_LIST) /* lists with a destination own memory */
        for (const struct llmb_opt *o = t; o->id; o++)
            if (o->at && o->type == LLMB_OPT_LIST)
                llmb_int_list_free((struct llmb_int_list *)(void *)(scratch + o->at - 1));
}

/* Placeholders that promise a number: such a flag must have a numeric type. */
static int looks_numeric(const char *arg)
{
    static const char *const nums[] = {"N", "SEC", "PCT", "SIZE", "T/S", "X", "T", "N|auto", "MIB[,...]", "N[,...]"};
    for (size_t i = 0; arg && i < sizeof nums / sizeof nums[0]; i++)
        if (!strcmp(arg, nums[i]))
            return 1;
    return 0;
}

/* The defaults --help shows for bench's run settings are the library's
 * (llmb_run_default_params): written twice, kept equal here. */
static void test_bench_defaults_agree(void **state)
{
    (void)state;
    struct llmb_run_params rp = llmb_run_default_params();
    const struct {
        const char *flag;
        double value;
    } want[] = {{"-r,--repetitions", rp.reps},
                {"--ci-target", rp.ci_target_pct},
                {"--max-reps", rp.max_reps},
                {"--max-time", rp.max_time_s},
                {"--seed", rp.seed}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct llmb_opt *o = llmb_bench_opts;
        while (o->id && strcmp(o->names, want[i].flag))
            o++;
        if (!o->id)
            fail_msg("bench has no option %s", want[i].flag);
        assert_non_null(o->def);
        if (strtod(o->def, NULL) != want[i].value)
            fail_msg("bench %s: --help says %s, the library uses %g", want[i].flag, o->def, want[i].value);
    }
}

static void test_walk_every_command(void **state)
{
    (void)state;
    int walked = 0;
    assert_true(llmb_cli_n_commands >= 10);
    for (size_t c = 0; c < llmb_cli_n_commands; c++) {
        const char *cmd = llmb_cli_commands[c].name;
        for (const struct llmb_opt *o = llmb_cli_commands[c].opts; o->id; o++) {
            if (looks_numeric(o->arg) && !numeric(o->type))
                fail_msg("%s %s takes %s but is not typed as a number", cmd, o->names, o->arg);
            if (!numeric(o->type))
                continue;
            char flag[64], v[64];
            snprintf(flag, sizeof flag, "%.*s", (int)strcspn(o->names, ","), o->names);
            assert_true(o->min < o->max); /* every numeric flag has bounds */
            assert_true(o->at == 0 || o->at < 1 << 15);
            const struct llmb_opt one[] = {*o, {0}};
            static const char *const bad[] = {"nan",   "NaN",    "-nan", "inf", "-inf", "infinity",
                                              "1e999", "-1e999", "",     "x",   "1x",   "0x10"};
            for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                refused(one, cmd, flag, bad[i]);
            if (integral(o->type)) {
                refused(one, cmd, flag, "1.5");
                refused(one, cmd, flag, "1e3");
                snprintf(v, sizeof v, "%.0f", o->min - 1);
                refused(one, cmd, flag, v);
                snprintf(v, sizeof v, "%.0f", o->max + 1);
                refused(one, cmd, flag, v);
                snprintf(v, sizeof v, "%.0f", o->min);
                accepted(one, cmd, flag, v);
                snprintf(v, sizeof v, "%.0f", o->max);
                accepted(one, cmd, flag, v);
            } else {
                snprintf(v, sizeof v, "%.17g", o->min - 1 - fabs(o->min) * 0.01);
                refused(one, cmd, flag, v);
                snprintf(v, sizeof v, "%.17g", o->max + 1 + fabs(o->max) * 0.01);
                refused(one, cmd, flag, v);
                snprintf(v, sizeof v, "%.17g", o->max);
                accepted(one, cmd, flag, v);
            }
            if (o->type == LLMB_OPT_LIST) {
                snprintf(v, sizeof v, "%.0f,nan", o->min);
                refused(one, cmd, flag, v);
                snprintf(v, sizeof v, "%.0f,%.0f", o->min, o->max + 1);
                refused(one, cmd, flag, v);
            }
            walked++;
        }
    }
    print_message("walked %d numeric flags of %zu commands\n", walked, llmb_cli_n_commands);
    assert_true(walked >= 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_parse), cmocka_unit_test(test_errors),
                                       cmocka_unit_test(test_typed), cmocka_unit_test(test_walk_every_command),
                                       cmocka_unit_test(test_bench_defaults_agree)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
