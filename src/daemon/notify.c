/* notify.c: job notifications (manager_notify() in manager.h, notify.h): the org.dosvc1.Job signals
 * and the notify command lines, honouring each job's notify flags as BITS does.
 *
 * Signals (sent through bus-notify.h, to the subscribed connections of the job's owner and root):
 *   - JobTransferred / JobError when the job enters TRANSFERRED / ERROR, if BG_NOTIFY_JOB_TRANSFERRED /
 *     BG_NOTIFY_JOB_ERROR is set;
 *   - FileTransferred(index) when a file's last byte is on disk, if BG_NOTIFY_FILE_TRANSFERRED is set;
 *   - JobModification(what) for state, file-list and property changes and for bytes moved, if
 *     BG_NOTIFY_JOB_MODIFICATION is set. Changes are collected per job (Job.notify_pending) and sent
 *     from a deferred event source, so a burst of changes in one event-loop iteration is one signal,
 *     and so the change into TRANSFERRED or ERROR, which the core reports as a modification just
 *     before the JOB_NOTIFY_TRANSFERRED/ERROR event, can be taken back (BITS sends no JobModification
 *     for it). Progress alone is rate-limited to one signal per job per NOTIFY_PROGRESS_INTERVAL_USEC
 *     on the monotonic clock; a change that is not progress goes out at once and carries the progress
 *     bit along.
 *   BG_NOTIFY_DISABLE suppresses all of them. The flags are read when the signal is sent.
 *
 * Command lines (IBackgroundCopyJob2::SetNotifyCmdLine): when the job enters TRANSFERRED or ERROR with
 * the matching flag set (and not DISABLE), the daemon runs the program: fork + execve, no shell, argv
 * from Parameters (cmdline.h), as the job's owner (a root daemon drops to the owner's uid, gid and
 * groups in the child first), in a new session, stdin/stdout/stderr on /dev/null, in the owner's home
 * directory, with the environment PATH, HOME, DOSVC_JOB_ID={guid} and DOSVC_JOB_STATE=TRANSFERRED or
 * ERROR. At most MaxNotificationsPerUser (dosvc.conf, default NOTIFY_CMDLINE_PER_USER_MAX) run at
 * once per owner; the others wait in FIFO order, at most NOTIFY_CMDLINE_WAITING_PER_USER_MAX per
 * owner. As in BITS, a program that exits with a status other than 0 while the job still rests in
 * the state it announced is run again after the job's minimum retry delay.
 *
 * One run per job and state: a new request (the job re-entering the state, SetNotifyCmdLine again)
 * while one is queued or waiting to retry is that run, which reads the program and parameters from
 * the job when it starts; while one is running it is marked to run once more after it exits. A run
 * starts (first time or retry) only if the job still exists, rests in the state, wants the
 * notification, has a command line and has the owner it had when the run was queued: so a queued run
 * never outlives a Cancel, and a former owner's program never runs as the new one. A job that
 * becomes final drops its runs not yet started at once (notify_job_forget). The daemon knows nothing of a
 * client's in-process callbacks, so a command line runs whether or not a callback is registered
 * (BITS prefers the callback; docs/dbus-api.md).
 *
 * Children are reaped through sd_event_add_child(); notify_start() blocks SIGCHLD for that. Between
 * fork() and execve() the child only makes async-signal-safe calls: everything it needs (argv, the
 * environment, the owner's groups) is prepared before the fork. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <systemd/sd-event.h>

#include "bus-notify.h"
#include "cmdline.h"
#include "log.h"
#include "macro.h"
#include "notify.h"

#define NOTIFY_USEC_PER_SEC 1000000ULL
#define NOTIFY_PROGRESS_ACCURACY_USEC (50ULL * 1000ULL)
#define NOTIFY_RETRY_ACCURACY_USEC NOTIFY_USEC_PER_SEC
#define NOTIFY_CMDLINE_ENV_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define NOTIFY_GROUPS_MAX 65536

typedef struct Launch Launch;

/* One run of a job's notify command line: queued (pid 0, no timer), running (pid > 0) or waiting
 * for its retry time (timer set). At most one per (job, state, owner). Refers to the job by id: the
 * job may go away meanwhile. */
