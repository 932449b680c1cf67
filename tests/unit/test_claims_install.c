/*
 * Claim installation (installation.rst, implementation.rst: the four
 * phases of domain_set_node_claims() and domain_set_outstanding_pages()).
 * One named test per rule and per error number.
 */
#include <errno.h>
#include <string.h>

#include "hvtest.h"

#define TOPO "64M,64M" /* 16384 frames per node; frame 0 is the hypervisor's */

/* Everything claims-related, to prove that a failed call changed nothing. */
struct claims_snapshot {
    struct host_counters c;
    unsigned long global, node_claims, claims[MAX_NUMNODES], tot, max;
};

static void snap(struct host *h, struct domain *d, struct claims_snapshot *s)
{
    struct domain_info info;

    memset(s, 0, sizeof(*s));
    host_get_counters(h, &s->c);
    memset(&s->c.stats, 0, sizeof(s->c.stats));
    domain_get_info(d, &info);
    s->global = info.global_claims;
    s->node_claims = info.outstanding_pages - info.global_claims;
    memcpy(s->claims, info.claims, sizeof(s->claims));
    s->tot = info.tot_pages;
    s->max = info.max_pages;
}

static void expect_unchanged(struct host *h, struct domain *d, const struct claims_snapshot *a)
{
    struct claims_snapshot b;

    snap(h, d, &b);
    EXPECT_TRUE(memcmp(a, &b, sizeof(b)) == 0);
}

/* Install, expect rc, and when it fails expect no change at all. */
static int install_expect(struct host *h, struct domain *d, unsigned int nr,
                          const memory_claim_t *set, int want)
{
    struct claims_snapshot before;
    int rc;

    snap(h, d, &before);
    rc = domain_set_node_claims(d, nr, set);
    EXPECT_EQ(rc, want);
    if (rc)
        expect_unchanged(h, d, &before);
    hvt_expect_invariants(h);
    return rc;
}

TEST(install_set_on_several_nodes_and_global)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    memory_claim_t set[] = {hvt_claim(1024, GLOBAL), hvt_claim(1024, 0), hvt_claim(1024, 1)};
    struct domain_info info;

    ASSERT_EQ(install_expect(h, d, 3, set, 0), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.global_claims, 1024UL);
    EXPECT_EQ(info.claims[0], 1024UL);
    EXPECT_EQ(info.claims[1], 1024UL);
    EXPECT_EQ(info.outstanding_pages, 3072UL);
    EXPECT_EQ(hvt_unclaimed(h), 2 * 16384UL - 1 - 3072);
    EXPECT_EQ(hvt_node_unclaimed(h, 0), 16383UL - 1024);
    domain_put(d);
    host_destroy(h);
}

TEST(install_replaces_previous_set)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    memory_claim_t a[] = {hvt_claim(1024, GLOBAL), hvt_claim(1024, 0)};
    memory_claim_t b[] = {hvt_claim(500, 1)};
    struct domain_info info;

    ASSERT_EQ(install_expect(h, d, 2, a, 0), 0);
    ASSERT_EQ(install_expect(h, d, 1, b, 0), 0);
    domain_get_info(d, &info);
    /* Replaced, not accumulated: nothing of the first set is left. */
    EXPECT_EQ(info.global_claims, 0UL);
    EXPECT_EQ(info.claims[0], 0UL);
    EXPECT_EQ(info.claims[1], 500UL);
    EXPECT_EQ(info.outstanding_pages, 500UL);
    domain_put(d);
    host_destroy(h);
}

TEST(install_counts_own_claims_as_available)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 40000);
    struct domain *other = hvt_domain(h, 40000);
    unsigned long node0 = hvt_node_unclaimed(h, 0);
    memory_claim_t all0[] = {hvt_claim(node0, 0)};
    memory_claim_t rest[] = {hvt_claim(hvt_unclaimed(h) - node0, GLOBAL)};

    ASSERT_EQ(install_expect(h, d, 1, all0, 0), 0);
    ASSERT_EQ(install_expect(h, other, 1, rest, 0), 0);
    EXPECT_EQ(hvt_unclaimed(h), 0UL);
    /* The host is fully claimed, yet d may re-install or reshape its own
     * claim: its current claims count as available to it. */
    ASSERT_EQ(install_expect(h, d, 1, all0, 0), 0);
    {
        memory_claim_t smaller[] = {hvt_claim(node0 - 10, 0), hvt_claim(10, GLOBAL)};

        EXPECT_EQ(install_expect(h, d, 2, smaller, 0), 0);
    }
    /* ...but not grow past it. */
    {
        memory_claim_t bigger[] = {hvt_claim(node0, 0), hvt_claim(1, GLOBAL)};

        EXPECT_EQ(install_expect(h, d, 2, bigger, -ENOMEM), -ENOMEM);
    }
    domain_put(d);
    domain_put(other);
    host_destroy(h);
}

