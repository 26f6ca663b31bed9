/* test_store.c - the results store (src/store/): schema creation, migration
 * and refusal of newer/foreign/corrupted/read-only/locked databases (files
 * left byte for byte as they were), one-transaction writes that a SIGKILL
 * cannot split, resume after a kill, instance keys, filters and queries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "llmbench/store.h"
#include "store/schema.h"

/* Calls an llmb function that must succeed; on failure shows its message (e). */
#define OK(call)                                                                                                     \
    do {                                                                                                             \
        if ((call) != 0)                                                                                             \
            fail_msg("%s: %s", #call, e.msg);                                                                         \
    } while (0)

/* ---- fixtures ------------------------------------------------------------- */

struct tmp {
    char dir[256];
    char db[300];
};

static void tmp_make(struct tmp *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/llmb_store_XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    chmod(t->dir, 0755);
    snprintf(t->db, sizeof t->db, "%s/results.db", t->dir);
}

static void tmp_free(struct tmp *t)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    assert_int_equal(system(cmd), 0);
}

static struct llmb_store *open_ok(const char *path, int flags)
{
    struct llmb_store_params p = llmb_store_default_params();
    p.flags = flags;
    struct llmb_store *s = NULL;
    struct llmb_error e = {0};
    int rc = llmb_store_open(path, &p, &s, &e);
    if (rc)
        fail_msg("open %s: %s", path, e.msg);
    return s;
}

/* Opening must fail with a message containing want. */
static void open_fails(const char *path, int flags, double wait_s, const char *want)
{
    struct llmb_store_params p = llmb_store_default_params();
    p.flags = flags;
    p.lock_wait_s = wait_s;
    struct llmb_store *s = NULL;
    struct llmb_error e = {0};
    int rc = llmb_store_open(path, &p, &s, &e);
    assert_int_not_equal(rc, 0);
    assert_null(s);
    if (!strstr(e.msg, want))
        fail_msg("'%s' lacks '%s'", e.msg, want);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    char *b = malloc(*len + 1);
    assert_int_equal(fread(b, 1, *len, f), *len);
    fclose(f);
    return b;
}

static void sql(const char *path, const char *stmt)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, stmt, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", stmt, msg);
    sqlite3_close(db);
}

static long long sql_int(const char *path, const char *q)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static int integrity_ok(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    int ok = sqlite3_step(st) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ok;
}

/* A result as the runner would deliver it: n samples of total_ns ns each
 * (scaled by 1 + i/100), model "m.gguf" unless given. */
struct fake {
    struct llmb_result r;
    uint64_t total[64], pp[64], tg[64], ttft[64];
};

static void fake_result(struct fake *f, const char *model, int p, int n, int threads, size_t reps, double ns)
{
    memset(f, 0, sizeof *f);
    struct llmb_result *r = &f->r;
    r->inst = (struct llmb_instance){.model = model, .n_gpu_layers = -1, .n_batch = 2048, .n_ubatch = 512,
                                     .type_k = "f16", .type_v = "f16", .flash_attn = -1, .n_threads = threads,
                                     .n_prompt = p, .n_gen = n};
    snprintf(r->model.path, sizeof r->model.path, "%s", model);
    snprintf(r->model.desc, sizeof r->model.desc, "llama 1M Q4_0");
    snprintf(r->model.arch, sizeof r->model.arch, "llama");
    snprintf(r->model.quant, sizeof r->model.quant, "Q4_0");
    snprintf(r->model.backends, sizeof r->model.backends, "CPU");
    snprintf(r->model.gpu_info, sizeof r->model.gpu_info, "Fake GPU 9000");
    r->model.n_params = 1000000;
    r->model.model_size = 600000;
    r->model.bpw = 4.8;
    r->applied = (struct llmb_context_info){.n_ctx = p + n, .n_batch = 2048, .n_ubatch = 512, .n_threads = threads,
                                            .type_k = "f16", .type_v = "f16", .flash_attn = -1};
    snprintf(r->test_time, sizeof r->test_time, "2024-05-01T10:00:00Z");
    r->n_samples = reps;
    r->total_ns = f->total;
    r->pp_ns = f->pp;
    r->tg_ns = f->tg;
    r->ttft_ns = f->ttft;
    double ts[64];
    for (size_t i = 0; i < reps; i++) {
        f->total[i] = (uint64_t)(ns * (1.0 + (double)i / 100));
        f->pp[i] = n ? f->total[i] / 2 : f->total[i];
        f->tg[i] = f->total[i] - (n ? f->pp[i] : f->total[i]);
        f->ttft[i] = f->pp[i] + 1000;
        ts[i] = 1e9 * (p + n) / (double)f->total[i];
    }
    llmb_stats_compute(ts, reps, &r->ts);
    r->peak_rss = 123456789;
}

