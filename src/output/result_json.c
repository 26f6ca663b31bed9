/* result_json.c - a result as one flat JSON object, built from the field
 * table (result.h) in its order: llama-bench's fields first, with its names
 * and meaning, so its tools read ours; then llmbench's. JSON, JSON Lines,
 * the events stream and export all print this object. */
#include <math.h>
#include <stdio.h>

#include "core/field_json.h"
#include "llmbench/llmbench.h"
#include "jvalue.h"
#include "printer.h"

json_t *llmb_result_json(const struct llmb_result *r, int origin)
{
    if (r->inst.kind != LLMB_WL_SPEED && r->inst.kind != LLMB_WL_LOAD) /* load: the field table's figures */
        return llmb_quality_result_json(r);
    size_t n;
    const struct llmb_field *f = llmb_result_fields(&n);
    json_t *o = json_object();
    for (size_t i = 0; o && i < n; i++) {
        if ((f[i].flags & LLMB_FIELD_ORIGIN) && !origin)
            continue;
        struct llmb_value v = {0};
        f[i].get(r, &v);
        /* exact values (jvalue.h): a string's bytes kept, a non-finite number flagged */
        json_t *j = !v.known                                      ? llmb_value_json(&f[i], r, &v)
                    : f[i].type == LLMB_FIELD_STRING              ? llmb_jstr(v.s)
                    : f[i].type == LLMB_FIELD_FLOAT && !isfinite(v.d) ? llmb_jreal(v.d)
                                                                  : llmb_value_json(&f[i], r, &v);
        if (json_object_set_new(o, f[i].name, j)) {
            json_decref(o);
            return NULL;
        }
    }
    return llmb_json_finish(o);
}
