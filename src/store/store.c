/* store.c - the store API over its backends: picks the backend from the
 * path (a plain path is SQLite; "name://..." names another backend), keeps
 * the per-store cache of model hashes, and owns what every backend shares:
 * instance keys, plan hashes, filters, the default path. Callers see only
 * this file's functions; a backend sees only its ops table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../core/sha256.h"
#include "llmbench/paths.h"
#include "store_int.h"

extern const struct llmb_store_ops llmb_store_sqlite;

/* The backends; a server database joins here. */
static const struct llmb_store_ops *const backends[] = {&llmb_store_sqlite, NULL};

#define SHA_CACHE 16

struct llmb_store {
    const struct llmb_store_ops *ops;
    void *state;
    struct {
        char path[1024];
        char sha[65];
    } cache[SHA_CACHE];
    int n_cache;
};

void llmb_store_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
}

struct llmb_store_params llmb_store_default_params(void)
{
    return (struct llmb_store_params){.flags = 0, .lock_wait_s = 5.0};
}

int llmb_store_schema_version(const struct llmb_store *s)
{
    return s->ops->schema_version(s->state);
}

int llmb_store_default_path(char *buf, size_t len, struct llmb_error *err)
{
    char dir[4096];
    int rc = llmb_path_data_dir(NULL, dir, sizeof dir, err);
    if (rc)
        return rc;
    if ((size_t)snprintf(buf, len, "%s/results.db", dir) >= len)
        return llmb_error_set(err, LLMB_E_INVAL, "results database path too long");
    return LLMB_OK;
}

int llmb_store_open(const char *path, const struct llmb_store_params *p, struct llmb_store **out,
                    struct llmb_error *err)
{
    struct llmb_store_params dp = llmb_store_default_params();
    const struct llmb_store_ops *ops = backends[0];
    const char *sep = path ? strstr(path, "://") : NULL;
    if (sep) {
        ops = NULL;
        for (int i = 0; backends[i]; i++)
            if (strlen(backends[i]->name) == (size_t)(sep - path) && !strncmp(path, backends[i]->name, sep - path))
                ops = backends[i];
        if (!ops)
            return llmb_error_set(err, LLMB_E_INVAL, "results database '%s': unknown store '%.*s' (sqlite)", path,
                                  (int)(sep - path), path);
        path = sep + 3;
    }
    struct llmb_store *s = calloc(1, sizeof *s);
    if (!s)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    s->ops = ops;
    int rc = ops->open(path, p ? p : &dp, &s->state, err);
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    return LLMB_OK;
}

void llmb_store_close(struct llmb_store *s)
{
    if (!s)
        return;
    s->ops->close(s->state);
    free(s);
}

/* ---- identities ----------------------------------------------------------- */

void llmb_instance_key(const struct llmb_instance *in, const char *sha, char *buf, size_t len)
{
    char model[1100];
    if (sha && *sha)
        snprintf(model, sizeof model, "sha256:%s", sha);
    else
        snprintf(model, sizeof model, "path:%s", in->model ? in->model : "");
    snprintf(buf, len, "model=%s;ngl=%d;b=%d;ub=%d;ctk=%s;ctv=%s;fa=%d;t=%d;d=%d;p=%d;n=%d", model,
             in->n_gpu_layers, in->n_batch, in->n_ubatch, in->type_k ? in->type_k : "", in->type_v ? in->type_v : "",
             in->flash_attn, in->n_threads, in->n_depth, in->n_prompt, in->n_gen);
}

/* The model's sha256 through the cache; "" for a model that is no readable
 * GGUF file (the null engine's "null:..." models). */
static const char *model_sha(struct llmb_store *s, const char *path)
{
    if (!path || !*path)
        return "";
    for (int i = 0; i < s->n_cache; i++)
        if (!strcmp(s->cache[i].path, path))
            return s->cache[i].sha;
    int slot = s->n_cache < SHA_CACHE ? s->n_cache++ : SHA_CACHE - 1;
    snprintf(s->cache[slot].path, sizeof s->cache[slot].path, "%s", path);
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        llmb_store_model_sha256(path, s->cache[slot].sha, NULL) != LLMB_OK)
        s->cache[slot].sha[0] = 0;
    return s->cache[slot].sha;
}

