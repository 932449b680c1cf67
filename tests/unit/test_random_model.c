/*
 * Randomized differential test: the hypervisor side against the reference
 * model of the claims accounting (tests/support/refmodel.h), driven by the
 * differential simulation of tests/support/modelsim.h.
 *
 * Each run makes a small random topology and applies thousands of random
 * operations -- domains created and destroyed, max_pages, node affinity,
 * claim sets valid and invalid, legacy claims, populating and decreasing
 * extents, uncounted and hypervisor allocations, offlining and onlining
 * frames -- to both.  After every step the real invariant checker must
 * pass and the model must agree with the implementation on every return
 * code and counter.  Then: proof that the comparison can fail, and
 * directed edge cases run on both sides with the expected answers.  The
 * model's own tests are in test_refmodel.c.
 *
 * CS_SEED=<n> replays a whole test; a mismatch report names the seed of
 * the failing run, to be replayed alone with CS_SEED=<run seed>
 * CS_MODEL_RUNS=1.  CS_MODEL_STEPS sets the steps per run.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "modelsim.h"

#define DEFAULT_RUNS  6
#define DEFAULT_STEPS 4000

static unsigned long env_ul(const char *name, unsigned long dflt)
{
    const char *v = getenv(name);

    return v && *v ? strtoul(v, NULL, 0) : dflt;
}

TEST(random_model_differential)
{
    uint64_t base = test_seed();
    unsigned long runs = env_ul("CS_MODEL_RUNS", test_scaled(DEFAULT_RUNS));
    unsigned long steps = env_ul("CS_MODEL_STEPS", DEFAULT_STEPS);
    unsigned long total[MS_NR_ST] = {0};

    for (unsigned long run = 0; run < runs; run++) {
        struct ms_sim s;
        bool ok;

        /* A run's topology comes from its own seed, so it replays alone. */
        while (!ms_init(&s, base + run, NULL)) {
            ms_fini(&s);
            base += 1000003;
        }
        test_note("run %lu: seed %llu topology %s", run, (unsigned long long)s.seed, s.topo);
        ok = ms_check_step(&s) && ms_steps(&s, steps);
        if (!ok)
            ms_report_mismatch(&s);
        for (unsigned int i = 0; i < MS_NR_ST; i++)
            total[i] += s.st[i];
        ms_fini(&s);
        if (!ok)
            return;
    }
    test_note("%lu steps: populate %lu ok, %lu refused early; %lu uncounted allocations; "
              "%lu -ENOMEM; %lu decreased; %lu destroyed",
              total[MS_ST_STEPS], total[MS_ST_POPULATED], total[MS_ST_POP_EARLY],
              total[MS_ST_EXTRA], total[MS_ST_POP_ENOMEM], total[MS_ST_DECREASED],
              total[MS_ST_DESTROYED]);
    test_note("claims at work: %lu allocations blocked, %lu steered to another node, %lu "
              "retired other nodes' claims; %lu max_pages trims",
              total[MS_ST_CLAIMS_BLOCKED], total[MS_ST_CLAIMS_STEERED], total[MS_ST_RETIRED_OTHER],
              total[MS_ST_TRIMMED]);
    test_note("claim sets %lu: %lu ok, -EINVAL %lu, -ENOENT %lu, -ENOMEM %lu, -E2BIG %lu, "
              "-ESRCH %lu; legacy %lu/%lu ok",
              total[MS_ST_CLAIMS], total[MS_ST_CLAIMS_OK], total[MS_ST_CLAIMS_EINVAL],
              total[MS_ST_CLAIMS_ENOENT], total[MS_ST_CLAIMS_ENOMEM], total[MS_ST_CLAIMS_E2BIG],
              total[MS_ST_CLAIMS_ESRCH], total[MS_ST_LEGACY_OK], total[MS_ST_LEGACY]);
    test_note("offlined %lu free + %lu allocated frames; %lu claim pages recalled",
              total[MS_ST_OFFLINE_FREE], total[MS_ST_OFFLINE_PENDING], total[MS_ST_RECALLED]);
    test_note("fragmentation accepted (verified against the free lists): %lu -ENOMEM, "
              "%lu allocations on a later node",
              total[MS_ST_FRAG_FAIL], total[MS_ST_FRAG_SKIP]);
}

/* ---- The differential test can fail ---- */

