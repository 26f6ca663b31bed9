/* llama.c - the in-process llama.cpp engine: loads a GGUF through libllama,
 * creates one context per test with a ggml threadpool attached (as
 * llama-bench does), and runs prefill/decode steps synchronously so the
 * caller's clock measures finished work. Owns the model, context and pool. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ggml-backend.h>
#include <ggml-cpu.h>
#include <llama.h>

#include "base/clock.h"
#include "core/vocab_hash.h"
#include "engine/llama_fit.h"
#include "engine/llama_params.h"
#include "llmbench/engine.h"
#include "llmbench/model.h"
#include "llmbench/plan.h"
#include "llmbench/probe.h"

#ifndef LLMB_LLAMA_COMMIT
#define LLMB_LLAMA_COMMIT "unknown"
#endif
#ifndef LLMB_LLAMA_BUILD_NUMBER
#define LLMB_LLAMA_BUILD_NUMBER 0
#endif

typedef struct ggml_threadpool *(*threadpool_new_fn)(struct ggml_threadpool_params *);
typedef void (*threadpool_free_fn)(struct ggml_threadpool *);

struct llama_state {
    struct llama_model      *model;
    struct llama_batch       batch;     /* eval's batch, sized on demand */
    int                      batch_cap;
    float                   *rows;      /* eval's logits when they span several decodes */
    size_t                   rows_cap;
    struct llama_context    *ctx;
    struct ggml_threadpool  *pool;
    threadpool_new_fn        pool_new;
    threadpool_free_fn       pool_free;
    int                      n_gpu_layers;
    uint64_t                 file_size;
    char                     path[4096];
    /* what the model was loaded with (llama keeps pointers to some) */
    ggml_backend_dev_t       devices[LLMB_MAX_DEVICES + 1];
    int                      n_devices;    /* -1: every device (auto) */
    float                    tensor_split[LLMB_MAX_DEVICES];
    struct llmb_llama_overrides ot; /* -ot and -ncmoe */
};

/* llama.cpp logs through one process-wide callback; the first error line it
 * printed since the operation began is kept (per thread) so failures can say
 * why: the cause ("error loading model: check_tensor_dims: ..."), not the
 * generic last line ("failed to load model"). */
static _Thread_local char last_log_error[400];

/* What llama.cpp resolved flash attention "auto" to, as its context
 * creation says in its log ("Flash Attention enabled" / "... set to
 * disabled"); -1 until it says. There is no API to ask. */
static int resolved_fa = -1;

static void keep_error(enum ggml_log_level level, const char *text)
{
    if (text && strstr(text, "Flash Attention")) {
        if (strstr(text, "Flash Attention enabled"))
            resolved_fa = 1;
        else if (strstr(text, "disabled") || strstr(text, "not supported"))
            resolved_fa = 0;
    }
    if (level != GGML_LOG_LEVEL_ERROR || !text || !*text)
        return;
    snprintf(last_log_error, sizeof last_log_error, "%s", text);
    last_log_error[strcspn(last_log_error, "\n")] = 0;
}

static void quiet_log(enum ggml_log_level level, const char *text, void *user)
{
    (void)user;
    keep_error(level, text);
}

static void verbose_log(enum ggml_log_level level, const char *text, void *user)
{
    (void)user;
    keep_error(level, text);
    fputs(text, stderr);
}

/* ": <last llama.cpp error>" or "" */
static const char *why(void)
{
    static _Thread_local char buf[416];
    snprintf(buf, sizeof buf, "%s%s", last_log_error[0] ? ": " : "", last_log_error);
    last_log_error[0] = 0;
    return buf;
}

/* llama.cpp's aborts, see engine.h: the handler the program set, else one
 * marked line on stderr (write(2): the process is about to die). */
static llmb_engine_abort_fn abort_handler;

