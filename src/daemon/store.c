/* store.c: the persistent job store (see store.h), SQLite through its C API.
 *
 * One database file, mode 0600, in the state dir. WAL journal, synchronous=FULL: the crash
 * invariant (a file's offset is stored only after the bytes below it were fsync'ed) needs the
 * COMMIT itself to be durable, and NORMAL would let the last commits vanish on power loss.
 * foreign_keys=ON so that deleting a job deletes its files. One connection, one thread.
 *
 * Schema, version 3 (version 2 is the same without the columns marked "v3", version 1 without those
 * marked "v2" or "v3"):
 *
 *   meta(key TEXT PRIMARY KEY, value)
 *       ('schema_version', <integer>): the version of the migrations applied.
 *
 *   jobs                              one row per Job (job.h); rowid = insertion order
 *       id TEXT PRIMARY KEY           32 lowercase hex digits (sd_id128_to_string)
 *       display_name TEXT NOT NULL, description TEXT (NULL when never set)
 *       type, state, priority, owner (uid), notify_flags, no_progress_timeout (s),
 *       minimum_retry_delay (s), error_count      INTEGER NOT NULL, the enum/number values
 *       creation_time, modification_time, transfer_completion_time, final_time
 *                                     INTEGER NOT NULL, CLOCK_REALTIME µs (0 = not yet)
 *       error_hresult INTEGER NOT NULL  the HRESULT as its unsigned 32-bit value (0 = no error)
 *       error_context INTEGER NOT NULL, error_file_index INTEGER NOT NULL (-1 = no file)
 *       error_description TEXT, error_protocol TEXT
 *   v2: cost_flags INTEGER NOT NULL DEFAULT 2147483903
 *                                     BITS_JOB_PROPERTY_ID_COST_FLAGS as its unsigned 32-bit value;
 *                                     the default is JOB_COST_FLAGS_DEFAULT (0x800000FF, ALWAYS)
 *       notification_clsid TEXT       BITS_JOB_PROPERTY_NOTIFICATION_CLSID: the 16 bytes of
 *                                     Job.notification_clsid as 32 lowercase hex digits, NULL when
 *                                     all zero (none)
 *       security_flags INTEGER NOT NULL DEFAULT 0   BG_HTTP_REDIRECT_POLICY_* etc., unsigned 32-bit
 *       notify_cmdline_program, notify_cmdline_parameters TEXT   SetNotifyCmdLine, NULL when none
 *   v3: proxy_usage INTEGER NOT NULL DEFAULT 0   SetProxySettings' BG_JOB_PROXY_USAGE (0 = PRECONFIG)
 *       proxy_list, proxy_bypass_list TEXT   its lists, NULL when none (only OVERRIDE has them, and
 *                                     OVERRIDE always has a proxy_list: a row breaking either rule is
 *                                     not loaded)
 *       file_owner INTEGER NOT NULL   whose rights the files are handled with (JobFile ops): the
 *                                     creator; TakeOwnership changes owner, not this
 *
 *   files                             one row per JobFile
 *       job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE
 *       idx INTEGER NOT NULL          position in the job, 0-based; PRIMARY KEY (job_id, idx)
 *       file_id, remote_url, local_path, temp_path TEXT NOT NULL
 *       ranges BLOB                   NULL for the whole file, else n × (InitialOffset, Length),
 *                                     each a little-endian u64: 16 bytes per range
 *       bytes_total, bytes_durable INTEGER NOT NULL   u64 stored as its int64 bit pattern, so
 *                                     BG_SIZE_UNKNOWN reads -1 in the sqlite3 shell
 *       transferred, completed INTEGER NOT NULL (0/1)
 *       etag, last_modified TEXT      NULL when the server sent none
 *   v2: remote_size INTEGER NOT NULL DEFAULT -1   size of the server's whole file, u64 bit pattern
 *                                     (-1 = BG_SIZE_UNKNOWN); differs from bytes_total for ranges
 *       sha256 TEXT                   the expected SHA-256 of the local file as 64 lowercase hex
 *                                     digits, NULL when none (JobFile.has_sha256 false)
 *       integrity_mandatory INTEGER NOT NULL DEFAULT 0   (0/1) IntegrityCheckMandatory
 *       integrity_check_info TEXT     IntegrityCheckInfo as the caller gave it, NULL when never set
 *       http_response_headers TEXT    every header of the last response, NULL before the first
 *       bytes_downloaded, download_usec INTEGER NOT NULL DEFAULT 0   network bytes and transfer
 *                                     time (µs) of this file, all attempts; u64 bit patterns
 *       remote_size, bytes_downloaded, download_usec and http_response_headers change during a
 *       transfer, so store_save_file_progress() writes them with the other progress columns.
 *   v3: integrity_mandatory_set INTEGER NOT NULL DEFAULT 0   (0/1) IntegrityCheckMandatory was ever
 *                                     set (JobFile.integrity_mandatory_set: else GetProperty answers
 *                                     E_NOT_SET); loaded as 1 whenever integrity_mandatory is 1
 *
 * Migrations: migrations[i] takes the schema from version i to i + 1. Each runs in its own
 * BEGIN IMMEDIATE transaction that re-reads the version first (so two openers never apply a step
 * twice) and writes the new version last. Step 1 → 2 only adds columns (ALTER TABLE … ADD COLUMN),
 * with defaults that load a v1 row as job_new()/job_add_file() would have made it, except
 * remote_size, which v1 never recorded: unknown. Step 2 → 3 adds columns the same way (a v2 job has
 * the proxy settings job_new() gives, PRECONFIG: v2 did not store them) and then sets
 * integrity_mandatory_set = integrity_mandatory for the existing file rows: v2 kept no "was set"
 * flag, and a stored TRUE is the only trace of a set that v2 left (a FALSE that was set reads as
 * never set, as it did under v2); and file_owner = owner (v2 kept no creator apart from the owner). A database whose version is above STORE_SCHEMA_VERSION was
 * written by a newer dosvc: -EPROTO, and we touch nothing.
 *
 * Rows are written with upserts (INSERT … ON CONFLICT DO UPDATE), never INSERT OR REPLACE: REPLACE
 * deletes the old row first, which would cascade to the job's files and renumber its rowid (the
 * tie-break of the load order). */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "store.h"

