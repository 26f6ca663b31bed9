/* gguf_check.c - validates a GGUF file before ggml or an engine touches it,
 * so a missing, unreadable, truncated, foreign or hostile file gives one
 * clear message naming the defect instead of an engine's log spew, a hang or
 * a crash. A bounded walk of its own reads the header, metadata and tensor
 * index with every length checked against the bytes left in the file (it
 * allocates nothing a file can inflate), mirrors ggml's rules (types, shapes,
 * packed offsets) and caps the counts on which ggml's reader is quadratic.
 * Only a file that passes goes on to ggml's reader, which fills the facts. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ggml.h>
#include <gguf.h>

#include "core/vocab_hash.h"
#include "gguf_sanity.h"
#include "llmbench/model.h"

#define MAX_TENSORS 32768         /* ggml checks names pairwise (n^2); llama.cpp: <= 512 layers */
#define MAX_KEYS    16384         /* likewise for keys; real models have < 100 */
#define MAX_KEY_LEN 65535         /* the GGUF specification's limit */
#define MAX_STRING  (1ull << 30)  /* ggml's GGUF_MAX_STRING_LENGTH */
#define MAX_ARRAY   (1ull << 30)  /* ggml's GGUF_MAX_ARRAY_ELEMENTS */

struct tensor {
    char     name[GGML_MAX_NAME];
    uint64_t offset, nbytes;
};

/* The walk over one open file. Integers are little-endian, as on every host
 * llama.cpp runs GGUF files on. */
struct walk {
    FILE              *f;
    uint64_t           pos, size;
    const char        *what;       /* "model", "vocabulary file" */
    char               shown[160]; /* the path, elided when long */
    char               ctx[160];   /* what is being read, for messages */
    struct llmb_error *err;
    uint32_t           alignment;
    int                has_vocab;  /* tokenizer.ggml.model is a string */
    char             **keys;
    uint64_t           n_keys;
    struct tensor     *t;
    uint64_t           n_t;
};

static void show_path(char *buf, size_t len, const char *path)
{
    size_t n = strlen(path);
    if (n < len)
        snprintf(buf, len, "%s", path);
    else
        snprintf(buf, len, "%.*s...%s", (int)(len / 2), path, path + n - (len / 2 - 8));
}

/* "<what> '<path>' <message>", code LLMB_E_MODEL */
__attribute__((format(printf, 2, 3))) static int fail(struct walk *w, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return llmb_error_set(w->err, LLMB_E_MODEL, "%s '%s' %s", w->what, w->shown, msg);
}

__attribute__((format(printf, 2, 3))) static void where(struct walk *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->ctx, sizeof w->ctx, fmt, ap);
    va_end(ap);
}

/* Fails unless n more bytes are in the file. */
static int need(struct walk *w, uint64_t n)
{
    if (n <= w->size - w->pos)
        return LLMB_OK;
    return fail(w, "is corrupt or truncated: %s needs %llu bytes at byte %llu, the file ends at %llu", w->ctx,
                (unsigned long long)n, (unsigned long long)w->pos, (unsigned long long)w->size);
}

static int rd(struct walk *w, void *buf, size_t n)
{
    int rc = need(w, n);
    if (rc)
        return rc;
    if (fread(buf, 1, n, w->f) != n)
        return llmb_error_set(w->err, LLMB_E_IO, "%s '%s' cannot be read at byte %llu: %s", w->what, w->shown,
                              (unsigned long long)w->pos, ferror(w->f) ? strerror(errno) : "unexpected end of file");
    w->pos += n;
    return LLMB_OK;
}

static int rd_u32(struct walk *w, uint32_t *v)
{
    return rd(w, v, sizeof *v);
}

static int rd_u64(struct walk *w, uint64_t *v)
{
    return rd(w, v, sizeof *v);
}

