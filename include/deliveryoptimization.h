/* deliveryoptimization.h: the public API of dosvc, a Delivery Optimization / BITS job service for Linux.
 *
 * This is the contract of docs/spec do-api.md (sections 2, 3 and 7) in C: base types, the COM-style
 * interfaces with their vtables in the exact Windows slot order, every enumeration, structure,
 * constant and HRESULT with its Windows value, the IIDs and CLSIDs, and the few functions libdosvc
 * exports. Programs written against the Windows headers compile against it with small changes.
 *
 * Limits and deliberate differences from Windows:
 *  - Strings are UTF-8. LPCWSTR is `const char *`, LPWSTR/BSTR are `char *`, WCHAR is `char`.
 *  - REFGUID/REFIID/REFCLSID are `const GUID *` in C *and* C++ (Windows C++ uses references), so the
 *    ABI and the call syntax are the same in both languages: pass `&IID_IBackgroundCopyJob5`.
 *  - Interfaces are plain C structs `{ const XVtbl *lpVtbl; }` in both languages (the Windows
 *    CINTERFACE form). Call methods through the macros: `IBackgroundCopyJob_Resume(job)`.
 *  - The calling convention is the platform's C convention (there is no __stdcall on Linux).
 *  - VARIANT and SAFEARRAY are cut down to the members dosvc uses; VARIANT keeps Windows' size.
 *  - Memory returned to the caller (strings, arrays) is freed with CoTaskMemFree(); a BSTR inside a
 *    VARIANT is freed by VariantClear() (or SysFreeString()).
 *
 * Conventions for every method below (spec section 0):
 *  - Every method returns an HRESULT. Test it with SUCCEEDED()/FAILED(); S_FALSE is a success.
 *  - An interface returned through `**pp` holds one reference; the caller Releases it. On failure
 *    `*pp` is set to NULL and nothing changed.
 *  - Interfaces passed into a callback are borrowed: AddRef them to keep them.
 *  - Input strings and arrays are copied; the caller keeps ownership of its arguments.
 *  - Bad pointers give E_POINTER or E_INVALIDARG; no call ever aborts the process.
 *  - Threads: any object may be used from any thread. Calls on one connection are serialized by one
 *    lock. Callbacks (IBackgroundCopyCallback, IDODownloadStatusCallback) run on the library's
 *    dispatch thread, never under a library lock, so a callback may call back into the API.
 *
 * Set DOSVC_NO_BASE_TYPES to skip the base typedefs (HRESULT, GUID, ...) when another header already
 * provides identical ones. Each base type also honours the guard macro the Windows headers use
 * (_HRESULT_DEFINED, GUID_DEFINED, ...).
 */
#ifndef DOSVC_DELIVERYOPTIMIZATION_H
#define DOSVC_DELIVERYOPTIMIZATION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* DOSVC_EXPORT marks what libdosvc exports; libdosvc.sym decides in the end. */
#ifndef DOSVC_EXPORT
# if defined(__GNUC__) && __GNUC__ >= 4
#  define DOSVC_EXPORT __attribute__((visibility("default")))
# else
#  define DOSVC_EXPORT
# endif
#endif

/* ------------------------------------------------------------------------------------------------
 * Base types (Linux stand-ins for <windows.h>).
 * ---------------------------------------------------------------------------------------------- */
#ifndef DOSVC_NO_BASE_TYPES

#ifndef _HRESULT_DEFINED
#define _HRESULT_DEFINED
typedef int32_t HRESULT;
#endif

#ifndef DOSVC_BASE_INTEGER_TYPES_DEFINED
#define DOSVC_BASE_INTEGER_TYPES_DEFINED
typedef uint32_t ULONG;
typedef uint32_t DWORD;
typedef unsigned int UINT;
typedef int32_t LONG;
typedef int32_t BOOL;
typedef uint16_t WORD;
typedef uint16_t USHORT;
typedef uint8_t BYTE;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
typedef uint64_t UINT64;
typedef uint64_t ULONG64;
typedef uint64_t DWORD64;
typedef UINT64 *PUINT64;
#endif

#ifndef GUID_DEFINED
#define GUID_DEFINED
/* 16 bytes, Windows layout: Data1-3 in host byte order, Data4 as bytes. */
typedef struct _GUID {
        uint32_t Data1;
        uint16_t Data2;
        uint16_t Data3;
        uint8_t Data4[8];
} GUID;
#endif

#ifndef DOSVC_IID_DEFINED
#define DOSVC_IID_DEFINED
typedef GUID IID;
typedef GUID CLSID;
typedef IID *LPIID;
typedef CLSID *LPCLSID;
#endif

/* Pointer form in both C and C++ (Windows C++ uses `const GUID &`): one ABI, one call syntax. */
#ifndef DOSVC_REFGUID_DEFINED
#define DOSVC_REFGUID_DEFINED
typedef const GUID *REFGUID;
typedef const IID *REFIID;
typedef const CLSID *REFCLSID;
#endif

#ifndef _FILETIME_
#define _FILETIME_
/* 100-ns intervals since 1601-01-01 UTC, split into two 32-bit halves. */
typedef struct _FILETIME {
        DWORD dwLowDateTime;
        DWORD dwHighDateTime;
} FILETIME;
#endif

/* Strings: UTF-8, NUL-terminated (dosvc's deliberate deviation from UTF-16). */
#ifndef DOSVC_STRING_TYPES_DEFINED
#define DOSVC_STRING_TYPES_DEFINED
typedef char WCHAR;
typedef const char *LPCWSTR;
typedef char *LPWSTR;
typedef char *BSTR;
typedef char OLECHAR;
typedef const char *LPCOLESTR;
typedef char *LPOLESTR;
#endif

#ifndef DOSVC_VARIANT_TYPES_DEFINED
#define DOSVC_VARIANT_TYPES_DEFINED
typedef unsigned short VARTYPE;
typedef short VARIANT_BOOL;
#endif

#endif /* DOSVC_NO_BASE_TYPES */

#ifndef TRUE
# define TRUE 1
#endif
#ifndef FALSE
# define FALSE 0
#endif
#ifndef VARIANT_TRUE
# define VARIANT_TRUE ((VARIANT_BOOL)-1)
#endif
#ifndef VARIANT_FALSE
# define VARIANT_FALSE ((VARIANT_BOOL)0)
#endif
#ifndef MAX_PATH
# define MAX_PATH 260
#endif

/* ------------------------------------------------------------------------------------------------
 * HRESULT helpers. An HRESULT is a 32-bit signed value: bit 31 set means failure, bits 16-26 are the
 * facility, bits 0-15 the code. The constants below are written as `((HRESULT)0x....u)`, which is
 * valid and warning-free C and C++ (the conversion is the usual two's-complement one), but cannot be
 * used in #if.
 * ---------------------------------------------------------------------------------------------- */
#ifndef SUCCEEDED
# define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#endif
#ifndef FAILED
# define FAILED(hr) (((HRESULT)(hr)) < 0)
#endif
#ifndef HRESULT_CODE
# define HRESULT_CODE(hr) ((uint32_t)(hr) & 0xFFFFu)
#endif
#ifndef HRESULT_FACILITY
# define HRESULT_FACILITY(hr) (((uint32_t)(hr) >> 16) & 0x1FFFu)
#endif
#ifndef HRESULT_SEVERITY
# define HRESULT_SEVERITY(hr) (((uint32_t)(hr) >> 31) & 0x1u)
#endif
#ifndef MAKE_HRESULT
# define MAKE_HRESULT(sev, fac, code) \
        ((HRESULT)(((uint32_t)(sev) << 31) | ((uint32_t)(fac) << 16) | ((uint32_t)(code))))
#endif
#ifndef FACILITY_WIN32
# define FACILITY_WIN32 7
#endif
#ifndef FACILITY_HTTP
# define FACILITY_HTTP 25
#endif
#ifndef FACILITY_BITS
# define FACILITY_BITS 32
#endif
#ifndef FACILITY_DELIVERY_OPTIMIZATION
# define FACILITY_DELIVERY_OPTIMIZATION 208
#endif
/* A Win32 error code (winerror.h ERROR_*) as an HRESULT: 0x8007xxxx. Values <= 0 pass unchanged. */
#ifndef HRESULT_FROM_WIN32
# define HRESULT_FROM_WIN32(x) \
        ((HRESULT)(x) <= 0 ? (HRESULT)(x) \
                           : (HRESULT)(((uint32_t)(x) & 0x0000FFFFu) | ((uint32_t)FACILITY_WIN32 << 16) | 0x80000000u))
#endif

/* Win32 error codes (winerror.h) that dosvc reports wrapped with HRESULT_FROM_WIN32(). */
#ifndef ERROR_SUCCESS
# define ERROR_SUCCESS 0L
#endif
#ifndef ERROR_PATH_NOT_FOUND
# define ERROR_PATH_NOT_FOUND 3L
#endif
#ifndef ERROR_WRITE_PROTECT
# define ERROR_WRITE_PROTECT 19L
#endif
#ifndef ERROR_GEN_FAILURE
# define ERROR_GEN_FAILURE 31L
#endif
#ifndef ERROR_FILE_EXISTS
# define ERROR_FILE_EXISTS 80L
#endif
#ifndef ERROR_DISK_FULL
# define ERROR_DISK_FULL 112L
#endif
#ifndef ERROR_FILENAME_EXCED_RANGE
# define ERROR_FILENAME_EXCED_RANGE 206L
#endif
#ifndef ERROR_DIRECTORY
# define ERROR_DIRECTORY 267L
#endif
#ifndef ERROR_NOT_FOUND
# define ERROR_NOT_FOUND 1168L
#endif
#ifndef ERROR_RESOURCE_LANG_NOT_FOUND
# define ERROR_RESOURCE_LANG_NOT_FOUND 1815L
#endif

/* WinHTTP errors (winhttp.h) that a failed transfer reports wrapped with HRESULT_FROM_WIN32(), as BITS does. */
#ifndef ERROR_WINHTTP_TIMEOUT
# define ERROR_WINHTTP_TIMEOUT 12002L
#endif
#ifndef ERROR_WINHTTP_UNRECOGNIZED_SCHEME
# define ERROR_WINHTTP_UNRECOGNIZED_SCHEME 12006L
#endif
#ifndef ERROR_WINHTTP_NAME_NOT_RESOLVED
# define ERROR_WINHTTP_NAME_NOT_RESOLVED 12007L
#endif
#ifndef ERROR_WINHTTP_CANNOT_CONNECT
# define ERROR_WINHTTP_CANNOT_CONNECT 12029L
#endif
#ifndef ERROR_WINHTTP_CONNECTION_ERROR
# define ERROR_WINHTTP_CONNECTION_ERROR 12030L
#endif
#ifndef ERROR_WINHTTP_INVALID_SERVER_RESPONSE
# define ERROR_WINHTTP_INVALID_SERVER_RESPONSE 12152L
#endif
#ifndef ERROR_WINHTTP_REDIRECT_FAILED
# define ERROR_WINHTTP_REDIRECT_FAILED 12156L
#endif
#ifndef ERROR_WINHTTP_SECURE_FAILURE
# define ERROR_WINHTTP_SECURE_FAILURE 12175L
#endif
#ifndef ERROR_WINHTTP_HEADER_SIZE_OVERFLOW
# define ERROR_WINHTTP_HEADER_SIZE_OVERFLOW 12183L
#endif

/* Generic COM codes [WIN]. */
#ifndef S_OK
# define S_OK ((HRESULT)0x00000000u)
#endif
#ifndef S_FALSE
# define S_FALSE ((HRESULT)0x00000001u)
#endif
#ifndef E_NOTIMPL
# define E_NOTIMPL ((HRESULT)0x80004001u)
#endif
#ifndef E_NOINTERFACE
# define E_NOINTERFACE ((HRESULT)0x80004002u)
#endif
#ifndef E_POINTER
# define E_POINTER ((HRESULT)0x80004003u)
#endif
#ifndef E_ABORT
# define E_ABORT ((HRESULT)0x80004004u)
#endif
#ifndef E_FAIL
# define E_FAIL ((HRESULT)0x80004005u)
#endif
#ifndef E_UNEXPECTED
# define E_UNEXPECTED ((HRESULT)0x8000FFFFu)
#endif
#ifndef E_ACCESSDENIED
# define E_ACCESSDENIED ((HRESULT)0x80070005u)
#endif
#ifndef E_HANDLE
# define E_HANDLE ((HRESULT)0x80070006u)
#endif
#ifndef E_OUTOFMEMORY
# define E_OUTOFMEMORY ((HRESULT)0x8007000Eu)
#endif
#ifndef E_INVALIDARG
# define E_INVALIDARG ((HRESULT)0x80070057u)
#endif
/* HRESULT_FROM_WIN32(ERROR_NOT_FOUND): a readable property that was never set. */
#ifndef E_NOT_SET
# define E_NOT_SET ((HRESULT)0x80070490u)
#endif
#ifndef CLASS_E_NOAGGREGATION
# define CLASS_E_NOAGGREGATION ((HRESULT)0x80040110u)
#endif
#ifndef REGDB_E_CLASSNOTREG
# define REGDB_E_CLASSNOTREG ((HRESULT)0x80040154u)
#endif
#ifndef CO_E_NOTINITIALIZED
# define CO_E_NOTINITIALIZED ((HRESULT)0x800401F0u)
#endif
#ifndef RPC_E_CHANGED_MODE
# define RPC_E_CHANGED_MODE ((HRESULT)0x80010106u)
#endif
#ifndef DISP_E_BADVARTYPE
# define DISP_E_BADVARTYPE ((HRESULT)0x80020008u)
#endif
#ifndef DISP_E_TYPEMISMATCH
# define DISP_E_TYPEMISMATCH ((HRESULT)0x80020005u)
#endif

/* Delivery Optimization codes, facility 0xD0 [DO][ADU][MS-OSS]. Codes whose low word satisfies
 * (code & 0xF800) == 0x3800 are the "transient zone": the job pauses and resumes by itself. */
#define DO_E_NO_SERVICE                       ((HRESULT)0x80D01001u) /* DO could not provide the service */
#define DO_E_DOWNLOAD_NO_PROGRESS             ((HRESULT)0x80D02002u) /* no progress within the no-progress period */
#define DO_E_JOB_NOT_FOUND                    ((HRESULT)0x80D02003u) /* a job was expected but does not exist */
#define DO_E_JOB_EMPTY                        ((HRESULT)0x80D02004u) /* the job has no file */
#define DO_E_NO_DOWNLOADS                     ((HRESULT)0x80D02005u) /* no downloads currently exist */
#define DO_E_JOB_TOO_OLD                      ((HRESULT)0x80D0200Cu) /* not completed or cancelled before the age limit */
#define DO_E_LOCALPATH_NOT_SET                ((HRESULT)0x80D0200Du) /* the download has no local path */
#define DO_E_FILE_NOT_AVAILABLE               ((HRESULT)0x80D02010u) /* the error concerns no file */
#define DO_E_UNKNOWN_PROPERTY_ID              ((HRESULT)0x80D02011u) /* Get/SetProperty with an unknown ID */
#define DO_E_READ_ONLY_PROPERTY               ((HRESULT)0x80D02012u) /* SetProperty on a read-only property */
#define DO_E_INVALID_STATE                    ((HRESULT)0x80D02013u) /* not allowed in the job's state */
#define DO_E_ERROR_INFORMATION_UNAVAILABLE    ((HRESULT)0x80D02014u) /* no error has occurred */
/* UNCERTAIN in the spec: no Microsoft source gives a value; dosvc uses the unofficial 0x80D02015. */
#define DO_E_WRITE_ONLY_PROPERTY              ((HRESULT)0x80D02015u) /* GetProperty on a write-only property */
#define DO_E_FILE_DOWNLOADSINK_UNSPECIFIED    ((HRESULT)0x80D02018u) /* start without a local file or stream */
#define DO_E_DOWNLOAD_NO_URI                  ((HRESULT)0x80D02200u) /* IDODownload started without a URI */
#define DO_E_NO_DOWNLOAD_EXTSETTINGS          ((HRESULT)0x80D03002u) /* forbidden by user or admin settings */
#define DO_E_BLOCKED_BY_COST_TRANSFER_POLICY  ((HRESULT)0x80D03801u) /* paused: cost policy */
#define DO_E_BLOCKED_BY_CELLULAR_POLICY       ((HRESULT)0x80D03803u) /* paused: cellular network plus policy */
#define DO_E_BLOCKED_BY_POWER_STATE           ((HRESULT)0x80D03804u) /* paused: on battery */
#define DO_E_BLOCKED_BY_NO_NETWORK            ((HRESULT)0x80D03805u) /* paused: network lost */
#define DO_E_BLOCKED_BY_VPN_POLICY            ((HRESULT)0x80D03807u) /* paused: VPN detected */
#define DO_E_BLOCKED_BY_CRITICAL_MEMORY_USAGE ((HRESULT)0x80D03808u) /* paused: critical memory use */
#define DO_E_HTTP_BLOCKSIZE_MISMATCH          ((HRESULT)0x80D05001u) /* response size differs from the request */
#define DO_E_HTTP_CERT_VALIDATION             ((HRESULT)0x80D05002u) /* server certificate validation failed */
#define DO_E_INVALID_RANGE                    ((HRESULT)0x80D05010u) /* invalid byte range */
#define DO_E_INSUFFICIENT_RANGE_SUPPORT       ((HRESULT)0x80D05011u) /* the server lacks HTTP Range support */
#define DO_E_OVERLAPPING_RANGES               ((HRESULT)0x80D05012u) /* overlapping or duplicate ranges */
#define DO_E_FATAL_CORE_ERROR                 ((HRESULT)0x80D06802u) /* fatal error in the core */
/* Names used by single DO pages with no value anywhere (UNCERTAIN); dosvc makes them aliases. */
#define DO_E_NOT_FOUND                        DO_E_JOB_NOT_FOUND     /* GetJob page */
#define DO_E_EMPTY                            DO_E_JOB_EMPTY         /* Resume page */

/* BITS codes [BITS] (bitsmsg.h), facility 0x20. dosvc returns them only where the spec names them. */
#define BG_S_PARTIAL_COMPLETE                 ((HRESULT)0x00200017u)
#define BG_S_UNABLE_TO_DELETE_FILES           ((HRESULT)0x0020001Au)
#define BG_S_OVERRIDDEN_BY_POLICY             ((HRESULT)0x00200055u)
#define BG_E_NOT_FOUND                        ((HRESULT)0x80200001u)
#define BG_E_INVALID_STATE                    ((HRESULT)0x80200002u)
#define BG_E_EMPTY                            ((HRESULT)0x80200003u)
#define BG_E_FILE_NOT_AVAILABLE               ((HRESULT)0x80200004u)
#define BG_E_PROTOCOL_NOT_AVAILABLE           ((HRESULT)0x80200005u)
#define BG_E_DESTINATION_LOCKED               ((HRESULT)0x8020000Du)
#define BG_E_VOLUME_CHANGED                   ((HRESULT)0x8020000Eu)
#define BG_E_ERROR_INFORMATION_UNAVAILABLE    ((HRESULT)0x8020000Fu)
#define BG_E_NETWORK_DISCONNECTED             ((HRESULT)0x80200010u)
#define BG_E_MISSING_FILE_SIZE                ((HRESULT)0x80200011u)
#define BG_E_INSUFFICIENT_HTTP_SUPPORT        ((HRESULT)0x80200012u)
#define BG_E_INSUFFICIENT_RANGE_SUPPORT       ((HRESULT)0x80200013u)
#define BG_E_REMOTE_NOT_SUPPORTED             ((HRESULT)0x80200014u)
#define BG_E_NEW_OWNER_DIFF_MAPPING           ((HRESULT)0x80200015u)
#define BG_E_NEW_OWNER_NO_FILE_ACCESS         ((HRESULT)0x80200016u)
#define BG_E_PROXY_LIST_TOO_LARGE             ((HRESULT)0x80200018u) /* > 32 KB */
#define BG_E_PROXY_BYPASS_LIST_TOO_LARGE      ((HRESULT)0x80200019u) /* > 32 KB */
#define BG_E_TOO_MANY_FILES                   ((HRESULT)0x8020001Cu)
#define BG_E_LOCAL_FILE_CHANGED               ((HRESULT)0x8020001Du)
#define BG_E_STRING_TOO_LONG                  ((HRESULT)0x80200021u)
#define BG_E_USERNAME_TOO_LARGE               ((HRESULT)0x80200025u) /* > 300 characters */
#define BG_E_PASSWORD_TOO_LARGE               ((HRESULT)0x80200026u) /* > 65,535 characters */
#define BG_E_INVALID_AUTH_TARGET              ((HRESULT)0x80200027u)
#define BG_E_INVALID_AUTH_SCHEME              ((HRESULT)0x80200028u)
#define BG_E_INVALID_RANGE                    ((HRESULT)0x8020002Bu)
#define BG_E_OVERLAPPING_RANGES               ((HRESULT)0x8020002Cu)
#define BG_E_BLOCKED_BY_POLICY                ((HRESULT)0x8020003Eu)
#define BG_E_INVALID_PROXY_INFO               ((HRESULT)0x8020003Fu)
#define BG_E_INVALID_CREDENTIALS              ((HRESULT)0x80200040u)
#define BG_E_TOO_MANY_JOBS_PER_USER           ((HRESULT)0x80200049u)
#define BG_E_TOO_MANY_JOBS_PER_MACHINE        ((HRESULT)0x80200050u)
#define BG_E_TOO_MANY_FILES_IN_JOB            ((HRESULT)0x80200051u)
#define BG_E_TOO_MANY_RANGES_IN_FILE          ((HRESULT)0x80200052u)
#define BG_E_VALIDATION_FAILED                ((HRESULT)0x80200053u)
#define BG_E_MAXDOWNLOAD_TIMEOUT              ((HRESULT)0x80200054u)
/* HTTP statuses map to 0x80190000 + status (facility 25). Only these have Windows names; dosvc
 * reports any other HTTP failure the same way (403 gives 0x80190193). */
#define BG_E_HTTP_ERROR_400                   ((HRESULT)0x80190190u)
#define BG_E_HTTP_ERROR_401                   ((HRESULT)0x80190191u)
#define BG_E_HTTP_ERROR_404                   ((HRESULT)0x80190194u)
#define BG_E_HTTP_ERROR_407                   ((HRESULT)0x80190197u)
#define BG_E_HTTP_ERROR_414                   ((HRESULT)0x8019019Eu)
#define BG_E_HTTP_ERROR_501                   ((HRESULT)0x801901F5u)
#define BG_E_HTTP_ERROR_503                   ((HRESULT)0x801901F7u)
#define BG_E_HTTP_ERROR_504                   ((HRESULT)0x801901F8u)
#define BG_E_HTTP_ERROR_505                   ((HRESULT)0x801901F9u)

