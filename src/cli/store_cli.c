/* store_cli.c - the flags and helpers shared by results, export, import,
 * compare and recommend (see store_cli.h): one place that maps --model and
 * friends onto a store filter, opens the database and parses sizes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store_cli.h"

void llmb_cli_store_init(struct llmb_cli_store *c)
{
    memset(c, 0, sizeof *c);
    c->lock_wait_s = llmb_store_default_params().lock_wait_s;
}

int llmb_cli_store_opt(struct llmb_cli_store *c, int id, const char *name, const char *val, int *rc,
                       struct llmb_error *err)
{
    static const struct { int id; const char *key; } keys[] = {
        {LLMB_SOPT_RUN, "run"},     {LLMB_SOPT_MODEL, "model"}, {LLMB_SOPT_QUANT, "quant"},
        {LLMB_SOPT_DEVICE, "device"}, {LLMB_SOPT_SINCE, "since"}, {LLMB_SOPT_UNTIL, "until"},
        {LLMB_SOPT_TAG, "tag"},     {LLMB_SOPT_HOST, "host"},   {LLMB_SOPT_BUILD, "build"},
        {LLMB_SOPT_KIND, "kind"},
    };
    if (id == LLMB_SOPT_DB) {
        c->db = val;
        *rc = LLMB_OK;
        return 1;
    }
    if (id == LLMB_SOPT_LOCK_WAIT) {
        c->lock_wait_s = llmb_opt_value(val);
        *rc = LLMB_OK;
        return 1;
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (keys[i].id == id) {
            struct llmb_error e = {0};
            *rc = llmb_store_filter_set(&c->filter, keys[i].key, val, &e);
            if (*rc) /* the message names the filter; say the flag */
                llmb_error_set(err, *rc, "%s: %s", name, strchr(e.msg, ':') ? strchr(e.msg, ':') + 2 : e.msg);
            return 1;
        }
    return 0;
}

int llmb_cli_store_path(const struct llmb_cli_store *c, char *buf, size_t len, struct llmb_error *err)
{
    if (c->db) {
        if (snprintf(buf, len, "%s", c->db) >= (int)len)
            return llmb_error_set(err, LLMB_E_INVAL, "--db: path too long");
        return LLMB_OK;
    }
    return llmb_store_default_path(buf, len, 0, err);
}

int llmb_cli_store_open(const struct llmb_cli_store *c, int readonly, struct llmb_store **out,
                        struct llmb_error *err)
{
    char path[4096];
    const char *p = c->db;
    if (!p) {
        int rc = llmb_store_default_path(path, sizeof path, !readonly, err);
        if (rc)
            return rc;
        p = path;
    }
    struct llmb_store_params sp = llmb_store_default_params();
    sp.flags = readonly ? LLMB_STORE_READONLY | (readonly & LLMB_STORE_NO_CHECK) : 0;
    sp.lock_wait_s = c->lock_wait_s;
    return llmb_store_open(p, &sp, out, err);
}

void llmb_cli_command_line(const char *cmd, int argc, char **argv, char *buf, size_t len)
{
    size_t n = (size_t)snprintf(buf, len, "llmbench %s", cmd);
    for (int i = 0; i < argc && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, " %s", argv[i]);
}