static void on_abort(const char *message)
{
    const char *end = strstr(message, ": "), *slash = NULL; /* "/long/path/llama-model.cpp:1260: ..." */
    for (const char *p = message; end && p < end; p++)
        if (*p == '/')
            slash = p;
    if (slash)
        message = slash + 1;
    if (abort_handler) {
        abort_handler(message);
        return;
    }
    char line[2200];
    int n = snprintf(line, sizeof line, "\n%s%s\n", LLMB_ABORT_MARK, message);
    if (n > 0)
        (void)!write(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void llmb_engine_set_abort_handler(llmb_engine_abort_fn fn)
{
    abort_handler = fn;
    ggml_set_abort_callback(on_abort);
}

static void eng_global_init(int quiet)
{
    static int done;
    llama_log_set(quiet ? quiet_log : verbose_log, NULL);
    setenv("GGML_NO_BACKTRACE", "1", 1); /* no gdb attached to a dying process */
    ggml_set_abort_callback(on_abort);
    if (done)
        return;
    done = 1;
    ggml_backend_load_all();
    llama_backend_init();
}

static int type_from_name(const char *name, enum ggml_type *out)
{
    for (int i = 0; i < GGML_TYPE_COUNT; i++) {
        const char *n = ggml_type_name((enum ggml_type)i);
        if (n && !strcmp(n, name)) {
            *out = (enum ggml_type)i;
            return 0;
        }
    }
    return -1;
}

static void free_ctx(struct llama_state *s)
{
    if (s->ctx)
        llama_free(s->ctx);
    s->ctx = NULL;
    if (s->pool && s->pool_free)
        s->pool_free(s->pool);
    s->pool = NULL;
}

static void eng_close(void *st)
{
    struct llama_state *s = st;
    if (!s)
        return;
    free_ctx(s);
    if (s->batch_cap)
        llama_batch_free(s->batch);
    free(s->rows);
    if (s->model)
        llama_model_free(s->model);
    llmb_llama_overrides_free(&s->ot);
    free(s);
}

static int to_llama_ctx_params(const struct llmb_context_params *cp, struct llama_context_params *p,
                               struct llmb_error *err);

static int eng_open(const struct llmb_model_params *mp, void **out, struct llmb_error *err)
{
    uint64_t fsize = 0;
    int rc = llmb_model_check(mp->path, &fsize, err);
    if (rc)
        return rc;
    if ((rc = llmb_llama_register_rpc(mp->rpc, err)))
        return rc;
    static int numa_done;
    if (mp->numa > 0 && !numa_done) {
        llama_numa_init(mp->numa == 1 ? GGML_NUMA_STRATEGY_DISTRIBUTE
                        : mp->numa == 2 ? GGML_NUMA_STRATEGY_ISOLATE : GGML_NUMA_STRATEGY_NUMACTL);
        numa_done = 1;
    }
    struct llama_state *s = calloc(1, sizeof *s);
    if (!s)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    s->file_size = fsize;
    s->n_gpu_layers = mp->n_gpu_layers;
    snprintf(s->path, sizeof s->path, "%s", mp->path);

    ggml_backend_dev_t cpu = ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU);
    if (!cpu) {
        free(s);
        return llmb_error_set(err, LLMB_E_ENGINE, "llama.cpp: the CPU backend is not loaded");
    }
    ggml_backend_reg_t reg = ggml_backend_dev_backend_reg(cpu);
    s->pool_new = (threadpool_new_fn)ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_new");
    s->pool_free = (threadpool_free_fn)ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_free");

    struct llama_model_params p = llama_model_default_params();
    p.n_gpu_layers = mp->n_gpu_layers;
    last_log_error[0] = 0;
    if ((rc = llmb_llama_devices(mp->devices, s->devices, &s->n_devices, err)) ||
        (rc = llmb_llama_overrides(mp->tensor_buft_overrides, mp->n_cpu_moe, &s->ot, err)))
        goto fail;
    if (s->n_devices >= 0) {
        s->devices[s->n_devices] = NULL;
        p.devices = s->devices;
    }
    if (llmb_tensor_split_values(mp->tensor_split, s->tensor_split)) {
        rc = llmb_error_set(err, LLMB_E_INVAL, "bad tensor split '%s'", mp->tensor_split);
        goto fail;
    }
    p.tensor_split = s->tensor_split;
    p.tensor_buft_overrides = s->ot.v;
    llmb_llama_modes(mp, &p);
    p.main_gpu = mp->main_gpu;
    p.no_host = mp->no_host != 0;
    if (mp->fit_target > 0 || mp->fit_min_ctx > 0) { /* as llama-bench: from the defaults, for this test's context */
        struct llama_context_params cp = llama_context_default_params();
        if (mp->fit_ctx && (rc = to_llama_ctx_params(mp->fit_ctx, &cp, err)))
            goto fail;
        size_t n_ot = llama_max_tensor_buft_overrides();
        struct llama_model_tensor_buft_override *fit_ot = calloc(n_ot + 1, sizeof *fit_ot);
        if (!fit_ot) {
            rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
            goto fail;
        }
        llmb_llama_overrides_free(&s->ot);
        s->ot.v = fit_ot;
        for (int i = 0; i < LLMB_MAX_DEVICES; i++)
            s->tensor_split[i] = 0;
        p.n_gpu_layers = llama_model_default_params().n_gpu_layers;
        p.tensor_split = s->tensor_split;
        p.tensor_buft_overrides = fit_ot;
        uint32_t need = cp.n_ctx;
        cp.n_ctx = need;
        if (llmb_llama_fit(mp->path, &p, &cp, s->tensor_split, fit_ot, (size_t)mp->fit_target * 1024 * 1024,
                           (uint32_t)mp->fit_min_ctx, 0) == 2) {
            rc = llmb_error_set(err, LLMB_E_ENGINE, "llama.cpp could not fit '%s' to device memory%s", mp->path,
                                why());
            goto fail;
        }
    }
    s->model = llama_model_load_from_file(mp->path, p);
    if (!s->model) {
        rc = llmb_error_set(err, LLMB_E_MODEL, "llama.cpp could not load model '%s'%s", mp->path, why());
        goto fail;
    }
    *out = s;
    return LLMB_OK;
fail:
    llmb_llama_overrides_free(&s->ot);
    free(s);
    return rc;
}

static void append(char *buf, size_t len, const char *sep, const char *s)
{
    size_t used = strlen(buf);
    if (used >= len - 1)
        return;
    snprintf(buf + used, len - used, "%s%s", used ? sep : "", s);
}

static int eng_describe(void *st, struct llmb_model_info *mi)
{
    struct llama_state *s = st;
    memset(mi, 0, sizeof *mi);
    const struct llama_vocab *vocab = llama_model_get_vocab(s->model);
    snprintf(mi->path, sizeof mi->path, "%s", s->path);
    llama_model_desc(s->model, mi->desc, sizeof mi->desc);
    if (llama_model_meta_val_str(s->model, "general.architecture", mi->arch, sizeof mi->arch) < 0)
        snprintf(mi->arch, sizeof mi->arch, "unknown");
    snprintf(mi->quant, sizeof mi->quant, "%s", llama_ftype_name(llama_model_ftype(s->model)));
    mi->file_size = s->file_size;
    mi->model_size = llama_model_size(s->model);
    mi->n_params = llama_model_n_params(s->model);
    mi->bpw = mi->n_params ? (double)mi->model_size * 8.0 / (double)mi->n_params : 0;
    mi->n_vocab = llama_vocab_n_tokens(vocab);
    mi->n_ctx_train = llama_model_n_ctx_train(s->model);
    mi->n_layer = llama_model_n_layer(s->model);
    mi->n_embd = llama_model_n_embd(s->model);
    mi->n_head = llama_model_n_head(s->model);
    mi->n_head_kv = llama_model_n_head_kv(s->model);
    struct llmb_gguf_facts gf;
    if (llmb_model_facts(mi->path, &gf, NULL) == LLMB_OK) { /* the header only: tensor sizes by name */
        mi->tok_embd_bytes = gf.tok_embd_bytes;
        mi->output_bytes = gf.output_bytes;
    }
    mi->add_bos = llama_vocab_get_add_bos(vocab);
    mi->bos = llama_vocab_bos(vocab);
    char buf[16];
    mi->synthetic = llama_model_meta_val_str(s->model, "llmbench.synthetic", buf, sizeof buf) >= 0 &&
                    (!strcmp(buf, "true") || !strcmp(buf, "1"));
    uint64_t h = LLMB_VOCAB_HASH_INIT;
    for (int32_t t = 0; t < mi->n_vocab; t++)
        h = llmb_vocab_hash_add(h, llama_vocab_get_text(vocab, t));
    mi->vocab_hash = h;

    /* backends as llama-bench names them: every registry but CPU and RPC, then "RPC" once
     * when a server's registry has devices (-rpc), else "CPU" */
    int rpc_used = 0;
    for (size_t i = 0; i < ggml_backend_reg_count(); i++) {
        ggml_backend_reg_t reg = ggml_backend_reg_get(i);
        const char *name = ggml_backend_reg_name(reg);
        if (!strncmp(name, "RPC", 3))
            rpc_used |= ggml_backend_reg_dev_count(reg) > 0;
        else if (strcmp(name, "CPU"))
            append(mi->backends, sizeof mi->backends, ",", name);
    }
    if (rpc_used)
        append(mi->backends, sizeof mi->backends, ",", "RPC");
    if (!mi->backends[0])
        snprintf(mi->backends, sizeof mi->backends, "CPU");
    /* cpu_info and gpu_info as llama-bench: device descriptions joined by ", " */
    for (size_t i = 0; i < ggml_backend_dev_count(); i++) {
        ggml_backend_dev_t d = ggml_backend_dev_get(i);
        enum ggml_backend_dev_type t = ggml_backend_dev_type(d);
        if (t == GGML_BACKEND_DEVICE_TYPE_CPU || t == GGML_BACKEND_DEVICE_TYPE_ACCEL)
            append(mi->cpu_info, sizeof mi->cpu_info, ", ", ggml_backend_dev_description(d));
        if (t == GGML_BACKEND_DEVICE_TYPE_GPU || t == GGML_BACKEND_DEVICE_TYPE_IGPU) {
            append(mi->gpu_info, sizeof mi->gpu_info, ", ", ggml_backend_dev_description(d));
            if (s->n_gpu_layers != 0 && s->n_devices < 0)
                append(mi->devices, sizeof mi->devices, ",", ggml_backend_dev_name(d));
        }
    }
    for (int i = 0; s->n_gpu_layers != 0 && i < s->n_devices; i++)
        append(mi->devices, sizeof mi->devices, ",", ggml_backend_dev_name(s->devices[i]));
    if (!mi->devices[0])
        snprintf(mi->devices, sizeof mi->devices, "CPU");
    if (!mi->cpu_info[0])
        llmb_probe_cpu_name(mi->cpu_info, sizeof mi->cpu_info);
    snprintf(mi->build_commit, sizeof mi->build_commit, "%s", LLMB_LLAMA_COMMIT);
    mi->build_number = LLMB_LLAMA_BUILD_NUMBER;
    return LLMB_OK;
}

static int to_llama_ctx_params(const struct llmb_context_params *cp, struct llama_context_params *p,
                               struct llmb_error *err)
{
    enum ggml_type tk, tv;
    if (type_from_name(cp->type_k ? cp->type_k : "f16", &tk) || type_from_name(cp->type_v ? cp->type_v : "f16", &tv))
        return llmb_error_set(err, LLMB_E_INVAL, "llama.cpp does not know KV cache type '%s'",
                              type_from_name(cp->type_k ? cp->type_k : "f16", &tk) ? cp->type_k : cp->type_v);
    p->n_ctx = (uint32_t)cp->n_ctx;
    p->n_batch = (uint32_t)cp->n_batch;
    p->n_ubatch = (uint32_t)cp->n_ubatch;
    p->type_k = tk;
    p->type_v = tv;
    p->flash_attn_type = cp->flash_attn == 1 ? LLAMA_FLASH_ATTN_TYPE_ENABLED
                         : cp->flash_attn == 0 ? LLAMA_FLASH_ATTN_TYPE_DISABLED : LLAMA_FLASH_ATTN_TYPE_AUTO;
    p->n_threads = cp->n_threads;
    p->n_threads_batch = cp->n_threads;
    p->n_seq_max = (uint32_t)(cp->n_seq > 1 ? cp->n_seq : 1);
    p->offload_kqv = !cp->no_kv_offload;
    p->op_offload = !cp->no_op_offload;
    p->swa_full = false;
    p->embeddings = cp->embeddings != 0;
    return LLMB_OK;
}

static int eng_context(void *st, const struct llmb_context_params *cp, struct llmb_context_info *ap,
                       struct llmb_error *err)
{
    struct llama_state *s = st;
    free_ctx(s);
    last_log_error[0] = 0;
    struct llama_context_params p = llama_context_default_params();
    int rc = to_llama_ctx_params(cp, &p, err);
    if (rc)
        return rc;
    resolved_fa = -1;
    s->ctx = llama_init_from_model(s->model, p);
    if (!s->ctx)
        return llmb_error_set(err, LLMB_E_ENGINE,
                              "llama.cpp could not create a context (n_ctx %d, batch %d, ubatch %d, ctk %s, ctv %s)%s",
                              cp->n_ctx, cp->n_batch, cp->n_ubatch, cp->type_k, cp->type_v, why());
    if (s->pool_new) { /* as llama-bench: a pool with the test's mask, strictness, polling and priority */
        struct ggml_threadpool_params tpp = ggml_threadpool_params_default(cp->n_threads);
        if (cp->tp) {
            if (llmb_llama_cpu_mask(cp->tp->cpu_mask, tpp.cpumask)) {
                free_ctx(s);
                return llmb_error_set(err, LLMB_E_INVAL, "failed to parse cpu-mask: %s", cp->tp->cpu_mask);
            }
            tpp.strict_cpu = cp->tp->cpu_strict != 0;
            tpp.poll = (uint32_t)cp->tp->poll;
            tpp.prio = (enum ggml_sched_priority)cp->tp->prio;
        }
        s->pool = s->pool_new(&tpp);
        if (!s->pool) {
            free_ctx(s);
            return llmb_error_set(err, LLMB_E_ENGINE, "cannot create a pool of %d threads", cp->n_threads);
        }
        llama_attach_threadpool(s->ctx, s->pool, NULL);
    }
    llama_set_n_threads(s->ctx, cp->n_threads, cp->n_threads);
    memset(ap, 0, sizeof *ap);
    ap->n_ctx = (int)llama_n_ctx(s->ctx);
    ap->n_batch = (int)llama_n_batch(s->ctx);
    ap->n_ubatch = (int)llama_n_ubatch(s->ctx);
    ap->n_threads = llama_n_threads(s->ctx);
    snprintf(ap->type_k, sizeof ap->type_k, "%s", ggml_type_name(p.type_k));
    snprintf(ap->type_v, sizeof ap->type_v, "%s", ggml_type_name(p.type_v));
    ap->flash_attn = cp->flash_attn >= 0 ? cp->flash_attn : resolved_fa; /* applied: auto resolved when said */
    llmb_llama_memory(s->ctx, ap->memory, sizeof ap->memory);
    return LLMB_OK;
}

static int eng_reset(void *st)
{
    struct llama_state *s = st;
    if (!s->ctx)
        return LLMB_E_ENGINE;
    llama_memory_clear(llama_get_memory(s->ctx), false);
    return LLMB_OK;
}

static int decode_err(int res, struct llmb_error *err)
{
    return llmb_error_set(err, LLMB_E_ENGINE, "llama_decode failed (%d%s)%s", res,
                          res == 1 ? ": no KV cache slot" : res == 2 ? ": aborted" : "", why());
}

static int eng_prefill(void *st, const int32_t *tokens, int n, int n_batch, struct llmb_error *err)
{
    struct llama_state *s = st;
    for (int done = 0; done < n;) {
        int k = n - done < n_batch ? n - done : n_batch;
        int res = llama_decode(s->ctx, llama_batch_get_one((llama_token *)(tokens + done), k));
        if (res)
            return decode_err(res, err);
        done += k;
    }
    llama_synchronize(s->ctx);
    return LLMB_OK;
}

static int eng_decode(void *st, int32_t token, struct llmb_error *err)
{
    struct llama_state *s = st;
    llama_token t = token;
    int res = llama_decode(s->ctx, llama_batch_get_one(&t, 1));
    if (res)
        return decode_err(res, err);
    llama_synchronize(s->ctx);
    return LLMB_OK;
}

static int eng_logits(void *st, const float **out, int *n_vocab, struct llmb_error *err)
{
    struct llama_state *s = st;
    const float *l = s->ctx ? llama_get_logits_ith(s->ctx, -1) : NULL;
    if (!l)
        return llmb_error_set(err, LLMB_E_ENGINE, "no logits available");
    *out = l;
    *n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(s->model));
    return LLMB_OK;
}

