/* chunk.c - what one line (or one whole body) of an OpenAI-compatible
 * response says (sse.h): generated text of choices[0] (completions: "text";
 * chat: delta/message "content", or "reasoning_content"), the finish reason,
 * the server's usage (with the prompt tokens its prefix cache held) and
 * llama-server's timings (cache_n too), an "error" object, and
 * "[DONE]". Anything else on a data: line is malformed. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "http/sse.h"

static size_t str_len(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_length(v) : 0;
}

static double num(json_t *o, const char *key, int *ok)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_number(v)) {
        *ok = 0;
        return 0;
    }
    return json_number_value(v);
}

/* A token count: a number from 0 to 1e15 (a server's 4e58 is no count, and
 * would not fit a long); else *ok is cleared and -1 returned. */
static long count(json_t *o, const char *key, int *ok)
{
    double v = num(o, key, ok);
    if (*ok && v >= 0 && v <= 1e15)
        return (long)v;
    *ok = 0;
    return -1;
}

/* Fills out from a parsed chunk or body. */
static void read_json(json_t *root, struct llmb_http_chunk *out)
{
    if (!json_is_object(root)) {
        out->kind = LLMB_CHUNK_MALFORMED;
        snprintf(out->error, sizeof out->error, "a data line that is not a JSON object");
        return;
    }
    json_t *err = json_object_get(root, "error");
    if (err && !json_is_null(err)) {
        json_t *m = json_is_object(err) ? json_object_get(err, "message") : err;
        out->kind = LLMB_CHUNK_ERROR;
        snprintf(out->error, sizeof out->error, "server error: %.120s",
                 json_is_string(m) ? json_string_value(m) : "(no message)");
        return;
    }
    out->kind = LLMB_CHUNK_DATA;
    json_t *choices = json_object_get(root, "choices");
    if (choices && !json_is_array(choices)) {
        out->kind = LLMB_CHUNK_MALFORMED;
        snprintf(out->error, sizeof out->error, "\"choices\" is not an array");
        return;
    }
    json_t *c0 = json_array_get(choices, 0);
    if (json_is_object(c0)) {
        json_t *d = json_object_get(c0, "delta");
        if (!json_is_object(d))
            d = json_object_get(c0, "message");
        out->text_len = str_len(c0, "text");
        if (json_is_object(d))
            out->text_len += str_len(d, "content") + str_len(d, "reasoning_content");
        json_t *fr = json_object_get(c0, "finish_reason");
        out->finished = fr && !json_is_null(fr);
    }
    json_t *u = json_object_get(root, "usage");
    if (json_is_object(u)) {
        int ok = 1;
        out->prompt_tokens = count(u, "prompt_tokens", &ok);
        out->completion_tokens = count(u, "completion_tokens", &ok);
        out->has_usage = ok;
        json_t *det = json_object_get(u, "prompt_tokens_details");
        int ok_c = json_is_object(det);
        long c = ok_c ? count(det, "cached_tokens", &ok_c) : 0;
        out->has_cached = out->has_usage && ok_c && c <= out->prompt_tokens;
        out->cached_tokens = out->has_cached ? c : 0;
    }
    json_t *t = json_object_get(root, "timings");
    if (json_is_object(t)) {
        int ok = 1;
        out->prompt_ms = num(t, "prompt_ms", &ok);
        out->predicted_ms = num(t, "predicted_ms", &ok);
        out->prompt_n = num(t, "prompt_n", &ok);
        out->predicted_n = num(t, "predicted_n", &ok);
        out->has_timings = ok;
        ok = 1;
        out->cache_n = num(t, "cache_n", &ok);
        out->cache_prompt_n = num(t, "prompt_n", &ok);
        out->has_cache_n =
            ok && out->cache_n >= 0 && out->cache_prompt_n >= 0 && out->cache_n < 1e12 && out->cache_prompt_n < 1e12;
    }
    json_t *ts = json_object_get(root, "t_send_ns");
    if (json_is_integer(ts))
        out->t_send_ns = (int64_t)json_integer_value(ts);
}

static void parse(const char *p, size_t n, struct llmb_http_chunk *out)
{
    json_error_t je;
    json_t *root = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        out->kind = LLMB_CHUNK_MALFORMED;
        snprintf(out->error, sizeof out->error, "malformed JSON at column %d: %.100s", je.column, je.text);
        return;
    }
    read_json(root, out);
    json_decref(root);
}

void llmb_http_chunk_parse(const char *line, size_t len, struct llmb_http_chunk *out)
{
    memset(out, 0, sizeof *out);
    if (len < 5 || memcmp(line, "data:", 5))
        return; /* blank, ": comment", "event:", "id:", "retry:": nothing to read */
    const char *p = line + 5;
    size_t n = len - 5;
    while (n && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    if (n == 6 && !memcmp(p, "[DONE]", 6)) {
        out->kind = LLMB_CHUNK_DONE;
        return;
    }
    parse(p, n, out);
}

void llmb_http_chunk_parse_body(const char *body, size_t len, struct llmb_http_chunk *out)
{
    memset(out, 0, sizeof *out);
    parse(body, len, out);
}
