/* client.c - the HTTP client core (client.h) on libcurl's multi interface:
 * one multi handle driven through its socket interface on epoll (a wait
 * costs the sockets that are ready, not all of them), an easy handle per request (connections are the multi's
 * and kept alive between requests), the bytes of a response read in the
 * write callback where they are stamped, split into lines (sse.c) and read
 * (chunk.c). Every request ends with a reason, whatever the server does:
 * the line bound, the whole-request timeout and the idle timeout (no byte
 * for a while) stop what would otherwise grow or hang. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "http/client.h"
#include "http/sse.h"

struct req {
    struct llmb_http_client *c;
    struct llmb_http_record *rec;
    CURL *h;
    struct llmb_http_lines lines; /* streamed lines, or the whole body when not streamed */
    uint64_t t_now;               /* the current write's stamp */
    uint64_t t_last;              /* the last byte's arrival (idle timeout) */
    int fail;                     /* a reason the callbacks found (0: none) */
    size_t slot;                  /* index in c->active */
    char url[2048];
    char errbuf[CURL_ERROR_SIZE];
};

struct llmb_http_client {
    CURLM *m;
    struct curl_slist *hdrs;
    struct llmb_http_client_params p;
    char base[1024];
    struct req **active;
    size_t n_active, cap_active;
    uint64_t last_scan; /* the idle timeout's last look */
    int epfd;           /* the sockets curl waits on (epoll: a wait costs the ready ones, not all) */
    uint64_t timer_at;  /* when curl wants its timeout action; 0: never */
    int h2c_no_reuse;   /* HTTP/2 prior knowledge on a libcurl that cannot reuse its connections */
};

/* libcurl 7.87 to 7.88 (its connection filters, before 8.0.0) stacks a second HTTP/2 layer on a
 * reused prior-knowledge (h2c) connection, whose next request then fails with "Error in the
 * HTTP2 framing layer" (curl issue 10634, fixed in 8.0.0): there each request over http:// gets
 * a connection of its own, HTTP/2 still but none reused or shared. */
static int h2c_reuse_broken(void)
{
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    return v && v->version_num >= 0x075700 && v->version_num < 0x080000;
}

static const char *const reason_names[LLMB_HTTP_REASONS] = {"ok",           "http",      "connect",   "timeout",
                                                            "dropped",      "no_done",   "malformed", "line_too_long",
                                                            "server_error", "cancelled", "other"};

const char *llmb_http_reason_name(int reason)
{
    return reason >= 0 && reason < LLMB_HTTP_REASONS ? reason_names[reason] : "other";
}

int llmb_http_url_check(const char *url, struct llmb_error *err)
{
    if (!url || !*url)
        return llmb_error_set(err, LLMB_E_INVAL, "--url is required (http://HOST:PORT of the server)");
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    int ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
             curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
             curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host && *host;
    int web = ok && (!strcmp(scheme, "http") || !strcmp(scheme, "https"));
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    if (!ok || !web || strlen(url) >= 1000 || strchr(url, '?') || strchr(url, '#'))
        return llmb_error_set(err, LLMB_E_INVAL, "--url '%.200s' is not an http:// or https:// URL of a server", url);
    return LLMB_OK;
}

/* curl says which sockets to wait on, and for what (the socket interface). */
static int on_socket(CURL *e, curl_socket_t fd, int what, void *user, void *sockp)
{
    (void)e;
    (void)sockp;
    struct llmb_http_client *c = user;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(c->epfd, EPOLL_CTL_DEL, fd, NULL);
        return 0;
    }
    struct epoll_event ev = {.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u),
                             .data.fd = fd};
    if (epoll_ctl(c->epfd, EPOLL_CTL_MOD, fd, &ev) && errno == ENOENT)
        epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev);
    return 0;
}

/* ... and when to call it back without a socket event (-1: no timer). */
static int on_timer(CURLM *m, long timeout_ms, void *user)
{
    (void)m;
    struct llmb_http_client *c = user;
    c->timer_at = timeout_ms < 0 ? 0 : llmb_http_now_ns() + (uint64_t)timeout_ms * 1000000ull + 1;
    return 0;
}

