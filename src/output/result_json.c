/* result_json.c - the one description of a result's fields. JSON, JSONL and
 * CSV all print this object, so a field is added in one place. Names of
 * llama-bench's fields keep its meaning, so its tools can read ours. */
#include <math.h>
#include <stdio.h>

#include "llmbench/llmbench.h"
#include "jvalue.h"
#include "printer.h"

static json_t *num_or_null(double v, int present)
{
    return llmb_jnum(v, present);
}

static json_t *ns_array(const uint64_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_integer((json_int_t)v[i]));
    return a;
}

static json_t *rate_array(const uint64_t *ns, size_t n, double tokens)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, ns[i] ? llmb_jreal(1e9 * tokens / (double)ns[i]) : json_null());
    return a;
}

json_t *llmb_result_json(const struct llmb_result *r)
{
    if (r->inst.kind != LLMB_WL_SPEED)
        return llmb_quality_result_json(r);
    const struct llmb_instance *in = &r->inst;
    const struct llmb_model_info *m = &r->model;
    char test[64];
    llmb_instance_test_name(in, test, sizeof test);
    int has_pp = in->n_prompt > 0 && r->pp_ts.n > 0, has_tg = in->n_gen > 0 && r->tg_ts.n > 0;
    double half_pct = r->ts.mean > 0 ? 100.0 * r->ts.ci95_half / r->ts.mean : 0;
    int ok = !r->error, known = ok || m->n_params > 0; /* a failed test has no figures, maybe no model facts */
    /* a test that failed before its context existed: the configuration asked, as nothing was applied */
    struct llmb_context_info ap = r->applied;
    if (!ok && ap.n_threads == 0) {
        ap.n_batch = in->n_batch;
        ap.n_ubatch = in->n_ubatch;
        ap.n_threads = in->n_threads;
        snprintf(ap.type_k, sizeof ap.type_k, "%s", in->type_k ? in->type_k : "");
        snprintf(ap.type_v, sizeof ap.type_v, "%s", in->type_v ? in->type_v : "");
    }
    json_t *o = json_object();
    /* llama-bench's fields */
    json_object_set_new(o, "build_commit", llmb_jstr(m->build_commit));
    json_object_set_new(o, "build_number", json_integer(m->build_number));
    json_object_set_new(o, "cpu_info", llmb_jstr(m->cpu_info));
    json_object_set_new(o, "gpu_info", llmb_jstr(m->gpu_info));
    json_object_set_new(o, "backends", llmb_jstr(m->backends));
    json_object_set_new(o, "model_filename", llmb_jstr(in->model ? in->model : m->path));
    json_object_set_new(o, "model_type", llmb_jstr(m->desc));
    json_object_set_new(o, "model_size", known ? json_integer((json_int_t)m->model_size) : json_null());
    json_object_set_new(o, "model_n_params", known ? json_integer((json_int_t)m->n_params) : json_null());
    json_object_set_new(o, "n_batch", json_integer(ap.n_batch));
    json_object_set_new(o, "n_ubatch", json_integer(ap.n_ubatch));
    json_object_set_new(o, "n_threads", json_integer(ap.n_threads));
    json_object_set_new(o, "type_k", llmb_jstr(ap.type_k));
    json_object_set_new(o, "type_v", llmb_jstr(ap.type_v));
    json_object_set_new(o, "n_gpu_layers", json_integer(in->n_gpu_layers));
    json_object_set_new(o, "flash_attn", json_integer(in->flash_attn));
    json_object_set_new(o, "devices", llmb_jstr(m->devices));
    json_object_set_new(o, "n_prompt", json_integer(in->n_prompt));
    json_object_set_new(o, "n_gen", json_integer(in->n_gen));
    json_object_set_new(o, "n_depth", json_integer(in->n_depth));
    json_object_set_new(o, "test_time", llmb_jstr(r->test_time));
    json_object_set_new(o, "avg_ns", ok ? json_integer((json_int_t)llround(r->total_ns_stats.mean)) : json_null());
    json_object_set_new(o, "stddev_ns", ok ? json_integer((json_int_t)llround(r->total_ns_stats.stddev)) : json_null());
    json_object_set_new(o, "avg_ts", llmb_jnum(r->ts.mean, ok));
    json_object_set_new(o, "stddev_ts", llmb_jnum(r->ts.stddev, ok));
    /* llmbench's fields */
    json_object_set_new(o, "llmbench_version", llmb_jstr(llmb_version()));
    json_object_set_new(o, "error", r->error ? llmb_jstr(r->error) : json_null());
    json_object_set_new(o, "test", llmb_jstr(test));
    json_object_set_new(o, "model_arch", llmb_jstr(m->arch));
    json_object_set_new(o, "quant_type", llmb_jstr(m->quant));
    json_object_set_new(o, "file_size", known ? json_integer((json_int_t)m->file_size) : json_null());
    json_object_set_new(o, "bpw", llmb_jnum(m->bpw, known));
    json_object_set_new(o, "synthetic", json_boolean(m->synthetic));
    json_object_set_new(o, "n_ctx", ok || r->applied.n_ctx ? json_integer(r->applied.n_ctx) : json_null());
    json_object_set_new(o, "load_ms", llmb_jnum(m->load_ms, ok));
    json_object_set_new(o, "peak_rss_bytes", ok ? json_integer((json_int_t)r->peak_rss) : json_null());
    json_object_set_new(o, "reps", json_integer((json_int_t)r->n_samples));
    json_object_set_new(o, "stop_reason", llmb_jstr(llmb_stop_reason_name(r->stop_reason)));
    json_object_set_new(o, "median_ts", llmb_jnum(r->ts.median, ok));
    json_object_set_new(o, "min_ts", llmb_jnum(r->ts.min, ok));
    json_object_set_new(o, "max_ts", llmb_jnum(r->ts.max, ok));
    json_object_set_new(o, "ci95_lo_ts", num_or_null(r->ts.mean - r->ts.ci95_half, r->ts.n >= 2));
    json_object_set_new(o, "ci95_hi_ts", num_or_null(r->ts.mean + r->ts.ci95_half, r->ts.n >= 2));
    json_object_set_new(o, "ci95_half_pct", num_or_null(half_pct, r->ts.n >= 2));
    json_object_set_new(o, "ci_target_pct", llmb_jnum(r->ci_target_pct, ok));
    json_object_set_new(o, "outliers", json_integer((json_int_t)r->ts.n_outliers));
    json_object_set_new(o, "pp_avg_ts", num_or_null(r->pp_ts.mean, has_pp));
    json_object_set_new(o, "pp_stddev_ts", num_or_null(r->pp_ts.stddev, has_pp));
    json_object_set_new(o, "tg_avg_ts", num_or_null(r->tg_ts.mean, has_tg));
    json_object_set_new(o, "tg_stddev_ts", num_or_null(r->tg_ts.stddev, has_tg));
    json_object_set_new(o, "ttft_avg_ms", llmb_jnum(r->ttft_ms.mean, ok));
    json_object_set_new(o, "ttft_stddev_ms", llmb_jnum(r->ttft_ms.stddev, ok));
    /* samples */
    json_object_set_new(o, "samples_ns", ns_array(r->total_ns, r->n_samples));
    json_object_set_new(o, "samples_ts", rate_array(r->total_ns, r->n_samples, in->n_prompt + in->n_gen));
    json_object_set_new(o, "samples_pp_ts", has_pp ? rate_array(r->pp_ns, r->n_samples, in->n_prompt) : json_array());
    json_object_set_new(o, "samples_tg_ts", has_tg ? rate_array(r->tg_ns, r->n_samples, in->n_gen) : json_array());
    json_t *tt = json_array();
    for (size_t i = 0; i < r->n_samples; i++)
        json_array_append_new(tt, llmb_jreal((double)r->ttft_ns[i] / 1e6));
    json_object_set_new(o, "samples_ttft_ms", tt);
    return llmb_json_finish(o);
}
