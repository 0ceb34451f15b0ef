/* test-store.c: the SQLite job store (src/daemon/store.c), on a real database in a temp dir.
 *
 * Every test gets a fresh directory (mkdtemp) and a store path inside it; rows the store would
 * never write (unknown enum values, a newer schema) are planted with the sqlite3 API directly. */
#include <errno.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "macro.h"
#include "store.h"

typedef struct Fixture {
        char dir[64];
        char path[128];
} Fixture;

static const sd_id128_t id_a = { .bytes = {
        0x3f, 0x25, 0x04, 0xe0, 0x4f, 0x89, 0x11, 0xd3, 0x9a, 0x0c, 0x03, 0x05, 0xe8, 0x2c, 0x33, 0x01 } };
static const sd_id128_t id_b = { .bytes = {
        0xb0, 0x0b, 0xb0, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b } };
static const sd_id128_t id_c = { .bytes = {
        0xc0, 0x0c, 0xc0, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0c } };

/* Every nibble value, and bytes that are zero or 0xff at the ends. */
static const uint8_t clsid_x[16] = {
        0x00, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x0f, 0xed, 0xcb, 0xa9, 0x87, 0x65, 0xff };
static const uint8_t sha256_x[32] = {
        0xff, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc,
        0xfe, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0x00 };

static int setup(void **state) {
        Fixture *fx = calloc(1, sizeof(Fixture));

        assert_non_null(fx);
        (void) snprintf(fx->dir, sizeof fx->dir, "/tmp/test-store-XXXXXX");
        assert_non_null(mkdtemp(fx->dir));
        (void) snprintf(fx->path, sizeof fx->path, "%s/jobs.db", fx->dir);
        *state = fx;
        return 0;
}

static int teardown(void **state) {
        Fixture *fx = *state;
        static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
        char p[160];

        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
                (void) snprintf(p, sizeof p, "%s%s", fx->path, suffixes[i]);
                (void) unlink(p);
        }
        assert_int_equal(rmdir(fx->dir), 0);
        free(fx);
        return 0;
}

