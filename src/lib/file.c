/* file.c (libdosvc): the file proxy, one object behind IBackgroundCopyFile … IBackgroundCopyFile5,
 * IDeliveryOptimizationFile and IDeliveryOptimizationFile2, and the reader of the daemon's file
 * record.
 *
 * Files are not D-Bus objects: a file is its index in the job (docs/dbus-api.md). The proxy holds a
 * reference on its job proxy and the index, and reads the file live with org.dosvc1.Job.GetFile on
 * every call, so names, progress and ranges are always current. As in job.c, the File5 vtable serves
 * File … File5 and IUnknown; the DO interfaces are separate lpVtbl members.
 *
 * Supported: GetRemoteName, GetLocalName, GetProgress, GetFileRanges, SetRemoteName. Every other
 * method (File3/4/5, DO GetStats and Get/SetProperty) returns E_NOTIMPL until the daemon has it. */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "bus-client.h"
#include "proxies.h"
#include "util.h"

#define FILE_URL_MAX 2200u                 /* characters (spec §5) */

typedef struct DoFile {
        IBackgroundCopyFile5 file5;               /* IUnknown, IBackgroundCopyFile … File5 */
        IDeliveryOptimizationFile do_file;
        IDeliveryOptimizationFile2 do_file2;
        uint32_t magic;
        atomic_uint n_ref;
        DoJob *job;                               /* one reference */
        uint32_t index;
} DoFile;

static const IBackgroundCopyFile5Vtbl file_vtbl;
static const IDeliveryOptimizationFileVtbl do_file_vtbl;
static const IDeliveryOptimizationFile2Vtbl do_file2_vtbl;

/* ---- the file record ------------------------------------------------------------------------ */

void file_record_done(FileRecord *f) {
        free(f->file_id);
        free(f->remote_name);
        free(f->local_name);
        free(f->ranges);
        *f = (FileRecord) {};
}

/* Reads one (usssttba(tt)). Returns 1 and fills *ret, 0 at the end of an enclosing array, or
 * -errno (*ret is then empty). */
int file_record_read(sd_bus_message *m, FileRecord *ret) {
        FileRecord f = {};
        const char *file_id, *remote, *local;
        size_t allocated = 0;
        int completed, r;

        r = sd_bus_message_enter_container(m, 'r', "usssttba(tt)");
        if (r <= 0)
                return r;
        r = sd_bus_message_read(m, "usssttb", &f.index, &file_id, &remote, &local, &f.bytes_total,
                                &f.bytes_transferred, &completed);
        if (r < 0)
                return r;
        f.completed = completed;
        f.file_id = strdup(file_id);
        f.remote_name = strdup(remote);
        f.local_name = strdup(local);
        if (!f.file_id || !f.remote_name || !f.local_name) {
                r = -ENOMEM;
                goto fail;
        }

        r = sd_bus_message_enter_container(m, 'a', "(tt)");
        if (r < 0)
                goto fail;
        for (;;) {
                uint64_t offset, length;

                r = sd_bus_message_read(m, "(tt)", &offset, &length);
                if (r < 0)
                        goto fail;
                if (r == 0)
                        break;
                if (f.n_ranges == allocated) {
                        size_t a = allocated ? allocated * 2 : 4;
                        BG_FILE_RANGE *p = reallocarray(f.ranges, a, sizeof(BG_FILE_RANGE));

                        if (!p) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        f.ranges = p;
                        allocated = a;
                }
                f.ranges[f.n_ranges++] = (BG_FILE_RANGE) { .InitialOffset = offset, .Length = length };
        }
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                goto fail;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                goto fail;

        *ret = f;
        return 1;

fail:
        file_record_done(&f);
        return r;
}

/* ---- object plumbing ---------------------------------------------------------------------- */

static DoFile *file_from_this(IBackgroundCopyFile5 *This) {
        DoFile *f;

        if (!This)
                return NULL;
        f = container_of(This, DoFile, file5);
        return proxy_magic_ok(f->magic, MAGIC_FILE) ? f : NULL;
}

static DoFile *file_from_do_file(IDeliveryOptimizationFile *This) {
        DoFile *f;

        if (!This)
                return NULL;
        f = container_of(This, DoFile, do_file);
        return proxy_magic_ok(f->magic, MAGIC_FILE) ? f : NULL;
}

