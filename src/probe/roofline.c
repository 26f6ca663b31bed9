/* roofline.c - a result against the machine's limits (formulas in
 * docs/metrics.md): bytes read per generated token and the GB/s that makes,
 * as a share of the measured peak; prompt FLOP/s and arithmetic intensity;
 * and the energy of the test from the sampler, per repetition and token. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "llmbench/energy.h"
#include "llmbench/result.h"

double llmb_roofline_kv_bytes(const char *t)
{
    static const struct {
        const char *name;
        double bytes;
    } k[] = {{"f32", 4},          {"f16", 2},          {"bf16", 2},           {"q8_0", 34.0 / 32},
             {"q4_0", 18.0 / 32}, {"q4_1", 20.0 / 32}, {"iq4_nl", 18.0 / 32}, {"q5_0", 22.0 / 32},
             {"q5_1", 24.0 / 32}};
    for (size_t i = 0; t && i < sizeof k / sizeof k[0]; i++)
        if (!strcmp(t, k[i].name))
            return k[i].bytes;
    return 0;
}

void llmb_roofline_apply(struct llmb_result *r, double peak_gbs)
{
    struct llmb_result_machine *m = &r->machine;
    const struct llmb_model_info *mi = &r->model;
    m->tg_bytes_per_token = m->tg_gbs = m->tg_bw_pct = m->pp_flop_per_s = m->pp_intensity = 0;
    m->peak_gbs = peak_gbs > 0 ? peak_gbs : 0;
    if (!mi->model_size || !mi->n_vocab || !mi->n_embd || !mi->n_head || !mi->n_layer || !r->applied.n_ctx)
        return; /* shape unknown (another engine, an import) */
    double head_dim = (double)mi->n_embd / mi->n_head;
    double kv_elem = llmb_roofline_kv_bytes(r->applied.type_k) + llmb_roofline_kv_bytes(r->applied.type_v);
    double kv_per_pos = kv_elem > 0 ? (double)mi->n_layer * mi->n_head_kv * head_dim * kv_elem : NAN;
    double embd = (double)mi->tok_embd_bytes;
    /* every weight once, but of the token embeddings one row; a tied output reads the whole table */
    double weights =
        (double)mi->model_size - embd + (embd > 0 ? embd / mi->n_vocab : 0) + (mi->output_bytes == 0 ? embd : 0);
    const struct llmb_instance *in = &r->inst;
    if (in->n_gen > 0 && r->tg_ts.n > 0 && isfinite(kv_per_pos)) {
        double ctx = in->n_depth + in->n_prompt + (in->n_gen + 1) / 2.0; /* mean positions attended */
        m->tg_bytes_per_token = weights + kv_per_pos * ctx;
        m->tg_gbs = m->tg_bytes_per_token * r->tg_ts.mean / 1e9;
        if (m->peak_gbs > 0)
            m->tg_bw_pct = 100.0 * m->tg_gbs / m->peak_gbs;
    }
    if (in->n_prompt > 0 && r->pp_ts.n > 0) {
        double table = (double)mi->n_vocab * mi->n_embd; /* parameters of the token embeddings */
        double matmul = (double)mi->n_params - table - (mi->output_bytes ? table : 0);
        int nb = r->applied.n_batch > 0 ? r->applied.n_batch : in->n_prompt;
        int nu = r->applied.n_ubatch > 0 ? r->applied.n_ubatch : nb;
        double calls = ceil((double)in->n_prompt / nb), ubatches = ceil((double)in->n_prompt / nu);
        double pairs = (double)in->n_prompt * in->n_depth + (double)in->n_prompt * (in->n_prompt + 1) / 2.0;
        double flops = 2.0 * matmul * in->n_prompt + 2.0 * table * calls /* logits of each call's last token */
                       + 4.0 * mi->n_layer * (double)mi->n_embd * pairs;
        m->pp_flop_per_s = flops * r->pp_ts.mean / in->n_prompt;
        if (matmul > 0)
            m->pp_intensity = flops / (weights * ubatches);
    }
}

void llmb_roofline_energy(struct llmb_result *r, const struct llmb_energy_result *e)
{
    struct llmb_result_machine *m = &r->machine;
    m->energy_w = m->energy_j = m->energy_j_per_token = m->energy_tokens_per_j = 0;
    snprintf(m->energy_source, sizeof m->energy_source, "%.15s", e->known ? e->source : "");
    snprintf(m->energy_note, sizeof m->energy_note, "%.199s", e->reason);
    if (!e->known || !(e->avg_watts > 0) || !r->total_ns_stats.n)
        return;
    m->energy_w = e->avg_watts;
    m->energy_j = e->avg_watts * r->total_ns_stats.mean / 1e9;
    double tokens = r->inst.n_prompt + r->inst.n_gen;
    if (tokens > 0 && m->energy_j > 0) {
        m->energy_j_per_token = m->energy_j / tokens;
        m->energy_tokens_per_j = tokens / m->energy_j;
    }
}
