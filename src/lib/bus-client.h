/* bus-client.h (libdosvc, private): the library's one connection to the daemon, and method calls on
 * it that return HRESULTs.
 *
 * Every proxy object calls through here. The connection is a process-wide global (one of the
 * three globals STYLE.md allows), opened on first use, and guarded by one mutex: sd-bus objects are
 * not thread-safe, so building a call, waiting for its reply, reading the reply and dropping it all
 * happen under that mutex. Callers never see the sd_bus object; they hand in a builder and a parser
 * that run under the lock and must not call back into the library. */
#pragma once

#ifndef DOSVC_LIB_INTERNAL
#error "bus-client.h is private to src/lib (libdosvc)"
#endif

#include <stdint.h>
#include <systemd/sd-bus.h>
#include <deliveryoptimization.h>

#define BUS_SYSTEM_NAME "org.dosvc1"            /* the system service's well-known name */
#define BUS_MANAGER_PATH "/org/dosvc1"
#define BUS_MANAGER_INTERFACE "org.dosvc1.Manager"
#define BUS_JOB_INTERFACE "org.dosvc1.Job"
#define BUS_JOB_PATH_PREFIX "/org/dosvc1/job/"

/* Append the call's arguments to m / read the reply. Return 0 or -errno; a parser failure makes the
 * call return E_OUTOFMEMORY for -ENOMEM, else E_UNEXPECTED (the reply did not match the contract). */
typedef int (*BusBuildFunc)(sd_bus_message *m, void *userdata);
typedef int (*BusParseFunc)(sd_bus_message *reply, void *userdata);

/* Opens a new connection of its own (the callback thread's): in system mode ($DOSVC_SYSTEM=1) to the
 * system bus or $DOSVC_SYSTEM_BUS_ADDRESS, as a bus client, *ret_destination = BUS_SYSTEM_NAME; else
 * to the user-mode daemon's address, *ret_destination = NULL. Never starts a daemon. 0 or -errno. */
int bus_client_open(const char *description, sd_bus **ret, const char **ret_destination);

/* Opens the connection now unless it is open: $DOSVC_BUS_ADDRESS, else the user-mode socket, whose
 * daemon is started when none answers (spawn.c). S_OK, DO_E_NO_SERVICE, E_OUTOFMEMORY. */
HRESULT bus_client_connect(void);

/* Calls interface.member on path. `build` may be NULL (no arguments), `parse` may be NULL (the reply
 * is ignored). When the connection turns out to be closed (the daemon exited or restarted), it is
 * reopened — and, in user mode, the daemon restarted — once, and the call is sent again. Returns
 * S_OK or the HRESULT of bus_error_to_hresult() for the failure. */
HRESULT bus_client_call(const char *path, const char *interface, const char *member, BusBuildFunc build,
                        BusParseFunc parse, void *userdata);

/* Reads one property of org.dosvc1.Job at path through org.freedesktop.DBus.Properties.Get.
 * type is 'u' (uint32_t *ret), 't' (uint64_t *ret) or 's' (char **ret, malloc'ed). */
HRESULT bus_client_get_job_property(const char *path, const char *property, char type, void *ret);

/* Reads all properties of org.dosvc1.Job at path with one GetAll; `parse` sees the reply positioned
 * at the a{sv} array (use bus_read_property_dict()). */
HRESULT bus_client_get_all_job_properties(const char *path, BusParseFunc parse, void *userdata);

/* Walks an a{sv} array: for each entry calls handle(name, m, userdata) with m positioned inside the
 * variant; the handler reads the value or returns 0 without reading (the entry is skipped). */
typedef int (*BusPropertyFunc)(const char *name, sd_bus_message *m, void *userdata);
int bus_read_property_dict(sd_bus_message *m, BusPropertyFunc handle, void *userdata);

/* The HRESULT for a failed call, per docs/dbus-api.md §Errors: org.dosvc1.Error.HR_XXXXXXXX carries
 * its HRESULT; UnknownObject is DO_E_JOB_NOT_FOUND, InvalidArgs E_INVALIDARG, AccessDenied
 * E_ACCESSDENIED, NoMemory E_OUTOFMEMORY; a lost or missing connection (r = -ECONNREFUSED, -ENOENT,
 * -ENOTCONN, -ECONNRESET, -EPIPE, …) DO_E_NO_SERVICE; anything else E_FAIL. error may be NULL. */
HRESULT bus_error_to_hresult(const sd_bus_error *error, int r);

/* Closes the connection (it is reopened on the next call). Used at library unload. */
void bus_client_disconnect(void);
