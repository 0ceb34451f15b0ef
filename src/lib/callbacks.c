/* callbacks.c (libdosvc): IBackgroundCopyCallback dispatch (spec §2.10, behaviours 37–41, 84).
 *
 * Registrations. SetNotifyInterface on a job proxy registers its callback here (callbacks.h). A
 * registration holds one reference on the callback and a *weak* pointer to the job proxy: the job's
 * last Release frees the proxy, which first calls callbacks_forget(), which drops the registration
 * and Releases the callback. So a callback lives exactly as long as it is registered and the program
 * holds the job; it is never persisted (spec: the pointer does not survive the application).
 * Registrations are per proxy object: two proxies of one job, each with a callback, both get the
 * events. Each (re)registration gets a new id, so work started for an older one is dropped.
 *
 * The dispatch thread. One per process, started by the first registration and ended when the last
 * one goes (or at library unload). It owns a second connection to the daemon, used for nothing but
 * signals, so that it never holds the method-call connection's mutex (bus-client.c) while it waits,
 * and no thread ever waits for it: the thread polls that connection and an eventfd that wakes it
 * when registrations change. On that connection it calls org.dosvc1.Manager.Subscribe (on a direct
 * connection there is no bus daemon: the daemon sends signals only to subscribers, see
 * docs/dbus-api.md) and installs one local match for the org.dosvc1.Job signals; the signal
 * handler only marks work on the registrations of the signal's job path. The work then runs outside
 * every lock, one item at a time:
 *   - check: read the job's state and notify flags; when the job already rests in TRANSFERRED or
 *     ERROR with the flag set, the matching call is due (BITS: a callback registered after the event
 *     still gets it). Done for every new registration and after every reconnection;
 *   - JobTransferred / JobError: called while the job still rests in that state and the flag is set,
 *     then again after 1, 2, 4, 5, 5, … s as long as the callback returns a failure HRESULT (a
 *     success code, S_OK or S_FALSE, ends it). A new entry into the state starts over;
 *   - FileTransferred (IBackgroundCopyCallback2, asked with QueryInterface) for each file index the
 *     daemon reported, in order; JobModification(job, 0) once for any number of modification signals
 *     that arrived since the last call (BITS: it may be dropped under load).
 * The callback is asked for IID_IBackgroundCopyCallback with QueryInterface before each call; a
 * callback object that does not answer gets no calls. The job pointer passed in is the registered
 * proxy, kept alive by a reference the thread holds for the call, so the callback may Release the
 * program's own reference, call Complete or Cancel, or change its registration from inside.
 *
 * Locks: `lock` guards everything below that is not the thread's own (its connection, its eventfd
 * copy). It is never held while calling the program's code, with one exception shared with
 * GetNotifyInterface: AddRef on the registered callback, so a concurrent SetNotifyInterface cannot
 * free it between our reading the pointer and taking the reference. The method-call connection's
 * mutex is only taken by the API calls the thread makes, never while `lock` is held.
 *
 * Limits: per registration at most CB_FILES_PENDING_MAX FileTransferred indices wait (more are
 * dropped); reconnection to a lost daemon backs off up to CB_RECONNECT_MAX_USEC.
 *
 * These are process-wide globals, part of "the library's connection" that STYLE.md allows: the
 * signal connection and the thread that reads it. After fork() the child starts its own thread on
 * its next registration. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "bus-client.h"
#include "callbacks.h"
#include "debug.h"
#include "paths.h"
#include "proxies.h"
#include "util.h"

typedef uint64_t usec_t;
#define CB_USEC_INFINITY UINT64_MAX
#define CB_USEC_PER_SEC 1000000ULL
#define CB_RETRY_MAX_USEC (5 * CB_USEC_PER_SEC)
#define CB_RECONNECT_MAX_USEC (10 * CB_USEC_PER_SEC)
#define CB_SUBSCRIBE_WAIT_USEC (5 * CB_USEC_PER_SEC)
#define CB_JOIN_TIMEOUT_SEC 5
#define CB_FILES_PENDING_MAX 1024u
#define CB_MATCH "type='signal',interface='" BUS_JOB_INTERFACE "'"

/* JobTransferred or JobError for one registration. */
typedef struct Delivery {
        bool due;                          /* to be called at `at` */
        bool delivered;                    /* done since the job last entered the state */
        unsigned attempts;                 /* calls that returned a failure */
        usec_t at;                         /* CLOCK_MONOTONIC */
} Delivery;

