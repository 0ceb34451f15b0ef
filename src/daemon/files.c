/* files.c: write/fsync of temp files, with the debug fault-injection hook, and every filesystem
 * call on a job's files with the owner's rights and without following symlinks (see files.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "files.h"
#include "log.h"
#include "macro.h"

#if DOSVC_FAULT_INJECTION
typedef struct FaultPlan {
        bool parsed;
        uint64_t write_after;     /* UINT64_MAX = never */
        int write_errno;
        uint64_t fsync_after;
        uint64_t written, fsyncs;
} FaultPlan;

static FaultPlan fault_plan;

static void fault_plan_parse(void) {
        const char *env = getenv("DOSVC_FAULT_INJECT");
        char *copy, *item, *save = NULL;

        fault_plan = (FaultPlan) { .parsed = true, .write_after = UINT64_MAX, .fsync_after = UINT64_MAX };
        if (!env || !env[0])
                return;
        copy = strdup(env);
        if (!copy)
                return;
        for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
                char *eq = strchr(item, '='), *end;
                unsigned long long n;

                if (!eq)
                        continue;
                *eq = '\0';
                errno = 0;
                n = strtoull(eq + 1, &end, 10);
                if (errno != 0 || *end != '\0') {
                        log_warning("Ignoring invalid DOSVC_FAULT_INJECT item '%s'.", item);
                        continue;
                }
                if (strcmp(item, "write-eio-after") == 0) {
                        fault_plan.write_after = n;
                        fault_plan.write_errno = EIO;
                } else if (strcmp(item, "write-enospc-after") == 0) {
                        fault_plan.write_after = n;
                        fault_plan.write_errno = ENOSPC;
                } else if (strcmp(item, "fsync-eio-after") == 0)
                        fault_plan.fsync_after = n;
                else
                        log_warning("Ignoring unknown DOSVC_FAULT_INJECT item '%s'.", item);
        }
        free(copy);
        log_notice("Fault injection armed: %s", env);
}
#endif

int file_write_all(int fd, const void *buf, size_t len) {
        const char *p = buf;

#if DOSVC_FAULT_INJECTION
        if (!fault_plan.parsed)
                fault_plan_parse();
        if (fault_plan.write_after != UINT64_MAX && fault_plan.written + len > fault_plan.write_after)
                return -fault_plan.write_errno;
        fault_plan.written += len;
#endif
        while (len > 0) {
                ssize_t n = write(fd, p, len);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                len -= (size_t) n;
        }
        return 0;
}

int file_datasync(int fd) {
#if DOSVC_FAULT_INJECTION
        if (!fault_plan.parsed)
                fault_plan_parse();
        if (fault_plan.fsync_after != UINT64_MAX && fault_plan.fsyncs++ >= fault_plan.fsync_after)
                return -EIO;
#endif
        if (fdatasync(fd) < 0)
                return -errno;
        return 0;
}

/* ---- the owner's rights ---- */

int fs_user_init(FsUser *ret, uid_t owner) {
        _cleanup_free_ char *buf = NULL;
        struct passwd pw, *res = NULL;
        long size = sysconf(_SC_GETPW_R_SIZE_MAX);
        gid_t *groups = NULL;
        int n = 16, r;

        *ret = FS_USER_NULL;
        if (geteuid() != 0 || owner == 0) {
                /* User mode (the daemon is the owner), or a root owner in a root daemon. */
                *ret = (FsUser) { .uid = geteuid(), .gid = getegid() };
                return 0;
        }

        if (size <= 0)
                size = 16384;
        buf = malloc((size_t) size);
        if (!buf)
                return -ENOMEM;
        r = getpwuid_r(owner, &pw, buf, (size_t) size, &res);
        if (r != 0 || !res) {
                log_warning("Owner uid %u has no passwd entry: refusing to touch its files.", (unsigned) owner);
                return -EACCES;
        }
        for (;;) {
                int want = n;
                gid_t *g = realloc(groups, sizeof(gid_t) * (size_t) want);

                if (!g) {
                        free(groups);
                        return -ENOMEM;
                }
                groups = g;
                if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &want) >= 0) {
                        n = want;
                        break;
                }
                if (want <= n || want > 65536) {
                        free(groups);
                        return -EACCES;
                }
                n = want;
        }
        *ret = (FsUser) { .uid = owner, .gid = pw.pw_gid, .groups = groups, .n_groups = n, .do_switch = true };
        return 0;
}

