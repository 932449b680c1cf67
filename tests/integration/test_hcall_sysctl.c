/*
 * do_sysctl(): the common checks, physinfo and numainfo as Xen fills
 * them, the per-node meminfo extension, and page offlining with its
 * status array, fault injection and continuations.
 */
#include <errno.h>
#include <string.h>

#include <hv/hcall.h>

#include "hcalltest.h"

#define TOPO  "16M,16M" /* 4096 frames per node; frame 0 is Xen's */
#define TOPO3 "16M,8M,4M;distances=10,12,21,12,10,21,21,21,10"

static uint8_t oflags(struct host *h, mfn_t mfn)
{
    uint8_t f;

    hv_lock(&h->heap_lock);
    f = offline_flags_locked(h, mfn);
    hv_unlock(&h->heap_lock);
    return f;
}

static void sysctl_init(struct xen_sysctl *op, uint32_t cmd)
{
    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
}

/* The sysctl (writable) and up to two more buffers registered. */
static long sysctl_call(struct hcall_ctx *ctx, struct xen_sysctl *op, void *b1, size_t l1, void *b2,
                        size_t l2)
{
    hcall_ctx_clear_regions(ctx);
    EXPECT_EQ(hcall_ctx_add_region(ctx, op, sizeof(*op), 1), 0);
    EXPECT_EQ(hcall_ctx_add_region(ctx, b1, l1, 1), 0);
    EXPECT_EQ(hcall_ctx_add_region(ctx, b2, l2, 1), 0);
    return hypercall_sysctl(ctx, op);
}

/* ---- The common path. ---- */

TEST(sysctl_common_checks_in_order)
{
    struct host *h = hvt_host(TOPO);
    struct domain *g = hvt_domain(h, 10);
    struct xen_sysctl op;
    struct hcall_ctx ctx, gctx;

    hcall_ctx_init(&ctx, h, 0);
    hcall_ctx_init(&gctx, h, g->domain_id);
    sysctl_init(&op, XEN_SYSCTL_physinfo);
    EXPECT_EQ(hypercall_sysctl(&ctx, NULL), -EFAULT);
    EXPECT_EQ(hypercall_sysctl(&ctx, &op), -EFAULT);
    ASSERT_EQ(hcall_ctx_add_region(&ctx, &op, sizeof(op) - 1, 1), 0);
    EXPECT_EQ(hypercall_sysctl(&ctx, &op), -EFAULT);
    op.interface_version = 0;
    EXPECT_EQ(sysctl_call(&gctx, &op, NULL, 0, NULL, 0), -EACCES);
    EXPECT_EQ(sysctl_call(&ctx, &op, NULL, 0, NULL, 0), -EACCES);
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    EXPECT_EQ(sysctl_call(&gctx, &op, NULL, 0, NULL, 0), -EPERM);
    EXPECT_EQ(op.u.physinfo.total_pages, 0u); /* nothing written */
    op.cmd = 12345;
    EXPECT_EQ(sysctl_call(&ctx, &op, NULL, 0, NULL, 0), -ENOSYS);
    op.cmd = XEN_SYSCTL_page_offline_op;
    EXPECT_EQ(sysctl_call(&gctx, &op, NULL, 0, NULL, 0), -EPERM);
    domain_put(g);
    host_destroy(h);
}

TEST(every_sysctl_refuses_guests_and_old_versions)
{
    static const uint32_t cmds[] = {XEN_SYSCTL_physinfo, XEN_SYSCTL_numainfo,
                                    XEN_SYSCTL_numa_meminfo, XEN_SYSCTL_page_offline_op};
    struct host *h = hvt_host(TOPO);
    struct domain *g = hvt_domain(h, 10);
    uint32_t buf[64];
    struct xen_sysctl op;
    struct hcall_ctx ctx, gctx;
    struct hct_snap s;

    hct_snap_take(h, &s);
    hcall_ctx_init(&ctx, h, 0);
    hcall_ctx_init(&gctx, h, g->domain_id);
    for (unsigned int i = 0; i < ARRAY_LEN(cmds); i++) {
        /* Arguments that the control domain would have had accepted. */
        sysctl_init(&op, cmds[i]);
        if (cmds[i] == XEN_SYSCTL_page_offline_op) {
            op.u.page_offline.cmd = sysctl_page_offline;
            op.u.page_offline.start = 10;
            op.u.page_offline.end = 20;
            set_xen_guest_handle(op.u.page_offline.status, buf);
        }
        EXPECT_EQ(sysctl_call(&gctx, &op, buf, sizeof(buf), NULL, 0), -EPERM);
        op.interface_version = XEN_SYSCTL_INTERFACE_VERSION + 1;
        EXPECT_EQ(sysctl_call(&ctx, &op, buf, sizeof(buf), NULL, 0), -EACCES);
        HCT_EXPECT_UNCHANGED(h, &s);
    }
    domain_put(g);
    host_destroy(h);
}

