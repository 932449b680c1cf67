/*
 * The toolstack library: libxenctrl's names, types and calling conventions
 * on top of a simulated Xen host that lives inside the calling process.
 *
 * Conventions (as libxenctrl): a function returns 0, a count or a pointer
 * on success; on failure -1 (or NULL) with errno set.  A hypercall that
 * fails with -E makes the function fail with errno E.  Every buffer the
 * caller passes is made accessible to the hypervisor with exactly the size
 * the arguments imply (e.g. nr_extents * sizeof(xen_pfn_t)); the
 * hypervisor never touches memory beyond it, and a size that does not fit
 * in size_t fails with EINVAL before any hypercall.  Bad arguments
 * (including NULL pointers that libxenctrl would dereference) fail with
 * EINVAL or the hypervisor's error and change nothing.
 *
 * The host: created on the first xc_interface_open() of the process from
 * CLAIMSET_TOPOLOGY (grammar in docs/api.md) or the built-in default, then
 * shared by every handle and thread of the process.  It stays alive until
 * the process exits, also after the last handle is closed.  The caller
 * acts as the control domain (domid 0).  <claimset/claimset.h> makes more
 * hosts and guest handles.
 *
 * Includes only standard headers and the project's public Xen headers.
 */
#ifndef CLAIMSET_XENCTRL_H
#define CLAIMSET_XENCTRL_H

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/memory.h>
#include <xen/sysctl.h>
#include <xentoollog.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility; its API is exported. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#define XC_PAGE_SHIFT 12
#define XC_PAGE_SIZE  (1UL << XC_PAGE_SHIFT)
#define XC_PAGE_MASK  (~(XC_PAGE_SIZE - 1))

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof(*(a)))
#endif

/* A handle.  Opaque; any number may be open, from any threads. */
typedef struct xc_interface_core xc_interface;

typedef xen_sysctl_physinfo_t xc_physinfo_t;
typedef xen_sysctl_meminfo_t xc_meminfo_t;
typedef xen_domctl_getdomaininfo_t xc_domaininfo_t;

/* Byte bitmaps, bit n of byte n / 8 for node (or CPU) n. */
typedef uint8_t *xc_nodemap_t;
typedef uint8_t *xc_cpumap_t;

/* Per node memory in bytes; claimed is the sum of all domains' claims
 * on the node (claimset extension). */
typedef struct xc_numa_meminfo {
    uint64_t size, free, claimed;
} xc_numa_meminfo_t;

/* ---------------------------------------------------------------------
 * Handles
 * ------------------------------------------------------------------ */

/* Flags accepted for compatibility; they change nothing here. */
#define XC_OPENFLAG_DUMMY         (1U << 0)
#define XC_OPENFLAG_NON_REENTRANT (1U << 1)

/*
 * Open a handle on the process's host, creating the host on the first
 * call.  Loggers may be NULL (nothing is logged); dombuild_logger is
 * accepted and unused.  Fails with NULL and errno EINVAL when
 * CLAIMSET_TOPOLOGY is malformed (one line on stderr names the problem;
 * a later call with a fixed value succeeds), ENOMEM when memory runs out.
 */
xc_interface *xc_interface_open(xentoollog_logger *logger, xentoollog_logger *dombuild_logger,
                                unsigned open_flags);
/* Close a handle (NULL is harmless).  Returns 0.  The host stays. */
int xc_interface_close(xc_interface *xch);
/* Text for an errno value (strerror's). */
const char *xc_strerror(xc_interface *xch, int errcode);

/* ---------------------------------------------------------------------
 * Domains (control domain only; a guest handle gets EPERM)
 * ------------------------------------------------------------------ */

/*
 * Create a paused domain with max_pages 0.  *pdomid 0 picks a free domid;
 * on success *pdomid is the new domid and *config what the hypervisor
 * stored.  A zero-initialised config with max_vcpus = 1 is valid.
 */
