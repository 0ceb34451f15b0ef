/* manager.c: the daemon's root object (see manager.h): set-up, the job table, loading and crash
 * repair at start, purging of final jobs, orderly shutdown. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus.h"
#include "curl-glue.h"
#include "files.h"
#include "log.h"
#include "macro.h"
#include "manager.h"
#include "notify.h"
#include "paths.h"
#include "queue.h"
#include "transfer.h"

#define MANAGER_PURGE_INTERVAL_USEC (3600ULL * 1000000ULL)   /* look for old final jobs hourly */
#define MANAGER_FINAL_RETENTION_USEC (86400ULL * 1000000ULL) /* final jobs stay reachable a day */
#define MANAGER_JOB_LIFETIME_USEC (30ULL * 86400ULL * 1000000ULL) /* T17: DO removes jobs 30 days old */
#define MANAGER_CHECKPOINT_BYTES_DEFAULT (32ULL << 20)
#define MANAGER_CHECKPOINT_USEC_DEFAULT (2ULL * 1000000ULL)
#define MANAGER_MAX_BACKGROUND_DEFAULT 4u
#define MANAGER_STALL_TIMEOUT_SEC_DEFAULT 60u
#define MANAGER_LOCK_ATTEMPTS 60u                            /* × 50 ms: 3 s for a dying daemon */
#define MANAGER_LOCK_RETRY_USEC 50000u

static uint64_t env_u64(const char *name, uint64_t def) {
        const char *v = getenv(name);
        char *end;
        unsigned long long x;

        if (!v || !v[0])
                return def;
        errno = 0;
        x = strtoull(v, &end, 10);
        if (errno != 0 || *end != '\0') {
                log_warning("Ignoring invalid %s=%s.", name, v);
                return def;
        }
        return x;
}

int manager_new(Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        m = calloc(1, sizeof *m);
        if (!m)
                return -ENOMEM;
        m->lock_fd = -EBADF;
        m->limits = LIMITS_DEFAULT;
        m->max_background_transfers = (unsigned) env_u64("DOSVC_MAX_BACKGROUND", MANAGER_MAX_BACKGROUND_DEFAULT);
        if (m->max_background_transfers == 0)
                m->max_background_transfers = 1;
        m->checkpoint_bytes = env_u64("DOSVC_CHECKPOINT_BYTES", MANAGER_CHECKPOINT_BYTES_DEFAULT);
        m->checkpoint_usec = env_u64("DOSVC_CHECKPOINT_MSEC", MANAGER_CHECKPOINT_USEC_DEFAULT / 1000) * 1000;
        /* Test only: lets a test restart the daemon "31 days later" (behaviour 85). */
        m->clock_offset_usec = env_u64("DOSVC_TEST_CLOCK_OFFSET_SEC", 0) * 1000000ULL;
        if (m->clock_offset_usec > 0)
                log_warning("DOSVC_TEST_CLOCK_OFFSET_SEC is set: job ages are judged %llu s in the future.",
                            (unsigned long long) (m->clock_offset_usec / 1000000ULL));
        m->stall_usec = env_u64("DOSVC_STALL_TIMEOUT_SEC", MANAGER_STALL_TIMEOUT_SEC_DEFAULT) * 1000000ULL;
        if (m->stall_usec == 0)
                m->stall_usec = 1000000ULL;
        m->retry_delay_cap = (uint32_t) MIN(env_u64("DOSVC_RETRY_DELAY_CAP_SEC", UINT32_MAX), (uint64_t) UINT32_MAX);

        r = sd_event_default(&m->event);
        if (r < 0)
                return r;
        r = curl_glue_new(m->event, &m->glue);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        /* Stop transfers first: each checkpoints its bytes, so a restart resumes from there. */
        for (size_t i = 0; i < m->n_jobs; i++) {
                if (m->jobs[i]->transfer)
                        transfer_stop(m->jobs[i]->transfer);
                scheduler_forget_job(m, m->jobs[i]);
        }
        bus_server_free(m->bus);
        notify_free(m);
        for (size_t i = 0; i < m->n_jobs; i++)
                job_free(m->jobs[i]);
        free(m->jobs);
        curl_glue_free(m->glue);
        sd_event_source_disable_unref(m->schedule_event);
        sd_event_source_disable_unref(m->purge_timer);
        store_close(m->store);
        sd_event_unref(m->event);
        safe_close(m->lock_fd);
        free(m->runtime_dir);
        free(m->state_dir);
        free(m);
        return NULL;
}

