/* load.c - `llmbench load`: serving load against an OpenAI-compatible
 * server. Flags -> struct llmb_load_params -> llmb_load_run (src/workload)
 * -> the report (load_print.c) and one result of kind "load" in the store,
 * so the run is listed, exported and compared like any other. The API key
 * is read from an environment variable or a file, handed to the client and
 * wiped; it is never printed and never stored (the command line recorded
 * holds only where it came from). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "load_cli.h"
#include "llmbench/result.h"
#include "signals.h"
#include "store_cli.h"

enum {
    O_URL = 1,
    O_MODEL,
    O_ENDPOINT,
    O_CONC,
    O_RATE,
    O_BURST,
    O_NUM,
    O_DUR,
    O_WARM,
    O_IN,
    O_OUT,
    O_DATA,
    O_SEED,
    O_SLO,
    O_TIMEOUT,
    O_IDLE,
    O_MAXT,
    O_MAXLINE,
    O_NOSTREAM,
    O_HTTP2,
    O_KEY,
    O_TAG
};

struct load_cli {
    struct llmb_load_params p;
    struct llmb_cli_store st;
    struct llmb_load_live lv; /* --events, --dashboard */
    int conc_given;
    double max_line;
    const char *key_src, *tags;
};

#define AT(m) LLMB_OPT_AT(struct load_cli, m)
const struct llmb_opt llmb_load_opts[] = {
    {O_URL, "--url", "URL", NULL, "the server: http://HOST:PORT (a trailing /v1 is fine)", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_MODEL, "--model", "NAME", NULL, "the model name each request asks for", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_ENDPOINT, "--endpoint", "completions|chat", "completions", "/v1/completions or /v1/chat/completions",
     LLMB_OPT_ENUM, 0, 0, 0, NULL},
    {O_CONC, "-c,--concurrency", "N", "1 (none with --rate)", "most requests in flight", LLMB_OPT_INT, 1, 100000, 0,
     NULL},
    {O_RATE, "--rate", "R", NULL, "requests per second, arriving as a Poisson process (gamma with --burstiness)",
     LLMB_OPT_DOUBLE, 1e-6, 1e6, AT(p.rate), NULL},
    {O_BURST, "--burstiness", "B", "1", "gamma shape of the gaps between arrivals: 1 Poisson, < 1 burstier",
     LLMB_OPT_DOUBLE, 1e-3, 1e3, AT(p.burstiness), NULL},
    {O_NUM, "-N,--num-requests", "N", "100 (none with --duration)", "requests to send (warm-up not counted)",
     LLMB_OPT_INT, 1, 10000000, AT(p.n_requests), NULL},
    {O_DUR, "--duration", "SEC", NULL, "send requests for this long (those in flight then finish)", LLMB_OPT_DOUBLE,
     0.001, 1e6, AT(p.duration_s), NULL},
    {O_WARM, "--warmup", "N", "1", "requests sent one by one first and not counted", LLMB_OPT_INT, 0, 1000,
     AT(p.warmup), NULL},
    {O_IN, "--input-len", "N", "128", "random prompts: words (about tokens) after a unique prefix", LLMB_OPT_INT, 0,
     1000000, AT(p.input_len), NULL},
    {O_OUT, "--output-len", "N", "32", "max_tokens asked for (ignore_eos: that many)", LLMB_OPT_INT, 1, 1000000,
     AT(p.output_len), NULL},
    {O_DATA, "--dataset", "FILE", NULL, "JSONL prompts: \"prompt\", \"messages\" or ShareGPT \"conversations\"",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_SEED, "--seed", "N", "42", "random prompts and arrival times", LLMB_OPT_U64, 0, 4294967295.0, AT(p.seed), NULL},
    {O_SLO, "--slo", "SPEC", NULL, "goodput's goals: ttft=200ms,tpot=50ms,e2el=2s", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_TIMEOUT, "--timeout", "SEC", "300", "longest time of one request (0: none)", LLMB_OPT_DOUBLE, 0, 1e6,
     AT(p.timeout_s), NULL},
    {O_IDLE, "--idle-timeout", "SEC", "30", "a request that receives nothing this long ends (a stall; 0: none)",
     LLMB_OPT_DOUBLE, 0, 1e6, AT(p.idle_s), NULL},
    {O_MAXT, "--max-time", "SEC", NULL, "the run's bound: requests still in flight are cancelled", LLMB_OPT_DOUBLE,
     0.001, 1e7, AT(p.max_time_s), NULL},
    {O_MAXLINE, "--max-line", "BYTES", "1M", "longest response line (a longer one fails its request)", LLMB_OPT_SIZE,
     64, 1073741824.0, AT(max_line), NULL},
    {O_NOSTREAM, "--no-stream", NULL, NULL, "whole responses instead of SSE (TTFT is then E2E)", LLMB_OPT_FLAG, 0, 0, 0,
     NULL},
    {O_HTTP2, "--http2", NULL, NULL, "HTTP/2 (prior knowledge over http://)", LLMB_OPT_FLAG, 0, 0, 0, NULL},
    {O_KEY, "--api-key", "env:VAR|file:PATH", NULL, "where the API key is (never the key itself)", LLMB_OPT_STR, 0, 0,
     0, NULL},
    {O_TAG, "--tag", "TAGS", NULL, "comma-separated tags for the stored run", LLMB_OPT_STR, 0, 0, 0, NULL},
    LLMB_STORE_DB_OPTS,
    LLMB_LIVE_OPT_EVENTS,
    LLMB_LIVE_OPT_DASHBOARD,
    {0},
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct load_cli *c = user;
    int rc;
    if (llmb_cli_store_opt(&c->st, id, name, v, &rc, err))
        return rc;
    if (llmb_cli_live_opt(&c->lv.out, id, v))
        return LLMB_OK;
    switch (id) {
    case O_URL: c->p.url = v; return LLMB_OK;
    case O_MODEL: c->p.model = v; return LLMB_OK;
    case O_ENDPOINT: c->p.endpoint = !strcmp(v, "chat") ? LLMB_LOAD_CHAT : LLMB_LOAD_COMPLETIONS; return LLMB_OK;
    case O_CONC: c->p.concurrency = (int)llmb_opt_value(v), c->conc_given = 1; return LLMB_OK;
    case O_DATA: c->p.dataset = v; return LLMB_OK;
    case O_SLO: return llmb_load_parse_slo(v, &c->p, err);
    case O_NOSTREAM: c->p.stream = 0; return LLMB_OK;
    case O_HTTP2: c->p.http2 = 1; return LLMB_OK;
    case O_KEY: c->key_src = v; return LLMB_OK;
    case O_TAG: c->tags = v; return llmb_store_tags_check(v, err);
    case -1: return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s'", v);
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

/* The key from env:VAR or file:PATH (its first line), malloc'd into *key. */
static int read_key(const char *src, char **key, struct llmb_error *err)
{
    *key = NULL;
    if (!src)
        return LLMB_OK;
    if (!strncmp(src, "env:", 4)) {
        const char *v = getenv(src + 4);
        if (!src[4] || !v || !*v)
            return llmb_error_set(err, LLMB_E_INVAL, "--api-key %s: the environment variable is not set", src);
        *key = strdup(v);
    } else if (!strncmp(src, "file:", 5)) {
        FILE *f = fopen(src + 5, "r");
        if (!f)
            return llmb_error_set(err, LLMB_E_INVAL, "--api-key: cannot read '%s': %s", src + 5,
                                  llmb_errno_text(errno));
        char buf[4096] = "";
        if (!fgets(buf, sizeof buf, f))
            buf[0] = 0;
        fclose(f);
        buf[strcspn(buf, "\r\n")] = 0;
        if (!buf[0])
            return llmb_error_set(err, LLMB_E_INVAL, "--api-key: '%s' holds no key", src + 5);
        *key = strdup(buf);
        memset(buf, 0, sizeof buf);
    } else {
        return llmb_error_set(err, LLMB_E_INVAL, "--api-key takes env:VAR or file:PATH, never the key itself");
    }
    return *key ? LLMB_OK : llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
}

/* The stored result: per completed request one sample (E2E, TTFT, the rest). */
static void to_result(const struct load_cli *c, const struct llmb_load_summary *s, const char *profile,
                      struct llmb_result *r, double *tmp)
{
    memset(r, 0, sizeof *r);
    r->inst.kind = LLMB_WL_LOAD;
    r->inst.model = c->p.model;
    r->inst.load_profile = profile;
    r->inst.n_prompt = c->p.dataset ? 0 : c->p.input_len;
    r->inst.n_gen = c->p.output_len;
    r->inst.n_gpu_layers = -1;
    snprintf(r->model.path, sizeof r->model.path, "%s", c->p.model);
    snprintf(r->model.desc, sizeof r->model.desc, "%.60s at %.60s", c->p.model, s->fig.url);
    time_t now = time(NULL);
    struct tm tm;
    strftime(r->test_time, sizeof r->test_time, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    r->load = s->fig;
    r->n_samples = s->n_ok;
    r->total_ns = s->e2e_ns;
    r->ttft_ns = s->ttft_ns;
    r->tg_ns = s->tg_ns;
    llmb_stats_rates(s->e2e_ns, s->n_ok, r->inst.n_prompt + r->inst.n_gen, tmp, &r->ts);
    llmb_stats_rates(s->tg_ns, s->n_ok, r->inst.n_gen, tmp, &r->tg_ts);
    for (size_t i = 0; i < s->n_ok; i++)
        tmp[i] = (double)s->ttft_ns[i] / 1e6;
    llmb_stats_compute(tmp, s->n_ok, &r->ttft_ms);
    for (size_t i = 0; i < s->n_ok; i++)
        tmp[i] = (double)s->e2e_ns[i];
    llmb_stats_compute(tmp, s->n_ok, &r->total_ns_stats);
}

static int store(const struct load_cli *c, int argc, char **argv, const struct llmb_load_summary *s,
                 const char *profile, struct llmb_load_live *lv, int64_t *stored, struct llmb_error *err)
{
    struct llmb_store *db = NULL;
    struct llmb_result *r = malloc(sizeof *r);
    double *tmp = malloc((s->n_ok + 1) * sizeof *tmp);
    int64_t run = 0;
    int rc = r && tmp ? llmb_cli_store_open(&c->st, 0, &db, err) : llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    if (!rc) {
        char cmd[1024];
        llmb_load_command_line(argc, argv, cmd, sizeof cmd);
        struct llmb_run_info ri = {.command = cmd, .tags = c->tags, .n_planned = 1, .source = "load"};
        to_result(c, s, profile, r, tmp);
        if (!(rc = llmb_store_begin_run(db, &ri, &run, err)) && !(rc = llmb_store_put_result(db, run, r, err)))
            rc = llmb_store_end_run(db, run, LLMB_RUN_COMPLETE, err);
        else if (run)
            llmb_store_end_run(db, run, LLMB_RUN_FAILED, NULL);
        llmb_load_live_step_end(lv, r, NULL);
    }
    if (!rc)
        printf("stored as run %lld\n", (long long)run);
    *stored = rc ? 0 : run;
    llmb_store_close(db);
    free(r);
    free(tmp);
    return rc;
}

int llmb_cmd_load(int argc, char **argv, struct llmb_error *err)
{
    struct load_cli c;
    memset(&c, 0, sizeof c);
    c.p = llmb_load_default_params();
    llmb_cli_store_init(&c.st);
    llmb_load_live_init(&c.lv);
    llmb_opt_defaults(llmb_load_opts, &c);
    int rc = llmb_opt_parse(llmb_load_opts, argc, argv, on_opt, &c, err);
    if (!rc && !c.p.url)
        rc = llmb_error_set(err, LLMB_E_INVAL, "--url is required (http://HOST:PORT of the server)");
    if (!rc && (!c.p.model || !*c.p.model))
        rc = llmb_error_set(err, LLMB_E_INVAL, "--model is required (the name the server serves)");
    if (!rc && c.p.n_requests && c.p.duration_s > 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "-N and --duration exclude each other");
    if (!rc && c.p.burstiness != 1.0 && c.p.rate <= 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "--burstiness needs --rate");
    if (!rc && !c.p.n_requests && c.p.duration_s <= 0)
        c.p.n_requests = 100;
    if (!rc && c.p.rate > 0 && !c.conc_given)
        c.p.concurrency = 0;
    c.p.max_line = (size_t)c.max_line;
    char *key = NULL;
    if (!rc)
        rc = read_key(c.key_src, &key, err);
    if ((rc = llmb_cli_input(rc)))
        return rc;
    c.p.api_key = key;
    c.p.stop = llmb_cli_signals_catch();
    struct llmb_load_summary s;
    memset(&s, 0, sizeof s);
    char profile[256];
    llmb_load_profile_text(&c.p, profile, sizeof profile);
    if (!(rc = llmb_load_live_open(&c.lv, &c.p, &c.st, 1, err))) {
        llmb_load_live_step(&c.lv, &c.p, profile, 0);
        rc = llmb_load_run(&c.p, &s, err);
    }
    if (key) {
        memset(key, 0, strlen(key));
        free(key);
    }
    c.p.api_key = NULL;
    if (llmb_cli_interrupted()) {
        llmb_load_live_close(&c.lv, 0, LLMB_E_INTERRUPTED, NULL, NULL);
        llmb_load_summary_free(&s);
        return llmb_cli_interrupted_say("the load run was not stored");
    }
    if (rc) {
        llmb_load_live_close(&c.lv, 0, rc, err->msg, NULL);
        return rc;
    }
    llmb_load_print(stdout, profile, &s);
    int64_t run = 0;
    rc = store(&c, argc, argv, &s, profile, &c.lv, &run, err);
    int lrc = llmb_load_live_close(&c.lv, run, rc, err->msg, rc ? NULL : err);
    llmb_load_summary_free(&s);
    return rc ? rc : lrc;
}