static int skip(struct walk *w, uint64_t n)
{
    char buf[4096];
    int rc = need(w, n);
    if (rc || n == 0)
        return rc;
    if (n <= sizeof buf)
        return rd(w, buf, (size_t)n);
    if (fseeko(w->f, (off_t)(w->pos + n), SEEK_SET) != 0)
        return llmb_error_set(w->err, LLMB_E_IO, "%s '%s' cannot be read: %s", w->what, w->shown, strerror(errno));
    w->pos += n;
    return LLMB_OK;
}

/* A string value: its length, then its bytes (skipped). */
static int skip_string(struct walk *w)
{
    uint64_t len;
    int rc = rd_u64(w, &len);
    if (rc)
        return rc;
    if (len > MAX_STRING)
        return fail(w, "is corrupt: %s is a string of %llu bytes (at most %llu)", w->ctx, (unsigned long long)len,
                    MAX_STRING);
    return skip(w, len);
}

/* Bytes of one value of a fixed-size GGUF type; 0 for string, -1 otherwise. */
static int type_size(uint32_t t)
{
    switch (t) {
    case GGUF_TYPE_UINT8: case GGUF_TYPE_INT8: case GGUF_TYPE_BOOL: return 1;
    case GGUF_TYPE_UINT16: case GGUF_TYPE_INT16: return 2;
    case GGUF_TYPE_UINT32: case GGUF_TYPE_INT32: case GGUF_TYPE_FLOAT32: return 4;
    case GGUF_TYPE_UINT64: case GGUF_TYPE_INT64: case GGUF_TYPE_FLOAT64: return 8;
    case GGUF_TYPE_STRING: return 0;
    default: return -1;
    }
}

static int read_key(struct walk *w, uint64_t i, char **out)
{
    uint64_t len;
    where(w, "the name of metadata key #%llu", (unsigned long long)i);
    int rc = rd_u64(w, &len);
    if (rc)
        return rc;
    if (len == 0)
        return fail(w, "is corrupt: metadata key #%llu has an empty name", (unsigned long long)i);
    if (len > MAX_KEY_LEN)
        return fail(w, "is corrupt: metadata key #%llu has a name of %llu bytes (at most %d)", (unsigned long long)i,
                    (unsigned long long)len, MAX_KEY_LEN);
    if ((rc = need(w, len)))
        return rc;
    char *k = malloc((size_t)len + 1);
    if (!k)
        return llmb_error_set(w->err, LLMB_E_NOMEM, "out of memory");
    if ((rc = rd(w, k, (size_t)len))) {
        free(k);
        return rc;
    }
    k[len] = 0;
    if (strlen(k) != len) {
        free(k);
        return fail(w, "is corrupt: the name of metadata key #%llu holds a NUL byte", (unsigned long long)i);
    }
    *out = k;
    return LLMB_OK;
}

