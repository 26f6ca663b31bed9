/* csv.c - CSV printer (RFC 4180, every value quoted like llama-bench's): the
 * scalar fields of the result object, one row per test instance. */
#include <stdlib.h>
#include <string.h>

#include "printer.h"

static int put_quoted(FILE *f, const char *s)
{
    if (fputc('"', f) == EOF)
        return -1;
    for (; *s; s++)
        if ((*s == '"' && fputc('"', f) == EOF) || fputc(*s, f) == EOF)
            return -1;
    return fputc('"', f) == EOF ? -1 : 0;
}

/* Writes the keys (header) or values of o's scalar members. */
static int put_line(FILE *f, json_t *o, int keys)
{
    const char *k;
    json_t *v;
    int first = 1, rc = 0;
    json_object_foreach(o, k, v) {
        if (json_is_array(v) || json_is_object(v))
            continue;
        if (!first && fputc(',', f) == EOF)
            return LLMB_E_IO;
        first = 0;
        if (keys) {
            rc = fputs(k, f) < 0;
        } else if (json_is_string(v)) {
            rc = put_quoted(f, json_string_value(v));
        } else if (json_is_null(v)) {
            rc = put_quoted(f, "");
        } else {
            char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
            rc = !s || put_quoted(f, s);
            free(s);
        }
        if (rc)
            return LLMB_E_IO;
    }
    return fputc('\n', f) == EOF ? LLMB_E_IO : LLMB_OK;
}

static int csv_header(struct llmb_printer *p)
{
    struct llmb_result empty;
    memset(&empty, 0, sizeof empty);
    json_t *o = llmb_result_json(&empty);
    int rc = o ? put_line(p->out, o, 1) : LLMB_E_NOMEM;
    json_decref(o);
    return rc;
}

static int csv_row(struct llmb_printer *p, const struct llmb_result *r)
{
    json_t *o = llmb_result_json(r);
    int rc = o ? put_line(p->out, o, 0) : LLMB_E_NOMEM;
    json_decref(o);
    return rc;
}

const struct llmb_printer_ops llmb_printer_csv = {
    .name = "csv", .header = csv_header, .row = csv_row,
};
