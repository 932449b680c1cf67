/*
 * Free-list primitives of the buddy heap.  Only freelist_add() and
 * freelist_rem() ever change a free list; they keep the bitmap, the chunk
 * counts and the zone's free-frame count in step.  The design-level
 * counters (node_avail_pages[], total_avail_pages) are the callers' to
 * update, in the same critical section, as in Xen.
 *
 * All of these expect heap_lock held.
 */
#ifndef HV_HEAP_FREELIST_H
#define HV_HEAP_FREELIST_H

#include <hv/config.h>
#include <hv/host.h>

static inline uint64_t freelist_index(const struct heap_node *hn, mfn_t mfn, unsigned int order)
{
    return (mfn >> order) - (hn->start >> order);
}

/* A free chunk of exactly this order starts at mfn (mfn inside the node). */
static inline bool freelist_has(const struct heap_node *hn, mfn_t mfn, unsigned int order)
{
    return hbitmap_test(&hn->free[order], freelist_index(hn, mfn, order));
}

/* The zone of a chunk head in the heap: frame 0 never is one, so no
 * test for zero (mfn_zone's) is needed. */
static inline unsigned int freelist_zone(mfn_t mfn)
{
    ASSERT(mfn != 0);
    return 64U - (unsigned int)__builtin_clzll(mfn);
}

/* Set the bit of a chunk of `order` at index i of free[order], keeping
 * the search floor below it.  Every free bit is set here. */
static inline void freelist_mark(struct heap_node *hn, unsigned int order, uint64_t i)
{
    hbitmap_set(&hn->free[order], i);
    if (i < hn->free_floor[order])
        hn->free_floor[order] = i;
}

/*
 * Add or remove a free chunk.  Inline, like the bitmap operations they
 * wrap.  Splits and merges do not come through here: they cross many
 * orders of one zone and keep the zone's counters once (below).
 */
static inline void freelist_add(struct heap_node *hn, mfn_t mfn, unsigned int order)
{
    unsigned int zone = freelist_zone(mfn);

    ASSERT(order <= MAX_ORDER && !(mfn & (ORDER_PAGES(order) - 1)));
    ASSERT(mfn >= hn->start && mfn + ORDER_PAGES(order) <= hn->end);
    ASSERT(zone == mfn_zone(mfn + ORDER_PAGES(order) - 1));
    ASSERT(!freelist_has(hn, mfn, order));

    freelist_mark(hn, order, freelist_index(hn, mfn, order));
    hn->nr_chunks[zone][order]++;
    hn->order_mask[zone] |= 1U << order;
    hn->zone_mask |= 1ULL << zone;
    hn->zone_avail[zone] += ORDER_PAGES(order);
}

static inline void freelist_rem(struct heap_node *hn, mfn_t mfn, unsigned int order)
{
    unsigned int zone = freelist_zone(mfn);

    ASSERT(freelist_has(hn, mfn, order));
    ASSERT(hn->nr_chunks[zone][order] > 0 && hn->zone_avail[zone] >= ORDER_PAGES(order));

    hbitmap_clear(&hn->free[order], freelist_index(hn, mfn, order));
    /* The order's last chunk in the zone may be the zone's last. */
    if (!--hn->nr_chunks[zone][order] && !(hn->order_mask[zone] &= ~(1U << order)))
        hn->zone_mask &= ~(1ULL << zone);
    hn->zone_avail[zone] -= ORDER_PAGES(order);
}

/*
 * Split the free chunk of order `from` at mfn, already taken off its
 * list with freelist_rem(), down to `order`: the lower half of each step
 * goes back on the lists and the top chunk of `order` is returned (Xen
 * hands out the top).  Every piece lies in the chunk's zone, so the zone
 * and its counters are worked out once, not per step; after the split
 * every order in [order, from) has a chunk in the zone.
 */
static inline mfn_t freelist_split(struct heap_node *hn, mfn_t mfn, unsigned int from,
                                   unsigned int order)
{
    unsigned int zone;
    unsigned long *nr_chunks;
    mfn_t start = hn->start;

    ASSERT(order <= from && from <= MAX_ORDER);
    if (from == order)
        return mfn;
    zone = freelist_zone(mfn);
    nr_chunks = hn->nr_chunks[zone];
    if (from <= hn->aligned_order) {
        /* start is a multiple of every 2^j here: offsets index the lists
         * (the usual case, as in heap_free_chunk_locked()'s merge). */
        mfn_t off = mfn - start;

        for (unsigned int j = from; j-- > order;) {
            ASSERT(!freelist_has(hn, start + off, j));
            freelist_mark(hn, j, off >> j);
            nr_chunks[j]++;
            off += ORDER_PAGES(j);
        }
        mfn = start + off;
    } else {
        for (unsigned int j = from; j-- > order;) {
            ASSERT(!freelist_has(hn, mfn, j));
            freelist_mark(hn, j, (mfn >> j) - (start >> j));
            nr_chunks[j]++;
            mfn += ORDER_PAGES(j);
        }
    }
    hn->order_mask[zone] |= (1U << from) - (1U << order);
    hn->zone_mask |= 1ULL << zone;
    hn->zone_avail[zone] += ORDER_PAGES(from) - ORDER_PAGES(order);
    return mfn;
}

/* The lowest free chunk of exactly `order` in `zone` of the node, or
 * INVALID_MFN.  Drops the stale summary bits it meets (merges clear
 * chunk bits lazily, D99). */
mfn_t freelist_find(struct heap_node *hn, unsigned int zone, unsigned int order);

/* The free chunk containing mfn: its head in *head and order returned, or
 * -1 when mfn is not free. */
int freelist_chunk_of(const struct heap_node *hn, mfn_t mfn, mfn_t *head);

/*
 * Put [mfn, mfn + 2^order) back: owner FREE, dirty bits set or cleared,
 * node/host available counters raised, merged with free buddies inside
 * the node.  The frames must not be free or offlined already.
 */
void heap_free_chunk_locked(struct host *h, nodeid_t node, mfn_t mfn, unsigned int order,
                            bool need_scrub);

/* Set the owner code of a range of frames (owner.c: whole 2 MiB blocks
 * as one record each, D106). */
void frames_set_owner_locked(struct host *h, mfn_t mfn, unsigned long nr, owner_t owner);

#endif /* HV_HEAP_FREELIST_H */
