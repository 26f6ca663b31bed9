/* sqlite.c - the SQLite store backend: opening (create, migrate, refuse what
 * it must not touch), runs, and one-transaction writes of finished test
 * instances. Reads live in sqlite_query.c, the schema in schema.c.
 *
 * Opening never changes a file it refuses: a newer schema, a foreign or
 * corrupted file and a read-only file are recognised from their header before
 * WAL mode or any migration is applied. Every write takes the write lock up
 * front (BEGIN IMMEDIATE), waiting at most lock_wait_s for another process. */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/field_json.h"
#include "schema.h"
#include "sqlite_int.h"
#include "store_int.h"

#ifndef LLMB_LLAMA_COMMIT
#define LLMB_LLAMA_COMMIT "unknown"
#endif
#ifndef LLMB_LLAMA_BUILD_NUMBER
#define LLMB_LLAMA_BUILD_NUMBER 0
#endif

/* ---- helpers -------------------------------------------------------------- */

int llmb_store_sqlite_err(struct llmb_sqlite *s, int rc, const char *what, struct llmb_error *err)
{
    const char *m = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    const char *p = s->path;
    int sys = s->db ? sqlite3_system_errno(s->db) : 0;
    if ((rc & 0xff) == SQLITE_IOERR && (sys == ENOSPC || sys == EDQUOT)) /* SQLite says "disk I/O error" */
        rc = SQLITE_FULL;
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return llmb_error_set(err, LLMB_E_IO,
                              "results database '%s' is locked by another process (waited %.1f s during %s); "
                              "try again when it is done, or choose another --db",
                              p, s->lock_wait_s, what);
    case SQLITE_READONLY:
        return llmb_error_set(err, LLMB_E_IO,
                              "results database '%s' cannot be written (%s): the file or its folder is read-only",
                              p, m);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return llmb_error_set(err, LLMB_E_IO,
                              "results database '%s' is corrupted or not a database (%s); it was left untouched", p,
                              m);
    case SQLITE_FULL:
        return llmb_error_set(err, LLMB_E_IO, "results database '%s': disk full during %s (%s)", p, what,
                              llmb_errno_text(sys == EDQUOT ? EDQUOT : ENOSPC));
    case SQLITE_CANTOPEN:
        return llmb_error_set(err, LLMB_E_IO, "cannot open results database '%s': %s", p, m);
    default:
        return llmb_error_set(err, LLMB_E_IO, "results database '%s': %s failed: %s", p, what, m);
    }
}

static int vbind(sqlite3_stmt *st, const char *fmt, va_list ap)
{
    int rc = SQLITE_OK;
    for (int i = 1; fmt && *fmt && rc == SQLITE_OK; fmt++, i++) {
        switch (*fmt) {
        case 'i': rc = sqlite3_bind_int(st, i, va_arg(ap, int)); break;
        case 'I': rc = sqlite3_bind_int64(st, i, (sqlite3_int64)va_arg(ap, int64_t)); break;
        case 'd': rc = sqlite3_bind_double(st, i, va_arg(ap, double)); break;
        case 'D': { /* NAN binds NULL */
            double v = va_arg(ap, double);
            rc = isnan(v) ? sqlite3_bind_null(st, i) : sqlite3_bind_double(st, i, v);
            break;
        }
        case 's': {
            const char *v = va_arg(ap, const char *);
            rc = v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
            break;
        }
        default: rc = SQLITE_MISUSE;
        }
    }
    return rc;
}

static int vprep(struct llmb_sqlite *s, sqlite3_stmt **st, const char *sql, const char *fmt, va_list ap)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    if (rc == SQLITE_OK && (rc = vbind(*st, fmt, ap)) != SQLITE_OK) {
        sqlite3_finalize(*st);
        *st = NULL;
    }
    return rc;
}

int llmb_store_sqlite_prep(struct llmb_sqlite *s, sqlite3_stmt **st, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vprep(s, st, sql, fmt, ap);
    va_end(ap);
    return rc;
}

/* Steps st to its end and finalizes it; *first (when not NULL) gets column
 * 0 of the first row, 0 when there is none. Returns an SQLite code. */