typedef struct Registration Registration;
struct Registration {
        uint64_t id;                       /* new on every SetNotifyInterface */
        DoJob *job;                        /* weak: job_free() calls callbacks_forget() first */
        char *path;                        /* the job's object path, for matching signals */
        IUnknown *callback;                /* one reference */
        bool check;
        Delivery transferred, error;
        bool modification;
        uint32_t *files;                   /* FileTransferred indices, in arrival order */
        size_t n_files, n_files_allocated;
        Registration *next;
};

typedef enum ThreadState {
        THREAD_NONE,
        THREAD_RUNNING,
        THREAD_EXITING,                    /* decided to end; join it before starting another */
} ThreadState;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t subscribed_cond = PTHREAD_COND_INITIALIZER;
static Registration *registrations;       /* guarded by lock, as is everything down to `stopping` */
static uint64_t last_registration_id;
static ThreadState thread_state;
static pthread_t thread;
static pid_t thread_pid;                   /* the process whose thread `thread` is */
static int wake_fd = -EBADF;               /* eventfd: registrations changed */
static pid_t wake_pid;
static bool subscribed;                    /* the thread's connection is subscribed */
static bool stopping;                      /* library unload */

typedef enum WorkKind {
        WORK_CHECK,
        WORK_FILE,
        WORK_TRANSFERRED,
        WORK_ERROR,
        WORK_MODIFICATION,
} WorkKind;

/* One call to make, taken from a registration under the lock and run without it. */
typedef struct Work {
        WorkKind kind;
        uint64_t registration_id;
        DoJob *job;                        /* a reference */
        IUnknown *callback;                /* a reference */
        uint32_t file_index;
} Work;

static usec_t now_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t) ts.tv_sec * CB_USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000u;
}

static usec_t retry_delay(unsigned attempts) {
        usec_t d = CB_USEC_PER_SEC << MIN(attempts > 0 ? attempts - 1 : 0, 3u);

        return MIN(d, CB_RETRY_MAX_USEC);
}

static bool flags_want(ULONG flags, ULONG flag) {
        return !(flags & BG_NOTIFY_DISABLE) && (flags & flag);
}

/* ---- registrations (all under `lock`) ------------------------------------------------------- */

static Registration *find_by_job_locked(const DoJob *j) {
        for (Registration *r = registrations; r; r = r->next)
                if (r->job == j)
                        return r;
        return NULL;
}

static Registration *find_by_id_locked(uint64_t id) {
        for (Registration *r = registrations; r; r = r->next)
                if (r->id == id)
                        return r;
        return NULL;
}

/* Unlinks and frees r; its callback reference goes to the caller (to Release outside the lock). */
static IUnknown *registration_remove_locked(Registration *r) {
        IUnknown *callback = r->callback;

        for (Registration **p = &registrations; *p; p = &(*p)->next)
                if (*p == r) {
                        *p = r->next;
                        break;
                }
        free(r->path);
        free(r->files);
        free(r);
        return callback;
}

static void wake_locked(void) {
        uint64_t one = 1;

        if (wake_fd >= 0 && wake_pid == getpid())
                (void) write(wake_fd, &one, sizeof(one));
}

/* Looks for work due now. Returns true with *ret filled (references taken), else false with
 * *next_due lowered to the earliest retry time. */
