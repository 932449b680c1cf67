/*
 * The physmap with extents whose guest frames are aligned differently
 * from their machine frames (D102, D103): leaves chosen by the guest
 * frames alone, lookups at every leaf boundary, runs joined across
 * leaves and inserts, partial removes that split such leaves, removes of
 * the whole, allocation failure while splitting, and a random sequence
 * of misaligned inserts and removes against a flat reference.
 */
#include <errno.h>
#include <stdlib.h>

#include "hv/p2m_test.h"
#include "p2mtest.h"

/* Leaves of a 1 GiB extent at a gfn `off` frames past a 1 GiB boundary:
 * 4 KiB leaves for the partial 2 MiB regions at both ends, 2 MiB leaves
 * for the whole ones between. */
static unsigned long misaligned_1g_leaves(gfn_t off)
{
    return off % MIB2_FRAMES ? 511 + MIB2_FRAMES : MIB2_FRAMES;
}

/* ---- insert and lookup -------------------------------------------------- */

/*
 * Every frame of a 1 GiB extent one frame off its alignment, and the
 * frames on either side, looked up: the right machine frame and the leaf
 * order the guest frame's position gives.
 */
TEST(p2m_misaligned_1g_every_frame_looks_up)
{
    struct p2m p;
    gfn_t g = 4 * GIB_FRAMES + 1;
    mfn_t m = 9 * GIB_FRAMES;
    unsigned long wrong = 0, wrong_order = 0;

    p2m_init(&p);
    ASSERT_EQ(p2m_insert(&p, g, m, 18), 0);
    EXPECT_EQ(p.nr_leaves, misaligned_1g_leaves(1));
    EXPECT_EQ(p.nr_pages, GIB_FRAMES);
    for (gfn_t i = 0; i < GIB_FRAMES; i++) {
        unsigned int lo = 99;
        gfn_t gi = g + i;
        /* Inside the first or the last 2 MiB region the extent touches. */
        bool partial = gi / MIB2_FRAMES == g / MIB2_FRAMES ||
                       gi / MIB2_FRAMES == (g + GIB_FRAMES - 1) / MIB2_FRAMES;

        wrong += p2m_lookup(&p, gi, &lo) != m + i;
        wrong_order += lo != (partial ? 0u : 9u);
    }
    EXPECT_EQ(wrong, 0u);
    EXPECT_EQ(wrong_order, 0u);
    EXPECT_EQ(p2m_lookup(&p, g - 1, NULL), INVALID_MFN);
    EXPECT_EQ(p2m_lookup(&p, g + GIB_FRAMES, NULL), INVALID_MFN);
    EXPECT_TRUE(p2m_range_mapped(&p, g, GIB_FRAMES));
    EXPECT_FALSE(p2m_range_mapped(&p, g - 1, 2));
    EXPECT_FALSE(p2m_range_mapped(&p, g + GIB_FRAMES - 1, 2));
    EXPECT_TRUE(p2m_range_unmapped(&p, 0, g));
    EXPECT_TRUE(p2m_range_unmapped(&p, g + GIB_FRAMES, GIB_FRAMES));
    EXPECT_TRUE(p2mt_check_consistent(&p));
    p2m_destroy(&p);
}

/*
 * Other offsets, and a machine frame misaligned instead of the guest
 * frame: the leaf count and tables follow the guest frame only, every
 * leaf's first and last frame look up right (p2mt_check_consistent), and
 * the extent is one run.
 */
