/*
 * The heap's frame layout: frames node after node from frame 0, the free
 * lists seeded with every frame but frame 0, which is kept out of the
 * heap (owned by the hypervisor), as Xen does, so that no aligned buddy
 * chunk can span two zones.  The host module (hv/host) owns the struct
 * host around it; this file knows nothing of domains.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <hv/config.h>
#include <hv/heap.h>

#include "freelist.h"

nodeid_t host_mfn_to_node(const struct host *h, mfn_t mfn)
{
    unsigned int lo = 0, hi = h->nr_nodes;

    /* Nodes are contiguous and ordered; binary search on their starts.
     * Memory-less nodes have start == end and are never the answer. */
    while (hi - lo > 1) {
        unsigned int mid = (lo + hi) / 2;

        if (h->node[mid].start <= mfn)
            lo = mid;
        else
            hi = mid;
    }
    while (lo > 0 && h->node[lo].start == h->node[lo].end)
        lo--;
    return (nodeid_t)lo;
}

/* Hand [s, e) of a node to the heap as the largest aligned chunks. */
static void seed_range(struct host *h, nodeid_t node, mfn_t s, mfn_t e)
{
    struct heap_node *hn = &h->node[node];

    while (s < e) {
        unsigned int order = MIN((unsigned int)MAX_ORDER, fls64(e - s) - 1);

        order = MIN(order, (unsigned int)__builtin_ctzll(s));
        freelist_add(hn, s, order);
        s += ORDER_PAGES(order);
    }
}

static int init_node(struct host *h, nodeid_t node, mfn_t start, uint64_t pages)
{
    struct heap_node *hn = &h->node[node];

    hn->start = start;
    hn->end = start + pages;
    for (unsigned int order = 0; order <= MAX_ORDER; order++) {
        uint64_t nbits = 0;

        if (pages)
            nbits = ((hn->end - 1) >> order) - (start >> order) + 1;
        if (hbitmap_init(&hn->free[order], nbits))
            return -ENOMEM;
    }
    return 0;
}

size_t host_metadata_bytes(const struct host *h)
{
    size_t bytes = h->nr_frames * sizeof(owner_t) + hbitmap_bytes(&h->dirty);

    for (unsigned int n = 0; n < h->nr_nodes; n++)
        for (unsigned int order = 0; order <= MAX_ORDER; order++)
            bytes += hbitmap_bytes(&h->node[n].free[order]);
    return bytes + h->offline.cap * sizeof(*h->offline.v);
}

/*
 * The owner table is written a whole extent at a time (512 KiB for a
 * 1 GiB extent), so on a big host populating it faults in a 4 KiB page
 * every 2,048 frames -- more system time than the simulation's own work.
 * Transparent huge pages, where the system offers them on request, fault
 * it in 2 MiB at a time (D97).  Only the whole 2 MiB blocks inside the
 * table are advised: a table below 2 MiB is left alone, and what is
 * never touched still costs nothing.  Advice only; failure is harmless.
 */
static void advise_huge_pages(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t hi = ((uintptr_t)p + len) & ~(huge - 1);

    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p;
    (void)len;
#endif
}

int heap_init(struct host *h, const uint64_t *node_pages)
{
    mfn_t mfn = 0;

    /* calloc: OWNER_FREE is 0, so the table costs nothing until used. */
    h->frame_owner = calloc(h->nr_frames, sizeof(owner_t));
    if (!h->frame_owner || hbitmap_init(&h->dirty, h->nr_frames))
        return -ENOMEM;
    advise_huge_pages(h->frame_owner, h->nr_frames * sizeof(owner_t));
    for (unsigned int n = 0; n < h->nr_nodes; n++) {
        if (init_node(h, (nodeid_t)n, mfn, node_pages[n]))
            return -ENOMEM;
        mfn += node_pages[n];
    }

    /* Frame 0 stays with the hypervisor; everything else starts free. */
    h->frame_owner[0] = OWNER_XEN;
    h->node[host_mfn_to_node(h, 0)].allocated = 1;
    for (unsigned int n = 0; n < h->nr_nodes; n++) {
        struct heap_node *hn = &h->node[n];
        mfn_t s = MAX(hn->start, (mfn_t)1);

        if (s >= hn->end)
            continue;
        seed_range(h, (nodeid_t)n, s, hn->end);
        h->node_avail_pages[n] = hn->end - s;
        h->total_avail_pages += hn->end - s;
    }
    return 0;
}

void heap_fini(struct host *h)
{
    /* Only the nodes that exist ever get memory; the others' structures
     * are never touched, so small hosts cost only the pages they use. */
    for (unsigned int n = 0; n < h->nr_nodes; n++)
        for (unsigned int order = 0; order <= MAX_ORDER; order++)
            hbitmap_destroy(&h->node[n].free[order]);
    hbitmap_destroy(&h->dirty);
    free(h->frame_owner);
    free(h->offline.v);
}
