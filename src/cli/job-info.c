/* job-info.c: reading a job, its files and its error record through the API, and their JSON form
 * (see job-info.h).
 *
 * Only public API calls: GetError and the error object's getters, EnumFiles with Next, QueryInterface
 * for IBackgroundCopyFile2 (ranges), EnumJobs. Limits: a job with more files than its EnumFiles
 * count had (files added while we read) shows only the counted ones. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dosvc/hresult.h>

#include "job-info.h"
#include "job-state.h"
#include "macro.h"
#include "output.h"
#include "parse.h"
#include "util.h"

/* LanguageId for the description getters: LANG_NEUTRAL, i.e. the service's own language. */
#define DESCRIPTION_LANGUAGE 0u

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

        /* The rest is decoration: a service that has no text for it leaves the field NULL. */
        if (FAILED(IBackgroundCopyError_GetErrorDescription(err, DESCRIPTION_LANGUAGE, &e.description)))
                e.description = NULL;
        if (FAILED(IBackgroundCopyError_GetErrorContextDescription(err, DESCRIPTION_LANGUAGE,
                                                                   &e.context_description)))
                e.context_description = NULL;
        if (FAILED(IBackgroundCopyError_GetProtocol(err, &e.protocol)))
                e.protocol = NULL;         /* BG_E_PROTOCOL_NOT_AVAILABLE: not tied to a protocol */
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
        CoTaskMemFree(e->protocol);
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

int job_error_add_json(struct json_object *o, const JobErrorInfo *e, bool full) {
        char hex[HRESULT_STRING_MAX];

        if (json_add_string(o, "hresult", output_hresult_hex(hex, e->hr)) < 0 ||
            json_add_string(o, "name", DoHResultName(e->hr)) < 0 ||
            json_add_int(o, "context", (int64_t) e->context) < 0 ||
            json_add_string(o, "description", e->description) < 0)
                return -ENOMEM;
        if (full &&
            (json_add_string(o, "message", DoHResultMessage(e->hr)) < 0 ||
             json_add_string(o, "context_name", error_context_to_string(e->context)) < 0 ||
             json_add_string(o, "context_description", e->context_description) < 0 ||
             json_add_string(o, "protocol", e->protocol) < 0 ||
             json_add_string(o, "remote_name", e->remote_name) < 0 ||
             json_add_string(o, "local_name", e->local_name) < 0))
                return -ENOMEM;
        return 0;
}