TEST(p2m_misaligned_offsets_leaf_shapes)
{
    static const struct {
        gfn_t off;  /* gfn past a 1 GiB boundary */
        mfn_t moff; /* mfn past a 1 GiB boundary */
        unsigned long leaves, tables;
    } cases[] = {
        {1, 0, 1023, 6},
        {7, 0, 1023, 6},
        {511, 0, 1023, 6},
        {513, 0, 1023, 6},
        {MIB2_FRAMES, 0, 512, 4},           /* 2 MiB-aligned: no level 0 */
        {GIB_FRAMES - 1, 0, 1023, 6},       /* one frame before the next GiB */
        {0, 1, 1, 2},                       /* one 1 GiB leaf, mfn off by one */
        {0, MIB2_FRAMES + 3, 1, 2},         /* the same, further off */
        {5 * MIB2_FRAMES + 9, 77, 1023, 6}, /* both misaligned, differently */
    };

    for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
        struct p2m p;
        struct runs r = {0};
        gfn_t g = 4 * GIB_FRAMES + cases[c].off;
        mfn_t m = 9 * GIB_FRAMES + cases[c].moff;

        p2m_init(&p);
        ASSERT_EQ(p2m_insert(&p, g, m, 18), 0);
        EXPECT_EQ(p.nr_leaves, cases[c].leaves);
        EXPECT_EQ(p.nr_tables, cases[c].tables);
        EXPECT_EQ(p2m_lookup(&p, g, NULL), m);
        EXPECT_EQ(p2m_lookup(&p, g + GIB_FRAMES - 1, NULL), m + GIB_FRAMES - 1);
        EXPECT_EQ(p2m_lookup(&p, g - 1, NULL), INVALID_MFN);
        EXPECT_EQ(p2m_lookup(&p, g + GIB_FRAMES, NULL), INVALID_MFN);
        EXPECT_TRUE(p2mt_check_consistent(&p));
        p2m_for_each_run(&p, p2mt_runs_push, &r);
        ASSERT_EQ(r.n, 1u);
        EXPECT_EQ(r.v[0].gfn, g);
        EXPECT_EQ(r.v[0].mfn, m);
        EXPECT_EQ(r.v[0].nr, GIB_FRAMES);
        if (test_failed())
            test_note("case %zu", c);
        p2mt_runs_free(&r);
        p2m_destroy(&p);
    }
}

/* Runs join leaves of several inserts when both frame spaces continue,
 * and only then. */
TEST(p2m_runs_join_across_inserts)
{
    struct p2m p;
    struct runs r = {0};
    gfn_t g = GIB_FRAMES + 1;
    mfn_t m = 3 * GIB_FRAMES;

    p2m_init(&p);
    ASSERT_EQ(p2m_insert(&p, 100, 5000, 0), 0);
    ASSERT_EQ(p2m_insert(&p, 101, 5001, 0), 0);
    ASSERT_EQ(p2m_insert(&p, 102, 7000, 0), 0); /* guest follows, machine not */
    ASSERT_EQ(p2m_insert(&p, 104, 7002, 1), 0); /* machine follows, guest not */
    ASSERT_EQ(p2m_insert(&p, g, m, 18), 0);
    ASSERT_EQ(p2m_insert(&p, g + GIB_FRAMES, m + GIB_FRAMES, 18), 0);
    p2m_for_each_run(&p, p2mt_runs_push, &r);
    ASSERT_EQ(r.n, 4u);
    EXPECT_TRUE(r.v[0].gfn == 100 && r.v[0].mfn == 5000 && r.v[0].nr == 2);
    EXPECT_TRUE(r.v[1].gfn == 102 && r.v[1].mfn == 7000 && r.v[1].nr == 1);
    EXPECT_TRUE(r.v[2].gfn == 104 && r.v[2].mfn == 7002 && r.v[2].nr == 2);
    EXPECT_TRUE(r.v[3].gfn == g && r.v[3].mfn == m && r.v[3].nr == 2 * GIB_FRAMES);

    /* Removing both 1 GiB extents at once reports them as one run. */
    r.n = 0;
    ASSERT_EQ(p2m_remove(&p, g, 2 * GIB_FRAMES, p2mt_runs_push, &r), 0);
    ASSERT_EQ(r.n, 1u);
    EXPECT_TRUE(r.v[0].gfn == g && r.v[0].mfn == m && r.v[0].nr == 2 * GIB_FRAMES);
    EXPECT_EQ(p.nr_pages, 5u);
    EXPECT_TRUE(p2mt_check_consistent(&p));
    p2mt_runs_free(&r);
    p2m_destroy(&p);
}

/* ---- remove ------------------------------------------------------------- */

/* A whole misaligned extent goes as one run and takes its tables along. */
TEST(p2m_misaligned_remove_whole_is_one_run)
{
    struct p2m p;
    struct runs r = {0};
    gfn_t g = 2 * GIB_FRAMES + 1;
    mfn_t m = 6 * GIB_FRAMES;

    p2m_init(&p);
    ASSERT_EQ(p2m_insert(&p, g, m, 18), 0);
    ASSERT_EQ(p2m_remove(&p, g, GIB_FRAMES, p2mt_runs_push, &r), 0);
    ASSERT_EQ(r.n, 1u);
    EXPECT_TRUE(r.v[0].gfn == g && r.v[0].mfn == m && r.v[0].nr == GIB_FRAMES);
    EXPECT_EQ(p.nr_pages, 0u);
    EXPECT_EQ(p.nr_leaves, 0u);
    EXPECT_EQ(p.nr_tables, 0u);
    EXPECT_TRUE(p.root == NULL);
    p2mt_runs_free(&r);
    p2m_destroy(&p);
}

