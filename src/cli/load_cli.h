/* load_cli.h - what the files of `llmbench load` share: the report and the
 * run's events (--events, --dashboard). */
#ifndef LLMB_CLI_LOAD_CLI_H
#define LLMB_CLI_LOAD_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "live.h"
#include "llmbench/load.h"
#include "store_cli.h"

/* vLLM's "Serving Benchmark Result" layout, with llmbench's additions. */
void llmb_load_print(FILE *out, const char *profile, const struct llmb_load_summary *s);

/* "llmbench load ARGS" as the run records it: --url without its credentials. */
void llmb_load_command_line(int argc, char **argv, char *buf, size_t len);

/* ---- events (load_live.c) ------------------------------------------------ */

struct llmb_load_live {
    struct llmb_cli_live out; /* the flags and their listeners */
    struct llmb_instance inst;
    char profile[256], url[256];
    size_t n_steps, index, n_steps_done, n_steps_failed;
    int in_step, of;
    size_t n_done, win_n, n_samples; /* requests ended in the step; completed in the sample's window; samples */
    long long tokens, win_tokens; /* output tokens of completed requests: in the step, in the window */
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

#endif
