/* test-callbacks.c: notifications through libdosvc against a real daemon and nginx (harness.h):
 * IBackgroundCopyCallback / IBackgroundCopyCallback2 objects that count their calls (behaviours
 * 37–41 and 84 of spec §6, FileTransferred, BG_NOTIFY_DISABLE, a callback that completes and
 * releases its job), and the notify command line (IBackgroundCopyJob2::SetNotifyCmdLine) run by the
 * daemon after the program that set it has exited.
 *
 * Every wait is bounded. A check that something does NOT happen (exactly one call, none when
 * disabled) waits out a settle time longer than the library's first retry delay (1 s) after a
 * barrier, since no event can prove an absence; nothing asserts how long anything took.
 *
 * The command lines that sleep (until killed, at most 60 s) record their pids in a file; each such test
 * kills them when it ends, after the harness cancelled its jobs.
 *
 * The command-line test runs this same program again (itself with --cmdline-child …) as the
 * short-lived creator of the job: a fresh process that creates the job, sets the command line,
 * resumes and exits. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define SMALL_SIZE (100u * 1000u)
#define T_FAST_MS 30000u                  /* bound for a small transfer and its callback */
#define T_SETTLE_MS 2500u                 /* > the first retry delays (1 s, 2 s): no further call came */

/* ---- a callback object that counts -------------------------------------------------------- */

/* One object serves IUnknown, IBackgroundCopyCallback and (when has_callback2) IBackgroundCopyCallback2:
 * the Callback2 vtable starts with the Callback one. Objects are static, never freed: a failing test
 * may leave the library holding a reference. */
typedef struct Counter {
        IBackgroundCopyCallback2 iface;
        atomic_int refs;
        bool has_callback2;
        GUID expect_id;                    /* every call must come with this job */
        atomic_int transferred, errors, modifications, files;
        atomic_int fail_transferred;       /* JobTransferred returns E_FAIL this many more times */
        atomic_int wrong_job;              /* calls whose pJob had another id, or none */
        atomic_int state_at_transferred;   /* GetState from inside JobTransferred */
        atomic_uint last_error;            /* IBackgroundCopyError::GetError code of the last JobError */
        atomic_uint file_mask;             /* bit per file index seen by FileTransferred */
        /* JobTransferred calls Complete, then Releases owned_job (the test's only reference). */
        IBackgroundCopyJob *owned_job;
        atomic_uint complete_hr;
        atomic_int completed;
} Counter;

static Counter *counter_from(IBackgroundCopyCallback2 *this) {
        return (Counter *) this;
}

static ULONG counter_add_ref(IBackgroundCopyCallback2 *this) {
        return (ULONG) atomic_fetch_add(&counter_from(this)->refs, 1) + 1;
}

static ULONG counter_release(IBackgroundCopyCallback2 *this) {
        return (ULONG) atomic_fetch_sub(&counter_from(this)->refs, 1) - 1;
}

static HRESULT counter_query_interface(IBackgroundCopyCallback2 *this, REFIID riid, void **ppv) {
        Counter *c = counter_from(this);

        if (!ppv)
                return E_POINTER;
        if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IBackgroundCopyCallback) ||
            (c->has_callback2 && IsEqualIID(riid, &IID_IBackgroundCopyCallback2))) {
                (void) counter_add_ref(this);
                *ppv = this;
                return S_OK;
        }
        *ppv = NULL;
        return E_NOINTERFACE;
}

static void counter_check_job(Counter *c, IBackgroundCopyJob *job) {
        GUID id;

        /* Calls back into the API from the dispatch thread. */
        if (!job || IBackgroundCopyJob_GetId(job, &id) != S_OK || !IsEqualGUID(&id, &c->expect_id))
                atomic_fetch_add(&c->wrong_job, 1);
}

static HRESULT counter_job_transferred(IBackgroundCopyCallback2 *this, IBackgroundCopyJob *job) {
        Counter *c = counter_from(this);
        BG_JOB_STATE state = (BG_JOB_STATE) -1;

        counter_check_job(c, job);
        (void) IBackgroundCopyJob_GetState(job, &state);
        atomic_store(&c->state_at_transferred, (int) state);
        atomic_fetch_add(&c->transferred, 1);
        if (atomic_load(&c->fail_transferred) > 0) {
                atomic_fetch_sub(&c->fail_transferred, 1);
                return E_FAIL;
        }
        if (c->owned_job) {
                IBackgroundCopyJob *mine = c->owned_job;

                c->owned_job = NULL;
                atomic_store(&c->complete_hr, (unsigned) IBackgroundCopyJob_Complete(job));
                (void) IBackgroundCopyJob_Release(mine);   /* the program's last reference */
                atomic_fetch_add(&c->completed, 1);
        }
        return S_OK;
}

static HRESULT counter_job_error(IBackgroundCopyCallback2 *this, IBackgroundCopyJob *job, IBackgroundCopyError *err) {
        Counter *c = counter_from(this);
        BG_ERROR_CONTEXT ctx;
        HRESULT code = S_OK;

        counter_check_job(c, job);
        if (err && IBackgroundCopyError_GetError(err, &ctx, &code) == S_OK)
                atomic_store(&c->last_error, (unsigned) code);
        atomic_fetch_add(&c->errors, 1);
        return S_OK;
}

