/* prompts.c - the prompt-suite workload: every prompt of the suite through
 * the model's chat template, greedy (or seeded) decoding, each answer
 * checked and, when the reference model's answers are there, compared with
 * its answer (ROUGE-L). Tokens are handed to the event sink as they are
 * generated, between decode steps, with the engine's clock paused. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

static void on_prompt(size_t i, size_t n, void *user)
{
    llmb_wl_progress(user, "prompt", (int)i, (int)n, NAN);
}

static void on_token(size_t prompt, const char *text, size_t len, double t_ms, void *user)
{
    llmb_wl_token(user, (int)prompt, text, len, t_ms);
}

static int suite_run(const struct llmb_wl_ctx *c, const struct llmb_instance *in, struct llmb_result *res,
                     struct llmb_error *err)
{
    const struct llmb_quality_spec *q = in->q;
    if (!q || !q->suite)
        return llmb_error_set(err, LLMB_E_INVAL, "suite instance without a suite");
    if (c->mi->synthetic && !q->force)
        return llmb_error_set(err, LLMB_E_INVAL, "model '%s' is synthetic (random weights): its quality figures "
                              "would mean nothing (--force to measure anyway)", in->model);
    struct llmb_suite_params sp = llmb_suite_default_params();
    sp.max_tokens = q->max_tokens;
    sp.temperature = (float)q->temperature;
    sp.seed = q->seed;
    sp.n_threads = in->n_threads;
    sp.ref = in->ref_answers ? *in->ref_answers : NULL;
    sp.progress = on_prompt;
    sp.on_token = on_token;
    sp.user = (void *)c;
    struct llmb_suite_answer *a = calloc(q->suite->n ? q->suite->n : 1, sizeof *a);
    if (!a)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    int rc = llmb_suite_run(c->e, c->st, q->suite, &sp, a, &res->applied, err);
    if (rc) {
        free(a);
        return rc;
    }
    res->answers = a;
    res->n_answers = q->suite->n;
    res->n_samples = 0;
    return LLMB_OK;
}

static void suite_release(struct llmb_result *res)
{
    llmb_result_free_answers(res);
}

const struct llmb_workload_ops llmb_workload_suite = {
    .kind = LLMB_WL_SUITE, .run = suite_run, .release = suite_release,
};