Job *manager_find_job(Manager *m, const sd_id128_t *id) {
        for (size_t i = 0; i < m->n_jobs; i++)
                if (sd_id128_equal(m->jobs[i]->id, *id))
                        return m->jobs[i];
        return NULL;
}

int manager_add_job(Manager *m, Job *j) {
        Job **n = realloc(m->jobs, (m->n_jobs + 1) * sizeof(Job *));

        if (!n)
                return -ENOMEM;
        m->jobs = n;
        m->jobs[m->n_jobs++] = j;
        j->manager = m;
        return 0;
}

/* Everything of removing a job but the table: its transfer, retry timer and waiting notify command
 * lines go, then the job. */
static void manager_release_job(Manager *m, Job *j) {
        if (j->transfer)
                transfer_abort(j->transfer);
        scheduler_forget_job(m, j);
        notify_job_forget(m, j);
        job_free(j);
}

void manager_remove_job(Manager *m, Job *j) {
        for (size_t i = 0; i < m->n_jobs; i++) {
                if (m->jobs[i] != j)
                        continue;
                memmove(m->jobs + i, m->jobs + i + 1, (m->n_jobs - i - 1) * sizeof(Job *));
                m->n_jobs--;
                break;
        }
        manager_release_job(m, j);
}

int manager_save_job(Manager *m, Job *j) {
        int r = store_save_job(m->store, j);

        if (r < 0)
                log_error_errno(r, "Failed to store job %s: %m", j->display_name);
        return r;
}

void manager_touch_job(Manager *m, Job *j) {
        manager_touch_job_at(m, j, now_realtime_usec());
}

void manager_touch_job_at(Manager *m, Job *j, usec_t now) {
        /* ModificationTime never goes backwards, even when the wall clock does. */
        if (now > j->modification_time)
                j->modification_time = now;
        (void) manager_save_job(m, j);
        manager_notify(m, j, JOB_NOTIFY_MODIFIED, NULL);
}

usec_t manager_now_for_ages(Manager *m) {
        return now_realtime_usec() + m->clock_offset_usec;
}

void manager_expire_jobs(Manager *m) {
        usec_t now = manager_now_for_ages(m);
        _cleanup_free_ Job **due = NULL;
        size_t n_due = 0;

        /* Expiring a job makes it final, and that may purge older final jobs (manager_trim_final_jobs),
         * which moves the table: take the jobs due first. Only final jobs are ever purged, and a job
         * due is not final until its turn, so the pointers hold. */
        if (m->n_jobs == 0)
                return;
        due = malloc(m->n_jobs * sizeof(Job *));
        if (!due) {
                log_oom();
                return;
        }
        for (size_t i = 0; i < m->n_jobs; i++) {
                Job *j = m->jobs[i];

                /* A final job has already left the queue; the purge removes it a day later. */
                if (job_state_is_final(j->state) || j->creation_time + MANAGER_JOB_LIFETIME_USEC > now)
                        continue;
                due[n_due++] = j;
        }
        for (size_t i = 0; i < n_due; i++)
                (void) queue_job_expire(m, due[i]);
}

static int final_newest_first(const void *a, const void *b) {
        const Job *x = *(Job *const *) a, *y = *(Job *const *) b;

        if (x->final_time != y->final_time)
                return x->final_time > y->final_time ? -1 : 1;
        return memcmp(&x->id, &y->id, sizeof x->id);   /* a total order: the same choice every time */
}

static int final_by_owner(const void *a, const void *b) {
        const Job *x = *(Job *const *) a, *y = *(Job *const *) b;

        if (x->owner != y->owner)
                return x->owner < y->owner ? -1 : 1;
        return final_newest_first(a, b);
}

static int compare_pointers(const void *a, const void *b) {
        uintptr_t x = (uintptr_t) *(void *const *) a, y = (uintptr_t) *(void *const *) b;

        return x < y ? -1 : x > y;
}

/* Deletes the final jobs `drop` (no duplicates) from the store, then from memory; returns how many
 * went. Only a job gone from the store leaves memory: one still stored would come back at the next
 * start. Several go in one transaction (one fsync) and one pass over the table. */
