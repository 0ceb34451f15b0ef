/* integrity-info.c: parsing DOFilePropertyId_IntegrityCheckInfo (see integrity-info.h).
 *
 * The JSON form goes through json-c in strict mode over the whole string, with a small nesting
 * limit: the value comes from any client, and only a flat object is meaningful. */
#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "integrity-info.h"
#include "macro.h"

#define INTEGRITY_JSON_DEPTH 4

static int hex_value(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* Exactly 64 hex digits, nothing else. */
static int parse_sha256_hex(const char *s, uint8_t ret[static 32]) {
        uint8_t d[32];

        if (strlen(s) != 64)
                return -EINVAL;
        for (size_t i = 0; i < 32; i++) {
                int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);

                if (hi < 0 || lo < 0)
                        return -EINVAL;
                d[i] = (uint8_t) (hi << 4 | lo);
        }
        memcpy(ret, d, sizeof d);
        return 0;
}

static bool is_piece_hash_key(const char *key) {
        static const char *const keys[] = {
                "PiecesHashFileUrl", "PiecesHashFileDigest", "PiecesHashFileDigestAlgorithm", "HashOfHashes",
        };

        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (strcasecmp(key, keys[i]) == 0)
                        return true;
        return false;
}

static int parse_json(const char *s, size_t len, uint8_t ret[static 32]) {
        struct json_tokener *tok;
        struct json_object *o;
        bool have_sha = false, pieces = false, unknown = false;
        uint8_t d[32];
        int r = 0;

        tok = json_tokener_new_ex(INTEGRITY_JSON_DEPTH);
        if (!tok)
                return -ENOMEM;
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        o = json_tokener_parse_ex(tok, s, (int) len);
        if (!o || json_tokener_get_error(tok) != json_tokener_success || json_tokener_get_parse_end(tok) != len ||
            !json_object_is_type(o, json_type_object)) {
                r = -EINVAL;
                goto out;
        }

        json_object_object_foreach(o, key, value) {
                if (is_piece_hash_key(key))
                        pieces = true;
                else if (strcasecmp(key, "Sha256") == 0) {
                        if (!json_object_is_type(value, json_type_string) ||
                            parse_sha256_hex(json_object_get_string(value), d) < 0)
                                unknown = true;    /* a malformed digest is as bad as a stray key */
                        else
                                have_sha = true;
                } else
                        unknown = true;
        }
        /* Piece hashes win: the caller asked for something we do not do, whatever else is there. */
        if (pieces)
                r = -EOPNOTSUPP;
        else if (unknown || !have_sha)
                r = -EINVAL;
        else
                memcpy(ret, d, sizeof d);
out:
        json_object_put(o);
        json_tokener_free(tok);
        return r;
}

int integrity_info_parse(const char *s, uint8_t ret_sha256[static 32]) {
        size_t len;

        if (!s)
                return -EINVAL;
        len = strlen(s);
        if (len > INTEGRITY_INFO_MAX)
                return -E2BIG;
        if (s[0] == '{')
                return parse_json(s, len, ret_sha256);
        if (strncasecmp(s, "sha256:", 7) == 0)
                s += 7;
        return parse_sha256_hex(s, ret_sha256);
}
