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

#include <hv/bigtable.h>
#include <hv/config.h>
#include <hv/heap.h>

#include "freelist.h"

#define NODE_SPAN_ORDER 18 /* 1 GiB of frames */
#define NODE_SPAN_MIXED ((nodeid_t)0xFF)

static uint64_t node_spans(const struct host *h)
{
    return (h->nr_frames + ORDER_PAGES(NODE_SPAN_ORDER) - 1) >> NODE_SPAN_ORDER;
}

/* The node of mfn by a search on the nodes' starts. */
static nodeid_t search_node(const struct host *h, mfn_t mfn)
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

nodeid_t host_mfn_to_node(const struct host *h, mfn_t mfn)
{
    nodeid_t node = h->node_of_span[mfn >> NODE_SPAN_ORDER];

    ASSERT(mfn < h->nr_frames);
    return node != NODE_SPAN_MIXED ? node : search_node(h, mfn);
}

/* Each span's node when one node holds all of its frames. */
static int init_node_spans(struct host *h)
{
    uint64_t spans = node_spans(h);

    _Static_assert(MAX_NUMNODES < NODE_SPAN_MIXED, "node ids must not reach the marker");
    h->node_of_span = malloc(spans ? spans : 1);
    if (!h->node_of_span)
        return -ENOMEM;
    for (uint64_t i = 0; i < spans; i++) {
        mfn_t first = i << NODE_SPAN_ORDER;
        mfn_t last = MIN(first + ORDER_PAGES(NODE_SPAN_ORDER), h->nr_frames) - 1;
        nodeid_t node = search_node(h, first);

        h->node_of_span[i] = search_node(h, last) == node ? node : NODE_SPAN_MIXED;
    }
    return 0;
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
    hn->aligned_order = MAX_ORDER;
    if (start | hn->end)
        hn->aligned_order = MIN(MAX_ORDER, (unsigned int)__builtin_ctzll(start | hn->end));
    for (unsigned int order = 0; order <= MAX_ORDER; order++) {
        uint64_t nbits = 0;

        if (pages)
            nbits = ((hn->end - 1) >> order) - (start >> order) + 1;
        if (hbitmap_init(&hn->free[order], nbits))
            return -ENOMEM;
    }
    return 0;
}

static size_t owner_blocks(const struct host *h)
{
    return (h->nr_frames + ORDER_PAGES(OWNER_BLOCK_ORDER) - 1) >> OWNER_BLOCK_ORDER;
}

size_t host_metadata_bytes(const struct host *h)
{
    size_t bytes = h->nr_frames * sizeof(owner_t) + hbitmap_bytes(&h->dirty) +
                   owner_blocks(h) * sizeof(struct owner_block) + node_spans(h);

    for (unsigned int n = 0; n < h->nr_nodes; n++)
        for (unsigned int order = 0; order <= MAX_ORDER; order++)
            bytes += hbitmap_bytes(&h->node[n].free[order]);
    return bytes + h->offline.cap * sizeof(*h->offline.v);
}

int heap_init(struct host *h, const uint64_t *node_pages)
{
    mfn_t mfn = 0;

    /* Zeroed: OWNER_FREE is 0, so every block starts owned by FREE with
     * entries to match, and the tables cost nothing until used. */
    h->owner_block = bigtable_zalloc(owner_blocks(h), sizeof(*h->owner_block));
    h->frame_owner = bigtable_zalloc(h->nr_frames, sizeof(owner_t));
    if (!h->owner_block || !h->frame_owner || hbitmap_init(&h->dirty, h->nr_frames))
        return -ENOMEM;
    for (unsigned int n = 0; n < h->nr_nodes; n++) {
        if (init_node(h, (nodeid_t)n, mfn, node_pages[n]))
            return -ENOMEM;
        mfn += node_pages[n];
    }
    if (init_node_spans(h))
        return -ENOMEM;

    /* Frame 0 stays with the hypervisor; everything else starts free.
     * (No lock exists yet, so its block is made mixed by hand: the fresh
     * entries read FREE but for frame 0's.) */
    h->owner_block[0].mixed = true;
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
    free(h->node_of_span);
    bigtable_free(h->frame_owner, h->nr_frames, sizeof(owner_t));
    bigtable_free(h->owner_block, owner_blocks(h), sizeof(*h->owner_block));
    free(h->offline.v);
}