static HRESULT counter_job_modification(IBackgroundCopyCallback2 *this, IBackgroundCopyJob *job, DWORD reserved) {
        Counter *c = counter_from(this);

        counter_check_job(c, job);
        if (reserved != 0)
                atomic_fetch_add(&c->wrong_job, 1);
        atomic_fetch_add(&c->modifications, 1);
        return S_OK;
}

/* Files are named "<tag>-<index>.bin": the index comes back from the local name. */
static HRESULT counter_file_transferred(IBackgroundCopyCallback2 *this, IBackgroundCopyJob *job,
                                        IBackgroundCopyFile *file) {
        Counter *c = counter_from(this);
        LPWSTR local = NULL;

        counter_check_job(c, job);
        if (file && IBackgroundCopyFile_GetLocalName(file, &local) == S_OK && local) {
                const char *dash = strrchr(local, '-');

                if (dash && dash[1] >= '0' && dash[1] <= '9')
                        atomic_fetch_or(&c->file_mask, 1u << (dash[1] - '0'));
                CoTaskMemFree(local);
        }
        atomic_fetch_add(&c->files, 1);
        return S_OK;
}

static const IBackgroundCopyCallback2Vtbl counter_vtbl = {
        .QueryInterface = counter_query_interface,
        .AddRef = counter_add_ref,
        .Release = counter_release,
        .JobTransferred = counter_job_transferred,
        .JobError = counter_job_error,
        .JobModification = counter_job_modification,
        .FileTransferred = counter_file_transferred,
};

static void counter_init(Counter *c, const GUID *job_id, bool callback2) {
        memset(c, 0, sizeof(*c));
        c->iface.lpVtbl = &counter_vtbl;
        atomic_init(&c->refs, 1);   /* the test's own */
        c->has_callback2 = callback2;
        if (job_id)
                c->expect_id = *job_id;
}

static IUnknown *counter_unknown(Counter *c) {
        return (IUnknown *) &c->iface;
}

/* Polls *v every 20 ms until it is ≥ at_least; fails the test after timeout_ms. */
static void wait_at_least(atomic_int *v, int at_least, unsigned timeout_ms, const char *what) {
        uint64_t deadline = h_now_ms() + timeout_ms;

        for (unsigned i = 0; i <= timeout_ms / 20u + 1; i++) {
                if (atomic_load(v) >= at_least)
                        return;
                if (h_now_ms() >= deadline)
                        break;
                h_sleep_ms(20);
        }
        h_daemon_log_tail(10);
        H_FAIL("%s: %d after %u ms, expected at least %d", what, atomic_load(v), timeout_ms, at_least);
}

static void wait_refs(Counter *c, int want, unsigned timeout_ms) {
        for (unsigned i = 0; i <= timeout_ms / 20u && atomic_load(&c->refs) != want; i++)
                h_sleep_ms(20);
        H_ASSERT_MSG(atomic_load(&c->refs) == want, "callback has %d references, expected %d", atomic_load(&c->refs),
                     want);
}

/* A job holding `n` small files "<tag>-<i>.bin" from nginx, not resumed. */
static IBackgroundCopyJob *job_with_files(const char *tag, unsigned n, GUID *ret_id, char **ret_local0) {
        char *dest = h_dest_dir(tag);
        IBackgroundCopyJob *job = h_create_job(tag, ret_id);

        for (unsigned i = 0; i < n; i++) {
                char *name = h_strdupf("%s-%u.bin", tag, i);
                char *local = h_strdupf("%s/%s", dest, name);

                (void) h_make_file(name, SMALL_SIZE);
                h_add_file(job, h_url("/%s", name), local);
                if (i == 0 && ret_local0)
                        *ret_local0 = local;
        }
        return job;
}

/* ---- 37: SetNotifyInterface / GetNotifyInterface and COM references ---------------------- */

static void test_b37_references(void) {
        static Counter a, b, c;
        IBackgroundCopyManager *m = h_manager();
        IBackgroundCopyJob *job, *loose = NULL;
        IUnknown *got = NULL;
        GUID id;

        job = h_create_job("b37", &id);
        counter_init(&a, &id, false);
        counter_init(&b, &id, false);

        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(job, counter_unknown(&a)));
        wait_refs(&a, 2, 2000);                      /* AddRef on set (the thread's check lets go) */
        H_ASSERT_OK(IBackgroundCopyJob_GetNotifyInterface(job, &got));
        H_ASSERT_MSG(got == counter_unknown(&a), "GetNotifyInterface returned %p, not %p", (void *) got,
                     (void *) counter_unknown(&a));
        H_ASSERT_EQ_U64(atomic_load(&a.refs), 3);   /* AddRef'ed for the caller */
        (void) IUnknown_Release(got);

        /* Replacing releases the old one. */
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(job, counter_unknown(&b)));
        wait_refs(&a, 1, 2000);
        wait_refs(&b, 2, 2000);

        /* Clearing releases it, and GetNotifyInterface gives NULL. */
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(job, NULL));
        wait_refs(&b, 1, 2000);
        got = (IUnknown *) &got;
        H_ASSERT_OK(IBackgroundCopyJob_GetNotifyInterface(job, &got));
        H_ASSERT_MSG(got == NULL, "GetNotifyInterface after clearing returned %p", (void *) got);

        /* The job's last Release releases its callback. */
        H_ASSERT_OK(IBackgroundCopyManager_CreateJob(m, "b37-loose", BG_JOB_TYPE_DOWNLOAD, &id, &loose));
        counter_init(&c, &id, false);
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(loose, counter_unknown(&c)));
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(loose));
        (void) IBackgroundCopyJob_Release(loose);
        wait_refs(&c, 1, 2000);

        /* Final states refuse a registration, and it takes no reference. */
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(job));
        H_ASSERT_HR(IBackgroundCopyJob_SetNotifyInterface(job, counter_unknown(&b)), DO_E_INVALID_STATE);
        H_ASSERT_EQ_U64(atomic_load(&b.refs), 1);
        H_ASSERT_EQ_U64(atomic_load(&a.wrong_job) + atomic_load(&b.wrong_job) + atomic_load(&c.wrong_job), 0);
}

