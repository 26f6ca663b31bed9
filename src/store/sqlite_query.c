/* sqlite_query.c - reads of the SQLite store: runs and stored instances that
 * match a filter, rebuilt into the structs the runner produced so every
 * printer, compare and recommend work on them unchanged. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/field_json.h"
#include "sqlite_int.h"

/* A filter as SQL: run-level conditions (on r) and instance-level ones (on
 * ti, m, c, h), with named parameters bound by bind_filter. */
struct where {
    char run[1024];
    char inst[1024];
};

static void add(char *buf, size_t len, const char *cond)
{
    size_t l = strlen(buf);
    snprintf(buf + l, len - l, "%s%s", l ? " AND " : "", cond);
}

static void build_where(const struct llmb_store_filter *f, struct where *w)
{
    w->run[0] = w->inst[0] = 0;
    if (f->run_id)
        add(w->run, sizeof w->run, "r.id = :run");
    if (f->tag[0])
        add(w->run, sizeof w->run, "EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.tag = :tag)");
    if (f->host[0])
        add(w->run, sizeof w->run, "instr(lower(r.host), lower(:host)) > 0");
    if (f->build[0])
        add(w->run, sizeof w->run, "instr(r.build_commit, :build) = 1");
    if (f->plan[0])
        add(w->run, sizeof w->run, "r.plan_hash = :plan");
    if (f->since[0])
        add(w->run, sizeof w->run, "r.started_at >= :since");
    if (f->until[0])
        add(w->run, sizeof w->run, "r.started_at <= :until");
    if (f->model[0])
        add(w->inst, sizeof w->inst,
            "(instr(lower(m.path), lower(:model)) > 0 OR instr(lower(m.description), lower(:model)) > 0)");
    if (f->quant[0])
        add(w->inst, sizeof w->inst, "instr(lower(m.quant), lower(:quant)) > 0");
    if (f->kind[0])
        add(w->inst, sizeof w->inst, "ti.kind = :kind");
    if (f->key[0])
        add(w->inst, sizeof w->inst, "ti.instance_key = :key");
    if (f->device[0])
        add(w->inst, sizeof w->inst,
            "instr(lower(c.backends || ' ' || c.devices || ' ' || coalesce(h.gpu_info, '') || ' ' ||"
            " coalesce(h.cpu_name, '')), lower(:device)) > 0");
}

static int bind_name(sqlite3_stmt *st, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    return i && *v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : SQLITE_OK;
}

static int bind_filter(sqlite3_stmt *st, const struct llmb_store_filter *f)
{
    int i = sqlite3_bind_parameter_index(st, ":run");
    int rc = i ? sqlite3_bind_int64(st, i, f->run_id) : SQLITE_OK;
    const struct {
        const char *name, *v;
    } t[] = {
        {":tag", f->tag},     {":host", f->host},   {":build", f->build}, {":since", f->since},
        {":until", f->until}, {":model", f->model}, {":quant", f->quant}, {":device", f->device},
        {":plan", f->plan},   {":kind", f->kind},   {":key", f->key},
    };
    for (size_t k = 0; k < sizeof t / sizeof t[0] && rc == SQLITE_OK; k++)
        rc = bind_name(st, t[k].name, t[k].v);
    return rc;
}

static int prep_filtered(struct llmb_sqlite *s, sqlite3_stmt **st, const char *sql,
                         const struct llmb_store_filter *f)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    if (rc == SQLITE_OK && (rc = bind_filter(*st, f)) != SQLITE_OK) {
        sqlite3_finalize(*st);
        *st = NULL;
    }
    return rc;
}

/* Grows *v (of *cap elements of size sz) to hold n+1. */
static int grow(void **v, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    void *p = realloc(*v, nc * sz);
    if (!p)
        return -1;
    memset((char *)p + *cap * sz, 0, (nc - *cap) * sz);
    *v = p;
    *cap = nc;
    return 0;
}

static int run_status(const char *name)
{
    for (int i = LLMB_RUN_RUNNING; i <= LLMB_RUN_FAILED; i++)
        if (!strcmp(name, llmb_run_status_name(i)))
            return i;
    return -1;
}

