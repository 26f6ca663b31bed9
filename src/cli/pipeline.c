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
#include "quality.h"

enum { O_SHAPE = 1, O_MODEL, O_SEED, O_TYPES, O_OUTDIR, O_PROMPT, O_GEN, O_REPS, O_THREADS, O_NO_REF, O_OUT, O_QUIET };

static const struct llmb_opt pipe_opts[] = {
    {O_SHAPE, "-s,--shape", "NAME", NULL, "synthetic model of this shape (see llmbench synth --list)"},
    {O_MODEL, "-m,--model", "FILE", NULL, "or: a real F16/BF16/F32 GGUF"},
    {O_SEED, "--seed", "N", "42", "seed of the synthetic weights"},
    {O_TYPES, "-q,--types", "LIST", "default", "ladder: types, or default (" LLMB_LADDER_DEFAULT "), extra, all"},
    {O_OUTDIR, "-O,--outdir", "DIR", "data folder / the model's folder", "where the quantized files go"},
    {O_PROMPT, "-p,--n-prompt", "N", "512", "prompt length of the pp test"},
    {O_GEN, "-n,--n-gen", "N", "128", "generated tokens of the tg test"},
    {O_REPS, "-r,--repetitions", "N|auto", "5", "repetitions per test (auto: until the 95% CI is within 2%)"},
    {O_THREADS, "-t,--threads", "N", "physical cores", "threads"},
    {O_NO_REF, "--no-ref", NULL, NULL, "do not benchmark the F16/F32 reference (Q8_0 becomes the reference)"},
    LLMB_QUALITY_OPTS,
    {O_OUT, "-o,--output", "FMT", "md", "md, csv, json or jsonl"},
    {O_QUIET, "--quiet", NULL, NULL, "no progress on stderr"},
    {0, NULL, NULL, NULL, NULL},
};

struct pipe_cli {
    const char *shape, *model, *types, *outdir, *fmt;
    long seed, p, n, threads;
    int reps, auto_reps, no_ref, quiet;
    struct llmb_quality_cli q; /* --ppl, --suite and their settings */
};

struct variant {
    const char *path;
    struct llmb_gguf_facts facts;
    const char *label;
    double pp, pp_sd, tg, tg_sd, ttft_ms, load_ms;
    uint64_t rss;
    int have_pp, have_tg;
};

struct collect {
    struct variant *v;
    int n;
};

static int parse_long(const char *name, const char *v, long min, long max, long *out, struct llmb_error *err)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (end == v || *end || x < min || x > max)
        return llmb_error_set(err, LLMB_E_INVAL, "%s: '%s' is not a whole number in [%ld, %ld]", name, v, min, max);
    *out = x;
    return LLMB_OK;
}

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct pipe_cli *c = user;
    long x;
    int rc;
    if (llmb_quality_opt(&c->q, id, name, v, &rc, err))
        return rc;
    switch (id) {
    case -1: return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s'", v);
    case O_SHAPE: c->shape = v; return LLMB_OK;
    case O_MODEL: c->model = v; return LLMB_OK;
    case O_SEED: return parse_long(name, v, 0, 0x7fffffffL, &c->seed, err);
    case O_TYPES: c->types = v; return LLMB_OK;
    case O_OUTDIR: c->outdir = v; return LLMB_OK;
    case O_PROMPT: return parse_long(name, v, 0, 1 << 20, &c->p, err);
    case O_GEN: return parse_long(name, v, 0, 1 << 20, &c->n, err);
    case O_THREADS: return parse_long(name, v, 1, 4096, &c->threads, err);
    case O_REPS:
        if (!strcmp(v, "auto")) {
            c->auto_reps = 1;
            return LLMB_OK;
        }
        if ((rc = parse_long(name, v, 1, 100000, &x, err)))
            return rc;
        c->reps = (int)x;
        return LLMB_OK;
    case O_NO_REF: c->no_ref = 1; return LLMB_OK;
    case O_OUT: c->fmt = v; return LLMB_OK;
    case O_QUIET: c->quiet = 1; return LLMB_OK;
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

static int on_result(const struct llmb_result *r, void *user)
{
    struct collect *c = user;
    for (int i = 0; i < c->n; i++) {
        struct variant *v = &c->v[i];
        if (strcmp(v->path, r->inst.model))
            continue;
        if (r->inst.n_gen == 0) {
            v->pp = r->pp_ts.mean;
            v->pp_sd = r->pp_ts.stddev;
            v->ttft_ms = r->ttft_ms.mean;
            v->have_pp = 1;
        } else {
            v->tg = r->tg_ts.mean;
            v->tg_sd = r->tg_ts.stddev;
            v->have_tg = 1;
        }
        v->load_ms = r->model.load_ms;
        if (r->peak_rss > v->rss)
            v->rss = r->peak_rss;
    }
    return LLMB_OK;
}

static void on_progress(const char *line, void *user)
{
    (void)user;
    fprintf(stderr, "llmbench: %s\n", line);
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
    if (!c->quiet)
        fprintf(stderr, "llmbench: writing synthetic %s (F16) to %s\n", sp.shape.name, path);
    sp.output = path;
    struct llmb_synth_info info;
    return llmb_synth_write(&sp, &info, err);
}

/* Quality asked: refuses up front what would otherwise fail only after the
 * ladder and the benchmark (synthetic weights without --force, a context
 * longer than the model's, unreadable text, a suite that does not load). */
static int quality_checks(const struct pipe_cli *c, const struct llmb_shape *shape, struct llmb_suite *suite,
                          struct llmb_error *err)
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
        return llmb_quality_synthetic_error(path, err);
    if (c->q.ppl && n_ctx > 0 && c->q.ctx > n_ctx)
        return llmb_error_set(err, LLMB_E_INVAL, "-c/--ctx-size %ld is larger than the model's context (%d) of '%s'",
                              c->q.ctx, n_ctx, path);
    return llmb_quality_prepare(&c->q, suite, err);
}