/* ------------------------------------------------------------------------------------------------
 * Interface forward declarations.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IUnknown IUnknown;
typedef struct IEnumUnknown IEnumUnknown;
typedef struct IBackgroundCopyManager IBackgroundCopyManager;
typedef struct IBackgroundCopyJob IBackgroundCopyJob;
typedef struct IBackgroundCopyJob2 IBackgroundCopyJob2;
typedef struct IBackgroundCopyJob3 IBackgroundCopyJob3;
typedef struct IBackgroundCopyJob4 IBackgroundCopyJob4;
typedef struct IBackgroundCopyJob5 IBackgroundCopyJob5;
typedef struct IBackgroundCopyFile IBackgroundCopyFile;
typedef struct IBackgroundCopyFile2 IBackgroundCopyFile2;
typedef struct IBackgroundCopyFile3 IBackgroundCopyFile3;
typedef struct IBackgroundCopyFile4 IBackgroundCopyFile4;
typedef struct IBackgroundCopyFile5 IBackgroundCopyFile5;
typedef struct IEnumBackgroundCopyFiles IEnumBackgroundCopyFiles;
typedef struct IEnumBackgroundCopyJobs IEnumBackgroundCopyJobs;
typedef struct IBackgroundCopyError IBackgroundCopyError;
typedef struct IBackgroundCopyCallback IBackgroundCopyCallback;
typedef struct IBackgroundCopyCallback2 IBackgroundCopyCallback2;
typedef struct IDeliveryOptimizationJob IDeliveryOptimizationJob;
typedef struct IDeliveryOptimizationJob2 IDeliveryOptimizationJob2;
typedef struct IDeliveryOptimizationFile IDeliveryOptimizationFile;
typedef struct IDeliveryOptimizationFile2 IDeliveryOptimizationFile2;
typedef struct IDOManager IDOManager;
typedef struct IDODownload IDODownload;
typedef struct IDODownloadStatusCallback IDODownloadStatusCallback;

/* ------------------------------------------------------------------------------------------------
 * SAFEARRAY and VARIANT (cut down). Windows names and layout; only the members listed exist.
 * ---------------------------------------------------------------------------------------------- */
#ifndef DOSVC_NO_BASE_TYPES
#ifndef DOSVC_VARIANT_DEFINED
#define DOSVC_VARIANT_DEFINED

typedef struct tagSAFEARRAYBOUND {
        ULONG cElements;
        LONG lLbound;
} SAFEARRAYBOUND;

/* A one-dimensional byte array is all dosvc uses (VT_ARRAY|VT_UI1). */
typedef struct tagSAFEARRAY {
        USHORT cDims;
        USHORT fFeatures;
        ULONG cbElements;
        ULONG cLocks;
        void *pvData;
        SAFEARRAYBOUND rgsabound[1];
} SAFEARRAY;

enum VARENUM {
        VT_EMPTY   = 0,
        VT_I4      = 3,
        VT_BSTR    = 8,
        VT_BOOL    = 11,
        VT_UNKNOWN = 13,
        VT_UI1     = 17,
        VT_UI4     = 19,
        VT_UI8     = 21,
        VT_ARRAY   = 0x2000
};

/* The union is anonymous, as on Windows (`v.vt`, `v.bstrVal`), in C11 and C++, and in C99 with GCC
 * or clang (via __extension__). Elsewhere, or with DOSVC_NONAMELESSUNION defined, it is named `n1`.
 * The V_* accessors below work in every mode. vt says which member is valid; VariantClear() frees a
 * BSTR, Releases an IUnknown and frees a SAFEARRAY. Size and alignment match Windows (24 bytes on
 * LP64): the reserved member stands for Windows' BRECORD so members can be added without an ABI
 * change. */
#if !defined(DOSVC_NONAMELESSUNION)
# if defined(__cplusplus) || (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L)
#  define DOSVC_ANON_UNION_ union
# elif defined(__GNUC__)
#  define DOSVC_ANON_UNION_ __extension__ union
# else
#  define DOSVC_NONAMELESSUNION 1
# endif
#endif

typedef struct tagVARIANT {
        VARTYPE vt;
        WORD wReserved1;
        WORD wReserved2;
        WORD wReserved3;
#ifdef DOSVC_NONAMELESSUNION
        union {
#else
        DOSVC_ANON_UNION_ {
#endif
                LONG lVal;                   /* VT_I4 */
                ULONG ulVal;                 /* VT_UI4 */
                UINT uintVal;                /* VT_UI4 (Windows VT_UINT) */
                ULONGLONG ullVal;            /* VT_UI8 */
                LONGLONG llVal;              /* VT_I8 */
                VARIANT_BOOL boolVal;        /* VT_BOOL: VARIANT_TRUE or VARIANT_FALSE */
                BYTE bVal;                   /* VT_UI1 */
                BSTR bstrVal;                /* VT_BSTR: UTF-8, allocated with SysAllocString() */
                IUnknown *punkVal;           /* VT_UNKNOWN: holds one reference */
                SAFEARRAY *parray;           /* VT_ARRAY|VT_UI1 */
                void *pvReserved_[2];        /* size of Windows' BRECORD member; do not use */
#ifdef DOSVC_NONAMELESSUNION
        } n1;
#else
        };
#endif
} VARIANT;

typedef VARIANT VARIANTARG;
typedef VARIANT *LPVARIANT;

#ifdef DOSVC_NONAMELESSUNION
# define DOSVC_V_UNION_(v, m) ((v)->n1.m)
#else
# define DOSVC_V_UNION_(v, m) ((v)->m)
#endif
#define V_VT(v)      ((v)->vt)
#define V_I4(v)      DOSVC_V_UNION_(v, lVal)
#define V_UI4(v)     DOSVC_V_UNION_(v, ulVal)
#define V_UINT(v)    DOSVC_V_UNION_(v, uintVal)
#define V_UI8(v)     DOSVC_V_UNION_(v, ullVal)
#define V_I8(v)      DOSVC_V_UNION_(v, llVal)
#define V_BOOL(v)    DOSVC_V_UNION_(v, boolVal)
#define V_UI1(v)     DOSVC_V_UNION_(v, bVal)
#define V_BSTR(v)    DOSVC_V_UNION_(v, bstrVal)
#define V_UNKNOWN(v) DOSVC_V_UNION_(v, punkVal)
#define V_ARRAY(v)   DOSVC_V_UNION_(v, parray)

#endif /* DOSVC_VARIANT_DEFINED */
#endif /* DOSVC_NO_BASE_TYPES */

/* ------------------------------------------------------------------------------------------------
 * BITS enumerations and constants (spec 3.1).
 * ---------------------------------------------------------------------------------------------- */

/* BG_FILE_PROGRESS.BytesTotal / BG_JOB_PROGRESS.BytesTotal while a size is unknown. */
#define BG_SIZE_UNKNOWN ((UINT64)(-1))
/* BG_FILE_RANGE.Length meaning "to the end of the file". */
#define BG_LENGTH_TO_EOF ((UINT64)(-1))
/* IBackgroundCopyManager::EnumJobs flag: every user's jobs (administrators only). */
#define BG_JOB_ENUM_ALL_USERS 0x0001

/* SetNotifyFlags bits. DO does not support DISABLE and FILE_RANGES_TRANSFERRED.
 * dosvc's default is BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR (0x3). */
#define BG_NOTIFY_JOB_TRANSFERRED         0x0001
#define BG_NOTIFY_JOB_ERROR               0x0002
#define BG_NOTIFY_DISABLE                 0x0004
#define BG_NOTIFY_JOB_MODIFICATION        0x0008
#define BG_NOTIFY_FILE_TRANSFERRED        0x0010
#define BG_NOTIFY_FILE_RANGES_TRANSFERRED 0x0020

/* IBackgroundCopyJob3::SetFileACLFlags bits [HDR]; not supported by dosvc. */
#define BG_COPY_FILE_OWNER 1
#define BG_COPY_FILE_GROUP 2
#define BG_COPY_FILE_DACL  4
#define BG_COPY_FILE_SACL  8
#define BG_COPY_FILE_ALL   15

/* IBackgroundCopyJob4::SetPeerCachingFlags bits [HDR]; not supported by dosvc. */
#define BG_JOB_ENABLE_PEERCACHING_CLIENT 0x0001
#define BG_JOB_ENABLE_PEERCACHING_SERVER 0x0002
#define BG_JOB_DISABLE_BRANCH_CACHE      0x0004

typedef enum {
        BG_JOB_STATE_QUEUED = 0,
        BG_JOB_STATE_CONNECTING = 1,          /* never reported by DO */
        BG_JOB_STATE_TRANSFERRING = 2,
        BG_JOB_STATE_SUSPENDED = 3,           /* initial state */
        BG_JOB_STATE_ERROR = 4,               /* fatal; needs action */
        BG_JOB_STATE_TRANSIENT_ERROR = 5,     /* retried automatically */
        BG_JOB_STATE_TRANSFERRED = 6,         /* all files done; Complete() needed */
        BG_JOB_STATE_ACKNOWLEDGED = 7,        /* final, after Complete() */
        BG_JOB_STATE_CANCELLED = 8            /* final, after Cancel() */
} BG_JOB_STATE;

typedef enum {
        BG_JOB_PRIORITY_FOREGROUND = 0,
        BG_JOB_PRIORITY_HIGH = 1,
        BG_JOB_PRIORITY_NORMAL = 2,           /* default */
        BG_JOB_PRIORITY_LOW = 3
} BG_JOB_PRIORITY;

typedef enum {
        BG_JOB_TYPE_DOWNLOAD = 0,             /* the only type DO (and dosvc) supports */
        BG_JOB_TYPE_UPLOAD = 1,
        BG_JOB_TYPE_UPLOAD_REPLY = 2
} BG_JOB_TYPE;

typedef enum {
        BG_ERROR_CONTEXT_NONE = 0,
        BG_ERROR_CONTEXT_UNKNOWN = 1,
        BG_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER = 2,
        BG_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION = 3,
        BG_ERROR_CONTEXT_LOCAL_FILE = 4,
        BG_ERROR_CONTEXT_REMOTE_FILE = 5,     /* DO: the server answered HTTP 403 */
        BG_ERROR_CONTEXT_GENERAL_TRANSPORT = 6,
        BG_ERROR_CONTEXT_REMOTE_APPLICATION = 7
} BG_ERROR_CONTEXT;

typedef enum {
        BG_JOB_PROXY_USAGE_PRECONFIG = 0,     /* default */
        BG_JOB_PROXY_USAGE_NO_PROXY = 1,
        BG_JOB_PROXY_USAGE_OVERRIDE = 2,
        BG_JOB_PROXY_USAGE_AUTODETECT = 3
} BG_JOB_PROXY_USAGE;

typedef enum {
        BG_AUTH_TARGET_SERVER = 1,
        BG_AUTH_TARGET_PROXY = 2
} BG_AUTH_TARGET;

typedef enum {
        BG_AUTH_SCHEME_BASIC = 1,
        BG_AUTH_SCHEME_DIGEST = 2,
        BG_AUTH_SCHEME_NTLM = 3,
        BG_AUTH_SCHEME_NEGOTIATE = 4,
        BG_AUTH_SCHEME_PASSPORT = 5
} BG_AUTH_SCHEME;

/* IBackgroundCopyJob5 property IDs. There is no 6 or 8. DO (and dosvc) support 1 and 2 only. */
typedef enum {
        BITS_JOB_PROPERTY_ID_COST_FLAGS = 1,                    /* Dword: a BITS_JOB_TRANSFER_POLICY */
        BITS_JOB_PROPERTY_NOTIFICATION_CLSID = 2,               /* ClsID; GUID_NULL clears it */
        BITS_JOB_PROPERTY_DYNAMIC_CONTENT = 3,
        BITS_JOB_PROPERTY_HIGH_PERFORMANCE = 4,
        BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE = 5,
        BITS_JOB_PROPERTY_USE_STORED_CREDENTIALS = 7,
        BITS_JOB_PROPERTY_MINIMUM_NOTIFICATION_INTERVAL_MS = 9,
        BITS_JOB_PROPERTY_ON_DEMAND_MODE = 10
} BITS_JOB_PROPERTY_ID;

/* BITS_JOB_TRANSFER_POLICY is an enum on Windows, but its values do not fit in an int, which ISO C
 * requires of enumerators; here it is a DWORD with macros. Compare with the Dword member as is. */
typedef DWORD BITS_JOB_TRANSFER_POLICY;
#define BITS_JOB_TRANSFER_POLICY_ALWAYS       ((BITS_JOB_TRANSFER_POLICY)0x800000FFu)
#define BITS_JOB_TRANSFER_POLICY_NOT_ROAMING  ((BITS_JOB_TRANSFER_POLICY)0x8000007Fu)
#define BITS_JOB_TRANSFER_POLICY_NO_SURCHARGE ((BITS_JOB_TRANSFER_POLICY)0x8000006Fu)
#define BITS_JOB_TRANSFER_POLICY_STANDARD     ((BITS_JOB_TRANSFER_POLICY)0x80000067u)
#define BITS_JOB_TRANSFER_POLICY_UNRESTRICTED ((BITS_JOB_TRANSFER_POLICY)0x80000021u)

typedef enum {
        BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS = 1          /* String: every header of the last response */
} BITS_FILE_PROPERTY_ID;

/* ------------------------------------------------------------------------------------------------
 * BITS structures (spec 3.2).
 * ---------------------------------------------------------------------------------------------- */

/* AddFileSet input: remote name first, as in BITS. */
typedef struct _BG_FILE_INFO {
        LPWSTR RemoteName;
        LPWSTR LocalName;
} BG_FILE_INFO;

/* BytesTotal is BG_SIZE_UNKNOWN (== DO_UNKNOWN_FILE_SIZE) while the size is unknown; with ranges it
 * is the sum of the range lengths. Completed is TRUE once the file is under its local name, i.e.
 * after Complete(). */
typedef struct _BG_FILE_PROGRESS {
        UINT64 BytesTotal;
        UINT64 BytesTransferred;
        BOOL Completed;
} BG_FILE_PROGRESS;

/* Length must not be 0; BG_LENGTH_TO_EOF means "to the end of the file". */
#ifndef _BG_FILE_RANGE_DEFINED
#define _BG_FILE_RANGE_DEFINED
typedef struct _BG_FILE_RANGE {
        UINT64 InitialOffset;
        UINT64 Length;
} BG_FILE_RANGE;
#endif

/* BytesTotal stays BG_SIZE_UNKNOWN until every file's size is known. */
typedef struct _BG_JOB_PROGRESS {
        UINT64 BytesTotal;
        UINT64 BytesTransferred;
        ULONG FilesTotal;
        ULONG FilesTransferred;
} BG_JOB_PROGRESS;

/* TransferCompletionTime is 0 until the job has been TRANSFERRED (dosvc). */
typedef struct _BG_JOB_TIMES {
        FILETIME CreationTime;
        FILETIME ModificationTime;
        FILETIME TransferCompletionTime;
} BG_JOB_TIMES;

/* Upload replies (IBackgroundCopyJob2); DO has no uploads. */
typedef struct _BG_JOB_REPLY_PROGRESS {
        UINT64 BytesTotal;
        UINT64 BytesTransferred;
} BG_JOB_REPLY_PROGRESS;

typedef struct {
        LPWSTR UserName;
        LPWSTR Password;
} BG_BASIC_CREDENTIALS;
typedef BG_BASIC_CREDENTIALS *PBG_BASIC_CREDENTIALS;

typedef union {
        BG_BASIC_CREDENTIALS Basic;
} BG_AUTH_CREDENTIALS_UNION;

typedef struct {
        BG_AUTH_TARGET Target;
        BG_AUTH_SCHEME Scheme;
        BG_AUTH_CREDENTIALS_UNION Credentials;
} BG_AUTH_CREDENTIALS;
typedef BG_AUTH_CREDENTIALS *PBG_AUTH_CREDENTIALS;

/* Passed by value to IBackgroundCopyJob5::SetProperty. Dword carries COST_FLAGS, ClsID carries
 * NOTIFICATION_CLSID; Enable, Uint64 and Target are not supported in DO. */
typedef union _BITS_JOB_PROPERTY_VALUE {
        DWORD Dword;
        GUID ClsID;
        BOOL Enable;
        UINT64 Uint64;
        BG_AUTH_TARGET Target;
} BITS_JOB_PROPERTY_VALUE;

/* String is freed with CoTaskMemFree() when returned by GetProperty. */
typedef union _BITS_FILE_PROPERTY_VALUE {
        LPWSTR String;
} BITS_FILE_PROPERTY_VALUE;

/* ------------------------------------------------------------------------------------------------
 * Delivery Optimization types [DO].
 * ---------------------------------------------------------------------------------------------- */

/* DO names this constant without a value (UNCERTAIN); dosvc uses all ones, like BG_SIZE_UNKNOWN. */
#define DO_UNKNOWN_FILE_SIZE ((UINT64)(-1))
/* DO_DOWNLOAD_RANGE.Length meaning "to the end of the file". */
#define DO_LENGTH_TO_EOF ((UINT64)(-1))

typedef enum _DownloadMode {
        DownloadMode_CdnOnly = 0,
        DownloadMode_Lan = 1,                 /* DO's default mode */
        DownloadMode_Group = 2,
        DownloadMode_Internet = 3,
        DownloadMode_Simple = 99,             /* no cloud services */
        DownloadMode_Bypass = 100             /* use BITS */
} DownloadMode;

typedef enum _SwarmStatus {
        SwarmStatus_Downloading = 0,
        SwarmStatus_Complete = 1,
        SwarmStatus_Caching = 2,
        SwarmStatus_Paused = 3
} SwarmStatus;

/* IDeliveryOptimizationFile2 property IDs. The DO page gives no initializers, so the values follow
 * C enum order. */
typedef enum DeliveryOptimizationFileProperty {
        DOFilePropertyId_DecryptionInfo = 0,           /* BSTR, write-only: JSON */
        DOFilePropertyId_IntegrityCheckInfo = 1,       /* BSTR, write-only: location of the piece hash file */
        DOFilePropertyId_IntegrityCheckMandatory = 2,  /* BOOL: a failed check aborts the download */
        DOFilePropertyId_DownloadSinkInterface = 3,    /* not described by DO */
        DOFilePropertyId_DownloadSinkFilePath = 4,     /* BSTR: full path where the pieces are stored */
        DOFilePropertyId_DownloadSinkMemoryStream = 5, /* deprecated */
        DOFilePropertyId_TotalSizeBytes = 6            /* UI8 */
} DOFilePropertyId, DeliveryOptimizationFileProperty;

/* IDeliveryOptimizationJob2 property IDs. The value is not given by DO (UNCERTAIN); dosvc uses 0. */
typedef enum _DOJobPropertyId {
        DOJobPropertyId_ExtendedErrorInfo = 0          /* BSTR, read-only */
} DOJobPropertyId;

/* IDeliveryOptimizationFile::GetStats output. fileId and sourceURL are freed with CoTaskMemFree().
 * downloadDuration is in milliseconds; bytesFromDoinc and doincConnectionCount are internal. */
typedef struct _DOSwarmStats {
        LPWSTR fileId;
        LPWSTR sourceURL;
        UINT64 fileSize;
        UINT64 totalBytesDownloaded;
        UINT64 bytesFromLanPeers;
        UINT64 bytesFromGroupPeers;
        UINT64 bytesFromInternetPeers;
        UINT64 bytesFromHttp;
        UINT64 bytesFromDoinc;
        UINT64 bytesToLanPeers;
        UINT64 bytesToGroupPeers;
        UINT64 bytesToInternetPeers;
        UINT httpConnectionCount;
        UINT doincConnectionCount;
        UINT lanConnectionCount;
        UINT groupConnectionCount;
        UINT internetConnectionCount;
        UINT downloadDuration;
        DownloadMode downloadMode;
        SwarmStatus status;
        BOOL isBackground;
} DOSwarmStats;

/* ------------------------------------------------------------------------------------------------
 * IDOManager / IDODownload types (spec 7; declared for a later version of dosvc).
 * ---------------------------------------------------------------------------------------------- */
typedef enum _DODownloadProperty {
        DODownloadProperty_Id = 0,                                 /* BSTR, read-only */
        DODownloadProperty_Uri = 1,                                /* BSTR */
        DODownloadProperty_ContentId = 2,                          /* BSTR */
        DODownloadProperty_DisplayName = 3,                        /* BSTR */
        DODownloadProperty_LocalPath = 4,                          /* BSTR */
        DODownloadProperty_HttpCustomHeaders = 5,                  /* BSTR */
        DODownloadProperty_CostPolicy = 6,                         /* UI4: DODownloadCostPolicy */
        DODownloadProperty_SecurityFlags = 7,                      /* UI4, write-only */
        DODownloadProperty_CallbackFreqPercent = 8,                /* UI4 */
        DODownloadProperty_CallbackFreqSeconds = 9,                /* UI4, default 1 */
        DODownloadProperty_NoProgressTimeoutSeconds = 10,          /* UI4, minimum 60 */
        DODownloadProperty_ForegroundPriority = 11,                /* BOOL, default FALSE */
        DODownloadProperty_BlockingMode = 12,                      /* BOOL, default FALSE */
        DODownloadProperty_CallbackInterface = 13,                 /* UNKNOWN: IDODownloadStatusCallback */
        DODownloadProperty_StreamInterface = 14,                   /* UNKNOWN: IStream sink */
        DODownloadProperty_SecurityContext = 15,                   /* ARRAY|UI1, write-only */
        DODownloadProperty_NetworkToken = 16,                      /* BOOL, write-only */
        DODownloadProperty_CorrelationVector = 17,                 /* BSTR */
        DODownloadProperty_DecryptionInfo = 18,                    /* BSTR, write-only */
        DODownloadProperty_IntegrityCheckInfo = 19,                /* BSTR, write-only */
        DODownloadProperty_IntegrityCheckMandatory = 20,           /* BOOL */
        DODownloadProperty_TotalSizeBytes = 21,                    /* UI8 */
        DODownloadProperty_DisallowOnCellular = 22,
        DODownloadProperty_HttpCustomAuthHeaders = 23,
        DODownloadProperty_HttpAllowSecureToNonSecureRedirect = 24,
        DODownloadProperty_NonVolatile = 25,
        DODownloadProperty_HttpRedirectionTarget = 26,
        DODownloadProperty_HttpResponseHeaders = 27,
        DODownloadProperty_HttpServerIPAddress = 28,
        DODownloadProperty_HttpStatusCode = 29
} DODownloadProperty;

typedef enum _DODownloadState {
        DODownloadState_Created = 0,          /* not yet started */
        DODownloadState_Transferring = 1,
        DODownloadState_Transferred = 2,      /* may Start again for other ranges */
        DODownloadState_Finalized = 3,        /* cannot restart */
        DODownloadState_Aborted = 4,
        DODownloadState_Paused = 5            /* on request or by a transient error */
} DODownloadState;

