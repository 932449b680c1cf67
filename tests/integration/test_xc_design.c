/*
 * The design's own uses of the API, end to end through libxenctrl calls:
 * the two API examples of the guest guide compiled as written (each call
 * they make is recorded, and the claims are read back after it), the claim
 * workflow diagram, a port of the sequence Xen's own claim test checks,
 * and the sequence observed on a real Xen 4.17 host (XEN-FACTS.md) where
 * it applies to today's semantics.
 */
#include <errno.h>
#include <string.h>

#include "integration/test_xc_util.h"

/* ------------------------------------------------------------------ */
/* Recording the examples' calls                                       */
/* ------------------------------------------------------------------ */

/* What one call of an example returned, and the state right after it. */
struct step {
    const char *call;
    int rc, err;
    memory_claim_t claims[XT_MAX_CLAIMS];
    unsigned int nr_claims;
    uint64_t outstanding, host_outstanding, tot_pages;
    uint32_t flags;
};

/* The test program's log of the example's calls (one case per process). */
static struct step steps[16];
static unsigned int nr_steps;

static int record(const char *call, xc_interface *xch, uint32_t domid, int rc)
{
    int err = errno;
    struct step *s = &steps[nr_steps < 16 ? nr_steps++ : 15];
    xc_domaininfo_t info = xt_dominfo(xch, domid);

    s->call = call;
    s->rc = rc;
    s->err = rc < 0 ? err : 0;
    s->nr_claims = xt_claims(xch, domid, s->claims);
    s->outstanding = info.outstanding_pages;
    s->tot_pages = info.tot_pages;
    s->flags = info.flags;
    s->host_outstanding = xt_outstanding(xch);
    errno = err;
    return rc;
}

static int rec_claim_memory(xc_interface *xch, uint32_t domid, uint32_t nr, memory_claim_t *c)
{
    return record("claim_memory", xch, domid, xc_domain_claim_memory(xch, domid, nr, c));
}

static int rec_claim_pages(xc_interface *xch, uint32_t domid, unsigned long pages)
{
    return record("claim_pages", xch, domid, xc_domain_claim_pages(xch, domid, pages));
}

static int rec_populate(xc_interface *xch, uint32_t domid, unsigned long nr, unsigned int order,
                        unsigned int flags, xen_pfn_t *gfns)
{
    return record("populate", xch, domid,
                  xc_domain_populate_physmap(xch, domid, nr, order, flags, gfns));
}

static int rec_unpause(xc_interface *xch, uint32_t domid)
{
    return record("unpause", xch, domid, xc_unpause_domain(xch, domid));
}

/* Guest frames for the populate call of the XENMEM_claim_pages example. */
static xen_pfn_t example_gfns[4096];

/*
 * The two examples of the guest guide, as written (tests/contract/ holds
 * them for the contract programs too), with every call they make recorded.
 * The XENMEM_claim_pages example leaves the populate arguments out; they
 * are half of the claimed pages, at example_gfns.
 */
#define xc_domain_claim_memory(...) rec_claim_memory(__VA_ARGS__)
#define xc_domain_claim_pages(...)  rec_claim_pages(__VA_ARGS__)
#define xc_unpause_domain(...)      rec_unpause(__VA_ARGS__)
#define xc_domain_populate_physmap(xch_, domid_, elided_)                                          \
    rec_populate(xch_, domid_, nr_pages / 2, 0, 0, example_gfns)

#include "contract/example_claim_memory.h"
#include "contract/example_claim_pages.h"

#undef xc_domain_claim_memory
#undef xc_domain_claim_pages
#undef xc_domain_populate_physmap
#undef xc_unpause_domain

static void expect_claim(const struct step *s, unsigned int i, uint64_t pages, uint32_t target)
{
    if (i >= s->nr_claims) {
        test_fail(__FILE__, __LINE__, "%s: entry %u missing (%u entries)", s->call, i,
                  s->nr_claims);
        return;
    }
    EXPECT_EQ(s->claims[i].pages, pages);
    EXPECT_EQ(s->claims[i].target, target);
}

