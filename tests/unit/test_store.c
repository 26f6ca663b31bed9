/* test_store.c - the results store (src/store/): schema creation, migration
 * (from version 1, and from a real version-3 store: tests/fixtures/
 * store-v3.db, every row kept) and refusal of newer/foreign/corrupted/
 * read-only/locked databases (files left byte for byte as they were),
 * one-transaction writes that a SIGKILL cannot split, resume after a kill,
 * instance keys, filters and queries; quality results (ppl, kld, suite)
 * stored through put_result and read back by query, get_answers, export,
 * import, results, compare and recommend; model families. */
#define _GNU_SOURCE /* memmem */
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
#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/clock.h"
#include "llmbench/bandwidth.h"
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
                            "metrics", "quality_results", "prompt_responses", "families", "family_members"};
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

static char fixture_dir[1024]; /* tests/fixtures, from this file's path */

/* Counts of every table of a store, in a fixed order. */
static const char *const v3_tables[] = {"runs", "run_tags", "hardware", "models", "configurations",
                                        "test_instances", "samples", "metrics", "quality_results",
                                        "prompt_responses"};
#define N_V3_TABLES (sizeof v3_tables / sizeof v3_tables[0])

static void table_counts(const char *db, long long *out)
{
    for (size_t i = 0; i < N_V3_TABLES; i++) {
        char q[128];
        snprintf(q, sizeof q, "SELECT count(*) FROM %s", v3_tables[i]);
        out[i] = sql_int(db, q);
    }
}

static void sql_text(const char *path, const char *q, char *buf, size_t len)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", q, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(st, 0);
    snprintf(buf, len, "%s", t ? (const char *)t : "(null)");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static double sql_real(const char *path, const char *q)
{
    char buf[64];
    sql_text(path, q, buf, sizeof buf);
    return strcmp(buf, "(null)") ? atof(buf) : NAN;
}

/* A store written by schema 3's code (tests/fixtures/make_store_v3.c), copied
 * and opened: migrated to the latest schema, every row kept with its values;
 * then refused once its version is newer than this build knows. */
