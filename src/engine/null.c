/* null.c - an engine with no model, like fio's null ioengine: it spins for a
 * configurable time per token so the whole pipeline (plan, runner, stats,
 * printers) runs in tests without llama.cpp. Its "model path" carries its
 * settings: "null[:pp_us=N][:tg_us=N][:jitter=F][:fail_at=N][:crash_at=N[:sig=S]][:hang_at=N]
 * [:abort_at=N][:nan=1][:vocab=N][:slow_every=N][:seed=N][:virtual=1]" (jitter: uniform relative
 * noise per call, drawn from seed, 42 by default; virtual=1: nothing spins, the speed test's clock
 * is the engine's, moved by exactly what each call is set to take, so a test's figures do not
 * depend on the machine's load;
 * slow_every: every Nth decode takes 10 times as long, as when another process preempts the
 * benchmark; the Nth decode or
 * generation fails (fail_at), raises signal S, SIGSEGV by default (crash_at), never returns
 * (hang_at), or aborts through ggml's GGML_ABORT as llama.cpp does on a model it does not
 * like (abort_at): what the isolation of workers is tested with; nan=1: the scoring pass's
 * logits are NaN, so a perplexity is not a number). */
#include <math.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ggml.h>

#include "base/clock.h"
#include "llmbench/engine.h"

struct null_state {
    double   pp_us, tg_us, jitter;
    long fail_at, crash_at, hang_at, abort_at, calls, slow_every;
    long     n_ctx, pos;   /* the context's size and tokens in its KV cache, as llama.cpp's */
    int nan;
    int      sig;
    int      n_vocab;
    unsigned seed;
    int virt; /* virtual=1: time is vclock, advanced by the calls (n_clock) */
    uint64_t vclock;
    float   *logits;
    float   *rows;     /* eval's logits */
    size_t   rows_cap;
    char     path[256];
};

static int parse(struct null_state *s, const char *path, struct llmb_error *err)
{
    s->pp_us = 2;
    s->tg_us = 50;
    s->n_vocab = 32000;
    s->seed = 42;
    if (strncmp(path, "null", 4) || (path[4] && path[4] != ':'))
        return llmb_error_set(err, LLMB_E_MODEL, "null engine: model must be 'null[:key=value...]', got '%s'", path);
    const char *p = path + 4;
    while (*p == ':') {
        p++;
        char key[32];
        double v;
        int used = 0;
        if (sscanf(p, "%31[a-z_]=%lf%n", key, &v, &used) != 2 || !(v >= 0 && v <= 1e9))
            return llmb_error_set(err, LLMB_E_INVAL, "null engine: bad setting at '%s'", p);
        if (!strcmp(key, "pp_us"))
            s->pp_us = v;
        else if (!strcmp(key, "tg_us"))
            s->tg_us = v;
        else if (!strcmp(key, "jitter"))
            s->jitter = v;
        else if (!strcmp(key, "fail_at"))
            s->fail_at = (long)v;
        else if (!strcmp(key, "crash_at"))
            s->crash_at = (long)v;
        else if (!strcmp(key, "hang_at"))
            s->hang_at = (long)v;
        else if (!strcmp(key, "slow_every") && v >= 1)
            s->slow_every = (long)v;
        else if (!strcmp(key, "abort_at"))
            s->abort_at = (long)v;
        else if (!strcmp(key, "nan") && (v == 0 || v == 1))
            s->nan = (int)v;
        else if (!strcmp(key, "sig") && v >= 1 && v < 32)
            s->sig = (int)v;
        else if (!strcmp(key, "virtual") && (v == 0 || v == 1))
            s->virt = (int)v;
        else if (!strcmp(key, "seed") && v == floor(v) && v <= 4294967295.0)
            s->seed = (unsigned)v;
        else if (!strcmp(key, "vocab") && v >= 1 && v <= 1e7)
            s->n_vocab = (int)v;
        else
            return llmb_error_set(err, LLMB_E_INVAL, "null engine: unknown setting '%s'", key);
        p += used;
    }
    if (*p)
        return llmb_error_set(err, LLMB_E_INVAL, "null engine: trailing text '%s'", p);
    return LLMB_OK;
}

static int n_open(const struct llmb_model_params *mp, void **out, struct llmb_error *err)
{
    struct null_state *s = calloc(1, sizeof *s);
    if (!s)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    int rc = parse(s, mp->path, err);
    if (rc == LLMB_OK && !(s->logits = calloc((size_t)s->n_vocab, sizeof(float))))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    if (rc) {
        free(s);
        return rc;
    }
    snprintf(s->path, sizeof s->path, "%s", mp->path);
    *out = s;
    return LLMB_OK;
}

