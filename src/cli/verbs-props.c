/* verbs-props.c: one verb per property of a job, as bitsadmin has them: get<property> prints the value
 * (alone on a line, or "Key: value" lines for a structure; one JSON object with --json), and
 * set<property> changes it and prints nothing.
 *
 * Each verb is the API call of its name and nothing more: values are parsed here (priorities, flag
 * names, durations, proxy usages), but whether a value is acceptable in the job's state is the
 * service's answer, reported as its HRESULT. Verbs of the IBackgroundCopyJob2 and IBackgroundCopyFile2
 * interfaces go through QueryInterface, as a program would.
 *
 * Every verb but setremotename has one shape (prop_verb_run()): parse the arguments (setters), open the
 * job, make the call, print what it read (getters). So each is one row of the table at the end of this
 * file: its parser, its call, its JSON key and its printer. */
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

/* What a getter read or what a setter's arguments say. The strings in s[] are CoTaskMem-allocated by
 * the API and freed by prop_value_done(), as is the error record; those in arg[] are argv's. */
typedef struct PropValue {
        const char *name;                  /* an enumeration's name (getstate, getpriority, gettype) */
        ULONG n;                           /* counts, seconds, notify flags */
        char *s[2];                        /* strings read */
        const char *arg[2];                /* strings to set (NULL: none) */
        BG_JOB_PRIORITY priority;
        BG_JOB_PROXY_USAGE usage;
        BG_JOB_PROGRESS progress;
        BG_JOB_TIMES times;
        JobErrorInfo error;
} PropValue;

static void prop_value_done(PropValue *v) {
        CoTaskMemFree(v->s[0]);
        CoTaskMemFree(v->s[1]);
        job_error_info_done(&v->error);
}

typedef struct PropVerb {
        /* Setters: reads argv[1…] into the value. It runs before the job is opened, so that a usage
         * error never reaches the service. Returns EXIT_OK, or prints the error and returns EXIT_USAGE.
         * NULL for getters. */
        int (*parse)(Context *c, int argc, char **argv, PropValue *v);
        /* The API call on the job: fills the value (getters) or uses it (setters). */
        HRESULT (*call)(IBackgroundCopyJob *job, PropValue *v);
        const char *key;                   /* the JSON member of a one-value getter */
        /* Getters: adds the value's members to the JSON object (0 or -ENOMEM), or prints it for humans.
         * NULL for setters, which print nothing. */
        int (*json)(struct json_object *o, const char *key, const PropValue *v);
        void (*text)(const PropValue *v);
} PropVerb;

static int prop_verb_run(Context *c, int argc, char **argv, const PropVerb *p) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        _cleanup_(prop_value_done) PropValue v = {};
        HRESULT hr;
        int r;

        if (p->parse) {
                r = p->parse(c, argc, argv, &v);
                if (r != EXIT_OK)
                        return r;
        }
        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;
        hr = p->call(job, &v);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        if (!p->json)
                return EXIT_OK;

        if (c->json) {
                _cleanup_(json_putp) struct json_object *o = json_object_new_object();

                if (!o || p->json(o, p->key, &v) < 0 || output_json(o) < 0)
                        return output_error(c->verb, "Out of memory.");
        } else
                p->text(&v);
        return output_flush(c->verb);
}

/* ---- calls ------------------------------------------------------------------------------------ */

/* A call that is one method of IBackgroundCopyJob, its other arguments taken from the value `v`. */
#define DEFINE_JOB_CALL(func, method, ...)                                                               \
        static HRESULT func(IBackgroundCopyJob *job, PropValue *v) {                                     \
                return method(job, __VA_ARGS__);                                                         \
        }

/* A getter of an enumeration, kept as the value's name. */
#define DEFINE_JOB_GET_NAME(func, method, type, to_string)                                               \
        static HRESULT func(IBackgroundCopyJob *job, PropValue *v) {                                     \
                type x;                                                                                  \
                HRESULT hr = method(job, &x);                                                            \
                                                                                                         \
                if (SUCCEEDED(hr))                                                                       \
                        v->name = to_string(x);                                                          \
                return hr;                                                                               \
        }

