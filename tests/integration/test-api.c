/* test-api.c: the testable behaviours of spec §6, driven through the public C API (libdosvc) against
 * a real daemon and a real nginx (harness.h). One function per behaviour, named after its number in
 * §6, e.g. test_b01_new_job_is_suspended; a few behaviours need two functions.
 *
 * Transfers that must surely be underway when the test acts (29, 31, 88, …) use nginx's /slow/
 * location (2 MiB/s per request) with a file of a few MiB. No assertion is about speed: waits are
 * bounded only so that a broken daemon fails the test instead of hanging it.
 *
 * Also here, because they are cheap: 47, 48, 50–52 (the error object of an HTTP 404), 61, 70.
 * Not here: callbacks (38–45, 84), the rest of ranges (58, 62–69, 71), remote-name limits (72, 73),
 * properties (78–82), clocks (85, 86). 13 needs a second uid and is reported as skipped. */
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define SMALL_SIZE (100u * 1000u)             /* a file that transfers in milliseconds */
/* nginx's limit_rate lets the first second's worth (2 MiB) go at once, then 2 MiB/s: 8 MiB take ~3 s,
 * so such a transfer is surely underway when the test acts. */
#define SLOW_SIZE (8u * 1024u * 1024u)
#define T_FAST_MS 30000u                      /* bound for a small transfer */
#define T_SLOW_MS 60000u                      /* bound for a SLOW_SIZE transfer through /slow/ */

static const GUID guid_null;

/* ---- helpers ---- */

/* A job holding one small file from nginx, not resumed. ret_local gets the destination path. */
static IBackgroundCopyJob *job_with_small_file(const char *tag, GUID *ret_id, char **ret_local) {
        char *name = h_strdupf("%s.bin", tag);
        char *dest = h_dest_dir(tag);
        char *local = h_strdupf("%s/%s", dest, name);
        IBackgroundCopyJob *job = h_create_job(tag, ret_id);

        (void) h_make_file(name, SMALL_SIZE);
        h_add_file(job, h_url("/%s", name), local);
        if (ret_local)
                *ret_local = local;
        return job;
}

/* A job that is transferring SLOW_SIZE bytes through /slow/ and has at least min_bytes on disk.
 * ret_uri gets the request path nginx logs, ret_src the docroot file, ret_local the destination. */
static IBackgroundCopyJob *job_transferring(const char *tag, uint64_t min_bytes, char **ret_uri, char **ret_src,
                                            char **ret_local) {
        char *name = h_strdupf("%s.bin", tag);
        char *src = h_make_file(name, SLOW_SIZE);
        char *dest = h_dest_dir(tag);
        char *local = h_strdupf("%s/%s", dest, name);
        char *uri = h_strdupf("/slow/%s", name);
        IBackgroundCopyJob *job = h_create_job(tag, NULL);

        h_add_file(job, h_url("%s", uri), local);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRING, T_FAST_MS);
        if (min_bytes > 0)
                (void) h_wait_bytes(job, min_bytes, T_FAST_MS);
        H_ASSERT_MSG(h_state(job) == BG_JOB_STATE_TRANSFERRING, "job left TRANSFERRING early: %s",
                     h_state_name(h_state(job)));
        if (ret_uri)
                *ret_uri = uri;
        if (ret_src)
                *ret_src = src;
        if (ret_local)
                *ret_local = local;
        return job;
}

/* A job in `state`: SUSPENDED (one file), TRANSFERRING, TRANSFERRED, ACKNOWLEDGED or CANCELLED. */
static IBackgroundCopyJob *job_in_state(const char *tag, BG_JOB_STATE state, GUID *ret_id) {
        IBackgroundCopyJob *job;

        if (state == BG_JOB_STATE_TRANSFERRING) {
                job = job_transferring(tag, 0, NULL, NULL, NULL);
                if (ret_id)
                        H_ASSERT_OK(IBackgroundCopyJob_GetId(job, ret_id));
                return job;
        }
        job = job_with_small_file(tag, ret_id, NULL);
        switch (state) {
        case BG_JOB_STATE_SUSPENDED:
                break;
        case BG_JOB_STATE_TRANSFERRED:
        case BG_JOB_STATE_ACKNOWLEDGED:
                H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
                H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_FAST_MS);
                if (state == BG_JOB_STATE_ACKNOWLEDGED)
                        H_ASSERT_OK(IBackgroundCopyJob_Complete(job));
                break;
        case BG_JOB_STATE_CANCELLED:
                H_ASSERT_OK(IBackgroundCopyJob_Cancel(job));
                break;
        default:
                H_FAIL("job_in_state: unsupported state %d", (int) state);
        }
        H_ASSERT_MSG(h_state(job) == state, "job is %s, expected %s", h_state_name(h_state(job)),
                     h_state_name(state));
        return job;
}

/* Does EnumJobs(0) list the job with this id? ret_count (may be NULL) gets the number listed. */
static bool enum_jobs_contains(DWORD flags, const GUID *id, ULONG *ret_count) {
        IEnumBackgroundCopyJobs *e = NULL;
        ULONG count = 0;
        bool found = false;

        H_ASSERT_OK(IBackgroundCopyManager_EnumJobs(h_manager(), flags, &e));
        H_ASSERT(e);
        h_track(e);
        H_ASSERT_OK(IEnumBackgroundCopyJobs_GetCount(e, &count));
        for (ULONG i = 0; i <= count; i++) {   /* one more than the count: Next must say S_FALSE */
                IBackgroundCopyJob *j = NULL;
                ULONG fetched = 0;
                GUID g;
                HRESULT hr = IEnumBackgroundCopyJobs_Next(e, 1, &j, &fetched);

                if (i == count) {
                        H_ASSERT_MSG(hr == S_FALSE && fetched == 0, "Next past the end gave 0x%08X, %lu items",
                                     (unsigned) hr, (unsigned long) fetched);
                        break;
                }
                H_ASSERT_OK(hr);
                H_ASSERT(fetched == 1 && j);
                h_track(j);
                H_ASSERT_OK(IBackgroundCopyJob_GetId(j, &g));
                if (IsEqualGUID(&g, id))
                        found = true;
        }
        if (ret_count)
                *ret_count = count;
        return found;
}

/* The job's files through EnumFiles, each tracked. Returns the count. */
static ULONG job_files(IBackgroundCopyJob *job, IBackgroundCopyFile **ret, ULONG max) {
        IEnumBackgroundCopyFiles *e = NULL;
        ULONG count = 0, fetched = 0;

        H_ASSERT_OK(IBackgroundCopyJob_EnumFiles(job, &e));
        H_ASSERT(e);
        h_track(e);
        H_ASSERT_OK(IEnumBackgroundCopyFiles_GetCount(e, &count));
        H_ASSERT(count <= max);
        if (count == 0)
                return 0;
        H_ASSERT_OK(IEnumBackgroundCopyFiles_Next(e, count, ret, &fetched));
        H_ASSERT_EQ_U64(fetched, count);
        for (ULONG i = 0; i < fetched; i++)
                h_track(ret[i]);
        return count;
}

static BG_FILE_PROGRESS file_progress(IBackgroundCopyFile *f) {
        BG_FILE_PROGRESS p = {};

        H_ASSERT_OK(IBackgroundCopyFile_GetProgress(f, &p));
        return p;
}

static BG_JOB_TIMES job_times(IBackgroundCopyJob *job) {
        BG_JOB_TIMES t = {};

        H_ASSERT_OK(IBackgroundCopyJob_GetTimes(job, &t));
        return t;
}

/* Waits (≤ timeout_ms) until nginx logged `want` GET requests for uri; returns the count seen. */
static unsigned wait_log_lines(const char *uri, unsigned want, unsigned timeout_ms) {
        uint64_t deadline = h_now_ms() + timeout_ms;
        unsigned n = 0;

        for (unsigned i = 0; i <= timeout_ms / 20 + 1; i++) {
                n = h_access_log_count(uri, 0, NULL);
                if (n >= want || h_now_ms() >= deadline)
                        break;
                h_sleep_ms(20);
        }
        return n;
}

/* bytes_sent of the last logged request for uri (0 when none). */
static uint64_t last_bytes_sent(const char *uri) {
        HLogEntry *v;
        size_t n = h_access_log(&v);
        uint64_t sent = 0;

        for (size_t i = 0; i < n; i++)
                if (strcmp(v[i].uri, uri) == 0)
                        sent = v[i].bytes_sent;
        free(v);
        return sent;
}

/* ---- 1–12: creating jobs and reading their properties ---- */

static void test_b01_new_job_is_suspended(void) {
        IBackgroundCopyJob *job = h_create_job("b01", NULL);

        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_SUSPENDED);
        H_ASSERT_EQ_U64(BG_JOB_STATE_SUSPENDED, 3);
}

static void test_b02_create_job_returns_id_equal_to_get_id(void) {
        GUID id = {}, got = {};
        IBackgroundCopyJob *job = h_create_job("b02", &id);

        H_ASSERT_MSG(!IsEqualGUID(&id, &guid_null), "CreateJob returned GUID_NULL");
        H_ASSERT_OK(IBackgroundCopyJob_GetId(job, &got));
        H_ASSERT(IsEqualGUID(&id, &got));
}

