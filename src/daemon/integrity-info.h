/* integrity-info.h: the value of DOFilePropertyId_IntegrityCheckInfo (spec §2.14), parsed into the
 * one integrity check dosvc performs: the SHA-256 of the whole local file.
 *
 * Accepted forms (ASCII, no surrounding spaces):
 *   "<64 hex digits>"                     the SHA-256 of the file
 *   "sha256:<64 hex digits>"              the same, prefix in any case
 *   {"Sha256": "<64 hex digits>"}         a JSON object with that one member (name in any case)
 * A JSON object naming DO's piece-hash file (PiecesHashFileUrl, PiecesHashFileDigest,
 * PiecesHashFileDigestAlgorithm, HashOfHashes) describes per-piece hashes that dosvc cannot fetch or
 * check: -EOPNOTSUPP (E_NOTIMPL to the client). Anything else: -EINVAL. Pure code (json-c for the
 * JSON form), unit-tested in tests/unit/test-integrity-info.c. */
#pragma once

#include <stdint.h>

#define INTEGRITY_INFO_MAX 4096u           /* bytes; longer values are refused (-E2BIG) */

/* 0 and the 32 digest bytes in ret_sha256; -EINVAL, -E2BIG, -EOPNOTSUPP, -ENOMEM. */
int integrity_info_parse(const char *s, uint8_t ret_sha256[static 32]);
