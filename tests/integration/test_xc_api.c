/*
 * The libxenctrl surface: handles, domain control, host information and
 * page offlining -- each call's success and each failure errno, with
 * NULL and out-of-range arguments that must fail cleanly, and caller
 * buffers that end at a guard page so an access past the declared size
 * would crash.  Claims: test_xc_claims.c; reservations: test_xc_memory.c.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "integration/test_xc_util.h"

#define TOPO "16M,16M" /* 8192 frames, frame 0 the hypervisor's */

static int fails_with(int rc)
{
    return rc == -1 ? errno : 0;
}

TEST(handles_share_one_host_and_close_cleanly)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *a = xt_open(h), *b = xt_open(h);
    uint32_t domid;

    ASSERT_TRUE(a && b && a != b);
    EXPECT_TRUE(claimset_xc_host(a) == h);
    EXPECT_TRUE(claimset_xc_host(b) == h);
    EXPECT_EQ(claimset_xc_caller(a), 0);
    /* What one handle does, the other sees. */
    domid = xt_domain(a, 10);
    EXPECT_EQ(xt_dominfo(b, domid).max_pages, 10);
    EXPECT_EQ(xc_interface_close(a), 0);
    EXPECT_EQ(xt_dominfo(b, domid).max_pages, 10);
    EXPECT_EQ(xc_interface_close(NULL), 0);
    EXPECT_TRUE(claimset_xc_host(NULL) == NULL);
    EXPECT_STREQ(xc_strerror(b, ENOMEM), strerror(ENOMEM));
    xt_done(b, h);
}

TEST(domain_create_picks_ids_and_returns_the_config)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    struct xen_domctl_createdomain cfg;
    uint32_t d1 = 0, d2 = 0, fixed = 42;
    xc_domaininfo_t info;

    memset(&cfg, 0, sizeof(cfg));
    cfg.max_vcpus = 1;
    ASSERT_EQ(xc_domain_create(xch, &d1, &cfg), 0);
    ASSERT_EQ(xc_domain_create(xch, &d2, &cfg), 0);
    EXPECT_NE(d1, 0);
    EXPECT_NE(d2, 0);
    EXPECT_NE(d1, d2);
    EXPECT_EQ(cfg.max_vcpus, 1);
    ASSERT_EQ(xc_domain_create(xch, &fixed, &cfg), 0);
    EXPECT_EQ(fixed, 42);

    /* New domains: paused, no memory, max_pages 0. */
    ASSERT_EQ(xc_domain_getinfo_single(xch, d1, &info), 0);
    EXPECT_EQ(info.domain, d1);
    EXPECT_TRUE(info.flags & XEN_DOMINF_paused);
    EXPECT_EQ(info.tot_pages, 0);
    EXPECT_EQ(info.max_pages, 0);
    EXPECT_EQ(info.outstanding_pages, 0);
    /* The control domain exists and holds nothing. */
    ASSERT_EQ(xc_domain_getinfo_single(xch, 0, &info), 0);
    EXPECT_EQ(info.domain, 0);
    EXPECT_EQ(info.tot_pages, 0);
    EXPECT_EQ(xc_domain_getinfo_single(xch, d2, NULL), 0);
    xt_done(xch, h);
}

TEST(domain_create_errors)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    struct xen_domctl_createdomain cfg;
    uint32_t domid = 0, taken = xt_domain(xch, 1);

    memset(&cfg, 0, sizeof(cfg));
    cfg.max_vcpus = 1;
    EXPECT_EQ(fails_with(xc_domain_create(xch, NULL, &cfg)), EINVAL);
    EXPECT_EQ(fails_with(xc_domain_create(xch, &domid, NULL)), EINVAL);
    EXPECT_EQ(fails_with(xc_domain_create(NULL, &domid, &cfg)), EINVAL);
    domid = taken;
    EXPECT_EQ(fails_with(xc_domain_create(xch, &domid, &cfg)), EEXIST);
    domid = DOMID_SELF;
    EXPECT_EQ(fails_with(xc_domain_create(xch, &domid, &cfg)), EINVAL);
    domid = 0x10005; /* would be 5 if truncated */
    EXPECT_EQ(fails_with(xc_domain_create(xch, &domid, &cfg)), EINVAL);
    EXPECT_EQ(fails_with(xc_domain_getinfo_single(xch, 5, NULL)), ESRCH);
    domid = 0;
    cfg.max_vcpus = 0;
    EXPECT_EQ(fails_with(xc_domain_create(xch, &domid, &cfg)), EINVAL);
    cfg.max_vcpus = 1;
    cfg.flags = 1U << 30;
    EXPECT_EQ(fails_with(xc_domain_create(xch, &domid, &cfg)), EINVAL);
    EXPECT_EQ(domid, 0);
    xt_done(xch, h);
}

