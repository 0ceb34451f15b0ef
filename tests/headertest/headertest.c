/* headertest.c: builds the public header alone as strict C99 (-pedantic -Werror) and checks, mostly at
 * compile time, the ABI facts callers rely on: type sizes, enum and HRESULT values, and vtable slot
 * positions along the BITS inheritance chains. It links nothing; main() only exercises the call and
 * accessor macros on a fake object. */
#include <deliveryoptimization.h>
#include <dosvc/hresult.h>

#define CHECK(cond, name) typedef char check_##name[(cond) ? 1 : -1]
#define SLOT(vtbl, member) (offsetof(vtbl, member) / sizeof(void *))

/* Types. */
CHECK(sizeof(GUID) == 16, guid);
CHECK(sizeof(HRESULT) == 4 && sizeof(ULONG) == 4 && sizeof(DWORD) == 4 && sizeof(BOOL) == 4, ints);
CHECK(sizeof(LONG) == 4 && sizeof(WORD) == 2 && sizeof(UINT64) == 8 && sizeof(ULONG64) == 8, ints2);
CHECK(sizeof(FILETIME) == 8, filetime);
CHECK(sizeof(BG_FILE_RANGE) == 16, file_range);
CHECK(sizeof(BG_FILE_PROGRESS) == 24, file_progress);
CHECK(sizeof(BG_JOB_PROGRESS) == 24, job_progress);
CHECK(sizeof(BG_JOB_TIMES) == 24, job_times);
CHECK(sizeof(BITS_JOB_PROPERTY_VALUE) == 16, job_property_value);
CHECK(sizeof(BITS_FILE_PROPERTY_VALUE) == sizeof(void *), file_property_value);
CHECK(sizeof(VARIANT) == 8 + 2 * sizeof(void *), variant);
CHECK(offsetof(VARIANT, vt) == 0, variant_vt);
CHECK(sizeof(DO_DOWNLOAD_RANGE) == 16, do_range);
CHECK(offsetof(DO_DOWNLOAD_RANGES_INFO, Ranges) == 8, do_ranges_info);
CHECK(offsetof(DOSwarmStats, fileSize) == 2 * sizeof(void *), swarm_stats);

/* Enums and constants. */
CHECK(BG_JOB_STATE_SUSPENDED == 3 && BG_JOB_STATE_CANCELLED == 8, job_state);
CHECK(BG_JOB_PRIORITY_NORMAL == 2 && BG_JOB_TYPE_DOWNLOAD == 0, priority_type);
CHECK(BG_ERROR_CONTEXT_REMOTE_FILE == 5 && BG_JOB_PROXY_USAGE_AUTODETECT == 3, context_proxy);
CHECK(BITS_JOB_PROPERTY_ID_COST_FLAGS == 1 && BITS_JOB_PROPERTY_ON_DEMAND_MODE == 10, job_property_id);
CHECK(BITS_JOB_TRANSFER_POLICY_ALWAYS == 0x800000FFu, transfer_policy);
CHECK(BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS == 1, file_property_id);
CHECK(DownloadMode_Simple == 99 && DownloadMode_Bypass == 100 && SwarmStatus_Paused == 3, do_enums);
CHECK(DOFilePropertyId_DownloadSinkFilePath == 4 && DOFilePropertyId_TotalSizeBytes == 6, do_file_props);
CHECK(DOJobPropertyId_ExtendedErrorInfo == 0, do_job_props);
CHECK(DODownloadProperty_HttpStatusCode == 29 && DODownloadState_Paused == 5, do_download);
CHECK(DODownloadCostPolicy_NoCellular == 5, do_cost);
CHECK(BG_NOTIFY_JOB_MODIFICATION == 8 && BG_NOTIFY_FILE_RANGES_TRANSFERRED == 0x20, notify);
CHECK(BG_SIZE_UNKNOWN == (UINT64)0xFFFFFFFFFFFFFFFFu && DO_UNKNOWN_FILE_SIZE == BG_SIZE_UNKNOWN, sizes);
CHECK(BG_LENGTH_TO_EOF == DO_LENGTH_TO_EOF && MAX_PATH == 260 && BG_JOB_ENUM_ALL_USERS == 1, misc);
CHECK(VT_BSTR == 8 && VT_UI8 == 21 && VT_ARRAY == 0x2000, vt);

