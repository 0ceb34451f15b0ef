/* job.c (libdosvc): the job proxy, one object behind IBackgroundCopyJob … IBackgroundCopyJob5,
 * IDeliveryOptimizationJob and IDeliveryOptimizationJob2.
 *
 * Layout: DoJob starts with an IBackgroundCopyJob5 whose vtable also serves IBackgroundCopyJob,
 * Job2, Job3, Job4 and IUnknown (each is a prefix of the Job5 vtable, so a Job5 pointer is a valid
 * pointer to all of them). The two DO interfaces are separate lpVtbl members; their methods get back
 * to the DoJob with container_of(). QueryInterface for IUnknown always returns the Job5 member (COM
 * identity).
 *
 * The proxy holds only the job's identity (GUID, object path) and client-side state that never goes
 * to the daemon: the final state this client saw (after its own Cancel/Complete, or when the daemon no longer knows the job),
 * so GetState on a held pointer reports CANCELLED/ACKNOWLEDGED even once the daemon purged the job.
 * The notify interface (SetNotifyInterface) is registered with callbacks.c, which holds it and
 * dispatches the calls; freeing the proxy drops the registration.
 * Everything else is read live from the daemon on each call: arguments are checked here first
 * ("at the door", never abort), and the daemon enforces the state rules.
 *
 * Threads: any method from any thread. Bus calls serialize on the connection lock (bus-client.c);
 * the callback registry has its own lock (callbacks.c). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-client.h"
#include "callbacks.h"
#include "proxies.h"
#include "util.h"

#define JOB_DESCRIPTION_MAX 1024u          /* characters (code points) */
#define JOB_NOTIFY_FLAGS_ALL 0x3fu
#define JOB_FINAL_STATE_UNKNOWN (-1)

struct DoJob {
        IBackgroundCopyJob5 job5;                 /* IUnknown, IBackgroundCopyJob … Job5 */
        IDeliveryOptimizationJob do_job;
        IDeliveryOptimizationJob2 do_job2;
        uint32_t magic;
        atomic_uint n_ref;
        char *path;                               /* "/org/dosvc1/job/<32 hex>" */
        GUID id;

        atomic_int final_state;                   /* BG_JOB_STATE_ACKNOWLEDGED/CANCELLED, or UNKNOWN */
};

static const IBackgroundCopyJob5Vtbl job_vtbl;
static const IDeliveryOptimizationJobVtbl do_job_vtbl;
static const IDeliveryOptimizationJob2Vtbl do_job2_vtbl;

/* ---- object plumbing ---------------------------------------------------------------------- */

static DoJob *job_from_this(IBackgroundCopyJob5 *This) {
        DoJob *j;

        if (!This)
                return NULL;
        j = container_of(This, DoJob, job5);
        return proxy_magic_ok(j->magic, MAGIC_JOB) ? j : NULL;
}

static DoJob *job_from_do_job(IDeliveryOptimizationJob *This) {
        DoJob *j;

        if (!This)
                return NULL;
        j = container_of(This, DoJob, do_job);
        return proxy_magic_ok(j->magic, MAGIC_JOB) ? j : NULL;
}

static DoJob *job_from_do_job2(IDeliveryOptimizationJob2 *This) {
        DoJob *j;

        if (!This)
                return NULL;
        j = container_of(This, DoJob, do_job2);
        return proxy_magic_ok(j->magic, MAGIC_JOB) ? j : NULL;
}

HRESULT job_proxy_new(const char *path, const GUID *id, DoJob **ret) {
        DoJob *j;

        j = calloc(1, sizeof(*j));
        if (!j)
                return E_OUTOFMEMORY;
        j->path = strdup(path);
        if (!j->path) {
                free(j);
                return E_OUTOFMEMORY;
        }
        j->job5.lpVtbl = &job_vtbl;
        j->do_job.lpVtbl = &do_job_vtbl;
        j->do_job2.lpVtbl = &do_job2_vtbl;
        j->magic = MAGIC_JOB;
        atomic_init(&j->n_ref, 1);
        atomic_init(&j->final_state, JOB_FINAL_STATE_UNKNOWN);
        j->id = *id;
        *ret = j;
        return S_OK;
}

static void job_free(DoJob *j) {
        callbacks_forget(j);                      /* Releases the notify interface, if any */
        free(j->path);
        j->magic = 0;
        free(j);
}

DoJob *job_proxy_ref(DoJob *j) {
        atomic_fetch_add_explicit(&j->n_ref, 1, memory_order_relaxed);
        return j;
}

/* A reference on a proxy whose count may be dropping to 0 on another thread (callbacks.c holds
 * proxies weakly): succeeds only while the count is not 0, so a proxy being freed stays dead. */
bool job_proxy_try_ref(DoJob *j) {
        unsigned n = atomic_load_explicit(&j->n_ref, memory_order_relaxed);

        while (n > 0)
                if (atomic_compare_exchange_weak_explicit(&j->n_ref, &n, n + 1, memory_order_acquire,
                                                          memory_order_relaxed))
                        return true;
        return false;
}

DoJob *job_proxy_unref(DoJob *j) {
        if (j && atomic_fetch_sub_explicit(&j->n_ref, 1, memory_order_acq_rel) == 1)
                job_free(j);
        return NULL;
}

IBackgroundCopyJob *job_proxy_as_job(DoJob *j) {
        return (IBackgroundCopyJob *) &j->job5;
}

const char *job_proxy_path(const DoJob *j) {
        return j->path;
}

/* The daemon no longer has the job: it was purged one day after it became final (or expired, which
 * cancels it). Keep reporting the final state we know, else CANCELLED. */
static void job_mark_gone(DoJob *j) {
        int expected = JOB_FINAL_STATE_UNKNOWN;

        (void) atomic_compare_exchange_strong(&j->final_state, &expected, BG_JOB_STATE_CANCELLED);
}

static BG_JOB_STATE job_final_state(DoJob *j) {
        int s = atomic_load(&j->final_state);

        return s == JOB_FINAL_STATE_UNKNOWN ? BG_JOB_STATE_CANCELLED : (BG_JOB_STATE) s;
}

HRESULT job_proxy_call(DoJob *j, const char *member, BusBuildFunc build, BusParseFunc parse, void *userdata) {
        HRESULT hr;

        hr = bus_client_call(j->path, BUS_JOB_INTERFACE, member, build, parse, userdata);
        if (hr == DO_E_JOB_NOT_FOUND)
                job_mark_gone(j);
        return hr;
}

/* A state-changing call. A purged job was final, and final jobs refuse state changes: report that
 * as the daemon would have while it still had the job (spec §4, method-validity matrix). */
static HRESULT job_mutate(DoJob *j, const char *member, BusBuildFunc build, void *userdata) {
        HRESULT hr;

        hr = job_proxy_call(j, member, build, NULL, userdata);
        return hr == DO_E_JOB_NOT_FOUND ? DO_E_INVALID_STATE : hr;
}