struct Store {
        sqlite3 *db;
        char *path;
        /* Cached statements: the hot path (file progress) and the frequent writes. */
        sqlite3_stmt *save_job;
        sqlite3_stmt *save_file;
        sqlite3_stmt *save_file_progress;
};

static const char *const migrations[] = {
        /* 0 → 1 */
        "CREATE TABLE meta ("
        "  key TEXT PRIMARY KEY,"
        "  value"
        ");"
        "CREATE TABLE jobs ("
        "  id TEXT PRIMARY KEY NOT NULL,"
        "  display_name TEXT NOT NULL,"
        "  description TEXT,"
        "  type INTEGER NOT NULL,"
        "  state INTEGER NOT NULL,"
        "  priority INTEGER NOT NULL,"
        "  owner INTEGER NOT NULL,"
        "  notify_flags INTEGER NOT NULL,"
        "  no_progress_timeout INTEGER NOT NULL,"
        "  minimum_retry_delay INTEGER NOT NULL,"
        "  error_count INTEGER NOT NULL,"
        "  creation_time INTEGER NOT NULL,"
        "  modification_time INTEGER NOT NULL,"
        "  transfer_completion_time INTEGER NOT NULL,"
        "  final_time INTEGER NOT NULL,"
        "  error_hresult INTEGER NOT NULL,"
        "  error_context INTEGER NOT NULL,"
        "  error_file_index INTEGER NOT NULL,"
        "  error_description TEXT,"
        "  error_protocol TEXT"
        ");"
        "CREATE TABLE files ("
        "  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
        "  idx INTEGER NOT NULL,"
        "  file_id TEXT NOT NULL,"
        "  remote_url TEXT NOT NULL,"
        "  local_path TEXT NOT NULL,"
        "  temp_path TEXT NOT NULL,"
        "  ranges BLOB,"
        "  bytes_total INTEGER NOT NULL,"
        "  bytes_durable INTEGER NOT NULL,"
        "  transferred INTEGER NOT NULL,"
        "  completed INTEGER NOT NULL,"
        "  etag TEXT,"
        "  last_modified TEXT,"
        "  PRIMARY KEY (job_id, idx)"
        ");",
        /* 1 → 2: the properties of issues 3 and 4. 2147483903 = JOB_COST_FLAGS_DEFAULT. */
        "ALTER TABLE jobs ADD COLUMN cost_flags INTEGER NOT NULL DEFAULT 2147483903;"
        "ALTER TABLE jobs ADD COLUMN notification_clsid TEXT;"
        "ALTER TABLE jobs ADD COLUMN security_flags INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE jobs ADD COLUMN notify_cmdline_program TEXT;"
        "ALTER TABLE jobs ADD COLUMN notify_cmdline_parameters TEXT;"
        "ALTER TABLE files ADD COLUMN remote_size INTEGER NOT NULL DEFAULT -1;"
        "ALTER TABLE files ADD COLUMN sha256 TEXT;"
        "ALTER TABLE files ADD COLUMN integrity_mandatory INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE files ADD COLUMN integrity_check_info TEXT;"
        "ALTER TABLE files ADD COLUMN http_response_headers TEXT;"
        "ALTER TABLE files ADD COLUMN bytes_downloaded INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE files ADD COLUMN download_usec INTEGER NOT NULL DEFAULT 0;",
        /* 2 → 3: proxy settings and "IntegrityCheckMandatory was set", in memory only before. */
        "ALTER TABLE jobs ADD COLUMN proxy_usage INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE jobs ADD COLUMN proxy_list TEXT;"
        "ALTER TABLE jobs ADD COLUMN proxy_bypass_list TEXT;"
        "ALTER TABLE jobs ADD COLUMN file_owner INTEGER NOT NULL DEFAULT -1;"
        "UPDATE jobs SET file_owner = owner;"
        "ALTER TABLE files ADD COLUMN integrity_mandatory_set INTEGER NOT NULL DEFAULT 0;"
        "UPDATE files SET integrity_mandatory_set = integrity_mandatory;",
};

_Static_assert(ELEMENTSOF(migrations) == STORE_SCHEMA_VERSION, "one migration per schema version");

#define STORE_BUSY_TIMEOUT_MS 5000

#define JOB_COLUMNS                                                                             \
        "id, display_name, description, type, state, priority, owner, notify_flags, "           \
        "no_progress_timeout, minimum_retry_delay, error_count, creation_time, "                \
        "modification_time, transfer_completion_time, final_time, error_hresult, "              \
        "error_context, error_file_index, error_description, error_protocol, cost_flags, "       \
        "notification_clsid, security_flags, notify_cmdline_program, notify_cmdline_parameters, "  \
        "proxy_usage, proxy_list, proxy_bypass_list, file_owner"

#define FILE_COLUMNS                                                                            \
        "job_id, idx, file_id, remote_url, local_path, temp_path, ranges, bytes_total, "        \
        "bytes_durable, transferred, completed, etag, last_modified, remote_size, "              \
        "bytes_downloaded, download_usec, http_response_headers, sha256, integrity_mandatory, "  \
        "integrity_check_info, integrity_mandatory_set"