typedef enum _DODownloadCostPolicy {
        DODownloadCostPolicy_Always = 0,
        DODownloadCostPolicy_Unrestricted = 1,
        DODownloadCostPolicy_Standard = 2,
        DODownloadCostPolicy_NoRoaming = 3,
        DODownloadCostPolicy_NoSurcharge = 4,
        DODownloadCostPolicy_NoCellular = 5
} DODownloadCostPolicy;

typedef struct _DO_DOWNLOAD_STATUS {
        UINT64 BytesTotal;
        UINT64 BytesTransferred;
        DODownloadState State;
        HRESULT Error;
        HRESULT ExtendedError;
} DO_DOWNLOAD_STATUS;

/* Length must not be 0; DO_LENGTH_TO_EOF means "to the end of the file". */
typedef struct _DO_DOWNLOAD_RANGE {
        UINT64 Offset;
        UINT64 Length;
} DO_DOWNLOAD_RANGE;

/* Variable length: allocate offsetof(DO_DOWNLOAD_RANGES_INFO, Ranges) + RangeCount *
 * sizeof(DO_DOWNLOAD_RANGE). Ranges is declared [1], as on Windows, because C++ has no flexible
 * array members; that keeps one layout for C and C++. */
typedef struct _DO_DOWNLOAD_RANGES_INFO {
        UINT RangeCount;
        DO_DOWNLOAD_RANGE Ranges[1];
} DO_DOWNLOAD_RANGES_INFO;

/* IDOManager::EnumDownloads filter: Property is one of Id, Uri, ContentId, DisplayName, LocalPath. */
typedef struct _DO_DOWNLOAD_ENUM_CATEGORY {
        DODownloadProperty Property;
        LPCWSTR Value;
} DO_DOWNLOAD_ENUM_CATEGORY;

/* ------------------------------------------------------------------------------------------------
 * GUID comparison.
 * ---------------------------------------------------------------------------------------------- */
#ifndef DOSVC_ISEQUALGUID_DEFINED
#define DOSVC_ISEQUALGUID_DEFINED
/* TRUE when both GUIDs are equal. Both pointers must be valid. */
static inline BOOL IsEqualGUID(REFGUID rguid1, REFGUID rguid2) {
        int i;

        if (rguid1->Data1 != rguid2->Data1 || rguid1->Data2 != rguid2->Data2 || rguid1->Data3 != rguid2->Data3)
                return FALSE;
        for (i = 0; i < 8; i++)
                if (rguid1->Data4[i] != rguid2->Data4[i])
                        return FALSE;
        return TRUE;
}
#define IsEqualIID(riid1, riid2) IsEqualGUID(riid1, riid2)
#define IsEqualCLSID(rclsid1, rclsid2) IsEqualGUID(rclsid1, rclsid2)
#endif

/* ------------------------------------------------------------------------------------------------
 * Interfaces. Each is a struct whose first and only member points to its vtable; the vtable lists
 * every slot of the Windows interface, inherited ones included, in Windows order (the slot number
 * follows each member). Call through the macros, e.g. IBackgroundCopyJob5_Resume(job5). A client
 * implementing IBackgroundCopyCallback fills a IBackgroundCopyCallbackVtbl and points its object's
 * lpVtbl at it.
 * ---------------------------------------------------------------------------------------------- */

/* ------------------------------------------------------------------------------------------------
 * IUnknown  (IID 00000000-0000-0000-C000-000000000046)
 * The root of every interface. QueryInterface returns S_OK and one reference in *ppvObject, or
 * E_NOINTERFACE with *ppvObject = NULL (E_POINTER when ppvObject is NULL). AddRef and Release
 * return the new count, for debugging only; the last Release frees the object (a proxy: its client-
 * side state only; the service keeps the job). Thread-safe.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IUnknownVtbl {
        HRESULT (*QueryInterface)(IUnknown *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IUnknown *This); /* 1 */
        ULONG (*Release)(IUnknown *This); /* 2 */
} IUnknownVtbl;

struct IUnknown {
        const IUnknownVtbl *lpVtbl;
};

#define IUnknown_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IUnknown_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IUnknown_Release(This) ((This)->lpVtbl->Release(This))

/* ------------------------------------------------------------------------------------------------
 * IEnumUnknown  (IID 00000100-0000-0000-C000-000000000046)
 * Inherits IUnknown.
 * Enumerator over IUnknown pointers (IDOManager::EnumDownloads). Same rules as
 * IEnumBackgroundCopyFiles: Next returns S_OK when celt items were returned, S_FALSE when fewer;
 * each returned pointer holds one reference.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IEnumUnknownVtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IEnumUnknown *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IEnumUnknown *This); /* 1 */
        ULONG (*Release)(IEnumUnknown *This); /* 2 */
        /* IEnumUnknown */
        HRESULT (*Next)(IEnumUnknown *This, ULONG celt, IUnknown **rgelt, ULONG *pceltFetched); /* 3 */
        HRESULT (*Skip)(IEnumUnknown *This, ULONG celt); /* 4 */
        HRESULT (*Reset)(IEnumUnknown *This); /* 5 */
        HRESULT (*Clone)(IEnumUnknown *This, IEnumUnknown **ppenum); /* 6 */
} IEnumUnknownVtbl;

struct IEnumUnknown {
        const IEnumUnknownVtbl *lpVtbl;
};

#define IEnumUnknown_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IEnumUnknown_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IEnumUnknown_Release(This) ((This)->lpVtbl->Release(This))
#define IEnumUnknown_Next(This,celt,rgelt,pceltFetched) ((This)->lpVtbl->Next(This,celt,rgelt,pceltFetched))
#define IEnumUnknown_Skip(This,celt) ((This)->lpVtbl->Skip(This,celt))
#define IEnumUnknown_Reset(This) ((This)->lpVtbl->Reset(This))
#define IEnumUnknown_Clone(This,ppenum) ((This)->lpVtbl->Clone(This,ppenum))

/* ------------------------------------------------------------------------------------------------
 * IBackgroundCopyManager  (IID 5CE34C0D-0DC9-4C1F-897C-DAA1B78CEE7C)
 * Inherits IUnknown.
 * The job queue (spec 2.1). Get one with DoCreateManager() or
 * CoCreateInstance(&CLSID_BackgroundCopyManager).
 *
 *   CreateJob: Creates a job in BG_JOB_STATE_SUSPENDED; fills *pJobId with its new GUID and *ppJob
 *   with one reference. DisplayName: not NULL, at most 256 characters, need not be unique. Only
 *   BG_JOB_TYPE_DOWNLOAD is accepted. Returns S_OK; E_INVALIDARG (NULL or too long a name, another
 *   type, NULL pJobId); BG_E_TOO_MANY_JOBS_PER_USER (60) or BG_E_TOO_MANY_JOBS_PER_MACHINE (300).
 *   GetJob: Returns the job with that GUID, also after a service restart. S_OK; DO_E_NOT_FOUND (==
 *   DO_E_JOB_NOT_FOUND, also for completed or cancelled jobs); E_ACCESSDENIED for another user's
 *   job unless the caller is an administrator.
 *   EnumJobs: Snapshot of the caller's jobs (dwFlags 0) or all users' jobs (BG_JOB_ENUM_ALL_USERS,
 *   administrators only, else E_ACCESSDENIED), in no particular order. Jobs in a final state are
 *   not listed; the listed job objects report live values.
 *   GetErrorDescription: Message text for an HRESULT, freed with CoTaskMemFree().
 *   HRESULT_FROM_WIN32(ERROR_RESOURCE_LANG_NOT_FOUND) (0x80070717) when no text exists in that
 *   language.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IBackgroundCopyManagerVtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IBackgroundCopyManager *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IBackgroundCopyManager *This); /* 1 */
        ULONG (*Release)(IBackgroundCopyManager *This); /* 2 */
        /* IBackgroundCopyManager */
        HRESULT (*CreateJob)(IBackgroundCopyManager *This, LPCWSTR DisplayName, BG_JOB_TYPE Type, GUID *pJobId, IBackgroundCopyJob **ppJob); /* 3 */
        HRESULT (*GetJob)(IBackgroundCopyManager *This, REFGUID jobID, IBackgroundCopyJob **ppJob); /* 4 */
        HRESULT (*EnumJobs)(IBackgroundCopyManager *This, DWORD dwFlags, IEnumBackgroundCopyJobs **ppEnum); /* 5 */
        HRESULT (*GetErrorDescription)(IBackgroundCopyManager *This, HRESULT hResult, DWORD LanguageId, LPWSTR *pErrorDescription); /* 6 */
} IBackgroundCopyManagerVtbl;

struct IBackgroundCopyManager {
        const IBackgroundCopyManagerVtbl *lpVtbl;
};

#define IBackgroundCopyManager_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IBackgroundCopyManager_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyManager_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyManager_CreateJob(This,DisplayName,Type,pJobId,ppJob) ((This)->lpVtbl->CreateJob(This,DisplayName,Type,pJobId,ppJob))
#define IBackgroundCopyManager_GetJob(This,jobID,ppJob) ((This)->lpVtbl->GetJob(This,jobID,ppJob))
#define IBackgroundCopyManager_EnumJobs(This,dwFlags,ppEnum) ((This)->lpVtbl->EnumJobs(This,dwFlags,ppEnum))
#define IBackgroundCopyManager_GetErrorDescription(This,hResult,LanguageId,pErrorDescription) ((This)->lpVtbl->GetErrorDescription(This,hResult,LanguageId,pErrorDescription))

/* ------------------------------------------------------------------------------------------------
 * IBackgroundCopyJob  (IID 37668D37-507E-4160-9316-26306D150B12)
 * Inherits IUnknown.
 * A download job (spec 2.2): files, properties and a state (spec 4). Setters on an ACKNOWLEDGED or
 * CANCELLED job return DO_E_INVALID_STATE; methods DO does not support return E_NOTIMPL.
 *
 *   AddFileSet: [BITS] Adds cFileCount files (remote URL, absolute local path), transferred in that
 *   order. S_OK; E_INVALIDARG (bad name, unsupported protocol, relative local path); E_ACCESSDENIED
 *   (local directory not writable); BG_E_TOO_MANY_FILES_IN_JOB (over 200 files, non-
 *   administrators); DO_E_INVALID_STATE (final state). Nothing is added on failure.
 *   AddFile: [BITS] AddFileSet with one file; same returns.
 *   EnumFiles: Enumerator over the job's files, in the order added. S_OK.
 *   Suspend: Stops transferring until Resume. S_OK, also when already SUSPENDED; DO_E_INVALID_STATE
 *   in ACKNOWLEDGED or CANCELLED.
 *   Resume: Starts or restarts the job (SUSPENDED, ERROR, TRANSIENT_ERROR: to QUEUED/TRANSFERRING;
 *   retries at once). S_OK; DO_E_EMPTY (== DO_E_JOB_EMPTY) when the job has no files, the state
 *   stays SUSPENDED; DO_E_INVALID_STATE in a final state. An active job keeps its state.
 *   Cancel: Removes the job and deletes all its temporary files (complete and partial); state
 *   becomes CANCELLED. S_OK; BG_S_UNABLE_TO_DELETE_FILES (cancelled, but some files could not be
 *   deleted); DO_E_INVALID_STATE when already final.
 *   Complete: Ends the job: fully transferred files are renamed to their local names, the rest are
 *   deleted; state becomes ACKNOWLEDGED. Allowed in any non-final state. S_OK;
 *   BG_S_PARTIAL_COMPLETE (only some files kept); BG_S_UNABLE_TO_DELETE_FILES; DO_E_INVALID_STATE
 *   when final; a rename error leaves the job TRANSFERRED (check BG_FILE_PROGRESS.Completed).
 *   GetId: The GUID generated by CreateJob. S_OK.
 *   GetType: The type given at creation (always BG_JOB_TYPE_DOWNLOAD). S_OK.
 *   GetProgress: Byte and file counts. S_OK; E_INVALIDARG for NULL.
 *   GetTimes: Creation, modification and transfer-completion times. S_OK.
 *   GetState: Current state; on a held pointer also ACKNOWLEDGED or CANCELLED. S_OK.
 *   GetError: The last error: S_OK only in ERROR or TRANSIENT_ERROR; otherwise
 *   DO_E_ERROR_INFORMATION_UNAVAILABLE with *ppError = NULL. The error object is dropped when the
 *   job next enters TRANSFERRING. A failed method call never creates one.
 *   GetOwner: [BITS] The owner, as a decimal uid string (dosvc); CoTaskMemFree() it.
 *   SetDisplayName: [BITS] S_OK; E_INVALIDARG for NULL or more than 256 characters;
 *   DO_E_INVALID_STATE in a final state.
 *   GetDisplayName: The display name, freed with CoTaskMemFree(). S_OK; E_INVALIDARG for NULL.
 *   SetDescription: [BITS] At most 1,024 characters. S_OK; E_INVALIDARG for NULL;
 *   BG_E_STRING_TOO_LONG; DO_E_INVALID_STATE in a final state.
 *   GetDescription: [BITS] The description, freed with CoTaskMemFree(). S_OK.
 *   SetPriority: S_OK; E_NOTIMPL for a value outside BG_JOB_PRIORITY; DO_E_INVALID_STATE in a final
 *   state. Default BG_JOB_PRIORITY_NORMAL.
 *   GetPriority: S_OK.
 *   SetNotifyFlags: BG_NOTIFY_* mask. S_OK; E_NOTIMPL for unknown bits; DO_E_INVALID_STATE in a
 *   final state.
 *   GetNotifyFlags: S_OK (default 0x3); E_INVALIDARG for NULL.
 *   SetNotifyInterface: Registers an IBackgroundCopyCallback (AddRef'ed; NULL clears). Not
 *   persisted; the last registration wins; an event that happened before registration still fires.
 *   S_OK; DO_E_INVALID_STATE in a final state. Only the owner or an administrator may register.
 *   GetNotifyInterface: The registered callback with one reference, or NULL. S_OK.
 *   SetMinimumRetryDelay: [BITS] Delay before a TRANSIENT_ERROR retry; default 600, values under 5
 *   are raised to 5. S_OK; DO_E_INVALID_STATE in a final state.
 *   GetMinimumRetryDelay: [BITS] S_OK.
 *   SetNoProgressTimeout: Seconds without progress after which TRANSIENT_ERROR becomes ERROR (0:
 *   every error is fatal). Default 3600 for FOREGROUND, 86400 otherwise (dosvc). Monotonic. S_OK;
 *   DO_E_INVALID_STATE in a final state.
 *   GetNoProgressTimeout: S_OK.
 *   GetErrorCount: [BITS] Times the job was interrupted by a network or server failure. S_OK.
 *   SetProxySettings: [BITS] The lists go with BG_JOB_PROXY_USAGE_OVERRIDE only, which needs a
 *   proxy list. Stored with the job (dosvc: not yet used by transfers, and not kept across a
 *   service restart). S_OK; E_INVALIDARG; BG_E_PROXY_LIST_TOO_LARGE /
 *   BG_E_PROXY_BYPASS_LIST_TOO_LARGE (over 32,768 characters); BG_E_INVALID_PROXY_INFO (control
 *   characters); DO_E_INVALID_STATE in a final state.
 *   GetProxySettings: [BITS] Lists freed with CoTaskMemFree(); NULL when not set. S_OK.
 *   TakeOwnership: [BITS] An administrator (root) makes the job its own. S_OK; E_ACCESSDENIED.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IBackgroundCopyJobVtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IBackgroundCopyJob *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IBackgroundCopyJob *This); /* 1 */
        ULONG (*Release)(IBackgroundCopyJob *This); /* 2 */
        /* IBackgroundCopyJob */
        HRESULT (*AddFileSet)(IBackgroundCopyJob *This, ULONG cFileCount, BG_FILE_INFO *pFileSet); /* 3 */
        HRESULT (*AddFile)(IBackgroundCopyJob *This, LPCWSTR RemoteUrl, LPCWSTR LocalName); /* 4 */
        HRESULT (*EnumFiles)(IBackgroundCopyJob *This, IEnumBackgroundCopyFiles **pEnum); /* 5 */
        HRESULT (*Suspend)(IBackgroundCopyJob *This); /* 6 */
        HRESULT (*Resume)(IBackgroundCopyJob *This); /* 7 */
        HRESULT (*Cancel)(IBackgroundCopyJob *This); /* 8 */
        HRESULT (*Complete)(IBackgroundCopyJob *This); /* 9 */
        HRESULT (*GetId)(IBackgroundCopyJob *This, GUID *pVal); /* 10 */
        HRESULT (*GetType)(IBackgroundCopyJob *This, BG_JOB_TYPE *pVal); /* 11 */
        HRESULT (*GetProgress)(IBackgroundCopyJob *This, BG_JOB_PROGRESS *pVal); /* 12 */
        HRESULT (*GetTimes)(IBackgroundCopyJob *This, BG_JOB_TIMES *pVal); /* 13 */
        HRESULT (*GetState)(IBackgroundCopyJob *This, BG_JOB_STATE *pVal); /* 14 */
        HRESULT (*GetError)(IBackgroundCopyJob *This, IBackgroundCopyError **ppError); /* 15 */
        HRESULT (*GetOwner)(IBackgroundCopyJob *This, LPWSTR *pVal); /* 16 */
        HRESULT (*SetDisplayName)(IBackgroundCopyJob *This, LPCWSTR Val); /* 17 */
        HRESULT (*GetDisplayName)(IBackgroundCopyJob *This, LPWSTR *pVal); /* 18 */
        HRESULT (*SetDescription)(IBackgroundCopyJob *This, LPCWSTR Val); /* 19 */
        HRESULT (*GetDescription)(IBackgroundCopyJob *This, LPWSTR *pVal); /* 20 */
        HRESULT (*SetPriority)(IBackgroundCopyJob *This, BG_JOB_PRIORITY Val); /* 21 */
        HRESULT (*GetPriority)(IBackgroundCopyJob *This, BG_JOB_PRIORITY *pVal); /* 22 */
        HRESULT (*SetNotifyFlags)(IBackgroundCopyJob *This, ULONG Val); /* 23 */
        HRESULT (*GetNotifyFlags)(IBackgroundCopyJob *This, ULONG *pVal); /* 24 */
        HRESULT (*SetNotifyInterface)(IBackgroundCopyJob *This, IUnknown *Val); /* 25 */
        HRESULT (*GetNotifyInterface)(IBackgroundCopyJob *This, IUnknown **pVal); /* 26 */
        HRESULT (*SetMinimumRetryDelay)(IBackgroundCopyJob *This, ULONG Seconds); /* 27 */
        HRESULT (*GetMinimumRetryDelay)(IBackgroundCopyJob *This, ULONG *Seconds); /* 28 */
        HRESULT (*SetNoProgressTimeout)(IBackgroundCopyJob *This, ULONG Seconds); /* 29 */
        HRESULT (*GetNoProgressTimeout)(IBackgroundCopyJob *This, ULONG *Seconds); /* 30 */
        HRESULT (*GetErrorCount)(IBackgroundCopyJob *This, ULONG *Errors); /* 31 */
        HRESULT (*SetProxySettings)(IBackgroundCopyJob *This, BG_JOB_PROXY_USAGE ProxyUsage, const WCHAR *ProxyList, const WCHAR *ProxyBypassList); /* 32 */
        HRESULT (*GetProxySettings)(IBackgroundCopyJob *This, BG_JOB_PROXY_USAGE *pProxyUsage, LPWSTR *pProxyList, LPWSTR *pProxyBypassList); /* 33 */
        HRESULT (*TakeOwnership)(IBackgroundCopyJob *This); /* 34 */
} IBackgroundCopyJobVtbl;

struct IBackgroundCopyJob {
        const IBackgroundCopyJobVtbl *lpVtbl;
};

#define IBackgroundCopyJob_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IBackgroundCopyJob_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyJob_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyJob_AddFileSet(This,cFileCount,pFileSet) ((This)->lpVtbl->AddFileSet(This,cFileCount,pFileSet))
#define IBackgroundCopyJob_AddFile(This,RemoteUrl,LocalName) ((This)->lpVtbl->AddFile(This,RemoteUrl,LocalName))
#define IBackgroundCopyJob_EnumFiles(This,pEnum) ((This)->lpVtbl->EnumFiles(This,pEnum))
#define IBackgroundCopyJob_Suspend(This) ((This)->lpVtbl->Suspend(This))
#define IBackgroundCopyJob_Resume(This) ((This)->lpVtbl->Resume(This))
#define IBackgroundCopyJob_Cancel(This) ((This)->lpVtbl->Cancel(This))
#define IBackgroundCopyJob_Complete(This) ((This)->lpVtbl->Complete(This))
#define IBackgroundCopyJob_GetId(This,pVal) ((This)->lpVtbl->GetId(This,pVal))
#define IBackgroundCopyJob_GetType(This,pVal) ((This)->lpVtbl->GetType(This,pVal))
#define IBackgroundCopyJob_GetProgress(This,pVal) ((This)->lpVtbl->GetProgress(This,pVal))
#define IBackgroundCopyJob_GetTimes(This,pVal) ((This)->lpVtbl->GetTimes(This,pVal))
#define IBackgroundCopyJob_GetState(This,pVal) ((This)->lpVtbl->GetState(This,pVal))
#define IBackgroundCopyJob_GetError(This,ppError) ((This)->lpVtbl->GetError(This,ppError))
#define IBackgroundCopyJob_GetOwner(This,pVal) ((This)->lpVtbl->GetOwner(This,pVal))
#define IBackgroundCopyJob_SetDisplayName(This,Val) ((This)->lpVtbl->SetDisplayName(This,Val))
#define IBackgroundCopyJob_GetDisplayName(This,pVal) ((This)->lpVtbl->GetDisplayName(This,pVal))
#define IBackgroundCopyJob_SetDescription(This,Val) ((This)->lpVtbl->SetDescription(This,Val))
#define IBackgroundCopyJob_GetDescription(This,pVal) ((This)->lpVtbl->GetDescription(This,pVal))
#define IBackgroundCopyJob_SetPriority(This,Val) ((This)->lpVtbl->SetPriority(This,Val))
#define IBackgroundCopyJob_GetPriority(This,pVal) ((This)->lpVtbl->GetPriority(This,pVal))
#define IBackgroundCopyJob_SetNotifyFlags(This,Val) ((This)->lpVtbl->SetNotifyFlags(This,Val))
#define IBackgroundCopyJob_GetNotifyFlags(This,pVal) ((This)->lpVtbl->GetNotifyFlags(This,pVal))
#define IBackgroundCopyJob_SetNotifyInterface(This,Val) ((This)->lpVtbl->SetNotifyInterface(This,Val))
#define IBackgroundCopyJob_GetNotifyInterface(This,pVal) ((This)->lpVtbl->GetNotifyInterface(This,pVal))
#define IBackgroundCopyJob_SetMinimumRetryDelay(This,Seconds) ((This)->lpVtbl->SetMinimumRetryDelay(This,Seconds))
#define IBackgroundCopyJob_GetMinimumRetryDelay(This,Seconds) ((This)->lpVtbl->GetMinimumRetryDelay(This,Seconds))
#define IBackgroundCopyJob_SetNoProgressTimeout(This,Seconds) ((This)->lpVtbl->SetNoProgressTimeout(This,Seconds))
#define IBackgroundCopyJob_GetNoProgressTimeout(This,Seconds) ((This)->lpVtbl->GetNoProgressTimeout(This,Seconds))
#define IBackgroundCopyJob_GetErrorCount(This,Errors) ((This)->lpVtbl->GetErrorCount(This,Errors))
#define IBackgroundCopyJob_SetProxySettings(This,ProxyUsage,ProxyList,ProxyBypassList) ((This)->lpVtbl->SetProxySettings(This,ProxyUsage,ProxyList,ProxyBypassList))
#define IBackgroundCopyJob_GetProxySettings(This,pProxyUsage,pProxyList,pProxyBypassList) ((This)->lpVtbl->GetProxySettings(This,pProxyUsage,pProxyList,pProxyBypassList))
#define IBackgroundCopyJob_TakeOwnership(This) ((This)->lpVtbl->TakeOwnership(This))