static int eng_tokenize(void *st, const char *text, size_t len, int add_special, int32_t **out, int *n,
                        struct llmb_error *err)
{
    struct llama_state *s = st;
    const struct llama_vocab *vocab = llama_model_get_vocab(s->model);
    if (len > (size_t)INT32_MAX / 2)
        return llmb_error_set(err, LLMB_E_INVAL, "text too long to tokenize (%zu bytes)", len);
    int cap = (int)len + 2 * (add_special != 0) + 1;
    int32_t *t = malloc(sizeof *t * (size_t)cap);
    if (!t)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory tokenizing %zu bytes", len);
    int k = llama_tokenize(vocab, text, (int32_t)len, t, cap, add_special, false);
    if (k < 0) {
        free(t);
        return llmb_error_set(err, LLMB_E_ENGINE, "tokenization failed%s", why());
    }
    *out = t;
    *n = k;
    return LLMB_OK;
}

static int ensure_batch(struct llama_state *s, int n)
{
    if (n <= s->batch_cap)
        return LLMB_OK;
    if (s->batch_cap)
        llama_batch_free(s->batch);
    s->batch = llama_batch_init(n, 0, 1);
    s->batch_cap = n;
    return s->batch.token ? LLMB_OK : LLMB_E_NOMEM;
}

