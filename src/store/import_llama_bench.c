/* import_llama_bench.c - reads llama-bench's JSON (-o json: one array) and
 * JSON Lines (-o jsonl: one object per line) output into results, so numbers
 * people already have can join the store, be listed, exported and compared.
 * Every object is checked before anything is returned: a file that is not
 * that format gives one line naming the object and field, and nothing else.
 * Identity: a model file that is still there, whose tensor bytes match the
 * recorded model_size, is named by its sha256 like a bench run's; otherwise
 * by its path. llmbench's own export (same format) also holds quality
 * results (objects with "kind" ppl, kld or suite): those are skipped and
 * counted, as this reads speed tests only. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/field_json.h"
#include "base/sha256.h"
#include "store_int.h"

#define MAX_FILE (256u << 20)

/* What one result points into. */
struct item {
    char sha[65];
};

struct storage {
    struct item        *items;
    uint64_t           *samples; /* 4 arrays of n_samples per result, back to back */
    struct llmb_strings strings; /* the parameters' strings */
};

struct ctx {
    const char *path;
    int         jsonl;
    size_t      index; /* object number, 1-based */
    size_t      line;  /* JSONL: line number */
};

static int fail(const struct ctx *c, struct llmb_error *err, const char *fmt, const char *field)
{
    char where[64];
    if (c->jsonl)
        snprintf(where, sizeof where, "line %zu", c->line);
    else
        snprintf(where, sizeof where, "object %zu", c->index);
    char what[256];
    snprintf(what, sizeof what, fmt, field);
    return llmb_error_set(err, LLMB_E_INVAL, "import '%s': %s: %s (not llama-bench -o json/jsonl output?)", c->path,
                          where, what);
}

/* llmbench's exports carry bytes that are not UTF-8 in "bytes_hex": {"key": "2f74..."}. */
static int exact_bytes(json_t *o, const char *k, char *dst, size_t len)
{
    json_t *h = json_object_get(json_object_get(o, "bytes_hex"), k);
    const char *x = json_string_value(h);
    size_t n = x ? strlen(x) : 0;
    if (!x || n % 2 || n / 2 >= len)
        return 0;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (!strchr("0123456789abcdefABCDEF", x[2 * i]) || !strchr("0123456789abcdefABCDEF", x[2 * i + 1]) ||
            sscanf(x + 2 * i, "%2x", &v) != 1 || v == 0)
            return 0;
        dst[i] = (char)v;
    }
    dst[n / 2] = 0;
    return 1;
}

static int get_int(const struct ctx *c, json_t *o, const char *k, long long min, long long *out,
                   struct llmb_error *err)
{
    json_t *v = json_object_get(o, k);
    if (!v)
        return fail(c, err, "field '%s' is missing", k);
    if (!json_is_integer(v))
        return fail(c, err, "field '%s' is not a whole number", k);
    *out = json_integer_value(v);
    if (*out < min)
        return fail(c, err, "field '%s' is out of range", k);
    return LLMB_OK;
}

static int get_num(const struct ctx *c, json_t *o, const char *k, double *out, struct llmb_error *err)
{
    json_t *v = json_object_get(o, k);
    if (!v)
        return fail(c, err, "field '%s' is missing", k);
    if (!json_is_number(v) || !isfinite(json_number_value(v)))
        return fail(c, err, "field '%s' is not a number", k);
    *out = json_number_value(v);
    return LLMB_OK;
}

static const char *type_words(int type)
{
    switch (type) {
    case LLMB_FIELD_STRING: return "field '%s' is not a string";
    case LLMB_FIELD_INT: return "field '%s' is not a whole number or boolean";
    case LLMB_FIELD_BOOL: return "field '%s' is not a boolean or 0/1";
    default: return "field '%s' is not a number";
    }
}

/* llama-bench's parameter and model fields of o into r, through the field
 * table: required ones must be there; the others keep llama-bench's
 * defaults when an older llama-bench did not write them. */
