/* debug.h (libdosvc, private): the library's only logging. Silent unless the environment has
 * DOSVC_DEBUG=1, then one line per message on stderr. A library must not talk on its host
 * program's stderr otherwise (STYLE.md: library code logs at debug level at most). */
#pragma once

#ifndef DOSVC_LIB_INTERNAL
#error "debug.h is private to src/lib (libdosvc)"
#endif

#include <stdbool.h>

bool lib_debug_enabled(void);
/* "%m" expands to strerror(-error) when error is a negative errno (as in systemd's log_*_errno).
 * Returns error, so a failure can be logged and returned in one statement. */
int lib_debug_errno(int error, const char *format, ...) __attribute__((format(printf, 2, 3)));
#define lib_debug(...) ((void) lib_debug_errno(0, __VA_ARGS__))
