/*
 * The accounting invariants (accounting.rst) and the checker that
 * enforces them: each invariant holds after real operations, and each
 * deliberate corruption is caught and named by the checker.
 */
#include <stdio.h>
#include <string.h>

#include "hvtest.h"

#define TOPO "16M,16M"

/* A host with a claim set, some memory populated on both nodes. */
static struct host *busy_host(struct domain **out)
{
    struct host_config cfg;
    struct host *h;
    struct domain *d;
    memory_claim_t set[] = {hvt_claim(300, 0), hvt_claim(300, 1), hvt_claim(300, GLOBAL)};
    gfn_t gfn = 0;

    /* Checking after every call would abort on our own corruption. */
    host_config_default(&cfg, 8192);
    cfg.check_level = CHECK_NONE;
    h = hvt_host_cfg(TOPO, &cfg);
    d = hvt_domain(h, 5000);
    EXPECT_EQ(domain_set_node_claims(d, 3, set), 0);
    EXPECT_EQ(hvt_populate(d, &gfn, 100, 0, MEMF_node(0)), 100UL);
    EXPECT_EQ(hvt_populate(d, &gfn, 1, 9, MEMF_node(1)), 1UL);
    *out = d;
    return h;
}

/* Corrupt, expect the checker to name the problem, repair. */
#define EXPECT_CAUGHT(h, level, lvalue, bad, needle)                                               \
    do {                                                                                           \
        char report_[512];                                                                         \
        __typeof__(lvalue) saved_ = (lvalue);                                                      \
        (lvalue) = (bad);                                                                          \
        EXPECT_FALSE(host_check((h), (level), report_, sizeof(report_)));                          \
        EXPECT_CONTAINS(report_, (needle));                                                        \
        (lvalue) = saved_;                                                                         \
        EXPECT_TRUE(host_check((h), (level), report_, sizeof(report_)));                           \
    } while (0)

TEST(accounting_invariants_hold_after_operations)
{
    struct domain *d;
    struct host *h = busy_host(&d);
    struct host_counters c;
    struct domain_info info;

    hvt_expect_invariants(h);
    host_get_counters(h, &c);
    domain_get_info(d, &info);
    /* Global: outstanding <= available. */
    EXPECT_LE(c.outstanding_claims, c.total_avail_pages);
    /* Node: node claims <= node available. */
    for (int n = 0; n < 2; n++)
        EXPECT_LE(c.node_outstanding_claims[n], c.node_avail_pages[n]);
    /* Domain: claims + tot_pages <= max_pages. */
    EXPECT_LE(info.outstanding_pages + info.tot_pages, info.max_pages);
    /* Aggregates. */
    EXPECT_EQ(c.outstanding_claims, info.outstanding_pages);
    EXPECT_EQ(c.node_outstanding_claims[0], info.claims[0]);
    EXPECT_EQ(c.total_avail_pages, c.node_avail_pages[0] + c.node_avail_pages[1]);
    domain_put(d);
    host_destroy(h);
}

TEST(checker_catches_outstanding_claims_mismatch)
{
    struct domain *d;
    struct host *h = busy_host(&d);

    EXPECT_CAUGHT(h, CHECK_ACCOUNTING, h->outstanding_claims, h->outstanding_claims + 1,
                  "outstanding_claims");
    domain_put(d);
    host_destroy(h);
}

TEST(checker_catches_node_outstanding_mismatch)
{
    struct domain *d;
    struct host *h = busy_host(&d);

    EXPECT_CAUGHT(h, CHECK_ACCOUNTING, h->node_outstanding_claims[0], 0,
                  "node_outstanding_claims[0]");
    domain_put(d);
    host_destroy(h);
}

TEST(checker_catches_domain_node_claims_sum)
{
    struct domain *d;
    struct host *h = busy_host(&d);

    EXPECT_CAUGHT(h, CHECK_ACCOUNTING, d->node_claims, d->node_claims + 5, "node_claims");
    domain_put(d);
    host_destroy(h);
}

TEST(checker_catches_claims_beyond_available)
{
    struct domain *d;
    struct host *h = busy_host(&d);
    unsigned long avail = h->node_avail_pages[0];
    char report[512];

    /* Claims consistent among themselves but larger than the node. */
    h->node_outstanding_claims[0] += avail;
    h->outstanding_claims += avail;
    d->node_claims += avail;
    d->claims[0] += avail;
    EXPECT_FALSE(host_check(h, CHECK_ACCOUNTING, report, sizeof(report)));
    EXPECT_CONTAINS(report, "node_avail_pages[0]");
    h->node_outstanding_claims[0] -= avail;
    h->outstanding_claims -= avail;
    d->node_claims -= avail;
    d->claims[0] -= avail;
    EXPECT_TRUE(host_check(h, CHECK_DEEP, report, sizeof(report)));
    domain_put(d);
    host_destroy(h);
}

TEST(checker_catches_domain_over_max_pages)
{
    struct domain *d;
    struct host *h = busy_host(&d);

    EXPECT_CAUGHT(h, CHECK_ACCOUNTING, d->max_pages, 700UL, "max_pages");
    domain_put(d);
    host_destroy(h);
}

TEST(checker_catches_page_conservation)
{
    struct domain *d;
    struct host *h = busy_host(&d);

    EXPECT_CAUGHT(h, CHECK_ACCOUNTING, h->node[1].allocated, h->node[1].allocated - 1, "allocated");
    EXPECT_CAUGHT(h, CHECK_ACCOUNTING, h->total_avail_pages, h->total_avail_pages + 1,
                  "total_avail_pages");
    domain_put(d);
    host_destroy(h);
}