static void test_b03_same_display_name_twice_gives_two_jobs(void) {
        GUID a = {}, b = {};

        (void) h_create_job("b03 same name", &a);
        (void) h_create_job("b03 same name", &b);
        H_ASSERT_MSG(!IsEqualGUID(&a, &b), "two CreateJob calls returned the same GUID");
}

static void test_b04_display_name_limit_is_256_characters(void) {
        char name[1200];
        IBackgroundCopyJob *job = (IBackgroundCopyJob *) &job;   /* a non-NULL sentinel */
        GUID id;
        LPWSTR got = NULL;

        memset(name, 'a', 256);
        name[256] = '\0';
        job = h_create_job(name, NULL);
        H_ASSERT_OK(IBackgroundCopyJob_GetDisplayName(job, &got));
        H_ASSERT_EQ_U64(strlen(got), 256);
        CoTaskMemFree(got);

        memset(name, 'a', 257);
        name[257] = '\0';
        job = (IBackgroundCopyJob *) &job;
        H_ASSERT_HR(IBackgroundCopyManager_CreateJob(h_manager(), name, BG_JOB_TYPE_DOWNLOAD, &id, &job),
                    E_INVALIDARG);
        H_ASSERT_MSG(job == NULL, "*ppJob not NULL after a failed CreateJob");

        /* The limit counts characters, not bytes: 256 two-byte characters are fine, 257 are not. */
        for (int i = 0; i < 257; i++)
                memcpy(name + 2 * i, "\xc3\xa9", 2);   /* é */
        name[2 * 256] = '\0';
        (void) h_create_job(name, NULL);
        memcpy(name + 2 * 256, "\xc3\xa9", 3);         /* the 257th, and the terminator */
        H_ASSERT_HR(IBackgroundCopyManager_CreateJob(h_manager(), name, BG_JOB_TYPE_DOWNLOAD, &id, &job),
                    E_INVALIDARG);
        H_ASSERT(job == NULL);
}

static void test_b05_null_display_name_is_invalid(void) {
        IBackgroundCopyJob *job = (IBackgroundCopyJob *) &job;
        GUID id;

        H_ASSERT_HR(IBackgroundCopyManager_CreateJob(h_manager(), NULL, BG_JOB_TYPE_DOWNLOAD, &id, &job),
                    E_INVALIDARG);
        H_ASSERT(job == NULL);
}

static void test_b06_get_display_name_returns_the_name(void) {
        const char *name = "b06 \xe2\x80\x94 a name with UTF-8";   /* an em dash */
        IBackgroundCopyJob *job = h_create_job(name, NULL);
        LPWSTR got = NULL;

        H_ASSERT_OK(IBackgroundCopyJob_GetDisplayName(job, &got));
        H_ASSERT_STREQ(got, name);
        CoTaskMemFree(got);
}

static void test_b07_get_display_name_null_is_invalid(void) {
        IBackgroundCopyJob *job = h_create_job("b07", NULL);

        H_ASSERT_HR(IBackgroundCopyJob_GetDisplayName(job, NULL), E_INVALIDARG);
}

static void test_b08_new_job_type_is_download(void) {
        IBackgroundCopyJob *job = h_create_job("b08", NULL);
        BG_JOB_TYPE type = (BG_JOB_TYPE) -1;

        H_ASSERT_OK(IBackgroundCopyJob_GetType(job, &type));
        H_ASSERT_EQ_U64(type, BG_JOB_TYPE_DOWNLOAD);
        H_ASSERT_EQ_U64(BG_JOB_TYPE_DOWNLOAD, 0);
}

static void test_b09_new_job_priority_is_normal(void) {
        IBackgroundCopyJob *job = h_create_job("b09", NULL);
        BG_JOB_PRIORITY p = (BG_JOB_PRIORITY) -1;

        H_ASSERT_OK(IBackgroundCopyJob_GetPriority(job, &p));
        H_ASSERT_EQ_U64(p, BG_JOB_PRIORITY_NORMAL);
        H_ASSERT_EQ_U64(BG_JOB_PRIORITY_NORMAL, 2);
}

static void test_b10_set_priority_foreground_then_get(void) {
        IBackgroundCopyJob *job = h_create_job("b10", NULL);
        BG_JOB_PRIORITY p = (BG_JOB_PRIORITY) -1;

        H_ASSERT_OK(IBackgroundCopyJob_SetPriority(job, BG_JOB_PRIORITY_FOREGROUND));
        H_ASSERT_OK(IBackgroundCopyJob_GetPriority(job, &p));
        H_ASSERT_EQ_U64(p, 0);
}

static void test_b11_set_priority_out_of_range_is_notimpl(void) {
        IBackgroundCopyJob *job = h_create_job("b11", NULL);
        BG_JOB_PRIORITY p = (BG_JOB_PRIORITY) -1;

        H_ASSERT_HR(IBackgroundCopyJob_SetPriority(job, (BG_JOB_PRIORITY) 4), E_NOTIMPL);
        H_ASSERT_OK(IBackgroundCopyJob_GetPriority(job, &p));
        H_ASSERT_EQ_U64(p, BG_JOB_PRIORITY_NORMAL);   /* unchanged by the failed call */
}

static void test_b12_get_job_unknown_guid_is_not_found(void) {
        /* A random version-4 GUID: no job has it. */
        GUID id = { 0x6b1f3c2au, 0x91d4u, 0x4e0fu, { 0xa1, 0x2b, 0x7c, 0x3d, 0x4e, 0x5f, 0x60, 0x71 } };
        IBackgroundCopyJob *job = (IBackgroundCopyJob *) &job;

        H_ASSERT_HR(IBackgroundCopyManager_GetJob(h_manager(), &id, &job), DO_E_NOT_FOUND);
        H_ASSERT_EQ_U64((uint32_t) DO_E_NOT_FOUND, 0x80D02003u);
        H_ASSERT(job == NULL);
}

static void test_b13_get_job_of_another_user_is_access_denied(void) {
        h_skip("needs a second uid: in user mode each uid has its own daemon behind a 0700 runtime dir, so "
               "another user's job is unreachable here; covered with system mode in the security issue");
}

/* ---- 14: persistence across a daemon restart ---- */

static void test_b14_get_job_after_daemon_restart(void) {
        IBackgroundCopyJob *a, *b, *a2 = NULL, *b2 = NULL;
        IBackgroundCopyFile *files[4];
        GUID ida, idb;
        char *local_a, *local_b, *src_b = h_strdupf("%s/b14b.bin", h_docroot());
        BG_JOB_TIMES ta_before, ta_after;
        BG_JOB_PRIORITY prio = (BG_JOB_PRIORITY) -1;
        ULONG ul = 0;
        LPWSTR s = NULL;
        pid_t old_pid;

        /* a: SUSPENDED, with every setter used; b: TRANSFERRED, waiting for Complete. */
        a = job_with_small_file("b14a", &ida, &local_a);
        H_ASSERT_OK(IBackgroundCopyJob_SetDisplayName(a, "b14 renamed"));
        H_ASSERT_OK(IBackgroundCopyJob_SetDescription(a, "kept across a restart"));
        H_ASSERT_OK(IBackgroundCopyJob_SetPriority(a, BG_JOB_PRIORITY_HIGH));
        H_ASSERT_OK(IBackgroundCopyJob_SetNoProgressTimeout(a, 777));
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyFlags(a, BG_NOTIFY_JOB_MODIFICATION));
        ta_before = job_times(a);
        b = job_with_small_file("b14b", &idb, &local_b);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(b));
        H_WAIT_STATE(b, BG_JOB_STATE_TRANSFERRED, T_FAST_MS);

        old_pid = h_daemon_pid();
        h_daemon_kill_and_wait(SIGTERM);

        /* The next call starts a new daemon (libdosvc spawns it on demand). */
        H_ASSERT_OK(IBackgroundCopyManager_GetJob(h_manager(), &ida, &a2));
        h_track(a2);
        H_ASSERT_MSG(h_daemon_pid() != old_pid && h_pid_alive(h_daemon_pid()), "no new daemon (pid %d, old %d)",
                     (int) h_daemon_pid(), (int) old_pid);
        H_ASSERT_OK(IBackgroundCopyManager_GetJob(h_manager(), &idb, &b2));
        h_track(b2);

        H_ASSERT_EQ_U64(h_state(a2), BG_JOB_STATE_SUSPENDED);
        H_ASSERT_OK(IBackgroundCopyJob_GetDisplayName(a2, &s));
        H_ASSERT_STREQ(s, "b14 renamed");
        CoTaskMemFree(s);
        H_ASSERT_OK(IBackgroundCopyJob_GetDescription(a2, &s));
        H_ASSERT_STREQ(s, "kept across a restart");
        CoTaskMemFree(s);
        H_ASSERT_OK(IBackgroundCopyJob_GetPriority(a2, &prio));
        H_ASSERT_EQ_U64(prio, BG_JOB_PRIORITY_HIGH);
        H_ASSERT_OK(IBackgroundCopyJob_GetNoProgressTimeout(a2, &ul));
        H_ASSERT_EQ_U64(ul, 777);
        H_ASSERT_OK(IBackgroundCopyJob_GetNotifyFlags(a2, &ul));
        H_ASSERT_EQ_U64(ul, BG_NOTIFY_JOB_MODIFICATION);
        ta_after = job_times(a2);
        H_ASSERT_EQ_U64(h_filetime(&ta_after.CreationTime), h_filetime(&ta_before.CreationTime));
        H_ASSERT_EQ_U64(job_files(a2, files, 4), 1);
        H_ASSERT_OK(IBackgroundCopyFile_GetLocalName(files[0], &s));
        H_ASSERT_STREQ(s, local_a);
        CoTaskMemFree(s);

        H_ASSERT_EQ_U64(h_state(b2), BG_JOB_STATE_TRANSFERRED);
        H_ASSERT_EQ_U64(h_progress(b2).BytesTransferred, SMALL_SIZE);
        H_ASSERT_OK(IBackgroundCopyJob_Complete(b2));
        H_ASSERT_MSG(h_files_equal(src_b, local_b), "b's file is not the server's after restart + Complete");

        /* The proxies held from before the restart still work. */
        H_ASSERT_EQ_U64(h_state(a), BG_JOB_STATE_SUSPENDED);
        H_ASSERT_EQ_U64(h_state(b), BG_JOB_STATE_ACKNOWLEDGED);
}