/* HRESULTs. */
CHECK(S_OK == 0 && S_FALSE == 1 && FAILED(E_FAIL) && SUCCEEDED(S_FALSE), hr_basic);
CHECK(DO_E_JOB_NOT_FOUND == (HRESULT)0x80D02003u && DO_E_NOT_FOUND == DO_E_JOB_NOT_FOUND, hr_not_found);
CHECK(DO_E_EMPTY == DO_E_JOB_EMPTY && DO_E_WRITE_ONLY_PROPERTY == (HRESULT)0x80D02015u, hr_aliases);
CHECK(E_NOT_SET == HRESULT_FROM_WIN32(ERROR_NOT_FOUND), hr_not_set);
CHECK(HRESULT_FROM_WIN32(ERROR_RESOURCE_LANG_NOT_FOUND) == (HRESULT)0x80070717u, hr_lang);
CHECK(MAKE_HRESULT(1, FACILITY_HTTP, 404) == BG_E_HTTP_ERROR_404, hr_http);
CHECK(MAKE_HRESULT(1, FACILITY_DELIVERY_OPTIMIZATION, 0x2013) == DO_E_INVALID_STATE, hr_do);
CHECK(HRESULT_FACILITY(BG_E_EMPTY) == FACILITY_BITS && HRESULT_CODE(BG_E_EMPTY) == 3, hr_fields);

/* Vtable slots (IUnknown is 0-2 everywhere). */
CHECK(SLOT(IUnknownVtbl, Release) == 2, unknown);
CHECK(SLOT(IBackgroundCopyManagerVtbl, CreateJob) == 3, mgr_create);
CHECK(SLOT(IBackgroundCopyManagerVtbl, GetErrorDescription) == 6, mgr_errdesc);
CHECK(SLOT(IBackgroundCopyJobVtbl, AddFileSet) == 3, job_addfileset);
CHECK(SLOT(IBackgroundCopyJobVtbl, Resume) == 7, job_resume);
CHECK(SLOT(IBackgroundCopyJobVtbl, GetState) == 14, job_getstate);
CHECK(SLOT(IBackgroundCopyJobVtbl, SetNotifyInterface) == 25, job_setnotify);
CHECK(SLOT(IBackgroundCopyJobVtbl, TakeOwnership) == 34, job_takeownership);
CHECK(sizeof(IBackgroundCopyJobVtbl) == 35 * sizeof(void *), job_size);
CHECK(SLOT(IBackgroundCopyJob2Vtbl, SetNotifyCmdLine) == 35, job2_first);
CHECK(SLOT(IBackgroundCopyJob2Vtbl, RemoveCredentials) == 42, job2_last);
CHECK(SLOT(IBackgroundCopyJob3Vtbl, AddFileWithRanges) == 44, job3);
CHECK(SLOT(IBackgroundCopyJob4Vtbl, GetMaximumDownloadTime) == 52, job4);
CHECK(SLOT(IBackgroundCopyJob5Vtbl, Resume) == 7, job5_resume);
CHECK(SLOT(IBackgroundCopyJob5Vtbl, SetProperty) == 53, job5_set);
CHECK(SLOT(IBackgroundCopyJob5Vtbl, GetProperty) == 54, job5_get);
CHECK(sizeof(IBackgroundCopyJob5Vtbl) == 55 * sizeof(void *), job5_size);
CHECK(SLOT(IBackgroundCopyFileVtbl, GetProgress) == 5, file);
CHECK(SLOT(IBackgroundCopyFile2Vtbl, SetRemoteName) == 7, file2);
CHECK(SLOT(IBackgroundCopyFile3Vtbl, IsDownloadedFromPeer) == 11, file3);
CHECK(SLOT(IBackgroundCopyFile4Vtbl, GetPeerDownloadStats) == 12, file4);
CHECK(SLOT(IBackgroundCopyFile5Vtbl, SetProperty) == 13, file5_set);
CHECK(SLOT(IBackgroundCopyFile5Vtbl, GetProperty) == 14, file5_get);
CHECK(SLOT(IEnumBackgroundCopyFilesVtbl, GetCount) == 7, enum_files);
CHECK(SLOT(IEnumBackgroundCopyJobsVtbl, Clone) == 6, enum_jobs);
CHECK(SLOT(IBackgroundCopyErrorVtbl, GetProtocol) == 7, error);
CHECK(SLOT(IBackgroundCopyCallbackVtbl, JobModification) == 5, callback);
CHECK(SLOT(IBackgroundCopyCallback2Vtbl, FileTransferred) == 6, callback2);
CHECK(SLOT(IDeliveryOptimizationJobVtbl, AddFileWithRanges) == 3, dojob);
CHECK(SLOT(IDeliveryOptimizationJob2Vtbl, AddFile) == 3, dojob2_add);
CHECK(SLOT(IDeliveryOptimizationJob2Vtbl, SetProperty) == 5, dojob2_set);
CHECK(SLOT(IDeliveryOptimizationFileVtbl, GetStats) == 3, dofile);
CHECK(SLOT(IDeliveryOptimizationFile2Vtbl, SetProperty) == 4, dofile2);
CHECK(SLOT(IDOManagerVtbl, EnumDownloads) == 4, domanager);
CHECK(SLOT(IDODownloadVtbl, SetProperty) == 9, dodownload);
CHECK(SLOT(IDODownloadStatusCallbackVtbl, OnStatusChange) == 3, dostatus);
CHECK(SLOT(IEnumUnknownVtbl, Clone) == 6, enum_unknown);

