/* family.c - the quality plan of a model family (family.h): which instance
 * saves the reference, which read it, and the reference's suite answers
 * held for the others. */
#include <stdlib.h>
#include <string.h>

#include "llmbench/family.h"

static void add(struct llmb_family *f, const struct llmb_family_params *p, size_t model, int kind)
{
    struct llmb_instance *in = &f->inst[f->n];
    memset(in, 0, sizeof *in);
    in->kind = kind;
    in->model = p->models[model];
    in->n_gpu_layers = p->n_gpu_layers;
    in->n_threads = p->n_threads;
    in->q = &f->spec;
    in->group = (int)model;
    int is_ref = model == p->ref;
    if (kind == LLMB_WL_PPL) {
        in->ref_out = p->ref_out;
        f->ref_ppl = f->n;
    } else if (kind == LLMB_WL_KLD) {
        in->ref_in = p->ref_in ? p->ref_in : p->ref_out;
        in->ref_model = p->ref_in ? p->ref_in_model : p->models[p->ref];
    } else if (kind == LLMB_WL_SUITE) {
        if (is_ref) {
            f->ref_suite = f->n;
        } else {
            in->ref_answers = &f->ref_answers;
            in->ref_model = p->models[p->ref];
        }
    }
    f->model_of[f->n++] = model;
}

int llmb_family_build(const struct llmb_family_params *p, struct llmb_family *f, struct llmb_error *err)
{
    memset(f, 0, sizeof *f);
    f->ref_ppl = f->ref_suite = (size_t)-1;
    if (p->n == 0 || p->ref >= p->n)
        return llmb_error_set(err, LLMB_E_INVAL, "a family needs models and a reference among them");
    int text = p->spec.text_path != NULL, suite = p->spec.suite != NULL;
    if (!text && !p->ref_in && !suite)
        return llmb_error_set(err, LLMB_E_INVAL, "nothing to measure: no text, reference or suite");
    if (text && !p->ref_in && p->n > 1 && !p->ref_out)
        return llmb_error_set(err, LLMB_E_INVAL, "KL divergence of a family needs a place for the reference");
    f->spec = p->spec;
    f->inst = calloc(2 * p->n, sizeof *f->inst);
    f->model_of = calloc(2 * p->n, sizeof *f->model_of);
    if (!f->inst || !f->model_of) {
        llmb_family_free(f);
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    for (size_t k = 0; k < p->n; k++) {
        size_t m = k == 0 ? p->ref : (k <= p->ref ? k - 1 : k);
        if (p->ref_in)
            add(f, p, m, LLMB_WL_KLD);
        else if (text)
            add(f, p, m, m == p->ref ? LLMB_WL_PPL : LLMB_WL_KLD);
        if (suite)
            add(f, p, m, LLMB_WL_SUITE);
    }
    return LLMB_OK;
}

int llmb_family_is_ref_suite(const struct llmb_family *f, const struct llmb_result *r)
{
    return f->ref_suite != (size_t)-1 && r->inst.kind == LLMB_WL_SUITE && !r->error &&
           !strcmp(r->inst.model, f->inst[f->ref_suite].model) && !r->inst.ref_answers;
}

int llmb_family_take_answers(struct llmb_family *f, const struct llmb_suite_answer *a, size_t n)
{
    struct llmb_suite_answer *c = calloc(n ? n : 1, sizeof *c);
    if (!c)
        return LLMB_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        c[i] = a[i];
        if (!(c[i].response = strdup(a[i].response ? a[i].response : ""))) {
            llmb_suite_answers_free(c, i);
            free(c);
            return LLMB_E_NOMEM;
        }
    }
    if (f->ref_answers) {
        llmb_suite_answers_free(f->ref_answers, f->n_ref_answers);
        free(f->ref_answers);
    }
    f->ref_answers = c;
    f->n_ref_answers = n;
    return LLMB_OK;
}

void llmb_family_free(struct llmb_family *f)
{
    if (f->ref_answers) {
        llmb_suite_answers_free(f->ref_answers, f->n_ref_answers);
        free(f->ref_answers);
    }
    free(f->inst);
    free(f->model_of);
    memset(f, 0, sizeof *f);
}
