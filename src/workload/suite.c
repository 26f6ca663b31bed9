/* suite.c - the prompt suite: a versioned JSON file of prompts with categories
 * and optional checks (expected number, contains, POSIX regex), the built-in
 * default suite (suites/default.json, embedded at build time), grading, the
 * ROUGE-L similarity of two answers, and running a suite on an engine.
 * A malformed entry is reported and skipped; the rest still run. */
#define _GNU_SOURCE /* strcasestr */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "llmbench/quality.h"

extern const unsigned char llmb_default_suite_json[]; /* generated from suites/default.json */

struct llmb_suite_params llmb_suite_default_params(void)
{
    struct llmb_suite_params p;
    memset(&p, 0, sizeof p);
    p.max_tokens = 128;
    p.seed = 42;
    return p;
}

static int warn(struct llmb_suite *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int warn(struct llmb_suite *s, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **w = realloc(s->warnings, (s->n_skipped + 1) * sizeof *w);
    if (!w)
        return LLMB_E_NOMEM;
    s->warnings = w;
    if (!(w[s->n_skipped] = strdup(buf)))
        return LLMB_E_NOMEM;
    s->n_skipped++;
    return LLMB_OK;
}

static const char *str_field(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

/* Fills it from entry e; returns a reason when the entry is malformed. */
static const char *parse_item(json_t *e, struct llmb_suite_item *it, const struct llmb_suite *s)
{
    memset(it, 0, sizeof *it);
    if (!json_is_object(e))
        return "not an object";
    const char *id = str_field(e, "id"), *cat = str_field(e, "category"), *prompt = str_field(e, "prompt");
    if (!id)
        return "no \"id\" string";
    if (!cat)
        return "no \"category\" string";
    if (!prompt)
        return "no \"prompt\" string";
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->items[i].id, id))
            return "duplicate id";
    json_t *c = json_object_get(e, "check");
    if (c && !json_is_null(c)) {
        if (!json_is_object(c))
            return "\"check\" is not an object";
        const char *type = str_field(c, "type");
        json_t *ic = json_object_get(c, "ignore_case");
        if (ic && !json_is_boolean(ic))
            return "\"ignore_case\" is not true/false";
        it->ignore_case = json_is_true(ic);
        if (!type)
            return "check without a \"type\"";
        if (!strcmp(type, "number")) {
            json_t *v = json_object_get(c, "value");
            if (!json_is_number(v))
                return "number check without a numeric \"value\"";
            it->check = LLMB_CHECK_NUMBER;
            it->number = json_number_value(v);
        } else if (!strcmp(type, "contains")) {
            const char *v = str_field(c, "value");
            if (!v)
                return "contains check without a \"value\" string";
            it->check = LLMB_CHECK_CONTAINS;
            it->text = strdup(v);
        } else if (!strcmp(type, "regex")) {
            const char *v = str_field(c, "pattern");
            if (!v)
                return "regex check without a \"pattern\" string";
            regex_t re;
            if (regcomp(&re, v, REG_EXTENDED | REG_NOSUB | (it->ignore_case ? REG_ICASE : 0)))
                return "regex \"pattern\" does not compile";
            regfree(&re);
            it->check = LLMB_CHECK_REGEX;
            it->text = strdup(v);
        } else {
            return "unknown check type (number, contains, regex)";
        }
    }
    it->id = strdup(id);
    it->category = strdup(cat);
    it->prompt = strdup(prompt);
    return NULL;
}

