/* schema.h - the SQLite store's schema as numbered migrations (internal to
 * src/store). PRAGMA user_version holds the version of a database. */
#ifndef LLMB_STORE_SCHEMA_H
#define LLMB_STORE_SCHEMA_H

#include <sqlite3.h>

/* PRAGMA application_id of llmbench stores: "LMB1". */
#define LLMB_STORE_APP_ID 0x4c4d4231

/* The newest schema version this build knows. */
int llmb_store_schema_latest(void);

/* Applies migrations from+1 .. to inside the caller's transaction, records
 * each in schema_version and sets user_version and application_id. Returns
 * an SQLite code; *what names the failing step. */
int llmb_store_schema_migrate(sqlite3 *db, int from, int to, const char **what);

#endif
