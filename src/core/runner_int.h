/* runner_int.h - what the runner's files share (runner.c, interleave.c):
 * the event emitter that stamps an instance's index, and opening a model. */
#ifndef LLMB_CORE_RUNNER_INT_H
#define LLMB_CORE_RUNNER_INT_H

#include "llmbench/runner.h"

struct llmb_emitter {
    const struct llmb_runner_hooks *h;
    const struct llmb_instance *inst;
    size_t index, n;
};

/* Sends ev (user: a struct llmb_emitter) with the instance's index, count and instance. */
void llmb_runner_emit(struct llmb_event *ev, void *user);
void llmb_runner_emit_type(struct llmb_emitter *em, int type, const struct llmb_result *r);
/* The time now, RFC 3339 UTC. */
void llmb_runner_now(char *buf, size_t len);
/* Opens in's model (a "load" progress event first) and describes it, with its load time. */
int llmb_runner_open(const struct llmb_engine_ops *e, const struct llmb_instance *in, const struct llmb_run_params *rp,
                     struct llmb_emitter *em, void **st, struct llmb_model_info *mi, struct llmb_error *err);

/* bench --interleave (interleave.c): every instance (speed tests) open at
 * once, repetitions in rounds of one each, the order reversed every other
 * round (A B C, C B A, ...), then each compared with its base round by
 * round (result->paired); results are delivered after the last round. */
int llmb_runner_interleaved(const struct llmb_engine_ops *e, const struct llmb_instance *v, size_t n,
                            const struct llmb_run_params *rp, const struct llmb_runner_hooks *h, volatile int *stop,
                            struct llmb_error *err);

#endif
