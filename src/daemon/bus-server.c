/* bus-server.c: where clients reach the daemon.
 *
 * User mode: the private D-Bus socket, sd-bus in server mode, no bus daemon. Each accepted
 * connection becomes an sd_bus attached to the daemon's event loop with the manager and job objects
 * registered on it; it is dropped when the peer goes away.
 *
 * System mode (dosvc --system): one connection to the system bus ($DOSVC_SYSTEM_BUS_ADDRESS when
 * set), the same objects registered on it, and the well-known name org.dosvc1. Subscribers are then
 * peers on that bus, known by their unique names: each job signal is sent to each entitled
 * subscriber as a unicast message (destination set), so the bus daemon delivers it to that peer
 * only, never to eavesdroppers by match rules; an sd_bus_track ends a subscription when its peer
 * leaves the bus.
 *
 * Such connections are "untrusted" for sd-bus: the vtables mark every method
 * SD_BUS_VTABLE_UNPRIVILEGED and the adapters check the caller's uid themselves (sd-bus does no
 * access control on a server socket). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "bus.h"
#include "log.h"
#include "macro.h"

#define BUS_SERVER_CONNECTIONS_MAX 4096u   /* one client flooding us with connections stops here */

typedef struct BusConnection BusConnection;

struct BusConnection {
        BusServer *server;
        sd_bus *bus;
        bool subscribed;                   /* called org.dosvc1.Manager.Subscribe: gets job signals */
        uid_t uid;                         /* the subscriber's euid, set by Subscribe */
        char *peer;                        /* system mode: the subscriber's unique name; NULL else */
        sd_bus_track *track;               /* system mode: ends the subscription when the peer leaves */
        bool authenticating;               /* user mode: accepted, SASL exchange not finished */
        BusConnection *prev, *next;
};

struct BusServer {
        Manager *manager;
        int fd;
        char *socket_path;
        sd_event_source *accept_source;
        sd_id128_t server_id;
        BusConnection *connections;        /* user mode: clients; system mode: subscribers */
        unsigned n_connections;
        sd_bus *system_bus;                /* system mode: our one connection, owning org.dosvc1 */
        sd_event_source *auth_post;        /* user mode: finishes connections whose SASL just ended */
        unsigned n_authenticating;
};

static void bus_connection_free(BusConnection *c) {
        if (!c)
                return;
        if (c->prev)
                c->prev->next = c->next;
        else if (c->server->connections == c)
                c->server->connections = c->next;
        if (c->next)
                c->next->prev = c->prev;
        c->server->n_connections--;
        if (c->authenticating)
                c->server->n_authenticating--;
        if (c->peer) {
                /* System mode: the bus is the shared system-bus connection, only referenced. */
                sd_bus_track_unref(c->track);
                free(c->peer);
                sd_bus_unref(c->bus);
        } else
                sd_bus_flush_close_unref(c->bus);
        free(c);
}

static int bus_on_disconnected(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        BusConnection *c = userdata;

        log_debug("Client disconnected.");
        bus_connection_free(c);
        return 0;
}

/* A client that sends its first call in the same segment as the SASL "BEGIN" (GDBus and hand-written
 * clients may) would never be answered: sd-bus reads past BEGIN while authenticating, keeps those
 * bytes in its buffer, and its event-loop integration only wakes up for new input on the socket
 * (sd-bus 252; found by tests/integration/test-hostile.c). So after each loop iteration, every
 * connection that just finished authenticating is processed until sd-bus has nothing left. */
