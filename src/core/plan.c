/* plan.c - bench parameter lists: parsing of llama-bench's list and range
 * syntax, defaults, validation, and expansion into the test matrix.
 * Owns the memory of the lists in struct llmb_bench_params. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/plan.h"

#define LLMB_MAX_LIST 4096 /* no list may expand beyond this many values */
#define LLMB_MAX_TEST_TOKENS (1 << 24) /* no model has a longer context */

/* Room for entry n: buffers double, so a list built by *_push holds the next
 * power of two >= n entries (one realloc per doubling, not per entry). */
static void *grow(void *v, size_t n, size_t size)
{
    return n & (n - 1) ? v : realloc(v, (n ? 2 * n : 1) * size);
}

int llmb_int_list_push(struct llmb_int_list *l, int v)
{
    int *nv = grow(l->v, l->n, sizeof *nv);
    if (!nv)
        return LLMB_E_NOMEM;
    nv[l->n++] = v;
    l->v = nv;
    return LLMB_OK;
}

int llmb_str_list_push(struct llmb_str_list *l, const char *s)
{
    char **nv = grow(l->v, l->n, sizeof *nv);
    if (!nv)
        return LLMB_E_NOMEM;
    l->v = nv;
    if (!(nv[l->n] = strdup(s)))
        return LLMB_E_NOMEM;
    l->n++;
    return LLMB_OK;
}

void llmb_int_list_free(struct llmb_int_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void llmb_str_list_free(struct llmb_str_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* Reads a decimal integer at *p (optional '-' when allow_neg), advances *p. */
static int read_int(const char **p, int allow_neg, long *out)
{
    const char *s = *p;
    if (!(isdigit((unsigned char)s[0]) || (allow_neg && s[0] == '-' && isdigit((unsigned char)s[1]))))
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno == ERANGE || v > INT_MAX || v < INT_MIN)
        return -2;
    *out = v;
    *p = end;
    return 0;
}

/* s quoted in a message: a long list is cut (to len - 4 bytes and "..."), so
 * the message still says what is wrong with it. */
#define CUT 48
static const char *cut(const char *s, char buf[CUT])
{
    if (strlen(s) < CUT)
        return s;
    snprintf(buf, CUT, "%.*s...", CUT - 4, s);
    return buf;
}

int llmb_plan_parse_ints(const char *s, int min_value, struct llmb_int_list *out, struct llmb_error *err)
{
    if (!s || !*s)
        return llmb_error_set(err, LLMB_E_INVAL, "empty list");
    const char *p = s;
    char qs[CUT], qp[CUT];
    s = cut(s, qs); /* for messages only: parsing goes on through p */
    for (;;) {
        long first, last, step = 1;
        char op = '+';
        int rc = read_int(&p, min_value < 0, &first);
        if (rc)
            return llmb_error_set(err, LLMB_E_INVAL, rc == -2 ? "number out of range in '%s'" :
                                  "expected a number at '%s' in '%s'", rc == -2 ? s : cut(p, qp), s);
        last = first;
        if (*p == '-') {
            p++;
            if ((rc = read_int(&p, 0, &last)))
                return llmb_error_set(err, LLMB_E_INVAL, "malformed range in '%s' (expected first-last[+|*step])", s);
            if (*p == '+' || *p == '*') {
                op = *p++;
                if ((rc = read_int(&p, 0, &step)))
                    return llmb_error_set(err, LLMB_E_INVAL, "malformed range step in '%s'", s);
            }
            if (last < first)
                return llmb_error_set(err, LLMB_E_INVAL, "range %ld-%ld in '%s' is empty (last < first)", first, last, s);
        }
        if (*p != ',' && *p != '\0')
            return llmb_error_set(err, LLMB_E_INVAL, "unexpected '%c' in '%s'", *p, s);
        for (long i = first; i <= last;) {
            if (i < min_value)
                return llmb_error_set(err, LLMB_E_INVAL, "value %ld in '%s' is below the minimum %d", i, s, min_value);
            if (out->n >= LLMB_MAX_LIST)
                return llmb_error_set(err, LLMB_E_INVAL, "'%s' expands to more than %d values", s, LLMB_MAX_LIST);
            if (llmb_int_list_push(out, (int)i))
                return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
            long prev = i;
            i = op == '+' ? i + step : i * step;
            if (i <= prev)
                return llmb_error_set(err, LLMB_E_INVAL, "range in '%s' does not advance (step %c%ld)", s, op, step);
        }
        if (*p == '\0')
            break;
        p++; /* ',' */
        if (*p == '\0')
            return llmb_error_set(err, LLMB_E_INVAL, "trailing ',' in '%s'", s);
    }
    return LLMB_OK;
}

int llmb_plan_parse_strs(const char *s, struct llmb_str_list *out, struct llmb_error *err)
{
    if (!s || !*s)
        return llmb_error_set(err, LLMB_E_INVAL, "empty list");
    const char *p = s;
    char q[CUT];
    for (;;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == 0)
            return llmb_error_set(err, LLMB_E_INVAL, "empty element in '%s'", cut(s, q));
        if (out->n >= LLMB_MAX_LIST)
            return llmb_error_set(err, LLMB_E_INVAL, "'%s' has more than %d values", cut(s, q), LLMB_MAX_LIST);
        char *tmp = strndup(p, len);
        if (!tmp || llmb_str_list_push(out, tmp)) {
            free(tmp);
            return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        }
        free(tmp);
        if (!c)
            break;
        p = c + 1;
    }
    return LLMB_OK;
}

