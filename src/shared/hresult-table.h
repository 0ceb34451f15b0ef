/* hresult-table.h: THE table of every HRESULT dosvc knows: value, name and English message.
 *
 * One X-macro (libuv's UV_ERRNO_MAP habit) feeds DoHResultName(), DoHResultMessage(), the bus error
 * names and the unit test that checks each value against include/deliveryoptimization.h. Values come
 * from the spec (do-api.md section 3.3) and winerror.h; a value is never reused or renumbered.
 *
 * Each row is X(NAME, VALUE, MESSAGE). NAME is for stringizing only (#NAME); use VALUE as the number.
 *  - HRESULT_TABLE_PUBLIC(X): NAME is an HRESULT constant of the public header, equal to VALUE.
 *  - HRESULT_TABLE_WIN32(X): NAME is a winerror.h ERROR_* code and VALUE == HRESULT_FROM_WIN32(NAME);
 *    these wrap the Win32 errors that hresult_from_errno() produces, so they print with a name.
 *  - HRESULT_TABLE(X): every row, public first.
 * Lookups take the first row with a value, so an alias (DO_E_NOT_FOUND, DO_E_EMPTY) comes after its
 * canonical name and is found by name only. HTTP statuses without a Windows name (0x8019xxxx) have no
 * row; DoHResultMessage() handles that family as a whole.
 *
 * Messages: one sentence, capital letter, full stop, no HRESULT number in it.
 */
#pragma once