TEST(domain_pause_unpause_destroy)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 100);
    uint64_t gfn = 0;
    uint64_t free_before = xt_physinfo(xch).free_pages;

    ASSERT_EQ(xc_domain_unpause(xch, domid), 0);
    EXPECT_FALSE(xt_dominfo(xch, domid).flags & XEN_DOMINF_paused);
    ASSERT_EQ(xc_domain_pause(xch, domid), 0);
    EXPECT_TRUE(xt_dominfo(xch, domid).flags & XEN_DOMINF_paused);
    ASSERT_EQ(xc_unpause_domain(xch, domid), 0);
    EXPECT_FALSE(xt_dominfo(xch, domid).flags & XEN_DOMINF_paused);

    ASSERT_EQ(xt_populate(xch, domid, &gfn, 100, 0, 0), 100);
    EXPECT_EQ(xt_physinfo(xch).free_pages, free_before - 100);
    ASSERT_EQ(xc_domain_destroy(xch, domid), 0);
    EXPECT_EQ(xt_physinfo(xch).free_pages, free_before);
    EXPECT_EQ(fails_with(xc_domain_getinfo_single(xch, domid, NULL)), ESRCH);

    EXPECT_EQ(fails_with(xc_domain_destroy(xch, domid)), ESRCH);
    EXPECT_EQ(fails_with(xc_domain_pause(xch, domid)), ESRCH);
    EXPECT_EQ(fails_with(xc_domain_unpause(xch, domid)), ESRCH);
    EXPECT_EQ(fails_with(xc_domain_setmaxmem(xch, domid, 4)), ESRCH);
    EXPECT_EQ(fails_with(xc_domain_destroy(xch, 0x10000 + domid)), EINVAL);
    EXPECT_EQ(fails_with(xc_domain_destroy(NULL, domid)), EINVAL);
    xt_done(xch, h);
}

TEST(setmaxmem_sets_pages_from_kib)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 0);

    EXPECT_EQ(xt_dominfo(xch, domid).max_pages, 0);
    ASSERT_EQ(xc_domain_setmaxmem(xch, domid, 4096), 0);
    EXPECT_EQ(xt_dominfo(xch, domid).max_pages, 1024);
    /* A partial page is rounded down, as max_memkb >> 2 in Xen. */
    ASSERT_EQ(xc_domain_setmaxmem(xch, domid, 4099), 0);
    EXPECT_EQ(xt_dominfo(xch, domid).max_pages, 1024);
    ASSERT_EQ(xc_domain_setmaxmem(xch, domid, 0), 0);
    EXPECT_EQ(xt_dominfo(xch, domid).max_pages, 0);
    xt_done(xch, h);
}