static int n_describe(void *st, struct llmb_model_info *mi)
{
    struct null_state *s = st;
    memset(mi, 0, sizeof *mi);
    snprintf(mi->path, sizeof mi->path, "%s", s->path);
    snprintf(mi->desc, sizeof mi->desc, "null engine");
    snprintf(mi->arch, sizeof mi->arch, "null");
    snprintf(mi->quant, sizeof mi->quant, "none");
    mi->n_vocab = s->n_vocab;
    mi->bos = 1;
    mi->add_bos = 1;
    mi->vocab_hash = 0x6e756c6cull ^ (uint64_t)s->n_vocab;
    mi->n_ctx_train = 1 << 20;
    mi->n_params = 1000000;
    mi->model_size = 2000000;
    mi->bpw = 16.0;
    mi->synthetic = 1;
    snprintf(mi->backends, sizeof mi->backends, "null");
    snprintf(mi->devices, sizeof mi->devices, "none");
    snprintf(mi->cpu_info, sizeof mi->cpu_info, "none");
    snprintf(mi->build_commit, sizeof mi->build_commit, "null");
    return LLMB_OK;
}

static int n_context(void *st, const struct llmb_context_params *cp, struct llmb_context_info *ap,
                     struct llmb_error *err)
{
    struct null_state *s = st;
    (void)err;
    s->n_ctx = cp->n_ctx;
    s->pos = 0;
    memset(ap, 0, sizeof *ap);
    ap->n_ctx = cp->n_ctx;
    ap->n_batch = cp->n_batch;
    ap->n_ubatch = cp->n_ubatch < cp->n_batch ? cp->n_ubatch : cp->n_batch;
    ap->n_threads = cp->n_threads;
    snprintf(ap->type_k, sizeof ap->type_k, "%s", cp->type_k);
    snprintf(ap->type_v, sizeof ap->type_v, "%s", cp->type_v);
    ap->flash_attn = cp->flash_attn;
    return LLMB_OK;
}

static int n_reset(void *st)
{
    ((struct null_state *)st)->pos = 0;
    return LLMB_OK;
}

/* n more tokens into the KV cache: refused, as llama.cpp's decode fails,
 * when they do not fit (a missing reset between repetitions shows here) */
static int fill(struct null_state *s, long n, struct llmb_error *err)
{
    if (s->n_ctx > 0 && s->pos + n > s->n_ctx)
        return llmb_error_set(err, LLMB_E_ENGINE, "null engine: the KV cache holds %ld of %ld tokens, %ld more do "
                              "not fit (was it reset?)", s->pos, s->n_ctx, n);
    s->pos += n;
    return LLMB_OK;
}

static void spin(struct null_state *s, double us)
{
    if (s->jitter > 0)
        us *= 1.0 + s->jitter * (2.0 * rand_r(&s->seed) / (double)RAND_MAX - 1.0);
    if (s->virt) { /* virtual time: the clock moves by what the call takes, nothing runs */
        s->vclock += (uint64_t)(us * 1000.0);
        return;
    }
    uint64_t end = llmb_clock_ns() + (uint64_t)(us * 1000.0);
    while (llmb_clock_ns() < end)
        ;
}

static int n_prefill(void *st, const int32_t *tokens, int n, int n_batch, struct llmb_error *err)
{
    struct null_state *s = st;
    (void)tokens;
    (void)n_batch;
    int rc = fill(s, n, err);
    if (!rc)
        spin(s, s->pp_us * n);
    return rc;
}

/* One more engine step: crashes, hangs or fails when the settings say so. */
static int step(struct null_state *s, const char *what, struct llmb_error *err)
{
    ++s->calls;
    if (s->crash_at > 0 && s->calls >= s->crash_at) {
        fprintf(stderr, "null engine: raising signal %d on purpose\n", s->sig ? s->sig : SIGSEGV);
        raise(s->sig ? s->sig : SIGSEGV);
    }
    while (s->hang_at > 0 && s->calls >= s->hang_at)
        pause();
    if (s->abort_at > 0 && s->calls >= s->abort_at)
        ggml_abort(__FILE__, __LINE__, "GGML_ASSERT(%s) failed", "null engine: abort_at on purpose");
    if (s->fail_at > 0 && s->calls >= s->fail_at)
        return llmb_error_set(err, LLMB_E_ENGINE, "null engine: %s failed on purpose (fail_at=%ld)", what, s->fail_at);
    return LLMB_OK;
}

