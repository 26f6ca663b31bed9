/* workload_kind.c - names of the workload kinds (plan.h): "speed", "ppl",
 * "kld", "suite", and back.
 *
 * TEMPORARY (branch store-v4): main implements these two functions in
 * src/core/plan.c; this file exists only so the store branch links on its
 * own and is to be deleted when store-v4 is merged into main. */
#include <string.h>

#include "llmbench/plan.h"

static const char *const kind_names[LLMB_WL_COUNT] = {"speed", "ppl", "kld", "suite"};

const char *llmb_workload_kind_name(int kind)
{
    return kind >= 0 && kind < LLMB_WL_COUNT ? kind_names[kind] : "unknown";
}

int llmb_workload_kind_parse(const char *name)
{
    for (int i = 0; name && i < LLMB_WL_COUNT; i++)
        if (!strcmp(name, kind_names[i]))
            return i;
    return -1;
}
