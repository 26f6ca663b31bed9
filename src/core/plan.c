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

int llmb_plan_parse_bools(const char *s, struct llmb_int_list *out, struct llmb_error *err)
{
    struct llmb_str_list l = {0};
    char q[CUT];
    int rc = llmb_plan_parse_strs(s, &l, err);
    for (size_t i = 0; rc == LLMB_OK && i < l.n; i++) {
        if (strcmp(l.v[i], "0") && strcmp(l.v[i], "1"))
            rc = llmb_error_set(err, LLMB_E_INVAL, "'%s' is not 0 or 1", cut(l.v[i], q));
        else
            rc = llmb_int_list_push(out, l.v[i][0] == '1');
    }
    llmb_str_list_free(&l);
    return rc;
}

int llmb_plan_parse_modes(const char *s, int (*parse)(const char *), const char *what, struct llmb_int_list *out,
                          struct llmb_error *err)
{
    struct llmb_str_list l = {0};
    char q[CUT];
    int rc = llmb_plan_parse_strs(s, &l, err);
    for (size_t i = 0; rc == LLMB_OK && i < l.n; i++) {
        int v = parse(l.v[i]);
        rc = v < 0 ? llmb_error_set(err, LLMB_E_INVAL, "'%s' is not %s", cut(l.v[i], q), what)
                   : llmb_int_list_push(out, v);
    }
    llmb_str_list_free(&l);
    return rc;
}

int llmb_plan_parse_counts(const char *s, struct llmb_int_list *out, struct llmb_error *err)
{
    struct llmb_str_list l = {0};
    char q[CUT];
    int rc = llmb_plan_parse_strs(s, &l, err);
    for (size_t i = 0; rc == LLMB_OK && i < l.n; i++) {
        const char *p = l.v[i];
        long v;
        if (read_int(&p, 0, &v) || *p)
            rc = llmb_error_set(err, LLMB_E_INVAL, "'%s' is not a whole number >= 0", cut(l.v[i], q));
        else
            rc = llmb_int_list_push(out, (int)v);
    }
    llmb_str_list_free(&l);
    return rc;
}

int llmb_plan_parse_cpu_masks(const char *s, struct llmb_str_list *out, struct llmb_error *err)
{
    size_t first = out->n;
    char q[CUT];
    int rc = llmb_plan_parse_strs(s, out, err);
    for (size_t i = first; rc == LLMB_OK && i < out->n; i++) {
        const char *m = out->v[i], *h = !strncmp(m, "0x", 2) ? m + 2 : m;
        if (!*h || strspn(h, "0123456789abcdefABCDEF") != strlen(h) || strlen(h) > 128)
            rc = llmb_error_set(err, LLMB_E_INVAL, "'%s' is not a CPU mask (up to 128 hex digits, 0x optional)",
                                cut(m, q));
    }
    return rc;
}

/* s without spaces and tabs at either end, into buf. */
static const char *strip(const char *s, size_t n, char *buf, size_t len)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    snprintf(buf, len, "%.*s", (int)n, s);
    return buf;
}

/* Splits s at commas, keeping empty parts (unlike llmb_plan_parse_strs). */
static int split_commas(const char *s, struct llmb_str_list *parts, struct llmb_error *err)
{
    if (!s)
        return llmb_error_set(err, LLMB_E_INVAL, "empty list");
    for (const char *p = s;;) {
        size_t n = strcspn(p, ",");
        char *part = strndup(p, n);
        if (!part || parts->n >= LLMB_MAX_LIST || llmb_str_list_push(parts, part)) {
            free(part);
            return llmb_error_set(err, parts->n >= LLMB_MAX_LIST ? LLMB_E_INVAL : LLMB_E_NOMEM,
                                  parts->n >= LLMB_MAX_LIST ? "too many values" : "out of memory");
        }
        free(part);
        if (!p[n])
            return LLMB_OK;
        p += n + 1;
    }
}

