/* files.c: write/fsync of temp files, with the debug fault-injection hook (see files.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "log.h"

#if DOSVC_FAULT_INJECTION
typedef struct FaultPlan {
        bool parsed;
        uint64_t write_after;     /* UINT64_MAX = never */
        int write_errno;
        uint64_t fsync_after;
        uint64_t written, fsyncs;
} FaultPlan;

static FaultPlan fault_plan;

static void fault_plan_parse(void) {
        const char *env = getenv("DOSVC_FAULT_INJECT");
        char *copy, *item, *save = NULL;

        fault_plan = (FaultPlan) { .parsed = true, .write_after = UINT64_MAX, .fsync_after = UINT64_MAX };
        if (!env || !env[0])
                return;
        copy = strdup(env);
        if (!copy)
                return;
        for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
                char *eq = strchr(item, '='), *end;
                unsigned long long n;

                if (!eq)
                        continue;
                *eq = '\0';
                errno = 0;
                n = strtoull(eq + 1, &end, 10);
                if (errno != 0 || *end != '\0') {
                        log_warning("Ignoring invalid DOSVC_FAULT_INJECT item '%s'.", item);
                        continue;
                }
                if (strcmp(item, "write-eio-after") == 0) {
                        fault_plan.write_after = n;
                        fault_plan.write_errno = EIO;
                } else if (strcmp(item, "write-enospc-after") == 0) {
                        fault_plan.write_after = n;
                        fault_plan.write_errno = ENOSPC;
                } else if (strcmp(item, "fsync-eio-after") == 0)
                        fault_plan.fsync_after = n;
                else
                        log_warning("Ignoring unknown DOSVC_FAULT_INJECT item '%s'.", item);
        }
        free(copy);
        log_notice("Fault injection armed: %s", env);
}
#endif

int file_write_all(int fd, const void *buf, size_t len) {
        const char *p = buf;

#if DOSVC_FAULT_INJECTION
        if (!fault_plan.parsed)
                fault_plan_parse();
        if (fault_plan.write_after != UINT64_MAX && fault_plan.written + len > fault_plan.write_after)
                return -fault_plan.write_errno;
        fault_plan.written += len;
#endif
        while (len > 0) {
                ssize_t n = write(fd, p, len);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                len -= (size_t) n;
        }
        return 0;
}

int file_datasync(int fd) {
#if DOSVC_FAULT_INJECTION
        if (!fault_plan.parsed)
                fault_plan_parse();
        if (fault_plan.fsync_after != UINT64_MAX && fault_plan.fsyncs++ >= fault_plan.fsync_after)
                return -EIO;
#endif
        if (fdatasync(fd) < 0)
                return -errno;
        return 0;
}
