/* job-props.h: what a job and its files offer beyond IBackgroundCopyJob, as client operations in the
 * manner of queue.h:
 *   - IBackgroundCopyJob5 properties (BITS_JOB_PROPERTY_ID: cost flags, notification CLSID);
 *   - IDeliveryOptimizationFile2 properties (DOFilePropertyId), among them the destination of a file
 *     added by IDeliveryOptimizationJob2::AddFile (DownloadSinkFilePath) and its integrity check;
 *   - the figures of IDeliveryOptimizationFile::GetStats;
 *   - SetProxySettings and TakeOwnership of IBackgroundCopyJob.
 *
 * Every function returns the HRESULT the client gets; on failure nothing changed. No D-Bus here: the
 * bus layer turns a variant into a PropValue and back (bus-job-ext.c). The caller has already checked
 * that the caller may act on the job (its owner or root). */
#pragma once

#include "manager.h"

/* A property value, typed by its D-Bus letter. Strings are borrowed: from the request (set) or from
 * the job, or from buf (get), and live until the job next changes. */
typedef struct PropValue {
        char type;                         /* 'u' (u32), 't' (u64), 'b' (bool) or 's' (UTF-8 string) */
        uint32_t u;
        uint64_t t;
        bool b;
        const char *s;
        char buf[40];                      /* a formatted value (a GUID) when s points here */
} PropValue;

/* Bits a BITS_JOB_TRANSFER_POLICY may hold: the BITS_COST_STATE_* bits (0xFF) and
 * BITS_COST_OPTION_IGNORE_CONGESTION (0x80000000). */
#define JOB_COST_FLAGS_VALID 0x800000FFu
/* SetProxySettings: each list at most 32 K characters (spec §5, "32 KB"). */
#define JOB_PROXY_LIST_MAX 32768u

/* IBackgroundCopyJob5. COST_FLAGS is 'u'; NOTIFICATION_CLSID is 's', a GUID in registry form
 * (GUID_NULL clears it; get answers GUID_NULL when none is set). Other IDs: DO_E_UNKNOWN_PROPERTY_ID.
 * Set: E_INVALIDARG (wrong type, bits outside JOB_COST_FLAGS_VALID, not a GUID), DO_E_INVALID_STATE
 * (final job). */
HRESULT job_props_set(Manager *m, Job *j, uint32_t id, const PropValue *v);
HRESULT job_props_get(Job *j, uint32_t id, PropValue *ret);

/* IDeliveryOptimizationFile2 on file `index` (E_INVALIDARG when there is none). Types:
 * IntegrityCheckInfo, DecryptionInfo and DownloadSinkFilePath 's', IntegrityCheckMandatory 'b',
 * TotalSizeBytes 't'. Get: DO_E_WRITE_ONLY_PROPERTY (DecryptionInfo, IntegrityCheckInfo), E_NOT_SET
 * (never set / unknown), E_NOTIMPL (DownloadSinkInterface, DownloadSinkMemoryStream). Set: E_NOTIMPL
 * (DecryptionInfo, the sink interfaces, a piece-hash IntegrityCheckInfo), DO_E_INVALID_STATE (final
 * job; the destination or size of a file whose transfer started; the integrity check of a file
 * already transferred), E_INVALIDARG, E_ACCESSDENIED (sink folder not writable). */
HRESULT job_props_file_set(Manager *m, Job *j, uint32_t index, uint32_t id, const PropValue *v);
HRESULT job_props_file_get(Job *j, uint32_t index, uint32_t id, PropValue *ret);

/* DOSwarmStats of file `index` (strings borrowed from the file). */
typedef struct FileStats {
        const char *file_id;
        const char *source_url;
        uint64_t file_size;                /* DO_UNKNOWN_FILE_SIZE while unknown */
        uint64_t total_bytes_downloaded;
        uint64_t bytes_from_http;
        uint32_t http_connection_count;
        uint32_t download_duration_ms;
        uint32_t download_mode;            /* DownloadMode */
        uint32_t status;                   /* SwarmStatus */
        bool is_background;
} FileStats;
HRESULT job_props_file_stats(Job *j, uint32_t index, FileStats *ret);

/* SetProxySettings. list and bypass are "" for NULL. E_INVALIDARG (usage out of range; OVERRIDE
 * without a list; a list with another usage; not UTF-8), BG_E_PROXY_LIST_TOO_LARGE,
 * BG_E_PROXY_BYPASS_LIST_TOO_LARGE, BG_E_INVALID_PROXY_INFO (control characters; an OVERRIDE list
 * with no entry or an entry proxy_list_check() refuses), DO_E_INVALID_STATE. */
HRESULT job_props_set_proxy(Manager *m, Job *j, uint32_t usage, const char *list, const char *bypass);

/* TakeOwnership by the caller `uid`: root only (E_ACCESSDENIED), not on a final job. */
HRESULT job_props_take_ownership(Manager *m, Job *j, uid_t uid);
