/* test-job.c: the daemon's Job/JobFile records (src/daemon/job.c): defaults of spec §5, the file
 * list and its limit, temp-file names, progress of spec §3.2, the error record, ids and FILETIME. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "job.h"
#include "macro.h"

#define NOW UINT64_C(1763700000000000)          /* 2025-11-21, µs */

static const sd_id128_t test_id = { .bytes = {
        0x3f, 0x25, 0x04, 0xe0, 0x4f, 0x89, 0x11, 0xd3, 0x9a, 0x0c, 0x03, 0x05, 0xe8, 0x2c, 0x33, 0x01 } };

static Job *new_job(void) {
        Job *j = NULL;

        assert_int_equal(job_new(&test_id, "job", BG_JOB_TYPE_DOWNLOAD, 1000, NOW, &j), 0);
        assert_non_null(j);
        return j;
}

static JobFile *add_file(Job *j, const char *local_path, uint64_t size) {
        JobFile *f = NULL;

        assert_int_equal(job_add_file(j, NULL, "http://example.com/f", local_path, NULL, 0, size, &f), 0);
        return f;
}

/* "<prefix><16 lower-case hex digits>.part" */
static void assert_temp_name(const char *s, const char *prefix) {
        size_t n = strlen(prefix);

        assert_non_null(s);
        assert_int_equal(strncmp(s, prefix, n), 0);
        assert_int_equal(strspn(s + n, "0123456789abcdef"), 16);
        assert_string_equal(s + n + 16, ".part");
}

static void test_job__new_has_spec_defaults(void **state) {
        _cleanup_(job_freep) Job *j = new_job();

        assert_true(sd_id128_equal(j->id, test_id));
        assert_string_equal(j->display_name, "job");
        assert_null(j->description);
        assert_int_equal(j->type, BG_JOB_TYPE_DOWNLOAD);
        assert_int_equal(j->state, BG_JOB_STATE_SUSPENDED);
        assert_int_equal(j->priority, BG_JOB_PRIORITY_NORMAL);
        assert_int_equal(j->owner, 1000);
        assert_int_equal(j->notify_flags, 0x3);
        assert_int_equal(j->no_progress_timeout, 86400);
        assert_int_equal(j->minimum_retry_delay, 600);
        assert_int_equal(j->error_count, 0);
        assert_int_equal(j->creation_time, NOW);
        assert_int_equal(j->modification_time, NOW);
        assert_int_equal(j->transfer_completion_time, 0);
        assert_int_equal(j->final_time, 0);
        assert_int_equal(j->error.hresult, 0);
        assert_int_equal(j->error.file_index, -1);
        assert_null(j->error.description);
        assert_null(j->error.protocol);
        assert_int_equal(j->n_files, 0);
        assert_null(j->manager);
        assert_null(j->transfer);
        assert_null(j->bus_slot);
}

static void test_job__new_without_id_makes_a_random_one(void **state) {
        _cleanup_(job_freep) Job *a = NULL;
        _cleanup_(job_freep) Job *b = NULL;

        assert_int_equal(job_new(NULL, "same", BG_JOB_TYPE_DOWNLOAD, 0, NOW, &a), 0);
        assert_int_equal(job_new(NULL, "same", BG_JOB_TYPE_DOWNLOAD, 0, NOW, &b), 0);
        assert_false(sd_id128_is_null(a->id));
        assert_false(sd_id128_equal(a->id, b->id));
}

static void test_job__new_without_name_is_einval(void **state) {
        Job *j = NULL;

        assert_int_equal(job_new(NULL, NULL, BG_JOB_TYPE_DOWNLOAD, 0, NOW, &j), -EINVAL);
        assert_null(j);
}

static void test_job__free_is_null_safe(void **state) {
        assert_null(job_free(NULL));
        assert_null(job_file_free(NULL));
}

