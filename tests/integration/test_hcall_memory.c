/*
 * The hypercall layer's copy layer and do_memory_op(): reservation
 * operations (populate, increase, decrease) with their checks, partial
 * success, continuations and fault injection, the legacy claim in Xen's
 * check order, and what a guest caller may do.  Calls are made the way
 * libxenctrl makes them: every buffer the hypervisor may touch is
 * registered with its exact size.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <hv/hcall.h>

#include "hcalltest.h"

#define TOPO  "16M,16M" /* node 0: frames 0..4095 (0 is Xen's), node 1: 4096..8191 */
#define NODE1 4096UL

/* ---- Calls as libxenctrl makes them. ---- */

static void reservation_init(struct xen_memory_reservation *r, domid_t domid, xen_pfn_t *gfns,
                             unsigned long nr, unsigned int order, unsigned int flags)
{
    memset(r, 0, sizeof(*r));
    set_xen_guest_handle(r->extent_start, gfns);
    r->nr_extents = nr;
    r->extent_order = order;
    r->mem_flags = flags;
    r->domid = domid;
}

/* Register the reservation and the whole extent list, then call. */
static long memop(struct hcall_ctx *ctx, unsigned int op, struct xen_memory_reservation *r)
{
    hcall_ctx_clear_regions(ctx);
    EXPECT_EQ(hcall_ctx_add_region(ctx, r, sizeof(*r), 1), 0);
    if (r->extent_start.p)
        EXPECT_EQ(
            hcall_ctx_add_region(ctx, r->extent_start.p, r->nr_extents * sizeof(xen_pfn_t), 1), 0);
    return hypercall_memory_op(ctx, op, r);
}

static long populate(struct host *h, domid_t caller, domid_t domid, xen_pfn_t *gfns,
                     unsigned long nr, unsigned int order, unsigned int flags)
{
    struct xen_memory_reservation r;
    struct hcall_ctx ctx;

    hcall_ctx_init(&ctx, h, caller);
    reservation_init(&r, domid, gfns, nr, order, flags);
    return memop(&ctx, XENMEM_populate_physmap, &r);
}

static void gfn_seq(xen_pfn_t *g, unsigned long n, xen_pfn_t first, xen_pfn_t step)
{
    for (unsigned long i = 0; i < n; i++)
        g[i] = first + i * step;
}

/* ---- The copy layer. ---- */

TEST(copy_only_inside_one_registered_region)
{
    struct hcall_ctx ctx;
    char a[32] = "abcdefghijklmnopqrstuvwxyz01234", b[16] = "0123456789ABCDE", out[64];

    hcall_ctx_init(&ctx, NULL, 0);
    ASSERT_EQ(hcall_ctx_add_region(&ctx, a, sizeof(a), 1), 0);
    ASSERT_EQ(hcall_ctx_add_region(&ctx, b, sizeof(b), 0), 0);

    memset(out, 0, sizeof(out));
    EXPECT_EQ(copy_from_guest(&ctx, out, a + 4, 28), 0);
    EXPECT_EQ(memcmp(out, a + 4, 28), 0);
    /* One byte past the end, NULL, an unregistered buffer, a range that
     * spans two regions, and a wrapping length all fail. */
    EXPECT_EQ(copy_from_guest(&ctx, out, a + 4, 29), -EFAULT);
    EXPECT_EQ(copy_from_guest(&ctx, out, NULL, 1), -EFAULT);
    EXPECT_EQ(copy_from_guest(&ctx, out, out, 1), -EFAULT);
    EXPECT_EQ(copy_from_guest(&ctx, out, a + 31, SIZE_MAX), -EFAULT);
    EXPECT_EQ(copy_from_guest(&ctx, out, (const char *)UINTPTR_MAX, 2), -EFAULT);
    /* Read-only regions can be read, not written. */
    EXPECT_EQ(copy_from_guest(&ctx, out, b, sizeof(b)), 0);
    EXPECT_EQ(copy_to_guest(&ctx, b, "zz", 2), -EFAULT);
    EXPECT_EQ(b[0], '0');
    EXPECT_EQ(copy_to_guest(&ctx, a + 30, "zz", 2), 0);
    EXPECT_EQ(a[31], 'z');
    /* Offsets: element 7 of 4-byte elements is bytes 28..31; 8 is out. */
    EXPECT_EQ(copy_from_guest_offset(&ctx, out, a, 7, 4), 0);
    EXPECT_EQ(copy_from_guest_offset(&ctx, out, a, 8, 4), -EFAULT);
    EXPECT_EQ(copy_to_guest_offset(&ctx, a, SIZE_MAX / 2 + 1, "xy", 2), -EFAULT);
    EXPECT_EQ(copy_from_guest_offset(&ctx, out, a, SIZE_MAX, SIZE_MAX), -EFAULT);
    /* A zero-length copy touches nothing and succeeds. */
    EXPECT_EQ(copy_to_guest(&ctx, NULL, "x", 0), 0);
}