static int64_t begin(struct llmb_store *s, const char *tags, const char *plan)
{
    struct llmb_run_info ri = {.command = "llmbench bench -m m.gguf", .tags = tags, .plan_hash = plan, .n_planned = 3};
    int64_t id = 0;
    struct llmb_error e = {0};
    if (llmb_store_begin_run(s, &ri, &id, &e))
        fail_msg("begin_run: %s", e.msg);
    return id;
}

static void put(struct llmb_store *s, int64_t run, const struct llmb_result *r)
{
    struct llmb_error e = {0};
    if (llmb_store_put_result(s, run, r, &e))
        fail_msg("put_result: %s", e.msg);
}

/* ---- schema --------------------------------------------------------------- */

static void test_create(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    struct llmb_store *s = open_ok(t.db, 0);
    assert_int_equal(llmb_store_schema_version(s), llmb_store_schema_latest());
    assert_true(llmb_store_schema_latest() >= 2);
    llmb_store_close(s);
    llmb_store_close(NULL);
    assert_int_equal(sql_int(t.db, "PRAGMA user_version"), llmb_store_schema_latest());
    assert_int_equal(sql_int(t.db, "PRAGMA application_id"), LLMB_STORE_APP_ID);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM schema_version"), llmb_store_schema_latest());
    const char *tables[] = {"runs", "run_tags", "hardware", "models", "configurations", "test_instances", "samples",
                            "metrics", "quality_results", "prompt_responses"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char q[200];
        snprintf(q, sizeof q, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='%s'", tables[i]);
        if (sql_int(t.db, q) != 1)
            fail_msg("table %s missing", tables[i]);
    }
    /* WAL mode is persistent: a fresh connection sees it */
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(t.db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
    /* reopening an up-to-date store changes nothing */
    s = open_ok(t.db, 0);
    llmb_store_close(s);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM schema_version"), llmb_store_schema_latest());
    tmp_free(&t);
}

static void test_migrate_from_v1(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    sqlite3 *db;
    const char *what = NULL;
    assert_int_equal(sqlite3_open(t.db, &db), SQLITE_OK);
    assert_int_equal(llmb_store_schema_migrate(db, 0, 1, &what), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO runs(started_at, status, llmbench_version) VALUES"
                                  " ('2023-01-01T00:00:00Z', 'complete', '0.0.1')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(sql_int(t.db, "PRAGMA user_version"), 1);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM sqlite_master WHERE name='quality_results'"), 0);
    /* read-only: refuses to read an old schema it cannot upgrade */
    open_fails(t.db, LLMB_STORE_READONLY, 1, "needs an upgrade");
    struct llmb_store *s = open_ok(t.db, 0);
    assert_int_equal(llmb_store_schema_version(s), llmb_store_schema_latest());
    struct llmb_store_run *runs;
    size_t n;
    struct llmb_error e = {0};
    OK(llmb_store_list_runs(s, NULL, &runs, &n, &e));
    assert_int_equal(n, 1); /* data kept */
    assert_string_equal(runs[0].llmbench_version, "0.0.1");
    assert_int_equal(runs[0].status, LLMB_RUN_COMPLETE);
    free(runs);
    llmb_store_close(s);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM sqlite_master WHERE name='quality_results'"), 1);
    assert_int_equal(sql_int(t.db, "SELECT max(version) FROM schema_version"), llmb_store_schema_latest());
    tmp_free(&t);
}

static void test_refuse_newer(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    llmb_store_close(open_ok(t.db, 0));
    char q[64];
    snprintf(q, sizeof q, "PRAGMA user_version = %d", llmb_store_schema_latest() + 5);
    sql(t.db, q);
    size_t n0, n1;
    char *before = slurp(t.db, &n0);
    struct stat s0, s1;
    stat(t.db, &s0);
    open_fails(t.db, 0, 1, "newer than this llmbench knows");
    open_fails(t.db, LLMB_STORE_READONLY, 1, "newer than this llmbench knows");
    char *after = slurp(t.db, &n1);
    stat(t.db, &s1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    assert_true(s0.st_mtim.tv_sec == s1.st_mtim.tv_sec && s0.st_mtim.tv_nsec == s1.st_mtim.tv_nsec);
    free(before);
    free(after);
    tmp_free(&t);
}

static void test_refuse_corrupt_and_foreign(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    /* random bytes */
    unsigned char junk[8192];
    unsigned seed = 7;
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)rand_r(&seed);
    FILE *f = fopen(t.db, "wb");
    fwrite(junk, 1, sizeof junk, f);
    fclose(f);
    open_fails(t.db, 0, 1, "corrupted or not a database");
    open_fails(t.db, LLMB_STORE_READONLY, 1, "corrupted or not a database");
    size_t n;
    char *after = slurp(t.db, &n);
    assert_int_equal(n, sizeof junk);
    assert_memory_equal(after, junk, n);
    free(after);
    /* a store whose pages were overwritten in the middle */
    unlink(t.db);
    struct llmb_store *s = open_ok(t.db, 0);
    int64_t run = begin(s, NULL, NULL);
    struct fake fk;
    fake_result(&fk, "m.gguf", 16, 0, 1, 5, 1e6);
    put(s, run, &fk.r);
    llmb_store_close(s);
    f = fopen(t.db, "r+b");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    for (long off = 4096; off < size; off += 4096) { /* every page but the first (header, schema) */
        fseek(f, off, SEEK_SET);
        fwrite(junk, 1, 4096, f);
    }
    fclose(f);
    s = NULL;
    struct llmb_store_params p = llmb_store_default_params();
    struct llmb_error e = {0};
    int rc = llmb_store_open(t.db, &p, &s, &e);
    if (rc == 0) { /* the header survived: the damage shows on the first read */
        struct llmb_store_record *v = NULL;
        rc = llmb_store_query(s, NULL, &v, &n, &e);
        llmb_store_records_free(v, rc ? 0 : n);
        llmb_store_close(s);
    }
    assert_int_not_equal(rc, 0);
    assert_non_null(strstr(e.msg, "corrupted"));
    /* a foreign SQLite database */
    char other[300];
    snprintf(other, sizeof other, "%s/other.db", t.dir);
    sql(other, "CREATE TABLE birds(name TEXT); INSERT INTO birds VALUES ('wren');");
    char *b0 = slurp(other, &n);
    size_t n2;
    open_fails(other, 0, 1, "not an llmbench results store");
    char *b1 = slurp(other, &n2);
    assert_int_equal(n, n2);
    assert_memory_equal(b0, b1, n);
    free(b0);
    free(b1);
    /* not a file at all, and a missing folder */
    open_fails(t.dir, 0, 1, "not a regular file");
    snprintf(other, sizeof other, "%s/no/such/dir/r.db", t.dir);
    open_fails(other, 0, 1, "No such file or directory");
    tmp_free(&t);
}

static void test_readonly(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    open_fails(t.db, LLMB_STORE_READONLY, 1, "no results database at");
    assert_int_equal(access(t.db, F_OK), -1); /* read-only open created nothing */
    struct llmb_store *s = open_ok(t.db, 0);
    int64_t run = begin(s, "x", NULL);
    struct fake fk;
    fake_result(&fk, "m.gguf", 16, 0, 1, 3, 1e6);
    put(s, run, &fk.r);
    llmb_store_close(s);
    /* READONLY: reads work, writes are refused */
    s = open_ok(t.db, LLMB_STORE_READONLY);
    struct llmb_error e = {0};
    int64_t id;
    struct llmb_run_info ri = {.command = "x"};
    assert_int_not_equal(llmb_store_begin_run(s, &ri, &id, &e), 0);
    assert_non_null(strstr(e.msg, "read-only"));
    struct llmb_store_record *v;
    size_t n;
    OK(llmb_store_query(s, NULL, &v, &n, &e));
    assert_int_equal(n, 1);
    llmb_store_records_free(v, n);
    llmb_store_close(s);
    llmb_store_close(open_ok(t.db, 0)); /* a writer's close removes -wal and -shm: none to lean on below */
    char side[400];
    snprintf(side, sizeof side, "%s-shm", t.db);
    assert_int_equal(access(side, F_OK), -1);
    /* a file without write permission: as an unprivileged user (root ignores modes) */
    chmod(t.db, 0444);
    chmod(t.dir, 0555);
    size_t n0, n1;
    char *before = slurp(t.db, &n0);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(30);
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(77);
        struct llmb_store_params p = llmb_store_default_params();
        struct llmb_store *s2 = NULL;
        struct llmb_error e2 = {0};
        if (llmb_store_open(t.db, &p, &s2, &e2) == 0 || !strstr(e2.msg, "cannot be written"))
            _exit(1);
        p.flags = LLMB_STORE_READONLY; /* reading it still works, even in a read-only folder */
        if (llmb_store_open(t.db, &p, &s2, &e2) != 0) {
            fprintf(stderr, "read-only open: %s\n", e2.msg);
            _exit(2);
        }
        struct llmb_store_record *v2;
        size_t n2;
        int rc = llmb_store_query(s2, NULL, &v2, &n2, &e2);
        if (rc)
            fprintf(stderr, "read-only query: %s\n", e2.msg);
        llmb_store_records_free(v2, rc ? 0 : n2);
        llmb_store_close(s2);
        _exit(rc || n2 != 1 ? 3 : 0);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) != 77)
        assert_int_equal(WEXITSTATUS(status), 0);
    char *after = slurp(t.db, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);
    chmod(t.dir, 0755);
    tmp_free(&t);
}

