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

/*
 * One counter set wrong at a time on a fresh busy host: the checker must
 * fail and name it, and pass again once the counter is put back.  Each
 * row is named after the invariant it breaks; a failure names the row.
 */
struct counter_case {
    const char *rule;
    enum check_level level;
    unsigned long *(*field)(struct host *h, struct domain *d);
    bool set;         /* the bad value is `to`... */
    unsigned long to; /* ...else the good one plus `add` */
    long add;
    const char *needle; /* what the report must say */
};

static unsigned long *outstanding(struct host *h, struct domain *d)
{
    (void)d;
    return &h->outstanding_claims;
}

static unsigned long *node0_outstanding(struct host *h, struct domain *d)
{
    (void)d;
    return &h->node_outstanding_claims[0];
}

static unsigned long *dom_node_claims(struct host *h, struct domain *d)
{
    (void)h;
    return &d->node_claims;
}

static unsigned long *dom_max_pages(struct host *h, struct domain *d)
{
    (void)h;
    return &d->max_pages;
}

static unsigned long *node1_allocated(struct host *h, struct domain *d)
{
    (void)d;
    return &h->node[1].allocated;
}

static unsigned long *total_avail(struct host *h, struct domain *d)
{
    (void)d;
    return &h->total_avail_pages;
}

/* The zone of a frame in node 1's free order-11 chunk. */
static unsigned long *node1_zone_avail(struct host *h, struct domain *d)
{
    (void)d;
    return &h->node[1].zone_avail[mfn_zone(h->node[1].start + 1000)];
}

static unsigned long *node0_need_scrub(struct host *h, struct domain *d)
{
    (void)d;
    return &h->node_need_scrub[0];
}

static unsigned long *dom_node0_pages(struct host *h, struct domain *d)
{
    (void)h;
    return &d->node_pages[0];
}

static const struct counter_case counter_cases[] = {
    {"outstanding_claims_mismatch", CHECK_ACCOUNTING, outstanding, false, 0, 1,
     "outstanding_claims"},
    {"node_outstanding_mismatch", CHECK_ACCOUNTING, node0_outstanding, true, 0, 0,
     "node_outstanding_claims[0]"},
    {"domain_node_claims_sum", CHECK_ACCOUNTING, dom_node_claims, false, 0, 5, "node_claims"},
    {"domain_over_max_pages", CHECK_ACCOUNTING, dom_max_pages, true, 700, 0, "max_pages"},
    {"page_conservation: allocated", CHECK_ACCOUNTING, node1_allocated, false, 0, -1, "allocated"},
    {"page_conservation: total_avail_pages", CHECK_ACCOUNTING, total_avail, false, 0, 1,
     "total_avail_pages"},
    {"zone_count_mismatch", CHECK_ACCOUNTING, node1_zone_avail, false, 0, 1, "free lists hold"},
    {"scrub_count_mismatch", CHECK_DEEP, node0_need_scrub, true, 3, 0, "dirty"},
    {"physmap_count_mismatch", CHECK_DEEP, dom_node0_pages, false, 0, -1, "node_pages"},
};

/*
 * Set the `size` bytes at `field` to `bad`, expect the checker to fail
 * and name `needle`, put them back, expect it to pass; every failure
 * names the row.
 */
static void expect_caught_row(const char *rule, struct host *h, enum check_level level, void *field,
                              const void *bad, size_t size, const char *needle)
{
    unsigned char saved[sizeof(unsigned long)];
    char report[512];

    ASSERT_TRUE(size <= sizeof(saved));
    memcpy(saved, field, size);
    memcpy(field, bad, size);
    if (host_check(h, level, report, sizeof(report)))
        test_fail(__FILE__, __LINE__, "row '%s': the checker passed the broken host", rule);
    else if (!strstr(report, needle))
        test_fail(__FILE__, __LINE__, "row '%s': report \"%s\" does not contain \"%s\"", rule,
                  report, needle);
    memcpy(field, saved, size);
    if (!host_check(h, level, report, sizeof(report)))
        test_fail(__FILE__, __LINE__, "row '%s': still failing once repaired: %s", rule, report);
}