/* Every frame of [g, g + nr) maps to m + (frame - g). */
static bool maps_linear(const struct p2m *p, gfn_t g, mfn_t m, gfn_t nr)
{
    for (gfn_t i = 0; i < nr; i++)
        if (p2m_lookup(p, g + i, NULL) != m + i)
            return false;
    return true;
}

/*
 * Partial removes inside a misaligned extent split the leaves they cut
 * (a 2 MiB leaf with an unaligned machine frame becomes 512 leaves of
 * 4 KiB that keep the frames), report exactly what went, leave every
 * other frame as it was, and refuse a range with a hole in it without
 * changing anything (D16).
 */
TEST(p2m_misaligned_partial_removes_split_the_leaves)
{
    struct p2m p;
    struct runs r = {0};
    struct snap s;
    gfn_t g = 4 * GIB_FRAMES + 1, hole = g + 1000;
    mfn_t m = 9 * GIB_FRAMES;
    unsigned int lo = 99;

    p2m_init(&p);
    ASSERT_EQ(p2m_insert(&p, g, m, 18), 0);

    /* One frame inside a 2 MiB leaf. */
    ASSERT_EQ(p2m_lookup(&p, hole, &lo), m + 1000);
    ASSERT_EQ(lo, 9u);
    ASSERT_EQ(p2m_remove(&p, hole, 1, p2mt_runs_push, &r), 0);
    ASSERT_EQ(r.n, 1u);
    EXPECT_TRUE(r.v[0].gfn == hole && r.v[0].mfn == m + 1000 && r.v[0].nr == 1);
    EXPECT_EQ(p.nr_leaves, 1023u + 511 - 1);
    EXPECT_EQ(p2m_lookup(&p, hole, NULL), INVALID_MFN);
    EXPECT_EQ(p2m_lookup(&p, hole - 1, &lo), m + 999);
    EXPECT_EQ(lo, 0u);
    EXPECT_EQ(p2m_lookup(&p, hole + 1, &lo), m + 1001);
    EXPECT_EQ(lo, 0u);
    EXPECT_TRUE(maps_linear(&p, g, m, 1000));
    EXPECT_TRUE(maps_linear(&p, hole + 1, m + 1001, GIB_FRAMES - 1001));
    EXPECT_TRUE(p2mt_check_consistent(&p));

    /* One whole 2 MiB leaf: no split, one leaf fewer. */
    r.n = 0;
    ASSERT_EQ(p2m_remove(&p, g - 1 + 3 * MIB2_FRAMES, MIB2_FRAMES, p2mt_runs_push, &r), 0);
    ASSERT_EQ(r.n, 1u);
    EXPECT_TRUE(r.v[0].mfn == m - 1 + 3 * MIB2_FRAMES && r.v[0].nr == MIB2_FRAMES);
    EXPECT_EQ(p.nr_leaves, 1023u + 511 - 2);

    /* A range with the hole in it: nothing happens, not even a split. */
    p2mt_snap_take(&p, &s);
    r.n = 0;
    EXPECT_EQ(p2m_remove(&p, hole - 5, 10, p2mt_runs_push, &r), -ENOENT);
    EXPECT_EQ(p2m_remove(&p, g, GIB_FRAMES, p2mt_runs_push, &r), -ENOENT);
    EXPECT_EQ(r.n, 0u);
    EXPECT_TRUE(p2mt_snap_same(&p, &s));
    p2mt_leaves_free(&s.l);

    /* Across the end of the 4 KiB head and into the 2 MiB leaves. */
    ASSERT_EQ(p2m_remove(&p, g + 500, 100, p2mt_runs_push, &r), 0);
    ASSERT_EQ(r.n, 1u);
    EXPECT_TRUE(r.v[0].gfn == g + 500 && r.v[0].mfn == m + 500 && r.v[0].nr == 100);
    EXPECT_TRUE(maps_linear(&p, g, m, 500));
    EXPECT_TRUE(maps_linear(&p, g + 600, m + 600, 400));
    EXPECT_TRUE(p2mt_check_consistent(&p));

    /* The last frame (the 4 KiB tail in the next GiB) and the first. */
    r.n = 0;
    ASSERT_EQ(p2m_remove(&p, g + GIB_FRAMES - 1, 1, p2mt_runs_push, &r), 0);
    ASSERT_EQ(p2m_remove(&p, g, 1, p2mt_runs_push, &r), 0);
    ASSERT_EQ(r.n, 2u);
    EXPECT_TRUE(r.v[0].mfn == m + GIB_FRAMES - 1 && r.v[0].nr == 1);
    EXPECT_TRUE(r.v[1].mfn == m && r.v[1].nr == 1);
    EXPECT_EQ(p.nr_pages, GIB_FRAMES - 1 - MIB2_FRAMES - 100 - 2);
    EXPECT_TRUE(p2mt_check_consistent(&p));

    /* What is left, run by run: every table goes with the last frame. */
    r.n = 0;
    p2m_for_each_run(&p, p2mt_runs_push, &r);
    for (size_t i = 0; i < r.n; i++) {
        struct runs got = {0};

        ASSERT_EQ(p2m_remove(&p, r.v[i].gfn, r.v[i].nr, p2mt_runs_push, &got), 0);
        ASSERT_EQ(got.n, 1u);
        EXPECT_TRUE(got.v[0].mfn == r.v[i].mfn && got.v[0].nr == r.v[i].nr);
        p2mt_runs_free(&got);
    }
    EXPECT_EQ(p.nr_pages, 0u);
    EXPECT_EQ(p.nr_tables, 0u);
    EXPECT_TRUE(p.root == NULL);
    p2mt_runs_free(&r);
    p2m_destroy(&p);
}

