/* schema.c - the SQLite store's schema, as an ordered list of migrations.
 * A database at version N gets migrations N+1.. applied in one transaction;
 * user_version records where it stands and the schema_version table when
 * each step was taken. Never edit a published migration: add the next one
 * (and describe it in docs/schema.md). */
#include <stdio.h>

#include "llmbench/llmbench.h"
#include "schema.h"
#include "store_int.h"

/* 1: runs, hardware, models, configurations, test instances, samples,
 *    metrics, and the flat `results` view. */
static const char migration_1[] =
    "CREATE TABLE schema_version ("
    "  version INTEGER PRIMARY KEY,"
    "  applied_at TEXT NOT NULL,"
    "  llmbench_version TEXT NOT NULL);"
    "CREATE TABLE runs ("
    "  id INTEGER PRIMARY KEY,"
    "  started_at TEXT NOT NULL,"
    "  finished_at TEXT,"
    "  status TEXT NOT NULL DEFAULT 'running'"
    "    CHECK (status IN ('running','complete','interrupted','failed')),"
    "  source TEXT NOT NULL DEFAULT 'bench',"
    "  user TEXT NOT NULL DEFAULT '',"
    "  host TEXT NOT NULL DEFAULT '',"
    "  pid INTEGER NOT NULL DEFAULT 0,"
    "  command TEXT NOT NULL DEFAULT '',"
    "  llmbench_version TEXT NOT NULL,"
    "  build_commit TEXT NOT NULL DEFAULT '',"
    "  build_number INTEGER NOT NULL DEFAULT 0,"
    "  plan_hash TEXT,"
    "  n_planned INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX runs_plan_hash ON runs(plan_hash);"
    "CREATE TABLE run_tags ("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  tag TEXT NOT NULL,"
    "  PRIMARY KEY (run_id, tag)) WITHOUT ROWID;"
    "CREATE INDEX run_tags_tag ON run_tags(tag);"
    "CREATE TABLE hardware ("
    "  run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,"
    "  cpu_name TEXT NOT NULL DEFAULT '',"
    "  cpu_cores INTEGER NOT NULL DEFAULT 0,"
    "  mem_total_bytes INTEGER NOT NULL DEFAULT 0,"
    "  gpu_info TEXT NOT NULL DEFAULT '',"
    "  backends TEXT NOT NULL DEFAULT '',"
    "  os TEXT NOT NULL DEFAULT '',"
    "  kernel TEXT NOT NULL DEFAULT '',"
    "  machine TEXT NOT NULL DEFAULT '',"
    "  details TEXT NOT NULL DEFAULT '{}');"
    "CREATE TABLE models ("
    "  id INTEGER PRIMARY KEY,"
    "  sha256 TEXT NOT NULL DEFAULT '',"
    "  path TEXT NOT NULL,"
    "  description TEXT NOT NULL DEFAULT '',"
    "  arch TEXT NOT NULL DEFAULT '',"
    "  quant TEXT NOT NULL DEFAULT '',"
    "  n_params INTEGER NOT NULL DEFAULT 0,"
    "  model_size INTEGER NOT NULL DEFAULT 0,"
    "  file_size INTEGER NOT NULL DEFAULT 0,"
    "  bpw REAL NOT NULL DEFAULT 0,"
    "  synthetic INTEGER NOT NULL DEFAULT 0,"
    "  n_vocab INTEGER NOT NULL DEFAULT 0,"
    "  n_ctx_train INTEGER NOT NULL DEFAULT 0,"
    "  n_layer INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE (sha256, path, description, n_params, model_size, file_size));"
    "CREATE TABLE configurations ("
    "  id INTEGER PRIMARY KEY,"
    "  n_prompt INTEGER NOT NULL, n_gen INTEGER NOT NULL, n_depth INTEGER NOT NULL,"
    "  n_batch INTEGER NOT NULL, n_ubatch INTEGER NOT NULL,"
    "  type_k TEXT NOT NULL, type_v TEXT NOT NULL,"
    "  n_threads INTEGER NOT NULL, n_gpu_layers INTEGER NOT NULL, flash_attn INTEGER NOT NULL,"
    "  applied_n_ctx INTEGER NOT NULL, applied_n_batch INTEGER NOT NULL, applied_n_ubatch INTEGER NOT NULL,"
    "  applied_n_threads INTEGER NOT NULL, applied_type_k TEXT NOT NULL, applied_type_v TEXT NOT NULL,"
    "  applied_flash_attn INTEGER NOT NULL,"
    "  backends TEXT NOT NULL DEFAULT '', devices TEXT NOT NULL DEFAULT '',"
    "  UNIQUE (n_prompt, n_gen, n_depth, n_batch, n_ubatch, type_k, type_v, n_threads, n_gpu_layers,"
    "          flash_attn, applied_n_ctx, applied_n_batch, applied_n_ubatch, applied_n_threads,"
    "          applied_type_k, applied_type_v, applied_flash_attn, backends, devices));"
    "CREATE TABLE test_instances ("
    "  id INTEGER PRIMARY KEY,"
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  model_id INTEGER NOT NULL REFERENCES models(id),"
    "  config_id INTEGER NOT NULL REFERENCES configurations(id),"
    "  instance_key TEXT NOT NULL,"
    "  test TEXT NOT NULL,"
    "  test_time TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'complete' CHECK (status IN ('complete','failed')),"
    "  n_samples INTEGER NOT NULL,"
    "  stop_reason TEXT NOT NULL DEFAULT 'fixed',"
    "  ci_target_pct REAL NOT NULL DEFAULT 0,"
    "  load_ms REAL NOT NULL DEFAULT 0,"
    "  peak_rss_bytes INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE (run_id, instance_key));"
    "CREATE INDEX test_instances_key ON test_instances(instance_key);"
    "CREATE INDEX test_instances_model ON test_instances(model_id);"
    "CREATE TABLE samples ("
    "  instance_id INTEGER NOT NULL REFERENCES test_instances(id) ON DELETE CASCADE,"
    "  rep INTEGER NOT NULL,"
    "  total_ns INTEGER NOT NULL,"
    "  pp_ns INTEGER NOT NULL DEFAULT 0,"
    "  tg_ns INTEGER NOT NULL DEFAULT 0,"
    "  ttft_ns INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (instance_id, rep)) WITHOUT ROWID;"
    "CREATE TABLE metrics ("
    "  instance_id INTEGER NOT NULL REFERENCES test_instances(id) ON DELETE CASCADE,"
    "  metric TEXT NOT NULL CHECK (metric IN ('ts','pp_ts','tg_ts','ttft_ms','total_ns')),"
    "  n INTEGER NOT NULL,"
    "  mean REAL, stddev REAL, median REAL, min REAL, max REAL,"
    "  ci95_lo REAL, ci95_hi REAL,"
    "  n_outliers INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (instance_id, metric)) WITHOUT ROWID;"
    "CREATE VIEW results AS"
    "  SELECT ti.id AS instance_id, ti.run_id, r.started_at AS run_started_at, r.host, ti.instance_key,"
    "         m.path AS model_filename, m.description AS model_type, m.sha256 AS model_sha256,"
    "         m.quant AS quant_type, m.model_size, m.n_params AS model_n_params,"
    "         c.n_prompt, c.n_gen, c.n_depth, c.applied_n_batch AS n_batch, c.applied_n_ubatch AS n_ubatch,"
    "         c.applied_type_k AS type_k, c.applied_type_v AS type_v, c.applied_n_threads AS n_threads,"
    "         c.n_gpu_layers, c.flash_attn, c.backends, ti.test, ti.test_time, ti.n_samples AS reps,"
    "         ts.mean AS avg_ts, ts.stddev AS stddev_ts,"
    "         pp.mean AS pp_avg_ts, tg.mean AS tg_avg_ts, tt.mean AS ttft_avg_ms,"
    "         ti.peak_rss_bytes, ti.load_ms, ti.stop_reason"
    "  FROM test_instances ti JOIN runs r ON r.id = ti.run_id JOIN models m ON m.id = ti.model_id"
    "  JOIN configurations c ON c.id = ti.config_id"
    "  LEFT JOIN metrics ts ON ts.instance_id = ti.id AND ts.metric = 'ts'"
    "  LEFT JOIN metrics pp ON pp.instance_id = ti.id AND pp.metric = 'pp_ts'"
    "  LEFT JOIN metrics tg ON tg.instance_id = ti.id AND tg.metric = 'tg_ts'"
    "  LEFT JOIN metrics tt ON tt.instance_id = ti.id AND tt.metric = 'ttft_ms';";