TEST(copy_regions_registration_rules)
{
    struct hcall_ctx ctx;
    char buf[HCALL_MAX_REGIONS + 1];

    hcall_ctx_init(&ctx, NULL, 0);
    EXPECT_EQ(hcall_ctx_add_region(&ctx, NULL, 0, 1), 0); /* empty: nothing */
    EXPECT_EQ(ctx.nr_regions, 0u);
    EXPECT_EQ(hcall_ctx_add_region(&ctx, NULL, 8, 1), -EINVAL);
    EXPECT_EQ(hcall_ctx_add_region(&ctx, (void *)(UINTPTR_MAX - 3), 8, 1), -EINVAL);
    for (unsigned int i = 0; i < HCALL_MAX_REGIONS; i++)
        EXPECT_EQ(hcall_ctx_add_region(&ctx, &buf[i], 1, 1), 0);
    EXPECT_EQ(hcall_ctx_add_region(&ctx, &buf[HCALL_MAX_REGIONS], 1, 1), -E2BIG);
    EXPECT_EQ(copy_to_guest(&ctx, &buf[HCALL_MAX_REGIONS], "x", 1), -EFAULT);
    hcall_ctx_clear_regions(&ctx);
    EXPECT_EQ(copy_to_guest(&ctx, &buf[0], "x", 1), -EFAULT);
}

TEST(copy_fault_injection_fails_exactly_the_nth_copy)
{
    struct hcall_ctx ctx;
    char a[8] = "1234567", out[8];

    hcall_ctx_init(&ctx, NULL, 0);
    ASSERT_EQ(hcall_ctx_add_region(&ctx, a, sizeof(a), 1), 0);
    ctx.fail_copy_at = 3;
    EXPECT_EQ(copy_from_guest(&ctx, out, a, 1), 0);
    EXPECT_EQ(copy_from_guest(&ctx, out, NULL, 1), -EFAULT); /* a failed copy counts */
    memset(out, 0, sizeof(out));
    EXPECT_EQ(copy_from_guest(&ctx, out, a, 4), -EFAULT);
    EXPECT_EQ(out[0], 0); /* nothing copied */
    EXPECT_EQ(copy_from_guest(&ctx, out, a, 4), 0);
    EXPECT_EQ(ctx.copies, 4UL);
}

TEST(preempt_check_consumes_budget)
{
    struct hcall_ctx ctx;

    hcall_ctx_init(&ctx, NULL, 0);
    EXPECT_FALSE(hypercall_preempt_check(&ctx, 1000)); /* budget 0: never */
    ctx.preempt_budget = 3;
    ctx.work = 0;
    EXPECT_FALSE(hypercall_preempt_check(&ctx, 1));
    EXPECT_FALSE(hypercall_preempt_check(&ctx, 1));
    EXPECT_TRUE(hypercall_preempt_check(&ctx, 1));
    EXPECT_FALSE(hypercall_preempt_check(&ctx, 2));
    EXPECT_TRUE(hypercall_preempt_check(&ctx, ULONG_MAX));
}

/* ---- Reservation operations from the control domain. ---- */

TEST(populate_maps_every_extent_and_returns_count)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4096);
    xen_pfn_t g[6];
    struct domain_info info;

    gfn_seq(g, 6, 0x100, 0x10);
    EXPECT_EQ(populate(h, 0, d->domain_id, g, 6, 2, 0), 6);
    for (unsigned int i = 0; i < 6; i++)
        for (unsigned int j = 0; j < 4; j++)
            EXPECT_NE(domain_gfn_to_mfn(d, g[i] + j), INVALID_MFN);
    domain_get_info(d, &info);
    EXPECT_EQ(info.tot_pages, 24UL);
    /* The list is not written back: these are translated guests. */
    EXPECT_EQ(g[5], (xen_pfn_t)0x150);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(populate_partial_success_returns_extents_done)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 5);
    xen_pfn_t g[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    struct domain_info info;

    /* max_pages stops the sixth extent. */
    EXPECT_EQ(populate(h, 0, d->domain_id, g, 8, 0, 0), 5);
    /* A gfn already mapped stops the first extent of the next call. */
    EXPECT_EQ(domain_set_max_pages(d, 100), 0);
    EXPECT_EQ(populate(h, 0, d->domain_id, g + 4, 4, 0, 0), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.tot_pages, 5UL);
    EXPECT_EQ(domain_gfn_to_mfn(d, 6), INVALID_MFN);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(reservation_bad_buffers_fault_or_do_nothing)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4096);
    struct xen_memory_reservation r;
    struct hcall_ctx ctx;
    xen_pfn_t g[4] = {1, 2, 3, 4};
    unsigned int ops[] = {XENMEM_populate_physmap, XENMEM_increase_reservation,
                          XENMEM_decrease_reservation};
    struct hct_snap s;

    ASSERT_EQ(populate(h, 0, d->domain_id, g, 4, 0, 0), 4); /* so decrease has work */
    hct_snap_take(h, &s);
    for (unsigned int k = 0; k < ARRAY_LEN(ops); k++) {
        hcall_ctx_init(&ctx, h, 0);
        reservation_init(&r, d->domain_id, g, 4, 0, 0);
        /* The reservation itself: NULL, unregistered, one byte short. */
        EXPECT_EQ(hypercall_memory_op(&ctx, ops[k], NULL), -EFAULT);
        EXPECT_EQ(hypercall_memory_op(&ctx, ops[k], &r), -EFAULT);
        ASSERT_EQ(hcall_ctx_add_region(&ctx, &r, sizeof(r) - 1, 1), 0);
        EXPECT_EQ(hypercall_memory_op(&ctx, ops[k], &r), -EFAULT);
        /* The extent list: unregistered, short, NULL -- nothing done. */
        hcall_ctx_clear_regions(&ctx);
        ASSERT_EQ(hcall_ctx_add_region(&ctx, &r, sizeof(r), 1), 0);
        EXPECT_EQ(hypercall_memory_op(&ctx, ops[k], &r), 0);
        ASSERT_EQ(hcall_ctx_add_region(&ctx, g, 3 * sizeof(g[0]), 1), 0);
        EXPECT_EQ(hypercall_memory_op(&ctx, ops[k], &r), 0);
        set_xen_guest_handle(r.extent_start, NULL);
        EXPECT_EQ(hypercall_memory_op(&ctx, ops[k], &r), 0);
        HCT_EXPECT_UNCHANGED(h, &s);
    }
    domain_put(d);
    host_destroy(h);
}

