/*
 * The domain builder (xg_build_meminit) on small hosts of its own:
 * placement under claim sets, extent sizes and order fallback (only where
 * memory is really fragmented), each claim mode's observable effect, the
 * early and late failures, release of the claim after success and after
 * every injected failure, the report, and bad input.
 *
 * Claims during a build are observed from the builder's fault-injection
 * hook (libxg/xg_private.h), which runs before each of its calls.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <claimset/xenguest.h>

#include "integration/test_xc_util.h"
#include "libxg/xg_private.h"

#define GIB_PAGES (1ULL << 18)
#define MIB_PAGES (1ULL << 8)

/*
 * Hosts check their counters after every call and everything (frames,
 * free lists, physmaps) when the test ends: a deep check after every
 * 4 KiB extent would cost more than the builds themselves.
 */
static claimset_host *bhost(const char *topology)
{
    return xt_host_level(topology, CLAIMSET_CHECK_COUNTERS);
}

static uint32_t new_domain(xc_interface *xch)
{
    return xt_domain(xch, 0);
}

static struct xg_build_spec spec_of(enum xg_claim_mode mode, unsigned int nr,
                                    const struct xg_vnode *v)
{
    struct xg_build_spec s;

    memset(&s, 0, sizeof(s));
    s.claim_mode = mode;
    s.nr_vnodes = nr;
    if (nr)
        memcpy(s.vnodes, v, nr * sizeof(*v));
    return s;
}

/* No claim of the domain or anyone is left on the host. */
static void expect_no_claims(xc_interface *xch, uint32_t domid)
{
    memory_claim_t c[XT_MAX_CLAIMS];

    EXPECT_EQ(xt_claims(xch, domid, c), 0);
    EXPECT_EQ(xt_dominfo(xch, domid).outstanding_pages, 0);
    EXPECT_EQ(xt_outstanding(xch), 0);
}

/* ------------------------------------------------------------------ */
/* Placement and extents                                               */

TEST(build_claim_set_places_every_vnode_exactly)
{
    claimset_host *h = bhost("1G,1G,1G");
    xc_interface *xch = xt_open(h);
    uint32_t domid = new_domain(xch);
    struct xg_vnode v[] = {
        {.pages = 256 * MIB_PAGES, .pnode = 2},
        {.pages = 128 * MIB_PAGES, .pnode = 0},
        {.pages = 64 * MIB_PAGES + 3, .pnode = 1},
        {.pages = 32 * MIB_PAGES, .pnode = 2},
    };
    struct xg_build_spec s = spec_of(XG_CLAIM_SET, 4, v);
    struct xg_build_report r;
    uint64_t total = 480 * MIB_PAGES + 3;

    ASSERT_EQ(xg_build_meminit(xch, domid, &s, &r), 0);
    EXPECT_EQ(r.rc, 0);
    EXPECT_EQ(r.failed_phase, XG_PHASE_NONE);
    EXPECT_TRUE(r.claimed);
    EXPECT_EQ(r.pages_populated, total);
    EXPECT_EQ(r.node_pages[0], 128 * MIB_PAGES);
    EXPECT_EQ(r.node_pages[1], 64 * MIB_PAGES + 3);
    EXPECT_EQ(r.node_pages[2], 288 * MIB_PAGES);
    EXPECT_EQ(r.node_pages_approx, 0);
    EXPECT_EQ(r.pages_on_intended_node, total);
    /* The hypervisor agrees with the report. */
    EXPECT_EQ(xt_node_pages(xch, domid, 0), 128 * MIB_PAGES);
    EXPECT_EQ(xt_node_pages(xch, domid, 1), 64 * MIB_PAGES + 3);
    EXPECT_EQ(xt_node_pages(xch, domid, 2), 288 * MIB_PAGES);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, total);
    EXPECT_EQ(xt_dominfo(xch, domid).max_pages, total);
    EXPECT_EQ(r.extents_1g * GIB_PAGES + r.extents_2m * 512 + r.extents_4k, total);
    expect_no_claims(xch, domid);
    xt_done(xch, h);
}

TEST(build_on_an_empty_host_uses_1g_extents_only)
{
    /* Node 0 loses its first GiB to frame 0; the host holds 3 whole GiB. */
    claimset_host *h = bhost("2G,2G");
    xc_interface *xch = xt_open(h);
    uint32_t domid = new_domain(xch);
    struct xg_build_spec s = spec_of(XG_CLAIM_SET, 0, NULL);
    struct xg_build_report r;

    s.pages = 3 * GIB_PAGES;
    ASSERT_EQ(xg_build_meminit(xch, domid, &s, &r), 0);
    EXPECT_EQ(r.extents_1g, 3);
    EXPECT_EQ(r.extents_2m, 0);
    EXPECT_EQ(r.extents_4k, 0);
    EXPECT_EQ(r.pages_populated, 3 * GIB_PAGES);
    EXPECT_EQ(r.node_pages[0] + r.node_pages[1], 3 * GIB_PAGES);
    EXPECT_EQ(r.node_pages[0], GIB_PAGES);
    expect_no_claims(xch, domid);
    xt_done(xch, h);
}

