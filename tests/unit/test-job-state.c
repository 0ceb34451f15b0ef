/* test-job-state.c: the job state machine of spec §4 (src/shared/job-state.c), cell by cell.
 *
 * METHOD_MATRIX is the method-validity matrix of spec §4 written out for all 16 JobMethod × 9 states;
 * EVENT_MATRIX is transitions T4–T10 and T17 for all 8 events × 9 states. Each row is one test named
 * after its behaviour, and states the expected HRESULT (or return) and the state after the call.
 * The rows are transcribed from the spec, not derived from the code under test.
 *
 * Context of the matrix rows: a job with 2 files; 1 of them transferred, except in TRANSFERRED
 * where both are (the realistic case). The [DESIGN] rules that depend on the files have their own
 * tests below the matrix. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "job-state.h"

/* An event that does not apply must leave *ret_state as it was: the tests preset it to this. */
#define UNTOUCHED 99

static void check_method(BG_JOB_STATE state, JobMethod method, unsigned n_files, unsigned n_done,
                         HRESULT expected_hr, BG_JOB_STATE expected_state) {
        JobStateContext ctx = { .n_files = n_files, .n_files_transferred = n_done };
        BG_JOB_STATE after = (BG_JOB_STATE) UNTOUCHED;
        HRESULT hr;

        hr = job_state_method(state, method, &ctx, &after);
        assert_int_equal((uint32_t) hr, (uint32_t) expected_hr);
        assert_int_equal(after, expected_state);

        /* ret_state is optional: the answer is the same without it. */
        assert_int_equal((uint32_t) job_state_method(state, method, &ctx, NULL), (uint32_t) expected_hr);
}

static void check_event(BG_JOB_STATE state, JobEvent event, int expected_r, int expected_state) {
        BG_JOB_STATE after = (BG_JOB_STATE) UNTOUCHED;

        assert_int_equal(job_state_event(state, event, &after), expected_r);
        assert_int_equal(after, expected_state);
        assert_int_equal(job_state_event(state, event, NULL), expected_r);
}