int llmb_store_sqlite_list_runs(void *state, const struct llmb_store_filter *f, struct llmb_store_run **out,
                                size_t *n, struct llmb_error *err)
{
    struct llmb_sqlite *s = state;
    struct where w;
    build_where(f, &w);
    char sql[4096];
    snprintf(sql, sizeof sql,
             "SELECT r.id, r.started_at, coalesce(r.finished_at, ''), r.status, r.source, r.user, r.host, r.command,"
             " r.llmbench_version, r.build_commit, r.build_number,"
             " coalesce((SELECT group_concat(tag, ',') FROM (SELECT tag FROM run_tags WHERE run_id = r.id"
             " ORDER BY tag)), ''), coalesce(r.plan_hash, ''), r.n_planned,"
             " (SELECT count(*) FROM test_instances WHERE run_id = r.id),"
             " h.cpu_name, h.cpu_cores, h.mem_total_bytes, h.gpu_info, h.backends, h.os, h.kernel, h.machine,"
             " (SELECT count(*) FROM test_instances WHERE run_id = r.id AND status = 'failed'), r.pid"
             " FROM runs r LEFT JOIN hardware h ON h.run_id = r.id WHERE %s%s%s%s%s ORDER BY r.id",
             w.run[0] ? w.run : "1", w.inst[0] ? " AND EXISTS (SELECT 1 FROM test_instances ti" : "",
             w.inst[0] ? " JOIN models m ON m.id = ti.model_id JOIN configurations c ON c.id = ti.config_id"
                         " WHERE ti.run_id = r.id AND "
                       : "",
             w.inst, w.inst[0] ? ")" : "");
    sqlite3_stmt *st;
    struct llmb_store_run *v = NULL;
    size_t cap = 0, k = 0;
    int rc = prep_filtered(s, &st, sql, f);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (grow((void **)&v, &cap, k, sizeof *v)) {
            sqlite3_finalize(st);
            free(v);
            return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        }
        struct llmb_store_run *r = &v[k++];
        char status[32];
        r->id = sqlite3_column_int64(st, 0);
        llmb_store_sqlite_text(st, 1, r->started_at, sizeof r->started_at);
        llmb_store_sqlite_text(st, 2, r->finished_at, sizeof r->finished_at);
        llmb_store_sqlite_text(st, 3, status, sizeof status);
        r->status = run_status(status);
        llmb_store_sqlite_text(st, 4, r->source, sizeof r->source);
        llmb_store_sqlite_text(st, 5, r->user, sizeof r->user);
        llmb_store_sqlite_text(st, 6, r->host, sizeof r->host);
        llmb_store_sqlite_text(st, 7, r->command, sizeof r->command);
        llmb_store_sqlite_text(st, 8, r->llmbench_version, sizeof r->llmbench_version);
        llmb_store_sqlite_text(st, 9, r->build_commit, sizeof r->build_commit);
        r->build_number = sqlite3_column_int(st, 10);
        llmb_store_sqlite_text(st, 11, r->tags, sizeof r->tags);
        llmb_store_sqlite_text(st, 12, r->plan_hash, sizeof r->plan_hash);
        r->n_planned = (size_t)sqlite3_column_int64(st, 13);
        r->n_done = (size_t)sqlite3_column_int64(st, 14);
        llmb_store_sqlite_text(st, 15, r->hw.cpu_name, sizeof r->hw.cpu_name);
        r->hw.cpu_cores = sqlite3_column_int(st, 16);
        r->hw.mem_total = (uint64_t)sqlite3_column_int64(st, 17);
        llmb_store_sqlite_text(st, 18, r->hw.gpu_info, sizeof r->hw.gpu_info);
        llmb_store_sqlite_text(st, 19, r->hw.backends, sizeof r->hw.backends);
        llmb_store_sqlite_text(st, 20, r->hw.os, sizeof r->hw.os);
        llmb_store_sqlite_text(st, 21, r->hw.kernel, sizeof r->hw.kernel);
        llmb_store_sqlite_text(st, 22, r->hw.machine, sizeof r->hw.machine);
        r->n_failed = (size_t)sqlite3_column_int64(st, 23);
        /* a run stored as running whose process is gone was interrupted (killed) */
        if (r->status == LLMB_RUN_RUNNING &&
            !llmb_store_sqlite_run_live(s, r->id, r->host, (long)sqlite3_column_int64(st, 24))) {
            r->status = LLMB_RUN_INTERRUPTED;
            r->process_gone = 1;
        }
        /* a run that ended with failed tests is not complete (stores of schema 4 said so) */
        if (r->status == LLMB_RUN_COMPLETE && r->n_failed)
            r->status = LLMB_RUN_FAILED;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(v);
        return llmb_store_sqlite_err(s, rc, "listing runs", err);
    }
    *out = v;
    *n = k;
    return LLMB_OK;
}

/* ---- instances ------------------------------------------------------------ */

