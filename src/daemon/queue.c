/* queue.c: what a client call does to the queue and to a job (see queue.h).
 *
 * Each operation asks the state machine (job-state.c) whether the call is allowed and what state
 * follows, then performs the side effects in an order that keeps a crash harmless: files on disk
 * first (rename/unlink, fsync), then the store, then memory. Argument checks that are not state
 * questions (lengths, URLs, paths) happen here too, before anything changes. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "guid-util.h"
#include "hresult.h"
#include "log.h"
#include "macro.h"
#include "notify.h"
#include "queue.h"
#include "ranges.h"
#include "transfer.h"

HRESULT queue_check_display_name(const Limits *l, const char *name) {
        const Limits *lim = l ?: &LIMITS_DEFAULT;
        ssize_t n;

        if (!name)
                return E_INVALIDARG;
        /* Bounded before the O(n) UTF-8 walk: a character is at most 4 bytes. */
        if (strnlen(name, (size_t) lim->max_display_name_length * 4 + 1) > (size_t) lim->max_display_name_length * 4)
                return E_INVALIDARG;
        n = utf8_length(name);
        if (n < 0 || (size_t) n > lim->max_display_name_length)
                return E_INVALIDARG;
        return S_OK;
}

HRESULT queue_check_url(const Limits *l, const char *url) {
        const Limits *lim = l ?: &LIMITS_DEFAULT;
        CURLU *u;
        char *scheme = NULL, *host = NULL, *user = NULL, *password = NULL;
        HRESULT hr = S_OK;

        if (!url || !url[0] || strnlen(url, lim->max_url_length + 1) > lim->max_url_length || utf8_length(url) < 0)
                return E_INVALIDARG;
        for (const char *p = url; *p; p++)
                if ((unsigned char) *p <= 0x20 || *p == 0x7f)
                        return E_INVALIDARG;  /* spaces and controls: not a URL we would send */
        /* The plain form only: curl also takes "http:/h", "http:///h" and "http:\\h" for "http://h". */
        if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
                return E_INVALIDARG;
        if (url[url[4] == ':' ? 7 : 8] == '/' || url[url[4] == ':' ? 7 : 8] == '\\')
                return E_INVALIDARG;

        u = curl_url();
        if (!u)
                return E_OUTOFMEMORY;
        if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
            curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
            curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
                hr = E_INVALIDARG;
        else if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)
                hr = E_INVALIDARG;  /* BITS also takes SMB; dosvc takes only http and https */
        else if (!host[0])
                hr = E_INVALIDARG;
        /* Credentials in a URL would be logged and shown to anyone who may read the job
         * (GetRemoteName, doadmin): refused, even an empty "@" (docs/decisions.md). */
        else if (curl_url_get(u, CURLUPART_USER, &user, 0) != CURLUE_NO_USER ||
                 curl_url_get(u, CURLUPART_PASSWORD, &password, 0) != CURLUE_NO_PASSWORD)
                hr = E_INVALIDARG;
        curl_free(scheme);
        curl_free(host);
        curl_free(user);
        curl_free(password);
        curl_url_cleanup(u);
        return hr;
}

HRESULT queue_check_local_path(const Limits *l, const char *path) {
        const Limits *lim = l ?: &LIMITS_DEFAULT;
        size_t len;

        if (!path || path[0] != '/')
                return E_INVALIDARG;  /* BITS: a relative local path is refused */
        len = strnlen(path, lim->max_local_path_length + 1);
        if (len > lim->max_local_path_length || path[len - 1] == '/' || utf8_length(path) < 0)
                return E_INVALIDARG;
        /* Control characters (newlines above all) would forge lines in logs and listings. */
        for (const char *p = path; *p; p++)
                if ((unsigned char) *p < 0x20 || *p == 0x7f)
                        return E_INVALIDARG;
        /* No "." or ".." components: the path must say plainly where the file goes. */
        for (const char *p = path; (p = strchr(p, '/')); p++) {
                if ((p[1] == '.' && (p[2] == '/' || p[2] == '\0')) ||
                    (p[1] == '.' && p[2] == '.' && (p[3] == '/' || p[3] == '\0')) || p[1] == '/')
                        return E_INVALIDARG;
        }
        for (const char *p = path; *p; p++)
                if (*p == '*' || *p == '?')
                        return E_INVALIDARG;  /* BITS: no wildcards */
        return S_OK;
}

