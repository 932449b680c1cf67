/*
 * Internals of the domain builder (xg_build_meminit): the state of one
 * build, shared by its three files, and a fault-injection entry point
 * for tests.
 *
 *   meminit.c           the build in order: validate, setup, claim,
 *                       affinity, populate, release, report
 *   meminit_claims.c    the claim each mode installs, and its release
 *   meminit_populate.c  guest layout, extent batching, order fallback
 *
 * Every call the builder makes into libxenctrl goes through xg_call_*()
 * below, which counts it and lets a test's hook fail it.
 *
 * One build is one thread's business: struct xg_build lives on the
 * caller's stack and nothing in it is shared.
 */
#ifndef TOOLS_LIBXG_XG_PRIVATE_H
#define TOOLS_LIBXG_XG_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <claimset/xenguest.h>
#include <xenctrl.h>

#define XG_DEFAULT_BATCH 512U
#define XG_MAX_NODES     64U /* node ids the report can hold */

/* One build. */
struct xg_build {
    xc_interface *xch;
    uint32_t domid;
    const struct xg_hooks *hooks;
    struct xg_build_report *rep;

    /* The spec, normalised: vnodes filled in, defaults applied. */
    enum xg_claim_mode mode;
    unsigned int nr_vnodes;
    struct xg_vnode vnodes[XG_MAX_VNODES];
    uint64_t total, base_gfn;
    unsigned int max_order, batch;
    unsigned int nr_nodes; /* the host's node ids */

    /* Extent list for one populate call (batch entries at most). */
    xen_pfn_t *gfns;
    unsigned long gfns_cap;

    unsigned long calls[XG_NR_OPS];
    /* Exact-node extents by node (the fallback when read-back fails),
     * and whether any extent went somewhere the builder cannot know. */
    uint64_t exact_node_pages[XG_MAX_NODES];
    bool placement_unknown;
    /* SET_FALLBACK: nodes whose exact-node requests already ran dry. */
    bool node_dry[XG_MAX_NODES];
};

/* Ask the hook about the next call of kind op: 0 to go ahead, or the
 * errno to fail it with (xg_build.c). */
int xg_inject(struct xg_build *b, enum xg_op op);

/* Mode claims (meminit_claims.c).  0 or -1 with errno. */
int xg_install_claim(struct xg_build *b);
int xg_release_claim(struct xg_build *b);

/* Populate every vnode (meminit_populate.c).  0, or -1 with errno:
 * ENOMEM when memory ran out, another errno for a refused call. */
int xg_populate_all(struct xg_build *b);

/* The domain's pages per node, read back into pages[XG_MAX_NODES]
 * (xg_build.c).  0 or -1 with errno. */
int xg_read_node_pages(struct xg_build *b, uint64_t *pages);

#endif /* TOOLS_LIBXG_XG_PRIVATE_H */