static void test_locked(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    llmb_store_close(open_ok(t.db, 0));
    sqlite3 *holder;
    assert_int_equal(sqlite3_open(t.db, &holder), SQLITE_OK);
    assert_int_equal(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    struct llmb_store_params p = llmb_store_default_params();
    p.lock_wait_s = 0.3;
    struct llmb_store *s = NULL;
    struct llmb_error e = {0};
    OK(llmb_store_open(t.db, &p, &s, &e)); /* readers are not blocked in WAL mode */
    struct llmb_run_info ri = {.command = "x"};
    int64_t id;
    uint64_t t0 = llmb_clock_ns();
    assert_int_not_equal(llmb_store_begin_run(s, &ri, &id, &e), 0);
    double waited = (double)(llmb_clock_ns() - t0) / 1e9;
    assert_true(waited >= 0.25 && waited < 3.0);
    if (!strstr(e.msg, "is locked by another process"))
        fail_msg("%s", e.msg);
    /* the lock goes away: the same handle works */
    sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(holder);
    OK(llmb_store_begin_run(s, &ri, &id, &e));
    llmb_store_close(s);
    tmp_free(&t);
}

/* ---- writes and reads ----------------------------------------------------- */

static void test_put_and_query(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    struct llmb_store *s = open_ok(t.db, 0);
    int64_t run = begin(s, "baseline, ci", "plan-1");
    struct fake a, b;
    fake_result(&a, "m.gguf", 16, 0, 4, 5, 2e6);
    fake_result(&b, "m.gguf", 0, 8, 4, 3, 4e6);
    put(s, run, &a.r);
    char key[LLMB_STORE_KEY_MAX];
    struct llmb_error e = {0};
    OK(llmb_store_instance_key(s, &a.r.inst, key, sizeof key, &e));
    assert_int_equal(llmb_store_instance_done(s, run, key, &e), 1);
    OK(llmb_store_instance_key(s, &b.r.inst, key, sizeof key, &e));
    OK(llmb_store_instance_done(s, run, key, &e));
    put(s, run, &b.r);
    put(s, run, &a.r); /* again: kept once */
    assert_int_equal(llmb_store_instance_done(s, run + 1, key, &e), 0); /* another run */
    OK(llmb_store_end_run(s, run, LLMB_RUN_COMPLETE, &e));
    assert_int_not_equal(llmb_store_end_run(s, 999, LLMB_RUN_COMPLETE, &e), 0);
    assert_non_null(strstr(e.msg, "no run 999"));
    assert_int_not_equal(llmb_store_put_result(s, 999, &a.r, &e), 0);
    assert_non_null(strstr(e.msg, "no run 999"));

    struct llmb_store_record *v;
    size_t n;
    OK(llmb_store_query(s, NULL, &v, &n, &e));
    assert_int_equal(n, 2);
    const struct llmb_result *r = &v[0].r;
    assert_int_equal(v[0].run_id, run);
    assert_string_equal(r->inst.model, "m.gguf");
    assert_string_equal(r->inst.type_k, "f16");
    assert_int_equal(r->inst.n_prompt, 16);
    assert_int_equal(r->inst.n_gen, 0);
    assert_int_equal(r->inst.n_threads, 4);
    assert_int_equal(r->inst.n_gpu_layers, -1);
    assert_int_equal(r->applied.n_ctx, 16);
    assert_string_equal(r->model.desc, "llama 1M Q4_0");
    assert_string_equal(r->model.quant, "Q4_0");
    assert_string_equal(r->model.gpu_info, "Fake GPU 9000");
    assert_int_equal(r->model.n_params, 1000000);
    assert_int_equal(r->peak_rss, 123456789);
    assert_string_equal(r->test_time, "2024-05-01T10:00:00Z");
    assert_int_equal(r->n_samples, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(r->total_ns[i], a.total[i]);
        assert_int_equal(r->pp_ns[i], a.pp[i]);
        assert_int_equal(r->ttft_ns[i], a.ttft[i]);
    }
    assert_int_equal(r->ts.n, 5);
    assert_true(fabs(r->ts.mean - a.r.ts.mean) < 1e-9);
    assert_true(fabs(r->ts.ci95_half - a.r.ts.ci95_half) < 1e-6);
    assert_int_equal(r->pp_ts.n, 0);
    assert_string_equal(v[0].tags, "baseline,ci");
    assert_true(isnan(v[0].kld));
    assert_int_equal(v[1].r.n_samples, 3);
    assert_int_equal(v[1].r.inst.n_gen, 8);
    llmb_store_records_free(v, n);

    struct llmb_store_run *runs;
    OK(llmb_store_list_runs(s, NULL, &runs, &n, &e));
    assert_int_equal(n, 1);
    assert_int_equal(runs[0].status, LLMB_RUN_COMPLETE);
    assert_int_equal(runs[0].n_done, 2);
    assert_int_equal(runs[0].n_planned, 3);
    assert_string_equal(runs[0].tags, "baseline,ci");
    assert_string_equal(runs[0].plan_hash, "plan-1");
    assert_string_equal(runs[0].llmbench_version, LLMB_VERSION);
    assert_string_equal(runs[0].hw.gpu_info, "Fake GPU 9000");
    assert_true(runs[0].hw.cpu_cores >= 1);
    assert_true(runs[0].hw.mem_total > 0);
    assert_true(runs[0].finished_at[0] != 0);
    free(runs);
    llmb_store_close(s);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM samples"), 8);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM models"), 1);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM configurations"), 2);
    /* a lookup that cannot be answered says so (-1), it does not claim "not done" */
    sql(t.db, "ALTER TABLE test_instances RENAME TO gone");
    s = open_ok(t.db, 0);
    e.msg[0] = 0;
    assert_int_equal(llmb_store_instance_done(s, run, key, &e), -1);
    assert_non_null(strstr(e.msg, "looking up an instance failed: no such table"));
    llmb_store_close(s);
    tmp_free(&t);
}