/* ------------------------------------------------------------------------------------------------
 * IBackgroundCopyJob2  (IID 54B50739-686F-45EB-9DFF-D6A9A0FAA9AF)
 * Inherits IBackgroundCopyJob <- IUnknown.
 * [HDR] BITS 1.5 additions (uploads, notification command lines, credentials). Not in DO: dosvc
 * returns E_NOTIMPL for what DO does not support (spec 2.2), except:
 *
 *   SetNotifyCmdLine: [BITS] The service runs Program (an absolute path, at most 260 bytes; no
 *   search path, no shell) as the job's owner when the job enters TRANSFERRED or ERROR with
 *   BG_NOTIFY_JOB_TRANSFERRED / BG_NOTIFY_JOB_ERROR set (not with BG_NOTIFY_DISABLE), also after the
 *   calling program has exited, and also when set after the event. Parameters is the whole command
 *   line, argv[0] first (at most 4000 bytes), split as the Windows C runtime does: spaces separate,
 *   double quotes group. The environment holds PATH, HOME, DOSVC_JOB_ID={guid} and
 *   DOSVC_JOB_STATE=TRANSFERRED|ERROR. A program that exits non-zero while the job still rests in
 *   that state runs again after the minimum retry delay. It runs even when a callback is registered
 *   (unlike BITS). NULL Program and NULL Parameters clear it. S_OK; E_INVALIDARG (relative Program,
 *   Parameters without Program); BG_E_STRING_TOO_LONG; DO_E_INVALID_STATE in a final state.
 *   GetNotifyCmdLine: [BITS] Both strings, "" when none is set; CoTaskMemFree() them. S_OK;
 *   E_INVALIDARG for a NULL pointer.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IBackgroundCopyJob2Vtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IBackgroundCopyJob2 *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IBackgroundCopyJob2 *This); /* 1 */
        ULONG (*Release)(IBackgroundCopyJob2 *This); /* 2 */
        /* IBackgroundCopyJob */
        HRESULT (*AddFileSet)(IBackgroundCopyJob2 *This, ULONG cFileCount, BG_FILE_INFO *pFileSet); /* 3 */
        HRESULT (*AddFile)(IBackgroundCopyJob2 *This, LPCWSTR RemoteUrl, LPCWSTR LocalName); /* 4 */
        HRESULT (*EnumFiles)(IBackgroundCopyJob2 *This, IEnumBackgroundCopyFiles **pEnum); /* 5 */
        HRESULT (*Suspend)(IBackgroundCopyJob2 *This); /* 6 */
        HRESULT (*Resume)(IBackgroundCopyJob2 *This); /* 7 */
        HRESULT (*Cancel)(IBackgroundCopyJob2 *This); /* 8 */
        HRESULT (*Complete)(IBackgroundCopyJob2 *This); /* 9 */
        HRESULT (*GetId)(IBackgroundCopyJob2 *This, GUID *pVal); /* 10 */
        HRESULT (*GetType)(IBackgroundCopyJob2 *This, BG_JOB_TYPE *pVal); /* 11 */
        HRESULT (*GetProgress)(IBackgroundCopyJob2 *This, BG_JOB_PROGRESS *pVal); /* 12 */
        HRESULT (*GetTimes)(IBackgroundCopyJob2 *This, BG_JOB_TIMES *pVal); /* 13 */
        HRESULT (*GetState)(IBackgroundCopyJob2 *This, BG_JOB_STATE *pVal); /* 14 */
        HRESULT (*GetError)(IBackgroundCopyJob2 *This, IBackgroundCopyError **ppError); /* 15 */
        HRESULT (*GetOwner)(IBackgroundCopyJob2 *This, LPWSTR *pVal); /* 16 */
        HRESULT (*SetDisplayName)(IBackgroundCopyJob2 *This, LPCWSTR Val); /* 17 */
        HRESULT (*GetDisplayName)(IBackgroundCopyJob2 *This, LPWSTR *pVal); /* 18 */
        HRESULT (*SetDescription)(IBackgroundCopyJob2 *This, LPCWSTR Val); /* 19 */
        HRESULT (*GetDescription)(IBackgroundCopyJob2 *This, LPWSTR *pVal); /* 20 */
        HRESULT (*SetPriority)(IBackgroundCopyJob2 *This, BG_JOB_PRIORITY Val); /* 21 */
        HRESULT (*GetPriority)(IBackgroundCopyJob2 *This, BG_JOB_PRIORITY *pVal); /* 22 */
        HRESULT (*SetNotifyFlags)(IBackgroundCopyJob2 *This, ULONG Val); /* 23 */
        HRESULT (*GetNotifyFlags)(IBackgroundCopyJob2 *This, ULONG *pVal); /* 24 */
        HRESULT (*SetNotifyInterface)(IBackgroundCopyJob2 *This, IUnknown *Val); /* 25 */
        HRESULT (*GetNotifyInterface)(IBackgroundCopyJob2 *This, IUnknown **pVal); /* 26 */
        HRESULT (*SetMinimumRetryDelay)(IBackgroundCopyJob2 *This, ULONG Seconds); /* 27 */
        HRESULT (*GetMinimumRetryDelay)(IBackgroundCopyJob2 *This, ULONG *Seconds); /* 28 */
        HRESULT (*SetNoProgressTimeout)(IBackgroundCopyJob2 *This, ULONG Seconds); /* 29 */
        HRESULT (*GetNoProgressTimeout)(IBackgroundCopyJob2 *This, ULONG *Seconds); /* 30 */
        HRESULT (*GetErrorCount)(IBackgroundCopyJob2 *This, ULONG *Errors); /* 31 */
        HRESULT (*SetProxySettings)(IBackgroundCopyJob2 *This, BG_JOB_PROXY_USAGE ProxyUsage, const WCHAR *ProxyList, const WCHAR *ProxyBypassList); /* 32 */
        HRESULT (*GetProxySettings)(IBackgroundCopyJob2 *This, BG_JOB_PROXY_USAGE *pProxyUsage, LPWSTR *pProxyList, LPWSTR *pProxyBypassList); /* 33 */
        HRESULT (*TakeOwnership)(IBackgroundCopyJob2 *This); /* 34 */
        /* IBackgroundCopyJob2 */
        HRESULT (*SetNotifyCmdLine)(IBackgroundCopyJob2 *This, LPCWSTR Program, LPCWSTR Parameters); /* 35 */
        HRESULT (*GetNotifyCmdLine)(IBackgroundCopyJob2 *This, LPWSTR *pProgram, LPWSTR *pParameters); /* 36 */
        HRESULT (*GetReplyProgress)(IBackgroundCopyJob2 *This, BG_JOB_REPLY_PROGRESS *pProgress); /* 37 */
        HRESULT (*GetReplyData)(IBackgroundCopyJob2 *This, BYTE **ppBuffer, UINT64 *pLength); /* 38 */
        HRESULT (*SetReplyFileName)(IBackgroundCopyJob2 *This, LPCWSTR ReplyFileName); /* 39 */
        HRESULT (*GetReplyFileName)(IBackgroundCopyJob2 *This, LPWSTR *pReplyFileName); /* 40 */
        HRESULT (*SetCredentials)(IBackgroundCopyJob2 *This, BG_AUTH_CREDENTIALS *credentials); /* 41 */
        HRESULT (*RemoveCredentials)(IBackgroundCopyJob2 *This, BG_AUTH_TARGET Target, BG_AUTH_SCHEME Scheme); /* 42 */
} IBackgroundCopyJob2Vtbl;

struct IBackgroundCopyJob2 {
        const IBackgroundCopyJob2Vtbl *lpVtbl;
};

#define IBackgroundCopyJob2_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IBackgroundCopyJob2_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyJob2_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyJob2_AddFileSet(This,cFileCount,pFileSet) ((This)->lpVtbl->AddFileSet(This,cFileCount,pFileSet))
#define IBackgroundCopyJob2_AddFile(This,RemoteUrl,LocalName) ((This)->lpVtbl->AddFile(This,RemoteUrl,LocalName))
#define IBackgroundCopyJob2_EnumFiles(This,pEnum) ((This)->lpVtbl->EnumFiles(This,pEnum))
#define IBackgroundCopyJob2_Suspend(This) ((This)->lpVtbl->Suspend(This))
#define IBackgroundCopyJob2_Resume(This) ((This)->lpVtbl->Resume(This))
#define IBackgroundCopyJob2_Cancel(This) ((This)->lpVtbl->Cancel(This))
#define IBackgroundCopyJob2_Complete(This) ((This)->lpVtbl->Complete(This))
#define IBackgroundCopyJob2_GetId(This,pVal) ((This)->lpVtbl->GetId(This,pVal))
#define IBackgroundCopyJob2_GetType(This,pVal) ((This)->lpVtbl->GetType(This,pVal))
#define IBackgroundCopyJob2_GetProgress(This,pVal) ((This)->lpVtbl->GetProgress(This,pVal))
#define IBackgroundCopyJob2_GetTimes(This,pVal) ((This)->lpVtbl->GetTimes(This,pVal))
#define IBackgroundCopyJob2_GetState(This,pVal) ((This)->lpVtbl->GetState(This,pVal))
#define IBackgroundCopyJob2_GetError(This,ppError) ((This)->lpVtbl->GetError(This,ppError))
#define IBackgroundCopyJob2_GetOwner(This,pVal) ((This)->lpVtbl->GetOwner(This,pVal))
#define IBackgroundCopyJob2_SetDisplayName(This,Val) ((This)->lpVtbl->SetDisplayName(This,Val))
#define IBackgroundCopyJob2_GetDisplayName(This,pVal) ((This)->lpVtbl->GetDisplayName(This,pVal))
#define IBackgroundCopyJob2_SetDescription(This,Val) ((This)->lpVtbl->SetDescription(This,Val))
#define IBackgroundCopyJob2_GetDescription(This,pVal) ((This)->lpVtbl->GetDescription(This,pVal))
#define IBackgroundCopyJob2_SetPriority(This,Val) ((This)->lpVtbl->SetPriority(This,Val))
#define IBackgroundCopyJob2_GetPriority(This,pVal) ((This)->lpVtbl->GetPriority(This,pVal))
#define IBackgroundCopyJob2_SetNotifyFlags(This,Val) ((This)->lpVtbl->SetNotifyFlags(This,Val))
#define IBackgroundCopyJob2_GetNotifyFlags(This,pVal) ((This)->lpVtbl->GetNotifyFlags(This,pVal))
#define IBackgroundCopyJob2_SetNotifyInterface(This,Val) ((This)->lpVtbl->SetNotifyInterface(This,Val))
#define IBackgroundCopyJob2_GetNotifyInterface(This,pVal) ((This)->lpVtbl->GetNotifyInterface(This,pVal))
#define IBackgroundCopyJob2_SetMinimumRetryDelay(This,Seconds) ((This)->lpVtbl->SetMinimumRetryDelay(This,Seconds))
#define IBackgroundCopyJob2_GetMinimumRetryDelay(This,Seconds) ((This)->lpVtbl->GetMinimumRetryDelay(This,Seconds))
#define IBackgroundCopyJob2_SetNoProgressTimeout(This,Seconds) ((This)->lpVtbl->SetNoProgressTimeout(This,Seconds))
#define IBackgroundCopyJob2_GetNoProgressTimeout(This,Seconds) ((This)->lpVtbl->GetNoProgressTimeout(This,Seconds))
#define IBackgroundCopyJob2_GetErrorCount(This,Errors) ((This)->lpVtbl->GetErrorCount(This,Errors))
#define IBackgroundCopyJob2_SetProxySettings(This,ProxyUsage,ProxyList,ProxyBypassList) ((This)->lpVtbl->SetProxySettings(This,ProxyUsage,ProxyList,ProxyBypassList))
#define IBackgroundCopyJob2_GetProxySettings(This,pProxyUsage,pProxyList,pProxyBypassList) ((This)->lpVtbl->GetProxySettings(This,pProxyUsage,pProxyList,pProxyBypassList))
#define IBackgroundCopyJob2_TakeOwnership(This) ((This)->lpVtbl->TakeOwnership(This))
#define IBackgroundCopyJob2_SetNotifyCmdLine(This,Program,Parameters) ((This)->lpVtbl->SetNotifyCmdLine(This,Program,Parameters))
#define IBackgroundCopyJob2_GetNotifyCmdLine(This,pProgram,pParameters) ((This)->lpVtbl->GetNotifyCmdLine(This,pProgram,pParameters))
#define IBackgroundCopyJob2_GetReplyProgress(This,pProgress) ((This)->lpVtbl->GetReplyProgress(This,pProgress))
#define IBackgroundCopyJob2_GetReplyData(This,ppBuffer,pLength) ((This)->lpVtbl->GetReplyData(This,ppBuffer,pLength))
#define IBackgroundCopyJob2_SetReplyFileName(This,ReplyFileName) ((This)->lpVtbl->SetReplyFileName(This,ReplyFileName))
#define IBackgroundCopyJob2_GetReplyFileName(This,pReplyFileName) ((This)->lpVtbl->GetReplyFileName(This,pReplyFileName))
#define IBackgroundCopyJob2_SetCredentials(This,credentials) ((This)->lpVtbl->SetCredentials(This,credentials))
#define IBackgroundCopyJob2_RemoveCredentials(This,Target,Scheme) ((This)->lpVtbl->RemoveCredentials(This,Target,Scheme))

/* ------------------------------------------------------------------------------------------------
 * IBackgroundCopyJob3  (IID 443C8934-90FF-48ED-BCDE-26F5C7450042)
 * Inherits IBackgroundCopyJob2 <- IBackgroundCopyJob <- IUnknown.
 * [HDR] BITS 2.0 additions. Not in DO: E_NOTIMPL where unsupported (spec 2.2). Use
 * IDeliveryOptimizationJob::AddFileWithRanges for ranges.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IBackgroundCopyJob3Vtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IBackgroundCopyJob3 *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IBackgroundCopyJob3 *This); /* 1 */
        ULONG (*Release)(IBackgroundCopyJob3 *This); /* 2 */
        /* IBackgroundCopyJob */
        HRESULT (*AddFileSet)(IBackgroundCopyJob3 *This, ULONG cFileCount, BG_FILE_INFO *pFileSet); /* 3 */
        HRESULT (*AddFile)(IBackgroundCopyJob3 *This, LPCWSTR RemoteUrl, LPCWSTR LocalName); /* 4 */
        HRESULT (*EnumFiles)(IBackgroundCopyJob3 *This, IEnumBackgroundCopyFiles **pEnum); /* 5 */
        HRESULT (*Suspend)(IBackgroundCopyJob3 *This); /* 6 */
        HRESULT (*Resume)(IBackgroundCopyJob3 *This); /* 7 */
        HRESULT (*Cancel)(IBackgroundCopyJob3 *This); /* 8 */
        HRESULT (*Complete)(IBackgroundCopyJob3 *This); /* 9 */
        HRESULT (*GetId)(IBackgroundCopyJob3 *This, GUID *pVal); /* 10 */
        HRESULT (*GetType)(IBackgroundCopyJob3 *This, BG_JOB_TYPE *pVal); /* 11 */
        HRESULT (*GetProgress)(IBackgroundCopyJob3 *This, BG_JOB_PROGRESS *pVal); /* 12 */
        HRESULT (*GetTimes)(IBackgroundCopyJob3 *This, BG_JOB_TIMES *pVal); /* 13 */
        HRESULT (*GetState)(IBackgroundCopyJob3 *This, BG_JOB_STATE *pVal); /* 14 */
        HRESULT (*GetError)(IBackgroundCopyJob3 *This, IBackgroundCopyError **ppError); /* 15 */
        HRESULT (*GetOwner)(IBackgroundCopyJob3 *This, LPWSTR *pVal); /* 16 */
        HRESULT (*SetDisplayName)(IBackgroundCopyJob3 *This, LPCWSTR Val); /* 17 */
        HRESULT (*GetDisplayName)(IBackgroundCopyJob3 *This, LPWSTR *pVal); /* 18 */
        HRESULT (*SetDescription)(IBackgroundCopyJob3 *This, LPCWSTR Val); /* 19 */
        HRESULT (*GetDescription)(IBackgroundCopyJob3 *This, LPWSTR *pVal); /* 20 */
        HRESULT (*SetPriority)(IBackgroundCopyJob3 *This, BG_JOB_PRIORITY Val); /* 21 */
        HRESULT (*GetPriority)(IBackgroundCopyJob3 *This, BG_JOB_PRIORITY *pVal); /* 22 */
        HRESULT (*SetNotifyFlags)(IBackgroundCopyJob3 *This, ULONG Val); /* 23 */
        HRESULT (*GetNotifyFlags)(IBackgroundCopyJob3 *This, ULONG *pVal); /* 24 */
        HRESULT (*SetNotifyInterface)(IBackgroundCopyJob3 *This, IUnknown *Val); /* 25 */
        HRESULT (*GetNotifyInterface)(IBackgroundCopyJob3 *This, IUnknown **pVal); /* 26 */
        HRESULT (*SetMinimumRetryDelay)(IBackgroundCopyJob3 *This, ULONG Seconds); /* 27 */
        HRESULT (*GetMinimumRetryDelay)(IBackgroundCopyJob3 *This, ULONG *Seconds); /* 28 */
        HRESULT (*SetNoProgressTimeout)(IBackgroundCopyJob3 *This, ULONG Seconds); /* 29 */
        HRESULT (*GetNoProgressTimeout)(IBackgroundCopyJob3 *This, ULONG *Seconds); /* 30 */
        HRESULT (*GetErrorCount)(IBackgroundCopyJob3 *This, ULONG *Errors); /* 31 */
        HRESULT (*SetProxySettings)(IBackgroundCopyJob3 *This, BG_JOB_PROXY_USAGE ProxyUsage, const WCHAR *ProxyList, const WCHAR *ProxyBypassList); /* 32 */
        HRESULT (*GetProxySettings)(IBackgroundCopyJob3 *This, BG_JOB_PROXY_USAGE *pProxyUsage, LPWSTR *pProxyList, LPWSTR *pProxyBypassList); /* 33 */
        HRESULT (*TakeOwnership)(IBackgroundCopyJob3 *This); /* 34 */
        /* IBackgroundCopyJob2 */
        HRESULT (*SetNotifyCmdLine)(IBackgroundCopyJob3 *This, LPCWSTR Program, LPCWSTR Parameters); /* 35 */
        HRESULT (*GetNotifyCmdLine)(IBackgroundCopyJob3 *This, LPWSTR *pProgram, LPWSTR *pParameters); /* 36 */
        HRESULT (*GetReplyProgress)(IBackgroundCopyJob3 *This, BG_JOB_REPLY_PROGRESS *pProgress); /* 37 */
        HRESULT (*GetReplyData)(IBackgroundCopyJob3 *This, BYTE **ppBuffer, UINT64 *pLength); /* 38 */
        HRESULT (*SetReplyFileName)(IBackgroundCopyJob3 *This, LPCWSTR ReplyFileName); /* 39 */
        HRESULT (*GetReplyFileName)(IBackgroundCopyJob3 *This, LPWSTR *pReplyFileName); /* 40 */
        HRESULT (*SetCredentials)(IBackgroundCopyJob3 *This, BG_AUTH_CREDENTIALS *credentials); /* 41 */
        HRESULT (*RemoveCredentials)(IBackgroundCopyJob3 *This, BG_AUTH_TARGET Target, BG_AUTH_SCHEME Scheme); /* 42 */
        /* IBackgroundCopyJob3 */
        HRESULT (*ReplaceRemotePrefix)(IBackgroundCopyJob3 *This, LPCWSTR OldPrefix, LPCWSTR NewPrefix); /* 43 */
        HRESULT (*AddFileWithRanges)(IBackgroundCopyJob3 *This, LPCWSTR RemoteUrl, LPCWSTR LocalName, DWORD RangeCount, BG_FILE_RANGE Ranges[]); /* 44 */
        HRESULT (*SetFileACLFlags)(IBackgroundCopyJob3 *This, DWORD Flags); /* 45 */
        HRESULT (*GetFileACLFlags)(IBackgroundCopyJob3 *This, DWORD *Flags); /* 46 */
} IBackgroundCopyJob3Vtbl;

struct IBackgroundCopyJob3 {
        const IBackgroundCopyJob3Vtbl *lpVtbl;
};

