/* job-state.c: the job state machine of spec §4 (see job-state.h), as pure functions.
 *
 * No I/O, no allocation, no globals but constant string tables. Every rule of the method-validity
 * matrix and of transitions T2–T18 lives in the two switch statements below; the [DESIGN] rules of
 * job-state.h are marked where they apply. Switches rather than tables so that -Wswitch flags a new
 * enum value that nobody thought about.
 *
 * Matrix columns of spec §4: SUSP = SUSPENDED; ACT = QUEUED, CONNECTING, TRANSFERRING;
 * TERR = TRANSIENT_ERROR; ERR = ERROR; XFRD = TRANSFERRED; FINAL = ACKNOWLEDGED, CANCELLED. */
#include <errno.h>
#include <stddef.h>
#include <strings.h>

#include "job-state.h"
#include "macro.h"

static bool job_state_valid(BG_JOB_STATE state) {
        return (int) state >= BG_JOB_STATE_QUEUED && (int) state <= BG_JOB_STATE_CANCELLED;
}

bool job_state_is_final(BG_JOB_STATE state) {
        return state == BG_JOB_STATE_ACKNOWLEDGED || state == BG_JOB_STATE_CANCELLED;
}

bool job_state_is_active(BG_JOB_STATE state) {
        return state == BG_JOB_STATE_QUEUED || state == BG_JOB_STATE_CONNECTING ||
               state == BG_JOB_STATE_TRANSFERRING || state == BG_JOB_STATE_TRANSIENT_ERROR;
}

bool job_state_is_running(BG_JOB_STATE state) {
        return state == BG_JOB_STATE_CONNECTING || state == BG_JOB_STATE_TRANSFERRING;
}

/* Resume (T2, T3, T11, T16 and the [DESIGN] rules of job-state.h). `state` is not final. */
static HRESULT job_state_resume(BG_JOB_STATE state, const JobStateContext *ctx, BG_JOB_STATE *ret) {
        bool all_done = ctx->n_files > 0 && ctx->n_files_transferred >= ctx->n_files;

        switch (state) {
        case BG_JOB_STATE_SUSPENDED:
                if (ctx->n_files == 0) {
                        /* T3: DO_E_EMPTY ≡ DO_E_JOB_EMPTY, and the job stays SUSPENDED [BITS]. */
                        *ret = state;
                        return DO_E_JOB_EMPTY;
                }
                /* T2 takes the BITS reading (QUEUED; the scheduler's START makes it TRANSFERRING).
                 * [DESIGN] A job suspended after all its files were done goes back to TRANSFERRED
                 * rather than through the scheduler for nothing. */
                *ret = all_done ? BG_JOB_STATE_TRANSFERRED : BG_JOB_STATE_QUEUED;
                return S_OK;

        case BG_JOB_STATE_QUEUED:
        case BG_JOB_STATE_CONNECTING:
        case BG_JOB_STATE_TRANSFERRING:
                /* [BITS] an active job keeps its state. */
                *ret = state;
                return S_OK;

        case BG_JOB_STATE_TRANSIENT_ERROR:
        case BG_JOB_STATE_ERROR:
                /* T11: retry at once. The error object stays until the job enters TRANSFERRING. */
                *ret = BG_JOB_STATE_QUEUED;
                return S_OK;

        case BG_JOB_STATE_TRANSFERRED:
                /* T16 when files were added since; [DESIGN] otherwise S_OK and no change. */
                *ret = all_done ? state : BG_JOB_STATE_QUEUED;
                return S_OK;

        case BG_JOB_STATE_ACKNOWLEDGED:
        case BG_JOB_STATE_CANCELLED:
                break;
        }

        /* Not reached: the caller filtered final and out-of-range states. */
        *ret = state;
        return DO_E_INVALID_STATE;
}