static void test_filters(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    struct llmb_store *s = open_ok(t.db, 0);
    int64_t r1 = begin(s, "baseline", NULL), r2 = begin(s, "new", NULL);
    struct fake a, b;
    fake_result(&a, "/models/llama-7b-q4.gguf", 16, 0, 1, 3, 1e6);
    fake_result(&b, "/models/qwen-1b-q8.gguf", 16, 0, 1, 3, 1e6);
    snprintf(b.r.model.quant, sizeof b.r.model.quant, "Q8_0");
    snprintf(b.r.model.desc, sizeof b.r.model.desc, "qwen2 1B Q8_0");
    snprintf(b.r.model.backends, sizeof b.r.model.backends, "CUDA");
    put(s, r1, &a.r);
    put(s, r2, &a.r);
    put(s, r2, &b.r);
    struct llmb_error e = {0};
    struct llmb_store_quality q = {.kind = "kld", .value = 0.012, .stderr_value = NAN};
    OK(llmb_store_put_quality(s, r2, &b.r.model, &q, &e));
    q.kind = "bogus";
    assert_int_not_equal(llmb_store_put_quality(s, r2, &b.r.model, &q, &e), 0);

    const struct { const char *expr; size_t want; } cases[] = {
        {"tag=baseline", 1}, {"tag=new", 2},           {"model=QWEN", 1},       {"quant=q4", 2},
        {"device=cuda", 1},  {"device=cpu", 2},        {"tag=new,model=llama", 1}, {"since=2000-01-01", 3},
        {"until=2000-01-01", 0}, {"tag=none", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct llmb_store_filter f;
        OK(llmb_store_filter_parse(&f, cases[i].expr, &e));
        struct llmb_store_record *v;
        size_t n;
        OK(llmb_store_query(s, &f, &v, &n, &e));
        if (n != cases[i].want)
            fail_msg("%s: %zu results, want %zu", cases[i].expr, n, cases[i].want);
        if (!strcmp(cases[i].expr, "model=QWEN"))
            assert_true(fabs(v[0].kld - 0.012) < 1e-12);
        llmb_store_records_free(v, n);
    }
    struct llmb_store_filter f;
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)r2);
    OK(llmb_store_filter_parse(&f, id, &e));
    struct llmb_store_run *runs;
    size_t n;
    OK(llmb_store_list_runs(s, &f, &runs, &n, &e));
    assert_int_equal(n, 1);
    assert_int_equal(runs[0].id, r2);
    free(runs);
    OK(llmb_store_filter_parse(&f, "model=qwen", &e));
    OK(llmb_store_list_runs(s, &f, &runs, &n, &e));
    assert_int_equal(n, 1);
    assert_int_equal(runs[0].id, r2);
    free(runs);
    llmb_store_close(s);
    tmp_free(&t);
}