TEST(checker_catches_each_broken_counter)
{
    for (size_t i = 0; i < sizeof(counter_cases) / sizeof(counter_cases[0]); i++) {
        const struct counter_case *r = &counter_cases[i];
        struct domain *d;
        struct host *h = busy_host(&d);
        unsigned long *field = r->field(h, d);
        unsigned long bad = r->set ? r->to : *field + (unsigned long)r->add;

        expect_caught_row(r->rule, h, r->level, field, &bad, sizeof(bad), r->needle);
        domain_put(d);
        host_destroy(h);
    }
}

/*
 * One frame's owner set wrong on a fresh busy host (the deep level).
 * The owner is the domain's id plus `dom_add` (so that it names the busy
 * domain, another, or none), or `dom` when `fixed`.
 */
struct owner_case {
    const char *rule;
    mfn_t (*frame)(struct host *h, struct domain *d);
    bool fixed;
    domid_t dom;
    domid_t dom_add;
    bool xen_frame; /* the frame must be the hypervisor's to start with */
    const char *needle;
};

/* In node 1's free order-11 chunk. */
static mfn_t free_frame(struct host *h, struct domain *d)
{
    (void)d;
    return h->node[1].start;
}

static mfn_t dom_frame(struct host *h, struct domain *d)
{
    (void)h;
    return domain_gfn_to_mfn(d, 3);
}

/* Frame 0 is the hypervisor's and in nobody's runs. */
static mfn_t frame0(struct host *h, struct domain *d)
{
    (void)h;
    (void)d;
    return 0;
}

static const struct owner_case owner_cases[] = {
    {"foreign_owner_in_free_chunk", free_frame, true, 9, 0, false, "free chunk"},
    {"frame_owned_by_wrong_domain", dom_frame, false, 0, 1, false, "owned by"},
    {"frame_of_missing_domain: named", frame0, false, 0, 7, true, "frame 0 is owned by d"},
    {"frame_of_missing_domain: absent", frame0, false, 0, 7, true, "which does not exist"},
};

/* The entry frame_owner_of() reads for mfn, to corrupt (D106). */
static owner_t *owner_slot(struct host *h, mfn_t mfn)
{
    owner_t *slot;

    hv_lock(&h->heap_lock);
    slot = frame_owner_slot_locked(h, mfn);
    hv_unlock(&h->heap_lock);
    return slot;
}

/*
 * The checker reads a block of the owner table with one owner once
 * (D106), plus the frames of it the offline set names.  It still catches
 * a wrong owner there, at the block's first frame, and an offline entry
 * that contradicts the block's owner, at that entry's frame.
 */
TEST(checker_catches_wrong_owners_in_blocks_of_one_owner)
{
    struct domain *d;
    struct host *h = busy_host(&d);
    mfn_t big = domain_gfn_to_mfn(d, 100); /* the order-9 extent */
    struct owner_block *ob = &h->owner_block[big >> OWNER_BLOCK_ORDER];
    uint32_t status;
    char needle[64];
    size_t i;

    ASSERT_EQ(big & (ORDER_PAGES(OWNER_BLOCK_ORDER) - 1), 0UL);
    ASSERT_TRUE(!ob->mixed && ob->owner == OWNER_DOM(d->domain_id));
    snprintf(needle, sizeof(needle), "frame %#lx is owned by d7, which", (unsigned long)big);
    EXPECT_CAUGHT(h, CHECK_DEEP, ob->owner, OWNER_DOM(7), needle);
    snprintf(needle, sizeof(needle), "frame %#lx has unknown owner code", (unsigned long)big);
    EXPECT_CAUGHT(h, CHECK_DEEP, ob->owner, (owner_t)0xFFE0, needle);

    /* An allocated frame goes pending; its block keeps one owner. */
    ASSERT_EQ(offline_page(h, big + 5, false, &status), 0);
    ASSERT_TRUE(!ob->mixed);
    for (i = 0; i < h->offline.nr && h->offline.v[i].mfn != big + 5; i++)
        ;
    ASSERT_TRUE(i < h->offline.nr);
    snprintf(needle, sizeof(needle), "frame %#lx is pending offline but", (unsigned long)(big + 5));
    EXPECT_CAUGHT(h, CHECK_DEEP, ob->owner, OWNER_FREE, needle);
    snprintf(needle, sizeof(needle), "frame %#lx is marked offlined but", (unsigned long)(big + 5));
    EXPECT_CAUGHT(h, CHECK_DEEP, h->offline.v[i].flags, (uint8_t)OFFLINE_OFFLINED, needle);
    domain_put(d);
    host_destroy(h);
}

