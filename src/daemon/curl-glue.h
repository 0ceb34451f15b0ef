/* curl-glue.h: one libcurl multi handle driven by the daemon's sd-event loop. Only curl-glue.c
 * touches curl's socket and timer callbacks (STYLE.md §3). Each easy handle added here carries a
 * completion callback that runs once, from the loop, when curl reports CURLMSG_DONE. */
#pragma once

#include <curl/curl.h>
#include <stdint.h>
#include <systemd/sd-event.h>

typedef struct CurlGlue CurlGlue;
typedef void (*curl_glue_done_t)(CurlGlue *g, CURL *easy, CURLcode result, void *userdata);

int curl_glue_new(sd_event *event, CurlGlue **ret);
CurlGlue *curl_glue_free(CurlGlue *g);

/* dosvc.conf MaxRedirects (default 10) and MaxResponseBytes (0 = none; curl 7.88 refuses a response
 * whose announced Content-Length exceeds it: CURLE_FILESIZE_EXCEEDED): handles made from now on. */
void curl_glue_set_limits(CurlGlue *g, unsigned max_redirects, uint64_t max_response_bytes);

/* Create an easy handle with our defaults (large receive buffer, redirect limits, http/https only,
 * user agent, TCP keepalive, low-speed cut-off). The caller sets URL and callbacks. */
int curl_glue_make(CurlGlue *g, CURL **ret);
/* Start it: `done` is called once when the transfer ends, unless curl_glue_remove() came first. */
int curl_glue_add(CurlGlue *g, CURL *easy, curl_glue_done_t done, void *userdata);
/* Stop it now (no callback). Safe for a handle that is not added. */
void curl_glue_remove(CurlGlue *g, CURL *easy);