TEST(differential_detects_desynchronized_model)
{
    memory_claim_t set[] = {hvt_claim(100, 0), hvt_claim(50, 1), hvt_claim(25, GLOBAL)};
    struct rm_domain *md;
    struct ms_sim s;
    char report[512];
    struct domain *doms[MS_MAX_DOMS];

    ASSERT_TRUE(ms_init(&s, 4242, "8M,8M,4M"));
    ASSERT_TRUE(ms_op_create(&s, 5000, false) && ms_op_claims(&s, &s.dom[0], 3, set) &&
                ms_check_step(&s));
    md = rm_domain(&s.m, s.dom[0].id);
    ASSERT_EQ(md->claims[1], 50UL);
    if (!ms_steps(&s, 300))
        ms_report_mismatch(&s);
    for (unsigned int i = 0; i < s.nr_dom; i++)
        doms[i] = s.dom[i].d;
    ASSERT_TRUE(rm_compare(&s.m, s.h, doms, s.nr_dom, report, sizeof(report)));

    /* One claim page too many in the model: the node and host totals. */
    md = rm_domain(&s.m, s.dom[0].id);
    ASSERT_TRUE(md != NULL);
    md->claims[1]++;
    EXPECT_FALSE(rm_compare(&s.m, s.h, doms, s.nr_dom, report, sizeof(report)));
    EXPECT_CONTAINS(report, "outstanding_claims");
    md->claims[1]--;
    md->node_pages[0]++;
    md->node_pages[2]--;
    EXPECT_FALSE(rm_compare(&s.m, s.h, doms, s.nr_dom, report, sizeof(report)));
    EXPECT_CONTAINS(report, "node_pages[0]");
    md->node_pages[0]--;
    md->node_pages[2]++;
    md->max_pages ^= 1;
    EXPECT_FALSE(rm_compare(&s.m, s.h, doms, s.nr_dom, report, sizeof(report)));
    EXPECT_CONTAINS(report, "max_pages");
    md->max_pages ^= 1;
    s.m.node_free[1]++;
    EXPECT_FALSE(rm_compare(&s.m, s.h, doms, s.nr_dom, report, sizeof(report)));
    EXPECT_CONTAINS(report, "avail_pages");
    s.m.node_free[1]--;
    /* A domain the model does not know about. */
    EXPECT_FALSE(rm_compare(&s.m, s.h, doms, s.nr_dom - 1, report, sizeof(report)));
    EXPECT_TRUE(rm_compare(&s.m, s.h, doms, s.nr_dom, report, sizeof(report)));
    ms_fini(&s);
}

TEST(differential_detects_wrong_prediction)
{
    struct ms_sim s;

    /* The model believes the domain last allocated on node 1, so it
     * predicts node 0 for the next allocation; the host picks node 1. */
    ASSERT_TRUE(ms_init(&s, 1, "4M,4M"));
    ASSERT_TRUE(ms_op_create(&s, 100, false));
    rm_domain(&s.m, s.dom[0].id)->last_alloc_node = 1;
    EXPECT_FALSE(ms_op_populate(&s, &s.dom[0], 0, 0, RM_NO_NODE, false));
    EXPECT_CONTAINS(s.why, "model allocates on node 0");
    ms_fini(&s);

    /* A claim the host does not have: the allocation check disagrees. */
    ASSERT_TRUE(ms_init(&s, 1, "4M"));
    ASSERT_TRUE(ms_op_create(&s, 2000, false));
    ASSERT_TRUE(ms_op_claims(&s, &s.dom[0], 1, &(memory_claim_t){.pages = 1000, .target = 0}));
    ASSERT_TRUE(ms_op_create(&s, 2000, false));
    rm_domain(&s.m, s.dom[1].id)->claims[0] = 10;
    rm_domain(&s.m, s.dom[0].id)->claims[0] = 990;
    /* Host: 1023 free, 23 unclaimed.  Dom 1 asks for 32: the host refuses;
     * the model lets its (fake) claim cover the shortfall of 9, and the
     * refusal is no fragmentation, as the free lists show. */
    EXPECT_FALSE(ms_op_populate(&s, &s.dom[1], 0, 5, RM_NO_NODE, false));
    EXPECT_CONTAINS(s.why, "holds a free chunk of order 5");
    ms_fini(&s);
}

/* ---- Directed edge cases, both sides, with the expected answers ---- */

/* Run one op on both sides; it must agree, keep the invariants and give
 * the host's answer `want`. */
#define EDGE(call, want)                                                                           \
    do {                                                                                           \
        s.why[0] = '\0';                                                                           \
        if (!(call) || !ms_check_step(&s))                                                         \
            ms_report_mismatch(&s);                                                                \
        EXPECT_EQ(s.last_rc, (want));                                                              \
    } while (0)

