/* quality.c - `llmbench quality`: perplexity (llama-perplexity's method),
 * KL divergence against a reference, and the graded prompt suite, for one
 * model or a family of variants. With several models the first (or
 * --ref-model) is the reference: its log-probabilities and answers are what
 * the others are measured against, and one "quality retained" table results. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "llmbench/engine.h"
#include "llmbench/model.h"
#include "llmbench/plan.h"
#include "llmbench/probe.h"
#include "llmbench/quality.h"
#include "opt.h"
#include "quality.h"

enum {
    O_MODEL = 1, O_BATCH, O_THREADS, O_SAVE_REF, O_REF, O_TOPK, O_TEMP, O_SEED, O_REF_MODEL, O_OUT, O_QUIET,
    O_VERBOSE,
};

static const struct llmb_opt q_opts[] = {
    {O_MODEL, "-m,--model", "FILE[,FILE]", NULL, "model(s); with several, the first is the reference"},
    LLMB_QUALITY_OPTS,
    {O_BATCH, "-b,--batch-size", "N", "2048", "batch size (n_batch / n_ctx chunks per pass, as llama-perplexity)"},
    {O_THREADS, "-t,--threads", "N", "physical cores", "threads"},
    {O_SAVE_REF, "--save-ref", "FILE", NULL, "save the (reference) model's top-k log-probabilities for KL divergence"},
    {O_REF, "--ref", "FILE", NULL, "KL divergence against this saved reference"},
    {O_TOPK, "--top-k", "N", "32", "log-probabilities kept per token in a saved reference"},
    {O_TEMP, "--temp", "T", "0 (greedy)", "suite: sampling temperature"},
    {O_SEED, "--seed", "N", "42", "suite: sampling seed (recorded)"},
    {O_REF_MODEL, "--ref-model", "FILE", "the first -m", "the reference among several models"},
    {O_OUT, "-o,--output", "FMT", "md", "md, csv, json or jsonl"},
    {O_QUIET, "--quiet", NULL, NULL, "no progress on stderr"},
    {O_VERBOSE, "-v,--verbose", NULL, NULL, "show the engine's log"},
    {0, NULL, NULL, NULL, NULL},
};

static int num(const char *name, const char *v, double min, double max, double *out, struct llmb_error *err)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !(d >= min && d <= max))
        return llmb_error_set(err, LLMB_E_INVAL, "%s: '%s' is not a number in [%g, %g]", name, v, min, max);
    *out = d;
    return LLMB_OK;
}

static int whole(const char *name, const char *v, long min, long max, long *out, struct llmb_error *err)
{
    double d;
    int rc = num(name, v, (double)min, (double)max, &d, err);
    if (!rc && d != (long)d)
        rc = llmb_error_set(err, LLMB_E_INVAL, "%s: '%s' is not a whole number", name, v);
    if (!rc)
        *out = (long)d;
    return rc;
}

void llmb_quality_cli_init(struct llmb_quality_cli *c)
{
    *c = (struct llmb_quality_cli){.fmt = "md", .ctx = 512, .batch = 2048, .chunks = -1, .topk = 32, .maxtok = 128,
                                   .seed = 42};
}

int llmb_quality_opt(struct llmb_quality_cli *c, int id, const char *name, const char *v, int *rc,
                     struct llmb_error *err)
{
    switch (id) {
    case LLMB_QOPT_PPL: c->ppl = v; *rc = LLMB_OK; return 1;
    case LLMB_QOPT_CTX: *rc = whole(name, v, 8, 1 << 20, &c->ctx, err); return 1;
    case LLMB_QOPT_CHUNKS: *rc = whole(name, v, 1, 1 << 30, &c->chunks, err); return 1;
    case LLMB_QOPT_SUITE: c->suite = v; *rc = LLMB_OK; return 1;
    case LLMB_QOPT_MAXTOK: *rc = whole(name, v, 1, 1 << 16, &c->maxtok, err); return 1;
    case LLMB_QOPT_FORCE: c->force = 1; *rc = LLMB_OK; return 1;
    default: return 0;
    }
}

static int on_opt(int id, const char *name, const char *v, void *user, struct llmb_error *err)
{
    struct llmb_quality_cli *c = user;
    struct llmb_error e = {0};
    int rc;
    if (llmb_quality_opt(c, id, name, v, &rc, err))
        return rc;
    switch (id) {
    case -1: return llmb_error_set(err, LLMB_E_INVAL, "unexpected argument '%s' (models go after -m)", v);
    case O_MODEL:
        if (llmb_plan_parse_strs(v, &c->models, &e))
            return llmb_error_set(err, LLMB_E_INVAL, "%s: %s", name, e.msg);
        return LLMB_OK;
    case O_BATCH: return whole(name, v, 1, 1 << 20, &c->batch, err);
    case O_THREADS: return whole(name, v, 1, 4096, &c->threads, err);
    case O_SAVE_REF: c->save_ref = v; return LLMB_OK;
    case O_REF: c->ref = v; return LLMB_OK;
    case O_TOPK: return whole(name, v, 1, 1024, &c->topk, err);
    case O_TEMP: return num(name, v, 0, 10, &c->temp, err);
    case O_SEED: return whole(name, v, 0, 0xffffffffL, &c->seed, err);
    case O_REF_MODEL: c->ref_model = v; return LLMB_OK;
    case O_OUT: c->fmt = v; return LLMB_OK;
    case O_QUIET: c->quiet = 1; return LLMB_OK;
    case O_VERBOSE: c->verbose = 1; return LLMB_OK;
    default: return llmb_error_set(err, LLMB_E_INVAL, "unhandled option '%s'", name);
    }
}

struct prog {
    size_t model, n_models;
};

static void ppl_progress(int chunk, int n_chunk, double ppl, void *user)
{
    struct prog *p = user;
    fprintf(stderr, "\rllmbench: quality: model %zu/%zu: perplexity chunk %d/%d, PPL %.4f", p->model, p->n_models,
            chunk, n_chunk, ppl);
    if (chunk == n_chunk)
        fputc('\n', stderr);
}

static void suite_progress(size_t i, size_t n, void *user)
{
    struct prog *p = user;
    fprintf(stderr, "\rllmbench: quality: model %zu/%zu: prompt %zu/%zu", p->model, p->n_models, i, n);
    if (i == n)
        fputc('\n', stderr);
}

/* ---- output -------------------------------------------------------------------------- */