int xc_domain_create(xc_interface *xch, uint32_t *pdomid, struct xen_domctl_createdomain *config);
/* Destroy a domain: its claims are released and its memory freed. */
int xc_domain_destroy(xc_interface *xch, uint32_t domid);
int xc_domain_pause(xc_interface *xch, uint32_t domid);
int xc_domain_unpause(xc_interface *xch, uint32_t domid);
/* The same as xc_domain_unpause() (the name the design's example uses). */
int xc_unpause_domain(xc_interface *xch, uint32_t domid);

/* Set the domain's max_pages to max_memkb / 4.  Lowering it below what
 * the domain holds is allowed (further allocations fail) and trims its
 * claims so that held + claimed <= max. */
int xc_domain_setmaxmem(xc_interface *xch, uint32_t domid, uint64_t max_memkb);

/* The domain's state (domain, flags, tot_pages, max_pages,
 * outstanding_pages = all its claims, ...); info may be NULL to test
 * whether the domain exists (ESRCH if not). */
int xc_domain_getinfo_single(xc_interface *xch, uint32_t domid, xc_domaininfo_t *info);

/* Node affinity from/to a nodemap of xc_get_nodemap_size() bytes. */
int xc_domain_node_setaffinity(xc_interface *xch, uint32_t domid, xc_nodemap_t nodemap);
int xc_domain_node_getaffinity(xc_interface *xch, uint32_t domid, xc_nodemap_t nodemap);

/* ---------------------------------------------------------------------
 * Claims
 * ------------------------------------------------------------------ */

/*
 * Legacy claim (XENMEM_claim_pages): nr_pages is the domain's absolute
 * target; the claim stored is nr_pages minus the pages it holds.  0
 * releases every claim.  EINVAL when a claim is already held, nr_pages
 * <= pages held or > max_pages; ENOMEM when unclaimed memory is short.
 */
int xc_domain_claim_pages(xc_interface *xch, uint32_t domid, unsigned long nr_pages);

/*
 * Install a claim set (XEN_DOMCTL_claim_memory), replacing the domain's
 * claims, all or nothing.  claims: nr_claims entries, each a node id or
 * XEN_DOMCTL_CLAIM_MEMORY_GLOBAL (or one XEN_DOMCTL_CLAIM_MEMORY_LEGACY
 * entry).  {.pages = 0, .target = GLOBAL} alone releases every claim.
 * Errors: ENOENT (node not present), EINVAL (duplicate, padding, unknown
 * selector, max_pages), ENOMEM (not enough unclaimed memory), E2BIG (more
 * than 65 entries), EFAULT (claims NULL), ESRCH (no such or dying domain).
 */
int xc_domain_claim_memory(xc_interface *xch, uint32_t domid, uint32_t nr_claims,
                           memory_claim_t *claims);

/*
 * Read the domain's claims back (claimset extension).  *nr_claims: in,
 * the capacity of claims; out, the number of entries: one per node with a
 * non-zero claim in node order, then one GLOBAL entry if the global claim
 * is non-zero.  Too small a buffer: -1, ERANGE, *nr_claims = entries
 * needed (so capacity 0 with claims NULL asks for the count).
 */
int xc_domain_get_claims(xc_interface *xch, uint32_t domid, uint32_t *nr_claims,
                         memory_claim_t *claims);

/* ---------------------------------------------------------------------
 * Memory reservation
 * ------------------------------------------------------------------ */

/*
 * Populate nr_extents extents of 2^extent_order pages at the guest frames
 * listed in extent_start (frame numbers are not written back: guests are
 * translated).  mem_flags: XENMEMF_node(n), XENMEMF_exact_node(n),
 * XENMEMF_address_bits(b).  Returns the number of extents populated,
 * which may be fewer than asked (out of memory, max_pages, a frame
 * already populated).  As in Xen, an unknown domain, too large an order
 * or a NULL list give 0; -1 with errno for bad flags (EINVAL,
 * EOPNOTSUPP), a guest acting on another domain (EPERM), and nr_extents
 * above INT_MAX (EINVAL).
 */
