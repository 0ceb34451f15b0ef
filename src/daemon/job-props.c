/* job-props.c: job and file properties beyond IBackgroundCopyJob (see job-props.h).
 *
 * The rules a setter follows, in order: the file index, the property ID (unknown, write-only,
 * not implemented), the job's state (a final job refuses every setter, T18), the value's type, the
 * value itself, then what the file's progress allows. Values are stored on the Job/JobFile and
 * persisted through the store like every other field, before the answer. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "guid-util.h"
#include "hresult.h"
#include "integrity-info.h"
#include "job-props.h"
#include "log.h"
#include "macro.h"
#include "proxy-list.h"
#include "queue.h"
#include "ranges.h"

static HRESULT check_settable(Job *j) {
        JobStateContext ctx = job_state_context(j);

        return job_state_method(j->state, JOB_METHOD_SET_PROPERTY, &ctx, NULL);
}

/* ---- IBackgroundCopyJob5 ------------------------------------------------------------------- */

HRESULT job_props_set(Manager *m, Job *j, uint32_t id, const PropValue *v) {
        uint8_t clsid[16];
        HRESULT hr;

        if (id != BITS_JOB_PROPERTY_ID_COST_FLAGS && id != BITS_JOB_PROPERTY_NOTIFICATION_CLSID)
                return DO_E_UNKNOWN_PROPERTY_ID;   /* [DESIGN] spec §2.3: DO supports 1 and 2 only */
        hr = check_settable(j);
        if (FAILED(hr))
                return hr;

        if (id == BITS_JOB_PROPERTY_ID_COST_FLAGS) {
                if (v->type != 'u' || (v->u & ~JOB_COST_FLAGS_VALID))
                        return E_INVALIDARG;
                /* Stored and reported; Linux gives dosvc no network cost, so every network counts as
                 * unrestricted and every policy lets the transfer run (docs/decisions.md). */
                j->cost_flags = v->u;
        } else {
                if (v->type != 's' || !v->s || guid_text_parse(v->s, clsid) < 0)
                        return E_INVALIDARG;
                /* GUID_NULL clears it: all zero means "none" (job.h). No COM server is ever
                 * started from it (docs/decisions.md); it is kept so a client can read it back. */
                memcpy(j->notification_clsid, clsid, sizeof clsid);
        }
        manager_touch_job(m, j);
        return S_OK;
}

HRESULT job_props_get(Job *j, uint32_t id, PropValue *ret) {
        switch (id) {
        case BITS_JOB_PROPERTY_ID_COST_FLAGS:
                *ret = (PropValue) { .type = 'u', .u = j->cost_flags };
                return S_OK;
        case BITS_JOB_PROPERTY_NOTIFICATION_CLSID:
                *ret = (PropValue) { .type = 's' };
                ret->s = guid_text_format(j->notification_clsid, ret->buf);
                return S_OK;
        default:
                return DO_E_UNKNOWN_PROPERTY_ID;
        }
}

/* ---- IDeliveryOptimizationFile2 ------------------------------------------------------------ */

/* Whether any byte of the file was fetched or its transfer is underway: its destination and its
 * announced size are then fixed (the temp file and the request already depend on them). */
static bool file_started(Job *j, JobFile *f) {
        if (f->bytes_written > 0 || f->bytes_durable > 0 || f->transferred || f->completed)
                return true;
        return job_state_is_running(j->state) && job_next_file(j) == f;
}

static void save_file(Manager *m, Job *j, JobFile *f) {
        if (store_save_file(m->store, f) < 0)
                log_warning("Failed to store file %u of job %s; the running daemon keeps the new value.",
                            f->index, j->display_name);
        manager_touch_job(m, j);
}

