/* test-api2.c: the rest of the API surface (issue 4), through libdosvc against a real daemon and a
 * real nginx (harness.h): properties of IBackgroundCopyJob5, IDeliveryOptimizationJob2 and
 * IDeliveryOptimizationFile2 (behaviours 78–81), IDeliveryOptimizationFile::GetStats (82),
 * IDeliveryOptimizationJob2::AddFile with DownloadSinkFilePath, IBackgroundCopyFile3/4/5, proxy
 * settings, ownership, EnumJobs(BG_JOB_ENUM_ALL_USERS), and job expiry after 30 days (85) with the
 * daemon's test clock ($DOSVC_TEST_CLOCK_OFFSET_SEC).
 *
 * The non-administrator checks run in a child re-executed as `nobody` with its own XDG dirs (so its
 * own daemon), as test-api.c does for behaviour 77. The tests that restart the daemon (SIGTERM, or
 * kill -9 for the proxy settings and the IntegrityCheckMandatory "set" flag) come last. */
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define SMALL_SIZE (100u * 1000u)
#define T_FAST_MS 30000u
#define DAY_SEC 86400u

static const GUID test_clsid = { 0x12345678u, 0x9abcu, 0xdef0u, { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 } };
static const GUID guid_null;

/* ---- helpers ---- */

static IBackgroundCopyJob5 *job5_of(IBackgroundCopyJob *job) {
        IBackgroundCopyJob5 *j5 = NULL;

        H_ASSERT_OK(IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJob5, (void **) &j5));
        return h_track(j5);
}

static IDeliveryOptimizationJob2 *dojob2_of(IBackgroundCopyJob *job) {
        IDeliveryOptimizationJob2 *j2 = NULL;

        H_ASSERT_OK(IBackgroundCopyJob_QueryInterface(job, &IID_IDeliveryOptimizationJob2, (void **) &j2));
        return h_track(j2);
}

/* File `index` of the job through EnumFiles (tracked). */
static IBackgroundCopyFile *file_at(IBackgroundCopyJob *job, ULONG index) {
        IEnumBackgroundCopyFiles *e = NULL;
        IBackgroundCopyFile *f = NULL;
        ULONG fetched = 0;

        H_ASSERT_OK(IBackgroundCopyJob_EnumFiles(job, &e));
        h_track(e);
        if (index > 0)
                H_ASSERT_OK(IEnumBackgroundCopyFiles_Skip(e, index));
        H_ASSERT_OK(IEnumBackgroundCopyFiles_Next(e, 1, &f, &fetched));
        H_ASSERT(fetched == 1 && f);
        return h_track(f);
}

static void *file_qi(IBackgroundCopyFile *f, const IID *iid) {
        void *p = NULL;

        H_ASSERT_OK(IBackgroundCopyFile_QueryInterface(f, iid, &p));
        return h_track(p);
}

/* A job with one small BITS file from nginx, not resumed. */
static IBackgroundCopyJob *job_with_small_file(const char *tag, GUID *ret_id, char **ret_local, char **ret_src) {
        char *name = h_strdupf("%s.bin", tag);
        char *dest = h_dest_dir(tag);
        char *local = h_strdupf("%s/%s", dest, name);
        IBackgroundCopyJob *job = h_create_job(tag, ret_id);
        char *src = h_make_file(name, SMALL_SIZE);

        h_add_file(job, h_url("/%s", name), local);
        if (ret_local)
                *ret_local = local;
        if (ret_src)
                *ret_src = src;
        return job;
}

static IBackgroundCopyJob *job_transferred(const char *tag, char **ret_local, char **ret_src) {
        IBackgroundCopyJob *job = job_with_small_file(tag, NULL, ret_local, ret_src);

        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_FAST_MS);
        return job;
}

static VARIANT v_bstr(const char *s) {
        VARIANT v;

        VariantInit(&v);
        V_VT(&v) = VT_BSTR;
        V_BSTR(&v) = (BSTR) s;   /* borrowed: never VariantClear'ed */
        return v;
}

static VARIANT v_bool(bool b) {
        VARIANT v;

        VariantInit(&v);
        V_VT(&v) = VT_BOOL;
        V_BOOL(&v) = b ? VARIANT_TRUE : VARIANT_FALSE;
        return v;
}

static VARIANT v_ui8(uint64_t x) {
        VARIANT v;

        VariantInit(&v);
        V_VT(&v) = VT_UI8;
        V_UI8(&v) = x;
        return v;
}

static HRESULT file2_set_string(IDeliveryOptimizationFile2 *f2, DOFilePropertyId id, const char *s) {
        VARIANT v = v_bstr(s);

        return IDeliveryOptimizationFile2_SetProperty(f2, id, &v);
}

/* The job's state in the daemon's current view (GetJob), or the HRESULT of GetJob. */
static HRESULT get_job(const GUID *id) {
        IBackgroundCopyJob *j = NULL;
        HRESULT hr = IBackgroundCopyManager_GetJob(h_manager(), id, &j);

        if (j)
                IBackgroundCopyJob_Release(j);
        return hr;
}

/* ---- 78, 79: IDeliveryOptimizationJob2 properties ---- */

static void test_b78_job2_get_extended_error_info(void) {
        IBackgroundCopyJob *job = h_create_job("b78", NULL), *bad;
        IDeliveryOptimizationJob2 *j2 = dojob2_of(job);
        char *dest = h_dest_dir("b78");
        VARIANT v;

        /* No error yet: S_OK and an empty BSTR. */
        H_ASSERT_OK(IDeliveryOptimizationJob2_GetProperty(j2, DOJobPropertyId_ExtendedErrorInfo, &v));
        H_ASSERT_EQ_U64(V_VT(&v), VT_BSTR);
        H_ASSERT_STREQ(V_BSTR(&v), "");
        H_ASSERT_OK(VariantClear(&v));

        H_ASSERT_HR(IDeliveryOptimizationJob2_GetProperty(j2, (DOJobPropertyId) 1, &v), DO_E_UNKNOWN_PROPERTY_ID);
        H_ASSERT_EQ_U64(V_VT(&v), VT_EMPTY);
        H_ASSERT_HR(IDeliveryOptimizationJob2_GetProperty(j2, (DOJobPropertyId) 77, &v), DO_E_UNKNOWN_PROPERTY_ID);
        H_ASSERT_HR(IDeliveryOptimizationJob2_GetProperty(j2, DOJobPropertyId_ExtendedErrorInfo, NULL), E_INVALIDARG);

        /* A job in ERROR (HTTP 404): the description of its error. */
        bad = h_create_job("b78 404", NULL);
        h_add_file(bad, h_url("/b78-missing.bin"), h_strdupf("%s/missing.bin", dest));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(bad));
        H_WAIT_STATE(bad, BG_JOB_STATE_ERROR, T_FAST_MS);
        H_ASSERT_OK(IDeliveryOptimizationJob2_GetProperty(dojob2_of(bad), DOJobPropertyId_ExtendedErrorInfo, &v));
        H_ASSERT_EQ_U64(V_VT(&v), VT_BSTR);
        H_ASSERT_MSG(V_BSTR(&v) && V_BSTR(&v)[0], "ExtendedErrorInfo of an ERROR job is empty");
        h_note("ExtendedErrorInfo: %s", V_BSTR(&v));
        H_ASSERT_OK(VariantClear(&v));
}

