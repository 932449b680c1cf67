/*
 * Population: every vnode in guest-physical order from base_gfn, each
 * one laid out right after the previous one.
 *
 * Extents.  At each guest frame the builder uses the largest order
 * (1 GiB, 2 MiB, 4 KiB, no larger than max_order) whose extent is aligned
 * in guest space there and fits before the vnode ends, so a vnode that
 * starts or ends off a 1 GiB boundary gets smaller extents only in its
 * ragged head and tail.  Consecutive extents of one order go in batches
 * of up to `batch` extents per populate call.
 *
 * Order fallback.  A call that comes back short stopped at an extent the
 * hypervisor could not back at that order.  Only that extent's region
 * is retried at the next smaller order (1 GiB -> 2 MiB -> 4 KiB), and
 * after it the batch goes on at the larger order again: small extents
 * appear exactly where memory is fragmented, not for the rest of the
 * vnode.  A region that fails at 4 KiB means memory ran out: ENOMEM.
 *
 * Nodes.  A vnode on a physical node asks for exactly that node.  In
 * SET_FALLBACK mode, once the node cannot give even a 4 KiB page, the
 * rest of the vnode (and of later vnodes on that node) is populated with
 * the node as a hint only: the allocator tries it first and then other
 * nodes, where the GLOBAL claim covers the shortfall.  A vnode on no node
 * leaves the choice to the allocator (and the domain's node affinity).
 */
#include <errno.h>

#include "xg_private.h"

static unsigned int lower_order(unsigned int order)
{
    return order == XG_ORDER_1G ? XG_ORDER_2M : XG_ORDER_4K;
}

/* The largest order up to cap whose extent is aligned at gfn and ends by
 * end. */
static unsigned int order_at(uint64_t gfn, uint64_t end, unsigned int cap)
{
    unsigned int o = cap;

    while (o != XG_ORDER_4K && ((gfn & ((1ULL << o) - 1)) || end - gfn < (1ULL << o)))
        o = lower_order(o);
    return o;
}

/*
 * Extents of order o in the run from gfn: up to end, and no further than
 * the next boundary where a larger order up to cap could start again.
 */
static unsigned long run_length(const struct xg_build *b, uint64_t gfn, uint64_t end,
                                unsigned int o, unsigned int cap)
{
    uint64_t limit = end, n;

    if (o < cap) {
        unsigned int up = o == XG_ORDER_4K && cap >= XG_ORDER_2M ? XG_ORDER_2M : cap;
        uint64_t boundary = (gfn | ((1ULL << up) - 1)) + 1;

        if (boundary < limit)
            limit = boundary;
    }
    n = (limit - gfn) >> o;
    return n < b->gfns_cap ? (unsigned long)n : b->gfns_cap;
}

static long populate(struct xg_build *b, unsigned long n, unsigned int order, unsigned int flags)
{
    int e = xg_inject(b, XG_OP_POPULATE);

    if (e == ENOMEM)
        return 0;
    if (e) {
        errno = e;
        return -1;
    }
    return xc_domain_populate_physmap(b->xch, b->domid, n, order, flags, b->gfns);
}

static void account(struct xg_build *b, long done, unsigned int order, unsigned int flags)
{
    uint64_t pages = (uint64_t)done << order;
    struct xg_build_report *r = b->rep;

    r->pages_populated += pages;
    if (order == XG_ORDER_1G)
        r->extents_1g += (uint64_t)done;
    else if (order == XG_ORDER_2M)
        r->extents_2m += (uint64_t)done;
    else
        r->extents_4k += (uint64_t)done;
    if (flags & XENMEMF_exact_node_request) {
        b->exact_node_pages[XENMEMF_get_node(flags)] += pages;
        r->pages_on_intended_node += pages;
    } else if (done) {
        b->placement_unknown = true;
    }
}

/*
 * Populate guest frames [gfn, end) with mem_flags, orders up to cap.
 * 0 when done; -1 with errno otherwise, *stop the first frame not
 * populated (all frames before it are).  ENOMEM: memory ran out.
 */
static int fill(struct xg_build *b, uint64_t gfn, uint64_t end, unsigned int cap,
                unsigned int flags, uint64_t *stop)
{
    while (gfn < end) {
        unsigned int o = order_at(gfn, end, cap);
        unsigned long n = run_length(b, gfn, end, o, cap);
        long done;

        for (unsigned long i = 0; i < n; i++)
            b->gfns[i] = gfn + ((uint64_t)i << o);
        done = populate(b, n, o, flags);
        if (done < 0) {
            *stop = gfn;
            return -1;
        }
        account(b, done, o, flags);
        gfn += (uint64_t)done << o;
        if ((unsigned long)done == n)
            continue;
        /* The extent at gfn could not be backed at this order. */
        if (o == XG_ORDER_4K) {
            *stop = gfn;
            errno = ENOMEM;
            return -1;
        }
        if (fill(b, gfn, gfn + (1ULL << o), lower_order(o), flags, stop))
            return -1;
        gfn += 1ULL << o;
    }
    return 0;
}

/* SET_FALLBACK: the rest of a vnode with its node as a hint only.  How
 * much of it still landed on the node is measured by reading the
 * domain's per node pages around it (left out if that read fails). */
static int spill(struct xg_build *b, uint32_t node, uint64_t gfn, uint64_t end)
{
    uint64_t before[XG_MAX_NODES], after[XG_MAX_NODES], stop;
    bool measured = xg_read_node_pages(b, before) == 0;
    int rc, err;

    rc = fill(b, gfn, end, b->max_order, XENMEMF_node(node), &stop);
    err = errno;
    if (measured && xg_read_node_pages(b, after) == 0 && after[node] > before[node])
        b->rep->pages_on_intended_node += after[node] - before[node];
    errno = err;
    return rc;
}

static int populate_vnode(struct xg_build *b, const struct xg_vnode *v, uint64_t gfn)
{
    uint64_t end = gfn + v->pages, stop = gfn;

    if (v->pnode == XG_ANY_NODE)
        return fill(b, gfn, end, b->max_order, 0, &stop);
    if (b->mode != XG_CLAIM_SET_FALLBACK)
        return fill(b, gfn, end, b->max_order, XENMEMF_exact_node(v->pnode), &stop);

    if (!b->node_dry[v->pnode]) {
        if (!fill(b, gfn, end, b->max_order, XENMEMF_exact_node(v->pnode), &stop))
            return 0;
        if (errno != ENOMEM)
            return -1;
        b->node_dry[v->pnode] = true;
        gfn = stop;
    }
    return spill(b, v->pnode, gfn, end);
}

int xg_populate_all(struct xg_build *b)
{
    uint64_t gfn = b->base_gfn;

    for (unsigned int i = 0; i < b->nr_vnodes; i++) {
        if (populate_vnode(b, &b->vnodes[i], gfn))
            return -1;
        gfn += b->vnodes[i].pages;
    }
    return 0;
}
