/* test-path-attacks.c: path tricks against the daemon's file handling (issue 5 items 3 and 7;
 * docs/decisions.md "Privilege separation"). Each attack must be refused with nothing written
 * outside the user's own folder and nothing deleted elsewhere: a "victim" folder holding one file,
 * `secret` ("precious"), must come out of every test unchanged, with nothing added.
 *
 * The attacks run in three settings:
 *   - as root (CI): the harness's daemon runs as root and the jobs belong to root, so no fs-id
 *     switch protects anything here: the victim folder is root's and writable by the daemon; only
 *     the path handling (folder resolved without symlinks, single-component names, checks of what
 *     was opened) stands in the way. This is the strongest test of that handling.
 *   - as a fresh test user (test_as_test_user, root only): `useradd dosvc-t-<random>`, then this
 *     program again as that user (`--as-user`), with its own harness world and so its own user-mode
 *     daemon running as the user; the victim is a root-owned folder (0755, file 0644) prepared by the
 *     parent ($DOSVC_T_VICTIM), and so is a folder the user cannot reach ($DOSVC_T_LOCKED: a 0777
 *     folder inside root's 0700 one). The user is deleted afterwards.
 *   - against the system service (`--system-daemon`, the real threat model): run by
 *     tests/integration/test-system.sh as a non-root user with DOSVC_SYSTEM=1 and
 *     DOSVC_SYSTEM_BUS_ADDRESS, so libdosvc talks to `dosvc --system` running as ROOT, which acts for
 *     the user by switching fs ids (src/daemon/files.c). The harness world still provides the
 *     temp root, the destination folders and nginx (running as the user), but no daemon of its own
 *     (harness.h: h_system_mode()). The script prepares $DOSVC_T_VICTIM and $DOSVC_T_LOCKED as root
 *     and checks both again from outside afterwards. Cases that need the daemon stopped, restarted
 *     or its test clock would be TAP-skipped in this mode (h_daemon_kill_and_wait() skips); none of
 *     the cases below needs them. The switch of fs ids is also tested directly by
 *     tests/unit/test-files.c (unit-files).
 *
 * Cases: the destination folder swapped for a symlink to the victim folder after AddFile and before
 * Resume, and during the transfer; the temp name pre-created as a symlink to the victim file, as a
 * hard link of it (skipped where fs.protected_hardlinks stops a non-root user from planting it), as a
 * FIFO, as a device (root only); the destination pre-created as a symlink (Complete replaces the
 * link); a FIFO/device as the destination (AddFile) and a FIFO appearing there before Complete;
 * `..`/`.` in paths; AddFile into a folder the user cannot write, and into one it cannot reach
 * (directly and through a symlink of its own; non-root runs); a symlinked folder at AddFile is
 * resolved once and a later re-pointing of the link does not move the file; Cancel after the temp
 * name was swapped for a symlink removes the link, not the victim; the temp file and the delivered
 * file belong to the job's owner (its uid and primary gid; GetOwner is its uid). System mode adds:
 * no daemon of the harness's own was started (the jobs really went to the system service). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define SMALL_SIZE 100000u
#define T_MS 30000u
#define HR_FILE_EXISTS ((HRESULT) 0x80070050u)   /* HRESULT_FROM_WIN32(ERROR_FILE_EXISTS) */
#define AS_USER "--as-user"
#define SYSTEM_DAEMON "--system-daemon"

/* ---- the victim ---- */

static unsigned n_victims;

