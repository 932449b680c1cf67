/*
 * The NUMA buddy heap: layout, splitting and merging, zones, the node
 * search order, scrubbing and metadata size.
 */
#include <errno.h>
#include <stdlib.h>

#include "hvtest.h"

static mfn_t alloc_anon(struct host *h, unsigned int order, unsigned int memflags)
{
    return alloc_heap_pages(h, MEMZONE_LO, NR_ZONES - 1, order, memflags, NULL);
}

static int chunk_order(struct host *h, mfn_t mfn)
{
    int order;

    hv_lock(&h->heap_lock);
    order = free_chunk_order_locked(h, mfn);
    hv_unlock(&h->heap_lock);
    return order;
}

TEST(heap_frames_laid_out_node_after_node)
{
    struct host *h = hvt_host("16M,8M,16M");
    struct host_counters c;

    EXPECT_EQ(h->node[0].start, 0UL);
    EXPECT_EQ(h->node[1].start, 4096UL);
    EXPECT_EQ(h->node[2].start, 6144UL);
    EXPECT_EQ(h->node[2].end, 10240UL);
    EXPECT_EQ(host_mfn_to_node(h, 4095), 0);
    EXPECT_EQ(host_mfn_to_node(h, 4096), 1);
    EXPECT_EQ(host_mfn_to_node(h, 10239), 2);
    host_get_counters(h, &c);
    /* Frame 0 stays with the hypervisor. */
    EXPECT_EQ(c.node_avail_pages[0], 4095UL);
    EXPECT_EQ(c.node_avail_pages[1], 2048UL);
    EXPECT_EQ(c.total_avail_pages, 10239UL);
    EXPECT_EQ(frame_owner_of(h, 0), OWNER_XEN);
    host_destroy(h);
}

/*
 * host_mfn_to_node() reads a per-1 GiB table and searches only in spans
 * that a node boundary cuts (D116): on layouts with boundaries on and off
 * 1 GiB, with memory-less nodes and a short last span, it agrees with
 * the nodes' own ranges on every boundary and in the spans' corners.
 */
TEST(heap_mfn_to_node_by_span_agrees_with_the_ranges)
{
    const char *layouts[] = {"2G,1G,0,3G", "1G,1537M,0,0,2G", "6M,6M", "3G,1M"};

    for (unsigned int l = 0; l < 4; l++) {
        struct host *h = hvt_host(layouts[l]);
        mfn_t probes[64];
        unsigned int nr = 0;

        for (unsigned int n = 0; n < h->nr_nodes; n++) {
            mfn_t s = h->node[n].start, e = h->node[n].end;

            if (s == e)
                continue;
            probes[nr++] = s;
            probes[nr++] = e - 1;
            probes[nr++] = s + (e - s) / 2;
        }
        for (mfn_t m = 0; m < h->nr_frames && nr < 64; m += ORDER_PAGES(18)) {
            probes[nr++] = m;
            if (m)
                probes[nr++] = m - 1;
        }
        for (unsigned int i = 0; i < nr; i++) {
            mfn_t m = probes[i];
            nodeid_t node = host_mfn_to_node(h, m);

            ASSERT_TRUE(node < h->nr_nodes);
            EXPECT_TRUE(h->node[node].start <= m && m < h->node[node].end);
        }
        host_destroy(h);
    }
}

TEST(heap_memoryless_node)
{
    struct host *h = hvt_host("8M,0,8M");
    struct host_counters c;

    host_get_counters(h, &c);
    EXPECT_EQ(c.node_avail_pages[1], 0UL);
    EXPECT_EQ(host_mfn_to_node(h, 2048), 2);
    EXPECT_EQ(alloc_anon(h, 0, MEMF_node(1) | MEMF_exact_node), INVALID_MFN);
    EXPECT_NE(alloc_anon(h, 0, MEMF_node(1)), INVALID_MFN);
    host_destroy(h);
}

