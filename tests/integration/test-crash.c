/* test-crash.c: kill -9 of the daemon in the middle of a transfer, then restart, resume, and check
 * that the file completes byte-identical (SHA-256 of source and result), following the crash
 * invariant of DESIGN.md: an offset is stored only after the bytes below it were fsync'ed, and on
 * start each temp file is cut back to its stored offset.
 *
 * libdosvc restarts the daemon on the next call after the kill (GetJob). Two tests:
 *   - a 64 MiB file through /slow/ (2 MB/s), killed three times at growing offsets: the transfer
 *     is surely underway at each kill, and the resumed requests must be Range requests (206);
 *   - a 512 MiB file at full speed, killed as soon as some bytes are in, up to three times: kills
 *     land at arbitrary points of the write/fsync/store cycle.
 * Every wait is bounded; the harness stops the daemon and nginx at the end. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define MIB (1024u * 1024u)
#define T_RESTART_MS 30000u

/* Kills the daemon with SIGKILL, then reaches the job again through a fresh GetJob (which makes
 * libdosvc start a new daemon). Returns the new proxy (tracked). */
static IBackgroundCopyJob *kill9_and_get_job(const GUID *id) {
        IBackgroundCopyJob *job = NULL;
        pid_t old = h_daemon_pid();
        HRESULT hr;

        h_daemon_kill_and_wait(SIGKILL);
        hr = IBackgroundCopyManager_GetJob(h_manager(), id, &job);
        if (hr != S_OK) {
                h_daemon_log_tail(20);
                H_FAIL("GetJob after kill -9 returned 0x%08X (%s)", (unsigned) hr, h_hr_name(hr));
        }
        h_track(job);
        H_ASSERT_MSG(h_pid_alive(h_daemon_pid()) && h_daemon_pid() != old, "no new daemon after kill -9 (pid %d)",
                     (int) h_daemon_pid());
        return job;
}

static void check_after_restart(IBackgroundCopyJob *job, uint64_t size, unsigned round) {
        BG_JOB_PROGRESS p = h_progress(job);
        BG_JOB_STATE s = h_state(job);

        h_note("round %u: after restart the job is %s with %llu of %llu bytes", round, h_state_name(s),
               (unsigned long long) p.BytesTransferred, (unsigned long long) size);
        H_ASSERT_MSG(s != BG_JOB_STATE_CANCELLED && s != BG_JOB_STATE_ACKNOWLEDGED && s != BG_JOB_STATE_ERROR,
                     "the job is %s after the restart", h_state_name(s));
        H_ASSERT_EQ_U64(p.FilesTotal, 1);
        H_ASSERT(p.BytesTransferred <= size);
}

static void finish_and_check(IBackgroundCopyJob *job, const char *src, const char *local, const char *dest) {
        char a[65], b[65];

        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));   /* S_OK in any non-final state */
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, 120000);
        H_ASSERT_OK(IBackgroundCopyJob_Complete(job));
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_ACKNOWLEDGED);
        h_sha256_file(src, a);
        h_sha256_file(local, b);
        h_note("sha256 source %s", a);
        h_note("sha256 result %s", b);
        H_ASSERT_MSG(strcmp(a, b) == 0, "SHA-256 of the result differs from the source");
        if (h_count_temp_files(dest) != 0) {
                h_list_dir(dest);
                H_FAIL("temp files left in %s after Complete", dest);
        }
}

static void test_crash_kill9_three_times_during_slow_64mib(void) {
        const uint64_t size = 64u * MIB;
        char *src = h_make_file("crash-slow.bin", size);
        char *dest = h_dest_dir("crash-slow"), *local = h_strdupf("%s/crash-slow.bin", dest);
        char *uri = "/slow/crash-slow.bin";
        GUID id;
        IBackgroundCopyJob *job = h_create_job("crash slow", &id);
        unsigned ranged = 0;
        HLogEntry *v;
        size_t n;

        h_add_file(job, h_url("%s", uri), local);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        for (unsigned round = 1; round <= 3; round++) {
                uint64_t before = h_progress(job).BytesTransferred;

                /* A few MiB more than at the last restart, so each kill lands in new bytes. */
                (void) h_wait_bytes(job, before + 6u * MIB, 30000);
                job = kill9_and_get_job(&id);
                check_after_restart(job, size, round);
                H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        }
        finish_and_check(job, src, local, dest);

        /* The restarts went on from the stored offsets: at least one "Range: bytes=N-" (N > 0). */
        n = h_access_log(&v);
        for (size_t i = 0; i < n; i++) {
                unsigned long long from = 0;

                if (strcmp(v[i].uri, uri) == 0 && v[i].status == 206 &&
                    sscanf(v[i].range, "bytes=%llu-", &from) == 1 && from > 0)
                        ranged++;
        }
        free(v);
        if (ranged == 0) {
                h_access_log_dump(uri);
                H_FAIL("no ranged request after three restarts: every restart began from byte 0");
        }
        h_note("%u ranged requests after 3 kills", ranged);
        (void) unlink(src);
        (void) unlink(local);
}

static void test_crash_kill9_at_full_speed_512mib(void) {
        const uint64_t size = 512u * MIB;
        char *src = h_make_file("crash-fast.bin", size);
        char *dest = h_dest_dir("crash-fast"), *local = h_strdupf("%s/crash-fast.bin", dest);
        GUID id;
        IBackgroundCopyJob *job = h_create_job("crash fast", &id);
        unsigned kills = 0;

        h_add_file(job, h_url("/crash-fast.bin"), local);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        for (unsigned round = 1; round <= 3; round++) {
                BG_JOB_PROGRESS p = h_progress(job);

                if (h_state(job) == BG_JOB_STATE_TRANSFERRED)
                        break;   /* too fast to catch again: the file is whole */
                /* Any progress at all, then kill at once: at full speed the kill lands at an
                 * arbitrary point of the write/fsync/store cycle. */
                p = h_wait_bytes(job, p.BytesTransferred + 1, 30000);
                h_note("round %u: killing at %llu bytes", round, (unsigned long long) p.BytesTransferred);
                job = kill9_and_get_job(&id);
                kills++;
                check_after_restart(job, size, round);
                H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        }
        H_ASSERT(kills >= 1);
        finish_and_check(job, src, local, dest);
        (void) unlink(src);
        (void) unlink(local);
}

static const HTest tests[] = {
        H_TEST(test_crash_kill9_three_times_during_slow_64mib),
        H_TEST(test_crash_kill9_at_full_speed_512mib),
};

int main(int argc, char **argv) {
        return h_run(argc, argv, tests, H_ELEMENTSOF(tests));
}
