/* sse.c - Server-Sent Events framing (the WHATWG event-stream format): one
 * event as "id:" and "data:" lines and a blank line; a CR or LF inside the
 * data starts a new "data:" line, so no text can end an event early or
 * forge a field. */
#include <stdio.h>
#include <string.h>

#include "llmbench/web.h"

static size_t put(char *buf, size_t cap, size_t at, const char *s, size_t n)
{
    if (at + n < cap)
        memcpy(buf + at, s, n);
    return at + n;
}

size_t llmb_web_sse_frame(char *buf, size_t cap, uint64_t id, const char *data, size_t len)
{
    char head[40];
    int h = snprintf(head, sizeof head, "id: %llu\n", (unsigned long long)id);
    size_t at = put(buf, cap, 0, head, (size_t)h);
    for (size_t i = 0;;) {
        size_t j = i;
        while (j < len && data[j] != '\n' && data[j] != '\r')
            j++;
        at = put(buf, cap, at, "data: ", 6);
        at = put(buf, cap, at, data + i, j - i);
        at = put(buf, cap, at, "\n", 1);
        if (j >= len)
            break;
        if (data[j] == '\r' && j + 1 < len && data[j + 1] == '\n')
            j++;
        i = j + 1;
    }
    at = put(buf, cap, at, "\n", 1);
    if (at < cap)
        buf[at] = 0;
    return at;
}
