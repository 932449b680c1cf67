/*
 * Page offlining and the claim recall it forces (implementation.rst,
 * "Offlining memory in presence of claims"), plus onlining and queries.
 */
#include <errno.h>

#include <xen/sysctl.h>

#include "hvtest.h"

#define TOPO "16M,16M" /* node 0: frames 0..4095 (0 is the hypervisor's), node 1: 4096.. */

static uint32_t offline(struct host *h, mfn_t mfn, int want_rc)
{
    uint32_t status = 0xdeadbeef;

    EXPECT_EQ(offline_page(h, mfn, false, &status), want_rc);
    return status;
}

TEST(offline_free_frame_leaves_heap_at_once)
{
    struct host *h = hvt_host(TOPO);
    struct host_counters c;
    uint32_t st = offline(h, 4096 + 77, 0);

    EXPECT_EQ(st, (uint32_t)PG_OFFLINE_OFFLINED);
    host_get_counters(h, &c);
    EXPECT_EQ(c.node_avail_pages[1], 4095UL);
    EXPECT_EQ(c.node_offlined[1], 1UL);
    EXPECT_EQ(query_page_offline(h, 4096 + 77, &st), 0);
    EXPECT_EQ(st, (uint32_t)PG_OFFLINE_STATUS_OFFLINED);
    /* Offlining it again is harmless. */
    EXPECT_EQ(offline(h, 4096 + 77, 0), (uint32_t)PG_OFFLINE_OFFLINED);
    host_get_counters(h, &c);
    EXPECT_EQ(c.node_offlined[1], 1UL);
    hvt_expect_invariants(h);
    host_destroy(h);
}

TEST(offline_frame_is_never_allocated)
{
    struct host *h = hvt_host("64K"); /* 16 frames: 15 usable */
    struct domain *d = hvt_domain(h, 100);
    struct domain_info info;
    gfn_t gfn = 0;

    offline(h, 5, 0);
    EXPECT_EQ(hvt_populate(d, &gfn, 100, 0, 0), 14UL);
    for (gfn_t g = 0; g < 14; g++)
        EXPECT_NE(domain_gfn_to_mfn(d, g), (mfn_t)5);
    domain_get_info(d, &info);
    EXPECT_EQ(info.tot_pages, 14UL);
    domain_put(d);
    host_destroy(h);
}

TEST(offline_allocated_frame_pending_until_freed)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 100);
    struct host_counters before, after;
    gfn_t gfn = 0;
    mfn_t mfn;
    uint32_t st;

    ASSERT_EQ(hvt_populate(d, &gfn, 1, 0, 0), 1UL);
    mfn = domain_gfn_to_mfn(d, 0);
    host_get_counters(h, &before);
    st = offline(h, mfn, 0);
    EXPECT_EQ(st, (uint32_t)(PG_OFFLINE_OWNED | PG_OFFLINE_PENDING |
                             ((uint32_t)d->domain_id << PG_OFFLINE_OWNER_SHIFT)));
    EXPECT_EQ(query_page_offline(h, mfn, &st), 0);
    EXPECT_EQ(st, (uint32_t)PG_OFFLINE_STATUS_OFFLINE_PENDING);
    /* Freed: it goes offline instead of back to the heap. */
    EXPECT_EQ(domain_decrease_extent(d, 0, 0), 0);
    host_get_counters(h, &after);
    EXPECT_EQ(after.total_avail_pages, before.total_avail_pages);
    EXPECT_EQ(query_page_offline(h, mfn, &st), 0);
    EXPECT_EQ(st, (uint32_t)PG_OFFLINE_STATUS_OFFLINED);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(offline_pending_frame_of_destroyed_domain_goes_offline)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 1024);
    gfn_t gfn = 0;
    uint32_t st;
    mfn_t mfn;

    ASSERT_EQ(hvt_populate(d, &gfn, 1, 9, 0), 1UL);
    mfn = domain_gfn_to_mfn(d, 100);
    offline(h, mfn, 0);
    ASSERT_EQ(domain_destroy(h, d->domain_id), 0);
    EXPECT_EQ(query_page_offline(h, mfn, &st), 0);
    EXPECT_EQ(st, (uint32_t)PG_OFFLINE_STATUS_OFFLINED);
    /* The other 511 frames came back and merged around the hole. */
    EXPECT_EQ(hvt_unclaimed(h), 2 * 4096UL - 1 - 1);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(offline_without_claim_pressure_recalls_nothing)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    memory_claim_t set[] = {hvt_claim(100, 1), hvt_claim(100, GLOBAL)};
    struct domain_info info;

    ASSERT_EQ(domain_set_node_claims(d, 2, set), 0);
    offline(h, 4096 + 1, 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.outstanding_pages, 200UL);
    domain_put(d);
    host_destroy(h);
}