TEST(build_misaligned_guest_layout_uses_small_extents_at_the_edges_only)
{
    claimset_host *h = bhost("2G,2G");
    xc_interface *xch = xt_open(h);
    uint32_t domid = new_domain(xch);
    struct xg_vnode v[] = {{.pages = GIB_PAGES + 1024 + 1, .pnode = 1}};
    struct xg_build_spec s = spec_of(XG_CLAIM_SET, 1, v);
    struct xg_build_report r;

    /* [1G - 2M, 1G): one 2M head; [1G, 2G): one 1G; then 2M + 4K tail. */
    s.base_gfn = GIB_PAGES - 512;
    ASSERT_EQ(xg_build_meminit(xch, domid, &s, &r), 0);
    EXPECT_EQ(r.extents_1g, 1);
    EXPECT_EQ(r.extents_2m, 2);
    EXPECT_EQ(r.extents_4k, 1);
    EXPECT_EQ(r.node_pages[1], GIB_PAGES + 1025);
    xt_done(xch, h);
}

TEST(build_max_order_limits_extents)
{
    claimset_host *h = bhost("1G,1G");
    xc_interface *xch = xt_open(h);
    uint32_t domid = new_domain(xch);
    struct xg_vnode v[] = {{.pages = GIB_PAGES, .pnode = 1}};
    struct xg_build_spec s = spec_of(XG_CLAIM_SET, 1, v);
    struct xg_build_report r;

    s.max_order = 9;
    ASSERT_EQ(xg_build_meminit(xch, domid, &s, &r), 0);
    EXPECT_EQ(r.extents_1g, 0);
    EXPECT_EQ(r.extents_2m, 512);
    EXPECT_EQ(r.extents_4k, 0);
    xt_done(xch, h);
}

/*
 * Fragment node 0: another domain takes every free page of it in 4 KiB
 * pages, then gives back every other one.  Node 0 then has free memory
 * but no free 2 MiB chunk (every hole is a lone frame); node 1 is clean.
 */
static uint32_t fragment_node0(xc_interface *xch, uint64_t node_frames)
{
    uint64_t pages = node_frames - 1, gfn = 0, half = pages / 2;
    uint32_t noise = xt_domain(xch, pages);
    xen_pfn_t *list = calloc(half, sizeof(*list));

    if (!noise || !list) {
        free(list);
        return 0;
    }
    if (xt_populate(xch, noise, &gfn, pages, 0, XENMEMF_exact_node(0)) != (int)pages)
        test_fail(__FILE__, __LINE__, "could not fill node 0");
    for (uint64_t i = 0; i < half; i++)
        list[i] = 2 * i;
    if (xc_domain_decrease_reservation(xch, noise, half, 0, list) != (int)half)
        test_fail(__FILE__, __LINE__, "could not punch holes into node 0");
    free(list);
    return noise;
}

TEST(build_falls_back_to_small_extents_only_on_the_fragmented_node)
{
    claimset_host *h = bhost("1G,1G");
    xc_interface *xch = xt_open(h);
    uint32_t noise = fragment_node0(xch, GIB_PAGES);
    uint32_t domid = new_domain(xch);
    /* The clean GiB first, so the fragmented vnode starts 1 GiB aligned:
     * nothing but fragmentation can force small extents there. */
    struct xg_vnode v[] = {
        {.pages = GIB_PAGES, .pnode = 1},
        {.pages = 8 * MIB_PAGES, .pnode = 0},
    };
    struct xg_build_spec s = spec_of(XG_CLAIM_SET, 2, v);
    struct xg_build_report r;

    ASSERT_TRUE(noise != 0);
    ASSERT_EQ(xg_build_meminit(xch, domid, &s, &r), 0);
    EXPECT_EQ(r.extents_1g, 1);
    /* Small extents add up to the fragmented vnode exactly... */
    EXPECT_EQ(r.extents_2m * 512 + r.extents_4k, 8 * MIB_PAGES);
    /* ...and there is no 2 MiB chunk on node 0. */
    EXPECT_EQ(r.extents_2m, 0);
    EXPECT_EQ(r.extents_4k, 8 * MIB_PAGES);
    EXPECT_EQ(r.node_pages[0], 8 * MIB_PAGES);
    EXPECT_EQ(r.node_pages[1], GIB_PAGES);
    expect_no_claims(xch, domid);
    xt_done(xch, h);
}

