/* sqlite_hw.c - what `llmbench hw` keeps and asks of the SQLite store: the
 * machine's measured memory bandwidth (table bandwidth, migration 6) and the
 * compatibility matrix, built from the stored test instances (which model,
 * quantization, backends and devices ran, failed or were refused, where and
 * when). */
#define _GNU_SOURCE /* strcasestr */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llmbench/bandwidth.h"
#include "llmbench/probe.h"
#include "sqlite_int.h"

static void this_host(char *buf, size_t len)
{
    if (gethostname(buf, len) != 0)
        buf[0] = 0;
    buf[len - 1] = 0;
}

int llmb_store_sqlite_put_bandwidth(void *state, const char *host, const struct llmb_bw_result *r,
                                    struct llmb_error *err)
{
    struct llmb_sqlite *s = state;
    char h[128], cpu[256];
    if (host)
        snprintf(h, sizeof h, "%s", host);
    else
        this_host(h, sizeof h);
    llmb_probe_cpu_name(cpu, sizeof cpu);
    int rc = llmb_store_sqlite_exec(s,
                                    "INSERT INTO bandwidth(host, cpu_name, measured_at, threads, array_bytes, reps,"
                                    " read_gbs, copy_gbs, triad_gbs, llmbench_version) VALUES (?,?,?,?,?,?,?,?,?,?)",
                                    "sssiIiddds", h, cpu, r->measured_at, r->threads, (int64_t)r->array_bytes, r->reps,
                                    r->read_gbs, r->copy_gbs, r->triad_gbs, LLMB_VERSION);
    return rc == SQLITE_OK || rc == SQLITE_DONE ? LLMB_OK : llmb_store_sqlite_err(s, rc, "storing the bandwidth", err);
}

int llmb_store_sqlite_get_bandwidth(void *state, const char *host, struct llmb_bw_result *r, int *found,
                                    struct llmb_error *err)
{
    struct llmb_sqlite *s = state;
    char h[128];
    *found = 0;
    if (s->version < 6) /* an older database (read-only: not upgraded) has none */
        return LLMB_OK;
    if (host)
        snprintf(h, sizeof h, "%s", host);
    else
        this_host(h, sizeof h);
    sqlite3_stmt *st;
    int rc = llmb_store_sqlite_prep(s, &st,
                                    "SELECT measured_at, threads, array_bytes, reps, read_gbs, copy_gbs, triad_gbs"
                                    " FROM bandwidth WHERE host = ? ORDER BY measured_at DESC, id DESC LIMIT 1",
                                    "s", h);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(r, 0, sizeof *r);
        llmb_store_sqlite_text(st, 0, r->measured_at, sizeof r->measured_at);
        r->threads = sqlite3_column_int(st, 1);
        r->array_bytes = (uint64_t)sqlite3_column_int64(st, 2);
        r->reps = sqlite3_column_int(st, 3);
        r->read_gbs = sqlite3_column_double(st, 4);
        r->copy_gbs = sqlite3_column_double(st, 5);
        r->triad_gbs = sqlite3_column_double(st, 6);
        *found = 1;
        rc = SQLITE_DONE;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? LLMB_OK : llmb_store_sqlite_err(s, rc, "reading the bandwidth", err);
}

/* A failure that says the model did not fit is a refusal. */
static int refusal(const char *e)
{
    static const char *const words[] = {"does not fit",       "not enough memory", "out of memory",
                                        "failed to allocate", "cannot allocate",   "too large for"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcasestr(e, words[i]))
            return 1;
    return 0;
}

int llmb_store_sqlite_matrix(void *state, struct llmb_store_matrix_row **out, size_t *n, struct llmb_error *err)
{
    struct llmb_sqlite *s = state;
    sqlite3_stmt *st;
    *out = NULL;
    *n = 0;
    int rc = llmb_store_sqlite_prep(
        s, &st,
        "SELECT r.host, COALESCE(h.cpu_name, ''), m.path, m.quant, c.backends, c.devices, ti.status,"
        " COALESCE(ti.error, ''), ti.test_time"
        " FROM test_instances ti JOIN runs r ON r.id = ti.run_id LEFT JOIN hardware h ON h.run_id = r.id"
        " JOIN models m ON m.id = ti.model_id JOIN configurations c ON c.id = ti.config_id"
        " ORDER BY r.host, 2, m.path, m.quant, c.backends, c.devices, ti.test_time, ti.id",
        "");
    struct llmb_store_matrix_row *v = NULL, cur;
    size_t cap = 0;
    while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&cur, 0, sizeof cur);
        llmb_store_sqlite_text(st, 0, cur.host, sizeof cur.host);
        llmb_store_sqlite_text(st, 1, cur.cpu, sizeof cur.cpu);
        llmb_store_sqlite_text(st, 2, cur.model, sizeof cur.model);
        llmb_store_sqlite_text(st, 3, cur.quant, sizeof cur.quant);
        llmb_store_sqlite_text(st, 4, cur.backends, sizeof cur.backends);
        llmb_store_sqlite_text(st, 5, cur.devices, sizeof cur.devices);
        char status[16], error[256];
        llmb_store_sqlite_text(st, 6, status, sizeof status);
        llmb_store_sqlite_text(st, 7, error, sizeof error);
        llmb_store_sqlite_text(st, 8, cur.last_at, sizeof cur.last_at);
        struct llmb_store_matrix_row *last = *n ? &v[*n - 1] : NULL;
        if (!last || strcmp(last->host, cur.host) || strcmp(last->cpu, cur.cpu) || strcmp(last->model, cur.model) ||
            strcmp(last->quant, cur.quant) || strcmp(last->backends, cur.backends) ||
            strcmp(last->devices, cur.devices)) {
            if (*n == cap) {
                size_t nc = cap ? cap * 2 : 16;
                void *p = realloc(v, nc * sizeof *v);
                if (!p) {
                    rc = SQLITE_NOMEM;
                    break;
                }
                v = p;
                cap = nc;
            }
            v[(*n)++] = cur;
            last = &v[*n - 1];
        }
        int ok = !strcmp(status, "complete");
        last->n_ran += ok;
        last->n_failed += !ok;
        snprintf(last->last_at, sizeof last->last_at, "%s", cur.last_at);
        if (!ok)
            snprintf(last->last_error, sizeof last->last_error, "%s", error);
        snprintf(last->outcome, sizeof last->outcome, "%s", ok ? "ran" : refusal(error) ? "refused" : "failed");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(v);
        *n = 0;
        return llmb_store_sqlite_err(s, rc, "reading the compatibility matrix", err);
    }
    *out = v;
    return LLMB_OK;
}
