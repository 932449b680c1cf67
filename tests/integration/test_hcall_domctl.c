/*
 * do_domctl(): the common checks (copy, version, privilege, domain), each
 * command's arguments with bad values, copy-back, the claim domctl's
 * boundary checks and fault injection, and the read-back extensions.
 * After every refused call the host and its domains must be unchanged.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <hv/hcall.h>

#include "hcalltest.h"

#define TOPO "16M,16M" /* 4096 frames per node; frame 0 is Xen's */

/* ---- Calls as libxenctrl makes them. ---- */

static void domctl_init(struct xen_domctl *op, uint32_t cmd, domid_t domid)
{
    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = domid;
}

/* The domctl (writable) and up to two more buffers registered. */
static long domctl_call(struct hcall_ctx *ctx, struct xen_domctl *op, const void *buf, size_t len,
                        int writable)
{
    hcall_ctx_clear_regions(ctx);
    EXPECT_EQ(hcall_ctx_add_region(ctx, op, sizeof(*op), 1), 0);
    EXPECT_EQ(hcall_ctx_add_region(ctx, buf, len, writable), 0);
    return hypercall_domctl(ctx, op);
}

static long domctl(struct host *h, struct xen_domctl *op)
{
    struct hcall_ctx ctx;

    hcall_ctx_init(&ctx, h, 0);
    return domctl_call(&ctx, op, NULL, 0, 0);
}

static long claim_memory(struct host *h, domid_t domid, memory_claim_t *set, uint32_t nr)
{
    struct xen_domctl op;
    struct hcall_ctx ctx;

    hcall_ctx_init(&ctx, h, 0);
    domctl_init(&op, XEN_DOMCTL_claim_memory, domid);
    set_xen_guest_handle(op.u.claim_memory.claims, set);
    op.u.claim_memory.nr_claims = nr;
    return domctl_call(&ctx, &op, set, set ? nr * sizeof(*set) : 0, 0);
}

static domid_t create(struct host *h, domid_t want, uint32_t flags, uint32_t vcpus, long *rc)
{
    struct xen_domctl op;

    domctl_init(&op, XEN_DOMCTL_createdomain, want);
    op.u.createdomain.flags = flags;
    op.u.createdomain.max_vcpus = vcpus;
    *rc = domctl(h, &op);
    return op.domain;
}

static struct domain *control_domain(struct host *h)
{
    struct domain_config dc = {.control = true, .max_vcpus = 1};
    domid_t id = 0;

    if (domain_create(h, &id, &dc))
        return NULL;
    return domain_get(h, 0);
}

/* ---- The common path. ---- */

TEST(domctl_common_checks_in_order)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 100);
    struct xen_domctl op;
    struct hcall_ctx ctx, gctx;
    struct hct_snap s;

    hct_snap_take(h, &s);
    hcall_ctx_init(&ctx, h, 0);
    hcall_ctx_init(&gctx, h, d->domain_id);
    domctl_init(&op, XEN_DOMCTL_max_mem, d->domain_id);
    op.u.max_mem.max_memkb = 4096;
    /* Unreadable: NULL, unregistered, one byte short. */
    EXPECT_EQ(hypercall_domctl(&ctx, NULL), -EFAULT);
    EXPECT_EQ(hypercall_domctl(&ctx, &op), -EFAULT);
    ASSERT_EQ(hcall_ctx_add_region(&ctx, &op, sizeof(op) - 1, 1), 0);
    EXPECT_EQ(hypercall_domctl(&ctx, &op), -EFAULT);
    /* Version before privilege, privilege before the domain. */
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
    EXPECT_EQ(domctl_call(&gctx, &op, NULL, 0, 0), -EACCES);
    EXPECT_EQ(domctl_call(&ctx, &op, NULL, 0, 0), -EACCES);
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = 99;
    EXPECT_EQ(domctl_call(&gctx, &op, NULL, 0, 0), -EPERM);
    EXPECT_EQ(domctl_call(&ctx, &op, NULL, 0, 0), -ESRCH);
    /* A guest may not even act on itself. */
    op.domain = d->domain_id;
    EXPECT_EQ(domctl_call(&gctx, &op, NULL, 0, 0), -EPERM);
    /* DOMID_SELF is not resolved by domctls. */
    op.domain = DOMID_SELF;
    EXPECT_EQ(domctl_call(&ctx, &op, NULL, 0, 0), -ESRCH);
    /* Unknown commands: the domain is looked up first, as in Xen. */
    op.cmd = 0x7777;
    EXPECT_EQ(domctl_call(&ctx, &op, NULL, 0, 0), -ESRCH);
    op.domain = d->domain_id;
    EXPECT_EQ(domctl_call(&ctx, &op, NULL, 0, 0), -ENOSYS);
    op.cmd = 0;
    EXPECT_EQ(domctl_call(&ctx, &op, NULL, 0, 0), -ENOSYS);
    HCT_EXPECT_UNCHANGED(h, &s);
    EXPECT_EQ(ctx.stats.continuations, 0UL);
    domain_put(d);
    host_destroy(h);
}

