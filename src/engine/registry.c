/* registry.c - the engine table: the one global the design allows. Adding an
 * engine means adding its ops here and nothing else. */
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