/* A 1 GiB leaf with an unaligned machine frame splits into 2 MiB leaves
 * that keep it unaligned, then into 4 KiB ones. */
TEST(p2m_unaligned_1g_leaf_shatters_twice)
{
    struct p2m p;
    struct runs r = {0};
    gfn_t g = 7 * GIB_FRAMES, cut = g + 300 * MIB2_FRAMES + 17;
    mfn_t m = 2 * GIB_FRAMES + 5;
    unsigned int lo = 99;

    p2m_init(&p);
    ASSERT_EQ(p2m_insert(&p, g, m, 18), 0);
    EXPECT_EQ(p.nr_leaves, 1u);
    ASSERT_EQ(p2m_remove(&p, cut, 1, p2mt_runs_push, &r), 0);
    ASSERT_EQ(r.n, 1u);
    EXPECT_EQ(r.v[0].mfn, m + (cut - g));
    EXPECT_EQ(p.nr_leaves, 511u + 511);
    EXPECT_EQ(p2m_lookup(&p, g + 5 * MIB2_FRAMES + 3, &lo), m + 5 * MIB2_FRAMES + 3);
    EXPECT_EQ(lo, 9u);
    EXPECT_EQ(p2m_lookup(&p, cut + 1, &lo), m + (cut + 1 - g));
    EXPECT_EQ(lo, 0u);
    EXPECT_TRUE(maps_linear(&p, g, m, cut - g));
    EXPECT_TRUE(maps_linear(&p, cut + 1, m + (cut + 1 - g), g + GIB_FRAMES - cut - 1));
    EXPECT_TRUE(p2mt_check_consistent(&p));
    p2mt_runs_free(&r);
    p2m_destroy(&p);
}

/* Splitting a misaligned 2 MiB leaf needs a table: without one, -ENOMEM
 * and the map is as it was. */
