/* model_hash.c - a model file's identity for the store: SHA-256 of its GGUF
 * header and tensor index (the bytes before the tensor data), which names the
 * weights' layout, types and metadata without reading gigabytes. ggml's gguf
 * reader finds where the data begins. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gguf.h>

#include "base/sha256.h"
#include "store_int.h"

int llmb_store_model_identity(const char *path, char hex[65], uint64_t *tensor_bytes, struct llmb_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return llmb_error_set(err, LLMB_E_MODEL, "model '%s' cannot be read: %s", path, strerror(errno));
    char magic[4] = {0};
    size_t got = fread(magic, 1, 4, f);
    if (got < 4 || memcmp(magic, "GGUF", 4) != 0) { /* checked first: gguf's reader logs on foreign files */
        fclose(f);
        return llmb_error_set(err, LLMB_E_MODEL, "model '%s' is not a GGUF file", path);
    }
    struct gguf_init_params gp = {.no_alloc = true, .ctx = NULL};
    struct gguf_context *g = gguf_init_from_file(path, gp);
    if (!g) {
        fclose(f);
        return llmb_error_set(err, LLMB_E_MODEL, "model '%s' has a corrupt or truncated GGUF header", path);
    }
    uint64_t left = gguf_get_data_offset(g), bytes = 0;
    for (int64_t i = 0; i < gguf_get_n_tensors(g); i++)
        bytes += gguf_get_tensor_size(g, i);
    gguf_free(g);
    struct llmb_sha256 h;
    llmb_sha256_init(&h);
    rewind(f);
    unsigned char buf[65536];
    while (left > 0) {
        size_t want = left < sizeof buf ? (size_t)left : sizeof buf;
        size_t n = fread(buf, 1, want, f);
        if (n == 0)
            break;
        llmb_sha256_update(&h, buf, n);
        left -= n;
    }
    fclose(f);
    if (left > 0)
        return llmb_error_set(err, LLMB_E_MODEL, "model '%s' is truncated inside its header", path);
    llmb_sha256_final_hex(&h, hex);
    if (tensor_bytes)
        *tensor_bytes = bytes;
    return LLMB_OK;
}

int llmb_store_model_sha256(const char *path, char hex[65], struct llmb_error *err)
{
    return llmb_store_model_identity(path, hex, NULL, err);
}
