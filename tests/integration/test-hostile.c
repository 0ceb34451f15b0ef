/* test-hostile.c: hostile input against a real daemon (issue 5 item 5; docs/decisions.md "Hostile
 * input"). Three ways in:
 *   - libdosvc (harness.h): what a well-behaved program can still get wrong (bad URLs and paths,
 *     credentials in URLs, non-http schemes, over-long and non-UTF-8 strings);
 *   - sd-bus on a direct connection: wrong signatures, unknown objects and methods, bad GUIDs,
 *     huge arrays and strings, variants of unexpected types;
 *   - a raw socket speaking the D-Bus wire format by hand, for what sd-bus refuses to send:
 *     invalid UTF-8, invalid object paths, truncated and garbage messages, a call followed by an
 *     immediate close, 10 000 calls in a burst without reading the replies, many idle connections.
 * After each group the daemon must still answer a normal call with the same pid, and at the end
 * its log must hold no sanitizer report. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <systemd/sd-bus.h>

#include "harness.h"

#define BUS_PATH "/org/dosvc1"
#define MGR_IFACE "org.dosvc1.Manager"
#define JOB_IFACE "org.dosvc1.Job"
#define HR_INVALIDARG "org.dosvc1.Error.HR_80070057"

static pid_t daemon_pid_at_start = -1;

/* ---- helpers: sd-bus ---- */

static char *bus_socket_path(void) {
        return h_strdupf("%s/dosvc/bus", h_runtime_dir());
}

/* libdosvc starts the daemon on its first call. */
static void ensure_daemon(void) {
        IBackgroundCopyJob *j = NULL;
        GUID none = { .Data1 = 1 };

        (void) IBackgroundCopyManager_GetJob(h_manager(), &none, &j);
}

static sd_bus *bus_open(void) {
        sd_bus *bus = NULL;
        int r;

        ensure_daemon();

        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_address(bus, h_strdupf("unix:path=%s", bus_socket_path()));
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                errno = -r;
                H_FAIL("connecting to the daemon: %m");
        }
        return bus;
}

/* Sends m and waits for the answer: "" for a method return, else the error name (static buffer). */
static const char *bus_result(sd_bus *bus, sd_bus_message *m, sd_bus_message **ret_reply) {
        static char name[256];
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_call(bus, m, 10 * 1000000ULL, &error, &reply);
        sd_bus_message_unref(m);
        if (r >= 0) {
                if (ret_reply)
                        *ret_reply = reply;
                else
                        sd_bus_message_unref(reply);
                return "";
        }
        errno = -r;
        if (error.name)
                snprintf(name, sizeof name, "%s", error.name);
        else
                snprintf(name, sizeof name, "%m");
        sd_bus_error_free(&error);
        return name;
}

static sd_bus_message *new_call(sd_bus *bus, const char *path, const char *iface, const char *member) {
        sd_bus_message *m = NULL;
        int r = sd_bus_message_new_method_call(bus, &m, NULL, path, iface, member);

        if (r < 0) {
                errno = -r;
                H_FAIL("building %s: %m", member);
        }
        return m;
}

#define APPEND(m, ...) \
        do { int _r = sd_bus_message_append((m), __VA_ARGS__); \
             if (_r < 0) { errno = -_r; H_FAIL("append: %m"); } } while (0)

/* A job created on `bus`; returns its object path (arena). */
static char *bus_create_job(sd_bus *bus, const char *name) {
        sd_bus_message *m = new_call(bus, BUS_PATH, MGR_IFACE, "CreateJob"), *reply = NULL;
        const char *id, *path, *e;

        APPEND(m, "su", name, 0u);
        e = bus_result(bus, m, &reply);
        H_ASSERT_MSG(!e[0], "CreateJob failed: %s", e);
        H_ASSERT(sd_bus_message_read(reply, "so", &id, &path) >= 0);
        path = h_strdupf("%s", path);
        sd_bus_message_unref(reply);
        return (char *) path;
}

static void bus_cancel_job(sd_bus *bus, const char *path) {
        (void) bus_result(bus, new_call(bus, path, JOB_IFACE, "Cancel"), NULL);
}

static void remember_daemon_pid(void) {
        ensure_daemon();
        daemon_pid_at_start = h_daemon_pid();
}

/* The daemon still answers a normal call, on a new connection, and is the same process. */
static void assert_daemon_fine(void) {
        sd_bus *bus = bus_open();
        sd_bus_message *m = new_call(bus, BUS_PATH, MGR_IFACE, "EnumJobs");
        const char *e;

        APPEND(m, "u", 0u);
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(!e[0], "EnumJobs after the attack failed: %s", e);
        sd_bus_flush_close_unref(bus);
        H_ASSERT_MSG(h_daemon_pid() == daemon_pid_at_start, "the daemon changed from pid %d to %d",
                     (int) daemon_pid_at_start, (int) h_daemon_pid());
}

/* ---- helpers: the D-Bus wire format by hand (little endian, protocol version 1) ---- */