static HRESULT job_get_u32(DoJob *j, const char *property, uint32_t *ret) {
        uint32_t v = 0;
        HRESULT hr;

        hr = bus_client_get_job_property(j->path, property, 'u', &v);
        if (hr == DO_E_JOB_NOT_FOUND)
                job_mark_gone(j);
        if (FAILED(hr))
                return hr;
        *ret = v;
        return S_OK;
}

static HRESULT job_get_string(DoJob *j, const char *property, LPWSTR *ret) {
        _cleanup_free_ char *s = NULL;
        HRESULT hr;
        char *copy;

        hr = bus_client_get_job_property(j->path, property, 's', &s);
        if (hr == DO_E_JOB_NOT_FOUND)
                job_mark_gone(j);
        if (FAILED(hr))
                return hr;
        copy = cotask_strdup(s);
        if (!copy)
                return E_OUTOFMEMORY;
        *ret = copy;
        return S_OK;
}

static int build_u32(sd_bus_message *m, void *userdata) {
        return sd_bus_message_append_basic(m, 'u', userdata);
}

static int build_string(sd_bus_message *m, void *userdata) {
        return sd_bus_message_append_basic(m, 's', userdata);
}

static int parse_i32(sd_bus_message *reply, void *userdata) {
        return sd_bus_message_read_basic(reply, 'i', userdata);
}

/* ---- IUnknown ----------------------------------------------------------------------------- */

static HRESULT job_query_interface(DoJob *j, REFIID riid, void **ppv) {
        if (!ppv)
                return E_POINTER;
        *ppv = NULL;
        if (!riid)
                return E_INVALIDARG;

        if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IBackgroundCopyJob) ||
            IsEqualIID(riid, &IID_IBackgroundCopyJob2) || IsEqualIID(riid, &IID_IBackgroundCopyJob3) ||
            IsEqualIID(riid, &IID_IBackgroundCopyJob4) || IsEqualIID(riid, &IID_IBackgroundCopyJob5))
                *ppv = &j->job5;
        else if (IsEqualIID(riid, &IID_IDeliveryOptimizationJob))
                *ppv = &j->do_job;
        else if (IsEqualIID(riid, &IID_IDeliveryOptimizationJob2))
                *ppv = &j->do_job2;
        else
                return E_NOINTERFACE;

        (void) job_proxy_ref(j);
        return S_OK;
}

static ULONG job_add_ref_impl(DoJob *j) {
        return atomic_fetch_add_explicit(&j->n_ref, 1, memory_order_relaxed) + 1;
}

static ULONG job_release_impl(DoJob *j) {
        ULONG n = atomic_fetch_sub_explicit(&j->n_ref, 1, memory_order_acq_rel) - 1;

        if (n == 0)
                job_free(j);
        return n;
}

static HRESULT job_QueryInterface(IBackgroundCopyJob5 *This, REFIID riid, void **ppv) {
        DoJob *j = job_from_this(This);

        if (!j) {
                if (ppv)
                        *ppv = NULL;
                return E_POINTER;
        }
        return job_query_interface(j, riid, ppv);
}

static ULONG job_AddRef(IBackgroundCopyJob5 *This) {
        DoJob *j = job_from_this(This);

        return j ? job_add_ref_impl(j) : 0;
}

static ULONG job_Release(IBackgroundCopyJob5 *This) {
        DoJob *j = job_from_this(This);

        return j ? job_release_impl(j) : 0;
}

#define JOB_OR_RETURN(This)                       \
        DoJob *j = job_from_this(This);           \
        if (!j)                                   \
                return E_POINTER

/* ---- IBackgroundCopyJob: files ------------------------------------------------------------ */

/* A remote or local name: not NULL, not empty, valid UTF-8. Its exact rules (URL syntax, absolute
 * path, lengths) are the daemon's. */
static bool name_is_valid(const char *s) {
        return s && s[0] && utf8_length(s) >= 0;
}

typedef struct FileSet {
        ULONG n;
        const BG_FILE_INFO *files;
} FileSet;