TEST(p2m_misaligned_split_enomem_changes_nothing)
{
    struct p2m p;
    struct snap s;
    struct runs r = {0};
    gfn_t g = GIB_FRAMES + 3;

    p2m_init(&p);
    ASSERT_EQ(p2m_insert(&p, g, 4 * GIB_FRAMES, 18), 0);
    p2mt_snap_take(&p, &s);
    p2m_test_fail_alloc_after(0);
    EXPECT_EQ(p2m_remove(&p, g + 10 * MIB2_FRAMES, 1, p2mt_runs_push, &r), -ENOMEM);
    EXPECT_EQ(r.n, 0u);
    p2m_test_fail_alloc_after(-1);
    EXPECT_TRUE(p2mt_snap_same(&p, &s));
    EXPECT_TRUE(maps_linear(&p, g, 4 * GIB_FRAMES, GIB_FRAMES));
    EXPECT_EQ(p2m_remove(&p, g + 10 * MIB2_FRAMES, 1, NULL, NULL), 0);
    EXPECT_EQ(p.nr_pages, GIB_FRAMES - 1);
    EXPECT_TRUE(p2mt_check_consistent(&p));
    p2mt_leaves_free(&s.l);
    p2mt_runs_free(&r);
    p2m_destroy(&p);
}

/* ---- sweeps over whole tables --------------------------------------------- */

/*
 * A table of 512 entries (each `unit` frames) at gfn base, every entry
 * alike but entry h, and entry 0 of the next table like the others:
 * what the range checks must answer.  Mapped layouts have frames
 * [base, base + 513 * unit) mapped but the odd ones [odd_lo, odd_hi);
 * unmapped layouts have only [odd_lo, odd_hi) and [q_lo, q_hi) mapped.
 */
struct odd_table {
    gfn_t base, unit;
    unsigned int h;
    bool mapped;
    gfn_t odd_lo, odd_hi, q_lo, q_hi;
};

static bool meets(gfn_t lo, gfn_t hi, gfn_t a, gfn_t b)
{
    return lo < b && a < hi;
}

static bool odd_mapped(const struct odd_table *o, gfn_t lo, gfn_t hi)
{
    return lo >= o->base && hi <= o->base + 513 * o->unit && !meets(lo, hi, o->odd_lo, o->odd_hi);
}

static bool odd_unmapped(const struct odd_table *o, gfn_t lo, gfn_t hi)
{
    return !meets(lo, hi, o->odd_lo, o->odd_hi) && !meets(lo, hi, o->q_lo, o->q_hi);
}

/*
 * Ranges from and to entries near h, near the ends of the table and near
 * the 8-entry steps of a sweep, whole entries and (for 2 MiB entries)
 * one frame in from either end; each answer against the layout.  Returns
 * how many answers were wrong.
 */
static unsigned long odd_check_ranges(const struct p2m *p, const struct odd_table *o)
{
    const long h = o->h;
    const long from[] = {0, 1, h - 1, h, h + 1, 8, 9, 503, 504};
    const long to[] = {h, h + 1, h + 2, 8, 9, 504, 505, 511, 512, 513};
    unsigned long wrong = 0;

    for (size_t i = 0; i < ARRAY_LEN(from); i++)
        for (size_t j = 0; j < ARRAY_LEN(to); j++)
            for (gfn_t in = 0; in <= (o->unit > 1); in++) {
                gfn_t lo, hi;

                if (from[i] < 0 || to[j] > 513 || from[i] >= to[j])
                    continue;
                lo = o->base + (gfn_t)from[i] * o->unit + in;
                hi = o->base + (gfn_t)to[j] * o->unit - in;
                if (lo >= hi)
                    continue;
                if (o->mapped)
                    wrong += p2m_range_mapped(p, lo, hi - lo) != odd_mapped(o, lo, hi);
                else
                    wrong += p2m_range_unmapped(p, lo, hi - lo) != odd_unmapped(o, lo, hi);
            }
    return wrong;
}

/*
 * Build the layout in a fresh p2m: the mapped ones as a misaligned
 * extent whose tail fills entry 0 of the next table plus the entry it
 * left out, then the odd entry (or one frame of it, which makes entry h
 * a table) removed; the unmapped ones as entry h and one far from it.
 */
static void odd_build(struct p2m *p, struct odd_table *o, bool hole_is_frame)
{
    const unsigned int order = o->unit == 1 ? 9 : 18, sub = o->unit == 1 ? 0 : 9;
    const mfn_t m = 7 * GIB_FRAMES + 3 * MIB2_FRAMES;
    const unsigned int q = o->h < 256 ? 511 : 0;

    p2m_init(p);
    o->odd_lo = o->base + o->h * o->unit;
    o->odd_hi = o->odd_lo + o->unit;
    if (o->mapped) {
        ASSERT_EQ(p2m_insert(p, o->base + o->unit, m + o->unit, order), 0);
        ASSERT_EQ(p2m_insert(p, o->base, m, sub), 0);
        if (hole_is_frame)
            o->odd_hi = ++o->odd_lo + 1;
        ASSERT_EQ(p2m_remove(p, o->odd_lo, o->odd_hi - o->odd_lo, NULL, NULL), 0);
    } else {
        o->q_lo = o->base + q * o->unit;
        o->q_hi = o->q_lo + o->unit;
        ASSERT_EQ(p2m_insert(p, o->odd_lo, m, sub), 0);
        ASSERT_EQ(p2m_insert(p, o->q_lo, m + GIB_FRAMES, sub), 0);
    }
}

