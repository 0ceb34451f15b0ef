/* verbs-job.c: the verbs that create, fill and end jobs and print little or nothing: create, addfile,
 * addfilewithranges, resume, suspend, cancel, complete, takeownership, reset.
 *
 * Each is one or a few API calls; the job's own rules (what a state allows, which path or range is
 * acceptable) are the service's, and its HRESULT is reported as it comes. What is done here: making
 * a relative local path absolute (the API only takes absolute ones), checking the syntax of ranges
 * and digests before anything is sent, and, for addfile --sha256, finding the file just added to
 * set its IntegrityCheckInfo. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doadmin.h"
#include "job-info.h"
#include "macro.h"
#include "output.h"
#include "parse.h"
#include "util.h"

int verb_create(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        IBackgroundCopyManager *m;
        char id[GUID_STRING_MAX];
        GUID guid = {};
        HRESULT hr;
        int r;

        r = context_get_manager(c, &m);
        if (r != EXIT_OK)
                return r;

        hr = IBackgroundCopyManager_CreateJob(m, argv[0], BG_JOB_TYPE_DOWNLOAD, &guid, &job);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        guid_to_string(&guid, id);

        if (c->priority >= 0) {
                hr = IBackgroundCopyJob_SetPriority(job, (BG_JOB_PRIORITY) c->priority);
                if (FAILED(hr)) {
                        /* Do not leave a job behind that is not what was asked for. */
                        (void) IBackgroundCopyJob_Cancel(job);
                        return output_hresult_error(c->verb, hr);
                }
        }

        if (c->json) {
                _cleanup_(json_putp) struct json_object *o = json_object_new_object();

                if (!o || json_add_string(o, "id", id) < 0 || json_add_string(o, "name", argv[0]) < 0 ||
                    output_json(o) < 0)
                        return output_error(c->verb, "Out of memory.");
        } else
                puts(id);

        return output_flush(c->verb);
}

/* Makes a local path absolute, reporting a failure as the verb's error. */
static int local_path(Context *c, const char *arg, char **ret) {
        int r;

        r = path_make_absolute_cwd(arg, ret);
        if (r == -EINVAL)
                return output_usage_error(c->verb, "The local path must not be empty.");
        if (r < 0) {
                errno = -r;
                return output_error(c->verb, "Failed to make '%s' absolute: %m", arg);
        }
        return EXIT_OK;
}

/* The last file of the job, which must have local path `path`: the one addfile just added. Another
 * client adding a file in between would make it someone else's: then S_FALSE and *ret NULL, for the
 * caller to refuse rather than guess. */
static HRESULT last_file(IBackgroundCopyJob *job, const char *path, IBackgroundCopyFile **ret) {
        _cleanup_(file_releasep) IBackgroundCopyFile *file = NULL;
        _cleanup_(co_task_mem_freep) char *name = NULL;
        HRESULT hr;

        *ret = NULL;
        hr = job_file_at(job, JOB_FILE_LAST, &file, NULL);
        if (hr != S_OK)
                return hr;
        hr = IBackgroundCopyFile_GetLocalName(file, &name);
        if (FAILED(hr))
                return hr;
        if (!streq(name, path))
                return S_FALSE;
        *ret = TAKE_PTR(file);
        return S_OK;
}

/* IDeliveryOptimizationFile2::SetProperty(DOFilePropertyId_IntegrityCheckInfo) with the hex digest. */
static HRESULT file_set_sha256(IBackgroundCopyFile *file, const char *hex) {
        IDeliveryOptimizationFile2 *file2 = NULL;
        VARIANT v;
        HRESULT hr;

        hr = IBackgroundCopyFile_QueryInterface(file, &IID_IDeliveryOptimizationFile2, (void **) &file2);
        if (FAILED(hr))
                return hr;

        VariantInit(&v);
        V_VT(&v) = VT_BSTR;
        V_BSTR(&v) = SysAllocString(hex);
        if (!V_BSTR(&v)) {
                IDeliveryOptimizationFile2_Release(file2);
                return E_OUTOFMEMORY;
        }
        hr = IDeliveryOptimizationFile2_SetProperty(file2, DOFilePropertyId_IntegrityCheckInfo, &v);
        (void) VariantClear(&v);
        IDeliveryOptimizationFile2_Release(file2);
        return hr;
}