TEST(every_domctl_refuses_guests_old_versions_and_unknown_domains)
{
    static const uint32_t cmds[] = {
        XEN_DOMCTL_createdomain,    XEN_DOMCTL_destroydomain,   XEN_DOMCTL_pausedomain,
        XEN_DOMCTL_unpausedomain,   XEN_DOMCTL_getdomaininfo,   XEN_DOMCTL_max_mem,
        XEN_DOMCTL_setnodeaffinity, XEN_DOMCTL_getnodeaffinity, XEN_DOMCTL_claim_memory,
        XEN_DOMCTL_get_claims,      XEN_DOMCTL_get_node_pages,
    };
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4000);
    memory_claim_t buf[4] = {hvt_claim(10, 0)};
    struct xen_domctl op;
    struct hcall_ctx ctx, gctx;
    struct hct_snap s;

    hct_snap_take(h, &s);
    hcall_ctx_init(&ctx, h, 0);
    hcall_ctx_init(&gctx, h, d->domain_id);
    for (unsigned int i = 0; i < ARRAY_LEN(cmds); i++) {
        /* Arguments that the control domain would have had accepted. */
        domctl_init(&op, cmds[i], d->domain_id);
        op.u.createdomain.max_vcpus = 1; /* (the union's first fields) */
        if (cmds[i] == XEN_DOMCTL_max_mem)
            op.u.max_mem.max_memkb = 64;
        if (cmds[i] == XEN_DOMCTL_setnodeaffinity || cmds[i] == XEN_DOMCTL_getnodeaffinity) {
            set_xen_guest_handle(op.u.nodeaffinity.nodemap.bitmap, (uint8_t *)buf);
            op.u.nodeaffinity.nodemap.nr_bits = 8;
        }
        if (cmds[i] == XEN_DOMCTL_claim_memory || cmds[i] == XEN_DOMCTL_get_claims) {
            set_xen_guest_handle(op.u.claim_memory.claims, buf);
            op.u.claim_memory.nr_claims = 1;
        }
        EXPECT_EQ(domctl_call(&gctx, &op, buf, sizeof(buf), 1), -EPERM);
        op.interface_version++;
        EXPECT_EQ(domctl_call(&ctx, &op, buf, sizeof(buf), 1), -EACCES);
        op.interface_version--;
        op.domain = 99;
        if (cmds[i] != XEN_DOMCTL_createdomain)
            EXPECT_EQ(domctl_call(&ctx, &op, buf, sizeof(buf), 1), -ESRCH);
        HCT_EXPECT_UNCHANGED(h, &s);
    }
    domain_put(d);
    host_destroy(h);
}

/* ---- createdomain, destroydomain, pause, unpause. ---- */

TEST(createdomain_picks_or_takes_an_id_and_copies_it_back)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d;
    long rc;
    domid_t a = create(h, 0, 0, 1, &rc), b;

    EXPECT_EQ(rc, 0);
    EXPECT_NE(a, 0);
    d = domain_get(h, a);
    ASSERT_TRUE(d != NULL);
    EXPECT_EQ(d->max_vcpus, 1u);
    domain_put(d);
    b = create(h, 42, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap, 4, &rc);
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(b, 42);
    d = domain_get(h, 42);
    ASSERT_TRUE(d != NULL);
    EXPECT_EQ(d->create_flags, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap);
    domain_put(d);
    hvt_expect_invariants(h);
    host_destroy(h);
}

/* createdomain refusals, in turn on one host that has domain 5: each row
 * named after the rule, a failure naming the row; together they change
 * nothing. */
struct create_refusal {
    const char *rule;
    domid_t domid;
    uint32_t flags;
    uint32_t vcpus;
    long want;
};

static const struct create_refusal create_refusals[] = {
    {"no vCPU", 0, 0, 0, -EINVAL},
    {"vCPUs beyond any limit", 0, 0, UINT32_MAX, -EINVAL},
    {"unknown flag above CDF_MAX", 0, XEN_DOMCTL_CDF_MAX << 1, 1, -EINVAL},
    {"unknown flag, top bit", 0, 1U << 31, 1, -EINVAL},
    {"HAP without HVM", 0, XEN_DOMCTL_CDF_hap, 1, -EINVAL},
    {"domid in use", 5, 0, 1, -EEXIST},
    {"reserved domid DOMID_SELF", DOMID_SELF, 0, 1, -EINVAL},
    {"reserved domid DOMID_IDLE", DOMID_IDLE, 0, 1, -EINVAL},
};

