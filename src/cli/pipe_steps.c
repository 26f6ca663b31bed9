/* pipe_steps.c - the pipeline's steps besides its flow (pipeline.c): the
 * synthetic reference of a shape, the quality checks made before the ladder,
 * the variants (the reference, if measured, then
 * the ladder) and their comparison table: markdown (the "quality retained"
 * table when quality was measured), or one object per variant as JSON, JSON
 * Lines or CSV, each with its speed relative to the reference. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "llmbench/paths.h"
#include "llmbench/quant.h"
#include "llmbench/synth.h"
#include "signals.h"
#include "output/jvalue.h"
#include "pipeline.h"

static double rel(double x, double ref)
{
    return ref > 0 ? x / ref : 0;
}

int llmb_pipe_print(const char *fmt, const struct llmb_pipe_variant *v, const struct llmb_qrun *q, int quality)
{
    const struct llmb_qrow *w = q->rows, *r = &q->rows[q->ref];
    size_t n = q->n_rows;
    if (!strcmp(fmt, "md") && quality) {
        llmb_qrun_print_md(q, 1, 0, stdout);
    } else if (!strcmp(fmt, "md")) {
        printf("| variant | size | bpw | pp t/s | tg t/s | TTFT ms | load ms | peak RSS | pp vs %s | tg vs %s |\n",
               r->label, r->label);
        printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (size_t i = 0; i < n; i++)
            printf("| %s | %.2f MiB | %.2f | %.2f \xc2\xb1 %.2f | %.2f \xc2\xb1 %.2f | %.2f | %.1f | %.2f MiB | %.2fx "
                   "| %.2fx |\n",
                   w[i].label, v[i].facts.file_size / 1048576.0, v[i].facts.bpw, w[i].pp_ts, w[i].pp_sd, w[i].tg_ts,
                   w[i].tg_sd, w[i].ttft_ms, w[i].load_ms, (double)w[i].rss / 1048576.0, rel(w[i].pp_ts, r->pp_ts),
                   rel(w[i].tg_ts, r->tg_ts));
        for (size_t i = 0; i < n; i++)
            if (w[i].error)
                printf("\n%s: FAILED: %s\n", w[i].label, w[i].error);
        if (v[0].facts.synthetic)
            printf("\nnote: synthetic (random-weight) models: speed figures only, no quality meaning\n");
    } else {
        json_t *all = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_object();
            json_object_set_new(o, "variant", llmb_jstr(w[i].label));
            json_object_set_new(o, "model_filename", llmb_jstr(w[i].path));
            json_object_set_new(o, "quantized_from", v[i].from ? llmb_jstr(v[i].from) : json_null());
            json_object_set_new(o, "file_size", json_integer((json_int_t)v[i].facts.file_size));
            json_object_set_new(o, "bpw", llmb_jreal(v[i].facts.bpw));
            json_object_set_new(o, "synthetic", json_boolean(v[i].facts.synthetic));
            json_object_set_new(o, "pp_avg_ts", llmb_jnum(w[i].pp_ts, w[i].have_pp));
            json_object_set_new(o, "pp_stddev_ts", llmb_jnum(w[i].pp_sd, w[i].have_pp));
            json_object_set_new(o, "tg_avg_ts", llmb_jnum(w[i].tg_ts, w[i].have_tg));
            json_object_set_new(o, "tg_stddev_ts", llmb_jnum(w[i].tg_sd, w[i].have_tg));
            json_object_set_new(o, "ttft_avg_ms", llmb_jnum(w[i].ttft_ms, w[i].have_pp));
            json_object_set_new(o, "load_ms", llmb_jnum(w[i].load_ms, w[i].have_pp || w[i].have_tg));
            json_object_set_new(o, "peak_rss_bytes",
                                w[i].have_pp || w[i].have_tg ? json_integer((json_int_t)w[i].rss) : json_null());
            json_object_set_new(o, "pp_vs_ref", llmb_jnum(rel(w[i].pp_ts, r->pp_ts), w[i].have_pp && r->have_pp));
            json_object_set_new(o, "tg_vs_ref", llmb_jnum(rel(w[i].tg_ts, r->tg_ts), w[i].have_tg && r->have_tg));
            if (quality) /* the quality fields only when quality was measured */
                llmb_qrun_json_set(q, i, o, strcmp(fmt, "csv") != 0);
            else
                json_object_set_new(o, "reference", json_boolean(i == q->ref));
            json_object_set_new(o, "error", w[i].error ? llmb_jstr(w[i].error) : json_null());
            json_array_append_new(all, o);
        }
        int rc = llmb_print_objects(all, fmt, stdout);
        json_decref(all);
        return rc;
    }
    return fflush(stdout) || ferror(stdout) ? LLMB_E_IO : LLMB_OK;
}

