/* test-lib-args.c: unit tests for libdosvc's checks "at the door" and its pure helpers.
 *
 * Everything here runs without a daemon: argument validation happens before any bus call, objects
 * are built with the library's internal constructors (linked from the internal static library),
 * and DOSVC_BUS_ADDRESS points at a socket that does not exist, so a call that would reach the bus
 * fails fast with DO_E_NO_SERVICE instead of starting a daemon. No sleeps, no files. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <deliveryoptimization.h>
#include <dosvc/hresult.h>
#include <dosvc/version.h>

#include "bus-client.h"
#include "proxies.h"
#include "util.h"

#define assert_hr(a, b) assert_int_equal((uint32_t) (a), (uint32_t) (b))

static const GUID test_guid = { 0x3f2504e0, 0x4f89, 0x11d3, { 0x9a, 0x0c, 0x03, 0x05, 0xe8, 0x2c, 0x33, 0x01 } };
#define TEST_JOB_PATH "/org/dosvc1/job/3f2504e04f8911d39a0c0305e82c3301"

static IBackgroundCopyJob5 *new_job5(void) {
        DoJob *j = NULL;

        assert_hr(job_proxy_new(TEST_JOB_PATH, &test_guid, &j), S_OK);
        return (IBackgroundCopyJob5 *) job_proxy_as_job(j);
}

/* ---- GUIDs, UTF-8, languages ---- */

static void test_lib__guid_string_round_trip(void **state) {
        char buf[GUID_STRING_MAX];
        GUID g;

        (void) state;
        assert_string_equal(guid_to_string(&test_guid, buf), "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}");
        assert_int_equal(guid_from_string(buf, &g), 0);
        assert_true(guid_equal(&g, &test_guid));
        /* without braces, upper case */
        assert_int_equal(guid_from_string("3F2504E0-4F89-11D3-9A0C-0305E82C3301", &g), 0);
        assert_true(guid_equal(&g, &test_guid));
        assert_true(guid_is_null(&GUID_NULL));
        assert_false(guid_is_null(&test_guid));
}

static void test_lib__guid_string_rejects_garbage(void **state) {
        GUID g;

        (void) state;
        assert_int_equal(guid_from_string("", &g), -EINVAL);
        assert_int_equal(guid_from_string("{3f2504e0-4f89-11d3-9a0c-0305e82c3301", &g), -EINVAL);
        assert_int_equal(guid_from_string("3f2504e0-4f89-11d3-9a0c-0305e82c330", &g), -EINVAL);
        assert_int_equal(guid_from_string("3f2504e0x4f89-11d3-9a0c-0305e82c3301", &g), -EINVAL);
        assert_int_equal(guid_from_string("3f2504e0-4f89-11d3-9a0c-0305e82c330g", &g), -EINVAL);
        assert_int_equal(guid_from_string("{3f2504e04f8911d39a0c0305e82c3301}", &g), -EINVAL);
        assert_int_equal(guid_from_string(NULL, &g), -EINVAL);
}

static void test_lib__utf8_counts_code_points(void **state) {
        (void) state;
        assert_int_equal(utf8_length(""), 0);
        assert_int_equal(utf8_length("abc"), 3);
        assert_int_equal(utf8_length("\xc3\xa9t\xc3\xa9"), 3);               /* "été" */
        assert_int_equal(utf8_length("\xe2\x82\xac"), 1);                    /* € */
        assert_int_equal(utf8_length("\xf0\x9f\x98\x80"), 1);                /* U+1F600 */
        assert_int_equal(utf8_length("\xc3"), -1);                      /* truncated */
        assert_int_equal(utf8_length("\xc0\xaf"), -1);                  /* overlong '/' */
        assert_int_equal(utf8_length("\xed\xa0\x80"), -1);              /* surrogate */
        assert_int_equal(utf8_length("\xf4\x90\x80\x80"), -1);          /* > U+10FFFF */
        assert_int_equal(utf8_length("\xff"), -1);
        assert_int_equal(utf8_length("a\x80"), -1);                     /* stray continuation */
}

static void test_lib__languages_english_or_neutral(void **state) {
        (void) state;
        assert_true(lang_is_supported(0));
        assert_true(lang_is_supported(0x0409));   /* en-US */
        assert_true(lang_is_supported(0x0809));   /* en-GB */
        assert_true(lang_is_supported(0x0400));   /* LANG_USER_DEFAULT */
        assert_true(lang_is_supported(0x0800));   /* LANG_SYSTEM_DEFAULT */
        assert_false(lang_is_supported(0x0407));  /* de-DE */
        assert_false(lang_is_supported(0x040c));  /* fr-FR */
        assert_false(lang_is_supported(0x10409));
}

/* ---- error mapping ---- */