TEST(directed_edge_cases)
{
    struct ms_sim s;
    struct ms_dom *a, *b;
    const struct rm_domain *ma, *mb;
    memory_claim_t overflow[] = {hvt_claim(ULONG_MAX, GLOBAL), hvt_claim(1, 0)};
    memory_claim_t pad_then_enoent[] = {{.pages = 1, .target = 0, .pad = 1}, hvt_claim(1, 9)};
    memory_claim_t legacy_pad[] = {{.pages = 10, .target = LEGACY, .pad = 1}};
    memory_claim_t legacy_pair[] = {hvt_claim(10, 0), hvt_claim(10, LEGACY)};
    memory_claim_t zero_all[] = {hvt_claim(0, 0), hvt_claim(0, 1), hvt_claim(0, GLOBAL)};

    /* Node 0: 1024 frames (frame 0 is the hypervisor's), node 1: 512,
     * node 2: none. */
    ASSERT_TRUE(ms_init(&s, 99, "4M,2M,0"));
    ASSERT_TRUE(ms_op_create(&s, 2000, false) && ms_op_create(&s, 600, false));
    a = &s.dom[0];
    b = &s.dom[1];
    ma = rm_domain(&s.m, a->id);
    mb = rm_domain(&s.m, b->id);

    EDGE(ms_op_claims(&s, a, 2, overflow), -EINVAL);
    EDGE(ms_op_claims(&s, a, 1, &(memory_claim_t){.pages = 0, .target = 2}), 0);
    EDGE(ms_op_claims(&s, a, 1, &(memory_claim_t){.pages = 1, .target = 2}), -ENOMEM);
    EDGE(ms_op_claims(&s, a, 2, pad_then_enoent), -EINVAL);
    EDGE(ms_op_claims(&s, a, 1, legacy_pad), -EINVAL);
    EDGE(ms_op_claims(&s, a, 2, legacy_pair), -EINVAL);
    /* A claims all of node 0, B all the rest; re-installing still works. */
    EDGE(ms_op_claims(&s, a, 1, &(memory_claim_t){.pages = 1023, .target = 0}), 0);
    EDGE(ms_op_claims(&s, b, 1, &(memory_claim_t){.pages = 1, .target = 0}), -ENOMEM);
    EDGE(ms_op_claims(&s, b, 1, &(memory_claim_t){.pages = 512, .target = GLOBAL}), 0);
    EDGE(ms_op_claims(&s, a, 1, &(memory_claim_t){.pages = 1023, .target = 0}), 0);
    EDGE(ms_op_legacy(&s, a, 5), -EINVAL);
    /* Offlining: node 0 falls short (A loses one), then the host (B). */
    EDGE(ms_op_offline(&s, 5, false), 0);
    EXPECT_EQ(ma->claims[0], 1022UL);
    EDGE(ms_op_offline(&s, 1024 + 7, false), 0);
    EXPECT_EQ(mb->global_claim, 511UL);
    /* Node 0 is claimed out for B; node 1 is not. */
    EDGE(ms_op_populate(&s, b, 0, 0, 0, true), -ENOMEM);
    EDGE(ms_op_populate(&s, b, 0, 0, RM_NO_NODE, false), 0);
    EXPECT_EQ(mb->node_pages[1], 1UL);
    EXPECT_EQ(mb->global_claim, 510UL);
    /* A's own claim lets it allocate on node 0 where nobody else can. */
    EDGE(ms_op_populate(&s, a, 0, 9, 0, true), 0);
    EXPECT_EQ(ma->claims[0], 1022UL - 512);
    /* Lowering max_pages trims claims; an all-zero set is always fine. */
    EDGE(ms_op_set_max(&s, a, 100), 0);
    EXPECT_EQ(rm_domain_claims(ma), 0UL);
    EDGE(ms_op_claims(&s, a, 3, zero_all), 0);
    EDGE(ms_op_claims(&s, a, 1, &(memory_claim_t){.pages = 1, .target = 1}), -EINVAL);
    EDGE(ms_op_populate(&s, a, 4096, 0, RM_NO_NODE, false), -E2BIG);
    EDGE(ms_op_set_max(&s, b, 1), 0);
    EXPECT_EQ(mb->global_claim, 0UL);
    /* B is destroyed; we still hold it: everything answers -ESRCH. */
    EDGE(ms_op_destroy(&s, b), 0);
    EDGE(ms_op_legacy(&s, b, 0), -ESRCH);
    EDGE(ms_op_claims(&s, b, 1, &(memory_claim_t){.pages = 0, .target = GLOBAL}), -ESRCH);
    EDGE(ms_op_populate(&s, b, 0, 0, RM_NO_NODE, false), -ESRCH);
    EDGE(ms_op_extra(&s, b, 0, RM_NO_NODE, false), -ESRCH);
    EDGE(ms_op_destroy(&s, b), -ESRCH);
    /* Frames: back online, refused, broken for good. */
    EDGE(ms_op_online(&s, 5), 0);
    EDGE(ms_op_offline(&s, 0, false), -EPERM);
    EDGE(ms_op_offline(&s, s.nr_frames, false), -EINVAL);
    EDGE(ms_op_offline(&s, 9, true), 0);
    EDGE(ms_op_online(&s, 9), -EINVAL);
    ms_fini(&s);
}

