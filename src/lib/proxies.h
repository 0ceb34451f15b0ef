/* proxies.h (libdosvc, private): how the COM objects of the library reach each other.
 *
 * Every object the API hands out is a client-side proxy: a small heap object with an atomic
 * reference count whose methods check their arguments and then ask the daemon (bus-client.h). The
 * objects and their files:
 *   manager.c     IBackgroundCopyManager (+ DoCreateManager)
 *   job.c         IBackgroundCopyJob … Job5, IDeliveryOptimizationJob, IDeliveryOptimizationJob2 — one
 *                 object (DoJob) per proxy, addressed by its D-Bus object path
 *   file.c        IBackgroundCopyFile … File5, IDeliveryOptimizationFile, IDeliveryOptimizationFile2 —
 *                 a (job, index) pair that reads the file live from the daemon
 *   enum-files.c  IEnumBackgroundCopyFiles over a snapshot of the job's file indices
 *   enum-jobs.c   IEnumBackgroundCopyJobs over a snapshot of EnumJobs
 *   enum-snapshot.c  the enumerator logic both share (Next/Skip/Reset/Clone/GetCount)
 *   error.c       IBackgroundCopyError, a snapshot of the job's error record
 * Constructors return S_OK or E_OUTOFMEMORY and hand over one reference. */
#pragma once

#ifndef DOSVC_LIB_INTERNAL
#error "proxies.h is private to src/lib (libdosvc)"
#endif

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>
#include <deliveryoptimization.h>

#include "bus-client.h"

/* Debug builds stamp each object with a magic number and refuse (E_POINTER) a `This` that does not
 * carry it, which catches a wrong interface pointer early instead of corrupting memory. */
#ifndef NDEBUG
#define PROXY_CHECK_MAGIC 1
#else
#define PROXY_CHECK_MAGIC 0
#endif
#define MAGIC_MANAGER   0x444f4d47u   /* "DOMG" */
#define MAGIC_JOB       0x444f4a42u   /* "DOJB" */
#define MAGIC_FILE      0x444f4649u   /* "DOFI" */
#define MAGIC_ENUM_FILE 0x444f4546u   /* "DOEF" */
#define MAGIC_ENUM_JOB  0x444f454au   /* "DOEJ" */
#define MAGIC_ERROR     0x444f4552u   /* "DOER" */

static inline bool proxy_magic_ok(uint32_t have, uint32_t want) {
        return !PROXY_CHECK_MAGIC || have == want;
}

/* manager.c */
HRESULT manager_new(IBackgroundCopyManager **ret);

/* job.c */
typedef struct DoJob DoJob;
/* A proxy for the job at D-Bus object path `path` whose GUID is `id`. */
HRESULT job_proxy_new(const char *path, const GUID *id, DoJob **ret);
IBackgroundCopyJob *job_proxy_as_job(DoJob *j);       /* borrowed view, no new reference */
DoJob *job_proxy_ref(DoJob *j);
bool job_proxy_try_ref(DoJob *j);                   /* false when its count already reached 0 */
DoJob *job_proxy_unref(DoJob *j);                     /* returns NULL */
const char *job_proxy_path(const DoJob *j);
/* Calls a method of org.dosvc1.Job on this job. A DO_E_JOB_NOT_FOUND answer (the daemon purged the
 * job) is remembered, so that GetState keeps reporting the final state. */
HRESULT job_proxy_call(DoJob *j, const char *member, BusBuildFunc build, BusParseFunc parse, void *userdata);

/* file.c — one file as the daemon describes it in GetFile/GetFiles, (usssttba(tt)). */
typedef struct FileRecord {
        uint32_t index;
        char *file_id;
        char *remote_name;
        char *local_name;
        uint64_t bytes_total;
        uint64_t bytes_transferred;
        bool completed;
        BG_FILE_RANGE *ranges;
        size_t n_ranges;
} FileRecord;
/* Reads one (usssttba(tt)) struct: 1 and *ret filled (the caller owns it), 0 at the end of the
 * enclosing array, or -errno. */
int file_record_read(sd_bus_message *m, FileRecord *ret);
void file_record_done(FileRecord *f);                       /* frees the contents */
/* A proxy for file `index` of job j (takes its own reference on j). */
HRESULT file_proxy_new(DoJob *j, uint32_t index, IBackgroundCopyFile **ret);

/* enum-files.c — over `indices` (copied) of job j; j may be NULL only when n is 0 (tests). */
HRESULT enum_files_new(DoJob *j, const uint32_t *indices, size_t n, IEnumBackgroundCopyFiles **ret);

/* enum-jobs.c — over the (id, object path) pairs of an EnumJobs reply (copied). */
typedef struct JobEntry {
        GUID id;
        char *path;
} JobEntry;
HRESULT enum_jobs_new(const JobEntry *entries, size_t n, IEnumBackgroundCopyJobs **ret);

/* error.c — the reply of org.dosvc1.Job.GetError (strings copied). */
typedef struct ErrorRecord {
        HRESULT hresult;
        BG_ERROR_CONTEXT context;
        int32_t file_index;                /* -1: no file involved */
        const char *description;
        const char *context_description;
        const char *protocol;              /* "" when not tied to a protocol */
} ErrorRecord;
HRESULT error_snapshot_new(DoJob *j, const ErrorRecord *e, IBackgroundCopyError **ret);
