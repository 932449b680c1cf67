/*
 * Claims through the library: xc_domain_claim_memory(),
 * xc_domain_claim_pages(), xc_domain_get_claims() and xc_numa_meminfo()
 * -- success, every failure errno (each leaving the host and the domain
 * exactly as they were), and the design's protection, retirement, recall
 * and max_pages rules as a toolstack sees them.
 */
#include <errno.h>
#include <string.h>

#include "integration/test_xc_util.h"

#define TOPO "16M,16M" /* 4096 frames per node; node 0 has 4095 free */

/* Install a set and expect failure with err and no change at all. */
#define EXPECT_CLAIM_FAILS(xch, domid, nr, set, err)                                               \
    do {                                                                                           \
        struct xt_state before_;                                                                   \
        xt_snapshot(xch, domid, &before_);                                                         \
        errno = 0;                                                                                 \
        EXPECT_EQ(xc_domain_claim_memory(xch, domid, nr, set), -1);                                \
        EXPECT_EQ(errno, err);                                                                     \
        XT_EXPECT_UNCHANGED(xch, domid, &before_);                                                 \
    } while (0)

TEST(claim_memory_installs_and_reads_back_in_node_order)
{
    claimset_host *h = xt_host("16M,16M,16M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 4000);
    /* Both spellings of the target compile. */
    memory_claim_t set[] = {
        {.pages = 300, .target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL},
        {.pages = 200, .node = 2},
        {.pages = 100, .target = 0},
    };
    memory_claim_t got[XT_MAX_CLAIMS];
    xc_numa_meminfo_t numa[CLAIMSET_MAX_NODES];

    ASSERT_EQ(xc_domain_claim_memory(xch, domid, ARRAY_SIZE(set), set), 0);
    ASSERT_EQ(xt_claims(xch, domid, got), 3);
    EXPECT_EQ(got[0].target, 0);
    EXPECT_EQ(got[0].pages, 100);
    EXPECT_EQ(got[1].target, 2);
    EXPECT_EQ(got[1].pages, 200);
    EXPECT_EQ(got[2].target, XT_GLOBAL);
    EXPECT_EQ(got[2].pages, 300);
    EXPECT_EQ(got[0].pad + got[1].pad + got[2].pad, 0);
    EXPECT_EQ(xt_dominfo(xch, domid).outstanding_pages, 600);
    EXPECT_EQ(xt_outstanding(xch), 600);

    /* Per node claimed bytes: node claims only, free memory untouched. */
    ASSERT_EQ(xt_numa(xch, numa), 3);
    EXPECT_EQ(numa[0].claimed, 100ULL << XC_PAGE_SHIFT);
    EXPECT_EQ(numa[1].claimed, 0);
    EXPECT_EQ(numa[2].claimed, 200ULL << XC_PAGE_SHIFT);
    EXPECT_EQ(numa[0].size, 16ULL << 20);
    EXPECT_EQ(numa[0].free, 4095ULL << XC_PAGE_SHIFT);
    EXPECT_EQ(numa[1].free, 4096ULL << XC_PAGE_SHIFT);
    xt_done(xch, h);
}

TEST(claim_memory_replaces_the_previous_set)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 4000);
    memory_claim_t a[] = {{.pages = 1000, .node = 0}, {.pages = 1000, .node = 1}};
    memory_claim_t b[] = {{.pages = 50, .node = 1}};
    memory_claim_t got[XT_MAX_CLAIMS];

    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 2, a), 0);
    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 1, b), 0);
    ASSERT_EQ(xt_claims(xch, domid, got), 1);
    EXPECT_EQ(got[0].target, 1);
    EXPECT_EQ(got[0].pages, 50);
    EXPECT_EQ(xt_outstanding(xch), 50);
    xt_done(xch, h);
}