static json_t *num_or_null(int have, double v)
{
    return have ? json_real(v) : json_null();
}

void llmb_quality_json_set(json_t *o, const struct llmb_quality_row *m, const struct llmb_quality_row *ref,
                           const struct llmb_suite *suite)
{
    int p = m->have_ppl, k = p && m->ppl.have_kld;
    json_object_set_new(o, "ppl", num_or_null(p, m->ppl.ppl));
    json_object_set_new(o, "ppl_err", num_or_null(p, m->ppl.ppl_err));
    json_object_set_new(o, "ppl_delta_pct", num_or_null(p && ref->have_ppl && ref->ppl.ppl > 0,
                                                        100.0 * (m->ppl.ppl / ref->ppl.ppl - 1)));
    json_object_set_new(o, "n_ctx", p ? json_integer(m->ppl.n_ctx) : json_null());
    json_object_set_new(o, "chunks", p ? json_integer(m->ppl.n_chunks) : json_null());
    json_object_set_new(o, "tokens_scored", p ? json_integer(m->ppl.n_scored) : json_null());
    json_object_set_new(o, "ppl_seconds", num_or_null(p, m->ppl.seconds));
    json_object_set_new(o, "seconds_per_pass", num_or_null(p, m->ppl.seconds_per_pass));
    json_object_set_new(o, "ppl_tokens_per_s", num_or_null(p, m->ppl.tokens_per_s));
    json_object_set_new(o, "kld_mean", num_or_null(k, m->ppl.kld_mean));
    json_object_set_new(o, "kld_err", num_or_null(k, m->ppl.kld_err));
    json_object_set_new(o, "kld_median", num_or_null(k, m->ppl.kld_median));
    json_object_set_new(o, "kld_p99", num_or_null(k, m->ppl.kld_p99));
    json_object_set_new(o, "kld_max", num_or_null(k, m->ppl.kld_max));
    json_object_set_new(o, "top1_agreement", num_or_null(k, m->ppl.top1));
    json_object_set_new(o, "top1_err", num_or_null(k, m->ppl.top1_err));
    json_object_set_new(o, "rms_dp", num_or_null(k, m->ppl.rms_dp));
    json_object_set_new(o, "rms_dp_err", num_or_null(k, m->ppl.rms_dp_err));
    json_object_set_new(o, "ref_ppl", num_or_null(k, m->ppl.ref_ppl));
    json_object_set_new(o, "ppl_ratio", num_or_null(k, m->ppl.ppl_ratio));
    int s = m->ans != NULL;
    json_object_set_new(o, "suite", s ? json_string(suite->name) : json_null());
    json_object_set_new(o, "suite_passed", s ? json_integer(m->n_pass) : json_null());
    json_object_set_new(o, "suite_checked", s ? json_integer(m->n_checked) : json_null());
    json_object_set_new(o, "suite_pass_rate", num_or_null(s && m->n_checked, (double)m->n_pass / (m->n_checked ? m->n_checked : 1)));
    json_object_set_new(o, "suite_similarity", num_or_null(s && m->n_sim, m->sim_sum / (m->n_sim ? m->n_sim : 1)));
    json_object_set_new(o, "suite_tg_ts", num_or_null(s && m->n_tg, m->tg_sum / (m->n_tg ? m->n_tg : 1)));
    json_object_set_new(o, "suite_ttft_ms", num_or_null(s && suite->n, m->ttft_sum / (double)(suite->n ? suite->n : 1)));
}

