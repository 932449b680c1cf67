/*
 * Public ABI: domain control operations (XEN_DOMCTL_*), control domain only.
 *
 * Shapes follow Xen's public domctl.h for the operations this project
 * implements, plus the claim-set domctl from the proposal and one
 * read-back extension marked as such.
 */
#ifndef CLAIMSET_PUBLIC_DOMCTL_H
#define CLAIMSET_PUBLIC_DOMCTL_H

#include "xen.h"
#include "memory.h"

#ifdef __cplusplus
extern "C" {
#endif

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000017

/* A bitmap in the caller's memory (used for node maps). */
struct xenctl_bitmap {
    XEN_GUEST_HANDLE_64(uint8) bitmap;
    uint32_t nr_bits;
};

/* XEN_DOMCTL_createdomain */
#define XEN_DOMCTL_CDF_hvm          (1U << 0)
#define XEN_DOMCTL_CDF_hap          (1U << 1)
#define XEN_DOMCTL_CDF_s3_integrity (1U << 2)
#define XEN_DOMCTL_CDF_oos_off      (1U << 3)
#define XEN_DOMCTL_CDF_xs_domain    (1U << 4)
#define XEN_DOMCTL_CDF_iommu        (1U << 5)
#define XEN_DOMCTL_CDF_nested_virt  (1U << 6)
#define XEN_DOMCTL_CDF_vpmu         (1U << 7)
#define XEN_DOMCTL_CDF_MAX          XEN_DOMCTL_CDF_vpmu

struct xen_arch_domainconfig {
    uint32_t emulation_flags;
    uint32_t misc_flags;
};

struct xen_domctl_createdomain {
    uint32_t ssidref;
    uint8_t handle[16];
    uint32_t flags; /* XEN_DOMCTL_CDF_* */
    uint32_t iommu_opts;
    uint32_t max_vcpus; /* must be at least 1 */
    uint32_t max_evtchn_port;
    int32_t max_grant_frames;
    int32_t max_maptrack_frames;
    uint32_t grant_opts;
    uint32_t vmtrace_size;
    uint32_t cpupool_id;
    struct xen_arch_domainconfig arch;
};

/* XEN_DOMCTL_getdomaininfo */
#define XEN_DOMINF_dying     (1U << 0)
#define XEN_DOMINF_hvm_guest (1U << 1)
#define XEN_DOMINF_shutdown  (1U << 2)
#define XEN_DOMINF_paused    (1U << 3)
#define XEN_DOMINF_blocked   (1U << 4)
#define XEN_DOMINF_running   (1U << 5)

struct xen_domctl_getdomaininfo {
    domid_t domain; /* OUT */
    uint16_t pad1;
    uint32_t flags; /* XEN_DOMINF_* */
    uint64_aligned_t tot_pages;
    uint64_aligned_t max_pages;
    uint64_aligned_t outstanding_pages; /* all claims: global + per node */
    uint64_aligned_t shr_pages;
    uint64_aligned_t paged_pages;
    uint64_aligned_t shared_info_frame;
    uint64_aligned_t cpu_time;
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    uint8_t handle[16];
    uint32_t cpupool;
    uint8_t gpaddr_bits;
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_getdomaininfo_t);

/* XEN_DOMCTL_max_mem */
struct xen_domctl_max_mem {
    uint64_aligned_t max_memkb;
};

/* XEN_DOMCTL_setnodeaffinity / XEN_DOMCTL_getnodeaffinity */
struct xen_domctl_nodeaffinity {
    struct xenctl_bitmap nodemap;
};

/* XEN_DOMCTL_claim_memory: install a claim set (replaces the old one). */
struct xen_domctl_claim_memory {
    XEN_GUEST_HANDLE_64(memory_claim_t) claims;
    uint32_t nr_claims;
    uint32_t pad; /* must be zero */
};

/*
 * XEN_DOMCTL_get_claims (claimset extension): read the domain's claims
 * back.  IN: nr_claims is the capacity of `claims`.  OUT: nr_claims is the
 * number of entries (one per node with a non-zero claim, then one GLOBAL
 * entry if the global claim is non-zero); -ERANGE if they did not fit.
 */
struct xen_domctl_get_claims {
    XEN_GUEST_HANDLE_64(memory_claim_t) claims;
    uint32_t nr_claims;
    uint32_t pad;
};

/*
 * XEN_DOMCTL_get_node_pages (claimset extension): pages the domain holds
 * on each node.  IN: nr_nodes is the capacity of `pages`; OUT: the number
 * of nodes of the host (-ERANGE when the buffer is too small).
 */
struct xen_domctl_get_node_pages {
    XEN_GUEST_HANDLE_64(uint64) pages;
    uint32_t nr_nodes;
    uint32_t pad;
};

struct xen_domctl {
    uint32_t cmd;
#define XEN_DOMCTL_createdomain    1
#define XEN_DOMCTL_destroydomain   2
#define XEN_DOMCTL_pausedomain     3
#define XEN_DOMCTL_unpausedomain   4
#define XEN_DOMCTL_getdomaininfo   5
#define XEN_DOMCTL_max_mem         11
#define XEN_DOMCTL_setnodeaffinity 68
#define XEN_DOMCTL_getnodeaffinity 69
#define XEN_DOMCTL_claim_memory    91
#define XEN_DOMCTL_get_claims      0x8001 /* claimset extension */
#define XEN_DOMCTL_get_node_pages  0x8002 /* claimset extension */
    uint32_t interface_version;           /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_nodeaffinity nodeaffinity;
        struct xen_domctl_claim_memory claim_memory;
        struct xen_domctl_get_claims get_claims;
        struct xen_domctl_get_node_pages get_node_pages;
        uint8_t pad[128];
    } u;
};
typedef struct xen_domctl xen_domctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_t);

#ifdef __cplusplus
}
#endif

#endif /* CLAIMSET_PUBLIC_DOMCTL_H */
