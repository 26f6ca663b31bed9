/* load_sweep.c - a sweep of request rates up to the server's saturation
 * (load.h): each step a whole load run at one rate (same -N or --duration),
 * the warm-up before the first only, the run's --max-time over the whole
 * sweep; explicit rates, or auto: the capacity at concurrency 1 measured
 * first, then rates doubling from half of it until a step no longer follows
 * its offered load. The knee rule lives here, so the CLI, tests and any
 * later caller apply the same one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/client.h"
#include "llmbench/load.h"

int llmb_load_parse_sweep(const char *s, struct llmb_load_sweep *sw, struct llmb_error *err)
{
    int max_steps = sw->max_steps;
    memset(sw, 0, sizeof *sw);
    sw->max_steps = max_steps;
    if (!strcmp(s, "auto")) {
        sw->is_auto = 1;
        return LLMB_OK;
    }
    const char *at = s;
    while (at) {
        const char *comma = strchr(at, ',');
        size_t n = comma ? (size_t)(comma - at) : strlen(at);
        char tmp[32], *end;
        double r = NAN;
        if (n && n < sizeof tmp) {
            memcpy(tmp, at, n);
            tmp[n] = 0;
            r = strtod(tmp, &end);
            if (end == tmp || *end)
                r = NAN;
        }
        if (!isfinite(r) || r <= 0 || r > 1e6)
            return llmb_error_set(err, LLMB_E_INVAL,
                                  "--sweep '%.100s': expected auto or increasing request rates in (0, 1e6] such as "
                                  "1,2,4,8",
                                  s);
        if (sw->n_rates == LLMB_LOAD_SWEEP_MAX)
            return llmb_error_set(err, LLMB_E_INVAL, "--sweep '%.100s': at most %d rates", s, LLMB_LOAD_SWEEP_MAX);
        if (sw->n_rates && r <= sw->rates[sw->n_rates - 1])
            return llmb_error_set(err, LLMB_E_INVAL, "--sweep '%.100s': the rates must increase (%g after %g)", s, r,
                                  sw->rates[sw->n_rates - 1]);
        sw->rates[sw->n_rates++] = r;
        at = comma ? comma + 1 : NULL;
    }
    return LLMB_OK;
}

static int known(const struct llmb_load_figures *f, int k)
{
    return f && (f->known >> k & 1);
}

int llmb_load_step_follows(const struct llmb_load_figures *step, const struct llmb_load_figures *first)
{
    if (!known(step, LLMB_LOADF_END_RATE) || !known(step, LLMB_LOADF_OFFERED) || !known(step, LLMB_LOADF_TTFT_P50) ||
        !known(first, LLMB_LOADF_TTFT_P50))
        return 0;
    double t0 = first->v[LLMB_LOADF_TTFT_P50];
    double bound = fmax(LLMB_LOAD_KNEE_TTFT * t0, t0 + LLMB_LOAD_KNEE_TTFT_MS);
    return step->v[LLMB_LOADF_END_RATE] >= LLMB_LOAD_KNEE_FOLLOW * step->v[LLMB_LOADF_OFFERED] &&
           step->v[LLMB_LOADF_TTFT_P50] <= bound;
}

int llmb_load_sweep_knee(const struct llmb_load_figures *const *steps, size_t n)
{
    int knee = -1;
    for (size_t i = 0; i < n && llmb_load_step_follows(steps[i], steps[0]); i++)
        knee = (int)i;
    return knee;
}

/* The seconds left of the sweep's bound (deadline 0: none; then 0). */
static double left_s(uint64_t deadline)
{
    if (!deadline)
        return 0;
    uint64_t now = llmb_http_now_ns();
    return now >= deadline ? -1 : (double)(deadline - now) / 1e9;
}

static int probe(const struct llmb_load_params *p, uint64_t deadline, double *capacity, struct llmb_error *err)
{
    struct llmb_load_params q = *p;
    q.rate = 0;
    q.concurrency = 1;
    q.burstiness = 1.0;
    if (q.n_requests > 10)
        q.n_requests = 10;
    if (q.duration_s > 5)
        q.duration_s = 5;
    q.max_time_s = left_s(deadline);
    q.on_done = NULL; /* the probe is not a step: nobody counts its requests */
    struct llmb_load_summary s;
    int rc = llmb_load_run(&q, &s, err);
    if (rc)
        return rc;
    *capacity = s.fig.v[LLMB_LOADF_REQ_S];
    llmb_load_summary_free(&s);
    return LLMB_OK;
}

int llmb_load_sweep_run(const struct llmb_load_params *p, const struct llmb_load_sweep *sw,
                        llmb_load_step_start_fn on_start, llmb_load_step_fn on_step, void *user, double *capacity,
                        struct llmb_error *err)
{
    uint64_t deadline = p->max_time_s > 0 ? llmb_http_now_ns() + (uint64_t)(p->max_time_s * 1e9) : 0;
    int n = sw->is_auto ? (sw->max_steps > 0 ? sw->max_steps : 8) : sw->n_rates, rc = LLMB_OK;
    double rate = 0;
    struct llmb_load_figures first;
    *capacity = 0;
    if (sw->is_auto) {
        if ((rc = probe(p, deadline, capacity, err)))
            return rc;
        if (!(*capacity > 0))
            return llmb_error_set(err, LLMB_E_FAILED, "--sweep auto: the capacity at concurrency 1 is unknown");
        double mag = pow(10, floor(log10(*capacity / 2)) - 1); /* two significant digits: readable rates */
        rate = fmax(round(*capacity / 2 / mag) * mag, mag);
    }
    for (int i = 0; i < n && !rc; i++) {
        struct llmb_load_params q = *p;
        q.rate = sw->is_auto ? rate : sw->rates[i];
        q.warmup = i == 0 && !sw->is_auto ? p->warmup : 0;
        q.max_time_s = left_s(deadline);
        if (q.max_time_s < 0 || (p->stop && *p->stop))
            break;
        if (on_start)
            on_start(i, q.rate, &q, user);
        struct llmb_load_summary s;
        struct llmb_error step_err = {0};
        int step_rc = llmb_load_run(&q, &s, &step_err);
        if (step_rc && i == 0) {
            if (err)
                *err = step_err;
            return step_rc;
        }
        if (p->stop && *p->stop) {
            llmb_load_summary_free(&s);
            break;
        }
        int follows = !step_rc && llmb_load_step_follows(&s.fig, i ? &first : &s.fig);
        if (!step_rc && i == 0)
            first = s.fig;
        rc = on_step(i, q.rate, step_rc ? NULL : &s, step_rc ? step_err.msg : NULL, user, err);
        if (step_rc || (sw->is_auto && !follows))
            break;
        rate *= 2;
    }
    return rc;
}
