/* curl-glue.c: libcurl's multi interface on sd-event, as systemd-importd's curl-util.c does it.
 *
 * curl tells us which sockets to watch (socket callback) and when to wake it (timer callback); we
 * turn those into sd-event sources and call curl_multi_socket_action() when they fire. After every
 * action we drain curl_multi_info_read() for finished transfers.
 *
 * The timer is created with 1 µs accuracy: sd-event's default (accuracy 0 = 250 ms) coalesces
 * wake-ups and added a quarter second to every request (200 small GETs: 50 s vs 0.02 s). */
#include <errno.h>
#include <stdlib.h>

#include "config.h"
#include "curl-glue.h"
#include "log.h"
#include "macro.h"

#define CURL_GLUE_BUFFER_SIZE (512 * 1024)   /* 512 KiB: doubles loopback throughput vs 16 KiB */
#define CURL_GLUE_MAX_REDIRECTS 10L          /* default of dosvc.conf MaxRedirects */
#define CURL_GLUE_CONNECT_TIMEOUT_S 60L

struct CurlGlue {
        sd_event *event;
        CURLM *multi;
        sd_event_source *timer;
        long max_redirects;                 /* CURLOPT_MAXREDIRS of every handle made */
        uint64_t max_response_bytes;        /* CURLOPT_MAXFILESIZE_LARGE; 0 = no limit */
};

typedef struct CurlGlueHandle {
        curl_glue_done_t done;
        void *userdata;
} CurlGlueHandle;

static void curl_glue_check_finished(CurlGlue *g) {
        CURLMsg *msg;
        int left;

        /* Each DONE message is handled once; the callback may add or remove other handles. */
        while ((msg = curl_multi_info_read(g->multi, &left))) {
                CurlGlueHandle *h = NULL;
                CURL *easy = msg->easy_handle;
                CURLcode result;

                if (msg->msg != CURLMSG_DONE)
                        continue;
                result = msg->data.result;
                (void) curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **) &h);
                curl_multi_remove_handle(g->multi, easy);
                (void) curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
                if (h) {
                        curl_glue_done_t done = h->done;
                        void *userdata = h->userdata;

                        free(h);
                        done(g, easy, result, userdata);
                }
        }
}

static int curl_glue_on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        CurlGlue *g = userdata;
        int action = 0, running;

        if ((revents & (EPOLLIN | EPOLLOUT)) == (EPOLLIN | EPOLLOUT))
                action = CURL_POLL_INOUT;
        else if (revents & EPOLLIN)
                action = CURL_POLL_IN;
        else if (revents & EPOLLOUT)
                action = CURL_POLL_OUT;
        if (revents & (EPOLLERR | EPOLLHUP))
                action |= CURL_CSELECT_ERR;

        if (curl_multi_socket_action(g->multi, fd, action, &running) != CURLM_OK)
                log_warning("curl_multi_socket_action() failed on fd %d, ignoring.", fd);
        curl_glue_check_finished(g);
        return 0;
}

static int curl_glue_socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp) {
        CurlGlue *g = userp;
        sd_event_source *io = socketp;
        uint32_t events = 0;
        int r;

        if (what == CURL_POLL_REMOVE) {
                if (io) {
                        (void) sd_event_source_set_enabled(io, SD_EVENT_OFF);
                        sd_event_source_unref(io);
                        (void) curl_multi_assign(g->multi, fd, NULL);
                }
                return 0;
        }

        if (what == CURL_POLL_IN)
                events = EPOLLIN;
        else if (what == CURL_POLL_OUT)
                events = EPOLLOUT;
        else if (what == CURL_POLL_INOUT)
                events = EPOLLIN | EPOLLOUT;

        if (io) {
                r = sd_event_source_set_io_events(io, events);
                if (r < 0)
                        return log_error_errno(r, "Failed to change curl socket events: %m"), -1;
                r = sd_event_source_set_enabled(io, SD_EVENT_ON);
                if (r < 0)
                        return -1;
                return 0;
        }

        r = sd_event_add_io(g->event, &io, fd, events, curl_glue_on_io, g);
        if (r < 0)
                return log_error_errno(r, "Failed to watch curl socket: %m"), -1;
        (void) sd_event_source_set_description(io, "curl-io");
        if (curl_multi_assign(g->multi, fd, io) != CURLM_OK) {
                sd_event_source_unref(io);
                return -1;
        }
        return 0;
}