static int build_add_files(sd_bus_message *m, void *userdata) {
        const FileSet *set = userdata;
        int r;

        r = sd_bus_message_open_container(m, 'a', "(ss)");
        if (r < 0)
                return r;
        for (ULONG i = 0; i < set->n; i++) {
                r = sd_bus_message_append(m, "(ss)", set->files[i].RemoteName, set->files[i].LocalName);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(m);
}

static HRESULT job_AddFileSet(IBackgroundCopyJob5 *This, ULONG cFileCount, BG_FILE_INFO *pFileSet) {
        JOB_OR_RETURN(This);
        FileSet set = { .n = cFileCount, .files = pFileSet };

        if (cFileCount == 0 || !pFileSet)
                return E_INVALIDARG;
        for (ULONG i = 0; i < cFileCount; i++)
                if (!name_is_valid(pFileSet[i].RemoteName) || !name_is_valid(pFileSet[i].LocalName))
                        return E_INVALIDARG;

        return job_mutate(j, "AddFiles", build_add_files, &set);
}

static HRESULT job_AddFile(IBackgroundCopyJob5 *This, LPCWSTR RemoteUrl, LPCWSTR LocalName) {
        BG_FILE_INFO info = { .RemoteName = (LPWSTR) RemoteUrl, .LocalName = (LPWSTR) LocalName };

        return job_AddFileSet(This, 1, &info);
}

typedef struct IndexList {
        uint32_t *indices;
        size_t n;
} IndexList;

static int parse_file_indices(sd_bus_message *reply, void *userdata) {
        IndexList *list = userdata;
        size_t allocated = 0;
        int r;

        r = sd_bus_message_enter_container(reply, 'a', "(usssttba(tt))");
        if (r < 0)
                return r;
        for (;;) {
                FileRecord f = {};

                r = file_record_read(reply, &f);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (list->n == allocated) {
                        size_t a = allocated ? allocated * 2 : 8;
                        uint32_t *p = reallocarray(list->indices, a, sizeof(uint32_t));

                        if (!p) {
                                file_record_done(&f);
                                return -ENOMEM;
                        }
                        list->indices = p;
                        allocated = a;
                }
                list->indices[list->n++] = f.index;
                file_record_done(&f);
        }
        return sd_bus_message_exit_container(reply);
}

static HRESULT job_EnumFiles(IBackgroundCopyJob5 *This, IEnumBackgroundCopyFiles **pEnum) {
        JOB_OR_RETURN(This);
        IndexList list = {};
        HRESULT hr;

        if (!pEnum)
                return E_INVALIDARG;
        *pEnum = NULL;

        hr = job_proxy_call(j, "GetFiles", NULL, parse_file_indices, &list);
        if (SUCCEEDED(hr))
                hr = enum_files_new(j, list.indices, list.n, pEnum);
        free(list.indices);
        return hr;
}

/* ---- IBackgroundCopyJob: state ------------------------------------------------------------ */

static HRESULT job_Suspend(IBackgroundCopyJob5 *This) {
        JOB_OR_RETURN(This);

        return job_mutate(j, "Suspend", NULL, NULL);
}

static HRESULT job_Resume(IBackgroundCopyJob5 *This) {
        JOB_OR_RETURN(This);

        return job_mutate(j, "Resume", NULL, NULL);
}

/* Cancel and Complete answer with the daemon's `i` result (S_OK, BG_S_PARTIAL_COMPLETE,
 * BG_S_UNABLE_TO_DELETE_FILES). On success the job has left the queue in its final state; remember
 * it for GetState once the daemon purges the job. */
static HRESULT job_finish(DoJob *j, const char *member, BG_JOB_STATE final_state) {
        int32_t result = 0;
        HRESULT hr;

        hr = job_proxy_call(j, member, NULL, parse_i32, &result);
        if (hr == DO_E_JOB_NOT_FOUND)
                return DO_E_INVALID_STATE;
        if (FAILED(hr))
                return hr;
        if (SUCCEEDED(result))
                atomic_store(&j->final_state, (int) final_state);
        return (HRESULT) result;
}

static HRESULT job_Cancel(IBackgroundCopyJob5 *This) {
        JOB_OR_RETURN(This);

        return job_finish(j, "Cancel", BG_JOB_STATE_CANCELLED);
}

static HRESULT job_Complete(IBackgroundCopyJob5 *This) {
        JOB_OR_RETURN(This);

        return job_finish(j, "Complete", BG_JOB_STATE_ACKNOWLEDGED);
}

static HRESULT job_GetId(IBackgroundCopyJob5 *This, GUID *pVal) {
        JOB_OR_RETURN(This);

        if (!pVal)
                return E_INVALIDARG;
        *pVal = j->id;
        return S_OK;
}

static HRESULT job_GetType(IBackgroundCopyJob5 *This, BG_JOB_TYPE *pVal) {
        JOB_OR_RETURN(This);
        uint32_t v;
        HRESULT hr;

        if (!pVal)
                return E_INVALIDARG;
        hr = job_get_u32(j, "Type", &v);
        if (FAILED(hr))
                return hr;
        *pVal = (BG_JOB_TYPE) v;
        return S_OK;
}

/* The job's properties read with one GetAll (progress and times). */
typedef struct JobProps {
        uint64_t bytes_total;
        uint64_t bytes_transferred;
        uint32_t files_total;
        uint32_t files_transferred;
        uint64_t creation_time;
        uint64_t modification_time;
        uint64_t transfer_completion_time;
        unsigned seen;                     /* bit per table entry below */
} JobProps;

static const struct {
        const char *name;
        char type;
        size_t offset;
} job_props_table[] = {
        { "BytesTotal",             't', offsetof(JobProps, bytes_total) },
        { "BytesTransferred",       't', offsetof(JobProps, bytes_transferred) },
        { "FilesTotal",             'u', offsetof(JobProps, files_total) },
        { "FilesTransferred",       'u', offsetof(JobProps, files_transferred) },
        { "CreationTime",           't', offsetof(JobProps, creation_time) },
        { "ModificationTime",       't', offsetof(JobProps, modification_time) },
        { "TransferCompletionTime", 't', offsetof(JobProps, transfer_completion_time) },
};
#define JOB_PROPS_PROGRESS 0x0fu           /* the first four entries */
#define JOB_PROPS_TIMES    0x70u           /* the last three */

static int job_props_handle(const char *name, sd_bus_message *m, void *userdata) {
        JobProps *p = userdata;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(job_props_table); i++) {
                if (!streq(name, job_props_table[i].name))
                        continue;
                r = sd_bus_message_read_basic(m, job_props_table[i].type, (char *) p + job_props_table[i].offset);
                if (r < 0)
                        return r;
                p->seen |= 1u << i;
                return 1;
        }
        return 0;
}

static int parse_job_props(sd_bus_message *reply, void *userdata) {
        return bus_read_property_dict(reply, job_props_handle, userdata);
}

static HRESULT job_get_props(DoJob *j, unsigned needed, JobProps *ret) {
        JobProps p = {};
        HRESULT hr;

        hr = bus_client_get_all_job_properties(j->path, parse_job_props, &p);
        if (hr == DO_E_JOB_NOT_FOUND)
                job_mark_gone(j);
        if (FAILED(hr))
                return hr;
        if ((p.seen & needed) != needed)
                return E_UNEXPECTED;       /* the daemon does not follow docs/dbus-api.md */
        *ret = p;
        return S_OK;
}

static HRESULT job_GetProgress(IBackgroundCopyJob5 *This, BG_JOB_PROGRESS *pVal) {
        JOB_OR_RETURN(This);
        JobProps p;
        HRESULT hr;

        if (!pVal)
                return E_INVALIDARG;
        hr = job_get_props(j, JOB_PROPS_PROGRESS, &p);
        if (FAILED(hr))
                return hr;
        *pVal = (BG_JOB_PROGRESS) {
                .BytesTotal = p.bytes_total,
                .BytesTransferred = p.bytes_transferred,
                .FilesTotal = p.files_total,
                .FilesTransferred = p.files_transferred,
        };
        return S_OK;
}

static FILETIME filetime_from_u64(uint64_t v) {
        return (FILETIME) {
                .dwLowDateTime = (DWORD) (v & 0xffffffffu),
                .dwHighDateTime = (DWORD) (v >> 32),
        };
}

static HRESULT job_GetTimes(IBackgroundCopyJob5 *This, BG_JOB_TIMES *pVal) {
        JOB_OR_RETURN(This);
        JobProps p;
        HRESULT hr;

        if (!pVal)
                return E_INVALIDARG;
        hr = job_get_props(j, JOB_PROPS_TIMES, &p);
        if (FAILED(hr))
                return hr;
        *pVal = (BG_JOB_TIMES) {
                .CreationTime = filetime_from_u64(p.creation_time),
                .ModificationTime = filetime_from_u64(p.modification_time),
                .TransferCompletionTime = filetime_from_u64(p.transfer_completion_time),
        };
        return S_OK;
}

static HRESULT job_GetState(IBackgroundCopyJob5 *This, BG_JOB_STATE *pVal) {
        JOB_OR_RETURN(This);
        uint32_t v;
        HRESULT hr;

        if (!pVal)
                return E_INVALIDARG;
        hr = job_get_u32(j, "State", &v);
        if (hr == DO_E_JOB_NOT_FOUND) {
                /* purged by the daemon: a pointer the client holds still reports the final state */
                *pVal = job_final_state(j);
                return S_OK;
        }
        if (FAILED(hr))
                return hr;
        *pVal = (BG_JOB_STATE) v;
        return S_OK;
}

