/* load.c - `llmbench load`: serving load against an OpenAI-compatible
 * server. Flags -> struct llmb_load_params -> llmb_load_run (src/workload)
 * -> the report (load_print.c) and one result of kind "load" in the store
 * (load_store.c), so the run is listed, exported and compared like any
 * other; --sweep runs one per rate (load_sweep.c). The API key
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
#include "llmbench/quality.h"
#include "signals.h"

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
    O_TAG,
    O_SWEEP,
    O_STEPS,
    O_SHARE
};

#define AT(m) LLMB_OPT_AT(struct llmb_load_cli, m)
const struct llmb_opt llmb_load_opts[] = {
    {O_URL, "--url", "URL", NULL, "the server: http://HOST:PORT (a trailing /v1 is fine)", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_MODEL, "--model", "NAME", NULL, "the model name each request asks for", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_ENDPOINT, "--endpoint", "completions|chat", "completions", "/v1/completions or /v1/chat/completions",
     LLMB_OPT_ENUM, 0, 0, 0, NULL},
    {O_CONC, "-c,--concurrency", "N", "1 (none with --rate, --sweep)", "most requests in flight", LLMB_OPT_INT, 1,
     100000, 0, NULL},
    {O_RATE, "--rate", "R", NULL, "requests per second, arriving as a Poisson process (gamma with --burstiness)",
     LLMB_OPT_DOUBLE, 1e-6, 1e6, AT(p.rate), NULL},
    {O_SWEEP, "--sweep", "R,R...|auto", NULL,
     "a run per rate (req/s, increasing), or auto: from half the capacity at -c 1, doubling until saturation; "
     "the steps and their knee (rule above) in one stored run",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_STEPS, "--sweep-steps", "N", "8", "--sweep auto: most steps", LLMB_OPT_INT, 2, LLMB_LOAD_SWEEP_MAX, 0, NULL},
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
    {O_SHARE, "--prefix-share", "F", "0",
     "random prompts: this fraction of the words is one prefix every request shares (a prefix cache's hits; "
     "the rest stays unique)",
     LLMB_OPT_DOUBLE, 0, 1, AT(p.prefix_share), NULL},
    {O_OUT, "--output-len", "N", "32", "max_tokens asked for (ignore_eos: that many)", LLMB_OPT_INT, 1, 1000000,
     AT(p.output_len), NULL},
    {O_DATA, "--dataset", "FILE|suite[:FILE]", NULL,
     "JSONL prompts (\"prompt\", \"messages\" or ShareGPT \"conversations\"), or a prompt suite's prompts: "
     "suite (the built-in one) or suite:FILE (as quality --suite reads)",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_SEED, "--seed", "N", "42", "random prompts and arrival times", LLMB_OPT_U64, 0, 4294967295.0, AT(p.seed), NULL},
    {O_SLO, "--slo", "SPEC", NULL, "goodput's goals: ttft=200ms,tpot=50ms,e2el=2s", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_TIMEOUT, "--timeout", "SEC", "300", "longest time of one request (0: none)", LLMB_OPT_DOUBLE, 0, 1e6,
     AT(p.timeout_s), NULL},
    {O_IDLE, "--idle-timeout", "SEC", "30", "a request that receives nothing this long ends (a stall; 0: none)",
     LLMB_OPT_DOUBLE, 0, 1e6, AT(p.idle_s), NULL},
    {O_MAXT, "--max-time", "SEC", NULL,
     "the run's bound (a sweep's: all steps): requests still in flight are cancelled", LLMB_OPT_DOUBLE, 0.001, 1e7,
     AT(p.max_time_s), NULL},
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
    struct llmb_load_cli *c = user;
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
    case O_SWEEP: c->sweep_arg = v; return llmb_load_parse_sweep(v, &c->sweep, err);
    case O_STEPS: c->sweep.max_steps = (int)llmb_opt_value(v), c->steps_given = 1; return LLMB_OK;
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

/* A suite named by --dataset read once here: an error before any request,
 * and the entries it leaves out said (the workload reads it again). */
static int check_suite(const char *dataset, struct llmb_error *err)
{
    const char *file;
    if (!llmb_load_is_suite(dataset, &file))
        return LLMB_OK;
    if (file && !*file)
        return llmb_error_set(err, LLMB_E_INVAL, "--dataset suite: names no file (suite, or suite:FILE)");
    struct llmb_suite su;
    int rc = llmb_suite_load(file, &su, err);
    for (size_t i = 0; !rc && i < su.n_skipped; i++)
        fprintf(stderr, "llmbench: warning: %s\n", su.warnings[i]);
    if (!rc)
        llmb_suite_free(&su);
    return rc;
}