typedef struct Wire {
        uint8_t *p;
        size_t n, cap;
} Wire;

static void w_need(Wire *w, size_t k) {
        if (w->n + k > w->cap) {
                w->cap = (w->n + k) * 2;
                w->p = realloc(w->p, w->cap);
                if (!w->p)
                        H_FAIL("out of memory");
        }
}
static void w_pad(Wire *w, size_t a) {
        while (w->n % a) {
                w_need(w, 1);
                w->p[w->n++] = 0;
        }
}
static void w_u8(Wire *w, uint8_t v) {
        w_need(w, 1);
        w->p[w->n++] = v;
}
static void w_u32(Wire *w, uint32_t v) {
        w_pad(w, 4);
        w_need(w, 4);
        memcpy(w->p + w->n, &v, 4);   /* the test machine is little endian: header byte 'l' */
        w->n += 4;
}
static void w_str(Wire *w, const char *s, size_t len) {   /* 's' or 'o': no validation at all */
        w_u32(w, (uint32_t) len);
        w_need(w, len + 1);
        memcpy(w->p + w->n, s, len);
        w->n += len;
        w->p[w->n++] = 0;
}
static void w_sig(Wire *w, const char *s) {
        size_t len = strlen(s);
        w_u8(w, (uint8_t) len);
        w_need(w, len + 1);
        memcpy(w->p + w->n, s, len + 1);
        w->n += len + 1;
}
static void w_field(Wire *w, uint8_t code, char type, const char *s, size_t len) {
        char sig[2] = { type, 0 };

        w_pad(w, 8);
        w_u8(w, code);
        w_sig(w, sig);
        if (type == 'g')
                w_sig(w, s);
        else
                w_str(w, s, len);
}

/* A method call; path and strings are sent as given (they may be invalid). body is appended raw
 * (its first byte lands 8-aligned, as the format requires). */
static Wire wire_call(uint32_t serial, const char *path, size_t path_len, const char *iface, const char *member,
                      const char *sig, const Wire *body) {
        Wire w = {};
        size_t fields_start, len_at;
        uint32_t fields_len, body_len = body ? (uint32_t) body->n : 0;

        w_u8(&w, 'l');
        w_u8(&w, 1);       /* METHOD_CALL */
        w_u8(&w, 0);
        w_u8(&w, 1);
        w_u32(&w, body_len);
        w_u32(&w, serial);
        len_at = w.n;
        w_u32(&w, 0);
        fields_start = w.n;
        w_field(&w, 1, 'o', path, path_len);
        if (iface)
                w_field(&w, 2, 's', iface, strlen(iface));
        w_field(&w, 3, 's', member, strlen(member));
        if (sig && sig[0])
                w_field(&w, 8, 'g', sig, 0);
        fields_len = (uint32_t) (w.n - fields_start);
        memcpy(w.p + len_at, &fields_len, 4);
        w_pad(&w, 8);
        if (body && body->n) {
                w_need(&w, body->n);
                memcpy(w.p + w.n, body->p, body->n);
                w.n += body->n;
        }
        return w;
}

static void write_all(int fd, const void *p, size_t n) {
        const uint8_t *b = p;

        while (n > 0) {
                ssize_t k = write(fd, b, n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        H_FAIL("write to the daemon: %m");
                }
                b += k;
                n -= (size_t) k;
        }
}

/* Connects and authenticates (SASL EXTERNAL) as a D-Bus client; `first` (may be NULL) is sent in
 * the same write() as "BEGIN". */
static int raw_connect_pipelined(bool authenticate, const Wire *first) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        char auth[64], reply[256];
        size_t got = 0;
        int fd;

        ensure_daemon();
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s", bus_socket_path());
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                H_FAIL("connect: %m");
        if (!authenticate)
                return fd;
        {
                char uid[16], hex[40] = "";
                snprintf(uid, sizeof uid, "%u", (unsigned) geteuid());
                for (size_t i = 0; uid[i]; i++)
                        snprintf(hex + 2 * i, 3, "%02x", (unsigned char) uid[i]);
                auth[0] = '\0';
                snprintf(auth + 1, sizeof auth - 1, "AUTH EXTERNAL %s\r\n", hex);
        }
        write_all(fd, auth, 1 + strlen(auth + 1));
        while (got < sizeof reply - 1) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                ssize_t k;

                if (poll(&p, 1, 5000) <= 0)
                        H_FAIL("no answer to AUTH");
                k = read(fd, reply + got, sizeof reply - 1 - got);
                if (k <= 0)
                        H_FAIL("the daemon closed during AUTH");
                got += (size_t) k;
                reply[got] = '\0';
                if (strstr(reply, "\r\n"))
                        break;
        }
        H_ASSERT_MSG(strncmp(reply, "OK ", 3) == 0, "AUTH answered '%s'", reply);
        {
                Wire begin = {};

                w_need(&begin, 7 + (first ? first->n : 0));
                memcpy(begin.p, "BEGIN\r\n", 7);
                begin.n = 7;
                if (first) {
                        memcpy(begin.p + 7, first->p, first->n);
                        begin.n += first->n;
                }
                write_all(fd, begin.p, begin.n);
                free(begin.p);
        }
        return fd;
}

