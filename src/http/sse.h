/* sse.h - the incremental line reader of a streamed HTTP body (Server-Sent
 * Events, JSON Lines): bytes in as they arrive, whole lines out, each line at
 * most a hard bound long (a longer one is an error, never memory growth), and
 * the meaning of one OpenAI-style stream line (chunk.c). */
#ifndef LLMB_HTTP_SSE_H
#define LLMB_HTTP_SSE_H

#include <stddef.h>
#include <stdint.h>

/* Default bound of one line: 1 MiB (a 10 MB line is an error). */
#define LLMB_HTTP_LINE_MAX (1u << 20)

struct llmb_http_lines {
    char *buf; /* the partial line so far (malloc'd, grows up to max) */
    size_t len, cap;
    size_t max;   /* the bound, bytes */
    int overflow; /* 1 once a line passed the bound: nothing more is read */
};

/* A whole line (no "\n", no trailing "\r", NUL-terminated at line[len]).
 * Returns 0 to go on, non-zero to stop feeding (the value comes back). */
typedef int (*llmb_http_line_fn)(const char *line, size_t len, void *user);

void llmb_http_lines_init(struct llmb_http_lines *l, size_t max);
void llmb_http_lines_free(struct llmb_http_lines *l); /* NULL is a no-op */
/* Feeds n bytes; calls fn for each completed line. Returns 0, fn's non-zero
 * value, LLMB_LINES_TOO_LONG when a line passes the bound, or
 * LLMB_LINES_NOMEM. */
enum { LLMB_LINES_TOO_LONG = -2, LLMB_LINES_NOMEM = -3 };
int llmb_http_lines_feed(struct llmb_http_lines *l, const char *data, size_t n, llmb_http_line_fn fn, void *user);
/* Appends n raw bytes (newlines too) within the bound: a whole body. */
int llmb_http_lines_append(struct llmb_http_lines *l, const char *data, size_t n);
/* The last line when the body ended without a newline (fn called when any). */
int llmb_http_lines_finish(struct llmb_http_lines *l, llmb_http_line_fn fn, void *user);

/* What one line of an OpenAI-compatible stream says (chunk.c). */
enum llmb_http_chunk_kind {
    LLMB_CHUNK_NONE = 0,  /* blank line, comment, "event:", "id:": nothing */
    LLMB_CHUNK_DATA,      /* a JSON chunk (text and/or usage, timings) */
    LLMB_CHUNK_DONE,      /* data: [DONE] */
    LLMB_CHUNK_ERROR,     /* a JSON chunk with an "error" object */
    LLMB_CHUNK_MALFORMED, /* data: that is not JSON, or JSON of another shape */
};

struct llmb_http_chunk {
    int kind;        /* enum llmb_http_chunk_kind */
    size_t text_len; /* bytes of generated text in the chunk (0: none) */
    int finished;    /* a choice's finish_reason is set */
    int has_usage;
    long prompt_tokens, completion_tokens; /* usage (has_usage) */
    int has_timings;                       /* llama-server's "timings" */
    double prompt_ms, predicted_ms, prompt_n, predicted_n;
    int has_cached;     /* usage.prompt_tokens_details.cached_tokens (vLLM, OpenAI, llama-server) */
    long cached_tokens; /* of prompt_tokens */
    int has_cache_n;    /* llama-server's timings.cache_n and prompt_n (tokens taken from the cache / computed) */
    double cache_n, cache_prompt_n;
    int64_t t_send_ns; /* the mock server's own send time (CLOCK_MONOTONIC), 0: none */
    char error[160];   /* ERROR / MALFORMED: why */
};

/* Reads one stream line ("data: {...}") into out. */
void llmb_http_chunk_parse(const char *line, size_t len, struct llmb_http_chunk *out);
/* Reads a whole non-streamed JSON response (choices[0].text or .message.content,
 * usage, timings) into out: kind DATA, ERROR or MALFORMED. */
void llmb_http_chunk_parse_body(const char *body, size_t len, struct llmb_http_chunk *out);

#endif
