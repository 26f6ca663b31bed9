/* json.c - JSON (one array of objects, like llama-bench -o json) and JSON
 * Lines (one object per line) printers. Each row is written whole and
 * flushed, so a reader sees complete objects only. */
#include <stdlib.h>

#include "jvalue.h"
#include "printer.h"

#define DUMP_FLAGS (JSON_REAL_PRECISION(12) | JSON_ENSURE_ASCII)

static int emit(struct llmb_printer *p, const struct llmb_result *r, size_t flags, const char *pre,
                const char *post)
{
    json_t *o = llmb_result_json(r, p->params.origin);
    char *s = o && !llmb_json_escape(o) ? json_dumps(o, flags) : NULL;
    json_decref(o);
    if (!s)
        return LLMB_E_NOMEM;
    int ok = fprintf(p->out, "%s%s%s", pre, s, post) >= 0;
    free(s);
    return ok ? LLMB_OK : LLMB_E_IO;
}

static int json_header(struct llmb_printer *p)
{
    return fputs("[\n", p->out) >= 0 ? LLMB_OK : LLMB_E_IO;
}

static int json_row(struct llmb_printer *p, const struct llmb_result *r)
{
    return emit(p, r, DUMP_FLAGS | JSON_INDENT(2), p->rows ? ",\n" : "", "");
}

static int json_footer(struct llmb_printer *p)
{
    return fputs(p->rows ? "\n]\n" : "]\n", p->out) >= 0 ? LLMB_OK : LLMB_E_IO;
}

static int jsonl_row(struct llmb_printer *p, const struct llmb_result *r)
{
    return emit(p, r, DUMP_FLAGS | JSON_COMPACT, "", "\n");
}

const struct llmb_printer_ops llmb_printer_json = {
    .name = "json", .header = json_header, .row = json_row, .footer = json_footer,
};

const struct llmb_printer_ops llmb_printer_jsonl = {
    .name = "jsonl", .row = jsonl_row,
};