static void test_migrate_from_v3(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "cp '%s/store-v3.db' '%s'", fixture_dir, t.db);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(sql_int(t.db, "PRAGMA user_version"), 3);
    long long before[N_V3_TABLES], after[N_V3_TABLES];
    table_counts(t.db, before);
    const long long want[N_V3_TABLES] = {2, 3, 2, 3, 4, 4, 12, 7, 2, 1}; /* what the fixture holds */
    for (size_t i = 0; i < N_V3_TABLES; i++)
        if (before[i] != want[i])
            fail_msg("fixture: %s has %lld rows, want %lld", v3_tables[i], before[i], want[i]);
    char keys_before[4][LLMB_STORE_KEY_MAX];
    for (int i = 0; i < 4; i++) {
        char q[128];
        snprintf(q, sizeof q, "SELECT instance_key FROM test_instances WHERE id = %d", i + 1);
        sql_text(t.db, q, keys_before[i], sizeof keys_before[i]);
    }
    open_fails(t.db, LLMB_STORE_READONLY, 1, "needs an upgrade to 8");

    struct llmb_store *s = open_ok(t.db, 0);
    assert_int_equal(llmb_store_schema_version(s), 8);
    assert_int_equal(llmb_store_schema_latest(), 8);
    llmb_store_close(s);
    assert_int_equal(sql_int(t.db, "PRAGMA user_version"), 8);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM schema_version"), 8);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM sqlite_schema WHERE name = 'test_instances'"
                                   " AND sql LIKE '%''suite'',''load'')%'"),
                     1); /* schema 8: a load test may be stored */
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM test_instances WHERE extra = '{}'"), 4); /* schema 5 */
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM samples WHERE token_ns IS NOT NULL"), 0); /* schema 7 */
    assert_true(integrity_ok(t.db));
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    table_counts(t.db, after);
    for (size_t i = 0; i < N_V3_TABLES; i++)
        if (before[i] != after[i])
            fail_msg("%s: %lld rows before the migration, %lld after", v3_tables[i], before[i], after[i]);
    for (int i = 0; i < 4; i++) { /* speed keys are byte for byte what they were */
        char q[128], k[LLMB_STORE_KEY_MAX];
        snprintf(q, sizeof q, "SELECT instance_key FROM test_instances WHERE id = %d", i + 1);
        sql_text(t.db, q, k, sizeof k);
        assert_string_equal(k, keys_before[i]);
    }
    /* old rows: speed tests, quality rows without an instance */
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM test_instances WHERE kind = 'speed'"), 4);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM quality_results WHERE instance_id IS NULL"), 2);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM prompt_responses WHERE instance_id IS NULL"), 1);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM families"), 0);
    char buf[256];
    sql_text(t.db, "SELECT error FROM test_instances WHERE status = 'failed'", buf, sizeof buf);
    assert_string_equal(buf, "worker killed by SIGKILL (out of memory?)");
    sql_text(t.db, "SELECT response FROM prompt_responses", buf, sizeof buf);
    assert_string_equal(buf, "It is 4.");
    assert_true(fabs(sql_real(t.db, "SELECT tpot_ms FROM prompt_responses") - 12.1875) < 1e-12);
    sql_text(t.db, "SELECT m.path FROM quality_results q JOIN models m ON m.id = q.reference_model_id", buf,
             sizeof buf);
    assert_string_equal(buf, "/models/qwen-1b-f16.gguf");
    assert_true(fabs(sql_real(t.db, "SELECT stderr FROM quality_results WHERE kind = 'kld'") - 0.0004) < 1e-15);
    assert_int_equal(sql_int(t.db, "SELECT total_ns FROM samples WHERE instance_id = 1 AND rep = 4"), 2080000);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM results"), 4); /* the view, rebuilt with kind */
    sql_text(t.db, "SELECT kind FROM results WHERE instance_id = 4", buf, sizeof buf);
    assert_string_equal(buf, "speed");

    /* the API reads the old rows as before */
    s = open_ok(t.db, LLMB_STORE_READONLY);
    struct llmb_store_record *v;
    size_t n;
    struct llmb_error e = {0};
    struct llmb_store_filter done_only;
    memset(&done_only, 0, sizeof done_only);
    done_only.complete_only = 1;
    OK(llmb_store_query(s, NULL, &v, &n, &e)); /* a failed test comes back with its reason */
    assert_int_equal(n, 4);
    size_t n_failed = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].r.error) {
            n_failed++;
            assert_string_equal(v[i].r.error, "worker killed by SIGKILL (out of memory?)");
            assert_int_equal(v[i].r.n_samples, 0);
        }
    assert_int_equal(n_failed, 1);
    llmb_store_records_free(v, n);
    OK(llmb_store_query(s, &done_only, &v, &n, &e));
    assert_int_equal(n, 3); /* complete_only: the results */
    assert_int_equal(v[0].r.inst.kind, LLMB_WL_SPEED);
    assert_string_equal(v[0].test, "pp16");
    assert_string_equal(v[0].instance_key, keys_before[0]);
    assert_int_equal(v[0].r.n_samples, 5);
    assert_int_equal(v[0].r.total_ns[0], 2000000);
    assert_string_equal(v[0].tags, "baseline,ci");
    assert_true(fabs(v[0].ppl - 7.25) < 1e-12); /* a quality row of schema 2 still counts */
    assert_true(isnan(v[0].kld));
    assert_string_equal(v[2].test, "pp16+tg8 @ d64");
    assert_true(fabs(v[2].kld - 0.0123) < 1e-12);
    assert_int_equal(v[2].r.inst.n_depth, 64);
    assert_null(v[2].r.answers);
    llmb_store_records_free(v, n);
    struct llmb_store_run *runs;
    OK(llmb_store_list_runs(s, NULL, &runs, &n, &e));
    assert_int_equal(n, 2);
    assert_int_equal(runs[1].status, LLMB_RUN_INTERRUPTED);
    assert_string_equal(runs[0].hw.cpu_name, "Fake CPU 3000");
    assert_int_equal(runs[0].n_done, 3);
    free(runs);
    llmb_store_close(s);

    /* a version this build does not know: refused, the file untouched */
    llmb_store_close(open_ok(t.db, 0)); /* checkpoints the WAL into the file */
    char q[64];
    snprintf(q, sizeof q, "PRAGMA user_version = %d", llmb_store_schema_latest() + 1);
    sql(t.db, q);
    size_t n0, n1;
    char *b0 = slurp(t.db, &n0);
    char newer[96];
    snprintf(newer, sizeof newer, "has schema version %d, newer than this llmbench knows (%d)",
             llmb_store_schema_latest() + 1, llmb_store_schema_latest());
    open_fails(t.db, 0, 1, newer);
    open_fails(t.db, LLMB_STORE_READONLY, 1, "newer than this llmbench knows");
    char *b1 = slurp(t.db, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(b0, b1, n0);
    free(b0);
    free(b1);
    /* the fixture itself was not touched */
    snprintf(cmd, sizeof cmd, "%s/store-v3.db", fixture_dir);
    assert_int_equal(sql_int(cmd, "PRAGMA user_version"), 3);
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
    OK(llmb_store_filter_parse(&f, "kind=suite,tag=x", &e));
    assert_string_equal(f.kind, "suite");
    const struct { const char *expr, *want; } bad[] = {
        {"color=red", "unknown filter 'color'"}, {"since=yesterday", "not a date"}, {"since=2024-13-01", "not a date"},
        {"run=abc", "not a run id"},             {"0", "not a run id"},            {"tag", "not a run id"},
        {"tag=a,,=b", "not key=value"},          {"", "empty selection"},
        {"kind=bench", "not a workload kind"},   {"kind=", "not a workload kind"},
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
    in.type_v = "f16";

    /* quality kinds: their own keys, every setting of the spec in them */
    struct llmb_quality_spec q = {.text_path = "/t/wiki.txt", .text_sha256 = "feed", .n_ctx = 512, .n_batch = 2048,
                                  .n_chunks = -1, .top_k = 32, .suite_id = "default-v1", .max_tokens = 128,
                                  .temperature = 0, .seed = 7};
    in.q = &q;
    in.kind = LLMB_WL_PPL;
    llmb_instance_key(&in, "abc", k1, sizeof k1);
    assert_string_equal(k1, "kind=ppl;model=sha256:abc;t=8;text=sha256:feed;c=512;b=2048;chunks=-1;topk=32;"
                            "ngl=99;ub=512;ctk=q8_0;ctv=f16;fa=1");
    in.kind = LLMB_WL_KLD;
    in.ref_model = "/m/f16.gguf";
    llmb_instance_key(&in, "abc", k1, sizeof k1);
    assert_string_equal(k1, "kind=kld;model=sha256:abc;t=8;text=sha256:feed;c=512;b=2048;chunks=-1;topk=32;"
                            "ref=path:/m/f16.gguf;ngl=99;ub=512;ctk=q8_0;ctv=f16;fa=1");
    llmb_instance_key_ref(&in, "abc", "beef", k2, sizeof k2);
    assert_non_null(strstr(k2, ";ref=sha256:beef;"));
    in.kind = LLMB_WL_SUITE;
    llmb_instance_key(&in, NULL, k1, sizeof k1);
    assert_string_equal(k1, "kind=suite;model=path:/m/x.gguf;t=8;suite=default-v1;maxtok=128;temp=0;seed=7;"
                            "ref=path:/m/f16.gguf;ngl=99;ub=512;ctk=q8_0;ctv=f16;fa=1");
    q.temperature = 0.8;
    llmb_instance_key(&in, NULL, k2, sizeof k2);
    assert_string_not_equal(k1, k2);
    q.temperature = 0;
    q.text_sha256[0] = 0; /* a text not hashed is named by its path */
    in.kind = LLMB_WL_PPL;
    llmb_instance_key(&in, "abc", k1, sizeof k1);
    assert_non_null(strstr(k1, ";text=path:/t/wiki.txt;"));
    int *qfields[] = {&q.n_ctx, &q.n_batch, &q.n_chunks, &q.top_k};
    for (size_t i = 0; i < sizeof qfields / sizeof qfields[0]; i++) {
        (*qfields[i])++;
        llmb_instance_key(&in, "abc", k2, sizeof k2);
        assert_string_not_equal(k1, k2);
        (*qfields[i])--;
    }
    in.kind = LLMB_WL_SPEED; /* the speed key ignores every quality setting */
    llmb_instance_key(&in, "abc", k1, sizeof k1);
    assert_string_equal(k1, "model=sha256:abc;ngl=99;b=2048;ub=512;ctk=q8_0;ctv=f16;fa=1;t=8;d=0;p=512;n=0");

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
    const char *model = LLMB_TEST_DATA "/stories260K.gguf";
    if (access(model, R_OK) != 0)
        skip(); /* reported: .ci/run fails a skipped test when the data is there */
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
    /* one letter of a token's text changed: still a sound header, another identity */
    FILE *f = fopen(cp, "r+b");
    assert_non_null(f);
    static char buf[100000];
    size_t n = fread(buf, 1, sizeof buf, f);
    char *at = memmem(buf, n, "<unk>", 5);
    assert_non_null(at);
    fseek(f, (long)(at - buf) + 1, SEEK_SET);
    fputc('U', f);
    fclose(f);
    OK(llmb_store_model_sha256(cp, h2, &e));
    assert_string_not_equal(h1, h2);
    snprintf(cp, sizeof cp, "%s/text.gguf", t.dir);
    f = fopen(cp, "w");
    fputs("not a model", f);
    fclose(f);
    assert_int_not_equal(llmb_store_model_sha256(cp, h2, &e), 0);
    assert_non_null(strstr(e.msg, "not a GGUF file"));
    tmp_free(&t);
}

/* ---- quality kinds -------------------------------------------------------- */

#define TEXT_SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define REF_MODEL "/models/ref-f16.gguf"

/* A quality result as the runner would deliver it, with what it borrows. */
struct qfake {
    struct fake f;
    struct llmb_quality_spec q;
    struct llmb_suite suite;
    struct llmb_suite_item items[3];
    struct llmb_suite_answer ans[3];
};

/* kind on model: ppl (value ppl +/- 0.05), kld against REF_MODEL (mean kld,
 * top-1 93%...) or the 3-prompt suite (pass 1 of 2 checked, similarity 0.9
 * and 0.5 of 2). */
static void qfake_make(struct qfake *x, int kind, const char *model, double ppl, double kld)
{
    memset(x, 0, sizeof *x);
    fake_result(&x->f, model, 0, 0, 4, 0, 0);
    struct llmb_result *r = &x->f.r;
    r->applied.n_ctx = 256;
    x->q = (struct llmb_quality_spec){.text_path = "/data/texts/wiki.test.raw", .text_sha256 = TEXT_SHA, .n_ctx = 256,
                                      .n_batch = 2048, .n_chunks = -1, .top_k = 32, .suite = &x->suite,
                                      .suite_id = "default-v1-3f2a", .max_tokens = 64, .temperature = 0.7,
                                      .seed = 42};
    r->inst.kind = kind;
    r->inst.q = &x->q;
    if (kind != LLMB_WL_PPL)
        r->inst.ref_model = REF_MODEL;
    if (kind == LLMB_WL_KLD)
        r->inst.ref_in = "/tmp/ref.kld";
    struct llmb_ppl_result *p = &r->ppl;
    if (kind == LLMB_WL_PPL || kind == LLMB_WL_KLD) {
        *p = (struct llmb_ppl_result){.ppl = ppl, .ppl_err = 0.05, .n_ctx = 256, .n_chunks = 8, .n_scored = 1016,
                                      .n_text_tokens = 2100, .seconds = 3.5, .tokens_per_s = 585.25};
        if (kind == LLMB_WL_KLD) {
            p->have_kld = 1;
            p->ref_ppl = ppl / 1.05;
            p->ppl_ratio = 1.05;
            p->kld_mean = kld;
            p->kld_err = 0.0004;
            p->kld_median = 0.004;
            p->kld_p99 = 0.09;
            p->kld_max = 1.5;
            p->top1 = 0.93;
            p->top1_err = 0.004;
            p->rms_dp = 0.035;
            p->rms_dp_err = 0.001;
            p->mean_dp = -0.002;
            p->mean_dp_err = 0.0005;
        }
    }
    if (kind == LLMB_WL_SUITE) {
        x->suite.name = (char *)"default";
        x->suite.version = 1;
        x->suite.n = 3;
        x->suite.items = x->items;
        x->items[0] = (struct llmb_suite_item){(char *)"arith-1", (char *)"math", (char *)"What is 2+2?",
                                               LLMB_CHECK_NUMBER, 4, NULL, 0};
        x->items[1] = (struct llmb_suite_item){(char *)"fact-1", (char *)"facts", (char *)"Where is Paris?",
                                               LLMB_CHECK_CONTAINS, 0, (char *)"France", 1};
        x->items[2] = (struct llmb_suite_item){(char *)"open-1", (char *)"writing", (char *)"Write a haiku.",
                                               LLMB_CHECK_NONE, 0, NULL, 0};
        const char *resp[] = {"4", "Paris is in Germany.", "Leaves fall / quietly"};
        const int gen[] = {2, 6, 17}, pass[] = {1, 0, -1};
        const double sim[] = {0.9, 0.5, -1};
        for (int i = 0; i < 3; i++)
            x->ans[i] = (struct llmb_suite_answer){.response = (char *)resp[i], .n_gen = gen[i],
                                                   .n_prompt = 20 + i, .template_used = 1, .stopped = i < 2,
                                                   .ttft_ms = 15 + i, .tg_ts = 50 + i,
                                                   .total_ms = 15 + i + 10.0 * gen[i], .pass = pass[i],
                                                   .similarity = sim[i]};
        r->answers = x->ans;
        r->n_answers = 3;
    }
}

/* A store with a speed test, a ppl, a kld and a suite test of Q4 model
 * "/models/q4.gguf" in run 1 (tag base), and in run 2 (tag new) the same
 * quality tests with PPL 10% higher, KLD doubled and a failed kld test.
 * PPL 10.0 (ppl test), 10.5 (kld test); KLD 0.0123. */
static void quality_store(const char *db)
{
    struct llmb_store *s = open_ok(db, 0);
    int64_t r1 = begin(s, "base", NULL), r2 = begin(s, "new", NULL);
    struct fake sp;
    struct qfake *x = calloc(1, sizeof *x);
    fake_result(&sp, "/models/q4.gguf", 16, 0, 4, 3, 1e6);
    double ns[3] = {(double)sp.total[0], (double)sp.total[1], (double)sp.total[2]};
    llmb_stats_compute(ns, 3, &sp.r.total_ns_stats);
    put(s, r1, &sp.r);
    qfake_make(x, LLMB_WL_PPL, "/models/q4.gguf", 10.0, 0);
    put(s, r1, &x->f.r);
    qfake_make(x, LLMB_WL_KLD, "/models/q4.gguf", 10.5, 0.0123);
    put(s, r1, &x->f.r);
    put(s, r1, &x->f.r); /* the same key again: kept once */
    qfake_make(x, LLMB_WL_SUITE, "/models/q4.gguf", 0, 0);
    put(s, r1, &x->f.r);
    qfake_make(x, LLMB_WL_PPL, "/models/q4.gguf", 11.0, 0);
    put(s, r2, &x->f.r);
    qfake_make(x, LLMB_WL_KLD, "/models/q4.gguf", 11.55, 0.0246);
    put(s, r2, &x->f.r);
    qfake_make(x, LLMB_WL_KLD, "/models/other.gguf", 0, 0);
    x->f.r.error = "worker killed by SIGSEGV";
    put(s, r2, &x->f.r);
    struct llmb_error e = {0};
    OK(llmb_store_end_run(s, r1, LLMB_RUN_COMPLETE, &e));
    OK(llmb_store_end_run(s, r2, LLMB_RUN_COMPLETE, &e));
    free(x);
    llmb_store_close(s);
}

static void test_quality_put_and_query(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    quality_store(t.db);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM test_instances"), 7);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM test_instances WHERE kind = 'kld'"), 3);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM test_instances WHERE status = 'failed'"), 1);
    /* ppl: one row; kld: a ppl and a kld row; suite: three answers; the failed test: nothing */
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM quality_results"), 6);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM quality_results WHERE kind = 'kld'"), 2);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM prompt_responses"), 3);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM samples"), 3);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM quality_results q JOIN test_instances ti ON"
                                   " ti.id = q.instance_id WHERE ti.kind IN ('ppl','kld')"), 6);
    char buf[LLMB_STORE_KEY_MAX];
    sql_text(t.db, "SELECT test FROM test_instances WHERE kind = 'ppl' LIMIT 1", buf, sizeof buf);
    assert_string_equal(buf, "ppl c256");
    sql_text(t.db, "SELECT test FROM test_instances WHERE kind = 'kld' LIMIT 1", buf, sizeof buf);
    assert_string_equal(buf, "kld c256");
    sql_text(t.db, "SELECT test FROM test_instances WHERE kind = 'suite'", buf, sizeof buf);
    assert_string_equal(buf, "suite default");
    sql_text(t.db, "SELECT instance_key FROM test_instances WHERE kind = 'ppl' LIMIT 1", buf, sizeof buf);
    assert_string_equal(buf, "kind=ppl;model=path:/models/q4.gguf;t=4;text=sha256:" TEXT_SHA
                             ";c=256;b=2048;chunks=-1;topk=32;ngl=-1;ub=512;ctk=f16;ctv=f16;fa=-1");
    sql_text(t.db, "SELECT instance_key FROM test_instances WHERE kind = 'suite'", buf, sizeof buf);
    assert_string_equal(buf, "kind=suite;model=path:/models/q4.gguf;t=4;suite=default-v1-3f2a;maxtok=64;temp=0.7;"
                             "seed=42;ref=path:" REF_MODEL ";ngl=-1;ub=512;ctk=f16;ctv=f16;fa=-1");
    /* a quality test's configuration: no prompt/gen shape, the spec's batch, what the engine applied */
    assert_int_equal(sql_int(t.db, "SELECT c.n_prompt + c.n_gen + c.n_depth FROM test_instances ti JOIN"
                                   " configurations c ON c.id = ti.config_id WHERE ti.kind = 'suite'"), 0);
    assert_int_equal(sql_int(t.db, "SELECT c.applied_n_ctx FROM test_instances ti JOIN configurations c ON"
                                   " c.id = ti.config_id WHERE ti.kind = 'ppl' LIMIT 1"), 256);
    /* every figure of the kld row is a column */
    const struct { const char *col; double want; } kcols[] = {
        {"value", 0.0123}, {"stderr", 0.0004}, {"median", 0.004},   {"p99", 0.09},      {"max", 1.5},
        {"top1", 0.93},    {"top1_err", 0.004}, {"rms_dp", 0.035}, {"rms_dp_err", 0.001}, {"ref_ppl", 10.0},
        {"n_scored", 1016}, {"n_ctx", 256},      {"n_chunks", 8},
    };
    for (size_t i = 0; i < sizeof kcols / sizeof kcols[0]; i++) {
        char q[200];
        snprintf(q, sizeof q, "SELECT %s FROM quality_results WHERE kind = 'kld' ORDER BY id LIMIT 1", kcols[i].col);
        double got = sql_real(t.db, q);
        if (!(fabs(got - kcols[i].want) < 1e-9))
            fail_msg("kld row: %s = %g, want %g", kcols[i].col, got, kcols[i].want);
    }
    sql_text(t.db, "SELECT text_sha256 || ' ' || dataset FROM quality_results WHERE kind = 'ppl' LIMIT 1", buf,
             sizeof buf);
    assert_string_equal(buf, TEXT_SHA " wiki.test.raw");
    assert_true(isnan(sql_real(t.db, "SELECT top1 FROM quality_results WHERE kind = 'ppl' LIMIT 1")));
    sql_text(t.db, "SELECT m.path || ' ' || (ti.reference_model_id = q.reference_model_id) FROM quality_results q"
                   " JOIN models m ON m.id = q.reference_model_id JOIN test_instances ti ON ti.id = q.instance_id"
                   " WHERE q.kind = 'kld' LIMIT 1",
             buf, sizeof buf);
    assert_string_equal(buf, REF_MODEL " 1");
    /* answers: in order, NULL where there is no check / no similarity */
    sql_text(t.db, "SELECT group_concat(prompt_id || ':' || category || ':' || check_kind || ':' ||"
                   " coalesce(pass, 'null') || ':' || coalesce(similarity, 'null'), ' ') FROM (SELECT * FROM"
                   " prompt_responses ORDER BY position)",
             buf, sizeof buf);
    assert_string_equal(buf, "arith-1:math:number:1:0.9 fact-1:facts:contains:0:0.5 open-1:writing:none:null:null");
    /* TPOT: (E2E - TTFT) / (tokens - 1) */
    assert_true(fabs(sql_real(t.db, "SELECT tpot_ms FROM prompt_responses WHERE position = 1") - 12.0) < 1e-9);
    sql_text(t.db, "SELECT suite || ' ' || seed || ' ' || temperature || ' ' || max_tokens || ' ' || tg_ts || ' ' ||"
                   " e2e_ms || ' ' || stopped || chat_template FROM prompt_responses WHERE position = 2",
             buf, sizeof buf);
    assert_string_equal(buf, "default-v1-3f2a 42 0.7 64 52.0 187.0 01");
    sql_text(t.db, "SELECT error FROM test_instances WHERE status = 'failed'", buf, sizeof buf);
    assert_string_equal(buf, "worker killed by SIGSEGV");

    struct llmb_store *s = open_ok(t.db, LLMB_STORE_READONLY);
    struct llmb_store_record *v;
    size_t n;
    struct llmb_error e = {0};
    OK(llmb_store_query(s, NULL, &v, &n, &e));
    assert_int_equal(n, 7); /* the failed kld test comes last, with its reason */
    assert_string_equal(v[6].r.error, "worker killed by SIGSEGV");
    assert_int_equal(v[6].r.inst.kind, LLMB_WL_KLD);
    llmb_store_records_free(v, n);
    struct llmb_store_filter done_only;
    memset(&done_only, 0, sizeof done_only);
    done_only.complete_only = 1;
    OK(llmb_store_query(s, &done_only, &v, &n, &e));
    assert_int_equal(n, 6);
    const int kinds[] = {LLMB_WL_SPEED, LLMB_WL_PPL, LLMB_WL_KLD, LLMB_WL_SUITE, LLMB_WL_PPL, LLMB_WL_KLD};
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v[i].r.inst.kind, kinds[i]);
    /* the speed test's model figures: its latest quality rows */
    assert_true(fabs(v[0].kld - 0.0246) < 1e-12);
    assert_true(fabs(v[0].ppl - 11.55) < 1e-12);
    assert_null(v[0].r.answers);
    /* ppl */
    const struct llmb_ppl_result *p = &v[1].r.ppl;
    assert_string_equal(v[1].test, "ppl c256");
    assert_true(fabs(p->ppl - 10.0) < 1e-12 && fabs(p->ppl_err - 0.05) < 1e-12);
    assert_int_equal(p->n_ctx, 256);
    assert_int_equal(p->n_chunks, 8);
    assert_int_equal(p->n_scored, 1016);
    assert_int_equal(p->n_text_tokens, 2100);
    assert_true(fabs(p->tokens_per_s - 585.25) < 1e-9);
    assert_int_equal(p->have_kld, 0);
    assert_true(isnan(p->kld_mean) && isnan(p->ref_ppl));
    assert_string_equal(v[1].dataset, "wiki.test.raw");
    assert_string_equal(v[1].dataset_sha256, TEXT_SHA);
    assert_string_equal(v[1].ref_model, "");
    assert_null(v[1].r.inst.q);
    assert_null(v[1].r.inst.ref_model);
    /* kld */
    p = &v[2].r.ppl;
    assert_int_equal(p->have_kld, 1);
    assert_true(fabs(p->ppl - 10.5) < 1e-12);
    assert_true(fabs(p->kld_mean - 0.0123) < 1e-12 && fabs(p->kld_err - 0.0004) < 1e-12);
    assert_true(fabs(p->kld_p99 - 0.09) < 1e-12 && fabs(p->kld_max - 1.5) < 1e-12);
    assert_true(fabs(p->top1 - 0.93) < 1e-12 && fabs(p->top1_err - 0.004) < 1e-12);
    assert_true(fabs(p->rms_dp - 0.035) < 1e-12 && fabs(p->mean_dp + 0.002) < 1e-12);
    assert_true(fabs(p->ref_ppl - 10.0) < 1e-12 && fabs(p->ppl_ratio - 1.05) < 1e-12);
    assert_string_equal(v[2].ref_model, REF_MODEL);
    assert_string_equal(v[2].r.inst.ref_model, REF_MODEL);
    assert_string_equal(v[2].ref_model_sha256, "");
    assert_non_null(strstr(v[2].instance_key, ";ref=path:" REF_MODEL ";"));
    /* suite */
    const struct llmb_store_record *su = &v[3];
    assert_string_equal(su->test, "suite default");
    assert_string_equal(su->suite, "default-v1-3f2a");
    assert_int_equal(su->r.n_answers, 3);
    assert_string_equal(su->r.answers[1].response, "Paris is in Germany.");
    assert_int_equal(su->r.answers[0].pass, 1);
    assert_int_equal(su->r.answers[2].pass, -1);
    assert_true(fabs(su->r.answers[0].similarity - 0.9) < 1e-12);
    assert_true(su->r.answers[2].similarity == -1);
    assert_int_equal(su->r.answers[2].n_gen, 17);
    assert_true(fabs(su->r.answers[1].total_ms - 76) < 1e-12);
    assert_int_equal(su->r.answers[2].stopped, 0);
    assert_string_equal(su->items[2].id, "open-1");
    assert_string_equal(su->items[1].category, "facts");
    assert_string_equal(su->items[0].prompt, "What is 2+2?");
    assert_int_equal(su->items[1].check, LLMB_CHECK_CONTAINS);
    assert_int_equal(su->seed, 42);
    assert_true(fabs(su->temperature - 0.7) < 1e-12);
    assert_int_equal(su->max_tokens, 64);
    assert_string_equal(su->ref_model, REF_MODEL);
    char suite_key[LLMB_STORE_KEY_MAX];
    snprintf(suite_key, sizeof suite_key, "%s", su->instance_key);
    int64_t suite_run = su->run_id;
    llmb_store_records_free(v, n);

    /* the kind filter */
    const struct { const char *expr; size_t want; } cases[] = {
        {"kind=speed", 1}, {"kind=ppl", 2}, {"kind=kld", 3 /* one failed */}, {"kind=suite", 1}, {"kind=kld,tag=new", 2},
        {"kind=suite,tag=new", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct llmb_store_filter f;
        OK(llmb_store_filter_parse(&f, cases[i].expr, &e));
        OK(llmb_store_query(s, &f, &v, &n, &e));
        if (n != cases[i].want)
            fail_msg("%s: %zu results, want %zu", cases[i].expr, n, cases[i].want);
        llmb_store_records_free(v, n);
    }
    struct llmb_store_filter f;
    OK(llmb_store_filter_parse(&f, "kind=suite", &e));
    struct llmb_store_run *runs;
    OK(llmb_store_list_runs(s, &f, &runs, &n, &e));
    assert_int_equal(n, 1);
    assert_int_equal(runs[0].id, suite_run);
    free(runs);

    /* get_answers: a resumed run's reference */
    struct llmb_suite_answer *a = NULL;
    OK(llmb_store_get_answers(s, suite_run, suite_key, &a, &n, &e));
    assert_int_equal(n, 3);
    assert_string_equal(a[0].response, "4");
    assert_string_equal(a[2].response, "Leaves fall / quietly");
    assert_int_equal(a[1].pass, 0);
    assert_true(fabs(a[1].similarity - 0.5) < 1e-12);
    assert_true(fabs(a[0].ttft_ms - 15) < 1e-12 && fabs(a[2].tg_ts - 52) < 1e-12);
    llmb_suite_answers_free(a, n);
    free(a);
    OK(llmb_store_get_answers(s, suite_run + 1, suite_key, &a, &n, &e)); /* not in that run */
    assert_int_equal(n, 0);
    assert_null(a);
    OK(llmb_store_get_answers(s, suite_run, "kind=suite;model=path:/nope", &a, &n, &e));
    assert_int_equal(n, 0);
    llmb_store_close(s);

    /* a quality row of a model known by path only still reaches a speed test of that file */
    s = open_ok(t.db, 0);
    int64_t r3 = begin(s, "other", NULL);
    struct fake sp;
    fake_result(&sp, "/models/q4.gguf", 0, 8, 4, 3, 1e6);
    snprintf(sp.r.model.desc, sizeof sp.r.model.desc, "llama 1M Q4_0 (renamed)"); /* another models row */
    put(s, r3, &sp.r);
    OK(llmb_store_filter_parse(&f, "tag=other", &e));
    OK(llmb_store_query(s, &f, &v, &n, &e));
    assert_int_equal(n, 1);
    assert_true(fabs(v[0].kld - 0.0246) < 1e-12);
    llmb_store_records_free(v, n);
    /* a result of no known kind is refused, nothing stored */
    struct qfake *x = calloc(1, sizeof *x);
    qfake_make(x, LLMB_WL_PPL, "/models/q4.gguf", 9, 0);
    x->f.r.inst.kind = 17;
    assert_int_not_equal(llmb_store_put_result(s, r3, &x->f.r, &e), 0);
    assert_non_null(strstr(e.msg, "unknown kind 17"));
    free(x);
    llmb_store_close(s);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM test_instances"), 8);
    tmp_free(&t);
}