/* As llama-perplexity: one batch per n_batch tokens; several sequences share
 * a batch when they fit, each at positions 0.., logits only from `first` on. */
static int eng_eval(void *st, const int32_t *tokens, int n_seq, int n_tokens, int first, int n_batch,
                    const float **logits, struct llmb_error *err)
{
    struct llama_state *s = st;
    if (!s->ctx)
        return llmb_error_set(err, LLMB_E_ENGINE, "no context");
    const int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(s->model));
    const int num_batches = (n_tokens + n_batch - 1) / n_batch;
    if (num_batches > 1 && n_seq > 1)
        return llmb_error_set(err, LLMB_E_INVAL, "several sequences need n_tokens <= n_batch");
    int cap = n_batch < n_tokens * n_seq ? n_batch : n_tokens * n_seq;
    if (ensure_batch(s, cap))
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory for a batch of %d", cap);
    size_t need = (size_t)(n_tokens - first) * (size_t)n_seq * (size_t)n_vocab;
    if (num_batches > 1 && need > s->rows_cap) {
        float *r = realloc(s->rows, need * sizeof *r);
        if (!r)
            return llmb_error_set(err, LLMB_E_NOMEM, "out of memory for %zu logits", need);
        s->rows = r;
        s->rows_cap = need;
    }
    llama_memory_clear(llama_get_memory(s->ctx), true);
    size_t got = 0;
    for (int j = 0; j < num_batches; j++) {
        const int start = j * n_batch;
        const int size = n_tokens - start < n_batch ? n_tokens - start : n_batch;
        struct llama_batch *b = &s->batch;
        b->n_tokens = 0;
        int n_out = 0;
        for (int q = 0; q < n_seq; q++)
            for (int k = 0; k < size; k++) {
                const int idx = b->n_tokens++;
                b->token[idx] = tokens[(size_t)q * n_tokens + start + k];
                b->pos[idx] = start + k;
                b->n_seq_id[idx] = 1;
                b->seq_id[idx][0] = q;
                b->logits[idx] = b->pos[idx] >= first;
                n_out += b->logits[idx];
            }
        int res = llama_decode(s->ctx, *b);
        if (res)
            return decode_err(res, err);
        if (num_batches > 1 && n_out > 0) {
            memcpy(s->rows + got, llama_get_logits(s->ctx), (size_t)n_out * n_vocab * sizeof(float));
            got += (size_t)n_out * n_vocab;
        }
    }
    llama_synchronize(s->ctx);
    *logits = num_batches > 1 ? s->rows : llama_get_logits(s->ctx);
    return *logits ? LLMB_OK : llmb_error_set(err, LLMB_E_ENGINE, "no logits after decoding");
}