static const char sql_save_job[] =
        "INSERT INTO jobs (" JOB_COLUMNS ") "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
        "?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29) "
        "ON CONFLICT (id) DO UPDATE SET "
        "display_name = excluded.display_name, description = excluded.description, "
        "type = excluded.type, state = excluded.state, priority = excluded.priority, "
        "owner = excluded.owner, notify_flags = excluded.notify_flags, "
        "no_progress_timeout = excluded.no_progress_timeout, "
        "minimum_retry_delay = excluded.minimum_retry_delay, error_count = excluded.error_count, "
        "creation_time = excluded.creation_time, modification_time = excluded.modification_time, "
        "transfer_completion_time = excluded.transfer_completion_time, "
        "final_time = excluded.final_time, error_hresult = excluded.error_hresult, "
        "error_context = excluded.error_context, error_file_index = excluded.error_file_index, "
        "error_description = excluded.error_description, error_protocol = excluded.error_protocol, "
        "cost_flags = excluded.cost_flags, notification_clsid = excluded.notification_clsid, "
        "security_flags = excluded.security_flags, "
        "notify_cmdline_program = excluded.notify_cmdline_program, "
        "notify_cmdline_parameters = excluded.notify_cmdline_parameters, "
        "proxy_usage = excluded.proxy_usage, proxy_list = excluded.proxy_list, "
        "proxy_bypass_list = excluded.proxy_bypass_list, file_owner = excluded.file_owner";

static const char sql_save_file[] =
        "INSERT INTO files (" FILE_COLUMNS ") "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21) "
        "ON CONFLICT (job_id, idx) DO UPDATE SET "
        "file_id = excluded.file_id, remote_url = excluded.remote_url, "
        "local_path = excluded.local_path, temp_path = excluded.temp_path, "
        "ranges = excluded.ranges, bytes_total = excluded.bytes_total, "
        "bytes_durable = excluded.bytes_durable, transferred = excluded.transferred, "
        "completed = excluded.completed, etag = excluded.etag, last_modified = excluded.last_modified, "
        "remote_size = excluded.remote_size, bytes_downloaded = excluded.bytes_downloaded, "
        "download_usec = excluded.download_usec, "
        "http_response_headers = excluded.http_response_headers, sha256 = excluded.sha256, "
        "integrity_mandatory = excluded.integrity_mandatory, "
        "integrity_check_info = excluded.integrity_check_info, "
        "integrity_mandatory_set = excluded.integrity_mandatory_set";

static const char sql_save_file_progress[] =
        "UPDATE files SET bytes_total = ?3, bytes_durable = ?4, transferred = ?5, completed = ?6, "
        "etag = ?7, last_modified = ?8, remote_size = ?9, bytes_downloaded = ?10, download_usec = ?11, "
        "http_response_headers = ?12 WHERE job_id = ?1 AND idx = ?2";

/* SQLite result code → -errno. The detail stays in the log line. */
static int errno_from_sqlite(int rc) {
        switch (rc & 0xff) {
        case SQLITE_NOMEM:
                return -ENOMEM;
        case SQLITE_FULL:
                return -ENOSPC;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                return -EBUSY;
        case SQLITE_READONLY:
                return -EROFS;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
                return -EBADMSG;
        default:
                return -EIO;
        }
}

/* Logs a failed SQLite call with the connection's message and returns the -errno for it. */
static int log_sqlite(Store *s, int rc, const char *what) {
        return log_error_errno(errno_from_sqlite(rc), "Store %s: %s failed: %s (%d)",
                               s->path, what, s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc), rc);
}

static int store_exec(Store *s, const char *sql, const char *what) {
        int rc;

        rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
                return log_sqlite(s, rc, what);
        return 0;
}

static int store_prepare(Store *s, const char *sql, sqlite3_stmt **ret) {
        int rc;

        rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, ret, NULL);
        if (rc != SQLITE_OK)
                return log_sqlite(s, rc, "preparing a statement");
        return 0;
}

/* Runs a statement that returns no rows, then resets it and drops its bindings (the cached ones
 * must not keep pointers into freed Jobs). */
static int store_step_done(Store *s, sqlite3_stmt *st, const char *what) {
        int rc;

        rc = sqlite3_step(st);
        (void) sqlite3_reset(st);
        (void) sqlite3_clear_bindings(st);
        if (rc != SQLITE_DONE)
                return log_sqlite(s, rc, what);
        return 0;
}

static int bind_id(sqlite3_stmt *st, int i, const sd_id128_t *id) {
        char buf[SD_ID128_STRING_MAX];

        return sqlite3_bind_text(st, i, sd_id128_to_string(*id, buf), -1, SQLITE_TRANSIENT);
}

/* u64 as its int64 bit pattern (SQLite integers are signed). */
static int bind_u64(sqlite3_stmt *st, int i, uint64_t v) {
        return sqlite3_bind_int64(st, i, (sqlite3_int64) v);
}

static uint64_t column_u64(sqlite3_stmt *st, int i) {
        return (uint64_t) sqlite3_column_int64(st, i);
}

