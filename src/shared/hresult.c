/* hresult.c: HRESULT names and messages, and the errno / HTTP / D-Bus conversions.
 *
 * Everything reads the one table in hresult-table.h. Lookups scan it linearly: ~100 rows, called on
 * error paths only, and a scan keeps the "first row wins" rule that makes aliases resolve to their
 * canonical names (a switch could not hold the duplicate values). No function here allocates,
 * logs or touches global state, so all are thread-safe and usable from the library.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hresult-table.h"
#include "hresult.h"

typedef struct HResultEntry {
        uint32_t value;
        const char *name;
        const char *message;
} HResultEntry;

#define HRESULT_ENTRY(name, value, message) { (uint32_t) (value), #name, message },
static const HResultEntry hresult_entries[] = {
        HRESULT_TABLE(HRESULT_ENTRY)
};
#undef HRESULT_ENTRY

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static const HResultEntry *hresult_lookup(HRESULT hr) {
        for (size_t i = 0; i < ELEMENTSOF(hresult_entries); i++)
                if (hresult_entries[i].value == (uint32_t) hr)
                        return &hresult_entries[i];
        return NULL;
}

const char *DoHResultName(HRESULT hr) {
        const HResultEntry *e = hresult_lookup(hr);

        return e ? e->name : NULL;
}

const char *DoHResultMessage(HRESULT hr) {
        const HResultEntry *e = hresult_lookup(hr);

        if (e)
                return e->message;

        /* Unknown codes still get a sentence: callers print it without checking for NULL. */
        if (SUCCEEDED(hr))
                return "The operation succeeded.";
        switch (HRESULT_FACILITY(hr)) {
        case FACILITY_HTTP:
                return "The server returned an HTTP error status.";
        case FACILITY_WIN32:
                return "A system error occurred.";
        case FACILITY_DELIVERY_OPTIMIZATION:
                return "A Delivery Optimization error occurred.";
        case FACILITY_BITS:
                return "A background transfer error occurred.";
        default:
                return "An unknown error occurred.";
        }
}

HRESULT hresult_from_errno(int err) {
        if (err < 0)
                err = -err;

        switch (err) {
        case 0:
                return S_OK;
        case EACCES:
        case EPERM:
                return E_ACCESSDENIED;
        case ENOMEM:
                return E_OUTOFMEMORY;
        case EINVAL:
        case E2BIG:
                return E_INVALIDARG;
        case ENOENT:
                return HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
        case ENOSPC:
        case EDQUOT:
                return HRESULT_FROM_WIN32(ERROR_DISK_FULL);
        case EIO:
                return HRESULT_FROM_WIN32(ERROR_GEN_FAILURE);
        case EEXIST:
                return HRESULT_FROM_WIN32(ERROR_FILE_EXISTS);
        case ENAMETOOLONG:
                return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
        case EROFS:
                return HRESULT_FROM_WIN32(ERROR_WRITE_PROTECT);
        case ENOTDIR:
                return HRESULT_FROM_WIN32(ERROR_DIRECTORY);
        case EOPNOTSUPP:
#if ENOTSUP != EOPNOTSUPP
        case ENOTSUP:
#endif
        case ENOSYS:
                return E_NOTIMPL;
        case ECANCELED:
                return E_ABORT;
        default:
                return E_FAIL;
        }
}

HRESULT hresult_from_http_status(long status) {
        if (status < 100 || status > 599)
                return E_INVALIDARG;
        if (status >= 200 && status <= 299)
                return S_OK;
        return MAKE_HRESULT(1, FACILITY_HTTP, status);
}

int hresult_format(HRESULT hr, char *buf, size_t n) {
        const char *name;
        int k;

        if (!buf || n == 0)
                return -EINVAL;

        name = DoHResultName(hr);
        k = snprintf(buf, n, "0x%08X%s%s: %s",
                     (unsigned) (uint32_t) hr, name ? " " : "", name ? name : "", DoHResultMessage(hr));
        if (k < 0)
                return -EINVAL;
        if ((size_t) k >= n)
                return -ENOBUFS;
        return 0;
}

int hresult_to_bus_error_name(HRESULT hr, char *buf, size_t n) {
        if (!buf)
                return -EINVAL;
        if (n < HRESULT_BUS_ERROR_NAME_MAX) {
                if (n > 0)
                        buf[0] = '\0';
                return -ENOBUFS;
        }

        (void) snprintf(buf, n, DOSVC_BUS_ERROR_PREFIX "%08X", (unsigned) (uint32_t) hr);
        return 0;
}

int hresult_from_bus_error_name(const char *name, HRESULT *ret) {
        const size_t prefix_len = strlen(DOSVC_BUS_ERROR_PREFIX);
        uint32_t v = 0;

        if (!name || !ret)
                return -EINVAL;
        if (strncmp(name, DOSVC_BUS_ERROR_PREFIX, prefix_len) != 0)
                return -EINVAL;
        name += prefix_len;

        /* Exactly 8 uppercase hex digits: the mapping stays one-to-one, as bus names compare as
         * plain strings. */
        for (size_t i = 0; i < 8; i++) {
                char c = name[i];
                unsigned d;

                if (c >= '0' && c <= '9')
                        d = (unsigned) (c - '0');
                else if (c >= 'A' && c <= 'F')
                        d = (unsigned) (c - 'A' + 10);
                else
                        return -EINVAL;
                v = (v << 4) | d;
        }
        if (name[8] != '\0')
                return -EINVAL;

        *ret = (HRESULT) v;
        return 0;
}