#define IBackgroundCopyJob3_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IBackgroundCopyJob3_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyJob3_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyJob3_AddFileSet(This,cFileCount,pFileSet) ((This)->lpVtbl->AddFileSet(This,cFileCount,pFileSet))
#define IBackgroundCopyJob3_AddFile(This,RemoteUrl,LocalName) ((This)->lpVtbl->AddFile(This,RemoteUrl,LocalName))
#define IBackgroundCopyJob3_EnumFiles(This,pEnum) ((This)->lpVtbl->EnumFiles(This,pEnum))
#define IBackgroundCopyJob3_Suspend(This) ((This)->lpVtbl->Suspend(This))
#define IBackgroundCopyJob3_Resume(This) ((This)->lpVtbl->Resume(This))
#define IBackgroundCopyJob3_Cancel(This) ((This)->lpVtbl->Cancel(This))
#define IBackgroundCopyJob3_Complete(This) ((This)->lpVtbl->Complete(This))
#define IBackgroundCopyJob3_GetId(This,pVal) ((This)->lpVtbl->GetId(This,pVal))
#define IBackgroundCopyJob3_GetType(This,pVal) ((This)->lpVtbl->GetType(This,pVal))
#define IBackgroundCopyJob3_GetProgress(This,pVal) ((This)->lpVtbl->GetProgress(This,pVal))
#define IBackgroundCopyJob3_GetTimes(This,pVal) ((This)->lpVtbl->GetTimes(This,pVal))
#define IBackgroundCopyJob3_GetState(This,pVal) ((This)->lpVtbl->GetState(This,pVal))
#define IBackgroundCopyJob3_GetError(This,ppError) ((This)->lpVtbl->GetError(This,ppError))
#define IBackgroundCopyJob3_GetOwner(This,pVal) ((This)->lpVtbl->GetOwner(This,pVal))
#define IBackgroundCopyJob3_SetDisplayName(This,Val) ((This)->lpVtbl->SetDisplayName(This,Val))
#define IBackgroundCopyJob3_GetDisplayName(This,pVal) ((This)->lpVtbl->GetDisplayName(This,pVal))
#define IBackgroundCopyJob3_SetDescription(This,Val) ((This)->lpVtbl->SetDescription(This,Val))
#define IBackgroundCopyJob3_GetDescription(This,pVal) ((This)->lpVtbl->GetDescription(This,pVal))
#define IBackgroundCopyJob3_SetPriority(This,Val) ((This)->lpVtbl->SetPriority(This,Val))
#define IBackgroundCopyJob3_GetPriority(This,pVal) ((This)->lpVtbl->GetPriority(This,pVal))
#define IBackgroundCopyJob3_SetNotifyFlags(This,Val) ((This)->lpVtbl->SetNotifyFlags(This,Val))
#define IBackgroundCopyJob3_GetNotifyFlags(This,pVal) ((This)->lpVtbl->GetNotifyFlags(This,pVal))
#define IBackgroundCopyJob3_SetNotifyInterface(This,Val) ((This)->lpVtbl->SetNotifyInterface(This,Val))
#define IBackgroundCopyJob3_GetNotifyInterface(This,pVal) ((This)->lpVtbl->GetNotifyInterface(This,pVal))
#define IBackgroundCopyJob3_SetMinimumRetryDelay(This,Seconds) ((This)->lpVtbl->SetMinimumRetryDelay(This,Seconds))
#define IBackgroundCopyJob3_GetMinimumRetryDelay(This,Seconds) ((This)->lpVtbl->GetMinimumRetryDelay(This,Seconds))
#define IBackgroundCopyJob3_SetNoProgressTimeout(This,Seconds) ((This)->lpVtbl->SetNoProgressTimeout(This,Seconds))
#define IBackgroundCopyJob3_GetNoProgressTimeout(This,Seconds) ((This)->lpVtbl->GetNoProgressTimeout(This,Seconds))
#define IBackgroundCopyJob3_GetErrorCount(This,Errors) ((This)->lpVtbl->GetErrorCount(This,Errors))
#define IBackgroundCopyJob3_SetProxySettings(This,ProxyUsage,ProxyList,ProxyBypassList) ((This)->lpVtbl->SetProxySettings(This,ProxyUsage,ProxyList,ProxyBypassList))
#define IBackgroundCopyJob3_GetProxySettings(This,pProxyUsage,pProxyList,pProxyBypassList) ((This)->lpVtbl->GetProxySettings(This,pProxyUsage,pProxyList,pProxyBypassList))
#define IBackgroundCopyJob3_TakeOwnership(This) ((This)->lpVtbl->TakeOwnership(This))
#define IBackgroundCopyJob3_SetNotifyCmdLine(This,Program,Parameters) ((This)->lpVtbl->SetNotifyCmdLine(This,Program,Parameters))
#define IBackgroundCopyJob3_GetNotifyCmdLine(This,pProgram,pParameters) ((This)->lpVtbl->GetNotifyCmdLine(This,pProgram,pParameters))
#define IBackgroundCopyJob3_GetReplyProgress(This,pProgress) ((This)->lpVtbl->GetReplyProgress(This,pProgress))
#define IBackgroundCopyJob3_GetReplyData(This,ppBuffer,pLength) ((This)->lpVtbl->GetReplyData(This,ppBuffer,pLength))
#define IBackgroundCopyJob3_SetReplyFileName(This,ReplyFileName) ((This)->lpVtbl->SetReplyFileName(This,ReplyFileName))
#define IBackgroundCopyJob3_GetReplyFileName(This,pReplyFileName) ((This)->lpVtbl->GetReplyFileName(This,pReplyFileName))
#define IBackgroundCopyJob3_SetCredentials(This,credentials) ((This)->lpVtbl->SetCredentials(This,credentials))
#define IBackgroundCopyJob3_RemoveCredentials(This,Target,Scheme) ((This)->lpVtbl->RemoveCredentials(This,Target,Scheme))
#define IBackgroundCopyJob3_ReplaceRemotePrefix(This,OldPrefix,NewPrefix) ((This)->lpVtbl->ReplaceRemotePrefix(This,OldPrefix,NewPrefix))
#define IBackgroundCopyJob3_AddFileWithRanges(This,RemoteUrl,LocalName,RangeCount,Ranges) ((This)->lpVtbl->AddFileWithRanges(This,RemoteUrl,LocalName,RangeCount,Ranges))
#define IBackgroundCopyJob3_SetFileACLFlags(This,Flags) ((This)->lpVtbl->SetFileACLFlags(This,Flags))
#define IBackgroundCopyJob3_GetFileACLFlags(This,Flags) ((This)->lpVtbl->GetFileACLFlags(This,Flags))

/* ------------------------------------------------------------------------------------------------
 * IBackgroundCopyJob4  (IID 659CDEAE-489E-11D9-A9CD-000D56965251)
 * Inherits IBackgroundCopyJob3 <- IBackgroundCopyJob2 <- IBackgroundCopyJob <- IUnknown.
 * [HDR] BITS 3.0 additions (peer caching, integrity level, maximum download time). Not in DO:
 * E_NOTIMPL where unsupported (spec 2.2).
 * ---------------------------------------------------------------------------------------------- */
typedef struct IBackgroundCopyJob4Vtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IBackgroundCopyJob4 *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IBackgroundCopyJob4 *This); /* 1 */
        ULONG (*Release)(IBackgroundCopyJob4 *This); /* 2 */
        /* IBackgroundCopyJob */
        HRESULT (*AddFileSet)(IBackgroundCopyJob4 *This, ULONG cFileCount, BG_FILE_INFO *pFileSet); /* 3 */
        HRESULT (*AddFile)(IBackgroundCopyJob4 *This, LPCWSTR RemoteUrl, LPCWSTR LocalName); /* 4 */
        HRESULT (*EnumFiles)(IBackgroundCopyJob4 *This, IEnumBackgroundCopyFiles **pEnum); /* 5 */
        HRESULT (*Suspend)(IBackgroundCopyJob4 *This); /* 6 */
        HRESULT (*Resume)(IBackgroundCopyJob4 *This); /* 7 */
        HRESULT (*Cancel)(IBackgroundCopyJob4 *This); /* 8 */
        HRESULT (*Complete)(IBackgroundCopyJob4 *This); /* 9 */
        HRESULT (*GetId)(IBackgroundCopyJob4 *This, GUID *pVal); /* 10 */
        HRESULT (*GetType)(IBackgroundCopyJob4 *This, BG_JOB_TYPE *pVal); /* 11 */
        HRESULT (*GetProgress)(IBackgroundCopyJob4 *This, BG_JOB_PROGRESS *pVal); /* 12 */
        HRESULT (*GetTimes)(IBackgroundCopyJob4 *This, BG_JOB_TIMES *pVal); /* 13 */
        HRESULT (*GetState)(IBackgroundCopyJob4 *This, BG_JOB_STATE *pVal); /* 14 */
        HRESULT (*GetError)(IBackgroundCopyJob4 *This, IBackgroundCopyError **ppError); /* 15 */
        HRESULT (*GetOwner)(IBackgroundCopyJob4 *This, LPWSTR *pVal); /* 16 */
        HRESULT (*SetDisplayName)(IBackgroundCopyJob4 *This, LPCWSTR Val); /* 17 */
        HRESULT (*GetDisplayName)(IBackgroundCopyJob4 *This, LPWSTR *pVal); /* 18 */
        HRESULT (*SetDescription)(IBackgroundCopyJob4 *This, LPCWSTR Val); /* 19 */
        HRESULT (*GetDescription)(IBackgroundCopyJob4 *This, LPWSTR *pVal); /* 20 */
        HRESULT (*SetPriority)(IBackgroundCopyJob4 *This, BG_JOB_PRIORITY Val); /* 21 */
        HRESULT (*GetPriority)(IBackgroundCopyJob4 *This, BG_JOB_PRIORITY *pVal); /* 22 */
        HRESULT (*SetNotifyFlags)(IBackgroundCopyJob4 *This, ULONG Val); /* 23 */
        HRESULT (*GetNotifyFlags)(IBackgroundCopyJob4 *This, ULONG *pVal); /* 24 */
        HRESULT (*SetNotifyInterface)(IBackgroundCopyJob4 *This, IUnknown *Val); /* 25 */
        HRESULT (*GetNotifyInterface)(IBackgroundCopyJob4 *This, IUnknown **pVal); /* 26 */
        HRESULT (*SetMinimumRetryDelay)(IBackgroundCopyJob4 *This, ULONG Seconds); /* 27 */
        HRESULT (*GetMinimumRetryDelay)(IBackgroundCopyJob4 *This, ULONG *Seconds); /* 28 */
        HRESULT (*SetNoProgressTimeout)(IBackgroundCopyJob4 *This, ULONG Seconds); /* 29 */
        HRESULT (*GetNoProgressTimeout)(IBackgroundCopyJob4 *This, ULONG *Seconds); /* 30 */
        HRESULT (*GetErrorCount)(IBackgroundCopyJob4 *This, ULONG *Errors); /* 31 */
        HRESULT (*SetProxySettings)(IBackgroundCopyJob4 *This, BG_JOB_PROXY_USAGE ProxyUsage, const WCHAR *ProxyList, const WCHAR *ProxyBypassList); /* 32 */
        HRESULT (*GetProxySettings)(IBackgroundCopyJob4 *This, BG_JOB_PROXY_USAGE *pProxyUsage, LPWSTR *pProxyList, LPWSTR *pProxyBypassList); /* 33 */
        HRESULT (*TakeOwnership)(IBackgroundCopyJob4 *This); /* 34 */
        /* IBackgroundCopyJob2 */
        HRESULT (*SetNotifyCmdLine)(IBackgroundCopyJob4 *This, LPCWSTR Program, LPCWSTR Parameters); /* 35 */
        HRESULT (*GetNotifyCmdLine)(IBackgroundCopyJob4 *This, LPWSTR *pProgram, LPWSTR *pParameters); /* 36 */
        HRESULT (*GetReplyProgress)(IBackgroundCopyJob4 *This, BG_JOB_REPLY_PROGRESS *pProgress); /* 37 */
        HRESULT (*GetReplyData)(IBackgroundCopyJob4 *This, BYTE **ppBuffer, UINT64 *pLength); /* 38 */
        HRESULT (*SetReplyFileName)(IBackgroundCopyJob4 *This, LPCWSTR ReplyFileName); /* 39 */
        HRESULT (*GetReplyFileName)(IBackgroundCopyJob4 *This, LPWSTR *pReplyFileName); /* 40 */
        HRESULT (*SetCredentials)(IBackgroundCopyJob4 *This, BG_AUTH_CREDENTIALS *credentials); /* 41 */
        HRESULT (*RemoveCredentials)(IBackgroundCopyJob4 *This, BG_AUTH_TARGET Target, BG_AUTH_SCHEME Scheme); /* 42 */
        /* IBackgroundCopyJob3 */
        HRESULT (*ReplaceRemotePrefix)(IBackgroundCopyJob4 *This, LPCWSTR OldPrefix, LPCWSTR NewPrefix); /* 43 */
        HRESULT (*AddFileWithRanges)(IBackgroundCopyJob4 *This, LPCWSTR RemoteUrl, LPCWSTR LocalName, DWORD RangeCount, BG_FILE_RANGE Ranges[]); /* 44 */
        HRESULT (*SetFileACLFlags)(IBackgroundCopyJob4 *This, DWORD Flags); /* 45 */
        HRESULT (*GetFileACLFlags)(IBackgroundCopyJob4 *This, DWORD *Flags); /* 46 */
        /* IBackgroundCopyJob4 */
        HRESULT (*SetPeerCachingFlags)(IBackgroundCopyJob4 *This, DWORD Flags); /* 47 */
        HRESULT (*GetPeerCachingFlags)(IBackgroundCopyJob4 *This, DWORD *pFlags); /* 48 */
        HRESULT (*GetOwnerIntegrityLevel)(IBackgroundCopyJob4 *This, ULONG *pLevel); /* 49 */
        HRESULT (*GetOwnerElevationState)(IBackgroundCopyJob4 *This, BOOL *pElevated); /* 50 */
        HRESULT (*SetMaximumDownloadTime)(IBackgroundCopyJob4 *This, ULONG Timeout); /* 51 */
        HRESULT (*GetMaximumDownloadTime)(IBackgroundCopyJob4 *This, ULONG *pTimeout); /* 52 */
} IBackgroundCopyJob4Vtbl;

struct IBackgroundCopyJob4 {
        const IBackgroundCopyJob4Vtbl *lpVtbl;
};

#define IBackgroundCopyJob4_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IBackgroundCopyJob4_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyJob4_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyJob4_AddFileSet(This,cFileCount,pFileSet) ((This)->lpVtbl->AddFileSet(This,cFileCount,pFileSet))
#define IBackgroundCopyJob4_AddFile(This,RemoteUrl,LocalName) ((This)->lpVtbl->AddFile(This,RemoteUrl,LocalName))
#define IBackgroundCopyJob4_EnumFiles(This,pEnum) ((This)->lpVtbl->EnumFiles(This,pEnum))
#define IBackgroundCopyJob4_Suspend(This) ((This)->lpVtbl->Suspend(This))
#define IBackgroundCopyJob4_Resume(This) ((This)->lpVtbl->Resume(This))
#define IBackgroundCopyJob4_Cancel(This) ((This)->lpVtbl->Cancel(This))
#define IBackgroundCopyJob4_Complete(This) ((This)->lpVtbl->Complete(This))
#define IBackgroundCopyJob4_GetId(This,pVal) ((This)->lpVtbl->GetId(This,pVal))
#define IBackgroundCopyJob4_GetType(This,pVal) ((This)->lpVtbl->GetType(This,pVal))
#define IBackgroundCopyJob4_GetProgress(This,pVal) ((This)->lpVtbl->GetProgress(This,pVal))
#define IBackgroundCopyJob4_GetTimes(This,pVal) ((This)->lpVtbl->GetTimes(This,pVal))
#define IBackgroundCopyJob4_GetState(This,pVal) ((This)->lpVtbl->GetState(This,pVal))
#define IBackgroundCopyJob4_GetError(This,ppError) ((This)->lpVtbl->GetError(This,ppError))
#define IBackgroundCopyJob4_GetOwner(This,pVal) ((This)->lpVtbl->GetOwner(This,pVal))
#define IBackgroundCopyJob4_SetDisplayName(This,Val) ((This)->lpVtbl->SetDisplayName(This,Val))
#define IBackgroundCopyJob4_GetDisplayName(This,pVal) ((This)->lpVtbl->GetDisplayName(This,pVal))
#define IBackgroundCopyJob4_SetDescription(This,Val) ((This)->lpVtbl->SetDescription(This,Val))
#define IBackgroundCopyJob4_GetDescription(This,pVal) ((This)->lpVtbl->GetDescription(This,pVal))
#define IBackgroundCopyJob4_SetPriority(This,Val) ((This)->lpVtbl->SetPriority(This,Val))
#define IBackgroundCopyJob4_GetPriority(This,pVal) ((This)->lpVtbl->GetPriority(This,pVal))
#define IBackgroundCopyJob4_SetNotifyFlags(This,Val) ((This)->lpVtbl->SetNotifyFlags(This,Val))
#define IBackgroundCopyJob4_GetNotifyFlags(This,pVal) ((This)->lpVtbl->GetNotifyFlags(This,pVal))
#define IBackgroundCopyJob4_SetNotifyInterface(This,Val) ((This)->lpVtbl->SetNotifyInterface(This,Val))
#define IBackgroundCopyJob4_GetNotifyInterface(This,pVal) ((This)->lpVtbl->GetNotifyInterface(This,pVal))
#define IBackgroundCopyJob4_SetMinimumRetryDelay(This,Seconds) ((This)->lpVtbl->SetMinimumRetryDelay(This,Seconds))
#define IBackgroundCopyJob4_GetMinimumRetryDelay(This,Seconds) ((This)->lpVtbl->GetMinimumRetryDelay(This,Seconds))
#define IBackgroundCopyJob4_SetNoProgressTimeout(This,Seconds) ((This)->lpVtbl->SetNoProgressTimeout(This,Seconds))
#define IBackgroundCopyJob4_GetNoProgressTimeout(This,Seconds) ((This)->lpVtbl->GetNoProgressTimeout(This,Seconds))
#define IBackgroundCopyJob4_GetErrorCount(This,Errors) ((This)->lpVtbl->GetErrorCount(This,Errors))
#define IBackgroundCopyJob4_SetProxySettings(This,ProxyUsage,ProxyList,ProxyBypassList) ((This)->lpVtbl->SetProxySettings(This,ProxyUsage,ProxyList,ProxyBypassList))
#define IBackgroundCopyJob4_GetProxySettings(This,pProxyUsage,pProxyList,pProxyBypassList) ((This)->lpVtbl->GetProxySettings(This,pProxyUsage,pProxyList,pProxyBypassList))
#define IBackgroundCopyJob4_TakeOwnership(This) ((This)->lpVtbl->TakeOwnership(This))
#define IBackgroundCopyJob4_SetNotifyCmdLine(This,Program,Parameters) ((This)->lpVtbl->SetNotifyCmdLine(This,Program,Parameters))
#define IBackgroundCopyJob4_GetNotifyCmdLine(This,pProgram,pParameters) ((This)->lpVtbl->GetNotifyCmdLine(This,pProgram,pParameters))
#define IBackgroundCopyJob4_GetReplyProgress(This,pProgress) ((This)->lpVtbl->GetReplyProgress(This,pProgress))
#define IBackgroundCopyJob4_GetReplyData(This,ppBuffer,pLength) ((This)->lpVtbl->GetReplyData(This,ppBuffer,pLength))
#define IBackgroundCopyJob4_SetReplyFileName(This,ReplyFileName) ((This)->lpVtbl->SetReplyFileName(This,ReplyFileName))
#define IBackgroundCopyJob4_GetReplyFileName(This,pReplyFileName) ((This)->lpVtbl->GetReplyFileName(This,pReplyFileName))
#define IBackgroundCopyJob4_SetCredentials(This,credentials) ((This)->lpVtbl->SetCredentials(This,credentials))
#define IBackgroundCopyJob4_RemoveCredentials(This,Target,Scheme) ((This)->lpVtbl->RemoveCredentials(This,Target,Scheme))
#define IBackgroundCopyJob4_ReplaceRemotePrefix(This,OldPrefix,NewPrefix) ((This)->lpVtbl->ReplaceRemotePrefix(This,OldPrefix,NewPrefix))
#define IBackgroundCopyJob4_AddFileWithRanges(This,RemoteUrl,LocalName,RangeCount,Ranges) ((This)->lpVtbl->AddFileWithRanges(This,RemoteUrl,LocalName,RangeCount,Ranges))
#define IBackgroundCopyJob4_SetFileACLFlags(This,Flags) ((This)->lpVtbl->SetFileACLFlags(This,Flags))
#define IBackgroundCopyJob4_GetFileACLFlags(This,Flags) ((This)->lpVtbl->GetFileACLFlags(This,Flags))
#define IBackgroundCopyJob4_SetPeerCachingFlags(This,Flags) ((This)->lpVtbl->SetPeerCachingFlags(This,Flags))
#define IBackgroundCopyJob4_GetPeerCachingFlags(This,pFlags) ((This)->lpVtbl->GetPeerCachingFlags(This,pFlags))
#define IBackgroundCopyJob4_GetOwnerIntegrityLevel(This,pLevel) ((This)->lpVtbl->GetOwnerIntegrityLevel(This,pLevel))
#define IBackgroundCopyJob4_GetOwnerElevationState(This,pElevated) ((This)->lpVtbl->GetOwnerElevationState(This,pElevated))
#define IBackgroundCopyJob4_SetMaximumDownloadTime(This,Timeout) ((This)->lpVtbl->SetMaximumDownloadTime(This,Timeout))
#define IBackgroundCopyJob4_GetMaximumDownloadTime(This,pTimeout) ((This)->lpVtbl->GetMaximumDownloadTime(This,pTimeout))

