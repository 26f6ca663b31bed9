/* child.h - work done in a forked child process, so that whatever happens to
 * it (llama.cpp aborting on a model it does not like, a crash, the OOM
 * killer, a hang) costs only that work, not the command. The child dies with
 * its parent (PR_SET_PDEATHSIG, and it checks the parent is still the one
 * that forked it); its stderr goes to a pipe the parent reads, keeping
 * llama.cpp's abort message (the line the engine's abort hook writes, see
 * engine.h) and the last lines, and the parent turns the way the child ended
 * into one line. The runner's workers (worker.c) and the quantizer use it. */
#ifndef LLMB_CORE_CHILD_H
#define LLMB_CORE_CHILD_H

#include <stddef.h>
#include <sys/types.h>

#include "llmbench/llmbench.h"

/* The parent's view of a child's stderr. */
struct llmb_child_log {
    char   tail[2048]; /* the last bytes, newlines as spaces */
    size_t tail_len;
    char   line[1024]; /* the line being read */
    size_t line_len;
    char   abort_msg[1024]; /* llama.cpp's GGML_ABORT / GGML_ASSERT text */
    char   threw[512];      /* an uncaught C++ exception: "type (what)" */
    int    have_what;
};

/* Writes all n bytes to fd (a pipe), through EINTR: 0, or -1. */
int llmb_write_all(int fd, const void *p, size_t n);

void llmb_child_log_add(struct llmb_child_log *l, const char *p, size_t n);
/* Why a child ended as it did (status from waitpid): llama.cpp's abort
 * message when it left one, else the signal or exit status with the last
 * output. */
void llmb_child_log_reason(const struct llmb_child_log *l, int status, char *buf, size_t len);

/* Forks. In the child (returns 0): stderr goes to the pipe whose read end the
 * parent gets in *err_fd, *reply_fd is the write end of the reply pipe, the
 * child dies with its parent and llama.cpp's aborts are reported on stderr
 * (the abort hook reset). In the parent: the child's pid, *reply_fd and
 * *err_fd the read ends. -1 (err set) on failure. */
pid_t llmb_child_fork(int *reply_fd, int *err_fd, struct llmb_error *err);

/* Runs fn(arg, reply_fd) in a child and waits for it. What the child sends
 * with llmb_child_send reaches on_msg (may be NULL) in the parent; fn's
 * result (its code and message) is the call's. A child that dies gives
 * LLMB_E_ENGINE with llmb_child_log_reason's line. *stop (may be NULL) is
 * polled: the child is killed and LLMB_E_INTERRUPTED returned. */
typedef int (*llmb_child_fn)(void *arg, int reply_fd, struct llmb_error *err);
typedef void (*llmb_child_msg_cb)(const void *msg, size_t len, void *user);
int llmb_child_call(llmb_child_fn fn, void *arg, llmb_child_msg_cb on_msg, void *user, volatile int *stop,
                    struct llmb_error *err);
/* From the child: one message (at most 65536 bytes) to the parent's on_msg. */
int llmb_child_send(int reply_fd, const void *msg, size_t len);

#endif