static bool work_take_locked(usec_t now, Work *ret, usec_t *next_due) {
        for (Registration *r = registrations; r; r = r->next) {
                WorkKind kind;
                uint32_t index = 0;

                if (r->check)
                        kind = WORK_CHECK;
                else if (r->n_files > 0)
                        kind = WORK_FILE;
                else if (r->transferred.due && r->transferred.at <= now)
                        kind = WORK_TRANSFERRED;
                else if (r->error.due && r->error.at <= now)
                        kind = WORK_ERROR;
                else if (r->modification)
                        kind = WORK_MODIFICATION;
                else {
                        if (r->transferred.due)
                                *next_due = MIN(*next_due, r->transferred.at);
                        if (r->error.due)
                                *next_due = MIN(*next_due, r->error.at);
                        continue;
                }

                /* The job's last reference may be going away on another thread right now; then
                 * callbacks_forget() is waiting for the lock and the job gets no more calls. */
                if (!job_proxy_try_ref(r->job))
                        continue;

                switch (kind) {
                case WORK_CHECK:
                        r->check = false;
                        break;
                case WORK_FILE:
                        index = r->files[0];
                        memmove(r->files, r->files + 1, (r->n_files - 1) * sizeof(uint32_t));
                        r->n_files--;
                        break;
                case WORK_TRANSFERRED:
                        r->transferred.due = false;
                        break;
                case WORK_ERROR:
                        r->error.due = false;
                        break;
                case WORK_MODIFICATION:
                        r->modification = false;
                        break;
                }
                IUnknown_AddRef(r->callback);   /* the one call into the program under our lock */
                *ret = (Work) {
                        .kind = kind,
                        .registration_id = r->id,
                        .job = r->job,
                        .callback = r->callback,
                        .file_index = index,
                };
                return true;
        }
        return false;
}

/* ---- the calls (no lock held) --------------------------------------------------------------- */

static void work_check(const Work *w) {
        IBackgroundCopyJob *job = job_proxy_as_job(w->job);
        BG_JOB_STATE state;
        ULONG flags;
        Registration *r;

        if (FAILED(IBackgroundCopyJob_GetState(job, &state)) || FAILED(IBackgroundCopyJob_GetNotifyFlags(job, &flags)))
                return;   /* no daemon: the reconnection checks again */

        (void) pthread_mutex_lock(&lock);
        r = find_by_id_locked(w->registration_id);
        if (r && state == BG_JOB_STATE_TRANSFERRED && flags_want(flags, BG_NOTIFY_JOB_TRANSFERRED) &&
            !r->transferred.delivered && !r->transferred.due)
                r->transferred = (Delivery) { .due = true };
        if (r && state == BG_JOB_STATE_ERROR && flags_want(flags, BG_NOTIFY_JOB_ERROR) && !r->error.delivered &&
            !r->error.due)
                r->error = (Delivery) { .due = true };
        (void) pthread_mutex_unlock(&lock);
}

/* JobTransferred or JobError. True when nothing more is to be done: the callback succeeded, or the
 * job no longer rests in the state, or the flag was cleared, or the callback lacks the interface. */
static bool work_final(const Work *w) {
        IBackgroundCopyJob *job = job_proxy_as_job(w->job);
        bool transferred = w->kind == WORK_TRANSFERRED;
        IBackgroundCopyCallback *cb = NULL;
        IBackgroundCopyError *err = NULL;
        BG_JOB_STATE state;
        ULONG flags;
        HRESULT hr;

        if (FAILED(IBackgroundCopyJob_GetState(job, &state)))
                return false;
        if (state != (transferred ? BG_JOB_STATE_TRANSFERRED : BG_JOB_STATE_ERROR))
                return true;
        if (FAILED(IBackgroundCopyJob_GetNotifyFlags(job, &flags)))
                return false;
        if (!flags_want(flags, transferred ? BG_NOTIFY_JOB_TRANSFERRED : BG_NOTIFY_JOB_ERROR))
                return true;
        if (!transferred) {
                hr = IBackgroundCopyJob_GetError(job, &err);
                if (hr == DO_E_ERROR_INFORMATION_UNAVAILABLE)
                        return true;   /* resumed meanwhile */
                if (FAILED(hr))
                        return false;
        }
        if (FAILED(IUnknown_QueryInterface(w->callback, &IID_IBackgroundCopyCallback, (void **) &cb)) || !cb) {
                lib_debug("The registered callback does not implement IBackgroundCopyCallback.");
                if (err)
                        (void) IBackgroundCopyError_Release(err);
                return true;
        }

        hr = transferred ? IBackgroundCopyCallback_JobTransferred(cb, job) : IBackgroundCopyCallback_JobError(cb, job, err);
        lib_debug("%s on %s returned 0x%08X.", transferred ? "JobTransferred" : "JobError", job_proxy_path(w->job),
                  (unsigned) hr);
        (void) IBackgroundCopyCallback_Release(cb);
        if (err)
                (void) IBackgroundCopyError_Release(err);
        return SUCCEEDED(hr);
}

