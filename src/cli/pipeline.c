/* pipeline.c - `llmbench pipeline`: the convert -> quantize -> benchmark flow
 * in one command. Takes a real F16/BF16/F32 GGUF or a synthetic shape
 * (written once into the data folder and reused), makes the quantization
 * ladder (skipping what is up to date), benchmarks every variant with the
 * speed benchmark (llama-bench's pp and tg tests), and prints one comparison
 * table with each variant's speed relative to the F16 (or Q8_0) reference.
 * With --ppl and/or --suite it also measures every variant's quality against
 * that reference (quality.h's family run) and the table becomes the "quality
 * retained" one: size, speed, PPL, KLD, top-1, suite pass rate, similarity. */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ladder.h"
#include "llmbench/engine.h"
#include "llmbench/paths.h"
#include "llmbench/probe.h"
#include "llmbench/quant.h"
#include "llmbench/runner.h"
#include "llmbench/synth.h"
#include "opt.h"
#include "output/jvalue.h"
#include "quality.h"
#include "runctl.h"
#include "signals.h"

enum { O_SHAPE = 1, O_MODEL, O_SEED, O_TYPES, O_OUTDIR, O_PROMPT, O_GEN, O_REPS, O_THREADS, O_NO_REF, O_OUT };

const struct llmb_opt llmb_pipeline_opts[] = {
    {O_SHAPE, "-s,--shape", "NAME", NULL, "synthetic model of this shape (see llmbench synth --list)", LLMB_OPT_STR, 0,
     0, 0, NULL},
    {O_MODEL, "-m,--model", "FILE", NULL, "or: a real F16/BF16/F32 GGUF", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_SEED, "--seed", "N", "42", "seed of the synthetic weights", LLMB_OPT_INT, 0, 2147483647, 0, NULL},
    {O_TYPES, "-q,--types", "LIST", "default", "ladder: types, or default (" LLMB_LADDER_DEFAULT "), extra, all",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_OUTDIR, "-O,--outdir", "DIR", "data folder / the model's folder", "where the quantized files go", LLMB_OPT_STR,
     0, 0, 0, NULL},
    {O_PROMPT, "-p,--n-prompt", "N", "512", "prompt length of the pp test", LLMB_OPT_INT, 0, 1 << 20, 0, NULL},
    {O_GEN, "-n,--n-gen", "N", "128", "generated tokens of the tg test", LLMB_OPT_INT, 0, 1 << 20, 0, NULL},
    {O_REPS, "-r,--repetitions", "N|auto", "5", "repetitions per test (auto: until the 95% CI is within 2%)",
     LLMB_OPT_INT, 1, 100000, 0, "auto"},
    {O_THREADS, "-t,--threads", "N", "physical cores", "threads", LLMB_OPT_INT, 1, LLMB_MAX_THREADS, 0, NULL},
    {O_NO_REF, "--no-ref", NULL, NULL, "do not benchmark the F16/F32 reference (Q8_0 becomes the reference)",
     LLMB_OPT_FLAG, 0, 0, 0, NULL},
    LLMB_QUALITY_OPTS,
    {O_OUT, "-o,--output", "FMT", "md", "md, csv, json or jsonl", LLMB_OPT_STR, 0, 0, 0, NULL},
    LLMB_RUN_OPTS,
    {0},
};

struct pipe_cli {
    const char *shape, *model, *types, *outdir, *fmt;
    long seed, p, n, threads;
    int reps, auto_reps, no_ref;
    struct llmb_quality_cli q; /* --ppl, --suite and their settings */
    struct llmb_cli_run run;   /* store, resume, events, progress */
};

