/* synth.c - writes synthetic GGUF models: the tokenizer of a llama.cpp
 * vocabulary file, the hyper-parameters and tensor shapes of a named shape,
 * and random weights from a seed (each tensor from its own stream, so the
 * bytes do not depend on write order). Float types are written as they are;
 * for a quantized file type, llama.cpp's own quantizer (dry run over a sparse
 * F16 skeleton) decides every tensor's type, and rows are valid blocks made
 * by ggml's quantizer from random values. Streams row by row: memory stays
 * small for any model size. The file appears under its name only complete. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ggml.h>
#include <gguf.h>

#include "base/atomic_file.h"
#include "base/hash.h"
#include "llmbench/model.h"
#include "llmbench/quant.h"
#include "llmbench/synth.h"

#ifndef LLMB_VOCAB_DIR
#define LLMB_VOCAB_DIR "deps/llama.cpp/models"
#endif
#define SYNTH_VERSION 1
#define POOL_ROWS 16

struct llmb_synth_params llmb_synth_default_params(void)
{
    struct llmb_synth_params p;
    memset(&p, 0, sizeof p);
    p.ftype = 1; /* F16 */
    p.seed = 42;
    return p;
}

const char *llmb_synth_vocab_dir(void)
{
    const char *e = getenv("LLMBENCH_VOCAB_DIR");
    return e && *e ? e : LLMB_VOCAB_DIR;
}

/* ---- deterministic random numbers ---------------------------------------- */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t stream_seed(uint64_t seed, const char *name)
{
    return seed ^ llmb_fnv1a64(LLMB_HASH_STABLE_START, name, strlen(name));
}

/* uniform in [-a, a] with a = 0.02 * sqrt(3): standard deviation 0.02 */
static void fill_random(float *x, int64_t n, uint64_t *s)
{
    const float a = 0.0346410162f;
    for (int64_t i = 0; i < n; i++)
        x[i] = a * (2.0f * (float)(splitmix64(s) >> 40) / 16777216.0f - 1.0f);
}

/* ---- the tensor list -------------------------------------------------------- */

enum fill { FILL_RANDOM, FILL_ONES, FILL_ROPE };

struct tdesc {
    char      name[64];
    int64_t   ne0, ne1; /* ne1 == 1 for vectors */
    enum fill fill;
    int       type;     /* final ggml type */
};

struct tlist {
    struct tdesc *v;
    size_t        n;
};