int llmb_plan_parse_devices(const char *s, struct llmb_str_list *out, struct llmb_error *err)
{
    struct llmb_str_list parts = {0};
    int rc = split_commas(s, &parts, err);
    for (size_t i = 0; rc == LLMB_OK && i < parts.n; i++) {
        char norm[1024] = "", name[256];
        const char *p = parts.v[i];
        strip(p, strlen(p), name, sizeof name);
        if (!name[0]) {
            rc = llmb_error_set(err, LLMB_E_INVAL, "no devices specified");
            break;
        }
        if (strcmp(name, "auto") && strcmp(name, "none")) {
            for (;;) {
                size_t n = strcspn(p, "/");
                strip(p, n, name, sizeof name);
                if (!name[0] || !strcmp(name, "auto") || !strcmp(name, "none")) {
                    rc = llmb_error_set(err, LLMB_E_INVAL, "invalid device specification '%s'", parts.v[i]);
                    break;
                }
                size_t used = strlen(norm);
                snprintf(norm + used, sizeof norm - used, "%s%s", used ? "/" : "", name);
                if (!p[n])
                    break;
                p += n + 1;
            }
        } else {
            snprintf(norm, sizeof norm, "%s", name);
        }
        if (rc == LLMB_OK && llmb_str_list_push(out, norm))
            rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    llmb_str_list_free(&parts);
    return rc;
}

int llmb_tensor_split_values(const char *split, float *v)
{
    for (int i = 0; i < LLMB_MAX_DEVICES; i++)
        v[i] = 0;
    if (!split || !*split)
        return 0;
    int k = 0;
    for (const char *p = split; *p;) {
        size_t n = strcspn(p, "/;");
        if (n) {
            char num[64], *end;
            if (k == LLMB_MAX_DEVICES || n >= sizeof num)
                return -1;
            snprintf(num, sizeof num, "%.*s", (int)n, p);
            errno = 0;
            float f = strtof(num, &end);
            if (end == num || *end || errno || !(f >= 0) || f > 1e30f)
                return -1;
            v[k++] = f;
        }
        p += n;
        p += *p != 0;
    }
    return 0;
}

void llmb_tensor_split_text(const char *split, char *buf, size_t len)
{
    float v[LLMB_MAX_DEVICES];
    int last = 0;
    if (llmb_tensor_split_values(split, v))
        for (int i = 0; i < LLMB_MAX_DEVICES; i++)
            v[i] = 0;
    for (int i = 0; i < LLMB_MAX_DEVICES; i++)
        if (v[i] > 0)
            last = i;
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i <= last && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%.2f", i ? "/" : "", v[i]);
}

int llmb_plan_parse_tensor_splits(const char *s, struct llmb_str_list *out, struct llmb_error *err)
{
    struct llmb_str_list parts = {0};
    char q[CUT];
    int rc = llmb_plan_parse_strs(s, &parts, err);
    for (size_t i = 0; rc == LLMB_OK && i < parts.n; i++) {
        float v[LLMB_MAX_DEVICES];
        char norm[LLMB_MAX_DEVICES * 24] = "";
        if (llmb_tensor_split_values(parts.v[i], v)) {
            rc = llmb_error_set(err, LLMB_E_INVAL, "'%s' is not a tensor split (up to %d proportions >= 0 joined by /)",
                                cut(parts.v[i], q), LLMB_MAX_DEVICES);
            break;
        }
        int last = -1;
        for (int k = 0; k < LLMB_MAX_DEVICES; k++)
            if (v[k] > 0)
                last = k;
        size_t used = 0;
        for (int k = 0; k <= last; k++)
            used += (size_t)snprintf(norm + used, sizeof norm - used, "%s%.9g", k ? "/" : "", v[k]);
        if (llmb_str_list_push(out, norm))
            rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    llmb_str_list_free(&parts);
    return rc;
}

int llmb_plan_parse_overrides(const char *s, struct llmb_str_list *out, struct llmb_error *err)
{
    struct llmb_str_list parts = {0};
    char q[CUT];
    int rc = split_commas(s, &parts, err);
    for (size_t i = 0; rc == LLMB_OK && i < parts.n; i++) {
        const char *g = parts.v[i];
        for (const char *p = g; *p && rc == LLMB_OK;) {
            size_t n = strcspn(p, ";");
            const char *eq = memchr(p, '=', n);
            if (n && (!eq || eq == p || eq == p + n - 1))
                rc = llmb_error_set(err, LLMB_E_INVAL, "'%s' is not pattern=BUFFER_TYPE[;...]", cut(g, q));
            p += n;
            p += *p != 0;
        }
        /* llama-bench keeps "a=X;;b=Y" as two overrides: drop empty ones */
        char *norm = malloc(strlen(g) + 8);
        if (rc == LLMB_OK && !norm)
            rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        if (rc == LLMB_OK) {
            size_t used = 0;
            for (const char *p = g; *p;) {
                size_t n = strcspn(p, ";");
                if (n) {
                    if (used)
                        norm[used++] = ';';
                    memcpy(norm + used, p, n);
                    used += n;
                }
                p += n;
                p += *p != 0;
            }
            norm[used] = 0;
            if (!used)
                strcpy(norm, "none");
            if (llmb_str_list_push(out, norm))
                rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        }
        free(norm);
    }
    llmb_str_list_free(&parts);
    return rc;
}

static const char *const split_names[LLMB_SPLIT_COUNT] = {"layer", "none", "row", "tensor"};
static const char *const load_names[LLMB_LOAD_COUNT] = {"auto", "none", "mmap", "mlock", "mmap+mlock", "dio"};
static const char *const lazy_names[LLMB_LAZY_COUNT] = {"auto", "off", "on"};

static int name_index(const char *const *names, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (!strcmp(names[i], name))
            return i;
    return -1;
}

const char *llmb_split_mode_name(int m) { return m >= 0 && m < LLMB_SPLIT_COUNT ? split_names[m] : "unknown"; }
const char *llmb_load_mode_name(int m) { return m >= 0 && m < LLMB_LOAD_COUNT ? load_names[m] : "unknown"; }
const char *llmb_lazy_mode_name(int m) { return m >= 0 && m < LLMB_LAZY_COUNT ? lazy_names[m] : "unknown"; }
int llmb_split_mode_parse(const char *name) { return name_index(split_names, LLMB_SPLIT_COUNT, name); }
int llmb_load_mode_parse(const char *name) { return name_index(load_names, LLMB_LOAD_COUNT, name); }
int llmb_lazy_mode_parse(const char *name) { return name_index(lazy_names, LLMB_LAZY_COUNT, name); }

void llmb_instance_init(struct llmb_instance *in)
{
    memset(in, 0, sizeof *in);
    in->kind = LLMB_WL_SPEED;
    in->n_gpu_layers = -1;
    in->n_batch = 2048;
    in->n_ubatch = 512;
    in->type_k = in->type_v = "f16";
    in->flash_attn = LLMB_FA_AUTO;
    in->n_prompt = 512;
}

int llmb_instance_poll(const struct llmb_instance *in)
{
    return in->poll > 0 ? in->poll - 1 : LLMB_DEFAULT_POLL;
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
    rc = rc ? rc : default_str(&p->cpu_mask, LLMB_DEFAULT_CPU_MASK);
    rc = rc ? rc : default_int(&p->cpu_strict, 0);
    rc = rc ? rc : default_int(&p->poll, LLMB_DEFAULT_POLL);
    rc = rc ? rc : default_int(&p->n_cpu_moe, 0);
    rc = rc ? rc : default_int(&p->split_mode, LLMB_SPLIT_LAYER);
    rc = rc ? rc : default_int(&p->main_gpu, 0);
    rc = rc ? rc : default_int(&p->no_kv_offload, 0);
    rc = rc ? rc : default_str(&p->devices, LLMB_DEFAULT_DEVICES);
    rc = rc ? rc : default_str(&p->tensor_split, "");
    rc = rc ? rc : default_str(&p->tensor_buft_overrides, "none");
    rc = rc ? rc : default_int(&p->load_mode, LLMB_LOAD_AUTO);
    rc = rc ? rc : default_int(&p->lazy_mode, LLMB_LAZY_AUTO);
    rc = rc ? rc : default_int(&p->embeddings, 0);
    rc = rc ? rc : default_int(&p->no_op_offload, 0);
    rc = rc ? rc : default_int(&p->no_host, 0);
    rc = rc ? rc : default_int(&p->fit_target, 0);
    rc = rc ? rc : default_int(&p->fit_min_ctx, 0);
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
    llmb_str_list_free(&p->cpu_mask);
    llmb_int_list_free(&p->cpu_strict);
    llmb_int_list_free(&p->poll);
    llmb_int_list_free(&p->n_cpu_moe);
    llmb_int_list_free(&p->split_mode);
    llmb_int_list_free(&p->main_gpu);
    llmb_int_list_free(&p->no_kv_offload);
    llmb_str_list_free(&p->devices);
    llmb_str_list_free(&p->tensor_split);
    llmb_str_list_free(&p->tensor_buft_overrides);
    llmb_int_list_free(&p->load_mode);
    llmb_int_list_free(&p->lazy_mode);
    llmb_int_list_free(&p->embeddings);
    llmb_int_list_free(&p->no_op_offload);
    llmb_int_list_free(&p->no_host);
    llmb_int_list_free(&p->fit_target);
    llmb_int_list_free(&p->fit_min_ctx);
}

/* Strings compared as llama-bench would: NULL is the default. */
static int str_eq(const char *a, const char *b, const char *def)
{
    return !strcmp(a ? a : def, b ? b : def);
}

/* Orders identical speed instances together (every parameter, the model
 * path), then by position: the sort behind duplicate numbering. */
static int same_test(const struct llmb_instance *a, const struct llmb_instance *b)
{
    return a->kind == b->kind && str_eq(a->model, b->model, "") && a->n_gpu_layers == b->n_gpu_layers &&
           a->n_batch == b->n_batch && a->n_ubatch == b->n_ubatch && str_eq(a->type_k, b->type_k, "") &&
           str_eq(a->type_v, b->type_v, "") && a->flash_attn == b->flash_attn && a->n_threads == b->n_threads &&
           a->n_depth == b->n_depth && a->n_prompt == b->n_prompt && a->n_gen == b->n_gen &&
           str_eq(a->cpu_mask, b->cpu_mask, LLMB_DEFAULT_CPU_MASK) && a->cpu_strict == b->cpu_strict &&
           llmb_instance_poll(a) == llmb_instance_poll(b) && a->n_cpu_moe == b->n_cpu_moe && a->split_mode == b->split_mode &&
           a->main_gpu == b->main_gpu && a->no_kv_offload == b->no_kv_offload &&
           str_eq(a->devices, b->devices, LLMB_DEFAULT_DEVICES) && str_eq(a->tensor_split, b->tensor_split, "") &&
           str_eq(a->tensor_buft_overrides, b->tensor_buft_overrides, "none") && a->load_mode == b->load_mode &&
           a->lazy_mode == b->lazy_mode && a->embeddings == b->embeddings && a->no_op_offload == b->no_op_offload &&
           a->no_host == b->no_host && a->fit_target == b->fit_target && a->fit_min_ctx == b->fit_min_ctx;
}

/* A 64-bit digest of what same_test compares (equal tests, equal digests). */
static uint64_t test_digest(const struct llmb_instance *in)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%d|%s|%d|%d|%d|%s|%s|%d|%d|%d|%d|%d|%s|%d|%d|%d|%d|%d|%d|%s|%s|%s|%d|%d|%d|%d|%d|%d|%d",
             in->kind, in->model ? in->model : "", in->n_gpu_layers, in->n_batch, in->n_ubatch,
             in->type_k ? in->type_k : "", in->type_v ? in->type_v : "", in->flash_attn, in->n_threads, in->n_depth,
             in->n_prompt, in->n_gen, in->cpu_mask ? in->cpu_mask : LLMB_DEFAULT_CPU_MASK, in->cpu_strict,
             llmb_instance_poll(in),
             in->n_cpu_moe, in->split_mode, in->main_gpu, in->no_kv_offload,
             in->devices ? in->devices : LLMB_DEFAULT_DEVICES, in->tensor_split ? in->tensor_split : "",
             in->tensor_buft_overrides ? in->tensor_buft_overrides : "none", in->load_mode, in->lazy_mode,
             in->embeddings, in->no_op_offload, in->no_host, in->fit_target, in->fit_min_ctx);
    uint64_t h = 14695981039346656037ull; /* FNV-1a 64 */
    for (const char *p = buf; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return h;
}

struct dup_entry {
    uint64_t digest;
    size_t   index;
};

static int dup_cmp(const void *x, const void *y)
{
    const struct dup_entry *a = x, *b = y;
    if (a->digest != b->digest)
        return a->digest < b->digest ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

int llmb_instances_number_duplicates(struct llmb_instance *const *v, size_t n)
{
    struct dup_entry *e = malloc((n ? n : 1) * sizeof *e);
    if (!e)
        return LLMB_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        v[i]->occurrence = 0;
        e[i] = (struct dup_entry){.digest = test_digest(v[i]), .index = i};
    }
    qsort(e, n, sizeof *e, dup_cmp);
    /* within a run of equal digests, each instance counts the earlier equal ones */
    for (size_t i = 0; i < n; i++) {
        if (v[e[i].index]->kind != LLMB_WL_SPEED)
            continue;
        for (size_t j = i; j > 0 && e[j - 1].digest == e[i].digest; j--)
            if (same_test(v[e[j - 1].index], v[e[i].index])) {
                v[e[i].index]->occurrence = v[e[j - 1].index]->occurrence + 1;
                break;
            }
    }
    free(e);
    return LLMB_OK;
}

/* One list of the product: its length, and a loop variable. */
#define LISTS(X)                                                                                                     \
    X(models) X(fit_target) X(fit_min_ctx) X(n_gpu_layers) X(n_cpu_moe) X(split_mode) X(load_mode) X(lazy_mode)      \
    X(main_gpu) X(devices) X(tensor_split) X(tensor_buft_overrides) X(no_host) X(embeddings) X(no_op_offload)       \
    X(n_batch) X(n_ubatch) X(type_k) X(type_v) X(no_kv_offload) X(flash_attn) X(n_threads) X(cpu_mask)              \
    X(cpu_strict) X(n_depth) X(poll)

int llmb_plan_expand(const struct llmb_bench_params *p, struct llmb_instance **out, size_t *n_out,
                     struct llmb_error *err)
{
    size_t tests = p->pg.n / 2;
    for (size_t i = 0; i < p->n_prompt.n; i++)
        tests += p->n_prompt.v[i] > 0;
    for (size_t i = 0; i < p->n_gen.n; i++)
        tests += p->n_gen.v[i] > 0;
    size_t total = tests;
    enum { LIMIT = 100000 };
#define COUNT(l) total = p->l.n && total <= LIMIT ? total * p->l.n : (p->l.n ? LIMIT + 1 : 0);
    LISTS(COUNT)
#undef COUNT
    if (total == 0)
        return llmb_error_set(err, LLMB_E_INVAL, "the test matrix is empty");
    if (total > LIMIT)
        return llmb_error_set(err, LLMB_E_INVAL, "the test matrix has more than %d instances", LIMIT);
    struct llmb_instance *v = calloc(total, sizeof *v);
    struct llmb_instance **ptr = malloc(total * sizeof *ptr);
    if (!v || !ptr) {
        free(v);
        free(ptr);
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    size_t k = 0, idx[32] = {0};
    enum {
#define ENUM(l) I_##l,
        LISTS(ENUM)
#undef ENUM
        I_COUNT
    };
    const size_t len[I_COUNT] = {
#define LEN(l) p->l.n,
        LISTS(LEN)
#undef LEN
    };
    for (;;) {
        struct llmb_instance base;
        llmb_instance_init(&base);
        base.model = p->models.v[idx[I_models]];
        base.fit_target = p->fit_target.v[idx[I_fit_target]];
        base.fit_min_ctx = p->fit_min_ctx.v[idx[I_fit_min_ctx]];
        base.n_gpu_layers = p->n_gpu_layers.v[idx[I_n_gpu_layers]];
        base.n_cpu_moe = p->n_cpu_moe.v[idx[I_n_cpu_moe]];
        base.split_mode = p->split_mode.v[idx[I_split_mode]];
        base.load_mode = p->load_mode.v[idx[I_load_mode]];
        base.lazy_mode = p->lazy_mode.v[idx[I_lazy_mode]];
        base.main_gpu = p->main_gpu.v[idx[I_main_gpu]];
        base.devices = p->devices.v[idx[I_devices]];
        base.tensor_split = p->tensor_split.v[idx[I_tensor_split]];
        base.tensor_buft_overrides = p->tensor_buft_overrides.v[idx[I_tensor_buft_overrides]];
        base.no_host = p->no_host.v[idx[I_no_host]];
        base.embeddings = p->embeddings.v[idx[I_embeddings]];
        base.no_op_offload = p->no_op_offload.v[idx[I_no_op_offload]];
        base.n_batch = p->n_batch.v[idx[I_n_batch]];
        base.n_ubatch = p->n_ubatch.v[idx[I_n_ubatch]];
        base.type_k = p->type_k.v[idx[I_type_k]];
        base.type_v = p->type_v.v[idx[I_type_v]];
        base.no_kv_offload = p->no_kv_offload.v[idx[I_no_kv_offload]];
        base.flash_attn = p->flash_attn.v[idx[I_flash_attn]];
        base.n_threads = p->n_threads.v[idx[I_n_threads]];
        base.cpu_mask = p->cpu_mask.v[idx[I_cpu_mask]];
        base.cpu_strict = p->cpu_strict.v[idx[I_cpu_strict]];
        base.n_depth = p->n_depth.v[idx[I_n_depth]];
        base.poll = p->poll.v[idx[I_poll]] + 1;
        base.n_prompt = 0;
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
        /* next combination: the last list turns fastest */
        int d = I_COUNT - 1;
        while (d >= 0 && ++idx[d] == len[d])
            idx[d--] = 0;
        if (d < 0)
            break;
    }
    for (size_t i = 0; i < k; i++)
        ptr[i] = &v[i];
    int rc = llmb_instances_number_duplicates(ptr, k);
    free(ptr);
    if (rc) {
        free(v);
        return llmb_error_set(err, rc, "out of memory");
    }
    *out = v;
    *n_out = k;
    return LLMB_OK;
}

int llmb_instance_same_model(const struct llmb_instance *a, const struct llmb_instance *b)
{
    return a && b && !strcmp(a->model, b->model) && a->n_gpu_layers == b->n_gpu_layers &&
           a->n_cpu_moe == b->n_cpu_moe && a->split_mode == b->split_mode && a->main_gpu == b->main_gpu &&
           str_eq(a->tensor_split, b->tensor_split, "") && a->load_mode == b->load_mode &&
           a->lazy_mode == b->lazy_mode && str_eq(a->devices, b->devices, LLMB_DEFAULT_DEVICES) &&
           a->no_host == b->no_host && str_eq(a->tensor_buft_overrides, b->tensor_buft_overrides, "none") &&
           !a->fit_target && !a->fit_min_ctx && !b->fit_target && !b->fit_min_ctx;
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
