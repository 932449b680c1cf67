/*
 * The claim each mode installs before population, and its release.
 *
 *   NONE          nothing: the build races everyone for memory.
 *   LEGACY        XENMEM_claim_pages(total): host-wide, as Xen ships it.
 *                 Nothing keeps a pinned vnode's node from running dry.
 *   SET           one entry per physical node (the sum of its vnodes) and
 *                 a GLOBAL entry for vnodes on no node: all or nothing.
 *   SET_FALLBACK  per node what the node can give now (its unclaimed
 *                 memory, plus what this domain already claims there),
 *                 and a GLOBAL entry for the shortfall; the populate step
 *                 then takes the shortfall from other nodes.
 *
 * SET_FALLBACK plans from a snapshot of the host, so another builder can
 * take a node's memory between the read and the claim.  An ENOMEM is then
 * answered by reading again and shifting the difference to the GLOBAL
 * entry, a few times; only a host that really lacks the memory fails.
 */
#include <errno.h>
#include <string.h>

#include "xg_private.h"

#define FALLBACK_CLAIM_TRIES 4

static int claim_set(struct xg_build *b, enum xg_op op, uint32_t nr, memory_claim_t *set)
{
    int e = xg_inject(b, op);

    if (e) {
        errno = e;
        return -1;
    }
    return xc_domain_claim_memory(b->xch, b->domid, nr, set);
}

/* Pages wanted per physical node, and on no particular node. */
static void node_wants(const struct xg_build *b, uint64_t *wanted, uint64_t *anywhere)
{
    memset(wanted, 0, XG_MAX_NODES * sizeof(*wanted));
    *anywhere = 0;
    for (unsigned int i = 0; i < b->nr_vnodes; i++) {
        if (b->vnodes[i].pnode == XG_ANY_NODE)
            *anywhere += b->vnodes[i].pages;
        else
            wanted[b->vnodes[i].pnode] += b->vnodes[i].pages;
    }
}

/*
 * What each node can give this domain now: free minus everyone's claims
 * there, plus this domain's own claim there (a new set replaces the old
 * one, so the hypervisor counts it as available).
 */
static int node_room(struct xg_build *b, uint64_t *room)
{
    xc_numa_meminfo_t info[XG_MAX_NODES];
    memory_claim_t own[XG_MAX_NODES + 1];
    unsigned int nr = XG_MAX_NODES;
    uint32_t nr_own = XG_MAX_NODES + 1;
    int e;

    memset(room, 0, XG_MAX_NODES * sizeof(*room));
    if ((e = xg_inject(b, XG_OP_INFO))) {
        errno = e;
        return -1;
    }
    if (xc_numa_meminfo(b->xch, &nr, info))
        return -1;
    if ((e = xg_inject(b, XG_OP_INFO))) {
        errno = e;
        return -1;
    }
    if (xc_domain_get_claims(b->xch, b->domid, &nr_own, own))
        return -1;
    for (unsigned int n = 0; n < nr && n < XG_MAX_NODES; n++)
        if (info[n].free > info[n].claimed)
            room[n] = (info[n].free - info[n].claimed) >> XC_PAGE_SHIFT;
    for (uint32_t i = 0; i < nr_own; i++)
        if (own[i].target < XG_MAX_NODES)
            room[own[i].target] += own[i].pages;
    return 0;
}

/* Entries for the wanted pages; with room, each node entry is capped by
 * it and the rest goes to the GLOBAL entry.  Returns the entry count. */
static uint32_t make_set(const struct xg_build *b, const uint64_t *wanted, uint64_t anywhere,
                         const uint64_t *room, memory_claim_t *set)
{
    uint64_t global = anywhere;
    uint32_t nr = 0;

    for (unsigned int n = 0; n < b->nr_nodes && n < XG_MAX_NODES; n++) {
        uint64_t take = wanted[n];

        if (room && take > room[n])
            take = room[n];
        global += wanted[n] - take;
        if (take)
            set[nr++] = (memory_claim_t){.pages = take, .target = n};
    }
    if (global)
        set[nr++] = (memory_claim_t){.pages = global, .target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL};
    return nr;
}

int xg_install_claim(struct xg_build *b)
{
    memory_claim_t set[XG_MAX_NODES + 1];
    uint64_t wanted[XG_MAX_NODES], room[XG_MAX_NODES], anywhere;
    int e;

    switch (b->mode) {
    case XG_CLAIM_NONE:
        return 0;
    case XG_CLAIM_LEGACY:
        if ((e = xg_inject(b, XG_OP_CLAIM))) {
            errno = e;
            return -1;
        }
        return xc_domain_claim_pages(b->xch, b->domid, (unsigned long)b->total);
    case XG_CLAIM_SET:
        node_wants(b, wanted, &anywhere);
        return claim_set(b, XG_OP_CLAIM, make_set(b, wanted, anywhere, NULL, set), set);
    case XG_CLAIM_SET_FALLBACK:
        node_wants(b, wanted, &anywhere);
        for (int tries = 0; tries < FALLBACK_CLAIM_TRIES; tries++) {
            if (node_room(b, room))
                return -1;
            if (!claim_set(b, XG_OP_CLAIM, make_set(b, wanted, anywhere, room, set), set))
                return 0;
            if (errno != ENOMEM)
                return -1;
        }
        errno = ENOMEM;
        return -1;
    }
    errno = EINVAL;
    return -1;
}

int xg_release_claim(struct xg_build *b)
{
    memory_claim_t none = {.pages = 0, .target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL};
    int e;

    switch (b->mode) {
    case XG_CLAIM_NONE:
        return 0;
    case XG_CLAIM_LEGACY:
        if ((e = xg_inject(b, XG_OP_RELEASE))) {
            errno = e;
            return -1;
        }
        return xc_domain_claim_pages(b->xch, b->domid, 0);
    case XG_CLAIM_SET:
    case XG_CLAIM_SET_FALLBACK:
        return claim_set(b, XG_OP_RELEASE, 1, &none);
    }
    errno = EINVAL;
    return -1;
}
