/* quant.c - the quantization driver: llama_model_quantize in process. It
 * listens to llama.cpp's log (the only channel the quantizer reports through)
 * for per-tensor progress, and in a dry run for the type chosen for every
 * tensor. The log callback is swapped in for the call and restored after. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <ggml.h>
#include <llama.h>

#include "base/atomic_file.h"
#include "core/child.h"
#include "llmbench/model.h"
#include "llmbench/quant.h"

struct capture {
    /* progress */
    llmb_quant_progress_cb progress;
    void *user;
    /* dry run: tensor types */
    struct llmb_tensor_types *types;
    char  cur_name[256];
    int   cur_type;
    int   i, n;
    int   oom;
    char  last_error[256];
};

static int type_by_name(const char *name)
{
    for (int t = 0; t < GGML_TYPE_COUNT; t++) {
        const char *n = ggml_type_name((enum ggml_type)t);
        if (n && !strcmp(n, name))
            return t;
    }
    return -1;
}

static void push_type(struct capture *c, const char *name, int type)
{
    struct llmb_tensor_types *t = c->types;
    char **nn = realloc(t->names, (t->n + 1) * sizeof *nn);
    int *nt = nn ? realloc(t->types, (t->n + 1) * sizeof *nt) : NULL;
    if (nn)
        t->names = nn;
    if (nt)
        t->types = nt;
    if (!nn || !nt || !(t->names[t->n] = strdup(name))) {
        c->oom = 1;
        return;
    }
    t->types[t->n++] = type;
}

/* "[  12/ 147] blk.0.attn_q.weight - [2048, 2048, 1, 1], type =    f16, " then
 * "size = 8.00 MiB -> 2.25 MiB (q4_K)\n" or "size = 0.008 MiB\n" */
static void on_log(enum ggml_log_level level, const char *text, void *user)
{
    struct capture *c = user;
    if (level == GGML_LOG_LEVEL_ERROR) {
        snprintf(c->last_error, sizeof c->last_error, "%s", text);
        c->last_error[strcspn(c->last_error, "\n")] = 0;
        return;
    }
    int i, n;
    char name[256], type[32];
    if (text[0] == '[' && sscanf(text, "[%d/%d] %255s - [", &i, &n, name) == 3) {
        const char *t = strstr(text, "type = ");
        snprintf(c->cur_name, sizeof c->cur_name, "%s", name);
        c->cur_type = (t && sscanf(t, "type = %31[^, ]", type) == 1) ? type_by_name(type) : -1;
        c->i = i;
        c->n = n;
        return;
    }
    if (!strncmp(text, "size = ", 7) && c->cur_name[0]) {
        const char *paren = strstr(text, "-> ");
        int t = c->cur_type;
        if (paren && (paren = strchr(paren, '(')) && sscanf(paren, "(%31[^)])", type) == 1)
            t = type_by_name(type);
        if (c->types)
            push_type(c, c->cur_name, t);
        c->cur_name[0] = 0;
        if (c->progress)
            c->progress(c->i, c->n, c->user);
    }
}

static int run_quantize(const char *in, const char *out, int ftype, int n_threads, int dry, struct capture *c,
                        struct llmb_error *err)
{
    ggml_log_callback prev_cb;
    void *prev_user;
    llama_log_get(&prev_cb, &prev_user);
    llama_log_set(on_log, c);
    struct llama_model_quantize_params qp = llama_model_quantize_default_params();
    qp.ftype = (enum llama_ftype)ftype;
    qp.nthread = n_threads;
    qp.dry_run = dry;
    uint32_t rc = llama_model_quantize(in, out, &qp);
    llama_log_set(prev_cb, prev_user);
    if (rc != 0)
        return llmb_error_set(err, LLMB_E_ENGINE, "llama.cpp could not quantize '%s' to %s%s%s", in,
                              llmb_ftype_name(ftype) ? llmb_ftype_name(ftype) : "?", c->last_error[0] ? ": " : "",
                              c->last_error);
    if (c->oom)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    return LLMB_OK;
}

