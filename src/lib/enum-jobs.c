/* enum-jobs.c (libdosvc): IEnumBackgroundCopyJobs over a snapshot of the daemon's EnumJobs.
 *
 * The snapshot is the (GUID, object path) list of EnumJobs taken when the manager's EnumJobs was
 * called (jobs in a final state are not listed by the daemon); each Next makes fresh job proxies,
 * which report live values (spec §2.1). The list is immutable and shared, reference-counted, between
 * an enumerator and its clones; each enumerator has its own position under its own mutex.
 *
 * Rules (spec §2.8, same as IEnumBackgroundCopyFiles): Next returns S_OK when celt items were
 * returned, S_FALSE when fewer; pceltFetched may be NULL only when celt is 1; Skip returns S_FALSE
 * when fewer than celt items remained and stops past the last one; Clone copies the position. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "proxies.h"
#include "util.h"

typedef struct JobList {
        atomic_uint n_ref;
        size_t n;
        JobEntry entries[];                /* paths owned by the list */
} JobList;

typedef struct DoEnumJobs {
        IEnumBackgroundCopyJobs iface;
        uint32_t magic;
        atomic_uint n_ref;
        JobList *list;                     /* one reference */
        pthread_mutex_t lock;              /* guards pos */
        size_t pos;
} DoEnumJobs;

static const IEnumBackgroundCopyJobsVtbl enum_jobs_vtbl;

static JobList *job_list_unref(JobList *l) {
        if (l && atomic_fetch_sub_explicit(&l->n_ref, 1, memory_order_acq_rel) == 1) {
                for (size_t i = 0; i < l->n; i++)
                        free(l->entries[i].path);
                free(l);
        }
        return NULL;
}

static HRESULT enum_jobs_new_from_list(JobList *list, size_t pos, IEnumBackgroundCopyJobs **ret) {
        DoEnumJobs *e;

        e = calloc(1, sizeof(*e));
        if (!e)
                return E_OUTOFMEMORY;
        e->iface.lpVtbl = &enum_jobs_vtbl;
        e->magic = MAGIC_ENUM_JOB;
        atomic_init(&e->n_ref, 1);
        atomic_fetch_add_explicit(&list->n_ref, 1, memory_order_relaxed);
        e->list = list;
        e->pos = pos;
        (void) pthread_mutex_init(&e->lock, NULL);
        *ret = &e->iface;
        return S_OK;
}

HRESULT enum_jobs_new(const JobEntry *entries, size_t n, IEnumBackgroundCopyJobs **ret) {
        JobList *list;
        HRESULT hr;

        if (n > (SIZE_MAX - sizeof(JobList)) / sizeof(JobEntry))
                return E_OUTOFMEMORY;
        list = calloc(1, sizeof(JobList) + n * sizeof(JobEntry));
        if (!list)
                return E_OUTOFMEMORY;
        atomic_init(&list->n_ref, 1);
        for (size_t i = 0; i < n; i++) {
                list->entries[i].id = entries[i].id;
                list->entries[i].path = strdup(entries[i].path);
                if (!list->entries[i].path) {
                        list->n = i;
                        (void) job_list_unref(list);
                        return E_OUTOFMEMORY;
                }
        }
        list->n = n;

        hr = enum_jobs_new_from_list(list, 0, ret);
        (void) job_list_unref(list);       /* the enumerator holds its own reference */
        return hr;
}

static DoEnumJobs *enum_from_this(IEnumBackgroundCopyJobs *This) {
        DoEnumJobs *e;

        if (!This)
                return NULL;
        e = container_of(This, DoEnumJobs, iface);
        return proxy_magic_ok(e->magic, MAGIC_ENUM_JOB) ? e : NULL;
}

static HRESULT enum_QueryInterface(IEnumBackgroundCopyJobs *This, REFIID riid, void **ppv) {
        DoEnumJobs *e = enum_from_this(This);

        if (!ppv)
                return E_POINTER;
        *ppv = NULL;
        if (!e)
                return E_POINTER;
        if (!riid)
                return E_INVALIDARG;
        if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IEnumBackgroundCopyJobs))
                return E_NOINTERFACE;
        atomic_fetch_add_explicit(&e->n_ref, 1, memory_order_relaxed);
        *ppv = &e->iface;
        return S_OK;
}