static void test_filter_parse(void **state)
{
    (void)state;
    struct llmb_store_filter f;
    struct llmb_error e = {0};
    OK(llmb_store_filter_parse(&f, "42", &e));
    assert_int_equal(f.run_id, 42);
    OK(llmb_store_filter_parse(&f, "since=2024-05-01,until=2024-05-31,host=box", &e));
    assert_string_equal(f.since, "2024-05-01T00:00:00Z");
    assert_string_equal(f.until, "2024-05-31T23:59:59Z");
    assert_string_equal(f.host, "box");
    OK(llmb_store_filter_parse(&f, "until=2024-05-31T10:30", &e));
    assert_string_equal(f.until, "2024-05-31T10:30:59Z");
    OK(llmb_store_filter_parse(&f, "since=2024-05-31 10:30:05Z", &e));
    assert_string_equal(f.since, "2024-05-31T10:30:05Z");
    const struct { const char *expr, *want; } bad[] = {
        {"color=red", "unknown filter 'color'"}, {"since=yesterday", "not a date"}, {"since=2024-13-01", "not a date"},
        {"run=abc", "not a run id"},             {"0", "not a run id"},            {"tag", "not a run id"},
        {"tag=a,,=b", "not key=value"},          {"", "empty selection"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_not_equal(llmb_store_filter_parse(&f, bad[i].expr, &e), 0);
        if (!strstr(e.msg, bad[i].want))
            fail_msg("%s: '%s' lacks '%s'", bad[i].expr, e.msg, bad[i].want);
    }
}

static void test_keys(void **state)
{
    (void)state;
    struct llmb_instance in = {.model = "/m/x.gguf", .n_gpu_layers = 99, .n_batch = 2048, .n_ubatch = 512,
                               .type_k = "q8_0", .type_v = "f16", .flash_attn = 1, .n_threads = 8, .n_depth = 0,
                               .n_prompt = 512, .n_gen = 0};
    char k1[LLMB_STORE_KEY_MAX], k2[LLMB_STORE_KEY_MAX];
    llmb_instance_key(&in, "abc", k1, sizeof k1);
    assert_string_equal(k1, "model=sha256:abc;ngl=99;b=2048;ub=512;ctk=q8_0;ctv=f16;fa=1;t=8;d=0;p=512;n=0");
    llmb_instance_key(&in, NULL, k2, sizeof k2);
    assert_string_equal(k2, "model=path:/m/x.gguf;ngl=99;b=2048;ub=512;ctk=q8_0;ctv=f16;fa=1;t=8;d=0;p=512;n=0");
    /* every parameter changes the key */
    int *fields[] = {&in.n_gpu_layers, &in.n_batch, &in.n_ubatch, &in.flash_attn, &in.n_threads, &in.n_depth,
                     &in.n_prompt, &in.n_gen};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        (*fields[i])++;
        llmb_instance_key(&in, "abc", k2, sizeof k2);
        assert_string_not_equal(k1, k2);
        (*fields[i])--;
    }
    in.type_v = "q4_0";
    llmb_instance_key(&in, "abc", k2, sizeof k2);
    assert_string_not_equal(k1, k2);

    const char *keys[] = {"a", "b"}, *swapped[] = {"b", "a"};
    char h1[65], h2[65], h3[65], h4[65];
    llmb_store_plan_hash(keys, 2, "r=5", h1);
    llmb_store_plan_hash(keys, 2, "r=5", h2);
    llmb_store_plan_hash(swapped, 2, "r=5", h3);
    llmb_store_plan_hash(keys, 2, "r=6", h4);
    assert_string_equal(h1, h2);
    assert_string_not_equal(h1, h3);
    assert_string_not_equal(h1, h4);
    assert_int_equal(strlen(h1), 64);
}