int llmb_plan_parse_fa(const char *s, struct llmb_int_list *out, struct llmb_error *err)
{
    struct llmb_str_list l = {0};
    char q[CUT];
    int rc = llmb_plan_parse_strs(s, &l, err);
    for (size_t i = 0; rc == LLMB_OK && i < l.n; i++) {
        const char *v = l.v[i];
        int fa;
        if (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "enabled"))
            fa = LLMB_FA_ON;
        else if (!strcmp(v, "0") || !strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "disabled"))
            fa = LLMB_FA_OFF;
        else if (!strcmp(v, "auto") || !strcmp(v, "-1"))
            fa = LLMB_FA_AUTO;
        else {
            rc = llmb_error_set(err, LLMB_E_INVAL, "flash attention value '%s' is not on/off/auto", cut(v, q));
            break;
        }
        rc = llmb_int_list_push(out, fa);
    }
    llmb_str_list_free(&l);
    return rc;
}

int llmb_plan_parse_pg(const char *s, struct llmb_int_list *out, struct llmb_error *err)
{
    struct llmb_int_list l = {0};
    char q[CUT];
    int rc = llmb_plan_parse_ints(s, 0, &l, err);
    if (rc == LLMB_OK && (l.n != 2 || strchr(s, '-')))
        rc = llmb_error_set(err, LLMB_E_INVAL, "takes one pair 'prompt,gen', got '%s'", cut(s, q));
    if (rc == LLMB_OK && (llmb_int_list_push(out, l.v[0]) || llmb_int_list_push(out, l.v[1])))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    llmb_int_list_free(&l);
    return rc;
}

static int default_int(struct llmb_int_list *l, int v)
{
    return l->n ? LLMB_OK : llmb_int_list_push(l, v);
}

static int default_str(struct llmb_str_list *l, const char *v)
{
    return l->n ? LLMB_OK : llmb_str_list_push(l, v);
}

int llmb_bench_params_defaults(struct llmb_bench_params *p, int default_threads)
{
    /* -p/-n given only as -pg: llama-bench still runs its pp512/tg128 defaults */
    int rc = default_int(&p->n_prompt, 512);
    rc = rc ? rc : default_int(&p->n_gen, 128);
    rc = rc ? rc : default_int(&p->n_depth, 0);
    rc = rc ? rc : default_int(&p->n_batch, 2048);
    rc = rc ? rc : default_int(&p->n_ubatch, 512);
    rc = rc ? rc : default_str(&p->type_k, "f16");
    rc = rc ? rc : default_str(&p->type_v, "f16");
    rc = rc ? rc : default_int(&p->n_threads, default_threads);
    rc = rc ? rc : default_int(&p->n_gpu_layers, -1);
    rc = rc ? rc : default_int(&p->flash_attn, LLMB_FA_AUTO);
    return rc;
}