/* Runs SQL on the database behind the store's back. */
static void raw_exec(const char *path, const char *sql) {
        sqlite3 *db = NULL;

        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static long long raw_count(const char *path, const char *sql) {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        long long n;

        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        assert_int_equal(sqlite3_close(db), SQLITE_OK);
        return n;
}

static Store *open_store(const Fixture *fx) {
        Store *s = NULL;

        assert_int_equal(store_open(fx->path, &s), 0);
        assert_non_null(s);
        return s;
}

static void free_jobs(Job **jobs, size_t n) {
        for (size_t i = 0; i < n; i++)
                job_free(jobs[i]);
        free(jobs);
}

static Job *plain_job(const sd_id128_t *id, const char *name, usec_t created) {
        Job *j = NULL;

        assert_int_equal(job_new(id, name, BG_JOB_TYPE_DOWNLOAD, 1000, created, &j), 0);
        return j;
}

/* A job with every field away from its default, two files and an error. */
static Job *full_job(void) {
        static const BG_FILE_RANGE ranges[] = { { 100, 100 }, { 900, BG_LENGTH_TO_EOF }, { 400, 100 } };
        Job *j = plain_job(&id_a, "Full job ✓", 1700000000000001);
        JobFile *f0 = NULL, *f1 = NULL;

        j->description = strdup("a description");
        assert_non_null(j->description);
        j->state = BG_JOB_STATE_TRANSIENT_ERROR;
        j->priority = BG_JOB_PRIORITY_FOREGROUND;
        j->owner = 4000000000u;
        j->notify_flags = 0x3b;
        j->no_progress_timeout = 3600;
        j->minimum_retry_delay = 5;
        j->error_count = 7;
        j->modification_time = 1700000000000002;
        j->transfer_completion_time = 1700000000000003;
        j->final_time = 1700000000000004;
        job_set_error(j, (HRESULT) 0x80190194u, BG_ERROR_CONTEXT_REMOTE_FILE, 1, "https", "HTTP 404 from %s",
                      "https://example.com/b");
        j->cost_flags = 0x80000021u;
        memcpy(j->notification_clsid, clsid_x, sizeof j->notification_clsid);
        j->security_flags = JOB_SECURITY_ALLOW_HTTPS_TO_HTTP | 0x1u;
        j->notify_cmdline_program = strdup("/usr/bin/notify-me");
        j->notify_cmdline_parameters = strdup("notify-me --job \"x y\"");
        assert_non_null(j->notify_cmdline_program);
        assert_non_null(j->notify_cmdline_parameters);
        j->proxy_usage = BG_JOB_PROXY_USAGE_OVERRIDE;
        j->proxy_list = strdup("http://127.0.0.1:3128 proxy2:8080");
        j->proxy_bypass_list = strdup("<local>;*.example.org");
        j->file_owner = 4242;    /* TakeOwnership moved owner away from the creator */
        assert_non_null(j->proxy_list);
        assert_non_null(j->proxy_bypass_list);

        assert_int_equal(job_add_file(j, "content-0", "https://example.com/a", "/srv/dl/a.bin", NULL, 0,
                                      123456789012, &f0), 0);
        f0->bytes_durable = 65536;
        f0->bytes_written = 70000;
        f0->transferred = true;
        f0->completed = true;
        f0->etag = strdup("\"abc\"");
        f0->last_modified = strdup("Wed, 21 Oct 2015 07:28:00 GMT");
        assert_non_null(f0->etag);
        assert_non_null(f0->last_modified);
        f0->remote_size = 223456789012;
        f0->has_sha256 = true;
        memcpy(f0->sha256, sha256_x, sizeof f0->sha256);
        f0->integrity_mandatory = true;
        f0->integrity_mandatory_set = true;
        f0->integrity_check_info = strdup("sha256:whatever the caller said");
        f0->http_response_headers = strdup("HTTP/1.1 200 OK\r\nETag: \"abc\"\r\nContent-Length: 5\r\n");
        f0->bytes_downloaded = 70000;
        f0->download_usec = 1234567;
        assert_non_null(f0->integrity_check_info);
        assert_non_null(f0->http_response_headers);

        assert_int_equal(job_add_file(j, "", "https://example.com/b", "/srv/dl/b.bin", ranges, 3,
                                      BG_SIZE_UNKNOWN, &f1), 0);
        assert_int_equal(f1->bytes_total, BG_SIZE_UNKNOWN);
        assert_int_equal(f1->remote_size, BG_SIZE_UNKNOWN);
        f1->bytes_durable = 0;
        f1->integrity_mandatory_set = true;     /* set to FALSE: not the same as never set */
        return j;
}

static void save_all(Store *s, const Job *j) {
        assert_int_equal(store_save_job(s, j), 0);
        for (size_t i = 0; i < j->n_files; i++)
                assert_int_equal(store_save_file(s, j->files[i]), 0);
}

static void test_store__open_creates_a_private_file_at_the_current_schema(void **state) {
        Fixture *fx = *state;
        _cleanup_(store_closep) Store *s = NULL;
        struct stat st;
        mode_t old;
        int v = -1;

        _cleanup_(job_freep) Job *j = plain_job(&id_a, "a", 1);
        char wal[160];

        old = umask(0);                 /* the mode must not depend on the umask */
        s = open_store(fx);
        assert_int_equal(store_save_job(s, j), 0);      /* makes the -wal file */
        (void) umask(old);

        assert_int_equal(stat(fx->path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        (void) snprintf(wal, sizeof wal, "%s-wal", fx->path);
        assert_int_equal(stat(wal, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(store_schema_version(s, &v), 0);
        assert_int_equal(v, STORE_SCHEMA_VERSION);
        assert_int_equal(raw_count(fx->path, "SELECT value FROM meta WHERE key = 'schema_version'"),
                         STORE_SCHEMA_VERSION);
}

static void test_store__uses_wal(void **state) {
        Fixture *fx = *state;
        _cleanup_(store_closep) Store *s = open_store(fx);
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;

        /* WAL is a property of the file: another connection sees it. */
        assert_non_null(s);
        assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_string_equal((const char *) sqlite3_column_text(st, 0), "wal");
        sqlite3_finalize(st);
        assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void test_store__empty_store_loads_nothing(void **state) {
        Fixture *fx = *state;
        _cleanup_(store_closep) Store *s = open_store(fx);
        Job **jobs = NULL;
        size_t n = 99;

        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        assert_int_equal(n, 0);
        free_jobs(jobs, n);
}

static void test_store__round_trips_every_field(void **state) {
        Fixture *fx = *state;
        _cleanup_(job_freep) Job *j = full_job();
        Store *s = open_store(fx);
        Job **jobs = NULL, *k;
        size_t n = 0;

        save_all(s, j);
        s = store_close(s);
        s = open_store(fx);             /* what matters is what a restart sees */
        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        s = store_close(s);
        assert_int_equal(n, 1);
        k = jobs[0];

        assert_true(sd_id128_equal(k->id, id_a));
        assert_string_equal(k->display_name, "Full job ✓");
        assert_string_equal(k->description, "a description");
        assert_int_equal(k->type, BG_JOB_TYPE_DOWNLOAD);
        assert_int_equal(k->state, BG_JOB_STATE_TRANSIENT_ERROR);
        assert_int_equal(k->priority, BG_JOB_PRIORITY_FOREGROUND);
        assert_int_equal(k->owner, 4000000000u);
        assert_int_equal(k->notify_flags, 0x3b);
        assert_int_equal(k->no_progress_timeout, 3600);
        assert_int_equal(k->minimum_retry_delay, 5);
        assert_int_equal(k->error_count, 7);
        assert_int_equal(k->creation_time, 1700000000000001);
        assert_int_equal(k->modification_time, 1700000000000002);
        assert_int_equal(k->transfer_completion_time, 1700000000000003);
        assert_int_equal(k->final_time, 1700000000000004);
        assert_int_equal((uint32_t) k->error.hresult, 0x80190194u);
        assert_int_equal(k->error.context, BG_ERROR_CONTEXT_REMOTE_FILE);
        assert_int_equal(k->error.file_index, 1);
        assert_string_equal(k->error.description, "HTTP 404 from https://example.com/b");
        assert_string_equal(k->error.protocol, "https");
        assert_int_equal(k->cost_flags, 0x80000021u);
        assert_memory_equal(k->notification_clsid, clsid_x, sizeof clsid_x);
        assert_int_equal(k->security_flags, JOB_SECURITY_ALLOW_HTTPS_TO_HTTP | 0x1u);
        assert_string_equal(k->notify_cmdline_program, "/usr/bin/notify-me");
        assert_string_equal(k->notify_cmdline_parameters, "notify-me --job \"x y\"");
        assert_int_equal(k->proxy_usage, BG_JOB_PROXY_USAGE_OVERRIDE);
        assert_string_equal(k->proxy_list, "http://127.0.0.1:3128 proxy2:8080");
        assert_int_equal(k->file_owner, 4242);
        assert_int_not_equal(k->owner, k->file_owner);
        assert_string_equal(k->proxy_bypass_list, "<local>;*.example.org");
        assert_null(k->manager);
        assert_null(k->transfer);
        assert_null(k->bus_slot);
        assert_int_equal(k->queued_seq, 0);

        assert_int_equal(k->n_files, 2);
        for (size_t i = 0; i < 2; i++) {
                const JobFile *a = j->files[i], *b = k->files[i];

                assert_ptr_equal(b->job, k);
                assert_int_equal(b->index, i);
                assert_string_equal(b->file_id, a->file_id);
                assert_string_equal(b->remote_url, a->remote_url);
                assert_string_equal(b->local_path, a->local_path);
                assert_string_equal(b->temp_path, a->temp_path);
                assert_int_equal(b->n_ranges, a->n_ranges);
                for (size_t r = 0; r < a->n_ranges; r++) {
                        assert_int_equal(b->ranges[r].InitialOffset, a->ranges[r].InitialOffset);
                        assert_int_equal(b->ranges[r].Length, a->ranges[r].Length);
                }
                assert_int_equal(b->bytes_total, a->bytes_total);
                assert_int_equal(b->bytes_durable, a->bytes_durable);
                /* Only durable bytes survive a restart: the temp file is cut back to them. */
                assert_int_equal(b->bytes_written, a->bytes_durable);
                assert_int_equal(b->transferred, a->transferred);
                assert_int_equal(b->completed, a->completed);
                assert_int_equal(b->remote_size, a->remote_size);
                assert_int_equal(b->has_sha256, a->has_sha256);
                assert_memory_equal(b->sha256, a->sha256, sizeof a->sha256);
                assert_int_equal(b->integrity_mandatory, a->integrity_mandatory);
                assert_int_equal(b->integrity_mandatory_set, a->integrity_mandatory_set);
                assert_int_equal(b->bytes_downloaded, a->bytes_downloaded);
                assert_int_equal(b->download_usec, a->download_usec);
        }
        assert_int_equal(k->files[0]->remote_size, 223456789012);
        assert_true(k->files[0]->has_sha256);
        assert_memory_equal(k->files[0]->sha256, sha256_x, sizeof sha256_x);
        assert_true(k->files[0]->integrity_mandatory);
        assert_true(k->files[0]->integrity_mandatory_set);
        assert_string_equal(k->files[0]->integrity_check_info, "sha256:whatever the caller said");
        assert_string_equal(k->files[0]->http_response_headers,
                            "HTTP/1.1 200 OK\r\nETag: \"abc\"\r\nContent-Length: 5\r\n");
        assert_int_equal(k->files[0]->bytes_downloaded, 70000);
        assert_int_equal(k->files[0]->download_usec, 1234567);
        /* The unset values of the second file: unknown size, no hash, no strings. */
        assert_int_equal(k->files[1]->remote_size, BG_SIZE_UNKNOWN);
        assert_false(k->files[1]->has_sha256);
        assert_false(k->files[1]->integrity_mandatory);
        assert_true(k->files[1]->integrity_mandatory_set);      /* FALSE, but set */
        assert_null(k->files[1]->integrity_check_info);
        assert_null(k->files[1]->http_response_headers);
        assert_int_equal(k->files[1]->bytes_downloaded, 0);
        assert_int_equal(k->files[1]->download_usec, 0);
        assert_null(k->files[0]->ranges);
        assert_int_equal(k->files[1]->ranges[1].Length, BG_LENGTH_TO_EOF);
        assert_int_equal(k->files[1]->bytes_total, BG_SIZE_UNKNOWN);
        assert_string_equal(k->files[0]->etag, "\"abc\"");
        assert_string_equal(k->files[0]->last_modified, "Wed, 21 Oct 2015 07:28:00 GMT");
        assert_null(k->files[1]->etag);
        assert_null(k->files[1]->last_modified);

        free_jobs(jobs, n);
}

static void test_store__unset_properties_round_trip_as_none(void **state) {
        Fixture *fx = *state;
        _cleanup_(job_freep) Job *j = plain_job(&id_b, "b", 2);
        static const uint8_t zero[32] = {};
        Store *s = open_store(fx);
        Job **jobs = NULL;
        JobFile *f = NULL;
        size_t n = 0;

        assert_int_equal(job_add_file(j, "", "http://h/x", "/d/x", NULL, 0, BG_SIZE_UNKNOWN, &f), 0);
        save_all(s, j);
        s = store_close(s);

        /* The stored forms of "none" are NULL (and -1 for an unknown size), readable in the shell. */
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM jobs WHERE notification_clsid IS NULL AND "
                                   "notify_cmdline_program IS NULL AND notify_cmdline_parameters IS NULL AND "
                                   "cost_flags = 2147483903 AND security_flags = 0 AND proxy_usage = 0 AND "
                                   "proxy_list IS NULL AND proxy_bypass_list IS NULL"), 1);
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM files WHERE sha256 IS NULL AND "
                                   "integrity_check_info IS NULL AND http_response_headers IS NULL AND "
                                   "remote_size = -1 AND integrity_mandatory = 0 AND "
                                   "integrity_mandatory_set = 0"), 1);

        s = open_store(fx);
        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        s = store_close(s);
        assert_int_equal(n, 1);
        assert_int_equal(jobs[0]->cost_flags, JOB_COST_FLAGS_DEFAULT);
        assert_memory_equal(jobs[0]->notification_clsid, zero, sizeof jobs[0]->notification_clsid);
        assert_int_equal(jobs[0]->security_flags, 0);
        assert_null(jobs[0]->notify_cmdline_program);
        assert_null(jobs[0]->notify_cmdline_parameters);
        assert_int_equal(jobs[0]->proxy_usage, BG_JOB_PROXY_USAGE_PRECONFIG);
        assert_null(jobs[0]->proxy_list);
        assert_null(jobs[0]->proxy_bypass_list);
        assert_int_equal(jobs[0]->n_files, 1);
        f = jobs[0]->files[0];
        assert_int_equal(f->remote_size, BG_SIZE_UNKNOWN);
        assert_false(f->has_sha256);
        assert_memory_equal(f->sha256, zero, sizeof f->sha256);
        assert_false(f->integrity_mandatory);
        assert_false(f->integrity_mandatory_set);
        assert_null(f->integrity_check_info);
        assert_null(f->http_response_headers);
        assert_int_equal(f->bytes_downloaded, 0);
        assert_int_equal(f->download_usec, 0);
        free_jobs(jobs, n);
}

static void test_store__null_and_empty_strings_stay_apart(void **state) {
        Fixture *fx = *state;
        _cleanup_(store_closep) Store *s = open_store(fx);
        _cleanup_(job_freep) Job *j = plain_job(&id_a, "", 1);
        Job **jobs = NULL;
        size_t n = 0;

        j->description = strdup("");
        j->notify_cmdline_program = strdup("");
        assert_non_null(j->description);
        assert_non_null(j->notify_cmdline_program);
        assert_int_equal(store_save_job(s, j), 0);
        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(jobs[0]->display_name, "");
        assert_string_equal(jobs[0]->description, "");
        assert_null(jobs[0]->error.description);
        assert_null(jobs[0]->error.protocol);
        assert_string_equal(jobs[0]->notify_cmdline_program, "");
        assert_null(jobs[0]->notify_cmdline_parameters);
        assert_int_equal(jobs[0]->error.file_index, -1);
        free_jobs(jobs, n);
}

static void test_store__saving_a_job_again_updates_it_and_keeps_its_files(void **state) {
        Fixture *fx = *state;
        _cleanup_(store_closep) Store *s = open_store(fx);
        _cleanup_(job_freep) Job *j = full_job();
        Job **jobs = NULL;
        size_t n = 0;

        save_all(s, j);
        j->state = BG_JOB_STATE_QUEUED;
        job_clear_error(j);
        free(j->description);
        j->description = NULL;
        /* SetProxySettings(NO_PROXY): the lists go back to NULL in the row too. */
        j->proxy_usage = BG_JOB_PROXY_USAGE_NO_PROXY;
        free(j->proxy_list);
        j->proxy_list = NULL;
        free(j->proxy_bypass_list);
        j->proxy_bypass_list = NULL;
        assert_int_equal(store_save_job(s, j), 0);

        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM jobs"), 1);
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM files"), 2);
        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(jobs[0]->state, BG_JOB_STATE_QUEUED);
        assert_null(jobs[0]->description);
        assert_int_equal(jobs[0]->error.hresult, 0);
        assert_null(jobs[0]->error.description);
        assert_int_equal(jobs[0]->proxy_usage, BG_JOB_PROXY_USAGE_NO_PROXY);
        assert_null(jobs[0]->proxy_list);
        assert_null(jobs[0]->proxy_bypass_list);
        assert_int_equal(jobs[0]->n_files, 2);
        free_jobs(jobs, n);
}

static void test_store__file_progress_updates_only_progress(void **state) {
        Fixture *fx = *state;
        _cleanup_(store_closep) Store *s = open_store(fx);
        _cleanup_(job_freep) Job *j = full_job();
        JobFile *f = j->files[1];
        Job **jobs = NULL;
        size_t n = 0;
        const JobFile *g;

        save_all(s, j);
        f->bytes_total = 300;
        f->bytes_durable = 250;
        f->transferred = true;
        f->completed = true;
        f->etag = strdup("W/\"v2\"");
        f->last_modified = strdup("Thu, 01 Jan 2026 00:00:00 GMT");
        f->remote_size = 5000;
        f->bytes_downloaded = 777;
        f->download_usec = 8888;
        f->http_response_headers = strdup("HTTP/1.1 206 Partial Content\r\n");
        /* Not progress fields: must not reach the store through this call. */
        free(f->remote_url);
        f->remote_url = strdup("https://example.com/changed");
        f->has_sha256 = true;
        memcpy(f->sha256, sha256_x, sizeof f->sha256);
        f->integrity_mandatory = true;
        f->integrity_mandatory_set = false;
        f->integrity_check_info = strdup("changed");
        assert_int_equal(store_save_file_progress(s, f), 0);

        /* Twice, as the transfer loop does: the cached statement is reusable. */
        f->bytes_durable = 260;
        assert_int_equal(store_save_file_progress(s, f), 0);

        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        assert_int_equal(n, 1);
        g = jobs[0]->files[1];
        assert_int_equal(g->bytes_total, 300);
        assert_int_equal(g->bytes_durable, 260);
        assert_int_equal(g->bytes_written, 260);
        assert_true(g->transferred);
        assert_true(g->completed);
        assert_string_equal(g->etag, "W/\"v2\"");
        assert_string_equal(g->last_modified, "Thu, 01 Jan 2026 00:00:00 GMT");
        assert_int_equal(g->remote_size, 5000);
        assert_int_equal(g->bytes_downloaded, 777);
        assert_int_equal(g->download_usec, 8888);
        assert_string_equal(g->http_response_headers, "HTTP/1.1 206 Partial Content\r\n");
        assert_string_equal(g->remote_url, "https://example.com/b");
        assert_false(g->has_sha256);
        assert_false(g->integrity_mandatory);
        assert_true(g->integrity_mandatory_set);
        assert_null(g->integrity_check_info);
        /* The other file is untouched. */
        assert_int_equal(jobs[0]->files[0]->bytes_durable, 65536);
        assert_int_equal(jobs[0]->files[0]->bytes_downloaded, 70000);
        assert_true(jobs[0]->files[0]->has_sha256);
        free_jobs(jobs, n);
        jobs = NULL;

        /* The hot fields can go back to "none" (a new attempt against a server that changed). */
        f->remote_size = BG_SIZE_UNKNOWN;
        free(f->http_response_headers);
        f->http_response_headers = NULL;
        assert_int_equal(store_save_file_progress(s, f), 0);
        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(jobs[0]->files[1]->remote_size, BG_SIZE_UNKNOWN);
        assert_null(jobs[0]->files[1]->http_response_headers);
        free_jobs(jobs, n);
}

static void test_store__file_progress_without_a_row_is_enoent(void **state) {
        Fixture *fx = *state;
        _cleanup_(store_closep) Store *s = open_store(fx);
        _cleanup_(job_freep) Job *j = full_job();

        assert_int_equal(store_save_job(s, j), 0);
        assert_int_equal(store_save_file_progress(s, j->files[0]), -ENOENT);
}

static void test_store__file_of_an_unsaved_job_is_refused(void **state) {
        Fixture *fx = *state;
        _cleanup_(store_closep) Store *s = open_store(fx);
        _cleanup_(job_freep) Job *j = full_job();

        /* The foreign key: a file row needs its job row. */
        assert_true(store_save_file(s, j->files[0]) < 0);
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM files"), 0);
}

static void test_store__delete_cascades_to_files(void **state) {
        Fixture *fx = *state;
        _cleanup_(store_closep) Store *s = open_store(fx);
        _cleanup_(job_freep) Job *a = full_job();
        _cleanup_(job_freep) Job *b = plain_job(&id_b, "b", 2);
        Job **jobs = NULL;
        size_t n = 0;

        assert_int_equal(job_add_file(b, "", "http://h/x", "/d/x", NULL, 0, 1, NULL), 0);
        save_all(s, a);
        save_all(s, b);
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM files"), 3);

        assert_int_equal(store_delete_job(s, &a->id), 0);
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM jobs"), 1);
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM files"), 1);

        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        assert_int_equal(n, 1);
        assert_true(sd_id128_equal(jobs[0]->id, id_b));
        assert_int_equal(jobs[0]->n_files, 1);
        free_jobs(jobs, n);
}

static void test_store__delete_of_an_unknown_job_is_not_an_error(void **state) {
        Fixture *fx = *state;
        _cleanup_(store_closep) Store *s = open_store(fx);

        assert_int_equal(store_delete_job(s, &id_c), 0);
}

static void test_store__jobs_load_in_creation_order(void **state) {
        Fixture *fx = *state;
        _cleanup_(job_freep) Job *a = plain_job(&id_a, "a", 300);
        _cleanup_(job_freep) Job *b = plain_job(&id_b, "b", 100);
        _cleanup_(job_freep) Job *c = plain_job(&id_c, "c", 300);
        Store *s = open_store(fx);
        Job **jobs = NULL;
        size_t n = 0;

        /* c after a at the same time: insertion order breaks the tie, even after an update. */
        assert_int_equal(store_save_job(s, a), 0);
        assert_int_equal(store_save_job(s, c), 0);
        assert_int_equal(store_save_job(s, b), 0);
        a->state = BG_JOB_STATE_QUEUED;
        assert_int_equal(store_save_job(s, a), 0);
        s = store_close(s);

        s = open_store(fx);
        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        s = store_close(s);
        assert_int_equal(n, 3);
        assert_string_equal(jobs[0]->display_name, "b");
        assert_string_equal(jobs[1]->display_name, "a");
        assert_string_equal(jobs[2]->display_name, "c");
        assert_int_equal(jobs[1]->state, BG_JOB_STATE_QUEUED);
        free_jobs(jobs, n);
}

static void test_store__rollback_discards_and_commit_keeps(void **state) {
        Fixture *fx = *state;
        _cleanup_(store_closep) Store *s = open_store(fx);
        _cleanup_(job_freep) Job *a = full_job();
        _cleanup_(job_freep) Job *b = plain_job(&id_b, "b", 2);

        assert_int_equal(store_begin(s), 0);
        assert_int_equal(store_begin(s), -EBUSY);       /* no nesting */
        save_all(s, a);
        assert_int_equal(store_rollback(s), 0);
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM jobs"), 0);
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM files"), 0);

        assert_int_equal(store_begin(s), 0);
        save_all(s, a);
        save_all(s, b);
        assert_int_equal(store_commit(s), 0);
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM jobs"), 2);
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM files"), 2);

        assert_int_equal(store_commit(s), -EINVAL);     /* nothing to commit */
        assert_int_equal(store_rollback(s), 0);         /* nothing to roll back: harmless */
}

static void test_store__load_inside_a_transaction(void **state) {
        Fixture *fx = *state;
        _cleanup_(store_closep) Store *s = open_store(fx);
        _cleanup_(job_freep) Job *a = full_job();
        Job **jobs = NULL;
        size_t n = 0;

        assert_int_equal(store_begin(s), 0);
        save_all(s, a);
        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(store_commit(s), 0);
        free_jobs(jobs, n);
}

static void test_store__reopen_keeps_the_schema_version(void **state) {
        Fixture *fx = *state;
        Store *s;
        int v = -1;

        s = open_store(fx);
        s = store_close(s);
        s = open_store(fx);
        assert_int_equal(store_schema_version(s, &v), 0);
        assert_int_equal(v, STORE_SCHEMA_VERSION);
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM meta"), 1);
        store_close(s);
}

/* Version 1 exactly as dosvc 1 created it, frozen here: the migration must work on this, not on
 * whatever migrations[0] becomes. */
static const char schema_v1[] =
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value);"
        "CREATE TABLE jobs (id TEXT PRIMARY KEY NOT NULL, display_name TEXT NOT NULL, description TEXT,"
        "  type INTEGER NOT NULL, state INTEGER NOT NULL, priority INTEGER NOT NULL, owner INTEGER NOT NULL,"
        "  notify_flags INTEGER NOT NULL, no_progress_timeout INTEGER NOT NULL,"
        "  minimum_retry_delay INTEGER NOT NULL, error_count INTEGER NOT NULL,"
        "  creation_time INTEGER NOT NULL, modification_time INTEGER NOT NULL,"
        "  transfer_completion_time INTEGER NOT NULL, final_time INTEGER NOT NULL,"
        "  error_hresult INTEGER NOT NULL, error_context INTEGER NOT NULL,"
        "  error_file_index INTEGER NOT NULL, error_description TEXT, error_protocol TEXT);"
        "CREATE TABLE files (job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
        "  idx INTEGER NOT NULL, file_id TEXT NOT NULL, remote_url TEXT NOT NULL, local_path TEXT NOT NULL,"
        "  temp_path TEXT NOT NULL, ranges BLOB, bytes_total INTEGER NOT NULL, bytes_durable INTEGER NOT NULL,"
        "  transferred INTEGER NOT NULL, completed INTEGER NOT NULL, etag TEXT, last_modified TEXT,"
        "  PRIMARY KEY (job_id, idx));"
        "INSERT INTO meta (key, value) VALUES ('schema_version', 1);";

static void test_store__v1_database_migrates_to_current_with_defaults(void **state) {
        Fixture *fx = *state;
        static const char id_a_hex[] = "3f2504e04f8911d39a0c0305e82c3301";
        static const uint8_t zero[32] = {};
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        Store *s = NULL;
        Job **jobs = NULL;
        const JobFile *f;
        size_t n = 0;
        int v = -1;

        /* A v1 database with one job and one file, written by hand through the sqlite3 API. */
        assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, schema_v1, NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "INSERT INTO jobs VALUES (?1, 'old job', NULL, 0, 3, 2, 1000, 3, 600, "
                                            "60, 2, 1600000000000000, 1600000000000001, 0, 0, 0, 0, -1, NULL, NULL)",
                                            -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_bind_text(st, 1, id_a_hex, -1, SQLITE_STATIC), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "INSERT INTO files VALUES (?1, 0, '', 'https://example.com/old', "
                                            "'/srv/dl/old.bin', '/srv/dl/.old.part', NULL, 4096, 1024, 0, 0, "
                                            "'\"e1\"', NULL)",
                                            -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_bind_text(st, 1, id_a_hex, -1, SQLITE_STATIC), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        assert_int_equal(sqlite3_close(db), SQLITE_OK);

        assert_int_equal(store_open(fx->path, &s), 0);
        assert_int_equal(store_schema_version(s, &v), 0);
        assert_int_equal(v, STORE_SCHEMA_VERSION);
        assert_int_equal(v, 3);
        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        assert_int_equal(n, 1);

        /* The v1 fields are intact. */
        assert_true(sd_id128_equal(jobs[0]->id, id_a));
        assert_string_equal(jobs[0]->display_name, "old job");
        assert_int_equal(jobs[0]->state, BG_JOB_STATE_SUSPENDED);
        assert_int_equal(jobs[0]->priority, BG_JOB_PRIORITY_NORMAL);
        assert_int_equal(jobs[0]->notify_flags, 3);
        assert_int_equal(jobs[0]->creation_time, 1600000000000000);
        /* The v2 fields have job_new()'s defaults. */
        assert_int_equal(jobs[0]->cost_flags, 0x800000FFu);
        assert_int_equal(jobs[0]->cost_flags, JOB_COST_FLAGS_DEFAULT);
        assert_memory_equal(jobs[0]->notification_clsid, zero, sizeof jobs[0]->notification_clsid);
        assert_int_equal(jobs[0]->security_flags, 0);
        assert_null(jobs[0]->notify_cmdline_program);
        assert_null(jobs[0]->notify_cmdline_parameters);
        /* And so do the v3 fields. */
        assert_int_equal(jobs[0]->proxy_usage, BG_JOB_PROXY_USAGE_PRECONFIG);
        assert_null(jobs[0]->proxy_list);
        assert_null(jobs[0]->proxy_bypass_list);

        assert_int_equal(jobs[0]->n_files, 1);
        f = jobs[0]->files[0];
        assert_string_equal(f->remote_url, "https://example.com/old");
        assert_string_equal(f->temp_path, "/srv/dl/.old.part");
        assert_int_equal(f->bytes_total, 4096);
        assert_int_equal(f->bytes_durable, 1024);
        assert_string_equal(f->etag, "\"e1\"");
        /* v1 never recorded the server's whole size: unknown, not bytes_total. */
        assert_int_equal(f->remote_size, BG_SIZE_UNKNOWN);
        assert_false(f->has_sha256);
        assert_false(f->integrity_mandatory);
        assert_false(f->integrity_mandatory_set);
        assert_null(f->integrity_check_info);
        assert_null(f->http_response_headers);
        assert_int_equal(f->bytes_downloaded, 0);
        assert_int_equal(f->download_usec, 0);

        /* The migrated rows take v2 writes, the hot path included. */
        jobs[0]->cost_flags = 0x80000001u;
        jobs[0]->files[0]->bytes_downloaded = 2048;
        assert_int_equal(store_save_job(s, jobs[0]), 0);
        assert_int_equal(store_save_file_progress(s, jobs[0]->files[0]), 0);
        free_jobs(jobs, n);
        s = store_close(s);
        assert_int_equal(raw_count(fx->path, "SELECT value FROM meta WHERE key = 'schema_version'"), 3);
        assert_int_equal(raw_count(fx->path, "SELECT cost_flags FROM jobs"), 0x80000001);
        assert_int_equal(raw_count(fx->path, "SELECT bytes_downloaded FROM files"), 2048);
}

/* Version 2 exactly as dosvc 2 left it (migrations 0 and 1, frozen here), on top of schema_v1. */
static const char schema_v1_to_v2[] =
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
        "ALTER TABLE files ADD COLUMN download_usec INTEGER NOT NULL DEFAULT 0;"
        "UPDATE meta SET value = 2 WHERE key = 'schema_version';";

static void test_store__v2_database_migrates_to_v3_with_the_set_flag_guessed(void **state) {
        Fixture *fx = *state;
        static const char id_a_hex[] = "3f2504e04f8911d39a0c0305e82c3301";
        static const char sha_hex[] = "ff0123456789abcdef1032547698badcfe00112233445566778899aabbccdd00";
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        Store *s = NULL;
        Job **jobs = NULL;
        Job *j;
        size_t n = 0;
        int v = -1;

        /* A v2 database with one job (v2 properties set) and three files: mandatory TRUE, FALSE
         * (set or never set: v2 could not tell), and TRUE without a hash. */
        assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, schema_v1, NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, schema_v1_to_v2, NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "INSERT INTO jobs VALUES (?1, 'v2 job', 'desc', 0, 1, 2, 1000, 3, 600, "
                                            "60, 0, 1650000000000000, 1650000000000001, 0, 0, 0, 0, -1, NULL, NULL, "
                                            "2147483681, '00123456789abcdef00fedcba98765ff', 2048, "
                                            "'/usr/bin/true', 'true x')",
                                            -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_bind_text(st, 1, id_a_hex, -1, SQLITE_STATIC), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "INSERT INTO files VALUES (?1, ?2, '', 'https://example.com/f', ?3, "
                                            "?4, NULL, 4096, 1024, 0, 0, NULL, NULL, 8192, ?5, ?6, ?7, NULL, 1500, 77)",
                                            -1, &st, NULL), SQLITE_OK);
        for (int i = 0; i < 3; i++) {
                char local[32], temp[32];

                (void) snprintf(local, sizeof local, "/srv/dl/f%d.bin", i);
                (void) snprintf(temp, sizeof temp, "/srv/dl/.f%d.part", i);
                assert_int_equal(sqlite3_bind_text(st, 1, id_a_hex, -1, SQLITE_STATIC), SQLITE_OK);
                assert_int_equal(sqlite3_bind_int(st, 2, i), SQLITE_OK);
                assert_int_equal(sqlite3_bind_text(st, 3, local, -1, SQLITE_TRANSIENT), SQLITE_OK);
                assert_int_equal(sqlite3_bind_text(st, 4, temp, -1, SQLITE_TRANSIENT), SQLITE_OK);
                assert_int_equal(i == 0 ? sqlite3_bind_text(st, 5, sha_hex, -1, SQLITE_STATIC)
                                        : sqlite3_bind_null(st, 5), SQLITE_OK);
                assert_int_equal(sqlite3_bind_int(st, 6, i != 1), SQLITE_OK);
                assert_int_equal(i == 0 ? sqlite3_bind_text(st, 7, sha_hex, -1, SQLITE_STATIC)
                                        : sqlite3_bind_null(st, 7), SQLITE_OK);
                assert_int_equal(sqlite3_step(st), SQLITE_DONE);
                assert_int_equal(sqlite3_reset(st), SQLITE_OK);
        }
        sqlite3_finalize(st);
        assert_int_equal(sqlite3_close(db), SQLITE_OK);
        assert_int_equal(raw_count(fx->path, "SELECT value FROM meta WHERE key = 'schema_version'"), 2);

        assert_int_equal(store_open(fx->path, &s), 0);
        assert_int_equal(store_schema_version(s, &v), 0);
        assert_int_equal(v, 3);
        assert_int_equal(v, STORE_SCHEMA_VERSION);

        /* In the rows themselves: the flag is integrity_mandatory's value, the proxy the default. */
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM files WHERE "
                                   "integrity_mandatory_set = integrity_mandatory"), 3);
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM files WHERE integrity_mandatory_set = 1"), 2);
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM jobs WHERE proxy_usage = 0 AND "
                                   "proxy_list IS NULL AND proxy_bypass_list IS NULL"), 1);

        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        assert_int_equal(n, 1);
        j = jobs[0];
        /* The v1 and v2 fields are intact. */
        assert_true(sd_id128_equal(j->id, id_a));
        assert_string_equal(j->display_name, "v2 job");
        assert_string_equal(j->description, "desc");
        assert_int_equal(j->state, BG_JOB_STATE_CONNECTING);
        assert_int_equal(j->cost_flags, 0x80000021u);
        assert_memory_equal(j->notification_clsid, clsid_x, sizeof clsid_x);
        assert_int_equal(j->security_flags, 2048);
        assert_string_equal(j->notify_cmdline_program, "/usr/bin/true");
        assert_string_equal(j->notify_cmdline_parameters, "true x");
        /* The v3 job fields: what v2 fell back to at every restart, PRECONFIG. */
        assert_int_equal(j->proxy_usage, BG_JOB_PROXY_USAGE_PRECONFIG);
        assert_null(j->proxy_list);
        assert_null(j->proxy_bypass_list);
        assert_int_equal(j->file_owner, j->owner);     /* v2 knew no other creator */

        assert_int_equal(j->n_files, 3);
        for (size_t i = 0; i < 3; i++) {
                const JobFile *f = j->files[i];

                assert_int_equal(f->bytes_total, 4096);
                assert_int_equal(f->bytes_durable, 1024);
                assert_int_equal(f->remote_size, 8192);
                assert_int_equal(f->bytes_downloaded, 1500);
                assert_int_equal(f->download_usec, 77);
                /* The flag: v2's guess, now stored. */
                assert_int_equal(f->integrity_mandatory, i != 1);
                assert_int_equal(f->integrity_mandatory_set, f->integrity_mandatory);
        }
        assert_true(j->files[0]->has_sha256);
        assert_memory_equal(j->files[0]->sha256, sha256_x, sizeof sha256_x);
        assert_string_equal(j->files[0]->integrity_check_info, sha_hex);
        assert_false(j->files[2]->has_sha256);

        /* The migrated rows take v3 writes: a FALSE set now stays set, and the proxy is kept. */
        j->files[1]->integrity_mandatory_set = true;
        assert_int_equal(store_save_file(s, j->files[1]), 0);
        j->proxy_usage = BG_JOB_PROXY_USAGE_OVERRIDE;
        j->proxy_list = strdup("http://127.0.0.1:3128");
        j->proxy_bypass_list = strdup("localhost");
        assert_non_null(j->proxy_list);
        assert_non_null(j->proxy_bypass_list);
        assert_int_equal(store_save_job(s, j), 0);
        free_jobs(jobs, n);
        s = store_close(s);

        s = open_store(fx);
        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        s = store_close(s);
        assert_int_equal(n, 1);
        assert_false(jobs[0]->files[1]->integrity_mandatory);
        assert_true(jobs[0]->files[1]->integrity_mandatory_set);
        assert_int_equal(jobs[0]->proxy_usage, BG_JOB_PROXY_USAGE_OVERRIDE);
        assert_string_equal(jobs[0]->proxy_list, "http://127.0.0.1:3128");
        assert_string_equal(jobs[0]->proxy_bypass_list, "localhost");
        free_jobs(jobs, n);
        assert_int_equal(raw_count(fx->path, "SELECT value FROM meta WHERE key = 'schema_version'"), 3);
}

