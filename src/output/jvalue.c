/* jvalue.c - exact values in JSON and CSV (see jvalue.h): non-finite numbers
 * flagged, never dropped; strings kept byte for byte, escaped reversibly
 * where JSON cannot carry them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "jvalue.h"

#define MARK "\001nonfinite"

json_t *llmb_jstr(const char *s)
{
    return s ? json_stringn_nocheck(s, strlen(s)) : json_null();
}

json_t *llmb_jreal(double v)
{
    if (isfinite(v))
        return json_real(v);
    json_t *m = json_object();
    json_object_set_new(m, MARK, json_string(isnan(v) ? "nan" : v > 0 ? "inf" : "-inf"));
    return m;
}

json_t *llmb_jnum(double v, int have)
{
    return have ? llmb_jreal(v) : json_null();
}

static const char *marker(json_t *v)
{
    json_t *m = json_is_object(v) && json_object_size(v) == 1 ? json_object_get(v, MARK) : NULL;
    return m ? json_string_value(m) : NULL;
}

static void note(char *buf, size_t len, const char *key, const char *what)
{
    size_t l = strlen(buf);
    if (l < len)
        snprintf(buf + l, len - l, "%s%s=%s", l ? "," : "", key, what);
}

json_t *llmb_json_finish(json_t *o)
{
    if (!json_is_object(o))
        return o;
    char flags[1024] = "";
    const char *k;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(o, tmp, k, v) {
        const char *m = marker(v);
        if (m) {
            note(flags, sizeof flags, k, m);
            json_object_set_new(o, k, json_null());
        } else if (json_is_array(v)) {
            for (size_t i = 0; i < json_array_size(v); i++) {
                json_t *e = json_array_get(v, i);
                char name[160];
                if ((m = marker(e))) {
                    snprintf(name, sizeof name, "%.120s[%zu]", k, i);
                    note(flags, sizeof flags, name, m);
                    json_array_set_new(v, i, json_null());
                } else if (json_is_object(e)) {
                    llmb_json_finish(e);
                }
            }
        } else if (json_is_object(v) && strcmp(k, "bytes_hex")) {
            llmb_json_finish(v);
        }
    }
    json_object_del(o, "nonfinite"); /* last, whatever came before */
    json_object_set_new(o, "nonfinite", flags[0] ? json_string(flags) : json_null());
    return o;
}

/* s's bytes with every byte that is not part of valid UTF-8 as U+FFFD. */
static char *lossy(const char *s, size_t n)
{
    char *out = malloc(3 * n + 1);
    size_t k = 0, i = 0;
    while (out && i < n) {
        size_t bad;
        if (llmb_utf8_valid(s + i, n - i, &bad))
            bad = n - i;
        memcpy(out + k, s + i, bad);
        k += bad;
        i += bad;
        if (i < n) {
            memcpy(out + k, "\xef\xbf\xbd", 3);
            k += 3;
            i++;
        }
    }
    if (out)
        out[k] = 0;
    return out;
}

static json_t *hex(const char *s, size_t n)
{
    char *h = malloc(2 * n + 1);
    if (!h)
        return NULL;
    for (size_t i = 0; i < n; i++)
        snprintf(h + 2 * i, 3, "%02x", (unsigned char)s[i]);
    h[2 * n] = 0;
    json_t *j = json_string(h);
    free(h);
    return j;
}

/* Escapes the string v (member key of o, or element of an array under key). */
static int escape_string(json_t *o, const char *key, json_t *v, json_t **replacement)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    *replacement = NULL;
    if (llmb_utf8_valid(s, n, NULL))
        return 0;
    char *l = lossy(s, n);
    json_t *raw = json_object_get(o, "bytes_hex"), *h = hex(s, n);
    if (!raw && o) {
        raw = json_object();
        json_object_set_new(o, "bytes_hex", raw);
    }
    if (!l || !h || !raw || json_object_set_new(raw, key, h)) {
        free(l);
        return -1;
    }
    *replacement = json_string(l);
    free(l);
    return *replacement ? 0 : -1;
}

int llmb_json_escape(json_t *v)
{
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if (llmb_json_escape(json_array_get(v, i)))
                return -1;
        return 0;
    }
    if (!json_is_object(v))
        return 0;
    const char *k;
    json_t *x;
    void *tmp;
    json_object_foreach_safe(v, tmp, k, x) {
        json_t *r;
        if (json_is_string(x)) {
            if (escape_string(v, k, x, &r))
                return -1;
            if (r)
                json_object_set_new(v, k, r);
        } else if (json_is_array(x)) {
            for (size_t i = 0; i < json_array_size(x); i++) {
                json_t *e = json_array_get(x, i);
                char name[160];
                snprintf(name, sizeof name, "%.120s[%zu]", k, i);
                if (json_is_string(e)) {
                    if (escape_string(v, name, e, &r))
                        return -1;
                    if (r)
                        json_array_set_new(x, i, r);
                } else if (llmb_json_escape(e)) {
                    return -1;
                }
            }
        } else if (json_is_object(x) && strcmp(k, "bytes_hex") && llmb_json_escape(x)) {
            return -1;
        }
    }
    return 0;
}

char *llmb_hex_decode(const char *h)
{
    size_t n = h ? strlen(h) : 1;
    if (n % 2)
        return NULL;
    char *out = malloc(n / 2 + 1);
    for (size_t i = 0; out && i < n / 2; i++) {
        unsigned v;
        if (sscanf(h + 2 * i, "%2x", &v) != 1) {
            free(out);
            return NULL;
        }
        out[i] = (char)v;
    }
    if (out)
        out[n / 2] = 0;
    return out;
}