static const char *const kv_types[] = {"f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "iq4_nl", "q5_0", "q5_1", NULL};

static int known_kv_type(const char *t)
{
    for (int i = 0; kv_types[i]; i++)
        if (!strcmp(kv_types[i], t))
            return 1;
    return 0;
}

static long long max_of(const struct llmb_int_list *l)
{
    long long m = 0;
    for (size_t i = 0; i < l->n; i++)
        m = l->v[i] > m ? l->v[i] : m;
    return m;
}

int llmb_bench_params_validate(const struct llmb_bench_params *p, struct llmb_error *err)
{
    if (p->models.n == 0)
        return llmb_error_set(err, LLMB_E_INVAL, "no model given (use -m FILE)");
    for (size_t i = 0; i < p->n_threads.n; i++)
        if (p->n_threads.v[i] < 1)
            return llmb_error_set(err, LLMB_E_INVAL, "thread count must be at least 1 (got %d)", p->n_threads.v[i]);
    for (size_t i = 0; i < p->n_batch.n; i++)
        if (p->n_batch.v[i] < 1)
            return llmb_error_set(err, LLMB_E_INVAL, "batch size must be at least 1 (got %d)", p->n_batch.v[i]);
    for (size_t i = 0; i < p->n_ubatch.n; i++)
        if (p->n_ubatch.v[i] < 1)
            return llmb_error_set(err, LLMB_E_INVAL, "micro-batch size must be at least 1 (got %d)", p->n_ubatch.v[i]);
    const struct llmb_str_list *kv[2] = {&p->type_k, &p->type_v};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < kv[k]->n; i++)
            if (!known_kv_type(kv[k]->v[i]))
                return llmb_error_set(err, LLMB_E_INVAL,
                                      "unknown KV cache type '%s' (one of f32 f16 bf16 q8_0 q4_0 q4_1 iq4_nl q5_0 q5_1)",
                                      kv[k]->v[i]);
    int any = 0;
    for (size_t i = 0; i < p->n_prompt.n; i++)
        any |= p->n_prompt.v[i] > 0;
    for (size_t i = 0; i < p->n_gen.n; i++)
        any |= p->n_gen.v[i] > 0;
    any |= p->pg.n > 0;
    if (!any)
        return llmb_error_set(err, LLMB_E_INVAL, "nothing to run: every -p and -n is 0 and no -pg given");
    for (size_t i = 0; i + 1 < p->pg.n; i += 2)
        if (p->pg.v[i] == 0 && p->pg.v[i + 1] == 0)
            return llmb_error_set(err, LLMB_E_INVAL, "-pg 0,0 runs nothing");
    /* the longest test's context (depth + prompt, + generated): runners add them in int */
    long long most = max_of(&p->n_prompt) > max_of(&p->n_gen) ? max_of(&p->n_prompt) : max_of(&p->n_gen);
    for (size_t i = 0; i + 1 < p->pg.n; i += 2)
        if ((long long)p->pg.v[i] + p->pg.v[i + 1] > most)
            most = (long long)p->pg.v[i] + p->pg.v[i + 1];
    most += max_of(&p->n_depth);
    if (most > LLMB_MAX_TEST_TOKENS)
        return llmb_error_set(err, LLMB_E_INVAL, "a test of %lld tokens (depth + prompt + generated) is over the "
                              "limit of %d", most, LLMB_MAX_TEST_TOKENS);
    return LLMB_OK;
}

void llmb_bench_params_free(struct llmb_bench_params *p)
{
    llmb_str_list_free(&p->models);
    llmb_int_list_free(&p->n_prompt);
    llmb_int_list_free(&p->n_gen);
    llmb_int_list_free(&p->pg);
    llmb_int_list_free(&p->n_depth);
    llmb_int_list_free(&p->n_batch);
    llmb_int_list_free(&p->n_ubatch);
    llmb_str_list_free(&p->type_k);
    llmb_str_list_free(&p->type_v);
    llmb_int_list_free(&p->n_threads);
    llmb_int_list_free(&p->n_gpu_layers);
    llmb_int_list_free(&p->flash_attn);
}

