/* file.c (libdosvc): the file proxy, one object behind IBackgroundCopyFile … IBackgroundCopyFile5,
 * IDeliveryOptimizationFile and IDeliveryOptimizationFile2, and the reader of the daemon's file
 * record.
 *
 * Files are not D-Bus objects: a file is its index in the job (docs/dbus-api.md). The proxy holds a
 * reference on its job proxy and the index, and reads the file live with org.dosvc1.Job.GetFile on
 * every call, so names, progress and ranges are always current. As in job.c, the File5 vtable serves
 * File … File5 and IUnknown; the DO interfaces are separate lpVtbl members.
 *
 * Supported: everything but File4's SetValidationState/GetValidationState (peer-cache validation:
 * dosvc has no peers), which return E_NOTIMPL (docs/decisions.md). */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "bus-client.h"
#include "proxies.h"
#include "util.h"
#include "variant.h"

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

/* ---- File3, File4, File5 ---------------------------------------------------------------------- */

typedef struct StringByIndex {
        uint32_t index;
        char *value;                       /* CoTaskMemAlloc'ed */
} StringByIndex;

static int build_index(sd_bus_message *m, void *userdata) {
        return sd_bus_message_append_basic(m, 'u', userdata);  /* the first member is the index */
}

static int parse_string_by_index(sd_bus_message *reply, void *userdata) {
        StringByIndex *c = userdata;
        const char *s;
        int r;

        r = sd_bus_message_read_basic(reply, 's', &s);
        if (r < 0)
                return r;
        c->value = cotask_strdup(s);
        return c->value ? 0 : -ENOMEM;
}

/* A file method of org.dosvc1.Job taking (u index) and answering one string. */
static HRESULT file_get_string(DoFile *f, const char *member, char **ret) {
        StringByIndex c = { .index = f->index };
        HRESULT hr;

        hr = job_proxy_call(f->job, member, build_index, parse_string_by_index, &c);
        if (FAILED(hr)) {
                CoTaskMemFree(c.value);
                return hr;
        }
        *ret = c.value;
        return S_OK;
}

/* The reply of org.dosvc1.Job.GetFileStats. */
typedef struct StatsReply {
        uint32_t index;
        char *file_id;                     /* CoTaskMemAlloc'ed */
        char *source_url;
        uint64_t file_size;
        uint64_t total_bytes_downloaded;
        uint64_t bytes_from_http;
        uint32_t http_connection_count;
        uint32_t download_duration_ms;
        uint32_t download_mode;
        uint32_t status;
        int is_background;
} StatsReply;

static int parse_stats(sd_bus_message *reply, void *userdata) {
        StatsReply *st = userdata;
        const char *id, *url;
        int r;

        r = sd_bus_message_read(reply, "sstttuuuub", &id, &url, &st->file_size, &st->total_bytes_downloaded,
                                &st->bytes_from_http, &st->http_connection_count, &st->download_duration_ms,
                                &st->download_mode, &st->status, &st->is_background);
        if (r < 0)
                return r;
        st->file_id = cotask_strdup(id);
        st->source_url = cotask_strdup(url);
        return st->file_id && st->source_url ? 0 : -ENOMEM;
}

static HRESULT file_get_stats(DoFile *f, StatsReply *ret) {
        StatsReply st = { .index = f->index };
        HRESULT hr;

        hr = job_proxy_call(f->job, "GetFileStats", build_index, parse_stats, &st);
        if (FAILED(hr)) {
                CoTaskMemFree(st.file_id);
                CoTaskMemFree(st.source_url);
                return hr;
        }
        *ret = st;
        return S_OK;
}

/* The hidden temp file in the destination's folder (.dosvc-<job>-<index>.part), which holds the
 * bytes until Complete renames it. DO_E_LOCALPATH_NOT_SET for a file added by DO Job2::AddFile
 * whose destination is not set yet. */