TEST(claim_memory_reinstalling_on_a_full_host_succeeds)
{
    /* All free memory claimed by the domain itself: the same set again,
     * and a reshaped one of the same size, must both succeed. */
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 8191);
    memory_claim_t set[] = {{.pages = 4095, .node = 0}, {.pages = 4096, .node = 1}};
    memory_claim_t global[] = {{.pages = 8191, .node = XT_GLOBAL}};
    uint32_t other = xt_domain(xch, 10);
    memory_claim_t one[] = {{.pages = 1, .node = XT_GLOBAL}};

    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 2, set), 0);
    EXPECT_EQ(xt_outstanding(xch), 8191);
    EXPECT_EQ(xc_domain_claim_memory(xch, domid, 2, set), 0);
    EXPECT_EQ(xc_domain_claim_memory(xch, domid, 1, global), 0);
    EXPECT_EQ(xt_claim_on(xch, domid, XT_GLOBAL), 8191);
    EXPECT_EQ(xc_domain_claim_memory(xch, domid, 2, set), 0);
    EXPECT_EQ(xt_outstanding(xch), 8191);
    /* Nobody else can claim a page. */
    EXPECT_CLAIM_FAILS(xch, other, 1, one, ENOMEM);
    xt_done(xch, h);
}

TEST(claim_memory_global_zero_releases_everything)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 4000);
    memory_claim_t set[] = {{.pages = 10, .node = 0}, {.pages = 20, .node = XT_GLOBAL}};
    memory_claim_t release[] = {{.pages = 0, .node = XT_GLOBAL}};
    memory_claim_t got[XT_MAX_CLAIMS];

    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 2, set), 0);
    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 1, release), 0);
    EXPECT_EQ(xt_claims(xch, domid, got), 0);
    EXPECT_EQ(xt_outstanding(xch), 0);
    /* Releasing with nothing held is fine too. */
    EXPECT_EQ(xc_domain_claim_memory(xch, domid, 1, release), 0);
    xt_done(xch, h);
}

TEST(claim_memory_errors_change_nothing)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 6000);
    memory_claim_t held[] = {{.pages = 100, .node = 0}, {.pages = 100, .node = XT_GLOBAL}};
    memory_claim_t absent_node[] = {{.pages = 1, .node = 2}};
    memory_claim_t huge_node[] = {{.pages = 1, .node = 64}};
    memory_claim_t odd_node[] = {{.pages = 1, .node = 0x12345}};
    memory_claim_t dup[] = {{.pages = 1, .node = 1}, {.pages = 1, .node = 1}};
    memory_claim_t dup_global[] = {{.pages = 1, .node = XT_GLOBAL},
                                   {.pages = 1, .node = XT_GLOBAL}};
    memory_claim_t pad[] = {{.pages = 1, .node = 1, .pad = 1}};
    memory_claim_t selector[] = {{.pages = 1, .node = 0x80000001U}};
    memory_claim_t legacy_in_set[] = {{.pages = 1, .node = 0},
                                      {.pages = 1, .node = XEN_DOMCTL_CLAIM_MEMORY_LEGACY}};
    memory_claim_t node_short[] = {{.pages = 4097, .node = 1}};
    memory_claim_t host_short[] = {
        {.pages = 4000, .node = 0}, {.pages = 4000, .node = 1}, {.pages = 1000, .node = XT_GLOBAL}};
    memory_claim_t over_max[] = {{.pages = 3000, .node = 0}, {.pages = 3001, .node = 1}};
    /* Each entry passes phase 1; their sum does not fit. */
    memory_claim_t overflow[] = {{.pages = 2, .node = 0}, {.pages = UINT64_MAX, .node = XT_GLOBAL}};
    memory_claim_t many[XT_MAX_CLAIMS + 1];

    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 2, held), 0);

    EXPECT_CLAIM_FAILS(xch, domid, 1, absent_node, ENOENT);
    EXPECT_CLAIM_FAILS(xch, domid, 1, huge_node, ENOENT);
    EXPECT_CLAIM_FAILS(xch, domid, 1, odd_node, ENOENT);
    EXPECT_CLAIM_FAILS(xch, domid, 2, dup, EINVAL);
    EXPECT_CLAIM_FAILS(xch, domid, 2, dup_global, EINVAL);
    EXPECT_CLAIM_FAILS(xch, domid, 1, pad, EINVAL);
    EXPECT_CLAIM_FAILS(xch, domid, 1, selector, EINVAL);
    EXPECT_CLAIM_FAILS(xch, domid, 2, legacy_in_set, EINVAL);
    EXPECT_CLAIM_FAILS(xch, domid, 1, node_short, ENOMEM);
    EXPECT_CLAIM_FAILS(xch, domid, 3, host_short, ENOMEM);
    EXPECT_CLAIM_FAILS(xch, domid, 2, over_max, EINVAL);
    EXPECT_CLAIM_FAILS(xch, domid, 2, overflow, EINVAL);
    EXPECT_CLAIM_FAILS(xch, domid, 0, held, EINVAL);
    memset(many, 0, sizeof(many));
    EXPECT_CLAIM_FAILS(xch, domid, XT_MAX_CLAIMS + 1, many, E2BIG);
    EXPECT_CLAIM_FAILS(xch, domid, UINT32_MAX, many, E2BIG);
    /* No buffer behind a non-empty set: the copy faults. */
    EXPECT_CLAIM_FAILS(xch, domid, 1, NULL, EFAULT);
    EXPECT_CLAIM_FAILS(xch, domid, 0, NULL, EINVAL);
    /* No such domain; a domid that does not fit the ABI. */
    errno = 0;
    EXPECT_EQ(xc_domain_claim_memory(xch, 999, 1, held), -1);
    EXPECT_EQ(errno, ESRCH);
    errno = 0;
    EXPECT_EQ(xc_domain_claim_memory(xch, 0x10000 + domid, 1, held), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(xt_claim_on(xch, domid, 0), 100);
    errno = 0;
    EXPECT_EQ(xc_domain_claim_memory(NULL, domid, 1, held), -1);
    EXPECT_EQ(errno, EINVAL);
    xt_done(xch, h);
}

