/* synth.h - synthetic models: GGUF files with the exact architecture, tensor
 * shapes and tokenizer of a real model, random weights from a seed, for speed
 * measurements without downloads. Marked synthetic in their metadata. */
#ifndef LLMBENCH_SYNTH_H
#define LLMBENCH_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include "llmbench.h"

#ifdef __cplusplus
extern "C" {
#endif

struct llmb_shape {
    char  name[48];     /* "llama-3.2-1b" */
    char  arch[16];     /* "llama" or "qwen2" */
    char  vocab[32];    /* llama.cpp vocabulary file: models/ggml-vocab-<vocab>.gguf */
    int   n_layer, n_embd, n_head, n_head_kv, n_ff;
    int   n_vocab;      /* 0: the tokenizer's size; larger pads the tokenizer */
    int   n_ctx_train;
    float rope_theta, rms_eps;
    int   tied;         /* output projection shares token_embd */
    int   qkv_bias;     /* qwen2: biases on q, k, v */
    float rope_factor;  /* llama3 rope scaling factor, 0: none */
    int   rope_orig_ctx;
};

/* Built-in shapes; NULL-free array of n entries. */
const struct llmb_shape *llmb_shape_list(size_t *n);
/* Case-insensitive lookup; 0 and *out filled on success, LLMB_E_INVAL with the known names otherwise. */
int llmb_shape_find(const char *name, struct llmb_shape *out, struct llmb_error *err);
/* Checks a (possibly overridden) shape for consistency (heads divide, etc.). */
int llmb_shape_validate(const struct llmb_shape *s, struct llmb_error *err);

/* Folder of llama.cpp's vocabulary files: $LLMBENCH_VOCAB_DIR or the build's. */
const char *llmb_synth_vocab_dir(void);

typedef void (*llmb_synth_progress_cb)(int i, int n, void *user);

struct llmb_synth_params {
    struct llmb_shape shape;
    int         ftype;       /* llama_ftype (F16 = 1); quantized types take llama.cpp's per-tensor mix */
    uint64_t    seed;
    const char *vocab_file;  /* NULL: <vocab dir>/ggml-vocab-<shape.vocab>.gguf */
    const char *output;      /* written under a temporary name, renamed when complete */
    int         dry_run;     /* compute sizes only, write nothing */
    llmb_synth_progress_cb progress;
    void       *user;
    volatile int *stop;      /* polled (may be NULL): stops, removes the temporary, LLMB_E_INTERRUPTED */
};

struct llmb_synth_info {
    uint64_t file_size;    /* bytes of the (would-be) file */
    uint64_t tensor_bytes; /* bytes of tensor data */
    uint64_t n_params;
    double   bpw;
    int      n_tensors;
    int      n_vocab;
};

struct llmb_synth_params llmb_synth_default_params(void);
int llmb_synth_write(const struct llmb_synth_params *p, struct llmb_synth_info *info, struct llmb_error *err);

#ifdef __cplusplus
}
#endif

#endif
