/*
 * Claims at allocation time: protection (protection.rst), retirement
 * (retirement.rst) and the edge case of allocations exceeding claims
 * (edge-cases.rst).
 */
#include <errno.h>

#include "hvtest.h"

#define TOPO3 "16M,16M,16M" /* 4096 frames a node; node 0 has 4095 free */

static unsigned long claims_of(struct domain *d, struct domain_info *info)
{
    domain_get_info(d, info);
    return info->outstanding_pages;
}

static int set_claims(struct domain *d, unsigned int nr, const memory_claim_t *set)
{
    int rc = domain_set_node_claims(d, nr, set);

    EXPECT_EQ(rc, 0);
    return rc;
}

/* Allocate one extent for d at the next gfn. */
static int populate(struct domain *d, gfn_t *gfn, unsigned int order, unsigned int memflags)
{
    int rc = domain_populate_extent(d, *gfn, order, memflags, NULL);

    if (!rc)
        *gfn += ORDER_PAGES(order);
    return rc;
}

TEST(protect_global_check_refuses_unclaimed_shortfall)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *a = hvt_domain(h, 1UL << 20), *b = hvt_domain(h, 1UL << 20);
    memory_claim_t all[] = {hvt_claim(hvt_unclaimed(h), GLOBAL)};
    gfn_t ga = 0, gb = 0;

    set_claims(a, 1, all);
    /* Everything is claimed by a: b gets nothing, a gets what it wants. */
    EXPECT_EQ(populate(b, &gb, 0, 0), -ENOMEM);
    EXPECT_EQ(populate(a, &ga, 0, 0), 0);
    EXPECT_EQ(populate(a, &ga, 9, 0), 0);
    hvt_expect_invariants(h);
    domain_put(a);
    domain_put(b);
    host_destroy(h);
}

TEST(protect_global_check_credits_node_claims)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *a = hvt_domain(h, 1UL << 20), *b = hvt_domain(h, 1UL << 20);
    memory_claim_t a_set[] = {hvt_claim(4096, 1)};
    memory_claim_t b_set[] = {hvt_claim(hvt_unclaimed(h) - 4096, GLOBAL)};
    struct domain_info info;
    gfn_t ga = 0;

    set_claims(a, 1, a_set);
    set_claims(b, 1, b_set);
    ASSERT_EQ(hvt_unclaimed(h), 0UL);
    /* No unclaimed memory anywhere: a passes the global check only because
     * its node claims are credited there, and the node check on node 1. */
    EXPECT_EQ(populate(a, &ga, 9, MEMF_node(1)), 0);
    EXPECT_EQ(claims_of(a, &info), 4096UL - 512);
    domain_put(a);
    domain_put(b);
    host_destroy(h);
}

TEST(protect_node_check_refuses_claimed_node)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *a = hvt_domain(h, 1UL << 20), *b = hvt_domain(h, 1UL << 20);
    memory_claim_t all1[] = {hvt_claim(4096, 1)};
    struct domain_info info;
    gfn_t gb = 0;

    set_claims(a, 1, all1);
    /* Node 1 is free but claimed: an exact request there fails... */
    EXPECT_EQ(populate(b, &gb, 0, MEMF_node(1) | MEMF_exact_node), -ENOMEM);
    /* ...a preference for it falls through to another node. */
    EXPECT_EQ(populate(b, &gb, 0, MEMF_node(1)), 0);
    domain_get_info(b, &info);
    EXPECT_EQ(info.node_pages[1], 0UL);
    EXPECT_EQ(info.tot_pages, 1UL);
    domain_put(a);
    domain_put(b);
    host_destroy(h);
}

