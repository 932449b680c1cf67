/*
 * Hosts with many domains.  The deep checker holds every domain's
 * page_alloc_lock at once, so with checks on (test builds) these cases
 * make the lock witness follow thousands of locks per check: first well
 * over a thousand domains with the checker after every call, then every
 * domid the host allows.
 */
#include <errno.h>

#include "hvtest.h"

#define MANY 2048

static unsigned int count_domains(struct host *h)
{
    unsigned int n;

    hv_read_lock(&h->domlist_lock);
    n = h->nr_domains;
    hv_read_unlock(&h->domlist_lock);
    return n;
}

/*
 * Each check costs O(domains), so the calls are few per domain: a
 * creation each, and a claim and some memory for every 128th, so that the
 * checker has claims and physmaps spread over the whole range to match.
 */
TEST(deep_check_after_every_call_with_2048_domains)
{
    struct host *h = hvt_host("8M,8M");
    struct domain_config cfg = {.max_vcpus = 1};
    unsigned long populated = 0;
    domid_t first = 0, id;

    ASSERT_TRUE(h != NULL);
    ASSERT_EQ(h->cfg.check_level, (unsigned int)CHECK_DEEP);
    for (unsigned int i = 0; i < MANY; i++) {
        id = 0;
        ASSERT_EQ(domain_create(h, &id, &cfg), 0);
        first = i ? first : id;
        if (i % 128 == 0) {
            struct domain *d = domain_get(h, id);
            memory_claim_t set[] = {hvt_claim(4, i % 256 ? 0 : 1)};
            gfn_t gfn = 0;

            ASSERT_TRUE(d != NULL);
            ASSERT_EQ(domain_set_max_pages(d, 4), 0);
            ASSERT_EQ(domain_set_node_claims(d, 1, set), 0);
            populated += hvt_populate(d, &gfn, 2, 0, 0);
            domain_put(d);
        }
    }
    EXPECT_EQ(count_domains(h), (unsigned int)MANY);
    EXPECT_EQ(populated, 2UL * MANY / 128);
    hvt_expect_invariants(h);

    /* Every 8th goes, each destruction checked with the rest alive. */
    for (unsigned int i = 0; i < MANY; i += 8)
        EXPECT_EQ(domain_destroy(h, (domid_t)(first + i)), 0);
    EXPECT_EQ(count_domains(h), (unsigned int)(MANY - MANY / 8));
    hvt_expect_invariants(h);
    host_destroy(h);
}

TEST(every_domid_the_host_allows)
{
    /* No check per call while filling: each is O(domains), which would
     * make 32751 creations quadratic.  The deep checks below are the
     * point. */
    struct host_config cfg = {.check_level = CHECK_NONE};
    struct host *h = hvt_host_cfg("8M,8M", &cfg);
    struct domain_config dcfg = {.max_vcpus = 1}, ctl = {.max_vcpus = 1, .control = true};
    char report[512];
    domid_t id = 0;
    unsigned int made = 0;
    struct domain *last;
    gfn_t gfn = 0;
    int rc;

    ASSERT_TRUE(h != NULL);
    ASSERT_EQ(domain_create(h, &id, &ctl), 0);
    while ((rc = domain_create(h, &(domid_t){0}, &dcfg)) == 0)
        made++;
    EXPECT_EQ(rc, -ENOMEM);
    EXPECT_EQ(made, DOMID_FIRST_RESERVED - 1u);
    EXPECT_EQ(count_domains(h), (unsigned int)DOMID_FIRST_RESERVED);

    /* The deep check takes all DOMID_FIRST_RESERVED page_alloc_locks. */
    EXPECT_TRUE(host_check(h, CHECK_DEEP, report, sizeof(report)));
    EXPECT_STREQ(report, "");

    /* Calls checked deeply with the table full. */
    h->cfg.check_level = CHECK_DEEP;
    EXPECT_EQ(domain_destroy(h, 100), 0);
    id = 0;
    EXPECT_EQ(domain_create(h, &id, &dcfg), 0);
    EXPECT_EQ(id, 100);
    last = domain_get(h, DOMID_FIRST_RESERVED - 1);
    ASSERT_TRUE(last != NULL);
    EXPECT_EQ(domain_set_max_pages(last, 8), 0);
    EXPECT_EQ(hvt_populate(last, &gfn, 8, 0, 0), 8UL);
    EXPECT_EQ(domain_destroy(h, DOMID_FIRST_RESERVED - 1), 0);
    domain_put(last);
    hvt_expect_invariants(h);

    h->cfg.check_level = CHECK_NONE; /* host_destroy() destroys them one by one */
    host_destroy(h);
}
