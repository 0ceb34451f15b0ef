/* verbs-info.c: the verbs that read jobs: info (one job, every property and file) and list (the caller's
 * jobs, one line or one JSON object each), plus the reading of a job's error record that transfer uses.
 *
 * A job is read into a JobInfo first and printed after, so that human and JSON output show the same
 * snapshot. Reads are not atomic across properties (each getter is one call); a job that changes while
 * it is read may show, say, a state one step ahead of its byte counts. `list` skips jobs that finish
 * between EnumJobs and the reads, as EnumJobs itself would have. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dosvc/hresult.h>

#include "doadmin.h"
#include "job-state.h"
#include "macro.h"
#include "output.h"
#include "util.h"

/* LanguageId for the description getters: LANG_NEUTRAL, i.e. the daemon's own language. */
#define DESCRIPTION_LANGUAGE 0u

typedef struct FileInfo {
        char *remote_name;                 /* CoTaskMem */
        char *local_name;                  /* CoTaskMem */
        BG_FILE_PROGRESS progress;
} FileInfo;

typedef struct JobInfo {
        GUID id;
        char *name;                        /* CoTaskMem */
        char *description;                 /* CoTaskMem; read only for `info` */
        char *owner;                       /* CoTaskMem; read only for `info` */
        BG_JOB_STATE state;
        BG_JOB_PRIORITY priority;
        BG_JOB_PROGRESS progress;
        BG_JOB_TIMES times;
        bool has_error;
        JobErrorInfo error;
        FileInfo *files;                   /* read only for `info` */
        size_t n_files;
} JobInfo;

HRESULT job_error_info_read(IBackgroundCopyJob *job, JobErrorInfo *ret) {
        _cleanup_(error_releasep) IBackgroundCopyError *err = NULL;
        _cleanup_(file_releasep) IBackgroundCopyFile *file = NULL;
        JobErrorInfo e = {};
        HRESULT hr;

        *ret = (JobErrorInfo) {};

        hr = IBackgroundCopyJob_GetError(job, &err);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyError_GetError(err, &e.context, &e.hr);
        if (FAILED(hr))
                return hr;

        /* The rest is decoration: a daemon that has no text for it leaves the field NULL. */
        if (FAILED(IBackgroundCopyError_GetErrorDescription(err, DESCRIPTION_LANGUAGE, &e.description)))
                e.description = NULL;
        if (FAILED(IBackgroundCopyError_GetErrorContextDescription(err, DESCRIPTION_LANGUAGE,
                                                                   &e.context_description)))
                e.context_description = NULL;
        if (SUCCEEDED(IBackgroundCopyError_GetFile(err, &file)) && file) {
                if (FAILED(IBackgroundCopyFile_GetRemoteName(file, &e.remote_name)))
                        e.remote_name = NULL;
                if (FAILED(IBackgroundCopyFile_GetLocalName(file, &e.local_name)))
                        e.local_name = NULL;
        }

        *ret = e;
        return S_OK;
}

void job_error_info_done(JobErrorInfo *e) {
        CoTaskMemFree(e->description);
        CoTaskMemFree(e->context_description);
        CoTaskMemFree(e->remote_name);
        CoTaskMemFree(e->local_name);
        *e = (JobErrorInfo) {};
}

void job_error_info_print(const char *verb, const char *headline, const JobErrorInfo *e) {
        char text[HRESULT_TEXT_MAX];

        (void) fflush(stdout);
        fprintf(stderr, "doadmin: %s: %s\n", verb, headline);
        fprintf(stderr, "  error:       %s\n", output_hresult_text(text, e->hr));
        fprintf(stderr, "  context:     %u %s%s%s\n", (unsigned) e->context,
                error_context_to_string(e->context),
                e->context_description && *e->context_description ? ": " : "",
                e->context_description ? e->context_description : "");
        if (e->description && *e->description)
                fprintf(stderr, "  description: %s\n", e->description);
        if (e->remote_name)
                fprintf(stderr, "  file:        %s -> %s\n", e->remote_name,
                        e->local_name ? e->local_name : "?");
}

