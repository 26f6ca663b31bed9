/* family_check.c - what a family's quality run needs settled before anything
 * runs (family.h, quality.h): the text's and the suite's identities, the
 * models' fitness (real weights, context, one vocabulary), and where the
 * reference's log-probabilities are kept (the data folder, so a resumed or
 * later run finds them, or a temporary file named by this process). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/atomic_file.h"
#include "base/sha256.h"
#include "llmbench/family.h"
#include "llmbench/model.h"
#include "llmbench/paths.h"
#include "llmbench/quality.h"
#include "llmbench/store.h"

int llmb_text_sha256(const char *path, char hex[65], struct llmb_error *err)
{
    char *t;
    size_t len;
    int rc = llmb_text_read(path, &t, &len, err);
    if (rc)
        return rc;
    struct llmb_sha256 h;
    llmb_sha256_init(&h);
    llmb_sha256_update(&h, t, len);
    llmb_sha256_final_hex(&h, hex);
    free(t);
    return LLMB_OK;
}

void llmb_suite_id(const struct llmb_suite *s, char *buf, size_t len)
{
    struct llmb_sha256 h;
    char hex[65], num[64];
    llmb_sha256_init(&h);
    for (size_t i = 0; i < s->n; i++) {
        const struct llmb_suite_item *it = &s->items[i];
        const char *parts[] = {it->id, it->category, it->prompt, it->text ? it->text : ""};
        for (size_t k = 0; k < 4; k++)
            llmb_sha256_update(&h, parts[k] ? parts[k] : "", strlen(parts[k] ? parts[k] : "") + 1);
        snprintf(num, sizeof num, "%d:%.17g:%d", it->check, it->number, it->ignore_case);
        llmb_sha256_update(&h, num, strlen(num) + 1);
    }
    llmb_sha256_final_hex(&h, hex);
    snprintf(buf, len, "%.48s/v%d/%.16s", s->name ? s->name : "suite", s->version, hex);
}

int llmb_family_synthetic(const char *path, struct llmb_error *err)
{
    return llmb_error_set(err, LLMB_E_INVAL,
                          "model '%s' is synthetic (random weights): its quality figures "
                          "would mean nothing (--force to measure anyway)",
                          path);
}

int llmb_family_check(const struct llmb_family_check *c, struct llmb_error *err)
{
    struct llmb_gguf_facts rf = {0};
    const struct llmb_ref_info *ri = c->ref_in;
    int rc;
    for (size_t i = 0; i < c->n; i++) {
        struct llmb_gguf_facts f;
        if ((rc = llmb_model_facts(c->models[i], &f, err)))
            return rc;
        if (i == c->ref)
            rf = f;
        if (f.synthetic && !c->force && c->measured)
            return llmb_family_synthetic(c->models[i], err);
        if (c->ppl && f.n_ctx_train > 0 && c->n_ctx > f.n_ctx_train)
            return llmb_error_set(err, LLMB_E_INVAL, "-c/--ctx-size %d is larger than the model's context (%d) of '%s'",
                                  c->n_ctx, f.n_ctx_train, c->models[i]);
        if (ri && f.vocab_hash && ri->vocab_hash && f.vocab_hash != ri->vocab_hash)
            return llmb_error_set(err, LLMB_E_INVAL,
                                  "model '%s' has another vocabulary (%d tokens) than the model "
                                  "'%s' that --ref '%s' was made with (%d tokens)",
                                  c->models[i], f.n_vocab, ri->model_name, c->ref_in_path, ri->n_vocab);
    }
    if (c->kld && c->n > 1) /* KL divergence against the reference needs its vocabulary */
        for (size_t i = 0; i < c->n; i++) {
            struct llmb_gguf_facts f;
            if ((rc = llmb_model_facts(c->models[i], &f, err)))
                return rc;
            if (f.vocab_hash != rf.vocab_hash || f.n_vocab != rf.n_vocab)
                return llmb_error_set(err, LLMB_E_INVAL,
                                      "model '%s' has another vocabulary (%d tokens) than the "
                                      "reference '%s' (%d tokens): KL divergence compares the same tokens",
                                      c->models[i], f.n_vocab, c->models[c->ref], rf.n_vocab);
        }
    return LLMB_OK;
}

int llmb_family_ref_path(const struct llmb_quality_spec *s, const char *model, int threads, char *buf, size_t len,
                         struct llmb_error *err)
{
    char dir[3900], sha[72] = "", key[1024], hex[65];
    int rc = llmb_path_data_dir("refs", dir, sizeof dir, err);
    if (rc)
        return rc;
    if (llmb_store_model_sha256(model, sha, NULL) != LLMB_OK)
        snprintf(sha, sizeof sha, "path:%.64s", model);
    snprintf(key, sizeof key, "%s;%s;c=%d;b=%d;chunks=%d;topk=%d;t=%d", sha, s->text_sha256, s->n_ctx, s->n_batch,
             s->n_chunks, s->top_k, threads);
    struct llmb_sha256 h;
    llmb_sha256_init(&h);
    llmb_sha256_update(&h, key, strlen(key));
    llmb_sha256_final_hex(&h, hex);
    snprintf(buf, len, "%s/%.24s.ref", dir, hex);
    return LLMB_OK;
}

/* The temporary references of processes that are gone ("llmbench-ref.<pid>.ref"). */
static void remove_stale_refs(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        long pid;
        int used = 0;
        if (sscanf(e->d_name, "llmbench-ref.%ld.ref%n", &pid, &used) == 1 && !e->d_name[used] && pid > 0 &&
            pid != getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
            char p[4400];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
            llmb_atomic_remove_stale(p);
        }
    }
    if (d)
        closedir(d);
}

int llmb_family_ref_tmp(char *buf, size_t len, struct llmb_error *err)
{
    const char *d = getenv("TMPDIR");
    d = d && *d ? d : "/tmp";
    remove_stale_refs(d);
    snprintf(buf, len, "%s/llmbench-ref.%ld.ref", d, (long)getpid());
    int fd = open(buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return llmb_error_set(err, LLMB_E_IO, "cannot create a temporary reference file in %s: %s", d, strerror(errno));
    close(fd);
    return LLMB_OK;
}