static int append_piece(char **buf, size_t *len, size_t *cap, const char *p, int n)
{
    if (*len + (size_t)n + 1 > *cap) {
        size_t nc = (*cap ? *cap * 2 : 256) + (size_t)n;
        char *nb = realloc(*buf, nc);
        if (!nb)
            return LLMB_E_NOMEM;
        *buf = nb;
        *cap = nc;
    }
    memcpy(*buf + *len, p, (size_t)n);
    *len += (size_t)n;
    (*buf)[*len] = 0;
    return LLMB_OK;
}

/* The prompt as the model's chat template wants it (or as it is). */
static char *format_prompt(struct llama_state *s, const struct llmb_gen_request *rq, int *used)
{
    const char *tmpl = rq->use_chat_template ? llama_model_chat_template(s->model, NULL) : NULL;
    *used = 0;
    if (tmpl) {
        struct llama_chat_message msgs[2];
        size_t n = 0;
        if (rq->system)
            msgs[n++] = (struct llama_chat_message){"system", rq->system};
        msgs[n++] = (struct llama_chat_message){"user", rq->prompt};
        int need = llama_chat_apply_template(tmpl, msgs, n, true, NULL, 0);
        char *buf = need > 0 ? malloc((size_t)need + 1) : NULL;
        if (buf && llama_chat_apply_template(tmpl, msgs, n, true, buf, need + 1) == need) {
            buf[need] = 0;
            *used = 1;
            return buf;
        }
        free(buf);
    }
    return strdup(rq->prompt);
}

