/* engine.h - the engine seam: a table of operations over an opaque state,
 * like fio's ioengines. The runner knows only this table; llama.cpp in process
 * is one engine, a null engine (no model, for tests) another, an HTTP engine
 * joins later by adding its table to the registry (src/engine/registry.c). */
#ifndef LLMBENCH_ENGINE_H
#define LLMBENCH_ENGINE_H

#include <stdint.h>
#include <stddef.h>
#include "llmbench.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Model-level parameters: changing one means reloading the model. */
struct llmb_model_params {
    const char *path;
    int         n_gpu_layers; /* -1: all */
};

/* Context-level parameters, asked for. */
struct llmb_context_params {
    int         n_ctx;
    int         n_batch;
    int         n_ubatch;
    const char *type_k;
    const char *type_v;
    int         flash_attn; /* enum llmb_flash_attn */
    int         n_threads;
};

/* What the engine really applied to a context. */
struct llmb_context_info {
    int  n_ctx;
    int  n_batch;
    int  n_ubatch;
    int  n_threads;
    char type_k[16];
    char type_v[16];
    int  flash_attn;
};

/* Facts about the loaded model and where it runs. */
struct llmb_model_info {
    char     path[1024];
    char     desc[128];      /* llama.cpp's "llama 1B Q4_K - Medium" */
    char     arch[64];
    char     quant[64];      /* file type name, e.g. "Q4_K - Medium" */
    uint64_t file_size;      /* bytes on disk */
    uint64_t model_size;     /* bytes of tensor data */
    uint64_t n_params;
    double   bpw;            /* bits per weight: model_size * 8 / n_params */
    int      n_vocab;
    int      n_ctx_train;
    int      n_layer;
    int      add_bos;
    int32_t  bos;
    int      synthetic;      /* 1 when the file says it has random weights */
    char     backends[128];  /* "CPU", "CUDA", ... */
    char     devices[256];   /* devices used, comma separated */
    char     cpu_info[256];
    char     gpu_info[256];
    char     build_commit[64];
    int      build_number;
    double   load_ms;        /* time to load the model */
};

struct llmb_engine_ops {
    const char *name;
    /* Loads a model. On success *state is owned by the caller (close it). */
    int (*open)(const struct llmb_model_params *mp, void **state, struct llmb_error *err);
    int (*describe)(void *state, struct llmb_model_info *out);
    /* (Re)creates the context for a test; frees the previous one. */
    int (*context)(void *state, const struct llmb_context_params *cp, struct llmb_context_info *applied,
                   struct llmb_error *err);
    /* Clears the KV cache / memory of the context. */
    int (*reset)(void *state);
    /* Processes n tokens in batches of n_batch, returns when done. */
    int (*prefill)(void *state, const int32_t *tokens, int n, int n_batch, struct llmb_error *err);
    /* One generation step: processes one token, returns when its logits exist. */
    int (*decode)(void *state, int32_t token, struct llmb_error *err);
    /* Logits of the last processed position (n_vocab floats, owned by the engine). */
    int (*logits)(void *state, const float **out, int *n_vocab, struct llmb_error *err);
    void (*close)(void *state);
};

/* The registry: the only global table. NULL when the name is unknown. */
const struct llmb_engine_ops *llmb_engine_find(const char *name);
/* NULL-terminated list of all engines. */
const struct llmb_engine_ops *const *llmb_engine_list(void);

/* Once per process, before any engine is opened; quiet hides engine logs. */
void llmb_engine_global_init(int quiet);

#ifdef __cplusplus
}
#endif

#endif