TEST(claim_memory_legacy_selector_takes_the_legacy_path)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 3000);
    uint64_t gfn = 0;
    memory_claim_t legacy[] = {{.pages = 1000, .node = XEN_DOMCTL_CLAIM_MEMORY_LEGACY}};

    /* The legacy claim is an absolute target, net of pages held. */
    ASSERT_EQ(xt_populate(xch, domid, &gfn, 100, 0, 0), 100);
    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 1, legacy), 0);
    EXPECT_EQ(xt_claim_on(xch, domid, XT_GLOBAL), 900);
    /* A second legacy claim while one is held: EINVAL. */
    EXPECT_CLAIM_FAILS(xch, domid, 1, legacy, EINVAL);
    xt_done(xch, h);
}

TEST(claim_pages_errors_change_nothing)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 8191), other = xt_domain(xch, 100);
    memory_claim_t set[] = {{.pages = 10, .node = 1}};
    struct xt_state before;
    uint64_t gfn = 0;

    ASSERT_EQ(xt_populate(xch, domid, &gfn, 50, 0, 0), 50);
    xt_snapshot(xch, domid, &before);
    errno = 0;
    EXPECT_EQ(xc_domain_claim_pages(xch, domid, 50), -1); /* <= held */
    EXPECT_EQ(errno, EINVAL);
    errno = 0;
    EXPECT_EQ(xc_domain_claim_pages(xch, domid, 8192), -1); /* > max */
    EXPECT_EQ(errno, EINVAL);
    errno = 0;
    EXPECT_EQ(xc_domain_claim_pages(xch, 999, 10), -1); /* no such domain */
    EXPECT_EQ(errno, EINVAL);
    XT_EXPECT_UNCHANGED(xch, domid, &before);

    /* More than the unclaimed memory: ENOMEM. */
    ASSERT_EQ(xc_domain_claim_pages(xch, other, 100), 0);
    xt_snapshot(xch, domid, &before);
    errno = 0;
    EXPECT_EQ(xc_domain_claim_pages(xch, domid, 8191), -1);
    EXPECT_EQ(errno, ENOMEM);
    XT_EXPECT_UNCHANGED(xch, domid, &before);

    /* A claim set is a claim: no legacy claim on top of it. */
    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 1, set), 0);
    xt_snapshot(xch, domid, &before);
    errno = 0;
    EXPECT_EQ(xc_domain_claim_pages(xch, domid, 1000), -1);
    EXPECT_EQ(errno, EINVAL);
    XT_EXPECT_UNCHANGED(xch, domid, &before);
    /* 0 releases it. */
    EXPECT_EQ(xc_domain_claim_pages(xch, domid, 0), 0);
    EXPECT_EQ(xt_dominfo(xch, domid).outstanding_pages, 0);
    errno = 0;
    EXPECT_EQ(xc_domain_claim_pages(NULL, domid, 0), -1);
    EXPECT_EQ(errno, EINVAL);
    xt_done(xch, h);
}