TEST(reservation_counts_and_start_index_checks)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4096);
    struct xen_memory_reservation r;
    struct hcall_ctx ctx;
    xen_pfn_t g[4] = {1, 2, 3, 4};
    struct hct_snap s;

    hct_snap_take(h, &s);
    hcall_ctx_init(&ctx, h, 0);
    /* nr_extents too large to encode a continuation: nothing, start. */
    reservation_init(&r, d->domain_id, g, ULONG_MAX, 0, 0);
    ASSERT_EQ(hcall_ctx_add_region(&ctx, &r, sizeof(r), 1), 0);
    ASSERT_EQ(hcall_ctx_add_region(&ctx, g, sizeof(g), 1), 0);
    EXPECT_EQ(do_memory_op(&ctx, XENMEM_populate_physmap, &r), 0);
    EXPECT_EQ(do_memory_op(&ctx, XENMEM_populate_physmap | (3UL << MEMOP_EXTENT_SHIFT), &r), 3);
    r.nr_extents = (ULONG_MAX >> MEMOP_EXTENT_SHIFT) + 1;
    EXPECT_EQ(do_memory_op(&ctx, XENMEM_populate_physmap, &r), 0);
    /* The largest encodable count passes that check, then the list is
     * far shorter than the count: nothing done. */
    r.nr_extents = ULONG_MAX >> MEMOP_EXTENT_SHIFT;
    EXPECT_EQ(do_memory_op(&ctx, XENMEM_populate_physmap, &r), 0);
    /* A start index at or past nr_extents returns the start index. */
    r.nr_extents = 4;
    EXPECT_EQ(do_memory_op(&ctx, XENMEM_populate_physmap | (4UL << MEMOP_EXTENT_SHIFT), &r), 4);
    EXPECT_EQ(do_memory_op(&ctx, XENMEM_decrease_reservation | (9UL << MEMOP_EXTENT_SHIFT), &r), 9);
    r.nr_extents = 0;
    EXPECT_EQ(do_memory_op(&ctx, XENMEM_populate_physmap, &r), 0);
    HCT_EXPECT_UNCHANGED(h, &s);
    /* A start index inside the list skips the extents before it. */
    r.nr_extents = 4;
    EXPECT_EQ(do_memory_op(&ctx, XENMEM_populate_physmap | (2UL << MEMOP_EXTENT_SHIFT), &r), 4);
    EXPECT_EQ(domain_gfn_to_mfn(d, 1), INVALID_MFN);
    EXPECT_NE(domain_gfn_to_mfn(d, 3), INVALID_MFN);
    EXPECT_NE(domain_gfn_to_mfn(d, 4), INVALID_MFN);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(reservation_orders_domains_and_unknown_ops)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4096);
    xen_pfn_t g[2] = {0, 1 << 19};
    struct xen_memory_reservation r;
    struct hcall_ctx ctx;
    unsigned int unknown[] = {2, 3, XENMEM_exchange, 63};
    struct hct_snap s;

    hct_snap_take(h, &s);
    /* Order above MAX_ORDER: nothing. */
    EXPECT_EQ(populate(h, 0, d->domain_id, g, 2, MAX_ORDER + 1, 0), 0);
    EXPECT_EQ(populate(h, 0, d->domain_id, g, 2, UINT_MAX, 0), 0);
    /* Unknown domain, reserved ids, DOMID_SELF of a control domain that
     * does not exist on this host: nothing. */
    EXPECT_EQ(populate(h, 0, 77, g, 2, 0, 0), 0);
    EXPECT_EQ(populate(h, 0, DOMID_IO, g, 2, 0, 0), 0);
    EXPECT_EQ(populate(h, 0, DOMID_SELF, g, 2, 0, 0), 0);
    HCT_EXPECT_UNCHANGED(h, &s);
    /* Unknown operations. */
    hcall_ctx_init(&ctx, h, 0);
    reservation_init(&r, d->domain_id, g, 2, 0, 0);
    for (unsigned int i = 0; i < ARRAY_LEN(unknown); i++)
        EXPECT_EQ(memop(&ctx, unknown[i], &r), -ENOSYS);
    HCT_EXPECT_UNCHANGED(h, &s);
    domain_put(d);
    host_destroy(h);
}