enum {
    Q_ID, Q_RUN, Q_KEY, Q_TIME, Q_NSAMP, Q_STOP, Q_CITARGET, Q_LOAD, Q_RSS, Q_SHA, Q_PATH, Q_DESC, Q_ARCH, Q_QUANT,
    Q_NPARAMS, Q_MSIZE, Q_FSIZE, Q_BPW, Q_SYNTH, Q_NVOCAB, Q_NCTXTRAIN, Q_NLAYER, Q_P, Q_N, Q_D, Q_B, Q_UB, Q_TK,
    Q_TV, Q_T, Q_NGL, Q_FA, Q_ANCTX, Q_AB, Q_AUB, Q_AT, Q_ATK, Q_ATV, Q_AFA, Q_BACKENDS, Q_DEVICES, Q_COMMIT,
    Q_BUILDNO, Q_HOST, Q_CPU, Q_GPU, Q_TAGS, Q_KLD, Q_PPL, Q_KIND, Q_TEST, Q_REFPATH, Q_REFSHA, Q_EXTRA, Q_STATUS,
    Q_ERROR,
};

/* The latest figure of a kind for the model of the row: quality rows of the
 * same file, known by its sha256, or by its path where a side was not hashed
 * (legacy rows and every quality instance's rows alike). */
#define LATEST(kind)                                                                                                 \
    " (SELECT q.value FROM quality_results q JOIN models qm ON qm.id = q.model_id WHERE q.kind = '" kind "' AND"     \
    " (qm.id = m.id OR (m.sha256 != '' AND qm.sha256 = m.sha256) OR ((m.sha256 = '' OR qm.sha256 = '') AND"       \
    " qm.path = m.path)) ORDER BY q.id DESC LIMIT 1)"

/* A model that KL divergences were measured against is 0 from itself. */
#define AS_REFERENCE                                                                                                 \
    " (SELECT 0.0 FROM quality_results q JOIN models qm ON qm.id = q.reference_model_id WHERE q.kind = 'kld' AND"   \
    " (qm.id = m.id OR (m.sha256 != '' AND qm.sha256 = m.sha256) OR ((m.sha256 = '' OR qm.sha256 = '') AND"       \
    " qm.path = m.path)) LIMIT 1)"

static const char query_sql[] =
    "SELECT ti.id, ti.run_id, ti.instance_key, ti.test_time, ti.n_samples, ti.stop_reason, ti.ci_target_pct,"
    " ti.load_ms, ti.peak_rss_bytes, m.sha256, m.path, m.description, m.arch, m.quant, m.n_params, m.model_size,"
    " m.file_size, m.bpw, m.synthetic, m.n_vocab, m.n_ctx_train, m.n_layer, c.n_prompt, c.n_gen, c.n_depth,"
    " c.n_batch, c.n_ubatch, c.type_k, c.type_v, c.n_threads, c.n_gpu_layers, c.flash_attn, c.applied_n_ctx,"
    " c.applied_n_batch, c.applied_n_ubatch, c.applied_n_threads, c.applied_type_k, c.applied_type_v,"
    " c.applied_flash_attn, c.backends, c.devices, r.build_commit, r.build_number, r.host,"
    " coalesce(h.cpu_name, ''), coalesce(h.gpu_info, ''),"
    " coalesce((SELECT group_concat(tag, ',') FROM (SELECT tag FROM run_tags WHERE run_id = r.id ORDER BY tag)),"
    " ''),"
    " coalesce(" LATEST("kld") "," AS_REFERENCE ")," LATEST("ppl") ","
    " ti.kind, ti.test, coalesce(rm.path, ''), coalesce(rm.sha256, ''), ti.extra, ti.status, coalesce(ti.error, '')"
    " FROM test_instances ti JOIN runs r ON r.id = ti.run_id JOIN models m ON m.id = ti.model_id"
    " JOIN configurations c ON c.id = ti.config_id LEFT JOIN hardware h ON h.run_id = r.id"
    " LEFT JOIN models rm ON rm.id = ti.reference_model_id"
    " WHERE %s AND %s AND %s ORDER BY ti.id";

static int stop_reason(const char *name)
{
    for (int i = LLMB_STOP_FIXED; i <= LLMB_STOP_MAX_TIME; i++)
        if (!strcmp(name, llmb_stop_reason_name(i)))
            return i;
    return LLMB_STOP_FIXED;
}

