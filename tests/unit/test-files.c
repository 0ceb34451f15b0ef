/* test-files.c: privilege separation for a job's files (src/daemon/files.c), without a daemon.
 *
 * Runs as root (CI does); as anyone else every test is skipped. Each test builds a small world in a
 * fresh /tmp dir: a "victim" folder and file owned by root (mode 0755 / 0644: what a root daemon
 * could write but the user must not reach through it), and a folder owned by the test user
 * ("nobody", or $DOSVC_TEST_USER). The attacks are run twice where it makes sense: once for a
 * non-root owner, so the daemon (root) switches to the owner's rights (fs_user_enter), and once for
 * a root owner, where only the path handling (no symlinks, single-component names, checks of what
 * was opened) stands between the attacker and the victim.
 *
 * What each attack must show: refused, the victim's bytes unchanged, nothing new in the victim
 * folder, nothing deleted there. */
#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "files.h"

typedef struct World {
        char root[64];
        char victim_dir[128];   /* root:root 0755 */
        char victim[160];       /* root:root 0644, "precious" */
        char user_dir[128];     /* user:group 0755 */
        uid_t uid;
        gid_t gid;
} World;

static World w;

static const char *user_name(void) {
        const char *e = getenv("DOSVC_TEST_USER");

        return e && e[0] ? e : "nobody";
}

static void write_file(const char *path, const char *text, mode_t mode) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        assert_int_equal(close(fd), 0);
}

static char *read_file(const char *path, char *buf, size_t n) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t got;

        if (fd < 0)
                return NULL;
        got = read(fd, buf, n - 1);
        close(fd);
        if (got < 0)
                return NULL;
        buf[got] = '\0';
        return buf;
}