static int raw_connect(bool authenticate) {
        return raw_connect_pipelined(authenticate, NULL);
}

/* Reads one message (≤ timeout_ms). Returns its type (2 return, 3 error, 4 signal), 0 on timeout, -1
 * when the daemon closed the connection. ret_error_name (may be NULL) gets the error name. */
static int raw_read_message(int fd, unsigned timeout_ms, uint32_t *ret_reply_serial, char *ret_error_name,
                            size_t name_size) {
        static uint8_t buf[1 << 20];
        uint32_t body_len, fields_len, total;
        size_t got = 0, need = 16;

        if (ret_error_name)
                ret_error_name[0] = '\0';
        while (got < need) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                ssize_t k;

                if (poll(&p, 1, (int) timeout_ms) <= 0)
                        return got == 0 ? 0 : -1;
                k = read(fd, buf + got, need - got);
                if (k <= 0)
                        return -1;
                got += (size_t) k;
                if (got == 16 && need == 16) {
                        memcpy(&body_len, buf + 4, 4);
                        memcpy(&fields_len, buf + 12, 4);
                        total = 16 + ((fields_len + 7) & ~7u) + body_len;
                        if (total > sizeof buf)
                                H_FAIL("reply of %u bytes", total);
                        need = total;
                }
        }
        memcpy(&fields_len, buf + 12, 4);
        for (size_t o = 16; o < 16 + fields_len;) {
                uint8_t code = buf[o], siglen = buf[o + 1];
                char type = (char) buf[o + 2];
                size_t v = o + 2 + siglen + 1;

                if (type == 's' || type == 'o' || type == 'u') {
                        uint32_t len;
                        v = (v + 3) & ~(size_t) 3;
                        memcpy(&len, buf + v, 4);
                        if (type == 'u') {
                                if (code == 5 && ret_reply_serial)
                                        *ret_reply_serial = len;
                                v += 4;
                        } else {
                                if (code == 4 && ret_error_name)
                                        snprintf(ret_error_name, name_size, "%.*s", (int) len, (char *) buf + v + 4);
                                v += 4 + len + 1;
                        }
                } else if (type == 'g')
                        v += 1 + buf[v] + 1;
                else
                        break;
                o = (v + 7) & ~(size_t) 7;
        }
        return buf[1];
}

static Wire body_su(const char *s, size_t len, uint32_t u) {
        Wire b = {};
        w_str(&b, s, len);
        w_u32(&b, u);
        return b;
}

/* ---- through libdosvc ---- */

static void test_hostile__bad_urls_are_invalidarg(void) {
        IBackgroundCopyJob *job = h_create_job("hostile urls", NULL);
        char *dir = h_dest_dir("urls"), *dest = h_strdupf("%s/f", dir);
        char *long_url = h_strdupf("http://127.0.0.1/%02200d", 0);
        static const char *const bad[] = {
                "http://user:pass@127.0.0.1/f", "http://user@127.0.0.1/f", "https://:secret@127.0.0.1/f",
                "http://@127.0.0.1/f",
                "file:///etc/passwd", "ftp://127.0.0.1/f", "gopher://127.0.0.1/f", "data:text/plain,hello",
                "javascript:alert(1)", "ldap://127.0.0.1/", "dict://127.0.0.1/", "telnet://127.0.0.1/",
                "smb://127.0.0.1/share/f", "scp://127.0.0.1/f", "tftp://127.0.0.1/f", "mailto:a@b",
                "http://127.0.0.1/a b", "http://127.0.0.1/a\tb", "http://127.0.0.1/a\nb", "http://127.0.0.1/\x7f",
                " http://127.0.0.1/f", "http:///f", "http://", "127.0.0.1/f", "", "/etc/passwd",
                "http://127.0.0.1/\xff\xfe",
        };

        for (size_t i = 0; i < H_ELEMENTSOF(bad); i++) {
                HRESULT hr = IBackgroundCopyJob_AddFile(job, bad[i], dest);
                if (hr != E_INVALIDARG)
                        H_FAIL("AddFile(\"%s\") returned 0x%08X (%s), expected E_INVALIDARG", bad[i],
                               (unsigned) hr, h_hr_name(hr));
        }
        H_ASSERT_HR(IBackgroundCopyJob_AddFile(job, long_url, dest), E_INVALIDARG);
        long_url[2200] = '\0';   /* exactly 2200 bytes: allowed */
        H_ASSERT_OK(IBackgroundCopyJob_AddFile(job, long_url, dest));
        H_ASSERT_OK(IBackgroundCopyJob_AddFile(job, h_url("/f"), dest));
        H_ASSERT_OK(IBackgroundCopyJob_AddFile(job, "HTTPS://127.0.0.1:1/f?q=1#frag", dest));
}