static double real_or_nan(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* The record's fields the extra column holds (speed tests), through the
 * field table's setters; their strings go to rec->strings. */
static int fill_extra(sqlite3_stmt *st, struct llmb_store_record *rec)
{
    const char *text = (const char *)sqlite3_column_text(st, Q_EXTRA);
    json_t *o = text && *text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_object(o)) {
        json_decref(o);
        return SQLITE_OK; /* '{}' or damaged: llama-bench's defaults */
    }
    size_t cap = strlen(text) + 64;
    struct llmb_strings sp = {.buf = rec->strings = malloc(cap), .cap = cap};
    const struct llmb_field *bad = NULL;
    int rc = rec->strings ? SQLITE_OK : SQLITE_NOMEM;
    if (rc == SQLITE_OK)
        llmb_fields_from_json(&rec->r, o, LLMB_FIELD_EXTRA, &sp, &bad); /* a bad value keeps its default */
    json_decref(o);
    return rc;
}

static void fill_record(sqlite3_stmt *st, struct llmb_store_record *rec)
{
    struct llmb_result *r = &rec->r;
    struct llmb_model_info *m = &r->model;
    struct llmb_context_info *a = &r->applied;
    char buf[64];
    rec->instance_id = sqlite3_column_int64(st, Q_ID);
    rec->run_id = sqlite3_column_int64(st, Q_RUN);
    llmb_store_sqlite_text(st, Q_KEY, rec->instance_key, sizeof rec->instance_key);
    llmb_store_sqlite_text(st, Q_TIME, r->test_time, sizeof r->test_time);
    r->n_samples = (size_t)sqlite3_column_int64(st, Q_NSAMP);
    llmb_store_sqlite_text(st, Q_STOP, buf, sizeof buf);
    r->stop_reason = stop_reason(buf);
    r->ci_target_pct = sqlite3_column_double(st, Q_CITARGET);
    m->load_ms = sqlite3_column_double(st, Q_LOAD);
    r->peak_rss = (uint64_t)sqlite3_column_int64(st, Q_RSS);
    llmb_store_sqlite_text(st, Q_SHA, rec->model_sha256, sizeof rec->model_sha256);
    llmb_store_sqlite_text(st, Q_PATH, m->path, sizeof m->path);
    llmb_store_sqlite_text(st, Q_DESC, m->desc, sizeof m->desc);
    llmb_store_sqlite_text(st, Q_ARCH, m->arch, sizeof m->arch);
    llmb_store_sqlite_text(st, Q_QUANT, m->quant, sizeof m->quant);
    m->n_params = (uint64_t)sqlite3_column_int64(st, Q_NPARAMS);
    m->model_size = (uint64_t)sqlite3_column_int64(st, Q_MSIZE);
    m->file_size = (uint64_t)sqlite3_column_int64(st, Q_FSIZE);
    m->bpw = sqlite3_column_double(st, Q_BPW);
    m->synthetic = sqlite3_column_int(st, Q_SYNTH);
    m->n_vocab = sqlite3_column_int(st, Q_NVOCAB);
    m->n_ctx_train = sqlite3_column_int(st, Q_NCTXTRAIN);
    m->n_layer = sqlite3_column_int(st, Q_NLAYER);
    struct llmb_instance *in = &r->inst;
    in->n_prompt = sqlite3_column_int(st, Q_P);
    in->n_gen = sqlite3_column_int(st, Q_N);
    in->n_depth = sqlite3_column_int(st, Q_D);
    in->n_batch = sqlite3_column_int(st, Q_B);
    in->n_ubatch = sqlite3_column_int(st, Q_UB);
    llmb_store_sqlite_text(st, Q_TK, rec->type_k, sizeof rec->type_k);
    llmb_store_sqlite_text(st, Q_TV, rec->type_v, sizeof rec->type_v);
    in->n_threads = sqlite3_column_int(st, Q_T);
    in->n_gpu_layers = sqlite3_column_int(st, Q_NGL);
    in->flash_attn = sqlite3_column_int(st, Q_FA);
    a->n_ctx = sqlite3_column_int(st, Q_ANCTX);
    a->n_batch = sqlite3_column_int(st, Q_AB);
    a->n_ubatch = sqlite3_column_int(st, Q_AUB);
    a->n_threads = sqlite3_column_int(st, Q_AT);
    llmb_store_sqlite_text(st, Q_ATK, a->type_k, sizeof a->type_k);
    llmb_store_sqlite_text(st, Q_ATV, a->type_v, sizeof a->type_v);
    a->flash_attn = sqlite3_column_int(st, Q_AFA);
    llmb_store_sqlite_text(st, Q_BACKENDS, m->backends, sizeof m->backends);
    llmb_store_sqlite_text(st, Q_DEVICES, m->devices, sizeof m->devices);
    llmb_store_sqlite_text(st, Q_COMMIT, m->build_commit, sizeof m->build_commit);
    m->build_number = sqlite3_column_int(st, Q_BUILDNO);
    llmb_store_sqlite_text(st, Q_HOST, rec->host, sizeof rec->host);
    llmb_store_sqlite_text(st, Q_CPU, m->cpu_info, sizeof m->cpu_info);
    llmb_store_sqlite_text(st, Q_GPU, m->gpu_info, sizeof m->gpu_info);
    llmb_store_sqlite_text(st, Q_TAGS, rec->tags, sizeof rec->tags);
    rec->kld = real_or_nan(st, Q_KLD);
    rec->ppl = real_or_nan(st, Q_PPL);
    llmb_store_sqlite_text(st, Q_KIND, buf, sizeof buf);
    in->kind = llmb_workload_kind_parse(buf);
    if (in->kind < 0)
        in->kind = LLMB_WL_SPEED;
    llmb_store_sqlite_text(st, Q_TEST, rec->test, sizeof rec->test);
    llmb_store_sqlite_text(st, Q_REFPATH, rec->ref_model, sizeof rec->ref_model);
    llmb_store_sqlite_text(st, Q_REFSHA, rec->ref_model_sha256, sizeof rec->ref_model_sha256);
    llmb_store_sqlite_text(st, Q_STATUS, buf, sizeof buf);
    if (!strcmp(buf, "failed")) { /* a failed test: its reason, never an empty one */
        llmb_store_sqlite_text(st, Q_ERROR, rec->error, sizeof rec->error);
        if (!rec->error[0])
            snprintf(rec->error, sizeof rec->error, "failed (no reason stored)");
    }
    rec->temperature = NAN;
    rec->seed = -1;
    if (in->kind == LLMB_WL_SPEED || in->kind == LLMB_WL_LOAD)
        return;
    struct llmb_ppl_result *p = &r->ppl; /* unknown until a quality row says */
    p->ppl = p->ppl_err = p->seconds = p->seconds_per_pass = p->tokens_per_s = NAN;
    p->ref_ppl = p->ppl_ratio = p->kld_mean = p->kld_err = p->kld_median = p->kld_p99 = p->kld_max = NAN;
    p->top1 = p->top1_err = p->rms_dp = p->rms_dp_err = p->mean_dp = p->mean_dp_err = NAN;
    p->n_chunks = -1;
    p->n_scored = p->n_text_tokens = -1;
}