static json_t *model_json(const struct llmb_quality_row *m, const struct llmb_quality_row *ref, int is_ref, const struct llmb_suite *suite)
{
    json_t *o = json_object();
    json_object_set_new(o, "model_filename", json_string(m->path));
    json_object_set_new(o, "model_type", json_string(m->mi.desc));
    json_object_set_new(o, "quant_type", json_string(m->mi.quant));
    json_object_set_new(o, "file_size", json_integer((json_int_t)m->mi.file_size));
    json_object_set_new(o, "bpw", json_real(m->mi.bpw));
    json_object_set_new(o, "synthetic", json_boolean(m->mi.synthetic));
    json_object_set_new(o, "reference", json_boolean(is_ref));
    llmb_quality_json_set(o, m, ref, suite);
    return o;
}

static json_t *answer_json(const struct llmb_suite_item *it, const struct llmb_suite_answer *a, uint32_t seed,
                           double temp)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(it->id));
    json_object_set_new(o, "category", json_string(it->category));
    json_object_set_new(o, "prompt", json_string(it->prompt));
    json_object_set_new(o, "response", json_string(a->response ? a->response : ""));
    json_object_set_new(o, "pass", a->pass < 0 ? json_null() : json_boolean(a->pass));
    json_object_set_new(o, "similarity", num_or_null(a->similarity >= 0, a->similarity));
    json_object_set_new(o, "tokens", json_integer(a->n_gen));
    json_object_set_new(o, "prompt_tokens", json_integer(a->n_prompt));
    json_object_set_new(o, "ttft_ms", json_real(a->ttft_ms));
    json_object_set_new(o, "tg_ts", json_real(a->tg_ts));
    json_object_set_new(o, "chat_template", json_boolean(a->template_used));
    json_object_set_new(o, "stopped", json_boolean(a->stopped));
    json_object_set_new(o, "temperature", json_real(temp));
    json_object_set_new(o, "seed", json_integer(seed));
    return o;
}

json_t *llmb_quality_answers_json(const struct llmb_quality_row *m, const struct llmb_suite *suite, uint32_t seed,
                                  double temp)
{
    json_t *answers = json_array();
    for (size_t j = 0; m->ans && j < suite->n; j++)
        json_array_append_new(answers, answer_json(&suite->items[j], &m->ans[j], seed, temp));
    return answers;
}

/* One line of markdown table text: no newlines or pipes, at most max bytes. */
static void md_cell(const char *s, size_t max, char *out, size_t len)
{
    size_t n = 0;
    for (; s && *s && n + 4 < len && n < max; s++) {
        if (*s == '\n' || *s == '\r' || *s == '\t')
            out[n++] = ' ';
        else if (*s == '|') {
            out[n++] = '\\';
            out[n++] = '|';
        } else
            out[n++] = *s;
    }
    if (s && *s && n + 4 < len)
        out[n++] = '.', out[n++] = '.', out[n++] = '.';
    out[n] = 0;
}