static void test_hostile__bad_local_paths_are_invalidarg(void) {
        IBackgroundCopyJob *job = h_create_job("hostile paths", NULL);
        char *dir = h_dest_dir("paths");
        char *long_path = h_strdupf("%s/%0300d", dir, 0);
        const char *bad[] = {
                "relative/f", "f", "", h_strdupf("%s//f", dir), h_strdupf("%s/./f", dir),
                h_strdupf("%s/../paths/f", dir), h_strdupf("%s/", dir), h_strdupf("%s/.", dir),
                h_strdupf("%s/..", dir), h_strdupf("%s/f*", dir), h_strdupf("%s/f?", dir),
                h_strdupf("%s/a\nb", dir), h_strdupf("%s/a\x01", dir), h_strdupf("%s/\xc3\x28", dir),
                long_path, dir, "/",
        };

        for (size_t i = 0; i < H_ELEMENTSOF(bad); i++) {
                HRESULT hr = IBackgroundCopyJob_AddFile(job, h_url("/f"), bad[i]);
                if (hr != E_INVALIDARG)
                        H_FAIL("AddFile(local \"%s\") returned 0x%08X (%s), expected E_INVALIDARG", bad[i],
                               (unsigned) hr, h_hr_name(hr));
        }
        H_ASSERT_OK(IBackgroundCopyJob_AddFile(job, h_url("/f"), h_strdupf("%s/ok", dir)));
        H_ASSERT_OK(IBackgroundCopyJob_AddFile(job, h_url("/f"), h_strdupf("%s/caf\xc3\xa9 .. x", dir)));
}

static void test_hostile__strings_too_long_or_not_utf8(void) {
        IBackgroundCopyManager *mgr = h_manager();
        IBackgroundCopyJob *job = h_create_job("strings", NULL), *j2 = NULL;
        size_t huge = 4u << 20;
        char *big = malloc(huge + 1);
        char name256[256 * 2 + 1] = "";
        GUID id;

        H_ASSERT(big);
        memset(big, 'a', huge);
        big[huge] = '\0';
        /* 256 two-byte characters: 512 bytes, within the 256-character limit */
        for (int i = 0; i < 256; i++)
                memcpy(name256 + 2 * i, "\xc3\xa9", 3);
        H_ASSERT_OK(IBackgroundCopyJob_SetDisplayName(job, name256));
        H_ASSERT_HR(IBackgroundCopyJob_SetDisplayName(job, h_strdupf("%s.", name256)), E_INVALIDARG);
        H_ASSERT_HR(IBackgroundCopyJob_SetDisplayName(job, big), E_INVALIDARG);
        H_ASSERT_HR(IBackgroundCopyJob_SetDisplayName(job, "bad \xff utf-8"), E_INVALIDARG);
        H_ASSERT_HR(IBackgroundCopyJob_SetDisplayName(job, "overlong \xc0\xaf"), E_INVALIDARG);
        H_ASSERT_HR(IBackgroundCopyJob_SetDisplayName(job, "surrogate \xed\xa0\x80"), E_INVALIDARG);
        H_ASSERT_HR(IBackgroundCopyJob_SetDescription(job, big), BG_E_STRING_TOO_LONG);
        H_ASSERT_HR(IBackgroundCopyJob_SetDescription(job, "bad \xfe"), E_INVALIDARG);
        big[1024] = '\0';
        H_ASSERT_OK(IBackgroundCopyJob_SetDescription(job, big));
        big[1024] = 'a';
        big[1025] = '\0';
        H_ASSERT_HR(IBackgroundCopyJob_SetDescription(job, big), BG_E_STRING_TOO_LONG);
        H_ASSERT_HR(IBackgroundCopyManager_CreateJob(mgr, "x\xff", BG_JOB_TYPE_DOWNLOAD, &id, &j2), E_INVALIDARG);
        H_ASSERT(j2 == NULL);
        H_ASSERT_HR(IBackgroundCopyManager_CreateJob(mgr, "t", (BG_JOB_TYPE) 7, &id, &j2), E_INVALIDARG);
        free(big);
}

/* ---- sd-bus on a direct connection ---- */

