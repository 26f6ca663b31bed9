/* llmbench.h - umbrella header of libllmbench: error codes and version.
 *
 * libllmbench measures language-model engines (llama.cpp in process today,
 * HTTP servers later). Every function returns an llmb error code and fills an
 * out-parameter; details of a failure go into a caller-owned struct llmb_error
 * so that only the top level prints, once. */
#ifndef LLMBENCH_LLMBENCH_H
#define LLMBENCH_LLMBENCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LLMB_VERSION "0.1.0"

enum llmb_errcode {
    LLMB_OK = 0,
    LLMB_E_INVAL,       /* bad argument or malformed value */
    LLMB_E_NOMEM,       /* allocation failed */
    LLMB_E_IO,          /* file could not be read or written */
    LLMB_E_MODEL,       /* model file missing, unreadable, truncated or not GGUF */
    LLMB_E_ENGINE,      /* the engine failed (load, context, decode) */
    LLMB_E_UNSUPPORTED, /* the engine cannot do this */
    LLMB_E_INTERRUPTED, /* stopped by a signal */
    LLMB_E_FAILED,      /* what was checked failed: tests that failed, a regression found */
    LLMB_E_COUNT
};

/* A failure: a code plus one human-readable line naming the culprit. */
struct llmb_error {
    int  code;
    char msg[512];
};

const char *llmb_strerror(int code);

/* Sets e (when not NULL) and returns code, so callers can write
 * `return llmb_error_set(err, LLMB_E_IO, "cannot open %s", path);` */
int llmb_error_set(struct llmb_error *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const char *llmb_version(void);

/* strerror(e), except that a full disk says so: "disk full (No space left
 * on device)", "disk full: quota exceeded (...)". */
const char *llmb_errno_text(int e);

#ifdef __cplusplus
}
#endif

#endif