/* The folder a redirected write or delete would hit, holding `secret`. */
static const char *victim_dir(void) {
        const char *e = getenv("DOSVC_T_VICTIM");
        char *d;
        int fd;

        if (e && e[0])
                return e;   /* root's, prepared by the parent */
        d = h_strdupf("%s/victim-%u", h_root(), n_victims++);
        H_ASSERT_MSG(mkdir(d, 0755) == 0, "mkdir %s: %m", d);
        fd = open(h_strdupf("%s/secret", d), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        H_ASSERT(fd >= 0);
        H_ASSERT(write(fd, "precious", 8) == 8);
        close(fd);
        return d;
}

static void victim_check(const char *vd) {
        char buf[32] = "";
        struct stat st;
        int fd = open(h_strdupf("%s/secret", vd), O_RDONLY | O_CLOEXEC);
        ssize_t n;

        H_ASSERT_MSG(fd >= 0, "the victim file is gone: %m");
        n = read(fd, buf, sizeof buf - 1);
        close(fd);
        H_ASSERT(n >= 0);
        buf[n] = '\0';
        H_ASSERT_MSG(strcmp(buf, "precious") == 0, "the victim file was written: \"%s\"", buf);
        H_ASSERT(lstat(h_strdupf("%s/secret", vd), &st) == 0 && S_ISREG(st.st_mode));
        if (h_count_entries(vd) != 1) {
                h_list_dir(vd);
                H_FAIL("something was created in the victim folder %s", vd);
        }
}

/* ---- helpers ---- */

static bool is_root(void) {
        return geteuid() == 0;
}

static IBackgroundCopyFile *file0(IBackgroundCopyJob *job) {
        IEnumBackgroundCopyFiles *e = NULL;
        IBackgroundCopyFile *f = NULL;

        H_ASSERT_OK(IBackgroundCopyJob_EnumFiles(job, &e));
        h_track(e);
        H_ASSERT_OK(IEnumBackgroundCopyFiles_Next(e, 1, &f, NULL));
        return h_track(f);
}

static char *temp_name(IBackgroundCopyJob *job) {
        IBackgroundCopyFile3 *f3 = NULL;
        LPWSTR s = NULL;
        char *r;

        H_ASSERT_OK(IBackgroundCopyFile_QueryInterface(file0(job), &IID_IBackgroundCopyFile3, (void **) &f3));
        h_track(f3);
        H_ASSERT_OK(IBackgroundCopyFile3_GetTemporaryName(f3, &s));
        r = h_strdupf("%s", s);
        CoTaskMemFree(s);
        return r;
}

/* Waits for ERROR; checks the context is LOCAL_FILE and the HRESULT one of a, b. */
static void expect_error(IBackgroundCopyJob *job, HRESULT a, HRESULT b) {
        IBackgroundCopyError *err = NULL;
        BG_ERROR_CONTEXT ctx = BG_ERROR_CONTEXT_NONE;
        HRESULT code = S_OK;
        LPWSTR desc = NULL;

        H_WAIT_STATE(job, BG_JOB_STATE_ERROR, T_MS);
        H_ASSERT_OK(IBackgroundCopyJob_GetError(job, &err));
        h_track(err);
        H_ASSERT_OK(IBackgroundCopyError_GetError(err, &ctx, &code));
        (void) IBackgroundCopyError_GetErrorDescription(err, 0x0409, &desc);
        h_note("refused: 0x%08X (%s), context %d: %s", (unsigned) code, h_hr_name(code), (int) ctx, desc ? desc : "");
        CoTaskMemFree(desc);
        H_ASSERT_EQ_U64(ctx, BG_ERROR_CONTEXT_LOCAL_FILE);
        H_ASSERT_MSG(code == a || code == b, "error 0x%08X (%s), expected 0x%08X (%s)", (unsigned) code,
                     h_hr_name(code), (unsigned) a, h_hr_name(a));
}

static IBackgroundCopyJob *job_with(const char *name, const char *src_name, uint64_t size, const char *url_prefix,
                                    const char *local) {
        IBackgroundCopyJob *job = h_create_job(name, NULL);

        (void) h_make_file(src_name, size);
        h_add_file(job, h_url("%s%s", url_prefix, src_name), local);
        return job;
}

/* ---- the folder swapped for a symlink ---- */

static void test_attack__folder_symlink_swapped_before_resume(void) {
        const char *vd = victim_dir();
        char *dest = h_dest_dir("swap-before");
        char *moved = h_strdupf("%s.moved", dest);
        /* same last name as the victim file: a redirected Complete would replace it */
        IBackgroundCopyJob *job = job_with("swap before", "swap-before.bin", SMALL_SIZE, "/",
                                           h_strdupf("%s/secret", dest));

        H_ASSERT(rename(dest, moved) == 0);
        H_ASSERT(symlink(vd, dest) == 0);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        expect_error(job, E_ACCESSDENIED, E_ACCESSDENIED);
        victim_check(vd);
        {
                /* The daemon cannot look into the folder without following the link, so it cannot
                 * tell that no temp file is there: BG_S_UNABLE_TO_DELETE_FILES is the honest answer. */
                HRESULT hr = IBackgroundCopyJob_Cancel(job);

                H_ASSERT_MSG(hr == S_OK || hr == BG_S_UNABLE_TO_DELETE_FILES, "Cancel: 0x%08X", (unsigned) hr);
        }
        victim_check(vd);
        H_ASSERT_EQ_U64(h_count_entries(moved), 0);
}

static void test_attack__folder_symlink_swapped_during_transfer(void) {
        const char *vd = victim_dir();
        char *dest = h_dest_dir("swap-during");
        char *moved = h_strdupf("%s.moved", dest);
        IBackgroundCopyJob *job = job_with("swap during", "swap-during.bin", 8u << 20, "/veryslow/",
                                           h_strdupf("%s/secret", dest));

        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        (void) h_wait_bytes(job, 64 * 1024, T_MS);
        H_ASSERT(rename(dest, moved) == 0);
        H_ASSERT(symlink(vd, dest) == 0);
        /* The next checkpoint (≤ 2 s) finds the temp file unreachable without symlinks. */
        expect_error(job, BG_E_LOCAL_FILE_CHANGED, E_ACCESSDENIED);
        victim_check(vd);
        /* A new attempt would create the temp file through the link: refused. */
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        h_sleep_ms(300);
        expect_error(job, E_ACCESSDENIED, BG_E_LOCAL_FILE_CHANGED);
        victim_check(vd);
        {
                /* the temp file sits in the moved folder, unreachable without the symlink: kept */
                HRESULT hr = IBackgroundCopyJob_Cancel(job);

                H_ASSERT_MSG(hr == S_OK || hr == BG_S_UNABLE_TO_DELETE_FILES, "Cancel: 0x%08X", (unsigned) hr);
        }
        victim_check(vd);
}

/* ---- the temp name planted ---- */

static void test_attack__temp_name_symlink_then_cancel(void) {
        const char *vd = victim_dir();
        char *dest = h_dest_dir("temp-symlink");
        IBackgroundCopyJob *job = job_with("temp symlink", "temp-symlink.bin", SMALL_SIZE, "/",
                                           h_strdupf("%s/x.bin", dest));
        char *temp = temp_name(job);
        struct stat st;

        H_ASSERT(symlink(h_strdupf("%s/secret", vd), temp) == 0);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        expect_error(job, E_ACCESSDENIED, E_ACCESSDENIED);
        victim_check(vd);
        /* Cancel removes the link at the temp name, never its target. */
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(job));
        H_ASSERT(lstat(temp, &st) < 0 && errno == ENOENT);
        victim_check(vd);
}