/* the runner's clock (base/clock.h), in ms */
static double now_ms(void)
{
    return (double)llmb_clock_ns() / 1e6;
}

static int eng_generate(void *st, const struct llmb_gen_request *rq, struct llmb_gen_result *res,
                        struct llmb_error *err)
{
    struct llama_state *s = st;
    memset(res, 0, sizeof *res);
    if (!s->ctx)
        return llmb_error_set(err, LLMB_E_ENGINE, "no context");
    const struct llama_vocab *vocab = llama_model_get_vocab(s->model);
    char *prompt = format_prompt(s, rq, &res->template_used);
    if (!prompt)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    int32_t *toks = NULL;
    int n_tok = 0;
    /* with a template the special tokens are in the text; without, add BOS as the model wants */
    int rc;
    {
        size_t len = strlen(prompt);
        int cap = (int)len + 3;
        toks = malloc(sizeof *toks * (size_t)cap);
        n_tok = toks ? llama_tokenize(vocab, prompt, (int32_t)len, toks, cap, !res->template_used, true) : -1;
        rc = n_tok > 0 ? LLMB_OK : llmb_error_set(err, LLMB_E_ENGINE, "cannot tokenize the prompt%s", why());
    }
    free(prompt);
    if (rc) {
        free(toks);
        return rc;
    }
    if (n_tok + rq->max_tokens > (int)llama_n_ctx(s->ctx)) {
        free(toks);
        return llmb_error_set(err, LLMB_E_INVAL, "prompt (%d tokens) + %d new tokens exceed the context of %u", n_tok,
                              rq->max_tokens, llama_n_ctx(s->ctx));
    }
    struct llama_sampler *smpl = llama_sampler_chain_init(llama_sampler_chain_default_params());
    if (rq->temperature > 0) {
        llama_sampler_chain_add(smpl, llama_sampler_init_top_k(40));
        llama_sampler_chain_add(smpl, llama_sampler_init_top_p(0.95f, 1));
        llama_sampler_chain_add(smpl, llama_sampler_init_temp(rq->temperature));
        llama_sampler_chain_add(smpl, llama_sampler_init_dist(rq->seed));
    } else {
        llama_sampler_chain_add(smpl, llama_sampler_init_greedy());
    }
    llama_memory_clear(llama_get_memory(s->ctx), true);
    res->n_prompt = n_tok;
    size_t len = 0, cap = 0;
    double t0 = now_ms(), t_first = 0, paused = 0;
    struct llama_batch b = llama_batch_get_one(toks, n_tok);
    llama_token tok = 0;
    for (int i = 0; i < rq->max_tokens; i++) {
        int r = llama_decode(s->ctx, b);
        if (r) {
            rc = decode_err(r, err);
            break;
        }
        tok = llama_sampler_sample(smpl, s->ctx, -1);
        if (i == 0)
            t_first = now_ms() - paused;
        if (llama_vocab_is_eog(vocab, tok)) {
            res->stopped = 1;
            break;
        }
        char piece[256];
        int n = llama_token_to_piece(vocab, tok, piece, sizeof piece, 0, false);
        if (n < 0 || append_piece(&res->text, &len, &cap, piece, n > 0 ? n : 0)) {
            rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
            break;
        }
        res->n_gen++;
        if (rq->on_token) { /* outside the timing: its time is taken off the clock */
            double c0 = now_ms();
            rq->on_token(piece, n > 0 ? (size_t)n : 0, c0 - t0 - paused, rq->user);
            paused += now_ms() - c0;
        }
        b = llama_batch_get_one(&tok, 1);
    }
    double t_end = now_ms() - paused;
    llama_sampler_free(smpl);
    free(toks);
    if (!rc && !res->text && !(res->text = strdup("")))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    if (rc) {
        free(res->text);
        res->text = NULL;
        return rc;
    }
    res->ttft_ms = t_first - t0;
    res->total_ms = t_end - t0;
    res->tg_ts = res->n_gen > 1 && t_end > t_first ? (res->n_gen - 1) * 1e3 / (t_end - t_first) : 0;
    return LLMB_OK;
}