/* ------------------------------------------------------------------ */
/* Fault injection: a hook that fails calls and looks at the host      */

struct inject {
    enum xg_op op;
    unsigned long nth; /* 0: never */
    int err;
    int sticky; /* keep failing from the nth call on */
    /* Seen at the first populate call. */
    xc_interface *xch;
    uint32_t domid;
    int seen;
    uint64_t host_outstanding;
    memory_claim_t claims[XT_MAX_CLAIMS];
    unsigned int nr_claims;
    unsigned long calls[XG_NR_OPS];
    /* Run once before the nth call of op_action. */
    void (*action)(struct inject *);
    enum xg_op op_action;
    unsigned long nth_action;
    xc_interface *other;
    uint32_t other_domid;
};

static int inject_hook(void *opaque, enum xg_op op, unsigned long nth)
{
    struct inject *in = opaque;

    in->calls[op] = nth;
    if (op == XG_OP_POPULATE && !in->seen && in->xch) {
        in->seen = 1;
        in->host_outstanding = xt_outstanding(in->xch);
        in->nr_claims = xt_claims(in->xch, in->domid, in->claims);
    }
    if (in->action && op == in->op_action && nth == in->nth_action)
        in->action(in);
    if (in->nth && op == in->op && (nth == in->nth || (in->sticky && nth > in->nth)))
        return in->err;
    return 0;
}

static int build_hooked(xc_interface *xch, uint32_t domid, const struct xg_build_spec *s,
                        struct xg_build_report *r, struct inject *in)
{
    struct xg_hooks hooks = {.inject = inject_hook, .opaque = in};

    in->xch = xch;
    in->domid = domid;
    return xg_build_meminit_hooked(xch, domid, s, r, &hooks);
}

/* ------------------------------------------------------------------ */
/* Claim modes                                                         */