static void test_attack__temp_name_hard_link(void) {
        const char *vd = victim_dir();
        char *dest = h_dest_dir("temp-hardlink");
        IBackgroundCopyJob *job = job_with("temp hardlink", "temp-hardlink.bin", SMALL_SIZE, "/",
                                           h_strdupf("%s/x.bin", dest));
        char *temp = temp_name(job);

        if (link(h_strdupf("%s/secret", vd), temp) < 0)
                /* fs.protected_hardlinks: a user cannot even plant a link of root's file */
                h_skip("link() of the victim refused (%m): the kernel stops this attack before the daemon");
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        expect_error(job, E_ACCESSDENIED, E_ACCESSDENIED);
        victim_check(vd);
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(job));   /* removes our name only */
        victim_check(vd);
}

static void test_attack__temp_name_fifo_and_device(void) {
        char *dest = h_dest_dir("temp-fifo");
        IBackgroundCopyJob *job = job_with("temp fifo", "temp-fifo.bin", SMALL_SIZE, "/", h_strdupf("%s/x.bin", dest));
        char *temp = temp_name(job);
        uint64_t t0;

        H_ASSERT(mkfifo(temp, 0666) == 0);
        t0 = h_now_ms();
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        expect_error(job, E_ACCESSDENIED, E_ACCESSDENIED);   /* at once: the daemon never blocks on it */
        h_note("FIFO refused after %llu ms", (unsigned long long) (h_now_ms() - t0));
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(job));
        H_ASSERT(!h_file_exists(h_strdupf("%s/x.bin", dest)));

        if (!is_root()) {
                h_note("not root: no device node can be planted");
                return;
        }
        job = job_with("temp device", "temp-device.bin", SMALL_SIZE, "/", h_strdupf("%s/y.bin", dest));
        temp = temp_name(job);
        H_ASSERT(mknod(temp, S_IFCHR | 0666, makedev(1, 3)) == 0);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        expect_error(job, E_ACCESSDENIED, E_ACCESSDENIED);
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(job));
}