/* ---- physinfo. ---- */

TEST(physinfo_reports_host_memory_and_claims)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *d = hvt_domain(h, 4000), *junk = hvt_domain(h, 100);
    memory_claim_t set[] = {hvt_claim(100, 1), hvt_claim(50, GLOBAL)};
    const struct xen_sysctl_physinfo *pi;
    struct xen_sysctl op;
    struct hcall_ctx ctx;
    domid_t junk_id = junk->domain_id;
    gfn_t gfn = 0;

    ASSERT_EQ(hvt_populate(d, &gfn, 10, 0, 0), 10UL);
    gfn = 0;
    ASSERT_EQ(hvt_populate(junk, &gfn, 20, 0, 0), 20UL);
    domain_put(junk);
    ASSERT_EQ(domain_destroy(h, junk_id), 0); /* 20 dirty free frames */
    ASSERT_EQ(domain_set_node_claims(d, 2, set), 0);

    hcall_ctx_init(&ctx, h, 0);
    sysctl_init(&op, XEN_SYSCTL_physinfo);
    memset(&op.u, 0x5A, sizeof(op.u)); /* input is ignored */
    EXPECT_EQ(sysctl_call(&ctx, &op, NULL, 0, NULL, 0), 0);
    pi = &op.u.physinfo;
    EXPECT_EQ(pi->total_pages, 7168u);
    EXPECT_EQ(pi->free_pages, 7168u - 1 - 10); /* claims are not deducted */
    EXPECT_EQ(pi->outstanding_pages, 150u);
    EXPECT_EQ(pi->scrub_pages, 20u);
    EXPECT_EQ(pi->max_mfn, 7167u);
    EXPECT_EQ(pi->nr_nodes, 3u);
    EXPECT_EQ(pi->max_node_id, 2u);
    EXPECT_EQ(pi->threads_per_core, 1u);
    EXPECT_EQ(pi->cores_per_socket, (uint32_t)CLAIMSET_TOPOLOGY_DEFAULT_CPUS);
    EXPECT_EQ(pi->nr_cpus, 3u * CLAIMSET_TOPOLOGY_DEFAULT_CPUS);
    EXPECT_EQ(pi->max_cpu_id, 3u * CLAIMSET_TOPOLOGY_DEFAULT_CPUS - 1);
    EXPECT_GT(pi->cpu_khz, 0u);
    EXPECT_EQ(pi->pad, 0u);
    /* A sysctl the hypervisor cannot write back. */
    hcall_ctx_clear_regions(&ctx);
    sysctl_init(&op, XEN_SYSCTL_physinfo);
    ASSERT_EQ(hcall_ctx_add_region(&ctx, &op, sizeof(op), 0), 0);
    EXPECT_EQ(hypercall_sysctl(&ctx, &op), -EFAULT);
    EXPECT_EQ(op.u.physinfo.total_pages, 0u);
    domain_put(d);
    host_destroy(h);
}

/* ---- numainfo and numa_meminfo. ---- */

static long numainfo(struct hcall_ctx *ctx, struct xen_sysctl *op, uint32_t cap,
                     xen_sysctl_meminfo_t *mi, size_t mi_len, uint32_t *dist, size_t dist_len)
{
    sysctl_init(op, XEN_SYSCTL_numainfo);
    op->u.numainfo.num_nodes = cap;
    set_xen_guest_handle(op->u.numainfo.meminfo, mi);
    set_xen_guest_handle(op->u.numainfo.distance, dist);
    return sysctl_call(ctx, op, mi, mi_len, dist, dist_len);
}

