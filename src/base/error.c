/* error.c - llmb error codes: names and the error-setting helper.
 * Deep code fills a caller-owned struct llmb_error; only main() prints it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "llmbench/llmbench.h"

const char *llmb_strerror(int code)
{
    switch (code) {
    case LLMB_OK: return "success";
    case LLMB_E_INVAL: return "invalid argument";
    case LLMB_E_NOMEM: return "out of memory";
    case LLMB_E_IO: return "input/output error";
    case LLMB_E_MODEL: return "bad model file";
    case LLMB_E_ENGINE: return "engine failure";
    case LLMB_E_UNSUPPORTED: return "not supported by this engine";
    case LLMB_E_INTERRUPTED: return "interrupted";
    case LLMB_E_FAILED: return "failed";
    default: return "unknown error";
    }
}

int llmb_error_set(struct llmb_error *e, int code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        e->code = code;
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

const char *llmb_version(void)
{
    return LLMB_VERSION;
}

const char *llmb_errno_text(int e)
{
    if (e == ENOSPC)
        return "disk full (No space left on device)";
    if (e == EDQUOT)
        return "disk full: quota exceeded (Disk quota exceeded)";
    return strerror(e);
}
