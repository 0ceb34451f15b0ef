/* bus-notify.c: emits the org.dosvc1.Job signals (see bus-notify.h and docs/dbus-api.md §Signals).
 *
 * A signal goes to each connection that called org.dosvc1.Manager.Subscribe, if the subscriber is
 * the job's owner or root. Each connection gets its own message (a message belongs to one bus).
 * A subscriber that stops reading would make the daemon queue without bound: past
 * BUS_NOTIFY_QUEUE_MAX unsent messages on a connection, further signals to it are dropped. */
#include <errno.h>
#include <stdlib.h>

#include "bus.h"
#include "bus-notify.h"
#include "log.h"
#include "macro.h"

#define BUS_NOTIFY_QUEUE_MAX 4096u

typedef enum NotifySignal {
        NOTIFY_SIGNAL_JOB_TRANSFERRED,
        NOTIFY_SIGNAL_JOB_ERROR,
        NOTIFY_SIGNAL_JOB_MODIFICATION,
        NOTIFY_SIGNAL_FILE_TRANSFERRED,
} NotifySignal;

typedef struct Emission {
        NotifySignal signal;
        const Job *job;
        const char *path;
        uint32_t arg;                      /* JobModification: what; FileTransferred: index */
} Emission;

static const char *const signal_names[] = {
        [NOTIFY_SIGNAL_JOB_TRANSFERRED] = "JobTransferred",
        [NOTIFY_SIGNAL_JOB_ERROR] = "JobError",
        [NOTIFY_SIGNAL_JOB_MODIFICATION] = "JobModification",
        [NOTIFY_SIGNAL_FILE_TRANSFERRED] = "FileTransferred",
};

static int emit_on(sd_bus *bus, const char *destination, uid_t uid, void *userdata) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        const Emission *e = userdata;
        const char *member = signal_names[e->signal];
        uint64_t queued = 0;
        int r;

        if (uid != 0 && uid != e->job->owner)
                return 0;
        if (sd_bus_get_n_queued_write(bus, &queued) >= 0 && queued >= BUS_NOTIFY_QUEUE_MAX) {
                log_debug("Subscriber is %llu messages behind, dropping %s.", (unsigned long long) queued, member);
                return 0;
        }

        r = sd_bus_message_new_signal(bus, &m, e->path, DOSVC_BUS_JOB_INTERFACE, member);
        if (r < 0)
                goto fail;
        /* System mode: unicast to the subscriber, so that the bus daemon hands it to nobody else. */
        if (destination) {
                r = sd_bus_message_set_destination(m, destination);
                if (r < 0)
                        goto fail;
        }
        switch (e->signal) {
        case NOTIFY_SIGNAL_JOB_TRANSFERRED:
                break;
        case NOTIFY_SIGNAL_JOB_ERROR:
                r = sd_bus_message_append(m, "iui", (int32_t) e->job->error.hresult, (uint32_t) e->job->error.context,
                                          (int32_t) e->job->error.file_index);
                break;
        case NOTIFY_SIGNAL_JOB_MODIFICATION:
        case NOTIFY_SIGNAL_FILE_TRANSFERRED:
                r = sd_bus_message_append(m, "u", e->arg);
                break;
        }
        if (r < 0)
                goto fail;
        r = sd_bus_send(bus, m, NULL);
        if (r < 0)
                goto fail;
        return 0;

fail:
        log_debug_errno(r, "Failed to send %s to a subscriber, ignoring: %m", member);
        return 0;
}

static void emit(Manager *m, const Job *j, NotifySignal signal, uint32_t arg) {
        _cleanup_free_ char *path = NULL;
        Emission e = { .signal = signal, .job = j, .arg = arg };

        if (!m->bus)
                return;
        if (bus_job_path(j, &path) < 0) {
                log_oom();
                return;
        }
        e.path = path;
        bus_server_foreach_subscriber(m->bus, emit_on, &e);
}

void bus_notify_job_transferred(Manager *m, const Job *j) {
        emit(m, j, NOTIFY_SIGNAL_JOB_TRANSFERRED, 0);
}

void bus_notify_job_error(Manager *m, const Job *j) {
        emit(m, j, NOTIFY_SIGNAL_JOB_ERROR, 0);
}

void bus_notify_job_modification(Manager *m, const Job *j, uint32_t what) {
        emit(m, j, NOTIFY_SIGNAL_JOB_MODIFICATION, what);
}

void bus_notify_file_transferred(Manager *m, const Job *j, unsigned index) {
        emit(m, j, NOTIFY_SIGNAL_FILE_TRANSFERRED, (uint32_t) index);
}