static int read_fields(const struct ctx *c, json_t *o, struct llmb_result *r, struct llmb_strings *st,
                       struct llmb_error *err)
{
    size_t n;
    const struct llmb_field *f = llmb_result_fields(&n);
    for (size_t i = 0; i < n; i++)
        if ((f[i].flags & LLMB_FIELD_REQUIRED) && !json_object_get(o, f[i].name))
            return fail(c, err, "field '%s' is missing", f[i].name);
    for (size_t i = 0; i < n; i++) {
        json_t *j = (f[i].flags & LLMB_FIELD_LLAMA_BENCH) && f[i].set ? json_object_get(o, f[i].name) : NULL;
        struct llmb_value v;
        if (!j)
            continue;
        if (llmb_value_from_json(&f[i], j, &v))
            return fail(c, err, type_words(f[i].type), f[i].name);
        char exact[4096]; /* an llmbench export's bytes that are not UTF-8 (bytes_hex) */
        if (f[i].type == LLMB_FIELD_STRING && exact_bytes(o, f[i].name, exact, sizeof exact))
            v.s = exact;
        if (f[i].set(r, &v, st))
            return fail(c, err, "field '%s' is out of range", f[i].name);
    }
    return LLMB_OK;
}

/* The quantization part of llama.cpp's model description "llama 7B Q4_K - Medium". */
static void quant_of(const char *desc, char *out, size_t len)
{
    const char *p = strchr(desc, ' ');
    p = p ? strchr(p + 1, ' ') : NULL; /* past the architecture and the size */
    if (p && !strncmp(p, " (guessed)", 10))
        p += 10;
    snprintf(out, len, "%s", p ? p + 1 : "");
}

/* Fills r from object o; samples go to buf (4 * n values), strings to st. */
static int convert(const struct ctx *c, json_t *o, struct llmb_result *r, struct llmb_strings *st, uint64_t *buf,
                   struct llmb_error *err)
{
    struct llmb_model_info *m = &r->model;
    struct llmb_instance *in = &r->inst;
    long long avg_ns, sd_ns;
    int rc;
    if (!json_is_object(o))
        return fail(c, err, "%s", "not a JSON object");
    llmb_instance_init(in);
    in->n_prompt = 0;
    if ((rc = read_fields(c, o, r, st, err)) || (rc = get_int(c, o, "avg_ns", 0, &avg_ns, err)) ||
        (rc = get_int(c, o, "stddev_ns", 0, &sd_ns, err)))
        return rc;
    double avg_ts, sd_ts;
    if ((rc = get_num(c, o, "avg_ts", &avg_ts, err)) || (rc = get_num(c, o, "stddev_ts", &sd_ts, err)))
        return rc;
    long long np = in->n_prompt, ng = in->n_gen;
    json_t *sns = json_object_get(o, "samples_ns"), *sts = json_object_get(o, "samples_ts");
    if (!sns || !sts)
        return fail(c, err, "field '%s' is missing", sns ? "samples_ts" : "samples_ns");
    if (!json_is_array(sns) || !json_is_array(sts) || json_array_size(sns) == 0)
        return fail(c, err, "field '%s' is not a non-empty array", json_is_array(sns) ? "samples_ts" : "samples_ns");
    if (json_array_size(sns) != json_array_size(sts))
        return fail(c, err, "%s", "samples_ns and samples_ts differ in length");
    if (np + ng == 0)
        return fail(c, err, "%s", "n_prompt and n_gen are both 0");
    size_t n = json_array_size(sns);
    double ts[4096];
    if (n > sizeof ts / sizeof ts[0])
        return fail(c, err, "%s", "more than 4096 samples");
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_array_get(sns, i), *s = json_array_get(sts, i);
        if (!json_is_integer(a) || json_integer_value(a) <= 0)
            return fail(c, err, "field '%s' holds a value that is not a positive whole number", "samples_ns");
        if (!json_is_number(s) || !(json_number_value(s) > 0))
            return fail(c, err, "field '%s' holds a value that is not a positive number", "samples_ts");
        buf[i] = (uint64_t)json_integer_value(a);
        ts[i] = json_number_value(s);
    }
    r->n_samples = n;
    r->total_ns = buf;
    r->pp_ns = buf + n;
    r->tg_ns = buf + 2 * n;
    r->ttft_ns = buf + 3 * n;
    double ns[4096];
    for (size_t i = 0; i < n; i++) {
        r->pp_ns[i] = ng == 0 ? buf[i] : 0; /* the parts are known only for pure pp or tg tests */
        r->tg_ns[i] = np == 0 ? buf[i] : 0;
        ns[i] = (double)buf[i];
    }
    llmb_stats_compute(ts, n, &r->ts);
    llmb_stats_compute(ns, n, &r->total_ns_stats);
    if (fabs(r->total_ns_stats.mean - (double)avg_ns) > 0.01 * (double)avg_ns + 1)
        return fail(c, err, "%s", "avg_ns is not the mean of samples_ns");
    if (ng == 0)
        r->pp_ts = r->ts;
    if (np == 0)
        r->tg_ts = r->ts;
    m->bpw = m->n_params > 0 ? 8.0 * (double)m->model_size / (double)m->n_params : 0;
    snprintf(m->arch, sizeof m->arch, "%.*s", (int)strcspn(m->desc, " "), m->desc);
    quant_of(m->desc, m->quant, sizeof m->quant);
    /* what was applied, the memory and the load time: llama-bench does not say (unknown) */
    memset(&r->applied, 0, sizeof r->applied);
    r->stop_reason = LLMB_STOP_FIXED;
    return LLMB_OK;
}