/* X(test name, state, method, n_files, n_files_transferred, expected HRESULT, state after) */
#define METHOD_MATRIX(X) \
        X(resume_on_queued_keeps_state, QUEUED, RESUME, 2, 1, S_OK, QUEUED) \
        X(resume_on_connecting_keeps_state, CONNECTING, RESUME, 2, 1, S_OK, CONNECTING) \
        X(resume_on_transferring_keeps_state, TRANSFERRING, RESUME, 2, 1, S_OK, TRANSFERRING) \
        X(resume_on_suspended_queues, SUSPENDED, RESUME, 2, 1, S_OK, QUEUED) \
        X(resume_on_error_queues, ERROR, RESUME, 2, 1, S_OK, QUEUED) \
        X(resume_on_transient_error_queues, TRANSIENT_ERROR, RESUME, 2, 1, S_OK, QUEUED) \
        X(resume_on_transferred_keeps_state, TRANSFERRED, RESUME, 2, 2, S_OK, TRANSFERRED) \
        X(resume_on_acknowledged_is_invalid_state, ACKNOWLEDGED, RESUME, 2, 1, DO_E_INVALID_STATE, ACKNOWLEDGED) \
        X(resume_on_cancelled_is_invalid_state, CANCELLED, RESUME, 2, 1, DO_E_INVALID_STATE, CANCELLED) \
        X(suspend_on_queued_suspends, QUEUED, SUSPEND, 2, 1, S_OK, SUSPENDED) \
        X(suspend_on_connecting_suspends, CONNECTING, SUSPEND, 2, 1, S_OK, SUSPENDED) \
        X(suspend_on_transferring_suspends, TRANSFERRING, SUSPEND, 2, 1, S_OK, SUSPENDED) \
        X(suspend_on_suspended_stays_suspended, SUSPENDED, SUSPEND, 2, 1, S_OK, SUSPENDED) \
        X(suspend_on_error_suspends, ERROR, SUSPEND, 2, 1, S_OK, SUSPENDED) \
        X(suspend_on_transient_error_suspends, TRANSIENT_ERROR, SUSPEND, 2, 1, S_OK, SUSPENDED) \
        X(suspend_on_transferred_suspends, TRANSFERRED, SUSPEND, 2, 2, S_OK, SUSPENDED) \
        X(suspend_on_acknowledged_is_invalid_state, ACKNOWLEDGED, SUSPEND, 2, 1, DO_E_INVALID_STATE, ACKNOWLEDGED) \
        X(suspend_on_cancelled_is_invalid_state, CANCELLED, SUSPEND, 2, 1, DO_E_INVALID_STATE, CANCELLED) \
        X(cancel_on_queued_cancels, QUEUED, CANCEL, 2, 1, S_OK, CANCELLED) \
        X(cancel_on_connecting_cancels, CONNECTING, CANCEL, 2, 1, S_OK, CANCELLED) \
        X(cancel_on_transferring_cancels, TRANSFERRING, CANCEL, 2, 1, S_OK, CANCELLED) \
        X(cancel_on_suspended_cancels, SUSPENDED, CANCEL, 2, 1, S_OK, CANCELLED) \
        X(cancel_on_error_cancels, ERROR, CANCEL, 2, 1, S_OK, CANCELLED) \
        X(cancel_on_transient_error_cancels, TRANSIENT_ERROR, CANCEL, 2, 1, S_OK, CANCELLED) \
        X(cancel_on_transferred_cancels, TRANSFERRED, CANCEL, 2, 2, S_OK, CANCELLED) \
        X(cancel_on_acknowledged_is_invalid_state, ACKNOWLEDGED, CANCEL, 2, 1, DO_E_INVALID_STATE, ACKNOWLEDGED) \
        X(cancel_on_cancelled_is_invalid_state, CANCELLED, CANCEL, 2, 1, DO_E_INVALID_STATE, CANCELLED) \
        X(complete_on_queued_acknowledges, QUEUED, COMPLETE, 2, 1, S_OK, ACKNOWLEDGED) \
        X(complete_on_connecting_acknowledges, CONNECTING, COMPLETE, 2, 1, S_OK, ACKNOWLEDGED) \
        X(complete_on_transferring_acknowledges, TRANSFERRING, COMPLETE, 2, 1, S_OK, ACKNOWLEDGED) \
        X(complete_on_suspended_acknowledges, SUSPENDED, COMPLETE, 2, 1, S_OK, ACKNOWLEDGED) \
        X(complete_on_error_acknowledges, ERROR, COMPLETE, 2, 1, S_OK, ACKNOWLEDGED) \
        X(complete_on_transient_error_acknowledges, TRANSIENT_ERROR, COMPLETE, 2, 1, S_OK, ACKNOWLEDGED) \
        X(complete_on_transferred_acknowledges, TRANSFERRED, COMPLETE, 2, 2, S_OK, ACKNOWLEDGED) \
        X(complete_on_acknowledged_is_invalid_state, ACKNOWLEDGED, COMPLETE, 2, 1, DO_E_INVALID_STATE, ACKNOWLEDGED) \
        X(complete_on_cancelled_is_invalid_state, CANCELLED, COMPLETE, 2, 1, DO_E_INVALID_STATE, CANCELLED) \
        X(add_file_on_queued_is_allowed, QUEUED, ADD_FILE, 2, 1, S_OK, QUEUED) \
        X(add_file_on_connecting_is_allowed, CONNECTING, ADD_FILE, 2, 1, S_OK, CONNECTING) \
        X(add_file_on_transferring_is_allowed, TRANSFERRING, ADD_FILE, 2, 1, S_OK, TRANSFERRING) \
        X(add_file_on_suspended_is_allowed, SUSPENDED, ADD_FILE, 2, 1, S_OK, SUSPENDED) \
        X(add_file_on_error_is_allowed, ERROR, ADD_FILE, 2, 1, S_OK, ERROR) \
        X(add_file_on_transient_error_is_allowed, TRANSIENT_ERROR, ADD_FILE, 2, 1, S_OK, TRANSIENT_ERROR) \
        X(add_file_on_transferred_is_allowed, TRANSFERRED, ADD_FILE, 2, 2, S_OK, TRANSFERRED) \
        X(add_file_on_acknowledged_is_invalid_state, ACKNOWLEDGED, ADD_FILE, 2, 1, DO_E_INVALID_STATE, ACKNOWLEDGED) \
        X(add_file_on_cancelled_is_invalid_state, CANCELLED, ADD_FILE, 2, 1, DO_E_INVALID_STATE, CANCELLED) \
        X(set_no_progress_timeout_on_queued_is_allowed, QUEUED, SET_NO_PROGRESS_TIMEOUT, 2, 1, S_OK, QUEUED) \
        X(set_no_progress_timeout_on_connecting_is_allowed, CONNECTING, SET_NO_PROGRESS_TIMEOUT, 2, 1, S_OK, CONNECTING) \
        X(set_no_progress_timeout_on_transferring_is_allowed, TRANSFERRING, SET_NO_PROGRESS_TIMEOUT, 2, 1, S_OK, TRANSFERRING) \
        X(set_no_progress_timeout_on_suspended_is_allowed, SUSPENDED, SET_NO_PROGRESS_TIMEOUT, 2, 1, S_OK, SUSPENDED) \
        X(set_no_progress_timeout_on_error_is_allowed, ERROR, SET_NO_PROGRESS_TIMEOUT, 2, 1, S_OK, ERROR) \
        X(set_no_progress_timeout_on_transient_error_is_allowed, TRANSIENT_ERROR, SET_NO_PROGRESS_TIMEOUT, 2, 1, S_OK, TRANSIENT_ERROR) \
        X(set_no_progress_timeout_on_transferred_is_allowed, TRANSFERRED, SET_NO_PROGRESS_TIMEOUT, 2, 2, S_OK, TRANSFERRED) \
        X(set_no_progress_timeout_on_acknowledged_is_invalid_state, ACKNOWLEDGED, SET_NO_PROGRESS_TIMEOUT, 2, 1, DO_E_INVALID_STATE, ACKNOWLEDGED) \
        X(set_no_progress_timeout_on_cancelled_is_invalid_state, CANCELLED, SET_NO_PROGRESS_TIMEOUT, 2, 1, DO_E_INVALID_STATE, CANCELLED) \
        X(set_notify_flags_on_queued_is_allowed, QUEUED, SET_NOTIFY_FLAGS, 2, 1, S_OK, QUEUED) \
        X(set_notify_flags_on_connecting_is_allowed, CONNECTING, SET_NOTIFY_FLAGS, 2, 1, S_OK, CONNECTING) \
        X(set_notify_flags_on_transferring_is_allowed, TRANSFERRING, SET_NOTIFY_FLAGS, 2, 1, S_OK, TRANSFERRING) \
        X(set_notify_flags_on_suspended_is_allowed, SUSPENDED, SET_NOTIFY_FLAGS, 2, 1, S_OK, SUSPENDED) \
        X(set_notify_flags_on_error_is_allowed, ERROR, SET_NOTIFY_FLAGS, 2, 1, S_OK, ERROR) \
        X(set_notify_flags_on_transient_error_is_allowed, TRANSIENT_ERROR, SET_NOTIFY_FLAGS, 2, 1, S_OK, TRANSIENT_ERROR) \
        X(set_notify_flags_on_transferred_is_allowed, TRANSFERRED, SET_NOTIFY_FLAGS, 2, 2, S_OK, TRANSFERRED) \
        X(set_notify_flags_on_acknowledged_is_invalid_state, ACKNOWLEDGED, SET_NOTIFY_FLAGS, 2, 1, DO_E_INVALID_STATE, ACKNOWLEDGED) \
        X(set_notify_flags_on_cancelled_is_invalid_state, CANCELLED, SET_NOTIFY_FLAGS, 2, 1, DO_E_INVALID_STATE, CANCELLED) \
        X(set_priority_on_queued_is_allowed, QUEUED, SET_PRIORITY, 2, 1, S_OK, QUEUED) \
        X(set_priority_on_connecting_is_allowed, CONNECTING, SET_PRIORITY, 2, 1, S_OK, CONNECTING) \
        X(set_priority_on_transferring_is_allowed, TRANSFERRING, SET_PRIORITY, 2, 1, S_OK, TRANSFERRING) \
        X(set_priority_on_suspended_is_allowed, SUSPENDED, SET_PRIORITY, 2, 1, S_OK, SUSPENDED) \
        X(set_priority_on_error_is_allowed, ERROR, SET_PRIORITY, 2, 1, S_OK, ERROR) \
        X(set_priority_on_transient_error_is_allowed, TRANSIENT_ERROR, SET_PRIORITY, 2, 1, S_OK, TRANSIENT_ERROR) \
        X(set_priority_on_transferred_is_allowed, TRANSFERRED, SET_PRIORITY, 2, 2, S_OK, TRANSFERRED) \
        X(set_priority_on_acknowledged_is_invalid_state, ACKNOWLEDGED, SET_PRIORITY, 2, 1, DO_E_INVALID_STATE, ACKNOWLEDGED) \
        X(set_priority_on_cancelled_is_invalid_state, CANCELLED, SET_PRIORITY, 2, 1, DO_E_INVALID_STATE, CANCELLED) \
        X(set_notify_interface_on_queued_is_allowed, QUEUED, SET_NOTIFY_INTERFACE, 2, 1, S_OK, QUEUED) \
        X(set_notify_interface_on_connecting_is_allowed, CONNECTING, SET_NOTIFY_INTERFACE, 2, 1, S_OK, CONNECTING) \
        X(set_notify_interface_on_transferring_is_allowed, TRANSFERRING, SET_NOTIFY_INTERFACE, 2, 1, S_OK, TRANSFERRING) \
        X(set_notify_interface_on_suspended_is_allowed, SUSPENDED, SET_NOTIFY_INTERFACE, 2, 1, S_OK, SUSPENDED) \
        X(set_notify_interface_on_error_is_allowed, ERROR, SET_NOTIFY_INTERFACE, 2, 1, S_OK, ERROR) \
        X(set_notify_interface_on_transient_error_is_allowed, TRANSIENT_ERROR, SET_NOTIFY_INTERFACE, 2, 1, S_OK, TRANSIENT_ERROR) \
        X(set_notify_interface_on_transferred_is_allowed, TRANSFERRED, SET_NOTIFY_INTERFACE, 2, 2, S_OK, TRANSFERRED) \
        X(set_notify_interface_on_acknowledged_is_invalid_state, ACKNOWLEDGED, SET_NOTIFY_INTERFACE, 2, 1, DO_E_INVALID_STATE, ACKNOWLEDGED) \
        X(set_notify_interface_on_cancelled_is_invalid_state, CANCELLED, SET_NOTIFY_INTERFACE, 2, 1, DO_E_INVALID_STATE, CANCELLED) \
        X(set_display_name_on_queued_is_allowed, QUEUED, SET_DISPLAY_NAME, 2, 1, S_OK, QUEUED) \
        X(set_display_name_on_connecting_is_allowed, CONNECTING, SET_DISPLAY_NAME, 2, 1, S_OK, CONNECTING) \
        X(set_display_name_on_transferring_is_allowed, TRANSFERRING, SET_DISPLAY_NAME, 2, 1, S_OK, TRANSFERRING) \
        X(set_display_name_on_suspended_is_allowed, SUSPENDED, SET_DISPLAY_NAME, 2, 1, S_OK, SUSPENDED) \
        X(set_display_name_on_error_is_allowed, ERROR, SET_DISPLAY_NAME, 2, 1, S_OK, ERROR) \
        X(set_display_name_on_transient_error_is_allowed, TRANSIENT_ERROR, SET_DISPLAY_NAME, 2, 1, S_OK, TRANSIENT_ERROR) \
        X(set_display_name_on_transferred_is_allowed, TRANSFERRED, SET_DISPLAY_NAME, 2, 2, S_OK, TRANSFERRED) \
        X(set_display_name_on_acknowledged_is_invalid_state, ACKNOWLEDGED, SET_DISPLAY_NAME, 2, 1, DO_E_INVALID_STATE, ACKNOWLEDGED) \
        X(set_display_name_on_cancelled_is_invalid_state, CANCELLED, SET_DISPLAY_NAME, 2, 1, DO_E_INVALID_STATE, CANCELLED) \
        X(set_description_on_queued_is_allowed, QUEUED, SET_DESCRIPTION, 2, 1, S_OK, QUEUED) \
        X(set_description_on_connecting_is_allowed, CONNECTING, SET_DESCRIPTION, 2, 1, S_OK, CONNECTING) \
        X(set_description_on_transferring_is_allowed, TRANSFERRING, SET_DESCRIPTION, 2, 1, S_OK, TRANSFERRING) \
        X(set_description_on_suspended_is_allowed, SUSPENDED, SET_DESCRIPTION, 2, 1, S_OK, SUSPENDED) \
        X(set_description_on_error_is_allowed, ERROR, SET_DESCRIPTION, 2, 1, S_OK, ERROR) \
        X(set_description_on_transient_error_is_allowed, TRANSIENT_ERROR, SET_DESCRIPTION, 2, 1, S_OK, TRANSIENT_ERROR) \
        X(set_description_on_transferred_is_allowed, TRANSFERRED, SET_DESCRIPTION, 2, 2, S_OK, TRANSFERRED) \
        X(set_description_on_acknowledged_is_invalid_state, ACKNOWLEDGED, SET_DESCRIPTION, 2, 1, DO_E_INVALID_STATE, ACKNOWLEDGED) \
        X(set_description_on_cancelled_is_invalid_state, CANCELLED, SET_DESCRIPTION, 2, 1, DO_E_INVALID_STATE, CANCELLED) \
        X(set_minimum_retry_delay_on_queued_is_allowed, QUEUED, SET_MINIMUM_RETRY_DELAY, 2, 1, S_OK, QUEUED) \
        X(set_minimum_retry_delay_on_connecting_is_allowed, CONNECTING, SET_MINIMUM_RETRY_DELAY, 2, 1, S_OK, CONNECTING) \
        X(set_minimum_retry_delay_on_transferring_is_allowed, TRANSFERRING, SET_MINIMUM_RETRY_DELAY, 2, 1, S_OK, TRANSFERRING) \
        X(set_minimum_retry_delay_on_suspended_is_allowed, SUSPENDED, SET_MINIMUM_RETRY_DELAY, 2, 1, S_OK, SUSPENDED) \
        X(set_minimum_retry_delay_on_error_is_allowed, ERROR, SET_MINIMUM_RETRY_DELAY, 2, 1, S_OK, ERROR) \
        X(set_minimum_retry_delay_on_transient_error_is_allowed, TRANSIENT_ERROR, SET_MINIMUM_RETRY_DELAY, 2, 1, S_OK, TRANSIENT_ERROR) \
        X(set_minimum_retry_delay_on_transferred_is_allowed, TRANSFERRED, SET_MINIMUM_RETRY_DELAY, 2, 2, S_OK, TRANSFERRED) \
        X(set_minimum_retry_delay_on_acknowledged_is_invalid_state, ACKNOWLEDGED, SET_MINIMUM_RETRY_DELAY, 2, 1, DO_E_INVALID_STATE, ACKNOWLEDGED) \
        X(set_minimum_retry_delay_on_cancelled_is_invalid_state, CANCELLED, SET_MINIMUM_RETRY_DELAY, 2, 1, DO_E_INVALID_STATE, CANCELLED) \
        X(set_remote_name_on_queued_is_allowed, QUEUED, SET_REMOTE_NAME, 2, 1, S_OK, QUEUED) \
        X(set_remote_name_on_connecting_is_allowed, CONNECTING, SET_REMOTE_NAME, 2, 1, S_OK, CONNECTING) \
        X(set_remote_name_on_transferring_is_allowed, TRANSFERRING, SET_REMOTE_NAME, 2, 1, S_OK, TRANSFERRING) \
        X(set_remote_name_on_suspended_is_allowed, SUSPENDED, SET_REMOTE_NAME, 2, 1, S_OK, SUSPENDED) \
        X(set_remote_name_on_error_is_allowed, ERROR, SET_REMOTE_NAME, 2, 1, S_OK, ERROR) \
        X(set_remote_name_on_transient_error_is_allowed, TRANSIENT_ERROR, SET_REMOTE_NAME, 2, 1, S_OK, TRANSIENT_ERROR) \
        X(set_remote_name_on_transferred_is_allowed, TRANSFERRED, SET_REMOTE_NAME, 2, 2, S_OK, TRANSFERRED) \
        X(set_remote_name_on_acknowledged_is_invalid_state, ACKNOWLEDGED, SET_REMOTE_NAME, 2, 1, DO_E_INVALID_STATE, ACKNOWLEDGED) \
        X(set_remote_name_on_cancelled_is_invalid_state, CANCELLED, SET_REMOTE_NAME, 2, 1, DO_E_INVALID_STATE, CANCELLED) \
        X(set_property_on_queued_is_allowed, QUEUED, SET_PROPERTY, 2, 1, S_OK, QUEUED) \
        X(set_property_on_connecting_is_allowed, CONNECTING, SET_PROPERTY, 2, 1, S_OK, CONNECTING) \
        X(set_property_on_transferring_is_allowed, TRANSFERRING, SET_PROPERTY, 2, 1, S_OK, TRANSFERRING) \
        X(set_property_on_suspended_is_allowed, SUSPENDED, SET_PROPERTY, 2, 1, S_OK, SUSPENDED) \
        X(set_property_on_error_is_allowed, ERROR, SET_PROPERTY, 2, 1, S_OK, ERROR) \
        X(set_property_on_transient_error_is_allowed, TRANSIENT_ERROR, SET_PROPERTY, 2, 1, S_OK, TRANSIENT_ERROR) \
        X(set_property_on_transferred_is_allowed, TRANSFERRED, SET_PROPERTY, 2, 2, S_OK, TRANSFERRED) \
        X(set_property_on_acknowledged_is_invalid_state, ACKNOWLEDGED, SET_PROPERTY, 2, 1, DO_E_INVALID_STATE, ACKNOWLEDGED) \
        X(set_property_on_cancelled_is_invalid_state, CANCELLED, SET_PROPERTY, 2, 1, DO_E_INVALID_STATE, CANCELLED) \
        X(get_error_on_queued_is_unavailable, QUEUED, GET_ERROR, 2, 1, DO_E_ERROR_INFORMATION_UNAVAILABLE, QUEUED) \
        X(get_error_on_connecting_is_unavailable, CONNECTING, GET_ERROR, 2, 1, DO_E_ERROR_INFORMATION_UNAVAILABLE, CONNECTING) \
        X(get_error_on_transferring_is_unavailable, TRANSFERRING, GET_ERROR, 2, 1, DO_E_ERROR_INFORMATION_UNAVAILABLE, TRANSFERRING) \
        X(get_error_on_suspended_is_unavailable, SUSPENDED, GET_ERROR, 2, 1, DO_E_ERROR_INFORMATION_UNAVAILABLE, SUSPENDED) \
        X(get_error_on_error_returns_the_error, ERROR, GET_ERROR, 2, 1, S_OK, ERROR) \
        X(get_error_on_transient_error_returns_the_error, TRANSIENT_ERROR, GET_ERROR, 2, 1, S_OK, TRANSIENT_ERROR) \
        X(get_error_on_transferred_is_unavailable, TRANSFERRED, GET_ERROR, 2, 2, DO_E_ERROR_INFORMATION_UNAVAILABLE, TRANSFERRED) \
        X(get_error_on_acknowledged_is_unavailable, ACKNOWLEDGED, GET_ERROR, 2, 1, DO_E_ERROR_INFORMATION_UNAVAILABLE, ACKNOWLEDGED) \
        X(get_error_on_cancelled_is_unavailable, CANCELLED, GET_ERROR, 2, 1, DO_E_ERROR_INFORMATION_UNAVAILABLE, CANCELLED) \
        X(get_other_on_queued_is_allowed, QUEUED, GET_OTHER, 2, 1, S_OK, QUEUED) \
        X(get_other_on_connecting_is_allowed, CONNECTING, GET_OTHER, 2, 1, S_OK, CONNECTING) \
        X(get_other_on_transferring_is_allowed, TRANSFERRING, GET_OTHER, 2, 1, S_OK, TRANSFERRING) \
        X(get_other_on_suspended_is_allowed, SUSPENDED, GET_OTHER, 2, 1, S_OK, SUSPENDED) \
        X(get_other_on_error_is_allowed, ERROR, GET_OTHER, 2, 1, S_OK, ERROR) \
        X(get_other_on_transient_error_is_allowed, TRANSIENT_ERROR, GET_OTHER, 2, 1, S_OK, TRANSIENT_ERROR) \
        X(get_other_on_transferred_is_allowed, TRANSFERRED, GET_OTHER, 2, 2, S_OK, TRANSFERRED) \
        X(get_other_on_acknowledged_is_allowed, ACKNOWLEDGED, GET_OTHER, 2, 1, S_OK, ACKNOWLEDGED) \
        X(get_other_on_cancelled_is_allowed, CANCELLED, GET_OTHER, 2, 1, S_OK, CANCELLED)