static HRESULT set_sink_path(Manager *m, Job *j, JobFile *f, const char *path) {
        _cleanup_free_ char *local = NULL, *temp = NULL;
        HRESULT hr;
        int r;

        /* The same checks as AddFile's local name (spec §2.2, §2.11). */
        hr = queue_check_local_path(&m->limits, path);
        if (FAILED(hr))
                return hr;
        hr = queue_check_destination(j, path, f->index, &temp);   /* temp path in the canonical folder */
        if (FAILED(hr))
                return hr;
        if (streq(f->local_path, path))
                return S_OK;
        if (file_started(j, f))
                return DO_E_INVALID_STATE;

        local = strdup(path);
        if (!local)
                return E_OUTOFMEMORY;
        /* A file that has not started may still have left an empty temp file (a failed open of the
         * server): it belongs to the old destination's folder. Deleted with the owner's rights,
         * without following symlinks (files.h). */
        if (f->temp_path[0]) {
                FsUser user = FS_USER_NULL;

                r = fs_user_init(&user, j->file_owner);
                if (r >= 0)
                        r = files_unlink_temp(&user, f->temp_path);
                fs_user_done(&user);
                if (r < 0)
                        log_warning_errno(r, "Failed to delete '%s', ignoring: %m", f->temp_path);
        }

        free(f->local_path);
        f->local_path = TAKE_PTR(local);
        free(f->temp_path);
        f->temp_path = TAKE_PTR(temp);
        save_file(m, j, f);
        return S_OK;
}

static HRESULT set_total_size(Manager *m, Job *j, JobFile *f, uint64_t size) {
        if (size == DO_UNKNOWN_FILE_SIZE)
                size = BG_SIZE_UNKNOWN;
        if (size == f->remote_size)
                return S_OK;
        if (file_started(j, f))
                return DO_E_INVALID_STATE;
        /* The announced size, as AddFileWithRanges' fileSize: what progress reports until the server
         * tells the real one, which wins. */
        f->remote_size = size;
        f->bytes_total = f->n_ranges > 0 ? ranges_total(f->ranges, f->n_ranges, size) : size;
        save_file(m, j, f);
        return S_OK;
}

static HRESULT set_integrity_info(Manager *m, Job *j, JobFile *f, const char *s) {
        uint8_t sha[32];
        char *copy;
        int r;

        r = integrity_info_parse(s, sha);
        if (r == -EOPNOTSUPP)
                return E_NOTIMPL;          /* DO piece hashes: docs/decisions.md */
        if (r == -ENOMEM)
                return E_OUTOFMEMORY;
        if (r < 0)
                return E_INVALIDARG;
        if (f->transferred)
                return DO_E_INVALID_STATE; /* the check ran (or not) when the last byte arrived */

        copy = strdup(s);
        if (!copy)
                return E_OUTOFMEMORY;
        free(f->integrity_check_info);
        f->integrity_check_info = copy;
        memcpy(f->sha256, sha, sizeof sha);
        f->has_sha256 = true;
        save_file(m, j, f);
        return S_OK;
}

HRESULT job_props_file_set(Manager *m, Job *j, uint32_t index, uint32_t id, const PropValue *v) {
        JobFile *f;
        HRESULT hr;

        if (index >= j->n_files)
                return E_INVALIDARG;
        f = j->files[index];

        switch (id) {
        case DOFilePropertyId_DecryptionInfo:          /* we cannot decrypt: refuse, never pretend */
        case DOFilePropertyId_DownloadSinkInterface:   /* an in-process COM object; the daemon is not */
        case DOFilePropertyId_DownloadSinkMemoryStream: /* deprecated by DO */
                return E_NOTIMPL;
        case DOFilePropertyId_IntegrityCheckInfo:
        case DOFilePropertyId_IntegrityCheckMandatory:
        case DOFilePropertyId_DownloadSinkFilePath:
        case DOFilePropertyId_TotalSizeBytes:
                break;
        default:
                return DO_E_UNKNOWN_PROPERTY_ID;
        }

        hr = check_settable(j);
        if (FAILED(hr))
                return hr;

        switch (id) {
        case DOFilePropertyId_IntegrityCheckInfo:
                if (v->type != 's' || !v->s)
                        return E_INVALIDARG;
                return set_integrity_info(m, j, f, v->s);

        case DOFilePropertyId_IntegrityCheckMandatory:
                if (v->type != 'b')
                        return E_INVALIDARG;
                if (f->transferred && f->integrity_mandatory != v->b)
                        return DO_E_INVALID_STATE;
                f->integrity_mandatory = v->b;
                f->integrity_mandatory_set = true;
                save_file(m, j, f);
                return S_OK;

        case DOFilePropertyId_DownloadSinkFilePath:
                if (v->type != 's' || !v->s)
                        return E_INVALIDARG;
                return set_sink_path(m, j, f, v->s);

        case DOFilePropertyId_TotalSizeBytes:
                if (v->type != 't')
                        return E_INVALIDARG;
                return set_total_size(m, j, f, v->t);
        }
        return DO_E_UNKNOWN_PROPERTY_ID;          /* not reached */
}

