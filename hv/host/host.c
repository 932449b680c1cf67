/*
 * The host module: creation, configuration, teardown and the host-wide
 * counters.  It sits above the heap, the domains, the claims and the
 * checker: creating a host sets up the heap and wires the invariant
 * checker in as the host's after-call hook, and destroying one drops
 * its domains first.  Nothing below calls up into this file.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hv/check.h>
#include <hv/config.h>
#include <hv/domain.h>
#include <hv/heap.h>

void host_config_default(struct host_config *cfg, mfn_t nr_frames)
{
    /* No environment here: a caller that wants CLAIMSET_CHECK to count
     * (the toolstack) reads it and sets check_level itself. */
    memset(cfg, 0, sizeof(*cfg));
    if (config_debug)
        cfg->check_level = nr_frames <= HOST_DEEP_CHECK_PAGES ? CHECK_DEEP : CHECK_ACCOUNTING;
}

static void free_host(struct host *h)
{
    heap_fini(h);
    free(h);
}

_Static_assert(HVCTL_MAX_NODES == MAX_NUMNODES, "the layout has one entry per node");

uint64_t layout_total_pages(const struct hvctl_layout *layout)
{
    uint64_t total = 0;

    /* Saturating: a caller's absurd sizes must not wrap to a small host. */
    for (unsigned int n = 0; n < layout->nr_nodes && n < MAX_NUMNODES; n++)
        total =
            layout->node_pages[n] > UINT64_MAX - total ? UINT64_MAX : total + layout->node_pages[n];
    return total;
}

int host_create(const struct hvctl_layout *layout, const struct host_config *cfg, struct host **out)
{
    uint64_t total = layout_total_pages(layout);
    struct host *h;

    if (!layout->nr_nodes || layout->nr_nodes > MAX_NUMNODES || total < 2 ||
        total > HVCTL_MAX_HOST_PAGES)
        return -EINVAL;

    h = calloc(1, sizeof(*h));
    if (!h)
        return -ENOMEM;
    h->layout = *layout;
    h->nr_nodes = layout->nr_nodes;
    h->node_online_map =
        layout->nr_nodes == MAX_NUMNODES ? ~NODEMASK_NONE : node_bit(layout->nr_nodes) - 1;
    h->nr_frames = total;
    if (cfg)
        h->cfg = *cfg;
    else
        host_config_default(&h->cfg, total);
    /* Always installed: the checker reads cfg.check_level on each call,
     * so a test may raise or lower the level of a live host. */
    h->after_call = host_debug_check;

    if (heap_init(h, layout->node_pages)) {
        free_host(h);
        return -ENOMEM;
    }
    hv_lock_init(&h->heap_lock, "heap_lock", LOCK_RANK_HEAP, 0, false);
    hv_rwlock_init(&h->domlist_lock, "domlist_lock", LOCK_RANK_DOMLIST);
    h->next_domid = 1;
    *out = h;
    host_debug_check(h);
    return 0;
}

/*
 * Teardown is bulk work: the domains' memory is not freed extent by
 * extent into a heap that is about to go (D96) -- each domain drops its
 * own structures, then the heap's tables go whole.  The invariant checker
 * is not run: there is no host left to check.
 */
void host_destroy(struct host *h)
{
    if (!h)
        return;
    ASSERT(hv_holds_no_lock());
    for (unsigned int id = 0; id < DOMID_FIRST_RESERVED; id++)
        if (h->domains[id])
            domain_abandon(h, (domid_t)id);
    hv_lock_destroy(&h->heap_lock);
    hv_rwlock_destroy(&h->domlist_lock);
    free_host(h);
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
