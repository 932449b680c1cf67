/*
 * Unit tests of the physmap (hv/domain/p2m.c): leaf selection by guest
 * alignment, all-or-nothing insert and remove (including allocation
 * failure at every point), shattering of superpages, removed frames
 * reported as runs, exact counters, and a randomised comparison against a
 * flat reference map.  test_p2m_misaligned.c has the extents whose guest
 * and machine frames are aligned differently.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "hv/p2m_test.h"
#include "p2mtest.h"

static unsigned long leaves_for(unsigned int order)
{
    return order >= 18 ? 1 : order >= 9 ? ORDER_PAGES(order - 9) : ORDER_PAGES(order);
}

/* ---- insert and lookup -------------------------------------------------- */

TEST(p2m_insert_aligned_every_order)
{
    for (unsigned int order = 0; order <= MAX_ORDER; order++) {
        struct p2m p;
        gfn_t gfn = 5 * GIB_FRAMES + (order < 18 ? 3 * ORDER_PAGES(order) : 0);
        mfn_t mfn = ((mfn_t)0x12345 << 18) + (order < 18 ? 5 * ORDER_PAGES(order) : 0);
        gfn_t nr = ORDER_PAGES(order);
        unsigned int lo = 99;

        p2m_init(&p);
        ASSERT_EQ(p2m_insert(&p, gfn, mfn, order), 0);
        EXPECT_EQ(p.nr_pages, nr);
        EXPECT_EQ(p.nr_leaves, leaves_for(order));
        /* Root + level 2 for a 1 GiB leaf, + level 1 for 2 MiB, + level 0. */
        EXPECT_EQ(p.nr_tables, order >= 18 ? 2u : order >= 9 ? 3u : 4u);
        EXPECT_EQ(p2m_lookup(&p, gfn, &lo), mfn);
        EXPECT_EQ(lo, order >= 18 ? 18u : order >= 9 ? 9u : 0u);
        EXPECT_EQ(p2m_lookup(&p, gfn + nr / 2, NULL), mfn + nr / 2);
        EXPECT_EQ(p2m_lookup(&p, gfn + nr - 1, NULL), mfn + nr - 1);
        EXPECT_EQ(p2m_lookup(&p, gfn - 1, NULL), INVALID_MFN);
        EXPECT_EQ(p2m_lookup(&p, gfn + nr, NULL), INVALID_MFN);
        EXPECT_TRUE(p2m_range_mapped(&p, gfn, nr));
        EXPECT_FALSE(p2m_range_mapped(&p, gfn, nr + 1));
        EXPECT_FALSE(p2m_range_mapped(&p, gfn - 1, 2));
        EXPECT_TRUE(p2mt_check_consistent(&p));
        p2m_destroy(&p);
        EXPECT_EQ(p.nr_tables, 0u);
        EXPECT_TRUE(p.root == NULL);
    }
}

TEST(p2m_insert_gfn_2m_aligned_gives_2m_leaves)
{
    struct p2m p;
    gfn_t gfn = 7 * GIB_FRAMES + 3 * MIB2_FRAMES; /* crosses into the next 1 GiB */
    mfn_t mfn = 9 * GIB_FRAMES;
    unsigned int lo = 99;

    p2m_init(&p);
    ASSERT_EQ(p2m_insert(&p, gfn, mfn, 18), 0);
    EXPECT_EQ(p.nr_leaves, 512u);
    EXPECT_EQ(p.nr_pages, GIB_FRAMES);
    EXPECT_EQ(p.nr_tables, 4u); /* root, one level 2, two level 1 */
    EXPECT_EQ(p2m_lookup(&p, gfn + GIB_FRAMES - 1, &lo), mfn + GIB_FRAMES - 1);
    EXPECT_EQ(lo, 9u);
    EXPECT_TRUE(p2mt_check_consistent(&p));
    p2m_destroy(&p);
}

/* The guest frames alone choose the leaves (D102): one frame off a 1 GiB
 * boundary, 1 GiB is 511 + 1 leaves of 4 KiB at its ends and 511 of
 * 2 MiB whose machine frames are one frame off their alignment. */
TEST(p2m_insert_gfn_misaligned_gives_2m_leaves_inside)
{
    struct p2m p;
    gfn_t gfn = 3 * GIB_FRAMES + 1;
    mfn_t mfn = 2 * GIB_FRAMES;
    unsigned int lo = 99;

    p2m_init(&p);
    ASSERT_EQ(p2m_insert(&p, gfn, mfn, 18), 0);
    EXPECT_EQ(p.nr_leaves, 511u + 511 + 1);
    /* Root, level 2, two level 1 (crosses 1 GiB), two level 0 (the
     * partial 2 MiB regions at both ends). */
    EXPECT_EQ(p.nr_tables, 6u);
    EXPECT_EQ(p2m_lookup(&p, gfn + 12345, &lo), mfn + 12345);
    EXPECT_EQ(lo, 9u);
    EXPECT_EQ(p2m_lookup(&p, gfn + 510, &lo), mfn + 510);
    EXPECT_EQ(lo, 0u);
    EXPECT_EQ(p2m_lookup(&p, gfn + GIB_FRAMES - 1, &lo), mfn + GIB_FRAMES - 1);
    EXPECT_EQ(lo, 0u);
    EXPECT_TRUE(p2mt_check_consistent(&p));
    p2m_destroy(&p);
}

TEST(p2m_insert_order10_is_two_2m_leaves)
{
    struct p2m p;

    p2m_init(&p);
    ASSERT_EQ(p2m_insert(&p, 1024, 4096, 10), 0);
    EXPECT_EQ(p.nr_leaves, 2u);
    /* gfn only 2^9-aligned: still two 2 MiB leaves, now in different
     * 2^10 blocks, and the mfn is 2^10-aligned only. */
    ASSERT_EQ(p2m_insert(&p, 5 * 512, 1 << 20, 10), 0);
    EXPECT_EQ(p.nr_leaves, 4u);
    EXPECT_EQ(p2m_lookup(&p, 5 * 512 + 700, NULL), (1u << 20) + 700);
    EXPECT_TRUE(p2mt_check_consistent(&p));
    p2m_destroy(&p);
}

/* mfn alignment is not required; a gfn misaligned to the order mixes
 * leaf sizes. */