int llmb_store_instance_key(struct llmb_store *s, const struct llmb_instance *in, char *buf, size_t len,
                            struct llmb_error *err)
{
    (void)err;
    llmb_instance_key(in, model_sha(s, in->model), buf, len);
    return LLMB_OK;
}

void llmb_store_plan_hash(const char *const *keys, size_t n, const char *extra, char hex[65])
{
    struct llmb_sha256 h;
    llmb_sha256_init(&h);
    for (size_t i = 0; i < n; i++) {
        llmb_sha256_update(&h, keys[i], strlen(keys[i]));
        llmb_sha256_update(&h, "\n", 1);
    }
    if (extra)
        llmb_sha256_update(&h, extra, strlen(extra));
    llmb_sha256_final_hex(&h, hex);
}

/* ---- runs and results ----------------------------------------------------- */

int llmb_store_begin_run(struct llmb_store *s, const struct llmb_run_info *ri, int64_t *run_id,
                         struct llmb_error *err)
{
    return s->ops->begin_run(s->state, ri, run_id, err);
}

int llmb_store_find_resumable(struct llmb_store *s, const char *plan_hash, int64_t *run_id, struct llmb_error *err)
{
    return s->ops->find_resumable(s->state, plan_hash, run_id, err);
}

int llmb_store_resume_run(struct llmb_store *s, int64_t run_id, struct llmb_error *err)
{
    return s->ops->resume_run(s->state, run_id, err);
}

int llmb_store_instance_done(struct llmb_store *s, int64_t run_id, const char *key, struct llmb_error *err)
{
    return s->ops->instance_done(s->state, run_id, key, err);
}

static const char *result_model(const struct llmb_result *r)
{
    return r->inst.model && *r->inst.model ? r->inst.model : r->model.path;
}

int llmb_store_put_result(struct llmb_store *s, int64_t run_id, const struct llmb_result *r, struct llmb_error *err)
{
    return s->ops->put_result(s->state, run_id, r, model_sha(s, result_model(r)), err);
}

int llmb_store_end_run(struct llmb_store *s, int64_t run_id, int status, struct llmb_error *err)
{
    return s->ops->end_run(s->state, run_id, status, err);
}

int llmb_store_put_run(struct llmb_store *s, const struct llmb_run_info *ri, const struct llmb_result *results,
                       const char *const *model_sha256, size_t n, int64_t *run_id, struct llmb_error *err)
{
    const char **sha = calloc(n ? n : 1, sizeof *sha);
    if (!sha)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        sha[i] = model_sha256 ? model_sha256[i] : model_sha(s, result_model(&results[i]));
    int rc = s->ops->put_run(s->state, ri, results, sha, n, run_id, err);
    free(sha);
    return rc;
}

int llmb_store_put_quality(struct llmb_store *s, int64_t run_id, const struct llmb_model_info *model,
                           const struct llmb_store_quality *q, struct llmb_error *err)
{
    return s->ops->put_quality(s->state, run_id, model, model_sha(s, model->path), q, err);
}

int llmb_store_list_runs(struct llmb_store *s, const struct llmb_store_filter *f, struct llmb_store_run **out,
                         size_t *n, struct llmb_error *err)
{
    struct llmb_store_filter all;
    memset(&all, 0, sizeof all);
    return s->ops->list_runs(s->state, f ? f : &all, out, n, err);
}

int llmb_store_query(struct llmb_store *s, const struct llmb_store_filter *f, struct llmb_store_record **out,
                     size_t *n, struct llmb_error *err)
{
    struct llmb_store_filter all;
    memset(&all, 0, sizeof all);
    return s->ops->query(s->state, f ? f : &all, out, n, err);
}

void llmb_store_records_free(struct llmb_store_record *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].r.total_ns); /* one block holds all four sample arrays */
    free(v);
}
