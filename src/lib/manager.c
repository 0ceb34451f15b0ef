/* manager.c (libdosvc): IBackgroundCopyManager and DoCreateManager().
 *
 * The manager proxy holds nothing but its reference count: the connection is the library's
 * (bus-client.c), and every job it hands out is a fresh proxy (job.c). CreateJob, GetJob and
 * EnumJobs go to the daemon's org.dosvc1.Manager at /org/dosvc1 after their arguments are checked
 * here; GetErrorDescription is answered locally from the HRESULT table (English only). */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "bus-client.h"
#include "hresult.h"
#include "proxies.h"
#include "util.h"

#define JOB_ENUM_MAX 100000u               /* more jobs than any daemon limit allows: a broken reply */

typedef struct DoManager {
        IBackgroundCopyManager iface;
        uint32_t magic;
        atomic_uint n_ref;
} DoManager;

static const IBackgroundCopyManagerVtbl manager_vtbl;

HRESULT manager_new(IBackgroundCopyManager **ret) {
        DoManager *m;

        m = calloc(1, sizeof(*m));
        if (!m)
                return E_OUTOFMEMORY;
        m->iface.lpVtbl = &manager_vtbl;
        m->magic = MAGIC_MANAGER;
        atomic_init(&m->n_ref, 1);
        *ret = &m->iface;
        return S_OK;
}

DOSVC_EXPORT HRESULT DoCreateManager(IBackgroundCopyManager **ppManager) {
        HRESULT hr;

        if (!ppManager)
                return E_POINTER;
        *ppManager = NULL;

        /* Connect now (starting the user-mode daemon if needed), so that a missing service shows
         * here as DO_E_NO_SERVICE rather than in the first call on the manager. */
        hr = bus_client_connect();
        if (FAILED(hr))
                return hr;
        return manager_new(ppManager);
}

static DoManager *manager_from_this(IBackgroundCopyManager *This) {
        DoManager *m;

        if (!This)
                return NULL;
        m = container_of(This, DoManager, iface);
        return proxy_magic_ok(m->magic, MAGIC_MANAGER) ? m : NULL;
}

static HRESULT manager_QueryInterface(IBackgroundCopyManager *This, REFIID riid, void **ppv) {
        DoManager *m = manager_from_this(This);

        if (!ppv)
                return E_POINTER;
        *ppv = NULL;
        if (!m)
                return E_POINTER;
        if (!riid)
                return E_INVALIDARG;
        if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IBackgroundCopyManager))
                return E_NOINTERFACE;
        atomic_fetch_add_explicit(&m->n_ref, 1, memory_order_relaxed);
        *ppv = &m->iface;
        return S_OK;
}

static ULONG manager_AddRef(IBackgroundCopyManager *This) {
        DoManager *m = manager_from_this(This);

        return m ? atomic_fetch_add_explicit(&m->n_ref, 1, memory_order_relaxed) + 1 : 0;
}

static ULONG manager_Release(IBackgroundCopyManager *This) {
        DoManager *m = manager_from_this(This);
        ULONG n;

        if (!m)
                return 0;
        n = atomic_fetch_sub_explicit(&m->n_ref, 1, memory_order_acq_rel) - 1;
        if (n == 0) {
                m->magic = 0;
                free(m);
        }
        return n;
}

/* ---- CreateJob / GetJob --------------------------------------------------------------------- */

typedef struct CreateJobContext {
        const char *name;
        uint32_t type;
        GUID id;
        char *path;
} CreateJobContext;

static int build_create_job(sd_bus_message *m, void *userdata) {
        CreateJobContext *c = userdata;

        return sd_bus_message_append(m, "su", c->name, c->type);
}

static int parse_create_job(sd_bus_message *reply, void *userdata) {
        CreateJobContext *c = userdata;
        const char *id, *path;
        int r;

        r = sd_bus_message_read(reply, "so", &id, &path);
        if (r < 0)
                return r;
        r = guid_from_string(id, &c->id);
        if (r < 0)
                return -EBADMSG;
        c->path = strdup(path);
        return c->path ? 0 : -ENOMEM;
}

static HRESULT manager_CreateJob(IBackgroundCopyManager *This, LPCWSTR DisplayName, BG_JOB_TYPE Type, GUID *pJobId,
                                 IBackgroundCopyJob **ppJob) {
        DoManager *m = manager_from_this(This);
        CreateJobContext c = { .name = DisplayName, .type = (uint32_t) Type };
        DoJob *j = NULL;
        ssize_t n;
        HRESULT hr;

        if (!m)
                return E_POINTER;
        if (ppJob)
                *ppJob = NULL;
        if (!DisplayName || !pJobId || !ppJob)
                return E_INVALIDARG;
        /* 256 characters at most, counted as code points; and only UTF-8 crosses the bus */
        n = utf8_length(DisplayName);
        if (n < 0 || (size_t) n > LIB_DISPLAY_NAME_MAX)
                return E_INVALIDARG;
        if (Type != BG_JOB_TYPE_DOWNLOAD)
                return E_INVALIDARG;

        hr = bus_client_call(BUS_MANAGER_PATH, BUS_MANAGER_INTERFACE, "CreateJob", build_create_job,
                             parse_create_job, &c);
        if (SUCCEEDED(hr))
                /* The job exists in the daemon now; if the proxy cannot be made, the job stays
                 * behind SUSPENDED and expires like any forgotten job. */
                hr = job_proxy_new(c.path, &c.id, &j);
        free(c.path);
        if (FAILED(hr))
                return hr;

        *pJobId = c.id;
        *ppJob = job_proxy_as_job(j);
        return S_OK;
}

