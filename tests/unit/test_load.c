/* test_load.c - the serving-load workload's own parts (src/workload/load*.c):
 * its figures computed from hand-made requests as vLLM's bench serve defines
 * them (TTFT, TPOT excluding one-token answers, ITL pooled over requests,
 * E2EL, throughputs over the run's duration, goodput against SLOs, failures
 * by kind, token counts from usage or counted), --slo parsing, the profile's
 * text, and the request bodies (unique prompt prefixes, reproducible,
 * stream_options.include_usage, chat messages, JSONL prompts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workload/load_data.h"
#include "workload/load_int.h"

#define MS 1000000ull
#define T0 (1000 * MS)

static struct llmb_http_record *rec(struct llmb_load_reqs *q, uint64_t send, uint64_t end, const uint64_t *tok,
                                    uint32_t n, int reason)
{
    struct llmb_http_record *r = llmb_load_reqs_add(q);
    r->t_send = T0 + send * MS;
    r->t_end = T0 + end * MS;
    r->tok_ns = n ? malloc(n * sizeof *r->tok_ns) : NULL;
    for (uint32_t i = 0; i < n; i++)
        r->tok_ns[i] = T0 + tok[i] * MS;
    r->n_tok = r->cap_tok = n;
    r->t_first = n ? r->tok_ns[0] : 0;
    r->reason = reason;
    r->n_out = n;
    r->n_in = -1;
    return r;
}

static void test_figures(void **state)
{
    (void)state;
    struct llmb_load_params p = llmb_load_default_params();
    p.url = "http://user:pw@127.0.0.1:9/v1";
    p.slo_ttft_ms = 50;
    struct llmb_load_reqs q = {.t0 = T0};
    const uint64_t a[] = {10, 12, 16}, b[] = {105};
    struct llmb_http_record *ra = rec(&q, 0, 20, a, 3, LLMB_HTTP_OK);
    ra->usage_known = 1, ra->n_in = 7;
    struct llmb_http_record *rb = rec(&q, 5, 110, b, 1, LLMB_HTTP_OK);
    rb->usage_known = 1, rb->n_in = 9;
    struct llmb_http_record *rc = rec(&q, 6, 8, NULL, 0, LLMB_HTTP_STATUS);
    rc->status = 429;
    struct llmb_load_summary s;
    struct llmb_error e;
    assert_int_equal(llmb_load_summarize(&p, &q, 0.011, &s, &e), 0);
    const double *v = s.fig.v;
    assert_int_equal(s.n_ok, 2);
    assert_true(fabs(v[LLMB_LOADF_DURATION] - 0.110) < 1e-9);
    assert_true(fabs(v[LLMB_LOADF_REQ_S] - 2 / 0.110) < 1e-6);
    assert_true(fabs(v[LLMB_LOADF_OUT_TS] - 4 / 0.110) < 1e-6);
    assert_true(fabs(v[LLMB_LOADF_TOTAL_TS] - 20 / 0.110) < 1e-6);
    assert_int_equal((int)v[LLMB_LOADF_GOOD], 1);
    assert_true(fabs(v[LLMB_LOADF_TTFT_MEAN] - 55) < 1e-9);
    assert_true(fabs(v[LLMB_LOADF_TTFT_P90] - 91) < 1e-9); /* numpy: 10 + 0.9 * 90 */
    assert_true(fabs(v[LLMB_LOADF_TPOT_MEAN] - 5) < 1e-9); /* only A: (20 - 10) / 2 */
    assert_true(fabs(v[LLMB_LOADF_TPOT_MAX] - 5) < 1e-9);
    assert_true(fabs(v[LLMB_LOADF_ITL_MEAN] - 3) < 1e-9); /* gaps 2 and 4 */
    assert_true(fabs(v[LLMB_LOADF_ITL_MAX] - 4) < 1e-9);
    assert_true(fabs(v[LLMB_LOADF_E2EL_P50] - 62.5) < 1e-9);
    assert_true(fabs(v[LLMB_LOADF_CPU_REQ] - 11.0 / 3) < 1e-9);
    assert_true(fabs(v[LLMB_LOADF_CPU_TOK] - 11000.0 / 4) < 1e-6);
    assert_false(s.fig.known >> LLMB_LOADF_STAMP_MEAN & 1);
    assert_string_equal(s.fig.errors, "http_429:1");
    assert_string_equal(s.fig.counts, "usage");
    assert_string_equal(s.fig.url, "http://127.0.0.1:9/v1"); /* no user, no password */
    assert_string_equal(s.fig.slo, "ttft=50ms");
    assert_int_equal(s.ttft_ns[1], 100 * MS);
    assert_int_equal(s.e2e_ns[0], 20 * MS);
    llmb_load_summary_free(&s);
    /* counted tokens: input unknown, throughput of input too */
    ra->usage_known = 0;
    assert_int_equal(llmb_load_summarize(&p, &q, 0.0, &s, &e), 0);
    assert_string_equal(s.fig.counts, "mixed");
    assert_false(s.fig.known >> LLMB_LOADF_IN_TOKENS & 1);
    assert_false(s.fig.known >> LLMB_LOADF_TOTAL_TS & 1);
    llmb_load_summary_free(&s);
    llmb_load_reqs_free(&q);
    /* none completed: an error naming the first failure */
    struct llmb_load_reqs q2 = {.t0 = T0};
    struct llmb_http_record *r = rec(&q2, 0, 1, NULL, 0, LLMB_HTTP_CONNECT);
    snprintf(r->detail, sizeof r->detail, "refused");
    assert_int_equal(llmb_load_summarize(&p, &q2, 0, &s, &e), LLMB_E_FAILED);
    assert_non_null(strstr(e.msg, "connect: refused"));
    assert_null(s.e2e_ns);
    llmb_load_reqs_free(&q2);
}

