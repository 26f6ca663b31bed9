/* gguf_sanity.c - known values llama.cpp asserts on (or fails in ways that
 * end the process) although the file's structure is sound, checked before a
 * model reaches llama.cpp, so they cost one clear line instead of an abort:
 * a layer count outside 1..512, tensor data not aligned to 32 bytes, a
 * normalisation epsilon that is not a finite non-negative number, two tokens
 * with the same text (a NUL byte inside a token makes it the text before
 * the NUL), byte tokens that are not "<0xXX>", byte tokens under a "bert"
 * tokenizer, a tokenizer "none". Each check is one pass over what ggml's reader already holds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gguf.h>

#include "gguf_sanity.h"

#define LLAMA_MAX_LAYERS 512 /* llama-hparams.h */
#define TENSOR_ALIGN 32      /* ggml-backend's TENSOR_ALIGNMENT */
#define TOKEN_TYPE_BYTE 6    /* llama_token_type: LLAMA_TOKEN_TYPE_BYTE */

static int64_t int_value(const struct gguf_context *g, int64_t k, int *ok)
{
    *ok = 1;
    switch (gguf_get_kv_type(g, k)) {
    case GGUF_TYPE_UINT8: return gguf_get_val_u8(g, k);
    case GGUF_TYPE_INT8: return gguf_get_val_i8(g, k);
    case GGUF_TYPE_UINT16: return gguf_get_val_u16(g, k);
    case GGUF_TYPE_INT16: return gguf_get_val_i16(g, k);
    case GGUF_TYPE_UINT32: return gguf_get_val_u32(g, k);
    case GGUF_TYPE_INT32: return gguf_get_val_i32(g, k);
    case GGUF_TYPE_UINT64: return gguf_get_val_u64(g, k) > INT64_MAX ? INT64_MAX : (int64_t)gguf_get_val_u64(g, k);
    case GGUF_TYPE_INT64: return gguf_get_val_i64(g, k);
    default: *ok = 0; return 0;
    }
}

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Two tokens with the same text: an open-addressing set of indices. */
static int duplicate_tokens(const struct gguf_context *g, int64_t k, size_t *a, size_t *b)
{
    size_t n = gguf_get_arr_n(g, k), cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    size_t *slot = malloc(cap * sizeof *slot);
    if (!slot)
        return -1;
    for (size_t i = 0; i < cap; i++)
        slot[i] = (size_t)-1;
    int found = 0;
    for (size_t i = 0; i < n && !found; i++) {
        const char *t = gguf_get_arr_str(g, k, i);
        size_t h = (size_t)fnv(t) & (cap - 1);
        while (slot[h] != (size_t)-1) {
            if (!strcmp(gguf_get_arr_str(g, k, slot[h]), t)) {
                *a = slot[h];
                *b = i;
                found = 1;
                break;
            }
            h = (h + 1) & (cap - 1);
        }
        slot[h] = i;
    }
    free(slot);
    return found;
}

static int is_byte_text(const char *t)
{
    static const char hex[] = "0123456789ABCDEFabcdef";
    return strlen(t) == 6 && !strncmp(t, "<0x", 3) && strchr(hex, t[3]) && strchr(hex, t[4]) && t[5] == '>';
}

