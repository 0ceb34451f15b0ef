/* enum-files.c (libdosvc): IEnumBackgroundCopyFiles over a snapshot of a job's files.
 *
 * The snapshot is the list of file indices the daemon returned from GetFiles when EnumFiles was
 * called; the file objects handed out are live proxies (file.c). The list is immutable and shared,
 * reference-counted, between an enumerator and its clones; each enumerator has its own position,
 * guarded by its own mutex so that Next/Skip from several threads never hand out one file twice.
 *
 * Rules (spec §2.7): Next returns S_OK when celt items were returned, S_FALSE when fewer;
 * pceltFetched may be NULL only when celt is 1; Skip returns S_FALSE when fewer than celt items
 * remained and then stops past the last one; Clone copies the position; GetCount is the snapshot's
 * size. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "proxies.h"
#include "util.h"

typedef struct FileList {
        atomic_uint n_ref;
        DoJob *job;                        /* one reference; NULL only when n is 0 */
        size_t n;
        uint32_t indices[];
} FileList;

typedef struct DoEnumFiles {
        IEnumBackgroundCopyFiles iface;
        uint32_t magic;
        atomic_uint n_ref;
        FileList *list;                    /* one reference */
        pthread_mutex_t lock;              /* guards pos */
        size_t pos;
} DoEnumFiles;

static const IEnumBackgroundCopyFilesVtbl enum_files_vtbl;

static FileList *file_list_unref(FileList *l) {
        if (l && atomic_fetch_sub_explicit(&l->n_ref, 1, memory_order_acq_rel) == 1) {
                l->job = job_proxy_unref(l->job);
                free(l);
        }
        return NULL;
}

static HRESULT enum_files_new_from_list(FileList *list, size_t pos, IEnumBackgroundCopyFiles **ret) {
        DoEnumFiles *e;

        e = calloc(1, sizeof(*e));
        if (!e)
                return E_OUTOFMEMORY;
        e->iface.lpVtbl = &enum_files_vtbl;
        e->magic = MAGIC_ENUM_FILE;
        atomic_init(&e->n_ref, 1);
        atomic_fetch_add_explicit(&list->n_ref, 1, memory_order_relaxed);
        e->list = list;
        e->pos = pos;
        (void) pthread_mutex_init(&e->lock, NULL);
        *ret = &e->iface;
        return S_OK;
}

HRESULT enum_files_new(DoJob *j, const uint32_t *indices, size_t n, IEnumBackgroundCopyFiles **ret) {
        FileList *list;
        HRESULT hr;

        if (!j && n > 0)
                return E_INVALIDARG;
        if (n > (SIZE_MAX - sizeof(FileList)) / sizeof(uint32_t))
                return E_OUTOFMEMORY;
        list = calloc(1, sizeof(FileList) + n * sizeof(uint32_t));
        if (!list)
                return E_OUTOFMEMORY;
        atomic_init(&list->n_ref, 1);
        list->job = j ? job_proxy_ref(j) : NULL;
        list->n = n;
        if (n > 0)
                memcpy(list->indices, indices, n * sizeof(uint32_t));

        hr = enum_files_new_from_list(list, 0, ret);
        (void) file_list_unref(list);      /* the enumerator holds its own reference */
        return hr;
}

static DoEnumFiles *enum_from_this(IEnumBackgroundCopyFiles *This) {
        DoEnumFiles *e;

        if (!This)
                return NULL;
        e = container_of(This, DoEnumFiles, iface);
        return proxy_magic_ok(e->magic, MAGIC_ENUM_FILE) ? e : NULL;
}

static HRESULT enum_QueryInterface(IEnumBackgroundCopyFiles *This, REFIID riid, void **ppv) {
        DoEnumFiles *e = enum_from_this(This);

        if (!ppv)
                return E_POINTER;
        *ppv = NULL;
        if (!e)
                return E_POINTER;
        if (!riid)
                return E_INVALIDARG;
        if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IEnumBackgroundCopyFiles))
                return E_NOINTERFACE;
        atomic_fetch_add_explicit(&e->n_ref, 1, memory_order_relaxed);
        *ppv = &e->iface;
        return S_OK;
}

