/* runctl.h - what bench, quality and pipeline share around the runner: the
 * run's flags (--db, --no-db, --resume, --tag, --events, --dashboard,
 * --quiet, --timeout), opening the store and the run (or finding the interrupted run
 * of the same plan and skipping what it holds), the listeners (terminal
 * progress, events log), Ctrl-C, and the closing line. Every command builds
 * its plan, hands it here, and prints what comes back. */
#ifndef LLMB_CLI_RUNCTL_H
#define LLMB_CLI_RUNCTL_H

#include "llmbench/events.h"
#include "llmbench/runner.h"
#include "llmbench/store.h"
#include "llmbench/web.h"
#include "live.h"
#include "progress.h"
#include "store_cli.h"

enum {
    LLMB_ROPT_NO_DB = 950,
    LLMB_ROPT_RESUME,
    LLMB_ROPT_TAG,
    LLMB_ROPT_QUIET,
    LLMB_ROPT_TIMEOUT,
    LLMB_ROPT_DRY_RUN, /* --events and --dashboard: live.h */
};

#define LLMB_RUN_OPTS                                                                                                  \
    LLMB_STORE_DB_OPTS,                                                                                                \
        {LLMB_ROPT_NO_DB, "--no-db", NULL, NULL, "do not store the results", LLMB_OPT_FLAG, 0, 0, 0, NULL},            \
        {LLMB_ROPT_RESUME,                                                                                             \
         "--resume",                                                                                                   \
         NULL,                                                                                                         \
         NULL,                                                                                                         \
         "continue the interrupted run of the same plan: run only the tests it does not hold",                         \
         LLMB_OPT_FLAG,                                                                                                \
         0,                                                                                                            \
         0,                                                                                                            \
         0,                                                                                                            \
         NULL},                                                                                                        \
        {LLMB_ROPT_TAG, "--tag", "TAG[,TAG]", NULL, "label the stored run (compare and results filter by it)",         \
         LLMB_OPT_STR,  0,       0,           0,    NULL},                                                             \
        LLMB_LIVE_OPT_EVENTS,                                                                                          \
        {LLMB_ROPT_QUIET, "--quiet", NULL, NULL, "no progress on stderr", LLMB_OPT_FLAG, 0, 0, 0, NULL},               \
        LLMB_LIVE_OPT_DASHBOARD,                                                                                       \
        {LLMB_ROPT_DRY_RUN,                                                                                            \
         "--dry-run",                                                                                                  \
         "[=quiet]",                                                                                                   \
         NULL,                                                                                                         \
         "print the test matrix and an estimate of duration, memory and disk; run and write nothing",                  \
         LLMB_OPT_STR,                                                                                                 \
         0,                                                                                                            \
         0,                                                                                                            \
         0,                                                                                                            \
         NULL},                                                                                                        \
    {                                                                                                                  \
        LLMB_ROPT_TIMEOUT, "--timeout", "SEC", "none",                                                                 \
            "a test running longer (from its start) is stopped and recorded as failed", LLMB_OPT_DOUBLE, 0.001, 1e7,   \
            0, NULL                                                                                                    \
    }

struct llmb_cli_run {
    /* settings (flags) */
    struct llmb_cli_store store_opts;
    int         no_db, resume, quiet, progress_mode; /* progress_mode: LLMB_PROGRESS_* when not quiet */
    const char *tags;
    double timeout_s;
    int dry_run;        /* --dry-run: 1 print the matrix, 2 (=quiet) only check; nothing opened */
    int runs_per_test;  /* for the dry run's estimate: repetitions + warm-up (0: 1) */
    /* the command's own listeners */
    llmb_result_cb on_result;
    llmb_event_cb  on_event;
    void          *user;
    /* state */
    struct llmb_store     *store;
    int64_t                run_id;
    int                    complete; /* --resume found the plan's run complete */
    size_t                 n_planned, n_done, n_failed;
    struct llmb_cli_live live; /* --events, --dashboard */
    struct llmb_progress  *progress;
    struct llmb_error      store_err;
    char                   (*keys)[LLMB_STORE_KEY_MAX]; /* per planned instance */
};

void llmb_cli_run_init(struct llmb_cli_run *r);
/* Handles a shared option: returns 1 when id is one (*rc its outcome), else 0. */
int  llmb_cli_run_opt(struct llmb_cli_run *r, int id, const char *name, const char *val, int *rc,
                      struct llmb_error *err);

/* Before anything runs: --resume has a database; the events log and the command's own outputs
 * (what[i] the flag, paths[i] the path; NULL paths are skipped) must not be
 * one of the inputs, the database or each other, and must be writable. */
int  llmb_cli_run_check_outputs(const struct llmb_cli_run *r, const char *const *inputs, size_t n_in,
                                const char *const *what, const char *const *paths, size_t n_out,
                                struct llmb_error *err);
/* Before anything is measured: opens the events log and (unless --no-db)
 * the store, then begins the run or, with --resume, finds the interrupted
 * run of this plan (its instance keys and `extra`). done[i] (n entries,
 * caller's) says which instances that run holds complete. */
int  llmb_cli_run_open(struct llmb_cli_run *r, const char *cmd, int argc, char **argv,
                       const struct llmb_instance *inst, size_t n, const char *extra, unsigned char *done,
                       struct llmb_error *err);
/* Runs inst[0..n) (the instances left) with Ctrl-C handled, ends the run in
 * the store and says what was kept when it stopped early. Returns the
 * runner's code (LLMB_E_INTERRUPTED after Ctrl-C). */
int  llmb_cli_run_execute(struct llmb_cli_run *r, const struct llmb_engine_ops *engine,
                          const struct llmb_instance *inst, size_t n, const struct llmb_run_params *rp,
                          int isolate, struct llmb_error *err);
/* --dry-run: prints inst[0..n) and the estimate to stdout (unless quiet)
 * and refuses a plan that needs more memory than is available. */
int llmb_cli_run_dry(const struct llmb_cli_run *r, const struct llmb_instance *inst, size_t n, struct llmb_error *err);
/* MemAvailable in bytes (LLMBENCH_PROCFS_ROOT's meminfo in tests), 0 when unknown. */
unsigned long long llmb_cli_mem_available(void);
/* --resume found every test stored: says so (and ends an interrupted run
 * that held them all). */
int  llmb_cli_run_nothing_left(struct llmb_cli_run *r, size_t n, struct llmb_error *err);
/* Closes the log and store; returns a failure of the events log. */
int  llmb_cli_run_close(struct llmb_cli_run *r, struct llmb_error *err);
/* A run command's outcome as an llmb code (the exit status follows from
 * it): stage 0 (checking input): any failure is the input's; stage 1
 * (opening the run): bad input, or a failure; stage 2 (running): its code,
 * or LLMB_E_FAILED when tests failed. */
int llmb_cli_run_result(int stage, int rc, size_t n_failed);

#endif