static int bind_text_or_null(sqlite3_stmt *st, int i, const char *t) {
        return t ? sqlite3_bind_text(st, i, t, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static int column_strdup(sqlite3_stmt *st, int i, char **ret) {
        const unsigned char *t = sqlite3_column_text(st, i);

        if (!t) {
                if (sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM)
                        return -ENOMEM;
                *ret = NULL;
                return 0;
        }
        *ret = strdup((const char *) t);
        return *ret ? 0 : -ENOMEM;
}

static void put_le64(uint8_t *p, uint64_t v) {
        for (int i = 0; i < 8; i++)
                p[i] = (uint8_t) (v >> (8 * i));
}

static uint64_t get_le64(const uint8_t *p) {
        uint64_t v = 0;

        for (int i = 0; i < 8; i++)
                v |= (uint64_t) p[i] << (8 * i);
        return v;
}

static bool all_zero(const uint8_t *p, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (p[i] != 0)
                        return false;
        return true;
}

/* n bytes → 2n lowercase hex digits and a NUL; buf holds 2n + 1. */
static char *hex_encode(const uint8_t *p, size_t n, char *buf) {
        static const char digits[] = "0123456789abcdef";

        for (size_t i = 0; i < n; i++) {
                buf[2 * i] = digits[p[i] >> 4];
                buf[2 * i + 1] = digits[p[i] & 0xf];
        }
        buf[2 * n] = '\0';
        return buf;
}

static int unhex_digit(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* Exactly 2n hex digits (any case, as a hand edit may leave them) → n bytes; else -EBADMSG. */
static int hex_decode(const char *t, uint8_t *ret, size_t n) {
        if (strlen(t) != 2 * n)
                return -EBADMSG;
        for (size_t i = 0; i < n; i++) {
                int hi = unhex_digit(t[2 * i]), lo = unhex_digit(t[2 * i + 1]);

                if (hi < 0 || lo < 0)
                        return -EBADMSG;
                ret[i] = (uint8_t) (hi << 4 | lo);
        }
        return 0;
}

static int store_read_version(Store *s, int *ret) {
        sqlite3_stmt *st = NULL;
        int rc, r = 0;

        /* No meta table: a new, empty database, version 0. */
        rc = sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
                                -1, &st, NULL);
        if (rc != SQLITE_OK)
                return log_sqlite(s, rc, "reading the schema");
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc == SQLITE_DONE) {
                *ret = 0;
                return 0;
        }
        if (rc != SQLITE_ROW)
                return log_sqlite(s, rc, "reading the schema");

        rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st, NULL);
        if (rc != SQLITE_OK)
                return log_sqlite(s, rc, "reading the schema version");
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
                sqlite3_int64 v = sqlite3_column_int64(st, 0);

                if (sqlite3_column_type(st, 0) != SQLITE_INTEGER || v < 0 || v > INT32_MAX)
                        r = log_error_errno(-EBADMSG, "Store %s: invalid schema version.", s->path);
                else
                        *ret = (int) v;
        } else if (rc == SQLITE_DONE)
                *ret = 0;       /* a meta table without a version: only a crash in step 0→1 */
        else
                r = log_sqlite(s, rc, "reading the schema version");
        sqlite3_finalize(st);
        return r;
}

/* Applies migrations[step] unless the database is already past it. One transaction; the version
 * is re-read inside it, so a concurrent opener cannot apply the same step twice. */
static int store_migrate_step(Store *s, int step) {
        char sql[96];
        int version = 0, r;

        r = store_exec(s, "BEGIN IMMEDIATE", "starting a migration");
        if (r < 0)
                return r;

        r = store_read_version(s, &version);
        if (r < 0)
                goto fail;
        if (version > STORE_SCHEMA_VERSION) {
                r = log_error_errno(-EPROTO, "Store %s: schema version %d is newer than this dosvc's (%d), refusing.",
                                    s->path, version, STORE_SCHEMA_VERSION);
                goto fail;
        }
        if (version <= step) {
                r = store_exec(s, migrations[step], "migrating the schema");
                if (r < 0)
                        goto fail;
                (void) snprintf(sql, sizeof sql,
                                "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', %d)",
                                step + 1);
                r = store_exec(s, sql, "recording the schema version");
                if (r < 0)
                        goto fail;
                log_debug("Store %s: migrated the schema to version %d.", s->path, step + 1);
        }

        r = store_exec(s, "COMMIT", "committing a migration");
        if (r < 0)
                goto fail;
        return 0;

fail:
        (void) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return r;
}

static int store_migrate(Store *s) {
        int r;

        for (int step = 0; step < (int) ELEMENTSOF(migrations); step++) {
                r = store_migrate_step(s, step);
                if (r < 0)
                        return r;
        }
        return 0;
}

Store *store_close(Store *s) {
        if (!s)
                return NULL;

        sqlite3_finalize(s->save_job);
        sqlite3_finalize(s->save_file);
        sqlite3_finalize(s->save_file_progress);
        if (s->db) {
                int rc = sqlite3_close(s->db);
                if (rc != SQLITE_OK)
                        (void) log_sqlite(s, rc, "closing");
        }
        free(s->path);
        free(s);
        return NULL;
}

int store_open(const char *path, Store **ret) {
        _cleanup_(store_closep) Store *s = NULL;
        const char *mode = NULL;
        sqlite3_stmt *st = NULL;
        int fd, rc, r;

        if (!path || !ret)
                return -EINVAL;

        s = calloc(1, sizeof(Store));
        if (!s)
                return -ENOMEM;
        s->path = strdup(path);
        if (!s->path)
                return -ENOMEM;

        /* Create the file ourselves so that it is 0600 whatever the umask; SQLite gives the -wal and
         * -shm files the mode of the database file. */
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return log_error_errno(-errno, "Failed to create store '%s': %m", path);
        (void) close(fd);

        rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc != SQLITE_OK)
                return log_sqlite(s, rc, "opening");
        (void) sqlite3_extended_result_codes(s->db, 1);

        rc = sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
        if (rc != SQLITE_OK)
                return log_sqlite(s, rc, "setting the busy timeout");

        /* foreign_keys is per connection and a no-op inside a transaction: set it first. */
        r = store_exec(s, "PRAGMA foreign_keys = ON", "enabling foreign keys");
        if (r < 0)
                return r;

        /* journal_mode answers with the mode in effect; WAL can be refused (e.g. some network
         * file systems). The rollback journal with synchronous=FULL is still durable. */
        rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
        if (rc != SQLITE_OK)
                return log_sqlite(s, rc, "setting WAL mode");
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
                mode = (const char *) sqlite3_column_text(st, 0);
        if (rc != SQLITE_ROW) {
                r = log_sqlite(s, rc, "setting WAL mode");
                sqlite3_finalize(st);
                return r;
        }
        if (!mode || strcasecmp(mode, "wal") != 0)
                log_warning("Store %s: WAL journal refused, continuing with journal mode '%s'.", path,
                            mode ?: "unknown");
        sqlite3_finalize(st);

        r = store_exec(s, "PRAGMA synchronous = FULL", "setting synchronous=FULL");
        if (r < 0)
                return r;

        r = store_migrate(s);
        if (r < 0)
                return r;

        r = store_prepare(s, sql_save_job, &s->save_job);
        if (r < 0)
                return r;
        r = store_prepare(s, sql_save_file, &s->save_file);
        if (r < 0)
                return r;
        r = store_prepare(s, sql_save_file_progress, &s->save_file_progress);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(s);
        return 0;
}