DEFINE_JOB_GET_NAME(get_state, IBackgroundCopyJob_GetState, BG_JOB_STATE, job_state_to_string)
DEFINE_JOB_GET_NAME(get_priority, IBackgroundCopyJob_GetPriority, BG_JOB_PRIORITY, job_priority_to_string)
DEFINE_JOB_GET_NAME(get_type, IBackgroundCopyJob_GetType, BG_JOB_TYPE, job_type_to_string)
DEFINE_JOB_CALL(get_display_name, IBackgroundCopyJob_GetDisplayName, &v->s[0])
DEFINE_JOB_CALL(get_description, IBackgroundCopyJob_GetDescription, &v->s[0])
DEFINE_JOB_CALL(get_owner, IBackgroundCopyJob_GetOwner, &v->s[0])
DEFINE_JOB_CALL(get_error_count, IBackgroundCopyJob_GetErrorCount, &v->n)
DEFINE_JOB_CALL(get_notify_flags, IBackgroundCopyJob_GetNotifyFlags, &v->n)
DEFINE_JOB_CALL(get_no_progress_timeout, IBackgroundCopyJob_GetNoProgressTimeout, &v->n)
DEFINE_JOB_CALL(get_minimum_retry_delay, IBackgroundCopyJob_GetMinimumRetryDelay, &v->n)
DEFINE_JOB_CALL(get_progress, IBackgroundCopyJob_GetProgress, &v->progress)
DEFINE_JOB_CALL(get_times, IBackgroundCopyJob_GetTimes, &v->times)
DEFINE_JOB_CALL(get_proxy_settings, IBackgroundCopyJob_GetProxySettings, &v->usage, &v->s[0], &v->s[1])
DEFINE_JOB_CALL(set_priority, IBackgroundCopyJob_SetPriority, v->priority)
DEFINE_JOB_CALL(set_display_name, IBackgroundCopyJob_SetDisplayName, v->arg[0])
DEFINE_JOB_CALL(set_description, IBackgroundCopyJob_SetDescription, v->arg[0])
DEFINE_JOB_CALL(set_notify_flags, IBackgroundCopyJob_SetNotifyFlags, v->n)
DEFINE_JOB_CALL(set_no_progress_timeout, IBackgroundCopyJob_SetNoProgressTimeout, v->n)
DEFINE_JOB_CALL(set_minimum_retry_delay, IBackgroundCopyJob_SetMinimumRetryDelay, v->n)
DEFINE_JOB_CALL(set_proxy_settings, IBackgroundCopyJob_SetProxySettings, v->usage, v->arg[0], v->arg[1])

/* Outside ERROR and TRANSIENT_ERROR this is DO_E_ERROR_INFORMATION_UNAVAILABLE: reported as the failure
 * it is, so that `doadmin geterror JOB` in a script tells "no error" by its status. */
static HRESULT get_error(IBackgroundCopyJob *job, PropValue *v) {
        return job_error_info_read(job, &v->error);
}

/* SetNotifyCmdLine and GetNotifyCmdLine belong to IBackgroundCopyJob2: asked for as a program would. */
static HRESULT notify_cmd_line(IBackgroundCopyJob *job, PropValue *v, bool set) {
        IBackgroundCopyJob2 *job2 = NULL;
        HRESULT hr;

        hr = IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJob2, (void **) &job2);
        if (FAILED(hr))
                return hr;
        if (set)
                hr = IBackgroundCopyJob2_SetNotifyCmdLine(job2, v->arg[0], v->arg[1]);
        else
                hr = IBackgroundCopyJob2_GetNotifyCmdLine(job2, &v->s[0], &v->s[1]);
        IBackgroundCopyJob2_Release(job2);
        return hr;
}

static HRESULT get_notify_cmd_line(IBackgroundCopyJob *job, PropValue *v) {
        return notify_cmd_line(job, v, /* set= */ false);
}

static HRESULT set_notify_cmd_line(IBackgroundCopyJob *job, PropValue *v) {
        return notify_cmd_line(job, v, /* set= */ true);
}

/* ---- printers: each getter has a JSON form (members added to the one object --json prints) and a
 * human form (the value alone on a line, or "Key: value" lines) -------------------------------------- */

static int json_name(struct json_object *o, const char *key, const PropValue *v) {
        return json_add_string(o, key, v->name);
}

static void text_name(const PropValue *v) {
        output_print_safe(v->name);
        putchar('\n');
}

