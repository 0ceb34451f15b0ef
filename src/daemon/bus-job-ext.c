/* bus-job-ext.c: the org.dosvc1.Job methods beyond IBackgroundCopyJob (docs/dbus-api.md): job and
 * file properties (IBackgroundCopyJob5, IDeliveryOptimizationFile2, IBackgroundCopyFile3/5), the
 * statistics of IDeliveryOptimizationFile, IDeliveryOptimizationJob2::AddFile, proxy settings and
 * TakeOwnership.
 *
 * A second vtable on the same interface and the same fallback path as bus-job.c, found through the
 * same access check (bus_job_object_find). Adapters only: read the wire arguments, call
 * job-props.c or queue.c, reply. Variants carry u, t, b or s; any other type reaches the core as
 * "no type" and is refused there (E_INVALIDARG) after the checks that come first. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "hresult.h"
#include "job-props.h"
#include "macro.h"
#include "queue.h"

#define REPLY_HR(message, error, hr) \
        (FAILED(hr) ? bus_reply_hresult((error), (hr), NULL) : sd_bus_reply_method_return((message), NULL))

/* Reads a variant into v. Types other than u, t, b, s are skipped and leave v->type 0. */
static int read_prop_value(sd_bus_message *message, PropValue *v) {
        const char *contents;
        char type;
        int b, r;

        *v = (PropValue) {};
        r = sd_bus_message_peek_type(message, &type, &contents);
        if (r < 0)
                return r;
        if (r == 0 || type != 'v')
                return -ENXIO;
        r = sd_bus_message_enter_container(message, 'v', contents);
        if (r < 0)
                return r;
        if (streq(contents, "u"))
                r = sd_bus_message_read_basic(message, 'u', &v->u);
        else if (streq(contents, "t"))
                r = sd_bus_message_read_basic(message, 't', &v->t);
        else if (streq(contents, "s"))
                r = sd_bus_message_read_basic(message, 's', &v->s);
        else if (streq(contents, "b")) {
                r = sd_bus_message_read_basic(message, 'b', &b);
                v->b = b;
        } else {
                r = sd_bus_message_skip(message, contents);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(message);
                return r < 0 ? r : 0;
        }
        if (r < 0)
                return r;
        v->type = contents[0];
        return sd_bus_message_exit_container(message);
}

static int reply_prop_value(sd_bus_message *message, const PropValue *v) {
        switch (v->type) {
        case 'u':
                return sd_bus_reply_method_return(message, "v", "u", v->u);
        case 't':
                return sd_bus_reply_method_return(message, "v", "t", v->t);
        case 'b':
                return sd_bus_reply_method_return(message, "v", "b", (int) v->b);
        case 's':
                return sd_bus_reply_method_return(message, "v", "s", v->s ?: "");
        default:
                return -EINVAL;
        }
}

static int method_set_property(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        PropValue v;
        uint32_t id;
        int r;

        r = sd_bus_message_read(message, "u", &id);
        if (r < 0)
                return r;
        r = read_prop_value(message, &v);
        if (r < 0)
                return r;
        return REPLY_HR(message, error, job_props_set(j->manager, j, id, &v));
}

static int method_get_property(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        PropValue v;
        uint32_t id;
        HRESULT hr;
        int r;

        r = sd_bus_message_read(message, "u", &id);
        if (r < 0)
                return r;
        hr = job_props_get(j, id, &v);
        if (FAILED(hr))
                return bus_reply_hresult(error, hr, NULL);
        return reply_prop_value(message, &v);
}

static int method_set_file_property(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        uint32_t index, id;
        PropValue v;
        int r;

        r = sd_bus_message_read(message, "uu", &index, &id);
        if (r < 0)
                return r;
        r = read_prop_value(message, &v);
        if (r < 0)
                return r;
        return REPLY_HR(message, error, job_props_file_set(j->manager, j, index, id, &v));
}

static int method_get_file_property(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        uint32_t index, id;
        PropValue v;
        HRESULT hr;
        int r;

        r = sd_bus_message_read(message, "uu", &index, &id);
        if (r < 0)
                return r;
        hr = job_props_file_get(j, index, id, &v);
        if (FAILED(hr))
                return bus_reply_hresult(error, hr, NULL);
        return reply_prop_value(message, &v);
}

static int method_get_file_stats(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        FileStats st;
        uint32_t index;
        HRESULT hr;
        int r;

        r = sd_bus_message_read(message, "u", &index);
        if (r < 0)
                return r;
        hr = job_props_file_stats(j, index, &st);
        if (FAILED(hr))
                return bus_reply_hresult(error, hr, "No file with that index.");
        return sd_bus_reply_method_return(message, "sstttuuuub", st.file_id, st.source_url, st.file_size,
                                          st.total_bytes_downloaded, st.bytes_from_http, st.http_connection_count,
                                          st.download_duration_ms, st.download_mode, st.status,
                                          (int) st.is_background);
}

static int read_file_index(sd_bus_message *message, Job *j, JobFile **ret, sd_bus_error *error) {
        uint32_t index;
        int r;

        r = sd_bus_message_read(message, "u", &index);
        if (r < 0)
                return r;
        if (index >= j->n_files)
                return bus_reply_hresult(error, E_INVALIDARG, "No file with that index.");
        *ret = j->files[index];
        return 1;
}