struct Launch {
        Notifier *notifier;
        sd_id128_t job_id;
        uid_t owner;                       /* the job's owner when queued: it runs as this uid only */
        BG_JOB_STATE state;                /* TRANSFERRED or ERROR: what the run announces */
        bool again;                        /* asked for again while running: queue it again at exit */
        pid_t pid;
        sd_event_source *child;
        sd_event_source *timer;
        Launch *prev, *next;
};

struct Notifier {
        Manager *manager;
        sd_event_source *flush_event;      /* deferred: sends the JobModification signals due */
        sd_event_source *progress_timer;   /* the next rate-limited progress JobModification */
        usec_t progress_due;               /* when progress_timer fires; USEC_INFINITY when off */
        Launch *launches, *launches_tail;  /* FIFO */
        unsigned n_launches;
};

static bool job_wants(const Job *j, uint32_t flag) {
        return !(j->notify_flags & BG_NOTIFY_DISABLE) && (j->notify_flags & flag);
}

static uint32_t state_flag(BG_JOB_STATE state) {
        return state == BG_JOB_STATE_TRANSFERRED ? BG_NOTIFY_JOB_TRANSFERRED : BG_NOTIFY_JOB_ERROR;
}

static bool job_has_cmdline(const Job *j) {
        return j->notify_cmdline_program && j->notify_cmdline_program[0];
}

static void job_track(Job *j) {
        j->notify_tracked = true;
        j->notify_state = j->state;
        j->notify_n_files = j->n_files;
}

/* ---- JobModification -------------------------------------------------------------------- */

/* What changed since the last report. A job never seen before was created after notify_start(),
 * so it started SUSPENDED with no files. */
static uint32_t modification_bits(Job *j) {
        BG_JOB_STATE prev_state = j->notify_tracked ? j->notify_state : BG_JOB_STATE_SUSPENDED;
        size_t prev_files = j->notify_tracked ? j->notify_n_files : 0;
        uint32_t bits = 0;

        if (j->state != prev_state)
                bits |= JOB_MODIFICATION_STATE;
        if (j->n_files != prev_files)
                bits |= JOB_MODIFICATION_FILES;
        job_track(j);
        return bits ?: JOB_MODIFICATION_PROPERTIES;
}

static int on_progress_timer(sd_event_source *s, uint64_t usec, void *userdata);

static void progress_timer_arm(Notifier *n, usec_t due) {
        int r;

        if (due == USEC_INFINITY || (n->progress_due != USEC_INFINITY && n->progress_due <= due))
                return;
        if (!n->progress_timer) {
                r = sd_event_add_time(n->manager->event, &n->progress_timer, CLOCK_MONOTONIC, due,
                                      NOTIFY_PROGRESS_ACCURACY_USEC, on_progress_timer, n);
                if (r < 0) {
                        log_warning_errno(r, "Failed to set up the progress notification timer, ignoring: %m");
                        return;
                }
                (void) sd_event_source_set_description(n->progress_timer, "notify-progress");
        } else {
                r = sd_event_source_set_time(n->progress_timer, due);
                if (r < 0) {
                        log_warning_errno(r, "Failed to arm the progress notification timer, ignoring: %m");
                        return;
                }
        }
        (void) sd_event_source_set_enabled(n->progress_timer, SD_EVENT_ONESHOT);
        n->progress_due = due;
}

