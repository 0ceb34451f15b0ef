/* util.h: doadmin's small helpers that know nothing about output or verbs: GUID text forms, paths,
 * sizes, durations, FILETIME, and cleanup functions for the COM objects of deliveryoptimization.h.
 *
 * Everything here is pure (no daemon, no terminal); the verbs build on it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <deliveryoptimization.h>

/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" plus the terminator. */
#define GUID_STRING_MAX 39u

/* Parses a job GUID: 36 characters in registry form with or without braces, or 32 bare hex digits
 * (the form in D-Bus object paths); any case. Returns 0, or -EINVAL for anything else (trailing
 * characters included). */
int guid_from_string(const char *s, GUID *ret);

/* Writes the registry form, lowercase, with braces, into buf (GUID_STRING_MAX bytes) and returns buf. */
const char *guid_to_string(const GUID *g, char buf[static GUID_STRING_MAX]);

/* Makes p absolute against the current directory and simplifies it lexically ("//" and "/./" collapse,
 * a trailing "/." goes; ".." is kept, since only the kernel knows what it means next to a symlink).
 * Returns 0 and a malloc'ed string, -EINVAL for an empty path, -errno from getcwd(). */
int path_make_absolute_cwd(const char *p, char **ret);

/* "512 B", "1.5 KiB", "12.3 MiB" … into buf; returns buf. */
#define FORMAT_BYTES_MAX 16u
const char *format_bytes(char buf[static FORMAT_BYTES_MAX], uint64_t n);

/* "0:07", "12:34", "1:02:03", or "--:--" for UINT64_MAX; seconds in, text into buf; returns buf. */
#define FORMAT_DURATION_MAX 24u
const char *format_duration(char buf[static FORMAT_DURATION_MAX], uint64_t seconds);

/* FILETIME (100 ns since 1601-01-01 UTC) as one number. */
uint64_t filetime_to_u64(const FILETIME *ft);

/* "2026-11-21T06:37:00Z" into buf. Returns 0, or -ENODATA when the time is 0 ("never") and -ERANGE
 * when it lies before 1970 or cannot be represented. */
#define FORMAT_ISO8601_MAX 32u
int filetime_to_iso8601(const FILETIME *ft, char buf[static FORMAT_ISO8601_MAX]);

/* "REMOTE_FILE" for BG_ERROR_CONTEXT_REMOTE_FILE …, "UNKNOWN_CONTEXT" outside the enumeration. */
const char *error_context_to_string(BG_ERROR_CONTEXT context);

/* The user name of an owner as GetOwner gives it (a decimal uid), into buf; NULL when the uid has no
 * name (or the string is not a uid). */
#define USER_NAME_MAX 256u
const char *owner_user_name(const char *owner, char buf[static USER_NAME_MAX]);

/* Percentage 0…100 of done/total, or -1 when total is BG_SIZE_UNKNOWN. A total of 0 is 100 %. */
int progress_percent(uint64_t done, uint64_t total);

/* Cleanup helpers for _cleanup_(): each takes a pointer to the variable and accepts NULL in it. */
void manager_releasep(IBackgroundCopyManager **p);
void job_releasep(IBackgroundCopyJob **p);
void enum_jobs_releasep(IEnumBackgroundCopyJobs **p);
void enum_files_releasep(IEnumBackgroundCopyFiles **p);
void file_releasep(IBackgroundCopyFile **p);
void error_releasep(IBackgroundCopyError **p);
void co_task_mem_freep(char **p);