/* The destination's folder must exist and be writable by the job's owner, checked with the owner's
 * rights (files.h). The destination itself, if it exists, must not be a directory, FIFO, socket or
 * device. *ret_temp_path (may be NULL) gets the file's temp path in the folder's canonical form:
 * the only time symlinks in the path are followed (docs/decisions.md "Privilege separation"). */
static HRESULT check_destination(const Job *j, const char *path, unsigned index, char **ret_temp_path) {
        _cleanup_free_ char *folder = NULL, *canonical_local = NULL;
        FsUser user = FS_USER_NULL;
        int r;

        r = fs_user_init(&user, j->file_owner);
        if (r >= 0)
                r = files_check_destination(&user, path, &folder);
        fs_user_done(&user);
        switch (r) {
        case 0:
                break;
        case -ENOENT: case -ENOTDIR: case -EISDIR: case -EINVAL: case -ELOOP: case -ENAMETOOLONG:
                return E_INVALIDARG;
        case -EACCES: case -EPERM: case -EROFS:
                return E_ACCESSDENIED;   /* behaviour 62 */
        default:
                return hresult_from_errno(r);
        }
        if (!ret_temp_path)
                return S_OK;
        if (asprintf(&canonical_local, "%s/%s", streq(folder, "/") ? "" : folder, strrchr(path, '/') + 1) < 0)
                return E_OUTOFMEMORY;
        r = job_file_temp_path(canonical_local, &j->id, index, ret_temp_path);
        return r < 0 ? hresult_from_errno(r) : S_OK;
}

HRESULT queue_create_job(Manager *m, const char *display_name, uint32_t type, uid_t uid, Job **ret) {
        _cleanup_(job_freep) Job *j = NULL;
        unsigned per_user = 0, per_machine = 0;
        sd_id128_t id;
        HRESULT hr;
        int r;

        hr = queue_check_display_name(&m->limits, display_name);
        if (FAILED(hr))
                return hr;
        if (type != BG_JOB_TYPE_DOWNLOAD)
                return E_INVALIDARG;  /* DO has download jobs only */

        for (size_t i = 0; i < m->n_jobs; i++) {
                if (job_state_is_final(m->jobs[i]->state))
                        continue;
                per_machine++;
                if (m->jobs[i]->owner == uid)
                        per_user++;
        }
        /* root and services are exempt from the per-user limit, as administrators are in BITS */
        if (uid != 0 && per_user >= m->limits.max_jobs_per_user)
                return BG_E_TOO_MANY_JOBS_PER_USER;
        if (per_machine >= m->limits.max_jobs_per_machine)
                return BG_E_TOO_MANY_JOBS_PER_MACHINE;

        r = sd_id128_randomize(&id);
        if (r < 0)
                return hresult_from_errno(r);
        r = job_new(&id, display_name, BG_JOB_TYPE_DOWNLOAD, uid, now_realtime_usec(), &j);
        if (r < 0)
                return hresult_from_errno(r);

        r = store_save_job(m->store, j);
        if (r < 0)
                return E_FAIL;
        r = manager_add_job(m, j);
        if (r < 0) {
                (void) store_delete_job(m->store, &j->id);
                return hresult_from_errno(r);
        }
        *ret = TAKE_PTR(j);
        return S_OK;
}

static HRESULT check_method(Job *j, JobMethod method, BG_JOB_STATE *ret_state) {
        JobStateContext ctx = job_state_context(j);

        return job_state_method(j->state, method, &ctx, ret_state);
}