static void fill_stats(sqlite3_stmt *st, struct llmb_stats *s)
{
    s->n = (size_t)sqlite3_column_int64(st, 1);
    s->mean = sqlite3_column_double(st, 2);
    s->stddev = sqlite3_column_double(st, 3);
    s->median = sqlite3_column_double(st, 4);
    s->min = sqlite3_column_double(st, 5);
    s->max = sqlite3_column_double(st, 6);
    double lo = real_or_nan(st, 7), hi = real_or_nan(st, 8);
    s->ci95_half = isnan(lo) || isnan(hi) ? 0 : (hi - lo) / 2;
    s->n_outliers = (size_t)sqlite3_column_int64(st, 9);
}

/* Repetition k's token timeline (column col: a JSON array of n_gen
 * integers, or NULL) into r->token_ns (allocated for n repetitions at the
 * first one). A missing or malformed row leaves the timeline absent:
 * rows stored before it existed have none. Returns -1 out of memory. */
static int timeline_row(sqlite3_stmt *ss, int col, struct llmb_result *r, size_t k, size_t n, size_t n_gen)
{
    const char *text = (const char *)sqlite3_column_text(ss, col);
    if (!n_gen || !text || (k > 0 && !r->token_ns))
        return 0;
    json_t *a = json_loads(text, 0, NULL);
    int good = json_is_array(a) && json_array_size(a) == n_gen;
    if (good && !r->token_ns && !(r->token_ns = calloc(n * n_gen, sizeof *r->token_ns))) {
        json_decref(a);
        return -1;
    }
    for (size_t i = 0; good && i < n_gen; i++) {
        json_t *v = json_array_get(a, i);
        good = json_is_integer(v) && json_integer_value(v) >= 0;
        if (good)
            r->token_ns[k * n_gen + i] = (uint64_t)json_integer_value(v);
    }
    json_decref(a);
    if (!good) {
        free(r->token_ns);
        r->token_ns = NULL;
    }
    return 0;
}

