/* test-limits.c: dosvc.conf [Limits] against a real daemon (issue 5 item 4): a bad file stops the
 * daemon with file:line in its log; each limit, set low, gives its HRESULT and changes nothing; the
 * per-user job limit is checked from a second uid (nobody) when run as root, since root is exempt;
 * final jobs kept per user and per machine are capped by the same two limits (root included).
 *
 * The daemon reads $DOSVC_CONFIG at start: each test writes the file, stops the daemon, and the next
 * libdosvc call starts a new one with it. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <systemd/sd-bus.h>

#include "harness.h"

static void write_config(const char *text) {
        char *path = h_strdupf("%s/dosvc.conf", h_root());
        FILE *f = fopen(path, "we");

        if (!f || fputs(text, f) < 0 || fclose(f) != 0)
                H_FAIL("writing %s: %m", path);
        if (setenv("DOSVC_CONFIG", path, 1) < 0)
                H_FAIL("setenv: %m");
        (void) h_daemon_stop(SIGTERM);   /* the next call starts a daemon that reads it */
}

static void restore_defaults(void *arg) {
        (void) unsetenv("DOSVC_CONFIG");
        (void) h_daemon_stop(SIGTERM);
}

static bool log_contains(const char *needle) {
        char *path = h_strdupf("%s/dosvc/dosvc.log", h_state_dir()), line[4096];
        FILE *f = fopen(path, "re");
        bool found = false;

        if (!f)
                return false;
        while (!found && fgets(line, sizeof line, f))
                found = strstr(line, needle) != NULL;
        fclose(f);
        return found;
}

