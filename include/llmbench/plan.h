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

/* llama-bench's -sm, -lm and -lzm values. 0 is llama-bench's default, so an
 * instance built with zeros means what llama-bench means without the flag;
 * llmb_split_mode_name() and friends give llama-bench's names ("layer",
 * "auto", "auto"), *_parse() the value of a name or -1. */
enum llmb_split_mode { LLMB_SPLIT_LAYER = 0, LLMB_SPLIT_NONE, LLMB_SPLIT_ROW, LLMB_SPLIT_TENSOR, LLMB_SPLIT_COUNT };
enum llmb_load_mode {
    LLMB_LOAD_AUTO = 0, LLMB_LOAD_NONE, LLMB_LOAD_MMAP, LLMB_LOAD_MLOCK, LLMB_LOAD_MMAP_MLOCK, LLMB_LOAD_DIO,
    LLMB_LOAD_COUNT
};
enum llmb_lazy_mode { LLMB_LAZY_AUTO = 0, LLMB_LAZY_OFF, LLMB_LAZY_ON, LLMB_LAZY_COUNT };
const char *llmb_split_mode_name(int mode);
const char *llmb_load_mode_name(int mode);
const char *llmb_lazy_mode_name(int mode);
int llmb_split_mode_parse(const char *name);
int llmb_load_mode_parse(const char *name);
int llmb_lazy_mode_parse(const char *name);

/* llama-bench's defaults for what has no zero default. */
#define LLMB_DEFAULT_POLL 50
#define LLMB_DEFAULT_CPU_MASK "0x0"
#define LLMB_DEFAULT_DEVICES "auto"
#define LLMB_MAX_DEVICES 16 /* llama_max_devices(): entries of a tensor split */

/* What the user asked for: every field is a list; the plan is their product.
 * Strings are as llama-bench's output names them (devices "auto", "none" or
 * "A/B"; tensor_split "0.5/0.5"; tensor_buft_overrides "none" or
 * "pattern=BUFFER;..."). */
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
    struct llmb_str_list cpu_mask;   /* hex, "0x0": no mask */
    struct llmb_int_list cpu_strict; /* 0/1 */
    struct llmb_int_list poll;       /* busy-wait level 0..100 */
    struct llmb_int_list n_cpu_moe;  /* the first N layers' MoE expert weights stay on the CPU */
    struct llmb_int_list split_mode; /* enum llmb_split_mode */
    struct llmb_int_list main_gpu;
    struct llmb_int_list no_kv_offload;
    struct llmb_str_list devices;
    struct llmb_str_list tensor_split;
    struct llmb_str_list tensor_buft_overrides;
    struct llmb_int_list load_mode;  /* enum llmb_load_mode */
    struct llmb_int_list lazy_mode;  /* enum llmb_lazy_mode */
    struct llmb_int_list embeddings;
    struct llmb_int_list no_op_offload;
    struct llmb_int_list no_host;
    struct llmb_int_list fit_target;  /* MiB left free per device; 0: no fitting */
    struct llmb_int_list fit_min_ctx; /* smallest context the fit may choose */
};

/* What a test instance measures. Each kind is one workload of src/workload/
 * behind the same interface; the runner runs any mix of them. */
enum llmb_workload_kind {
    LLMB_WL_SPEED = 0, /* pp / tg / pg at a depth: llama-bench's tests */
    LLMB_WL_PPL,       /* perplexity over a text (optionally saving a KLD reference) */
    LLMB_WL_KLD,       /* perplexity and KL divergence against a saved reference */
    LLMB_WL_SUITE,     /* a graded prompt suite */
    LLMB_WL_LOAD,      /* serving load against an OpenAI-compatible server (load.h) */
    LLMB_WL_COUNT
};
/* "speed", "ppl", "kld", "suite", "load"; llmb_workload_kind_parse: -1 when unknown. */
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

/* One test: a point of the matrix. Strings are borrowed from the params.
 * Zero (and NULL) in llama-bench's other parameters means its default, so
 * an instance built by hand with only the fields it cares about means what
 * llama-bench means without those flags. */
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
    /* llama-bench's other parameters (see struct llmb_bench_params) */
    const char *cpu_mask;    /* NULL: "0x0" */
    int         cpu_strict;
    int         poll;        /* --poll + 1; 0: llama-bench's default (llmb_instance_poll) */
    int         n_cpu_moe;
    int         split_mode;  /* enum llmb_split_mode */
    int         main_gpu;
    int         no_kv_offload;
    const char *devices;     /* NULL: "auto" */
    const char *tensor_split; /* NULL: no split (llama-bench's "0.00") */
    const char *tensor_buft_overrides; /* NULL: "none" */
    int         load_mode;   /* enum llmb_load_mode */
    int         lazy_mode;   /* enum llmb_lazy_mode */
    int         embeddings;
    int         no_op_offload;
    int         no_host;
    int         fit_target;
    int         fit_min_ctx;
    int         occurrence;  /* 0, or k for the (k+1)-th test of a sweep with the same parameters */
    /* quality kinds */
    const struct llmb_quality_spec *q;
    const char *ref_out;     /* ppl: save this model's log-probs here (the family's KLD reference) */
    const char *ref_in;      /* kld: the reference file */
    const char *ref_model;   /* kld/suite: the reference model, NULL when none */
    /* suite: the reference's answers, filled by the parent before this
     * instance's worker starts (NULL, or *ref_answers NULL: no similarity) */
    struct llmb_suite_answer *const *ref_answers;
    int         group;       /* the caller's: which of its models / rows this belongs to */
    const char *load_profile; /* load: llmb_load_profile_text (the test's name and key) */
    const char *load_url;     /* load: the server (events; the stored result keeps it in its figures) */
};

