/*
 * Hierarchical bitmap: boundary cases, every operation against a plain
 * flat-bitmap reference, laziness on a 2^31-bit map, the unwind of a
 * failed init, debug assertions on misuse, and the validator itself.
 */
#include <hv/bigtable.h>
#include <hv/hbitmap.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif

#ifdef HAVE_ASAN
#include <sanitizer/lsan_interface.h>

/*
 * Let an impossible calloc return NULL, as libc's does, instead of
 * aborting: the init-failure test needs to see it.  ASan writes the shadow
 * of every large allocation, so the level of the failed init that is
 * allocated before the failing one (2 GiB) would cost seconds; above 1 GiB
 * ASan refuses instead, and the unwind frees the 32 MiB level and those
 * above it.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1:max_allocation_size_mb=1024";
}
#endif

#define GIB_ORDER0_BITS (1ULL << 18) /* 1 GiB of 4 KiB frames */

/* ---- reference model ---------------------------------------------------- */

/*
 * A flat bitmap: one word per 64 bits, no summaries, every operation a walk
 * over the words a range touches.  Bits at n and above stay clear, so its
 * words compare directly with the hbitmap's leaf level.
 */
struct ref {
    uint64_t n;
    uint64_t count;
    uint64_t *w;
};

static void ref_init(struct ref *r, uint64_t n)
{
    r->n = n;
    r->count = 0;
    r->w = calloc(n / 64 + 1, sizeof(uint64_t));
    if (!r->w)
        abort();
}

static void ref_free(struct ref *r)
{
    free(r->w);
}

static bool ref_bit(const struct ref *r, uint64_t i)
{
    return r->w[i / 64] >> (i % 64) & 1;
}

/* The bits of word w that lie in [from, to). */
static uint64_t ref_mask(uint64_t w, uint64_t from, uint64_t to)
{
    uint64_t lo = from > w * 64 ? from - w * 64 : 0;
    uint64_t hi = to < w * 64 + 64 ? to - w * 64 : 64;

    if (lo >= hi)
        return 0;
    return (hi - lo == 64 ? ~0ULL : (1ULL << (hi - lo)) - 1) << lo;
}

static void ref_fill(struct ref *r, uint64_t from, uint64_t n, bool v)
{
    for (uint64_t w = from / 64; n && w <= (from + n - 1) / 64; w++) {
        uint64_t m = ref_mask(w, from, from + n);

        r->count -= (uint64_t)__builtin_popcountll(r->w[w] & m);
        r->w[w] = v ? r->w[w] | m : r->w[w] & ~m;
        r->count += v ? (uint64_t)__builtin_popcountll(m) : 0;
    }
}

static uint64_t ref_count(const struct ref *r, uint64_t from, uint64_t n)
{
    uint64_t c = 0;

    for (uint64_t w = from / 64; n && w <= (from + n - 1) / 64; w++)
        c += (uint64_t)__builtin_popcountll(r->w[w] & ref_mask(w, from, from + n));
    return c;
}

static uint64_t ref_find_next(const struct ref *r, uint64_t from, uint64_t to)
{
    for (uint64_t w = from / 64; from < to && w <= (to - 1) / 64; w++) {
        uint64_t x = r->w[w] & ref_mask(w, from, to);

        if (x)
            return w * 64 + (uint64_t)__builtin_ctzll(x);
    }
    return to;
}

/* The whole map equals the reference, weight agrees, summaries are sound
 * (exact, or with stale bits allowed when the map is cleared lazily). */
static bool matches_as(const struct hbitmap *b, const struct ref *r, bool lazy)
{
    for (uint64_t w = 0; w < b->nwords[0]; w++) {
        if (b->level[0][w] != r->w[w]) {
            test_fail(__FILE__, __LINE__, "word %" PRIu64 ": %#" PRIx64 ", reference %#" PRIx64, w,
                      b->level[0][w], r->w[w]);
            return false;
        }
    }
    if (hbitmap_weight(b) != r->count) {
        test_fail(__FILE__, __LINE__, "weight %" PRIu64 ", reference %" PRIu64, hbitmap_weight(b),
                  r->count);
        return false;
    }
    if (!(lazy ? hbitmap_summaries_cover(b) : hbitmap_summaries_ok(b))) {
        test_fail(__FILE__, __LINE__, "summaries inconsistent");
        return false;
    }
    return true;
}

static bool matches(const struct hbitmap *b, const struct ref *r)
{
    return matches_as(b, r, false);
}

/* A position in [0, limit], often on or next to a word or summary boundary. */
static uint64_t pick_point(struct test_rng *rng, uint64_t limit)
{
    static const uint64_t grains[] = {64, 4096, 262144};
    uint64_t g, p;

    if (test_rng_below(rng, 2))
        return test_rng_below(rng, limit + 1);
    g = grains[test_rng_below(rng, 3)];
    p = test_rng_below(rng, limit / g + 1) * g;
    p += test_rng_below(rng, 3);
    p = p >= 1 ? p - 1 : 0; /* boundary - 1, boundary, boundary + 1 */
    return p < limit ? p : limit;
}