/* Runs the daemon binary by hand with the current $DOSVC_CONFIG: its exit status, stderr in buf. */
static int run_daemon(char *buf, size_t size) {
        const char *daemon = getenv("DOSVC_DAEMON");
        int pipefd[2], status;
        size_t got = 0;
        pid_t pid;

        if (!daemon)
                h_skip("DOSVC_DAEMON is not set");
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                H_FAIL("pipe: %m");
        pid = fork();
        if (pid < 0)
                H_FAIL("fork: %m");
        if (pid == 0) {
                (void) dup2(pipefd[1], STDERR_FILENO);
                (void) dup2(pipefd[1], STDOUT_FILENO);
                execl(daemon, "dosvc", (char *) NULL);
                _exit(127);
        }
        close(pipefd[1]);
        for (ssize_t k; got < size - 1 && (k = read(pipefd[0], buf + got, size - 1 - got)) > 0;)
                got += (size_t) k;
        buf[got] = '\0';
        close(pipefd[0]);
        if (waitpid(pid, &status, 0) != pid)
                H_FAIL("waitpid: %m");
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_limits__bad_config_stops_the_daemon_with_file_and_line(void) {
        char out[4096];
        int status;

        h_at_test_end(restore_defaults, NULL);
        write_config("# comment\n[Limits]\nMaxJobsPerUser = many\n");
        status = run_daemon(out, sizeof out);
        H_ASSERT_MSG(status == 1, "the daemon exited with %d on a bad configuration file: %s", status, out);
        H_ASSERT_MSG(strstr(out, "dosvc.conf:3: invalid value 'many' for MaxJobsPerUser"),
                     "the message does not name the bad line: %s", out);
        write_config("[Limits]\nMaxRedirects=101\n");
        status = run_daemon(out, sizeof out);
        H_ASSERT_MSG(status == 1 && strstr(out, "dosvc.conf:2:"), "MaxRedirects=101: %d %s", status, out);

        /* an unknown key is only a warning */
        write_config("[Limits]\nNoSuchKey=1\n[Future]\nX=y\n");
        H_ASSERT(h_create_job("unknown keys are fine", NULL) != NULL);
        H_ASSERT(log_contains("unknown key 'NoSuchKey'"));
}

static void test_limits__jobs_per_machine(void) {
        IBackgroundCopyManager *mgr;
        IBackgroundCopyJob *job = NULL;
        GUID id;

        h_at_test_end(restore_defaults, NULL);
        write_config("[Limits]\nMaxJobsPerMachine=3\n");
        for (int i = 0; i < 3; i++)
                (void) h_create_job("slot", NULL);
        mgr = h_manager();
        H_ASSERT_HR(IBackgroundCopyManager_CreateJob(mgr, "one too many", BG_JOB_TYPE_DOWNLOAD, &id, &job),
                    BG_E_TOO_MANY_JOBS_PER_MACHINE);
        H_ASSERT(job == NULL);
}

static void test_limits__files_ranges_and_lengths(void) {
        IBackgroundCopyJob *job;
        IDeliveryOptimizationJob *dojob = NULL;
        char *dir, *dest;
        BG_FILE_INFO set[3];
        BG_FILE_RANGE ranges[4] = { { 0, 1 }, { 10, 1 }, { 20, 1 }, { 30, 1 } };
        char *conf;
        size_t dlen;

        h_at_test_end(restore_defaults, NULL);
        dir = h_dest_dir("lim");
        dlen = strlen(dir);
        conf = h_strdupf("[Limits]\nMaxFilesPerJob=2\nMaxRangesPerFile=3\nMaxUrlLength=40\n"
                         "MaxDisplayNameLength=5\nMaxDescriptionLength=6\nMaxLocalPathLength=%zu\n", dlen + 4);
        write_config(conf);

        job = h_create_job("five!", NULL);
        H_ASSERT_HR(IBackgroundCopyJob_SetDisplayName(job, "six!!!"), E_INVALIDARG);
        H_ASSERT_OK(IBackgroundCopyJob_SetDisplayName(job, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"));
        H_ASSERT_OK(IBackgroundCopyJob_SetDescription(job, "sixsix"));
        H_ASSERT_HR(IBackgroundCopyJob_SetDescription(job, "seven!!"), BG_E_STRING_TOO_LONG);

        dest = h_strdupf("%s/abc", dir);   /* dlen + 4 bytes: the limit */
        H_ASSERT_HR(IBackgroundCopyJob_AddFile(job, h_url("/f"), h_strdupf("%s/abcd", dir)), E_INVALIDARG);
        H_ASSERT_HR(IBackgroundCopyJob_AddFile(job, h_strdupf("http://127.0.0.1:1/%040d", 0), dest), E_INVALIDARG);

        /* three files at once: refused as a whole; two fit; a third does not */
        for (int i = 0; i < 3; i++)
                set[i] = (BG_FILE_INFO) { .RemoteName = (LPWSTR) "http://127.0.0.1:1/f",
                                          .LocalName = (LPWSTR) h_strdupf("%s/%c", dir, 'a' + i) };
        H_ASSERT_HR(IBackgroundCopyJob_AddFileSet(job, 3, set), BG_E_TOO_MANY_FILES_IN_JOB);
        H_ASSERT_OK(IBackgroundCopyJob_AddFileSet(job, 2, set));
        H_ASSERT_HR(IBackgroundCopyJob_AddFile(job, "http://127.0.0.1:1/f", dest), BG_E_TOO_MANY_FILES_IN_JOB);
        {
                BG_JOB_PROGRESS p = h_progress(job);
                H_ASSERT_EQ_U64(p.FilesTotal, 2);
        }

        job = h_create_job("rngs", NULL);
        H_ASSERT_OK(IBackgroundCopyJob_QueryInterface(job, &IID_IDeliveryOptimizationJob, (void **) &dojob));
        h_track(dojob);
        H_ASSERT_HR(IDeliveryOptimizationJob_AddFileWithRanges(dojob, "id", "http://127.0.0.1:1/f", dest, 4, ranges, DO_UNKNOWN_FILE_SIZE),
                    BG_E_TOO_MANY_RANGES_IN_FILE);
        H_ASSERT_OK(IDeliveryOptimizationJob_AddFileWithRanges(dojob, "id", "http://127.0.0.1:1/f", dest, 3, ranges, DO_UNKNOWN_FILE_SIZE));
}

/* Root is exempt from MaxJobsPerUser: a child running as nobody talks to this (root's) daemon over
 * its socket, which the test opens up for the duration. Run as non-root, the limit applies to us. */
static int child_create_jobs(const char *address, unsigned n_ok) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus *bus = NULL;
        int r;

        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_address(bus, address);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0)
                return 10;
        for (unsigned i = 0; i <= n_ok; i++) {
                sd_bus_message *reply = NULL;

                r = sd_bus_call_method(bus, NULL, "/org/dosvc1", "org.dosvc1.Manager", "CreateJob", &error, &reply,
                                       "su", "mine", 0u);
                sd_bus_message_unref(reply);
                if (i < n_ok && r < 0)
                        return 20 + (int) i;
                if (i == n_ok && (r >= 0 || !sd_bus_error_has_name(&error, "org.dosvc1.Error.HR_80200049")))
                        return 30;
                sd_bus_error_free(&error);
        }
        sd_bus_flush_close_unref(bus);
        return 0;
}

static void test_limits__jobs_per_user(void) {
        char *address = h_strdupf("unix:path=%s/dosvc/bus", h_runtime_dir());
        struct passwd *pw;
        int status;
        pid_t pid;

        h_at_test_end(restore_defaults, NULL);
        write_config("[Limits]\nMaxJobsPerUser=2\n");
        (void) h_create_job("starts the daemon", NULL);
        if (geteuid() != 0) {
                H_ASSERT_OK(child_create_jobs(address, 1) == 0 ? S_OK : E_FAIL);
                return;
        }
        /* root: three more jobs are fine (exempt) */
        for (int i = 0; i < 3; i++)
                (void) h_create_job("root is exempt", NULL);

        pw = getpwnam("nobody");
        if (!pw)
                h_skip("no user 'nobody' to check the per-user limit with");
        if (chmod(h_runtime_dir(), 0711) < 0 || chmod(h_strdupf("%s/dosvc", h_runtime_dir()), 0711) < 0 ||
            chmod(h_strdupf("%s/dosvc/bus", h_runtime_dir()), 0666) < 0 || chmod(h_root(), 0711) < 0)
                H_FAIL("opening the socket to nobody: %m");
        pid = fork();
        if (pid < 0)
                H_FAIL("fork: %m");
        if (pid == 0) {
                if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
                        _exit(126);
                _exit(child_create_jobs(address, 2));
        }
        if (waitpid(pid, &status, 0) != pid)
                H_FAIL("waitpid: %m");
        (void) chmod(h_strdupf("%s/dosvc/bus", h_runtime_dir()), 0600);
        (void) chmod(h_strdupf("%s/dosvc", h_runtime_dir()), 0700);
        H_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                     "as nobody: exit status %d (20+i: job i refused; 30: the third was not "
                     "BG_E_TOO_MANY_JOBS_PER_USER; 10: could not connect)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* Final jobs (CANCELLED, ACKNOWLEDGED) stay reachable by their handle, but each owner (root too)
 * keeps at most MaxJobsPerUser of them and the machine MaxJobsPerMachine: the oldest go at once,
 * from memory and from the store (docs/decisions.md "Limits"). A purged job answers
 * DO_E_JOB_NOT_FOUND (D-Bus UnknownObject) to every call; libdosvc's GetState still reports the
 * final state the handle knows, as after the daily purge. GetJob finds no final job in any case, so
 * the handles tell which are kept. */
static bool still_reachable(IBackgroundCopyJob *job) {
        LPWSTR name = NULL;
        HRESULT hr = IBackgroundCopyJob_GetDisplayName(job, &name);

        CoTaskMemFree(name);
        if (hr == DO_E_JOB_NOT_FOUND)
                return false;
        H_ASSERT_MSG(hr == S_OK, "GetDisplayName of a final job: 0x%08X (%s)", (unsigned) hr, h_hr_name(hr));
        return true;
}

static void expect_newest_kept(IBackgroundCopyJob **jobs, unsigned n, unsigned kept, const char *when) {
        for (unsigned i = 0; i < n; i++) {
                bool want = i >= n - kept, got = still_reachable(jobs[i]);

                H_ASSERT_MSG(got == want, "%s: cancelled job %u of %u is %s, expected %s", when, i + 1, n,
                             got ? "still reachable" : "purged", want ? "reachable" : "purged");
                H_ASSERT_EQ_U64(h_state(jobs[i]), BG_JOB_STATE_CANCELLED);
        }
}

static void create_and_cancel(IBackgroundCopyJob **jobs, unsigned n) {
        for (unsigned i = 0; i < n; i++) {
                jobs[i] = h_create_job(h_strdupf("final %u", i), NULL);   /* CreateJob S_OK, each time */
                H_ASSERT_OK(IBackgroundCopyJob_Cancel(jobs[i]));
        }
}

static void test_limits__final_jobs_per_user(void) {
        IBackgroundCopyJob *jobs[20];
        IBackgroundCopyManager *mgr;
        IBackgroundCopyJob *found = NULL;
        GUID id;

        h_at_test_end(restore_defaults, NULL);
        write_config("[Limits]\nMaxJobsPerUser=3\n");
        create_and_cancel(jobs, 20);
        expect_newest_kept(jobs, 20, 3, "after 20 Cancels");

        /* GetJob never finds a final job, kept or not */
        mgr = h_manager();
        H_ASSERT_OK(IBackgroundCopyJob_GetId(jobs[19], &id));
        H_ASSERT_HR(IBackgroundCopyManager_GetJob(mgr, &id, &found), DO_E_JOB_NOT_FOUND);
        H_ASSERT_OK(IBackgroundCopyJob_GetId(jobs[0], &id));
        H_ASSERT_HR(IBackgroundCopyManager_GetJob(mgr, &id, &found), DO_E_JOB_NOT_FOUND);

        /* gone from the store too: a new daemon loads the same three */
        (void) h_daemon_stop(SIGTERM);
        expect_newest_kept(jobs, 20, 3, "after a restart");
}

static void test_limits__final_jobs_per_machine(void) {
        IBackgroundCopyJob *jobs[10];

        h_at_test_end(restore_defaults, NULL);
        write_config("[Limits]\nMaxJobsPerUser=50\nMaxJobsPerMachine=4\n");
        create_and_cancel(jobs, 10);
        expect_newest_kept(jobs, 10, 4, "after 10 Cancels");

        /* a lower cap applies at the next start */
        write_config("[Limits]\nMaxJobsPerUser=2\n");
        expect_newest_kept(jobs, 10, 2, "after a restart with MaxJobsPerUser=2");
}

int main(int argc, char **argv) {
        static const HTest tests[] = {
                H_TEST(test_limits__bad_config_stops_the_daemon_with_file_and_line),
                H_TEST(test_limits__jobs_per_machine),
                H_TEST(test_limits__files_ranges_and_lengths),
                H_TEST(test_limits__jobs_per_user),
                H_TEST(test_limits__final_jobs_per_user),
                H_TEST(test_limits__final_jobs_per_machine),
        };

        return h_run(argc, argv, tests, H_ELEMENTSOF(tests));
}