static void test_model_sha256(void **state)
{
    (void)state;
    const char *model = "../../shared/data/stories260K.gguf";
    if (access(model, R_OK) != 0)
        model = "../shared/data/stories260K.gguf";
    if (access(model, R_OK) != 0)
        skip();
    char h1[65], h2[65];
    struct llmb_error e = {0};
    OK(llmb_store_model_sha256(model, h1, &e));
    assert_int_equal(strlen(h1), 64);
    /* the same header in another file (data cut off) has the same identity */
    struct tmp t;
    tmp_make(&t);
    char cp[400];
    snprintf(cp, sizeof cp, "head -c 100000 '%s' > '%s/m.gguf'", model, t.dir);
    assert_int_equal(system(cp), 0);
    snprintf(cp, sizeof cp, "%s/m.gguf", t.dir);
    OK(llmb_store_model_sha256(cp, h2, &e));
    assert_string_equal(h1, h2);
    FILE *f = fopen(cp, "r+b");
    fseek(f, 40, SEEK_SET); /* inside the metadata */
    fputc('~', f);
    fclose(f);
    if (llmb_store_model_sha256(cp, h2, &e) == 0)
        assert_string_not_equal(h1, h2);
    snprintf(cp, sizeof cp, "%s/text.gguf", t.dir);
    f = fopen(cp, "w");
    fputs("not a model", f);
    fclose(f);
    assert_int_not_equal(llmb_store_model_sha256(cp, h2, &e), 0);
    assert_non_null(strstr(e.msg, "not a GGUF file"));
    tmp_free(&t);
}