/* A range [*from, *from + *n) within [0, limit); may be empty. */
static void pick_range(struct test_rng *rng, uint64_t limit, uint64_t *from, uint64_t *n)
{
    uint64_t a = pick_point(rng, limit), c;

    switch (test_rng_below(rng, 4)) {
    case 0: /* short */
        c = a + test_rng_below(rng, 130);
        break;
    case 1: /* the whole map, now and then */
        a = 0;
        c = test_rng_below(rng, 8) ? pick_point(rng, limit) : limit;
        break;
    default:
        c = pick_point(rng, limit);
        break;
    }
    if (c > limit)
        c = limit;
    if (c < a) {
        uint64_t t = a;

        a = c;
        c = t;
    }
    *from = a;
    *n = c - a;
}

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t rss_bytes(void)
{
    unsigned long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f) {
        if (fscanf(f, "%lu %lu", &size, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* ---- tests -------------------------------------------------------------- */

TEST(hbitmap_empty_map)
{
    struct hbitmap b;

    ASSERT_EQ(hbitmap_init(&b, 0), 0);
    EXPECT_EQ(b.levels, 1u);
    EXPECT_EQ(b.nwords[0], 0u);
    EXPECT_EQ(hbitmap_find_next(&b, 0, 0), 0u);
    EXPECT_EQ(hbitmap_weight(&b), 0u);
    EXPECT_EQ(hbitmap_count_range(&b, 0, 0), 0u);
    hbitmap_set_range(&b, 0, 0);
    hbitmap_clear_range(&b, 0, 0);
    EXPECT_EQ(hbitmap_weight(&b), 0u);
    EXPECT_EQ(hbitmap_bytes(&b), 0u);
    EXPECT_TRUE(hbitmap_summaries_ok(&b));
    hbitmap_destroy(&b);
    hbitmap_destroy(&b); /* destroy leaves it zeroed: a second one is harmless */
}

TEST(hbitmap_shape)
{
    static const struct {
        uint64_t nbits;
        unsigned int levels;
    } cases[] = {
        {1, 1},      {64, 1},         {65, 2},
        {4096, 2},   {4097, 3},       {262144, 3},
        {262145, 4}, {1ULL << 24, 4}, {(1ULL << 24) + 1, 5},
    };

    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct hbitmap b;

        ASSERT_EQ(hbitmap_init(&b, cases[c].nbits), 0);
        EXPECT_EQ(b.nbits, cases[c].nbits);
        EXPECT_EQ(b.levels, cases[c].levels);
        EXPECT_EQ(b.nwords[0], (cases[c].nbits + 63) / 64);
        EXPECT_EQ(b.nwords[b.levels - 1], 1u);
        for (unsigned int k = 1; k < b.levels; k++)
            EXPECT_EQ(b.nwords[k], (b.nwords[k - 1] + 63) / 64);
        EXPECT_EQ(hbitmap_weight(&b), 0u);
        EXPECT_EQ(hbitmap_find_next(&b, 0, b.nbits), b.nbits);
        EXPECT_TRUE(hbitmap_summaries_ok(&b));
        hbitmap_destroy(&b);
    }
}

TEST(hbitmap_single_bits_at_boundaries)
{
    static const uint64_t sizes[] = {
        1, 64, 65, 4096, 4097, 262144, 262145, 300000, (1ULL << 24) + 1};
    static const uint64_t spots[] = {
        0, 1, 63, 64, 65, 4095, 4096, 262143, 262144, (1ULL << 24) - 1, 1 << 24};

    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        uint64_t n = sizes[s];
        struct hbitmap b;

        ASSERT_EQ(hbitmap_init(&b, n), 0);
        for (size_t j = 0; j <= sizeof(spots) / sizeof(spots[0]); j++) {
            /* The extra round is the map's last bit. */
            uint64_t i = j < sizeof(spots) / sizeof(spots[0]) ? spots[j] : n - 1;

            if (i >= n)
                continue;
            hbitmap_set(&b, i);
            EXPECT_TRUE(hbitmap_test(&b, i));
            if (i > 0)
                EXPECT_FALSE(hbitmap_test(&b, i - 1));
            if (i + 1 < n)
                EXPECT_FALSE(hbitmap_test(&b, i + 1));
            EXPECT_EQ(hbitmap_find_next(&b, 0, n), i);
            EXPECT_EQ(hbitmap_find_next(&b, i, n), i);
            EXPECT_EQ(hbitmap_find_next(&b, i + 1, n), n);
            EXPECT_EQ(hbitmap_find_next(&b, 0, i), i); /* `to` is exclusive */
            EXPECT_EQ(hbitmap_find_next(&b, 0, i + 1), i);
            EXPECT_EQ(hbitmap_weight(&b), 1u);
            EXPECT_EQ(hbitmap_count_range(&b, 0, n), 1u);
            EXPECT_EQ(hbitmap_count_range(&b, i, 1), 1u);
            EXPECT_EQ(hbitmap_count_range(&b, 0, i), 0u);
            EXPECT_TRUE(hbitmap_summaries_ok(&b));

            /* Setting twice and clearing a clear neighbour change nothing. */
            hbitmap_set(&b, i);
            if (i + 1 < n)
                hbitmap_clear(&b, i + 1);
            EXPECT_EQ(hbitmap_weight(&b), 1u);

            hbitmap_clear(&b, i);
            EXPECT_FALSE(hbitmap_test(&b, i));
            EXPECT_EQ(hbitmap_find_next(&b, 0, n), n);
            EXPECT_EQ(hbitmap_find_next(&b, i, n), n); /* i = n - 1: climbs off the end */
            EXPECT_EQ(hbitmap_weight(&b), 0u);
            EXPECT_TRUE(hbitmap_summaries_ok(&b));
            /* Every summary word is clear again. */
            for (unsigned int k = 1; k < b.levels; k++)
                for (uint64_t w = 0; w < b.nwords[k]; w++)
                    EXPECT_EQ(b.level[k][w], 0u);
        }
        hbitmap_destroy(&b);
    }
}

/* Every (from, to) pair over a set of boundary points, for several
 * contents: empty, each single boundary bit, a mix, and full. */
TEST(hbitmap_find_next_boundaries)
{
    const uint64_t n = 2 * 262144 + 100;
    static const uint64_t base[] = {0,      1,      62,     63,     64,     65,    127,  128,
                                    4094,   4095,   4096,   4097,   4098,   8191,  8192, 262142,
                                    262143, 262144, 262145, 262146, 524287, 524288};
    uint64_t pts[sizeof(base) / sizeof(base[0]) + 3];
    size_t np = 0;
    struct hbitmap b;
    struct ref r;

    for (size_t j = 0; j < sizeof(base) / sizeof(base[0]); j++)
        pts[np++] = base[j];
    pts[np++] = n - 2;
    pts[np++] = n - 1;
    pts[np++] = n;

    ASSERT_EQ(hbitmap_init(&b, n), 0);
    ref_init(&r, n);

    /* rounds: 0 empty, 1..np-1 single bit pts[round-1], np mix, np+1 full */
    for (size_t round = 0; round <= np + 1; round++) {
        if (round >= 1 && round < np) {
            hbitmap_set(&b, pts[round - 1]);
            ref_fill(&r, pts[round - 1], 1, 1);
        } else if (round == np) {
            static const uint64_t mix[] = {63, 64, 4095, 4097, 262143, 262145};

            for (size_t j = 0; j < sizeof(mix) / sizeof(mix[0]); j++) {
                hbitmap_set(&b, mix[j]);
                ref_fill(&r, mix[j], 1, 1);
            }
            hbitmap_set(&b, n - 1);
            ref_fill(&r, n - 1, 1, 1);
        } else if (round == np + 1) {
            hbitmap_set_range(&b, 0, n);
            ref_fill(&r, 0, n, 1);
        }
        ASSERT_TRUE(matches(&b, &r));

        for (size_t f = 0; f < np; f++) {
            for (size_t t = 0; t < np; t++) {
                uint64_t from = pts[f], to = pts[t];
                uint64_t want = from < to ? ref_find_next(&r, from, to) : to;
                uint64_t got = hbitmap_find_next(&b, from, to);

                if (got != want) {
                    test_fail(__FILE__, __LINE__,
                              "round %zu: find_next(%" PRIu64 ", %" PRIu64 ") = %" PRIu64
                              ", want %" PRIu64,
                              round, from, to, got, want);
                    goto out;
                }
            }
        }

        hbitmap_clear_range(&b, 0, n);
        ref_fill(&r, 0, n, 0);
    }
out:
    ref_free(&r);
    hbitmap_destroy(&b);
}

/* Range operations on boundary-heavy random ranges against the reference. */
TEST(hbitmap_ranges_vs_reference)
{
    static const uint64_t sizes[] = {64, 4097, 300000};
    struct test_rng rng;

    test_rng_init(&rng, test_seed());
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        uint64_t n = sizes[s];
        struct hbitmap b;
        struct ref r;

        ASSERT_EQ(hbitmap_init(&b, n), 0);
        ref_init(&r, n);
        for (int op = 0; op < 600; op++) {
            uint64_t from, len, cf, cn;
            bool set = test_rng_below(&rng, 2);

            pick_range(&rng, n, &from, &len);
            if (set) {
                hbitmap_set_range(&b, from, len);
                ref_fill(&r, from, len, 1);
            } else {
                hbitmap_clear_range(&b, from, len);
                ref_fill(&r, from, len, 0);
            }
            pick_range(&rng, n, &cf, &cn);
            if (!matches(&b, &r) || hbitmap_count_range(&b, cf, cn) != ref_count(&r, cf, cn)) {
                test_fail(__FILE__, __LINE__,
                          "n %" PRIu64 " op %d: %s_range(%" PRIu64 ", %" PRIu64
                          "), then count_range(%" PRIu64 ", %" PRIu64 ") = %" PRIu64
                          ", want %" PRIu64,
                          n, op, set ? "set" : "clear", from, len, cf, cn,
                          hbitmap_count_range(&b, cf, cn), ref_count(&r, cf, cn));
                break;
            }
        }
        ref_free(&r);
        hbitmap_destroy(&b);
    }
}