static int add(struct tlist *l, const char *name, int64_t ne0, int64_t ne1, enum fill f)
{
    struct tdesc *nv = realloc(l->v, (l->n + 1) * sizeof *nv);
    if (!nv)
        return LLMB_E_NOMEM;
    l->v = nv;
    struct tdesc *t = &l->v[l->n++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->ne0 = ne0;
    t->ne1 = ne1;
    t->fill = f;
    return LLMB_OK;
}

static int build_tensors(const struct llmb_shape *s, int n_vocab, struct tlist *l)
{
    int64_t e = s->n_embd, hd = s->n_embd / s->n_head, kv = hd * s->n_head_kv, ff = s->n_ff;
    int rc = LLMB_OK;
    char n[64];
    if (s->rope_factor > 0)
        rc |= add(l, "rope_freqs.weight", hd / 2, 1, FILL_ROPE);
    rc |= add(l, "token_embd.weight", e, n_vocab, FILL_RANDOM);
    for (int i = 0; i < s->n_layer; i++) {
#define T(suffix, a, b, f) (snprintf(n, sizeof n, "blk.%d.%s", i, suffix), rc |= add(l, n, a, b, f))
        T("attn_norm.weight", e, 1, FILL_ONES);
        T("attn_q.weight", e, e, FILL_RANDOM);
        T("attn_k.weight", e, kv, FILL_RANDOM);
        T("attn_v.weight", e, kv, FILL_RANDOM);
        if (s->qkv_bias) {
            T("attn_q.bias", e, 1, FILL_RANDOM);
            T("attn_k.bias", kv, 1, FILL_RANDOM);
            T("attn_v.bias", kv, 1, FILL_RANDOM);
        }
        T("attn_output.weight", e, e, FILL_RANDOM);
        T("ffn_norm.weight", e, 1, FILL_ONES);
        T("ffn_gate.weight", e, ff, FILL_RANDOM);
        T("ffn_up.weight", e, ff, FILL_RANDOM);
        T("ffn_down.weight", ff, e, FILL_RANDOM);
#undef T
    }
    rc |= add(l, "output_norm.weight", e, 1, FILL_ONES);
    if (!s->tied)
        rc |= add(l, "output.weight", e, n_vocab, FILL_RANDOM);
    return rc ? LLMB_E_NOMEM : LLMB_OK;
}

/* llama3 rope scaling factors, as llama.cpp's converter computes them */
static void rope_factors(const struct llmb_shape *s, float *out, int64_t n)
{
    const double lo = 1.0, hi = 4.0, old = s->rope_orig_ctx > 0 ? s->rope_orig_ctx : 8192;
    const double lo_wl = old / lo, hi_wl = old / hi;
    int64_t dim = n * 2;
    for (int64_t i = 0; i < n; i++) {
        double freq = 1.0 / pow(s->rope_theta, (double)(2 * i) / (double)dim);
        double wl = 2 * M_PI / freq;
        if (wl < hi_wl)
            out[i] = 1.0f;
        else if (wl > lo_wl)
            out[i] = s->rope_factor;
        else {
            double smooth = (old / wl - lo) / (hi - lo);
            out[i] = (float)(1.0 / ((1 - smooth) / s->rope_factor + smooth));
        }
    }
}

/* ---- metadata ------------------------------------------------------------------ */

static int is_tokenizer_key(const char *k)
{
    return !strncmp(k, "tokenizer.", 10);
}

/* 1 when key k is absent or an array of at least n elements of type t. */
static int arr_of(const struct gguf_context *g, int64_t k, enum gguf_type t, size_t n)
{
    return k < 0 || (gguf_get_kv_type(g, k) == GGUF_TYPE_ARRAY && gguf_get_arr_type(g, k) == t &&
                     gguf_get_arr_n(g, k) >= n);
}

/* Tokenizer keys of the vocabulary file, padded with unused tokens to n_vocab. */
static int set_tokenizer(struct gguf_context *out, struct gguf_context *voc, int n_vocab, const char *vpath,
                         struct llmb_error *err)
{
    gguf_set_kv(out, voc);
    for (int64_t i = gguf_get_n_kv(out) - 1; i >= 0; i--)
        if (!is_tokenizer_key(gguf_get_key(out, i)))
            gguf_remove_key(out, gguf_get_key(out, i));
    int64_t kt = gguf_find_key(voc, "tokenizer.ggml.tokens");
    size_t n_tok = gguf_get_arr_n(voc, kt);
    if ((size_t)n_vocab == n_tok)
        return LLMB_OK;
    if ((size_t)n_vocab < n_tok)
        return llmb_error_set(err, LLMB_E_INVAL, "vocabulary %s has %zu tokens; the model needs at least that many "
                              "(--vocab %d)", vpath, n_tok, n_vocab);
    int64_t ktype = gguf_find_key(voc, "tokenizer.ggml.token_type");
    int64_t kscore = gguf_find_key(voc, "tokenizer.ggml.scores");
    const char *bad = !arr_of(voc, ktype, GGUF_TYPE_INT32, n_tok)    ? "token_type (int32)"
                      : !arr_of(voc, kscore, GGUF_TYPE_FLOAT32, n_tok) ? "scores (float32)" : NULL;
    if (bad)
        return llmb_error_set(err, LLMB_E_MODEL, "vocabulary file '%s': tokenizer.ggml.%s is not an array of %zu values",
                              vpath, bad, n_tok);
    const char **toks = calloc((size_t)n_vocab, sizeof *toks);
    char (*pads)[32] = calloc((size_t)n_vocab - n_tok, sizeof *pads);
    int32_t *types = calloc((size_t)n_vocab, sizeof *types);
    float *scores = calloc((size_t)n_vocab, sizeof *scores);
    if (!toks || !pads || !types || !scores) {
        free(toks), free(pads), free(types), free(scores);
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < (size_t)n_vocab; i++) {
        if (i < n_tok) {
            toks[i] = gguf_get_arr_str(voc, kt, i);
            types[i] = ktype >= 0 ? ((const int32_t *)gguf_get_arr_data(voc, ktype))[i] : 1;
            scores[i] = kscore >= 0 ? ((const float *)gguf_get_arr_data(voc, kscore))[i] : 0;
        } else {
            snprintf(pads[i - n_tok], sizeof pads[0], "[PAD%zu]", i);
            toks[i] = pads[i - n_tok];
            types[i] = 5; /* unused */
        }
    }
    gguf_set_arr_str(out, "tokenizer.ggml.tokens", toks, (size_t)n_vocab);
    gguf_set_arr_data(out, "tokenizer.ggml.token_type", GGUF_TYPE_INT32, types, (size_t)n_vocab);
    if (kscore >= 0)
        gguf_set_arr_data(out, "tokenizer.ggml.scores", GGUF_TYPE_FLOAT32, scores, (size_t)n_vocab);
    free(toks), free(pads), free(types), free(scores);
    return LLMB_OK;
}

static void set_hparams(struct gguf_context *g, const struct llmb_shape *s, int n_vocab, int ftype, uint64_t seed)
{
    char k[128], name[128];
#define KEY(suffix) (snprintf(k, sizeof k, "%s.%s", s->arch, suffix), k)
    gguf_set_val_str(g, "general.architecture", s->arch);
    snprintf(name, sizeof name, "synthetic %s", s->name);
    gguf_set_val_str(g, "general.name", name);
    gguf_set_val_u32(g, "general.file_type", (uint32_t)ftype);
    if (!llmb_ftype_is_float(ftype))
        gguf_set_val_u32(g, "general.quantization_version", GGML_QNT_VERSION);
    gguf_set_val_u32(g, KEY("block_count"), (uint32_t)s->n_layer);
    gguf_set_val_u32(g, KEY("context_length"), (uint32_t)s->n_ctx_train);
    gguf_set_val_u32(g, KEY("embedding_length"), (uint32_t)s->n_embd);
    gguf_set_val_u32(g, KEY("feed_forward_length"), (uint32_t)s->n_ff);
    gguf_set_val_u32(g, KEY("attention.head_count"), (uint32_t)s->n_head);
    gguf_set_val_u32(g, KEY("attention.head_count_kv"), (uint32_t)s->n_head_kv);
    gguf_set_val_f32(g, KEY("rope.freq_base"), s->rope_theta);
    gguf_set_val_f32(g, KEY("attention.layer_norm_rms_epsilon"), s->rms_eps);
    gguf_set_val_u32(g, KEY("vocab_size"), (uint32_t)n_vocab);
    gguf_set_val_u32(g, KEY("rope.dimension_count"), (uint32_t)(s->n_embd / s->n_head));
#undef KEY
    /* never mistaken for a trained model */
    gguf_set_val_bool(g, "llmbench.synthetic", true);
    gguf_set_val_str(g, "llmbench.shape", s->name);
    gguf_set_val_u64(g, "llmbench.seed", seed);
    gguf_set_val_u32(g, "llmbench.synth_version", SYNTH_VERSION);
}

/* ---- writing ---------------------------------------------------------------------- */

static int write_all(FILE *f, const void *buf, size_t n, const char *path, struct llmb_error *err)
{
    if (n && fwrite(buf, 1, n, f) != n)
        return llmb_error_set(err, LLMB_E_IO, "cannot write '%s': %s", path, llmb_errno_text(errno ? errno : EIO));
    return LLMB_OK;
}

/* Writes one tensor's data (plus padding to the alignment). */
static int stopped(volatile int *stop, struct llmb_error *err)
{
    return stop && *stop ? llmb_error_set(err, LLMB_E_INTERRUPTED, "interrupted") : LLMB_OK;
}

static int write_tensor(FILE *f, const struct tdesc *t, const struct llmb_shape *s, uint64_t seed, size_t align,
                        const char *path, volatile int *stop, struct llmb_error *err)
{
    enum ggml_type type = (enum ggml_type)t->type;
    size_t row = ggml_row_size(type, t->ne0);
    uint64_t st = stream_seed(seed, t->name);
    int64_t pool_n = t->ne1 < POOL_ROWS ? t->ne1 : POOL_ROWS;
    int quant = type != GGML_TYPE_F32 && type != GGML_TYPE_F16 && type != GGML_TYPE_BF16;
    float *src = malloc(sizeof(float) * (size_t)t->ne0 * (quant ? (size_t)pool_n : 1));
    void *out = malloc(row * (quant ? (size_t)pool_n : 1));
    int rc = LLMB_OK;
    if (!src || !out) {
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        goto done;
    }
    if (quant) {
        fill_random(src, t->ne0 * pool_n, &st);
        ggml_quantize_chunk(type, src, out, 0, pool_n, t->ne0, NULL);
        for (int64_t r = 0; r < t->ne1 && !rc; r++)
            if (!(rc = r % 256 ? LLMB_OK : stopped(stop, err)))
                rc = write_all(f, (char *)out + row * (splitmix64(&st) % (uint64_t)pool_n), row, path, err);
    } else {
        for (int64_t r = 0; r < t->ne1 && !rc; r++) {
            if (r % 64 == 0 && (rc = stopped(stop, err)))
                break;
            if (t->fill == FILL_ONES)
                for (int64_t i = 0; i < t->ne0; i++)
                    src[i] = 1.0f;
            else if (t->fill == FILL_ROPE)
                rope_factors(s, src, t->ne0);
            else
                fill_random(src, t->ne0, &st);
            if (type == GGML_TYPE_F32)
                memcpy(out, src, row);
            else if (type == GGML_TYPE_F16)
                ggml_fp32_to_fp16_row(src, out, t->ne0);
            else
                ggml_fp32_to_bf16_row(src, out, t->ne0);
            rc = write_all(f, out, row, path, err);
        }
    }
    size_t size = row * (size_t)t->ne1, pad = GGML_PAD(size, align) - size;
    static const char zeros[64];
    if (!rc && pad)
        rc = write_all(f, zeros, pad, path, err);
done:
    free(src);
    free(out);
    return rc;
}

/* The gguf context (metadata + tensor index) for the tensors' current types. */
static int make_context(const struct llmb_shape *s, struct gguf_context *voc, int n_vocab, int ftype, uint64_t seed,
                        const struct tlist *l, const char *vpath, struct gguf_context **out,
                        struct ggml_context **tctx, struct llmb_error *err)
{
    struct ggml_init_params ip = {.mem_size = ggml_tensor_overhead() * (l->n + 1), .mem_buffer = NULL,
                                  .no_alloc = true};
    struct gguf_context *g = gguf_init_empty();
    struct ggml_context *c = ggml_init(ip);
    if (!g || !c) {
        gguf_free(g);
        ggml_free(c);
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    int rc = set_tokenizer(g, voc, n_vocab, vpath, err);
    if (rc) {
        gguf_free(g);
        ggml_free(c);
        return rc;
    }
    set_hparams(g, s, n_vocab, ftype, seed);
    for (size_t i = 0; i < l->n; i++) {
        const struct tdesc *d = &l->v[i];
        struct ggml_tensor *t = d->ne1 == 1 ? ggml_new_tensor_1d(c, (enum ggml_type)d->type, d->ne0)
                                            : ggml_new_tensor_2d(c, (enum ggml_type)d->type, d->ne0, d->ne1);
        ggml_set_name(t, l->v[i].name);
        gguf_add_tensor(g, t);
    }
    *out = g;
    *tctx = c;
    return LLMB_OK;
}

static uint64_t data_size(const struct gguf_context *g)
{
    uint64_t end = 0;
    for (int64_t i = 0; i < gguf_get_n_tensors(g); i++) {
        uint64_t e = gguf_get_tensor_offset(g, i) + gguf_get_tensor_size(g, i);
        if (e > end)
            end = e;
    }
    return end;
}

/* Writes g's metadata to f; then either every tensor's data, or (sparse) a
 * hole of the data's size. */
static int write_file(FILE *f, struct gguf_context *g, const struct tlist *l, const struct llmb_shape *s,
                      uint64_t seed, int sparse, const char *path, llmb_synth_progress_cb cb, void *user,
                      volatile int *stop, struct llmb_error *err)
{
    size_t meta = gguf_get_meta_size(g);
    void *buf = malloc(meta);
    if (!buf)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    gguf_get_meta_data(g, buf);
    int rc = write_all(f, buf, meta, path, err);
    free(buf);
    if (rc)
        return rc;
    if (sparse) {
        if (fflush(f) || ftruncate(fileno(f), (off_t)(meta + GGML_PAD(data_size(g), gguf_get_alignment(g)))))
            return llmb_error_set(err, LLMB_E_IO, "cannot size '%s': %s", path, strerror(errno));
        return LLMB_OK;
    }
    for (size_t i = 0; i < l->n && !rc; i++) {
        rc = write_tensor(f, &l->v[i], s, seed, gguf_get_alignment(g), path, stop, err);
        if (cb)
            cb((int)i + 1, (int)l->n, user);
    }
    return rc;
}

/* Sets every tensor's type for ftype: directly for float types, else from
 * llama.cpp's quantizer run dry over a sparse F16 skeleton. */
static int choose_types(const struct llmb_synth_params *p, struct gguf_context *voc, int n_vocab, struct tlist *l,
                        const char *vpath, struct llmb_error *err)
{
    for (size_t i = 0; i < l->n; i++) {
        int vec = l->v[i].ne1 == 1;
        l->v[i].type = vec || p->ftype == 0 ? GGML_TYPE_F32 : p->ftype == 32 ? GGML_TYPE_BF16 : GGML_TYPE_F16;
    }
    if (llmb_ftype_is_float(p->ftype))
        return LLMB_OK;

    /* the skeleton is a temporary like any output's: locked while used,
     * removed after, and found stale by the next run if this one is killed */
    char skel[4096];
    const char *dir = getenv("TMPDIR");
    snprintf(skel, sizeof skel, "%s/llmbench-skeleton.gguf", dir && *dir ? dir : "/tmp");
    struct llmb_atomic_file af;
    int rc = llmb_atomic_open_tmp(&af, skel, err);
    if (rc)
        return rc;
    struct gguf_context *g = NULL;
    struct ggml_context *c = NULL;
    rc = make_context(&p->shape, voc, n_vocab, 1, p->seed, l, vpath, &g, &c, err);
    if (!rc)
        rc = write_file(af.f, g, l, &p->shape, p->seed, 1, af.tmp_path, NULL, NULL, NULL, err);
    if (!rc && (fflush(af.f) || ferror(af.f)))
        rc = llmb_error_set(err, LLMB_E_IO, "cannot write %s: %s", af.tmp_path, llmb_errno_text(errno));
    gguf_free(g);
    ggml_free(c);
    struct llmb_tensor_types tt = {0};
    if (!rc)
        rc = llmb_quantize_plan(af.tmp_path, p->ftype, &tt, err);
    llmb_atomic_abort(&af);
    for (size_t i = 0; !rc && i < l->n; i++) {
        size_t j = 0;
        while (j < tt.n && strcmp(tt.names[j], l->v[i].name))
            j++;
        if (j == tt.n)
            rc = llmb_error_set(err, LLMB_E_ENGINE, "llama.cpp's quantizer skipped tensor %s", l->v[i].name);
        else
            l->v[i].type = tt.types[j];
    }
    llmb_tensor_types_free(&tt);
    return rc;
}

int llmb_synth_write(const struct llmb_synth_params *p, struct llmb_synth_info *info, struct llmb_error *err)
{
    memset(info, 0, sizeof *info);
    int rc = llmb_shape_validate(&p->shape, err);
    if (rc)
        return rc;
    if (!llmb_ftype_name(p->ftype))
        return llmb_error_set(err, LLMB_E_INVAL, "unknown file type %d", p->ftype);
    char vpath[4096];
    if (p->vocab_file)
        snprintf(vpath, sizeof vpath, "%s", p->vocab_file);
    else
        snprintf(vpath, sizeof vpath, "%s/ggml-vocab-%s.gguf", llmb_synth_vocab_dir(), p->shape.vocab);
    if (access(vpath, R_OK) != 0)
        return llmb_error_set(err, LLMB_E_IO, "vocabulary file '%s': %s", vpath, strerror(errno));
    if ((rc = llmb_gguf_check(vpath, "vocabulary file", NULL, err))) /* no FIFO, device or broken file */
        return rc;
    struct gguf_init_params gp = {.no_alloc = true, .ctx = NULL};
    struct gguf_context *voc = gguf_init_from_file(vpath, gp);
    if (!voc)
        return llmb_error_set(err, LLMB_E_MODEL, "vocabulary file '%s' is not a readable GGUF file", vpath);
    int64_t kt = gguf_find_key(voc, "tokenizer.ggml.tokens");
    if (kt < 0 || gguf_get_kv_type(voc, kt) != GGUF_TYPE_ARRAY || gguf_get_arr_type(voc, kt) != GGUF_TYPE_STRING ||
        gguf_get_arr_n(voc, kt) == 0 || gguf_find_key(voc, "tokenizer.ggml.model") < 0) {
        gguf_free(voc);
        return llmb_error_set(err, LLMB_E_MODEL, "vocabulary file '%s' has no tokens", vpath);
    }
    int n_vocab = p->shape.n_vocab > 0 ? p->shape.n_vocab : (int)gguf_get_arr_n(voc, kt);

    struct tlist l = {0};
    struct gguf_context *g = NULL;
    struct ggml_context *c = NULL;
    if ((rc = build_tensors(&p->shape, n_vocab, &l)))
        llmb_error_set(err, rc, "out of memory");
    if (!rc)
        rc = choose_types(p, voc, n_vocab, &l, vpath, err);
    if (!rc)
        rc = stopped(p->stop, err);
    if (!rc)
        rc = make_context(&p->shape, voc, n_vocab, p->ftype, p->seed, &l, vpath, &g, &c, err);
    if (!rc) {
        info->n_tensors = (int)l.n;
        info->n_vocab = n_vocab;
        for (size_t i = 0; i < l.n; i++)
            info->n_params += (uint64_t)(l.v[i].ne0 * l.v[i].ne1);
        for (int64_t i = 0; i < gguf_get_n_tensors(g); i++)
            info->tensor_bytes += gguf_get_tensor_size(g, i);
        info->file_size = gguf_get_meta_size(g) + GGML_PAD(data_size(g), gguf_get_alignment(g));
        info->bpw = info->n_params ? 8.0 * (double)info->tensor_bytes / (double)info->n_params : 0;
    }
    if (!rc && !p->dry_run) {
        struct llmb_atomic_file af;
        rc = llmb_atomic_open(&af, p->output, err);
        if (!rc)
            rc = write_file(af.f, g, &l, &p->shape, p->seed, 0, p->output, p->progress, p->user, p->stop, err);
        if (!rc)
            rc = llmb_atomic_commit(&af, err);
        llmb_atomic_abort(&af);
    }
    gguf_free(g);
    ggml_free(c);
    gguf_free(voc);
    free(l.v);
    return rc;
}