static ULONG enum_AddRef(IEnumBackgroundCopyJobs *This) {
        DoEnumJobs *e = enum_from_this(This);

        return e ? atomic_fetch_add_explicit(&e->n_ref, 1, memory_order_relaxed) + 1 : 0;
}

static ULONG enum_Release(IEnumBackgroundCopyJobs *This) {
        DoEnumJobs *e = enum_from_this(This);
        ULONG n;

        if (!e)
                return 0;
        n = atomic_fetch_sub_explicit(&e->n_ref, 1, memory_order_acq_rel) - 1;
        if (n == 0) {
                e->list = job_list_unref(e->list);
                (void) pthread_mutex_destroy(&e->lock);
                e->magic = 0;
                free(e);
        }
        return n;
}

static HRESULT enum_Next(IEnumBackgroundCopyJobs *This, ULONG celt, IBackgroundCopyJob **rgelt,
                         ULONG *pceltFetched) {
        DoEnumJobs *e = enum_from_this(This);
        HRESULT hr = S_OK;
        size_t k;

        if (!e)
                return E_POINTER;
        if (!rgelt || (!pceltFetched && celt != 1))
                return E_INVALIDARG;

        (void) pthread_mutex_lock(&e->lock);
        k = MIN((size_t) celt, e->list->n - e->pos);
        for (size_t i = 0; i < k; i++) {
                const JobEntry *entry = &e->list->entries[e->pos + i];
                DoJob *j;

                hr = job_proxy_new(entry->path, &entry->id, &j);
                if (FAILED(hr)) {
                        /* all or nothing: give back what was made, keep the position */
                        while (i > 0) {
                                i--;
                                IBackgroundCopyJob_Release(rgelt[i]);
                                rgelt[i] = NULL;
                        }
                        k = 0;
                        break;
                }
                rgelt[i] = job_proxy_as_job(j);
        }
        e->pos += k;
        (void) pthread_mutex_unlock(&e->lock);

        if (pceltFetched)
                *pceltFetched = (ULONG) k;
        if (FAILED(hr))
                return hr;
        return k == celt ? S_OK : S_FALSE;
}

static HRESULT enum_Skip(IEnumBackgroundCopyJobs *This, ULONG celt) {
        DoEnumJobs *e = enum_from_this(This);
        HRESULT hr;

        if (!e)
                return E_POINTER;
        (void) pthread_mutex_lock(&e->lock);
        if ((size_t) celt > e->list->n - e->pos) {
                e->pos = e->list->n;
                hr = S_FALSE;
        } else {
                e->pos += celt;
                hr = S_OK;
        }
        (void) pthread_mutex_unlock(&e->lock);
        return hr;
}

static HRESULT enum_Reset(IEnumBackgroundCopyJobs *This) {
        DoEnumJobs *e = enum_from_this(This);

        if (!e)
                return E_POINTER;
        (void) pthread_mutex_lock(&e->lock);
        e->pos = 0;
        (void) pthread_mutex_unlock(&e->lock);
        return S_OK;
}

static HRESULT enum_Clone(IEnumBackgroundCopyJobs *This, IEnumBackgroundCopyJobs **ppenum) {
        DoEnumJobs *e = enum_from_this(This);
        size_t pos;

        if (!e)
                return E_POINTER;
        if (!ppenum)
                return E_INVALIDARG;
        *ppenum = NULL;
        (void) pthread_mutex_lock(&e->lock);
        pos = e->pos;
        (void) pthread_mutex_unlock(&e->lock);
        return enum_jobs_new_from_list(e->list, pos, ppenum);
}

static HRESULT enum_GetCount(IEnumBackgroundCopyJobs *This, ULONG *puCount) {
        DoEnumJobs *e = enum_from_this(This);

        if (!e)
                return E_POINTER;
        if (!puCount)
                return E_INVALIDARG;
        *puCount = (ULONG) e->list->n;
        return S_OK;
}

static const IEnumBackgroundCopyJobsVtbl enum_jobs_vtbl = {
        .QueryInterface = enum_QueryInterface,
        .AddRef = enum_AddRef,
        .Release = enum_Release,
        .Next = enum_Next,
        .Skip = enum_Skip,
        .Reset = enum_Reset,
        .Clone = enum_Clone,
        .GetCount = enum_GetCount,
};