TEST(get_claims_capacity_rules)
{
    claimset_host *h = xt_host("16M,16M,16M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 4000);
    memory_claim_t set[] = {
        {.pages = 1, .node = 2}, {.pages = 2, .node = 0}, {.pages = 3, .node = XT_GLOBAL}};
    memory_claim_t *exact = (memory_claim_t *)xt_guarded(3 * sizeof(memory_claim_t));
    memory_claim_t two[2];
    uint32_t nr;

    ASSERT_TRUE(exact != NULL);
    /* Nothing claimed: zero entries, even with no buffer. */
    nr = 0;
    EXPECT_EQ(xc_domain_get_claims(xch, domid, &nr, NULL), 0);
    EXPECT_EQ(nr, 0);

    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 3, set), 0);
    /* Asking with no room tells the size. */
    nr = 0;
    errno = 0;
    EXPECT_EQ(xc_domain_get_claims(xch, domid, &nr, NULL), -1);
    EXPECT_EQ(errno, ERANGE);
    EXPECT_EQ(nr, 3);
    nr = 2;
    memset(two, 0xA5, sizeof(two));
    errno = 0;
    EXPECT_EQ(xc_domain_get_claims(xch, domid, &nr, two), -1);
    EXPECT_EQ(errno, ERANGE);
    EXPECT_EQ(nr, 3);
    /* A buffer of exactly the size needed, ending at a guard page. */
    nr = 3;
    ASSERT_EQ(xc_domain_get_claims(xch, domid, &nr, exact), 0);
    EXPECT_EQ(nr, 3);
    EXPECT_EQ(exact[0].target, 0);
    EXPECT_EQ(exact[0].pages, 2);
    EXPECT_EQ(exact[1].target, 2);
    EXPECT_EQ(exact[1].pages, 1);
    EXPECT_EQ(exact[2].target, XT_GLOBAL);
    EXPECT_EQ(exact[2].pages, 3);
    xt_guarded_free(exact, 3 * sizeof(memory_claim_t));

    /* No capacity at all; no such domain. */
    errno = 0;
    EXPECT_EQ(xc_domain_get_claims(xch, domid, NULL, two), -1);
    EXPECT_EQ(errno, EINVAL);
    nr = 4;
    errno = 0;
    EXPECT_EQ(xc_domain_get_claims(xch, 999, &nr, NULL), -1);
    EXPECT_EQ(errno, ESRCH);
    xt_done(xch, h);
}

TEST(protection_node_claim_keeps_other_domains_off_the_node)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t owner = xt_domain(xch, 4096), other = xt_domain(xch, 4096);
    memory_claim_t node1[] = {{.pages = 4000, .node = 1}};
    uint64_t gfn = 0, ogfn = 0;
    xen_pfn_t gfns[200];

    ASSERT_EQ(xc_domain_claim_memory(xch, owner, 1, node1), 0);
    /* 96 unclaimed pages on node 1: exactly those go to the other domain. */
    EXPECT_EQ(xt_populate(xch, other, &ogfn, 200, 0, XENMEMF_exact_node(1)), 96);
    for (unsigned int i = 0; i < 200; i++)
        gfns[i] = 0x10000 + i;
    errno = 0;
    EXPECT_EQ(xc_domain_populate_physmap_exact(xch, other, 200, 0, XENMEMF_exact_node(1), gfns),
              -1);
    EXPECT_EQ(errno, EBUSY);
    /* Without a node it gets memory elsewhere. */
    EXPECT_EQ(xt_populate(xch, other, &ogfn, 200, 0, 0), 200);
    EXPECT_EQ(xt_node_pages(xch, other, 1), 96);
    /* The owner gets all of its claim on node 1. */
    EXPECT_EQ(xt_populate(xch, owner, &gfn, 4000, 0, XENMEMF_exact_node(1)), 4000);
    EXPECT_EQ(xt_outstanding(xch), 0);
    xt_done(xch, h);
}

