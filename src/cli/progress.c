/* progress.c - progress on stderr from the runner's events (progress.h). The
 * bar is redrawn at most every 100 ms; its ETA assumes the instances left
 * take as long as those done (within an instance, its steps count). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/clock.h"
#include "llmbench/runner.h"
#include "progress.h"

struct llmb_progress {
    FILE    *out;
    int      mode, open_line;
    uint64_t t0, last_draw;
    size_t   n, index, done;
    double   frac; /* of the current instance */
    char     what[160], step[96];
};

struct llmb_progress *llmb_progress_new(int mode, FILE *out)
{
    if (mode == LLMB_PROGRESS_NONE)
        return NULL;
    struct llmb_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->out = out;
    p->mode = mode == LLMB_PROGRESS_AUTO ? (isatty(fileno(out)) ? LLMB_PROGRESS_BAR : LLMB_PROGRESS_LINES) : mode;
    p->t0 = llmb_clock_ns();
    return p;
}

static const char *base_name(const char *path)
{
    const char *b = path ? strrchr(path, '/') : NULL;
    return b ? b + 1 : path ? path : "";
}

static void fmt_secs(char *buf, size_t len, double s)
{
    if (!(s >= 0) || s > 1e6)
        snprintf(buf, len, "?");
    else if (s >= 3600)
        snprintf(buf, len, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
    else if (s >= 60)
        snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
    else
        snprintf(buf, len, "%ds", (int)s);
}

static void draw(struct llmb_progress *p, int force)
{
    uint64_t now = llmb_clock_ns();
    if (!force && now - p->last_draw < 100000000ull)
        return;
    p->last_draw = now;
    double elapsed = (double)(now - p->t0) / 1e9, done = (double)p->done + p->frac;
    double total = p->n ? (double)p->n : 1, pct = done / total;
    char eta[32] = "?";
    if (done > 0.05)
        fmt_secs(eta, sizeof eta, elapsed * (total - done) / done);
    char bar[21];
    int fill = (int)(pct * 20 + 0.5);
    for (int i = 0; i < 20; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[20] = 0;
    char text[512];
    snprintf(text, sizeof text, "[%s] %zu/%zu ETA %s %s%s%s", bar, p->done, p->n, eta, p->what, p->step[0] ? ": " : "",
             p->step);
    struct winsize ws;
    size_t width = ioctl(fileno(p->out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10 ? ws.ws_col : 100;
    if (strlen(text) >= width) /* one line, or \r cannot go back over it */
        text[width - 1] = 0;
    fprintf(p->out, "\r\033[K%s", text);
    fflush(p->out);
    p->open_line = 1;
}

static void line(struct llmb_progress *p, const char *fmt_tail)
{
    fprintf(p->out, "llmbench: [%zu/%zu] %s%s%s\n", p->index + 1, p->n, p->what, fmt_tail[0] ? ": " : "", fmt_tail);
    fflush(p->out);
}

static void result_text(const struct llmb_result *r, char *buf, size_t len)
{
    const struct llmb_ppl_result *q = &r->ppl;
    switch (r->inst.kind) {
    case LLMB_WL_PPL: snprintf(buf, len, "done, PPL %.4f ± %.4f", q->ppl, q->ppl_err); break;
    case LLMB_WL_KLD:
        snprintf(buf, len, "done, PPL %.4f, KLD %.6f ± %.6f, top-1 %.2f%%", q->ppl, q->kld_mean, q->kld_err,
                 100 * q->top1);
        break;
    case LLMB_WL_SUITE: {
        int pass = 0, checked = 0;
        for (size_t i = 0; i < r->n_answers; i++)
            if (r->answers[i].pass >= 0) {
                checked++;
                pass += r->answers[i].pass;
            }
        snprintf(buf, len, "done, %d/%d passed", pass, checked);
        break;
    }
    default: snprintf(buf, len, "done, %.2f ± %.2f t/s", r->ts.mean, r->ts.stddev); break;
    }
}

void llmb_progress_event(struct llmb_progress *p, const struct llmb_event *ev)
{
    if (!p)
        return;
    char tail[256] = "";
    switch (ev->type) {
    case LLMB_EV_RUN_STARTED:
        p->n = ev->n;
        p->done = ev->n - (ev->n_kind[0] + ev->n_kind[1] + ev->n_kind[2] + ev->n_kind[3]);
        return;
    case LLMB_EV_INSTANCE_STARTED: {
        char test[96];
        llmb_instance_test_name(ev->inst, test, sizeof test);
        p->index = ev->index;
        p->n = ev->n;
        p->frac = 0;
        p->step[0] = 0;
        snprintf(p->what, sizeof p->what, "%s on %s", test, base_name(ev->inst->model));
        if (p->mode == LLMB_PROGRESS_LINES)
            line(p, "started");
        else
            draw(p, 1);
        return;
    }
    case LLMB_EV_PROGRESS:
        if (!strcmp(ev->phase, "load")) {
            snprintf(p->step, sizeof p->step, "loading the model");
        } else if (ev->of > 0) {
            snprintf(p->step, sizeof p->step, "%s %d/%d", ev->phase, ev->i, ev->of);
            p->frac = (double)ev->i / (ev->of + 1);
        } else {
            snprintf(p->step, sizeof p->step, "%s %d", ev->phase, ev->i);
        }
        if (isfinite(ev->value))
            snprintf(p->step + strlen(p->step), sizeof p->step - strlen(p->step), " (PPL %.4f)", ev->value);
        if (p->mode == LLMB_PROGRESS_LINES) {
            if (ev->inst && ev->index == p->index && strcmp(ev->phase, "load"))
                line(p, p->step);
        } else {
            draw(p, 0);
        }
        return;
    case LLMB_EV_INSTANCE_FINISHED:
    case LLMB_EV_INSTANCE_FAILED:
        p->done++;
        p->frac = 0;
        if (ev->type == LLMB_EV_INSTANCE_FAILED)
            snprintf(tail, sizeof tail, "FAILED: %.200s", ev->text ? ev->text : "?");
        else if (ev->result)
            result_text(ev->result, tail, sizeof tail);
        if (p->mode == LLMB_PROGRESS_LINES) {
            line(p, tail);
        } else {
            snprintf(p->step, sizeof p->step, "%.95s", tail);
            draw(p, 1);
        }
        return;
    case LLMB_EV_RUN_FINISHED:
        if (p->open_line) {
            fputc('\n', p->out);
            p->open_line = 0;
        }
        return;
    default: return;
    }
}

void llmb_progress_note(struct llmb_progress *p, const char *text)
{
    FILE *out = p ? p->out : stderr;
    if (p && p->open_line) {
        fputs("\r\033[K", out);
        p->open_line = 0;
    }
    fprintf(out, "%s\n", text);
    fflush(out);
}

void llmb_progress_conditions(struct llmb_progress *p, const struct llmb_result *res)
{
    char msg[1024], line[1100];
    for (int what = 0; what < 2; what++)
        if (llmb_cond_warning(res, what, msg, sizeof msg)) {
            snprintf(line, sizeof line, "llmbench: warning: %s", msg);
            llmb_progress_note(p, line);
        }
}

void llmb_progress_free(struct llmb_progress *p)
{
    if (!p)
        return;
    if (p->open_line)
        fputc('\n', p->out);
    free(p);
}
