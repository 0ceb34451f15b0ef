/* job.h: the daemon's in-memory job and file records, and the operations on them that need no I/O.
 *
 * A Job is the live image of one row of the store's `jobs` table plus its `files` rows (store.c keeps
 * them in step). Everything the bus reports comes from here. Runtime-only fields (the transfer in
 * progress, timers) live in the modules that own them and are reached through the opaque pointers at
 * the end of the struct. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-id128.h>
#include <deliveryoptimization.h>

#include "conf.h"
#include "job-state.h"

typedef uint64_t usec_t;
#define USEC_INFINITY ((usec_t) UINT64_MAX)

typedef struct Job Job;
typedef struct JobFile JobFile;

/* Limits of spec §5, named (STYLE.md: every resource a user controls is bounded). These are the
 * defaults; the daemon enforces the values of dosvc.conf (Manager.limits, conf.h), which may be
 * raised up to the LIMIT_*_CEILING of conf.h. job.c, ranges.c and store.c check only the ceilings,
 * so that a store written under raised limits still loads. */
#define JOB_DISPLAY_NAME_MAX 256u          /* characters, terminator excluded */
#define JOB_DESCRIPTION_MAX 1024u
#define JOB_URL_MAX 2200u
#define JOB_LOCAL_PATH_MAX 260u            /* MAX_PATH, bytes */
#define JOB_FILES_MAX 200u
#define JOB_RANGES_MAX 500u
#define JOBS_PER_USER_MAX 60u
#define JOBS_PER_MACHINE_MAX 300u

#define JOB_MINIMUM_RETRY_DELAY_DEFAULT 600u
#define JOB_MINIMUM_RETRY_DELAY_MIN 5u
#define JOB_NO_PROGRESS_TIMEOUT_FOREGROUND 3600u
#define JOB_NO_PROGRESS_TIMEOUT_BACKGROUND 86400u
#define JOB_NOTIFY_FLAGS_DEFAULT (BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR)
#define JOB_NOTIFY_FLAGS_ALL 0x3fu
#define JOB_COST_FLAGS_DEFAULT 0x800000FFu   /* BITS_JOB_TRANSFER_POLICY_ALWAYS */
#define JOB_SECURITY_ALLOW_HTTPS_TO_HTTP 0x0800u   /* BG_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP */

struct JobFile {
        Job *job;                          /* the job that owns this file (not a reference) */
        unsigned index;                    /* position in the job, 0-based, the order of adding */
        char *file_id;                     /* DO fileId; "" when added through BITS AddFile */
        char *remote_url;
        char *local_path;                  /* absolute destination path */
        char *temp_path;                   /* hidden temp file in the destination's folder */
        BG_FILE_RANGE *ranges;             /* NULL when the whole file is wanted */
        size_t n_ranges;
        uint64_t bytes_total;              /* BG_SIZE_UNKNOWN until known */
        uint64_t bytes_durable;            /* bytes on disk AND fsync'ed: the stored offset */
        uint64_t bytes_written;            /* bytes written to the temp file (≥ bytes_durable); live */
        bool transferred;                  /* every byte is on disk and fsync'ed */
        bool completed;                    /* renamed into place by Complete (BG_FILE_PROGRESS.Completed) */
        char *etag;                        /* validators of the server's copy, for If-Range (may be NULL) */
        char *last_modified;
        uint64_t remote_size;              /* size of the server's whole file, BG_SIZE_UNKNOWN until known
                                            * (differs from bytes_total for ranged files) */

        /* integrity (issue 3): an expected SHA-256 of the local file's bytes */
        bool has_sha256;
        uint8_t sha256[32];
        bool integrity_mandatory;          /* DOFilePropertyId_IntegrityCheckMandatory */
        bool integrity_mandatory_set;      /* it was ever set (else GetProperty answers E_NOT_SET);
                                            * true whenever integrity_mandatory is */
        char *integrity_check_info;        /* DOFilePropertyId_IntegrityCheckInfo as given (write-only) */

        /* what the server said, for IBackgroundCopyFile5 / IDeliveryOptimizationFile::GetStats */
        char *http_response_headers;       /* every header of the last response, "\r\n"-separated */
        uint64_t bytes_downloaded;         /* bytes received from the network, all attempts */
        uint64_t download_usec;            /* time spent transferring this file, all attempts */
};

typedef struct JobError {
        HRESULT hresult;                   /* 0 when the job has no error */
        BG_ERROR_CONTEXT context;
        int file_index;                    /* -1 when no file is involved */
        char *description;                 /* human context, e.g. "HTTP 404 from http://…" (may be NULL) */
        char *protocol;                    /* "http", "https", or NULL */
} JobError;

struct Job {
        sd_id128_t id;
        char *display_name;
        char *description;
        BG_JOB_TYPE type;
        BG_JOB_STATE state;
        BG_JOB_PRIORITY priority;
        uid_t owner;                       /* who may call the job's methods (TakeOwnership moves it) */
        uid_t file_owner;                  /* whose rights the job's files are handled with: the
                                            * creator's, for good. TakeOwnership does not move it: the
                                            * paths were checked with the creator's rights, and root
                                            * taking a job must not make a user's chosen paths root's
                                            * (docs/decisions.md "Privilege separation"). */
        uint32_t notify_flags;
        uint32_t no_progress_timeout;      /* seconds */
        uint32_t minimum_retry_delay;      /* seconds */
        uint32_t error_count;
        usec_t creation_time;              /* CLOCK_REALTIME, µs since the epoch */
        usec_t modification_time;
        usec_t transfer_completion_time;   /* 0 until TRANSFERRED */
        usec_t final_time;                 /* when it became ACKNOWLEDGED/CANCELLED, 0 otherwise */
        JobError error;

