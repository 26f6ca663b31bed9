/* qrun.c - a model family's quality measurements for the CLI (quality.h):
 * the flags into a family plan (checked before anything runs by
 * family_check.c), its reference file, resuming, and the rows kept for the
 * tables. The measuring itself is the
 * runner's (workloads ppl, kld, suite), in workers like every test. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "llmbench/family.h"
#include "quality.h"

void llmb_quality_cli_init(struct llmb_quality_cli *c)
{
    *c = (struct llmb_quality_cli){.fmt = "md", .ctx = 512, .batch = 2048, .chunks = -1, .topk = 32, .maxtok = 128,
                                   .seed = 42};
}

int llmb_quality_opt(struct llmb_quality_cli *c, int id, const char *name, const char *v, int *rc,
                     struct llmb_error *err)
{
    (void)name;
    (void)err;
    switch (id) {
    case LLMB_QOPT_PPL: c->ppl = v; *rc = LLMB_OK; return 1;
    case LLMB_QOPT_CTX:
        c->ctx_given = 1;
        c->ctx = (long)llmb_opt_value(v), *rc = LLMB_OK;
        return 1;
    case LLMB_QOPT_CHUNKS: c->chunks = (long)llmb_opt_value(v), *rc = LLMB_OK; return 1;
    case LLMB_QOPT_SUITE: c->suite = v; *rc = LLMB_OK; return 1;
    case LLMB_QOPT_MAXTOK: c->maxtok = (long)llmb_opt_value(v), *rc = LLMB_OK; return 1;
    case LLMB_QOPT_FORCE: c->force = 1; *rc = LLMB_OK; return 1;
    default: return 0;
    }
}

/* ---- before anything runs ------------------------------------------------------------ */

static int prepare(struct llmb_qrun *q, const struct llmb_quality_cli *c, const char *const *models, size_t n,
                   size_t ref, int files, struct llmb_error *err)
{
    memset(q, 0, sizeof *q);
    q->ref = ref;
    q->fam.ref_ppl = q->fam.ref_suite = (size_t)-1;
    if (!(q->rows = calloc(n ? n : 1, sizeof *q->rows)))
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    q->n_rows = n;
    for (size_t i = 0; i < n; i++)
        q->rows[i].path = models[i];
    struct llmb_quality_spec *s = &q->spec;
    s->text_path = c->ppl;
    s->n_ctx = (int)c->ctx;
    s->n_batch = (int)c->batch;
    s->n_chunks = (int)c->chunks;
    s->top_k = (int)c->topk;
    s->max_tokens = (int)c->maxtok;
    s->temperature = c->temp;
    s->seed = (uint32_t)c->seed;
    s->force = c->force;
    int rc = LLMB_OK;
    if (c->ppl && (rc = llmb_text_sha256(c->ppl, s->text_sha256, err)))
        return rc;
    if (c->ref) {
        if ((rc = llmb_ref_info_read(c->ref, &q->ref_info, err)))
            return rc;
        q->external = 1;
        const struct llmb_ref_info *ri = &q->ref_info;
        if (c->ppl && ri->text_sha256[0] && strcmp(ri->text_sha256, s->text_sha256))
            return llmb_error_set(err, LLMB_E_INVAL, "--ref '%s' was measured on another text than '%s' (its text "
                                  "has sha256 %.12s..., this one %.12s...): give the same text or leave out --ppl",
                                  c->ref, c->ppl, ri->text_sha256, s->text_sha256);
        if (c->ctx_given && c->ctx != ri->n_ctx)
            return llmb_error_set(err, LLMB_E_INVAL, "-c %ld differs from the context of --ref '%s' (%d): KL "
                                  "divergence needs the reference's chunks", c->ctx, c->ref, ri->n_ctx);
        s->n_ctx = ri->n_ctx;
        if (!c->ppl)
            snprintf(s->text_sha256, sizeof s->text_sha256, "%s", ri->text_sha256);
    }
    if (c->suite) {
        if ((rc = llmb_suite_load(c->suite, &q->suite, err)))
            return rc;
        q->have_suite = 1;
        s->suite = &q->suite;
        llmb_suite_id(&q->suite, s->suite_id, sizeof s->suite_id);
    }
    struct llmb_family_check fc = {.models = models,
                                   .n = n,
                                   .ref = ref,
                                   .n_ctx = s->n_ctx,
                                   .ppl = c->ppl || c->ref,
                                   .measured = c->ppl || c->ref || c->suite,
                                   .force = c->force,
                                   .ref_in = c->ref ? &q->ref_info : NULL,
                                   .ref_in_path = c->ref,
                                   .kld = c->ppl && !c->ref};
    return files                      ? llmb_family_check(&fc, err)
           : c->force || !fc.measured ? LLMB_OK
                                      : llmb_family_synthetic(models[0], err);
}