static int json_string(struct json_object *o, const char *key, const PropValue *v) {
        return json_add_string(o, key, v->s[0]);
}

static void text_string(const PropValue *v) {
        output_print_safe(v->s[0]);
        putchar('\n');
}

static int json_ulong(struct json_object *o, const char *key, const PropValue *v) {
        return json_add_u64(o, key, v->n, false);
}

static void text_ulong(const PropValue *v) {
        printf("%llu\n", (unsigned long long) v->n);
}

static int json_owner(struct json_object *o, const char *key, const PropValue *v) {
        char user[USER_NAME_MAX];

        if (json_add_string(o, "owner", v->s[0]) < 0 ||
            json_add_string(o, "owner_name", owner_user_name(v->s[0], user)) < 0)
                return -ENOMEM;
        return 0;
}

/* The uid first: what GetOwner returns, and what a script cuts. */
static void text_owner(const PropValue *v) {
        char user[USER_NAME_MAX];
        const char *name = owner_user_name(v->s[0], user);

        output_print_safe(v->s[0]);
        if (name) {
                fputs(" (", stdout);
                output_print_safe(name);
                putchar(')');
        }
        putchar('\n');
}

static int json_array_add_string(const char *name, void *userdata) {
        struct json_object *s = json_object_new_string(name);

        if (!s || json_object_array_add(userdata, s) < 0) {
                json_object_put(s);
                return -ENOMEM;
        }
        return 0;
}

static int json_notify_flags(struct json_object *o, const char *key, const PropValue *v) {
        struct json_object *names = json_object_new_array();

        if (!names || json_add_u64(o, key, v->n, false) < 0 ||
            notify_flags_foreach(v->n, json_array_add_string, names) < 0) {
                json_object_put(names);
                return -ENOMEM;
        }
        return json_add(o, "names", names);
}

static void text_notify_flags(const PropValue *v) {
        char text[NOTIFY_FLAGS_STRING_MAX];

        printf("0x%X %s\n", (unsigned) v->n, notify_flags_to_string(v->n, text));
}

static int json_progress(struct json_object *o, const char *key, const PropValue *v) {
        const BG_JOB_PROGRESS *p = &v->progress;
        int percent = progress_percent(p->BytesTransferred, p->BytesTotal);

        if (job_progress_to_json(o, p) < 0 ||
            json_add(o, "percent", percent < 0 || p->FilesTotal == 0 ? NULL : json_object_new_int(percent)) < 0)
                return -ENOMEM;
        return 0;
}

static void text_progress(const PropValue *v) {
        const BG_JOB_PROGRESS *p = &v->progress;
        char bytes[64];

        if (p->BytesTotal == BG_SIZE_UNKNOWN)
                output_field("Bytes total", "unknown");
        else
                output_field("Bytes total", "%llu", (unsigned long long) p->BytesTotal);
        output_field("Bytes transferred", "%llu", (unsigned long long) p->BytesTransferred);
        output_field("Files total", "%u", (unsigned) p->FilesTotal);
        output_field("Files transferred", "%u", (unsigned) p->FilesTransferred);
        output_field("Progress", "%s", format_progress_bytes(bytes, sizeof(bytes), p));
}

static int json_times(struct json_object *o, const char *key, const PropValue *v) {
        return job_times_to_json(o, &v->times);
}

static void text_times(const PropValue *v) {
        job_times_print(&v->times);
}

static int json_error(struct json_object *o, const char *key, const PropValue *v) {
        return job_error_add_json(o, &v->error, /* full= */ true);
}

static void text_error(const PropValue *v) {
        const JobErrorInfo *e = &v->error;
        char text[HRESULT_TEXT_MAX];

        output_field("Error", "%s", output_hresult_text(text, e->hr));
        output_field("Context", "%u %s%s%s", (unsigned) e->context, error_context_to_string(e->context),
                     e->context_description && *e->context_description ? ": " : "",
                     e->context_description ? e->context_description : "");
        if (e->description && *e->description)
                output_field("Description", "%s", e->description);
        if (e->protocol)
                output_field("Protocol", "%s", e->protocol);
        if (e->remote_name) {
                output_field("Remote name", "%s", e->remote_name);
                output_field("Local name", "%s", e->local_name ? e->local_name : "");
        }
}

/* The two strings of getnotifycmdline and getproxysettings: BITS answers "" for "not set" (the wire
 * spells NULL ""), shown as null or "(none)", as every other unset string. */
