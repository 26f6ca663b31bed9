/* quant.h - llama.cpp file types (Q8_0, Q4_K_M, ...) by name, and the
 * quantization driver: llama_model_quantize in process, with progress, and a
 * dry run that reports which type llama.cpp would give every tensor. */
#ifndef LLMBENCH_QUANT_H
#define LLMBENCH_QUANT_H

#include <stddef.h>
#include <stdint.h>
#include "llmbench.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Case-insensitive "Q4_K_M" -> llama_ftype value; -1 when unknown. */
int llmb_ftype_from_name(const char *name);
/* Canonical name ("Q4_K_M") of a llama_ftype value, NULL when not in the table. */
const char *llmb_ftype_name(int ftype);
/* 1 for the float file types F32, F16, BF16. */
int llmb_ftype_is_float(int ftype);
/* 1 when llama.cpp needs an importance matrix to produce this type. */
int llmb_ftype_needs_imatrix(int ftype);
/* Space-separated list of every name llmb_ftype_from_name accepts. */
const char *llmb_ftype_names(void);

/* The default quantization ladder, and the extra types offered on request. */
#define LLMB_LADDER_DEFAULT "Q8_0,Q6_K,Q4_K_M,Q3_K_L"
#define LLMB_LADDER_EXTRA "Q5_K_M,Q4_0,IQ4_XS,Q2_K"

/* Progress: tensor i of n done (called between tensors, never mid-tensor). */
typedef void (*llmb_quant_progress_cb)(int i, int n, void *user);

struct llmb_quant_params {
    const char *input;      /* F32/F16/BF16 GGUF */
    const char *output;     /* final path; written under a temporary name, renamed when complete */
    int         ftype;
    int         n_threads;  /* <= 0: all cores */
    llmb_quant_progress_cb progress;
    void       *user;
    volatile int *stop;     /* polled (may be NULL): stops, removes the temporary, LLMB_E_INTERRUPTED */
};

/* Quantizes input to output through llama_model_quantize, in a child
 * process: llama.cpp aborting on the input costs this call (LLMB_E_ENGINE,
 * its message), not the caller. */
int llmb_quantize(const struct llmb_quant_params *p, struct llmb_error *err);

/* Per-tensor target types llama.cpp chooses for ftype, in file order:
 * names[i] (owned, free with llmb_tensor_types_free) and ggml types[i]. */
struct llmb_tensor_types {
    size_t n;
    char **names;
    int   *types;
};
int  llmb_quantize_plan(const char *input, int ftype, struct llmb_tensor_types *out, struct llmb_error *err);
void llmb_tensor_types_free(struct llmb_tensor_types *t);

#ifdef __cplusplus
}
#endif

#endif
