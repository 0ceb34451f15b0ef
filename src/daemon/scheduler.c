/* scheduler.c: decides which jobs transfer now, and moves jobs on when a file's transfer ends.
 *
 * Policy (spec §3.1 priorities, DESIGN.md scheduler):
 *   - FOREGROUND jobs start at once and run concurrently with each other;
 *   - background jobs (HIGH, NORMAL, LOW) run up to max_background_transfers at a time, higher
 *     priority first; within one priority, the job of the owner with the fewest running jobs, then
 *     first-queued first (queued_seq): round-robin between users (schedule-order.c);
 *   - a queued background job pre-empts a running one of strictly lower priority when no slot is
 *     free (T5: the pre-empted job goes back to QUEUED, its bytes checkpointed);
 *   - files of one job go one at a time in the order added;
 *   - at most Limits.max_connections jobs transfer at once, all priorities together (dosvc.conf
 *     MaxConnections: each transferring job holds one connection); a job without a slot waits.
 * A pass runs from a deferred event source, so a burst of changes (a client resuming 50 jobs)
 * costs one pass. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "hresult.h"
#include "log.h"
#include "macro.h"
#include "manager.h"
#include "schedule-order.h"
#include "transfer.h"

static bool job_is_background(const Job *j) {
        return j->priority != BG_JOB_PRIORITY_FOREGROUND;
}

int manager_job_event(Manager *m, Job *j, JobEvent event) {
        BG_JOB_STATE new_state;
        usec_t now;
        int r;

        r = job_state_event(j->state, event, &new_state);
        if (r < 0)
                return r;
        if (new_state == j->state)
                return 0;

        log_debug("Job %s: %s → %s (%s)", j->display_name, job_state_to_string(j->state),
                  job_state_to_string(new_state), job_event_to_string(event));
        j->state = new_state;
        /* One instant for the change: reaching TRANSFERRED is the job's last modification, so
         * TransferCompletionTime and ModificationTime are equal then (a client never sees the
         * modification after the completion). */
        now = now_realtime_usec();
        if (new_state == BG_JOB_STATE_TRANSFERRED)
                j->transfer_completion_time = now;
        if (new_state == BG_JOB_STATE_QUEUED)
                j->queued_seq = ++m->queued_seq;
        manager_touch_job_at(m, j, now);
        if (new_state == BG_JOB_STATE_TRANSFERRED)
                manager_notify(m, j, JOB_NOTIFY_TRANSFERRED, NULL);
        else if (new_state == BG_JOB_STATE_ERROR)
                manager_notify(m, j, JOB_NOTIFY_ERROR, NULL);
        return 0;
}

/* Record a failure of the job's file `f` (or of no file, f NULL) as the job's error. */
static void scheduler_record_error(Job *j, const JobFile *f, HRESULT hr, BG_ERROR_CONTEXT context,
                                   const char *protocol, const char *description) {
        job_set_error(j, hr, context, f ? (int) f->index : -1, protocol, "%s", description ?: "transfer failed");
        j->error_count++;
}

static int scheduler_on_retry_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Job *j = userdata;
        Manager *m = j->manager;
        usec_t now = now_monotonic_usec();

        if (j->state != BG_JOB_STATE_TRANSIENT_ERROR)
                return 0;  /* the client moved the job on meanwhile */

        /* T9: no progress for NoProgressTimeout seconds: give up. The error stays the last one. */
        if (now >= j->last_progress_usec + (usec_t) j->no_progress_timeout * 1000000ULL) {
                log_notice("Job %s: no progress for %u s, giving up.", j->display_name, j->no_progress_timeout);
                (void) manager_job_event(m, j, JOB_EVENT_NO_PROGRESS_TIMEOUT);
                return 0;
        }
        /* T8: retry. */
        (void) manager_job_event(m, j, JOB_EVENT_RETRY_DUE);
        scheduler_kick(m);
        return 0;
}

void scheduler_arm_retry(Manager *m, Job *j, uint64_t delay_sec) {
        sd_event_source *timer = j->retry_timer;
        usec_t now = now_monotonic_usec(), at, deadline;
        int r;

        /* Retry after the delay, but wake at the no-progress deadline if that comes first. Both on
         * CLOCK_MONOTONIC: moving the wall clock changes neither (behaviour 86). */
        delay_sec = MIN(delay_sec, (uint64_t) m->retry_delay_cap);
        at = now + delay_sec * 1000000ULL;
        deadline = j->last_progress_usec + (usec_t) j->no_progress_timeout * 1000000ULL;
        if (deadline < at)
                at = deadline;

        if (timer) {
                r = sd_event_source_set_time(timer, at);
                if (r >= 0)
                        r = sd_event_source_set_enabled(timer, SD_EVENT_ONESHOT);
        } else {
                r = sd_event_add_time(m->event, &timer, CLOCK_MONOTONIC, at, 1000, scheduler_on_retry_timer, j);
                if (r >= 0) {
                        j->retry_timer = timer;
                        (void) sd_event_source_set_description(timer, "retry");
                }
        }
        if (r < 0)
                log_error_errno(r, "Job %s: cannot arm the retry timer: %m", j->display_name);
}