static int step_all(sqlite3_stmt *st, int rc, int64_t *first)
{
    if (first)
        *first = 0;
    if (rc == SQLITE_OK) {
        int row = 0;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            if (first && !row++)
                *first = sqlite3_column_int64(st, 0);
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

int llmb_store_sqlite_exec(struct llmb_sqlite *s, const char *sql, const char *fmt, ...)
{
    sqlite3_stmt *st = NULL;
    va_list ap;
    va_start(ap, fmt);
    int rc = vprep(s, &st, sql, fmt, ap);
    va_end(ap);
    return step_all(st, rc, NULL);
}

void llmb_store_sqlite_text(sqlite3_stmt *st, int i, char *buf, size_t len)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(buf, len, "%s", t ? (const char *)t : "");
}

/* Prepares sql with args and runs it: *id gets column 0 of the first row
 * (0 when there is none). For RETURNING id and single-value SELECTs. */
static int query_id(struct llmb_sqlite *s, int64_t *id, const char *sql, const char *fmt, ...)
{
    sqlite3_stmt *st = NULL;
    va_list ap;
    va_start(ap, fmt);
    int rc = vprep(s, &st, sql, fmt, ap);
    va_end(ap);
    return step_all(st, rc, id);
}

static int pragma_int(struct llmb_sqlite *s, const char *sql, int *out)
{
    int64_t v;
    int rc = query_id(s, &v, sql, NULL);
    *out = (int)v;
    return rc;
}

/* ---- transactions --------------------------------------------------------- */

static int tx_begin(struct llmb_sqlite *s, const char *what, struct llmb_error *err)
{
    if (s->readonly)
        return llmb_error_set(err, LLMB_E_INVAL, "results database '%s' was opened read-only", s->path);
    int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    return rc == SQLITE_OK ? LLMB_OK : llmb_store_sqlite_err(s, rc, what, err);
}

/* Commits when rc is LLMB_OK, else rolls back; returns the first failure. */
static int tx_end(struct llmb_sqlite *s, int rc, const char *what, struct llmb_error *err)
{
    if (rc == LLMB_OK) {
        int src = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
        if (src == SQLITE_OK)
            return LLMB_OK;
        rc = llmb_store_sqlite_err(s, src, what, err);
    }
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Ends a write transaction begun by tx_begin: src is the SQLite outcome of
 * the work, rc an llmb failure already set (or LLMB_OK). */
static int finish(struct llmb_sqlite *s, int rc, int src, const char *what, struct llmb_error *err)
{
    if (rc == LLMB_OK && src != SQLITE_OK)
        rc = llmb_store_sqlite_err(s, src, what, err);
    return tx_end(s, rc, what, err);
}

/* ---- open / close --------------------------------------------------------- */

/* Checks the header: an llmbench store (or an empty file) of a schema this
 * build knows. Reads only. */
static int check_header(struct llmb_sqlite *s, struct llmb_error *err)
{
    int app = 0, objects = 0;
    if (!s->db)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory opening '%s'", s->path);
    int rc = pragma_int(s, "PRAGMA application_id", &app);
    if (rc == SQLITE_OK)
        rc = pragma_int(s, "PRAGMA user_version", &s->version);
    if (rc == SQLITE_OK)
        rc = pragma_int(s, "SELECT count(*) FROM sqlite_master", &objects);
    if (rc != SQLITE_OK)
        return llmb_store_sqlite_err(s, rc, "reading the header", err);
    if ((app != 0 && app != LLMB_STORE_APP_ID) || (app == 0 && (objects > 0 || s->version != 0)))
        return llmb_error_set(err, LLMB_E_IO,
                              "'%s' is an SQLite database but not an llmbench results store; it was left untouched",
                              s->path);
    if (s->version > llmb_store_schema_latest())
        return llmb_error_set(err, LLMB_E_IO,
                              "results database '%s' has schema version %d, newer than this llmbench knows (%d): "
                              "use a newer llmbench or another --db; the file was not changed",
                              s->path, s->version, llmb_store_schema_latest());
    return LLMB_OK;
}

static int migrate(struct llmb_sqlite *s, struct llmb_error *err)
{
    int rc = tx_begin(s, "upgrading the schema", err);
    if (rc)
        return rc;
    const char *what = "upgrading the schema";
    int v = 0, src = pragma_int(s, "PRAGMA user_version", &v); /* another process may have done it */
    if (src == SQLITE_OK && v < llmb_store_schema_latest())
        src = llmb_store_schema_migrate(s->db, v, llmb_store_schema_latest(), &what);
    if (src != SQLITE_OK)
        rc = llmb_store_sqlite_err(s, src, what, err);
    rc = tx_end(s, rc, what, err);
    if (rc == LLMB_OK)
        s->version = llmb_store_schema_latest();
    return rc;
}

/* What the file system says before SQLite opens anything. */
static int check_path(const char *path, int readonly, struct llmb_error *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0) {
        if (!S_ISREG(sb.st_mode))
            return llmb_error_set(err, LLMB_E_IO, "results database '%s' is not a regular file", path);
        if (access(path, readonly ? R_OK : R_OK | W_OK) != 0)
            return llmb_error_set(err, LLMB_E_IO, "results database '%s' cannot be %s: %s", path,
                                  readonly ? "read" : "written", strerror(errno));
        return LLMB_OK;
    }
    if (readonly)
        return llmb_error_set(err, LLMB_E_IO,
                              "no results database at '%s' (llmbench bench or llmbench import create one)", path);
    char d[4096];
    snprintf(d, sizeof d, "%s", path);
    if (stat(dirname(d), &sb) != 0 || !S_ISDIR(sb.st_mode))
        return llmb_error_set(err, LLMB_E_IO, "cannot create results database '%s': %s", path,
                              errno ? strerror(errno) : "not a directory");
    return LLMB_OK;
}

/* Read-only access to a WAL database needs its -shm file; where that cannot
 * be created (a read-only folder) and no -wal file holds newer pages, the
 * file is opened as immutable instead. */
static void open_immutable(struct llmb_sqlite *s)
{
    char wal[4200], uri[13000];
    struct stat sb;
    snprintf(wal, sizeof wal, "%s-wal", s->path);
    if (stat(wal, &sb) == 0 && sb.st_size > 0)
        return;
    size_t n = (size_t)snprintf(uri, sizeof uri, "file:");
    for (const unsigned char *c = (const unsigned char *)s->path; *c && n + 4 < sizeof uri; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("/._-~", *c))
            uri[n++] = (char)*c;
        else
            n += (size_t)snprintf(uri + n, sizeof uri - n, "%%%02X", *c);
    }
    snprintf(uri + n, sizeof uri - n, "?immutable=1");
    sqlite3_close(s->db);
    s->db = NULL;
    sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL); /* failures show in the check */
    if (s->db)
        sqlite3_extended_result_codes(s->db, 1);
}

/* ---- run locks -------------------------------------------------------------- */

/* "<db>.lock": a writer creates it, a reader only opens it when it exists. */
static void open_run_lock(struct llmb_sqlite *s)
{
    char p[4200];
    snprintf(p, sizeof p, "%s.lock", s->path);
    s->run_lock_fd = s->readonly ? open(p, O_RDONLY | O_CLOEXEC) : open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (s->run_lock_fd < 0 && !s->readonly)
        s->run_lock_fd = open(p, O_RDONLY | O_CLOEXEC);
}

static int run_lock(struct llmb_sqlite *s, int64_t id, short type, int cmd)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = (off_t)id, .l_len = 1, .l_pid = 0};
    if (s->run_lock_fd < 0)
        return -1;
    if (fcntl(s->run_lock_fd, cmd, &fl) != 0)
        return -1;
    return cmd == F_OFD_GETLK ? fl.l_type != F_UNLCK : 0;
}