/* ---- 15–19: Resume, TRANSFERRED, Complete ---- */

static void test_b15_resume_empty_job_is_empty_and_stays_suspended(void) {
        IBackgroundCopyJob *job = h_create_job("b15", NULL);

        H_ASSERT_HR(IBackgroundCopyJob_Resume(job), DO_E_EMPTY);
        H_ASSERT_EQ_U64((uint32_t) DO_E_EMPTY, 0x80D02004u);
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_SUSPENDED);
}

static void test_b16_resume_with_one_file_leaves_suspended(void) {
        IBackgroundCopyJob *job = job_with_small_file("b16", NULL, NULL);
        BG_JOB_STATE s;

        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        s = h_state(job);
        H_ASSERT_MSG(s == BG_JOB_STATE_QUEUED || s == BG_JOB_STATE_TRANSFERRING || s == BG_JOB_STATE_TRANSFERRED,
                     "state right after Resume is %s", h_state_name(s));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_FAST_MS);
}

static void test_b17_all_files_downloaded_is_transferred(void) {
        char *dest = h_dest_dir("b17");
        IBackgroundCopyJob *job = h_create_job("b17", NULL);
        BG_JOB_PROGRESS p;

        for (int i = 0; i < 3; i++) {
                char *name = h_strdupf("b17-%d.bin", i);

                (void) h_make_file(name, SMALL_SIZE + (uint64_t) i);
                h_add_file(job, h_url("/%s", name), h_strdupf("%s/%s", dest, name));
        }
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_FAST_MS);
        H_ASSERT_EQ_U64(BG_JOB_STATE_TRANSFERRED, 6);
        p = h_progress(job);
        H_ASSERT_EQ_U64(p.FilesTransferred, 3);
        H_ASSERT_EQ_U64(p.BytesTransferred, 3 * SMALL_SIZE + 3);
}

static void test_b18_no_file_under_local_name_before_complete(void) {
        char *name = "b18.bin", *dest = h_dest_dir("b18"), *local = h_strdupf("%s/%s", dest, name);
        IBackgroundCopyJob *job = h_create_job("b18", NULL);

        (void) h_make_file(name, 5u * 1024u * 1024u);   /* ~1.5 s through /slow/ */
        h_add_file(job, h_url("/slow/%s", name), local);
        H_ASSERT(!h_file_exists(local));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRING, T_FAST_MS);
        (void) h_wait_bytes(job, 1, T_FAST_MS);
        H_ASSERT_MSG(!h_file_exists(local), "%s exists while TRANSFERRING", local);
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_SLOW_MS);
        if (h_file_exists(local)) {
                h_list_dir(dest);
                H_FAIL("%s exists in TRANSFERRED, before Complete", local);
        }
}

static void test_b19_complete_delivers_files_and_acknowledges(void) {
        char *dest = h_dest_dir("b19"), *src[2], *local[2];
        IBackgroundCopyJob *job = h_create_job("b19", NULL);

        for (int i = 0; i < 2; i++) {
                char *name = h_strdupf("b19-%d.bin", i);

                src[i] = h_make_file(name, i == 0 ? 3u * 1024u * 1024u + 17u : 4096u);
                local[i] = h_strdupf("%s/%s", dest, name);
                h_add_file(job, h_url("/%s", name), local[i]);
        }
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_FAST_MS);
        H_ASSERT_OK(IBackgroundCopyJob_Complete(job));
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_ACKNOWLEDGED);
        H_ASSERT_EQ_U64(BG_JOB_STATE_ACKNOWLEDGED, 7);
        for (int i = 0; i < 2; i++)
                H_ASSERT_MSG(h_files_equal(src[i], local[i]), "%s differs from the server's file", local[i]);
        H_ASSERT_EQ_U64(h_count_temp_files(dest), 0);
        H_ASSERT_EQ_U64(h_count_entries(dest), 2);
}

/* ---- 20–28: methods in final states, Cancel ---- */

static void test_b20_complete_on_acknowledged_is_invalid_state(void) {
        IBackgroundCopyJob *job = job_in_state("b20", BG_JOB_STATE_ACKNOWLEDGED, NULL);

        H_ASSERT_HR(IBackgroundCopyJob_Complete(job), DO_E_INVALID_STATE);
        H_ASSERT_EQ_U64((uint32_t) DO_E_INVALID_STATE, 0x80D02013u);
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_ACKNOWLEDGED);
}

static void test_b21_complete_on_cancelled_is_invalid_state(void) {
        IBackgroundCopyJob *job = job_in_state("b21", BG_JOB_STATE_CANCELLED, NULL);

        H_ASSERT_HR(IBackgroundCopyJob_Complete(job), DO_E_INVALID_STATE);
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_CANCELLED);
}

static void test_b22_cancel_on_cancelled_is_invalid_state(void) {
        IBackgroundCopyJob *job = job_in_state("b22", BG_JOB_STATE_CANCELLED, NULL);

        H_ASSERT_HR(IBackgroundCopyJob_Cancel(job), DO_E_INVALID_STATE);
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_CANCELLED);
}

static void test_b23_cancel_on_acknowledged_is_invalid_state(void) {
        IBackgroundCopyJob *job = job_in_state("b23", BG_JOB_STATE_ACKNOWLEDGED, NULL);

        H_ASSERT_HR(IBackgroundCopyJob_Cancel(job), DO_E_INVALID_STATE);
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_ACKNOWLEDGED);
}

static void test_b24_cancel_in_suspended_transferring_transferred(void) {
        static const BG_JOB_STATE states[] = {
                BG_JOB_STATE_SUSPENDED, BG_JOB_STATE_TRANSFERRING, BG_JOB_STATE_TRANSFERRED,
        };

        for (size_t i = 0; i < H_ELEMENTSOF(states); i++) {
                IBackgroundCopyJob *job = job_in_state(h_strdupf("b24-%zu", i), states[i], NULL);

                H_ASSERT_HR(IBackgroundCopyJob_Cancel(job), S_OK);
                H_ASSERT_MSG(h_state(job) == BG_JOB_STATE_CANCELLED, "Cancel in %s left the job %s",
                             h_state_name(states[i]), h_state_name(h_state(job)));
        }
        H_ASSERT_EQ_U64(BG_JOB_STATE_CANCELLED, 8);
}

static void check_dir_empty_after_cancel(const char *dest, const char *when) {
        if (h_count_entries(dest) != 0) {
                h_list_dir(dest);
                H_FAIL("%s: files left in %s after Cancel", when, dest);
        }
}

static void test_b25_cancel_leaves_no_temporary_files(void) {
        char *local;
        IBackgroundCopyJob *xfering = job_transferring("b25a", 512u * 1024u, NULL, NULL, &local);
        char *dest_a = h_strdupf("%s/dest/b25a", h_root());
        IBackgroundCopyJob *xfered = job_in_state("b25b", BG_JOB_STATE_TRANSFERRED, NULL);
        char *dest_b = h_strdupf("%s/dest/b25b", h_root());

        /* While transferring, the partial file exists somewhere in the folder (a hidden temp file). */
        H_ASSERT_MSG(h_count_temp_files(dest_a) >= 1, "no .dosvc-* temp file while transferring");
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(xfering));
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(xfered));
        check_dir_empty_after_cancel(dest_a, "partial file");
        check_dir_empty_after_cancel(dest_b, "complete temp file");
        /* And nothing comes back once a late write of the stopped transfer would have landed. */
        h_sleep_ms(500);
        check_dir_empty_after_cancel(dest_a, "partial file, 500 ms later");
        H_ASSERT(!h_file_exists(local));
}

static void expect_gone_from_queue(const GUID *id, const char *why) {
        IBackgroundCopyJob *j = (IBackgroundCopyJob *) &j;
        HRESULT hr = IBackgroundCopyManager_GetJob(h_manager(), id, &j);

        if (hr == S_OK)
                h_track(j);
        H_ASSERT_MSG(hr == DO_E_NOT_FOUND, "GetJob after %s returned 0x%08X (%s), expected DO_E_NOT_FOUND", why,
                     (unsigned) hr, h_hr_name(hr));
        H_ASSERT(j == NULL);
        H_ASSERT_MSG(!enum_jobs_contains(0, id, NULL), "EnumJobs still lists the job after %s", why);
}