TEST(node_affinity_round_trip_and_errors)
{
    claimset_host *h = xt_host("16M,16M,16M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 100);
    xc_nodemap_t map = xc_nodemap_alloc(xch);
    uint8_t *exact;
    struct xt_state before;

    ASSERT_TRUE(map != NULL);
    EXPECT_EQ(xc_get_max_nodes(xch), 3);
    ASSERT_EQ(xc_get_nodemap_size(xch), 1);
    EXPECT_EQ(map[0], 0); /* allocated zeroed */

    /* A new domain's affinity is every node. */
    ASSERT_EQ(xc_domain_node_getaffinity(xch, domid, map), 0);
    EXPECT_EQ(map[0], 0x7);
    map[0] = 0x5;
    ASSERT_EQ(xc_domain_node_setaffinity(xch, domid, map), 0);
    map[0] = 0;
    ASSERT_EQ(xc_domain_node_getaffinity(xch, domid, map), 0);
    EXPECT_EQ(map[0], 0x5);

    /* The map is exactly nodemap-size bytes: end it at a guard page. */
    exact = (uint8_t *)xt_guarded(1);
    ASSERT_TRUE(exact != NULL);
    exact[0] = 0x2;
    ASSERT_EQ(xc_domain_node_setaffinity(xch, domid, exact), 0);
    ASSERT_EQ(xc_domain_node_getaffinity(xch, domid, exact), 0);
    EXPECT_EQ(exact[0], 0x2);
    xt_guarded_free(exact, 1);

    /* No node that exists: EINVAL, affinity unchanged. */
    xt_snapshot(xch, domid, &before);
    map[0] = 0x8;
    EXPECT_EQ(fails_with(xc_domain_node_setaffinity(xch, domid, map)), EINVAL);
    map[0] = 0;
    EXPECT_EQ(fails_with(xc_domain_node_setaffinity(xch, domid, map)), EINVAL);
    XT_EXPECT_UNCHANGED(xch, domid, &before);
    ASSERT_EQ(xc_domain_node_getaffinity(xch, domid, map), 0);
    EXPECT_EQ(map[0], 0x2);
    EXPECT_EQ(fails_with(xc_domain_node_setaffinity(xch, domid, NULL)), EINVAL);
    EXPECT_EQ(fails_with(xc_domain_node_getaffinity(xch, domid, NULL)), EINVAL);
    EXPECT_EQ(fails_with(xc_domain_node_setaffinity(xch, 999, map)), ESRCH);
    EXPECT_EQ(fails_with(xc_domain_node_getaffinity(xch, 999, map)), ESRCH);
    free(map);
    xt_done(xch, h);
}

TEST(nodemap_size_grows_past_eight_nodes)
{
    claimset_host *h = xt_host("1M,1M,1M,1M,1M,1M,1M,1M,1M");
    xc_interface *xch = xt_open(h);

    EXPECT_EQ(xc_get_max_nodes(xch), 9);
    EXPECT_EQ(xc_get_nodemap_size(xch), 2);
    EXPECT_EQ(xc_get_max_nodes(NULL), -1);
    EXPECT_EQ(xc_get_nodemap_size(NULL), -1);
    EXPECT_TRUE(xc_nodemap_alloc(NULL) == NULL);
    xt_done(xch, h);
}

TEST(physinfo_reports_the_host)
{
    claimset_host *h = xt_host("16M,32M");
    xc_interface *xch = xt_open(h);
    xc_physinfo_t info = xt_physinfo(xch);

    EXPECT_EQ(info.total_pages, 4096 + 8192);
    EXPECT_EQ(info.free_pages, 4096 + 8192 - 1); /* frame 0 */
    EXPECT_EQ(info.outstanding_pages, 0);
    EXPECT_EQ(info.scrub_pages, 0);
    EXPECT_EQ(info.nr_nodes, 2);
    EXPECT_EQ(info.max_node_id, 1);
    EXPECT_EQ(fails_with(xc_physinfo(xch, NULL)), EINVAL);
    EXPECT_EQ(fails_with(xc_physinfo(NULL, &info)), EINVAL);
    xt_done(xch, h);
}

TEST(numainfo_sizes_distances_and_capacity)
{
    claimset_host *h = xt_host("16M,32M,8M;distances=10,15,30,15,10,20,30,20,10");
    xc_interface *xch = xt_open(h);
    xc_meminfo_t *mem = (xc_meminfo_t *)xt_guarded(3 * sizeof(xc_meminfo_t));
    uint32_t *dist = (uint32_t *)xt_guarded(9 * sizeof(uint32_t));
    static const uint32_t want_dist[9] = {10, 15, 30, 15, 10, 20, 30, 20, 10};
    xc_meminfo_t small[2];
    unsigned int n;

    ASSERT_TRUE(mem && dist);
    /* Both NULL: the node count. */
    n = 0;
    ASSERT_EQ(xc_numainfo(xch, &n, NULL, NULL), 0);
    EXPECT_EQ(n, 3);
    /* Exactly n entries and n*n distances, each ending at a guard page. */
    n = 3;
    ASSERT_EQ(xc_numainfo(xch, &n, mem, dist), 0);
    EXPECT_EQ(n, 3);
    EXPECT_EQ(mem[0].memsize, 16ULL << 20);
    EXPECT_EQ(mem[1].memsize, 32ULL << 20);
    EXPECT_EQ(mem[2].memsize, 8ULL << 20);
    EXPECT_EQ(mem[0].memfree, (16ULL << 20) - XC_PAGE_SIZE);
    EXPECT_EQ(mem[1].memfree, 32ULL << 20);
    for (unsigned int i = 0; i < 9; i++)
        EXPECT_EQ(dist[i], want_dist[i]);
    /* Either array alone. */
    memset(mem, 0, 3 * sizeof(*mem));
    ASSERT_EQ(xc_numainfo(xch, &n, mem, NULL), 0);
    EXPECT_EQ(mem[2].memsize, 8ULL << 20);
    memset(dist, 0, 9 * sizeof(*dist));
    ASSERT_EQ(xc_numainfo(xch, &n, NULL, dist), 0);
    EXPECT_EQ(dist[5], 20);
    /* Too small, as in Xen: the first n nodes, distances n per row. */
    n = 2;
    memset(small, 0, sizeof(small));
    ASSERT_EQ(xc_numainfo(xch, &n, small, NULL), 0);
    EXPECT_EQ(n, 2);
    EXPECT_EQ(small[1].memsize, 32ULL << 20);
    n = 2;
    memset(dist, 0, 9 * sizeof(*dist));
    ASSERT_EQ(xc_numainfo(xch, &n, NULL, dist + 5), 0);
    EXPECT_EQ(dist[5], 10);
    EXPECT_EQ(dist[6], 15);
    EXPECT_EQ(dist[7], 15);
    EXPECT_EQ(dist[8], 10);
    /* Arguments: no count; a count whose square overflows. */
    EXPECT_EQ(fails_with(xc_numainfo(xch, NULL, mem, dist)), EINVAL);
    n = UINT_MAX;
    EXPECT_EQ(fails_with(xc_numainfo(xch, &n, mem, dist)), EINVAL);
    EXPECT_EQ(n, UINT_MAX);
    xt_guarded_free(mem, 3 * sizeof(xc_meminfo_t));
    xt_guarded_free(dist, 9 * sizeof(uint32_t));
    xt_done(xch, h);
}

TEST(page_offline_ops_and_their_errors)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t *status = (uint32_t *)xt_guarded(4 * sizeof(uint32_t));
    uint32_t one;
    uint64_t free_before = xt_physinfo(xch).free_pages;
    struct xt_state before;

    ASSERT_TRUE(status != NULL);
    /* Four frames, status exactly four words at a guard page. */
    ASSERT_EQ(xc_mark_page_offline(xch, 100, 103, status), 0);
    for (unsigned int i = 0; i < 4; i++)
        EXPECT_TRUE(status[i] & PG_OFFLINE_OFFLINED);
    EXPECT_EQ(xt_physinfo(xch).free_pages, free_before - 4);
    ASSERT_EQ(xc_query_page_offline_status(xch, 100, 103, status), 0);
    EXPECT_TRUE(status[3] & PG_OFFLINE_STATUS_OFFLINED);
    ASSERT_EQ(xc_mark_page_online(xch, 100, 103, status), 0);
    EXPECT_EQ(xt_physinfo(xch).free_pages, free_before);
    /* Online again: no offline state bit, as Xen reports it. */
    one = ~0U;
    ASSERT_EQ(xc_query_page_offline_status(xch, 103, 103, &one), 0);
    EXPECT_EQ(one, 0);

    xt_snapshot(xch, 0, &before);
    EXPECT_EQ(fails_with(xc_mark_page_offline(xch, 100, 103, NULL)), EINVAL);
    EXPECT_EQ(fails_with(xc_mark_page_offline(xch, 103, 100, status)), EINVAL);
    EXPECT_EQ(fails_with(xc_mark_page_offline(xch, 1UL << 32, 1UL << 32, status)), EINVAL);
    EXPECT_EQ(fails_with(xc_mark_page_online(xch, 5, 4, status)), EINVAL);
    EXPECT_EQ(fails_with(xc_query_page_offline_status(xch, 0, 0, NULL)), EINVAL);
    EXPECT_EQ(fails_with(xc_mark_page_offline(NULL, 1, 1, &one)), EINVAL);
    /* Frames beyond the host. */
    EXPECT_EQ(fails_with(xc_mark_page_offline(xch, 8192, 8192, &one)), EINVAL);
    XT_EXPECT_UNCHANGED(xch, 0, &before);
    xt_guarded_free(status, 4 * sizeof(uint32_t));
    xt_done(xch, h);
}

