/* load_data.h - the prompts of a load run and the request bodies made of
 * them: random prompts of a configured length, each behind a prefix no other
 * request shares (no prefix-cache hits unless a share of them is asked
 * for), the prompts of a prompt suite, or prompts from a JSONL file. */
#ifndef LLMB_WORKLOAD_LOAD_DATA_H
#define LLMB_WORKLOAD_LOAD_DATA_H

#include "llmbench/load.h"

struct llmb_load_prompt {
    char *text;
    int max_tokens; /* 0: the run's output_len */
};

struct llmb_load_data {
    struct llmb_load_prompt *v; /* NULL: random prompts */
    size_t n;
};

/* Reads p->dataset (when set): a prompt suite (llmb_load_is_suite), or a
 * JSONL file with one JSON object per line with "prompt",
 * "messages" (the first user message) or ShareGPT "conversations" (the first
 * human turn; the reply's words give max_tokens); optional "max_tokens". */
int llmb_load_data_open(const struct llmb_load_params *p, struct llmb_load_data *d, struct llmb_error *err);
void llmb_load_data_free(struct llmb_load_data *d);
/* The JSON body of request i (malloc'd; NULL: no memory). */
char *llmb_load_body(const struct llmb_load_params *p, const struct llmb_load_data *d, uint64_t i);

#endif
