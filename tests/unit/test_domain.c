/*
 * Domains: lifetime, limits, node affinity and the physmap operations.
 */
#include <errno.h>

#include <xen/domctl.h>

#include "hvtest.h"

TEST(domain_create_picks_fresh_ids)
{
    struct host *h = hvt_host("8M");
    struct domain_config cfg = {.max_vcpus = 2};
    domid_t a = 0, b = 0, c = 7;

    EXPECT_EQ(domain_create(h, &a, &cfg), 0);
    EXPECT_EQ(domain_create(h, &b, &cfg), 0);
    EXPECT_EQ(a, 1);
    EXPECT_EQ(b, 2);
    EXPECT_EQ(domain_create(h, &c, &cfg), 0);
    EXPECT_EQ(c, 7);
    c = 7;
    EXPECT_EQ(domain_create(h, &c, &cfg), -EEXIST);
    host_destroy(h);
}

TEST(domain_create_refuses_bad_config)
{
    struct host *h = hvt_host("8M");
    struct domain_config cfg = {.max_vcpus = 0};
    domid_t id = 0;

    EXPECT_EQ(domain_create(h, &id, &cfg), -EINVAL);
    cfg.max_vcpus = 1;
    cfg.flags = 1U << 31;
    EXPECT_EQ(domain_create(h, &id, &cfg), -EINVAL);
    cfg.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    id = DOMID_FIRST_RESERVED;
    EXPECT_EQ(domain_create(h, &id, &cfg), -EINVAL);
    id = 0;
    EXPECT_EQ(domain_create(h, &id, &cfg), 0);
    host_destroy(h);
}

TEST(domain_destroy_frees_memory_and_releases_claims)
{
    struct host *h = hvt_host("16M,16M");
    struct domain *d = hvt_domain(h, 5000);
    memory_claim_t set[] = {hvt_claim(2000, 0), hvt_claim(100, GLOBAL)};
    unsigned long all = hvt_unclaimed(h);
    gfn_t gfn = 0;

    ASSERT_EQ(domain_set_node_claims(d, 2, set), 0);
    ASSERT_EQ(hvt_populate(d, &gfn, 3, 9, MEMF_node(0)), 3UL);
    EXPECT_EQ(domain_destroy(h, d->domain_id), 0);
    EXPECT_EQ(hvt_unclaimed(h), all);
    EXPECT_EQ(domain_destroy(h, d->domain_id), -ESRCH);
    EXPECT_TRUE(domain_get(h, d->domain_id) == NULL);
    domain_put(d);
    hvt_expect_invariants(h);
    host_destroy(h);
}

/* D96: when the host goes, its domains are dropped, not destroyed: no
 * frame goes back to the heap one extent at a time, yet the domain leaves
 * the table and the heap's list and its own structures are freed (the
 * sanitizer builds would report a leaked physmap). */
TEST(host_teardown_drops_domains_without_freeing_their_frames)
{
    struct host *h = hvt_host("16M,16M");
    struct domain *d = hvt_domain(h, 5000);
    memory_claim_t set[] = {hvt_claim(2000, 0), hvt_claim(100, GLOBAL)};
    struct host_counters before, after;
    domid_t id = d->domain_id;
    unsigned int nr = h->nr_domains;
    gfn_t gfn = 0;
    mfn_t mfn;

    ASSERT_EQ(domain_set_node_claims(d, 2, set), 0);
    ASSERT_EQ(hvt_populate(d, &gfn, 3, 9, MEMF_node(0)), 3UL);
    ASSERT_EQ(hvt_populate(d, &gfn, 40, 0, MEMF_node(1)), 40UL);
    ASSERT_EQ(domain_alloc_extra_pages(d, 2, 0, &mfn), 0);
    host_get_counters(h, &before);

    domain_abandon(h, id);
    host_get_counters(h, &after);
    EXPECT_EQ(after.stats.frees, before.stats.frees);
    EXPECT_EQ(after.total_avail_pages, before.total_avail_pages);
    EXPECT_EQ(after.outstanding_claims, before.outstanding_claims);
    EXPECT_TRUE(domain_get(h, id) == NULL);
    EXPECT_EQ(h->nr_domains, nr - 1);
    for (struct domain *o = h->heap_domains; o; o = o->heap_next)
        EXPECT_TRUE(o != d);
    EXPECT_TRUE(atomic_load(&d->is_dying));
    domain_put(d);         /* the last reference: the physmap and runs go */
    domain_abandon(h, id); /* an empty slot: nothing to do */
    EXPECT_EQ(h->nr_domains, nr - 1);
    host_destroy(h);
}

