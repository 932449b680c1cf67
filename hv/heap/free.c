/*
 * Freeing: frames go back to their node's free lists, merged with free
 * buddies; frames marked for offlining go offline instead.  Frees never
 * give claims back (Xen 4.21 and later; decision log).
 */
#include <hv/config.h>
#include <hv/domain.h>
#include <hv/heap.h>

#include "freelist.h"
#include "offline_set.h"

/* A frame marked pending leaves the heap on its way back. */
static void free_with_pending_locked(struct host *h, nodeid_t node, mfn_t mfn, unsigned long nr,
                                     bool need_scrub)
{
    ASSERT_LOCKED(&h->heap_lock);
    for (unsigned long i = 0; i < nr; i++) {
        struct offline_entry *e = offline_find(&h->offline, mfn + i);

        if (e && (e->flags & OFFLINE_PENDING)) {
            e->flags = (uint8_t)((e->flags & ~OFFLINE_PENDING) | OFFLINE_OFFLINED);
            hbitmap_clear(&h->dirty, mfn + i);
            frames_set_owner_locked(h, mfn + i, 1, OWNER_OFFLINED);
            h->node[node].offlined++;
        } else {
            heap_free_chunk_locked(h, node, mfn + i, 0, need_scrub);
        }
    }
}

void free_heap_pages(struct host *h, mfn_t mfn, unsigned int order, struct domain *d,
                     unsigned int flags)
{
    bool need_scrub = flags & FREE_need_scrub;
    unsigned long nr = ORDER_PAGES(order);
    nodeid_t node = host_mfn_to_node(h, mfn);

    ASSERT(order <= MAX_ORDER && !(mfn & (nr - 1)) && mfn + nr <= h->node[node].end);
    if (d)
        ASSERT_LOCKED(&d->page_alloc_lock);

    hv_lock(&h->heap_lock);
    if (config_debug) {
        owner_t want = d ? OWNER_DOM(d->domain_id) : OWNER_XEN;

        BUG_ON(frames_owner_mismatch_locked(h, mfn, nr, want) != INVALID_MFN);
    }

    ASSERT(h->node[node].allocated >= nr);
    h->node[node].allocated -= nr;
    ASSERT(!(flags & ~(FREE_need_scrub | FREE_counted)) && (d || !(flags & FREE_counted)));
    if (d && (flags & FREE_counted)) {
        ASSERT(d->tot_pages >= nr && d->node_pages[node] >= nr);
        d->tot_pages -= nr;
        d->node_pages[node] -= nr;
    } else if (d) {
        ASSERT(d->extra_pages >= nr);
        d->extra_pages -= nr;
    }

    if (offline_any_in(&h->offline, mfn, nr))
        free_with_pending_locked(h, node, mfn, nr, need_scrub);
    else
        heap_free_chunk_locked(h, node, mfn, order, need_scrub);
    h->stats.frees++;
    hv_unlock(&h->heap_lock);
}
