/* server.c - the dashboard's HTTP server on libmicrohttpd (see web.h): the
 * listening socket (errors named here: port in use, no such address), the
 * token and Host checks, routing to the embedded assets, the JSON API and
 * the event stream, and the limits (GET only, URL and header sizes,
 * connections, idle timeout). One thread per connection: an event stream
 * waits on the hub's condition variable, never on a timer. */
#define _GNU_SOURCE /* memmem, pipe2 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "llmbench/web.h"
#include "api.h"
#include "hub.h"
#include "web_int.h"

#define URL_MAX 2048
#define PING_MS 5000
#define HUB_EVENTS 16384
#define HUB_BYTES (32u << 20)

struct llmb_web {
    struct MHD_Daemon *d;
    struct llmb_web_hub *hub;
    struct llmb_web_follow *follow;
    pthread_mutex_t store_mu;
    struct llmb_store *store;
    char db_path[4096];
    int have_db;
    double lock_wait_s;
    int port, loopback;
    char token[LLMB_WEB_TOKEN_MAX + 1];
    char url[512];
    unsigned max_streams;
};

struct llmb_web_params llmb_web_default_params(void)
{
    struct llmb_web_params p = {.bind = "127.0.0.1",
                                .port = LLMB_WEB_DEFAULT_PORT,
                                .lock_wait_s = 5,
                                .max_conns = 64,
                                .max_streams = 16,
                                .timeout_s = 15};
    return p;
}

int llmb_web_port(const struct llmb_web *w)
{
    return w->port;
}

const char *llmb_web_url(const struct llmb_web *w)
{
    return w->url;
}

void llmb_web_publish_json(struct llmb_web *w, const char *json, size_t len)
{
    if (!w)
        return;
    int start = len < 4096 && memmem(json, len, "\"type\":\"run_started\"", 20) != NULL;
    llmb_web_hub_publish(w->hub, json, len, start);
}

void llmb_web_publish(struct llmb_web *w, const struct llmb_event *ev)
{
    if (!w)
        return;
    char *s = llmb_event_json(ev);
    if (s)
        llmb_web_hub_publish(w->hub, s, strlen(s), ev->type == LLMB_EV_RUN_STARTED);
    free(s);
}

/* ---- responses -------------------------------------------------------------- */

static void secure_headers(struct MHD_Response *r, int nocache)
{
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                            "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    MHD_add_response_header(r, "Cache-Control", nocache ? "no-store" : "no-cache");
}

static enum MHD_Result send_buf(struct MHD_Connection *c, int code, const char *type, void *buf, size_t len,
                                enum MHD_ResponseMemoryMode mode, const char *cookie)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, buf, mode);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    secure_headers(r, 1);
    if (code == 405)
        MHD_add_response_header(r, "Allow", "GET, HEAD");
    if (cookie)
        MHD_add_response_header(r, "Set-Cookie", cookie);
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)code, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_error(struct MHD_Connection *c, int code, const char *msg)
{
    char buf[600];
    int n = snprintf(buf, sizeof buf, "{\"error\":\"%s\"}", msg); /* msg: fixed ASCII text */
    return send_buf(c, code, "application/json", buf, (size_t)n, MHD_RESPMEM_MUST_COPY, NULL);
}

/* ---- event stream ----------------------------------------------------------- */

struct stream {
    struct llmb_web *w;
    int slot;
    uint64_t pos;
    char *out;
    size_t len, off, cap;
};

/* Appends one event's frame to the stream's buffer (framed once where it
 * fits, again after growing where it did not): 0, or -1 out of memory. */
static int append_frame(struct stream *s, uint64_t id, const char *data, size_t dlen)
{
    size_t need = llmb_web_sse_frame(s->out + s->len, s->cap - s->len, id, data, dlen);
    if (s->len + need >= s->cap) {
        size_t cap = s->len + need + 1 > 2 * s->cap ? s->len + need + 1 : 2 * s->cap;
        char *bigger = realloc(s->out, cap);
        if (!bigger)
            return -1;
        s->out = bigger;
        s->cap = cap;
        llmb_web_sse_frame(s->out + s->len, s->cap - s->len, id, data, dlen);
    }
    s->len += need;
    s->pos = id;
    return 0;
}

/* The events of a burst (a repetition's progress and sample, a run of
 * tokens) go out in one write: after an event, those that follow within
 * BURST_GAP_MS (up to BURST_MAX_MS and BURST_BYTES) join it, so a browser
 * on a machine whose cores all run the test is woken once per burst, not
 * once per event. */