static void work_file(const Work *w) {
        IBackgroundCopyCallback2 *cb2 = NULL;
        IBackgroundCopyFile *file = NULL;

        if (FAILED(IUnknown_QueryInterface(w->callback, &IID_IBackgroundCopyCallback2, (void **) &cb2)) || !cb2)
                return;
        if (SUCCEEDED(file_proxy_new(w->job, w->file_index, &file))) {
                (void) IBackgroundCopyCallback2_FileTransferred(cb2, job_proxy_as_job(w->job), file);
                (void) IBackgroundCopyFile_Release(file);
        }
        (void) IBackgroundCopyCallback2_Release(cb2);
}

static void work_modification(const Work *w) {
        IBackgroundCopyCallback *cb = NULL;

        if (FAILED(IUnknown_QueryInterface(w->callback, &IID_IBackgroundCopyCallback, (void **) &cb)) || !cb)
                return;
        (void) IBackgroundCopyCallback_JobModification(cb, job_proxy_as_job(w->job), 0);
        (void) IBackgroundCopyCallback_Release(cb);
}

static void work_run(Work *w) {
        switch (w->kind) {
        case WORK_CHECK:
                work_check(w);
                break;
        case WORK_FILE:
                work_file(w);
                break;
        case WORK_TRANSFERRED:
        case WORK_ERROR: {
                bool done = work_final(w);
                Registration *r;
                Delivery *d;

                (void) pthread_mutex_lock(&lock);
                r = find_by_id_locked(w->registration_id);
                if (r) {
                        d = w->kind == WORK_TRANSFERRED ? &r->transferred : &r->error;
                        if (done)
                                d->delivered = true;
                        else if (!d->due) {
                                /* not when a new signal made it due again meanwhile: that one goes now */
                                d->attempts++;
                                d->due = true;
                                d->at = now_usec() + retry_delay(d->attempts);
                        }
                }
                (void) pthread_mutex_unlock(&lock);
                break;
        }
        case WORK_MODIFICATION:
                work_modification(w);
                break;
        }
        /* Either may run the program's code (the job's last Release frees the proxy, which Releases
         * its callback): no lock is held here. */
        (void) IUnknown_Release(w->callback);
        (void) job_proxy_unref(w->job);
}

/* ---- the signal connection ------------------------------------------------------------------ */

static int on_job_signal(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        const char *path = sd_bus_message_get_path(m), *member = sd_bus_message_get_member(m);
        uint32_t index = 0;

        if (!path || !member)
                return 0;
        if (streq(member, "FileTransferred") && sd_bus_message_read(m, "u", &index) < 0)
                return 0;

        (void) pthread_mutex_lock(&lock);
        for (Registration *r = registrations; r; r = r->next) {
                if (!streq(r->path, path))
                        continue;
                if (streq(member, "JobTransferred")) {
                        r->transferred = (Delivery) { .due = true };
                        r->error.due = false;
                } else if (streq(member, "JobError")) {
                        r->error = (Delivery) { .due = true };
                        r->transferred.due = false;
                } else if (streq(member, "JobModification"))
                        r->modification = true;
                else if (streq(member, "FileTransferred") && r->n_files < CB_FILES_PENDING_MAX) {
                        if (r->n_files == r->n_files_allocated) {
                                size_t a = r->n_files_allocated ? r->n_files_allocated * 2 : 8;
                                uint32_t *f = reallocarray(r->files, a, sizeof(uint32_t));

                                if (!f)
                                        continue;   /* dropped, like a modification under load */
                                r->files = f;
                                r->n_files_allocated = a;
                        }
                        r->files[r->n_files++] = index;
                }
        }
        (void) pthread_mutex_unlock(&lock);
        return 0;
}

/* System mode: set when org.dosvc1 changes hands (the daemon stopped or restarted). The new daemon
 * knows nothing of our subscription: signal_process() then reports the connection as lost, and
 * the thread reconnects and subscribes again. Only the dispatch thread touches it. */
