/* api.c - the read-only JSON API over the results store: /api/runs (with
 * each run's hardware), /api/results (every instance with its samples, a
 * suite's answers), /api/hw; compare and recommend are api_analysis.c's.
 * Queries run on the caller's store handle; nothing here writes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/llmbench.h"
#include "output/jvalue.h"
#include "output/printer.h"
#include "api.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(10))
#define MAX_RECORDS 20000

int llmb_web_reply(int code, json_t *v, int *status, char **body)
{
    char *s = v && !llmb_json_escape(v) ? json_dumps(v, DUMP_FLAGS) : NULL;
    json_decref(v);
    if (!s) {
        *status = 500;
        *body = strdup("{\"error\":\"out of memory\"}");
        return 0;
    }
    *status = code;
    *body = s;
    return 0;
}

int llmb_web_fail(int code, const char *msg, int *status, char **body)
{
    json_t *o = json_object();
    json_object_set_new(o, "error", llmb_jstr(msg));
    return llmb_web_reply(code, o, status, body);
}

int llmb_web_filter(struct llmb_store_filter *f, llmb_web_arg_fn arg, void *ctx, struct llmb_error *err)
{
    static const char *const keys[] = {"run", "model", "quant", "device", "since", "until",
                                       "tag", "host",  "build", "plan",   "kind"};
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = arg(ctx, keys[i]);
        int rc;
        if (v && *v && (rc = llmb_store_filter_set(f, keys[i], v, err)))
            return rc;
    }
    return LLMB_OK;
}

static json_t *hw_json(const struct llmb_store_hw *hw)
{
    json_t *o = json_object();
    json_object_set_new(o, "cpu", llmb_jstr(hw->cpu_name));
    json_object_set_new(o, "cores", json_integer(hw->cpu_cores));
    json_object_set_new(o, "mem_total", json_integer((json_int_t)hw->mem_total));
    json_object_set_new(o, "gpu", llmb_jstr(hw->gpu_info));
    json_object_set_new(o, "backends", llmb_jstr(hw->backends));
    json_object_set_new(o, "os", llmb_jstr(hw->os));
    json_object_set_new(o, "kernel", llmb_jstr(hw->kernel));
    json_object_set_new(o, "machine", llmb_jstr(hw->machine));
    return o;
}

static json_t *run_json(const struct llmb_store_run *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "started_at", llmb_jstr(r->started_at));
    json_object_set_new(o, "finished_at", r->finished_at[0] ? llmb_jstr(r->finished_at) : json_null());
    json_object_set_new(o, "status", json_string(llmb_run_status_name(r->status)));
    json_object_set_new(o, "source", llmb_jstr(r->source));
    json_object_set_new(o, "user", llmb_jstr(r->user));
    json_object_set_new(o, "host", llmb_jstr(r->host));
    json_object_set_new(o, "command", llmb_jstr(r->command));
    json_object_set_new(o, "llmbench_version", llmb_jstr(r->llmbench_version));
    json_object_set_new(o, "build_commit", llmb_jstr(r->build_commit));
    json_object_set_new(o, "build_number", json_integer(r->build_number));
    json_object_set_new(o, "tags", llmb_jstr(r->tags));
    json_object_set_new(o, "n_planned", json_integer((json_int_t)r->n_planned));
    json_object_set_new(o, "n_done", json_integer((json_int_t)r->n_done));
    json_object_set_new(o, "n_failed", json_integer((json_int_t)r->n_failed));
    json_object_set_new(o, "hw", hw_json(&r->hw));
    return o;
}

static json_t *samples_ts(const struct llmb_result *r, const uint64_t *ns, int tokens)
{
    json_t *a = json_array();
    for (size_t i = 0; ns && tokens > 0 && i < r->n_samples; i++)
        json_array_append_new(a, ns[i] ? json_real(tokens * 1e9 / (double)ns[i]) : json_null());
    return a;
}

json_t *llmb_web_record_json(const struct llmb_store_record *rec)
{
    const struct llmb_result *r = &rec->r;
    json_t *o;
    if (r->inst.kind == LLMB_WL_SPEED || r->inst.kind == LLMB_WL_LOAD) { /* load: its figures, per-request samples */
        o = llmb_result_json(r, 0);
        if (!o)
            return NULL;
        if (r->inst.kind == LLMB_WL_SPEED) { /* each repetition's t/s, as the live chart shows them */
            json_object_set_new(o, "pp_samples_ts", samples_ts(r, r->pp_ns, r->inst.n_prompt));
            json_object_set_new(o, "tg_samples_ts", samples_ts(r, r->tg_ns, r->inst.n_gen));
        }
    } else {
        if (!(o = llmb_quality_result_json(r)))
            return NULL;
        json_object_set_new(o, "dataset", rec->dataset[0] ? llmb_jstr(rec->dataset) : json_null());
        json_object_set_new(o, "suite", rec->suite[0] ? llmb_jstr(rec->suite) : json_null());
        json_object_set_new(o, "ref_model", rec->ref_model[0] ? llmb_jstr(rec->ref_model) : json_null());
        json_t *a = json_array();
        for (size_t j = 0; r->answers && j < r->n_answers; j++)
            json_array_append_new(a, llmb_suite_answer_json(rec->items ? &rec->items[j] : NULL, &r->answers[j],
                                                            (uint32_t)rec->seed, rec->temperature));
        json_object_set_new(o, "answers", a);
    }
    json_object_set_new(o, "kind", json_string(llmb_workload_kind_name(r->inst.kind)));
    json_object_set_new(o, "test", llmb_jstr(rec->test));
    json_object_set_new(o, "run_id", json_integer(rec->run_id));
    json_object_set_new(o, "instance_id", json_integer(rec->instance_id));
    json_object_set_new(o, "model_sha256", llmb_jstr(rec->model_sha256));
    json_object_set_new(o, "model_kld", isfinite(rec->kld) ? json_real(rec->kld) : json_null());
    json_object_set_new(o, "model_ppl", isfinite(rec->ppl) ? json_real(rec->ppl) : json_null());
    json_object_set_new(o, "error", rec->error[0] ? llmb_jstr(rec->error) : json_null());
    return o;
}

