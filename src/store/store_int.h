/* store_int.h - helpers shared inside src/store (not part of the API). */
#ifndef LLMB_STORE_STORE_INT_H
#define LLMB_STORE_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "llmbench/store.h"

/* The current UTC time as RFC 3339 ("2024-05-01T12:00:00Z"). */
void llmb_store_now(char *buf, size_t len);

/* The model's identity: SHA-256 of header + tensor index, and the bytes of
 * tensor data its index describes (llama.cpp's model size). */
int llmb_store_model_identity(const char *path, char hex[65], uint64_t *tensor_bytes, struct llmb_error *err);

/* The test name a result is stored under: llmb_instance_test_name for speed
 * tests; "ppl c512", "kld c512", "suite default" for quality kinds (formatted
 * here until plan.c names every kind, see workload_kind.c). */
void llmb_store_test_name(const struct llmb_result *r, char *buf, size_t len);

#endif
