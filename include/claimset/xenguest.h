/*
 * The domain builder's memory phase (libxenguest's "meminit"), our own:
 * build a domain's memory of a given size, optionally laid out in virtual
 * NUMA nodes that each live on a physical node, under one of four claim
 * modes, populating in 1 GiB extents and falling back to 2 MiB and 4 KiB
 * only where memory really is fragmented.
 *
 * All calls go through the public libxenctrl API (xenctrl.h) on the given
 * handle, so the builder works on any host a handle can reach and counts
 * the hypercalls it makes.
 */
#ifndef CLAIMSET_XENGUEST_H
#define CLAIMSET_XENGUEST_H

#include <stdint.h>

#include <xenctrl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility; its API is exported. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#define XG_MAX_VNODES 64
#define XG_ANY_NODE   0xFFFFFFFFU /* a vnode with no physical node */

enum xg_claim_mode {
    XG_CLAIM_NONE = 0,     /* no claim: race for memory */
    XG_CLAIM_LEGACY,       /* XENMEM_claim_pages: host-wide, what Xen ships today */
    XG_CLAIM_SET,          /* one claim-set entry per physical node (GLOBAL for
                            * vnodes without a node) */
    XG_CLAIM_SET_FALLBACK, /* per-node entries for what each node can give now,
                            * plus a GLOBAL entry for the shortfall */
};

struct xg_vnode {
    uint64_t pages; /* guest memory of this virtual node, in 4 KiB pages */
    uint32_t pnode; /* physical node, or XG_ANY_NODE */
};

struct xg_build_spec {
    /* Virtual nodes, laid out one after the other in guest-physical
     * memory from guest frame base_gfn.  nr_vnodes == 0 means one vnode
     * of `pages` pages on any node. */
    unsigned int nr_vnodes;
    struct xg_vnode vnodes[XG_MAX_VNODES];
    uint64_t pages;
    uint64_t base_gfn;
    enum xg_claim_mode claim_mode;
    /* Largest extent order to try: 18 (1 GiB, default when 0), 9 or 0. */
    unsigned int max_order;
    /* Extents per populate hypercall (default 512 when 0). */
    unsigned int batch;
    /* Set max_mem to the total (default) unless this is set. */
    int keep_max_mem;
    /* Set the domain's node affinity to the vnodes' physical nodes. */
    int set_affinity;
};

enum xg_build_phase {
    XG_PHASE_NONE = 0,
    XG_PHASE_SETUP,    /* max_mem or affinity */
    XG_PHASE_CLAIM,    /* claim refused: fast, cheap failure */
    XG_PHASE_POPULATE, /* ran out during population: late, expensive failure */
    XG_PHASE_RELEASE,
};

struct xg_build_report {
    int rc; /* 0, or -1 (errno in err) */
    int err;
    enum xg_build_phase failed_phase;
    int claimed; /* a claim was installed */
    uint64_t pages_populated;
    uint64_t node_pages[XG_MAX_VNODES]; /* populated pages by physical node */
    uint64_t pages_on_intended_node;    /* pages of pinned vnodes that landed on their node */
    uint64_t extents_1g, extents_2m, extents_4k;
    uint64_t hypercalls; /* made by this build on this handle */
    double seconds;
    /* 1: node_pages could not be read back (XEN_DOMCTL_get_node_pages)
     * and some extents went without an exact node, so it counts only the
     * exact-node extents: a lower bound per node. */
    int node_pages_approx;
};

/*
 * Build the domain's memory: set max_mem, install the claim the mode asks
 * for, set node affinity if asked, populate every vnode, release whatever
 * claim remains (also on every error path).  The domain must exist and be
 * empty.  Returns 0, or -1 with errno and the report's failed_phase set;
 * memory populated before a failure stays with the domain (destroying it
 * is the caller's decision, as in libxenguest).
 */
int xg_build_meminit(xc_interface *xch, uint32_t domid, const struct xg_build_spec *spec,
                     struct xg_build_report *report);

/* Extent orders the builder populates with: 1 GiB, 2 MiB, 4 KiB. */
#define XG_ORDER_1G 18U
#define XG_ORDER_2M 9U
#define XG_ORDER_4K 0U

/* The calls a build makes, for hooks and counting. */
enum xg_op {
    XG_OP_INFO,     /* node count, domain info, host state, own claims */
    XG_OP_MAXMEM,   /* xc_domain_setmaxmem */
    XG_OP_CLAIM,    /* installing the claim */
    XG_OP_AFFINITY, /* xc_domain_node_setaffinity */
    XG_OP_POPULATE, /* xc_domain_populate_physmap */
    XG_OP_RELEASE,  /* releasing the claim */
    XG_OP_READBACK, /* per node pages of the domain */
    XG_NR_OPS,
};

/*
 * A hook called before each call of kind op, nth counting from 1 per
 * kind within one build: tests inject faults with it, the simulator
 * advances its modelled clock between populate calls.  Return 0 to make
 * the call, or an errno to fail it without making it.  For
 * XG_OP_POPULATE, ENOMEM means "nothing populated" (the call returns 0
 * extents, as on an exhausted host) and any other errno a failure before
 * the first extent.
 */
struct xg_hooks {
    int (*inject)(void *opaque, enum xg_op op, unsigned long nth);
    void *opaque;
};

/* xg_build_meminit() with hooks (NULL: none, the same as
 * xg_build_meminit()). */
int xg_build_meminit_hooked(xc_interface *xch, uint32_t domid, const struct xg_build_spec *spec,
                            struct xg_build_report *report, const struct xg_hooks *hooks);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* CLAIMSET_XENGUEST_H */