/* ---- 38: JobTransferred when the job reaches TRANSFERRED, once ---------------------------- */

static void test_b38_job_transferred_once(void) {
        static Counter c;
        IBackgroundCopyJob *job;
        GUID id;

        job = job_with_files("b38", 1, &id, NULL);
        counter_init(&c, &id, false);
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(job, counter_unknown(&c)));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        wait_at_least(&c.transferred, 1, T_FAST_MS, "JobTransferred calls");
        H_ASSERT_EQ_U64(atomic_load(&c.state_at_transferred), BG_JOB_STATE_TRANSFERRED);
        h_sleep_ms(T_SETTLE_MS);
        H_ASSERT_EQ_U64(atomic_load(&c.transferred), 1);
        H_ASSERT_EQ_U64(atomic_load(&c.errors), 0);
        H_ASSERT_EQ_U64(atomic_load(&c.modifications), 0);   /* BG_NOTIFY_JOB_MODIFICATION not set */
        H_ASSERT_EQ_U64(atomic_load(&c.wrong_job), 0);
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(job, NULL));
        wait_refs(&c, 1, 2000);
}

/* ---- 39: a failing JobTransferred is called again until it returns S_OK ------------------- */

static void test_b39_job_transferred_retried_until_s_ok(void) {
        static Counter c;
        IBackgroundCopyJob *job;
        GUID id;

        job = job_with_files("b39", 1, &id, NULL);
        counter_init(&c, &id, false);
        atomic_store(&c.fail_transferred, 1);
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(job, counter_unknown(&c)));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        wait_at_least(&c.transferred, 2, T_FAST_MS, "JobTransferred calls (first one failed)");
        h_sleep_ms(T_SETTLE_MS);
        H_ASSERT_EQ_U64(atomic_load(&c.transferred), 2);   /* S_OK ended it */
        H_ASSERT_EQ_U64(atomic_load(&c.wrong_job), 0);
}

/* ---- 40: registered after TRANSFERRED, still one JobTransferred --------------------------- */

static void test_b40_registered_after_transferred(void) {
        static Counter c;
        IBackgroundCopyJob *job;
        GUID id;

        job = job_with_files("b40", 1, &id, NULL);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_FAST_MS);
        counter_init(&c, &id, false);
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(job, counter_unknown(&c)));
        wait_at_least(&c.transferred, 1, T_FAST_MS, "JobTransferred calls");
        h_sleep_ms(T_SETTLE_MS);
        H_ASSERT_EQ_U64(atomic_load(&c.transferred), 1);
        H_ASSERT_EQ_U64(atomic_load(&c.wrong_job), 0);
}

/* ---- 41: HTTP 404 → ERROR, JobError once with 0x80190194 ---------------------------------- */

static void test_b41_job_error_once_on_404(void) {
        static Counter c;
        char *dest = h_dest_dir("b41");
        IBackgroundCopyJob *job;
        GUID id;

        job = h_create_job("b41", &id);
        h_add_file(job, h_url("/no-such-file-b41.bin"), h_strdupf("%s/missing.bin", dest));
        counter_init(&c, &id, false);
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(job, counter_unknown(&c)));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        wait_at_least(&c.errors, 1, T_FAST_MS, "JobError calls");
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_ERROR);
        H_ASSERT_MSG(atomic_load(&c.last_error) == 0x80190194u, "JobError's error object gave 0x%08X",
                     atomic_load(&c.last_error));
        h_sleep_ms(T_SETTLE_MS);
        H_ASSERT_EQ_U64(atomic_load(&c.errors), 1);
        H_ASSERT_EQ_U64(atomic_load(&c.transferred), 0);
        H_ASSERT_EQ_U64(atomic_load(&c.wrong_job), 0);
}

/* ---- 84: JobModification after SetPriority and after a state change ---------------------- */

static void test_b84_job_modification(void) {
        static Counter c;
        IBackgroundCopyJob *job;
        int before;
        GUID id;

        job = job_with_files("b84", 1, &id, NULL);
        counter_init(&c, &id, false);
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyFlags(job, BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR |
                                                                   BG_NOTIFY_JOB_MODIFICATION));
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(job, counter_unknown(&c)));

        before = atomic_load(&c.modifications);
        H_ASSERT_OK(IBackgroundCopyJob_SetPriority(job, BG_JOB_PRIORITY_HIGH));
        wait_at_least(&c.modifications, before + 1, T_FAST_MS, "JobModification calls after SetPriority");

        /* SUSPENDED → QUEUED → … → TRANSFERRED */
        before = atomic_load(&c.modifications);
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        wait_at_least(&c.modifications, before + 1, T_FAST_MS, "JobModification calls after Resume");
        wait_at_least(&c.transferred, 1, T_FAST_MS, "JobTransferred calls");

        /* TRANSFERRED → SUSPENDED: a state change alone, no bytes move any more. */
        h_sleep_ms(1000);   /* lets the last rate-limited progress modification go by */
        before = atomic_load(&c.modifications);
        H_ASSERT_OK(IBackgroundCopyJob_Suspend(job));
        wait_at_least(&c.modifications, before + 1, T_FAST_MS, "JobModification calls after Suspend");
        H_ASSERT_EQ_U64(atomic_load(&c.wrong_job), 0);
}

