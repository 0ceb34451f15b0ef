/* fuzz-bus-args.c: D-Bus messages from bytes, decoded by sd-bus and handed to our argument checks.
 *
 * sd-bus has no public call that decodes a message from a buffer (bus_message_from_buffer() is
 * internal), so the input is written, after a fixed SASL handshake, into one end of a socketpair
 * whose other end is an sd-bus *server* connection like the daemon's (bus-server.c). The server
 * exports the daemon's method names and signatures on /org/dosvc1 and /org/dosvc1/job/<id>; each
 * handler reads its arguments exactly as the real adapters do (bus-job.c, bus-job-ext.c,
 * bus-manager.c) and runs the daemon's pure checks on them: job_id_from_string, the URL, path and
 * name checks of queue.c, ranges_validate, integrity_info_parse, cmdline_split, with the default
 * limits and the adapters' array bounds. What it does not reach: the queue, the store and the
 * state of real jobs (the integration tests and fuzz-job-state cover those). sd-bus itself is not
 * instrumented (a system library), so coverage guides the fuzzer only through our code. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <systemd/sd-bus.h>

#include "cmdline.h"
#include "integrity-info.h"
#include "job.h"
#include "log.h"
#include "queue.h"
#include "ranges.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const Limits limits = LIMITS_DEFAULT;

static int reply_hr(sd_bus_message *m, sd_bus_error *error, HRESULT hr) {
        if (FAILED(hr))
                return sd_bus_error_setf(error, "org.dosvc1.Error.HR", "%08X", (unsigned) hr);
        return sd_bus_reply_method_return(m, NULL);
}

static int m_create_job(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *name;
        uint32_t type;
        int r = sd_bus_message_read(m, "su", &name, &type);

        if (r < 0)
                return r;
        return reply_hr(m, error, type != 0 ? E_INVALIDARG : queue_check_display_name(&limits, name));
}

static int m_get_job(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *s;
        sd_id128_t id;
        int r = sd_bus_message_read(m, "s", &s);

        if (r < 0)
                return r;
        return reply_hr(m, error, job_id_from_string(s, &id) < 0 ? E_INVALIDARG : S_OK);
}

static int m_add_files(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *remote, *local;
        size_t n = 0;
        HRESULT hr = S_OK;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "(ss)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "(ss)", &remote, &local)) > 0) {
                if (n++ >= limits.max_files_per_job)
                        return reply_hr(m, error, BG_E_TOO_MANY_FILES_IN_JOB);
                if (SUCCEEDED(hr))
                        hr = queue_check_url(&limits, remote);
                if (SUCCEEDED(hr))
                        hr = queue_check_local_path(&limits, local);
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        return reply_hr(m, error, n == 0 ? E_INVALIDARG : hr);
}

static int read_ranges(sd_bus_message *m, BG_FILE_RANGE **ret, size_t *ret_n) {
        BG_FILE_RANGE *ranges = NULL;
        uint64_t offset, length;
        size_t n = 0;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "(tt)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "(tt)", &offset, &length)) > 0) {
                BG_FILE_RANGE *nr;

                if (n >= limits.max_ranges_per_file) {
                        free(ranges);
                        return -E2BIG;
                }
                nr = reallocarray(ranges, n + 1, sizeof *ranges);
                if (!nr) {
                        free(ranges);
                        return -ENOMEM;
                }
                ranges = nr;
                ranges[n++] = (BG_FILE_RANGE) { .InitialOffset = offset, .Length = length };
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        if (r < 0) {
                free(ranges);
                return r;
        }
        *ret = ranges;
        *ret_n = n;
        return 0;
}

static int m_add_file_with_ranges(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *file_id, *remote, *local;
        BG_FILE_RANGE *ranges = NULL;
        uint64_t file_size;
        size_t n = 0;
        HRESULT hr;
        int r;

        r = sd_bus_message_read(m, "sss", &file_id, &remote, &local);
        if (r < 0)
                return r;
        r = read_ranges(m, &ranges, &n);
        if (r == -E2BIG)
                return reply_hr(m, error, BG_E_TOO_MANY_RANGES_IN_FILE);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "t", &file_size);
        if (r < 0) {
                free(ranges);
                return r;
        }
        hr = queue_check_url(&limits, remote);
        if (SUCCEEDED(hr))
                hr = queue_check_local_path(&limits, local);
        if (SUCCEEDED(hr))
                hr = ranges_validate(ranges, n);
        if (SUCCEEDED(hr))
                (void) ranges_total(ranges, n, file_size);
        free(ranges);
        return reply_hr(m, error, hr);
}

static int m_set_string(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *s;
        int r = sd_bus_message_read(m, "s", &s);

        if (r < 0)
                return r;
        return reply_hr(m, error, queue_check_display_name(&limits, s));
}

static int m_set_remote_name(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *url;
        uint32_t index;
        int r = sd_bus_message_read(m, "us", &index, &url);

        if (r < 0)
                return r;
        return reply_hr(m, error, queue_check_url(&limits, url));
}

static int m_set_notify_cmdline(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *program, *parameters;
        char **argv = NULL;
        int r = sd_bus_message_read(m, "ss", &program, &parameters);

        if (r < 0)
                return r;
        r = cmdline_split(parameters, &argv);
        cmdline_free(argv);
        return reply_hr(m, error, r < 0 ? E_INVALIDARG : S_OK);
}

/* SetFileProperty(u index, u id, v value) as bus-job-ext.c reads it: u, t, b or s; others skipped. */
static int m_set_file_property(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *contents, *s;
        uint32_t index, id;
        uint8_t digest[32];
        char type;
        int r;

        r = sd_bus_message_read(m, "uu", &index, &id);
        if (r < 0)
                return r;
        r = sd_bus_message_peek_type(m, &type, &contents);
        if (r <= 0 || type != 'v')
                return r < 0 ? r : -ENXIO;
        r = sd_bus_message_enter_container(m, 'v', contents);
        if (r < 0)
                return r;
        if (strcmp(contents, "s") == 0) {
                r = sd_bus_message_read_basic(m, 's', &s);
                if (r < 0)
                        return r;
                if (id == 1)
                        (void) integrity_info_parse(s, digest);
                else if (id == 4)
                        (void) queue_check_local_path(&limits, s);
        } else {
                r = sd_bus_message_skip(m, contents);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        return reply_hr(m, error, S_OK);
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("CreateJob", "su", "so", m_create_job, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("GetJob", "s", "o", m_get_job, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

static const sd_bus_vtable job_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("AddFiles", "a(ss)", "", m_add_files, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("AddFileWithRanges", "sssa(tt)t", "u", m_add_file_with_ranges, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("SetDisplayName", "s", "", m_set_string, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("SetRemoteName", "us", "", m_set_remote_name, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("SetNotifyCmdLine", "ss", "", m_set_notify_cmdline, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("SetFileProperty", "uuv", "", m_set_file_property, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

static int job_find(sd_bus *bus, const char *path, const char *interface, void *userdata, void **ret_found,
                    sd_bus_error *error) {
        const char *e = path + strlen("/org/dosvc1/job");
        sd_id128_t id;

        if (*e != '/' || strlen(e + 1) != 32 || sd_id128_from_string(e + 1, &id) < 0)
                return 0;
        *ret_found = NULL;
        return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char auth[] = "\0AUTH EXTERNAL %s\r\nBEGIN\r\n";
        char hello[96], uid[16], hex[40] = "";
        sd_bus *bus = NULL;
        sd_id128_t server_id = SD_ID128_MAKE(7d,05,7c,d6,1c,6c,4c,3f,9a,3c,55,d5,0f,1e,34,01);
        int fds[2];
        size_t n_hello;
        int r;

        if (size > 256 * 1024)
                return 0;
        log_set_max_level(LOG_CRIT);
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
                return 0;
        /* large buffers: the whole input fits, and so do the replies we never read */
        (void) setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &(int) { 1 << 20 }, sizeof(int));
        (void) setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &(int) { 1 << 20 }, sizeof(int));
        (void) setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &(int) { 1 << 20 }, sizeof(int));

        snprintf(uid, sizeof uid, "%u", (unsigned) geteuid());
        for (size_t i = 0; uid[i]; i++)
                snprintf(hex + 2 * i, 3, "%02x", (unsigned char) uid[i]);
        hello[0] = '\0';
        n_hello = 1 + (size_t) snprintf(hello + 1, sizeof hello - 1, auth + 1, hex);
        if (write(fds[0], hello, n_hello) != (ssize_t) n_hello)
                goto out;
        for (size_t done = 0; done < size;) {
                ssize_t k = write(fds[0], data + done, size - done);
                if (k <= 0)
                        goto out;
                done += (size_t) k;
        }
        (void) shutdown(fds[0], SHUT_WR);

        r = sd_bus_new(&bus);
        if (r < 0)
                goto out;
        if (sd_bus_set_fd(bus, fds[1], fds[1]) < 0)
                goto out;
        fds[1] = -1;   /* the bus owns it now */
        if (sd_bus_set_server(bus, 1, server_id) < 0 || sd_bus_set_anonymous(bus, false) < 0 ||
            sd_bus_add_object_vtable(bus, NULL, "/org/dosvc1", "org.dosvc1.Manager", manager_vtable, NULL) < 0 ||
            sd_bus_add_fallback_vtable(bus, NULL, "/org/dosvc1/job", "org.dosvc1.Job", job_vtable, job_find,
                                       NULL) < 0 ||
            sd_bus_start(bus) < 0)
                goto out;
        /* Bounded: every message is processed once; the input ends with EOF. */
        for (unsigned i = 0; i < 4096; i++) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        break;
                if (r == 0 && sd_bus_wait(bus, 0) <= 0)
                        break;
        }
out:
        sd_bus_flush_close_unref(bus);
        if (fds[1] >= 0)
                close(fds[1]);
        close(fds[0]);
        return 0;
}