static HRESULT file_GetTemporaryName(IBackgroundCopyFile5 *This, LPWSTR *pFilename) {
        char *s = NULL;
        HRESULT hr;

        if (pFilename)
                *pFilename = NULL;
        FILE_OR_RETURN(This);
        if (!pFilename)
                return E_INVALIDARG;
        hr = file_get_string(f, "GetTemporaryName", &s);
        if (FAILED(hr))
                return hr;
        if (!s[0]) {
                CoTaskMemFree(s);
                return DO_E_LOCALPATH_NOT_SET;
        }
        *pFilename = s;
        return S_OK;
}

static HRESULT file_SetValidationState(IBackgroundCopyFile5 *This, BOOL state) {
        return file_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT file_GetValidationState(IBackgroundCopyFile5 *This, BOOL *pState) {
        return file_from_this(This) ? E_NOTIMPL : E_POINTER;
}

/* dosvc downloads from HTTP servers only: never from a peer. */
static HRESULT file_IsDownloadedFromPeer(IBackgroundCopyFile5 *This, BOOL *pVal) {
        FILE_OR_RETURN(This);
        StatsReply st;
        HRESULT hr;

        if (!pVal)
                return E_INVALIDARG;
        hr = file_get_stats(f, &st);       /* the file must exist */
        if (FAILED(hr))
                return hr;
        CoTaskMemFree(st.file_id);
        CoTaskMemFree(st.source_url);
        *pVal = FALSE;
        return S_OK;
}

static HRESULT file_GetPeerDownloadStats(IBackgroundCopyFile5 *This, PUINT64 pFromOrigin, PUINT64 pFromPeers) {
        FILE_OR_RETURN(This);
        StatsReply st;
        HRESULT hr;

        if (!pFromOrigin || !pFromPeers)
                return E_INVALIDARG;
        hr = file_get_stats(f, &st);
        if (FAILED(hr))
                return hr;
        CoTaskMemFree(st.file_id);
        CoTaskMemFree(st.source_url);
        *pFromOrigin = st.bytes_from_http;
        *pFromPeers = 0;
        return S_OK;
}

/* BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS is what the server said: read-only
 * (docs/decisions.md). */
static HRESULT file_SetProperty(IBackgroundCopyFile5 *This, BITS_FILE_PROPERTY_ID PropertyId,
                                BITS_FILE_PROPERTY_VALUE PropertyValue) {
        if (!file_from_this(This))
                return E_POINTER;
        return PropertyId == BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS ? DO_E_READ_ONLY_PROPERTY
                                                                         : DO_E_UNKNOWN_PROPERTY_ID;
}

/* Every header of the server's last response, "\r\n"-separated; "" before the first response. */
static HRESULT file_GetProperty(IBackgroundCopyFile5 *This, BITS_FILE_PROPERTY_ID PropertyId,
                                BITS_FILE_PROPERTY_VALUE *PropertyValue) {
        char *s = NULL;
        HRESULT hr;

        if (PropertyValue)
                PropertyValue->String = NULL;
        FILE_OR_RETURN(This);
        if (!PropertyValue)
                return E_INVALIDARG;
        if (PropertyId != BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS)
                return DO_E_UNKNOWN_PROPERTY_ID;
        hr = file_get_string(f, "GetFileHttpResponseHeaders", &s);
        if (FAILED(hr))
                return hr;
        PropertyValue->String = s;
        return S_OK;
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

/* What the daemon knows of the file's download ([DESIGN] docs/decisions.md): no peers, so every byte
 * is from HTTP and the mode is DownloadMode_Simple; fileId and sourceURL are CoTaskMemAlloc'ed. */
static HRESULT do_file_GetStats(IDeliveryOptimizationFile *This, DOSwarmStats *swarmStats) {
        DoFile *f = file_from_do_file(This);
        StatsReply st;
        HRESULT hr;

        if (swarmStats)
                memset(swarmStats, 0, sizeof(*swarmStats));
        if (!f)
                return E_POINTER;
        if (!swarmStats)
                return E_INVALIDARG;
        hr = file_get_stats(f, &st);
        if (FAILED(hr))
                return hr;
        *swarmStats = (DOSwarmStats) {
                .fileId = st.file_id,
                .sourceURL = st.source_url,
                .fileSize = st.file_size,
                .totalBytesDownloaded = st.total_bytes_downloaded,
                .bytesFromHttp = st.bytes_from_http,
                .httpConnectionCount = st.http_connection_count,
                .downloadDuration = st.download_duration_ms,
                .downloadMode = (DownloadMode) st.download_mode,
                .status = (SwarmStatus) st.status,
                .isBackground = st.is_background ? TRUE : FALSE,
        };
        return S_OK;
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

typedef struct FilePropertyArgs {
        uint32_t index;
        uint32_t id;
        const VARIANT *value;              /* set */
        VARIANT *ret;                      /* get */
} FilePropertyArgs;

static int build_file_property(sd_bus_message *m, void *userdata) {
        const FilePropertyArgs *a = userdata;
        int r;

        r = sd_bus_message_append(m, "uu", a->index, a->id);
        if (r < 0 || !a->value)
                return r;
        return variant_append(m, a->value);
}

static int parse_file_property(sd_bus_message *reply, void *userdata) {
        FilePropertyArgs *a = userdata;

        return variant_read(reply, a->ret);
}

/* The daemon's GetFileProperty decides everything: DO_E_WRITE_ONLY_PROPERTY, E_NOT_SET, E_NOTIMPL,
 * DO_E_UNKNOWN_PROPERTY_ID. The value is the caller's to VariantClear(). */
static HRESULT do_file2_GetProperty(IDeliveryOptimizationFile2 *This, DOFilePropertyId propId, VARIANT *propValue) {
        DoFile *f = file_from_do_file2(This);
        FilePropertyArgs a;

        if (propValue)
                VariantInit(propValue);
        if (!f)
                return E_POINTER;
        if (!propValue)
                return E_INVALIDARG;
        a = (FilePropertyArgs) { .index = f->index, .id = (uint32_t) propId, .ret = propValue };
        return job_proxy_call(f->job, "GetFileProperty", build_file_property, parse_file_property, &a);
}

/* The value is copied to the daemon, which checks its type and contents. The sink interfaces are
 * COM objects of this process: they cannot reach the daemon (E_NOTIMPL). */
static HRESULT do_file2_SetProperty(IDeliveryOptimizationFile2 *This, DOFilePropertyId propId,
                                    const VARIANT *propValue) {
        DoFile *f = file_from_do_file2(This);
        FilePropertyArgs a;
        HRESULT hr;

        if (!f)
                return E_POINTER;
        if ((uint32_t) propId > (uint32_t) DOFilePropertyId_TotalSizeBytes)
                return DO_E_UNKNOWN_PROPERTY_ID;
        if (propId == DOFilePropertyId_DownloadSinkInterface || propId == DOFilePropertyId_DownloadSinkMemoryStream)
                return E_NOTIMPL;
        if (!propValue)
                return E_INVALIDARG;
        if (V_VT(propValue) != VT_BSTR && V_VT(propValue) != VT_BOOL && V_VT(propValue) != VT_UI8 &&
            V_VT(propValue) != VT_UI4 && V_VT(propValue) != VT_I4)
                return E_INVALIDARG;
        if (V_VT(propValue) == VT_BSTR && (!V_BSTR(propValue) || utf8_length(V_BSTR(propValue)) < 0))
                return E_INVALIDARG;
        if (V_VT(propValue) == VT_BOOL && V_BOOL(propValue) != VARIANT_TRUE && V_BOOL(propValue) != VARIANT_FALSE)
                return E_INVALIDARG;

        a = (FilePropertyArgs) { .index = f->index, .id = (uint32_t) propId, .value = propValue };
        hr = job_proxy_call(f->job, "SetFileProperty", build_file_property, NULL, &a);
        /* the job was purged by the daemon, so it was final: setters refuse final jobs */
        return hr == DO_E_JOB_NOT_FOUND ? DO_E_INVALID_STATE : hr;
}

static const IDeliveryOptimizationFile2Vtbl do_file2_vtbl = {
        .QueryInterface = do_file2_QueryInterface,
        .AddRef = do_file2_AddRef,
        .Release = do_file2_Release,
        .GetProperty = do_file2_GetProperty,
        .SetProperty = do_file2_SetProperty,
};