typedef struct ErrorReply {
        int32_t hresult;
        uint32_t context;
        int32_t file_index;
        char *description;
        char *context_description;
        char *protocol;
} ErrorReply;

static int parse_error(sd_bus_message *reply, void *userdata) {
        ErrorReply *e = userdata;
        const char *d, *cd, *p;
        int r;

        r = sd_bus_message_read(reply, "iuisss", &e->hresult, &e->context, &e->file_index, &d, &cd, &p);
        if (r < 0)
                return r;
        e->description = strdup(d);
        e->context_description = strdup(cd);
        e->protocol = strdup(p);
        if (!e->description || !e->context_description || !e->protocol)
                return -ENOMEM;
        return 0;
}

static HRESULT job_GetError(IBackgroundCopyJob5 *This, IBackgroundCopyError **ppError) {
        JOB_OR_RETURN(This);
        ErrorReply e = {};
        HRESULT hr;

        if (!ppError)
                return E_INVALIDARG;
        *ppError = NULL;

        hr = job_proxy_call(j, "GetError", NULL, parse_error, &e);
        if (hr == DO_E_JOB_NOT_FOUND)
                hr = DO_E_ERROR_INFORMATION_UNAVAILABLE;   /* a final job has no error object */
        if (SUCCEEDED(hr)) {
                ErrorRecord rec = {
                        .hresult = e.hresult,
                        .context = (BG_ERROR_CONTEXT) e.context,
                        .file_index = e.file_index,
                        .description = e.description,
                        .context_description = e.context_description,
                        .protocol = e.protocol,
                };

                hr = error_snapshot_new(j, &rec, ppError);
        }
        free(e.description);
        free(e.context_description);
        free(e.protocol);
        return hr;
}

static HRESULT job_GetOwner(IBackgroundCopyJob5 *This, LPWSTR *pVal) {
        JOB_OR_RETURN(This);
        uint32_t uid;
        HRESULT hr;
        char *s;

        if (!pVal)
                return E_INVALIDARG;
        *pVal = NULL;
        hr = job_get_u32(j, "Owner", &uid);
        if (FAILED(hr))
                return hr;
        s = cotask_printf("%" PRIu32, uid);
        if (!s)
                return E_OUTOFMEMORY;
        *pVal = s;
        return S_OK;
}

/* ---- IBackgroundCopyJob: properties ------------------------------------------------------- */

static HRESULT job_SetDisplayName(IBackgroundCopyJob5 *This, LPCWSTR Val) {
        JOB_OR_RETURN(This);
        ssize_t n;

        if (!Val)
                return E_INVALIDARG;
        n = utf8_length(Val);
        if (n < 0 || (size_t) n > LIB_DISPLAY_NAME_MAX)
                return E_INVALIDARG;
        return job_mutate(j, "SetDisplayName", build_string, (void *) Val);
}

static HRESULT job_GetDisplayName(IBackgroundCopyJob5 *This, LPWSTR *pVal) {
        JOB_OR_RETURN(This);

        if (!pVal)
                return E_INVALIDARG;
        *pVal = NULL;
        return job_get_string(j, "DisplayName", pVal);
}

static HRESULT job_SetDescription(IBackgroundCopyJob5 *This, LPCWSTR Val) {
        JOB_OR_RETURN(This);
        ssize_t n;

        if (!Val)
                return E_INVALIDARG;
        n = utf8_length(Val);
        if (n < 0)
                return E_INVALIDARG;
        if ((size_t) n > JOB_DESCRIPTION_MAX)
                return BG_E_STRING_TOO_LONG;
        return job_mutate(j, "SetDescription", build_string, (void *) Val);
}

static HRESULT job_GetDescription(IBackgroundCopyJob5 *This, LPWSTR *pVal) {
        JOB_OR_RETURN(This);

        if (!pVal)
                return E_INVALIDARG;
        *pVal = NULL;
        return job_get_string(j, "Description", pVal);
}

static HRESULT job_SetPriority(IBackgroundCopyJob5 *This, BG_JOB_PRIORITY Val) {
        JOB_OR_RETURN(This);
        uint32_t v = (uint32_t) Val;

        /* a value outside BG_JOB_PRIORITY (negative ones included) [BITS] */
        if (v > (uint32_t) BG_JOB_PRIORITY_LOW)
                return E_NOTIMPL;
        return job_mutate(j, "SetPriority", build_u32, &v);
}

static HRESULT job_GetPriority(IBackgroundCopyJob5 *This, BG_JOB_PRIORITY *pVal) {
        JOB_OR_RETURN(This);
        uint32_t v;
        HRESULT hr;

        if (!pVal)
                return E_INVALIDARG;
        hr = job_get_u32(j, "Priority", &v);
        if (FAILED(hr))
                return hr;
        *pVal = (BG_JOB_PRIORITY) v;
        return S_OK;
}

static HRESULT job_SetNotifyFlags(IBackgroundCopyJob5 *This, ULONG Val) {
        JOB_OR_RETURN(This);
        uint32_t v = Val;

        if (v & ~JOB_NOTIFY_FLAGS_ALL)
                return E_NOTIMPL;          /* unknown bits [BITS] */
        return job_mutate(j, "SetNotifyFlags", build_u32, &v);
}

static HRESULT job_get_ulong(IBackgroundCopyJob5 *This, const char *property, ULONG *pVal) {
        JOB_OR_RETURN(This);
        uint32_t v;
        HRESULT hr;

        if (!pVal)
                return E_INVALIDARG;
        hr = job_get_u32(j, property, &v);
        if (FAILED(hr))
                return hr;
        *pVal = v;
        return S_OK;
}

static HRESULT job_GetNotifyFlags(IBackgroundCopyJob5 *This, ULONG *pVal) {
        return job_get_ulong(This, "NotifyFlags", pVal);
}

/* The callback object stays in this process: it is not sent to the daemon and not persisted (spec:
 * "the pointer is not persisted"). callbacks.c registers it and calls it on its dispatch thread;
 * an event from before the registration (the job already TRANSFERRED or ERROR) is delivered too. */
static HRESULT job_SetNotifyInterface(IBackgroundCopyJob5 *This, IUnknown *Val) {
        JOB_OR_RETURN(This);
        uint32_t state;
        HRESULT hr;

        hr = job_get_u32(j, "State", &state);
        if (hr == DO_E_JOB_NOT_FOUND)
                return DO_E_INVALID_STATE;
        if (FAILED(hr))
                return hr;
        if (state == BG_JOB_STATE_ACKNOWLEDGED || state == BG_JOB_STATE_CANCELLED)
                return DO_E_INVALID_STATE;

        return callbacks_set(j, Val);       /* AddRefs Val, Releases the previous one */
}