#define DEFINE_METHOD_TEST(name, st, m, nf, nd, hr, after)                                       \
        static void test_job_state__##name(void **state) {                                      \
                check_method(BG_JOB_STATE_##st, JOB_METHOD_##m, nf, nd, hr, BG_JOB_STATE_##after); \
        }
METHOD_MATRIX(DEFINE_METHOD_TEST)

/* X(test name, state, event, expected return, state after or UNTOUCHED) */
#define EVENT_MATRIX(X) \
        X(start_on_queued_transfers, QUEUED, START, 0, TRANSFERRING) \
        X(start_on_connecting_transfers, CONNECTING, START, 0, TRANSFERRING) \
        X(start_on_transferring_is_stale, TRANSFERRING, START, -ESTALE, UNTOUCHED) \
        X(start_on_suspended_is_stale, SUSPENDED, START, -ESTALE, UNTOUCHED) \
        X(start_on_error_is_stale, ERROR, START, -ESTALE, UNTOUCHED) \
        X(start_on_transient_error_is_stale, TRANSIENT_ERROR, START, -ESTALE, UNTOUCHED) \
        X(start_on_transferred_is_stale, TRANSFERRED, START, -ESTALE, UNTOUCHED) \
        X(start_on_acknowledged_is_stale, ACKNOWLEDGED, START, -ESTALE, UNTOUCHED) \
        X(start_on_cancelled_is_stale, CANCELLED, START, -ESTALE, UNTOUCHED) \
        X(preempt_on_queued_is_stale, QUEUED, PREEMPT, -ESTALE, UNTOUCHED) \
        X(preempt_on_connecting_queues, CONNECTING, PREEMPT, 0, QUEUED) \
        X(preempt_on_transferring_queues, TRANSFERRING, PREEMPT, 0, QUEUED) \
        X(preempt_on_suspended_is_stale, SUSPENDED, PREEMPT, -ESTALE, UNTOUCHED) \
        X(preempt_on_error_is_stale, ERROR, PREEMPT, -ESTALE, UNTOUCHED) \
        X(preempt_on_transient_error_is_stale, TRANSIENT_ERROR, PREEMPT, -ESTALE, UNTOUCHED) \
        X(preempt_on_transferred_is_stale, TRANSFERRED, PREEMPT, -ESTALE, UNTOUCHED) \
        X(preempt_on_acknowledged_is_stale, ACKNOWLEDGED, PREEMPT, -ESTALE, UNTOUCHED) \
        X(preempt_on_cancelled_is_stale, CANCELLED, PREEMPT, -ESTALE, UNTOUCHED) \
        X(all_files_done_on_queued_is_stale, QUEUED, ALL_FILES_DONE, -ESTALE, UNTOUCHED) \
        X(all_files_done_on_connecting_is_stale, CONNECTING, ALL_FILES_DONE, -ESTALE, UNTOUCHED) \
        X(all_files_done_on_transferring_is_transferred, TRANSFERRING, ALL_FILES_DONE, 0, TRANSFERRED) \
        X(all_files_done_on_suspended_is_stale, SUSPENDED, ALL_FILES_DONE, -ESTALE, UNTOUCHED) \
        X(all_files_done_on_error_is_stale, ERROR, ALL_FILES_DONE, -ESTALE, UNTOUCHED) \
        X(all_files_done_on_transient_error_is_stale, TRANSIENT_ERROR, ALL_FILES_DONE, -ESTALE, UNTOUCHED) \
        X(all_files_done_on_transferred_is_stale, TRANSFERRED, ALL_FILES_DONE, -ESTALE, UNTOUCHED) \
        X(all_files_done_on_acknowledged_is_stale, ACKNOWLEDGED, ALL_FILES_DONE, -ESTALE, UNTOUCHED) \
        X(all_files_done_on_cancelled_is_stale, CANCELLED, ALL_FILES_DONE, -ESTALE, UNTOUCHED) \
        X(transient_error_on_queued_is_transient_error, QUEUED, TRANSIENT_ERROR, 0, TRANSIENT_ERROR) \
        X(transient_error_on_connecting_is_transient_error, CONNECTING, TRANSIENT_ERROR, 0, TRANSIENT_ERROR) \
        X(transient_error_on_transferring_is_transient_error, TRANSFERRING, TRANSIENT_ERROR, 0, TRANSIENT_ERROR) \
        X(transient_error_on_suspended_is_stale, SUSPENDED, TRANSIENT_ERROR, -ESTALE, UNTOUCHED) \
        X(transient_error_on_error_is_stale, ERROR, TRANSIENT_ERROR, -ESTALE, UNTOUCHED) \
        X(transient_error_on_transient_error_is_stale, TRANSIENT_ERROR, TRANSIENT_ERROR, -ESTALE, UNTOUCHED) \
        X(transient_error_on_transferred_is_stale, TRANSFERRED, TRANSIENT_ERROR, -ESTALE, UNTOUCHED) \
        X(transient_error_on_acknowledged_is_stale, ACKNOWLEDGED, TRANSIENT_ERROR, -ESTALE, UNTOUCHED) \
        X(transient_error_on_cancelled_is_stale, CANCELLED, TRANSIENT_ERROR, -ESTALE, UNTOUCHED) \
        X(retry_due_on_queued_is_stale, QUEUED, RETRY_DUE, -ESTALE, UNTOUCHED) \
        X(retry_due_on_connecting_is_stale, CONNECTING, RETRY_DUE, -ESTALE, UNTOUCHED) \
        X(retry_due_on_transferring_is_stale, TRANSFERRING, RETRY_DUE, -ESTALE, UNTOUCHED) \
        X(retry_due_on_suspended_is_stale, SUSPENDED, RETRY_DUE, -ESTALE, UNTOUCHED) \
        X(retry_due_on_error_is_stale, ERROR, RETRY_DUE, -ESTALE, UNTOUCHED) \
        X(retry_due_on_transient_error_queues, TRANSIENT_ERROR, RETRY_DUE, 0, QUEUED) \
        X(retry_due_on_transferred_is_stale, TRANSFERRED, RETRY_DUE, -ESTALE, UNTOUCHED) \
        X(retry_due_on_acknowledged_is_stale, ACKNOWLEDGED, RETRY_DUE, -ESTALE, UNTOUCHED) \
        X(retry_due_on_cancelled_is_stale, CANCELLED, RETRY_DUE, -ESTALE, UNTOUCHED) \
        X(no_progress_timeout_on_queued_is_stale, QUEUED, NO_PROGRESS_TIMEOUT, -ESTALE, UNTOUCHED) \
        X(no_progress_timeout_on_connecting_is_stale, CONNECTING, NO_PROGRESS_TIMEOUT, -ESTALE, UNTOUCHED) \
        X(no_progress_timeout_on_transferring_is_stale, TRANSFERRING, NO_PROGRESS_TIMEOUT, -ESTALE, UNTOUCHED) \
        X(no_progress_timeout_on_suspended_is_stale, SUSPENDED, NO_PROGRESS_TIMEOUT, -ESTALE, UNTOUCHED) \
        X(no_progress_timeout_on_error_is_stale, ERROR, NO_PROGRESS_TIMEOUT, -ESTALE, UNTOUCHED) \
        X(no_progress_timeout_on_transient_error_is_error, TRANSIENT_ERROR, NO_PROGRESS_TIMEOUT, 0, ERROR) \
        X(no_progress_timeout_on_transferred_is_stale, TRANSFERRED, NO_PROGRESS_TIMEOUT, -ESTALE, UNTOUCHED) \
        X(no_progress_timeout_on_acknowledged_is_stale, ACKNOWLEDGED, NO_PROGRESS_TIMEOUT, -ESTALE, UNTOUCHED) \
        X(no_progress_timeout_on_cancelled_is_stale, CANCELLED, NO_PROGRESS_TIMEOUT, -ESTALE, UNTOUCHED) \
        X(fatal_error_on_queued_is_error, QUEUED, FATAL_ERROR, 0, ERROR) \
        X(fatal_error_on_connecting_is_error, CONNECTING, FATAL_ERROR, 0, ERROR) \
        X(fatal_error_on_transferring_is_error, TRANSFERRING, FATAL_ERROR, 0, ERROR) \
        X(fatal_error_on_suspended_is_stale, SUSPENDED, FATAL_ERROR, -ESTALE, UNTOUCHED) \
        X(fatal_error_on_error_is_stale, ERROR, FATAL_ERROR, -ESTALE, UNTOUCHED) \
        X(fatal_error_on_transient_error_is_stale, TRANSIENT_ERROR, FATAL_ERROR, -ESTALE, UNTOUCHED) \
        X(fatal_error_on_transferred_is_stale, TRANSFERRED, FATAL_ERROR, -ESTALE, UNTOUCHED) \
        X(fatal_error_on_acknowledged_is_stale, ACKNOWLEDGED, FATAL_ERROR, -ESTALE, UNTOUCHED) \
        X(fatal_error_on_cancelled_is_stale, CANCELLED, FATAL_ERROR, -ESTALE, UNTOUCHED) \
        X(expired_on_queued_cancels, QUEUED, EXPIRED, 0, CANCELLED) \
        X(expired_on_connecting_cancels, CONNECTING, EXPIRED, 0, CANCELLED) \
        X(expired_on_transferring_cancels, TRANSFERRING, EXPIRED, 0, CANCELLED) \
        X(expired_on_suspended_cancels, SUSPENDED, EXPIRED, 0, CANCELLED) \
        X(expired_on_error_cancels, ERROR, EXPIRED, 0, CANCELLED) \
        X(expired_on_transient_error_cancels, TRANSIENT_ERROR, EXPIRED, 0, CANCELLED) \
        X(expired_on_transferred_cancels, TRANSFERRED, EXPIRED, 0, CANCELLED) \
        X(expired_on_acknowledged_is_stale, ACKNOWLEDGED, EXPIRED, -ESTALE, UNTOUCHED) \
        X(expired_on_cancelled_is_stale, CANCELLED, EXPIRED, -ESTALE, UNTOUCHED)

