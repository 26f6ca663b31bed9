/* jvalue.h - values as every JSON, JSON Lines and CSV output carries them,
 * exactly or not at all (docs/outputs.md):
 *  - a number that is NaN or infinite is null, and the object's last member
 *    "nonfinite" names it ("ppl=nan,kld_max=inf"; null when every number is
 *    finite), so no key is ever dropped and CSV columns never shift;
 *  - a string keeps its bytes (CSV and SQL write them as they are); where
 *    they are not valid UTF-8, JSON shows them with U+FFFD for each bad byte
 *    and the object gains "bytes_hex": {"key": "<the exact bytes in hex>"},
 *    from which the bytes come back (import reads it for model_filename). */
#ifndef LLMB_OUTPUT_JVALUE_H
#define LLMB_OUTPUT_JVALUE_H

#include <jansson.h>

#include "llmbench/llmbench.h"

/* A string, its bytes kept (NULL: null). */
json_t *llmb_jstr(const char *s);
/* A number: finite as a real, else a marker llmb_json_finish turns into
 * null named in "nonfinite". */
json_t *llmb_jreal(double v);
/* The same when have, else null (an unknown value: no flag). */
json_t *llmb_jnum(double v, int have);
/* Ends an object built with the above: markers become null, and
 * "nonfinite" is set as the last member. Nested objects and arrays are
 * finished too (their own "nonfinite"). Returns o. */
json_t *llmb_json_finish(json_t *o);
/* Before dumping as JSON: strings that are not UTF-8 become their U+FFFD
 * form and their bytes go to "bytes_hex" in their object. 0, or -1 (memory). */
int llmb_json_escape(json_t *v);
/* "2f746d70..." -> bytes (malloc'd, NUL-terminated); NULL when not hex. */
char *llmb_hex_decode(const char *hex);

#endif