TEST(retirement_allocation_node_then_global_then_other_nodes)
{
    claimset_host *h = xt_host("16M,16M,16M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 4000);
    memory_claim_t set[] = {
        {.pages = 100, .node = 0}, {.pages = 100, .node = 1}, {.pages = 100, .node = XT_GLOBAL}};
    uint64_t gfn = 0;

    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 3, set), 0);
    /* Node 2 has no claim: the global claim pays. */
    ASSERT_EQ(xt_populate(xch, domid, &gfn, 60, 0, XENMEMF_exact_node(2)), 60);
    EXPECT_EQ(xt_claim_on(xch, domid, XT_GLOBAL), 40);
    EXPECT_EQ(xt_claim_on(xch, domid, 0), 100);
    EXPECT_EQ(xt_claim_on(xch, domid, 1), 100);
    /* Node 0: its own claim first, then the global one. */
    ASSERT_EQ(xt_populate(xch, domid, &gfn, 120, 0, XENMEMF_exact_node(0)), 120);
    EXPECT_EQ(xt_claim_on(xch, domid, 0), 0);
    EXPECT_EQ(xt_claim_on(xch, domid, XT_GLOBAL), 20);
    /* Node 2 again: global runs out, then other nodes' claims pay. */
    ASSERT_EQ(xt_populate(xch, domid, &gfn, 50, 0, XENMEMF_exact_node(2)), 50);
    EXPECT_EQ(xt_claim_on(xch, domid, XT_GLOBAL), 0);
    EXPECT_EQ(xt_claim_on(xch, domid, 1), 70);
    EXPECT_EQ(xt_dominfo(xch, domid).outstanding_pages, 70);
    xt_done(xch, h);
}

TEST(max_pages_bound_trims_claims_when_lowered)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 2000);
    memory_claim_t set[] = {{.pages = 500, .node = 0}, {.pages = 500, .node = XT_GLOBAL}};
    uint64_t gfn = 0;
    xc_domaininfo_t info;

    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 2, set), 0);
    ASSERT_EQ(xt_populate(xch, domid, &gfn, 200, 0, XENMEMF_exact_node(1)), 200);
    /* tot 200 + claims 800 <= 1000 still; 900 forces a trim of 100. */
    ASSERT_EQ(xc_domain_setmaxmem(xch, domid, 1000 * 4), 0);
    info = xt_dominfo(xch, domid);
    EXPECT_EQ(info.max_pages, 1000);
    EXPECT_EQ(info.tot_pages + info.outstanding_pages, 1000);
    ASSERT_EQ(xc_domain_setmaxmem(xch, domid, 900 * 4), 0);
    info = xt_dominfo(xch, domid);
    EXPECT_EQ(info.tot_pages + info.outstanding_pages, 900);
    /* Below what it holds: no claim at all, further populates refused. */
    ASSERT_EQ(xc_domain_setmaxmem(xch, domid, 100 * 4), 0);
    EXPECT_EQ(xt_dominfo(xch, domid).outstanding_pages, 0);
    EXPECT_EQ(xt_populate(xch, domid, &gfn, 1, 0, 0), 0);
    EXPECT_EQ(xt_outstanding(xch), 0);
    xt_done(xch, h);
}