/*
 * Sets refused on their own, whatever else the host holds: each row is
 * installed on a fresh host and domain (max_pages as given) and must fail
 * with its errno and change nothing (install_expect()).  Rows are named
 * after the rule they test; a failure names the row.
 */
#define E(n, t)                                                                                    \
    {                                                                                              \
        .pages = (n), .target = (t)                                                                \
    }
#define EP(n, t, p)                                                                                \
    {                                                                                              \
        .pages = (n), .target = (t), .pad = (p)                                                    \
    }

struct refusal {
    const char *rule;
    unsigned long max_pages;
    unsigned int nr;
    memory_claim_t set[3];
    int want;
};

static const struct refusal refusals[] = {
    /* Phase 1: each entry alone.  The host has nodes 0 and 1. */
    {"node_out_of_range: node 2", 10000, 1, {E(10, 2)}, -ENOENT},
    {"node_out_of_range: 63, below MAX_NUMNODES, absent", 10000, 1, {E(10, 63)}, -ENOENT},
    {"node_out_of_range: 64 = MAX_NUMNODES", 10000, 1, {E(10, 64)}, -ENOENT},
    {"node_out_of_range: 0x3FFFFFFF", 10000, 1, {E(10, 0x3FFFFFFF)}, -ENOENT},
    {"unknown_selector: 0x80000001", 10000, 1, {E(10, 0x80000001U)}, -EINVAL},
    {"unknown_selector: 0xFFFFFFFF", 10000, 1, {E(10, 0xFFFFFFFFU)}, -EINVAL},
    {"unknown_selector: 0x40000001", 10000, 1, {E(10, 0x40000001U)}, -EINVAL},
    {"legacy_in_multi_entry_set: after a node", 10000, 2, {E(10, 0), E(10, LEGACY)}, -EINVAL},
    {"legacy_in_multi_entry_set: before global", 10000, 2, {E(10, LEGACY), E(10, GLOBAL)}, -EINVAL},
    {"duplicate_node: a zero-page repeat counts", 10000, 3, {E(10, 1), E(10, 0), E(0, 1)}, -EINVAL},
    {"duplicate_global", 10000, 2, {E(10, GLOBAL), E(10, GLOBAL)}, -EINVAL},
    {"pad_nonzero: node entry", 10000, 2, {E(10, 0), EP(10, 1, 1)}, -EINVAL},
    {"pad_nonzero: global entry, top bit", 10000, 1, {EP(10, GLOBAL, 0x80000000U)}, -EINVAL},
    /* The design's order: availability (3) before padding (4), the node
     * (1) before padding. */
    {"checks_in_design_order: short node and pad", 10000, 1, {EP(1UL << 40, 0, 1)}, -ENOMEM},
    {"checks_in_design_order: bad node and pad", 10000, 1, {EP(1, 7, 1)}, -ENOENT},
    /* Phase 2: the set as a whole. */
    {"sum_overflow: global ~0 plus a node", ~0UL, 2, {E(~0UL, GLOBAL), E(1, 0)}, -EINVAL},
    {"sum_overflow: global ~0-5 plus 10", ~0UL, 2, {E(~0UL - 5, GLOBAL), E(10, 1)}, -EINVAL},
    {"huge_global_entry", ~0UL, 1, {E(~0UL, GLOBAL)}, -ENOMEM},
};