HRESULT job_state_method(BG_JOB_STATE state, JobMethod method, const JobStateContext *ctx,
                         BG_JOB_STATE *ret_state) {
        BG_JOB_STATE next = state;
        HRESULT hr = S_OK;

        if (!job_state_valid(state) || method < 0 || method >= _JOB_METHOD_MAX)
                return E_INVALIDARG;
        if (method == JOB_METHOD_RESUME && !ctx)
                return E_POINTER;

        switch (method) {
        case JOB_METHOD_GET_OTHER:
                /* Getters answer in every state, final ones included (on a pointer the client
                 * already holds). */
                break;

        case JOB_METHOD_GET_ERROR:
                /* An error object exists only in ERROR and TRANSIENT_ERROR; everywhere else,
                 * final states included (the matrix says "same", not ✗), there is none. */
                if (state != BG_JOB_STATE_ERROR && state != BG_JOB_STATE_TRANSIENT_ERROR)
                        hr = DO_E_ERROR_INFORMATION_UNAVAILABLE;
                break;

        case JOB_METHOD_RESUME:
        case JOB_METHOD_SUSPEND:
        case JOB_METHOD_CANCEL:
        case JOB_METHOD_COMPLETE:
        case JOB_METHOD_ADD_FILE:
        case JOB_METHOD_SET_NO_PROGRESS_TIMEOUT:
        case JOB_METHOD_SET_NOTIFY_FLAGS:
        case JOB_METHOD_SET_PRIORITY:
        case JOB_METHOD_SET_NOTIFY_INTERFACE:
        case JOB_METHOD_SET_DISPLAY_NAME:
        case JOB_METHOD_SET_DESCRIPTION:
        case JOB_METHOD_SET_MINIMUM_RETRY_DELAY:
        case JOB_METHOD_SET_REMOTE_NAME:
        case JOB_METHOD_SET_PROPERTY:
                /* T18: a final state refuses every action; nothing changes. */
                if (job_state_is_final(state)) {
                        hr = DO_E_INVALID_STATE;
                        break;
                }

                if (method == JOB_METHOD_RESUME)
                        hr = job_state_resume(state, ctx, &next);
                else if (method == JOB_METHOD_SUSPEND)
                        next = BG_JOB_STATE_SUSPENDED;          /* T12, also from ERROR/TRANSFERRED */
                else if (method == JOB_METHOD_CANCEL)
                        next = BG_JOB_STATE_CANCELLED;          /* T13 */
                else if (method == JOB_METHOD_COMPLETE)
                        next = BG_JOB_STATE_ACKNOWLEDGED;       /* T14; T15 is the caller's */
                /* AddFile and the setters keep the state; AddFile on TRANSFERRED waits for a
                 * Resume (T16). */
                break;

        case _JOB_METHOD_MAX:
        case _JOB_METHOD_INVALID:
                return E_INVALIDARG;
        }

        if (ret_state)
                *ret_state = hr == S_OK ? next : state;
        return hr;
}

int job_state_event(BG_JOB_STATE state, JobEvent event, BG_JOB_STATE *ret_state) {
        BG_JOB_STATE next = state;

        if (!job_state_valid(state) || event < 0 || event >= _JOB_EVENT_MAX)
                return -EINVAL;

        switch (event) {
        case JOB_EVENT_START:
                /* T4. CONNECTING is never reported, but if a caller ever sets it, the transfer
                 * starting is the same step. */
                if (state != BG_JOB_STATE_QUEUED && state != BG_JOB_STATE_CONNECTING)
                        return -ESTALE;
                next = BG_JOB_STATE_TRANSFERRING;
                break;

        case JOB_EVENT_PREEMPT:
                /* T5 */
                if (!job_state_is_running(state))
                        return -ESTALE;
                next = BG_JOB_STATE_QUEUED;
                break;

        case JOB_EVENT_ALL_FILES_DONE:
                /* T6. Any other state means the client moved the job meanwhile (Suspend, Cancel):
                 * the late event must not undo that. */
                if (state != BG_JOB_STATE_TRANSFERRING)
                        return -ESTALE;
                next = BG_JOB_STATE_TRANSFERRED;
                break;

        case JOB_EVENT_TRANSIENT_ERROR:
                /* T7 */
                if (state != BG_JOB_STATE_QUEUED && !job_state_is_running(state))
                        return -ESTALE;
                next = BG_JOB_STATE_TRANSIENT_ERROR;
                break;

        case JOB_EVENT_RETRY_DUE:
                /* T8 */
                if (state != BG_JOB_STATE_TRANSIENT_ERROR)
                        return -ESTALE;
                next = BG_JOB_STATE_QUEUED;
                break;

        case JOB_EVENT_NO_PROGRESS_TIMEOUT:
                /* T9 */
                if (state != BG_JOB_STATE_TRANSIENT_ERROR)
                        return -ESTALE;
                next = BG_JOB_STATE_ERROR;
                break;

        case JOB_EVENT_FATAL_ERROR:
                /* T10 */
                if (state != BG_JOB_STATE_QUEUED && !job_state_is_running(state))
                        return -ESTALE;
                next = BG_JOB_STATE_ERROR;
                break;

        case JOB_EVENT_EXPIRED:
                /* T17: from any non-final state, resting ones included. */
                if (job_state_is_final(state))
                        return -ESTALE;
                next = BG_JOB_STATE_CANCELLED;
                break;

        case _JOB_EVENT_MAX:
        case _JOB_EVENT_INVALID:
                return -EINVAL;
        }

        if (ret_state)
                *ret_state = next;
        return 0;
}

/* String tables, indexed by the enum values (spec §3.1 numbers them from 0 without gaps). */