/* Add files all-or-nothing: validate all, append all, store all in one transaction. */
static HRESULT add_files(Manager *m, Job *j, const char *file_id, const FileSpec *files, size_t n_files,
                         const BG_FILE_RANGE *ranges, size_t n_ranges, uint64_t file_size) {
        BG_JOB_STATE next;
        size_t added = 0;
        HRESULT hr;
        int r;

        hr = check_method(j, JOB_METHOD_ADD_FILE, &next);
        if (FAILED(hr))
                return hr;
        if (n_files == 0)
                return E_INVALIDARG;
        if (n_files > m->limits.max_files_per_job || j->n_files + n_files > m->limits.max_files_per_job)
                return BG_E_TOO_MANY_FILES_IN_JOB;
        if (n_ranges > m->limits.max_ranges_per_file)
                return BG_E_TOO_MANY_RANGES_IN_FILE;

        for (size_t i = 0; i < n_files; i++) {
                hr = queue_check_url(&m->limits, files[i].remote_url);
                if (FAILED(hr))
                        return hr;
                if (!files[i].local_path)
                        continue;  /* DO Job2::AddFile: the destination comes later */
                hr = queue_check_local_path(&m->limits, files[i].local_path);
                if (FAILED(hr))
                        return hr;
                hr = check_destination(j, files[i].local_path, 0, NULL);
                if (FAILED(hr))
                        return hr;
        }

        for (; added < n_files; added++) {
                JobFile *f;

                r = job_add_file(j, file_id ?: "", files[added].remote_url, files[added].local_path ?: "",
                                 ranges, n_ranges, file_size, NULL);
                if (r < 0) {
                        hr = r == -E2BIG ? BG_E_TOO_MANY_FILES_IN_JOB : hresult_from_errno(r);
                        goto undo;
                }
                /* The temp file lives in the folder's canonical form, resolved now (files.h). */
                f = j->files[j->n_files - 1];
                if (files[added].local_path) {
                        char *temp = NULL;

                        hr = check_destination(j, files[added].local_path, f->index, &temp);
                        if (FAILED(hr)) {
                                added++;
                                goto undo;
                        }
                        free(f->temp_path);
                        f->temp_path = temp;
                }
        }

        r = store_begin(m->store);
        if (r < 0) {
                hr = E_FAIL;
                goto undo;
        }
        for (size_t i = j->n_files - n_files; i < j->n_files; i++) {
                r = store_save_file(m->store, j->files[i]);
                if (r < 0)
                        break;
        }
        if (r >= 0) {
                j->modification_time = now_realtime_usec();
                r = store_save_job(m->store, j);
        }
        if (r >= 0)
                r = store_commit(m->store);
        if (r < 0) {
                (void) store_rollback(m->store);
                hr = E_FAIL;
                goto undo;
        }
        j->state = next;
        manager_notify(m, j, JOB_NOTIFY_MODIFIED, NULL);   /* files added: JobModification */
        return S_OK;

undo:
        while (added-- > 0)
                job_remove_last_file(j);
        return hr;
}

HRESULT queue_job_add_files(Manager *m, Job *j, const FileSpec *files, size_t n_files) {
        return add_files(m, j, NULL, files, n_files, NULL, 0, BG_SIZE_UNKNOWN);
}

HRESULT queue_job_add_file_with_ranges(Manager *m, Job *j, const char *file_id, const char *remote_url,
                                       const char *local_path, const BG_FILE_RANGE *ranges, size_t n_ranges,
                                       uint64_t file_size, unsigned *ret_index) {
        FileSpec spec = { remote_url, local_path };
        HRESULT hr;

        /* NULL: IDeliveryOptimizationJob2::AddFile, whose destination is set later with
         * DownloadSinkFilePath; "" from a client is refused (behaviour 61). */
        if (local_path && !local_path[0])
                return E_INVALIDARG;
        if (!file_id || strnlen(file_id, m->limits.max_url_length + 1) > m->limits.max_url_length ||
            utf8_length(file_id) < 0)
                return E_INVALIDARG;
        /* [DESIGN] rangeCount 0 means the whole file, as in IDeliveryOptimizationJob2::AddFile. */
        if (n_ranges > m->limits.max_ranges_per_file)
                return BG_E_TOO_MANY_RANGES_IN_FILE;
        hr = ranges_validate(ranges, n_ranges);
        if (FAILED(hr))
                return hr;

        hr = add_files(m, j, file_id, &spec, 1, ranges, n_ranges,
                       file_size == DO_UNKNOWN_FILE_SIZE ? BG_SIZE_UNKNOWN : file_size);
        if (SUCCEEDED(hr) && ret_index)
                *ret_index = (unsigned) (j->n_files - 1);
        return hr;
}

