/* load_live.c - `llmbench load --events FILE --dashboard[=PORT]`: a load run
 * says what happens as the runner's commands do (docs/events.md), through
 * the same listeners (live.c): run_started, then per step instance_started,
 * progress (phase "request": requests ended so far, of the step's -N, its
 * value the output tokens/s so far) at most every 100 ms, a sample per
 * second (the output tokens/s of the requests that ended in it), then
 * instance_finished with the stored result (or instance_failed), and
 * run_finished. Requests are counted through the load's on_done hook, in
 * its event loop between polls, so each costs a few additions; an event
 * is built only when one is due. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/atomic_file.h"
#include "http/client.h"
#include "llmbench/result.h"
#include "load_cli.h"

#define PROGRESS_NS 100000000ull /* at most one progress event per 100 ms */
#define SAMPLE_NS 1000000000ull  /* one sample per second */

void llmb_load_live_init(struct llmb_load_live *lv)
{
    memset(lv, 0, sizeof *lv);
    llmb_cli_live_init(&lv->out);
}

static int on(const struct llmb_load_live *lv)
{
    return lv->out.log || lv->out.web;
}

static struct llmb_event event(const struct llmb_load_live *lv, int type)
{
    struct llmb_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.index = lv->index;
    ev.n = lv->n_steps;
    ev.inst = type == LLMB_EV_RUN_STARTED || type == LLMB_EV_RUN_FINISHED ? NULL : &lv->inst;
    ev.value = NAN;
    return ev;
}

int llmb_load_live_open(struct llmb_load_live *lv, const struct llmb_load_params *p, const struct llmb_cli_store *st,
                        size_t n_steps, struct llmb_error *err)
{
    lv->n_steps = n_steps;
    if (!lv->out.events_path && lv->out.dashboard_port < 0)
        return LLMB_OK;
    char db[4096];
    int rc = llmb_cli_store_path(st, db, sizeof db, err);
    const char *in[] = {db, p->dataset};
    if (!rc && lv->out.events_path && strcmp(lv->out.events_path, "-"))
        rc = llmb_output_check(lv->out.events_path, "--events", in, 2, err);
    if (!rc)
        rc = llmb_cli_live_open(&lv->out, db, st->lock_wait_s, err);
    if (rc) {
        llmb_cli_live_close(&lv->out, NULL);
        return rc;
    }
    struct llmb_event ev = event(lv, LLMB_EV_RUN_STARTED);
    ev.n_kind[LLMB_WL_LOAD] = n_steps;
    ev.estimate_s = p->duration_s > 0              ? p->duration_s * (double)n_steps
                    : p->rate > 0 && p->n_requests ? (double)p->n_requests / p->rate * (double)n_steps
                                                   : -1;
    llmb_cli_live_emit(&lv->out, &ev);
    return LLMB_OK;
}

/* The progress so far (progress 1), and the sample of the window when it
 * is whole (sample 1) or the last (sample 2): then only when it is half a
 * window at least, or the step's only one (the requests that end together
 * at the end would make a rate of a sliver of time). */
static void tick(struct llmb_load_live *lv, uint64_t now, int progress, int sample)
{
    struct llmb_event ev;
    if (progress) {
        double el = now > lv->t0 ? (double)(now - lv->t0) / 1e9 : 0;
        ev = event(lv, LLMB_EV_PROGRESS);
        ev.phase = "request";
        ev.i = (int)lv->n_done;
        ev.of = lv->of;
        ev.value = el > 0 ? (double)lv->tokens / el : NAN;
        llmb_cli_live_emit(&lv->out, &ev);
        lv->last_progress = now;
    }
    double win = now > lv->win_start ? (double)(now - lv->win_start) / 1e9 : 0;
    if (sample == 2 && lv->n_samples && win < SAMPLE_NS / 2e9)
        sample = 0;
    if (sample && lv->win_n && win > 0) {
        ev = event(lv, LLMB_EV_SAMPLE);
        ev.value = (double)lv->win_tokens / win;
        ev.unit = "t/s";
        llmb_cli_live_emit(&lv->out, &ev);
        lv->win_start = now;
        lv->n_samples++;
        lv->win_tokens = 0;
        lv->win_n = 0;
    }
}

