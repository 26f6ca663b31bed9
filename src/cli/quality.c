/* quality.c - `llmbench quality`: perplexity (llama-perplexity's method),
 * KL divergence against a reference, and the graded prompt suite, for one
 * model or a family of variants. With several models the first (or
 * --ref-model) is the reference: its log-probabilities and answers are what
 * the others are measured against, and one "quality retained" table results.
 * A thin client: flags -> family plan -> the runner (workers, store,
 * events, resume) -> the table. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "llmbench/engine.h"
#include "llmbench/model.h"
#include "llmbench/probe.h"
#include "opt.h"
#include "signals.h"
#include "output/jvalue.h"
#include "output/printer.h"
#include "quality.h"

enum {
    O_MODEL = 1, O_BATCH, O_THREADS, O_SAVE_REF, O_REF, O_TOPK, O_TEMP, O_SEED, O_REF_MODEL, O_OUT, O_VERBOSE,
    O_ENGINE,
};

const struct llmb_opt llmb_quality_opts[] = {
    {O_MODEL, "-m,--model", "FILE[,FILE]", NULL, "model(s); with several, the first is the reference", LLMB_OPT_STR, 0,
     0, 0, NULL},
    LLMB_QUALITY_OPTS,
    {O_BATCH, "-b,--batch-size", "N", "2048", "batch size (n_batch / n_ctx chunks per pass, as llama-perplexity)",
     LLMB_OPT_INT, 1, 1 << 20, 0, NULL},
    {O_THREADS, "-t,--threads", "N", "physical cores", "threads", LLMB_OPT_INT, 1, LLMB_MAX_THREADS, 0, NULL},
    {O_SAVE_REF, "--save-ref", "FILE", NULL, "save the (reference) model's top-k log-probabilities for KL divergence",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_REF, "--ref", "FILE", NULL, "KL divergence against this saved reference", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_TOPK, "--top-k", "N", "32", "log-probabilities kept per token in a saved reference", LLMB_OPT_INT, 1, 1024, 0,
     NULL},
    {O_TEMP, "--temp", "T", "0 (greedy)", "suite: sampling temperature", LLMB_OPT_DOUBLE, 0, 10, 0, NULL},
    {O_SEED, "--seed", "N", "42", "suite: sampling seed (recorded)", LLMB_OPT_U64, 0, 4294967295.0, 0, NULL},
    {O_REF_MODEL, "--ref-model", "FILE", "the first -m", "the reference among several models", LLMB_OPT_STR, 0, 0, 0,
     NULL},
    {O_OUT, "-o,--output", "FMT", "md", "md, csv, json or jsonl", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_VERBOSE, "-v,--verbose", NULL, NULL, "show the engine's log", LLMB_OPT_FLAG, 0, 0, 0, NULL},
    {O_ENGINE, "--engine", "NAME", "the first registered",
     "engine: llama.cpp in process, or null (no model, for tests)", LLMB_OPT_STR, 0, 0, 0, NULL},
    LLMB_RUN_OPTS,
    {0},
};

struct qcli {
    struct llmb_quality_cli c;
    struct llmb_cli_run     run;
    const char             *engine;
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct qcli *q = user;
    struct llmb_quality_cli *c = &q->c;
    struct llmb_error e = {0};
    int rc;
    if (llmb_quality_opt(c, id, name, v, &rc, err) || llmb_cli_run_opt(&q->run, id, name, v, &rc, err))
        return rc;
    switch (id) {
    case -1: return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (models go after -m)", v);
    case O_MODEL:
        if (llmb_plan_parse_strs(v, &c->models, &e))
            return llmb_error_set(err, LLMB_E_INVAL, "%s: %s", name, e.msg);
        return LLMB_OK;
    case O_SAVE_REF: c->save_ref = v; return LLMB_OK;
    case O_REF: c->ref = v; return LLMB_OK;
    case O_REF_MODEL: c->ref_model = v; return LLMB_OK;
    case O_OUT: c->fmt = v; return LLMB_OK;
    case O_VERBOSE: c->verbose = 1; return LLMB_OK;
    case O_ENGINE: q->engine = v; return LLMB_OK;
    case O_TEMP: c->temp = llmb_opt_value(v); return LLMB_OK;
    default: break;
    }
    static const struct {
        int id;
        size_t off;
    } ints[] = {
        {O_BATCH, offsetof(struct llmb_quality_cli, batch)},
        {O_THREADS, offsetof(struct llmb_quality_cli, threads)},
        {O_TOPK, offsetof(struct llmb_quality_cli, topk)},
        {O_SEED, offsetof(struct llmb_quality_cli, seed)},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (ints[i].id == id) {

            *(long *)(void *)((char *)c + ints[i].off) = (long)llmb_opt_value(v);
            if (id == O_BATCH)
                c->batch_given = 1;
            return LLMB_OK;
        }
    return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
}

static int on_result(const struct llmb_result *r, void *user)
{
    return llmb_qrun_take(user, r);
}

static int print(const struct qcli *q, const struct llmb_qrun *qr)
{
    if (!strcmp(q->c.fmt, "md")) {
        llmb_qrun_print_md(qr, 0, 1, stdout);
        return fflush(stdout) || ferror(stdout) ? LLMB_E_IO : LLMB_OK;
    }
    json_t *all = json_array();
    for (size_t i = 0; i < qr->n_rows; i++) {
        const struct llmb_qrow *w = &qr->rows[i];
        json_t *o = json_object();
        json_object_set_new(o, "model_filename", llmb_jstr(w->path));
        json_object_set_new(o, "model_type", llmb_jstr(w->have_mi ? w->mi.desc : ""));
        json_object_set_new(o, "quant_type", llmb_jstr(w->have_mi ? w->mi.quant : ""));
        json_object_set_new(o, "file_size", w->have_mi ? json_integer((json_int_t)w->mi.file_size) : json_null());
        json_object_set_new(o, "bpw", w->have_mi ? llmb_jreal(w->mi.bpw) : json_null());
        json_object_set_new(o, "synthetic", json_boolean(w->have_mi && w->mi.synthetic));
        llmb_qrun_json_set(qr, i, o, 1);
        json_object_set_new(o, "error", w->error ? llmb_jstr(w->error) : json_null());
        json_t *answers = json_object_get(o, "answers");
        if (strcmp(q->c.fmt, "csv") || !qr->have_suite) {
            if (!strcmp(q->c.fmt, "csv"))
                json_object_del(o, "answers");
            json_array_append_new(all, o);
            continue;
        }
        /* csv: one row per answer, the model's fields repeated, the answer's as answer_* */
        json_incref(answers);
        json_object_del(o, "answers");
        size_t j, n_ans = json_array_size(answers);
        json_t *a;
        for (j = 0; j < (n_ans ? n_ans : 1); j++) {
            json_t *row = json_copy(o);
            a = json_array_get(answers, j);
            json_t *blank = a ? NULL : llmb_suite_answer_json(&qr->suite.items[0], &(struct llmb_suite_answer){
                                                                  .pass = -1, .similarity = -1}, 0, 0);
            const char *k;
            json_t *v;
            json_object_foreach(a ? a : blank, k, v) {
                char key[64];
                snprintf(key, sizeof key, "answer_%s", k);
                json_object_set(row, key, a ? v : json_null());
            }
            json_decref(blank);
            json_array_append_new(all, row);
        }
        json_decref(answers);
        json_decref(o);
    }
    int rc = llmb_print_objects(all, q->c.fmt, stdout);
    json_decref(all);
    return rc;
}