static void assert_victim_intact(void) {
        char buf[64];
        struct stat st;

        assert_non_null(read_file(w.victim, buf, sizeof buf));
        assert_string_equal(buf, "precious");
        assert_int_equal(lstat(w.victim, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_uid, 0);
}

static int count_entries(const char *dir) {
        char cmd[256];
        FILE *p;
        int n = -1;

        (void) snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
        p = popen(cmd, "r");
        if (p && fscanf(p, "%d", &n) != 1)
                n = -1;
        if (p)
                pclose(p);
        return n;
}

static char *upath(const char *name) {
        static char buf[4][256];
        static unsigned i;
        char *b = buf[i++ % 4];

        (void) snprintf(b, sizeof buf[0], "%s/%s", w.user_dir, name);
        return b;
}

static int setup(void **state) {
        struct passwd *pw;

        (void) state;
        if (geteuid() != 0)
                return 0;
        pw = getpwnam(user_name());
        if (!pw)
                return 0;
        w = (World) { .uid = pw->pw_uid, .gid = pw->pw_gid };
        (void) snprintf(w.root, sizeof w.root, "/tmp/dosvc-t-files-XXXXXX");
        assert_non_null(mkdtemp(w.root));
        assert_int_equal(chmod(w.root, 0755), 0);
        (void) snprintf(w.victim_dir, sizeof w.victim_dir, "%s/etc", w.root);
        (void) snprintf(w.victim, sizeof w.victim, "%s/secret", w.victim_dir);
        (void) snprintf(w.user_dir, sizeof w.user_dir, "%s/home", w.root);
        assert_int_equal(mkdir(w.victim_dir, 0755), 0);
        write_file(w.victim, "precious", 0644);
        assert_int_equal(mkdir(w.user_dir, 0755), 0);
        assert_int_equal(chown(w.user_dir, w.uid, w.gid), 0);
        return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        (void) st;
        (void) type;
        (void) ftw;
        (void) remove(path);
        return 0;
}

static int teardown(void **state) {
        (void) state;
        /* Depth first, never following links: a planted symlink is removed, not its target. */
        if (w.root[0])
                (void) nftw(w.root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        w = (World) {};
        return 0;
}

static void need_root(void) {
        if (geteuid() != 0)
                skip();
        if (!w.root[0])
                skip();   /* no test user */
}

/* Owner = the test user (the daemon switches) or root (no switch: the path handling alone). */
static FsUser owner(bool as_user) {
        FsUser u;

        assert_int_equal(fs_user_init(&u, as_user ? w.uid : 0), 0);
        assert_int_equal(u.do_switch, as_user);
        return u;
}

/* ---- the switch itself ---- */

static void test_files__switch_denies_root_only_file_allows_own(void **state) {
        FsUser u;
        FsUserScope s;
        int fd;

        (void) state;
        need_root();
        u = owner(true);
        write_file(upath("own"), "mine", 0600);
        assert_int_equal(chown(upath("own"), w.uid, w.gid), 0);
        assert_int_equal(chmod(w.victim, 0600), 0);

        assert_int_equal(fs_user_enter(&u, &s), 0);
        assert_int_equal(setfsuid((uid_t) -1), (int) w.uid);
        assert_int_equal(setfsgid((gid_t) -1), (int) w.gid);
        /* root-only file: EACCES (CAP_DAC_OVERRIDE is gone with fsuid ≠ 0) */
        fd = open(w.victim, O_RDONLY | O_CLOEXEC);
        assert_true(fd < 0 && errno == EACCES);
        fd = open(w.victim, O_WRONLY | O_CLOEXEC);
        assert_true(fd < 0 && errno == EACCES);
        /* creating in a root folder: EACCES */
        fd = open(upath("../etc/planted"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        assert_true(fd < 0 && errno == EACCES);
        /* the user's own file works, and a new file belongs to the user */
        fd = open(upath("own"), O_RDWR | O_CLOEXEC);
        assert_true(fd >= 0);
        close(fd);
        fd = open(upath("new"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        close(fd);
        fs_user_leave(&s);

        /* back: root again */
        assert_int_equal(setfsuid((uid_t) -1), 0);
        fd = open(w.victim, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        close(fd);
        {
                struct stat st;

                assert_int_equal(stat(upath("new"), &st), 0);
                assert_int_equal(st.st_uid, w.uid);
                assert_int_equal(st.st_gid, w.gid);
        }
        assert_int_equal(chmod(w.victim, 0644), 0);
        assert_int_equal(count_entries(w.victim_dir), 1);
        fs_user_done(&u);
}

static pthread_barrier_t barrier;

/* Waits until the main thread has switched, then reports its own fsuid and group count. */
static void *thread_ids(void *arg) {
        int *out = arg;

        (void) pthread_barrier_wait(&barrier);
        out[0] = setfsuid((uid_t) -1);
        out[1] = getgroups(0, NULL);
        (void) pthread_barrier_wait(&barrier);
        return NULL;
}

static void test_files__switch_is_per_thread(void **state) {
        FsUser u;
        FsUserScope s;
        pthread_t th;
        int seen[2] = { -1, -1 }, groups_before = getgroups(0, NULL);

        (void) state;
        need_root();
        u = owner(true);
        assert_int_equal(pthread_barrier_init(&barrier, NULL, 2), 0);
        assert_int_equal(pthread_create(&th, NULL, thread_ids, seen), 0);
        assert_int_equal(fs_user_enter(&u, &s), 0);
        (void) pthread_barrier_wait(&barrier);   /* the thread looks now… */
        (void) pthread_barrier_wait(&barrier);   /* …and has looked */
        assert_int_equal(setfsuid((uid_t) -1), (int) w.uid);
        fs_user_leave(&s);
        assert_int_equal(pthread_join(th, NULL), 0);
        (void) pthread_barrier_destroy(&barrier);
        /* The other thread kept root's fs ids and groups: setgroups is the raw, per-thread call. */
        assert_int_equal(seen[0], 0);
        assert_int_equal(seen[1], groups_before);
        assert_int_equal(setfsuid((uid_t) -1), 0);
        assert_int_equal(getgroups(0, NULL), groups_before);
        fs_user_done(&u);
}

static void test_files__user_mode_does_not_switch(void **state) {
        FsUser u;

        (void) state;
        assert_int_equal(fs_user_init(&u, geteuid()), 0);
        assert_false(u.do_switch);
        assert_int_equal(u.uid, geteuid());
        fs_user_done(&u);
}

static void test_files__unknown_owner_fails_closed(void **state) {
        FsUser u;

        (void) state;
        need_root();
        if (getpwuid(4123456789u))
                skip();
        assert_int_equal(fs_user_init(&u, 4123456789u), -EACCES);
        /* …and the FS_USER_NULL it leaves makes every file call fail, without touching anything */
        {
                int fd = -1;

                assert_int_equal(files_open_temp(&u, upath(".dosvc-n-0.part"), true, &fd), -EACCES);
                assert_int_equal(access(upath(".dosvc-n-0.part"), F_OK), -1);
                write_file(upath(".dosvc-n-1.part"), "", 0644);
                assert_int_equal(files_unlink_temp(&u, upath(".dosvc-n-1.part")), -EACCES);
                assert_int_equal(access(upath(".dosvc-n-1.part"), F_OK), 0);
                assert_int_equal(files_check_destination(&u, upath("x.bin"), NULL), -EACCES);
        }
}

/* ---- AddFile-time checks ---- */

static void test_files__check_destination(void **state) {
        FsUser u, r;
        char *folder = NULL;
        char p[256];

        (void) state;
        need_root();
        u = owner(true);
        r = owner(false);

        /* a root folder: the user cannot write it (behaviour 62), root can */
        (void) snprintf(p, sizeof p, "%s/x.bin", w.victim_dir);
        assert_int_equal(files_check_destination(&u, p, NULL), -EACCES);
        assert_int_equal(files_check_destination(&r, p, NULL), 0);
        /* missing folder, directory, FIFO, device as the destination */
        assert_int_equal(files_check_destination(&u, upath("nope/x.bin"), NULL), -ENOENT);
        assert_int_equal(mkdir(upath("adir"), 0755), 0);
        assert_int_equal(files_check_destination(&u, upath("adir"), NULL), -EISDIR);
        assert_int_equal(mkfifo(upath("fifo"), 0644), 0);
        assert_int_equal(files_check_destination(&u, upath("fifo"), NULL), -EINVAL);
        assert_int_equal(mknod(upath("null"), S_IFCHR | 0666, makedev(1, 3)), 0);
        assert_int_equal(files_check_destination(&u, upath("null"), NULL), -EINVAL);
        assert_int_equal(files_check_destination(&r, upath("null"), NULL), -EINVAL);
        /* a symlink as the destination is fine (Complete replaces the link) */
        assert_int_equal(symlink(w.victim, upath("link")), 0);
        assert_int_equal(files_check_destination(&u, upath("link"), NULL), 0);
        /* a symlink in the folder's path is followed once, here, with the owner's rights: the
         * canonical folder comes back */
        assert_int_equal(symlink(w.user_dir, upath("alias")), 0);
        (void) snprintf(p, sizeof p, "%s/alias/x.bin", w.user_dir);
        assert_int_equal(files_check_destination(&u, p, &folder), 0);
        assert_string_equal(folder, w.user_dir);
        free(folder);
        /* …but a symlink to a root folder does not make it writable */
        assert_int_equal(symlink(w.victim_dir, upath("to-etc")), 0);
        (void) snprintf(p, sizeof p, "%s/to-etc/x.bin", w.user_dir);
        assert_int_equal(files_check_destination(&u, p, NULL), -EACCES);
        fs_user_done(&u);
        fs_user_done(&r);
}

/* ---- folder resolution ---- */

static void test_files__open_folder_refuses_symlinks(void **state) {
        char p[256];
        int fd;

        (void) state;
        need_root();
        assert_int_equal(mkdir(upath("real"), 0755), 0);
        assert_int_equal(symlink(w.victim_dir, upath("swapped")), 0);
        for (int walk = 0; walk <= 1; walk++) {
                fd = files_open_folder(upath("real"), walk);
                assert_true(fd >= 0);
                close(fd);
                assert_int_equal(files_open_folder(upath("swapped"), walk), -EACCES);
                (void) snprintf(p, sizeof p, "%s/swapped/sub", w.user_dir);
                assert_int_equal(files_open_folder(p, walk), -EACCES);
                assert_int_equal(files_open_folder("/proc/self/cwd", walk), -EACCES);   /* a magic link */
                assert_int_equal(files_open_folder(upath("missing"), walk), -ENOENT);
        }
}

/* ---- the temp file ---- */

static void attack_temp_symlink(bool as_user) {
        FsUser u = owner(as_user);
        int fd = -1;

        assert_int_equal(symlink(w.victim, upath(".dosvc-a-0.part")), 0);
        assert_int_equal(files_open_temp(&u, upath(".dosvc-a-0.part"), true, &fd), -EACCES);
        assert_victim_intact();
        /* Cancel: the link goes, the victim stays */
        assert_int_equal(files_unlink_temp(&u, upath(".dosvc-a-0.part")), 0);
        assert_int_equal(access(upath(".dosvc-a-0.part"), F_OK), -1);
        assert_victim_intact();
        fs_user_done(&u);
}

static void test_files__temp_symlink_refused_as_user(void **state) {
        (void) state;
        need_root();
        attack_temp_symlink(true);
}

static void test_files__temp_symlink_refused_as_root(void **state) {
        (void) state;
        need_root();
        attack_temp_symlink(false);
}

static void attack_temp_hardlink(bool as_user) {
        FsUser u = owner(as_user);
        int fd = -1;

        assert_int_equal(link(w.victim, upath(".dosvc-h-0.part")), 0);   /* planted (as root: any link) */
        assert_int_equal(files_open_temp(&u, upath(".dosvc-h-0.part"), true, &fd), -EACCES);
        assert_victim_intact();
        fs_user_done(&u);
}

static void test_files__temp_hardlink_refused_as_user(void **state) {
        (void) state;
        need_root();
        attack_temp_hardlink(true);
}

static void test_files__temp_hardlink_refused_as_root(void **state) {
        (void) state;
        need_root();
        attack_temp_hardlink(false);
}

static void attack_temp_special(bool as_user) {
        FsUser u = owner(as_user);
        int fd = -1;

        /* A FIFO without a reader: refused at once, never blocks. A device: never opened. */
        assert_int_equal(mkfifo(upath(".dosvc-f-0.part"), 0666), 0);
        assert_int_equal(chown(upath(".dosvc-f-0.part"), as_user ? w.uid : 0, 0), 0);
        assert_int_equal(files_open_temp(&u, upath(".dosvc-f-0.part"), true, &fd), -EACCES);
        assert_int_equal(mknod(upath(".dosvc-d-0.part"), S_IFCHR | 0666, makedev(1, 3)), 0);
        assert_int_equal(files_open_temp(&u, upath(".dosvc-d-0.part"), true, &fd), -EACCES);
        /* a file owned by someone else (planted in a shared folder) */
        write_file(upath(".dosvc-o-0.part"), "", 0666);
        assert_int_equal(chown(upath(".dosvc-o-0.part"), as_user ? 0 : w.uid, 0), 0);
        assert_int_equal(files_open_temp(&u, upath(".dosvc-o-0.part"), true, &fd), -EACCES);
        fs_user_done(&u);
}

static void test_files__temp_fifo_device_foreign_refused_as_user(void **state) {
        (void) state;
        need_root();
        attack_temp_special(true);
}

static void test_files__temp_fifo_device_foreign_refused_as_root(void **state) {
        (void) state;
        need_root();
        attack_temp_special(false);
}

/* The folder swapped for a symlink to the victim folder after it was checked: create, "is it still
 * linked", unlink and deliver all refuse; nothing appears or goes in the victim folder. */
static void attack_folder_swap(bool as_user) {
        FsUser u = owner(as_user);
        char dir[256], moved[256], temp[300], dest[300], planted[300];
        int fd = -1, fd2 = -1;

        (void) snprintf(dir, sizeof dir, "%s/dl", w.user_dir);
        (void) snprintf(moved, sizeof moved, "%s/dl.moved", w.user_dir);
        (void) snprintf(temp, sizeof temp, "%s/.dosvc-s-0.part", dir);
        (void) snprintf(dest, sizeof dest, "%s/secret", dir);
        (void) snprintf(planted, sizeof planted, "%s/.dosvc-s-0.part", w.victim_dir);
        assert_int_equal(mkdir(dir, 0755), 0);
        assert_int_equal(chown(dir, w.uid, w.gid), 0);

        /* during the transfer: the file is open, then the folder moves and a link takes its name */
        assert_int_equal(files_open_temp(&u, temp, true, &fd), 0);
        assert_int_equal(write(fd, "evil", 4), 4);
        assert_int_equal(files_temp_is_linked(&u, temp, fd), 1);
        assert_int_equal(rename(dir, moved), 0);
        assert_int_equal(symlink(w.victim_dir, dir), 0);
        assert_int_equal(files_temp_is_linked(&u, temp, fd), 0);
        /* Complete would deliver over the victim (same name "secret"): refused */
        assert_int_equal(files_deliver(&u, temp, dest), -EACCES);
        /* a new transfer would create in the victim folder: refused */
        assert_int_equal(files_open_temp(&u, temp, true, &fd2), -EACCES);
        /* Cancel would delete in the victim folder: a file of that name there survives */
        write_file(planted, "root's", 0644);
        assert_true(files_unlink_temp(&u, temp) < 0);
        assert_int_equal(access(planted, F_OK), 0);
        assert_int_equal(unlink(planted), 0);
        assert_victim_intact();
        assert_int_equal(count_entries(w.victim_dir), 1);
        close(fd);
        fs_user_done(&u);
}

static void test_files__folder_swap_refused_as_user(void **state) {
        (void) state;
        need_root();
        attack_folder_swap(true);
}

static void test_files__folder_swap_refused_as_root(void **state) {
        (void) state;
        need_root();
        attack_folder_swap(false);
}

/* ---- Complete ---- */

static void attack_destination(bool as_user) {
        FsUser u = owner(as_user);
        char buf[64];
        struct stat st;
        int fd = -1;

        /* the destination is a symlink to the victim: the link is replaced, the victim untouched */
        assert_int_equal(files_open_temp(&u, upath(".dosvc-c-0.part"), true, &fd), 0);
        assert_int_equal(write(fd, "download", 8), 8);
        close(fd);
        assert_int_equal(symlink(w.victim, upath("dest.bin")), 0);
        assert_int_equal(files_deliver(&u, upath(".dosvc-c-0.part"), upath("dest.bin")), 0);
        assert_int_equal(lstat(upath("dest.bin"), &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_uid, as_user ? w.uid : 0);
        assert_string_equal(read_file(upath("dest.bin"), buf, sizeof buf), "download");
        assert_victim_intact();

        /* a FIFO, a device, a directory at the destination: not replaced */
        assert_int_equal(files_open_temp(&u, upath(".dosvc-c-1.part"), true, &fd), 0);
        close(fd);
        assert_int_equal(mkfifo(upath("fifo.bin"), 0666), 0);
        assert_int_equal(files_deliver(&u, upath(".dosvc-c-1.part"), upath("fifo.bin")), -EEXIST);
        assert_int_equal(mknod(upath("null.bin"), S_IFCHR | 0666, makedev(1, 3)), 0);
        assert_int_equal(files_deliver(&u, upath(".dosvc-c-1.part"), upath("null.bin")), -EEXIST);
        assert_int_equal(mkdir(upath("dir.bin"), 0755), 0);
        assert_int_equal(files_deliver(&u, upath(".dosvc-c-1.part"), upath("dir.bin")), -EEXIST);
        assert_int_equal(lstat(upath("fifo.bin"), &st), 0);
        assert_true(S_ISFIFO(st.st_mode));

        /* the temp name swapped for a symlink to the victim before Complete: not delivered */
        assert_int_equal(unlink(upath(".dosvc-c-1.part")), 0);
        assert_int_equal(symlink(w.victim, upath(".dosvc-c-1.part")), 0);
        assert_int_equal(files_deliver(&u, upath(".dosvc-c-1.part"), upath("other.bin")), -EACCES);
        assert_int_equal(access(upath("other.bin"), F_OK), -1);
        assert_victim_intact();
        fs_user_done(&u);
}

static void test_files__destination_attacks_as_user(void **state) {
        (void) state;
        need_root();
        attack_destination(true);
}

static void test_files__destination_attacks_as_root(void **state) {
        (void) state;
        need_root();
        attack_destination(false);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_files__user_mode_does_not_switch),
                cmocka_unit_test_setup_teardown(test_files__switch_denies_root_only_file_allows_own, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files__switch_is_per_thread, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files__unknown_owner_fails_closed, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files__check_destination, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files__open_folder_refuses_symlinks, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files__temp_symlink_refused_as_user, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files__temp_symlink_refused_as_root, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files__temp_hardlink_refused_as_user, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files__temp_hardlink_refused_as_root, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files__temp_fifo_device_foreign_refused_as_user, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files__temp_fifo_device_foreign_refused_as_root, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files__folder_swap_refused_as_user, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files__folder_swap_refused_as_root, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files__destination_attacks_as_user, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files__destination_attacks_as_root, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