int store_begin(Store *s) {
        if (!sqlite3_get_autocommit(s->db))
                return -EBUSY;          /* no nesting: a caller bug */
        return store_exec(s, "BEGIN IMMEDIATE", "starting a transaction");
}

int store_commit(Store *s) {
        if (sqlite3_get_autocommit(s->db))
                return -EINVAL;
        /* On failure the transaction may still be open: the caller rolls back. */
        return store_exec(s, "COMMIT", "committing");
}

int store_rollback(Store *s) {
        if (sqlite3_get_autocommit(s->db))
                return 0;               /* SQLite may already have rolled back after an error */
        return store_exec(s, "ROLLBACK", "rolling back");
}

int store_save_job(Store *s, const Job *j) {
        sqlite3_stmt *st = s->save_job;
        char clsid[2 * sizeof j->notification_clsid + 1];
        int rc = SQLITE_OK;

        if (!j)
                return -EINVAL;

        /* Binding fails only for an out-of-range index or OOM; check once, at the end. */
        rc |= bind_id(st, 1, &j->id);
        rc |= bind_text_or_null(st, 2, j->display_name ?: "");
        rc |= bind_text_or_null(st, 3, j->description);
        rc |= sqlite3_bind_int64(st, 4, j->type);
        rc |= sqlite3_bind_int64(st, 5, j->state);
        rc |= sqlite3_bind_int64(st, 6, j->priority);
        rc |= sqlite3_bind_int64(st, 7, j->owner);
        rc |= sqlite3_bind_int64(st, 8, j->notify_flags);
        rc |= sqlite3_bind_int64(st, 9, j->no_progress_timeout);
        rc |= sqlite3_bind_int64(st, 10, j->minimum_retry_delay);
        rc |= sqlite3_bind_int64(st, 11, j->error_count);
        rc |= bind_u64(st, 12, j->creation_time);
        rc |= bind_u64(st, 13, j->modification_time);
        rc |= bind_u64(st, 14, j->transfer_completion_time);
        rc |= bind_u64(st, 15, j->final_time);
        rc |= sqlite3_bind_int64(st, 16, (uint32_t) j->error.hresult);
        rc |= sqlite3_bind_int64(st, 17, j->error.context);
        rc |= sqlite3_bind_int64(st, 18, j->error.file_index);
        rc |= bind_text_or_null(st, 19, j->error.description);
        rc |= bind_text_or_null(st, 20, j->error.protocol);
        rc |= sqlite3_bind_int64(st, 21, j->cost_flags);
        /* All zero is "no CLSID": NULL, not 32 zeros. */
        rc |= all_zero(j->notification_clsid, sizeof j->notification_clsid)
                      ? sqlite3_bind_null(st, 22)
                      : sqlite3_bind_text(st, 22,
                                          hex_encode(j->notification_clsid, sizeof j->notification_clsid, clsid), -1,
                                          SQLITE_TRANSIENT);
        rc |= sqlite3_bind_int64(st, 23, j->security_flags);
        rc |= bind_text_or_null(st, 24, j->notify_cmdline_program);
        rc |= bind_text_or_null(st, 25, j->notify_cmdline_parameters);
        rc |= sqlite3_bind_int64(st, 26, j->proxy_usage);
        rc |= bind_text_or_null(st, 27, j->proxy_list);
        rc |= bind_text_or_null(st, 28, j->proxy_bypass_list);
        rc |= sqlite3_bind_int64(st, 29, j->file_owner);
        if (rc != SQLITE_OK) {
                (void) sqlite3_reset(st);
                (void) sqlite3_clear_bindings(st);
                return log_sqlite(s, SQLITE_NOMEM, "binding a job");
        }

        return store_step_done(s, st, "saving a job");
}

static int bind_file_key(sqlite3_stmt *st, const JobFile *f) {
        return bind_id(st, 1, &f->job->id) | sqlite3_bind_int64(st, 2, f->index);
}

static int bind_file_progress(sqlite3_stmt *st, int first, const JobFile *f) {
        return bind_u64(st, first, f->bytes_total) | bind_u64(st, first + 1, f->bytes_durable) |
               sqlite3_bind_int(st, first + 2, f->transferred) |
               sqlite3_bind_int(st, first + 3, f->completed) |
               bind_text_or_null(st, first + 4, f->etag) |
               bind_text_or_null(st, first + 5, f->last_modified) |
               bind_u64(st, first + 6, f->remote_size) |
               bind_u64(st, first + 7, f->bytes_downloaded) |
               bind_u64(st, first + 8, f->download_usec) |
               bind_text_or_null(st, first + 9, f->http_response_headers);
}