HRESULT job_props_file_get(Job *j, uint32_t index, uint32_t id, PropValue *ret) {
        JobFile *f;

        if (index >= j->n_files)
                return E_INVALIDARG;
        f = j->files[index];

        switch (id) {
        case DOFilePropertyId_DecryptionInfo:
        case DOFilePropertyId_IntegrityCheckInfo:
                return DO_E_WRITE_ONLY_PROPERTY;       /* behaviour 80 */

        case DOFilePropertyId_DownloadSinkInterface:
        case DOFilePropertyId_DownloadSinkMemoryStream:
                return E_NOTIMPL;

        case DOFilePropertyId_IntegrityCheckMandatory:
                /* The store keeps the "was set" flag (schema v3), so a FALSE that was set reads
                 * FALSE after a restart too. A TRUE in force always reads TRUE. */
                if (!f->integrity_mandatory_set && !f->integrity_mandatory)
                        return E_NOT_SET;
                *ret = (PropValue) { .type = 'b', .b = f->integrity_mandatory };
                return S_OK;

        case DOFilePropertyId_DownloadSinkFilePath:
                if (!f->local_path[0])
                        return E_NOT_SET;
                *ret = (PropValue) { .type = 's', .s = f->local_path };
                return S_OK;

        case DOFilePropertyId_TotalSizeBytes:
                if (f->remote_size != BG_SIZE_UNKNOWN)
                        *ret = (PropValue) { .type = 't', .t = f->remote_size };
                else if (f->n_ranges == 0 && f->bytes_total != BG_SIZE_UNKNOWN)
                        *ret = (PropValue) { .type = 't', .t = f->bytes_total };
                else
                        return E_NOT_SET;
                return S_OK;

        default:
                return DO_E_UNKNOWN_PROPERTY_ID;
        }
}

/* ---- IDeliveryOptimizationFile::GetStats --------------------------------------------------- */

HRESULT job_props_file_stats(Job *j, uint32_t index, FileStats *ret) {
        const JobFile *f;
        uint64_t total, ms;
        uint32_t status;

        if (index >= j->n_files)
                return E_INVALIDARG;
        f = j->files[index];

        /* Network bytes over all attempts; a file counted before the daemon counted them (a v1
         * store) still has its bytes on disk, all of which came from the network. */
        total = MAX(f->bytes_downloaded, f->bytes_written);
        ms = f->download_usec / 1000;
        if (f->transferred || f->completed)
                status = SwarmStatus_Complete;
        else if (job_state_is_active(j->state))
                status = SwarmStatus_Downloading;
        else
                status = SwarmStatus_Paused;

        *ret = (FileStats) {
                .file_id = f->file_id ?: "",
                .source_url = f->remote_url ?: "",
                .file_size = f->remote_size != BG_SIZE_UNKNOWN ? f->remote_size : f->bytes_total,
                .total_bytes_downloaded = total,
                .bytes_from_http = total,                    /* no peers ([DESIGN] v1, behaviour 82) */
                .http_connection_count = total > 0 ? 1 : 0,  /* one connection at a time per file */
                .download_duration_ms = ms > UINT32_MAX ? UINT32_MAX : (uint32_t) ms,
                .download_mode = DownloadMode_Simple,        /* HTTP only, no cloud service */
                .status = status,
                .is_background = j->priority != BG_JOB_PRIORITY_FOREGROUND,
        };
        return S_OK;
}