/* Every table's definition and every row, as text, to compare a database before and after. */
static char *raw_dump(const char *path) {
        static const char *const queries[] = {
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name",
                "SELECT * FROM meta ORDER BY key",
                "SELECT rowid, * FROM jobs ORDER BY rowid",
                "SELECT rowid, * FROM files ORDER BY job_id, idx",
        };
        sqlite3 *db = NULL;
        char *buf = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&buf, &size);

        assert_non_null(out);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        for (size_t q = 0; q < ELEMENTSOF(queries); q++) {
                sqlite3_stmt *st = NULL;
                int rc;

                assert_int_equal(sqlite3_prepare_v2(db, queries[q], -1, &st, NULL), SQLITE_OK);
                fprintf(out, "%s\n", queries[q]);
                while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                        for (int c = 0; c < sqlite3_column_count(st); c++) {
                                int type = sqlite3_column_type(st, c);

                                if (type == SQLITE_NULL)
                                        fputs("NULL", out);
                                else if (type == SQLITE_BLOB) {
                                        const uint8_t *p = sqlite3_column_blob(st, c);

                                        fputs("x'", out);
                                        for (int i = 0; i < sqlite3_column_bytes(st, c); i++)
                                                fprintf(out, "%02x", p[i]);
                                        fputc('\'', out);
                                } else
                                        fprintf(out, "%d:%s", type, (const char *) sqlite3_column_text(st, c));
                                fputc('|', out);
                        }
                        fputc('\n', out);
                }
                assert_int_equal(rc, SQLITE_DONE);
                sqlite3_finalize(st);
        }
        assert_int_equal(sqlite3_close(db), SQLITE_OK);
        assert_int_equal(fclose(out), 0);
        return buf;
}

