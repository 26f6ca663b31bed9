/* store_cli.h - what the commands over the results store share: the --db
 * and --lock-wait flags, the selection flags (table fragments to put in a
 * command's option table), opening the store, and value parsers. */
#ifndef LLMB_CLI_STORE_CLI_H
#define LLMB_CLI_STORE_CLI_H

#include "llmbench/store.h"
#include "opt.h"

enum {
    LLMB_SOPT_DB = 900, LLMB_SOPT_LOCK_WAIT, LLMB_SOPT_RUN, LLMB_SOPT_MODEL, LLMB_SOPT_QUANT, LLMB_SOPT_DEVICE,
    LLMB_SOPT_SINCE, LLMB_SOPT_UNTIL, LLMB_SOPT_TAG, LLMB_SOPT_HOST, LLMB_SOPT_BUILD, LLMB_SOPT_KIND,
};

#define LLMB_STORE_DB_OPTS                                                                                             \
    {LLMB_SOPT_DB, "--db", "PATH", "$XDG_DATA_HOME/llmbench/results.db", "results database", LLMB_OPT_STR, 0, 0, 0,    \
     NULL},                                                                                                            \
    {                                                                                                                  \
        LLMB_SOPT_LOCK_WAIT, "--lock-wait", "SEC", "5", "longest wait for a database another run is writing",          \
            LLMB_OPT_DOUBLE, 0, 86400, 0, NULL                                                                         \
    }

#define LLMB_STORE_FILTER_OPTS                                                                                         \
    {LLMB_SOPT_RUN, "--run", "ID", NULL, "only this run", LLMB_OPT_STR, 0, 0, 0, NULL},                                \
        {LLMB_SOPT_MODEL, "--model", "TEXT", NULL, "model path or description contains TEXT",                          \
         LLMB_OPT_STR,    0,         0,      0,    NULL},                                                              \
        {LLMB_SOPT_QUANT, "--quant", "TEXT", NULL, "quantization type contains TEXT (Q4_K, F16...)",                   \
         LLMB_OPT_STR,    0,         0,      0,    NULL},                                                              \
        {LLMB_SOPT_DEVICE, "--device", "TEXT", NULL, "backend, device, GPU or CPU name contains TEXT",                 \
         LLMB_OPT_STR,     0,          0,      0,    NULL},                                                            \
        {LLMB_SOPT_SINCE, "--since", "DATE", NULL, "runs started at or after DATE (YYYY-MM-DD[THH:MM[:SS]], UTC)",     \
         LLMB_OPT_STR,    0,         0,      0,    NULL},                                                              \
        {LLMB_SOPT_UNTIL, "--until", "DATE", NULL, "runs started at or before DATE (a bare date: the whole day)",      \
         LLMB_OPT_STR,    0,         0,      0,    NULL},                                                              \
        {LLMB_SOPT_TAG, "--tag", "TAG", NULL, "runs tagged TAG", LLMB_OPT_STR, 0, 0, 0, NULL},                         \
        {LLMB_SOPT_HOST, "--host", "TEXT", NULL, "host name contains TEXT", LLMB_OPT_STR, 0, 0, 0, NULL},              \
        {LLMB_SOPT_BUILD, "--build", "COMMIT", NULL, "llama.cpp build commit starts with COMMIT",                      \
         LLMB_OPT_STR,    0,         0,        0,    NULL},                                                            \
    {                                                                                                                  \
        LLMB_SOPT_KIND, "--kind", "KIND", NULL, "only tests of this kind: speed, ppl, kld, suite or load",             \
            LLMB_OPT_STR, 0, 0, 0, NULL                                                                                \
    }

struct llmb_cli_store {
    const char              *db; /* NULL: the default path */
    double                   lock_wait_s;
    struct llmb_store_filter filter;
};

void llmb_cli_store_init(struct llmb_cli_store *c);
/* Handles a shared option: returns 1 when id is one (*rc its outcome), else 0. */
int llmb_cli_store_opt(struct llmb_cli_store *c, int id, const char *name, const char *val, int *rc,
                       struct llmb_error *err);
/* The database's path (--db or the default), creating nothing. */
int llmb_cli_store_path(const struct llmb_cli_store *c, char *buf, size_t len, struct llmb_error *err);
/* Opens --db (or the default path, whose folder is created when writing);
 * readonly may be LLMB_STORE_READONLY | LLMB_STORE_NO_CHECK. */
int llmb_cli_store_open(const struct llmb_cli_store *c, int readonly, struct llmb_store **out,
                        struct llmb_error *err);

/* "llmbench CMD arg arg...", cut to fit: the command line a run records. */
void llmb_cli_command_line(const char *cmd, int argc, char **argv, char *buf, size_t len);

#endif
