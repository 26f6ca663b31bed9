/* quality.h - how much of a model's quality a variant keeps: perplexity over a
 * text exactly as llama-perplexity computes it, KL divergence against a saved
 * reference (top-k log-probabilities, versioned file), and a graded prompt
 * suite with similarity to a reference model's answers. */
#ifndef LLMBENCH_QUALITY_H
#define LLMBENCH_QUALITY_H

#include <stddef.h>
#include <stdint.h>
#include "engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- perplexity and KL divergence ----------------------------------------- */

struct llmb_ppl_params {
    const char *text_path;  /* text to score (ignored when ref_in is given: its tokens are used) */
    int         n_ctx;      /* chunk size (default 512) */
    int         n_batch;    /* default 2048: n_batch / n_ctx chunks share a pass, as llama-perplexity */
    int         n_ubatch;   /* default 512 */
    int         n_chunks;   /* -1: all */
    int         n_threads;
    const char *ref_out;    /* save this model's top-k log-probs here (the KLD reference) */
    const char *ref_in;     /* compare against this reference (KLD, top-1, delta p) */
    int         top_k;      /* entries per token in a saved reference (default 32) */
    const char *text_sha256; /* recorded in a saved reference (may be NULL) */
    void (*progress)(int chunk, int n_chunk, double ppl, void *user);
    void *user;
};
struct llmb_ppl_params llmb_ppl_default_params(void);

struct llmb_ppl_result {
    double ppl, ppl_err;        /* final estimate and its +/- (llama-perplexity's) */
    int    n_ctx, n_chunks, n_seq;
    long   n_scored;            /* tokens scored */
    long   n_text_tokens;
    double seconds;             /* all passes */
    double seconds_per_pass;    /* first pass, as llama-perplexity prints it */
    double tokens_per_s;        /* evaluated tokens / seconds */
    /* against a reference (have_kld) */
    int    have_kld;
    double ref_ppl;             /* the reference's own PPL on these tokens (recorded in its file) */
    double ppl_ratio;           /* ppl / ref_ppl */
    double kld_mean, kld_err, kld_median, kld_p99, kld_max;
    double top1, top1_err;      /* share of tokens whose top-1 matches the reference */
    double rms_dp, rms_dp_err;  /* RMS of p(correct) - p_ref(correct) */
    double mean_dp, mean_dp_err;
};

/* Runs the scoring passes on an opened engine (creates its own context,
 * whose applied settings go to *applied). */
int llmb_ppl_run(const struct llmb_engine_ops *e, void *st, const struct llmb_model_info *mi,
                 const struct llmb_ppl_params *p, struct llmb_ppl_result *out, struct llmb_context_info *applied,
                 struct llmb_error *err);

/* What a saved reference says about itself, read without a model. */
struct llmb_ref_info {
    int      n_ctx, n_chunk, top_k, n_vocab;
    uint64_t vocab_hash;
    double   ppl, ppl_err;          /* the reference model's own PPL on its tokens */
    char     text_sha256[65];       /* the text it was measured on ("" unknown) */
    char     model_name[64];        /* the reference model's file name */
};
/* Reads and checks a reference file whole (magic, version, sizes, checksum). */
int llmb_ref_info_read(const char *path, struct llmb_ref_info *out, struct llmb_error *err);

/* Reads a text file for scoring: rejects empty, binary (NUL bytes or invalid
 * UTF-8) text; drops one trailing newline as llama-perplexity does. */
int llmb_text_read(const char *path, char **out, size_t *len, struct llmb_error *err);
/* The SHA-256 of a text file's content, as llmb_text_read reads it. */
int llmb_text_sha256(const char *path, char hex[65], struct llmb_error *err);

/* ---- prompt suite ------------------------------------------------------------ */

enum llmb_check_kind { LLMB_CHECK_NONE, LLMB_CHECK_NUMBER, LLMB_CHECK_CONTAINS, LLMB_CHECK_REGEX };

struct llmb_suite_item {
    char  *id, *category, *prompt;
    int    check;        /* enum llmb_check_kind */
    double number;       /* LLMB_CHECK_NUMBER */
    char  *text;         /* contains / regex pattern */
    int    ignore_case;
};

struct llmb_suite {
    char   *name;
    int     version;
    size_t  n;
    struct llmb_suite_item *items;
    size_t  n_skipped;   /* malformed entries reported in warnings and left out */
    char  **warnings;
};

/* path NULL or "default": the built-in suite. Malformed entries are skipped
 * with a warning naming them; a file that is not a suite at all is an error. */
int  llmb_suite_load(const char *path, struct llmb_suite *out, struct llmb_error *err);
/* A suite's identity: its name, version and a hash of every item (two
 * suites with one id are one suite). */
void llmb_suite_id(const struct llmb_suite *s, char *buf, size_t len);
void llmb_suite_free(struct llmb_suite *s);
/* 1 when response passes item's check, 0 when not, -1 when the item has no check. */
int  llmb_suite_check(const struct llmb_suite_item *item, const char *response);
/* ROUGE-L F1 between two texts over lower-cased word tokens (letters/digits runs
 * and single punctuation marks); 1.0 for two empty texts. */
double llmb_rouge_l(const char *a, const char *b);

struct llmb_suite_answer {
    char  *response;
    int    n_gen, n_prompt, template_used, stopped;
    double ttft_ms, tg_ts, total_ms;
    int    pass;          /* 1, 0, or -1 (no check) */
    double similarity;    /* ROUGE-L F1 vs the reference answer, -1 without one */
};

struct llmb_suite_params {
    int      max_tokens;  /* default 128 */
    float    temperature; /* default 0: greedy */
    uint32_t seed;
    int      n_threads;
    const char *system;
    /* reference answers (same suite, same order) for similarity; may be NULL */
    const struct llmb_suite_answer *ref;
    void (*progress)(size_t i, size_t n, void *user);
    /* each generated token of prompt i, between decode steps (clock paused) */
    void (*on_token)(size_t i, const char *text, size_t len, double t_ms, void *user);
    void *user;
};
struct llmb_suite_params llmb_suite_default_params(void);

/* Runs every item; answers[0..suite->n) filled (free with llmb_suite_answers_free). */
int  llmb_suite_run(const struct llmb_engine_ops *e, void *st, const struct llmb_suite *suite,
                    const struct llmb_suite_params *p, struct llmb_suite_answer *answers,
                    struct llmb_context_info *applied, struct llmb_error *err);
void llmb_suite_answers_free(struct llmb_suite_answer *a, size_t n);

#ifdef __cplusplus
}
#endif

#endif
