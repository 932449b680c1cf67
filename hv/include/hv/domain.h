/*
 * Domains: lifetime, limits, node affinity, physmap and memory
 * reservation operations.
 *
 * Lifetime: domains[] holds one reference; domain_get() takes another for
 * the duration of a call.  domain_destroy() marks the domain dying, drops
 * its claims, frees its memory, removes it from the table and drops the
 * table's reference; the struct goes when the last reference does.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <stdatomic.h>

#include "host.h"
#include "lock.h"
#include "p2m.h"
#include "types.h"

/* A run of frames allocated to a domain outside its physmap. */
struct frame_run {
    mfn_t mfn;
    unsigned int order;
};
struct frame_runs {
    struct frame_run *v;
    size_t nr, cap;
};

struct domain {
    /* [I] */
    struct host *host;
    domid_t domain_id;
    unsigned int max_vcpus;
    uint32_t create_flags;
    uint32_t ssidref;
    uint8_t handle[16];

    atomic_uint refcnt; /* [A] */

    struct hv_lock page_alloc_lock; /* recursive; subkey = domid */
    struct p2m p2m;                 /* [P] */
    struct frame_runs extra;        /* [P] counted-out (MEMF_no_refcount) runs */
    struct frame_runs xen_pages;    /* [P] hypervisor memory for this domain */
    bool is_paused;                 /* [P] */
    bool creation_finished;         /* [P] first unpause done */

    /* [PH] written under page_alloc_lock and heap_lock. */
    atomic_bool is_dying;    /* read anywhere */
    unsigned long tot_pages; /* frames counted against the domain */
    unsigned long max_pages;
    unsigned long extra_pages; /* MEMF_no_refcount frames */
    nodemask_t node_affinity;
    bool auto_node_affinity; /* affinity follows node_online_map */

    /* [H] Claims (accounting.rst) and placement. */
    unsigned long global_claims;
    unsigned long node_claims; /* sum of claims[] */
    unsigned long claims[MAX_NUMNODES];
    unsigned long node_pages[MAX_NUMNODES]; /* tot_pages by node */
    nodeid_t last_alloc_node;
    struct domain *heap_next, *heap_prev; /* host->heap_domains */
};

struct domain_config {
    bool control;           /* the control domain: id 0, running, no memory */
    unsigned int max_vcpus; /* >= 1 */
    uint32_t flags;         /* XEN_DOMCTL_CDF_* */
    uint32_t ssidref;
    uint8_t handle[16];
};

/*
 * Create a domain.  *domid == 0 picks the lowest free id above the last
 * one handed out (wrapping, never 0); otherwise that id is used (-EEXIST
 * if taken, -EINVAL if reserved).  cfg->control creates the control
 * domain instead: id 0, already running; it owns no memory.  -EINVAL for max_vcpus == 0 or unknown
 * flags; -ENOMEM when the domain's hypervisor pages cannot be allocated.  New domains are paused,
 * with max_pages 0 and automatic node affinity.
 */
int domain_create(struct host *h, domid_t *domid, const struct domain_config *cfg);

/* A referenced domain, or NULL.  Dying domains are returned too. */
struct domain *domain_get(struct host *h, domid_t domid);
void domain_put(struct domain *d);

/* Destroy: -ESRCH if no such domain (or already being destroyed). */
int domain_destroy(struct host *h, domid_t domid);

/*
 * For host_destroy() only: take the domain out of the host without giving
 * its memory back (the host's heap is freed whole next) and drop the
 * table's reference.  Nothing else may run on the host.  No-op for an
 * empty slot.
 */
void domain_abandon(struct host *h, domid_t domid);

int domain_pause(struct domain *d);
int domain_unpause(struct domain *d);

/*
 * Set max_pages.  Lowering it below tot_pages is allowed (as in Xen);
 * claims are trimmed so that tot_pages + claims <= max_pages still holds.
 */
int domain_set_max_pages(struct domain *d, unsigned long max_pages);

/*
 * Set the node affinity.  -EINVAL if the mask has no online node; only a
 * completely full mask (all MAX_NUMNODES bits, Xen's nodes_full()) switches
 * back to automatic affinity.  Bits of absent nodes are kept and ignored
 * when allocating.
 */
int domain_set_node_affinity(struct domain *d, nodemask_t mask);
nodemask_t domain_get_node_affinity(struct domain *d);

/*
 * Allocate one extent of 2^order frames (Xen's alloc_domheap_pages()).
 * Refuses a dying domain (-ESRCH) or one whose tot_pages would pass
 * max_pages (-E2BIG) before touching the heap, so no claim is consumed by
 * a refused request; -ENOMEM when the heap (or claims) cannot serve it.
 * memflags as for alloc_heap_pages(), with MEMF_bits selecting the highest
 * zone.  *dirty (when not NULL) gets how many of the frames were dirty, as
 * alloc_heap_pages_dirty() tells.  Caller holds d->page_alloc_lock.
 */
int alloc_domheap_pages(struct domain *d, unsigned int order, unsigned int memflags, mfn_t *mfn,
                        unsigned long *dirty);

/*
 * Free [mfn, mfn + nr), frames the domain owns (a physmap run), as the
 * largest aligned chunks that stay within a node; flags as for
 * free_heap_pages().  Caller holds d->page_alloc_lock.
 */
void free_domheap_run(struct domain *d, mfn_t mfn, unsigned long nr, unsigned int flags);

/*
 * Frames for the domain that are not counted against it (MEMF_no_refcount,
 * like a paging pool): only unclaimed memory, no claim retired, not in the
 * physmap; freed when the domain is destroyed.  0 or -errno.
 */
int domain_alloc_extra_pages(struct domain *d, unsigned int order, unsigned int memflags,
                             mfn_t *mfn);

/*
 * Populate one extent of the physmap at gfn: allocate and map.  While the
 * domain is still being built (never unpaused) the allocation takes dirty
 * frames and this function scrubs them, returning their number in
 * *scrubbed (may be NULL).  0, or -ENOMEM (no memory), -E2BIG (max_pages),
 * -EEXIST (gfn range already mapped), -EINVAL (range outside the guest
 * frame space), -ESRCH (dying).
 */
int domain_populate_extent(struct domain *d, gfn_t gfn, unsigned int order, unsigned int memflags,
                           unsigned long *scrubbed);

/*
 * Remove one extent of the physmap at gfn and free its frames (clean: a
 * live domain scrubs what it gives back).  0, or -ENOENT if any frame of
 * the range is not mapped (nothing changes), -EINVAL outside the guest
 * frame space.
 */
int domain_decrease_extent(struct domain *d, gfn_t gfn, unsigned int order);

/* Machine frame behind gfn, or INVALID_MFN.  Takes page_alloc_lock. */
mfn_t domain_gfn_to_mfn(struct domain *d, gfn_t gfn);

/* A consistent snapshot of the domain's state for domctls and reports. */
struct domain_info {
    domid_t domid;
    bool dying, paused, creation_finished;
    unsigned int max_vcpus;
    uint32_t create_flags, ssidref;
    uint8_t handle[16];
    unsigned long tot_pages, max_pages, extra_pages;
    unsigned long outstanding_pages; /* global + node claims */
    unsigned long global_claims;
    unsigned long claims[MAX_NUMNODES];
    unsigned long node_pages[MAX_NUMNODES];
    nodemask_t node_affinity;
    bool auto_node_affinity;
    unsigned long p2m_leaves, p2m_tables;
};
void domain_get_info(struct domain *d, struct domain_info *info);

#endif /* HV_DOMAIN_H */
