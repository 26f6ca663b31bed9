/* load_cli.h - what the files of `llmbench load` share: the report. */
#ifndef LLMB_CLI_LOAD_CLI_H
#define LLMB_CLI_LOAD_CLI_H

#include <stdio.h>

#include "llmbench/load.h"

/* vLLM's "Serving Benchmark Result" layout, with llmbench's additions. */
void llmb_load_print(FILE *out, const char *profile, const struct llmb_load_summary *s);

#endif