TEST(p2m_insert_misaligned_gfn_mixes_leaf_sizes)
{
    struct p2m p;
    struct leaves l = {0};

    p2m_init(&p);
    ASSERT_EQ(p2m_insert(&p, 256, 256, 10), 0);
    p2m_for_each(&p, p2mt_leaves_push, &l);
    ASSERT_EQ(l.n, 256u + 1 + 256);
    EXPECT_EQ(l.v[0].gfn, 256u);
    EXPECT_EQ(l.v[0].order, 0u);
    EXPECT_EQ(l.v[256].gfn, 512u);
    EXPECT_EQ(l.v[256].mfn, 512u);
    EXPECT_EQ(l.v[256].order, 9u);
    EXPECT_EQ(l.v[257].gfn, 1024u);
    EXPECT_EQ(l.v[257].order, 0u);
    EXPECT_TRUE(p2mt_check_consistent(&p));
    p2mt_leaves_free(&l);
    p2m_destroy(&p);
}

TEST(p2m_insert_overlap_is_eexist)
{
    struct p2m p;
    struct snap s;
    gfn_t g = 4 * GIB_FRAMES;

    p2m_init(&p);
    ASSERT_EQ(p2m_insert(&p, g, 0, 18), 0);
    ASSERT_EQ(p2m_insert(&p, 100, 1000, 0), 0);
    p2mt_snap_take(&p, &s);

    EXPECT_EQ(p2m_insert(&p, g, 1 << 20, 18), -EEXIST);
    EXPECT_EQ(p2m_insert(&p, g + 12345, 7, 0), -EEXIST);
    EXPECT_EQ(p2m_insert(&p, g + GIB_FRAMES - 512, 512, 9), -EEXIST);
    /* Misaligned: half in the superpage, half free. */
    EXPECT_EQ(p2m_insert(&p, g + GIB_FRAMES / 2, 1 << 18, 18), -EEXIST);
    EXPECT_EQ(p2m_insert(&p, g - GIB_FRAMES / 2, 1 << 18, 18), -EEXIST);
    /* Overlap on one 4K frame only. */
    EXPECT_EQ(p2m_insert(&p, 0, 512, 9), -EEXIST);
    EXPECT_EQ(p2m_insert(&p, 100, 512, 0), -EEXIST);
    EXPECT_EQ(p2m_insert(&p, 100 - 63, 64, 6), -EEXIST);
    EXPECT_FALSE(p2m_range_unmapped(&p, g + GIB_FRAMES - 1, 2));
    EXPECT_FALSE(p2m_range_unmapped(&p, 0, 101));
    EXPECT_TRUE(p2m_range_unmapped(&p, 0, 100));
    EXPECT_TRUE(p2m_range_unmapped(&p, 101, g - 101));
    EXPECT_TRUE(p2mt_snap_same(&p, &s));

    /* Neighbours are fine. */
    EXPECT_EQ(p2m_insert(&p, g + GIB_FRAMES, 1 << 18, 18), 0);
    EXPECT_EQ(p2m_insert(&p, g - 1, 5, 0), 0);
    EXPECT_EQ(p2m_insert(&p, 101, 6, 0), 0);
    EXPECT_EQ(p2m_insert(&p, 99, 7, 0), 0);
    EXPECT_EQ(p.nr_pages, 2 * GIB_FRAMES + 4);
    EXPECT_TRUE(p2mt_check_consistent(&p));
    p2mt_leaves_free(&s.l);
    p2m_destroy(&p);
}

TEST(p2m_insert_out_of_range_is_einval)
{
    struct p2m p;
    mfn_t mfn_top = ((mfn_t)1 << 40);

    p2m_init(&p);
    EXPECT_EQ(p2m_insert(&p, P2M_MAX_GFN, 0, 0), -EINVAL);
    EXPECT_EQ(p2m_insert(&p, P2M_MAX_GFN - 1, 0, 1), -EINVAL);
    EXPECT_EQ(p2m_insert(&p, P2M_MAX_GFN - GIB_FRAMES + 512, 0, 18), -EINVAL);
    EXPECT_EQ(p2m_insert(&p, ~(gfn_t)0 - 10, 0, 18), -EINVAL);
    EXPECT_EQ(p2m_insert(&p, 0, 0, MAX_ORDER + 1), -EINVAL);
    EXPECT_EQ(p2m_insert(&p, 0, 0, 64), -EINVAL);
    EXPECT_EQ(p2m_insert(&p, 0, ~0u, 1000), -EINVAL);
    EXPECT_EQ(p2m_insert(&p, 0, INVALID_MFN, 0), -EINVAL);
    EXPECT_EQ(p2m_insert(&p, 0, mfn_top, 0), -EINVAL);
    EXPECT_EQ(p2m_insert(&p, 0, mfn_top - 256, 9), -EINVAL);
    EXPECT_EQ(p.nr_tables, 0u);
    EXPECT_EQ(p.nr_pages, 0u);
    EXPECT_TRUE(p.root == NULL);

    /* The last frames of both spaces are usable. */
    EXPECT_EQ(p2m_insert(&p, P2M_MAX_GFN - 1, mfn_top - 1, 0), 0);
    EXPECT_EQ(p2m_insert(&p, P2M_MAX_GFN - 2 * GIB_FRAMES, mfn_top - GIB_FRAMES, 18), 0);
    EXPECT_EQ(p2m_lookup(&p, P2M_MAX_GFN - 1, NULL), mfn_top - 1);
    EXPECT_EQ(p2m_lookup(&p, P2M_MAX_GFN, NULL), INVALID_MFN);
    EXPECT_EQ(p2m_lookup(&p, ~(gfn_t)0, NULL), INVALID_MFN);
    EXPECT_TRUE(p2m_range_mapped(&p, P2M_MAX_GFN - 1, 1));
    EXPECT_FALSE(p2m_range_mapped(&p, P2M_MAX_GFN - 1, 2));
    EXPECT_FALSE(p2m_range_mapped(&p, ~(gfn_t)0, 2));
    EXPECT_TRUE(p2m_range_mapped(&p, 0, 0));
    EXPECT_TRUE(p2m_range_unmapped(&p, 0, P2M_MAX_GFN - 2 * GIB_FRAMES));
    EXPECT_FALSE(p2m_range_unmapped(&p, 0, P2M_MAX_GFN - 2 * GIB_FRAMES + 1));
    EXPECT_TRUE(p2m_range_unmapped(&p, P2M_MAX_GFN - GIB_FRAMES, GIB_FRAMES - 1));
    EXPECT_FALSE(p2m_range_unmapped(&p, P2M_MAX_GFN - 2, 3)); /* leaves the space */
    EXPECT_FALSE(p2m_range_unmapped(&p, P2M_MAX_GFN, 1));
    EXPECT_TRUE(p2mt_check_consistent(&p));
    p2m_destroy(&p);
}

