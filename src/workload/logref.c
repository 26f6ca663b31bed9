/* logref.c - writes and reads the KL-divergence reference (see logref.h):
 * top-k log-probabilities per scored token, streamed to a temporary file and
 * renamed when complete; read back through mmap after checking every field. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "llmbench/quality.h"
#include "base/hash.h"
#include "logref.h"

#define fnv llmb_fnv1a64
#define FNV0 LLMB_FNV1A64_BASIS

static void put32(unsigned char *b, uint32_t v)
{
    memcpy(b, &v, 4);
}

static void put64(unsigned char *b, uint64_t v)
{
    memcpy(b, &v, 8);
}

static void encode(unsigned char *b, const struct llmb_logref_header *h)
{
    memset(b, 0, LLMB_LOGREF_HEADER);
    memcpy(b, "LLMBREF", 8);
    put32(b + 8, h->version);
    put32(b + 12, LLMB_LOGREF_HEADER);
    put32(b + 16, h->n_ctx);
    put32(b + 20, h->n_vocab);
    put32(b + 24, h->n_chunk);
    put32(b + 28, h->top_k);
    put64(b + 32, h->vocab_hash);
    put64(b + 40, h->checksum);
    put32(b + 48, h->first);
    put64(b + 56, h->n_records);
    memcpy(b + 64, &h->ppl, 8);
    memcpy(b + 72, &h->ppl_err, 8);
    memcpy(b + 80, h->text_sha256, strnlen(h->text_sha256, 64));
    memcpy(b + 144, h->model_name, strnlen(h->model_name, 63));
}

static int put(struct llmb_logref_writer *w, const void *p, size_t n, struct llmb_error *err)
{
    if (n && fwrite(p, 1, n, w->af.f) != n)
        return llmb_error_set(err, LLMB_E_IO, "cannot write '%s': %s", w->af.final_path, strerror(errno));
    w->hash = fnv(w->hash, p, n);
    return LLMB_OK;
}

int llmb_logref_create(struct llmb_logref_writer *w, const char *path, const struct llmb_logref_header *h,
                       const int32_t *tokens, struct llmb_error *err)
{
    memset(w, 0, sizeof *w);
    w->h = *h;
    w->h.version = LLMB_LOGREF_VERSION;
    w->hash = FNV0;
    int rc = llmb_atomic_open(&w->af, path, err);
    if (rc)
        return rc;
    unsigned char hdr[LLMB_LOGREF_HEADER];
    encode(hdr, &w->h); /* rewritten with the checksum at the end */
    if (fwrite(hdr, 1, sizeof hdr, w->af.f) != sizeof hdr)
        rc = llmb_error_set(err, LLMB_E_IO, "cannot write '%s': %s", path, strerror(errno));
    if (!rc)
        rc = put(w, tokens, sizeof(int32_t) * (size_t)h->n_chunk * h->n_ctx, err);
    if (rc)
        llmb_atomic_abort(&w->af);
    return rc;
}

int llmb_logref_append(struct llmb_logref_writer *w, const void *records, size_t n, struct llmb_error *err)
{
    w->written += n;
    return put(w, records, n * llmb_logref_record_size(w->h.top_k), err);
}

int llmb_logref_finish(struct llmb_logref_writer *w, struct llmb_error *err)
{
    if (w->written != w->h.n_records) {
        llmb_atomic_abort(&w->af);
        return llmb_error_set(err, LLMB_E_IO, "reference '%s' incomplete: %llu of %llu records", w->af.final_path,
                              (unsigned long long)w->written, (unsigned long long)w->h.n_records);
    }
    unsigned char hdr[LLMB_LOGREF_HEADER];
    encode(hdr, &w->h);
    w->h.checksum = fnv(w->hash, hdr + 64, LLMB_LOGREF_HEADER - 64);
    encode(hdr, &w->h);
    if (fflush(w->af.f) || fseek(w->af.f, 0, SEEK_SET) || fwrite(hdr, 1, sizeof hdr, w->af.f) != sizeof hdr) {
        llmb_atomic_abort(&w->af);
        return llmb_error_set(err, LLMB_E_IO, "cannot write '%s': %s", w->af.final_path, strerror(errno));
    }
    return llmb_atomic_commit(&w->af, err);
}

void llmb_logref_abort(struct llmb_logref_writer *w)
{
    llmb_atomic_abort(&w->af);
}

void llmb_logref_fill(void *record, const float *logits, int n_vocab, float max, double lse, int32_t correct,
                      uint32_t top_k)
{
    unsigned char *rec = record;
    int32_t *ids = (int32_t *)(void *)(rec + 4);
    float *lp = (float *)(void *)(rec + 4 + 4 * (size_t)top_k);
    float corr = (float)(logits[correct] - max - lse);
    memcpy(rec, &corr, 4);
    /* top-k by insertion into a sorted (descending) array of raw logits */
    uint32_t n = 0;
    float val[1024];
    for (int i = 0; i < n_vocab; i++) {
        float v = logits[i];
        if (n == top_k && v <= val[n - 1])
            continue;
        uint32_t j = n < top_k ? n++ : n - 1;
        while (j > 0 && val[j - 1] < v) {
            val[j] = val[j - 1];
            ids[j] = ids[j - 1];
            j--;
        }
        val[j] = v;
        ids[j] = i;
    }
    for (uint32_t j = 0; j < top_k; j++)
        lp[j] = j < n ? (float)(val[j] - max - lse) : -INFINITY;
    for (uint32_t j = n; j < top_k; j++)
        ids[j] = -1;
}

static uint32_t get32(const unsigned char *b)
{
    uint32_t v;
    memcpy(&v, b, 4);
    return v;
}

