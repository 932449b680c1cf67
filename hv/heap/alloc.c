/*
 * Allocation: the global claims check, the node search with the per-node
 * claims check (get_free_buddy()), splitting, and claim retirement -- all
 * in one heap_lock critical section, as the design requires.
 */
#include <hv/claims.h>
#include <hv/config.h>
#include <hv/domain.h>
#include <hv/heap.h>

#include "freelist.h"

static nodeid_t first_node(nodemask_t mask)
{
    return mask ? (nodeid_t)__builtin_ctzll(mask) : MAX_NUMNODES;
}

/* The lowest node in mask above n, or MAX_NUMNODES. */
static nodeid_t next_node(unsigned int n, nodemask_t mask)
{
    if (n + 1 >= MAX_NUMNODES)
        return MAX_NUMNODES;
    mask &= ~(node_bit(n + 1) - 1);
    return first_node(mask);
}

/* The node after n in mask, wrapping around. */
static nodeid_t cycle_node(unsigned int n, nodemask_t mask)
{
    nodeid_t next = next_node(n, mask);

    return next < MAX_NUMNODES ? next : first_node(mask);
}

/* Take a free chunk of order >= `order` from the node's zones, highest
 * zone first and, within a zone, the smallest order that fits. */
static mfn_t take_from_node(struct heap_node *hn, unsigned int zone_lo, unsigned int zone_hi,
                            unsigned int order, unsigned int *chunk_order)
{
    /* The zones of the window with a free chunk, from the highest down:
     * empty zones, and those the node has no frames in, are never
     * looked at. */
    uint64_t zones = hn->zone_mask & (~0ULL << zone_lo) & (~0ULL >> (63 - zone_hi));

    while (zones) {
        unsigned int zone = 63U - (unsigned int)__builtin_clzll(zones);
        /* The orders >= `order` that have a chunk in this zone. */
        uint32_t orders = hn->order_mask[zone] & ~((1U << order) - 1);

        for (; orders; orders &= orders - 1) {
            unsigned int j = (unsigned int)__builtin_ctz(orders);
            mfn_t mfn = freelist_find(hn, zone, j);

            if (mfn == INVALID_MFN)
                continue;
            freelist_rem(hn, mfn, j);
            *chunk_order = j;
            return mfn;
        }
        zones &= ~(1ULL << zone);
    }
    return INVALID_MFN;
}

/*
 * Find and remove a free chunk for the request, searching nodes in Xen's
 * order: the requested node; else round-robin from the node after the
 * domain's last allocation node within its affinity (clamped to online
 * nodes); then the rest of that set; then, once, the online nodes outside
 * it.  An exact-node request stops after the requested node.  Before a
 * node's free lists are looked at, the node-level claims check must pass.
 */
static mfn_t get_free_buddy(struct host *h, unsigned int zone_lo, unsigned int zone_hi,
                            unsigned int order, unsigned int memflags, const struct domain *d,
                            nodeid_t *alloc_node, unsigned int *chunk_order)
{
    nodeid_t req_node = MEMF_get_node(memflags), node = req_node, first;
    nodemask_t nodemask = h->node_online_map;
    unsigned long request = ORDER_PAGES(order);
    unsigned int retry = 0;

    if (d && (nodemask & d->node_affinity))
        nodemask &= d->node_affinity;

    if (node == NUMA_NO_NODE) {
        if (d)
            node = cycle_node(d->last_alloc_node, nodemask);
        /* No domain: Xen starts on the current CPU's node; the simulated
         * hypervisor runs on the first node. */
        if (node >= MAX_NUMNODES)
            node = first_node(h->node_online_map);
    } else if (node >= MAX_NUMNODES) {
        return INVALID_MFN;
    }
    first = node;

    for (;;) {
        if (host_node_valid(h, node)) {
            if (claims_permit_node_locked(h, d, (nodeid_t)node, memflags, request)) {
                mfn_t mfn = take_from_node(&h->node[node], zone_lo, zone_hi, order, chunk_order);

                if (mfn != INVALID_MFN) {
                    *alloc_node = node;
                    return mfn;
                }
            } else {
                h->stats.refused_node_check++;
            }
        }

        if ((memflags & MEMF_exact_node) && req_node != NUMA_NO_NODE)
            return INVALID_MFN;

        if (!(nodemask & node_bit(node))) {
            /* Only the very first node can lie outside the mask. */
            first = node = first_node(nodemask);
            if (node < MAX_NUMNODES)
                continue;
        } else if ((node = next_node(node, nodemask)) >= MAX_NUMNODES) {
            node = first_node(nodemask);
        }
        if (node == first) {
            /* Tried the whole preferred set: once more with the others. */
            if ((memflags & MEMF_exact_node) || retry++)
                return INVALID_MFN;
            nodemask = h->node_online_map & ~nodemask;
            first = node = first_node(nodemask);
            if (node >= MAX_NUMNODES)
                return INVALID_MFN;
        }
    }
}

