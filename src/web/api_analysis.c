/* api_analysis.c - /api/compare and /api/recommend: the library's analysis
 * (include/llmbench/analysis.h, the same as `llmbench compare` and
 * `llmbench recommend`) as JSON for the page. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/analysis.h"
#include "llmbench/llmbench.h"
#include "output/jvalue.h"
#include "api.h"

static json_t *real(double v)
{
    return llmb_jnum(v, isfinite(v));
}

static json_t *record_names(const struct llmb_store_record *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        char name[96], desc[512];
        llmb_cmp_test_name(v[i], name, sizeof name);
        llmb_cmp_describe(v[i], desc, sizeof desc);
        json_t *o = json_object();
        json_object_set_new(o, "test", llmb_jstr(name));
        json_object_set_new(o, "model", llmb_jstr(desc));
        json_object_set_new(o, "error", llmb_jstr(v[i]->error));
        json_array_append_new(a, o);
    }
    return a;
}

int llmb_web_api_compare(struct llmb_store *s, llmb_web_arg_fn arg, void *ctx, int *status, char **body)
{
    struct llmb_cmp_params p = {
        .a = arg(ctx, "a"), .b = arg(ctx, "b"), .metric = LLMB_CM_TS, .fail_pct = -1, .ignore = arg(ctx, "ignore")};
    if (!p.a || !*p.a || !p.b || !*p.b)
        return llmb_web_fail(400, "compare needs a=RUN and b=RUN (or key=value,... selections)", status, body);
    const char *m = arg(ctx, "metric");
    if (m && *m && (p.metric = llmb_cmp_metric_parse(m)) < 0)
        return llmb_web_fail(400, "metric: one of ts, pp, tg, ttft, ppl, kld, top1, suite", status, body);
    struct llmb_cmp_result r;
    struct llmb_error err = {0};
    int rc = llmb_cmp_run(s, &p, &r, &err);
    if (rc) {
        llmb_cmp_free(&r);
        return llmb_web_fail(rc == LLMB_E_INVAL ? 400 : 503, err.msg, status, body);
    }
    const char *unit = llmb_cmp_metric_unit(p.metric);
    json_t *rows = json_array();
    for (size_t i = 0; i < r.n_pairs; i++) {
        const struct llmb_cmp_pair *x = &r.pairs[i];
        char name[96], desc[512];
        llmb_cmp_test_name(x->a, name, sizeof name);
        llmb_cmp_describe(x->a, desc, sizeof desc);
        int q = llmb_cmp_metric_is_quality(p.metric);
        json_t *o = json_object();
        json_object_set_new(o, "test", llmb_jstr(name));
        json_object_set_new(o, "model", llmb_jstr(desc));
        json_object_set_new(o, "unit", json_string(unit));
        json_object_set_new(o, "a", real(q ? x->value_a : x->c.mean_a));
        json_object_set_new(o, "b", real(q ? x->value_b : x->c.mean_b));
        json_object_set_new(o, "n_a", json_integer((json_int_t)x->c.n_a));
        json_object_set_new(o, "n_b", json_integer((json_int_t)x->c.n_b));
        json_object_set_new(o, "change_pct", real(x->c.change_pct));
        json_object_set_new(o, "ci_lo_pct", real(x->c.ci_lo_pct));
        json_object_set_new(o, "ci_hi_pct", real(x->c.ci_hi_pct));
        json_object_set_new(o, "significant", json_boolean(x->c.significant));
        json_object_set_new(o, "worse_pct", real(x->worse_pct));
        if (!q) { /* what the interval stands on: run-to-run variation counted or not */
            json_object_set_new(o, "basis", json_string(llmb_compare_basis_name(x->c.basis)));
            json_object_set_new(o, "runs_a", json_integer((json_int_t)x->c.runs_a));
            json_object_set_new(o, "runs_b", json_integer((json_int_t)x->c.runs_b));
            json_object_set_new(o, "history_runs", json_integer((json_int_t)x->hist_runs));
            json_object_set_new(o, "run_sd_pct", real(100 * x->c.run_sd));
        }
        json_array_append_new(rows, o);
    }
    int speed = !llmb_cmp_metric_is_quality(p.metric) && r.n_pairs;
    json_t *o = json_object();
    json_object_set_new(o, "metric", json_string(llmb_cmp_metric_name(p.metric)));
    json_object_set_new(o, "rows", rows);
    json_object_set_new(o, "speed_ratio", speed ? real(r.ratio) : json_null()); /* > 1: B is better */
    json_object_set_new(o, "speed_ratio_err", speed ? real(r.ratio_err) : json_null());
    json_object_set_new(o, "n_better", json_integer((json_int_t)r.n_better));
    json_object_set_new(o, "n_worse", json_integer((json_int_t)r.n_worse));
    json_object_set_new(o, "n_within_run", json_integer((json_int_t)r.n_within));
    json_object_set_new(o, "note", r.n_within ? json_string(llmb_cmp_within_note(&p)) : json_null());
    json_object_set_new(o, "only_a", json_integer((json_int_t)r.only_a));
    json_object_set_new(o, "only_b", json_integer((json_int_t)r.only_b));
    json_object_set_new(o, "broke", record_names(r.broke, r.n_broke));
    json_object_set_new(o, "fixed", record_names(r.fixed, r.n_fixed));
    llmb_cmp_free(&r);
    return llmb_web_reply(200, o, status, body);
}