TEST(protect_node_check_admits_own_node_claim)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *a = hvt_domain(h, 1UL << 20);
    memory_claim_t all1[] = {hvt_claim(4096, 1)};
    struct domain_info info;
    gfn_t ga = 0;

    set_claims(a, 1, all1);
    for (int i = 0; i < 8; i++)
        EXPECT_EQ(populate(a, &ga, 9, MEMF_node(1) | MEMF_exact_node), 0);
    domain_get_info(a, &info);
    EXPECT_EQ(info.node_pages[1], 4096UL);
    EXPECT_EQ(info.outstanding_pages, 0UL);
    domain_put(a);
    host_destroy(h);
}

TEST(protect_node_check_global_claim_cannot_take_claimed_node)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *a = hvt_domain(h, 1UL << 20), *b = hvt_domain(h, 1UL << 20);
    memory_claim_t b_node1[] = {hvt_claim(4096, 1)};
    memory_claim_t a_global[] = {hvt_claim(1000, GLOBAL)};
    gfn_t ga = 0;

    set_claims(b, 1, b_node1);
    set_claims(a, 1, a_global);
    /* a's global claim is host-wide, not a claim on node 1. */
    EXPECT_EQ(populate(a, &ga, 0, MEMF_node(1) | MEMF_exact_node), -ENOMEM);
    EXPECT_EQ(populate(a, &ga, 0, MEMF_node(2) | MEMF_exact_node), 0);
    domain_put(a);
    domain_put(b);
    host_destroy(h);
}

TEST(protect_allocation_for_no_domain_uses_only_unclaimed)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *a = hvt_domain(h, 1UL << 20);
    memory_claim_t most[] = {hvt_claim(hvt_unclaimed(h) - 3, GLOBAL)};
    mfn_t m[3];

    set_claims(a, 1, most);
    for (int i = 0; i < 3; i++) {
        m[i] = alloc_heap_pages(h, MEMZONE_LO, NR_ZONES - 1, 0, 0, NULL);
        EXPECT_NE(m[i], INVALID_MFN);
    }
    EXPECT_EQ(alloc_heap_pages(h, MEMZONE_LO, NR_ZONES - 1, 0, 0, NULL), INVALID_MFN);
    for (int i = 0; i < 3; i++)
        free_heap_pages(h, m[i], 0, NULL, 0);
    hvt_expect_invariants(h);
    domain_put(a);
    host_destroy(h);
}

TEST(protect_uncounted_allocation_uses_only_unclaimed_and_retires_nothing)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *a = hvt_domain(h, 1UL << 20);
    memory_claim_t all[] = {hvt_claim(hvt_unclaimed(h) - 1, GLOBAL)};
    struct domain_info info;
    mfn_t mfn;

    set_claims(a, 1, all);
    EXPECT_EQ(domain_alloc_extra_pages(a, 0, 0, &mfn), 0);
    /* Not even its own claim serves an allocation not counted against it. */
    EXPECT_EQ(domain_alloc_extra_pages(a, 0, 0, &mfn), -ENOMEM);
    domain_get_info(a, &info);
    EXPECT_EQ(info.outstanding_pages, all[0].pages);
    EXPECT_EQ(info.extra_pages, 1UL);
    EXPECT_EQ(info.tot_pages, 0UL);
    domain_put(a);
    host_destroy(h);
}

/* Claims of 100 pages global, on node 0 and on node 1; one extent of
 * 2^order pages populated exactly on node 1; the claims left in *info. */
static void claims_after_node1_extent(unsigned int order, struct domain_info *info)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *d = hvt_domain(h, 1UL << 20);
    memory_claim_t set[] = {hvt_claim(100, GLOBAL), hvt_claim(100, 0), hvt_claim(100, 1)};
    gfn_t gfn = 0;

    set_claims(d, 3, set);
    EXPECT_EQ(populate(d, &gfn, order, MEMF_node(1) | MEMF_exact_node), 0);
    domain_get_info(d, info);
    domain_put(d);
    host_destroy(h);
}