/* Every variant's quality against v[ref]; the speed just measured goes along
 * for the table. *out (free with llmb_quality_rows_free) is set even on failure. */
static int run_quality(const struct pipe_cli *c, const struct variant *v, int n, int ref,
                       const struct llmb_suite *suite, struct llmb_quality_row **out, struct llmb_error *err)
{
    struct llmb_quality_row *rows = calloc((size_t)n, sizeof *rows);
    if (!(*out = rows))
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    for (int i = 0; i < n; i++) {
        rows[i].path = v[i].path;
        rows[i].label = v[i].label;
        rows[i].have_pp = v[i].have_pp;
        rows[i].pp_ts = v[i].pp;
        rows[i].pp_sd = v[i].pp_sd;
        rows[i].have_tg = v[i].have_tg;
        rows[i].tg_ts = v[i].tg;
        rows[i].tg_sd = v[i].tg_sd;
    }
    struct llmb_quality_cli q = c->q;
    q.threads = c->threads;
    q.quiet = c->quiet;
    return llmb_quality_run_family(&q, rows, (size_t)n, (size_t)ref, q.suite ? suite : NULL, err);
}

static double rel(double x, double ref)
{
    return ref > 0 ? x / ref : 0;
}

/* rows: the variants' quality (NULL when not measured), whose fields join
 * each variant's object; suite answers go into json and jsonl only. */