#define HRESULT_TABLE_PUBLIC(X) \
        X(S_OK,                                  0x00000000, "The operation succeeded.") \
        X(S_FALSE,                               0x00000001, "The operation succeeded with a partial or negative result.") \
        X(E_NOTIMPL,                             0x80004001, "The method is not implemented.") \
        X(E_NOINTERFACE,                         0x80004002, "The object does not support the requested interface.") \
        X(E_POINTER,                             0x80004003, "A required pointer argument is NULL.") \
        X(E_ABORT,                               0x80004004, "The operation was aborted.") \
        X(E_FAIL,                                0x80004005, "The operation failed.") \
        X(E_UNEXPECTED,                          0x8000FFFF, "An unexpected failure occurred.") \
        X(E_ACCESSDENIED,                        0x80070005, "Access is denied.") \
        X(E_HANDLE,                              0x80070006, "The handle is invalid.") \
        X(E_OUTOFMEMORY,                         0x8007000E, "There is not enough memory to complete the operation.") \
        X(E_INVALIDARG,                          0x80070057, "One or more arguments are invalid.") \
        X(E_NOT_SET,                             0x80070490, "The property has not been set.") \
        X(CLASS_E_NOAGGREGATION,                 0x80040110, "The class does not support aggregation.") \
        X(REGDB_E_CLASSNOTREG,                   0x80040154, "The class is not registered.") \
        X(CO_E_NOTINITIALIZED,                   0x800401F0, "CoInitializeEx has not been called.") \
        X(RPC_E_CHANGED_MODE,                    0x80010106, "The thread was already initialized with another concurrency model.") \
        X(DISP_E_TYPEMISMATCH,                   0x80020005, "The VARIANT has the wrong type.") \
        X(DISP_E_BADVARTYPE,                     0x80020008, "The VARIANT type is not valid.") \
        \
        X(DO_E_NO_SERVICE,                       0x80D01001, "Delivery Optimization could not provide the service.") \
        X(DO_E_DOWNLOAD_NO_PROGRESS,             0x80D02002, "The download made no progress within the no-progress timeout.") \
        X(DO_E_JOB_NOT_FOUND,                    0x80D02003, "The job was not found.") \
        X(DO_E_JOB_EMPTY,                        0x80D02004, "The job contains no files.") \
        X(DO_E_NO_DOWNLOADS,                     0x80D02005, "No downloads currently exist.") \
        X(DO_E_JOB_TOO_OLD,                      0x80D0200C, "The job was neither completed nor cancelled before it reached the age limit.") \
        X(DO_E_LOCALPATH_NOT_SET,                0x80D0200D, "The download has no local path.") \
        X(DO_E_FILE_NOT_AVAILABLE,               0x80D02010, "The error does not concern a particular file.") \
        X(DO_E_UNKNOWN_PROPERTY_ID,              0x80D02011, "The property ID is unknown.") \
        X(DO_E_READ_ONLY_PROPERTY,               0x80D02012, "The property is read-only.") \
        X(DO_E_INVALID_STATE,                    0x80D02013, "The operation is not allowed in the job's current state.") \
        X(DO_E_ERROR_INFORMATION_UNAVAILABLE,    0x80D02014, "No error has occurred, so no error information is available.") \
        X(DO_E_WRITE_ONLY_PROPERTY,              0x80D02015, "The property is write-only.") \
        X(DO_E_FILE_DOWNLOADSINK_UNSPECIFIED,    0x80D02018, "The download was started without a local file or stream.") \
        X(DO_E_DOWNLOAD_NO_URI,                  0x80D02200, "The download was started without a URI.") \
        X(DO_E_NO_DOWNLOAD_EXTSETTINGS,          0x80D03002, "Downloads are forbidden by user or administrator settings.") \
        X(DO_E_BLOCKED_BY_COST_TRANSFER_POLICY,  0x80D03801, "The download is paused by the cost transfer policy.") \
        X(DO_E_BLOCKED_BY_CELLULAR_POLICY,       0x80D03803, "The download is paused because the network is cellular and policy forbids it.") \
        X(DO_E_BLOCKED_BY_POWER_STATE,           0x80D03804, "The download is paused because the device is on battery power.") \
        X(DO_E_BLOCKED_BY_NO_NETWORK,            0x80D03805, "The download is paused because the network is unavailable.") \
        X(DO_E_BLOCKED_BY_VPN_POLICY,            0x80D03807, "The download is paused because a VPN was detected.") \
        X(DO_E_BLOCKED_BY_CRITICAL_MEMORY_USAGE, 0x80D03808, "The download is paused because memory use is critical.") \
        X(DO_E_HTTP_BLOCKSIZE_MISMATCH,          0x80D05001, "The HTTP response size differs from the size requested.") \
        X(DO_E_HTTP_CERT_VALIDATION,             0x80D05002, "The server certificate could not be validated.") \
        X(DO_E_INVALID_RANGE,                    0x80D05010, "A byte range is invalid or lies outside the file.") \
        X(DO_E_INSUFFICIENT_RANGE_SUPPORT,       0x80D05011, "The server does not support the HTTP Range requests the download needs.") \
        X(DO_E_OVERLAPPING_RANGES,               0x80D05012, "Byte ranges overlap or repeat.") \
        X(DO_E_FATAL_CORE_ERROR,                 0x80D06802, "A fatal error occurred in the download core.") \
        X(DO_E_NOT_FOUND,                        0x80D02003, "The job was not found.") \
        X(DO_E_EMPTY,                            0x80D02004, "The job contains no files.") \
        \
        X(BG_S_PARTIAL_COMPLETE,                 0x00200017, "Only some of the files were completed; the others were deleted.") \
        X(BG_S_UNABLE_TO_DELETE_FILES,           0x0020001A, "The operation succeeded, but some temporary files could not be deleted.") \
        X(BG_S_OVERRIDDEN_BY_POLICY,             0x00200055, "The setting was overridden by policy.") \
        X(BG_E_NOT_FOUND,                        0x80200001, "The requested job was not found.") \
        X(BG_E_INVALID_STATE,                    0x80200002, "The requested action is not allowed in the current job state.") \
        X(BG_E_EMPTY,                            0x80200003, "The job contains no files.") \
        X(BG_E_FILE_NOT_AVAILABLE,               0x80200004, "No file is available because no file is involved in the error.") \
        X(BG_E_PROTOCOL_NOT_AVAILABLE,           0x80200005, "No protocol is available because the error is not tied to a protocol.") \
        X(BG_E_DESTINATION_LOCKED,               0x8020000D, "The destination file is locked by another process.") \
        X(BG_E_VOLUME_CHANGED,                   0x8020000E, "The destination volume has changed.") \
        X(BG_E_ERROR_INFORMATION_UNAVAILABLE,    0x8020000F, "No error information is available.") \
        X(BG_E_NETWORK_DISCONNECTED,             0x80200010, "No network connection is available.") \
        X(BG_E_MISSING_FILE_SIZE,                0x80200011, "The server did not return the file size.") \
        X(BG_E_INSUFFICIENT_HTTP_SUPPORT,        0x80200012, "The server does not support HTTP 1.1.") \
        X(BG_E_INSUFFICIENT_RANGE_SUPPORT,       0x80200013, "The server does not support the Content-Range header.") \
        X(BG_E_REMOTE_NOT_SUPPORTED,             0x80200014, "Remote use is not supported.") \
        X(BG_E_NEW_OWNER_DIFF_MAPPING,           0x80200015, "The drive mapping differs for the new owner.") \
        X(BG_E_NEW_OWNER_NO_FILE_ACCESS,         0x80200016, "The new owner cannot access the job's files.") \
        X(BG_E_PROXY_LIST_TOO_LARGE,             0x80200018, "The proxy list is longer than 32 KB.") \
        X(BG_E_PROXY_BYPASS_LIST_TOO_LARGE,      0x80200019, "The proxy bypass list is longer than 32 KB.") \
        X(BG_E_TOO_MANY_FILES,                   0x8020001C, "The job has too many files.") \
        X(BG_E_LOCAL_FILE_CHANGED,               0x8020001D, "The local file changed during the transfer.") \
        X(BG_E_STRING_TOO_LONG,                  0x80200021, "The string is too long.") \
        X(BG_E_USERNAME_TOO_LARGE,               0x80200025, "The user name is longer than 300 characters.") \
        X(BG_E_PASSWORD_TOO_LARGE,               0x80200026, "The password is longer than 65,535 characters.") \
        X(BG_E_INVALID_AUTH_TARGET,              0x80200027, "The authentication target is invalid.") \
        X(BG_E_INVALID_AUTH_SCHEME,              0x80200028, "The authentication scheme is invalid.") \
        X(BG_E_INVALID_RANGE,                    0x8020002B, "A byte range is invalid.") \
        X(BG_E_OVERLAPPING_RANGES,               0x8020002C, "Byte ranges overlap.") \
        X(BG_E_BLOCKED_BY_POLICY,                0x8020003E, "The operation is blocked by policy.") \
        X(BG_E_INVALID_PROXY_INFO,               0x8020003F, "The proxy settings are invalid.") \
        X(BG_E_INVALID_CREDENTIALS,              0x80200040, "The credentials are invalid.") \
        X(BG_E_TOO_MANY_JOBS_PER_USER,           0x80200049, "The user has reached the maximum number of jobs.") \
        X(BG_E_TOO_MANY_JOBS_PER_MACHINE,        0x80200050, "The machine has reached the maximum number of jobs.") \
        X(BG_E_TOO_MANY_FILES_IN_JOB,            0x80200051, "The job has reached the maximum number of files.") \
        X(BG_E_TOO_MANY_RANGES_IN_FILE,          0x80200052, "The file has reached the maximum number of ranges.") \
        X(BG_E_VALIDATION_FAILED,                0x80200053, "The downloaded content failed validation.") \
        X(BG_E_MAXDOWNLOAD_TIMEOUT,              0x80200054, "The job exceeded its maximum download time.") \
        X(BG_E_HTTP_ERROR_400,                   0x80190190, "The server rejected the request as malformed (HTTP 400).") \
        X(BG_E_HTTP_ERROR_401,                   0x80190191, "The server requires authentication (HTTP 401).") \
        X(BG_E_HTTP_ERROR_404,                   0x80190194, "The server could not find the requested file (HTTP 404).") \
        X(BG_E_HTTP_ERROR_407,                   0x80190197, "The proxy requires authentication (HTTP 407).") \
        X(BG_E_HTTP_ERROR_414,                   0x8019019E, "The server rejected the URL as too long (HTTP 414).") \
        X(BG_E_HTTP_ERROR_501,                   0x801901F5, "The server does not support the request (HTTP 501).") \
        X(BG_E_HTTP_ERROR_503,                   0x801901F7, "The server is temporarily unavailable (HTTP 503).") \
        X(BG_E_HTTP_ERROR_504,                   0x801901F8, "The gateway timed out (HTTP 504).") \
        X(BG_E_HTTP_ERROR_505,                   0x801901F9, "The server does not support the HTTP version (HTTP 505).")

