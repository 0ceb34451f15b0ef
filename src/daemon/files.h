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

#include <stddef.h>

/* Write all of buf (restarting on EINTR and short writes). 0 or -errno. */
int file_write_all(int fd, const void *buf, size_t len);
/* fdatasync(). 0 or -errno. */
int file_datasync(int fd);