TEST(build_mode_none_installs_no_claim)
{
    claimset_host *h = bhost("64M,64M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = new_domain(xch);
    struct xg_vnode v[] = {{.pages = 4096, .pnode = 1}};
    struct xg_build_spec s = spec_of(XG_CLAIM_NONE, 1, v);
    struct xg_build_report r;
    struct inject in = {0};

    ASSERT_EQ(build_hooked(xch, domid, &s, &r, &in), 0);
    EXPECT_FALSE(r.claimed);
    EXPECT_TRUE(in.seen);
    EXPECT_EQ(in.host_outstanding, 0);
    EXPECT_EQ(in.nr_claims, 0);
    EXPECT_EQ(in.calls[XG_OP_CLAIM], 0);
    EXPECT_EQ(in.calls[XG_OP_RELEASE], 0);
    EXPECT_EQ(r.node_pages[1], 4096);
    xt_done(xch, h);
}

TEST(build_mode_legacy_claims_host_wide_during_the_build)
{
    claimset_host *h = bhost("64M,64M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = new_domain(xch);
    struct xg_vnode v[] = {{.pages = 4096, .pnode = 1}, {.pages = 2048, .pnode = 0}};
    struct xg_build_spec s = spec_of(XG_CLAIM_LEGACY, 2, v);
    struct xg_build_report r;
    struct inject in = {0};

    ASSERT_EQ(build_hooked(xch, domid, &s, &r, &in), 0);
    EXPECT_TRUE(r.claimed);
    EXPECT_EQ(in.host_outstanding, 6144);
    ASSERT_EQ(in.nr_claims, 1);
    EXPECT_EQ(in.claims[0].target, XT_GLOBAL);
    EXPECT_EQ(in.claims[0].pages, 6144);
    EXPECT_EQ(r.node_pages[0], 2048);
    EXPECT_EQ(r.node_pages[1], 4096);
    expect_no_claims(xch, domid);
    xt_done(xch, h);
}

TEST(build_mode_set_claims_per_node_and_global_for_unpinned_vnodes)
{
    claimset_host *h = bhost("64M,64M,64M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = new_domain(xch);
    struct xg_vnode v[] = {
        {.pages = 1024, .pnode = 2},
        {.pages = 512, .pnode = XG_ANY_NODE},
        {.pages = 2048, .pnode = 0},
        {.pages = 100, .pnode = 2},
    };
    struct xg_build_spec s = spec_of(XG_CLAIM_SET, 4, v);
    struct xg_build_report r;
    struct inject in = {0};

    ASSERT_EQ(build_hooked(xch, domid, &s, &r, &in), 0);
    ASSERT_EQ(in.nr_claims, 3);
    EXPECT_EQ(in.claims[0].target, 0);
    EXPECT_EQ(in.claims[0].pages, 2048);
    EXPECT_EQ(in.claims[1].target, 2);
    EXPECT_EQ(in.claims[1].pages, 1124);
    EXPECT_EQ(in.claims[2].target, XT_GLOBAL);
    EXPECT_EQ(in.claims[2].pages, 512);
    EXPECT_EQ(r.pages_populated, 3684);
    EXPECT_EQ(r.pages_on_intended_node, 3172);
    EXPECT_EQ(r.node_pages[0] + r.node_pages[1] + r.node_pages[2], 3684);
    EXPECT_GE(r.node_pages[0], 2048);
    EXPECT_GE(r.node_pages[2], 1124);
    expect_no_claims(xch, domid);
    xt_done(xch, h);
}

TEST(build_claim_refused_is_a_fast_failure_with_nothing_populated)
{
    static const enum xg_claim_mode modes[] = {XG_CLAIM_LEGACY, XG_CLAIM_SET,
                                               XG_CLAIM_SET_FALLBACK};
    claimset_host *h = bhost("64M,64M");
    xc_interface *xch = xt_open(h);

    for (unsigned int m = 0; m < ARRAY_SIZE(modes); m++) {
        uint32_t domid = new_domain(xch);
        struct xg_build_spec s = spec_of(modes[m], 0, NULL);
        struct xg_build_report r;
        struct inject in = {0};

        s.pages = 2 * 16384; /* the whole host, frame 0 included */
        errno = 0;
        EXPECT_EQ(build_hooked(xch, domid, &s, &r, &in), -1);
        EXPECT_EQ(errno, ENOMEM);
        EXPECT_EQ(r.err, ENOMEM);
        EXPECT_EQ(r.failed_phase, XG_PHASE_CLAIM);
        EXPECT_FALSE(r.claimed);
        EXPECT_EQ(r.pages_populated, 0);
        EXPECT_EQ(in.calls[XG_OP_POPULATE], 0);
        EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 0);
        expect_no_claims(xch, domid);
    }
    xt_done(xch, h);
}

TEST(build_set_refuses_a_node_too_small_but_set_fallback_spills_over)
{
    claimset_host *h = bhost("64M,64M");
    xc_interface *xch = xt_open(h);
    uint32_t filler = xt_domain(xch, 12288), d1 = new_domain(xch), d2 = new_domain(xch);
    uint64_t gfn = 0;
    /* Node 1 keeps 4096 free pages; the VM wants 6144 there. */
    struct xg_vnode v[] = {{.pages = 6144, .pnode = 1}};
    struct xg_build_spec s = spec_of(XG_CLAIM_SET, 1, v);
    struct xg_build_report r;
    struct inject in = {0};

    ASSERT_EQ(xt_populate(xch, filler, &gfn, 12288, 0, XENMEMF_exact_node(1)), 12288);
    EXPECT_EQ(xg_build_meminit(xch, d1, &s, &r), -1);
    EXPECT_EQ(r.failed_phase, XG_PHASE_CLAIM);
    EXPECT_EQ(r.err, ENOMEM);
    EXPECT_EQ(xt_dominfo(xch, d1).tot_pages, 0);

    s.claim_mode = XG_CLAIM_SET_FALLBACK;
    ASSERT_EQ(build_hooked(xch, d2, &s, &r, &in), 0);
    /* During the build: what node 1 had, and the rest host-wide. */
    ASSERT_EQ(in.nr_claims, 2);
    EXPECT_EQ(in.claims[0].target, 1);
    EXPECT_EQ(in.claims[0].pages, 4096);
    EXPECT_EQ(in.claims[1].target, XT_GLOBAL);
    EXPECT_EQ(in.claims[1].pages, 2048);
    /* After: node 1 gave all it had, node 0 the rest. */
    EXPECT_EQ(r.node_pages[1], 4096);
    EXPECT_EQ(r.node_pages[0], 2048);
    EXPECT_EQ(r.pages_on_intended_node, 4096);
    EXPECT_EQ(r.pages_populated, 6144);
    expect_no_claims(xch, d2);
    xt_done(xch, h);
}

/* Another builder claims node 1 between the fallback's read and claim. */
static void steal_node1(struct inject *in)
{
    memory_claim_t c = {.pages = 2048, .target = 1};

    if (xc_domain_claim_memory(in->other, in->other_domid, 1, &c))
        test_fail(__FILE__, __LINE__, "steal: errno %d", errno);
}

TEST(build_set_fallback_rereads_the_host_after_losing_a_race)
{
    claimset_host *h = bhost("64M,64M");
    xc_interface *xch = xt_open(h);
    uint32_t thief = xt_domain(xch, 4096), domid = new_domain(xch);
    struct xg_vnode v[] = {{.pages = 16384, .pnode = 1}};
    struct xg_build_spec s = spec_of(XG_CLAIM_SET_FALLBACK, 1, v);
    struct xg_build_report r;
    struct inject in = {.action = steal_node1, .op_action = XG_OP_CLAIM, .nth_action = 1};

    in.other = xch;
    in.other_domid = thief;
    ASSERT_EQ(build_hooked(xch, domid, &s, &r, &in), 0);
    EXPECT_EQ(in.calls[XG_OP_CLAIM], 2);
    ASSERT_EQ(in.nr_claims, 2);
    EXPECT_EQ(in.claims[0].pages, 16384 - 2048);
    EXPECT_EQ(in.claims[1].pages, 2048);
    EXPECT_EQ(r.node_pages[1], 16384 - 2048);
    EXPECT_EQ(r.node_pages[0], 2048);
    /* The thief's claim is intact. */
    EXPECT_EQ(xt_claim_on(xch, thief, 1), 2048);
    xt_done(xch, h);
}

TEST(build_legacy_claim_cannot_keep_a_node_from_running_dry)
{
    /* The design's case: a host-wide claim passes, the pinned vnode's
     * node runs out during population -- late -- and the claim goes. */
    claimset_host *h = bhost("64M,64M");
    xc_interface *xch = xt_open(h);
    struct xg_vnode v[] = {{.pages = 6144, .pnode = 1}};
    struct xg_build_spec s = spec_of(XG_CLAIM_LEGACY, 1, v);
    uint32_t filler = xt_domain(xch, 12288), domid = new_domain(xch);
    struct xg_build_report r;
    uint64_t gfn = 0;

    ASSERT_EQ(xt_populate(xch, filler, &gfn, 12288, 0, XENMEMF_exact_node(1)), 12288);
    errno = 0;
    EXPECT_EQ(xg_build_meminit(xch, domid, &s, &r), -1);
    EXPECT_EQ(errno, ENOMEM);
    EXPECT_EQ(r.failed_phase, XG_PHASE_POPULATE);
    EXPECT_TRUE(r.claimed);
    EXPECT_EQ(r.pages_populated, 4096);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 4096);
    expect_no_claims(xch, domid);
    xt_done(xch, h);
}

TEST(build_keep_max_mem_too_small)
{
    claimset_host *h = bhost("64M,64M");
    xc_interface *xch = xt_open(h);
    struct xg_build_spec s = spec_of(XG_CLAIM_NONE, 0, NULL);
    struct xg_build_report r;
    uint32_t domid = xt_domain(xch, 1000);

    /* No claim: population stops at max_pages, late. */
    s.pages = 4096;
    s.keep_max_mem = 1;
    EXPECT_EQ(xg_build_meminit(xch, domid, &s, &r), -1);
    EXPECT_EQ(r.err, ENOMEM);
    EXPECT_EQ(r.failed_phase, XG_PHASE_POPULATE);
    EXPECT_EQ(r.pages_populated, 1000);
    EXPECT_EQ(xt_dominfo(xch, domid).max_pages, 1000);

    /* With a claim the same mistake is caught early: a claim above
     * max_pages is refused, nothing is populated. */
    for (int mode = XG_CLAIM_LEGACY; mode <= XG_CLAIM_SET_FALLBACK; mode++) {
        uint32_t d = xt_domain(xch, 1000);

        s.claim_mode = (enum xg_claim_mode)mode;
        EXPECT_EQ(xg_build_meminit(xch, d, &s, &r), -1);
        EXPECT_EQ(r.err, EINVAL);
        EXPECT_EQ(r.failed_phase, XG_PHASE_CLAIM);
        EXPECT_EQ(xt_dominfo(xch, d).tot_pages, 0);
        expect_no_claims(xch, d);
    }
    xt_done(xch, h);
}

/* ------------------------------------------------------------------ */
/* The claim is released after every failure                           */

/* Which phase a failure of each call belongs to, per mode. */
static enum xg_build_phase phase_of(enum xg_op op, enum xg_claim_mode mode, unsigned long nth)
{
    switch (op) {
    case XG_OP_INFO:
        /* SET_FALLBACK reads the host for its claim after the checks
         * (two INFO calls in check_host). */
        return mode == XG_CLAIM_SET_FALLBACK && nth > 2 ? XG_PHASE_CLAIM : XG_PHASE_SETUP;
    case XG_OP_MAXMEM:
    case XG_OP_AFFINITY:
        return XG_PHASE_SETUP;
    case XG_OP_CLAIM:
        return XG_PHASE_CLAIM;
    case XG_OP_POPULATE:
        return XG_PHASE_POPULATE;
    case XG_OP_RELEASE:
        return XG_PHASE_RELEASE;
    default:
        return XG_PHASE_NONE;
    }
}

static void sweep_failures(enum xg_claim_mode mode)
{
    claimset_host *h = bhost("64M,64M");
    xc_interface *xch = xt_open(h);
    /* Pinned, unpinned, and misaligned: every order and both hints. */
    struct xg_vnode v[] = {
        {.pages = 1024 + 7, .pnode = 1},
        {.pages = 2048, .pnode = XG_ANY_NODE},
        {.pages = 600, .pnode = 0},
    };
    struct xg_build_spec s = spec_of(mode, 3, v);
    struct xg_build_report r;
    struct inject clean = {0};
    uint32_t domid = new_domain(xch);
    unsigned int cases = 0;

    s.set_affinity = 1;
    s.max_order = 9;
    s.batch = 128;
    /* A clean build counts the calls of each kind. */
    ASSERT_EQ(build_hooked(xch, domid, &s, &r, &clean), 0);
    ASSERT_EQ(xc_domain_destroy(xch, domid), 0);

    for (int op = 0; op < XG_NR_OPS; op++) {
        for (unsigned long nth = 1; nth <= clean.calls[op]; nth++) {
            for (int sticky = 0; sticky < 2; sticky++) {
                /* Populate: a refused call (EIO), or memory running out
                 * for good from that call on (ENOMEM, sticky). */
                int err = op == XG_OP_POPULATE && sticky ? ENOMEM : EIO;
                struct inject in = {.op = (enum xg_op)op, .nth = nth, .err = err, .sticky = sticky};
                enum xg_build_phase want = phase_of((enum xg_op)op, mode, nth);
                int rc;

                domid = new_domain(xch);
                rc = build_hooked(xch, domid, &s, &r, &in);
                cases++;
                if (op == XG_OP_READBACK) {
                    /* Not a failure of the build. */
                    EXPECT_EQ(rc, 0);
                    EXPECT_EQ(r.pages_populated, 1024 + 7 + 2048 + 600);
                } else {
                    EXPECT_EQ(rc, -1);
                    EXPECT_EQ(r.err, err);
                    EXPECT_EQ(r.failed_phase, want);
                }
                if (rc && r.failed_phase <= XG_PHASE_CLAIM)
                    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 0);
                /* The one failure that can leave a claim: its release. */
                if (op != XG_OP_RELEASE)
                    expect_no_claims(xch, domid);
                else
                    EXPECT_TRUE(r.claimed);
                if (test_failed()) {
                    test_note("mode %d: op %d call %lu sticky %d", mode, op, nth, sticky);
                    xt_done(xch, h);
                    return;
                }
                ASSERT_EQ(xc_domain_destroy(xch, domid), 0);
            }
        }
    }
    test_note("mode %d: %u injected failures", mode, cases);
    EXPECT_GT(cases, 20);
    xt_done(xch, h);
}