int llmb_suite_load(const char *path, struct llmb_suite *s, struct llmb_error *err)
{
    memset(s, 0, sizeof *s);
    json_error_t je;
    int builtin = !path || !strcmp(path, "default");
    json_t *root = builtin ? json_loads((const char *)llmb_default_suite_json, 0, &je) : json_load_file(path, 0, &je);
    const char *name = builtin ? "the default suite" : path;
    if (!root)
        return llmb_error_set(err, LLMB_E_INVAL, "suite '%s': %s (line %d, column %d)", name, je.text, je.line,
                              je.column);
    json_t *prompts = json_object_get(root, "prompts");
    json_t *ver = json_object_get(root, "version");
    int rc = LLMB_OK;
    if (!json_is_object(root) || !json_is_array(prompts)) {
        rc = llmb_error_set(err, LLMB_E_INVAL, "suite '%s' is not a prompt suite (an object with a \"prompts\" array)",
                            name);
        goto out;
    }
    if (ver && !(json_is_integer(ver) && json_integer_value(ver) == 1)) {
        rc = llmb_error_set(err, LLMB_E_INVAL, "suite '%s' has version %s; this llmbench reads version 1", name,
                            json_is_integer(ver) ? "other than 1" : "of the wrong type");
        goto out;
    }
    s->version = 1;
    s->name = strdup(str_field(root, "name") ? str_field(root, "name") : name);
    s->items = calloc(json_array_size(prompts) + 1, sizeof *s->items);
    if (!s->items || !s->name) {
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        goto out;
    }
    size_t i;
    json_t *e;
    json_array_foreach(prompts, i, e) {
        struct llmb_suite_item it;
        const char *why = parse_item(e, &it, s);
        if (why) {
            const char *id = json_is_object(e) ? str_field(e, "id") : NULL;
            free(it.text);
            if ((rc = warn(s, "suite '%s': entry %zu%s%s%s: %s; skipped", name, i + 1, id ? " ('" : "",
                           id ? id : "", id ? "')" : "", why)))
                break;
            continue;
        }
        s->items[s->n++] = it;
    }
    if (!rc && s->n == 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "suite '%s' has no valid prompt", name);
out:
    json_decref(root);
    if (rc)
        llmb_suite_free(s);
    return rc;
}

void llmb_suite_free(struct llmb_suite *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->items[i].id);
        free(s->items[i].category);
        free(s->items[i].prompt);
        free(s->items[i].text);
    }
    for (size_t i = 0; i < s->n_skipped; i++)
        free(s->warnings[i]);
    free(s->warnings);
    free(s->items);
    free(s->name);
    memset(s, 0, sizeof *s);
}

/* The expected number appears in the text as a number ("1,000" counts as 1000). */
static int has_number(const char *t, double want)
{
    for (const char *p = t; *p;) {
        if (!isdigit((unsigned char)*p)) {
            p++;
            continue;
        }
        int neg = p > t && p[-1] == '-';
        char digits[64];
        size_t n = 0;
        while (*p && n < sizeof digits - 1) {
            if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1])))
                digits[n++] = *p++;
            else if (*p == ',' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
                     isdigit((unsigned char)p[3]))
                p++;
            else
                break;
        }
        digits[n] = 0;
        double v = strtod(digits, NULL) * (neg ? -1 : 1);
        if (fabs(v - want) <= 1e-9 * (fabs(want) > 1 ? fabs(want) : 1))
            return 1;
    }
    return 0;
}

int llmb_suite_check(const struct llmb_suite_item *it, const char *r)
{
    switch (it->check) {
    case LLMB_CHECK_NUMBER: return has_number(r, it->number);
    case LLMB_CHECK_CONTAINS: return (it->ignore_case ? strcasestr(r, it->text) : strstr(r, it->text)) != NULL;
    case LLMB_CHECK_REGEX: {
        regex_t re;
        if (regcomp(&re, it->text, REG_EXTENDED | REG_NOSUB | (it->ignore_case ? REG_ICASE : 0)))
            return 0;
        int ok = regexec(&re, r, 0, NULL, 0) == 0;
        regfree(&re);
        return ok;
    }
    default: return -1;
    }
}

/* ---- ROUGE-L -------------------------------------------------------------------- */

struct words {
    char  **w;
    size_t  n;
};

/* Lower-cased runs of letters/digits (bytes >= 0x80 count as letters), and
 * single punctuation marks. */
static int split(const char *t, struct words *out)
{
    out->w = NULL;
    out->n = 0;
    size_t cap = 0;
    for (const char *p = t; *p;) {
        unsigned char c = (unsigned char)*p;
        if (isspace(c)) {
            p++;
            continue;
        }
        const char *s = p;
        if (isalnum(c) || c >= 0x80)
            while (*p && (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80))
                p++;
        else
            p++;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nw = realloc(out->w, cap * sizeof *nw);
            if (!nw)
                return -1;
            out->w = nw;
        }
        char *w = strndup(s, (size_t)(p - s));
        if (!w)
            return -1;
        for (char *q = w; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        out->w[out->n++] = w;
    }
    return 0;
}

