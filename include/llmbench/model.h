/* model.h - facts about model files that need no engine: GGUF validation. */
#ifndef LLMBENCH_MODEL_H
#define LLMBENCH_MODEL_H

#include <stdint.h>
#include "llmbench.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Checks that path is a readable, regular, complete GGUF file: magic, header
 * and tensor index parse, and the file holds every tensor's data. On failure
 * returns LLMB_E_MODEL (or LLMB_E_IO) with a message naming the file and the
 * problem. *file_size (may be NULL) receives the size in bytes. */
int llmb_model_check(const char *path, uint64_t *file_size, struct llmb_error *err);

/* What a GGUF file says about itself, read without an engine. */
struct llmb_gguf_facts {
    char     arch[64];
    char     name[128];
    int      file_type;     /* general.file_type, -1 when absent */
    int      synthetic;     /* llmbench.synthetic */
    uint64_t file_size;
    uint64_t tensor_bytes;
    uint64_t n_params;
    double   bpw;
    int      all_float;     /* every tensor is F32, F16 or BF16 */
    int      n_tensors;
};

/* Checks path (as llmb_model_check) and fills *out. */
int llmb_model_facts(const char *path, struct llmb_gguf_facts *out, struct llmb_error *err);

#ifdef __cplusplus
}
#endif

#endif