/*
 * Range checks over tables of 4 KiB and of 2 MiB leaves with one odd
 * entry at every position: a hole among leaves, a table among 2 MiB
 * leaves (one of its frames removed), a leaf among holes.  The checks
 * sweep eight entries to a test and, in a table whose count settles it,
 * look at the entries outside the range instead; a wrong answer at any
 * position or range length would show here.
 */
TEST(p2m_range_checks_find_one_odd_entry_anywhere)
{
    static const struct {
        gfn_t base, unit;
        bool mapped, hole_is_frame;
    } kinds[] = {
        {3 * GIB_FRAMES + 5 * MIB2_FRAMES, 1, true, false},
        {3 * GIB_FRAMES + 5 * MIB2_FRAMES, 1, false, false},
        {2 * GIB_FRAMES, MIB2_FRAMES, true, false},
        {2 * GIB_FRAMES, MIB2_FRAMES, true, true},
        {2 * GIB_FRAMES, MIB2_FRAMES, false, false},
    };

    for (size_t k = 0; k < ARRAY_LEN(kinds) && !test_failed(); k++) {
        unsigned long wrong = 0;

        for (unsigned int h = 0; h < 512 && !test_failed(); h++) {
            struct odd_table o = {
                .base = kinds[k].base, .unit = kinds[k].unit, .h = h, .mapped = kinds[k].mapped};
            struct p2m p;

            odd_build(&p, &o, kinds[k].hole_is_frame);
            wrong += odd_check_ranges(&p, &o);
            p2m_destroy(&p);
        }
        if (wrong)
            test_fail(__FILE__, __LINE__, "kind %zu: %lu wrong answers", k, wrong);
    }
}

/*
 * A run of 513 leaves of 4 KiB or 2 MiB, broken at every position h by
 * a leaf mapping other machine frames, removed whole: the runs reported
 * are the part before h, the odd leaf and the part after, exactly (the
 * removal compares the leaves eight to a test, so breaks at every
 * position in and across those steps are met).
 */
TEST(p2m_remove_runs_break_anywhere_in_a_table)
{
    static const struct {
        gfn_t base, unit;
    } kinds[] = {{3 * GIB_FRAMES + 5 * MIB2_FRAMES, 1}, {2 * GIB_FRAMES, MIB2_FRAMES}};
    const mfn_t m = 7 * GIB_FRAMES + 3 * MIB2_FRAMES, x = 40 * GIB_FRAMES;

    for (size_t k = 0; k < ARRAY_LEN(kinds) && !test_failed(); k++) {
        const gfn_t base = kinds[k].base, unit = kinds[k].unit;
        const unsigned int order = unit == 1 ? 9 : 18, sub = unit == 1 ? 0 : 9;

        for (unsigned int h = 0; h < 513 && !test_failed(); h++) {
            struct runs r = {0};
            struct p2m p;
            size_t n = 0;

            p2m_init(&p);
            ASSERT_EQ(p2m_insert(&p, base + unit, m + unit, order), 0);
            ASSERT_EQ(p2m_insert(&p, base, m, sub), 0);
            ASSERT_EQ(p2m_remove(&p, base + h * unit, unit, NULL, NULL), 0);
            ASSERT_EQ(p2m_insert(&p, base + h * unit, x, sub), 0);
            ASSERT_EQ(p2m_remove(&p, base, 513 * unit, p2mt_runs_push, &r), 0);
            if (h) {
                EXPECT_TRUE(n < r.n && r.v[n].gfn == base && r.v[n].mfn == m &&
                            r.v[n].nr == h * unit);
                n++;
            }
            EXPECT_TRUE(n < r.n && r.v[n].gfn == base + h * unit && r.v[n].mfn == x &&
                        r.v[n].nr == unit);
            n++;
            if (h < 512) {
                EXPECT_TRUE(n < r.n && r.v[n].gfn == base + (h + 1) * unit &&
                            r.v[n].mfn == m + (h + 1) * unit && r.v[n].nr == (512 - h) * unit);
                n++;
            }
            EXPECT_EQ(r.n, n);
            EXPECT_EQ(p.nr_pages, 0u);
            EXPECT_EQ(p.nr_leaves, 0u);
            EXPECT_EQ(p.nr_tables, 0u);
            if (test_failed())
                test_note("unit %lu, h %u", (unsigned long)unit, h);
            p2mt_runs_free(&r);
            p2m_destroy(&p);
        }
    }
}

