/* verbs-job.c: the verbs that act on one job and print little or nothing: create, addfile, resume,
 * suspend, cancel, complete, setpriority.
 *
 * Each is one or two API calls; the job's own rules (what a state allows, which path is acceptable)
 * are the daemon's, and its HRESULT is reported as it comes. The one thing done here is making a
 * relative local path absolute, since the API only takes absolute ones. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "doadmin.h"
#include "macro.h"
#include "output.h"
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

int verb_addfile(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        _cleanup_free_ char *path = NULL;
        HRESULT hr;
        int r;

        r = path_make_absolute_cwd(argv[2], &path);
        if (r == -EINVAL)
                return output_usage_error(c->verb, "The local path must not be empty.");
        if (r < 0) {
                errno = -r;
                return output_error(c->verb, "Failed to make '%s' absolute: %m", argv[2]);
        }

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;

        hr = IBackgroundCopyJob_AddFile(job, argv[1], path);
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

int verb_setpriority(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        BG_JOB_PRIORITY priority;
        HRESULT hr;
        int r;

        r = parse_priority(c->verb, argv[1], &priority);
        if (r != EXIT_OK)
                return r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;

        hr = IBackgroundCopyJob_SetPriority(job, priority);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        return EXIT_OK;
}