/* ------------------------------------------------------------------------------------------------
 * IBackgroundCopyJob5  (IID E847030C-BBBA-4657-AF6D-484AA42BF1FE)
 * Inherits IBackgroundCopyJob4 <- IBackgroundCopyJob3 <- IBackgroundCopyJob2 <- IBackgroundCopyJob <- IUnknown.
 * Job properties (spec 2.3), obtained by QueryInterface on a job. Inherits the whole BITS chain, so
 * SetProperty is slot 53 and GetProperty slot 54. Supported IDs: BITS_JOB_PROPERTY_ID_COST_FLAGS
 * (Dword, a BITS_JOB_TRANSFER_POLICY; takes effect at once) and
 * BITS_JOB_PROPERTY_NOTIFICATION_CLSID (ClsID; GUID_NULL clears it; persists with the job). Other
 * IDs give DO_E_UNKNOWN_PROPERTY_ID.
 *
 *   SetProperty: S_OK; DO_E_UNKNOWN_PROPERTY_ID; DO_E_INVALID_STATE in a final state.
 *   GetProperty: S_OK; DO_E_UNKNOWN_PROPERTY_ID.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IBackgroundCopyJob5Vtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IBackgroundCopyJob5 *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IBackgroundCopyJob5 *This); /* 1 */
        ULONG (*Release)(IBackgroundCopyJob5 *This); /* 2 */
        /* IBackgroundCopyJob */
        HRESULT (*AddFileSet)(IBackgroundCopyJob5 *This, ULONG cFileCount, BG_FILE_INFO *pFileSet); /* 3 */
        HRESULT (*AddFile)(IBackgroundCopyJob5 *This, LPCWSTR RemoteUrl, LPCWSTR LocalName); /* 4 */
        HRESULT (*EnumFiles)(IBackgroundCopyJob5 *This, IEnumBackgroundCopyFiles **pEnum); /* 5 */
        HRESULT (*Suspend)(IBackgroundCopyJob5 *This); /* 6 */
        HRESULT (*Resume)(IBackgroundCopyJob5 *This); /* 7 */
        HRESULT (*Cancel)(IBackgroundCopyJob5 *This); /* 8 */
        HRESULT (*Complete)(IBackgroundCopyJob5 *This); /* 9 */
        HRESULT (*GetId)(IBackgroundCopyJob5 *This, GUID *pVal); /* 10 */
        HRESULT (*GetType)(IBackgroundCopyJob5 *This, BG_JOB_TYPE *pVal); /* 11 */
        HRESULT (*GetProgress)(IBackgroundCopyJob5 *This, BG_JOB_PROGRESS *pVal); /* 12 */
        HRESULT (*GetTimes)(IBackgroundCopyJob5 *This, BG_JOB_TIMES *pVal); /* 13 */
        HRESULT (*GetState)(IBackgroundCopyJob5 *This, BG_JOB_STATE *pVal); /* 14 */
        HRESULT (*GetError)(IBackgroundCopyJob5 *This, IBackgroundCopyError **ppError); /* 15 */
        HRESULT (*GetOwner)(IBackgroundCopyJob5 *This, LPWSTR *pVal); /* 16 */
        HRESULT (*SetDisplayName)(IBackgroundCopyJob5 *This, LPCWSTR Val); /* 17 */
        HRESULT (*GetDisplayName)(IBackgroundCopyJob5 *This, LPWSTR *pVal); /* 18 */
        HRESULT (*SetDescription)(IBackgroundCopyJob5 *This, LPCWSTR Val); /* 19 */
        HRESULT (*GetDescription)(IBackgroundCopyJob5 *This, LPWSTR *pVal); /* 20 */
        HRESULT (*SetPriority)(IBackgroundCopyJob5 *This, BG_JOB_PRIORITY Val); /* 21 */
        HRESULT (*GetPriority)(IBackgroundCopyJob5 *This, BG_JOB_PRIORITY *pVal); /* 22 */
        HRESULT (*SetNotifyFlags)(IBackgroundCopyJob5 *This, ULONG Val); /* 23 */
        HRESULT (*GetNotifyFlags)(IBackgroundCopyJob5 *This, ULONG *pVal); /* 24 */
        HRESULT (*SetNotifyInterface)(IBackgroundCopyJob5 *This, IUnknown *Val); /* 25 */
        HRESULT (*GetNotifyInterface)(IBackgroundCopyJob5 *This, IUnknown **pVal); /* 26 */
        HRESULT (*SetMinimumRetryDelay)(IBackgroundCopyJob5 *This, ULONG Seconds); /* 27 */
        HRESULT (*GetMinimumRetryDelay)(IBackgroundCopyJob5 *This, ULONG *Seconds); /* 28 */
        HRESULT (*SetNoProgressTimeout)(IBackgroundCopyJob5 *This, ULONG Seconds); /* 29 */
        HRESULT (*GetNoProgressTimeout)(IBackgroundCopyJob5 *This, ULONG *Seconds); /* 30 */
        HRESULT (*GetErrorCount)(IBackgroundCopyJob5 *This, ULONG *Errors); /* 31 */
        HRESULT (*SetProxySettings)(IBackgroundCopyJob5 *This, BG_JOB_PROXY_USAGE ProxyUsage, const WCHAR *ProxyList, const WCHAR *ProxyBypassList); /* 32 */
        HRESULT (*GetProxySettings)(IBackgroundCopyJob5 *This, BG_JOB_PROXY_USAGE *pProxyUsage, LPWSTR *pProxyList, LPWSTR *pProxyBypassList); /* 33 */
        HRESULT (*TakeOwnership)(IBackgroundCopyJob5 *This); /* 34 */
        /* IBackgroundCopyJob2 */
        HRESULT (*SetNotifyCmdLine)(IBackgroundCopyJob5 *This, LPCWSTR Program, LPCWSTR Parameters); /* 35 */
        HRESULT (*GetNotifyCmdLine)(IBackgroundCopyJob5 *This, LPWSTR *pProgram, LPWSTR *pParameters); /* 36 */
        HRESULT (*GetReplyProgress)(IBackgroundCopyJob5 *This, BG_JOB_REPLY_PROGRESS *pProgress); /* 37 */
        HRESULT (*GetReplyData)(IBackgroundCopyJob5 *This, BYTE **ppBuffer, UINT64 *pLength); /* 38 */
        HRESULT (*SetReplyFileName)(IBackgroundCopyJob5 *This, LPCWSTR ReplyFileName); /* 39 */
        HRESULT (*GetReplyFileName)(IBackgroundCopyJob5 *This, LPWSTR *pReplyFileName); /* 40 */
        HRESULT (*SetCredentials)(IBackgroundCopyJob5 *This, BG_AUTH_CREDENTIALS *credentials); /* 41 */
        HRESULT (*RemoveCredentials)(IBackgroundCopyJob5 *This, BG_AUTH_TARGET Target, BG_AUTH_SCHEME Scheme); /* 42 */
        /* IBackgroundCopyJob3 */
        HRESULT (*ReplaceRemotePrefix)(IBackgroundCopyJob5 *This, LPCWSTR OldPrefix, LPCWSTR NewPrefix); /* 43 */
        HRESULT (*AddFileWithRanges)(IBackgroundCopyJob5 *This, LPCWSTR RemoteUrl, LPCWSTR LocalName, DWORD RangeCount, BG_FILE_RANGE Ranges[]); /* 44 */
        HRESULT (*SetFileACLFlags)(IBackgroundCopyJob5 *This, DWORD Flags); /* 45 */
        HRESULT (*GetFileACLFlags)(IBackgroundCopyJob5 *This, DWORD *Flags); /* 46 */
        /* IBackgroundCopyJob4 */
        HRESULT (*SetPeerCachingFlags)(IBackgroundCopyJob5 *This, DWORD Flags); /* 47 */
        HRESULT (*GetPeerCachingFlags)(IBackgroundCopyJob5 *This, DWORD *pFlags); /* 48 */
        HRESULT (*GetOwnerIntegrityLevel)(IBackgroundCopyJob5 *This, ULONG *pLevel); /* 49 */
        HRESULT (*GetOwnerElevationState)(IBackgroundCopyJob5 *This, BOOL *pElevated); /* 50 */
        HRESULT (*SetMaximumDownloadTime)(IBackgroundCopyJob5 *This, ULONG Timeout); /* 51 */
        HRESULT (*GetMaximumDownloadTime)(IBackgroundCopyJob5 *This, ULONG *pTimeout); /* 52 */
        /* IBackgroundCopyJob5 */
        HRESULT (*SetProperty)(IBackgroundCopyJob5 *This, BITS_JOB_PROPERTY_ID PropertyId, BITS_JOB_PROPERTY_VALUE PropertyValue); /* 53 */
        HRESULT (*GetProperty)(IBackgroundCopyJob5 *This, BITS_JOB_PROPERTY_ID PropertyId, BITS_JOB_PROPERTY_VALUE *pPropertyValue); /* 54 */
} IBackgroundCopyJob5Vtbl;

struct IBackgroundCopyJob5 {
        const IBackgroundCopyJob5Vtbl *lpVtbl;
};

#define IBackgroundCopyJob5_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IBackgroundCopyJob5_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyJob5_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyJob5_AddFileSet(This,cFileCount,pFileSet) ((This)->lpVtbl->AddFileSet(This,cFileCount,pFileSet))
#define IBackgroundCopyJob5_AddFile(This,RemoteUrl,LocalName) ((This)->lpVtbl->AddFile(This,RemoteUrl,LocalName))
#define IBackgroundCopyJob5_EnumFiles(This,pEnum) ((This)->lpVtbl->EnumFiles(This,pEnum))
#define IBackgroundCopyJob5_Suspend(This) ((This)->lpVtbl->Suspend(This))
#define IBackgroundCopyJob5_Resume(This) ((This)->lpVtbl->Resume(This))
#define IBackgroundCopyJob5_Cancel(This) ((This)->lpVtbl->Cancel(This))
#define IBackgroundCopyJob5_Complete(This) ((This)->lpVtbl->Complete(This))
#define IBackgroundCopyJob5_GetId(This,pVal) ((This)->lpVtbl->GetId(This,pVal))
#define IBackgroundCopyJob5_GetType(This,pVal) ((This)->lpVtbl->GetType(This,pVal))
#define IBackgroundCopyJob5_GetProgress(This,pVal) ((This)->lpVtbl->GetProgress(This,pVal))
#define IBackgroundCopyJob5_GetTimes(This,pVal) ((This)->lpVtbl->GetTimes(This,pVal))
#define IBackgroundCopyJob5_GetState(This,pVal) ((This)->lpVtbl->GetState(This,pVal))
#define IBackgroundCopyJob5_GetError(This,ppError) ((This)->lpVtbl->GetError(This,ppError))
#define IBackgroundCopyJob5_GetOwner(This,pVal) ((This)->lpVtbl->GetOwner(This,pVal))
#define IBackgroundCopyJob5_SetDisplayName(This,Val) ((This)->lpVtbl->SetDisplayName(This,Val))
#define IBackgroundCopyJob5_GetDisplayName(This,pVal) ((This)->lpVtbl->GetDisplayName(This,pVal))
#define IBackgroundCopyJob5_SetDescription(This,Val) ((This)->lpVtbl->SetDescription(This,Val))
#define IBackgroundCopyJob5_GetDescription(This,pVal) ((This)->lpVtbl->GetDescription(This,pVal))
#define IBackgroundCopyJob5_SetPriority(This,Val) ((This)->lpVtbl->SetPriority(This,Val))
#define IBackgroundCopyJob5_GetPriority(This,pVal) ((This)->lpVtbl->GetPriority(This,pVal))
#define IBackgroundCopyJob5_SetNotifyFlags(This,Val) ((This)->lpVtbl->SetNotifyFlags(This,Val))
#define IBackgroundCopyJob5_GetNotifyFlags(This,pVal) ((This)->lpVtbl->GetNotifyFlags(This,pVal))
#define IBackgroundCopyJob5_SetNotifyInterface(This,Val) ((This)->lpVtbl->SetNotifyInterface(This,Val))
#define IBackgroundCopyJob5_GetNotifyInterface(This,pVal) ((This)->lpVtbl->GetNotifyInterface(This,pVal))
#define IBackgroundCopyJob5_SetMinimumRetryDelay(This,Seconds) ((This)->lpVtbl->SetMinimumRetryDelay(This,Seconds))
#define IBackgroundCopyJob5_GetMinimumRetryDelay(This,Seconds) ((This)->lpVtbl->GetMinimumRetryDelay(This,Seconds))
#define IBackgroundCopyJob5_SetNoProgressTimeout(This,Seconds) ((This)->lpVtbl->SetNoProgressTimeout(This,Seconds))
#define IBackgroundCopyJob5_GetNoProgressTimeout(This,Seconds) ((This)->lpVtbl->GetNoProgressTimeout(This,Seconds))
#define IBackgroundCopyJob5_GetErrorCount(This,Errors) ((This)->lpVtbl->GetErrorCount(This,Errors))
#define IBackgroundCopyJob5_SetProxySettings(This,ProxyUsage,ProxyList,ProxyBypassList) ((This)->lpVtbl->SetProxySettings(This,ProxyUsage,ProxyList,ProxyBypassList))
#define IBackgroundCopyJob5_GetProxySettings(This,pProxyUsage,pProxyList,pProxyBypassList) ((This)->lpVtbl->GetProxySettings(This,pProxyUsage,pProxyList,pProxyBypassList))
#define IBackgroundCopyJob5_TakeOwnership(This) ((This)->lpVtbl->TakeOwnership(This))
#define IBackgroundCopyJob5_SetNotifyCmdLine(This,Program,Parameters) ((This)->lpVtbl->SetNotifyCmdLine(This,Program,Parameters))
#define IBackgroundCopyJob5_GetNotifyCmdLine(This,pProgram,pParameters) ((This)->lpVtbl->GetNotifyCmdLine(This,pProgram,pParameters))
#define IBackgroundCopyJob5_GetReplyProgress(This,pProgress) ((This)->lpVtbl->GetReplyProgress(This,pProgress))
#define IBackgroundCopyJob5_GetReplyData(This,ppBuffer,pLength) ((This)->lpVtbl->GetReplyData(This,ppBuffer,pLength))
#define IBackgroundCopyJob5_SetReplyFileName(This,ReplyFileName) ((This)->lpVtbl->SetReplyFileName(This,ReplyFileName))
#define IBackgroundCopyJob5_GetReplyFileName(This,pReplyFileName) ((This)->lpVtbl->GetReplyFileName(This,pReplyFileName))
#define IBackgroundCopyJob5_SetCredentials(This,credentials) ((This)->lpVtbl->SetCredentials(This,credentials))
#define IBackgroundCopyJob5_RemoveCredentials(This,Target,Scheme) ((This)->lpVtbl->RemoveCredentials(This,Target,Scheme))
#define IBackgroundCopyJob5_ReplaceRemotePrefix(This,OldPrefix,NewPrefix) ((This)->lpVtbl->ReplaceRemotePrefix(This,OldPrefix,NewPrefix))
#define IBackgroundCopyJob5_AddFileWithRanges(This,RemoteUrl,LocalName,RangeCount,Ranges) ((This)->lpVtbl->AddFileWithRanges(This,RemoteUrl,LocalName,RangeCount,Ranges))
#define IBackgroundCopyJob5_SetFileACLFlags(This,Flags) ((This)->lpVtbl->SetFileACLFlags(This,Flags))
#define IBackgroundCopyJob5_GetFileACLFlags(This,Flags) ((This)->lpVtbl->GetFileACLFlags(This,Flags))
#define IBackgroundCopyJob5_SetPeerCachingFlags(This,Flags) ((This)->lpVtbl->SetPeerCachingFlags(This,Flags))
#define IBackgroundCopyJob5_GetPeerCachingFlags(This,pFlags) ((This)->lpVtbl->GetPeerCachingFlags(This,pFlags))
#define IBackgroundCopyJob5_GetOwnerIntegrityLevel(This,pLevel) ((This)->lpVtbl->GetOwnerIntegrityLevel(This,pLevel))
#define IBackgroundCopyJob5_GetOwnerElevationState(This,pElevated) ((This)->lpVtbl->GetOwnerElevationState(This,pElevated))
#define IBackgroundCopyJob5_SetMaximumDownloadTime(This,Timeout) ((This)->lpVtbl->SetMaximumDownloadTime(This,Timeout))
#define IBackgroundCopyJob5_GetMaximumDownloadTime(This,pTimeout) ((This)->lpVtbl->GetMaximumDownloadTime(This,pTimeout))
#define IBackgroundCopyJob5_SetProperty(This,PropertyId,PropertyValue) ((This)->lpVtbl->SetProperty(This,PropertyId,PropertyValue))
#define IBackgroundCopyJob5_GetProperty(This,PropertyId,pPropertyValue) ((This)->lpVtbl->GetProperty(This,PropertyId,pPropertyValue))

/* ------------------------------------------------------------------------------------------------
 * IBackgroundCopyFile  (IID 01B7BD23-FB88-4A77-8490-5891D3E4653A)
 * Inherits IUnknown.
 * One file of a job (spec 2.4), from IEnumBackgroundCopyFiles::Next or
 * IBackgroundCopyError::GetFile.
 *
 *   GetRemoteName: The full URL, freed with CoTaskMemFree(). S_OK.
 *   GetLocalName: The absolute local path, freed with CoTaskMemFree(). S_OK.
 *   GetProgress: The file's own progress. S_OK.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IBackgroundCopyFileVtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IBackgroundCopyFile *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IBackgroundCopyFile *This); /* 1 */
        ULONG (*Release)(IBackgroundCopyFile *This); /* 2 */
        /* IBackgroundCopyFile */
        HRESULT (*GetRemoteName)(IBackgroundCopyFile *This, LPWSTR *pVal); /* 3 */
        HRESULT (*GetLocalName)(IBackgroundCopyFile *This, LPWSTR *pVal); /* 4 */
        HRESULT (*GetProgress)(IBackgroundCopyFile *This, BG_FILE_PROGRESS *pVal); /* 5 */
} IBackgroundCopyFileVtbl;

struct IBackgroundCopyFile {
        const IBackgroundCopyFileVtbl *lpVtbl;
};

#define IBackgroundCopyFile_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IBackgroundCopyFile_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyFile_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyFile_GetRemoteName(This,pVal) ((This)->lpVtbl->GetRemoteName(This,pVal))
#define IBackgroundCopyFile_GetLocalName(This,pVal) ((This)->lpVtbl->GetLocalName(This,pVal))
#define IBackgroundCopyFile_GetProgress(This,pVal) ((This)->lpVtbl->GetProgress(This,pVal))

/* ------------------------------------------------------------------------------------------------
 * IBackgroundCopyFile2  (IID 83E81B93-0873-474D-8A8C-F2018B1A939C)
 * Inherits IBackgroundCopyFile <- IUnknown.
 * Ranges and URL changes (spec 2.5).
 *
 *   GetFileRanges: The ranges as added, in an array freed with CoTaskMemFree(). S_OK; S_FALSE with
 *   *RangeCount = 0 and *Ranges = NULL when the file has no ranges.
 *   SetRemoteName: New URL, committed on the next Resume (Suspend, SetRemoteName, Resume). The file
 *   continues from its offset unless the new URL reports another size or date. S_OK; E_INVALIDARG
 *   for a malformed URL or one over 2,200 characters; DO_E_INVALID_STATE in a final state.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IBackgroundCopyFile2Vtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IBackgroundCopyFile2 *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IBackgroundCopyFile2 *This); /* 1 */
        ULONG (*Release)(IBackgroundCopyFile2 *This); /* 2 */
        /* IBackgroundCopyFile */
        HRESULT (*GetRemoteName)(IBackgroundCopyFile2 *This, LPWSTR *pVal); /* 3 */
        HRESULT (*GetLocalName)(IBackgroundCopyFile2 *This, LPWSTR *pVal); /* 4 */
        HRESULT (*GetProgress)(IBackgroundCopyFile2 *This, BG_FILE_PROGRESS *pVal); /* 5 */
        /* IBackgroundCopyFile2 */
        HRESULT (*GetFileRanges)(IBackgroundCopyFile2 *This, DWORD *RangeCount, BG_FILE_RANGE **Ranges); /* 6 */
        HRESULT (*SetRemoteName)(IBackgroundCopyFile2 *This, LPCWSTR Val); /* 7 */
} IBackgroundCopyFile2Vtbl;

struct IBackgroundCopyFile2 {
        const IBackgroundCopyFile2Vtbl *lpVtbl;
};

#define IBackgroundCopyFile2_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IBackgroundCopyFile2_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyFile2_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyFile2_GetRemoteName(This,pVal) ((This)->lpVtbl->GetRemoteName(This,pVal))
#define IBackgroundCopyFile2_GetLocalName(This,pVal) ((This)->lpVtbl->GetLocalName(This,pVal))
#define IBackgroundCopyFile2_GetProgress(This,pVal) ((This)->lpVtbl->GetProgress(This,pVal))
#define IBackgroundCopyFile2_GetFileRanges(This,RangeCount,Ranges) ((This)->lpVtbl->GetFileRanges(This,RangeCount,Ranges))
#define IBackgroundCopyFile2_SetRemoteName(This,Val) ((This)->lpVtbl->SetRemoteName(This,Val))

/* ------------------------------------------------------------------------------------------------
 * IBackgroundCopyFile3  (IID 659CDEAA-489E-11D9-A9CD-000D56965251)
 * Inherits IBackgroundCopyFile2 <- IBackgroundCopyFile <- IUnknown.
 * [HDR] BITS 4.0 additions (temporary name, content validation, peers). Not in DO: E_NOTIMPL where
 * unsupported (spec 2.2). Strings are freed with CoTaskMemFree().
 *
 *   GetTemporaryName: The hidden temp file holding the bytes until Complete. S_OK;
 *   DO_E_LOCALPATH_NOT_SET for a file without a destination yet.
 *   SetValidationState, GetValidationState: E_NOTIMPL (peer-cache validation; dosvc has no peers).
 *   IsDownloadedFromPeer: Always FALSE (dosvc downloads from HTTP only). S_OK.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IBackgroundCopyFile3Vtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IBackgroundCopyFile3 *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IBackgroundCopyFile3 *This); /* 1 */
        ULONG (*Release)(IBackgroundCopyFile3 *This); /* 2 */
        /* IBackgroundCopyFile */
        HRESULT (*GetRemoteName)(IBackgroundCopyFile3 *This, LPWSTR *pVal); /* 3 */
        HRESULT (*GetLocalName)(IBackgroundCopyFile3 *This, LPWSTR *pVal); /* 4 */
        HRESULT (*GetProgress)(IBackgroundCopyFile3 *This, BG_FILE_PROGRESS *pVal); /* 5 */
        /* IBackgroundCopyFile2 */
        HRESULT (*GetFileRanges)(IBackgroundCopyFile3 *This, DWORD *RangeCount, BG_FILE_RANGE **Ranges); /* 6 */
        HRESULT (*SetRemoteName)(IBackgroundCopyFile3 *This, LPCWSTR Val); /* 7 */
        /* IBackgroundCopyFile3 */
        HRESULT (*GetTemporaryName)(IBackgroundCopyFile3 *This, LPWSTR *pFilename); /* 8 */
        HRESULT (*SetValidationState)(IBackgroundCopyFile3 *This, BOOL state); /* 9 */
        HRESULT (*GetValidationState)(IBackgroundCopyFile3 *This, BOOL *pState); /* 10 */
        HRESULT (*IsDownloadedFromPeer)(IBackgroundCopyFile3 *This, BOOL *pVal); /* 11 */
} IBackgroundCopyFile3Vtbl;

struct IBackgroundCopyFile3 {
        const IBackgroundCopyFile3Vtbl *lpVtbl;
};

#define IBackgroundCopyFile3_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IBackgroundCopyFile3_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyFile3_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyFile3_GetRemoteName(This,pVal) ((This)->lpVtbl->GetRemoteName(This,pVal))
#define IBackgroundCopyFile3_GetLocalName(This,pVal) ((This)->lpVtbl->GetLocalName(This,pVal))
#define IBackgroundCopyFile3_GetProgress(This,pVal) ((This)->lpVtbl->GetProgress(This,pVal))
#define IBackgroundCopyFile3_GetFileRanges(This,RangeCount,Ranges) ((This)->lpVtbl->GetFileRanges(This,RangeCount,Ranges))
#define IBackgroundCopyFile3_SetRemoteName(This,Val) ((This)->lpVtbl->SetRemoteName(This,Val))
#define IBackgroundCopyFile3_GetTemporaryName(This,pFilename) ((This)->lpVtbl->GetTemporaryName(This,pFilename))
#define IBackgroundCopyFile3_SetValidationState(This,state) ((This)->lpVtbl->SetValidationState(This,state))
#define IBackgroundCopyFile3_GetValidationState(This,pState) ((This)->lpVtbl->GetValidationState(This,pState))
#define IBackgroundCopyFile3_IsDownloadedFromPeer(This,pVal) ((This)->lpVtbl->IsDownloadedFromPeer(This,pVal))