static DoFile *file_from_do_file2(IDeliveryOptimizationFile2 *This) {
        DoFile *f;

        if (!This)
                return NULL;
        f = container_of(This, DoFile, do_file2);
        return proxy_magic_ok(f->magic, MAGIC_FILE) ? f : NULL;
}

HRESULT file_proxy_new(DoJob *j, uint32_t index, IBackgroundCopyFile **ret) {
        DoFile *f;

        f = calloc(1, sizeof(*f));
        if (!f)
                return E_OUTOFMEMORY;
        f->file5.lpVtbl = &file_vtbl;
        f->do_file.lpVtbl = &do_file_vtbl;
        f->do_file2.lpVtbl = &do_file2_vtbl;
        f->magic = MAGIC_FILE;
        atomic_init(&f->n_ref, 1);
        f->job = job_proxy_ref(j);
        f->index = index;
        *ret = (IBackgroundCopyFile *) &f->file5;
        return S_OK;
}

static HRESULT file_query_interface(DoFile *f, REFIID riid, void **ppv) {
        if (!ppv)
                return E_POINTER;
        *ppv = NULL;
        if (!riid)
                return E_INVALIDARG;

        if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IBackgroundCopyFile) ||
            IsEqualIID(riid, &IID_IBackgroundCopyFile2) || IsEqualIID(riid, &IID_IBackgroundCopyFile3) ||
            IsEqualIID(riid, &IID_IBackgroundCopyFile4) || IsEqualIID(riid, &IID_IBackgroundCopyFile5))
                *ppv = &f->file5;
        else if (IsEqualIID(riid, &IID_IDeliveryOptimizationFile))
                *ppv = &f->do_file;
        else if (IsEqualIID(riid, &IID_IDeliveryOptimizationFile2))
                *ppv = &f->do_file2;
        else
                return E_NOINTERFACE;

        atomic_fetch_add_explicit(&f->n_ref, 1, memory_order_relaxed);
        return S_OK;
}

static ULONG file_add_ref_impl(DoFile *f) {
        return atomic_fetch_add_explicit(&f->n_ref, 1, memory_order_relaxed) + 1;
}

static ULONG file_release_impl(DoFile *f) {
        ULONG n = atomic_fetch_sub_explicit(&f->n_ref, 1, memory_order_acq_rel) - 1;

        if (n == 0) {
                f->job = job_proxy_unref(f->job);
                f->magic = 0;
                free(f);
        }
        return n;
}

static HRESULT file_QueryInterface(IBackgroundCopyFile5 *This, REFIID riid, void **ppv) {
        DoFile *f = file_from_this(This);

        if (!f) {
                if (ppv)
                        *ppv = NULL;
                return E_POINTER;
        }
        return file_query_interface(f, riid, ppv);
}

static ULONG file_AddRef(IBackgroundCopyFile5 *This) {
        DoFile *f = file_from_this(This);

        return f ? file_add_ref_impl(f) : 0;
}

static ULONG file_Release(IBackgroundCopyFile5 *This) {
        DoFile *f = file_from_this(This);

        return f ? file_release_impl(f) : 0;
}

/* ---- IBackgroundCopyFile / File2 ------------------------------------------------------------ */

typedef struct GetFileContext {
        uint32_t index;
        FileRecord record;
} GetFileContext;

static int build_get_file(sd_bus_message *m, void *userdata) {
        GetFileContext *c = userdata;

        return sd_bus_message_append_basic(m, 'u', &c->index);
}

static int parse_get_file(sd_bus_message *reply, void *userdata) {
        GetFileContext *c = userdata;
        int r;

        r = file_record_read(reply, &c->record);
        return r == 0 ? -EBADMSG : r;     /* a missing struct is a malformed reply */
}

/* The file as the daemon has it now. The caller owns *ret (file_record_done()). */
static HRESULT file_get_record(DoFile *f, FileRecord *ret) {
        GetFileContext c = { .index = f->index };
        HRESULT hr;

        hr = job_proxy_call(f->job, "GetFile", build_get_file, parse_get_file, &c);
        if (FAILED(hr)) {
                file_record_done(&c.record);
                return hr;
        }
        *ret = c.record;
        return S_OK;
}

#define FILE_OR_RETURN(This)                      \
        DoFile *f = file_from_this(This);         \
        if (!f)                                   \
                return E_POINTER