HRESULT queue_job_resume(Manager *m, Job *j) {
        BG_JOB_STATE next, prev = j->state;
        HRESULT hr;

        hr = check_method(j, JOB_METHOD_RESUME, &next);
        if (FAILED(hr))
                return hr;
        /* A file added by DO Job2::AddFile cannot transfer before DownloadSinkFilePath is set. */
        for (size_t i = 0; i < j->n_files; i++)
                if (!j->files[i]->transferred && !j->files[i]->local_path[0])
                        return DO_E_LOCALPATH_NOT_SET;
        /* A client's Resume restarts the no-progress timer (and retries a TRANSIENT_ERROR job at
         * once: T11). */
        j->last_progress_usec = now_monotonic_usec();
        j->restarts = 0;
        if (next != j->state) {
                j->state = next;
                if (next == BG_JOB_STATE_QUEUED)
                        j->queued_seq = ++m->queued_seq;
                if (next == BG_JOB_STATE_TRANSFERRED)
                        j->transfer_completion_time = now_realtime_usec();
        }
        manager_touch_job(m, j);
        if (next == BG_JOB_STATE_TRANSFERRED && prev != BG_JOB_STATE_TRANSFERRED)
                manager_notify(m, j, JOB_NOTIFY_TRANSFERRED, NULL);
        scheduler_kick(m);
        return S_OK;
}

HRESULT queue_job_suspend(Manager *m, Job *j) {
        BG_JOB_STATE next;
        HRESULT hr;

        hr = check_method(j, JOB_METHOD_SUSPEND, &next);
        if (FAILED(hr))
                return hr;
        if (j->transfer)
                transfer_stop(j->transfer);  /* checkpoints: Resume continues from these bytes */
        if (next != j->state) {
                j->state = next;
                manager_touch_job(m, j);
                scheduler_kick(m);  /* a slot may have freed up */
        }
        return S_OK;
}

/* Delete the temp files of every file not delivered. Returns false when one could not be deleted. */
static bool delete_temp_files(Job *j) {
        bool ok = true;

        FsUser user = FS_USER_NULL;
        int r, init;

        init = fs_user_init(&user, j->file_owner);   /* failed: touch nothing (fail closed) */
        for (size_t i = 0; i < j->n_files; i++) {
                JobFile *f = j->files[i];

                if (f->completed || !f->temp_path[0])
                        continue;
                /* With the owner's rights, in the folder reached without symlinks; a symlink at
                 * the temp name is removed, never followed (files.h). */
                r = init < 0 ? init : files_unlink_temp(&user, f->temp_path);
                if (r < 0) {
                        log_warning_errno(r, "Failed to delete '%s': %m", f->temp_path);
                        ok = false;
                }
        }
        fs_user_done(&user);
        return ok;
}

/* The job leaves the queue for good. Its notify command line no longer runs, unless already running
 * (notify.h). It stays reachable, but each owner keeps only so many final jobs: the oldest of its
 * owner's (and of the machine's) go now, never j itself (manager_trim_final_jobs, docs/decisions.md
 * "Limits"). */
static void job_make_final(Manager *m, Job *j, BG_JOB_STATE state) {
        j->state = state;
        j->final_time = now_realtime_usec();
        manager_touch_job(m, j);
        notify_job_forget(m, j);
        manager_trim_final_jobs(m, j);
        scheduler_kick(m);
}

