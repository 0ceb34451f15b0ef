/* job.c: the daemon's in-memory Job and JobFile records (see job.h): allocation with the spec §5
 * defaults, the file list, progress as BG_JOB_PROGRESS reports it (spec §3.2), the temp-file name,
 * the job's error record, and the id and clock helpers.
 *
 * No I/O here: the store persists these records (store.c), the state machine decides their state
 * (job-state.c), the transfer engine moves their bytes. The only system calls are clock_gettime()
 * and getrandom() (through sd_id128_randomize()) for a new id and a temp name's random part. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guid-util.h"
#include "job.h"
#include "ranges.h"
#include "macro.h"

/* 100-ns intervals between 1601-01-01 and 1970-01-01 (FILETIME epoch to Unix epoch). */
#define FILETIME_UNIX_EPOCH UINT64_C(116444736000000000)

static char *strdup_or_null(const char *s, bool *oom) {
        char *d;

        if (!s)
                return NULL;
        d = strdup(s);
        if (!d)
                *oom = true;
        return d;
}

int job_new(const sd_id128_t *id, const char *display_name, BG_JOB_TYPE type, uid_t owner, usec_t now,
            Job **ret) {
        _cleanup_(job_freep) Job *j = NULL;
        int r;

        if (!display_name || !ret)
                return -EINVAL;

        j = calloc(1, sizeof(Job));
        if (!j)
                return -ENOMEM;

        *j = (Job) {
                .type = type,
                .state = BG_JOB_STATE_SUSPENDED,                  /* T1 */
                .priority = BG_JOB_PRIORITY_NORMAL,
                .owner = owner,
                .file_owner = owner,
                .notify_flags = JOB_NOTIFY_FLAGS_DEFAULT,
                .cost_flags = JOB_COST_FLAGS_DEFAULT,
                /* The FOREGROUND default (3600 s) comes with SetPriority, in the bus layer: a job
                 * is created NORMAL, a "low priority" job of spec §5. */
                .no_progress_timeout = JOB_NO_PROGRESS_TIMEOUT_BACKGROUND,
                .minimum_retry_delay = JOB_MINIMUM_RETRY_DELAY_DEFAULT,
                .creation_time = now,
                .modification_time = now,
                .error = { .file_index = -1 },
        };

        if (id)
                j->id = *id;
        else {
                r = sd_id128_randomize(&j->id);
                if (r < 0)
                        return r;
        }

        j->display_name = strdup(display_name);
        if (!j->display_name)
                return -ENOMEM;

        *ret = TAKE_PTR(j);
        return 0;
}