/* 2: quality results (perplexity, KLD) and prompt-suite responses, ready
 *    for issue 5. */
static const char migration_2[] =
    "CREATE TABLE quality_results ("
    "  id INTEGER PRIMARY KEY,"
    "  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,"
    "  model_id INTEGER NOT NULL REFERENCES models(id),"
    "  reference_model_id INTEGER REFERENCES models(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('ppl','kld')),"
    "  dataset TEXT NOT NULL DEFAULT '',"
    "  n_ctx INTEGER NOT NULL DEFAULT 0,"
    "  n_chunks INTEGER NOT NULL DEFAULT 0,"
    "  value REAL NOT NULL,"
    "  stderr REAL,"
    "  details TEXT NOT NULL DEFAULT '{}',"
    "  created_at TEXT NOT NULL);"
    "CREATE INDEX quality_results_model ON quality_results(model_id, kind);"
    "CREATE TABLE prompt_responses ("
    "  id INTEGER PRIMARY KEY,"
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  model_id INTEGER NOT NULL REFERENCES models(id),"
    "  config_id INTEGER REFERENCES configurations(id),"
    "  suite TEXT NOT NULL DEFAULT '',"
    "  prompt_id TEXT NOT NULL,"
    "  prompt TEXT NOT NULL,"
    "  response TEXT NOT NULL,"
    "  n_prompt_tokens INTEGER NOT NULL DEFAULT 0,"
    "  n_gen_tokens INTEGER NOT NULL DEFAULT 0,"
    "  ttft_ms REAL, e2e_ms REAL, tpot_ms REAL,"
    "  score REAL,"
    "  details TEXT NOT NULL DEFAULT '{}',"
    "  created_at TEXT NOT NULL);"
    "CREATE INDEX prompt_responses_run ON prompt_responses(run_id);";