TEST(checker_catches_zone_count_mismatch)
{
    struct domain *d;
    struct host *h = busy_host(&d);
    unsigned int z = mfn_zone(h->node[1].start + 1000);

    EXPECT_CAUGHT(h, CHECK_ACCOUNTING, h->node[1].zone_avail[z], h->node[1].zone_avail[z] + 1,
                  "free lists hold");
    domain_put(d);
    host_destroy(h);
}

TEST(checker_catches_foreign_owner_in_free_chunk)
{
    struct domain *d;
    struct host *h = busy_host(&d);
    mfn_t free_frame = h->node[1].start; /* in the free order-11 chunk */

    EXPECT_CAUGHT(h, CHECK_DEEP, h->frame_owner[free_frame], OWNER_DOM(9), "free chunk");
    domain_put(d);
    host_destroy(h);
}

TEST(checker_catches_frame_owned_by_wrong_domain)
{
    struct domain *d;
    struct host *h = busy_host(&d);
    mfn_t mfn = domain_gfn_to_mfn(d, 3);

    EXPECT_CAUGHT(h, CHECK_DEEP, h->frame_owner[mfn], OWNER_DOM(d->domain_id + 1), "owned by");
    domain_put(d);
    host_destroy(h);
}

/* Frame 0 is the hypervisor's and in nobody's runs: hand it to a domain. */
TEST(checker_catches_frame_of_missing_domain)
{
    struct domain *d;
    struct host *h = busy_host(&d);

    ASSERT_EQ(h->frame_owner[0], OWNER_XEN);
    EXPECT_CAUGHT(h, CHECK_DEEP, h->frame_owner[0], OWNER_DOM(d->domain_id + 7),
                  "frame 0 is owned by d");
    EXPECT_CAUGHT(h, CHECK_DEEP, h->frame_owner[0], OWNER_DOM(d->domain_id + 7),
                  "which does not exist");
    domain_put(d);
    host_destroy(h);
}

TEST(checker_catches_frame_outside_its_owners_runs)
{
    struct domain *d;
    struct host *h = busy_host(&d);
    char want[96];

    snprintf(want, sizeof(want), "frame 0 is owned by d%u but in none of its runs", d->domain_id);
    EXPECT_CAUGHT(h, CHECK_DEEP, h->frame_owner[0], OWNER_DOM(d->domain_id), want);
    domain_put(d);
    host_destroy(h);
}

TEST(checker_catches_unmerged_buddies)
{
    struct domain *d;
    struct host *h = busy_host(&d);
    struct heap_node *hn = &h->node[1];
    mfn_t top = hn->end - ORDER_PAGES(MAX_ORDER < 11 ? MAX_ORDER : 11);
    char report[512];
    int order;

    hv_lock(&h->heap_lock);
    order = free_chunk_order_locked(h, top);
    hv_unlock(&h->heap_lock);
    /* Split a free chunk into two free halves without merging them. */
    ASSERT_TRUE(order > 0);
    hbitmap_clear(&hn->free[order], (top >> order) - (hn->start >> order));
    hbitmap_set(&hn->free[order - 1], (top >> (order - 1)) - (hn->start >> (order - 1)));
    hbitmap_set(&hn->free[order - 1],
                ((top + ORDER_PAGES(order - 1)) >> (order - 1)) - (hn->start >> (order - 1)));
    hn->nr_chunks[mfn_zone(top)][order]--;
    hn->nr_chunks[mfn_zone(top)][order - 1] += 2;
    EXPECT_FALSE(host_check(h, CHECK_DEEP, report, sizeof(report)));
    EXPECT_CONTAINS(report, "not merged");
    domain_put(d);
    host_destroy(h);
}

TEST(checker_catches_scrub_count_mismatch)
{
    struct domain *d;
    struct host *h = busy_host(&d);

    EXPECT_CAUGHT(h, CHECK_DEEP, h->node_need_scrub[0], 3UL, "dirty");
    domain_put(d);
    host_destroy(h);
}

TEST(checker_catches_physmap_count_mismatch)
{
    struct domain *d;
    struct host *h = busy_host(&d);

    EXPECT_CAUGHT(h, CHECK_DEEP, d->node_pages[0], d->node_pages[0] - 1, "node_pages");
    domain_put(d);
    host_destroy(h);
}

TEST(checker_catches_claim_of_dying_domain)
{
    struct domain *d;
    struct host *h = busy_host(&d);

    atomic_store(&d->is_dying, true);
    {
        char report[512];

        EXPECT_FALSE(host_check(h, CHECK_ACCOUNTING, report, sizeof(report)));
        EXPECT_CONTAINS(report, "dying");
    }
    atomic_store(&d->is_dying, false);
    domain_put(d);
    host_destroy(h);
}

/* Nodes past nr_nodes are not walked, but their counters are checked. */
TEST(checker_catches_memory_on_a_node_that_does_not_exist)
{
    struct domain *d;
    struct host *h = busy_host(&d);

    EXPECT_CAUGHT(h, CHECK_ACCOUNTING, h->node_avail_pages[h->nr_nodes], 5UL, "does not exist");
    EXPECT_CAUGHT(h, CHECK_ACCOUNTING, h->node_need_scrub[MAX_NUMNODES - 1], 1UL, "does not exist");
    domain_put(d);
    host_destroy(h);
}
