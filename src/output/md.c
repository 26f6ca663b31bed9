/* md.c - Markdown printer with llama-bench's table: model, size, params,
 * backend, the parameters whose values in the sweep are not all
 * llama-bench's default (ngl on GPU backends, threads on CPU ones), test,
 * t/s; then llmbench's columns (ttft, peak RSS; 95% CI and repetitions
 * under -r auto). Which field is a column, its header, width and order come
 * from the field table (result.h); cells are escaped and padded by
 * md_cell.c. The header waits for the first row: the backend decides. An
 * unknown value is "-"; a failed test says why in its t/s column. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md_cell.h"
#include "printer.h"

#define MAX_COLS 64

struct md_state {
    int  header_done;
    int  ncols;
    const struct llmb_field *col[MAX_COLS];
    char build[96];
    int  synthetic;
    char *paired; /* bench --interleave: one line per compared test, printed after the table */
    size_t paired_len;
};

/* "tg128: Q8_0.gguf is 1.52x as fast as F32.gguf (95% CI 1.49...1.55, 5 rounds): faster" */
static void add_paired(struct md_state *s, const struct llmb_result *r)
{
    const struct llmb_result_paired *p = &r->paired;
    if (!p->rounds || !isfinite(p->ratio) || r->error)
        return;
    char test[96], line[640];
    llmb_instance_test_name(&r->inst, test, sizeof test);
    const char *verdict = p->lo > 1 ? "faster" : p->hi < 1 ? "slower" : "no significant difference";
    int n = snprintf(line, sizeof line, "%s: %s is %.3fx as fast as %s (95%% CI %.3f...%.3f, %u rounds): %s\n", test,
                     p->label, p->ratio, p->base, p->lo, p->hi, p->rounds, verdict);
    if (n <= 0)
        return;
    size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    char *grown = realloc(s->paired, s->paired_len + len + 1);
    if (!grown)
        return;
    memcpy(grown + s->paired_len, line, len + 1);
    s->paired = grown;
    s->paired_len += len;
}

static int by_order(const void *a, const void *b)
{
    const struct llmb_field *x = *(const struct llmb_field *const *)a, *y = *(const struct llmb_field *const *)b;
    return x->md_order - y->md_order;
}

/* The field's text for r, as llama-bench writes it. */
static void text_of(const struct llmb_field *f, const struct llmb_result *r, char *buf, size_t len)
{
    struct llmb_value v = {0};
    f->get(r, &v);
    llmb_value_text(f, &v, buf, len);
}

/* 1 when the sweep holds a value of f other than its default, or (no
 * default) more than one value. */
static int changed(const struct llmb_printer *p, const struct llmb_field *f, const struct llmb_result *first)
{
    struct llmb_result r;
    char a[1200], b[1200] = "";
    size_t n = p->params.plan ? p->params.n_plan : 1;
    for (size_t i = 0; i < n; i++) {
        llmb_result_of_instance(p->params.plan ? &p->params.plan[i] : &first->inst, &r);
        text_of(f, &r, a, sizeof a);
        if (f->def ? strcmp(a, f->def) != 0 : (i > 0 && strcmp(a, b) != 0))
            return 1;
        memcpy(b, a, sizeof b);
    }
    return 0;
}

static void choose_columns(struct llmb_printer *p, struct md_state *s, const struct llmb_result *r)
{
    const char *be = r->model.backends;
    int cpu = !be[0] || strstr(be, "CPU") || strstr(be, "BLAS") || strstr(be, "ZenDNN") || strstr(be, "null");
    size_t n;
    const struct llmb_field *f = llmb_result_fields(&n);
    s->ncols = 0;
    for (size_t i = 0; i < n && s->ncols < MAX_COLS; i++) {
        int show = 0;
        switch (f[i].md_show) {
        case LLMB_MD_ALWAYS: show = 1; break;
        case LLMB_MD_CHANGED: show = changed(p, &f[i], r); break;
        case LLMB_MD_CHANGED_OR_CPU: show = cpu || changed(p, &f[i], r); break;
        case LLMB_MD_GPU: show = !cpu; break;
        case LLMB_MD_AUTO_REPS: show = r->stop_reason != LLMB_STOP_FIXED; break;
        case LLMB_MD_PEAK: show = r->machine.peak_gbs > 0; break;
        default: break;
        }
        if (show && llmb_printer_shows(p, &f[i]))
            s->col[s->ncols++] = &f[i];
    }
    qsort(s->col, (size_t)s->ncols, sizeof s->col[0], by_order);
}

static void put_header(struct llmb_printer *p, struct md_state *s)
{
    fputc('|', p->out);
    for (int i = 0; i < s->ncols; i++)
        llmb_md_cell(p->out, s->col[i]->md_name, s->col[i]->md_width);
    fputs("\n|", p->out);
    for (int i = 0; i < s->ncols; i++)
        llmb_md_rule(p->out, s->col[i]->md_width);
    fputc('\n', p->out);
    s->header_done = 1;
}

static int md_row(struct llmb_printer *p, const struct llmb_result *r)
{
    struct md_state *s = p->state;
    if (!s->header_done) {
        choose_columns(p, s, r);
        put_header(p, s);
    }
    snprintf(s->build, sizeof s->build, "%s (%d)", r->model.build_commit, r->model.build_number);
    s->synthetic |= r->model.synthetic;
    add_paired(s, r);
    fputc('|', p->out);
    for (int i = 0; i < s->ncols; i++) {
        const struct llmb_field *f = s->col[i];
        struct llmb_value v = {0};
        char text[1200];
        f->get(r, &v);
        if (r->error && !strcmp(f->name, "avg_ts"))
            snprintf(text, sizeof text, "FAILED: %.120s", r->error);
        else if (!v.known)
            snprintf(text, sizeof text, "-");
        else if (f->md_text)
            f->md_text(r, text, sizeof text);
        else
            llmb_value_text(f, &v, text, sizeof text);
        llmb_md_cell(p->out, text, f->md_width);
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
    if (s->paired)
        fprintf(p->out, "\ninterleaved: each test against the first configuration, round by round\n%s", s->paired);
    return ferror(p->out) ? LLMB_E_IO : LLMB_OK;
}

static void md_release(struct llmb_printer *p)
{
    struct md_state *s = p->state;
    free(s->paired);
}

const struct llmb_printer_ops llmb_printer_md = {
    .name = "md",
    .state_size = sizeof(struct md_state),
    .row = md_row,
    .footer = md_footer,
    .release = md_release,
};