void scheduler_forget_job(Manager *m, Job *j) {
        j->retry_timer = sd_event_source_disable_unref(j->retry_timer);
}

/* A failure of a request: retry later (TRANSIENT_ERROR) or stop (ERROR). */
static void scheduler_fail(Manager *m, Job *j, const JobFile *f, const TransferOutcome *o) {
        scheduler_record_error(j, f, o->hresult, o->context, o->protocol, o->description);
        log_notice("Job %s: file %d failed: 0x%08X %s%s", j->display_name, f ? (int) f->index : -1,
                   (unsigned) o->hresult, o->description ?: "", o->transient ? " (will retry)" : "");

        /* BITS: NoProgressTimeout 0 means no retries, and a retry delay longer than the
         * no-progress timeout means the job would never retry: both go straight to ERROR. */
        if (o->transient && j->no_progress_timeout > 0 &&
            MIN(j->minimum_retry_delay, m->retry_delay_cap) <= j->no_progress_timeout) {
                if (manager_job_event(m, j, JOB_EVENT_TRANSIENT_ERROR) >= 0)
                        scheduler_arm_retry(m, j, o->retry_after != UINT64_MAX ? o->retry_after : j->minimum_retry_delay);
        } else
                (void) manager_job_event(m, j, JOB_EVENT_FATAL_ERROR);
        scheduler_kick(m);
}

/* Start the job's next request (next file, or next range of the file); the job is TRANSFERRING. */
static void scheduler_start_next_file(Manager *m, Job *j) {
        JobFile *f;
        int r;

        for (;;) {
                f = job_next_file(j);
                if (!f) {
                        (void) manager_job_event(m, j, JOB_EVENT_ALL_FILES_DONE);
                        log_info("Job %s transferred.", j->display_name);
                        return;
                }
                if (!f->local_path || !f->local_path[0]) {
                        /* A file added through IDeliveryOptimizationJob2::AddFile while the job
                         * was running, before its DownloadSinkFilePath was set. */
                        TransferOutcome o = {
                                .hresult = DO_E_LOCALPATH_NOT_SET,
                                .context = BG_ERROR_CONTEXT_LOCAL_FILE,
                                .retry_after = UINT64_MAX,
                                .description = "the file has no local path (DownloadSinkFilePath)",
                        };
                        scheduler_fail(m, j, f, &o);
                        return;
                }
                if (f->integrity_mandatory && !f->has_sha256) {
                        TransferOutcome o = {
                                .hresult = BG_E_VALIDATION_FAILED,
                                .context = BG_ERROR_CONTEXT_LOCAL_FILE,
                                .retry_after = UINT64_MAX,
                                .description = "IntegrityCheckMandatory is set but the file has no SHA-256",
                        };
                        scheduler_fail(m, j, f, &o);
                        return;
                }

                r = transfer_start(m, f, NULL);
                if (r == -ENOENT && f->n_ranges > 0) {
                        /* Every range is already on disk (a restart after the last byte). */
                        f->transferred = true;
                        (void) store_save_file_progress(m->store, f);
                        continue;
                }
                break;
        }

        if (r == -ERANGE) {
                TransferOutcome o = {
                        .hresult = DO_E_INVALID_RANGE,
                        .context = BG_ERROR_CONTEXT_REMOTE_FILE,
                        .retry_after = UINT64_MAX,
                        .description = "a range lies outside the remote file",
                };
                scheduler_fail(m, j, f, &o);
        } else if (r < 0) {
                char description[512];
                TransferOutcome o = {
                        .hresult = hresult_from_errno(r),
                        .context = BG_ERROR_CONTEXT_LOCAL_FILE,
                        .retry_after = UINT64_MAX,
                        .description = description,
                };

                errno = -r;
                snprintf(description, sizeof description, "%s: %m", f->temp_path);
                scheduler_fail(m, j, f, &o);
        }
}

void transfer_finished(Manager *m, JobFile *f, const TransferOutcome *o) {
        Job *j = f->job;

        if (j->state != BG_JOB_STATE_TRANSFERRING && j->state != BG_JOB_STATE_CONNECTING)
                return;  /* the client moved the job on meanwhile; the transfer was already stopped */

        if (o->restart) {
                /* The server's copy changed: the file starts over at once. A server whose file
                 * changes at every request would loop: after a few tries it is a transient error. */
                if (++j->restarts <= 5) {
                        scheduler_start_next_file(m, j);
                        return;
                }
                TransferOutcome e = *o;
                e.hresult = BG_E_LOCAL_FILE_CHANGED;  /* nearest BITS code: the copy keeps changing */
                e.context = BG_ERROR_CONTEXT_REMOTE_FILE;
                e.transient = true;
                e.description = "the remote file changed at every request";
                j->restarts = 0;
                scheduler_fail(m, j, f, &e);
                return;
        }

        if (SUCCEEDED(o->hresult)) {
                j->restarts = 0;
                if (f->transferred)
                        manager_notify(m, j, JOB_NOTIFY_FILE_TRANSFERRED, f);
                scheduler_start_next_file(m, j);
                scheduler_kick(m);
                return;
        }

        scheduler_fail(m, j, f, o);
}