TEST(install_refusals_by_rule_change_nothing)
{
    for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        const struct refusal *r = &refusals[i];
        struct host *h = hvt_host(TOPO);
        struct domain *d = hvt_domain(h, r->max_pages);
        memory_claim_t set[3];

        memcpy(set, r->set, sizeof(set));
        if (install_expect(h, d, r->nr, set, r->want) != r->want)
            test_fail(__FILE__, __LINE__, "row '%s'", r->rule);
        domain_put(d);
        host_destroy(h);
    }
}

TEST(install_phase1_node_shortage_enomem)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 40000);
    struct domain *other = hvt_domain(h, 40000);
    memory_claim_t too_big[] = {hvt_claim(16384, 0)}; /* node 0 has 16383 free */
    memory_claim_t fits[] = {hvt_claim(16383, 0)};
    memory_claim_t taken[] = {hvt_claim(100, 1)};
    memory_claim_t now_short[] = {hvt_claim(16384 - 99, 1)};

    install_expect(h, d, 1, too_big, -ENOMEM);
    install_expect(h, d, 1, fits, 0);
    /* Another domain's claim on node 1 is not available to d. */
    install_expect(h, other, 1, taken, 0);
    install_expect(h, d, 1, now_short, -ENOMEM);
    domain_put(d);
    domain_put(other);
    host_destroy(h);
}

TEST(install_phase1_node_check_uses_unclaimed_not_free)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 40000);
    struct domain *other = hvt_domain(h, 40000);
    memory_claim_t all1[] = {hvt_claim(16384, 1)};
    memory_claim_t one1[] = {hvt_claim(1, 1)};

    install_expect(h, other, 1, all1, 0);
    /* Node 1 is completely free but completely claimed. */
    install_expect(h, d, 1, one1, -ENOMEM);
    domain_put(d);
    domain_put(other);
    host_destroy(h);
}

TEST(install_phase2_host_shortage_enomem)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 1UL << 30);
    unsigned long free_all = hvt_unclaimed(h);
    /* Each node entry fits its node, the global entry fits the host, but
     * together they exceed the host. */
    memory_claim_t set[] = {hvt_claim(16000, 0), hvt_claim(16000, 1),
                            hvt_claim(free_all - 31999, GLOBAL)};
    memory_claim_t exact[] = {hvt_claim(16000, 0), hvt_claim(16000, 1),
                              hvt_claim(free_all - 32000, GLOBAL)};

    install_expect(h, d, 3, set, -ENOMEM);
    install_expect(h, d, 3, exact, 0);
    EXPECT_EQ(hvt_unclaimed(h), 0UL);
    domain_put(d);
    host_destroy(h);
}

TEST(install_phase2_max_pages_einval)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 3000);
    gfn_t gfn = 0;
    memory_claim_t over[] = {hvt_claim(2000, 0), hvt_claim(1001, GLOBAL)};
    memory_claim_t exact[] = {hvt_claim(2000, 0), hvt_claim(1000, GLOBAL)};
    memory_claim_t with_tot[] = {hvt_claim(2000, 0), hvt_claim(1, 1)};

    install_expect(h, d, 2, over, -EINVAL);
    install_expect(h, d, 2, exact, 0);
    /* tot_pages counts too: with 1000 pages held, 2000 more is the limit. */
    ASSERT_EQ(hvt_populate(d, &gfn, 1000, 0, MEMF_node(1) | MEMF_exact_node), 1000UL);
    install_expect(h, d, 2, with_tot, -EINVAL);
    domain_put(d);
    host_destroy(h);
}

TEST(install_phase2_checks_host_before_max_pages)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 0); /* max_pages not set yet */
    memory_claim_t too_much[] = {hvt_claim(1UL << 20, GLOBAL)};
    memory_claim_t fits_host[] = {hvt_claim(1, GLOBAL)};

    install_expect(h, d, 1, too_much, -ENOMEM);
    install_expect(h, d, 1, fits_host, -EINVAL);
    domain_put(d);
    host_destroy(h);
}

TEST(install_zero_entries_einval)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    memory_claim_t set[] = {hvt_claim(10, 0)};

    install_expect(h, d, 1, set, 0);
    install_expect(h, d, 0, set, -EINVAL);
    domain_put(d);
    host_destroy(h);
}

