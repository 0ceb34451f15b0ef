/* ranges.c: validation and bookkeeping of ranged files (see ranges.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "ranges.h"

static int compare_offsets(const void *a, const void *b) {
        const BG_FILE_RANGE *x = a, *y = b;

        return x->InitialOffset < y->InitialOffset ? -1 : x->InitialOffset > y->InitialOffset;
}

HRESULT ranges_validate(const BG_FILE_RANGE *ranges, size_t n) {
        _cleanup_free_ BG_FILE_RANGE *sorted = NULL;

        if (n == 0)
                return S_OK;
        if (!ranges)
                return E_INVALIDARG;
        if (n > LIMIT_RANGES_PER_FILE_CEILING)   /* the configured limit is queue.c's */
                return BG_E_TOO_MANY_RANGES_IN_FILE;

        for (size_t i = 0; i < n; i++) {
                if (ranges[i].InitialOffset == BG_LENGTH_TO_EOF)
                        return DO_E_INVALID_RANGE;
                if (ranges[i].Length != BG_LENGTH_TO_EOF && ranges[i].Length > UINT64_MAX - ranges[i].InitialOffset)
                        return DO_E_INVALID_RANGE;
        }

        sorted = malloc(n * sizeof *sorted);
        if (!sorted)
                return E_OUTOFMEMORY;
        memcpy(sorted, ranges, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, compare_offsets);
        for (size_t i = 1; i < n; i++) {
                const BG_FILE_RANGE *a = &sorted[i - 1], *b = &sorted[i];

                if (a->InitialOffset == b->InitialOffset || a->Length == BG_LENGTH_TO_EOF ||
                    a->InitialOffset + a->Length > b->InitialOffset)
                        return DO_E_OVERLAPPING_RANGES;
        }

        for (size_t i = 0; i < n; i++)
                if (ranges[i].Length == 0)
                        return DO_E_INVALID_RANGE;
        return S_OK;
}

uint64_t range_length(const BG_FILE_RANGE *r, uint64_t remote_size) {
        if (r->Length != BG_LENGTH_TO_EOF)
                return r->Length;
        if (remote_size == BG_SIZE_UNKNOWN)
                return UINT64_MAX;
        return remote_size > r->InitialOffset ? remote_size - r->InitialOffset : 0;
}

uint64_t ranges_total(const BG_FILE_RANGE *ranges, size_t n, uint64_t remote_size) {
        uint64_t total = 0;

        for (size_t i = 0; i < n; i++) {
                uint64_t l = range_length(&ranges[i], remote_size);

                if (l == UINT64_MAX || l > UINT64_MAX - 1 - total)
                        return UINT64_MAX;
                total += l;
        }
        return total;
}

int ranges_locate(const BG_FILE_RANGE *ranges, size_t n, uint64_t remote_size, uint64_t written,
                  size_t *ret_index, uint64_t *ret_remote_offset, uint64_t *ret_left) {
        uint64_t before = 0;

        for (size_t i = 0; i < n; i++) {
                const BG_FILE_RANGE *r = &ranges[i];
                uint64_t l = range_length(r, remote_size);

                /* A range outside a file of known size can never be served. */
                if (remote_size != BG_SIZE_UNKNOWN &&
                    (r->InitialOffset >= remote_size ||
                     (r->Length != BG_LENGTH_TO_EOF && r->InitialOffset + r->Length > remote_size)))
                        return -ERANGE;

                if (l != UINT64_MAX && written >= before + l) {
                        before += l;
                        continue;
                }
                *ret_index = i;
                *ret_remote_offset = r->InitialOffset + (written - before);
                *ret_left = l == UINT64_MAX ? UINT64_MAX : l - (written - before);
                return 0;
        }
        return -ENOENT;
}
