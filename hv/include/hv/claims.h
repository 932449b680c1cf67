/*
 * Claims: installation, protection, retirement and recall, as in the
 * claim-sets design (installation.rst, protection.rst, retirement.rst,
 * accounting.rst, implementation.rst).
 *
 * All claims state -- d->global_claims, d->node_claims, d->claims[],
 * host->outstanding_claims, host->node_outstanding_claims[] -- changes
 * only under heap_lock.  Functions named *_locked expect the caller to hold
 * it and assert so on entry; the two installers take d->page_alloc_lock and then heap_lock
 * themselves, so that tot_pages and max_pages are stable while they check
 * the domain's limit.
 */
#ifndef HV_CLAIMS_H
#define HV_CLAIMS_H

#include <xen/memory.h>

#include "types.h"

struct domain;
struct host;

/* Most entries a claim set may have: one per node plus one global. */
#define CLAIMS_MAX_ENTRIES (MAX_NUMNODES + 1)

/*
 * Install a claim set (XEN_DOMCTL_claim_memory), replacing the domain's
 * current claims; all or nothing.  A single entry with the LEGACY selector
 * goes to domain_set_outstanding_pages().  Phases (implementation.rst):
 *   1. per entry: target is GLOBAL or an online node (-ENOENT for a node
 *      that is out of range or not online, -EINVAL for any other
 *      selector), no target twice (-EINVAL), a node entry fits the node's
 *      unclaimed memory counting the domain's own claim there as available
 *      (-ENOMEM), pad is zero (-EINVAL);
 *   2. the sum (-EINVAL if it overflows) fits the host's unclaimed memory
 *      counting all of the domain's own claims as available (-ENOMEM), and
 *      tot_pages + sum <= max_pages (-EINVAL);
 *   3. the current claims are released;
 *   4. the new set is installed.
 * nr_claims == 0 or > CLAIMS_MAX_ENTRIES: -EINVAL / -E2BIG.  A dying
 * domain: -ESRCH.  Nothing changes on any error.
 */
int domain_set_node_claims(struct domain *d, unsigned int nr_claims, const memory_claim_t *claims);

/*
 * Legacy installation (XENMEM_claim_pages), today's Xen semantics:
 * pages == 0 releases every claim; a domain that holds any claim gets
 * -EINVAL; pages <= tot_pages or > max_pages is -EINVAL; the claim stored
 * is pages - tot_pages, -ENOMEM if it exceeds the host's unclaimed memory.
 * A dying domain: -ESRCH.
 */
int domain_set_outstanding_pages(struct domain *d, unsigned long pages);

/*
 * Release every claim of the domain, whatever its state (Xen calls this
 * when a domain is killed; the simulator's domain_destroy() retires the
 * claims inside its own locked region).  Takes page_alloc_lock and
 * heap_lock.
 */
void domain_release_claims(struct domain *d);

/* Release every claim of the domain (global and nodes). */
void claims_retire_all_locked(struct domain *d);

/*
 * May d take `request` pages?  Yes when the unclaimed memory covers the
 * request, or when d is a counted domain allocation (d != NULL, no
 * MEMF_no_refcount) and its claims cover the shortfall: host-wide, all
 * its claims (the global check); on a node, its claim on that node (the
 * per-node check of get_free_buddy()).
 */
bool claims_permit_host_locked(const struct host *h, const struct domain *d, unsigned int memflags,
                               unsigned long request);
bool claims_permit_node_locked(const struct host *h, const struct domain *d, nodeid_t node,
                               unsigned int memflags, unsigned long request);

/*
 * After a successful allocation of `allocation` pages on alloc_node:
 * retire from the claim on alloc_node, then from the global claim, then
 * from the other nodes' claims, the largest first (lowest node id on a
 * tie), so that tot_pages + claims never grows past max_pages.
 */
void claims_retire_allocation_locked(struct domain *d, unsigned long allocation,
                                     nodeid_t alloc_node);

/*
 * Recall after offlining: while node_outstanding_claims[node] exceeds
 * node_avail_pages[node], take claims on that node from the domain with
 * the largest claim there; then, while outstanding_claims exceeds
 * total_avail_pages, take global claims the same way.  Returns the pages
 * recalled.
 */
unsigned long claims_recall_locked(struct host *h, nodeid_t node);

/* Claims the domain holds: global + all nodes. */
unsigned long domain_claims_total_locked(const struct domain *d);

/*
 * Shrink the domain's claims so that tot_pages + claims <= max_pages
 * (after max_pages was lowered): the global claim first, then node claims
 * from the highest node id down.
 */
void claims_trim_to_max_pages_locked(struct domain *d);

/*
 * Read the claims back: one entry per node with a non-zero claim in node
 * order, then a GLOBAL entry if the global claim is non-zero.  *nr is the
 * capacity on entry and the count on return; -ERANGE (with *nr set to the
 * count needed) if out is too small.  Takes heap_lock.
 */
int domain_get_claims(struct domain *d, unsigned int *nr, memory_claim_t *out);

#endif /* HV_CLAIMS_H */