/* Sends what is due for j; a progress-only change that is not due yet moves *next_due. */
static void flush_job(Notifier *n, Job *j, usec_t now, usec_t *next_due) {
        uint32_t bits = j->notify_pending;

        if (bits == 0)
                return;
        if (bits == JOB_MODIFICATION_PROGRESS && j->notify_progress_usec != 0 &&
            now < j->notify_progress_usec + NOTIFY_PROGRESS_INTERVAL_USEC) {
                *next_due = MIN(*next_due, j->notify_progress_usec + NOTIFY_PROGRESS_INTERVAL_USEC);
                return;
        }
        j->notify_pending = 0;
        if (bits & JOB_MODIFICATION_PROGRESS)
                j->notify_progress_usec = now;
        if (job_wants(j, BG_NOTIFY_JOB_MODIFICATION))
                bus_notify_job_modification(n->manager, j, bits);
}

static void flush_all(Notifier *n) {
        Manager *m = n->manager;
        usec_t now = now_monotonic_usec(), next = USEC_INFINITY;

        for (size_t i = 0; i < m->n_jobs; i++)
                flush_job(n, m->jobs[i], now, &next);
        progress_timer_arm(n, next);
}

static int on_flush(sd_event_source *s, void *userdata) {
        flush_all(userdata);
        return 0;
}

static int on_progress_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Notifier *n = userdata;

        n->progress_due = USEC_INFINITY;
        flush_all(n);
        return 0;
}

static void flush_kick(Notifier *n) {
        (void) sd_event_source_set_enabled(n->flush_event, SD_EVENT_ONESHOT);
}

/* ---- command lines ---------------------------------------------------------------------- */

static void launch_free(Launch *l) {
        Notifier *n;

        if (!l)
                return;
        n = l->notifier;
        if (l->prev)
                l->prev->next = l->next;
        else
                n->launches = l->next;
        if (l->next)
                l->next->prev = l->prev;
        else
                n->launches_tail = l->prev;
        n->n_launches--;
        /* A child still running (only at shutdown) is left to finish: it is in its own session. */
        sd_event_source_disable_unref(l->child);
        sd_event_source_disable_unref(l->timer);
        free(l);
}

static unsigned launches_running(Notifier *n, uid_t owner) {
        unsigned k = 0;

        for (Launch *l = n->launches; l; l = l->next)
                if (l->pid > 0 && l->owner == owner)
                        k++;
        return k;
}

static unsigned launches_waiting(Notifier *n, uid_t owner) {
        unsigned k = 0;

        for (Launch *l = n->launches; l; l = l->next)
                if (l->pid <= 0 && l->owner == owner)
                        k++;
        return k;
}

/* The job of `l` if the run is still wanted: the job exists, rests in the state the run announces
 * with the flag set, has a command line, and has the owner it had when the run was queued. */
static Job *launch_job(Launch *l) {
        Job *j = manager_find_job(l->notifier->manager, &l->job_id);

        if (!j || j->state != l->state || !job_wants(j, state_flag(l->state)) || !job_has_cmdline(j) ||
            j->owner != l->owner)
                return NULL;
        return j;
}

/* Everything the child needs, prepared before fork(). */
typedef struct LaunchExec {
        const char *program;
        char **argv;
        char *env[5];
        char *home;
        bool drop;                         /* change to uid/gid/groups (a root daemon, another owner) */
        uid_t uid;
        gid_t gid;
        gid_t *groups;
        int n_groups;
} LaunchExec;

static void launch_exec_done(LaunchExec *e) {
        cmdline_free(e->argv);
        for (size_t i = 0; i < ELEMENTSOF(e->env); i++)
                free(e->env[i]);
        free(e->home);
        free(e->groups);
}

