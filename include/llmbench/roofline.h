/* roofline.h - each result against the machine's limits: for generation the
 * bytes read per generated token (weights, one row of the token embeddings,
 * the KV cache at that depth) times tg t/s = achieved GB/s, and its share of
 * the measured peak (llmbench hw --bandwidth); for prompt processing the
 * FLOP/s achieved and the arithmetic intensity; and the energy the test used.
 * Formulas: docs/metrics.md. A figure that cannot be known is 0 here and
 * null in every output, never a guess. */
#ifndef LLMBENCH_ROOFLINE_H
#define LLMBENCH_ROOFLINE_H

#ifdef __cplusplus
extern "C" {
#endif

struct llmb_result;
struct llmb_energy_result;

/* What a result says about the machine's limits (part of struct llmb_result). */
struct llmb_result_machine {
    double tg_bytes_per_token; /* bytes read per generated token */
    double tg_gbs;             /* achieved, 1e9 bytes/s */
    double peak_gbs;           /* the machine's measured read bandwidth */
    double tg_bw_pct;          /* tg_gbs / peak_gbs, % */
    double pp_flop_per_s;      /* achieved prompt-processing FLOP/s */
    double pp_intensity;       /* FLOP per byte of weights read (weights read once per ubatch) */
    double energy_w;           /* average power over the test (CPU package + dram, GPUs) */
    double energy_j;           /* joules of one repetition: energy_w x its mean time */
    double energy_j_per_token; /* energy_j / tokens of the test */
    double energy_tokens_per_j;
    char energy_source[16]; /* "RAPL", "NVML", "RAPL+NVML" */
    char energy_note[200];  /* why energy is absent ("no RAPL in this VM; no NVML ..."), or what it leaves out */
};

/* Fills r->machine's roofline figures from r's model shape, applied KV
 * types and speeds; peak_gbs <= 0: unknown (no % of peak). */
void llmb_roofline_apply(struct llmb_result *r, double peak_gbs);
/* Fills r->machine's energy figures from a sampler's result. */
void llmb_roofline_energy(struct llmb_result *r, const struct llmb_energy_result *e);
/* Bytes a KV cache element of this type takes ("f16" 2, "q8_0" 34/32...); 0 unknown. */
double llmb_roofline_kv_bytes(const char *type);

#ifdef __cplusplus
}
#endif

#endif
