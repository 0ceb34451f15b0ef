/* verbs-props.c: one verb per property of a job, as bitsadmin has them: get<property> prints the value
 * (alone on a line, or "Key: value" lines for a structure; one JSON object with --json), and
 * set<property> changes it and prints nothing.
 *
 * Each verb is the API call of its name and nothing more: values are parsed here (priorities, flag
 * names, durations, proxy usages), but whether a value is acceptable in the job's state is the
 * service's answer, reported as its HRESULT. Verbs of the IBackgroundCopyJob2 and IBackgroundCopyFile2
 * interfaces go through QueryInterface, as a program would. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doadmin.h"
#include "job-info.h"
#include "job-state.h"
#include "macro.h"
#include "output.h"
#include "parse.h"
#include "util.h"

/* Prints one JSON object {key: value} (value may be NULL: null), or the text form of the value. */
static int print_one(Context *c, const char *key, struct json_object *value, const char *text) {
        if (c->json) {
                _cleanup_(json_putp) struct json_object *o = json_object_new_object();

                if (!o || json_add(o, key, value) < 0 || output_json(o) < 0)
                        return output_error(c->verb, "Out of memory.");
        } else {
                json_object_put(value);
                output_print_safe(text);
                putchar('\n');
        }
        return output_flush(c->verb);
}

static int print_string(Context *c, const char *key, const char *s) {
        struct json_object *v = NULL;

        if (c->json && s) {
                v = json_object_new_string(s);
                if (!v)
                        return output_error(c->verb, "Out of memory.");
        }
        return print_one(c, key, v, s ? s : "");
}

static int print_u64(Context *c, const char *key, uint64_t n) {
        struct json_object *v = NULL;
        char text[32];

        if (c->json) {
                v = json_object_new_uint64(n);
                if (!v)
                        return output_error(c->verb, "Out of memory.");
        }
        (void) snprintf(text, sizeof(text), "%llu", (unsigned long long) n);
        return print_one(c, key, v, text);
}

/* ---- getters ---------------------------------------------------------------------------------- */

int verb_getstate(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        BG_JOB_STATE state;
        HRESULT hr;
        int r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;
        hr = IBackgroundCopyJob_GetState(job, &state);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        return print_string(c, "state", job_state_to_string(state));
}

int verb_getpriority(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        BG_JOB_PRIORITY priority;
        HRESULT hr;
        int r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;
        hr = IBackgroundCopyJob_GetPriority(job, &priority);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        return print_string(c, "priority", job_priority_to_string(priority));
}

int verb_gettype(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        BG_JOB_TYPE type;
        HRESULT hr;
        int r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;
        hr = IBackgroundCopyJob_GetType(job, &type);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        return print_string(c, "type", job_type_to_string(type));
}

/* The string getters: GetDisplayName, GetDescription. */
static int get_string(Context *c, const char *arg, const char *key,
                      HRESULT (*get)(IBackgroundCopyJob *job, char **ret)) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        _cleanup_(co_task_mem_freep) char *s = NULL;
        HRESULT hr;
        int r;

        r = context_get_job(c, arg, &job);
        if (r != EXIT_OK)
                return r;
        hr = get(job, &s);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        return print_string(c, key, s);
}

static HRESULT call_get_display_name(IBackgroundCopyJob *job, char **ret) {
        return IBackgroundCopyJob_GetDisplayName(job, ret);
}

static HRESULT call_get_description(IBackgroundCopyJob *job, char **ret) {
        return IBackgroundCopyJob_GetDescription(job, ret);
}

int verb_getdisplayname(Context *c, int argc, char **argv) {
        return get_string(c, argv[0], "name", call_get_display_name);
}

int verb_getdescription(Context *c, int argc, char **argv) {
        return get_string(c, argv[0], "description", call_get_description);
}

int verb_getowner(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        _cleanup_(co_task_mem_freep) char *owner = NULL;
        char user[USER_NAME_MAX];
        const char *name;
        HRESULT hr;
        int r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;
        hr = IBackgroundCopyJob_GetOwner(job, &owner);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        name = owner_user_name(owner, user);

        if (c->json) {
                _cleanup_(json_putp) struct json_object *o = json_object_new_object();

                if (!o || json_add_string(o, "owner", owner) < 0 || json_add_string(o, "owner_name", name) < 0 ||
                    output_json(o) < 0)
                        return output_error(c->verb, "Out of memory.");
        } else {
                /* The uid first: what GetOwner returns, and what a script cuts. */
                output_print_safe(owner);
                if (name) {
                        fputs(" (", stdout);
                        output_print_safe(name);
                        putchar(')');
                }
                putchar('\n');
        }
        return output_flush(c->verb);
}

