/*
 * Claims protection and retirement (protection.rst, retirement.rst) and
 * their helpers.  Everything here runs under heap_lock: claims state and
 * the free counters change in one critical section, so no allocation ever
 * sees free memory and claims out of step.
 */
#include "claims_compat.h"

/* Part of the claims engine: compiled unchanged into the simulator and
 * into Xen; everything specific to a home comes from claims_compat.h. */

static unsigned long claims_min(unsigned long a, unsigned long b)
{
    return a < b ? a : b;
}

unsigned long domain_claims_total_locked(const struct domain *d)
{
    ASSERT(spin_is_locked(claims_heap_lock(claims_host_of(d))));
    return d->global_claims + d->node_claims;
}

static unsigned long retire_global(struct domain *d, unsigned long pages_to_retire)
{
    claims_host_t *h = claims_host_of(d);
    unsigned long pages = claims_min(pages_to_retire, d->global_claims);

    ASSERT(spin_is_locked(claims_heap_lock(h)));
    BUG_ON(pages > h->outstanding_claims);
    d->global_claims -= pages;
    h->outstanding_claims -= pages;
    return pages;
}

static unsigned long retire_node(struct domain *d, nodeid_t node, unsigned long pages_to_retire)
{
    claims_host_t *h = claims_host_of(d);
    unsigned long pages = claims_min(pages_to_retire, d->claims[node]);

    ASSERT(spin_is_locked(claims_heap_lock(h)));
    BUG_ON(pages > d->node_claims || pages > h->node_outstanding_claims[node] ||
           pages > h->outstanding_claims);
    d->claims[node] -= pages;
    d->node_claims -= pages;
    h->node_outstanding_claims[node] -= pages;
    h->outstanding_claims -= pages;
    return pages;
}

static void retire_nodes(struct domain *d)
{
    for (unsigned int node = 0; node < MAX_NUMNODES && d->node_claims; node++)
        retire_node(d, (nodeid_t)node, d->claims[node]);
}

void claims_retire_all_locked(struct domain *d)
{
    ASSERT(spin_is_locked(claims_heap_lock(claims_host_of(d))));
    retire_global(d, d->global_claims);
    retire_nodes(d);
}

/*
 * The one rule behind both permit checks: the request fits the unclaimed
 * part of avail_pages, or a counted domain allocation covers the shortfall
 * with `credit`, the claims it may draw on.
 */
static bool permit(const struct domain *d, unsigned long avail_pages, unsigned long claims,
                   unsigned int memflags, unsigned long request, unsigned long credit)
{
    /* The invariants keep claims <= avail_pages; saturate anyway so that a
     * broken invariant can only refuse, never wrap into a huge "free". */
    unsigned long unclaimed = sub_sat(avail_pages, claims);

    if (request <= unclaimed)
        return true;
    if (!d || (memflags & CLAIMS_MEMF_UNCOUNTED))
        return false;
    return request - unclaimed <= credit;
}

bool claims_permit_host_locked(const claims_host_t *h, const struct domain *d,
                               unsigned int memflags, unsigned long request)
{
    ASSERT(spin_is_locked(claims_heap_lock(h)));
    /* Host-wide, the domain may use all its claims (edge-cases.rst). */
    return permit(d, h->total_avail_pages, h->outstanding_claims, memflags, request,
                  d ? d->global_claims + d->node_claims : 0);
}

bool claims_permit_node_locked(const claims_host_t *h, const struct domain *d, nodeid_t node,
                               unsigned int memflags, unsigned long request)
{
    ASSERT(spin_is_locked(claims_heap_lock(h)));
    /* On a node, only its own claim there. */
    return permit(d, h->node_avail_pages[node], h->node_outstanding_claims[node], memflags, request,
                  d ? d->claims[node] : 0);
}

/* The domain's node with the largest claim (lowest id on a tie), or
 * NUMA_NO_NODE when it holds no node claim. */
static nodeid_t largest_node_claim(const struct domain *d)
{
    nodeid_t best = NUMA_NO_NODE;

    for (unsigned int node = 0; node < MAX_NUMNODES && d->node_claims; node++)
        if (d->claims[node] && (best == NUMA_NO_NODE || d->claims[node] > d->claims[best]))
            best = (nodeid_t)node;
    return best;
}

void claims_retire_allocation_locked(struct domain *d, unsigned long allocation,
                                     nodeid_t alloc_node)
{
    unsigned long left = allocation;

    ASSERT(spin_is_locked(claims_heap_lock(claims_host_of(d))));
    /* Most allocations are by domains that claim nothing (any more). */
    if (!d->node_claims && !d->global_claims)
        return;
    /* Step 1: the allocation node's claim. */
    left -= retire_node(d, alloc_node, left);
    /* Step 2: the global claim, the flexible fallback. */
    if (left)
        left -= retire_global(d, left);
    /* Step 3: other nodes' claims, so that tot_pages + claims cannot grow
     * past max_pages (the limit itself needs page_alloc_lock, which may not
     * be taken here).  Largest claim first: it keeps the remaining claims
     * even, and a large remainder is the one least likely to be used. */
    while (left) {
        nodeid_t node = largest_node_claim(d);

        if (node == NUMA_NO_NODE)
            break;
        left -= retire_node(d, node, left);
    }
    claims_host_of(d)->stats.claims_retired += allocation - left;
}

/* Domain with the largest claim on node (or global claim when node is
 * NUMA_NO_NODE); ties go to the lower domid. */
static struct domain *largest_claimant(claims_host_t *h, nodeid_t node)
{
    struct domain *best = NULL, *d;
    unsigned long best_claim = 0;

    claims_for_each_domain(h, d)
    {
        unsigned long c = node == NUMA_NO_NODE ? d->global_claims : d->claims[node];

        if (c > best_claim || (c && c == best_claim && d->domain_id < best->domain_id)) {
            best = d;
            best_claim = c;
        }
    }
    return best;
}

unsigned long claims_recall_locked(claims_host_t *h, nodeid_t node)
{
    unsigned long recalled = 0;

    ASSERT(spin_is_locked(claims_heap_lock(h)));
    /* Node level first: recalling node claims also lowers the host total,
     * which may already repair the global invariant. */
    while (h->node_outstanding_claims[node] > h->node_avail_pages[node]) {
        struct domain *d = largest_claimant(h, node);

        BUG_ON(!d);
        recalled +=
            retire_node(d, node, h->node_outstanding_claims[node] - h->node_avail_pages[node]);
    }
    /* Host level: if every node is within bounds, the excess can only be
     * global claims (sum of node claims <= sum of node memory). */
    while (h->outstanding_claims > h->total_avail_pages) {
        struct domain *d = largest_claimant(h, NUMA_NO_NODE);

        BUG_ON(!d);
        recalled += retire_global(d, h->outstanding_claims - h->total_avail_pages);
    }
    h->stats.claims_recalled += recalled;
    return recalled;
}

void claims_trim_to_max_pages_locked(struct domain *d)
{
    unsigned long allowed = sub_sat(d->max_pages, domain_tot_pages(d));
    unsigned long excess = sub_sat(domain_claims_total_locked(d), allowed);

    ASSERT(spin_is_locked(claims_heap_lock(claims_host_of(d))));
    excess -= retire_global(d, excess);
    for (unsigned int node = MAX_NUMNODES; node-- > 0 && excess;)
        excess -= retire_node(d, (nodeid_t)node, excess);
}
