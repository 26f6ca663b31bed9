/* preflight.c - the checks before a run of an engine whose models are GGUF
 * files (llama.cpp's): every file sound, and enough memory for each unless
 * forced. A model needs at least its tensors in RAM (mmap'd weights are paged
 * in); refusing one that cannot fit costs one line instead of an OOM kill. */
#include <stdio.h>

#include "llmbench/engine.h"
#include "llmbench/model.h"

int llmb_engine_files_preflight(const char *const *models, size_t n, int force, struct llmb_error *err)
{
    int rc = LLMB_OK;
    for (size_t i = 0; !rc && i < n; i++)
        rc = llmb_model_check(models[i], NULL, err);
    if (rc || force)
        return rc;
    FILE *f = fopen("/proc/meminfo", "r");
    unsigned long long avail_kb = 0;
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &avail_kb) == 1)
            break;
    if (f)
        fclose(f);
    for (size_t i = 0; avail_kb && i < n; i++) {
        struct llmb_gguf_facts facts;
        if (llmb_model_facts(models[i], &facts, NULL))
            continue;
        double need = (double)facts.tensor_bytes * 1.05 + 64.0 * 1048576;
        if (need > (double)avail_kb * 1024.0)
            return llmb_error_set(err, LLMB_E_INVAL,
                                  "model '%s' needs about %.2f GiB of memory, %.2f GiB is available "
                                  "(--force to run it anyway)",
                                  models[i], need / 1073741824.0, (double)avail_kb / 1048576.0);
    }
    return LLMB_OK;
}

int llmb_engine_use_rpc(const struct llmb_engine_ops *e, const char *rpc, struct llmb_error *err)
{
    struct llmb_model_params mp = {.rpc = rpc};
    struct llmb_context_params cp = {0};
    return rpc && *rpc && e->check ? e->check(&mp, &cp, err) : LLMB_OK;
}

int llmb_engine_print_devices(const struct llmb_engine_ops *e, const char *rpc, FILE *out, struct llmb_error *err)
{
    if (!e->list_devices) {
        fprintf(out, "Available devices:\n  (none)\n");
        return LLMB_OK;
    }
    int rc = llmb_engine_use_rpc(e, rpc, err); /* the -rpc servers' devices too, as llama-bench lists them */
    if (!rc)
        e->list_devices(out);
    return rc;
}