static int bus_server_on_post(sd_event_source *s, void *userdata) {
        BusServer *server = userdata;

        for (BusConnection *c = server->connections, *next; c; c = next) {
                sd_bus *bus;

                next = c->next;
                if (!c->authenticating || sd_bus_is_ready(c->bus) <= 0)
                        continue;
                c->authenticating = false;
                server->n_authenticating--;
                /* Processing may free c (a Disconnected message), never another connection. */
                bus = sd_bus_ref(c->bus);
                for (unsigned i = 0; i < 64; i++)
                        if (sd_bus_process(bus, NULL) <= 0)
                                break;
                sd_bus_unref(bus);
        }
        if (server->n_authenticating == 0)
                (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
        return 0;
}

static int bus_server_on_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        BusServer *server = userdata;
        _cleanup_close_ int nfd = -EBADF;
        BusConnection *c = NULL;
        sd_bus *bus = NULL;
        int r;

        nfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (nfd < 0) {
                if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
                        return 0;
                log_warning_errno(errno, "Failed to accept a connection, ignoring: %m");
                return 0;
        }
        if (server->n_connections >= BUS_SERVER_CONNECTIONS_MAX) {
                log_warning("Too many client connections (%u), refusing one.", server->n_connections);
                return 0;
        }

        r = sd_bus_new(&bus);
        if (r < 0)
                goto fail;
        r = sd_bus_set_fd(bus, nfd, nfd);
        if (r < 0)
                goto fail;
        TAKE_FD(nfd);
        r = sd_bus_set_server(bus, 1, server->server_id);
        if (r < 0)
                goto fail;
        r = sd_bus_set_anonymous(bus, false);
        if (r < 0)
                goto fail;
        r = sd_bus_negotiate_creds(bus, true, SD_BUS_CREDS_PID | SD_BUS_CREDS_UID | SD_BUS_CREDS_EUID);
        if (r < 0)
                goto fail;

        c = calloc(1, sizeof *c);
        if (!c) {
                r = -ENOMEM;
                goto fail;
        }
        c->server = server;
        c->bus = bus;

        r = sd_bus_add_match(bus, NULL,
                             "type='signal',path='/org/freedesktop/DBus/Local',"
                             "interface='org.freedesktop.DBus.Local',member='Disconnected'",
                             bus_on_disconnected, c);
        if (r < 0)
                goto fail;
        r = bus_manager_register(server->manager, bus);
        if (r < 0)
                goto fail;
        r = bus_job_register(server->manager, bus);
        if (r < 0)
                goto fail;
        r = sd_bus_start(bus);
        if (r < 0)
                goto fail;
        r = sd_bus_attach_event(bus, server->manager->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                goto fail;

        c->next = server->connections;
        if (c->next)
                c->next->prev = c;
        server->connections = c;
        server->n_connections++;
        c->authenticating = true;
        server->n_authenticating++;
        if (!server->auth_post) {
                r = sd_event_add_post(server->manager->event, &server->auth_post, bus_server_on_post, server);
                if (r < 0)
                        log_warning_errno(r, "Failed to watch client authentication, ignoring: %m");
        }
        if (server->auth_post)
                (void) sd_event_source_set_enabled(server->auth_post, SD_EVENT_ON);
        log_debug("Client connected (%u connections).", server->n_connections);
        return 0;

fail:
        log_warning_errno(r, "Failed to set up a client connection, ignoring: %m");
        free(c);
        sd_bus_flush_close_unref(bus);
        return 0;
}

int bus_server_new(Manager *m, const char *socket_path, BusServer **ret) {
        union {
                struct sockaddr sa;
                struct sockaddr_un un;
        } sa = { .un.sun_family = AF_UNIX };
        BusServer *s;
        int r;

        if (strlen(socket_path) >= sizeof sa.un.sun_path)
                return log_error_errno(-ENAMETOOLONG, "Socket path '%s' is too long.", socket_path);
        memcpy(sa.un.sun_path, socket_path, strlen(socket_path));

        s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->manager = m;
        s->fd = -EBADF;
        s->socket_path = strdup(socket_path);
        if (!s->socket_path) {
                r = -ENOMEM;
                goto fail;
        }
        r = sd_id128_randomize(&s->server_id);
        if (r < 0)
                goto fail;

        s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s->fd < 0) {
                r = log_error_errno(errno, "Failed to create socket: %m");
                goto fail;
        }
        /* We hold the daemon lock: a socket file left here belongs to a daemon that died. */
        if (unlink(socket_path) < 0 && errno != ENOENT) {
                r = log_error_errno(errno, "Failed to remove stale socket '%s': %m", socket_path);
                goto fail;
        }
        {
                mode_t old = umask(0077);   /* the socket is for its owner only */
                r = bind(s->fd, &sa.sa, sizeof sa.un);
                umask(old);
        }
        if (r < 0) {
                r = log_error_errno(errno, "Failed to bind '%s': %m", socket_path);
                goto fail;
        }
        if (listen(s->fd, SOMAXCONN) < 0) {
                r = log_error_errno(errno, "Failed to listen on '%s': %m", socket_path);
                goto fail;
        }
        r = sd_event_add_io(m->event, &s->accept_source, s->fd, EPOLLIN, bus_server_on_accept, s);
        if (r < 0)
                goto fail;
        (void) sd_event_source_set_description(s->accept_source, "bus-accept");
        /* sd-event dispatches one source per iteration, oldest pending first: at normal priority
         * each accept waited behind one message of every busy client, so under load (500 clients,
         * tests/integration/test-load.c) a new client waited ~10 s to be accepted. Accepting is cheap
         * and bounded by BUS_SERVER_CONNECTIONS_MAX. */
        (void) sd_event_source_set_priority(s->accept_source, SD_EVENT_PRIORITY_NORMAL - 1);

        *ret = s;
        return 0;

fail:
        bus_server_free(s);
        return r;
}