/* A 1 GiB range of order-0 frames, unaligned at both ends. */
TEST(hbitmap_gib_range)
{
    const uint64_t n = 4 * GIB_ORDER0_BITS, from = 4096 + 3, len = GIB_ORDER0_BITS;
    struct hbitmap b;
    double t0, t1, t2;

    ASSERT_EQ(hbitmap_init(&b, n), 0);
    t0 = now_ns();
    hbitmap_set_range(&b, from, len);
    t1 = now_ns();
    EXPECT_EQ(hbitmap_count_range(&b, from, len), len);
    EXPECT_EQ(hbitmap_count_range(&b, 0, n), len);
    EXPECT_EQ(hbitmap_count_range(&b, from + 1, len - 2), len - 2);
    EXPECT_EQ(hbitmap_weight(&b), len);
    EXPECT_EQ(hbitmap_find_next(&b, 0, n), from);
    EXPECT_EQ(hbitmap_find_next(&b, from + len, n), n);
    EXPECT_FALSE(hbitmap_test(&b, from - 1));
    EXPECT_TRUE(hbitmap_test(&b, from + len - 1));
    EXPECT_FALSE(hbitmap_test(&b, from + len));
    EXPECT_TRUE(hbitmap_summaries_ok(&b));

    t2 = now_ns();
    hbitmap_clear_range(&b, from + 1, len - 2);
    t2 = now_ns() - t2;
    EXPECT_EQ(hbitmap_weight(&b), 2u);
    EXPECT_EQ(hbitmap_find_next(&b, from + 1, n), from + len - 1);
    EXPECT_TRUE(hbitmap_summaries_ok(&b));
    hbitmap_clear_range(&b, 0, n);
    EXPECT_EQ(hbitmap_weight(&b), 0u);
    EXPECT_TRUE(hbitmap_summaries_ok(&b));
    test_note("1 GiB order-0 range: set_range %.1f us, clear_range %.1f us", (t1 - t0) / 1e3,
              t2 / 1e3);
    hbitmap_destroy(&b);
}

