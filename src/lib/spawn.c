/* spawn.c (libdosvc): starts the user-mode daemon when no daemon answers on the socket.
 *
 * Protocol (one daemon per user, gpg-agent style), run by the first client that finds no daemon:
 *   1. take an exclusive flock on <runtime dir>/spawn.lock: clients that race here queue up;
 *   2. connect again: the client that held the lock before us may have started the daemon already;
 *   3. fork; the child forks again and exits, so the daemon is reparented (never our zombie) and,
 *      after setsid(), has no controlling terminal; the grandchild execs the daemon with stdin from
 *      /dev/null and stdout/stderr appended to <state dir>/dosvc.log;
 *   4. connect every 10–100 ms until it works or 10 s pass (a bounded loop);
 *   5. release the lock.
 * Even if two clients of different runtime-dir views raced past the lock, the daemon itself holds
 * daemon.lock for its lifetime (docs/dbus-api.md), so a second daemon exits and the loop in step 4
 * reaches the first one.
 *
 * Everything the child needs (paths, fds, argv) is prepared before fork(): a threaded host program
 * may only call async-signal-safe functions in a child until exec. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "debug.h"
#include "macro.h"
#include "paths.h"
#include "spawn.h"

extern char **environ;

#define SPAWN_POLL_MIN_USEC (10ULL * 1000ULL)
#define SPAWN_POLL_MAX_USEC (100ULL * 1000ULL)

const char *spawn_daemon_path(void) {
        const char *e = getenv("DOSVC_DAEMON");

        return e && e[0] ? e : DOSVC_DAEMON_PATH;
}

static uint64_t now_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000ULL;
}

static void sleep_usec(uint64_t usec) {
        struct timespec ts = {
                .tv_sec = (time_t) (usec / 1000000ULL),
                .tv_nsec = (long) (usec % 1000000ULL) * 1000L,
        };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

static bool error_is_no_daemon(int r) {
        return r == -ENOENT || r == -ECONNREFUSED;
}

/* Returns fd itself when it is above stdio, else a close-on-exec duplicate ≥ 3 (closing fd), or
 * -errno. */
static int fd_move_above_stdio(int fd) {
        int copy;

        if (fd < 0 || fd > STDERR_FILENO)
                return fd;
        copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (copy < 0)
                copy = -errno;
        (void) safe_close(fd);
        return copy;
}