TEST(createdomain_bad_arguments)
{
    struct host *h = hvt_host(TOPO);
    struct xen_domctl op;
    struct hcall_ctx ctx;
    struct hct_snap s;
    long rc;

    (void)create(h, 5, 0, 1, &rc);
    ASSERT_EQ(rc, 0);
    hct_snap_take(h, &s);
    for (size_t i = 0; i < sizeof(create_refusals) / sizeof(create_refusals[0]); i++) {
        const struct create_refusal *r = &create_refusals[i];

        (void)create(h, r->domid, r->flags, r->vcpus, &rc);
        if (rc != r->want)
            test_fail(__FILE__, __LINE__, "row '%s': createdomain = %ld, expected %ld", r->rule, rc,
                      r->want);
    }
    HCT_EXPECT_UNCHANGED(h, &s);

    /* A struct the hypervisor cannot write back: no domain is left. */
    hcall_ctx_init(&ctx, h, 0);
    domctl_init(&op, XEN_DOMCTL_createdomain, 0);
    op.u.createdomain.max_vcpus = 1;
    ASSERT_EQ(hcall_ctx_add_region(&ctx, &op, sizeof(op), 0), 0);
    EXPECT_EQ(hypercall_domctl(&ctx, &op), -EFAULT);
    EXPECT_EQ(op.domain, 0);
    EXPECT_EQ(h->nr_domains, 1u);
    /* The same through fault injection on the copy-back (copy 2). */
    hcall_ctx_init(&ctx, h, 0);
    ctx.fail_copy_at = 2;
    EXPECT_EQ(domctl_call(&ctx, &op, NULL, 0, 0), -EFAULT);
    EXPECT_EQ(h->nr_domains, 1u);
    EXPECT_EQ(ctx.copies, 2UL);
    /* (New domains take no hypervisor frames on this host, so the
     * rollback leaves no trace.) */
    HCT_EXPECT_UNCHANGED(h, &s);
    host_destroy(h);
}

/*
 * Found by the do_domctl fuzzer: on a host where each new domain takes
 * hypervisor frames, a createdomain whose domctl could not be written back
 * created the domain, destroyed it again and so left its frames dirty --
 * a refused call that changed the host (scrub_pages went up).
 */
TEST(createdomain_unwritable_domctl_leaves_no_dirty_frames)
{
    struct host_config cfg = {.check_level = CHECK_DEEP, .xen_pages_per_domain = 2};
    struct host *h = hvt_host_cfg(TOPO, &cfg);
    struct xen_domctl op;
    struct hcall_ctx ctx;
    struct hct_snap s;

    ASSERT_TRUE(h != NULL);
    hct_snap_take(h, &s);
    hcall_ctx_init(&ctx, h, 0);
    domctl_init(&op, XEN_DOMCTL_createdomain, 0);
    op.u.createdomain.max_vcpus = 1;
    /* Read-only, or writable but one byte short of the copy-back. */
    ASSERT_EQ(hcall_ctx_add_region(&ctx, &op, sizeof(op), 0), 0);
    EXPECT_EQ(hypercall_domctl(&ctx, &op), -EFAULT);
    HCT_EXPECT_UNCHANGED(h, &s);
    hcall_ctx_clear_regions(&ctx);
    ASSERT_EQ(hcall_ctx_add_region(&ctx, &op, sizeof(op), 0), 0);
    ASSERT_EQ(hcall_ctx_add_region(&ctx, &op, sizeof(op) - 1, 1), 0);
    EXPECT_EQ(hypercall_domctl(&ctx, &op), -EFAULT);
    HCT_EXPECT_UNCHANGED(h, &s);
    EXPECT_EQ(op.domain, 0);
    EXPECT_EQ(s.c.scrub_pages, 0UL);
    host_destroy(h);
}

TEST(destroydomain_and_its_refusals)
{
    struct host *h = hvt_host(TOPO);
    struct domain *dom0 = control_domain(h);
    struct domain *d = hvt_domain(h, 100);
    domid_t id = d->domain_id;
    struct xen_domctl op;
    gfn_t gfn = 0;
    struct hct_snap s;

    ASSERT_TRUE(dom0 != NULL);
    ASSERT_EQ(hvt_populate(d, &gfn, 10, 0, 0), 10UL);
    domain_put(d);
    hct_snap_take(h, &s);
    /* The control domain cannot destroy itself; unknown ids: -ESRCH. */
    domctl_init(&op, XEN_DOMCTL_destroydomain, 0);
    EXPECT_EQ(domctl(h, &op), -EINVAL);
    op.domain = 99;
    EXPECT_EQ(domctl(h, &op), -ESRCH);
    op.domain = DOMID_FIRST_RESERVED;
    EXPECT_EQ(domctl(h, &op), -ESRCH);
    HCT_EXPECT_UNCHANGED(h, &s);
    op.domain = id;
    EXPECT_EQ(domctl(h, &op), 0);
    EXPECT_TRUE(domain_get(h, id) == NULL);
    EXPECT_EQ(hvt_unclaimed(h), 2 * 4096UL - 1);
    EXPECT_EQ(domctl(h, &op), -ESRCH);
    hvt_expect_invariants(h);
    domain_put(dom0);
    host_destroy(h);
}

