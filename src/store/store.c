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

#include "base/sha256.h"
#include "base/utf8.h"
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
        char path[4096];
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

int llmb_store_default_path(char *buf, size_t len, int create, struct llmb_error *err)
{
    char dir[4096];
    int rc = llmb_path_data_name(NULL, create, dir, sizeof dir, err);
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

int llmb_store_check(struct llmb_store *s, int full, int *ok, char **report, struct llmb_error *err)
{
    return s->ops->check(s->state, full, ok, report, err);
}

void llmb_store_close(struct llmb_store *s)
{
    if (!s)
        return;
    s->ops->close(s->state);
    free(s);
}

/* ---- identities ----------------------------------------------------------- */

/* "sha256:<sha>" when sha is known, else "path:<path>"; "" without a path. */
static void identity(char *buf, size_t len, const char *sha, const char *path)
{
    if (sha && *sha)
        snprintf(buf, len, "sha256:%s", sha);
    else if (path && *path)
        snprintf(buf, len, "path:%s", path);
    else
        buf[0] = 0;
}

void llmb_instance_key_ref(const struct llmb_instance *in, const char *sha, const char *ref_sha, char *buf,
                           size_t len)
{
    char model[4200], ref[4200], text[4200], engine[160];
    identity(model, sizeof model, sha, in->model ? in->model : "");
    if (in->kind == LLMB_WL_SPEED || in->kind < 0 || in->kind >= LLMB_WL_COUNT) { /* byte for byte as schema 1-3 */
        if (!(sha && *sha))
            snprintf(model, sizeof model, "path:%s", in->model ? in->model : "");
        int w = snprintf(buf, len, "model=%s;ngl=%d;b=%d;ub=%d;ctk=%s;ctv=%s;fa=%d;t=%d;d=%d;p=%d;n=%d", model,
                         in->n_gpu_layers, in->n_batch, in->n_ubatch, in->type_k ? in->type_k : "",
                         in->type_v ? in->type_v : "", in->flash_attn, in->n_threads, in->n_depth, in->n_prompt,
                         in->n_gen);
        /* llama-bench's other parameters (and the occurrence of a repeated test) join
         * the key only when they are not its default: keys of schema 1-4 still match */
        size_t nf;
        const struct llmb_field *f = llmb_result_fields(&nf);
        struct llmb_result *r = malloc(sizeof *r);
        char text[1200];
        for (size_t i = 0; r && i < nf && w > 0 && (size_t)w < len; i++) {
            if (!(f[i].flags & LLMB_FIELD_KEY))
                continue;
            struct llmb_value v = {0};
            llmb_result_of_instance(in, r);
            f[i].get(r, &v);
            llmb_value_text(&f[i], &v, text, sizeof text);
            if (f[i].def && strcmp(text, f[i].def))
                w += snprintf(buf + w, len - (size_t)w, ";%s=%s", f[i].name, text);
        }
        free(r);
        return;
    }
    if (in->kind == LLMB_WL_LOAD) { /* the server's model name and the load's profile */
        snprintf(buf, len, "kind=load;model=%s;profile=%s", in->model ? in->model : "",
                 in->load_profile ? in->load_profile : "");
        return;
    }
    static const struct llmb_quality_spec none = {.n_chunks = -1};
    const struct llmb_quality_spec *q = in->q ? in->q : &none;
    identity(ref, sizeof ref, ref_sha, in->ref_model);
    identity(text, sizeof text, q->text_sha256, q->text_path);
    /* the engine settings that change what a quality run measures (KV types above all) */
    snprintf(engine, sizeof engine, "ngl=%d;ub=%d;ctk=%s;ctv=%s;fa=%d", in->n_gpu_layers, in->n_ubatch,
             in->type_k ? in->type_k : "", in->type_v ? in->type_v : "", in->flash_attn);
    if (in->kind == LLMB_WL_SUITE)
        snprintf(buf, len, "kind=suite;model=%s;t=%d;suite=%s;maxtok=%d;temp=%g;seed=%u;ref=%s;%s", model,
                 in->n_threads, q->suite_id, q->max_tokens, q->temperature, (unsigned)q->seed, ref, engine);
    else if (in->kind == LLMB_WL_KLD)
        snprintf(buf, len, "kind=kld;model=%s;t=%d;text=%s;c=%d;b=%d;chunks=%d;topk=%d;ref=%s;%s", model,
                 in->n_threads, text, q->n_ctx, q->n_batch, q->n_chunks, q->top_k, ref, engine);
    else
        snprintf(buf, len, "kind=ppl;model=%s;t=%d;text=%s;c=%d;b=%d;chunks=%d;topk=%d;%s", model, in->n_threads,
                 text, q->n_ctx, q->n_batch, q->n_chunks, q->top_k, engine);
}

void llmb_instance_key(const struct llmb_instance *in, const char *sha, char *buf, size_t len)
{
    llmb_instance_key_ref(in, sha, NULL, buf, len);
}

void llmb_store_test_name(const struct llmb_result *r, char *buf, size_t len)
{
    llmb_instance_test_name(&r->inst, buf, len);
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

/* The sha256 of path (model_sha) copied to out: the cache may reuse a slot. */
static void sha_copy(struct llmb_store *s, const char *path, char out[65])
{
    snprintf(out, 65, "%s", model_sha(s, path));
}

int llmb_store_instance_key(struct llmb_store *s, const struct llmb_instance *in, char *buf, size_t len,
                            struct llmb_error *err)
{
    (void)err;
    char sha[65], ref[65] = "";
    sha_copy(s, in->model, sha);
    if (in->ref_model && *in->ref_model)
        sha_copy(s, in->ref_model, ref);
    llmb_instance_key_ref(in, sha, ref, buf, len);
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
    int rc = llmb_store_tags_check(ri->tags, err);
    return rc ? rc : s->ops->begin_run(s->state, ri, run_id, err);
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
    char sha[65], ref[65] = "";
    sha_copy(s, result_model(r), sha);
    if (r->inst.ref_model && *r->inst.ref_model)
        sha_copy(s, r->inst.ref_model, ref);
    return s->ops->put_result(s->state, run_id, r, sha, ref, err);
}

int llmb_store_end_run(struct llmb_store *s, int64_t run_id, int status, struct llmb_error *err)
{
    return s->ops->end_run(s->state, run_id, status, err);
}

int llmb_store_put_run(struct llmb_store *s, const struct llmb_run_info *ri, const struct llmb_result *results,
                       const char *const *model_sha256, size_t n, int64_t *run_id, struct llmb_error *err)
{
    if (llmb_store_tags_check(ri->tags, err))
        return LLMB_E_INVAL;
    /* hashes are copied: the cache holds 16, a run may name more models */
    const char **sha = calloc(2 * (n ? n : 1), sizeof *sha);
    char (*buf)[65] = calloc(2 * (n ? n : 1), sizeof *buf);
    if (!sha || !buf) {
        free(sha);
        free(buf);
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    const char **ref = sha + n;
    for (size_t i = 0; i < n; i++) {
        if (!model_sha256)
            sha_copy(s, result_model(&results[i]), buf[i]);
        sha[i] = model_sha256 ? model_sha256[i] : buf[i];
        const char *rm = results[i].inst.ref_model;
        if (rm && *rm)
            sha_copy(s, rm, buf[n + i]);
        ref[i] = buf[n + i];
    }
    int rc = s->ops->put_run(s->state, ri, results, sha, ref, n, run_id, err);
    free(sha);
    free(buf);
    return rc;
}

int llmb_store_put_family(struct llmb_store *s, int64_t run_id, const struct llmb_store_family *f,
                          struct llmb_error *err)
{
    if (!f || !f->source_path || !*f->source_path)
        return llmb_error_set(err, LLMB_E_INVAL, "model family without a source model");
    for (size_t i = 0; i < f->n; i++)
        if (!f->members[i].path || !*f->members[i].path)
            return llmb_error_set(err, LLMB_E_INVAL, "model family '%s': member %zu has no path", f->source_path,
                                  i + 1);
    const char **sha = calloc(f->n ? f->n : 1, sizeof *sha);
    char (*buf)[65] = calloc(f->n ? f->n : 1, sizeof *buf);
    int rc = LLMB_E_NOMEM;
    if (sha && buf) {
        for (size_t i = 0; i < f->n; i++) {
            sha_copy(s, f->members[i].path, buf[i]);
            sha[i] = buf[i];
        }
        rc = s->ops->put_family(s->state, run_id, f, sha, err);
    } else {
        llmb_error_set(err, rc, "out of memory");
    }
    free(sha);
    free(buf);
    return rc;
}

int llmb_store_get_answers(struct llmb_store *s, int64_t run_id, const char *instance_key,
                           struct llmb_suite_answer **out, size_t *n, struct llmb_error *err)
{
    *out = NULL;
    *n = 0;
    return s->ops->get_answers(s->state, run_id, instance_key, out, n, err);
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
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].r.total_ns); /* one block holds all four sample arrays */
        free(v[i].r.token_ns);
        if (v[i].r.answers) {
            llmb_suite_answers_free(v[i].r.answers, v[i].r.n_answers);
            free(v[i].r.answers);
        }
        for (size_t k = 0; v[i].items && k < v[i].r.n_answers; k++) {
            free(v[i].items[k].id);
            free(v[i].items[k].category);
            free(v[i].items[k].prompt);
            free(v[i].items[k].text);
        }
        free(v[i].items);
        free(v[i].strings);
    }
    free(v);
}