static void on_request(void *ctx, const struct llmb_http_record *r)
{
    struct llmb_load_live *lv = ctx;
    uint64_t now = llmb_http_now_ns();
    uint64_t sent = r->t_send ? r->t_send : now; /* the rates count from the first request sent */
    if (!lv->t0 || sent < lv->t0) {
        if (!lv->t0 || lv->win_start == lv->t0)
            lv->win_start = sent;
        lv->t0 = sent;
    }
    lv->n_done++;
    lv->last_done = now;
    if (r->reason == LLMB_HTTP_OK) {
        lv->tokens += r->n_out > 0 ? r->n_out : 0;
        lv->win_tokens += r->n_out > 0 ? r->n_out : 0;
        lv->win_n++;
    }
    int progress = now - lv->last_progress >= PROGRESS_NS, sample = now - lv->win_start >= SAMPLE_NS;
    if (progress || sample)
        tick(lv, now, progress, sample);
}

void llmb_load_live_step(struct llmb_load_live *lv, struct llmb_load_params *p, const char *profile, size_t index)
{
    if (!on(lv))
        return;
    memset(&lv->inst, 0, sizeof lv->inst);
    llmb_load_url_safe(p->url, lv->url, sizeof lv->url);
    snprintf(lv->profile, sizeof lv->profile, "%s", profile);
    lv->inst.kind = LLMB_WL_LOAD;
    lv->inst.model = p->model;
    lv->inst.load_profile = lv->profile;
    lv->inst.load_url = lv->url;
    lv->inst.n_prompt = p->dataset ? 0 : p->input_len; /* as the stored result */
    lv->inst.n_gen = p->output_len;
    lv->inst.n_gpu_layers = -1;
    lv->index = index;
    lv->of = p->n_requests;
    lv->n_done = lv->win_n = lv->n_samples = 0;
    lv->tokens = lv->win_tokens = 0;
    lv->t0 = lv->win_start = lv->last_progress = lv->last_done = 0;
    lv->in_step = 1;
    struct llmb_event ev = event(lv, LLMB_EV_INSTANCE_STARTED);
    llmb_cli_live_emit(&lv->out, &ev);
    p->on_done = on_request;
    p->on_done_ctx = lv;
}

void llmb_load_live_step_end(struct llmb_load_live *lv, const struct llmb_result *r, const char *why)
{
    if (!on(lv) || !lv->in_step)
        return;
    lv->in_step = 0;
    if (lv->n_done)
        tick(lv, lv->last_done, 1, 2);
    struct llmb_event ev = event(lv, r ? LLMB_EV_INSTANCE_FINISHED : LLMB_EV_INSTANCE_FAILED);
    ev.result = r;
    ev.text = why && *why ? why : "the load run ended without a result";
    llmb_cli_live_emit(&lv->out, &ev);
    if (r)
        lv->n_steps_done++;
    else
        lv->n_steps_failed++;
}

int llmb_load_live_close(struct llmb_load_live *lv, long long run_id, int rc, const char *why, struct llmb_error *err)
{
    if (!on(lv))
        return LLMB_OK;
    llmb_load_live_step_end(lv, NULL, rc == LLMB_E_INTERRUPTED ? "interrupted" : why);
    struct llmb_event ev = event(lv, LLMB_EV_RUN_FINISHED);
    ev.status = rc == LLMB_E_INTERRUPTED ? "interrupted" : rc || lv->n_steps_failed ? "failed" : "complete";
    ev.n_done = lv->n_steps_done;
    ev.n_failed = lv->n_steps_failed;
    ev.run_id = run_id;
    ev.text = rc && rc != LLMB_E_INTERRUPTED ? why : NULL;
    llmb_cli_live_emit(&lv->out, &ev);
    return llmb_cli_live_close(&lv->out, err);
}