/* The ULONG getters: GetErrorCount, GetNoProgressTimeout, GetMinimumRetryDelay. */
static int get_ulong(Context *c, const char *arg, const char *key, HRESULT (*get)(IBackgroundCopyJob *job, ULONG *ret)) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        ULONG v;
        HRESULT hr;
        int r;

        r = context_get_job(c, arg, &job);
        if (r != EXIT_OK)
                return r;
        hr = get(job, &v);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        return print_u64(c, key, v);
}

static HRESULT call_get_error_count(IBackgroundCopyJob *job, ULONG *ret) {
        return IBackgroundCopyJob_GetErrorCount(job, ret);
}

static HRESULT call_get_no_progress_timeout(IBackgroundCopyJob *job, ULONG *ret) {
        return IBackgroundCopyJob_GetNoProgressTimeout(job, ret);
}

static HRESULT call_get_minimum_retry_delay(IBackgroundCopyJob *job, ULONG *ret) {
        return IBackgroundCopyJob_GetMinimumRetryDelay(job, ret);
}

int verb_geterrorcount(Context *c, int argc, char **argv) {
        return get_ulong(c, argv[0], "error_count", call_get_error_count);
}

int verb_getnoprogresstimeout(Context *c, int argc, char **argv) {
        return get_ulong(c, argv[0], "no_progress_timeout", call_get_no_progress_timeout);
}

int verb_getminretrydelay(Context *c, int argc, char **argv) {
        return get_ulong(c, argv[0], "minimum_retry_delay", call_get_minimum_retry_delay);
}

static int json_array_add_string(const char *name, void *userdata) {
        struct json_object *s = json_object_new_string(name);

        if (!s || json_object_array_add(userdata, s) < 0) {
                json_object_put(s);
                return -ENOMEM;
        }
        return 0;
}

int verb_getnotifyflags(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        char text[NOTIFY_FLAGS_STRING_MAX];
        ULONG flags;
        HRESULT hr;
        int r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;
        hr = IBackgroundCopyJob_GetNotifyFlags(job, &flags);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);

        if (c->json) {
                _cleanup_(json_putp) struct json_object *o = json_object_new_object();
                struct json_object *names = json_object_new_array();

                if (!o || !names || json_add_u64(o, "notify_flags", flags, false) < 0 ||
                    notify_flags_foreach(flags, json_array_add_string, names) < 0 ||
                    json_add(o, "names", TAKE_PTR(names)) < 0 || output_json(o) < 0) {
                        json_object_put(names);
                        return output_error(c->verb, "Out of memory.");
                }
        } else
                printf("0x%X %s\n", (unsigned) flags, notify_flags_to_string(flags, text));
        return output_flush(c->verb);
}

int verb_getprogress(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        BG_JOB_PROGRESS p;
        HRESULT hr;
        int r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;
        hr = IBackgroundCopyJob_GetProgress(job, &p);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);

        if (c->json) {
                _cleanup_(json_putp) struct json_object *o = json_object_new_object();
                int percent = progress_percent(p.BytesTransferred, p.BytesTotal);

                if (!o || json_add_u64(o, "bytes_total", p.BytesTotal, true) < 0 ||
                    json_add_u64(o, "bytes_transferred", p.BytesTransferred, false) < 0 ||
                    json_add_u64(o, "files_total", p.FilesTotal, false) < 0 ||
                    json_add_u64(o, "files_transferred", p.FilesTransferred, false) < 0 ||
                    json_add(o, "percent", percent < 0 || p.FilesTotal == 0 ? NULL : json_object_new_int(percent)) < 0 ||
                    output_json(o) < 0)
                        return output_error(c->verb, "Out of memory.");
        } else {
                char bytes[64];

                if (p.BytesTotal == BG_SIZE_UNKNOWN)
                        output_field("Bytes total", "unknown");
                else
                        output_field("Bytes total", "%llu", (unsigned long long) p.BytesTotal);
                output_field("Bytes transferred", "%llu", (unsigned long long) p.BytesTransferred);
                output_field("Files total", "%u", (unsigned) p.FilesTotal);
                output_field("Files transferred", "%u", (unsigned) p.FilesTransferred);
                output_field("Progress", "%s", format_progress_bytes(bytes, sizeof(bytes), &p));
        }
        return output_flush(c->verb);
}