void fs_user_done(FsUser *u) {
        if (!u)
                return;
        free(u->groups);
        *u = FS_USER_NULL;
}

/* The raw system call: only this thread's groups change (see files.h). */
static int thread_setgroups(int n, const gid_t *groups) {
#ifdef SYS_setgroups32
        return (int) syscall(SYS_setgroups32, n, groups);
#else
        return (int) syscall(SYS_setgroups, n, groups);
#endif
}

/* The fs ids in force: set*(-1) changes nothing and returns the current value. */
static uid_t current_fsuid(void) {
        return (uid_t) setfsuid((uid_t) -1);
}

static gid_t current_fsgid(void) {
        return (gid_t) setfsgid((gid_t) -1);
}

void fs_user_leave(FsUserScope *s) {
        if (!s || !s->active)
                return;
        /* fsuid first: back at 0, the capabilities return, so the groups can be set back. */
        (void) setfsuid(geteuid());
        (void) setfsgid(getegid());
        if (current_fsuid() != geteuid() || current_fsgid() != getegid() ||
            thread_setgroups(s->n_saved_groups, s->saved_groups) < 0) {
                log_error("Failed to switch back to the daemon's own file identity: aborting.");
                abort();
        }
        free(s->saved_groups);
        *s = (FsUserScope) {};
}

int fs_user_enter(const FsUser *u, FsUserScope *ret) {
        FsUserScope s = {};
        int n;

        *ret = (FsUserScope) {};
        if (u->uid == (uid_t) -1)
                return -EACCES;   /* FS_USER_NULL: fs_user_init() failed or was not called: fail closed */
        if (!u->do_switch)
                return 0;
        if (current_fsuid() != geteuid())
                return log_error_errno(-EACCES, "File identity switch requested while one is active: %m");

        n = getgroups(0, NULL);
        if (n < 0)
                return -errno;
        s.saved_groups = malloc(sizeof(gid_t) * (size_t) (n + 1));
        if (!s.saved_groups)
                return -ENOMEM;
        n = getgroups(n, s.saved_groups);
        if (n < 0) {
                free(s.saved_groups);
                return -errno;
        }
        s.n_saved_groups = n;
        s.active = true;

        /* Groups and fsgid while fsuid is still 0 (they need CAP_SETGID), fsuid last. */
        if (thread_setgroups(u->n_groups, u->groups) < 0)
                goto fail;
        (void) setfsgid(u->gid);
        if (current_fsgid() != u->gid)
                goto fail;
        (void) setfsuid(u->uid);
        if (current_fsuid() != u->uid)
                goto fail;
        *ret = s;
        return 0;

fail:
        log_error("Failed to take the file identity of uid %u: refusing the file operation.", (unsigned) u->uid);
        fs_user_leave(&s);
        return -EACCES;
}

static void fs_user_scope_leavep(FsUserScope *s) {
        fs_user_leave(s);
}
#define _cleanup_fs_scope_ _cleanup_(fs_user_scope_leavep)

/* ---- paths that cannot be redirected ---- */

static int open_folder_walk(const char *folder) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *copy = strdup(folder);
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        if (folder[0] != '/')
                return -EINVAL;
        fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                int nfd;

                if (streq(c, ".") || streq(c, ".."))
                        return -EINVAL;
                nfd = openat(fd, c, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
                if (nfd < 0) {
                        int saved = errno;
                        struct stat st;

                        /* O_PATH|O_NOFOLLOW reaches the link itself, which O_DIRECTORY refuses. */
                        if (saved == ENOTDIR && fstatat(fd, c, &st, AT_SYMLINK_NOFOLLOW) >= 0 && S_ISLNK(st.st_mode))
                                return -ELOOP;
                        return -saved;
                }
                safe_close(fd);
                fd = nfd;
        }
        return TAKE_FD(fd);
}

