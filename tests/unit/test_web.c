/* test_web.c - the dashboard's server (src/web): Server-Sent Events framing
 * and the event hub, the JSON API over a store filled by the runner on the
 * null engine, and the HTTP server itself over real sockets: the embedded
 * page, path traversal (plain and encoded), GET only, Host and token checks,
 * oversized requests, idle connections, a client gone mid-stream, a port in
 * use and an address that is not this machine's. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "llmbench/engine.h"
#include "llmbench/events.h"
#include "llmbench/load.h"
#include "llmbench/stats.h"
#include "llmbench/runner.h"
#include "llmbench/store.h"
#include "llmbench/web.h"
#include "web/hub.h"

/* ---- SSE framing and the hub ------------------------------------------------------- */

static void test_sse_frame(void **state)
{
    (void)state;
    char buf[256];
    size_t n = llmb_web_sse_frame(buf, sizeof buf, 7, "{\"a\":1}", 7);
    assert_string_equal(buf, "id: 7\ndata: {\"a\":1}\n\n");
    assert_int_equal(n, strlen(buf));
    /* a line break inside the data cannot end the event or forge a field */
    const char *evil = "x\n\nid: 99\revent: y\r\ndata: z";
    llmb_web_sse_frame(buf, sizeof buf, 8, evil, strlen(evil));
    assert_string_equal(buf, "id: 8\ndata: x\ndata: \ndata: id: 99\ndata: event: y\ndata: data: z\n\n");
    llmb_web_sse_frame(buf, sizeof buf, 9, "", 0);
    assert_string_equal(buf, "id: 9\ndata: \n\n");
    /* too small: says how much is needed */
    char small[8];
    size_t need = llmb_web_sse_frame(small, sizeof small, 7, "{\"a\":1}", 7);
    assert_int_equal(need, strlen("id: 7\ndata: {\"a\":1}\n\n"));
}

static void test_hub(void **state)
{
    (void)state;
    struct llmb_web_hub *h = llmb_web_hub_new(4, 1 << 20);
    assert_non_null(h);
    char *d = NULL;
    size_t len = 0;
    uint64_t id = 0;
    assert_int_equal(llmb_web_hub_next(h, 0, 10, &d, &len, &id), 0); /* nothing yet: timeout */
    llmb_web_hub_publish(h, "a", 1, 0);
    llmb_web_hub_publish(h, "run", 3, 1);
    llmb_web_hub_publish(h, "b", 1, 0);
    assert_int_equal(llmb_web_hub_start(h, 0), 1); /* a new page starts at the run's first event */
    assert_int_equal(llmb_web_hub_next(h, 1, 10, &d, &len, &id), 1);
    assert_int_equal(id, 2);
    assert_memory_equal(d, "run", 3);
    free(d);
    for (int i = 0; i < 6; i++) /* overflow: the oldest go, the run start with them */
        llmb_web_hub_publish(h, "c", 1, 0);
    assert_int_equal(llmb_web_hub_last(h), 9);
    assert_int_equal(llmb_web_hub_next(h, 1, 10, &d, &len, &id), 1);
    assert_int_equal(id, 6); /* a reader behind the ring skips to its oldest */
    free(d);
    assert_int_equal(llmb_web_hub_start(h, 0), 5);
    assert_int_equal(llmb_web_hub_start(h, 8), 8); /* Last-Event-ID */
    /* readers are bounded */
    int s1 = llmb_web_hub_enter(h, 2, 0), s2 = llmb_web_hub_enter(h, 2, 0);
    assert_true(s1 >= 0 && s2 >= 0);
    assert_int_equal(llmb_web_hub_enter(h, 2, 0), -1);
    llmb_web_hub_leave(h, s1);
    llmb_web_hub_seen(h, s2, 9);
    llmb_web_hub_drain(h, 1000); /* nobody behind: returns at once */
    llmb_web_hub_close(h);
    assert_int_equal(llmb_web_hub_next(h, 9, 1000, &d, &len, &id), -1);
    llmb_web_hub_leave(h, s2);
    llmb_web_hub_free(h);
}

/* ---- a store filled by the runner on the null engine ---------------------------------- */

struct fill {
    struct llmb_store *s;
    int64_t run;
    struct llmb_web *w;
    int events;
};

static int on_result(const struct llmb_result *r, void *user)
{
    struct fill *f = user;
    struct llmb_error e = {0};
    if (llmb_store_put_result(f->s, f->run, r, &e))
        fail_msg("put_result: %s", e.msg);
    return 0;
}