TEST(heap_initial_chunks_are_maximal_and_aligned)
{
    struct host *h = hvt_host("8M"); /* frames 1..2047 free */

    EXPECT_EQ(chunk_order(h, 1), 0);
    EXPECT_EQ(chunk_order(h, 2), 1);
    EXPECT_EQ(chunk_order(h, 4), 2);
    EXPECT_EQ(chunk_order(h, 512), 9);
    EXPECT_EQ(chunk_order(h, 1024), 10);
    EXPECT_EQ(chunk_order(h, 1536), -1); /* inside the 1024 chunk */
    host_destroy(h);
}

TEST(heap_large_node_uses_1g_chunks)
{
    struct host *h = hvt_host("3G");

    EXPECT_EQ(chunk_order(h, 1UL << 18), 18);
    EXPECT_EQ(chunk_order(h, 2UL << 18), 18);
    host_destroy(h);
}

TEST(heap_split_hands_out_the_top)
{
    struct host *h = hvt_host("8M");
    mfn_t mfn = alloc_anon(h, 0, 0);

    /* Highest zone first (frames 1024..2047), the top of the chunk. */
    EXPECT_EQ(mfn, 2047UL);
    EXPECT_EQ(chunk_order(h, 1024), 9);
    EXPECT_EQ(chunk_order(h, 1536), 8);
    EXPECT_EQ(chunk_order(h, 2046), 0);
    free_heap_pages(h, mfn, 0, NULL, 0);
    EXPECT_EQ(chunk_order(h, 1024), 10);
    host_destroy(h);
}

/* Merges clear free bits lazily (D99): the free list that lost its
 * only chunk keeps a stale summary bit, which the checker accepts, the
 * next allocation's search steps over, and no other map shares (D101:
 * the dirty bitmap stays exact). */
TEST(heap_merge_leaves_free_summaries_stale_and_dirty_exact)
{
    struct host *h = hvt_host("8M");
    mfn_t mfn = alloc_anon(h, 0, 0);

    ASSERT_EQ(mfn, 2047UL);
    free_heap_pages(h, mfn, 0, NULL, FREE_need_scrub);
    EXPECT_EQ(chunk_order(h, 1024), 10);
    hv_lock(&h->heap_lock);
    /* Order 0 has 2,048 bits (two levels); frame 2046's word is now zero
     * but its summary bit was left set. */
    EXPECT_FALSE(hbitmap_summaries_ok(&h->node[0].free[0]));
    for (unsigned int order = 0; order <= MAX_ORDER; order++)
        EXPECT_TRUE(heap_free_index_ok_locked(h, 0, order));
    EXPECT_TRUE(hbitmap_summaries_ok(&h->dirty));
    EXPECT_TRUE(hbitmap_test(&h->dirty, mfn));
    hv_unlock(&h->heap_lock);
    hvt_expect_invariants(h);

    /* The same frame again: the search is not misled by the stale bit. */
    EXPECT_EQ(alloc_anon(h, 0, 0), 2047UL);
    EXPECT_EQ(chunk_order(h, 2046), 0);
    hv_lock(&h->heap_lock);
    EXPECT_TRUE(hbitmap_summaries_ok(&h->dirty));
    EXPECT_FALSE(hbitmap_test(&h->dirty, mfn)); /* scrubbed on the way out */
    hv_unlock(&h->heap_lock);
    free_heap_pages(h, 2047, 0, NULL, 0);
    hvt_expect_invariants(h);
    host_destroy(h);
}

/* Low zones share a bitmap word: zone 5 is frames 16..31, zone 6 frames
 * 32..63, all in word 0 of each order's map.  The search of a zone must
 * take the lowest chunk at or after the zone's first frame in that word
 * (the quick first-word read, D113) and never one of the zone below. */