/* ---- the destination planted ---- */

static void test_attack__destination_symlink_is_replaced(void) {
        const char *vd = victim_dir();
        char *dest = h_dest_dir("dest-symlink");
        char *local = h_strdupf("%s/out.bin", dest);
        char *src = h_strdupf("%s/dest-symlink.bin", h_docroot());
        IBackgroundCopyJob *job;
        struct stat st;

        H_ASSERT(symlink(h_strdupf("%s/secret", vd), local) == 0);
        job = job_with("dest symlink", "dest-symlink.bin", SMALL_SIZE, "/", local);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_MS);
        H_ASSERT_OK(IBackgroundCopyJob_Complete(job));
        H_ASSERT(lstat(local, &st) == 0 && S_ISREG(st.st_mode));
        H_ASSERT_MSG(h_files_equal(src, local), "the delivered file is not the server's");
        victim_check(vd);
}

static void test_attack__destination_fifo_or_device(void) {
        char *dest = h_dest_dir("dest-fifo");
        char *fifo = h_strdupf("%s/f.bin", dest), *late = h_strdupf("%s/late.bin", dest);
        IBackgroundCopyJob *job = h_create_job("dest fifo", NULL);
        struct stat st;

        (void) h_make_file("dest-fifo.bin", SMALL_SIZE);
        H_ASSERT(mkfifo(fifo, 0666) == 0);
        H_ASSERT_HR(IBackgroundCopyJob_AddFile(job, h_url("/dest-fifo.bin"), fifo), E_INVALIDARG);
        if (is_root()) {
                char *dev = h_strdupf("%s/n.bin", dest);

                H_ASSERT(mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0);
                H_ASSERT_HR(IBackgroundCopyJob_AddFile(job, h_url("/dest-fifo.bin"), dev), E_INVALIDARG);
        }
        /* A FIFO appearing at the destination after AddFile: Complete does not replace it. */
        h_add_file(job, h_url("/dest-fifo.bin"), late);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_MS);
        H_ASSERT(mkfifo(late, 0666) == 0);
        H_ASSERT_HR(IBackgroundCopyJob_Complete(job), HR_FILE_EXISTS);
        H_ASSERT(lstat(late, &st) == 0 && S_ISFIFO(st.st_mode));
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_TRANSFERRED);
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(job));
        H_ASSERT_EQ_U64(h_count_temp_files(dest), 0);
}

/* ---- paths ---- */

static void test_attack__dot_and_dotdot_paths(void) {
        const char *vd = victim_dir();
        char *dest = h_dest_dir("dots");
        IBackgroundCopyJob *job = h_create_job("dots", NULL);
        (void) h_make_file("dots.bin", SMALL_SIZE);
        H_ASSERT_HR(IBackgroundCopyJob_AddFile(job, h_url("/dots.bin"), h_strdupf("%s/../../../../../..%s/secret", dest, vd)),
                    E_INVALIDARG);
        H_ASSERT_HR(IBackgroundCopyJob_AddFile(job, h_url("/dots.bin"), h_strdupf("%s/./x.bin", dest)), E_INVALIDARG);
        H_ASSERT_HR(IBackgroundCopyJob_AddFile(job, h_url("/dots.bin"), h_strdupf("%s/..", dest)), E_INVALIDARG);
        H_ASSERT_HR(IBackgroundCopyJob_AddFile(job, h_url("/dots.bin"), "x.bin"), E_INVALIDARG);
        victim_check(vd);
}

static void test_attack__unwritable_folder_is_access_denied(void) {
        const char *vd = victim_dir();
        IBackgroundCopyJob *job = h_create_job("unwritable", NULL);

        if (is_root()) {
                h_note("root may write anywhere: checked in the --as-user run");
                return;
        }
        (void) h_make_file("unwritable.bin", SMALL_SIZE);
        H_ASSERT_HR(IBackgroundCopyJob_AddFile(job, h_url("/unwritable.bin"), h_strdupf("%s/x.bin", vd)),
                    E_ACCESSDENIED);
        /* …also through a symlink of the user's own */
        {
                char *dest = h_dest_dir("unwritable");
                char *link = h_strdupf("%s/to-root", dest);

                H_ASSERT(symlink(vd, link) == 0);
                H_ASSERT_HR(IBackgroundCopyJob_AddFile(job, h_url("/unwritable.bin"), h_strdupf("%s/x.bin", link)),
                            E_ACCESSDENIED);
        }
        victim_check(vd);
}