int llmb_http_client_new(const struct llmb_http_client_params *p, struct llmb_http_client **out, struct llmb_error *err)
{
    *out = NULL;
    int rc = llmb_http_url_check(p->base_url, err);
    if (rc)
        return rc;
    if (curl_global_init(CURL_GLOBAL_DEFAULT))
        return llmb_error_set(err, LLMB_E_IO, "libcurl could not start");
    struct llmb_http_client *c = calloc(1, sizeof *c);
    if (!c)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    c->epfd = -1;
    c->p = *p;
    c->p.api_key = NULL; /* only the header holds it */
    snprintf(c->base, sizeof c->base, "%s", p->base_url);
    size_t n = strlen(c->base);
    while (n && c->base[n - 1] == '/')
        c->base[--n] = 0;
    c->h2c_no_reuse = p->http2 && !strncasecmp(c->base, "http://", 7) && h2c_reuse_broken();
    c->m = curl_multi_init();
    c->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    if (c->hdrs)
        c->hdrs = curl_slist_append(c->hdrs, "Expect:");
    if (c->hdrs && p->api_key && *p->api_key) {
        size_t kl = strlen(p->api_key) + 32;
        char *h = malloc(kl);
        if (h) {
            snprintf(h, kl, "Authorization: Bearer %s", p->api_key);
            struct curl_slist *s = curl_slist_append(c->hdrs, h);
            memset(h, 0, kl);
            free(h);
            c->hdrs = s;
        } else {
            curl_slist_free_all(c->hdrs);
            c->hdrs = NULL;
        }
    }
    if (!c->m || !c->hdrs) {
        llmb_http_client_free(c);
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory starting the HTTP client");
    }
    curl_multi_setopt(c->m, CURLMOPT_MAXCONNECTS, (long)(p->max_conns > 0 ? p->max_conns : 64));
    if ((c->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
        int e = errno;
        llmb_http_client_free(c);
        return llmb_error_set(err, LLMB_E_IO, "epoll: %s", llmb_errno_text(e));
    }
    curl_multi_setopt(c->m, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(c->m, CURLMOPT_SOCKETDATA, c);
    curl_multi_setopt(c->m, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(c->m, CURLMOPT_TIMERDATA, c);
    *out = c;
    return LLMB_OK;
}

int llmb_http_client_active(const struct llmb_http_client *c)
{
    return c ? (int)c->n_active : 0;
}

/* ---- callbacks: run inside curl_multi_socket_action, as the bytes arrive ---- */

static void add_token(struct req *q)
{
    struct llmb_http_record *r = q->rec;
    if (!r->t_first)
        r->t_first = q->t_now;
    if (r->n_tok == r->cap_tok) {
        uint32_t cap = r->cap_tok ? r->cap_tok * 2 : 64;
        uint64_t *t = cap <= (1u << 22) ? realloc(r->tok_ns, cap * sizeof *t) : NULL;
        if (!t) { /* past 4M tokens: counted, no more stamps */
            r->n_out++;
            return;
        }
        r->tok_ns = t;
        r->cap_tok = cap;
    }
    r->tok_ns[r->n_tok++] = q->t_now;
}

static void read_chunk(struct req *q, const struct llmb_http_chunk *ch)
{
    struct llmb_http_record *r = q->rec;
    if (ch->has_usage) {
        r->n_in = ch->prompt_tokens;
        r->n_out = ch->completion_tokens;
        r->usage_known = 1;
    }
    if (ch->has_cached) { /* usage first: the API's own field */
        r->cache_known = 1;
        r->n_cached = ch->cached_tokens;
        r->n_cached_of = ch->prompt_tokens;
    } else if (ch->has_cache_n && r->cache_known != 1) {
        r->cache_known = 2;
        r->n_cached = (long)ch->cache_n;
        r->n_cached_of = (long)(ch->cache_n + ch->cache_prompt_n);
    }
    if (ch->has_timings) {
        r->has_timings = 1;
        r->srv_prompt_ms = ch->prompt_ms;
        r->srv_predicted_ms = ch->predicted_ms;
        r->srv_prompt_n = ch->prompt_n;
        r->srv_predicted_n = ch->predicted_n;
    }
    if (ch->t_send_ns > 0 && q->t_now >= (uint64_t)ch->t_send_ns) {
        uint64_t d = q->t_now - (uint64_t)ch->t_send_ns;
        r->stamp_delay_sum_ns += d;
        r->stamp_delay_max_ns = d > r->stamp_delay_max_ns ? d : r->stamp_delay_max_ns;
        r->n_stamps++;
    }
}

static int fail(struct req *q, int reason, const char *msg)
{
    q->fail = reason;
    snprintf(q->rec->detail, sizeof q->rec->detail, "%s", msg);
    return 1;
}

static int on_line(const char *line, size_t len, void *user)
{
    struct req *q = user;
    struct llmb_http_chunk ch;
    llmb_http_chunk_parse(line, len, &ch);
    switch (ch.kind) {
    case LLMB_CHUNK_DATA:
        if (ch.text_len > 0)
            add_token(q);
        read_chunk(q, &ch);
        return 0;
    case LLMB_CHUNK_DONE: q->rec->done_seen = 1; return 0;
    case LLMB_CHUNK_ERROR: return fail(q, LLMB_HTTP_SERVER, ch.error);
    case LLMB_CHUNK_MALFORMED: return fail(q, LLMB_HTTP_MALFORMED, ch.error);
    default: return 0;
    }
}

/* The response body of a refused request, as one printable line. */
static void keep_error_body(struct llmb_http_record *r, const char *p, size_t n)
{
    size_t at = strlen(r->detail);
    for (size_t i = 0; i < n && at + 1 < sizeof r->detail; i++)
        r->detail[at++] = isprint((unsigned char)p[i]) ? p[i] : ' ';
    r->detail[at] = 0;
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *user)
{
    struct req *q = user;
    struct llmb_http_record *r = q->rec;
    size_t n = size * nmemb;
    q->t_now = q->t_last = llmb_http_now_ns(); /* the bytes' arrival */
    if (!r->status)
        curl_easy_getinfo(q->h, CURLINFO_RESPONSE_CODE, &r->status);
    if (r->status >= 400) {
        keep_error_body(r, p, n);
        return n;
    }
    int rc;
    if (!r->stream) { /* the whole body, within the bound, read at the end */
        rc = llmb_http_lines_append(&q->lines, p, n);
    } else {
        rc = llmb_http_lines_feed(&q->lines, p, n, on_line, q);
    }
    if (rc == LLMB_LINES_TOO_LONG)
        fail(q, LLMB_HTTP_TOO_LONG, "a line longer than the bound");
    else if (rc == LLMB_LINES_NOMEM)
        fail(q, LLMB_HTTP_OTHER, "out of memory reading the response");
    return q->fail ? 0 : n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *user)
{
    struct req *q = user;
    size_t n = size * nmemb;
    q->t_last = llmb_http_now_ns();
    if (n > 12 && !strncasecmp(p, "Retry-After:", 12)) {
        char tmp[32];
        size_t k = n - 12 < sizeof tmp - 1 ? n - 12 : sizeof tmp - 1;
        memcpy(tmp, p + 12, k);
        tmp[k] = 0;
        q->rec->retry_after_s = strtod(tmp, NULL);
    }
    return n;
}

/* ---- requests ------------------------------------------------------------- */

int llmb_http_client_start(struct llmb_http_client *c, struct llmb_http_record *rec, struct llmb_error *err)
{
    if (c->n_active == c->cap_active) {
        size_t cap = c->cap_active ? c->cap_active * 2 : 64;
        struct req **a = realloc(c->active, cap * sizeof *a);
        if (!a)
            return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        c->active = a;
        c->cap_active = cap;
    }
    struct req *q = calloc(1, sizeof *q);
    if (!q || !(q->h = curl_easy_init())) {
        free(q);
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory starting a request");
    }
    q->c = c;
    q->rec = rec;
    rec->priv = q;
    rec->n_tok = 0;
    rec->t_first = rec->t_end = 0;
    rec->status = 0;
    rec->reason = LLMB_HTTP_OK;
    rec->detail[0] = 0;
    rec->n_in = rec->n_out = -1;
    llmb_http_lines_init(&q->lines, c->p.max_line);
    snprintf(q->url, sizeof q->url, "%s%s", c->base, rec->path);
    CURL *h = q->h;
    curl_easy_setopt(h, CURLOPT_URL, q->url);
    curl_easy_setopt(h, CURLOPT_PROXY, ""); /* straight to the server, whatever the environment says */
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, rec->body);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, q);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, q);
    curl_easy_setopt(h, CURLOPT_PRIVATE, q);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, q->errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION,
                     c->p.http2 ? (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE : (long)CURL_HTTP_VERSION_1_1);
    if (c->h2c_no_reuse) { /* each request on its own connection: see h2c_reuse_broken */
        curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
    }
    if (c->p.timeout_s > 0)
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(c->p.timeout_s * 1000.0));
    q->slot = c->n_active;
    c->active[c->n_active++] = q;
    rec->t_send = q->t_last = llmb_http_now_ns();
    if (curl_multi_add_handle(c->m, h) != CURLM_OK) {
        c->n_active--;
        curl_easy_cleanup(h);
        llmb_http_lines_free(&q->lines);
        free(q);
        rec->priv = NULL;
        return llmb_error_set(err, LLMB_E_IO, "libcurl refused a request");
    }
    return LLMB_OK;
}