TEST(design_example_claim_memory_behaves_as_described)
{
    claimset_host *h = xt_host("16M,16M,16M,16M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 4096);

    ASSERT_TRUE(domid != 0);
    nr_steps = 0;
    example_claims(xch, domid);
    ASSERT_EQ(nr_steps, 3);

    /* 1: node 0, node 1 and global, 1024 each; read back nodes first. */
    EXPECT_EQ(steps[0].rc, 0);
    EXPECT_EQ(steps[0].nr_claims, 3);
    expect_claim(&steps[0], 0, 1024, 0);
    expect_claim(&steps[0], 1, 1024, 1);
    expect_claim(&steps[0], 2, 1024, XT_GLOBAL);
    EXPECT_EQ(steps[0].outstanding, 3072);
    EXPECT_EQ(steps[0].host_outstanding, 3072);

    /* 2: replaced, not added to: nodes 1, 2, 3 only. */
    EXPECT_EQ(steps[1].rc, 0);
    EXPECT_EQ(steps[1].nr_claims, 3);
    expect_claim(&steps[1], 0, 1024, 1);
    expect_claim(&steps[1], 1, 1024, 2);
    expect_claim(&steps[1], 2, 1024, 3);
    EXPECT_EQ(steps[1].host_outstanding, 3072);

    /* 3: {0, GLOBAL} releases everything. */
    EXPECT_EQ(steps[2].rc, 0);
    EXPECT_EQ(steps[2].nr_claims, 0);
    EXPECT_EQ(steps[2].outstanding, 0);
    EXPECT_EQ(steps[2].host_outstanding, 0);
    xt_done(xch, h);
}

TEST(design_example_claim_memory_on_a_full_host_keeps_the_all_or_nothing_rule)
{
    /* The example's second set needs 1024 pages on node 3, which another
     * domain has claimed: the replacement fails and the first set stays. */
    claimset_host *h = xt_host("16M,16M,16M,16M");
    xc_interface *xch = xt_open(h);
    uint32_t other = xt_domain(xch, 4096), domid = xt_domain(xch, 4096);
    memory_claim_t node3 = {.pages = 4096 - 512, .node = 3};

    ASSERT_EQ(xc_domain_claim_memory(xch, other, 1, &node3), 0);
    nr_steps = 0;
    example_claims(xch, domid);
    ASSERT_EQ(nr_steps, 3);
    EXPECT_EQ(steps[0].rc, 0);
    EXPECT_EQ(steps[1].rc, -1);
    EXPECT_EQ(steps[1].err, ENOMEM);
    EXPECT_EQ(steps[1].nr_claims, 3);
    expect_claim(&steps[1], 0, 1024, 0);
    expect_claim(&steps[1], 1, 1024, 1);
    expect_claim(&steps[1], 2, 1024, XT_GLOBAL);
    EXPECT_EQ(steps[2].rc, 0);
    EXPECT_EQ(steps[2].nr_claims, 0);
    EXPECT_EQ(steps[2].host_outstanding, 4096 - 512);
    xt_done(xch, h);
}

TEST(design_example_claim_pages_behaves_as_described)
{
    claimset_host *h = xt_host("16M,16M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 2048);

    ASSERT_TRUE(domid != 0);
    for (unsigned int i = 0; i < ARRAY_SIZE(example_gfns); i++)
        example_gfns[i] = 0x1000 + i;
    EXPECT_TRUE(xt_dominfo(xch, domid).flags & XEN_DOMINF_paused);

    nr_steps = 0;
    EXPECT_EQ(build_with_claims(xch, domid, 1024), 0);
    ASSERT_EQ(nr_steps, 4);

    /* The legacy claim is one global claim of nr_pages - tot_pages. */
    EXPECT_STREQ(steps[0].call, "claim_pages");
    EXPECT_EQ(steps[0].rc, 0);
    EXPECT_EQ(steps[0].nr_claims, 1);
    expect_claim(&steps[0], 0, 1024, XT_GLOBAL);
    EXPECT_EQ(steps[0].host_outstanding, 1024);

    /* Populating half of it retires half of the claim. */
    EXPECT_STREQ(steps[1].call, "populate");
    EXPECT_EQ(steps[1].rc, 512);
    EXPECT_EQ(steps[1].tot_pages, 512);
    expect_claim(&steps[1], 0, 512, XT_GLOBAL);
    EXPECT_EQ(steps[1].host_outstanding, 512);

    /* The remaining claim is released. */
    EXPECT_STREQ(steps[2].call, "claim_pages");
    EXPECT_EQ(steps[2].rc, 0);
    EXPECT_EQ(steps[2].nr_claims, 0);
    EXPECT_EQ(steps[2].host_outstanding, 0);
    EXPECT_EQ(steps[2].tot_pages, 512);

    /* And the domain runs. */
    EXPECT_STREQ(steps[3].call, "unpause");
    EXPECT_EQ(steps[3].rc, 0);
    EXPECT_FALSE(steps[3].flags & XEN_DOMINF_paused);
    EXPECT_EQ(xc_domain_get_claims(xch, domid, &(uint32_t){0}, NULL), 0);
    xt_done(xch, h);
}

TEST(design_example_claim_pages_stops_at_a_refused_claim)
{
    /* More than max_pages: the example returns the claim's failure and
     * populates nothing. */
    claimset_host *h = xt_host("16M,16M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 1000);

    nr_steps = 0;
    EXPECT_EQ(build_with_claims(xch, domid, 1024), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(nr_steps, 1);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 0);
    xt_done(xch, h);
}

/* ------------------------------------------------------------------ */
/* The workflow diagram (DOMCTL_claim_memory-workflow.mmd)             */
/* ------------------------------------------------------------------ */

TEST(design_workflow_claim_affinity_populate_release)
{
    claimset_host *h = xt_host("16M,16M,16M");
    xc_interface *xch = xt_open(h);
    struct xen_domctl_createdomain cfg;
    uint32_t domid = 0;
    const unsigned long want = 3000, max = 3200;
    memory_claim_t claim = {.pages = want, .node = 1};
    memory_claim_t release = {.pages = 0, .node = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL};
    xc_nodemap_t map;
    uint64_t gfn = 0, node1_before, node0_before, node2_before;

    /* createdomain, max_mem */
    memset(&cfg, 0, sizeof(cfg));
    cfg.max_vcpus = 1;
    ASSERT_EQ(xc_domain_create(xch, &domid, &cfg), 0);
    ASSERT_EQ(xc_domain_setmaxmem(xch, domid, max * 4), 0);
    EXPECT_EQ(xt_dominfo(xch, domid).max_pages, max);

    /* claim_memory(pages, node) */
    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 1, &claim), 0);
    EXPECT_EQ(xt_claim_on(xch, domid, 1), want);

    /* set_nodeaffinity(node) */
    map = xc_nodemap_alloc(xch);
    ASSERT_TRUE(map != NULL);
    map[0] = 1u << 1;
    ASSERT_EQ(xc_domain_node_setaffinity(xch, domid, map), 0);
    memset(map, 0xff, (size_t)xc_get_nodemap_size(xch));
    ASSERT_EQ(xc_domain_node_getaffinity(xch, domid, map), 0);
    EXPECT_EQ(map[0], 1u << 1);
    free(map);

    /* populate_physmap(memflags: node) in a loop: every batch comes from
     * node 1 and retires the node-1 claim page for page. */
    node0_before = xt_node_free_pages(xch, 0);
    node2_before = xt_node_free_pages(xch, 2);
    for (unsigned long done = 0; done < want;) {
        unsigned long batch = want - done < 512 ? want - done : 512;

        node1_before = xt_node_free_pages(xch, 1);
        ASSERT_EQ(xt_populate(xch, domid, &gfn, batch, 0, XENMEMF_exact_node(1)), (int)batch);
        done += batch;
        EXPECT_EQ(xt_node_free_pages(xch, 1), node1_before - batch);
        EXPECT_EQ(xt_claim_on(xch, domid, 1), want - done);
    }
    EXPECT_EQ(xt_node_free_pages(xch, 0), node0_before);
    EXPECT_EQ(xt_node_free_pages(xch, 2), node2_before);
    EXPECT_EQ(xt_node_pages(xch, domid, 1), want);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, want);

    /* A second, smaller claim left unused, then claim_memory(0) releases. */
    claim.pages = 100;
    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 1, &claim), 0);
    EXPECT_EQ(xt_outstanding(xch), 100);
    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 1, &release), 0);
    EXPECT_EQ(xt_outstanding(xch), 0);
    EXPECT_EQ(xt_dominfo(xch, domid).outstanding_pages, 0);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, want);
    xt_done(xch, h);
}