static void on_event(const struct llmb_event *ev, void *user)
{
    struct fill *f = user;
    f->events++;
    llmb_web_publish(f->w, ev);
}

static struct llmb_instance inst(const char *model, int p, int g)
{
    struct llmb_instance in = {.model = model,
                               .n_gpu_layers = -1,
                               .n_batch = 2048,
                               .n_ubatch = 512,
                               .type_k = "f16",
                               .type_v = "f16",
                               .flash_attn = -1,
                               .n_threads = 1,
                               .n_prompt = p,
                               .n_gen = g};
    return in;
}

static char dir[64], db[128];

static void fill_store(const char *tags, struct llmb_web *w)
{
    struct llmb_store_params sp = llmb_store_default_params();
    struct llmb_store *s = NULL;
    struct llmb_error e = {0};
    if (llmb_store_open(db, &sp, &s, &e))
        fail_msg("open: %s", e.msg);
    struct llmb_run_info ri = {.command = "test", .tags = tags, .n_planned = 2};
    struct fill f = {.s = s, .w = w};
    assert_int_equal(llmb_store_begin_run(s, &ri, &f.run, &e), 0);
    struct llmb_instance v[2] = {inst("null:pp_us=1:tg_us=1", 16, 0), inst("null:pp_us=1:tg_us=1", 0, 4)};
    struct llmb_run_params rp = llmb_run_default_params();
    rp.reps = 3;
    struct llmb_exec_params xp = llmb_exec_default_params();
    xp.run_id = f.run;
    xp.n_planned = 2;
    struct llmb_runner_hooks h = {.on_result = on_result, .on_event = on_event, .user = &f};
    assert_int_equal(llmb_runner_execute(llmb_engine_find("null"), v, 2, &rp, &xp, &h, &e), 0);
    assert_int_equal(llmb_store_end_run(s, f.run, LLMB_RUN_COMPLETE, &e), 0);
    assert_true(f.events > 6);
    llmb_store_close(s);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/llmb-web-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(db, sizeof db, "%s/r.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

struct args {
    const char *k[4], *v[4];
};

static const char *arg(void *ctx, const char *key)
{
    struct args *a = ctx;
    for (int i = 0; i < 4 && a->k[i]; i++)
        if (!strcmp(a->k[i], key))
            return a->v[i];
    return NULL;
}

static json_t *api(struct llmb_store *s, const char *path, struct args *a, int want)
{
    int status = 0;
    char *body = NULL;
    struct args none;
    memset(&none, 0, sizeof none);
    llmb_web_api(s, path, arg, a ? a : &none, &status, &body);
    assert_non_null(body);
    if (status != want)
        fail_msg("%s: status %d, want %d: %s", path, status, want, body);
    json_error_t je;
    json_t *j = json_loads(body, 0, &je);
    if (!j)
        fail_msg("%s: not JSON: %s", path, body);
    free(body);
    return j;
}

static void test_api(void **state)
{
    (void)state;
    fill_store("a", NULL);
    fill_store("b", NULL);
    struct llmb_store_params sp = llmb_store_default_params();
    sp.flags = LLMB_STORE_READONLY;
    struct llmb_store *s = NULL;
    struct llmb_error e = {0};
    assert_int_equal(llmb_store_open(db, &sp, &s, &e), 0);

    json_t *runs = api(s, "/api/runs", NULL, 200);
    assert_int_equal(json_array_size(runs), 2);
    json_t *r0 = json_array_get(runs, 0); /* newest first */
    assert_int_equal(json_integer_value(json_object_get(r0, "id")), 2);
    assert_string_equal(json_string_value(json_object_get(r0, "status")), "complete");
    assert_string_equal(json_string_value(json_object_get(r0, "tags")), "b");
    assert_non_null(json_object_get(json_object_get(r0, "hw"), "cpu"));
    json_decref(runs);

    struct args run1 = {{"run"}, {"1"}};
    json_t *res = api(s, "/api/results", &run1, 200);
    assert_int_equal(json_array_size(res), 2);
    json_t *pp = json_array_get(res, 0);
    assert_string_equal(json_string_value(json_object_get(pp, "kind")), "speed");
    assert_int_equal(json_integer_value(json_object_get(pp, "n_prompt")), 16);
    assert_int_equal(json_array_size(json_object_get(pp, "samples_ns")), 3);
    assert_int_equal(json_array_size(json_object_get(pp, "pp_samples_ts")), 3);
    assert_true(json_real_value(json_array_get(json_object_get(pp, "pp_samples_ts"), 0)) > 0);
    json_decref(res);

    json_t *hw = api(s, "/api/hw", &run1, 200);
    assert_true(json_integer_value(json_object_get(hw, "cores")) > 0);
    json_decref(hw);
    struct args run9 = {{"run"}, {"9"}};
    json_decref(api(s, "/api/hw", &run9, 404));
    json_decref(api(s, "/api/hw", NULL, 400));
    struct args bad = {{"since"}, {"yesterday"}};
    json_t *j = api(s, "/api/results", &bad, 400);
    assert_non_null(json_string_value(json_object_get(j, "error")));
    json_decref(j);
    json_decref(api(s, "/api/nope", NULL, 404));
    json_decref(api(NULL, "/api/runs", NULL, 503)); /* --no-db */

    struct args ab = {{"a", "b"}, {"1", "2"}};
    json_t *c = api(s, "/api/compare", &ab, 200);
    assert_int_equal(json_array_size(json_object_get(c, "rows")), 2);
    assert_true(json_real_value(json_object_get(c, "speed_ratio")) > 0);
    /* one run a side and no other run of the tests: the intervals assume the run-to-run spread */
    json_t *row = json_array_get(json_object_get(c, "rows"), 0);
    assert_string_equal(json_string_value(json_object_get(row, "basis")), "assumed");
    assert_int_equal(json_integer_value(json_object_get(row, "runs_a")), 1);
    assert_int_equal(json_integer_value(json_object_get(row, "history_runs")), 0);
    assert_int_equal(json_integer_value(json_object_get(c, "n_within_run")), 2);
    assert_non_null(strstr(json_string_value(json_object_get(c, "note")), "assumes one (--run-cv)"));
    json_decref(c);
    struct args ign = {{"a", "b", "ignore"}, {"1", "2", "bogus"}};
    json_decref(api(s, "/api/compare", &ign, 400));
    json_decref(api(s, "/api/compare", NULL, 400));
    json_t *rec = api(s, "/api/recommend", NULL, 200);
    assert_int_equal(json_array_size(json_object_get(rec, "candidates")), 1); /* one configuration */
    assert_int_equal(json_integer_value(json_object_get(rec, "recommended")), 0);
    json_decref(rec);
    json_t *suite = api(NULL, "/api/suite", NULL, 200);
    assert_true(json_array_size(json_object_get(suite, "items")) >= 5);
    json_decref(suite);
    llmb_store_close(s);
}

/* ---- load results: their figures in /api/results, two load runs compared ---------------- */

/* A run holding one load test of 4 requests, TTFT ttft_ms each (+ 0.1 ms per request). */
static void put_load_run(struct llmb_store *s, double ttft_ms)
{
    struct llmb_result r;
    memset(&r, 0, sizeof r);
    r.inst.kind = LLMB_WL_LOAD;
    r.inst.model = "mock";
    r.inst.load_profile = "completions c=4 rate=inf in=8 out=10 data=random";
    r.inst.n_prompt = 8;
    r.inst.n_gen = 10;
    r.inst.n_gpu_layers = -1;
    snprintf(r.model.path, sizeof r.model.path, "mock");
    snprintf(r.model.desc, sizeof r.model.desc, "mock at http://127.0.0.1:9");
    snprintf(r.test_time, sizeof r.test_time, "2026-01-01T00:00:00Z");
    uint64_t e2e[4], ttft[4], tg[4];
    for (int i = 0; i < 4; i++) {
        ttft[i] = (uint64_t)((ttft_ms + 0.1 * i) * 1e6);
        tg[i] = 9000000;
        e2e[i] = ttft[i] + tg[i];
    }
    r.n_samples = 4, r.total_ns = e2e, r.ttft_ns = ttft, r.tg_ns = tg;
    double ms[4];
    for (int i = 0; i < 4; i++)
        ms[i] = (double)ttft[i] / 1e6;
    llmb_stats_compute(ms, 4, &r.ttft_ms);
    r.load.v[LLMB_LOADF_REQ_S] = 12.5;
    r.load.v[LLMB_LOADF_TTFT_P50] = ttft_ms + 0.15;
    r.load.known = 1ull << LLMB_LOADF_REQ_S | 1ull << LLMB_LOADF_TTFT_P50;
    snprintf(r.load.url, sizeof r.load.url, "http://127.0.0.1:9");
    struct llmb_run_info ri = {.command = "llmbench load", .n_planned = 1, .source = "load"};
    struct llmb_error e = {0};
    int64_t run = 0;
    if (llmb_store_begin_run(s, &ri, &run, &e) || llmb_store_put_result(s, run, &r, &e) ||
        llmb_store_end_run(s, run, LLMB_RUN_COMPLETE, &e))
        fail_msg("a load run: %s", e.msg);
}

static void test_api_load(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof path, "%s/load.db", dir);
    struct llmb_store_params sp = llmb_store_default_params();
    struct llmb_store *s = NULL;
    struct llmb_error e = {0};
    if (llmb_store_open(path, &sp, &s, &e))
        fail_msg("open: %s", e.msg);
    put_load_run(s, 20.0);
    put_load_run(s, 40.0);
    json_t *res = api(s, "/api/results", NULL, 200);
    assert_int_equal(json_array_size(res), 2);
    json_t *r0 = json_array_get(res, 0);
    assert_string_equal(json_string_value(json_object_get(r0, "kind")), "load");
    assert_string_equal(json_string_value(json_object_get(r0, "test")),
                        "load completions c=4 rate=inf in=8 out=10 data=random");
    assert_true(json_real_value(json_object_get(r0, "load_req_per_s")) == 12.5);
    assert_true(json_is_null(json_object_get(r0, "load_tpot_p50_ms"))); /* unknown is null */
    assert_string_equal(json_string_value(json_object_get(r0, "load_url")), "http://127.0.0.1:9");
    assert_int_equal(json_array_size(json_object_get(r0, "samples_ttft_ms")), 4);
    json_decref(res);
    struct args ab = {{"a", "b", "metric"}, {"1", "2", "ttft"}};
    json_t *c = api(s, "/api/compare", &ab, 200);
    json_t *rows = json_object_get(c, "rows");
    assert_int_equal(json_array_size(rows), 1);
    json_t *row = json_array_get(rows, 0);
    assert_string_equal(json_string_value(json_object_get(row, "model")), "mock at http://127.0.0.1:9");
    assert_true(fabs(json_real_value(json_object_get(row, "a")) - 20.15) < 1e-3);
    assert_true(fabs(json_real_value(json_object_get(row, "b")) - 40.15) < 1e-3);
    assert_true(json_real_value(json_object_get(row, "change_pct")) > 90);
    assert_true(json_is_true(json_object_get(row, "significant")));
    json_decref(c);
    llmb_store_close(s);
}

/* ---- the server over sockets ---------------------------------------------------------- */

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a))
        fail_msg("connect: port %d", port);
    return fd;
}