/* Samples and metrics of one record (prepared statements reused). */
static int fill_details(sqlite3_stmt *ss, sqlite3_stmt *ms, struct llmb_store_record *rec)
{
    struct llmb_result *r = &rec->r;
    size_t n = r->n_samples, k = 0;
    uint64_t *buf = calloc(4 * (n ? n : 1), sizeof *buf);
    if (!buf)
        return SQLITE_NOMEM;
    r->total_ns = buf;
    r->pp_ns = buf + n;
    r->tg_ns = buf + 2 * n;
    r->ttft_ns = buf + 3 * n;
    int rc;
    sqlite3_reset(ss);
    sqlite3_bind_int64(ss, 1, rec->instance_id);
    size_t n_gen = r->inst.n_gen > 0 ? (size_t)r->inst.n_gen : 0;
    while ((rc = sqlite3_step(ss)) == SQLITE_ROW && k < n) {
        r->total_ns[k] = (uint64_t)sqlite3_column_int64(ss, 0);
        r->pp_ns[k] = (uint64_t)sqlite3_column_int64(ss, 1);
        r->tg_ns[k] = (uint64_t)sqlite3_column_int64(ss, 2);
        r->ttft_ns[k] = (uint64_t)sqlite3_column_int64(ss, 3);
        if (timeline_row(ss, 4, r, k, n, n_gen))
            return SQLITE_NOMEM;
        k++;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return rc;
    r->n_samples = k;
    sqlite3_reset(ms);
    sqlite3_bind_int64(ms, 1, rec->instance_id);
    while ((rc = sqlite3_step(ms)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(ms, 0);
        struct llmb_stats *t = !name                       ? NULL
                               : !strcmp(name, "ts")       ? &r->ts
                               : !strcmp(name, "pp_ts")    ? &r->pp_ts
                               : !strcmp(name, "tg_ts")    ? &r->tg_ts
                               : !strcmp(name, "ttft_ms")  ? &r->ttft_ms
                               : !strcmp(name, "total_ns") ? &r->total_ns_stats
                                                           : NULL;
        if (t)
            fill_stats(ms, t);
    }
    if (rc != SQLITE_DONE)
        return rc;
    /* the median's interval and the MAD are not stored: from the samples, as the runner computes them */
    struct llmb_stats s;
    double *tmp = malloc((k ? k : 1) * sizeof *tmp);
    if (!tmp)
        return SQLITE_NOMEM;
    llmb_stats_rates(r->total_ns, k, r->inst.n_prompt + r->inst.n_gen, tmp, &s);
    free(tmp);
    r->ts.median_lo = s.median_lo;
    r->ts.median_hi = s.median_hi;
    r->ts.mad = s.mad;
    return SQLITE_OK;
}

/* ---- quality figures and answers ------------------------------------------- */

static const char quality_sql[] =
    "SELECT kind, value, stderr, dataset, n_ctx, n_chunks, text_sha256, n_scored, n_text_tokens, seconds,"
    " tokens_per_s, median, p99, max, top1, top1_err, rms_dp, rms_dp_err, mean_dp, mean_dp_err, ref_ppl"
    " FROM quality_results WHERE instance_id = ? ORDER BY id";

static long int_or(sqlite3_stmt *st, int i, long none)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? none : (long)sqlite3_column_int64(st, i);
}

/* r.ppl of a ppl/kld record from its quality_results rows. */
static int fill_quality(sqlite3_stmt *qs, struct llmb_store_record *rec)
{
    struct llmb_ppl_result *p = &rec->r.ppl;
    int rc;
    sqlite3_reset(qs);
    sqlite3_bind_int64(qs, 1, rec->instance_id);
    while ((rc = sqlite3_step(qs)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(qs, 0);
        if (kind && !strcmp(kind, "ppl")) {
            p->ppl = real_or_nan(qs, 1);
            p->ppl_err = real_or_nan(qs, 2);
            llmb_store_sqlite_text(qs, 3, rec->dataset, sizeof rec->dataset);
            p->n_ctx = sqlite3_column_int(qs, 4);
            p->n_chunks = sqlite3_column_int(qs, 5);
            llmb_store_sqlite_text(qs, 6, rec->dataset_sha256, sizeof rec->dataset_sha256);
            p->n_scored = int_or(qs, 7, -1);
            p->n_text_tokens = int_or(qs, 8, -1);
            p->seconds = real_or_nan(qs, 9);
            p->tokens_per_s = real_or_nan(qs, 10);
        } else if (kind && !strcmp(kind, "kld")) {
            p->have_kld = 1;
            p->kld_mean = real_or_nan(qs, 1);
            p->kld_err = real_or_nan(qs, 2);
            p->kld_median = real_or_nan(qs, 11);
            p->kld_p99 = real_or_nan(qs, 12);
            p->kld_max = real_or_nan(qs, 13);
            p->top1 = real_or_nan(qs, 14);
            p->top1_err = real_or_nan(qs, 15);
            p->rms_dp = real_or_nan(qs, 16);
            p->rms_dp_err = real_or_nan(qs, 17);
            p->mean_dp = real_or_nan(qs, 18);
            p->mean_dp_err = real_or_nan(qs, 19);
            p->ref_ppl = real_or_nan(qs, 20);
        }
    }
    if (p->have_kld && p->ref_ppl > 0 && isfinite(p->ppl))
        p->ppl_ratio = p->ppl / p->ref_ppl;
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static const char answers_sql[] =
    "SELECT prompt_id, category, prompt, check_kind, response, n_prompt_tokens, n_gen_tokens, ttft_ms, e2e_ms,"
    " tg_ts, pass, similarity, stopped, chat_template, suite, seed, temperature, max_tokens"
    " FROM prompt_responses WHERE instance_id = ? ORDER BY position, id";

static char *dup_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    size_t n = t ? strlen((const char *)t) : 0;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, t ? (const char *)t : "", n);
        d[n] = 0;
    }
    return d;
}

