/* opt.h - option tables: each command declares its flags once (names, value,
 * default, help); parsing and --help come from the same table. */
#ifndef LLMB_CLI_OPT_H
#define LLMB_CLI_OPT_H

#include <stdio.h>

#include "llmbench/llmbench.h"

struct llmb_opt {
    int         id;    /* handed to the callback; 0 ends the table */
    const char *names; /* "-p,--n-prompt" */
    const char *arg;   /* value placeholder ("LIST"), NULL for a flag */
    const char *def;   /* default shown in --help, may be NULL */
    const char *help;
};

/* Called per option (val NULL for flags) and per positional argument
 * (id -1). Returns an llmb code; non-zero stops parsing. */
typedef int (*llmb_opt_cb)(int id, const char *name, const char *val, void *user, struct llmb_error *err);

/* Parses argv[0..argc) (argv[0] is the first argument, not the program).
 * Accepts "--name value", "--name=value" and "-n value". "-h"/"--help" gives
 * LLMB_OPT_HELP. Errors name the option at fault. */
#define LLMB_OPT_HELP (-100)
int llmb_opt_parse(const struct llmb_opt *table, int argc, char **argv, llmb_opt_cb cb, void *user,
                   struct llmb_error *err);

void llmb_opt_usage(FILE *f, const char *usage, const char *about, const struct llmb_opt *table);

#endif