TEST(offline_recalls_node_claim_when_node_falls_short)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    memory_claim_t all1[] = {hvt_claim(4096, 1)};
    struct domain_info info;
    struct host_counters c;

    ASSERT_EQ(domain_set_node_claims(d, 1, all1), 0);
    offline(h, 4096 + 10, 0);
    offline(h, 4096 + 11, 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.claims[1], 4094UL);
    host_get_counters(h, &c);
    EXPECT_EQ(c.node_outstanding_claims[1], c.node_avail_pages[1]);
    EXPECT_EQ(c.stats.claims_recalled, 2UL);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(offline_recalls_from_largest_claimant_first)
{
    struct host *h = hvt_host(TOPO);
    struct domain *a = hvt_domain(h, 10000), *b = hvt_domain(h, 10000);
    memory_claim_t sa[] = {hvt_claim(3000, 1)};
    memory_claim_t sb[] = {hvt_claim(1096, 1)}; /* node 1 fully claimed */
    struct domain_info ia, ib;

    ASSERT_EQ(domain_set_node_claims(a, 1, sa), 0);
    ASSERT_EQ(domain_set_node_claims(b, 1, sb), 0);
    for (int i = 0; i < 4; i++)
        offline(h, 4096 + 100 + i, 0);
    domain_get_info(a, &ia);
    domain_get_info(b, &ib);
    EXPECT_EQ(ia.claims[1], 2996UL);
    EXPECT_EQ(ib.claims[1], 1096UL);
    domain_put(a);
    domain_put(b);
    host_destroy(h);
}

TEST(offline_recall_levels_claimants_evenly)
{
    struct host *h = hvt_host(TOPO);
    struct domain *a = hvt_domain(h, 10000), *b = hvt_domain(h, 10000);
    memory_claim_t sa[] = {hvt_claim(2050, 1)};
    memory_claim_t sb[] = {hvt_claim(2046, 1)};
    struct domain_info ia, ib;

    ASSERT_EQ(domain_set_node_claims(a, 1, sa), 0);
    ASSERT_EQ(domain_set_node_claims(b, 1, sb), 0);
    for (int i = 0; i < 10; i++)
        offline(h, 4096 + 200 + i, 0);
    domain_get_info(a, &ia);
    domain_get_info(b, &ib);
    /* Largest-first, page by page, converges: 4 from a, then alternating. */
    EXPECT_EQ(ia.claims[1] + ib.claims[1], 4086UL);
    EXPECT_LE(ia.claims[1] > ib.claims[1] ? ia.claims[1] - ib.claims[1]
                                          : ib.claims[1] - ia.claims[1],
              1UL);
    domain_put(a);
    domain_put(b);
    host_destroy(h);
}

TEST(offline_recalls_global_claims_when_host_falls_short)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    memory_claim_t set[] = {hvt_claim(hvt_unclaimed(h), GLOBAL)};
    struct domain_info info;
    struct host_counters c;

    ASSERT_EQ(domain_set_node_claims(d, 1, set), 0);
    offline(h, 42, 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.global_claims, set[0].pages - 1);
    host_get_counters(h, &c);
    EXPECT_EQ(c.outstanding_claims, c.total_avail_pages);
    domain_put(d);
    host_destroy(h);
}

TEST(offline_node_recall_can_repair_host_level_too)
{
    struct host *h = hvt_host(TOPO);
    struct domain *a = hvt_domain(h, 10000), *b = hvt_domain(h, 10000);
    memory_claim_t sa[] = {hvt_claim(4096, 1)};
    memory_claim_t sb[] = {hvt_claim(4095, GLOBAL)};
    struct domain_info ia, ib;

    ASSERT_EQ(domain_set_node_claims(a, 1, sa), 0);
    ASSERT_EQ(domain_set_node_claims(b, 1, sb), 0);
    offline(h, 4096 + 3, 0);
    domain_get_info(a, &ia);
    domain_get_info(b, &ib);
    /* The node recall also lowered the host total: b keeps its claim. */
    EXPECT_EQ(ia.claims[1], 4095UL);
    EXPECT_EQ(ib.global_claims, 4095UL);
    hvt_expect_invariants(h);
    domain_put(a);
    domain_put(b);
    host_destroy(h);
}

/* Every frame of the host offlined one by one, then onlined again: the
 * claims are recalled down to nothing on the way.  A small host (two nodes
 * of 1024 frames): each step is checked deeply. */
TEST(offline_mass_offlining_never_wraps_counters)
{
    struct host *h = hvt_host("4M,4M");
    struct domain *a = hvt_domain(h, 100000), *b = hvt_domain(h, 100000);
    memory_claim_t sa[] = {hvt_claim(500, 0), hvt_claim(500, 1), hvt_claim(25, GLOBAL)};
    memory_claim_t sb[] = {hvt_claim(hvt_unclaimed(h) - 1025, GLOBAL)};
    struct host_counters c;

    ASSERT_EQ(domain_set_node_claims(a, 3, sa), 0);
    ASSERT_EQ(domain_set_node_claims(b, 1, sb), 0);
    for (mfn_t mfn = 1; mfn < 2 * 1024; mfn++)
        offline(h, mfn, 0);
    host_get_counters(h, &c);
    EXPECT_EQ(c.total_avail_pages, 0UL);
    EXPECT_EQ(c.outstanding_claims, 0UL);
    EXPECT_EQ(hvt_claims_total(a), 0UL);
    EXPECT_EQ(hvt_claims_total(b), 0UL);
    hvt_expect_invariants(h);
    for (mfn_t mfn = 1; mfn < 2 * 1024; mfn++) {
        uint32_t st;

        EXPECT_EQ(online_page(h, mfn, &st), 0);
    }
    host_get_counters(h, &c);
    EXPECT_EQ(c.total_avail_pages, 2 * 1024UL - 1);
    hvt_expect_invariants(h);
    domain_put(a);
    domain_put(b);
    host_destroy(h);
}