static const char *unset_is_null(const char *s) {
        return s && *s ? s : NULL;
}

static int json_notify_cmd_line(struct json_object *o, const char *key, const PropValue *v) {
        if (json_add_string(o, "program", unset_is_null(v->s[0])) < 0 ||
            json_add_string(o, "parameters", unset_is_null(v->s[1])) < 0)
                return -ENOMEM;
        return 0;
}

static void text_notify_cmd_line(const PropValue *v) {
        output_field("Program", "%s", unset_is_null(v->s[0]) ?: "(none)");
        output_field("Parameters", "%s", unset_is_null(v->s[1]) ?: "(none)");
}

static int json_proxy_settings(struct json_object *o, const char *key, const PropValue *v) {
        if (json_add_string(o, "usage", proxy_usage_to_string(v->usage)) < 0 ||
            json_add_string(o, "proxy_list", unset_is_null(v->s[0])) < 0 ||
            json_add_string(o, "bypass_list", unset_is_null(v->s[1])) < 0)
                return -ENOMEM;
        return 0;
}

static void text_proxy_settings(const PropValue *v) {
        output_field("Usage", "%s", proxy_usage_to_string(v->usage));
        output_field("Proxy list", "%s", unset_is_null(v->s[0]) ?: "(none)");
        output_field("Bypass list", "%s", unset_is_null(v->s[1]) ?: "(none)");
}

/* ---- parsers ---------------------------------------------------------------------------------- */

static int parse_priority_arg(Context *c, int argc, char **argv, PropValue *v) {
        return parse_priority(c->verb, argv[1], &v->priority);
}

/* Names and descriptions: lengths are the service's to check. */
static int parse_string_arg(Context *c, int argc, char **argv, PropValue *v) {
        v->arg[0] = argv[1];
        return EXIT_OK;
}

static int parse_notify_flags_arg(Context *c, int argc, char **argv, PropValue *v) {
        if (parse_notify_flags(argv[1], &v->n) < 0)
                return output_usage_error(c->verb, "'%s' is not a set of notify flags: expected a number (3, 0x3) "
                                          "or names joined by ',' or '|' (transferred, error, modification, "
                                          "file_transferred, disable, none).", argv[1]);
        return EXIT_OK;
}

static int parse_seconds_arg(Context *c, int argc, char **argv, PropValue *v) {
        int r = parse_seconds_u32(argv[1], &v->n);

        if (r == -ERANGE)
                return output_usage_error(c->verb, "'%s' is too long: at most 4294967295 seconds.", argv[1]);
        if (r < 0)
                return output_usage_error(c->verb, "'%s' is not a number of seconds (e.g. 600, 10m, 2h, 1d).", argv[1]);
        return EXIT_OK;
}

/* bitsadmin spells "no value" NULL; an empty string means the same here. */
static const char *null_arg(const char *s) {
        return !s || !*s || streq(s, "NULL") ? NULL : s;
}

static int parse_notify_cmd_line_args(Context *c, int argc, char **argv, PropValue *v) {
        v->arg[0] = null_arg(argv[1]);
        v->arg[1] = argc > 2 ? null_arg(argv[2]) : NULL;
        if (!v->arg[0] && v->arg[1])
                return output_usage_error(c->verb, "PARAMETERS without a PROGRAM.");
        return EXIT_OK;
}

static int parse_proxy_settings_args(Context *c, int argc, char **argv, PropValue *v) {
        int usage = proxy_usage_from_string(argv[1]);

        v->arg[0] = argc > 2 ? null_arg(argv[2]) : NULL;
        v->arg[1] = argc > 3 ? null_arg(argv[3]) : NULL;
        if (usage < 0)
                return output_usage_error(c->verb, "Unknown proxy usage '%s'; expected preconfig, no_proxy, "
                                          "autodetect or override.", argv[1]);
        /* BITS: the lists belong to OVERRIDE, which needs a proxy list; other usages take none. */
        if (usage == BG_JOB_PROXY_USAGE_OVERRIDE && !v->arg[0])
                return output_usage_error(c->verb, "override needs a PROXY_LIST.");
        if (usage != BG_JOB_PROXY_USAGE_OVERRIDE && argc > 2)
                return output_usage_error(c->verb, "Only override takes a PROXY_LIST and BYPASS_LIST.");
        v->usage = (BG_JOB_PROXY_USAGE) usage;
        return EXIT_OK;
}