TEST(retire_step1_allocation_node_first)
{
    struct domain_info info;

    claims_after_node1_extent(5, &info); /* 32 pages */
    EXPECT_EQ(info.claims[1], 68UL);
    EXPECT_EQ(info.claims[0], 100UL);
    EXPECT_EQ(info.global_claims, 100UL);
}

TEST(retire_step2_global_after_node_claim)
{
    struct domain_info info;

    claims_after_node1_extent(7, &info); /* 128 pages */
    EXPECT_EQ(info.claims[1], 0UL);
    EXPECT_EQ(info.global_claims, 72UL);
    EXPECT_EQ(info.claims[0], 100UL);
}

TEST(retire_step3_other_nodes_largest_first)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *d = hvt_domain(h, 1UL << 20);
    memory_claim_t set[] = {hvt_claim(30, 1), hvt_claim(60, 2)};
    struct domain_info info;
    gfn_t gfn = 0;

    set_claims(d, 2, set);
    /* 16 pages on node 0, which has no claim, and no global claim: */
    EXPECT_EQ(populate(d, &gfn, 4, MEMF_node(0) | MEMF_exact_node), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.claims[2], 44UL); /* the largest went first */
    EXPECT_EQ(info.claims[1], 30UL);
    /* 16 more come from node 2 again (44 > 30); then single pages go to
     * whichever is larger at the time: node 1 twice. */
    EXPECT_EQ(populate(d, &gfn, 4, MEMF_node(0) | MEMF_exact_node), 0);
    EXPECT_EQ(populate(d, &gfn, 0, MEMF_node(0) | MEMF_exact_node), 0);
    EXPECT_EQ(populate(d, &gfn, 0, MEMF_node(0) | MEMF_exact_node), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.claims[2], 28UL);
    EXPECT_EQ(info.claims[1], 28UL);
    /* ...then an allocation larger than all claims retires them all. */
    EXPECT_EQ(populate(d, &gfn, 7, MEMF_node(0) | MEMF_exact_node), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.outstanding_pages, 0UL);
    domain_put(d);
    host_destroy(h);
}

TEST(retire_step3_ties_go_to_lowest_node)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *d = hvt_domain(h, 1UL << 20);
    memory_claim_t set[] = {hvt_claim(40, 2), hvt_claim(40, 1)};
    struct domain_info info;
    gfn_t gfn = 0;

    set_claims(d, 2, set);
    EXPECT_EQ(populate(d, &gfn, 3, MEMF_node(0) | MEMF_exact_node), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.claims[1], 32UL);
    EXPECT_EQ(info.claims[2], 40UL);
    domain_put(d);
    host_destroy(h);
}

TEST(retire_keeps_tot_plus_claims_within_max_pages)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *d = hvt_domain(h, 600);
    memory_claim_t set[] = {hvt_claim(200, 0), hvt_claim(200, 1), hvt_claim(200, GLOBAL)};
    struct domain_info info;
    gfn_t gfn = 0;
    int done = 0;

    set_claims(d, 3, set);
    /* Allocate on node 2, where nothing is claimed, until max_pages. */
    while (populate(d, &gfn, 4, MEMF_node(2) | MEMF_exact_node) == 0) {
        domain_get_info(d, &info);
        EXPECT_LE(info.tot_pages + info.outstanding_pages, info.max_pages);
        done++;
    }
    domain_get_info(d, &info);
    EXPECT_EQ(info.tot_pages, 592UL); /* 37 extents of 16; the 38th passes max */
    EXPECT_EQ(done, 37);
    EXPECT_LE(info.outstanding_pages, 8UL);
    domain_put(d);
    host_destroy(h);
}

TEST(retire_allocation_beyond_claim_succeeds_and_claim_stops_at_zero)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *d = hvt_domain(h, 1UL << 20);
    struct domain_info info;
    gfn_t gfn = 0;

    ASSERT_EQ(domain_set_outstanding_pages(d, 1000), 0);
    EXPECT_EQ(hvt_populate(d, &gfn, 1300, 0, 0), 1300UL);
    domain_get_info(d, &info);
    EXPECT_EQ(info.outstanding_pages, 0UL);
    EXPECT_EQ(info.tot_pages, 1300UL);
    domain_put(d);
    host_destroy(h);
}

