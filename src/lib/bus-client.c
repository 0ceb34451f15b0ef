/* bus-client.c (libdosvc): the one connection to the daemon, method calls with HRESULT results, and
 * the mapping of D-Bus errors to HRESULTs (docs/dbus-api.md §Errors).
 *
 * Connection: $DOSVC_BUS_ADDRESS when set (tests, system mode; the library then never starts a
 * daemon), else "unix:path=<runtime dir>/bus" (user mode). It is a direct peer connection to the
 * daemon's private socket: sd_bus_new + sd_bus_set_address + sd_bus_start, no bus daemon, no Hello,
 * no destination. In user mode a missing daemon (-ENOENT: no socket; -ECONNREFUSED: a socket left
 * by a dead daemon) is started by spawn.c.
 *
 * Locking: sd-bus is not thread-safe, not even its reference counts, so one mutex covers every use
 * of the connection and of the messages on it: building a call, the call, reading the reply and
 * unref'ing it. The lock is held across the round trip; calls from several threads are therefore
 * serialized (≈0.2 ms each on a local socket). Parsers run under the lock and must not call into
 * the library.
 *
 * Reconnecting: a call that fails because the connection is gone (the daemon exited, was killed or
 * restarted, or exited when idle) reopens the connection once — restarting the daemon in user mode —
 * and sends the call again. If the daemon died after executing the call but before replying, the
 * call runs twice; every method is either idempotent or answers the second time with a state error.
 * After fork() the child drops its parent's connection and opens its own.
 *
 * System mode ($DOSVC_SYSTEM=1, doadmin --system): the connection goes to the system bus
 * ($DOSVC_SYSTEM_BUS_ADDRESS when set) as an ordinary bus client (Hello, a unique name), every call
 * is addressed to org.dosvc1, and no daemon is ever started: the system service is systemd's (bus
 * activation) or the administrator's business. A service that is absent (ServiceUnknown,
 * NameHasNoOwner) or that dies mid-call (NoReply) is DO_E_NO_SERVICE. The daemon restarting does not
 * close our connection to the bus; job paths stay valid, so the next call simply reaches the new
 * daemon. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus-client.h"
#include "debug.h"
#include "hresult.h"
#include "paths.h"
#include "spawn.h"
#include "util.h"

static pthread_mutex_t bus_mutex = PTHREAD_MUTEX_INITIALIZER;
static sd_bus *bus;                /* guarded by bus_mutex */
static pid_t bus_pid;              /* the process that opened `bus` */
static const char *bus_destination; /* guarded by bus_mutex: BUS_SYSTEM_NAME in system mode, else NULL */

static const char *strna(const char *s) {
        return s ?: "n/a";
}

static bool errno_is_disconnect(int r) {
        switch (-r) {
        case ECONNREFUSED:
        case ENOENT:
        case ENOTCONN:
        case ECONNRESET:
        case ECONNABORTED:
        case EPIPE:
        case ESHUTDOWN:
                return true;
        default:
                return false;
        }
}

