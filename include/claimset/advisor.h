/*
 * The placement advisor: given the host's state (free minus claimed memory
 * per node, read back through the public API) and a VM's size and vCPU
 * count, propose a vNUMA layout and the claim set to install, with the
 * reason for the choice.
 *
 * Policy:
 *  - one node when the VM fits on one: the node whose unclaimed memory fits
 *    it most tightly (keeping large holes for large VMs), ties to the lower
 *    node id;
 *  - otherwise the fewest nodes that can hold it, and among those the set
 *    with the smallest SLIT distances between its members, memory split in
 *    proportion to what each can give, vCPUs in proportion to memory --
 *    within each node's CPUs when they are known and enough;
 *  - a host-wide (GLOBAL) entry for whatever no node can hold.
 * Memory decides the nodes; vCPUs follow.  Where that leaves a vnode
 * without vCPUs (fewer vCPUs than vnodes) or more vCPUs on a node than it
 * has CPUs, the reason says so.
 *
 * Planning alone can race with other builders; xa_place_and_claim() plans
 * and installs the claim set as one step: if another builder took the
 * memory in between (-ENOMEM from the claim), it re-reads the host and
 * plans again, so two builders never both succeed on the same free memory.
 */
#ifndef CLAIMSET_ADVISOR_H
#define CLAIMSET_ADVISOR_H

#include <stdint.h>

#include <claimset/topology.h>
#include <claimset/xenguest.h>
#include <xenctrl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility; its API is exported. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#define XA_REASON_LEN 256

/*
 * A host state to plan on: the host's shape (struct claimset_topology:
 * nodes, their sizes, CPUs and SLIT distances -- the one description of a
 * host the toolstack uses, see claimset/topology.h) and, per node, the
 * unclaimed pages, which change as domains claim and allocate.
 *
 * xa_read_host_state() fills the node count, sizes and distances from the
 * host and leaves topology.node_cpus all 0 (not known): the CPU layout
 * never changes, so a caller that knows it -- from xc_physinfo() or its
 * topology -- fills it in once read, and the plan then keeps each vnode's
 * vCPUs within its node's CPUs where the nodes have enough, and says so
 * in its reason where they have not.  The plan reads the node count,
 * distances and CPUs; the node sizes are there for the caller.
 */
struct xa_host_state {
    struct claimset_topology topology;
    uint64_t unclaimed[XG_MAX_VNODES]; /* free minus claimed, pages */
};

/* A state for a host of shape *t with nothing claimed nor allocated:
 * every node's memory unclaimed (a caller planning on a host described
 * by hand sets unclaimed[] afterwards). */
void xa_host_state_init(struct xa_host_state *state, const struct claimset_topology *t);

struct xa_request {
    uint64_t pages;
    unsigned int vcpus;
    /* Accept a host-wide entry for what no node can hold (else plan fails
     * with -ENOMEM when the nodes cannot hold the VM). */
    int allow_global;
};

struct xa_plan {
    unsigned int nr_vnodes;
    struct xg_vnode vnodes[XG_MAX_VNODES];
    unsigned int vnode_vcpus[XG_MAX_VNODES];
    unsigned int nr_claims;
    memory_claim_t claims[XG_MAX_VNODES + 1];
    uint64_t global_pages;      /* pages only a host-wide entry covers */
    char reason[XA_REASON_LEN]; /* one line, for humans */
};

/* Read the host state through the public API (xc_numa_meminfo, xc_numainfo).
 * 0 or -1 with errno. */
int xa_read_host_state(xc_interface *xch, struct xa_host_state *state);

/* Plan on a given state (pure; no hypercalls).  0, or -1 with errno:
 * EINVAL for a bad request, ENOMEM when it cannot be placed. */
int xa_plan(const struct xa_host_state *state, const struct xa_request *req, struct xa_plan *plan);

/* Plan on the live host and install the plan's claim set for domid, as
 * one step (re-planning when another builder won a race), at most
 * `attempts` tries (0: a default).  0, or -1 with errno.  When the
 * hypervisor refused the last plan's claim set, plan->reason says so
 * (from the plan's figures, without further calls; xa_explain_refusal()
 * reads the host for the exact reason). */
int xa_place_and_claim(xc_interface *xch, uint32_t domid, const struct xa_request *req,
                       unsigned int attempts, struct xa_plan *plan);

/*
 * Why the hypervisor refused (ENOMEM) the claim set claims[0..nr_claims)
 * for domid, read from the host as it is now: one line in buf naming the
 * rule that failed with its figures -- a node entry larger than its
 * node's unclaimed memory ("16 GiB asked of node 1, which has 12 GiB
 * unclaimed"), or a total larger than the host's unclaimed memory, which
 * also counts host-wide claims no node shows ("48 GiB asked, the host has
 * 39.84 GiB unclaimed").  The domain's own claims count as room, as the
 * hypervisor counts them.  A legacy claim (xc_domain_claim_pages) is one
 * XEN_DOMCTL_CLAIM_MEMORY_LEGACY entry.  Reads the host with three calls
 * on xch.  0, or -1 with errno.
 */
int xa_explain_refusal(xc_interface *xch, uint32_t domid, const memory_claim_t *claims,
                       unsigned int nr_claims, char *buf, size_t len);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* CLAIMSET_ADVISOR_H */