TEST(pause_and_unpause)
{
    struct host *h = hvt_host(TOPO);
    struct domain *dom0 = control_domain(h);
    struct domain *d = hvt_domain(h, 100);
    struct domain_info info;
    struct xen_domctl op;

    ASSERT_TRUE(dom0 != NULL);
    /* New domains start paused; the first unpause ends the build. */
    domctl_init(&op, XEN_DOMCTL_unpausedomain, d->domain_id);
    EXPECT_EQ(domctl(h, &op), 0);
    domain_get_info(d, &info);
    EXPECT_FALSE(info.paused);
    EXPECT_TRUE(info.creation_finished);
    EXPECT_EQ(domctl(h, &op), -EINVAL); /* not paused */
    op.cmd = XEN_DOMCTL_pausedomain;
    EXPECT_EQ(domctl(h, &op), 0);
    domain_get_info(d, &info);
    EXPECT_TRUE(info.paused);
    /* The caller cannot pause itself. */
    op.domain = 0;
    EXPECT_EQ(domctl(h, &op), -EINVAL);
    domain_get_info(dom0, &info);
    EXPECT_FALSE(info.paused);
    op.domain = 99;
    EXPECT_EQ(domctl(h, &op), -ESRCH);
    domain_put(d);
    domain_put(dom0);
    host_destroy(h);
}

/* ---- getdomaininfo and max_mem. ---- */

TEST(getdomaininfo_reports_the_domain)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 1000);
    memory_claim_t set[] = {hvt_claim(100, 0), hvt_claim(50, GLOBAL)};
    const struct xen_domctl_getdomaininfo *gi;
    struct xen_domctl op;
    struct hcall_ctx ctx;
    long rc;
    domid_t hvm = create(h, 0, XEN_DOMCTL_CDF_hvm, 3, &rc);
    gfn_t gfn = 0;

    ASSERT_EQ(rc, 0);
    ASSERT_EQ(hvt_populate(d, &gfn, 7, 0, 0), 7UL);
    ASSERT_EQ(domain_set_node_claims(d, 2, set), 0);
    domctl_init(&op, XEN_DOMCTL_getdomaininfo, d->domain_id);
    memset(&op.u, 0xA5, sizeof(op.u)); /* input is ignored */
    EXPECT_EQ(domctl(h, &op), 0);
    gi = &op.u.getdomaininfo;
    EXPECT_EQ(op.domain, d->domain_id);
    EXPECT_EQ(gi->domain, d->domain_id);
    EXPECT_EQ(gi->tot_pages, 7u);
    EXPECT_EQ(gi->max_pages, 1000u);
    EXPECT_EQ(gi->outstanding_pages, 150u); /* global + node claims */
    EXPECT_EQ(gi->flags, (uint32_t)XEN_DOMINF_paused);
    EXPECT_EQ(gi->nr_online_vcpus, 1u);
    EXPECT_EQ(gi->max_vcpu_id, 0u);
    EXPECT_EQ(gi->shr_pages, 0u);

    domctl_init(&op, XEN_DOMCTL_getdomaininfo, hvm);
    EXPECT_EQ(domctl(h, &op), 0);
    EXPECT_EQ(gi->flags, (uint32_t)(XEN_DOMINF_paused | XEN_DOMINF_hvm_guest));
    EXPECT_EQ(gi->max_vcpu_id, 2u);
    domain_unpause(d);
    domctl_init(&op, XEN_DOMCTL_getdomaininfo, d->domain_id);
    EXPECT_EQ(domctl(h, &op), 0);
    EXPECT_EQ(gi->flags, (uint32_t)XEN_DOMINF_running);
    ASSERT_EQ(domain_set_outstanding_pages(d, 0), 0);
    hct_set_dying(d, true);
    EXPECT_EQ(domctl(h, &op), 0);
    EXPECT_EQ(gi->flags, (uint32_t)XEN_DOMINF_dying);
    hct_set_dying(d, false);

    /* Exact id only; a read-only struct cannot receive the answer. */
    domctl_init(&op, XEN_DOMCTL_getdomaininfo, 99);
    EXPECT_EQ(domctl(h, &op), -ESRCH);
    hcall_ctx_init(&ctx, h, 0);
    domctl_init(&op, XEN_DOMCTL_getdomaininfo, d->domain_id);
    ASSERT_EQ(hcall_ctx_add_region(&ctx, &op, sizeof(op), 0), 0);
    EXPECT_EQ(hypercall_domctl(&ctx, &op), -EFAULT);
    EXPECT_EQ(op.u.getdomaininfo.tot_pages, 0u);
    domain_put(d);
    host_destroy(h);
}

TEST(max_mem_sets_pages_from_kib)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 100);
    memory_claim_t set[] = {hvt_claim(80, GLOBAL)};
    struct domain_info info;
    struct xen_domctl op;
    gfn_t gfn = 0;

    domctl_init(&op, XEN_DOMCTL_max_mem, d->domain_id);
    op.u.max_mem.max_memkb = 4096 + 3; /* rounds down to whole pages */
    EXPECT_EQ(domctl(h, &op), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.max_pages, 1024UL);
    op.u.max_mem.max_memkb = UINT64_MAX;
    EXPECT_EQ(domctl(h, &op), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.max_pages, (unsigned long)(UINT64_MAX >> 2));
    /* Lowering below tot_pages is allowed; claims shrink to fit. */
    ASSERT_EQ(hvt_populate(d, &gfn, 20, 0, 0), 20UL);
    ASSERT_EQ(domain_set_node_claims(d, 1, set), 0);
    op.u.max_mem.max_memkb = 40; /* 10 pages */
    EXPECT_EQ(domctl(h, &op), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.max_pages, 10UL);
    EXPECT_EQ(info.tot_pages, 20UL);
    EXPECT_EQ(info.outstanding_pages, 0UL);
    EXPECT_EQ(hvt_populate(d, &gfn, 1, 0, 0), 0UL);
    hvt_expect_invariants(h);
    domain_put(d);
    host_destroy(h);
}

