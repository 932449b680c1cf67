/*
 * The fuzzed host: one of a few small topologies (at most FH_MAX_FRAMES
 * frames, so that memory runs out within a few calls), with the control
 * domain and up to three guests made from the setup byte.  A fresh host
 * per input keeps every run deterministic.
 *
 * The core checks the accounting after each of its mutating calls (one
 * per extent of a populate, say); the harness adds the deep check after
 * every hypercall.  Deep checks inside the core as well would find
 * nothing more and cost most of the run time.
 */
#include <stdlib.h>
#include <string.h>

#include <hv/check.h>
#include <hv/claims.h>
#include "libxc/xc_topology.h"

#include "fh.h"

/* Memory-less nodes, uneven nodes, four nodes, one node. */
static const char *const topologies[] = {
    "4M,4M,0",
    "2M,6M",
    "2M,2M,2M,2M;distances=10,12,21,21,12,10,21,21,21,21,10,12,21,21,12,10",
    "16M",
};

static void setup_guest(struct host *h, domid_t id, uint8_t flags)
{
    struct domain_config dc = {.max_vcpus = 1};
    struct domain *d;

    if (domain_create(h, &id, &dc))
        return; /* no memory for its hypervisor frames: fine */
    d = domain_get(h, id);
    domain_set_max_pages(d, FH_GUEST_MAX_PAGES);
    if (flags & FH_SETUP_POPULATE)
        domain_populate_extent(d, 0, 6, 0, NULL); /* FH_GUEST_POPULATE frames */
    if (flags & FH_SETUP_CLAIMS) {
        memory_claim_t set[2] = {
            {.pages = FH_GUEST_CLAIM, .target = (uint32_t)(id - 1) % h->nr_nodes},
            {.pages = FH_GUEST_CLAIM / 2, .target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL},
        };

        domain_set_node_claims(d, 2, set); /* may fail on a memory-less node */
    }
    domain_put(d);
}

int fh_world_setup(struct fh_world *w)
{
    uint8_t topo = fz_u8(&w->in), flags = fz_u8(&w->in);
    struct host_config cfg = {.check_level = CHECK_ACCOUNTING};
    struct claimset_topology pub;
    struct hvctl_layout layout;
    char err[256];

    if (claimset_topology_parse(topologies[topo % ARRAY_LEN(topologies)], &pub, err, sizeof(err)) ||
        xc_topology_to_layout(&pub, &layout))
        fz_fail("harness topology refused: %s", err);
    if (claimset_topology_total_pages(&pub) > FH_MAX_FRAMES)
        fz_fail("harness topology larger than FH_MAX_FRAMES");
    cfg.xen_pages_per_domain = FH_SETUP_XENPAGES(flags);
    if (host_create(&layout, &cfg, &w->h))
        return -1;
    if (flags & FH_SETUP_DOM0) {
        struct domain_config dc = {.control = true, .max_vcpus = 1};
        domid_t id = 0;

        domain_create(w->h, &id, &dc);
    }
    for (domid_t id = 1; id <= FH_SETUP_GUESTS(flags); id++)
        setup_guest(w->h, id, flags);
    fh_check_invariants(w->h, "setup");
    return 0;
}

void fh_world_teardown(struct fh_world *w)
{
    if (w->h)
        host_destroy(w->h);
    w->h = NULL;
}

static int cmp_domid(const void *a, const void *b)
{
    return (int)*(const domid_t *)a - (int)*(const domid_t *)b;
}

void fh_refresh_live(struct fh_world *w)
{
    struct host *h = w->h;

    w->nr_live = 0;
    hv_lock(&h->heap_lock);
    for (struct domain *d = h->heap_domains; d; d = d->heap_next) {
        if (w->nr_live == FH_MAX_DOMS)
            fz_fail("more than %d domains", FH_MAX_DOMS);
        w->live[w->nr_live++] = d->domain_id;
    }
    hv_unlock(&h->heap_lock);
    qsort(w->live, w->nr_live, sizeof(w->live[0]), cmp_domid);
}

domid_t fh_pick_domid(struct fh_world *w, uint8_t pick)
{
    unsigned int i = pick % (w->nr_live + 1);

    /* The last choice names no domain (unless one was created there). */
    return i < w->nr_live ? w->live[i] : (domid_t)(DOMID_FIRST_RESERVED - 1);
}
