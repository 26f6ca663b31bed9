/* record_json.c - the quality records of the store as the reading commands
 * show them (see records.h): one JSON description, shared by export's
 * JSON, JSON Lines, CSV and SQL, one short figure for results' table, and the
 * suite tallies compare and export need. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "llmbench/llmbench.h"
#include "output/jvalue.h"
#include "records.h"

int llmb_record_is_quality(const struct llmb_store_record *rec)
{
    int k = rec->r.inst.kind;
    return k == LLMB_WL_PPL || k == LLMB_WL_KLD || k == LLMB_WL_SUITE;
}

/* A stored figure: NULL (read as NaN) is unknown; an infinity is flagged in
 * "nonfinite" (a NaN is stored as NULL: see the ppl below). */
static json_t *figure(double v)
{
    return isnan(v) ? json_null() : llmb_jreal(v);
}

static json_t *str(const char *s)
{
    return s && *s ? llmb_jstr(s) : json_null();
}

static json_t *count(long v)
{
    return v >= 0 ? json_integer((json_int_t)v) : json_null();
}

static json_t *answers_json(const struct llmb_store_record *rec)
{
    const struct llmb_result *r = &rec->r;
    json_t *a = json_array();
    for (size_t i = 0; a && i < r->n_answers; i++) {
        const struct llmb_suite_answer *x = &r->answers[i];
        const struct llmb_suite_item *it = rec->items ? &rec->items[i] : NULL;
        json_t *o = json_object();
        json_object_set_new(o, "id", str(it ? it->id : NULL));
        json_object_set_new(o, "category", str(it ? it->category : NULL));
        json_object_set_new(o, "prompt", str(it ? it->prompt : NULL));
        json_object_set_new(o, "response", llmb_jstr(x->response ? x->response : ""));
        json_object_set_new(o, "pass", x->pass < 0 ? json_null() : json_boolean(x->pass));
        json_object_set_new(o, "similarity", x->similarity >= 0 ? llmb_jreal(x->similarity) : json_null());
        json_object_set_new(o, "tokens", json_integer(x->n_gen));
        json_object_set_new(o, "prompt_tokens", json_integer(x->n_prompt));
        json_object_set_new(o, "ttft_ms", figure(x->ttft_ms));
        json_object_set_new(o, "tg_ts", figure(x->tg_ts));
        json_object_set_new(o, "total_ms", figure(x->total_ms));
        json_object_set_new(o, "stopped", json_boolean(x->stopped));
        json_object_set_new(o, "chat_template", json_boolean(x->template_used));
        json_object_set_new(o, "seed", rec->seed >= 0 ? json_integer((json_int_t)rec->seed) : json_null());
        json_object_set_new(o, "temperature", figure(rec->temperature));
        if (json_array_append_new(a, o)) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

json_t *llmb_record_quality_json(const struct llmb_store_record *rec, int answers)
{
    const struct llmb_result *r = &rec->r;
    const struct llmb_model_info *m = &r->model;
    const struct llmb_ppl_result *p = &r->ppl;
    int kind = r->inst.kind, ppl = kind == LLMB_WL_PPL || kind == LLMB_WL_KLD, kld = ppl && p->have_kld;
    int suite = kind == LLMB_WL_SUITE, ok = !r->error, known = ok || m->n_params > 0;
    ppl &= ok;
    kld &= ok;
    suite &= ok;
    struct llmb_suite_tally t;
    llmb_result_suite_tally(r, &t);
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "kind", llmb_jstr(llmb_workload_kind_name(kind)));
    json_object_set_new(o, "test", llmb_jstr(rec->test));
    /* the model and the engine, with bench's (llama-bench's) names */
    json_object_set_new(o, "build_commit", llmb_jstr(m->build_commit));
    json_object_set_new(o, "build_number", json_integer(m->build_number));
    json_object_set_new(o, "cpu_info", llmb_jstr(m->cpu_info));
    json_object_set_new(o, "gpu_info", llmb_jstr(m->gpu_info));
    json_object_set_new(o, "backends", llmb_jstr(m->backends));
    json_object_set_new(o, "model_filename", llmb_jstr(r->inst.model ? r->inst.model : m->path));
    json_object_set_new(o, "model_type", llmb_jstr(m->desc));
    json_object_set_new(o, "model_size", known ? json_integer((json_int_t)m->model_size) : json_null());
    json_object_set_new(o, "model_n_params", known ? json_integer((json_int_t)m->n_params) : json_null());
    json_object_set_new(o, "n_batch", json_integer(r->applied.n_batch));
    json_object_set_new(o, "n_ubatch", json_integer(r->applied.n_ubatch));
    json_object_set_new(o, "n_threads", json_integer(r->applied.n_threads));
    json_object_set_new(o, "type_k", llmb_jstr(r->applied.type_k));
    json_object_set_new(o, "type_v", llmb_jstr(r->applied.type_v));
    json_object_set_new(o, "n_gpu_layers", json_integer(r->inst.n_gpu_layers));
    json_object_set_new(o, "flash_attn", json_integer(r->inst.flash_attn));
    json_object_set_new(o, "devices", llmb_jstr(m->devices));
    json_object_set_new(o, "test_time", llmb_jstr(r->test_time));
    json_object_set_new(o, "error", r->error ? llmb_jstr(r->error) : json_null());
    json_object_set_new(o, "llmbench_version", llmb_jstr(llmb_version()));
    json_object_set_new(o, "model_arch", llmb_jstr(m->arch));
    json_object_set_new(o, "quant_type", llmb_jstr(m->quant));
    json_object_set_new(o, "file_size", known ? json_integer((json_int_t)m->file_size) : json_null());
    json_object_set_new(o, "bpw", known ? llmb_jreal(m->bpw) : json_null());
    json_object_set_new(o, "synthetic", json_boolean(m->synthetic));
    json_object_set_new(o, "load_ms", ok ? llmb_jreal(m->load_ms) : json_null());
    json_object_set_new(o, "peak_rss_bytes", ok ? json_integer((json_int_t)r->peak_rss) : json_null());
    /* perplexity */
    /* a complete ppl/kld test without a figure measured NaN (stored: no row) */
    json_object_set_new(o, "ppl", ppl ? llmb_jreal(p->ppl) : json_null());
    json_object_set_new(o, "ppl_err", ppl ? figure(p->ppl_err) : json_null());
    json_object_set_new(o, "n_ctx", ppl && p->n_ctx > 0 ? json_integer(p->n_ctx) : json_null());
    json_object_set_new(o, "chunks", ppl ? count(p->n_chunks) : json_null());
    json_object_set_new(o, "tokens_scored", ppl ? count(p->n_scored) : json_null());
    json_object_set_new(o, "text_tokens", ppl ? count(p->n_text_tokens) : json_null());
    json_object_set_new(o, "dataset", str(rec->dataset));
    json_object_set_new(o, "dataset_sha256", str(rec->dataset_sha256));
    json_object_set_new(o, "ppl_seconds", ppl ? figure(p->seconds) : json_null());
    json_object_set_new(o, "ppl_tokens_per_s", ppl ? figure(p->tokens_per_s) : json_null());
    /* against the reference */
    json_object_set_new(
        o, "kld_mean", kld || (ppl && kind == LLMB_WL_KLD && isfinite(p->ppl)) ? llmb_jreal(p->kld_mean) : json_null());
    json_object_set_new(o, "kld_err", kld ? figure(p->kld_err) : json_null());
    json_object_set_new(o, "kld_median", kld ? figure(p->kld_median) : json_null());
    json_object_set_new(o, "kld_p99", kld ? figure(p->kld_p99) : json_null());
    json_object_set_new(o, "kld_max", kld ? figure(p->kld_max) : json_null());
    json_object_set_new(o, "top1_agreement", kld ? figure(p->top1) : json_null());
    json_object_set_new(o, "top1_err", kld ? figure(p->top1_err) : json_null());
    json_object_set_new(o, "rms_dp", kld ? figure(p->rms_dp) : json_null());
    json_object_set_new(o, "rms_dp_err", kld ? figure(p->rms_dp_err) : json_null());
    json_object_set_new(o, "ref_ppl", kld ? figure(p->ref_ppl) : json_null());
    json_object_set_new(o, "ppl_delta_pct",
                        kld && p->ref_ppl > 0 && isfinite(p->ppl) ? llmb_jreal(100.0 * (p->ppl / p->ref_ppl - 1))
                                                                  : json_null());
    json_object_set_new(o, "ref_model", str(rec->ref_model));
    json_object_set_new(o, "ref_model_sha256", str(rec->ref_model_sha256));
    /* the prompt suite */
    json_object_set_new(o, "suite", suite ? str(rec->suite) : json_null());
    json_object_set_new(o, "suite_prompts", suite ? json_integer((json_int_t)t.n) : json_null());
    json_object_set_new(o, "suite_passed", suite && t.checked ? json_integer((json_int_t)t.passed) : json_null());
    json_object_set_new(o, "suite_checked", suite ? json_integer((json_int_t)t.checked) : json_null());
    json_object_set_new(o, "suite_pass_rate",
                        suite && t.checked ? llmb_jreal((double)t.passed / (double)t.checked) : json_null());
    json_object_set_new(o, "suite_similarity", suite ? figure(t.similarity) : json_null());
    json_object_set_new(o, "max_tokens", suite && rec->max_tokens > 0 ? json_integer(rec->max_tokens) : json_null());
    json_object_set_new(o, "temperature", suite ? figure(rec->temperature) : json_null());
    json_object_set_new(o, "seed", suite && rec->seed >= 0 ? json_integer((json_int_t)rec->seed) : json_null());
    if (answers) {
        json_t *a = answers_json(rec);
        if (!a) {
            json_decref(o);
            return NULL;
        }
        json_object_set_new(o, "answers", a);
    }
    return llmb_json_finish(o);
}

void llmb_record_quality_figure(const struct llmb_store_record *rec, char *buf, size_t len)
{
    const struct llmb_ppl_result *p = &rec->r.ppl;
    struct llmb_suite_tally t;
    switch (rec->r.inst.kind) {
    case LLMB_WL_PPL:
        if (isfinite(p->ppl))
            snprintf(buf, len, "PPL %.4f \xc2\xb1 %.4f", p->ppl, isfinite(p->ppl_err) ? p->ppl_err : 0);
        else
            snprintf(buf, len, "-");
        break;
    case LLMB_WL_KLD:
        if (p->have_kld && isfinite(p->kld_mean))
            snprintf(buf, len, "KLD %.6f \xc2\xb1 %.6f (PPL %.4f)", p->kld_mean, isfinite(p->kld_err) ? p->kld_err : 0,
                     p->ppl);
        else if (isfinite(p->ppl))
            snprintf(buf, len, "PPL %.4f \xc2\xb1 %.4f", p->ppl, isfinite(p->ppl_err) ? p->ppl_err : 0);
        else
            snprintf(buf, len, "-");
        break;
    case LLMB_WL_SUITE:
        llmb_result_suite_tally(&rec->r, &t);
        if (t.checked && t.n_sim)
            snprintf(buf, len, "pass %zu/%zu (%.1f%%), similarity %.3f", t.passed, t.checked,
                     100.0 * (double)t.passed / (double)t.checked, t.similarity);
        else if (t.checked)
            snprintf(buf, len, "pass %zu/%zu (%.1f%%)", t.passed, t.checked,
                     100.0 * (double)t.passed / (double)t.checked);
        else
            snprintf(buf, len, "%zu answers", t.n);
        break;
    default: snprintf(buf, len, "-");
    }
}
