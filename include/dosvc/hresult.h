/* dosvc/hresult.h: names and English messages for the HRESULTs dosvc returns.
 *
 * The text comes from one table (src/shared/hresult-table.h) that also backs the service's bus
 * errors and `doadmin`, so every tool prints the same words. The messages are not localized (see
 * IBackgroundCopyManager::GetErrorDescription for the language-aware call).
 */
#ifndef DOSVC_HRESULT_H
#define DOSVC_HRESULT_H

#include <deliveryoptimization.h>

#ifdef __cplusplus
extern "C" {
#endif

/* DoHResultName: the symbolic name of hr, e.g. "DO_E_JOB_NOT_FOUND" for 0x80D02003, or NULL when hr
 * has none. Aliases resolve to the canonical name (DO_E_NOT_FOUND gives "DO_E_JOB_NOT_FOUND"). A
 * Win32 error wrapped with HRESULT_FROM_WIN32() gives its winerror.h name (0x80070070 gives
 * "ERROR_DISK_FULL"); an HTTP status without a Windows name (0x8019xxxx) gives NULL. The string is
 * static: never free it. Thread-safe; no allocation. */
DOSVC_EXPORT const char *DoHResultName(HRESULT hr);

/* DoHResultMessage: one English sentence describing hr. Never NULL: an unknown HTTP status (facility
 * 25, 0x8019xxxx) gives "The server returned an HTTP error status.", any other unknown success or
 * failure a generic sentence. The string is static: never free it. Thread-safe; no allocation. */
DOSVC_EXPORT const char *DoHResultMessage(HRESULT hr);

#ifdef __cplusplus
}
#endif

#endif /* DOSVC_HRESULT_H */