int store_save_file(Store *s, const JobFile *f) {
        sqlite3_stmt *st = s->save_file;
        _cleanup_free_ uint8_t *blob = NULL;
        char sha256[2 * sizeof f->sha256 + 1];
        int rc = SQLITE_OK;

        if (!f || !f->job)
                return -EINVAL;

        if (f->n_ranges > 0) {
                blob = malloc(f->n_ranges * 16);
                if (!blob)
                        return log_oom();
                for (size_t i = 0; i < f->n_ranges; i++) {
                        put_le64(blob + 16 * i, f->ranges[i].InitialOffset);
                        put_le64(blob + 16 * i + 8, f->ranges[i].Length);
                }
        }

        rc |= bind_file_key(st, f);
        rc |= bind_text_or_null(st, 3, f->file_id ?: "");
        rc |= bind_text_or_null(st, 4, f->remote_url ?: "");
        rc |= bind_text_or_null(st, 5, f->local_path ?: "");
        rc |= bind_text_or_null(st, 6, f->temp_path ?: "");
        rc |= blob ? sqlite3_bind_blob(st, 7, blob, (int) (f->n_ranges * 16), SQLITE_STATIC)
                   : sqlite3_bind_null(st, 7);
        rc |= bind_file_progress(st, 8, f);
        rc |= f->has_sha256 ? sqlite3_bind_text(st, 18, hex_encode(f->sha256, sizeof f->sha256, sha256), -1,
                                                SQLITE_TRANSIENT)
                            : sqlite3_bind_null(st, 18);
        rc |= sqlite3_bind_int(st, 19, f->integrity_mandatory);
        rc |= bind_text_or_null(st, 20, f->integrity_check_info);
        rc |= sqlite3_bind_int(st, 21, f->integrity_mandatory_set);
        if (rc != SQLITE_OK) {
                (void) sqlite3_reset(st);
                (void) sqlite3_clear_bindings(st);
                return log_sqlite(s, SQLITE_NOMEM, "binding a file");
        }

        return store_step_done(s, st, "saving a file");
}

int store_save_file_progress(Store *s, const JobFile *f) {
        sqlite3_stmt *st = s->save_file_progress;
        int rc, r;

        if (!f || !f->job)
                return -EINVAL;

        rc = bind_file_key(st, f) | bind_file_progress(st, 3, f);
        if (rc != SQLITE_OK) {
                (void) sqlite3_reset(st);
                (void) sqlite3_clear_bindings(st);
                return log_sqlite(s, SQLITE_NOMEM, "binding file progress");
        }

        r = store_step_done(s, st, "saving file progress");
        if (r < 0)
                return r;
        /* No row: the file was never saved with store_save_file(), a caller bug worth seeing. */
        if (sqlite3_changes(s->db) == 0)
                return log_error_errno(-ENOENT, "Store %s: no row for file %u of a job, progress not saved.",
                                       s->path, f->index);
        return 0;
}

int store_delete_job(Store *s, const sd_id128_t *id) {
        sqlite3_stmt *st = NULL;
        int rc;

        if (!id)
                return -EINVAL;

        /* Rare: not worth a cached statement. Deleting a job that is not there is not an error. */
        rc = sqlite3_prepare_v2(s->db, "DELETE FROM jobs WHERE id = ?1", -1, &st, NULL);
        if (rc != SQLITE_OK)
                return log_sqlite(s, rc, "preparing a delete");
        rc = bind_id(st, 1, id);
        if (rc == SQLITE_OK)
                rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
                return log_sqlite(s, rc, "deleting a job");
        return 0;
}

int store_schema_version(Store *s, int *ret) {
        if (!ret)
                return -EINVAL;
        return store_read_version(s, ret);
}

/* Loading. A row that cannot be a valid record (an unknown enum value, a malformed range blob, a
 * gap in the file indices) is corruption or hand editing: that job is skipped with an error in the
 * log, and the others load. Refusing to start would hold every other job hostage. */

static bool value_in(sqlite3_int64 v, sqlite3_int64 lo, sqlite3_int64 hi) {
        return v >= lo && v <= hi;
}