TEST(numainfo_as_xen_fills_it)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *d = hvt_domain(h, 4000);
    memory_claim_t set[] = {hvt_claim(300, 0)};
    static const uint32_t slit[9] = {10, 12, 21, 12, 10, 21, 21, 21, 10};
    xen_sysctl_meminfo_t mi[4];
    uint32_t dist[16];
    struct xen_sysctl op;
    struct hcall_ctx ctx;
    gfn_t gfn = 0;

    ASSERT_EQ(hvt_populate(d, &gfn, 5, 0, MEMF_node(1) | MEMF_exact_node), 5UL);
    ASSERT_EQ(domain_set_node_claims(d, 1, set), 0);
    hcall_ctx_init(&ctx, h, 0);
    /* Both arrays NULL: the node count, whatever the capacity. */
    EXPECT_EQ(numainfo(&ctx, &op, 0, NULL, 0, NULL, 0), 0);
    EXPECT_EQ(op.u.numainfo.num_nodes, 3u);
    /* Room for more: three nodes and a 3x3 matrix. */
    memset(dist, 0xFF, sizeof(dist));
    EXPECT_EQ(numainfo(&ctx, &op, 4, mi, sizeof(mi), dist, sizeof(dist)), 0);
    EXPECT_EQ(op.u.numainfo.num_nodes, 3u);
    EXPECT_EQ(mi[0].memsize, 16ULL << 20);
    EXPECT_EQ(mi[0].memfree, (4096ULL - 1) << PAGE_SHIFT); /* claims not deducted */
    EXPECT_EQ(mi[1].memsize, 8ULL << 20);
    EXPECT_EQ(mi[1].memfree, (2048ULL - 5) << PAGE_SHIFT);
    EXPECT_EQ(mi[2].memfree, 4ULL << 20);
    EXPECT_EQ(memcmp(dist, slit, sizeof(slit)), 0);
    EXPECT_EQ(dist[9], 0xFFFFFFFFu);
    /* Room for two: a 2x2 matrix with row stride 2. */
    memset(dist, 0xFF, sizeof(dist));
    EXPECT_EQ(numainfo(&ctx, &op, 2, NULL, 0, dist, 4 * sizeof(dist[0])), 0);
    EXPECT_EQ(op.u.numainfo.num_nodes, 2u);
    EXPECT_EQ(dist[0], 10u);
    EXPECT_EQ(dist[1], 12u);
    EXPECT_EQ(dist[2], 12u);
    EXPECT_EQ(dist[3], 10u);
    /* Capacity 0 with arrays: nothing filled. */
    EXPECT_EQ(numainfo(&ctx, &op, 0, mi, sizeof(mi), NULL, 0), 0);
    EXPECT_EQ(op.u.numainfo.num_nodes, 0u);
    /* Arrays shorter than the capacity says. */
    EXPECT_EQ(numainfo(&ctx, &op, 3, mi, 2 * sizeof(mi[0]), NULL, 0), -EFAULT);
    EXPECT_EQ(numainfo(&ctx, &op, 3, NULL, 0, dist, 8 * sizeof(dist[0])), -EFAULT);
    EXPECT_EQ(numainfo(&ctx, &op, 3, mi, sizeof(mi), dist, 0), -EFAULT);
    EXPECT_EQ(op.u.numainfo.num_nodes, 3u); /* the caller's copy: unchanged */
    domain_put(d);
    host_destroy(h);
}