static void test_b79_job2_set_property_is_read_only(void) {
        IBackgroundCopyJob *job = h_create_job("b79", NULL);
        IDeliveryOptimizationJob2 *j2 = dojob2_of(job);
        VARIANT v = v_bstr("anything");

        H_ASSERT_HR(IDeliveryOptimizationJob2_SetProperty(j2, DOJobPropertyId_ExtendedErrorInfo, &v),
                    DO_E_READ_ONLY_PROPERTY);
        H_ASSERT_HR(IDeliveryOptimizationJob2_SetProperty(j2, (DOJobPropertyId) 1, &v), DO_E_UNKNOWN_PROPERTY_ID);
        H_ASSERT_HR(IDeliveryOptimizationJob2_SetProperty(j2, (DOJobPropertyId) 1000, NULL), DO_E_UNKNOWN_PROPERTY_ID);
}

/* ---- 80: IDeliveryOptimizationFile2 properties ---- */

static void test_b80_file2_write_only_and_never_set(void) {
        IBackgroundCopyJob *job = job_with_small_file("b80", NULL, NULL, NULL);
        IDeliveryOptimizationFile2 *f2 = file_qi(file_at(job, 0), &IID_IDeliveryOptimizationFile2);
        VARIANT v;

        H_ASSERT_HR(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_DecryptionInfo, &v),
                    DO_E_WRITE_ONLY_PROPERTY);
        H_ASSERT_EQ_U64(V_VT(&v), VT_EMPTY);
        H_ASSERT_HR(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_IntegrityCheckInfo, &v),
                    DO_E_WRITE_ONLY_PROPERTY);
        /* Readable, never set. */
        H_ASSERT_HR(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_IntegrityCheckMandatory, &v), E_NOT_SET);
        H_ASSERT_HR(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_TotalSizeBytes, &v), E_NOT_SET);
        H_ASSERT_EQ_U64((uint32_t) E_NOT_SET, 0x80070490u);
        /* Unknown IDs. */
        H_ASSERT_HR(IDeliveryOptimizationFile2_GetProperty(f2, (DOFilePropertyId) 7, &v), DO_E_UNKNOWN_PROPERTY_ID);
        H_ASSERT_HR(IDeliveryOptimizationFile2_SetProperty(f2, (DOFilePropertyId) 99, &v), DO_E_UNKNOWN_PROPERTY_ID);
        /* Write-only stays write-only after a set. */
        H_ASSERT_OK(file2_set_string(f2, DOFilePropertyId_IntegrityCheckInfo,
                                     "sha256:0000000000000000000000000000000000000000000000000000000000000000"));
        H_ASSERT_HR(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_IntegrityCheckInfo, &v),
                    DO_E_WRITE_ONLY_PROPERTY);
}

static void test_file2_properties_set_and_get(void) {
        char *local;
        IBackgroundCopyJob *job = job_with_small_file("f2props", NULL, &local, NULL);
        IDeliveryOptimizationFile2 *f2 = file_qi(file_at(job, 0), &IID_IDeliveryOptimizationFile2);
        VARIANT v, b = v_bool(true), size = v_ui8(123456);

        /* IntegrityCheckMandatory: BOOL read/write. */
        H_ASSERT_OK(IDeliveryOptimizationFile2_SetProperty(f2, DOFilePropertyId_IntegrityCheckMandatory, &b));
        H_ASSERT_OK(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_IntegrityCheckMandatory, &v));
        H_ASSERT_EQ_U64(V_VT(&v), VT_BOOL);
        H_ASSERT(V_BOOL(&v) == VARIANT_TRUE);
        b = v_bool(false);
        H_ASSERT_OK(IDeliveryOptimizationFile2_SetProperty(f2, DOFilePropertyId_IntegrityCheckMandatory, &b));
        H_ASSERT_OK(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_IntegrityCheckMandatory, &v));
        H_ASSERT(V_BOOL(&v) == VARIANT_FALSE);

        /* DownloadSinkFilePath of a BITS file: its local name. */
        H_ASSERT_OK(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_DownloadSinkFilePath, &v));
        H_ASSERT_EQ_U64(V_VT(&v), VT_BSTR);
        H_ASSERT_STREQ(V_BSTR(&v), local);
        H_ASSERT_OK(VariantClear(&v));

        /* TotalSizeBytes: the announced size, UI8. */
        H_ASSERT_OK(IDeliveryOptimizationFile2_SetProperty(f2, DOFilePropertyId_TotalSizeBytes, &size));
        H_ASSERT_OK(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_TotalSizeBytes, &v));
        H_ASSERT_EQ_U64(V_VT(&v), VT_UI8);
        H_ASSERT_EQ_U64(V_UI8(&v), 123456);

        /* Wrong types. */
        H_ASSERT_HR(IDeliveryOptimizationFile2_SetProperty(f2, DOFilePropertyId_IntegrityCheckMandatory, &size),
                    E_INVALIDARG);
        H_ASSERT_HR(IDeliveryOptimizationFile2_SetProperty(f2, DOFilePropertyId_TotalSizeBytes, &b), E_INVALIDARG);
        H_ASSERT_HR(file2_set_string(f2, DOFilePropertyId_TotalSizeBytes, "12"), E_INVALIDARG);
        H_ASSERT_HR(IDeliveryOptimizationFile2_SetProperty(f2, DOFilePropertyId_DownloadSinkFilePath, NULL),
                    E_INVALIDARG);

        /* Not implemented, honestly. */
        H_ASSERT_HR(file2_set_string(f2, DOFilePropertyId_DecryptionInfo, "{\"KeyData\":\"00\"}"), E_NOTIMPL);
        H_ASSERT_HR(IDeliveryOptimizationFile2_SetProperty(f2, DOFilePropertyId_DownloadSinkInterface, &b), E_NOTIMPL);
        H_ASSERT_HR(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_DownloadSinkInterface, &v), E_NOTIMPL);
        H_ASSERT_HR(IDeliveryOptimizationFile2_SetProperty(f2, DOFilePropertyId_DownloadSinkMemoryStream, &b),
                    E_NOTIMPL);
        H_ASSERT_HR(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_DownloadSinkMemoryStream, &v),
                    E_NOTIMPL);

        /* A final job refuses every setter, still answers getters. */
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(job));
        H_ASSERT_HR(IDeliveryOptimizationFile2_SetProperty(f2, DOFilePropertyId_TotalSizeBytes, &size),
                    DO_E_INVALID_STATE);
        H_ASSERT_HR(file2_set_string(f2, DOFilePropertyId_IntegrityCheckInfo,
                                     "0000000000000000000000000000000000000000000000000000000000000000"),
                    DO_E_INVALID_STATE);
        H_ASSERT_OK(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_TotalSizeBytes, &v));
        H_ASSERT_EQ_U64(V_UI8(&v), 123456);
}

