/*
 * Claim sets in Xen: the glue between Xen's allocator, domctl handler and
 * domain teardown and the claims engine (install.c, retire.c, shared with
 * the simulator).  Installed as common/claimset/claimset_xen.c.
 *
 * Every hook that touches the heap counters runs under heap_lock, taken
 * by the allocator function the hook was inserted into; the claims
 * change in the same critical section as the free counters.
 */
#include "claims_compat.h"

#include <xen/claimset-domctl.h>
#include <xen/claimset-sysctl.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <public/claimsysctl.h>

struct claims_host claimset_host;

/*
 * Xen's own version retired claims here, after the fact and outside the
 * allocator, and gave claims back when a domain freed pages.  With claim
 * sets, claims are retired inside alloc_heap_pages() (knowing the node)
 * and frees return nothing, so only the count itself is left to do.
 */
unsigned long domain_adjust_tot_pages(struct domain *d, long pages)
{
    ASSERT(spin_is_locked(&d->page_alloc_lock));
    d->tot_pages += pages;
    return d->tot_pages;
}

/* getdomaininfo: all the domain's claims, read under heap_lock. */
unsigned long domain_claims_total(const struct domain *d)
{
    unsigned long total;

    spin_lock(&heap_lock);
    total = domain_claims_total_locked(d);
    spin_unlock(&heap_lock);
    return total;
}

bool claimset_host_refuses(const struct domain *d, unsigned int memflags, unsigned long request)
{
    return !claims_permit_host_locked(&claimset_host, d, memflags, request);
}

bool claimset_node_refuses(const struct domain *d, unsigned int node, unsigned int memflags,
                           unsigned int order)
{
    /* Nodes without claims are the common case: one comparison. */
    if (!claimset_host.node_outstanding_claims[node])
        return false;
    return !claims_permit_node_locked(&claimset_host, d, node, memflags, 1UL << order);
}

void claimset_heap_taken(struct domain *d, unsigned int memflags, unsigned int node,
                         unsigned long pages)
{
    claims_host_t *h = &claimset_host;

    ASSERT(spin_is_locked(&heap_lock));
    BUG_ON(h->node_avail_pages[node] < pages);
    h->node_avail_pages[node] -= pages;
    if (d && !(memflags & CLAIMS_MEMF_UNCOUNTED))
        claims_retire_allocation_locked(d, pages, node);
}

void claimset_heap_returned(unsigned int node, unsigned long pages)
{
    ASSERT(spin_is_locked(&heap_lock));
    claimset_host.node_avail_pages[node] += pages;
}

void claimset_heap_offlined(unsigned int node)
{
    claims_host_t *h = &claimset_host;
    unsigned long recalled;

    ASSERT(spin_is_locked(&heap_lock));
    BUG_ON(!h->node_avail_pages[node]);
    h->node_avail_pages[node]--;
    /* The engine walks the domain list to find whom to recall from. */
    rcu_read_lock(&domlist_read_lock);
    recalled = claims_recall_locked(h, node);
    rcu_read_unlock(&domlist_read_lock);
    if (recalled)
        printk(XENLOG_INFO "claimset: offlining on node %u recalled %lu claimed pages\n", node,
               recalled);
}

void claimset_max_pages_changed(struct domain *d)
{
    ASSERT(spin_is_locked(&d->page_alloc_lock));
    spin_lock(&heap_lock);
    claims_trim_to_max_pages_locked(d);
    spin_unlock(&heap_lock);
}

/*
 * XEN_DOMCTL_claim_memory.  The count is checked before anything is
 * copied, then each entry's padding and node, at the hypercall boundary;
 * domain_set_node_claims() decides the rest under its locks.
 */
static long claim_memory(struct domain *d, const struct xen_domctl_claim_memory *cm)
{
    memory_claim_t claims[CLAIMS_MAX_ENTRIES];
    unsigned int i, nr = cm->nr_claims;

    if (cm->pad || !nr)
        return -EINVAL;
    if (nr > CLAIMS_MAX_ENTRIES)
        return -E2BIG;
    if (copy_from_guest(claims, cm->claims, nr))
        return -EFAULT;
    for (i = 0; i < nr; i++) {
        uint32_t target = claims[i].target;

        if (claims[i].pad)
            return -EINVAL;
        if (!(target & (XEN_DOMCTL_CLAIM_MEMORY_GLOBAL | XEN_DOMCTL_CLAIM_MEMORY_LEGACY)) &&
            !claims_node_valid(&claimset_host, target))
            return -ENOENT;
    }
    return domain_set_node_claims(d, nr, claims);
}