TEST(checker_catches_each_wrong_frame_owner)
{
    for (size_t i = 0; i < sizeof(owner_cases) / sizeof(owner_cases[0]); i++) {
        const struct owner_case *r = &owner_cases[i];
        struct domain *d;
        struct host *h = busy_host(&d);
        mfn_t mfn = r->frame(h, d);
        owner_t bad = OWNER_DOM(r->fixed ? r->dom : (domid_t)(d->domain_id + r->dom_add));

        if (r->xen_frame && frame_owner_of(h, mfn) != OWNER_XEN)
            test_fail(__FILE__, __LINE__, "row '%s': frame %llu is not the hypervisor's", r->rule,
                      (unsigned long long)mfn);
        else
            expect_caught_row(r->rule, h, CHECK_DEEP, owner_slot(h, mfn), &bad, sizeof(bad),
                              r->needle);
        domain_put(d);
        host_destroy(h);
    }
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

TEST(checker_catches_frame_outside_its_owners_runs)
{
    struct domain *d;
    struct host *h = busy_host(&d);
    char want[96];

    snprintf(want, sizeof(want), "frame 0 is owned by d%u but in none of its runs", d->domain_id);
    EXPECT_CAUGHT(h, CHECK_DEEP, *owner_slot(h, 0), OWNER_DOM(d->domain_id), want);
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
    hn->order_mask[mfn_zone(top)] |= 1U << (order - 1);
    EXPECT_FALSE(host_check(h, CHECK_DEEP, report, sizeof(report)));
    EXPECT_CONTAINS(report, "not merged");
    domain_put(d);
    host_destroy(h);
}

/* The allocator trusts the per-zone mask of non-empty orders (D98): a
 * bit that disagrees with the chunk count, either way, is caught. */
TEST(checker_catches_stale_order_mask)
{
    struct domain *d;
    struct host *h = busy_host(&d);
    struct heap_node *hn = &h->node[1];
    unsigned int zone = mfn_zone(hn->end - 1), empty = MAX_ORDER + 1, full = MAX_ORDER + 1;
    char report[512];

    for (unsigned int o = 0; o <= MAX_ORDER; o++) {
        if (hn->nr_chunks[zone][o] && full > MAX_ORDER)
            full = o;
        if (!hn->nr_chunks[zone][o] && empty > MAX_ORDER)
            empty = o;
    }
    ASSERT_TRUE(full <= MAX_ORDER && empty <= MAX_ORDER);
    ASSERT_TRUE(host_check(h, CHECK_DEEP, report, sizeof(report)));

    hn->order_mask[zone] &= ~(1U << full); /* chunks the allocator would not see */
    EXPECT_FALSE(host_check(h, CHECK_DEEP, report, sizeof(report)));
    EXPECT_CONTAINS(report, "order mask");
    hn->order_mask[zone] |= 1U << full;

    hn->order_mask[zone] |= 1U << empty; /* an order said to have chunks it has not */
    EXPECT_FALSE(host_check(h, CHECK_DEEP, report, sizeof(report)));
    EXPECT_CONTAINS(report, "order mask");
    hn->order_mask[zone] &= ~(1U << empty);
    EXPECT_TRUE(host_check(h, CHECK_DEEP, report, sizeof(report)));

    /* The zone mask (D119): a zone with chunks the allocator would skip,
     * and an empty zone said to have some. */
    hn->zone_mask &= ~(1ULL << zone);
    EXPECT_FALSE(host_check(h, CHECK_DEEP, report, sizeof(report)));
    EXPECT_CONTAINS(report, "zone mask");
    hn->zone_mask |= 1ULL << zone;
    ASSERT_EQ(hn->order_mask[0], 0U); /* frame 0 is never free */
    hn->zone_mask |= 1ULL;
    EXPECT_FALSE(host_check(h, CHECK_DEEP, report, sizeof(report)));
    EXPECT_CONTAINS(report, "zone mask");
    hn->zone_mask &= ~1ULL;
    EXPECT_TRUE(host_check(h, CHECK_DEEP, report, sizeof(report)));
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