static void test_b26_cancelled_or_completed_job_leaves_the_queue(void) {
        GUID ic, ia, is;
        IBackgroundCopyJob *c = job_in_state("b26c", BG_JOB_STATE_SUSPENDED, &ic);
        IBackgroundCopyJob *a = job_in_state("b26a", BG_JOB_STATE_TRANSFERRED, &ia);
        IBackgroundCopyJob *j = NULL;

        (void) h_create_job("b26s", &is);   /* a live one, as a control */
        H_ASSERT(enum_jobs_contains(0, &ic, NULL));
        H_ASSERT(enum_jobs_contains(0, &ia, NULL));
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(c));
        H_ASSERT_OK(IBackgroundCopyJob_Complete(a));
        expect_gone_from_queue(&ic, "Cancel");
        expect_gone_from_queue(&ia, "Complete");
        H_ASSERT_OK(IBackgroundCopyManager_GetJob(h_manager(), &is, &j));
        h_track(j);
        H_ASSERT(enum_jobs_contains(0, &is, NULL));
}

static void test_b27_resume_on_final_states_is_invalid_state(void) {
        IBackgroundCopyJob *c = job_in_state("b27c", BG_JOB_STATE_CANCELLED, NULL);
        IBackgroundCopyJob *a = job_in_state("b27a", BG_JOB_STATE_ACKNOWLEDGED, NULL);

        H_ASSERT_HR(IBackgroundCopyJob_Resume(c), DO_E_INVALID_STATE);
        H_ASSERT_HR(IBackgroundCopyJob_Resume(a), DO_E_INVALID_STATE);
        H_ASSERT_EQ_U64(h_state(c), BG_JOB_STATE_CANCELLED);
        H_ASSERT_EQ_U64(h_state(a), BG_JOB_STATE_ACKNOWLEDGED);
}

static void test_b28_suspend_on_final_states_is_invalid_state(void) {
        IBackgroundCopyJob *c = job_in_state("b28c", BG_JOB_STATE_CANCELLED, NULL);
        IBackgroundCopyJob *a = job_in_state("b28a", BG_JOB_STATE_ACKNOWLEDGED, NULL);

        H_ASSERT_HR(IBackgroundCopyJob_Suspend(c), DO_E_INVALID_STATE);
        H_ASSERT_HR(IBackgroundCopyJob_Suspend(a), DO_E_INVALID_STATE);
        H_ASSERT_EQ_U64(h_state(c), BG_JOB_STATE_CANCELLED);
        H_ASSERT_EQ_U64(h_state(a), BG_JOB_STATE_ACKNOWLEDGED);
}

/* ---- 29–31: Suspend and Resume ---- */

static void test_b29_suspend_stops_a_transfer(void) {
        char *uri;
        IBackgroundCopyJob *job = job_transferring("b29", 512u * 1024u, &uri, NULL, NULL);
        BG_JOB_PROGRESS p1, p2;

        H_ASSERT_OK(IBackgroundCopyJob_Suspend(job));
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_SUSPENDED);
        /* Let the bytes already in flight land, then the count must stand still. */
        h_sleep_ms(200);
        p1 = h_progress(job);
        h_sleep_ms(600);
        p2 = h_progress(job);
        H_ASSERT_MSG(p2.BytesTransferred == p1.BytesTransferred, "BytesTransferred grew from %llu to %llu while SUSPENDED",
                     (unsigned long long) p1.BytesTransferred, (unsigned long long) p2.BytesTransferred);
        H_ASSERT(p1.BytesTransferred < SLOW_SIZE);
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_SUSPENDED);
        /* The network side too: nginx logged the request as ended, short of the whole file. */
        if (wait_log_lines(uri, 1, 5000) < 1) {
                h_access_log_dump(uri);
                H_FAIL("nginx still serves %s 5 s after Suspend", uri);
        }
        H_ASSERT(last_bytes_sent(uri) < SLOW_SIZE);
}

static void test_b30_suspend_on_suspended_is_ok(void) {
        IBackgroundCopyJob *job = job_with_small_file("b30", NULL, NULL);

        H_ASSERT_OK(IBackgroundCopyJob_Suspend(job));
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_SUSPENDED);
        H_ASSERT_OK(IBackgroundCopyJob_Suspend(job));
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_SUSPENDED);
}

static void test_b31_resume_continues_with_a_range_request(void) {
        char *uri, *src, *local;
        IBackgroundCopyJob *job = job_transferring("b31", 1024u * 1024u, &uri, &src, &local);
        BG_JOB_PROGRESS p;
        HLogEntry *v;
        size_t n;
        unsigned ranged = 0, full = 0;

        H_ASSERT_OK(IBackgroundCopyJob_Suspend(job));
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_SUSPENDED);
        h_sleep_ms(200);
        p = h_progress(job);
        h_note("suspended at %llu bytes", (unsigned long long) p.BytesTransferred);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_SLOW_MS);
        H_ASSERT_OK(IBackgroundCopyJob_Complete(job));
        H_ASSERT_MSG(h_files_equal(src, local), "the resumed file differs from the server's");

        /* nginx answered a "Range: bytes=N-" (N > 0) with 206, and served the full file only once. */
        n = h_access_log(&v);
        for (size_t i = 0; i < n; i++) {
                unsigned long long from = 0;
                char dash = 0;

                if (strcmp(v[i].uri, uri) != 0 || strcmp(v[i].method, "GET") != 0)
                        continue;
                if (v[i].status == 200 && strcmp(v[i].range, "-") == 0)
                        full++;
                if (v[i].status == 206 && sscanf(v[i].range, "bytes=%llu%c", &from, &dash) == 2 && dash == '-' &&
                    from > 0 && from <= SLOW_SIZE)
                        ranged++;
        }
        free(v);
        if (ranged < 1 || full > 1) {
                h_access_log_dump(uri);
                H_FAIL("expected a 206 for Range: bytes=N- and one full GET; saw %u ranged, %u full", ranged, full);
        }
}

/* ---- 32–37: no-progress timeout, notify flags and interface ---- */

static void test_b32_set_no_progress_timeout_then_get(void) {
        IBackgroundCopyJob *job = h_create_job("b32", NULL);
        ULONG v = 0;

        H_ASSERT_OK(IBackgroundCopyJob_SetNoProgressTimeout(job, 120));
        H_ASSERT_OK(IBackgroundCopyJob_GetNoProgressTimeout(job, &v));
        H_ASSERT_EQ_U64(v, 120);
}

static void test_b33_set_no_progress_timeout_on_cancelled_is_invalid_state(void) {
        IBackgroundCopyJob *job = job_in_state("b33", BG_JOB_STATE_CANCELLED, NULL);

        H_ASSERT_HR(IBackgroundCopyJob_SetNoProgressTimeout(job, 120), DO_E_INVALID_STATE);
}

static void test_b34_set_notify_flags_then_get(void) {
        IBackgroundCopyJob *job = h_create_job("b34", NULL);
        ULONG v = 0;

        /* First something else, so that the default (0x3) cannot pass for the answer. */
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyFlags(job, BG_NOTIFY_JOB_MODIFICATION));
        H_ASSERT_OK(IBackgroundCopyJob_GetNotifyFlags(job, &v));
        H_ASSERT_EQ_U64(v, BG_NOTIFY_JOB_MODIFICATION);
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyFlags(job, BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR));
        H_ASSERT_OK(IBackgroundCopyJob_GetNotifyFlags(job, &v));
        H_ASSERT_EQ_U64(v, 0x3);
}

static void test_b35_set_notify_flags_on_acknowledged_is_invalid_state(void) {
        IBackgroundCopyJob *job = job_in_state("b35", BG_JOB_STATE_ACKNOWLEDGED, NULL);

        H_ASSERT_HR(IBackgroundCopyJob_SetNotifyFlags(job, BG_NOTIFY_JOB_TRANSFERRED), DO_E_INVALID_STATE);
}

static void test_b36_get_notify_flags_null_is_invalid(void) {
        IBackgroundCopyJob *job = h_create_job("b36", NULL);

        H_ASSERT_HR(IBackgroundCopyJob_GetNotifyFlags(job, NULL), E_INVALIDARG);
}

/* A callback object that counts its references and does nothing else. */
typedef struct TestCallback {
        IBackgroundCopyCallback iface;
        atomic_int refs;
} TestCallback;

static ULONG cb_add_ref(IBackgroundCopyCallback *this) {
        return (ULONG) atomic_fetch_add(&((TestCallback *) this)->refs, 1) + 1;
}

static ULONG cb_release(IBackgroundCopyCallback *this) {
        return (ULONG) atomic_fetch_sub(&((TestCallback *) this)->refs, 1) - 1;   /* static: never freed */
}

static HRESULT cb_query_interface(IBackgroundCopyCallback *this, REFIID riid, void **ppv) {
        if (!ppv)
                return E_POINTER;
        if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IBackgroundCopyCallback)) {
                (void) cb_add_ref(this);
                *ppv = this;
                return S_OK;
        }
        *ppv = NULL;
        return E_NOINTERFACE;
}