static size_t manager_drop_final_jobs(Manager *m, Job **drop, size_t n_drop) {
        size_t n_done = 0, k = 0;
        int r = 0;

        if (n_drop == 0)
                return 0;
        if (n_drop > 1 && store_begin(m->store) >= 0) {
                for (size_t i = 0; i < n_drop && r >= 0; i++)
                        r = store_delete_job(m->store, &drop[i]->id);
                if (r >= 0)
                        r = store_commit(m->store);
                if (r < 0) {
                        (void) store_rollback(m->store);
                        log_warning_errno(r, "Failed to delete %zu final job(s) from the store, keeping them: %m",
                                          n_drop);
                        return 0;
                }
        } else
                for (size_t i = 0; i < n_drop; i++)
                        if (store_delete_job(m->store, &drop[i]->id) < 0)
                                drop[i] = NULL;   /* stays, in memory and in the store */

        qsort(drop, n_drop, sizeof(Job *), compare_pointers);
        for (size_t i = 0; i < m->n_jobs; i++) {
                Job *j = m->jobs[i];

                if (bsearch(&j, drop, n_drop, sizeof(Job *), compare_pointers)) {
                        manager_release_job(m, j);
                        n_done++;
                } else
                        m->jobs[k++] = j;
        }
        m->n_jobs = k;
        return n_done;
}

void manager_trim_final_jobs(Manager *m, Job *keep) {
        size_t user_cap = MAX(m->limits.max_jobs_per_user, 1u), machine_cap = MAX(m->limits.max_jobs_per_machine, 1u);
        _cleanup_free_ Job **final = NULL, **drop = NULL;
        size_t n_final = 0, n_drop = 0, n_keep_owner = 0, k = 0;

        if (keep) {
                /* The common case, O(n): nobody over the caps. Only keep's owner and the machine got
                 * one more final job since the last trim. */
                for (size_t i = 0; i < m->n_jobs; i++)
                        if (job_state_is_final(m->jobs[i]->state)) {
                                n_final++;
                                if (m->jobs[i]->owner == keep->owner)
                                        n_keep_owner++;
                        }
                if (n_keep_owner <= user_cap && n_final <= machine_cap)
                        return;
                n_final = 0;
        }
        if (m->n_jobs == 0)
                return;
        final = malloc(m->n_jobs * sizeof(Job *));
        drop = malloc(m->n_jobs * sizeof(Job *));
        if (!final || !drop) {
                log_oom();
                return;
        }
        /* keep (the job that just became final, which the caller still uses) never goes; it takes
         * one place of its owner's allowance and of the machine's. */
        for (size_t i = 0; i < m->n_jobs; i++)
                if (job_state_is_final(m->jobs[i]->state) && m->jobs[i] != keep)
                        final[n_final++] = m->jobs[i];

        /* Per owner, root included: the newest user_cap stay. */
        qsort(final, n_final, sizeof(Job *), final_by_owner);
        for (size_t i = 0, rank = 0; i < n_final; i++) {
                size_t allowed = user_cap - (keep && keep->owner == final[i]->owner ? 1 : 0);

                rank = i > 0 && final[i - 1]->owner == final[i]->owner ? rank + 1 : 0;
                if (rank >= allowed)
                        drop[n_drop++] = final[i];
                else
                        final[k++] = final[i];
        }
        n_final = k;

        /* The machine: the newest machine_cap of those left stay. */
        if (n_final + (keep ? 1 : 0) > machine_cap) {
                size_t allowed = machine_cap - (keep ? 1 : 0);

                qsort(final, n_final, sizeof(Job *), final_newest_first);
                for (size_t i = allowed; i < n_final; i++)
                        drop[n_drop++] = final[i];
        }
        if (n_drop == 0)
                return;
        k = manager_drop_final_jobs(m, drop, n_drop);
        if (keep)
                log_debug("Purged %zu old final job(s): at most %zu per user and %zu in all are kept.", k, user_cap,
                          machine_cap);
        else
                log_info("Purged %zu old final job(s): at most %zu per user and %zu in all are kept.", k, user_cap,
                         machine_cap);
}