/* ---- FileTransferred through IBackgroundCopyCallback2 ------------------------------------- */

static void test_file_transferred_callback2(void) {
        static Counter c2, c1;
        IBackgroundCopyJob *job2, *job1;
        GUID id2, id1;

        job2 = job_with_files("ft2", 2, &id2, NULL);
        job1 = job_with_files("ft1", 2, &id1, NULL);
        counter_init(&c2, &id2, true);
        counter_init(&c1, &id1, false);   /* answers only IID_IBackgroundCopyCallback */
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyFlags(job2, BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_FILE_TRANSFERRED));
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyFlags(job1, BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_FILE_TRANSFERRED));
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(job2, counter_unknown(&c2)));
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(job1, counter_unknown(&c1)));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job2));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job1));

        wait_at_least(&c2.transferred, 1, T_FAST_MS, "JobTransferred calls (Callback2)");
        wait_at_least(&c2.files, 2, T_FAST_MS, "FileTransferred calls");
        H_ASSERT_EQ_U64(atomic_load(&c2.file_mask), 0x3);
        wait_at_least(&c1.transferred, 1, T_FAST_MS, "JobTransferred calls (Callback only)");
        h_sleep_ms(T_SETTLE_MS);
        H_ASSERT_EQ_U64(atomic_load(&c2.files), 2);
        H_ASSERT_EQ_U64(atomic_load(&c1.files), 0);   /* no IBackgroundCopyCallback2: no FileTransferred */
        H_ASSERT_EQ_U64(atomic_load(&c2.wrong_job) + atomic_load(&c1.wrong_job), 0);
}

/* ---- BG_NOTIFY_DISABLE suppresses every notification -------------------------------------- */

static void test_notify_disable_suppresses(void) {
        static Counter off_ok, off_err, off_late, barrier;
        const ULONG all = BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR | BG_NOTIFY_JOB_MODIFICATION |
                          BG_NOTIFY_FILE_TRANSFERRED | BG_NOTIFY_DISABLE;
        IBackgroundCopyJob *ok, *err, *late, *bar;
        char *dest = h_dest_dir("disable-err");
        GUID id_ok, id_err, id_late, id_bar;

        ok = job_with_files("disable-ok", 2, &id_ok, NULL);
        err = h_create_job("disable-err", &id_err);
        h_add_file(err, h_url("/no-such-file-disable.bin"), h_strdupf("%s/missing.bin", dest));
        late = job_with_files("disable-late", 1, &id_late, NULL);
        bar = job_with_files("disable-barrier", 1, &id_bar, NULL);

        counter_init(&off_ok, &id_ok, true);
        counter_init(&off_err, &id_err, true);
        counter_init(&off_late, &id_late, true);
        counter_init(&barrier, &id_bar, false);
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyFlags(ok, all));
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyFlags(err, all));
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyFlags(late, all));
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(ok, counter_unknown(&off_ok)));
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(err, counter_unknown(&off_err)));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(ok));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(err));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(late));
        H_WAIT_STATE(ok, BG_JOB_STATE_TRANSFERRED, T_FAST_MS);
        H_WAIT_STATE(err, BG_JOB_STATE_ERROR, T_FAST_MS);
        H_WAIT_STATE(late, BG_JOB_STATE_TRANSFERRED, T_FAST_MS);
        /* Registered after the event: the check must honour DISABLE too. */
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(late, counter_unknown(&off_late)));

        /* Barrier: a later job's JobTransferred arrives after anything sent for the ones above. */
        H_ASSERT_OK(IBackgroundCopyJob_SetNotifyInterface(bar, counter_unknown(&barrier)));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(bar));
        wait_at_least(&barrier.transferred, 1, T_FAST_MS, "JobTransferred calls of the barrier job");
        h_sleep_ms(T_SETTLE_MS);

        H_ASSERT_EQ_U64(atomic_load(&off_ok.transferred) + atomic_load(&off_ok.errors) +
                                atomic_load(&off_ok.modifications) + atomic_load(&off_ok.files), 0);
        H_ASSERT_EQ_U64(atomic_load(&off_err.transferred) + atomic_load(&off_err.errors) +
                                atomic_load(&off_err.modifications) + atomic_load(&off_err.files), 0);
        H_ASSERT_EQ_U64(atomic_load(&off_late.transferred) + atomic_load(&off_late.errors) +
                                atomic_load(&off_late.modifications) + atomic_load(&off_late.files), 0);
}

/* ---- a callback that calls Complete and releases the job ---------------------------------- */