/* Thousands of mixed operations on maps of random sizes, each checked
 * against the reference in full.  `lazy`: single clears leave summary
 * bits stale, half the searches clean them, and every other operation
 * must still agree with the reference. */
static void randomized(bool lazy)
{
    struct test_rng rng;
    uint64_t ops = 0;

    test_rng_init(&rng, test_seed());
    for (unsigned long m = 0; m < test_scaled(40); m++) {
        uint64_t n;
        struct hbitmap b;
        struct ref r;

        /* Mostly log-uniform so that small maps get their share; some
         * exact multiples of a summary word's reach. */
        if (m % 8 == 0)
            n = 1 + test_rng_below(&rng, 300000);
        else if (m % 8 == 4)
            n = (1 + test_rng_below(&rng, 70)) << (6 * (1 + test_rng_below(&rng, 2)));
        else
            n = 1 + test_rng_below(&rng, 1ULL << test_rng_below(&rng, 19));
        ASSERT_EQ(hbitmap_init(&b, n), 0);
        ref_init(&r, n);

        for (int op = 0; op < 500; op++, ops++) {
            uint64_t i = test_rng_below(&rng, n), from, len, got = 0, want = 0;
            unsigned int kind = (unsigned int)test_rng_below(&rng, 8);
            const char *what = "";

            from = len = 0;
            switch (kind) {
            case 0:
                what = "set";
                hbitmap_set(&b, i);
                ref_fill(&r, i, 1, 1);
                break;
            case 1:
                /* Usually a set bit, so that clears do something. */
                what = "clear";
                if (test_rng_below(&rng, 4)) {
                    uint64_t j = ref_find_next(&r, i, n);

                    i = j < n ? j : ref_find_next(&r, 0, n);
                    if (i == n)
                        i = 0;
                }
                if (lazy) {
                    got = hbitmap_test_and_clear_lazy(&b, i);
                    want = ref_bit(&r, i);
                } else {
                    hbitmap_clear(&b, i);
                }
                ref_fill(&r, i, 1, 0);
                break;
            case 2:
                what = "set_range";
                pick_range(&rng, n, &from, &len);
                hbitmap_set_range(&b, from, len);
                ref_fill(&r, from, len, 1);
                break;
            case 3:
                what = "clear_range";
                pick_range(&rng, n, &from, &len);
                hbitmap_clear_range(&b, from, len);
                ref_fill(&r, from, len, 0);
                break;
            case 4:
                what = "count_range";
                pick_range(&rng, n, &from, &len);
                got = hbitmap_count_range(&b, from, len);
                want = ref_count(&r, from, len);
                break;
            case 5:
            case 6: {
                /* find_next with `to` often below nbits, sometimes from == to */
                uint64_t to = kind == 5 ? n : pick_point(&rng, n);

                what = "find_next";
                from = test_rng_below(&rng, 8) ? pick_point(&rng, to) : to;
                len = to - from;
                got = lazy && kind == 6 ? hbitmap_find_next_clean(&b, from, to)
                                        : hbitmap_find_next(&b, from, to);
                want = ref_find_next(&r, from, to);
                break;
            }
            default:
                what = "test";
                from = i;
                got = hbitmap_test(&b, i);
                want = ref_bit(&r, i);
                break;
            }
            if (got != want || !matches_as(&b, &r, lazy)) {
                test_fail(__FILE__, __LINE__,
                          "map %lu (nbits %" PRIu64 ") op %d: %s i %" PRIu64 " from %" PRIu64
                          " n %" PRIu64 ": got %" PRIu64 ", want %" PRIu64,
                          m, n, op, what, i, from, len, got, want);
                ref_free(&r);
                hbitmap_destroy(&b);
                return;
            }
        }
        ref_free(&r);
        hbitmap_destroy(&b);
    }
    test_note("%" PRIu64 " operations checked", ops);
}