static HRESULT job_GetNotifyInterface(IBackgroundCopyJob5 *This, IUnknown **pVal) {
        JOB_OR_RETURN(This);
        IUnknown *p;

        if (!pVal)
                return E_INVALIDARG;
        p = callbacks_get(j);              /* AddRef'ed */
        *pVal = p;
        return S_OK;
}

/* IBackgroundCopyJob2::SetNotifyCmdLine / GetNotifyCmdLine: the daemon runs Program when the job
 * enters TRANSFERRED or ERROR with the matching notify flag, as the job's owner, even when this
 * program has exited (docs/dbus-api.md, SetNotifyCmdLine). Parameters is the whole command line,
 * argv[0] first. NULL Program (and NULL Parameters) clears it; NULL Program with Parameters is
 * E_INVALIDARG [BITS]. The daemon checks the rest: an absolute program path, the lengths
 * (BG_E_STRING_TOO_LONG), the state (DO_E_INVALID_STATE in a final state). */
typedef struct CmdLine {
        const char *program;
        const char *parameters;
} CmdLine;

static int build_cmdline(sd_bus_message *m, void *userdata) {
        const CmdLine *c = userdata;

        return sd_bus_message_append(m, "ss", c->program, c->parameters);
}

static HRESULT job_SetNotifyCmdLine(IBackgroundCopyJob5 *This, LPCWSTR Program, LPCWSTR Parameters) {
        JOB_OR_RETURN(This);
        CmdLine c = { .program = Program ?: "", .parameters = Parameters ?: "" };

        if (!Program && Parameters)
                return E_INVALIDARG;
        if (utf8_length(c.program) < 0 || utf8_length(c.parameters) < 0)
                return E_INVALIDARG;
        return job_mutate(j, "SetNotifyCmdLine", build_cmdline, &c);
}

typedef struct CmdLineReply {
        char *program;
        char *parameters;
} CmdLineReply;

static int build_get_cmdline(sd_bus_message *m, void *userdata) {
        return sd_bus_message_append(m, "ss", BUS_JOB_INTERFACE, "NotifyCmdLine");
}

static int parse_get_cmdline(sd_bus_message *reply, void *userdata) {
        CmdLineReply *c = userdata;
        const char *program, *parameters;
        int r;

        r = sd_bus_message_enter_container(reply, 'v', "(ss)");
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "(ss)", &program, &parameters);
        if (r < 0)
                return r;
        c->program = cotask_strdup(program);
        c->parameters = cotask_strdup(parameters);
        if (!c->program || !c->parameters)
                return -ENOMEM;
        return sd_bus_message_exit_container(reply);
}

/* Both strings are "" when no command line is set [BITS]; the caller frees them with CoTaskMemFree. */
static HRESULT job_GetNotifyCmdLine(IBackgroundCopyJob5 *This, LPWSTR *pProgram, LPWSTR *pParameters) {
        CmdLineReply c = {};
        HRESULT hr;

        if (pProgram)
                *pProgram = NULL;
        if (pParameters)
                *pParameters = NULL;
        JOB_OR_RETURN(This);
        if (!pProgram || !pParameters)
                return E_INVALIDARG;
        hr = bus_client_call(j->path, "org.freedesktop.DBus.Properties", "Get", build_get_cmdline, parse_get_cmdline,
                             &c);
        if (hr == DO_E_JOB_NOT_FOUND)
                job_mark_gone(j);
        if (FAILED(hr)) {
                CoTaskMemFree(c.program);
                CoTaskMemFree(c.parameters);
                return hr;
        }
        *pProgram = c.program;
        *pParameters = c.parameters;
        return S_OK;
}

static HRESULT job_SetMinimumRetryDelay(IBackgroundCopyJob5 *This, ULONG Seconds) {
        JOB_OR_RETURN(This);
        uint32_t v = Seconds;

        return job_mutate(j, "SetMinimumRetryDelay", build_u32, &v);
}

static HRESULT job_GetMinimumRetryDelay(IBackgroundCopyJob5 *This, ULONG *Seconds) {
        return job_get_ulong(This, "MinimumRetryDelay", Seconds);
}

static HRESULT job_SetNoProgressTimeout(IBackgroundCopyJob5 *This, ULONG Seconds) {
        JOB_OR_RETURN(This);
        uint32_t v = Seconds;

        return job_mutate(j, "SetNoProgressTimeout", build_u32, &v);
}

static HRESULT job_GetNoProgressTimeout(IBackgroundCopyJob5 *This, ULONG *Seconds) {
        return job_get_ulong(This, "NoProgressTimeout", Seconds);
}

static HRESULT job_GetErrorCount(IBackgroundCopyJob5 *This, ULONG *Errors) {
        return job_get_ulong(This, "ErrorCount", Errors);
}

/* ---- proxy settings and ownership ---------------------------------------------------------- */

typedef struct ProxyArgs {
        uint32_t usage;
        const char *list;
        const char *bypass;
} ProxyArgs;

static int build_proxy(sd_bus_message *m, void *userdata) {
        const ProxyArgs *a = userdata;

        return sd_bus_message_append(m, "uss", a->usage, a->list, a->bypass);
}

/* NULL lists travel as "". The daemon checks usage, the 32 K limits and the list/usage pairing
 * (BG_E_PROXY_LIST_TOO_LARGE, BG_E_PROXY_BYPASS_LIST_TOO_LARGE, E_INVALIDARG,
 * BG_E_INVALID_PROXY_INFO). Stored with the job, not applied to transfers yet (docs/decisions.md). */
static HRESULT job_SetProxySettings(IBackgroundCopyJob5 *This, BG_JOB_PROXY_USAGE ProxyUsage, const WCHAR *ProxyList,
                                    const WCHAR *ProxyBypassList) {
        JOB_OR_RETURN(This);
        ProxyArgs a = { .usage = (uint32_t) ProxyUsage, .list = ProxyList ?: "", .bypass = ProxyBypassList ?: "" };

        if (utf8_length(a.list) < 0 || utf8_length(a.bypass) < 0)
                return E_INVALIDARG;
        return job_mutate(j, "SetProxySettings", build_proxy, &a);
}

typedef struct ProxyReply {
        uint32_t usage;
        char *list;
        char *bypass;
} ProxyReply;

static int parse_proxy(sd_bus_message *reply, void *userdata) {
        ProxyReply *p = userdata;
        const char *l, *b;
        int r;

        r = sd_bus_message_read(reply, "uss", &p->usage, &l, &b);
        if (r < 0)
                return r;
        /* "" is "no list": NULL to the caller, as BITS gives it. */
        if (l[0] && !(p->list = cotask_strdup(l)))
                return -ENOMEM;
        if (b[0] && !(p->bypass = cotask_strdup(b)))
                return -ENOMEM;
        return 0;
}