static HRESULT cb_job_transferred(IBackgroundCopyCallback *this, IBackgroundCopyJob *job) {
        return S_OK;
}

static HRESULT cb_job_error(IBackgroundCopyCallback *this, IBackgroundCopyJob *job, IBackgroundCopyError *err) {
        return S_OK;
}

static HRESULT cb_job_modification(IBackgroundCopyCallback *this, IBackgroundCopyJob *job, DWORD reserved) {
        return S_OK;
}

static const IBackgroundCopyCallbackVtbl test_callback_vtbl = {
        .QueryInterface = cb_query_interface,
        .AddRef = cb_add_ref,
        .Release = cb_release,
        .JobTransferred = cb_job_transferred,
        .JobError = cb_job_error,
        .JobModification = cb_job_modification,
};

static void test_b37_notify_interface_set_get_clear(void) {
        static TestCallback cb = { .iface = { .lpVtbl = &test_callback_vtbl } };
        IBackgroundCopyJob *job = h_create_job("b37", NULL);
        IUnknown *got = (IUnknown *) &got;
        int refs_set;

        atomic_store(&cb.refs, 1);
        H_ASSERT_OK(IBackgroundCopyJob_GetNotifyInterface(job, &got));
        H_ASSERT_MSG(got == NULL, "a new job has a notify interface");

        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(job, (IUnknown *) &cb.iface));
        refs_set = atomic_load(&cb.refs);
        H_ASSERT_MSG(refs_set >= 2, "SetNotifyInterface did not keep a reference (refs %d)", refs_set);
        H_ASSERT_OK(IBackgroundCopyJob_GetNotifyInterface(job, &got));
        H_ASSERT_MSG(got == (IUnknown *) &cb.iface, "GetNotifyInterface returned %p, not the callback %p",
                     (void *) got, (void *) &cb.iface);
        H_ASSERT_MSG(atomic_load(&cb.refs) == refs_set + 1, "GetNotifyInterface did not AddRef (refs %d -> %d)",
                     refs_set, atomic_load(&cb.refs));
        (void) IUnknown_Release(got);

        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(job, NULL));
        got = (IUnknown *) &got;
        H_ASSERT_OK(IBackgroundCopyJob_GetNotifyInterface(job, &got));
        H_ASSERT_MSG(got == NULL, "GetNotifyInterface after SetNotifyInterface(NULL) returned %p", (void *) got);
        /* The library lets go of its references (its dispatch thread may hold one a moment longer). */
        for (unsigned i = 0; i < 50 && atomic_load(&cb.refs) != 1; i++)
                h_sleep_ms(20);
        H_ASSERT_MSG(atomic_load(&cb.refs) == 1, "callback still has %d references after clearing",
                     atomic_load(&cb.refs));
}

/* ---- 46–47: the error object ---- */

static void test_b46_get_error_on_new_job_is_unavailable(void) {
        IBackgroundCopyJob *job = h_create_job("b46", NULL);
        IBackgroundCopyError *err = (IBackgroundCopyError *) &err;

        H_ASSERT_HR(IBackgroundCopyJob_GetError(job, &err), DO_E_ERROR_INFORMATION_UNAVAILABLE);
        H_ASSERT_EQ_U64((uint32_t) DO_E_ERROR_INFORMATION_UNAVAILABLE, 0x80D02014u);
        H_ASSERT(err == NULL);
}

static void test_b47_http_404_gives_error_0x80190194(void) {
        char *dest = h_dest_dir("b47");
        IBackgroundCopyJob *job = h_create_job("b47", NULL);
        IBackgroundCopyError *err = NULL;
        BG_ERROR_CONTEXT ctx = BG_ERROR_CONTEXT_UNKNOWN;
        HRESULT code = S_OK;
        BG_JOB_STATE last;

        h_add_file(job, h_url("/no-such-file.bin"), h_strdupf("%s/missing.bin", dest));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        if (!h_wait_state(job, BG_JOB_STATE_ERROR, T_FAST_MS, &last)) {
                h_dump_job(job);
                H_FAIL("a 404 did not take the job to ERROR (last state %s)", h_state_name(last));
        }
        H_ASSERT_EQ_U64(BG_JOB_STATE_ERROR, 4);
        H_ASSERT_OK(IBackgroundCopyJob_GetError(job, &err));
        H_ASSERT(err);
        h_track(err);
        H_ASSERT_OK(IBackgroundCopyError_GetError(err, &ctx, &code));
        H_ASSERT_HR(code, (HRESULT) 0x80190194u);
        h_note("404 error context: %d", (int) ctx);
        H_ASSERT(!h_file_exists(h_strdupf("%s/missing.bin", dest)));
}

/* A job whose only file answered 404: in ERROR. ret_file gets its file (tracked). */
static IBackgroundCopyJob *job_in_error_404(const char *tag, IBackgroundCopyFile **ret_file, char **ret_url) {
        char *dest = h_dest_dir(tag), *url = h_url("/%s-missing.bin", tag);
        IBackgroundCopyJob *job = h_create_job(tag, NULL);
        IBackgroundCopyFile *files[1];

        h_add_file(job, url, h_strdupf("%s/%s.bin", dest, tag));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_ERROR, T_FAST_MS);
        H_ASSERT_EQ_U64(job_files(job, files, 1), 1);
        if (ret_file)
                *ret_file = files[0];
        if (ret_url)
                *ret_url = url;
        return job;
}

/* Points the job's first file at a new URL (IBackgroundCopyFile2::SetRemoteName). */
static void set_remote_name(IBackgroundCopyFile *f, const char *url) {
        IBackgroundCopyFile2 *f2 = NULL;

        H_ASSERT_OK(IBackgroundCopyFile_QueryInterface(f, &IID_IBackgroundCopyFile2, (void **) &f2));
        h_track(f2);
        H_ASSERT_OK(IBackgroundCopyFile2_SetRemoteName(f2, url));
}

static void test_b48_error_object_dropped_on_transferring_again(void) {
        IBackgroundCopyFile *f;
        IBackgroundCopyJob *job = job_in_error_404("b48", &f, NULL);
        IBackgroundCopyError *err = NULL;

        H_ASSERT_OK(IBackgroundCopyJob_GetError(job, &err));
        h_track(err);
        (void) h_make_file("b48.bin", SLOW_SIZE);
        set_remote_name(f, h_url("/slow/b48.bin"));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRING, T_FAST_MS);
        err = (IBackgroundCopyError *) &err;
        H_ASSERT_HR(IBackgroundCopyJob_GetError(job, &err), DO_E_ERROR_INFORMATION_UNAVAILABLE);
        H_ASSERT(err == NULL);
}

static void test_b50_error_get_file_is_the_failing_file(void) {
        char *url;
        IBackgroundCopyJob *job = job_in_error_404("b50", NULL, &url);
        IBackgroundCopyError *err = NULL;
        IBackgroundCopyFile *f = NULL;
        LPWSTR s = NULL;

        H_ASSERT_OK(IBackgroundCopyJob_GetError(job, &err));
        h_track(err);
        H_ASSERT_OK(IBackgroundCopyError_GetFile(err, &f));
        H_ASSERT(f);
        h_track(f);
        H_ASSERT_OK(IBackgroundCopyFile_GetRemoteName(f, &s));
        H_ASSERT_STREQ(s, url);
        CoTaskMemFree(s);
}

static void test_b51_failed_call_creates_no_error_object(void) {
        IBackgroundCopyJob *job = h_create_job("b51", NULL);
        IBackgroundCopyError *err = (IBackgroundCopyError *) &err;

        H_ASSERT_HR(IBackgroundCopyJob_Resume(job), DO_E_EMPTY);
        H_ASSERT_HR(IBackgroundCopyJob_SetPriority(job, (BG_JOB_PRIORITY) 9), E_NOTIMPL);
        H_ASSERT_HR(IBackgroundCopyJob_GetError(job, &err), DO_E_ERROR_INFORMATION_UNAVAILABLE);
        H_ASSERT(err == NULL);
}

static void test_b52_set_remote_name_fixes_an_error_job(void) {
        IBackgroundCopyFile *f;
        IBackgroundCopyJob *job = job_in_error_404("b52", &f, NULL);
        char *src = h_make_file("b52-fixed.bin", SMALL_SIZE), *local = NULL;

        set_remote_name(f, h_url("/b52-fixed.bin"));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_FAST_MS);
        H_ASSERT_OK(IBackgroundCopyJob_Complete(job));
        H_ASSERT_OK(IBackgroundCopyFile_GetLocalName(f, &local));
        H_ASSERT_MSG(h_files_equal(src, local), "the file fetched from the fixed URL differs");
        CoTaskMemFree(local);
}