static void test_store__v3_database_opened_again_is_unchanged(void **state) {
        Fixture *fx = *state;
        _cleanup_(job_freep) Job *a = full_job();
        _cleanup_(job_freep) Job *b = plain_job(&id_b, "b", 2);
        _cleanup_free_ char *before = NULL, *after_open = NULL, *after_load = NULL;
        Store *s = open_store(fx);
        Job **jobs = NULL;
        size_t n = 0;
        int v = -1;

        assert_int_equal(job_add_file(b, "", "http://h/x", "/d/x", NULL, 0, BG_SIZE_UNKNOWN, NULL), 0);
        save_all(s, a);
        save_all(s, b);
        s = store_close(s);
        before = raw_dump(fx->path);
        assert_non_null(strstr(before, "integrity_mandatory_set"));
        assert_non_null(strstr(before, "proxy_bypass_list"));

        /* Opening runs no migration step on a current database, and loading writes nothing. */
        s = open_store(fx);
        assert_int_equal(store_schema_version(s, &v), 0);
        assert_int_equal(v, 3);
        s = store_close(s);
        after_open = raw_dump(fx->path);
        assert_string_equal(after_open, before);

        s = open_store(fx);
        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        s = store_close(s);
        after_load = raw_dump(fx->path);
        assert_string_equal(after_load, before);
        assert_int_equal(n, 2);         /* creation order: b (2) before a */
        assert_int_equal(jobs[0]->proxy_usage, BG_JOB_PROXY_USAGE_PRECONFIG);
        assert_false(jobs[0]->files[0]->integrity_mandatory_set);
        assert_int_equal(jobs[1]->proxy_usage, BG_JOB_PROXY_USAGE_OVERRIDE);
        assert_string_equal(jobs[1]->proxy_list, a->proxy_list);
        assert_true(jobs[1]->files[1]->integrity_mandatory_set);
        free_jobs(jobs, n);
}

