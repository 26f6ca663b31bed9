/* events.h - what a run says while it runs: typed events from the runner
 * (run and instance started, progress, token, sample, instance finished or
 * failed, run finished). Workers send them to the parent over their pipe; the
 * parent hands them to every listener (terminal progress, `--events` JSON
 * Lines, the dashboard). No event is emitted inside a timed region. The JSON
 * form is versioned and documented in docs/events.md. */
#ifndef LLMBENCH_EVENTS_H
#define LLMBENCH_EVENTS_H

#include <stddef.h>
#include <stdio.h>

#include "llmbench.h"
#include "plan.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LLMB_EVENTS_VERSION 1

enum llmb_event_type {
    LLMB_EV_RUN_STARTED = 0,
    LLMB_EV_INSTANCE_STARTED,
    LLMB_EV_PROGRESS,
    LLMB_EV_TOKEN,
    LLMB_EV_SAMPLE,
    LLMB_EV_INSTANCE_FINISHED,
    LLMB_EV_INSTANCE_FAILED,
    LLMB_EV_RUN_FINISHED,
    LLMB_EV_COUNT
};
/* "run_started", "instance_started", ... */
const char *llmb_event_type_name(int type);

struct llmb_result;

struct llmb_event {
    int    type;            /* enum llmb_event_type */
    size_t index;           /* instance events: its index in the plan (0-based) */
    size_t n;               /* instances in the plan */
    const struct llmb_instance *inst; /* instance events; NULL otherwise */
    /* progress: step i of `of` (of 0: open-ended) of a phase: "load",
     * "warmup", "rep", "chunk", "prompt"; value: the running figure (a
     * chunk's PPL so far), NAN when none */
    const char *phase;
    int    i, of;
    double value;
    /* sample: one repetition's figure (value, in unit) */
    const char *unit;
    /* token: its text (text, len bytes) and ms since the request started;
     * i: the prompt's index in the suite; failed: the reason (text) */
    const char *text;
    size_t len;
    double t_ms;
    /* instance_finished: the result */
    const struct llmb_result *result;
    /* run_started: instances per kind, an estimate of the duration in
     * seconds (< 0: none can be made), the run id in the store (0: none) */
    size_t n_kind[LLMB_WL_COUNT];
    double estimate_s;
    long long run_id;
    int interleave; /* the instances are open together, their repetitions alternating */
    /* run_finished: status ("complete", "interrupted", "failed") and counts */
    const char *status;
    size_t n_done, n_failed;
};

typedef void (*llmb_event_cb)(const struct llmb_event *ev, void *user);

/* ---- consumers ----------------------------------------------------------- */

/* JSON Lines (docs/events.md): one object per event, flushed at once. */
struct llmb_event_log;
/* path "-" is stdout. Fails (nothing created) when the file cannot be written. */
int  llmb_event_log_open(const char *path, struct llmb_event_log **out, struct llmb_error *err);
void llmb_event_log_write(struct llmb_event_log *log, const struct llmb_event *ev);
/* Closes; returns LLMB_E_IO (err set) when a write failed at any point. */
int  llmb_event_log_close(struct llmb_event_log *log, struct llmb_error *err);
/* The JSON text of one event (no newline); malloc'd, NULL on no memory. */
char *llmb_event_json(const struct llmb_event *ev);

#ifdef __cplusplus
}
#endif

#endif
