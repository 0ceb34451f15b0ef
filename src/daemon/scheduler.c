/* scheduler.c: decides which jobs transfer now, and moves jobs on when a file's transfer ends.
 *
 * Policy (spec §3.1 priorities, DESIGN.md scheduler):
 *   - FOREGROUND jobs start at once and run concurrently with each other;
 *   - background jobs (HIGH, NORMAL, LOW) run up to max_background_transfers at a time, higher
 *     priority first, then first-queued first (queued_seq);
 *   - a queued background job pre-empts a running one of strictly lower priority when no slot is
 *     free (T5: the pre-empted job goes back to QUEUED, its bytes checkpointed);
 *   - files of one job go one at a time in the order added.
 * A pass runs from a deferred event source, so a burst of changes (a client resuming 50 jobs)
 * costs one pass. */
#include <errno.h>
#include <stdlib.h>

#include "hresult.h"
#include "log.h"
#include "macro.h"
#include "manager.h"
#include "transfer.h"

static bool job_is_background(const Job *j) {
        return j->priority != BG_JOB_PRIORITY_FOREGROUND;
}

int manager_job_event(Manager *m, Job *j, JobEvent event) {
        BG_JOB_STATE new_state;
        int r;

        r = job_state_event(j->state, event, &new_state);
        if (r < 0)
                return r;
        if (new_state == j->state)
                return 0;

        log_debug("Job %s: %s → %s (%s)", j->display_name, job_state_to_string(j->state),
                  job_state_to_string(new_state), job_event_to_string(event));
        j->state = new_state;
        if (new_state == BG_JOB_STATE_TRANSFERRED)
                j->transfer_completion_time = now_realtime_usec();
        if (new_state == BG_JOB_STATE_QUEUED)
                j->queued_seq = ++m->queued_seq;
        manager_touch_job(m, j);
        if (new_state == BG_JOB_STATE_TRANSFERRED)
                manager_notify(m, j, JOB_NOTIFY_TRANSFERRED, NULL);
        else if (new_state == BG_JOB_STATE_ERROR)
                manager_notify(m, j, JOB_NOTIFY_ERROR, NULL);
        return 0;
}

/* Start the job's next file; the job is TRANSFERRING. */
static void scheduler_start_next_file(Manager *m, Job *j) {
        JobFile *f = job_next_file(j);
        int r;

        if (!f) {
                (void) manager_job_event(m, j, JOB_EVENT_ALL_FILES_DONE);
                log_info("Job %s (%s) transferred.", j->display_name, j->display_name);
                return;
        }

        r = transfer_start(m, f, NULL);
        if (r < 0) {
                HRESULT hr = hresult_from_errno(r);

                errno = -r;
                job_set_error(j, hr, BG_ERROR_CONTEXT_LOCAL_FILE, (int) f->index, NULL, "%s: %m", f->temp_path);
                j->error_count++;
                (void) manager_job_event(m, j, JOB_EVENT_FATAL_ERROR);
                log_warning_errno(r, "Job %s: cannot open '%s': %m", j->display_name, f->temp_path);
        }
}

void transfer_finished(Manager *m, JobFile *f, HRESULT hr, BG_ERROR_CONTEXT context, const char *protocol,
                       const char *description) {
        Job *j = f->job;

        if (j->state != BG_JOB_STATE_TRANSFERRING && j->state != BG_JOB_STATE_CONNECTING)
                return;  /* the client moved the job on meanwhile; the transfer was already stopped */

        if (SUCCEEDED(hr)) {
                manager_notify(m, j, JOB_NOTIFY_FILE_TRANSFERRED, f);
                scheduler_start_next_file(m, j);
                scheduler_kick(m);
                return;
        }

        job_set_error(j, hr, context, (int) f->index, protocol, "%s", description ?: "transfer failed");
        j->error_count++;
        log_notice("Job %s: file %u failed: 0x%08X %s", j->display_name, f->index, (unsigned) hr,
                   description ?: "");
        (void) manager_job_event(m, j, JOB_EVENT_FATAL_ERROR);
        scheduler_kick(m);
}

static void scheduler_start_job(Manager *m, Job *j) {
        if (manager_job_event(m, j, JOB_EVENT_START) < 0)
                return;
        /* T4: the error object is dropped on entering TRANSFERRING. */
        job_clear_error(j);
        (void) manager_save_job(m, j);
        scheduler_start_next_file(m, j);
}

static void scheduler_preempt_job(Manager *m, Job *j) {
        transfer_stop(j->transfer);
        (void) manager_job_event(m, j, JOB_EVENT_PREEMPT);
}

static int compare_queued(const void *a, const void *b) {
        const Job *x = *(Job *const *) a, *y = *(Job *const *) b;

        if (x->priority != y->priority)
                return (int) x->priority - (int) y->priority;
        return x->queued_seq < y->queued_seq ? -1 : x->queued_seq > y->queued_seq;
}

static void scheduler_pass(Manager *m) {
        _cleanup_free_ Job **queued = NULL;
        size_t n_queued = 0;
        unsigned running_bg = 0;

        queued = calloc(m->n_jobs ?: 1, sizeof(Job *));
        if (!queued) {
                log_oom();
                return;
        }

        for (size_t i = 0; i < m->n_jobs; i++) {
                Job *j = m->jobs[i];

                if (j->state == BG_JOB_STATE_QUEUED)
                        queued[n_queued++] = j;
                else if (job_state_is_running(j->state) && job_is_background(j))
                        running_bg++;
        }
        qsort(queued, n_queued, sizeof(Job *), compare_queued);

        for (size_t i = 0; i < n_queued; i++) {
                Job *j = queued[i];

                if (!job_is_background(j)) {
                        scheduler_start_job(m, j);
                        continue;
                }
                if (running_bg < m->max_background_transfers) {
                        scheduler_start_job(m, j);
                        running_bg++;
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
                        break;  /* sorted: nobody later can pre-empt either */
                log_debug("Job %s pre-empts job %s", j->display_name, victim->display_name);
                scheduler_preempt_job(m, victim);
                scheduler_start_job(m, j);
        }
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
