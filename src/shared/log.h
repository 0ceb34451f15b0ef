/* log.h: the daemon's logging, systemd style: log_error_errno(r, "Failed to …: %m") returns r.
 *
 * Messages go to stderr with a syslog priority prefix ("<3>") when stderr is the journal (the
 * JOURNAL_STREAM env var matches stderr), plain otherwise. The library never calls these above
 * debug level. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <syslog.h>

void log_set_max_level(int level);
int log_get_max_level(void);
void log_open(void);   /* detects the journal; call once at start */

int log_internal(int level, int error, const char *file, int line, const char *func,
                 const char *format, ...) __attribute__((format(printf, 6, 7)));

/* The "%m" in format expands to the error of `error` (a ±errno), as in systemd. Returns -abs(error). */
#define log_full_errno(level, error, ...) \
        log_internal((level), (error), __FILE__, __LINE__, __func__, __VA_ARGS__)

#define log_debug(...)   log_full_errno(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...)    log_full_errno(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...)  log_full_errno(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...) log_full_errno(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...)   log_full_errno(LOG_ERR, 0, __VA_ARGS__)

#define log_debug_errno(e, ...)   log_full_errno(LOG_DEBUG, (e), __VA_ARGS__)
#define log_info_errno(e, ...)    log_full_errno(LOG_INFO, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, (e), __VA_ARGS__)
#define log_error_errno(e, ...)   log_full_errno(LOG_ERR, (e), __VA_ARGS__)

#define log_oom() log_error_errno(-ENOMEM, "Out of memory.")