/* A folder the user could write (0777) but cannot reach (inside root's 0700 folder), prepared by root
 * ($DOSVC_T_LOCKED). A root daemon reaches it (CAP_DAC_READ_SEARCH/OVERRIDE) unless it resolves and
 * opens the path with the owner's rights; the caller checks from outside that nothing arrived. */
static void test_attack__unreachable_folder_is_access_denied(void) {
        const char *locked = getenv("DOSVC_T_LOCKED");
        IBackgroundCopyJob *job;
        char *dest, *link;

        if (is_root())
                h_skip("root reaches every folder: checked in the --as-user and system runs");
        if (!locked || !locked[0])
                h_skip("no unreachable folder prepared ($DOSVC_T_LOCKED is not set)");
        H_ASSERT_MSG(access(locked, F_OK) < 0 && errno == EACCES, "%s is not unreachable for us", locked);
        job = h_create_job("unreachable", NULL);
        (void) h_make_file("unreachable.bin", SMALL_SIZE);
        H_ASSERT_HR(IBackgroundCopyJob_AddFile(job, h_url("/unreachable.bin"), h_strdupf("%s/x.bin", locked)),
                    E_ACCESSDENIED);
        /* …also through a symlink of the user's own (AddFile resolves it once, as the owner) */
        dest = h_dest_dir("unreachable");
        link = h_strdupf("%s/to-locked", dest);
        H_ASSERT(symlink(locked, link) == 0);
        H_ASSERT_HR(IBackgroundCopyJob_AddFile(job, h_url("/unreachable.bin"), h_strdupf("%s/x.bin", link)),
                    E_ACCESSDENIED);
}

/* The files the daemon makes for the job belong to its owner: in system mode the root daemon
 * creates them with the owner's fsuid/fsgid (its primary group), not as root. */
static void test_attack__files_are_created_as_the_owner(void) {
        char *dest = h_dest_dir("owner");
        char *local = h_strdupf("%s/out.bin", dest);
        IBackgroundCopyJob *job = job_with("owner", "owner.bin", SMALL_SIZE, "/", local);
        char *temp = temp_name(job);
        LPWSTR owner = NULL;
        struct stat st;

        H_ASSERT_OK(IBackgroundCopyJob_GetOwner(job, &owner));
        H_ASSERT_STREQ(owner, h_strdupf("%u", (unsigned) geteuid()));
        CoTaskMemFree(owner);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_MS);
        H_ASSERT_MSG(lstat(temp, &st) == 0, "no temp file %s before Complete: %m", temp);
        H_ASSERT_MSG(S_ISREG(st.st_mode) && st.st_uid == geteuid() && st.st_gid == getegid() && !(st.st_mode & S_IWOTH),
                     "temp file: mode 0%o, uid %u, gid %u; expected a regular file of %u:%u, not world-writable",
                     (unsigned) st.st_mode, (unsigned) st.st_uid, (unsigned) st.st_gid, (unsigned) geteuid(),
                     (unsigned) getegid());
        H_ASSERT_OK(IBackgroundCopyJob_Complete(job));
        H_ASSERT(lstat(local, &st) == 0);
        H_ASSERT_MSG(S_ISREG(st.st_mode) && st.st_uid == geteuid() && st.st_gid == getegid(),
                     "delivered file: mode 0%o, uid %u, gid %u; expected %u:%u", (unsigned) st.st_mode,
                     (unsigned) st.st_uid, (unsigned) st.st_gid, (unsigned) geteuid(), (unsigned) getegid());
        H_ASSERT(h_files_equal(h_strdupf("%s/owner.bin", h_docroot()), local));
        H_ASSERT_EQ_U64(h_count_temp_files(dest), 0);
}