TEST(heap_zones_sharing_a_bitmap_word_stay_apart)
{
    struct host *h = hvt_host("8M");

    /* Zone 6's order-5 chunk splits to its top frame, then zone 5's. */
    EXPECT_EQ(alloc_heap_pages(h, MEMZONE_LO, 6, 0, 0, NULL), 63UL);
    EXPECT_EQ(alloc_heap_pages(h, MEMZONE_LO, 5, 0, 0, NULL), 31UL);
    /* Order-0 chunks now at 30 (zone 5) and 62 (zone 6), one word. */
    EXPECT_EQ(alloc_heap_pages(h, MEMZONE_LO, 6, 0, 0, NULL), 62UL);
    EXPECT_EQ(alloc_heap_pages(h, MEMZONE_LO, 5, 0, 0, NULL), 30UL);
    hvt_expect_invariants(h);
    for (mfn_t mfn = 30; mfn < 64; mfn += 32) {
        free_heap_pages(h, mfn, 0, NULL, 0);
        free_heap_pages(h, mfn + 1, 0, NULL, 0);
    }
    EXPECT_EQ(chunk_order(h, 16), 4);
    EXPECT_EQ(chunk_order(h, 32), 5);
    hvt_expect_invariants(h);
    host_destroy(h);
}

TEST(heap_alloc_free_roundtrip_restores_every_chunk)
{
    struct host *h = hvt_host("4M,4M,8M");
    struct test_rng rng;
    mfn_t mfns[400];
    unsigned int orders[400];
    unsigned int n = 0;
    struct host_counters before, after;

    host_get_counters(h, &before);
    test_rng_init(&rng, test_seed());
    while (n < 400) {
        unsigned int order = (unsigned int)test_rng_below(&rng, 6);
        mfn_t mfn = alloc_anon(h, order, MEMF_node((unsigned int)test_rng_below(&rng, 3)));

        if (mfn == INVALID_MFN)
            break;
        mfns[n] = mfn;
        orders[n++] = order;
    }
    EXPECT_GT(n, 100U);
    /* Free in a random order. */
    for (unsigned int i = n; i > 1; i--) {
        unsigned int j = (unsigned int)test_rng_below(&rng, i);
        mfn_t m = mfns[i - 1];
        unsigned int o = orders[i - 1];

        mfns[i - 1] = mfns[j];
        orders[i - 1] = orders[j];
        mfns[j] = m;
        orders[j] = o;
    }
    for (unsigned int i = 0; i < n; i++)
        free_heap_pages(h, mfns[i], orders[i], NULL, 0);
    host_get_counters(h, &after);
    EXPECT_EQ(after.total_avail_pages, before.total_avail_pages);
    EXPECT_EQ(chunk_order(h, 512), 9);   /* node 0: frames 0..1023 */
    EXPECT_EQ(chunk_order(h, 1024), 10); /* node 1: 1024..2047 */
    EXPECT_EQ(chunk_order(h, 2048), 11); /* node 2: 2048..4095 */
    hvt_expect_invariants(h);
    host_destroy(h);
}

TEST(heap_buddies_never_merge_across_nodes)
{
    struct host *h = hvt_host("6M,6M"); /* node 1 starts at frame 1536 */

    EXPECT_EQ(chunk_order(h, 1024), 9);  /* 1024..1535: its buddy is in node 1 */
    EXPECT_EQ(chunk_order(h, 1536), 9);  /* 1536..2047 */
    EXPECT_EQ(chunk_order(h, 2048), 10); /* 2048..3071 */
    hvt_expect_invariants(h);
    host_destroy(h);
}

/* A digest of every free chunk head and order, node by node. */
static uint64_t free_chunks_digest(struct host *h)
{
    uint64_t sum = 0;

    hv_lock(&h->heap_lock);
    for (unsigned int n = 0; n < h->nr_nodes; n++)
        for (unsigned int o = 0; o <= MAX_ORDER; o++)
            for (mfn_t m = heap_next_free_chunk_locked(h, (nodeid_t)n, o, 0); m != INVALID_MFN;
                 m = heap_next_free_chunk_locked(h, (nodeid_t)n, o, m + 1))
                sum = sum * 1000003 + (m << 5) + o;
    hv_unlock(&h->heap_lock);
    return sum;
}

