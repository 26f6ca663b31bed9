/* pipeline.h - the pipeline's steps besides its flow (pipe_steps.c): the
 * synthetic reference, the quality checks, the variants (the reference and
 * its quantized ladder) and their comparison table. */
#ifndef LLMB_CLI_PIPELINE_H
#define LLMB_CLI_PIPELINE_H

#include "llmbench/model.h"
#include "llmbench/synth.h"
#include "ladder.h"
#include "quality.h"

struct llmb_pipe_variant {
    const char *path;
    struct llmb_gguf_facts facts;
    const char *label;
    const char *from; /* quantized from */
};

/* The variants: ref_model (NULL: not measured), then the ladder's items
 * (quantized from source); *ref: the reference among them (F16/BF16/F32,
 * else Q8_0, else the first). v holds LLMB_LADDER_MAX + 1. */
int llmb_pipe_variants(const char *ref_model, const char *source, const struct llmb_ladder_item *items, int nq,
                       struct llmb_pipe_variant *v, int *nv, int *ref, struct llmb_error *err);
/* The table of variants v[0..q->n_rows) in fmt (md, csv, json, jsonl); with
 * quality, the quality retained by each. Returns an llmb code. */
int llmb_pipe_print(const char *fmt, const struct llmb_pipe_variant *v, const struct llmb_qrun *q, int quality);

/* The synthetic reference of a shape in the data folder (path): made once,
 * reused while valid. */
int llmb_pipe_shape_reference(const char *shape, int seed, int quiet, char *path, size_t len, struct llmb_error *err);
/* Quality asked: refuses up front what would otherwise fail only after the
 * ladder and the benchmark. shape (NULL: model is a file) or model. */
int llmb_pipe_quality_checks(const struct llmb_shape *shape, const char *model, int seed,
                             const struct llmb_quality_cli *q, struct llmb_error *err);

/* pipeline --dry-run (pipe_dry.c): prints what it would make and run (dry
 * 2: only checks) and refuses a ladder the disk or memory cannot hold. */
struct llmb_pipe_dry_params {
    const struct llmb_shape *shape; /* or model */
    const char *model, *outdir;
    int seed, nq, n_prompt, n_gen, reps, no_ref, quality, dry;
    const int *ftypes;
};
int llmb_pipe_dry(const struct llmb_pipe_dry_params *p, struct llmb_error *err);

#endif
