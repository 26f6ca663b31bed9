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

#ifdef __cplusplus
}
#endif

#endif
