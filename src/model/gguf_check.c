/* gguf_check.c - validates a GGUF model file before an engine touches it, so
 * a missing, unreadable, truncated or foreign file gives one clear message
 * instead of an engine's log spew (or worse). Uses ggml's gguf reader for the
 * header and tensor index; checks that the data section is all there. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <gguf.h>

#include "llmbench/model.h"

int llmb_model_check(const char *path, uint64_t *file_size, struct llmb_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return llmb_error_set(err, LLMB_E_MODEL, "model '%s': %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return llmb_error_set(err, LLMB_E_MODEL, "model '%s' is a directory, not a GGUF file", path);
    if (!S_ISREG(sb.st_mode))
        return llmb_error_set(err, LLMB_E_MODEL, "model '%s' is not a regular file", path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return llmb_error_set(err, LLMB_E_MODEL, "model '%s' cannot be read: %s", path, strerror(errno));
    unsigned char magic[4] = {0};
    size_t got = fread(magic, 1, 4, f);
    fclose(f);
    if (got < 4)
        return llmb_error_set(err, LLMB_E_MODEL, "model '%s' is %s (%lld bytes), not a GGUF file", path,
                              sb.st_size == 0 ? "empty" : "too short", (long long)sb.st_size);
    if (memcmp(magic, "GGUF", 4) != 0)
        return llmb_error_set(err, LLMB_E_MODEL, "model '%s' is not a GGUF file (bad magic)", path);

    struct gguf_init_params gp = {.no_alloc = true, .ctx = NULL};
    struct gguf_context *g = gguf_init_from_file(path, gp);
    if (!g)
        return llmb_error_set(err, LLMB_E_MODEL,
                              "model '%s' has a corrupt or truncated GGUF header/tensor index", path);
    uint64_t need = gguf_get_data_offset(g);
    int64_t nt = gguf_get_n_tensors(g);
    for (int64_t i = 0; i < nt; i++) {
        uint64_t end = gguf_get_data_offset(g) + gguf_get_tensor_offset(g, i) + gguf_get_tensor_size(g, i);
        if (end > need)
            need = end;
    }
    gguf_free(g);
    if (nt == 0)
        return llmb_error_set(err, LLMB_E_MODEL, "model '%s' holds no tensors", path);
    if ((uint64_t)sb.st_size < need)
        return llmb_error_set(err, LLMB_E_MODEL, "model '%s' is truncated: %lld bytes, its tensors need %llu", path,
                              (long long)sb.st_size, (unsigned long long)need);
    if (file_size)
        *file_size = (uint64_t)sb.st_size;
    return LLMB_OK;
}
