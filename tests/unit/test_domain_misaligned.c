/*
 * Domains with extents at guest frames misaligned to their machine
 * frames (D102-D104): a compact physmap, decreases and teardown that give
 * the heap the largest aligned pieces and never cut across a node, and
 * the invariant checker agreeing with (and catching faults in) such
 * physmaps.
 */
#include <errno.h>
#include <string.h>

#include "hvtest.h"
#include "p2mtest.h"

static unsigned long frees(struct host *h)
{
    struct host_counters c;

    host_get_counters(h, &c);
    return c.stats.frees;
}

static unsigned long node_free(struct host *h, nodeid_t node)
{
    struct host_counters c;

    host_get_counters(h, &c);
    return c.node_avail_pages[node];
}

static bool free_chunk(struct host *h, nodeid_t node, mfn_t mfn, unsigned int order)
{
    bool yes;

    hv_lock(&h->heap_lock);
    yes = heap_is_free_chunk_locked(h, node, mfn, order);
    hv_unlock(&h->heap_lock);
    return yes;
}

/* Pieces of the largest aligned chunks [mfn, mfn + nr) is cut into when
 * one end is aligned to 2^MAX_ORDER and nr < 2^MAX_ORDER: one per bit. */
static unsigned long pieces(unsigned long nr)
{
    return (unsigned long)__builtin_popcountl(nr);
}

/*
 * Two 1 GiB extents one frame off 1 GiB alignment: 1,023 leaves each, a
 * handful of tables; one frame decreased from the middle is one order-0
 * free; the other extent decreased whole is one order-18 free and a whole
 * free chunk again; the first, holed, is refused whole (D16); teardown
 * frees the two runs around the hole as their set bits' worth of chunks.
 */
TEST(domain_misaligned_1g_extents_compact_and_freed_whole)
{
    struct host *h = hvt_host("2G,2G");
    struct domain *d = hvt_domain(h, GiB_PAGES(4));
    const unsigned int node1 = MEMF_node(1) | MEMF_exact_node;
    gfn_t g0 = 1, g1 = 1 + GIB_FRAMES, hole = 12345;
    struct domain_info info;
    unsigned long f, avail;
    mfn_t m0, m1;

    ASSERT_EQ(domain_populate_extent(d, g0, 18, node1, NULL), 0);
    ASSERT_EQ(domain_populate_extent(d, g1, 18, node1, NULL), 0);
    domain_get_info(d, &info);
    EXPECT_EQ(info.tot_pages, GiB_PAGES(2));
    EXPECT_EQ(info.p2m_leaves, 2UL * 1023);
    /* Root, level 2, three level 1 (the extents touch three GiB of guest
     * frames), three level 0 (the 2 MiB regions at 0, 1 GiB and 2 GiB,
     * the middle one shared by both extents). */
    EXPECT_EQ(info.p2m_tables, 8UL);
    m0 = domain_gfn_to_mfn(d, g0);
    m1 = domain_gfn_to_mfn(d, g1);
    EXPECT_EQ(m0 % GIB_FRAMES, 0u);
    EXPECT_EQ(m1 % GIB_FRAMES, 0u);
    for (gfn_t i = 0; i < GIB_FRAMES; i += MIB2_FRAMES) {
        EXPECT_EQ(domain_gfn_to_mfn(d, g0 + i), m0 + i);
        EXPECT_EQ(domain_gfn_to_mfn(d, g1 + i - 1), i ? m1 + i - 1 : m0 + GIB_FRAMES - 1);
    }
    EXPECT_EQ(domain_gfn_to_mfn(d, g1 + GIB_FRAMES - 1), m1 + GIB_FRAMES - 1);
    EXPECT_EQ(domain_gfn_to_mfn(d, g1 + GIB_FRAMES), INVALID_MFN);
    hvt_expect_invariants(h);

    f = frees(h);
    avail = node_free(h, 1);
    ASSERT_EQ(domain_decrease_extent(d, g0 + hole, 0), 0);
    EXPECT_EQ(frees(h) - f, 1UL);
    EXPECT_EQ(node_free(h, 1) - avail, 1UL);
    EXPECT_EQ(domain_gfn_to_mfn(d, g0 + hole), INVALID_MFN);
    EXPECT_EQ(domain_gfn_to_mfn(d, g0 + hole + 1), m0 + hole + 1);
    hvt_expect_invariants(h);

    f = frees(h);
    avail = node_free(h, 1);
    ASSERT_EQ(domain_decrease_extent(d, g1, 18), 0);
    EXPECT_EQ(frees(h) - f, 1UL);
    EXPECT_EQ(node_free(h, 1) - avail, GIB_FRAMES);
    EXPECT_TRUE(free_chunk(h, 1, m1, 18));
    hvt_expect_invariants(h);

    f = frees(h);
    EXPECT_EQ(domain_decrease_extent(d, g0, 18), -ENOENT);
    EXPECT_EQ(frees(h), f);
    domain_get_info(d, &info);
    EXPECT_EQ(info.tot_pages, GIB_FRAMES - 1);

    avail = node_free(h, 1);
    EXPECT_EQ(domain_destroy(h, d->domain_id), 0);
    EXPECT_EQ(frees(h) - f, pieces(hole) + pieces(GIB_FRAMES - hole - 1));
    EXPECT_EQ(node_free(h, 1) - avail, GIB_FRAMES - 1);
    EXPECT_TRUE(free_chunk(h, 1, m0, 18));
    domain_put(d);
    hvt_expect_invariants(h);
    host_destroy(h);
}