static const char *const job_state_table[] = {
        [BG_JOB_STATE_QUEUED] = "QUEUED",
        [BG_JOB_STATE_CONNECTING] = "CONNECTING",
        [BG_JOB_STATE_TRANSFERRING] = "TRANSFERRING",
        [BG_JOB_STATE_SUSPENDED] = "SUSPENDED",
        [BG_JOB_STATE_ERROR] = "ERROR",
        [BG_JOB_STATE_TRANSIENT_ERROR] = "TRANSIENT_ERROR",
        [BG_JOB_STATE_TRANSFERRED] = "TRANSFERRED",
        [BG_JOB_STATE_ACKNOWLEDGED] = "ACKNOWLEDGED",
        [BG_JOB_STATE_CANCELLED] = "CANCELLED",
};

static const char *const job_priority_table[] = {
        [BG_JOB_PRIORITY_FOREGROUND] = "FOREGROUND",
        [BG_JOB_PRIORITY_HIGH] = "HIGH",
        [BG_JOB_PRIORITY_NORMAL] = "NORMAL",
        [BG_JOB_PRIORITY_LOW] = "LOW",
};

/* The interface method names, for logs. */
static const char *const job_method_table[_JOB_METHOD_MAX] = {
        [JOB_METHOD_RESUME] = "Resume",
        [JOB_METHOD_SUSPEND] = "Suspend",
        [JOB_METHOD_CANCEL] = "Cancel",
        [JOB_METHOD_COMPLETE] = "Complete",
        [JOB_METHOD_ADD_FILE] = "AddFile",
        [JOB_METHOD_SET_NO_PROGRESS_TIMEOUT] = "SetNoProgressTimeout",
        [JOB_METHOD_SET_NOTIFY_FLAGS] = "SetNotifyFlags",
        [JOB_METHOD_SET_PRIORITY] = "SetPriority",
        [JOB_METHOD_SET_NOTIFY_INTERFACE] = "SetNotifyInterface",
        [JOB_METHOD_SET_DISPLAY_NAME] = "SetDisplayName",
        [JOB_METHOD_SET_DESCRIPTION] = "SetDescription",
        [JOB_METHOD_SET_MINIMUM_RETRY_DELAY] = "SetMinimumRetryDelay",
        [JOB_METHOD_SET_REMOTE_NAME] = "SetRemoteName",
        [JOB_METHOD_SET_PROPERTY] = "SetProperty",
        [JOB_METHOD_GET_ERROR] = "GetError",
        [JOB_METHOD_GET_OTHER] = "Get",
};

static const char *const job_event_table[_JOB_EVENT_MAX] = {
        [JOB_EVENT_START] = "start",
        [JOB_EVENT_PREEMPT] = "preempt",
        [JOB_EVENT_ALL_FILES_DONE] = "all-files-done",
        [JOB_EVENT_TRANSIENT_ERROR] = "transient-error",
        [JOB_EVENT_RETRY_DUE] = "retry-due",
        [JOB_EVENT_NO_PROGRESS_TIMEOUT] = "no-progress-timeout",
        [JOB_EVENT_FATAL_ERROR] = "fatal-error",
        [JOB_EVENT_EXPIRED] = "expired",
};

_Static_assert(ELEMENTSOF(job_state_table) == BG_JOB_STATE_CANCELLED + 1,
               "job_state_table covers BG_JOB_STATE");
_Static_assert(ELEMENTSOF(job_priority_table) == BG_JOB_PRIORITY_LOW + 1,
               "job_priority_table covers BG_JOB_PRIORITY");

static const char *table_lookup(const char *const *table, size_t n, int i) {
        if (i < 0 || (size_t) i >= n)
                return NULL;
        return table[i];
}

static int table_find(const char *const *table, size_t n, const char *s) {
        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (table[i] && strcasecmp(table[i], s) == 0)
                        return (int) i;
        return -EINVAL;
}

const char *job_state_to_string(BG_JOB_STATE state) {
        return table_lookup(job_state_table, ELEMENTSOF(job_state_table), (int) state);
}

int job_state_from_string(const char *s) {
        return table_find(job_state_table, ELEMENTSOF(job_state_table), s);
}

const char *job_priority_to_string(BG_JOB_PRIORITY priority) {
        return table_lookup(job_priority_table, ELEMENTSOF(job_priority_table), (int) priority);
}

int job_priority_from_string(const char *s) {
        return table_find(job_priority_table, ELEMENTSOF(job_priority_table), s);
}

const char *job_method_to_string(JobMethod method) {
        return table_lookup(job_method_table, ELEMENTSOF(job_method_table), (int) method);
}

const char *job_event_to_string(JobEvent event) {
        return table_lookup(job_event_table, ELEMENTSOF(job_event_table), (int) event);
}