/* A stored TRUE is in force (the scheduler enforces it), so it reads as set even in a row whose
 * flag says otherwise (a hand edit): never E_NOT_SET for a check that runs. */
static void test_store__mandatory_true_always_loads_as_set(void **state) {
        Fixture *fx = *state;
        _cleanup_(job_freep) Job *a = full_job();
        Store *s = open_store(fx);
        Job **jobs = NULL;
        size_t n = 0;

        save_all(s, a);
        s = store_close(s);
        raw_exec(fx->path, "UPDATE files SET integrity_mandatory_set = 0");

        s = open_store(fx);
        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        s = store_close(s);
        assert_int_equal(n, 1);
        assert_true(jobs[0]->files[0]->integrity_mandatory);
        assert_true(jobs[0]->files[0]->integrity_mandatory_set);
        assert_false(jobs[0]->files[1]->integrity_mandatory);
        assert_false(jobs[0]->files[1]->integrity_mandatory_set);
        free_jobs(jobs, n);
}

static void test_store__newer_schema_is_eproto(void **state) {
        Fixture *fx = *state;
        _cleanup_(job_freep) Job *a = full_job();
        Store *s = open_store(fx);
        char sql[96];

        save_all(s, a);
        s = store_close(s);
        (void) snprintf(sql, sizeof sql, "UPDATE meta SET value = %d WHERE key = 'schema_version'",
                        STORE_SCHEMA_VERSION + 1);
        raw_exec(fx->path, sql);

        assert_int_equal(store_open(fx->path, &s), -EPROTO);
        assert_null(s);
        /* Refusing touched nothing. */
        assert_int_equal(raw_count(fx->path, "SELECT value FROM meta WHERE key = 'schema_version'"),
                         STORE_SCHEMA_VERSION + 1);
        assert_int_equal(raw_count(fx->path, "SELECT COUNT(*) FROM files"), 2);
}

