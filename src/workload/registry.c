/* registry.c - the workloads by kind, and the event helpers they share.
 * Adding a kind means one file of its own and one line here. */
#include <math.h>
#include <string.h>

#include "workload.h"

const struct llmb_workload_ops *llmb_workload_find(int kind)
{
    static const struct llmb_workload_ops *const all[] = {
        &llmb_workload_speed, &llmb_workload_ppl, &llmb_workload_kld, &llmb_workload_suite,
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->kind == kind)
            return all[i];
    return NULL;
}

void llmb_wl_progress(const struct llmb_wl_ctx *c, const char *phase, int i, int of, double value)
{
    if (!c->emit)
        return;
    struct llmb_event ev = {.type = LLMB_EV_PROGRESS, .phase = phase, .i = i, .of = of, .value = value};
    c->emit(&ev, c->user);
}

void llmb_wl_sample(const struct llmb_wl_ctx *c, double value, const char *unit)
{
    if (c->emit) {
        struct llmb_event ev = {.type = LLMB_EV_SAMPLE, .value = value, .unit = unit};
        c->emit(&ev, c->user);
    }
    llmb_cond_sample(c->cond); /* after the repetition's timed region, before the next one */
}

void llmb_wl_token(const struct llmb_wl_ctx *c, int prompt, const char *text, size_t len, double t_ms)
{
    if (!c->emit)
        return;
    struct llmb_event ev = {.type = LLMB_EV_TOKEN, .i = prompt, .text = text, .len = len, .t_ms = t_ms,
                            .value = NAN};
    c->emit(&ev, c->user);
}
