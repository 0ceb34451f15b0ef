/* bus.h: the daemon's D-Bus front (docs/dbus-api.md). bus-server.c owns the listening socket and the
 * client connections; bus-manager.c and bus-job.c are the object adapters: they validate wire
 * arguments, check the caller, call queue.c and reply. None of them touches SQLite or curl. */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "manager.h"

#define DOSVC_BUS_NAME "org.dosvc1"         /* system mode: our well-known name on the system bus */
#define DOSVC_BUS_PATH "/org/dosvc1"
#define DOSVC_BUS_JOB_PREFIX "/org/dosvc1/job"
#define DOSVC_BUS_MANAGER_INTERFACE "org.dosvc1.Manager"
#define DOSVC_BUS_JOB_INTERFACE "org.dosvc1.Job"

/* Listen on `socket_path` (replacing a stale socket: the caller holds the daemon lock). */
int bus_server_new(Manager *m, const char *socket_path, BusServer **ret);
/* System mode: connect to the system bus ($DOSVC_SYSTEM_BUS_ADDRESS when set), register the objects
 * and own DOSVC_BUS_NAME; fails (logged) when the name is taken or the policy refuses it. */
int bus_server_new_system(Manager *m, BusServer **ret);
BusServer *bus_server_free(BusServer *s);

/* Subscriptions to the job signals (docs/dbus-api.md §Signals): Subscribe/Unsubscribe mark the
 * caller's connection (system mode: the caller's unique name on the bus); foreach calls f on each
 * subscriber with the bus to send on, the destination to address (NULL on a direct connection) and
 * the subscriber's uid. */
int bus_server_set_subscribed(BusServer *s, sd_bus_message *message, uid_t uid, bool subscribed);
typedef int (*BusSubscriberFunc)(sd_bus *bus, const char *destination, uid_t uid, void *userdata);
void bus_server_foreach_subscriber(BusServer *s, BusSubscriberFunc f, void *userdata);

/* Register the manager and job objects on one client connection. */
int bus_manager_register(Manager *m, sd_bus *bus);
int bus_job_register(Manager *m, sd_bus *bus);
/* bus-job-ext.c: org.dosvc1.Job methods beyond IBackgroundCopyJob (properties, DO files, proxy,
 * ownership), registered by bus_job_register(). */
int bus_job_ext_register(Manager *m, sd_bus *bus);
/* The fallback "find" of org.dosvc1.Job objects: the job at `path`, E_ACCESSDENIED for a caller
 * that is neither its owner nor root. */
int bus_job_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata, void **ret_found,
                        sd_bus_error *error);

/* "/org/dosvc1/job/<32 hex>" for a job. */
int bus_job_path(const Job *j, char **ret);

/* Fail a method call with `hr`: error name org.dosvc1.Error.HR_XXXXXXXX, message "<NAME>: <text>". */
int bus_reply_hresult(sd_bus_error *error, HRESULT hr, const char *detail);

/* The caller's effective uid, from the connection credentials. */
int bus_caller_uid(sd_bus_message *m, uid_t *ret);