#define BURST_GAP_MS 2
#define BURST_MAX_MS 10
#define BURST_BYTES 65536

static ssize_t stream_read(void *cls, uint64_t at, char *buf, size_t max)
{
    (void)at;
    struct stream *s = cls;
    if (s->off == s->len) {
        s->off = s->len = 0;
        uint64_t t0 = 0;
        for (int wait_ms = PING_MS;; wait_ms = BURST_GAP_MS) {
            char *data = NULL;
            size_t dlen = 0;
            uint64_t id = 0;
            int got = llmb_web_hub_next(s->w->hub, s->pos, wait_ms, &data, &dlen, &id);
            if (got < 0 && s->len == 0)
                return MHD_CONTENT_READER_END_OF_STREAM;
            if (got <= 0)
                break;
            int bad = append_frame(s, id, data, dlen);
            free(data);
            if (bad)
                return MHD_CONTENT_READER_END_WITH_ERROR;
            if (!t0)
                t0 = llmb_clock_ns();
            if (s->len >= BURST_BYTES || llmb_clock_ns() - t0 >= BURST_MAX_MS * 1000000ull)
                break;
        }
        if (s->len == 0)
            s->len = (size_t)snprintf(s->out, s->cap, ": ping\n\n");
        else
            llmb_web_hub_seen(s->w->hub, s->slot, s->pos);
    }
    size_t n = s->len - s->off < max ? s->len - s->off : max;
    memcpy(buf, s->out + s->off, n);
    s->off += n;
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    struct stream *s = cls;
    llmb_web_hub_leave(s->w->hub, s->slot);
    free(s->out);
    free(s);
}

static enum MHD_Result serve_events(struct llmb_web *w, struct MHD_Connection *c)
{
    const char *last = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_LAST_EVENT_ID);
    uint64_t from = llmb_web_hub_start(w->hub, last ? strtoull(last, NULL, 10) : 0);
    struct stream *s = calloc(1, sizeof *s);
    if (!s || !(s->out = malloc(s->cap = 4096))) {
        free(s);
        return send_error(c, 500, "out of memory");
    }
    s->w = w;
    s->pos = from;
    s->len = (size_t)snprintf(s->out, s->cap, "retry: 1000\n: llmbench events v%d\n\n", LLMB_EVENTS_VERSION);
    if ((s->slot = llmb_web_hub_enter(w->hub, w->max_streams, from)) < 0) {
        free(s->out);
        free(s);
        return send_error(c, 503, "too many event streams");
    }
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, stream_read, s, stream_free);
    if (!r) {
        stream_free(s);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(r, "X-Accel-Buffering", "no");
    secure_headers(r, 1);
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

/* ---- API ---------------------------------------------------------------------- */

static const char *query_arg(void *ctx, const char *key)
{
    return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, key);
}

static enum MHD_Result serve_api(struct llmb_web *w, struct MHD_Connection *c, const char *url)
{
    int status = 500;
    char *body = NULL;
    if (!strcmp(url, "/api/status")) {
        char buf[512];
        int n = snprintf(buf, sizeof buf,
                         "{\"version\":\"%s\",\"charts\":%s,\"store\":%s,\"following\":%s,\"last_event\":%llu}",
                         llmb_version(), llmb_web_have_charts() ? "true" : "false", w->have_db ? "true" : "false",
                         w->follow ? "true" : "false", (unsigned long long)llmb_web_hub_last(w->hub));
        return send_buf(c, 200, "application/json", buf, (size_t)n, MHD_RESPMEM_MUST_COPY, NULL);
    }
    pthread_mutex_lock(&w->store_mu);
    if (!w->store && w->have_db) { /* opened at the first question: a run may create it later */
        struct llmb_store_params sp = llmb_store_default_params();
        sp.flags = LLMB_STORE_READONLY;
        sp.lock_wait_s = w->lock_wait_s;
        struct llmb_error err = {0};
        if (llmb_store_open(w->db_path, &sp, &w->store, &err)) {
            pthread_mutex_unlock(&w->store_mu);
            char *msg = NULL;
            /* the message names the file: JSON-escaped by the API's helper */
            int st = 503;
            llmb_web_fail(503, err.msg, &st, &msg);
            return send_buf(c, st, "application/json", msg, msg ? strlen(msg) : 0, MHD_RESPMEM_MUST_FREE, NULL);
        }
    }
    llmb_web_api(w->store, url, query_arg, c, &status, &body);
    pthread_mutex_unlock(&w->store_mu);
    if (!body)
        return send_error(c, 500, "out of memory");
    return send_buf(c, status, "application/json", body, strlen(body), MHD_RESPMEM_MUST_FREE, NULL);
}

