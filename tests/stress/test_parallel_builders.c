/*
 * Parallel builders (a boot storm), run under TSan in CI:
 *
 *  - many advisors plan and claim at once (xa_place_and_claim), each on
 *    its own handle, released together from a barrier: no memory is ever
 *    promised twice, losers of a race re-plan, and every claim that
 *    succeeded is then built in parallel exactly on its nodes;
 *  - more demand than the host holds: exactly as many VMs as fit get in,
 *    the rest fail with ENOMEM, and nothing is over-committed;
 *  - builders whose claim sets are in place build exactly while a noise
 *    domain grabs every page it can;
 *  - SET_FALLBACK builders all pinned to one node that cannot hold them
 *    all: every build succeeds, the node is shared out completely, and
 *    the rest comes from other nodes.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include <claimset/advisor.h>
#include <claimset/xenguest.h>

#include "integration/test_xc_util.h"

#define TOPO4       "64M,64M,64M,64M;distances=10,12,21,21,12,10,21,21,21,21,10,12,21,21,12,10"
#define NODE_PAGES  16384ULL
#define HOST_FREE   (4 * NODE_PAGES - 1) /* frame 0 */
#define MAX_THREADS 32

static claimset_host *shost(const char *topology)
{
    return xt_host_level(topology, CLAIMSET_CHECK_COUNTERS);
}

struct worker {
    pthread_t tid;
    claimset_host *host;
    pthread_barrier_t *start;
    uint32_t domid;
    struct xa_request req;
    /* results */
    int claim_rc, claim_err;
    int build_rc, build_err;
    struct xa_plan plan;
    struct xg_build_report rep;
    uint64_t node_pages[CLAIMSET_MAX_NODES];
    uint64_t claim_hypercalls;
};

static void spec_from_plan(const struct xa_plan *p, struct xg_build_spec *s)
{
    memset(s, 0, sizeof(*s));
    s->claim_mode = XG_CLAIM_SET;
    s->nr_vnodes = p->nr_vnodes;
    memcpy(s->vnodes, p->vnodes, p->nr_vnodes * sizeof(p->vnodes[0]));
}

/* Plan and claim (all threads at once), then build what was claimed. */
static void *advise_and_build(void *arg)
{
    struct worker *w = arg;
    xc_interface *xch = claimset_xc_open(w->host, 0);
    struct claimset_xc_stats a = {0}, b = {0};
    unsigned int nr = CLAIMSET_MAX_NODES;
    struct xg_build_spec spec;

    w->claim_rc = w->build_rc = -1;
    if (!xch)
        return NULL;
    claimset_xc_get_stats(xch, &a);
    pthread_barrier_wait(w->start);
    /* Each lost race means another thread's claim went in, so one more
     * attempt than there are threads always suffices. */
    w->claim_rc = xa_place_and_claim(xch, w->domid, &w->req, MAX_THREADS + 1, &w->plan);
    w->claim_err = errno;
    claimset_xc_get_stats(xch, &b);
    w->claim_hypercalls = b.hypercalls - a.hypercalls;
    if (w->claim_rc == 0) {
        spec_from_plan(&w->plan, &spec);
        w->build_rc = xg_build_meminit(xch, w->domid, &spec, &w->rep);
        w->build_err = errno;
        claimset_domain_get_node_pages(xch, w->domid, &nr, w->node_pages);
    }
    xc_interface_close(xch);
    return NULL;
}

/* Run n advisors asking for `pages` each; returns how many got a claim. */
static unsigned int storm(claimset_host *h, xc_interface *xch, unsigned int n, uint64_t pages,
                          struct worker *w)
{
    pthread_barrier_t start;
    unsigned int ok = 0;
    uint64_t retries = 0;

    pthread_barrier_init(&start, NULL, n);
    for (unsigned int i = 0; i < n; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].host = h;
        w[i].start = &start;
        w[i].domid = xt_domain(xch, pages);
        w[i].req = (struct xa_request){.pages = pages, .vcpus = 2};
    }
    for (unsigned int i = 0; i < n; i++)
        pthread_create(&w[i].tid, NULL, advise_and_build, &w[i]);
    for (unsigned int i = 0; i < n; i++)
        pthread_join(w[i].tid, NULL);
    pthread_barrier_destroy(&start);
    for (unsigned int i = 0; i < n; i++) {
        ok += w[i].claim_rc == 0;
        /* Four calls per attempt: meminfo, numainfo, own claims, claim. */
        retries += w[i].claim_hypercalls > 4 ? (w[i].claim_hypercalls - 4) / 4 : 0;
    }
    test_note("%u advisors, %u claimed, %llu lost races re-planned", n, ok,
              (unsigned long long)retries);
    return ok;
}