static int bus_on_system_disconnected(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        BusServer *s = userdata;

        /* The bus daemon went away (restarted, or the machine shuts down): nobody can reach us any
         * more. Exit with a failure so that systemd's Restart= brings us back on the new bus. */
        log_error("Lost the connection to the system bus, exiting.");
        return sd_event_exit(s->manager->event, -ECONNRESET);
}

int bus_server_new_system(Manager *m, BusServer **ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        const char *address = getenv("DOSVC_SYSTEM_BUS_ADDRESS");
        BusServer *s;
        int r;

        if (address && address[0]) {
                r = sd_bus_new(&bus);
                if (r < 0)
                        return r;
                r = sd_bus_set_address(bus, address);
                if (r < 0)
                        return log_error_errno(r, "Invalid DOSVC_SYSTEM_BUS_ADDRESS '%s': %m", address);
                (void) sd_bus_set_description(bus, "dosvc-system");
                r = sd_bus_set_bus_client(bus, true);
                if (r < 0)
                        return r;
                r = sd_bus_start(bus);
        } else {
                address = "the system bus";
                r = sd_bus_open_system(&bus);
        }
        if (r < 0)
                return log_error_errno(r, "Failed to connect to %s: %m", address);

        s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->manager = m;
        s->fd = -EBADF;

        r = sd_bus_add_match(bus, NULL,
                             "type='signal',path='/org/freedesktop/DBus/Local',"
                             "interface='org.freedesktop.DBus.Local',member='Disconnected'",
                             bus_on_system_disconnected, s);
        if (r < 0)
                goto fail;
        /* Objects first, name last: a call queued by bus activation finds them in place. */
        r = bus_manager_register(m, bus);
        if (r < 0)
                goto fail;
        r = bus_job_register(m, bus);
        if (r < 0)
                goto fail;
        r = sd_bus_attach_event(bus, m->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                goto fail;
        r = sd_bus_request_name(bus, DOSVC_BUS_NAME, 0);
        if (r == -EEXIST) {
                r = log_error_errno(r, "The name %s is already owned on %s: another dosvc --system is running.",
                                    DOSVC_BUS_NAME, address);
                goto fail;
        }
        if (r == -EACCES || r == -EPERM) {
                r = log_error_errno(r, "The bus policy does not let us own %s on %s (run as root, with "
                                    "org.dosvc1.conf installed in the bus's system.d directory): %m",
                                    DOSVC_BUS_NAME, address);
                goto fail;
        }
        if (r < 0) {
                r = log_error_errno(r, "Failed to acquire %s on %s: %m", DOSVC_BUS_NAME, address);
                goto fail;
        }
        s->system_bus = TAKE_PTR(bus);
        log_info("Serving %s on %s.", DOSVC_BUS_NAME, address);
        *ret = s;
        return 0;

fail:
        free(s);
        return r;
}

static int bus_on_subscriber_gone(sd_bus_track *track, void *userdata) {
        BusConnection *c = userdata;

        log_debug("Subscriber %s left the bus.", c->peer);
        bus_connection_free(c);
        return 0;
}

static int bus_server_set_subscribed_system(BusServer *s, sd_bus_message *message, uid_t uid, bool subscribed) {
        const char *sender = sd_bus_message_get_sender(message);
        BusConnection *c;
        int r;

        if (!sender)
                return -EINVAL;
        for (c = s->connections; c; c = c->next)
                if (streq_ptr(c->peer, sender))
                        break;
        if (!subscribed) {
                bus_connection_free(c);
                return 0;
        }
        if (c) {
                c->uid = uid;
                return 0;
        }
        if (s->n_connections >= BUS_SERVER_CONNECTIONS_MAX) {
                log_warning("Too many subscribers (%u), refusing one.", s->n_connections);
                return -EBUSY;
        }
        c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        c->server = s;
        c->subscribed = true;
        c->uid = uid;
        c->peer = strdup(sender);
        if (!c->peer) {
                free(c);
                return -ENOMEM;
        }
        c->bus = sd_bus_ref(s->system_bus);
        r = sd_bus_track_new(s->system_bus, &c->track, bus_on_subscriber_gone, c);
        if (r >= 0)
                r = sd_bus_track_add_sender(c->track, message);
        if (r < 0) {
                sd_bus_track_unref(c->track);
                sd_bus_unref(c->bus);
                free(c->peer);
                free(c);
                return r;
        }
        c->next = s->connections;
        if (c->next)
                c->next->prev = c;
        s->connections = c;
        s->n_connections++;
        return 0;
}

/* Job signals go only to connections that asked for them: on a direct connection there is no bus
 * daemon to filter by match rules, and a client that never reads signals (libdosvc's method-call
 * connection) would pile them up unread. */
int bus_server_set_subscribed(BusServer *s, sd_bus_message *message, uid_t uid, bool subscribed) {
        sd_bus *bus = sd_bus_message_get_bus(message);

        if (s && s->system_bus)
                return bus_server_set_subscribed_system(s, message, uid, subscribed);
        for (BusConnection *c = s ? s->connections : NULL; c; c = c->next)
                if (c->bus == bus) {
                        c->subscribed = subscribed;
                        c->uid = uid;
                        return 0;
                }
        return -ENOENT;
}

void bus_server_foreach_subscriber(BusServer *s, BusSubscriberFunc f, void *userdata) {
        for (BusConnection *c = s ? s->connections : NULL, *next; c; c = next) {
                next = c->next;
                if (c->subscribed)
                        (void) f(c->bus, c->peer, c->uid, userdata);
        }
}

BusServer *bus_server_free(BusServer *s) {
        if (!s)
                return NULL;
        while (s->connections)
                bus_connection_free(s->connections);
        sd_event_source_disable_unref(s->accept_source);
        sd_event_source_disable_unref(s->auth_post);
        if (s->fd >= 0) {
                safe_close(s->fd);
                (void) unlink(s->socket_path);
        }
        free(s->socket_path);
        sd_bus_flush_close_unref(s->system_bus);
        free(s);
        return NULL;
}