static HRESULT file_get_name(IBackgroundCopyFile5 *This, bool remote, LPWSTR *pVal) {
        FILE_OR_RETURN(This);
        FileRecord rec;
        HRESULT hr;
        char *s;

        if (!pVal)
                return E_INVALIDARG;
        *pVal = NULL;
        hr = file_get_record(f, &rec);
        if (FAILED(hr))
                return hr;
        s = cotask_strdup(remote ? rec.remote_name : rec.local_name);
        file_record_done(&rec);
        if (!s)
                return E_OUTOFMEMORY;
        *pVal = s;
        return S_OK;
}

static HRESULT file_GetRemoteName(IBackgroundCopyFile5 *This, LPWSTR *pVal) {
        return file_get_name(This, true, pVal);
}

static HRESULT file_GetLocalName(IBackgroundCopyFile5 *This, LPWSTR *pVal) {
        return file_get_name(This, false, pVal);
}

static HRESULT file_GetProgress(IBackgroundCopyFile5 *This, BG_FILE_PROGRESS *pVal) {
        FILE_OR_RETURN(This);
        FileRecord rec;
        HRESULT hr;

        if (!pVal)
                return E_INVALIDARG;
        hr = file_get_record(f, &rec);
        if (FAILED(hr))
                return hr;
        *pVal = (BG_FILE_PROGRESS) {
                .BytesTotal = rec.bytes_total,
                .BytesTransferred = rec.bytes_transferred,
                .Completed = rec.completed ? TRUE : FALSE,
        };
        file_record_done(&rec);
        return S_OK;
}

/* S_FALSE with 0 and NULL for a file without ranges; else S_OK and a CoTaskMemAlloc'ed copy. */
static HRESULT file_GetFileRanges(IBackgroundCopyFile5 *This, DWORD *RangeCount, BG_FILE_RANGE **Ranges) {
        FILE_OR_RETURN(This);
        BG_FILE_RANGE *copy;
        FileRecord rec;
        HRESULT hr;

        if (!RangeCount || !Ranges)
                return E_INVALIDARG;
        *Ranges = NULL;
        hr = file_get_record(f, &rec);
        if (FAILED(hr))
                return hr;
        if (rec.n_ranges == 0) {
                file_record_done(&rec);
                *RangeCount = 0;
                return S_FALSE;
        }
        copy = CoTaskMemAlloc(rec.n_ranges * sizeof(BG_FILE_RANGE));
        if (!copy) {
                file_record_done(&rec);
                return E_OUTOFMEMORY;
        }
        memcpy(copy, rec.ranges, rec.n_ranges * sizeof(BG_FILE_RANGE));
        *RangeCount = (DWORD) rec.n_ranges;
        *Ranges = copy;
        file_record_done(&rec);
        return S_OK;
}

typedef struct SetRemoteNameContext {
        uint32_t index;
        const char *url;
} SetRemoteNameContext;

static int build_set_remote_name(sd_bus_message *m, void *userdata) {
        SetRemoteNameContext *c = userdata;

        return sd_bus_message_append(m, "us", c->index, c->url);
}

/* The URL's syntax is the daemon's to judge (libcurl's URL parser); here NULL, empty, non-UTF-8 and
 * over-long names are refused at the door. Takes effect on the next Resume. */
static HRESULT file_SetRemoteName(IBackgroundCopyFile5 *This, LPCWSTR Val) {
        FILE_OR_RETURN(This);
        SetRemoteNameContext c = { .index = f->index, .url = Val };
        ssize_t n;
        HRESULT hr;

        if (!Val || !Val[0])
                return E_INVALIDARG;
        n = utf8_length(Val);
        if (n < 0 || (size_t) n > FILE_URL_MAX)
                return E_INVALIDARG;
        hr = job_proxy_call(f->job, "SetRemoteName", build_set_remote_name, NULL, &c);
        /* the job was purged by the daemon, so it was final: setters refuse final jobs */
        return hr == DO_E_JOB_NOT_FOUND ? DO_E_INVALID_STATE : hr;
}

/* ---- File3, File4, File5: not supported by the daemon yet --------------------------------- */