static void test_hostile__wrong_signatures_and_unknown_targets(void) {
        sd_bus *bus = bus_open();
        char *job = bus_create_job(bus, "raw");
        sd_bus_message *m;
        const char *e;

        remember_daemon_pid();
        m = new_call(bus, BUS_PATH, MGR_IFACE, "CreateJob");
        APPEND(m, "ss", "a", "b");
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(strcmp(e, SD_BUS_ERROR_INVALID_ARGS) == 0, "CreateJob(ss): %s", e);

        m = new_call(bus, BUS_PATH, MGR_IFACE, "CreateJob");   /* no arguments at all */
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(strcmp(e, SD_BUS_ERROR_INVALID_ARGS) == 0, "CreateJob(): %s", e);

        m = new_call(bus, BUS_PATH, MGR_IFACE, "CreateJob");   /* extra arguments */
        APPEND(m, "suu", "a", 0u, 1u);
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(strcmp(e, SD_BUS_ERROR_INVALID_ARGS) == 0, "CreateJob(suu): %s", e);

        m = new_call(bus, BUS_PATH, MGR_IFACE, "NoSuchMethod");
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(strcmp(e, SD_BUS_ERROR_UNKNOWN_METHOD) == 0, "NoSuchMethod: %s", e);

        m = new_call(bus, "/org/dosvc1/job/00000000000000000000000000000001", JOB_IFACE, "Resume");
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(strcmp(e, SD_BUS_ERROR_UNKNOWN_OBJECT) == 0, "Resume on unknown job: %s", e);
        m = new_call(bus, "/org/dosvc1/job/nothex", JOB_IFACE, "Resume");
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(strcmp(e, SD_BUS_ERROR_UNKNOWN_OBJECT) == 0, "Resume on /job/nothex: %s", e);
        m = new_call(bus, "/org/dosvc1/job", JOB_IFACE, "Resume");
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(e[0], "Resume on the prefix itself succeeded");
        m = new_call(bus, h_strdupf("%s/sub", job), JOB_IFACE, "Resume");
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(e[0], "Resume below a job path succeeded");

        m = new_call(bus, job, JOB_IFACE, "SetPriority");   /* s instead of u */
        APPEND(m, "s", "1");
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(strcmp(e, SD_BUS_ERROR_INVALID_ARGS) == 0, "SetPriority(s): %s", e);

        m = new_call(bus, job, JOB_IFACE, "GetFile");
        APPEND(m, "u", 4000000000u);
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(strcmp(e, HR_INVALIDARG) == 0, "GetFile(4e9): %s", e);

        /* variants of every unexpected shape */
        m = new_call(bus, job, JOB_IFACE, "SetProperty");
        APPEND(m, "uv", 1u, "a{sv}", 1, "k", "s", "v");
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(strcmp(e, HR_INVALIDARG) == 0, "SetProperty(1, a{sv}): %s", e);
        m = new_call(bus, job, JOB_IFACE, "SetProperty");
        APPEND(m, "uv", 2u, "s", "{not-a-guid}");
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(strcmp(e, HR_INVALIDARG) == 0, "SetProperty(2, bad guid): %s", e);
        m = new_call(bus, job, JOB_IFACE, "SetProperty");
        APPEND(m, "uv", 1u, "v", "v", "u", 5u);
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(strcmp(e, HR_INVALIDARG) == 0, "SetProperty(1, vvu): %s", e);

        bus_cancel_job(bus, job);
        sd_bus_flush_close_unref(bus);
        assert_daemon_fine();
}

static void test_hostile__bad_guids_are_invalidarg(void) {
        sd_bus *bus = bus_open();
        size_t huge = 8u << 20;
        char *big = malloc(huge + 1);
        const char *bad[] = {
                "", "{", "}", "{}", "not a guid", "{00000000-0000-0000-0000-00000000000g}",
                "{00000000-0000-0000-0000-0000000000000}", "00000000-0000-0000-0000-00000000000",
                "{00000000-0000-0000-0000-000000000000", "{00000000x0000-0000-0000-000000000000}",
                "{{00000000-0000-0000-0000-000000000000}}", "{00000000-0000-0000-0000-000000000000} ",
                big,
        };

        if (!big)
                H_FAIL("out of memory");
        memset(big, '0', huge);
        big[huge] = '\0';
        remember_daemon_pid();
        for (size_t i = 0; i < H_ELEMENTSOF(bad); i++) {
                sd_bus_message *m = new_call(bus, BUS_PATH, MGR_IFACE, "GetJob");
                const char *e;

                APPEND(m, "s", bad[i]);
                e = bus_result(bus, m, NULL);
                H_ASSERT_MSG(strcmp(e, HR_INVALIDARG) == 0, "GetJob(\"%.60s\"): %s", bad[i], e);
        }
        {
                /* a well-formed id of no job: not found, not invalid */
                sd_bus_message *m = new_call(bus, BUS_PATH, MGR_IFACE, "GetJob");
                const char *e;

                APPEND(m, "s", "{00000000-0000-0000-0000-000000000001}");
                e = bus_result(bus, m, NULL);
                H_ASSERT_MSG(strcmp(e, "org.dosvc1.Error.HR_80D02003") == 0, "GetJob(unknown): %s", e);
        }
        free(big);
        sd_bus_flush_close_unref(bus);
        assert_daemon_fine();
}

