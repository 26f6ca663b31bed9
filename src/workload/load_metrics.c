/* load_metrics.c - the figures of a load run (docs/metrics.md, Serving
 * load), defined as vLLM's `bench serve` defines them: failed requests are
 * left out of every latency figure; TTFT from the request's send to the
 * first token's bytes; TPOT = (E2EL - TTFT) / (output tokens - 1) per request
 * with more than one token; ITL pools every gap between token arrivals of
 * every request; throughputs divide by the run's duration; a request is
 * good when it meets every SLO given (TPOT 0 for a one-token answer);
 * the prefix cache's hit rate pools the requests whose server said how many
 * prompt tokens it held (usage's cached_tokens, else llama-server's
 * timings.cache_n); the offered and end rates feed a sweep's knee rule;
 * percentiles by linear interpolation (numpy's). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/stats.h"
#include "workload/load_int.h"

_Static_assert(LLMB_LOADF_COUNT <= 64, "a load figure's known bit must fit struct llmb_load_figures.known");

struct llmb_http_record *llmb_load_reqs_add(struct llmb_load_reqs *q)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 256;
        struct llmb_http_record **v = realloc(q->v, cap * sizeof *v);
        if (!v)
            return NULL;
        q->v = v;
        q->cap = cap;
    }
    struct llmb_http_record *r = calloc(1, sizeof *r);
    if (r)
        q->v[q->n++] = r;
    return r;
}

void llmb_load_reqs_free(struct llmb_load_reqs *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->v[i]->tok_ns);
        free(q->v[i]);
    }
    free(q->v);
    memset(q, 0, sizeof *q);
}

void llmb_load_summary_free(struct llmb_load_summary *s)
{
    if (!s)
        return;
    free(s->e2e_ns);
    free(s->ttft_ns);
    free(s->tg_ns);
    free(s->out_tokens);
    s->e2e_ns = s->ttft_ns = s->tg_ns = NULL;
    s->out_tokens = NULL;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void set(struct llmb_load_figures *f, int k, double v)
{
    if (isnan(v))
        return;
    f->v[k] = v;
    f->known |= 1ull << k;
}

/* mean, p50, p90, p95, p99, max of x[0..n) at figures k..k+5 (sorts x). */
static void dist(struct llmb_load_figures *f, int k, double *x, size_t n)
{
    if (!n)
        return;
    qsort(x, n, sizeof *x, cmp_d);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    set(f, k, sum / (double)n);
    set(f, k + 1, llmb_stats_percentile(x, n, 0.50));
    set(f, k + 2, llmb_stats_percentile(x, n, 0.90));
    set(f, k + 3, llmb_stats_percentile(x, n, 0.95));
    set(f, k + 4, llmb_stats_percentile(x, n, 0.99));
    set(f, k + 5, x[n - 1]);
}

static double ms(uint64_t a, uint64_t b)
{
    return (double)(b - a) / 1e6;
}

/* "http_429:3,dropped:2": failures by kind, in order of first appearance. */
static void tally_errors(const struct llmb_load_reqs *q, struct llmb_load_summary *s)
{
    char kinds[16][24];
    size_t cnt[16], nk = 0;
    for (size_t i = 0; i < q->n; i++) {
        const struct llmb_http_record *r = q->v[i];
        if (r->reason == LLMB_HTTP_OK)
            continue;
        char k[24];
        if (r->reason == LLMB_HTTP_STATUS)
            snprintf(k, sizeof k, "http_%ld", r->status);
        else
            snprintf(k, sizeof k, "%s", llmb_http_reason_name(r->reason));
        if (!s->first_error[0]) {
            snprintf(s->first_error, sizeof s->first_error, "%s: %s", k, r->detail);
            for (char *c = s->first_error; *c; c++) /* one line, whatever the server sent */
                *c = (unsigned char)*c < 0x20 || *c == 0x7f ? ' ' : *c;
            s->first_reason_connect = r->reason == LLMB_HTTP_CONNECT;
        }
        size_t j = 0;
        while (j < nk && strcmp(kinds[j], k))
            j++;
        if (j == nk && nk < 16) {
            snprintf(kinds[nk], sizeof kinds[nk], "%s", k);
            cnt[nk++] = 0;
        }
        if (j < nk)
            cnt[j]++;
    }
    size_t at = 0;
    for (size_t j = 0; j < nk && at < sizeof s->fig.errors; j++)
        at +=
            (size_t)snprintf(s->fig.errors + at, sizeof s->fig.errors - at, "%s%s:%zu", j ? "," : "", kinds[j], cnt[j]);
}

