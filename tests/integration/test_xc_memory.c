/*
 * Memory reservation through the library: populate, increase and
 * decrease, their _exact variants (libxenctrl's EBUSY / ENOMEM / EINVAL
 * for a partial result), argument errors, extent lists that end at a
 * guard page, node and address-width flags, preemption, and a guest
 * balloon driver's view through a guest handle.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "integration/test_xc_util.h"

#define TOPO "16M,16M"

static int fails_with(int rc)
{
    return rc == -1 ? errno : 0;
}

/* n consecutive guest frames from first, step 2^order, in a buffer that
 * ends at a guard page. */
static xen_pfn_t *gfn_list(unsigned long n, xen_pfn_t first, unsigned int order)
{
    xen_pfn_t *l = (xen_pfn_t *)xt_guarded(n * sizeof(xen_pfn_t));

    if (l)
        for (unsigned long i = 0; i < n; i++)
            l[i] = first + (i << order);
    return l;
}

TEST(populate_returns_extents_done)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 1000);
    xen_pfn_t *l = gfn_list(600, 0, 0);

    ASSERT_TRUE(l != NULL);
    EXPECT_EQ(xc_domain_populate_physmap(xch, domid, 600, 0, 0, l), 600);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 600);
    /* The list is read only: frame numbers are not written back. */
    EXPECT_EQ(l[599], 599);
    /* Partial: max_pages stops it after 400 more. */
    xt_guarded_free(l, 600 * sizeof(xen_pfn_t));
    l = gfn_list(600, 1000, 0);
    EXPECT_EQ(xc_domain_populate_physmap(xch, domid, 600, 0, 0, l), 400);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 1000);
    /* Nothing to do is 0 extents, even with no list. */
    EXPECT_EQ(xc_domain_populate_physmap(xch, domid, 0, 0, 0, NULL), 0);
    xt_guarded_free(l, 600 * sizeof(xen_pfn_t));
    xt_done(xch, h);
}

TEST(populate_exact_partial_is_ebusy_and_keeps_what_was_done)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 300);
    xen_pfn_t *l = gfn_list(4, 0, 7);

    ASSERT_TRUE(l != NULL);
    EXPECT_EQ(xc_domain_populate_physmap_exact(xch, domid, 2, 7, 0, l), 0);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 256);
    errno = 0;
    EXPECT_EQ(xc_domain_populate_physmap_exact(xch, domid, 2, 7, 0, l + 2), -1);
    EXPECT_EQ(errno, EBUSY);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 256);
    /* Onto frames already populated: nothing done, EBUSY. */
    ASSERT_EQ(xc_domain_setmaxmem(xch, domid, 4 * 1024 * 4), 0);
    EXPECT_EQ(xc_domain_populate_physmap(xch, domid, 2, 7, 0, l), 0);
    EXPECT_EQ(fails_with(xc_domain_populate_physmap_exact(xch, domid, 4, 7, 0, l)), EBUSY);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 256);
    xt_guarded_free(l, 4 * sizeof(xen_pfn_t));
    xt_done(xch, h);
}

TEST(populate_argument_errors)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 1000);
    xen_pfn_t l[4] = {0, 1, 2, 3};
    struct xt_state before;

    xt_snapshot(xch, domid, &before);
    /* Lists that cannot exist, counts that do not fit an int. */
    EXPECT_EQ(fails_with(xc_domain_populate_physmap(xch, domid, ULONG_MAX, 0, 0, l)), EINVAL);
    EXPECT_EQ(fails_with(xc_domain_populate_physmap(xch, domid, ULONG_MAX / 8 + 1, 0, 0, l)),
              EINVAL);
    EXPECT_EQ(
        fails_with(xc_domain_populate_physmap(xch, domid, (unsigned long)INT_MAX + 1, 0, 0, l)),
        EINVAL);
    EXPECT_EQ(fails_with(xc_domain_populate_physmap(NULL, domid, 4, 0, 0, l)), EINVAL);
    EXPECT_EQ(fails_with(xc_domain_populate_physmap(xch, 0x10000 + domid, 4, 0, 0, l)), EINVAL);
    /* Flags the hypervisor refuses. */
    EXPECT_EQ(fails_with(xc_domain_populate_physmap(xch, domid, 4, 0, 1U << 20, l)), EINVAL);
    EXPECT_EQ(fails_with(xc_domain_populate_physmap(xch, domid, 4, 0, XENMEMF_node(100), l)),
              EINVAL);
    EXPECT_EQ(fails_with(xc_domain_populate_physmap(xch, domid, 4, 0, XENMEMF_vnode, l)),
              EOPNOTSUPP);
    EXPECT_EQ(
        fails_with(xc_domain_populate_physmap(xch, domid, 4, 0, XENMEMF_populate_on_demand, l)),
        EOPNOTSUPP);
    /* As Xen: checks that fail before any extent return "0 done". */
    EXPECT_EQ(xc_domain_populate_physmap(xch, 999, 4, 0, 0, l), 0);
    EXPECT_EQ(xc_domain_populate_physmap(xch, domid, 4, 19, 0, l), 0);
    EXPECT_EQ(xc_domain_populate_physmap(xch, domid, 4, 0, 0, NULL), 0);
    EXPECT_EQ(fails_with(xc_domain_populate_physmap_exact(xch, 999, 4, 0, 0, l)), EBUSY);
    XT_EXPECT_UNCHANGED(xch, domid, &before);
    xt_done(xch, h);
}

