/* test_http.c - the stream readers of src/http: the line reader (sse.c) gives
 * the same lines however the bytes are cut, drops "\r", keeps the last line
 * without a newline, and refuses a line past its bound without growing past
 * it (a 10 MB line); the chunk reader (chunk.c) reads completions and chat
 * chunks, usage (its cached_tokens too), llama-server's timings (cache_n), the mock's send stamp, [DONE],
 * comments, error objects and malformed lines, and whole bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/client.h"
#include "http/sse.h"

struct got {
    char text[4096];
    size_t n;
};

static int collect(const char *line, size_t len, void *user)
{
    struct got *g = user;
    assert_int_equal(strlen(line), len); /* NUL-terminated at len */
    size_t at = strlen(g->text);
    snprintf(g->text + at, sizeof g->text - at, "[%s]", line);
    g->n++;
    return 0;
}

static void test_lines_any_cut(void **state)
{
    (void)state;
    const char *in = "data: {\"a\":1}\r\n\r\n: comment\ndata: [DONE]\nlast";
    size_t n = strlen(in);
    for (size_t step = 1; step <= n; step++) {
        struct llmb_http_lines l;
        struct got g = {0};
        llmb_http_lines_init(&l, 64);
        for (size_t at = 0; at < n; at += step)
            assert_int_equal(llmb_http_lines_feed(&l, in + at, at + step > n ? n - at : step, collect, &g), 0);
        assert_int_equal(llmb_http_lines_finish(&l, collect, &g), 0);
        assert_string_equal(g.text, "[data: {\"a\":1}][][: comment][data: [DONE]][last]");
        llmb_http_lines_free(&l);
    }
}

static int stop_at_second(const char *line, size_t len, void *user)
{
    (void)line;
    (void)len;
    return ++*(int *)user == 2 ? 7 : 0;
}

static void test_lines_bound(void **state)
{
    (void)state;
    struct llmb_http_lines l;
    struct got g = {0};
    llmb_http_lines_init(&l, 1024);
    size_t big = 10u << 20;
    char *buf = malloc(65536);
    memset(buf, 'x', 65536);
    int rc = 0;
    for (size_t at = 0; at < big && !rc; at += 65536)
        rc = llmb_http_lines_feed(&l, buf, 65536, collect, &g);
    assert_int_equal(rc, LLMB_LINES_TOO_LONG);
    assert_true(l.cap <= 1025); /* never past the bound */
    assert_int_equal(g.n, 0);
    assert_int_equal(llmb_http_lines_feed(&l, "\n", 1, collect, &g), LLMB_LINES_TOO_LONG); /* stays refused */
    llmb_http_lines_free(&l);
    llmb_http_lines_free(NULL);
    /* exactly the bound is fine */
    llmb_http_lines_init(&l, 8);
    assert_int_equal(llmb_http_lines_feed(&l, "12345678\n123456789", 18, collect, &g), LLMB_LINES_TOO_LONG);
    assert_string_equal(g.text, "[12345678]");
    llmb_http_lines_free(&l);
    /* the callback's value stops the feed */
    int k = 0;
    llmb_http_lines_init(&l, 0);
    assert_int_equal(llmb_http_lines_feed(&l, "a\nb\nc\n", 6, stop_at_second, &k), 7);
    assert_int_equal(k, 2);
    llmb_http_lines_free(&l);
    free(buf);
}

static void chunk(const char *line, struct llmb_http_chunk *c)
{
    llmb_http_chunk_parse(line, strlen(line), c);
}