static void test_file2_integrity_check_info_forms(void) {
        IBackgroundCopyJob *job = job_with_small_file("f2integrity", NULL, NULL, NULL);
        IDeliveryOptimizationFile2 *f2 = file_qi(file_at(job, 0), &IID_IDeliveryOptimizationFile2);
        const char *hex = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
        static const char *const good[] = {
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "SHA256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "{\"Sha256\": \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}",
                "{ \"sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\" }",
        };
        static const char *const bad[] = {
                "", "sha256:", "9f86", "sha1:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0g",
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0800",
                "{\"Sha256\": 5}", "{\"Md5\": \"00\"}", "{\"Sha256\": \"9f86\"}", "[1,2]", "{",
                /* not JSON (it does not start with '{') and not hex */
                " {\"Sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}",
                "{\"Sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"} trailing",
        };

        H_ASSERT_OK(file2_set_string(f2, DOFilePropertyId_IntegrityCheckInfo, hex));
        for (size_t i = 0; i < H_ELEMENTSOF(good); i++)
                H_ASSERT_MSG(file2_set_string(f2, DOFilePropertyId_IntegrityCheckInfo, good[i]) == S_OK,
                             "IntegrityCheckInfo \"%s\" refused", good[i]);
        for (size_t i = 0; i < H_ELEMENTSOF(bad); i++) {
                HRESULT hr = file2_set_string(f2, DOFilePropertyId_IntegrityCheckInfo, bad[i]);

                H_ASSERT_MSG(hr == E_INVALIDARG, "IntegrityCheckInfo \"%s\" gave %s, expected E_INVALIDARG", bad[i],
                             h_hr_name(hr));
        }
        /* DO's piece-hash file: not something dosvc can check. */
        H_ASSERT_HR(file2_set_string(f2, DOFilePropertyId_IntegrityCheckInfo,
                                     "{\"PiecesHashFileUrl\": \"http://example.org/x.phf\", "
                                     "\"PiecesHashFileDigest\": \"AAAA\", \"PiecesHashFileDigestAlgorithm\": \"SHA256\"}"),
                    E_NOTIMPL);
        H_ASSERT_HR(file2_set_string(f2, DOFilePropertyId_IntegrityCheckInfo, "{\"HashOfHashes\": \"AAAA\"}"), E_NOTIMPL);
}

/* ---- 81: IBackgroundCopyJob5 properties ---- */

static void test_b81_job5_cost_flags_and_notification_clsid(void) {
        IBackgroundCopyJob *job = h_create_job("b81", NULL);
        IBackgroundCopyJob5 *j5 = job5_of(job);
        BITS_JOB_PROPERTY_VALUE v = {}, got;

        /* Default: ALWAYS. */
        H_ASSERT_OK(IBackgroundCopyJob5_GetProperty(j5, BITS_JOB_PROPERTY_ID_COST_FLAGS, &got));
        H_ASSERT_EQ_U64(got.Dword, 0x800000FFu);

        v.Dword = 0x80000021u;       /* UNRESTRICTED */
        H_ASSERT_OK(IBackgroundCopyJob5_SetProperty(j5, BITS_JOB_PROPERTY_ID_COST_FLAGS, v));
        H_ASSERT_OK(IBackgroundCopyJob5_GetProperty(j5, BITS_JOB_PROPERTY_ID_COST_FLAGS, &got));
        H_ASSERT_EQ_U64(got.Dword, 0x80000021u);
        v.Dword = 0x800000FFu;       /* behaviour 81: ALWAYS */
        H_ASSERT_OK(IBackgroundCopyJob5_SetProperty(j5, BITS_JOB_PROPERTY_ID_COST_FLAGS, v));
        H_ASSERT_OK(IBackgroundCopyJob5_GetProperty(j5, BITS_JOB_PROPERTY_ID_COST_FLAGS, &got));
        H_ASSERT_EQ_U64(got.Dword, 0x800000FFu);
        v.Dword = 0x00010000u;       /* no such cost bit */
        H_ASSERT_HR(IBackgroundCopyJob5_SetProperty(j5, BITS_JOB_PROPERTY_ID_COST_FLAGS, v), E_INVALIDARG);

        /* Notification CLSID: none by default, set, cleared by GUID_NULL. */
        H_ASSERT_OK(IBackgroundCopyJob5_GetProperty(j5, BITS_JOB_PROPERTY_NOTIFICATION_CLSID, &got));
        H_ASSERT(IsEqualGUID(&got.ClsID, &guid_null));
        v.ClsID = test_clsid;
        H_ASSERT_OK(IBackgroundCopyJob5_SetProperty(j5, BITS_JOB_PROPERTY_NOTIFICATION_CLSID, v));
        H_ASSERT_OK(IBackgroundCopyJob5_GetProperty(j5, BITS_JOB_PROPERTY_NOTIFICATION_CLSID, &got));
        H_ASSERT(IsEqualGUID(&got.ClsID, &test_clsid));
        v.ClsID = guid_null;
        H_ASSERT_OK(IBackgroundCopyJob5_SetProperty(j5, BITS_JOB_PROPERTY_NOTIFICATION_CLSID, v));
        H_ASSERT_OK(IBackgroundCopyJob5_GetProperty(j5, BITS_JOB_PROPERTY_NOTIFICATION_CLSID, &got));
        H_ASSERT(IsEqualGUID(&got.ClsID, &guid_null));

        /* Other IDs are not supported by DO. */
        v.Enable = TRUE;
        H_ASSERT_HR(IBackgroundCopyJob5_SetProperty(j5, BITS_JOB_PROPERTY_DYNAMIC_CONTENT, v), DO_E_UNKNOWN_PROPERTY_ID);
        H_ASSERT_HR(IBackgroundCopyJob5_GetProperty(j5, BITS_JOB_PROPERTY_HIGH_PERFORMANCE, &got),
                    DO_E_UNKNOWN_PROPERTY_ID);
        H_ASSERT_HR(IBackgroundCopyJob5_GetProperty(j5, (BITS_JOB_PROPERTY_ID) 6, &got), DO_E_UNKNOWN_PROPERTY_ID);
        H_ASSERT_HR(IBackgroundCopyJob5_GetProperty(j5, BITS_JOB_PROPERTY_ID_COST_FLAGS, NULL), E_INVALIDARG);

        /* Final: no setter; getters still answer. */
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(job));
        v.Dword = 0x80000021u;
        H_ASSERT_HR(IBackgroundCopyJob5_SetProperty(j5, BITS_JOB_PROPERTY_ID_COST_FLAGS, v), DO_E_INVALID_STATE);
        H_ASSERT_OK(IBackgroundCopyJob5_GetProperty(j5, BITS_JOB_PROPERTY_ID_COST_FLAGS, &got));
        H_ASSERT_EQ_U64(got.Dword, 0x800000FFu);
}

/* ---- 82: IDeliveryOptimizationFile::GetStats ---- */

