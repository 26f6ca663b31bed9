/* conditions.c - the conditions of a test (conditions.h): the sampler the
 * runner drives in the worker (a snapshot before the test, light samples
 * between repetitions, one after), the judgement of what was seen against
 * the thresholds, and the one-line warnings the commands print. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "llmbench/conditions.h"
#include "llmbench/result.h"

static void add_flag(char *buf, size_t len, const char *flag)
{
    size_t n = strlen(buf);
    snprintf(buf + n, len - n, "%s%s", n ? "," : "", flag);
}

static int has_flag(const char *list, const char *flag)
{
    size_t n = strlen(flag);
    for (const char *p = list; (p = strstr(p, flag)); p += n)
        if ((p == list || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
            return 1;
    return 0;
}

void llmb_cond_apply_delta(struct llmb_conditions *c, const struct llmb_intf_delta *d)
{
    c->known |= LLMB_COND_CHECKED;
    if (d->others_known) {
        c->others_cpu_cores = d->others_cores;
        c->known |= LLMB_COND_OTHERS;
        if (d->others_cores - d->resolution_cores >= LLMB_COND_OTHERS_CORES)
            add_flag(c->interference, sizeof c->interference, "others_cpu");
    }
    if (d->steal_known) {
        c->steal_pct = d->steal_pct;
        c->known |= LLMB_COND_STEAL;
        if (d->steal_pct - d->resolution_pct >= LLMB_COND_STEAL_PCT)
            add_flag(c->interference, sizeof c->interference, "steal");
    }
    if (d->swap_known) {
        c->swap_pages = (long long)d->swap_pages;
        c->known |= LLMB_COND_SWAP;
        if (d->swap_pages > 0)
            add_flag(c->interference, sizeof c->interference, "swap");
    }
    if (d->throttle_known) {
        c->throttled = (long long)d->throttle_events;
        c->known |= LLMB_COND_THROTTLE;
        if (d->throttle_events > 0)
            add_flag(c->interference, sizeof c->interference, "throttle");
    }
}

void llmb_cond_apply_samples(struct llmb_conditions *c, const double *x, size_t n)
{
    if (n >= 3) {
        struct llmb_stats st;
        llmb_stats_compute(x, n, &st);
        if (st.median > 0) {
            c->spread_pct = 100.0 * st.mad / st.median;
            c->known |= LLMB_COND_SPREAD;
            if (c->spread_pct > LLMB_COND_SPREAD_PCT)
                add_flag(c->interference, sizeof c->interference, "spread");
        }
    }
    struct llmb_drift dr;
    llmb_drift_detect(x, n, &dr);
    if (dr.bimodal)
        add_flag(c->interference, sizeof c->interference, "bimodal");
    if (n >= 4) {
        c->known |= LLMB_COND_WARMUP;
        c->warmup_reps = dr.warmup_reps;
        c->warmup_slow_pct = dr.warmup_slow_pct;
        if (dr.warmup_reps)
            add_flag(c->drift, sizeof c->drift, "warmup");
    }
    if (dr.trend_known) {
        c->known |= LLMB_COND_DRIFT;
        c->drift_pct = dr.change_pct;
        c->drift_rho = dr.rho;
        if (dr.trend)
            add_flag(c->drift, sizeof c->drift, "trend");
    }
}

/* ---- the sampler --------------------------------------------------------------- */

static void light(struct llmb_cond_sampler *s)
{
    struct llmb_intf_snap q;
    llmb_intf_read(s->root, LLMB_INTF_STAT | LLMB_INTF_TASKS | LLMB_INTF_FREQ, &q);
    s->last_ns = q.t_ns;
    if (q.known & LLMB_INTF_STAT) {
        /* runnable tasks of others: procs_running less this process's running threads (at least
         * the one reading) */
        int ours = q.known & LLMB_INTF_TASKS ? q.self_running : 1;
        int others = q.procs_running - (ours > 0 ? ours : 1);
        s->runq_sum += others > 0 ? others : 0;
        s->n++;
    }
    if (q.known & LLMB_INTF_FREQ) {
        if (!s->n_freq)
            s->freq_first = s->freq_min = q.freq_khz;
        s->freq_min = fmin(s->freq_min, q.freq_khz);
        s->freq_sum += q.freq_khz;
        s->n_freq++;
    }
}

void llmb_cond_begin(struct llmb_cond_sampler *s, const char *root)
{
    memset(s, 0, sizeof *s);
    s->root = root;
    light(s);
    llmb_intf_read(root, LLMB_INTF_ALL, &s->first);
}

