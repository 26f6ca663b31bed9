/* shapes.c - the built-in table of model shapes (hyper-parameters of real
 * models, from their published configs) that `llmbench synth` reproduces. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "llmbench/synth.h"

static const struct llmb_shape shapes[] = {
    /* name            arch     vocab        L   embd  head kv  ff     n_vocab ctx     theta  eps   tied bias rope   orig */
    {"llama-3.2-1b",  "llama", "llama-bpe", 16, 2048, 32, 8,  8192,  128256, 131072, 5e5f, 1e-5f, 1, 0, 32.0f, 8192},
    {"llama-3.2-3b",  "llama", "llama-bpe", 28, 3072, 24, 8,  8192,  128256, 131072, 5e5f, 1e-5f, 1, 0, 32.0f, 8192},
    {"llama-3.1-8b",  "llama", "llama-bpe", 32, 4096, 32, 8,  14336, 128256, 131072, 5e5f, 1e-5f, 0, 0, 8.0f,  8192},
    {"qwen2.5-0.5b",  "qwen2", "qwen2",     24, 896,  14, 2,  4864,  151936, 32768,  1e6f, 1e-6f, 1, 1, 0, 0},
    {"qwen2.5-1.5b",  "qwen2", "qwen2",     28, 1536, 12, 2,  8960,  151936, 32768,  1e6f, 1e-6f, 1, 1, 0, 0},
    {"qwen2.5-3b",    "qwen2", "qwen2",     36, 2048, 16, 2,  11008, 151936, 32768,  1e6f, 1e-6f, 1, 1, 0, 0},
    {"qwen2.5-7b",    "qwen2", "qwen2",     28, 3584, 28, 4,  18944, 152064, 32768,  1e6f, 1e-6f, 0, 1, 0, 0},
    /* small shapes: "tiny" for tests, "small" for a demo that finishes in minutes on 2 cores */
    {"tiny",          "llama", "llama-spm", 2,  256,  4,  2,  512,   32000,  2048,   1e4f, 1e-5f, 0, 0, 0, 0},
    {"small",         "llama", "llama-spm", 8,  1024, 16, 4,  2816,  32000,  4096,   1e4f, 1e-5f, 0, 0, 0, 0},
};
#define N_SHAPES (sizeof shapes / sizeof shapes[0])

const struct llmb_shape *llmb_shape_list(size_t *n)
{
    *n = N_SHAPES;
    return shapes;
}

int llmb_shape_find(const char *name, struct llmb_shape *out, struct llmb_error *err)
{
    for (size_t i = 0; i < N_SHAPES; i++)
        if (!strcasecmp(shapes[i].name, name)) {
            *out = shapes[i];
            return LLMB_OK;
        }
    char names[2048] = "";
    for (size_t i = 0; i < N_SHAPES; i++) {
        size_t used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", shapes[i].name);
    }
    return llmb_error_set(err, LLMB_E_INVAL, "unknown shape '%s' (known: %s)", name, names);
}

int llmb_shape_validate(const struct llmb_shape *s, struct llmb_error *err)
{
    if (s->n_layer < 1 || s->n_embd < 1 || s->n_head < 1 || s->n_head_kv < 1 || s->n_ff < 1 || s->n_vocab < 0)
        return llmb_error_set(err, LLMB_E_INVAL, "shape %s: layers, embd, heads, kv-heads and ff must be positive",
                              s->name);
    if (s->n_embd % s->n_head)
        return llmb_error_set(err, LLMB_E_INVAL, "shape %s: embd %d is not a multiple of heads %d", s->name, s->n_embd,
                              s->n_head);
    if (s->n_head % s->n_head_kv)
        return llmb_error_set(err, LLMB_E_INVAL, "shape %s: heads %d is not a multiple of kv-heads %d", s->name,
                              s->n_head, s->n_head_kv);
    if ((s->n_embd / s->n_head) % 2)
        return llmb_error_set(err, LLMB_E_INVAL, "shape %s: head size %d must be even", s->name,
                              s->n_embd / s->n_head);
    if (s->n_layer > 1024 || s->n_embd > 65536 || s->n_ff > 262144 || s->n_vocab > 4000000)
        return llmb_error_set(err, LLMB_E_INVAL, "shape %s: implausibly large", s->name);
    return LLMB_OK;
}
