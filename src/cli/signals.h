/* signals.h: SIGINT/SIGTERM (and friends) as a file descriptor, for the verbs that wait: transfer,
 * wait and monitor.
 *
 * The signals are blocked and read from a signalfd, so there is no handler and no global flag. Block
 * them before the first libdosvc call: the library's threads are created then and inherit the mask,
 * so a signal always reaches the signalfd instead of killing a thread's default action. */
#pragma once

#include <stddef.h>

/* Blocks the n signals in sigs and returns, in *ret_fd, a non-blocking close-on-exec signalfd that
 * reads them. Returns 0 or -errno. */
int signals_open(const int *sigs, size_t n, int *ret_fd);

/* Reads one pending signal from sfd: its number, or 0 when none is pending. */
int signals_read(int sfd);

/* Waits up to timeout_msec (0: do not wait) for a signal on sfd; returns its number, or 0. */
int signals_wait(int sfd, int timeout_msec);