static void test_job__add_file_copies_and_numbers(void **state) {
        _cleanup_(job_freep) Job *j = new_job();
        char url[] = "http://example.com/a", path[] = "/srv/dl/a.bin";
        JobFile *f0 = NULL, *f1 = NULL;

        assert_int_equal(job_add_file(j, "content-a", url, path, NULL, 0, 1234, &f0), 0);
        url[0] = 'X';
        path[1] = 'X';
        assert_int_equal(job_add_file(j, NULL, "http://example.com/b", "/srv/dl/b.bin", NULL, 0,
                                      BG_SIZE_UNKNOWN, &f1), 0);

        assert_int_equal(j->n_files, 2);
        assert_ptr_equal(j->files[0], f0);
        assert_ptr_equal(j->files[1], f1);
        assert_ptr_equal(f0->job, j);
        assert_ptr_equal(f1->job, j);
        assert_int_equal(f0->index, 0);
        assert_int_equal(f1->index, 1);
        assert_string_equal(f0->file_id, "content-a");
        assert_string_equal(f1->file_id, "");            /* BITS AddFile: no file id */
        assert_string_equal(f0->remote_url, "http://example.com/a");
        assert_string_equal(f0->local_path, "/srv/dl/a.bin");
        assert_temp_name(f0->temp_path, "/srv/dl/.dosvc-3f2504e04f8911d39a0c0305e82c3301-0-");
        assert_temp_name(f1->temp_path, "/srv/dl/.dosvc-3f2504e04f8911d39a0c0305e82c3301-1-");
        assert_null(f0->ranges);
        assert_int_equal(f0->n_ranges, 0);
        assert_int_equal(f0->bytes_total, 1234);
        assert_int_equal(f1->bytes_total, BG_SIZE_UNKNOWN);
        assert_int_equal(f0->bytes_durable, 0);
        assert_int_equal(f0->bytes_written, 0);
        assert_false(f0->transferred);
        assert_false(f0->completed);
        assert_null(f0->etag);
        assert_null(f0->last_modified);
}

static void test_job__add_file_copies_ranges_and_totals_them(void **state) {
        _cleanup_(job_freep) Job *j = new_job();
        BG_FILE_RANGE ranges[] = { { 100, 100 }, { 900, 100 }, { 400, 100 } };
        JobFile *f = NULL;

        /* The size given is the remote file's; the file's total is the bytes the ranges select. */
        assert_int_equal(job_add_file(j, "id", "http://h/f", "/d/f", ranges, 3, 5000, &f), 0);
        ranges[0].Length = 1;
        assert_int_equal(f->n_ranges, 3);
        assert_int_equal(f->ranges[0].InitialOffset, 100);
        assert_int_equal(f->ranges[0].Length, 100);
        assert_int_equal(f->ranges[2].InitialOffset, 400);
        assert_int_equal(f->bytes_total, 300);
}

static void test_job__range_to_eof_needs_the_file_size(void **state) {
        _cleanup_(job_freep) Job *j = new_job();
        const BG_FILE_RANGE ranges[] = { { 24, 17 }, { 111, BG_LENGTH_TO_EOF }, { 83, 7 } };
        JobFile *known = NULL, *unknown = NULL;

        assert_int_equal(job_add_file(j, "a", "http://h/f", "/d/a", ranges, 3, 1000, &known), 0);
        assert_int_equal(known->bytes_total, 17 + (1000 - 111) + 7);
        assert_int_equal(job_add_file(j, "b", "http://h/f", "/d/b", ranges, 3, BG_SIZE_UNKNOWN, &unknown), 0);
        assert_int_equal(unknown->bytes_total, BG_SIZE_UNKNOWN);
}

static void test_job__add_file_refuses_bad_arguments(void **state) {
        _cleanup_(job_freep) Job *j = new_job();
        BG_FILE_RANGE r = { 0, 1 };

        assert_int_equal(job_add_file(j, "", NULL, "/d/f", NULL, 0, 0, NULL), -EINVAL);
        assert_int_equal(job_add_file(j, "", "http://h/", NULL, NULL, 0, 0, NULL), -EINVAL);
        assert_int_equal(job_add_file(j, "", "http://h/", "/d/f", NULL, 1, 0, NULL), -EINVAL);
        assert_int_equal(job_add_file(j, "", "http://h/", "relative/f", NULL, 0, 0, NULL), -EINVAL);
        assert_int_equal(job_add_file(j, "", "http://h/", "/d/", &r, 1, 0, NULL), -EINVAL);
        assert_int_equal(job_add_file(j, "", "http://h/", "/d/f", &r, LIMIT_RANGES_PER_FILE_CEILING + 1, 0, NULL), -E2BIG);
        assert_int_equal(j->n_files, 0);
}

