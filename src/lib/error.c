/* error.c (libdosvc): IBackgroundCopyError, a snapshot of a job's error record.
 *
 * The job's GetError copies the daemon's answer (hresult, context, file index, description, context
 * description, protocol) into this object once; nothing here calls the daemon again except GetFile,
 * whose file object reads the file live. The snapshot keeps a reference on the job proxy for that.
 * Texts are English only: LanguageId must be 0, LANG_NEUTRAL with any sublanguage or any English
 * LANGID, else HRESULT_FROM_WIN32(ERROR_RESOURCE_LANG_NOT_FOUND). */
#include <stdlib.h>
#include <string.h>

#include "hresult.h"
#include "proxies.h"
#include "unknown.h"
#include "util.h"

typedef struct DoError {
        IBackgroundCopyError iface;
        UnknownRef ref;
        DoJob *job;                        /* one reference */
        HRESULT hresult;
        BG_ERROR_CONTEXT context;
        int32_t file_index;                /* -1: no file involved */
        char *description;                 /* the daemon's words, may be "" */
        char *context_description;         /* may be "" */
        char *protocol;                    /* "" when not tied to a protocol */
} DoError;

static const IBackgroundCopyErrorVtbl error_vtbl;

static void error_free(DoError *e) {
        e->job = job_proxy_unref(e->job);
        free(e->description);
        free(e->context_description);
        free(e->protocol);
        e->ref.magic = 0;
        free(e);
}

HRESULT error_snapshot_new(DoJob *j, const ErrorRecord *rec, IBackgroundCopyError **ret) {
        DoError *e;

        e = calloc(1, sizeof(*e));
        if (!e)
                return E_OUTOFMEMORY;
        e->iface.lpVtbl = &error_vtbl;
        unknown_ref_init(&e->ref, MAGIC_ERROR);
        e->job = job_proxy_ref(j);
        e->hresult = rec->hresult;
        e->context = rec->context;
        e->file_index = rec->file_index;
        e->description = strdup(rec->description ?: "");
        e->context_description = strdup(rec->context_description ?: "");
        e->protocol = strdup(rec->protocol ?: "");
        if (!e->description || !e->context_description || !e->protocol) {
                error_free(e);
                return E_OUTOFMEMORY;
        }
        *ret = &e->iface;
        return S_OK;
}

static DoError *error_from_this(IBackgroundCopyError *This) {
        DoError *e;

        if (!This)
                return NULL;
        e = container_of(This, DoError, iface);
        return unknown_ref_ok(&e->ref, MAGIC_ERROR) ? e : NULL;
}

static HRESULT error_QueryInterface(IBackgroundCopyError *This, REFIID riid, void **ppv) {
        DoError *e = error_from_this(This);

        return unknown_query_interface(e ? &e->ref : NULL, This, &IID_IBackgroundCopyError, riid, ppv);
}

static ULONG error_AddRef(IBackgroundCopyError *This) {
        DoError *e = error_from_this(This);

        return unknown_add_ref(e ? &e->ref : NULL);
}

static ULONG error_Release(IBackgroundCopyError *This) {
        DoError *e = error_from_this(This);
        ULONG n;

        if (!e)
                return 0;
        n = unknown_release(&e->ref);
        if (n == 0)
                error_free(e);
        return n;
}

static HRESULT error_GetError(IBackgroundCopyError *This, BG_ERROR_CONTEXT *pContext, HRESULT *pCode) {
        DoError *e = error_from_this(This);

        if (!e)
                return E_POINTER;
        if (!pContext || !pCode)
                return E_INVALIDARG;
        *pContext = e->context;
        *pCode = e->hresult;
        return S_OK;
}

static HRESULT error_GetFile(IBackgroundCopyError *This, IBackgroundCopyFile **pVal) {
        DoError *e = error_from_this(This);

        if (!e)
                return E_POINTER;
        if (!pVal)
                return E_INVALIDARG;
        *pVal = NULL;
        if (e->file_index < 0)
                return DO_E_FILE_NOT_AVAILABLE;
        return file_proxy_new(e->job, (uint32_t) e->file_index, pVal);
}

/* The HRESULT's message, then the daemon's details: "<message> (<description>)". */
static HRESULT error_GetErrorDescription(IBackgroundCopyError *This, DWORD LanguageId, LPWSTR *pErrorDescription) {
        DoError *e = error_from_this(This);
        const char *message;
        char *s;

        if (!e)
                return E_POINTER;
        if (!pErrorDescription)
                return E_INVALIDARG;
        *pErrorDescription = NULL;
        if (!lang_is_supported(LanguageId))
                return LIB_E_RESOURCE_LANG_NOT_FOUND;

        message = DoHResultMessage(e->hresult);
        if (e->description[0])
                s = cotask_printf("%s (%s)", message, e->description);
        else
                s = cotask_strdup(message);
        if (!s)
                return E_OUTOFMEMORY;
        *pErrorDescription = s;
        return S_OK;
}

static const char *context_to_text(BG_ERROR_CONTEXT c) {
        switch (c) {
        case BG_ERROR_CONTEXT_NONE:
                return "No context is associated with the error.";
        case BG_ERROR_CONTEXT_UNKNOWN:
                return "The error context is unknown.";
        case BG_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER:
                return "The error occurred in the transfer queue manager.";
        case BG_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION:
                return "The error occurred while the queue manager was notifying the client.";
        case BG_ERROR_CONTEXT_LOCAL_FILE:
                return "The error is related to the local file.";
        case BG_ERROR_CONTEXT_REMOTE_FILE:
                return "The error is related to the remote file.";
        case BG_ERROR_CONTEXT_GENERAL_TRANSPORT:
                return "The error occurred in the transport layer.";
        case BG_ERROR_CONTEXT_REMOTE_APPLICATION:
                return "The error occurred in the remote application.";
        }
        return "The error context is unknown.";
}

/* The daemon's context description, or a generic sentence for the context when it sent none. */
static HRESULT error_GetErrorContextDescription(IBackgroundCopyError *This, DWORD LanguageId,
                                                LPWSTR *pContextDescription) {
        DoError *e = error_from_this(This);
        char *s;

        if (!e)
                return E_POINTER;
        if (!pContextDescription)
                return E_INVALIDARG;
        *pContextDescription = NULL;
        if (!lang_is_supported(LanguageId))
                return LIB_E_RESOURCE_LANG_NOT_FOUND;

        s = cotask_strdup(e->context_description[0] ? e->context_description : context_to_text(e->context));
        if (!s)
                return E_OUTOFMEMORY;
        *pContextDescription = s;
        return S_OK;
}

static HRESULT error_GetProtocol(IBackgroundCopyError *This, LPWSTR *pProtocol) {
        DoError *e = error_from_this(This);
        char *s;

        if (!e)
                return E_POINTER;
        if (!pProtocol)
                return E_INVALIDARG;
        *pProtocol = NULL;
        if (!e->protocol[0])
                return BG_E_PROTOCOL_NOT_AVAILABLE;
        s = cotask_strdup(e->protocol);
        if (!s)
                return E_OUTOFMEMORY;
        *pProtocol = s;
        return S_OK;
}

static const IBackgroundCopyErrorVtbl error_vtbl = {
        .QueryInterface = error_QueryInterface,
        .AddRef = error_AddRef,
        .Release = error_Release,
        .GetError = error_GetError,
        .GetFile = error_GetFile,
        .GetErrorDescription = error_GetErrorDescription,
        .GetErrorContextDescription = error_GetErrorContextDescription,
        .GetProtocol = error_GetProtocol,
};
