/* sse.c - the incremental line reader of streamed bodies (sse.h): it keeps
 * only the partial line between calls, in one buffer that grows up to the
 * caller's bound and no further, so a server sending a 10 MB line (or one
 * without end) costs at most the bound and ends the request with a reason. */
#include <stdlib.h>
#include <string.h>

#include "http/sse.h"

void llmb_http_lines_init(struct llmb_http_lines *l, size_t max)
{
    memset(l, 0, sizeof *l);
    l->max = max ? max : LLMB_HTTP_LINE_MAX;
}

void llmb_http_lines_free(struct llmb_http_lines *l)
{
    if (!l)
        return;
    free(l->buf);
    l->buf = NULL;
    l->len = l->cap = 0;
}

/* Appends n bytes to the partial line, within the bound. */
int llmb_http_lines_append(struct llmb_http_lines *l, const char *p, size_t n)
{
    if (l->len + n > l->max) {
        l->overflow = 1;
        return LLMB_LINES_TOO_LONG;
    }
    if (l->len + n + 1 > l->cap) {
        size_t cap = l->cap ? l->cap : 256;
        while (cap < l->len + n + 1)
            cap *= 2;
        if (cap > l->max + 1)
            cap = l->max + 1;
        char *b = realloc(l->buf, cap);
        if (!b)
            return LLMB_LINES_NOMEM;
        l->buf = b;
        l->cap = cap;
    }
    memcpy(l->buf + l->len, p, n);
    l->len += n;
    l->buf[l->len] = 0;
    return 0;
}

static int emit(char *line, size_t len, llmb_http_line_fn fn, void *user)
{
    if (len && line[len - 1] == '\r')
        len--;
    char keep = line[len];
    line[len] = 0;
    int rc = fn(line, len, user);
    line[len] = keep;
    return rc;
}

int llmb_http_lines_feed(struct llmb_http_lines *l, const char *data, size_t n, llmb_http_line_fn fn, void *user)
{
    if (l->overflow)
        return LLMB_LINES_TOO_LONG;
    while (n > 0) {
        const char *nl = memchr(data, '\n', n);
        size_t take = nl ? (size_t)(nl - data) : n;
        int rc = llmb_http_lines_append(l, data, take);
        if (rc)
            return rc;
        if (!nl)
            return 0;
        rc = emit(l->buf ? l->buf : (char[1]){0}, l->len, fn, user);
        l->len = 0;
        if (rc)
            return rc;
        data += take + 1;
        n -= take + 1;
    }
    return 0;
}

int llmb_http_lines_finish(struct llmb_http_lines *l, llmb_http_line_fn fn, void *user)
{
    if (l->overflow)
        return LLMB_LINES_TOO_LONG;
    if (!l->len)
        return 0;
    int rc = emit(l->buf, l->len, fn, user);
    l->len = 0;
    return rc;
}
