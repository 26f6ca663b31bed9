/* quality_json.c - a quality result (perplexity, KL divergence, prompt
 * suite) as one flat JSON object: the model's identity, what was measured
 * and every figure, unknown as null. Events, printers and the quality
 * commands all print this object. */
#include <math.h>
#include <string.h>

#include "llmbench/llmbench.h"
#include "jvalue.h"
#include "printer.h"

static json_t *num(double v, int have)
{
    return llmb_jnum(v, have);
}

static const char *base_name(const char *path)
{
    const char *b = path ? strrchr(path, '/') : NULL;
    return b ? b + 1 : path ? path : "";
}

json_t *llmb_suite_answer_json(const struct llmb_suite_item *it, const struct llmb_suite_answer *a, uint32_t seed,
                               double temp)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", llmb_jstr(it ? it->id : ""));
    json_object_set_new(o, "category", llmb_jstr(it ? it->category : ""));
    json_object_set_new(o, "prompt", llmb_jstr(it ? it->prompt : ""));
    json_object_set_new(o, "response", llmb_jstr(a->response ? a->response : ""));
    json_object_set_new(o, "pass", a->pass < 0 ? json_null() : json_boolean(a->pass));
    json_object_set_new(o, "similarity", num(a->similarity, a->similarity >= 0));
    json_object_set_new(o, "tokens", json_integer(a->n_gen));
    json_object_set_new(o, "prompt_tokens", json_integer(a->n_prompt));
    json_object_set_new(o, "ttft_ms", llmb_jreal(a->ttft_ms));
    json_object_set_new(o, "tg_ts", num(a->tg_ts, a->tg_ts > 0));
    json_object_set_new(o, "chat_template", json_boolean(a->template_used));
    json_object_set_new(o, "stopped", json_boolean(a->stopped));
    json_object_set_new(o, "temperature", llmb_jreal(temp));
    json_object_set_new(o, "seed", json_integer(seed));
    return llmb_json_finish(o);
}

void llmb_suite_summary(const struct llmb_result *r, struct llmb_suite_summary *s)
{
    memset(s, 0, sizeof *s);
    for (size_t j = 0; j < r->n_answers; j++) {
        const struct llmb_suite_answer *a = &r->answers[j];
        if (a->pass >= 0) {
            s->n_checked++;
            s->n_pass += a->pass;
        }
        if (a->similarity >= 0) {
            s->sim_sum += a->similarity;
            s->n_sim++;
        }
        if (a->tg_ts > 0) {
            s->tg_sum += a->tg_ts;
            s->n_tg++;
        }
        s->ttft_sum += a->ttft_ms;
    }
}

/* The figures of a perplexity / KL divergence result (sc: it has them; the
 * KLD ones when it was measured against a reference), as every JSON output
 * names them; delta_pct is ΔPPL against the reference, when have_delta. */
void llmb_quality_json_score(json_t *o, const struct llmb_ppl_result *p, int sc, double delta_pct, int have_delta)
{
    int k = sc && p->have_kld;
    json_object_set_new(o, "ppl", num(p->ppl, sc));
    json_object_set_new(o, "ppl_err", num(p->ppl_err, sc));
    json_object_set_new(o, "n_ctx", sc ? json_integer(p->n_ctx) : json_null());
    json_object_set_new(o, "chunks", sc ? json_integer(p->n_chunks) : json_null());
    json_object_set_new(o, "tokens_scored", sc ? json_integer(p->n_scored) : json_null());
    json_object_set_new(o, "ppl_seconds", num(p->seconds, sc));
    json_object_set_new(o, "seconds_per_pass", num(p->seconds_per_pass, sc));
    json_object_set_new(o, "ppl_tokens_per_s", num(p->tokens_per_s, sc));
    json_object_set_new(o, "ref_ppl", num(p->ref_ppl, k));
    json_object_set_new(o, "ppl_delta_pct", num(delta_pct, sc && have_delta));
    json_object_set_new(o, "ppl_ratio", num(p->ppl_ratio, k));
    json_object_set_new(o, "kld_mean", num(p->kld_mean, k));
    json_object_set_new(o, "kld_err", num(p->kld_err, k));
    json_object_set_new(o, "kld_median", num(p->kld_median, k));
    json_object_set_new(o, "kld_p99", num(p->kld_p99, k));
    json_object_set_new(o, "kld_max", num(p->kld_max, k));
    json_object_set_new(o, "top1_agreement", num(p->top1, k));
    json_object_set_new(o, "top1_err", num(p->top1_err, k));
    json_object_set_new(o, "rms_dp", num(p->rms_dp, k));
    json_object_set_new(o, "rms_dp_err", num(p->rms_dp_err, k));
}

