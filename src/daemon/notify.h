/* notify.h: the daemon's job notifications (notify.c), beyond manager_notify() in manager.h.
 *
 * notify.c turns the core's job events into D-Bus signals (through bus-notify.h) and runs the notify
 * command lines (IBackgroundCopyJob2::SetNotifyCmdLine), honouring each job's notify flags. It is
 * core code: it never includes sd-bus. */
#pragma once

#include "manager.h"

/* What a JobModification signal reports changed (its `u what` argument, docs/dbus-api.md). */
#define JOB_MODIFICATION_STATE      0x1u   /* the job changed state (never into ERROR/TRANSFERRED) */
#define JOB_MODIFICATION_PROGRESS   0x2u   /* bytes moved (at most one such signal per job per 500 ms) */
#define JOB_MODIFICATION_FILES      0x4u   /* files were added */
#define JOB_MODIFICATION_PROPERTIES 0x8u   /* anything else: a Set* call, Resume in place, … */

#define NOTIFY_PROGRESS_INTERVAL_USEC (500ULL * 1000ULL)
#define NOTIFY_CMDLINE_PER_USER_MAX 4u      /* spec §5: ≤ 4 notifications per user at a time */
/* Runs waiting (queued or for their retry time) per owner, root included. One per job and state
 * (de-duplicated), so more than the 120 a user's 60 jobs (default MaxJobsPerUser) can have. */
#define NOTIFY_CMDLINE_WAITING_PER_USER_MAX 128u
#define NOTIFY_CMDLINE_PROGRAM_MAX 260u     /* MAX_PATH bytes, terminator excluded */
#define NOTIFY_CMDLINE_PARAMETERS_MAX 4000u /* BITS: 4,000 characters; we count bytes */

/* Start notifying: called once the jobs are loaded (it records what each job looks like, so the
 * first JobModification knows what changed) and before any client connects. Blocks SIGCHLD in the
 * calling (main) thread, as sd_event_add_child() requires. Until then manager_notify() is a no-op. */
int notify_start(Manager *m);
/* Frees the notifier. Notify programs still running are left to finish on their own. */
void notify_free(Manager *m);

/* Runs the job's notify command line now if the job rests in TRANSFERRED or ERROR and the matching
 * flag is set: BITS runs a command line set after the event too. A run of the job for that state
 * already waiting takes the new command line when it starts; one running is followed by one more. */
void notify_cmdline_changed(Manager *m, Job *j);
/* The job became final or is about to be freed: its command-line runs not yet started (queued or
 * waiting to retry) are dropped; one running is left to finish and is not run again. */
void notify_job_forget(Manager *m, const Job *j);
