/* md.c - markdown table printer with llama-bench's columns (model, size,
 * params, backend, ngl, threads, changed settings, test, t/s), widths and
 * footer, so tables from both tools sit side by side. llmbench's extra
 * figures (TTFT, peak RSS; CI and reps under -r auto) follow as trailing
 * columns. The header waits for the first row: the backend decides columns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printer.h"

enum col {
    C_MODEL, C_SIZE, C_PARAMS, C_BACKEND, C_NGL, C_THREADS, C_BATCH, C_UBATCH, C_TYPE_K, C_TYPE_V, C_FA,
    C_TEST, C_TS, C_TTFT, C_RSS, C_CI, C_REPS, C_COUNT
};

static const struct { const char *name; int width; } cols[C_COUNT] = {
    [C_MODEL] = {"model", -30},  [C_SIZE] = {"size", 10},     [C_PARAMS] = {"params", 10},
    [C_BACKEND] = {"backend", -10}, [C_NGL] = {"ngl", 3},     [C_THREADS] = {"threads", 7},
    [C_BATCH] = {"n_batch", 7},  [C_UBATCH] = {"n_ubatch", 8}, [C_TYPE_K] = {"type_k", 6},
    [C_TYPE_V] = {"type_v", 6},  [C_FA] = {"fa", 3},          [C_TEST] = {"test", 15},
    [C_TS] = {"t/s", 20},        [C_TTFT] = {"ttft ms", 10},  [C_RSS] = {"peak RSS", 10},
    [C_CI] = {"95% CI t/s", 20}, [C_REPS] = {"reps", 4},
};

struct md_state {
    int  header_done;
    int  ncols;
    int  order[C_COUNT];
    int  auto_reps;
    char build[96];
    int  synthetic;
};

static int int_list_is(const struct llmb_int_list *l, int v)
{
    return l->n == 1 && l->v[0] == v;
}

static int str_list_is(const struct llmb_str_list *l, const char *v)
{
    return l->n == 1 && !strcmp(l->v[0], v);
}

static void choose_columns(struct llmb_printer *p, struct md_state *s, const char *backend)
{
    const struct llmb_bench_params *bp = p->params;
    int cpu = !backend || !backend[0] || strstr(backend, "CPU") || strstr(backend, "BLAS") || strstr(backend, "null");
    int n = 0;
    s->order[n++] = C_MODEL;
    s->order[n++] = C_SIZE;
    s->order[n++] = C_PARAMS;
    s->order[n++] = C_BACKEND;
    if (!cpu)
        s->order[n++] = C_NGL;
    if (!bp || cpu || bp->n_threads.n > 1)
        s->order[n++] = C_THREADS;
    if (bp && !int_list_is(&bp->n_batch, 2048))
        s->order[n++] = C_BATCH;
    if (bp && !int_list_is(&bp->n_ubatch, 512))
        s->order[n++] = C_UBATCH;
    if (bp && !str_list_is(&bp->type_k, "f16"))
        s->order[n++] = C_TYPE_K;
    if (bp && !str_list_is(&bp->type_v, "f16"))
        s->order[n++] = C_TYPE_V;
    if (bp && !int_list_is(&bp->flash_attn, -1))
        s->order[n++] = C_FA;
    s->order[n++] = C_TEST;
    s->order[n++] = C_TS;
    s->order[n++] = C_TTFT;
    s->order[n++] = C_RSS;
    if (s->auto_reps) {
        s->order[n++] = C_CI;
        s->order[n++] = C_REPS;
    }
    s->ncols = n;
}

static void put_header(struct llmb_printer *p, struct md_state *s)
{
    fputc('|', p->out);
    for (int i = 0; i < s->ncols; i++)
        fprintf(p->out, " %*s |", cols[s->order[i]].width, cols[s->order[i]].name);
    fputs("\n|", p->out);
    for (int i = 0; i < s->ncols; i++) {
        int w = abs(cols[s->order[i]].width);
        fputc(' ', p->out);
        for (int k = 0; k < w - 1; k++)
            fputc('-', p->out);
        fputs(cols[s->order[i]].width > 0 ? ": |" : "- |", p->out);
    }
    fputc('\n', p->out);
    s->header_done = 1;
}

static void fmt_size(char *b, size_t n, uint64_t bytes)
{
    if (bytes < 1024ull * 1024 * 1024)
        snprintf(b, n, "%.2f MiB", bytes / 1024.0 / 1024.0);
    else
        snprintf(b, n, "%.2f GiB", bytes / 1024.0 / 1024.0 / 1024.0);
}

static const char *fa_name(int fa)
{
    return fa == 1 ? "1" : fa == 0 ? "0" : "auto";
}

static int md_row(struct llmb_printer *p, const struct llmb_result *r)
{
    struct md_state *s = p->state;
    if (!s->header_done) {
        s->auto_reps = r->stop_reason != LLMB_STOP_FIXED;
        choose_columns(p, s, r->model.backends);
        put_header(p, s);
    }
    snprintf(s->build, sizeof s->build, "%s (%d)", r->model.build_commit, r->model.build_number);
    s->synthetic |= r->model.synthetic;
    fputc('|', p->out);
    for (int i = 0; i < s->ncols; i++) {
        char v[160];
        int c = s->order[i], w = cols[c].width;
        switch (c) {
        case C_MODEL: snprintf(v, sizeof v, "%s", r->model.desc); break;
        case C_SIZE: fmt_size(v, sizeof v, r->model.model_size); break;
        case C_PARAMS:
            if (r->model.n_params < 1000000000ull)
                snprintf(v, sizeof v, "%.2f M", r->model.n_params / 1e6);
            else
                snprintf(v, sizeof v, "%.2f B", r->model.n_params / 1e9);
            break;
        case C_BACKEND: snprintf(v, sizeof v, "%s", r->model.backends); break;
        case C_NGL: snprintf(v, sizeof v, "%d", r->inst.n_gpu_layers); break;
        case C_THREADS: snprintf(v, sizeof v, "%d", r->applied.n_threads); break;
        case C_BATCH: snprintf(v, sizeof v, "%d", r->applied.n_batch); break;
        case C_UBATCH: snprintf(v, sizeof v, "%d", r->applied.n_ubatch); break;
        case C_TYPE_K: snprintf(v, sizeof v, "%s", r->applied.type_k); break;
        case C_TYPE_V: snprintf(v, sizeof v, "%s", r->applied.type_v); break;
        case C_FA: snprintf(v, sizeof v, "%s", fa_name(r->inst.flash_attn)); break;
        case C_TEST: llmb_instance_test_name(&r->inst, v, sizeof v); break;
        case C_TS:
            if (r->error) {
                snprintf(v, sizeof v, "FAILED: %.120s", r->error);
                break;
            }
            snprintf(v, sizeof v, "%.2f \xc2\xb1 %.2f", r->ts.mean, r->ts.stddev);
            w += 1; /* the UTF-8 '±' takes two bytes, as llama-bench allows for */
            break;
        case C_TTFT: snprintf(v, sizeof v, "%.2f", r->ttft_ms.mean); break;
        case C_RSS: fmt_size(v, sizeof v, r->peak_rss); break;
        case C_CI:
            snprintf(v, sizeof v, "%.2f-%.2f", r->ts.mean - r->ts.ci95_half, r->ts.mean + r->ts.ci95_half);
            break;
        case C_REPS: snprintf(v, sizeof v, "%zu", r->n_samples); break;
        default: v[0] = 0;
        }
        fprintf(p->out, " %*s |", w, v);
    }
    return fputc('\n', p->out) == EOF ? LLMB_E_IO : LLMB_OK;
}

static int md_footer(struct llmb_printer *p)
{
    struct md_state *s = p->state;
    if (!s->header_done)
        return LLMB_OK; /* nothing ran: no table */
    fprintf(p->out, "\nbuild: %s\n", s->build);
    if (s->synthetic)
        fputs("note: synthetic (random-weight) model: speed figures only, no quality meaning\n", p->out);
    return ferror(p->out) ? LLMB_E_IO : LLMB_OK;
}

const struct llmb_printer_ops llmb_printer_md = {
    .name = "md", .state_size = sizeof(struct md_state), .row = md_row, .footer = md_footer,
};
