/* bus-notify.h: the D-Bus side of notify.c: emits the org.dosvc1.Job signals (docs/dbus-api.md
 * §Signals) on every subscribed client connection of the job's owner and of root.
 *
 * No sd-bus types here, so that core code (notify.c) can call it. Each call is best effort: a
 * connection that cannot take the signal (gone, or too far behind reading) is skipped and logged at
 * debug level; the job goes on regardless. */
#pragma once

#include <stdint.h>

#include "manager.h"

void bus_notify_job_transferred(Manager *m, const Job *j);
void bus_notify_job_error(Manager *m, const Job *j);
void bus_notify_job_modification(Manager *m, const Job *j, uint32_t what);
void bus_notify_file_transferred(Manager *m, const Job *j, unsigned index);
