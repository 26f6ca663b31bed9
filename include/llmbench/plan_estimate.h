/* plan_estimate.h - what a plan's dry run prints: one line per test
 * instance, and a rough estimate of its duration, memory and disk. */
#ifndef LLMBENCH_PLAN_ESTIMATE_H
#define LLMBENCH_PLAN_ESTIMATE_H

#include <stddef.h>
#include <stdint.h>

#include "plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Assumed when nothing was measured: weights read per generated token at
 * this rate, prompt tokens this many times faster (batched). */
#define LLMB_EST_BANDWIDTH_BPS 20e9
#define LLMB_EST_PP_SPEEDUP 16.0

struct llmb_plan_estimate {
    double seconds;      /* every instance, every repetition and warm-up */
    uint64_t mem_bytes;  /* the largest model's weights + 5% + its KV cache (f16) */
    uint64_t disk_bytes; /* files the run writes besides the store (KLD references) */
    size_t n_unknown;    /* instances whose model could not be read: not counted */
};

/* One row of the matrix: "model | test | t b ub ctk/ctv fa ngl dev ...";
 * the same text for the same instance, whichever command built it. */
void llmb_instance_describe(const struct llmb_instance *in, char *buf, size_t len);
/* Estimates inst[0..n) run with runs_per_test runs each (repetitions + warm-up). */
void llmb_plan_estimate(const struct llmb_instance *inst, size_t n, int runs_per_test, struct llmb_plan_estimate *out);

struct llmb_shape;
/* Parameters of a shape (embeddings, attention, feed-forward, output). */
uint64_t llmb_shape_params(const struct llmb_shape *s);
/* Bits per weight of a llama.cpp file type, typical of llama-quantize's
 * output (F16 16, Q8_0 8.5, Q4_K_M ~4.9...); 0 when the type is unknown. */
double llmb_ftype_typical_bpw(int ftype);

#ifdef __cplusplus
}
#endif

#endif