        /* properties beyond the core (issues 3 and 4) */
        uint32_t cost_flags;               /* BITS_JOB_PROPERTY_ID_COST_FLAGS, default ALWAYS */
        uint8_t notification_clsid[16];    /* BITS_JOB_PROPERTY_NOTIFICATION_CLSID, text-order bytes; 0 = none */
        uint32_t security_flags;           /* BG_HTTP_REDIRECT_POLICY_* etc. (allow https → http) */
        char *notify_cmdline_program;      /* SetNotifyCmdLine: NULL when none */
        char *notify_cmdline_parameters;
        /* SetProxySettings (job-props.c) */
        uint32_t proxy_usage;              /* BG_JOB_PROXY_USAGE, default PRECONFIG (0) */
        char *proxy_list;                  /* OVERRIDE only, else NULL */
        char *proxy_bypass_list;           /* OVERRIDE only, may be NULL */

        JobFile **files;
        size_t n_files;

        /* runtime only, never stored */
        void *manager;                     /* Manager *, owner of this job */
        void *transfer;                    /* Transfer * while a file of this job is downloading */
        void *bus_slot;                    /* sd_bus_slot * of the job's object */
        uint64_t queued_seq;               /* scheduler FIFO order within a priority */
        uint64_t start_seq;                /* scheduler: stamp of its latest start (same counter);
                                            * 0: not since the daemon started. Not stored */
        usec_t last_progress_usec;         /* CLOCK_MONOTONIC: last byte received or Resume */
        void *retry_timer;                 /* sd_event_source * while TRANSIENT_ERROR */
        unsigned restarts;                 /* files restarted from 0 in a row (changed server copy) */

        /* notify.c's bookkeeping (runtime only): what the last JobModification reported, the
         * JOB_MODIFICATION_* bits not sent yet, and when the last progress one was sent */
        bool notify_tracked;               /* notify_state / notify_n_files are set */
        BG_JOB_STATE notify_state;
        size_t notify_n_files;
        uint32_t notify_pending;
        usec_t notify_progress_usec;       /* CLOCK_MONOTONIC, 0 = never */
};

/* Allocation. job_new() fills the spec defaults (SUSPENDED, NORMAL, notify flags 0x3, timeouts). */
int job_new(const sd_id128_t *id, const char *display_name, BG_JOB_TYPE type, uid_t owner, usec_t now,
            Job **ret);
Job *job_free(Job *j);                    /* frees the files too; NULL-safe; returns NULL */
static inline void job_freep(Job **j) { if (*j) job_free(*j); }

/* Append a file (ownership of nothing passed: strings and ranges are copied). Sets file->job, index
 * and temp_path. local_path "" is a file whose destination comes later (temp_path "" too). Returns
 * -E2BIG past LIMIT_FILES_PER_JOB_CEILING files or LIMIT_RANGES_PER_FILE_CEILING ranges, -ENOMEM. */
int job_add_file(Job *j, const char *file_id, const char *remote_url, const char *local_path,
                 const BG_FILE_RANGE *ranges, size_t n_ranges, uint64_t bytes_total, JobFile **ret);
void job_remove_last_file(Job *j);        /* undo job_add_file() (an AddFileSet that failed half way) */
JobFile *job_file_free(JobFile *f);

/* A new temp file name for a file: "<dir>/.dosvc-<32 hex job id>-<index>-<16 hex random>.part", a
 * different one at each call (the random part keeps others from planting it in a shared folder):
 * store it, never derive it again. Returns -ENOMEM/-EINVAL, or sd_id128_randomize()'s error. */
int job_file_temp_path(const char *local_path, const sd_id128_t *job_id, unsigned index, char **ret);

/* Progress derived from the files (BG_JOB_PROGRESS semantics of spec §3.2). */
void job_get_progress(const Job *j, BG_JOB_PROGRESS *ret);
unsigned job_files_transferred(const Job *j);
JobStateContext job_state_context(const Job *j);
JobFile *job_next_file(const Job *j);     /* first file not transferred, or NULL */

void job_set_error(Job *j, HRESULT hr, BG_ERROR_CONTEXT context, int file_index, const char *protocol,
                   const char *description_format, ...) __attribute__((format(printf, 6, 7)));
void job_clear_error(Job *j);

/* Identity helpers: "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" (lowercase), and the D-Bus path
 * "/org/dosvc1/job/<32 hex>". job_id_from_string() accepts braces or not, any case. */
#define JOB_ID_STRING_MAX 39
char *job_id_to_string(const sd_id128_t *id, char buf[static JOB_ID_STRING_MAX]);
int job_id_from_string(const char *s, sd_id128_t *ret);

/* Time: FILETIME units (100 ns since 1601-01-01) from CLOCK_REALTIME µs, 0 stays 0. */
uint64_t usec_to_filetime(usec_t u);
usec_t now_realtime_usec(void);
usec_t now_monotonic_usec(void);
