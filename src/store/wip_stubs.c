/* wip_stubs.c - TEMPORARY: stand-ins until the schema-4 store lands (removed at merge). */
#include "llmbench/store.h"

int llmb_store_put_family(struct llmb_store *s, int64_t run_id, const struct llmb_store_family *f,
                          struct llmb_error *err)
{
    (void)s, (void)run_id, (void)f, (void)err;
    return LLMB_OK;
}

int llmb_store_get_answers(struct llmb_store *s, int64_t run_id, const char *instance_key,
                           struct llmb_suite_answer **out, size_t *n, struct llmb_error *err)
{
    (void)s, (void)run_id, (void)instance_key, (void)err;
    *out = NULL;
    *n = 0;
    return LLMB_OK;
}