static void test_attack__symlinked_folder_resolved_once(void) {
        const char *vd = victim_dir();
        char *dest = h_dest_dir("resolved-once");
        char *real = h_strdupf("%s/real", dest), *link = h_strdupf("%s/link", dest);
        char *local = h_strdupf("%s/secret", link);
        char *src = h_strdupf("%s/resolved-once.bin", h_docroot());
        IBackgroundCopyJob *job;
        LPWSTR name = NULL;
        char *temp;

        H_ASSERT(mkdir(real, 0755) == 0);
        H_ASSERT(symlink(real, link) == 0);
        job = job_with("resolved once", "resolved-once.bin", SMALL_SIZE, "/", local);
        temp = temp_name(job);
        H_ASSERT_MSG(strncmp(temp, real, strlen(real)) == 0 && temp[strlen(real)] == '/',
                     "temp file '%s' is not in the canonical folder '%s'", temp, real);
        /* The link re-pointed at the victim folder: the file still goes to the folder of AddFile. */
        H_ASSERT(unlink(link) == 0);
        H_ASSERT(symlink(vd, link) == 0);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_MS);
        H_ASSERT_OK(IBackgroundCopyJob_Complete(job));
        H_ASSERT_MSG(h_files_equal(src, h_strdupf("%s/secret", real)), "not delivered to the folder resolved at AddFile");
        H_ASSERT_OK(IBackgroundCopyFile_GetLocalName(file0(job), &name));
        H_ASSERT_STREQ(name, local);   /* the client's path, as given */
        CoTaskMemFree(name);
        victim_check(vd);
}

/* ---- the system service: the jobs went to it, not to a daemon of ours ---- */

static void test_system__no_daemon_of_our_own(void) {
        char *dir = h_strdupf("%s/dosvc", h_runtime_dir());

        H_ASSERT_MSG(h_system_mode(), "not in system mode: DOSVC_SYSTEM is not set");
        H_ASSERT_MSG(h_daemon_pid() < 0 && !h_file_exists(dir),
                     "a daemon of our own was started (%s exists): the jobs did not go to the system service", dir);
}

/* ---- the same attacks as a fresh non-root user, and against the system service ---- */

/* Every attack, in the order each run makes them: one list for the three runs, so that an attack
 * added here runs as root, as a fresh user and against the system service alike. */
#define ATTACK_TESTS                                                                    \
        H_TEST(test_attack__folder_symlink_swapped_before_resume),                      \
        H_TEST(test_attack__folder_symlink_swapped_during_transfer),                    \
        H_TEST(test_attack__temp_name_symlink_then_cancel),                             \
        H_TEST(test_attack__temp_name_hard_link),                                       \
        H_TEST(test_attack__temp_name_fifo_and_device),                                 \
        H_TEST(test_attack__destination_symlink_is_replaced),                           \
        H_TEST(test_attack__destination_fifo_or_device),                                \
        H_TEST(test_attack__dot_and_dotdot_paths),                                      \
        H_TEST(test_attack__unwritable_folder_is_access_denied),                        \
        H_TEST(test_attack__unreachable_folder_is_access_denied),                       \
        H_TEST(test_attack__files_are_created_as_the_owner),                            \
        H_TEST(test_attack__symlinked_folder_resolved_once)

static const HTest attack_tests[] = {
        ATTACK_TESTS,
};

static const HTest system_tests[] = {
        ATTACK_TESTS,
        H_TEST(test_system__no_daemon_of_our_own),   /* last: after every call the others made */
};

static void run(const char *const argv[]) {
        pid_t pid = fork();
        int status;

        if (pid == 0) {
                execvp(argv[0], (char *const *) argv);
                _exit(127);
        }
        if (pid > 0)
                (void) waitpid(pid, &status, 0);
}

static char user_name[32], victim_root[64];

static void delete_user(void *arg) {
        (void) arg;
        if (user_name[0]) {
                const char *cmd[] = { "userdel", "-f", user_name, NULL };

                run(cmd);
                user_name[0] = '\0';
        }
        if (victim_root[0]) {
                const char *cmd[] = { "rm", "-rf", victim_root, NULL };

                run(cmd);
                victim_root[0] = '\0';
        }
}