static const char *format_time(char buf[static FORMAT_ISO8601_MAX], const FILETIME *ft) {
        int r = filetime_to_iso8601(ft, buf);

        if (r == -ENODATA)
                return "never";
        if (r < 0)
                return "invalid";
        return buf;
}

int verb_gettimes(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        char t[FORMAT_ISO8601_MAX];
        BG_JOB_TIMES times;
        HRESULT hr;
        int r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;
        hr = IBackgroundCopyJob_GetTimes(job, &times);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);

        if (c->json) {
                _cleanup_(json_putp) struct json_object *o = json_object_new_object();
                const struct {
                        const char *key;
                        const FILETIME *ft;
                } fields[] = {
                        { "creation_time",            &times.CreationTime           },
                        { "modification_time",        &times.ModificationTime       },
                        { "transfer_completion_time", &times.TransferCompletionTime },
                };

                if (!o)
                        return output_error(c->verb, "Out of memory.");
                for (size_t k = 0; k < ELEMENTSOF(fields); k++)
                        if (json_add_string(o, fields[k].key, filetime_to_iso8601(fields[k].ft, t) < 0 ? NULL : t) < 0)
                                return output_error(c->verb, "Out of memory.");
                if (output_json(o) < 0)
                        return output_error(c->verb, "Out of memory.");
        } else {
                output_field("Created", "%s", format_time(t, &times.CreationTime));
                output_field("Modified", "%s", format_time(t, &times.ModificationTime));
                output_field("Transfer completed", "%s", format_time(t, &times.TransferCompletionTime));
        }
        return output_flush(c->verb);
}

int verb_geterror(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        JobErrorInfo e = {};
        HRESULT hr;
        int r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;
        /* Outside ERROR and TRANSIENT_ERROR this is DO_E_ERROR_INFORMATION_UNAVAILABLE: reported as the
         * failure it is, so that `doadmin geterror JOB` in a script tells "no error" by its status. */
        hr = job_error_info_read(job, &e);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);

        if (c->json) {
                _cleanup_(json_putp) struct json_object *o = NULL;

                r = job_error_to_json(&e, /* full= */ true, &o);
                if (r >= 0)
                        r = output_json(o);
                if (r < 0) {
                        job_error_info_done(&e);
                        return output_error(c->verb, "Out of memory.");
                }
        } else {
                char text[HRESULT_TEXT_MAX];

                output_field("Error", "%s", output_hresult_text(text, e.hr));
                output_field("Context", "%u %s%s%s", (unsigned) e.context, error_context_to_string(e.context),
                             e.context_description && *e.context_description ? ": " : "",
                             e.context_description ? e.context_description : "");
                if (e.description && *e.description)
                        output_field("Description", "%s", e.description);
                if (e.protocol)
                        output_field("Protocol", "%s", e.protocol);
                if (e.remote_name) {
                        output_field("Remote name", "%s", e.remote_name);
                        output_field("Local name", "%s", e.local_name ? e.local_name : "");
                }
        }
        job_error_info_done(&e);
        return output_flush(c->verb);
}

/* IBackgroundCopyJob2, which SetNotifyCmdLine and GetNotifyCmdLine belong to. */
static int get_job2(Context *c, IBackgroundCopyJob *job, IBackgroundCopyJob2 **ret) {
        HRESULT hr;

        hr = IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJob2, (void **) ret);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        return EXIT_OK;
}

int verb_getnotifycmdline(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        _cleanup_(co_task_mem_freep) char *program = NULL;
        _cleanup_(co_task_mem_freep) char *parameters = NULL;
        IBackgroundCopyJob2 *job2 = NULL;
        const char *p, *q;
        HRESULT hr;
        int r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;
        r = get_job2(c, job, &job2);
        if (r != EXIT_OK)
                return r;
        hr = IBackgroundCopyJob2_GetNotifyCmdLine(job2, &program, &parameters);
        IBackgroundCopyJob2_Release(job2);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        /* BITS answers "" for "not set"; print that as null, as every other unset string. */
        p = program && *program ? program : NULL;
        q = parameters && *parameters ? parameters : NULL;

        if (c->json) {
                _cleanup_(json_putp) struct json_object *o = json_object_new_object();

                if (!o || json_add_string(o, "program", p) < 0 || json_add_string(o, "parameters", q) < 0 ||
                    output_json(o) < 0)
                        return output_error(c->verb, "Out of memory.");
        } else {
                output_field("Program", "%s", p ?: "(none)");
                output_field("Parameters", "%s", q ?: "(none)");
        }
        return output_flush(c->verb);
}