void llmb_cond_sample(struct llmb_cond_sampler *s)
{
    if (s && llmb_clock_ns() - s->last_ns >= 10000000ull)
        light(s);
}

void llmb_cond_end(struct llmb_cond_sampler *s, struct llmb_conditions *c)
{
    llmb_intf_read(s->root, LLMB_INTF_ALL, &s->last);
    light(s);
    struct llmb_intf_delta d;
    llmb_intf_delta(&s->first, &s->last, &d);
    llmb_cond_apply_delta(c, &d);
    if (s->last.known & LLMB_INTF_LOADAVG) {
        c->load_avg = s->last.load1;
        c->known |= LLMB_COND_LOAD;
    }
    if (s->n) {
        c->run_queue = s->runq_sum / (double)s->n;
        c->known |= LLMB_COND_RUNQ;
    }
    if (s->n_freq) {
        c->freq_mhz = s->freq_sum / (double)s->n_freq / 1000.0;
        c->freq_drop_pct = s->freq_first > 0 ? 100.0 * (1 - s->freq_min / s->freq_first) : 0;
        c->known |= LLMB_COND_MHZ | LLMB_COND_FREQ_DROP;
    }
}

/* ---- words ------------------------------------------------------------------------ */

int llmb_cond_warning(const struct llmb_result *r, int what, char *buf, size_t len)
{
    const struct llmb_conditions *c = &r->cond;
    buf[0] = 0;
    if (r->inst.kind != LLMB_WL_SPEED || r->error) /* what is stored and printed with the conditions */
        return 0;
    char test[96];
    llmb_instance_test_name(&r->inst, test, sizeof test);
    buf[0] = 0;
    size_t n = 0;
#define SAY(...) (n += (size_t)snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__), n = n < len ? n : len)
    if (what == 0) {
        const char *f = c->interference;
        if (!f[0])
            return 0;
        if (has_flag(f, "others_cpu"))
            SAY("%sanother process used %.1f cores during %s", n ? "; " : "", c->others_cpu_cores, test);
        if (has_flag(f, "steal"))
            SAY("%sthe hypervisor took %.0f%% of the CPU time (steal) during %s", n ? "; " : "", c->steal_pct, test);
        if (has_flag(f, "swap"))
            SAY("%sthe system swapped %lld pages during %s", n ? "; " : "", c->swap_pages, test);
        if (has_flag(f, "throttle"))
            SAY("%sthe CPU was thermally throttled %lld times during %s", n ? "; " : "", c->throttled, test);
        if (has_flag(f, "spread"))
            SAY("%sthe repetitions of %s spread by %.0f%% (MAD/median)", n ? "; " : "", test, c->spread_pct);
        if (has_flag(f, "bimodal"))
            SAY("%sthe repetitions of %s fall into two groups", n ? "; " : "", test);
        if (has_flag(f, "others_cpu") && strstr(r->model.devices, "RPC"))
            SAY(" (an RPC server on this machine is another process: its work counts too); with a loopback server, "
                "leave it cores of its own (fewer threads)");
        else if (has_flag(f, "others_cpu"))
            SAY(": results unreliable; stop it or run with fewer threads");
        else if (has_flag(f, "steal"))
            SAY(": results unreliable; use a dedicated machine or run again when the host is quieter");
        else if (has_flag(f, "swap"))
            SAY(": results unreliable; free memory or use a smaller model");
        else if (has_flag(f, "throttle"))
            SAY(": results unreliable; let the machine cool (--delay) or improve its cooling");
        else
            SAY(": results unreliable; look for other load, or use more repetitions (-r auto)");
        return 1;
    }
    if (!c->drift[0])
        return 0;
    if (has_flag(c->drift, "warmup")) {
        char first[48] = "the first repetition was";
        if (c->warmup_reps > 1)
            snprintf(first, sizeof first, "the first %d repetitions were", c->warmup_reps);
        SAY("%s: %s %.0f%% slower than the rest: use --warmup %d", test, first, c->warmup_slow_pct,
            (c->known & LLMB_COND_WARMUPS ? c->warmup_runs : 1) + c->warmup_reps);
    }
    if (has_flag(c->drift, "trend"))
        SAY("%s%s: t/s drifted by %+.0f%% from the first third of the repetitions to the last (rank correlation "
            "%.2f): the machine changed during the test; let it settle (--delay) or run again",
            n ? "; " : "", test, c->drift_pct, c->drift_rho);
#undef SAY
    return 1;
}