static uint64_t get64(const unsigned char *b)
{
    uint64_t v;
    memcpy(&v, b, 8);
    return v;
}

int llmb_logref_open(struct llmb_logref *r, const char *path, uint64_t vocab_hash, int n_vocab,
                     struct llmb_error *err)
{
    memset(r, 0, sizeof *r);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return llmb_error_set(err, LLMB_E_IO, "reference '%s': %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size < LLMB_LOGREF_HEADER) {
        close(fd);
        return llmb_error_set(err, LLMB_E_INVAL, "reference '%s' is not a llmbench reference file (too short)", path);
    }
    void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return llmb_error_set(err, LLMB_E_IO, "reference '%s': %s", path, strerror(errno));
    const unsigned char *b = m;
    size_t len = (size_t)sb.st_size;
    r->map = m;
    r->map_len = len;
    struct llmb_logref_header *h = &r->h;
    int rc = LLMB_OK;
    if (memcmp(b, "LLMBREF", 8)) {
        rc = llmb_error_set(err, LLMB_E_INVAL, "'%s' is not a llmbench reference file (bad magic)", path);
        goto out;
    }
    h->version = get32(b + 8);
    h->n_ctx = get32(b + 16);
    h->n_vocab = get32(b + 20);
    h->n_chunk = get32(b + 24);
    h->top_k = get32(b + 28);
    h->vocab_hash = get64(b + 32);
    h->checksum = get64(b + 40);
    h->first = get32(b + 48);
    h->n_records = get64(b + 56);
    memcpy(&h->ppl, b + 64, 8);
    memcpy(&h->ppl_err, b + 72, 8);
    memcpy(h->text_sha256, b + 80, 64);
    h->text_sha256[64] = 0;
    memcpy(h->model_name, b + 144, 63);
    h->model_name[63] = 0;
    if (h->version != LLMB_LOGREF_VERSION || get32(b + 12) != LLMB_LOGREF_HEADER) {
        rc = llmb_error_set(err, LLMB_E_INVAL, "reference '%s' has version %u; this llmbench reads version %u",
                            path, h->version, LLMB_LOGREF_VERSION);
        goto out;
    }
    if (h->n_ctx < 4 || h->n_ctx > (1u << 24) || h->n_chunk == 0 || h->n_chunk > (1u << 24) || h->top_k == 0 ||
        h->top_k > 1024 || h->first != h->n_ctx / 2 ||
        h->n_records != (uint64_t)h->n_chunk * (h->n_ctx - 1 - h->first)) {
        rc = llmb_error_set(err, LLMB_E_INVAL, "reference '%s' has an inconsistent header", path);
        goto out;
    }
    uint64_t need = LLMB_LOGREF_HEADER + 4ull * h->n_chunk * h->n_ctx + h->n_records * llmb_logref_record_size(h->top_k);
    if (need != len) {
        rc = llmb_error_set(err, LLMB_E_INVAL, "reference '%s' is %s: %zu bytes, its header says %llu", path,
                            len < need ? "truncated" : "too long", len, (unsigned long long)need);
        goto out;
    }
    if (fnv(fnv(FNV0, b + LLMB_LOGREF_HEADER, len - LLMB_LOGREF_HEADER), b + 64, LLMB_LOGREF_HEADER - 64) !=
        h->checksum) {
        rc = llmb_error_set(err, LLMB_E_INVAL, "reference '%s' is corrupted (checksum mismatch)", path);
        goto out;
    }
    if ((n_vocab > 0 && h->n_vocab != (uint32_t)n_vocab) || (vocab_hash && h->vocab_hash != vocab_hash)) {
        rc = llmb_error_set(err, LLMB_E_INVAL,
                            "reference '%s' (of model '%s') was made with another vocabulary (%u tokens, hash "
                            "%016llx) than this model's (%d tokens, hash %016llx)",
                            path, h->model_name, h->n_vocab, (unsigned long long)h->vocab_hash, n_vocab,
                            (unsigned long long)vocab_hash);
        goto out;
    }
    r->tokens = (const int32_t *)(const void *)(b + LLMB_LOGREF_HEADER);
    r->records = b + LLMB_LOGREF_HEADER + 4ull * h->n_chunk * h->n_ctx;
    for (uint64_t i = 0; i < (uint64_t)h->n_chunk * h->n_ctx; i++)
        if (r->tokens[i] < 0 || (uint32_t)r->tokens[i] >= h->n_vocab) {
            rc = llmb_error_set(err, LLMB_E_INVAL, "reference '%s' holds an out-of-range token", path);
            goto out;
        }
out:
    if (rc)
        llmb_logref_close(r);
    return rc;
}

void llmb_logref_close(struct llmb_logref *r)
{
    if (r->map)
        munmap(r->map, r->map_len);
    memset(r, 0, sizeof *r);
}

int llmb_ref_info_read(const char *path, struct llmb_ref_info *out, struct llmb_error *err)
{
    struct llmb_logref r;
    int rc = llmb_logref_open(&r, path, 0, 0, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    out->n_ctx = (int)r.h.n_ctx;
    out->n_chunk = (int)r.h.n_chunk;
    out->top_k = (int)r.h.top_k;
    out->n_vocab = (int)r.h.n_vocab;
    out->vocab_hash = r.h.vocab_hash;
    out->ppl = r.h.ppl;
    out->ppl_err = r.h.ppl_err;
    snprintf(out->text_sha256, sizeof out->text_sha256, "%s", r.h.text_sha256);
    snprintf(out->model_name, sizeof out->model_name, "%s", r.h.model_name);
    llmb_logref_close(&r);
    return LLMB_OK;
}