static void print_table(const char *fmt, struct variant *v, int n, int ref, const struct llmb_quality_row *rows,
                        const struct llmb_suite *suite, const struct llmb_quality_cli *q)
{
    if (!strcmp(fmt, "md") && rows) {
        llmb_quality_print_table(rows, (size_t)n, (size_t)ref, 1);
        return;
    }
    if (!strcmp(fmt, "md")) {
        printf("| variant | size | bpw | pp t/s | tg t/s | TTFT ms | load ms | peak RSS | pp vs %s | tg vs %s |\n",
               v[ref].label, v[ref].label);
        printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (int i = 0; i < n; i++)
            printf("| %s | %.2f MiB | %.2f | %.2f \xc2\xb1 %.2f | %.2f \xc2\xb1 %.2f | %.2f | %.1f | %.2f MiB | %.2fx | %.2fx |\n",
                   v[i].label, v[i].facts.file_size / 1048576.0, v[i].facts.bpw, v[i].pp, v[i].pp_sd, v[i].tg,
                   v[i].tg_sd, v[i].ttft_ms, v[i].load_ms, v[i].rss / 1048576.0, rel(v[i].pp, v[ref].pp),
                   rel(v[i].tg, v[ref].tg));
        if (v[0].facts.synthetic)
            printf("\nnote: synthetic (random-weight) models: speed figures only, no quality meaning\n");
        return;
    }
    json_t *all = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "variant", json_string(v[i].label));
        json_object_set_new(o, "model_filename", json_string(v[i].path));
        json_object_set_new(o, "reference", json_boolean(i == ref));
        json_object_set_new(o, "file_size", json_integer((json_int_t)v[i].facts.file_size));
        json_object_set_new(o, "bpw", json_real(v[i].facts.bpw));
        json_object_set_new(o, "synthetic", json_boolean(v[i].facts.synthetic));
        json_object_set_new(o, "pp_avg_ts", v[i].have_pp ? json_real(v[i].pp) : json_null());
        json_object_set_new(o, "pp_stddev_ts", v[i].have_pp ? json_real(v[i].pp_sd) : json_null());
        json_object_set_new(o, "tg_avg_ts", v[i].have_tg ? json_real(v[i].tg) : json_null());
        json_object_set_new(o, "tg_stddev_ts", v[i].have_tg ? json_real(v[i].tg_sd) : json_null());
        json_object_set_new(o, "ttft_avg_ms", v[i].have_pp ? json_real(v[i].ttft_ms) : json_null());
        json_object_set_new(o, "load_ms", json_real(v[i].load_ms));
        json_object_set_new(o, "peak_rss_bytes", json_integer((json_int_t)v[i].rss));
        json_object_set_new(o, "pp_vs_ref", json_real(rel(v[i].pp, v[ref].pp)));
        json_object_set_new(o, "tg_vs_ref", json_real(rel(v[i].tg, v[ref].tg)));
        if (rows)
            llmb_quality_json_set(o, &rows[i], &rows[ref], suite);
        if (rows && rows[i].ans && strcmp(fmt, "csv"))
            json_object_set_new(o, "answers", llmb_quality_answers_json(&rows[i], suite, (uint32_t)q->seed, q->temp));
        json_array_append_new(all, o);
    }
    size_t flags = JSON_REAL_PRECISION(10);
    if (!strcmp(fmt, "json")) {
        json_dumpf(all, stdout, flags | JSON_INDENT(2));
        putchar('\n');
    } else if (!strcmp(fmt, "jsonl")) {
        size_t i;
        json_t *o;
        json_array_foreach(all, i, o) {
            json_dumpf(o, stdout, flags | JSON_COMPACT);
            putchar('\n');
        }
    } else { /* csv */
        const char *k;
        json_t *x;
        int first = 1;
        json_object_foreach(json_array_get(all, 0), k, x) {
            printf("%s%s", first ? "" : ",", k);
            first = 0;
        }
        putchar('\n');
        size_t i;
        json_t *o;
        json_array_foreach(all, i, o) {
            first = 1;
            json_object_foreach(o, k, x) {
                char *s = json_is_string(x) ? NULL : json_dumps(x, JSON_ENCODE_ANY | flags);
                printf("%s\"%s\"", first ? "" : ",", s ? s : json_string_value(x));
                free(s);
                first = 0;
            }
            putchar('\n');
        }
    }
    json_decref(all);
}