int llmb_qrun_prepare(struct llmb_qrun *q, const struct llmb_quality_cli *c, const char *const *models, size_t n,
                      size_t ref, struct llmb_error *err)
{
    return prepare(q, c, models, n, ref, 1, err);
}

int llmb_qrun_prepare_unchecked(struct llmb_qrun *q, const struct llmb_quality_cli *c, const char *const *models,
                                size_t n, size_t ref, struct llmb_error *err)
{
    return prepare(q, c, models, n, ref, 0, err);
}

int llmb_qrun_build(struct llmb_qrun *q, const struct llmb_quality_cli *c, int n_threads, int stored,
                    struct llmb_error *err)
{
    const char **models = malloc((q->n_rows ? q->n_rows : 1) * sizeof *models);
    if (!models)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    for (size_t i = 0; i < q->n_rows; i++)
        models[i] = q->rows[i].path;
    int rc = LLMB_OK;
    const char *ref_out = c->save_ref;
    if (!ref_out && c->ppl && !c->ref && q->n_rows > 1) {
        if (stored)
            rc = llmb_family_ref_path(&q->spec, models[q->ref], n_threads, q->ref_path, sizeof q->ref_path, err);
        else if (!(rc = llmb_family_ref_tmp(q->ref_path, sizeof q->ref_path, err)))
            q->ref_tmp = 1;
        ref_out = q->ref_path;
    }
    struct llmb_family_params fp = {.models = models, .n = q->n_rows, .ref = q->ref, .spec = q->spec,
                                    .ref_in = c->ref, .ref_in_model = c->ref, .ref_out = ref_out,
                                    .n_threads = n_threads, .n_gpu_layers = -1};
    if (!rc)
        rc = llmb_family_build(&fp, &q->fam, err);
    free(models);
    return rc;
}

/* ---- results ---------------------------------------------------------------------------- */

/* The row of a result: its instance's group (the model's index). */
static struct llmb_qrow *row_of(struct llmb_qrun *q, const struct llmb_instance *in)
{
    return in->group >= 0 && (size_t)in->group < q->n_rows && !strcmp(q->rows[in->group].path, in->model)
               ? &q->rows[in->group] : NULL;
}

int llmb_qrun_take(struct llmb_qrun *q, const struct llmb_result *r)
{
    struct llmb_qrow *w = row_of(q, &r->inst);
    if (!w)
        return LLMB_OK;
    if (r->error) {
        free((char *)w->error);
        w->error = strdup(r->error);
        return LLMB_OK;
    }
    if (!w->have_mi || r->inst.kind == LLMB_WL_SPEED) {
        w->mi = r->model;
        w->have_mi = 1;
    }
    switch (r->inst.kind) {
    case LLMB_WL_SPEED:
        if (r->inst.n_gen == 0) {
            w->have_pp = 1;
            w->pp_ts = r->pp_ts.mean;
            w->pp_sd = r->pp_ts.stddev;
            w->ttft_ms = r->ttft_ms.mean;
        } else {
            w->have_tg = 1;
            w->tg_ts = r->tg_ts.mean;
            w->tg_sd = r->tg_ts.stddev;
        }
        w->load_ms = r->model.load_ms;
        if (r->peak_rss > w->rss)
            w->rss = r->peak_rss;
        return LLMB_OK;
    case LLMB_WL_PPL:
    case LLMB_WL_KLD:
        w->score = *r;
        w->score.inst.model = w->path;
        w->score.answers = NULL;
        w->score.n_answers = 0;
        w->score.total_ns = w->score.pp_ns = w->score.tg_ns = w->score.ttft_ns = NULL;
        w->score.error = NULL;
        w->have_score = 1;
        return LLMB_OK;
    case LLMB_WL_SUITE: {
        struct llmb_family tmp = {0}; /* a deep copy of the answers, by the family's copier */
        int rc = llmb_family_take_answers(&tmp, r->answers, r->n_answers);
        if (rc)
            return rc;
        if (w->have_suite)
            llmb_result_free_answers(&w->suite);
        w->suite = *r;
        w->suite.inst.model = w->path;
        w->suite.answers = tmp.ref_answers;
        w->suite.n_answers = r->n_answers;
        w->suite.total_ns = w->suite.pp_ns = w->suite.tg_ns = w->suite.ttft_ns = NULL;
        w->suite.error = NULL;
        w->have_suite = 1;
        if (w == &q->rows[q->ref] && !r->inst.ref_answers)
            return llmb_family_take_answers(&q->fam, r->answers, r->n_answers);
        return LLMB_OK;
    }
    default: return LLMB_OK;
    }
}