TEST(reservation_mem_flags_checks)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4096);
    xen_pfn_t g[1] = {10};
    domid_t id = d->domain_id;
    struct hct_snap s;

    hct_snap_take(h, &s);
    EXPECT_EQ(populate(h, 0, id, g, 1, 0, 1U << 19), -EINVAL);
    EXPECT_EQ(populate(h, 0, id, g, 1, 0, 1U << 31), -EINVAL);
    EXPECT_EQ(populate(h, 0, id, g, 1, 0, XENMEMF_vnode | XENMEMF_node(0)), -EOPNOTSUPP);
    EXPECT_EQ(populate(h, 0, id, g, 1, 0, XENMEMF_populate_on_demand), -EOPNOTSUPP);
    EXPECT_EQ(populate(h, 0, id, g, 1, 0, XENMEMF_node(MAX_NUMNODES)), -EINVAL);
    EXPECT_EQ(populate(h, 0, id, g, 1, 0, XENMEMF_exact_node(200)), -EINVAL);
    /* No frame lies below 4 KiB: nothing done. */
    EXPECT_EQ(populate(h, 0, id, g, 1, 0, XENMEMF_address_bits(PAGE_SHIFT)), 0);
    EXPECT_EQ(populate(h, 0, id, g, 1, 0, XENMEMF_address_bits(1)), 0);
    HCT_EXPECT_UNCHANGED(h, &s);
    /* An existing but empty exact node: nothing done; as a hint: elsewhere. */
    EXPECT_EQ(populate(h, 0, id, g, 1, 0, XENMEMF_exact_node(5)), 0);
    HCT_EXPECT_UNCHANGED(h, &s);
    EXPECT_EQ(populate(h, 0, id, g, 1, 0, XENMEMF_node(5)), 1);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(populate_honours_node_exact_node_and_address_bits)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4096);
    xen_pfn_t g[4] = {0, 1, 2, 3};
    domid_t id = d->domain_id;

    EXPECT_EQ(populate(h, 0, id, g, 1, 0, XENMEMF_exact_node(1)), 1);
    EXPECT_GE(domain_gfn_to_mfn(d, 0), NODE1);
    EXPECT_EQ(populate(h, 0, id, g + 1, 1, 0, XENMEMF_node(0)), 1);
    EXPECT_LT(domain_gfn_to_mfn(d, 1), NODE1);
    /* 20 address bits: frames below 1 MiB, i.e. mfn < 256. */
    EXPECT_EQ(populate(h, 0, id, g + 2, 1, 0, XENMEMF_address_bits(20)), 1);
    EXPECT_LT(domain_gfn_to_mfn(d, 2), 256UL);
    /* A width that covers the whole host is no limit. */
    EXPECT_EQ(populate(h, 0, id, g + 3, 1, 0, XENMEMF_address_bits(25)), 1);
    EXPECT_GE(domain_gfn_to_mfn(d, 3), 256UL);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(increase_reservation_populates_like_populate)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4096);
    xen_pfn_t g[3] = {6, 8, 9};
    struct xen_memory_reservation r;
    struct hcall_ctx ctx;

    hcall_ctx_init(&ctx, h, 0);
    reservation_init(&r, d->domain_id, g, 3, 1, 0);
    EXPECT_EQ(memop(&ctx, XENMEM_increase_reservation, &r), 2); /* 9 overlaps 8's extent */
    for (gfn_t gfn = 6; gfn < 10; gfn++)
        EXPECT_NE(domain_gfn_to_mfn(d, gfn), INVALID_MFN);
    EXPECT_EQ(domain_gfn_to_mfn(d, 10), INVALID_MFN);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(decrease_frees_extents_and_stops_at_unmapped)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4096);
    xen_pfn_t g[4] = {0, 4, 8, 12}, dg[4] = {4, 0, 100, 8};
    struct xen_memory_reservation r;
    struct host_counters before, after;
    struct domain_info info;
    struct hcall_ctx ctx;

    ASSERT_EQ(populate(h, 0, d->domain_id, g, 4, 2, 0), 4);
    host_get_counters(h, &before);
    hcall_ctx_init(&ctx, h, 0);
    reservation_init(&r, d->domain_id, dg, 4, 2, 0);
    EXPECT_EQ(memop(&ctx, XENMEM_decrease_reservation, &r), 2); /* gfn 100 unmapped */
    host_get_counters(h, &after);
    EXPECT_EQ(after.total_avail_pages, before.total_avail_pages + 8);
    domain_get_info(d, &info);
    EXPECT_EQ(info.tot_pages, 8UL);
    EXPECT_NE(domain_gfn_to_mfn(d, 8), INVALID_MFN);
    EXPECT_EQ(domain_gfn_to_mfn(d, 4), INVALID_MFN);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(reservation_on_dying_domain_does_nothing)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4096);
    xen_pfn_t g[2] = {0, 1};
    struct xen_memory_reservation r;
    struct hcall_ctx ctx;
    struct hct_snap s;

    ASSERT_EQ(populate(h, 0, d->domain_id, g, 1, 0, 0), 1);
    hct_set_dying(d, true);
    hct_snap_take(h, &s);
    EXPECT_EQ(populate(h, 0, d->domain_id, g + 1, 1, 0, 0), 0);
    hcall_ctx_init(&ctx, h, 0);
    reservation_init(&r, d->domain_id, g, 1, 0, 0);
    EXPECT_EQ(memop(&ctx, XENMEM_decrease_reservation, &r), 0);
    HCT_EXPECT_UNCHANGED(h, &s);
    hct_set_dying(d, false);
    domain_put(d);
    host_destroy(h);
}