TEST(guest_handle_has_no_control_privileges)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 100), other = xt_domain(xch, 100);
    xc_interface *guest = claimset_xc_open(h, domid);
    struct xen_domctl_createdomain cfg;
    memory_claim_t c = {.pages = 1, .node = XT_GLOBAL};
    uint32_t newid = 0;
    xc_physinfo_t info;
    uint32_t status;

    ASSERT_TRUE(guest != NULL);
    EXPECT_EQ(claimset_xc_caller(guest), domid);
    memset(&cfg, 0, sizeof(cfg));
    cfg.max_vcpus = 1;
    EXPECT_EQ(fails_with(xc_domain_create(guest, &newid, &cfg)), EPERM);
    EXPECT_EQ(fails_with(xc_domain_destroy(guest, other)), EPERM);
    EXPECT_EQ(fails_with(xc_domain_setmaxmem(guest, domid, 1 << 20)), EPERM);
    EXPECT_EQ(fails_with(xc_domain_claim_memory(guest, domid, 1, &c)), EPERM);
    EXPECT_EQ(fails_with(xc_domain_claim_pages(guest, domid, 10)), EPERM);
    EXPECT_EQ(fails_with(xc_physinfo(guest, &info)), EPERM);
    EXPECT_EQ(fails_with(xc_mark_page_offline(guest, 5, 5, &status)), EPERM);
    EXPECT_EQ(xt_dominfo(xch, domid).max_pages, 100);
    EXPECT_EQ(xt_outstanding(xch), 0);
    xc_interface_close(guest);
    xt_done(xch, h);
}