/* The owner's passwd entry: home, name and primary group. -ENOENT when there is none. */
static int user_lookup(uid_t uid, char **ret_home, char **ret_name, gid_t *ret_gid) {
        long size = sysconf(_SC_GETPW_R_SIZE_MAX);
        struct passwd pw, *result = NULL;
        _cleanup_free_ char *buf = NULL;
        int r;

        if (size <= 0)
                size = 16384;
        for (;;) {
                buf = malloc((size_t) size);
                if (!buf)
                        return -ENOMEM;
                r = getpwuid_r(uid, &pw, buf, (size_t) size, &result);
                if (r != ERANGE || size > (1L << 20))
                        break;
                size *= 2;
                buf = mfree(buf);
        }
        if (r != 0)
                return -r;
        if (!result)
                return -ENOENT;
        *ret_home = strdup(pw.pw_dir && pw.pw_dir[0] == '/' ? pw.pw_dir : "/");
        *ret_name = strdup(pw.pw_name ?: "");
        if (!*ret_home || !*ret_name) {
                *ret_home = mfree(*ret_home);
                *ret_name = mfree(*ret_name);
                return -ENOMEM;
        }
        *ret_gid = pw.pw_gid;
        return 0;
}

static int launch_prepare(const Job *j, BG_JOB_STATE state, LaunchExec *e) {
        _cleanup_free_ char *name = NULL;
        char id[JOB_ID_STRING_MAX];
        uid_t euid = geteuid();
        gid_t gid = 0;
        int r;

        e->program = j->notify_cmdline_program;
        r = cmdline_split(j->notify_cmdline_parameters, &e->argv);
        if (r < 0)
                return r;
        if (r == 0) {
                /* No Parameters: the program alone, as its own argv[0]. */
                char **argv = calloc(2, sizeof(char *));

                if (!argv)
                        return -ENOMEM;
                cmdline_free(e->argv);
                e->argv = argv;
                argv[0] = strdup(j->notify_cmdline_program);
                if (!argv[0])
                        return -ENOMEM;
        }

        r = user_lookup(j->owner, &e->home, &name, &gid);
        if (r == -ENOENT && j->owner == euid) {
                /* No passwd entry for ourselves (a container, say): keep to what we know. */
                const char *home = getenv("HOME");

                e->home = strdup(home && home[0] == '/' ? home : "/");
                if (!e->home)
                        return -ENOMEM;
        } else if (r < 0)
                return r;

        if (j->owner != euid) {
                if (euid != 0)
                        return -EPERM;     /* only root can run a program as someone else */
                if (!name)
                        return -ENOENT;    /* no passwd entry: no groups to give it */
                e->drop = true;
                e->uid = j->owner;
                e->gid = gid;
                for (int n = 32;;) {
                        int k = n;

                        free(e->groups);
                        e->groups = calloc((size_t) n, sizeof(gid_t));
                        if (!e->groups)
                                return -ENOMEM;
                        if (getgrouplist(name, gid, e->groups, &k) >= 0) {
                                e->n_groups = k;
                                break;
                        }
                        if (k <= n)
                                k = n * 2;
                        if (k > NOTIFY_GROUPS_MAX)
                                return -E2BIG;
                        n = k;
                }
        }

        /* The whole environment of the program: nothing of the daemon's own leaks into it. */
        if (asprintf(&e->env[0], "%s", NOTIFY_CMDLINE_ENV_PATH) < 0)
                e->env[0] = NULL;
        if (asprintf(&e->env[1], "HOME=%s", e->home) < 0)
                e->env[1] = NULL;
        if (asprintf(&e->env[2], "DOSVC_JOB_ID=%s", job_id_to_string(&j->id, id)) < 0)
                e->env[2] = NULL;
        if (asprintf(&e->env[3], "DOSVC_JOB_STATE=%s", state == BG_JOB_STATE_TRANSFERRED ? "TRANSFERRED" : "ERROR") < 0)
                e->env[3] = NULL;
        e->env[4] = NULL;
        if (!e->env[0] || !e->env[1] || !e->env[2] || !e->env[3])
                return -ENOMEM;
        return 0;
}