static void manager_purge_final_jobs(Manager *m) {
        usec_t now = manager_now_for_ages(m);
        _cleanup_free_ Job **drop = NULL;
        size_t n_drop = 0;

        if (m->n_jobs > 0) {
                drop = malloc(m->n_jobs * sizeof(Job *));
                if (!drop) {
                        log_oom();
                        return;
                }
        }
        for (size_t i = 0; i < m->n_jobs; i++) {
                Job *j = m->jobs[i];

                if (job_state_is_final(j->state) && j->final_time + MANAGER_FINAL_RETENTION_USEC <= now)
                        drop[n_drop++] = j;
        }
        (void) manager_drop_final_jobs(m, drop, n_drop);
        /* The caps too: limits lowered since the last start, or jobs from an older daemon. */
        manager_trim_final_jobs(m, NULL);
}

static int manager_on_purge_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        manager_expire_jobs(m);
        manager_purge_final_jobs(m);
        (void) sd_event_source_set_time_relative(s, MANAGER_PURGE_INTERVAL_USEC);
        (void) sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
        return 0;
}

/* After a crash (or a clean stop) a job that was transferring is queued again, and every temp
 * file longer than its stored offset is cut back to it: those bytes were never fsync'ed. */
static void manager_repair_job(Manager *m, Job *j) {
        _cleanup_(fs_user_done) FsUser user = FS_USER_NULL;

        (void) fs_user_init(&user, j->file_owner);   /* on failure FS_USER_NULL: files_open_temp() refuses */
        for (size_t i = 0; i < j->n_files; i++) {
                JobFile *f = j->files[i];
                _cleanup_close_ int fd = -EBADF;
                struct stat st;
                int r;

                if (f->completed || job_state_is_final(j->state) || !f->temp_path[0])
                        continue;
                /* Opened with the owner's rights, never through a symlink, FIFO or device, and cut
                 * through the descriptor (truncate() by path would follow a swapped-in symlink). */
                r = files_open_temp(&user, f->temp_path, false, &fd);
                if (r >= 0 && fstat(fd, &st) < 0)
                        r = -errno;
                if (r < 0) {
                        if (r == -ENOENT && (f->bytes_durable > 0 || f->transferred)) {
                                log_warning("Temp file '%s' is gone; file %u starts over.", f->temp_path, f->index);
                                f->bytes_durable = f->bytes_written = 0;
                                f->transferred = false;
                                (void) store_save_file_progress(m->store, f);
                        }
                        continue;  /* anything else: transfer_start() refuses it and reports the error */
                }
                if ((uint64_t) st.st_size > f->bytes_durable) {
                        if (ftruncate(fd, (off_t) f->bytes_durable) < 0)
                                log_warning_errno(errno, "Failed to cut '%s' back to its stored offset: %m",
                                                  f->temp_path);
                } else if ((uint64_t) st.st_size < f->bytes_durable) {
                        log_warning("Temp file '%s' is shorter than stored; file %u continues from byte %llu.",
                                    f->temp_path, f->index, (unsigned long long) st.st_size);
                        f->bytes_durable = f->bytes_written = (uint64_t) st.st_size;
                        f->transferred = false;
                        (void) store_save_file_progress(m->store, f);
                }
        }

        if (job_state_is_running(j->state)) {
                j->state = BG_JOB_STATE_QUEUED;
                (void) manager_save_job(m, j);
        }
        if (j->state == BG_JOB_STATE_QUEUED)
                j->queued_seq = ++m->queued_seq;
        /* Monotonic times do not survive a restart: the no-progress timer starts again now, and a
         * job waiting to retry waits its retry delay again. */
        j->last_progress_usec = now_monotonic_usec();
        if (j->state == BG_JOB_STATE_TRANSIENT_ERROR)
                scheduler_arm_retry(m, j, j->minimum_retry_delay);
}

/* dosvc.conf (conf.h): the limits. A bad file stops the start (the error names file:line); a
 * missing one gives the defaults. $DOSVC_MAX_BACKGROUND, when set, still wins (tests). */
static int manager_load_config(Manager *m, bool system_mode) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = conf_path(system_mode, &path);
        if (r == -ENXIO)
                return 0;
        if (r < 0)
                return log_error_errno(r, "Failed to find the configuration file: %m");
        r = conf_load(path, &m->limits);
        if (r < 0)
                return log_error_errno(r, "Refusing to start with the configuration file '%s'.", path);
        if (!getenv("DOSVC_MAX_BACKGROUND"))
                m->max_background_transfers = m->limits.max_background_transfers;
        curl_glue_set_limits(m->glue, m->limits.max_redirects, m->limits.max_response_bytes);
        return 0;
}

