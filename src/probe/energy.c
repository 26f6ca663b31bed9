/* energy.c - the energy sampler: a thread that reads RAPL and NVML power
 * every period (10-50 ms) while a test runs. It touches only sysfs files
 * and NVML, outside the timed regions' code; RAPL counters are cumulative,
 * so the sampling period only bounds how fast a wrap is seen, while NVML
 * power is integrated over time (trapezoid rule). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "llmbench/energy.h"
#include "probe/probe_int.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double gpu_power(struct llmb_energy_sampler *s)
{
    const struct llmb_nvml *n = s->nvml;
    double w = 0;
    for (unsigned i = 0; i < n->n_gpus; i++) {
        double p = llmb_nvml_power_w(n, i);
        if (p < 0)
            return -1;
        w += p;
    }
    return w;
}

static void sample(struct llmb_energy_sampler *s, double *last_w)
{
    double t = now_s();
    if (s->have_rapl && llmb_rapl_sample(&s->rapl))
        s->have_rapl = 0; /* the reason is in s->rapl.reason */
    if (s->have_nvml) {
        double w = gpu_power(s);
        if (w < 0) {
            s->have_nvml = 0;
            snprintf(s->nvml_reason, sizeof s->nvml_reason, "NVML refused a power reading mid-test");
        } else {
            s->gpu_joules += 0.5 * (w + *last_w) * (t - s->t_last);
            *last_w = w;
        }
    }
    s->t_last = t;
    s->n_samples++;
}

static void *run(void *arg)
{
    struct llmb_energy_sampler *s = arg;
    double w = s->have_nvml ? gpu_power(s) : 0;
    if (w < 0)
        w = 0;
    struct timespec p = {.tv_sec = 0, .tv_nsec = (long)s->period_ms * 1000000L};
    while (!s->stop) {
        nanosleep(&p, NULL);
        sample(s, &w);
    }
    return NULL;
}

void llmb_energy_start(struct llmb_energy_sampler *s, const char *root, const char *nvml_lib, int period_ms)
{
    memset(s, 0, sizeof *s);
    s->period_ms = period_ms < 10 ? 10 : period_ms > 50 ? 50 : period_ms;
    s->have_rapl = llmb_rapl_open(root, &s->rapl) == 0;
    if (!s->have_rapl)
        snprintf(s->rapl_reason, sizeof s->rapl_reason, "%s", s->rapl.reason);
    struct llmb_nvml *n = calloc(1, sizeof *n);
    if (n && llmb_nvml_open(nvml_lib, n, s->nvml_reason, sizeof s->nvml_reason) == 0 && n->n_gpus) {
        s->nvml = n;
        s->have_nvml = 1;
    } else {
        if (n && n->lib) {
            snprintf(s->nvml_reason, sizeof s->nvml_reason, "NVML sees no GPU");
            llmb_nvml_close(n);
        }
        free(n);
    }
    s->t0 = s->t_last = now_s();
    if ((s->have_rapl || s->have_nvml) && pthread_create(&s->th, NULL, run, s) == 0)
        s->running = 1;
}

void llmb_energy_stop(struct llmb_energy_sampler *s, struct llmb_energy_result *out)
{
    memset(out, 0, sizeof *out);
    if (s->running) {
        s->stop = 1;
        pthread_join(s->th, NULL);
        double w = s->have_nvml ? gpu_power(s) : 0;
        sample(s, &w); /* the last stretch */
    }
    out->seconds = s->t_last - s->t0;
    out->n_samples = s->n_samples;
    out->cpu_joules = s->have_rapl ? llmb_rapl_joules(&s->rapl) : NAN;
    out->gpu_joules = s->have_nvml ? s->gpu_joules : NAN;
    if (s->nvml) {
        llmb_nvml_close(s->nvml);
        free(s->nvml);
        s->nvml = NULL;
    }
    const char *rapl_why = s->rapl.reason[0] ? s->rapl.reason : s->rapl_reason;
    int c = !isnan(out->cpu_joules), g = !isnan(out->gpu_joules);
    if (!c && !g) {
        snprintf(out->reason, sizeof out->reason, "%s; %s", rapl_why[0] ? rapl_why : "no RAPL",
                 s->nvml_reason[0] ? s->nvml_reason : "no NVML");
        return;
    }
    out->known = 1;
    out->joules = (c ? out->cpu_joules : 0) + (g ? out->gpu_joules : 0);
    out->avg_watts = out->seconds > 0 ? out->joules / out->seconds : NAN;
    snprintf(out->source, sizeof out->source, "%s", c && g ? "RAPL+NVML" : c ? "RAPL" : "NVML");
    if (!c)
        snprintf(out->reason, sizeof out->reason, "CPU left out: %.200s", rapl_why);
    else if (!g && s->nvml_reason[0] && strncmp(s->nvml_reason, "no NVML", 7))
        snprintf(out->reason, sizeof out->reason, "GPU left out: %.200s", s->nvml_reason);
}