static void test_hostile__huge_arrays_are_bounded(void) {
        sd_bus *bus = bus_open();
        char *job = bus_create_job(bus, "arrays");
        char *dir = h_dest_dir("arrays");
        char *dest = h_strdupf("%s/f", dir), *url = h_url("/f");
        sd_bus_message *m;
        const char *e;
        uint64_t t0;

        remember_daemon_pid();
        m = new_call(bus, job, JOB_IFACE, "AddFiles");
        H_ASSERT(sd_bus_message_open_container(m, 'a', "(ss)") >= 0);
        for (unsigned i = 0; i < 100000; i++)
                APPEND(m, "(ss)", url, dest);
        H_ASSERT(sd_bus_message_close_container(m) >= 0);
        t0 = h_now_ms();
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(strcmp(e, "org.dosvc1.Error.HR_80200051") == 0, "AddFiles(100000): %s", e);
        h_note("AddFiles with 100000 files refused in %llu ms", (unsigned long long) (h_now_ms() - t0));

        m = new_call(bus, job, JOB_IFACE, "AddFileWithRanges");
        APPEND(m, "sss", "id", url, dest);
        H_ASSERT(sd_bus_message_open_container(m, 'a', "(tt)") >= 0);
        for (unsigned i = 0; i < 200000; i++)
                APPEND(m, "(tt)", (uint64_t) i * 10, (uint64_t) 5);
        H_ASSERT(sd_bus_message_close_container(m) >= 0);
        APPEND(m, "t", UINT64_MAX);
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(strcmp(e, "org.dosvc1.Error.HR_80200052") == 0, "AddFileWithRanges(200000): %s", e);

        m = new_call(bus, job, JOB_IFACE, "AddFileWithoutLocalName");
        APPEND(m, "ss", "id", url);
        H_ASSERT(sd_bus_message_open_container(m, 'a', "(tt)") >= 0);
        for (unsigned i = 0; i < 501; i++)
                APPEND(m, "(tt)", (uint64_t) i * 10, (uint64_t) 5);
        H_ASSERT(sd_bus_message_close_container(m) >= 0);
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(strcmp(e, "org.dosvc1.Error.HR_80200052") == 0, "AddFileWithoutLocalName(501): %s", e);

        m = new_call(bus, job, JOB_IFACE, "AddFiles");   /* an empty set */
        H_ASSERT(sd_bus_message_open_container(m, 'a', "(ss)") >= 0);
        H_ASSERT(sd_bus_message_close_container(m) >= 0);
        e = bus_result(bus, m, NULL);
        H_ASSERT_MSG(strcmp(e, HR_INVALIDARG) == 0, "AddFiles(empty): %s", e);

        /* nothing was added by any of these */
        m = new_call(bus, job, JOB_IFACE, "GetFiles");
        {
                sd_bus_message *reply = NULL;
                e = bus_result(bus, m, &reply);
                H_ASSERT_MSG(!e[0], "GetFiles: %s", e);
                H_ASSERT(sd_bus_message_enter_container(reply, 'a', "(usssttba(tt))") >= 0);
                H_ASSERT(sd_bus_message_at_end(reply, false) > 0);
                sd_bus_message_unref(reply);
        }
        bus_cancel_job(bus, job);
        sd_bus_flush_close_unref(bus);
        assert_daemon_fine();
}

/* ---- raw wire ---- */