/* ---- Continuations: preempted and unpreempted calls agree. ---- */

struct build_result {
    long rc[3];
    mfn_t map[256];
    struct host_counters c;
    unsigned long continuations, hypercalls;
};

/* A fixed sequence of calls on a fresh host with the given budget.  The
 * dirty variant builds on a host whose free memory all needs scrubbing. */
static void run_build(unsigned long budget, bool dirty, struct build_result *out)
{
    struct host *h = hvt_host(dirty ? "8M" : TOPO);
    struct domain *d;
    xen_pfn_t g[40], dg[12];
    struct xen_memory_reservation r;
    struct hcall_ctx ctx;

    memset(out, 0, sizeof(*out));
    if (dirty) {
        /* Fill the host and give it all back dirty. */
        struct domain *junk = hvt_domain(h, 4096);
        domid_t junk_id = junk->domain_id;
        gfn_t next = 0;

        hvt_populate(junk, &next, 3, 9, 0);
        hvt_populate(junk, &next, 4096, 0, 0);
        domain_put(junk);
        domain_destroy(h, junk_id);
    }
    d = hvt_domain(h, 30);
    hcall_ctx_init(&ctx, h, 0);
    ctx.preempt_budget = budget;
    if (dirty) {
        gfn_seq(g, 3, 0, 512);
        reservation_init(&r, d->domain_id, g, 3, 9, 0);
        domain_set_max_pages(d, 2048);
        out->rc[0] = memop(&ctx, XENMEM_populate_physmap, &r);
    } else {
        /* 40 extents against max_pages 30: partial success. */
        gfn_seq(g, 40, 3, 3);
        reservation_init(&r, d->domain_id, g, 40, 0, 0);
        out->rc[0] = memop(&ctx, XENMEM_populate_physmap, &r);
        /* 3, 12, ... 84 are mapped; 93 and 102 are not. */
        gfn_seq(dg, 12, 3, 9);
        reservation_init(&r, d->domain_id, dg, 12, 0, 0);
        out->rc[1] = memop(&ctx, XENMEM_decrease_reservation, &r);
        /* Room for 10 of 14. */
        gfn_seq(g, 14, 200, 1);
        reservation_init(&r, d->domain_id, g, 14, 0, XENMEMF_exact_node(1));
        out->rc[2] = memop(&ctx, XENMEM_increase_reservation, &r);
    }
    for (gfn_t gfn = 0; gfn < ARRAY_LEN(out->map); gfn++)
        out->map[gfn] = domain_gfn_to_mfn(d, dirty ? gfn * 8 : gfn);
    host_get_counters(h, &out->c);
    out->continuations = ctx.stats.continuations;
    out->hypercalls = ctx.stats.hypercalls;
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(continuations_give_identical_results)
{
    static struct build_result base, r;
    const unsigned long budgets[] = {1, 2, 7};

    run_build(0, false, &base);
    EXPECT_EQ(base.rc[0], 30);
    EXPECT_EQ(base.rc[1], 10);
    EXPECT_EQ(base.rc[2], 10);
    EXPECT_EQ(base.continuations, 0UL);
    EXPECT_EQ(base.hypercalls, 3UL);
    for (unsigned int i = 0; i < ARRAY_LEN(budgets); i++) {
        unsigned long b = budgets[i];

        run_build(b, false, &r);
        EXPECT_EQ(memcmp(r.rc, base.rc, sizeof(r.rc)), 0);
        EXPECT_EQ(memcmp(r.map, base.map, sizeof(r.map)), 0);
        EXPECT_EQ(memcmp(&r.c, &base.c, sizeof(r.c)), 0);
        /* A yield after every b extents done while more remain. */
        EXPECT_EQ(r.continuations, 30 / b + 10 / b + 10 / b);
        EXPECT_EQ(r.hypercalls, 3 + r.continuations);
    }
}

TEST(continuations_count_scrubbing_during_build)
{
    static struct build_result base, r;

    run_build(0, true, &base);
    EXPECT_EQ(base.rc[0], 3);
    EXPECT_EQ(base.c.scrub_pages, 2047UL - 3 * 512);
    /* Each extent is 1 unit plus 1 per 512 frames scrubbed = 2 units: a
     * budget of 2 yields after each of the first two extents (on a clean
     * host it would yield once). */
    run_build(2, true, &r);
    EXPECT_EQ(r.rc[0], 3);
    EXPECT_EQ(r.continuations, 2UL);
    EXPECT_EQ(memcmp(r.map, base.map, sizeof(r.map)), 0);
    EXPECT_EQ(memcmp(&r.c, &base.c, sizeof(r.c)), 0);
    run_build(1, true, &r);
    EXPECT_EQ(r.continuations, 2UL);
    EXPECT_EQ(memcmp(r.map, base.map, sizeof(r.map)), 0);
    EXPECT_EQ(memcmp(&r.c, &base.c, sizeof(r.c)), 0);
    run_build(7, true, &r);
    EXPECT_EQ(r.continuations, 0UL);
    EXPECT_EQ(memcmp(&r.c, &base.c, sizeof(r.c)), 0);
}

TEST(continuation_encodes_next_extent_index)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4096);
    xen_pfn_t g[5] = {10, 11, 12, 13, 14};
    struct xen_memory_reservation r;
    struct hcall_ctx ctx;

    hcall_ctx_init(&ctx, h, 0);
    ctx.preempt_budget = 2;
    reservation_init(&r, d->domain_id, g, 5, 0, 0);
    ASSERT_EQ(hcall_ctx_add_region(&ctx, &r, sizeof(r), 0), 0);
    ASSERT_EQ(hcall_ctx_add_region(&ctx, g, sizeof(g), 0), 0);
    EXPECT_EQ(do_memory_op(&ctx, XENMEM_populate_physmap, &r), -ERESTART);
    EXPECT_EQ(ctx.continuation, XENMEM_populate_physmap | (2UL << MEMOP_EXTENT_SHIFT));
    EXPECT_EQ(do_memory_op(&ctx, ctx.continuation, &r), -ERESTART);
    EXPECT_EQ(ctx.continuation, XENMEM_populate_physmap | (4UL << MEMOP_EXTENT_SHIFT));
    EXPECT_EQ(do_memory_op(&ctx, ctx.continuation, &r), 5);
    EXPECT_EQ(ctx.continuation, 0UL);
    EXPECT_EQ(ctx.stats.continuations, 2UL);
    EXPECT_EQ(ctx.stats.hypercalls, 3UL);
    /* A continuation whose argument became unreadable reports the
     * extents already done instead of an error. */
    hcall_ctx_clear_regions(&ctx);
    EXPECT_EQ(do_memory_op(&ctx, XENMEM_populate_physmap | (3UL << MEMOP_EXTENT_SHIFT), &r), 3);
    EXPECT_EQ(do_memory_op(&ctx, XENMEM_populate_physmap, &r), -EFAULT);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