static int load_files(Store *s, sqlite3_stmt *st, Job *j) {
        char buf[SD_ID128_STRING_MAX];
        int rc, r;

        rc = sqlite3_bind_text(st, 1, sd_id128_to_string(j->id, buf), -1, SQLITE_TRANSIENT);
        if (rc != SQLITE_OK)
                return log_sqlite(s, rc, "binding a job id");

        for (;;) {
                const uint8_t *blob;
                BG_FILE_RANGE *ranges = NULL;
                size_t n_ranges = 0;
                JobFile *f;
                int blob_size;

                rc = sqlite3_step(st);
                if (rc == SQLITE_DONE)
                        break;
                if (rc != SQLITE_ROW) {
                        r = log_sqlite(s, rc, "loading files");
                        goto out;
                }

                if (sqlite3_column_int64(st, 0) != (sqlite3_int64) j->n_files) {
                        r = log_error_errno(-EBADMSG, "Store %s: job %s: file index %lld where %zu was expected.",
                                            s->path, buf, (long long) sqlite3_column_int64(st, 0), j->n_files);
                        goto out;
                }

                blob = sqlite3_column_blob(st, 5);
                blob_size = sqlite3_column_bytes(st, 5);
                if (blob_size % 16 != 0 || (size_t) blob_size / 16 > LIMIT_RANGES_PER_FILE_CEILING) {
                        r = log_error_errno(-EBADMSG, "Store %s: job %s: file %zu has a malformed range list.",
                                            s->path, buf, j->n_files);
                        goto out;
                }
                if (blob_size > 0) {
                        n_ranges = (size_t) blob_size / 16;
                        ranges = calloc(n_ranges, sizeof(BG_FILE_RANGE));
                        if (!ranges) {
                                r = log_oom();
                                goto out;
                        }
                        for (size_t i = 0; i < n_ranges; i++)
                                ranges[i] = (BG_FILE_RANGE) {
                                        .InitialOffset = get_le64(blob + 16 * i),
                                        .Length = get_le64(blob + 16 * i + 8),
                                };
                }

                r = job_add_file(j, (const char *) sqlite3_column_text(st, 1),
                                 (const char *) sqlite3_column_text(st, 2),
                                 (const char *) sqlite3_column_text(st, 3), ranges, n_ranges,
                                 column_u64(st, 6), &f);
                free(ranges);
                if (r < 0) {
                        (void) log_error_errno(r, "Store %s: job %s: cannot load file %zu: %m", s->path, buf,
                                               j->n_files);
                        /* A relative local path, too many files: a row dosvc never wrote. */
                        if (r == -EINVAL || r == -E2BIG)
                                r = -EBADMSG;
                        goto out;
                }

                /* The stored values win over the ones job_add_file() derived. */
                free(f->temp_path);
                f->temp_path = NULL;
                r = column_strdup(st, 4, &f->temp_path);
                if (r >= 0 && !f->temp_path)
                        r = -EBADMSG;
                if (r >= 0)
                        r = column_strdup(st, 10, &f->etag);
                if (r >= 0)
                        r = column_strdup(st, 11, &f->last_modified);
                if (r >= 0)
                        r = column_strdup(st, 15, &f->http_response_headers);
                if (r >= 0)
                        r = column_strdup(st, 18, &f->integrity_check_info);
                if (r >= 0 && sqlite3_column_type(st, 16) != SQLITE_NULL) {
                        const char *t = (const char *) sqlite3_column_text(st, 16);

                        r = t ? hex_decode(t, f->sha256, sizeof f->sha256) : -ENOMEM;
                        f->has_sha256 = r >= 0;
                }
                if (r < 0) {
                        r = log_error_errno(r, "Store %s: job %s: cannot load file %u: %m", s->path, buf,
                                            f->index);
                        goto out;
                }
                f->bytes_total = column_u64(st, 6);
                f->bytes_durable = column_u64(st, 7);
                f->bytes_written = f->bytes_durable;    /* the temp file is cut back to it at start */
                f->transferred = sqlite3_column_int(st, 8) != 0;
                f->completed = sqlite3_column_int(st, 9) != 0;
                f->remote_size = column_u64(st, 12);
                f->bytes_downloaded = column_u64(st, 13);
                f->download_usec = column_u64(st, 14);
                f->integrity_mandatory = sqlite3_column_int(st, 17) != 0;
                /* A TRUE in force was set, whatever the flag says (hand edits): never hidden. */
                f->integrity_mandatory_set = sqlite3_column_int(st, 19) != 0 || f->integrity_mandatory;
        }
        r = 0;
out:
        (void) sqlite3_reset(st);
        (void) sqlite3_clear_bindings(st);
        return r;
}

/* One job row → a Job, or -EBADMSG for a row that is not a valid job (logged). */
static int load_job(Store *s, sqlite3_stmt *st, Job **ret) {
        _cleanup_(job_freep) Job *j = NULL;
        const char *id_text = (const char *) sqlite3_column_text(st, 0);
        const char *name = (const char *) sqlite3_column_text(st, 1);
        sqlite3_int64 type = sqlite3_column_int64(st, 3), state = sqlite3_column_int64(st, 4),
                      priority = sqlite3_column_int64(st, 5), context = sqlite3_column_int64(st, 16),
                      hresult = sqlite3_column_int64(st, 15), owner = sqlite3_column_int64(st, 6),
                      file_index = sqlite3_column_int64(st, 17), cost_flags = sqlite3_column_int64(st, 20),
                      security_flags = sqlite3_column_int64(st, 22), proxy_usage = sqlite3_column_int64(st, 25),
                      file_owner = sqlite3_column_int64(st, 28);
        const char *clsid = (const char *) sqlite3_column_text(st, 21);
        bool has_proxy_list = sqlite3_column_type(st, 26) != SQLITE_NULL &&
                              sqlite3_column_bytes(st, 26) > 0,
             has_proxy_lists = sqlite3_column_type(st, 26) != SQLITE_NULL ||
                               sqlite3_column_type(st, 27) != SQLITE_NULL;
        uint8_t clsid_bytes[16] = {};
        sd_id128_t id;
        int r;

        if (!id_text || sd_id128_from_string(id_text, &id) < 0 || !name)
                return log_error_errno(-EBADMSG, "Store %s: a job row has an invalid id or name, ignoring it.",
                                       s->path);
        if (!value_in(type, BG_JOB_TYPE_DOWNLOAD, BG_JOB_TYPE_UPLOAD_REPLY) ||
            !value_in(state, BG_JOB_STATE_QUEUED, BG_JOB_STATE_CANCELLED) ||
            !value_in(priority, BG_JOB_PRIORITY_FOREGROUND, BG_JOB_PRIORITY_LOW) ||
            !value_in(context, BG_ERROR_CONTEXT_NONE, BG_ERROR_CONTEXT_REMOTE_APPLICATION) ||
            !value_in(hresult, 0, UINT32_MAX) || !value_in(owner, 0, (uid_t) -1 - 1) ||
            !value_in(file_owner, 0, (uid_t) -1 - 1) ||
            !value_in(file_index, -1, LIMIT_FILES_PER_JOB_CEILING - 1) || !value_in(cost_flags, 0, UINT32_MAX) ||
            !value_in(security_flags, 0, UINT32_MAX))
                return log_error_errno(-EBADMSG, "Store %s: job %s has an unknown type, state, priority, "
                                       "flags or error value, ignoring it.", s->path, id_text);
        if (clsid && hex_decode(clsid, clsid_bytes, sizeof clsid_bytes) < 0)
                return log_error_errno(-EBADMSG, "Store %s: job %s has a malformed notification CLSID, "
                                       "ignoring it.", s->path, id_text);
        /* The rules of job_props_set_proxy(): lists with OVERRIDE only, which needs a proxy list. A
         * job that should go through a proxy must not silently go direct. */
        if (!value_in(proxy_usage, BG_JOB_PROXY_USAGE_PRECONFIG, BG_JOB_PROXY_USAGE_AUTODETECT) ||
            (proxy_usage == BG_JOB_PROXY_USAGE_OVERRIDE ? !has_proxy_list : has_proxy_lists))
                return log_error_errno(-EBADMSG, "Store %s: job %s has invalid proxy settings, ignoring it.",
                                       s->path, id_text);

        r = job_new(&id, name, (BG_JOB_TYPE) type, (uid_t) owner, column_u64(st, 11), &j);
        if (r < 0)
                return log_error_errno(r, "Store %s: cannot load job %s: %m", s->path, id_text);

        j->state = (BG_JOB_STATE) state;
        j->priority = (BG_JOB_PRIORITY) priority;
        j->notify_flags = (uint32_t) sqlite3_column_int64(st, 7);
        j->no_progress_timeout = (uint32_t) sqlite3_column_int64(st, 8);
        j->minimum_retry_delay = (uint32_t) sqlite3_column_int64(st, 9);
        j->error_count = (uint32_t) sqlite3_column_int64(st, 10);
        j->modification_time = column_u64(st, 12);
        j->transfer_completion_time = column_u64(st, 13);
        j->final_time = column_u64(st, 14);
        j->error.hresult = (HRESULT) (uint32_t) hresult;
        j->error.context = (BG_ERROR_CONTEXT) context;
        j->error.file_index = (int) file_index;
        j->cost_flags = (uint32_t) cost_flags;
        j->security_flags = (uint32_t) security_flags;
        j->proxy_usage = (uint32_t) proxy_usage;
        j->file_owner = (uid_t) file_owner;
        memcpy(j->notification_clsid, clsid_bytes, sizeof j->notification_clsid);

        r = column_strdup(st, 2, &j->description);
        if (r >= 0)
                r = column_strdup(st, 18, &j->error.description);
        if (r >= 0)
                r = column_strdup(st, 19, &j->error.protocol);
        if (r >= 0)
                r = column_strdup(st, 23, &j->notify_cmdline_program);
        if (r >= 0)
                r = column_strdup(st, 24, &j->notify_cmdline_parameters);
        if (r >= 0)
                r = column_strdup(st, 26, &j->proxy_list);
        if (r >= 0)
                r = column_strdup(st, 27, &j->proxy_bypass_list);
        if (r < 0)
                return log_error_errno(r, "Store %s: cannot load job %s: %m", s->path, id_text);

        *ret = TAKE_PTR(j);
        return 0;
}

