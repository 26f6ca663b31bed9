/* api_analysis.c - /api/compare and /api/recommend for the page. A stand-in
 * until compare's matching and recommend's Pareto front are library
 * functions (include/llmbench/analysis.h): compare matches two selections
 * test by test (same instance key), pools their samples and gives Welch's
 * interval (compare.h); recommend gathers configurations (a model with its
 * engine settings) with tg, pp, peak memory and the model's KLD/PPL, keeps
 * the Pareto front and names the fastest one within the limits asked. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/compare.h"
#include "llmbench/llmbench.h"
#include "output/jvalue.h"
#include "api.h"

static int select_records(struct llmb_store *s, const char *expr, const char *name, struct llmb_store_record **v,
                          size_t *n, char *msg, size_t len)
{
    struct llmb_store_filter f;
    struct llmb_error err = {0};
    memset(&f, 0, sizeof f);
    if (!expr || !*expr) {
        snprintf(msg, len, "compare needs %s=RUN or %s=key=value,...", name, name);
        return 400;
    }
    if (llmb_store_filter_parse(&f, expr, &err)) {
        snprintf(msg, len, "%s: %s", name, err.msg);
        return 400;
    }
    f.complete_only = 1;
    if (llmb_store_query(s, &f, v, n, &err)) {
        snprintf(msg, len, "%s", err.msg);
        return 503;
    }
    return 0;
}

/* A speed record's per-repetition t/s of the test as a whole (avg_ts). */
static size_t ts_samples(const struct llmb_result *r, double *out, size_t cap)
{
    int tok = r->inst.n_prompt + r->inst.n_gen;
    size_t k = 0;
    for (size_t i = 0; r->total_ns && tok > 0 && i < r->n_samples && k < cap; i++)
        if (r->total_ns[i])
            out[k++] = tok * 1e9 / (double)r->total_ns[i];
    return k;
}

static json_t *cmp_json(const struct llmb_compare *c, const char *test, const char *model, const char *unit)
{
    json_t *o = json_object();
    json_object_set_new(o, "test", llmb_jstr(test));
    json_object_set_new(o, "model", llmb_jstr(model));
    json_object_set_new(o, "unit", json_string(unit));
    json_object_set_new(o, "a", llmb_jreal(c->mean_a));
    json_object_set_new(o, "b", llmb_jreal(c->mean_b));
    json_object_set_new(o, "n_a", json_integer((json_int_t)c->n_a));
    json_object_set_new(o, "n_b", json_integer((json_int_t)c->n_b));
    json_object_set_new(o, "change_pct", llmb_jreal(c->change_pct));
    json_object_set_new(o, "ci_lo_pct", llmb_jreal(c->ci_lo_pct));
    json_object_set_new(o, "ci_hi_pct", llmb_jreal(c->ci_hi_pct));
    json_object_set_new(o, "significant", json_boolean(c->significant));
    return llmb_json_finish(o);
}

/* Pools the samples of every record of v with this key. */
static size_t pool(const struct llmb_store_record *v, size_t n, const char *key, double *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].r.inst.kind == LLMB_WL_SPEED && !strcmp(v[i].instance_key, key))
            k += ts_samples(&v[i].r, out + k, cap - k);
    return k;
}