HRESULT bus_error_to_hresult(const sd_bus_error *error, int r) {
        if (error && error->name) {
                HRESULT hr;

                if (hresult_from_bus_error_name(error->name, &hr) >= 0)
                        return hr;
                if (streq(error->name, SD_BUS_ERROR_UNKNOWN_OBJECT))
                        return DO_E_JOB_NOT_FOUND;
                if (streq(error->name, SD_BUS_ERROR_INVALID_ARGS))
                        return E_INVALIDARG;
                if (streq(error->name, SD_BUS_ERROR_ACCESS_DENIED))
                        return E_ACCESSDENIED;
                if (streq(error->name, SD_BUS_ERROR_NO_MEMORY))
                        return E_OUTOFMEMORY;
                if (streq(error->name, SD_BUS_ERROR_NO_REPLY) || streq(error->name, SD_BUS_ERROR_TIMEOUT) ||
                    streq(error->name, SD_BUS_ERROR_DISCONNECTED) || streq(error->name, SD_BUS_ERROR_NO_SERVER) ||
                    /* system mode: org.dosvc1 is not on the bus (and cannot be activated) */
                    streq(error->name, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
                    streq(error->name, SD_BUS_ERROR_NAME_HAS_NO_OWNER))
                        return DO_E_NO_SERVICE;
                /* Local failures come as "System.Error.<ERRNO>": judge them by r below. Any other
                 * remote error name is not ours. */
                if (strncmp(error->name, "System.Error.", 13) != 0)
                        return E_FAIL;
        }
        if (r >= 0)
                return S_OK;
        if (errno_is_disconnect(r) || r == -ETIMEDOUT)
                return DO_E_NO_SERVICE;
        if (r == -ENOMEM)
                return E_OUTOFMEMORY;
        return E_FAIL;
}

static int bus_open(const char *address, sd_bus **ret) {
        _cleanup_(sd_bus_unrefp) sd_bus *b = NULL;
        int r;

        r = sd_bus_new(&b);
        if (r < 0)
                return r;
        r = sd_bus_set_address(b, address);
        if (r < 0)
                return r;
        (void) sd_bus_set_description(b, "dosvc");
        /* A direct connection to the daemon: no bus daemon, so no Hello and no name. */
        r = sd_bus_set_bus_client(b, false);
        if (r < 0)
                return r;
        r = sd_bus_start(b);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(b);
        return 0;
}

int bus_client_open(const char *description, sd_bus **ret, const char **ret_destination) {
        _cleanup_(sd_bus_unrefp) sd_bus *b = NULL;
        _cleanup_free_ char *address = NULL;
        const char *system_address;
        int r;

        if (!paths_system_mode()) {
                r = paths_bus_address(&address);
                if (r < 0)
                        return r;
                r = bus_open(address, &b);
                if (r < 0)
                        return r;
                (void) sd_bus_set_description(b, description);
                *ret = TAKE_PTR(b);
                *ret_destination = NULL;
                return 0;
        }

        system_address = getenv("DOSVC_SYSTEM_BUS_ADDRESS");
        if (system_address && system_address[0]) {
                r = sd_bus_new(&b);
                if (r < 0)
                        return r;
                r = sd_bus_set_address(b, system_address);
                if (r < 0)
                        return r;
                (void) sd_bus_set_description(b, description);
                r = sd_bus_set_bus_client(b, true);
                if (r < 0)
                        return r;
                r = sd_bus_start(b);
        } else
                r = sd_bus_open_system_with_description(&b, description);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(b);
        *ret_destination = BUS_SYSTEM_NAME;
        return 0;
}

typedef struct ConnectContext {
        const char *address;
} ConnectContext;

static int try_connect_locked(void *userdata) {
        ConnectContext *c = userdata;

        return bus_open(c->address, &bus);
}

/* Drops the connection. In a forked child the parent's connection is only freed: flushing or
 * closing it would act on the parent's socket state. */
static void drop_locked(void) {
        if (!bus)
                return;
        if (bus_pid != getpid())
                bus = sd_bus_unref(bus);
        else
                bus = sd_bus_flush_close_unref(bus);
}

static HRESULT connect_locked(void) {
        _cleanup_free_ char *address = NULL;
        const char *env;
        bool spawn_allowed;
        int r;

        if (bus && bus_pid == getpid() && sd_bus_is_open(bus) > 0)
                return S_OK;
        drop_locked();

        if (paths_system_mode()) {
                /* The system service is never started by us. */
                r = bus_client_open("dosvc", &bus, &bus_destination);
                if (r < 0) {
                        lib_debug_errno(r, "Failed to connect to the system bus: %m");
                        return r == -ENOMEM ? E_OUTOFMEMORY : DO_E_NO_SERVICE;
                }
                bus_pid = getpid();
                lib_debug("Connected to the system bus, service " BUS_SYSTEM_NAME);
                return S_OK;
        }
        bus_destination = NULL;

        /* An explicit address names a daemon someone else runs: never start one for it. */
        env = getenv("DOSVC_BUS_ADDRESS");
        spawn_allowed = !(env && env[0]);
        r = paths_bus_address(&address);
        if (r < 0) {
                lib_debug_errno(r, "Failed to determine the daemon's address: %m");
                return r == -ENOMEM ? E_OUTOFMEMORY : DO_E_NO_SERVICE;
        }

        r = bus_open(address, &bus);
        if ((r == -ENOENT || r == -ECONNREFUSED) && spawn_allowed) {
                ConnectContext c = { .address = address };

                r = spawn_daemon_and_connect(try_connect_locked, &c);
        }
        if (r < 0) {
                lib_debug_errno(r, "Failed to connect to %s: %m", address);
                return r == -ENOMEM ? E_OUTOFMEMORY : DO_E_NO_SERVICE;
        }
        bus_pid = getpid();
        lib_debug("Connected to %s", address);
        return S_OK;
}

HRESULT bus_client_connect(void) {
        HRESULT hr;

        (void) pthread_mutex_lock(&bus_mutex);
        hr = connect_locked();
        (void) pthread_mutex_unlock(&bus_mutex);
        return hr;
}

/* One attempt of a call; *ret_retry tells whether the failure was the connection going away. */
static HRESULT call_once_locked(const char *path, const char *interface, const char *member, BusBuildFunc build,
                                BusParseFunc parse, void *userdata, bool *ret_retry) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        HRESULT hr;
        int r;

        *ret_retry = false;

        hr = connect_locked();
        if (FAILED(hr))
                return hr;

        r = sd_bus_message_new_method_call(bus, &m, bus_destination, path, interface, member);
        if (r < 0)
                /* -EINVAL: not a valid object path (a proxy never builds one) */
                return r == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;
        if (build) {
                r = build(m, userdata);
                if (r < 0)
                        /* sd-bus refuses strings that are not UTF-8 with -EINVAL */
                        return r == -ENOMEM ? E_OUTOFMEMORY : E_INVALIDARG;
        }

        r = sd_bus_call(bus, m, 0, &error, &reply);
        if (r < 0) {
                lib_debug_errno(r, "%s.%s on %s failed: %s: %s (%m)", interface, member, path,
                                strna(error.name), strna(error.message));
                /* sd-bus closes the connection on EOF or a write error (and reports it as
                 * org.freedesktop.DBus.Error.Disconnected / -ECONNRESET): the daemon went away. */
                if (errno_is_disconnect(r) && sd_bus_is_open(bus) <= 0) {
                        drop_locked();
                        *ret_retry = true;
                }
                return bus_error_to_hresult(&error, r);
        }

        if (parse) {
                r = parse(reply, userdata);
                if (r < 0) {
                        lib_debug_errno(r, "Unexpected reply to %s.%s on %s: %m", interface, member, path);
                        return r == -ENOMEM ? E_OUTOFMEMORY : E_UNEXPECTED;
                }
        }
        return S_OK;
}

