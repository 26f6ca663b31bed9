/* store.h - the results store: every finished test instance (model,
 * configuration, raw samples, derived metrics) kept in a database, one
 * transaction per instance, so runs can be listed, exported, compared and
 * resumed. A backend is a table of operations (like the engine seam); SQLite
 * is the one backend today (src/store/sqlite.c), a server database joins by
 * adding its table to src/store/store.c. Schema: docs/schema.md.
 *
 * Writes happen outside timed regions: the bench command calls
 * llmb_store_put_result from the runner's on_result callback, after timing. */
#ifndef LLMBENCH_STORE_H
#define LLMBENCH_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "llmbench.h"
#include "plan.h"
#include "runner.h"

#ifdef __cplusplus
extern "C" {
#endif

struct llmb_store; /* opaque */

enum llmb_store_flags {
    LLMB_STORE_READONLY = 1, /* never write, never create; fail when the file is absent */
    LLMB_STORE_NO_CHECK = 2, /* open a damaged file anyway (for llmb_store_check only) */
};

struct llmb_store_params {
    int    flags;       /* enum llmb_store_flags */
    double lock_wait_s; /* longest wait for a lock held by another process (default 5) */
};
struct llmb_store_params llmb_store_default_params(void);

/* Default database: ${XDG_DATA_HOME:-~/.local/share}/llmbench/results.db
 * (its folder is created when create, see paths.h; readers create nothing). */
int llmb_store_default_path(char *buf, size_t len, int create, struct llmb_error *err);

/* Opens (creating and migrating when writable) the store at path. Refuses,
 * without changing the file: a database from a newer schema, a file that is
 * not an llmbench store, a corrupted file (PRAGMA quick_check on every open,
 * unless NO_CHECK); a read-only file unless READONLY.
 * On success *out is owned by the caller (llmb_store_close). */
int  llmb_store_open(const char *path, const struct llmb_store_params *p, struct llmb_store **out,
                     struct llmb_error *err);
void llmb_store_close(struct llmb_store *s); /* NULL is a no-op */
/* The database's own check: PRAGMA integrity_check (full) or quick_check.
 * *report (malloc'd, caller frees) holds "ok" or one problem per line;
 * returns LLMB_OK whether or not problems were found (*ok says). */
int  llmb_store_check(struct llmb_store *s, int full, int *ok, char **report, struct llmb_error *err);
/* Schema version of the open database, and the newest this build knows. */
int  llmb_store_schema_version(const struct llmb_store *s);
int  llmb_store_schema_latest(void);

/* ---- runs ---------------------------------------------------------------- */

enum llmb_run_status { LLMB_RUN_RUNNING = 0, LLMB_RUN_COMPLETE, LLMB_RUN_INTERRUPTED, LLMB_RUN_FAILED };
const char *llmb_run_status_name(int status);

/* The machine a run ran on. Empty strings / 0 when unknown. */
struct llmb_store_hw {
    char     cpu_name[256];
    int      cpu_cores;
    uint64_t mem_total;     /* bytes */
    char     gpu_info[256];
    char     backends[128];
    char     os[128];       /* "Debian GNU/Linux 12 (bookworm)" */
    char     kernel[128];   /* "Linux 6.1.0-18-amd64" */
    char     machine[32];   /* "x86_64" */
};
/* This machine: CPU, cores, memory, OS, kernel (GPU facts come from results). */
void llmb_store_hw_detect(struct llmb_store_hw *hw);
/* This machine's whole snapshot as compact JSON (llmbench hw --json; stored
 * in hardware.details with each run begun without a given hw); malloc'd,
 * NULL on no memory. */
char *llmb_store_hw_details(void);

struct llmb_run_info {
    const char *command;      /* the command line, argv joined by spaces */
    const char *tags;         /* comma-separated labels ("baseline,ci"), may be NULL */
    const char *plan_hash;    /* llmb_store_plan_hash of the plan, for --resume; may be NULL */
    size_t      n_planned;    /* test instances in the plan */
    const char *source;       /* "bench" (NULL) or "llama-bench" for imports */
    const char *started_at;   /* RFC 3339 UTC; NULL: now */
    const char *build_commit; /* llama.cpp build; NULL: the one linked in */
    int         build_number;
    const struct llmb_store_hw *hw; /* NULL: llmb_store_hw_detect() */
};

/* Tags as --tag takes them ("a,b"): each at most LLMB_TAG_MAX bytes of
 * valid UTF-8, all at most LLMB_TAGS_MAX; refused whole otherwise (never
 * cut). */
int llmb_store_tags_check(const char *tags, struct llmb_error *err);

/* Starts a run (status running) and returns its id. */
int llmb_store_begin_run(struct llmb_store *s, const struct llmb_run_info *ri, int64_t *run_id,
                         struct llmb_error *err);
/* Latest run with this plan hash that did not complete (interrupted, failed,
 * or running but its process is gone); *run_id = 0 when there is none. A run
 * whose process still holds its lock is never one (see resume_run). */
int llmb_store_find_resumable(struct llmb_store *s, const char *plan_hash, int64_t *run_id, struct llmb_error *err);
/* Marks a run running again (this process) before resuming it, taking its
 * lock: refused when another live process holds it. The lock (an OFD lock on
 * "<database>.lock", one byte per run) is held until end_run or close, so a
 * live run is never taken over and a run whose process died shows as
 * interrupted. */
int llmb_store_resume_run(struct llmb_store *s, int64_t run_id, struct llmb_error *err);
/* 1 when the instance with this key is stored complete in the run, 0 when
 * it is not, -1 on error (err set). */
int llmb_store_instance_done(struct llmb_store *s, int64_t run_id, const char *instance_key, struct llmb_error *err);
/* Stores one finished instance: model, configuration, instance, samples and
 * metrics in one transaction, so a kill at any moment leaves it whole or
 * absent. An instance already complete in the run is kept and not stored
 * twice. Every workload kind (r->inst.kind): speed stores samples and
 * metrics; ppl a quality_results row 'ppl'; kld a 'ppl' and a 'kld' row
 * (reference model from r->inst.ref_model); suite one prompt_responses row
 * per answer, items from r->inst.q->suite (docs/schema.md). */
int llmb_store_put_result(struct llmb_store *s, int64_t run_id, const struct llmb_result *r, struct llmb_error *err);
/* Sets the run's final status and finish time. */
int llmb_store_end_run(struct llmb_store *s, int64_t run_id, int status, struct llmb_error *err);
/* A whole run at once (begin, every result, end complete) in one transaction:
 * imports. Nothing is stored unless everything is. model_sha256[i] is result
 * i's model identity ("" for none); NULL: hash the model files named. */
int llmb_store_put_run(struct llmb_store *s, const struct llmb_run_info *ri, const struct llmb_result *results,
                       const char *const *model_sha256, size_t n, int64_t *run_id, struct llmb_error *err);

/* The pipeline's model family: which variants were quantized from which
 * source, and the ladder asked for. Stored with the run (schema 4). */
struct llmb_store_family_member {
    const char *path;
    const char *label;          /* "F16", "Q4_K_M" */
    int         is_reference;   /* the variant the others are measured against */
    const char *quantized_from; /* the source file, NULL for the source itself */
};
struct llmb_store_family {
    const char *source_path;    /* the F16/BF16/F32 file (or synthetic shape's) */
    const char *ladder;         /* "-q" as asked: "default", "Q8_0,Q4_K_M" */
    const struct llmb_store_family_member *members;
    size_t      n;
};
/* Writes the family and its members (each hashed like a result's model) in
 * one transaction; a family of the run with the same source_path is
 * replaced (a resumed pipeline writes it again). */
int llmb_store_put_family(struct llmb_store *s, int64_t run_id, const struct llmb_store_family *f,
                          struct llmb_error *err);

/* The answers of a suite instance stored complete in a run (a resumed
 * quality run needs the reference's). *out (llmb_suite_answers_free then
 * free) holds *n answers in the suite's order; *n = 0 when none stored. */
int llmb_store_get_answers(struct llmb_store *s, int64_t run_id, const char *instance_key,
                           struct llmb_suite_answer **out, size_t *n, struct llmb_error *err);

/* A quality figure for a model (issue 5 fills these; recommend reads them). */
struct llmb_store_quality {
    const char *kind;           /* "kld" or "ppl" */
    double      value;
    double      stderr_value;   /* NAN when unknown */
    const char *dataset;        /* may be NULL */
    int         n_ctx;
    int         n_chunks;
    const char *reference_path; /* KLD: the reference model, may be NULL */
};
int llmb_store_put_quality(struct llmb_store *s, int64_t run_id, const struct llmb_model_info *model,
                           const struct llmb_store_quality *q, struct llmb_error *err);

/* ---- identities ----------------------------------------------------------- */

#define LLMB_STORE_KEY_MAX 4600 /* room for a model path of PATH_MAX bytes */
#define LLMB_TAG_MAX 255        /* bytes of one tag */
#define LLMB_TAGS_MAX 1023      /* bytes of a run's tags, comma-separated */

/* SHA-256 of a GGUF file's header and tensor index (its first data-offset
 * bytes): the model's identity, cheap even for large files. */
int llmb_store_model_sha256(const char *path, char hex[65], struct llmb_error *err);
/* Canonical key of an instance: every parameter, model by its sha256 (or by
 * "path:<model>" when sha is empty/NULL). Same key = same configuration.
 * Speed: "model=…;ngl=…;b=…;ub=…;ctk=…;ctv=…;fa=…;t=…;d=…;p=…;n=…". Quality
 * kinds start with their kind: "kind=ppl;model=…;t=…;text=sha256:…;c=…;b=…;
 * chunks=…;topk=…;ngl=…;ub=…;ctk=…;ctv=…;fa=…", kld adds ";ref=…", suite is
 * "kind=suite;model=…;t=…;suite=<id>;maxtok=…;temp=…;seed=…;ref=…;ngl=…;…".
 * The reference model is named by ref_sha256 (llmb_instance_key_ref) or, in
 * llmb_instance_key, by "path:<ref_model>". */
void llmb_instance_key(const struct llmb_instance *in, const char *model_sha256, char *buf, size_t len);
void llmb_instance_key_ref(const struct llmb_instance *in, const char *model_sha256, const char *ref_sha256,
                           char *buf, size_t len);
/* The store's key for an instance: hashes the model file and the reference
 * model (cached per store), so it equals the key llmb_store_put_result
 * records. */
int  llmb_store_instance_key(struct llmb_store *s, const struct llmb_instance *in, char *buf, size_t len,
                             struct llmb_error *err);
/* Hash of a plan: its instance keys in order plus extra (reps, seed...). */
void llmb_store_plan_hash(const char *const *keys, size_t n, const char *extra, char hex[65]);

/* ---- queries -------------------------------------------------------------- */

/* A selection. Empty strings / 0 match everything; text matches are
 * case-insensitive substrings. Dates are RFC 3339 prefixes (2024-05-01). */
struct llmb_store_filter {
    int64_t run_id;
    char    model[256];  /* path or description */
    char    quant[64];
    char    device[128]; /* backend, device, GPU or CPU name */
    char    since[32];   /* run started at or after */
    char    until[32];   /* run started at or before (a bare date: the whole day) */
    char    tag[LLMB_TAG_MAX + 1];
    char    host[128];
    char    build[64];   /* llama.cpp build commit prefix */
    char    plan[65];    /* the run's plan hash, exactly (imports: the file's sha256) */
    char    kind[16];    /* workload kind: "speed", "ppl", "kld", "suite"; "": every kind */
    char key[LLMB_STORE_KEY_MAX]; /* the instance key, exactly (one configuration's history) */
    int     complete_only; /* 1: leave out failed tests (0: they come with r.error set) */
};
/* Sets one field by name (run, model, quant, device, since, until, tag, host,
 * build, plan, kind, key); checks the value. */
int llmb_store_filter_set(struct llmb_store_filter *f, const char *key, const char *value, struct llmb_error *err);
/* "12" (a run id) or "key=value[,key=value...]" ("tag=baseline,model=7b"). */
int llmb_store_filter_parse(struct llmb_store_filter *f, const char *expr, struct llmb_error *err);

struct llmb_store_run {
    int64_t id;
    char    started_at[32], finished_at[32];
    int     status;
    char    source[32];
    char    user[64], host[128];
    char    command[1024];
    char    llmbench_version[32];
    char    build_commit[64];
    int     build_number;
    char    tags[LLMB_TAGS_MAX + 1];
    char    plan_hash[65];
    size_t  n_planned, n_done; /* n_done: tests stored, failed ones included */
    size_t  n_failed;          /* of them, failed (with a reason) */
    int     process_gone;      /* stored as running, but its process is gone (status says interrupted) */
    struct llmb_store_hw hw;
};
int  llmb_store_list_runs(struct llmb_store *s, const struct llmb_store_filter *f, struct llmb_store_run **out,
                          size_t *n, struct llmb_error *err);

/* One stored instance, as the runner delivered it (r), plus where it lives.
 * r's strings and arrays point into the record. A failed test has r.error
 * (its stored reason), its configuration and no figures. */
struct llmb_store_record {
    int64_t run_id, instance_id;
    char    instance_key[LLMB_STORE_KEY_MAX];
    char    model_sha256[65];
    char    tags[LLMB_TAGS_MAX + 1];
    char    host[128];
    char    type_k[16], type_v[16];
    double  kld, ppl; /* latest quality figures of the model; NAN when none */
    /* quality instances (r.inst.kind != LLMB_WL_SPEED): r.ppl (ppl/kld) and
     * r.answers (suite) are filled; r.inst.q is NULL, what it said is here */
    char    dataset[256];        /* the text's name (ppl/kld) */
    char    dataset_sha256[65];
    char    suite[96];           /* the suite's id (suite) */
    char    ref_model[4096];     /* the reference model's path (kld/suite), "" when none */
    char    ref_model_sha256[65];
    char    test[96];            /* the stored test name: "pp512", "ppl c512", "suite default" */
    char    error[1024];         /* why the test failed ("" when it did not): r.error points here */
    /* suite: what answer i answered (items[i], n = r.n_answers: id,
     * category, prompt, check kind; no expected text), and how it was
     * sampled (NAN / -1 / 0 when unknown) */
    struct llmb_suite_item *items;
    double  temperature;
    int64_t seed;
    int     max_tokens;
    struct llmb_result r;        /* r.origin points at origin */
    struct llmb_result_origin origin;
    char   *strings;             /* what r's parameters point into (llmb_store_records_free) */
};
/* Instances matching f (every kind unless f->kind says one), oldest first.
 * Quality records own their answers and items: free with
 * llmb_store_records_free. */
int  llmb_store_query(struct llmb_store *s, const struct llmb_store_filter *f, struct llmb_store_record **out,
                      size_t *n, struct llmb_error *err);
void llmb_store_records_free(struct llmb_store_record *v, size_t n);

/* ---- llama-bench import -------------------------------------------------- */

/* llama-bench's -o json (an array of objects) or -o jsonl (one object per
 * line) output, read and checked whole: results as the runner would have
 * delivered them (every llama-bench field of the table in result.h; pp/tg
 * parts, TTFT, applied settings, memory and load time unknown), the run's
 * facts from the file, and the file's sha256 (a repeated import is
 * recognisable). Every row is kept: identical tests are numbered by
 * occurrence, as a sweep numbers them. */
struct llmb_import {
    struct llmb_result  *results;
    const char         **model_sha256; /* per result: the model file's identity when it is there and matches */
    size_t               n;
    char                 build_commit[64];
    int                  build_number;
    char                 started_at[32]; /* earliest test_time */
    char                 file_sha256[65];
    size_t               n_skipped;      /* objects of an llmbench export whose "kind" is not
                                          * "speed" (quality results): not imported */
    struct llmb_store_hw hw;             /* cpu_info, gpu_info, backends of the file */
    void                *storage;        /* strings and samples the results point into */
};
/* Anything that is not that format gives one line naming the file, the
 * object (line) and the field at fault, and fills nothing. */
int  llmb_store_import_llama_bench(const char *path, struct llmb_import *out, struct llmb_error *err);
void llmb_store_import_free(struct llmb_import *im); /* NULL or zeroed: no-op */

/* ---- backends ------------------------------------------------------------- */

/* A backend: every operation above over an opaque state. */
/* ---- the machine's limits and evidence (llmbench hw) ------------------------ */

struct llmb_bw_result;
/* Keeps a bandwidth measurement of this host (gethostname). */
int llmb_store_put_bandwidth(struct llmb_store *s, const struct llmb_bw_result *r, struct llmb_error *err);
/* The latest bandwidth measured on host (NULL: this one); *found 0 when none. */
int llmb_store_get_bandwidth(struct llmb_store *s, const char *host, struct llmb_bw_result *r, int *found,
                             struct llmb_error *err);

/* One cell of the compatibility matrix: a model / quantization / backend /
 * devices combination on one machine, and what the evidence says. */
struct llmb_store_matrix_row {
    char host[128], cpu[128];
    char model[256], quant[64], backends[128], devices[256];
    char outcome[16]; /* "ran", "failed", "refused" (did not fit) */
    int64_t n_ran, n_failed;
    char last_error[256]; /* the latest failure's reason, "" when none */
    char last_at[32];     /* the latest test's time */
};
/* Every combination in the store, by host, model, quant, backends, devices. */
int llmb_store_matrix(struct llmb_store *s, struct llmb_store_matrix_row **out, size_t *n, struct llmb_error *err);

struct llmb_store_ops {
    const char *name;
    int  (*open)(const char *path, const struct llmb_store_params *p, void **state, struct llmb_error *err);
    void (*close)(void *state);
    int  (*schema_version)(void *state);
    int  (*begin_run)(void *state, const struct llmb_run_info *ri, int64_t *run_id, struct llmb_error *err);
    int  (*find_resumable)(void *state, const char *plan_hash, int64_t *run_id, struct llmb_error *err);
    int  (*resume_run)(void *state, int64_t run_id, struct llmb_error *err);
    int  (*instance_done)(void *state, int64_t run_id, const char *key, struct llmb_error *err);
    /* ref_sha256: the reference model's identity (kld/suite), "" or NULL: none */
    int  (*put_result)(void *state, int64_t run_id, const struct llmb_result *r, const char *model_sha256,
                       const char *ref_sha256, struct llmb_error *err);
    int  (*end_run)(void *state, int64_t run_id, int status, struct llmb_error *err);
    int  (*put_run)(void *state, const struct llmb_run_info *ri, const struct llmb_result *results,
                    const char *const *model_sha256, const char *const *ref_sha256, size_t n, int64_t *run_id,
                    struct llmb_error *err);
    /* member_sha256[i]: member i's identity ("" when not hashed) */
    int  (*put_family)(void *state, int64_t run_id, const struct llmb_store_family *f,
                       const char *const *member_sha256, struct llmb_error *err);
    int  (*get_answers)(void *state, int64_t run_id, const char *key, struct llmb_suite_answer **out, size_t *n,
                        struct llmb_error *err);
    int  (*put_quality)(void *state, int64_t run_id, const struct llmb_model_info *m, const char *model_sha256,
                        const struct llmb_store_quality *q, struct llmb_error *err);
    int  (*list_runs)(void *state, const struct llmb_store_filter *f, struct llmb_store_run **out, size_t *n,
                      struct llmb_error *err);
    int  (*query)(void *state, const struct llmb_store_filter *f, struct llmb_store_record **out, size_t *n,
                  struct llmb_error *err);
    int  (*check)(void *state, int full, int *ok, char **report, struct llmb_error *err);
    int (*put_bandwidth)(void *state, const char *host, const struct llmb_bw_result *r, struct llmb_error *err);
    int (*get_bandwidth)(void *state, const char *host, struct llmb_bw_result *r, int *found, struct llmb_error *err);
    int (*matrix)(void *state, struct llmb_store_matrix_row **out, size_t *n, struct llmb_error *err);
};

#ifdef __cplusplus
}
#endif

#endif