static long get_claims(struct domain *d, struct xen_domctl_get_claims *gc)
{
    memory_claim_t out[CLAIMS_MAX_ENTRIES];
    unsigned int nr = min_t(unsigned int, gc->nr_claims, CLAIMS_MAX_ENTRIES);
    long rc;

    if (gc->pad)
        return -EINVAL;
    rc = domain_get_claims(d, &nr, out);
    /* The count goes back even on -ERANGE: it is the size needed. */
    gc->nr_claims = nr;
    if (!rc && nr && copy_to_guest(gc->claims, out, nr))
        rc = -EFAULT;
    return rc;
}

static long get_node_pages(struct domain *d, struct xen_domctl_get_node_pages *gnp)
{
    uint64_t pages[MAX_NUMNODES] = {0};
    unsigned int node, nodes = 0, cap = gnp->nr_nodes;
    struct page_info *pg;

    if (gnp->pad)
        return -EINVAL;
    for_each_online_node(node) nodes = node + 1;
    gnp->nr_nodes = nodes;
    if (cap < nodes)
        return -ERANGE;
    /* Xen keeps no per-node count per domain: walk the domain's pages. */
    spin_lock(&d->page_alloc_lock);
    page_list_for_each(pg, &d->page_list) pages[phys_to_nid(page_to_maddr(pg))]++;
    spin_unlock(&d->page_alloc_lock);
    if (copy_to_guest(gnp->pages, pages, nodes))
        return -EFAULT;
    return 0;
}

long claimset_do_domctl(struct xen_domctl *op, struct domain *d,
                        XEN_GUEST_HANDLE_PARAM(xen_domctl_t) u_domctl)
{
    long rc;

    switch (op->cmd) {
    case XEN_DOMCTL_claim_memory:
        return claim_memory(d, &op->u.claim_memory);
    case XEN_DOMCTL_get_claims:
        rc = get_claims(d, &op->u.get_claims);
        break;
    case XEN_DOMCTL_get_node_pages:
        rc = get_node_pages(d, &op->u.get_node_pages);
        break;
    default:
        return arch_do_domctl(op, d, u_domctl);
    }
    /* The read-back commands return their counts in the domctl itself. */
    if (__copy_to_guest(u_domctl, op, 1))
        rc = -EFAULT;
    return rc;
}

/* XEN_SYSCTL_numa_meminfo: the same sizing rules as the simulator's. */
static long numa_meminfo(struct xen_sysctl_numa_meminfo *nm)
{
    struct xen_sysctl_numa_meminfo_entry e[MAX_NUMNODES];
    unsigned int node, nodes = 0;

    if (nm->pad)
        return -EINVAL;
    for_each_online_node(node) nodes = node + 1;
    if (guest_handle_is_null(nm->info)) {
        nm->num_nodes = nodes;
        return 0;
    }
    nodes = min(nodes, nm->num_nodes);
    spin_lock(&heap_lock);
    for (node = 0; node < nodes; node++) {
        bool online = node_online(node);

        e[node].size = online ? (uint64_t)node_spanned_pages(node) << PAGE_SHIFT : 0;
        e[node].free = (uint64_t)claimset_host.node_avail_pages[node] << PAGE_SHIFT;
        e[node].claimed = (uint64_t)claimset_host.node_outstanding_claims[node] << PAGE_SHIFT;
    }
    spin_unlock(&heap_lock);
    if (copy_to_guest(nm->info, e, nodes))
        return -EFAULT;
    nm->num_nodes = nodes;
    return 0;
}

long claimset_do_sysctl(struct xen_sysctl *op, XEN_GUEST_HANDLE_PARAM(xen_sysctl_t) u_sysctl)
{
    long rc;

    if (op->cmd != XEN_SYSCTL_numa_meminfo)
        return arch_do_sysctl(op, u_sysctl);
    /* The structure fits the union's pad; the union is left as it is. */
    BUILD_BUG_ON(sizeof(struct xen_sysctl_numa_meminfo) > sizeof(op->u));
    rc = numa_meminfo((struct xen_sysctl_numa_meminfo *)&op->u);
    if (!rc && __copy_to_guest(u_sysctl, op, 1))
        rc = -EFAULT;
    return rc;
}
