/*
 * The claim-set tests' view of a hypervisor: a handful of operations
 * with plain types, implemented twice -- over the real libxenctrl and
 * libxencall of a Xen host (backend_xen.c) and over this project's
 * in-process simulator (backend_sim.c) -- so that the same tests and the
 * same differential scenario run on both.
 *
 * Conventions: 0 (or a count) on success, -errno on failure.
 */
#ifndef XENHV_BACKEND_H
#define XENHV_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#define CS_GLOBAL    0x80000000U /* XEN_DOMCTL_CLAIM_MEMORY_GLOBAL */
#define CS_LEGACY    0x40000000U /* XEN_DOMCTL_CLAIM_MEMORY_LEGACY */
#define CS_MAX_NODES 64

struct cs_claim {
    uint64_t pages;
    uint32_t target; /* node id or CS_GLOBAL / CS_LEGACY */
    uint32_t pad;
};

struct cs_dominfo {
    uint64_t tot_pages, max_pages, outstanding_pages;
};

/* Name of the backend ("xen" or "sim") and whether page offlining is
 * available on it. */
const char *cs_backend(void);
bool cs_can_offline(void);
/* Status bits of XEN_SYSCTL_page_offline_op (Xen's public sysctl.h). */
#define CS_PG_OFFLINE_OFFLINED (1U << 1)
#define CS_PG_OFFLINE_PENDING  (1U << 2)

int cs_open(void);
void cs_close(void);
/* A paused PV domain with max_pages pages. */
int cs_domain_new(uint32_t *domid, uint64_t max_pages);
int cs_domain_destroy(uint32_t domid);
int cs_setmaxmem(uint32_t domid, uint64_t max_pages);
int cs_dominfo(uint32_t domid, struct cs_dominfo *info);

int cs_claim_memory(uint32_t domid, uint32_t nr, const struct cs_claim *claims);
/* The raw domctl with any nr_claims/pad (for boundary tests). */
int cs_claim_memory_raw(uint32_t domid, uint32_t nr, uint32_t pad, const struct cs_claim *claims);
int cs_claim_pages(uint32_t domid, uint64_t pages);
/* *nr: capacity in, count out. */
int cs_get_claims(uint32_t domid, uint32_t *nr, struct cs_claim *out);

/*
 * Populate nr extents of 2^order pages from gfn on; node < 0 for no node,
 * exact for XENMEMF_exact_node.  Returns the extents done (partial
 * success is normal) or -errno.  frames (nr entries, may be NULL) gets
 * what cs_decrease() needs to give the extents back.
 */
long cs_populate(uint32_t domid, int node, bool exact, unsigned int order, unsigned long nr,
                 uint64_t gfn, uint64_t *frames);
int cs_decrease(uint32_t domid, unsigned int order, unsigned long nr, const uint64_t *frames);

/* Host: free pages (claimed ones included) and the sum of all claims. */
int cs_host(uint64_t *free_pages, uint64_t *outstanding);
/* Free pages of a node (claimed ones included); number of nodes. */
int cs_node_free(unsigned int node, uint64_t *free_pages);
int cs_nr_nodes(void);
/* Sum of all domains' claims on a node, in pages (read-back extension
 * XEN_SYSCTL_numa_meminfo). */
int cs_node_claimed(unsigned int node, uint64_t *pages);
/* Pages the domain holds on each of the first nr nodes. */
int cs_node_pages(uint32_t domid, unsigned int nr, uint64_t *pages);

/* Machine frame of a populated frame (what cs_populate() stored). */
uint64_t cs_frame_mfn(uint64_t frame);
/* Page offlining (sysctl page_offline_op); status as Xen reports it. */
int cs_page_offline(uint64_t mfn, uint32_t *status);
int cs_page_online(uint64_t mfn, uint32_t *status);

/*
 * The toolstack's Xen backend (tools/xen): its probe for claim sets and
 * its claim-set call.  -ENOSYS where there is no such backend (the
 * simulator is the toolstack's other home).
 */
int cs_toolstack_probe(bool *claim_sets, int *probe_errno);
int cs_toolstack_claim(uint32_t domid, uint32_t nr, const struct cs_claim *claims);

#endif /* XENHV_BACKEND_H */
