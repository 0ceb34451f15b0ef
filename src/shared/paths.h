/* paths.h: where a user-mode dosvc instance keeps its socket, lock, pid and state.
 *
 * Both the daemon and the library compute the same paths from the environment, so that setting
 * XDG_RUNTIME_DIR and XDG_STATE_HOME to temp dirs gives a fully isolated instance:
 *   runtime dir: $XDG_RUNTIME_DIR/dosvc   (fallback /tmp/dosvc-$UID), mode 0700, owned by us
 *   state dir:   $XDG_STATE_HOME/dosvc    (fallback $HOME/.local/state/dosvc)
 * All functions return 0 or -errno and hand back a malloc'ed string. */
#pragma once

#include <stdbool.h>

/* The runtime dir, created (mode 0700) when missing. Refuses (-EPERM) a directory that is not ours or
 * is accessible by others: the socket inside must not be reachable by another user. */
int paths_runtime_dir(char **ret);
/* The state dir, created (with parents, mode 0700) when missing. */
int paths_state_dir(char **ret);
/* A file inside the runtime dir ("bus", "pid", "daemon.lock", "spawn.lock"). */
int paths_runtime_file(const char *name, char **ret);
/* "unix:path=<runtime dir>/bus", or $DOSVC_BUS_ADDRESS when set. */
int paths_bus_address(char **ret);

/* System mode (dosvc --system, docs/decisions.md "System mode"): the daemon's directories, created
 * (mode 0700, owned by the daemon's euid) when missing:
 *   runtime dir: $DOSVC_RUNTIME_DIRECTORY, else systemd's $RUNTIME_DIRECTORY, else /run/dosvc
 *   state dir:   $DOSVC_STATE_DIRECTORY, else systemd's $STATE_DIRECTORY, else /var/lib/dosvc */
int paths_system_runtime_dir(char **ret);
int paths_system_state_dir(char **ret);
/* Whether clients use the system service: $DOSVC_SYSTEM is 1 (or yes/true). */
bool paths_system_mode(void);