/* ------------------------------------------------------------------ */
/* Xen's own claim test (tools/tests/mem-claim), ported                */
/* ------------------------------------------------------------------ */

TEST(xen_mem_claim_test_sequence)
{
    claimset_host *h = xt_host("64M,64M");
    xc_interface *xch = xt_open(h);
    struct xen_domctl_createdomain cfg;
    uint32_t domid = 0;
    xen_pfn_t gfn0[] = {0};

    /* A quiescent host has no claim. */
    EXPECT_EQ(xt_outstanding(xch), 0);

    memset(&cfg, 0, sizeof(cfg));
    cfg.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    cfg.max_vcpus = 1;
    ASSERT_EQ(xc_domain_create(xch, &domid, &cfg), 0);
    /* Unlimited max_mem, as that test sets it. */
    ASSERT_EQ(xc_domain_setmaxmem(xch, domid, (uint64_t)-1), 0);
    /* Creating a domain claims nothing. */
    EXPECT_EQ(xt_outstanding(xch), 0);

    /* A 4 MiB claim is the only one and shows host-wide. */
    ASSERT_EQ(xc_domain_claim_pages(xch, domid, XT_MIB_PAGES(4)), 0);
    EXPECT_EQ(xt_outstanding(xch), XT_MIB_PAGES(4));

    /* One 2 MiB extent comes out of it. */
    ASSERT_EQ(xc_domain_populate_physmap_exact(xch, domid, ARRAY_SIZE(gfn0), 9, 0, gfn0), 0);
    EXPECT_EQ(xt_outstanding(xch), XT_MIB_PAGES(2));
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, XT_MIB_PAGES(2));

    /* Destroying the domain releases the rest. */
    ASSERT_EQ(xc_domain_destroy(xch, domid), 0);
    EXPECT_EQ(xt_outstanding(xch), 0);
    xt_done(xch, h);
}