TEST(retire_frees_never_give_claims_back)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *d = hvt_domain(h, 1UL << 20);
    memory_claim_t set[] = {hvt_claim(1000, 0)};
    struct domain_info info;
    gfn_t gfn = 0;

    set_claims(d, 1, set);
    EXPECT_EQ(hvt_populate(d, &gfn, 10, 0, MEMF_node(0)), 10UL);
    EXPECT_EQ(domain_decrease_extent(d, 0, 0), 0);
    EXPECT_EQ(domain_decrease_extent(d, 5, 0), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.claims[0], 990UL);
    EXPECT_EQ(info.tot_pages, 8UL);
    domain_put(d);
    host_destroy(h);
}

TEST(retire_refused_request_consumes_no_claim)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *d = hvt_domain(h, 100);
    memory_claim_t set[] = {hvt_claim(100, 0)};
    struct domain_info info;
    gfn_t gfn = 0;

    set_claims(d, 1, set);
    /* 128 pages would pass max_pages: refused before the heap. */
    EXPECT_EQ(populate(d, &gfn, 7, MEMF_node(0)), -E2BIG);
    domain_get_info(d, &info);
    EXPECT_EQ(info.claims[0], 100UL);
    /* A gfn range already mapped is refused before the heap as well. */
    EXPECT_EQ(populate(d, &gfn, 0, 0), 0);
    gfn = 0;
    EXPECT_EQ(populate(d, &gfn, 0, 0), -EEXIST);
    domain_get_info(d, &info);
    EXPECT_EQ(info.claims[0], 99UL);
    domain_put(d);
    host_destroy(h);
}

TEST(edge_allocation_exceeding_claim_uses_unclaimed_remainder)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *d = hvt_domain(h, 1UL << 20), *other = hvt_domain(h, 1UL << 20);
    memory_claim_t others[] = {hvt_claim(hvt_unclaimed(h) - 600, GLOBAL)};
    memory_claim_t mine[] = {hvt_claim(300, GLOBAL)};
    struct domain_info info;
    gfn_t gfn = 0;

    set_claims(other, 1, others);
    set_claims(d, 1, mine);
    ASSERT_EQ(hvt_unclaimed(h), 300UL);
    /* 512 pages: neither the claim (300) nor unclaimed memory (300) alone
     * covers it, together they do.  Xen before the design refused this and
     * forced the builder down to 4 KiB pages. */
    EXPECT_EQ(populate(d, &gfn, 9, 0), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.outstanding_pages, 0UL);
    EXPECT_EQ(hvt_unclaimed(h), 300UL - 212);
    hvt_expect_invariants(h);
    domain_put(d);
    domain_put(other);
    host_destroy(h);
}

TEST(edge_allocation_exceeding_claim_and_unclaimed_is_refused)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *d = hvt_domain(h, 1UL << 20), *other = hvt_domain(h, 1UL << 20);
    memory_claim_t others[] = {hvt_claim(hvt_unclaimed(h) - 500, GLOBAL)};
    memory_claim_t mine[] = {hvt_claim(200, GLOBAL)};
    struct domain_info info;
    gfn_t gfn = 0;

    set_claims(other, 1, others);
    set_claims(d, 1, mine);
    /* 300 unclaimed + 200 claimed < 512. */
    EXPECT_EQ(populate(d, &gfn, 9, 0), -ENOMEM);
    domain_get_info(d, &info);
    EXPECT_EQ(info.outstanding_pages, 200UL);
    /* 256 fits. */
    EXPECT_EQ(populate(d, &gfn, 8, 0), 0);
    domain_put(d);
    domain_put(other);
    host_destroy(h);
}