/* ---- SetProxySettings, TakeOwnership ------------------------------------------------------- */

static HRESULT check_proxy_list(const char *s, HRESULT too_large) {
        ssize_t n = utf8_length(s);

        if (n < 0)
                return E_INVALIDARG;
        if ((size_t) n > JOB_PROXY_LIST_MAX)
                return too_large;
        for (const char *p = s; *p; p++)
                if ((unsigned char) *p < 0x20 || *p == 0x7f)
                        return BG_E_INVALID_PROXY_INFO;
        return S_OK;
}

HRESULT job_props_set_proxy(Manager *m, Job *j, uint32_t usage, const char *list, const char *bypass) {
        _cleanup_free_ char *l = NULL, *b = NULL;
        HRESULT hr;

        if (usage > BG_JOB_PROXY_USAGE_AUTODETECT || !list || !bypass)
                return E_INVALIDARG;
        hr = check_proxy_list(list, BG_E_PROXY_LIST_TOO_LARGE);
        if (FAILED(hr))
                return hr;
        hr = check_proxy_list(bypass, BG_E_PROXY_BYPASS_LIST_TOO_LARGE);
        if (FAILED(hr))
                return hr;
        /* [BITS] the lists go with OVERRIDE only, which needs a proxy list. */
        if (usage == BG_JOB_PROXY_USAGE_OVERRIDE ? !list[0] : (list[0] || bypass[0]))
                return E_INVALIDARG;
        /* Every entry of an OVERRIDE list must be a proxy we can use ([scheme=][proto://]host[:port],
         * proxy-list.h): nothing libcurl would take as a Unix socket, credentials or a path, since
         * curl runs as the daemon (root in system mode). A list of separators only names no proxy:
         * the transfer would go direct, the opposite of what OVERRIDE asks. */
        if (usage == BG_JOB_PROXY_USAGE_OVERRIDE && proxy_list_check(list) < 0)
                return BG_E_INVALID_PROXY_INFO;
        hr = check_settable(j);
        if (FAILED(hr))
                return hr;

        if (list[0]) {
                l = strdup(list);
                if (!l)
                        return E_OUTOFMEMORY;
        }
        if (bypass[0]) {
                b = strdup(bypass);
                if (!b)
                        return E_OUTOFMEMORY;
        }
        j->proxy_usage = usage;
        free(j->proxy_list);
        j->proxy_list = TAKE_PTR(l);
        free(j->proxy_bypass_list);
        j->proxy_bypass_list = TAKE_PTR(b);
        manager_touch_job(m, j);
        return S_OK;
}

HRESULT job_props_take_ownership(Manager *m, Job *j, uid_t uid) {
        HRESULT hr;

        /* [BITS] an administrator may take a job; dosvc's administrator is root. */
        if (uid != 0)
                return E_ACCESSDENIED;
        hr = check_settable(j);
        if (FAILED(hr))
                return hr;
        if (j->owner == uid)
                return S_OK;
        log_info("Job %s: owner %u → %u (TakeOwnership).", j->display_name, (unsigned) j->owner, (unsigned) uid);
        j->owner = uid;
        /* The former owner's notify command line would now run as the new owner (root): a user
         * could leave a program on a stuck job for an administrator to take. It goes; the new
         * owner sets one if it wants one. The files keep their creator's rights (file_owner). */
        j->notify_cmdline_program = mfree(j->notify_cmdline_program);
        j->notify_cmdline_parameters = mfree(j->notify_cmdline_parameters);
        manager_touch_job(m, j);
        return S_OK;
}