/* ------------------------------------------------------------------------------------------------
 * IBackgroundCopyFile4  (IID EF7E0655-7888-4960-B0E5-730846E03492)
 * Inherits IBackgroundCopyFile3 <- IBackgroundCopyFile2 <- IBackgroundCopyFile <- IUnknown.
 * [HDR] BITS 4.0 peer statistics. Not in DO: E_NOTIMPL where unsupported (spec 2.2).
 *
 *   GetPeerDownloadStats: Bytes from the origin server and (always 0) from peers. S_OK.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IBackgroundCopyFile4Vtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IBackgroundCopyFile4 *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IBackgroundCopyFile4 *This); /* 1 */
        ULONG (*Release)(IBackgroundCopyFile4 *This); /* 2 */
        /* IBackgroundCopyFile */
        HRESULT (*GetRemoteName)(IBackgroundCopyFile4 *This, LPWSTR *pVal); /* 3 */
        HRESULT (*GetLocalName)(IBackgroundCopyFile4 *This, LPWSTR *pVal); /* 4 */
        HRESULT (*GetProgress)(IBackgroundCopyFile4 *This, BG_FILE_PROGRESS *pVal); /* 5 */
        /* IBackgroundCopyFile2 */
        HRESULT (*GetFileRanges)(IBackgroundCopyFile4 *This, DWORD *RangeCount, BG_FILE_RANGE **Ranges); /* 6 */
        HRESULT (*SetRemoteName)(IBackgroundCopyFile4 *This, LPCWSTR Val); /* 7 */
        /* IBackgroundCopyFile3 */
        HRESULT (*GetTemporaryName)(IBackgroundCopyFile4 *This, LPWSTR *pFilename); /* 8 */
        HRESULT (*SetValidationState)(IBackgroundCopyFile4 *This, BOOL state); /* 9 */
        HRESULT (*GetValidationState)(IBackgroundCopyFile4 *This, BOOL *pState); /* 10 */
        HRESULT (*IsDownloadedFromPeer)(IBackgroundCopyFile4 *This, BOOL *pVal); /* 11 */
        /* IBackgroundCopyFile4 */
        HRESULT (*GetPeerDownloadStats)(IBackgroundCopyFile4 *This, PUINT64 pFromOrigin, PUINT64 pFromPeers); /* 12 */
} IBackgroundCopyFile4Vtbl;

struct IBackgroundCopyFile4 {
        const IBackgroundCopyFile4Vtbl *lpVtbl;
};

#define IBackgroundCopyFile4_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IBackgroundCopyFile4_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyFile4_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyFile4_GetRemoteName(This,pVal) ((This)->lpVtbl->GetRemoteName(This,pVal))
#define IBackgroundCopyFile4_GetLocalName(This,pVal) ((This)->lpVtbl->GetLocalName(This,pVal))
#define IBackgroundCopyFile4_GetProgress(This,pVal) ((This)->lpVtbl->GetProgress(This,pVal))
#define IBackgroundCopyFile4_GetFileRanges(This,RangeCount,Ranges) ((This)->lpVtbl->GetFileRanges(This,RangeCount,Ranges))
#define IBackgroundCopyFile4_SetRemoteName(This,Val) ((This)->lpVtbl->SetRemoteName(This,Val))
#define IBackgroundCopyFile4_GetTemporaryName(This,pFilename) ((This)->lpVtbl->GetTemporaryName(This,pFilename))
#define IBackgroundCopyFile4_SetValidationState(This,state) ((This)->lpVtbl->SetValidationState(This,state))
#define IBackgroundCopyFile4_GetValidationState(This,pState) ((This)->lpVtbl->GetValidationState(This,pState))
#define IBackgroundCopyFile4_IsDownloadedFromPeer(This,pVal) ((This)->lpVtbl->IsDownloadedFromPeer(This,pVal))
#define IBackgroundCopyFile4_GetPeerDownloadStats(This,pFromOrigin,pFromPeers) ((This)->lpVtbl->GetPeerDownloadStats(This,pFromOrigin,pFromPeers))

/* ------------------------------------------------------------------------------------------------
 * IBackgroundCopyFile5  (IID 85C1657F-DAFC-40E8-8834-DF18EA25717E)
 * Inherits IBackgroundCopyFile4 <- IBackgroundCopyFile3 <- IBackgroundCopyFile2 <- IBackgroundCopyFile <- IUnknown.
 * File properties (spec 2.6). DO says it inherits IUnknown; dosvc follows the BITS chain, so
 * SetProperty is slot 13 and GetProperty slot 14. Only BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS
 * exists: GetProperty returns every header of the last response in String (CoTaskMemFree).
 *
 *   SetProperty: The headers are the server's: DO_E_READ_ONLY_PROPERTY; DO_E_UNKNOWN_PROPERTY_ID.
 *   GetProperty: S_OK ("" before the first response); DO_E_UNKNOWN_PROPERTY_ID.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IBackgroundCopyFile5Vtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IBackgroundCopyFile5 *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IBackgroundCopyFile5 *This); /* 1 */
        ULONG (*Release)(IBackgroundCopyFile5 *This); /* 2 */
        /* IBackgroundCopyFile */
        HRESULT (*GetRemoteName)(IBackgroundCopyFile5 *This, LPWSTR *pVal); /* 3 */
        HRESULT (*GetLocalName)(IBackgroundCopyFile5 *This, LPWSTR *pVal); /* 4 */
        HRESULT (*GetProgress)(IBackgroundCopyFile5 *This, BG_FILE_PROGRESS *pVal); /* 5 */
        /* IBackgroundCopyFile2 */
        HRESULT (*GetFileRanges)(IBackgroundCopyFile5 *This, DWORD *RangeCount, BG_FILE_RANGE **Ranges); /* 6 */
        HRESULT (*SetRemoteName)(IBackgroundCopyFile5 *This, LPCWSTR Val); /* 7 */
        /* IBackgroundCopyFile3 */
        HRESULT (*GetTemporaryName)(IBackgroundCopyFile5 *This, LPWSTR *pFilename); /* 8 */
        HRESULT (*SetValidationState)(IBackgroundCopyFile5 *This, BOOL state); /* 9 */
        HRESULT (*GetValidationState)(IBackgroundCopyFile5 *This, BOOL *pState); /* 10 */
        HRESULT (*IsDownloadedFromPeer)(IBackgroundCopyFile5 *This, BOOL *pVal); /* 11 */
        /* IBackgroundCopyFile4 */
        HRESULT (*GetPeerDownloadStats)(IBackgroundCopyFile5 *This, PUINT64 pFromOrigin, PUINT64 pFromPeers); /* 12 */
        /* IBackgroundCopyFile5 */
        HRESULT (*SetProperty)(IBackgroundCopyFile5 *This, BITS_FILE_PROPERTY_ID PropertyId, BITS_FILE_PROPERTY_VALUE PropertyValue); /* 13 */
        HRESULT (*GetProperty)(IBackgroundCopyFile5 *This, BITS_FILE_PROPERTY_ID PropertyId, BITS_FILE_PROPERTY_VALUE *PropertyValue); /* 14 */
} IBackgroundCopyFile5Vtbl;

struct IBackgroundCopyFile5 {
        const IBackgroundCopyFile5Vtbl *lpVtbl;
};

#define IBackgroundCopyFile5_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IBackgroundCopyFile5_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyFile5_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyFile5_GetRemoteName(This,pVal) ((This)->lpVtbl->GetRemoteName(This,pVal))
#define IBackgroundCopyFile5_GetLocalName(This,pVal) ((This)->lpVtbl->GetLocalName(This,pVal))
#define IBackgroundCopyFile5_GetProgress(This,pVal) ((This)->lpVtbl->GetProgress(This,pVal))
#define IBackgroundCopyFile5_GetFileRanges(This,RangeCount,Ranges) ((This)->lpVtbl->GetFileRanges(This,RangeCount,Ranges))
#define IBackgroundCopyFile5_SetRemoteName(This,Val) ((This)->lpVtbl->SetRemoteName(This,Val))
#define IBackgroundCopyFile5_GetTemporaryName(This,pFilename) ((This)->lpVtbl->GetTemporaryName(This,pFilename))
#define IBackgroundCopyFile5_SetValidationState(This,state) ((This)->lpVtbl->SetValidationState(This,state))
#define IBackgroundCopyFile5_GetValidationState(This,pState) ((This)->lpVtbl->GetValidationState(This,pState))
#define IBackgroundCopyFile5_IsDownloadedFromPeer(This,pVal) ((This)->lpVtbl->IsDownloadedFromPeer(This,pVal))
#define IBackgroundCopyFile5_GetPeerDownloadStats(This,pFromOrigin,pFromPeers) ((This)->lpVtbl->GetPeerDownloadStats(This,pFromOrigin,pFromPeers))
#define IBackgroundCopyFile5_SetProperty(This,PropertyId,PropertyValue) ((This)->lpVtbl->SetProperty(This,PropertyId,PropertyValue))
#define IBackgroundCopyFile5_GetProperty(This,PropertyId,PropertyValue) ((This)->lpVtbl->GetProperty(This,PropertyId,PropertyValue))

/* ------------------------------------------------------------------------------------------------
 * IEnumBackgroundCopyFiles  (IID CA51E165-C365-424C-8D41-24AAA4FF3C40)
 * Inherits IUnknown.
 * Enumerator over a job's files (spec 2.7). Next returns S_OK when celt items were returned and
 * S_FALSE when fewer; pceltFetched may be NULL only when celt == 1 (else E_INVALIDARG). Each
 * returned item holds one reference. Skip returns S_FALSE when fewer than celt items remained.
 * Reset restarts; Clone copies the position; GetCount gives the total.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IEnumBackgroundCopyFilesVtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IEnumBackgroundCopyFiles *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IEnumBackgroundCopyFiles *This); /* 1 */
        ULONG (*Release)(IEnumBackgroundCopyFiles *This); /* 2 */
        /* IEnumBackgroundCopyFiles */
        HRESULT (*Next)(IEnumBackgroundCopyFiles *This, ULONG celt, IBackgroundCopyFile **rgelt, ULONG *pceltFetched); /* 3 */
        HRESULT (*Skip)(IEnumBackgroundCopyFiles *This, ULONG celt); /* 4 */
        HRESULT (*Reset)(IEnumBackgroundCopyFiles *This); /* 5 */
        HRESULT (*Clone)(IEnumBackgroundCopyFiles *This, IEnumBackgroundCopyFiles **ppenum); /* 6 */
        HRESULT (*GetCount)(IEnumBackgroundCopyFiles *This, ULONG *puCount); /* 7 */
} IEnumBackgroundCopyFilesVtbl;

struct IEnumBackgroundCopyFiles {
        const IEnumBackgroundCopyFilesVtbl *lpVtbl;
};

#define IEnumBackgroundCopyFiles_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IEnumBackgroundCopyFiles_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IEnumBackgroundCopyFiles_Release(This) ((This)->lpVtbl->Release(This))
#define IEnumBackgroundCopyFiles_Next(This,celt,rgelt,pceltFetched) ((This)->lpVtbl->Next(This,celt,rgelt,pceltFetched))
#define IEnumBackgroundCopyFiles_Skip(This,celt) ((This)->lpVtbl->Skip(This,celt))
#define IEnumBackgroundCopyFiles_Reset(This) ((This)->lpVtbl->Reset(This))
#define IEnumBackgroundCopyFiles_Clone(This,ppenum) ((This)->lpVtbl->Clone(This,ppenum))
#define IEnumBackgroundCopyFiles_GetCount(This,puCount) ((This)->lpVtbl->GetCount(This,puCount))

/* ------------------------------------------------------------------------------------------------
 * IEnumBackgroundCopyJobs  (IID 1AF4F612-3B71-466F-8F58-7B6F73AC57AD)
 * Inherits IUnknown.
 * Enumerator over jobs (spec 2.8), a snapshot from IBackgroundCopyManager::EnumJobs. Next returns
 * S_OK when celt items were returned and S_FALSE when fewer; pceltFetched may be NULL only when
 * celt == 1 (else E_INVALIDARG). Each returned item holds one reference. Skip returns S_FALSE when
 * fewer than celt items remained. Reset restarts; Clone copies the position; GetCount gives the
 * total.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IEnumBackgroundCopyJobsVtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IEnumBackgroundCopyJobs *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IEnumBackgroundCopyJobs *This); /* 1 */
        ULONG (*Release)(IEnumBackgroundCopyJobs *This); /* 2 */
        /* IEnumBackgroundCopyJobs */
        HRESULT (*Next)(IEnumBackgroundCopyJobs *This, ULONG celt, IBackgroundCopyJob **rgelt, ULONG *pceltFetched); /* 3 */
        HRESULT (*Skip)(IEnumBackgroundCopyJobs *This, ULONG celt); /* 4 */
        HRESULT (*Reset)(IEnumBackgroundCopyJobs *This); /* 5 */
        HRESULT (*Clone)(IEnumBackgroundCopyJobs *This, IEnumBackgroundCopyJobs **ppenum); /* 6 */
        HRESULT (*GetCount)(IEnumBackgroundCopyJobs *This, ULONG *puCount); /* 7 */
} IEnumBackgroundCopyJobsVtbl;

struct IEnumBackgroundCopyJobs {
        const IEnumBackgroundCopyJobsVtbl *lpVtbl;
};

#define IEnumBackgroundCopyJobs_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IEnumBackgroundCopyJobs_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IEnumBackgroundCopyJobs_Release(This) ((This)->lpVtbl->Release(This))
#define IEnumBackgroundCopyJobs_Next(This,celt,rgelt,pceltFetched) ((This)->lpVtbl->Next(This,celt,rgelt,pceltFetched))
#define IEnumBackgroundCopyJobs_Skip(This,celt) ((This)->lpVtbl->Skip(This,celt))
#define IEnumBackgroundCopyJobs_Reset(This) ((This)->lpVtbl->Reset(This))
#define IEnumBackgroundCopyJobs_Clone(This,ppenum) ((This)->lpVtbl->Clone(This,ppenum))
#define IEnumBackgroundCopyJobs_GetCount(This,puCount) ((This)->lpVtbl->GetCount(This,puCount))

/* ------------------------------------------------------------------------------------------------
 * IBackgroundCopyError  (IID 19C613A0-FCB8-4F28-81AE-897C3D078F81)
 * Inherits IUnknown.
 * A snapshot of a job's last failure (spec 2.9); exists only in ERROR or TRANSIENT_ERROR.
 *
 *   GetError: The context (REMOTE_FILE for HTTP 403, otherwise NONE in DO) and the failing HRESULT
 *   (HTTP status s gives 0x80190000 + s). S_OK.
 *   GetFile: The failing file. S_OK; DO_E_FILE_NOT_AVAILABLE with *pVal = NULL when no file is
 *   involved.
 *   GetErrorDescription: [BITS] Text of the error (CoTaskMemFree). S_OK.
 *   GetErrorContextDescription: [BITS] Text of the context (CoTaskMemFree). S_OK.
 *   GetProtocol: [BITS] The protocol (CoTaskMemFree). S_OK; BG_E_PROTOCOL_NOT_AVAILABLE when no
 *   protocol is involved.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IBackgroundCopyErrorVtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IBackgroundCopyError *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IBackgroundCopyError *This); /* 1 */
        ULONG (*Release)(IBackgroundCopyError *This); /* 2 */
        /* IBackgroundCopyError */
        HRESULT (*GetError)(IBackgroundCopyError *This, BG_ERROR_CONTEXT *pContext, HRESULT *pCode); /* 3 */
        HRESULT (*GetFile)(IBackgroundCopyError *This, IBackgroundCopyFile **pVal); /* 4 */
        HRESULT (*GetErrorDescription)(IBackgroundCopyError *This, DWORD LanguageId, LPWSTR *pErrorDescription); /* 5 */
        HRESULT (*GetErrorContextDescription)(IBackgroundCopyError *This, DWORD LanguageId, LPWSTR *pContextDescription); /* 6 */
        HRESULT (*GetProtocol)(IBackgroundCopyError *This, LPWSTR *pProtocol); /* 7 */
} IBackgroundCopyErrorVtbl;

struct IBackgroundCopyError {
        const IBackgroundCopyErrorVtbl *lpVtbl;
};

#define IBackgroundCopyError_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IBackgroundCopyError_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyError_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyError_GetError(This,pContext,pCode) ((This)->lpVtbl->GetError(This,pContext,pCode))
#define IBackgroundCopyError_GetFile(This,pVal) ((This)->lpVtbl->GetFile(This,pVal))
#define IBackgroundCopyError_GetErrorDescription(This,LanguageId,pErrorDescription) ((This)->lpVtbl->GetErrorDescription(This,LanguageId,pErrorDescription))
#define IBackgroundCopyError_GetErrorContextDescription(This,LanguageId,pContextDescription) ((This)->lpVtbl->GetErrorContextDescription(This,LanguageId,pContextDescription))
#define IBackgroundCopyError_GetProtocol(This,pProtocol) ((This)->lpVtbl->GetProtocol(This,pProtocol))

/* ------------------------------------------------------------------------------------------------
 * IBackgroundCopyCallback  (IID 97EA99C7-0186-4AD4-8DF9-C5B4E0ED6B22)
 * Inherits IUnknown.
 * Implemented by the client, registered with SetNotifyInterface (spec 2.10). Called on the
 * library's dispatch thread, never under a library lock; pJob and pError are borrowed. Implement
 * all three and return S_OK: a failure from JobTransferred or JobError makes the service call again
 * later. JobModification may be dropped under load and is not raised for the changes into ERROR or
 * TRANSFERRED.
 *
 *   JobTransferred: Every file has transferred (state TRANSFERRED); usually calls Complete.
 *   JobError: The job entered ERROR (never for transient errors).
 *   JobModification: Bytes transferred, files added, properties or state changed. dwReserved is 0.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IBackgroundCopyCallbackVtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IBackgroundCopyCallback *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IBackgroundCopyCallback *This); /* 1 */
        ULONG (*Release)(IBackgroundCopyCallback *This); /* 2 */
        /* IBackgroundCopyCallback */
        HRESULT (*JobTransferred)(IBackgroundCopyCallback *This, IBackgroundCopyJob *pJob); /* 3 */
        HRESULT (*JobError)(IBackgroundCopyCallback *This, IBackgroundCopyJob *pJob, IBackgroundCopyError *pError); /* 4 */
        HRESULT (*JobModification)(IBackgroundCopyCallback *This, IBackgroundCopyJob *pJob, DWORD dwReserved); /* 5 */
} IBackgroundCopyCallbackVtbl;

struct IBackgroundCopyCallback {
        const IBackgroundCopyCallbackVtbl *lpVtbl;
};

#define IBackgroundCopyCallback_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IBackgroundCopyCallback_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyCallback_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyCallback_JobTransferred(This,pJob) ((This)->lpVtbl->JobTransferred(This,pJob))
#define IBackgroundCopyCallback_JobError(This,pJob,pError) ((This)->lpVtbl->JobError(This,pJob,pError))
#define IBackgroundCopyCallback_JobModification(This,pJob,dwReserved) ((This)->lpVtbl->JobModification(This,pJob,dwReserved))

/* ------------------------------------------------------------------------------------------------
 * IBackgroundCopyCallback2  (IID 659CDEAC-489E-11D9-A9CD-000D56965251)
 * Inherits IBackgroundCopyCallback. [BITS]
 * Implemented by the client. The library asks the registered callback for it with QueryInterface;
 * when it is there, FileTransferred is called on the dispatch thread (like the other callbacks,
 * never under a library lock) as each file of a job with BG_NOTIFY_FILE_TRANSFERRED finishes, in
 * the order the files finish. pJob and pFile are borrowed. The return value is ignored (no retry).
 *
 *   FileTransferred: Every byte of pFile is on disk (still under its temporary name until Complete).
 * ---------------------------------------------------------------------------------------------- */
typedef struct IBackgroundCopyCallback2Vtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IBackgroundCopyCallback2 *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IBackgroundCopyCallback2 *This); /* 1 */
        ULONG (*Release)(IBackgroundCopyCallback2 *This); /* 2 */
        /* IBackgroundCopyCallback */
        HRESULT (*JobTransferred)(IBackgroundCopyCallback2 *This, IBackgroundCopyJob *pJob); /* 3 */
        HRESULT (*JobError)(IBackgroundCopyCallback2 *This, IBackgroundCopyJob *pJob, IBackgroundCopyError *pError); /* 4 */
        HRESULT (*JobModification)(IBackgroundCopyCallback2 *This, IBackgroundCopyJob *pJob, DWORD dwReserved); /* 5 */
        /* IBackgroundCopyCallback2 */
        HRESULT (*FileTransferred)(IBackgroundCopyCallback2 *This, IBackgroundCopyJob *pJob, IBackgroundCopyFile *pFile); /* 6 */
} IBackgroundCopyCallback2Vtbl;

struct IBackgroundCopyCallback2 {
        const IBackgroundCopyCallback2Vtbl *lpVtbl;
};

#define IBackgroundCopyCallback2_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IBackgroundCopyCallback2_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyCallback2_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyCallback2_JobTransferred(This,pJob) ((This)->lpVtbl->JobTransferred(This,pJob))
#define IBackgroundCopyCallback2_JobError(This,pJob,pError) ((This)->lpVtbl->JobError(This,pJob,pError))
#define IBackgroundCopyCallback2_JobModification(This,pJob,dwReserved) ((This)->lpVtbl->JobModification(This,pJob,dwReserved))
#define IBackgroundCopyCallback2_FileTransferred(This,pJob,pFile) ((This)->lpVtbl->FileTransferred(This,pJob,pFile))

/* ------------------------------------------------------------------------------------------------
 * IDeliveryOptimizationJob  (IID EE2584CF-A69C-4848-B633-2649962B3EF7)
 * Inherits IUnknown.
 * DO file adding (spec 2.11), obtained by QueryInterface on a job.
 *
 *   AddFileWithRanges: Adds one file, optionally restricted to byte ranges written back to back in
 *   the order given (rangeCount 0: the whole file). fileId is unique within the job; fileSize may
 *   be DO_UNKNOWN_FILE_SIZE. S_OK; E_INVALIDARG (localName NULL or empty); E_ACCESSDENIED (target
 *   directory not writable); DO_E_INVALID_RANGE (e.g. InitialOffset == BG_LENGTH_TO_EOF);
 *   DO_E_OVERLAPPING_RANGES (duplicates or overlaps after sorting by offset);
 *   BG_E_TOO_MANY_RANGES_IN_FILE (over 500); DO_E_INVALID_STATE in a final state.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IDeliveryOptimizationJobVtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IDeliveryOptimizationJob *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IDeliveryOptimizationJob *This); /* 1 */
        ULONG (*Release)(IDeliveryOptimizationJob *This); /* 2 */
        /* IDeliveryOptimizationJob */
        HRESULT (*AddFileWithRanges)(IDeliveryOptimizationJob *This, LPCWSTR fileId, LPCWSTR remoteUrl, LPCWSTR localName, DWORD rangeCount, BG_FILE_RANGE ranges[], ULONG64 fileSize); /* 3 */
} IDeliveryOptimizationJobVtbl;

struct IDeliveryOptimizationJob {
        const IDeliveryOptimizationJobVtbl *lpVtbl;
};

