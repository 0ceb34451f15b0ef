/* transfer.h: the download of one file of one job into its temp file.
 *
 * A Transfer is a small state machine (STARTING → RECEIVING → [CHECKING] → DONE/FAILED): it opens the
 * temp file, asks for the bytes not yet on disk (a Range request from the stored offset), checks the
 * answer before a byte is written, writes, and checkpoints: fsync the temp file, then store the
 * offset — never the other way round. CHECKING reads a complete file back for its SHA-256, a chunk
 * per turn of the event loop, when the hash could not be computed while writing; the job stays
 * TRANSFERRING and the file not transferred until it matched. When it ends it reports to the job
 * layer through transfer_finished(), which moves the job on (next file, TRANSFERRED, ERROR). */
#pragma once

#include "manager.h"

typedef struct Transfer Transfer;

/* Start downloading `f` (the job's next file). The job must be TRANSFERRING. A ranged file with a
 * SHA-256 whose every range is already on disk (never checked: stopped after its last byte) gets no
 * request, only the check; without a SHA-256 that case is -ENOENT (the caller marks it transferred). */
int transfer_start(Manager *m, JobFile *f, Transfer **ret);
/* Stop now: checkpoint what is on disk (fsync + offset), drop the connection, or the SHA-256 check
 * in progress (the next attempt checks the file again). No callback. */
Transfer *transfer_stop(Transfer *t);
/* Stop now and throw the temp file's contents away (Cancel, Complete of an unfinished file). */
Transfer *transfer_abort(Transfer *t);

/* How a transfer ended, for the job layer. */
typedef struct TransferOutcome {
        HRESULT hresult;                   /* S_OK: this request's bytes are all on disk */
        BG_ERROR_CONTEXT context;
        bool transient;                    /* retry after the retry delay (TRANSIENT_ERROR) */
        bool restart;                      /* the server's copy changed: start the file over now */
        uint64_t retry_after;              /* seconds the server asked us to wait; UINT64_MAX if none */
        const char *protocol;              /* "http"/"https", NULL when not tied to one */
        const char *description;           /* for the error object; NULL on success */
} TransferOutcome;

/* Called by the transfer when it ends (implemented in scheduler.c). The file may still have bytes
 * to fetch (a ranged file has one request per range): the scheduler starts the next request. */
void transfer_finished(Manager *m, JobFile *f, const TransferOutcome *outcome);
