/* family.h - the quality plan of a model family: a reference model and its
 * variants, each measured against the reference. The reference's
 * perplexity instance saves its log-probabilities; every other model's
 * KL-divergence instance reads them; every suite answer is compared with the
 * reference's answer to the same prompt. `quality` and `pipeline` build
 * their plans with it; the runner runs them like any other instances. */
#ifndef LLMBENCH_FAMILY_H
#define LLMBENCH_FAMILY_H

#include <stddef.h>

#include "plan.h"
#include "quality.h"
#include "runner.h"

#ifdef __cplusplus
extern "C" {
#endif

struct llmb_family_params {
    const char *const *models;  /* paths */
    size_t      n;
    size_t      ref;            /* index of the reference among models */
    struct llmb_quality_spec spec; /* text_path (NULL: no perplexity), suite (NULL: none), settings */
    const char *ref_in;         /* a saved reference: every model gets KLD against it, none is saved */
    const char *ref_in_model;   /* ... and the model it names (for the instance key) */
    const char *ref_out;        /* where the reference's log-probs are saved (needed when n > 1 and a text) */
    int         n_threads;
    int         n_gpu_layers;
};

struct llmb_family {
    struct llmb_quality_spec  spec;        /* the instances point here: do not move the family */
    struct llmb_instance     *inst;
    size_t                    n;
    struct llmb_suite_answer *ref_answers; /* the reference's, once known */
    size_t                    n_ref_answers;
    size_t                    ref_ppl, ref_suite; /* their indexes in inst, (size_t)-1 when none */
    size_t                   *model_of;    /* per instance: index of its model in params.models */
};

/* Builds the instances: the reference's first, then each other model's, in
 * order; per model: perplexity or KL divergence (when a text or ref_in),
 * then the suite. */
int  llmb_family_build(const struct llmb_family_params *p, struct llmb_family *f, struct llmb_error *err);
/* Keeps the reference's suite answers (a deep copy) when r is that
 * instance's result, for the similarity of the others. */
int  llmb_family_take_answers(struct llmb_family *f, const struct llmb_suite_answer *a, size_t n);
/* 1 when r is the result of the reference's suite instance. */
int  llmb_family_is_ref_suite(const struct llmb_family *f, const struct llmb_result *r);
void llmb_family_free(struct llmb_family *f);

/* ---- before anything runs (family_check.c) ---- */

/* The models a family run would measure, checked: real weights unless
 * force (when anything is measured), a context within each model's (ppl),
 * the vocabulary of a saved reference (ref_in), one vocabulary for KL
 * divergence (kld). */
struct llmb_family_check {
    const char *const *models;
    size_t n, ref;
    int n_ctx;
    int ppl;                            /* a text is measured (perplexity or KL divergence) */
    int kld;                            /* KL divergence against the reference among models */
    int measured;                       /* anything is measured (a text, a saved reference, a suite) */
    int force;                          /* synthetic weights allowed */
    const struct llmb_ref_info *ref_in; /* a saved reference, and its path; NULL: none */
    const char *ref_in_path;
};
int llmb_family_check(const struct llmb_family_check *c, struct llmb_error *err);
/* The error for a synthetic model (LLMB_E_INVAL, naming path). */
int llmb_family_synthetic(const char *path, struct llmb_error *err);
/* Where the reference's log-probs of model are kept in the data folder: one
 * file per reference model, text and settings. */
int llmb_family_ref_path(const struct llmb_quality_spec *spec, const char *model, int threads, char *buf, size_t len,
                         struct llmb_error *err);
/* Creates an empty temporary reference file named by this process in
 * $TMPDIR (or /tmp), after removing those of processes that are gone. */
int llmb_family_ref_tmp(char *buf, size_t len, struct llmb_error *err);

#ifdef __cplusplus
}
#endif

#endif
