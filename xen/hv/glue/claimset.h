/*
 * Claim sets in Xen: what the hooked Xen files call.
 *
 * Installed as include/xen/claimset.h.  The semantic patches in
 * xen/hv/cocci/ add an include of it to common/page_alloc.c,
 * common/domain.c and common/domctl.c, and calls to the hooks below at
 * the points they describe.  The functions live in
 * common/claimset/claimset_xen.c (glue) and in the claims engine files
 * (install.c, retire.c) shared with the simulator.
 */
#ifndef __XEN_CLAIMSET_H__
#define __XEN_CLAIMSET_H__

/* struct domain's users include it before this (numa.h needs mm.h). */
#include <xen/sched.h>

struct domain;

/*
 * The heap's counters the engine works on.  total_avail_pages and
 * outstanding_claims replace the allocator's own file-scope counters of
 * those names; the per-node ones are kept next to them by the hooks.
 * All fields are protected by heap_lock.
 */
struct claims_host {
    unsigned long total_avail_pages;
    unsigned long outstanding_claims;
    unsigned long node_avail_pages[MAX_NUMNODES];
    unsigned long node_outstanding_claims[MAX_NUMNODES];
    struct {
        unsigned long claims_retired;
        unsigned long claims_recalled;
    } stats;
};
extern struct claims_host claimset_host;

/* alloc_heap_pages(): may d take request pages host-wide? */
bool claimset_host_refuses(const struct domain *d, unsigned int memflags, unsigned long request);
/* get_free_buddy(): may d take 2^order pages on node? */
bool claimset_node_refuses(const struct domain *d, unsigned int node, unsigned int memflags,
                           unsigned int order);
/* alloc_heap_pages(): pages left node's free pool for d; retire claims. */
void claimset_heap_taken(struct domain *d, unsigned int memflags, unsigned int node,
                         unsigned long pages);
/* free_heap_pages(): pages came back to node's free pool. */
void claimset_heap_returned(unsigned int node, unsigned long pages);
/* reserve_offlined_page(): one free page of node went offline. */
void claimset_heap_offlined(unsigned int node);
/* XEN_DOMCTL_max_mem: keep tot_pages + claims <= max_pages. */
void claimset_max_pages_changed(struct domain *d);

/* getdomaininfo: the domain's claims, global + nodes (takes heap_lock). */
unsigned long domain_claims_total(const struct domain *d);
/* domain_kill(): release every claim (the engine's; takes the locks). */
void domain_release_claims(struct domain *d);

#endif /* __XEN_CLAIMSET_H__ */