static void test_callback_completes_and_releases_job(void) {
        static Counter c;
        IBackgroundCopyManager *m = h_manager();
        char *dest = h_dest_dir("inside");
        char *src = h_make_file("inside.bin", SMALL_SIZE);
        char *local = h_strdupf("%s/inside.bin", dest);
        IBackgroundCopyJob *job = NULL, *again = NULL;
        GUID id;

        /* Not tracked by the harness: the callback Releases the only reference. */
        H_ASSERT_OK(IBackgroundCopyManager_CreateJob(m, "inside", BG_JOB_TYPE_DOWNLOAD, &id, &job));
        counter_init(&c, &id, false);
        c.owned_job = job;
        if (IBackgroundCopyJob_AddFile(job, h_url("/inside.bin"), local) != S_OK ||
            IBackgroundCopyJob_SetNotifyInterface(job, counter_unknown(&c)) != S_OK ||
            IBackgroundCopyJob_Resume(job) != S_OK) {
                (void) IBackgroundCopyJob_Cancel(job);
                (void) IBackgroundCopyJob_Release(job);
                H_FAIL("setting up the job failed");
        }
        job = NULL;   /* from here on it belongs to the callback */

        wait_at_least(&c.completed, 1, T_FAST_MS, "Complete calls from inside JobTransferred");
        H_ASSERT_HR((HRESULT) atomic_load(&c.complete_hr), S_OK);
        H_ASSERT_MSG(h_files_equal(src, local), "the completed file differs from the source");
        /* The proxy died with the callback's Release, after the call returned; it let go of the callback. */
        wait_refs(&c, 1, 5000);
        H_ASSERT_HR(IBackgroundCopyManager_GetJob(m, &id, &again), DO_E_JOB_NOT_FOUND);
        H_ASSERT_EQ_U64(atomic_load(&c.transferred), 1);
        H_ASSERT_EQ_U64(atomic_load(&c.wrong_job), 0);
}

/* ---- the notify command line -------------------------------------------------------------- */

static IBackgroundCopyJob2 *as_job2(IBackgroundCopyJob *job) {
        IBackgroundCopyJob2 *j2 = NULL;

        H_ASSERT_OK(IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJob2, (void **) &j2));
        return h_track(j2);
}

static void expect_cmdline(IBackgroundCopyJob2 *j2, const char *program, const char *parameters) {
        LPWSTR p = NULL, a = NULL;

        H_ASSERT_OK(IBackgroundCopyJob2_GetNotifyCmdLine(j2, &p, &a));
        H_ASSERT_MSG(p && a && strcmp(p, program) == 0 && strcmp(a, parameters) == 0,
                     "GetNotifyCmdLine gave \"%s\" \"%s\", expected \"%s\" \"%s\"", p ? p : "(null)",
                     a ? a : "(null)", program, parameters);
        CoTaskMemFree(p);
        CoTaskMemFree(a);
}

static void test_cmdline_set_get_validation(void) {
        IBackgroundCopyJob *job = h_create_job("cmdline-args", NULL);
        IBackgroundCopyJob2 *j2 = as_job2(job);
        char long_program[300], long_parameters[4100];
        LPWSTR p = NULL, a = NULL;

        expect_cmdline(j2, "", "");   /* never set: both empty [BITS] */
        H_ASSERT_HR(IBackgroundCopyJob2_GetNotifyCmdLine(j2, NULL, &a), E_INVALIDARG);
        H_ASSERT_HR(IBackgroundCopyJob2_GetNotifyCmdLine(j2, &p, NULL), E_INVALIDARG);

        H_ASSERT_HR(IBackgroundCopyJob2_SetNotifyCmdLine(j2, "bin/true", NULL), E_INVALIDARG);      /* relative */
        H_ASSERT_HR(IBackgroundCopyJob2_SetNotifyCmdLine(j2, NULL, "/bin/true x"), E_INVALIDARG);   /* [BITS] */
        H_ASSERT_HR(IBackgroundCopyJob2_SetNotifyCmdLine(j2, "/bin/true", "a\nb"), E_INVALIDARG);
        memset(long_program, 'x', sizeof(long_program));
        long_program[0] = '/';
        long_program[261] = '\0';                                                                /* 261 bytes */
        H_ASSERT_HR(IBackgroundCopyJob2_SetNotifyCmdLine(j2, long_program, NULL), BG_E_STRING_TOO_LONG);
        memset(long_parameters, 'y', sizeof(long_parameters));
        long_parameters[4001] = '\0';
        H_ASSERT_HR(IBackgroundCopyJob2_SetNotifyCmdLine(j2, "/bin/true", long_parameters), BG_E_STRING_TOO_LONG);
        expect_cmdline(j2, "", "");   /* nothing changed */

        H_ASSERT_OK(IBackgroundCopyJob2_SetNotifyCmdLine(j2, "/bin/echo", "/bin/echo \"a b\" c"));
        expect_cmdline(j2, "/bin/echo", "/bin/echo \"a b\" c");
        H_ASSERT_OK(IBackgroundCopyJob2_SetNotifyCmdLine(j2, "/bin/true", NULL));
        expect_cmdline(j2, "/bin/true", "");
        H_ASSERT_OK(IBackgroundCopyJob2_SetNotifyCmdLine(j2, NULL, NULL));   /* clears */
        expect_cmdline(j2, "", "");

        H_ASSERT_OK(IBackgroundCopyJob_Cancel(job));
        H_ASSERT_HR(IBackgroundCopyJob2_SetNotifyCmdLine(j2, "/bin/true", NULL), DO_E_INVALID_STATE);
}

/* Waits (bounded) for `path` to exist and returns its content (arena string); fails the test. */
static char *wait_file_content(const char *path, unsigned timeout_ms) {
        uint64_t deadline = h_now_ms() + timeout_ms;
        char buf[512];
        ssize_t n;
        int fd;

        for (unsigned i = 0; i <= timeout_ms / 20u + 1 && !h_file_exists(path); i++) {
                if (h_now_ms() >= deadline)
                        break;
                h_sleep_ms(20);
        }
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                h_daemon_log_tail(15);
                H_FAIL("%s did not appear within %u ms", path, timeout_ms);
        }
        n = read(fd, buf, sizeof(buf) - 1);
        (void) close(fd);
        H_ASSERT_MSG(n >= 0, "read %s: %m", path);
        buf[n] = '\0';
        return h_strdupf("%s", buf);
}

