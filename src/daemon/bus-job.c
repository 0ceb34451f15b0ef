/* bus-job.c: the org.dosvc1.Job objects (IBackgroundCopyJob on the wire), one per job under
 * /org/dosvc1/job/<32 hex>. A fallback vtable finds the job from the path; the find step also
 * checks the caller: another non-root user gets E_ACCESSDENIED for every method and property. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "hresult.h"
#include "log.h"
#include "macro.h"
#include "queue.h"

static int job_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
                           void **ret_found, sd_bus_error *error) {
        Manager *m = userdata;
        sd_bus_message *message;
        const char *e;
        sd_id128_t id;
        Job *j;
        uid_t uid;
        int r;

        e = path + strlen(DOSVC_BUS_JOB_PREFIX);
        if (*e != '/' || strlen(e + 1) != 32 || sd_id128_from_string(e + 1, &id) < 0)
                return 0;
        j = manager_find_job(m, &id);
        if (!j)
                return 0;

        message = sd_bus_get_current_message(bus);
        if (!message)
                return 0;
        r = bus_caller_uid(message, &uid);
        if (r < 0)
                return r;
        if (uid != 0 && uid != j->owner)
                return bus_reply_hresult(error, E_ACCESSDENIED, NULL);

        *ret_found = j;
        return 1;
}

int bus_job_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata, void **ret_found,
                        sd_bus_error *error) {
        return job_object_find(bus, path, interface, userdata, ret_found, error);
}

static int job_node_enumerator(sd_bus *bus, const char *prefix, void *userdata, char ***ret_nodes,
                               sd_bus_error *error) {
        Manager *m = userdata;
        sd_bus_message *message = sd_bus_get_current_message(bus);
        char **nodes;
        size_t n = 0;
        uid_t uid = (uid_t) -1;

        if (message && bus_caller_uid(message, &uid) < 0)
                uid = (uid_t) -1;
        nodes = calloc(m->n_jobs + 1, sizeof(char *));
        if (!nodes)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_jobs; i++) {
                if (uid != 0 && m->jobs[i]->owner != uid)
                        continue;
                if (bus_job_path(m->jobs[i], &nodes[n]) < 0) {
                        for (size_t k = 0; k < n; k++)
                                free(nodes[k]);
                        free(nodes);
                        return -ENOMEM;
                }
                n++;
        }
        *ret_nodes = nodes;
        return 0;
}

#define REPLY_HR(message, error, hr) \
        (FAILED(hr) ? bus_reply_hresult((error), (hr), NULL) : sd_bus_reply_method_return((message), NULL))

static int method_add_files(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        Manager *m = j->manager;
        _cleanup_free_ FileSpec *files = NULL;
        size_t n = 0, allocated = 0;
        const char *remote, *local;
        HRESULT hr;
        int r;

        r = sd_bus_message_enter_container(message, 'a', "(ss)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(message, "(ss)", &remote, &local)) > 0) {
                /* Bounded before the array grows: a huge a(ss) costs us nothing beyond the message. */
                if (n >= m->limits.max_files_per_job)
                        return bus_reply_hresult(error, BG_E_TOO_MANY_FILES_IN_JOB, NULL);
                if (n == allocated) {
                        FileSpec *nf;

                        allocated = allocated ? allocated * 2 : 8;
                        nf = realloc(files, allocated * sizeof *files);
                        if (!nf)
                                return -ENOMEM;
                        files = nf;
                }
                files[n++] = (FileSpec) { remote, local };
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(message);
        if (r < 0)
                return r;

        hr = queue_job_add_files(m, j, files, n);
        return REPLY_HR(message, error, hr);
}

static int method_add_file_with_ranges(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        _cleanup_free_ BG_FILE_RANGE *ranges = NULL;
        const char *file_id, *remote, *local;
        size_t n = 0, allocated = 0;
        uint64_t offset, length, size;
        unsigned index = 0;
        HRESULT hr;
        int r;

        r = sd_bus_message_read(message, "sss", &file_id, &remote, &local);
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
                        nr = realloc(ranges, allocated * sizeof *ranges);
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
        r = sd_bus_message_read(message, "t", &size);
        if (r < 0)
                return r;

        hr = queue_job_add_file_with_ranges(j->manager, j, file_id, remote, local, ranges, n, size, &index);
        if (FAILED(hr))
                return bus_reply_hresult(error, hr, NULL);
        return sd_bus_reply_method_return(message, "u", index);
}