/* The populate path's insert skips the second walk of a range it has just
 * checked; it must build exactly what p2m_insert builds and keep the
 * argument checks. */
TEST(p2m_insert_unmapped_builds_what_insert_builds)
{
    static const struct {
        gfn_t gfn;
        mfn_t mfn;
        unsigned int order;
    } cases[] = {
        {5 * GIB_FRAMES, (mfn_t)7 << 18, 18},     /* one 1 GiB leaf */
        {3 * GIB_FRAMES + 1, (mfn_t)9 << 18, 18}, /* misaligned: 4 KiB and 2 MiB leaves */
        {0, 4096, 9},                             /* one 2 MiB leaf */
        {1537, 77, 0},                            /* one 4 KiB leaf */
    };
    struct p2m a, b;

    p2m_init(&a);
    p2m_init(&b);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        gfn_t nr = ORDER_PAGES(cases[i].order);

        EXPECT_EQ(p2m_insert(&a, cases[i].gfn, cases[i].mfn, cases[i].order), 0);
        EXPECT_EQ(p2m_insert_unmapped(&b, cases[i].gfn, cases[i].mfn, cases[i].order), 0);
        EXPECT_EQ(a.nr_pages, b.nr_pages);
        EXPECT_EQ(a.nr_leaves, b.nr_leaves);
        EXPECT_EQ(a.nr_tables, b.nr_tables);
        EXPECT_EQ(p2m_lookup(&b, cases[i].gfn, NULL), cases[i].mfn);
        EXPECT_EQ(p2m_lookup(&b, cases[i].gfn + nr - 1, NULL), cases[i].mfn + nr - 1);
        EXPECT_EQ(p2m_lookup(&b, cases[i].gfn + nr, NULL), p2m_lookup(&a, cases[i].gfn + nr, NULL));
    }
    EXPECT_EQ(p2m_insert_unmapped(&b, P2M_MAX_GFN, 0, 0), -EINVAL);
    EXPECT_EQ(p2m_insert_unmapped(&b, 0, 0, MAX_ORDER + 1), -EINVAL);
    EXPECT_EQ(p2m_insert_unmapped(&b, 0, INVALID_MFN, 0), -EINVAL);
    EXPECT_EQ(a.nr_pages, b.nr_pages);
    EXPECT_TRUE(p2mt_check_consistent(&b));
    p2m_destroy(&a);
    p2m_destroy(&b);
}

/* ---- remove ------------------------------------------------------------- */

TEST(p2m_remove_4k_from_middle_of_1g)
{
    struct p2m p;
    struct runs got = {0};
    gfn_t g = 6 * GIB_FRAMES, hole = g + 100 * MIB2_FRAMES + 77;
    mfn_t m = 11 * GIB_FRAMES;
    unsigned int lo = 99;

    p2m_init(&p);
    ASSERT_EQ(p2m_insert(&p, g, m, 18), 0);
    EXPECT_EQ(p.nr_leaves, 1u);
    EXPECT_EQ(p.nr_tables, 2u);

    ASSERT_EQ(p2m_remove(&p, hole, 1, p2mt_runs_push, &got), 0);
    ASSERT_EQ(got.n, 1u);
    EXPECT_EQ(got.v[0].gfn, hole);
    EXPECT_EQ(got.v[0].mfn, m + (hole - g));
    EXPECT_EQ(got.v[0].nr, 1u);

    EXPECT_EQ(p.nr_pages, GIB_FRAMES - 1);
    EXPECT_EQ(p.nr_leaves, 511u + 511u); /* 511 2 MiB + 511 4 KiB */
    EXPECT_EQ(p.nr_tables, 4u);
    EXPECT_EQ(p2m_lookup(&p, hole, NULL), INVALID_MFN);
    EXPECT_EQ(p2m_lookup(&p, hole - 1, &lo), m + (hole - 1 - g));
    EXPECT_EQ(lo, 0u);
    EXPECT_EQ(p2m_lookup(&p, hole + 1, &lo), m + (hole + 1 - g));
    EXPECT_EQ(lo, 0u);
    EXPECT_EQ(p2m_lookup(&p, g, &lo), m);
    EXPECT_EQ(lo, 9u);
    EXPECT_EQ(p2m_lookup(&p, g + GIB_FRAMES - 1, &lo), m + GIB_FRAMES - 1);
    EXPECT_EQ(lo, 9u);
    EXPECT_FALSE(p2m_range_mapped(&p, g, GIB_FRAMES));
    EXPECT_TRUE(p2m_range_mapped(&p, g, hole - g));
    EXPECT_TRUE(p2m_range_mapped(&p, hole + 1, g + GIB_FRAMES - hole - 1));
    EXPECT_TRUE(p2mt_check_consistent(&p));
    p2mt_runs_free(&got);
    p2m_destroy(&p);
}

TEST(p2m_remove_whole_range_reports_one_run)
{
    static const struct {
        gfn_t gfn;
        unsigned int order;
    } cases[] = {
        {2 * GIB_FRAMES, 18},      {2 * GIB_FRAMES + 512, 18}, {2 * GIB_FRAMES + 5, 18},
        {2 * GIB_FRAMES + 512, 9}, {2 * GIB_FRAMES + 3, 4},    {2 * GIB_FRAMES, 12},
    };

    for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
        struct p2m p;
        struct runs got = {0};
        gfn_t g = cases[c].gfn, nr = ORDER_PAGES(cases[c].order);

        p2m_init(&p);
        /* A neighbour keeps the upper tables alive. */
        ASSERT_EQ(p2m_insert(&p, 0, 1, 0), 0);
        ASSERT_EQ(p2m_insert(&p, g, 3 * GIB_FRAMES, cases[c].order), 0);
        ASSERT_EQ(p2m_remove(&p, g, nr, p2mt_runs_push, &got), 0);
        /* However many leaves the insert made: one run, all of it. */
        ASSERT_EQ(got.n, 1u);
        EXPECT_EQ(got.v[0].gfn, g);
        EXPECT_EQ(got.v[0].mfn, 3 * GIB_FRAMES);
        EXPECT_EQ(got.v[0].nr, nr);
        EXPECT_EQ(p.nr_pages, 1u);
        EXPECT_EQ(p.nr_leaves, 1u);
        EXPECT_EQ(p.nr_tables, 4u);
        EXPECT_TRUE(p2mt_check_consistent(&p));

        /* Removing the last frame frees every table, root included. */
        ASSERT_EQ(p2m_remove(&p, 0, 1, NULL, NULL), 0);
        EXPECT_EQ(p.nr_tables, 0u);
        EXPECT_TRUE(p.root == NULL);
        EXPECT_EQ(p2m_bytes(&p), 0u);
        p2mt_runs_free(&got);
        p2m_destroy(&p);
    }
}