/* ---- Fault injection: fail the 1st, 2nd, ... copy in turn. ---- */

/*
 * want[k-1] is the result when copy k fails; the last entry is a run in
 * which no copy failed.  Whatever the result, the domain holds exactly
 * the extents it says were done (-EFAULT: none).
 */
static void fault_injection_run(unsigned int op, unsigned long budget, const long *want,
                                unsigned long nr_want)
{
    enum { N = 6 };

    for (unsigned long k = 1; k <= nr_want; k++) {
        struct host *h = hvt_host(TOPO);
        struct domain *d = hvt_domain(h, 4096);
        xen_pfn_t g[N] = {0, 8, 16, 24, 32, 40};
        bool decrease = op == XENMEM_decrease_reservation;
        struct xen_memory_reservation r;
        struct domain_info info;
        struct hcall_ctx ctx;
        struct hct_snap s;
        long rc, done;

        if (decrease)
            ASSERT_EQ(populate(h, 0, d->domain_id, g, N, 3, 0), N);
        hct_snap_take(h, &s);
        hcall_ctx_init(&ctx, h, 0);
        ctx.preempt_budget = budget;
        ctx.fail_copy_at = k;
        reservation_init(&r, d->domain_id, g, N, 3, 0);
        rc = memop(&ctx, op, &r);
        EXPECT_EQ(rc, want[k - 1]);
        if (rc < 0)
            HCT_EXPECT_UNCHANGED(h, &s);
        done = rc < 0 ? 0 : rc;
        for (long i = 0; i < N; i++)
            EXPECT_EQ(domain_gfn_to_mfn(d, g[i]) != INVALID_MFN, decrease != (i < done));
        domain_get_info(d, &info);
        EXPECT_EQ(info.tot_pages, 8UL * (unsigned long)(decrease ? N - done : done));
        if (k == nr_want)
            EXPECT_EQ(ctx.copies, k - 1); /* every copy of the operation was tried */
        hvt_expect_invariants(h);
        domain_put(d);
        host_destroy(h);
    }
}

/* Copies without preemption: the reservation, then extents 0..5. */
static const long want_unpreempted[] = {-EFAULT, 0, 1, 2, 3, 4, 5, 6};
/* With a budget of 2 each continuation reads the reservation again:
 * R e0 e1 | R e2 e3 | R e4 e5. */
static const long want_budget2[] = {-EFAULT, 0, 1, 2, 2, 3, 4, 4, 5, 6};

TEST(fault_injection_populate)
{
    fault_injection_run(XENMEM_populate_physmap, 0, want_unpreempted, ARRAY_LEN(want_unpreempted));
    fault_injection_run(XENMEM_populate_physmap, 2, want_budget2, ARRAY_LEN(want_budget2));
}