int llmb_gguf_sanity(const struct gguf_context *g, const char *shown, struct llmb_error *err)
{
    char arch[64] = "", key[128];
    int64_t k = gguf_find_key(g, "general.architecture");
    if (k >= 0 && gguf_get_kv_type(g, k) == GGUF_TYPE_STRING)
        snprintf(arch, sizeof arch, "%s", gguf_get_val_str(g, k));
    int ok;
    snprintf(key, sizeof key, "%s.block_count", arch);
    if (arch[0] && (k = gguf_find_key(g, key)) >= 0) {
        int64_t v = int_value(g, k, &ok);
        if (ok && (v < 1 || v > LLAMA_MAX_LAYERS))
            return llmb_error_set(err, LLMB_E_MODEL, "model '%s' has %s %lld: llama.cpp supports 1 to %d layers "
                                  "(it would abort loading it)", shown, key, (long long)v, LLAMA_MAX_LAYERS);
    }
    static const char *const eps[] = {"attention.layer_norm_rms_epsilon", "attention.layer_norm_epsilon"};
    for (size_t i = 0; arch[0] && i < sizeof eps / sizeof eps[0]; i++) {
        snprintf(key, sizeof key, "%s.%s", arch, eps[i]);
        if ((k = gguf_find_key(g, key)) >= 0 && gguf_get_kv_type(g, k) == GGUF_TYPE_FLOAT32) {
            float v = gguf_get_val_f32(g, k);
            if (!isfinite(v) || v < 0)
                return llmb_error_set(err, LLMB_E_MODEL, "model '%s' has %s %g: llama.cpp needs a finite "
                                      "epsilon >= 0 (it would abort computing)", shown, key, (double)v);
        }
    }
    size_t data = gguf_get_data_offset(g);
    for (int64_t i = 0; i < gguf_get_n_tensors(g); i++) {
        size_t at = data + gguf_get_tensor_offset(g, i);
        if (at % TENSOR_ALIGN) {
            k = gguf_find_key(g, "general.alignment");
            return llmb_error_set(err, LLMB_E_MODEL, "model '%s' has tensor '%s' at byte %zu, not a multiple of "
                                  "%d: llama.cpp needs tensor data aligned to %d bytes (general.alignment is %u; "
                                  "it would abort loading it)", shown, gguf_get_tensor_name(g, i), at, TENSOR_ALIGN,
                                  TENSOR_ALIGN, k >= 0 && gguf_get_kv_type(g, k) == GGUF_TYPE_UINT32
                                                    ? gguf_get_val_u32(g, k) : 32u);
        }
    }
    int64_t kt = gguf_find_key(g, "tokenizer.ggml.tokens");
    if (kt < 0 || gguf_get_kv_type(g, kt) != GGUF_TYPE_ARRAY || gguf_get_arr_type(g, kt) != GGUF_TYPE_STRING)
        return LLMB_OK;
    size_t a, b;
    int dup = duplicate_tokens(g, kt, &a, &b);
    if (dup < 0)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    if (dup)
        return llmb_error_set(err, LLMB_E_MODEL, "model '%s' has tokens %zu and %zu with the same text '%.40s' (or "
                              "one holds a NUL byte): llama.cpp would abort loading it", shown, a, b,
                              gguf_get_arr_str(g, kt, b));
    const char *model = "";
    if ((k = gguf_find_key(g, "tokenizer.ggml.model")) >= 0 && gguf_get_kv_type(g, k) == GGUF_TYPE_STRING)
        model = gguf_get_val_str(g, k);
    if (!strcmp(model, "none") || !strcmp(model, "no_vocab"))
        return llmb_error_set(err, LLMB_E_MODEL, "model '%s' has no vocabulary (tokenizer.ggml.model '%s'): "
                              "llama.cpp cannot run it (it would abort or refuse it)", shown, model);
    int64_t ky = gguf_find_key(g, "tokenizer.ggml.token_type");
    if (ky < 0 || gguf_get_kv_type(g, ky) != GGUF_TYPE_ARRAY || gguf_get_arr_type(g, ky) != GGUF_TYPE_INT32)
        return LLMB_OK;
    const int32_t *types = gguf_get_arr_data(g, ky);
    size_t n = gguf_get_arr_n(g, ky) < gguf_get_arr_n(g, kt) ? gguf_get_arr_n(g, ky) : gguf_get_arr_n(g, kt);
    for (size_t i = 0; i < n; i++) {
        if (types[i] != TOKEN_TYPE_BYTE)
            continue;
        const char *t = gguf_get_arr_str(g, kt, i);
        if (!strcmp(model, "bert"))
            return llmb_error_set(err, LLMB_E_MODEL, "model '%s' has a 'bert' tokenizer with byte tokens (token %zu "
                                  "'%.20s'): llama.cpp would abort on them", shown, i, t);
        if (!is_byte_text(t))
            return llmb_error_set(err, LLMB_E_MODEL, "model '%s' has byte token %zu with the text '%.20s%s' (%zu "
                                  "bytes), not <0xXX>: llama.cpp would fail on it", shown, i, t,
                                  strlen(t) > 20 ? "..." : "", strlen(t));
    }
    return LLMB_OK;
}