static ULONG enum_AddRef(IEnumBackgroundCopyFiles *This) {
        DoEnumFiles *e = enum_from_this(This);

        return e ? atomic_fetch_add_explicit(&e->n_ref, 1, memory_order_relaxed) + 1 : 0;
}

static ULONG enum_Release(IEnumBackgroundCopyFiles *This) {
        DoEnumFiles *e = enum_from_this(This);
        ULONG n;

        if (!e)
                return 0;
        n = atomic_fetch_sub_explicit(&e->n_ref, 1, memory_order_acq_rel) - 1;
        if (n == 0) {
                e->list = file_list_unref(e->list);
                (void) pthread_mutex_destroy(&e->lock);
                e->magic = 0;
                free(e);
        }
        return n;
}

static HRESULT enum_Next(IEnumBackgroundCopyFiles *This, ULONG celt, IBackgroundCopyFile **rgelt,
                         ULONG *pceltFetched) {
        DoEnumFiles *e = enum_from_this(This);
        HRESULT hr = S_OK;
        size_t k;

        if (!e)
                return E_POINTER;
        if (!rgelt || (!pceltFetched && celt != 1))
                return E_INVALIDARG;

        (void) pthread_mutex_lock(&e->lock);
        k = MIN((size_t) celt, e->list->n - e->pos);
        for (size_t i = 0; i < k; i++) {
                hr = file_proxy_new(e->list->job, e->list->indices[e->pos + i], &rgelt[i]);
                if (FAILED(hr)) {
                        /* all or nothing: give back what was made, keep the position */
                        while (i > 0) {
                                i--;
                                IBackgroundCopyFile_Release(rgelt[i]);
                                rgelt[i] = NULL;
                        }
                        k = 0;
                        break;
                }
        }
        e->pos += k;
        (void) pthread_mutex_unlock(&e->lock);

        if (pceltFetched)
                *pceltFetched = (ULONG) k;
        if (FAILED(hr))
                return hr;
        return k == celt ? S_OK : S_FALSE;
}

static HRESULT enum_Skip(IEnumBackgroundCopyFiles *This, ULONG celt) {
        DoEnumFiles *e = enum_from_this(This);
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

static HRESULT enum_Reset(IEnumBackgroundCopyFiles *This) {
        DoEnumFiles *e = enum_from_this(This);

        if (!e)
                return E_POINTER;
        (void) pthread_mutex_lock(&e->lock);
        e->pos = 0;
        (void) pthread_mutex_unlock(&e->lock);
        return S_OK;
}

static HRESULT enum_Clone(IEnumBackgroundCopyFiles *This, IEnumBackgroundCopyFiles **ppenum) {
        DoEnumFiles *e = enum_from_this(This);
        size_t pos;

        if (!e)
                return E_POINTER;
        if (!ppenum)
                return E_INVALIDARG;
        *ppenum = NULL;
        (void) pthread_mutex_lock(&e->lock);
        pos = e->pos;
        (void) pthread_mutex_unlock(&e->lock);
        return enum_files_new_from_list(e->list, pos, ppenum);
}

static HRESULT enum_GetCount(IEnumBackgroundCopyFiles *This, ULONG *puCount) {
        DoEnumFiles *e = enum_from_this(This);

        if (!e)
                return E_POINTER;
        if (!puCount)
                return E_INVALIDARG;
        *puCount = (ULONG) e->list->n;
        return S_OK;
}

static const IEnumBackgroundCopyFilesVtbl enum_files_vtbl = {
        .QueryInterface = enum_QueryInterface,
        .AddRef = enum_AddRef,
        .Release = enum_Release,
        .Next = enum_Next,
        .Skip = enum_Skip,
        .Reset = enum_Reset,
        .Clone = enum_Clone,
        .GetCount = enum_GetCount,
};