static int transport_reason(CURLcode cc)
{
    switch (cc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return LLMB_HTTP_CONNECT;
    case CURLE_OPERATION_TIMEDOUT: return LLMB_HTTP_TIMEOUT;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return LLMB_HTTP_DROPPED;
    default: return LLMB_HTTP_OTHER;
    }
}

/* Why the request ended, once curl is done with it. */
static void conclude(struct req *q, CURLcode cc)
{
    struct llmb_http_record *r = q->rec;
    if (!r->status)
        curl_easy_getinfo(q->h, CURLINFO_RESPONSE_CODE, &r->status);
    if (q->fail) {
        r->reason = q->fail;
    } else if (cc != CURLE_OK) {
        r->reason = transport_reason(cc);
        snprintf(r->detail, sizeof r->detail, "%s%s%.120s", curl_easy_strerror(cc), q->errbuf[0] ? ": " : "",
                 q->errbuf);
    } else if (r->status >= 400 || r->status < 200) {
        char body[sizeof r->detail];
        snprintf(body, sizeof body, "%s", r->detail);
        r->reason = LLMB_HTTP_STATUS;
        snprintf(r->detail, sizeof r->detail, "HTTP %ld%s%.150s", r->status, body[0] ? ": " : "", body);
    } else if (r->stream) {
        q->t_now = r->t_end;
        if (llmb_http_lines_finish(&q->lines, on_line, q) && q->fail)
            r->reason = q->fail;
        else if (!r->done_seen) {
            r->reason = LLMB_HTTP_NO_DONE;
            snprintf(r->detail, sizeof r->detail, "the stream ended without data: [DONE]");
        }
    } else {
        struct llmb_http_chunk ch;
        llmb_http_chunk_parse_body(q->lines.buf ? q->lines.buf : "", q->lines.len, &ch);
        q->t_now = r->t_end;
        if (ch.kind == LLMB_CHUNK_DATA) {
            if (ch.text_len > 0)
                add_token(q);
            read_chunk(q, &ch);
        } else {
            r->reason = ch.kind == LLMB_CHUNK_ERROR ? LLMB_HTTP_SERVER : LLMB_HTTP_MALFORMED;
            snprintf(r->detail, sizeof r->detail, "%s", ch.error);
        }
    }
    if (!r->usage_known) /* counted: the token-carrying chunks (non-streamed: unknown) */
        r->n_out = r->stream ? (long)r->n_tok : -1;
}

