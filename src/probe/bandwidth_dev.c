/* bandwidth_dev.c - the copy bandwidth of each device's own memory beside
 * the host's (hw --bandwidth): every device of the engine that is not the
 * CPU (a GPU, an RPC server the caller registered), through the engine's
 * copy_bandwidth. A device that cannot be measured gets its reason. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "llmbench/bandwidth.h"
#include "llmbench/engine.h"

void llmb_bw_devices(const struct llmb_engine_ops *e, uint64_t bytes, int reps, struct llmb_bw_result *bw)
{
    bw->n_dev = 0;
    if (!e || !e->devices || !e->copy_bandwidth)
        return;
    struct llmb_engine_device devs[LLMB_BW_MAX_DEVICES * 2];
    int n = e->devices(devs, (int)(sizeof devs / sizeof *devs));
    for (int i = 0; i < n && bw->n_dev < LLMB_BW_MAX_DEVICES; i++) {
        if (!strcmp(devs[i].type, "cpu") || !strcmp(devs[i].type, "accel"))
            continue; /* the host's memory: measured above */
        struct llmb_bw_device *d = &bw->dev[bw->n_dev++];
        memset(d, 0, sizeof *d);
        snprintf(d->name, sizeof d->name, "%.63s", devs[i].name);
        d->array_bytes = bytes;
        struct llmb_error e2 = {0};
        if (e->copy_bandwidth(d->name, &d->array_bytes, reps > 0 ? reps : 5, &d->copy_gbs, &e2)) {
            d->copy_gbs = NAN;
            snprintf(d->note, sizeof d->note, "%.127s", e2.msg);
        }
    }
}