TEST(build_releases_the_claim_after_every_failure_legacy)
{
    sweep_failures(XG_CLAIM_LEGACY);
}

TEST(build_releases_the_claim_after_every_failure_set)
{
    sweep_failures(XG_CLAIM_SET);
}

TEST(build_releases_the_claim_after_every_failure_set_fallback)
{
    sweep_failures(XG_CLAIM_SET_FALLBACK);
}

TEST(build_order_fallback_restarts_at_1g_for_the_next_region)
{
    claimset_host *h = bhost("1G,3G");
    xc_interface *xch = xt_open(h);
    uint32_t domid = new_domain(xch);
    struct xg_vnode v[] = {{.pages = 3 * GIB_PAGES, .pnode = 1}};
    struct xg_build_spec s = spec_of(XG_CLAIM_SET, 1, v);
    struct xg_build_report r;
    /* The first 1 GiB call comes back empty, as if that GiB were
     * fragmented: only its region drops to 2 MiB. */
    struct inject in = {.op = XG_OP_POPULATE, .nth = 1, .err = ENOMEM};

    ASSERT_EQ(build_hooked(xch, domid, &s, &r, &in), 0);
    EXPECT_EQ(r.extents_1g, 2);
    EXPECT_EQ(r.extents_2m, 512);
    EXPECT_EQ(r.extents_4k, 0);
    /* 1G x 3 (lost), 2M x 512, then the remaining two 1G in one call. */
    EXPECT_EQ(in.calls[XG_OP_POPULATE], 3);
    EXPECT_EQ(r.node_pages[1], 3 * GIB_PAGES);
    xt_done(xch, h);
}