static void test_b82_get_stats_after_transfer(void) {
        char *name = h_strdupf("b82.bin"), *dest = h_dest_dir("b82"), *url = h_url("/%s", name);
        IBackgroundCopyJob *job = h_create_job("b82", NULL);
        IDeliveryOptimizationJob *dj = NULL;
        IDeliveryOptimizationFile *df;
        DOSwarmStats st;
        BOOL peer = TRUE;
        UINT64 origin = 0, peers = 1;

        (void) h_make_file(name, SMALL_SIZE);
        H_ASSERT_OK(IBackgroundCopyJob_QueryInterface(job, &IID_IDeliveryOptimizationJob, (void **) &dj));
        h_track(dj);
        H_ASSERT_OK(IDeliveryOptimizationJob_AddFileWithRanges(dj, "b82-content-id", url,
                                                                h_strdupf("%s/%s", dest, name), 0, NULL,
                                                                DO_UNKNOWN_FILE_SIZE));
        df = file_qi(file_at(job, 0), &IID_IDeliveryOptimizationFile);

        /* Before the transfer: nothing downloaded, paused (SUSPENDED). */
        H_ASSERT_OK(IDeliveryOptimizationFile_GetStats(df, &st));
        H_ASSERT_STREQ(st.fileId, "b82-content-id");
        H_ASSERT_EQ_U64(st.totalBytesDownloaded, 0);
        H_ASSERT_EQ_U64(st.status, SwarmStatus_Paused);
        CoTaskMemFree(st.fileId);
        CoTaskMemFree(st.sourceURL);

        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_FAST_MS);
        H_ASSERT_OK(IDeliveryOptimizationFile_GetStats(df, &st));
        H_ASSERT_STREQ(st.fileId, "b82-content-id");
        H_ASSERT_STREQ(st.sourceURL, url);
        H_ASSERT_EQ_U64(st.fileSize, SMALL_SIZE);
        H_ASSERT_EQ_U64(st.totalBytesDownloaded, SMALL_SIZE);
        H_ASSERT_EQ_U64(st.bytesFromHttp, st.totalBytesDownloaded);
        H_ASSERT_EQ_U64(st.bytesFromLanPeers + st.bytesFromGroupPeers + st.bytesFromInternetPeers, 0);
        H_ASSERT_EQ_U64(st.bytesToLanPeers + st.bytesToGroupPeers + st.bytesToInternetPeers, 0);
        H_ASSERT(st.httpConnectionCount >= 1);
        H_ASSERT_EQ_U64(st.downloadMode, DownloadMode_Simple);
        H_ASSERT_EQ_U64(st.status, SwarmStatus_Complete);
        H_ASSERT(st.isBackground == TRUE);
        h_note("GetStats: %llu bytes in %u ms over %u connection(s)", (unsigned long long) st.totalBytesDownloaded,
               st.downloadDuration, st.httpConnectionCount);
        CoTaskMemFree(st.fileId);
        CoTaskMemFree(st.sourceURL);

        H_ASSERT_OK(IBackgroundCopyJob_SetPriority(job, BG_JOB_PRIORITY_FOREGROUND));
        H_ASSERT_OK(IDeliveryOptimizationFile_GetStats(df, &st));
        H_ASSERT(st.isBackground == FALSE);
        CoTaskMemFree(st.fileId);
        CoTaskMemFree(st.sourceURL);
        H_ASSERT_HR(IDeliveryOptimizationFile_GetStats(df, NULL), E_INVALIDARG);

        /* IBackgroundCopyFile4: peers never. */
        H_ASSERT_OK(IBackgroundCopyFile5_IsDownloadedFromPeer((IBackgroundCopyFile5 *) file_qi(file_at(job, 0),
                                                                                                &IID_IBackgroundCopyFile5),
                                                              &peer));
        H_ASSERT(peer == FALSE);
        H_ASSERT_OK(IBackgroundCopyFile4_GetPeerDownloadStats((IBackgroundCopyFile4 *) file_qi(file_at(job, 0),
                                                                                                &IID_IBackgroundCopyFile4),
                                                              &origin, &peers));
        H_ASSERT_EQ_U64(origin, SMALL_SIZE);
        H_ASSERT_EQ_U64(peers, 0);
}

/* ---- IDeliveryOptimizationJob2::AddFile and DownloadSinkFilePath ---- */

static void test_job2_add_file_then_sink_path_then_resume(void) {
        char *name = h_strdupf("addfile2.bin"), *dest = h_dest_dir("addfile2");
        char *src = h_make_file(name, SMALL_SIZE), *local = h_strdupf("%s/%s", dest, name), *url = h_url("/%s", name);
        IBackgroundCopyJob *job = h_create_job("addfile2", NULL);
        IDeliveryOptimizationJob2 *j2 = dojob2_of(job);
        IDeliveryOptimizationFile *df = NULL;
        IDeliveryOptimizationFile2 *f2 = NULL;
        IBackgroundCopyFile *bf = NULL;
        IBackgroundCopyFile3 *f3;
        LPWSTR s = NULL;
        VARIANT v;
        void *obj = (void *) 1;

        /* Only IID_IDeliveryOptimizationFile; nothing is added otherwise. */
        H_ASSERT_HR(IDeliveryOptimizationJob2_AddFile(j2, "id", url, 0, NULL, &IID_IBackgroundCopyFile, &obj),
                    E_NOINTERFACE);
        H_ASSERT(obj == NULL);
        H_ASSERT_HR(IDeliveryOptimizationJob2_AddFile(j2, "id", NULL, 0, NULL, &IID_IDeliveryOptimizationFile, &obj),
                    E_INVALIDARG);
        H_ASSERT_HR(IDeliveryOptimizationJob2_AddFile(j2, "id", "ftp://x/y", 0, NULL, &IID_IDeliveryOptimizationFile,
                                                      &obj),
                    E_INVALIDARG);
        H_ASSERT_EQ_U64(h_progress(job).FilesTotal, 0);

        H_ASSERT_OK(IDeliveryOptimizationJob2_AddFile(j2, "content-1", url, 0, NULL, &IID_IDeliveryOptimizationFile,
                                                      (void **) &df));
        H_ASSERT(df);
        h_track(df);
        H_ASSERT_EQ_U64(h_progress(job).FilesTotal, 1);
        H_ASSERT_OK(IDeliveryOptimizationFile_QueryInterface(df, &IID_IDeliveryOptimizationFile2, (void **) &f2));
        h_track(f2);
        H_ASSERT_OK(IDeliveryOptimizationFile_QueryInterface(df, &IID_IBackgroundCopyFile, (void **) &bf));
        h_track(bf);

        /* No destination yet: E_NOT_SET, "" as local name, no temp file, and Resume refuses. */
        H_ASSERT_HR(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_DownloadSinkFilePath, &v), E_NOT_SET);
        H_ASSERT_OK(IBackgroundCopyFile_GetLocalName(bf, &s));
        H_ASSERT_STREQ(s, "");
        CoTaskMemFree(s);
        f3 = file_qi(bf, &IID_IBackgroundCopyFile3);
        H_ASSERT_HR(IBackgroundCopyFile3_GetTemporaryName(f3, &s), DO_E_LOCALPATH_NOT_SET);
        H_ASSERT(s == NULL);
        H_ASSERT_HR(IBackgroundCopyJob_Resume(job), DO_E_LOCALPATH_NOT_SET);
        H_ASSERT_EQ_U64((uint32_t) DO_E_LOCALPATH_NOT_SET, 0x80D0200Du);
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_SUSPENDED);

        /* The destination is checked like AddFile's local name. */
        H_ASSERT_HR(file2_set_string(f2, DOFilePropertyId_DownloadSinkFilePath, "relative/x.bin"), E_INVALIDARG);
        H_ASSERT_HR(file2_set_string(f2, DOFilePropertyId_DownloadSinkFilePath, ""), E_INVALIDARG);
        H_ASSERT_HR(file2_set_string(f2, DOFilePropertyId_DownloadSinkFilePath,
                                     h_strdupf("%s/no-such-dir/x.bin", dest)),
                    E_INVALIDARG);
        H_ASSERT_HR(file2_set_string(f2, DOFilePropertyId_DownloadSinkFilePath, dest), E_INVALIDARG);  /* a directory */

        /* A first destination, then another (nothing transferred yet): the last one counts. */
        H_ASSERT_OK(file2_set_string(f2, DOFilePropertyId_DownloadSinkFilePath, h_strdupf("%s/first.bin", dest)));
        H_ASSERT_OK(file2_set_string(f2, DOFilePropertyId_DownloadSinkFilePath, local));
        H_ASSERT_OK(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_DownloadSinkFilePath, &v));
        H_ASSERT_STREQ(V_BSTR(&v), local);
        H_ASSERT_OK(VariantClear(&v));
        H_ASSERT_OK(IBackgroundCopyFile3_GetTemporaryName(f3, &s));
        H_ASSERT_MSG(s && strncmp(s, dest, strlen(dest)) == 0 && strstr(s, "/.dosvc-"),
                     "temporary name '%s' is not a dosvc temp file in '%s'", s ? s : "(null)", dest);
        CoTaskMemFree(s);

        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_FAST_MS);
        /* The transfer has happened: the destination is fixed now. */
        H_ASSERT_HR(file2_set_string(f2, DOFilePropertyId_DownloadSinkFilePath, h_strdupf("%s/late.bin", dest)),
                    DO_E_INVALID_STATE);
        H_ASSERT_OK(IBackgroundCopyJob_Complete(job));
        H_ASSERT_MSG(h_files_equal(src, local), "the file added by Job2::AddFile is not the server's");
        H_ASSERT(!h_file_exists(h_strdupf("%s/first.bin", dest)));
        H_ASSERT_EQ_U64(h_count_temp_files(dest), 0);
}