static void test_lib__bus_errors_map_to_hresults(void **state) {
        sd_bus_error e = SD_BUS_ERROR_NULL;

        (void) state;
        e.name = "org.dosvc1.Error.HR_80D02013";
        assert_hr(bus_error_to_hresult(&e, -EIO), DO_E_INVALID_STATE);
        e.name = "org.dosvc1.Error.HR_80200049";
        assert_hr(bus_error_to_hresult(&e, -EIO), BG_E_TOO_MANY_JOBS_PER_USER);
        e.name = SD_BUS_ERROR_UNKNOWN_OBJECT;
        assert_hr(bus_error_to_hresult(&e, -ENXIO), DO_E_JOB_NOT_FOUND);
        e.name = SD_BUS_ERROR_INVALID_ARGS;
        assert_hr(bus_error_to_hresult(&e, -EINVAL), E_INVALIDARG);
        e.name = SD_BUS_ERROR_ACCESS_DENIED;
        assert_hr(bus_error_to_hresult(&e, -EACCES), E_ACCESSDENIED);
        e.name = SD_BUS_ERROR_NO_MEMORY;
        assert_hr(bus_error_to_hresult(&e, -ENOMEM), E_OUTOFMEMORY);
        e.name = SD_BUS_ERROR_DISCONNECTED;
        assert_hr(bus_error_to_hresult(&e, -ECONNRESET), DO_E_NO_SERVICE);
        e.name = "org.example.Error.Whatever";
        assert_hr(bus_error_to_hresult(&e, -EIO), E_FAIL);
        e.name = "org.dosvc1.Error.HR_80d02013";   /* lower case is not ours: not a valid name */
        assert_hr(bus_error_to_hresult(&e, -EIO), E_FAIL);

        assert_hr(bus_error_to_hresult(NULL, -ECONNREFUSED), DO_E_NO_SERVICE);
        assert_hr(bus_error_to_hresult(NULL, -ENOENT), DO_E_NO_SERVICE);
        assert_hr(bus_error_to_hresult(NULL, -ENOTCONN), DO_E_NO_SERVICE);
        assert_hr(bus_error_to_hresult(NULL, -ECONNRESET), DO_E_NO_SERVICE);
        assert_hr(bus_error_to_hresult(NULL, -ENOMEM), E_OUTOFMEMORY);
        assert_hr(bus_error_to_hresult(NULL, -EBADMSG), E_FAIL);
}

/* ---- COM runtime ---- */

static void test_lib__create_manager_null_is_pointer(void **state) {
        (void) state;
        assert_hr(DoCreateManager(NULL), E_POINTER);
}

static void test_lib__create_manager_without_daemon_is_no_service(void **state) {
        IBackgroundCopyManager *m = (IBackgroundCopyManager *) 0x1;

        (void) state;
        /* DOSVC_BUS_ADDRESS names a socket that does not exist: no daemon is started for it. */
        assert_hr(DoCreateManager(&m), DO_E_NO_SERVICE);
        assert_null(m);
}

static void test_lib__cocreateinstance_checks_class_and_arguments(void **state) {
        static const CLSID unknown = { 0x12345678, 0x1234, 0x1234, { 1, 2, 3, 4, 5, 6, 7, 8 } };
        void *p = (void *) 0x1;

        (void) state;
        assert_hr(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_LOCAL_SERVER, &IID_IBackgroundCopyManager,
                                   NULL), E_POINTER);
        assert_hr(CoCreateInstance(&unknown, NULL, CLSCTX_LOCAL_SERVER, &IID_IBackgroundCopyManager, &p),
                  REGDB_E_CLASSNOTREG);
        assert_null(p);
        p = (void *) 0x1;
        assert_hr(CoCreateInstance(NULL, NULL, CLSCTX_LOCAL_SERVER, &IID_IBackgroundCopyManager, &p), E_INVALIDARG);
        assert_null(p);
        assert_hr(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_LOCAL_SERVER, NULL, &p), E_INVALIDARG);
        assert_hr(CoCreateInstance(&CLSID_BackgroundCopyManager, (IUnknown *) 0x1, CLSCTX_LOCAL_SERVER,
                                   &IID_IBackgroundCopyManager, &p), CLASS_E_NOAGGREGATION);
        assert_hr(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_INPROC_SERVER,
                                   &IID_IBackgroundCopyManager, &p), REGDB_E_CLASSNOTREG);
        /* an interface the manager lacks is refused before any connection */
        assert_hr(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_ALL, &IID_IBackgroundCopyJob, &p),
                  E_NOINTERFACE);
        assert_null(p);
        /* the right class and interface: reaches for the (missing) service */
        assert_hr(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_ALL, &IID_IBackgroundCopyManager, &p),
                  DO_E_NO_SERVICE);
        assert_null(p);
}