/* A suite result's tallies (su: it is one), named as above. */
void llmb_quality_json_suite(json_t *o, const struct llmb_result *r, int su, const char *suite_name)
{
    struct llmb_suite_summary s = {0};
    if (su)
        llmb_suite_summary(r, &s);
    json_object_set_new(o, "suite", su && suite_name ? llmb_jstr(suite_name) : json_null());
    json_object_set_new(o, "suite_passed", su ? json_integer(s.n_pass) : json_null());
    json_object_set_new(o, "suite_checked", su ? json_integer(s.n_checked) : json_null());
    json_object_set_new(o, "suite_pass_rate",
                        num((double)s.n_pass / (s.n_checked ? s.n_checked : 1), su && s.n_checked));
    json_object_set_new(o, "suite_similarity", num(s.sim_sum / (s.n_sim ? s.n_sim : 1), su && s.n_sim));
    json_object_set_new(o, "suite_tg_ts", num(s.tg_sum / (s.n_tg ? s.n_tg : 1), su && s.n_tg));
    json_object_set_new(o, "suite_ttft_ms",
                        num(s.ttft_sum / (double)(r->n_answers ? r->n_answers : 1), su && r->n_answers));
}

json_t *llmb_quality_result_json(const struct llmb_result *r)
{
    const struct llmb_instance *in = &r->inst;
    const struct llmb_model_info *m = &r->model;
    const struct llmb_quality_spec *q = in->q;
    const struct llmb_ppl_result *p = &r->ppl;
    char test[96];
    llmb_instance_test_name(in, test, sizeof test);
    int ok = !r->error, sc = ok && (in->kind == LLMB_WL_PPL || in->kind == LLMB_WL_KLD), k = sc && p->have_kld;
    int su = ok && in->kind == LLMB_WL_SUITE;
    json_t *o = json_object();
    json_object_set_new(o, "kind", llmb_jstr(llmb_workload_kind_name(in->kind)));
    json_object_set_new(o, "test", llmb_jstr(test));
    json_object_set_new(o, "model_filename", llmb_jstr(in->model ? in->model : m->path));
    json_object_set_new(o, "model_type", llmb_jstr(m->desc));
    json_object_set_new(o, "quant_type", llmb_jstr(m->quant));
    json_object_set_new(o, "model_size", json_integer((json_int_t)m->model_size));
    json_object_set_new(o, "model_n_params", json_integer((json_int_t)m->n_params));
    json_object_set_new(o, "file_size", json_integer((json_int_t)m->file_size));
    json_object_set_new(o, "bpw", llmb_jreal(m->bpw));
    json_object_set_new(o, "synthetic", json_boolean(m->synthetic));
    json_object_set_new(o, "build_commit", llmb_jstr(m->build_commit));
    json_object_set_new(o, "n_threads", json_integer(r->applied.n_threads));
    json_object_set_new(o, "test_time", llmb_jstr(r->test_time));
    json_object_set_new(o, "error", r->error ? llmb_jstr(r->error) : json_null());
    json_object_set_new(o, "load_ms", num(m->load_ms, ok));
    json_object_set_new(o, "peak_rss_bytes", ok ? json_integer((json_int_t)r->peak_rss) : json_null());
    json_object_set_new(o, "ref_model", in->ref_model ? llmb_jstr(in->ref_model) : json_null());
    json_object_set_new(o, "dataset", sc && q && q->text_path ? llmb_jstr(base_name(q->text_path)) : json_null());
    json_object_set_new(o, "dataset_sha256", sc && q && q->text_sha256[0] ? llmb_jstr(q->text_sha256) : json_null());
    llmb_quality_json_score(o, p, sc, 100.0 * (p->ppl / p->ref_ppl - 1), k && p->ref_ppl > 0);
    llmb_quality_json_suite(o, r, su, su && q && q->suite ? q->suite->name : NULL);
    return llmb_json_finish(o);
}

json_t *llmb_quality_answers_json(const struct llmb_result *r)
{
    json_t *a = json_array();
    const struct llmb_quality_spec *q = r->inst.q;
    for (size_t j = 0; j < r->n_answers; j++) {
        const struct llmb_suite_item *it = q && q->suite && j < q->suite->n ? &q->suite->items[j] : NULL;
        json_array_append_new(a, llmb_suite_answer_json(it, &r->answers[j], q ? q->seed : 0, q ? q->temperature : 0));
    }
    return a;
}