TEST(hbitmap_randomized)
{
    randomized(false);
}

TEST(hbitmap_randomized_lazy_clears)
{
    randomized(true);
}

/* Stale summary bits: every search skips them, the cleaning one drops
 * those it steps over and leaves the map exact again, at every level. */
static uint64_t summary_bits(const struct hbitmap *b)
{
    uint64_t count = 0;

    for (unsigned int k = 1; k < b->levels; k++)
        for (uint64_t w = 0; w < b->nwords[k]; w++)
            count += (uint64_t)__builtin_popcountll(b->level[k][w]);
    return count;
}

TEST(hbitmap_lazy_clear_leaves_stale_summaries)
{
    const uint64_t n = 262145 + 70; /* 4 levels */
    const uint64_t bits[] = {5, 64 * 64 + 3, 64 * 64 * 64 + 7, n - 1};
    uint64_t before;
    struct hbitmap b;

    ASSERT_EQ(hbitmap_init(&b, n), 0);
    ASSERT_EQ(b.levels, 4u);
    for (size_t j = 0; j < sizeof(bits) / sizeof(bits[0]); j++)
        hbitmap_set(&b, bits[j]);
    /* All but the last go, lazily: their summaries stay set. */
    for (size_t j = 0; j + 1 < sizeof(bits) / sizeof(bits[0]); j++) {
        EXPECT_TRUE(hbitmap_test_and_clear_lazy(&b, bits[j]));
        EXPECT_FALSE(hbitmap_test_and_clear_lazy(&b, bits[j])); /* already clear */
    }
    EXPECT_FALSE(hbitmap_summaries_ok(&b));
    EXPECT_TRUE(hbitmap_summaries_cover(&b));
    EXPECT_EQ(hbitmap_weight(&b), 1u);
    EXPECT_EQ(hbitmap_count_range(&b, 0, n), 1u);
    EXPECT_EQ(hbitmap_find_next(&b, 0, n), n - 1);
    EXPECT_EQ(hbitmap_find_next(&b, 0, n - 1), n - 1);
    EXPECT_EQ(hbitmap_find_next(&b, 6, bits[2] + 1), bits[2] + 1);
    EXPECT_FALSE(hbitmap_summaries_ok(&b)); /* the plain search wrote nothing */

    /* The cleaning search drops the stale bits it descends into (those
     * of bits[1] and bits[2]); one it only climbs past (bits[0]'s, below
     * its start) may stay, harmlessly. */
    before = summary_bits(&b);
    EXPECT_EQ(hbitmap_find_next_clean(&b, 0, n), n - 1);
    EXPECT_TRUE(hbitmap_summaries_cover(&b));
    EXPECT_LT(summary_bits(&b), before);
    EXPECT_EQ(b.level[1][bits[1] >> 12] >> ((bits[1] >> 6) & 63) & 1, 0u);
    EXPECT_EQ(b.level[1][bits[2] >> 12] >> ((bits[2] >> 6) & 63) & 1, 0u);
    EXPECT_EQ(hbitmap_find_next_clean(&b, 6, n), n - 1);
    EXPECT_TRUE(hbitmap_summaries_cover(&b));

    /* A lazily cleared bit set again is found again. */
    hbitmap_set(&b, bits[1]);
    EXPECT_TRUE(hbitmap_summaries_cover(&b));
    EXPECT_EQ(hbitmap_find_next_clean(&b, 0, n), bits[1]);
    hbitmap_clear(&b, bits[1]);
    hbitmap_clear(&b, n - 1);
    EXPECT_EQ(hbitmap_find_next_clean(&b, 0, n), n);
    hbitmap_destroy(&b);
}

/* 2^31 bits, six levels: 256 MiB of leaf words that must stay untouched. */
/* Ranges whose words share one summary word are answered from it when
 * it shows them all zero (hbitmap_range_clear_quick): counts and clears
 * must agree with the words themselves on both sides of that shortcut,
 * with a stale summary bit over a zero word, and at summary-word edges. */
