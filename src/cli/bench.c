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

#include "../core/atomic_file.h"
#include "cli.h"
#include "runctl.h"
#include "store_cli.h"
#include "llmbench/engine.h"
#include "llmbench/model.h"
#include "llmbench/output.h"
#include "llmbench/probe.h"
#include "llmbench/runner.h"
#include "opt.h"
#include "signals.h"

enum {
    O_MODEL = 1, O_PROMPT, O_GEN, O_PG, O_DEPTH, O_BATCH, O_UBATCH, O_CTK, O_CTV, O_THREADS, O_NGL, O_FA,
    O_REPS, O_CI, O_MAX_REPS, O_MAX_TIME, O_NO_WARMUP, O_OUT, O_OUT_ERR, O_EXP_MD, O_EXP_CSV, O_EXP_JSON,
    O_EXP_JSONL, O_ENGINE, O_SEED, O_PROGRESS, O_VERBOSE, O_NO_ISOLATE, O_FORCE,
};

static const struct llmb_opt bench_opts[] = {
    {O_MODEL, "-m,--model", "FILE[,FILE]", NULL, "GGUF model(s) to test; repeatable"},
    {O_PROMPT, "-p,--n-prompt", "LIST", "512", "prompt lengths to process (0 skips)"},
    {O_GEN, "-n,--n-gen", "LIST", "128", "numbers of tokens to generate (0 skips)"},
    {O_PG, "-pg", "P,G", NULL, "prompt of P tokens then G generated, as one test; repeatable"},
    {O_DEPTH, "-d,--n-depth", "LIST", "0", "tokens already in the KV cache before each test"},
    {O_BATCH, "-b,--batch-size", "LIST", "2048", "logical batch sizes"},
    {O_UBATCH, "-ub,--ubatch-size", "LIST", "512", "physical (micro) batch sizes"},
    {O_CTK, "-ctk,--cache-type-k", "LIST", "f16", "KV cache K types (f32 f16 bf16 q8_0 q4_0 q4_1 iq4_nl q5_0 q5_1)"},
    {O_CTV, "-ctv,--cache-type-v", "LIST", "f16", "KV cache V types"},
    {O_THREADS, "-t,--threads", "LIST", "physical cores", "thread counts"},
    {O_NGL, "-ngl,--n-gpu-layers", "LIST", "-1 (all)", "layers offloaded to the GPU"},
    {O_FA, "-fa,--flash-attn", "LIST", "auto", "flash attention: on/off/auto (1/0/-1)"},
    {O_REPS, "-r,--repetitions", "N|auto", "5", "repetitions per test; auto: until the 95% CI half-width is within --ci-target"},
    {O_CI, "--ci-target", "PCT", "2", "-r auto: target CI half-width, % of the mean"},
    {O_MAX_REPS, "--max-reps", "N", "50", "-r auto: most repetitions per test"},
    {O_MAX_TIME, "--max-time", "SEC", "60", "-r auto: time budget per test"},
    {O_NO_WARMUP, "--no-warmup", NULL, NULL, "skip the warm-up run"},
    {O_OUT, "-o,--output", "FMT", "md", "stdout format: md, csv, json, jsonl, none"},
    {O_OUT_ERR, "-oe,--output-err", "FMT", "none", "stderr format: md, csv, json, jsonl, none"},
    {O_EXP_MD, "--export-md", "FILE", NULL, "also write a markdown table to FILE"},
    {O_EXP_CSV, "--export-csv", "FILE", NULL, "also write CSV to FILE"},
    {O_EXP_JSON, "--export-json", "FILE", NULL, "also write JSON to FILE"},
    {O_EXP_JSONL, "--export-jsonl", "FILE", NULL, "also write JSON Lines to FILE"},
    {O_ENGINE, "--engine", "NAME", "llama", "engine: llama (in process) or null (no model, for tests)"},
    {O_SEED, "--seed", "N", "1234", "seed of the random prompt tokens"},
    {O_PROGRESS, "--progress", NULL, "a bar on a terminal", "print one progress line per step to stderr"},
    {O_VERBOSE, "-v,--verbose", NULL, NULL, "show the engine's log"},
    LLMB_RUN_OPTS,
    {O_NO_ISOLATE, "--no-isolate", NULL, NULL, "run in this process instead of a worker per model configuration"},
    {O_FORCE, "--force", NULL, NULL, "run a model even when it does not seem to fit in memory"},
    {0, NULL, NULL, NULL, NULL},
};