static void test_lib__coinitialize_counts_per_thread(void **state) {
        (void) state;
        assert_hr(CoInitializeEx((void *) 0x1, COINIT_MULTITHREADED), E_INVALIDARG);
        assert_hr(CoInitializeEx(NULL, 0x100), E_INVALIDARG);
        assert_hr(CoInitializeEx(NULL, COINIT_MULTITHREADED), S_OK);
        assert_hr(CoInitializeEx(NULL, COINIT_APARTMENTTHREADED), S_FALSE);
        CoUninitialize();
        CoUninitialize();
        assert_hr(CoInitializeEx(NULL, COINIT_MULTITHREADED), S_OK);
        CoUninitialize();
        CoUninitialize();   /* unbalanced: harmless */
}

static void test_lib__memory_strings_and_variants(void **state) {
        VARIANT v;
        void *p;

        (void) state;
        p = CoTaskMemAlloc(0);
        assert_non_null(p);
        CoTaskMemFree(p);
        CoTaskMemFree(NULL);

        assert_null(SysAllocString(NULL));
        SysFreeString(NULL);

        VariantInit(&v);
        assert_int_equal(V_VT(&v), VT_EMPTY);
        V_VT(&v) = VT_BSTR;
        V_BSTR(&v) = SysAllocString("héllo");
        assert_string_equal(V_BSTR(&v), "héllo");
        assert_hr(VariantClear(&v), S_OK);
        assert_int_equal(V_VT(&v), VT_EMPTY);
        V_VT(&v) = 0x7777;
        assert_hr(VariantClear(&v), DISP_E_BADVARTYPE);
        assert_int_equal(V_VT(&v), 0x7777);
        assert_hr(VariantClear(NULL), E_INVALIDARG);

        assert_string_equal(dosvc_version(), "0.1.0");
        assert_non_null(DoHResultName(DO_E_NO_SERVICE));
}

/* ---- manager ---- */

