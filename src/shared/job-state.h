/* job-state.h (shared by dosvc and doadmin): the job state machine of spec §4 as pure code (no I/O, no allocation).
 *
 * Two entry points decide everything about a job's state:
 *   job_state_method(): a client call (Resume, Suspend, …) in a given state → the HRESULT the call
 *                       returns and the state the job is in afterwards (T2, T3, T11–T16, T18 and the
 *                       method-validity matrix).
 *   job_state_event():  a service event (scheduler start, last file done, errors, timers) → the new
 *                       state (T4–T10, T17), or -ESTALE when the event does not apply in that state
 *                       (e.g. a late "file done" after the client suspended the job). */
#pragma once

#include <stdbool.h>
#include <deliveryoptimization.h>

typedef enum JobMethod {
        JOB_METHOD_RESUME,
        JOB_METHOD_SUSPEND,
        JOB_METHOD_CANCEL,
        JOB_METHOD_COMPLETE,
        JOB_METHOD_ADD_FILE,               /* AddFile, AddFileSet, AddFileWithRanges, DO Job2::AddFile */
        JOB_METHOD_SET_NO_PROGRESS_TIMEOUT,
        JOB_METHOD_SET_NOTIFY_FLAGS,
        JOB_METHOD_SET_PRIORITY,
        JOB_METHOD_SET_NOTIFY_INTERFACE,
        JOB_METHOD_SET_DISPLAY_NAME,
        JOB_METHOD_SET_DESCRIPTION,
        JOB_METHOD_SET_MINIMUM_RETRY_DELAY,
        JOB_METHOD_SET_REMOTE_NAME,
        JOB_METHOD_SET_PROPERTY,           /* Job5::SetProperty, File2/5 SetProperty */
        JOB_METHOD_GET_ERROR,
        JOB_METHOD_GET_OTHER,              /* every other getter: GetState, GetProgress, EnumFiles, … */
        _JOB_METHOD_MAX,
        _JOB_METHOD_INVALID = -22,
} JobMethod;

typedef enum JobEvent {
        JOB_EVENT_START,                   /* T4: the scheduler picks a QUEUED job → TRANSFERRING */
        JOB_EVENT_PREEMPT,                 /* T5: TRANSFERRING (or CONNECTING) → QUEUED */
        JOB_EVENT_ALL_FILES_DONE,          /* T6: TRANSFERRING → TRANSFERRED */
        JOB_EVENT_TRANSIENT_ERROR,         /* T7: QUEUED/CONNECTING/TRANSFERRING → TRANSIENT_ERROR */
        JOB_EVENT_RETRY_DUE,               /* T8: TRANSIENT_ERROR → QUEUED */
        JOB_EVENT_NO_PROGRESS_TIMEOUT,     /* T9: TRANSIENT_ERROR → ERROR */
        JOB_EVENT_FATAL_ERROR,             /* T10: QUEUED/CONNECTING/TRANSFERRING → ERROR */
        JOB_EVENT_EXPIRED,                 /* T17: any non-final → CANCELLED */
        _JOB_EVENT_MAX,
        _JOB_EVENT_INVALID = -22,
} JobEvent;

/* What the state machine needs to know about the job besides its state. */
typedef struct JobStateContext {
        unsigned n_files;                  /* files in the job */
        unsigned n_files_transferred;      /* files whose every byte is on disk (≤ n_files) */
} JobStateContext;

/* A client call `method` on a job in `state`. Returns the HRESULT the call answers with (S_OK,
 * DO_E_INVALID_STATE, DO_E_JOB_EMPTY, DO_E_ERROR_INFORMATION_UNAVAILABLE) and, when ret_state is not
 * NULL, stores the state after the call (unchanged on failure). The caller validates arguments
 * (NULL pointers, lengths, enum ranges) before asking: those are not state questions. Rules beyond
 * the matrix of spec §4, the [DESIGN] choices:
 *   - Resume on SUSPENDED with every file already transferred goes straight to TRANSFERRED;
 *   - Resume on TRANSFERRED: QUEUED when some file is not transferred (T16), else unchanged;
 *   - Resume on QUEUED/CONNECTING/TRANSFERRING: S_OK, unchanged;
 *   - Suspend on any non-final state → SUSPENDED;
 *   - Cancel → CANCELLED, Complete → ACKNOWLEDGED from any non-final state (T13, T14; the caller
 *     handles the partial-rename case T15 by not applying the new state);
 *   - AddFile on TRANSFERRED keeps TRANSFERRED (the job needs a Resume, T16). */
HRESULT job_state_method(BG_JOB_STATE state, JobMethod method, const JobStateContext *ctx,
                         BG_JOB_STATE *ret_state);

/* A service event on a job in `state`: returns 0 and stores the new state, or -ESTALE when the
 * event does not apply to that state (nothing changes), or -EINVAL for an out-of-range argument. */
int job_state_event(BG_JOB_STATE state, JobEvent event, BG_JOB_STATE *ret_state);

bool job_state_is_final(BG_JOB_STATE state);       /* ACKNOWLEDGED, CANCELLED */
bool job_state_is_active(BG_JOB_STATE state);      /* QUEUED, CONNECTING, TRANSFERRING, TRANSIENT_ERROR */
bool job_state_is_running(BG_JOB_STATE state);     /* CONNECTING, TRANSFERRING: a transfer is underway */

/* String tables for --json and logs: the spec's names without prefix ("TRANSFERRED", "CANCELLED",
 * "FOREGROUND", "NORMAL"). *_from_string() accepts any case and returns -EINVAL when unknown. */
const char *job_state_to_string(BG_JOB_STATE state);
int job_state_from_string(const char *s);
const char *job_priority_to_string(BG_JOB_PRIORITY priority);
int job_priority_from_string(const char *s);
const char *job_method_to_string(JobMethod method);
const char *job_event_to_string(JobEvent event);
