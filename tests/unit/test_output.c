/* test_output.c - printers (src/output/): JSON/JSONL parse back with every
 * field, CSV has one value per header column, markdown has llama-bench's
 * columns. Results come from a real runner pass over the null engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/output.h"
#include "llmbench/runner.h"

struct run_out {
    struct llmb_printer *pr;
};

static int to_printer(const struct llmb_result *r, void *user)
{
    return llmb_printer_row(((struct run_out *)user)->pr, r);
}

/* Runs pp16, tg4 and pp8+tg2 on the null engine into format; returns the text. */
static char *render(const char *format, int auto_reps)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct llmb_bench_params bp;
    memset(&bp, 0, sizeof bp);
    struct llmb_error e = {0};
    assert_int_equal(llmb_plan_parse_strs("null:pp_us=1:tg_us=20", &bp.models, &e), 0);
    assert_int_equal(llmb_plan_parse_ints("16", 0, &bp.n_prompt, &e), 0);
    assert_int_equal(llmb_plan_parse_ints("4", 0, &bp.n_gen, &e), 0);
    assert_int_equal(llmb_plan_parse_pg("8,2", &bp.pg, &e), 0);
    assert_int_equal(llmb_bench_params_defaults(&bp, 2), 0);
    struct llmb_instance *v;
    size_t n;
    assert_int_equal(llmb_plan_expand(&bp, &v, &n, &e), 0);
    struct llmb_printer_params pp = {.plan = v, .n_plan = n};
    struct run_out ro = {.pr = llmb_printer_new(format, f, &pp)};
    assert_non_null(ro.pr);
    assert_int_equal(llmb_printer_header(ro.pr), 0);
    struct llmb_run_params rp = llmb_run_default_params();
    rp.reps = 3;
    rp.auto_reps = auto_reps;
    rp.ci_target_pct = 90;
    struct llmb_runner_hooks h = {.on_result = to_printer, .user = &ro};
    assert_int_equal(llmb_runner_run(llmb_engine_find("null"), v, n, &rp, &h, &e), 0);
    assert_int_equal(llmb_printer_footer(ro.pr), 0);
    llmb_printer_free(ro.pr);
    fclose(f);
    free(v);
    llmb_bench_params_free(&bp);
    return buf;
}

static const char *required[] = {
    "build_commit", "model_filename", "model_type", "model_size", "model_n_params", "n_threads", "n_prompt",
    "n_gen", "avg_ts", "stddev_ts", "samples_ns", "samples_ts", "pp_avg_ts", "tg_avg_ts", "ttft_avg_ms",
    "load_ms", "peak_rss_bytes", "file_size", "bpw", "quant_type", "backends", "devices", "reps", "ci95_lo_ts",
    "ci95_hi_ts", "stop_reason", NULL,
};

static void check_obj(json_t *o, int idx)
{
    assert_true(json_is_object(o));
    for (int i = 0; required[i]; i++)
        if (!json_object_get(o, required[i]))
            fail_msg("row %d lacks '%s'", idx, required[i]);
    assert_int_equal(json_array_size(json_object_get(o, "samples_ns")), 3);
    assert_int_equal(json_integer_value(json_object_get(o, "reps")), 3);
    assert_true(json_real_value(json_object_get(o, "avg_ts")) > 0);
    assert_true(json_real_value(json_object_get(o, "ci95_lo_ts")) <= json_real_value(json_object_get(o, "avg_ts")));
}

static void test_json(void **state)
{
    (void)state;
    char *s = render("json", 0);
    json_error_t je;
    json_t *a = json_loads(s, 0, &je);
    if (!a)
        fail_msg("invalid JSON at line %d: %s\n%s", je.line, je.text, s);
    assert_true(json_is_array(a));
    assert_int_equal(json_array_size(a), 3);
    for (size_t i = 0; i < 3; i++)
        check_obj(json_array_get(a, i), (int)i);
    /* pp-only row has no tg rate, tg-only row no pp rate, pg row both */
    assert_true(json_is_null(json_object_get(json_array_get(a, 0), "tg_avg_ts")));
    assert_true(json_is_null(json_object_get(json_array_get(a, 1), "pp_avg_ts")));
    assert_true(json_is_real(json_object_get(json_array_get(a, 2), "pp_avg_ts")));
    assert_true(json_is_real(json_object_get(json_array_get(a, 2), "tg_avg_ts")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 2), "test")), "pp8+tg2");
    json_decref(a);
    free(s);
}

static void test_jsonl(void **state)
{
    (void)state;
    char *s = render("jsonl", 0);
    int lines = 0;
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        json_error_t je;
        json_t *o = json_loads(line, 0, &je);
        if (!o)
            fail_msg("line %d is not JSON: %s", lines + 1, je.text);
        check_obj(o, lines++);
        json_decref(o);
    }
    assert_int_equal(lines, 3);
    free(s);
}

static int count_fields(const char *line)
{
    int n = 1, q = 0;
    for (const char *p = line; *p && *p != '\n'; p++) {
        if (*p == '"')
            q = !q;
        else if (*p == ',' && !q)
            n++;
    }
    return n;
}

static void test_csv(void **state)
{
    (void)state;
    char *s = render("csv", 0);
    char *save, *line = strtok_r(s, "\n", &save);
    assert_non_null(line);
    assert_true(strncmp(line, "build_commit,build_number,cpu_info", 34) == 0);
    int cols = count_fields(line), rows = 0;
    assert_null(strstr(line, "samples_ns")); /* arrays stay in JSON */
    while ((line = strtok_r(NULL, "\n", &save))) {
        assert_int_equal(count_fields(line), cols);
        rows++;
    }
    assert_int_equal(rows, 3);
    free(s);
}

static void test_md(void **state)
{
    (void)state;
    char *s = render("md", 0);
    assert_non_null(strstr(s, "| model                          |       size |     params | backend    | threads |"));
    assert_non_null(strstr(s, "|            test |                  t/s |"));
    assert_non_null(strstr(s, "pp16"));
    assert_non_null(strstr(s, "tg4"));
    assert_non_null(strstr(s, "pp8+tg2"));
    assert_non_null(strstr(s, "\xc2\xb1"));
    assert_non_null(strstr(s, "\nbuild: null (0)\n"));
    assert_null(strstr(s, "95% CI"));
    free(s);
    s = render("md", 1);
    assert_non_null(strstr(s, "95% CI t/s"));
    free(s);
}

static void test_unknown(void **state)
{
    (void)state;
    assert_null(llmb_printer_new("xml", stdout, NULL));
    assert_false(llmb_output_format_known("xml"));
    assert_true(llmb_output_format_known("jsonl"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json), cmocka_unit_test(test_jsonl), cmocka_unit_test(test_csv),
        cmocka_unit_test(test_md),   cmocka_unit_test(test_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