/* Populate every frame of the host into d at order 0, then map each at
 * its own frame number (behind the memory operations' back: the heap
 * never hands out such a layout on purpose), in leaves of the orders the
 * guest frames allow, so that leaves and runs cross the node boundary. */
static void map_identity(struct domain *d, gfn_t nr_frames)
{
    gfn_t gfn = 0;

    EXPECT_EQ(hvt_populate(d, &gfn, nr_frames, 0, 0), nr_frames - 1); /* not frame 0 */
    hv_lock(&d->page_alloc_lock);
    ASSERT_EQ(p2m_remove(&d->p2m, 0, nr_frames - 1, NULL, NULL), 0);
    for (gfn_t g = 1; g < nr_frames;) {
        unsigned int order = (unsigned int)__builtin_ctzll(g);

        order = MIN(order, 9u);
        while (g + ORDER_PAGES(order) > nr_frames)
            order--;
        ASSERT_EQ(p2m_insert(&d->p2m, g, g, order), 0);
        g += ORDER_PAGES(order);
    }
    hv_unlock(&d->page_alloc_lock);
}

/*
 * Nodes of 3 MiB and 5 MiB meet at frame 768, which is only 2^8-aligned:
 * a run (and a 2 MiB leaf) across it goes back to each node separately,
 * and the checker counts each node's share of such a leaf.
 */
TEST(domain_runs_freed_within_nodes)
{
    struct host *h = hvt_host("3M,5M");
    struct domain *d = hvt_domain(h, 4096);
    struct runs r = {0};
    unsigned long f, avail0, avail1;

    map_identity(d, 2048);
    hv_lock(&d->page_alloc_lock);
    p2m_for_each_run(&d->p2m, p2mt_runs_push, &r);
    hv_unlock(&d->page_alloc_lock);
    ASSERT_EQ(r.n, 1u);
    EXPECT_TRUE(r.v[0].gfn == 1 && r.v[0].mfn == 1 && r.v[0].nr == 2047);
    EXPECT_EQ(domain_gfn_to_mfn(d, 700), 700u);
    hvt_expect_invariants(h);

    /* [512, 1024) as 2^8 on node 0 and 2^8 on node 1, not one 2^9. */
    f = frees(h);
    avail0 = node_free(h, 0);
    avail1 = node_free(h, 1);
    ASSERT_EQ(domain_decrease_extent(d, 512, 9), 0);
    EXPECT_EQ(frees(h) - f, 2UL);
    EXPECT_EQ(node_free(h, 0) - avail0, 256UL);
    EXPECT_EQ(node_free(h, 1) - avail1, 256UL);
    hvt_expect_invariants(h);

    /* Teardown: [1, 512) as 9 chunks, [1024, 2048) as one. */
    f = frees(h);
    EXPECT_EQ(domain_destroy(h, d->domain_id), 0);
    EXPECT_EQ(frees(h) - f, 9UL + 1);
    EXPECT_EQ(node_free(h, 0), 767UL);
    EXPECT_EQ(node_free(h, 1), 1280UL);
    p2mt_runs_free(&r);
    domain_put(d);
    hvt_expect_invariants(h);
    host_destroy(h);
}

/* One wrong frame inside a misaligned 2 MiB leaf: the checker names it;
 * put right, the checker agrees again. */
TEST(domain_checker_sees_a_wrong_frame_in_a_misaligned_leaf)
{
    struct host *h = hvt_host("2G,2G");
    struct domain *d = hvt_domain(h, GiB_PAGES(1));
    gfn_t g = 1, x = g + 5000;
    char report[512] = "";
    mfn_t m, spare;

    ASSERT_EQ(domain_populate_extent(d, g, 18, MEMF_node(1) | MEMF_exact_node, NULL), 0);
    m = domain_gfn_to_mfn(d, g);
    /* Node 0's 1 GiB chunk is free: node 1 served the extent. */
    spare = GIB_FRAMES;
    ASSERT_TRUE(free_chunk(h, 0, spare, 18));
    EXPECT_TRUE(host_check(h, CHECK_DEEP, report, sizeof(report)));

    hv_lock(&d->page_alloc_lock);
    ASSERT_EQ(p2m_remove(&d->p2m, x, 1, NULL, NULL), 0);
    ASSERT_EQ(p2m_insert(&d->p2m, x, spare, 0), 0);
    hv_unlock(&d->page_alloc_lock);
    EXPECT_FALSE(host_check(h, CHECK_DEEP, report, sizeof(report)));
    EXPECT_TRUE(strstr(report, "uses frame") != NULL);
    test_note("checker: %s", report);

    hv_lock(&d->page_alloc_lock);
    ASSERT_EQ(p2m_remove(&d->p2m, x, 1, NULL, NULL), 0);
    ASSERT_EQ(p2m_insert(&d->p2m, x, m + (x - g), 0), 0);
    hv_unlock(&d->page_alloc_lock);
    EXPECT_TRUE(host_check(h, CHECK_DEEP, report, sizeof(report)));
    domain_put(d);
    host_destroy(h);
}