TEST(populate_node_and_address_flags)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 8000);
    uint64_t gfn = 0;

    /* A node hint is followed while the node has memory. */
    EXPECT_EQ(xt_populate(xch, domid, &gfn, 100, 0, XENMEMF_node(1)), 100);
    EXPECT_EQ(xt_node_pages(xch, domid, 1), 100);
    /* Frames below 16 MiB are all on node 0 (node 0 is frames 0-4095). */
    EXPECT_EQ(xt_populate(xch, domid, &gfn, 100, 0, XENMEMF_address_bits(24)), 100);
    EXPECT_EQ(xt_node_pages(xch, domid, 0), 100);
    /* A hint falls back to another node; an exact request does not. */
    EXPECT_EQ(xt_populate(xch, domid, &gfn, 4000, 0, XENMEMF_exact_node(1)), 3996);
    EXPECT_EQ(xt_node_pages(xch, domid, 1), 4096);
    EXPECT_EQ(xt_populate(xch, domid, &gfn, 10, 0, XENMEMF_exact_node(1)), 0);
    EXPECT_EQ(xt_populate(xch, domid, &gfn, 10, 0, XENMEMF_node(1)), 10);
    EXPECT_EQ(xt_node_pages(xch, domid, 0), 110);
    xt_done(xch, h);
}

TEST(decrease_frees_and_gives_no_claim_back)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 2000);
    xen_pfn_t *l = gfn_list(8, 0, 0);
    memory_claim_t claim = {.pages = 1000, .node = XT_GLOBAL};
    uint64_t free_before;

    ASSERT_TRUE(l != NULL);
    ASSERT_EQ(xc_domain_claim_memory(xch, domid, 1, &claim), 0);
    ASSERT_EQ(xc_domain_populate_physmap_exact(xch, domid, 8, 0, 0, l), 0);
    EXPECT_EQ(xt_outstanding(xch), 992);
    free_before = xt_physinfo(xch).free_pages;

    EXPECT_EQ(xc_domain_decrease_reservation(xch, domid, 8, 0, l), 8);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 0);
    EXPECT_EQ(xt_physinfo(xch).free_pages, free_before + 8);
    EXPECT_EQ(xt_outstanding(xch), 992);
    /* Already gone: nothing done; _exact says EINVAL. */
    EXPECT_EQ(xc_domain_decrease_reservation(xch, domid, 8, 0, l), 0);
    EXPECT_EQ(fails_with(xc_domain_decrease_reservation_exact(xch, domid, 8, 0, l)), EINVAL);
    xt_guarded_free(l, 8 * sizeof(xen_pfn_t));
    xt_done(xch, h);
}

TEST(decrease_partial_and_argument_errors)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 100);
    xen_pfn_t l[4] = {0, 1, 50, 3};
    uint64_t gfn = 0;

    ASSERT_EQ(xt_populate(xch, domid, &gfn, 4, 0, 0), 4);
    /* Frame 50 is not populated: stops after two. */
    EXPECT_EQ(xc_domain_decrease_reservation(xch, domid, 4, 0, l), 2);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 2);
    l[0] = 2;
    l[1] = 50;
    EXPECT_EQ(fails_with(xc_domain_decrease_reservation_exact(xch, domid, 2, 0, l)), EINVAL);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 1);
    l[0] = 3;
    EXPECT_EQ(xc_domain_decrease_reservation_exact(xch, domid, 1, 0, l), 0);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 0);

    EXPECT_EQ(fails_with(xc_domain_decrease_reservation(xch, domid, 1, 0, NULL)), EINVAL);
    EXPECT_EQ(fails_with(xc_domain_decrease_reservation_exact(xch, domid, 1, 0, NULL)), EINVAL);
    EXPECT_EQ(fails_with(xc_domain_decrease_reservation(xch, domid, ULONG_MAX, 0, l)), EINVAL);
    EXPECT_EQ(fails_with(xc_domain_decrease_reservation(NULL, domid, 1, 0, l)), EINVAL);
    xt_done(xch, h);
}