int manager_load(Manager *m) {
        _cleanup_free_ char *db = NULL, *lock = NULL, *socket_path = NULL, *pid_path = NULL;
        Job **jobs = NULL;
        size_t n_jobs = 0;
        FILE *pidf;
        int r;

        r = manager_load_config(m, m->system_mode);
        if (r < 0)
                return r;

        r = m->system_mode ? paths_system_runtime_dir(&m->runtime_dir) : paths_runtime_dir(&m->runtime_dir);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the runtime directory: %m");
        r = m->system_mode ? paths_system_state_dir(&m->state_dir) : paths_state_dir(&m->state_dir);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the state directory: %m");

        /* One daemon per runtime dir: the lock, not the socket file, says who owns it. */
        if (asprintf(&lock, "%s/daemon.lock", m->runtime_dir) < 0)
                return log_oom();
        m->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (m->lock_fd < 0)
                return log_error_errno(errno, "Failed to open '%s': %m", lock);
        /* A daemon killed a moment ago may still hold the lock while the kernel tears it down, and
         * a client that saw it die starts us right away: wait a little (bounded) before deciding
         * that a live daemon owns the directory. */
        for (unsigned attempt = 0;; attempt++) {
                if (flock(m->lock_fd, LOCK_EX | LOCK_NB) >= 0)
                        break;
                if (errno != EWOULDBLOCK)
                        return log_error_errno(errno, "Failed to lock '%s': %m", lock);
                if (attempt >= MANAGER_LOCK_ATTEMPTS)
                        return log_error_errno(-EADDRINUSE, "Another dosvc is already running for %s.",
                                               m->runtime_dir);
                (void) usleep(MANAGER_LOCK_RETRY_USEC);
        }

        if (asprintf(&db, "%s/jobs.sqlite", m->state_dir) < 0)
                return log_oom();
        r = store_open(db, &m->store);
        if (r < 0)
                return log_error_errno(r, "Failed to open the job store '%s': %m", db);
        r = store_load_jobs(m->store, &jobs, &n_jobs);
        if (r < 0)
                return log_error_errno(r, "Failed to load jobs from '%s': %m", db);
        m->jobs = jobs;
        m->n_jobs = n_jobs;
        for (size_t i = 0; i < m->n_jobs; i++) {
                m->jobs[i]->manager = m;
                manager_repair_job(m, m->jobs[i]);
        }
        manager_purge_final_jobs(m);
        log_info("Loaded %zu job(s) from %s.", m->n_jobs, db);
        r = notify_start(m);
        if (r < 0)
                return log_error_errno(r, "Failed to set up job notifications: %m");

        /* System mode: the system bus (and our name on it) instead of a socket of our own; the lock
         * above still keeps two daemons off one store. */
        if (m->system_mode)
                r = bus_server_new_system(m, &m->bus);
        else if (asprintf(&socket_path, "%s/bus", m->runtime_dir) < 0)
                return log_oom();
        else
                r = bus_server_new(m, socket_path, &m->bus);
        if (r < 0)
                return r;
        /* T17 at start too (a daemon may have been down for weeks); after the bus exists, since
         * expiring a job notifies. */
        manager_expire_jobs(m);

        if (asprintf(&pid_path, "%s/pid", m->runtime_dir) < 0)
                return log_oom();
        pidf = fopen(pid_path, "we");
        if (!pidf)
                return log_error_errno(errno, "Failed to write '%s': %m", pid_path);
        fprintf(pidf, "%d\n", (int) getpid());
        if (fclose(pidf) != 0)
                return log_error_errno(errno, "Failed to write '%s': %m", pid_path);

        r = sd_event_add_time_relative(m->event, &m->purge_timer, CLOCK_MONOTONIC, MANAGER_PURGE_INTERVAL_USEC,
                                       60ULL * 1000000ULL, manager_on_purge_timer, m);
        if (r < 0)
                return r;

        scheduler_kick(m);
        if (socket_path)
                log_info("Listening on %s.", socket_path);
        return 0;
}

int manager_run(Manager *m) {
        return sd_event_loop(m->event);
}
