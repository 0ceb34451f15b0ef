/* variant.h (libdosvc, private): VARIANT values of the DO property methods
 * (IDeliveryOptimizationFile2, IDeliveryOptimizationJob2) to and from D-Bus variants.
 *
 * The mapping: VT_BSTR ↔ s, VT_BOOL ↔ b, VT_UI8 ↔ t, VT_UI4 ↔ u, VT_I4 → i (sent only; the daemon
 * answers E_INVALIDARG when a property wants another type). Nothing else crosses: an IUnknown or
 * SAFEARRAY cannot leave the process. */
#pragma once

#ifndef DOSVC_LIB_INTERNAL
#error "variant.h is private to src/lib (libdosvc)"
#endif

#include <systemd/sd-bus.h>
#include <deliveryoptimization.h>

/* Appends v as one D-Bus variant. -EINVAL for a type outside the mapping, a NULL BSTR or a VT_BOOL
 * that is neither VARIANT_TRUE nor VARIANT_FALSE. */
int variant_append(sd_bus_message *m, const VARIANT *v);

/* Reads one D-Bus variant (s, b, t or u) into *ret, which the caller VariantClear()s; -EBADMSG for
 * another type, -ENOMEM. *ret stays VT_EMPTY on failure. */
int variant_read(sd_bus_message *m, VARIANT *ret);