/* In the child, between fork() and execve(): async-signal-safe calls only. */
static _Noreturn void launch_exec_child(const LaunchExec *e) {
        struct sigaction dfl = { .sa_handler = SIG_DFL };
        sigset_t none;
        int fd;

        /* Ignored signals (SIGPIPE) and the blocked mask (SIGTERM, SIGINT, SIGCHLD) survive execve. */
        for (int sig = 1; sig < NSIG; sig++)
                (void) sigaction(sig, &dfl, NULL);
        (void) sigemptyset(&none);
        (void) sigprocmask(SIG_SETMASK, &none, NULL);

        if (setsid() < 0)
                _exit(126);
        fd = open("/dev/null", O_RDWR);
        if (fd < 0)
                _exit(126);
        if (dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
                _exit(126);
        if (fd > STDERR_FILENO)
                (void) close(fd);
        (void) close_range(STDERR_FILENO + 1, ~0U, 0);   /* every fd is O_CLOEXEC anyway */

        if (e->drop) {
                if (setgroups((size_t) e->n_groups, e->groups) < 0 || setgid(e->gid) < 0 || setuid(e->uid) < 0)
                        _exit(126);
                if (geteuid() != e->uid || getegid() != e->gid)
                        _exit(126);
        }
        if (chdir(e->home) < 0)
                (void) chdir("/");
        execve(e->program, e->argv, e->env);
        _exit(127);
}

static void launches_start(Notifier *n);

static int on_launch_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        Launch *l = userdata;
        Notifier *n = l->notifier;

        l->timer = sd_event_source_unref(l->timer);
        launches_start(n);
        return 0;
}

static int on_launch_exit(sd_event_source *s, const siginfo_t *si, void *userdata) {
        Launch *l = userdata;
        Notifier *n = l->notifier;
        Manager *m = n->manager;
        char id[JOB_ID_STRING_MAX];
        Job *j;
        int r;

        /* Only unref here: sd-event reaps the child after this callback returns. */
        l->child = sd_event_source_unref(l->child);
        l->pid = 0;
        j = launch_job(l);

        if (j && l->again) {
                /* Set again while it ran (SetNotifyCmdLine): the command line now set runs next,
                 * queued like a new run (launches_start() below, within the per-user limit). */
                log_info("Notify command line of job %s %s %d; it was set again meanwhile, running it again.",
                         job_id_to_string(&l->job_id, id),
                         si->si_code == CLD_EXITED ? "exited with" : "killed by signal", si->si_status);
                l->again = false;
        } else if (si->si_code == CLD_EXITED && si->si_status == 0) {
                log_debug("Notify command line of job %s finished.", job_id_to_string(&l->job_id, id));
                launch_free(l);
        } else if (j) {
                /* BITS: the program did not end the job; run it again after the minimum retry delay. */
                usec_t delay = (usec_t) MAX(j->minimum_retry_delay, JOB_MINIMUM_RETRY_DELAY_MIN) * NOTIFY_USEC_PER_SEC;

                log_info("Notify command line of job %s %s %d; running it again in %u s.",
                         job_id_to_string(&l->job_id, id), si->si_code == CLD_EXITED ? "exited with" : "killed by signal",
                         si->si_status, (unsigned) (delay / NOTIFY_USEC_PER_SEC));
                r = sd_event_add_time_relative(m->event, &l->timer, CLOCK_MONOTONIC, delay, NOTIFY_RETRY_ACCURACY_USEC,
                                               on_launch_retry, l);
                if (r < 0) {
                        log_warning_errno(r, "Failed to schedule the notify command line again, dropping it: %m");
                        launch_free(l);
                }
        } else {
                log_info("Notify command line of job %s %s %d.", job_id_to_string(&l->job_id, id),
                         si->si_code == CLD_EXITED ? "exited with" : "killed by signal", si->si_status);
                launch_free(l);
        }
        launches_start(n);
        return 0;
}