static void test_lib__create_job_checks_arguments(void **state) {
        IBackgroundCopyManager *m = NULL;
        IBackgroundCopyJob *job = (IBackgroundCopyJob *) 0x1;
        char name[258];
        GUID id;

        (void) state;
        assert_hr(manager_new(&m), S_OK);

        assert_hr(IBackgroundCopyManager_CreateJob(m, NULL, BG_JOB_TYPE_DOWNLOAD, &id, &job), E_INVALIDARG);
        assert_null(job);
        assert_hr(IBackgroundCopyManager_CreateJob(m, "x", BG_JOB_TYPE_DOWNLOAD, NULL, &job), E_INVALIDARG);
        assert_hr(IBackgroundCopyManager_CreateJob(m, "x", BG_JOB_TYPE_DOWNLOAD, &id, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyManager_CreateJob(m, "x", BG_JOB_TYPE_UPLOAD, &id, &job), E_INVALIDARG);
        assert_hr(IBackgroundCopyManager_CreateJob(m, "x", (BG_JOB_TYPE) -1, &id, &job), E_INVALIDARG);
        assert_hr(IBackgroundCopyManager_CreateJob(m, "bad \xc3(", BG_JOB_TYPE_DOWNLOAD, &id, &job), E_INVALIDARG);
        memset(name, 'a', 257);
        name[257] = '\0';
        assert_hr(IBackgroundCopyManager_CreateJob(m, name, BG_JOB_TYPE_DOWNLOAD, &id, &job), E_INVALIDARG);
        assert_null(job);
        /* 256 characters pass the door (and then find no service) */
        name[256] = '\0';
        assert_hr(IBackgroundCopyManager_CreateJob(m, name, BG_JOB_TYPE_DOWNLOAD, &id, &job), DO_E_NO_SERVICE);
        assert_null(job);

        assert_hr(IBackgroundCopyManager_GetJob(m, NULL, &job), E_INVALIDARG);
        assert_hr(IBackgroundCopyManager_GetJob(m, &test_guid, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyManager_EnumJobs(m, 0, NULL), E_INVALIDARG);

        assert_int_equal(IBackgroundCopyManager_Release(m), 0);
}

static void test_lib__manager_error_description_is_english_only(void **state) {
        IBackgroundCopyManager *m = NULL;
        IUnknown *unk = NULL;
        char *s = (char *) 0x1;

        (void) state;
        assert_hr(manager_new(&m), S_OK);
        assert_hr(IBackgroundCopyManager_GetErrorDescription(m, DO_E_JOB_NOT_FOUND, 0x409, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyManager_GetErrorDescription(m, DO_E_JOB_NOT_FOUND, 0x407, &s), (HRESULT) 0x80070717u);
        assert_null(s);
        assert_hr(IBackgroundCopyManager_GetErrorDescription(m, DO_E_JOB_NOT_FOUND, 0x409, &s), S_OK);
        assert_string_equal(s, DoHResultMessage(DO_E_JOB_NOT_FOUND));
        CoTaskMemFree(s);
        assert_hr(IBackgroundCopyManager_GetErrorDescription(m, E_FAIL, 0, &s), S_OK);
        CoTaskMemFree(s);

        assert_hr(IBackgroundCopyManager_QueryInterface(m, &IID_IUnknown, (void **) &unk), S_OK);
        assert_ptr_equal(unk, m);
        IUnknown_Release(unk);
        assert_hr(IBackgroundCopyManager_QueryInterface(m, &IID_IBackgroundCopyJob, (void **) &unk), E_NOINTERFACE);
        assert_null(unk);
        assert_int_equal(IBackgroundCopyManager_Release(m), 0);
}

/* ---- job ---- */

static void test_lib__job_query_interface(void **state) {
        IBackgroundCopyJob5 *job5 = new_job5();
        IDeliveryOptimizationJob *dj = NULL;
        IDeliveryOptimizationJob2 *dj2 = NULL;
        IUnknown *u1 = NULL, *u2 = NULL;
        void *p = NULL;

        (void) state;
        assert_hr(IBackgroundCopyJob5_QueryInterface(job5, &IID_IBackgroundCopyJob5, &p), S_OK);
        assert_ptr_equal(p, job5);
        IBackgroundCopyJob5_Release(job5);
        assert_hr(IBackgroundCopyJob5_QueryInterface(job5, &IID_IBackgroundCopyJob, &p), S_OK);
        assert_ptr_equal(p, job5);
        IBackgroundCopyJob5_Release(job5);
        assert_hr(IBackgroundCopyJob5_QueryInterface(job5, &IID_IBackgroundCopyJob3, &p), S_OK);
        IBackgroundCopyJob5_Release(job5);

        assert_hr(IBackgroundCopyJob5_QueryInterface(job5, &IID_IDeliveryOptimizationJob, (void **) &dj), S_OK);
        assert_non_null(dj);
        assert_ptr_not_equal(dj, job5);
        assert_hr(IDeliveryOptimizationJob_QueryInterface(dj, &IID_IDeliveryOptimizationJob2, (void **) &dj2), S_OK);
        assert_non_null(dj2);

        /* COM identity: IUnknown is the same pointer from every interface */
        assert_hr(IDeliveryOptimizationJob2_QueryInterface(dj2, &IID_IUnknown, (void **) &u1), S_OK);
        assert_hr(IBackgroundCopyJob5_QueryInterface(job5, &IID_IUnknown, (void **) &u2), S_OK);
        assert_ptr_equal(u1, u2);
        IUnknown_Release(u1);
        IUnknown_Release(u2);

        p = (void *) 0x1;
        assert_hr(IBackgroundCopyJob5_QueryInterface(job5, &IID_IBackgroundCopyFile, &p), E_NOINTERFACE);
        assert_null(p);
        assert_hr(IBackgroundCopyJob5_QueryInterface(job5, &IID_IBackgroundCopyJob, NULL), E_POINTER);

        IDeliveryOptimizationJob2_Release(dj2);
        IDeliveryOptimizationJob_Release(dj);
        assert_int_equal(IBackgroundCopyJob5_Release(job5), 0);
}

static void test_lib__job_checks_arguments_before_the_bus(void **state) {
        IBackgroundCopyJob5 *job5 = new_job5();
        IDeliveryOptimizationJob *dj = NULL;
        BG_FILE_INFO bad_set[2] = { { "http://h/a", "/tmp/a" }, { NULL, "/tmp/b" } };
        char long_desc[1026];
        IUnknown *notify = (IUnknown *) 0x1;
        GUID id;

        (void) state;
        assert_hr(IBackgroundCopyJob5_GetDisplayName(job5, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_GetDescription(job5, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_GetNotifyFlags(job5, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_GetProgress(job5, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_GetTimes(job5, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_GetState(job5, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_GetError(job5, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_GetOwner(job5, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_EnumFiles(job5, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_GetId(job5, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_GetId(job5, &id), S_OK);
        assert_true(guid_equal(&id, &test_guid));

        assert_hr(IBackgroundCopyJob5_SetPriority(job5, (BG_JOB_PRIORITY) 4), E_NOTIMPL);
        assert_hr(IBackgroundCopyJob5_SetPriority(job5, (BG_JOB_PRIORITY) -1), E_NOTIMPL);
        assert_hr(IBackgroundCopyJob5_SetNotifyFlags(job5, 0x40), E_NOTIMPL);
        assert_hr(IBackgroundCopyJob5_SetDisplayName(job5, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_SetDescription(job5, NULL), E_INVALIDARG);
        memset(long_desc, 'd', 1025);
        long_desc[1025] = '\0';
        assert_hr(IBackgroundCopyJob5_SetDescription(job5, long_desc), BG_E_STRING_TOO_LONG);

        assert_hr(IBackgroundCopyJob5_AddFile(job5, NULL, "/tmp/x"), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_AddFile(job5, "http://h/x", NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_AddFile(job5, "http://h/x", ""), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_AddFileSet(job5, 0, bad_set), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_AddFileSet(job5, 1, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_AddFileSet(job5, 2, bad_set), E_INVALIDARG);

        assert_hr(IBackgroundCopyJob5_QueryInterface(job5, &IID_IDeliveryOptimizationJob, (void **) &dj), S_OK);
        assert_hr(IDeliveryOptimizationJob_AddFileWithRanges(dj, "id", "http://h/x", NULL, 0, NULL, DO_UNKNOWN_FILE_SIZE),
                  E_INVALIDARG);
        assert_hr(IDeliveryOptimizationJob_AddFileWithRanges(dj, "id", "http://h/x", "", 0, NULL, DO_UNKNOWN_FILE_SIZE),
                  E_INVALIDARG);
        assert_hr(IDeliveryOptimizationJob_AddFileWithRanges(dj, "id", NULL, "/tmp/x", 0, NULL, DO_UNKNOWN_FILE_SIZE),
                  E_INVALIDARG);
        assert_hr(IDeliveryOptimizationJob_AddFileWithRanges(dj, "id", "http://h/x", "/tmp/x", 2, NULL,
                                                             DO_UNKNOWN_FILE_SIZE), E_INVALIDARG);
        IDeliveryOptimizationJob_Release(dj);

        /* the notify interface lives in the proxy: none yet */
        assert_hr(IBackgroundCopyJob5_GetNotifyInterface(job5, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_GetNotifyInterface(job5, &notify), S_OK);
        assert_null(notify);

        /* past the door, the (missing) service answers */
        assert_hr(IBackgroundCopyJob5_Resume(job5), DO_E_NO_SERVICE);
        assert_int_equal(IBackgroundCopyJob5_Release(job5), 0);
}

static void test_lib__job_unsupported_methods_are_notimpl(void **state) {
        IBackgroundCopyJob5 *job5 = new_job5();

        (void) state;
        assert_hr(IBackgroundCopyJob5_AddFileWithRanges(job5, "http://h/x", "/tmp/x", 0, NULL), E_NOTIMPL);
        assert_hr(IBackgroundCopyJob5_SetMaximumDownloadTime(job5, 10), E_NOTIMPL);
        assert_int_equal(IBackgroundCopyJob5_Release(job5), 0);
}

/* Job5 properties, DO Job2, proxy settings, ownership: checked at the door, then the (missing)
 * service answers. */
static void test_lib__job_properties_check_at_the_door(void **state) {
        IBackgroundCopyJob5 *job5 = new_job5();
        IDeliveryOptimizationJob2 *dj2 = NULL;
        BITS_JOB_PROPERTY_VALUE value = { .Dword = BITS_JOB_TRANSFER_POLICY_ALWAYS };
        char *a = (char *) 0x1, *b = (char *) 0x1;
        BG_JOB_PROXY_USAGE usage;
        void *object = (void *) 0x1;
        VARIANT v;

        (void) state;
        assert_hr(IBackgroundCopyJob5_SetProxySettings(job5, BG_JOB_PROXY_USAGE_NO_PROXY, NULL, NULL), DO_E_NO_SERVICE);
        /* notify command line: NULL program with parameters, or a NULL out pointer, at the door [BITS] */
        assert_hr(IBackgroundCopyJob5_SetNotifyCmdLine(job5, NULL, "/bin/true"), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_SetNotifyCmdLine(job5, "/bin/true", NULL), DO_E_NO_SERVICE);
        assert_hr(IBackgroundCopyJob5_GetNotifyCmdLine(job5, NULL, &b), E_INVALIDARG);
        assert_null(b);
        b = (char *) 0x1;
        assert_hr(IBackgroundCopyJob5_GetProxySettings(job5, NULL, &a, &b), E_INVALIDARG);
        assert_null(a);
        assert_null(b);
        assert_hr(IBackgroundCopyJob5_GetProxySettings(job5, &usage, NULL, &b), E_INVALIDARG);
        assert_hr(IBackgroundCopyJob5_TakeOwnership(job5), DO_E_NO_SERVICE);

        assert_hr(IBackgroundCopyJob5_SetProperty(job5, BITS_JOB_PROPERTY_ID_COST_FLAGS, value), DO_E_NO_SERVICE);
        assert_hr(IBackgroundCopyJob5_SetProperty(job5, BITS_JOB_PROPERTY_DYNAMIC_CONTENT, value),
                  DO_E_UNKNOWN_PROPERTY_ID);
        assert_hr(IBackgroundCopyJob5_GetProperty(job5, BITS_JOB_PROPERTY_ID_COST_FLAGS, &value), DO_E_NO_SERVICE);
        assert_hr(IBackgroundCopyJob5_GetProperty(job5, BITS_JOB_PROPERTY_ON_DEMAND_MODE, &value),
                  DO_E_UNKNOWN_PROPERTY_ID);
        assert_hr(IBackgroundCopyJob5_GetProperty(job5, BITS_JOB_PROPERTY_ID_COST_FLAGS, NULL), E_INVALIDARG);

        assert_hr(IBackgroundCopyJob5_QueryInterface(job5, &IID_IDeliveryOptimizationJob2, (void **) &dj2), S_OK);
        assert_hr(IDeliveryOptimizationJob2_AddFile(dj2, "id", "http://h/x", 0, NULL, &IID_IBackgroundCopyFile,
                                                    &object), E_NOINTERFACE);
        assert_null(object);
        assert_hr(IDeliveryOptimizationJob2_AddFile(dj2, "id", NULL, 0, NULL, &IID_IDeliveryOptimizationFile,
                                                    &object), E_INVALIDARG);
        assert_hr(IDeliveryOptimizationJob2_AddFile(dj2, "id", "http://h/x", 2, NULL, &IID_IDeliveryOptimizationFile,
                                                    &object), E_INVALIDARG);
        assert_hr(IDeliveryOptimizationJob2_AddFile(dj2, "id", "http://h/x", 0, NULL, &IID_IDeliveryOptimizationFile,
                                                    NULL), E_INVALIDARG);
        object = (void *) 0x1;
        assert_hr(IDeliveryOptimizationJob2_AddFile(dj2, "id", "http://h/x", 0, NULL, &IID_IDeliveryOptimizationFile,
                                                    &object), DO_E_NO_SERVICE);
        assert_null(object);
        V_VT(&v) = VT_UI4;
        assert_hr(IDeliveryOptimizationJob2_GetProperty(dj2, (DOJobPropertyId) 1, &v), DO_E_UNKNOWN_PROPERTY_ID);
        assert_int_equal(V_VT(&v), VT_EMPTY);
        assert_hr(IDeliveryOptimizationJob2_GetProperty(dj2, DOJobPropertyId_ExtendedErrorInfo, NULL), E_INVALIDARG);
        assert_hr(IDeliveryOptimizationJob2_GetProperty(dj2, DOJobPropertyId_ExtendedErrorInfo, &v), DO_E_NO_SERVICE);
        assert_int_equal(V_VT(&v), VT_EMPTY);
        assert_hr(IDeliveryOptimizationJob2_SetProperty(dj2, DOJobPropertyId_ExtendedErrorInfo, &v),
                  DO_E_READ_ONLY_PROPERTY);
        assert_hr(IDeliveryOptimizationJob2_SetProperty(dj2, (DOJobPropertyId) 3, &v), DO_E_UNKNOWN_PROPERTY_ID);
        IDeliveryOptimizationJob2_Release(dj2);
        assert_int_equal(IBackgroundCopyJob5_Release(job5), 0);
}

/* ---- file, error ---- */

static void test_lib__file_checks_arguments_and_interfaces(void **state) {
        DoJob *j = NULL;
        IBackgroundCopyFile *file = NULL;
        IBackgroundCopyFile2 *file2 = NULL;
        IDeliveryOptimizationFile *df = NULL;
        DOSwarmStats stats;
        BG_FILE_RANGE *ranges = (BG_FILE_RANGE *) 0x1;
        DWORD n;

        (void) state;
        assert_hr(job_proxy_new(TEST_JOB_PATH, &test_guid, &j), S_OK);
        assert_hr(file_proxy_new(j, 0, &file), S_OK);
        (void) job_proxy_unref(j);         /* the file keeps the job alive */

        assert_hr(IBackgroundCopyFile_GetRemoteName(file, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyFile_GetLocalName(file, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyFile_GetProgress(file, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyFile_QueryInterface(file, &IID_IBackgroundCopyFile2, (void **) &file2), S_OK);
        assert_hr(IBackgroundCopyFile2_GetFileRanges(file2, NULL, &ranges), E_INVALIDARG);
        assert_hr(IBackgroundCopyFile2_GetFileRanges(file2, &n, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyFile2_SetRemoteName(file2, NULL), E_INVALIDARG);
        assert_hr(IBackgroundCopyFile2_SetRemoteName(file2, ""), E_INVALIDARG);
        IBackgroundCopyFile2_Release(file2);

        assert_hr(IBackgroundCopyFile_QueryInterface(file, &IID_IDeliveryOptimizationFile, (void **) &df), S_OK);
        assert_hr(IDeliveryOptimizationFile_GetStats(df, NULL), E_INVALIDARG);
        assert_hr(IDeliveryOptimizationFile_GetStats(df, &stats), DO_E_NO_SERVICE);
        assert_null(stats.fileId);
        IDeliveryOptimizationFile_Release(df);

        assert_int_equal(IBackgroundCopyFile_Release(file), 0);
}

static void test_lib__error_snapshot(void **state) {
        DoJob *j = NULL;
        IBackgroundCopyError *err = NULL;
        IBackgroundCopyFile *file = (IBackgroundCopyFile *) 0x1;
        ErrorRecord rec = {
                .hresult = (HRESULT) 0x80190194u,
                .context = BG_ERROR_CONTEXT_REMOTE_FILE,
                .file_index = -1,
                .description = "HTTP 404 from http://h/x",
                .context_description = "",
                .protocol = "",
        };
        BG_ERROR_CONTEXT ctx;
        HRESULT code;
        char *s = (char *) 0x1;

        (void) state;
        assert_hr(job_proxy_new(TEST_JOB_PATH, &test_guid, &j), S_OK);
        assert_hr(error_snapshot_new(j, &rec, &err), S_OK);
        (void) job_proxy_unref(j);

        assert_hr(IBackgroundCopyError_GetError(err, NULL, &code), E_INVALIDARG);
        assert_hr(IBackgroundCopyError_GetError(err, &ctx, &code), S_OK);
        assert_int_equal(ctx, BG_ERROR_CONTEXT_REMOTE_FILE);
        assert_hr(code, 0x80190194u);

        assert_hr(IBackgroundCopyError_GetFile(err, &file), DO_E_FILE_NOT_AVAILABLE);
        assert_null(file);

        assert_hr(IBackgroundCopyError_GetProtocol(err, &s), BG_E_PROTOCOL_NOT_AVAILABLE);
        assert_null(s);

        assert_hr(IBackgroundCopyError_GetErrorDescription(err, 0x407, &s), (HRESULT) 0x80070717u);
        assert_hr(IBackgroundCopyError_GetErrorDescription(err, 0x409, &s), S_OK);
        assert_non_null(strstr(s, DoHResultMessage(code)));
        assert_non_null(strstr(s, "HTTP 404 from http://h/x"));
        CoTaskMemFree(s);

        assert_hr(IBackgroundCopyError_GetErrorContextDescription(err, 0, &s), S_OK);
        assert_true(strlen(s) > 0);
        CoTaskMemFree(s);

        assert_int_equal(IBackgroundCopyError_Release(err), 0);
}

/* ---- enumerators ---- */

static void test_lib__enum_files_next_needs_fetched_for_more_than_one(void **state) {
        IEnumBackgroundCopyFiles *e = NULL, *clone = NULL;
        IBackgroundCopyFile *files[2] = {};
        ULONG fetched = 99, count = 99;

        (void) state;
        assert_hr(enum_files_new(NULL, NULL, 0, &e), S_OK);
        assert_hr(IEnumBackgroundCopyFiles_Next(e, 2, files, NULL), E_INVALIDARG);
        assert_hr(IEnumBackgroundCopyFiles_Next(e, 1, NULL, &fetched), E_INVALIDARG);
        assert_hr(IEnumBackgroundCopyFiles_Next(e, 1, files, NULL), S_FALSE);   /* celt 1: NULL allowed */
        assert_hr(IEnumBackgroundCopyFiles_Next(e, 2, files, &fetched), S_FALSE);
        assert_int_equal(fetched, 0);
        assert_hr(IEnumBackgroundCopyFiles_GetCount(e, &count), S_OK);
        assert_int_equal(count, 0);
        assert_hr(IEnumBackgroundCopyFiles_GetCount(e, NULL), E_INVALIDARG);
        assert_hr(IEnumBackgroundCopyFiles_Skip(e, 1), S_FALSE);
        assert_hr(IEnumBackgroundCopyFiles_Skip(e, 0), S_OK);
        assert_hr(IEnumBackgroundCopyFiles_Reset(e), S_OK);
        assert_hr(IEnumBackgroundCopyFiles_Clone(e, NULL), E_INVALIDARG);
        assert_hr(IEnumBackgroundCopyFiles_Clone(e, &clone), S_OK);
        assert_int_equal(IEnumBackgroundCopyFiles_Release(clone), 0);
        assert_int_equal(IEnumBackgroundCopyFiles_Release(e), 0);
}

static void test_lib__enum_files_positions(void **state) {
        static const uint32_t indices[] = { 0, 1, 2 };
        IEnumBackgroundCopyFiles *e = NULL, *clone = NULL;
        IBackgroundCopyFile *files[4] = {};
        DoJob *j = NULL;
        ULONG fetched = 0;

        (void) state;
        assert_hr(job_proxy_new(TEST_JOB_PATH, &test_guid, &j), S_OK);
        assert_hr(enum_files_new(j, indices, 3, &e), S_OK);
        (void) job_proxy_unref(j);

        assert_hr(IEnumBackgroundCopyFiles_Next(e, 2, files, &fetched), S_OK);
        assert_int_equal(fetched, 2);
        IBackgroundCopyFile_Release(files[0]);
        IBackgroundCopyFile_Release(files[1]);

        assert_hr(IEnumBackgroundCopyFiles_Clone(e, &clone), S_OK);   /* at position 2 */
        assert_hr(IEnumBackgroundCopyFiles_Next(e, 4, files, &fetched), S_FALSE);
        assert_int_equal(fetched, 1);
        IBackgroundCopyFile_Release(files[0]);

        /* the clone moves on its own */
        assert_hr(IEnumBackgroundCopyFiles_Skip(clone, 1), S_OK);
        assert_hr(IEnumBackgroundCopyFiles_Skip(clone, 1), S_FALSE);
        assert_hr(IEnumBackgroundCopyFiles_Reset(clone), S_OK);
        assert_hr(IEnumBackgroundCopyFiles_Skip(clone, 5), S_FALSE);
        assert_hr(IEnumBackgroundCopyFiles_Next(clone, 1, files, NULL), S_FALSE);
        assert_hr(IEnumBackgroundCopyFiles_Reset(e), S_OK);
        assert_hr(IEnumBackgroundCopyFiles_Next(e, 3, files, &fetched), S_OK);
        assert_int_equal(fetched, 3);
        for (int i = 0; i < 3; i++)
                IBackgroundCopyFile_Release(files[i]);

        assert_int_equal(IEnumBackgroundCopyFiles_Release(clone), 0);
        assert_int_equal(IEnumBackgroundCopyFiles_Release(e), 0);
}

static void test_lib__enum_jobs_hands_out_job_proxies(void **state) {
        JobEntry entries[2] = {
                { .id = test_guid, .path = (char *) TEST_JOB_PATH },
                { .id = { 0x1, 0x2, 0x3, { 4, 5, 6, 7, 8, 9, 10, 11 } },
                  .path = (char *) "/org/dosvc1/job/00000001000200030405060708090a0b" },
        };
        IEnumBackgroundCopyJobs *e = NULL;
        IBackgroundCopyJob *jobs[3] = {};
        ULONG fetched = 0, count = 0;
        GUID id;

        (void) state;
        assert_hr(enum_jobs_new(entries, 2, &e), S_OK);
        assert_hr(IEnumBackgroundCopyJobs_GetCount(e, &count), S_OK);
        assert_int_equal(count, 2);
        assert_hr(IEnumBackgroundCopyJobs_Next(e, 2, jobs, NULL), E_INVALIDARG);
        assert_hr(IEnumBackgroundCopyJobs_Next(e, 3, jobs, &fetched), S_FALSE);
        assert_int_equal(fetched, 2);
        assert_hr(IBackgroundCopyJob_GetId(jobs[0], &id), S_OK);
        assert_true(guid_equal(&id, &test_guid));
        assert_hr(IBackgroundCopyJob_GetId(jobs[1], &id), S_OK);
        assert_true(guid_equal(&id, &entries[1].id));
        IBackgroundCopyJob_Release(jobs[0]);
        IBackgroundCopyJob_Release(jobs[1]);
        assert_hr(IEnumBackgroundCopyJobs_Skip(e, 1), S_FALSE);
        assert_hr(IEnumBackgroundCopyJobs_Reset(e), S_OK);
        assert_hr(IEnumBackgroundCopyJobs_Next(e, 1, jobs, NULL), S_OK);
        IBackgroundCopyJob_Release(jobs[0]);
        assert_int_equal(IEnumBackgroundCopyJobs_Release(e), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_lib__guid_string_round_trip),
                cmocka_unit_test(test_lib__guid_string_rejects_garbage),
                cmocka_unit_test(test_lib__utf8_counts_code_points),
                cmocka_unit_test(test_lib__languages_english_or_neutral),
                cmocka_unit_test(test_lib__bus_errors_map_to_hresults),
                cmocka_unit_test(test_lib__create_manager_null_is_pointer),
                cmocka_unit_test(test_lib__create_manager_without_daemon_is_no_service),
                cmocka_unit_test(test_lib__cocreateinstance_checks_class_and_arguments),
                cmocka_unit_test(test_lib__coinitialize_counts_per_thread),
                cmocka_unit_test(test_lib__memory_strings_and_variants),
                cmocka_unit_test(test_lib__create_job_checks_arguments),
                cmocka_unit_test(test_lib__manager_error_description_is_english_only),
                cmocka_unit_test(test_lib__job_query_interface),
                cmocka_unit_test(test_lib__job_checks_arguments_before_the_bus),
                cmocka_unit_test(test_lib__job_unsupported_methods_are_notimpl),
                cmocka_unit_test(test_lib__job_properties_check_at_the_door),
                cmocka_unit_test(test_lib__file_checks_arguments_and_interfaces),
                cmocka_unit_test(test_lib__error_snapshot),
                cmocka_unit_test(test_lib__enum_files_next_needs_fetched_for_more_than_one),
                cmocka_unit_test(test_lib__enum_files_positions),
                cmocka_unit_test(test_lib__enum_jobs_hands_out_job_proxies),
        };

        /* Never reach (or start) a real daemon from a unit test. */
        (void) setenv("DOSVC_BUS_ADDRESS", "unix:path=/nonexistent/dosvc-unit-test/bus", 1);
        (void) unsetenv("DOSVC_DEBUG");
        return cmocka_run_group_tests(tests, NULL, NULL);
}
