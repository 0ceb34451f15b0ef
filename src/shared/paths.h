/* paths.h: where a user-mode dosvc instance keeps its socket, lock, pid and state.
 *
 * Both the daemon and the library compute the same paths from the environment, so that setting
 * XDG_RUNTIME_DIR and XDG_STATE_HOME to temp dirs gives a fully isolated instance:
 *   runtime dir: $XDG_RUNTIME_DIR/dosvc   (fallback /tmp/dosvc-$UID), mode 0700, owned by us
 *   state dir:   $XDG_STATE_HOME/dosvc    (fallback $HOME/.local/state/dosvc)
 * All functions return 0 or -errno and hand back a malloc'ed string. */
#pragma once

/* The runtime dir, created (mode 0700) when missing. Refuses (-EPERM) a directory that is not ours or
 * is accessible by others: the socket inside must not be reachable by another user. */
int paths_runtime_dir(char **ret);
/* The state dir, created (with parents, mode 0700) when missing. */
int paths_state_dir(char **ret);
/* A file inside the runtime dir ("bus", "pid", "daemon.lock", "spawn.lock"). */
int paths_runtime_file(const char *name, char **ret);
/* "unix:path=<runtime dir>/bus", or $DOSVC_BUS_ADDRESS when set. */
int paths_bus_address(char **ret);