static void test_as_test_user(void) {
        struct passwd *pw;
        char home[sizeof victim_root + 8], victim[sizeof victim_root + 8], locked[sizeof victim_root + 16], line[1024];
        int fds[2], status = -1, fd;
        FILE *out;
        pid_t pid;

        if (!is_root())
                h_skip("needs root to create the test user");
        if (access("/usr/sbin/useradd", X_OK) < 0)
                h_skip("no useradd");
        srand((unsigned) (time(NULL) ^ getpid()));
        (void) snprintf(user_name, sizeof user_name, "dosvc-t-%06x", (unsigned) rand() & 0xffffff);
        h_at_test_end(delete_user, NULL);
        {
                const char *cmd[] = { "useradd", "-M", "-N", "-s", "/usr/sbin/nologin", user_name, NULL };

                run(cmd);
        }
        pw = getpwnam(user_name);
        if (!pw)
                h_skip("useradd %s failed", user_name);

        /* root's victim (0755, file 0644) and the user's home for its config/XDG dirs */
        (void) snprintf(victim_root, sizeof victim_root, "/tmp/dosvc-t-victim-XXXXXX");
        H_ASSERT(mkdtemp(victim_root));
        H_ASSERT(chmod(victim_root, 0755) == 0);
        (void) snprintf(victim, sizeof victim, "%s/etc", victim_root);
        (void) snprintf(home, sizeof home, "%s/home", victim_root);
        H_ASSERT(mkdir(victim, 0755) == 0 && mkdir(home, 0700) == 0 && chown(home, pw->pw_uid, pw->pw_gid) == 0);
        /* a folder the user may write but cannot reach: 0777 inside root's 0700 */
        (void) snprintf(locked, sizeof locked, "%s/locked", victim_root);
        H_ASSERT(mkdir(locked, 0700) == 0);
        (void) snprintf(locked, sizeof locked, "%s/locked/open", victim_root);
        H_ASSERT(mkdir(locked, 0777) == 0 && chmod(locked, 0777) == 0);
        fd = open(h_strdupf("%s/secret", victim), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        H_ASSERT(fd >= 0 && write(fd, "precious", 8) == 8);
        close(fd);

        H_ASSERT(pipe2(fds, O_CLOEXEC) == 0);
        pid = fork();
        H_ASSERT(pid >= 0);
        if (pid == 0) {
                (void) dup2(fds[1], STDOUT_FILENO);
                (void) dup2(fds[1], STDERR_FILENO);
                if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
                        _exit(126);
                if (setenv("HOME", home, 1) < 0 || setenv("XDG_CONFIG_HOME", home, 1) < 0 ||
                    setenv("DOSVC_T_VICTIM", victim, 1) < 0 || setenv("DOSVC_T_LOCKED", locked, 1) < 0)
                        _exit(126);
                execl("/proc/self/exe", "test-path-attacks", AS_USER, (char *) NULL);
                _exit(127);
        }
        close(fds[1]);
        out = fdopen(fds[0], "r");
        H_ASSERT(out);
        /* The child's own harness bounds every wait; its TAP lines become notes here. */
        while (fgets(line, sizeof line, out)) {
                line[strcspn(line, "\n")] = '\0';
                h_note("%s: %s", user_name, line);
        }
        fclose(out);
        (void) waitpid(pid, &status, 0);

        victim_check(victim);
        if (h_count_entries(locked) != 0) {
                h_list_dir(locked);
                H_FAIL("something was created in the unreachable folder %s", locked);
        }
        H_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the attacks as %s failed (status 0x%x)", user_name,
                     (unsigned) status);
}

static const HTest all_tests[] = {
        ATTACK_TESTS,
        H_TEST(test_as_test_user),
};

int main(int argc, char **argv) {
        if (argc > 1 && strcmp(argv[1], AS_USER) == 0) {
                char *only[] = { argv[0], NULL };

                return h_run(1, only, attack_tests, H_ELEMENTSOF(attack_tests));
        }
        if (argc > 1 && strcmp(argv[1], SYSTEM_DAEMON) == 0) {
                /* Without system mode libdosvc would start a user daemon of its own: refuse, rather
                 * than pass against the wrong daemon. Test names may follow, as usual. */
                if (!h_system_mode() || !getenv("DOSVC_SYSTEM_BUS_ADDRESS")) {
                        printf("Bail out! %s needs DOSVC_SYSTEM=1 and DOSVC_SYSTEM_BUS_ADDRESS (see test-system.sh)\n",
                               SYSTEM_DAEMON);
                        return EXIT_FAILURE;
                }
                if (is_root()) {
                        printf("Bail out! %s runs as the non-root owner of the jobs, not as root\n", SYSTEM_DAEMON);
                        return EXIT_FAILURE;
                }
                argv[1] = argv[0];
                return h_run(argc - 1, argv + 1, system_tests, H_ELEMENTSOF(system_tests));
        }
        return h_run(argc, argv, all_tests, H_ELEMENTSOF(all_tests));
}
