/* enum-files.c (libdosvc): IEnumBackgroundCopyFiles over a snapshot of a job's files.
 *
 * The snapshot is the list of file indices the daemon returned from GetFiles when EnumFiles was
 * called; the file objects handed out are live proxies (file.c). Positions, clones and the rules of
 * Next/Skip/Clone/GetCount (spec §2.7) are the generic enumerator's (enum-snapshot.c); this file only
 * says what an item is. */
#include <stdlib.h>
#include <string.h>

#include "enum-snapshot.h"
#include "proxies.h"

typedef struct FileItems {
        DoJob *job;                        /* one reference; NULL only when there are no indices */
        uint32_t indices[];
} FileItems;

static HRESULT file_item_new(const void *items, size_t index, IUnknown **ret) {
        const FileItems *f = items;

        return file_proxy_new(f->job, f->indices[index], (IBackgroundCopyFile **) ret);
}

static void file_items_free(void *items, size_t n) {
        FileItems *f = items;

        if (f)
                (void) job_proxy_unref(f->job);
        free(f);
}

ENUM_SNAPSHOT_DEFINE_TYPE(enum_files, IEnumBackgroundCopyFiles, IBackgroundCopyFile, MAGIC_ENUM_FILE,
                          file_item_new, file_items_free);

HRESULT enum_files_new(DoJob *j, const uint32_t *indices, size_t n, IEnumBackgroundCopyFiles **ret) {
        FileItems *items;

        if (!j && n > 0)
                return E_INVALIDARG;
        if (n > (SIZE_MAX - sizeof(FileItems)) / sizeof(uint32_t))
                return E_OUTOFMEMORY;
        items = calloc(1, sizeof(FileItems) + n * sizeof(uint32_t));
        if (!items)
                return E_OUTOFMEMORY;
        items->job = j ? job_proxy_ref(j) : NULL;
        if (n > 0)
                memcpy(items->indices, indices, n * sizeof(uint32_t));

        return enum_snapshot_new(&enum_files_type, items, n, (IUnknown **) ret);
}
