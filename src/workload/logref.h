/* logref.h - the KL-divergence reference file: a model's top-k
 * log-probabilities at every scored position of a perplexity run, plus the
 * tokens it ran on. Versioned and checksummed; documented in docs/metrics.md.
 *
 * Layout (little-endian): 256-byte header
 *   0 "LLMBREF\0"  8 u32 version (2)  12 u32 header size (256) 16 u32 n_ctx
 *  20 u32 n_vocab  24 u32 n_chunk     28 u32 top_k             32 u64 vocab hash
 *  40 u64 FNV-1a 64 (offset basis 14695981039346656037) of every byte after
 *         the header, then of header bytes 64..255          48 u32 first (n_ctx/2)
 *  52 u32 0        56 u64 n_records
 *  64 f64 the reference model's PPL on these tokens        72 f64 its +/-
 *  80 char[64] SHA-256 (hex) of the text measured ("" unknown)
 * 144 char[64] the reference model's file name (NUL-padded)  208..255 zero
 * then int32 tokens[n_chunk * n_ctx], then n_records records of
 *   float logp_correct, int32 ids[top_k], float logps[top_k]  (descending logps). */
#ifndef LLMB_WORKLOAD_LOGREF_H
#define LLMB_WORKLOAD_LOGREF_H

#include <stdint.h>
#include <stdio.h>

#include "base/atomic_file.h"
#include "llmbench/llmbench.h"

#define LLMB_LOGREF_VERSION 2
#define LLMB_LOGREF_HEADER 256

struct llmb_logref_header {
    uint32_t version, n_ctx, n_vocab, n_chunk, top_k, first;
    uint64_t vocab_hash, checksum, n_records;
    double   ppl, ppl_err;
    char     text_sha256[65];
    char     model_name[64];
};

static inline size_t llmb_logref_record_size(uint32_t top_k)
{
    return 4 + 8 * (size_t)top_k;
}

struct llmb_logref_writer {
    struct llmb_atomic_file   af;
    struct llmb_logref_header h;
    uint64_t                  hash;
    uint64_t                  written;
};

int  llmb_logref_create(struct llmb_logref_writer *w, const char *path, const struct llmb_logref_header *h,
                        const int32_t *tokens, struct llmb_error *err);
/* Appends n records already laid out (see llmb_logref_fill). */
int  llmb_logref_append(struct llmb_logref_writer *w, const void *records, size_t n, struct llmb_error *err);
int  llmb_logref_finish(struct llmb_logref_writer *w, struct llmb_error *err);
void llmb_logref_abort(struct llmb_logref_writer *w);

/* Lays out one record from a row of logits whose log-sum-exp is known. */
void llmb_logref_fill(void *record, const float *logits, int n_vocab, float max, double lse, int32_t correct,
                      uint32_t top_k);

struct llmb_logref {
    struct llmb_logref_header h;
    const int32_t            *tokens;
    const unsigned char      *records;
    void                     *map;
    size_t                    map_len;
};

/* Maps and validates a reference: magic, version, sizes, checksum, and (when
 * vocab_hash is not 0) the vocabulary. */
int  llmb_logref_open(struct llmb_logref *r, const char *path, uint64_t vocab_hash, int n_vocab,
                      struct llmb_error *err);
void llmb_logref_close(struct llmb_logref *r);

#endif