int verb_addfile(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        _cleanup_(file_releasep) IBackgroundCopyFile *file = NULL;
        _cleanup_free_ char *path = NULL;
        HRESULT hr;
        int r;

        r = local_path(c, argv[2], &path);
        if (r != EXIT_OK)
                return r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;

        hr = IBackgroundCopyJob_AddFile(job, argv[1], path);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        if (!c->sha256[0])
                return EXIT_OK;

        hr = last_file(job, path, &file);
        if (SUCCEEDED(hr) && file)
                hr = file_set_sha256(file, c->sha256);
        if (FAILED(hr) || !file) {
                /* A file cannot be removed from a job: say plainly what state it is left in. */
                if (FAILED(hr))
                        output_hresult_error(c->verb, hr);
                else
                        output_error(c->verb, "Another client added a file to the job at the same time; "
                                     "cannot tell which file to set the SHA-256 of.");
                if (!c->quiet)
                        fprintf(stderr, "doadmin: %s: The file was added to the job, but without the SHA-256 "
                                "check; cancel the job if it must not download unchecked.\n", c->verb);
                return EXIT_API;
        }
        return EXIT_OK;
}

int verb_addfilewithranges(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        _cleanup_free_ BG_FILE_RANGE *ranges = NULL;
        _cleanup_free_ char *path = NULL;
        IDeliveryOptimizationJob *do_job = NULL;
        size_t n = 0;
        HRESULT hr;
        int r;

        r = parse_ranges(argv[3], &ranges, &n);
        if (r == -ENOMEM)
                return output_error(c->verb, "Out of memory.");
        if (r == -E2BIG)
                return output_usage_error(c->verb, "Too many ranges (at most %u).", PARSE_RANGES_MAX);
        if (r < 0)
                return output_usage_error(c->verb, "'%s' is not a range list: expected OFFSET:LENGTH[,...] "
                                          "in bytes, with LENGTH 'eof' for the rest of the file.", argv[3]);

        r = local_path(c, argv[2], &path);
        if (r != EXIT_OK)
                return r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;

        hr = IBackgroundCopyJob_QueryInterface(job, &IID_IDeliveryOptimizationJob, (void **) &do_job);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        /* The fileId only has to be unique within the job: the local path is, by construction. */
        hr = IDeliveryOptimizationJob_AddFileWithRanges(do_job, path, argv[1], path, (DWORD) n, ranges,
                                                        DO_UNKNOWN_FILE_SIZE);
        IDeliveryOptimizationJob_Release(do_job);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        return EXIT_OK;
}

/* The verbs that are one call without arguments on a job. */
static int job_simple_call(Context *c, const char *arg, HRESULT (*call)(IBackgroundCopyJob *job)) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        HRESULT hr;
        int r;

        r = context_get_job(c, arg, &job);
        if (r != EXIT_OK)
                return r;

        hr = call(job);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);

        if (hr == BG_S_PARTIAL_COMPLETE)
                output_note(c->quiet, c->verb,
                            "Note: only the files transferred completely were kept; the partial ones were "
                            "deleted (BG_S_PARTIAL_COMPLETE).");
        else if (hr == BG_S_UNABLE_TO_DELETE_FILES)
                output_note(c->quiet, c->verb,
                            "Note: some temporary files could not be deleted (BG_S_UNABLE_TO_DELETE_FILES).");
        return EXIT_OK;
}