TEST(hbitmap_short_ranges_by_summary_word)
{
    const uint64_t n = 64 * 64 * 3 + 5; /* 3 levels, level 1 has 4 words */
    struct hbitmap b;

    ASSERT_EQ(hbitmap_init(&b, n), 0);
    ASSERT_EQ(b.levels, 3u);
    EXPECT_TRUE(hbitmap_range_clear_quick(&b, 0, 512));
    EXPECT_EQ(hbitmap_count_range(&b, 512, 512), 0u);

    /* One set bit: the summary shows its word, the count reads it. */
    hbitmap_set(&b, 4096 + 700);
    EXPECT_FALSE(hbitmap_range_clear_quick(&b, 4096 + 512, 512));
    EXPECT_EQ(hbitmap_count_range(&b, 4096 + 512, 512), 1u);
    EXPECT_EQ(hbitmap_count_range(&b, 4096 + 701, 511), 0u); /* same word, outside */
    EXPECT_TRUE(hbitmap_range_clear_quick(&b, 4096, 512));
    EXPECT_EQ(hbitmap_count_range(&b, 4096, 512), 0u);

    /* Lazily cleared: the summary bit stays over a zero word, so the
     * quick answer is "don't know" and the words are read. */
    EXPECT_TRUE(hbitmap_test_and_clear_lazy(&b, 4096 + 700));
    EXPECT_FALSE(hbitmap_range_clear_quick(&b, 4096 + 512, 512));
    EXPECT_EQ(hbitmap_count_range(&b, 4096 + 512, 512), 0u);

    /* A range across two summary words always reads the words. */
    hbitmap_set(&b, 4095);
    EXPECT_FALSE(hbitmap_range_clear_quick(&b, 4000, 200));
    EXPECT_EQ(hbitmap_count_range(&b, 4000, 200), 1u);
    hbitmap_clear_range(&b, 4000, 200);
    EXPECT_EQ(hbitmap_count_range(&b, 0, n), 0u);

    /* A clear of a range the summary shows empty writes nothing; one with
     * bits set clears exactly them and keeps the summaries covering. */
    hbitmap_set_range(&b, 8192 + 3, 70);
    hbitmap_clear_range(&b, 8192 + 128, 512);
    EXPECT_EQ(hbitmap_count_range(&b, 8192, 512), 70u);
    hbitmap_clear_range(&b, 8192, 64);
    EXPECT_EQ(hbitmap_count_range(&b, 8192, 512), 9u);
    EXPECT_TRUE(hbitmap_summaries_cover(&b));
    hbitmap_clear_range(&b, 8192, 512);
    EXPECT_EQ(hbitmap_weight(&b), 0u);
    EXPECT_TRUE(hbitmap_summaries_cover(&b)); /* the lazy clear's bit stays */
    hbitmap_destroy(&b);
}

TEST(hbitmap_large_sparse)
{
    const uint64_t n = 1ULL << 31;
    static const uint64_t bits[] = {0, (1ULL << 20) + 5, 1ULL << 30, 3 * (1ULL << 29) + 77,
                                    (1ULL << 31) - 1};
    const size_t nb = sizeof(bits) / sizeof(bits[0]);
    uint64_t rss0 = rss_bytes(), grew;
    struct hbitmap b;

    ASSERT_EQ(hbitmap_init(&b, n), 0);
    EXPECT_EQ(b.levels, 6u);
    EXPECT_EQ(hbitmap_find_next(&b, 0, n), n);
    for (size_t j = 0; j < nb; j++)
        hbitmap_set(&b, bits[j]);

    EXPECT_EQ(hbitmap_find_next(&b, 0, n), bits[0]);
    for (size_t j = 0; j + 1 < nb; j++) {
        EXPECT_EQ(hbitmap_find_next(&b, bits[j] + 1, n), bits[j + 1]);
        /* bounded short of the next bit: nothing */
        EXPECT_EQ(hbitmap_find_next(&b, bits[j] + 1, bits[j + 1]), bits[j + 1]);
        EXPECT_EQ(hbitmap_find_next(&b, bits[j] + 1, bits[j + 1] - 1), bits[j + 1] - 1);
    }
    EXPECT_EQ(hbitmap_find_next(&b, bits[nb - 1], n), bits[nb - 1]);
    EXPECT_EQ(hbitmap_weight(&b), nb);
    EXPECT_EQ(hbitmap_count_range(&b, 0, n), nb);
    EXPECT_EQ(hbitmap_count_range(&b, 1, n - 2), nb - 2);

    /* clear_range only visits non-zero words, so this is cheap too. */
    hbitmap_clear_range(&b, 1, n - 1);
    EXPECT_EQ(hbitmap_weight(&b), 1u);
    EXPECT_EQ(hbitmap_find_next(&b, 1, n), n);

    grew = rss_bytes() - rss0;
    test_note("resident growth for a 2^31-bit map: %" PRIu64 " KiB of %zu KiB allocated",
              grew >> 10, hbitmap_bytes(&b) >> 10);
    EXPECT_LT(grew, 32ULL << 20);
    EXPECT_TRUE(hbitmap_summaries_ok(&b)); /* reads all 256 MiB; after the RSS check */
    hbitmap_destroy(&b);
}