HRESULT queue_job_cancel(Manager *m, Job *j) {
        BG_JOB_STATE next;
        HRESULT hr;

        hr = check_method(j, JOB_METHOD_CANCEL, &next);
        if (FAILED(hr))
                return hr;
        if (j->transfer)
                transfer_abort(j->transfer);  /* stops the network transfer at once (behaviour 88) */
        hr = delete_temp_files(j) ? S_OK : BG_S_UNABLE_TO_DELETE_FILES;
        job_make_final(m, j, next);
        log_info("Job %s cancelled.", j->display_name);
        return hr;
}

HRESULT queue_job_complete(Manager *m, Job *j) {
        BG_JOB_STATE next;
        bool partial = false;
        HRESULT hr;
        int r;

        _cleanup_(fs_user_done) FsUser user = FS_USER_NULL;

        hr = check_method(j, JOB_METHOD_COMPLETE, &next);
        if (FAILED(hr))
                return hr;
        r = fs_user_init(&user, j->file_owner);
        if (r < 0)
                return hresult_from_errno(r);
        /* Only files fully transferred before this call are kept: the one downloading is dropped. */
        if (j->transfer)
                transfer_abort(j->transfer);

        for (size_t i = 0; i < j->n_files; i++) {
                JobFile *f = j->files[i];

                if (f->completed)
                        continue;
                if (!f->transferred) {
                        partial = true;
                        continue;
                }
                /* The temp file was fsync'ed when its last byte arrived; the rename replaces an
                 * existing destination atomically (a symlink there is replaced, not followed), then
                 * the folder is fsync'ed; with the owner's rights, without symlinks (files.h). */
                r = files_deliver(&user, f->temp_path, f->local_path);
                if (r < 0) {
                        log_warning_errno(r, "Failed to rename '%s' to '%s': %m", f->temp_path, f->local_path);
                        /* T15: files already renamed stay available; the job stays as it is. */
                        (void) store_save_file_progress(m->store, f);
                        return hresult_from_errno(r);
                }
                f->completed = true;
                if (store_save_file_progress(m->store, f) < 0)
                        log_warning("Failed to record that '%s' was delivered, continuing.", f->local_path);
        }

        if (!delete_temp_files(j))
                hr = BG_S_UNABLE_TO_DELETE_FILES;
        else if (partial)
                hr = BG_S_PARTIAL_COMPLETE;
        else
                hr = S_OK;
        job_make_final(m, j, next);
        log_info("Job %s completed (0x%08X).", j->display_name, (unsigned) hr);
        return hr;
}

static HRESULT set_string(Manager *m, Job *j, JobMethod method, char **field, const char *value) {
        char *copy;
        HRESULT hr;

        hr = check_method(j, method, NULL);
        if (FAILED(hr))
                return hr;
        copy = strdup(value);
        if (!copy)
                return E_OUTOFMEMORY;
        free(*field);
        *field = copy;
        manager_touch_job(m, j);
        return S_OK;
}

HRESULT queue_job_set_display_name(Manager *m, Job *j, const char *name) {
        HRESULT hr = queue_check_display_name(&m->limits, name);

        if (FAILED(hr))
                return hr;
        return set_string(m, j, JOB_METHOD_SET_DISPLAY_NAME, &j->display_name, name);
}

HRESULT queue_job_set_description(Manager *m, Job *j, const char *text) {
        ssize_t n;

        if (!text)
                return E_INVALIDARG;
        /* Bounded before the O(n) UTF-8 walk: a character is at most 4 bytes. */
        if (strnlen(text, (size_t) m->limits.max_description_length * 4 + 1) >
            (size_t) m->limits.max_description_length * 4)
                return BG_E_STRING_TOO_LONG;
        n = utf8_length(text);
        if (n < 0)
                return E_INVALIDARG;
        if ((size_t) n > m->limits.max_description_length)
                return BG_E_STRING_TOO_LONG;
        return set_string(m, j, JOB_METHOD_SET_DESCRIPTION, &j->description, text);
}