#define MAX_SINKS 6

struct sink {
    const char *format;
    const char *path; /* NULL: stdout/stderr */
    FILE *std;
    struct llmb_atomic_file af;
    struct llmb_printer *pr;
};

struct bench_cli {
    struct llmb_bench_params bp;
    struct llmb_run_params   rp;
    const char              *engine;
    const char              *out_fmt, *err_fmt;
    struct sink              sinks[MAX_SINKS];
    int                      n_sinks;
    int                      verbose, isolate, force;
    size_t                   n_rows;
    struct llmb_cli_run      run; /* store, resume, events, progress */
};

static int parse_num(const char *name, const char *v, double min, double max, double *out, struct llmb_error *err)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || d < min || d > max)
        return llmb_error_set(err, LLMB_E_INVAL, "%s: '%s' is not a number in [%g, %g]", name, v, min, max);
    *out = d;
    return LLMB_OK;
}

static int add_export(struct bench_cli *c, const char *fmt, const char *path, struct llmb_error *err)
{
    if (c->n_sinks >= MAX_SINKS)
        return llmb_error_set(err, LLMB_E_INVAL, "too many outputs");
    c->sinks[c->n_sinks].format = fmt;
    c->sinks[c->n_sinks++].path = path;
    return LLMB_OK;
}

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct bench_cli *c = user;
    struct llmb_bench_params *p = &c->bp;
    struct llmb_error e = {0};
    int rc = LLMB_OK;
    double d;
    if (llmb_cli_run_opt(&c->run, id, name, v, &rc, err))
        return rc;
    switch (id) {
    case -1: return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (models go after -m)", v);
    case O_MODEL: rc = llmb_plan_parse_strs(v, &p->models, &e); break;
    case O_PROMPT: rc = llmb_plan_parse_ints(v, 0, &p->n_prompt, &e); break;
    case O_GEN: rc = llmb_plan_parse_ints(v, 0, &p->n_gen, &e); break;
    case O_PG: rc = llmb_plan_parse_pg(v, &p->pg, &e); break;
    case O_DEPTH: rc = llmb_plan_parse_ints(v, 0, &p->n_depth, &e); break;
    case O_BATCH: rc = llmb_plan_parse_ints(v, 0, &p->n_batch, &e); break;
    case O_UBATCH: rc = llmb_plan_parse_ints(v, 0, &p->n_ubatch, &e); break;
    case O_CTK: rc = llmb_plan_parse_strs(v, &p->type_k, &e); break;
    case O_CTV: rc = llmb_plan_parse_strs(v, &p->type_v, &e); break;
    case O_THREADS: rc = llmb_plan_parse_ints(v, 0, &p->n_threads, &e); break;
    case O_NGL: rc = llmb_plan_parse_ints(v, -1, &p->n_gpu_layers, &e); break;
    case O_FA: rc = llmb_plan_parse_fa(v, &p->flash_attn, &e); break;
    case O_REPS:
        if (!strcmp(v, "auto")) {
            c->rp.auto_reps = 1;
        } else if (!(rc = parse_num(name, v, 1, 100000, &d, err))) {
            if (d != (int)d)
                return llmb_error_set(err, LLMB_E_INVAL, "%s: '%s' is not a whole number", name, v);
            c->rp.reps = (int)d;
            c->rp.auto_reps = 0;
        }
        return rc;
    case O_CI:
        rc = parse_num(name, v, 0.01, 100, &c->rp.ci_target_pct, err);
        return rc;
    case O_MAX_REPS:
        if (!(rc = parse_num(name, v, 2, 100000, &d, err)))
            c->rp.max_reps = (int)d;
        return rc;
    case O_MAX_TIME: return parse_num(name, v, 0, 1e7, &c->rp.max_time_s, err);
    case O_NO_WARMUP: c->rp.warmup = 0; return LLMB_OK;
    case O_OUT: c->out_fmt = v; return LLMB_OK;
    case O_OUT_ERR: c->err_fmt = v; return LLMB_OK;
    case O_EXP_MD: return add_export(c, "md", v, err);
    case O_EXP_CSV: return add_export(c, "csv", v, err);
    case O_EXP_JSON: return add_export(c, "json", v, err);
    case O_EXP_JSONL: return add_export(c, "jsonl", v, err);
    case O_ENGINE: c->engine = v; return LLMB_OK;
    case O_SEED:
        if (!(rc = parse_num(name, v, 0, 4294967295.0, &d, err)))
            c->rp.seed = (unsigned)d;
        return rc;
    case O_PROGRESS: c->run.progress_mode = LLMB_PROGRESS_LINES; return LLMB_OK;
    case O_VERBOSE: c->verbose = 1; return LLMB_OK;
    case O_NO_ISOLATE: c->isolate = 0; return LLMB_OK;
    case O_FORCE: c->force = 1; return LLMB_OK;
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
    if (rc)
        return llmb_error_set(err, rc, "%s: %s", name, e.msg);
    return LLMB_OK;
}

