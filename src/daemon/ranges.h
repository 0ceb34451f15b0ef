/* ranges.h: byte ranges of a file added with AddFileWithRanges (spec §2.11, behaviours 61–71).
 *
 * The local file holds the requested ranges back to back in the order given; a range of length
 * BG_LENGTH_TO_EOF runs to the end of the remote file, whose size we learn from the server. Pure
 * code, unit-tested in tests/unit/test-ranges.c. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <deliveryoptimization.h>

#include "job.h"

/* S_OK, or: DO_E_INVALID_RANGE (InitialOffset == BG_LENGTH_TO_EOF, Length 0, offset + length
 * overflowing), DO_E_OVERLAPPING_RANGES (duplicates or overlaps, checked on the ranges sorted by
 * offset, so two ranges at one offset overlap whatever their lengths), BG_E_TOO_MANY_RANGES_IN_FILE
 * (more than LIMIT_RANGES_PER_FILE_CEILING; queue.c checks the configured limit first). Overlaps are reported before zero lengths, as DO's own example
 * {100,5},{100,0} expects. */
HRESULT ranges_validate(const BG_FILE_RANGE *ranges, size_t n);

/* Bytes the range selects: Length, or remote_size - InitialOffset for BG_LENGTH_TO_EOF; UINT64_MAX
 * while that depends on an unknown remote size; 0 when the range starts past a known end. */
uint64_t range_length(const BG_FILE_RANGE *range, uint64_t remote_size);
/* Sum of range_length(), UINT64_MAX when any is unknown. */
uint64_t ranges_total(const BG_FILE_RANGE *ranges, size_t n, uint64_t remote_size);

/* Where the local file's byte `written` comes from: the range index, the remote offset, and the
 * bytes left in that range (UINT64_MAX when unknown). -ENOENT when every range is complete,
 * -ERANGE when a range lies outside the known remote file (DO_E_INVALID_RANGE). */
int ranges_locate(const BG_FILE_RANGE *ranges, size_t n, uint64_t remote_size, uint64_t written,
                  size_t *ret_index, uint64_t *ret_remote_offset, uint64_t *ret_left);