static void file_info_done(FileInfo *f) {
        CoTaskMemFree(f->remote_name);
        CoTaskMemFree(f->local_name);
        *f = (FileInfo) {};
}

static void job_info_done(JobInfo *i) {
        CoTaskMemFree(i->name);
        CoTaskMemFree(i->description);
        CoTaskMemFree(i->owner);
        job_error_info_done(&i->error);
        for (size_t k = 0; k < i->n_files; k++)
                file_info_done(&i->files[k]);
        free(i->files);
        *i = (JobInfo) {};
}

static HRESULT job_info_read_files(IBackgroundCopyJob *job, JobInfo *i) {
        _cleanup_(enum_files_releasep) IEnumBackgroundCopyFiles *e = NULL;
        ULONG count = 0;
        HRESULT hr;

        hr = IBackgroundCopyJob_EnumFiles(job, &e);
        if (FAILED(hr))
                return hr;
        hr = IEnumBackgroundCopyFiles_GetCount(e, &count);
        if (FAILED(hr))
                return hr;
        if (count == 0)
                return S_OK;

        i->files = calloc(count, sizeof(FileInfo));
        if (!i->files)
                return E_OUTOFMEMORY;

        for (;;) {
                _cleanup_(file_releasep) IBackgroundCopyFile *file = NULL;
                ULONG fetched = 0;
                FileInfo *f;

                hr = IEnumBackgroundCopyFiles_Next(e, 1, &file, &fetched);
                if (FAILED(hr))
                        return hr;
                if (fetched == 0 || !file)
                        break;
                /* The count was a snapshot; never write past what was allocated for it. */
                if (i->n_files >= count)
                        break;

                f = &i->files[i->n_files++];
                hr = IBackgroundCopyFile_GetRemoteName(file, &f->remote_name);
                if (FAILED(hr))
                        return hr;
                hr = IBackgroundCopyFile_GetLocalName(file, &f->local_name);
                if (FAILED(hr))
                        return hr;
                hr = IBackgroundCopyFile_GetProgress(file, &f->progress);
                if (FAILED(hr))
                        return hr;
        }
        return S_OK;
}

/* Reads a job; `full` adds description, owner and files (what `info` shows beyond `list`). On failure
 * *ret holds whatever was read and must still be passed to job_info_done(). */
static HRESULT job_info_read(IBackgroundCopyJob *job, bool full, JobInfo *ret) {
        HRESULT hr;

        hr = IBackgroundCopyJob_GetId(job, &ret->id);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyJob_GetDisplayName(job, &ret->name);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyJob_GetState(job, &ret->state);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyJob_GetPriority(job, &ret->priority);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyJob_GetProgress(job, &ret->progress);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyJob_GetTimes(job, &ret->times);
        if (FAILED(hr))
                return hr;

        /* GetError fails outside ERROR/TRANSIENT_ERROR: that is "no error", not a failure to report. */
        ret->has_error = SUCCEEDED(job_error_info_read(job, &ret->error));

        if (!full)
                return S_OK;

        hr = IBackgroundCopyJob_GetDescription(job, &ret->description);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyJob_GetOwner(job, &ret->owner);
        if (FAILED(hr))
                return hr;
        return job_info_read_files(job, ret);
}

static int json_add_time(struct json_object *o, const char *key, const FILETIME *ft) {
        char buf[FORMAT_ISO8601_MAX];

        return json_add_string(o, key, filetime_to_iso8601(ft, buf) < 0 ? NULL : buf);
}