static int open_folder(const char *folder, bool walk) {
        struct open_how how = {
                .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        int fd;

        if (folder[0] != '/')
                return -EINVAL;
        if (!walk) {
                fd = (int) syscall(SYS_openat2, AT_FDCWD, folder, &how, sizeof how);
                if (fd >= 0)
                        return fd;
                if (errno != ENOSYS)
                        return -errno;
        }
        return open_folder_walk(folder);
}

int files_open_folder(const char *folder, bool walk) {
        int fd = open_folder(folder, walk);

        if (fd == -ELOOP) {
                log_notice("'%s' has a symlink in its path (swapped in after the path was checked?): refused.", folder);
                return -EACCES;
        }
        return fd;
}

/* Split an absolute file path into its folder ("/" for a file at the top) and last component. */
static int split_path(const char *path, char **ret_folder, const char **ret_name) {
        const char *slash = path ? strrchr(path, '/') : NULL;
        const char *name;

        if (!slash || path[0] != '/')
                return -EINVAL;
        name = slash + 1;
        if (!name[0] || streq(name, ".") || streq(name, ".."))
                return -EINVAL;
        *ret_folder = slash == path ? strdup("/") : strndup(path, (size_t) (slash - path));
        if (!*ret_folder)
                return -ENOMEM;
        *ret_name = name;
        return 0;
}

/* The temp file (or what sits at its name) is ours: a regular file, one link, created by us. */
static bool stat_is_ours(const FsUser *u, const struct stat *st) {
        return S_ISREG(st->st_mode) && st->st_nlink == 1 && st->st_uid == u->uid;
}

int files_check_destination(const FsUser *u, const char *local_path, char **ret_folder) {
        _cleanup_fs_scope_ FsUserScope scope = {};
        _cleanup_free_ char *folder = NULL, *canonical = NULL;
        _cleanup_close_ int dfd = -EBADF;
        const char *name;
        struct stat st;
        int r;

        r = split_path(local_path, &folder, &name);
        if (r < 0)
                return r;
        r = fs_user_enter(u, &scope);
        if (r < 0)
                return r;

        /* The only place a symlink in the path is followed: the folder as the client named it,
         * with the owner's rights. From now on the job uses the canonical folder, without links. */
        canonical = realpath(folder, NULL);
        if (!canonical)
                return errno == ELOOP ? -EINVAL : -errno;
        dfd = files_open_folder(canonical, false);
        if (dfd < 0)
                return dfd;
        if (faccessat(dfd, ".", W_OK | X_OK, AT_EACCESS) < 0)
                return errno == EROFS ? -EROFS : -EACCES;
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) >= 0) {
                if (S_ISDIR(st.st_mode))
                        return -EISDIR;
                if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
                        return -EINVAL;
        } else if (errno != ENOENT)
                return errno == EACCES || errno == EPERM ? -EACCES : -errno;

        if (ret_folder)
                *ret_folder = TAKE_PTR(canonical);
        return 0;
}

