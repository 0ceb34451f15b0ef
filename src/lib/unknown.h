/* unknown.h (libdosvc, private): IUnknown's three methods for the objects with one interface.
 *
 * An object that answers only IUnknown and one interface of its own (the error snapshot, the
 * enumerators) keeps a magic number and an atomic reference count in an UnknownRef; these helpers
 * are its QueryInterface, AddRef and Release, so that every such object follows the same rules. The
 * objects with several interfaces (job.c, file.c) pick the interface in QueryInterface themselves.
 *
 * QueryInterface and AddRef take the UnknownRef of the object behind `This`, or NULL when `This` was
 * NULL or (debug builds) carried another magic: then QueryInterface returns E_POINTER and AddRef 0,
 * touching nothing. Release needs the object, which its caller frees when the count reaches 0. */
#pragma once

#ifndef DOSVC_LIB_INTERNAL
#error "unknown.h is private to src/lib (libdosvc)"
#endif

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <deliveryoptimization.h>

#include "proxies.h"

typedef struct UnknownRef {
        uint32_t magic;                    /* MAGIC_*, 0 once the object is freed */
        atomic_uint n_ref;
} UnknownRef;

/* Stamps a new object: one reference, the caller's. */
static inline void unknown_ref_init(UnknownRef *u, uint32_t magic) {
        u->magic = magic;
        atomic_init(&u->n_ref, 1);
}

/* Whether u carries `magic` (always true in release builds, see proxy_magic_ok()). */
static inline bool unknown_ref_ok(const UnknownRef *u, uint32_t magic) {
        return proxy_magic_ok(u->magic, magic);
}

/* Hands out `self` (the object's interface pointer) with a new reference for IID_IUnknown and `iid`.
 * ppv NULL: E_POINTER; otherwise *ppv is set, NULL on any failure. */
static inline HRESULT unknown_query_interface(UnknownRef *u, void *self, const IID *iid, REFIID riid, void **ppv) {
        if (!ppv)
                return E_POINTER;
        *ppv = NULL;
        if (!u)
                return E_POINTER;
        if (!riid)
                return E_INVALIDARG;
        if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, iid))
                return E_NOINTERFACE;
        atomic_fetch_add_explicit(&u->n_ref, 1, memory_order_relaxed);
        *ppv = self;
        return S_OK;
}

/* Returns the new count (for debugging only, as COM says). */
static inline ULONG unknown_add_ref(UnknownRef *u) {
        return u ? atomic_fetch_add_explicit(&u->n_ref, 1, memory_order_relaxed) + 1 : 0;
}

/* Drops one reference and returns the count left: at 0 the caller frees the object. */
static inline ULONG unknown_release(UnknownRef *u) {
        return atomic_fetch_sub_explicit(&u->n_ref, 1, memory_order_acq_rel) - 1;
}