static int method_resume(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        return REPLY_HR(message, error, queue_job_resume(j->manager, j));
}

static int method_suspend(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        return REPLY_HR(message, error, queue_job_suspend(j->manager, j));
}

static int method_cancel(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        HRESULT hr = queue_job_cancel(j->manager, j);

        if (FAILED(hr))
                return bus_reply_hresult(error, hr, NULL);
        return sd_bus_reply_method_return(message, "i", (int32_t) hr);
}

static int method_complete(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        HRESULT hr = queue_job_complete(j->manager, j);

        if (FAILED(hr))
                return bus_reply_hresult(error, hr, NULL);
        return sd_bus_reply_method_return(message, "i", (int32_t) hr);
}

static int method_set_display_name(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        const char *s;
        int r;

        r = sd_bus_message_read(message, "s", &s);
        if (r < 0)
                return r;
        return REPLY_HR(message, error, queue_job_set_display_name(j->manager, j, s));
}

static int method_set_description(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        const char *s;
        int r;

        r = sd_bus_message_read(message, "s", &s);
        if (r < 0)
                return r;
        return REPLY_HR(message, error, queue_job_set_description(j->manager, j, s));
}

typedef HRESULT (*set_u32_t)(Manager *m, Job *j, uint32_t v);

static int set_u32(sd_bus_message *message, Job *j, sd_bus_error *error, set_u32_t setter) {
        uint32_t v;
        int r;

        r = sd_bus_message_read(message, "u", &v);
        if (r < 0)
                return r;
        return REPLY_HR(message, error, setter(j->manager, j, v));
}

static int method_set_priority(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        return set_u32(message, userdata, error, queue_job_set_priority);
}

static int method_set_notify_flags(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        return set_u32(message, userdata, error, queue_job_set_notify_flags);
}

static int method_set_no_progress_timeout(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        return set_u32(message, userdata, error, queue_job_set_no_progress_timeout);
}

static int method_set_minimum_retry_delay(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        return set_u32(message, userdata, error, queue_job_set_minimum_retry_delay);
}

static int method_set_security_flags(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        return set_u32(message, userdata, error, queue_job_set_security_flags);
}

static int method_get_error(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        JobStateContext ctx = job_state_context(j);
        const char *context_description;
        HRESULT hr;

        hr = job_state_method(j->state, JOB_METHOD_GET_ERROR, &ctx, NULL);
        if (FAILED(hr) || j->error.hresult == 0)
                return bus_reply_hresult(error, DO_E_ERROR_INFORMATION_UNAVAILABLE, NULL);

        switch (j->error.context) {
        case BG_ERROR_CONTEXT_LOCAL_FILE:
                context_description = "The error occurred while writing the local file.";
                break;
        case BG_ERROR_CONTEXT_REMOTE_FILE:
                context_description = "The error occurred while processing the remote file.";
                break;
        case BG_ERROR_CONTEXT_GENERAL_TRANSPORT:
                context_description = "The error occurred in the transport layer.";
                break;
        case BG_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER:
                context_description = "The error occurred in the download queue manager.";
                break;
        default:
                context_description = "The error context is unknown.";
        }
        return sd_bus_reply_method_return(message, "iuisss", (int32_t) j->error.hresult, (uint32_t) j->error.context,
                                          (int32_t) j->error.file_index, j->error.description ?: "",
                                          context_description, j->error.protocol ?: "");
}

