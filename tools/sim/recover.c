/*
 * What a careful toolstack does when a build's populate comes back short
 * -- its node claim was recalled when frames went offline, or an
 * exact-node request found the node dry -- rather than throw away the
 * gigabytes it has already populated:
 *
 *   1. claim again for the rest: a build that holds a claim set asks for
 *      the remaining pages on the nodes its plan gave them (replacing
 *      what is left of its claims), and populates them exactly there;
 *   2. else place the rest elsewhere: claim it host-wide (a claim set's
 *      host-wide entry, or the legacy claim for the total; no claim for
 *      a policy that never claims) and populate it with the planned node
 *      as a hint only, so the allocator tries that node first and then
 *      the others;
 *   3. only when that comes back short too is memory short everywhere:
 *      the build fails late, as it did before.
 *
 * The VM is then built, with the pages step 2 put off their planned
 * node counted as degraded.  The guest layout's first `populated` pages
 * are in (the builder fills guest frames in order and stops at the
 * first it cannot back), so the rest is a suffix of the layout.
 * `claimset storm --strict` skips all this: the first short populate
 * fails the build.
 */
#include <errno.h>
#include <string.h>

#include "sim/sim_private.h"

#define MAX_SEGS XG_MAX_VNODES

struct seg {
    uint64_t gfn, end;
    uint32_t pnode;
};

/* The layout's frames from `populated` on, as segments. */
static unsigned int remaining(const struct xg_build_spec *spec, uint64_t populated,
                              struct seg *segs)
{
    uint64_t gfn = spec->base_gfn, skip = populated;
    unsigned int nr = 0;

    if (!spec->nr_vnodes) {
        if (populated < spec->pages)
            segs[nr++] = (struct seg){gfn + populated, gfn + spec->pages, XG_ANY_NODE};
        return nr;
    }
    for (unsigned int i = 0; i < spec->nr_vnodes; i++) {
        uint64_t pages = spec->vnodes[i].pages;

        if (skip >= pages) {
            skip -= pages;
        } else {
            segs[nr++] = (struct seg){gfn + skip, gfn + pages, spec->vnodes[i].pnode};
            skip = 0;
        }
        gfn += pages;
    }
    return nr;
}

static unsigned int order_at(uint64_t gfn, uint64_t end, unsigned int cap)
{
    static const unsigned int orders[] = {XG_ORDER_1G, XG_ORDER_2M, XG_ORDER_4K};

    for (unsigned int i = 0; i < 3; i++) {
        unsigned int o = orders[i];

        if (o <= cap && !(gfn & ((1ULL << o) - 1)) && end - gfn >= (1ULL << o))
            return o;
    }
    return XG_ORDER_4K;
}

/*
 * Populate guest frames [gfn, end) with mem_flags: the largest aligned
 * extents that fit, a region whose extent comes back short retried one
 * order lower (as the builder does).  Each call is a step of the build's
 * modelled time.  0 when done, 1 when a 4 KiB page could not be had,
 * -1 with errno for a failed call.
 */
static int fill(struct sim_build *b, xc_interface *xch, struct seg *s, unsigned int flags,
                struct sim_vm_result *r, uint64_t *done_pages)
{
    xen_pfn_t list[512];
    unsigned int cap = XG_ORDER_1G;
    uint64_t cap_end = 0;

    /* s->gfn is the first frame still missing, whatever happens. */
    while (s->gfn < s->end) {
        uint64_t gfn = s->gfn;
        unsigned int o;
        uint64_t limit = s->end, up;
        unsigned long n;
        long got;

        if (gfn >= cap_end)
            cap = XG_ORDER_1G;
        o = order_at(gfn, s->end, cap);
        if (cap < XG_ORDER_1G && cap_end < limit)
            limit = cap_end;
        /* A run of small extents stops where a larger one could start. */
        up = o == XG_ORDER_4K ? SIM_PAGES_2M : SIM_PAGES_1G;
        if (o != XG_ORDER_1G && (gfn | (up - 1)) + 1 < limit)
            limit = (gfn | (up - 1)) + 1;
        n = (unsigned long)((limit - gfn) >> o);
        if (n > 512)
            n = 512;
        for (unsigned long i = 0; i < n; i++)
            list[i] = gfn + ((uint64_t)i << o);
        if (sim_build_step(b)) {
            errno = EIO;
            return -1;
        }
        got = xc_domain_populate_physmap(xch, b->domid, n, o, flags, list);
        if (got < 0)
            return -1;
        gfn += (uint64_t)got << o;
        s->gfn = gfn;
        *done_pages += (uint64_t)got << o;
        if (o == XG_ORDER_1G)
            r->extents_1g += (uint64_t)got;
        else if (o == XG_ORDER_2M)
            r->extents_2m += (uint64_t)got;
        else
            r->extents_4k += (uint64_t)got;
        if ((unsigned long)got == n)
            continue;
        if (o == XG_ORDER_4K)
            return 1;
        cap = o == XG_ORDER_1G ? XG_ORDER_2M : XG_ORDER_4K;
        cap_end = gfn + (1ULL << o);
    }
    return 0;
}

static int node_pages(struct sim_ctx *c, uint32_t domid, uint64_t *pages)
{
    unsigned int nr = SIM_MAX_NODES;

    memset(pages, 0, SIM_MAX_NODES * sizeof(*pages));
    if (claimset_domain_get_node_pages(c->aux, domid, &nr, pages))
        return sim_fail(c, "domain %u: reading its pages per node: %s", domid, strerror(errno));
    return 0;
}