#define BG_JOB_STATE_UNTOUCHED UNTOUCHED
#define DEFINE_EVENT_TEST(name, st, e, r, after)                                                 \
        static void test_job_state__##name(void **state) {                                      \
                check_event(BG_JOB_STATE_##st, JOB_EVENT_##e, r, BG_JOB_STATE_##after);         \
        }
EVENT_MATRIX(DEFINE_EVENT_TEST)

/* [DESIGN] rules of job-state.h that depend on the files. */

static void test_job_state__resume_on_suspended_with_every_file_done_goes_to_transferred(void **state) {
        check_method(BG_JOB_STATE_SUSPENDED, JOB_METHOD_RESUME, 3, 3, S_OK, BG_JOB_STATE_TRANSFERRED);
}

static void test_job_state__resume_on_suspended_with_one_file_pending_queues(void **state) {
        check_method(BG_JOB_STATE_SUSPENDED, JOB_METHOD_RESUME, 1, 0, S_OK, BG_JOB_STATE_QUEUED);
}

static void test_job_state__resume_on_empty_job_is_job_empty_and_stays_suspended(void **state) {
        check_method(BG_JOB_STATE_SUSPENDED, JOB_METHOD_RESUME, 0, 0, DO_E_JOB_EMPTY, BG_JOB_STATE_SUSPENDED);
        /* The Resume page's name for it. */
        assert_int_equal((uint32_t) DO_E_EMPTY, 0x80D02004u);
}