TEST(p2m_remove_across_leaves_shatters_both_ends)
{
    struct p2m p;
    struct runs got = {0};
    gfn_t g = 8 * GIB_FRAMES;
    gfn_t from = g + GIB_FRAMES - 2 * MIB2_FRAMES - 5, to = g + GIB_FRAMES + 2 * MIB2_FRAMES + 9;

    p2m_init(&p);
    ASSERT_EQ(p2m_insert(&p, g, 0, 18), 0);
    ASSERT_EQ(p2m_insert(&p, g + GIB_FRAMES, 5 * GIB_FRAMES, 18), 0);
    ASSERT_EQ(p2m_remove(&p, from, to - from, p2mt_runs_push, &got), 0);
    /* 5 4K + 2 2M leaves from the first, 2 2M + 9 4K from the second: one
     * run from each, as their machine frames do not follow each other. */
    ASSERT_EQ(got.n, 2u);
    EXPECT_EQ(got.v[0].gfn, from);
    EXPECT_EQ(got.v[0].mfn, from - g);
    EXPECT_EQ(got.v[0].nr, g + GIB_FRAMES - from);
    EXPECT_EQ(got.v[1].gfn, g + GIB_FRAMES);
    EXPECT_EQ(got.v[1].mfn, 5 * GIB_FRAMES);
    EXPECT_EQ(got.v[1].nr, to - g - GIB_FRAMES);
    /* Left: 509 2M + 507 4K of the first, 503 4K + 509 2M of the second. */
    EXPECT_EQ(p.nr_leaves, 509u + 507 + 503 + 509);
    EXPECT_EQ(p.nr_pages, 2 * GIB_FRAMES - (to - from));
    EXPECT_EQ(p2m_lookup(&p, from - 1, NULL), from - 1 - g);
    EXPECT_EQ(p2m_lookup(&p, to, NULL), to - g - GIB_FRAMES + 5 * GIB_FRAMES);
    EXPECT_TRUE(p2mt_check_consistent(&p));
    p2mt_runs_free(&got);
    p2m_destroy(&p);
}

static void count_calls(void *ctx, gfn_t gfn, mfn_t mfn, unsigned long nr)
{
    (*(unsigned long *)ctx)++;
}

TEST(p2m_remove_hole_is_enoent)
{
    struct p2m p;
    struct snap s;
    unsigned long calls = 0;
    gfn_t g = GIB_FRAMES;

    p2m_init(&p);
    EXPECT_EQ(p2m_remove(&p, 0, 1, count_calls, &calls), -ENOENT);
    EXPECT_EQ(p2m_remove(&p, 0, 0, count_calls, &calls), 0);
    ASSERT_EQ(p2m_insert(&p, g, 0, 18), 0);
    ASSERT_EQ(p2m_insert(&p, g + GIB_FRAMES + 1, 1, 0), 0);
    p2mt_snap_take(&p, &s);

    /* One unmapped frame between the two. */
    EXPECT_EQ(p2m_remove(&p, g + 10, GIB_FRAMES, count_calls, &calls), -ENOENT);
    EXPECT_EQ(p2m_remove(&p, g - 1, 2, count_calls, &calls), -ENOENT);
    EXPECT_EQ(p2m_remove(&p, g + GIB_FRAMES, 1, count_calls, &calls), -ENOENT);
    EXPECT_EQ(p2m_remove(&p, g + GIB_FRAMES + 1, 2, count_calls, &calls), -ENOENT);
    EXPECT_EQ(p2m_remove(&p, P2M_MAX_GFN - 1, 2, count_calls, &calls), -ENOENT);
    EXPECT_EQ(p2m_remove(&p, ~(gfn_t)0, 2, count_calls, &calls), -ENOENT);
    EXPECT_EQ(p2m_remove(&p, g + 5, 0, count_calls, &calls), 0);
    EXPECT_EQ(calls, 0u);
    /* No shatter happened either: nothing changed at all. */
    EXPECT_TRUE(p2mt_snap_same(&p, &s));
    EXPECT_TRUE(p2mt_check_consistent(&p));
    p2mt_leaves_free(&s.l);
    p2m_destroy(&p);
}

/* ---- allocation failure ------------------------------------------------- */

/* Some mappings around the target, so that an insert shares tables. */
static void populate_neighbours(struct p2m *p)
{
    EXPECT_EQ(p2m_insert(p, ((gfn_t)1 << 27) - GIB_FRAMES, 42, 0), 0);
    EXPECT_EQ(p2m_insert(p, ((gfn_t)1 << 27) + 7 * GIB_FRAMES, 0, 18), 0);
}