TEST(increase_reservation_and_exact_enomem)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 10);
    xen_pfn_t *l = gfn_list(12, 0, 0);

    ASSERT_TRUE(l != NULL);
    EXPECT_EQ(xc_domain_increase_reservation(xch, domid, 4, 0, 0, l), 4);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 4);
    EXPECT_EQ(xc_domain_increase_reservation_exact(xch, domid, 4, 0, 0, l + 4), 0);
    /* Only 2 more fit under max_pages. */
    EXPECT_EQ(fails_with(xc_domain_increase_reservation_exact(xch, domid, 4, 0, 0, l + 8)), ENOMEM);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 10);
    EXPECT_EQ(fails_with(xc_domain_increase_reservation(xch, domid, ULONG_MAX, 0, 0, l)), EINVAL);
    xt_guarded_free(l, 12 * sizeof(xen_pfn_t));
    xt_done(xch, h);
}

TEST(preemption_gives_the_same_result_with_continuations)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t a = xt_domain(xch, 100), b = xt_domain(xch, 100);
    struct claimset_xc_stats st;
    uint64_t ga = 0, gb = 0;

    ASSERT_EQ(claimset_xc_reset_stats(xch), 0);
    EXPECT_EQ(xt_populate(xch, a, &ga, 64, 0, 0), 64);
    ASSERT_EQ(claimset_xc_get_stats(xch, &st), 0);
    EXPECT_EQ(st.hypercalls, 1);
    EXPECT_EQ(st.continuations, 0);

    ASSERT_EQ(claimset_xc_set_preempt_budget(xch, 8), 0);
    ASSERT_EQ(claimset_xc_reset_stats(xch), 0);
    EXPECT_EQ(xt_populate(xch, b, &gb, 64, 0, 0), 64);
    ASSERT_EQ(claimset_xc_get_stats(xch, &st), 0);
    EXPECT_EQ(st.continuations, 7);
    EXPECT_EQ(st.hypercalls, 8);
    EXPECT_EQ(xt_dominfo(xch, b).tot_pages, 64);
    EXPECT_EQ(xt_node_pages(xch, a, 0) + xt_node_pages(xch, a, 1), 64);
    xt_done(xch, h);
}

TEST(guest_balloon_through_a_guest_handle)
{
    claimset_host *h = xt_host(TOPO);
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 2000), other = xt_domain(xch, 100);
    xc_interface *guest = claimset_xc_open(h, domid);
    xen_pfn_t *l = gfn_list(4, 0, 9);
    xen_pfn_t big[1] = {0x10000};

    ASSERT_TRUE(guest && l);
    /* The guest grows and shrinks itself, by id or as DOMID_SELF. */
    EXPECT_EQ(xc_domain_populate_physmap(guest, DOMID_SELF, 2, 9, 0, l), 2);
    EXPECT_EQ(xc_domain_populate_physmap(guest, domid, 1, 9, 0, l + 2), 1);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 1536);
    EXPECT_EQ(xc_domain_decrease_reservation(guest, DOMID_SELF, 1, 9, l), 1);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 1024);
    /* Larger than 2 MiB extents are the control domain's. */
    EXPECT_EQ(xc_domain_populate_physmap(guest, DOMID_SELF, 1, 10, 0, big), 0);
    /* A guest may hint a node but not pin one. */
    EXPECT_EQ(
        fails_with(xc_domain_populate_physmap(guest, DOMID_SELF, 1, 0, XENMEMF_exact_node(0), big)),
        EINVAL);
    /* Nor touch another domain. */
    EXPECT_EQ(fails_with(xc_domain_populate_physmap(guest, other, 1, 0, 0, big)), EPERM);
    EXPECT_EQ(xt_dominfo(xch, other).tot_pages, 0);
    xt_guarded_free(l, 4 * sizeof(xen_pfn_t));
    xc_interface_close(guest);
    xt_done(xch, h);
}
