/* sqlite_int.h - state and helpers shared by the SQLite backend's files
 * (sqlite.c: open, writes; sqlite_query.c: reads). Internal to src/store. */
#ifndef LLMB_STORE_SQLITE_INT_H
#define LLMB_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "llmbench/store.h"

struct llmb_sqlite {
    sqlite3 *db;
    char     path[4096];
    int      readonly;
    int      version;
    double   lock_wait_s;
    int      run_lock_fd; /* "<path>.lock": one byte per live run (OFD locks), -1 when absent */
};

/* 1 when run id's process still runs it: its lock is held (or, without a
 * lock file, it is on this host and its pid is alive). */
int llmb_store_sqlite_run_live(struct llmb_sqlite *s, int64_t id, const char *host, long pid);

/* Turns an SQLite failure during `what` into one clear line (locked,
 * read-only, corrupted, disk full...) and returns LLMB_E_IO. */
int llmb_store_sqlite_err(struct llmb_sqlite *s, int rc, const char *what, struct llmb_error *err);

/* Prepares sql and binds the arguments fmt describes, in order:
 * 'i' int, 'I' int64_t, 'd' double, 'D' double (NAN binds NULL),
 * 's' text (NULL binds NULL). */
int llmb_store_sqlite_prep(struct llmb_sqlite *s, sqlite3_stmt **st, const char *sql, const char *fmt, ...);
/* Prepares, binds, steps once and finalizes: for statements without rows. */
int llmb_store_sqlite_exec(struct llmb_sqlite *s, const char *sql, const char *fmt, ...);
/* Text column i, never NULL, copied into buf[len]. */
void llmb_store_sqlite_text(sqlite3_stmt *st, int i, char *buf, size_t len);

int llmb_store_sqlite_list_runs(void *state, const struct llmb_store_filter *f, struct llmb_store_run **out,
                                size_t *n, struct llmb_error *err);
/* sqlite_hw.c: bandwidth measurements and the compatibility matrix */
int llmb_store_sqlite_put_bandwidth(void *state, const char *host, const struct llmb_bw_result *r,
                                    struct llmb_error *err);
int llmb_store_sqlite_get_bandwidth(void *state, const char *host, struct llmb_bw_result *r, int *found,
                                    struct llmb_error *err);
int llmb_store_sqlite_matrix(void *state, struct llmb_store_matrix_row **out, size_t *n, struct llmb_error *err);
int llmb_store_sqlite_query(void *state, const struct llmb_store_filter *f, struct llmb_store_record **out,
                            size_t *n, struct llmb_error *err);

int llmb_store_sqlite_get_answers(void *state, int64_t run_id, const char *key, struct llmb_suite_answer **out,
                                  size_t *n, struct llmb_error *err);

#endif
