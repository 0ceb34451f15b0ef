/* fuzz-config.c: conf_parse() (conf.c), the dosvc.conf parser. Invariants: it returns 0 or -EINVAL
 * (-ENOMEM), an error comes with a message and leaves the limits unchanged, and every value of a
 * success is within its documented range. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        Limits l = LIMITS_DEFAULT, before;
        char *error = NULL;
        int r;

        log_set_max_level(LOG_CRIT);
        before = l;
        r = conf_parse((const char *) data, size, "fuzz.conf", &l, &error);
        if (r < 0) {
                if (r != -EINVAL && r != -ENOMEM)
                        abort();
                if (r == -EINVAL && (!error || strncmp(error, "fuzz.conf", 9) != 0))
                        abort();
                if (memcmp(&l, &before, sizeof l) != 0)
                        abort();
                free(error);
                return 0;
        }
        if (error)
                abort();
        if (l.max_jobs_per_user < 1 || l.max_jobs_per_user > LIMIT_JOBS_CEILING ||
            l.max_jobs_per_machine < 1 || l.max_jobs_per_machine > LIMIT_JOBS_CEILING ||
            l.max_files_per_job < 1 || l.max_files_per_job > LIMIT_FILES_PER_JOB_CEILING ||
            l.max_ranges_per_file < 1 || l.max_ranges_per_file > LIMIT_RANGES_PER_FILE_CEILING ||
            l.max_url_length < 16 || l.max_url_length > LIMIT_STRING_CEILING ||
            l.max_display_name_length < 1 || l.max_display_name_length > LIMIT_STRING_CEILING ||
            l.max_description_length > LIMIT_STRING_CEILING ||
            l.max_local_path_length < 2 || l.max_local_path_length > LIMIT_LOCAL_PATH_CEILING ||
            l.max_response_header_bytes < 1024 || l.max_response_bytes > (uint64_t) INT64_MAX ||
            l.max_redirects > 100 || l.max_connections < 1 || l.max_connections > 4096 ||
            l.max_background_transfers < 1 || l.max_background_transfers > 4096 ||
            l.max_notifications_per_user < 1 || l.max_notifications_per_user > 1024)
                abort();
        return 0;
}
