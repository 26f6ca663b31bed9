/* llama_params.c - llama-bench's model and thread parameters for llama.cpp
 * (llama_params.h), as llama-bench's cmd_params_instance and common's
 * helpers build them; the llama engine applies them and checks them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ggml-cpu.h>

#include "engine/llama_params.h"
#include "llmbench/plan.h"

/* The buffer type of that name among the devices' (as llama-bench's -ot). */
static ggml_backend_buffer_type_t buft_by_name(const char *name, size_t len)
{
    for (size_t i = 0; i < ggml_backend_dev_count(); i++) {
        ggml_backend_buffer_type_t b = ggml_backend_dev_buffer_type(ggml_backend_dev_get(i));
        if (b && strlen(ggml_backend_buft_name(b)) == len && !strncmp(ggml_backend_buft_name(b), name, len))
            return b;
    }
    return NULL;
}

static void buft_names(char *buf, size_t len)
{
    buf[0] = 0;
    for (size_t i = 0; i < ggml_backend_dev_count(); i++) {
        ggml_backend_buffer_type_t b = ggml_backend_dev_buffer_type(ggml_backend_dev_get(i));
        size_t used = strlen(buf);
        if (b)
            snprintf(buf + used, len - used, "%s%s", used ? ", " : "", ggml_backend_buft_name(b));
    }
}

int llmb_llama_devices(const char *spec, ggml_backend_dev_t *out, int *n, struct llmb_error *err)
{
    *n = -1;
    if (!spec || !*spec || !strcmp(spec, "auto"))
        return LLMB_OK;
    *n = 0;
    if (!strcmp(spec, "none"))
        return LLMB_OK;
    for (const char *p = spec; *p;) {
        size_t k = strcspn(p, "/");
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)k, p);
        ggml_backend_dev_t d = ggml_backend_dev_by_name(name);
        if (!d || ggml_backend_dev_type(d) == GGML_BACKEND_DEVICE_TYPE_CPU)
            return llmb_error_set(err, LLMB_E_INVAL, "invalid device: %s (llmbench bench --list-devices lists them)",
                                  name);
        if (*n == LLMB_MAX_DEVICES)
            return llmb_error_set(err, LLMB_E_INVAL, "more than %d devices in '%s'", LLMB_MAX_DEVICES, spec);
        out[(*n)++] = d;
        p += k;
        p += *p == '/';
    }
    return LLMB_OK;
}

void llmb_llama_overrides_free(struct llmb_llama_overrides *o)
{
    for (size_t i = 0; i < o->n_patterns; i++)
        free(o->patterns[i]);
    free(o->patterns);
    free(o->v);
    memset(o, 0, sizeof *o);
}

int llmb_llama_overrides(const char *spec, int n_cpu_moe, struct llmb_llama_overrides *o, struct llmb_error *err)
{
    spec = spec && strcmp(spec, "none") ? spec : "";
    size_t n = n_cpu_moe > 0 ? (size_t)n_cpu_moe : 0;
    for (const char *p = spec; *p; p++)
        n += *p == ';';
    n += *spec != 0;
    memset(o, 0, sizeof *o);
    if (n == 0)
        return LLMB_OK;
    o->v = calloc(n + 1, sizeof *o->v);
    o->patterns = calloc(n, sizeof *o->patterns);
    if (!o->v || !o->patterns)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    size_t k = 0;
    for (const char *p = spec; *p;) {
        size_t len = strcspn(p, ";");
        const char *eq = memchr(p, '=', len);
        if (len && eq) {
            ggml_backend_buffer_type_t b = buft_by_name(eq + 1, len - (size_t)(eq + 1 - p));
            if (!b) {
                char names[512];
                buft_names(names, sizeof names);
                return llmb_error_set(err, LLMB_E_INVAL, "unrecognized buffer type '%.*s' in '%s' (available: %s)",
                                      (int)(len - (size_t)(eq + 1 - p)), eq + 1, spec, names);
            }
            if (!(o->patterns[o->n_patterns] = strndup(p, (size_t)(eq - p))))
                return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
            o->v[k++] = (struct llama_model_tensor_buft_override){o->patterns[o->n_patterns++], b};
        }
        p += len;
        p += *p == ';';
    }
    for (int i = 0; i < n_cpu_moe; i++) { /* llm_ffn_block_regex(i, LLM_FFN_EXPS_REGEX) of common.h */
        char pat[96];
        snprintf(pat, sizeof pat, "blk\\.%d\\.ffn_(up|down|gate|gate_up)_(ch|)exps", i);
        if (!(o->patterns[o->n_patterns] = strdup(pat)))
            return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        o->v[k++] = (struct llama_model_tensor_buft_override){o->patterns[o->n_patterns++],
                                                               ggml_backend_cpu_buffer_type()};
    }
    return LLMB_OK;
}