/* Called after timing, outside any timed region: print (the store is runctl's). */
static int on_result(const struct llmb_result *r, void *user)
{
    struct bench_cli *c = user;
    for (int i = 0; i < c->n_sinks; i++)
        if (c->sinks[i].pr && llmb_printer_row(c->sinks[i].pr, r))
            return llmb_error_set(NULL, LLMB_E_IO, "write failed");
    c->n_rows++;
    return LLMB_OK;
}

/* Memory pre-check: a model needs at least its file in RAM (mmap'd weights
 * are paged in). Refuse, with the numbers, one that cannot fit. */
static int check_memory(const struct llmb_bench_params *bp, int force, struct llmb_error *err)
{
    FILE *f = fopen("/proc/meminfo", "r");
    unsigned long long avail_kb = 0;
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &avail_kb) == 1)
            break;
    if (f)
        fclose(f);
    if (!avail_kb || force)
        return LLMB_OK;
    for (size_t i = 0; i < bp->models.n; i++) {
        struct llmb_gguf_facts facts;
        if (llmb_model_facts(bp->models.v[i], &facts, NULL))
            continue;
        double need = (double)facts.tensor_bytes * 1.05 + 64.0 * 1048576;
        if (need > (double)avail_kb * 1024.0)
            return llmb_error_set(err, LLMB_E_INVAL,
                                  "model '%s' needs about %.2f GiB of memory, %.2f GiB is available "
                                  "(--force to run it anyway)", bp->models.v[i], need / 1073741824.0,
                                  (double)avail_kb / 1048576.0);
    }
    return LLMB_OK;
}

/* Before anything runs: no export overwrites a model, the database, the
 * events log or another export, and every export can be written. */
static int check_outputs(const struct bench_cli *c, int model_files, struct llmb_error *err)
{
    const char *what[MAX_SINKS], *paths[MAX_SINKS];
    char names[MAX_SINKS][32];
    for (int i = 0; i < c->n_sinks; i++) {
        snprintf(names[i], sizeof names[i], "--export-%s", c->sinks[i].format);
        what[i] = names[i];
        paths[i] = c->sinks[i].path;
    }
    return llmb_cli_run_check_outputs(&c->run, (const char *const *)c->bp.models.v, model_files ? c->bp.models.n : 0,
                                      what, paths, (size_t)c->n_sinks, err);
}