typedef struct GetJobContext {
        const char *id;
        char *path;
} GetJobContext;

static int build_get_job(sd_bus_message *m, void *userdata) {
        GetJobContext *c = userdata;

        return sd_bus_message_append(m, "s", c->id);
}

static int parse_get_job(sd_bus_message *reply, void *userdata) {
        GetJobContext *c = userdata;
        const char *path;
        int r;

        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return r;
        c->path = strdup(path);
        return c->path ? 0 : -ENOMEM;
}

static HRESULT manager_GetJob(IBackgroundCopyManager *This, REFGUID jobID, IBackgroundCopyJob **ppJob) {
        DoManager *m = manager_from_this(This);
        char id[GUID_STRING_MAX];
        GetJobContext c = { .id = id };
        DoJob *j = NULL;
        HRESULT hr;

        if (!m)
                return E_POINTER;
        if (ppJob)
                *ppJob = NULL;
        if (!jobID || !ppJob)
                return E_INVALIDARG;

        guid_to_string(jobID, id);
        hr = bus_client_call(BUS_MANAGER_PATH, BUS_MANAGER_INTERFACE, "GetJob", build_get_job, parse_get_job, &c);
        if (SUCCEEDED(hr))
                hr = job_proxy_new(c.path, jobID, &j);
        free(c.path);
        if (FAILED(hr))
                return hr;
        *ppJob = job_proxy_as_job(j);
        return S_OK;
}

/* ---- EnumJobs ------------------------------------------------------------------------------- */

typedef struct EnumJobsContext {
        uint32_t flags;
        JobEntry *entries;
        size_t n;
} EnumJobsContext;

static void enum_jobs_context_done(EnumJobsContext *c) {
        for (size_t i = 0; i < c->n; i++)
                free(c->entries[i].path);
        free(c->entries);
        c->entries = NULL;
        c->n = 0;
}

static int build_enum_jobs(sd_bus_message *m, void *userdata) {
        EnumJobsContext *c = userdata;

        return sd_bus_message_append(m, "u", c->flags);
}

static int parse_enum_jobs(sd_bus_message *reply, void *userdata) {
        EnumJobsContext *c = userdata;
        size_t allocated = 0;
        int r;

        r = sd_bus_message_enter_container(reply, 'a', "(so)");
        if (r < 0)
                return r;
        for (;;) {
                const char *id, *path;
                GUID guid;

                r = sd_bus_message_read(reply, "(so)", &id, &path);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (guid_from_string(id, &guid) < 0)
                        return -EBADMSG;
                if (c->n >= JOB_ENUM_MAX)
                        return -E2BIG;
                if (c->n == allocated) {
                        size_t a = allocated ? allocated * 2 : 16;
                        JobEntry *p = reallocarray(c->entries, a, sizeof(JobEntry));

                        if (!p)
                                return -ENOMEM;
                        c->entries = p;
                        allocated = a;
                }
                c->entries[c->n].path = strdup(path);
                if (!c->entries[c->n].path)
                        return -ENOMEM;
                c->entries[c->n].id = guid;
                c->n++;
        }
        return sd_bus_message_exit_container(reply);
}

static HRESULT manager_EnumJobs(IBackgroundCopyManager *This, DWORD dwFlags, IEnumBackgroundCopyJobs **ppEnum) {
        DoManager *m = manager_from_this(This);
        EnumJobsContext c = { .flags = dwFlags };
        HRESULT hr;

        if (!m)
                return E_POINTER;
        if (!ppEnum)
                return E_INVALIDARG;
        *ppEnum = NULL;

        /* unknown flag bits and BG_JOB_ENUM_ALL_USERS without root are the daemon's to refuse */
        hr = bus_client_call(BUS_MANAGER_PATH, BUS_MANAGER_INTERFACE, "EnumJobs", build_enum_jobs, parse_enum_jobs,
                             &c);
        if (SUCCEEDED(hr))
                hr = enum_jobs_new(c.entries, c.n, ppEnum);
        enum_jobs_context_done(&c);
        return hr;
}

/* ---- GetErrorDescription -------------------------------------------------------------------- */

static HRESULT manager_GetErrorDescription(IBackgroundCopyManager *This, HRESULT hResult, DWORD LanguageId,
                                           LPWSTR *pErrorDescription) {
        DoManager *m = manager_from_this(This);
        char *s;

        if (!m)
                return E_POINTER;
        if (!pErrorDescription)
                return E_INVALIDARG;
        *pErrorDescription = NULL;
        if (!lang_is_supported(LanguageId))
                return LIB_E_RESOURCE_LANG_NOT_FOUND;

        s = cotask_strdup(DoHResultMessage(hResult));
        if (!s)
                return E_OUTOFMEMORY;
        *pErrorDescription = s;
        return S_OK;
}

static const IBackgroundCopyManagerVtbl manager_vtbl = {
        .QueryInterface = manager_QueryInterface,
        .AddRef = manager_AddRef,
        .Release = manager_Release,
        .CreateJob = manager_CreateJob,
        .GetJob = manager_GetJob,
        .EnumJobs = manager_EnumJobs,
        .GetErrorDescription = manager_GetErrorDescription,
};