/* fmt's text when have, else "-". */
static void __attribute__((format(printf, 4, 5))) fmt_opt(char *b, size_t n, int have, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (have)
        vsnprintf(b, n, fmt, ap);
    else
        snprintf(b, n, "-");
    va_end(ap);
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

void llmb_quality_print_table(const struct llmb_quality_row *runs, size_t n, size_t ref, int speed)
{
    const struct llmb_quality_row *r0 = &runs[ref];
    int labels = n && runs[0].label;
    printf("| %s |%s size | bpw |%s PPL | ΔPPL | KLD mean | KLD p99 | top-1 | RMS Δp | suite pass | similarity | ppl t/s |\n",
           labels ? "variant" : "model", labels ? "" : " quant |", speed ? " pp t/s | tg t/s |" : "");
    printf("| --- |%s ---: | ---: |%s ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
           labels ? "" : " --- |", speed ? " ---: | ---: |" : "");
    for (size_t i = 0; i < n; i++) {
        const struct llmb_quality_row *m = &runs[i];
        char ppl[64], dppl[32], kld[64], p99[32], top[48], rms[48], pass[32], sim[32], tps[32], pp[64], tg[64];
        int k = m->have_ppl && m->ppl.have_kld;
        fmt_opt(ppl, sizeof ppl, m->have_ppl, "%.4f ± %.4f", m->ppl.ppl, m->ppl.ppl_err);
        fmt_opt(dppl, sizeof dppl, m->have_ppl && r0->have_ppl, "%+.2f%%",
                r0->have_ppl ? 100.0 * (m->ppl.ppl / r0->ppl.ppl - 1) : 0);
        fmt_opt(kld, sizeof kld, k, "%.6f ± %.6f", m->ppl.kld_mean, m->ppl.kld_err);
        fmt_opt(p99, sizeof p99, k, "%.6f", m->ppl.kld_p99);
        fmt_opt(top, sizeof top, k, "%.2f ± %.2f%%", 100 * m->ppl.top1, 100 * m->ppl.top1_err);
        fmt_opt(rms, sizeof rms, k, "%.3f ± %.3f%%", 100 * m->ppl.rms_dp, 100 * m->ppl.rms_dp_err);
        fmt_opt(pass, sizeof pass, m->ans && m->n_checked, "%d/%d", m->n_pass, m->n_checked);
        fmt_opt(sim, sizeof sim, m->ans && m->n_sim, "%.3f", m->n_sim ? m->sim_sum / m->n_sim : 0);
        fmt_opt(tps, sizeof tps, m->have_ppl, "%.1f", m->ppl.tokens_per_s);
        char name[160], quant[80] = "", speeds[160] = "";
        md_cell(labels && m->label ? m->label : base_name(m->path), 60, name, sizeof name);
        if (!labels)
            snprintf(quant, sizeof quant, " %s |", m->mi.quant);
        if (speed) {
            fmt_opt(pp, sizeof pp, m->have_pp, "%.2f ± %.2f", m->pp_ts, m->pp_sd);
            fmt_opt(tg, sizeof tg, m->have_tg, "%.2f ± %.2f", m->tg_ts, m->tg_sd);
            snprintf(speeds, sizeof speeds, " %s | %s |", pp, tg);
        }
        printf("| %s%s |%s %.2f MiB | %.2f |%s %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name,
               i == ref && n > 1 ? " (ref)" : "", quant, m->mi.file_size / 1048576.0, m->mi.bpw, speeds, ppl, dppl,
               kld, p99, top, rms, pass, sim, tps);
    }
    for (size_t i = 0; i < n; i++)
        if (runs[i].mi.synthetic) {
            printf("\nnote: synthetic (random-weight) model measured with --force: these quality figures mean nothing\n");
            break;
        }
}

static void print_md(struct llmb_quality_row *runs, size_t n, size_t ref, const struct llmb_suite *suite)
{
    llmb_quality_print_table(runs, n, ref, 0);
    if (suite && suite->n) {
        printf("\n| model | prompt | category | pass | similarity | tokens | TTFT ms | t/s | response |\n");
        printf("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |\n");
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; runs[i].ans && j < suite->n; j++) {
                const struct llmb_suite_answer *a = &runs[i].ans[j];
                char resp[400], sim[32];
                md_cell(a->response, 160, resp, sizeof resp);
                fmt_opt(sim, sizeof sim, a->similarity >= 0, "%.3f", a->similarity);
                printf("| %s | %s | %s | %s | %s | %d | %.1f | %.1f | %s |\n", base_name(runs[i].path),
                       suite->items[j].id, suite->items[j].category, a->pass < 0 ? "-" : a->pass ? "pass" : "FAIL",
                       sim, a->n_gen, a->ttft_ms, a->tg_ts, resp);
            }
        }
    }
}