static void launch_start(Launch *l) {
        Notifier *n = l->notifier;
        Manager *m = n->manager;
        LaunchExec e = {};
        char id[JOB_ID_STRING_MAX];
        pid_t pid;
        Job *j;
        int r;

        /* Queued or due to retry: the job may have been cancelled, resumed, given away or cleared
         * of its command line meanwhile. */
        j = launch_job(l);
        if (!j) {
                log_debug("Notify command line of job %s no longer wanted, dropped.", job_id_to_string(&l->job_id, id));
                launch_free(l);
                return;
        }
        r = launch_prepare(j, l->state, &e);
        if (r < 0) {
                log_warning_errno(r, "Cannot run the notify command line of job %s as uid %u: %m",
                                  job_id_to_string(&j->id, id), (unsigned) j->owner);
                launch_exec_done(&e);
                launch_free(l);
                return;
        }

        pid = fork();
        if (pid < 0) {
                log_warning_errno(errno, "Failed to fork for the notify command line of job %s: %m",
                                  job_id_to_string(&j->id, id));
                launch_exec_done(&e);
                launch_free(l);
                return;
        }
        if (pid == 0)
                launch_exec_child(&e);

        launch_exec_done(&e);
        l->pid = pid;
        r = sd_event_add_child(m->event, &l->child, pid, WEXITED, on_launch_exit, l);
        if (r < 0) {
                /* Nobody would reap it: stop it now rather than leave a zombie behind. */
                log_warning_errno(r, "Failed to watch notify process %d, killing it: %m", (int) pid);
                (void) kill(pid, SIGKILL);
                (void) waitpid(pid, NULL, 0);
                launch_free(l);
                return;
        }
        (void) sd_event_source_set_description(l->child, "notify-cmdline");
        log_info("Job %s: notify command line started as process %d (%s).", job_id_to_string(&j->id, id), (int) pid,
                 l->state == BG_JOB_STATE_TRANSFERRED ? "TRANSFERRED" : "ERROR");
}

/* Starts queued runs, first come first served, while their owner has fewer than
 * dosvc.conf MaxNotificationsPerUser (default NOTIFY_CMDLINE_PER_USER_MAX) running. Each is checked
 * again as it starts (launch_job()). */
static void launches_start(Notifier *n) {
        for (Launch *l = n->launches, *next; l; l = next) {
                next = l->next;
                if (l->pid > 0 || l->timer)
                        continue;
                if (launches_running(n, l->owner) >= n->manager->limits.max_notifications_per_user)
                        continue;
                launch_start(l);
        }
}

static void cmdline_launch(Notifier *n, Job *j, BG_JOB_STATE state) {
        char id[JOB_ID_STRING_MAX];
        Launch *l;

        if (!job_has_cmdline(j))
                return;
        /* One run per job and state: asking again is no second run (a client calling SetNotifyCmdLine
         * in a loop queues nothing more). */
        for (Launch *k = n->launches, *next; k; k = next) {
                next = k->next;
                if (!sd_id128_equal(k->job_id, j->id) || k->state != state)
                        continue;
                if (k->owner != j->owner) {
                        /* The job changed hands: the former owner's run would be dropped at its start
                         * anyway; one not started goes now. */
                        if (k->pid <= 0)
                                launch_free(k);
                        continue;
                }
                if (k->pid > 0)
                        k->again = true;   /* running: once more when it exits */
                return;                    /* queued or waiting to retry: it reads the job when it starts */
        }
        /* Per owner, so that one user's runs never crowd out another's. */
        if (launches_waiting(n, j->owner) >= NOTIFY_CMDLINE_WAITING_PER_USER_MAX) {
                log_warning("Too many notify command lines of uid %u waiting; not running the one of job %s.",
                            (unsigned) j->owner, job_id_to_string(&j->id, id));
                return;
        }
        l = calloc(1, sizeof(*l));
        if (!l) {
                log_oom();
                return;
        }
        *l = (Launch) {
                .notifier = n,
                .job_id = j->id,
                .owner = j->owner,
                .state = state,
                .prev = n->launches_tail,
        };
        if (n->launches_tail)
                n->launches_tail->next = l;
        else
                n->launches = l;
        n->launches_tail = l;
        n->n_launches++;
        launches_start(n);
}

void notify_job_forget(Manager *m, const Job *j) {
        Notifier *n = m ? m->notifier : NULL;

        if (!n)
                return;
        for (Launch *l = n->launches, *next; l; l = next) {
                next = l->next;
                if (l->pid <= 0 && sd_id128_equal(l->job_id, j->id))
                        launch_free(l);
        }
}

