/* field_json.c - field values (result.h) as JSON and back, for the
 * printers, the store's extra column and the import of llama-bench files. */
#include <math.h>
#include <string.h>

#include "field_json.h"

json_t *llmb_value_json(const struct llmb_field *f, const struct llmb_result *r, const struct llmb_value *v)
{
    if (f->type == LLMB_FIELD_INTS || f->type == LLMB_FIELD_FLOATS) {
        json_t *a = json_array();
        for (size_t k = 0; a && k < v->n; k++) {
            double x = v->at(r, k);
            json_array_append_new(a, !isfinite(x)                  ? json_null()
                                     : f->type == LLMB_FIELD_INTS ? json_integer((json_int_t)llround(x))
                                                                  : json_real(x));
        }
        return a;
    }
    if (!v->known)
        return json_null();
    switch (f->type) {
    case LLMB_FIELD_STRING: {
        json_t *s = json_string(v->s);
        return s ? s : json_null();
    }
    case LLMB_FIELD_INT: return json_integer((json_int_t)v->i);
    case LLMB_FIELD_BOOL: return json_boolean(v->i);
    default: return isfinite(v->d) ? json_real(v->d) : json_null(); /* printers flag it (jvalue.h) */
    }
}

int llmb_value_from_json(const struct llmb_field *f, json_t *j, struct llmb_value *v)
{
    memset(v, 0, sizeof *v);
    v->known = 1;
    switch (f->type) {
    case LLMB_FIELD_STRING:
        if (!json_is_string(j))
            return -1;
        v->s = json_string_value(j);
        return 0;
    case LLMB_FIELD_INT:
    case LLMB_FIELD_BOOL:
        if (json_is_boolean(j))
            v->i = json_is_true(j);
        else if (json_is_integer(j))
            v->i = (long long)json_integer_value(j);
        else
            return -1;
        return f->type == LLMB_FIELD_BOOL && v->i != 0 && v->i != 1 ? -1 : 0;
    case LLMB_FIELD_FLOAT:
        if (!json_is_number(j) || !isfinite(json_number_value(j)))
            return -1;
        v->d = json_number_value(j);
        return 0;
    default: return -1;
    }
}

json_t *llmb_fields_json(const struct llmb_result *r, int flags)
{
    size_t n;
    const struct llmb_field *f = llmb_result_fields(&n);
    json_t *o = json_object();
    for (size_t i = 0; o && i < n; i++) {
        if (!(f[i].flags & flags))
            continue;
        struct llmb_value v = {0};
        f[i].get(r, &v);
        if (json_object_set_new(o, f[i].name, llmb_value_json(&f[i], r, &v))) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

int llmb_fields_from_json(struct llmb_result *r, json_t *o, int flags, struct llmb_strings *st,
                          const struct llmb_field **bad)
{
    size_t n;
    const struct llmb_field *f = llmb_result_fields(&n);
    for (size_t i = 0; i < n; i++) {
        json_t *j = (f[i].flags & flags) && f[i].set ? json_object_get(o, f[i].name) : NULL;
        struct llmb_value v;
        if (!j || json_is_null(j))
            continue;
        if (llmb_value_from_json(&f[i], j, &v) || f[i].set(r, &v, st)) {
            *bad = &f[i];
            return -1;
        }
    }
    return 0;
}