struct variant {
    const char *path;
    struct llmb_gguf_facts facts;
    const char *label;
    const char *from; /* quantized from */
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct pipe_cli *c = user;
    int rc;
    if (llmb_quality_opt(&c->q, id, name, v, &rc, err) || llmb_cli_run_opt(&c->run, id, name, v, &rc, err))
        return rc;
    switch (id) {
    case -1: return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s'", v);
    case O_SHAPE: c->shape = v; return LLMB_OK;
    case O_MODEL: c->model = v; return LLMB_OK;
    case O_SEED: c->seed = (long)llmb_opt_value(v); return LLMB_OK;
    case O_TYPES: c->types = v; return LLMB_OK;
    case O_OUTDIR: c->outdir = v; return LLMB_OK;
    case O_PROMPT: c->p = (long)llmb_opt_value(v); return LLMB_OK;
    case O_GEN: c->n = (long)llmb_opt_value(v); return LLMB_OK;
    case O_THREADS: c->threads = (long)llmb_opt_value(v); return LLMB_OK;
    case O_REPS:
        if (!strcmp(v, "auto")) {
            c->auto_reps = 1;
            return LLMB_OK;
        }
        c->reps = (int)llmb_opt_value(v);
        c->auto_reps = 0;
        return LLMB_OK;
    case O_NO_REF: c->no_ref = 1; return LLMB_OK;
    case O_OUT: c->fmt = v; return LLMB_OK;
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

/* The synthetic reference of a shape: made once, reused while valid. */
static int shape_reference(const struct pipe_cli *c, char *path, size_t len, struct llmb_error *err)
{
    struct llmb_synth_params sp = llmb_synth_default_params();
    int rc = llmb_shape_find(c->shape, &sp.shape, err);
    if (rc)
        return rc;
    sp.seed = (uint64_t)c->seed;
    if ((rc = llmb_synth_default_path(&sp.shape, 0, 1, sp.seed, path, len, err)))
        return rc;
    struct llmb_gguf_facts f;
    struct llmb_error ignore;
    if (llmb_model_facts(path, &f, &ignore) == LLMB_OK && f.synthetic && f.file_type == 1)
        return LLMB_OK;
    if (!c->run.quiet)
        fprintf(stderr, "llmbench: writing synthetic %s (F16) to %s\n", sp.shape.name, path);
    sp.output = path;
    sp.stop = llmb_cli_signals_catch();
    struct llmb_synth_info info;
    return llmb_synth_write(&sp, &info, err);
}

/* Quality asked: refuses up front what would otherwise fail only after the
 * ladder and the benchmark (synthetic weights without --force, a context
 * longer than the model's, unreadable text, a suite that does not load). */
static int quality_checks(const struct pipe_cli *c, const struct llmb_shape *shape, struct llmb_error *err)
{
    char path[4096];
    int synthetic = 1, n_ctx, rc;
    if (c->shape) {
        n_ctx = shape->n_ctx_train;
        rc = llmb_synth_default_path(shape, 0, 1, (uint64_t)c->seed, path, sizeof path, err);
    } else {
        struct llmb_gguf_facts f;
        snprintf(path, sizeof path, "%s", c->model);
        rc = llmb_model_facts(c->model, &f, err);
        synthetic = f.synthetic;
        n_ctx = f.n_ctx_train;
    }
    if (rc)
        return rc;
    if (synthetic && !c->q.force)
        return llmb_error_set(err, LLMB_E_INVAL, "model '%s' is synthetic (random weights): its quality figures "
                              "would mean nothing (--force to measure anyway)", path);
    if (c->q.ppl && n_ctx > 0 && c->q.ctx > n_ctx)
        return llmb_error_set(err, LLMB_E_INVAL, "-c/--ctx-size %ld is larger than the model's context (%d) of '%s'",
                              c->q.ctx, n_ctx, path);
    if (c->q.ppl) {
        char *t;
        size_t len;
        if ((rc = llmb_text_read(c->q.ppl, &t, &len, err)))
            return rc;
        free(t);
    }
    struct llmb_suite suite;
    if (c->q.suite && !(rc = llmb_suite_load(c->q.suite, &suite, err))) {
        for (size_t i = 0; i < suite.n_skipped; i++)
            fprintf(stderr, "llmbench: warning: %s\n", suite.warnings[i]);
        llmb_suite_free(&suite);
    }
    return rc;
}


static double rel(double x, double ref)
{
    return ref > 0 ? x / ref : 0;
}

static int print_table(const struct pipe_cli *c, const struct variant *v, const struct llmb_qrun *q, int quality)
{
    const struct llmb_qrow *w = q->rows, *r = &q->rows[q->ref];
    size_t n = q->n_rows;
    if (!strcmp(c->fmt, "md") && quality) {
        llmb_qrun_print_md(q, 1, 0, stdout);
    } else if (!strcmp(c->fmt, "md")) {
        printf("| variant | size | bpw | pp t/s | tg t/s | TTFT ms | load ms | peak RSS | pp vs %s | tg vs %s |\n",
               r->label, r->label);
        printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (size_t i = 0; i < n; i++)
            printf("| %s | %.2f MiB | %.2f | %.2f \xc2\xb1 %.2f | %.2f \xc2\xb1 %.2f | %.2f | %.1f | %.2f MiB | %.2fx | %.2fx |\n",
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
            json_object_set_new(o, "peak_rss_bytes", w[i].have_pp || w[i].have_tg ? json_integer((json_int_t)w[i].rss)
                                                                                  : json_null());
            json_object_set_new(o, "pp_vs_ref", llmb_jnum(rel(w[i].pp_ts, r->pp_ts), w[i].have_pp && r->have_pp));
            json_object_set_new(o, "tg_vs_ref", llmb_jnum(rel(w[i].tg_ts, r->tg_ts), w[i].have_tg && r->have_tg));
            if (quality) /* the quality fields only when quality was measured */
                llmb_qrun_json_set(q, i, o, strcmp(c->fmt, "csv") != 0);
            else
                json_object_set_new(o, "reference", json_boolean(i == q->ref));
            json_object_set_new(o, "error", w[i].error ? llmb_jstr(w[i].error) : json_null());
            json_array_append_new(all, o);
        }
        int rc = llmb_print_objects(all, c->fmt, stdout);
        json_decref(all);
        return rc;
    }
    return fflush(stdout) || ferror(stdout) ? LLMB_E_IO : LLMB_OK;
}

/* The plan: per model, reference first, its speed tests then its quality
 * tests, so each model is loaded once. */
static int merge_plan(const struct llmb_instance *speed, size_t ns, const struct llmb_family *fam,
                      const struct variant *v, int nv, int ref, struct llmb_instance **out, size_t *n_out)
{
    struct llmb_instance *all = malloc((ns + fam->n + 1) * sizeof *all);
    if (!all)
        return LLMB_E_NOMEM;
    size_t k = 0;
    for (int j = 0; j < nv; j++) {
        const char *m = v[j == 0 ? ref : (j <= ref ? j - 1 : j)].path;
        for (size_t i = 0; i < ns; i++)
            if (!strcmp(speed[i].model, m))
                all[k++] = speed[i];
        for (size_t i = 0; i < fam->n; i++)
            if (!strcmp(fam->inst[i].model, m))
                all[k++] = fam->inst[i];
    }
    *out = all;
    *n_out = k;
    return LLMB_OK;
}

static int on_result(const struct llmb_result *r, void *user)
{
    return llmb_qrun_take(user, r);
}

int llmb_cmd_pipeline(int argc, char **argv)
{
    struct pipe_cli c = {.types = "default", .fmt = "md", .seed = 42, .p = 512, .n = 128, .reps = 5};
    llmb_quality_cli_init(&c.q);
    llmb_cli_run_init(&c.run);
    struct llmb_error err = {0};
    struct llmb_qrun q;
    memset(&q, 0, sizeof q);
    struct llmb_bench_params bp;
    memset(&bp, 0, sizeof bp);
    struct llmb_instance *speed = NULL, *plan = NULL, *left = NULL;
    unsigned char *done = NULL;
    size_t ns = 0, np = 0;
    llmb_cli_signals_catch();
    int stage = 0, rc = llmb_opt_parse(llmb_pipeline_opts, argc, argv, on_opt, &c, &err);
    if (rc == LLMB_OPT_HELP) {
        llmb_opt_usage(
            stdout, "llmbench pipeline (--shape NAME | -m MODEL) [options]",
            "Makes the quantization ladder of a model (or of a synthetic shape), benchmarks every variant\n"
            "and prints one comparison table. With --ppl and/or --suite every variant's quality is measured\n"
            "against the reference too, and the table shows the quality each keeps.",
            llmb_pipeline_opts);
        return LLMB_EXIT_OK;
    }
    int ftypes[LLMB_LADDER_MAX], nq = 0;
    if (!rc && !!c.shape == !!c.model)
        rc = llmb_error_set(&err, LLMB_E_INVAL, "give exactly one of --shape NAME or -m MODEL");
    if (!rc && c.p == 0 && c.n == 0)
        rc = llmb_error_set(&err, LLMB_E_INVAL, "nothing to run: -p 0 and -n 0");
    if (!rc && strcmp(c.fmt, "md") && strcmp(c.fmt, "json") && strcmp(c.fmt, "jsonl") && strcmp(c.fmt, "csv"))
        rc = llmb_error_set(&err, LLMB_E_INVAL, "-o: unknown format '%s' (md, csv, json, jsonl)", c.fmt);
    if (!rc)
        rc = llmb_ladder_parse(c.types, ftypes, &nq, &err);
    struct llmb_shape shape;
    if (!rc && c.shape)
        rc = llmb_shape_find(c.shape, &shape, &err);
    if (!rc && c.model)
        rc = llmb_model_check(c.model, NULL, &err);
    if (!rc && c.outdir && (rc = llmb_path_mkdirs(c.outdir, &err)) == LLMB_OK && access(c.outdir, W_OK) != 0)
        rc = llmb_error_set(&err, LLMB_E_INVAL, "--outdir '%s' is not a writable folder", c.outdir);
    int quality = c.q.ppl || c.q.suite;
    if (!rc && quality)
        rc = quality_checks(&c, &shape, &err);
    if (!rc && c.run.no_db && c.run.resume)
        rc = llmb_error_set(&err, LLMB_E_INVAL, "--resume needs the results database (drop --no-db)");
    if (!rc) { /* --events overwrites no input */
        const char *in[] = {c.model, c.q.ppl, c.q.suite && strcmp(c.q.suite, "default") ? c.q.suite : NULL};
        rc = llmb_cli_run_check_outputs(&c.run, in, 3, NULL, NULL, 0, &err);
    }
    if (rc)
        goto out;
    signal(SIGXFSZ, SIG_IGN);
    llmb_engine_global_init(1);

    /* 1. the reference model, 2. the ladder */
    stage = 1;
    char ref_path[4096], outdir[4096];
    int told = 0; /* an interruption was said */
    if (c.shape) {
        rc = shape_reference(&c, ref_path, sizeof ref_path, &err);
        if (rc == LLMB_E_INTERRUPTED && (told = 1))
            llmb_cli_interrupted_exit("before any test ran; the synthetic model '%s' was not written", ref_path);
        if (!rc && !c.outdir)
            rc = llmb_path_data_dir("models", outdir, sizeof outdir, &err);
    } else {
        snprintf(ref_path, sizeof ref_path, "%s", c.model);
    }
    if (c.outdir)
        snprintf(outdir, sizeof outdir, "%s", c.outdir);
    struct llmb_ladder_item items[LLMB_LADDER_MAX];
    memset(items, 0, sizeof items);
    if (!rc)
        rc = llmb_ladder_make(ref_path, c.shape || c.outdir ? outdir : NULL, ftypes, nq, (int)c.threads, 0,
                              !c.run.quiet && isatty(2), llmb_cli_signals_catch(), items, &err);
    if (rc == LLMB_E_INTERRUPTED && !told) {
        char kept[2048];
        llmb_ladder_kept(items, nq, kept, sizeof kept);
        llmb_cli_interrupted_exit("before any test ran; quantized files kept: %s", kept);
    }
    if (rc)
        goto out;
    struct variant v[LLMB_LADDER_MAX + 1];
    memset(v, 0, sizeof v);
    int nv = 0;
    if (!c.no_ref) {
        v[nv].path = ref_path;
        rc = llmb_model_facts(ref_path, &v[nv].facts, &err);
        v[nv].label = llmb_ftype_name(v[nv].facts.file_type) ? llmb_ftype_name(v[nv].facts.file_type) : "reference";
        nv++;
    }
    for (int i = 0; i < nq; i++, nv++) {
        v[nv].path = items[i].path;
        v[nv].facts = items[i].facts;
        v[nv].label = llmb_ftype_name(items[i].ftype);
        v[nv].from = ref_path;
    }
    /* 3. the reference: F16/BF16/F32, else Q8_0, else the first */
    int ref = -1;
    for (int i = 0; i < nv && ref < 0; i++)
        if (llmb_ftype_is_float(v[i].facts.file_type))
            ref = i;
    for (int i = 0; i < nv && ref < 0; i++)
        if (v[i].facts.file_type == 7)
            ref = i;
    ref = ref < 0 ? 0 : ref;
    /* 4. the plan: speed of every variant, and quality against the reference */
    const char *paths[LLMB_LADDER_MAX + 1];
    for (int i = 0; i < nv; i++)
        paths[i] = v[i].path;
    struct llmb_quality_cli qc = c.q;
    qc.threads = c.threads;
    if (!quality) {
        qc.ppl = NULL;
        qc.suite = NULL;
    }
    if (!rc)
        rc = llmb_qrun_prepare(&q, &qc, paths, (size_t)nv, (size_t)ref, &err);
    for (int i = 0; !rc && i < nv; i++)
        q.rows[i].label = v[i].label;
    int threads = c.threads > 0 ? (int)c.threads : llmb_probe_cpu_physical_cores();
    if (!rc && quality)
        rc = llmb_qrun_build(&q, &qc, threads, !c.run.no_db, &err);
    for (int i = 0; !rc && i < nv; i++)
        rc = llmb_str_list_push(&bp.models, v[i].path);
    if (!rc)
        rc = llmb_int_list_push(&bp.n_prompt, (int)c.p) || llmb_int_list_push(&bp.n_gen, (int)c.n);
    if (!rc)
        rc = llmb_int_list_push(&bp.n_threads, threads);
    if (!rc)
        rc = llmb_bench_params_defaults(&bp, threads);
    if (!rc)
        rc = llmb_plan_expand(&bp, &speed, &ns, &err);
    for (size_t i = 0; !rc && i < ns; i++) /* the row of each speed test */
        for (int j = 0; j < nv; j++)
            if (!strcmp(speed[i].model, v[j].path))
                speed[i].group = j;
    if (!rc && merge_plan(speed, ns, &q.fam, v, nv, ref, &plan, &np))
        rc = llmb_error_set(&err, LLMB_E_NOMEM, "out of memory");
    if (!rc && (!(done = calloc(np + 1, 1)) || !(left = malloc((np + 1) * sizeof *left))))
        rc = llmb_error_set(&err, LLMB_E_NOMEM, "out of memory");
    struct llmb_run_params rp = llmb_run_default_params();
    rp.reps = c.reps;
    rp.auto_reps = c.auto_reps;
    char extra[160];
    snprintf(extra, sizeof extra, "pipeline;r=%d;auto=%d;seed=%u", rp.reps, rp.auto_reps, rp.seed);
    if (!rc)
        rc = llmb_cli_run_open(&c.run, "pipeline", argc, argv, plan, np, extra, done, &err);
    if (!rc)
        rc = llmb_qrun_resume(&q, &c.run, plan, np, done, &err);
    if (!rc && c.run.store) {
        struct llmb_store_family_member m[LLMB_LADDER_MAX + 1];
        for (int i = 0; i < nv; i++)
            m[i] = (struct llmb_store_family_member){.path = v[i].path, .label = v[i].label,
                                                     .is_reference = i == ref, .quantized_from = v[i].from};
        struct llmb_store_family fam = {.source_path = ref_path, .ladder = c.types, .members = m, .n = (size_t)nv};
        rc = llmb_store_put_family(c.run.store, c.run.run_id, &fam, &err);
    }
    size_t nl = 0;
    for (size_t i = 0; !rc && i < np; i++)
        if (!done[i])
            left[nl++] = plan[i];
    if (!rc && nl == 0) {
        rc = llmb_cli_run_nothing_left(&c.run, np, &err);
    } else if (!rc) {
        stage = 2;
        c.run.on_result = on_result;
        c.run.user = &q;
        rc = llmb_cli_run_execute(&c.run, llmb_engine_default(), left, nl, &rp, 1, &err);
    }
    if (!rc && (rc = print_table(&c, v, &q, quality)))
        llmb_error_set(&err, rc, "cannot write the results to standard output");
out:;
    struct llmb_error e3 = {0};
    int rc3 = llmb_cli_run_close(&c.run, &e3);
    if (!rc && rc3)
        rc = rc3, err = e3;
    if (rc && rc != LLMB_E_INTERRUPTED) /* an interruption was told in one line already */
        llmb_cli_error("%s", err.msg[0] ? err.msg : llmb_strerror(rc));
    size_t failed = c.run.n_failed;
    llmb_qrun_free(&q);
    llmb_bench_params_free(&bp);
    free(speed);
    free(plan);
    free(left);
    free(done);
    return llmb_cli_stage_exit(stage, rc, failed);
}
