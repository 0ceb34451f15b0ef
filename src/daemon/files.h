/* files.h: the few file operations a transfer makes on its temp file, in one place so that debug
 * builds can inject failures (STYLE.md §6 "a debug hook that fails the Nth write or fsync").
 *
 * Fault injection (only when built with DOSVC_FAULT_INJECTION, i.e. debug/debugoptimized builds;
 * release builds compile it out): the daemon reads DOSVC_FAULT_INJECT once, a comma-separated list of
 *   write-eio-after=N      every write() after N bytes written in total fails with EIO
 *   write-enospc-after=N   … fails with ENOSPC
 *   fsync-eio-after=N      every fdatasync() after the first N fails with EIO
 * Counts are for the whole daemon process. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Write all of buf (restarting on EINTR and short writes). 0 or -errno. */
int file_write_all(int fd, const void *buf, size_t len);
/* fdatasync(). 0 or -errno. */
int file_datasync(int fd);

/* ---- Privilege separation (issue 5 item 3; docs/decisions.md "Privilege separation") ----
 *
 * Every filesystem call the daemon makes on a job's files (temp file, destination, their folder) runs
 * with the job owner's rights and cannot be redirected:
 *   - rights: when the daemon runs as root for a non-root owner, each call is bracketed by
 *     fs_user_enter()/fs_user_leave(), which switch this thread's supplementary groups, fsgid and fsuid
 *     to the owner's (and back). The kernel then checks every open/rename/unlink as the owner, and the
 *     capabilities that bypass file permissions (CAP_DAC_OVERRIDE, CAP_FOWNER, …) leave the effective
 *     set while fsuid is not 0. In user mode the daemon already is the owner: no switch.
 *     setgroups() is the raw system call, which changes only the calling thread (glibc's wrapper would
 *     change every thread of the process). The daemon does all file I/O on its one event-loop thread;
 *     libcurl's resolver threads are never started inside a switch. NOT for libdosvc (no threads
 *     assumptions hold there).
 *   - no redirection: a job's folder is resolved ONCE, at AddFile / DownloadSinkFilePath, to a
 *     canonical path (realpath() with the owner's rights); the temp path (stored) lives in that
 *     canonical folder. Every later call opens the folder with openat2(RESOLVE_NO_SYMLINKS |
 *     RESOLVE_NO_MAGICLINKS) (or, without openat2, a walk of O_PATH|O_NOFOLLOW opens), so a symlink
 *     swapped into any component later makes the call fail (EACCES) instead of following it; then it
 *     works relative to that folder descriptor with single-component names: O_NOFOLLOW opens, a
 *     temp file must be a regular file with one link owned by the owner, renameat()/unlinkat() never
 *     follow the last component.
 * Functions return 0 or -errno. -EACCES also stands for "a symlink where none is allowed" and for "the
 * file at this name is not ours" (logged once, at notice level). */

/* Whose rights a job's files are handled with. */
typedef struct FsUser {
        uid_t uid;              /* the uid files are created as: the owner, or the daemon's euid */
        gid_t gid;
        gid_t *groups;          /* supplementary groups (getgrouplist) when switching */
        int n_groups;
        bool do_switch;         /* a root daemon acting for a non-root owner */
} FsUser;

#define FS_USER_NULL ((FsUser) { .uid = (uid_t) -1, .gid = (gid_t) -1 })

/* Fill `ret` for a job of `owner`. In a root daemon with a non-root owner, looks up the owner's
 * primary group and supplementary groups; an owner without a passwd entry gives -EACCES (fail
 * closed: we cannot know its groups). */
int fs_user_init(FsUser *ret, uid_t owner);
void fs_user_done(FsUser *u);

/* A switch in progress: what to restore. */
typedef struct FsUserScope {
        bool active;
        gid_t *saved_groups;
        int n_saved_groups;
} FsUserScope;

/* Switch this thread's fs identity to `u` (no-op when !u->do_switch). Checks that the switch took
 * effect (setfsuid/setfsgid report the value in force); -EACCES when it did not, with nothing left
 * switched, and for FS_USER_NULL (a failed fs_user_init: every files_* call then fails closed).
 * Scopes do not nest. */
int fs_user_enter(const FsUser *u, FsUserScope *ret);
/* Back to the daemon's own identity. Aborts the process if that fails: going on with another
 * user's identity would be worse than a restart. */
void fs_user_leave(FsUserScope *s);

/* Open a folder (absolute path) without following any symlink, magic links included: an O_PATH
 * descriptor. -EACCES when a component is a symlink. `walk` forces the fallback used when the kernel
 * has no openat2() (for tests). Runs with the caller's identity (no switch). */
int files_open_folder(const char *folder, bool walk);

/* AddFile / DownloadSinkFilePath: check the destination `local_path` (absolute, already validated
 * by queue_check_local_path) with the owner's rights: its folder exists (-ENOENT/-ENOTDIR), the owner
 * can write there (-EACCES, also -EROFS), the destination is not a directory (-EISDIR) nor a FIFO,
 * socket or device (-EINVAL); a regular file or a symlink is fine (Complete replaces it). Returns
 * the folder's canonical path in *ret_folder (malloc'ed; may be NULL). */
int files_check_destination(const FsUser *u, const char *local_path, char **ret_folder);

/* Open (creating it when `create`) the temp file `temp_path` read-write, as described above: never
 * through a symlink, never a FIFO or device (refused before it is opened), never a file with other
 * links or another owner. */
int files_open_temp(const FsUser *u, const char *temp_path, bool create, int *ret_fd);

/* 1 when `temp_path` still names the file open as `fd` (reached without symlinks), 0 when not (deleted,
 * moved away, its folder gone or swapped for a symlink), -errno on other failures. */
int files_temp_is_linked(const FsUser *u, const char *temp_path, int fd);

/* Delete the temp file: 0 when it is gone (also when it never existed or its folder is gone), -errno
 * when it is still there. A symlink at the name is removed, never followed. */
int files_unlink_temp(const FsUser *u, const char *temp_path);

/* Complete: rename the temp file to the last component of `local_path` in the temp file's folder,
 * then fsync the folder (a failure of that is logged and ignored). The temp file must be ours
 * (regular, one link, our uid: else -EACCES); an existing destination is replaced when it is a
 * regular file or a symlink (the link itself, never its target), refused otherwise (-EEXIST). */
int files_deliver(const FsUser *u, const char *temp_path, const char *local_path);
