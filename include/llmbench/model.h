/* model.h - facts about model files that need no engine: GGUF validation. */
#ifndef LLMBENCH_MODEL_H
#define LLMBENCH_MODEL_H

#include <stdint.h>
#include "llmbench.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Checks that path is a readable, regular, complete GGUF file whose header,
 * metadata and tensor index are sound (every length inside the file, known
 * types, shapes that fit, tensors packed and aligned where ggml expects
 * them); tensors are not required. Messages start with what ("vocabulary
 * file") and the path. Returns LLMB_E_MODEL (LLMB_E_IO, LLMB_E_NOMEM) on
 * failure. *file_size (may be NULL) receives the size in bytes. */
int llmb_gguf_check(const char *path, const char *what, uint64_t *file_size, struct llmb_error *err);

/* Checks that path is a readable, regular, complete GGUF file: magic, header
 * and tensor index parse (as llmb_gguf_check), it holds at least one tensor
 * and a vocabulary (tokenizer.ggml.model: llama.cpp loads nothing without
 * it), and the file holds every tensor's data. On failure
 * returns LLMB_E_MODEL (or LLMB_E_IO) with a message naming the file and the
 * problem. *file_size (may be NULL) receives the size in bytes. */
int llmb_model_check(const char *path, uint64_t *file_size, struct llmb_error *err);

/* What a GGUF file says about itself, read without an engine. */
struct llmb_gguf_facts {
    char     arch[64];
    char     name[128];
    int      file_type;     /* general.file_type; when absent, a float file's most common tensor
                               type (F32 0, F16 1, BF16 32) as llama.cpp guesses it, else -1 */
    int      synthetic;     /* llmbench.synthetic */
    int      n_ctx_train;   /* <arch>.context_length, 0 when absent */
    uint64_t file_size;
    uint64_t tensor_bytes;
    uint64_t n_params;
    double   bpw;
    int      all_float;     /* every tensor is F32, F16 or BF16 */
    int      n_tensors;
    int      n_vocab;       /* tokens in tokenizer.ggml.tokens, 0 when absent */
    uint64_t vocab_hash;    /* the vocabulary's identity, as the engine's (0 when absent) */
    uint64_t tok_embd_bytes; /* token_embd.weight (0 when absent) */
    uint64_t output_bytes;   /* output.weight (0: the output shares the token embeddings) */
};

/* Checks path (as llmb_model_check) and fills *out. */
int llmb_model_facts(const char *path, struct llmb_gguf_facts *out, struct llmb_error *err);

#ifdef __cplusplus
}
#endif

#endif