static void test_b61_add_file_with_ranges_without_local_name_is_invalid(void) {
        IBackgroundCopyJob *job = h_create_job("b61", NULL);
        IDeliveryOptimizationJob *dojob = NULL;
        BG_JOB_PROGRESS p;

        H_ASSERT_OK(IBackgroundCopyJob_QueryInterface(job, &IID_IDeliveryOptimizationJob, (void **) &dojob));
        h_track(dojob);
        H_ASSERT_HR(IDeliveryOptimizationJob_AddFileWithRanges(dojob, "f", h_url("/b61.bin"), NULL, 0, NULL,
                                                               DO_UNKNOWN_FILE_SIZE), E_INVALIDARG);
        H_ASSERT_HR(IDeliveryOptimizationJob_AddFileWithRanges(dojob, "f", h_url("/b61.bin"), "", 0, NULL,
                                                               DO_UNKNOWN_FILE_SIZE), E_INVALIDARG);
        p = h_progress(job);
        H_ASSERT_EQ_U64(p.FilesTotal, 0);
}

static void test_b70_get_file_ranges_without_ranges_is_s_false(void) {
        IBackgroundCopyJob *job = job_with_small_file("b70", NULL, NULL);
        IBackgroundCopyFile *files[1];
        IBackgroundCopyFile2 *f2 = NULL;
        BG_FILE_RANGE *ranges = (BG_FILE_RANGE *) &ranges;
        DWORD count = 99;

        H_ASSERT_EQ_U64(job_files(job, files, 1), 1);
        H_ASSERT_OK(IBackgroundCopyFile_QueryInterface(files[0], &IID_IBackgroundCopyFile2, (void **) &f2));
        h_track(f2);
        H_ASSERT_HR(IBackgroundCopyFile2_GetFileRanges(f2, &count, &ranges), S_FALSE);
        H_ASSERT_EQ_U64(count, 0);
        H_ASSERT(ranges == NULL);
}

/* ---- 56–57, 60: progress and times ---- */

static void test_b56_files_total_and_files_transferred(void) {
        char *dest = h_dest_dir("b56");
        IBackgroundCopyJob *job = h_create_job("b56", NULL);
        BG_JOB_PROGRESS p;
        ULONG last = 0, seen_mask = 0;
        uint64_t deadline;

        for (int i = 0; i < 3; i++) {
                char *name = h_strdupf("b56-%d.bin", i);

                (void) h_make_file(name, 3u * 1024u * 1024u);   /* ~0.5 s each through /slow/ */
                h_add_file(job, h_url("/slow/%s", name), h_strdupf("%s/%s", dest, name));
                p = h_progress(job);
                H_ASSERT_EQ_U64(p.FilesTotal, (uint64_t) i + 1);
                H_ASSERT_EQ_U64(p.FilesTransferred, 0);
        }
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        deadline = h_now_ms() + T_SLOW_MS;
        for (unsigned i = 0; i < T_SLOW_MS / 20; i++) {
                BG_JOB_STATE s = h_state(job);

                p = h_progress(job);
                H_ASSERT_EQ_U64(p.FilesTotal, 3);
                H_ASSERT_MSG(p.FilesTransferred >= last && p.FilesTransferred <= 3,
                             "FilesTransferred went from %lu to %lu", (unsigned long) last,
                             (unsigned long) p.FilesTransferred);
                last = p.FilesTransferred;
                seen_mask |= 1u << last;
                if (s == BG_JOB_STATE_TRANSFERRED || s == BG_JOB_STATE_ERROR || h_now_ms() >= deadline)
                        break;
                h_sleep_ms(20);
        }
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, 1000);
        p = h_progress(job);
        H_ASSERT_EQ_U64(p.FilesTransferred, 3);
        seen_mask |= 1u << 3;
        h_note("FilesTransferred values seen: mask 0x%lx", (unsigned long) seen_mask);
        /* Each file takes ~0.5 s (see SLOW_SIZE): polling every 20 ms sees the steps in between. */
        H_ASSERT_MSG((seen_mask & 0x6) != 0, "never saw FilesTransferred between 0 and 3 (mask 0x%lx)",
                     (unsigned long) seen_mask);
}

static void test_b57_bytes_total_unknown_until_sizes_known(void) {
        char *dest = h_dest_dir("b57");
        IBackgroundCopyJob *job = h_create_job("b57", NULL);
        const uint64_t sizes[2] = { 5u * 1024u * 1024u + 3u, 777u };
        BG_JOB_PROGRESS p;

        p = h_progress(job);
        H_ASSERT_EQ_U64(p.FilesTotal, 0);
        for (int i = 0; i < 2; i++) {
                char *name = h_strdupf("b57-%d.bin", i);

                (void) h_make_file(name, sizes[i]);
                h_add_file(job, h_url("/slow/%s", name), h_strdupf("%s/%s", dest, name));
        }
        p = h_progress(job);
        H_ASSERT_MSG(p.BytesTotal == BG_SIZE_UNKNOWN, "BytesTotal right after AddFile is %llu, not BG_SIZE_UNKNOWN",
                     (unsigned long long) p.BytesTotal);
        H_ASSERT_EQ_U64(BG_SIZE_UNKNOWN, UINT64_MAX);
        H_ASSERT_EQ_U64(p.BytesTransferred, 0);

        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        /* While transferring, BytesTotal is never a partial sum. */
        for (unsigned i = 0; i < T_SLOW_MS / 20; i++) {
                BG_JOB_STATE s = h_state(job);

                p = h_progress(job);
                H_ASSERT_MSG(p.BytesTotal == BG_SIZE_UNKNOWN || p.BytesTotal == sizes[0] + sizes[1],
                             "BytesTotal is %llu while transferring", (unsigned long long) p.BytesTotal);
                if (s == BG_JOB_STATE_TRANSFERRED || s == BG_JOB_STATE_ERROR)
                        break;
                h_sleep_ms(20);
        }
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, 1000);
        p = h_progress(job);
        H_ASSERT_EQ_U64(p.BytesTotal, sizes[0] + sizes[1]);
        H_ASSERT_EQ_U64(p.BytesTransferred, sizes[0] + sizes[1]);
}

static void test_b60_times_creation_modification_completion(void) {
        char *name = "b60.bin", *dest = h_dest_dir("b60");
        IBackgroundCopyJob *job = h_create_job("b60", NULL);
        BG_JOB_TIMES t0, t1, t2, t3, t4;
        /* Now as a FILETIME: 100 ns since 1601-01-01 (11644473600 s before the Unix epoch). */
        uint64_t now = ((uint64_t) time(NULL) + 11644473600ULL) * 10000000ULL, day = 864000000000ULL;

        (void) h_make_file(name, SMALL_SIZE);
        t0 = job_times(job);
        H_ASSERT_MSG(h_filetime(&t0.CreationTime) > now - day && h_filetime(&t0.CreationTime) < now + day,
                     "CreationTime %llu is not a FILETIME near now (%llu)",
                     (unsigned long long) h_filetime(&t0.CreationTime), (unsigned long long) now);
        H_ASSERT(h_filetime(&t0.CreationTime) <= h_filetime(&t0.ModificationTime));
        H_ASSERT_EQ_U64(h_filetime(&t0.TransferCompletionTime), 0);

        h_sleep_ms(10);
        H_ASSERT_OK(IBackgroundCopyJob_SetPriority(job, BG_JOB_PRIORITY_HIGH));
        t1 = job_times(job);
        H_ASSERT_MSG(h_filetime(&t1.ModificationTime) > h_filetime(&t0.ModificationTime),
                     "ModificationTime did not grow after SetPriority");
        H_ASSERT_EQ_U64(h_filetime(&t1.CreationTime), h_filetime(&t0.CreationTime));

        h_sleep_ms(10);
        h_add_file(job, h_url("/%s", name), h_strdupf("%s/%s", dest, name));
        t2 = job_times(job);
        H_ASSERT_MSG(h_filetime(&t2.ModificationTime) > h_filetime(&t1.ModificationTime),
                     "ModificationTime did not grow after AddFile");

        h_sleep_ms(10);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        t3 = job_times(job);
        H_ASSERT_MSG(h_filetime(&t3.ModificationTime) > h_filetime(&t2.ModificationTime),
                     "ModificationTime did not grow after Resume");

        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_FAST_MS);
        t4 = job_times(job);
        H_ASSERT_MSG(h_filetime(&t4.TransferCompletionTime) != 0, "TransferCompletionTime not set in TRANSFERRED");
        H_ASSERT(h_filetime(&t4.TransferCompletionTime) >= h_filetime(&t3.ModificationTime));
        H_ASSERT(h_filetime(&t4.TransferCompletionTime) <= h_filetime(&t4.ModificationTime));
        H_ASSERT(h_filetime(&t4.CreationTime) <= h_filetime(&t4.ModificationTime));
        H_ASSERT_EQ_U64(h_filetime(&t4.CreationTime), h_filetime(&t0.CreationTime));
}

/* ---- 74–77: files and enumerators ---- */

