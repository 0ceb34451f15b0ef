/* system-helper.c: the part of test-system.sh that needs the C API: job callbacks in system mode.
 *
 *   system-helper callback URL PATH
 *
 * Run as a non-root user with DOSVC_SYSTEM=1 (and DOSVC_SYSTEM_BUS_ADDRESS): creates a job, adds URL
 * -> PATH, registers an IBackgroundCopyCallback2 for JobTransferred, FileTransferred and
 * JobModification while the job is still SUSPENDED, resumes it and waits (at most 100 s) for
 * JobTransferred and FileTransferred, then completes the job. FileTransferred and JobModification
 * only ever come from the daemon's signals (no state check can produce them), so this proves that
 * the signals reach the job's owner over the system bus. Exit 0 on success, 1 with a message else. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <deliveryoptimization.h>

typedef struct Callback {
        IBackgroundCopyCallback2 iface;
        atomic_uint refs, transferred, files, modifications, errors;
} Callback;

static Callback *from(IBackgroundCopyCallback2 *this) {
        return (Callback *) this;
}

static ULONG cb_add_ref(IBackgroundCopyCallback2 *this) {
        return (ULONG) atomic_fetch_add(&from(this)->refs, 1) + 1;
}

static ULONG cb_release(IBackgroundCopyCallback2 *this) {
        return (ULONG) atomic_fetch_sub(&from(this)->refs, 1) - 1;
}

static HRESULT cb_query_interface(IBackgroundCopyCallback2 *this, REFIID riid, void **ppv) {
        if (!ppv)
                return E_POINTER;
        if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IBackgroundCopyCallback) ||
            IsEqualIID(riid, &IID_IBackgroundCopyCallback2)) {
                (void) cb_add_ref(this);
                *ppv = this;
                return S_OK;
        }
        *ppv = NULL;
        return E_NOINTERFACE;
}

static HRESULT cb_job_transferred(IBackgroundCopyCallback2 *this, IBackgroundCopyJob *job) {
        atomic_fetch_add(&from(this)->transferred, 1);
        return S_OK;
}

static HRESULT cb_job_error(IBackgroundCopyCallback2 *this, IBackgroundCopyJob *job, IBackgroundCopyError *err) {
        atomic_fetch_add(&from(this)->errors, 1);
        return S_OK;
}

static HRESULT cb_job_modification(IBackgroundCopyCallback2 *this, IBackgroundCopyJob *job, DWORD reserved) {
        atomic_fetch_add(&from(this)->modifications, 1);
        return S_OK;
}

static HRESULT cb_file_transferred(IBackgroundCopyCallback2 *this, IBackgroundCopyJob *job, IBackgroundCopyFile *file) {
        atomic_fetch_add(&from(this)->files, 1);
        return S_OK;
}

static const IBackgroundCopyCallback2Vtbl cb_vtbl = {
        .QueryInterface = cb_query_interface,
        .AddRef = cb_add_ref,
        .Release = cb_release,
        .JobTransferred = cb_job_transferred,
        .JobError = cb_job_error,
        .JobModification = cb_job_modification,
        .FileTransferred = cb_file_transferred,
};

#define CHECK(call)                                                                  \
        do {                                                                         \
                HRESULT hr_ = (call);                                                \
                if (FAILED(hr_)) {                                                   \
                        fprintf(stderr, "system-helper: %s: 0x%08X\n", #call, (unsigned) hr_); \
                        return 1;                                                    \
                }                                                                    \
        } while (0)

static int callback(const char *url, const char *path) {
        Callback cb = { .iface.lpVtbl = &cb_vtbl, .refs = 1 };
        IBackgroundCopyManager *manager = NULL;
        IBackgroundCopyJob *job = NULL;
        GUID id;

        CHECK(DoCreateManager(&manager));
        CHECK(IBackgroundCopyManager_CreateJob(manager, "callback-of-a", BG_JOB_TYPE_DOWNLOAD, &id, &job));
        CHECK(IBackgroundCopyJob_AddFile(job, url, path));
        CHECK(IBackgroundCopyJob_SetNotifyFlags(job, BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR |
                                                     BG_NOTIFY_JOB_MODIFICATION | BG_NOTIFY_FILE_TRANSFERRED));
        CHECK(IBackgroundCopyJob_SetNotifyInterface(job, (IUnknown *) &cb.iface));
        CHECK(IBackgroundCopyJob_Resume(job));

        for (unsigned i = 0; i < 5000; i++) {   /* 100 s in steps of 20 ms */
                if (atomic_load(&cb.errors) > 0) {
                        fprintf(stderr, "system-helper: the job went to ERROR\n");
                        return 1;
                }
                if (atomic_load(&cb.transferred) > 0 && atomic_load(&cb.files) > 0)
                        break;
                (void) nanosleep(&(struct timespec) { .tv_nsec = 20 * 1000 * 1000 }, NULL);
        }
        printf("transferred=%u files=%u modifications=%u\n", atomic_load(&cb.transferred), atomic_load(&cb.files),
               atomic_load(&cb.modifications));
        if (atomic_load(&cb.transferred) == 0 || atomic_load(&cb.files) == 0) {
                fprintf(stderr, "system-helper: no JobTransferred/FileTransferred callback within 100 s\n");
                return 1;
        }
        CHECK(IBackgroundCopyJob_SetNotifyInterface(job, NULL));
        CHECK(IBackgroundCopyJob_Complete(job));
        (void) IBackgroundCopyJob_Release(job);
        (void) IBackgroundCopyManager_Release(manager);
        return 0;
}

int main(int argc, char **argv) {
        if (argc == 4 && strcmp(argv[1], "callback") == 0)
                return callback(argv[2], argv[3]);
        fprintf(stderr, "Usage: system-helper callback URL PATH\n");
        return 2;
}