static void test_store__not_a_database_is_an_error(void **state) {
        Fixture *fx = *state;
        Store *s = NULL;
        FILE *f;

        f = fopen(fx->path, "we");
        assert_non_null(f);
        for (int i = 0; i < 200; i++)
                fputs("this is not an SQLite database\n", f);
        assert_int_equal(fclose(f), 0);

        assert_int_equal(store_open(fx->path, &s), -EBADMSG);
        assert_null(s);
}

static void test_store__unknown_values_skip_only_that_job(void **state) {
        Fixture *fx = *state;
        _cleanup_(job_freep) Job *a = full_job();
        _cleanup_(job_freep) Job *b = plain_job(&id_b, "b", 2);
        _cleanup_(job_freep) Job *c = plain_job(&id_c, "c", 3);
        Store *s = open_store(fx);
        Job **jobs = NULL;
        size_t n = 0;

        assert_int_equal(job_add_file(c, "", "http://h/x", "/d/x", NULL, 0, 1, NULL), 0);
        save_all(s, a);
        save_all(s, b);
        save_all(s, c);
        s = store_close(s);

        /* A state no dosvc writes, and a range blob that is not 16-byte pairs. */
        raw_exec(fx->path, "UPDATE jobs SET state = 42 WHERE display_name = 'b'");
        raw_exec(fx->path, "UPDATE files SET ranges = x'0102030405' WHERE local_path = '/d/x'");

        s = open_store(fx);
        assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
        assert_int_equal(n, 1);
        assert_true(sd_id128_equal(jobs[0]->id, id_a));
        free_jobs(jobs, n);

        /* Each other kind of unknown value is refused the same way. */
        static const char *const corruptions[] = {
                "UPDATE jobs SET priority = 4",
                "UPDATE jobs SET type = 3",
                "UPDATE jobs SET error_context = 8",
                "UPDATE jobs SET state = -1",
                "UPDATE jobs SET error_file_index = -2",
                "UPDATE jobs SET id = 'not-an-id'",
                "UPDATE files SET idx = 5 WHERE idx = 1",
                "UPDATE files SET local_path = 'relative/path' WHERE idx = 0",
                "UPDATE jobs SET cost_flags = 4294967296",
                "UPDATE jobs SET security_flags = -1",
                "UPDATE jobs SET notification_clsid = '00112233445566778899aabbccddeeXX'",
                "UPDATE jobs SET notification_clsid = '0011'",
                "UPDATE files SET sha256 = 'abc' WHERE idx = 0",
                /* proxy settings no SetProxySettings accepts: an unknown usage, OVERRIDE without a
                 * proxy (the job must not go direct), lists with another usage */
                "UPDATE jobs SET proxy_usage = 4",
                "UPDATE jobs SET proxy_usage = -1",
                "UPDATE jobs SET proxy_list = NULL",
                "UPDATE jobs SET proxy_list = ''",
                "UPDATE jobs SET proxy_usage = 0",
                "UPDATE jobs SET proxy_usage = 1, proxy_list = NULL",
        };
        s = store_close(s);
        for (size_t i = 0; i < ELEMENTSOF(corruptions); i++) {
                raw_exec(fx->path, "DELETE FROM files; DELETE FROM jobs");
                s = open_store(fx);
                save_all(s, a);
                s = store_close(s);
                raw_exec(fx->path, corruptions[i]);

                s = open_store(fx);
                assert_int_equal(store_load_jobs(s, &jobs, &n), 0);
                if (n != 0)
                        fail_msg("loaded a job after \"%s\"", corruptions[i]);
                free_jobs(jobs, n);
                s = store_close(s);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_store__open_creates_a_private_file_at_the_current_schema, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__uses_wal, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__empty_store_loads_nothing, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__round_trips_every_field, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__unset_properties_round_trip_as_none, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__null_and_empty_strings_stay_apart, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__saving_a_job_again_updates_it_and_keeps_its_files, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__file_progress_updates_only_progress, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__file_progress_without_a_row_is_enoent, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__file_of_an_unsaved_job_is_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__delete_cascades_to_files, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__delete_of_an_unknown_job_is_not_an_error, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__jobs_load_in_creation_order, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__rollback_discards_and_commit_keeps, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__load_inside_a_transaction, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__reopen_keeps_the_schema_version, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__v1_database_migrates_to_current_with_defaults, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__v2_database_migrates_to_v3_with_the_set_flag_guessed, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__v3_database_opened_again_is_unchanged, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__mandatory_true_always_loads_as_set, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__newer_schema_is_eproto, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__not_a_database_is_an_error, setup, teardown),
                cmocka_unit_test_setup_teardown(test_store__unknown_values_skip_only_that_job, setup, teardown),
        };

        return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