/* The method macros may expand to expressions that are not function designators; wrap them. */
static HRESULT call_resume(IBackgroundCopyJob *job) {
        return IBackgroundCopyJob_Resume(job);
}

static HRESULT call_suspend(IBackgroundCopyJob *job) {
        return IBackgroundCopyJob_Suspend(job);
}

static HRESULT call_cancel(IBackgroundCopyJob *job) {
        return IBackgroundCopyJob_Cancel(job);
}

static HRESULT call_complete(IBackgroundCopyJob *job) {
        return IBackgroundCopyJob_Complete(job);
}

static HRESULT call_take_ownership(IBackgroundCopyJob *job) {
        return IBackgroundCopyJob_TakeOwnership(job);
}

int verb_resume(Context *c, int argc, char **argv) {
        return job_simple_call(c, argv[0], call_resume);
}

int verb_suspend(Context *c, int argc, char **argv) {
        return job_simple_call(c, argv[0], call_suspend);
}

int verb_cancel(Context *c, int argc, char **argv) {
        return job_simple_call(c, argv[0], call_cancel);
}

int verb_complete(Context *c, int argc, char **argv) {
        return job_simple_call(c, argv[0], call_complete);
}

int verb_takeownership(Context *c, int argc, char **argv) {
        return job_simple_call(c, argv[0], call_take_ownership);
}

/* bitsadmin /reset: cancel every job of the queue (the caller's, or everybody's with --all-users). A
 * job that fails to cancel is reported and the others are still cancelled. */
int verb_reset(Context *c, int argc, char **argv) {
        _cleanup_(enum_jobs_releasep) IEnumBackgroundCopyJobs *e = NULL;
        _cleanup_(json_putp) struct json_object *ids = NULL;
        IBackgroundCopyManager *m;
        unsigned n_cancelled = 0, n_failed = 0;
        HRESULT hr;
        int r;

        r = context_get_manager(c, &m);
        if (r != EXIT_OK)
                return r;
        if (c->json) {
                ids = json_object_new_array();
                if (!ids)
                        return output_error(c->verb, "Out of memory.");
        }

        hr = IBackgroundCopyManager_EnumJobs(m, c->all_users ? BG_JOB_ENUM_ALL_USERS : 0, &e);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);

        for (;;) {
                _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
                char id[GUID_STRING_MAX];
                ULONG fetched = 0;
                GUID guid = {};

                hr = IEnumBackgroundCopyJobs_Next(e, 1, &job, &fetched);
                if (FAILED(hr))
                        return output_hresult_error(c->verb, hr);
                if (fetched == 0 || !job)
                        break;
                hr = IBackgroundCopyJob_GetId(job, &guid);
                if (SUCCEEDED(hr))
                        hr = IBackgroundCopyJob_Cancel(job);
                /* Ended by someone else since EnumJobs: nothing left to do. */
                if (hr == DO_E_JOB_NOT_FOUND || hr == DO_E_INVALID_STATE)
                        continue;
                guid_to_string(&guid, id);
                if (FAILED(hr)) {
                        char text[HRESULT_TEXT_MAX];

                        (void) output_error(c->verb, "Failed to cancel %s: %s", id, output_hresult_text(text, hr));
                        n_failed++;
                        continue;
                }
                n_cancelled++;
                if (ids) {
                        struct json_object *s = json_object_new_string(id);

                        if (!s || json_object_array_add(ids, s) < 0) {
                                json_object_put(s);
                                return output_error(c->verb, "Out of memory.");
                        }
                } else
                        printf("%s cancelled\n", id);
        }

        if (ids && output_json(ids) < 0)
                return output_error(c->verb, "Out of memory.");
        output_note(c->quiet || c->json, c->verb, "%u job%s cancelled%s.", n_cancelled, n_cancelled == 1 ? "" : "s",
                    n_failed ? ", some could not be" : "");
        r = output_flush(c->verb);
        return n_failed ? EXIT_API : r;
}