/* A successful worker's build matches its plan node by node. */
static void expect_built_as_planned(const struct worker *w)
{
    uint64_t want[CLAIMSET_MAX_NODES] = {0};

    EXPECT_EQ(w->build_rc, 0);
    EXPECT_EQ(w->rep.pages_populated, w->req.pages);
    EXPECT_EQ(w->rep.pages_on_intended_node, w->req.pages);
    for (unsigned int i = 0; i < w->plan.nr_vnodes; i++)
        want[w->plan.vnodes[i].pnode] += w->plan.vnodes[i].pages;
    for (unsigned int n = 0; n < 4; n++)
        EXPECT_EQ(w->node_pages[n], want[n]);
}

TEST(parallel_place_and_claim_then_build_when_all_fit)
{
    claimset_host *h = shost(TOPO4);
    xc_interface *xch = xt_open(h);
    struct worker w[16];
    uint64_t held = 0;

    /* 16 x 4000 pages: four per node fit, nothing more. */
    EXPECT_EQ(storm(h, xch, 16, 4000, w), 16);
    for (unsigned int i = 0; i < 16; i++) {
        expect_built_as_planned(&w[i]);
        held += xt_dominfo(xch, w[i].domid).tot_pages;
    }
    EXPECT_EQ(held, 16 * 4000);
    EXPECT_EQ(xt_outstanding(xch), 0);
    xt_done(xch, h);
}

TEST(parallel_place_and_claim_never_overcommits)
{
    claimset_host *h = shost(TOPO4);
    xc_interface *xch = xt_open(h);
    struct worker w[24];
    unsigned int ok;
    uint64_t held = 0;

    /* 24 x 4000 pages on 65535: whoever fails leaves less than 4000
     * unclaimed, so exactly 16 fit -- never a 17th. */
    ok = storm(h, xch, 24, 4000, w);
    EXPECT_EQ(ok, 16);
    for (unsigned int i = 0; i < 24; i++) {
        if (w[i].claim_rc == 0) {
            expect_built_as_planned(&w[i]);
        } else {
            EXPECT_EQ(w[i].claim_err, ENOMEM);
            EXPECT_EQ(xt_dominfo(xch, w[i].domid).tot_pages, 0);
        }
        held += xt_dominfo(xch, w[i].domid).tot_pages;
    }
    EXPECT_EQ(held, (uint64_t)ok * 4000);
    EXPECT_LE(held, HOST_FREE);
    EXPECT_EQ(xt_outstanding(xch), 0);
    xt_done(xch, h);
}

/* ------------------------------------------------------------------ */
/* Claimed builders against a noise domain                             */

struct noise {
    claimset_host *host;
    uint32_t domid;
    atomic_int stop;
    _Atomic uint64_t got;
};

/* Grab 2 MiB, then 4 KiB pages anywhere until told to stop. */
static void *noise_main(void *arg)
{
    struct noise *n = arg;
    xc_interface *xch = claimset_xc_open(n->host, 0);
    uint64_t gfn = 0;

    if (!xch)
        return NULL;
    while (!atomic_load(&n->stop)) {
        int got = xt_populate(xch, n->domid, &gfn, 1, 9, 0);

        if (got <= 0)
            got = xt_populate(xch, n->domid, &gfn, 64, 0, 0);
        if (got > 0)
            atomic_fetch_add(&n->got, got == 1 ? 512 : (uint64_t)got);
        else
            sched_yield();
    }
    xc_interface_close(xch);
    return NULL;
}

struct pinned {
    pthread_t tid;
    claimset_host *host;
    uint32_t domid;
    struct xg_build_spec spec;
    struct xg_build_report rep;
    int rc;
};

static void *pinned_build(void *arg)
{
    struct pinned *p = arg;
    xc_interface *xch = claimset_xc_open(p->host, 0);

    p->rc = -1;
    if (!xch)
        return NULL;
    p->rc = xg_build_meminit(xch, p->domid, &p->spec, &p->rep);
    xc_interface_close(xch);
    return NULL;
}