static void texts(const struct llmb_load_params *p, struct llmb_load_figures *f)
{
    llmb_load_url_safe(p->url, f->url, sizeof f->url);
    snprintf(f->endpoint, sizeof f->endpoint, "%s", p->endpoint == LLMB_LOAD_CHAT ? "chat" : "completions");
    size_t w = 0;
    if (p->slo_ttft_ms > 0)
        w += (size_t)snprintf(f->slo + w, sizeof f->slo - w, "ttft=%gms", p->slo_ttft_ms);
    if (p->slo_tpot_ms > 0)
        w += (size_t)snprintf(f->slo + w, sizeof f->slo - w, "%stpot=%gms", w ? "," : "", p->slo_tpot_ms);
    if (p->slo_e2el_ms > 0)
        snprintf(f->slo + w, sizeof f->slo - w, "%se2el=%gms", w ? "," : "", p->slo_e2el_ms);
}

int llmb_load_summarize(const struct llmb_load_params *p, const struct llmb_load_reqs *q, double cpu_s,
                        struct llmb_load_summary *s, struct llmb_error *err)
{
    memset(s, 0, sizeof *s);
    struct llmb_load_figures *f = &s->fig;
    size_t n = q->n, n_itl = 0;
    for (size_t i = 0; i < n; i++)
        n_itl += q->v[i]->n_tok > 1 ? q->v[i]->n_tok - 1 : 0;
    double *ttft = malloc((n + 1) * sizeof *ttft), *tpot = malloc((n + 1) * sizeof *tpot);
    double *e2el = malloc((n + 1) * sizeof *e2el), *itl = malloc((n_itl + 1) * sizeof *itl);
    s->e2e_ns = malloc((n + 1) * sizeof *s->e2e_ns);
    s->ttft_ns = malloc((n + 1) * sizeof *s->ttft_ns);
    s->tg_ns = malloc((n + 1) * sizeof *s->tg_ns);
    s->out_tokens = malloc((n + 1) * sizeof *s->out_tokens);
    if (!ttft || !tpot || !e2el || !itl || !s->e2e_ns || !s->ttft_ns || !s->tg_ns || !s->out_tokens) {
        free(ttft), free(tpot), free(e2el), free(itl);
        llmb_load_summary_free(s);
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory summarizing %zu requests", n);
    }
    size_t n_ok = 0, n_tpot = 0, k_itl = 0, n_good = 0, usage = 0, counted = 0, n_srv = 0, n_cli = 0, n_st = 0;
    long in_tok = 0, out_tok = 0, recv_tok = 0;
    double srv_prompt = 0, srv_pn = 0, srv_pms = 0, cli_tg = 0 /* ms */, st_sum = 0, st_max = 0;
    uint64_t t_last = q->t0, end_first = UINT64_MAX, end_last = 0;
    long cached = 0, cached_of = 0;
    size_t n_cache = 0;
    for (size_t i = 0; i < n; i++) {
        const struct llmb_http_record *r = q->v[i];
        t_last = r->t_end > t_last ? r->t_end : t_last;
        recv_tok += r->n_tok;
        st_sum += (double)r->stamp_delay_sum_ns / 1e6;
        st_max = fmax(st_max, (double)r->stamp_delay_max_ns / 1e6);
        n_st += r->n_stamps;
        if (r->reason != LLMB_HTTP_OK)
            continue;
        uint64_t first = r->t_first ? r->t_first : r->t_end;
        double t = ms(r->t_send, first), e = ms(r->t_send, r->t_end), tp = 0;
        long nout = r->n_out > 0 ? r->n_out : (long)r->n_tok;
        if (nout > 1) {
            tp = (e - t) / (double)(nout - 1);
            tpot[n_tpot++] = tp;
        }
        for (uint32_t k = 1; k < r->n_tok; k++)
            itl[k_itl++] = ms(r->tok_ns[k - 1], r->tok_ns[k]);
        if (r->n_tok > 1 && r->tok_ns[r->n_tok - 1] > r->tok_ns[0]) {
            cli_tg += ms(r->tok_ns[0], r->tok_ns[r->n_tok - 1]);
            n_cli += r->n_tok - 1;
        }
        n_good += (!p->slo_ttft_ms || t <= p->slo_ttft_ms) && (!p->slo_tpot_ms || tp <= p->slo_tpot_ms) &&
                  (!p->slo_e2el_ms || e <= p->slo_e2el_ms);
        end_first = r->t_end < end_first ? r->t_end : end_first;
        end_last = r->t_end > end_last ? r->t_end : end_last;
        if (r->cache_known) {
            cached += r->n_cached;
            cached_of += r->n_cached_of;
            n_cache++;
        }
        usage += r->usage_known;
        counted += !r->usage_known;
        in_tok += r->n_in > 0 ? r->n_in : 0;
        out_tok += nout;
        if (r->has_timings && r->srv_predicted_ms > 0) {
            srv_prompt += r->srv_prompt_ms;
            srv_pn += r->srv_predicted_n;
            srv_pms += r->srv_predicted_ms;
            n_srv++;
        }
        ttft[n_ok] = t;
        e2el[n_ok] = e;
        s->ttft_ns[n_ok] = first - r->t_send;
        s->e2e_ns[n_ok] = r->t_end - r->t_send;
        s->tg_ns[n_ok] = r->t_end - first;
        s->out_tokens[n_ok] = nout;
        n_ok++;
    }
    tally_errors(q, s);
    s->n_ok = n_ok;
    s->n_sent = n;
    int rc = LLMB_OK;
    if (!n_ok) {
        rc = llmb_error_set(err, LLMB_E_FAILED, "no request completed (%zu sent): %s", n,
                            s->first_error[0] ? s->first_error : "none sent");
        llmb_load_summary_free(s);
    } else {
        double dur = (double)(t_last - q->t0) / 1e9;
        set(f, LLMB_LOADF_OK, (double)n_ok);
        set(f, LLMB_LOADF_FAILED, (double)(n - n_ok));
        set(f, LLMB_LOADF_DURATION, dur);
        if (!counted)
            set(f, LLMB_LOADF_IN_TOKENS, (double)in_tok);
        set(f, LLMB_LOADF_OUT_TOKENS, (double)out_tok);
        set(f, LLMB_LOADF_REQ_S, (double)n_ok / dur);
        set(f, LLMB_LOADF_OUT_TS, (double)out_tok / dur);
        if (!counted)
            set(f, LLMB_LOADF_TOTAL_TS, (double)(in_tok + out_tok) / dur);
        set(f, LLMB_LOADF_GOOD, (double)n_good);
        set(f, LLMB_LOADF_GOODPUT, (double)n_good / dur);
        dist(f, LLMB_LOADF_TTFT_MEAN, ttft, n_ok);
        dist(f, LLMB_LOADF_TPOT_MEAN, tpot, n_tpot);
        dist(f, LLMB_LOADF_ITL_MEAN, itl, k_itl);
        dist(f, LLMB_LOADF_E2EL_MEAN, e2el, n_ok);
        set(f, LLMB_LOADF_CPU_REQ, 1e3 * cpu_s / (double)n);
        if (recv_tok > 0)
            set(f, LLMB_LOADF_CPU_TOK, 1e6 * cpu_s / (double)recv_tok);
        if (n_st) {
            set(f, LLMB_LOADF_STAMP_MEAN, st_sum / (double)n_st);
            set(f, LLMB_LOADF_STAMP_MAX, st_max);
        }
        if (n_srv) {
            set(f, LLMB_LOADF_SRV_PROMPT, srv_prompt / (double)n_srv);
            set(f, LLMB_LOADF_SRV_TG, srv_pn / (srv_pms / 1e3));
        }
        if (n_cli)
            set(f, LLMB_LOADF_CLI_TG, (double)n_cli / (cli_tg / 1e3));
        if (n_cache) {
            set(f, LLMB_LOADF_CACHED, (double)cached);
            if (cached_of > 0)
                set(f, LLMB_LOADF_HIT_RATE, (double)cached / (double)cached_of);
        }
        if (p->rate > 0 && n > 1 && q->sched_last > q->sched_first)
            set(f, LLMB_LOADF_OFFERED, (double)(n - 1) / ((double)(q->sched_last - q->sched_first) / 1e9));
        if (n_ok > 1 && end_last > end_first)
            set(f, LLMB_LOADF_END_RATE, (double)(n_ok - 1) / ((double)(end_last - end_first) / 1e9));
        snprintf(f->counts, sizeof f->counts, "%s", !counted ? "usage" : !usage ? "counted" : "mixed");
        texts(p, f);
    }
    free(ttft), free(tpot), free(e2el), free(itl);
    return rc;
}
