/* variant.c (libdosvc): VARIANT ↔ D-Bus variant (see variant.h). */
#include <errno.h>

#include "util.h"
#include "variant.h"

int variant_append(sd_bus_message *m, const VARIANT *v) {
        switch (V_VT(v)) {
        case VT_BSTR:
                if (!V_BSTR(v))
                        return -EINVAL;
                return sd_bus_message_append(m, "v", "s", V_BSTR(v));
        case VT_BOOL:
                if (V_BOOL(v) != VARIANT_TRUE && V_BOOL(v) != VARIANT_FALSE)
                        return -EINVAL;
                return sd_bus_message_append(m, "v", "b", (int) (V_BOOL(v) == VARIANT_TRUE));
        case VT_UI8:
                return sd_bus_message_append(m, "v", "t", (uint64_t) V_UI8(v));
        case VT_UI4:
                return sd_bus_message_append(m, "v", "u", (uint32_t) V_UI4(v));
        case VT_I4:
                return sd_bus_message_append(m, "v", "i", (int32_t) V_I4(v));
        default:
                return -EINVAL;
        }
}

int variant_read(sd_bus_message *m, VARIANT *ret) {
        const char *contents, *s;
        char type;
        uint64_t t;
        uint32_t u;
        int b, r;
        BSTR copy;

        VariantInit(ret);
        r = sd_bus_message_peek_type(m, &type, &contents);
        if (r < 0)
                return r;
        if (r == 0 || type != 'v' || !contents || !contents[0] || contents[1])
                return -EBADMSG;
        r = sd_bus_message_enter_container(m, 'v', contents);
        if (r < 0)
                return r;

        switch (contents[0]) {
        case 's':
                r = sd_bus_message_read_basic(m, 's', &s);
                if (r < 0)
                        return r;
                copy = SysAllocString(s);
                if (!copy)
                        return -ENOMEM;
                V_VT(ret) = VT_BSTR;
                V_BSTR(ret) = copy;
                break;
        case 'b':
                r = sd_bus_message_read_basic(m, 'b', &b);
                if (r < 0)
                        return r;
                V_VT(ret) = VT_BOOL;
                V_BOOL(ret) = b ? VARIANT_TRUE : VARIANT_FALSE;
                break;
        case 't':
                r = sd_bus_message_read_basic(m, 't', &t);
                if (r < 0)
                        return r;
                V_VT(ret) = VT_UI8;
                V_UI8(ret) = t;
                break;
        case 'u':
                r = sd_bus_message_read_basic(m, 'u', &u);
                if (r < 0)
                        return r;
                V_VT(ret) = VT_UI4;
                V_UI4(ret) = u;
                break;
        default:
                return -EBADMSG;
        }

        r = sd_bus_message_exit_container(m);
        if (r < 0) {
                (void) VariantClear(ret);
                return r;
        }
        return 0;
}