static int api_runs(struct llmb_store *s, llmb_web_arg_fn arg, void *ctx, int *status, char **body, int hw_only)
{
    struct llmb_store_filter f;
    struct llmb_error err = {0};
    if (llmb_web_filter(&f, arg, ctx, &err))
        return llmb_web_fail(400, err.msg, status, body);
    struct llmb_store_run *runs = NULL;
    size_t n = 0;
    if (llmb_store_list_runs(s, &f, &runs, &n, &err))
        return llmb_web_fail(503, err.msg, status, body);
    json_t *a = json_array();
    for (size_t i = n; i-- > 0;) /* newest first */
        json_array_append_new(a, hw_only ? hw_json(&runs[i].hw) : run_json(&runs[i]));
    free(runs);
    if (hw_only && !json_array_size(a)) {
        json_decref(a);
        return llmb_web_fail(404, "no such run", status, body);
    }
    if (hw_only) {
        json_t *h = json_incref(json_array_get(a, 0));
        json_decref(a);
        return llmb_web_reply(200, h, status, body);
    }
    return llmb_web_reply(200, a, status, body);
}

static int api_results(struct llmb_store *s, llmb_web_arg_fn arg, void *ctx, int *status, char **body)
{
    struct llmb_store_filter f;
    struct llmb_error err = {0};
    if (llmb_web_filter(&f, arg, ctx, &err))
        return llmb_web_fail(400, err.msg, status, body);
    struct llmb_store_record *v = NULL;
    size_t n = 0;
    if (llmb_store_query(s, &f, &v, &n, &err))
        return llmb_web_fail(503, err.msg, status, body);
    json_t *a = json_array();
    size_t from = n > MAX_RECORDS ? n - MAX_RECORDS : 0; /* the newest */
    for (size_t i = from; a && i < n; i++) {
        json_t *o = llmb_web_record_json(&v[i]);
        if (!o || json_array_append_new(a, o)) {
            json_decref(a);
            a = NULL;
        }
    }
    llmb_store_records_free(v, n);
    return a ? llmb_web_reply(200, a, status, body) : llmb_web_fail(500, "out of memory", status, body);
}

extern const unsigned char llmb_default_suite_json[]; /* generated from suites/default.json */

/* The built-in suite's prompts, which the live view shows beside the
 * streamed answers (token events carry the prompt's index). */
static int api_suite(int *status, char **body)
{
    json_error_t je;
    json_t *root = json_loads((const char *)llmb_default_suite_json, 0, &je), *items = json_array();
    json_t *prompts = json_object_get(root, "prompts");
    size_t i;
    json_t *p;
    json_array_foreach(prompts, i, p)
    {
        json_t *o = json_object();
        json_object_set(o, "id", json_object_get(p, "id"));
        json_object_set(o, "category", json_object_get(p, "category"));
        json_object_set(o, "prompt", json_object_get(p, "prompt"));
        json_array_append_new(items, o);
    }
    json_t *o = json_object();
    json_object_set(o, "name", json_object_get(root, "name"));
    json_object_set_new(o, "items", items);
    json_decref(root);
    return llmb_web_reply(200, o, status, body);
}

int llmb_web_api(struct llmb_store *s, const char *path, llmb_web_arg_fn arg, void *ctx, int *status, char **body)
{
    static const char *const routes[] = {"/api/runs", "/api/results", "/api/hw", "/api/compare", "/api/recommend"};
    if (!strcmp(path, "/api/suite"))
        return api_suite(status, body);
    int known = 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        known |= !strcmp(path, routes[i]);
    if (!known)
        return llmb_web_fail(404, "no such API route", status, body);
    if (!s)
        return llmb_web_fail(503, "no results database (the run was started with --no-db, or none exists yet)", status,
                             body);
    if (!strcmp(path, "/api/runs"))
        return api_runs(s, arg, ctx, status, body, 0);
    if (!strcmp(path, "/api/hw")) {
        const char *run = arg(ctx, "run");
        if (!run || !*run)
            return llmb_web_fail(400, "/api/hw needs run=ID", status, body);
        return api_runs(s, arg, ctx, status, body, 1);
    }
    if (!strcmp(path, "/api/results"))
        return api_results(s, arg, ctx, status, body);
    if (!strcmp(path, "/api/compare"))
        return llmb_web_api_compare(s, arg, ctx, status, body);
    return llmb_web_api_recommend(s, arg, ctx, status, body);
}