TEST(build_readback_failure_reports_tracked_placement)
{
    claimset_host *h = bhost("64M,64M");
    xc_interface *xch = xt_open(h);
    struct xg_vnode pinned[] = {{.pages = 1000, .pnode = 1}, {.pages = 24, .pnode = 0}};
    struct xg_build_spec s = spec_of(XG_CLAIM_SET, 2, pinned);
    struct xg_build_report r;
    struct inject in = {.op = XG_OP_READBACK, .nth = 1, .err = EIO, .sticky = 1};
    uint32_t domid = new_domain(xch);

    /* All extents exact: the tracked placement is exact too. */
    ASSERT_EQ(build_hooked(xch, domid, &s, &r, &in), 0);
    EXPECT_EQ(r.node_pages[1], 1000);
    EXPECT_EQ(r.node_pages[0], 24);
    EXPECT_EQ(r.node_pages_approx, 0);

    /* An unpinned vnode: its pages are not counted, and it says so. */
    s.vnodes[1].pnode = XG_ANY_NODE;
    domid = new_domain(xch);
    in = (struct inject){.op = XG_OP_READBACK, .nth = 1, .err = EIO, .sticky = 1};
    ASSERT_EQ(build_hooked(xch, domid, &s, &r, &in), 0);
    EXPECT_EQ(r.node_pages[1], 1000);
    EXPECT_EQ(r.node_pages[0], 0);
    EXPECT_EQ(r.node_pages_approx, 1);
    xt_done(xch, h);
}