/* The plan's identity beyond its instances: what changes the figures. */
static void plan_extra(const struct bench_cli *c, char *buf, size_t len)
{
    snprintf(buf, len, "engine=%s;r=%d;auto=%d;ci=%g;min=%d;max=%d;t=%g;warmup=%d;seed=%u", c->engine, c->rp.reps,
             c->rp.auto_reps, c->rp.ci_target_pct, c->rp.min_reps, c->rp.max_reps, c->rp.max_time_s, c->rp.warmup,
             c->rp.seed);
}

static int check_format(const char *what, const char *fmt, struct llmb_error *err)
{
    if (fmt && strcmp(fmt, "none") && !llmb_output_format_known(fmt))
        return llmb_error_set(err, LLMB_E_INVAL, "%s: unknown format '%s' (md, csv, json, jsonl, none)", what, fmt);
    return LLMB_OK;
}

/* Opens every sink; on failure closes those already open and removes their
 * temporary files. */
static int open_sinks(struct bench_cli *c, struct llmb_error *err)
{
    int rc = LLMB_OK, i;
    for (i = 0; i < c->n_sinks && !rc; i++) {
        struct sink *s = &c->sinks[i];
        FILE *f = s->std;
        if (s->path && !(rc = llmb_atomic_open(&s->af, s->path, err)))
            f = s->af.f;
        if (!rc && !(s->pr = llmb_printer_new(s->format, f, &c->bp)))
            rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        if (!rc)
            rc = llmb_printer_header(s->pr);
    }
    return rc;
}

/* Ends every printer; commits export files of a complete run holding at
 * least one row (failed: 1), removes the others. Returns the first failure. */
static int close_sinks(struct bench_cli *c, int failed, struct llmb_error *err)
{
    int rc = LLMB_OK;
    for (int i = 0; i < c->n_sinks; i++) {
        struct sink *s = &c->sinks[i];
        if (s->pr && llmb_printer_footer(s->pr) && !rc)
            rc = llmb_error_set(err, LLMB_E_IO, "cannot write %s output", s->format);
        if (s->path) {
            if (!failed && c->n_rows > 0 && s->af.f) {
                int r2 = llmb_atomic_commit(&s->af, rc ? NULL : err);
                rc = rc ? rc : r2;
            }
            llmb_atomic_abort(&s->af);
        }
        llmb_printer_free(s->pr);
        s->pr = NULL;
    }
    return rc;
}