/*
 * Splits and merges take a short path below a node's aligned order (the
 * largest order its start and end are multiples of: no bounds check, the
 * offset from start as the index) and the checked one above it.  Nodes
 * whose bounds are aligned to 2^9 and to nothing at all: a pair of every
 * order hands out the top of the right chunk and puts every chunk back as
 * it was, and a buddy across the node's edge is never taken.
 */
TEST(heap_split_and_merge_across_the_nodes_aligned_order)
{
    /* 6M,6M: node 1 is [1536, 3072), aligned to 2^9.  6148K,8M: node 0
     * ends at 1537 and node 1 is [1537, 3585), aligned to nothing. */
    const char *layouts[] = {"6M,6M", "6148K,8M"};
    const unsigned int want_aligned[][2] = {{9, 9}, {0, 0}};

    for (unsigned int l = 0; l < 2; l++) {
        struct host *h = hvt_host(layouts[l]);
        uint64_t before = free_chunks_digest(h);

        for (unsigned int n = 0; n < 2; n++) {
            EXPECT_EQ(h->node[n].aligned_order, want_aligned[l][n]);
            for (unsigned int order = 0; order <= 10; order++) {
                mfn_t m = alloc_anon(h, order, MEMF_node(n) | MEMF_exact_node);

                if (m == INVALID_MFN)
                    continue; /* no chunk that large in this node */
                EXPECT_EQ(m & (ORDER_PAGES(order) - 1), 0UL);
                EXPECT_EQ(host_mfn_to_node(h, m), (nodeid_t)n);
                EXPECT_NE(free_chunks_digest(h), before);
                hvt_expect_invariants(h);
                free_heap_pages(h, m, order, NULL, 0);
                EXPECT_EQ(free_chunks_digest(h), before);
            }
        }
        /* Node 1 of the second layout: [1537, 3585).  An order-1 pair
         * splits the order-9 chunk at 3072 and hands out its top; the
         * frame at 3584 has its buddy in no node. */
        if (l == 1) {
            mfn_t m = alloc_anon(h, 1, MEMF_node(1) | MEMF_exact_node);

            EXPECT_EQ(m, 3582UL);
            free_heap_pages(h, m, 1, NULL, 0);
            EXPECT_EQ(chunk_order(h, 3072), 9);
            EXPECT_EQ(chunk_order(h, 3584), 0);
            EXPECT_EQ(chunk_order(h, 1536), 0); /* node 0's last frame */
        }
        hvt_expect_invariants(h);
        host_destroy(h);
    }
}

TEST(heap_address_bits_cap_the_zone)
{
    struct host *h = hvt_host("16M"); /* frames 0..4095 */
    struct domain *d = hvt_domain(h, 10000);
    unsigned int zone_hi = bits_to_zone(PAGE_SHIFT + 11);
    mfn_t low = alloc_heap_pages(h, MEMZONE_LO, zone_hi, 0, 0, NULL);

    /* 23 address bits: frames below 2^11, i.e. zones up to 11. */
    EXPECT_EQ(zone_hi, 11U);
    EXPECT_LT(low, 2048UL);
    EXPECT_EQ(alloc_heap_pages(h, MEMZONE_LO, zone_hi, 11, 0, NULL), INVALID_MFN);
    EXPECT_EQ(bits_to_zone(PAGE_SHIFT), 0U);
    EXPECT_EQ(bits_to_zone(PAGE_SHIFT + 1), 1U);
    /* For a domain, MEMF_bits sets the cap. */
    EXPECT_EQ(domain_populate_extent(d, 0, 4, MEMF_bits(PAGE_SHIFT + 10), NULL), 0);
    EXPECT_LT(domain_gfn_to_mfn(d, 0), 1024UL);
    EXPECT_EQ(domain_populate_extent(d, 64, 0, MEMF_bits(PAGE_SHIFT), NULL), -ENOMEM);
    domain_put(d);
    host_destroy(h);
}