HRESULT queue_job_set_priority(Manager *m, Job *j, uint32_t priority) {
        bool was_foreground = j->priority == BG_JOB_PRIORITY_FOREGROUND;
        HRESULT hr;

        if (priority > BG_JOB_PRIORITY_LOW)
                return E_NOTIMPL;  /* BITS: a value outside the enumeration */
        hr = check_method(j, JOB_METHOD_SET_PRIORITY, NULL);
        if (FAILED(hr))
                return hr;
        /* The no-progress timeout follows the priority class while the client has not set it
         * ([DESIGN] spec §5: FOREGROUND 3600 s, others 86400 s). */
        if (!was_foreground && priority == BG_JOB_PRIORITY_FOREGROUND &&
            j->no_progress_timeout == JOB_NO_PROGRESS_TIMEOUT_BACKGROUND)
                j->no_progress_timeout = JOB_NO_PROGRESS_TIMEOUT_FOREGROUND;
        else if (was_foreground && priority != BG_JOB_PRIORITY_FOREGROUND &&
                 j->no_progress_timeout == JOB_NO_PROGRESS_TIMEOUT_FOREGROUND)
                j->no_progress_timeout = JOB_NO_PROGRESS_TIMEOUT_BACKGROUND;
        j->priority = (BG_JOB_PRIORITY) priority;
        manager_touch_job(m, j);
        scheduler_kick(m);
        return S_OK;
}

HRESULT queue_job_set_notify_flags(Manager *m, Job *j, uint32_t flags) {
        HRESULT hr;

        if (flags & ~JOB_NOTIFY_FLAGS_ALL)
                return E_NOTIMPL;  /* BITS: an invalid flag value */
        hr = check_method(j, JOB_METHOD_SET_NOTIFY_FLAGS, NULL);
        if (FAILED(hr))
                return hr;
        j->notify_flags = flags;
        manager_touch_job(m, j);
        return S_OK;
}

/* BITS IBackgroundCopyJob2::SetNotifyCmdLine. An empty program clears the command line (and then the
 * parameters must be empty too: BITS fails "program NULL, parameters not NULL"). The program is an
 * absolute path (no search path is used, as in BITS); the parameters are the whole command line,
 * argv[0] first, split as cmdline.h says. Nothing is executed here unless the job already rests in
 * TRANSFERRED or ERROR with the matching notify flag: BITS runs a command line set after the event. */
HRESULT queue_job_set_notify_cmdline(Manager *m, Job *j, const char *program, const char *parameters) {
        char *p = NULL, *a = NULL;
        HRESULT hr;

        if (!program || !parameters)
                return E_INVALIDARG;
        if (!program[0] && parameters[0])
                return E_INVALIDARG;
        if (utf8_length(program) < 0 || utf8_length(parameters) < 0)
                return E_INVALIDARG;
        if (strlen(program) > NOTIFY_CMDLINE_PROGRAM_MAX || strlen(parameters) > NOTIFY_CMDLINE_PARAMETERS_MAX)
                return BG_E_STRING_TOO_LONG;
        if (program[0] && program[0] != '/')
                return E_INVALIDARG;
        for (const char *c = program; *c; c++)
                if ((unsigned char) *c < 0x20 || *c == 0x7f)
                        return E_INVALIDARG;
        for (const char *c = parameters; *c; c++)
                if (((unsigned char) *c < 0x20 && *c != '\t') || *c == 0x7f)
                        return E_INVALIDARG;
        hr = check_method(j, JOB_METHOD_SET_NOTIFY_FLAGS, NULL);   /* same rule: not in a final state */
        if (FAILED(hr))
                return hr;

        if (program[0]) {
                p = strdup(program);
                a = parameters[0] ? strdup(parameters) : NULL;
                if (!p || (parameters[0] && !a)) {
                        free(p);
                        free(a);
                        return E_OUTOFMEMORY;
                }
        }
        free(j->notify_cmdline_program);
        free(j->notify_cmdline_parameters);
        j->notify_cmdline_program = p;
        j->notify_cmdline_parameters = a;
        manager_touch_job(m, j);
        notify_cmdline_changed(m, j);
        return S_OK;
}