TEST(hbitmap_bytes_sanity)
{
    static const struct {
        uint64_t nbits;
        size_t bytes;
    } cases[] = {
        {0, 0},
        {1, 8},
        {64, 8},
        {65, 3 * 8},
        {4096, (64 + 1) * 8},
        {4097, (65 + 2 + 1) * 8},
        {1ULL << 32, ((1ULL << 26) + (1ULL << 20) + (1ULL << 14) + (1ULL << 8) + 4 + 1) * 8},
    };

    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct hbitmap b;

        ASSERT_EQ(hbitmap_init(&b, cases[c].nbits), 0);
        EXPECT_EQ(hbitmap_bytes(&b), cases[c].bytes);
        EXPECT_GE(hbitmap_bytes(&b) * 8, cases[c].nbits);
        hbitmap_set_range(&b, 0, cases[c].nbits > 100 ? 100 : cases[c].nbits);
        EXPECT_EQ(hbitmap_bytes(&b), cases[c].bytes); /* contents do not matter */
        hbitmap_destroy(&b);
        EXPECT_EQ(hbitmap_bytes(&b), 0u);
    }
}

TEST(hbitmap_init_failure)
{
    struct hbitmap b;
    int rc;

    /* Beyond HBITMAP_MAX_LEVELS: refused before allocating anything. */
    EXPECT_EQ(hbitmap_init(&b, (1ULL << 48) + 1), -ENOMEM);
    EXPECT_EQ(hbitmap_init(&b, UINT64_MAX), -ENOMEM);
    for (unsigned int k = 0; k < HBITMAP_MAX_LEVELS; k++)
        EXPECT_TRUE(b.level[k] == NULL);

    /* 8 levels: 8 TiB of leaves under 128 GiB, 2 GiB, ... of summaries.
     * The small upper levels are allocated first, so when the big ones do
     * not fit the unwind has real work to do (LeakSanitizer checks it when
     * built in).  Only a host that overcommits without limit succeeds. */
    rc = hbitmap_init(&b, 1ULL << 46);
    if (rc == 0) {
        EXPECT_EQ(b.levels, (unsigned int)HBITMAP_MAX_LEVELS);
        test_note("8 TiB calloc succeeded; the unwind path was not exercised");
        hbitmap_destroy(&b);
        return;
    }
    EXPECT_EQ(rc, -ENOMEM);
    for (unsigned int k = 0; k < HBITMAP_MAX_LEVELS; k++)
        EXPECT_TRUE(b.level[k] == NULL);
#ifdef HAVE_ASAN
    EXPECT_EQ(__lsan_do_recoverable_leak_check(), 0);
#endif
}

#if defined(CS_DEBUG) && CS_DEBUG
enum misuse {
    SET_PAST_END,
    CLEAR_PAST_END,
    TEST_PAST_END,
    SET_RANGE_PAST_END,
    SET_RANGE_WRAPS,
    CLEAR_RANGE_PAST_END,
    CLEAR_RANGE_WRAPS,
    COUNT_PAST_END,
    COUNT_WRAPS,
    FIND_TO_PAST_END,
    NR_MISUSES
};

/* Runs one misuse in a child; true when the child died of SIGABRT. */
static bool misuse_aborts(struct hbitmap *b, enum misuse what)
{
    uint64_t n = b->nbits;
    int status, devnull;
    pid_t pid;

    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        /* Keep the expected assertion message out of the test output. */
        devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, STDERR_FILENO);
        switch (what) {
        case SET_PAST_END:
            hbitmap_set(b, n);
            break;
        case CLEAR_PAST_END:
            hbitmap_clear(b, n);
            break;
        case TEST_PAST_END:
            (void)hbitmap_test(b, n);
            break;
        case SET_RANGE_PAST_END:
            hbitmap_set_range(b, n - 1, 2);
            break;
        case SET_RANGE_WRAPS: /* from + n wraps to 1 */
            hbitmap_set_range(b, 2, UINT64_MAX);
            break;
        case CLEAR_RANGE_PAST_END:
            hbitmap_clear_range(b, 1, n);
            break;
        case CLEAR_RANGE_WRAPS:
            hbitmap_clear_range(b, 2, UINT64_MAX);
            break;
        case COUNT_PAST_END:
            (void)hbitmap_count_range(b, n, 1);
            break;
        case COUNT_WRAPS:
            (void)hbitmap_count_range(b, 2, UINT64_MAX);
            break;
        default:
            (void)hbitmap_find_next(b, 0, n + 1);
            break;
        }
        _exit(0);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return false;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}
#endif

/* Out-of-range indices are caller bugs, caught by ASSERT in debug builds. */
TEST(hbitmap_asserts_on_misuse)
{
#if defined(CS_DEBUG) && CS_DEBUG
    struct hbitmap b;

    ASSERT_EQ(hbitmap_init(&b, 4097), 0);
    for (int what = 0; what < NR_MISUSES; what++)
        if (!misuse_aborts(&b, (enum misuse)what))
            test_fail(__FILE__, __LINE__, "misuse %d did not abort", what);
    /* The last valid positions do not trip anything. */
    hbitmap_set(&b, 4096);
    hbitmap_set_range(&b, 4095, 2);
    EXPECT_EQ(hbitmap_count_range(&b, 0, 4097), 2u);
    EXPECT_EQ(hbitmap_find_next(&b, 0, 4097), 4095u);
    hbitmap_destroy(&b);
#else
    test_note("release build: ASSERT is compiled out");
#endif
}

