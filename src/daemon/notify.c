/* notify.c: job notifications (see manager_notify() in manager.h). Today a no-op: the D-Bus signals,
 * the notify command line and the rate limit of JOB_NOTIFY_PROGRESS arrive with the callbacks work
 * (issue 4). The core already reports every event here. */
#include "manager.h"

void manager_notify(Manager *m, Job *j, JobNotifyEvent event, const JobFile *f) {
        (void) m;
        (void) j;
        (void) event;
        (void) f;
}
