/*
 * Scrubbing.  Page contents are not simulated, so scrubbing a frame means
 * clearing its dirty bit; what matters is who pays for it and when: the
 * idle scrubber (scrub_free_pages()), the allocator (frames handed out
 * without MEMF_no_scrub), or a builder that took dirty frames and scrubs
 * them itself (scrub_allocated_range()).
 */
#include <hv/config.h>
#include <hv/heap.h>

#include "freelist.h"

static unsigned long scrub_node_locked(struct host *h, nodeid_t node, unsigned long max)
{
    const struct heap_node *hn = &h->node[node];
    unsigned long done = 0;
    mfn_t mfn = hn->start;

    ASSERT_LOCKED(&h->heap_lock);
    while (done < max && h->node_need_scrub[node]) {
        mfn = hbitmap_find_next(&h->dirty, mfn, hn->end);
        if (mfn >= hn->end)
            break;
        /* Allocated dirty frames belong to a MEMF_no_scrub caller who
         * scrubs them; the idle scrubber only touches free memory, a free
         * chunk at a time. */
        if (frame_owner_of(h, mfn) == OWNER_FREE) {
            mfn_t head;
            int order = freelist_chunk_of(hn, mfn, &head);
            unsigned long span, dirty;

            BUG_ON(order < 0);
            span = MIN(head + ORDER_PAGES(order) - mfn, max - done);
            dirty = hbitmap_count_range(&h->dirty, mfn, span);
            hbitmap_clear_range(&h->dirty, mfn, span);
            h->node_need_scrub[node] -= dirty;
            done += dirty;
            mfn += span;
        } else {
            mfn++;
        }
    }
    return done;
}

unsigned long scrub_free_pages(struct host *h, nodeid_t node, unsigned long max_pages)
{
    unsigned long done = 0;

    hv_lock(&h->heap_lock);
    for (unsigned int n = 0; n < h->nr_nodes && done < max_pages; n++)
        if (node == NUMA_NO_NODE || node == n)
            done += scrub_node_locked(h, (nodeid_t)n, max_pages - done);
    h->stats.pages_scrubbed_idle += done;
    hv_unlock(&h->heap_lock);
    host_call_done(h);
    return done;
}

unsigned long scrub_allocated_range(struct host *h, mfn_t mfn, unsigned long nr)
{
    unsigned long dirty;

    hv_lock(&h->heap_lock);
    dirty = hbitmap_count_range(&h->dirty, mfn, nr);
    if (dirty)
        hbitmap_clear_range(&h->dirty, mfn, nr);
    hv_unlock(&h->heap_lock);
    return dirty;
}