/* Takes q out of the loop and hands its record back. */
static void finish(struct llmb_http_client *c, struct req *q, llmb_http_done_fn on_done, void *user)
{
    struct llmb_http_record *r = q->rec;
    curl_multi_remove_handle(c->m, q->h);
    curl_easy_cleanup(q->h);
    llmb_http_lines_free(&q->lines);
    size_t last = --c->n_active;
    if (q->slot != last) {
        c->active[q->slot] = c->active[last];
        c->active[q->slot]->slot = q->slot;
    }
    r->priv = NULL;
    free(q);
    if (on_done)
        on_done(r, user);
}

/* Ends the requests that received nothing for idle_s (a stalled server). */
static void end_idle(struct llmb_http_client *c, llmb_http_done_fn on_done, void *user)
{
    uint64_t now = llmb_http_now_ns(), idle = (uint64_t)(c->p.idle_s * 1e9);
    if (c->p.idle_s <= 0 || now - c->last_scan < 10000000ull)
        return;
    c->last_scan = now;
    for (size_t i = c->n_active; i-- > 0;) {
        struct req *q = c->active[i];
        if (now - q->t_last < idle)
            continue;
        q->rec->t_end = now;
        q->fail = LLMB_HTTP_TIMEOUT;
        snprintf(q->rec->detail, sizeof q->rec->detail, "no byte for %g s (--idle-timeout): the server stalled",
                 c->p.idle_s);
        conclude(q, CURLE_OK);
        finish(c, q, on_done, user);
    }
}