static void test_job_state__resume_on_transferred_with_a_new_file_queues(void **state) {
        /* T16: a file was added after the job was TRANSFERRED. */
        check_method(BG_JOB_STATE_TRANSFERRED, JOB_METHOD_RESUME, 3, 2, S_OK, BG_JOB_STATE_QUEUED);
}

static void test_job_state__resume_on_transferred_without_pending_files_keeps_transferred(void **state) {
        check_method(BG_JOB_STATE_TRANSFERRED, JOB_METHOD_RESUME, 3, 3, S_OK, BG_JOB_STATE_TRANSFERRED);
}

static void test_job_state__add_file_on_transferred_waits_for_resume(void **state) {
        check_method(BG_JOB_STATE_TRANSFERRED, JOB_METHOD_ADD_FILE, 3, 2, S_OK, BG_JOB_STATE_TRANSFERRED);
}

static void test_job_state__resume_on_error_queues_even_with_every_file_done(void **state) {
        /* The scheduler's START then finds no file and reports ALL_FILES_DONE. */
        check_method(BG_JOB_STATE_ERROR, JOB_METHOD_RESUME, 2, 2, S_OK, BG_JOB_STATE_QUEUED);
}

static void test_job_state__suspend_then_resume_with_every_file_done_is_transferred_again(void **state) {
        JobStateContext ctx = { .n_files = 2, .n_files_transferred = 2 };
        BG_JOB_STATE s = BG_JOB_STATE_TRANSFERRED;

        assert_int_equal(job_state_method(s, JOB_METHOD_SUSPEND, &ctx, &s), S_OK);
        assert_int_equal(s, BG_JOB_STATE_SUSPENDED);
        assert_int_equal(job_state_method(s, JOB_METHOD_RESUME, &ctx, &s), S_OK);
        assert_int_equal(s, BG_JOB_STATE_TRANSFERRED);
}