TEST(p2m_insert_enomem_at_every_allocation)
{
    static const struct {
        gfn_t gfn;
        unsigned int order;
        bool neighbours;
        long allocs; /* tables the insert needs */
    } cases[] = {
        {0, 0, false, 4},
        {3 * GIB_FRAMES, 18, false, 2},
        /* 8 MiB crossing a 512 GiB boundary, 3 frames off 2 MiB: root,
         * two level 2, two level 1 and two level 0 tables (for the 4K
         * leaves at both ends; the three whole 2 MiB regions between are
         * leaves).  Every kind of table, kept small: each failure point
         * costs a whole attempt. */
        {((gfn_t)1 << 27) - 1024 + 3, 11, false, 7},
        /* The same, sharing the root, both level 2 tables and the lower
         * level 1 table with the neighbours. */
        {((gfn_t)1 << 27) - 1024 + 3, 11, true, 3},
        /* 1 GiB one frame off: root, level 2, two level 1, two level 0. */
        {5 * GIB_FRAMES + 1, 18, false, 6},
        {((gfn_t)1 << 27) - 3 * MIB2_FRAMES, 12, true, 1},
        {((gfn_t)1 << 27) + 2 * MIB2_FRAMES, 9, true, 1},
        /* Lands in the neighbour's level 0 table: nothing to allocate. */
        {((gfn_t)1 << 27) - GIB_FRAMES + 100, 2, true, 0},
    };

    for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
        struct p2m p;
        struct snap s;
        long k;
        int rc = -ENOMEM;

        p2m_init(&p);
        if (cases[c].neighbours)
            populate_neighbours(&p);
        p2mt_snap_take(&p, &s);
        for (k = 0; k < 100000; k++) {
            p2m_test_fail_alloc_after(k);
            rc = p2m_insert(&p, cases[c].gfn, 1 << 20, cases[c].order);
            p2m_test_fail_alloc_after(-1);
            if (rc != -ENOMEM)
                break;
            if (!p2mt_snap_same(&p, &s)) {
                test_fail(__FILE__, __LINE__, "case %zu: state changed after -ENOMEM at %ld", c, k);
                break;
            }
        }
        EXPECT_EQ(rc, 0);
        EXPECT_EQ(k, cases[c].allocs);
        /* k allocations succeeded: that is exactly the tables added. */
        EXPECT_EQ(p.nr_tables, s.nr_tables + (unsigned long)k);
        EXPECT_EQ(p.nr_pages, s.nr_pages + ORDER_PAGES(cases[c].order));
        EXPECT_TRUE(p2mt_check_consistent(&p));
        test_note("case %zu: %ld table allocations", c, k);
        p2mt_leaves_free(&s.l);
        p2m_destroy(&p);
    }
}

TEST(p2m_remove_enomem_at_every_split)
{
    /* Remove [from, to): both ends inside 1 GiB leaves at 4K, so four
     * shatters (two per end). */
    gfn_t g = 2 * GIB_FRAMES;
    gfn_t from = g + 1000, to = g + GIB_FRAMES + 3 * MIB2_FRAMES + 1;
    long k;

    for (k = 0;; k++) {
        struct p2m p;
        unsigned long calls = 0;
        int rc;

        p2m_init(&p);
        ASSERT_EQ(p2m_insert(&p, g, 0, 18), 0);
        ASSERT_EQ(p2m_insert(&p, g + GIB_FRAMES, 1 << 20, 18), 0);
        p2m_test_fail_alloc_after(k);
        rc = p2m_remove(&p, from, to - from, count_calls, &calls);
        p2m_test_fail_alloc_after(-1);
        if (rc == -ENOMEM) {
            EXPECT_EQ(calls, 0u);
            EXPECT_EQ(p.nr_pages, 2 * GIB_FRAMES);
            EXPECT_TRUE(p2m_range_mapped(&p, g, 2 * GIB_FRAMES));
            EXPECT_EQ(p2m_lookup(&p, from, NULL), 1000u);
            EXPECT_EQ(p2m_lookup(&p, to - 1, NULL), (1u << 20) + 3 * MIB2_FRAMES);
            EXPECT_EQ(p2m_lookup(&p, g + GIB_FRAMES - 1, NULL), GIB_FRAMES - 1);
            EXPECT_TRUE(p2mt_check_consistent(&p));
            /* The same remove succeeds once memory is back. */
            calls = 0;
            EXPECT_EQ(p2m_remove(&p, from, to - from, count_calls, &calls), 0);
        } else {
            EXPECT_EQ(rc, 0);
        }
        EXPECT_EQ(p.nr_pages, 2 * GIB_FRAMES - (to - from));
        EXPECT_EQ(p2m_lookup(&p, from - 1, NULL), 999u);
        EXPECT_EQ(p2m_lookup(&p, to, NULL), (1u << 20) + 3 * MIB2_FRAMES + 1);
        EXPECT_TRUE(p2mt_check_consistent(&p));
        p2m_destroy(&p);
        if (rc == 0 || k > 10 || test_failed())
            break;
    }
    EXPECT_EQ(k, 4);
}

/* ---- randomised comparison with a reference ----------------------------- */

/*
 * The reference covers three windows of the gfn space: the bottom, one
 * straddling the first 512 GiB (root entry) boundary, and the top.  Each
 * op stays inside one window; the p2m must never map anything outside.
 */
#define WIN_BITS   19
#define WIN_FRAMES ((gfn_t)1 << WIN_BITS)
#define NR_WINS    3

struct ref {
    gfn_t base[NR_WINS];
    mfn_t *m[NR_WINS]; /* INVALID_MFN: unmapped */
    unsigned long count;
    gfn_t last_gfn_end; /* where the last insert ended, in both spaces */
    mfn_t last_mfn_end;
};

static mfn_t *ref_at(struct ref *r, gfn_t gfn)
{
    for (unsigned int w = 0; w < NR_WINS; w++)
        if (gfn >= r->base[w] && gfn - r->base[w] < WIN_FRAMES)
            return &r->m[w][gfn - r->base[w]];
    return NULL;
}

/* Every frame of [gfn, gfn + nr) (inside one window) mapped / unmapped. */
static bool ref_all(struct ref *r, gfn_t gfn, gfn_t nr, bool mapped)
{
    mfn_t *m = ref_at(r, gfn);

    for (gfn_t i = 0; i < nr; i++)
        if ((m[i] != INVALID_MFN) != mapped)
            return false;
    return true;
}

struct remove_check {
    struct ref *r;
    gfn_t next;
    mfn_t mfn_end; /* of the previous run */
    unsigned long runs;
    bool ok;
};

/* A removed run: the next one in order, inside one window, mapped as the
 * reference says, and maximal (it does not continue the previous run in
 * machine frames too, else the two would be one). */
static void remove_cb(void *ctx, gfn_t gfn, mfn_t mfn, unsigned long nr)
{
    struct remove_check *c = ctx;
    mfn_t *m = ref_at(c->r, gfn);

    if (gfn != c->next || nr == 0 || !m || ref_at(c->r, gfn + nr - 1) != m + nr - 1 ||
        (c->runs && mfn == c->mfn_end)) {
        c->ok = false;
        return;
    }
    for (gfn_t i = 0; i < nr; i++)
        if (m[i] != mfn + i)
            c->ok = false;
    c->next = gfn + nr;
    c->mfn_end = mfn + nr;
    c->runs++;
}

/* p2m_for_each_run against the reference: ascending, maximal runs that
 * cover what the leaves do. */
