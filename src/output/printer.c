/* printer.c - printer lifecycle and the format registry. */
#include <stdlib.h>
#include <string.h>

#include "printer.h"

static const struct llmb_printer_ops *const formats[] = {
    &llmb_printer_md, &llmb_printer_csv, &llmb_printer_json, &llmb_printer_jsonl, &llmb_printer_sql, NULL,
};

static const struct llmb_printer_ops *find(const char *name)
{
    if (!name)
        return NULL;
    for (int i = 0; formats[i]; i++)
        if (!strcmp(formats[i]->name, name))
            return formats[i];
    return NULL;
}

int llmb_output_format_known(const char *format)
{
    return find(format) != NULL;
}

const char *llmb_output_formats(void)
{
    return "md, csv, json, jsonl, sql";
}

int llmb_printer_shows(const struct llmb_printer *p, const struct llmb_field *f)
{
    return !(f->flags & LLMB_FIELD_ORIGIN) || p->params.origin;
}

struct llmb_printer *llmb_printer_new(const char *format, FILE *out, const struct llmb_printer_params *params)
{
    const struct llmb_printer_ops *ops = find(format);
    if (!ops)
        return NULL;
    struct llmb_printer *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->ops = ops;
    p->out = out;
    if (params)
        p->params = *params;
    if (ops->state_size && !(p->state = calloc(1, ops->state_size))) {
        free(p);
        return NULL;
    }
    return p;
}

static int flushed(struct llmb_printer *p, int rc)
{
    if (rc == 0 && (fflush(p->out) != 0 || ferror(p->out)))
        rc = LLMB_E_IO;
    return rc;
}

int llmb_printer_header(struct llmb_printer *p)
{
    return flushed(p, p->ops->header ? p->ops->header(p) : 0);
}

int llmb_printer_row(struct llmb_printer *p, const struct llmb_result *r)
{
    int rc = p->ops->row(p, r);
    p->rows++;
    return flushed(p, rc);
}

int llmb_printer_footer(struct llmb_printer *p)
{
    return flushed(p, p->ops->footer ? p->ops->footer(p) : 0);
}

void llmb_printer_free(struct llmb_printer *p)
{
    if (!p)
        return;
    if (p->ops->release && p->state)
        p->ops->release(p);
    free(p->state);
    free(p);
}