/* The job's creator: a separate process that sets the command line, resumes and exits. The command
 * line writes "$DOSVC_JOB_ID $DOSVC_JOB_STATE" to `marker` (through a temp file, so the marker
 * appears whole). It prints the job id on stdout. Exit status 0 on success. */
static int cmdline_child(const char *url, const char *local, const char *marker) {
        IBackgroundCopyManager *m = NULL;
        IBackgroundCopyJob *job = NULL;
        IBackgroundCopyJob2 *j2 = NULL;
        char *parameters = NULL;
        HRESULT hr;
        GUID id;

        if (asprintf(&parameters, "/bin/sh -c \"echo $DOSVC_JOB_ID $DOSVC_JOB_STATE > %s.tmp && mv %s.tmp %s\"",
                     marker, marker, marker) < 0)
                return 2;
        hr = DoCreateManager(&m);
        if (SUCCEEDED(hr))
                hr = IBackgroundCopyManager_CreateJob(m, "cmdline-child", BG_JOB_TYPE_DOWNLOAD, &id, &job);
        if (SUCCEEDED(hr))
                hr = IBackgroundCopyJob_AddFile(job, url, local);
        if (SUCCEEDED(hr))
                hr = IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJob2, (void **) &j2);
        if (SUCCEEDED(hr))
                hr = IBackgroundCopyJob2_SetNotifyCmdLine(j2, "/bin/sh", parameters);
        if (SUCCEEDED(hr))
                hr = IBackgroundCopyJob_Resume(job);
        if (SUCCEEDED(hr)) {
                printf("{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}\n", (unsigned) id.Data1, id.Data2,
                       id.Data3, id.Data4[0], id.Data4[1], id.Data4[2], id.Data4[3], id.Data4[4], id.Data4[5],
                       id.Data4[6], id.Data4[7]);
                fflush(stdout);
        } else
                fprintf(stderr, "cmdline child: 0x%08X\n", (unsigned) hr);
        if (j2)
                (void) IBackgroundCopyJob2_Release(j2);
        if (job)
                (void) IBackgroundCopyJob_Release(job);
        if (m)
                (void) IBackgroundCopyManager_Release(m);
        free(parameters);
        return SUCCEEDED(hr) ? 0 : 1;
}

/* Runs this program as the creator and returns the job id it printed (arena string). */
static char self_exe[4096];   /* this program (readlink of /proc/self/exe, which valgrind reports right) */

static char *run_creator(const char *url, const char *local, const char *marker) {
        int pipefd[2], status = 0;
        char buf[128] = "";
        uint64_t deadline;
        ssize_t n;
        pid_t pid, r = 0;

        H_ASSERT_MSG(self_exe[0] == '/', "cannot tell this program's path");
        H_ASSERT_MSG(pipe2(pipefd, O_CLOEXEC) == 0, "pipe2: %m");
        pid = fork();
        H_ASSERT_MSG(pid >= 0, "fork: %m");
        if (pid == 0) {
                (void) dup2(pipefd[1], STDOUT_FILENO);
                execl(self_exe, self_exe, "--cmdline-child", url, local, marker, (char *) NULL);
                _exit(127);
        }
        (void) close(pipefd[1]);
        deadline = h_now_ms() + T_FAST_MS;
        for (unsigned i = 0; i <= T_FAST_MS / 20u + 1; i++) {
                r = waitpid(pid, &status, WNOHANG);
                if (r != 0 || h_now_ms() >= deadline)
                        break;
                h_sleep_ms(20);
        }
        if (r == 0) {
                (void) kill(pid, SIGKILL);
                (void) waitpid(pid, &status, 0);
                (void) close(pipefd[0]);
                H_FAIL("the creator process did not exit");
        }
        n = read(pipefd[0], buf, sizeof(buf) - 1);
        (void) close(pipefd[0]);
        H_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the creator process failed (status 0x%x)",
                     (unsigned) status);
        H_ASSERT_MSG(n > 0, "the creator printed no job id");
        buf[n] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        return h_strdupf("%s", buf);
}

static void test_cmdline_runs_after_creator_exits(void) {
        char *dest = h_dest_dir("cmdline-run");
        char *local = h_strdupf("%s/cmdline-run.bin", dest);
        char *marker = h_strdupf("%s/marker-run", h_root());
        char *id_text, *content;
        IBackgroundCopyJob *job = NULL;
        GUID id;

        (void) h_make_file("cmdline-run.bin", SMALL_SIZE);
        id_text = run_creator(h_url("/cmdline-run.bin"), local, marker);
        h_note("creator made job %s and exited", id_text);

        content = wait_file_content(marker, T_FAST_MS);
        H_ASSERT_STREQ(content, h_strdupf("%s TRANSFERRED\n", id_text));

        /* Clean up: the job rests in TRANSFERRED; it is ours (same uid). */
        {
                unsigned v[11];

                H_ASSERT_MSG(sscanf(id_text, "{%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x}", &v[0], &v[1], &v[2], &v[3],
                                    &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10]) == 11,
                             "not a job id: %s", id_text);
                id.Data1 = v[0];
                id.Data2 = (unsigned short) v[1];
                id.Data3 = (unsigned short) v[2];
                for (unsigned i = 0; i < 8; i++)
                        id.Data4[i] = (unsigned char) v[3 + i];
        }
        H_ASSERT_OK(IBackgroundCopyManager_GetJob(h_manager(), &id, &job));
        h_track(job);
        H_ASSERT_EQ_U64(h_state(job), BG_JOB_STATE_TRANSFERRED);
        H_ASSERT_OK(IBackgroundCopyJob_Complete(job));
}