void notify_cmdline_changed(Manager *m, Job *j) {
        Notifier *n = m ? m->notifier : NULL;

        if (!n || (j->state != BG_JOB_STATE_TRANSFERRED && j->state != BG_JOB_STATE_ERROR))
                return;
        if (job_wants(j, state_flag(j->state)))
                cmdline_launch(n, j, j->state);
}

/* ---- the core's events ------------------------------------------------------------------ */

void manager_notify(Manager *m, Job *j, JobNotifyEvent event, const JobFile *f) {
        Notifier *n = m ? m->notifier : NULL;
        usec_t now;

        if (!n || !j)
                return;

        switch (event) {
        case JOB_NOTIFY_TRANSFERRED:
        case JOB_NOTIFY_ERROR: {
                BG_JOB_STATE state = event == JOB_NOTIFY_TRANSFERRED ? BG_JOB_STATE_TRANSFERRED : BG_JOB_STATE_ERROR;

                /* BITS: no JobModification for the change into TRANSFERRED or ERROR. The core reported
                 * it as a modification a moment ago; it has not been sent yet (flush_event). */
                j->notify_pending &= ~JOB_MODIFICATION_STATE;
                job_track(j);
                if (!job_wants(j, state_flag(state)))
                        break;
                if (state == BG_JOB_STATE_TRANSFERRED)
                        bus_notify_job_transferred(m, j);
                else
                        bus_notify_job_error(m, j);
                cmdline_launch(n, j, state);
                break;
        }

        case JOB_NOTIFY_MODIFIED:
                j->notify_pending |= modification_bits(j);
                flush_kick(n);
                break;

        case JOB_NOTIFY_PROGRESS:
                j->notify_pending |= JOB_MODIFICATION_PROGRESS;
                now = now_monotonic_usec();
                if (j->notify_pending != JOB_MODIFICATION_PROGRESS || j->notify_progress_usec == 0 ||
                    now >= j->notify_progress_usec + NOTIFY_PROGRESS_INTERVAL_USEC)
                        flush_kick(n);
                else
                        progress_timer_arm(n, j->notify_progress_usec + NOTIFY_PROGRESS_INTERVAL_USEC);
                break;

        case JOB_NOTIFY_FILE_TRANSFERRED:
                if (f && job_wants(j, BG_NOTIFY_FILE_TRANSFERRED))
                        bus_notify_file_transferred(m, j, f->index);
                break;

        default:
                break;
        }
}

/* ---- set-up ----------------------------------------------------------------------------- */

int notify_start(Manager *m) {
        Notifier *n;
        sigset_t mask;
        int r;

        if (m->notifier)
                return 0;
        /* sd_event_add_child() needs SIGCHLD blocked; threads started later inherit the mask. */
        (void) sigemptyset(&mask);
        (void) sigaddset(&mask, SIGCHLD);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;

        n = calloc(1, sizeof(*n));
        if (!n)
                return -ENOMEM;
        n->manager = m;
        n->progress_due = USEC_INFINITY;
        r = sd_event_add_defer(m->event, &n->flush_event, on_flush, n);
        if (r < 0) {
                free(n);
                return r;
        }
        (void) sd_event_source_set_enabled(n->flush_event, SD_EVENT_OFF);
        (void) sd_event_source_set_description(n->flush_event, "notify-flush");

        for (size_t i = 0; i < m->n_jobs; i++)
                job_track(m->jobs[i]);
        m->notifier = n;
        return 0;
}

void notify_free(Manager *m) {
        Notifier *n = m ? m->notifier : NULL;

        if (!n)
                return;
        while (n->launches)
                launch_free(n->launches);
        sd_event_source_disable_unref(n->flush_event);
        sd_event_source_disable_unref(n->progress_timer);
        free(n);
        m->notifier = NULL;
}