/* ------------------------------------------------------------------ */
/* Observed on real Xen 4.17 (XEN-FACTS.md), same numbers              */
/* ------------------------------------------------------------------ */

static int claim_errno(xc_interface *xch, uint32_t domid, unsigned long pages)
{
    errno = 0;
    return xc_domain_claim_pages(xch, domid, pages) ? errno : 0;
}

TEST(xen417_observed_claim_sequence)
{
    /* 2 nodes x 2 GiB as on that host; counters checked after every call
     * (a deep check per extent would take too long), deeply at the end. */
    claimset_host *h = xt_host_level("2G,2G", CLAIMSET_CHECK_COUNTERS);
    xc_interface *xch = xt_open(h);
    const unsigned long max = 262144;
    uint32_t domid = xt_domain(xch, max);
    uint64_t gfn = 0, n0, n1, free_pages;

    /* Claim 65536: host and domain outstanding both 65536. */
    ASSERT_EQ(claim_errno(xch, domid, 65536), 0);
    EXPECT_EQ(xt_outstanding(xch), 65536);
    EXPECT_EQ(xt_dominfo(xch, domid).outstanding_pages, 65536);
    /* A second claim: EINVAL, nothing changes. */
    EXPECT_EQ(claim_errno(xch, domid, 70000), EINVAL);
    EXPECT_EQ(xt_outstanding(xch), 65536);

    /* 1024 order-0 pages lower the claim by 1024; 8 x order 9 by 4096. */
    EXPECT_EQ(xt_populate(xch, domid, &gfn, 1024, 0, 0), 1024);
    EXPECT_EQ(xt_outstanding(xch), 65536 - 1024);
    EXPECT_EQ(xt_populate(xch, domid, &gfn, 8, 9, 0), 8);
    EXPECT_EQ(xt_outstanding(xch), 65536 - 1024 - 4096);

    /* Exact-node populates lower only that node's free memory. */
    n0 = xt_node_free_pages(xch, 0);
    n1 = xt_node_free_pages(xch, 1);
    EXPECT_EQ(xt_populate(xch, domid, &gfn, 16, 9, XENMEMF_exact_node(1)), 16);
    EXPECT_EQ(xt_node_free_pages(xch, 0), n0);
    EXPECT_EQ(xt_node_free_pages(xch, 1), n1 - 8192);
    EXPECT_EQ(xt_outstanding(xch), 65536 - 1024 - 4096 - 8192);

    /* The rest of the claim (102 x 512), then 300 pages beyond it: they
     * succeed and the claim stops at 0. */
    EXPECT_EQ(xt_populate(xch, domid, &gfn, 102, 9, 0), 102);
    EXPECT_EQ(xt_outstanding(xch), 0);
    EXPECT_EQ(xt_populate(xch, domid, &gfn, 300, 0, 0), 300);
    EXPECT_EQ(xt_outstanding(xch), 0);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 65836);

    /* With 65836 held, claiming 75836 gives outstanding 10000. */
    ASSERT_EQ(claim_errno(xch, domid, 75836), 0);
    EXPECT_EQ(xt_outstanding(xch), 10000);
    EXPECT_EQ(claim_errno(xch, domid, 0), 0);
    EXPECT_EQ(xt_outstanding(xch), 0);

    /* Claiming <= held, or max + 1: EINVAL; exactly max is accepted. */
    EXPECT_EQ(claim_errno(xch, domid, 65836), EINVAL);
    EXPECT_EQ(claim_errno(xch, domid, 1), EINVAL);
    EXPECT_EQ(claim_errno(xch, domid, max + 1), EINVAL);
    EXPECT_EQ(xt_outstanding(xch), 0);
    ASSERT_EQ(claim_errno(xch, domid, max), 0);
    EXPECT_EQ(xt_outstanding(xch), max - 65836);
    EXPECT_EQ(claim_errno(xch, domid, 0), 0);

    /* A claim larger than free memory: EINVAL while it also passes
     * max_pages (the limit is checked first), ENOMEM once it does not. */
    free_pages = xt_physinfo(xch).free_pages;
    EXPECT_EQ(claim_errno(xch, domid, 65836 + free_pages + 1), EINVAL);
    ASSERT_EQ(xc_domain_setmaxmem(xch, domid, (65836 + free_pages + 1) * 4), 0);
    EXPECT_EQ(claim_errno(xch, domid, 65836 + free_pages + 1), ENOMEM);
    EXPECT_EQ(xt_outstanding(xch), 0);
    /* All of the free memory is fine. */
    EXPECT_EQ(claim_errno(xch, domid, 65836 + free_pages), 0);
    EXPECT_EQ(xt_outstanding(xch), free_pages);

    /* Destroying the domain releases its claim. */
    ASSERT_EQ(xc_domain_destroy(xch, domid), 0);
    EXPECT_EQ(xt_outstanding(xch), 0);
    xt_done(xch, h);
}