TEST(numa_meminfo_reports_claims_per_node)
{
    struct host *h = hvt_host(TOPO3);
    struct domain *a = hvt_domain(h, 4000), *b = hvt_domain(h, 4000);
    memory_claim_t sa[] = {hvt_claim(300, 0), hvt_claim(40, 2), hvt_claim(9, GLOBAL)};
    memory_claim_t sb[] = {hvt_claim(200, 0)};
    struct xen_sysctl_numa_meminfo_entry e[3];
    struct xen_sysctl op;
    struct hcall_ctx ctx;
    gfn_t gfn = 0;

    ASSERT_EQ(hvt_populate(a, &gfn, 6, 0, MEMF_node(2) | MEMF_exact_node), 6UL);
    ASSERT_EQ(domain_set_node_claims(a, 3, sa), 0);
    ASSERT_EQ(domain_set_node_claims(b, 1, sb), 0);
    hcall_ctx_init(&ctx, h, 0);
    sysctl_init(&op, XEN_SYSCTL_numa_meminfo);
    EXPECT_EQ(sysctl_call(&ctx, &op, NULL, 0, NULL, 0), 0);
    EXPECT_EQ(op.u.numa_meminfo.num_nodes, 3u);
    set_xen_guest_handle(op.u.numa_meminfo.info, e);
    EXPECT_EQ(sysctl_call(&ctx, &op, e, sizeof(e), NULL, 0), 0);
    EXPECT_EQ(op.u.numa_meminfo.num_nodes, 3u);
    EXPECT_EQ(e[0].size, 16ULL << 20);
    EXPECT_EQ(e[0].free, 4095ULL << PAGE_SHIFT);
    EXPECT_EQ(e[0].claimed, 500ULL << PAGE_SHIFT);
    EXPECT_EQ(e[1].claimed, 0u);
    EXPECT_EQ(e[2].free, (1024ULL - 6) << PAGE_SHIFT);
    EXPECT_EQ(e[2].claimed, 40ULL << PAGE_SHIFT); /* global claims are no node's */
    /* Smaller capacity: that many nodes.  Short buffer, padding. */
    op.u.numa_meminfo.num_nodes = 1;
    memset(e, 0, sizeof(e));
    EXPECT_EQ(sysctl_call(&ctx, &op, e, sizeof(e[0]), NULL, 0), 0);
    EXPECT_EQ(op.u.numa_meminfo.num_nodes, 1u);
    EXPECT_EQ(e[0].claimed, 500ULL << PAGE_SHIFT);
    op.u.numa_meminfo.num_nodes = 3;
    EXPECT_EQ(sysctl_call(&ctx, &op, e, sizeof(e[0]), NULL, 0), -EFAULT);
    op.u.numa_meminfo.pad = 1;
    EXPECT_EQ(sysctl_call(&ctx, &op, e, sizeof(e), NULL, 0), -EINVAL);
    domain_put(b);
    domain_put(a);
    host_destroy(h);
}

/* ---- page_offline_op. ---- */

static long page_op(struct hcall_ctx *ctx, uint32_t cmd, uint32_t start, uint32_t end,
                    uint32_t *status, size_t registered, int writable)
{
    struct xen_sysctl op;

    sysctl_init(&op, XEN_SYSCTL_page_offline_op);
    op.u.page_offline.cmd = cmd;
    op.u.page_offline.start = start;
    op.u.page_offline.end = end;
    set_xen_guest_handle(op.u.page_offline.status, status);
    hcall_ctx_clear_regions(ctx);
    EXPECT_EQ(hcall_ctx_add_region(ctx, &op, sizeof(op), 1), 0);
    EXPECT_EQ(hcall_ctx_add_region(ctx, status, registered, writable), 0);
    return hypercall_sysctl(ctx, &op);
}

TEST(page_offline_offlines_queries_and_onlines_a_range)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 100);
    uint32_t st[4];
    struct host_counters c;
    struct hcall_ctx ctx;
    mfn_t owned;
    gfn_t gfn = 0;

    ASSERT_EQ(hvt_populate(d, &gfn, 1, 0, 0), 1UL);
    owned = domain_gfn_to_mfn(d, 0);
    hcall_ctx_init(&ctx, h, 0);
    EXPECT_EQ(page_op(&ctx, sysctl_page_offline, 100, 102, st, 3 * sizeof(st[0]), 1), 0);
    for (unsigned int i = 0; i < 3; i++)
        EXPECT_EQ(st[i], (uint32_t)PG_OFFLINE_OFFLINED);
    host_get_counters(h, &c);
    EXPECT_EQ(c.node_offlined[0], 3UL);
    /* A frame the domain owns goes pending, its owner in the status. */
    EXPECT_EQ(
        page_op(&ctx, sysctl_page_offline, (uint32_t)owned, (uint32_t)owned, st, sizeof(st[0]), 1),
        0);
    EXPECT_EQ(st[0], (uint32_t)(PG_OFFLINE_OWNED | PG_OFFLINE_PENDING |
                                ((uint32_t)d->domain_id << PG_OFFLINE_OWNER_SHIFT)));
    EXPECT_EQ(page_op(&ctx, sysctl_query_page_offline, 101, 103, st, sizeof(st), 1), 0);
    EXPECT_EQ(st[0], (uint32_t)PG_OFFLINE_STATUS_OFFLINED);
    EXPECT_EQ(st[1], (uint32_t)PG_OFFLINE_STATUS_OFFLINED);
    EXPECT_EQ(st[2], 0u);
    EXPECT_EQ(page_op(&ctx, sysctl_page_online, 100, 102, st, sizeof(st), 1), 0);
    EXPECT_EQ(st[0], (uint32_t)PG_ONLINE_ONLINED);
    host_get_counters(h, &c);
    EXPECT_EQ(c.node_offlined[0], 0UL);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(page_offline_bad_arguments_change_nothing)
{
    struct host *h = hvt_host(TOPO);
    uint32_t st[8];
    struct hcall_ctx ctx;
    struct hct_snap s;

    hct_snap_take(h, &s);
    hcall_ctx_init(&ctx, h, 0);
    EXPECT_EQ(page_op(&ctx, sysctl_page_offline, 10, 9, st, sizeof(st), 1), -EINVAL);
    EXPECT_EQ(page_op(&ctx, 0, 10, 11, st, sizeof(st), 1), -EINVAL);
    EXPECT_EQ(page_op(&ctx, 4, 10, 11, st, sizeof(st), 1), -EINVAL);
    /* The status array must hold every frame's word before anything. */
    EXPECT_EQ(page_op(&ctx, sysctl_page_offline, 10, 17, st, 7 * sizeof(st[0]), 1), -EFAULT);
    EXPECT_EQ(page_op(&ctx, sysctl_page_offline, 10, 17, st, sizeof(st), 0), -EFAULT);
    EXPECT_EQ(page_op(&ctx, sysctl_page_offline, 10, 17, NULL, 0, 1), -EFAULT);
    EXPECT_EQ(page_op(&ctx, sysctl_page_offline, 10, UINT32_MAX, st, sizeof(st), 1), -EFAULT);
    EXPECT_EQ(page_op(&ctx, sysctl_page_offline, 0, UINT32_MAX, st, sizeof(st), 1), -EFAULT);
    HCT_EXPECT_UNCHANGED(h, &s);
    host_destroy(h);
}