int llmb_store_sqlite_run_live(struct llmb_sqlite *s, int64_t id, const char *host, long pid)
{
    int held = run_lock(s, id, F_WRLCK, F_OFD_GETLK);
    if (held >= 0)
        return held;
    char me[128];
    if (gethostname(me, sizeof me) != 0)
        me[0] = 0;
    me[sizeof me - 1] = 0;
    return !strcmp(host, me) && pid > 0 && pid != getpid() && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

static void sq_close(void *state)
{
    struct llmb_sqlite *s = state;
    if (!s)
        return;
    sqlite3_close(s->db);
    if (s->run_lock_fd >= 0)
        close(s->run_lock_fd);
    free(s);
}

/* PRAGMA quick_check / integrity_check: "ok", or the problems one per line. */
static int sq_check(void *state, int full, int *ok, char **report, struct llmb_error *err)
{
    struct llmb_sqlite *s = state;
    sqlite3_stmt *st = NULL;
    size_t len = 0, cap = 256;
    char *out = malloc(cap);
    *ok = 0;
    *report = NULL;
    if (!out)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    out[0] = 0;
    int rc = sqlite3_prepare_v2(s->db, full ? "PRAGMA integrity_check" : "PRAGMA quick_check", -1, &st, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        size_t n = t ? strlen(t) : 0;
        if (len + n + 2 > cap) {
            char *p = realloc(out, cap = 2 * (len + n + 2));
            if (!p) {
                rc = SQLITE_NOMEM;
                break;
            }
            out = p;
        }
        len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "\n" : "", t ? t : "");
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(out);
        return llmb_store_sqlite_err(s, rc, full ? "checking its integrity" : "checking it", err);
    }
    *ok = !strcmp(out, "ok");
    *report = out;
    return LLMB_OK;
}