#define HRESULT_TABLE_WIN32(X) \
        X(ERROR_PATH_NOT_FOUND,                  0x80070003, "The system cannot find the path specified.") \
        X(ERROR_WRITE_PROTECT,                   0x80070013, "The file system is read-only.") \
        X(ERROR_GEN_FAILURE,                     0x8007001F, "An input/output error occurred.") \
        X(ERROR_FILE_EXISTS,                     0x80070050, "The file exists.") \
        X(ERROR_DISK_FULL,                       0x80070070, "There is not enough space on the disk.") \
        X(ERROR_FILENAME_EXCED_RANGE,            0x800700CE, "The file name or path is too long.") \
        X(ERROR_DIRECTORY,                       0x8007010B, "A path component is not a directory.") \
        X(ERROR_RESOURCE_LANG_NOT_FOUND,         0x80070717, "No message text exists for the requested language.") \
        X(ERROR_WINHTTP_TIMEOUT,                 0x80072EE2, "The connection to the server timed out.") \
        X(ERROR_WINHTTP_UNRECOGNIZED_SCHEME,     0x80072EE6, "The URL uses a scheme other than http or https.") \
        X(ERROR_WINHTTP_NAME_NOT_RESOLVED,       0x80072EE7, "The server name could not be resolved.") \
        X(ERROR_WINHTTP_CANNOT_CONNECT,          0x80072EFD, "The connection to the server could not be established.") \
        X(ERROR_WINHTTP_CONNECTION_ERROR,        0x80072EFE, "The connection to the server was reset or closed early.") \
        X(ERROR_WINHTTP_INVALID_SERVER_RESPONSE, 0x80072F78, "The server response could not be parsed.") \
        X(ERROR_WINHTTP_REDIRECT_FAILED,         0x80072F7C, "The redirection failed: too many redirects or a forbidden target.") \
        X(ERROR_WINHTTP_SECURE_FAILURE,          0x80072F8F, "The TLS connection to the server failed.") \
        X(ERROR_WINHTTP_HEADER_SIZE_OVERFLOW,    0x80072F97, "The server sent a response header larger than allowed.")

#define HRESULT_TABLE(X) \
        HRESULT_TABLE_PUBLIC(X) \
        HRESULT_TABLE_WIN32(X)