static HRESULT job_GetProxySettings(IBackgroundCopyJob5 *This, BG_JOB_PROXY_USAGE *pProxyUsage, LPWSTR *pProxyList,
                                    LPWSTR *pProxyBypassList) {
        ProxyReply p = {};
        HRESULT hr;

        if (pProxyList)
                *pProxyList = NULL;
        if (pProxyBypassList)
                *pProxyBypassList = NULL;
        JOB_OR_RETURN(This);
        if (!pProxyUsage || !pProxyList || !pProxyBypassList)
                return E_INVALIDARG;

        hr = job_proxy_call(j, "GetProxySettings", NULL, parse_proxy, &p);
        if (FAILED(hr)) {
                CoTaskMemFree(p.list);
                CoTaskMemFree(p.bypass);
                return hr;
        }
        *pProxyUsage = (BG_JOB_PROXY_USAGE) p.usage;
        *pProxyList = p.list;
        *pProxyBypassList = p.bypass;
        return S_OK;
}

/* Root only (E_ACCESSDENIED otherwise): the job becomes the caller's. */
static HRESULT job_TakeOwnership(IBackgroundCopyJob5 *This) {
        JOB_OR_RETURN(This);

        return job_mutate(j, "TakeOwnership", NULL, NULL);
}

/* ---- methods the daemon does not support: E_NOTIMPL, never a fake success (docs/decisions.md) -- */

