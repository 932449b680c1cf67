/*
 * A domain's memory: allocating extents for it, populating and shrinking
 * its physmap.  These are the core of XENMEM_populate_physmap and
 * XENMEM_decrease_reservation; the hypercall layer adds argument copying,
 * privilege checks and preemption.
 */
#include <errno.h>

#include <hv/config.h>
#include <hv/domain.h>
#include <hv/heap.h>

int alloc_domheap_pages(struct domain *d, unsigned int order, unsigned int memflags, mfn_t *mfn,
                        unsigned long *dirty)
{
    unsigned int bits = MEMF_get_bits(memflags);
    unsigned int zone_hi = bits ? bits_to_zone(bits) : NR_ZONES - 1;
    unsigned long nr = ORDER_PAGES(order), dirty_frames;

    ASSERT_LOCKED(&d->page_alloc_lock);
    if (order > MAX_ORDER)
        return -EINVAL;
    if (atomic_load(&d->is_dying))
        return -ESRCH;
    /* The max_pages check comes first, under page_alloc_lock, so that a
     * refused request never reaches the heap and never consumes a claim. */
    if (!(memflags & MEMF_no_refcount) &&
        (d->tot_pages > d->max_pages || nr > d->max_pages - d->tot_pages))
        return -E2BIG;
    if (zone_hi < MEMZONE_LO)
        return -ENOMEM;
    *mfn = alloc_heap_pages_dirty(d->host, MEMZONE_LO, zone_hi, order, memflags, d, &dirty_frames);
    if (dirty)
        *dirty = dirty_frames;
    return *mfn == INVALID_MFN ? -ENOMEM : 0;
}

/*
 * Frames of a physmap run go back to the heap as the largest chunks their
 * machine alignment allows (MAX_ORDER at most), never across a node
 * boundary (node sizes are any number of frames).  The heap merges every
 * chunk with its free buddies and finds chunks by their frames alone, so
 * how a run is cut decides nothing about later allocations; fewer, larger
 * pieces are just cheaper.
 */
void free_domheap_run(struct domain *d, mfn_t mfn, unsigned long nr, unsigned int flags)
{
    struct host *h = d->host;

    while (nr) {
        const struct heap_node *hn = &h->node[host_mfn_to_node(h, mfn)];
        unsigned long in_node = MIN(nr, (unsigned long)(hn->end - mfn));

        ASSERT(mfn >= hn->start && mfn < hn->end);
        nr -= in_node;
        while (in_node) {
            unsigned int order = MIN((unsigned int)MAX_ORDER, fls64(in_node) - 1);

            if (mfn)
                order = MIN(order, (unsigned int)__builtin_ctzll(mfn));
            free_heap_pages(h, mfn, order, d, flags);
            mfn += ORDER_PAGES(order);
            in_node -= ORDER_PAGES(order);
        }
    }
}

static bool gfn_range_ok(gfn_t gfn, unsigned int order)
{
    return order <= MAX_ORDER && gfn < P2M_MAX_GFN && ORDER_PAGES(order) <= P2M_MAX_GFN - gfn;
}

int domain_populate_extent(struct domain *d, gfn_t gfn, unsigned int order, unsigned int memflags,
                           unsigned long *scrubbed)
{
    unsigned int flags = memflags;
    unsigned long dirty;
    mfn_t mfn;
    int rc;

    if (scrubbed)
        *scrubbed = 0;
    if (!gfn_range_ok(gfn, order))
        return -EINVAL;

    hv_lock(&d->page_alloc_lock);
    /* Check the target before allocating: a failed insert after the
     * allocation would have retired claims for nothing. */
    if (!p2m_range_unmapped(&d->p2m, gfn, ORDER_PAGES(order))) {
        rc = -EEXIST;
        goto out;
    }
    /* While being built the guest cannot see its memory yet, so dirty
     * frames are fine as long as they are scrubbed before it runs. */
    if (!d->creation_finished)
        flags |= MEMF_no_scrub;
    rc = alloc_domheap_pages(d, order, flags, &mfn, &dirty);
    if (rc)
        goto out;
    rc = p2m_insert_unmapped(&d->p2m, gfn, mfn, order); /* checked above */
    if (rc) {
        /* Only a table allocation can fail here.  The claim retired for
         * these frames is lost, as in Xen: a build that fails this way is
         * torn down anyway. */
        free_heap_pages(d->host, mfn, order, d, FREE_counted);
        goto out;
    }
    /* Frames the domain holds cannot become dirty: when none were dirty
     * as they left the heap, there is nothing to scrub. */
    if ((flags & MEMF_no_scrub) && !(memflags & MEMF_no_scrub) && dirty) {
        unsigned long n = scrub_allocated_range(d->host, mfn, ORDER_PAGES(order));

        if (scrubbed)
            *scrubbed = n;
    }
out:
    hv_unlock(&d->page_alloc_lock);
    host_call_done(d->host);
    return rc;
}

static void free_removed(void *ctx, gfn_t gfn, mfn_t mfn, unsigned long nr)
{
    struct domain *d = ctx;

    /* A live domain clears what it gives back if it cares (Xen's rule). */
    free_domheap_run(d, mfn, nr, FREE_counted);
}

int domain_decrease_extent(struct domain *d, gfn_t gfn, unsigned int order)
{
    int rc;

    if (!gfn_range_ok(gfn, order))
        return -EINVAL;
    hv_lock(&d->page_alloc_lock);
    if (atomic_load(&d->is_dying))
        rc = -ESRCH;
    else
        rc = p2m_remove(&d->p2m, gfn, ORDER_PAGES(order), free_removed, d);
    hv_unlock(&d->page_alloc_lock);
    host_call_done(d->host);
    return rc;
}

mfn_t domain_gfn_to_mfn(struct domain *d, gfn_t gfn)
{
    mfn_t mfn;

    hv_lock(&d->page_alloc_lock);
    mfn = p2m_lookup(&d->p2m, gfn, NULL);
    hv_unlock(&d->page_alloc_lock);
    return mfn;
}