TEST(claimed_builders_land_exactly_while_noise_takes_the_rest)
{
    claimset_host *h = shost(TOPO4);
    xc_interface *xch = xt_open(h);
    struct noise nz = {.host = h};
    struct pinned b[8];
    pthread_t noise_tid;
    uint64_t built = 0;

    nz.domid = xt_domain(xch, 4 * NODE_PAGES);
    /* Two builders per node, 6000 pages each, split over two vnodes:
     * their sets go in before the noise starts. */
    for (unsigned int i = 0; i < 8; i++) {
        struct xg_build_spec *s = &b[i].spec;

        memset(&b[i], 0, sizeof(b[i]));
        b[i].host = h;
        b[i].domid = xt_domain(xch, 6000);
        s->claim_mode = XG_CLAIM_SET;
        s->nr_vnodes = 2;
        s->vnodes[0] = (struct xg_vnode){.pages = 4096, .pnode = i / 2};
        s->vnodes[1] = (struct xg_vnode){.pages = 1904, .pnode = i / 2};
        {
            memory_claim_t c = {.pages = 6000, .target = i / 2};

            ASSERT_EQ(xc_domain_claim_memory(xch, b[i].domid, 1, &c), 0);
        }
    }
    /* The noise first takes half of the unclaimed memory, then races
     * the builders for the rest. */
    pthread_create(&noise_tid, NULL, noise_main, &nz);
    while (atomic_load(&nz.got) < (HOST_FREE - 8 * 6000) / 2)
        sched_yield();
    for (unsigned int i = 0; i < 8; i++)
        pthread_create(&b[i].tid, NULL, pinned_build, &b[i]);
    for (unsigned int i = 0; i < 8; i++)
        pthread_join(b[i].tid, NULL);
    atomic_store(&nz.stop, 1);
    pthread_join(noise_tid, NULL);

    for (unsigned int i = 0; i < 8; i++) {
        EXPECT_EQ(b[i].rc, 0);
        EXPECT_EQ(b[i].rep.node_pages[i / 2], 6000);
        EXPECT_EQ(b[i].rep.pages_on_intended_node, 6000);
        built += b[i].rep.pages_populated;
    }
    test_note("noise got %llu pages", (unsigned long long)atomic_load(&nz.got));
    EXPECT_EQ(built, 8 * 6000);
    EXPECT_EQ(xt_dominfo(xch, nz.domid).tot_pages, atomic_load(&nz.got));
    EXPECT_LE(built + atomic_load(&nz.got), HOST_FREE);
    EXPECT_EQ(xt_outstanding(xch), 0);
    xt_done(xch, h);
}

TEST(set_fallback_builders_share_a_node_and_spill_the_rest)
{
    claimset_host *h = shost(TOPO4);
    xc_interface *xch = xt_open(h);
    struct pinned b[4];
    uint64_t on_node1 = 0, intended = 0;

    /* 4 x 6000 pages all want node 1 (16384). */
    for (unsigned int i = 0; i < 4; i++) {
        memset(&b[i], 0, sizeof(b[i]));
        b[i].host = h;
        b[i].domid = xt_domain(xch, 0);
        b[i].spec.claim_mode = XG_CLAIM_SET_FALLBACK;
        b[i].spec.nr_vnodes = 1;
        b[i].spec.vnodes[0] = (struct xg_vnode){.pages = 6000, .pnode = 1};
    }
    for (unsigned int i = 0; i < 4; i++)
        pthread_create(&b[i].tid, NULL, pinned_build, &b[i]);
    for (unsigned int i = 0; i < 4; i++)
        pthread_join(b[i].tid, NULL);
    for (unsigned int i = 0; i < 4; i++) {
        EXPECT_EQ(b[i].rc, 0);
        EXPECT_EQ(b[i].rep.pages_populated, 6000);
        EXPECT_EQ(b[i].rep.node_pages_approx, 0);
        on_node1 += b[i].rep.node_pages[1];
        intended += b[i].rep.pages_on_intended_node;
    }
    /* Node 1 is shared out completely, and the report knows it. */
    EXPECT_EQ(on_node1, NODE_PAGES);
    EXPECT_EQ(intended, NODE_PAGES);
    EXPECT_EQ(xt_node_free_pages(xch, 1), 0);
    EXPECT_EQ(xt_outstanding(xch), 0);
    xt_done(xch, h);
}