TEST(xen417_unclaimed_memory_only_for_a_domain_without_claim)
{
    /* 8191 free pages; the claimant leaves 2048 unclaimed. */
    claimset_host *h = xt_host("16M,16M");
    xc_interface *xch = xt_open(h);
    uint32_t claimant = xt_domain(xch, 8191), other = xt_domain(xch, 4096);
    uint64_t gfn = 0;
    uint64_t free_pages = xt_physinfo(xch).free_pages;

    ASSERT_EQ(free_pages, 8191);
    ASSERT_EQ(claim_errno(xch, claimant, free_pages - 2048), 0);

    /* Asked for 4096, got the 2048 unclaimed ones. */
    EXPECT_EQ(xt_populate(xch, other, &gfn, 4096, 0, 0), 2048);
    EXPECT_EQ(xt_dominfo(xch, other).tot_pages, 2048);
    EXPECT_EQ(xt_outstanding(xch), free_pages - 2048);

    /* Once the claimant lets go, the rest comes. */
    EXPECT_EQ(claim_errno(xch, claimant, 0), 0);
    EXPECT_EQ(xt_populate(xch, other, &gfn, 2048, 0, 0), 2048);
    EXPECT_EQ(xt_dominfo(xch, other).tot_pages, 4096);
    xt_done(xch, h);
}

TEST(xen417_legacy_claims_are_host_wide)
{
    /* A legacy claim larger than node 1 is accepted; node-1-exact
     * populating runs short, and only what was allocated is retired. */
    claimset_host *h = xt_host("16M,16M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 8000);
    uint64_t gfn = 0;

    ASSERT_EQ(claim_errno(xch, domid, 6000), 0);
    EXPECT_EQ(xt_populate(xch, domid, &gfn, 6000, 0, XENMEMF_exact_node(1)), 4096);
    EXPECT_EQ(xt_node_free_pages(xch, 1), 0);
    EXPECT_EQ(xt_outstanding(xch), 6000 - 4096);
    EXPECT_EQ(xt_claim_on(xch, domid, XT_GLOBAL), 6000 - 4096);
    xt_done(xch, h);
}
