/* load_sweep.c - `llmbench load --sweep`: the steps of a rate sweep
 * (llmb_load_sweep_run), each a whole load run at one rate, kept here until
 * the sweep ends; then the table of steps with the knee, and every step
 * that completed requests stored as its own result of kind load in one run,
 * each carrying the sweep's knee (load_sweep_knee_req_per_s), so `results`,
 * `export` and `compare` see the steps and the knee. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "load_cli.h"
#include "signals.h"

struct sweep {
    struct llmb_load_cli *c;
    struct llmb_load_step steps[LLMB_LOAD_SWEEP_MAX];
    size_t n;
};

/* instance_started of the step (its requests counted into progress and samples) */
static void on_start(int i, double rate, struct llmb_load_params *q, void *user)
{
    struct sweep *w = user;
    char profile[256];
    q->rate = rate;
    llmb_load_profile_text(q, profile, sizeof profile);
    llmb_load_live_step(&w->c->lv, q, profile, (size_t)i);
}

static int on_step(int i, double rate, struct llmb_load_summary *s, const char *why, void *user, struct llmb_error *err)
{
    struct sweep *w = user;
    struct llmb_load_step *st = &w->steps[w->n++];
    struct llmb_load_params p = w->c->p;
    p.rate = rate;
    st->rate = rate;
    llmb_load_profile_text(&p, st->profile, sizeof st->profile);
    if (s) {
        st->s = *s;
        st->ok = 1;
        fprintf(stderr, "sweep step %d: %g req/s offered, %.2f req/s completed\n", i + 1, rate,
                s->fig.v[LLMB_LOADF_REQ_S]);
        int rc = llmb_load_live_step_done(w->c, st, err); /* as it will be stored, less the knee (known at the end) */
        if (rc)
            return rc;
    } else {
        snprintf(st->why, sizeof st->why, "%s", why ? why : "no request completed");
        fprintf(stderr, "sweep step %d: %g req/s offered: %s\n", i + 1, rate, st->why);
        llmb_load_live_step_end(&w->c->lv, NULL, st->why);
    }
    return LLMB_OK;
}

int llmb_load_sweep_cmd(struct llmb_load_cli *c, int argc, char **argv, int64_t *run_id, struct llmb_error *err)
{
    *run_id = 0;
    struct sweep *w = calloc(1, sizeof *w);
    if (!w)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    w->c = c;
    double capacity = 0;
    int rc = llmb_load_sweep_run(&c->p, &c->sweep, on_start, on_step, w, &capacity, err);
    if (llmb_cli_interrupted())
        rc = llmb_cli_interrupted_say("the sweep was not stored");
    if (!rc) {
        const struct llmb_load_figures *figs[LLMB_LOAD_SWEEP_MAX];
        size_t n_ok = 0;
        while (n_ok < w->n && w->steps[n_ok].ok) {
            figs[n_ok] = &w->steps[n_ok].s.fig;
            n_ok++;
        }
        int knee = llmb_load_sweep_knee(figs, n_ok);
        for (size_t i = 0; knee >= 0 && i < w->n; i++) {
            w->steps[i].s.fig.v[LLMB_LOADF_KNEE] = w->steps[knee].rate;
            w->steps[i].s.fig.known |= 1ull << LLMB_LOADF_KNEE;
        }
        llmb_load_print_sweep(stdout, w->steps, w->n, knee, capacity);
        rc = llmb_load_store(c, argc, argv, w->steps, w->n, run_id, err);
    }
    for (size_t i = 0; i < w->n; i++)
        llmb_load_summary_free(&w->steps[i].s);
    free(w);
    return rc;
}