int llmb_web_api_compare(struct llmb_store *s, llmb_web_arg_fn arg, void *ctx, int *status, char **body)
{
    struct llmb_store_record *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    char msg[1200];
    int code = select_records(s, arg(ctx, "a"), "a", &a, &na, msg, sizeof msg);
    if (!code && (code = select_records(s, arg(ctx, "b"), "b", &b, &nb, msg, sizeof msg)))
        llmb_store_records_free(a, na);
    if (code)
        return llmb_web_fail(code, msg, status, body);
    enum { CAP = 4096 };
    double *xa = malloc(CAP * sizeof *xa), *xb = malloc(CAP * sizeof *xb);
    json_t *rows = json_array();
    struct llmb_compare *all = calloc(na + 1, sizeof *all);
    size_t n_all = 0;
    for (size_t i = 0; xa && xb && all && i < na; i++) {
        const struct llmb_store_record *r = &a[i];
        int first = 1; /* one row per key */
        for (size_t j = 0; j < i; j++)
            first &= strcmp(a[j].instance_key, r->instance_key) != 0;
        if (!first)
            continue;
        struct llmb_compare c;
        const char *model = r->r.model.desc[0] ? r->r.model.desc : r->r.inst.model;
        if (r->r.inst.kind == LLMB_WL_SPEED) {
            size_t ka = pool(a, na, r->instance_key, xa, CAP), kb = pool(b, nb, r->instance_key, xb, CAP);
            if (kb && !llmb_compare_welch(xa, ka, xb, kb, &c)) {
                json_array_append_new(rows, cmp_json(&c, r->test, model, "t/s"));
                all[n_all++] = c;
            }
            continue;
        }
        for (size_t j = 0; j < nb; j++) /* quality: the figure and its error */
            if (!strcmp(b[j].instance_key, r->instance_key) && r->r.inst.kind != LLMB_WL_SUITE) {
                int kld = r->r.inst.kind == LLMB_WL_KLD;
                double va = kld ? r->r.ppl.kld_mean : r->r.ppl.ppl, ea = kld ? r->r.ppl.kld_err : r->r.ppl.ppl_err;
                double vb = kld ? b[j].r.ppl.kld_mean : b[j].r.ppl.ppl;
                double eb = kld ? b[j].r.ppl.kld_err : b[j].r.ppl.ppl_err;
                if (!llmb_compare_normal(va, ea, vb, eb, &c))
                    json_array_append_new(rows, cmp_json(&c, r->test, model, kld ? "KLD" : "PPL"));
                break;
            }
    }
    double ratio = 1, err = 0;
    llmb_compare_summary(all, n_all, &ratio, &err);
    free(xa), free(xb), free(all);
    llmb_store_records_free(a, na);
    llmb_store_records_free(b, nb);
    json_t *o = json_object();
    json_object_set_new(o, "rows", rows);
    json_object_set_new(o, "speed_ratio", n_all ? llmb_jreal(ratio) : json_null());
    json_object_set_new(o, "speed_ratio_err", n_all ? llmb_jreal(err) : json_null());
    return llmb_web_reply(200, llmb_json_finish(o), status, body);
}

struct cand {
    char key[LLMB_STORE_KEY_MAX];
    char label[256], quant[64];
    double tg, pp, mem, kld, ppl, size;
    int front, chosen;
};

static double num_arg(llmb_web_arg_fn arg, void *ctx, const char *key)
{
    const char *v = arg(ctx, key);
    char *end = NULL;
    double d = v && *v ? strtod(v, &end) : NAN;
    return end && !*end && isfinite(d) && d >= 0 ? d : NAN;
}

/* a is at least as good as b on every figure both have, better on one. */
static int dominates(const struct cand *a, const struct cand *b)
{
    double fa[5] = {a->tg, a->pp, -a->mem, -a->kld, -a->ppl}, fb[5] = {b->tg, b->pp, -b->mem, -b->kld, -b->ppl};
    int better = 0, compared = 0;
    for (int k = 0; k < 5; k++) {
        if (isnan(fa[k]) || isnan(fb[k]))
            continue;
        compared++;
        if (fa[k] < fb[k])
            return 0;
        better |= fa[k] > fb[k];
    }
    return compared && better;
}