static void jobs_free(Job **jobs, size_t n) {
        for (size_t i = 0; i < n; i++)
                job_free(jobs[i]);
        free(jobs);
}

int store_load_jobs(Store *s, Job ***ret_jobs, size_t *ret_n_jobs) {
        sqlite3_stmt *st_jobs = NULL, *st_files = NULL;
        Job **jobs = NULL;
        bool own_txn = false;
        size_t n = 0;
        int rc, r;

        if (!ret_jobs || !ret_n_jobs)
                return -EINVAL;

        rc = sqlite3_prepare_v2(s->db, "SELECT " JOB_COLUMNS " FROM jobs ORDER BY creation_time, rowid", -1,
                                &st_jobs, NULL);
        if (rc == SQLITE_OK)
                rc = sqlite3_prepare_v2(s->db,
                                        "SELECT idx, file_id, remote_url, local_path, temp_path, ranges, "
                                        "bytes_total, bytes_durable, transferred, completed, etag, last_modified, "
                                        "remote_size, bytes_downloaded, download_usec, http_response_headers, "
                                        "sha256, integrity_mandatory, integrity_check_info, "
                                        "integrity_mandatory_set "
                                        "FROM files WHERE job_id = ?1 ORDER BY idx",
                                        -1, &st_files, NULL);
        if (rc != SQLITE_OK) {
                r = log_sqlite(s, rc, "preparing the load");
                goto fail;
        }

        /* One read transaction: a consistent snapshot of jobs and files (unless the caller holds
         * one already). */
        own_txn = sqlite3_get_autocommit(s->db);
        if (own_txn) {
                r = store_exec(s, "BEGIN", "starting the load");
                if (r < 0)
                        goto fail;
        }

        for (;;) {
                Job *j = NULL, **a;

                rc = sqlite3_step(st_jobs);
                if (rc == SQLITE_DONE)
                        break;
                if (rc != SQLITE_ROW) {
                        r = log_sqlite(s, rc, "loading jobs");
                        goto fail_txn;
                }

                r = load_job(s, st_jobs, &j);
                if (r == -EBADMSG)
                        continue;               /* logged; the other jobs still load */
                if (r < 0)
                        goto fail_txn;

                r = load_files(s, st_files, j);
                if (r == -EBADMSG) {
                        job_free(j);
                        continue;
                }
                if (r < 0) {
                        job_free(j);
                        goto fail_txn;
                }

                a = reallocarray(jobs, n + 1, sizeof(Job *));
                if (!a) {
                        job_free(j);
                        r = log_oom();
                        goto fail_txn;
                }
                jobs = a;
                jobs[n++] = j;
        }

        sqlite3_finalize(st_jobs);
        sqlite3_finalize(st_files);
        if (own_txn)
                (void) store_exec(s, "COMMIT", "ending the load");

        *ret_jobs = jobs;
        *ret_n_jobs = n;
        return 0;

fail_txn:
        if (own_txn)
                (void) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
fail:
        sqlite3_finalize(st_jobs);
        sqlite3_finalize(st_files);
        jobs_free(jobs, n);
        return r;
}
