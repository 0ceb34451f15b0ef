/* spawn.h (libdosvc, private): starting the user-mode daemon on demand, one per user, race-free.
 * See spawn.c for the protocol. */
#pragma once

#ifndef DOSVC_LIB_INTERNAL
#error "spawn.h is private to src/lib (libdosvc)"
#endif

/* Tries to connect; returns 0 when connected, -ENOENT/-ECONNREFUSED when no daemon listens (the
 * only errors that make spawning worthwhile), or another -errno. */
typedef int (*SpawnConnectFunc)(void *userdata);

/* The daemon binary: $DOSVC_DAEMON when set, else the installed DOSVC_DAEMON_PATH (config.h). */
const char *spawn_daemon_path(void);

/* Called after `try_connect` failed with -ENOENT/-ECONNREFUSED: under an exclusive flock on
 * <runtime dir>/spawn.lock, tries `try_connect` again (another client may have just started the
 * daemon), else starts the daemon detached (double fork, setsid, stdin /dev/null, stdout/stderr
 * appended to <state dir>/dosvc.log) and calls `try_connect` until it succeeds, fails with another
 * error, or SPAWN_TIMEOUT_USEC passes. Returns 0 once `try_connect` succeeded, else -errno (-ETIMEDOUT
 * when the daemon never answered). Safe to call from a threaded program: the child only calls
 * async-signal-safe functions before exec. */
#define SPAWN_TIMEOUT_USEC (10ULL * 1000ULL * 1000ULL)
int spawn_daemon_and_connect(SpawnConnectFunc try_connect, void *userdata);