int verb_getproxysettings(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        _cleanup_(co_task_mem_freep) char *list = NULL;
        _cleanup_(co_task_mem_freep) char *bypass = NULL;
        BG_JOB_PROXY_USAGE usage;
        const char *p, *q;
        HRESULT hr;
        int r;

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;
        hr = IBackgroundCopyJob_GetProxySettings(job, &usage, &list, &bypass);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        /* An empty list is no list (the wire spells NULL ""): print both as null. */
        p = list && *list ? list : NULL;
        q = bypass && *bypass ? bypass : NULL;

        if (c->json) {
                _cleanup_(json_putp) struct json_object *o = json_object_new_object();

                if (!o || json_add_string(o, "usage", proxy_usage_to_string(usage)) < 0 ||
                    json_add_string(o, "proxy_list", p) < 0 || json_add_string(o, "bypass_list", q) < 0 ||
                    output_json(o) < 0)
                        return output_error(c->verb, "Out of memory.");
        } else {
                output_field("Usage", "%s", proxy_usage_to_string(usage));
                output_field("Proxy list", "%s", p ?: "(none)");
                output_field("Bypass list", "%s", q ?: "(none)");
        }
        return output_flush(c->verb);
}

/* ---- setters ---------------------------------------------------------------------------------- */

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

/* The string setters: SetDisplayName, SetDescription. Lengths are the service's to check. */
static int set_string(Context *c, const char *arg, const char *value,
                      HRESULT (*set)(IBackgroundCopyJob *job, const char *value)) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        HRESULT hr;
        int r;

        r = context_get_job(c, arg, &job);
        if (r != EXIT_OK)
                return r;
        hr = set(job, value);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        return EXIT_OK;
}

static HRESULT call_set_display_name(IBackgroundCopyJob *job, const char *value) {
        return IBackgroundCopyJob_SetDisplayName(job, value);
}

static HRESULT call_set_description(IBackgroundCopyJob *job, const char *value) {
        return IBackgroundCopyJob_SetDescription(job, value);
}

int verb_setdisplayname(Context *c, int argc, char **argv) {
        return set_string(c, argv[0], argv[1], call_set_display_name);
}

int verb_setdescription(Context *c, int argc, char **argv) {
        return set_string(c, argv[0], argv[1], call_set_description);
}

/* The ULONG setters. */
static int set_ulong(Context *c, const char *arg, ULONG value, HRESULT (*set)(IBackgroundCopyJob *job, ULONG value)) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        HRESULT hr;
        int r;

        r = context_get_job(c, arg, &job);
        if (r != EXIT_OK)
                return r;
        hr = set(job, value);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        return EXIT_OK;
}

static HRESULT call_set_notify_flags(IBackgroundCopyJob *job, ULONG value) {
        return IBackgroundCopyJob_SetNotifyFlags(job, value);
}

static HRESULT call_set_no_progress_timeout(IBackgroundCopyJob *job, ULONG value) {
        return IBackgroundCopyJob_SetNoProgressTimeout(job, value);
}

static HRESULT call_set_minimum_retry_delay(IBackgroundCopyJob *job, ULONG value) {
        return IBackgroundCopyJob_SetMinimumRetryDelay(job, value);
}

int verb_setnotifyflags(Context *c, int argc, char **argv) {
        ULONG flags;

        if (parse_notify_flags(argv[1], &flags) < 0)
                return output_usage_error(c->verb, "'%s' is not a set of notify flags: expected a number (3, 0x3) "
                                          "or names joined by ',' or '|' (transferred, error, modification, "
                                          "file_transferred, disable, none).", argv[1]);
        return set_ulong(c, argv[0], flags, call_set_notify_flags);
}

static int parse_seconds_arg(Context *c, const char *s, ULONG *ret) {
        int r = parse_seconds_u32(s, ret);

        if (r == -ERANGE)
                return output_usage_error(c->verb, "'%s' is too long: at most 4294967295 seconds.", s);
        if (r < 0)
                return output_usage_error(c->verb, "'%s' is not a number of seconds (e.g. 600, 10m, 2h, 1d).", s);
        return EXIT_OK;
}