/* ---- Node affinity. ---- */

static long affinity(struct host *h, uint32_t cmd, domid_t domid, uint8_t *map, uint32_t nr_bits,
                     size_t registered, int writable)
{
    struct xen_domctl op;
    struct hcall_ctx ctx;

    hcall_ctx_init(&ctx, h, 0);
    domctl_init(&op, cmd, domid);
    set_xen_guest_handle(op.u.nodeaffinity.nodemap.bitmap, map);
    op.u.nodeaffinity.nodemap.nr_bits = nr_bits;
    return domctl_call(&ctx, &op, map, registered, writable);
}

TEST(setnodeaffinity_reads_only_the_node_bits)
{
    struct host *h = hvt_host("16M,16M,16M");
    struct domain *d = hvt_domain(h, 100);
    domid_t id = d->domain_id;
    uint8_t map[256];
    struct hct_snap s;

    memset(map, 0, sizeof(map));
    map[0] = 0x4; /* node 2 */
    EXPECT_EQ(affinity(h, XEN_DOMCTL_setnodeaffinity, id, map, 8, 1, 0), 0);
    EXPECT_EQ(domain_get_node_affinity(d), node_bit(2));
    /* More bits than nodes: bytes past MAX_NUMNODES bits are not read,
     * and need not even be registered. */
    memset(map, 0xFF, sizeof(map));
    map[0] = 0x2;
    memset(map + 1, 0, 7);
    EXPECT_EQ(affinity(h, XEN_DOMCTL_setnodeaffinity, id, map, 2048, 8, 0), 0);
    EXPECT_EQ(domain_get_node_affinity(d), node_bit(1));

    hct_snap_take(h, &s);
    /* Bits at or past nr_bits are ignored: here that leaves no node. */
    map[0] = 0x6;
    EXPECT_EQ(affinity(h, XEN_DOMCTL_setnodeaffinity, id, map, 1, 1, 0), -EINVAL);
    EXPECT_EQ(affinity(h, XEN_DOMCTL_setnodeaffinity, id, map, 0, 1, 0), -EINVAL);
    /* Only nodes that do not exist. */
    map[0] = 0xF8;
    EXPECT_EQ(affinity(h, XEN_DOMCTL_setnodeaffinity, id, map, 8, 1, 0), -EINVAL);
    /* Buffers: NULL, too short for the bytes to read, unregistered. */
    EXPECT_EQ(affinity(h, XEN_DOMCTL_setnodeaffinity, id, NULL, 8, 0, 0), -EFAULT);
    EXPECT_EQ(affinity(h, XEN_DOMCTL_setnodeaffinity, id, map, 64, 7, 0), -EFAULT);
    EXPECT_EQ(affinity(h, XEN_DOMCTL_setnodeaffinity, id, map, 8, 0, 0), -EFAULT);
    EXPECT_EQ(affinity(h, XEN_DOMCTL_setnodeaffinity, 99, map, 8, 1, 0), -ESRCH);
    HCT_EXPECT_UNCHANGED(h, &s);
    /* All nodes set: back to automatic affinity. */
    memset(map, 0xFF, 8);
    EXPECT_EQ(affinity(h, XEN_DOMCTL_setnodeaffinity, id, map, 64, 8, 0), 0);
    EXPECT_TRUE(d->auto_node_affinity);
    domain_put(d);
    host_destroy(h);
}

TEST(getnodeaffinity_writes_node_bytes_then_zeros)
{
    struct host *h = hvt_host("16M,16M,16M");
    struct domain *d = hvt_domain(h, 100);
    domid_t id = d->domain_id;
    uint8_t map[16];

    ASSERT_EQ(domain_set_node_affinity(d, node_bit(0) | node_bit(2)), 0);
    memset(map, 0xEE, sizeof(map));
    EXPECT_EQ(affinity(h, XEN_DOMCTL_getnodeaffinity, id, map, 128, 16, 1), 0);
    EXPECT_EQ(map[0], 0x5);
    for (unsigned int i = 1; i < 16; i++)
        EXPECT_EQ(map[i], 0);
    /* A one-byte bitmap gets one byte. */
    memset(map, 0xEE, sizeof(map));
    EXPECT_EQ(affinity(h, XEN_DOMCTL_getnodeaffinity, id, map, 3, 1, 1), 0);
    EXPECT_EQ(map[0], 0x5);
    EXPECT_EQ(map[1], 0xEE);
    /* Read-only, short or missing buffers. */
    EXPECT_EQ(affinity(h, XEN_DOMCTL_getnodeaffinity, id, map, 8, 1, 0), -EFAULT);
    EXPECT_EQ(affinity(h, XEN_DOMCTL_getnodeaffinity, id, map, 128, 15, 1), -EFAULT);
    EXPECT_EQ(affinity(h, XEN_DOMCTL_getnodeaffinity, id, NULL, 8, 0, 1), -EFAULT);
    /* No bits: nothing to write, nothing to fail. */
    EXPECT_EQ(affinity(h, XEN_DOMCTL_getnodeaffinity, id, NULL, 0, 0, 1), 0);
    domain_put(d);
    host_destroy(h);
}