static void test_chunks(void **state)
{
    (void)state;
    struct llmb_http_chunk c;
    chunk("data: {\"choices\":[{\"index\":0,\"text\":\" hello\",\"finish_reason\":null}],\"t_send_ns\":123}", &c);
    assert_int_equal(c.kind, LLMB_CHUNK_DATA);
    assert_int_equal(c.text_len, 6);
    assert_int_equal(c.finished, 0);
    assert_int_equal(c.t_send_ns, 123);
    chunk("data:{\"choices\":[{\"delta\":{\"content\":\"ab\"},\"finish_reason\":\"length\"}]}", &c);
    assert_int_equal(c.kind, LLMB_CHUNK_DATA);
    assert_int_equal(c.text_len, 2);
    assert_int_equal(c.finished, 1);
    chunk("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}", &c); /* no text: no token */
    assert_int_equal(c.kind, LLMB_CHUNK_DATA);
    assert_int_equal(c.text_len, 0);
    chunk("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":34},"
          "\"timings\":{\"prompt_n\":12,\"prompt_ms\":1.5,\"predicted_n\":34,\"predicted_ms\":20.25}}",
          &c);
    assert_int_equal(c.kind, LLMB_CHUNK_DATA);
    assert_true(c.has_usage);
    assert_int_equal(c.prompt_tokens, 12);
    assert_int_equal(c.completion_tokens, 34);
    assert_true(c.has_timings);
    assert_true(c.prompt_ms == 1.5 && c.predicted_ms == 20.25 && c.predicted_n == 34);
    assert_false(c.has_cached); /* no cache figures: unknown, not 0 */
    assert_false(c.has_cache_n);
    /* the prefix cache as vLLM/OpenAI say it, and as llama-server's timings do */
    chunk("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":3,"
          "\"prompt_tokens_details\":{\"cached_tokens\":32}},\"timings\":{\"cache_n\":30,\"prompt_n\":10}}",
          &c);
    assert_true(c.has_cached && c.cached_tokens == 32);
    assert_true(c.has_cache_n && c.cache_n == 30 && c.cache_prompt_n == 10);
    assert_false(c.has_timings); /* timings without their times */
    chunk("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":3,"
          "\"prompt_tokens_details\":null}}",
          &c);
    assert_true(c.has_usage);
    assert_false(c.has_cached); /* vLLM without prefix-caching stats */
    chunk("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":3,"
          "\"prompt_tokens_details\":{\"cached_tokens\":5}}}",
          &c);
    assert_false(c.has_cached); /* more cached than the prompt: not believed */
    chunk("data: {\"choices\":[],\"timings\":{\"cache_n\":-1,\"prompt_n\":10}}", &c);
    assert_false(c.has_cache_n);
    /* counts no long holds (fuzz_sse found 4e58 cast to long): no usage, no cache */
    chunk("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4e58,\"completion_tokens\":3,"
          "\"prompt_tokens_details\":{\"cached_tokens\":1e300}}}",
          &c);
    assert_false(c.has_usage || c.has_cached);
    chunk("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4E0,\"completion_tokens\":-2}}", &c);
    assert_false(c.has_usage);
    chunk("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4E0,\"completion_tokens\":2,"
          "\"prompt_tokens_details\":{\"cached_tokens\":9e99}}}",
          &c);
    assert_true(c.has_usage && c.prompt_tokens == 4 && c.completion_tokens == 2);
    assert_false(c.has_cached);
    chunk("data: [DONE]", &c);
    assert_int_equal(c.kind, LLMB_CHUNK_DONE);
    chunk("data:  [DONE]  ", &c);
    assert_int_equal(c.kind, LLMB_CHUNK_DONE);
    const char *nothing[] = {"", ": keep-alive", "event: message", "id: 3", "retry: 10", "dat"};
    for (size_t i = 0; i < sizeof nothing / sizeof nothing[0]; i++) {
        chunk(nothing[i], &c);
        assert_int_equal(c.kind, LLMB_CHUNK_NONE);
    }
    chunk("data: {\"error\":{\"message\":\"overloaded\"}}", &c);
    assert_int_equal(c.kind, LLMB_CHUNK_ERROR);
    assert_non_null(strstr(c.error, "overloaded"));
    const char *bad[] = {"data: {\"choices\": [oops", "data: 42", "data: ", "data: {\"choices\":5}",
                         "data: {\"a\":1,\"a\":2}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        chunk(bad[i], &c);
        assert_int_equal(c.kind, LLMB_CHUNK_MALFORMED);
        assert_true(c.error[0] != 0);
    }
    const char *body = "{\"choices\":[{\"message\":{\"content\":\"whole\"}}],\n \"usage\":{\"prompt_tokens\":1,"
                       "\"completion_tokens\":5}}";
    llmb_http_chunk_parse_body(body, strlen(body), &c);
    assert_int_equal(c.kind, LLMB_CHUNK_DATA);
    assert_int_equal(c.text_len, 5);
    assert_int_equal(c.completion_tokens, 5);
}

static void test_url_check(void **state)
{
    (void)state;
    struct llmb_error e;
    assert_int_equal(llmb_http_url_check("http://127.0.0.1:8080", &e), 0);
    assert_int_equal(llmb_http_url_check("https://example.org/v1", &e), 0);
    const char *bad[] = {"", "ftp://x", "127.0.0.1:8080", "not a url", "http://", "http://h/v1?x=1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(llmb_http_url_check(bad[i], &e), LLMB_E_INVAL);
    assert_int_equal(llmb_http_url_check(NULL, &e), LLMB_E_INVAL);
    assert_string_equal(llmb_http_reason_name(LLMB_HTTP_NO_DONE), "no_done");
    assert_string_equal(llmb_http_reason_name(99), "other");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_any_cut),
        cmocka_unit_test(test_lines_bound),
        cmocka_unit_test(test_chunks),
        cmocka_unit_test(test_url_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