/* ---- random sequence against a reference -------------------------------- */

/*
 * 4 GiB of guest frames, mapped frame by frame in a flat array.  Inserts
 * are extents of order 0, 9 or 18 at guest frames chosen mostly off
 * their alignment, with machine frames aligned to the order (as the heap
 * hands them out); removes start and end mostly on or next to leaf
 * boundaries (multiples of 512 and of 2^18, give or take a frame), where
 * splitting goes wrong if it does.
 */
#define RW_FRAMES (4 * GIB_FRAMES)

struct rmodel {
    mfn_t *m; /* INVALID_MFN: unmapped */
    unsigned long count;
    mfn_t next_mfn;
};

static bool rmodel_all(const struct rmodel *r, gfn_t g, gfn_t nr, bool mapped)
{
    for (gfn_t i = 0; i < nr; i++)
        if ((r->m[g + i] != INVALID_MFN) != mapped)
            return false;
    return true;
}

/* A multiple of unit, give or take a frame, or (rarely) any frame. */
static gfn_t near_boundary(struct test_rng *rng, gfn_t units, gfn_t unit)
{
    gfn_t g = units * unit;

    switch (test_rng_below(rng, 4)) {
    case 0:
        return g ? g - 1 : 0;
    case 1:
        return g + 1;
    case 2:
        return g;
    default:
        return g + test_rng_below(rng, unit);
    }
}

/* A point in the window near a 2 MiB or 1 GiB boundary. */
static gfn_t random_point(struct test_rng *rng)
{
    gfn_t unit = test_rng_below(rng, 2) ? MIB2_FRAMES : GIB_FRAMES;

    return MIN(near_boundary(rng, test_rng_below(rng, RW_FRAMES / unit), unit), RW_FRAMES - 1);
}

struct rcheck {
    struct rmodel *r;
    gfn_t next;
    unsigned long frames;
    bool ok;
};

static void rcheck_run(void *ctx, gfn_t gfn, mfn_t mfn, unsigned long nr)
{
    struct rcheck *c = ctx;

    if (gfn != c->next || gfn + nr > RW_FRAMES) {
        c->ok = false;
        return;
    }
    for (gfn_t i = 0; i < nr; i++)
        c->ok &= c->r->m[gfn + i] == mfn + i;
    c->next = gfn + nr;
    c->frames += nr;
}

static void rstep_insert(struct test_rng *rng, struct p2m *p, struct rmodel *r)
{
    static const unsigned int orders[] = {0, 9, 18, 18};
    unsigned int order = orders[test_rng_below(rng, ARRAY_LEN(orders))];
    gfn_t nr = ORDER_PAGES(order);
    gfn_t g = random_point(rng);
    mfn_t m;
    int rc;

    if (g + nr > RW_FRAMES)
        return;
    m = (r->next_mfn + nr - 1) & ~(nr - 1);
    r->next_mfn = m + nr;
    rc = p2m_insert(p, g, m, order);
    EXPECT_EQ(rc, rmodel_all(r, g, nr, false) ? 0 : -EEXIST);
    if (rc == 0) {
        for (gfn_t i = 0; i < nr; i++)
            r->m[g + i] = m + i;
        r->count += nr;
    }
}