TEST(online_returns_frame_and_remerges)
{
    struct host *h = hvt_host("8M"); /* frames 0..2047 */
    struct host_counters c;
    uint32_t st;

    offline(h, 1024, 0);
    EXPECT_EQ(online_page(h, 1024, &st), 0);
    EXPECT_EQ(st, (uint32_t)PG_ONLINE_ONLINED);
    host_get_counters(h, &c);
    EXPECT_EQ(c.total_avail_pages, 2047UL);
    hv_lock(&h->heap_lock);
    EXPECT_EQ(free_chunk_order_locked(h, 1024), 10); /* merged back whole */
    hv_unlock(&h->heap_lock);
    /* Onlining an online frame: nothing to do, status 0. */
    EXPECT_EQ(online_page(h, 1024, &st), 0);
    EXPECT_EQ(st, 0U);
    host_destroy(h);
}

TEST(online_cancels_pending_offline)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 100);
    struct host_counters c;
    gfn_t gfn = 0;
    mfn_t mfn;
    uint32_t st;

    ASSERT_EQ(hvt_populate(d, &gfn, 1, 0, 0), 1UL);
    mfn = domain_gfn_to_mfn(d, 0);
    offline(h, mfn, 0);
    EXPECT_EQ(online_page(h, mfn, &st), 0);
    EXPECT_EQ(st, (uint32_t)PG_ONLINE_ONLINED);
    EXPECT_EQ(domain_decrease_extent(d, 0, 0), 0);
    host_get_counters(h, &c);
    EXPECT_EQ(c.total_avail_pages, 2 * 4096UL - 1);
    domain_put(d);
    host_destroy(h);
}

TEST(offline_frame_zero_eperm_and_range_einval)
{
    struct host *h = hvt_host(TOPO);
    uint32_t st = 0;

    EXPECT_EQ(offline(h, 0, -EPERM), (uint32_t)(PG_OFFLINE_XENPAGE | PG_OFFLINE_FAILED |
                                                (DOMID_XEN << PG_OFFLINE_OWNER_SHIFT)));
    EXPECT_EQ(offline_page(h, 2 * 4096, false, &st), -EINVAL);
    EXPECT_EQ(online_page(h, 2 * 4096, &st), -EINVAL);
    EXPECT_EQ(query_page_offline(h, 2 * 4096, &st), -EINVAL);
    EXPECT_EQ(query_page_offline(h, 0, &st), -EINVAL);
    hvt_expect_invariants(h);
    host_destroy(h);
}

TEST(offline_hypervisor_frame_pending)
{
    struct host *h = hvt_host(TOPO);
    mfn_t mfn = alloc_heap_pages(h, MEMZONE_LO, NR_ZONES - 1, 0, 0, NULL);
    uint32_t st;

    ASSERT_NE(mfn, INVALID_MFN);
    st = offline(h, mfn, 0);
    EXPECT_EQ(st, (uint32_t)(PG_OFFLINE_XENPAGE | PG_OFFLINE_PENDING |
                             (DOMID_XEN << PG_OFFLINE_OWNER_SHIFT)));
    free_heap_pages(h, mfn, 0, NULL, 0);
    EXPECT_EQ(query_page_offline(h, mfn, &st), 0);
    EXPECT_EQ(st, (uint32_t)PG_OFFLINE_STATUS_OFFLINED);
    hvt_expect_invariants(h);
    host_destroy(h);
}

TEST(offline_broken_frame_cannot_come_back)
{
    struct host *h = hvt_host(TOPO);
    uint32_t st;

    EXPECT_EQ(offline_page(h, 9, true, &st), 0);
    EXPECT_EQ(st, (uint32_t)(PG_OFFLINE_OFFLINED | PG_OFFLINE_BROKEN));
    EXPECT_EQ(online_page(h, 9, &st), -EINVAL);
    EXPECT_EQ(st, (uint32_t)(PG_ONLINE_FAILED | PG_ONLINE_BROKEN));
    EXPECT_EQ(query_page_offline(h, 9, &st), 0);
    EXPECT_EQ(st, (uint32_t)(PG_OFFLINE_STATUS_OFFLINED | PG_OFFLINE_STATUS_BROKEN));
    hvt_expect_invariants(h);
    host_destroy(h);
}
