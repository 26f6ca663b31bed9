/* test_load.c - the serving-load workload's own parts (src/workload/load*.c):
 * its figures computed from hand-made requests as vLLM's bench serve defines
 * them (TTFT, TPOT excluding one-token answers, ITL pooled over requests,
 * E2EL, throughputs over the run's duration, goodput against SLOs, failures
 * by kind, token counts from usage or counted), --slo parsing, the profile's
 * text, and the request bodies (unique prompt prefixes, reproducible,
 * stream_options.include_usage, chat messages, JSONL prompts, a prefix
 * share, a prompt suite's prompts); the prefix cache's hit rate, the offered
 * and end rates; --sweep parsing and the knee rule. */
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

#include "llmbench/quality.h"
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

/* cache figures pooled over the completed requests whose server said; the
 * offered rate from the schedule, the end rate from completions */
static void test_cache_and_rates(void **state)
{
    (void)state;
    struct llmb_load_params p = llmb_load_default_params();
    p.url = "http://127.0.0.1:9";
    struct llmb_load_reqs q = {.t0 = T0};
    const uint64_t a[] = {10, 12}, b[] = {30, 31}, c[] = {50, 52};
    struct llmb_http_record *ra = rec(&q, 0, 20, a, 2, LLMB_HTTP_OK), *rb = rec(&q, 20, 40, b, 2, LLMB_HTTP_OK);
    struct llmb_http_record *rc = rec(&q, 40, 60, c, 2, LLMB_HTTP_OK),
                            *rd = rec(&q, 45, 46, NULL, 0, LLMB_HTTP_DROPPED);
    struct llmb_load_summary s;
    struct llmb_error e;
    assert_int_equal(llmb_load_summarize(&p, &q, 0, &s, &e), 0);
    assert_false(s.fig.known >> LLMB_LOADF_CACHED & 1); /* no server said: unknown, not 0 */
    assert_false(s.fig.known >> LLMB_LOADF_HIT_RATE & 1);
    assert_false(s.fig.known >> LLMB_LOADF_OFFERED & 1);                /* no rate: no schedule */
    assert_true(fabs(s.fig.v[LLMB_LOADF_END_RATE] - 2 / 0.040) < 1e-6); /* ends at 20, 40, 60 ms */
    llmb_load_summary_free(&s);
    ra->cache_known = 1, ra->n_cached = 30, ra->n_cached_of = 40;
    rb->cache_known = 2, rb->n_cached = 0, rb->n_cached_of = 20;
    rd->cache_known = 1, rd->n_cached = 99, rd->n_cached_of = 99; /* failed: left out */
    (void)rc;                                                     /* said nothing: left out */
    p.rate = 50;
    q.sched_first = T0, q.sched_last = T0 + 60 * MS; /* 4 sent over 60 ms of schedule */
    assert_int_equal(llmb_load_summarize(&p, &q, 0, &s, &e), 0);
    assert_int_equal((int)s.fig.v[LLMB_LOADF_CACHED], 30);
    assert_true(fabs(s.fig.v[LLMB_LOADF_HIT_RATE] - 0.5) < 1e-12);
    assert_true(fabs(s.fig.v[LLMB_LOADF_OFFERED] - 3 / 0.060) < 1e-6);
    llmb_load_summary_free(&s);
    llmb_load_reqs_free(&q);
}

static void test_sweep_parse(void **state)
{
    (void)state;
    struct llmb_load_sweep sw = {.max_steps = 5};
    struct llmb_error e;
    assert_int_equal(llmb_load_parse_sweep("1,2.5,8", &sw, &e), 0);
    assert_int_equal(sw.n_rates, 3);
    assert_true(sw.rates[0] == 1 && sw.rates[1] == 2.5 && sw.rates[2] == 8 && !sw.is_auto && sw.max_steps == 5);
    assert_int_equal(llmb_load_parse_sweep("auto", &sw, &e), 0);
    assert_true(sw.is_auto && sw.n_rates == 0 && sw.max_steps == 5);
    const char *bad[] = {"", "0", "-1", "2,1", "1,1", "1,,2", "1,", "x", "1e9", "nan", "inf", "4req", "auto,1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(llmb_load_parse_sweep(bad[i], &sw, &e), LLMB_E_INVAL);
        assert_non_null(strstr(e.msg, "--sweep"));
    }
    char many[256] = "1";
    for (int i = 2; i <= LLMB_LOAD_SWEEP_MAX + 1; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), ",%d", i);
    assert_int_equal(llmb_load_parse_sweep(many, &sw, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "at most"));
}