TEST(page_offline_stops_at_first_error_and_reports_statuses)
{
    struct host *h = hvt_host(TOPO);
    uint32_t st[6];
    struct hcall_ctx ctx;

    hcall_ctx_init(&ctx, h, 0);
    /* Frames 8189..8194: the last three are past the end of the host. */
    memset(st, 0xAB, sizeof(st));
    EXPECT_EQ(page_op(&ctx, sysctl_page_offline, 8189, 8194, st, sizeof(st), 1), -EINVAL);
    EXPECT_EQ(st[0], (uint32_t)PG_OFFLINE_OFFLINED);
    EXPECT_EQ(st[2], (uint32_t)PG_OFFLINE_OFFLINED);
    EXPECT_EQ(st[3], 0u); /* the failing frame */
    EXPECT_EQ(st[4], 0u); /* not reached: zeroed */
    EXPECT_EQ(st[5], 0u);
    /* Frame 0 is the hypervisor's: -EPERM with its status. */
    memset(st, 0xAB, sizeof(st));
    EXPECT_EQ(page_op(&ctx, sysctl_page_offline, 0, 1, st, 2 * sizeof(st[0]), 1), -EPERM);
    EXPECT_EQ(st[0], (uint32_t)(PG_OFFLINE_XENPAGE | PG_OFFLINE_FAILED |
                                (DOMID_XEN << PG_OFFLINE_OWNER_SHIFT)));
    EXPECT_EQ(st[1], 0u);
    EXPECT_EQ(oflags(h, 1), 0); /* not reached */
    hvt_expect_invariants(h);
    host_destroy(h);
}

TEST(fault_injection_page_offline)
{
    enum { N = 5, START = 300 };

    for (unsigned long k = 1; k <= N + 2; k++) {
        struct host *h = hvt_host(TOPO);
        uint32_t st[N];
        struct hcall_ctx ctx;
        struct hct_snap s;
        long rc;

        hct_snap_take(h, &s);
        hcall_ctx_init(&ctx, h, 0);
        ctx.fail_copy_at = k;
        memset(st, 0xAB, sizeof(st));
        rc = page_op(&ctx, sysctl_page_offline, START, START + N - 1, st, sizeof(st), 1);
        if (k == 1) {
            /* Copy 1 reads the sysctl: nothing happened. */
            EXPECT_EQ(rc, -EFAULT);
            HCT_EXPECT_UNCHANGED(h, &s);
        } else if (k <= N + 1) {
            /* Copy k writes frame k-2's status after doing that frame:
             * frames up to it are offline, none after. */
            EXPECT_EQ(rc, -EFAULT);
            for (unsigned int i = 0; i < N; i++)
                EXPECT_EQ(oflags(h, START + i), i <= k - 2 ? OFFLINE_OFFLINED : 0);
            for (unsigned int i = 0; i + 2 < k; i++)
                EXPECT_EQ(st[i], (uint32_t)PG_OFFLINE_OFFLINED);
            EXPECT_EQ(st[k - 2], 0xABABABABu);
        } else {
            EXPECT_EQ(rc, 0);
            EXPECT_EQ(ctx.copies, (unsigned long)N + 1);
        }
        hvt_expect_invariants(h);
        host_destroy(h);
    }
}