static int check(struct llmb_load_cli *c, struct llmb_error *err)
{
    struct llmb_load_params *p = &c->p;
    if (!p->url)
        return llmb_error_set(err, LLMB_E_INVAL, "--url is required (http://HOST:PORT of the server)");
    if (!p->model || !*p->model)
        return llmb_error_set(err, LLMB_E_INVAL, "--model is required (the name the server serves)");
    if (p->n_requests && p->duration_s > 0)
        return llmb_error_set(err, LLMB_E_INVAL, "-N and --duration exclude each other");
    if (c->sweep_arg && p->rate > 0)
        return llmb_error_set(err, LLMB_E_INVAL, "--sweep and --rate exclude each other (--sweep gives the rates)");
    if (p->burstiness != 1.0 && p->rate <= 0 && !c->sweep_arg)
        return llmb_error_set(err, LLMB_E_INVAL, "--burstiness needs --rate or --sweep");
    if (c->steps_given && !c->sweep.is_auto)
        return llmb_error_set(err, LLMB_E_INVAL, "--sweep-steps needs --sweep auto");
    if (c->sweep_arg && p->n_requests == 1)
        return llmb_error_set(err, LLMB_E_INVAL, "--sweep needs at least 2 requests per step (-N 2)");
    if (p->prefix_share > 0 && p->dataset)
        return llmb_error_set(err, LLMB_E_INVAL,
                              "--prefix-share shapes random prompts; it does not apply to --dataset");
    if (!p->n_requests && p->duration_s <= 0)
        p->n_requests = 100;
    if ((p->rate > 0 || c->sweep_arg) && !c->conc_given)
        p->concurrency = 0;
    p->max_line = (size_t)c->max_line;
    return check_suite(p->dataset, err);
}

static int run_one(struct llmb_load_cli *c, int argc, char **argv, int64_t *run_id, struct llmb_error *err)
{
    struct llmb_load_step st = {.rate = c->p.rate};
    llmb_load_profile_text(&c->p, st.profile, sizeof st.profile);
    llmb_load_live_step(&c->lv, &c->p, st.profile, 0);
    int rc = llmb_load_run(&c->p, &st.s, err);
    if (llmb_cli_interrupted()) {
        llmb_load_summary_free(&st.s);
        return llmb_cli_interrupted_say("the load run was not stored");
    }
    if (rc)
        return rc;
    st.ok = 1;
    llmb_load_print(stdout, st.profile, &st.s);
    rc = llmb_load_store(c, argc, argv, &st, 1, run_id, err);
    if (!rc) /* instance_finished with the stored result */
        llmb_load_live_step_done(c, &st, &(struct llmb_error){0});
    llmb_load_summary_free(&st.s);
    return rc;
}

int llmb_cmd_load(int argc, char **argv, struct llmb_error *err)
{
    struct llmb_load_cli c;
    memset(&c, 0, sizeof c);
    c.p = llmb_load_default_params();
    c.sweep.max_steps = 8;
    llmb_cli_store_init(&c.st);
    llmb_load_live_init(&c.lv);
    llmb_opt_defaults(llmb_load_opts, &c);
    int rc = llmb_opt_parse(llmb_load_opts, argc, argv, on_opt, &c, err);
    if (!rc)
        rc = check(&c, err);
    char *key = NULL;
    if (!rc)
        rc = read_key(c.key_src, &key, err);
    if ((rc = llmb_cli_input(rc)))
        return rc;
    c.p.api_key = key;
    c.p.stop = llmb_cli_signals_catch();
    int64_t run = 0;
    size_t n_steps = !c.sweep_arg ? 1 : c.sweep.is_auto ? (size_t)c.sweep.max_steps : (size_t)c.sweep.n_rates;
    if (!(rc = llmb_load_live_open(&c.lv, &c.p, &c.st, n_steps, err)))
        rc = c.sweep_arg ? llmb_load_sweep_cmd(&c, argc, argv, &run, err) : run_one(&c, argc, argv, &run, err);
    if (key) {
        memset(key, 0, strlen(key));
        free(key);
    }
    c.p.api_key = NULL;
    int lrc =
        llmb_load_live_close(&c.lv, run, llmb_cli_interrupted() ? LLMB_E_INTERRUPTED : rc, err->msg, rc ? NULL : err);
    return rc ? rc : lrc;
}