static void test_job2_add_file_on_final_job_is_invalid_state(void) {
        IBackgroundCopyJob *job = h_create_job("addfile2 final", NULL);
        IDeliveryOptimizationJob2 *j2 = dojob2_of(job);
        void *obj = NULL;

        H_ASSERT_OK(IBackgroundCopyJob_Cancel(job));
        H_ASSERT_HR(IDeliveryOptimizationJob2_AddFile(j2, "x", h_url("/x.bin"), 0, NULL, &IID_IDeliveryOptimizationFile,
                                                      &obj),
                    DO_E_INVALID_STATE);
        H_ASSERT(obj == NULL);
}

/* ---- IBackgroundCopyFile3::GetTemporaryName, IBackgroundCopyFile5 properties ---- */

static void test_file3_get_temporary_name(void) {
        char *local;
        IBackgroundCopyJob *job = job_with_small_file("tmpname", NULL, &local, NULL);
        IBackgroundCopyFile3 *f3 = file_qi(file_at(job, 0), &IID_IBackgroundCopyFile3);
        char *dir = h_strdupf("%s", local);
        LPWSTR s = NULL;

        *strrchr(dir, '/') = '\0';
        H_ASSERT_HR(IBackgroundCopyFile3_GetTemporaryName(f3, NULL), E_INVALIDARG);
        H_ASSERT_OK(IBackgroundCopyFile3_GetTemporaryName(f3, &s));
        H_ASSERT(s);
        H_ASSERT_MSG(strncmp(s, dir, strlen(dir)) == 0 && s[strlen(dir)] == '/' && strstr(s, "/.dosvc-") &&
                     strstr(s, ".part"), "unexpected temporary name '%s'", s);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_FAST_MS);
        /* Before Complete the bytes are there, under the temporary name only. */
        H_ASSERT_EQ_U64(h_file_size(s), SMALL_SIZE);
        H_ASSERT(!h_file_exists(local));
        CoTaskMemFree(s);
}

static void test_file5_http_response_headers(void) {
        IBackgroundCopyJob *job = job_transferred("headers", NULL, NULL);
        IBackgroundCopyFile5 *f5 = file_qi(file_at(job, 0), &IID_IBackgroundCopyFile5);
        BITS_FILE_PROPERTY_VALUE v = { .String = (LPWSTR) "x" };

        H_ASSERT_HR(IBackgroundCopyFile5_SetProperty(f5, BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS, v),
                    DO_E_READ_ONLY_PROPERTY);
        H_ASSERT_HR(IBackgroundCopyFile5_SetProperty(f5, (BITS_FILE_PROPERTY_ID) 2, v), DO_E_UNKNOWN_PROPERTY_ID);
        H_ASSERT_HR(IBackgroundCopyFile5_GetProperty(f5, (BITS_FILE_PROPERTY_ID) 2, &v), DO_E_UNKNOWN_PROPERTY_ID);
        H_ASSERT(v.String == NULL);
        H_ASSERT_HR(IBackgroundCopyFile5_GetProperty(f5, BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS, NULL),
                    E_INVALIDARG);

        H_ASSERT_OK(IBackgroundCopyFile5_GetProperty(f5, BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS, &v));
        H_ASSERT(v.String);
        if (!v.String[0]) {
                CoTaskMemFree(v.String);
                h_skip("the daemon records no response headers yet (transfer.c fills "
                       "JobFile.http_response_headers with the lead's transfer work)");
        }
        h_note("headers: %.200s", v.String);
        H_ASSERT_MSG(strcasestr(v.String, "content-length:") || strcasestr(v.String, "content-range:"),
                     "the headers lack Content-Length: %s", v.String);
        CoTaskMemFree(v.String);
}

/* ---- proxy settings ---- */