/* A speed instance with llama-bench's defaults (p 512, b 2048, ub 512,
 * ngl -1, fa auto, f16 KV cache...), model and threads unset. */
void llmb_instance_init(struct llmb_instance *in);
/* The instance's --poll level (50 when not given). */
int llmb_instance_poll(const struct llmb_instance *in);

/* One plan from two, model by model in the order of models: each model's
 * instances of a, then its instances of b (so a model is loaded once).
 * Instances of models not listed are dropped. *out is malloc'ed. Returns
 * 0, or LLMB_E_NOMEM. */
int llmb_plan_merge_by_model(const char *const *models, size_t n_models, const struct llmb_instance *a, size_t na,
                             const struct llmb_instance *b, size_t nb, struct llmb_instance **out, size_t *n_out);

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
/* 0/1 values ("0,1"), as llama-bench's boolean lists. */
int llmb_plan_parse_bools(const char *s, struct llmb_int_list *out, struct llmb_error *err);
/* Names of an enum (llmb_*_mode_parse gives each name's value). */
int llmb_plan_parse_modes(const char *s, int (*parse)(const char *), const char *what, struct llmb_int_list *out,
                          struct llmb_error *err);
/* Non-negative whole numbers, no ranges ("-fitt 512,1024"). */
int llmb_plan_parse_counts(const char *s, struct llmb_int_list *out, struct llmb_error *err);
/* CPU masks: hex digits with an optional 0x, as ggml reads them. */
int llmb_plan_parse_cpu_masks(const char *s, struct llmb_str_list *out, struct llmb_error *err);
/* "-dev": comma-separated sets of devices, each "auto", "none" or names
 * joined by '/' (spaces around names dropped). Names are checked by the engine. */
int llmb_plan_parse_devices(const char *s, struct llmb_str_list *out, struct llmb_error *err);
/* "-ts": comma-separated splits, each up to 16 proportions joined by '/' or ';'. */
int llmb_plan_parse_tensor_splits(const char *s, struct llmb_str_list *out, struct llmb_error *err);
/* "-ot": comma-separated groups (an empty group: none), each
 * "pattern=BUFFER_TYPE" joined by ';'. Buffer types are checked by the engine. */
int llmb_plan_parse_overrides(const char *s, struct llmb_str_list *out, struct llmb_error *err);
/* A tensor split as llama-bench prints it: "%.2f" proportions up to the last
 * non-zero one joined by '/', "0.00" for none (NULL or ""). */
void llmb_tensor_split_text(const char *split, char *buf, size_t len);
/* Its proportions into v[LLMB_MAX_DEVICES] (zeros after the last); -1 when malformed. */
int llmb_tensor_split_values(const char *split, float *v);

/* Lists grow only through these (their buffers double). */
int  llmb_int_list_push(struct llmb_int_list *l, int v);
int  llmb_str_list_push(struct llmb_str_list *l, const char *s);
void llmb_int_list_free(struct llmb_int_list *l);
void llmb_str_list_free(struct llmb_str_list *l);

/* Fills empty lists with llama-bench's defaults (p 512, n 128, d 0, b 2048,
 * ub 512, ctk/ctv f16, ngl -1 (all), fa auto, threads = default_threads,
 * cpu mask 0x0, poll 50, split layer, devices auto, load/lazy auto, the
 * rest 0 / none). */
int llmb_bench_params_defaults(struct llmb_bench_params *p, int default_threads);
/* Checks values that make no sense (threads 0, a test over 16M tokens of
 * context; ubatch > batch is allowed as llama.cpp clamps). */
int llmb_bench_params_validate(const struct llmb_bench_params *p, struct llmb_error *err);
void llmb_bench_params_free(struct llmb_bench_params *p);

/* Expands p into *out (caller frees with free()). Order as llama-bench:
 * model > fit target > fit ctx > ngl > n_cpu_moe > split mode > load mode >
 * lazy mode > main gpu > devices > tensor split > overrides > no_host >
 * embeddings > no_op_offload > batch > ubatch > type_k > type_v > nkvo > fa >
 * threads > cpu mask > cpu strict > depth > poll, then pp tests, tg tests, pg
 * tests. Tests listed more than once are all kept, numbered by occurrence. */
int llmb_plan_expand(const struct llmb_bench_params *p, struct llmb_instance **out, size_t *n_out,
                     struct llmb_error *err);

/* Numbers identical speed instances of v[0..n) (every parameter and the
 * model path equal): occurrence 0 for the first, 1 for the second... */
int llmb_instances_number_duplicates(struct llmb_instance *const *v, size_t n);

/* Same model-level parameters (the engine can keep the model loaded), as
 * llama-bench's equal_mparams; never with fitting (it refits each test). */
int llmb_instance_same_model(const struct llmb_instance *a, const struct llmb_instance *b);

/* "pp512", "tg128", "pp512+tg128", with " @ d4096" for depth; "ppl c512",
 * "kld c512", "suite default". */
void llmb_instance_test_name(const struct llmb_instance *in, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