/*
 * The zone window meets each node's own zones (decision D74): zones are
 * searched from the window's top down, but only those the node has frames
 * in, with the same result as testing every zone of the window.
 */
TEST(heap_zone_window_meets_the_nodes_zones)
{
    /* Node 0: frames 0..1535 (zones 0..11); node 1: 1536..3071 (11..12). */
    struct host *h = hvt_host("6M,6M");

    /* Node 0's highest zone is 11: the top of its chunk 1024..1535. */
    EXPECT_EQ(alloc_heap_pages(h, MEMZONE_LO, NR_ZONES - 1, 0, MEMF_node(0), NULL), 1535UL);
    /* Zone 12 and up: node 0 has none of it; an exact request fails... */
    EXPECT_EQ(alloc_heap_pages(h, 12, NR_ZONES - 1, 0, MEMF_node(0) | MEMF_exact_node, NULL),
              INVALID_MFN);
    /* ... and a preference moves on to node 1's zone 12 (2048..3071). */
    EXPECT_EQ(alloc_heap_pages(h, 12, NR_ZONES - 1, 0, MEMF_node(0), NULL), 3071UL);
    /* Node 1 below zone 12: only its zone 11, the chunk 1536..2047. */
    EXPECT_EQ(alloc_heap_pages(h, MEMZONE_LO, 11, 0, MEMF_node(1) | MEMF_exact_node, NULL), 2047UL);
    /* Node 1 has nothing below zone 11. */
    EXPECT_EQ(alloc_heap_pages(h, MEMZONE_LO, 10, 0, MEMF_node(1) | MEMF_exact_node, NULL),
              INVALID_MFN);
    /* A window of one zone that is node 1's lowest. */
    EXPECT_EQ(alloc_heap_pages(h, 11, 11, 0, MEMF_node(1) | MEMF_exact_node, NULL), 2046UL);
    hvt_expect_invariants(h);
    host_destroy(h);
}

TEST(heap_exact_node_request_stays_on_node)
{
    struct host *h = hvt_host("64K,8M"); /* node 0: 15 free frames */
    unsigned int got = 0;

    while (alloc_anon(h, 0, MEMF_node(0) | MEMF_exact_node) != INVALID_MFN)
        got++;
    EXPECT_EQ(got, 15U);
    /* A preference (not exact) falls back to node 1. */
    EXPECT_EQ(host_mfn_to_node(h, alloc_anon(h, 0, MEMF_node(0))), 1);
    host_destroy(h);
}

TEST(heap_round_robin_from_last_allocation_node)
{
    struct host *h = hvt_host("8M,8M,8M");
    struct domain *d = hvt_domain(h, 1000);
    struct domain_info info;
    gfn_t gfn = 0;
    int expect[] = {1, 2, 0, 1, 2, 0};

    /* Xen's cycle: the node after the last allocation node, starting
     * from last_alloc_node == 0 for a new domain. */
    for (unsigned int i = 0; i < ARRAY_LEN(expect); i++) {
        unsigned long before[3];

        domain_get_info(d, &info);
        for (int n = 0; n < 3; n++)
            before[n] = info.node_pages[n];
        ASSERT_EQ(hvt_populate(d, &gfn, 1, 0, 0), 1UL);
        domain_get_info(d, &info);
        EXPECT_EQ(info.node_pages[expect[i]], before[expect[i]] + 1);
    }
    domain_put(d);
    host_destroy(h);
}

