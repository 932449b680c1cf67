/*
 * Claim sets: the domctl ABI added to Xen's public interface.
 *
 * Installed as include/public/claimsctl.h and included by public/domctl.h.
 * Values follow the claim-set design: XEN_DOMCTL_claim_memory (91) with
 * xen_memory_claim entries whose target is a NUMA node id or one of the
 * two selectors; plus the read-back extension of this project,
 * XEN_DOMCTL_get_claims and XEN_DOMCTL_get_node_pages, numbered above
 * Xen's own range so they cannot collide with a future upstream domctl.
 * The domctl interface version is left unchanged: these are new commands,
 * no existing structure changes.
 */
#ifndef __XEN_PUBLIC_CLAIMSCTL_H__
#define __XEN_PUBLIC_CLAIMSCTL_H__

#include "xen.h"

#if defined(__XEN__) || defined(__XEN_TOOLS__)

/* One entry of a claim set.  pad must be zero. */
struct xen_memory_claim {
    uint64_aligned_t pages;
    uint32_t target; /* node id, or a selector below */
    uint32_t pad;
};
typedef struct xen_memory_claim memory_claim_t;
DEFINE_XEN_GUEST_HANDLE(memory_claim_t);

/* A host-wide claim, satisfiable from any node. */
#define XEN_DOMCTL_CLAIM_MEMORY_GLOBAL 0x80000000U
/* A single-entry set installed with the rules of XENMEM_claim_pages. */
#define XEN_DOMCTL_CLAIM_MEMORY_LEGACY 0x40000000U

/*
 * XEN_DOMCTL_claim_memory: replace the domain's claims with the set, all
 * or nothing.  Errors: -EINVAL (no entries, non-zero pad, a target twice,
 * an unknown selector, LEGACY in a larger set, overflow, tot_pages +
 * claims > max_pages), -E2BIG (more than MAX_NUMNODES + 1 entries),
 * -ENOENT (a node that is not online), -ENOMEM (not enough unclaimed
 * memory on a node or on the host), -ESRCH (the domain is dying).
 */
#define XEN_DOMCTL_claim_memory 91
struct xen_domctl_claim_memory {
    XEN_GUEST_HANDLE_64(memory_claim_t) claims;
    uint32_t nr_claims;
    uint32_t pad;
};

/*
 * XEN_DOMCTL_get_claims (read-back extension): IN nr_claims is the
 * capacity of claims; OUT the number of entries, one per node holding a
 * claim in node order, then a GLOBAL entry if the global claim is
 * non-zero.  -ERANGE (with nr_claims set to the count needed) when the
 * buffer is too small.
 */
#define XEN_DOMCTL_get_claims 0x8001
struct xen_domctl_get_claims {
    XEN_GUEST_HANDLE_64(memory_claim_t) claims;
    uint32_t nr_claims;
    uint32_t pad;
};

/*
 * XEN_DOMCTL_get_node_pages (read-back extension): pages the domain holds
 * on each node.  IN nr_nodes is the capacity of pages; OUT the number of
 * nodes (highest online node id + 1); -ERANGE when too small.
 */
#define XEN_DOMCTL_get_node_pages 0x8002
struct xen_domctl_get_node_pages {
    XEN_GUEST_HANDLE_64(uint64) pages;
    uint32_t nr_nodes;
    uint32_t pad;
};

#endif /* __XEN__ || __XEN_TOOLS__ */

#endif /* __XEN_PUBLIC_CLAIMSCTL_H__ */