static void test_b74_remote_and_local_names_as_given(void) {
        char *dest = h_dest_dir("b74");
        IBackgroundCopyJob *job = h_create_job("b74", NULL);
        IDeliveryOptimizationJob *dojob = NULL;
        IBackgroundCopyFile *files[2];
        const char *urls[2], *locals[2];

        urls[0] = h_url("/dir/b74-a.bin?x=1&y=two");
        locals[0] = h_strdupf("%s/b74-a.bin", dest);
        urls[1] = h_url("/b74-b.bin");
        locals[1] = h_strdupf("%s/b74 b with space.bin", dest);
        h_add_file(job, urls[0], locals[0]);
        H_ASSERT_OK(IBackgroundCopyJob_QueryInterface(job, &IID_IDeliveryOptimizationJob, (void **) &dojob));
        h_track(dojob);
        H_ASSERT_OK(IDeliveryOptimizationJob_AddFileWithRanges(dojob, "b74-b", urls[1], locals[1], 0, NULL,
                                                               DO_UNKNOWN_FILE_SIZE));
        H_ASSERT_EQ_U64(job_files(job, files, 2), 2);
        for (int i = 0; i < 2; i++) {
                LPWSTR s = NULL;

                H_ASSERT_OK(IBackgroundCopyFile_GetRemoteName(files[i], &s));
                H_ASSERT_STREQ(s, urls[i]);
                CoTaskMemFree(s);
                H_ASSERT_OK(IBackgroundCopyFile_GetLocalName(files[i], &s));
                H_ASSERT_STREQ(s, locals[i]);
                CoTaskMemFree(s);
        }
}

static IEnumBackgroundCopyFiles *three_file_enum(const char *tag, char **urls) {
        char *dest = h_dest_dir(tag);
        IBackgroundCopyJob *job = h_create_job(tag, NULL);
        IEnumBackgroundCopyFiles *e = NULL;

        for (int i = 0; i < 3; i++) {
                urls[i] = h_url("/%s-%d.bin", tag, i);
                h_add_file(job, urls[i], h_strdupf("%s/%s-%d.bin", dest, tag, i));
        }
        H_ASSERT_OK(IBackgroundCopyJob_EnumFiles(job, &e));
        H_ASSERT(e);
        return h_track(e);
}

static void expect_file_url(IBackgroundCopyFile *f, const char *url) {
        LPWSTR s = NULL;

        H_ASSERT_OK(IBackgroundCopyFile_GetRemoteName(f, &s));
        H_ASSERT_STREQ(s, url);
        CoTaskMemFree(s);
}

static void test_b75_enum_files_count_next_skip_reset(void) {
        char *urls[3];
        IEnumBackgroundCopyFiles *e = three_file_enum("b75", urls);
        IBackgroundCopyFile *f[4] = {};
        ULONG count = 0, fetched = 99;

        H_ASSERT_OK(IEnumBackgroundCopyFiles_GetCount(e, &count));
        H_ASSERT_EQ_U64(count, 3);

        H_ASSERT_HR(IEnumBackgroundCopyFiles_Next(e, 2, f, &fetched), S_OK);
        H_ASSERT_EQ_U64(fetched, 2);
        h_track(f[0]);
        h_track(f[1]);
        expect_file_url(f[0], urls[0]);
        expect_file_url(f[1], urls[1]);
        fetched = 99;
        H_ASSERT_HR(IEnumBackgroundCopyFiles_Next(e, 2, f, &fetched), S_FALSE);   /* only one left */
        H_ASSERT_EQ_U64(fetched, 1);
        h_track(f[0]);
        expect_file_url(f[0], urls[2]);
        fetched = 99;
        H_ASSERT_HR(IEnumBackgroundCopyFiles_Next(e, 1, f, &fetched), S_FALSE);
        H_ASSERT_EQ_U64(fetched, 0);

        H_ASSERT_OK(IEnumBackgroundCopyFiles_Reset(e));
        H_ASSERT_HR(IEnumBackgroundCopyFiles_Skip(e, 5), S_FALSE);                /* past the end */
        fetched = 99;
        H_ASSERT_HR(IEnumBackgroundCopyFiles_Next(e, 1, f, &fetched), S_FALSE);
        H_ASSERT_EQ_U64(fetched, 0);

        H_ASSERT_OK(IEnumBackgroundCopyFiles_Reset(e));
        H_ASSERT_HR(IEnumBackgroundCopyFiles_Skip(e, 1), S_OK);
        H_ASSERT_HR(IEnumBackgroundCopyFiles_Next(e, 1, f, &fetched), S_OK);
        H_ASSERT_EQ_U64(fetched, 1);
        h_track(f[0]);
        expect_file_url(f[0], urls[1]);
        H_ASSERT_HR(IEnumBackgroundCopyFiles_Skip(e, 1), S_OK);                   /* exactly to the end */
        H_ASSERT_HR(IEnumBackgroundCopyFiles_Skip(e, 1), S_FALSE);
}

static void test_b76_enum_next_without_fetched_count(void) {
        char *urls[3];
        IEnumBackgroundCopyFiles *e = three_file_enum("b76", urls);
        IBackgroundCopyFile *f[2] = {};

        H_ASSERT_HR(IEnumBackgroundCopyFiles_Next(e, 2, f, NULL), E_INVALIDARG);
        H_ASSERT_OK(IEnumBackgroundCopyFiles_Next(e, 1, f, NULL));
        H_ASSERT(f[0]);
        h_track(f[0]);
        /* The failed call consumed nothing: the first file comes first. */
        expect_file_url(f[0], urls[0]);
}

#define CHILD_ENUM_ALL_USERS "--child-enum-all-users"

/* In a child re-executed as nobody with its own XDG dirs (so its own daemon): EnumJobs with
 * BG_JOB_ENUM_ALL_USERS must be refused. Exit 0 when it is, 1 when not, 2 when the API failed
 * otherwise. Stops the daemon it started. */
static int child_enum_all_users(void) {
        IBackgroundCopyManager *m = NULL;
        IEnumBackgroundCopyJobs *e = NULL;
        HRESULT hr, hr0;
        int status;

        hr = DoCreateManager(&m);
        if (hr != S_OK) {
                printf("# child: DoCreateManager: 0x%08X\n", (unsigned) hr);
                return 2;
        }
        hr = IBackgroundCopyManager_EnumJobs(m, BG_JOB_ENUM_ALL_USERS, &e);
        if (e)
                (void) IEnumBackgroundCopyJobs_Release(e);
        e = NULL;
        hr0 = IBackgroundCopyManager_EnumJobs(m, 0, &e);
        if (e)
                (void) IEnumBackgroundCopyJobs_Release(e);
        (void) IBackgroundCopyManager_Release(m);
        printf("# child uid %d: EnumJobs(ALL_USERS) 0x%08X, EnumJobs(0) 0x%08X\n", (int) getuid(), (unsigned) hr,
               (unsigned) hr0);
        status = hr == E_ACCESSDENIED && hr0 == S_OK ? 0 : 1;
        h_child_stop_daemon();
        return status;
}

static void enum_all_users_as_nobody(void) {
        char *const argv[] = { "test-api", CHILD_ENUM_ALL_USERS, NULL };
        uid_t uid;
        gid_t gid;
        char *dir = h_nobody_dir(&uid, &gid);
        int r;

        if (!dir || (r = h_run_as_nobody(dir, argv)) == -1) {
                h_note("the non-administrator EnumJobs(ALL_USERS) is not checked");
                return;
        }
        H_ASSERT_MSG(r == 0, "as nobody, EnumJobs(BG_JOB_ENUM_ALL_USERS) was not refused with E_ACCESSDENIED (child %d)",
                     r);
}

static void test_b77_enum_jobs_lists_own_live_jobs(void) {
        GUID live1, live2, cancelled, acked;
        IBackgroundCopyJob *c, *a;
        IEnumBackgroundCopyJobs *e = NULL;
        ULONG count = 0;
        HRESULT hr;

        (void) h_create_job("b77 live 1", &live1);
        (void) job_in_state("b77live2", BG_JOB_STATE_TRANSFERRED, &live2);
        c = h_create_job("b77 cancelled", &cancelled);
        a = h_create_job("b77 acked", &acked);
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(c));
        H_ASSERT_OK(IBackgroundCopyJob_Complete(a));

        H_ASSERT(enum_jobs_contains(0, &live1, &count));
        H_ASSERT(enum_jobs_contains(0, &live2, NULL));
        H_ASSERT(!enum_jobs_contains(0, &cancelled, NULL));
        H_ASSERT(!enum_jobs_contains(0, &acked, NULL));
        /* Every earlier test's jobs were cancelled: exactly our two remain. */
        H_ASSERT_EQ_U64(count, 2);

        hr = IBackgroundCopyManager_EnumJobs(h_manager(), BG_JOB_ENUM_ALL_USERS, &e);
        if (geteuid() == 0) {
                /* root is the administrator: all users' jobs, ours among them. */
                H_ASSERT_OK(hr);
                h_track(e);
                H_ASSERT(enum_jobs_contains(BG_JOB_ENUM_ALL_USERS, &live1, NULL));
                /* The non-administrator side, from a child running as nobody. */
                enum_all_users_as_nobody();
        } else {
                H_ASSERT_HR(hr, E_ACCESSDENIED);
                H_ASSERT(e == NULL);
        }
}

/* ---- 83: QueryInterface ---- */