/* Arguments the state machine refuses. */

static void test_job_state__resume_without_context_is_e_pointer(void **state) {
        BG_JOB_STATE after = (BG_JOB_STATE) UNTOUCHED;

        assert_int_equal((uint32_t) job_state_method(BG_JOB_STATE_SUSPENDED, JOB_METHOD_RESUME, NULL, &after),
                         (uint32_t) E_POINTER);
        assert_int_equal(after, UNTOUCHED);
}

static void test_job_state__other_methods_need_no_context(void **state) {
        BG_JOB_STATE after = (BG_JOB_STATE) UNTOUCHED;

        assert_int_equal(job_state_method(BG_JOB_STATE_QUEUED, JOB_METHOD_CANCEL, NULL, &after), S_OK);
        assert_int_equal(after, BG_JOB_STATE_CANCELLED);
}

static void test_job_state__out_of_range_method_or_state_is_invalid_arg(void **state) {
        JobStateContext ctx = { .n_files = 1 };
        BG_JOB_STATE after = (BG_JOB_STATE) UNTOUCHED;

        assert_int_equal((uint32_t) job_state_method(BG_JOB_STATE_SUSPENDED, _JOB_METHOD_MAX, &ctx, &after),
                         (uint32_t) E_INVALIDARG);
        assert_int_equal((uint32_t) job_state_method(BG_JOB_STATE_SUSPENDED, _JOB_METHOD_INVALID, &ctx, &after),
                         (uint32_t) E_INVALIDARG);
        assert_int_equal((uint32_t) job_state_method((BG_JOB_STATE) 9, JOB_METHOD_RESUME, &ctx, &after),
                         (uint32_t) E_INVALIDARG);
        assert_int_equal((uint32_t) job_state_method((BG_JOB_STATE) -1, JOB_METHOD_GET_OTHER, &ctx, &after),
                         (uint32_t) E_INVALIDARG);
        assert_int_equal(after, UNTOUCHED);
}