struct run_check {
    struct ref *r;
    gfn_t gfn_end;
    mfn_t mfn_end;
    unsigned long frames, runs;
    bool ok;
};

static void run_check_cb(void *ctx, gfn_t gfn, mfn_t mfn, unsigned long nr)
{
    struct run_check *c = ctx;
    mfn_t *m = ref_at(c->r, gfn);

    if (!c->ok)
        return;
    if (nr == 0 || !m || ref_at(c->r, gfn + nr - 1) != m + nr - 1 ||
        (c->runs && (gfn < c->gfn_end || (gfn == c->gfn_end && mfn == c->mfn_end)))) {
        c->ok = false;
        return;
    }
    for (gfn_t i = 0; i < nr; i++)
        if (m[i] != mfn + i)
            c->ok = false;
    c->gfn_end = gfn + nr;
    c->mfn_end = mfn + nr;
    c->frames += nr;
    c->runs++;
}

/* The whole p2m against the reference, frame by frame, as leaves and as
 * runs. */
static bool full_compare(const struct p2m *p, struct ref *r)
{
    struct leaves l = {0};
    struct run_check rc = {.r = r, .ok = true};
    unsigned long frames = 0;
    bool ok = true;

    p2m_for_each(p, p2mt_leaves_push, &l);
    for (size_t i = 0; i < l.n && ok; i++) {
        gfn_t size = ORDER_PAGES(l.v[i].order);
        mfn_t *m = ref_at(r, l.v[i].gfn);

        if (!m || m != ref_at(r, l.v[i].gfn + size - 1) - (size - 1)) {
            test_fail(__FILE__, __LINE__, "leaf %#lx outside the windows",
                      (unsigned long)l.v[i].gfn);
            ok = false;
            break;
        }
        for (gfn_t j = 0; j < size; j++)
            if (m[j] != l.v[i].mfn + j)
                ok = false;
        frames += size;
    }
    if (!ok || frames != r->count)
        test_fail(__FILE__, __LINE__, "p2m differs from the reference (%lu vs %lu frames)", frames,
                  r->count);
    p2m_for_each_run(p, run_check_cb, &rc);
    if (!rc.ok || rc.frames != r->count || rc.runs > l.n) {
        test_fail(__FILE__, __LINE__, "runs differ from the reference (%lu runs, %lu frames)",
                  rc.runs, rc.frames);
        ok = false;
    }
    p2mt_leaves_free(&l);
    return ok && frames == r->count;
}

static unsigned int random_order(struct test_rng *rng)
{
    switch (test_rng_below(rng, 5)) {
    case 0:
        return 0;
    case 1:
        return 9;
    case 2:
        return 18;
    default:
        return (unsigned int)test_rng_below(rng, MAX_ORDER + 1);
    }
}

/* A random gfn for a range of nr frames in window w, often aligned. */
static gfn_t random_gfn(struct test_rng *rng, struct ref *r, unsigned int w, gfn_t nr,
                        unsigned int order)
{
    gfn_t off = test_rng_below(rng, WIN_FRAMES - nr + 1);

    /* Bases are 1 GiB aligned, so aligning the offset aligns the gfn. */
    switch (test_rng_below(rng, 8)) {
    case 0:
    case 1:
    case 2: /* aligned to the order: largest leaves */
        off &= ~(ORDER_PAGES(order) - 1);
        break;
    case 3:
    case 4:
    case 5: /* aligned to 2 MiB (or the order if smaller) */
        off &= ~(ORDER_PAGES(MIN(order, 9u)) - 1);
        break;
    case 6: /* anywhere: 4 KiB leaves at the ends, 2 MiB between */
        break;
    default: /* misaligned if small, else like case 0 */
        if (order > 9)
            off &= ~(ORDER_PAGES(order) - 1);
        break;
    }
    return r->base[w] + off;
}

/* The machine frame for an insert of nr frames: aligned to nr as the heap
 * hands them out, or anywhere. */
static mfn_t random_mfn(struct test_rng *rng, gfn_t nr)
{
    mfn_t mfn = test_rng_next(rng) & (((mfn_t)1 << 39) - 1);

    return test_rng_below(rng, 4) ? mfn & ~(nr - 1) : mfn;
}

static void random_insert(struct test_rng *rng, struct p2m *p, struct ref *r)
{
    unsigned int w = (unsigned int)test_rng_below(rng, NR_WINS);
    unsigned int order = random_order(rng);
    gfn_t nr = ORDER_PAGES(order);
    gfn_t g = random_gfn(rng, r, w, nr, order);
    mfn_t mfn = random_mfn(rng, nr);
    bool free_range;
    int rc;

    /* Now and then right after the last insert in both frame spaces, so
     * that runs join leaves of several inserts. */
    if (test_rng_below(rng, 4) == 0) {
        mfn_t *end = ref_at(r, r->last_gfn_end + nr - 1);

        if (ref_at(r, r->last_gfn_end) && end == ref_at(r, r->last_gfn_end) + nr - 1) {
            g = r->last_gfn_end;
            mfn = r->last_mfn_end;
        }
    }
    free_range = ref_all(r, g, nr, false);
    rc = p2m_insert(p, g, mfn, order);
    EXPECT_EQ(rc, free_range ? 0 : -EEXIST);
    if (rc == 0) {
        mfn_t *m = ref_at(r, g);

        for (gfn_t i = 0; i < nr; i++)
            m[i] = mfn + i;
        r->count += nr;
        r->last_gfn_end = g + nr;
        r->last_mfn_end = mfn + nr;
    }
}

static void random_remove(struct test_rng *rng, struct p2m *p, struct ref *r)
{
    unsigned int w = (unsigned int)test_rng_below(rng, NR_WINS);
    gfn_t limit = ORDER_PAGES(test_rng_below(rng, 20)), g = 0, nr = 0;
    struct remove_check c = {.r = r, .ok = true};
    bool mapped;
    int rc;

    if (test_rng_below(rng, 5) == 0) {
        /* Anywhere: mostly holes. */
        nr = 1 + test_rng_below(rng, limit);
        g = r->base[w] + test_rng_below(rng, WIN_FRAMES - nr + 1);
    } else {
        /* From a mapped frame, along its mapped run. */
        for (int tries = 0; tries < 32 && nr == 0; tries++) {
            g = r->base[w] + test_rng_below(rng, WIN_FRAMES);
            if (*ref_at(r, g) == INVALID_MFN)
                continue;
            while (nr < limit && g + nr - r->base[w] < WIN_FRAMES &&
                   *ref_at(r, g + nr) != INVALID_MFN)
                nr++;
            nr = 1 + test_rng_below(rng, nr);
        }
        if (nr == 0)
            return;
    }
    mapped = ref_all(r, g, nr, true);
    c.next = g;
    rc = p2m_remove(p, g, nr, remove_cb, &c);
    EXPECT_EQ(rc, mapped ? 0 : -ENOENT);
    if (rc == 0) {
        mfn_t *m = ref_at(r, g);

        EXPECT_TRUE(c.ok);
        EXPECT_EQ(c.next, g + nr);
        for (gfn_t i = 0; i < nr; i++)
            m[i] = INVALID_MFN;
        r->count -= nr;
    } else {
        EXPECT_EQ(c.next, g); /* no callback */
    }
}