static int append_file(sd_bus_message *reply, const JobFile *f) {
        uint64_t total = f->bytes_total;
        int r;

        /* With ranges, the file's total is the sum of the range lengths (spec §3.2). */
        r = sd_bus_message_open_container(reply, 'r', "usssttba(tt)");
        if (r < 0)
                return r;
        r = sd_bus_message_append(reply, "usssttb", (uint32_t) f->index, f->file_id ?: "", f->remote_url,
                                  f->local_path, total, f->bytes_written, (int) f->completed);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(tt)");
        if (r < 0)
                return r;
        for (size_t i = 0; i < f->n_ranges; i++) {
                r = sd_bus_message_append(reply, "(tt)", f->ranges[i].InitialOffset, f->ranges[i].Length);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

static int method_get_files(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Job *j = userdata;
        int r;

        r = sd_bus_message_new_method_return(message, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(usssttba(tt))");
        if (r < 0)
                return r;
        for (size_t i = 0; i < j->n_files; i++) {
                r = append_file(reply, j->files[i]);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_get_file(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Job *j = userdata;
        uint32_t index;
        int r;

        r = sd_bus_message_read(message, "u", &index);
        if (r < 0)
                return r;
        if (index >= j->n_files)
                return bus_reply_hresult(error, E_INVALIDARG, "No file with that index.");
        r = sd_bus_message_new_method_return(message, &reply);
        if (r < 0)
                return r;
        r = append_file(reply, j->files[index]);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_set_remote_name(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        const char *url;
        uint32_t index;
        int r;

        r = sd_bus_message_read(message, "us", &index, &url);
        if (r < 0)
                return r;
        return REPLY_HR(message, error, queue_job_set_remote_name(j->manager, j, index, url));
}

/* SetNotifyCmdLine(s program, s parameters): "" stands for NULL (D-Bus has no null string). */
static int method_set_notify_cmdline(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        const char *program, *parameters;
        int r;

        r = sd_bus_message_read(message, "ss", &program, &parameters);
        if (r < 0)
                return r;
        return REPLY_HR(message, error, queue_job_set_notify_cmdline(j->manager, j, program, parameters));
}

/* Properties. */

static int property_get_notify_cmdline(sd_bus *bus, const char *path, const char *interface, const char *property,
                                       sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Job *j = userdata;

        return sd_bus_message_append(reply, "(ss)", j->notify_cmdline_program ?: "",
                                     j->notify_cmdline_parameters ?: "");
}

static int property_get_id(sd_bus *bus, const char *path, const char *interface, const char *property,
                           sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        char id[JOB_ID_STRING_MAX];

        return sd_bus_message_append(reply, "s", job_id_to_string(&j->id, id));
}

static int property_get_progress(sd_bus *bus, const char *path, const char *interface, const char *property,
                                 sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        BG_JOB_PROGRESS p;

        job_get_progress(j, &p);
        if (streq(property, "BytesTotal"))
                return sd_bus_message_append(reply, "t", p.BytesTotal);
        if (streq(property, "BytesTransferred"))
                return sd_bus_message_append(reply, "t", p.BytesTransferred);
        if (streq(property, "FilesTotal"))
                return sd_bus_message_append(reply, "u", (uint32_t) p.FilesTotal);
        return sd_bus_message_append(reply, "u", (uint32_t) p.FilesTransferred);
}

static int property_get_time(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        usec_t t;

        if (streq(property, "CreationTime"))
                t = j->creation_time;
        else if (streq(property, "ModificationTime"))
                t = j->modification_time;
        else
                t = j->transfer_completion_time;
        return sd_bus_message_append(reply, "t", usec_to_filetime(t));
}

static int property_get_owner(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        return sd_bus_message_append(reply, "u", (uint32_t) j->owner);
}

static int property_get_string(sd_bus *bus, const char *path, const char *interface, const char *property,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        char **s = userdata;
        return sd_bus_message_append(reply, "s", *s ?: "");
}

static int property_get_enum(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        /* enums are int-sized in C; the wire type is u */
        const int *v = userdata;
        return sd_bus_message_append(reply, "u", (uint32_t) *v);
}

static const sd_bus_vtable job_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Id", "s", property_get_id, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("DisplayName", "s", property_get_string, offsetof(Job, display_name), 0),
        SD_BUS_PROPERTY("Description", "s", property_get_string, offsetof(Job, description), 0),
        SD_BUS_PROPERTY("Type", "u", property_get_enum, offsetof(Job, type), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("State", "u", property_get_enum, offsetof(Job, state), 0),
        SD_BUS_PROPERTY("Priority", "u", property_get_enum, offsetof(Job, priority), 0),
        SD_BUS_PROPERTY("Owner", "u", property_get_owner, 0, 0),
        SD_BUS_PROPERTY("BytesTotal", "t", property_get_progress, 0, 0),
        SD_BUS_PROPERTY("BytesTransferred", "t", property_get_progress, 0, 0),
        SD_BUS_PROPERTY("FilesTotal", "u", property_get_progress, 0, 0),
        SD_BUS_PROPERTY("FilesTransferred", "u", property_get_progress, 0, 0),
        SD_BUS_PROPERTY("CreationTime", "t", property_get_time, 0, 0),
        SD_BUS_PROPERTY("ModificationTime", "t", property_get_time, 0, 0),
        SD_BUS_PROPERTY("TransferCompletionTime", "t", property_get_time, 0, 0),
        SD_BUS_PROPERTY("NotifyFlags", "u", NULL, offsetof(Job, notify_flags), 0),
        SD_BUS_PROPERTY("NoProgressTimeout", "u", NULL, offsetof(Job, no_progress_timeout), 0),
        SD_BUS_PROPERTY("MinimumRetryDelay", "u", NULL, offsetof(Job, minimum_retry_delay), 0),
        SD_BUS_PROPERTY("ErrorCount", "u", NULL, offsetof(Job, error_count), 0),
        SD_BUS_PROPERTY("NotifyCmdLine", "(ss)", property_get_notify_cmdline, 0, 0),
        SD_BUS_PROPERTY("SecurityFlags", "u", NULL, offsetof(Job, security_flags), 0),

        SD_BUS_METHOD_WITH_ARGS("AddFiles", SD_BUS_ARGS("a(ss)", files), SD_BUS_NO_RESULT,
                                method_add_files, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("AddFileWithRanges",
                                SD_BUS_ARGS("s", file_id, "s", remote_url, "s", local_name, "a(tt)", ranges,
                                            "t", file_size),
                                SD_BUS_RESULT("u", index),
                                method_add_file_with_ranges, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Resume", NULL, NULL, method_resume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Suspend", NULL, NULL, method_suspend, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Cancel", SD_BUS_NO_ARGS, SD_BUS_RESULT("i", hresult),
                                method_cancel, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Complete", SD_BUS_NO_ARGS, SD_BUS_RESULT("i", hresult),
                                method_complete, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetDisplayName", SD_BUS_ARGS("s", name), SD_BUS_NO_RESULT,
                                method_set_display_name, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetDescription", SD_BUS_ARGS("s", text), SD_BUS_NO_RESULT,
                                method_set_description, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetPriority", SD_BUS_ARGS("u", priority), SD_BUS_NO_RESULT,
                                method_set_priority, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetNotifyFlags", SD_BUS_ARGS("u", flags), SD_BUS_NO_RESULT,
                                method_set_notify_flags, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetNoProgressTimeout", SD_BUS_ARGS("u", seconds), SD_BUS_NO_RESULT,
                                method_set_no_progress_timeout, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetMinimumRetryDelay", SD_BUS_ARGS("u", seconds), SD_BUS_NO_RESULT,
                                method_set_minimum_retry_delay, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetError", SD_BUS_NO_ARGS,
                                SD_BUS_RESULT("i", hresult, "u", context, "i", file_index, "s", description,
                                              "s", context_description, "s", protocol),
                                method_get_error, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetFiles", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(usssttba(tt))", files),
                                method_get_files, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetFile", SD_BUS_ARGS("u", index), SD_BUS_RESULT("(usssttba(tt))", file),
                                method_get_file, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetSecurityFlags", SD_BUS_ARGS("u", flags), SD_BUS_NO_RESULT,
                                method_set_security_flags, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetRemoteName", SD_BUS_ARGS("u", index, "s", url), SD_BUS_NO_RESULT,
                                method_set_remote_name, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetNotifyCmdLine", SD_BUS_ARGS("s", program, "s", parameters), SD_BUS_NO_RESULT,
                                method_set_notify_cmdline, SD_BUS_VTABLE_UNPRIVILEGED),

        /* Notifications (notify.c), sent only to connections that called Manager.Subscribe. */
        SD_BUS_SIGNAL("JobTransferred", NULL, 0),
        SD_BUS_SIGNAL_WITH_ARGS("JobError", SD_BUS_ARGS("i", hresult, "u", context, "i", file_index), 0),
        SD_BUS_SIGNAL_WITH_ARGS("JobModification", SD_BUS_ARGS("u", what), 0),
        SD_BUS_SIGNAL_WITH_ARGS("FileTransferred", SD_BUS_ARGS("u", index), 0),
        SD_BUS_VTABLE_END,
};

int bus_job_register(Manager *m, sd_bus *bus) {
        int r;

        r = sd_bus_add_fallback_vtable(bus, NULL, DOSVC_BUS_JOB_PREFIX, DOSVC_BUS_JOB_INTERFACE, job_vtable,
                                       job_object_find, m);
        if (r < 0)
                return r;
        /* The rest of the API (bus-job-ext.c): a second vtable on the same interface. */
        r = bus_job_ext_register(m, bus);
        if (r < 0)
                return r;
        return sd_bus_add_node_enumerator(bus, NULL, DOSVC_BUS_JOB_PREFIX, job_node_enumerator, m);
}