static void test_b83_query_interface_job5_dojob_dojob2(void) {
        static const IID iid_unknown_to_dosvc = { 0x0badf00du, 0x1234u, 0x5678u,
                                                  { 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78 } };
        const IID *iids[] = {
                &IID_IBackgroundCopyJob5, &IID_IDeliveryOptimizationJob, &IID_IDeliveryOptimizationJob2,
                &IID_IBackgroundCopyJob, &IID_IUnknown,
        };
        IBackgroundCopyJob *job = h_create_job("b83", NULL);
        void *p;

        for (size_t i = 0; i < H_ELEMENTSOF(iids); i++) {
                p = NULL;
                H_ASSERT_OK(IBackgroundCopyJob_QueryInterface(job, iids[i], &p));
                H_ASSERT_MSG(p != NULL, "QueryInterface #%zu gave S_OK and NULL", i);
                (void) IUnknown_Release((IUnknown *) p);
        }
        p = &p;
        H_ASSERT_HR(IBackgroundCopyJob_QueryInterface(job, &iid_unknown_to_dosvc, &p), E_NOINTERFACE);
        H_ASSERT_EQ_U64((uint32_t) E_NOINTERFACE, 0x80004002u);
        H_ASSERT(p == NULL);

        /* The interfaces are views of the same job: Job5 reports the same state and id. */
        {
                IBackgroundCopyJob5 *j5 = NULL;
                GUID a, b;
                BG_JOB_STATE s = (BG_JOB_STATE) -1;

                H_ASSERT_OK(IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJob5, (void **) &j5));
                h_track(j5);
                H_ASSERT_OK(IBackgroundCopyJob_GetId(job, &a));
                H_ASSERT_OK(IBackgroundCopyJob5_GetId(j5, &b));
                H_ASSERT(IsEqualGUID(&a, &b));
                H_ASSERT_OK(IBackgroundCopyJob5_GetState(j5, &s));
                H_ASSERT_EQ_U64(s, BG_JOB_STATE_SUSPENDED);
        }
}

/* ---- 87–88: order of files, Cancel stops the network ---- */

static void test_b87_files_download_in_order_added(void) {
        char *dest = h_dest_dir("b87");
        IBackgroundCopyJob *job = h_create_job("b87", NULL);
        IBackgroundCopyFile *files[2];
        /* The first is big and the second small: downloaded together, the second would end first. */
        const uint64_t sizes[2] = { 6u * 1024u * 1024u, 256u * 1024u };
        char *uris[2];
        HLogEntry *v;
        size_t n;
        int first_end = -1, second_end = -1;

        for (int i = 0; i < 2; i++) {
                char *name = h_strdupf("b87-%d.bin", i);

                (void) h_make_file(name, sizes[i]);
                uris[i] = h_strdupf("/slow/%s", name);
                h_add_file(job, h_url("%s", uris[i]), h_strdupf("%s/%s", dest, name));
        }
        H_ASSERT_EQ_U64(job_files(job, files, 2), 2);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        for (unsigned i = 0; i < T_SLOW_MS / 20; i++) {
                BG_FILE_PROGRESS p0 = file_progress(files[0]), p1 = file_progress(files[1]);
                BG_JOB_STATE s = h_state(job);

                H_ASSERT_MSG(p1.BytesTransferred == 0 || p0.BytesTransferred == sizes[0],
                             "file 2 has %llu bytes while file 1 has %llu of %llu",
                             (unsigned long long) p1.BytesTransferred, (unsigned long long) p0.BytesTransferred,
                             (unsigned long long) sizes[0]);
                if (s == BG_JOB_STATE_TRANSFERRED || s == BG_JOB_STATE_ERROR)
                        break;
                h_sleep_ms(20);
        }
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, 1000);

        /* nginx logs a request when it ends: the first file's GET ended before the second's. */
        n = h_access_log(&v);
        for (size_t i = 0; i < n; i++) {
                if (strcmp(v[i].method, "GET") != 0)
                        continue;
                if (strcmp(v[i].uri, uris[0]) == 0)
                        first_end = (int) i;
                if (strcmp(v[i].uri, uris[1]) == 0 && second_end < 0)
                        second_end = (int) i;
        }
        free(v);
        if (first_end < 0 || second_end < 0 || first_end > second_end) {
                h_access_log_dump(NULL);
                H_FAIL("access log order: first file's GET at line %d, second's at %d", first_end, second_end);
        }
}

static void test_b88_cancel_stops_the_network_transfer(void) {
        char *uri;
        IBackgroundCopyJob *job = job_transferring("b88", 512u * 1024u, &uri, NULL, NULL);
        unsigned lines;

        H_ASSERT_EQ_U64(h_access_log_count(uri, 0, NULL), 0);   /* still underway: not logged yet */
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(job));
        /* The connection closes: nginx ends the request (and logs it) long before the ~4 s the
         * whole file would take. */
        lines = wait_log_lines(uri, 1, 3000);
        if (lines < 1) {
                h_access_log_dump(uri);
                H_FAIL("nginx still serves %s 3 s after Cancel", uri);
        }
        H_ASSERT_MSG(last_bytes_sent(uri) < SLOW_SIZE, "nginx sent the whole file (%llu bytes) despite Cancel",
                     (unsigned long long) last_bytes_sent(uri));
        /* And no new request follows. */
        h_sleep_ms(500);
        H_ASSERT_EQ_U64(h_access_log_count(uri, 0, NULL), lines);
}

static const HTest tests[] = {
        H_TEST(test_b01_new_job_is_suspended),
        H_TEST(test_b02_create_job_returns_id_equal_to_get_id),
        H_TEST(test_b03_same_display_name_twice_gives_two_jobs),
        H_TEST(test_b04_display_name_limit_is_256_characters),
        H_TEST(test_b05_null_display_name_is_invalid),
        H_TEST(test_b06_get_display_name_returns_the_name),
        H_TEST(test_b07_get_display_name_null_is_invalid),
        H_TEST(test_b08_new_job_type_is_download),
        H_TEST(test_b09_new_job_priority_is_normal),
        H_TEST(test_b10_set_priority_foreground_then_get),
        H_TEST(test_b11_set_priority_out_of_range_is_notimpl),
        H_TEST(test_b12_get_job_unknown_guid_is_not_found),
        H_TEST(test_b13_get_job_of_another_user_is_access_denied),
        H_TEST(test_b15_resume_empty_job_is_empty_and_stays_suspended),
        H_TEST(test_b16_resume_with_one_file_leaves_suspended),
        H_TEST(test_b17_all_files_downloaded_is_transferred),
        H_TEST(test_b18_no_file_under_local_name_before_complete),
        H_TEST(test_b19_complete_delivers_files_and_acknowledges),
        H_TEST(test_b20_complete_on_acknowledged_is_invalid_state),
        H_TEST(test_b21_complete_on_cancelled_is_invalid_state),
        H_TEST(test_b22_cancel_on_cancelled_is_invalid_state),
        H_TEST(test_b23_cancel_on_acknowledged_is_invalid_state),
        H_TEST(test_b24_cancel_in_suspended_transferring_transferred),
        H_TEST(test_b25_cancel_leaves_no_temporary_files),
        H_TEST(test_b26_cancelled_or_completed_job_leaves_the_queue),
        H_TEST(test_b27_resume_on_final_states_is_invalid_state),
        H_TEST(test_b28_suspend_on_final_states_is_invalid_state),
        H_TEST(test_b29_suspend_stops_a_transfer),
        H_TEST(test_b30_suspend_on_suspended_is_ok),
        H_TEST(test_b31_resume_continues_with_a_range_request),
        H_TEST(test_b32_set_no_progress_timeout_then_get),
        H_TEST(test_b33_set_no_progress_timeout_on_cancelled_is_invalid_state),
        H_TEST(test_b34_set_notify_flags_then_get),
        H_TEST(test_b35_set_notify_flags_on_acknowledged_is_invalid_state),
        H_TEST(test_b36_get_notify_flags_null_is_invalid),
        H_TEST(test_b37_notify_interface_set_get_clear),
        H_TEST(test_b46_get_error_on_new_job_is_unavailable),
        H_TEST(test_b47_http_404_gives_error_0x80190194),
        H_TEST(test_b48_error_object_dropped_on_transferring_again),
        H_TEST(test_b50_error_get_file_is_the_failing_file),
        H_TEST(test_b51_failed_call_creates_no_error_object),
        H_TEST(test_b52_set_remote_name_fixes_an_error_job),
        H_TEST(test_b56_files_total_and_files_transferred),
        H_TEST(test_b57_bytes_total_unknown_until_sizes_known),
        H_TEST(test_b60_times_creation_modification_completion),
        H_TEST(test_b61_add_file_with_ranges_without_local_name_is_invalid),
        H_TEST(test_b70_get_file_ranges_without_ranges_is_s_false),
        H_TEST(test_b74_remote_and_local_names_as_given),
        H_TEST(test_b75_enum_files_count_next_skip_reset),
        H_TEST(test_b76_enum_next_without_fetched_count),
        H_TEST(test_b77_enum_jobs_lists_own_live_jobs),
        H_TEST(test_b83_query_interface_job5_dojob_dojob2),
        H_TEST(test_b87_files_download_in_order_added),
        H_TEST(test_b88_cancel_stops_the_network_transfer),
        /* Last: it restarts the daemon, which every later test would then depend on. */
        H_TEST(test_b14_get_job_after_daemon_restart),
};

int main(int argc, char **argv) {
        if (argc == 2 && strcmp(argv[1], CHILD_ENUM_ALL_USERS) == 0)
                return child_enum_all_users();
        return h_run(argc, argv, tests, H_ELEMENTSOF(tests));
}
