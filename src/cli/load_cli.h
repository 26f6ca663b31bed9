/* load_cli.h - what the files of `llmbench load` share: the parsed command,
 * the report, the stored run and the rate sweep. */
#ifndef LLMB_CLI_LOAD_CLI_H
#define LLMB_CLI_LOAD_CLI_H

#include <stdio.h>

#include "llmbench/load.h"
#include "store_cli.h"

struct llmb_load_cli {
    struct llmb_load_params p;
    struct llmb_cli_store st;
    int conc_given, steps_given;
    double max_line;
    const char *key_src, *tags;
    const char *sweep_arg; /* --sweep as given; NULL: one run */
    struct llmb_load_sweep sweep;
};

/* One measured run of the command: one, or a sweep's step. */
struct llmb_load_step {
    double rate;                /* asked (a sweep's step) */
    struct llmb_load_summary s; /* when ok */
    int ok;                     /* requests completed */
    char profile[256];          /* the test's name and key */
    char why[256];              /* !ok: why the step ended the sweep */
};

/* vLLM's "Serving Benchmark Result" layout, with llmbench's additions. */
void llmb_load_print(FILE *out, const char *profile, const struct llmb_load_summary *s);
/* A sweep's steps as a table and its knee (index, -1 none); capacity: the
 * auto sweep's probe (req/s at concurrency 1), 0 none. */
void llmb_load_print_sweep(FILE *out, const struct llmb_load_step *steps, size_t n, int knee, double capacity);
/* Stores the steps that completed (one result of kind load each) as one run. */
int llmb_load_store(const struct llmb_load_cli *c, int argc, char **argv, const struct llmb_load_step *steps, size_t n,
                    struct llmb_error *err);
/* --sweep: every step, the table, the knee on every step's result, the run. */
int llmb_load_sweep_cmd(const struct llmb_load_cli *c, int argc, char **argv, struct llmb_error *err);

#endif