TEST(domain_max_pages_bounds_allocation)
{
    struct host *h = hvt_host("16M");
    struct domain *d = hvt_domain(h, 10);
    gfn_t gfn = 0;

    EXPECT_EQ(hvt_populate(d, &gfn, 20, 0, 0), 10UL);
    EXPECT_EQ(domain_populate_extent(d, gfn, 0, 0, NULL), -E2BIG);
    EXPECT_EQ(domain_set_max_pages(d, 16), 0);
    EXPECT_EQ(domain_populate_extent(d, 64, 3, 0, NULL), -E2BIG);
    EXPECT_EQ(domain_populate_extent(d, 64, 2, 0, NULL), 0);
    /* Lowering max below tot_pages is allowed; allocations then fail. */
    EXPECT_EQ(domain_set_max_pages(d, 5), 0);
    EXPECT_EQ(domain_populate_extent(d, 200, 0, 0, NULL), -E2BIG);
    domain_put(d);
    host_destroy(h);
}

TEST(domain_lowering_max_trims_claims_global_first)
{
    struct host *h = hvt_host("16M,16M");
    struct domain *d = hvt_domain(h, 3000);
    memory_claim_t set[] = {hvt_claim(1000, 0), hvt_claim(1000, 1), hvt_claim(500, GLOBAL)};
    struct domain_info info;
    gfn_t gfn = 0;

    ASSERT_EQ(domain_set_node_claims(d, 3, set), 0);
    ASSERT_EQ(hvt_populate(d, &gfn, 100, 0, MEMF_node(0) | MEMF_exact_node), 100UL);
    /* tot 100 + claims 2400 = 2500; max 2000 leaves room for 1900. */
    EXPECT_EQ(domain_set_max_pages(d, 2000), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.global_claims, 0UL);
    EXPECT_EQ(info.claims[0], 900UL);
    EXPECT_EQ(info.claims[1], 1000UL);
    /* Further: node claims from the highest node down. */
    EXPECT_EQ(domain_set_max_pages(d, 1500), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.claims[1], 500UL);
    EXPECT_EQ(info.claims[0], 900UL);
    /* Below tot_pages: no claim can remain. */
    EXPECT_EQ(domain_set_max_pages(d, 50), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.outstanding_pages, 0UL);
    EXPECT_EQ(info.tot_pages, 100UL);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(domain_node_affinity_rules)
{
    struct host *h = hvt_host("1M,1M");
    struct domain *d = hvt_domain(h, 100);
    struct domain_info info;

    domain_get_info(d, &info);
    EXPECT_TRUE(info.auto_node_affinity);
    EXPECT_EQ(info.node_affinity, (nodemask_t)3);
    EXPECT_EQ(domain_set_node_affinity(d, node_bit(5)), -EINVAL); /* no online node */
    EXPECT_EQ(domain_set_node_affinity(d, 0), -EINVAL);
    EXPECT_EQ(domain_set_node_affinity(d, node_bit(1) | node_bit(5)), 0);
    domain_get_info(d, &info);
    EXPECT_FALSE(info.auto_node_affinity);
    EXPECT_EQ(domain_set_node_affinity(d, ~(nodemask_t)0), 0);
    domain_get_info(d, &info);
    EXPECT_TRUE(info.auto_node_affinity);
    domain_put(d);
    host_destroy(h);
}

TEST(domain_superpages_keep_the_physmap_compact)
{
    struct host *h = hvt_host("2G,2G");
    struct domain *d = hvt_domain(h, GiB_PAGES(4));
    struct domain_info info;
    gfn_t gfn = 0;

    ASSERT_EQ(hvt_populate(d, &gfn, 3, 18, 0), 3UL);
    domain_get_info(d, &info);
    EXPECT_EQ(info.tot_pages, GiB_PAGES(3));
    EXPECT_EQ(info.p2m_leaves, 3UL);
    /* Give one 4 KiB page back from the middle of the first 1 GiB. */
    EXPECT_EQ(domain_decrease_extent(d, 12345, 0), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.tot_pages, GiB_PAGES(3) - 1);
    EXPECT_EQ(info.p2m_leaves, 2UL + 511 + 511);
    EXPECT_EQ(domain_gfn_to_mfn(d, 12345), INVALID_MFN);
    EXPECT_NE(domain_gfn_to_mfn(d, 12346), INVALID_MFN);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(domain_populate_refuses_bad_targets)
{
    struct host *h = hvt_host("8M");
    struct domain *d = hvt_domain(h, 1000);

    EXPECT_EQ(domain_populate_extent(d, 0, 4, 0, NULL), 0);
    EXPECT_EQ(domain_populate_extent(d, 8, 2, 0, NULL), -EEXIST);
    EXPECT_EQ(domain_populate_extent(d, P2M_MAX_GFN - 1, 1, 0, NULL), -EINVAL);
    EXPECT_EQ(domain_populate_extent(d, P2M_MAX_GFN, 0, 0, NULL), -EINVAL);
    EXPECT_EQ(domain_populate_extent(d, 0, MAX_ORDER + 1, 0, NULL), -EINVAL);
    /* Misaligned guest frames are fine: mapped with smaller leaves. */
    EXPECT_EQ(domain_populate_extent(d, 100, 4, 0, NULL), 0);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(domain_decrease_refuses_holes)
{
    struct host *h = hvt_host("8M");
    struct domain *d = hvt_domain(h, 1000);
    struct domain_info info;

    EXPECT_EQ(domain_populate_extent(d, 0, 2, 0, NULL), 0); /* gfns 0..3 */
    EXPECT_EQ(domain_decrease_extent(d, 0, 3), -ENOENT);    /* 0..7 has holes */
    domain_get_info(d, &info);
    EXPECT_EQ(info.tot_pages, 4UL);
    EXPECT_EQ(domain_decrease_extent(d, 0, 2), 0);
    EXPECT_EQ(domain_decrease_extent(d, 0, 0), -ENOENT);
    EXPECT_EQ(domain_decrease_extent(d, P2M_MAX_GFN, 0), -EINVAL);
    domain_put(d);
    host_destroy(h);
}

TEST(domain_creation_takes_hypervisor_memory_when_configured)
{
    struct host_config cfg;
    struct host *h;
    struct domain *d, *e;
    struct domain_info info;
    struct domain_config dc = {.max_vcpus = 1};
    domid_t id = 0;
    unsigned long before;

    host_config_default(&cfg, 2048);
    cfg.check_level = CHECK_DEEP;
    cfg.xen_pages_per_domain = 16;
    h = hvt_host_cfg("8M", &cfg);
    before = hvt_unclaimed(h);
    d = hvt_domain(h, 10000);
    EXPECT_EQ(hvt_unclaimed(h), before - 16);
    domain_get_info(d, &info);
    EXPECT_EQ(info.tot_pages, 0UL);
    /* With everything claimed there is no memory to create a domain. */
    ASSERT_EQ(domain_set_outstanding_pages(d, hvt_unclaimed(h)), 0);
    EXPECT_EQ(domain_create(h, &id, &dc), -ENOMEM);
    ASSERT_EQ(domain_set_outstanding_pages(d, 0), 0);
    EXPECT_EQ(domain_create(h, &id, &dc), 0);
    e = domain_get(h, id);
    ASSERT_TRUE(e != NULL);
    EXPECT_EQ(domain_destroy(h, id), 0);
    EXPECT_EQ(domain_destroy(h, d->domain_id), 0);
    EXPECT_EQ(hvt_unclaimed(h), before);
    domain_put(e);
    domain_put(d);
    host_destroy(h);
}

TEST(domain_control_domain_is_id_zero_and_running)
{
    struct host *h = hvt_host("8M");
    struct domain_config cfg = {.control = true, .max_vcpus = 4};
    struct domain_info info;
    struct domain *d;
    domid_t id = 0, next = 0;

    EXPECT_EQ(domain_create(h, &id, &cfg), 0);
    EXPECT_EQ(id, 0);
    EXPECT_EQ(domain_create(h, &id, &cfg), -EEXIST);
    d = domain_get(h, 0);
    ASSERT_TRUE(d != NULL);
    domain_get_info(d, &info);
    EXPECT_FALSE(info.paused);
    EXPECT_EQ(info.tot_pages, 0UL);
    cfg.control = false;
    EXPECT_EQ(domain_create(h, &next, &cfg), 0);
    EXPECT_EQ(next, 1);
    domain_put(d);
    host_destroy(h);
}
