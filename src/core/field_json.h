/* field_json.h - a field's value (result.h) to and from JSON: what the
 * printers, the store's extra column and the import share. Internal. */
#ifndef LLMB_CORE_FIELD_JSON_H
#define LLMB_CORE_FIELD_JSON_H

#include <jansson.h>

#include "llmbench/result.h"

/* The value as JSON: null when unknown, arrays of samples element by element
 * (NAN elements null). NULL only when out of memory. */
json_t *llmb_value_json(const struct llmb_field *f, const struct llmb_result *r, const struct llmb_value *v);
/* j as a value of f's type into v (known): strings, whole numbers (booleans
 * count as 0/1, as older llama-bench wrote flash_attn), booleans (or 0/1),
 * numbers. -1 when j is not one. Arrays are not read. */
int llmb_value_from_json(const struct llmb_field *f, json_t *j, struct llmb_value *v);
/* The fields of r that flags select, as one object (by name). */
json_t *llmb_fields_json(const struct llmb_result *r, int flags);
/* Sets every field of r that flags select and o holds (by name), through
 * the fields' setters; strings go to st. Returns 0, or -1 with *bad the
 * field at fault. */
int llmb_fields_from_json(struct llmb_result *r, json_t *o, int flags, struct llmb_strings *st,
                          const struct llmb_field **bad);

#endif