int verb_setnoprogresstimeout(Context *c, int argc, char **argv) {
        ULONG seconds;
        int r;

        r = parse_seconds_arg(c, argv[1], &seconds);
        if (r != EXIT_OK)
                return r;
        return set_ulong(c, argv[0], seconds, call_set_no_progress_timeout);
}

int verb_setminretrydelay(Context *c, int argc, char **argv) {
        ULONG seconds;
        int r;

        r = parse_seconds_arg(c, argv[1], &seconds);
        if (r != EXIT_OK)
                return r;
        return set_ulong(c, argv[0], seconds, call_set_minimum_retry_delay);
}

/* bitsadmin spells "no value" NULL; an empty string means the same here. */
static const char *null_arg(const char *s) {
        return !s || !*s || streq(s, "NULL") ? NULL : s;
}

int verb_setnotifycmdline(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        IBackgroundCopyJob2 *job2 = NULL;
        const char *program = null_arg(argv[1]), *parameters = argc > 2 ? null_arg(argv[2]) : NULL;
        HRESULT hr;
        int r;

        if (!program && parameters)
                return output_usage_error(c->verb, "PARAMETERS without a PROGRAM.");

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;
        r = get_job2(c, job, &job2);
        if (r != EXIT_OK)
                return r;
        hr = IBackgroundCopyJob2_SetNotifyCmdLine(job2, program, parameters);
        IBackgroundCopyJob2_Release(job2);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        return EXIT_OK;
}

int verb_setproxysettings(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        const char *list = argc > 2 ? null_arg(argv[2]) : NULL, *bypass = argc > 3 ? null_arg(argv[3]) : NULL;
        HRESULT hr;
        int usage, r;

        usage = proxy_usage_from_string(argv[1]);
        if (usage < 0)
                return output_usage_error(c->verb, "Unknown proxy usage '%s'; expected preconfig, no_proxy, "
                                          "autodetect or override.", argv[1]);
        /* BITS: the lists belong to OVERRIDE, which needs a proxy list; other usages take none. */
        if (usage == BG_JOB_PROXY_USAGE_OVERRIDE && !list)
                return output_usage_error(c->verb, "override needs a PROXY_LIST.");
        if (usage != BG_JOB_PROXY_USAGE_OVERRIDE && argc > 2)
                return output_usage_error(c->verb, "Only override takes a PROXY_LIST and BYPASS_LIST.");

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;
        hr = IBackgroundCopyJob_SetProxySettings(job, (BG_JOB_PROXY_USAGE) usage, list, bypass);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        return EXIT_OK;
}

int verb_setremotename(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        _cleanup_(enum_files_releasep) IEnumBackgroundCopyFiles *e = NULL;
        _cleanup_(file_releasep) IBackgroundCopyFile *file = NULL;
        IBackgroundCopyFile2 *file2 = NULL;
        ULONG count = 0, fetched = 0;
        uint64_t index;
        HRESULT hr;
        int r;

        if (parse_u64(argv[1], &index) < 0 || index > UINT32_MAX)
                return output_usage_error(c->verb, "'%s' is not a file index (0 for the first file; see listfiles).",
                                          argv[1]);

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;

        hr = IBackgroundCopyJob_EnumFiles(job, &e);
        if (SUCCEEDED(hr))
                hr = IEnumBackgroundCopyFiles_GetCount(e, &count);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        if (index >= count)
                return output_error(c->verb, "The job has no file %llu: it has %u file%s.", (unsigned long long) index,
                                    (unsigned) count, count == 1 ? "" : "s");
        if (index > 0) {
                hr = IEnumBackgroundCopyFiles_Skip(e, (ULONG) index);
                if (FAILED(hr))
                        return output_hresult_error(c->verb, hr);
        }
        hr = IEnumBackgroundCopyFiles_Next(e, 1, &file, &fetched);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        if (fetched != 1 || !file)
                return output_error(c->verb, "The job has no file %llu.", (unsigned long long) index);

        hr = IBackgroundCopyFile_QueryInterface(file, &IID_IBackgroundCopyFile2, (void **) &file2);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        hr = IBackgroundCopyFile2_SetRemoteName(file2, argv[2]);
        IBackgroundCopyFile2_Release(file2);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        return EXIT_OK;
}
