/* store.h: the persistent job store (SQLite, WAL). The schema and its migrations are documented at
 * the top of store.c.
 *
 * The crash invariant lives in the callers and is restated here: a file's offset
 * (JobFile.bytes_durable) is saved only after the bytes below it were fsync'ed to the temp file; on
 * start the daemon cuts each temp file back to its stored offset.
 *
 * All functions return 0 or a negative errno (-EIO for SQLite failures, logged at the call). Writes
 * outside store_begin()/store_commit() are each their own transaction. */
#pragma once

#include "job.h"

typedef struct Store Store;

/* Opens (creating if needed) the database at `path`, mode 0600, WAL, synchronous=FULL, runs the
 * migrations up to the current schema version. -EPROTO when the file's schema is newer than ours. */
int store_open(const char *path, Store **ret);
Store *store_close(Store *s);             /* NULL-safe; returns NULL */
static inline void store_closep(Store **s) { if (*s) store_close(*s); }

int store_begin(Store *s);
int store_commit(Store *s);
int store_rollback(Store *s);

/* Insert or replace the job row: every scalar field of Job and its JobError (not the files). */
int store_save_job(Store *s, const Job *j);
/* Insert or replace one file row (all its fields). */
int store_save_file(Store *s, const JobFile *f);
/* Hot path during transfers: update only the fields a transfer changes — bytes_total,
 * bytes_durable, transferred, completed, etag, last_modified, remote_size, bytes_downloaded,
 * download_usec and http_response_headers — of one file (a prepared statement, no re-parse). */
int store_save_file_progress(Store *s, const JobFile *f);
/* Delete a job and its files. */
int store_delete_job(Store *s, const sd_id128_t *id);

/* Load every job with its files, in creation order, as fresh Job objects (runtime fields NULL/0;
 * JobFile.bytes_written = bytes_durable). The caller owns the array and the jobs. */
int store_load_jobs(Store *s, Job ***ret_jobs, size_t *ret_n_jobs);

int store_schema_version(Store *s, int *ret);
#define STORE_SCHEMA_VERSION 3