static bool service_owner_changed;

static int on_service_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        service_owner_changed = true;
        return 0;
}

static int signal_connect(sd_bus **ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *b = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *match = NULL;
        const char *destination, *owner;
        int r;

        /* The method-call connection starts the daemon when none runs (user mode). */
        if (FAILED(bus_client_connect()))
                return -ECONNREFUSED;
        r = bus_client_open("dosvc-callbacks", &b, &destination);
        if (r < 0)
                return r;
        if (!destination) {
                /* Local only: without a bus daemon nothing is sent for a match. */
                r = sd_bus_add_match(b, NULL, CB_MATCH, on_job_signal, NULL);
                if (r < 0)
                        return r;
                r = sd_bus_call_method(b, NULL, BUS_MANAGER_PATH, BUS_MANAGER_INTERFACE, "Subscribe", &error,
                                       NULL, NULL);
                if (r < 0)
                        return lib_debug_errno(r, "Subscribe failed: %s", error.message ?: "-");
                *ret = TAKE_PTR(b);
                return 0;
        }

        /* System mode. The daemon sends our signals to our unique name; anyone on the bus may send us
         * a signal too, so we accept them only from the unique name that answered Subscribe (a match
         * on the well-known name would not be checked locally by sd-bus). Until the match exists,
         * arriving signals wait in the connection's queue; none is lost. */
        service_owner_changed = false;
        r = sd_bus_add_match(b, NULL,
                             "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
                             "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='" BUS_SYSTEM_NAME "'",
                             on_service_owner_changed, NULL);
        if (r < 0)
                return r;
        r = sd_bus_call_method(b, destination, BUS_MANAGER_PATH, BUS_MANAGER_INTERFACE, "Subscribe", &error,
                               &reply, NULL);
        if (r < 0)
                return lib_debug_errno(r, "Subscribe failed: %s", error.message ?: "-");
        owner = sd_bus_message_get_sender(reply);
        if (!owner)
                return -EBADMSG;
        if (asprintf(&match, CB_MATCH ",sender='%s'", owner) < 0)
                return -ENOMEM;
        r = sd_bus_add_match(b, NULL, match, on_job_signal, NULL);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(b);
        return 0;
}

/* Dispatches what arrived. >0 when something was processed, 0 when idle, <0 when the connection
 * is gone. */
static int signal_process(sd_bus *b) {
        int r, any = 0;

        for (unsigned i = 0; i < 64; i++) {
                r = sd_bus_process(b, NULL);
                if (r < 0)
                        return r;
                if (service_owner_changed)
                        return -ECONNRESET;
                if (r == 0)
                        break;
                any = 1;
        }
        if (sd_bus_is_open(b) <= 0)
                return -ECONNRESET;
        return any;
}

static void thread_wait(sd_bus *b, int fd, usec_t until) {
        struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = -1 } };
        usec_t now = now_usec(), bus_until = CB_USEC_INFINITY;
        int timeout_ms = -1, r;
        uint64_t v;

        if (b) {
                p[1].fd = sd_bus_get_fd(b);
                r = sd_bus_get_events(b);
                p[1].events = r > 0 ? (short) r : POLLIN;
                if (sd_bus_get_timeout(b, &bus_until) >= 0)
                        until = MIN(until, bus_until);
        }
        if (until != CB_USEC_INFINITY)
                timeout_ms = until <= now ? 0 : (int) MIN((until - now + 999) / 1000, (usec_t) 60000);
        if (poll(p, 2, timeout_ms) > 0 && (p[0].revents & POLLIN))
                (void) read(fd, &v, sizeof(v));
}

static void mark_all_check_locked(void) {
        for (Registration *r = registrations; r; r = r->next)
                r->check = true;
}