int llmb_cmd_bench(int argc, char **argv)
{
    struct bench_cli c;
    memset(&c, 0, sizeof c);
    c.rp = llmb_run_default_params();
    c.engine = "llama";
    c.out_fmt = "md";
    c.err_fmt = "none";
    c.isolate = 1;
    llmb_cli_run_init(&c.run);
    c.run.progress_mode = isatty(2) ? LLMB_PROGRESS_BAR : LLMB_PROGRESS_NONE; /* llama-bench is silent */
    struct llmb_error err = {0};
    struct llmb_instance *inst = NULL;
    unsigned char *done = NULL;
    size_t n_inst = 0;

    llmb_cli_signals_catch(); /* from here on Ctrl-C stops the command cleanly */
    int rc = llmb_opt_parse(bench_opts, argc, argv, on_opt, &c, &err);
    if (rc == LLMB_OPT_HELP) {
        llmb_opt_usage(stdout, "llmbench bench -m MODEL [options]",
                       "Measures prompt processing (pp) and generation (tg) speed like llama-bench; LIST is\n"
                       "a comma-separated list whose items may be ranges first-last[+step|*factor].",
                       bench_opts);
        llmb_bench_params_free(&c.bp);
        return LLMB_EXIT_OK;
    }
    const struct llmb_engine_ops *engine = NULL;
    if (!rc && !(engine = llmb_engine_find(c.engine)))
        rc = llmb_error_set(&err, LLMB_E_INVAL, "--engine: unknown engine '%s' (llama, null)", c.engine);
    if (!rc)
        rc = check_format("-o", c.out_fmt, &err);
    if (!rc)
        rc = check_format("-oe", c.err_fmt, &err);
    if (!rc) /* engine logs off (unless -v) before anything reads a model file */
        llmb_engine_global_init(!c.verbose);
    if (!rc)
        rc = llmb_bench_params_defaults(&c.bp, llmb_probe_cpu_physical_cores());
    if (!rc)
        rc = llmb_bench_params_validate(&c.bp, &err);
    if (!rc)
        rc = llmb_plan_expand(&c.bp, &inst, &n_inst, &err);
    for (size_t i = 0; !rc && !strcmp(engine->name, "llama") && i < c.bp.models.n; i++)
        rc = llmb_model_check(c.bp.models.v[i], NULL, &err);
    if (!rc && !strcmp(engine->name, "llama"))
        rc = check_memory(&c.bp, c.force, &err);
    if (!rc)
        rc = check_outputs(&c, !strcmp(engine->name, "llama"), &err);
    if (!rc && !(done = calloc(n_inst ? n_inst : 1, 1)))
        rc = llmb_error_set(&err, LLMB_E_NOMEM, "out of memory");
    char extra[256];
    plan_extra(&c, extra, sizeof extra);
    int stage = 0; /* 0 checking input (exit 2), 1 opening the run, 2 running */
    if (!rc && (stage = 1))
        rc = llmb_cli_run_open(&c.run, "bench", argc, argv, inst, n_inst, extra, done, &err);
    size_t planned = n_inst, k = 0;
    for (size_t i = 0; !rc && i < n_inst; i++)
        if (!done[i])
            inst[k++] = inst[i];
    if (!rc && (n_inst = k) == 0) {
        rc = llmb_cli_run_nothing_left(&c.run, planned, &err);
        goto done;
    }
    if (rc)
        goto done;

    /* sinks: stdout, stderr, then exports */
    for (int i = c.n_sinks; i > 0; i--)
        c.sinks[i + 1] = c.sinks[i - 1];
    c.n_sinks += 2;
    c.sinks[0] = (struct sink){.format = c.out_fmt, .std = stdout};
    c.sinks[1] = (struct sink){.format = c.err_fmt, .std = stderr};
    for (int i = 0; i < 2; i++)
        if (!strcmp(c.sinks[i].format, "none"))
            c.sinks[i].format = NULL;
    for (int i = 0; i < c.n_sinks; i++) /* drop "none" sinks */
        if (!c.sinks[i].format) {
            memmove(&c.sinks[i], &c.sinks[i + 1], sizeof c.sinks[0] * (size_t)(c.n_sinks - i - 1));
            c.n_sinks--;
            i--;
        }
    if ((rc = open_sinks(&c, &err))) {
        close_sinks(&c, 1, NULL);
        if (c.run.store)
            llmb_store_end_run(c.run.store, c.run.run_id, LLMB_RUN_FAILED, NULL);
        goto done;
    }
    c.run.on_result = on_result;
    c.run.user = &c;
    stage = 2;
    rc = llmb_cli_run_execute(&c.run, engine, inst, n_inst, &c.rp, c.isolate, &err);
    int rc2 = close_sinks(&c, rc, rc ? NULL : &err);
    rc = rc ? rc : rc2;
done:;
    struct llmb_error e3 = {0};
    int rc3 = llmb_cli_run_close(&c.run, &e3);
    if (!rc && rc3)
        rc = rc3, err = e3;
    if (rc && rc != LLMB_E_INTERRUPTED) /* an interruption was told in one line already */
        llmb_cli_error("%s", err.msg[0] ? err.msg : llmb_strerror(rc));
    free(inst);
    free(done);
    llmb_bench_params_free(&c.bp);
    return llmb_cli_stage_exit(stage, rc, c.run.n_failed);
}