JobFile *job_file_free(JobFile *f) {
        if (!f)
                return NULL;

        free(f->file_id);
        free(f->remote_url);
        free(f->local_path);
        free(f->temp_path);
        free(f->ranges);
        free(f->etag);
        free(f->last_modified);
        free(f->integrity_check_info);
        free(f->http_response_headers);
        free(f);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(JobFile *, job_file_free);

Job *job_free(Job *j) {
        if (!j)
                return NULL;

        for (size_t i = 0; i < j->n_files; i++)
                job_file_free(j->files[i]);
        free(j->files);

        job_clear_error(j);
        free(j->display_name);
        free(j->description);
        free(j->notify_cmdline_program);
        free(j->notify_cmdline_parameters);
        free(j->proxy_list);
        free(j->proxy_bypass_list);
        free(j);
        return NULL;
}

int job_file_temp_path(const char *local_path, const sd_id128_t *job_id, unsigned index, char **ret) {
        char hex[SD_ID128_STRING_MAX];
        sd_id128_t rnd;
        const char *slash;
        size_t dir_len;
        int r;

        if (!local_path || !job_id || !ret)
                return -EINVAL;

        /* An absolute path naming a file: "/dir/name". The temp file must live in the
         * destination's own folder, so that Complete's rename() never crosses file systems. */
        slash = strrchr(local_path, '/');
        if (local_path[0] != '/' || !slash || slash[1] == '\0')
                return -EINVAL;

        /* A random part that no one can guess: in a shared folder (/tmp) another user who sees one
         * of the job's temp files must not be able to plant the next one (which the transfer would
         * then refuse as not ours). The name is stored with the file (store.c: files.temp_path), so
         * a restart finds it; it is never derived again. */
        r = sd_id128_randomize(&rnd);
        if (r < 0)
                return r;

        dir_len = (size_t) (slash - local_path);       /* 0 for a file in "/" */
        if (asprintf(ret, "%.*s/.dosvc-%s-%u-%016" PRIx64 ".part", (int) dir_len, local_path,
                     sd_id128_to_string(*job_id, hex), index, rnd.qwords[0]) < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

int job_add_file(Job *j, const char *file_id, const char *remote_url, const char *local_path,
                 const BG_FILE_RANGE *ranges, size_t n_ranges, uint64_t bytes_total, JobFile **ret) {
        _cleanup_(job_file_freep) JobFile *f = NULL;
        JobFile **files;
        bool oom = false;
        int r;

        if (!j || !remote_url || !local_path || (n_ranges > 0 && !ranges))
                return -EINVAL;
        if (j->n_files >= LIMIT_FILES_PER_JOB_CEILING || n_ranges > LIMIT_RANGES_PER_FILE_CEILING)
                return -E2BIG;

        f = calloc(1, sizeof(JobFile));
        if (!f)
                return -ENOMEM;

        *f = (JobFile) {
                .job = j,
                .index = (unsigned) j->n_files,
                /* With ranges the caller's size is the remote file's; the file's total is what the
                 * ranges select. */
                .bytes_total = n_ranges > 0 ? ranges_total(ranges, n_ranges, bytes_total) : bytes_total,
                .remote_size = bytes_total,
        };

        f->file_id = strdup_or_null(file_id ?: "", &oom);
        f->remote_url = strdup_or_null(remote_url, &oom);
        f->local_path = strdup_or_null(local_path, &oom);
        if (oom)
                return -ENOMEM;

        if (n_ranges > 0) {
                f->ranges = calloc(n_ranges, sizeof(BG_FILE_RANGE));
                if (!f->ranges)
                        return -ENOMEM;
                memcpy(f->ranges, ranges, n_ranges * sizeof(BG_FILE_RANGE));
                f->n_ranges = n_ranges;
        }

        /* IDeliveryOptimizationJob2::AddFile gives no local path ("") until
         * DownloadSinkFilePath sets one (job-props.c); without a destination there is no temp
         * file either, and Resume refuses the job (DO_E_LOCALPATH_NOT_SET). */
        if (local_path[0] == '\0') {
                f->temp_path = strdup("");
                if (!f->temp_path)
                        return -ENOMEM;
        } else {
                r = job_file_temp_path(local_path, &j->id, f->index, &f->temp_path);
                if (r < 0)
                        return r;
        }

        files = reallocarray(j->files, j->n_files + 1, sizeof(JobFile *));
        if (!files)
                return -ENOMEM;
        j->files = files;
        j->files[j->n_files++] = f;

        if (ret)
                *ret = f;
        TAKE_PTR(f);
        return 0;
}

void job_remove_last_file(Job *j) {
        if (!j || j->n_files == 0)
                return;

        j->n_files--;
        j->files[j->n_files] = job_file_free(j->files[j->n_files]);
}

unsigned job_files_transferred(const Job *j) {
        unsigned n = 0;

        for (size_t i = 0; i < j->n_files; i++)
                if (j->files[i]->transferred)
                        n++;
        return n;
}

void job_get_progress(const Job *j, BG_JOB_PROGRESS *ret) {
        uint64_t total = 0, transferred = 0;
        bool unknown = false;

        for (size_t i = 0; i < j->n_files; i++) {
                const JobFile *f = j->files[i];

                /* BytesTotal stays unknown until every file's size is (spec §3.2). */
                if (f->bytes_total == BG_SIZE_UNKNOWN ||
                    __builtin_add_overflow(total, f->bytes_total, &total))
                        unknown = true;
                /* The live count: bytes written, fsync'ed or not, as a progress bar wants. */
                if (__builtin_add_overflow(transferred, f->bytes_written, &transferred))
                        transferred = UINT64_MAX;
        }

        *ret = (BG_JOB_PROGRESS) {
                .BytesTotal = unknown ? BG_SIZE_UNKNOWN : total,
                .BytesTransferred = transferred,
                .FilesTotal = (ULONG) j->n_files,
                .FilesTransferred = job_files_transferred(j),
        };
}

JobStateContext job_state_context(const Job *j) {
        return (JobStateContext) {
                .n_files = (unsigned) j->n_files,
                .n_files_transferred = job_files_transferred(j),
        };
}

JobFile *job_next_file(const Job *j) {
        for (size_t i = 0; i < j->n_files; i++)
                if (!j->files[i]->transferred)
                        return j->files[i];
        return NULL;
}

void job_clear_error(Job *j) {
        free(j->error.description);
        free(j->error.protocol);
        j->error = (JobError) { .file_index = -1 };
}

void job_set_error(Job *j, HRESULT hr, BG_ERROR_CONTEXT context, int file_index, const char *protocol,
                   const char *description_format, ...) {
        char *description = NULL, *proto;
        bool oom = false;

        /* Both are made before the old record goes: the arguments may point into it. */
        proto = strdup_or_null(protocol, &oom);
        if (description_format) {
                va_list ap;

                va_start(ap, description_format);
                if (vasprintf(&description, description_format, ap) < 0)
                        description = NULL;     /* the code matters, the text is best effort */
                va_end(ap);
        }

        job_clear_error(j);
        j->error = (JobError) {
                .hresult = hr,
                .context = context,
                .file_index = file_index,
                .description = description,
                .protocol = proto,   /* NULL when out of memory, as "no protocol" */
        };
}

char *job_id_to_string(const sd_id128_t *id, char buf[static JOB_ID_STRING_MAX]) {
        return guid_text_format(id->bytes, buf);
}

int job_id_from_string(const char *s, sd_id128_t *ret) {
        sd_id128_t id;
        int r;

        r = guid_text_parse(s, id.bytes);
        if (r < 0)
                return r;
        if (ret)
                *ret = id;
        return 0;
}

uint64_t usec_to_filetime(usec_t u) {
        if (u == 0)
                return 0;
        /* USEC_INFINITY and anything past year 30828 saturate rather than wrap. */
        if (u > (UINT64_MAX - FILETIME_UNIX_EPOCH) / 10)
                return UINT64_MAX;
        return u * 10 + FILETIME_UNIX_EPOCH;
}

static usec_t now_usec(clockid_t clock) {
        struct timespec ts;

        if (clock_gettime(clock, &ts) < 0)
                return 0;       /* not reached with the clocks used here */
        return (usec_t) ts.tv_sec * UINT64_C(1000000) + (usec_t) ts.tv_nsec / 1000;
}

usec_t now_realtime_usec(void) {
        return now_usec(CLOCK_REALTIME);
}

usec_t now_monotonic_usec(void) {
        return now_usec(CLOCK_MONOTONIC);
}