TEST(fault_injection_decrease)
{
    fault_injection_run(XENMEM_decrease_reservation, 0, want_unpreempted,
                        ARRAY_LEN(want_unpreempted));
    fault_injection_run(XENMEM_decrease_reservation, 2, want_budget2, ARRAY_LEN(want_budget2));
}

/* ---- XENMEM_claim_pages: Xen's checks in Xen's order. ---- */

static long claim_pages(struct hcall_ctx *ctx, unsigned long cmd, struct xen_memory_reservation *r,
                        bool registered)
{
    hcall_ctx_clear_regions(ctx);
    if (registered)
        EXPECT_EQ(hcall_ctx_add_region(ctx, r, sizeof(*r), 1), 0);
    return hypercall_memory_op(ctx, cmd, r);
}

TEST(claim_pages_installs_legacy_claim)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4096);
    struct xen_memory_reservation r;
    struct domain_info info;
    struct hcall_ctx ctx;

    hcall_ctx_init(&ctx, h, 0);
    reservation_init(&r, d->domain_id, NULL, 1000, 0, 0);
    EXPECT_EQ(claim_pages(&ctx, XENMEM_claim_pages, &r, true), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.global_claims, 1000UL);
    /* Only one legacy claim at a time; 0 releases it. */
    EXPECT_EQ(claim_pages(&ctx, XENMEM_claim_pages, &r, true), -EINVAL);
    r.nr_extents = 0;
    EXPECT_EQ(claim_pages(&ctx, XENMEM_claim_pages, &r, true), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.outstanding_pages, 0UL);
    /* Above max_pages, or more than the host has. */
    r.nr_extents = 4097;
    EXPECT_EQ(claim_pages(&ctx, XENMEM_claim_pages, &r, true), -EINVAL);
    EXPECT_EQ(domain_set_max_pages(d, ULONG_MAX), 0);
    r.nr_extents = ULONG_MAX;
    EXPECT_EQ(claim_pages(&ctx, XENMEM_claim_pages, &r, true), -ENOMEM);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(claim_pages_checks_in_xen_order)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4096);
    struct domain *guest = hvt_domain(h, 4096);
    xen_pfn_t g[1] = {0};
    struct xen_memory_reservation r;
    struct hcall_ctx ctx, gctx;
    const unsigned long cont = XENMEM_claim_pages | (1UL << MEMOP_EXTENT_SHIFT);
    struct hct_snap s;

    hct_snap_take(h, &s);
    hcall_ctx_init(&ctx, h, 0);
    hcall_ctx_init(&gctx, h, guest->domain_id);
    /* Every fault at once: continuation bits come first (-EINVAL even
     * though the argument cannot be read)... */
    reservation_init(&r, 99, g, 5000, 1, XENMEMF_node(0));
    EXPECT_EQ(claim_pages(&gctx, cont, &r, false), -EINVAL);
    /* ... then the copy ... */
    EXPECT_EQ(claim_pages(&gctx, XENMEM_claim_pages, &r, false), -EFAULT);
    EXPECT_EQ(claim_pages(&gctx, XENMEM_claim_pages, NULL, false), -EFAULT);
    /* ... then extent_start, order and flags (all -EINVAL, each alone
     * enough) ... */
    EXPECT_EQ(claim_pages(&gctx, XENMEM_claim_pages, &r, true), -EINVAL);
    set_xen_guest_handle(r.extent_start, NULL);
    EXPECT_EQ(claim_pages(&gctx, XENMEM_claim_pages, &r, true), -EINVAL);
    r.extent_order = 0;
    EXPECT_EQ(claim_pages(&gctx, XENMEM_claim_pages, &r, true), -EINVAL);
    r.mem_flags = 0;
    /* ... then the domain: unknown (or DOMID_SELF) is -EINVAL, before
     * the privilege check ... */
    EXPECT_EQ(claim_pages(&gctx, XENMEM_claim_pages, &r, true), -EINVAL);
    r.domid = DOMID_SELF;
    EXPECT_EQ(claim_pages(&gctx, XENMEM_claim_pages, &r, true), -EINVAL);
    EXPECT_EQ(claim_pages(&ctx, XENMEM_claim_pages, &r, true), -EINVAL);
    /* ... then the caller (a guest, even on itself) ... */
    r.domid = d->domain_id;
    EXPECT_EQ(claim_pages(&gctx, XENMEM_claim_pages, &r, true), -EPERM);
    r.domid = guest->domain_id;
    EXPECT_EQ(claim_pages(&gctx, XENMEM_claim_pages, &r, true), -EPERM);
    /* ... then a dying domain (before the limit check) ... */
    r.domid = d->domain_id;
    hct_set_dying(d, true);
    EXPECT_EQ(claim_pages(&gctx, XENMEM_claim_pages, &r, true), -EPERM);
    EXPECT_EQ(claim_pages(&ctx, XENMEM_claim_pages, &r, true), -ESRCH);
    hct_set_dying(d, false);
    /* ... and last the claim rules themselves. */
    EXPECT_EQ(claim_pages(&ctx, XENMEM_claim_pages, &r, true), -EINVAL); /* > max_pages */
    HCT_EXPECT_UNCHANGED(h, &s);
    r.nr_extents = 4096;
    EXPECT_EQ(claim_pages(&ctx, XENMEM_claim_pages, &r, true), 0);
    hvt_expect_invariants(h);
    domain_put(guest);
    domain_put(d);
    host_destroy(h);
}

