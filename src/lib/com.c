/* com.c (libdosvc): the small COM runtime a ported Windows program expects: CoInitializeEx /
 * CoUninitialize (bookkeeping only), CoCreateInstance for the manager classes, the CoTaskMem
 * allocator, BSTRs and VARIANTs.
 *
 * There are no apartments, no registry and no marshalling: objects are plain in-process proxies
 * that any thread may call (docs/threading.md). CoTaskMemAlloc is malloc, so every string or array
 * the API returns is released with CoTaskMemFree (= free). A BSTR is a plain UTF-8 copy made by
 * malloc as well; the API keeps the Windows rule that BSTRs are freed with SysFreeString only. */
#include <stdlib.h>
#include <string.h>

#include "proxies.h"
#include "util.h"

#define COINIT_KNOWN_FLAGS (COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE | COINIT_SPEED_OVER_MEMORY)

/* Successful CoInitializeEx calls on this thread not yet undone by CoUninitialize. */
static _Thread_local unsigned co_init_count;

DOSVC_EXPORT HRESULT CoInitializeEx(void *pvReserved, DWORD dwCoInit) {
        if (pvReserved || (dwCoInit & ~(DWORD) COINIT_KNOWN_FLAGS))
                return E_INVALIDARG;
        if (co_init_count == UINT32_MAX)
                return E_UNEXPECTED;
        return co_init_count++ == 0 ? S_OK : S_FALSE;
}

DOSVC_EXPORT void CoUninitialize(void) {
        /* Objects stay valid, and so does the connection: nothing is torn down. */
        if (co_init_count > 0)
                co_init_count--;
}

DOSVC_EXPORT HRESULT CoCreateInstance(REFCLSID rclsid, IUnknown *pUnkOuter, DWORD dwClsContext, REFIID riid,
                                      void **ppv) {
        IBackgroundCopyManager *m = NULL;
        HRESULT hr;

        if (!ppv)
                return E_POINTER;
        *ppv = NULL;
        if (!rclsid || !riid)
                return E_INVALIDARG;
        if (pUnkOuter)
                return CLASS_E_NOAGGREGATION;
        /* The manager lives in the dosvc service: only an out-of-process context can have it. The
         * do.h coclass is served by the same manager until IDOManager exists (spec §7). */
        if ((!IsEqualCLSID(rclsid, &CLSID_BackgroundCopyManager) && !IsEqualCLSID(rclsid, &CLSID_DeliveryOptimization)) ||
            !(dwClsContext & CLSCTX_LOCAL_SERVER))
                return REGDB_E_CLASSNOTREG;
        /* Refuse interfaces the manager lacks before connecting (and perhaps starting a daemon). */
        if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IBackgroundCopyManager))
                return E_NOINTERFACE;

        hr = DoCreateManager(&m);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyManager_QueryInterface(m, riid, ppv);
        IBackgroundCopyManager_Release(m);
        return hr;
}

DOSVC_EXPORT void *CoTaskMemAlloc(size_t cb) {
        return malloc(cb ?: 1);            /* "cb 0 returns a unique pointer" */
}

DOSVC_EXPORT void CoTaskMemFree(void *pv) {
        free(pv);
}

DOSVC_EXPORT BSTR SysAllocString(const char *psz) {
        return psz ? strdup(psz) : NULL;
}

DOSVC_EXPORT void SysFreeString(BSTR bstrString) {
        free(bstrString);
}

DOSVC_EXPORT void VariantInit(VARIANT *pvarg) {
        if (pvarg)
                V_VT(pvarg) = VT_EMPTY;
}

DOSVC_EXPORT HRESULT VariantClear(VARIANT *pvarg) {
        if (!pvarg)
                return E_INVALIDARG;

        switch (V_VT(pvarg)) {
        case VT_EMPTY:
        case VT_I4:
        case VT_BOOL:
        case VT_UI1:
        case VT_UI4:
        case VT_UI8:
        case 20:                           /* VT_I8: the llVal member */
                break;
        case VT_BSTR:
                SysFreeString(V_BSTR(pvarg));
                break;
        case VT_UNKNOWN:
                if (V_UNKNOWN(pvarg))
                        IUnknown_Release(V_UNKNOWN(pvarg));
                break;
        case VT_ARRAY | VT_UI1:
                if (V_ARRAY(pvarg)) {
                        free(V_ARRAY(pvarg)->pvData);
                        free(V_ARRAY(pvarg));
                }
                break;
        default:
                return DISP_E_BADVARTYPE;  /* nothing freed, nothing changed */
        }
        V_VT(pvarg) = VT_EMPTY;
        return S_OK;
}
