/* gguf_sanity.h - values llama.cpp would abort on, checked before loading
 * (gguf_sanity.c); internal to src/model. */
#ifndef LLMB_MODEL_GGUF_SANITY_H
#define LLMB_MODEL_GGUF_SANITY_H

#include "llmbench/llmbench.h"

struct gguf_context;

/* A model's metadata as ggml read it: LLMB_E_MODEL with one line naming the
 * value, or LLMB_OK. shown is the path as messages show it. */
int llmb_gguf_sanity(const struct gguf_context *g, const char *shown, struct llmb_error *err);

#endif