int llmb_store_tags_check(const char *tags, struct llmb_error *err)
{
    if (!tags)
        return LLMB_OK;
    size_t bad;
    if (!llmb_utf8_valid(tags, strlen(tags), &bad))
        return llmb_error_set(err, LLMB_E_INVAL, "tag '%.60s' is not valid UTF-8 (byte %zu is 0x%02x)", tags, bad,
                              (unsigned char)tags[bad]);
    if (strlen(tags) > LLMB_TAGS_MAX)
        return llmb_error_set(err, LLMB_E_INVAL, "tags '%.40s...' are %zu bytes long; at most %d are kept", tags,
                              strlen(tags), LLMB_TAGS_MAX);
    for (const char *p = tags; *p;) {
        size_t l = strcspn(p, ",");
        if (l > LLMB_TAG_MAX)
            return llmb_error_set(err, LLMB_E_INVAL, "tag '%.40s...' is %zu bytes long; at most %d are kept", p, l,
                                  LLMB_TAG_MAX);
        p += l + (p[l] == ',');
    }
    return LLMB_OK;
}

/* ---- llmbench hw: bandwidth and the compatibility matrix ------------------------- */

int llmb_store_put_bandwidth(struct llmb_store *s, const struct llmb_bw_result *r, struct llmb_error *err)
{
    if (!s->ops->put_bandwidth)
        return llmb_error_set(err, LLMB_E_UNSUPPORTED, "this store keeps no bandwidth");
    return s->ops->put_bandwidth(s->state, NULL, r, err);
}

int llmb_store_get_bandwidth(struct llmb_store *s, const char *host, struct llmb_bw_result *r, int *found,
                             struct llmb_error *err)
{
    *found = 0;
    if (!s->ops->get_bandwidth)
        return LLMB_OK;
    return s->ops->get_bandwidth(s->state, host, r, found, err);
}

int llmb_store_matrix(struct llmb_store *s, struct llmb_store_matrix_row **out, size_t *n, struct llmb_error *err)
{
    *out = NULL;
    *n = 0;
    if (!s->ops->matrix)
        return llmb_error_set(err, LLMB_E_UNSUPPORTED, "this store has no compatibility matrix");
    return s->ops->matrix(s->state, out, n, err);
}