static void test_job_state__out_of_range_event_or_state_is_einval(void **state) {
        BG_JOB_STATE after = (BG_JOB_STATE) UNTOUCHED;

        assert_int_equal(job_state_event(BG_JOB_STATE_QUEUED, _JOB_EVENT_MAX, &after), -EINVAL);
        assert_int_equal(job_state_event(BG_JOB_STATE_QUEUED, _JOB_EVENT_INVALID, &after), -EINVAL);
        assert_int_equal(job_state_event((BG_JOB_STATE) 9, JOB_EVENT_START, &after), -EINVAL);
        assert_int_equal(job_state_event((BG_JOB_STATE) -1, JOB_EVENT_EXPIRED, &after), -EINVAL);
        assert_int_equal(after, UNTOUCHED);
}

/* Whole paths through the machine, as the daemon drives it. */

static void test_job_state__happy_path_ends_acknowledged(void **state) {
        JobStateContext ctx = { .n_files = 1 };
        BG_JOB_STATE s = BG_JOB_STATE_SUSPENDED;

        assert_int_equal(job_state_method(s, JOB_METHOD_RESUME, &ctx, &s), S_OK);
        assert_int_equal(s, BG_JOB_STATE_QUEUED);
        assert_int_equal(job_state_event(s, JOB_EVENT_START, &s), 0);
        assert_int_equal(s, BG_JOB_STATE_TRANSFERRING);
        assert_int_equal(job_state_event(s, JOB_EVENT_ALL_FILES_DONE, &s), 0);
        assert_int_equal(s, BG_JOB_STATE_TRANSFERRED);
        assert_int_equal(job_state_method(s, JOB_METHOD_COMPLETE, &ctx, &s), S_OK);
        assert_int_equal(s, BG_JOB_STATE_ACKNOWLEDGED);
        assert_int_equal((uint32_t) job_state_method(s, JOB_METHOD_COMPLETE, &ctx, &s),
                         (uint32_t) DO_E_INVALID_STATE);
        assert_int_equal(s, BG_JOB_STATE_ACKNOWLEDGED);
}

static void test_job_state__errors_then_resume_ends_transferred(void **state) {
        JobStateContext ctx = { .n_files = 1 };
        BG_JOB_STATE s = BG_JOB_STATE_QUEUED;

        assert_int_equal(job_state_event(s, JOB_EVENT_START, &s), 0);
        assert_int_equal(job_state_event(s, JOB_EVENT_TRANSIENT_ERROR, &s), 0);
        assert_int_equal(s, BG_JOB_STATE_TRANSIENT_ERROR);
        assert_int_equal(job_state_method(s, JOB_METHOD_GET_ERROR, &ctx, NULL), S_OK);
        assert_int_equal(job_state_event(s, JOB_EVENT_RETRY_DUE, &s), 0);
        assert_int_equal(s, BG_JOB_STATE_QUEUED);
        assert_int_equal(job_state_event(s, JOB_EVENT_FATAL_ERROR, &s), 0);
        assert_int_equal(s, BG_JOB_STATE_ERROR);
        assert_int_equal(job_state_method(s, JOB_METHOD_RESUME, &ctx, &s), S_OK);
        assert_int_equal(s, BG_JOB_STATE_QUEUED);
        assert_int_equal(job_state_event(s, JOB_EVENT_START, &s), 0);
        assert_int_equal(job_state_event(s, JOB_EVENT_ALL_FILES_DONE, &s), 0);
        assert_int_equal(s, BG_JOB_STATE_TRANSFERRED);
}

static void test_job_state__late_file_done_after_suspend_is_stale(void **state) {
        JobStateContext ctx = { .n_files = 1 };
        BG_JOB_STATE s = BG_JOB_STATE_TRANSFERRING;

        assert_int_equal(job_state_method(s, JOB_METHOD_SUSPEND, &ctx, &s), S_OK);
        assert_int_equal(job_state_event(s, JOB_EVENT_ALL_FILES_DONE, &s), -ESTALE);
        assert_int_equal(s, BG_JOB_STATE_SUSPENDED);
}

/* State classes of spec §4. */

static void test_job_state__classes(void **state) {
        static const struct {
                BG_JOB_STATE state;
                bool final, active, running;
        } rows[] = {
                /* state                        final  active running */
                { BG_JOB_STATE_QUEUED,          false, true,  false },
                { BG_JOB_STATE_CONNECTING,      false, true,  true  },
                { BG_JOB_STATE_TRANSFERRING,    false, true,  true  },
                { BG_JOB_STATE_SUSPENDED,       false, false, false },
                { BG_JOB_STATE_ERROR,           false, false, false },
                { BG_JOB_STATE_TRANSIENT_ERROR, false, true,  false },
                { BG_JOB_STATE_TRANSFERRED,     false, false, false },
                { BG_JOB_STATE_ACKNOWLEDGED,    true,  false, false },
                { BG_JOB_STATE_CANCELLED,       true,  false, false },
        };

        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                assert_int_equal(job_state_is_final(rows[i].state), rows[i].final);
                assert_int_equal(job_state_is_active(rows[i].state), rows[i].active);
                assert_int_equal(job_state_is_running(rows[i].state), rows[i].running);
        }
}

