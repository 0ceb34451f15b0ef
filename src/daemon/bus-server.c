/* bus-server.c: the private D-Bus socket of a user-mode daemon: sd-bus in server mode, no bus
 * daemon. Each accepted connection becomes an sd_bus attached to the daemon's event loop with the
 * manager and job objects registered on it; it is dropped when the peer goes away.
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
        BusConnection *prev, *next;
};

struct BusServer {
        Manager *manager;
        int fd;
        char *socket_path;
        sd_event_source *accept_source;
        sd_id128_t server_id;
        BusConnection *connections;
        unsigned n_connections;
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
        sd_bus_flush_close_unref(c->bus);
        free(c);
}

static int bus_on_disconnected(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        BusConnection *c = userdata;

        log_debug("Client disconnected.");
        bus_connection_free(c);
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

        *ret = s;
        return 0;

fail:
        bus_server_free(s);
        return r;
}

/* Job signals go only to connections that asked for them: on a direct connection there is no bus
 * daemon to filter by match rules, and a client that never reads signals (libdosvc's method-call
 * connection) would pile them up unread. */
int bus_server_set_subscribed(BusServer *s, sd_bus *bus, uid_t uid, bool subscribed) {
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
                        (void) f(c->bus, c->uid, userdata);
        }
}

BusServer *bus_server_free(BusServer *s) {
        if (!s)
                return NULL;
        while (s->connections)
                bus_connection_free(s->connections);
        sd_event_source_disable_unref(s->accept_source);
        if (s->fd >= 0) {
                safe_close(s->fd);
                (void) unlink(s->socket_path);
        }
        free(s->socket_path);
        free(s);
        return NULL;
}
