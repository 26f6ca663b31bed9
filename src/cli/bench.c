/* bench.c - `llmbench bench`: llama-bench's flags and test matrix, measured
 * through the engine seam, printed by any set of printers (stdout, stderr and
 * --export-FORMAT files written atomically). All input is validated before the
 * first measurement, so a bad flag or model file costs nothing and writes
 * nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <signal.h>
#include <unistd.h>

#include "bench_flags.h"
#include "cli.h"
#include "runctl.h"
#include "store_cli.h"
#include "llmbench/engine.h"
#include "llmbench/model.h"
#include "llmbench/output.h"
#include "llmbench/probe.h"
#include "llmbench/runner.h"
#include "opt.h"
#include "output/sinks.h"
#include "signals.h"

enum {
    O_REPS = 1,
    O_CI,
    O_MAX_REPS,
    O_MAX_TIME,
    O_NO_WARMUP,
    O_OUT,
    O_OUT_ERR,
    O_EXP_MD,
    O_EXP_CSV,
    O_EXP_JSON,
    O_EXP_JSONL,
    O_EXP_SQL,
    O_ENGINE,
    O_SEED,
    O_PROGRESS,
    O_VERBOSE,
    O_NO_ISOLATE,
    O_FORCE,
    O_LIST_DEVICES,
    O_VERSION,
    O_CI_STAT,
    O_WARMUP,
};

const struct llmb_opt llmb_bench_opts[] = {
    {O_VERSION, "--version", NULL, NULL, "show llmbench's and llama.cpp's version and build", LLMB_OPT_FLAG, 0, 0, 0,
     NULL},
    LLMB_BENCH_PARAM_OPTS,
    {O_REPS, "-r,--repetitions", "N|auto", "5",
     "repetitions per test; auto: until the 95% CI half-width is within --ci-target", LLMB_OPT_INT, 1, 100000, 0,
     "auto"},
    {O_CI, "--ci-target", "PCT", "2", "-r auto: target half-width of the 95% interval, % of the figure",
     LLMB_OPT_DOUBLE, 0.01, 100, 0, NULL},
    {O_CI_STAT, "--ci-stat", "median|mean", "median",
     "-r auto: the interval held to --ci-target: the median's (order statistics) or the mean's (Student t)",
     LLMB_OPT_ENUM, 0, 0, 0, NULL},
    {O_MAX_REPS, "--max-reps", "N", "50", "-r auto: most repetitions per test", LLMB_OPT_INT, 2, 100000, 0, NULL},
    {O_MAX_TIME, "--max-time", "SEC", "60", "-r auto: time budget per test", LLMB_OPT_DOUBLE, 0, 1e7, 0, NULL},
    {O_WARMUP, "--warmup", "N", "1", "warm-up runs before each test's repetitions (0: none)", LLMB_OPT_INT, 0, 1000, 0,
     NULL},
    {O_NO_WARMUP, "--no-warmup", NULL, NULL, "skip the warm-up run (--warmup 0)", LLMB_OPT_FLAG, 0, 0, 0, NULL},
    {O_OUT, "-o,--output", "FMT", "md", "stdout format: md, csv, json, jsonl, sql, none", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_OUT_ERR, "-oe,--output-err", "FMT", "none", "stderr format: md, csv, json, jsonl, sql, none", LLMB_OPT_STR, 0, 0,
     0, NULL},
    {O_LIST_DEVICES, "--list-devices", NULL, NULL, "list the devices the engine can use, and exit", LLMB_OPT_FLAG, 0, 0,
     0, NULL},
    {O_EXP_MD, "--export-md", "FILE", NULL, "also write a markdown table to FILE", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_EXP_CSV, "--export-csv", "FILE", NULL, "also write CSV to FILE", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_EXP_JSON, "--export-json", "FILE", NULL, "also write JSON to FILE", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_EXP_JSONL, "--export-jsonl", "FILE", NULL, "also write JSON Lines to FILE", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_EXP_SQL, "--export-sql", "FILE", NULL, "also write an SQL script to FILE", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_ENGINE, "--engine", "NAME", "the first registered",
     "engine: llama.cpp in process, or null (no model, for tests)", LLMB_OPT_STR, 0, 0, 0, NULL},
    {O_SEED, "--seed", "N", "1234", "seed of the random prompt tokens", LLMB_OPT_U64, 0, 4294967295.0, 0, NULL},
    {O_PROGRESS, "--progress", NULL, "a bar on a terminal", "print one progress line per step to stderr", LLMB_OPT_FLAG,
     0, 0, 0, NULL},
    {O_VERBOSE, "-v,--verbose", NULL, NULL, "show the engine's log", LLMB_OPT_FLAG, 0, 0, 0, NULL},
    LLMB_RUN_OPTS,
    {O_NO_ISOLATE, "--no-isolate", NULL, NULL, "run in this process instead of a worker per model configuration",
     LLMB_OPT_FLAG, 0, 0, 0, NULL},
    {O_FORCE, "--force", NULL, NULL, "run a model even when it does not seem to fit in memory", LLMB_OPT_FLAG, 0, 0, 0,
     NULL},
    {0},
};

struct bench_cli {
    struct llmb_bench_params bp;
    struct llmb_bench_flags  bf;
    int                      list_devices, version;
    struct llmb_run_params   rp;
    const char              *engine;
    const char              *out_fmt, *err_fmt;
    struct llmb_sinks exports; /* --export-FORMAT files, in the order given */
    int                      verbose, isolate, force;
    struct llmb_sinks sinks;      /* stdout, stderr, then the exports */
    struct llmb_cli_run      run; /* store, resume, events, progress */
};

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct bench_cli *c = user;
    struct llmb_bench_params *p = &c->bp;
    int rc = LLMB_OK;
    if (llmb_cli_run_opt(&c->run, id, name, v, &rc, err) || llmb_cli_bench_param_opt(p, &c->bf, id, name, v, &rc, err))
        return rc;
    static const char *const exp_fmt[] = {"md", "csv", "json", "jsonl", "sql"};  /* O_EXP_MD ... O_EXP_SQL */
    if (id >= O_EXP_MD && id <= O_EXP_SQL && c->exports.n >= LLMB_SINKS_MAX - 2) /* stdout and stderr come too */
        return llmb_error_set(err, LLMB_E_INVAL, "%s: too many exports (at most %d)", name, LLMB_SINKS_MAX - 2);
    if (id >= O_EXP_MD && id <= O_EXP_SQL)
        return llmb_sinks_add(&c->exports, exp_fmt[id - O_EXP_MD], v, NULL, err);
    switch (id) {
    case -1: return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (models go after -m)", v);
    case O_REPS:
        if (!strcmp(v, "auto")) {
            c->rp.auto_reps = 1;
        } else {
            c->rp.reps = (int)llmb_opt_value(v);
            c->rp.auto_reps = 0;
        }
        return LLMB_OK;
    case O_CI: c->rp.ci_target_pct = llmb_opt_value(v); return LLMB_OK;
    case O_CI_STAT: c->rp.ci_mean = !strcmp(v, "mean"); return LLMB_OK;
    case O_MAX_REPS: c->rp.max_reps = (int)llmb_opt_value(v); return LLMB_OK;
    case O_MAX_TIME: c->rp.max_time_s = llmb_opt_value(v); return LLMB_OK;
    case O_NO_WARMUP: c->rp.warmup = 0; return LLMB_OK;
    case O_WARMUP: c->rp.warmup = (int)llmb_opt_value(v); return LLMB_OK;
    case O_OUT: c->out_fmt = v; return LLMB_OK;
    case O_OUT_ERR: c->err_fmt = v; return LLMB_OK;
    case O_LIST_DEVICES: c->list_devices = 1; return LLMB_OK;
    case O_VERSION: c->version = 1; return LLMB_OK;
    case O_ENGINE: c->engine = v; return LLMB_OK;
    case O_SEED: c->rp.seed = (unsigned)llmb_opt_value(v); return LLMB_OK;
    case O_PROGRESS: c->run.progress_mode = LLMB_PROGRESS_LINES; return LLMB_OK;
    case O_VERBOSE: c->verbose = 1; return LLMB_OK;
    case O_NO_ISOLATE: c->isolate = 0; return LLMB_OK;
    case O_FORCE: c->force = 1; return LLMB_OK;
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

/* Called after timing, outside any timed region: print (the store is runctl's). */
static int on_result(const struct llmb_result *r, void *user)
{
    struct bench_cli *c = user;
    return llmb_sinks_row(&c->sinks, r) ? llmb_error_set(NULL, LLMB_E_IO, "write failed") : LLMB_OK;
}

/* Before anything runs: no export overwrites a model, the database, the
 * events log or another export, and every export can be written. */
static int check_outputs(const struct bench_cli *c, int model_files, struct llmb_error *err)
{
    const char *what[LLMB_SINKS_MAX], *paths[LLMB_SINKS_MAX];
    char names[LLMB_SINKS_MAX][32];
    for (int i = 0; i < c->exports.n; i++) {
        snprintf(names[i], sizeof names[i], "--export-%s", c->exports.s[i].format);
        what[i] = names[i];
        paths[i] = c->exports.s[i].path;
    }
    return llmb_cli_run_check_outputs(&c->run, (const char *const *)c->bp.models.v, model_files ? c->bp.models.n : 0,
                                      what, paths, (size_t)c->exports.n, err);
}

/* The plan's identity beyond its instances: what changes the figures. */
static void plan_extra(const struct bench_cli *c, char *buf, size_t len)
{
    int n = snprintf(buf, len, "engine=%s;r=%d;auto=%d;ci=%g;min=%d;max=%d;t=%g;warmup=%d;seed=%u", c->engine,
                     c->rp.reps, c->rp.auto_reps, c->rp.ci_target_pct, c->rp.min_reps, c->rp.max_reps,
                     c->rp.max_time_s, c->rp.warmup, c->rp.seed);
    if (n > 0 && (size_t)n < len && (c->rp.delay_s || c->rp.prio || c->rp.numa)) /* plans of older versions keep their hash */
        n += snprintf(buf + n, len - (size_t)n, ";delay=%d;prio=%d;numa=%d", c->rp.delay_s, c->rp.prio, c->rp.numa);
    if (n > 0 && (size_t)n < len && (c->rp.ci_mean || c->rp.interleave))
        snprintf(buf + n, len - (size_t)n, "%s%s", c->rp.ci_mean ? ";ci=mean" : "",
                 c->rp.interleave ? ";interleave" : "");
}

static int check_format(const char *what, const char *fmt, struct llmb_error *err)
{
    if (fmt && strcmp(fmt, "none") && !llmb_output_format_known(fmt))
        return llmb_error_set(err, LLMB_E_INVAL, "%s: unknown format '%s' (%s, none)", what, fmt,
                              llmb_output_formats());
    return LLMB_OK;
}

int llmb_cmd_bench(int argc, char **argv, struct llmb_error *err)
{
    struct bench_cli c;
    memset(&c, 0, sizeof c);
    c.rp = llmb_run_default_params();
    c.engine = llmb_engine_default()->name;
    c.out_fmt = "md";
    c.err_fmt = "none";
    c.isolate = 1;
    llmb_cli_run_init(&c.run);
    c.run.progress_mode = isatty(2) ? LLMB_PROGRESS_BAR : LLMB_PROGRESS_NONE; /* llama-bench is silent */
    struct llmb_instance *inst = NULL;
    unsigned char *done = NULL;
    size_t n_inst = 0;

    llmb_cli_signals_catch(); /* from here on Ctrl-C stops the command cleanly */
    int rc = llmb_opt_parse(llmb_bench_opts, argc, argv, on_opt, &c, err);
    const struct llmb_engine_ops *engine = NULL;
    if (!rc && !(engine = llmb_engine_find(c.engine)))
        rc = llmb_error_set(err, LLMB_E_INVAL, "--engine: unknown engine '%s' (%s)", c.engine, llmb_engine_names());
    if (!rc && (c.version || c.list_devices)) { /* as llama-bench: say it and exit */
        llmb_engine_global_init(!c.verbose);
        if (c.version) {
            printf("llmbench %s\n", llmb_version());
            if (engine->version)
                engine->version(stdout);
        } else {
            rc = llmb_engine_print_devices(engine, c.bf.rpc, stdout, err);
        }
        llmb_bench_params_free(&c.bp);
        return rc || !fflush(stdout) ? rc : llmb_error_set(err, LLMB_E_IO, "cannot write to standard output");
    }
    if (!rc && c.bf.hf)
        rc = llmb_error_set(err, LLMB_E_UNSUPPORTED,
                            "-hf %s: llmbench does not download models (it never fetches anything while it runs); "
                            "download the file (llama-cli -hf, or huggingface-cli) and pass it with -m",
                            c.bf.hf);
    llmb_cli_bench_flags_to_run(&c.bf, &c.rp);
    c.rp.verbose = c.verbose;
    if (!rc && !(rc = check_format("-o", c.out_fmt, err)) && !(rc = check_format("-oe", c.err_fmt, err)))
        llmb_engine_global_init(!c.verbose); /* engine logs off (unless -v) before anything reads a model file */
    rc = rc ? rc : llmb_bench_params_defaults(&c.bp, llmb_probe_cpu_physical_cores());
    rc = rc ? rc : llmb_bench_params_validate(&c.bp, err);
    rc = rc ? rc : llmb_plan_expand(&c.bp, &inst, &n_inst, err);
    if (!rc && c.rp.interleave)
        rc = llmb_runner_interleave_check(inst, n_inst, &c.rp, err);
    for (size_t i = 0; !rc && engine->check && i < n_inst; i++) { /* devices, buffer types, masks, KV types */
        struct llmb_model_params mp;
        struct llmb_context_params cp;
        struct llmb_threadpool_params tp;
        llmb_instance_engine_params(&inst[i], &c.rp, &mp, &cp, &tp);
        rc = engine->check(&mp, &cp, err);
    }
    if (!rc && c.rp.prio) /* as llama-bench: the process first (workers inherit it), then each test's threads */
        rc = llmb_runner_set_priority(c.rp.prio, err);
    if (!rc && engine->preflight) /* the models' files and memory, as the engine knows them */
        rc = engine->preflight((const char *const *)c.bp.models.v, c.bp.models.n, c.force, err);
    if (!rc)
        rc = check_outputs(&c, (engine->caps & LLMB_ENGINE_MODEL_FILES) != 0, err);
    if (!rc && !(done = calloc(n_inst ? n_inst : 1, 1)))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    char extra[256];
    plan_extra(&c, extra, sizeof extra);
    int stage = 0; /* 0 checking input (exit 2), 1 opening the run, 2 running */
    c.run.runs_per_test = (c.rp.auto_reps ? c.rp.max_reps : c.rp.reps) + c.rp.warmup;
    if (!rc && (stage = 1))
        rc = llmb_cli_run_open(&c.run, "bench", argc, argv, inst, n_inst, extra, done, err);
    size_t planned = n_inst, k = 0;
    for (size_t i = 0; !rc && i < n_inst; i++)
        if (!done[i])
            inst[k++] = inst[i];
    if (!rc && (n_inst = k) == 0) {
        rc = llmb_cli_run_nothing_left(&c.run, planned, err);
        goto done;
    }
    if (rc)
        goto done;

    /* sinks: stdout, stderr, then exports */
    rc = llmb_sinks_add(&c.sinks, c.out_fmt, NULL, stdout, err);
    if (!rc)
        rc = llmb_sinks_add(&c.sinks, c.err_fmt, NULL, stderr, err);
    for (int i = 0; !rc && i < c.exports.n; i++)
        rc = llmb_sinks_add(&c.sinks, c.exports.s[i].format, c.exports.s[i].path, NULL, err);
    if (rc || (rc = llmb_sinks_open(&c.sinks, inst, n_inst, err))) {
        if (c.run.store)
            llmb_store_end_run(c.run.store, c.run.run_id, LLMB_RUN_FAILED, NULL);
        goto done;
    }
    c.run.on_result = on_result;
    c.run.user = &c;
    stage = 2;
    rc = llmb_cli_run_execute(&c.run, engine, inst, n_inst, &c.rp, c.isolate, err);
    int rc2 = llmb_sinks_close(&c.sinks, rc, rc ? NULL : err);
    rc = rc ? rc : rc2;
done:;
    struct llmb_error e3 = {0};
    int rc3 = llmb_cli_run_close(&c.run, &e3);
    if (!rc && rc3)
        rc = rc3, *err = e3;
    free(inst);
    free(done);
    llmb_bench_params_free(&c.bp);
    return llmb_cli_run_result(stage, rc, c.run.n_failed);
}
