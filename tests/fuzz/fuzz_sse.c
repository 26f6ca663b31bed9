/* fuzz_sse.c - libFuzzer target for the stream readers of serving load
 * (src/http/sse.c, chunk.c): the input's first byte picks a line bound and a
 * cut size, the rest is fed as a response body in pieces of that size; every
 * line is read as an SSE chunk, and the whole input as a non-streamed body.
 * Any input must give lines within the bound (no longer, never a buffer past
 * it), the same lines as one whole feed, and a chunk kind with a reason when
 * it is an error - never a crash, leak or hang. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/sse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
    size_t max, n, bytes;
    uint64_t hash;
};

static int on_line(const char *line, size_t len, void *user)
{
    struct seen *s = user;
    if (len > s->max || line[len] != 0) /* within the bound, NUL-terminated (a NUL inside is data) */
        abort();
    struct llmb_http_chunk c;
    llmb_http_chunk_parse(line, len, &c);
    if (c.kind < LLMB_CHUNK_NONE || c.kind > LLMB_CHUNK_MALFORMED)
        abort();
    if ((c.kind == LLMB_CHUNK_ERROR || c.kind == LLMB_CHUNK_MALFORMED) && !c.error[0])
        abort();
    s->n++;
    s->bytes += len;
    for (size_t i = 0; i < len; i++)
        s->hash = (s->hash ^ (uint8_t)line[i]) * 1099511628211ull;
    s->hash = (s->hash ^ 0x100) * 1099511628211ull;
    return 0;
}

static int feed(const uint8_t *p, size_t n, size_t max, size_t cut, struct seen *s)
{
    struct llmb_http_lines l;
    llmb_http_lines_init(&l, max);
    memset(s, 0, sizeof *s);
    s->max = max;
    int rc = 0;
    for (size_t at = 0; at < n && !rc; at += cut)
        rc = llmb_http_lines_feed(&l, (const char *)p + at, at + cut > n ? n - at : cut, on_line, s);
    if (!rc)
        rc = llmb_http_lines_finish(&l, on_line, s);
    if (l.cap > max + 1)
        abort();
    llmb_http_lines_free(&l);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t max = 16u << (data[0] & 7), cut = 1 + (data[0] >> 3);
    struct seen a, b;
    int ra = feed(data + 1, size - 1, max, cut, &a), rb = feed(data + 1, size - 1, max, size, &b);
    if (ra != rb || (ra == 0 && (a.n != b.n || a.hash != b.hash || a.bytes != b.bytes)))
        abort();
    struct llmb_http_chunk c;
    llmb_http_chunk_parse_body((const char *)data + 1, size - 1, &c);
    if ((c.kind == LLMB_CHUNK_ERROR || c.kind == LLMB_CHUNK_MALFORMED) && !c.error[0])
        abort();
    return 0;
}
