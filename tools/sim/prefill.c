/*
 * What is on a policy's host before its run starts (not timed, not
 * counted): evacuate's residents, then the ballooning guests.
 *
 * Residents, per node: one guest holds the node's solid share in 1 GiB
 * extents; a second populates twice the node's hole budget and gives
 * every other extent back -- 2 MiB extents for the 2 MiB holes, then
 * 4 KiB pages for the 4 KiB holes.  A hole's neighbours stay allocated,
 * so the buddy allocator cannot merge holes into anything larger: an
 * incoming VM finds 1 GiB extents only in the solid free memory and must
 * fall back to smaller ones once that is gone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_private.h"

#define BATCH 512UL

static int new_domain(struct sim_ctx *c, uint64_t max_pages, uint32_t *domid)
{
    struct xen_domctl_createdomain config = {.max_vcpus = 2};

    *domid = 0;
    if (xc_domain_create(c->aux, domid, &config) ||
        xc_domain_setmaxmem(c->aux, *domid, max_pages * (XC_PAGE_SIZE / 1024)))
        return sim_fail(c, "prefill: creating a guest: %s", strerror(errno));
    return 0;
}

/* Populate nr extents of order at gfn0, gfn0 + 2^order, ... exactly on
 * node, then give back every other one (the odd ones). */
static int chequerboard(struct sim_ctx *c, uint32_t domid, uint64_t gfn0, uint64_t nr,
                        unsigned int order, unsigned int node)
{
    xen_pfn_t *gfns = calloc(BATCH, sizeof(*gfns));
    uint64_t i = 0;
    int rc = -1;

    if (!gfns)
        return sim_fail(c, "prefill: out of memory");
    while (i < nr) {
        unsigned long n = nr - i < BATCH ? (unsigned long)(nr - i) : BATCH;

        for (unsigned long k = 0; k < n; k++)
            gfns[k] = gfn0 + ((i + k) << order);
        if (xc_domain_populate_physmap_exact(c->aux, domid, n, order, XENMEMF_exact_node(node),
                                             gfns)) {
            sim_fail(c, "prefill: node %u has no room for its residents: %s", node,
                     strerror(errno));
            goto out;
        }
        i += n;
    }
    for (i = 1; i < nr;) {
        unsigned long n = 0;

        for (; i < nr && n < BATCH; i += 2)
            gfns[n++] = gfn0 + (i << order);
        if (xc_domain_decrease_reservation_exact(c->aux, domid, n, order, gfns)) {
            sim_fail(c, "prefill: making holes: %s", strerror(errno));
            goto out;
        }
    }
    rc = 0;
out:
    free(gfns);
    return rc;
}

static int residents(struct sim_ctx *c, unsigned int node, const struct sim_resident_spec *r)
{
    uint64_t frag_pages = 2 * (r->holes_2m + r->holes_4k);
    uint32_t domid;

    if (r->solid) {
        struct xg_build_spec spec = {.nr_vnodes = 1, .claim_mode = XG_CLAIM_NONE};
        struct xg_build_report rep;

        spec.vnodes[0] = (struct xg_vnode){.pages = r->solid, .pnode = node};
        if (new_domain(c, r->solid, &domid))
            return -1;
        if (xg_build_meminit(c->aux, domid, &spec, &rep))
            return sim_fail(c, "prefill: node %u has no room for %llu resident pages: %s", node,
                            (unsigned long long)r->solid, strerror(errno));
    }
    if (!frag_pages)
        return 0;
    if (new_domain(c, frag_pages, &domid))
        return -1;
    if (chequerboard(c, domid, 0, 2 * r->holes_2m / SIM_PAGES_2M, 9, node))
        return -1;
    return chequerboard(c, domid, 2 * r->holes_2m, 2 * r->holes_4k, 0, node);
}

static int balloon_guest(struct sim_ctx *c, unsigned int i)
{
    const struct sim_balloon_spec *s = &c->w->balloons[i];
    struct xg_build_spec spec = {
        .pages = s->start_pages, .claim_mode = XG_CLAIM_NONE, .keep_max_mem = 1};
    struct xg_build_report rep;
    xc_nodemap_t map = xc_nodemap_alloc(c->aux);
    uint32_t domid;
    int rc;

    if (!map)
        return sim_fail(c, "prefill: node map: %s", strerror(errno));
    map[s->home / 8] |= (uint8_t)(1U << (s->home % 8));
    rc = new_domain(c, s->max_pages, &domid);
    if (!rc && xc_domain_node_setaffinity(c->aux, domid, map))
        rc = sim_fail(c, "prefill: affinity: %s", strerror(errno));
    free(map);
    if (rc)
        return -1;
    if (xg_build_meminit(c->aux, domid, &spec, &rep))
        return sim_fail(c, "prefill: building ballooning guest %u: %s", i, strerror(errno));
    if (sim_balloon_open(&c->balloons[i], c->host, domid, s, c->w->seed, i))
        return sim_fail(c, "prefill: guest handle: %s", strerror(errno));
    c->nr_balloons = i + 1;
    return 0;
}

int sim_prefill(struct sim_ctx *c)
{
    if (c->w->kind == SIM_EVACUATE)
        for (unsigned int n = 0; n < c->w->host.topo.nr_nodes; n++)
            if (residents(c, n, &c->w->residents[n]))
                return -1;
    if (c->w->nr_balloons) {
        c->balloons = calloc(c->w->nr_balloons, sizeof(*c->balloons));
        if (!c->balloons)
            return sim_fail(c, "prefill: out of memory");
    }
    for (unsigned int i = 0; i < c->w->nr_balloons; i++)
        if (balloon_guest(c, i))
            return -1;
    return 0;
}

void sim_prefill_release(struct sim_ctx *c)
{
    for (unsigned int i = 0; i < c->nr_balloons; i++)
        sim_balloon_close(&c->balloons[i]);
    free(c->balloons);
    c->balloons = NULL;
    c->nr_balloons = 0;
}