/* The KV cache types llama-bench accepts (its ggml_type_from_name). */
#define KV_TYPES_TEXT "f32 f16 bf16 q8_0 q4_0 q4_1 iq4_nl q5_0 q5_1"
static int known_kv_type(const char *t)
{
    static const char *const kv_types[] = {"f32",  "f16",    "bf16", "q8_0", "q4_0",
                                           "q4_1", "iq4_nl", "q5_0", "q5_1", NULL};
    for (int i = 0; kv_types[i]; i++)
        if (!strcmp(kv_types[i], t))
            return 1;
    return 0;
}

static int eng_check(const struct llmb_model_params *mp, const struct llmb_context_params *cp,
                     struct llmb_error *err)
{
    ggml_backend_dev_t devs[LLMB_MAX_DEVICES + 1];
    int n, rc;
    enum ggml_type t;
    if (mp->rpc && *mp->rpc && !llama_supports_rpc())
        return llmb_error_set(err, LLMB_E_UNSUPPORTED, "-rpc: this llama.cpp build has no RPC backend");
    /* RPC devices exist once their servers are registered: -dev RPC0 is checked after */
    if ((rc = llmb_llama_register_rpc(mp->rpc, err)) || (rc = llmb_llama_devices(mp->devices, devs, &n, err)))
        return rc;
    struct llmb_llama_overrides ot = {0};
    rc = llmb_llama_overrides(mp->tensor_buft_overrides, mp->n_cpu_moe, &ot, err);
    llmb_llama_overrides_free(&ot);
    if (rc)
        return rc;
    bool cpus[GGML_MAX_N_THREADS] = {0};
    if (cp->tp && llmb_llama_cpu_mask(cp->tp->cpu_mask, cpus))
        return llmb_error_set(err, LLMB_E_INVAL, "failed to parse cpu-mask: %s", cp->tp->cpu_mask);
    const char *kv[2] = {cp->type_k ? cp->type_k : "f16", cp->type_v ? cp->type_v : "f16"};
    for (int k = 0; k < 2; k++)
        if (!known_kv_type(kv[k]) || type_from_name(kv[k], &t))
            return llmb_error_set(err, LLMB_E_INVAL, "unknown KV cache type '%s' (one of %s)", kv[k], KV_TYPES_TEXT);
    return LLMB_OK;
}

