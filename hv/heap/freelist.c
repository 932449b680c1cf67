/*
 * The buddy heap's free lists: one hierarchical bitmap per node and order
 * marking where free chunks start, plus per-zone counts that let the
 * allocator skip empty zones and orders without touching a bitmap.
 */
#include <hv/config.h>
#include <hv/heap.h>

#include "freelist.h"

/* Zone z holds frames [2^(z-1), 2^z); zone 0 only frame 0. */
static mfn_t zone_first_mfn(unsigned int zone)
{
    return zone ? (mfn_t)1 << (zone - 1) : 0;
}

static mfn_t zone_end_mfn(unsigned int zone)
{
    return (mfn_t)1 << zone;
}

mfn_t freelist_find(struct heap_node *hn, unsigned int zone, unsigned int order)
{
    mfn_t lo = MAX(hn->start, zone_first_mfn(zone));
    mfn_t hi = MIN(hn->end, zone_end_mfn(zone));
    uint64_t base = hn->start >> order;
    uint64_t from, to, idx, first, *floor;

    if (lo >= hi || !(hn->order_mask[zone] & (1U << order)))
        return INVALID_MFN;
    /* Chunk heads are aligned, so the candidates are the aligned frames in
     * [lo, hi); every chunk starting there lies wholly in the zone. */
    from = ((lo + ORDER_PAGES(order) - 1) >> order) - base;
    to = ((hi + ORDER_PAGES(order) - 1) >> order) - base;
    to = MIN(to, hn->free[order].nbits);
    /* Nothing is free below the floor: start there.  A search from the
     * floor moves it up to what it finds (or to `to`, having found
     * nothing below). */
    floor = &hn->free_floor[order];
    if (from <= *floor)
        from = *floor;
    else
        floor = NULL;
    if (from >= to)
        return INVALID_MFN;
    /* The first word usually has the chunk (pairs take and give back the
     * lowest one): its lowest set bit at or after `from` is then what the
     * search would return, having stepped over no stale bit to clean. */
    first = hn->free[order].level[0][from >> 6] & (~0ULL << (from & 63));
    if (first)
        idx = MIN((from & ~63ULL) + (uint64_t)__builtin_ctzll(first), to);
    else
        idx = hbitmap_find_next_clean(&hn->free[order], from, to);
    if (floor)
        *floor = idx;
    return idx < to ? (idx + base) << order : INVALID_MFN;
}

int freelist_chunk_of(const struct heap_node *hn, mfn_t mfn, mfn_t *head)
{
    for (unsigned int order = 0; order <= MAX_ORDER; order++) {
        mfn_t start = mfn & ~(mfn_t)(ORDER_PAGES(order) - 1);

        if (start < hn->start)
            break;
        if (freelist_has(hn, start, order)) {
            *head = start;
            return (int)order;
        }
    }
    return -1;
}

void heap_free_chunk_locked(struct host *h, nodeid_t node, mfn_t mfn, unsigned int order,
                            bool need_scrub)
{
    struct heap_node *hn = &h->node[node];
    unsigned long nr = ORDER_PAGES(order), *nr_chunks;
    mfn_t start = hn->start, end = hn->end;
    unsigned int zone;
    uint32_t mask;

    ASSERT_LOCKED(&h->heap_lock);
    frames_set_owner_locked(h, mfn, nr, OWNER_FREE);

    /* Dirty state is per frame and survives merging and splitting, so the
     * count of dirty free frames only changes where frames enter or leave
     * the free pool.  Frames coming back were allocated, and allocated
     * frames are never counted in node_need_scrub. */
    if (need_scrub) {
        hbitmap_set_range(&h->dirty, mfn, nr);
        h->node_need_scrub[node] += nr;
    } else {
        hbitmap_clear_range(&h->dirty, mfn, nr);
    }

    h->node_avail_pages[node] += nr;
    h->total_avail_pages += nr;

    /* Merge with the buddy while it is a free chunk of the same order in
     * this node; the merged chunk then stays in the node and the zone
     * (frame 0 is never free), so the zone's counters are kept once:
     * the chunk that goes on a list holds the buddies taken off plus the
     * nr frames given back. */
    zone = freelist_zone(mfn);
    nr_chunks = hn->nr_chunks[zone];
    mask = hn->order_mask[zone];
    /* Below the node's aligned order the buddy needs no bounds check and
     * its index is its offset from start, shifted: the short loop. */
    if (order < hn->aligned_order) {
        mfn_t off = mfn - start;

        do {
            mfn_t bit = ORDER_PAGES(order);

            if (!hbitmap_test_and_clear_lazy(&hn->free[order], (off ^ bit) >> order)) {
                mfn = start + off;
                goto merged;
            }
            ASSERT(nr_chunks[order] > 0);
            if (!--nr_chunks[order])
                mask &= ~(1U << order);
            off &= ~bit;
        } while (++order < hn->aligned_order);
        mfn = start + off;
    }
    while (order < MAX_ORDER) {
        mfn_t buddy = mfn ^ ORDER_PAGES(order);

        if (buddy < start || buddy + ORDER_PAGES(order) > end ||
            !hbitmap_test_and_clear_lazy(&hn->free[order], (buddy >> order) - (start >> order)))
            break;
        ASSERT(nr_chunks[order] > 0);
        if (!--nr_chunks[order])
            mask &= ~(1U << order);
        mfn &= ~ORDER_PAGES(order);
        order++;
    }
merged:
    ASSERT(!freelist_has(hn, mfn, order));
    freelist_mark(hn, order, freelist_index(hn, mfn, order));
    nr_chunks[order]++;
    hn->order_mask[zone] = mask | 1U << order;
    hn->zone_mask |= 1ULL << zone;
    hn->zone_avail[zone] += nr;
}