static HRESULT file_GetTemporaryName(IBackgroundCopyFile5 *This, LPWSTR *pFilename) {
        if (pFilename)
                *pFilename = NULL;
        return file_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT file_SetValidationState(IBackgroundCopyFile5 *This, BOOL state) {
        return file_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT file_GetValidationState(IBackgroundCopyFile5 *This, BOOL *pState) {
        return file_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT file_IsDownloadedFromPeer(IBackgroundCopyFile5 *This, BOOL *pVal) {
        return file_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT file_GetPeerDownloadStats(IBackgroundCopyFile5 *This, PUINT64 pFromOrigin, PUINT64 pFromPeers) {
        return file_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT file_SetProperty(IBackgroundCopyFile5 *This, BITS_FILE_PROPERTY_ID PropertyId,
                                BITS_FILE_PROPERTY_VALUE PropertyValue) {
        return file_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT file_GetProperty(IBackgroundCopyFile5 *This, BITS_FILE_PROPERTY_ID PropertyId,
                                BITS_FILE_PROPERTY_VALUE *PropertyValue) {
        if (PropertyValue)
                PropertyValue->String = NULL;
        return file_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static const IBackgroundCopyFile5Vtbl file_vtbl = {
        .QueryInterface = file_QueryInterface,
        .AddRef = file_AddRef,
        .Release = file_Release,
        .GetRemoteName = file_GetRemoteName,
        .GetLocalName = file_GetLocalName,
        .GetProgress = file_GetProgress,
        .GetFileRanges = file_GetFileRanges,
        .SetRemoteName = file_SetRemoteName,
        .GetTemporaryName = file_GetTemporaryName,
        .SetValidationState = file_SetValidationState,
        .GetValidationState = file_GetValidationState,
        .IsDownloadedFromPeer = file_IsDownloadedFromPeer,
        .GetPeerDownloadStats = file_GetPeerDownloadStats,
        .SetProperty = file_SetProperty,
        .GetProperty = file_GetProperty,
};

/* ---- IDeliveryOptimizationFile -------------------------------------------------------------- */

static HRESULT do_file_QueryInterface(IDeliveryOptimizationFile *This, REFIID riid, void **ppv) {
        DoFile *f = file_from_do_file(This);

        if (!f) {
                if (ppv)
                        *ppv = NULL;
                return E_POINTER;
        }
        return file_query_interface(f, riid, ppv);
}

static ULONG do_file_AddRef(IDeliveryOptimizationFile *This) {
        DoFile *f = file_from_do_file(This);

        return f ? file_add_ref_impl(f) : 0;
}

static ULONG do_file_Release(IDeliveryOptimizationFile *This) {
        DoFile *f = file_from_do_file(This);

        return f ? file_release_impl(f) : 0;
}

/* Swarm statistics need per-file byte counters by source in the daemon (later issue). */
static HRESULT do_file_GetStats(IDeliveryOptimizationFile *This, DOSwarmStats *swarmStats) {
        if (swarmStats)
                memset(swarmStats, 0, sizeof(*swarmStats));
        return file_from_do_file(This) ? E_NOTIMPL : E_POINTER;
}

static const IDeliveryOptimizationFileVtbl do_file_vtbl = {
        .QueryInterface = do_file_QueryInterface,
        .AddRef = do_file_AddRef,
        .Release = do_file_Release,
        .GetStats = do_file_GetStats,
};

/* ---- IDeliveryOptimizationFile2 ------------------------------------------------------------- */

static HRESULT do_file2_QueryInterface(IDeliveryOptimizationFile2 *This, REFIID riid, void **ppv) {
        DoFile *f = file_from_do_file2(This);

        if (!f) {
                if (ppv)
                        *ppv = NULL;
                return E_POINTER;
        }
        return file_query_interface(f, riid, ppv);
}

static ULONG do_file2_AddRef(IDeliveryOptimizationFile2 *This) {
        DoFile *f = file_from_do_file2(This);

        return f ? file_add_ref_impl(f) : 0;
}

static ULONG do_file2_Release(IDeliveryOptimizationFile2 *This) {
        DoFile *f = file_from_do_file2(This);

        return f ? file_release_impl(f) : 0;
}

static HRESULT do_file2_GetProperty(IDeliveryOptimizationFile2 *This, DOFilePropertyId propId, VARIANT *propValue) {
        if (propValue)
                VariantInit(propValue);
        return file_from_do_file2(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT do_file2_SetProperty(IDeliveryOptimizationFile2 *This, DOFilePropertyId propId,
                                    const VARIANT *propValue) {
        return file_from_do_file2(This) ? E_NOTIMPL : E_POINTER;
}

static const IDeliveryOptimizationFile2Vtbl do_file2_vtbl = {
        .QueryInterface = do_file2_QueryInterface,
        .AddRef = do_file2_AddRef,
        .Release = do_file2_Release,
        .GetProperty = do_file2_GetProperty,
        .SetProperty = do_file2_SetProperty,
};