/* 3: why a test failed (worker crash, timeout...), for instances stored with
 *    status 'failed'; a failed instance is replaced when a resumed run
 *    measures it. */
static const char migration_3[] = "ALTER TABLE test_instances ADD COLUMN error TEXT;";

/* 4: every workload's results. test_instances.kind (speed, ppl, kld, suite)
 *    and the reference model of a kld/suite instance; quality_results and
 *    prompt_responses rows belong to their instance (instance_id) and carry
 *    every figure a quality run measures; the pipeline's model families; the
 *    results view gains kind. Rows of version 3 are kept as they are: their
 *    instances are speed tests, their quality rows have no instance. */
static const char migration_4[] =
    "ALTER TABLE test_instances ADD COLUMN kind TEXT NOT NULL DEFAULT 'speed'"
    "  CHECK (kind IN ('speed','ppl','kld','suite'));"
    "ALTER TABLE test_instances ADD COLUMN reference_model_id INTEGER REFERENCES models(id);"
    "CREATE INDEX test_instances_kind ON test_instances(kind);"
    /* a model's quality rows are found by identity (the UNIQUE index starts with sha256) or by path */
    "CREATE INDEX models_path ON models(path);"
    "ALTER TABLE quality_results ADD COLUMN instance_id INTEGER REFERENCES test_instances(id) ON DELETE CASCADE;"
    "ALTER TABLE quality_results ADD COLUMN text_sha256 TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE quality_results ADD COLUMN n_scored INTEGER;"
    "ALTER TABLE quality_results ADD COLUMN n_text_tokens INTEGER;"
    "ALTER TABLE quality_results ADD COLUMN seconds REAL;"
    "ALTER TABLE quality_results ADD COLUMN tokens_per_s REAL;"
    "ALTER TABLE quality_results ADD COLUMN median REAL;"
    "ALTER TABLE quality_results ADD COLUMN p99 REAL;"
    "ALTER TABLE quality_results ADD COLUMN max REAL;"
    "ALTER TABLE quality_results ADD COLUMN top1 REAL;"
    "ALTER TABLE quality_results ADD COLUMN top1_err REAL;"
    "ALTER TABLE quality_results ADD COLUMN rms_dp REAL;"
    "ALTER TABLE quality_results ADD COLUMN rms_dp_err REAL;"
    "ALTER TABLE quality_results ADD COLUMN mean_dp REAL;"
    "ALTER TABLE quality_results ADD COLUMN mean_dp_err REAL;"
    "ALTER TABLE quality_results ADD COLUMN ref_ppl REAL;"
    "CREATE INDEX quality_results_instance ON quality_results(instance_id);"
    "ALTER TABLE prompt_responses ADD COLUMN instance_id INTEGER REFERENCES test_instances(id) ON DELETE CASCADE;"
    "ALTER TABLE prompt_responses ADD COLUMN position INTEGER;"
    "ALTER TABLE prompt_responses ADD COLUMN category TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE prompt_responses ADD COLUMN check_kind TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE prompt_responses ADD COLUMN pass INTEGER;"
    "ALTER TABLE prompt_responses ADD COLUMN similarity REAL;"
    "ALTER TABLE prompt_responses ADD COLUMN tg_ts REAL;"
    "ALTER TABLE prompt_responses ADD COLUMN seed INTEGER;"
    "ALTER TABLE prompt_responses ADD COLUMN temperature REAL;"
    "ALTER TABLE prompt_responses ADD COLUMN max_tokens INTEGER;"
    "ALTER TABLE prompt_responses ADD COLUMN stopped INTEGER;"
    "ALTER TABLE prompt_responses ADD COLUMN chat_template INTEGER;"
    "CREATE INDEX prompt_responses_instance ON prompt_responses(instance_id, position);"
    "CREATE TABLE families ("
    "  id INTEGER PRIMARY KEY,"
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  source_path TEXT NOT NULL,"
    "  ladder TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE (run_id, source_path));"
    "CREATE TABLE family_members ("
    "  family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  path TEXT NOT NULL,"
    "  model_sha256 TEXT NOT NULL DEFAULT '',"
    "  label TEXT NOT NULL DEFAULT '',"
    "  is_reference INTEGER NOT NULL DEFAULT 0,"
    "  quantized_from TEXT,"
    "  PRIMARY KEY (family_id, position)) WITHOUT ROWID;"
    "DROP VIEW results;"
    "CREATE VIEW results AS"
    "  SELECT ti.id AS instance_id, ti.run_id, r.started_at AS run_started_at, r.host, ti.instance_key,"
    "         m.path AS model_filename, m.description AS model_type, m.sha256 AS model_sha256,"
    "         m.quant AS quant_type, m.model_size, m.n_params AS model_n_params,"
    "         c.n_prompt, c.n_gen, c.n_depth, c.applied_n_batch AS n_batch, c.applied_n_ubatch AS n_ubatch,"
    "         c.applied_type_k AS type_k, c.applied_type_v AS type_v, c.applied_n_threads AS n_threads,"
    "         c.n_gpu_layers, c.flash_attn, c.backends, ti.test, ti.test_time, ti.n_samples AS reps,"
    "         ts.mean AS avg_ts, ts.stddev AS stddev_ts,"
    "         pp.mean AS pp_avg_ts, tg.mean AS tg_avg_ts, tt.mean AS ttft_avg_ms,"
    "         ti.peak_rss_bytes, ti.load_ms, ti.stop_reason, ti.kind"
    "  FROM test_instances ti JOIN runs r ON r.id = ti.run_id JOIN models m ON m.id = ti.model_id"
    "  JOIN configurations c ON c.id = ti.config_id"
    "  LEFT JOIN metrics ts ON ts.instance_id = ti.id AND ts.metric = 'ts'"
    "  LEFT JOIN metrics pp ON pp.instance_id = ti.id AND pp.metric = 'pp_ts'"
    "  LEFT JOIN metrics tg ON tg.instance_id = ti.id AND tg.metric = 'tg_ts'"
    "  LEFT JOIN metrics tt ON tt.instance_id = ti.id AND tt.metric = 'ttft_ms';";