int llmb_plan_expand(const struct llmb_bench_params *p, struct llmb_instance **out, size_t *n_out,
                     struct llmb_error *err)
{
    size_t tests = p->pg.n / 2;
    for (size_t i = 0; i < p->n_prompt.n; i++)
        tests += p->n_prompt.v[i] > 0;
    for (size_t i = 0; i < p->n_gen.n; i++)
        tests += p->n_gen.v[i] > 0;
    size_t combos = p->models.n * p->n_gpu_layers.n * p->n_batch.n * p->n_ubatch.n * p->type_k.n * p->type_v.n *
                    p->flash_attn.n * p->n_threads.n * p->n_depth.n;
    size_t total = combos * tests;
    if (total == 0)
        return llmb_error_set(err, LLMB_E_INVAL, "the test matrix is empty");
    if (total > 100000)
        return llmb_error_set(err, LLMB_E_INVAL, "the test matrix has %zu instances (limit 100000)", total);
    struct llmb_instance *v = calloc(total, sizeof *v);
    if (!v)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t im = 0; im < p->models.n; im++)
    for (size_t il = 0; il < p->n_gpu_layers.n; il++)
    for (size_t ib = 0; ib < p->n_batch.n; ib++)
    for (size_t iu = 0; iu < p->n_ubatch.n; iu++)
    for (size_t ik = 0; ik < p->type_k.n; ik++)
    for (size_t iv = 0; iv < p->type_v.n; iv++)
    for (size_t ifa = 0; ifa < p->flash_attn.n; ifa++)
    for (size_t it = 0; it < p->n_threads.n; it++)
    for (size_t id = 0; id < p->n_depth.n; id++) {
        struct llmb_instance base = {
            .model = p->models.v[im], .n_gpu_layers = p->n_gpu_layers.v[il], .n_batch = p->n_batch.v[ib],
            .n_ubatch = p->n_ubatch.v[iu], .type_k = p->type_k.v[ik], .type_v = p->type_v.v[iv],
            .flash_attn = p->flash_attn.v[ifa], .n_threads = p->n_threads.v[it], .n_depth = p->n_depth.v[id],
        };
        for (size_t i = 0; i < p->n_prompt.n; i++) {
            if (p->n_prompt.v[i] <= 0)
                continue;
            v[k] = base;
            v[k++].n_prompt = p->n_prompt.v[i];
        }
        for (size_t i = 0; i < p->n_gen.n; i++) {
            if (p->n_gen.v[i] <= 0)
                continue;
            v[k] = base;
            v[k++].n_gen = p->n_gen.v[i];
        }
        for (size_t i = 0; i + 1 < p->pg.n; i += 2) {
            v[k] = base;
            v[k].n_prompt = p->pg.v[i];
            v[k++].n_gen = p->pg.v[i + 1];
        }
    }
    *out = v;
    *n_out = k;
    return LLMB_OK;
}

int llmb_instance_same_model(const struct llmb_instance *a, const struct llmb_instance *b)
{
    return a && b && !strcmp(a->model, b->model) && a->n_gpu_layers == b->n_gpu_layers;
}

static const char *const kind_names[LLMB_WL_COUNT] = {"speed", "ppl", "kld", "suite"};

const char *llmb_workload_kind_name(int kind)
{
    return kind >= 0 && kind < LLMB_WL_COUNT ? kind_names[kind] : "unknown";
}

int llmb_workload_kind_parse(const char *name)
{
    for (int k = 0; name && k < LLMB_WL_COUNT; k++)
        if (!strcmp(name, kind_names[k]))
            return k;
    return -1;
}

void llmb_instance_test_name(const struct llmb_instance *in, char *buf, size_t len)
{
    int w;
    if (in->kind == LLMB_WL_PPL || in->kind == LLMB_WL_KLD) {
        snprintf(buf, len, "%s c%d", llmb_workload_kind_name(in->kind), in->q ? in->q->n_ctx : 0);
        return;
    }
    if (in->kind == LLMB_WL_SUITE) {
        snprintf(buf, len, "suite %s", in->q && in->q->suite && in->q->suite->name ? in->q->suite->name : "");
        return;
    }
    if (in->n_prompt > 0 && in->n_gen == 0)
        w = snprintf(buf, len, "pp%d", in->n_prompt);
    else if (in->n_gen > 0 && in->n_prompt == 0)
        w = snprintf(buf, len, "tg%d", in->n_gen);
    else
        w = snprintf(buf, len, "pp%d+tg%d", in->n_prompt, in->n_gen);
    if (in->n_depth > 0 && w > 0 && (size_t)w < len)
        snprintf(buf + w, len - (size_t)w, " @ d%d", in->n_depth);
}