int llmb_qrun_resume(struct llmb_qrun *q, struct llmb_cli_run *run, const struct llmb_instance *inst, size_t n,
                     unsigned char *done, struct llmb_error *err)
{
    if (!run->store || !run->run_id)
        return LLMB_OK;
    size_t any_done = 0, ref_suite = (size_t)-1, ref_ppl = (size_t)-1;
    int suite_left = 0, kld_left = 0;
    for (size_t i = 0; i < n; i++) {
        any_done += done[i];
        if (inst[i].kind == LLMB_WL_SUITE && !inst[i].ref_answers && inst[i].q == &q->fam.spec)
            ref_suite = i;
        if (inst[i].kind == LLMB_WL_PPL && inst[i].ref_out)
            ref_ppl = i;
        suite_left |= !done[i] && inst[i].kind == LLMB_WL_SUITE;
        kld_left |= !done[i] && inst[i].kind == LLMB_WL_KLD;
    }
    if (!any_done)
        return LLMB_OK;
    int rc = LLMB_OK;
    if (ref_ppl != (size_t)-1 && done[ref_ppl] && kld_left && access(inst[ref_ppl].ref_out, R_OK) != 0) {
        fprintf(stderr, "llmbench: the reference's log-probabilities ('%s') are gone: measuring it again\n",
                inst[ref_ppl].ref_out);
        done[ref_ppl] = 0;
    }
    if (ref_suite != (size_t)-1 && done[ref_suite] && suite_left) {
        struct llmb_suite_answer *a = NULL;
        size_t na = 0;
        rc = llmb_store_get_answers(run->store, run->run_id, run->keys[ref_suite], &a, &na, err);
        if (!rc && na)
            rc = llmb_family_take_answers(&q->fam, a, na);
        if (a) {
            llmb_suite_answers_free(a, na);
            free(a);
        }
        if (rc)
            return rc;
    }
    /* the rows of what the run already holds, from the store */
    struct llmb_store_filter f;
    memset(&f, 0, sizeof f);
    f.run_id = run->run_id;
    f.complete_only = 1;
    struct llmb_store_record *recs = NULL;
    size_t nr = 0;
    if ((rc = llmb_store_query(run->store, &f, &recs, &nr, err)))
        return rc;
    for (size_t i = 0; !rc && i < n; i++) {
        if (!done[i])
            continue;
        for (size_t k = 0; k < nr; k++)
            if (!strcmp(recs[k].instance_key, run->keys[i]) && !recs[k].r.error) {
                struct llmb_result r = recs[k].r;
                r.inst.model = inst[i].model;
                r.inst.kind = inst[i].kind;
                r.inst.ref_answers = inst[i].ref_answers;
                r.inst.group = inst[i].group;
                rc = llmb_qrun_take(q, &r);
                break;
            }
    }
    llmb_store_records_free(recs, nr);
    return rc;
}

void llmb_qrun_free(struct llmb_qrun *q)
{
    for (size_t i = 0; q->rows && i < q->n_rows; i++) {
        if (q->rows[i].have_suite)
            llmb_result_free_answers(&q->rows[i].suite);
        free((char *)q->rows[i].error);
    }
    free(q->rows);
    if (q->ref_tmp)
        unlink(q->ref_path);
    llmb_family_free(&q->fam);
    if (q->have_suite)
        llmb_suite_free(&q->suite);
    memset(q, 0, sizeof *q);
}
