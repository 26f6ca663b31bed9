/* load.c - a serving-load run (load.h): warm-up requests one by one, then
 * the profile's open loop on one HTTP client (src/http): requests start when
 * a slot frees (fixed concurrency) or at their arrival time (Poisson or gamma
 * gaps), until the count or the duration is reached; requests still in
 * flight at the run's time bound are cancelled. The figures come from
 * load_metrics.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "http/client.h"
#include "workload/load_data.h"
#include "workload/load_int.h"

struct llmb_load_params llmb_load_default_params(void)
{
    struct llmb_load_params p;
    memset(&p, 0, sizeof p);
    p.stream = 1;
    p.concurrency = 1;
    p.burstiness = 1.0;
    p.warmup = 1;
    p.input_len = 128;
    p.output_len = 32;
    p.seed = 42;
    p.timeout_s = 300;
    p.idle_s = 30;
    return p;
}

void llmb_load_profile_text(const struct llmb_load_params *p, char *buf, size_t len)
{
    char rate[32] = "inf", conc[16] = "inf";
    if (p->rate > 0)
        snprintf(rate, sizeof rate, "%g", p->rate);
    if (p->concurrency > 0)
        snprintf(conc, sizeof conc, "%d", p->concurrency);
    const char *suite_file, *data = p->dataset ? strrchr(p->dataset, '/') : NULL;
    int suite = llmb_load_is_suite(p->dataset, &suite_file);
    if (suite && !suite_file)
        data = "default";
    else if (suite)
        data = strrchr(suite_file, '/') ? strrchr(suite_file, '/') + 1 : suite_file;
    else
        data = data ? data + 1 : p->dataset ? p->dataset : "random";
    int w = snprintf(buf, len, "%s c=%s rate=%s", p->endpoint == LLMB_LOAD_CHAT ? "chat" : "completions", conc, rate);
    if (w > 0 && (size_t)w < len && p->rate > 0 && p->burstiness != 1.0)
        w += snprintf(buf + w, len - (size_t)w, " burst=%g", p->burstiness);
    if (w > 0 && (size_t)w < len && !p->dataset)
        w += snprintf(buf + w, len - (size_t)w, " in=%d", p->input_len);
    if (w > 0 && (size_t)w < len && !p->dataset && p->prefix_share > 0)
        w += snprintf(buf + w, len - (size_t)w, " share=%g", p->prefix_share);
    if (w > 0 && (size_t)w < len)
        w += snprintf(buf + w, len - (size_t)w, " out=%d data=%s%.60s%s", p->output_len, suite ? "suite:" : "", data,
                      p->stream ? "" : " stream=0");
}

static int parse_ms(const char *v, size_t n, double *out)
{
    char tmp[32], *end;
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, v, n);
    tmp[n] = 0;
    double x = strtod(tmp, &end);
    if (end == tmp || !isfinite(x) || x <= 0)
        return -1;
    if (!strcmp(end, "s"))
        x *= 1000.0;
    else if (*end && strcmp(end, "ms"))
        return -1;
    *out = x;
    return 0;
}

int llmb_load_parse_slo(const char *s, struct llmb_load_params *p, struct llmb_error *err)
{
    const char *at = s;
    p->slo_ttft_ms = p->slo_tpot_ms = p->slo_e2el_ms = 0;
    while (at) {
        const char *comma = strchr(at, ','), *end = comma ? comma : at + strlen(at),
                   *eq = memchr(at, '=', (size_t)(end - at));
        double *dst = NULL;
        if (!*at)
            return llmb_error_set(err, LLMB_E_INVAL, "--slo '%.100s': an empty goal (ttft=200ms,tpot=50ms)", s);
        if (eq && eq - at == 4 && !strncmp(at, "ttft", 4))
            dst = &p->slo_ttft_ms;
        else if (eq && eq - at == 4 && !strncmp(at, "tpot", 4))
            dst = &p->slo_tpot_ms;
        else if (eq && eq - at == 4 && !strncmp(at, "e2el", 4))
            dst = &p->slo_e2el_ms;
        if (!dst || parse_ms(eq + 1, (size_t)(end - eq - 1), dst))
            return llmb_error_set(err, LLMB_E_INVAL,
                                  "--slo '%.100s': expected ttft=, tpot= or e2el= with a positive time in ms or s"
                                  " (ttft=200ms,tpot=50ms)",
                                  s);
        at = comma ? comma + 1 : NULL;
    }
    if (!p->slo_ttft_ms && !p->slo_tpot_ms && !p->slo_e2el_ms)
        return llmb_error_set(err, LLMB_E_INVAL, "--slo is empty (ttft=200ms,tpot=50ms)");
    return LLMB_OK;
}

/* The gap to the next arrival: gamma(shape b, scale 1/(rate b)) (b = 1:
 * exponential, a Poisson process), as vLLM draws it. */