/* A limit from the query: a finite number >= 0, or NAN (none). */
static int limit(llmb_web_arg_fn arg, void *ctx, const char *key, double *out, char *msg, size_t len)
{
    const char *v = arg(ctx, key);
    *out = NAN;
    if (!v || !*v)
        return 0;
    char *end = NULL;
    double d = strtod(v, &end);
    if (!*v || *end || !isfinite(d) || d < 0) {
        snprintf(msg, len, "%s: '%.40s' is not a number >= 0", key, v);
        return -1;
    }
    *out = d;
    return 0;
}

int llmb_web_api_recommend(struct llmb_store *s, llmb_web_arg_fn arg, void *ctx, int *status, char **body)
{
    struct llmb_rec_params p;
    llmb_rec_params_init(&p);
    struct llmb_error err = {0};
    if (llmb_web_filter(&p.filter, arg, ctx, &err))
        return llmb_web_fail(400, err.msg, status, body);
    static const struct {
        const char *key;
        int fig;
    } lim[] = {{"min_tg", LLMB_RF_TG},
               {"min_pp", LLMB_RF_PP},
               {"max_memory", LLMB_RF_MEM},
               {"max_kld", LLMB_RF_KLD},
               {"max_ppl", LLMB_RF_PPL}};
    char msg[128];
    for (size_t i = 0; i < sizeof lim / sizeof lim[0]; i++)
        if (limit(arg, ctx, lim[i].key, &p.limit[lim[i].fig], msg, sizeof msg))
            return llmb_web_fail(400, msg, status, body);
    struct llmb_rec_result r;
    int rc = llmb_rec_run(s, &p, &r, &err);
    if (rc == LLMB_E_INVAL) { /* nothing stored yet: an empty answer, not an error */
        llmb_rec_free(&r);
        json_t *o = json_object();
        json_object_set_new(o, "candidates", json_array());
        json_object_set_new(o, "recommended", json_null());
        json_object_set_new(o, "note", llmb_jstr(err.msg));
        return llmb_web_reply(200, o, status, body);
    }
    if (rc) {
        llmb_rec_free(&r);
        return llmb_web_fail(503, err.msg, status, body);
    }
    json_t *a = json_array();
    long best = -1;
    for (size_t i = 0; i < r.n_configs; i++) {
        const struct llmb_rec_config *c = &r.configs[i];
        if (r.n_front && c == r.front[0])
            best = (long)i;
        const struct llmb_result *res = &c->rec->r;
        const char *base = strrchr(res->inst.model, '/');
        json_t *o = json_object();
        json_object_set_new(o, "config", llmb_jstr(c->key));
        json_object_set_new(o, "label", llmb_jstr(c->label));
        json_object_set_new(o, "model", llmb_jstr(base ? base + 1 : res->inst.model));
        json_object_set_new(o, "quant", llmb_jstr(res->model.quant));
        json_object_set_new(o, "tg_ts", real(c->fig[LLMB_RF_TG]));
        json_object_set_new(o, "pp_ts", real(c->fig[LLMB_RF_PP]));
        json_object_set_new(o, "peak_rss_bytes", real(c->fig[LLMB_RF_MEM]));
        json_object_set_new(o, "model_size",
                            res->model.model_size ? json_integer((json_int_t)res->model.model_size) : json_null());
        json_object_set_new(o, "kld", real(c->fig[LLMB_RF_KLD]));
        json_object_set_new(o, "ppl", real(c->fig[LLMB_RF_PPL]));
        json_object_set_new(o, "rank", json_integer(c->rank));
        json_object_set_new(o, "pareto", json_boolean(c->rank > 0));
        json_object_set_new(o, "why", llmb_jstr(c->why));
        json_array_append_new(a, o);
    }
    for (size_t i = 0; i < json_array_size(a); i++)
        json_object_set_new(json_array_get(a, i), "recommended", json_boolean((long)i == best));
    llmb_rec_free(&r);
    json_t *o = json_object();
    json_object_set_new(o, "candidates", a);
    json_object_set_new(o, "recommended", best >= 0 ? json_integer(best) : json_null());
    return llmb_web_reply(200, o, status, body);
}
