/* callbacks.h (libdosvc, private): IBackgroundCopyCallback registrations and their dispatch thread
 * (callbacks.c). job.c calls these from SetNotifyInterface, GetNotifyInterface and when a job proxy
 * is freed; nothing else in the library needs to know that callbacks exist. */
#pragma once

#ifndef DOSVC_LIB_INTERNAL
#error "callbacks.h is private to src/lib (libdosvc)"
#endif

#include <deliveryoptimization.h>

#include "proxies.h"

/* Registers `callback` for job proxy j, replacing (and Releasing) the previous one; NULL clears.
 * AddRefs `callback`. The first registration of the process starts the dispatch thread; the call
 * returns once the thread listens to the daemon's signals (bounded: it gives up waiting after 5 s,
 * e.g. while the daemon restarts), so every event after it is seen. An event from before it (the
 * job already TRANSFERRED or ERROR) is delivered too. S_OK, or E_OUTOFMEMORY / E_FAIL (no thread)
 * with nothing changed. */
HRESULT callbacks_set(DoJob *j, IUnknown *callback);

/* The registered callback with one new reference (AddRef'ed under the registry lock), or NULL. */
IUnknown *callbacks_get(DoJob *j);

/* j is being freed (its last reference is gone): drops its registration and Releases the callback.
 * Cheap when j has none. The dispatch thread ends when the last registration goes. */
void callbacks_forget(DoJob *j);