int llmb_cmd_quality(int argc, char **argv, struct llmb_error *err)
{
    struct qcli q = {.engine = llmb_engine_default()->name};
    llmb_quality_cli_init(&q.c);
    llmb_cli_run_init(&q.run);
    struct llmb_quality_cli *c = &q.c;
    struct llmb_qrun qr;
    memset(&qr, 0, sizeof qr);
    unsigned char *done = NULL;
    struct llmb_instance *inst = NULL;
    llmb_cli_signals_catch(); /* from here on Ctrl-C stops the command cleanly */
    int stage = 0, rc = llmb_opt_parse(llmb_quality_opts, argc, argv, on_opt, &q, err);
    const struct llmb_engine_ops *engine = NULL;
    size_t n = c->models.n, ref = 0;
    if (!rc && !(engine = llmb_engine_find(q.engine)))
        rc = llmb_error_set(err, LLMB_E_INVAL, "--engine: unknown engine '%s' (%s)", q.engine, llmb_engine_names());
    if (!rc && n == 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "no model given (use -m FILE)");
    if (!rc && !c->ppl && !c->ref && !c->suite)
        rc = llmb_error_set(err, LLMB_E_INVAL, "nothing to measure: give --ppl FILE, --ref FILE and/or --suite");
    if (!rc && c->save_ref && c->ref)
        rc = llmb_error_set(err, LLMB_E_INVAL, "--save-ref and --ref exclude each other");
    if (!rc && c->save_ref && !c->ppl)
        rc = llmb_error_set(err, LLMB_E_INVAL, "--save-ref needs --ppl FILE");
    if (!rc && strcmp(c->fmt, "md") && strcmp(c->fmt, "csv") && strcmp(c->fmt, "json") && strcmp(c->fmt, "jsonl"))
        rc = llmb_error_set(err, LLMB_E_INVAL, "-o: unknown format '%s' (md, csv, json, jsonl)", c->fmt);
    int files = engine && (engine->caps & LLMB_ENGINE_MODEL_FILES); /* else models are settings (null engine) */
    if (!rc && c->ref_model) {
        for (ref = 0; ref < n && strcmp(c->models.v[ref], c->ref_model); ref++)
            ;
        if (ref == n)
            rc = llmb_error_set(err, LLMB_E_INVAL, "--ref-model '%s' is not one of the -m models", c->ref_model);
    }
    if (!rc && engine->preflight)
        rc = engine->preflight((const char *const *)c->models.v, n, c->force, err);
    if (!rc) { /* --save-ref and --events overwrite no input */
        const char **in = calloc(n + 3, sizeof *in);
        size_t k = 0;
        for (size_t i = 0; in && files && i < n; i++)
            in[k++] = c->models.v[i];
        if (in) {
            in[k++] = c->ppl;
            in[k++] = c->ref;
            in[k++] = c->suite && strcmp(c->suite, "default") ? c->suite : NULL;
        }
        const char *what[] = {"--save-ref"}, *paths[] = {c->save_ref};
        rc = in ? llmb_cli_run_check_outputs(&q.run, in, k, what, paths, 1, err)
                : llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        free(in);
    }
    if (!rc)
        rc = files ? llmb_qrun_prepare(&qr, c, (const char *const *)c->models.v, n, ref, err)
                   : llmb_qrun_prepare_unchecked(&qr, c, (const char *const *)c->models.v, n, ref, err);
    if (!rc) {
        for (size_t i = 0; i < qr.suite.n_skipped; i++)
            fprintf(stderr, "llmbench: warning: %s\n", qr.suite.warnings[i]);
        llmb_engine_global_init(!c->verbose);
        int threads = c->threads > 0 ? (int)c->threads : llmb_probe_cpu_physical_cores();
        rc = llmb_qrun_build(&qr, c, threads, !q.run.no_db && !q.run.dry_run, err);
    }
    size_t n_inst = qr.fam.n;
    if (!rc && !(done = calloc(n_inst ? n_inst : 1, 1)))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    if (!rc && (stage = 1))
        rc = llmb_cli_run_open(&q.run, "quality", argc, argv, qr.fam.inst, n_inst, "quality", done, err);
    if (!rc)
        rc = llmb_qrun_resume(&qr, &q.run, qr.fam.inst, n_inst, done, err);
    size_t left = 0;
    if (!rc && !(inst = malloc((n_inst ? n_inst : 1) * sizeof *inst)))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n_inst; i++)
        if (!done[i])
            inst[left++] = qr.fam.inst[i];
    if (!rc && left == 0) {
        rc = llmb_cli_run_nothing_left(&q.run, n_inst, err);
    } else if (!rc) {
        stage = 2;
        q.run.on_result = on_result;
        q.run.user = &qr;
        q.run.progress_mode = LLMB_PROGRESS_AUTO;
        struct llmb_run_params rp = llmb_run_default_params();
        rc = llmb_cli_run_execute(&q.run, engine, inst, left, &rp, 1, err);
    }
    if (!rc && !q.run.dry_run && (rc = print(&q, &qr)))
        llmb_error_set(err, rc, "cannot write the results to standard output");
    struct llmb_error e3 = {0};
    int rc3 = llmb_cli_run_close(&q.run, &e3);
    if (!rc && rc3)
        rc = rc3, *err = e3;
    size_t failed = q.run.n_failed;
    llmb_qrun_free(&qr);
    free(inst);
    free(done);
    llmb_str_list_free(&c->models);
    return llmb_cli_run_result(stage, rc, failed);
}