/* Sends req as it is and reads the whole reply (the server closes). */
static char *http_raw(int port, const char *req, size_t len)
{
    int fd = dial(port);
    (void)!write(fd, req, len);
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap + 1);
    ssize_t got;
    while ((got = read(fd, out + n, cap - n)) > 0) {
        n += (size_t)got;
        if (n == cap)
            out = realloc(out, (cap *= 2) + 1);
    }
    out[n] = 0;
    close(fd);
    return out;
}

static char *http(int port, const char *method, const char *path, const char *extra)
{
    const char *fmt = "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n%s\r\n";
    int n = snprintf(NULL, 0, fmt, method, path, port, extra ? extra : "");
    char *req = malloc((size_t)n + 1);
    snprintf(req, (size_t)n + 1, fmt, method, path, port, extra ? extra : "");
    char *out = http_raw(port, req, (size_t)n);
    free(req);
    return out;
}

static int status_of(const char *reply)
{
    int code = 0;
    return sscanf(reply, "HTTP/1.%*d %d", &code) == 1 ? code : 0;
}

static void expect(int port, const char *method, const char *path, const char *extra, int code)
{
    char *r = http(port, method, path, extra);
    if (status_of(r) != code)
        fail_msg("%s %s: got '%.80s', want %d", method, path, r, code);
    free(r);
}