/* Lookups and range queries at random points against the reference. */
static void random_probe(struct test_rng *rng, const struct p2m *p, struct ref *r)
{
    for (int i = 0; i < 64; i++) {
        unsigned int w = (unsigned int)test_rng_below(rng, NR_WINS);
        gfn_t g = r->base[w] + test_rng_below(rng, WIN_FRAMES);
        gfn_t nr = 1 + test_rng_below(rng, ORDER_PAGES(test_rng_below(rng, 12)));

        EXPECT_EQ(p2m_lookup(p, g, NULL), *ref_at(r, g));
        if (g - r->base[w] + nr <= WIN_FRAMES) {
            EXPECT_EQ(p2m_range_mapped(p, g, nr), ref_all(r, g, nr, true));
            EXPECT_EQ(p2m_range_unmapped(p, g, nr), ref_all(r, g, nr, false));
        }
    }
}

TEST(p2m_random_vs_reference)
{
    struct test_rng rng;
    struct p2m p;
    struct ref r = {.base = {0, ((gfn_t)1 << 27) - WIN_FRAMES / 2, P2M_MAX_GFN - WIN_FRAMES}};
    unsigned long inserts = 0, removes = 0, max_pages = 0, max_tables = 0;
    const int ops = (int)MIN(test_scaled(3000), (unsigned long)INT_MAX);

    test_rng_init(&rng, test_seed());
    for (unsigned int w = 0; w < NR_WINS; w++) {
        r.m[w] = malloc(WIN_FRAMES * sizeof(mfn_t));
        ASSERT_TRUE(r.m[w] != NULL);
        for (gfn_t i = 0; i < WIN_FRAMES; i++)
            r.m[w][i] = INVALID_MFN;
    }
    p2m_init(&p);

    for (int op = 0; op < ops && !test_failed(); op++) {
        unsigned long before = p.nr_pages;

        /* Phases that fill up and drain again, so both full and empty
         * trees (root freed) are visited. */
        if (test_rng_below(&rng, 100) < ((op / 500) % 2 ? 35u : 65u))
            random_insert(&rng, &p, &r);
        else
            random_remove(&rng, &p, &r);
        inserts += p.nr_pages > before;
        removes += p.nr_pages < before;
        max_pages = MAX(max_pages, p.nr_pages);
        max_tables = MAX(max_tables, p.nr_tables);

        /* Every op: the page count and sampled lookups.  A pass over all
         * leaves (structure, every counter) costs O(leaves), up to 10^5
         * here: every 8th op, so a broken op is still caught within 8
         * (replay with its seed); and now and then every frame. */
        EXPECT_EQ(p.nr_pages, r.count);
        random_probe(&rng, &p, &r);
        if (op % 8 == 0)
            EXPECT_TRUE(p2mt_check_p2m(&p, false));
        if (op % 250 == 0 || op == ops - 1) {
            EXPECT_TRUE(p2mt_check_consistent(&p));
            EXPECT_TRUE(full_compare(&p, &r));
        }
    }
    test_note("%lu inserts, %lu removes done; peak %lu pages, %lu tables", inserts, removes,
              max_pages, max_tables);
    EXPECT_GT(inserts, (unsigned long)ops / 10);
    EXPECT_GT(removes, (unsigned long)ops / 10);

    /* Drain everything, one mapped run at a time: every table goes. */
    for (unsigned int w = 0; w < NR_WINS; w++) {
        for (gfn_t i = 0, run; i < WIN_FRAMES; i += run ? run : 1) {
            for (run = 0; i + run < WIN_FRAMES && r.m[w][i + run] != INVALID_MFN; run++)
                r.m[w][i + run] = INVALID_MFN;
            if (run) {
                EXPECT_EQ(p2m_remove(&p, r.base[w] + i, run, NULL, NULL), 0);
                r.count -= run;
            }
        }
        free(r.m[w]);
    }
    EXPECT_EQ(r.count, 0u);
    EXPECT_EQ(p.nr_pages, 0u);
    EXPECT_EQ(p.nr_leaves, 0u);
    EXPECT_EQ(p.nr_tables, 0u);
    EXPECT_TRUE(p.root == NULL);
    p2m_destroy(&p);
}

/* ---- footprint ---------------------------------------------------------- */

TEST(p2m_1tib_of_1g_leaves_is_a_few_tables)
{
    struct p2m p;
    const unsigned int n = 1024; /* 1 TiB = 2^28 frames */

    p2m_init(&p);
    for (unsigned int i = 0; i < n; i++)
        ASSERT_EQ(p2m_insert(&p, (gfn_t)i * GIB_FRAMES, (mfn_t)(n - 1 - i) * GIB_FRAMES, 18), 0);
    EXPECT_EQ(p.nr_pages, (unsigned long)n * GIB_FRAMES);
    EXPECT_EQ(p.nr_leaves, n);
    EXPECT_EQ(p.nr_tables, 3u); /* root + two level 2 tables (512 GiB each) */
    EXPECT_EQ(p2m_bytes(&p), 3u * 4096);
    EXPECT_TRUE(p2m_range_mapped(&p, 0, (unsigned long)n * GIB_FRAMES));
    EXPECT_EQ(p2m_lookup(&p, 700 * GIB_FRAMES + 5, NULL), (mfn_t)323 * GIB_FRAMES + 5);
    EXPECT_TRUE(p2mt_check_consistent(&p));
    test_note("1 TiB mapped with 1 GiB leaves: %lu leaves, %lu tables, %zu bytes of p2m",
              p.nr_leaves, p.nr_tables, p2m_bytes(&p));
    p2m_destroy(&p);
    EXPECT_EQ(p.nr_tables, 0u);
    EXPECT_EQ(p.nr_pages, 0u);
}