TEST(heap_affinity_first_then_other_nodes)
{
    struct host *h = hvt_host("1M,1M,1M"); /* 256 frames a node */
    struct domain *d = hvt_domain(h, 10000);
    struct domain_info info;
    gfn_t gfn = 0;

    ASSERT_EQ(domain_set_node_affinity(d, node_bit(2)), 0);
    EXPECT_EQ(hvt_populate(d, &gfn, 256, 0, 0), 256UL);
    domain_get_info(d, &info);
    EXPECT_EQ(info.node_pages[2], 256UL);
    /* Node 2 is full: the other online nodes serve the rest. */
    EXPECT_EQ(hvt_populate(d, &gfn, 10, 0, 0), 10UL);
    domain_get_info(d, &info);
    EXPECT_EQ(info.node_pages[0] + info.node_pages[1], 10UL);
    domain_put(d);
    host_destroy(h);
}

TEST(heap_requested_node_outside_affinity_tried_first)
{
    struct host *h = hvt_host("1M,1M,1M");
    struct domain *d = hvt_domain(h, 10000);
    struct domain_info info;
    gfn_t gfn = 0;

    ASSERT_EQ(domain_set_node_affinity(d, node_bit(2)), 0);
    EXPECT_EQ(hvt_populate(d, &gfn, 3, 0, MEMF_node(0)), 3UL);
    domain_get_info(d, &info);
    EXPECT_EQ(info.node_pages[0], 3UL);
    domain_put(d);
    host_destroy(h);
}

TEST(heap_absent_node_request)
{
    struct host *h = hvt_host("1M,1M");

    EXPECT_EQ(alloc_anon(h, 0, MEMF_node(5) | MEMF_exact_node), INVALID_MFN);
    EXPECT_NE(alloc_anon(h, 0, MEMF_node(5)), INVALID_MFN);
    host_destroy(h);
}

TEST(heap_dead_domain_memory_is_dirty_until_scrubbed)
{
    struct host *h = hvt_host("8M");
    struct domain *d = hvt_domain(h, 1000);
    struct host_counters c;
    gfn_t gfn = 0;
    mfn_t mfn;

    ASSERT_EQ(hvt_populate(d, &gfn, 1, 9, 0), 1UL);
    ASSERT_EQ(domain_destroy(h, d->domain_id), 0);
    domain_put(d);
    host_get_counters(h, &c);
    EXPECT_EQ(c.scrub_pages, 512UL);
    /* An allocation without MEMF_no_scrub scrubs what it receives... */
    mfn = alloc_anon(h, 9, 0);
    ASSERT_NE(mfn, INVALID_MFN);
    host_get_counters(h, &c);
    EXPECT_EQ(c.stats.pages_scrubbed_sync, 512UL);
    EXPECT_EQ(c.scrub_pages, 0UL);
    free_heap_pages(h, mfn, 9, NULL, FREE_need_scrub);
    /* ...and the scrubber cleans the rest, within its budget. */
    EXPECT_EQ(scrub_free_pages(h, NUMA_NO_NODE, 100), 100UL);
    EXPECT_EQ(scrub_free_pages(h, 0, 1000), 412UL);
    host_get_counters(h, &c);
    EXPECT_EQ(c.scrub_pages, 0UL);
    EXPECT_EQ(c.stats.pages_scrubbed_idle, 512UL);
    host_destroy(h);
}

TEST(heap_no_scrub_allocation_keeps_dirty_frames)
{
    struct host *h = hvt_host("8M");
    mfn_t mfn = alloc_anon(h, 9, 0);
    struct host_counters c;

    free_heap_pages(h, mfn, 9, NULL, FREE_need_scrub);
    mfn = alloc_anon(h, 9, MEMF_no_scrub);
    host_get_counters(h, &c);
    EXPECT_EQ(c.scrub_pages, 0UL);               /* left the free pool */
    EXPECT_EQ(c.stats.pages_scrubbed_sync, 0UL); /* but nobody scrubbed */
    EXPECT_EQ(scrub_allocated_range(h, mfn, 512), 512UL);
    EXPECT_EQ(scrub_allocated_range(h, mfn, 512), 0UL);
    host_destroy(h);
}