/* 5: llama-bench's other parameters (cpu mask, poll, split mode, devices,
 *    overrides, load mode...), a repeated test's occurrence and the result's
 *    own build and CPU/GPU facts, by name in test_instances.extra (JSON; the
 *    result field table says which); the results view names llama-bench's
 *    n_batch/n_ubatch/n_threads what was asked, as llama-bench does, and
 *    gains the applied ones. Older rows hold '{}': llama-bench's defaults. */
static const char migration_5[] =
    "ALTER TABLE test_instances ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';"
    "DROP VIEW results;"
    "CREATE VIEW results AS"
    "  SELECT ti.id AS instance_id, ti.run_id, r.started_at AS run_started_at, r.host, ti.instance_key,"
    "         m.path AS model_filename, m.description AS model_type, m.sha256 AS model_sha256,"
    "         m.quant AS quant_type, m.model_size, m.n_params AS model_n_params,"
    "         c.n_prompt, c.n_gen, c.n_depth, c.n_batch, c.n_ubatch, c.type_k, c.type_v, c.n_threads,"
    "         c.n_gpu_layers, c.flash_attn, c.backends, ti.test, ti.test_time, ti.n_samples AS reps,"
    "         ts.mean AS avg_ts, ts.stddev AS stddev_ts,"
    "         pp.mean AS pp_avg_ts, tg.mean AS tg_avg_ts, tt.mean AS ttft_avg_ms,"
    "         ti.peak_rss_bytes, ti.load_ms, ti.stop_reason, ti.kind,"
    "         c.applied_n_ctx AS n_ctx, c.applied_n_batch, c.applied_n_ubatch, c.applied_n_threads, ti.extra"
    "  FROM test_instances ti JOIN runs r ON r.id = ti.run_id JOIN models m ON m.id = ti.model_id"
    "  JOIN configurations c ON c.id = ti.config_id"
    "  LEFT JOIN metrics ts ON ts.instance_id = ti.id AND ts.metric = 'ts'"
    "  LEFT JOIN metrics pp ON pp.instance_id = ti.id AND pp.metric = 'pp_ts'"
    "  LEFT JOIN metrics tg ON tg.instance_id = ti.id AND tg.metric = 'tg_ts'"
    "  LEFT JOIN metrics tt ON tt.instance_id = ti.id AND tt.metric = 'ttft_ms';";