TEST(p2m_for_each_ascending_after_unordered_inserts)
{
    struct p2m p;
    struct leaves l = {0};
    static const gfn_t gfns[] = {P2M_MAX_GFN - 1, 5, ((gfn_t)1 << 27) + 3, 1 << 9, 4, 1 << 18};

    p2m_init(&p);
    for (size_t i = 0; i < ARRAY_LEN(gfns); i++)
        ASSERT_EQ(p2m_insert(&p, gfns[i], 100 + i, 0), 0);
    p2m_for_each(&p, p2mt_leaves_push, &l);
    ASSERT_EQ(l.n, ARRAY_LEN(gfns));
    EXPECT_EQ(l.v[0].gfn, 4u);
    EXPECT_EQ(l.v[1].gfn, 5u);
    EXPECT_EQ(l.v[2].gfn, 1u << 9);
    EXPECT_EQ(l.v[3].gfn, 1u << 18);
    EXPECT_EQ(l.v[4].gfn, ((gfn_t)1 << 27) + 3);
    EXPECT_EQ(l.v[5].gfn, P2M_MAX_GFN - 1);
    EXPECT_EQ(l.v[5].mfn, 100u);
    EXPECT_TRUE(p2mt_check_consistent(&p));
    p2mt_leaves_free(&l);
    p2m_destroy(&p);
    /* A destroyed p2m is an empty one, usable again. */
    EXPECT_EQ(p2m_insert(&p, 0, 0, 18), 0);
    EXPECT_EQ(p.nr_tables, 2u);
    p2m_destroy(&p);
}

/* ---- table pool and live-entry counts (decisions D75, D76) -------------- */

/*
 * A steady state of populating and decreasing one frame reuses the same
 * four tables: after the first pair they are all on the pool, none in the
 * tree, and the pool never grows past what one extent needs.  The tables
 * come back zeroed: a later insert elsewhere in a reused table maps only
 * what it was asked to.
 */
TEST(p2m_pool_reuses_emptied_tables)
{
    struct p2m p;
    unsigned int first_pool;

    p2m_init(&p);
    ASSERT_EQ(p2m_insert(&p, 0x12345, 0x777, 0), 0);
    EXPECT_EQ(p.nr_tables, 4u);
    EXPECT_EQ(p.nr_pool, 0u);
    ASSERT_EQ(p2m_remove(&p, 0x12345, 1, NULL, NULL), 0);
    EXPECT_EQ(p.nr_tables, 0u);
    EXPECT_TRUE(p.root == NULL);
    first_pool = p.nr_pool;
    EXPECT_EQ(first_pool, 4u);
    for (unsigned int i = 0; i < 1000; i++) {
        gfn_t gfn = 0x12345 + (gfn_t)i * 7919;

        ASSERT_EQ(p2m_insert(&p, gfn, 0x777 + i, 0), 0);
        EXPECT_EQ(p.nr_tables, 4u);
        EXPECT_EQ(p.nr_pool, 0u);
        ASSERT_TRUE(p2mt_check_consistent(&p));
        ASSERT_EQ(p2m_remove(&p, gfn, 1, NULL, NULL), 0);
        ASSERT_EQ(p.nr_pool, first_pool);
    }
    /* A reused table holds nothing but what is inserted now. */
    ASSERT_EQ(p2m_insert(&p, 5 * GIB_FRAMES + 3, 0x999, 0), 0);
    EXPECT_EQ(p.nr_leaves, 1u);
    EXPECT_EQ(p2m_lookup(&p, 5 * GIB_FRAMES + 2, NULL), INVALID_MFN);
    EXPECT_EQ(p2m_lookup(&p, 5 * GIB_FRAMES + 4, NULL), INVALID_MFN);
    EXPECT_EQ(p2m_lookup(&p, 0x12345, NULL), INVALID_MFN);
    EXPECT_TRUE(p2mt_check_consistent(&p));
    p2m_destroy(&p);
    EXPECT_EQ(p.nr_pool, 0u);
    EXPECT_TRUE(p.pool == NULL);
}

/* Many tables emptied at once: the pool keeps a bounded number and the
 * rest go back to the C allocator (ASan builds see any leak). */
TEST(p2m_pool_is_bounded)
{
    struct p2m p;

    p2m_init(&p);
    for (unsigned int i = 0; i < 64; i++)
        ASSERT_EQ(p2m_insert(&p, (gfn_t)i * MIB2_FRAMES * 512 + 1, 0x1000 + i, 0), 0);
    EXPECT_TRUE(p.nr_tables > 64);
    for (unsigned int i = 0; i < 64; i++)
        ASSERT_EQ(p2m_remove(&p, (gfn_t)i * MIB2_FRAMES * 512 + 1, 1, NULL, NULL), 0);
    EXPECT_EQ(p.nr_tables, 0u);
    EXPECT_TRUE(p.nr_pool > 0 && p.nr_pool <= 2u * P2M_LEVELS);
    p2m_destroy(&p);
    EXPECT_EQ(p.nr_pool, 0u);
}

/*
 * The live-entry count decides when a table is freed: a level-0 table
 * full of 4 KiB leaves goes exactly when its last leaf does, in any
 * order of removal, and not one removal earlier.
 */
TEST(p2m_table_freed_exactly_when_last_entry_goes)
{
    struct p2m p;
    gfn_t base = 3 * MIB2_FRAMES;

    p2m_init(&p);
    /* 512 leaves of 4 KiB in one table. */
    for (unsigned int i = 0; i < 512; i++)
        ASSERT_EQ(p2m_insert(&p, base + i, 0x10001 + 3 * i, 0), 0);
    ASSERT_EQ(p.nr_leaves, 512u);
    ASSERT_EQ(p.nr_tables, 4u);
    for (unsigned int k = 0; k < 512; k++) {
        /* A permutation of 0..511: odd steps visit every entry once. */
        gfn_t gfn = base + (k * 167u) % 512u;

        ASSERT_EQ(p2m_remove(&p, gfn, 1, NULL, NULL), 0);
        if (k < 511)
            ASSERT_EQ(p.nr_tables, 4u);
    }
    EXPECT_EQ(p.nr_tables, 0u);
    EXPECT_EQ(p.nr_leaves, 0u);
    EXPECT_TRUE(p.root == NULL);
    p2m_destroy(&p);
}