/* The allocator tells how many of the frames it handed out were dirty:
 * kept dirty under MEMF_no_scrub, scrubbed otherwise, none when clean. */
TEST(heap_allocation_tells_how_many_frames_were_dirty)
{
    struct host *h = hvt_host("8M");
    unsigned long dirty = 99;
    mfn_t mfn = alloc_heap_pages_dirty(h, MEMZONE_LO, NR_ZONES - 1, 9, 0, NULL, &dirty);

    EXPECT_EQ(dirty, 0UL); /* a fresh heap is clean */
    free_heap_pages(h, mfn, 9, NULL, FREE_need_scrub);
    mfn = alloc_heap_pages_dirty(h, MEMZONE_LO, NR_ZONES - 1, 9, MEMF_no_scrub, NULL, &dirty);
    EXPECT_EQ(dirty, 512UL);
    EXPECT_EQ(scrub_allocated_range(h, mfn, 256), 256UL); /* half of them, by hand */
    free_heap_pages(h, mfn, 9, NULL, 0);
    free_heap_pages(h, alloc_anon(h, 9, 0), 9, NULL, FREE_need_scrub);
    mfn = alloc_heap_pages_dirty(h, MEMZONE_LO, NR_ZONES - 1, 9, 0, NULL, &dirty);
    EXPECT_EQ(dirty, 512UL); /* scrubbed on the way out */
    EXPECT_EQ(scrub_allocated_range(h, mfn, 512), 0UL);
    /* A failed allocation reports none. */
    dirty = 99;
    EXPECT_EQ(alloc_heap_pages_dirty(h, MEMZONE_LO, NR_ZONES - 1, MAX_ORDER, 0, NULL, &dirty),
              INVALID_MFN);
    EXPECT_EQ(dirty, 0UL);
    host_destroy(h);
}

TEST(heap_building_domain_scrubs_its_own_frames)
{
    struct host *h = hvt_host("8M");
    struct domain *d = hvt_domain(h, 1024);
    mfn_t mfn = alloc_anon(h, 9, 0), first, second;
    unsigned long scrubbed = 0;
    struct host_counters c;

    free_heap_pages(h, mfn, 9, NULL, FREE_need_scrub);
    /* Not unpaused yet: populate takes dirty frames and scrubs them. */
    EXPECT_EQ(domain_populate_extent(d, 0, 9, 0, &scrubbed), 0);
    EXPECT_EQ(scrubbed, 512UL);
    host_get_counters(h, &c);
    EXPECT_EQ(c.stats.pages_scrubbed_sync, 0UL);
    /* Clean frames: nothing to scrub, and nothing said scrubbed. */
    scrubbed = 99;
    EXPECT_EQ(domain_populate_extent(d, 512, 9, 0, &scrubbed), 0);
    EXPECT_EQ(scrubbed, 0UL);
    first = domain_gfn_to_mfn(d, 0);
    second = domain_gfn_to_mfn(d, 512);
    hv_lock(&h->heap_lock);
    EXPECT_EQ(hbitmap_count_range(&h->dirty, first, 512), 0UL);
    EXPECT_EQ(hbitmap_count_range(&h->dirty, second, 512), 0UL);
    hv_unlock(&h->heap_lock);
    domain_put(d);
    host_destroy(h);
}

TEST(heap_metadata_is_small_per_frame)
{
    struct host *h = hvt_host("1G,1G");
    double per_frame = (double)host_metadata_bytes(h) / (double)h->nr_frames;

    test_note("heap metadata: %.3f bytes per 4 KiB frame", per_frame);
    EXPECT_LT(host_metadata_bytes(h), 3 * h->nr_frames);
    host_destroy(h);
}