TEST(install_too_many_entries_e2big)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    memory_claim_t set[CLAIMS_MAX_ENTRIES + 1];

    memset(set, 0, sizeof(set));
    install_expect(h, d, CLAIMS_MAX_ENTRIES + 1, set, -E2BIG);
    install_expect(h, d, ~0U, set, -E2BIG);
    domain_put(d);
    host_destroy(h);
}

TEST(install_largest_set_on_64_node_host)
{
    char topo[1024] = "";
    struct host *h;
    struct domain *d;
    memory_claim_t set[CLAIMS_MAX_ENTRIES];
    struct domain_info info;

    for (int n = 0; n < MAX_NUMNODES; n++)
        strcat(topo, n ? ",1M" : "1M");
    h = hvt_host(topo);
    d = hvt_domain(h, 100000);
    for (unsigned int n = 0; n < MAX_NUMNODES; n++)
        set[n] = hvt_claim(10, n);
    set[MAX_NUMNODES] = hvt_claim(100, GLOBAL);
    install_expect(h, d, CLAIMS_MAX_ENTRIES, set, 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.outstanding_pages, 64 * 10UL + 100);
    EXPECT_EQ(info.claims[63], 10UL);
    domain_put(d);
    host_destroy(h);
}

TEST(install_dying_domain_esrch)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    memory_claim_t set[] = {hvt_claim(10, 0)};

    ASSERT_EQ(domain_destroy(h, d->domain_id), 0);
    EXPECT_EQ(domain_set_node_claims(d, 1, set), -ESRCH);
    EXPECT_EQ(domain_set_outstanding_pages(d, 10), -ESRCH);
    EXPECT_EQ(hvt_unclaimed(h), 2 * 16384UL - 1);
    domain_put(d);
    host_destroy(h);
}

TEST(install_global_zero_releases_everything)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    memory_claim_t set[] = {hvt_claim(100, GLOBAL), hvt_claim(100, 0), hvt_claim(100, 1)};
    memory_claim_t release[] = {hvt_claim(0, GLOBAL)};
    struct domain_info info;

    install_expect(h, d, 3, set, 0);
    install_expect(h, d, 1, release, 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.outstanding_pages, 0UL);
    EXPECT_EQ(hvt_unclaimed(h), 2 * 16384UL - 1);
    domain_put(d);
    host_destroy(h);
}

TEST(install_release_allowed_when_max_below_tot)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    memory_claim_t release[] = {hvt_claim(0, GLOBAL)};
    gfn_t gfn = 0;

    ASSERT_EQ(hvt_populate(d, &gfn, 100, 0, 0), 100UL);
    ASSERT_EQ(domain_set_max_pages(d, 10), 0);
    install_expect(h, d, 1, release, 0);
    domain_put(d);
    host_destroy(h);
}

TEST(install_does_not_subtract_allocated_pages)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    memory_claim_t set[] = {hvt_claim(1000, 0)};
    struct domain_info info;
    gfn_t gfn = 0;

    ASSERT_EQ(hvt_populate(d, &gfn, 300, 0, MEMF_node(0)), 300UL);
    install_expect(h, d, 1, set, 0);
    domain_get_info(d, &info);
    /* Unlike the legacy path, the set is installed as given. */
    EXPECT_EQ(info.claims[0], 1000UL);
    EXPECT_EQ(info.tot_pages, 300UL);
    domain_put(d);
    host_destroy(h);
}

TEST(install_zero_page_node_entry_counts_for_duplicates)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    memory_claim_t ok[] = {hvt_claim(0, 0), hvt_claim(5, 1)};
    struct domain_info info;

    install_expect(h, d, 2, ok, 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.claims[0], 0UL);
    EXPECT_EQ(info.outstanding_pages, 5UL);
    domain_put(d);
    host_destroy(h);
}

TEST(legacy_selector_is_the_legacy_path)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    memory_claim_t legacy[] = {hvt_claim(1000, LEGACY)};
    struct domain_info info;
    gfn_t gfn = 0;

    ASSERT_EQ(hvt_populate(d, &gfn, 300, 0, 0), 300UL);
    install_expect(h, d, 1, legacy, 0);
    domain_get_info(d, &info);
    /* Legacy semantics: the shortfall from what the domain holds. */
    EXPECT_EQ(info.global_claims, 700UL);
    EXPECT_EQ(info.outstanding_pages, 700UL);
    /* ...and only one legacy claim at a time. */
    install_expect(h, d, 1, legacy, -EINVAL);
    legacy[0].pages = 0;
    install_expect(h, d, 1, legacy, 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.outstanding_pages, 0UL);
    legacy[0].pad = 3;
    install_expect(h, d, 1, legacy, -EINVAL);
    domain_put(d);
    host_destroy(h);
}