static void csv_value(json_t *v)
{
    if (json_is_null(v))
        return;
    char *s = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(10));
    const char *t = s ? s : json_string_value(v);
    putchar('"');
    for (; *t; t++) {
        if (*t == '"')
            putchar('"');
        putchar(*t);
    }
    putchar('"');
    free(s);
}

static void print_structured(const char *fmt, struct llmb_quality_row *runs, size_t n, size_t ref, const struct llmb_suite *suite,
                             const struct llmb_quality_cli *c)
{
    size_t flags = JSON_REAL_PRECISION(10) | JSON_ENSURE_ASCII;
    json_t *all = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = model_json(&runs[i], &runs[ref], i == ref, suite);
        json_object_set_new(o, "answers", llmb_quality_answers_json(&runs[i], suite, (uint32_t)c->seed, c->temp));
        json_array_append_new(all, o);
    }
    size_t i;
    json_t *o;
    if (!strcmp(fmt, "json")) {
        json_dumpf(all, stdout, flags | JSON_INDENT(2));
        putchar('\n');
    } else if (!strcmp(fmt, "jsonl")) {
        json_array_foreach(all, i, o) {
            json_dumpf(o, stdout, flags | JSON_COMPACT);
            putchar('\n');
        }
    } else { /* csv: one row per answer (or per model without a suite), model fields repeated */
        int header = 0;
        json_array_foreach(all, i, o) {
            json_t *answers = json_object_get(o, "answers");
            size_t na = json_array_size(answers), rows = na ? na : 1;
            for (size_t r = 0; r < rows; r++) {
                json_t *a = na ? json_array_get(answers, r) : NULL;
                json_t *sample = a ? a : answer_json(&(struct llmb_suite_item){.id = "", .category = "", .prompt = ""},
                                                     &(struct llmb_suite_answer){.similarity = -1, .pass = -1}, 0, 0);
                const char *k;
                json_t *v;
                if (!header) {
                    int first = 1;
                    json_object_foreach(o, k, v) if (!json_is_array(v)) printf("%s%s", first ? "" : ",", k), first = 0;
                    json_object_foreach(sample, k, v) printf(",answer_%s", k);
                    putchar('\n');
                    header = 1;
                }
                int first = 1;
                json_object_foreach(o, k, v) if (!json_is_array(v)) {
                    if (!first)
                        putchar(',');
                    first = 0;
                    csv_value(v);
                }
                json_object_foreach(sample, k, v) {
                    putchar(',');
                    if (a)
                        csv_value(v);
                }
                putchar('\n');
                if (!a)
                    json_decref(sample);
            }
        }
    }
    json_decref(all);
}

/* ---- the command ------------------------------------------------------------------- */

int llmb_quality_synthetic_error(const char *path, struct llmb_error *err)
{
    return llmb_error_set(err, LLMB_E_INVAL, "model '%s' is synthetic (random weights): its quality figures "
                          "would mean nothing (--force to measure anyway)", path);
}

int llmb_quality_prepare(const struct llmb_quality_cli *c, struct llmb_suite *suite, struct llmb_error *err)
{
    int rc = LLMB_OK;
    if (c->ppl && !c->ref) { /* the text must be readable before anything runs */
        char *t;
        size_t len;
        if (!(rc = llmb_text_read(c->ppl, &t, &len, err)))
            free(t);
    }
    if (!rc && c->suite)
        rc = llmb_suite_load(c->suite, suite, err);
    return rc;
}