#define IDeliveryOptimizationJob_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IDeliveryOptimizationJob_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IDeliveryOptimizationJob_Release(This) ((This)->lpVtbl->Release(This))
#define IDeliveryOptimizationJob_AddFileWithRanges(This,fileId,remoteUrl,localName,rangeCount,ranges,fileSize) ((This)->lpVtbl->AddFileWithRanges(This,fileId,remoteUrl,localName,rangeCount,ranges,fileSize))

/* ------------------------------------------------------------------------------------------------
 * IDeliveryOptimizationJob2  (IID 18995A26-BF59-4ABE-9F8B-D5092D5A2405)
 * Inherits IUnknown.
 * DO job additions (spec 2.12). The vtable order is UNCERTAIN; dosvc uses the page's order:
 * AddFile, GetProperty, SetProperty.
 *
 *   AddFile: Adds one file and returns its object, with one reference, in *object (riid must be
 *   &IID_IDeliveryOptimizationFile, else E_NOINTERFACE and nothing is added). remoteUrl is
 *   required by dosvc (E_INVALIDARG when NULL: there is no content-ID lookup). No local path: set
 *   it with IDeliveryOptimizationFile2::SetProperty(DOFilePropertyId_DownloadSinkFilePath)
 *   (UNCERTAIN in the spec); until then Resume returns DO_E_LOCALPATH_NOT_SET. S_OK or an error
 *   HRESULT, as for AddFileWithRanges.
 *   GetProperty: DOJobPropertyId_ExtendedErrorInfo gives a VT_BSTR (VariantClear it). S_OK;
 *   DO_E_UNKNOWN_PROPERTY_ID.
 *   SetProperty: Unused: DO_E_READ_ONLY_PROPERTY for ExtendedErrorInfo, DO_E_UNKNOWN_PROPERTY_ID
 *   otherwise.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IDeliveryOptimizationJob2Vtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IDeliveryOptimizationJob2 *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IDeliveryOptimizationJob2 *This); /* 1 */
        ULONG (*Release)(IDeliveryOptimizationJob2 *This); /* 2 */
        /* IDeliveryOptimizationJob2 */
        HRESULT (*AddFile)(IDeliveryOptimizationJob2 *This, LPCWSTR fileId, LPCWSTR remoteUrl, DWORD rangeCount, BG_FILE_RANGE ranges[], REFIID riid, void **object); /* 3 */
        HRESULT (*GetProperty)(IDeliveryOptimizationJob2 *This, DOJobPropertyId propId, VARIANT *propValue); /* 4 */
        HRESULT (*SetProperty)(IDeliveryOptimizationJob2 *This, DOJobPropertyId propId, const VARIANT *propValue); /* 5 */
} IDeliveryOptimizationJob2Vtbl;

struct IDeliveryOptimizationJob2 {
        const IDeliveryOptimizationJob2Vtbl *lpVtbl;
};

#define IDeliveryOptimizationJob2_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IDeliveryOptimizationJob2_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IDeliveryOptimizationJob2_Release(This) ((This)->lpVtbl->Release(This))
#define IDeliveryOptimizationJob2_AddFile(This,fileId,remoteUrl,rangeCount,ranges,riid,object) ((This)->lpVtbl->AddFile(This,fileId,remoteUrl,rangeCount,ranges,riid,object))
#define IDeliveryOptimizationJob2_GetProperty(This,propId,propValue) ((This)->lpVtbl->GetProperty(This,propId,propValue))
#define IDeliveryOptimizationJob2_SetProperty(This,propId,propValue) ((This)->lpVtbl->SetProperty(This,propId,propValue))

/* ------------------------------------------------------------------------------------------------
 * IDeliveryOptimizationFile  (IID B76B9699-E99E-4101-803F-A20E325D93E2)
 * Inherits IUnknown.
 * DO file statistics (spec 2.13), by QueryInterface on a file.
 *
 *   GetStats: Fills *swarmStats; free fileId and sourceURL with CoTaskMemFree(). With no peers,
 *   bytesFromHttp == totalBytesDownloaded. S_OK.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IDeliveryOptimizationFileVtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IDeliveryOptimizationFile *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IDeliveryOptimizationFile *This); /* 1 */
        ULONG (*Release)(IDeliveryOptimizationFile *This); /* 2 */
        /* IDeliveryOptimizationFile */
        HRESULT (*GetStats)(IDeliveryOptimizationFile *This, DOSwarmStats *swarmStats); /* 3 */
} IDeliveryOptimizationFileVtbl;

struct IDeliveryOptimizationFile {
        const IDeliveryOptimizationFileVtbl *lpVtbl;
};

#define IDeliveryOptimizationFile_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IDeliveryOptimizationFile_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IDeliveryOptimizationFile_Release(This) ((This)->lpVtbl->Release(This))
#define IDeliveryOptimizationFile_GetStats(This,swarmStats) ((This)->lpVtbl->GetStats(This,swarmStats))

/* ------------------------------------------------------------------------------------------------
 * IDeliveryOptimizationFile2  (IID 3A87296F-6EC2-4126-AB29-E3F8DC4CC390)
 * Inherits IUnknown.
 * DO file properties (spec 2.14). Vtable order UNCERTAIN; dosvc uses the page's: GetProperty,
 * SetProperty.
 *
 *   GetProperty: S_OK (VariantClear the value); DO_E_UNKNOWN_PROPERTY_ID; DO_E_WRITE_ONLY_PROPERTY
 *   (DecryptionInfo, IntegrityCheckInfo); E_NOT_SET for a property never set; E_OUTOFMEMORY.
 *   SetProperty: The value is copied. Types: DownloadSinkFilePath, IntegrityCheckInfo VT_BSTR;
 *   IntegrityCheckMandatory VT_BOOL; TotalSizeBytes VT_UI8. IntegrityCheckInfo takes the SHA-256 of
 *   the whole file: 64 hex digits, optionally prefixed "sha256:", or {"Sha256": "<hex>"}. S_OK;
 *   DO_E_UNKNOWN_PROPERTY_ID; E_INVALIDARG (wrong type or value); E_ACCESSDENIED (sink folder not
 *   writable); E_NOTIMPL (DecryptionInfo, DownloadSinkInterface, DownloadSinkMemoryStream, a
 *   piece-hash IntegrityCheckInfo); DO_E_INVALID_STATE when the job's state forbids setting
 *   properties, or the file's transfer has started (DownloadSinkFilePath, TotalSizeBytes) or ended
 *   (IntegrityCheckInfo, IntegrityCheckMandatory).
 * ---------------------------------------------------------------------------------------------- */
typedef struct IDeliveryOptimizationFile2Vtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IDeliveryOptimizationFile2 *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IDeliveryOptimizationFile2 *This); /* 1 */
        ULONG (*Release)(IDeliveryOptimizationFile2 *This); /* 2 */
        /* IDeliveryOptimizationFile2 */
        HRESULT (*GetProperty)(IDeliveryOptimizationFile2 *This, DOFilePropertyId propId, VARIANT *propValue); /* 3 */
        HRESULT (*SetProperty)(IDeliveryOptimizationFile2 *This, DOFilePropertyId propId, const VARIANT *propValue); /* 4 */
} IDeliveryOptimizationFile2Vtbl;

struct IDeliveryOptimizationFile2 {
        const IDeliveryOptimizationFile2Vtbl *lpVtbl;
};

#define IDeliveryOptimizationFile2_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IDeliveryOptimizationFile2_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IDeliveryOptimizationFile2_Release(This) ((This)->lpVtbl->Release(This))
#define IDeliveryOptimizationFile2_GetProperty(This,propId,propValue) ((This)->lpVtbl->GetProperty(This,propId,propValue))
#define IDeliveryOptimizationFile2_SetProperty(This,propId,propValue) ((This)->lpVtbl->SetProperty(This,propId,propValue))

/* ------------------------------------------------------------------------------------------------
 * IDOManager  (IID 400E2D4A-1431-4C1A-A748-39CA472CFDB1)
 * Inherits IUnknown.
 * (spec 7, declared only; not implemented by this version of dosvc) Manager of IDODownload objects,
 * coclass CLSID_DeliveryOptimization.
 *
 *   CreateDownload: A new download in DODownloadState_Created.
 *   EnumDownloads: The caller's downloads; category NULL lists all, else filters on Id, Uri,
 *   ContentId, DisplayName or LocalPath.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IDOManagerVtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IDOManager *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IDOManager *This); /* 1 */
        ULONG (*Release)(IDOManager *This); /* 2 */
        /* IDOManager */
        HRESULT (*CreateDownload)(IDOManager *This, IDODownload **download); /* 3 */
        HRESULT (*EnumDownloads)(IDOManager *This, const DO_DOWNLOAD_ENUM_CATEGORY *category, IEnumUnknown **ppEnum); /* 4 */
} IDOManagerVtbl;

struct IDOManager {
        const IDOManagerVtbl *lpVtbl;
};

#define IDOManager_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IDOManager_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IDOManager_Release(This) ((This)->lpVtbl->Release(This))
#define IDOManager_CreateDownload(This,download) ((This)->lpVtbl->CreateDownload(This,download))
#define IDOManager_EnumDownloads(This,category,ppEnum) ((This)->lpVtbl->EnumDownloads(This,category,ppEnum))

/* ------------------------------------------------------------------------------------------------
 * IDODownload  (IID FBBD7FC0-C147-4727-A38D-827EF071EE77)
 * Inherits IUnknown.
 * (spec 7, declared only) One download.
 *
 *   Start: Starts or resumes (ranges NULL: the whole file). DO_E_DOWNLOAD_NO_URI;
 *   DO_E_FILE_DOWNLOADSINK_UNSPECIFIED.
 *   Finalize: After Finalize, Start is no longer possible.
 *   GetProperty: DO_E_UNKNOWN_PROPERTY_ID; DO_E_WRITE_ONLY_PROPERTY; E_NOT_SET.
 *   SetProperty: DO_E_UNKNOWN_PROPERTY_ID; DO_E_INVALID_STATE.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IDODownloadVtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IDODownload *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IDODownload *This); /* 1 */
        ULONG (*Release)(IDODownload *This); /* 2 */
        /* IDODownload */
        HRESULT (*Start)(IDODownload *This, const DO_DOWNLOAD_RANGES_INFO *ranges); /* 3 */
        HRESULT (*Pause)(IDODownload *This); /* 4 */
        HRESULT (*Abort)(IDODownload *This); /* 5 */
        HRESULT (*Finalize)(IDODownload *This); /* 6 */
        HRESULT (*GetStatus)(IDODownload *This, DO_DOWNLOAD_STATUS *status); /* 7 */
        HRESULT (*GetProperty)(IDODownload *This, DODownloadProperty propId, VARIANT *propVal); /* 8 */
        HRESULT (*SetProperty)(IDODownload *This, DODownloadProperty propId, const VARIANT *propVal); /* 9 */
} IDODownloadVtbl;

struct IDODownload {
        const IDODownloadVtbl *lpVtbl;
};

#define IDODownload_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IDODownload_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IDODownload_Release(This) ((This)->lpVtbl->Release(This))
#define IDODownload_Start(This,ranges) ((This)->lpVtbl->Start(This,ranges))
#define IDODownload_Pause(This) ((This)->lpVtbl->Pause(This))
#define IDODownload_Abort(This) ((This)->lpVtbl->Abort(This))
#define IDODownload_Finalize(This) ((This)->lpVtbl->Finalize(This))
#define IDODownload_GetStatus(This,status) ((This)->lpVtbl->GetStatus(This,status))
#define IDODownload_GetProperty(This,propId,propVal) ((This)->lpVtbl->GetProperty(This,propId,propVal))
#define IDODownload_SetProperty(This,propId,propVal) ((This)->lpVtbl->SetProperty(This,propId,propVal))

/* ------------------------------------------------------------------------------------------------
 * IDODownloadStatusCallback  (IID D166E8E3-A90E-4392-8E87-05E996D3747D)
 * Inherits IUnknown.
 * (spec 7, declared only) Implemented by the client; called whenever a download's status changes.
 * ---------------------------------------------------------------------------------------------- */
typedef struct IDODownloadStatusCallbackVtbl {
        /* IUnknown */
        HRESULT (*QueryInterface)(IDODownloadStatusCallback *This, REFIID riid, void **ppvObject); /* 0 */
        ULONG (*AddRef)(IDODownloadStatusCallback *This); /* 1 */
        ULONG (*Release)(IDODownloadStatusCallback *This); /* 2 */
        /* IDODownloadStatusCallback */
        HRESULT (*OnStatusChange)(IDODownloadStatusCallback *This, IDODownload *download, const DO_DOWNLOAD_STATUS *status); /* 3 */
} IDODownloadStatusCallbackVtbl;

struct IDODownloadStatusCallback {
        const IDODownloadStatusCallbackVtbl *lpVtbl;
};

#define IDODownloadStatusCallback_QueryInterface(This,riid,ppvObject) ((This)->lpVtbl->QueryInterface(This,riid,ppvObject))
#define IDODownloadStatusCallback_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IDODownloadStatusCallback_Release(This) ((This)->lpVtbl->Release(This))
#define IDODownloadStatusCallback_OnStatusChange(This,download,status) ((This)->lpVtbl->OnStatusChange(This,download,status))

/* ------------------------------------------------------------------------------------------------
 * IIDs and CLSIDs. Defined in libdosvc (src/lib/guids.c); pass their address: &IID_IBackgroundCopyJob.
 * ---------------------------------------------------------------------------------------------- */
DOSVC_EXPORT extern const GUID GUID_NULL; /* 00000000-0000-0000-0000-000000000000 */
#define IID_NULL GUID_NULL
#define CLSID_NULL GUID_NULL
DOSVC_EXPORT extern const IID IID_IUnknown; /* 00000000-0000-0000-C000-000000000046 */
DOSVC_EXPORT extern const IID IID_IEnumUnknown; /* 00000100-0000-0000-C000-000000000046 */
DOSVC_EXPORT extern const IID IID_IBackgroundCopyManager; /* 5CE34C0D-0DC9-4C1F-897C-DAA1B78CEE7C */
DOSVC_EXPORT extern const IID IID_IBackgroundCopyJob; /* 37668D37-507E-4160-9316-26306D150B12 */
DOSVC_EXPORT extern const IID IID_IBackgroundCopyJob2; /* 54B50739-686F-45EB-9DFF-D6A9A0FAA9AF */
DOSVC_EXPORT extern const IID IID_IBackgroundCopyJob3; /* 443C8934-90FF-48ED-BCDE-26F5C7450042 */
DOSVC_EXPORT extern const IID IID_IBackgroundCopyJob4; /* 659CDEAE-489E-11D9-A9CD-000D56965251 */
DOSVC_EXPORT extern const IID IID_IBackgroundCopyJob5; /* E847030C-BBBA-4657-AF6D-484AA42BF1FE */
DOSVC_EXPORT extern const IID IID_IBackgroundCopyFile; /* 01B7BD23-FB88-4A77-8490-5891D3E4653A */
DOSVC_EXPORT extern const IID IID_IBackgroundCopyFile2; /* 83E81B93-0873-474D-8A8C-F2018B1A939C */
DOSVC_EXPORT extern const IID IID_IBackgroundCopyFile3; /* 659CDEAA-489E-11D9-A9CD-000D56965251 */
DOSVC_EXPORT extern const IID IID_IBackgroundCopyFile4; /* EF7E0655-7888-4960-B0E5-730846E03492 */
DOSVC_EXPORT extern const IID IID_IBackgroundCopyFile5; /* 85C1657F-DAFC-40E8-8834-DF18EA25717E */
DOSVC_EXPORT extern const IID IID_IEnumBackgroundCopyFiles; /* CA51E165-C365-424C-8D41-24AAA4FF3C40 */
DOSVC_EXPORT extern const IID IID_IEnumBackgroundCopyJobs; /* 1AF4F612-3B71-466F-8F58-7B6F73AC57AD */
DOSVC_EXPORT extern const IID IID_IBackgroundCopyError; /* 19C613A0-FCB8-4F28-81AE-897C3D078F81 */
DOSVC_EXPORT extern const IID IID_IBackgroundCopyCallback; /* 97EA99C7-0186-4AD4-8DF9-C5B4E0ED6B22 */
DOSVC_EXPORT extern const IID IID_IBackgroundCopyCallback2; /* 659CDEAC-489E-11D9-A9CD-000D56965251 */
DOSVC_EXPORT extern const IID IID_IDeliveryOptimizationJob; /* EE2584CF-A69C-4848-B633-2649962B3EF7 */
DOSVC_EXPORT extern const IID IID_IDeliveryOptimizationJob2; /* 18995A26-BF59-4ABE-9F8B-D5092D5A2405 */
DOSVC_EXPORT extern const IID IID_IDeliveryOptimizationFile; /* B76B9699-E99E-4101-803F-A20E325D93E2 */
DOSVC_EXPORT extern const IID IID_IDeliveryOptimizationFile2; /* 3A87296F-6EC2-4126-AB29-E3F8DC4CC390 */
DOSVC_EXPORT extern const IID IID_IDOManager; /* 400E2D4A-1431-4C1A-A748-39CA472CFDB1 */
DOSVC_EXPORT extern const IID IID_IDODownload; /* FBBD7FC0-C147-4727-A38D-827EF071EE77 */
DOSVC_EXPORT extern const IID IID_IDODownloadStatusCallback; /* D166E8E3-A90E-4392-8E87-05E996D3747D */
/* The BITS manager coclass: CoCreateInstance(&CLSID_BackgroundCopyManager, NULL,
 * CLSCTX_LOCAL_SERVER, &IID_IBackgroundCopyManager, &p). */
DOSVC_EXPORT extern const CLSID CLSID_BackgroundCopyManager; /* 4991D34B-80A1-4291-83B6-3328366B9097 */
/* The do.h coclass exposing IDOManager (spec 7). */
DOSVC_EXPORT extern const CLSID CLSID_DeliveryOptimization;  /* 5B99FA76-721C-423C-ADAC-56D03C8A8007 */

/* ------------------------------------------------------------------------------------------------
 * Functions exported by libdosvc.
 * ---------------------------------------------------------------------------------------------- */

/* CoCreateInstance dwClsContext values (Windows CLSCTX). dosvc always runs the manager out of
 * process, in the dosvc service; every context that includes CLSCTX_LOCAL_SERVER is accepted. */
typedef enum tagCLSCTX {
        CLSCTX_INPROC_SERVER = 0x1,
        CLSCTX_INPROC_HANDLER = 0x2,
        CLSCTX_LOCAL_SERVER = 0x4,
        CLSCTX_REMOTE_SERVER = 0x10,
        CLSCTX_SERVER = 0x15,   /* INPROC_SERVER | LOCAL_SERVER | REMOTE_SERVER */
        CLSCTX_ALL = 0x17       /* SERVER | INPROC_HANDLER */
} CLSCTX;

/* CoInitializeEx dwCoInit values (Windows COINIT). dosvc has no apartments: both models behave
 * alike, and objects may be called from any thread. */
typedef enum tagCOINIT {
        COINIT_MULTITHREADED = 0x0,
        COINIT_APARTMENTTHREADED = 0x2,
        COINIT_DISABLE_OLE1DDE = 0x4,
        COINIT_SPEED_OVER_MEMORY = 0x8
} COINIT;

/* CONSTRUCTOR DoCreateManager: connects to the dosvc service (D-Bus) and returns a new
 * IBackgroundCopyManager in *ppManager, holding one reference; Release it when done. Needs no
 * CoInitializeEx(). Returns S_OK; E_POINTER when ppManager is NULL; E_OUTOFMEMORY;
 * DO_E_NO_SERVICE when the service cannot be reached. On failure *ppManager is NULL.
 * Thread-safe. */
DOSVC_EXPORT HRESULT DoCreateManager(IBackgroundCopyManager **ppManager);

/* CoInitializeEx: for source compatibility with Windows. pvReserved must be NULL. Returns S_OK on
 * the first call on a thread, S_FALSE when the thread was already initialized; E_INVALIDARG for a
 * non-NULL pvReserved or unknown flags. Each successful call (S_OK or S_FALSE) must be balanced by one
 * CoUninitialize() on the same thread. dosvc does not require it. */
DOSVC_EXPORT HRESULT CoInitializeEx(void *pvReserved, DWORD dwCoInit);

/* CoUninitialize: undoes one successful CoInitializeEx() on this thread. Objects stay valid. */
DOSVC_EXPORT void CoUninitialize(void);

/* CONSTRUCTOR CoCreateInstance: creates the object of class *rclsid and returns its interface *riid
 * in *ppv, holding one reference. Supported: CLSID_BackgroundCopyManager and, until IDOManager
 * exists, CLSID_DeliveryOptimization (both the same as DoCreateManager(), then QueryInterface for
 * IID_IUnknown or IID_IBackgroundCopyManager). Returns S_OK; E_POINTER (ppv NULL) or E_INVALIDARG (rclsid or riid NULL);
 * CLASS_E_NOAGGREGATION when pUnkOuter is not NULL; REGDB_E_CLASSNOTREG for another class or a
 * context without CLSCTX_LOCAL_SERVER; E_NOINTERFACE when the object lacks riid; the errors of
 * DoCreateManager(). On failure *ppv is NULL. Thread-safe. */
DOSVC_EXPORT HRESULT CoCreateInstance(REFCLSID rclsid, IUnknown *pUnkOuter, DWORD dwClsContext, REFIID riid,
                                      void **ppv);

/* CoTaskMemAlloc: allocates cb bytes (malloc semantics; cb 0 returns a unique pointer), or NULL.
 * CoTaskMemFree: frees memory from CoTaskMemAlloc() and every string or array an API call returns;
 * NULL is a no-op. Both are thread-safe. */
DOSVC_EXPORT void *CoTaskMemAlloc(size_t cb);
DOSVC_EXPORT void CoTaskMemFree(void *pv);

/* SysAllocString: a BSTR holding a copy of the UTF-8 string psz; NULL when psz is NULL or memory is
 * short. SysFreeString: frees a BSTR; NULL is a no-op. A BSTR is not interchangeable with
 * CoTaskMemAlloc() memory. */
DOSVC_EXPORT BSTR SysAllocString(const char *psz);
DOSVC_EXPORT void SysFreeString(BSTR bstrString);

/* VariantInit: sets vt to VT_EMPTY without looking at the old contents.
 * VariantClear: frees what the VARIANT owns (SysFreeString a VT_BSTR, Release a VT_UNKNOWN, free a
 * VT_ARRAY) and sets vt to VT_EMPTY. Returns S_OK; E_INVALIDARG for NULL; DISP_E_BADVARTYPE for a vt
 * it does not know (nothing is freed). Neither is thread-safe on the same VARIANT. */
DOSVC_EXPORT void VariantInit(VARIANT *pvarg);
DOSVC_EXPORT HRESULT VariantClear(VARIANT *pvarg);

#ifdef __cplusplus
}
#endif

#endif /* DOSVC_DELIVERYOPTIMIZATION_H */