static void test_proxy_settings_round_trip_and_limits(void) {
        IBackgroundCopyJob *job = h_create_job("proxy", NULL);
        BG_JOB_PROXY_USAGE usage = (BG_JOB_PROXY_USAGE) 99;
        LPWSTR list = (LPWSTR) 1, bypass = (LPWSTR) 1;
        char *big = malloc(32770);
        HRESULT hr;

        H_ASSERT(big);
        /* Default: PRECONFIG, no lists. */
        H_ASSERT_OK(IBackgroundCopyJob_GetProxySettings(job, &usage, &list, &bypass));
        H_ASSERT_EQ_U64(usage, BG_JOB_PROXY_USAGE_PRECONFIG);
        H_ASSERT(list == NULL && bypass == NULL);
        H_ASSERT_HR(IBackgroundCopyJob_GetProxySettings(job, NULL, &list, &bypass), E_INVALIDARG);

        H_ASSERT_OK(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_OVERRIDE, "http=proxy:8080 https=proxy:8443",
                                                        "<local>;*.example.org"));
        H_ASSERT_OK(IBackgroundCopyJob_GetProxySettings(job, &usage, &list, &bypass));
        H_ASSERT_EQ_U64(usage, BG_JOB_PROXY_USAGE_OVERRIDE);
        H_ASSERT_STREQ(list, "http=proxy:8080 https=proxy:8443");
        H_ASSERT_STREQ(bypass, "<local>;*.example.org");
        CoTaskMemFree(list);
        CoTaskMemFree(bypass);

        H_ASSERT_OK(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_NO_PROXY, NULL, NULL));
        H_ASSERT_OK(IBackgroundCopyJob_GetProxySettings(job, &usage, &list, &bypass));
        H_ASSERT_EQ_U64(usage, BG_JOB_PROXY_USAGE_NO_PROXY);
        H_ASSERT(list == NULL && bypass == NULL);
        H_ASSERT_OK(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_AUTODETECT, NULL, NULL));

        /* Invalid combinations. */
        H_ASSERT_HR(IBackgroundCopyJob_SetProxySettings(job, (BG_JOB_PROXY_USAGE) 4, NULL, NULL), E_INVALIDARG);
        H_ASSERT_HR(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_OVERRIDE, NULL, NULL), E_INVALIDARG);
        H_ASSERT_HR(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_OVERRIDE, "", "x"), E_INVALIDARG);
        H_ASSERT_HR(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_NO_PROXY, "proxy:80", NULL),
                    E_INVALIDARG);
        H_ASSERT_HR(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_PRECONFIG, NULL, "<local>"),
                    E_INVALIDARG);
        H_ASSERT_HR(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_OVERRIDE, "proxy:80\nx", NULL),
                    BG_E_INVALID_PROXY_INFO);
        /* Separators only: no proxy named, and the transfer would go direct. */
        H_ASSERT_HR(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_OVERRIDE, " ;; ", NULL),
                    BG_E_INVALID_PROXY_INFO);

        /* Every entry is [scheme=][proto://]host[:port] (proto http, https, socks4, socks4a, socks5,
         * socks5h); the list is kept as given. */
        H_ASSERT_OK(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_OVERRIDE,
                                                        "https=https://secure:8443;http=proxy:80", NULL));
        H_ASSERT_OK(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_OVERRIDE,
                                                        "[::1]:3128 socks5h://localhost:1080/", NULL));
        H_ASSERT_OK(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_OVERRIDE, "https=secure:8443", NULL));
        /* Security review A: nothing libcurl would take as a Unix socket (the root daemon would
         * connect to any socket a client names), no credentials, path, query, other scheme. */
        static const char *const bad_lists[] = {
                "socks5h://localhost/x",
                "socks5h://localhost/run/some-root-only.sock",
                "proxy:80 socks5h://localhost/x",          /* a bad entry after a good one */
                "http://u:p@proxy:1",
                "file:///etc/passwd",
                "unix:/run/x.sock",
                "proxy:80/x",
                "proxy:80?x",
                "proxy:0",
                "proxy:65536",
                "ftp=proxy:21",
                "=proxy:1",
        };
        for (size_t i = 0; i < sizeof bad_lists / sizeof bad_lists[0]; i++) {
                hr = IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_OVERRIDE, bad_lists[i], NULL);
                H_ASSERT_MSG(hr == BG_E_INVALID_PROXY_INFO, "SetProxySettings(\"%s\") = 0x%08X, expected "
                             "BG_E_INVALID_PROXY_INFO", bad_lists[i], (unsigned) hr);
        }
        H_ASSERT_OK(IBackgroundCopyJob_GetProxySettings(job, &usage, &list, &bypass));
        H_ASSERT_EQ_U64(usage, BG_JOB_PROXY_USAGE_OVERRIDE);
        H_ASSERT_STREQ(list, "https=secure:8443");
        H_ASSERT(bypass == NULL);
        CoTaskMemFree(list);

        /* 32,768 characters: the limit; one more is too large. */
        memset(big, 'p', 32768);
        big[32768] = '\0';
        H_ASSERT_OK(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_OVERRIDE, big, big));
        H_ASSERT_OK(IBackgroundCopyJob_GetProxySettings(job, &usage, &list, &bypass));
        H_ASSERT_EQ_U64(strlen(list), 32768);
        H_ASSERT_EQ_U64(strlen(bypass), 32768);
        CoTaskMemFree(list);
        CoTaskMemFree(bypass);
        big[32768] = 'p';
        big[32769] = '\0';
        H_ASSERT_HR(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_OVERRIDE, big, NULL),
                    BG_E_PROXY_LIST_TOO_LARGE);
        H_ASSERT_HR(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_OVERRIDE, "proxy:80", big),
                    BG_E_PROXY_BYPASS_LIST_TOO_LARGE);
        free(big);
        /* A refused call changed nothing. */
        H_ASSERT_OK(IBackgroundCopyJob_GetProxySettings(job, &usage, &list, &bypass));
        H_ASSERT_EQ_U64(strlen(list), 32768);
        CoTaskMemFree(list);
        CoTaskMemFree(bypass);

        H_ASSERT_OK(IBackgroundCopyJob_Cancel(job));
        H_ASSERT_HR(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_NO_PROXY, NULL, NULL),
                    DO_E_INVALID_STATE);
}

/* ---- ownership and all users' jobs ---- */

#define CHILD_NOT_ADMIN "--child-not-administrator"

/* In a child running as nobody with its own daemon: EnumJobs(ALL_USERS), TakeOwnership of its own
 * job and a DownloadSinkFilePath in a folder it cannot write must all be refused with
 * E_ACCESSDENIED. Exit 0 when they are, 1 when not, 2 when the
 * API failed otherwise. Stops the daemon it started. */
static int child_not_administrator(void) {
        IBackgroundCopyManager *m = NULL;
        IEnumBackgroundCopyJobs *e = NULL;
        IBackgroundCopyJob *job = NULL;
        HRESULT hr_enum, hr_enum0, hr_take = S_OK, hr_sink = S_OK;
        LPWSTR owner = NULL;
        GUID id;
        int status;

        if (DoCreateManager(&m) != S_OK)
                return 2;
        hr_enum = IBackgroundCopyManager_EnumJobs(m, BG_JOB_ENUM_ALL_USERS, &e);
        if (e)
                (void) IEnumBackgroundCopyJobs_Release(e);
        e = NULL;
        hr_enum0 = IBackgroundCopyManager_EnumJobs(m, 0, &e);
        if (e)
                (void) IEnumBackgroundCopyJobs_Release(e);
        if (IBackgroundCopyManager_CreateJob(m, "nobody's", BG_JOB_TYPE_DOWNLOAD, &id, &job) == S_OK) {
                IDeliveryOptimizationJob2 *j2 = NULL;
                IDeliveryOptimizationFile *df = NULL;
                IDeliveryOptimizationFile2 *f2 = NULL;

                hr_take = IBackgroundCopyJob_TakeOwnership(job);
                /* A destination folder the owner cannot write (root's "/"): E_ACCESSDENIED. */
                hr_sink = E_FAIL;
                if (IBackgroundCopyJob_QueryInterface(job, &IID_IDeliveryOptimizationJob2, (void **) &j2) == S_OK &&
                    IDeliveryOptimizationJob2_AddFile(j2, "x", "http://127.0.0.1:9/x.bin", 0, NULL,
                                                      &IID_IDeliveryOptimizationFile, (void **) &df) == S_OK &&
                    IDeliveryOptimizationFile_QueryInterface(df, &IID_IDeliveryOptimizationFile2, (void **) &f2) == S_OK)
                        hr_sink = file2_set_string(f2, DOFilePropertyId_DownloadSinkFilePath, "/dosvc-it2-denied.bin");
                if (f2)
                        (void) IDeliveryOptimizationFile2_Release(f2);
                if (df)
                        (void) IDeliveryOptimizationFile_Release(df);
                if (j2)
                        (void) IDeliveryOptimizationJob2_Release(j2);
                if (IBackgroundCopyJob_GetOwner(job, &owner) == S_OK)
                        printf("# child: owner %s\n", owner);
                CoTaskMemFree(owner);
                (void) IBackgroundCopyJob_Cancel(job);
                (void) IBackgroundCopyJob_Release(job);
        } else
                hr_take = E_FAIL;
        (void) IBackgroundCopyManager_Release(m);
        printf("# child uid %d: EnumJobs(ALL_USERS) 0x%08X, EnumJobs(0) 0x%08X, TakeOwnership 0x%08X, "
               "DownloadSinkFilePath in / 0x%08X\n",
               (int) getuid(), (unsigned) hr_enum, (unsigned) hr_enum0, (unsigned) hr_take, (unsigned) hr_sink);
        status = hr_enum == E_ACCESSDENIED && hr_enum0 == S_OK && hr_take == E_ACCESSDENIED &&
                 hr_sink == E_ACCESSDENIED ? 0 : 1;

        h_child_stop_daemon();
        return status;
}

