/* enum-snapshot.h (libdosvc, private): the one enumerator behind IEnumBackgroundCopyFiles and
 * IEnumBackgroundCopyJobs.
 *
 * Both are the same object: a position over an immutable snapshot of items, shared between an
 * enumerator and its clones. What differs is described by an EnumSnapshotType (its magic, its IID, its
 * vtable, how one item becomes the object Next hands out, how the items are freed) and by the typed
 * vtable, whose methods ENUM_SNAPSHOT_DEFINE_TYPE() makes as one-line calls of the generic ones below.
 *
 * Rules (spec §2.7, §2.8): Next returns S_OK when celt items were returned, S_FALSE when fewer, and is
 * all or nothing on failure; pceltFetched may be NULL only when celt is 1; Skip returns S_FALSE when
 * fewer than celt items remained and then stops past the last one; Clone copies the position;
 * GetCount is the snapshot's size. Each enumerator guards its position with its own mutex, so that
 * Next/Skip from several threads never hand out one item twice. */
#pragma once

#ifndef DOSVC_LIB_INTERNAL
#error "enum-snapshot.h is private to src/lib (libdosvc)"
#endif

#include <stddef.h>
#include <stdint.h>
#include <deliveryoptimization.h>

typedef struct EnumSnapshotType {
        uint32_t magic;                    /* MAGIC_ENUM_*, checked on every call */
        const IID *iid;                    /* answered by QueryInterface, besides IUnknown */
        const void *vtbl;                  /* the typed vtable (ENUM_SNAPSHOT_DEFINE_TYPE) */
        /* The object for item `index` of `items`: one new reference into *ret (S_OK), or a failure. */
        HRESULT (*item_new)(const void *items, size_t index, IUnknown **ret);
        /* Frees `items` (n of them; items may be NULL) when the last enumerator sharing them goes. */
        void (*items_free)(void *items, size_t n);
} EnumSnapshotType;

/* A new enumerator at position 0 over the n items of `items`, which it takes over, also on failure
 * (they are then freed with type->items_free). *ret is the typed interface pointer, seen as IUnknown.
 * S_OK or E_OUTOFMEMORY. */
HRESULT enum_snapshot_new(const EnumSnapshotType *type, void *items, size_t n, IUnknown **ret);

/* The methods: `This` is the typed interface pointer, `magic` the type's (a `This` of another kind is
 * E_POINTER, or 0 for AddRef/Release, in debug builds). rgelt and ppenum are arrays/pointers of the
 * typed item and enumerator interfaces, seen as IUnknown. */
HRESULT enum_snapshot_query_interface(IUnknown *This, uint32_t magic, REFIID riid, void **ppv);
ULONG enum_snapshot_add_ref(IUnknown *This, uint32_t magic);
ULONG enum_snapshot_release(IUnknown *This, uint32_t magic);
HRESULT enum_snapshot_next(IUnknown *This, uint32_t magic, ULONG celt, IUnknown **rgelt, ULONG *pceltFetched);
HRESULT enum_snapshot_skip(IUnknown *This, uint32_t magic, ULONG celt);
HRESULT enum_snapshot_reset(IUnknown *This, uint32_t magic);
HRESULT enum_snapshot_clone(IUnknown *This, uint32_t magic, IUnknown **ppenum);
HRESULT enum_snapshot_get_count(IUnknown *This, uint32_t magic, ULONG *puCount);

/* Defines `static const EnumSnapshotType <name>_type` for the interface Enum (IEnumBackgroundCopyFiles,
 * answered for IID_<Enum>) over Item (IBackgroundCopyFile), with its vtable: typed methods that call the
 * generic ones. Every COM interface starts with IUnknown's vtable, so a typed interface pointer is also
 * an IUnknown pointer (and the build has -fno-strict-aliasing). */
#define ENUM_SNAPSHOT_DEFINE_TYPE(name, Enum, Item, magic_, item_new_, items_free_)                      \
        static HRESULT name##_QueryInterface(Enum *This, REFIID riid, void **ppv) {                      \
                return enum_snapshot_query_interface((IUnknown *) This, (magic_), riid, ppv);            \
        }                                                                                                \
        static ULONG name##_AddRef(Enum *This) {                                                         \
                return enum_snapshot_add_ref((IUnknown *) This, (magic_));                               \
        }                                                                                                \
        static ULONG name##_Release(Enum *This) {                                                        \
                return enum_snapshot_release((IUnknown *) This, (magic_));                               \
        }                                                                                                \
        static HRESULT name##_Next(Enum *This, ULONG celt, Item **rgelt, ULONG *pceltFetched) {          \
                return enum_snapshot_next((IUnknown *) This, (magic_), celt, (IUnknown **) rgelt,        \
                                          pceltFetched);                                                 \
        }                                                                                                \
        static HRESULT name##_Skip(Enum *This, ULONG celt) {                                             \
                return enum_snapshot_skip((IUnknown *) This, (magic_), celt);                            \
        }                                                                                                \
        static HRESULT name##_Reset(Enum *This) {                                                        \
                return enum_snapshot_reset((IUnknown *) This, (magic_));                                 \
        }                                                                                                \
        static HRESULT name##_Clone(Enum *This, Enum **ppenum) {                                         \
                return enum_snapshot_clone((IUnknown *) This, (magic_), (IUnknown **) ppenum);           \
        }                                                                                                \
        static HRESULT name##_GetCount(Enum *This, ULONG *puCount) {                                     \
                return enum_snapshot_get_count((IUnknown *) This, (magic_), puCount);                    \
        }                                                                                                \
        static const Enum##Vtbl name##_vtbl = {                                                          \
                .QueryInterface = name##_QueryInterface,                                                 \
                .AddRef = name##_AddRef,                                                                 \
                .Release = name##_Release,                                                               \
                .Next = name##_Next,                                                                     \
                .Skip = name##_Skip,                                                                     \
                .Reset = name##_Reset,                                                                   \
                .Clone = name##_Clone,                                                                   \
                .GetCount = name##_GetCount,                                                             \
        };                                                                                               \
        static const EnumSnapshotType name##_type = {                                                    \
                .magic = (magic_),                                                                       \
                .iid = &IID_##Enum,                                                                      \
                .vtbl = &name##_vtbl,                                                                    \
                .item_new = (item_new_),                                                                 \
                .items_free = (items_free_),                                                             \
        }