/* Strings. */

static void test_job_state__state_strings_round_trip(void **state) {
        static const char *const names[] = {
                "QUEUED", "CONNECTING", "TRANSFERRING", "SUSPENDED", "ERROR",
                "TRANSIENT_ERROR", "TRANSFERRED", "ACKNOWLEDGED", "CANCELLED",
        };

        for (int i = 0; i < 9; i++) {
                assert_string_equal(job_state_to_string((BG_JOB_STATE) i), names[i]);
                assert_int_equal(job_state_from_string(names[i]), i);
        }
        assert_int_equal(job_state_from_string("transferred"), BG_JOB_STATE_TRANSFERRED);
        assert_int_equal(job_state_from_string("Transient_Error"), BG_JOB_STATE_TRANSIENT_ERROR);
        assert_int_equal(job_state_from_string("CANCELED"), -EINVAL);
        assert_int_equal(job_state_from_string("BG_JOB_STATE_QUEUED"), -EINVAL);
        assert_int_equal(job_state_from_string(""), -EINVAL);
        assert_int_equal(job_state_from_string(NULL), -EINVAL);
        assert_null(job_state_to_string((BG_JOB_STATE) 9));
        assert_null(job_state_to_string((BG_JOB_STATE) -1));
}

static void test_job_state__priority_strings_round_trip(void **state) {
        assert_string_equal(job_priority_to_string(BG_JOB_PRIORITY_FOREGROUND), "FOREGROUND");
        assert_string_equal(job_priority_to_string(BG_JOB_PRIORITY_HIGH), "HIGH");
        assert_string_equal(job_priority_to_string(BG_JOB_PRIORITY_NORMAL), "NORMAL");
        assert_string_equal(job_priority_to_string(BG_JOB_PRIORITY_LOW), "LOW");
        assert_int_equal(job_priority_from_string("FOREGROUND"), BG_JOB_PRIORITY_FOREGROUND);
        assert_int_equal(job_priority_from_string("high"), BG_JOB_PRIORITY_HIGH);
        assert_int_equal(job_priority_from_string("Normal"), BG_JOB_PRIORITY_NORMAL);
        assert_int_equal(job_priority_from_string("LOW"), BG_JOB_PRIORITY_LOW);
        assert_int_equal(job_priority_from_string("URGENT"), -EINVAL);
        assert_int_equal(job_priority_from_string(NULL), -EINVAL);
        assert_null(job_priority_to_string((BG_JOB_PRIORITY) 4));
}

static void test_job_state__method_and_event_strings(void **state) {
        assert_string_equal(job_method_to_string(JOB_METHOD_RESUME), "Resume");
        assert_string_equal(job_method_to_string(JOB_METHOD_SET_MINIMUM_RETRY_DELAY), "SetMinimumRetryDelay");
        assert_string_equal(job_event_to_string(JOB_EVENT_ALL_FILES_DONE), "all-files-done");
        assert_string_equal(job_event_to_string(JOB_EVENT_NO_PROGRESS_TIMEOUT), "no-progress-timeout");

        /* Every value has a name, and no two share one. */
        for (int i = 0; i < _JOB_METHOD_MAX; i++) {
                assert_non_null(job_method_to_string((JobMethod) i));
                for (int k = 0; k < i; k++)
                        assert_string_not_equal(job_method_to_string((JobMethod) i),
                                                job_method_to_string((JobMethod) k));
        }
        for (int i = 0; i < _JOB_EVENT_MAX; i++) {
                assert_non_null(job_event_to_string((JobEvent) i));
                for (int k = 0; k < i; k++)
                        assert_string_not_equal(job_event_to_string((JobEvent) i),
                                                job_event_to_string((JobEvent) k));
        }
        assert_null(job_method_to_string(_JOB_METHOD_MAX));
        assert_null(job_method_to_string(_JOB_METHOD_INVALID));
        assert_null(job_event_to_string(_JOB_EVENT_MAX));
        assert_null(job_event_to_string(_JOB_EVENT_INVALID));
}

#define REGISTER_METHOD_TEST(name, ...) cmocka_unit_test(test_job_state__##name),
#define REGISTER_EVENT_TEST(name, ...) cmocka_unit_test(test_job_state__##name),

int main(void) {
        const struct CMUnitTest tests[] = {
                METHOD_MATRIX(REGISTER_METHOD_TEST)
                EVENT_MATRIX(REGISTER_EVENT_TEST)
                cmocka_unit_test(test_job_state__resume_on_suspended_with_every_file_done_goes_to_transferred),
                cmocka_unit_test(test_job_state__resume_on_suspended_with_one_file_pending_queues),
                cmocka_unit_test(test_job_state__resume_on_empty_job_is_job_empty_and_stays_suspended),
                cmocka_unit_test(test_job_state__resume_on_transferred_with_a_new_file_queues),
                cmocka_unit_test(test_job_state__resume_on_transferred_without_pending_files_keeps_transferred),
                cmocka_unit_test(test_job_state__add_file_on_transferred_waits_for_resume),
                cmocka_unit_test(test_job_state__resume_on_error_queues_even_with_every_file_done),
                cmocka_unit_test(test_job_state__suspend_then_resume_with_every_file_done_is_transferred_again),
                cmocka_unit_test(test_job_state__resume_without_context_is_e_pointer),
                cmocka_unit_test(test_job_state__other_methods_need_no_context),
                cmocka_unit_test(test_job_state__out_of_range_method_or_state_is_invalid_arg),
                cmocka_unit_test(test_job_state__out_of_range_event_or_state_is_einval),
                cmocka_unit_test(test_job_state__happy_path_ends_acknowledged),
                cmocka_unit_test(test_job_state__errors_then_resume_ends_transferred),
                cmocka_unit_test(test_job_state__late_file_done_after_suspend_is_stale),
                cmocka_unit_test(test_job_state__classes),
                cmocka_unit_test(test_job_state__state_strings_round_trip),
                cmocka_unit_test(test_job_state__priority_strings_round_trip),
                cmocka_unit_test(test_job_state__method_and_event_strings),
        };

        return cmocka_run_group_tests_name("job-state", tests, NULL, NULL);
}