/* Offline a range, some of it owned, with the given budget. */
static void offline_run(unsigned long budget, uint32_t *st, struct hct_snap *s,
                        unsigned long *continuations)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 100);
    struct hcall_ctx ctx;
    gfn_t gfn = 0;

    ASSERT_EQ(hvt_populate(d, &gfn, 1, 4, MEMF_node(0) | MEMF_exact_node), 1UL);
    hcall_ctx_init(&ctx, h, 0);
    ctx.preempt_budget = budget;
    /* 4080..4111: node 0's top (owned by d) and node 1's first frames. */
    EXPECT_EQ(page_op(&ctx, sysctl_page_offline, 4080, 4111, st, 32 * sizeof(st[0]), 1), 0);
    EXPECT_EQ(ctx.stats.hypercalls, 1 + ctx.stats.continuations);
    *continuations = ctx.stats.continuations;
    hct_snap_take(h, s);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

TEST(page_offline_continuations_give_identical_results)
{
    static struct hct_snap base, s;
    uint32_t st0[32], st[32];
    const unsigned long budgets[] = {1, 2, 7};
    unsigned long cont;

    offline_run(0, st0, &base, &cont);
    EXPECT_EQ(cont, 0UL);
    EXPECT_EQ(st0[0] & PG_OFFLINE_PENDING, (uint32_t)PG_OFFLINE_PENDING);
    EXPECT_EQ(st0[31], (uint32_t)PG_OFFLINE_OFFLINED);
    for (unsigned int i = 0; i < ARRAY_LEN(budgets); i++) {
        offline_run(budgets[i], st, &s, &cont);
        EXPECT_EQ(memcmp(st, st0, sizeof(st)), 0);
        EXPECT_EQ(memcmp(&s, &base, sizeof(s)), 0);
        EXPECT_EQ(cont, 31 / budgets[i]); /* a yield every b frames, while frames remain */
    }
}

TEST(page_offline_resumes_from_context)
{
    struct host *h = hvt_host(TOPO);
    uint32_t st[4] = {0};
    struct xen_sysctl op;
    struct hcall_ctx ctx;

    hcall_ctx_init(&ctx, h, 0);
    ctx.preempt_budget = 3;
    sysctl_init(&op, XEN_SYSCTL_page_offline_op);
    op.u.page_offline.cmd = sysctl_page_offline;
    op.u.page_offline.start = 50;
    op.u.page_offline.end = 53;
    set_xen_guest_handle(op.u.page_offline.status, st);
    ASSERT_EQ(hcall_ctx_add_region(&ctx, &op, sizeof(op), 1), 0);
    ASSERT_EQ(hcall_ctx_add_region(&ctx, st, sizeof(st), 1), 0);
    EXPECT_EQ(do_sysctl(&ctx, &op), -ERESTART);
    EXPECT_EQ(ctx.continuation, 3UL);
    EXPECT_EQ(oflags(h, 52), OFFLINE_OFFLINED);
    EXPECT_EQ(oflags(h, 53), 0);
    /* The caller's structure is untouched by the continuation. */
    EXPECT_EQ(op.u.page_offline.start, 50u);
    EXPECT_EQ(do_sysctl(&ctx, &op), 0);
    EXPECT_EQ(ctx.continuation, 0UL);
    EXPECT_EQ(oflags(h, 53), OFFLINE_OFFLINED);
    EXPECT_EQ(st[3], (uint32_t)PG_OFFLINE_OFFLINED);
    /* A continuation that cannot belong to the request. */
    ctx.continuation = 4;
    EXPECT_EQ(do_sysctl(&ctx, &op), -EINVAL);
    EXPECT_EQ(ctx.continuation, 0UL);
    hvt_expect_invariants(h);
    host_destroy(h);
}
