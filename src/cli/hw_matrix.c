/* hw_matrix.c - `llmbench hw --matrix`: the compatibility matrix from the
 * store's evidence, one row per machine / model / quantization / backends /
 * devices, saying whether it ran, failed (with the last reason) or was
 * refused (did not fit), with the date; markdown or --json. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store_cli.h"
#include "output/table.h"

int llmb_cli_hw_matrix(const struct llmb_cli_store *st, int json, struct llmb_error *err);

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

int llmb_cli_hw_matrix(const struct llmb_cli_store *st, int json, struct llmb_error *err)
{
    struct llmb_store *s;
    int rc = llmb_cli_store_open(st, LLMB_STORE_READONLY, &s, err);
    if (rc)
        return rc;
    struct llmb_store_matrix_row *v = NULL;
    size_t n = 0;
    rc = llmb_store_matrix(s, &v, &n, err);
    llmb_store_close(s);
    if (rc)
        return rc;
    if (json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(
                a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:o,s:s}", "host", v[i].host, "cpu", v[i].cpu,
                             "model", v[i].model, "quant", v[i].quant, "backends", v[i].backends, "devices",
                             v[i].devices, "outcome", v[i].outcome, "n_ran", (json_int_t)v[i].n_ran, "n_failed",
                             (json_int_t)v[i].n_failed, "last_error",
                             v[i].last_error[0] ? json_string(v[i].last_error) : json_null(), "last_at", v[i].last_at));
        char *t = json_dumps(a, JSON_INDENT(2));
        json_decref(a);
        if (t)
            puts(t);
        free(t);
        free(v);
        return t ? LLMB_OK : llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    }
    if (!n) {
        free(v);
        fprintf(stderr, "llmbench: the store holds no tests yet\n");
        return LLMB_OK;
    }
    static const char *const head[] = {"host",    "cpu", "model",  "quant",       "backends",  "devices",
                                       "outcome", "ran", "failed", "last reason", "last (UTC)"};
    struct llmb_table *t = llmb_table_new(11, head, "lllllllrrll");
    for (size_t i = 0; t && i < n; i++) {
        char ran[24], failed[24];
        snprintf(ran, sizeof ran, "%lld", (long long)v[i].n_ran);
        snprintf(failed, sizeof failed, "%lld", (long long)v[i].n_failed);
        const char *row[] = {v[i].host,
                             v[i].cpu,
                             base(v[i].model),
                             v[i].quant[0] ? v[i].quant : "-",
                             v[i].backends[0] ? v[i].backends : "-",
                             v[i].devices[0] ? v[i].devices : "-",
                             v[i].outcome,
                             ran,
                             failed,
                             v[i].last_error[0] ? v[i].last_error : "-",
                             v[i].last_at};
        llmb_table_add(t, row);
    }
    free(v);
    if (!t)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    rc = llmb_table_print(t, stdout) ? llmb_error_set(err, LLMB_E_IO, "cannot write to stdout") : LLMB_OK;
    llmb_table_free(t);
    return rc;
}