static double uniform(uint64_t *st)
{
    *st ^= *st << 13;
    *st ^= *st >> 7;
    *st ^= *st << 17;
    return ((double)(*st >> 11) + 0.5) / 9007199254740992.0;
}
static double normal(uint64_t *st)
{
    return sqrt(-2.0 * log(uniform(st))) * cos(6.283185307179586 * uniform(st));
}
static double gamma_draw(uint64_t *st, double k) /* Marsaglia and Tsang */
{
    if (k < 1.0)
        return gamma_draw(st, k + 1.0) * pow(uniform(st), 1.0 / k);
    double d = k - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = normal(st), v = 1.0 + c * x;
        if (v <= 0)
            continue;
        v = v * v * v;
        double u = uniform(st);
        if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
            return d * v;
    }
}
static double gap_s(const struct llmb_load_params *p, uint64_t *st)
{
    double b = p->burstiness > 0 ? p->burstiness : 1.0;
    return gamma_draw(st, b) / (p->rate * b);
}

struct run {
    const struct llmb_load_params *p;
    const struct llmb_load_data *d;
    struct llmb_http_client *c;
    struct llmb_load_reqs reqs; /* measured ones */
    const char *path;
};

static void on_done(struct llmb_http_record *r, void *user)
{
    const struct llmb_load_params *p = user; /* NULL: a warm-up request */
    free((char *)r->body);
    r->body = NULL;
    if (p && p->on_done)
        p->on_done(p->on_done_ctx, r);
}

