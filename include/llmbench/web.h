/* web.h - the live dashboard: an embedded HTTP server (libmicrohttpd) that
 * serves the page compiled into the binary, a read-only JSON API over the
 * results store, and the runner's events as Server-Sent Events. A run
 * started with --dashboard publishes its events here in process; `llmbench
 * serve` follows a run in another process through its events log (inotify,
 * no timer) and the store. Safe by default: 127.0.0.1, a token required for
 * any other address, only the embedded assets, GET only, bounded requests
 * and connections. Routes and limits: docs/dashboard.md. */
#ifndef LLMBENCH_WEB_H
#define LLMBENCH_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "events.h"
#include "llmbench.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LLMB_WEB_DEFAULT_PORT 8090
#define LLMB_WEB_TOKEN_MAX 128

struct llmb_web_params {
    const char *bind;     /* address to listen on (default "127.0.0.1") */
    int port;             /* 0: any free port (llmb_web_port says which) */
    const char *token;    /* required on every request when set; NULL on a non-loopback
                              * address: one is generated (llmb_web_url shows it) */
    const char *db_path;  /* results database to read (NULL: no store API, 503) */
    double lock_wait_s;   /* how long a query waits for a writer */
    const char *follow;   /* an events log (--events FILE) to follow, NULL: none */
    unsigned max_conns;   /* connections at once (default 64) */
    unsigned max_streams; /* event streams at once (default 16) */
    unsigned timeout_s;   /* an idle connection is closed after (default 15) */
};
struct llmb_web_params llmb_web_default_params(void);

struct llmb_web; /* opaque */

/* Listens and starts serving in threads of its own. Fails with one line
 * naming the address and why (port in use, no such address, bad token,
 * events log unreadable). *out is the caller's (llmb_web_stop). */
int llmb_web_start(const struct llmb_web_params *p, struct llmb_web **out, struct llmb_error *err);
/* Stops serving: open event streams get what was published (at most
 * drain_s seconds), then every connection is closed. NULL: no-op. */
void llmb_web_stop(struct llmb_web *w, double drain_s);
int llmb_web_port(const struct llmb_web *w);
/* "http://127.0.0.1:8090/" (with "?token=..." when one is needed). */
const char *llmb_web_url(const struct llmb_web *w);

/* Hands a runner event to every connected page (never blocks on a client;
 * an event callback can call it as it is). */
void llmb_web_publish(struct llmb_web *w, const struct llmb_event *ev);
/* The same with the event's JSON text (one line of an events log). */
void llmb_web_publish_json(struct llmb_web *w, const char *json, size_t len);

/* ---- pieces, for tests ------------------------------------------------------ */

/* One Server-Sent Event: "id: ID\n" then the data one "data: " line per line
 * of data, then an empty line. Returns the bytes written (excluding the
 * NUL), or the bytes needed when they do not fit in cap. */
size_t llmb_web_sse_frame(char *buf, size_t cap, uint64_t id, const char *data, size_t len);

/* A GET of the JSON API: path ("/api/runs"), query value getter, the store
 * (NULL: none). *status the HTTP status, *body malloc'd JSON (caller frees). */
typedef const char *(*llmb_web_arg_fn)(void *ctx, const char *key);
int llmb_web_api(struct llmb_store *s, const char *path, llmb_web_arg_fn arg, void *ctx, int *status, char **body);

/* An embedded asset by URL path ("/" is the page); NULL for anything else. */
struct llmb_web_asset {
    const char *path, *type;
    const unsigned char *data;
    size_t len;
};
const struct llmb_web_asset *llmb_web_asset_find(const char *path);
/* 1 when the page was built with its charts library (uPlot). */
int llmb_web_have_charts(void);

#ifdef __cplusplus
}
#endif

#endif