/* ---- A guest caller. ---- */

TEST(guest_changes_only_its_own_reservation)
{
    struct host *h = hvt_host(TOPO);
    struct domain *me = hvt_domain(h, 4096);
    struct domain *other = hvt_domain(h, 4096);
    domid_t id = me->domain_id;
    xen_pfn_t g[4] = {0, 512, 1024, 1536};
    struct xen_memory_reservation r;
    struct domain_info info;
    struct hcall_ctx ctx;
    struct hct_snap s;

    /* Its own memory, by DOMID_SELF and by id; order 9 is allowed. */
    EXPECT_EQ(populate(h, id, DOMID_SELF, g, 1, 9, 0), 1);
    EXPECT_EQ(populate(h, id, id, g + 1, 1, 0, 0), 1);
    hcall_ctx_init(&ctx, h, id);
    reservation_init(&r, DOMID_SELF, g, 1, 9, 0);
    EXPECT_EQ(memop(&ctx, XENMEM_decrease_reservation, &r), 1);
    domain_get_info(me, &info);
    EXPECT_EQ(info.tot_pages, 1UL);

    hct_snap_take(h, &s);
    /* Order 10 is over the guest limit: nothing done. */
    EXPECT_EQ(populate(h, id, DOMID_SELF, g + 2, 1, 10, 0), 0);
    reservation_init(&r, id, g + 1, 1, 10, 0);
    EXPECT_EQ(memop(&ctx, XENMEM_decrease_reservation, &r), 0);
    /* An exact-node request is refused. */
    EXPECT_EQ(populate(h, id, DOMID_SELF, g + 2, 1, 0, XENMEMF_exact_node(1)), -EINVAL);
    /* Another domain's memory: -EPERM, whatever the operation. */
    EXPECT_EQ(populate(h, id, other->domain_id, g, 1, 0, 0), -EPERM);
    reservation_init(&r, other->domain_id, g, 1, 0, 0);
    EXPECT_EQ(memop(&ctx, XENMEM_increase_reservation, &r), -EPERM);
    EXPECT_EQ(memop(&ctx, XENMEM_decrease_reservation, &r), -EPERM);
    HCT_EXPECT_UNCHANGED(h, &s);
    domain_put(other);
    domain_put(me);
    host_destroy(h);
}

TEST(guest_node_hint_is_ignored)
{
    struct host *h = hvt_host(TOPO);
    struct domain *me = hvt_domain(h, 4096);
    xen_pfn_t g[2] = {0, 1};

    ASSERT_EQ(domain_set_node_affinity(me, node_bit(1)), 0);
    /* The guest asks for node 0 but its affinity says node 1 ... */
    EXPECT_EQ(populate(h, me->domain_id, DOMID_SELF, g, 1, 0, XENMEMF_node(0)), 1);
    EXPECT_GE(domain_gfn_to_mfn(me, 0), NODE1);
    /* ... where the control domain's hint is followed; and a guest's
     * out-of-range hint is ignored, not refused. */
    EXPECT_EQ(populate(h, 0, me->domain_id, g + 1, 1, 0, XENMEMF_node(0)), 1);
    EXPECT_LT(domain_gfn_to_mfn(me, 1), NODE1);
    g[0] = 2;
    EXPECT_EQ(populate(h, me->domain_id, DOMID_SELF, g, 1, 0, XENMEMF_node(200)), 1);
    hvt_expect_invariants(h);
    domain_put(me);
    host_destroy(h);
}

TEST(control_domain_self_populate_and_order_limit)
{
    struct host_config cfg;
    struct host *h;
    struct domain_config dc = {.control = true, .max_vcpus = 1};
    struct domain *dom0, *big;
    domid_t id = 0;
    xen_pfn_t g[1] = {0};

    /* Two 1 GiB nodes: room for an order-18 extent. */
    host_config_default(&cfg, GiB_PAGES(2));
    cfg.check_level = CHECK_ACCOUNTING;
    h = hvt_host_cfg("1G,1G", &cfg);
    ASSERT_EQ(domain_create(h, &id, &dc), 0);
    dom0 = domain_get(h, 0);
    ASSERT_EQ(domain_set_max_pages(dom0, 16), 0);
    /* DOMID_SELF from the control domain is domain 0. */
    EXPECT_EQ(populate(h, 0, DOMID_SELF, g, 1, 4, XENMEMF_exact_node(0)), 1);
    EXPECT_NE(domain_gfn_to_mfn(dom0, 15), INVALID_MFN);
    /* The control domain may use order 18 (a guest could not). */
    big = hvt_domain(h, GiB_PAGES(1));
    EXPECT_EQ(populate(h, 0, big->domain_id, g, 1, MAX_ORDER, XENMEMF_exact_node(1)), 1);
    EXPECT_EQ(populate(h, big->domain_id, DOMID_SELF, g, 1, MAX_ORDER, 0), 0);
    hvt_expect_invariants(h);
    domain_put(big);
    domain_put(dom0);
    host_destroy(h);
}