TEST(legacy_zero_releases_a_claim_set_too)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    memory_claim_t set[] = {hvt_claim(100, GLOBAL), hvt_claim(100, 1)};

    install_expect(h, d, 2, set, 0);
    EXPECT_EQ(domain_set_outstanding_pages(d, 0), 0);
    EXPECT_EQ(hvt_unclaimed(h), 2 * 16384UL - 1);
    EXPECT_EQ(domain_set_outstanding_pages(d, 0), 0); /* always succeeds */
    domain_put(d);
    host_destroy(h);
}

TEST(legacy_claim_while_claim_held_einval)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    memory_claim_t set[] = {hvt_claim(100, 1)};

    EXPECT_EQ(domain_set_outstanding_pages(d, 500), 0);
    EXPECT_EQ(domain_set_outstanding_pages(d, 600), -EINVAL);
    EXPECT_EQ(domain_set_outstanding_pages(d, 0), 0);
    /* A claim set held counts as "a claim": legacy refuses on top of it. */
    install_expect(h, d, 1, set, 0);
    EXPECT_EQ(domain_set_outstanding_pages(d, 500), -EINVAL);
    /* The claim-set path may replace a legacy claim. */
    EXPECT_EQ(domain_set_outstanding_pages(d, 0), 0);
    EXPECT_EQ(domain_set_outstanding_pages(d, 500), 0);
    install_expect(h, d, 1, set, 0);
    domain_put(d);
    host_destroy(h);
}

TEST(legacy_limits_einval)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 10000);
    gfn_t gfn = 0;
    struct domain_info info;

    ASSERT_EQ(hvt_populate(d, &gfn, 300, 0, 0), 300UL);
    EXPECT_EQ(domain_set_outstanding_pages(d, 300), -EINVAL);   /* == tot_pages */
    EXPECT_EQ(domain_set_outstanding_pages(d, 299), -EINVAL);   /* < tot_pages */
    EXPECT_EQ(domain_set_outstanding_pages(d, 10001), -EINVAL); /* > max_pages */
    EXPECT_EQ(domain_set_outstanding_pages(d, 10000), 0);       /* == max_pages */
    domain_get_info(d, &info);
    EXPECT_EQ(info.global_claims, 9700UL);
    domain_put(d);
    host_destroy(h);
}

TEST(legacy_enomem_only_after_limit_check)
{
    struct host *h = hvt_host(TOPO);
    struct domain *d = hvt_domain(h, 1UL << 30);
    struct domain *small = hvt_domain(h, 10);

    /* Larger than the host: -ENOMEM... */
    EXPECT_EQ(domain_set_outstanding_pages(d, 1UL << 20), -ENOMEM);
    /* ...unless the limit check fails first. */
    EXPECT_EQ(domain_set_outstanding_pages(small, 1UL << 20), -EINVAL);
    /* Other domains' claims are not available. */
    EXPECT_EQ(domain_set_outstanding_pages(d, 30000), 0);
    EXPECT_EQ(domain_set_outstanding_pages(small, 10), 0);
    domain_put(d);
    domain_put(small);
    host_destroy(h);
}

TEST(legacy_enomem_when_others_hold_the_memory)
{
    struct host *h = hvt_host(TOPO);
    struct domain *a = hvt_domain(h, 1UL << 30);
    struct domain *b = hvt_domain(h, 1UL << 30);
    unsigned long all = hvt_unclaimed(h);

    EXPECT_EQ(domain_set_outstanding_pages(a, all - 5), 0);
    EXPECT_EQ(domain_set_outstanding_pages(b, 6), -ENOMEM);
    EXPECT_EQ(domain_set_outstanding_pages(b, 5), 0);
    domain_put(a);
    domain_put(b);
    host_destroy(h);
}