static void test_job__files_limit_is_e2big(void **state) {
        _cleanup_(job_freep) Job *j = new_job();

        /* job.c enforces the compiled ceiling; the configured limit (default 200) is queue.c's. */
        for (unsigned i = 0; i < LIMIT_FILES_PER_JOB_CEILING; i++)
                assert_int_equal(job_add_file(j, "", "http://h/f", "/d/f", NULL, 0, 1, NULL), 0);
        assert_int_equal(j->n_files, LIMIT_FILES_PER_JOB_CEILING);
        assert_int_equal(job_add_file(j, "", "http://h/f", "/d/f", NULL, 0, 1, NULL), -E2BIG);
        assert_int_equal(j->n_files, LIMIT_FILES_PER_JOB_CEILING);
        assert_int_equal(j->files[LIMIT_FILES_PER_JOB_CEILING - 1]->index, LIMIT_FILES_PER_JOB_CEILING - 1);
}

static void test_job__remove_last_file_undoes_add(void **state) {
        _cleanup_(job_freep) Job *j = new_job();
        JobFile *f;

        add_file(j, "/d/a", 1);
        add_file(j, "/d/b", 2);
        job_remove_last_file(j);
        assert_int_equal(j->n_files, 1);
        f = add_file(j, "/d/c", 3);
        assert_int_equal(f->index, 1);
        job_remove_last_file(j);
        job_remove_last_file(j);
        job_remove_last_file(j);        /* on an empty job: nothing */
        assert_int_equal(j->n_files, 0);
}

static void test_job__temp_path_is_hidden_next_to_the_destination(void **state) {
        _cleanup_free_ char *a = NULL, *b = NULL;

        assert_int_equal(job_file_temp_path("/home/u/Downloads/big.iso", &test_id, 7, &a), 0);
        assert_temp_name(a, "/home/u/Downloads/.dosvc-3f2504e04f8911d39a0c0305e82c3301-7-");
        assert_int_equal(job_file_temp_path("/top", &test_id, 199, &b), 0);
        assert_temp_name(b, "/.dosvc-3f2504e04f8911d39a0c0305e82c3301-199-");
}

/* Security review B: in a shared folder another user who sees one temp file must not be able to
 * guess the next one (and plant it): every name carries 64 random bits. */
static void test_job__temp_path_cannot_be_guessed(void **state) {
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;

        assert_int_equal(job_file_temp_path("/tmp/x.bin", &test_id, 0, &a), 0);
        assert_int_equal(job_file_temp_path("/tmp/x.bin", &test_id, 0, &b), 0);
        assert_int_equal(job_file_temp_path("/tmp/x.bin", &test_id, 1, &c), 0);
        assert_temp_name(a, "/tmp/.dosvc-3f2504e04f8911d39a0c0305e82c3301-0-");
        assert_temp_name(b, "/tmp/.dosvc-3f2504e04f8911d39a0c0305e82c3301-0-");
        assert_temp_name(c, "/tmp/.dosvc-3f2504e04f8911d39a0c0305e82c3301-1-");
        assert_string_not_equal(a, b);
        assert_string_not_equal(a + strlen(a) - 21, c + strlen(c) - 21);   /* the random parts */
}

static void test_job__temp_path_needs_an_absolute_file_path(void **state) {
        char *p = NULL;

        assert_int_equal(job_file_temp_path("file", &test_id, 0, &p), -EINVAL);
        assert_int_equal(job_file_temp_path("dir/file", &test_id, 0, &p), -EINVAL);
        assert_int_equal(job_file_temp_path("/dir/", &test_id, 0, &p), -EINVAL);
        assert_int_equal(job_file_temp_path("/", &test_id, 0, &p), -EINVAL);
        assert_int_equal(job_file_temp_path("", &test_id, 0, &p), -EINVAL);
        assert_int_equal(job_file_temp_path(NULL, &test_id, 0, &p), -EINVAL);
        assert_null(p);
}

static void test_job__progress_of_an_empty_job_is_zero(void **state) {
        _cleanup_(job_freep) Job *j = new_job();
        BG_JOB_PROGRESS p;

        job_get_progress(j, &p);
        assert_int_equal(p.BytesTotal, 0);
        assert_int_equal(p.BytesTransferred, 0);
        assert_int_equal(p.FilesTotal, 0);
        assert_int_equal(p.FilesTransferred, 0);
}

