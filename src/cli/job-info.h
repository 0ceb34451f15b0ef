/* job-info.h: a job (and its files, and its error) read through the API into plain structs, and those
 * structs as JSON. Shared by info, list, listfiles, geterror, monitor and wait, so that every verb
 * shows a job the same way.
 *
 * A job is read first and printed after, so that human and JSON output show the same snapshot. Reads
 * are not atomic across properties (each getter is one call): a job that changes while it is read
 * may show, say, a state one step ahead of its byte counts. Strings are CoTaskMem-allocated, NULL
 * when the service has none. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include <deliveryoptimization.h>

/* A job's error record (IBackgroundCopyJob::GetError and the error object's getters). */
typedef struct JobErrorInfo {
        HRESULT hr;                        /* the failure */
        BG_ERROR_CONTEXT context;
        char *description;                 /* IBackgroundCopyError::GetErrorDescription */
        char *context_description;         /* IBackgroundCopyError::GetErrorContextDescription */
        char *protocol;                    /* IBackgroundCopyError::GetProtocol, NULL when none */
        char *remote_name;                 /* the failing file, NULL when no file is involved */
        char *local_name;
} JobErrorInfo;

/* Returns S_OK with *ret filled, or the failure of GetError (DO_E_ERROR_INFORMATION_UNAVAILABLE when
 * the job is in no error state), with *ret zeroed. Only GetError's own result counts: a description
 * the service cannot give stays NULL. */
HRESULT job_error_info_read(IBackgroundCopyJob *job, JobErrorInfo *ret);
void job_error_info_done(JobErrorInfo *e);

/* The error as indented lines on stderr after "doadmin: <verb>: <headline>":
 *   0x80190194 BG_E_HTTP_ERROR_404: <message>, context, description, file. */
void job_error_info_print(const char *verb, const char *headline, const JobErrorInfo *e);

/* {hresult, name, message, context, context_name, context_description, description, protocol,
 * remote_name, local_name}; with full false only the first four and description (the "error" member
 * of info and list). */
int job_error_to_json(const JobErrorInfo *e, bool full, struct json_object **ret);
/* The same members, added to o. */
int job_error_add_json(struct json_object *o, const JobErrorInfo *e, bool full);

typedef struct FileInfo {
        unsigned index;                    /* 0-based, the order of adding */
        char *remote_name;
        char *local_name;
        BG_FILE_PROGRESS progress;
        BG_FILE_RANGE *ranges;             /* IBackgroundCopyFile2::GetFileRanges; NULL: the whole file */
        DWORD n_ranges;
} FileInfo;

/* Every file of the job, in order, into a malloc'ed array. S_OK or the failing HRESULT. */
HRESULT file_infos_read(IBackgroundCopyJob *job, FileInfo **ret, size_t *ret_n);
void file_infos_free(FileInfo *files, size_t n);

/* {index, remote_name, local_name, bytes_total (null while unknown), bytes_transferred, completed,
 * ranges (null, or [{offset, length}] with length null for "to the end of the file")}. */
int file_info_to_json(const FileInfo *f, struct json_object **ret);
/* The files as a JSON array of file_info_to_json() objects. */
int file_infos_to_json(const FileInfo *files, size_t n, struct json_object **ret);

/* File `index` of the job as EnumFiles counts them, JOB_FILE_LAST for the last one: S_OK and the file
 * (the caller's reference) in *ret; S_FALSE and *ret NULL when the job has no such file; or the failing
 * HRESULT, *ret NULL. *ret_count (may be NULL) gets EnumFiles' count, 0 when it failed. */
#define JOB_FILE_LAST UINT64_MAX
HRESULT job_file_at(IBackgroundCopyJob *job, uint64_t index, IBackgroundCopyFile **ret, ULONG *ret_count);

/* What job_info_read() reads beyond id, name, state, priority, progress, times and error. */
enum {
        JOB_INFO_OWNER = 1u << 0,          /* owner (list, monitor) */
        JOB_INFO_FULL = 1u << 1,           /* owner, description, type, counters and timeouts, files (info) */
};

typedef struct JobInfo {
        GUID id;
        char *name;
        BG_JOB_STATE state;
        BG_JOB_PRIORITY priority;
        BG_JOB_PROGRESS progress;
        BG_JOB_TIMES times;
        bool has_error;
        JobErrorInfo error;
        char *owner;                       /* JOB_INFO_OWNER or JOB_INFO_FULL */
        /* JOB_INFO_FULL only: */
        char *description;
        BG_JOB_TYPE type;
        ULONG error_count;
        ULONG notify_flags;
        ULONG no_progress_timeout;
        ULONG minimum_retry_delay;
        FileInfo *files;
        size_t n_files;
} JobInfo;

/* {bytes_total (null while unknown), bytes_transferred, files_total, files_transferred} and
 * {creation_time, modification_time, transfer_completion_time} (ISO 8601, null for "never"), added to o.
 * Return 0 or -ENOMEM. */
int job_progress_to_json(struct json_object *o, const BG_JOB_PROGRESS *p);
int job_times_to_json(struct json_object *o, const BG_JOB_TIMES *t);

/* "Created", "Modified" and "Transfer completed" lines (output_field(); "never" for a time not set). */
void job_times_print(const BG_JOB_TIMES *t);

/* Reads a job. On failure *ret holds whatever was read and must still go to job_info_done(). */
HRESULT job_info_read(IBackgroundCopyJob *job, unsigned flags, JobInfo *ret);
void job_info_done(JobInfo *i);

/* The JSON object of info (JOB_INFO_FULL) or of one list entry (otherwise; owner added with
 * JOB_INFO_OWNER). See the help of info and list for the members. */
int job_info_to_json(const JobInfo *i, unsigned flags, struct json_object **ret);
/* The jobs as a JSON array of job_info_to_json(…, flags) objects. */
int job_infos_to_json(const JobInfo *infos, size_t n, unsigned flags, struct json_object **ret);

/* Every job of EnumJobs(enum_flags) not in a final state, read with info_flags, oldest first.
 * Jobs that finish between EnumJobs and the reads are skipped, as EnumJobs itself would have. */
HRESULT job_infos_read(IBackgroundCopyManager *m, DWORD enum_flags, unsigned info_flags, JobInfo **ret,
                       size_t *ret_n);
void job_infos_free(JobInfo *infos, size_t n);

/* "1.50 MiB / 3.00 MiB (50%)", or "1.50 MiB / unknown" while a size is not known. */
const char *format_progress_bytes(char *buf, size_t l, const BG_JOB_PROGRESS *p);
