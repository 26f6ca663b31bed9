/* filter.c - selections of stored results: one field set by name (the
 * commands' --model/--tag/... flags) or a whole expression ("12",
 * "tag=baseline,model=7b") as compare takes for A and B. Values are checked
 * here, so a bad date fails before any database is opened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llmbench/store.h"

/* "2024-05-01", "2024-05-01T10:30", "2024-05-01 10:30:15Z" -> full RFC 3339.
 * end: a bare date means its last second (an --until date includes the day). */
static int norm_date(const char *v, int end, char *out, size_t len)
{
    int Y, M, D, h = 0, m = 0, s = 0, used = 0, have_time = 0, have_sec = 0;
    if (sscanf(v, "%4d-%2d-%2d%n", &Y, &M, &D, &used) != 3 || used != 10)
        return -1;
    const char *p = v + used;
    if (*p == 'T' || *p == ' ') {
        if (sscanf(p + 1, "%2d:%2d%n", &h, &m, &used) != 2 || used != 5)
            return -1;
        p += 1 + used;
        have_time = 1;
        if (*p == ':') {
            if (sscanf(p + 1, "%2d%n", &s, &used) != 1 || used != 2)
                return -1;
            p += 1 + used;
            have_sec = 1;
        }
    }
    if (*p == 'Z')
        p++;
    if (*p || M < 1 || M > 12 || D < 1 || D > 31 || h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60)
        return -1;
    if (end && !have_time) {
        h = 23;
        m = 59;
    }
    if (end && !have_sec)
        s = 59;
    snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", Y, M, D, h, m, s);
    return 0;
}

static int copy(char *dst, size_t len, const char *key, const char *v, struct llmb_error *err)
{
    if (strlen(v) >= len)
        return llmb_error_set(err, LLMB_E_INVAL, "%s: '%s' is too long", key, v);
    snprintf(dst, len, "%s", v);
    return LLMB_OK;
}

int llmb_store_filter_set(struct llmb_store_filter *f, const char *key, const char *v, struct llmb_error *err)
{
    if (!strcmp(key, "run")) {
        char *end;
        long long id = strtoll(v, &end, 10);
        if (end == v || *end || id < 1)
            return llmb_error_set(err, LLMB_E_INVAL, "run: '%s' is not a run id (a whole number from 1)", v);
        f->run_id = id;
        return LLMB_OK;
    }
    if (!strcmp(key, "since") || !strcmp(key, "until")) {
        int end = key[0] == 'u';
        if (norm_date(v, end, end ? f->until : f->since, sizeof f->since))
            return llmb_error_set(err, LLMB_E_INVAL,
                                  "%s: '%s' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z], UTC)", key, v);
        return LLMB_OK;
    }
    if (!strcmp(key, "kind")) {
        if (llmb_workload_kind_parse(v) < 0)
            return llmb_error_set(err, LLMB_E_INVAL, "kind: '%s' is not a workload kind (speed, ppl, kld, suite, load)",
                                  v);
        return copy(f->kind, sizeof f->kind, key, v, err);
    }
    const struct {
        const char *name;
        char *dst;
        size_t len;
    } fields[] = {
        {"model", f->model, sizeof f->model},    {"quant", f->quant, sizeof f->quant},
        {"device", f->device, sizeof f->device}, {"tag", f->tag, sizeof f->tag},
        {"host", f->host, sizeof f->host},       {"build", f->build, sizeof f->build},
        {"plan", f->plan, sizeof f->plan},       {"key", f->key, sizeof f->key},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!strcmp(key, fields[i].name))
            return copy(fields[i].dst, fields[i].len, key, v, err);
    return llmb_error_set(
        err, LLMB_E_INVAL,
        "unknown filter '%s' (run, model, quant, device, since, until, tag, host, build, plan, kind, key)", key);
}

int llmb_store_filter_parse(struct llmb_store_filter *f, const char *expr, struct llmb_error *err)
{
    memset(f, 0, sizeof *f);
    if (!expr || !*expr)
        return llmb_error_set(err, LLMB_E_INVAL, "empty selection (a run id or key=value[,key=value])");
    if (!strchr(expr, '='))
        return llmb_store_filter_set(f, "run", expr, err);
    char buf[1024];
    if (strlen(expr) >= sizeof buf)
        return llmb_error_set(err, LLMB_E_INVAL, "selection too long: '%s'", expr);
    snprintf(buf, sizeof buf, "%s", expr);
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq || eq == item)
            return llmb_error_set(err, LLMB_E_INVAL, "selection '%s': '%s' is not key=value", expr, item);
        *eq = 0;
        int rc = llmb_store_filter_set(f, item, eq + 1, err);
        if (rc)
            return rc;
    }
    return LLMB_OK;
}