/* ---- claim_memory. ---- */

TEST(claim_memory_installs_and_replaces)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4000);
    struct domain *other = hvt_domain(h, 8191);
    memory_claim_t set[] = {hvt_claim(1000, 0), hvt_claim(500, 1), hvt_claim(200, GLOBAL)};
    memory_claim_t rest[] = {hvt_claim(8191 - 1700, GLOBAL)};
    memory_claim_t release[] = {hvt_claim(0, GLOBAL)};
    struct domain_info info;

    EXPECT_EQ(claim_memory(h, d->domain_id, set, 3), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.claims[0], 1000UL);
    EXPECT_EQ(info.claims[1], 500UL);
    EXPECT_EQ(info.global_claims, 200UL);
    /* Re-installing the same set on a host with nothing unclaimed. */
    EXPECT_EQ(claim_memory(h, other->domain_id, rest, 1), 0);
    EXPECT_EQ(hvt_unclaimed(h), 0UL);
    EXPECT_EQ(claim_memory(h, d->domain_id, set, 3), 0);
    set[2].pages++;
    EXPECT_EQ(claim_memory(h, d->domain_id, set, 3), -ENOMEM);
    EXPECT_EQ(claim_memory(h, d->domain_id, release, 1), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.outstanding_pages, 0UL);
    hvt_expect_invariants(h);
    domain_put(other);
    domain_put(d);
    host_destroy(h);
}

/* Claim sets the domctl refuses, on a domain of max_pages 4000 on two
 * nodes; each row named after the rule, a failure naming the row. */
#define CE(n, t)                                                                                   \
    {                                                                                              \
        .pages = (n), .target = (t)                                                                \
    }
#define CEP(n, t, p)                                                                               \
    {                                                                                              \
        .pages = (n), .target = (t), .pad = (p)                                                    \
    }

struct claim_refusal {
    const char *rule;
    uint32_t nr;
    memory_claim_t set[2];
    long want;
};

static const struct claim_refusal claim_refusals[] = {
    /* Entries at the boundary: padding -EINVAL, nodes -ENOENT; the first
     * bad entry decides, padding first within an entry. */
    {"pad_nonzero", 2, {CE(5, 0), CEP(5, 1, 1)}, -EINVAL},
    {"node_absent: node 2 on a two-node host", 2, {CE(5, 0), CE(5, 2)}, -ENOENT},
    {"node_absent: MAX_NUMNODES", 2, {CE(5, 0), CE(5, MAX_NUMNODES)}, -ENOENT},
    {"node_absent: 0x3FFFFFFF", 2, {CE(5, 0), CE(5, 0x3FFFFFFF)}, -ENOENT},
    {"padding before the node within an entry", 2, {CE(5, 0), CEP(5, 0x3FFFFFFF, 7)}, -EINVAL},
    {"the first bad entry decides", 2, {CE(5, 63), CEP(5, 0x3FFFFFFF, 7)}, -ENOENT},
    /* What the claims engine decides: unknown selectors, LEGACY in a
     * set, duplicates, overflow, shortage, max_pages. */
    {"unknown_selector", 2, {CE(5, 0x80000001U), CE(5, 0)}, -EINVAL},
    {"legacy_in_multi_entry_set", 2, {CE(5, LEGACY), CE(5, 0)}, -EINVAL},
    {"duplicate_node", 2, {CE(5, 0), CE(5, 0)}, -EINVAL},
    {"sum_overflow", 2, {CE(ULONG_MAX, GLOBAL), CE(2, 1)}, -EINVAL},
    {"node_shortage", 1, {CE(5000, 0)}, -ENOMEM},
    {"over_max_pages", 1, {CE(4001, GLOBAL)}, -EINVAL},
};

