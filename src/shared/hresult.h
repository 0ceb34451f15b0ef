/* hresult.h (private): conversions between dosvc's internal -errno world and HRESULTs, and the
 * D-Bus error names that carry an HRESULT across the bus.
 *
 * HRESULTs appear only at the edges (library API, bus replies); inside, functions return -errno
 * (STYLE.md section 3). The public lookups DoHResultName()/DoHResultMessage() live in
 * <dosvc/hresult.h>; all of them read src/shared/hresult-table.h.
 */
#pragma once

#include <stddef.h>

#include <deliveryoptimization.h>
#include <dosvc/hresult.h>

/* Every bus error dosvc sends is this prefix plus the HRESULT as 8 uppercase hex digits, e.g.
 * "org.dosvc1.Error.HR_80D02003", so the client recovers the exact HRESULT. */
#define DOSVC_BUS_ERROR_PREFIX "org.dosvc1.Error.HR_"
/* Buffer size for hresult_to_bus_error_name(), terminator included. */
#define HRESULT_BUS_ERROR_NAME_MAX (sizeof(DOSVC_BUS_ERROR_PREFIX) + 8)
/* A buffer of this size always holds hresult_format()'s output untruncated. */
#define HRESULT_FORMAT_MAX 256

/* The HRESULT for an errno value, given as err or -err (0 gives S_OK):
 * EACCES, EPERM -> E_ACCESSDENIED; ENOMEM -> E_OUTOFMEMORY; EINVAL, E2BIG -> E_INVALIDARG;
 * ENOENT -> ERROR_PATH_NOT_FOUND; ENOSPC, EDQUOT -> ERROR_DISK_FULL; EIO -> ERROR_GEN_FAILURE;
 * EEXIST -> ERROR_FILE_EXISTS; ENAMETOOLONG -> ERROR_FILENAME_EXCED_RANGE; EROFS ->
 * ERROR_WRITE_PROTECT; ENOTDIR -> ERROR_DIRECTORY (each Win32 code wrapped by HRESULT_FROM_WIN32);
 * EOPNOTSUPP, ENOSYS -> E_NOTIMPL; ECANCELED -> E_ABORT; anything else -> E_FAIL. */
HRESULT hresult_from_errno(int err);

/* The HRESULT for a final HTTP status: S_OK for 2xx, 0x80190000 + status for the other statuses in
 * 100..599 (404 gives BG_E_HTTP_ERROR_404 0x80190194, 403 gives 0x80190193), and E_INVALIDARG for a
 * number that is no HTTP status. */
HRESULT hresult_from_http_status(long status);

/* Writes "0x80D02003 DO_E_JOB_NOT_FOUND: The job was not found." into buf (size n), or
 * "0x80190193: <message>" when hr has no name. Returns 0; -ENOBUFS when truncated (buf still holds
 * a NUL-terminated prefix); -EINVAL for a NULL buf or n == 0. */
int hresult_format(HRESULT hr, char *buf, size_t n);

/* Writes DOSVC_BUS_ERROR_PREFIX + 8 uppercase hex digits into buf (size n, at least
 * HRESULT_BUS_ERROR_NAME_MAX). Returns 0; -ENOBUFS when n is too small (buf untouched, unless n > 0,
 * then it is ""); -EINVAL for a NULL buf. */
int hresult_to_bus_error_name(HRESULT hr, char *buf, size_t n);

/* Parses a name made by hresult_to_bus_error_name(): exactly the prefix and 8 uppercase hex digits.
 * Returns 0 and sets *ret; -EINVAL for anything else (ret untouched). */
int hresult_from_bus_error_name(const char *name, HRESULT *ret);