/* Runs child_not_administrator() as nobody. Returns false (with a note) when that cannot be done. */
static bool run_as_nobody(void) {
        char *const argv[] = { "test-api2", CHILD_NOT_ADMIN, NULL };
        uid_t uid;
        gid_t gid;
        char *dir = h_nobody_dir(&uid, &gid);
        int r;

        if (!dir || (r = h_run_as_nobody(dir, argv)) == -1)
                return false;
        H_ASSERT_MSG(r == 0,
                     "as nobody, EnumJobs(ALL_USERS), TakeOwnership or an unwritable DownloadSinkFilePath was "
                     "not refused with E_ACCESSDENIED (child %d)", r);
        return true;
}

static void test_enum_all_users_and_take_ownership(void) {
        GUID id;
        IBackgroundCopyJob *job = h_create_job("owner", &id);
        IEnumBackgroundCopyJobs *e = NULL;
        LPWSTR owner = NULL;
        char uid[32];
        HRESULT hr;

        (void) snprintf(uid, sizeof uid, "%u", (unsigned) geteuid());
        H_ASSERT_OK(IBackgroundCopyJob_GetOwner(job, &owner));
        H_ASSERT_STREQ(owner, uid);
        CoTaskMemFree(owner);
        H_ASSERT_HR(IBackgroundCopyManager_EnumJobs(h_manager(), 0x2, &e), E_INVALIDARG);
        H_ASSERT(e == NULL);

        hr = IBackgroundCopyManager_EnumJobs(h_manager(), BG_JOB_ENUM_ALL_USERS, &e);
        h_track(e);
        if (geteuid() != 0) {
                H_ASSERT_HR(hr, E_ACCESSDENIED);
                H_ASSERT(e == NULL);
                H_ASSERT_HR(IBackgroundCopyJob_TakeOwnership(job), E_ACCESSDENIED);
                return;
        }

        /* root is the administrator: every user's jobs, and it may take any job. */
        H_ASSERT_OK(hr);
        H_ASSERT(e);
        H_ASSERT_OK(IBackgroundCopyJob_TakeOwnership(job));
        H_ASSERT_OK(IBackgroundCopyJob_GetOwner(job, &owner));
        H_ASSERT_STREQ(owner, "0");
        CoTaskMemFree(owner);
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(job));
        H_ASSERT_HR(IBackgroundCopyJob_TakeOwnership(job), DO_E_INVALID_STATE);

        if (!run_as_nobody())
                h_skip("the non-administrator side needs the user 'nobody'");
}

/* ---- persistence and expiry: these restart the daemon, so they run last ---- */

static void restart_daemon(const char *clock_offset_sec) {
        h_daemon_kill_and_wait(SIGTERM);
        if (clock_offset_sec)
                H_ASSERT(setenv("DOSVC_TEST_CLOCK_OFFSET_SEC", clock_offset_sec, 1) == 0);
        else
                H_ASSERT(unsetenv("DOSVC_TEST_CLOCK_OFFSET_SEC") == 0);
        /* the next call starts a new daemon, with this environment */
}

static void test_properties_survive_a_restart(void) {
        char *dest = h_dest_dir("persist"), *sink = h_strdupf("%s/sink.bin", dest);
        GUID id;
        IBackgroundCopyJob *job = h_create_job("persist", &id), *again = NULL;
        IDeliveryOptimizationJob2 *j2 = dojob2_of(job);
        IDeliveryOptimizationFile *df = NULL;
        IDeliveryOptimizationFile2 *f2;
        BITS_JOB_PROPERTY_VALUE v = { .ClsID = test_clsid }, got;
        VARIANT b = v_bool(true), size = v_ui8(4242), r;

        H_ASSERT_OK(IBackgroundCopyJob5_SetProperty(job5_of(job), BITS_JOB_PROPERTY_NOTIFICATION_CLSID, v));
        v.Dword = 0x80000067u;       /* STANDARD */
        H_ASSERT_OK(IBackgroundCopyJob5_SetProperty(job5_of(job), BITS_JOB_PROPERTY_ID_COST_FLAGS, v));
        H_ASSERT_OK(IDeliveryOptimizationJob2_AddFile(j2, "persist-id", h_url("/persist.bin"), 0, NULL,
                                                      &IID_IDeliveryOptimizationFile, (void **) &df));
        h_track(df);
        H_ASSERT_OK(IDeliveryOptimizationFile_QueryInterface(df, &IID_IDeliveryOptimizationFile2, (void **) &f2));
        h_track(f2);
        H_ASSERT_OK(file2_set_string(f2, DOFilePropertyId_DownloadSinkFilePath, sink));
        H_ASSERT_OK(IDeliveryOptimizationFile2_SetProperty(f2, DOFilePropertyId_IntegrityCheckMandatory, &b));
        H_ASSERT_OK(IDeliveryOptimizationFile2_SetProperty(f2, DOFilePropertyId_TotalSizeBytes, &size));

        restart_daemon(NULL);
        H_ASSERT_OK(IBackgroundCopyManager_GetJob(h_manager(), &id, &again));
        h_track(again);
        H_ASSERT_OK(IBackgroundCopyJob5_GetProperty(job5_of(again), BITS_JOB_PROPERTY_NOTIFICATION_CLSID, &got));
        H_ASSERT_MSG(IsEqualGUID(&got.ClsID, &test_clsid), "the notification CLSID did not survive a restart");
        H_ASSERT_OK(IBackgroundCopyJob5_GetProperty(job5_of(again), BITS_JOB_PROPERTY_ID_COST_FLAGS, &got));
        H_ASSERT_EQ_U64(got.Dword, 0x80000067u);

        /* The proxy held from before the restart reads the same file. */
        H_ASSERT_OK(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_DownloadSinkFilePath, &r));
        H_ASSERT_STREQ(V_BSTR(&r), sink);
        H_ASSERT_OK(VariantClear(&r));
        H_ASSERT_OK(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_IntegrityCheckMandatory, &r));
        H_ASSERT(V_BOOL(&r) == VARIANT_TRUE);
        H_ASSERT_OK(IDeliveryOptimizationFile2_GetProperty(f2, DOFilePropertyId_TotalSizeBytes, &r));
        H_ASSERT_EQ_U64(V_UI8(&r), 4242);
}

/* Store schema v3: the proxy settings and "IntegrityCheckMandatory was set" survive a kill -9. A job
 * set to go through a proxy must not go direct after a crash; a FALSE that was set must not read as
 * never set. Nothing is resumed: the proxy does not exist. */
