/* plan.h - bench parameters (lists of values) and their expansion into a
 * matrix of test instances, in llama-bench's order. */
#ifndef LLMBENCH_PLAN_H
#define LLMBENCH_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include "llmbench.h"
#include "quality.h"

#ifdef __cplusplus
extern "C" {
#endif

struct llmb_int_list {
    int   *v;
    size_t n;
};

struct llmb_str_list {
    char **v;
    size_t n;
};

/* -1 auto, 0 off, 1 on */
enum llmb_flash_attn { LLMB_FA_AUTO = -1, LLMB_FA_OFF = 0, LLMB_FA_ON = 1 };

/* What the user asked for: every field is a list; the plan is their product. */
struct llmb_bench_params {
    struct llmb_str_list models;
    struct llmb_int_list n_prompt;
    struct llmb_int_list n_gen;
    struct llmb_int_list pg;        /* pairs: v[2i] prompt, v[2i+1] gen */
    struct llmb_int_list n_depth;
    struct llmb_int_list n_batch;
    struct llmb_int_list n_ubatch;
    struct llmb_str_list type_k;
    struct llmb_str_list type_v;
    struct llmb_int_list n_threads;
    struct llmb_int_list n_gpu_layers;
    struct llmb_int_list flash_attn; /* enum llmb_flash_attn values */
};

/* What a test instance measures. Each kind is one workload of src/workload/
 * behind the same interface; the runner runs any mix of them. */
enum llmb_workload_kind {
    LLMB_WL_SPEED = 0, /* pp / tg / pg at a depth: llama-bench's tests */
    LLMB_WL_PPL,       /* perplexity over a text (optionally saving a KLD reference) */
    LLMB_WL_KLD,       /* perplexity and KL divergence against a saved reference */
    LLMB_WL_SUITE,     /* a graded prompt suite */
    LLMB_WL_COUNT
};
/* "speed", "ppl", "kld", "suite"; llmb_workload_kind_parse: -1 when unknown. */
const char *llmb_workload_kind_name(int kind);
int         llmb_workload_kind_parse(const char *name);

/* Settings shared by the quality instances of a plan (borrowed by them). */
struct llmb_quality_spec {
    const char *text_path;       /* ppl/kld: the text (NULL for kld: the reference's tokens) */
    char        text_sha256[65]; /* of the text file's bytes ("" when none) */
    int         n_ctx;           /* chunk size */
    int         n_batch;
    int         n_chunks;        /* -1: all */
    int         top_k;           /* entries per token saved in a reference */
    const struct llmb_suite *suite;
    char        suite_id[96];    /* suite name, version and content hash: part of the key */
    int         max_tokens;
    double      temperature;
    uint32_t    seed;
    int         force;           /* measure synthetic models anyway */
};

/* One test: a point of the matrix. Strings are borrowed from the params. */
struct llmb_instance {
    int         kind;        /* enum llmb_workload_kind */
    const char *model;
    int         n_gpu_layers;
    int         n_batch;
    int         n_ubatch;
    const char *type_k;
    const char *type_v;
    int         flash_attn;
    int         n_threads;
    int         n_depth;
    int         n_prompt;
    int         n_gen;
    /* quality kinds */
    const struct llmb_quality_spec *q;
    const char *ref_out;     /* ppl: save this model's log-probs here (the family's KLD reference) */
    const char *ref_in;      /* kld: the reference file */
    const char *ref_model;   /* kld/suite: the reference model, NULL when none */
    /* suite: the reference's answers, filled by the parent before this
     * instance's worker starts (NULL, or *ref_answers NULL: no similarity) */
    struct llmb_suite_answer *const *ref_answers;
    int         group;       /* the caller's: which of its models / rows this belongs to */
};

/* Parses llama-bench's int list/range syntax: "a,b,c" and "first-last[+|*step]",
 * mixed ("16,64-512*2"). Values must be >= min_value. Appends to out. */
int llmb_plan_parse_ints(const char *s, int min_value, struct llmb_int_list *out,
                         struct llmb_error *err);
/* Splits a comma-separated list of non-empty strings and appends to out. */
int llmb_plan_parse_strs(const char *s, struct llmb_str_list *out, struct llmb_error *err);
/* Parses flash-attention values: on/off/auto, 1/0, true/false, enabled/disabled. */
int llmb_plan_parse_fa(const char *s, struct llmb_int_list *out, struct llmb_error *err);
/* Parses "-pg P,G" (one pair) and appends it. */
int llmb_plan_parse_pg(const char *s, struct llmb_int_list *out, struct llmb_error *err);

/* Lists grow only through these (their buffers double). */
int  llmb_int_list_push(struct llmb_int_list *l, int v);
int  llmb_str_list_push(struct llmb_str_list *l, const char *s);
void llmb_int_list_free(struct llmb_int_list *l);
void llmb_str_list_free(struct llmb_str_list *l);

/* Fills empty lists with llama-bench's defaults (p 512, n 128, d 0, b 2048,
 * ub 512, ctk/ctv f16, ngl -1 (all), fa auto, threads = default_threads). */
int llmb_bench_params_defaults(struct llmb_bench_params *p, int default_threads);
/* Checks values that make no sense (threads 0, a test over 16M tokens of
 * context; ubatch > batch is allowed as llama.cpp clamps). */
int llmb_bench_params_validate(const struct llmb_bench_params *p, struct llmb_error *err);
void llmb_bench_params_free(struct llmb_bench_params *p);

/* Expands p into *out (caller frees with free()). Order as llama-bench:
 * model > ngl > batch > ubatch > type_k > type_v > fa > threads > depth, then
 * pp tests, tg tests, pg tests. */
int llmb_plan_expand(const struct llmb_bench_params *p, struct llmb_instance **out, size_t *n_out,
                     struct llmb_error *err);

/* Same model-level parameters (the engine can keep the model loaded). */
int llmb_instance_same_model(const struct llmb_instance *a, const struct llmb_instance *b);

/* "pp512", "tg128", "pp512+tg128", with " @ d4096" for depth; "ppl c512",
 * "kld c512", "suite default". */
void llmb_instance_test_name(const struct llmb_instance *in, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
