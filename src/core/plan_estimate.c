/* plan_estimate.c - a dry run's matrix rows and its rough estimate
 * (plan_estimate.h): model sizes from the files, speed from an assumed
 * bandwidth (the estimate says so), memory from the largest model and its
 * KV cache at the longest test's context. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "llmbench/model.h"
#include "llmbench/quant.h"
#include "llmbench/plan_estimate.h"
#include "llmbench/quality.h"
#include "llmbench/synth.h"

void llmb_instance_describe(const struct llmb_instance *in, char *buf, size_t len)
{
    char test[128];
    llmb_instance_test_name(in, test, sizeof test);
    if (in->kind != LLMB_WL_SPEED) {
        snprintf(buf, len, "%s | %s | ref %s", in->model ? in->model : "", test,
                 in->ref_in      ? in->ref_in
                 : in->ref_out   ? in->ref_out
                 : in->ref_model ? in->ref_model
                                 : "-");
        return;
    }
    snprintf(buf, len,
             "%s | %s | t %d b %d ub %d ctk %s ctv %s fa %d ngl %d dev %s sm %d mg %d ts %s ot %s "
             "nkvo %d mask %s strict %d poll %d moe %d lm %d lzm %d embd %d nopo %d nohost %d fitt %d fitc %d #%d",
             in->model ? in->model : "", test, in->n_threads, in->n_batch, in->n_ubatch, in->type_k ? in->type_k : "",
             in->type_v ? in->type_v : "", in->flash_attn, in->n_gpu_layers, in->devices ? in->devices : "auto",
             in->split_mode, in->main_gpu, in->tensor_split ? in->tensor_split : "-",
             in->tensor_buft_overrides ? in->tensor_buft_overrides : "none", in->no_kv_offload,
             in->cpu_mask ? in->cpu_mask : "0x0", in->cpu_strict, llmb_instance_poll(in), in->n_cpu_moe, in->load_mode,
             in->lazy_mode, in->embeddings, in->no_op_offload, in->no_host, in->fit_target, in->fit_min_ctx,
             in->occurrence);
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    return path && !stat(path, &st) && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
}

/* KV cache bytes per token of context (f16 K and V), 0 when unknown. */
static uint64_t kv_per_token(const struct llmb_gguf_facts *f)
{
    /* facts have no layer or head counts: ~1 byte per 50k parameters, as
     * Llama 3 1B (32 KiB) and 8B (128 KiB) have with grouped-query attention */
    return f->n_params / 50000;
}

void llmb_plan_estimate(const struct llmb_instance *inst, size_t n, int runs, struct llmb_plan_estimate *e)
{
    memset(e, 0, sizeof *e);
    const char *last = NULL;
    uint64_t bytes = 0, kv = 0;
    for (size_t i = 0; i < n; i++) {
        const struct llmb_instance *in = &inst[i];
        if (!last || !in->model || strcmp(last, in->model)) {
            struct llmb_gguf_facts f;
            memset(&f, 0, sizeof f);
            bytes = file_size(in->model);
            if (bytes && llmb_model_facts(in->model, &f, NULL) == LLMB_OK)
                kv = kv_per_token(&f);
            else
                kv = 0;
            last = in->model;
            e->seconds += (double)bytes / 2e9; /* loading it: ~2 GB/s from the page cache or disk */
        }
        if (!bytes) {
            e->n_unknown++;
            continue;
        }
        double tg = (double)bytes / LLMB_EST_BANDWIDTH_BPS, pp = tg / LLMB_EST_PP_SPEEDUP, s = 0;
        long long ctx = (long long)in->n_depth + in->n_prompt + in->n_gen;
        if (in->kind == LLMB_WL_SPEED) {
            s = runs * (in->n_prompt * pp + in->n_gen * tg) + in->n_depth * pp;
        } else if (in->kind == LLMB_WL_SUITE) {
            size_t items = in->q && in->q->suite ? in->q->suite->n : 0;
            int mt = in->q && in->q->max_tokens > 0 ? in->q->max_tokens : 128;
            s = (double)items * (mt * tg + 128 * pp);
            ctx = mt + 512;
        } else {
            uint64_t text = in->q ? file_size(in->q->text_path) : 0;
            double tokens = text / 4.0;
            int c = in->q && in->q->n_ctx > 0 ? in->q->n_ctx : 512;
            if (in->q && in->q->n_chunks > 0 && (double)in->q->n_chunks * c < tokens)
                tokens = (double)in->q->n_chunks * c;
            s = tokens * pp;
            ctx = c;
            if (in->ref_out) /* top-k log-probs per token: ~8 bytes each */
                e->disk_bytes += (uint64_t)(tokens * (in->q ? in->q->top_k : 32) * 8);
        }
        e->seconds += s;
        uint64_t mem = bytes + bytes / 20 + kv * (uint64_t)(ctx > 0 ? ctx : 0);
        e->mem_bytes = mem > e->mem_bytes ? mem : e->mem_bytes;
    }
}

uint64_t llmb_shape_params(const struct llmb_shape *s)
{
    uint64_t e = (uint64_t)s->n_embd, kv = s->n_head ? e / (uint64_t)s->n_head * (uint64_t)s->n_head_kv : e;
    uint64_t layer = e * e * 2 + e * kv * 2 + 3 * e * (uint64_t)s->n_ff + 2 * e;
    uint64_t vocab = (uint64_t)(s->n_vocab > 0 ? s->n_vocab : 32000);
    return vocab * e * (s->tied ? 1 : 2) + (uint64_t)s->n_layer * layer + e;
}

double llmb_ftype_typical_bpw(int ftype)
{
    static const struct {
        const char *name;
        double bpw;
    } t[] = {
        {"F32", 32},      {"F16", 16},      {"BF16", 16},    {"Q8_0", 8.5},    {"Q6_K", 6.56},
        {"Q5_K_M", 5.69}, {"Q5_K_S", 5.54}, {"Q5_0", 5.5},   {"Q5_1", 6},      {"Q4_K_M", 4.89},
        {"Q4_K_S", 4.58}, {"Q4_0", 4.5},    {"Q4_1", 5},     {"Q3_K_L", 4.27}, {"Q3_K_M", 3.91},
        {"Q3_K_S", 3.5},  {"Q2_K", 3.35},   {"IQ4_NL", 4.5}, {"IQ4_XS", 4.25},
    };
    const char *name = llmb_ftype_name(ftype);
    for (size_t i = 0; name && i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(name, t[i].name))
            return t[i].bpw;
    return name ? 4.5 : 0;
}
