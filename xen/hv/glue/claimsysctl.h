/*
 * Claim sets: the read-back of per-node claims host-wide, added to Xen's
 * public sysctl interface.  Installed as include/public/claimsysctl.h;
 * only the claim-set glue includes it (the sysctl's structures are not
 * added to xen_sysctl's union, whose 128-byte pad holds them).
 */
#ifndef __XEN_PUBLIC_CLAIMSYSCTL_H__
#define __XEN_PUBLIC_CLAIMSYSCTL_H__

#include "xen.h"

#if defined(__XEN__) || defined(__XEN_TOOLS__)

/*
 * XEN_SYSCTL_numa_meminfo (read-back extension): per node, its size, its
 * free memory and the sum of all domains' claims on it, in bytes.  IN:
 * num_nodes is the capacity of info; OUT: the entries filled (a smaller
 * capacity fills the first nodes).  A null info handle returns the node
 * count (highest online node id + 1).  -EINVAL for a non-zero pad.
 */
#define XEN_SYSCTL_numa_meminfo 0x8001
struct xen_sysctl_numa_meminfo_entry {
    uint64_aligned_t size;
    uint64_aligned_t free;
    uint64_aligned_t claimed;
};
typedef struct xen_sysctl_numa_meminfo_entry xen_sysctl_numa_meminfo_entry_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_numa_meminfo_entry_t);
struct xen_sysctl_numa_meminfo {
    uint32_t num_nodes;
    uint32_t pad;
    XEN_GUEST_HANDLE_64(xen_sysctl_numa_meminfo_entry_t) info;
};

#endif /* __XEN__ || __XEN_TOOLS__ */

#endif /* __XEN_PUBLIC_CLAIMSYSCTL_H__ */