static int read_value(struct walk *w, const char *key)
{
    uint32_t type, et;
    uint64_t n;
    where(w, "the type of metadata key '%s'", key);
    int rc = rd_u32(w, &type);
    if (rc)
        return rc;
    int is_align = !strcmp(key, "general.alignment");
    if (type == GGUF_TYPE_ARRAY) {
        if ((rc = rd_u32(w, &et)) || (rc = rd_u64(w, &n)))
            return rc;
        if (et == GGUF_TYPE_ARRAY)
            return fail(w, "is corrupt: metadata key '%s' is an array of arrays", key);
        if (type_size(et) < 0)
            return fail(w, "is corrupt: metadata key '%s' is an array of unknown type %u", key, et);
        if (n > MAX_ARRAY)
            return fail(w, "is corrupt: metadata key '%s' is an array of %llu elements (at most %llu)", key,
                        (unsigned long long)n, MAX_ARRAY);
        if (is_align)
            return fail(w, "is corrupt: general.alignment is an array, not a uint32");
        where(w, "array '%s' of %llu elements", key, (unsigned long long)n);
        if (et != GGUF_TYPE_STRING)
            return skip(w, n * (uint64_t)type_size(et));
        if ((rc = need(w, n * 8))) /* each string has at least its length */
            return rc;
        for (uint64_t i = 0; i < n && !rc; i++)
            rc = skip_string(w);
        return rc;
    }
    if (type_size(type) < 0)
        return fail(w, "is corrupt: metadata key '%s' has unknown type %u", key, type);
    if (is_align && type != GGUF_TYPE_UINT32)
        return fail(w, "is corrupt: general.alignment has type %u, not uint32", type);
    where(w, "the value of metadata key '%s'", key);
    if (type == GGUF_TYPE_STRING) {
        w->has_vocab |= !strcmp(key, "tokenizer.ggml.model");
        return skip_string(w);
    }
    if (!is_align)
        return skip(w, (uint64_t)type_size(type));
    if ((rc = rd_u32(w, &w->alignment)))
        return rc;
    if (w->alignment == 0 || (w->alignment & (w->alignment - 1)))
        return fail(w, "is corrupt: general.alignment %u is not a power of two", w->alignment);
    return LLMB_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_tensor(const void *a, const void *b)
{
    return strcmp(((const struct tensor *)a)->name, ((const struct tensor *)b)->name);
}

static int read_tensor(struct walk *w, uint64_t i)
{
    struct tensor *t = &w->t[i];
    uint64_t len;
    uint32_t n_dims, type;
    int64_t ne[GGML_MAX_DIMS] = {1, 1, 1, 1};
    where(w, "tensor index entry #%llu", (unsigned long long)i);
    int rc = rd_u64(w, &len);
    if (rc)
        return rc;
    if (len >= GGML_MAX_NAME)
        return fail(w, "is corrupt: tensor #%llu has a name of %llu bytes (at most %d)", (unsigned long long)i,
                    (unsigned long long)len, GGML_MAX_NAME - 1);
    if ((rc = rd(w, t->name, (size_t)len)))
        return rc;
    t->name[len] = 0;
    where(w, "tensor index entry #%llu ('%s')", (unsigned long long)i, t->name);
    if ((rc = rd_u32(w, &n_dims)))
        return rc;
    if (n_dims > GGML_MAX_DIMS)
        return fail(w, "is corrupt: tensor '%s' has %u dimensions (at most %d)", t->name, n_dims, GGML_MAX_DIMS);
    for (uint32_t d = 0; d < n_dims; d++) {
        if ((rc = rd(w, &ne[d], sizeof ne[d])))
            return rc;
        if (ne[d] < 0)
            return fail(w, "is corrupt: tensor '%s' has a negative dimension (%lld)", t->name, (long long)ne[d]);
    }
    int zero = !ne[0] || !ne[1] || !ne[2] || !ne[3];
    if (!zero && (INT64_MAX / ne[1] <= ne[0] || INT64_MAX / ne[2] <= ne[0] * ne[1] ||
                  INT64_MAX / ne[3] <= ne[0] * ne[1] * ne[2]))
        return fail(w, "is corrupt: tensor '%s' has shape [%lld, %lld, %lld, %lld]: too many elements", t->name,
                    (long long)ne[0], (long long)ne[1], (long long)ne[2], (long long)ne[3]);
    if ((rc = rd_u32(w, &type)))
        return rc;
    if (type >= GGML_TYPE_COUNT || ggml_blck_size((enum ggml_type)type) == 0)
        return fail(w, "is corrupt: tensor '%s' has unknown ggml type id %u", t->name, type);
    int64_t blck = ggml_blck_size((enum ggml_type)type);
    uint64_t tsize = ggml_type_size((enum ggml_type)type);
    if (ne[0] % blck)
        return fail(w, "is corrupt: tensor '%s' of type %s has rows of %lld elements, not a multiple of %lld",
                    t->name, ggml_type_name((enum ggml_type)type), (long long)ne[0], (long long)blck);
    uint64_t blocks = zero ? 0 : (uint64_t)(ne[0] / blck * ne[1] * ne[2] * ne[3]);
    if (blocks > SIZE_MAX / tsize)
        return fail(w, "is corrupt: tensor '%s' is larger than memory can address", t->name);
    t->nbytes = blocks * tsize;
    return rd_u64(w, &t->offset);
}

/* Data offsets: each tensor where ggml expects it (packed in index order,
 * aligned), inside the file. Returns the bytes the file must hold. */
static int check_offsets(struct walk *w, uint64_t data_off, uint64_t *need_bytes)
{
    uint64_t expect = 0, avail = data_off <= w->size ? w->size - data_off : 0, end = data_off;
    for (uint64_t i = 0; i < w->n_t; i++) {
        const struct tensor *t = &w->t[i];
        if (t->offset % w->alignment)
            return fail(w, "is corrupt: tensor '%s' has data offset %llu, not a multiple of the alignment %u",
                        t->name, (unsigned long long)t->offset, w->alignment);
        if (t->offset != expect && t->offset > avail)
            return fail(w, "is corrupt: tensor '%s' has data offset %llu, outside the file (%llu bytes of data)",
                        t->name, (unsigned long long)t->offset, (unsigned long long)avail);
        if (t->offset != expect)
            return fail(w, "is corrupt: tensor '%s' has data offset %llu where %llu was expected (tensors must "
                        "follow each other in index order)", t->name, (unsigned long long)t->offset,
                        (unsigned long long)expect);
        uint64_t padded = (t->nbytes + w->alignment - 1) / w->alignment * w->alignment;
        if (padded < t->nbytes || UINT64_MAX - expect < padded)
            return fail(w, "is corrupt: tensor '%s' ends beyond any file size", t->name);
        end = data_off + expect + t->nbytes;
        expect += padded;
    }
    *need_bytes = end;
    return LLMB_OK;
}

static int walk_file(struct walk *w, uint64_t *n_tensors)
{
    uint32_t version;
    uint64_t n_kv, n_t;
    char magic[4];
    where(w, "the GGUF header");
    int rc = rd(w, magic, 4);
    if (rc)
        return rc;
    if (memcmp(magic, "GGUF", 4))
        return fail(w, "is not a GGUF file (bad magic)");
    if ((rc = rd_u32(w, &version)))
        return rc;
    if (version && !(version & 0xffff))
        return fail(w, "is a big-endian GGUF file (version field 0x%08x); only little-endian files can be read",
                    version);
    if (version < 2 || version > GGUF_VERSION)
        return fail(w, "has GGUF version %u; only versions 2 to %d are supported", version, GGUF_VERSION);
    if ((rc = rd_u64(w, &n_t)) || (rc = rd_u64(w, &n_kv)))
        return rc;
    if (n_t > MAX_TENSORS)
        return fail(w, "is corrupt: it claims %llu tensors (at most %d are supported)", (unsigned long long)n_t,
                    MAX_TENSORS);
    if (n_kv > MAX_KEYS)
        return fail(w, "is corrupt: it claims %llu metadata keys (at most %d are supported)",
                    (unsigned long long)n_kv, MAX_KEYS);
    if (!(w->keys = calloc(n_kv ? n_kv : 1, sizeof *w->keys)) || !(w->t = calloc(n_t ? n_t : 1, sizeof *w->t)))
        return llmb_error_set(w->err, LLMB_E_NOMEM, "out of memory");
    for (uint64_t i = 0; i < n_kv; i++) {
        if ((rc = read_key(w, i, &w->keys[i])))
            return rc;
        w->n_keys++;
        if ((rc = read_value(w, w->keys[i])))
            return rc;
    }
    qsort(w->keys, w->n_keys, sizeof *w->keys, cmp_str);
    for (uint64_t i = 1; i < w->n_keys; i++)
        if (!strcmp(w->keys[i - 1], w->keys[i]))
            return fail(w, "is corrupt: metadata key '%s' appears twice", w->keys[i]);
    for (uint64_t i = 0; i < n_t; i++) {
        if ((rc = read_tensor(w, i)))
            return rc;
        w->n_t++;
    }
    uint64_t data_off = n_t ? (w->pos + w->alignment - 1) / w->alignment * w->alignment : w->pos, need_bytes = 0;
    if ((rc = check_offsets(w, data_off, &need_bytes)))
        return rc;
    qsort(w->t, w->n_t, sizeof *w->t, cmp_tensor);
    for (uint64_t i = 1; i < w->n_t; i++)
        if (!strcmp(w->t[i - 1].name, w->t[i].name))
            return fail(w, "is corrupt: tensor name '%s' appears twice", w->t[i].name);
    if (w->size < need_bytes)
        return fail(w, "is truncated: %llu bytes, its tensors need %llu", (unsigned long long)w->size,
                    (unsigned long long)need_bytes);
    *n_tensors = n_t;
    return LLMB_OK;
}

/* Opens path (a regular file only: never blocks on a FIFO or reads a device),
 * walks it, then parses it with ggml. A model (is_model) must also hold
 * tensors and the vocabulary key without which llama.cpp loads nothing. On
 * success *g belongs to the caller. */
static int open_gguf(const char *path, const char *what, int is_model, struct gguf_context **g,
                     uint64_t *file_size, struct llmb_error *err)
{
    struct walk w = {.what = what, .err = err, .alignment = GGUF_DEFAULT_ALIGNMENT};
    show_path(w.shown, sizeof w.shown, path);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return llmb_error_set(err, LLMB_E_MODEL, "%s '%s': %s", what, w.shown, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return fail(&w, "is a directory, not a GGUF file");
    if (!S_ISREG(sb.st_mode))
        return fail(&w, "is not a regular file");
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return fail(&w, "cannot be read: %s", strerror(errno));
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || !(w.f = fdopen(fd, "rb"))) {
        close(fd);
        return fail(&w, "is not a regular file");
    }
    w.size = (uint64_t)sb.st_size;
    uint64_t n_t = 0;
    int rc = LLMB_OK;
    if (w.size < 4)
        rc = fail(&w, "is %s (%llu bytes), not a GGUF file", w.size ? "too short" : "empty",
                  (unsigned long long)w.size);
    if (!rc)
        rc = walk_file(&w, &n_t);
    if (!rc && is_model && n_t == 0)
        rc = fail(&w, "holds no tensors");
    if (!rc && is_model && !w.has_vocab)
        rc = fail(&w, "has no vocabulary (no tokenizer.ggml.model key), so llama.cpp cannot load it");
    if (!rc) {
        struct gguf_init_params gp = {.no_alloc = true, .ctx = NULL};
        if (fseeko(w.f, 0, SEEK_SET) != 0 || !(*g = gguf_init_from_file_ptr(w.f, gp)))
            rc = fail(&w, "has a corrupt GGUF header or tensor index (ggml's reader refused it)");
        if (!rc && is_model)
            rc = llmb_gguf_sanity(*g, w.shown, err);
        if (rc) {
            gguf_free(*g);
            *g = NULL;
        }
    }
    if (!rc && file_size)
        *file_size = w.size;
    for (uint64_t i = 0; i < w.n_keys; i++)
        free(w.keys[i]);
    free(w.keys);
    free(w.t);
    fclose(w.f);
    return rc;
}

int llmb_gguf_check(const char *path, const char *what, uint64_t *file_size, struct llmb_error *err)
{
    struct gguf_context *g = NULL;
    int rc = open_gguf(path, what, 0, &g, file_size, err);
    gguf_free(g);
    return rc;
}

int llmb_model_check(const char *path, uint64_t *file_size, struct llmb_error *err)
{
    struct gguf_context *g = NULL;
    int rc = open_gguf(path, "model", 1, &g, file_size, err);
    gguf_free(g);
    return rc;
}

int llmb_model_facts(const char *path, struct llmb_gguf_facts *out, struct llmb_error *err)
{
    memset(out, 0, sizeof *out);
    struct gguf_context *g = NULL;
    int rc = open_gguf(path, "model", 1, &g, &out->file_size, err);
    if (rc)
        return rc;
    int64_t k;
    out->file_type = -1;
    if ((k = gguf_find_key(g, "general.file_type")) >= 0 && gguf_get_kv_type(g, k) == GGUF_TYPE_UINT32)
        out->file_type = (int)gguf_get_val_u32(g, k);
    if ((k = gguf_find_key(g, "general.architecture")) >= 0 && gguf_get_kv_type(g, k) == GGUF_TYPE_STRING)
        snprintf(out->arch, sizeof out->arch, "%s", gguf_get_val_str(g, k));
    if ((k = gguf_find_key(g, "general.name")) >= 0 && gguf_get_kv_type(g, k) == GGUF_TYPE_STRING)
        snprintf(out->name, sizeof out->name, "%s", gguf_get_val_str(g, k));
    if ((k = gguf_find_key(g, "llmbench.synthetic")) >= 0 && gguf_get_kv_type(g, k) == GGUF_TYPE_BOOL)
        out->synthetic = gguf_get_val_bool(g, k);
    char key[96];
    snprintf(key, sizeof key, "%s.context_length", out->arch);
    if (out->arch[0] && (k = gguf_find_key(g, key)) >= 0 && gguf_get_kv_type(g, k) == GGUF_TYPE_UINT32)
        out->n_ctx_train = gguf_get_val_u32(g, k) > 0x7fffffffu ? 0x7fffffff : (int)gguf_get_val_u32(g, k);
    if ((k = gguf_find_key(g, "tokenizer.ggml.tokens")) >= 0 && gguf_get_kv_type(g, k) == GGUF_TYPE_ARRAY &&
        gguf_get_arr_type(g, k) == GGUF_TYPE_STRING) {
        uint64_t h = LLMB_VOCAB_HASH_INIT;
        size_t nv = gguf_get_arr_n(g, k);
        for (size_t i = 0; i < nv; i++)
            h = llmb_vocab_hash_add(h, gguf_get_arr_str(g, k, i));
        out->n_vocab = nv > 0x7fffffff ? 0x7fffffff : (int)nv;
        out->vocab_hash = h;
    }
    out->n_tensors = (int)gguf_get_n_tensors(g);
    out->all_float = 1;
    int64_t n_f32 = 0, n_f16 = 0, n_bf16 = 0;
    for (int64_t i = 0; i < gguf_get_n_tensors(g); i++) {
        enum ggml_type t = gguf_get_tensor_type(g, i);
        const int64_t *ne = gguf_get_tensor_ne(g, i); /* the walk checked that a product without 0 fits */
        out->tensor_bytes += gguf_get_tensor_size(g, i);
        if (!strcmp(gguf_get_tensor_name(g, i), "token_embd.weight"))
            out->tok_embd_bytes = gguf_get_tensor_size(g, i);
        else if (!strcmp(gguf_get_tensor_name(g, i), "output.weight"))
            out->output_bytes = gguf_get_tensor_size(g, i);
        out->n_params += ne[0] && ne[1] && ne[2] && ne[3] ? (uint64_t)(ne[0] * ne[1] * ne[2] * ne[3]) : 0;
        n_f32 += t == GGML_TYPE_F32;
        n_f16 += t == GGML_TYPE_F16;
        n_bf16 += t == GGML_TYPE_BF16;
        if (t != GGML_TYPE_F32 && t != GGML_TYPE_F16 && t != GGML_TYPE_BF16)
            out->all_float = 0;
    }
    /* no general.file_type: llama.cpp guesses the most common tensor type's; so do we for float files
     * (LLAMA_FTYPE_ALL_F32 0, MOSTLY_F16 1, MOSTLY_BF16 32) */
    if (out->file_type < 0 && out->all_float && out->n_tensors > 0)
        out->file_type = n_f16 > n_f32 && n_f16 >= n_bf16 ? 1 : n_bf16 > n_f32 ? 32 : 0;
    out->bpw = out->n_params ? 8.0 * (double)out->tensor_bytes / (double)out->n_params : 0;
    gguf_free(g);
    return LLMB_OK;
}