/* ------------------------------------------------------------------ */
/* Report, affinity, batches                                           */

TEST(build_report_counts_this_builds_hypercalls)
{
    claimset_host *h = bhost("64M,64M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = new_domain(xch);
    struct xg_build_spec s = spec_of(XG_CLAIM_SET, 0, NULL);
    struct xg_build_report r;
    struct claimset_xc_stats a, b;

    s.pages = 8192;
    s.max_order = 9;
    /* The handle caches the node count after its first query. */
    ASSERT_TRUE(xc_get_max_nodes(xch) > 0);
    ASSERT_EQ(claimset_xc_get_stats(xch, &a), 0);
    ASSERT_EQ(xg_build_meminit(xch, domid, &s, &r), 0);
    ASSERT_EQ(claimset_xc_get_stats(xch, &b), 0);
    EXPECT_GT(r.hypercalls, 0);
    EXPECT_EQ(r.hypercalls, b.hypercalls - a.hypercalls);
    /* info, max_mem, claim, one populate (16 extents), release,
     * read-back: a handful, not hundreds. */
    EXPECT_LE(r.hypercalls, 8);
    EXPECT_TRUE(r.seconds > 0.0);

    /* One extent per call: 15 more calls. */
    domid = new_domain(xch);
    s.batch = 1;
    {
        struct xg_build_report r1;

        ASSERT_EQ(xg_build_meminit(xch, domid, &s, &r1), 0);
        EXPECT_EQ(r1.hypercalls, r.hypercalls + 15);
        EXPECT_EQ(r1.extents_2m, 16);
    }
    xt_done(xch, h);
}

TEST(build_sets_node_affinity_to_the_vnodes_nodes)
{
    claimset_host *h = bhost("16M,16M,16M,16M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = new_domain(xch);
    struct xg_vnode v[] = {{.pages = 100, .pnode = 3}, {.pages = 100, .pnode = 1}};
    struct xg_build_spec s = spec_of(XG_CLAIM_SET, 2, v);
    struct xg_build_report r;
    xc_nodemap_t map = xc_nodemap_alloc(xch);

    ASSERT_TRUE(map != NULL);
    s.set_affinity = 1;
    ASSERT_EQ(xg_build_meminit(xch, domid, &s, &r), 0);
    ASSERT_EQ(xc_domain_node_getaffinity(xch, domid, map), 0);
    EXPECT_EQ(map[0], (1U << 3) | (1U << 1));
    free(map);
    xt_done(xch, h);
}

TEST(build_unpinned_vnodes_follow_the_affinity)
{
    claimset_host *h = bhost("16M,16M,16M,16M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = new_domain(xch);
    /* The pinned vnode names node 2; the unpinned one follows it there. */
    struct xg_vnode v[] = {{.pages = 100, .pnode = 2}, {.pages = 1000, .pnode = XG_ANY_NODE}};
    struct xg_build_spec s = spec_of(XG_CLAIM_SET, 2, v);
    struct xg_build_report r;

    s.set_affinity = 1;
    ASSERT_EQ(xg_build_meminit(xch, domid, &s, &r), 0);
    EXPECT_EQ(r.node_pages[2], 1100);
    EXPECT_EQ(r.pages_on_intended_node, 100);
    xt_done(xch, h);
}

/* ------------------------------------------------------------------ */
/* Bad input                                                           */

#define EXPECT_BUILD_EINVAL(xch, domid, spec)                                                      \
    do {                                                                                           \
        struct xt_state before_;                                                                   \
        struct xg_build_report r_;                                                                 \
        xt_snapshot(xch, domid, &before_);                                                         \
        errno = 0;                                                                                 \
        EXPECT_EQ(xg_build_meminit(xch, domid, spec, &r_), -1);                                    \
        EXPECT_EQ(errno, EINVAL);                                                                  \
        EXPECT_EQ(r_.err, EINVAL);                                                                 \
        EXPECT_EQ(r_.failed_phase, XG_PHASE_SETUP);                                                \
        XT_EXPECT_UNCHANGED(xch, domid, &before_);                                                 \
    } while (0)

TEST(build_rejects_bad_specs_and_changes_nothing)
{
    claimset_host *h = bhost("16M,16M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 77);
    struct xg_vnode v[] = {{.pages = 100, .pnode = 0}, {.pages = 100, .pnode = 1}};
    struct xg_build_spec ok = spec_of(XG_CLAIM_SET, 2, v), s;

    s = ok;
    s.nr_vnodes = 0;
    s.pages = 0; /* no pages at all */
    EXPECT_BUILD_EINVAL(xch, domid, &s);
    s = ok;
    s.vnodes[1].pages = 0; /* an empty vnode */
    EXPECT_BUILD_EINVAL(xch, domid, &s);
    s = ok;
    s.pages = 201; /* disagrees with the vnodes */
    EXPECT_BUILD_EINVAL(xch, domid, &s);
    s = ok;
    s.vnodes[0].pages = UINT64_MAX; /* the sum wraps */
    EXPECT_BUILD_EINVAL(xch, domid, &s);
    s = ok;
    s.vnodes[1].pnode = 2; /* the host has nodes 0 and 1 */
    EXPECT_BUILD_EINVAL(xch, domid, &s);
    for (unsigned int order = 1; order < 20; order++) {
        if (order == 9 || order == 18)
            continue;
        s = ok;
        s.max_order = order;
        EXPECT_BUILD_EINVAL(xch, domid, &s);
    }
    s = ok;
    s.nr_vnodes = XG_MAX_VNODES + 1;
    EXPECT_BUILD_EINVAL(xch, domid, &s);
    s = ok;
    s.claim_mode = (enum xg_claim_mode)7;
    EXPECT_BUILD_EINVAL(xch, domid, &s);
    s = ok;
    s.batch = (unsigned int)INT_MAX + 1;
    EXPECT_BUILD_EINVAL(xch, domid, &s);
    s = ok;
    s.base_gfn = UINT64_MAX - 150; /* guest frames wrap */
    EXPECT_BUILD_EINVAL(xch, domid, &s);
    EXPECT_BUILD_EINVAL(xch, domid, NULL);
    EXPECT_EQ(xg_build_meminit(NULL, domid, &ok, NULL), -1);
    EXPECT_EQ(errno, EINVAL);

    /* Then the good spec works, without a report. */
    EXPECT_EQ(xg_build_meminit(xch, domid, &ok, NULL), 0);
    EXPECT_EQ(xt_dominfo(xch, domid).tot_pages, 200);
    xt_done(xch, h);
}

TEST(build_needs_an_existing_empty_domain)
{
    claimset_host *h = bhost("16M,16M");
    xc_interface *xch = xt_open(h);
    uint32_t domid = xt_domain(xch, 100);
    struct xg_build_spec s = spec_of(XG_CLAIM_SET, 0, NULL);
    struct xg_build_report r;
    uint64_t gfn = 0;

    s.pages = 50;
    errno = 0;
    EXPECT_EQ(xg_build_meminit(xch, 4242, &s, &r), -1);
    EXPECT_EQ(errno, ESRCH);
    EXPECT_EQ(r.failed_phase, XG_PHASE_SETUP);

    ASSERT_EQ(xt_populate(xch, domid, &gfn, 1, 0, 0), 1);
    errno = 0;
    EXPECT_EQ(xg_build_meminit(xch, domid, &s, &r), -1);
    EXPECT_EQ(errno, EEXIST);
    EXPECT_EQ(xt_dominfo(xch, domid).max_pages, 100);
    expect_no_claims(xch, domid);
    xt_done(xch, h);
}
