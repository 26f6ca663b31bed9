/* gguf_check.c - validates a GGUF model file before an engine touches it, so
 * a missing, unreadable, truncated or foreign file gives one clear message
 * instead of an engine's log spew (or worse). Uses ggml's gguf reader for the
 * header and tensor index; checks that the data section is all there. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <ggml.h>
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

int llmb_model_facts(const char *path, struct llmb_gguf_facts *out, struct llmb_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = llmb_model_check(path, &out->file_size, err);
    if (rc)
        return rc;
    struct ggml_context *meta = NULL;
    struct gguf_init_params gp = {.no_alloc = true, .ctx = &meta};
    struct gguf_context *g = gguf_init_from_file(path, gp);
    if (!g)
        return llmb_error_set(err, LLMB_E_MODEL, "model '%s' has a corrupt GGUF header", path);
    int64_t k;
    out->file_type = -1;
    if ((k = gguf_find_key(g, "general.file_type")) >= 0 && gguf_get_kv_type(g, k) == GGUF_TYPE_UINT32)
        out->file_type = (int)gguf_get_val_u32(g, k);
    if ((k = gguf_find_key(g, "general.architecture")) >= 0 && gguf_get_kv_type(g, k) == GGUF_TYPE_STRING)
        snprintf(out->arch, sizeof out->arch, "%s", gguf_get_val_str(g, k));
    if ((k = gguf_find_key(g, "general.name")) >= 0 && gguf_get_kv_type(g, k) == GGUF_TYPE_STRING)
        snprintf(out->name, sizeof out->name, "%s", gguf_get_val_str(g, k));
    if ((k = gguf_find_key(g, "llmbench.synthetic")) >= 0 && gguf_get_kv_type(g, k) == GGUF_TYPE_BOOL)
        out->synthetic = gguf_get_val_bool(g, k);
    out->n_tensors = (int)gguf_get_n_tensors(g);
    out->all_float = 1;
    for (int64_t i = 0; i < gguf_get_n_tensors(g); i++) {
        enum ggml_type t = gguf_get_tensor_type(g, i);
        struct ggml_tensor *tt = ggml_get_tensor(meta, gguf_get_tensor_name(g, i));
        out->tensor_bytes += gguf_get_tensor_size(g, i);
        out->n_params += tt ? (uint64_t)ggml_nelements(tt) : 0;
        if (t != GGML_TYPE_F32 && t != GGML_TYPE_F16 && t != GGML_TYPE_BF16)
            out->all_float = 0;
    }
    out->bpw = out->n_params ? 8.0 * (double)out->tensor_bytes / (double)out->n_params : 0;
    gguf_free(g);
    ggml_free(meta);
    return LLMB_OK;
}