static void test_hostile__invalid_wire_messages_are_dropped(void) {
        int fd;
        Wire w, b;
        char ename[256];
        uint32_t serial = 0;
        int type;

        remember_daemon_pid();

        /* control: a valid call by hand is answered */
        fd = raw_connect(true);
        b = (Wire) {};
        w_str(&b, "{00000000-0000-0000-0000-000000000001}", 38);
        w = wire_call(1, BUS_PATH, strlen(BUS_PATH), MGR_IFACE, "GetJob", "s", &b);
        write_all(fd, w.p, w.n);
        type = raw_read_message(fd, 5000, &serial, ename, sizeof ename);
        H_ASSERT_MSG(type == 3 && serial == 1 && strcmp(ename, "org.dosvc1.Error.HR_80D02003") == 0,
                     "hand-made GetJob: type %d serial %u error '%s'", type, serial, ename);
        free(w.p);
        free(b.p);

        /* invalid UTF-8 in a string argument, invalid object path, NUL inside a string: sd-bus
         * refuses to parse each; we only require that the daemon lives on and keeps answering. */
        {
                static const struct {
                        const char *what, *path;
                        size_t path_len;
                        const char *arg;
                        size_t arg_len;
                } bad[] = {
                        { "invalid UTF-8", BUS_PATH, 11, "bad \xff\xfe name", 11 },
                        { "overlong UTF-8", BUS_PATH, 11, "\xc0\xaf", 2 },
                        { "embedded NUL", BUS_PATH, 11, "a\0b", 3 },
                        { "invalid path", "/org//dosvc1", 12, "x", 1 },
                        { "relative path", "org/dosvc1", 10, "x", 1 },
                        { "path with NUL", "/org/dosvc1\0x", 13, "x", 1 },
                        { "path with UTF-8", "/org/dosvc1/\xc3\xa9", 14, "x", 1 },
                };
                for (size_t i = 0; i < H_ELEMENTSOF(bad); i++) {
                        Wire body = body_su(bad[i].arg, bad[i].arg_len, 0);

                        w = wire_call(100 + (uint32_t) i, bad[i].path, bad[i].path_len, MGR_IFACE, "CreateJob",
                                      "su", &body);
                        write_all(fd, w.p, w.n);
                        type = raw_read_message(fd, 1000, &serial, ename, sizeof ename);
                        h_note("%s: %s%s", bad[i].what,
                               type == 0 ? "no answer (dropped)" : type == -1 ? "connection closed" :
                               type == 3 ? "error " : "answered", type == 3 ? ename : "");
                        H_ASSERT_MSG(type != 2, "%s was accepted", bad[i].what);
                        free(w.p);
                        free(body.p);
                        if (type == -1) {
                                close(fd);
                                fd = raw_connect(true);
                        }
                }
        }
        close(fd);
        assert_daemon_fine();

        /* garbage after BEGIN, a header claiming a 120 MiB body, a truncated message, a wrong
         * endianness byte, an unauthenticated connection sending a call */
        {
                static const uint8_t garbage[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n\xff\xff\xff\xff\x00\x01";
                uint8_t huge_hdr[16] = { 'l', 1, 0, 1, 0, 0, 0, 0x78, 1, 0, 0, 0, 0, 0, 0, 0 };
                uint8_t bad_endian[16] = { 'x', 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
                uint8_t bad_version[16] = { 'l', 1, 0, 9, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
                const struct { const void *p; size_t n; } blobs[] = {
                        { garbage, sizeof garbage }, { huge_hdr, sizeof huge_hdr }, { bad_endian, 16 },
                        { bad_version, 16 },
                };

                for (size_t i = 0; i < H_ELEMENTSOF(blobs); i++) {
                        fd = raw_connect(true);
                        write_all(fd, blobs[i].p, blobs[i].n);
                        (void) raw_read_message(fd, 300, NULL, NULL, 0);
                        close(fd);
                }
                /* truncated: half a valid call, then close */
                b = body_su("trunc", 5, 0);
                w = wire_call(7, BUS_PATH, strlen(BUS_PATH), MGR_IFACE, "CreateJob", "su", &b);
                fd = raw_connect(true);
                write_all(fd, w.p, w.n / 2);
                close(fd);
                /* a call without AUTH */
                fd = raw_connect(false);
                write_all(fd, w.p, w.n);
                close(fd);
                free(w.p);
                free(b.p);
        }
        assert_daemon_fine();
}

/* The first call in the same segment as BEGIN is answered at once (bus-server.c's post handler;
 * without it sd-bus kept the bytes and waited for more input that never came). */
static void test_hostile__call_pipelined_with_begin_is_answered(void) {
        Wire b = {}, w;
        char ename[128];
        uint32_t serial = 0;
        int fd, type;

        remember_daemon_pid();
        w_str(&b, "{00000000-0000-0000-0000-000000000003}", 38);
        w = wire_call(42, BUS_PATH, strlen(BUS_PATH), MGR_IFACE, "GetJob", "s", &b);
        for (unsigned i = 0; i < 20; i++) {
                fd = raw_connect_pipelined(true, &w);
                type = raw_read_message(fd, 5000, &serial, ename, sizeof ename);
                H_ASSERT_MSG(type == 3 && serial == 42 && strcmp(ename, "org.dosvc1.Error.HR_80D02003") == 0,
                             "attempt %u: type %d serial %u error '%s'", i, type, serial, ename);
                close(fd);
        }
        free(w.p);
        free(b.p);
        assert_daemon_fine();
}

static void test_hostile__call_then_close_immediately(void) {
        sd_bus *bus = bus_open();
        char *job = bus_create_job(bus, "closer");
        Wire b = {}, w;

        remember_daemon_pid();
        w_str(&b, "changed by a client that left", 29);
        w = wire_call(1, job, strlen(job), JOB_IFACE, "SetDescription", "s", &b);
        for (unsigned i = 0; i < 200; i++) {
                int fd = raw_connect(true);
                write_all(fd, w.p, w.n);
                if (i % 2)
                        (void) shutdown(fd, SHUT_RDWR);
                close(fd);
        }
        free(w.p);
        free(b.p);
        /* and the sd-bus way: send, then drop the connection without waiting */
        for (unsigned i = 0; i < 50; i++) {
                sd_bus *b2 = bus_open();
                sd_bus_message *m = new_call(b2, BUS_PATH, MGR_IFACE, "EnumJobs");

                APPEND(m, "u", 0u);
                (void) sd_bus_send(b2, m, NULL);
                sd_bus_message_unref(m);
                sd_bus_flush_close_unref(b2);
        }
        bus_cancel_job(bus, job);
        sd_bus_flush_close_unref(bus);
        assert_daemon_fine();
}

static void test_hostile__burst_of_calls_without_reading_replies(void) {
        enum { N = 10000 };
        int fd = raw_connect(true);
        Wire b = {}, all = {};
        unsigned answered = 0;
        uint64_t t0;

        remember_daemon_pid();
        w_str(&b, "{00000000-0000-0000-0000-000000000002}", 38);
        for (uint32_t i = 1; i <= N; i++) {
                Wire w = wire_call(i, BUS_PATH, strlen(BUS_PATH), MGR_IFACE, "GetJob", "s", &b);

                w_need(&all, w.n);
                memcpy(all.p + all.n, w.p, w.n);
                all.n += w.n;
                free(w.p);
        }
        t0 = h_now_ms();
        write_all(fd, all.p, all.n);   /* ~1.2 MB: the daemon must keep reading while we do not */
        free(all.p);
        free(b.p);
        h_note("%u calls written in %llu ms without reading a reply", N, (unsigned long long) (h_now_ms() - t0));

        /* meanwhile another client is served */
        assert_daemon_fine();

        /* and every call was answered, in order */
        for (uint32_t i = 1; i <= N; i++) {
                uint32_t serial = 0;
                char ename[128];
                int type = raw_read_message(fd, 10000, &serial, ename, sizeof ename);

                if (type != 3 || serial != i)
                        H_FAIL("reply %u: type %d serial %u error '%s'", i, type, serial, ename);
                answered++;
        }
        H_ASSERT_EQ_U64(answered, N);
        close(fd);
        assert_daemon_fine();
}

static void test_hostile__many_idle_connections(void) {
        enum { N = 300 };
        int fds[N];

        remember_daemon_pid();
        for (unsigned i = 0; i < N; i++)
                fds[i] = raw_connect(i % 2 == 0);   /* half of them never authenticate */
        assert_daemon_fine();
        for (unsigned i = 0; i < N; i++)
                close(fds[i]);
        assert_daemon_fine();
}

/* A job name with a newline and a syslog priority must not forge a line in the daemon's log (nor a
 * separate emergency-level journal entry): control characters are logged as \xNN. */
static void test_hostile__control_characters_do_not_forge_log_lines(void) {
        char *path = h_strdupf("%s/dosvc/dosvc.log", h_state_dir()), line[4096];
        IBackgroundCopyJob *job = h_create_job("forged\n<0>dosvc: FORGED-LINE\r\033[2J", NULL);
        bool escaped = false;
        FILE *f;

        (void) job;
        f = fopen(path, "re");
        if (!f)
                h_skip("no daemon log at %s", path);
        while (fgets(line, sizeof line, f)) {
                H_ASSERT_MSG(strncmp(line, "<0>", 3) != 0 && strncmp(line, "dosvc: FORGED-LINE", 18) != 0 &&
                             !strchr(line, '\r') && !strchr(line, '\033'),
                             "a forged or raw line in the daemon's log: %s", line);
                if (strstr(line, "forged\\x0a<0>dosvc: FORGED-LINE\\x0d\\x1b[2J"))
                        escaped = true;
        }
        fclose(f);
        H_ASSERT_MSG(escaped, "the job's name was not logged, escaped, on one line");
}

static void test_hostile__no_sanitizer_report_in_the_log(void) {
        char *path = h_strdupf("%s/dosvc/dosvc.log", h_state_dir()), line[4096];
        FILE *f = fopen(path, "re");
        unsigned n = 0;

        if (!f)
                h_skip("no daemon log at %s", path);
        while (fgets(line, sizeof line, f)) {
                n++;
                if (strstr(line, "AddressSanitizer") || strstr(line, "runtime error:") ||
                    strstr(line, "LeakSanitizer") || strstr(line, "UndefinedBehaviorSanitizer")) {
                        fclose(f);
                        h_daemon_log_tail(40);
                        H_FAIL("sanitizer report in the daemon's log: %s", line);
                }
        }
        fclose(f);
        h_note("%u log lines checked", n);
}

int main(int argc, char **argv) {
        static const HTest tests[] = {
                H_TEST(test_hostile__bad_urls_are_invalidarg),
                H_TEST(test_hostile__bad_local_paths_are_invalidarg),
                H_TEST(test_hostile__strings_too_long_or_not_utf8),
                H_TEST(test_hostile__wrong_signatures_and_unknown_targets),
                H_TEST(test_hostile__bad_guids_are_invalidarg),
                H_TEST(test_hostile__huge_arrays_are_bounded),
                H_TEST(test_hostile__invalid_wire_messages_are_dropped),
                H_TEST(test_hostile__call_pipelined_with_begin_is_answered),
                H_TEST(test_hostile__call_then_close_immediately),
                H_TEST(test_hostile__burst_of_calls_without_reading_replies),
                H_TEST(test_hostile__many_idle_connections),
                H_TEST(test_hostile__control_characters_do_not_forge_log_lines),
                H_TEST(test_hostile__no_sanitizer_report_in_the_log),
        };

        return h_run(argc, argv, tests, H_ELEMENTSOF(tests));
}