/* In the grandchild: only async-signal-safe calls, then exec. Never returns. */
static _Noreturn void exec_daemon(const char *path, int null_fd, int log_fd, int error_fd) {
        char *argv[] = { (char *) "dosvc", NULL };
        struct sigaction sa = { .sa_handler = SIG_DFL };
        sigset_t all;

        if (setsid() < 0)
                _exit(EXIT_FAILURE);
        /* The host program's signal mask and ignored signals must not leak into the daemon. */
        for (int sig = 1; sig < NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        (void) sigaction(sig, &sa, NULL);
        (void) sigemptyset(&all);
        (void) sigprocmask(SIG_SETMASK, &all, NULL);

        if (dup2(null_fd, STDIN_FILENO) < 0 || dup2(log_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0)
                _exit(EXIT_FAILURE);
        /* Every other fd of the host program (and the spawn lock) stays behind. */
        if (error_fd != 3) {
                if (dup3(error_fd, 3, O_CLOEXEC) < 0)
                        _exit(EXIT_FAILURE);
                error_fd = 3;
        }
        (void) close_range(4, ~0U, 0);
        if (chdir("/") < 0)
                _exit(EXIT_FAILURE);

        (void) execve(path, argv, environ);
        /* Tell the parent why, through the close-on-exec pipe that a successful exec closes. */
        {
                int e = errno;
                (void) !write(error_fd, &e, sizeof(e));
        }
        _exit(127);
}

static int fork_daemon(const char *path, const char *log_path) {
        _cleanup_close_ int null_fd = -EBADF, log_fd = -EBADF, pipe_read = -EBADF, pipe_write = -EBADF;
        int status, fds[2], exec_errno = 0;
        ssize_t n;
        pid_t pid;

        null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (null_fd < 0)
                return -errno;
        log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
        if (log_fd < 0)
                return -errno;
        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        pipe_read = fds[0];
        pipe_write = fds[1];
        /* A host program may run with fd 0, 1 or 2 closed; then open() hands those out and the
         * child's dup2() onto stdio would clobber them. Keep the child's fds at 3 and above. */
        null_fd = fd_move_above_stdio(null_fd);
        log_fd = fd_move_above_stdio(log_fd);
        pipe_write = fd_move_above_stdio(pipe_write);
        if (null_fd < 0 || log_fd < 0 || pipe_write < 0)
                return -EMFILE;

        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                /* Intermediate child: fork the daemon and leave at once, so init adopts it. */
                pid_t grandchild = fork();

                if (grandchild < 0)
                        _exit(EXIT_FAILURE);
                if (grandchild == 0)
                        exec_daemon(path, null_fd, log_fd, pipe_write);
                _exit(EXIT_SUCCESS);
        }

        for (;;) {
                if (waitpid(pid, &status, 0) >= 0) {
                        if (!WIFEXITED(status) || WEXITSTATUS(status) != EXIT_SUCCESS)
                                return -ECHILD;
                        break;
                }
                /* ECHILD: the host program ignores SIGCHLD or reaps every child itself; the
                 * intermediate child is gone either way, and the pipe below tells about the exec. */
                if (errno == ECHILD)
                        break;
                if (errno != EINTR)
                        return -errno;
        }

        /* EOF: the exec worked (close-on-exec closed the last write end); an int: its errno. */
        pipe_write = safe_close(pipe_write);
        do
                n = read(pipe_read, &exec_errno, sizeof(exec_errno));
        while (n < 0 && errno == EINTR);
        if (n == (ssize_t) sizeof(exec_errno) && exec_errno > 0)
                return -exec_errno;
        return 0;
}

static int lock_spawn(int *ret_fd) {
        _cleanup_free_ char *lock_path = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = paths_runtime_file("spawn.lock", &lock_path);
        if (r < 0)
                return lib_debug_errno(r, "Failed to find the runtime directory: %m");
        fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return lib_debug_errno(-errno, "Failed to open %s: %m", lock_path);
        /* Blocks while another client is in the spawn section: at most SPAWN_TIMEOUT_USEC plus a
         * fork, since each holder gives up after that. */
        while (flock(fd, LOCK_EX) < 0)
                if (errno != EINTR)
                        return lib_debug_errno(-errno, "Failed to lock %s: %m", lock_path);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int spawn_daemon_and_connect(SpawnConnectFunc try_connect, void *userdata) {
        _cleanup_free_ char *state_dir = NULL, *log_path = NULL;
        _cleanup_close_ int lock_fd = -EBADF;   /* closing the fd releases the flock */
        const char *path = spawn_daemon_path();
        uint64_t deadline, delay = SPAWN_POLL_MIN_USEC;
        int r;

        r = lock_spawn(&lock_fd);
        if (r < 0)
                return r;

        r = try_connect(userdata);
        if (!error_is_no_daemon(r))
                return r;                       /* connected (0), or a failure spawning cannot fix */

        r = paths_state_dir(&state_dir);
        if (r < 0)
                return lib_debug_errno(r, "Failed to find the state directory: %m");
        if (asprintf(&log_path, "%s/dosvc.log", state_dir) < 0)
                return -ENOMEM;
        if (access(path, X_OK) < 0)
                return lib_debug_errno(-errno, "Cannot run the daemon %s: %m", path);

        lib_debug("No daemon answers, starting %s (log: %s)", path, log_path);
        r = fork_daemon(path, log_path);
        if (r < 0)
                return lib_debug_errno(r, "Failed to start %s: %m", path);

        deadline = now_usec() + SPAWN_TIMEOUT_USEC;
        for (;;) {
                r = try_connect(userdata);
                if (!error_is_no_daemon(r))
                        return r;
                if (now_usec() >= deadline)
                        return lib_debug_errno(-ETIMEDOUT, "The daemon %s did not answer within %llu s",
                                               path, SPAWN_TIMEOUT_USEC / 1000000ULL);
                sleep_usec(delay);
                delay = MIN(delay * 2, SPAWN_POLL_MAX_USEC);
        }
}