static void words_free(struct words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->w[i]);
    free(w->w);
}

double llmb_rouge_l(const char *a, const char *b)
{
    struct words x, y;
    if (split(a, &x) || split(b, &y))
        return -1;
    double f = 0;
    if (x.n == 0 && y.n == 0)
        f = 1;
    else if (x.n && y.n) {
        /* LCS with two rows */
        size_t *prev = calloc(y.n + 1, sizeof *prev), *cur = calloc(y.n + 1, sizeof *cur);
        if (prev && cur) {
            for (size_t i = 1; i <= x.n; i++) {
                for (size_t j = 1; j <= y.n; j++)
                    cur[j] = !strcmp(x.w[i - 1], y.w[j - 1]) ? prev[j - 1] + 1
                             : prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
                size_t *t = prev;
                prev = cur;
                cur = t;
            }
            double lcs = (double)prev[y.n], r = lcs / (double)y.n, p = lcs / (double)x.n;
            f = lcs > 0 ? 2 * p * r / (p + r) : 0;
        } else {
            f = -1;
        }
        free(prev);
        free(cur);
    }
    words_free(&x);
    words_free(&y);
    return f;
}

/* ---- running ---------------------------------------------------------------------- */

struct token_fwd {
    const struct llmb_suite_params *p;
    size_t i;
};

static void fwd_token(const char *text, size_t len, double t_ms, void *user)
{
    struct token_fwd *f = user;
    f->p->on_token(f->i, text, len, t_ms, f->p->user);
}

int llmb_suite_run(const struct llmb_engine_ops *e, void *st, const struct llmb_suite *suite,
                   const struct llmb_suite_params *p, struct llmb_suite_answer *answers,
                   struct llmb_context_info *applied, struct llmb_error *err)
{
    memset(answers, 0, suite->n * sizeof *answers);
    if (!e->generate)
        return llmb_error_set(err, LLMB_E_UNSUPPORTED, "engine %s cannot generate text", e->name);
    struct llmb_context_params cp = {
        .n_ctx = 0, .n_batch = 2048, .n_ubatch = 512, .type_k = "f16", .type_v = "f16", .flash_attn = -1,
        .n_threads = p->n_threads > 0 ? p->n_threads : 1, .n_seq = 1,
    };
    /* one context for the whole suite, sized for the longest prompt */
    size_t longest = 0;
    for (size_t i = 0; i < suite->n; i++)
        if (strlen(suite->items[i].prompt) > longest)
            longest = strlen(suite->items[i].prompt);
    cp.n_ctx = (int)longest + 256 + p->max_tokens;
    int rc = e->context(st, &cp, applied, err);
    for (size_t i = 0; !rc && i < suite->n; i++) {
        const struct llmb_suite_item *it = &suite->items[i];
        if (p->progress)
            p->progress(i + 1, suite->n, p->user);
        struct llmb_gen_request rq = {.prompt = it->prompt, .system = p->system, .use_chat_template = 1,
                                      .max_tokens = p->max_tokens, .temperature = p->temperature, .seed = p->seed};
        struct token_fwd fwd = {.p = p, .i = i + 1};
        if (p->on_token) {
            rq.on_token = fwd_token;
            rq.user = &fwd;
        }
        struct llmb_gen_result g;
        if ((rc = e->generate(st, &rq, &g, err))) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            llmb_error_set(err, rc, "prompt '%s': %s", it->id, why);
            break;
        }
        struct llmb_suite_answer *a = &answers[i];
        a->response = g.text;
        a->n_gen = g.n_gen;
        a->n_prompt = g.n_prompt;
        a->template_used = g.template_used;
        a->stopped = g.stopped;
        a->ttft_ms = g.ttft_ms;
        a->tg_ts = g.tg_ts;
        a->total_ms = g.total_ms;
        a->pass = llmb_suite_check(it, g.text);
        a->similarity = p->ref && p->ref[i].response ? llmb_rouge_l(g.text, p->ref[i].response) : -1;
    }
    if (rc)
        llmb_suite_answers_free(answers, suite->n);
    return rc;
}

void llmb_suite_answers_free(struct llmb_suite_answer *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].response);
        a[i].response = NULL;
    }
}