mfn_t alloc_heap_pages(struct host *h, unsigned int zone_lo, unsigned int zone_hi,
                       unsigned int order, unsigned int memflags, struct domain *d)
{
    unsigned long dirty;

    return alloc_heap_pages_dirty(h, zone_lo, zone_hi, order, memflags, d, &dirty);
}

mfn_t alloc_heap_pages_dirty(struct host *h, unsigned int zone_lo, unsigned int zone_hi,
                             unsigned int order, unsigned int memflags, struct domain *d,
                             unsigned long *dirty_out)
{
    unsigned long request = ORDER_PAGES(order), dirty;
    bool counted = d && !(memflags & MEMF_no_refcount);
    unsigned int chunk_order;
    nodeid_t node;
    mfn_t mfn;

    *dirty_out = 0;
    if (order > MAX_ORDER || zone_lo > zone_hi || zone_hi >= NR_ZONES)
        return INVALID_MFN;
    if (d)
        ASSERT_LOCKED(&d->page_alloc_lock);

    hv_lock(&h->heap_lock);

    /* Global check: unclaimed memory, plus all of the domain's claims for a
     * counted allocation, must cover the request (protection.rst). */
    if (!claims_permit_host_locked(h, d, memflags, request)) {
        h->stats.refused_global_check++;
        goto fail;
    }

    mfn = get_free_buddy(h, zone_lo, zone_hi, order, memflags, d, &node, &chunk_order);
    if (mfn == INVALID_MFN)
        goto fail;

    /* Split down to the requested order, keeping the lower halves free and
     * handing out the top, as Xen does. */
    mfn = freelist_split(&h->node[node], mfn, chunk_order, order);

    ASSERT(h->node_avail_pages[node] >= request && h->total_avail_pages >= request);
    h->node_avail_pages[node] -= request;
    h->total_avail_pages -= request;
    h->node[node].allocated += request;

    if (counted) {
        claims_retire_allocation_locked(d, request, node);
        d->tot_pages += request;
        d->node_pages[node] += request;
    } else if (d) {
        d->extra_pages += request;
    }
    if (d)
        d->last_alloc_node = node;

    frames_set_owner_locked(h, mfn, request, d ? OWNER_DOM(d->domain_id) : OWNER_XEN);

    /* Frames leaving the free pool leave node_need_scrub; unless the caller
     * scrubs them itself, they are scrubbed now. */
    dirty = hbitmap_count_range(&h->dirty, mfn, request);
    if (dirty) {
        h->node_need_scrub[node] -= dirty;
        if (!(memflags & MEMF_no_scrub)) {
            hbitmap_clear_range(&h->dirty, mfn, request);
            h->stats.pages_scrubbed_sync += dirty;
        }
    }
    h->stats.allocs++;
    hv_unlock(&h->heap_lock);
    *dirty_out = dirty;
    return mfn;

fail:
    h->stats.alloc_failures++;
    hv_unlock(&h->heap_lock);
    return INVALID_MFN;
}