static struct llmb_load_figures step(double offered, double ended, double ttft_p50)
{
    struct llmb_load_figures f = {0};
    f.v[LLMB_LOADF_OFFERED] = offered, f.v[LLMB_LOADF_END_RATE] = ended, f.v[LLMB_LOADF_TTFT_P50] = ttft_p50;
    f.known = 1ull << LLMB_LOADF_OFFERED | 1ull << LLMB_LOADF_END_RATE | 1ull << LLMB_LOADF_TTFT_P50;
    return f;
}

static void test_knee(void **state)
{
    (void)state;
    struct llmb_load_figures f[] = {step(1, 1.02, 100), step(2, 1.9, 150), step(4, 3.7, 200), step(8, 5, 900),
                                    step(16, 16, 100)};
    const struct llmb_load_figures *v[] = {&f[0], &f[1], &f[2], &f[3], &f[4]};
    assert_true(llmb_load_step_follows(&f[2], &f[0]));  /* 92.5%, 2x TTFT at most */
    assert_false(llmb_load_step_follows(&f[3], &f[0])); /* 62.5% */
    assert_int_equal(llmb_load_sweep_knee(v, 5), 2);    /* the leading run: a later lucky step does not count */
    f[2] = step(4, 3.5, 200);                           /* 87.5% */
    assert_int_equal(llmb_load_sweep_knee(v, 5), 1);
    f[1] = step(2, 2, 201); /* TTFT past 2x */
    assert_int_equal(llmb_load_sweep_knee(v, 5), 0);
    f[0] = step(1, 0.8, 100);
    assert_int_equal(llmb_load_sweep_knee(v, 5), -1);
    /* a fast first step: 10 ms of slack */
    struct llmb_load_figures a = step(1, 1, 2), b = step(2, 2, 11.5), c = step(2, 2, 12.5);
    assert_true(llmb_load_step_follows(&b, &a));
    assert_false(llmb_load_step_follows(&c, &a));
    b.known &= ~(1ull << LLMB_LOADF_OFFERED); /* unknown: does not follow */
    assert_false(llmb_load_step_follows(&b, &a));
}

/* --prefix-share: the first F of the words are the same in every request,
 * the marker and the rest differ */
static void test_prefix_share(void **state)
{
    (void)state;
    struct llmb_load_params p = llmb_load_default_params();
    struct llmb_load_data d = {0};
    p.model = "m";
    p.input_len = 10;
    p.prefix_share = 0.5;
    char *b0 = llmb_load_body(&p, &d, 0), *b1 = llmb_load_body(&p, &d, 1);
    json_t *o0 = json_loads(b0, 0, NULL), *o1 = json_loads(b1, 0, NULL);
    const char *p0 = json_string_value(json_object_get(o0, "prompt")),
               *p1 = json_string_value(json_object_get(o1, "prompt"));
    const char *m0 = strstr(p0, " request 42-0:"), *m1 = strstr(p1, " request 42-1:");
    assert_non_null(m0);
    assert_non_null(m1);
    assert_int_equal(m0 - p0, m1 - p1);
    assert_memory_equal(p0, p1, (size_t)(m0 - p0)); /* the shared part */
    int w0 = 0, w1 = 0;
    for (const char *c = p0; c < m0; c++)
        w0 += *c == ' ';
    assert_int_equal(w0 + 1, 5); /* 5 words before the marker */
    for (const char *c = p0; *c; c++)
        w1 += *c == ' ';
    assert_int_equal(w1 + 1, 10 + 2);          /* 10 words and the marker's two */
    assert_string_not_equal(m0 + 14, m1 + 14); /* the unique part */
    json_decref(o0), json_decref(o1);
    free(b0), free(b1);
    p.prefix_share = 1;
    b0 = llmb_load_body(&p, &d, 7);
    o0 = json_loads(b0, 0, NULL);
    p0 = json_string_value(json_object_get(o0, "prompt"));
    assert_non_null(strstr(p0, " request 42-7:"));
    assert_int_equal(strlen(strstr(p0, " request 42-7:")), strlen(" request 42-7:")); /* nothing unique after */
    json_decref(o0);
    free(b0);
    char buf[256];
    p.prefix_share = 0.25;
    llmb_load_profile_text(&p, buf, sizeof buf);
    assert_string_equal(buf, "completions c=1 rate=inf in=10 share=0.25 out=32 data=random");
}