/* The objects of the file: a JSON array, one object, or JSON Lines. *lines
 * gets each object's line (JSONL) or 0. Returns an array the caller decrefs. */
static json_t *parse(const char *path, const char *text, size_t **lines, int *jsonl, struct llmb_error *err)
{
    json_error_t je;
    json_t *doc = json_loads(text, 0, &je);
    *jsonl = 0;
    if (doc && json_is_array(doc))
        return doc;
    if (doc && json_is_object(doc)) {
        json_t *a = json_array();
        json_array_append_new(a, doc);
        return a;
    }
    if (doc) {
        json_decref(doc);
        llmb_error_set(err, LLMB_E_INVAL, "import '%s': not llama-bench -o json/jsonl output (neither an array nor "
                                          "objects)", path);
        return NULL;
    }
    if (text[strspn(text, " \t\r\n")] == '[') { /* an array (-o json) that does not parse */
        llmb_error_set(err, LLMB_E_INVAL, "import '%s': line %d, column %d: not valid JSON (%s) (not llama-bench "
                                          "-o json/jsonl output?)", path, je.line, je.column, je.text);
        return NULL;
    }
    /* JSON Lines */
    *jsonl = 1;
    json_t *a = json_array();
    size_t cap = 0, n = 0, line = 0;
    for (const char *p = text; *p;) {
        size_t l = strcspn(p, "\n");
        line++;
        size_t k = 0;
        while (k < l && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
            k++;
        if (k < l) {
            json_t *o = json_loadb(p, l, 0, &je);
            if (!o) {
                llmb_error_set(err, LLMB_E_INVAL, "import '%s': line %zu: not JSON (%s) (not llama-bench -o json/jsonl "
                                                  "output?)", path, line, je.text);
                json_decref(a);
                free(*lines);
                *lines = NULL;
                return NULL;
            }
            if (n == cap) {
                size_t *nl = realloc(*lines, (cap = cap ? 2 * cap : 64) * sizeof *nl);
                if (!nl) {
                    json_decref(o);
                    json_decref(a);
                    llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
                    return NULL;
                }
                *lines = nl;
            }
            (*lines)[n++] = line;
            json_array_append_new(a, o);
        }
        p += l + (p[l] == '\n');
    }
    return a;
}

static char *read_file(const char *path, size_t *len, struct llmb_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        llmb_error_set(err, LLMB_E_IO, "import '%s': %s", path, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size > (off_t)MAX_FILE) {
        llmb_error_set(err, LLMB_E_IO, "import '%s': %s", path,
                       S_ISREG(sb.st_mode) ? "larger than 256 MiB" : "not a regular file");
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    char *t = f ? malloc((size_t)sb.st_size + 1) : NULL;
    size_t got = t ? fread(t, 1, (size_t)sb.st_size, f) : 0;
    int e = errno;
    if (f)
        fclose(f);
    if (!t || got != (size_t)sb.st_size) {
        free(t);
        llmb_error_set(err, LLMB_E_IO, "import '%s': cannot be read: %s", path, strerror(e));
        return NULL;
    }
    t[got] = 0;
    if (memchr(t, 0, got)) {
        free(t);
        llmb_error_set(err, LLMB_E_INVAL, "import '%s': binary data, not llama-bench -o json/jsonl output", path);
        return NULL;
    }
    *len = got;
    return t;
}

/* The model's sha256 when its file is there and is the model measured. */
static void identify(const struct llmb_result *r, char sha[65])
{
    uint64_t bytes = 0;
    sha[0] = 0;
    struct stat sb;
    if (stat(r->model.path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        llmb_store_model_identity(r->model.path, sha, &bytes, NULL) != LLMB_OK || bytes != r->model.model_size)
        sha[0] = 0;
}

int llmb_store_import_llama_bench(const char *path, struct llmb_import *out, struct llmb_error *err)
{
    memset(out, 0, sizeof *out);
    size_t len = 0, *lines = NULL;
    char *text = read_file(path, &len, err);
    if (!text)
        return err ? err->code : LLMB_E_IO;
    int jsonl, rc = LLMB_OK;
    json_t *a = parse(path, text, &lines, &jsonl, err);
    struct llmb_sha256 h;
    llmb_sha256_init(&h);
    llmb_sha256_update(&h, text, len);
    llmb_sha256_final_hex(&h, out->file_sha256);
    free(text);
    if (!a)
        return err ? err->code : LLMB_E_INVAL;
    size_t n = json_array_size(a), total = 0;
    if (n == 0) {
        rc = llmb_error_set(err, LLMB_E_INVAL, "import '%s': holds no results", path);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_object_get(json_array_get(a, i), "samples_ns");
        total += json_is_array(s) ? json_array_size(s) : 0;
    }
    struct storage *st = calloc(1, sizeof *st);
    out->storage = st;
    out->results = calloc(n, sizeof *out->results);
    out->model_sha256 = calloc(n, sizeof *out->model_sha256);
    if (st) {
        st->items = calloc(n, sizeof *st->items);
        st->samples = calloc(4 * total + 1, sizeof *st->samples);
        st->strings.cap = len + 64; /* the strings come from the file: never more than its bytes */
        st->strings.buf = malloc(st->strings.cap);
    }
    if (!st || !st->items || !st->samples || !st->strings.buf || !out->results || !out->model_sha256) {
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        goto done;
    }
    uint64_t *buf = st->samples;
    size_t k = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        struct ctx c = {.path = path, .jsonl = jsonl, .index = i + 1, .line = lines ? lines[i] : 0};
        json_t *o = json_array_get(a, i), *kind = json_object_get(o, "kind");
        if (json_is_string(kind) && strcmp(json_string_value(kind), "speed")) {
            out->n_skipped++; /* an llmbench export's quality result */
            continue;
        }
        rc = convert(&c, o, &out->results[k], &st->strings, buf, err);
        buf += 4 * out->results[k].n_samples;
        if (!rc) {
            identify(&out->results[k], st->items[k].sha);
            out->model_sha256[k] = st->items[k].sha;
            if (k == 0 || strcmp(out->results[k].test_time, out->started_at) < 0)
                snprintf(out->started_at, sizeof out->started_at, "%s", out->results[k].test_time);
            k++;
        }
    }
    out->n = k;
    struct llmb_instance **dup = !rc && k ? malloc(k * sizeof *dup) : NULL;
    for (size_t i = 0; dup && i < k; i++)
        dup[i] = &out->results[i].inst;
    if (!rc && k && (!dup || llmb_instances_number_duplicates(dup, k)))
        rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    free(dup);
    if (!rc && k == 0)
        rc = llmb_error_set(err, LLMB_E_INVAL, "import '%s': holds no speed results (%zu quality results of an "
                            "llmbench export are not imported)", path, out->n_skipped);
    if (rc)
        goto done;
    const struct llmb_model_info *m = &out->results[0].model;
    snprintf(out->build_commit, sizeof out->build_commit, "%s", m->build_commit);
    out->build_number = m->build_number;
    snprintf(out->hw.cpu_name, sizeof out->hw.cpu_name, "%s", m->cpu_info);
    snprintf(out->hw.gpu_info, sizeof out->hw.gpu_info, "%s", m->gpu_info);
    snprintf(out->hw.backends, sizeof out->hw.backends, "%s", m->backends);
done:
    json_decref(a);
    free(lines);
    if (rc)
        llmb_store_import_free(out);
    return rc;
}

void llmb_store_import_free(struct llmb_import *im)
{
    if (!im)
        return;
    struct storage *st = im->storage;
    if (st) {
        free(st->items);
        free(st->samples);
        free(st->strings.buf);
        free(st);
    }
    free(im->results);
    free(im->model_sha256);
    memset(im, 0, sizeof *im);
}