TEST(claim_memory_bad_arguments_change_nothing)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4000);
    domid_t id = d->domain_id;
    memory_claim_t held[] = {hvt_claim(10, 1)};
    memory_claim_t set[CLAIMS_MAX_ENTRIES + 1];
    struct xen_domctl op;
    struct hcall_ctx ctx;
    struct hct_snap s;

    ASSERT_EQ(domain_set_node_claims(d, 1, held), 0);
    hct_snap_take(h, &s);
    memset(set, 0, sizeof(set));
    set[0] = hvt_claim(5, 0);
    set[1] = hvt_claim(5, 1);

    /* Struct padding, counts: checked before the array is read (NULL). */
    hcall_ctx_init(&ctx, h, 0);
    domctl_init(&op, XEN_DOMCTL_claim_memory, id);
    op.u.claim_memory.nr_claims = 1;
    op.u.claim_memory.pad = 1;
    EXPECT_EQ(domctl_call(&ctx, &op, NULL, 0, 0), -EINVAL);
    op.u.claim_memory.pad = 0;
    op.u.claim_memory.nr_claims = 0;
    EXPECT_EQ(domctl_call(&ctx, &op, NULL, 0, 0), -EINVAL);
    op.u.claim_memory.nr_claims = UINT32_MAX;
    EXPECT_EQ(domctl_call(&ctx, &op, NULL, 0, 0), -E2BIG);
    op.u.claim_memory.nr_claims = CLAIMS_MAX_ENTRIES + 1;
    EXPECT_EQ(domctl_call(&ctx, &op, NULL, 0, 0), -E2BIG);
    EXPECT_EQ(ctx.copies, 4UL); /* only the domctl itself was read */
    /* The array: NULL, short, unregistered. */
    EXPECT_EQ(claim_memory(h, id, NULL, 1), -EFAULT);
    op.u.claim_memory.nr_claims = 2;
    set_xen_guest_handle(op.u.claim_memory.claims, set);
    EXPECT_EQ(domctl_call(&ctx, &op, set, sizeof(set[0]), 0), -EFAULT);
    EXPECT_EQ(domctl_call(&ctx, &op, NULL, 0, 0), -EFAULT);
    /* Entries at the boundary, then what the claims engine decides. */
    for (size_t i = 0; i < sizeof(claim_refusals) / sizeof(claim_refusals[0]); i++) {
        const struct claim_refusal *r = &claim_refusals[i];
        long rc;

        memcpy(set, r->set, sizeof(r->set));
        rc = claim_memory(h, id, set, r->nr);
        if (rc != r->want)
            test_fail(__FILE__, __LINE__, "row '%s': claim_memory = %ld, expected %ld", r->rule, rc,
                      r->want);
    }
    /* CLAIMS_MAX_ENTRIES entries pass the count check, then duplicate. */
    for (unsigned int i = 0; i < CLAIMS_MAX_ENTRIES; i++)
        set[i] = hvt_claim(1, 0);
    EXPECT_EQ(claim_memory(h, id, set, CLAIMS_MAX_ENTRIES), -EINVAL);
    /* Unknown and dying domains. */
    set[0] = hvt_claim(1, 0);
    EXPECT_EQ(claim_memory(h, 99, set, 1), -ESRCH);
    HCT_EXPECT_UNCHANGED(h, &s);
    ASSERT_EQ(domain_set_node_claims(d, 1, set), 0); /* swap for a 1-page claim */
    ASSERT_EQ(domain_set_outstanding_pages(d, 0), 0);
    hct_snap_take(h, &s);
    hct_set_dying(d, true);
    EXPECT_EQ(claim_memory(h, id, set, 1), -ESRCH);
    hct_set_dying(d, false);
    HCT_EXPECT_UNCHANGED(h, &s);
    domain_put(d);
    host_destroy(h);
}

TEST(claim_memory_legacy_selector_in_a_single_entry)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4000);
    memory_claim_t set[] = {hvt_claim(300, LEGACY)};
    struct domain_info info;
    gfn_t gfn = 0;

    ASSERT_EQ(hvt_populate(d, &gfn, 100, 0, 0), 100UL);
    EXPECT_EQ(claim_memory(h, d->domain_id, set, 1), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.global_claims, 200UL); /* net of the pages held */
    set[0].pad = 1;
    EXPECT_EQ(claim_memory(h, d->domain_id, set, 1), -EINVAL);
    domain_put(d);
    host_destroy(h);
}

TEST(fault_injection_claim_memory)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4000);
    memory_claim_t set[] = {hvt_claim(100, 0), hvt_claim(100, GLOBAL)};
    struct domain_info info;
    struct xen_domctl op;
    struct hcall_ctx ctx;
    struct hct_snap s;

    hct_snap_take(h, &s);
    for (unsigned long k = 1; k <= 3; k++) {
        hcall_ctx_init(&ctx, h, 0);
        ctx.fail_copy_at = k;
        domctl_init(&op, XEN_DOMCTL_claim_memory, d->domain_id);
        set_xen_guest_handle(op.u.claim_memory.claims, set);
        op.u.claim_memory.nr_claims = 2;
        if (k < 3) {
            /* Copy 1 is the domctl, copy 2 the claim set. */
            EXPECT_EQ(domctl_call(&ctx, &op, set, sizeof(set), 0), -EFAULT);
            HCT_EXPECT_UNCHANGED(h, &s);
        } else {
            EXPECT_EQ(domctl_call(&ctx, &op, set, sizeof(set), 0), 0);
            EXPECT_EQ(ctx.copies, 2UL); /* nothing is copied back */
        }
    }
    domain_get_info(d, &info);
    EXPECT_EQ(info.outstanding_pages, 200UL);
    domain_put(d);
    host_destroy(h);
}