/* --dataset suite and suite:FILE: each prompt of the suite is a request, cycled */
static void test_suite_dataset(void **state)
{
    (void)state;
    struct llmb_load_params p = llmb_load_default_params();
    struct llmb_load_data d;
    struct llmb_error e;
    struct llmb_suite su;
    char buf[256];
    p.model = "m";
    p.dataset = "suite";
    assert_int_equal(llmb_suite_load(NULL, &su, &e), 0);
    assert_int_equal(llmb_load_data_open(&p, &d, &e), 0);
    assert_int_equal(d.n, su.n);
    char *b = llmb_load_body(&p, &d, su.n + 1); /* cycles */
    json_t *o = json_loads(b, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(o, "prompt")), su.items[1].prompt);
    assert_int_equal(json_integer_value(json_object_get(o, "max_tokens")), 32);
    json_decref(o);
    free(b);
    llmb_load_data_free(&d);
    llmb_suite_free(&su);
    llmb_load_profile_text(&p, buf, sizeof buf);
    assert_string_equal(buf, "completions c=1 rate=inf out=32 data=suite:default");
    char path[] = "/tmp/llmb-suite-XXXXXX";
    int fd = mkstemp(path);
    const char *text =
        "{\"name\": \"two\", \"prompts\": [{\"id\": \"a\", \"category\": \"x\", \"prompt\": \"first one\"},"
        " {\"id\": \"b\", \"category\": \"x\", \"prompt\": \"second\"}, {\"id\": \"c\"}]}";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char ds[64];
    snprintf(ds, sizeof ds, "suite:%s", path);
    p.dataset = ds;
    p.endpoint = LLMB_LOAD_CHAT;
    assert_int_equal(llmb_load_data_open(&p, &d, &e), 0);
    assert_int_equal(d.n, 2); /* the entry without a prompt left out */
    b = llmb_load_body(&p, &d, 2);
    o = json_loads(b, 0, NULL);
    json_t *m = json_array_get(json_object_get(o, "messages"), 0);
    assert_string_equal(json_string_value(json_object_get(m, "content")), "first one");
    assert_string_equal(json_string_value(json_object_get(m, "role")), "user");
    json_decref(o);
    free(b);
    llmb_load_data_free(&d);
    llmb_load_profile_text(&p, buf, sizeof buf);
    assert_non_null(strstr(buf, " data=suite:llmb-suite-"));
    unlink(path);
    assert_int_equal(llmb_load_data_open(&p, &d, &e), LLMB_E_INVAL); /* gone */
    p.dataset = "suite:";
    assert_int_equal(llmb_load_data_open(&p, &d, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "names no file"));
    assert_false(llmb_load_is_suite("suites.jsonl", NULL));
    assert_false(llmb_load_is_suite(NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures),
        cmocka_unit_test(test_slo),
        cmocka_unit_test(test_profile),
        cmocka_unit_test(test_bodies),
        cmocka_unit_test(test_cache_and_rates),
        cmocka_unit_test(test_sweep_parse),
        cmocka_unit_test(test_knee),
        cmocka_unit_test(test_prefix_share),
        cmocka_unit_test(test_suite_dataset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