static void rstep_remove(struct test_rng *rng, struct p2m *p, struct rmodel *r)
{
    gfn_t lo = random_point(rng), unit = test_rng_below(rng, 4) ? MIB2_FRAMES : GIB_FRAMES;
    /* The end near a boundary a little further on (at most 1 GiB + 2 MiB
     * away, which bounds the work of a step). */
    gfn_t hi =
        near_boundary(rng, lo / unit + test_rng_below(rng, unit == GIB_FRAMES ? 2 : 5), unit);
    struct rcheck c = {.r = r, .ok = true};
    bool mapped;
    int rc;

    hi = MIN(MAX(hi, lo) + 1, RW_FRAMES);
    /* Mostly ranges that are mapped: shrink onto a mapped stretch. */
    if (test_rng_below(rng, 4)) {
        while (lo < hi && r->m[lo] == INVALID_MFN)
            lo++;
        for (gfn_t e = lo; e < hi; e++)
            if (r->m[e] == INVALID_MFN) {
                hi = e;
                break;
            }
    }
    if (lo >= hi)
        return;
    c.next = lo;
    mapped = rmodel_all(r, lo, hi - lo, true);
    rc = p2m_remove(p, lo, hi - lo, rcheck_run, &c);
    EXPECT_EQ(rc, mapped ? 0 : -ENOENT);
    if (rc == 0) {
        EXPECT_TRUE(c.ok);
        EXPECT_EQ(c.frames, hi - lo);
        for (gfn_t i = lo; i < hi; i++)
            r->m[i] = INVALID_MFN;
        r->count -= hi - lo;
    } else {
        EXPECT_EQ(c.frames, 0u);
    }
}

/* Every run against the model (ascending and maximal), and the count. */
static bool rmodel_matches(const struct p2m *p, struct rmodel *r)
{
    struct rcheck c = {.r = r, .ok = true};
    struct runs runs = {0};

    p2m_for_each_run(p, p2mt_runs_push, &runs);
    for (size_t i = 0; i < runs.n && c.ok; i++) {
        const struct run *v = &runs.v[i];

        if (i && (v->gfn < c.next || (v->gfn == c.next && v[-1].mfn + v[-1].nr == v->mfn)))
            c.ok = false;
        c.next = v->gfn;
        rcheck_run(&c, v->gfn, v->mfn, v->nr);
    }
    p2mt_runs_free(&runs);
    return c.ok && c.frames == r->count && p->nr_pages == r->count;
}

TEST(p2m_misaligned_random_vs_reference)
{
    struct test_rng rng;
    struct p2m p;
    struct rmodel r = {.next_mfn = 1};
    const unsigned long steps = test_scaled(1500);
    unsigned long inserts = 0, removes = 0;

    test_rng_init(&rng, test_seed());
    r.m = malloc(RW_FRAMES * sizeof(*r.m));
    ASSERT_TRUE(r.m != NULL);
    for (gfn_t i = 0; i < RW_FRAMES; i++)
        r.m[i] = INVALID_MFN;
    p2m_init(&p);
    for (unsigned long step = 0; step < steps && !test_failed(); step++) {
        unsigned long before = p.nr_pages;

        /* Phases that fill up and drain again. */
        if (test_rng_below(&rng, 100) < ((step / 200) % 2 ? 30u : 70u))
            rstep_insert(&rng, &p, &r);
        else
            rstep_remove(&rng, &p, &r);
        inserts += p.nr_pages > before;
        removes += p.nr_pages < before;
        EXPECT_EQ(p.nr_pages, r.count);
        for (int k = 0; k < 16; k++) {
            gfn_t g = random_point(&rng);

            EXPECT_EQ(p2m_lookup(&p, g, NULL), r.m[g]);
        }
        if (step % 16 == 0 || step == steps - 1) {
            EXPECT_TRUE(p2mt_check_consistent(&p));
            EXPECT_TRUE(rmodel_matches(&p, &r));
        }
    }
    test_note("%lu inserts, %lu removes done", inserts, removes);
    EXPECT_GT(inserts, steps / 10);
    EXPECT_GT(removes, steps / 10);
    /* Drain: every table goes. */
    for (gfn_t i = 0, run; i < RW_FRAMES; i += run ? run : 1) {
        for (run = 0; i + run < RW_FRAMES && r.m[i + run] != INVALID_MFN; run++)
            ;
        if (run)
            EXPECT_EQ(p2m_remove(&p, i, run, NULL, NULL), 0);
    }
    EXPECT_EQ(p.nr_pages, 0u);
    EXPECT_EQ(p.nr_tables, 0u);
    EXPECT_TRUE(p.root == NULL);
    free(r.m);
    p2m_destroy(&p);
}