int xc_domain_populate_physmap(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
                               unsigned int extent_order, unsigned int mem_flags,
                               xen_pfn_t *extent_start);
/* 0 when every extent was populated; a partial result is -1, EBUSY (the
 * extents done stay populated). */
int xc_domain_populate_physmap_exact(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
                                     unsigned int extent_order, unsigned int mem_flags,
                                     xen_pfn_t *extent_start);

/* XENMEM_increase_reservation: here the same as populate (every frame
 * of this model lives in the physmap, so extent_start lists guest frames
 * and NULL does nothing).  _exact: partial is -1, ENOMEM. */
int xc_domain_increase_reservation(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
                                   unsigned int extent_order, unsigned int mem_flags,
                                   xen_pfn_t *extent_start);
int xc_domain_increase_reservation_exact(xc_interface *xch, uint32_t domid,
                                         unsigned long nr_extents, unsigned int extent_order,
                                         unsigned int mem_flags, xen_pfn_t *extent_start);

/*
 * Remove extents at the listed guest frames and free them.  Returns the
 * number removed; extent_start NULL is -1, EINVAL.  Freeing gives no
 * claim back.  _exact: partial is -1, EINVAL.
 */
int xc_domain_decrease_reservation(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
                                   unsigned int extent_order, xen_pfn_t *extent_start);
int xc_domain_decrease_reservation_exact(xc_interface *xch, uint32_t domid,
                                         unsigned long nr_extents, unsigned int extent_order,
                                         xen_pfn_t *extent_start);

/* ---------------------------------------------------------------------
 * The host
 * ------------------------------------------------------------------ */

/* Host-wide pages: total, free (claimed pages count as free), scrub,
 * outstanding (sum of all claims), node count and largest node id. */
int xc_physinfo(xc_interface *xch, xc_physinfo_t *info);

/*
 * NUMA layout.  *max_nodes: in, the capacity of meminfo (entries) and of
 * distance (*max_nodes squared entries, row by row); out, the number of
 * nodes filled.  As in Xen, a capacity below the node count is not an
 * error: the first *max_nodes nodes are filled (distance rows then have
 * *max_nodes entries).  Either array may be NULL; both NULL sets
 * *max_nodes to the node count.
 */
int xc_numainfo(xc_interface *xch, unsigned *max_nodes, xc_meminfo_t *meminfo, uint32_t *distance);

/* Per node size, free and claimed bytes (claimset extension).  *nr_nodes
 * as *max_nodes of xc_numainfo(); info NULL sets it to the node count. */
int xc_numa_meminfo(xc_interface *xch, unsigned *nr_nodes, xc_numa_meminfo_t *info);

/* Number of node ids (largest id + 1), or -1; nodemap bytes, or -1; a
 * zeroed nodemap for this host (free() it), or NULL. */
int xc_get_max_nodes(xc_interface *xch);
int xc_get_nodemap_size(xc_interface *xch);
xc_nodemap_t xc_nodemap_alloc(xc_interface *xch);

/*
 * Page offlining on machine frames start..end inclusive; status has
 * end - start + 1 entries of PG_OFFLINE_* bits (result, and the owner
 * above PG_OFFLINE_OWNER_SHIFT).  NULL status, end < start, or a frame
 * number above 2^32 - 1: -1, EINVAL.
 */
int xc_mark_page_offline(xc_interface *xch, unsigned long start, unsigned long end,
                         uint32_t *status);
int xc_mark_page_online(xc_interface *xch, unsigned long start, unsigned long end,
                        uint32_t *status);
int xc_query_page_offline_status(xc_interface *xch, unsigned long start, unsigned long end,
                                 uint32_t *status);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* CLAIMSET_XENCTRL_H */
