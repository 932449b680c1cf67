/*
 * Read-only inspection of the heap's structures, for the invariant checker
 * (hv/check) and white-box tests: they ask here instead of including the
 * heap's private free-list header, so the free-list representation can
 * change without touching them.  Caller holds heap_lock (asserted).
 */
#include <hv/config.h>
#include <hv/heap.h>

#include "freelist.h"
#include "offline_set.h"

uint8_t offline_flags_locked(const struct host *h, mfn_t mfn)
{
    const struct offline_entry *e;

    ASSERT_LOCKED(&h->heap_lock);
    e = offline_find(&h->offline, mfn);
    return e ? e->flags : 0;
}

int free_chunk_order_locked(const struct host *h, mfn_t mfn)
{
    const struct heap_node *hn;

    ASSERT_LOCKED(&h->heap_lock);
    if (mfn == 0 || mfn >= h->nr_frames)
        return -1;
    hn = &h->node[host_mfn_to_node(h, mfn)];
    for (unsigned int order = 0; order <= MAX_ORDER; order++) {
        if (mfn & (ORDER_PAGES(order) - 1))
            break;
        if (mfn + ORDER_PAGES(order) > hn->end)
            break;
        if (freelist_has(hn, mfn, order))
            return (int)order;
    }
    return -1;
}

bool heap_is_free_chunk_locked(const struct host *h, nodeid_t node, mfn_t mfn, unsigned int order)
{
    const struct heap_node *hn = &h->node[node];

    ASSERT_LOCKED(&h->heap_lock);
    ASSERT(mfn >= hn->start && mfn + ORDER_PAGES(order) <= hn->end);
    return freelist_has(hn, mfn, order);
}

mfn_t heap_next_free_chunk_locked(const struct host *h, nodeid_t node, unsigned int order,
                                  mfn_t from)
{
    const struct heap_node *hn = &h->node[node];
    const struct hbitmap *b = &hn->free[order];
    uint64_t base = hn->start >> order, i;

    ASSERT_LOCKED(&h->heap_lock);
    /* Chunks of this order start at multiples of 2^order: the first index
     * whose chunk starts at or after `from`.  Index 0 is included for any
     * `from` up to its start, so that the checker also sees a (corrupt)
     * bit for a chunk that would begin below the node. */
    i = from <= (base << order) ? 0 : ((from + ORDER_PAGES(order) - 1) >> order) - base;
    if (i >= b->nbits)
        return INVALID_MFN;
    i = hbitmap_find_next(b, i, b->nbits);
    return i < b->nbits ? (base + i) << order : INVALID_MFN;
}

bool heap_free_index_ok_locked(const struct host *h, nodeid_t node, unsigned int order)
{
    const struct hbitmap *b = &h->node[node].free[order];
    uint64_t floor = MIN(h->node[node].free_floor[order], b->nbits);

    ASSERT_LOCKED(&h->heap_lock);
    /* Merges clear free bits lazily (D99): stale summary bits are fine,
     * a missing one is not.  No bit lies below the search floor (D117). */
    return hbitmap_summaries_cover(b) && hbitmap_find_next(b, 0, floor) >= floor;
}