int job_error_to_json(const JobErrorInfo *e, bool full, struct json_object **ret) {
        _cleanup_(json_putp) struct json_object *o = json_object_new_object();

        if (!o || job_error_add_json(o, e, full) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(o);
        return 0;
}

static void file_info_done(FileInfo *f) {
        CoTaskMemFree(f->remote_name);
        CoTaskMemFree(f->local_name);
        CoTaskMemFree(f->ranges);
        *f = (FileInfo) {};
}

void file_infos_free(FileInfo *files, size_t n) {
        for (size_t k = 0; k < n; k++)
                file_info_done(&files[k]);
        free(files);
}

static HRESULT file_info_read(IBackgroundCopyFile *file, FileInfo *f) {
        IBackgroundCopyFile2 *file2 = NULL;
        HRESULT hr;

        hr = IBackgroundCopyFile_GetRemoteName(file, &f->remote_name);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyFile_GetLocalName(file, &f->local_name);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyFile_GetProgress(file, &f->progress);
        if (FAILED(hr))
                return hr;

        hr = IBackgroundCopyFile_QueryInterface(file, &IID_IBackgroundCopyFile2, (void **) &file2);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyFile2_GetFileRanges(file2, &f->n_ranges, &f->ranges);
        IBackgroundCopyFile2_Release(file2);
        if (FAILED(hr))
                return hr;
        if (hr == S_FALSE || f->n_ranges == 0) {  /* the whole file */
                CoTaskMemFree(f->ranges);
                f->ranges = NULL;
                f->n_ranges = 0;
        }
        return S_OK;
}

/* EnumFiles and the enumerator's GetCount. On failure *ret may hold the enumerator all the same. */
static HRESULT job_enum_files(IBackgroundCopyJob *job, IEnumBackgroundCopyFiles **ret, ULONG *ret_count) {
        HRESULT hr;

        hr = IBackgroundCopyJob_EnumFiles(job, ret);
        if (FAILED(hr))
                return hr;
        return IEnumBackgroundCopyFiles_GetCount(*ret, ret_count);
}

HRESULT file_infos_read(IBackgroundCopyJob *job, FileInfo **ret, size_t *ret_n) {
        _cleanup_(enum_files_releasep) IEnumBackgroundCopyFiles *e = NULL;
        FileInfo *files = NULL;
        size_t n = 0;
        ULONG count = 0;
        HRESULT hr;

        *ret = NULL;
        *ret_n = 0;

        hr = job_enum_files(job, &e, &count);
        if (FAILED(hr))
                return hr;
        if (count == 0)
                return S_OK;

        files = calloc(count, sizeof(FileInfo));
        if (!files)
                return E_OUTOFMEMORY;

        /* The count was a snapshot; never write past what was allocated for it. */
        while (n < count) {
                _cleanup_(file_releasep) IBackgroundCopyFile *file = NULL;
                ULONG fetched = 0;

                hr = IEnumBackgroundCopyFiles_Next(e, 1, &file, &fetched);
                if (FAILED(hr))
                        break;
                hr = S_OK;
                if (fetched == 0 || !file)
                        break;

                files[n].index = (unsigned) n;
                hr = file_info_read(file, &files[n]);
                n++;                       /* so that what it holds is freed on failure */
                if (FAILED(hr))
                        break;
        }
        if (FAILED(hr)) {
                file_infos_free(files, n);
                return hr;
        }

        *ret = files;
        *ret_n = n;
        return S_OK;
}

HRESULT job_file_at(IBackgroundCopyJob *job, uint64_t index, IBackgroundCopyFile **ret, ULONG *ret_count) {
        _cleanup_(enum_files_releasep) IEnumBackgroundCopyFiles *e = NULL;
        _cleanup_(file_releasep) IBackgroundCopyFile *file = NULL;
        ULONG count = 0, fetched = 0;
        HRESULT hr;

        *ret = NULL;
        if (ret_count)
                *ret_count = 0;

        hr = job_enum_files(job, &e, &count);
        if (FAILED(hr))
                return hr;
        if (ret_count)
                *ret_count = count;
        if (index == JOB_FILE_LAST && count > 0)
                index = count - 1;
        if (index >= count)
                return S_FALSE;
        if (index > 0) {
                hr = IEnumBackgroundCopyFiles_Skip(e, (ULONG) index);
                if (FAILED(hr))
                        return hr;
        }
        hr = IEnumBackgroundCopyFiles_Next(e, 1, &file, &fetched);
        if (FAILED(hr))
                return hr;
        if (fetched != 1 || !file)
                return S_FALSE;
        *ret = TAKE_PTR(file);
        return S_OK;
}

/* A JSON array of the n items at `items`, item k made by to_json(items, k, flags). */
static int json_array_from(const void *items, size_t n, unsigned flags,
                           int (*to_json)(const void *items, size_t k, unsigned flags, struct json_object **ret),
                           struct json_object **ret) {
        _cleanup_(json_putp) struct json_object *a = json_object_new_array_ext((int) n);

        if (!a)
                return -ENOMEM;
        for (size_t k = 0; k < n; k++) {
                struct json_object *o = NULL;

                if (to_json(items, k, flags, &o) < 0 || json_object_array_add(a, o) < 0) {
                        json_object_put(o);
                        return -ENOMEM;
                }
        }
        *ret = TAKE_PTR(a);
        return 0;
}

static int ranges_to_json(const FileInfo *f, struct json_object **ret) {
        _cleanup_(json_putp) struct json_object *a = NULL;

        if (!f->ranges) {
                *ret = NULL;
                return 0;
        }
        a = json_object_new_array_ext((int) f->n_ranges);
        if (!a)
                return -ENOMEM;
        for (DWORD k = 0; k < f->n_ranges; k++) {
                struct json_object *r = json_object_new_object();

                if (!r)
                        return -ENOMEM;
                if (json_add_u64(r, "offset", f->ranges[k].InitialOffset, false) < 0 ||
                    json_add_u64(r, "length", f->ranges[k].Length, true) < 0 ||
                    json_object_array_add(a, r) < 0) {
                        json_object_put(r);
                        return -ENOMEM;
                }
        }
        *ret = TAKE_PTR(a);
        return 0;
}

int file_info_to_json(const FileInfo *f, struct json_object **ret) {
        _cleanup_(json_putp) struct json_object *o = json_object_new_object();
        struct json_object *ranges = NULL;

        if (!o)
                return -ENOMEM;
        if (json_add_u64(o, "index", f->index, false) < 0 ||
            json_add_string(o, "remote_name", f->remote_name) < 0 ||
            json_add_string(o, "local_name", f->local_name) < 0 ||
            json_add_u64(o, "bytes_total", f->progress.BytesTotal, true) < 0 ||
            json_add_u64(o, "bytes_transferred", f->progress.BytesTransferred, false) < 0 ||
            json_add_bool(o, "completed", f->progress.Completed) < 0 ||
            ranges_to_json(f, &ranges) < 0 ||
            json_add(o, "ranges", ranges) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(o);
        return 0;
}

static int file_item_to_json(const void *items, size_t k, unsigned flags, struct json_object **ret) {
        return file_info_to_json((const FileInfo *) items + k, ret);
}

int file_infos_to_json(const FileInfo *files, size_t n, struct json_object **ret) {
        return json_array_from(files, n, 0, file_item_to_json, ret);
}

void job_info_done(JobInfo *i) {
        CoTaskMemFree(i->name);
        CoTaskMemFree(i->description);
        CoTaskMemFree(i->owner);
        job_error_info_done(&i->error);
        file_infos_free(i->files, i->n_files);
        *i = (JobInfo) {};
}

HRESULT job_info_read(IBackgroundCopyJob *job, unsigned flags, JobInfo *ret) {
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

        if (flags & (JOB_INFO_OWNER | JOB_INFO_FULL)) {
                hr = IBackgroundCopyJob_GetOwner(job, &ret->owner);
                if (FAILED(hr))
                        return hr;
        }
        if (!(flags & JOB_INFO_FULL))
                return S_OK;

        hr = IBackgroundCopyJob_GetDescription(job, &ret->description);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyJob_GetType(job, &ret->type);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyJob_GetErrorCount(job, &ret->error_count);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyJob_GetNotifyFlags(job, &ret->notify_flags);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyJob_GetNoProgressTimeout(job, &ret->no_progress_timeout);
        if (FAILED(hr))
                return hr;
        hr = IBackgroundCopyJob_GetMinimumRetryDelay(job, &ret->minimum_retry_delay);
        if (FAILED(hr))
                return hr;
        return file_infos_read(job, &ret->files, &ret->n_files);
}

static int json_add_time(struct json_object *o, const char *key, const FILETIME *ft) {
        char buf[FORMAT_ISO8601_MAX];

        return json_add_string(o, key, filetime_to_iso8601(ft, buf) < 0 ? NULL : buf);
}

int job_times_to_json(struct json_object *o, const BG_JOB_TIMES *t) {
        if (json_add_time(o, "creation_time", &t->CreationTime) < 0 ||
            json_add_time(o, "modification_time", &t->ModificationTime) < 0 ||
            json_add_time(o, "transfer_completion_time", &t->TransferCompletionTime) < 0)
                return -ENOMEM;
        return 0;
}

static const char *format_time(char buf[static FORMAT_ISO8601_MAX], const FILETIME *ft) {
        int r = filetime_to_iso8601(ft, buf);

        if (r == -ENODATA)
                return "never";
        if (r < 0)
                return "invalid";
        return buf;
}

void job_times_print(const BG_JOB_TIMES *t) {
        char buf[FORMAT_ISO8601_MAX];

        output_field("Created", "%s", format_time(buf, &t->CreationTime));
        output_field("Modified", "%s", format_time(buf, &t->ModificationTime));
        output_field("Transfer completed", "%s", format_time(buf, &t->TransferCompletionTime));
}

int job_progress_to_json(struct json_object *o, const BG_JOB_PROGRESS *p) {
        if (json_add_u64(o, "bytes_total", p->BytesTotal, true) < 0 ||
            json_add_u64(o, "bytes_transferred", p->BytesTransferred, false) < 0 ||
            json_add_u64(o, "files_total", p->FilesTotal, false) < 0 ||
            json_add_u64(o, "files_transferred", p->FilesTransferred, false) < 0)
                return -ENOMEM;
        return 0;
}

int job_info_to_json(const JobInfo *i, unsigned flags, struct json_object **ret) {
        _cleanup_(json_putp) struct json_object *o = json_object_new_object();
        struct json_object *error = NULL, *files = NULL;
        char id[GUID_STRING_MAX];

        if (!o)
                return -ENOMEM;
        if (json_add_string(o, "id", guid_to_string(&i->id, id)) < 0 ||
            json_add_string(o, "name", i->name) < 0 ||
            json_add_string(o, "state", job_state_to_string(i->state)) < 0 ||
            json_add_string(o, "priority", job_priority_to_string(i->priority)) < 0 ||
            job_progress_to_json(o, &i->progress) < 0)
                return -ENOMEM;

        /* "error" is always there, null when the job has none: a fixed set of keys is easier to use. */
        if (i->has_error && job_error_to_json(&i->error, false, &error) < 0)
                return -ENOMEM;
        if (json_add(o, "error", error) < 0)
                return -ENOMEM;

        if (!(flags & JOB_INFO_FULL)) {
                if ((flags & JOB_INFO_OWNER) && json_add_string(o, "owner", i->owner) < 0)
                        return -ENOMEM;
                *ret = TAKE_PTR(o);
                return 0;
        }

        if (file_infos_to_json(i->files, i->n_files, &files) < 0)
                return -ENOMEM;
        if (json_add(o, "files", files) < 0 ||
            job_times_to_json(o, &i->times) < 0 ||
            json_add_string(o, "description", i->description) < 0 ||
            json_add_string(o, "owner", i->owner) < 0 ||
            json_add_string(o, "type", job_type_to_string(i->type)) < 0 ||
            json_add_u64(o, "error_count", i->error_count, false) < 0 ||
            json_add_u64(o, "notify_flags", i->notify_flags, false) < 0 ||
            json_add_u64(o, "no_progress_timeout", i->no_progress_timeout, false) < 0 ||
            json_add_u64(o, "minimum_retry_delay", i->minimum_retry_delay, false) < 0)
                return -ENOMEM;

        *ret = TAKE_PTR(o);
        return 0;
}

static int job_item_to_json(const void *items, size_t k, unsigned flags, struct json_object **ret) {
        return job_info_to_json((const JobInfo *) items + k, flags, ret);
}

int job_infos_to_json(const JobInfo *infos, size_t n, unsigned flags, struct json_object **ret) {
        return json_array_from(infos, n, flags, job_item_to_json, ret);
}

static int job_info_compare(const void *a, const void *b) {
        const JobInfo *x = a, *y = b;
        uint64_t tx = filetime_to_u64(&x->times.CreationTime), ty = filetime_to_u64(&y->times.CreationTime);

        if (tx != ty)
                return tx < ty ? -1 : 1;
        return memcmp(&x->id, &y->id, sizeof(GUID));
}

void job_infos_free(JobInfo *infos, size_t n) {
        for (size_t k = 0; k < n; k++)
                job_info_done(&infos[k]);
        free(infos);
}

HRESULT job_infos_read(IBackgroundCopyManager *m, DWORD enum_flags, unsigned info_flags, JobInfo **ret,
                       size_t *ret_n) {
        _cleanup_(enum_jobs_releasep) IEnumBackgroundCopyJobs *e = NULL;
        JobInfo *infos = NULL;
        size_t n = 0;
        ULONG count = 0;
        HRESULT hr;

        hr = IBackgroundCopyManager_EnumJobs(m, enum_flags, &e);
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

                hr = job_info_read(job, info_flags, &infos[n]);
                /* Completed or cancelled since the snapshot: gone, as far as a listing is concerned. */
                if (hr == DO_E_JOB_NOT_FOUND || (SUCCEEDED(hr) && job_state_is_final(infos[n].state))) {
                        job_info_done(&infos[n]);
                        hr = S_OK;
                        continue;
                }
                n++;                       /* so that what it holds is freed on failure */
                if (FAILED(hr))
                        break;
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

const char *format_progress_bytes(char *buf, size_t l, const BG_JOB_PROGRESS *p) {
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
