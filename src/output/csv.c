/* csv.c - CSV printer (RFC 4180): the header names every scalar field of
 * the table (result.h), each row their values as llama-bench writes them,
 * every value quoted like llama-bench's; an unknown value is an empty cell
 * (no quotes). Arrays (samples) stay in JSON, as in llama-bench. A number
 * that is NaN or infinite is an empty cell too, named in the last column,
 * "nonfinite" ("avg_ts=nan,stddev_ts=inf"), so no column ever shifts. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "printer.h"

static int scalar(const struct llmb_printer *p, const struct llmb_field *f)
{
    return f->type != LLMB_FIELD_INTS && f->type != LLMB_FIELD_FLOATS && llmb_printer_shows(p, f);
}

static int put_quoted(FILE *f, const char *s)
{
    if (fputc('"', f) == EOF)
        return -1;
    for (; *s; s++)
        if ((*s == '"' && fputc('"', f) == EOF) || fputc(*s, f) == EOF)
            return -1;
    return fputc('"', f) == EOF ? -1 : 0;
}

static int csv_header(struct llmb_printer *p)
{
    size_t n;
    const struct llmb_field *f = llmb_result_fields(&n);
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        if (!scalar(p, &f[i]))
            continue;
        if (fprintf(p->out, "%s%s", first ? "" : ",", f[i].name) < 0)
            return LLMB_E_IO;
        first = 0;
    }
    return fputs(first ? "nonfinite\n" : ",nonfinite\n", p->out) == EOF ? LLMB_E_IO : LLMB_OK;
}

static int csv_row(struct llmb_printer *p, const struct llmb_result *r)
{
    size_t n;
    const struct llmb_field *f = llmb_result_fields(&n);
    int first = 1;
    char flags[1024] = "";
    for (size_t i = 0; i < n; i++) {
        if (!scalar(p, &f[i]))
            continue;
        struct llmb_value v = {0};
        char text[sizeof v.buf + 64];
        f[i].get(r, &v);
        if (v.known && f[i].type == LLMB_FIELD_FLOAT && !isfinite(v.d)) {
            size_t l = strlen(flags);
            snprintf(flags + l, sizeof flags - l, "%s%s=%s", l ? "," : "", f[i].name,
                     isnan(v.d) ? "nan" : v.d > 0 ? "inf" : "-inf");
            v.known = 0;
        }
        llmb_value_text(&f[i], &v, text, sizeof text);
        if ((!first && fputc(',', p->out) == EOF) || (v.known && put_quoted(p->out, text)))
            return LLMB_E_IO;
        first = 0;
    }
    if ((!first && fputc(',', p->out) == EOF) || (flags[0] && put_quoted(p->out, flags)))
        return LLMB_E_IO;
    return fputc('\n', p->out) == EOF ? LLMB_E_IO : LLMB_OK;
}

const struct llmb_printer_ops llmb_printer_csv = {
    .name = "csv", .header = csv_header, .row = csv_row,
};
