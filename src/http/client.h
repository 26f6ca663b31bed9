/* client.h - the HTTP client core of serving load: one libcurl multi handle
 * (one event loop, no threads) driving many concurrent requests to an
 * OpenAI-compatible server, streamed (SSE) or not, over kept-alive
 * connections. Per request it records send time, every token's arrival
 * (CLOCK_MONOTONIC, stamped in the write callback as the bytes arrive), end,
 * token counts (the server's usage, else counted), status and the reason it
 * ended. The API key is sent as a header and kept nowhere else. */
#ifndef LLMB_HTTP_CLIENT_H
#define LLMB_HTTP_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "llmbench/llmbench.h"

/* CLOCK_MONOTONIC in ns: the clock of every request timestamp (a local mock
 * server stamps with the same clock, so the two compare). */
static inline uint64_t llmb_http_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Why a request ended. */
enum llmb_http_reason {
    LLMB_HTTP_OK = 0,    /* the whole response ([DONE] when streamed) */
    LLMB_HTTP_STATUS,    /* HTTP status >= 400 (status says which) */
    LLMB_HTTP_CONNECT,   /* could not connect / resolve */
    LLMB_HTTP_TIMEOUT,   /* --timeout, or no byte for --idle-timeout (a stall) */
    LLMB_HTTP_DROPPED,   /* the connection broke mid-response */
    LLMB_HTTP_NO_DONE,   /* the stream ended without [DONE] */
    LLMB_HTTP_MALFORMED, /* a line or body that is not what the API sends */
    LLMB_HTTP_TOO_LONG,  /* a line longer than the bound */
    LLMB_HTTP_SERVER,    /* an "error" object in the stream */
    LLMB_HTTP_CANCELLED, /* the run's time bound ended it */
    LLMB_HTTP_OTHER,     /* any other transport error (detail says) */
    LLMB_HTTP_REASONS
};
/* "ok", "http", "connect", "timeout", "dropped", "no_done", "malformed",
 * "line_too_long", "server_error", "cancelled", "other". */
const char *llmb_http_reason_name(int reason);

struct llmb_http_client_params {
    const char *base_url; /* "http://127.0.0.1:8080" (a trailing "/v1" is kept) */
    const char *api_key;  /* NULL: none; sent as "Authorization: Bearer" */
    double timeout_s;     /* whole request; 0: none */
    double idle_s;        /* no byte for this long ends a request (timeout); 0: none */
    size_t max_line;      /* bound of one line / non-streamed body; 0: LLMB_HTTP_LINE_MAX */
    int max_conns;        /* connections kept alive (0: 64) */
    int http2;            /* 1: HTTP/2 (prior knowledge over http://, ALPN over https://) */
};

/* One request and what happened to it. The caller fills path, body, stream
 * and may preallocate tok_ns (cap_tok); the client fills the rest. */
struct llmb_http_record {
    const char *path; /* "/v1/completions" */
    const char *body; /* JSON, borrowed until done */
    int stream;
    int id;                          /* the caller's */
    uint64_t t_send, t_first, t_end; /* ns, llmb_http_now_ns; t_first 0: no token */
    uint64_t *tok_ns;                /* each token-carrying chunk's arrival (malloc'd, caller frees) */
    uint32_t n_tok, cap_tok;
    long status; /* HTTP status, 0: none */
    int reason;  /* enum llmb_http_reason */
    char detail[192];
    long n_in, n_out; /* tokens: the server's usage, else n_out counted (usage_known 0), n_in -1 */
    int usage_known;
    int done_seen;
    double retry_after_s; /* Retry-After of a refused request, 0: none */
    int has_timings;      /* llama-server's own timings of the request */
    double srv_prompt_ms, srv_predicted_ms, srv_prompt_n, srv_predicted_n;
    int cache_known;            /* the server said how many prompt tokens its prefix cache held: 1 usage, 2 timings */
    long n_cached, n_cached_of; /* those tokens, of the request's prompt tokens */
    uint64_t stamp_delay_sum_ns, stamp_delay_max_ns; /* client stamp - server send stamp */
    uint32_t n_stamps;
    void *priv; /* the client's */
};

struct llmb_http_client; /* opaque */

int llmb_http_client_new(const struct llmb_http_client_params *p, struct llmb_http_client **out,
                         struct llmb_error *err);
void llmb_http_client_free(struct llmb_http_client *c); /* NULL is a no-op; ends active requests (cancelled) */
/* Sends rec now (t_send stamped here). rec stays the caller's and must live
 * until on_done hands it back. */
int llmb_http_client_start(struct llmb_http_client *c, struct llmb_http_record *rec, struct llmb_error *err);
typedef void (*llmb_http_done_fn)(struct llmb_http_record *rec, void *user);
/* Waits up to timeout_ms for the network, reads what arrived, and hands back
 * every finished request through on_done. Returns the requests still
 * active, or -1 (err set) when the loop itself failed. */
int llmb_http_client_poll(struct llmb_http_client *c, int timeout_ms, llmb_http_done_fn on_done, void *user,
                          struct llmb_error *err);
/* Ends every active request with reason CANCELLED (handed to on_done). */
void llmb_http_client_cancel_all(struct llmb_http_client *c, llmb_http_done_fn on_done, void *user);
int llmb_http_client_active(const struct llmb_http_client *c);

/* Checks a base URL: http:// or https://, a host; one line naming it when not. */
int llmb_http_url_check(const char *url, struct llmb_error *err);

#endif