/* ---- checks -------------------------------------------------------------------- */

static int same_secret(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = la != lb;
    for (size_t i = 0; i < lb; i++)
        d |= (unsigned char)(a[i % (la ? la : 1)] ^ b[i]);
    return d == 0;
}

static const char *cookie_token(struct MHD_Connection *c)
{
    return MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "llmb_token");
}

static int token_ok(struct llmb_web *w, struct MHD_Connection *c)
{
    if (!w->token[0])
        return 1;
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    const char *k = cookie_token(c);
    return (q && same_secret(q, w->token)) || (h && !strncmp(h, "Bearer ", 7) && same_secret(h + 7, w->token)) ||
           (k && same_secret(k, w->token));
}

/* On a loopback address without a token, only a Host naming this machine:
 * a page elsewhere cannot read the API through DNS rebinding. */
static int host_ok(struct llmb_web *w, struct MHD_Connection *c)
{
    if (!w->loopback || w->token[0])
        return 1;
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    if (!h)
        return 1; /* HTTP/1.0 */
    static const char *const names[] = {"127.0.0.1", "localhost", "[::1]"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = strlen(names[i]);
        if (!strncmp(h, names[i], n) && (h[n] == 0 || (h[n] == ':' && atoi(h + n + 1) == w->port)))
            return 1;
    }
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version, (void)upload;
    struct llmb_web *w = cls;
    static int first;
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return send_error(c, 405, "read-only: GET only");
    if (*upload_size) /* a GET with a body: not read */
        return send_error(c, 413, "a request body is not accepted");
    if (!*con_cls) { /* headers are in; answer on the next call */
        *con_cls = &first;
        return MHD_YES;
    }
    if (strlen(url) > URL_MAX)
        return send_error(c, 414, "URL too long");
    if (!host_ok(w, c))
        return send_error(c, 403, "Host header does not name this server");
    if (!token_ok(w, c))
        return send_error(c, 401, "a token is required (the URL llmbench printed has it)");
    if (!strcmp(url, "/api/events"))
        return serve_events(w, c);
    if (!strncmp(url, "/api/", 5))
        return serve_api(w, c, url);
    const struct llmb_web_asset *a = llmb_web_asset_find(url);
    if (!a)
        return send_error(c, 404, "not found");
    char cookie[LLMB_WEB_TOKEN_MAX + 80];
    int set = w->token[0] && !strcmp(url, "/") && !cookie_token(c);
    if (set)
        snprintf(cookie, sizeof cookie, "llmb_token=%s; Path=/; HttpOnly; SameSite=Strict", w->token);
    return send_buf(c, 200, a->type, (void *)a->data, a->len, MHD_RESPMEM_PERSISTENT, set ? cookie : NULL);
}

/* URL decoding, except that an encoded NUL ("%00") leaves the text as it
 * is: "/app.js%00.html" must not become "/app.js". */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls, (void)c;
    for (const char *p = s; (p = strchr(p, '%')); p++)
        if (p[1] == '0' && p[2] == '0')
            return strlen(s);
    return MHD_http_unescape(s);
}

static void quiet_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls, (void)fmt, (void)ap; /* MHD's own messages: the caller reports errors once */
}

/* ---- start / stop ------------------------------------------------------------------ */

static int is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return 0;
}

static int listen_on(const char *bind_addr, int port, int *fd_out, int *port_out, int *loopback, struct llmb_error *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
                    *res = NULL;
    char ps[16];
    snprintf(ps, sizeof ps, "%d", port);
    int g = getaddrinfo(bind_addr, ps, &hints, &res);
    if (g)
        return llmb_error_set(err, LLMB_E_INVAL, "cannot listen on '%s': %s", bind_addr, gai_strerror(g));
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, 128)) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        freeaddrinfo(res);
        if (e == EADDRINUSE)
            return llmb_error_set(err, LLMB_E_INVAL,
                                  "cannot listen on %s port %d: the port is in use "
                                  "(choose another: --port N, or 0 for any free one)",
                                  bind_addr, port);
        if (e == EADDRNOTAVAIL)
            return llmb_error_set(err, LLMB_E_INVAL, "cannot listen on %s: not an address of this machine", bind_addr);
        if (e == EACCES)
            return llmb_error_set(err, LLMB_E_INVAL,
                                  "cannot listen on %s port %d: permission denied "
                                  "(ports below 1024 need privileges)",
                                  bind_addr, port);
        return llmb_error_set(err, LLMB_E_IO, "cannot listen on %s port %d: %s", bind_addr, port, strerror(e));
    }
    *loopback = is_loopback(res->ai_addr);
    freeaddrinfo(res);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    *port_out = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                               : ((struct sockaddr_in *)&ss)->sin_port);
    *fd_out = fd;
    return LLMB_OK;
}