static int run_model(const struct llmb_quality_cli *c, struct llmb_quality_row *m, const struct llmb_suite *suite, const struct llmb_quality_row *ref_run,
                     const char *save_ref, const char *ref_in, struct prog *pg, struct llmb_error *err)
{
    const struct llmb_engine_ops *e = llmb_engine_find("llama");
    void *st = NULL;
    struct llmb_model_params mp = {.path = m->path, .n_gpu_layers = -1};
    int rc = e->open(&mp, &st, err);
    if (rc)
        return rc;
    e->describe(st, &m->mi);
    if (m->mi.synthetic && !c->force) {
        e->close(st);
        return llmb_quality_synthetic_error(m->path, err);
    }
    int threads = c->threads > 0 ? (int)c->threads : llmb_probe_cpu_physical_cores();
    if (c->ppl || ref_in) {
        struct llmb_ppl_params pp = llmb_ppl_default_params();
        pp.text_path = c->ppl;
        pp.n_ctx = (int)c->ctx;
        pp.n_batch = (int)c->batch;
        pp.n_chunks = (int)c->chunks;
        pp.n_threads = threads;
        pp.top_k = (int)c->topk;
        pp.ref_out = save_ref;
        pp.ref_in = ref_in;
        pp.progress = c->quiet ? NULL : ppl_progress;
        pp.user = pg;
        rc = llmb_ppl_run(e, st, &m->mi, &pp, &m->ppl, err);
        m->have_ppl = rc == LLMB_OK;
    }
    if (!rc && suite) {
        struct llmb_suite_params sp = llmb_suite_default_params();
        sp.max_tokens = (int)c->maxtok;
        sp.temperature = (float)c->temp;
        sp.seed = (uint32_t)c->seed;
        sp.n_threads = threads;
        sp.ref = ref_run ? ref_run->ans : NULL;
        sp.progress = c->quiet ? NULL : suite_progress;
        sp.user = pg;
        m->ans = calloc(suite->n, sizeof *m->ans);
        rc = m->ans ? llmb_suite_run(e, st, suite, &sp, m->ans, err) : llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        if (rc) {
            free(m->ans);
            m->ans = NULL;
        }
        for (size_t j = 0; !rc && j < suite->n; j++) {
            const struct llmb_suite_answer *a = &m->ans[j];
            if (a->pass >= 0) {
                m->n_checked++;
                m->n_pass += a->pass;
            }
            if (a->similarity >= 0) {
                m->sim_sum += a->similarity;
                m->n_sim++;
            }
            if (a->tg_ts > 0) {
                m->tg_sum += a->tg_ts;
                m->n_tg++;
            }
            m->ttft_sum += a->ttft_ms;
        }
    }
    e->close(st);
    return rc;
}

int llmb_quality_run_family(const struct llmb_quality_cli *c, struct llmb_quality_row *rows, size_t n, size_t ref,
                            const struct llmb_suite *suite, struct llmb_error *err)
{
    /* several models with a text: the reference's log-probabilities go to a file the others read */
    char tmp_ref[4096] = "";
    const char *save_ref = c->save_ref, *ref_in = c->ref;
    if (n > 1 && c->ppl && !c->ref && !c->save_ref) {
        const char *d = getenv("TMPDIR");
        snprintf(tmp_ref, sizeof tmp_ref, "%s/llmbench-ref.XXXXXX", d && *d ? d : "/tmp");
        int fd = mkstemp(tmp_ref);
        if (fd < 0)
            return llmb_error_set(err, LLMB_E_IO, "cannot create a temporary reference file in %s", d && *d ? d : "/tmp");
        close(fd);
        save_ref = tmp_ref;
    }
    int rc = LLMB_OK;
    /* the reference first, then the others in order */
    for (size_t k = 0; !rc && k < n; k++) {
        size_t i = k == 0 ? ref : (k <= ref ? k - 1 : k);
        struct prog pg = {.model = k + 1, .n_models = n};
        int is_ref = i == ref;
        rc = run_model(c, &rows[i], suite, is_ref ? NULL : &rows[ref], is_ref ? save_ref : NULL,
                       is_ref ? c->ref : (ref_in ? ref_in : (n > 1 && c->ppl ? save_ref : NULL)), &pg, err);
    }
    if (tmp_ref[0])
        unlink(tmp_ref);
    return rc;
}