TEST(offlining_recalls_node_claims)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 4096);
    memory_claim_t all_of_node1[] = {{.pages = 4096, .node = 1}};
    uint32_t status[4] = {0};
    unsigned long frame = 4096 + 100; /* node 1 starts at frame 4096 */

    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 1, all_of_node1), 0);
    ASSERT_EQ(xc_mark_page_offline(xch, frame, frame + 1, status), 0);
    EXPECT_TRUE(status[0] & PG_OFFLINE_OFFLINED);
    EXPECT_TRUE(status[1] & PG_OFFLINE_OFFLINED);
    /* Two pages fewer on node 1, so two pages less claim there. */
    EXPECT_EQ(xt_node_free_pages(xch, 1), 4094);
    EXPECT_EQ(xt_claim_on(xch, domid, 1), 4094);
    EXPECT_EQ(xt_outstanding(xch), 4094);
    ASSERT_EQ(xc_query_page_offline_status(xch, frame, frame + 2, status), 0);
    EXPECT_TRUE(status[0] & PG_OFFLINE_STATUS_OFFLINED);
    EXPECT_TRUE(status[1] & PG_OFFLINE_STATUS_OFFLINED);
    EXPECT_EQ(status[2], 0); /* online: no offline state bit */
    /* Back online: the page is free again, the claim stays recalled. */
    ASSERT_EQ(xc_mark_page_online(xch, frame, frame, status), 0);
    EXPECT_EQ(xt_node_free_pages(xch, 1), 4095);
    EXPECT_EQ(xt_claim_on(xch, domid, 1), 4094);
    xt_done(xch, h);
}

TEST(numa_meminfo_sums_claims_of_all_domains)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t a = xt_domain(xch, 1000), b = xt_domain(xch, 1000);
    memory_claim_t sa[] = {{.pages = 100, .node = 1}, {.pages = 7, .node = XT_GLOBAL}};
    memory_claim_t sb[] = {{.pages = 30, .node = 1}, {.pages = 5, .node = 0}};
    xc_numa_meminfo_t numa[CLAIMSET_MAX_NODES];
    xc_numa_meminfo_t *one = (xc_numa_meminfo_t *)xt_guarded(sizeof(*one));
    unsigned int nr;

    ASSERT_TRUE(one != NULL);
    ASSERT_EQ(xc_domain_claim_memory(xch, a, 2, sa), 0);
    ASSERT_EQ(xc_domain_claim_memory(xch, b, 2, sb), 0);
    ASSERT_EQ(xt_numa(xch, numa), 2);
    EXPECT_EQ(numa[0].claimed, 5ULL << XC_PAGE_SHIFT);
    EXPECT_EQ(numa[1].claimed, 130ULL << XC_PAGE_SHIFT);
    EXPECT_EQ(xt_outstanding(xch), 142);

    /* Count query, and a buffer for fewer nodes: filled, never overrun. */
    nr = 0;
    EXPECT_EQ(xc_numa_meminfo(xch, &nr, NULL), 0);
    EXPECT_EQ(nr, 2);
    nr = 1;
    EXPECT_EQ(xc_numa_meminfo(xch, &nr, one), 0);
    EXPECT_EQ(nr, 1);
    EXPECT_EQ(one->claimed, 5ULL << XC_PAGE_SHIFT);
    errno = 0;
    EXPECT_EQ(xc_numa_meminfo(xch, NULL, numa), -1);
    EXPECT_EQ(errno, EINVAL);
    xt_guarded_free(one, sizeof(*one));
    xt_done(xch, h);
}

TEST(destroying_a_domain_releases_its_claims)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 4000);
    memory_claim_t set[] = {{.pages = 1000, .node = 1}, {.pages = 1000, .node = XT_GLOBAL}};
    xc_numa_meminfo_t numa[CLAIMSET_MAX_NODES];

    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 2, set), 0);
    ASSERT_EQ(xc_domain_destroy(xch, domid), 0);
    EXPECT_EQ(xt_outstanding(xch), 0);
    xt_numa(xch, numa);
    EXPECT_EQ(numa[1].claimed, 0);
    errno = 0;
    EXPECT_EQ(xc_domain_get_claims(xch, domid, &(uint32_t){0}, NULL), -1);
    EXPECT_EQ(errno, ESRCH);
    xt_done(xch, h);
}