static void test_job__bytes_total_is_unknown_until_every_size_is_known(void **state) {
        _cleanup_(job_freep) Job *j = new_job();
        JobFile *a, *b, *c;
        BG_JOB_PROGRESS p;

        a = add_file(j, "/d/a", 100);
        b = add_file(j, "/d/b", BG_SIZE_UNKNOWN);
        c = add_file(j, "/d/c", BG_SIZE_UNKNOWN);
        a->bytes_written = 60;
        a->bytes_durable = 50;
        b->bytes_written = 7;

        job_get_progress(j, &p);
        assert_int_equal(p.BytesTotal, BG_SIZE_UNKNOWN);
        assert_int_equal(p.BytesTransferred, 67);       /* live: bytes written, not only durable */
        assert_int_equal(p.FilesTotal, 3);
        assert_int_equal(p.FilesTransferred, 0);

        b->bytes_total = 20;
        job_get_progress(j, &p);
        assert_int_equal(p.BytesTotal, BG_SIZE_UNKNOWN);

        c->bytes_total = 0;
        job_get_progress(j, &p);
        assert_int_equal(p.BytesTotal, 120);
}

static void test_job__files_transferred_counts_done_files(void **state) {
        _cleanup_(job_freep) Job *j = new_job();
        JobFile *a, *b, *c;
        JobStateContext ctx;
        BG_JOB_PROGRESS p;

        a = add_file(j, "/d/a", 10);
        b = add_file(j, "/d/b", 10);
        c = add_file(j, "/d/c", 10);
        assert_ptr_equal(job_next_file(j), a);

        a->transferred = true;
        c->transferred = true;          /* out of order: only the count matters */
        assert_int_equal(job_files_transferred(j), 2);
        assert_ptr_equal(job_next_file(j), b);
        job_get_progress(j, &p);
        assert_int_equal(p.FilesTransferred, 2);
        ctx = job_state_context(j);
        assert_int_equal(ctx.n_files, 3);
        assert_int_equal(ctx.n_files_transferred, 2);

        b->transferred = true;
        assert_null(job_next_file(j));
        ctx = job_state_context(j);
        assert_int_equal(ctx.n_files_transferred, 3);
}

static void test_job__set_error_replaces_the_previous_one(void **state) {
        _cleanup_(job_freep) Job *j = new_job();

        job_set_error(j, (HRESULT) 0x80190194u, BG_ERROR_CONTEXT_REMOTE_FILE, 0, "https",
                      "HTTP %d from %s", 404, "https://example.com/x");
        assert_int_equal((uint32_t) j->error.hresult, 0x80190194u);
        assert_int_equal(j->error.context, BG_ERROR_CONTEXT_REMOTE_FILE);
        assert_int_equal(j->error.file_index, 0);
        assert_string_equal(j->error.protocol, "https");
        assert_string_equal(j->error.description, "HTTP 404 from https://example.com/x");

        /* Arguments pointing into the old record stay valid through the call. */
        job_set_error(j, DO_E_JOB_EMPTY, BG_ERROR_CONTEXT_NONE, -1, j->error.protocol, "was: %s",
                      j->error.description);
        assert_string_equal(j->error.protocol, "https");
        assert_string_equal(j->error.description, "was: HTTP 404 from https://example.com/x");

        job_set_error(j, DO_E_JOB_EMPTY, BG_ERROR_CONTEXT_NONE, -1, NULL, NULL);
        assert_null(j->error.protocol);
        assert_null(j->error.description);
        assert_int_equal(j->error.file_index, -1);

        job_clear_error(j);
        assert_int_equal(j->error.hresult, 0);
        assert_int_equal(j->error.context, BG_ERROR_CONTEXT_NONE);
        assert_int_equal(j->error.file_index, -1);
}

static void test_job__id_to_string_is_lowercase_with_braces(void **state) {
        char buf[JOB_ID_STRING_MAX];

        assert_ptr_equal(job_id_to_string(&test_id, buf), buf);
        assert_string_equal(buf, "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}");
        assert_int_equal(strlen(buf), JOB_ID_STRING_MAX - 1);
}