static int curl_glue_on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        CurlGlue *g = userdata;
        int running;

        if (curl_multi_socket_action(g->multi, CURL_SOCKET_TIMEOUT, 0, &running) != CURLM_OK)
                log_warning("curl_multi_socket_action() on timeout failed, ignoring.");
        curl_glue_check_finished(g);
        return 0;
}

static int curl_glue_timer_cb(CURLM *multi, long timeout_ms, void *userp) {
        CurlGlue *g = userp;
        uint64_t now;
        int r;

        if (timeout_ms < 0) {
                if (g->timer)
                        (void) sd_event_source_set_enabled(g->timer, SD_EVENT_OFF);
                return 0;
        }

        r = sd_event_now(g->event, CLOCK_MONOTONIC, &now);
        if (r < 0)
                return -1;
        now += (uint64_t) timeout_ms * 1000;

        if (g->timer) {
                if (sd_event_source_set_time(g->timer, now) < 0 ||
                    sd_event_source_set_enabled(g->timer, SD_EVENT_ONESHOT) < 0)
                        return -1;
                return 0;
        }
        r = sd_event_add_time(g->event, &g->timer, CLOCK_MONOTONIC, now, 1, curl_glue_on_timer, g);
        if (r < 0)
                return log_error_errno(r, "Failed to add curl timer: %m"), -1;
        (void) sd_event_source_set_description(g->timer, "curl-timer");
        return 0;
}

int curl_glue_new(sd_event *event, CurlGlue **ret) {
        CurlGlue *g;

        g = calloc(1, sizeof *g);
        if (!g)
                return -ENOMEM;
        g->event = sd_event_ref(event);
        g->max_redirects = CURL_GLUE_MAX_REDIRECTS;
        g->multi = curl_multi_init();
        if (!g->multi) {
                curl_glue_free(g);
                return -ENOMEM;
        }
        if (curl_multi_setopt(g->multi, CURLMOPT_SOCKETFUNCTION, curl_glue_socket_cb) != CURLM_OK ||
            curl_multi_setopt(g->multi, CURLMOPT_SOCKETDATA, g) != CURLM_OK ||
            curl_multi_setopt(g->multi, CURLMOPT_TIMERFUNCTION, curl_glue_timer_cb) != CURLM_OK ||
            curl_multi_setopt(g->multi, CURLMOPT_TIMERDATA, g) != CURLM_OK) {
                curl_glue_free(g);
                return -EINVAL;
        }
        *ret = g;
        return 0;
}

CurlGlue *curl_glue_free(CurlGlue *g) {
        if (!g)
                return NULL;
        if (g->multi)
                curl_multi_cleanup(g->multi);
        sd_event_source_disable_unref(g->timer);
        sd_event_unref(g->event);
        free(g);
        return NULL;
}

void curl_glue_set_limits(CurlGlue *g, unsigned max_redirects, uint64_t max_response_bytes) {
        g->max_redirects = (long) max_redirects;
        g->max_response_bytes = max_response_bytes;
}

int curl_glue_make(CurlGlue *g, CURL **ret) {
        CURL *c;

        c = curl_easy_init();
        if (!c)
                return -ENOMEM;

        if (curl_easy_setopt(c, CURLOPT_BUFFERSIZE, (long) CURL_GLUE_BUFFER_SIZE) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_MAXREDIRS, g->max_redirects) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) g->max_response_bytes) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CURL_GLUE_CONNECT_TIMEOUT_S) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_USERAGENT, "dosvc/" DOSVC_VERSION " (Delivery Optimization for Linux)") != CURLE_OK) {
                curl_easy_cleanup(c);
                return -EIO;
        }
        *ret = c;
        return 0;
}

int curl_glue_add(CurlGlue *g, CURL *easy, curl_glue_done_t done, void *userdata) {
        CurlGlueHandle *h;

        h = calloc(1, sizeof *h);
        if (!h)
                return -ENOMEM;
        h->done = done;
        h->userdata = userdata;
        if (curl_easy_setopt(easy, CURLOPT_PRIVATE, h) != CURLE_OK) {
                free(h);
                return -EIO;
        }
        if (curl_multi_add_handle(g->multi, easy) != CURLM_OK) {
                (void) curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
                free(h);
                return -EIO;
        }
        return 0;
}

void curl_glue_remove(CurlGlue *g, CURL *easy) {
        CurlGlueHandle *h = NULL;

        if (!easy)
                return;
        (void) curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **) &h);
        if (!h)
                return;  /* not added, or already finished */
        curl_multi_remove_handle(g->multi, easy);
        (void) curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
        free(h);
}
