/* bus-manager.c: the org.dosvc1.Manager object (IBackgroundCopyManager on the wire): CreateJob,
 * GetJob, EnumJobs, and the common helpers of the bus adapters (HRESULT errors, caller uid). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bus.h"
#include "config.h"
#include "hresult.h"
#include "log.h"
#include "macro.h"
#include "queue.h"

int bus_reply_hresult(sd_bus_error *error, HRESULT hr, const char *detail) {
        char name[64];
        const char *hr_name = DoHResultName(hr);

        if (hresult_to_bus_error_name(hr, name, sizeof name) < 0)
                return sd_bus_error_set(error, SD_BUS_ERROR_FAILED, "Unknown failure.");
        return sd_bus_error_setf(error, name, "%s: %s%s%s", hr_name ?: "HRESULT", DoHResultMessage(hr),
                                 detail ? " " : "", detail ?: "");
}

/* On the private socket: the peer's euid, as sd-bus finds it (SO_PEERCRED, or the message's
 * SCM_CREDENTIALS completed from /proc/<pid>). Through a bus daemon (system mode) sd-bus asks the bus
 * daemon (GetConnectionCredentials): its UnixUserID is SO_PEERCRED of the sender's connection, which
 * sd-bus reports as the EUID. There we refuse a uid that sd-bus "augmented" from /proc/<pid>
 * instead: a caller that exits and whose pid is reused must not lend us another process's uid. */
int bus_caller_uid(sd_bus_message *m, uid_t *ret) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        int r;

        r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &creds);
        if (r < 0)
                return r;
        if (sd_bus_is_bus_client(sd_bus_message_get_bus(m)) > 0 &&
            (sd_bus_creds_get_augmented_mask(creds) & SD_BUS_CREDS_EUID))
                return -EPERM;
        return sd_bus_creds_get_euid(creds, ret);
}

int bus_job_path(const Job *j, char **ret) {
        char hex[SD_ID128_STRING_MAX];

        if (asprintf(ret, DOSVC_BUS_JOB_PREFIX "/%s", sd_id128_to_string(j->id, hex)) < 0)
                return -ENOMEM;
        return 0;
}

static int method_create_job(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        _cleanup_free_ char *path = NULL;
        char id[JOB_ID_STRING_MAX];
        const char *name;
        uint32_t type;
        Job *j = NULL;
        HRESULT hr;
        uid_t uid;
        int r;

        r = sd_bus_message_read(message, "su", &name, &type);
        if (r < 0)
                return r;
        r = bus_caller_uid(message, &uid);
        if (r < 0)
                return r;

        hr = queue_create_job(m, name, type, uid, &j);
        if (FAILED(hr))
                return bus_reply_hresult(error, hr, NULL);
        r = bus_job_path(j, &path);
        if (r < 0)
                return r;
        log_info("Job %s created by uid %u: \"%s\"", job_id_to_string(&j->id, id), (unsigned) uid, j->display_name);
        return sd_bus_reply_method_return(message, "so", job_id_to_string(&j->id, id), path);
}

static int method_get_job(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        _cleanup_free_ char *path = NULL;
        const char *s;
        sd_id128_t id;
        Job *j;
        uid_t uid;
        int r;

        r = sd_bus_message_read(message, "s", &s);
        if (r < 0)
                return r;
        r = bus_caller_uid(message, &uid);
        if (r < 0)
                return r;
        if (job_id_from_string(s, &id) < 0)
                return bus_reply_hresult(error, E_INVALIDARG, "Not a job id.");

        j = manager_find_job(m, &id);
        if (!j || job_state_is_final(j->state))
                return bus_reply_hresult(error, DO_E_JOB_NOT_FOUND, NULL);
        if (uid != 0 && uid != j->owner)
                return bus_reply_hresult(error, E_ACCESSDENIED, NULL);
        r = bus_job_path(j, &path);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(message, "o", path);
}

static int method_enum_jobs(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        uint32_t flags;
        uid_t uid;
        int r;

        r = sd_bus_message_read(message, "u", &flags);
        if (r < 0)
                return r;
        r = bus_caller_uid(message, &uid);
        if (r < 0)
                return r;
        if (flags & ~(uint32_t) BG_JOB_ENUM_ALL_USERS)
                return bus_reply_hresult(error, E_INVALIDARG, "Unknown flags.");
        if ((flags & BG_JOB_ENUM_ALL_USERS) && uid != 0)
                return bus_reply_hresult(error, E_ACCESSDENIED, NULL);

        r = sd_bus_message_new_method_return(message, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(so)");
        if (r < 0)
                return r;
        for (size_t i = 0; i < m->n_jobs; i++) {
                Job *j = m->jobs[i];
                _cleanup_free_ char *path = NULL;
                char id[JOB_ID_STRING_MAX];

                if (job_state_is_final(j->state))
                        continue;
                /* Never list another user's job, not even its id, unless asked by root. */
                if (!(flags & BG_JOB_ENUM_ALL_USERS) && j->owner != uid)
                        continue;
                r = bus_job_path(j, &path);
                if (r < 0)
                        return r;
                r = sd_bus_message_append(reply, "(so)", job_id_to_string(&j->id, id), path);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* Subscribe/Unsubscribe: whether this connection gets the org.dosvc1.Job signals (of the caller's
 * jobs; root's of every job). Idempotent. */
static int method_subscribe(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        bool subscribe = streq(sd_bus_message_get_member(message), "Subscribe");
        uid_t uid;
        int r;

        r = bus_caller_uid(message, &uid);
        if (r < 0)
                return r;
        r = bus_server_set_subscribed(m->bus, message, uid, subscribe);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(message, NULL);
}

static int property_get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", DOSVC_VERSION);
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_METHOD_WITH_ARGS("CreateJob",
                                SD_BUS_ARGS("s", display_name, "u", type),
                                SD_BUS_RESULT("s", id, "o", job),
                                method_create_job, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetJob",
                                SD_BUS_ARGS("s", id),
                                SD_BUS_RESULT("o", job),
                                method_get_job, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("EnumJobs",
                                SD_BUS_ARGS("u", flags),
                                SD_BUS_RESULT("a(so)", jobs),
                                method_enum_jobs, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Subscribe", NULL, NULL, method_subscribe, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Unsubscribe", NULL, NULL, method_subscribe, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int bus_manager_register(Manager *m, sd_bus *bus) {
        return sd_bus_add_object_vtable(bus, NULL, DOSVC_BUS_PATH, DOSVC_BUS_MANAGER_INTERFACE, manager_vtable, m);
}