static void test_job__id_from_string_accepts_braces_or_not_any_case(void **state) {
        static const char *const good[] = {
                "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}",
                "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
                "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}",
                "3F2504e0-4f89-11D3-9a0C-0305e82c3301",
        };

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                sd_id128_t id = SD_ID128_NULL;

                assert_int_equal(job_id_from_string(good[i], &id), 0);
                assert_true(sd_id128_equal(id, test_id));
        }
}

static void test_job__id_from_string_rejects_anything_else(void **state) {
        static const char *const bad[] = {
                "",
                "{}",
                "3f2504e04f8911d39a0c0305e82c3301",             /* the D-Bus path form */
                "{3f2504e0-4f89-11d3-9a0c-0305e82c3301",
                "3f2504e0-4f89-11d3-9a0c-0305e82c3301}",
                "(3f2504e0-4f89-11d3-9a0c-0305e82c3301)",
                "{3f2504e0-4f89-11d3-9a0c-0305e82c330}",
                "3f2504e0-4f89-11d3-9a0c-0305e82c33011",
                "3f2504e0-4f89-11d3-9a0c-0305e82c33g1",
                "3f2504e0_4f89-11d3-9a0c-0305e82c3301",
                "3f2504e04-f89-11d3-9a0c-0305e82c3301",
                " 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
                "3f2504e0-4f89-11d3-9a0c-0305e82c3301 ",
                "{{3f2504e0-4f89-11d3-9a0c-0305e82c3301}}",
                "+f2504e0-4f89-11d3-9a0c-0305e82c3301",
        };
        sd_id128_t id = test_id;

        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                assert_int_equal(job_id_from_string(bad[i], &id), -EINVAL);
        assert_int_equal(job_id_from_string(NULL, &id), -EINVAL);
        assert_true(sd_id128_equal(id, test_id));       /* untouched on failure */
}

static void test_job__filetime_from_usec(void **state) {
        assert_int_equal(usec_to_filetime(0), 0);
        assert_int_equal(usec_to_filetime(1), UINT64_C(116444736000000010));
        /* 2000-01-01T00:00:00Z */
        assert_int_equal(usec_to_filetime(UINT64_C(946684800000000)), UINT64_C(125911584000000000));
        assert_int_equal(usec_to_filetime(USEC_INFINITY), UINT64_MAX);
}

static void test_job__clocks_answer(void **state) {
        usec_t a, b;

        /* After 2020-01-01, and monotonic never goes back. */
        assert_true(now_realtime_usec() > UINT64_C(1577836800000000));
        a = now_monotonic_usec();
        b = now_monotonic_usec();
        assert_true(a > 0);
        assert_true(b >= a);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_job__new_has_spec_defaults),
                cmocka_unit_test(test_job__new_without_id_makes_a_random_one),
                cmocka_unit_test(test_job__new_without_name_is_einval),
                cmocka_unit_test(test_job__free_is_null_safe),
                cmocka_unit_test(test_job__add_file_copies_and_numbers),
                cmocka_unit_test(test_job__add_file_copies_ranges_and_totals_them),
                cmocka_unit_test(test_job__range_to_eof_needs_the_file_size),
                cmocka_unit_test(test_job__add_file_refuses_bad_arguments),
                cmocka_unit_test(test_job__files_limit_is_e2big),
                cmocka_unit_test(test_job__remove_last_file_undoes_add),
                cmocka_unit_test(test_job__temp_path_is_hidden_next_to_the_destination),
                cmocka_unit_test(test_job__temp_path_cannot_be_guessed),
                cmocka_unit_test(test_job__temp_path_needs_an_absolute_file_path),
                cmocka_unit_test(test_job__progress_of_an_empty_job_is_zero),
                cmocka_unit_test(test_job__bytes_total_is_unknown_until_every_size_is_known),
                cmocka_unit_test(test_job__files_transferred_counts_done_files),
                cmocka_unit_test(test_job__set_error_replaces_the_previous_one),
                cmocka_unit_test(test_job__id_to_string_is_lowercase_with_braces),
                cmocka_unit_test(test_job__id_from_string_accepts_braces_or_not_any_case),
                cmocka_unit_test(test_job__id_from_string_rejects_anything_else),
                cmocka_unit_test(test_job__filetime_from_usec),
                cmocka_unit_test(test_job__clocks_answer),
        };

        return cmocka_run_group_tests_name("job", tests, NULL, NULL);
}