static void scheduler_start_job(Manager *m, Job *j) {
        if (manager_job_event(m, j, JOB_EVENT_START) < 0)
                return;
        j->start_seq = ++m->queued_seq;   /* one counter for both: stamps only order events */
        /* T4: the error object is dropped on entering TRANSFERRING. */
        job_clear_error(j);
        (void) manager_save_job(m, j);
        scheduler_start_next_file(m, j);
}

static void scheduler_preempt_job(Manager *m, Job *j) {
        transfer_stop(j->transfer);
        (void) manager_job_event(m, j, JOB_EVENT_PREEMPT);
}

/* One pass: start what fits, in the order of schedule-order.c. Among queued jobs of one priority
 * the owner with the fewest running jobs (any priority, recounted as jobs start) goes first, then
 * FIFO; across priorities the order is the old one, so FOREGROUND still comes first and a higher
 * priority still pre-empts a strictly lower one.
 *
 * Cost, n = n_jobs (≤ MaxJobsPerMachine, 100000 at most), k = distinct owners with queued jobs:
 * O(n) to collect, O(n log n) to sort and index the owners (schedule_order_init), O(log k) per
 * running job to count it, O(k) per job started (schedule_order_next), and O(n) per pre-emption to
 * find the victim, as before. A pass starts at most the free slots plus the pre-emptions (a few;
 * FOREGROUND jobs are capped by MaxConnections), so it stays O(n log n + slots·(k + n)). */
static void scheduler_pass(Manager *m) {
        _cleanup_free_ ScheduleEntry *queued = NULL;
        ScheduleOrder order;
        ScheduleEntry *e;
        size_t n_queued = 0;
        unsigned running_bg = 0, running = 0;

        queued = calloc(m->n_jobs ?: 1, sizeof(ScheduleEntry));
        if (!queued) {
                log_oom();
                return;
        }

        for (size_t i = 0; i < m->n_jobs; i++) {
                Job *j = m->jobs[i];

                if (j->state == BG_JOB_STATE_QUEUED)
                        queued[n_queued++] = (ScheduleEntry) {
                                .priority = (unsigned) j->priority,
                                .owner = j->owner,
                                .queued_seq = j->queued_seq,
                                .data = j,
                        };
                else if (job_state_is_running(j->state)) {
                        running++;
                        if (job_is_background(j))
                                running_bg++;
                }
        }
        if (n_queued == 0)
                return;
        if (schedule_order_init(&order, queued, n_queued) < 0) {
                log_oom();
                return;
        }
        for (size_t i = 0; i < m->n_jobs; i++) {
                if (job_state_is_running(m->jobs[i]->state))
                        schedule_order_add_running(&order, m->jobs[i]->owner, +1);
                if (m->jobs[i]->start_seq > 0)
                        schedule_order_note_start(&order, m->jobs[i]->owner, m->jobs[i]->start_seq);
        }

        /* schedule_order_next() counts each job it hands out as running for its owner: the loop
         * either starts it or stops. */
        while ((e = schedule_order_next(&order))) {
                Job *j = e->data;

                if (!job_is_background(j)) {
                        if (running >= m->limits.max_connections)
                                break;  /* sorted: FOREGROUND first, and nobody else fits either */
                        scheduler_start_job(m, j);
                        running++;
                        continue;
                }
                if (running_bg < m->max_background_transfers && running < m->limits.max_connections) {
                        scheduler_start_job(m, j);
                        running_bg++;
                        running++;
                        continue;
                }

                /* No slot: pre-empt the lowest-priority running background job, newest first, if
                 * it is strictly below this one. */
                Job *victim = NULL;
                for (size_t k = 0; k < m->n_jobs; k++) {
                        Job *r = m->jobs[k];
                        if (!job_state_is_running(r->state) || !job_is_background(r))
                                continue;
                        if (r->priority <= j->priority)
                                continue;
                        if (!victim || r->priority > victim->priority ||
                            (r->priority == victim->priority && r->queued_seq > victim->queued_seq))
                                victim = r;
                }
                if (!victim)
                        break;  /* sorted by priority: nobody later can pre-empt either */
                log_debug("Job %s pre-empts job %s", j->display_name, victim->display_name);
                scheduler_preempt_job(m, victim);
                schedule_order_add_running(&order, victim->owner, -1);
                scheduler_start_job(m, j);
        }
        schedule_order_done(&order);
}

static int scheduler_on_defer(sd_event_source *s, void *userdata) {
        Manager *m = userdata;

        (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
        scheduler_pass(m);
        return 0;
}

void scheduler_kick(Manager *m) {
        int r;

        if (!m->schedule_event) {
                r = sd_event_add_defer(m->event, &m->schedule_event, scheduler_on_defer, m);
                if (r < 0) {
                        log_error_errno(r, "Failed to schedule a scheduler pass: %m");
                        return;
                }
                (void) sd_event_source_set_description(m->schedule_event, "scheduler");
        }
        (void) sd_event_source_set_enabled(m->schedule_event, SD_EVENT_ONESHOT);
}