static void test_server(void **state)
{
    (void)state;
    struct llmb_web_params p = llmb_web_default_params();
    p.port = 0;
    p.db_path = db;
    p.max_conns = 8;
    p.timeout_s = 1;
    struct llmb_web *w = NULL;
    struct llmb_error e = {0};
    assert_int_equal(llmb_web_start(&p, &w, &e), 0);
    int port = llmb_web_port(w);
    assert_true(port > 0);
    char want[64];
    snprintf(want, sizeof want, "http://127.0.0.1:%d/", port);
    assert_string_equal(llmb_web_url(w), want);

    char *r = http(port, "GET", "/", NULL);
    assert_int_equal(status_of(r), 200);
    assert_non_null(strstr(r, "Content-Security-Policy: default-src 'none'; script-src 'self'"));
    assert_non_null(strstr(r, "X-Content-Type-Options: nosniff"));
    assert_non_null(strstr(r, "<title>llmbench"));
    free(r);
    expect(port, "GET", "/app.js", NULL, 200);
    expect(port, "HEAD", "/app.css", NULL, 200);
    r = http(port, "GET", "/api/runs", NULL);
    assert_int_equal(status_of(r), 200);
    assert_non_null(strstr(r, "Content-Type: application/json"));
    assert_non_null(strstr(r, "\"tags\":\"a\""));
    free(r);
    /* only the embedded files: traversal, plain and encoded, and anything else is 404 */
    static const char *const nope[] = {"/../../../../etc/passwd",
                                       "/%2e%2e/%2e%2e/etc/passwd",
                                       "/..%2f..%2fetc%2fpasswd",
                                       "/assets/../app.js",
                                       "//etc/passwd",
                                       "/app.js/",
                                       "/APP.JS",
                                       "/app.js%00.html",
                                       "/index.html/..",
                                       "/vendor/../../CMakeLists.txt"};
    for (size_t i = 0; i < sizeof nope / sizeof nope[0]; i++)
        expect(port, "GET", nope[i], NULL, 404);
    /* read-only */
    expect(port, "POST", "/api/runs", "Content-Length: 2\r\n\r\n{}", 405);
    expect(port, "DELETE", "/api/runs", NULL, 405);
    expect(port, "PUT", "/index.html", NULL, 405);
    /* another site's name (DNS rebinding) */
    {
        const char req[] = "GET /api/runs HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n";
        char *x = http_raw(port, req, sizeof req - 1);
        assert_int_equal(status_of(x), 403);
        free(x);
    }
    /* oversized: a 3000-byte URL, 64 KiB of headers, garbage */
    char *big = malloc(70000);
    memset(big, 'a', 3000);
    big[0] = '/';
    big[3000] = 0;
    r = http(port, "GET", big, NULL);
    assert_true(status_of(r) == 414 || status_of(r) == 404 || r[0] == 0);
    assert_int_not_equal(status_of(r), 200);
    free(r);
    int n = snprintf(big, 100, "X-Big: ");
    memset(big + n, 'b', 65536);
    memcpy(big + n + 65536, "\r\n", 3);
    r = http(port, "GET", "/", big); /* refused (431), or the connection cut while it was still being sent */
    if (status_of(r) >= 200 && status_of(r) < 400)
        fail_msg("64 KiB of headers: '%.80s'", r);
    free(r);
    expect(port, "GET", "/api/status", NULL, 200); /* and the server goes on */
    free(big);
    r = http_raw(port, "\x16\x03\x01garbage\r\n\r\n", 14);
    assert_int_not_equal(status_of(r), 200);
    free(r);

    /* the event stream: a run's events, framed; a page that goes away mid-stream */
    int fd = dial(port);
    char req[256];
    n = snprintf(req, sizeof req, "GET /api/events HTTP/1.1\r\nHost: localhost:%d\r\n\r\n", port);
    (void)!write(fd, req, (size_t)n);
    int gone = dial(port); /* reads nothing and leaves */
    (void)!write(gone, req, (size_t)n);
    close(gone);
    fill_store("c", w);
    char buf[1 << 16];
    size_t got = 0;
    ssize_t k;
    while (got < sizeof buf - 1 && (k = read(fd, buf + got, sizeof buf - 1 - got)) > 0) {
        got += (size_t)k;
        buf[got] = 0;
        if (strstr(buf, "\"type\":\"run_finished\""))
            break;
    }
    assert_non_null(strstr(buf, "Content-Type: text/event-stream"));
    assert_non_null(strstr(buf, "\nid: 1\r\ndata: {\"v\":1,\"type\":\"run_started\"") ||
                    strstr(buf, "id: 1\ndata: {\"v\":1,\"type\":\"run_started\""));
    assert_non_null(strstr(buf, "\"type\":\"sample\""));
    assert_non_null(strstr(buf, "\"type\":\"run_finished\""));
    /* every event once, in order, whole (a burst goes out in one write: none lost, none doubled) */
    unsigned long next = 1;
    for (const char *at = strstr(buf, "id: "); at; at = strstr(at + 4, "id: "), next++) {
        char *end;
        unsigned long id = strtoul(at + 4, &end, 10);
        if (id != next || strncmp(end, "\ndata: {", 8))
            fail_msg("event %lu: '%.40s'", next, at);
    }
    assert_true(next > 4);
    close(fd);

    /* a thousand idle connections: refused past the limit, dropped when idle, then served again */
    int idle[1000], n_idle = 0;
    for (int i = 0; i < 1000; i++) {
        int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connect(s, (struct sockaddr *)&a, sizeof a);
        idle[n_idle++] = s;
    }
    struct timespec ts = {.tv_sec = 1, .tv_nsec = 500000000};
    nanosleep(&ts, NULL);
    r = http(port, "GET", "/api/status", NULL); /* full: a closed connection or an answer, never a hang */
    assert_true(r[0] == 0 || status_of(r) == 200);
    free(r);
    for (int i = 0; i < n_idle; i++)
        close(idle[i]);
    int served = 0;
    for (int i = 0; i < 40 && !served; i++) { /* the slots free as the idle ones go */
        r = http(port, "GET", "/api/status", NULL);
        served = status_of(r) == 200;
        free(r);
        struct timespec tick = {.tv_nsec = 100000000};
        if (!served)
            nanosleep(&tick, NULL);
    }
    assert_true(served);

    /* a port in use */
    struct llmb_web_params q = p;
    q.port = port;
    struct llmb_web *w2 = NULL;
    assert_int_equal(llmb_web_start(&q, &w2, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "in use"));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    llmb_web_stop(w, 1.0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(t1.tv_sec - t0.tv_sec < 4); /* no stream keeps it from stopping */
}

static void test_bind_and_token(void **state)
{
    (void)state;
    struct llmb_web_params p = llmb_web_default_params();
    p.port = 0;
    struct llmb_web *w = NULL;
    struct llmb_error e = {0};
    p.bind = "192.0.2.1"; /* TEST-NET-1: not this machine's */
    assert_int_equal(llmb_web_start(&p, &w, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "not an address of this machine"));
    p.bind = "no-such-host.invalid";
    assert_int_equal(llmb_web_start(&p, &w, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "cannot listen on 'no-such-host.invalid'"));
    p.bind = "127.0.0.1";
    p.token = "short";
    assert_int_equal(llmb_web_start(&p, &w, &e), LLMB_E_INVAL);
    assert_non_null(strstr(e.msg, "--token"));
    /* any address: a token is generated and required on every request */
    p.bind = "0.0.0.0";
    p.token = NULL;
    assert_int_equal(llmb_web_start(&p, &w, &e), 0);
    int port = llmb_web_port(w);
    const char *url = llmb_web_url(w), *t = strstr(url, "?token=");
    assert_non_null(t);
    char tok[64];
    snprintf(tok, sizeof tok, "%s", t + 7);
    assert_int_equal(strlen(tok), 32);
    expect(port, "GET", "/", NULL, 401);
    expect(port, "GET", "/api/status", NULL, 401);
    expect(port, "GET", "/api/events", NULL, 401);
    expect(port, "GET", "/api/status?token=0123456789abcdef0123456789abcdef", NULL, 401);
    char path[128], hdr[128];
    snprintf(path, sizeof path, "/api/status?token=%s", tok);
    expect(port, "GET", path, NULL, 200);
    snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", tok);
    expect(port, "GET", "/api/status", hdr, 200);
    snprintf(path, sizeof path, "/?token=%s", tok);
    char *r = http(port, "GET", path, NULL);
    assert_non_null(strstr(r, "Set-Cookie: llmb_token="));
    assert_non_null(strstr(r, "HttpOnly; SameSite=Strict"));
    free(r);
    snprintf(hdr, sizeof hdr, "Cookie: llmb_token=%s\r\n", tok);
    expect(port, "GET", "/app.js", hdr, 200);
    expect(port, "GET", "/api/runs", hdr, 503); /* no database named */
    llmb_web_stop(w, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sse_frame), cmocka_unit_test(test_hub),    cmocka_unit_test(test_api),
        cmocka_unit_test(test_api_load),  cmocka_unit_test(test_server), cmocka_unit_test(test_bind_and_token),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
