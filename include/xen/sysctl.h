/*
 * Public ABI: system control operations (XEN_SYSCTL_*), control domain only.
 *
 * Shapes follow Xen's public sysctl.h for physinfo, numainfo and the page
 * offline operation, plus one per-node read-back extension.
 */
#ifndef CLAIMSET_PUBLIC_SYSCTL_H
#define CLAIMSET_PUBLIC_SYSCTL_H

#include "xen.h"

#ifdef __cplusplus
extern "C" {
#endif

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

/* XEN_SYSCTL_physinfo */
struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus; /* CPUs online */
    uint32_t max_cpu_id;
    uint32_t nr_nodes;    /* NUMA nodes online */
    uint32_t max_node_id; /* largest node id */
    uint32_t cpu_khz;
    uint32_t capabilities;
    uint32_t arch_capabilities;
    uint32_t pad;
    uint64_aligned_t total_pages;
    uint64_aligned_t free_pages;        /* claimed pages still count as free */
    uint64_aligned_t scrub_pages;       /* free pages waiting to be scrubbed */
    uint64_aligned_t outstanding_pages; /* sum of all claims */
    uint64_aligned_t max_mfn;
    uint32_t hw_cap[8];
};
typedef struct xen_sysctl_physinfo xen_sysctl_physinfo_t;

/* XEN_SYSCTL_numainfo */
#define XEN_INVALID_MEM_SZ    (~0ULL)
#define XEN_INVALID_NODE_DIST (~0U)
struct xen_sysctl_meminfo {
    uint64_aligned_t memsize; /* bytes */
    uint64_aligned_t memfree; /* bytes, claims not deducted */
};
typedef struct xen_sysctl_meminfo xen_sysctl_meminfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_meminfo_t);

struct xen_sysctl_numainfo {
    /* IN: capacity of the arrays; OUT: number of nodes. */
    uint32_t num_nodes;
    XEN_GUEST_HANDLE_64(xen_sysctl_meminfo_t) meminfo;
    /* num_nodes * num_nodes SLIT distances, row by row. */
    XEN_GUEST_HANDLE_64(uint32) distance;
};

/*
 * XEN_SYSCTL_numa_meminfo (claimset extension): per node size, free and
 * claimed memory in bytes, where claimed is the sum of all domains' claims
 * on that node.
 */
struct xen_sysctl_numa_meminfo_entry {
    uint64_aligned_t size;
    uint64_aligned_t free;
    uint64_aligned_t claimed;
};
typedef struct xen_sysctl_numa_meminfo_entry xen_sysctl_numa_meminfo_entry_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_numa_meminfo_entry_t);
struct xen_sysctl_numa_meminfo {
    uint32_t num_nodes; /* IN: capacity; OUT: number of nodes */
    uint32_t pad;
    XEN_GUEST_HANDLE_64(xen_sysctl_numa_meminfo_entry_t) info;
};

/* XEN_SYSCTL_page_offline_op */
struct xen_sysctl_page_offline_op {
#define sysctl_page_offline       1
#define sysctl_page_online        2
#define sysctl_query_page_offline 3
    uint32_t cmd;
    uint32_t start; /* first frame */
    uint32_t end;   /* last frame, inclusive */
    /* OUT: one word per frame; bits 0-15 result, bits 16-31 owner. */
    XEN_GUEST_HANDLE(uint32) status;
};

#define PG_OFFLINE_STATUS_MASK (0xFFUL)
#define PG_OFFLINE_INVALID     (0x1UL << 0)
#define PG_OFFLINE_OFFLINED    (0x1UL << 1)
#define PG_OFFLINE_PENDING     (0x1UL << 2)
#define PG_OFFLINE_FAILED      (0x1UL << 3)
#define PG_OFFLINE_AGAIN       (0x1UL << 4)
#define PG_ONLINE_FAILED       PG_OFFLINE_FAILED
#define PG_ONLINE_ONLINED      PG_OFFLINE_OFFLINED

#define PG_OFFLINE_STATUS_OFFLINED        (0x1UL << 1)
#define PG_OFFLINE_STATUS_ONLINE          (0x1UL << 2)
#define PG_OFFLINE_STATUS_OFFLINE_PENDING (0x1UL << 3)
#define PG_OFFLINE_STATUS_BROKEN          (0x1UL << 4)

#define PG_OFFLINE_MISC_MASK    (0xFFUL << 4)
#define PG_OFFLINE_XENPAGE      (0x1UL << 8)
#define PG_OFFLINE_DOM0PAGE     (0x1UL << 9)
#define PG_OFFLINE_ANONYMOUS    (0x1UL << 10)
#define PG_OFFLINE_NOT_CONV_RAM (0x1UL << 11)
#define PG_OFFLINE_OWNED        (0x1UL << 12)
#define PG_OFFLINE_BROKEN       (0x1UL << 13)
#define PG_ONLINE_BROKEN        PG_OFFLINE_BROKEN
#define PG_OFFLINE_OWNER_SHIFT  16

struct xen_sysctl {
    uint32_t cmd;
#define XEN_SYSCTL_physinfo        3
#define XEN_SYSCTL_page_offline_op 14
#define XEN_SYSCTL_numainfo        17
#define XEN_SYSCTL_numa_meminfo    0x8001 /* claimset extension */
    uint32_t interface_version;           /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_numainfo numainfo;
        struct xen_sysctl_numa_meminfo numa_meminfo;
        struct xen_sysctl_page_offline_op page_offline;
        uint8_t pad[128];
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_t);

#ifdef __cplusplus
}
#endif

#endif /* CLAIMSET_PUBLIC_SYSCTL_H */
