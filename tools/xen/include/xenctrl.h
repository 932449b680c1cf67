/*
 * The Xen backend's <xenctrl.h>: the system's libxenctrl header (Xen
 * 4.17 on Debian 12) plus what the project's own xenctrl.h offers and
 * 4.17 lacks, so that the domain builder and the placement advisor
 * compile unchanged against either.
 *
 * This directory comes first on the include path of the Xen build and
 * the project's include/ comes last (after the system directories), so
 * <xenctrl.h> and <xen/...> are the system's, and <claimset/xenguest.h>
 * and <claimset/advisor.h> are the project's.
 *
 * What 4.17 lacks and is provided here (tools/xen/compat.c):
 *   xc_domain_getinfo_single   over xc_domain_getinfolist()
 *   xc_domain_claim_memory     XEN_DOMCTL_claim_memory when the running
 *                              hypervisor has it (probed once), else a
 *                              legacy host-wide claim of the same total
 *   xc_domain_get_claims       the same two ways
 *   xc_numa_meminfo            over xc_numainfo() (claimed: 0 per node
 *                              without claim sets, where every claim is
 *                              host-wide)
 * and xc_domain_populate_physmap() is routed through an observer that
 * records where the machine frames landed (tools/xen/observe.c).
 */
#ifndef CLAIMSET_XEN_ADAPTER_XENCTRL_H
#define CLAIMSET_XEN_ADAPTER_XENCTRL_H

#include_next <xenctrl.h>

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof(*(a)))
#endif

/* One claim-set entry, as the proposed XEN_DOMCTL_claim_memory takes it. */
#ifndef XEN_DOMCTL_CLAIM_MEMORY_GLOBAL
struct xen_memory_claim {
    uint64_aligned_t pages;
    union {
        uint32_t target;
        uint32_t node;
    };
    uint32_t pad;
};
typedef struct xen_memory_claim memory_claim_t;
#define XEN_DOMCTL_CLAIM_MEMORY_GLOBAL 0x80000000U
#define XEN_DOMCTL_CLAIM_MEMORY_LEGACY 0x40000000U
#endif
#ifndef XEN_DOMCTL_claim_memory
#define XEN_DOMCTL_claim_memory 91
#endif

/* Per node memory in bytes; claimed is the sum of the node claims. */
typedef struct xc_numa_meminfo {
    uint64_t size, free, claimed;
} xc_numa_meminfo_t;

int xc_domain_getinfo_single(xc_interface *xch, uint32_t domid, xc_domaininfo_t *info);
int xc_domain_claim_memory(xc_interface *xch, uint32_t domid, uint32_t nr_claims,
                           memory_claim_t *claims);
int xc_domain_get_claims(xc_interface *xch, uint32_t domid, uint32_t *nr_claims,
                         memory_claim_t *claims);
int xc_numa_meminfo(xc_interface *xch, unsigned *nr_nodes, xc_numa_meminfo_t *info);

/* Two calls are routed through the adapter (the real ones stay
 * reachable for the adapter itself):
 *   populate   observed: where the machine frames landed (observe.c);
 *   numainfo   either array may be NULL, as in the project's library
 *              (4.17 wants both or neither). */
int cs_xen_populate_physmap(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
                            unsigned int extent_order, unsigned int mem_flags,
                            xen_pfn_t *extent_start);
int cs_xen_numainfo(xc_interface *xch, unsigned *max_nodes, xc_meminfo_t *meminfo,
                    uint32_t *distance);
#ifndef CS_XEN_REAL_CALLS
#define xc_domain_populate_physmap cs_xen_populate_physmap
#define xc_numainfo                cs_xen_numainfo
#endif

#ifdef __cplusplus
}
#endif

#endif /* CLAIMSET_XEN_ADAPTER_XENCTRL_H */