static void test_proxy_and_integrity_flag_survive_kill9(void) {
        char *dest = h_dest_dir("persist9");
        GUID id;
        IBackgroundCopyJob *job = job_with_small_file("persist9", &id, NULL, NULL), *again = NULL;
        IDeliveryOptimizationFile2 *never, *set_false, *never2, *set_false2;
        BG_JOB_PROXY_USAGE usage = BG_JOB_PROXY_USAGE_PRECONFIG;
        LPWSTR list = NULL, bypass = NULL;
        VARIANT b = v_bool(false), r;
        pid_t old;
        HRESULT hr;

        (void) h_make_file("persist9-b.bin", SMALL_SIZE);
        h_add_file(job, h_url("/persist9-b.bin"), h_strdupf("%s/b.bin", dest));
        never = file_qi(file_at(job, 0), &IID_IDeliveryOptimizationFile2);
        set_false = file_qi(file_at(job, 1), &IID_IDeliveryOptimizationFile2);

        H_ASSERT_OK(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_OVERRIDE, "http://127.0.0.1:3128",
                                                        "localhost"));
        H_ASSERT_OK(IDeliveryOptimizationFile2_SetProperty(set_false, DOFilePropertyId_IntegrityCheckMandatory, &b));
        H_ASSERT_HR(IDeliveryOptimizationFile2_GetProperty(never, DOFilePropertyId_IntegrityCheckMandatory, &r),
                    E_NOT_SET);

        /* kill -9, then a fresh GetJob (libdosvc starts a new daemon, which loads the store). */
        old = h_daemon_pid();
        h_daemon_kill_and_wait(SIGKILL);
        hr = IBackgroundCopyManager_GetJob(h_manager(), &id, &again);
        if (hr != S_OK) {
                h_daemon_log_tail(20);
                H_FAIL("GetJob after kill -9 returned 0x%08X (%s)", (unsigned) hr, h_hr_name(hr));
        }
        h_track(again);
        H_ASSERT_MSG(h_pid_alive(h_daemon_pid()) && h_daemon_pid() != old, "no new daemon after kill -9 (pid %d)",
                     (int) h_daemon_pid());

        H_ASSERT_OK(IBackgroundCopyJob_GetProxySettings(again, &usage, &list, &bypass));
        H_ASSERT_MSG(usage == BG_JOB_PROXY_USAGE_OVERRIDE, "proxy usage %u after kill -9, expected OVERRIDE (2)",
                     (unsigned) usage);
        H_ASSERT_STREQ(list, "http://127.0.0.1:3128");
        H_ASSERT_STREQ(bypass, "localhost");
        CoTaskMemFree(list);
        CoTaskMemFree(bypass);
        /* The proxy held from before the crash reads the same. */
        list = bypass = NULL;
        H_ASSERT_OK(IBackgroundCopyJob_GetProxySettings(job, &usage, &list, &bypass));
        H_ASSERT_EQ_U64(usage, BG_JOB_PROXY_USAGE_OVERRIDE);
        H_ASSERT_STREQ(list, "http://127.0.0.1:3128");
        CoTaskMemFree(list);
        CoTaskMemFree(bypass);

        /* Never set: still E_NOT_SET. Set to FALSE: FALSE, not E_NOT_SET. */
        never2 = file_qi(file_at(again, 0), &IID_IDeliveryOptimizationFile2);
        set_false2 = file_qi(file_at(again, 1), &IID_IDeliveryOptimizationFile2);
        H_ASSERT_HR(IDeliveryOptimizationFile2_GetProperty(never2, DOFilePropertyId_IntegrityCheckMandatory, &r),
                    E_NOT_SET);
        VariantInit(&r);
        H_ASSERT_OK(IDeliveryOptimizationFile2_GetProperty(set_false2, DOFilePropertyId_IntegrityCheckMandatory, &r));
        H_ASSERT_EQ_U64(V_VT(&r), VT_BOOL);
        H_ASSERT(V_BOOL(&r) == VARIANT_FALSE);
        H_ASSERT_OK(IDeliveryOptimizationFile2_GetProperty(set_false, DOFilePropertyId_IntegrityCheckMandatory, &r));
        H_ASSERT(V_BOOL(&r) == VARIANT_FALSE);
        H_ASSERT_HR(IDeliveryOptimizationFile2_GetProperty(never, DOFilePropertyId_IntegrityCheckMandatory, &r),
                    E_NOT_SET);
}

/* 85: the daemon judges ages by the wall clock plus $DOSVC_TEST_CLOCK_OFFSET_SEC: restarted "29 days
 * later" the jobs are still there; "31 days later" they are cancelled, their temp files gone, and
 * GetJob no longer finds them. */
static void test_b85_jobs_expire_30_days_after_creation(void) {
        char *local_t, *local_s;
        GUID id_t, id_s;
        IBackgroundCopyJob *transferred = job_transferred("b85t", &local_t, NULL);
        IBackgroundCopyJob *suspended = job_with_small_file("b85s", &id_s, &local_s, NULL);
        char *dir_t = h_strdupf("%s", local_t);

        *strrchr(dir_t, '/') = '\0';
        H_ASSERT_OK(IBackgroundCopyJob_GetId(transferred, &id_t));
        H_ASSERT_EQ_U64(h_count_temp_files(dir_t), 1);

        restart_daemon(h_strdupf("%u", 29 * DAY_SEC));
        H_ASSERT_OK(get_job(&id_t));
        H_ASSERT_OK(get_job(&id_s));
        H_ASSERT_EQ_U64(h_state(transferred), BG_JOB_STATE_TRANSFERRED);
        H_ASSERT_EQ_U64(h_count_temp_files(dir_t), 1);

        restart_daemon(h_strdupf("%u", 31 * DAY_SEC));
        H_ASSERT_HR(get_job(&id_t), DO_E_JOB_NOT_FOUND);
        H_ASSERT_HR(get_job(&id_s), DO_E_JOB_NOT_FOUND);
        /* A pointer the client held sees the service's Cancel. */
        H_ASSERT_EQ_U64(h_state(transferred), BG_JOB_STATE_CANCELLED);
        H_ASSERT_EQ_U64(h_state(suspended), BG_JOB_STATE_CANCELLED);
        H_ASSERT_HR(IBackgroundCopyJob_Resume(transferred), DO_E_INVALID_STATE);
        H_ASSERT_EQ_U64(h_count_temp_files(dir_t), 0);
        H_ASSERT(!h_file_exists(local_t));

        /* Back to the real clock for whatever runs next. */
        restart_daemon(NULL);
}

static const HTest tests[] = {
        H_TEST(test_b78_job2_get_extended_error_info),
        H_TEST(test_b79_job2_set_property_is_read_only),
        H_TEST(test_b80_file2_write_only_and_never_set),
        H_TEST(test_file2_properties_set_and_get),
        H_TEST(test_file2_integrity_check_info_forms),
        H_TEST(test_b81_job5_cost_flags_and_notification_clsid),
        H_TEST(test_b82_get_stats_after_transfer),
        H_TEST(test_job2_add_file_then_sink_path_then_resume),
        H_TEST(test_job2_add_file_on_final_job_is_invalid_state),
        H_TEST(test_file3_get_temporary_name),
        H_TEST(test_file5_http_response_headers),
        H_TEST(test_proxy_settings_round_trip_and_limits),
        H_TEST(test_enum_all_users_and_take_ownership),
        /* Last: they restart the daemon. */
        H_TEST(test_properties_survive_a_restart),
        H_TEST(test_proxy_and_integrity_flag_survive_kill9),
        H_TEST(test_b85_jobs_expire_30_days_after_creation),
};

int main(int argc, char **argv) {
        if (argc == 2 && strcmp(argv[1], CHILD_NOT_ADMIN) == 0)
                return child_not_administrator();
        return h_run(argc, argv, tests, H_ELEMENTSOF(tests));
}