static void *thread_main(void *arg) {
        usec_t reconnect_at = 0;
        unsigned failures = 0;
        sd_bus *b = NULL;
        int fd, r;

        (void) pthread_setname_np(pthread_self(), "dosvc-callback");
        (void) pthread_mutex_lock(&lock);
        fd = wake_fd;
        (void) pthread_mutex_unlock(&lock);

        for (;;) {
                usec_t now, next = CB_USEC_INFINITY;
                Work w;
                bool have;

                /* Signals first: one that arrived before a registration's check must be seen before
                 * the check runs, or the check and the signal would both make a call due. */
                if (b) {
                        r = signal_process(b);
                        if (r < 0) {
                                lib_debug_errno(r, "Callbacks: connection to the daemon lost: %m");
                                b = sd_bus_flush_close_unref(b);
                                (void) pthread_mutex_lock(&lock);
                                subscribed = false;
                                (void) pthread_mutex_unlock(&lock);
                                reconnect_at = now_usec();
                        }
                }
                if (!b && now_usec() >= reconnect_at) {
                        r = signal_connect(&b);
                        if (r < 0) {
                                failures++;
                                reconnect_at = now_usec() +
                                               MIN(CB_USEC_PER_SEC << MIN(failures - 1, 4u), CB_RECONNECT_MAX_USEC);
                                lib_debug_errno(r, "Callbacks: cannot reach the daemon (attempt %u): %m", failures);
                        } else {
                                failures = 0;
                                (void) pthread_mutex_lock(&lock);
                                subscribed = true;
                                mark_all_check_locked();   /* events may have happened while away */
                                (void) pthread_cond_broadcast(&subscribed_cond);
                                (void) pthread_mutex_unlock(&lock);
                        }
                }

                now = now_usec();
                (void) pthread_mutex_lock(&lock);
                if (stopping || !registrations) {
                        /* From here on the thread touches nothing shared: a joiner may hold `lock`. */
                        thread_state = THREAD_EXITING;
                        subscribed = false;
                        (void) pthread_cond_broadcast(&subscribed_cond);
                        (void) pthread_mutex_unlock(&lock);
                        break;
                }
                /* Calls need the daemon: none while the signal connection is down. */
                have = b && work_take_locked(now, &w, &next);
                (void) pthread_mutex_unlock(&lock);
                if (have) {
                        work_run(&w);
                        continue;
                }
                if (!b)
                        next = MIN(next, reconnect_at);
                thread_wait(b, fd, next);
        }

        sd_bus_flush_close_unref(b);
        return NULL;
}

/* Starts the thread unless it runs. After fork() the parent's thread is not ours: start afresh. */
static int thread_start_locked(void) {
        sigset_t all, old;
        pid_t pid = getpid();
        int r;

        if (thread_pid != pid) {
                thread_state = THREAD_NONE;
                subscribed = false;
        }
        if (thread_state == THREAD_RUNNING)
                return 0;
        if (thread_state == THREAD_EXITING) {
                /* It decided to end under this lock and takes it no more: joining here is safe. */
                (void) pthread_join(thread, NULL);
                thread_state = THREAD_NONE;
        }
        if (wake_fd < 0 || wake_pid != pid) {
                if (wake_fd >= 0)
                        (void) close(wake_fd);   /* the parent's eventfd, shared since fork */
                wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
                if (wake_fd < 0)
                        return -errno;
                wake_pid = pid;
        }

        /* The program's signal handlers must not run on our thread. */
        (void) sigfillset(&all);
        (void) pthread_sigmask(SIG_SETMASK, &all, &old);
        r = pthread_create(&thread, NULL, thread_main, NULL);
        (void) pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (r != 0)
                return -r;
        thread_state = THREAD_RUNNING;
        thread_pid = pid;
        subscribed = false;
        return 0;
}

/* ---- the entry points ----------------------------------------------------------------------- */