/* Ties and orders the design fixes: retirement, trimming, recall. */
TEST(directed_orders_and_ties)
{
    memory_claim_t n1n2[] = {hvt_claim(5, 1), hvt_claim(5, 2)};
    memory_claim_t three[] = {hvt_claim(10, 0), hvt_claim(10, 2), hvt_claim(10, GLOBAL)};
    memory_claim_t b_full[] = {hvt_claim(255, 1), hvt_claim(507, GLOBAL)};
    struct ms_dom *a, *b, *c;
    const struct rm_domain *ma, *mb, *mc;
    struct ms_sim s;

    ASSERT_TRUE(ms_init(&s, 7, "2M,2M,2M")); /* 512 frames a node */
    ASSERT_TRUE(ms_op_create(&s, 1000, false) && ms_op_create(&s, 1000, false) &&
                ms_op_create(&s, 1000, false));
    a = &s.dom[0];
    b = &s.dom[1];
    c = &s.dom[2];
    ASSERT_TRUE(a->id < b->id && b->id < c->id);
    ma = rm_domain(&s.m, a->id);
    mb = rm_domain(&s.m, b->id);
    mc = rm_domain(&s.m, c->id);

    /* 8 pages on node 0, no claim there: equal claims on nodes 1 and 2,
     * the lower node id goes first. */
    EDGE(ms_op_claims(&s, a, 2, n1n2), 0);
    EDGE(ms_op_populate(&s, a, 0, 3, 0, true), 0);
    EXPECT_EQ(ma->claims[1], 0UL);
    EXPECT_EQ(ma->claims[2], 2UL);
    /* Lowering max_pages: the global claim first, then the highest node. */
    EDGE(ms_op_claims(&s, a, 3, three), 0);
    EDGE(ms_op_set_max(&s, a, 8 + 15), 0);
    EXPECT_EQ(ma->global_claim, 0UL);
    EXPECT_EQ(ma->claims[2], 5UL);
    EXPECT_EQ(ma->claims[0], 10UL);
    /* Legacy bounds: tot_pages is too little, max_pages is fine. */
    EDGE(ms_op_legacy(&s, a, 0), 0);
    EDGE(ms_op_legacy(&s, a, 8), -EINVAL);
    EDGE(ms_op_legacy(&s, a, 8 + 15), 0);
    EXPECT_EQ(ma->global_claim, 15UL);
    EDGE(ms_op_legacy(&s, a, 0), 0);
    /* Node recall between equal claimants: the lower domid first. */
    EDGE(ms_op_claims(&s, b, 1, &(memory_claim_t){.pages = 256, .target = 1}), 0);
    EDGE(ms_op_claims(&s, c, 1, &(memory_claim_t){.pages = 256, .target = 1}), 0);
    EDGE(ms_op_offline(&s, 512 + 3, false), 0);
    EXPECT_EQ(mb->claims[1], 255UL);
    EXPECT_EQ(mc->claims[1], 256UL);
    EDGE(ms_op_offline(&s, 512 + 4, false), 0);
    EXPECT_EQ(mc->claims[1], 255UL);
    /* Host recall between equal global claimants: the lower domid. */
    EDGE(ms_op_claims(&s, a, 1, &(memory_claim_t){.pages = 1, .target = GLOBAL}), 0);
    EDGE(ms_op_claims(&s, b, 2, b_full), 0);
    EDGE(ms_op_claims(&s, c, 2, b_full), 0);
    EXPECT_EQ(rm_host_claims(&s.m), rm_host_free(&s.m));
    EDGE(ms_op_offline(&s, 1024 + 9, false), 0);
    EXPECT_EQ(mb->global_claim, 506UL);
    EXPECT_EQ(mc->global_claim, 507UL);
    EXPECT_EQ(ma->global_claim, 1UL);
    ms_fini(&s);
}