#define BUS_CLIENT_RECONNECTS 6u

HRESULT bus_client_call(const char *path, const char *interface, const char *member, BusBuildFunc build,
                        BusParseFunc parse, void *userdata) {
        HRESULT hr;
        bool retry;

        (void) pthread_mutex_lock(&bus_mutex);
        hr = call_once_locked(path, interface, member, build, parse, userdata, &retry);
        /* The daemon went away. A daemon being killed can still accept a connection on its socket
         * and then drop it, so one reconnect is not enough: retry a few times with a growing pause
         * (bounded: 50+100+…+800 ms ≈ 1.5 s, plus the spawn's own 10 s once the socket refuses). */
        for (unsigned attempt = 0; retry && attempt < BUS_CLIENT_RECONNECTS; attempt++) {
                lib_debug("Connection to the daemon lost, reconnecting (attempt %u).", attempt + 1);
                if (attempt > 0)
                        (void) usleep(50000u << (attempt - 1));
                hr = call_once_locked(path, interface, member, build, parse, userdata, &retry);
        }
        (void) pthread_mutex_unlock(&bus_mutex);
        return hr;
}

typedef struct PropertyContext {
        const char *name;
        char type;
        void *ret;
} PropertyContext;

static int build_property_get(sd_bus_message *m, void *userdata) {
        PropertyContext *c = userdata;

        return sd_bus_message_append(m, "ss", BUS_JOB_INTERFACE, c->name);
}

static int parse_property_get(sd_bus_message *reply, void *userdata) {
        PropertyContext *c = userdata;
        const char signature[2] = { c->type, '\0' };
        int r;

        r = sd_bus_message_enter_container(reply, 'v', signature);
        if (r < 0)
                return r;
        if (c->type == 's') {
                const char *s;
                char *copy;

                r = sd_bus_message_read_basic(reply, 's', &s);
                if (r < 0)
                        return r;
                copy = strdup(s);
                if (!copy)
                        return -ENOMEM;
                *(char **) c->ret = copy;
        } else {
                r = sd_bus_message_read_basic(reply, c->type, c->ret);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_exit_container(reply);
}

HRESULT bus_client_get_job_property(const char *path, const char *property, char type, void *ret) {
        PropertyContext c = { .name = property, .type = type, .ret = ret };

        if (type != 'u' && type != 't' && type != 's')
                return E_UNEXPECTED;
        return bus_client_call(path, "org.freedesktop.DBus.Properties", "Get", build_property_get,
                               parse_property_get, &c);
}

static int build_property_get_all(sd_bus_message *m, void *userdata) {
        return sd_bus_message_append(m, "s", BUS_JOB_INTERFACE);
}

HRESULT bus_client_get_all_job_properties(const char *path, BusParseFunc parse, void *userdata) {
        return bus_client_call(path, "org.freedesktop.DBus.Properties", "GetAll", build_property_get_all, parse,
                               userdata);
}

int bus_read_property_dict(sd_bus_message *m, BusPropertyFunc handle, void *userdata) {
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        for (;;) {
                const char *name, *contents;

                r = sd_bus_message_enter_container(m, 'e', "sv");
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                r = sd_bus_message_read_basic(m, 's', &name);
                if (r < 0)
                        return r;
                r = sd_bus_message_peek_type(m, NULL, &contents);
                if (r < 0)
                        return r;
                r = sd_bus_message_enter_container(m, 'v', contents);
                if (r < 0)
                        return r;
                r = handle(name, m, userdata);
                if (r < 0)
                        return r;
                if (r == 0) {
                        /* not a property we know (a newer daemon): skip its value */
                        r = sd_bus_message_skip(m, contents);
                        if (r < 0)
                                return r;
                }
                r = sd_bus_message_exit_container(m);   /* variant */
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);   /* dict entry */
                if (r < 0)
                        return r;
        }
        return sd_bus_message_exit_container(m);
}

void bus_client_disconnect(void) {
        (void) pthread_mutex_lock(&bus_mutex);
        drop_locked();
        (void) pthread_mutex_unlock(&bus_mutex);
}

/* At unload (dlclose or exit), close the connection so that valgrind sees nothing left behind. A
 * thread still inside a call keeps the lock: then the connection is left alone. */
__attribute__((destructor)) static void bus_client_fini(void) {
        if (pthread_mutex_trylock(&bus_mutex) != 0)
                return;
        drop_locked();
        (void) pthread_mutex_unlock(&bus_mutex);
}
