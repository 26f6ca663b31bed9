/* score.c - the perplexity and KL-divergence workloads: one instance scores
 * a text (perplexity.c, llama-perplexity's method) on the open model; a
 * perplexity instance may save the model's log-probabilities as the
 * family's reference, a KL-divergence instance reads one (and scores its
 * tokens). Progress is one event per chunk, with the PPL so far. */
#include <stdlib.h>
#include <string.h>

#include "workload.h"

static void chunk_progress(int chunk, int n_chunk, double ppl, void *user)
{
    llmb_wl_progress(user, "chunk", chunk, n_chunk, ppl);
}

static int score_run(const struct llmb_wl_ctx *c, const struct llmb_instance *in, struct llmb_result *res,
                     struct llmb_error *err)
{
    const struct llmb_quality_spec *q = in->q;
    if (!q)
        return llmb_error_set(err, LLMB_E_INVAL, "quality instance without settings");
    if (c->mi->synthetic && !q->force)
        return llmb_error_set(err, LLMB_E_INVAL, "model '%s' is synthetic (random weights): its quality figures "
                              "would mean nothing (--force to measure anyway)", in->model);
    if (in->kind == LLMB_WL_KLD && !in->ref_in)
        return llmb_error_set(err, LLMB_E_INVAL, "KL divergence of '%s' without a reference", in->model);
    struct llmb_ppl_params pp = llmb_ppl_default_params();
    pp.text_path = in->kind == LLMB_WL_KLD ? NULL : q->text_path;
    pp.text_sha256 = q->text_sha256;
    pp.n_ctx = q->n_ctx;
    pp.n_batch = q->n_batch;
    pp.n_chunks = q->n_chunks;
    pp.n_threads = in->n_threads;
    pp.top_k = q->top_k;
    pp.ref_out = in->kind == LLMB_WL_PPL ? in->ref_out : NULL;
    pp.ref_in = in->kind == LLMB_WL_KLD ? in->ref_in : NULL;
    pp.progress = chunk_progress;
    pp.user = (void *)c;
    int rc = llmb_ppl_run(c->e, c->st, c->mi, &pp, &res->ppl, &res->applied, err);
    res->n_samples = 0;
    return rc;
}

static void score_release(struct llmb_result *res)
{
    (void)res;
}

const struct llmb_workload_ops llmb_workload_ppl = {.kind = LLMB_WL_PPL, .run = score_run, .release = score_release};
const struct llmb_workload_ops llmb_workload_kld = {.kind = LLMB_WL_KLD, .run = score_run, .release = score_release};