static int sq_open(const char *path, const struct llmb_store_params *p, void **state, struct llmb_error *err)
{
    int ro = (p->flags & LLMB_STORE_READONLY) != 0;
    if (!path || !*path)
        return llmb_error_set(err, LLMB_E_INVAL, "results database: empty path");
    if (strlen(path) >= sizeof((struct llmb_sqlite *)0)->path)
        return llmb_error_set(err, LLMB_E_INVAL, "results database path too long: '%s'", path);
    int rc = check_path(path, ro, err);
    if (rc)
        return rc;
    struct llmb_sqlite *s = calloc(1, sizeof *s);
    if (!s)
        return llmb_error_set(err, LLMB_E_NOMEM, "out of memory");
    snprintf(s->path, sizeof s->path, "%s", path);
    s->readonly = ro;
    s->run_lock_fd = -1;
    s->lock_wait_s = p->lock_wait_s;
    /* A reader that may write the file opens it read-write with query_only:
     * as the last connection SQLite then removes the -wal and -shm files it
     * needed, so reading leaves nothing behind; elsewhere it opens read-only. */
    char d[4096];
    snprintf(d, sizeof d, "%s", path);
    int rw_reader = ro && access(path, R_OK | W_OK) == 0 && access(dirname(d), W_OK | X_OK) == 0;
    int flags = ro && !rw_reader ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (ro ? 0 : SQLITE_OPEN_CREATE);
    int src = sqlite3_open_v2(path, &s->db, flags, NULL);
    if (src != SQLITE_OK) {
        rc = llmb_store_sqlite_err(s, src, "opening", err);
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    if (rw_reader)
        sqlite3_exec(s->db, "PRAGMA query_only = 1", NULL, NULL, NULL);
    sqlite3_busy_timeout(s->db, (int)(p->lock_wait_s * 1000.0));
    if (ro && check_header(s, NULL) != LLMB_OK)
        open_immutable(s); /* where that applies; the check below says what is wrong otherwise */
    if ((rc = check_header(s, err)))
        goto fail;
    if (!ro && sqlite3_db_readonly(s->db, "main") == 1) {
        rc = llmb_error_set(err, LLMB_E_IO, "results database '%s' is read-only; nothing can be stored there", path);
        goto fail;
    }
    if (ro && s->version == 0) {
        rc = llmb_error_set(err, LLMB_E_IO, "results database '%s' is empty (no llmbench results yet)", path);
        goto fail;
    }
    if (s->version > 0 && !(p->flags & LLMB_STORE_NO_CHECK)) { /* damage is refused, never read past */
        int ok = 0;
        char *report = NULL;
        if ((rc = sq_check(s, 0, &ok, &report, err)))
            goto fail;
        if (!ok) { /* one line: the first problem ("*** in database main ***" is a heading) */
            const char *first = report;
            if (!strncmp(first, "*** in database", 15) && strchr(first, '\n'))
                first = strchr(first, '\n') + 1;
            int n = (int)strcspn(first, "\n");
            n = n > 200 ? 200 : n;
            rc = llmb_error_set(err, LLMB_E_IO, "results database '%s' is damaged (quick_check: %.*s%s); it was "
                                "left untouched ('llmbench results --check --db %s' lists every problem)", path, n,
                                first, first[n] ? " ..." : "", path);
            free(report);
            goto fail;
        }
        free(report);
    }
    if (ro && s->version < llmb_store_schema_latest()) {
        rc = llmb_error_set(err, LLMB_E_IO,
                            "results database '%s' has schema version %d and needs an upgrade to %d: run a command "
                            "that writes to it (llmbench import or bench) once",
                            path, s->version, llmb_store_schema_latest());
        goto fail;
    }
    if (!ro) {
        src = sqlite3_exec(s->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
        if (src == SQLITE_OK)
            src = sqlite3_exec(s->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
        if (src != SQLITE_OK) {
            rc = llmb_store_sqlite_err(s, src, "switching to WAL mode", err);
            goto fail;
        }
    }
    sqlite3_exec(s->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    if (!ro && s->version < llmb_store_schema_latest() && (rc = migrate(s, err)))
        goto fail;
    open_run_lock(s);
    *state = s;
    return LLMB_OK;
fail:
    sq_close(s);
    return rc;
}

static int sq_schema_version(void *state)
{
    return ((struct llmb_sqlite *)state)->version;
}

/* ---- runs ----------------------------------------------------------------- */

static const char *const status_names[] = {"running", "complete", "interrupted", "failed"};

const char *llmb_run_status_name(int status)
{
    return status >= 0 && status < 4 ? status_names[status] : "unknown";
}

static void who(char *user, size_t ulen, char *host, size_t hlen)
{
    const char *u = getenv("USER");
    struct passwd *pw = (!u || !*u) ? getpwuid(geteuid()) : NULL;
    snprintf(user, ulen, "%s", u && *u ? u : pw ? pw->pw_name : "");
    if (gethostname(host, hlen) != 0)
        host[0] = 0;
    host[hlen - 1] = 0;
}

static int add_tags(struct llmb_sqlite *s, int64_t run_id, const char *tags)
{
    int rc = SQLITE_OK;
    for (const char *p = tags; p && *p && rc == SQLITE_OK;) {
        size_t l = strcspn(p, ",");
        char t[LLMB_TAG_MAX + 1];
        const char *a = p, *b = p + l;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        snprintf(t, sizeof t, "%.*s", (int)(b - a), a);
        if (t[0])
            rc = llmb_store_sqlite_exec(s, "INSERT OR IGNORE INTO run_tags(run_id, tag) VALUES (?, ?)", "Is", run_id,
                                        t);
        p += l + (p[l] == ',');
    }
    return rc;
}

static int begin_run(struct llmb_sqlite *s, const struct llmb_run_info *ri, int64_t *run_id)
{
    char now[32], user[64], host[128];
    struct llmb_store_hw hw;
    llmb_store_now(now, sizeof now);
    who(user, sizeof user, host, sizeof host);
    if (ri->hw)
        hw = *ri->hw;
    else
        llmb_store_hw_detect(&hw);
    int rc = query_id(s, run_id,
                      "INSERT INTO runs(started_at, source, user, host, pid, command, llmbench_version, build_commit,"
                      " build_number, plan_hash, n_planned) VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                      "ssssIsssisI", ri->started_at ? ri->started_at : now, ri->source ? ri->source : "bench", user,
                      host, (int64_t)getpid(), ri->command ? ri->command : "", llmb_version(),
                      ri->build_commit ? ri->build_commit : LLMB_LLAMA_COMMIT,
                      ri->build_commit ? ri->build_number : LLMB_LLAMA_BUILD_NUMBER, ri->plan_hash,
                      (int64_t)ri->n_planned);
    if (rc == SQLITE_OK)
        rc = add_tags(s, *run_id, ri->tags);
    char *details = ri->hw ? NULL : llmb_store_hw_details(); /* this machine's snapshot (llmbench hw --json) */
    if (rc == SQLITE_OK)
        rc = llmb_store_sqlite_exec(s,
                                    "INSERT INTO hardware(run_id, cpu_name, cpu_cores, mem_total_bytes, gpu_info,"
                                    " backends, os, kernel, machine, details) VALUES (?,?,?,?,?,?,?,?,?,?)",
                                    "IsiIssssss", *run_id, hw.cpu_name, hw.cpu_cores, (int64_t)hw.mem_total,
                                    hw.gpu_info, hw.backends, hw.os, hw.kernel, hw.machine, details ? details : "{}");
    free(details);
    return rc;
}

static int sq_begin_run(void *state, const struct llmb_run_info *ri, int64_t *run_id, struct llmb_error *err)
{
    struct llmb_sqlite *s = state;
    int rc = tx_begin(s, "starting a run", err);
    if (!rc)
        rc = finish(s, LLMB_OK, begin_run(s, ri, run_id), "starting a run", err);
    if (!rc)
        run_lock(s, *run_id, F_WRLCK, F_OFD_SETLK); /* held while this process runs it */
    return rc;
}

static int sq_find_resumable(void *state, const char *plan_hash, int64_t *run_id, struct llmb_error *err)
{
    struct llmb_sqlite *s = state;
    char host[128];
    sqlite3_stmt *st;
    *run_id = 0;
    int rc = llmb_store_sqlite_prep(s, &st,
                                    "SELECT id, status, host, pid FROM runs WHERE plan_hash = ? AND status != 'complete'"
                                    " ORDER BY id DESC",
                                    "s", plan_hash);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        llmb_store_sqlite_text(st, 2, host, sizeof host);
        long pid = (long)sqlite3_column_int64(st, 3);
        /* a run its process still holds is not ours to take */
        if (!llmb_store_sqlite_run_live(s, sqlite3_column_int64(st, 0), host, pid)) {
            *run_id = sqlite3_column_int64(st, 0);
            rc = SQLITE_DONE;
            break;
        }
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? LLMB_OK : llmb_store_sqlite_err(s, rc, "looking for a run to resume", err);
}

/* Runs one UPDATE of a run (its id among the arguments) in its own
 * transaction; fails when the run does not exist. */
static int update_run(struct llmb_sqlite *s, int64_t run_id, const char *what, struct llmb_error *err,
                      const char *sql, const char *fmt, ...)
{
    int rc = tx_begin(s, what, err);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    va_list ap;
    va_start(ap, fmt);
    int src = vprep(s, &st, sql, fmt, ap);
    va_end(ap);
    if ((src = step_all(st, src, NULL)) != SQLITE_OK)
        rc = llmb_store_sqlite_err(s, src, what, err);
    else if (sqlite3_changes(s->db) != 1)
        rc = llmb_error_set(err, LLMB_E_INVAL, "results database '%s' has no run %lld", s->path, (long long)run_id);
    return tx_end(s, rc, what, err);
}

static int sq_resume_run(void *state, int64_t run_id, struct llmb_error *err)
{
    struct llmb_sqlite *s = state;
    if (s->run_lock_fd >= 0 && run_lock(s, run_id, F_WRLCK, F_OFD_SETLK) != 0)
        return llmb_error_set(err, LLMB_E_IO, "results database '%s': run %lld is still being run by another "
                              "process (it holds the run's lock); not taking it over", s->path, (long long)run_id);
    int rc = update_run(state, run_id, "resuming a run", err,
                        "UPDATE runs SET status = 'running', finished_at = NULL, pid = ? WHERE id = ?", "II",
                        (int64_t)getpid(), run_id);
    if (rc)
        run_lock(s, run_id, F_UNLCK, F_OFD_SETLK);
    return rc;
}

static int sq_end_run(void *state, int64_t run_id, int status, struct llmb_error *err)
{
    if (status < LLMB_RUN_RUNNING || status > LLMB_RUN_FAILED)
        return llmb_error_set(err, LLMB_E_INVAL, "bad run status %d", status);
    char now[32];
    llmb_store_now(now, sizeof now);
    int rc = update_run(state, run_id, "ending a run", err, "UPDATE runs SET status = ?, finished_at = ? WHERE id = ?",
                        "ssI", llmb_run_status_name(status), status == LLMB_RUN_RUNNING ? NULL : now, run_id);
    if (status != LLMB_RUN_RUNNING)
        run_lock(state, run_id, F_UNLCK, F_OFD_SETLK);
    return rc;
}

/* ---- results -------------------------------------------------------------- */

static int model_id(struct llmb_sqlite *s, const struct llmb_model_info *m, const char *path, const char *sha,
                    int64_t *id)
{
    return query_id(s, id,
                    "INSERT INTO models(sha256, path, description, arch, quant, n_params, model_size, file_size, bpw,"
                    " synthetic, n_vocab, n_ctx_train, n_layer) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT (sha256, path, description, n_params, model_size, file_size)"
                    " DO UPDATE SET arch = excluded.arch RETURNING id",
                    "sssssIIIdiiii", sha ? sha : "", path && *path ? path : m->path, m->desc, m->arch, m->quant,
                    (int64_t)m->n_params, (int64_t)m->model_size, (int64_t)m->file_size, m->bpw, m->synthetic,
                    m->n_vocab, m->n_ctx_train, m->n_layer);
}

/* The reference model of a kld/suite instance: the models row with its path
 * and identity, or a new row that knows only those. *id = 0 without one. */
static int ref_model_id(struct llmb_sqlite *s, const char *path, const char *sha, int64_t *id)
{
    *id = 0;
    if (!path || !*path)
        return SQLITE_OK;
    int rc = query_id(s, id, "SELECT id FROM models WHERE path = ? AND sha256 = ? ORDER BY id DESC LIMIT 1", "ss",
                      path, sha ? sha : "");
    if (rc != SQLITE_OK || *id)
        return rc;
    struct llmb_model_info m;
    memset(&m, 0, sizeof m);
    return model_id(s, &m, path, sha, id);
}

static int config_id(struct llmb_sqlite *s, const struct llmb_result *r, int64_t *id)
{
    struct llmb_instance in = r->inst;
    const struct llmb_context_info *a = &r->applied;
    if (in.kind != LLMB_WL_SPEED &&
        in.kind != LLMB_WL_LOAD) { /* a quality test has no prompt/gen shape; its batch is the spec's */
        in.n_prompt = in.n_gen = in.n_depth = 0;
        if (in.q && in.q->n_batch > 0)
            in.n_batch = in.q->n_batch;
    }
    return query_id(s, id,
                    "INSERT INTO configurations(n_prompt, n_gen, n_depth, n_batch, n_ubatch, type_k, type_v,"
                    " n_threads, n_gpu_layers, flash_attn, applied_n_ctx, applied_n_batch, applied_n_ubatch,"
                    " applied_n_threads, applied_type_k, applied_type_v, applied_flash_attn, backends, devices)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT (n_prompt, n_gen, n_depth, n_batch, n_ubatch, type_k, type_v, n_threads,"
                    " n_gpu_layers, flash_attn, applied_n_ctx, applied_n_batch, applied_n_ubatch, applied_n_threads,"
                    " applied_type_k, applied_type_v, applied_flash_attn, backends, devices)"
                    " DO UPDATE SET n_prompt = excluded.n_prompt RETURNING id",
                    "iiiiissiiiiiiississ", in.n_prompt, in.n_gen, in.n_depth, in.n_batch, in.n_ubatch,
                    in.type_k ? in.type_k : "", in.type_v ? in.type_v : "", in.n_threads, in.n_gpu_layers,
                    in.flash_attn, a->n_ctx, a->n_batch, a->n_ubatch, a->n_threads, a->type_k, a->type_v,
                    a->flash_attn, r->model.backends, r->model.devices);
}

static int put_metric(struct llmb_sqlite *s, int64_t inst, const char *name, const struct llmb_stats *m)
{
    if (m->n == 0)
        return SQLITE_OK;
    double half = m->n >= 2 ? m->ci95_half : NAN; /* no interval from one sample */
    return llmb_store_sqlite_exec(s,
                                  "INSERT INTO metrics(instance_id, metric, n, mean, stddev, median, min, max, ci95_lo,"
                                  " ci95_hi, n_outliers) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                                  "IsIdddddDDI", inst, name, (int64_t)m->n, m->mean, m->stddev, m->median, m->min,
                                  m->max, m->mean - half, m->mean + half, (int64_t)m->n_outliers);
}

/* NAN for a figure a result does not have (so it binds NULL); a NaN figure
 * is stored as NULL too (SQLite holds no NaN), an infinite one as it is. */
static double fig(int have, double v)
{
    return have && !isnan(v) ? v : NAN;
}

/* A file's name without its folders ("" for none). */
static const char *base_name(const char *path)
{
    const char *b = path ? strrchr(path, '/') : NULL;
    return b ? b + 1 : path ? path : "";
}

/* The quality_results row(s) of a ppl or kld instance. */
static int put_ppl(struct llmb_sqlite *s, int64_t run_id, int64_t iid, int64_t mid, int64_t ref,
                   const struct llmb_result *r)
{
    const struct llmb_ppl_result *p = &r->ppl;
    const struct llmb_quality_spec *q = r->inst.q;
    char now[32];
    llmb_store_now(now, sizeof now);
    static const char sql[] =
        "INSERT INTO quality_results(run_id, instance_id, model_id, reference_model_id, kind, dataset, text_sha256,"
        " n_ctx, n_chunks, n_scored, n_text_tokens, seconds, tokens_per_s, value, stderr, median, p99, max, top1,"
        " top1_err, rms_dp, rms_dp_err, mean_dp, mean_dp_err, ref_ppl, created_at)"
        " VALUES (?, ?, ?, nullif(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    const char *dataset = base_name(q ? q->text_path : NULL), *text_sha = q ? q->text_sha256 : "";
    int n_ctx = p->n_ctx > 0 ? p->n_ctx : q ? q->n_ctx : 0;
    if (isnan(p->ppl)) /* NaN (nothing scored, or NaN logits): the instance stands without figures; export
                        * shows ppl null, flagged "ppl=nan" */
        return SQLITE_OK;
    int rc = llmb_store_sqlite_exec(s, sql, "IIIIsssiiIIDDdDDDDDDDDDDDs", run_id, iid, mid, (int64_t)0, "ppl",
                                    dataset, text_sha, n_ctx, p->n_chunks, (int64_t)p->n_scored,
                                    (int64_t)p->n_text_tokens, fig(1, p->seconds), fig(1, p->tokens_per_s), p->ppl,
                                    fig(1, p->ppl_err), NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, now);
    if (rc != SQLITE_OK || r->inst.kind != LLMB_WL_KLD || !p->have_kld || isnan(p->kld_mean))
        return rc;
    int k = 1;
    return llmb_store_sqlite_exec(s, sql, "IIIIsssiiIIDDdDDDDDDDDDDDs", run_id, iid, mid, ref, "kld", dataset,
                                  text_sha, n_ctx, p->n_chunks, (int64_t)p->n_scored, (int64_t)p->n_text_tokens,
                                  fig(1, p->seconds), fig(1, p->tokens_per_s), p->kld_mean,
                                  fig(k, p->kld_err), fig(k, p->kld_median), fig(k, p->kld_p99), fig(k, p->kld_max),
                                  fig(k, p->top1), fig(k, p->top1_err), fig(k, p->rms_dp), fig(k, p->rms_dp_err),
                                  fig(k, p->mean_dp), fig(k, p->mean_dp_err), fig(k && p->ref_ppl > 0, p->ref_ppl),
                                  now);
}

static const char *check_name(int check)
{
    switch (check) {
    case LLMB_CHECK_NUMBER: return "number";
    case LLMB_CHECK_CONTAINS: return "contains";
    case LLMB_CHECK_REGEX: return "regex";
    default: return "none";
    }
}

/* One prompt_responses row per answer of a suite instance, in order. */
static int put_answers(struct llmb_sqlite *s, int64_t run_id, int64_t iid, int64_t mid, int64_t cid,
                       const struct llmb_result *r)
{
    const struct llmb_quality_spec *q = r->inst.q;
    const struct llmb_suite *suite = q ? q->suite : NULL;
    char now[32];
    llmb_store_now(now, sizeof now);
    int rc = SQLITE_OK;
    for (size_t i = 0; i < r->n_answers && rc == SQLITE_OK; i++) {
        const struct llmb_suite_answer *a = &r->answers[i];
        const struct llmb_suite_item *it = suite && i < suite->n ? &suite->items[i] : NULL;
        char pid[32];
        snprintf(pid, sizeof pid, "%zu", i + 1);
        double tpot = a->n_gen > 1 ? (a->total_ms - a->ttft_ms) / (a->n_gen - 1) : NAN;
        rc = llmb_store_sqlite_exec(
            s,
            "INSERT INTO prompt_responses(run_id, instance_id, position, model_id, config_id, suite, prompt_id,"
            " category, prompt, check_kind, response, n_prompt_tokens, n_gen_tokens, ttft_ms, e2e_ms, tpot_ms,"
            " tg_ts, pass, score, similarity, seed, temperature, max_tokens, stopped, chat_template, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, nullif(?, -1), nullif(?, -1), ?, ?, ?, ?, ?,"
            " ?, ?)",
            "IIIIIssssssiiDDDDiiDIdiiis", run_id, iid, (int64_t)i, mid, cid, q ? q->suite_id : "",
            it && it->id ? it->id : pid, it && it->category ? it->category : "", it && it->prompt ? it->prompt : "",
            check_name(it ? it->check : LLMB_CHECK_NONE), a->response ? a->response : "", a->n_prompt, a->n_gen,
            fig(1, a->ttft_ms), fig(1, a->total_ms), fig(1, tpot), fig(1, a->tg_ts), a->pass, a->pass,
            fig(a->similarity >= 0, a->similarity), (int64_t)(q ? q->seed : 0), q ? q->temperature : 0.0,
            q ? q->max_tokens : 0, a->stopped, a->template_used, now);
    }
    return rc;
}

/* The samples and metrics of a speed test. */
static int put_speed(struct llmb_sqlite *s, int64_t iid, const struct llmb_result *r)
{
    int rc = SQLITE_OK;
    size_t n_gen = r->token_ns && r->inst.n_gen > 0 ? (size_t)r->inst.n_gen : 0;
    char *tl = n_gen ? malloc(n_gen * 21 + 3) : NULL; /* a repetition's timeline as a JSON array */
    if (n_gen && !tl)
        return SQLITE_NOMEM;
    for (size_t i = 0; i < r->n_samples && rc == SQLITE_OK; i++) {
        size_t at = 0;
        for (size_t k = 0; tl && k < n_gen; k++)
            at += (size_t)sprintf(tl + at, "%c%llu", k ? ',' : '[', (unsigned long long)r->token_ns[i * n_gen + k]);
        if (tl)
            strcpy(tl + at, "]");
        rc = llmb_store_sqlite_exec(s,
                                    "INSERT INTO samples(instance_id, rep, total_ns, pp_ns, tg_ns, ttft_ns, token_ns)"
                                    " VALUES (?,?,?,?,?,?,?)",
                                    "IIIIIIs", iid, (int64_t)i, (int64_t)r->total_ns[i],
                                    (int64_t)(r->pp_ns ? r->pp_ns[i] : 0), (int64_t)(r->tg_ns ? r->tg_ns[i] : 0),
                                    (int64_t)(r->ttft_ns ? r->ttft_ns[i] : 0), tl);
    }
    free(tl);
    const struct { const char *name; const struct llmb_stats *st; } ms[] = {
        {"ts", &r->ts}, {"pp_ts", &r->pp_ts}, {"tg_ts", &r->tg_ts}, {"ttft_ms", &r->ttft_ms},
        {"total_ns", &r->total_ns_stats},
    };
    for (size_t i = 0; i < sizeof ms / sizeof ms[0] && rc == SQLITE_OK; i++)
        rc = put_metric(s, iid, ms[i].name, ms[i].st);
    return rc;
}

/* Writes one result inside the caller's transaction. An instance already in
 * the run is left as it is. */
static int put_one(struct llmb_sqlite *s, int64_t run_id, const struct llmb_result *r, const char *sha,
                   const char *ref_sha)
{
    char key[LLMB_STORE_KEY_MAX], test[96];
    int kind = r->inst.kind >= 0 && r->inst.kind < LLMB_WL_COUNT ? r->inst.kind : LLMB_WL_SPEED;
    int timed = kind == LLMB_WL_SPEED || kind == LLMB_WL_LOAD; /* samples, metrics and extra fields */
    llmb_instance_key_ref(&r->inst, sha, ref_sha, key, sizeof key);
    llmb_store_test_name(r, test, sizeof test);
    int64_t mid, cid, iid, ref = 0;
    int rc = model_id(s, &r->model, r->inst.model, sha, &mid);
    if (rc == SQLITE_OK)
        rc = config_id(s, r, &cid);
    if (rc == SQLITE_OK && kind != LLMB_WL_SPEED)
        rc = ref_model_id(s, r->inst.ref_model, ref_sha, &ref);
    /* a test that failed before may be measured again (resume): its row gives way */
    if (rc == SQLITE_OK)
        rc = llmb_store_sqlite_exec(s, "DELETE FROM test_instances WHERE run_id = ? AND instance_key = ?"
                                       " AND status = 'failed'", "Is", run_id, key);
    /* what the other columns do not hold, by field name (speed tests) */
    char *extra = NULL;
    if (rc == SQLITE_OK && timed) {
        json_t *x = llmb_fields_json(r, LLMB_FIELD_EXTRA);
        extra = x ? json_dumps(x, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(x);
        if (!extra)
            rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK)
        rc = query_id(s, &iid,
                      "INSERT INTO test_instances(run_id, model_id, config_id, instance_key, test, test_time,"
                      " n_samples, stop_reason, ci_target_pct, load_ms, peak_rss_bytes, status, error, kind,"
                      " reference_model_id, extra)"
                      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,nullif(?, 0),?)"
                      " ON CONFLICT (run_id, instance_key) DO NOTHING RETURNING id",
                      "IIIsssIsddIsssIs", run_id, mid, cid, key, test, r->test_time,
                      (int64_t)(timed ? r->n_samples : 0), llmb_stop_reason_name(r->stop_reason), r->ci_target_pct,
                      r->model.load_ms, (int64_t)r->peak_rss, r->error ? "failed" : "complete", r->error,
                      llmb_workload_kind_name(kind), ref, extra ? extra : "{}");
    free(extra);
    if (rc == SQLITE_OK && r->error)
        return rc; /* no samples, no metrics, no figures */
    if (rc != SQLITE_OK || iid == 0)
        return rc;
    if (kind == LLMB_WL_PPL || kind == LLMB_WL_KLD)
        rc = put_ppl(s, run_id, iid, mid, ref, r);
    else if (kind == LLMB_WL_SUITE)
        rc = put_answers(s, run_id, iid, mid, cid, r);
    else
        rc = put_speed(s, iid, r);
    if (rc == SQLITE_OK) /* GPU facts come with the engine's description */
        rc = llmb_store_sqlite_exec(s,
                                    "UPDATE hardware SET gpu_info = ?, backends = ? WHERE run_id = ?"
                                    " AND gpu_info = '' AND backends = ''",
                                    "ssI", r->model.gpu_info, r->model.backends, run_id);
    return rc;
}

static int run_exists(struct llmb_sqlite *s, int64_t run_id, int *src, struct llmb_error *err)
{
    int64_t n;
    if ((*src = query_id(s, &n, "SELECT count(*) FROM runs WHERE id = ?", "I", run_id)) != SQLITE_OK)
        return LLMB_OK;
    return n ? LLMB_OK
             : llmb_error_set(err, LLMB_E_INVAL, "results database '%s' has no run %lld", s->path, (long long)run_id);
}

/* What a result must hold to be stored as its kind says. */
static int check_result(const struct llmb_sqlite *s, const struct llmb_result *r, struct llmb_error *err)
{
    if (r->inst.kind < 0 || r->inst.kind >= LLMB_WL_COUNT)
        return llmb_error_set(err, LLMB_E_INVAL, "results database '%s': a result of unknown kind %d", s->path,
                              r->inst.kind);
    if (r->inst.kind == LLMB_WL_SUITE && r->n_answers && !r->answers)
        return llmb_error_set(err, LLMB_E_INVAL, "results database '%s': a suite result without its answers",
                              s->path);
    return LLMB_OK;
}

static int sq_put_result(void *state, int64_t run_id, const struct llmb_result *r, const char *sha,
                         const char *ref_sha, struct llmb_error *err)
{
    struct llmb_sqlite *s = state;
    int rc = check_result(s, r, err);
    if (rc)
        return rc;
    int src = SQLITE_OK;
    if ((rc = tx_begin(s, "storing a result", err)))
        return rc;
    if (!(rc = run_exists(s, run_id, &src, err)) && src == SQLITE_OK)
        src = put_one(s, run_id, r, sha, ref_sha);
    return finish(s, rc, src, "storing a result", err);
}

static int sq_put_run(void *state, const struct llmb_run_info *ri, const struct llmb_result *results,
                      const char *const *sha, const char *const *ref_sha, size_t n, int64_t *run_id,
                      struct llmb_error *err)
{
    struct llmb_sqlite *s = state;
    int rc = LLMB_OK;
    for (size_t i = 0; i < n && !rc; i++)
        rc = check_result(s, &results[i], err);
    if (rc || (rc = tx_begin(s, "storing a run", err)))
        return rc;
    char now[32];
    llmb_store_now(now, sizeof now);
    int src = begin_run(s, ri, run_id);
    for (size_t i = 0; i < n && src == SQLITE_OK; i++)
        src = put_one(s, *run_id, &results[i], sha ? sha[i] : NULL, ref_sha ? ref_sha[i] : NULL);
    if (src == SQLITE_OK)
        src = llmb_store_sqlite_exec(s, "UPDATE runs SET status = 'complete', finished_at = ? WHERE id = ?", "sI",
                                     now, *run_id);
    return finish(s, rc, src, "storing a run", err);
}

static int sq_instance_done(void *state, int64_t run_id, const char *key, struct llmb_error *err)
{
    struct llmb_sqlite *s = state;
    int64_t n;
    int src = query_id(s, &n,
                       "SELECT count(*) FROM test_instances WHERE run_id = ? AND instance_key = ?"
                       " AND status = 'complete'",
                       "Is", run_id, key);
    if (src != SQLITE_OK) {
        llmb_store_sqlite_err(s, src, "looking up an instance", err);
        return -1;
    }
    return n > 0;
}

static int sq_put_quality(void *state, int64_t run_id, const struct llmb_model_info *m, const char *sha,
                          const struct llmb_store_quality *q, struct llmb_error *err)
{
    struct llmb_sqlite *s = state;
    if (!q->kind || (strcmp(q->kind, "kld") && strcmp(q->kind, "ppl")))
        return llmb_error_set(err, LLMB_E_INVAL, "quality kind must be 'kld' or 'ppl', not '%s'",
                              q->kind ? q->kind : "(none)");
    int src = SQLITE_OK, rc = tx_begin(s, "storing a quality result", err);
    if (rc)
        return rc;
    char now[32];
    llmb_store_now(now, sizeof now);
    int64_t mid = 0, ref = 0;
    if (run_id && (rc = run_exists(s, run_id, &src, err)))
        return finish(s, rc, src, "storing a quality result", err);
    if (src == SQLITE_OK)
        src = model_id(s, m, m->path, sha, &mid);
    if (src == SQLITE_OK && q->reference_path && *q->reference_path) {
        struct llmb_model_info rm;
        memset(&rm, 0, sizeof rm);
        src = model_id(s, &rm, q->reference_path, "", &ref);
    }
    if (src == SQLITE_OK)
        src = llmb_store_sqlite_exec(s,
                                     "INSERT INTO quality_results(run_id, model_id, reference_model_id, kind, dataset,"
                                     " n_ctx, n_chunks, value, stderr, created_at)"
                                     " VALUES (nullif(?, 0), ?, nullif(?, 0), ?, ?, ?, ?, ?, ?, ?)",
                                     "IIIssiidDs", run_id, mid, ref, q->kind, q->dataset ? q->dataset : "", q->n_ctx,
                                     q->n_chunks, q->value, q->stderr_value, now);
    return finish(s, rc, src, "storing a quality result", err);
}

static int sq_put_family(void *state, int64_t run_id, const struct llmb_store_family *f, const char *const *sha,
                         struct llmb_error *err)
{
    struct llmb_sqlite *s = state;
    int src = SQLITE_OK, rc = tx_begin(s, "storing a model family", err);
    if (rc)
        return rc;
    char now[32];
    llmb_store_now(now, sizeof now);
    int64_t fid = 0;
    if (!(rc = run_exists(s, run_id, &src, err)) && src == SQLITE_OK)
        src = llmb_store_sqlite_exec(s, "DELETE FROM families WHERE run_id = ? AND source_path = ?", "Is", run_id,
                                     f->source_path);
    if (!rc && src == SQLITE_OK)
        src = query_id(s, &fid,
                       "INSERT INTO families(run_id, source_path, ladder, created_at) VALUES (?,?,?,?) RETURNING id",
                       "Isss", run_id, f->source_path, f->ladder ? f->ladder : "", now);
    for (size_t i = 0; !rc && src == SQLITE_OK && i < f->n; i++) {
        const struct llmb_store_family_member *m = &f->members[i];
        src = llmb_store_sqlite_exec(s,
                                     "INSERT INTO family_members(family_id, position, path, model_sha256, label,"
                                     " is_reference, quantized_from) VALUES (?,?,?,?,?,?,?)",
                                     "IIsssis", fid, (int64_t)i, m->path, sha && sha[i] ? sha[i] : "",
                                     m->label ? m->label : "", m->is_reference ? 1 : 0, m->quantized_from);
    }
    return finish(s, rc, src, "storing a model family", err);
}

const struct llmb_store_ops llmb_store_sqlite = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .schema_version = sq_schema_version,
    .begin_run = sq_begin_run,
    .find_resumable = sq_find_resumable,
    .resume_run = sq_resume_run,
    .instance_done = sq_instance_done,
    .put_result = sq_put_result,
    .end_run = sq_end_run,
    .put_run = sq_put_run,
    .put_family = sq_put_family,
    .get_answers = llmb_store_sqlite_get_answers,
    .put_quality = sq_put_quality,
    .list_runs = llmb_store_sqlite_list_runs,
    .query = llmb_store_sqlite_query,
    .check = sq_check,
    .put_bandwidth = llmb_store_sqlite_put_bandwidth,
    .get_bandwidth = llmb_store_sqlite_get_bandwidth,
    .matrix = llmb_store_sqlite_matrix,
};
