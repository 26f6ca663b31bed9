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
#include "pipeline.h"
#include "output/jvalue.h"
#include "quality.h"
#include "runctl.h"
#include "signals.h"

enum { O_SHAPE = 1, O_MODEL, O_SEED, O_TYPES, O_OUTDIR, O_PROMPT, O_GEN, O_REPS, O_THREADS, O_NO_REF, O_OUT };

struct pipe_cli {
    const char *shape, *model, *types, *outdir, *fmt;
    int seed, p, n, threads;
    int reps, auto_reps, no_ref;
    struct llmb_quality_cli q; /* --ppl, --suite and their settings */
    struct llmb_cli_run run;   /* store, resume, events, progress */
};

const struct llmb_opt llmb_pipeline_opts[] = {
    {O_SHAPE, "-s,--shape", "NAME", NULL, "synthetic model of this shape (see llmbench synth --list)", LLMB_OPT_STR, 0,
     0, 0, NULL},
    {O_MODEL, "-m,--model", "FILE", NULL, "or: a real F16/BF16/F32 GGUF", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_SEED, "--seed", "N", "42", "seed of the synthetic weights", LLMB_OPT_INT, 0, 2147483647,
     LLMB_OPT_AT(struct pipe_cli, seed), NULL},
    {O_TYPES, "-q,--types", "LIST", "default", "ladder: types, or default (" LLMB_LADDER_DEFAULT "), extra, all",
     LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_OUTDIR, "-O,--outdir", "DIR", "data folder / the model's folder", "where the quantized files go", LLMB_OPT_STR,
     0, 0, 0, NULL},
    {O_PROMPT, "-p,--n-prompt", "N", "512", "prompt length of the pp test", LLMB_OPT_INT, 0, 1 << 20,
     LLMB_OPT_AT(struct pipe_cli, p), NULL},
    {O_GEN, "-n,--n-gen", "N", "128", "generated tokens of the tg test", LLMB_OPT_INT, 0, 1 << 20,
     LLMB_OPT_AT(struct pipe_cli, n), NULL},
    {O_REPS, "-r,--repetitions", "N|auto", "5", "repetitions per test (auto: until the 95% CI is within 2%)",
     LLMB_OPT_INT, 1, 100000, LLMB_OPT_AT(struct pipe_cli, reps), "auto"},
    {O_THREADS, "-t,--threads", "N", "physical cores", "threads", LLMB_OPT_INT, 1, LLMB_MAX_THREADS,
     LLMB_OPT_AT(struct pipe_cli, threads), NULL},
    {O_NO_REF, "--no-ref", NULL, NULL, "do not benchmark the F16/F32 reference (Q8_0 becomes the reference)",
     LLMB_OPT_FLAG, 0, 0, LLMB_OPT_AT(struct pipe_cli, no_ref), NULL},
    LLMB_QUALITY_OPTS,
    {O_OUT, "-o,--output", "md|csv|json|jsonl", "md", "output format", LLMB_OPT_ENUM, 0, 0, 0, NULL},
    LLMB_RUN_OPTS,
    {0},
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
    case O_TYPES: c->types = v; return LLMB_OK;
    case O_OUTDIR: c->outdir = v; return LLMB_OK;
    case O_REPS: c->auto_reps = !strcmp(v, "auto"); return LLMB_OK;
    case O_OUT: c->fmt = v; return LLMB_OK;
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

static int on_result(const struct llmb_result *r, void *user)
{
    return llmb_qrun_take(user, r);
}

int llmb_cmd_pipeline(int argc, char **argv, struct llmb_error *err)
{
    struct pipe_cli c = {.types = "default", .fmt = "md"};
    llmb_opt_defaults(llmb_pipeline_opts, &c);
    llmb_quality_cli_init(&c.q);
    llmb_cli_run_init(&c.run);
    struct llmb_qrun q;
    memset(&q, 0, sizeof q);
    struct llmb_bench_params bp;
    memset(&bp, 0, sizeof bp);
    struct llmb_instance *speed = NULL, *plan = NULL, *left = NULL;
    unsigned char *done = NULL;
    size_t ns = 0, np = 0;
    llmb_cli_signals_catch();
    int stage = 0, rc = llmb_opt_parse(llmb_pipeline_opts, argc, argv, on_opt, &c, err);
    int ftypes[LLMB_LADDER_MAX], nq = 0;
    if (!rc && !!c.shape == !!c.model)
        rc = llmb_error_set(err, LLMB_E_INVAL, "give exactly one of --shape NAME or -m MODEL");
    if (!rc && c.p == 0 && c.n == 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "nothing to run: -p 0 and -n 0");
    if (!rc)
        rc = llmb_ladder_parse(c.types, ftypes, &nq, err);
    struct llmb_shape shape;
    if (!rc && c.shape)
        rc = llmb_shape_find(c.shape, &shape, err);
    if (!rc && c.model)
        rc = llmb_model_check(c.model, NULL, err);
    if (!rc && c.outdir && !c.run.dry_run && (rc = llmb_path_mkdirs(c.outdir, err)) == LLMB_OK &&
        access(c.outdir, W_OK) != 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "--outdir '%s' is not a writable folder", c.outdir);
    int quality = c.q.ppl || c.q.suite;
    if (!rc && quality)
        rc = llmb_pipe_quality_checks(c.shape ? &shape : NULL, c.model, c.seed, &c.q, err);
    if (!rc) { /* --events overwrites no input */
        const char *in[] = {c.model, c.q.ppl, c.q.suite && strcmp(c.q.suite, "default") ? c.q.suite : NULL};
        rc = llmb_cli_run_check_outputs(&c.run, in, 3, NULL, NULL, 0, err);
    }
    if (!rc && c.run.dry_run) {
        struct llmb_pipe_dry_params d = {
            c.shape ? &shape : NULL, c.model, c.outdir, c.seed, nq, c.p, c.n, c.reps, c.no_ref, quality,
            c.run.dry_run,           ftypes};
        rc = llmb_pipe_dry(&d, err);
        goto out;
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
        rc = llmb_pipe_shape_reference(c.shape, c.seed, c.run.quiet, ref_path, sizeof ref_path, err);
        if (rc == LLMB_E_INTERRUPTED && (told = 1))
            llmb_cli_interrupted_say("before any test ran; the synthetic model '%s' was not written", ref_path);
        if (!rc && !c.outdir)
            rc = llmb_path_data_dir("models", outdir, sizeof outdir, err);
    } else {
        snprintf(ref_path, sizeof ref_path, "%s", c.model);
    }
    if (c.outdir)
        snprintf(outdir, sizeof outdir, "%s", c.outdir);
    struct llmb_ladder_item items[LLMB_LADDER_MAX];
    memset(items, 0, sizeof items);
    if (!rc)
        rc = llmb_ladder_make(ref_path, c.shape || c.outdir ? outdir : NULL, ftypes, nq, (int)c.threads, 0,
                              !c.run.quiet && isatty(2), llmb_cli_signals_catch(), items, err);
    if (rc == LLMB_E_INTERRUPTED && !told) {
        char kept[2048];
        llmb_ladder_kept(items, nq, kept, sizeof kept);
        llmb_cli_interrupted_say("before any test ran; quantized files kept: %s", kept);
    }
    if (rc)
        goto out;
    struct llmb_pipe_variant v[LLMB_LADDER_MAX + 1];
    int nv = 0, ref = 0; /* 3. the reference: F16/BF16/F32, else Q8_0, else the first */
    rc = llmb_pipe_variants(c.no_ref ? NULL : ref_path, ref_path, items, nq, v, &nv, &ref, err);
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
        rc = llmb_qrun_prepare(&q, &qc, paths, (size_t)nv, (size_t)ref, err);
    for (int i = 0; !rc && i < nv; i++)
        q.rows[i].label = v[i].label;
    int threads = c.threads > 0 ? (int)c.threads : llmb_probe_cpu_physical_cores();
    if (!rc && quality)
        rc = llmb_qrun_build(&q, &qc, threads, !c.run.no_db, err);
    for (int i = 0; !rc && i < nv; i++)
        rc = llmb_str_list_push(&bp.models, v[i].path);
    if (!rc)
        rc = llmb_int_list_push(&bp.n_prompt, (int)c.p) || llmb_int_list_push(&bp.n_gen, (int)c.n);
    if (!rc)
        rc = llmb_int_list_push(&bp.n_threads, threads);
    if (!rc)
        rc = llmb_bench_params_defaults(&bp, threads);
    if (!rc)
        rc = llmb_plan_expand(&bp, &speed, &ns, err);
    for (size_t i = 0; !rc && i < ns; i++) /* the row of each speed test */
        for (int j = 0; j < nv; j++)
            if (!strcmp(speed[i].model, v[j].path))
                speed[i].group = j;
    const char *order[LLMB_LADDER_MAX + 1]; /* the reference first, so each model is loaded once */
    for (int j = 0; j < nv; j++)
        order[j] = v[j == 0 ? ref : (j <= ref ? j - 1 : j)].path;
    if (!rc && llmb_plan_merge_by_model(order, (size_t)nv, speed, ns, q.fam.inst, q.fam.n, &plan, &np))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    if (!rc && (!(done = calloc(np + 1, 1)) || !(left = malloc((np + 1) * sizeof *left))))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    struct llmb_run_params rp = llmb_run_default_params();
    rp.reps = c.reps;
    rp.auto_reps = c.auto_reps;
    char extra[160];
    snprintf(extra, sizeof extra, "pipeline;r=%d;auto=%d;seed=%u", rp.reps, rp.auto_reps, rp.seed);
    if (!rc)
        rc = llmb_cli_run_open(&c.run, "pipeline", argc, argv, plan, np, extra, done, err);
    if (!rc)
        rc = llmb_qrun_resume(&q, &c.run, plan, np, done, err);
    if (!rc && c.run.store) {
        struct llmb_store_family_member m[LLMB_LADDER_MAX + 1];
        for (int i = 0; i < nv; i++)
            m[i] = (struct llmb_store_family_member){.path = v[i].path, .label = v[i].label,
                                                     .is_reference = i == ref, .quantized_from = v[i].from};
        struct llmb_store_family fam = {.source_path = ref_path, .ladder = c.types, .members = m, .n = (size_t)nv};
        rc = llmb_store_put_family(c.run.store, c.run.run_id, &fam, err);
    }
    size_t nl = 0;
    for (size_t i = 0; !rc && i < np; i++)
        if (!done[i])
            left[nl++] = plan[i];
    if (!rc && nl == 0) {
        rc = llmb_cli_run_nothing_left(&c.run, np, err);
    } else if (!rc) {
        stage = 2;
        c.run.on_result = on_result;
        c.run.user = &q;
        rc = llmb_cli_run_execute(&c.run, llmb_engine_default(), left, nl, &rp, 1, err);
    }
    if (!rc && (rc = llmb_pipe_print(c.fmt, v, &q, quality)))
        llmb_error_set(err, rc, "cannot write the results to standard output");
out:;
    struct llmb_error e3 = {0};
    int rc3 = llmb_cli_run_close(&c.run, &e3);
    if (!rc && rc3)
        rc = rc3, *err = e3;
    size_t failed = c.run.n_failed;
    llmb_qrun_free(&q);
    llmb_bench_params_free(&bp);
    free(speed);
    free(plan);
    free(left);
    free(done);
    return llmb_cli_run_result(stage, rc, failed);
}