static int method_get_temporary_name(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        JobFile *f = NULL;
        int r;

        r = read_file_index(message, userdata, &f, error);
        if (r <= 0)
                return r;
        return sd_bus_reply_method_return(message, "s", f->temp_path);
}

static int method_get_file_http_response_headers(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        JobFile *f = NULL;
        int r;

        r = read_file_index(message, userdata, &f, error);
        if (r <= 0)
                return r;
        /* "" until the server answered once (docs/decisions.md). */
        return sd_bus_reply_method_return(message, "s", f->http_response_headers ?: "");
}

static int method_add_file_without_local_name(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        _cleanup_free_ BG_FILE_RANGE *ranges = NULL;
        const char *file_id, *remote;
        size_t n = 0, allocated = 0;
        uint64_t offset, length;
        unsigned index = 0;
        HRESULT hr;
        int r;

        r = sd_bus_message_read(message, "ss", &file_id, &remote);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(message, 'a', "(tt)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(message, "(tt)", &offset, &length)) > 0) {
                if (n >= ((Manager *) j->manager)->limits.max_ranges_per_file)
                        return bus_reply_hresult(error, BG_E_TOO_MANY_RANGES_IN_FILE, NULL);
                if (n == allocated) {
                        BG_FILE_RANGE *nr;

                        allocated = allocated ? allocated * 2 : 8;
                        nr = reallocarray(ranges, allocated, sizeof *ranges);
                        if (!nr)
                                return -ENOMEM;
                        ranges = nr;
                }
                ranges[n++] = (BG_FILE_RANGE) { .InitialOffset = offset, .Length = length };
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(message);
        if (r < 0)
                return r;

        /* A NULL local path: the destination comes with DownloadSinkFilePath. */
        hr = queue_job_add_file_with_ranges(j->manager, j, file_id, remote, NULL, ranges, n, DO_UNKNOWN_FILE_SIZE,
                                            &index);
        if (FAILED(hr))
                return bus_reply_hresult(error, hr, NULL);
        return sd_bus_reply_method_return(message, "u", (uint32_t) index);
}

static int method_set_proxy_settings(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        const char *list, *bypass;
        uint32_t usage;
        int r;

        r = sd_bus_message_read(message, "uss", &usage, &list, &bypass);
        if (r < 0)
                return r;
        return REPLY_HR(message, error, job_props_set_proxy(j->manager, j, usage, list, bypass));
}

static int method_get_proxy_settings(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;

        return sd_bus_reply_method_return(message, "uss", j->proxy_usage, j->proxy_list ?: "",
                                          j->proxy_bypass_list ?: "");
}

static int method_take_ownership(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        uid_t uid;
        int r;

        r = bus_caller_uid(message, &uid);
        if (r < 0)
                return r;
        return REPLY_HR(message, error, job_props_take_ownership(j->manager, j, uid));
}

static const sd_bus_vtable job_ext_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("SetProperty", SD_BUS_ARGS("u", id, "v", value), SD_BUS_NO_RESULT,
                                method_set_property, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetProperty", SD_BUS_ARGS("u", id), SD_BUS_RESULT("v", value),
                                method_get_property, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetFileProperty", SD_BUS_ARGS("u", index, "u", id, "v", value), SD_BUS_NO_RESULT,
                                method_set_file_property, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetFileProperty", SD_BUS_ARGS("u", index, "u", id), SD_BUS_RESULT("v", value),
                                method_get_file_property, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetFileStats", SD_BUS_ARGS("u", index),
                                SD_BUS_RESULT("s", file_id, "s", source_url, "t", file_size,
                                              "t", total_bytes_downloaded, "t", bytes_from_http,
                                              "u", http_connection_count, "u", download_duration_ms,
                                              "u", download_mode, "u", status, "b", is_background),
                                method_get_file_stats, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetTemporaryName", SD_BUS_ARGS("u", index), SD_BUS_RESULT("s", temporary_name),
                                method_get_temporary_name, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetFileHttpResponseHeaders", SD_BUS_ARGS("u", index), SD_BUS_RESULT("s", headers),
                                method_get_file_http_response_headers, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("AddFileWithoutLocalName",
                                SD_BUS_ARGS("s", file_id, "s", remote_url, "a(tt)", ranges),
                                SD_BUS_RESULT("u", index),
                                method_add_file_without_local_name, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetProxySettings", SD_BUS_ARGS("u", usage, "s", proxy_list, "s", bypass_list),
                                SD_BUS_NO_RESULT, method_set_proxy_settings, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetProxySettings", SD_BUS_NO_ARGS,
                                SD_BUS_RESULT("u", usage, "s", proxy_list, "s", bypass_list),
                                method_get_proxy_settings, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("TakeOwnership", NULL, NULL, method_take_ownership, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int bus_job_ext_register(Manager *m, sd_bus *bus) {
        return sd_bus_add_fallback_vtable(bus, NULL, DOSVC_BUS_JOB_PREFIX, DOSVC_BUS_JOB_INTERFACE, job_ext_vtable,
                                          bus_job_object_find, m);
}
