/* load_cli.h - what the files of `llmbench load` share: the parsed command,
 * the report, the stored run, the rate sweep and the run's events
 * (--events, --dashboard). */
#ifndef LLMB_CLI_LOAD_CLI_H
#define LLMB_CLI_LOAD_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "live.h"
#include "llmbench/load.h"
#include "llmbench/result.h"
#include "store_cli.h"

/* ---- events (load_live.c) ------------------------------------------------ */

struct llmb_load_live {
    struct llmb_cli_live out; /* the flags and their listeners */
    struct llmb_instance inst;
    char profile[256], url[256];
    size_t n_steps, index, n_steps_done, n_steps_failed;
    int in_step, of;
    size_t n_done, win_n, n_samples; /* requests ended in the step; completed in the sample's window; samples */
    long long tokens, win_tokens;    /* output tokens of completed requests: in the step, in the window */
    uint64_t t0, win_start, last_progress, last_done;
};

void llmb_load_live_init(struct llmb_load_live *lv);
/* With --events or --dashboard: opens them (the page reads st's database),
 * and emits run_started for n_steps tests. Fails with one line (the log
 * unwritable or the database's own file, the port in use), nothing left open. */
int llmb_load_live_open(struct llmb_load_live *lv, const struct llmb_load_params *p, const struct llmb_cli_store *st,
                        size_t n_steps, struct llmb_error *err);
/* A step (test) index starts: instance_started, and p's on_done hook counts
 * its requests into progress and samples. */
void llmb_load_live_step(struct llmb_load_live *lv, struct llmb_load_params *p, const char *profile, size_t index);
/* The step ended: its last progress and sample, then instance_finished
 * with r, or (r NULL) instance_failed saying why. */
void llmb_load_live_step_end(struct llmb_load_live *lv, const struct llmb_result *r, const char *why);
/* The run ended (rc its outcome, why the failure; a step still open fails
 * with it): run_finished naming the stored run_id (0: none), then closes the
 * listeners; returns a failed write of the events log (err set). */
int llmb_load_live_close(struct llmb_load_live *lv, long long run_id, int rc, const char *why, struct llmb_error *err);

/* ---- the command ------------------------------------------------------------ */

struct llmb_load_cli {
    struct llmb_load_params p;
    struct llmb_cli_store st;
    struct llmb_load_live lv; /* --events, --dashboard */
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
/* The result of a step that completed requests (r's arrays point into the
 * step's summary; tmp: st->s.n_ok + 1 doubles). */
void llmb_load_step_result(const struct llmb_load_cli *c, const struct llmb_load_step *st, struct llmb_result *r,
                           double *tmp);
/* The step st (requests completed) ended: instance_finished with its result
 * to c's listeners (instance_failed and LLMB_E_NOMEM when out of memory). */
int llmb_load_live_step_done(struct llmb_load_cli *c, const struct llmb_load_step *st, struct llmb_error *err);
/* Stores the steps that completed (one result of kind load each) as one run;
 * its id in *run_id (0 when nothing was stored). */
int llmb_load_store(const struct llmb_load_cli *c, int argc, char **argv, const struct llmb_load_step *steps, size_t n,
                    int64_t *run_id, struct llmb_error *err);
/* --sweep: every step (each announced to c's listeners), the table, the knee
 * on every step's result, the run (its id in *run_id). */
int llmb_load_sweep_cmd(struct llmb_load_cli *c, int argc, char **argv, int64_t *run_id, struct llmb_error *err);

/* "llmbench load ARGS" as the run records it: --url without its credentials. */
void llmb_load_command_line(int argc, char **argv, char *buf, size_t len);

#endif
