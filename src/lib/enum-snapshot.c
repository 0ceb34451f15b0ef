/* enum-snapshot.c (libdosvc): the enumerator of enum-snapshot.h, a position over a shared snapshot.
 *
 * The snapshot (the items and their count) is immutable and reference-counted: an enumerator and its
 * clones share it, and the last one to go frees the items through the type. Each enumerator has its
 * own position under its own mutex. Items become objects only in Next, one fresh object per item
 * handed out, so that what a caller gets reports live values and is its alone (Release → 0). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "enum-snapshot.h"
#include "proxies.h"
#include "unknown.h"
#include "util.h"

typedef struct Snapshot {
        atomic_uint n_ref;
        const EnumSnapshotType *type;
        size_t n;
        void *items;                       /* the type's, freed by type->items_free */
} Snapshot;

typedef struct EnumSnapshot {
        IUnknown iface;                    /* the typed interface: lpVtbl is type->vtbl */
        UnknownRef ref;
        Snapshot *snapshot;                /* one reference */
        pthread_mutex_t lock;              /* guards pos */
        size_t pos;
} EnumSnapshot;

static Snapshot *snapshot_unref(Snapshot *s) {
        if (s && atomic_fetch_sub_explicit(&s->n_ref, 1, memory_order_acq_rel) == 1) {
                s->type->items_free(s->items, s->n);
                free(s);
        }
        return NULL;
}

static HRESULT enum_new_from_snapshot(Snapshot *s, size_t pos, IUnknown **ret) {
        EnumSnapshot *e;

        e = calloc(1, sizeof(*e));
        if (!e)
                return E_OUTOFMEMORY;
        e->iface.lpVtbl = s->type->vtbl;
        unknown_ref_init(&e->ref, s->type->magic);
        atomic_fetch_add_explicit(&s->n_ref, 1, memory_order_relaxed);
        e->snapshot = s;
        e->pos = pos;
        (void) pthread_mutex_init(&e->lock, NULL);
        *ret = &e->iface;
        return S_OK;
}

HRESULT enum_snapshot_new(const EnumSnapshotType *type, void *items, size_t n, IUnknown **ret) {
        Snapshot *s;
        HRESULT hr;

        s = calloc(1, sizeof(*s));
        if (!s) {
                type->items_free(items, n);
                return E_OUTOFMEMORY;
        }
        atomic_init(&s->n_ref, 1);
        s->type = type;
        s->n = n;
        s->items = items;

        hr = enum_new_from_snapshot(s, 0, ret);
        (void) snapshot_unref(s);          /* the enumerator holds its own reference */
        return hr;
}

static EnumSnapshot *enum_from_this(IUnknown *This, uint32_t magic) {
        EnumSnapshot *e;

        if (!This)
                return NULL;
        e = container_of(This, EnumSnapshot, iface);
        return unknown_ref_ok(&e->ref, magic) ? e : NULL;
}

HRESULT enum_snapshot_query_interface(IUnknown *This, uint32_t magic, REFIID riid, void **ppv) {
        EnumSnapshot *e = enum_from_this(This, magic);

        return unknown_query_interface(e ? &e->ref : NULL, This, e ? e->snapshot->type->iid : NULL, riid, ppv);
}

ULONG enum_snapshot_add_ref(IUnknown *This, uint32_t magic) {
        EnumSnapshot *e = enum_from_this(This, magic);

        return unknown_add_ref(e ? &e->ref : NULL);
}

ULONG enum_snapshot_release(IUnknown *This, uint32_t magic) {
        EnumSnapshot *e = enum_from_this(This, magic);
        ULONG n;

        if (!e)
                return 0;
        n = unknown_release(&e->ref);
        if (n == 0) {
                e->snapshot = snapshot_unref(e->snapshot);
                (void) pthread_mutex_destroy(&e->lock);
                e->ref.magic = 0;
                free(e);
        }
        return n;
}

HRESULT enum_snapshot_next(IUnknown *This, uint32_t magic, ULONG celt, IUnknown **rgelt, ULONG *pceltFetched) {
        EnumSnapshot *e = enum_from_this(This, magic);
        const Snapshot *s;
        HRESULT hr = S_OK;
        size_t k;

        if (!e)
                return E_POINTER;
        if (!rgelt || (!pceltFetched && celt != 1))
                return E_INVALIDARG;

        s = e->snapshot;
        (void) pthread_mutex_lock(&e->lock);
        k = MIN((size_t) celt, s->n - e->pos);
        for (size_t i = 0; i < k; i++) {
                hr = s->type->item_new(s->items, e->pos + i, &rgelt[i]);
                if (FAILED(hr)) {
                        /* all or nothing: give back what was made, keep the position. Every
                         * interface starts with IUnknown's methods, so Release works on any item. */
                        while (i > 0) {
                                i--;
                                rgelt[i]->lpVtbl->Release(rgelt[i]);
                                rgelt[i] = NULL;
                        }
                        k = 0;
                        break;
                }
        }
        e->pos += k;
        (void) pthread_mutex_unlock(&e->lock);

        if (pceltFetched)
                *pceltFetched = (ULONG) k;
        if (FAILED(hr))
                return hr;
        return k == celt ? S_OK : S_FALSE;
}

HRESULT enum_snapshot_skip(IUnknown *This, uint32_t magic, ULONG celt) {
        EnumSnapshot *e = enum_from_this(This, magic);
        HRESULT hr;

        if (!e)
                return E_POINTER;
        (void) pthread_mutex_lock(&e->lock);
        if ((size_t) celt > e->snapshot->n - e->pos) {
                e->pos = e->snapshot->n;
                hr = S_FALSE;
        } else {
                e->pos += celt;
                hr = S_OK;
        }
        (void) pthread_mutex_unlock(&e->lock);
        return hr;
}

HRESULT enum_snapshot_reset(IUnknown *This, uint32_t magic) {
        EnumSnapshot *e = enum_from_this(This, magic);

        if (!e)
                return E_POINTER;
        (void) pthread_mutex_lock(&e->lock);
        e->pos = 0;
        (void) pthread_mutex_unlock(&e->lock);
        return S_OK;
}

HRESULT enum_snapshot_clone(IUnknown *This, uint32_t magic, IUnknown **ppenum) {
        EnumSnapshot *e = enum_from_this(This, magic);
        size_t pos;

        if (!e)
                return E_POINTER;
        if (!ppenum)
                return E_INVALIDARG;
        *ppenum = NULL;
        (void) pthread_mutex_lock(&e->lock);
        pos = e->pos;
        (void) pthread_mutex_unlock(&e->lock);
        return enum_new_from_snapshot(e->snapshot, pos, ppenum);
}

HRESULT enum_snapshot_get_count(IUnknown *This, uint32_t magic, ULONG *puCount) {
        EnumSnapshot *e = enum_from_this(This, magic);

        if (!e)
                return E_POINTER;
        if (!puCount)
                return E_INVALIDARG;
        *puCount = (ULONG) e->snapshot->n;
        return S_OK;
}