static const enum llama_split_mode split_modes[] = {LLAMA_SPLIT_MODE_LAYER, LLAMA_SPLIT_MODE_NONE,
                                                    LLAMA_SPLIT_MODE_ROW, LLAMA_SPLIT_MODE_TENSOR};
static const enum llama_load_mode load_modes[] = {LLAMA_LOAD_MODE_AUTO, LLAMA_LOAD_MODE_NONE, LLAMA_LOAD_MODE_MMAP,
                                                  LLAMA_LOAD_MODE_MLOCK, LLAMA_LOAD_MODE_MMAP_MLOCK,
                                                  LLAMA_LOAD_MODE_DIRECT_IO};
static const enum llama_lazy_mode lazy_modes[] = {LLAMA_LAZY_MODE_AUTO, LLAMA_LAZY_MODE_OFF, LLAMA_LAZY_MODE_ON};

void llmb_llama_modes(const struct llmb_model_params *mp, struct llama_model_params *p)
{
    if (mp->split_mode >= 0 && mp->split_mode < LLMB_SPLIT_COUNT)
        p->split_mode = split_modes[mp->split_mode];
    if (mp->load_mode >= 0 && mp->load_mode < LLMB_LOAD_COUNT)
        p->load_mode = load_modes[mp->load_mode];
    if (mp->lazy_mode >= 0 && mp->lazy_mode < LLMB_LAZY_COUNT)
        p->lazy_mode = lazy_modes[mp->lazy_mode];
}

int llmb_llama_register_rpc(const char *servers, struct llmb_error *err)
{
    static int done;
    if (!servers || !*servers || done)
        return LLMB_OK;
    if (!llama_supports_rpc())
        return llmb_error_set(err, LLMB_E_UNSUPPORTED, "-rpc: this llama.cpp build has no RPC backend");
    ggml_backend_reg_t reg = ggml_backend_reg_by_name("RPC");
    typedef ggml_backend_reg_t (*add_fn)(const char *endpoint);
    add_fn add = reg ? (add_fn)ggml_backend_reg_get_proc_address(reg, "ggml_backend_rpc_add_server") : NULL;
    if (!add)
        return llmb_error_set(err, LLMB_E_UNSUPPORTED, "-rpc: the RPC backend has no ggml_backend_rpc_add_server");
    for (const char *p = servers; *p;) {
        char ep[256];
        size_t k = strcspn(p, ",");
        snprintf(ep, sizeof ep, "%.*s", (int)k, p);
        ggml_backend_reg_t r = add(ep);
        if (r)
            ggml_backend_register(r);
        p += k;
        p += *p == ',';
    }
    done = 1;
    return LLMB_OK;
}

int llmb_llama_cpu_mask(const char *mask, bool *cpus)
{
    const char *h = mask && !strncmp(mask, "0x", 2) ? mask + 2 : mask;
    size_t n = h ? strlen(h) : 0;
    if (n > 128)
        n = 128;
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0)
            return -1;
        size_t bit = (n - 1 - i) * 4;
        for (int b = 0; b < 4; b++)
            if (v & (1 << b) && bit + (size_t)b < GGML_MAX_N_THREADS)
                cpus[bit + (size_t)b] = true;
    }
    return 0;
}