int llmb_web_api_recommend(struct llmb_store *s, llmb_web_arg_fn arg, void *ctx, int *status, char **body)
{
    struct llmb_store_filter f;
    struct llmb_error err = {0};
    if (llmb_web_filter(&f, arg, ctx, &err))
        return llmb_web_fail(400, err.msg, status, body);
    f.complete_only = 1;
    double max_kld = num_arg(arg, ctx, "max_kld"), max_ppl = num_arg(arg, ctx, "max_ppl");
    double max_mem = num_arg(arg, ctx, "max_memory"), min_tg = num_arg(arg, ctx, "min_tg");
    struct llmb_store_record *v = NULL;
    size_t n = 0;
    if (llmb_store_query(s, &f, &v, &n, &err))
        return llmb_web_fail(503, err.msg, status, body);
    struct cand *c = calloc(n + 1, sizeof *c);
    size_t nc = 0;
    for (size_t i = 0; c && i < n; i++) {
        const struct llmb_result *r = &v[i].r;
        if (r->inst.kind != LLMB_WL_SPEED)
            continue;
        char key[LLMB_STORE_KEY_MAX]; /* the configuration: the instance key without the test's sizes */
        snprintf(key, sizeof key, "%s", v[i].instance_key);
        char *cut = strstr(key, ";d=");
        if (cut)
            *cut = 0;
        size_t k = 0;
        while (k < nc && strcmp(c[k].key, key))
            k++;
        if (k == nc) {
            struct cand *x = &c[nc++];
            snprintf(x->key, sizeof x->key, "%s", key);
            const char *base = strrchr(r->inst.model, '/');
            snprintf(x->label, sizeof x->label, "%s t%d", base ? base + 1 : r->inst.model, r->applied.n_threads);
            snprintf(x->quant, sizeof x->quant, "%s", r->model.quant);
            x->tg = x->pp = x->mem = NAN;
            x->size = (double)r->model.model_size;
        }
        struct cand *x = &c[k];
        if (r->inst.n_gen > 0 && r->tg_ts.n && !(x->tg >= r->tg_ts.mean))
            x->tg = r->tg_ts.mean;
        if (r->inst.n_prompt > 0 && r->pp_ts.n && !(x->pp >= r->pp_ts.mean))
            x->pp = r->pp_ts.mean;
        if (r->peak_rss && !(x->mem >= (double)r->peak_rss))
            x->mem = (double)r->peak_rss;
        x->kld = v[i].kld;
        x->ppl = v[i].ppl;
    }
    llmb_store_records_free(v, n);
    if (!c)
        return llmb_web_fail(500, "out of memory", status, body);
    long best = -1;
    for (size_t i = 0; i < nc; i++) {
        c[i].front = 1;
        for (size_t j = 0; j < nc && c[i].front; j++)
            c[i].front = !(j != i && dominates(&c[j], &c[i]));
        int ok = c[i].front && !(c[i].kld > max_kld) && !(c[i].ppl > max_ppl) && !(c[i].mem > max_mem) &&
                 !(c[i].tg < min_tg) && !isnan(c[i].tg);
        if (ok && (best < 0 || c[i].tg > c[best].tg))
            best = (long)i;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < nc; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "config", llmb_jstr(c[i].key));
        json_object_set_new(o, "label", llmb_jstr(c[i].label));
        json_object_set_new(o, "quant", llmb_jstr(c[i].quant));
        json_object_set_new(o, "tg_ts", llmb_jnum(c[i].tg, !isnan(c[i].tg)));
        json_object_set_new(o, "pp_ts", llmb_jnum(c[i].pp, !isnan(c[i].pp)));
        json_object_set_new(o, "peak_rss_bytes", llmb_jnum(c[i].mem, !isnan(c[i].mem)));
        json_object_set_new(o, "model_size", llmb_jnum(c[i].size, c[i].size > 0));
        json_object_set_new(o, "kld", llmb_jnum(c[i].kld, !isnan(c[i].kld)));
        json_object_set_new(o, "ppl", llmb_jnum(c[i].ppl, !isnan(c[i].ppl)));
        json_object_set_new(o, "pareto", json_boolean(c[i].front));
        json_object_set_new(o, "recommended", json_boolean((long)i == best));
        json_array_append_new(a, llmb_json_finish(o));
    }
    free(c);
    json_t *o = json_object();
    json_object_set_new(o, "candidates", a);
    json_object_set_new(o, "recommended", best >= 0 ? json_integer(best) : json_null());
    return llmb_web_reply(200, o, status, body);
}
