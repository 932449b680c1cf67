/*
 * A domain's physmap (p2m): guest frame -> machine frame.
 *
 * A 4-level radix tree of 512-entry tables over a 36-bit guest frame space
 * (256 TiB of guest-physical address space).  A leaf may sit at level 2
 * (maps 1 GiB, order 18), level 1 (2 MiB, order 9) or level 0 (4 KiB), as
 * in a hardware page table, so a guest populated with superpages costs one
 * entry per superpage.  Unlike a hardware page table, a leaf maps its
 * guest frames to any run of machine frames, aligned or not: a range is
 * stored with the largest leaves that the alignment of its guest frames
 * allows, so an extent put at a guest frame misaligned to its machine
 * frame still costs a few entries per 2 MiB at most, not one per frame.
 * Removing part of a superpage splits ("shatters") that leaf into the
 * next level first.
 *
 * Not thread-safe: the domain's page_alloc_lock protects it.
 */
#ifndef HV_P2M_H
#define HV_P2M_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "types.h"

#define P2M_GFN_BITS   36
#define P2M_MAX_GFN    ((gfn_t)1 << P2M_GFN_BITS) /* exclusive */
#define P2M_LEVELS     4
#define P2M_TABLE_BITS 9

struct p2m {
    uint64_t *root;          /* top-level table, NULL while empty */
    unsigned long nr_pages;  /* frames mapped */
    unsigned long nr_leaves; /* leaf entries (of any order) */
    unsigned long nr_tables; /* tables allocated, root included */
    uint64_t *pool;          /* empty tables kept for reuse (p2m.c) */
    unsigned int nr_pool;
};

/*
 * Called once per stored leaf, in ascending gfn order: guest frames
 * [gfn, gfn + 2^order) (gfn aligned to 2^order) map to machine frames
 * [mfn, mfn + 2^order), where mfn need not be aligned.
 */
typedef void (*p2m_leaf_fn)(void *ctx, gfn_t gfn, mfn_t mfn, unsigned int order);

/*
 * Called once per run, in ascending gfn order: guest frames [gfn, gfn + nr)
 * map to machine frames [mfn, mfn + nr), nr >= 1, and the runs are
 * maximal -- consecutive leaves that follow each other in both frame
 * spaces are one run, whichever inserts made them.
 */
typedef void (*p2m_run_fn)(void *ctx, gfn_t gfn, mfn_t mfn, unsigned long nr);

void p2m_init(struct p2m *p);
/* Frees the tables (not the machine frames they map). */
void p2m_destroy(struct p2m *p);

/*
 * Map [gfn, gfn + 2^order) to [mfn, mfn + 2^order).  All or nothing:
 * -EINVAL if the range leaves the guest frame space or order > MAX_ORDER,
 * -EEXIST if any frame of the range is already mapped, -ENOMEM if a table
 * could not be allocated (then nothing changed).
 */
int p2m_insert(struct p2m *p, gfn_t gfn, mfn_t mfn, unsigned int order);
/*
 * p2m_insert() for a caller that has just seen p2m_range_unmapped() true
 * for the range, under the lock that keeps it so (the populate path checks
 * before allocating).  The range is not walked a second time; debug builds
 * still assert it.  -EINVAL and -ENOMEM as above.
 */
int p2m_insert_unmapped(struct p2m *p, gfn_t gfn, mfn_t mfn, unsigned int order);

/* The machine frame of gfn, or INVALID_MFN.  *leaf_order (if not NULL) gets
 * the order of the leaf holding it. */
mfn_t p2m_lookup(const struct p2m *p, gfn_t gfn, unsigned int *leaf_order);

/* True when every frame of [gfn, gfn + nr) is mapped (false if the range
 * leaves the guest frame space). */
bool p2m_range_mapped(const struct p2m *p, gfn_t gfn, unsigned long nr);

/*
 * Unmap [gfn, gfn + nr), which must be fully mapped (-ENOENT otherwise,
 * nothing changed).  Leaves partly inside the range are split first; if a
 * table for that cannot be allocated, -ENOMEM and nothing is unmapped (the
 * splits already made map the same frames).  fn (may be NULL) is called
 * for every run of frames removed, after they are unmapped, so the caller
 * can free them; it must not use the p2m.
 */
int p2m_remove(struct p2m *p, gfn_t gfn, unsigned long nr, p2m_run_fn fn, void *ctx);

/* True when no frame of [gfn, gfn + nr) is mapped (false if the range
 * leaves the guest frame space). */
bool p2m_range_unmapped(const struct p2m *p, gfn_t gfn, unsigned long nr);

/* Every leaf in ascending gfn order. */
void p2m_for_each(const struct p2m *p, p2m_leaf_fn fn, void *ctx);

/* Every run in ascending gfn order (the leaves joined as for p2m_remove). */
void p2m_for_each_run(const struct p2m *p, p2m_run_fn fn, void *ctx);

/* Bytes of table storage. */
size_t p2m_bytes(const struct p2m *p);

#endif /* HV_P2M_H */
