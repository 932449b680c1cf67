/*
 * Threaded stress of the core: claimed domain builds racing one another
 * while noise threads grab every unclaimed page they can, a scrubber runs
 * and, in one case, frames are offlined and onlined.  Runs under TSan in CI.
 *
 * The machinery is in tests/support/stresskit.[ch], with the argument why
 * every claimed build of the first two cases must succeed next to the
 * budget it sizes.  Here: the cases, and what each must show.
 */
#include <stdio.h>
#include <stdlib.h>

#include "stresskit.h"

/*
 * Run builders against noise on a NR_NODES-node host of node_mib MiB each,
 * with a reserve domain claiming RESERVE per node when `reserve`.  Checks
 * the outcome and that the host is back where it started.
 */
static void run(enum sk_mode mode, unsigned long node_mib, bool reserve)
{
    struct sk_stress *s = calloc(1, sizeof(*s));
    struct host_config cfg = {.check_level = CHECK_ACCOUNTING, .xen_pages_per_domain = XEN_PAGES};
    struct host_counters before, after;
    unsigned long builds = 0, shortfall = 0;
    struct domain *rd = NULL;
    uint64_t seed = test_seed();
    char topo[128];
    double t0 = sk_now_s();

    ASSERT_TRUE(s != NULL);
    snprintf(topo, sizeof(topo), "%luM,%luM,%luM,%luM", node_mib, node_mib, node_mib, node_mib);
    s->h = hvt_host_cfg(topo, &cfg);
    ASSERT_TRUE(s->h != NULL);
    s->mode = mode;
    s->noise_free_pct = mode == MODE_OFFLINE ? 5 : 30;
    /* Offlining needs nodes full to the last page to force recalls. */
    s->small_max = mode == MODE_OFFLINE ? NOISE_SLOTS / 2 : NOISE_SMALL_MAX;
    s->min_builds = test_scaled(MIN_BUILDS);
    s->max_builds = test_scaled(MAX_BUILDS);
    host_get_counters(s->h, &before);

    if (reserve) {
        memory_claim_t set[NR_NODES];

        rd = hvt_domain(s->h, NR_NODES * RESERVE);
        ASSERT_TRUE(rd != NULL);
        for (unsigned int n = 0; n < NR_NODES; n++)
            set[n] = hvt_claim(RESERVE, n);
        ASSERT_EQ(domain_set_node_claims(rd, NR_NODES, set), 0);
    }

    for (unsigned int i = 0; i < NR_BUILDERS; i++)
        sk_start(&s->builder[i], s, i, seed, sk_builder_main);
    sk_start(&s->noise_heap, s, 10, seed, sk_noise_heap_main);
    sk_start(&s->noise_dom, s, 11, seed, sk_noise_domain_main);
    sk_start(&s->scrubber, s, 12, seed, sk_scrubber_main);
    if (mode == MODE_OFFLINE)
        sk_start(&s->offliner, s, 13, seed, sk_offliner_main);
    for (unsigned int i = 0; i < NR_BUILDERS; i++) {
        pthread_join(s->builder[i].thread, NULL);
        sk_report(&s->builder[i], "builder");
        builds += s->builder[i].builds;
        shortfall += s->builder[i].shortfall;
    }
    atomic_store(&s->stop, true);
    pthread_join(s->noise_heap.thread, NULL);
    pthread_join(s->noise_dom.thread, NULL);
    pthread_join(s->scrubber.thread, NULL);
    if (mode == MODE_OFFLINE)
        pthread_join(s->offliner.thread, NULL);
    sk_report(&s->noise_heap, "noise (heap)");
    sk_report(&s->noise_dom, "noise (domain)");
    sk_report(&s->offliner, "offliner");

    host_get_counters(s->h, &after);
    test_note("%.1f s: %lu builds; noise %lu+%lu allocations, %lu+%lu refused; refused by "
              "claims: %lu host-wide, %lu node skips; %lu pages scrubbed idle",
              sk_now_s() - t0, builds, s->noise_heap.ok, s->noise_dom.ok, s->noise_heap.failed,
              s->noise_dom.failed, after.stats.refused_global_check, after.stats.refused_node_check,
              after.stats.pages_scrubbed_idle);
    /* The builders got through a fair number of builds while the noise
     * really ran out of unclaimed memory. */
    EXPECT_GE(builds, NR_BUILDERS * s->min_builds);
    EXPECT_GT(s->noise_heap.failed + s->noise_dom.failed, 0ul);
    if (mode == MODE_OFFLINE) {
        test_note("%lu frames offlined while free, %lu pages of claims recalled, shortfall %lu",
                  s->offliner.ok, after.stats.claims_recalled, shortfall);
        /* Recalls happened, and every page a build fell short by was
         * recalled from it. */
        EXPECT_GT(after.stats.claims_recalled, 0ul);
        EXPECT_EQ(shortfall, after.stats.claims_recalled);
    } else {
        /* Some order-9 requests found too little unclaimed memory for
         * themselves: only the claims could (and did) serve them. */
        test_note("%lu order-9 requests needed their claims", atomic_load(&s->pressed));
        EXPECT_GT(atomic_load(&s->pressed), 0ul);
        EXPECT_EQ(after.stats.claims_recalled, 0ul);
    }

    /* Deep check with few live domains (it takes every domain's lock). */
    hvt_expect_invariants(s->h);
    if (rd) {
        EXPECT_EQ(hvt_claims_total(rd), (unsigned long)NR_NODES * RESERVE);
        EXPECT_EQ(domain_destroy(s->h, rd->domain_id), 0);
        domain_put(rd);
    }
    host_get_counters(s->h, &after);
    EXPECT_EQ(after.total_avail_pages, before.total_avail_pages);
    EXPECT_EQ(after.outstanding_claims, 0ul);
    for (unsigned int n = 0; n < NR_NODES; n++) {
        EXPECT_EQ(after.node_avail_pages[n], before.node_avail_pages[n]);
        EXPECT_EQ(after.node_outstanding_claims[n], 0ul);
        EXPECT_EQ(after.node_offlined[n], 0ul);
    }
    hvt_expect_invariants(s->h);
    host_destroy(s->h);
    free(s);
}

TEST(exact_node_builds_all_succeed_against_noise)
{
    run(MODE_EXACT, sk_guaranteed_node_mib(), true);
}

TEST(no_hint_builds_get_all_memory_and_retire_claims)
{
    run(MODE_NO_HINTS, sk_guaranteed_node_mib(), true);
}

/*
 * Offlining under concurrency, with no reserve domain: once the noise has
 * filled a node, offlining a free (hence claimed) frame forces a recall
 * from a builder.  The node size still passes argument (1) for the installs
 * (S >= NR_BUILDERS * BUDGET + NOISE_CAP + OFFLINE_MAX + hypervisor pages);
 * builds may fall short, but only by exactly the pages recalled.
 */
#define OFFLINE_NODE_MIB 256
_Static_assert(MiB_PAGES(OFFLINE_NODE_MIB) >=
                   NR_BUILDERS * BUDGET + NOISE_CAP + OFFLINE_MAX + XEN_PAGES * MAX_DOMAINS + 1,
               "offline case: installs must always fit");

TEST(offline_recall_under_concurrency)
{
    run(MODE_OFFLINE, OFFLINE_NODE_MIB, false);
}