static int job_error_to_json(const JobErrorInfo *e, struct json_object **ret) {
        _cleanup_(json_putp) struct json_object *o = json_object_new_object();
        char hex[HRESULT_STRING_MAX];

        if (!o)
                return -ENOMEM;
        if (json_add_string(o, "hresult", output_hresult_hex(hex, e->hr)) < 0 ||
            json_add_string(o, "name", DoHResultName(e->hr)) < 0 ||
            json_add_int(o, "context", (int64_t) e->context) < 0 ||
            json_add_string(o, "description", e->description) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(o);
        return 0;
}

static int file_info_to_json(const FileInfo *f, struct json_object **ret) {
        _cleanup_(json_putp) struct json_object *o = json_object_new_object();

        if (!o)
                return -ENOMEM;
        if (json_add_string(o, "remote_name", f->remote_name) < 0 ||
            json_add_string(o, "local_name", f->local_name) < 0 ||
            json_add_u64(o, "bytes_total", f->progress.BytesTotal, true) < 0 ||
            json_add_u64(o, "bytes_transferred", f->progress.BytesTransferred, false) < 0 ||
            json_add_bool(o, "completed", f->progress.Completed) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(o);
        return 0;
}

static int job_info_to_json(const JobInfo *i, bool full, struct json_object **ret) {
        _cleanup_(json_putp) struct json_object *o = json_object_new_object();
        struct json_object *error = NULL, *files = NULL;
        char id[GUID_STRING_MAX];

        if (!o)
                return -ENOMEM;
        if (json_add_string(o, "id", guid_to_string(&i->id, id)) < 0 ||
            json_add_string(o, "name", i->name) < 0 ||
            json_add_string(o, "state", job_state_to_string(i->state)) < 0 ||
            json_add_string(o, "priority", job_priority_to_string(i->priority)) < 0 ||
            json_add_u64(o, "bytes_total", i->progress.BytesTotal, true) < 0 ||
            json_add_u64(o, "bytes_transferred", i->progress.BytesTransferred, false) < 0 ||
            json_add_u64(o, "files_total", i->progress.FilesTotal, false) < 0 ||
            json_add_u64(o, "files_transferred", i->progress.FilesTransferred, false) < 0)
                return -ENOMEM;

        /* "error" is always there, null when the job has none: a fixed set of keys is easier to use. */
        if (i->has_error && job_error_to_json(&i->error, &error) < 0)
                return -ENOMEM;
        if (json_add(o, "error", error) < 0)
                return -ENOMEM;

        if (!full) {
                *ret = TAKE_PTR(o);
                return 0;
        }

        files = json_object_new_array_ext((int) i->n_files);
        if (!files)
                return -ENOMEM;
        for (size_t k = 0; k < i->n_files; k++) {
                struct json_object *f = NULL;

                if (file_info_to_json(&i->files[k], &f) < 0 || json_object_array_add(files, f) < 0) {
                        json_object_put(f);
                        json_object_put(files);
                        return -ENOMEM;
                }
        }
        if (json_add(o, "files", files) < 0 ||
            json_add_time(o, "creation_time", &i->times.CreationTime) < 0 ||
            json_add_time(o, "modification_time", &i->times.ModificationTime) < 0 ||
            json_add_time(o, "transfer_completion_time", &i->times.TransferCompletionTime) < 0 ||
            json_add_string(o, "description", i->description) < 0 ||
            json_add_string(o, "owner", i->owner) < 0)
                return -ENOMEM;

        *ret = TAKE_PTR(o);
        return 0;
}

/* "1.50 MiB / 3.00 MiB (50%)", or "1.50 MiB / unknown" while a size is not known. */
static const char *format_progress_bytes(char *buf, size_t l, const BG_JOB_PROGRESS *p) {
        char done[FORMAT_BYTES_MAX], total[FORMAT_BYTES_MAX];
        int percent = progress_percent(p->BytesTransferred, p->BytesTotal);

        if (p->FilesTotal == 0) /* no files, nothing to be a percentage of */
                (void) snprintf(buf, l, "%s", format_bytes(done, p->BytesTransferred));
        else if (percent < 0)
                (void) snprintf(buf, l, "%s / unknown", format_bytes(done, p->BytesTransferred));
        else
                (void) snprintf(buf, l, "%s / %s (%d%%)", format_bytes(done, p->BytesTransferred),
                                format_bytes(total, p->BytesTotal), percent);
        return buf;
}

static const char *format_time(char buf[static FORMAT_ISO8601_MAX], const FILETIME *ft) {
        int r = filetime_to_iso8601(ft, buf);

        if (r == -ENODATA)
                return "never";
        if (r < 0)
                return "invalid";
        return buf;
}

static void job_info_print(const JobInfo *i) {
        char id[GUID_STRING_MAX], bytes[64], t[FORMAT_ISO8601_MAX], text[HRESULT_TEXT_MAX];

        output_field("Id", "%s", guid_to_string(&i->id, id));
        output_field("Name", "%s", i->name ? i->name : "");
        output_field("Description", "%s", i->description ? i->description : "");
        output_field("State", "%s", job_state_to_string(i->state));
        output_field("Priority", "%s", job_priority_to_string(i->priority));
        output_field("Owner", "%s", i->owner ? i->owner : "");
        output_field("Bytes", "%s", format_progress_bytes(bytes, sizeof(bytes), &i->progress));
        output_field("Files", "%u / %u", (unsigned) i->progress.FilesTransferred,
                     (unsigned) i->progress.FilesTotal);
        output_field("Created", "%s", format_time(t, &i->times.CreationTime));
        output_field("Modified", "%s", format_time(t, &i->times.ModificationTime));
        output_field("Transfer completed", "%s", format_time(t, &i->times.TransferCompletionTime));

        if (i->has_error) {
                const JobErrorInfo *e = &i->error;

                output_field("Error", "%s", output_hresult_text(text, e->hr));
                output_field("Error context", "%u %s%s%s", (unsigned) e->context,
                             error_context_to_string(e->context),
                             e->context_description && *e->context_description ? ": " : "",
                             e->context_description ? e->context_description : "");
                if (e->description && *e->description)
                        output_field("Error description", "%s", e->description);
                if (e->remote_name)
                        output_field("Error file", "%s", e->remote_name);
        }

        for (size_t k = 0; k < i->n_files; k++) {
                const FileInfo *f = &i->files[k];
                char done[FORMAT_BYTES_MAX], total[FORMAT_BYTES_MAX];

                printf("File %zu:\n", k);
                fputs("  Remote:   ", stdout);
                output_print_safe(f->remote_name);
                fputs("\n  Local:    ", stdout);
                output_print_safe(f->local_name);
                printf("\n  Progress: %s / %s%s\n", format_bytes(done, f->progress.BytesTransferred),
                       f->progress.BytesTotal == BG_SIZE_UNKNOWN ? "unknown" :
                       format_bytes(total, f->progress.BytesTotal),
                       f->progress.Completed ? ", completed" : "");
        }
}

int verb_info(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        JobInfo info = {};
        HRESULT hr;
        int r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;

        hr = job_info_read(job, /* full= */ true, &info);
        if (FAILED(hr)) {
                job_info_done(&info);
                return output_hresult_error(c->verb, hr);
        }

        if (c->json) {
                _cleanup_(json_putp) struct json_object *o = NULL;

                r = job_info_to_json(&info, /* full= */ true, &o);
                if (r >= 0)
                        r = output_json(o);
                if (r < 0) {
                        job_info_done(&info);
                        return output_error(c->verb, "Out of memory.");
                }
        } else
                job_info_print(&info);

        job_info_done(&info);
        return output_flush(c->verb);
}

static int job_info_compare(const void *a, const void *b) {
        const JobInfo *x = a, *y = b;
        uint64_t tx = filetime_to_u64(&x->times.CreationTime), ty = filetime_to_u64(&y->times.CreationTime);

        if (tx != ty)
                return tx < ty ? -1 : 1;
        return memcmp(&x->id, &y->id, sizeof(GUID));
}

static void job_infos_free(JobInfo *infos, size_t n) {
        for (size_t k = 0; k < n; k++)
                job_info_done(&infos[k]);
        free(infos);
}

/* Reads every job of EnumJobs(0) into *ret, oldest first. Returns S_OK or the failing HRESULT. */
static HRESULT list_read(IBackgroundCopyManager *m, JobInfo **ret, size_t *ret_n) {
        _cleanup_(enum_jobs_releasep) IEnumBackgroundCopyJobs *e = NULL;
        JobInfo *infos = NULL;
        size_t n = 0;
        ULONG count = 0;
        HRESULT hr;

        hr = IBackgroundCopyManager_EnumJobs(m, 0, &e);
        if (FAILED(hr))
                return hr;
        hr = IEnumBackgroundCopyJobs_GetCount(e, &count);
        if (FAILED(hr))
                return hr;
        if (count > 0) {
                infos = calloc(count, sizeof(JobInfo));
                if (!infos)
                        return E_OUTOFMEMORY;
        }

        while (n < count) {
                _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
                ULONG fetched = 0;

                hr = IEnumBackgroundCopyJobs_Next(e, 1, &job, &fetched);
                if (FAILED(hr))
                        break;
                hr = S_OK;
                if (fetched == 0 || !job)
                        break;

                hr = job_info_read(job, /* full= */ false, &infos[n]);
                /* Completed or cancelled since the snapshot: gone, as far as `list` is concerned. */
                if (hr == DO_E_JOB_NOT_FOUND || (SUCCEEDED(hr) && job_state_is_final(infos[n].state))) {
                        job_info_done(&infos[n]);
                        hr = S_OK;
                        continue;
                }
                if (FAILED(hr)) {
                        n++; /* so that what it holds is freed below */
                        break;
                }
                n++;
        }
        if (FAILED(hr)) {
                job_infos_free(infos, n);
                return hr;
        }

        if (n > 1)
                qsort(infos, n, sizeof(JobInfo), job_info_compare);
        *ret = infos;
        *ret_n = n;
        return S_OK;
}

static void list_print(const JobInfo *infos, size_t n) {
        printf("%-38s  %-15s  %-10s  %-20s  %s\n", "GUID", "STATE", "PRIORITY", "PROGRESS", "NAME");
        for (size_t k = 0; k < n; k++) {
                const JobInfo *i = &infos[k];
                char id[GUID_STRING_MAX], progress[64], percent[16];
                int p = progress_percent(i->progress.BytesTransferred, i->progress.BytesTotal);

                if (i->progress.FilesTotal == 0)
                        (void) snprintf(percent, sizeof(percent), "-");
                else if (p < 0)
                        (void) snprintf(percent, sizeof(percent), "?");
                else
                        (void) snprintf(percent, sizeof(percent), "%d%%", p);
                (void) snprintf(progress, sizeof(progress), "%s (%u/%u files)", percent,
                                (unsigned) i->progress.FilesTransferred, (unsigned) i->progress.FilesTotal);
                printf("%-38s  %-15s  %-10s  %-20s  ", guid_to_string(&i->id, id),
                       job_state_to_string(i->state), job_priority_to_string(i->priority), progress);
                output_print_safe(i->name);
                putchar('\n');
        }
}

int verb_list(Context *c, int argc, char **argv) {
        IBackgroundCopyManager *m;
        JobInfo *infos = NULL;
        size_t n = 0;
        HRESULT hr;
        int r;

        r = context_get_manager(c, &m);
        if (r != EXIT_OK)
                return r;

        hr = list_read(m, &infos, &n);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);

        if (c->json) {
                _cleanup_(json_putp) struct json_object *a = json_object_new_array_ext((int) n);

                r = a ? 0 : -ENOMEM;
                for (size_t k = 0; r >= 0 && k < n; k++) {
                        struct json_object *o = NULL;

                        r = job_info_to_json(&infos[k], /* full= */ false, &o);
                        if (r >= 0 && json_object_array_add(a, o) < 0) {
                                json_object_put(o);
                                r = -ENOMEM;
                        }
                }
                if (r >= 0)
                        r = output_json(a);
                if (r < 0) {
                        job_infos_free(infos, n);
                        return output_error(c->verb, "Out of memory.");
                }
        } else if (n == 0) {
                if (!c->quiet)
                        fputs("No jobs.\n", stderr);
        } else
                list_print(infos, n);

        job_infos_free(infos, n);
        return output_flush(c->verb);
}