int llmb_http_client_poll(struct llmb_http_client *c, int timeout_ms, llmb_http_done_fn on_done, void *user,
                          struct llmb_error *err)
{
    int running = 0, left = 0;
    uint64_t now = llmb_http_now_ns();
    int wait = timeout_ms < 0 ? 0 : timeout_ms;
    if (c->timer_at) {
        uint64_t due = c->timer_at > now ? (c->timer_at - now + 999999) / 1000000 : 0;
        wait = due < (uint64_t)wait ? (int)due : wait;
    }
    struct epoll_event ev[256];
    int n = epoll_wait(c->epfd, ev, 256, wait);
    CURLMcode mc = CURLM_OK;
    for (int i = 0; i < n && mc == CURLM_OK; i++) {
        int what = (ev[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) | (ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                   (ev[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
        mc = curl_multi_socket_action(c->m, ev[i].data.fd, what, &running);
    }
    if (mc == CURLM_OK && c->timer_at && llmb_http_now_ns() >= c->timer_at) {
        c->timer_at = 0;
        mc = curl_multi_socket_action(c->m, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    if (n < 0 && errno != EINTR)
        return llmb_error_set(err, LLMB_E_IO, "the HTTP event loop failed: epoll: %s", llmb_errno_text(errno)), -1;
    if (mc != CURLM_OK) {
        llmb_error_set(err, LLMB_E_IO, "the HTTP event loop failed: %s", curl_multi_strerror(mc));
        return -1;
    }
    CURLMsg *msg;
    while ((msg = curl_multi_info_read(c->m, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct req *q = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&q);
        CURLcode cc = msg->data.result;
        q->rec->t_end = llmb_http_now_ns();
        conclude(q, cc);
        finish(c, q, on_done, user);
    }
    end_idle(c, on_done, user);
    return (int)c->n_active;
}

void llmb_http_client_cancel_all(struct llmb_http_client *c, llmb_http_done_fn on_done, void *user)
{
    while (c && c->n_active) {
        struct req *q = c->active[c->n_active - 1];
        struct llmb_http_record *r = q->rec;
        r->t_end = llmb_http_now_ns();
        r->reason = LLMB_HTTP_CANCELLED;
        snprintf(r->detail, sizeof r->detail, "still running at the run's time bound");
        if (!r->usage_known)
            r->n_out = r->n_tok;
        finish(c, q, on_done, user);
    }
}

void llmb_http_client_free(struct llmb_http_client *c)
{
    if (!c)
        return;
    llmb_http_client_cancel_all(c, NULL, NULL);
    free(c->active);
    if (c->hdrs) { /* the key's header: wiped before it is freed */
        for (struct curl_slist *s = c->hdrs; s; s = s->next)
            memset(s->data, 0, strlen(s->data));
        curl_slist_free_all(c->hdrs);
    }
    if (c->m)
        curl_multi_cleanup(c->m);
    if (c->epfd >= 0)
        close(c->epfd);
    free(c);
}