HRESULT queue_job_set_no_progress_timeout(Manager *m, Job *j, uint32_t seconds) {
        HRESULT hr = check_method(j, JOB_METHOD_SET_NO_PROGRESS_TIMEOUT, NULL);

        if (FAILED(hr))
                return hr;
        j->no_progress_timeout = seconds;
        manager_touch_job(m, j);
        return S_OK;
}

HRESULT queue_job_set_minimum_retry_delay(Manager *m, Job *j, uint32_t seconds) {
        HRESULT hr = check_method(j, JOB_METHOD_SET_MINIMUM_RETRY_DELAY, NULL);

        if (FAILED(hr))
                return hr;
        j->minimum_retry_delay = MAX(seconds, JOB_MINIMUM_RETRY_DELAY_MIN);
        manager_touch_job(m, j);
        return S_OK;
}

HRESULT queue_job_set_remote_name(Manager *m, Job *j, uint32_t index, const char *url) {
        JobFile *f;
        char *copy;
        HRESULT hr;

        hr = queue_check_url(&m->limits, url);
        if (FAILED(hr))
                return hr;
        if (index >= j->n_files)
                return E_INVALIDARG;
        hr = check_method(j, JOB_METHOD_SET_REMOTE_NAME, NULL);
        if (FAILED(hr))
                return hr;
        f = j->files[index];
        copy = strdup(url);
        if (!copy)
                return E_OUTOFMEMORY;
        free(f->remote_url);
        f->remote_url = copy;
        /* The bytes on disk stay (spec §2.5) and so do the validators they came with: the resume
         * from the new URL sends If-Range with them and checks the 206 against them, so a new
         * server whose copy differs (another ETag, date or size) makes the file start over
         * instead of splicing two copies. */
        if (store_save_file(m->store, f) < 0)
                return E_FAIL;
        manager_touch_job(m, j);
        return S_OK;
}

HRESULT queue_check_destination(const Job *j, const char *path, unsigned index, char **ret_temp_path) {
        return check_destination(j, path, index, ret_temp_path);
}

/* T17: a job neither completed nor cancelled 30 days after its creation is cancelled by the service
 * (manager.c decides when), exactly as a client Cancel would: the transfer stops, every temp file
 * goes, the job becomes CANCELLED and leaves the queue. */
HRESULT queue_job_expire(Manager *m, Job *j) {
        BG_JOB_STATE next;
        int r;

        r = job_state_event(j->state, JOB_EVENT_EXPIRED, &next);
        if (r < 0)
                return DO_E_INVALID_STATE;
        if (j->transfer)
                transfer_abort(j->transfer);
        if (!delete_temp_files(j))
                log_warning("Job %s expired; some of its temporary files could not be deleted.", j->display_name);
        job_make_final(m, j, next);
        log_info("Job %s expired: neither completed nor cancelled within 30 days (DO_E_JOB_TOO_OLD).",
                 j->display_name);
        return S_OK;
}

/* BG_SSL_* (0x1F, cert checks) and BG_HTTP_REDIRECT_POLICY_* (0x700, 0x800): the flags BITS defines. */
#define JOB_SECURITY_FLAGS_KNOWN 0x0F1Fu

HRESULT queue_job_set_security_flags(Manager *m, Job *j, uint32_t flags) {
        HRESULT hr;

        if (flags & ~JOB_SECURITY_FLAGS_KNOWN)
                return E_INVALIDARG;
        hr = check_method(j, JOB_METHOD_SET_PROPERTY, NULL);
        if (FAILED(hr))
                return hr;
        j->security_flags = flags;
        manager_touch_job(m, j);
        return S_OK;
}