/* A fake job, to run the call macros. */
static HRESULT fake_resume(IBackgroundCopyJob5 *This) {
        (void) This;
        return DO_E_EMPTY;
}

static HRESULT fake_set_property(IBackgroundCopyJob5 *This, BITS_JOB_PROPERTY_ID id, BITS_JOB_PROPERTY_VALUE v) {
        (void) This;
        return id == BITS_JOB_PROPERTY_ID_COST_FLAGS && v.Dword == BITS_JOB_TRANSFER_POLICY_ALWAYS ? S_OK : E_FAIL;
}

int main(void) {
        static const GUID a = { 0x37668d37, 0x507e, 0x4160, { 0x93, 0x16, 0x26, 0x30, 0x6d, 0x15, 0x0b, 0x12 } };
        static const GUID b = { 0x37668d37, 0x507e, 0x4160, { 0x93, 0x16, 0x26, 0x30, 0x6d, 0x15, 0x0b, 0x13 } };
        IBackgroundCopyJob5Vtbl vtbl = { 0 };
        IBackgroundCopyJob5 job;
        BITS_JOB_PROPERTY_VALUE v;
        VARIANT var;

        vtbl.Resume = fake_resume;
        vtbl.SetProperty = fake_set_property;
        job.lpVtbl = &vtbl;
        v.Dword = BITS_JOB_TRANSFER_POLICY_ALWAYS;

        if (IBackgroundCopyJob5_Resume(&job) != DO_E_JOB_EMPTY)
                return 1;
        if (FAILED(IBackgroundCopyJob5_SetProperty(&job, BITS_JOB_PROPERTY_ID_COST_FLAGS, v)))
                return 2;
        if (!IsEqualGUID(&a, &a) || IsEqualIID(&a, &b))
                return 3;

        V_VT(&var) = VT_UI8;
        V_UI8(&var) = 42;
        if (V_UI8(&var) != 42)
                return 4;

        /* Declarations only: sizeof does not evaluate, so this test still links nothing. */
        if (sizeof(DoHResultName(S_OK)) != sizeof(const char *) || sizeof(DoHResultMessage(S_OK)) == 0)
                return 5;
        return 0;
}