/* The validator must notice each kind of damage, at every level. */
TEST(hbitmap_summaries_ok_detects_damage)
{
    const uint64_t n = 262145 + 70; /* 4 levels, partial last word everywhere */
    struct hbitmap b;

    ASSERT_EQ(hbitmap_init(&b, n), 0);
    ASSERT_EQ(b.levels, 4u);
    hbitmap_set(&b, 5);
    hbitmap_set(&b, n - 1);
    ASSERT_TRUE(hbitmap_summaries_ok(&b));

    for (unsigned int k = 0; k < b.levels; k++) {
        uint64_t width = k ? b.nwords[k - 1] : n;
        uint64_t *last = &b.level[k][b.nwords[k] - 1];
        uint64_t saved = *last;

        /* a bit beyond the level's width */
        *last |= 1ULL << (width % 64);
        EXPECT_FALSE(hbitmap_summaries_ok(&b));
        *last = saved;

        if (k + 1 < b.levels) {
            uint64_t j = b.nwords[k] - 1; /* non-zero: it holds bit n - 1's trail */
            uint64_t *sum = &b.level[k + 1][j / 64];

            /* a non-zero word without its summary bit */
            *sum &= ~(1ULL << (j % 64));
            EXPECT_FALSE(hbitmap_summaries_ok(&b));
            *sum |= 1ULL << (j % 64);

            /* a zero word made non-zero behind the summary's back, and a
             * summary bit over a zero word (word 1 is zero on levels 0, 1) */
            if (k < 2) {
                ASSERT_EQ(b.level[k][1], 0u);
                b.level[k][1] = 1ULL << 63;
                EXPECT_FALSE(hbitmap_summaries_ok(&b));
                b.level[k][1] = 0;
                b.level[k + 1][0] |= 1ULL << 1;
                EXPECT_FALSE(hbitmap_summaries_ok(&b));
                b.level[k + 1][0] &= ~(1ULL << 1);
            }
        }
        EXPECT_TRUE(hbitmap_summaries_ok(&b));
    }
    hbitmap_destroy(&b);
}

/* Informational only: the cost of one set + whole-map find + clear. */
TEST(hbitmap_timing)
{
    const uint64_t n = 1ULL << 28;
    enum { NIDX = 1 << 16, ROUNDS = 1 << 18 };
    uint64_t *idx = malloc(NIDX * sizeof(*idx)), bad = 0;
    struct test_rng rng;
    struct hbitmap b;
    double t;

    ASSERT_TRUE(idx != NULL);
    ASSERT_EQ(hbitmap_init(&b, n), 0);
    test_rng_init(&rng, 12345);
    for (int j = 0; j < NIDX; j++)
        idx[j] = test_rng_below(&rng, n);
    /* Fault the touched pages in first: page faults are not the subject. */
    for (int j = 0; j < NIDX; j++) {
        hbitmap_set(&b, idx[j]);
        hbitmap_clear(&b, idx[j]);
    }

    t = now_ns();
    for (int j = 0; j < ROUNDS; j++) {
        uint64_t i = idx[j & (NIDX - 1)];

        hbitmap_set(&b, i);
        bad += hbitmap_find_next(&b, 0, n) != i;
        hbitmap_clear(&b, i);
    }
    t = now_ns() - t;
    EXPECT_EQ(bad, 0u);
    EXPECT_EQ(hbitmap_weight(&b), 0u);
    test_note("2^28-bit map: %.1f ns per set + find_next(0, nbits) + clear", t / ROUNDS);
    hbitmap_destroy(&b);
    free(idx);
}

/* The tables under the bitmaps (D107): zeroed whichever way they are
 * made, also when the memory of a freed table of the same size is
 * handed out again. */
TEST(bigtable_tables_are_zeroed_on_both_sides_of_the_threshold)
{
    static const size_t sizes[] = {1, 4096, (128 << 10) - 8, 128 << 10, (1 << 20) + 8, 64 << 20};

    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        for (int round = 0; round < 2; round++) {
            unsigned char *p = bigtable_zalloc(sizes[i], 1);
            size_t bad = 0;

            ASSERT_TRUE(p != NULL);
            for (size_t at = 0; at < sizes[i]; at += 509)
                bad += p[at] != 0;
            bad += p[sizes[i] - 1] != 0;
            EXPECT_EQ(bad, (size_t)0);
            /* Dirty it all before giving it back. */
            memset(p, 0xA5, sizes[i]);
            bigtable_free(p, sizes[i], 1);
        }
    }
    bigtable_free(NULL, 1 << 20, 1);
}

TEST(bigtable_refuses_sizes_that_overflow)
{
    EXPECT_TRUE(bigtable_zalloc(SIZE_MAX / 2 + 1, 2) == NULL);
    EXPECT_TRUE(bigtable_zalloc(SIZE_MAX, SIZE_MAX) == NULL);
}
