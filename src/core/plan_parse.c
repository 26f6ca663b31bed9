/* plan_parse.c - bench parameter lists and llama-bench's syntax for them:
 * integer lists with ranges, strings, flash-attention and boolean values,
 * mode names, CPU masks, device sets, tensor splits and buffer-type
 * overrides, each normalised as llama-bench prints it. Owns the memory of
 * the lists in struct llmb_bench_params. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/plan.h"

#define LLMB_MAX_LIST 4096 /* no list may expand beyond this many values */

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

