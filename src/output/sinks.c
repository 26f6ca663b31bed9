/* sinks.c - one result stream on several printers, see sinks.h. */
#include <string.h>

#include "sinks.h"

int llmb_sinks_add(struct llmb_sinks *k, const char *format, const char *path, FILE *std, struct llmb_error *err)
{
    if (!format || !strcmp(format, "none"))
        return LLMB_OK;
    if (k->n >= LLMB_SINKS_MAX)
        return llmb_error_set(err, LLMB_E_INVAL, "too many outputs (at most %d)", LLMB_SINKS_MAX);
    k->s[k->n++] = (struct llmb_sink){.format = format, .path = path, .std = std};
    return LLMB_OK;
}

int llmb_sinks_open(struct llmb_sinks *k, const struct llmb_instance *plan, size_t n_plan, struct llmb_error *err)
{
    int rc = LLMB_OK;
    struct llmb_printer_params pp = {.plan = plan, .n_plan = n_plan};
    for (int i = 0; i < k->n && !rc; i++) {
        struct llmb_sink *s = &k->s[i];
        FILE *f = s->std;
        if (s->path && !(rc = llmb_atomic_open(&s->af, s->path, err)))
            f = s->af.f;
        if (!rc && !(s->pr = llmb_printer_new(s->format, f, &pp)))
            rc = llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
        if (!rc)
            rc = llmb_printer_header(s->pr);
    }
    if (rc)
        llmb_sinks_close(k, 1, NULL);
    return rc;
}

int llmb_sinks_row(struct llmb_sinks *k, const struct llmb_result *r)
{
    for (int i = 0; i < k->n; i++)
        if (k->s[i].pr && llmb_printer_row(k->s[i].pr, r))
            return LLMB_E_IO;
    k->n_rows++;
    return LLMB_OK;
}

int llmb_sinks_close(struct llmb_sinks *k, int failed, struct llmb_error *err)
{
    int rc = LLMB_OK;
    for (int i = 0; i < k->n; i++) {
        struct llmb_sink *s = &k->s[i];
        if (s->pr && llmb_printer_footer(s->pr) && !rc)
            rc = llmb_error_set(err, LLMB_E_IO, "cannot write %s output", s->format);
        if (s->path) {
            if (!failed && k->n_rows > 0 && s->af.f) {
                int r2 = llmb_atomic_commit(&s->af, rc ? NULL : err);
                rc = rc ? rc : r2;
            }
            llmb_atomic_abort(&s->af);
        }
        llmb_printer_free(s->pr);
        s->pr = NULL;
    }
    return rc;
}
