/*
 * Host creation and teardown, frame layout and host-wide read-outs.
 *
 * Frames are laid out node after node from frame 0.  Frame 0 is kept out
 * of the heap (owned by the hypervisor), as Xen does, so that no aligned
 * buddy chunk can span two zones.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hv/check.h>
#include <hv/config.h>
#include <hv/domain.h>
#include <hv/heap.h>

#include "freelist.h"

void host_config_default(struct host_config *cfg, mfn_t nr_frames)
{
    const char *env = getenv("CLAIMSET_CHECK");

    memset(cfg, 0, sizeof(*cfg));
    if (config_debug)
        cfg->check_level = nr_frames <= HOST_DEEP_CHECK_PAGES ? CHECK_DEEP : CHECK_ACCOUNTING;
    if (env && env[0] >= '0' && env[0] <= '2' && env[1] == '\0')
        cfg->check_level = (unsigned int)(env[0] - '0');
}

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

static void free_host_memory(struct host *h)
{
    /* Only the nodes that exist ever get memory; the others' structures
     * are never touched, so small hosts cost only the pages they use. */
    for (unsigned int n = 0; n < h->nr_nodes; n++)
        for (unsigned int order = 0; order <= MAX_ORDER; order++)
            hbitmap_destroy(&h->node[n].free[order]);
    hbitmap_destroy(&h->dirty);
    free(h->frame_owner);
    free(h->offline.v);
    free(h);
}

int host_create(const struct topology *topo, const struct host_config *cfg, struct host **out)
{
    uint64_t total = 0;
    struct host *h;
    mfn_t mfn = 0;

    if (!topo->nr_nodes || topo->nr_nodes > MAX_NUMNODES)
        return -EINVAL;
    for (unsigned int n = 0; n < topo->nr_nodes; n++) {
        if (topo->node_pages[n] > HOST_MAX_FRAMES)
            return -EINVAL; /* and the sum cannot overflow */
        total += topo->node_pages[n];
    }
    /* Frame 0 never enters the heap; at most 16 TiB (2^32 frames). */
    if (total < 2 || total > HOST_MAX_FRAMES)
        return -EINVAL;

    h = calloc(1, sizeof(*h));
    if (!h)
        return -ENOMEM;
    h->topo = *topo;
    h->nr_nodes = topo->nr_nodes;
    h->node_online_map =
        topo->nr_nodes == MAX_NUMNODES ? ~NODEMASK_NONE : node_bit(topo->nr_nodes) - 1;
    h->nr_frames = total;
    if (cfg)
        h->cfg = *cfg;
    else
        host_config_default(&h->cfg, total);

    /* calloc: OWNER_FREE is 0, so the table costs nothing until used. */
    h->frame_owner = calloc(total, sizeof(owner_t));
    if (!h->frame_owner || hbitmap_init(&h->dirty, total))
        goto nomem;
    for (unsigned int n = 0; n < h->nr_nodes; n++) {
        if (init_node(h, (nodeid_t)n, mfn, topo->node_pages[n]))
            goto nomem;
        mfn += topo->node_pages[n];
    }

    hv_lock_init(&h->heap_lock, "heap_lock", LOCK_RANK_HEAP, 0, false);
    hv_rwlock_init(&h->domlist_lock, "domlist_lock", LOCK_RANK_DOMLIST);
    h->next_domid = 1;

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
    *out = h;
    host_debug_check(h);
    return 0;

nomem:
    free_host_memory(h);
    return -ENOMEM;
}

void host_destroy(struct host *h)
{
    if (!h)
        return;
    for (unsigned int id = 0; id < DOMID_FIRST_RESERVED; id++)
        if (h->domains[id])
            domain_destroy(h, (domid_t)id);
    hv_lock_destroy(&h->heap_lock);
    hv_rwlock_destroy(&h->domlist_lock);
    free_host_memory(h);
}

size_t host_metadata_bytes(const struct host *h)
{
    size_t bytes = h->nr_frames * sizeof(owner_t) + hbitmap_bytes(&h->dirty);

    for (unsigned int n = 0; n < h->nr_nodes; n++)
        for (unsigned int order = 0; order <= MAX_ORDER; order++)
            bytes += hbitmap_bytes(&h->node[n].free[order]);
    return bytes + h->offline.cap * sizeof(*h->offline.v);
}

void host_get_counters(struct host *h, struct host_counters *c)
{
    memset(c, 0, sizeof(*c));
    hv_lock(&h->heap_lock);
    c->total_pages = h->nr_frames;
    c->total_avail_pages = h->total_avail_pages;
    c->outstanding_claims = h->outstanding_claims;
    for (unsigned int n = 0; n < h->nr_nodes; n++) {
        c->node_pages[n] = h->node[n].end - h->node[n].start;
        c->node_avail_pages[n] = h->node_avail_pages[n];
        c->node_outstanding_claims[n] = h->node_outstanding_claims[n];
        c->node_need_scrub[n] = h->node_need_scrub[n];
        c->node_offlined[n] = h->node[n].offlined;
        c->scrub_pages += h->node_need_scrub[n];
    }
    c->stats = h->stats;
    hv_unlock(&h->heap_lock);
}