/* ---- kill -9 -------------------------------------------------------------- */

/* Child: runs the plan on the null engine, storing each result; never returns. */
struct plan {
    struct llmb_bench_params bp;
    struct llmb_instance *v;
    size_t n;
    char keys[64][LLMB_STORE_KEY_MAX];
    const char *keyp[64];
    char hash[65];
};

static void plan_make(struct plan *p)
{
    memset(p, 0, sizeof *p);
    struct llmb_error e = {0};
    assert_int_equal(llmb_plan_parse_strs("null:pp_us=20:tg_us=300", &p->bp.models, &e), 0);
    assert_int_equal(llmb_plan_parse_ints("8,16,32", 0, &p->bp.n_prompt, &e), 0);
    assert_int_equal(llmb_plan_parse_ints("4,8", 0, &p->bp.n_gen, &e), 0);
    assert_int_equal(llmb_plan_parse_ints("1,2", 0, &p->bp.n_threads, &e), 0);
    assert_int_equal(llmb_bench_params_defaults(&p->bp, 1), 0);
    assert_int_equal(llmb_plan_expand(&p->bp, &p->v, &p->n, &e), 0);
    assert_int_equal(p->n, 10);
    for (size_t i = 0; i < p->n; i++) {
        llmb_instance_key(&p->v[i], NULL, p->keys[i], sizeof p->keys[i]);
        p->keyp[i] = p->keys[i];
    }
    llmb_store_plan_hash(p->keyp, p->n, "r=20", p->hash);
}

static void plan_free(struct plan *p)
{
    free(p->v);
    llmb_bench_params_free(&p->bp);
}

struct sink {
    struct llmb_store *s;
    int64_t run;
};

static int store_result(const struct llmb_result *r, void *user)
{
    struct sink *k = user;
    struct llmb_error e = {0};
    return llmb_store_put_result(k->s, k->run, r, &e);
}

/* Runs instances not yet done in the run (all when run is new). */
static int run_pending(struct plan *p, struct llmb_store *s, int64_t run)
{
    struct llmb_instance todo[64];
    size_t m = 0;
    struct llmb_error e = {0};
    for (size_t i = 0; i < p->n; i++)
        if (llmb_store_instance_done(s, run, p->keys[i], &e) == 0)
            todo[m++] = p->v[i];
    struct llmb_run_params rp = llmb_run_default_params();
    rp.reps = 20;
    struct sink k = {s, run};
    struct llmb_runner_hooks h = {.on_result = store_result, .user = &k};
    return m ? llmb_runner_run(llmb_engine_find("null"), todo, m, &rp, &h, &e) : 0;
}

static void test_kill_and_resume(void **state)
{
    (void)state;
    struct plan p;
    plan_make(&p);
    unsigned seed = 12345;
    for (int round = 0; round < 4; round++) {
        struct tmp t;
        tmp_make(&t);
        llmb_store_close(open_ok(t.db, 0));
        pid_t pid = fork();
        if (pid == 0) {
            alarm(30);
            struct llmb_store *s = open_ok(t.db, 0);
            int64_t run = begin(s, "sweep", p.hash);
            run_pending(&p, s, run);
            pause(); /* finished before the kill: wait for it */
            _exit(0);
        }
        /* kill at a random moment of the sweep (it takes about 150 ms) */
        struct timespec d = {0, (long)(5 + rand_r(&seed) % 120) * 1000000L};
        nanosleep(&d, NULL);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        assert_true(WIFSIGNALED(status));
        assert_true(integrity_ok(t.db));
        long long done = sql_int(t.db, "SELECT count(*) FROM test_instances");
        /* every stored instance is whole: all its samples and its metrics */
        assert_int_equal(sql_int(t.db, "SELECT count(*) FROM test_instances ti WHERE n_samples !="
                                       " (SELECT count(*) FROM samples s WHERE s.instance_id = ti.id)"),
                         0);
        assert_int_equal(sql_int(t.db, "SELECT count(*) FROM samples"), done * 20);
        assert_int_equal(sql_int(t.db, "SELECT count(*) FROM test_instances ti WHERE NOT EXISTS"
                                       " (SELECT 1 FROM metrics m WHERE m.instance_id = ti.id AND m.metric = 'ts')"),
                         0);
        /* resume: the interrupted run is found and only what is missing runs */
        struct llmb_store *s = open_ok(t.db, 0);
        struct llmb_error e = {0};
        int64_t run = 0;
        OK(llmb_store_find_resumable(s, p.hash, &run, &e));
        if (run > 0)
            OK(llmb_store_resume_run(s, run, &e));
        else /* killed before its run began */
            run = begin(s, "sweep", p.hash);
        assert_int_equal(run_pending(&p, s, run), 0);
        OK(llmb_store_end_run(s, run, LLMB_RUN_COMPLETE, &e));
        int64_t again = 0;
        OK(llmb_store_find_resumable(s, p.hash, &again, &e));
        assert_int_equal(again, 0); /* complete runs are not resumable */
        llmb_store_close(s);
        assert_true(integrity_ok(t.db));
        assert_int_equal(sql_int(t.db, "SELECT count(*) FROM test_instances"), (long long)p.n);
        assert_int_equal(sql_int(t.db, "SELECT count(DISTINCT instance_key) FROM test_instances"), (long long)p.n);
        for (size_t i = 0; i < p.n; i++) {
            char q[LLMB_STORE_KEY_MAX + 100];
            snprintf(q, sizeof q, "SELECT count(*) FROM test_instances WHERE instance_key = '%s'", p.keys[i]);
            assert_int_equal(sql_int(t.db, q), 1);
        }
        assert_int_equal(sql_int(t.db, "SELECT count(*) FROM runs"), 1);
        assert_int_equal(sql_int(t.db, "SELECT count(*) FROM samples"), (long long)p.n * 20);
        tmp_free(&t);
    }
    plan_free(&p);
}