static int n_decode(void *st, int32_t token, struct llmb_error *err)
{
    struct null_state *s = st;
    (void)token;
    int rc = step(s, "decode", err);
    if (!rc)
        rc = fill(s, 1, err);
    if (!rc)
        spin(s, s->slow_every > 0 && s->calls % s->slow_every == 0 ? 10 * s->tg_us : s->tg_us);
    return rc;
}

static int n_logits(void *st, const float **out, int *n_vocab, struct llmb_error *err)
{
    struct null_state *s = st;
    (void)err;
    *out = s->logits;
    *n_vocab = s->n_vocab;
    return LLMB_OK;
}

/* bytes as tokens (byte % vocab), BOS 1 first when add_special */
static int n_tokenize(void *st, const char *text, size_t len, int add_special, int32_t **out, int *n,
                      struct llmb_error *err)
{
    struct null_state *s = st;
    int32_t *t = malloc(sizeof *t * (len + 1));
    if (!t)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    int k = 0;
    if (add_special)
        t[k++] = 1;
    for (size_t i = 0; i < len; i++)
        t[k++] = (int32_t)((unsigned char)text[i] % (unsigned)s->n_vocab);
    *out = t;
    *n = k;
    return LLMB_OK;
}

/* every position predicts the uniform distribution: perplexity = vocabulary size */
static int n_eval(void *st, const int32_t *tokens, int n_seq, int n_tokens, int first, int n_batch,
                  const float **logits, struct llmb_error *err)
{
    struct null_state *s = st;
    (void)tokens;
    (void)n_batch;
    s->pos = 0; /* a scoring pass clears the memory first */
    size_t need = (size_t)n_seq * (size_t)(n_tokens - first) * (size_t)s->n_vocab;
    if (need > s->rows_cap) {
        float *r = realloc(s->rows, need * sizeof *r);
        if (!r)
            return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        s->rows = r;
        s->rows_cap = need;
    }
    if (s->nan)
        for (size_t i = 0; i < need; i++)
            s->rows[i] = NAN;
    else
        memset(s->rows, 0, need * sizeof *s->rows);
    spin(s, s->pp_us * n_seq * n_tokens);
    *logits = s->rows;
    return LLMB_OK;
}

static int n_generate(void *st, const struct llmb_gen_request *rq, struct llmb_gen_result *res,
                      struct llmb_error *err)
{
    struct null_state *s = st;
    memset(res, 0, sizeof *res);
    int rc = step(s, "generate", err); /* a generation counts as one step */
    if (rc)
        return rc;
    s->pos = 0; /* a request starts from a clear memory, as the llama engine's */
    /* answers the prompt with itself, one "token" per byte up to max_tokens */
    size_t n = strlen(rq->prompt);
    if (n > (size_t)rq->max_tokens)
        n = (size_t)rq->max_tokens;
    if (!(res->text = strndup(rq->prompt, n)))
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    uint64_t t0 = llmb_clock_ns(), paused = 0;
    spin(s, s->pp_us * (double)strlen(rq->prompt));
    uint64_t t1 = llmb_clock_ns();
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            spin(s, s->tg_us);
        if (rq->on_token) { /* outside the timing, as the llama engine does */
            uint64_t c0 = llmb_clock_ns();
            rq->on_token(res->text + i, 1, (double)(c0 - t0 - paused) / 1e6, rq->user);
            paused += llmb_clock_ns() - c0;
        }
    }
    uint64_t t2 = llmb_clock_ns() - paused;
    res->n_prompt = (int)strlen(rq->prompt);
    res->n_gen = (int)n;
    res->stopped = n < (size_t)rq->max_tokens;
    res->ttft_ms = (double)(t1 - t0) / 1e6;
    res->total_ms = (double)(t2 - t0) / 1e6;
    res->tg_ts = n > 1 && t2 > t1 ? (double)(n - 1) * 1e9 / (double)(t2 - t1) : 0;
    return LLMB_OK;
}

static void n_close(void *st)
{
    struct null_state *s = st;
    if (s) {
        free(s->logits);
        free(s->rows);
    }
    free(s);
}

static uint64_t n_clock(void *st)
{
    struct null_state *s = st;
    return s->virt ? s->vclock : llmb_clock_ns();
}

const struct llmb_engine_ops llmb_engine_null = {
    .name = "null",
    .clock_ns = n_clock,
    .open = n_open,
    .describe = n_describe,
    .context = n_context,
    .reset = n_reset,
    .prefill = n_prefill,
    .decode = n_decode,
    .logits = n_logits,
    .tokenize = n_tokenize,
    .eval = n_eval,
    .generate = n_generate,
    .close = n_close,
};