/* Starts request i into rec. */
static int start(struct run *R, struct llmb_http_record *rec, uint64_t i, struct llmb_error *err)
{
    memset(rec, 0, sizeof *rec);
    rec->path = R->path;
    rec->stream = R->p->stream;
    rec->id = (int)i;
    if (!(rec->body = llmb_load_body(R->p, R->d, i)))
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory making a request");
    int rc = llmb_http_client_start(R->c, rec, err);
    if (rc) {
        free((char *)rec->body);
        rec->body = NULL;
    }
    return rc;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
           ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

static int warm_up(struct run *R, struct llmb_error *err)
{
    for (int i = 0; i < R->p->warmup; i++) {
        struct llmb_http_record rec;
        int rc = start(R, &rec, (uint64_t)1 << 40 | (uint64_t)i, err);
        while (!rc && llmb_http_client_active(R->c) > 0) {
            rc = llmb_http_client_poll(R->c, 100, on_done, NULL, err) < 0 ? LLMB_E_IO : LLMB_OK;
            if (R->p->stop && *R->p->stop)
                llmb_http_client_cancel_all(R->c, on_done, NULL);
        }
        free(rec.tok_ns);
        if (rc)
            return rc;
        if (rec.reason == LLMB_HTTP_CONNECT) {
            char url[256]; /* no user or password: the message may go to an events log */
            llmb_load_url_safe(R->p->url, url, sizeof url);
            return llmb_error_set(err, LLMB_E_IO, "cannot reach --url %s: %s", url, rec.detail);
        }
    }
    return LLMB_OK;
}

static int open_loop(struct run *R, struct llmb_error *err)
{
    const struct llmb_load_params *p = R->p;
    uint64_t rng = p->seed * 2654435761u + 1, t0 = llmb_http_now_ns(), next = t0, i = 0;
    int rc = LLMB_OK;
    for (;;) {
        uint64_t now = llmb_http_now_ns();
        double el = (double)(now - t0) / 1e9;
        int stop = (p->n_requests && i >= (uint64_t)p->n_requests) || (p->duration_s > 0 && el >= p->duration_s);
        int active = llmb_http_client_active(R->c);
        while (!stop && (p->concurrency <= 0 || active < p->concurrency) && (p->rate <= 0 || now >= next)) {
            struct llmb_http_record *rec = llmb_load_reqs_add(&R->reqs);
            if (!rec || (rc = start(R, rec, i, err)))
                return rec ? rc : llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
            i++;
            active++;
            if (p->rate > 0) {
                R->reqs.sched_first = i == 1 ? next : R->reqs.sched_first;
                R->reqs.sched_last = next;
                next += (uint64_t)(gap_s(p, &rng) * 1e9);
            }
            stop = p->n_requests && i >= (uint64_t)p->n_requests;
        }
        if (stop && active == 0)
            break;
        if ((p->max_time_s > 0 && el >= p->max_time_s) || (p->stop && *p->stop)) {
            llmb_http_client_cancel_all(R->c, on_done, (void *)p);
            break;
        }
        int wait = 50;
        if (!stop && p->rate > 0 && (p->concurrency <= 0 || active < p->concurrency))
            wait = next > now ? (int)((next - now) / 1000000) : 0;
        if (wait > 50)
            wait = 50;
        if (llmb_http_client_poll(R->c, wait, on_done, (void *)p, err) < 0)
            return LLMB_E_IO;
    }
    R->reqs.t0 = t0;
    return rc;
}

static const char *endpoint_path(const struct llmb_load_params *p)
{
    size_t n = strlen(p->url);
    while (n && p->url[n - 1] == '/')
        n--;
    int v1 = n >= 3 && !strncmp(p->url + n - 3, "/v1", 3);
    if (p->endpoint == LLMB_LOAD_CHAT)
        return v1 ? "/chat/completions" : "/v1/chat/completions";
    return v1 ? "/completions" : "/v1/completions";
}

int llmb_load_run(const struct llmb_load_params *p, struct llmb_load_summary *out, struct llmb_error *err)
{
    memset(out, 0, sizeof *out);
    struct llmb_load_data d;
    struct run R = {.p = p, .d = &d, .path = endpoint_path(p)};
    struct llmb_http_client_params cp = {.base_url = p->url,
                                         .api_key = p->api_key,
                                         .timeout_s = p->timeout_s,
                                         .idle_s = p->idle_s,
                                         .max_line = p->max_line,
                                         .max_conns = p->concurrency > 0 ? p->concurrency + 8 : 1024,
                                         .http2 = p->http2};
    int rc = llmb_load_data_open(p, &d, err);
    if (rc)
        return rc;
    if ((rc = llmb_http_client_new(&cp, &R.c, err))) {
        llmb_load_data_free(&d);
        return rc;
    }
    rc = warm_up(&R, err);
    double cpu0 = cpu_s();
    if (!rc)
        rc = open_loop(&R, err);
    double cpu = cpu_s() - cpu0;
    llmb_http_client_free(R.c); /* cancels what a failure left in flight */
    for (size_t k = 0; k < R.reqs.n; k++)
        free((char *)R.reqs.v[k]->body), R.reqs.v[k]->body = NULL;
    if (!rc)
        rc = llmb_load_summarize(p, &R.reqs, cpu, out, err);
    llmb_load_reqs_free(&R.reqs);
    llmb_load_data_free(&d);
    return rc;
}