static int token_valid(const char *t)
{
    size_t n = strlen(t);
    if (n < 16 || n > LLMB_WEB_TOKEN_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9') ||
              t[i] == '-' || t[i] == '_'))
            return 0;
    return 1;
}

int llmb_web_start(const struct llmb_web_params *p, struct llmb_web **out, struct llmb_error *err)
{
    *out = NULL;
    if (p->token && !token_valid(p->token))
        return llmb_error_set(err, LLMB_E_INVAL, "--token: 16 to %d characters of A-Z, a-z, 0-9, '-' and '_'",
                              LLMB_WEB_TOKEN_MAX);
    struct llmb_web *w = calloc(1, sizeof *w);
    if (!w || !(w->hub = llmb_web_hub_new(HUB_EVENTS, HUB_BYTES))) {
        free(w);
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    pthread_mutex_init(&w->store_mu, NULL);
    w->lock_wait_s = p->lock_wait_s;
    w->max_streams = p->max_streams ? p->max_streams : 16;
    if (p->db_path) {
        snprintf(w->db_path, sizeof w->db_path, "%s", p->db_path);
        w->have_db = 1;
    }
    int fd = -1, rc;
    const char *bind_addr = p->bind ? p->bind : "127.0.0.1";
    if ((rc = listen_on(bind_addr, p->port, &fd, &w->port, &w->loopback, err)))
        goto fail;
    if (p->token) {
        snprintf(w->token, sizeof w->token, "%s", p->token);
    } else if (!w->loopback) {
        unsigned char r[16];
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
            close(fd);
            rc = llmb_error_set(err, LLMB_E_IO, "cannot make a token: %s", strerror(errno));
            goto fail;
        }
        for (size_t i = 0; i < sizeof r; i++)
            snprintf(w->token + 2 * i, 3, "%02x", r[i]);
    }
    int v6 = strchr(bind_addr, ':') != NULL;
    const char *shown = !strcmp(bind_addr, "0.0.0.0") || !strcmp(bind_addr, "::") ? "<this-host>" : bind_addr;
    snprintf(w->url, sizeof w->url, "http://%s%s%s:%d/%s%s", v6 ? "[" : "", shown, v6 ? "]" : "", w->port,
             w->token[0] ? "?token=" : "", w->token);
    if (p->follow && (rc = llmb_web_follow_start(p->follow, p->db_path, w->hub, &w->follow, err))) {
        close(fd);
        goto fail;
    }
    w->d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG, 0, NULL,
        NULL, on_request, w, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, quiet_log, NULL, MHD_OPTION_CONNECTION_LIMIT, p->max_conns ? p->max_conns : 64u,
        MHD_OPTION_CONNECTION_TIMEOUT, p->timeout_s ? p->timeout_s : 15u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)32768, MHD_OPTION_THREAD_STACK_SIZE, (size_t)(512 * 1024), MHD_OPTION_END);
    if (!w->d) {
        close(fd);
        rc = llmb_error_set(err, LLMB_E_IO, "cannot start the HTTP server on %s port %d", bind_addr, w->port);
        goto fail;
    }
    *out = w;
    return LLMB_OK;
fail:
    llmb_web_follow_stop(w->follow);
    llmb_web_hub_free(w->hub);
    pthread_mutex_destroy(&w->store_mu);
    free(w);
    return rc;
}

void llmb_web_stop(struct llmb_web *w, double drain_s)
{
    if (!w)
        return;
    llmb_web_follow_stop(w->follow);
    if (drain_s > 0)
        llmb_web_hub_drain(w->hub, (int)(drain_s * 1000));
    llmb_web_hub_close(w->hub);
    MHD_stop_daemon(w->d);
    llmb_store_close(w->store);
    llmb_web_hub_free(w->hub);
    pthread_mutex_destroy(&w->store_mu);
    free(w);
}