int llmb_pipe_variants(const char *ref_model, const char *source, const struct llmb_ladder_item *items, int nq,
                       struct llmb_pipe_variant *v, int *nv, int *ref, struct llmb_error *err)
{
    int n = 0, rc = LLMB_OK;
    if (ref_model) {
        v[n] = (struct llmb_pipe_variant){.path = ref_model};
        rc = llmb_model_facts(ref_model, &v[n].facts, err);
        v[n].label = llmb_ftype_name(v[n].facts.file_type) ? llmb_ftype_name(v[n].facts.file_type) : "reference";
        n++;
    }
    for (int i = 0; i < nq; i++, n++)
        v[n] = (struct llmb_pipe_variant){
            .path = items[i].path, .facts = items[i].facts, .label = llmb_ftype_name(items[i].ftype), .from = source};
    int r = -1;
    for (int i = 0; i < n && r < 0; i++)
        if (llmb_ftype_is_float(v[i].facts.file_type))
            r = i;
    for (int i = 0; i < n && r < 0; i++)
        if (v[i].facts.file_type == 7) /* Q8_0 */
            r = i;
    *ref = r < 0 ? 0 : r;
    *nv = n;
    return rc;
}

/* The synthetic reference of a shape: made once, reused while valid. */
int llmb_pipe_shape_reference(const char *shape, int seed, int quiet, char *path, size_t len, struct llmb_error *err)
{
    struct llmb_synth_params sp = llmb_synth_default_params();
    int rc = llmb_shape_find(shape, &sp.shape, err);
    if (rc)
        return rc;
    sp.seed = (uint64_t)seed;
    if ((rc = llmb_synth_default_path(&sp.shape, 0, 1, sp.seed, path, len, err)))
        return rc;
    struct llmb_gguf_facts f;
    struct llmb_error ignore;
    if (llmb_model_facts(path, &f, &ignore) == LLMB_OK && f.synthetic && f.file_type == 1)
        return LLMB_OK;
    if (!quiet)
        fprintf(stderr, "llmbench: writing synthetic %s (F16) to %s\n", sp.shape.name, path);
    sp.output = path;
    sp.stop = llmb_cli_signals_catch();
    struct llmb_synth_info info;
    return llmb_synth_write(&sp, &info, err);
}

/* Quality asked: refuses up front what would otherwise fail only after the
 * ladder and the benchmark (synthetic weights without --force, a context
 * longer than the model's, unreadable text, a suite that does not load). */
int llmb_pipe_quality_checks(const struct llmb_shape *shape, const char *model, int seed,
                             const struct llmb_quality_cli *q, struct llmb_error *err)
{
    char path[4096], dir[4096], sha[65];
    int rc = shape ? llmb_path_data_name("models", 0, dir, sizeof dir, err) : LLMB_OK; /* makes nothing */
    if (shape && !rc && snprintf(path, sizeof path, "%s/synth-%s-s%d-F16.gguf", dir, shape->name, seed) >= 4096)
        rc = llmb_error_set(err, LLMB_E_INVAL, "path too long");
    if (shape && !rc) {
        if (!q->force) /* synthetic by nature */
            rc = llmb_family_synthetic(path, err);
        else if (q->ppl && shape->n_ctx_train > 0 && q->ctx > shape->n_ctx_train)
            rc = llmb_error_set(err, LLMB_E_INVAL,
                                "-c/--ctx-size %ld is larger than the model's context (%d) of "
                                "'%s'",
                                q->ctx, shape->n_ctx_train, path);
    } else if (!shape) {
        const char *m[] = {model};
        struct llmb_family_check fc = {
            .models = m, .n = 1, .n_ctx = (int)q->ctx, .ppl = q->ppl != NULL, .measured = 1, .force = q->force};
        rc = llmb_family_check(&fc, err);
    }
    if (!rc && q->ppl)
        rc = llmb_text_sha256(q->ppl, sha, err);
    struct llmb_suite suite;
    if (!rc && q->suite && !(rc = llmb_suite_load(q->suite, &suite, err))) {
        for (size_t i = 0; i < suite.n_skipped; i++)
            fprintf(stderr, "llmbench: warning: %s\n", suite.warnings[i]);
        llmb_suite_free(&suite);
    }
    return rc;
}