static int check_kind(const char *name)
{
    if (!name)
        return LLMB_CHECK_NONE;
    return !strcmp(name, "number") ? LLMB_CHECK_NUMBER : !strcmp(name, "contains") ? LLMB_CHECK_CONTAINS
         : !strcmp(name, "regex")  ? LLMB_CHECK_REGEX  : LLMB_CHECK_NONE;
}

/* The answers of instance iid, in order: *out (n) and, when items is not
 * NULL, what each answered; rec (may be NULL) gets the suite and sampling. */
static int load_answers(sqlite3_stmt *as, int64_t iid, struct llmb_suite_answer **out,
                        struct llmb_suite_item **items, size_t *n, struct llmb_store_record *rec)
{
    struct llmb_suite_answer *a = NULL;
    struct llmb_suite_item *it = NULL;
    size_t cap = 0, k = 0, icap = 0;
    int rc;
    sqlite3_reset(as);
    sqlite3_bind_int64(as, 1, iid);
    while ((rc = sqlite3_step(as)) == SQLITE_ROW) {
        if (grow((void **)&a, &cap, k, sizeof *a) || (items && grow((void **)&it, &icap, k, sizeof *it))) {
            rc = SQLITE_NOMEM;
            break;
        }
        struct llmb_suite_answer *x = &a[k];
        if (!(x->response = dup_text(as, 4))) {
            rc = SQLITE_NOMEM;
            break;
        }
        k++;
        x->n_prompt = sqlite3_column_int(as, 5);
        x->n_gen = sqlite3_column_int(as, 6);
        x->ttft_ms = real_or_nan(as, 7);
        x->total_ms = real_or_nan(as, 8);
        x->tg_ts = real_or_nan(as, 9);
        x->pass = (int)int_or(as, 10, -1);
        x->similarity = sqlite3_column_type(as, 11) == SQLITE_NULL ? -1 : sqlite3_column_double(as, 11);
        x->stopped = sqlite3_column_int(as, 12);
        x->template_used = sqlite3_column_int(as, 13);
        if (items) {
            struct llmb_suite_item *y = &it[k - 1];
            y->check = check_kind((const char *)sqlite3_column_text(as, 3));
            if (!(y->id = dup_text(as, 0)) || !(y->category = dup_text(as, 1)) || !(y->prompt = dup_text(as, 2))) {
                rc = SQLITE_NOMEM;
                break;
            }
        }
        if (rec && k == 1) {
            llmb_store_sqlite_text(as, 14, rec->suite, sizeof rec->suite);
            rec->seed = int_or(as, 15, -1);
            rec->temperature = real_or_nan(as, 16);
            rec->max_tokens = (int)int_or(as, 17, 0);
        }
    }
    *out = a;
    *n = k;
    if (items)
        *items = it;
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int llmb_store_sqlite_get_answers(void *state, int64_t run_id, const char *key, struct llmb_suite_answer **out,
                                  size_t *n, struct llmb_error *err)
{
    struct llmb_sqlite *s = state;
    sqlite3_stmt *st = NULL, *as = NULL;
    int64_t iid = 0;
    *out = NULL;
    *n = 0;
    int rc = llmb_store_sqlite_prep(s, &st,
                                    "SELECT id FROM test_instances WHERE run_id = ? AND instance_key = ?"
                                    " AND status = 'complete' AND kind = 'suite'",
                                    "Is", run_id, key);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        iid = sqlite3_column_int64(st, 0);
        rc = SQLITE_DONE;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE && iid && (rc = sqlite3_prepare_v2(s->db, answers_sql, -1, &as, NULL)) == SQLITE_OK)
        rc = load_answers(as, iid, out, NULL, n, NULL);
    else if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    sqlite3_finalize(as);
    if (rc == SQLITE_OK)
        return LLMB_OK;
    if (*out) {
        llmb_suite_answers_free(*out, *n);
        free(*out);
    }
    *out = NULL;
    *n = 0;
    if (rc == SQLITE_NOMEM)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory reading answers");
    return llmb_store_sqlite_err(s, rc, "reading a suite's answers", err);
}