static void test_slo(void **state)
{
    (void)state;
    struct llmb_load_params p = llmb_load_default_params();
    struct llmb_error e;
    assert_int_equal(llmb_load_parse_slo("ttft=200ms,tpot=50ms", &p, &e), 0);
    assert_true(p.slo_ttft_ms == 200 && p.slo_tpot_ms == 50 && p.slo_e2el_ms == 0);
    assert_int_equal(llmb_load_parse_slo("e2el=2s,ttft=0.5", &p, &e), 0);
    assert_true(p.slo_e2el_ms == 2000 && p.slo_ttft_ms == 0.5 && p.slo_tpot_ms == 0);
    const char *bad[] = {"",          "ttft",      "ttft=",    "ttft=-1ms",        "ttft=5min",
                         "speed=1ms", "ttft=1ms,", "ttft=nan", "ttft=1ms;tpot=2ms"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(llmb_load_parse_slo(bad[i], &p, &e), LLMB_E_INVAL);
}

static void test_profile(void **state)
{
    (void)state;
    struct llmb_load_params p = llmb_load_default_params();
    char buf[256];
    llmb_load_profile_text(&p, buf, sizeof buf);
    assert_string_equal(buf, "completions c=1 rate=inf in=128 out=32 data=random");
    p.endpoint = LLMB_LOAD_CHAT, p.concurrency = 0, p.rate = 2.5, p.burstiness = 0.5, p.dataset = "/x/sharegpt.jsonl";
    p.stream = 0;
    llmb_load_profile_text(&p, buf, sizeof buf);
    assert_string_equal(buf, "chat c=inf rate=2.5 burst=0.5 out=32 data=sharegpt.jsonl stream=0");
}

static void test_bodies(void **state)
{
    (void)state;
    struct llmb_load_params p = llmb_load_default_params();
    struct llmb_load_data d = {0};
    p.model = "m";
    p.input_len = 5;
    char *b0 = llmb_load_body(&p, &d, 0), *b1 = llmb_load_body(&p, &d, 1), *again = llmb_load_body(&p, &d, 0);
    assert_string_equal(b0, again); /* reproducible */
    json_t *o = json_loads(b0, 0, NULL), *o1 = json_loads(b1, 0, NULL);
    const char *pr = json_string_value(json_object_get(o, "prompt"));
    assert_non_null(strstr(pr, "request 42-0:"));
    assert_non_null(strstr(json_string_value(json_object_get(o1, "prompt")), "request 42-1:"));
    int words = 0;
    for (const char *c = pr; *c; c++)
        words += *c == ' ';
    assert_int_equal(words, 1 + 5);
    assert_int_equal(json_integer_value(json_object_get(o, "max_tokens")), 32);
    assert_true(json_is_true(json_object_get(json_object_get(o, "stream_options"), "include_usage")));
    assert_true(json_is_true(json_object_get(o, "stream")));
    json_decref(o), json_decref(o1);
    free(b0), free(b1), free(again);
    /* chat from a JSONL file */
    char path[] = "/tmp/llmb-load-XXXXXX";
    int fd = mkstemp(path);
    const char *text = "{\"prompt\": \"p1\", \"max_tokens\": 3}\n\n"
                       "{\"conversations\": [{\"from\": \"human\", \"value\": \"q2\"}, {\"from\": \"gpt\", \"value\": "
                       "\"a b c d\"}]}\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct llmb_error e;
    p.dataset = path;
    p.endpoint = LLMB_LOAD_CHAT;
    p.stream = 0;
    assert_int_equal(llmb_load_data_open(&p, &d, &e), 0);
    assert_int_equal(d.n, 2);
    char *b = llmb_load_body(&p, &d, 3); /* cycles: the second */
    o = json_loads(b, 0, NULL);
    json_t *m = json_array_get(json_object_get(o, "messages"), 0);
    assert_string_equal(json_string_value(json_object_get(m, "content")), "q2");
    assert_int_equal(json_integer_value(json_object_get(o, "max_tokens")), 4);
    assert_null(json_object_get(o, "stream_options"));
    json_decref(o);
    free(b);
    llmb_load_data_free(&d);
    /* a line that is not a prompt: named */
    FILE *f = fopen(path, "w");
    fputs("{\"prompt\": \"ok\"}\n[1,2]\n", f);
    fclose(f);
    assert_int_equal(llmb_load_data_open(&p, &d, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "line 2"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures),
        cmocka_unit_test(test_slo),
        cmocka_unit_test(test_profile),
        cmocka_unit_test(test_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