void llmb_quality_rows_free(struct llmb_quality_row *rows, size_t n, const struct llmb_suite *suite)
{
    for (size_t i = 0; rows && i < n; i++)
        if (rows[i].ans) {
            llmb_suite_answers_free(rows[i].ans, suite->n);
            free(rows[i].ans);
        }
    free(rows);
}

int llmb_cmd_quality(int argc, char **argv)
{
    struct llmb_quality_cli c;
    llmb_quality_cli_init(&c);
    struct llmb_error err = {0};
    int rc = llmb_opt_parse(q_opts, argc, argv, on_opt, &c, &err);
    if (rc == LLMB_OPT_HELP) {
        llmb_opt_usage(stdout, "llmbench quality -m MODEL[,MODEL...] [--ppl FILE] [--suite default|FILE] [options]",
                       "Perplexity as llama-perplexity computes it, KL divergence against a reference, and a graded\n"
                       "prompt suite. With several models the first (or --ref-model) is the reference.",
                       q_opts);
        llmb_str_list_free(&c.models);
        return LLMB_EXIT_OK;
    }
    struct llmb_suite suite;
    memset(&suite, 0, sizeof suite);
    size_t n = c.models.n, ref = 0;
    if (!rc && n == 0)
        rc = llmb_error_set(&err, LLMB_E_INVAL, "no model given (use -m FILE)");
    if (!rc && !c.ppl && !c.ref && !c.suite)
        rc = llmb_error_set(&err, LLMB_E_INVAL, "nothing to measure: give --ppl FILE, --ref FILE and/or --suite");
    if (!rc && c.save_ref && c.ref)
        rc = llmb_error_set(&err, LLMB_E_INVAL, "--save-ref and --ref exclude each other");
    if (!rc && c.save_ref && !c.ppl)
        rc = llmb_error_set(&err, LLMB_E_INVAL, "--save-ref needs --ppl FILE");
    if (!rc && strcmp(c.fmt, "md") && strcmp(c.fmt, "csv") && strcmp(c.fmt, "json") && strcmp(c.fmt, "jsonl"))
        rc = llmb_error_set(&err, LLMB_E_INVAL, "-o: unknown format '%s' (md, csv, json, jsonl)", c.fmt);
    for (size_t i = 0; !rc && i < n; i++)
        rc = llmb_model_check(c.models.v[i], NULL, &err);
    if (!rc && c.ref_model) {
        for (ref = 0; ref < n && strcmp(c.models.v[ref], c.ref_model); ref++)
            ;
        if (ref == n)
            rc = llmb_error_set(&err, LLMB_E_INVAL, "--ref-model '%s' is not one of the -m models", c.ref_model);
    }
    if (!rc)
        rc = llmb_quality_prepare(&c, &suite, &err);
    if (rc) {
        llmb_cli_error("%s", err.msg);
        llmb_str_list_free(&c.models);
        return LLMB_EXIT_USAGE;
    }
    for (size_t i = 0; i < suite.n_skipped; i++)
        fprintf(stderr, "llmbench: warning: %s\n", suite.warnings[i]);
    llmb_engine_global_init(!c.verbose);

    struct llmb_quality_row *runs = calloc(n, sizeof *runs);
    for (size_t i = 0; runs && i < n; i++)
        runs[i].path = c.models.v[i];
    rc = runs ? llmb_quality_run_family(&c, runs, n, ref, c.suite ? &suite : NULL, &err)
              : llmb_error_set(&err, LLMB_E_NOMEM, "out of memory");
    if (!rc) {
        if (!strcmp(c.fmt, "md"))
            print_md(runs, n, ref, &suite);
        else
            print_structured(c.fmt, runs, n, ref, &suite, &c);
    } else {
        llmb_cli_error("%s", err.msg);
    }
    llmb_quality_rows_free(runs, n, &suite);
    llmb_suite_free(&suite);
    llmb_str_list_free(&c.models);
    return rc ? (rc == LLMB_E_INVAL ? LLMB_EXIT_USAGE : LLMB_EXIT_FAIL) : LLMB_EXIT_OK;
}