static void test_resumable_skips_live_run(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    struct llmb_store *s = open_ok(t.db, 0);
    int64_t run = begin(s, NULL, "h");
    struct llmb_error e = {0};
    int64_t found = -1;
    /* our own running run is resumable (this process is the one running it) */
    OK(llmb_store_find_resumable(s, "h", &found, &e));
    assert_int_equal(found, run);
    /* a run held by another live process on this host is not */
    pid_t pid = fork();
    if (pid == 0) {
        alarm(30);
        pause();
        _exit(0);
    }
    char q[200];
    snprintf(q, sizeof q, "UPDATE runs SET pid = %d WHERE id = %lld", (int)pid, (long long)run);
    sql(t.db, q);
    OK(llmb_store_find_resumable(s, "h", &found, &e));
    assert_int_equal(found, 0);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    OK(llmb_store_find_resumable(s, "h", &found, &e));
    assert_int_equal(found, run);
    OK(llmb_store_end_run(s, run, LLMB_RUN_INTERRUPTED, &e));
    OK(llmb_store_find_resumable(s, "h", &found, &e));
    assert_int_equal(found, run);
    OK(llmb_store_find_resumable(s, "other", &found, &e));
    assert_int_equal(found, 0);
    llmb_store_close(s);
    tmp_free(&t);
}

static void test_default_path(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    char old_xdg[512] = "", buf[1024];
    const char *x = getenv("XDG_DATA_HOME");
    if (x)
        snprintf(old_xdg, sizeof old_xdg, "%s", x);
    char xdg[400];
    snprintf(xdg, sizeof xdg, "%s/data/deep", t.dir);
    setenv("XDG_DATA_HOME", xdg, 1);
    struct llmb_error e = {0};
    OK(llmb_store_default_path(buf, sizeof buf, &e));
    char want[512];
    snprintf(want, sizeof want, "%s/llmbench/results.db", xdg);
    assert_string_equal(buf, want);
    struct stat sb;
    snprintf(want, sizeof want, "%s/llmbench", xdg);
    assert_int_equal(stat(want, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    unsetenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    char oldhome[512] = "";
    if (home)
        snprintf(oldhome, sizeof oldhome, "%s", home);
    setenv("HOME", t.dir, 1);
    OK(llmb_store_default_path(buf, sizeof buf, &e));
    snprintf(want, sizeof want, "%s/.local/share/llmbench/results.db", t.dir);
    assert_string_equal(buf, want);
    if (home)
        setenv("HOME", oldhome, 1);
    if (x)
        setenv("XDG_DATA_HOME", old_xdg, 1);
    else
        unsetenv("XDG_DATA_HOME");
    tmp_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_migrate_from_v1),
        cmocka_unit_test(test_refuse_newer),
        cmocka_unit_test(test_refuse_corrupt_and_foreign),
        cmocka_unit_test(test_readonly),
        cmocka_unit_test(test_locked),
        cmocka_unit_test(test_put_and_query),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_filter_parse),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_model_sha256),
        cmocka_unit_test(test_kill_and_resume),
        cmocka_unit_test(test_resumable_skips_live_run),
        cmocka_unit_test(test_default_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