/* The commands print their one error line here (main.c's, in the program). */
static char last_error[1024];

void llmb_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    fprintf(stderr, "llmbench: error: %s\n", last_error);
}

/* Runs a command in its skeleton (as main does) with its stdout in file
 * out; its exit status. */
static int capture(const char *cmd, const char *out, int argc, const char **argv)
{
    fflush(stdout);
    int saved = dup(1), fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 1);
    close(fd);
    int rc = llmb_cli_command_main(llmb_cli_command_find(cmd), argc, (char **)argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    return rc;
}

static int contains(const char *path, const char *text)
{
    size_t n;
    char *b = slurp(path, &n);
    b[n] = 0;
    int yes = strstr(b, text) != NULL;
    if (!yes)
        fprintf(stderr, "'%s' not in %s:\n%s\n", text, path, b);
    free(b);
    return yes;
}

static json_t *object_of_kind(json_t *a, const char *kind, const char *tag)
{
    size_t i;
    json_t *o;
    json_array_foreach(a, i, o) {
        json_t *k = json_object_get(o, "kind");
        if (((!kind && !k) || (kind && json_is_string(k) && !strcmp(json_string_value(k), kind))) &&
            !strcmp(json_string_value(json_object_get(o, "tags")), tag))
            return o;
    }
    fail_msg("no %s object tagged %s", kind ? kind : "speed", tag);
    return NULL;
}