/* common_print_available_devices(), as llama-bench --list-devices prints it */
static void eng_list_devices(FILE *out)
{
    int any = 0;
    fprintf(out, "Available devices:\n");
    for (size_t i = 0; i < ggml_backend_dev_count(); i++) {
        ggml_backend_dev_t d = ggml_backend_dev_get(i);
        if (ggml_backend_dev_type(d) == GGML_BACKEND_DEVICE_TYPE_CPU)
            continue;
        size_t free_b = 0, total = 0;
        ggml_backend_dev_memory(d, &free_b, &total);
        fprintf(out, "  %s: %s (%zu MiB, %zu MiB free)\n", ggml_backend_dev_name(d), ggml_backend_dev_description(d),
                total / (1024 * 1024), free_b / (1024 * 1024));
        any = 1;
    }
    if (!any)
        fprintf(out, "  (none)\n");
}

/* every ggml backend device, CPU included (llmbench hw) */
static int eng_devices(struct llmb_engine_device *out, int max)
{
    int n = 0;
    for (size_t i = 0; i < ggml_backend_dev_count() && n < max; i++) {
        ggml_backend_dev_t d = ggml_backend_dev_get(i);
        struct llmb_engine_device *o = &out[n++];
        memset(o, 0, sizeof *o);
        snprintf(o->name, sizeof o->name, "%s", ggml_backend_dev_name(d));
        snprintf(o->description, sizeof o->description, "%s", ggml_backend_dev_description(d));
        enum ggml_backend_dev_type t = ggml_backend_dev_type(d);
        snprintf(o->type, sizeof o->type, "%s",
                 t == GGML_BACKEND_DEVICE_TYPE_CPU    ? "cpu"
                 : t == GGML_BACKEND_DEVICE_TYPE_GPU  ? "gpu"
                 : t == GGML_BACKEND_DEVICE_TYPE_IGPU ? "igpu"
                                                      : "accel");
        size_t fr = 0, tot = 0;
        ggml_backend_dev_memory(d, &fr, &tot);
        o->mem_free = fr;
        o->mem_total = tot;
    }
    return n;
}

/* llama_print_build_info(), as llama-bench --version prints it */
static void eng_version(FILE *out)
{
    fprintf(out, "version: %s (build %d, commit %s)\n", llama_version(), LLMB_LLAMA_BUILD_NUMBER, LLMB_LLAMA_COMMIT);
#if defined(__clang__)
    fprintf(out, "built with Clang %d.%d.%d (llmbench) against llama.cpp's library\n", __clang_major__,
            __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
    fprintf(out, "built with GNU %d.%d.%d (llmbench) against llama.cpp's library\n", __GNUC__, __GNUC_MINOR__,
            __GNUC_PATCHLEVEL__);
#endif
}

const struct llmb_engine_ops llmb_engine_llama = {
    .name = "llama",
    .open = eng_open,
    .describe = eng_describe,
    .context = eng_context,
    .reset = eng_reset,
    .prefill = eng_prefill,
    .decode = eng_decode,
    .logits = eng_logits,
    .tokenize = eng_tokenize,
    .eval = eng_eval,
    .generate = eng_generate,
    .close = eng_close,
    .caps = LLMB_ENGINE_MODEL_FILES,
    .global_init = eng_global_init,
    .preflight = llmb_engine_files_preflight,
    .check = eng_check,
    .list_devices = eng_list_devices,
    .devices = eng_devices,
    .copy_bandwidth = llmb_llama_copy_bandwidth,
    .version = eng_version,
};
