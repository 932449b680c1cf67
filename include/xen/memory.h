/*
 * Public ABI: memory reservation operations (XENMEM_*) and claim entries.
 *
 * Layout and flag bits follow Xen's public memory.h; the claim entry and
 * its selectors follow the claim-set proposal.
 */
#ifndef CLAIMSET_PUBLIC_MEMORY_H
#define CLAIMSET_PUBLIC_MEMORY_H

#include "xen.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Memory op numbers.  The operation may carry a continuation index above
 * MEMOP_EXTENT_SHIFT; the low bits select the operation. */
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_populate_physmap     6
#define XENMEM_exchange             11
#define XENMEM_claim_pages          24
#define MEMOP_EXTENT_SHIFT          6
#define MEMOP_CMD_MASK              ((1U << MEMOP_EXTENT_SHIFT) - 1)

/*
 * mem_flags of struct xen_memory_reservation:
 *  bits 0-7   maximum address width of the frames (0: no limit)
 *  bits 8-15  NUMA node + 1 (0: no node requested)
 *  bit  16    populate-on-demand
 *  bit  17    the node is a hard requirement, not a hint
 *  bit  18    the node number is a virtual node of the domain
 */
#define XENMEMF_address_bits(x)     (x)
#define XENMEMF_get_address_bits(x) ((x)&0xffU)
#define XENMEMF_node(x)             (((x) + 1) << 8)
#define XENMEMF_get_node(x)         ((((x) >> 8) - 1) & 0xffU)
#define XENMEMF_populate_on_demand  (1U << 16)
#define XENMEMF_exact_node_request  (1U << 17)
#define XENMEMF_exact_node(n)       (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode               (1U << 18)

struct xen_memory_reservation {
    /* IN/OUT: guest frame numbers, one per extent (may be NULL for
     * XENMEM_increase_reservation and must be NULL for claims). */
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    /* IN: number of extents (XENMEM_claim_pages: number of pages). */
    xen_ulong_t nr_extents;
    /* IN: each extent is 2^extent_order pages. */
    unsigned int extent_order;
    /* IN: XENMEMF_* flags. */
    unsigned int mem_flags;
    /* IN: the domain to operate on (DOMID_SELF for the caller). */
    domid_t domid;
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation_t);

/*
 * One entry of a claim set: pages to claim and where.  `target` is a NUMA
 * node id or one of the selectors below; `node` is an accepted alias of
 * `target` (the design's examples use it).  `pad` must be zero.
 */
struct xen_memory_claim {
    uint64_aligned_t pages;
    union {
        uint32_t target;
        uint32_t node;
    };
    uint32_t pad;
};
typedef struct xen_memory_claim memory_claim_t;
typedef struct xen_memory_claim xen_memory_claim_t;
DEFINE_XEN_GUEST_HANDLE(memory_claim_t);

/* A host-wide claim, satisfiable from any node. */
#define XEN_DOMCTL_CLAIM_MEMORY_GLOBAL 0x80000000U
/* Single-entry sets only: install with the legacy XENMEM_claim_pages rules. */
#define XEN_DOMCTL_CLAIM_MEMORY_LEGACY 0x40000000U

#ifdef __cplusplus
}
#endif

#endif /* CLAIMSET_PUBLIC_MEMORY_H */