/* IBackgroundCopyJob2: upload replies and credentials (notify command lines: above). */
static HRESULT job_GetReplyProgress(IBackgroundCopyJob5 *This, BG_JOB_REPLY_PROGRESS *pProgress) {
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT job_GetReplyData(IBackgroundCopyJob5 *This, BYTE **ppBuffer, UINT64 *pLength) {
        if (ppBuffer)
                *ppBuffer = NULL;
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT job_SetReplyFileName(IBackgroundCopyJob5 *This, LPCWSTR ReplyFileName) {
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT job_GetReplyFileName(IBackgroundCopyJob5 *This, LPWSTR *pReplyFileName) {
        if (pReplyFileName)
                *pReplyFileName = NULL;
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT job_SetCredentials(IBackgroundCopyJob5 *This, BG_AUTH_CREDENTIALS *credentials) {
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT job_RemoveCredentials(IBackgroundCopyJob5 *This, BG_AUTH_TARGET Target, BG_AUTH_SCHEME Scheme) {
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

/* IBackgroundCopyJob3. DO adds ranged files through IDeliveryOptimizationJob::AddFileWithRanges. */
static HRESULT job_ReplaceRemotePrefix(IBackgroundCopyJob5 *This, LPCWSTR OldPrefix, LPCWSTR NewPrefix) {
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT job_AddFileWithRanges3(IBackgroundCopyJob5 *This, LPCWSTR RemoteUrl, LPCWSTR LocalName,
                                      DWORD RangeCount, BG_FILE_RANGE Ranges[]) {
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT job_SetFileACLFlags(IBackgroundCopyJob5 *This, DWORD Flags) {
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT job_GetFileACLFlags(IBackgroundCopyJob5 *This, DWORD *Flags) {
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

/* IBackgroundCopyJob4 */
static HRESULT job_SetPeerCachingFlags(IBackgroundCopyJob5 *This, DWORD Flags) {
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT job_GetPeerCachingFlags(IBackgroundCopyJob5 *This, DWORD *pFlags) {
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT job_GetOwnerIntegrityLevel(IBackgroundCopyJob5 *This, ULONG *pLevel) {
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT job_GetOwnerElevationState(IBackgroundCopyJob5 *This, BOOL *pElevated) {
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT job_SetMaximumDownloadTime(IBackgroundCopyJob5 *This, ULONG Timeout) {
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

static HRESULT job_GetMaximumDownloadTime(IBackgroundCopyJob5 *This, ULONG *pTimeout) {
        return job_from_this(This) ? E_NOTIMPL : E_POINTER;
}

/* IBackgroundCopyJob5: BITS_JOB_PROPERTY_ID_COST_FLAGS (Dword ↔ u) and
 * BITS_JOB_PROPERTY_NOTIFICATION_CLSID (ClsID ↔ s, the GUID's registry form) through the daemon's
 * SetProperty/GetProperty; DO supports no other ID. */
typedef struct JobPropertyArgs {
        uint32_t id;
        char type;
        uint32_t u;
        char s[GUID_STRING_MAX];
} JobPropertyArgs;

static int build_job_property(sd_bus_message *m, void *userdata) {
        const JobPropertyArgs *a = userdata;
        int r;

        r = sd_bus_message_append_basic(m, 'u', &a->id);
        if (r < 0)
                return r;
        if (a->type == 'u')
                return sd_bus_message_append(m, "v", "u", a->u);
        if (a->type == 's')
                return sd_bus_message_append(m, "v", "s", a->s);
        return sd_bus_message_append(m, "v", "u", UINT32_C(0));  /* GetProperty: no value */
}

static int parse_job_property(sd_bus_message *reply, void *userdata) {
        JobPropertyArgs *a = userdata;
        const char *contents, *s;
        char type;
        int r;

        r = sd_bus_message_peek_type(reply, &type, &contents);
        if (r < 0)
                return r;
        if (r == 0 || type != 'v' || !contents)
                return -EBADMSG;
        if (!streq(contents, "u") && !streq(contents, "s"))
                return -EBADMSG;
        r = sd_bus_message_enter_container(reply, 'v', contents);
        if (r < 0)
                return r;
        a->type = contents[0];
        if (a->type == 'u')
                r = sd_bus_message_read_basic(reply, 'u', &a->u);
        else {
                r = sd_bus_message_read_basic(reply, 's', &s);
                if (r >= 0 && strlen(s) >= sizeof a->s)
                        r = -EBADMSG;
                if (r >= 0)
                        memcpy(a->s, s, strlen(s) + 1);    /* length checked above */
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(reply);
}

static int build_job_property_id(sd_bus_message *m, void *userdata) {
        const JobPropertyArgs *a = userdata;

        return sd_bus_message_append_basic(m, 'u', &a->id);
}

static HRESULT job_SetProperty(IBackgroundCopyJob5 *This, BITS_JOB_PROPERTY_ID PropertyId,
                               BITS_JOB_PROPERTY_VALUE PropertyValue) {
        JOB_OR_RETURN(This);
        JobPropertyArgs a = { .id = (uint32_t) PropertyId };

        switch (PropertyId) {
        case BITS_JOB_PROPERTY_ID_COST_FLAGS:
                a.type = 'u';
                a.u = PropertyValue.Dword;
                break;
        case BITS_JOB_PROPERTY_NOTIFICATION_CLSID:
                a.type = 's';
                (void) guid_to_string(&PropertyValue.ClsID, a.s);
                break;
        default:
                return DO_E_UNKNOWN_PROPERTY_ID;   /* [DESIGN] spec §2.3 */
        }
        return job_mutate(j, "SetProperty", build_job_property, &a);
}

static HRESULT job_GetProperty(IBackgroundCopyJob5 *This, BITS_JOB_PROPERTY_ID PropertyId,
                               BITS_JOB_PROPERTY_VALUE *pPropertyValue) {
        JOB_OR_RETURN(This);
        JobPropertyArgs a = { .id = (uint32_t) PropertyId };
        BITS_JOB_PROPERTY_VALUE v;
        HRESULT hr;

        if (!pPropertyValue)
                return E_INVALIDARG;
        if (PropertyId != BITS_JOB_PROPERTY_ID_COST_FLAGS && PropertyId != BITS_JOB_PROPERTY_NOTIFICATION_CLSID)
                return DO_E_UNKNOWN_PROPERTY_ID;
        hr = job_proxy_call(j, "GetProperty", build_job_property_id, parse_job_property, &a);
        if (FAILED(hr))
                return hr;

        memset(&v, 0, sizeof v);
        if (PropertyId == BITS_JOB_PROPERTY_ID_COST_FLAGS) {
                if (a.type != 'u')
                        return E_UNEXPECTED;       /* the daemon does not follow docs/dbus-api.md */
                v.Dword = a.u;
        } else if (a.type != 's' || guid_from_string(a.s, &v.ClsID) < 0)
                return E_UNEXPECTED;
        *pPropertyValue = v;
        return S_OK;
}

static const IBackgroundCopyJob5Vtbl job_vtbl = {
        .QueryInterface = job_QueryInterface,
        .AddRef = job_AddRef,
        .Release = job_Release,
        .AddFileSet = job_AddFileSet,
        .AddFile = job_AddFile,
        .EnumFiles = job_EnumFiles,
        .Suspend = job_Suspend,
        .Resume = job_Resume,
        .Cancel = job_Cancel,
        .Complete = job_Complete,
        .GetId = job_GetId,
        .GetType = job_GetType,
        .GetProgress = job_GetProgress,
        .GetTimes = job_GetTimes,
        .GetState = job_GetState,
        .GetError = job_GetError,
        .GetOwner = job_GetOwner,
        .SetDisplayName = job_SetDisplayName,
        .GetDisplayName = job_GetDisplayName,
        .SetDescription = job_SetDescription,
        .GetDescription = job_GetDescription,
        .SetPriority = job_SetPriority,
        .GetPriority = job_GetPriority,
        .SetNotifyFlags = job_SetNotifyFlags,
        .GetNotifyFlags = job_GetNotifyFlags,
        .SetNotifyInterface = job_SetNotifyInterface,
        .GetNotifyInterface = job_GetNotifyInterface,
        .SetMinimumRetryDelay = job_SetMinimumRetryDelay,
        .GetMinimumRetryDelay = job_GetMinimumRetryDelay,
        .SetNoProgressTimeout = job_SetNoProgressTimeout,
        .GetNoProgressTimeout = job_GetNoProgressTimeout,
        .GetErrorCount = job_GetErrorCount,
        .SetProxySettings = job_SetProxySettings,
        .GetProxySettings = job_GetProxySettings,
        .TakeOwnership = job_TakeOwnership,
        .SetNotifyCmdLine = job_SetNotifyCmdLine,
        .GetNotifyCmdLine = job_GetNotifyCmdLine,
        .GetReplyProgress = job_GetReplyProgress,
        .GetReplyData = job_GetReplyData,
        .SetReplyFileName = job_SetReplyFileName,
        .GetReplyFileName = job_GetReplyFileName,
        .SetCredentials = job_SetCredentials,
        .RemoveCredentials = job_RemoveCredentials,
        .ReplaceRemotePrefix = job_ReplaceRemotePrefix,
        .AddFileWithRanges = job_AddFileWithRanges3,
        .SetFileACLFlags = job_SetFileACLFlags,
        .GetFileACLFlags = job_GetFileACLFlags,
        .SetPeerCachingFlags = job_SetPeerCachingFlags,
        .GetPeerCachingFlags = job_GetPeerCachingFlags,
        .GetOwnerIntegrityLevel = job_GetOwnerIntegrityLevel,
        .GetOwnerElevationState = job_GetOwnerElevationState,
        .SetMaximumDownloadTime = job_SetMaximumDownloadTime,
        .GetMaximumDownloadTime = job_GetMaximumDownloadTime,
        .SetProperty = job_SetProperty,
        .GetProperty = job_GetProperty,
};

/* ---- IDeliveryOptimizationJob ------------------------------------------------------------- */

static HRESULT do_job_QueryInterface(IDeliveryOptimizationJob *This, REFIID riid, void **ppv) {
        DoJob *j = job_from_do_job(This);

        if (!j) {
                if (ppv)
                        *ppv = NULL;
                return E_POINTER;
        }
        return job_query_interface(j, riid, ppv);
}

static ULONG do_job_AddRef(IDeliveryOptimizationJob *This) {
        DoJob *j = job_from_do_job(This);

        return j ? job_add_ref_impl(j) : 0;
}

static ULONG do_job_Release(IDeliveryOptimizationJob *This) {
        DoJob *j = job_from_do_job(This);

        return j ? job_release_impl(j) : 0;
}

typedef struct RangedFile {
        const char *file_id;
        const char *remote_url;
        const char *local_name;
        DWORD n_ranges;
        const BG_FILE_RANGE *ranges;
        uint64_t file_size;
} RangedFile;

static int build_add_file_with_ranges(sd_bus_message *m, void *userdata) {
        const RangedFile *f = userdata;
        int r;

        r = sd_bus_message_append(m, "sss", f->file_id, f->remote_url, f->local_name);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(m, 'a', "(tt)");
        if (r < 0)
                return r;
        for (DWORD i = 0; i < f->n_ranges; i++) {
                r = sd_bus_message_append(m, "(tt)", (uint64_t) f->ranges[i].InitialOffset,
                                          (uint64_t) f->ranges[i].Length);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        return sd_bus_message_append(m, "t", f->file_size);
}

/* Ranges go to the daemon as given: it checks them (DO_E_INVALID_RANGE, DO_E_OVERLAPPING_RANGES,
 * BG_E_TOO_MANY_RANGES_IN_FILE); here only what cannot be sent is refused. */
static HRESULT do_job_AddFileWithRanges(IDeliveryOptimizationJob *This, LPCWSTR fileId, LPCWSTR remoteUrl,
                                        LPCWSTR localName, DWORD rangeCount, BG_FILE_RANGE ranges[],
                                        ULONG64 fileSize) {
        DoJob *j = job_from_do_job(This);
        RangedFile f = {
                .file_id = fileId ?: "",
                .remote_url = remoteUrl,
                .local_name = localName,
                .n_ranges = rangeCount,
                .ranges = ranges,
                .file_size = fileSize,
        };

        if (!j)
                return E_POINTER;
        if (!name_is_valid(localName) || !name_is_valid(remoteUrl))
                return E_INVALIDARG;
        if (utf8_length(f.file_id) < 0)
                return E_INVALIDARG;
        if (rangeCount > 0 && !ranges)
                return E_INVALIDARG;

        return job_mutate(j, "AddFileWithRanges", build_add_file_with_ranges, &f);
}

static const IDeliveryOptimizationJobVtbl do_job_vtbl = {
        .QueryInterface = do_job_QueryInterface,
        .AddRef = do_job_AddRef,
        .Release = do_job_Release,
        .AddFileWithRanges = do_job_AddFileWithRanges,
};

/* ---- IDeliveryOptimizationJob2 ------------------------------------------------------------ */

static HRESULT do_job2_QueryInterface(IDeliveryOptimizationJob2 *This, REFIID riid, void **ppv) {
        DoJob *j = job_from_do_job2(This);

        if (!j) {
                if (ppv)
                        *ppv = NULL;
                return E_POINTER;
        }
        return job_query_interface(j, riid, ppv);
}

static ULONG do_job2_AddRef(IDeliveryOptimizationJob2 *This) {
        DoJob *j = job_from_do_job2(This);

        return j ? job_add_ref_impl(j) : 0;
}

static ULONG do_job2_Release(IDeliveryOptimizationJob2 *This) {
        DoJob *j = job_from_do_job2(This);

        return j ? job_release_impl(j) : 0;
}

typedef struct UnplacedFile {
        const char *file_id;
        const char *remote_url;
        DWORD n_ranges;
        const BG_FILE_RANGE *ranges;
        uint32_t index;                    /* out */
} UnplacedFile;

static int build_add_file_without_local_name(sd_bus_message *m, void *userdata) {
        const UnplacedFile *f = userdata;
        int r;

        r = sd_bus_message_append(m, "ss", f->file_id, f->remote_url);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(m, 'a', "(tt)");
        if (r < 0)
                return r;
        for (DWORD i = 0; i < f->n_ranges; i++) {
                r = sd_bus_message_append(m, "(tt)", (uint64_t) f->ranges[i].InitialOffset,
                                          (uint64_t) f->ranges[i].Length);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(m);
}

static int parse_index(sd_bus_message *reply, void *userdata) {
        UnplacedFile *f = userdata;

        return sd_bus_message_read_basic(reply, 'u', &f->index);
}

/* This AddFile has no local path: the file gets its destination from
 * IDeliveryOptimizationFile2::SetProperty(DownloadSinkFilePath), and Resume answers
 * DO_E_LOCALPATH_NOT_SET until it has one. remoteUrl is required: dosvc has no content-ID lookup
 * that could find a file by fileId alone (docs/decisions.md). */
static HRESULT do_job2_AddFile(IDeliveryOptimizationJob2 *This, LPCWSTR fileId, LPCWSTR remoteUrl, DWORD rangeCount,
                               BG_FILE_RANGE ranges[], REFIID riid, void **object) {
        DoJob *j = job_from_do_job2(This);
        UnplacedFile f = {
                .file_id = fileId ?: "",
                .remote_url = remoteUrl,
                .n_ranges = rangeCount,
                .ranges = ranges,
        };
        IBackgroundCopyFile *file = NULL;
        HRESULT hr;

        if (object)
                *object = NULL;
        if (!j)
                return E_POINTER;
        if (!object || !riid)
                return E_INVALIDARG;
        if (!IsEqualIID(riid, &IID_IDeliveryOptimizationFile))
                return E_NOINTERFACE;          /* checked first: nothing is added */
        if (!name_is_valid(remoteUrl) || utf8_length(f.file_id) < 0)
                return E_INVALIDARG;
        if (rangeCount > 0 && !ranges)
                return E_INVALIDARG;

        hr = job_proxy_call(j, "AddFileWithoutLocalName", build_add_file_without_local_name, parse_index, &f);
        if (hr == DO_E_JOB_NOT_FOUND)
                return DO_E_INVALID_STATE;
        if (FAILED(hr))
                return hr;
        hr = file_proxy_new(j, f.index, &file);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyFile_QueryInterface(file, riid, object);
        IBackgroundCopyFile_Release(file);
        return hr;
}

/* DOJobPropertyId_ExtendedErrorInfo: the description of the job's current error (what
 * IBackgroundCopyError::GetErrorDescription's context says, e.g. "HTTP 404 from http://…"), or its
 * HRESULT as 0xXXXXXXXX when it has no text; "" when the job has no error. */
static HRESULT do_job2_GetProperty(IDeliveryOptimizationJob2 *This, DOJobPropertyId propId, VARIANT *propValue) {
        DoJob *j = job_from_do_job2(This);
        ErrorReply e = {};
        BSTR s = NULL;
        HRESULT hr;

        if (propValue)
                VariantInit(propValue);
        if (!j)
                return E_POINTER;
        if (!propValue)
                return E_INVALIDARG;
        if (propId != DOJobPropertyId_ExtendedErrorInfo)
                return DO_E_UNKNOWN_PROPERTY_ID;

        hr = job_proxy_call(j, "GetError", NULL, parse_error, &e);
        if (hr == DO_E_ERROR_INFORMATION_UNAVAILABLE || hr == DO_E_JOB_NOT_FOUND)
                s = SysAllocString("");
        else if (SUCCEEDED(hr) && e.description && e.description[0])
                s = SysAllocString(e.description);
        else if (SUCCEEDED(hr)) {
                char buf[16];

                (void) snprintf(buf, sizeof buf, "0x%08" PRIX32, (uint32_t) e.hresult);
                s = SysAllocString(buf);
        }
        free(e.description);
        free(e.context_description);
        free(e.protocol);
        if (FAILED(hr) && hr != DO_E_ERROR_INFORMATION_UNAVAILABLE && hr != DO_E_JOB_NOT_FOUND)
                return hr;
        if (!s)
                return E_OUTOFMEMORY;
        V_VT(propValue) = VT_BSTR;
        V_BSTR(propValue) = s;
        return S_OK;
}

/* Nothing to set: the one property is read-only (behaviour 79). */
static HRESULT do_job2_SetProperty(IDeliveryOptimizationJob2 *This, DOJobPropertyId propId,
                                   const VARIANT *propValue) {
        if (!job_from_do_job2(This))
                return E_POINTER;
        return propId == DOJobPropertyId_ExtendedErrorInfo ? DO_E_READ_ONLY_PROPERTY : DO_E_UNKNOWN_PROPERTY_ID;
}

static const IDeliveryOptimizationJob2Vtbl do_job2_vtbl = {
        .QueryInterface = do_job2_QueryInterface,
        .AddRef = do_job2_AddRef,
        .Release = do_job2_Release,
        .AddFile = do_job2_AddFile,
        .GetProperty = do_job2_GetProperty,
        .SetProperty = do_job2_SetProperty,
};