/* ---- Read-back extensions. ---- */

static long get_claims(struct hcall_ctx *ctx, struct xen_domctl *op, domid_t domid,
                       memory_claim_t *out, uint32_t cap, size_t registered)
{
    domctl_init(op, XEN_DOMCTL_get_claims, domid);
    set_xen_guest_handle(op->u.get_claims.claims, out);
    op->u.get_claims.nr_claims = cap;
    return domctl_call(ctx, op, out, registered, 1);
}

TEST(get_claims_reads_back_and_sizes)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4000);
    memory_claim_t set[] = {hvt_claim(30, GLOBAL), hvt_claim(20, 1), hvt_claim(10, 0)};
    memory_claim_t out[4];
    struct xen_domctl op;
    struct hcall_ctx ctx;

    hcall_ctx_init(&ctx, h, 0);
    /* No claims: zero entries, whatever the buffer. */
    EXPECT_EQ(get_claims(&ctx, &op, d->domain_id, NULL, 0, 0), 0);
    EXPECT_EQ(op.u.get_claims.nr_claims, 0u);
    ASSERT_EQ(domain_set_node_claims(d, 3, set), 0);
    /* Node order, then GLOBAL. */
    memset(out, 0xCC, sizeof(out));
    EXPECT_EQ(get_claims(&ctx, &op, d->domain_id, out, 4, sizeof(out)), 0);
    EXPECT_EQ(op.u.get_claims.nr_claims, 3u);
    EXPECT_EQ(out[0].target, 0u);
    EXPECT_EQ(out[0].pages, 10u);
    EXPECT_EQ(out[1].target, 1u);
    EXPECT_EQ(out[1].pages, 20u);
    EXPECT_EQ(out[2].target, GLOBAL);
    EXPECT_EQ(out[2].pages, 30u);
    EXPECT_EQ(out[3].pages, 0xCCCCCCCCCCCCCCCCULL); /* untouched */
    /* Too small: -ERANGE, and the size needed comes back. */
    EXPECT_EQ(get_claims(&ctx, &op, d->domain_id, out, 2, sizeof(out)), -ERANGE);
    EXPECT_EQ(op.u.get_claims.nr_claims, 3u);
    EXPECT_EQ(get_claims(&ctx, &op, d->domain_id, NULL, 0, 0), -ERANGE);
    EXPECT_EQ(op.u.get_claims.nr_claims, 3u);
    /* Huge capacity is fine; a short buffer is not. */
    EXPECT_EQ(get_claims(&ctx, &op, d->domain_id, out, UINT32_MAX, sizeof(out)), 0);
    EXPECT_EQ(get_claims(&ctx, &op, d->domain_id, out, 4, 2 * sizeof(out[0])), -EFAULT);
    op.u.get_claims.pad = 1;
    EXPECT_EQ(domctl_call(&ctx, &op, out, sizeof(out), 1), -EINVAL);
    EXPECT_EQ(get_claims(&ctx, &op, 99, out, 4, sizeof(out)), -ESRCH);
    domain_put(d);
    host_destroy(h);
}

TEST(get_node_pages_reads_back_and_sizes)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 4000);
    uint64_t pages[3] = {7, 7, 7};
    struct xen_domctl op;
    struct hcall_ctx ctx;
    gfn_t gfn = 0;

    ASSERT_EQ(hvt_populate(d, &gfn, 3, 0, MEMF_node(1) | MEMF_exact_node), 3UL);
    ASSERT_EQ(hvt_populate(d, &gfn, 1, 2, MEMF_node(0) | MEMF_exact_node), 1UL);
    hcall_ctx_init(&ctx, h, 0);
    domctl_init(&op, XEN_DOMCTL_get_node_pages, d->domain_id);
    set_xen_guest_handle(op.u.get_node_pages.pages, pages);
    op.u.get_node_pages.nr_nodes = 3;
    EXPECT_EQ(domctl_call(&ctx, &op, pages, sizeof(pages), 1), 0);
    EXPECT_EQ(op.u.get_node_pages.nr_nodes, 2u);
    EXPECT_EQ(pages[0], 4u);
    EXPECT_EQ(pages[1], 3u);
    EXPECT_EQ(pages[2], 7u);
    op.u.get_node_pages.nr_nodes = 1;
    EXPECT_EQ(domctl_call(&ctx, &op, pages, sizeof(pages), 1), -ERANGE);
    EXPECT_EQ(op.u.get_node_pages.nr_nodes, 2u);
    EXPECT_EQ(domctl_call(&ctx, &op, pages, sizeof(pages[0]), 1), -EFAULT);
    EXPECT_EQ(domctl_call(&ctx, &op, pages, sizeof(pages), 0), -EFAULT);
    op.u.get_node_pages.pad = 2;
    EXPECT_EQ(domctl_call(&ctx, &op, pages, sizeof(pages), 1), -EINVAL);
    domain_put(d);
    host_destroy(h);
}