int files_open_temp(const FsUser *u, const char *temp_path, bool create, int *ret_fd) {
        _cleanup_fs_scope_ FsUserScope scope = {};
        _cleanup_free_ char *folder = NULL;
        _cleanup_close_ int dfd = -EBADF, fd = -EBADF;
        const char *name;
        struct stat st;
        int r, flags;

        r = split_path(temp_path, &folder, &name);
        if (r < 0)
                return r;
        r = fs_user_enter(u, &scope);
        if (r < 0)
                return r;
        dfd = files_open_folder(folder, false);
        if (dfd < 0)
                return dfd;

        /* Refuse what is not a regular file BEFORE opening it: opening a device can have effects
         * of its own, and a FIFO would block. O_NONBLOCK covers a swap in between (a FIFO without
         * a reader then fails with ENXIO instead of blocking). */
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) >= 0) {
                if (!S_ISREG(st.st_mode)) {
                        log_notice("'%s' is not a regular file (mode 0%o): refused as a temp file.", temp_path,
                                   (unsigned) st.st_mode);
                        return -EACCES;
                }
        } else if (errno != ENOENT || !create)
                return -errno;

        flags = O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (create ? O_CREAT : 0);
        fd = openat(dfd, name, flags, 0666);
        if (fd < 0) {
                if (errno == ELOOP || errno == ENXIO) {
                        log_notice("'%s' was swapped for a symlink or FIFO: refused as a temp file.", temp_path);
                        return -EACCES;
                }
                return -errno;
        }
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!stat_is_ours(u, &st)) {
                log_notice("'%s' is not a temp file of ours (mode 0%o, %u links, uid %u): refused.", temp_path,
                           (unsigned) st.st_mode, (unsigned) st.st_nlink, (unsigned) st.st_uid);
                return -EACCES;
        }
        if (fcntl(fd, F_SETFL, 0) < 0)   /* drop O_NONBLOCK */
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int files_temp_is_linked(const FsUser *u, const char *temp_path, int fd) {
        _cleanup_fs_scope_ FsUserScope scope = {};
        _cleanup_free_ char *folder = NULL;
        _cleanup_close_ int dfd = -EBADF;
        struct stat a, b;
        const char *name;
        int r;

        if (fstat(fd, &a) < 0)
                return -errno;
        r = split_path(temp_path, &folder, &name);
        if (r < 0)
                return r;
        r = fs_user_enter(u, &scope);
        if (r < 0)
                return r;
        dfd = files_open_folder(folder, false);
        if (dfd == -ENOENT || dfd == -ENOTDIR || dfd == -EACCES)
                return 0;
        if (dfd < 0)
                return dfd;
        if (fstatat(dfd, name, &b, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int files_unlink_temp(const FsUser *u, const char *temp_path) {
        _cleanup_fs_scope_ FsUserScope scope = {};
        _cleanup_free_ char *folder = NULL;
        _cleanup_close_ int dfd = -EBADF;
        const char *name;
        struct stat st;
        int r;

        r = split_path(temp_path, &folder, &name);
        if (r < 0)
                return r;
        r = fs_user_enter(u, &scope);
        if (r < 0)
                return r;
        dfd = files_open_folder(folder, false);
        if (dfd == -ENOENT || dfd == -ENOTDIR)
                return 0;  /* no folder, no temp file */
        if (dfd < 0)
                return dfd;
        if (unlinkat(dfd, name, 0) >= 0 || errno == ENOENT)
                return 0;
        r = -errno;
        /* On a read-only file system unlink fails with EROFS even for a name that does not exist:
         * only a file that is still there was not deleted. */
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
                return 0;
        return r;
}

int files_deliver(const FsUser *u, const char *temp_path, const char *local_path) {
        _cleanup_fs_scope_ FsUserScope scope = {};
        _cleanup_free_ char *folder = NULL, *dest_folder = NULL;
        _cleanup_close_ int dfd = -EBADF, sfd = -EBADF;
        const char *temp_name, *dest_name;
        struct stat st;
        int r;

        r = split_path(temp_path, &folder, &temp_name);
        if (r < 0)
                return r;
        r = split_path(local_path, &dest_folder, &dest_name);
        if (r < 0)
                return r;
        r = fs_user_enter(u, &scope);
        if (r < 0)
                return r;
        dfd = files_open_folder(folder, false);
        if (dfd < 0)
                return dfd;

        if (fstatat(dfd, temp_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if (!stat_is_ours(u, &st)) {
                log_notice("'%s' is not a temp file of ours (mode 0%o, %u links, uid %u): not delivered.", temp_path,
                           (unsigned) st.st_mode, (unsigned) st.st_nlink, (unsigned) st.st_uid);
                return -EACCES;
        }
        if (fstatat(dfd, dest_name, &st, AT_SYMLINK_NOFOLLOW) >= 0) {
                if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
                        log_notice("'%s' exists and is not a regular file or symlink (mode 0%o): not replaced.",
                                   local_path, (unsigned) st.st_mode);
                        return -EEXIST;
                }
        } else if (errno != ENOENT)
                return -errno;

        /* rename replaces the destination's directory entry, a symlink included: never its target. */
        if (renameat(dfd, temp_name, dfd, dest_name) < 0)
                return -errno;

        sfd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sfd < 0 || fsync(sfd) < 0)
                log_warning_errno(errno, "Failed to fsync the folder of '%s', continuing: %m", local_path);
        return 0;
}