#define REAL(o, k) json_real_value(json_object_get((o), (k)))

static void test_quality_export_import(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    quality_store(t.db);
    char out[400], csv[400], md[400];
    snprintf(out, sizeof out, "%s/all.json", t.dir);
    const char *argv[] = {"--db", t.db, "-f", "json", "-o", out};
    assert_int_equal(capture("export", "/dev/null", 6, argv), 0);
    json_error_t je;
    json_t *a = json_load_file(out, 0, &je);
    if (!a)
        fail_msg("%s: %s", out, je.text);
    assert_int_equal(json_array_size(a), 7); /* the failed test too: its configuration and reason */
    json_t *failed = json_array_get(a, 6);
    assert_string_equal(json_string_value(json_object_get(failed, "error")), "worker killed by SIGSEGV");
    assert_string_equal(json_string_value(json_object_get(failed, "model_filename")), "/models/other.gguf");
    assert_true(json_is_null(json_object_get(failed, "ppl")) && json_is_null(json_object_get(failed, "kld_mean")));
    /* speed: bench's object, no kind */
    json_t *o = object_of_kind(a, NULL, "base");
    assert_non_null(json_object_get(o, "samples_ns"));
    assert_null(json_object_get(o, "kld_mean"));
    /* kld: every figure, ΔPPL from the reference's PPL, the reference */
    o = object_of_kind(a, "kld", "base");
    assert_string_equal(json_string_value(json_object_get(o, "test")), "kld c256");
    assert_string_equal(json_string_value(json_object_get(o, "model_filename")), "/models/q4.gguf");
    assert_string_equal(json_string_value(json_object_get(o, "quant_type")), "Q4_0");
    assert_int_equal(json_integer_value(json_object_get(o, "model_size")), 600000);
    assert_true(fabs(REAL(o, "ppl") - 10.5) < 1e-9 && fabs(REAL(o, "ppl_err") - 0.05) < 1e-9);
    assert_true(fabs(REAL(o, "kld_mean") - 0.0123) < 1e-12 && fabs(REAL(o, "kld_err") - 0.0004) < 1e-12);
    assert_true(fabs(REAL(o, "kld_median") - 0.004) < 1e-12 && fabs(REAL(o, "kld_p99") - 0.09) < 1e-12);
    assert_true(fabs(REAL(o, "kld_max") - 1.5) < 1e-12);
    assert_true(fabs(REAL(o, "top1_agreement") - 0.93) < 1e-12 && fabs(REAL(o, "top1_err") - 0.004) < 1e-12);
    assert_true(fabs(REAL(o, "rms_dp") - 0.035) < 1e-12 && fabs(REAL(o, "rms_dp_err") - 0.001) < 1e-12);
    assert_true(fabs(REAL(o, "ref_ppl") - 10.0) < 1e-9);
    assert_true(fabs(REAL(o, "ppl_delta_pct") - 5.0) < 1e-9);
    assert_int_equal(json_integer_value(json_object_get(o, "n_ctx")), 256);
    assert_int_equal(json_integer_value(json_object_get(o, "chunks")), 8);
    assert_int_equal(json_integer_value(json_object_get(o, "tokens_scored")), 1016);
    assert_string_equal(json_string_value(json_object_get(o, "dataset")), "wiki.test.raw");
    assert_string_equal(json_string_value(json_object_get(o, "dataset_sha256")), TEXT_SHA);
    assert_string_equal(json_string_value(json_object_get(o, "ref_model")), REF_MODEL);
    assert_true(json_is_null(json_object_get(o, "suite")) && json_is_null(json_object_get(o, "suite_pass_rate")));
    assert_non_null(strstr(json_string_value(json_object_get(o, "instance_key")), "kind=kld;"));
    /* ppl: figures against a reference are null, never 0 */
    o = object_of_kind(a, "ppl", "new");
    assert_true(fabs(REAL(o, "ppl") - 11.0) < 1e-9);
    const char *nulls[] = {"kld_mean", "kld_err", "top1_agreement", "rms_dp", "ref_ppl", "ppl_delta_pct",
                           "ref_model", "suite", "suite_passed", "suite_similarity"};
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        if (!json_is_null(json_object_get(o, nulls[i])))
            fail_msg("ppl record: %s is not null", nulls[i]);
    /* suite: tallies and the answers */
    o = object_of_kind(a, "suite", "base");
    assert_string_equal(json_string_value(json_object_get(o, "suite")), "default-v1-3f2a");
    assert_int_equal(json_integer_value(json_object_get(o, "suite_passed")), 1);
    assert_int_equal(json_integer_value(json_object_get(o, "suite_checked")), 2);
    assert_true(fabs(REAL(o, "suite_pass_rate") - 0.5) < 1e-12);
    assert_true(fabs(REAL(o, "suite_similarity") - 0.7) < 1e-12);
    assert_true(json_is_null(json_object_get(o, "ppl")) && json_is_null(json_object_get(o, "kld_mean")));
    json_t *ans = json_object_get(o, "answers");
    assert_int_equal(json_array_size(ans), 3);
    json_t *a0 = json_array_get(ans, 0), *a2 = json_array_get(ans, 2);
    assert_string_equal(json_string_value(json_object_get(a0, "id")), "arith-1");
    assert_string_equal(json_string_value(json_object_get(a0, "category")), "math");
    assert_string_equal(json_string_value(json_object_get(a0, "prompt")), "What is 2+2?");
    assert_string_equal(json_string_value(json_object_get(a0, "response")), "4");
    assert_true(json_is_true(json_object_get(a0, "pass")));
    assert_true(fabs(REAL(a0, "similarity") - 0.9) < 1e-12);
    assert_int_equal(json_integer_value(json_object_get(a0, "tokens")), 2);
    assert_int_equal(json_integer_value(json_object_get(a0, "seed")), 42);
    assert_true(fabs(REAL(a0, "temperature") - 0.7) < 1e-12 && fabs(REAL(a0, "ttft_ms") - 15) < 1e-12);
    assert_true(json_is_null(json_object_get(a2, "pass")) && json_is_null(json_object_get(a2, "similarity")));
    json_decref(a);

    /* import of that export: the speed test comes back, the quality tests are counted and left out */
    struct llmb_import im;
    struct llmb_error e = {0};
    OK(llmb_store_import_llama_bench(out, &im, &e));
    assert_int_equal(im.n, 1);
    assert_int_equal(im.n_skipped, 6);
    assert_int_equal(im.results[0].inst.n_prompt, 16);
    assert_int_equal(im.results[0].n_samples, 3);
    llmb_store_import_free(&im);
    snprintf(out, sizeof out, "%s/quality.jsonl", t.dir);
    const char *qargv[] = {"--db", t.db, "--kind", "kld", "-o", out};
    assert_int_equal(capture("export", "/dev/null", 6, qargv), 0);
    assert_int_not_equal(llmb_store_import_llama_bench(out, &im, &e), 0);
    assert_non_null(strstr(e.msg, "holds no speed results (3 quality results"));

    /* CSV: bench's columns, then the quality ones; speed rows say their kind */
    snprintf(csv, sizeof csv, "%s/all.csv", t.dir);
    const char *cargv[] = {"--db", t.db, "-o", csv};
    assert_int_equal(capture("export", "/dev/null", 4, cargv), 0);
    FILE *f = fopen(csv, "r");
    char line[16384];
    int lines = 0, fields0 = 0;
    while (fgets(line, sizeof line, f)) {
        int fields = 1, quoted = 0;
        for (char *c = line; *c; c++) {
            quoted ^= *c == '"';
            fields += *c == ',' && !quoted;
        }
        if (lines == 0) {
            fields0 = fields;
            assert_true(!strncmp(line, "build_commit,", 13));
            assert_non_null(strstr(line, ",avg_ts,"));
            assert_non_null(strstr(line, ",kind,"));
            assert_non_null(strstr(line, ",kld_mean,"));
        } else {
            assert_int_equal(fields, fields0);
            assert_true(strstr(line, "\"speed\"") || strstr(line, "\"ppl\"") || strstr(line, "\"kld\"") ||
                        strstr(line, "\"suite\""));
        }
        lines++;
    }
    fclose(f);
    assert_int_equal(lines, 8); /* header, 6 results, 1 failed test */
    /* Markdown: the speed table as bench writes it, then the quality tests */
    snprintf(md, sizeof md, "%s/all.md", t.dir);
    const char *margv[] = {"--db", t.db, "-o", md};
    assert_int_equal(capture("export", "/dev/null", 4, margv), 0);
    assert_true(contains(md, "| model "));
    assert_true(contains(md, "pp16"));
    assert_true(contains(md, "| kld c256 "));
    assert_true(contains(md, "0.012300 \xc2\xb1 0.000400"));
    assert_true(contains(md, "93.00 \xc2\xb1 0.40%"));
    assert_true(contains(md, "| suite default "));
    assert_true(contains(md, " 1/2 "));
    /* SQL: one table of the union of columns, NULL where a value does not apply */
    snprintf(out, sizeof out, "%s/all.sql", t.dir);
    const char *sargv[] = {"--db", t.db, "-o", out};
    assert_int_equal(capture("export", "/dev/null", 4, sargv), 0);
    size_t n;
    char *script = slurp(out, &n);
    script[n] = 0;
    sqlite3 *mem;
    assert_int_equal(sqlite3_open(":memory:", &mem), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(mem, script, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("export sql: %s", msg);
    free(script);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(mem, "SELECT count(*), count(kld_mean), count(avg_ts), sum(kind = 'speed')"
                                             " FROM llmbench_results", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 7);
    assert_int_equal(sqlite3_column_int(st, 1), 2);
    assert_int_equal(sqlite3_column_int(st, 2), 1);
    assert_int_equal(sqlite3_column_int(st, 3), 1);
    sqlite3_finalize(st);
    sqlite3_close(mem);
    tmp_free(&t);
}

static void test_quality_commands(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    quality_store(t.db);
    char out[400];
    snprintf(out, sizeof out, "%s/out.txt", t.dir);
    /* results: kind and main figure of every instance */
    const char *rargv[] = {"--db", t.db, "-i"};
    assert_int_equal(capture("results", out, 3, rargv), 0);
    assert_true(contains(out, "| kind "));
    assert_true(contains(out, "| ppl c256 "));
    assert_true(contains(out, "PPL 10.0000 \xc2\xb1 0.0500"));
    assert_true(contains(out, "KLD 0.012300 \xc2\xb1 0.000400 (PPL 10.5000)"));
    assert_true(contains(out, "pass 1/2 (50.0%), similarity 0.700"));
    const char *sargv[] = {"--db", t.db, "-i", "--kind", "speed"};
    assert_int_equal(capture("results", out, 5, sargv), 0);
    size_t n;
    char *b = slurp(out, &n);
    b[n] = 0;
    assert_null(strstr(b, "quality")); /* speed alone: the columns as before */
    assert_non_null(strstr(b, "| pp16 "));
    free(b);

    /* recommend: the KLD and PPL stored by quality tests reach the model's configuration */
    const char *kargv[] = {"--db", t.db, "--max-kld", "0.05"};
    assert_int_equal(capture("recommend", out, 4, kargv), 0);
    assert_true(contains(out, "| 0.0246 | 11.55 |"));
    const char *k2argv[] = {"--db", t.db, "--max-kld", "0.02"};
    assert_int_equal(capture("recommend", out, 4, k2argv), LLMB_EXIT_FAIL);
    assert_true(contains(out, "violates --max-kld 0.0200 (0.0246)"));

    /* compare: run 2's PPL is 10% higher, its KLD doubled; the gate catches both */
    const char *pargv[] = {"--db", t.db, "tag=base", "tag=new", "--metric", "ppl"};
    assert_int_equal(capture("compare", out, 6, pargv), 0);
    assert_true(contains(out, "| ppl c256 "));
    assert_true(contains(out, "10.0000 \xc2\xb1 0.0500 | 11.0000 \xc2\xb1 0.0500 | +10.00% "));
    assert_true(contains(out, "yes (worse)"));
    assert_true(contains(out, "over 2 matched tests: 2 significantly worse, 0 significantly better"));
    const char *gargv[] = {"--db", t.db, "tag=base", "tag=new", "--metric", "ppl", "--fail-on-regression", "5%"};
    assert_int_equal(capture("compare", out, 8, gargv), LLMB_EXIT_FAIL);
    assert_string_equal(last_error, "regression: 2 of 2 tests significantly worse (PPL) by more than 5%: "
                                    "ppl c256 +10.0%, kld c256 +10.0%");
    const char *g2argv[] = {"--db", t.db, "tag=base", "tag=new", "--metric", "ppl", "--fail-on-regression", "15"};
    assert_int_equal(capture("compare", out, 8, g2argv), 0);
    const char *kcargv[] = {"--db", t.db, "tag=base", "tag=new", "--metric", "kld", "--fail-on-regression", "50"};
    assert_int_equal(capture("compare", out, 8, kcargv), LLMB_EXIT_FAIL);
    assert_string_equal(last_error, "regression: 1 of 1 tests significantly worse (KLD) by more than 50%: "
                                    "kld c256 +100.0%");
    const char *tcargv[] = {"--db", t.db, "tag=base", "tag=new", "--metric", "top1", "--fail-on-regression", "1"};
    assert_int_equal(capture("compare", out, 8, tcargv), 0); /* top-1 did not move */
    assert_true(contains(out, "| 93.00 \xc2\xb1 0.40% | 93.00 \xc2\xb1 0.40% | +0.00% | [-1.19%, +1.19%] | no "));
    const char *same[] = {"--db", t.db, "tag=base", "tag=base", "--metric", "suite", "--fail-on-regression", "1"};
    assert_int_equal(capture("compare", out, 8, same), 0);
    assert_true(contains(out, "1/2 (50.0 \xc2\xb1 35.4%)"));
    const char *none[] = {"--db", t.db, "tag=base", "tag=new", "--metric", "suite"};
    assert_int_equal(capture("compare", out, 6, none), LLMB_EXIT_USAGE); /* run 2 has no suite */
    assert_non_null(strstr(last_error, "no test of 'tag=base' matches a test of 'tag=new' with suite figures"));
    /* the speed metrics see speed tests only */
    const char *ts[] = {"--db", t.db, "tag=base", "tag=base"};
    assert_int_equal(capture("compare", out, 4, ts), 0);
    assert_true(contains(out, "A: tag=base (1 tests)"));
    tmp_free(&t);
}

static void test_family(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    struct llmb_store *s = open_ok(t.db, 0);
    int64_t run = begin(s, NULL, NULL);
    const struct llmb_store_family_member m[] = {
        {"/m/src-f16.gguf", "F16", 1, NULL},
        {"/m/src-q8_0.gguf", "Q8_0", 0, "/m/src-f16.gguf"},
        {"/m/src-q4_k_m.gguf", "Q4_K_M", 0, "/m/src-f16.gguf"},
    };
    struct llmb_store_family fam = {"/m/src-f16.gguf", "Q8_0,Q4_K_M", m, 3};
    struct llmb_error e = {0};
    OK(llmb_store_put_family(s, run, &fam, &e));
    OK(llmb_store_put_family(s, run, &fam, &e)); /* a resumed run writes it again: replaced */
    assert_int_not_equal(llmb_store_put_family(s, run + 7, &fam, &e), 0);
    assert_non_null(strstr(e.msg, "no run"));
    struct llmb_store_family bad = {NULL, "default", m, 3};
    assert_int_not_equal(llmb_store_put_family(s, run, &bad, &e), 0);
    llmb_store_close(s);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM families"), 1);
    assert_int_equal(sql_int(t.db, "SELECT count(*) FROM family_members"), 3);
    char buf[512];
    sql_text(t.db, "SELECT ladder || ' ' || source_path FROM families", buf, sizeof buf);
    assert_string_equal(buf, "Q8_0,Q4_K_M /m/src-f16.gguf");
    sql_text(t.db, "SELECT group_concat(label || ':' || is_reference || ':' || coalesce(quantized_from, '-'), ' ')"
                   " FROM (SELECT * FROM family_members ORDER BY position)",
             buf, sizeof buf);
    assert_string_equal(buf, "F16:1:- Q8_0:0:/m/src-f16.gguf Q4_K_M:0:/m/src-f16.gguf");
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
    OK(llmb_store_end_run(s, run, LLMB_RUN_INTERRUPTED, &e));
    /* a run another live process resumed (and so holds its lock) is not; nor can it be taken over */
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    if (pid == 0) {
        struct llmb_store *c = open_ok(t.db, 0);
        struct llmb_error ce = {0};
        if (llmb_store_resume_run(c, run, &ce))
            _exit(1);
        (void)!write(ready[1], "x", 1);
        alarm(30);
        pause();
        _exit(0);
    }
    char x;
    assert_int_equal(read(ready[0], &x, 1), 1);
    OK(llmb_store_find_resumable(s, "h", &found, &e));
    assert_int_equal(found, 0);
    assert_int_not_equal(llmb_store_resume_run(s, run, &e), 0);
    assert_non_null(strstr(e.msg, "still being run by another process"));
    struct llmb_store_run *runs = NULL;
    size_t nr = 0;
    OK(llmb_store_list_runs(s, NULL, &runs, &nr, &e));
    assert_int_equal(runs[0].status, LLMB_RUN_RUNNING); /* its process lives */
    free(runs);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(ready[0]);
    close(ready[1]);
    /* its process gone: shown as interrupted, and resumable */
    OK(llmb_store_list_runs(s, NULL, &runs, &nr, &e));
    assert_int_equal(runs[0].status, LLMB_RUN_INTERRUPTED);
    assert_int_equal(runs[0].process_gone, 1);
    free(runs);
    OK(llmb_store_find_resumable(s, "h", &found, &e));
    assert_int_equal(found, run);
    OK(llmb_store_resume_run(s, run, &e));
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
    OK(llmb_store_default_path(buf, sizeof buf, 1, &e));
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
    OK(llmb_store_default_path(buf, sizeof buf, 1, &e));
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

/* ---- llmbench hw: bandwidth cache and compatibility matrix ------------------ */

static void test_bandwidth_and_matrix(void **state)
{
    (void)state;
    struct tmp t;
    tmp_make(&t);
    struct llmb_store *s = open_ok(t.db, 0);
    struct llmb_error e = {0};
    struct llmb_bw_result bw = {.read_gbs = 20.5,
                                .copy_gbs = 15,
                                .triad_gbs = 16,
                                .threads = 4,
                                .reps = 5,
                                .array_bytes = 1 << 28,
                                .measured_at = "2024-05-01T09:00:00Z"},
                          got;
    int found = 1;
    assert_int_equal(llmb_store_get_bandwidth(s, NULL, &got, &found, &e), 0);
    assert_int_equal(found, 0);
    if (llmb_store_put_bandwidth(s, &bw, &e))
        fail_msg("put_bandwidth: %s", e.msg);
    bw.read_gbs = 21.5;
    snprintf(bw.measured_at, sizeof bw.measured_at, "2024-05-02T09:00:00Z");
    assert_int_equal(llmb_store_put_bandwidth(s, &bw, &e), 0);
    assert_int_equal(llmb_store_get_bandwidth(s, NULL, &got, &found, &e), 0);
    assert_int_equal(found, 1);
    assert_true(got.read_gbs == 21.5 && got.threads == 4); /* the latest */
    assert_string_equal(got.measured_at, "2024-05-02T09:00:00Z");
    assert_int_equal(llmb_store_get_bandwidth(s, "another-host", &got, &found, &e), 0);
    assert_int_equal(found, 0);

    /* two backends that ran, one failure, one refusal */
    static struct fake f[4];
    fake_result(&f[0], "a.gguf", 16, 0, 4, 3, 1e6);
    fake_result(&f[1], "a.gguf", 24, 0, 4, 3, 1e6);
    snprintf(f[1].r.model.backends, sizeof f[1].r.model.backends, "RPC");
    snprintf(f[1].r.model.devices, sizeof f[1].r.model.devices, "RPC0");
    fake_result(&f[2], "a.gguf", 32, 0, 4, 0, 1e6);
    snprintf(f[2].r.model.backends, sizeof f[2].r.model.backends, "RPC");
    snprintf(f[2].r.model.devices, sizeof f[2].r.model.devices, "RPC0");
    snprintf(f[2].r.test_time, sizeof f[2].r.test_time, "2024-05-01T11:00:00Z");
    f[2].r.error = "worker crashed (signal 11)";
    fake_result(&f[3], "big.gguf", 16, 0, 4, 0, 1e6);
    f[3].r.error = "model does not fit: 70 GiB of tensors, 16 GiB available";
    int64_t run = begin(s, NULL, NULL);
    for (int i = 0; i < 4; i++)
        put(s, run, &f[i].r);
    struct llmb_store_matrix_row *v;
    size_t n;
    if (llmb_store_matrix(s, &v, &n, &e))
        fail_msg("matrix: %s", e.msg);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].model, "a.gguf");
    assert_string_equal(v[0].backends, "CPU");
    assert_string_equal(v[0].outcome, "ran");
    assert_int_equal(v[0].n_ran, 1);
    assert_string_equal(v[1].backends, "RPC");
    assert_string_equal(v[1].outcome, "failed"); /* the latest test failed */
    assert_int_equal(v[1].n_ran, 1);
    assert_int_equal(v[1].n_failed, 1);
    assert_string_equal(v[1].last_error, "worker crashed (signal 11)");
    assert_string_equal(v[1].last_at, "2024-05-01T11:00:00Z");
    assert_string_equal(v[2].model, "big.gguf");
    assert_string_equal(v[2].outcome, "refused");
    free(v);
    llmb_store_close(s);
    tmp_free(&t);
}

int main(void)
{
    snprintf(fixture_dir, sizeof fixture_dir, "%s", __FILE__);
    char *slash = strrchr(fixture_dir, '/');
    snprintf(slash ? slash : fixture_dir, sizeof fixture_dir - (size_t)(slash ? slash - fixture_dir : 0),
             "/../fixtures");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_migrate_from_v1),
        cmocka_unit_test(test_migrate_from_v3),
        cmocka_unit_test(test_refuse_newer),
        cmocka_unit_test(test_refuse_corrupt_and_foreign),
        cmocka_unit_test(test_readonly),
        cmocka_unit_test(test_locked),
        cmocka_unit_test(test_put_and_query),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_filter_parse),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_model_sha256),
        cmocka_unit_test(test_quality_put_and_query),
        cmocka_unit_test(test_quality_export_import),
        cmocka_unit_test(test_quality_commands),
        cmocka_unit_test(test_family),
        cmocka_unit_test(test_kill_and_resume),
        cmocka_unit_test(test_resumable_skips_live_run),
        cmocka_unit_test(test_default_path),
        cmocka_unit_test(test_bandwidth_and_matrix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
