/* registry.c - the engine table: the one global the design allows. Adding an
 * engine means adding its ops here and nothing else. */
#include <stdio.h>
#include <string.h>

#include "llmbench/engine.h"

extern const struct llmb_engine_ops llmb_engine_llama;
extern const struct llmb_engine_ops llmb_engine_null;

static const struct llmb_engine_ops *const engines[] = {
    &llmb_engine_llama,
    &llmb_engine_null,
    NULL,
};

const struct llmb_engine_ops *llmb_engine_find(const char *name)
{
    for (int i = 0; engines[i]; i++)
        if (!strcmp(engines[i]->name, name))
            return engines[i];
    return NULL;
}

const struct llmb_engine_ops *const *llmb_engine_list(void)
{
    return engines;
}

const struct llmb_engine_ops *llmb_engine_default(void)
{
    return engines[0];
}

const char *llmb_engine_names(void)
{
    static char names[256];
    if (!names[0])
        for (int i = 0; engines[i]; i++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "", engines[i]->name);
    return names;
}

void llmb_engine_global_init(int quiet)
{
    for (int i = 0; engines[i]; i++)
        if (engines[i]->global_init)
            engines[i]->global_init(quiet);
}
