/* bench_flags.c - llama-bench's test parameter flags (bench_flags.h): each
 * value parsed as llama-bench reads it (lists, ranges, names), into the
 * bench parameters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_flags.h"
#include "llmbench/runner.h"

/* -mmp 0/1 of older llama-bench: load mode none / mmap */
static int parse_mmap(const char *v, struct llmb_int_list *out, struct llmb_error *err)
{
    struct llmb_int_list b = {0};
    int rc = llmb_plan_parse_bools(v, &b, err);
    for (size_t i = 0; rc == LLMB_OK && i < b.n; i++)
        rc = llmb_int_list_push(out, b.v[i] ? LLMB_LOAD_MMAP : LLMB_LOAD_NONE);
    llmb_int_list_free(&b);
    return rc;
}

int llmb_cli_bench_param_opt(struct llmb_bench_params *p, struct llmb_bench_flags *f, int id, const char *name,
                             const char *v, int *rc, struct llmb_error *err)
{
    struct llmb_error e = {0};
    int r = LLMB_OK;
    switch (id) {
    case LLMB_BOPT_MODEL: r = llmb_plan_parse_strs(v, &p->models, &e); break;
    case LLMB_BOPT_PROMPT: r = llmb_plan_parse_ints(v, 0, &p->n_prompt, &e); break;
    case LLMB_BOPT_GEN: r = llmb_plan_parse_ints(v, 0, &p->n_gen, &e); break;
    case LLMB_BOPT_PG: r = llmb_plan_parse_pg(v, &p->pg, &e); break;
    case LLMB_BOPT_DEPTH: r = llmb_plan_parse_ints(v, 0, &p->n_depth, &e); break;
    case LLMB_BOPT_BATCH: r = llmb_plan_parse_ints(v, 0, &p->n_batch, &e); break;
    case LLMB_BOPT_UBATCH: r = llmb_plan_parse_ints(v, 0, &p->n_ubatch, &e); break;
    case LLMB_BOPT_CTK: r = llmb_plan_parse_strs(v, &p->type_k, &e); break;
    case LLMB_BOPT_CTV: r = llmb_plan_parse_strs(v, &p->type_v, &e); break;
    case LLMB_BOPT_THREADS: r = llmb_plan_parse_ints(v, 0, &p->n_threads, &e); break;
    case LLMB_BOPT_CPU_MASK: r = llmb_plan_parse_cpu_masks(v, &p->cpu_mask, &e); break;
    case LLMB_BOPT_CPU_STRICT: r = llmb_plan_parse_bools(v, &p->cpu_strict, &e); break;
    case LLMB_BOPT_POLL: r = llmb_plan_parse_ints(v, 0, &p->poll, &e); break;
    case LLMB_BOPT_NGL: r = llmb_plan_parse_ints(v, -1, &p->n_gpu_layers, &e); break;
    case LLMB_BOPT_NCMOE: r = llmb_plan_parse_ints(v, 0, &p->n_cpu_moe, &e); break;
    case LLMB_BOPT_SM:
        r = llmb_plan_parse_modes(v, llmb_split_mode_parse, "none, layer, row or tensor", &p->split_mode, &e);
        break;
    case LLMB_BOPT_MG: /* llama-bench: each -mg replaces the list */
        llmb_int_list_free(&p->main_gpu);
        r = llmb_plan_parse_ints(v, 0, &p->main_gpu, &e);
        break;
    case LLMB_BOPT_NKVO: r = llmb_plan_parse_bools(v, &p->no_kv_offload, &e); break;
    case LLMB_BOPT_FA: r = llmb_plan_parse_fa(v, &p->flash_attn, &e); break;
    case LLMB_BOPT_DEV: r = llmb_plan_parse_devices(v, &p->devices, &e); break;
    case LLMB_BOPT_LM:
        r = llmb_plan_parse_modes(v, llmb_load_mode_parse, "auto, none, mmap, mlock, mmap+mlock or dio",
                                  &p->load_mode, &e);
        break;
    case LLMB_BOPT_MMP: r = parse_mmap(v, &p->load_mode, &e); break;
    case LLMB_BOPT_LZM: r = llmb_plan_parse_modes(v, llmb_lazy_mode_parse, "on, auto or off", &p->lazy_mode, &e); break;
    case LLMB_BOPT_EMBD: r = llmb_plan_parse_bools(v, &p->embeddings, &e); break;
    case LLMB_BOPT_TS: r = llmb_plan_parse_tensor_splits(v, &p->tensor_split, &e); break;
    case LLMB_BOPT_OT: r = llmb_plan_parse_overrides(v, &p->tensor_buft_overrides, &e); break;
    case LLMB_BOPT_NOPO: r = llmb_plan_parse_bools(v, &p->no_op_offload, &e); break;
    case LLMB_BOPT_NOHOST: r = llmb_plan_parse_bools(v, &p->no_host, &e); break;
    case LLMB_BOPT_FITT: r = llmb_plan_parse_counts(v, &p->fit_target, &e); break;
    case LLMB_BOPT_FITC: r = llmb_plan_parse_counts(v, &p->fit_min_ctx, &e); break;
    case LLMB_BOPT_HF: f->hf = v; break;
    case LLMB_BOPT_HFF:
    case LLMB_BOPT_HFT:
    case LLMB_BOPT_OFFLINE: break; /* meaningful with -hf only, which is refused */
    case LLMB_BOPT_NUMA:
        if (!*v || !strcmp(v, "distribute"))
            f->numa = 1;
        else if (!strcmp(v, "isolate"))
            f->numa = 2;
        else if (!strcmp(v, "numactl"))
            f->numa = 3;
        else
            r = llmb_error_set(&e, LLMB_E_INVAL, "'%s' is not distribute, isolate or numactl", v);
        break;
    case LLMB_BOPT_PRIO: f->prio = (int)llmb_opt_value(v); break;
    case LLMB_BOPT_DELAY: f->delay_s = (int)llmb_opt_value(v); break;
    case LLMB_BOPT_INTERLEAVE: f->interleave = 1; break;
    case LLMB_BOPT_RPC:
        if (!*v)
            r = llmb_error_set(&e, LLMB_E_INVAL, "no RPC servers specified");
        f->rpc = v;
        break;
    default: return 0;
    }
    *rc = r ? llmb_error_set(err, r, "%s: %s", name, e.msg) : LLMB_OK;
    return 1;
}

void llmb_cli_bench_flags_to_run(const struct llmb_bench_flags *f, struct llmb_run_params *rp)
{
    rp->delay_s = f->delay_s;
    rp->interleave = f->interleave;
    rp->prio = f->prio;
    rp->numa = f->numa;
    rp->rpc = f->rpc;
}