/* BITS runs a command line set after the event, and runs it again after the minimum retry delay
 * while it fails and the job still rests in the state. */
static void test_cmdline_set_after_event_and_retried(void) {
        IBackgroundCopyJob *job = job_with_files("cmdline-late", 1, NULL, NULL);
        IBackgroundCopyJob2 *j2 = as_job2(job);
        char *marker = h_strdupf("%s/marker-late", h_root());
        char *count = h_strdupf("%s/count-late", h_root());
        char *content;
        int lines = 0;

        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_TRANSFERRED, T_FAST_MS);
        H_ASSERT_OK(IBackgroundCopyJob_SetMinimumRetryDelay(job, 5));
        /* Writes the marker, appends a line to the count, and fails: the daemon runs it again. */
        H_ASSERT_OK(IBackgroundCopyJob2_SetNotifyCmdLine(
                j2, "/bin/sh",
                h_strdupf("/bin/sh -c \"echo $DOSVC_JOB_STATE > %s; echo run >> %s; exit 3\"", marker, count)));
        content = wait_file_content(marker, T_FAST_MS);
        H_ASSERT_STREQ(content, "TRANSFERRED\n");

        for (unsigned i = 0; i < 30000u / 100u && lines < 2; i++) {
                FILE *f = fopen(count, "re");
                char line[64];

                lines = 0;
                if (f) {
                        while (fgets(line, sizeof(line), f))
                                lines++;
                        fclose(f);
                }
                if (lines < 2)
                        h_sleep_ms(100);
        }
        H_ASSERT_MSG(lines >= 2, "the failing command line ran %d time(s), expected a second run", lines);
        H_ASSERT_OK(IBackgroundCopyJob_Complete(job));   /* ends the retries */
}

/* ---- a command line cannot pile up, nor outlive a Cancel while it waits ------------------- */

/* A daemon with this dosvc.conf: the next library call starts it (as test-limits does). */
static void restore_config(void *arg) {
        (void) unsetenv("DOSVC_CONFIG");
        (void) h_daemon_stop(SIGTERM);
}

static void use_config(const char *text) {
        char *path = h_strdupf("%s/dosvc.conf", h_root());
        FILE *f = fopen(path, "we");

        if (!f || fputs(text, f) < 0 || fclose(f) != 0)
                H_FAIL("writing %s: %m", path);
        h_at_test_end(restore_config, NULL);
        if (setenv("DOSVC_CONFIG", path, 1) < 0)
                H_FAIL("setenv: %m");
        (void) h_daemon_stop(SIGTERM);
}

/* The parameters of a notify program that appends its pid to `pids` and sleeps (bounded: 60 s) until
 * kill_sleepers(). It runs in a session of its own (the daemon's setsid): its pid is its group's. */
static char *sleeper_parameters(const char *pids) {
        return h_strdupf("/bin/sh -c \"echo $$ >> %s; exec /bin/sleep 60\"", pids);
}

static unsigned count_lines(const char *path) {
        FILE *f = fopen(path, "re");
        unsigned n = 0;
        int c;

        if (!f)
                return 0;
        while ((c = fgetc(f)) != EOF)
                if (c == '\n')
                        n++;
        fclose(f);
        return n;
}

static void wait_lines(const char *path, unsigned want, unsigned timeout_ms) {
        uint64_t deadline = h_now_ms() + timeout_ms;

        for (unsigned i = 0; i <= timeout_ms / 20u + 1 && count_lines(path) < want && h_now_ms() < deadline; i++)
                h_sleep_ms(20);
        if (count_lines(path) < want) {
                h_daemon_log_tail(15);
                H_FAIL("%s has %u line(s) after %u ms, expected %u", path, count_lines(path), timeout_ms, want);
        }
}

/* SIGKILLs every process listed in the pids file `path` that is still alive (not a zombie) and ours,
 * with its process group. Returns how many it found. */
static unsigned kill_listed(const char *path) {
        FILE *f = fopen(path, "re");
        unsigned n = 0;
        long pid;

        if (!f)
                return 0;
        while (fscanf(f, "%ld", &pid) == 1) {
                struct stat st;

                if (pid <= 1 || pid > INT32_MAX || !h_pid_alive((pid_t) pid) ||
                    stat(h_strdupf("/proc/%ld", pid), &st) < 0 || st.st_uid != geteuid())
                        continue;
                (void) kill(-(pid_t) pid, SIGKILL);
                (void) kill((pid_t) pid, SIGKILL);
                n++;
        }
        fclose(f);
        return n;
}

/* At the end of a test (h_at_test_end), after the harness cancelled its jobs: kills the sleeping
 * programs, again until a pass finds none alive (at most 3 s), in case the daemon started another. */
static void kill_sleepers(void *arg) {
        for (unsigned i = 0; i < 30 && kill_listed(arg) > 0; i++)
                h_sleep_ms(100);
}

