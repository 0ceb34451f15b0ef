/* queue.h: the client operations on the queue and on jobs, with their side effects (store, files,
 * transfers, scheduler). The bus layer validates wire arguments and calls these; they decide the
 * HRESULT through the state machine (job-state.h) and never touch D-Bus themselves.
 *
 * Every function returns the HRESULT the client gets (a success code or an error); on error nothing
 * changed. `uid` is the caller's euid, already checked against the job's owner by the caller. */
#pragma once

#include "manager.h"

HRESULT queue_create_job(Manager *m, const char *display_name, uint32_t type, uid_t uid, Job **ret);

typedef struct FileSpec {
        const char *remote_url;
        const char *local_path;
} FileSpec;

HRESULT queue_job_add_files(Manager *m, Job *j, const FileSpec *files, size_t n_files);
HRESULT queue_job_add_file_with_ranges(Manager *m, Job *j, const char *file_id, const char *remote_url,
                                       const char *local_path, const BG_FILE_RANGE *ranges,
                                       size_t n_ranges, uint64_t file_size, unsigned *ret_index);

HRESULT queue_job_resume(Manager *m, Job *j);
HRESULT queue_job_suspend(Manager *m, Job *j);
HRESULT queue_job_cancel(Manager *m, Job *j);
HRESULT queue_job_complete(Manager *m, Job *j);

HRESULT queue_job_set_display_name(Manager *m, Job *j, const char *name);
HRESULT queue_job_set_description(Manager *m, Job *j, const char *text);
HRESULT queue_job_set_priority(Manager *m, Job *j, uint32_t priority);
HRESULT queue_job_set_notify_flags(Manager *m, Job *j, uint32_t flags);
/* SetNotifyCmdLine: "" program clears it. E_INVALIDARG (relative program, parameters without a program,
 * control characters, not UTF-8), BG_E_STRING_TOO_LONG (program > 260 bytes, parameters > 4000),
 * DO_E_INVALID_STATE in a final state. */
HRESULT queue_job_set_notify_cmdline(Manager *m, Job *j, const char *program, const char *parameters);
HRESULT queue_job_set_no_progress_timeout(Manager *m, Job *j, uint32_t seconds);
HRESULT queue_job_set_minimum_retry_delay(Manager *m, Job *j, uint32_t seconds);
HRESULT queue_job_set_remote_name(Manager *m, Job *j, uint32_t index, const char *url);
/* BITS IBackgroundCopyJobHttpOptions::SetSecurityFlags: only the redirect policy bits are honoured. */
HRESULT queue_job_set_security_flags(Manager *m, Job *j, uint32_t flags);

/* Validation shared with the bus layer, against the configured limits (`l` NULL: LIMITS_DEFAULT).
 * Pure functions (fuzzed by fuzz/fuzz-url-check.c); docs/decisions.md "Hostile input" says why each
 * rule exists.
 *   display name: UTF-8, at most max_display_name_length characters, else E_INVALIDARG;
 *   URL: at most max_url_length bytes, UTF-8, no byte <= 0x20 or 0x7f, parsed by curl, scheme http or
 *        https, a host, no user name or password ("user:pass@"), else E_INVALIDARG;
 *   local path: absolute, at most max_local_path_length bytes, UTF-8, no control characters, no
 *        "//", "/./", "/../" or trailing "/" (nor "." / ".." at the end), no wildcards, else
 *        E_INVALIDARG. */
HRESULT queue_check_display_name(const Limits *l, const char *name);
HRESULT queue_check_url(const Limits *l, const char *url);
HRESULT queue_check_local_path(const Limits *l, const char *path);
/* The destination's folder exists and the job's owner may write it (E_ACCESSDENIED otherwise),
 * checked with the owner's rights; the destination is not a directory, FIFO, socket or device
 * (E_INVALIDARG). *ret_temp_path (may be NULL) gets file `index`'s temp path in the folder's
 * canonical form (symlinks resolved now, never again: files.h). */
HRESULT queue_check_destination(const Job *j, const char *path, unsigned index, char **ret_temp_path);

/* The local path is NULL for IDeliveryOptimizationJob2::AddFile: the file then has no destination
 * (local_path "") until job_props_file_set(DownloadSinkFilePath); Resume answers
 * DO_E_LOCALPATH_NOT_SET while one lacks it. */

/* T17, the service's own Cancel of a job 30 days old (manager.c): S_OK, or DO_E_INVALID_STATE for a
 * final job. */
HRESULT queue_job_expire(Manager *m, Job *j);