static int check_target(int ftype, struct llmb_error *err)
{
    if (!llmb_ftype_name(ftype))
        return llmb_error_set(err, LLMB_E_INVAL, "unknown quantization type %d", ftype);
    if (llmb_ftype_needs_imatrix(ftype))
        return llmb_error_set(err, LLMB_E_UNSUPPORTED, "%s needs an importance matrix, which llmbench does not make",
                              llmb_ftype_name(ftype));
    return LLMB_OK;
}

int llmb_quantize_plan(const char *input, int ftype, struct llmb_tensor_types *out, struct llmb_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = check_target(ftype, err);
    if (rc)
        return rc;
    struct capture c;
    memset(&c, 0, sizeof c);
    c.types = out;
    rc = run_quantize(input, "/dev/null", ftype, 1, 1, &c, err);
    if (rc == LLMB_OK && out->n == 0)
        rc = llmb_error_set(err, LLMB_E_ENGINE, "llama.cpp reported no tensors for '%s'", input);
    for (size_t i = 0; rc == LLMB_OK && i < out->n; i++)
        if (out->types[i] < 0)
            rc = llmb_error_set(err, LLMB_E_ENGINE, "cannot read llama.cpp's type for tensor %s", out->names[i]);
    if (rc)
        llmb_tensor_types_free(out);
    return rc;
}

void llmb_tensor_types_free(struct llmb_tensor_types *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->names[i]);
    free(t->names);
    free(t->types);
    memset(t, 0, sizeof *t);
}

/* ---- the quantization itself, in a child process ------------------------------ */

struct job {
    const struct llmb_quant_params *p;
    const char *tmp;
};

struct progress_msg {
    int32_t i, n;
};

static void child_progress(int i, int n, void *user)
{
    struct progress_msg m = {i, n};
    llmb_child_send(*(int *)user, &m, sizeof m);
}

/* In the child: llama.cpp writes the temporary by name; its progress goes to
 * the parent. An abort here costs this call only. */
static int quantize_child(void *arg, int reply_fd, struct llmb_error *err)
{
    const struct job *j = arg;
    struct capture c;
    memset(&c, 0, sizeof c);
    c.progress = j->p->progress ? child_progress : NULL;
    c.user = &reply_fd;
    return run_quantize(j->p->input, j->tmp, j->p->ftype, j->p->n_threads, 0, &c, err);
}

static void parent_progress(const void *msg, size_t len, void *user)
{
    const struct llmb_quant_params *p = user;
    struct progress_msg m;
    if (len == sizeof m && p->progress) {
        memcpy(&m, msg, sizeof m);
        p->progress(m.i, m.n, p->user);
    }
}

/* A failed write is usually a full disk: say so, whatever llama.cpp said
 * ("basic_ios::clear: iostream error"). */
static int disk_full(const char *path)
{
    struct statvfs v;
    return statvfs(path, &v) == 0 && (uint64_t)v.f_bavail * v.f_frsize < 1048576;
}

int llmb_quantize(const struct llmb_quant_params *p, struct llmb_error *err)
{
    int rc = check_target(p->ftype, err);
    if (rc)
        return rc;
    if ((rc = llmb_model_check(p->input, NULL, err)))
        return rc;
    /* a temporary name in the output's folder: llama.cpp writes it (in a child), we rename it */
    struct llmb_atomic_file af;
    if ((rc = llmb_atomic_open_tmp(&af, p->output, err)))
        return rc;
    struct job j = {.p = p, .tmp = af.tmp_path};
    rc = llmb_child_call(quantize_child, &j, parent_progress, (void *)p, p->stop, err);
    if (rc && rc != LLMB_E_INTERRUPTED && disk_full(af.tmp_path))
        rc = llmb_error_set(err, LLMB_E_IO, "cannot write '%s': %s", p->output, llmb_errno_text(ENOSPC));
    if (rc == LLMB_OK)
        rc = llmb_model_check(af.tmp_path, NULL, err);
    if (rc == LLMB_OK)
        rc = llmb_atomic_commit(&af, err);
    llmb_atomic_abort(&af);
    return rc;
}