/* Step 1: the claim set again, for the rest on its planned nodes.  0 when
 * the claim held (the pinned segments are then populated there, as far
 * as they go), 1 when it was refused, -1 after sim_fail(). */
static int claim_again(struct sim_ctx *c, xc_interface *xch, struct sim_build *b, struct seg *segs,
                       unsigned int nr, struct sim_vm_result *r)
{
    memory_claim_t claims[MAX_SEGS + 1];
    uint64_t need[SIM_MAX_NODES] = {0}, anywhere = 0;
    unsigned int nc = 0;

    for (unsigned int i = 0; i < nr; i++) {
        if (segs[i].pnode == XG_ANY_NODE || segs[i].pnode >= SIM_MAX_NODES)
            anywhere += segs[i].end - segs[i].gfn;
        else
            need[segs[i].pnode] += segs[i].end - segs[i].gfn;
    }
    for (unsigned int n = 0; n < SIM_MAX_NODES; n++)
        if (need[n])
            claims[nc++] = (memory_claim_t){.pages = need[n], .target = n};
    if (!nc)
        return 1;
    if (anywhere)
        claims[nc++] =
            (memory_claim_t){.pages = anywhere, .target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL};
    if (sim_build_step(b))
        return -1;
    if (xc_domain_claim_memory(xch, b->domid, nc, claims)) {
        if (errno == ENOMEM)
            return 1;
        return sim_fail(c, "%s: claiming again: %s", r->name, strerror(errno));
    }
    for (unsigned int i = 0; i < nr; i++) {
        uint64_t done = 0;
        int rc;

        if (segs[i].pnode == XG_ANY_NODE || segs[i].pnode >= SIM_MAX_NODES)
            continue;
        rc = fill(b, xch, &segs[i], XENMEMF_exact_node(segs[i].pnode), r, &done);
        r->recovered_pages += done;
        if (rc < 0)
            return sim_fail(c, "%s: populating again: %s", r->name, strerror(errno));
        /* Short: the rest of this segment goes elsewhere (step 2). */
    }
    return 0;
}

/* Step 2's claim for what is still missing.  0 when it holds (or the
 * policy claims nothing), 1 when refused, -1 after sim_fail(). */
static int claim_elsewhere(struct sim_ctx *c, xc_interface *xch, struct sim_build *b, uint64_t rest,
                           const struct sim_vm_result *r)
{
    memory_claim_t global = {.pages = rest, .target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL};
    int rc;

    if (b->claim == SIM_CLAIM_NONE)
        return 0;
    if (sim_build_step(b))
        return -1;
    if (b->claim == SIM_CLAIM_SET) {
        rc = xc_domain_claim_memory(xch, b->domid, 1, &global);
    } else {
        /* The legacy claim is a target for the domain's total; only one
         * may be held, so drop what is left of the first. */
        rc = xc_domain_claim_pages(xch, b->domid, 0);
        if (!rc)
            rc = xc_domain_claim_pages(xch, b->domid, (unsigned long)r->pages);
    }
    if (!rc)
        return 0;
    if (errno == ENOMEM)
        return 1;
    return sim_fail(c, "%s: claiming the rest host-wide: %s", r->name, strerror(errno));
}

int sim_recover(struct sim_ctx *c, xc_interface *xch, struct sim_build *b,
                const struct xg_build_spec *spec, uint64_t populated, struct sim_vm_result *r)
{
    struct seg segs[MAX_SEGS];
    uint64_t before[SIM_MAX_NODES], after[SIM_MAX_NODES], pinned[SIM_MAX_NODES] = {0};
    uint64_t rest = 0, moved = 0, landed = 0;
    unsigned int nr = remaining(spec, populated, segs);
    int rc = 1;

    if (b->claim == SIM_CLAIM_SET) {
        rc = claim_again(c, xch, b, segs, nr, r);
        if (rc < 0)
            return -1;
    }
    for (unsigned int i = 0; i < nr; i++)
        rest += segs[i].end - segs[i].gfn;
    if (rest) {
        rc = claim_elsewhere(c, xch, b, rest, r);
        if (rc < 0)
            return -1;
        if (node_pages(c, b->domid, before))
            return -1;
        for (unsigned int i = 0; i < nr && !rc; i++) {
            uint32_t n = segs[i].pnode;
            uint64_t done = 0;
            bool on_node = n != XG_ANY_NODE && n < SIM_MAX_NODES;

            if (segs[i].gfn == segs[i].end)
                continue;
            rc = fill(b, xch, &segs[i], on_node ? XENMEMF_node(n) : 0, r, &done);
            if (rc < 0)
                return sim_fail(c, "%s: populating elsewhere: %s", r->name, strerror(errno));
            r->recovered_pages += done;
            if (on_node) {
                pinned[n] += done;
                moved += done;
            }
        }
        if (node_pages(c, b->domid, after))
            return -1;
        for (unsigned int n = 0; n < SIM_MAX_NODES; n++) {
            uint64_t gain = after[n] > before[n] ? after[n] - before[n] : 0;

            landed += gain < pinned[n] ? gain : pinned[n];
        }
        r->degraded_pages = moved - landed;
    }
    /* Where the memory is now, for the metrics or the waste. */
    if (node_pages(c, b->domid, after))
        return -1;
    for (unsigned int n = 0; n < c->w->host.topo.nr_nodes && n < SIM_MAX_NODES; n++)
        r->node_pages[n] = after[n];
    return rest ? rc : 0;
}