/* A job resting in ERROR (a 404 from nginx), with the default notify flags (TRANSFERRED | ERROR). */
static IBackgroundCopyJob *job_in_error(const char *tag) {
        char *dest = h_dest_dir(tag);
        IBackgroundCopyJob *job = h_create_job(tag, NULL);

        h_add_file(job, h_url("/no-such-file-%s.bin", tag), h_strdupf("%s/missing.bin", dest));
        H_ASSERT_OK(IBackgroundCopyJob_Resume(job));
        H_WAIT_STATE(job, BG_JOB_STATE_ERROR, T_FAST_MS);
        return job;
}

/* SetNotifyCmdLine in a loop on a job in ERROR: one run, not one per call (which used to fill the
 * queue shared by all users, so that another user's command line was dropped). */
static void test_cmdline_not_queued_twice(void) {
        IBackgroundCopyJob *job = job_in_error("cmdline-dedup");
        IBackgroundCopyJob2 *j2 = as_job2(job);
        char *pids = h_strdupf("%s/pids-dedup", h_root());
        char *parameters = sleeper_parameters(pids);

        (void) unlink(pids);
        h_at_test_end(kill_sleepers, pids);
        for (unsigned i = 0; i < 200; i++)
                H_ASSERT_OK(IBackgroundCopyJob2_SetNotifyCmdLine(j2, "/bin/sh", parameters));
        wait_lines(pids, 1, T_FAST_MS);
        h_sleep_ms(T_SETTLE_MS);
        /* not MaxNotificationsPerUser (4) running with 196 queued behind them */
        H_ASSERT_EQ_U64(count_lines(pids), 1);

        /* It was set again while it ran: one more run after it ends, not 199. */
        H_ASSERT_EQ_U64(kill_listed(pids), 1);
        wait_lines(pids, 2, T_FAST_MS);
        h_sleep_ms(T_SETTLE_MS);
        H_ASSERT_EQ_U64(count_lines(pids), 2);
}

/* A run waiting for a free slot (MaxNotificationsPerUser=1, taken by another job's sleeping program)
 * never starts once its job is cancelled; the run queued after it does. */
static void test_cmdline_queued_then_cancelled_never_runs(void) {
        char *pids = h_strdupf("%s/pids-cancel", h_root());
        char *marker_cancelled = h_strdupf("%s/marker-cancelled", h_root());
        char *marker_after = h_strdupf("%s/marker-after", h_root());
        IBackgroundCopyJob *busy, *cancelled, *after;

        (void) unlink(pids);
        (void) unlink(marker_cancelled);
        (void) unlink(marker_after);
        use_config("[Limits]\nMaxNotificationsPerUser=1\n");
        h_at_test_end(kill_sleepers, pids);

        busy = job_in_error("cmdline-busy");
        cancelled = job_in_error("cmdline-cancelled");
        after = job_in_error("cmdline-after");
        H_ASSERT_OK(IBackgroundCopyJob2_SetNotifyCmdLine(as_job2(busy), "/bin/sh", sleeper_parameters(pids)));
        wait_lines(pids, 1, T_FAST_MS);   /* the only slot is taken */
        /* Both queue behind it, in this order. */
        H_ASSERT_OK(IBackgroundCopyJob2_SetNotifyCmdLine(as_job2(cancelled), "/bin/sh",
                                                          h_strdupf("/bin/sh -c \"echo ran > %s\"", marker_cancelled)));
        H_ASSERT_OK(IBackgroundCopyJob2_SetNotifyCmdLine(
                as_job2(after), "/bin/sh", h_strdupf("/bin/sh -c \"echo ran > %s.tmp && mv %s.tmp %s\"", marker_after,
                                                     marker_after, marker_after)));
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(cancelled));
        H_ASSERT_OK(IBackgroundCopyJob_Cancel(busy));   /* so that its program does not run again */
        H_ASSERT_EQ_U64(kill_listed(pids), 1);           /* the slot frees up */

        H_ASSERT_STREQ(wait_file_content(marker_after, T_FAST_MS), "ran\n");   /* the queue moved past it */
        H_ASSERT_MSG(!h_file_exists(marker_cancelled), "the program of a job cancelled while it waited ran");
        H_ASSERT_EQ_U64(count_lines(pids), 1);
}

static const HTest tests[] = {
        H_TEST(test_b37_references),
        H_TEST(test_b38_job_transferred_once),
        H_TEST(test_b39_job_transferred_retried_until_s_ok),
        H_TEST(test_b40_registered_after_transferred),
        H_TEST(test_b41_job_error_once_on_404),
        H_TEST(test_b84_job_modification),
        H_TEST(test_file_transferred_callback2),
        H_TEST(test_notify_disable_suppresses),
        H_TEST(test_callback_completes_and_releases_job),
        H_TEST(test_cmdline_set_get_validation),
        H_TEST(test_cmdline_runs_after_creator_exits),
        H_TEST(test_cmdline_set_after_event_and_retried),
        H_TEST(test_cmdline_not_queued_twice),
        H_TEST(test_cmdline_queued_then_cancelled_never_runs),
};

int main(int argc, char **argv) {
        ssize_t n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);

        self_exe[n > 0 ? n : 0] = '\0';
        if (argc == 5 && strcmp(argv[1], "--cmdline-child") == 0)
                return cmdline_child(argv[2], argv[3], argv[4]);
        return h_run(argc, argv, tests, H_ELEMENTSOF(tests));
}