int llmb_store_sqlite_query(void *state, const struct llmb_store_filter *f, struct llmb_store_record **out,
                            size_t *n, struct llmb_error *err)
{
    struct llmb_sqlite *s = state;
    struct where w;
    build_where(f, &w);
    char sql[8192];
    snprintf(sql, sizeof sql, query_sql, f && f->complete_only ? "ti.status = 'complete'" : "1",
             w.run[0] ? w.run : "1", w.inst[0] ? w.inst : "1");
    sqlite3_stmt *st = NULL, *ss = NULL, *ms = NULL, *qs = NULL, *as = NULL;
    struct llmb_store_record *v = NULL;
    size_t cap = 0, k = 0;
    int rc = prep_filtered(s, &st, sql, f);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(
            s->db, "SELECT total_ns, pp_ns, tg_ns, ttft_ns, token_ns FROM samples WHERE instance_id = ? ORDER BY rep",
            -1, &ss, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db,
                                "SELECT metric, n, mean, stddev, median, min, max, ci95_lo, ci95_hi, n_outliers"
                                " FROM metrics WHERE instance_id = ?",
                                -1, &ms, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, quality_sql, -1, &qs, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db, answers_sql, -1, &as, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (grow((void **)&v, &cap, k, sizeof *v)) {
            rc = SQLITE_NOMEM;
            break;
        }
        struct llmb_store_record *rec = &v[k++];
        fill_record(st, rec);
        rc = rec->r.inst.kind == LLMB_WL_SPEED || rec->r.inst.kind == LLMB_WL_LOAD ? fill_extra(st, rec) : SQLITE_OK;
        if (rc == SQLITE_OK)
            rc = fill_details(ss, ms, rec);
        if (rc == SQLITE_OK && (rec->r.inst.kind == LLMB_WL_PPL || rec->r.inst.kind == LLMB_WL_KLD))
            rc = fill_quality(qs, rec);
        if (rc == SQLITE_OK && rec->r.inst.kind == LLMB_WL_SUITE)
            rc = load_answers(as, rec->instance_id, &rec->r.answers, &rec->items, &rec->r.n_answers, rec);
    }
    sqlite3_finalize(st);
    sqlite3_finalize(ss);
    sqlite3_finalize(ms);
    sqlite3_finalize(qs);
    sqlite3_finalize(as);
    if (rc != SQLITE_DONE) {
        llmb_store_records_free(v, k);
        if (rc == SQLITE_NOMEM)
            return llmb_error_set(err, LLMB_E_NOMEM, "out of memory reading results");
        return llmb_store_sqlite_err(s, rc, "reading results", err);
    }
    for (size_t i = 0; i < k; i++) { /* the array no longer moves: point into it */
        v[i].r.inst.model = v[i].r.model.path;
        v[i].r.inst.type_k = v[i].type_k;
        v[i].r.inst.type_v = v[i].type_v;
        v[i].r.inst.ref_model = v[i].ref_model[0] ? v[i].ref_model : NULL;
        v[i].origin = (struct llmb_result_origin){.run_id = v[i].run_id, .instance_key = v[i].instance_key,
                                                  .model_sha256 = v[i].model_sha256, .tags = v[i].tags,
                                                  .host = v[i].host};
        v[i].r.origin = &v[i].origin;
        v[i].r.error = v[i].error[0] ? v[i].error : NULL;
    }
    *out = v;
    *n = k;
    return LLMB_OK;
}
