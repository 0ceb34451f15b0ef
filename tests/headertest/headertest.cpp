/* headertest.cpp: builds the public header alone as strict C++11 (-pedantic -Werror), so C++ clients
 * get the same ABI as C ones: the same sizes, values and vtable slots, checked with static_assert. It
 * links nothing; main() only exercises the call and accessor macros on a fake object. */
#include <deliveryoptimization.h>

#define SLOT(vtbl, member) (offsetof(vtbl, member) / sizeof(void *))

static_assert(sizeof(GUID) == 16, "GUID");
static_assert(sizeof(HRESULT) == 4 && sizeof(ULONG) == 4 && sizeof(BOOL) == 4, "integers");
static_assert(sizeof(BG_FILE_RANGE) == 16, "BG_FILE_RANGE");
static_assert(sizeof(BG_FILE_PROGRESS) == 24, "BG_FILE_PROGRESS");
static_assert(sizeof(BG_JOB_PROGRESS) == 24, "BG_JOB_PROGRESS");
static_assert(sizeof(BG_JOB_TIMES) == 24, "BG_JOB_TIMES");
static_assert(sizeof(BITS_JOB_PROPERTY_VALUE) == 16, "BITS_JOB_PROPERTY_VALUE");
static_assert(sizeof(VARIANT) == 8 + 2 * sizeof(void *), "VARIANT");
static_assert(offsetof(DO_DOWNLOAD_RANGES_INFO, Ranges) == 8, "DO_DOWNLOAD_RANGES_INFO");

static_assert(BG_JOB_STATE_SUSPENDED == 3 && BG_JOB_STATE_CANCELLED == 8, "BG_JOB_STATE");
static_assert(BG_JOB_PRIORITY_NORMAL == 2, "BG_JOB_PRIORITY");
static_assert(BITS_JOB_TRANSFER_POLICY_ALWAYS == 0x800000FFu, "BITS_JOB_TRANSFER_POLICY");
static_assert(DownloadMode_Bypass == 100 && DOFilePropertyId_TotalSizeBytes == 6, "DO enums");
static_assert(DOJobPropertyId_ExtendedErrorInfo == 0, "DOJobPropertyId");
static_assert(BG_SIZE_UNKNOWN == DO_UNKNOWN_FILE_SIZE && BG_LENGTH_TO_EOF == DO_LENGTH_TO_EOF, "sizes");

static_assert(DO_E_JOB_NOT_FOUND == static_cast<HRESULT>(0x80D02003u), "DO_E_JOB_NOT_FOUND");
static_assert(DO_E_NOT_FOUND == DO_E_JOB_NOT_FOUND && DO_E_EMPTY == DO_E_JOB_EMPTY, "aliases");
static_assert(E_NOT_SET == HRESULT_FROM_WIN32(ERROR_NOT_FOUND), "E_NOT_SET");
static_assert(MAKE_HRESULT(1, FACILITY_HTTP, 404) == BG_E_HTTP_ERROR_404, "HTTP 404");
static_assert(FAILED(BG_E_HTTP_ERROR_505) && SUCCEEDED(BG_S_PARTIAL_COMPLETE), "severity");

static_assert(SLOT(IBackgroundCopyManagerVtbl, GetErrorDescription) == 6, "manager");
static_assert(SLOT(IBackgroundCopyJobVtbl, Resume) == 7, "Resume");
static_assert(SLOT(IBackgroundCopyJobVtbl, TakeOwnership) == 34, "TakeOwnership");
static_assert(SLOT(IBackgroundCopyJob2Vtbl, SetNotifyCmdLine) == 35, "Job2");
static_assert(SLOT(IBackgroundCopyJob3Vtbl, ReplaceRemotePrefix) == 43, "Job3");
static_assert(SLOT(IBackgroundCopyJob4Vtbl, SetPeerCachingFlags) == 47, "Job4");
static_assert(SLOT(IBackgroundCopyJob5Vtbl, SetProperty) == 53, "Job5 SetProperty");
static_assert(SLOT(IBackgroundCopyJob5Vtbl, GetProperty) == 54, "Job5 GetProperty");
static_assert(SLOT(IBackgroundCopyFile5Vtbl, SetProperty) == 13, "File5 SetProperty");
static_assert(SLOT(IBackgroundCopyFile5Vtbl, GetProperty) == 14, "File5 GetProperty");
static_assert(SLOT(IDeliveryOptimizationJob2Vtbl, GetProperty) == 4, "DOJob2");
static_assert(SLOT(IDeliveryOptimizationFile2Vtbl, GetProperty) == 3, "DOFile2");
static_assert(SLOT(IDODownloadVtbl, GetStatus) == 7, "IDODownload");

static ULONG fake_release(IBackgroundCopyJob *) {
        return 0;
}

static HRESULT fake_get_state(IBackgroundCopyJob *, BG_JOB_STATE *state) {
        *state = BG_JOB_STATE_TRANSFERRED;
        return S_OK;
}

int main() {
        static const GUID a = { 0x5ce34c0d, 0x0dc9, 0x4c1f, { 0x89, 0x7c, 0xda, 0xa1, 0xb7, 0x8c, 0xee, 0x7c } };
        IBackgroundCopyJobVtbl vtbl = {};
        IBackgroundCopyJob job;
        BG_JOB_STATE state = BG_JOB_STATE_QUEUED;
        VARIANT var;

        vtbl.Release = fake_release;
        vtbl.GetState = fake_get_state;
        job.lpVtbl = &vtbl;

        if (IBackgroundCopyJob_GetState(&job, &state) != S_OK || state != BG_JOB_STATE_TRANSFERRED)
                return 1;
        if (IBackgroundCopyJob_Release(&job) != 0)
                return 2;
        if (!IsEqualGUID(&a, &a))
                return 3;

        var.vt = VT_BOOL;
        var.boolVal = VARIANT_TRUE;
        if (V_BOOL(&var) != VARIANT_TRUE)
                return 4;
        return 0;
}
