/* test_jvalue.c - exact values in JSON and CSV (src/output/jvalue.c,
 * src/base/utf8.c), from the problems they answer: a NaN perplexity
 * dropped the "ppl" key and shifted CSV columns; a model path with byte
 * 0xff vanished from JSON (and export -> import failed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "llmbench/output.h"
#include "llmbench/runner.h"
#include "output/jvalue.h"
#include "output/printer.h"

static void test_utf8(void **state)
{
    (void)state;
    size_t bad = 99;
    const char *good = "plain \xc2\xb1 \xe2\x82\xac \xf0\x9f\x98\x80";
    assert_true(llmb_utf8_valid(good, strlen(good), &bad));
    assert_false(llmb_utf8_valid("/tmp/\xff\xfe", 7, &bad));
    assert_int_equal(bad, 5);
    assert_false(llmb_utf8_valid("\xc0\xaf", 2, &bad));         /* overlong '/' */
    assert_false(llmb_utf8_valid("\xed\xa0\x80", 3, &bad));     /* a surrogate */
    assert_false(llmb_utf8_valid("\xf4\x90\x80\x80", 4, &bad)); /* above U+10FFFF */
    assert_false(llmb_utf8_valid("ab\xe2\x82", 4, &bad));       /* cut inside a character */
    assert_int_equal(bad, 2);
}

static void test_nonfinite(void **state)
{
    (void)state;
    json_t *o = json_object();
    json_object_set_new(o, "ppl", llmb_jreal(NAN));
    json_object_set_new(o, "kld_max", llmb_jreal(INFINITY));
    json_object_set_new(o, "ok", llmb_jreal(1.5));
    json_object_set_new(o, "unknown", llmb_jnum(NAN, 0));
    json_t *a = json_array();
    json_array_append_new(a, llmb_jreal(2.0));
    json_array_append_new(a, llmb_jreal(-INFINITY));
    json_object_set_new(o, "samples", a);
    llmb_json_finish(o);
    /* every key kept, in its place, null where the number is not one; the flag last */
    const char *want[] = {"ppl", "kld_max", "ok", "unknown", "samples", "nonfinite"};
    const char *k;
    json_t *v;
    size_t i = 0;
    json_object_foreach(o, k, v) assert_string_equal(k, want[i++]);
    assert_int_equal(i, 6);
    assert_true(json_is_null(json_object_get(o, "ppl")) && json_is_null(json_object_get(o, "kld_max")));
    assert_true(json_is_null(json_array_get(a, 1)));
    assert_string_equal(json_string_value(json_object_get(o, "nonfinite")), "ppl=nan,kld_max=inf,samples[1]=-inf");
    char *s = json_dumps(o, JSON_COMPACT);
    assert_non_null(s); /* dumps: nothing jansson refuses */
    free(s);
    json_decref(o);
    /* all finite: the flag is null, still there */
    o = json_object();
    json_object_set_new(o, "x", llmb_jreal(1));
    llmb_json_finish(o);
    assert_true(json_is_null(json_object_get(o, "nonfinite")));
    json_decref(o);
}

static void test_bytes(void **state)
{
    (void)state;
    json_t *o = json_object();
    json_object_set_new(o, "model_filename", llmb_jstr("/tmp/\xff\xfe-\xc3\x28.gguf"));
    json_object_set_new(o, "fine", llmb_jstr("caf\xc3\xa9"));
    json_object_set_new(o, "none", llmb_jstr(NULL));
    /* the bytes are kept (what CSV and SQL write) */
    assert_string_equal(json_string_value(json_object_get(o, "model_filename")), "/tmp/\xff\xfe-\xc3\x28.gguf");
    assert_int_equal(llmb_json_escape(o), 0);
    char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    assert_non_null(s);
    assert_string_equal(s, "{\"model_filename\":\"/tmp/\\uFFFD\\uFFFD-\\uFFFD(.gguf\",\"fine\":\"caf\\u00E9\","
                           "\"none\":null,\"bytes_hex\":{\"model_filename\":\"2f746d702ffffe2dc3282e67677566\"}}");
    free(s);
    char *back = llmb_hex_decode(json_string_value(json_object_get(json_object_get(o, "bytes_hex"),
                                                                    "model_filename")));
    assert_string_equal(back, "/tmp/\xff\xfe-\xc3\x28.gguf");
    free(back);
    json_decref(o);
}

/* A result whose figures are not numbers: the CSV row has the header's columns. */
static void test_csv_columns(void **state)
{
    (void)state;
    struct llmb_result r;
    memset(&r, 0, sizeof r);
    uint64_t ns[2] = {1000, 0};
    r.inst.model = "m.gguf";
    r.inst.type_k = r.inst.type_v = "f16";
    r.inst.n_prompt = 8;
    r.n_samples = 2;
    r.total_ns = r.pp_ns = r.tg_ns = r.ttft_ns = ns;
    r.ts.n = 2;
    r.ts.mean = NAN;
    r.ts.stddev = INFINITY;
    r.pp_ts.n = 2;
    r.pp_ts.mean = NAN;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct llmb_printer *p = llmb_printer_new("csv", f, NULL);
    assert_int_equal(llmb_printer_header(p), 0);
    assert_int_equal(llmb_printer_row(p, &r), 0);
    assert_int_equal(llmb_printer_footer(p), 0);
    llmb_printer_free(p);
    fclose(f);
    char *nl = strchr(buf, '\n');
    assert_non_null(nl);
    *nl = 0;
    int h = 1, c = 1, q = 0;
    for (char *x = buf; *x; x++)
        h += *x == ',';
    for (char *x = nl + 1; *x && *x != '\n'; x++) {
        q ^= *x == '"';
        c += *x == ',' && !q;
    }
    assert_int_equal(h, c);
    assert_non_null(strstr(buf, ",nonfinite"));
    assert_non_null(strstr(nl + 1, "avg_ts=nan,stddev_ts=inf"));
    free(buf);
    json_t *o = llmb_result_json(&r, 0); /* JSON: the keys stay */
    assert_true(json_is_null(json_object_get(o, "avg_ts")));
    assert_non_null(json_object_get(o, "pp_avg_ts"));
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_nonfinite),
        cmocka_unit_test(test_bytes),
        cmocka_unit_test(test_csv_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