/* 6: the machine's measured memory bandwidth (llmbench hw --bandwidth), per
 *    host, with its date: the peak each result's roofline is a fraction of. */
static const char migration_6[] = "CREATE TABLE bandwidth ("
                                  "  id INTEGER PRIMARY KEY,"
                                  "  host TEXT NOT NULL,"
                                  "  cpu_name TEXT NOT NULL DEFAULT '',"
                                  "  measured_at TEXT NOT NULL,"
                                  "  threads INTEGER NOT NULL,"
                                  "  array_bytes INTEGER NOT NULL,"
                                  "  reps INTEGER NOT NULL,"
                                  "  read_gbs REAL NOT NULL,"
                                  "  copy_gbs REAL NOT NULL,"
                                  "  triad_gbs REAL NOT NULL,"
                                  "  llmbench_version TEXT NOT NULL);"
                                  "CREATE INDEX bandwidth_host ON bandwidth(host, measured_at);";

/* 7: the per-token timeline of a speed test's generation: for each
 *    repetition, every generated token's time from the repetition's start
 *    (ns), as a JSON array of integers; NULL for tests without generation
 *    and rows stored before it existed. */
static const char migration_7[] = "ALTER TABLE samples ADD COLUMN token_ns TEXT;";

/* 8: serving load (llmbench load) is a kind of test: 'load' joins the kinds
 *    test_instances.kind allows. SQLite cannot alter a CHECK constraint; a
 *    wider one changes no stored row, so the table's text is edited in place
 *    (SQLite's documented writable_schema procedure; the schema version is
 *    bumped after it, llmb_store_schema_migrate). Its figures are extra fields. */
static const char migration_8[] =
    "PRAGMA writable_schema = ON;"
    "UPDATE sqlite_schema SET sql = replace(sql, '''kld'',''suite'')', '''kld'',''suite'',''load'')')"
    "  WHERE type = 'table' AND name = 'test_instances';"
    "PRAGMA writable_schema = OFF;";

static const char *const migrations[] = {migration_1, migration_2, migration_3, migration_4,
                                         migration_5, migration_6, migration_7, migration_8};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int llmb_store_schema_latest(void)
{
    return N_MIGRATIONS;
}

int llmb_store_schema_migrate(sqlite3 *db, int from, int to, const char **what)
{
    char now[32], sql[256];
    llmb_store_now(now, sizeof now);
    for (int v = from + 1; v <= to && v <= N_MIGRATIONS; v++) {
        int rc = sqlite3_exec(db, migrations[v - 1], NULL, NULL, NULL);
        if (rc == SQLITE_OK && v == 8) { /* the edited schema is read again */
            sqlite3_stmt *st = NULL;
            int sv = 0;
            rc = sqlite3_prepare_v2(db, "PRAGMA schema_version", -1, &st, NULL);
            if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
                sv = sqlite3_column_int(st, 0);
            sqlite3_finalize(st);
            snprintf(sql, sizeof sql, "PRAGMA schema_version = %d;", sv + 1);
            if (rc == SQLITE_OK)
                rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        }
        if (rc == SQLITE_OK) {
            snprintf(sql, sizeof sql,
                     "INSERT INTO schema_version(version, applied_at, llmbench_version) VALUES (%d, '%s', '%s');"
                     "PRAGMA user_version = %d; PRAGMA application_id = %d;",
                     v, now, LLMB_VERSION, v, LLMB_STORE_APP_ID);
            rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        }
        if (rc != SQLITE_OK) {
            *what = "schema migration";
            return rc;
        }
    }
    return SQLITE_OK;
}
