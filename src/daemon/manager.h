/* manager.h: the daemon's root object. Everything the daemon owns hangs off one Manager: the event
 * loop, the listening socket and client connections, the store, the jobs, the transfer engine and
 * the scheduler's state. No other globals (STYLE.md §3). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "conf.h"
#include "job.h"
#include "store.h"

typedef struct CurlGlue CurlGlue;
typedef struct BusServer BusServer;
typedef struct Notifier Notifier;

typedef struct Manager {
        sd_event *event;

        bool system_mode;                  /* dosvc --system: system bus, /var/lib/dosvc, many users */
        char *runtime_dir;
        char *state_dir;
        int lock_fd;                       /* flock'ed daemon.lock: one daemon per runtime dir */

        BusServer *bus;                    /* listening socket + client connections (bus-server.c) */
        Store *store;
        CurlGlue *glue;                    /* libcurl multi on sd-event (curl-glue.c) */
        Notifier *notifier;                /* signals and notify command lines (notify.c) */

        Job **jobs;                        /* every job known, final ones until they are purged (a day, or
                                            * sooner past the caps of manager_trim_final_jobs) */
        size_t n_jobs;

        /* scheduler */
        sd_event_source *schedule_event;   /* deferred: coalesces many changes into one pass */
        sd_event_source *purge_timer;
        unsigned max_background_transfers; /* background jobs transferring at once */
        uint64_t queued_seq;

        /* dosvc.conf [Limits] (conf.h), read by manager_load(); the defaults until then */
        Limits limits;

        /* tunables (env for tests; a config file comes with the security work) */
        uint64_t checkpoint_bytes;         /* fsync + store the offset after this many bytes… */
        usec_t checkpoint_usec;            /* …or this much time, whichever comes first */
        usec_t clock_offset_usec;          /* TEST ONLY ($DOSVC_TEST_CLOCK_OFFSET_SEC): added to the wall
                                            * clock when judging ages (expiry, purge), 0 otherwise */
        usec_t stall_usec;                 /* a connection silent this long is cut (transient) */
        uint32_t retry_delay_cap;          /* seconds; caps every job's retry delay (tests) */
} Manager;

int manager_new(Manager **ret);
Manager *manager_free(Manager *m);
static inline void manager_freep(Manager **m) { if (*m) manager_free(*m); }

/* Open the store, load the jobs and repair them after a crash (temp files cut back to the stored
 * offset, running jobs requeued). */
int manager_load(Manager *m);
int manager_run(Manager *m);

Job *manager_find_job(Manager *m, const sd_id128_t *id);
int manager_add_job(Manager *m, Job *j);       /* takes ownership */
void manager_remove_job(Manager *m, Job *j);  /* frees it */
/* Final jobs (CANCELLED, ACKNOWLEDGED) stay reachable by their handle for a day, but each owner
 * (root too) keeps at most MaxJobsPerUser of them and the machine at most MaxJobsPerMachine: the
 * oldest (final_time) are deleted from the store and freed, as the daily purge does. `keep`, the
 * job that just became final (NULL: none), is never one of them. O(n) while nobody is over a cap.
 * Frees other final jobs: a caller walking m->jobs must not hold on to final ones. */
void manager_trim_final_jobs(Manager *m, Job *keep);

/* Persist a job's scalar fields (logs on failure; the in-memory state stays authoritative for the
 * running daemon). */
int manager_save_job(Manager *m, Job *j);
/* Bump ModificationTime (spec §3.2) and persist. */
void manager_touch_job(Manager *m, Job *j);
/* The same, with the change's instant given (one instant for several fields of one change). */
void manager_touch_job_at(Manager *m, Job *j, usec_t now);

/* The wall clock against which job ages are judged (30-day expiry, purge of final jobs): now, plus
 * the test offset. Never used to stamp a time on a job. */
usec_t manager_now_for_ages(Manager *m);
/* T17: cancel every job neither completed nor cancelled 30 days after its creation. Runs at start
 * and with the hourly purge. */
void manager_expire_jobs(Manager *m);

/* Notifications (notify.c): the core reports what happened to a job; notify.c turns it into D-Bus
 * signals for the job's owner and runs the job's notify command line, honouring the notify flags.
 * Cheap to call often: JOB_NOTIFY_PROGRESS is rate-limited there. `f` is the file concerned or NULL. */
typedef enum JobNotifyEvent {
        JOB_NOTIFY_TRANSFERRED,            /* the job entered TRANSFERRED */
        JOB_NOTIFY_ERROR,                  /* the job entered ERROR */
        JOB_NOTIFY_MODIFIED,               /* state, property or file list changed */
        JOB_NOTIFY_PROGRESS,               /* bytes moved */
        JOB_NOTIFY_FILE_TRANSFERRED,       /* the last byte of `f` is on disk */
        _JOB_NOTIFY_EVENT_MAX,
} JobNotifyEvent;
void manager_notify(Manager *m, Job *j, JobNotifyEvent event, const JobFile *f);

/* Scheduler (scheduler.c): ask for a pass soon; cheap, coalesced. */
void scheduler_kick(Manager *m);
/* Forget a job's scheduler state (retry timer) before it is freed. */
void scheduler_forget_job(Manager *m, Job *j);
/* Re-arm the retry timer of a job loaded in TRANSIENT_ERROR. */
void scheduler_arm_retry(Manager *m, Job *j, uint64_t delay_sec);
/* Move a job to `state` through a service event; returns -ESTALE if not applicable. */
int manager_job_event(Manager *m, Job *j, JobEvent event);
