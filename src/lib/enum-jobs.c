/* enum-jobs.c (libdosvc): IEnumBackgroundCopyJobs over a snapshot of the daemon's EnumJobs.
 *
 * The snapshot is the (GUID, object path) list of EnumJobs taken when the manager's EnumJobs was
 * called (jobs in a final state are not listed by the daemon); each Next makes fresh job proxies,
 * which report live values (spec §2.1). Positions, clones and the rules of Next/Skip/Clone/GetCount
 * (spec §2.8, same as IEnumBackgroundCopyFiles) are the generic enumerator's (enum-snapshot.c); this
 * file only says what an item is. */
#include <stdlib.h>
#include <string.h>

#include "enum-snapshot.h"
#include "macro.h"
#include "proxies.h"

static HRESULT job_item_new(const void *items, size_t index, IUnknown **ret) {
        const JobEntry *entry = (const JobEntry *) items + index;
        DoJob *j;
        HRESULT hr;

        hr = job_proxy_new(entry->path, &entry->id, &j);
        if (FAILED(hr))
                return hr;
        *ret = (IUnknown *) job_proxy_as_job(j);
        return S_OK;
}

static void job_items_free(void *items, size_t n) {
        JobEntry *entries = items;

        for (size_t i = 0; i < n; i++)
                free(entries[i].path);
        free(entries);
}

ENUM_SNAPSHOT_DEFINE_TYPE(enum_jobs, IEnumBackgroundCopyJobs, IBackgroundCopyJob, MAGIC_ENUM_JOB,
                          job_item_new, job_items_free);

HRESULT enum_jobs_new(const JobEntry *entries, size_t n, IEnumBackgroundCopyJobs **ret) {
        JobEntry *copy;

        if (n > SIZE_MAX / sizeof(JobEntry))
                return E_OUTOFMEMORY;
        /* calloc(0) may be NULL: one entry at least, so that NULL always means out of memory. */
        copy = calloc(MAX(n, (size_t) 1), sizeof(JobEntry));
        if (!copy)
                return E_OUTOFMEMORY;
        for (size_t i = 0; i < n; i++) {
                copy[i].id = entries[i].id;
                copy[i].path = strdup(entries[i].path);
                if (!copy[i].path) {
                        job_items_free(copy, i);
                        return E_OUTOFMEMORY;
                }
        }

        return enum_snapshot_new(&enum_jobs_type, copy, n, (IUnknown **) ret);
}