int llmb_cmd_pipeline(int argc, char **argv)
{
    struct pipe_cli c = {.types = "default", .fmt = "md", .seed = 42, .p = 512, .n = 128, .reps = 5};
    llmb_quality_cli_init(&c.q);
    struct llmb_error err = {0};
    int rc = llmb_opt_parse(pipe_opts, argc, argv, on_opt, &c, &err);
    if (rc == LLMB_OPT_HELP) {
        llmb_opt_usage(stdout, "llmbench pipeline (--shape NAME | -m MODEL) [options]",
                       "Makes the quantization ladder of a model (or of a synthetic shape), benchmarks every variant\n"
                       "and prints one comparison table. With --ppl and/or --suite every variant's quality is measured\n"
                       "against the reference too, and the table shows the quality each keeps.",
                       pipe_opts);
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
    if (!rc && c.outdir && access(c.outdir, W_OK) != 0)
        rc = llmb_error_set(&err, LLMB_E_INVAL, "--outdir '%s' is not a writable folder", c.outdir);
    int quality = c.q.ppl || c.q.suite;
    struct llmb_suite suite;
    memset(&suite, 0, sizeof suite);
    if (!rc && quality)
        rc = quality_checks(&c, &shape, &suite, &err);
    if (rc) {
        llmb_cli_error("%s", err.msg);
        llmb_suite_free(&suite);
        return LLMB_EXIT_USAGE;
    }
    for (size_t i = 0; i < suite.n_skipped; i++)
        fprintf(stderr, "llmbench: warning: %s\n", suite.warnings[i]);
    signal(SIGXFSZ, SIG_IGN);
    llmb_engine_global_init(1);

    /* 1. the reference model */
    char ref_path[4096], outdir[4096];
    if (c.shape) {
        rc = shape_reference(&c, ref_path, sizeof ref_path, &err);
        if (!rc && !c.outdir)
            rc = llmb_path_data_dir("models", outdir, sizeof outdir, &err);
    } else {
        snprintf(ref_path, sizeof ref_path, "%s", c.model);
    }
    if (c.outdir)
        snprintf(outdir, sizeof outdir, "%s", c.outdir);
    /* 2. the ladder */
    struct llmb_ladder_item items[LLMB_LADDER_MAX];
    if (!rc)
        rc = llmb_ladder_make(ref_path, c.shape || c.outdir ? outdir : NULL, ftypes, nq, (int)c.threads, 0,
                              !c.quiet && isatty(2), items, &err);
    if (rc) {
        llmb_cli_error("%s", err.msg);
        llmb_suite_free(&suite);
        return rc == LLMB_E_INVAL || rc == LLMB_E_MODEL ? LLMB_EXIT_USAGE : LLMB_EXIT_FAIL;
    }
    /* 3. benchmark every variant */
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
    }
    struct llmb_bench_params bp;
    memset(&bp, 0, sizeof bp);
    for (int i = 0; !rc && i < nv; i++)
        rc = llmb_str_list_push(&bp.models, v[i].path);
    if (!rc)
        rc = llmb_int_list_push(&bp.n_prompt, (int)c.p) || llmb_int_list_push(&bp.n_gen, (int)c.n);
    if (!rc && c.threads)
        rc = llmb_int_list_push(&bp.n_threads, (int)c.threads);
    if (!rc)
        rc = llmb_bench_params_defaults(&bp, llmb_probe_cpu_physical_cores());
    struct llmb_instance *inst = NULL;
    size_t ni = 0;
    if (!rc)
        rc = llmb_plan_expand(&bp, &inst, &ni, &err);
    if (!rc) {
        struct llmb_run_params rp = llmb_run_default_params();
        rp.reps = c.reps;
        rp.auto_reps = c.auto_reps;
        struct collect col = {.v = v, .n = nv};
        struct llmb_runner_hooks h = {.on_result = on_result, .on_progress = c.quiet ? NULL : on_progress,
                                      .user = &col};
        rc = llmb_runner_run(llmb_engine_find("llama"), inst, ni, &rp, &h, &err);
    }
    free(inst);
    llmb_bench_params_free(&bp);
    if (rc) {
        llmb_cli_error("%s", err.msg[0] ? err.msg : llmb_strerror(rc));
        llmb_suite_free(&suite);
        return LLMB_EXIT_FAIL;
    }
    /* 4. the reference: F16/BF16/F32, else Q8_0, else the first */
    int ref = -1;
    for (int i = 0; i < nv && ref < 0; i++)
        if (llmb_ftype_is_float(v[i].facts.file_type))
            ref = i;
    for (int i = 0; i < nv && ref < 0; i++)
        if (v[i].facts.file_type == 7)
            ref = i;
    ref = ref < 0 ? 0 : ref;
    /* 5. quality against the same reference, 6. the table */
    struct llmb_quality_row *rows = NULL;
    if (quality)
        rc = run_quality(&c, v, nv, ref, &suite, &rows, &err);
    if (rc)
        llmb_cli_error("%s", err.msg[0] ? err.msg : llmb_strerror(rc));
    else
        print_table(c.fmt, v, nv, ref, rows, &suite, &c.q);
    llmb_quality_rows_free(rows, (size_t)nv, &suite);
    llmb_suite_free(&suite);
    return rc ? (rc == LLMB_E_INVAL ? LLMB_EXIT_USAGE : LLMB_EXIT_FAIL) : LLMB_EXIT_OK;
}