HRESULT callbacks_set(DoJob *j, IUnknown *callback) {
        IUnknown *old = NULL;
        Registration *r;
        int k;

        if (!callback) {
                (void) pthread_mutex_lock(&lock);
                r = find_by_job_locked(j);
                if (r) {
                        old = registration_remove_locked(r);
                        wake_locked();
                }
                (void) pthread_mutex_unlock(&lock);
                if (old)
                        IUnknown_Release(old);
                return S_OK;
        }

        IUnknown_AddRef(callback);   /* the program's code: before taking our lock */
        (void) pthread_mutex_lock(&lock);
        if (stopping) {
                (void) pthread_mutex_unlock(&lock);
                IUnknown_Release(callback);
                return E_FAIL;
        }
        r = find_by_job_locked(j);
        if (!r) {
                r = calloc(1, sizeof(*r));
                if (r)
                        r->path = strdup(job_proxy_path(j));
                if (!r || !r->path) {
                        free(r);
                        (void) pthread_mutex_unlock(&lock);
                        IUnknown_Release(callback);
                        return E_OUTOFMEMORY;
                }
                r->job = j;
                r->next = registrations;
                registrations = r;
        }
        k = thread_start_locked();
        if (k < 0) {
                lib_debug_errno(k, "Failed to start the callback thread: %m");
                if (!r->callback)
                        (void) registration_remove_locked(r);
                (void) pthread_mutex_unlock(&lock);
                IUnknown_Release(callback);
                return k == -ENOMEM || k == -EAGAIN ? E_OUTOFMEMORY : E_FAIL;
        }

        old = r->callback;
        r->callback = callback;
        r->id = ++last_registration_id;
        r->check = true;
        r->transferred = r->error = (Delivery) {};
        r->modification = false;
        r->n_files = 0;
        wake_locked();

        /* Wait until the thread listens, so that no event after this call is missed; the thread
         * itself (a callback registering) must not wait for itself. */
        if (!pthread_equal(pthread_self(), thread)) {
                struct timespec deadline;

                (void) clock_gettime(CLOCK_MONOTONIC, &deadline);
                deadline.tv_sec += CB_SUBSCRIBE_WAIT_USEC / CB_USEC_PER_SEC;
                while (!subscribed && thread_state == THREAD_RUNNING && !stopping)
                        if (pthread_cond_clockwait(&subscribed_cond, &lock, CLOCK_MONOTONIC, &deadline) == ETIMEDOUT)
                                break;
        }
        (void) pthread_mutex_unlock(&lock);
        if (old)
                IUnknown_Release(old);
        return S_OK;
}

IUnknown *callbacks_get(DoJob *j) {
        IUnknown *p = NULL;
        Registration *r;

        (void) pthread_mutex_lock(&lock);
        r = find_by_job_locked(j);
        if (r) {
                p = r->callback;
                IUnknown_AddRef(p);   /* under the lock, so a concurrent Set cannot free it */
        }
        (void) pthread_mutex_unlock(&lock);
        return p;
}

void callbacks_forget(DoJob *j) {
        IUnknown *callback = NULL;
        Registration *r;

        (void) pthread_mutex_lock(&lock);
        r = find_by_job_locked(j);
        if (r) {
                callback = registration_remove_locked(r);
                wake_locked();   /* perhaps the last one: the thread ends */
        }
        (void) pthread_mutex_unlock(&lock);
        if (callback)
                IUnknown_Release(callback);
}

/* At unload (dlclose or exit): stop the thread and wait for it (bounded: a callback that never
 * returns keeps its thread, and then nothing is freed). Registrations still there belong to jobs
 * the program never released; their callbacks are not Released now, since the program's objects
 * may be gone already at this point. */
__attribute__((destructor)) static void callbacks_fini(void) {
        bool join;

        (void) pthread_mutex_lock(&lock);
        stopping = true;
        wake_locked();
        join = thread_pid == getpid() && thread_state != THREAD_NONE && !pthread_equal(pthread_self(), thread);
        (void) pthread_mutex_unlock(&lock);

        if (join) {
                struct timespec deadline;

                (void) clock_gettime(CLOCK_REALTIME, &deadline);
                deadline.tv_sec += CB_JOIN_TIMEOUT_SEC;
                if (pthread_timedjoin_np(thread, NULL, &deadline) != 0)
                        return;
        }

        (void) pthread_mutex_lock(&lock);
        if (join || thread_pid != getpid())
                thread_state = THREAD_NONE;
        if (thread_state == THREAD_NONE) {
                while (registrations)
                        (void) registration_remove_locked(registrations);
                if (wake_fd >= 0 && wake_pid == getpid())
                        wake_fd = safe_close(wake_fd);
        }
        (void) pthread_mutex_unlock(&lock);
}