/* ---- the verbs -------------------------------------------------------------------------------- */

/* Defines verb_<verb>() (doadmin.h) as prop_verb_run() over one PropVerb row; a getter's printers are
 * json_<form>() and text_<form>(), a setter has neither. */
#define PROP_VERB(verb, parse_, call_, key_, json_, text_)                                               \
        int verb_##verb(Context *c, int argc, char **argv) {                                             \
                static const PropVerb row = {                                                            \
                        .parse = parse_, .call = call_, .key = key_, .json = json_, .text = text_,       \
                };                                                                                       \
                                                                                                         \
                return prop_verb_run(c, argc, argv, &row);                                               \
        }
#define PROP_GET(verb, call, key, form) PROP_VERB(verb, NULL, call, key, json_##form, text_##form)
#define PROP_SET(verb, parse, call)     PROP_VERB(verb, parse, call, NULL, NULL, NULL)

/*       verb                  call                      JSON key               printed as */
PROP_GET(getstate,             get_state,                "state",               name)
PROP_GET(getpriority,          get_priority,             "priority",            name)
PROP_GET(gettype,              get_type,                 "type",                name)
PROP_GET(getdisplayname,       get_display_name,         "name",                string)
PROP_GET(getdescription,       get_description,          "description",         string)
PROP_GET(getowner,             get_owner,                NULL,                  owner)
PROP_GET(geterrorcount,        get_error_count,          "error_count",         ulong)
PROP_GET(getnoprogresstimeout, get_no_progress_timeout,  "no_progress_timeout", ulong)
PROP_GET(getminretrydelay,     get_minimum_retry_delay,  "minimum_retry_delay", ulong)
PROP_GET(getnotifyflags,       get_notify_flags,         "notify_flags",        notify_flags)
PROP_GET(getprogress,          get_progress,             NULL,                  progress)
PROP_GET(gettimes,             get_times,                NULL,                  times)
PROP_GET(geterror,             get_error,                NULL,                  error)
PROP_GET(getnotifycmdline,     get_notify_cmd_line,      NULL,                  notify_cmd_line)
PROP_GET(getproxysettings,     get_proxy_settings,       NULL,                  proxy_settings)

/*       verb                  parse                        call */
PROP_SET(setpriority,          parse_priority_arg,          set_priority)
PROP_SET(setdisplayname,       parse_string_arg,            set_display_name)
PROP_SET(setdescription,       parse_string_arg,            set_description)
PROP_SET(setnotifyflags,       parse_notify_flags_arg,      set_notify_flags)
PROP_SET(setnoprogresstimeout, parse_seconds_arg,           set_no_progress_timeout)
PROP_SET(setminretrydelay,     parse_seconds_arg,           set_minimum_retry_delay)
PROP_SET(setnotifycmdline,     parse_notify_cmd_line_args,  set_notify_cmd_line)
PROP_SET(setproxysettings,     parse_proxy_settings_args,   set_proxy_settings)

/* IBackgroundCopyFile2::SetRemoteName on file INDEX, found through EnumFiles as a program would. */
int verb_setremotename(Context *c, int argc, char **argv) {
        _cleanup_(job_releasep) IBackgroundCopyJob *job = NULL;
        _cleanup_(file_releasep) IBackgroundCopyFile *file = NULL;
        IBackgroundCopyFile2 *file2 = NULL;
        ULONG count = 0;
        uint64_t index;
        HRESULT hr;
        int r;

        if (parse_u64(argv[1], &index) < 0 || index > UINT32_MAX)
                return output_usage_error(c->verb, "'%s' is not a file index (0 for the first file; see listfiles).",
                                          argv[1]);

        r = context_get_job(c, argv[0], &job);
        if (r != EXIT_OK)
                return r;

        hr = job_file_at(job, index, &file, &count);
        if (FAILED(hr))
                return output_hresult_error(c->verb, hr);
        if (hr == S_FALSE && index >= count)
                return output_error(c->verb, "The job has no file %llu: it has %u file%s.", (unsigned long long) index,
                                    (unsigned) count, count == 1 ? "" : "s");
        if (hr == S_FALSE)
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
