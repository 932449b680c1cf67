/*
 * Hierarchical bitmap: a flat bitmap plus 64-ary summary levels, so that
 * "next set bit in [from, to)" costs O(log64 n) word reads however sparse
 * the map is.  Level 0 holds the bits; bit i of level k+1 is set whenever
 * word i of level k is non-zero.  Every operation but one keeps it exact
 * (set exactly then); hbitmap_test_and_clear_lazy() leaves the summaries
 * alone, so a summary bit may stay set over a word that became zero
 * ("stale").  Searches skip stale bits, and hbitmap_find_next_clean()
 * clears those it meets, so each costs one extra step once.
 *
 * The heap uses one per node and order for free chunk heads (the free
 * "lists") and one per host for dirty frames.  Storage comes from calloc,
 * so never-touched stretches of a large host cost no resident memory.
 * Not thread-safe: the owner's lock protects it.
 */
#ifndef HV_HBITMAP_H
#define HV_HBITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define HBITMAP_MAX_LEVELS 8

struct hbitmap {
    uint64_t nbits;
    unsigned int levels;                 /* >= 1; level 0 is the leaf level */
    uint64_t nwords[HBITMAP_MAX_LEVELS]; /* words per level */
    uint64_t *level[HBITMAP_MAX_LEVELS];
};

/* All bits clear.  nbits may be 0.  Returns 0 or -ENOMEM. */
int hbitmap_init(struct hbitmap *b, uint64_t nbits);
void hbitmap_destroy(struct hbitmap *b);

/* Out of line halves of the inline operations below; not for callers. */
void hbitmap_summary_set_(struct hbitmap *b, unsigned int level, uint64_t w);
void hbitmap_summary_clear_(struct hbitmap *b, unsigned int level, uint64_t w);
void hbitmap_set_range_(struct hbitmap *b, uint64_t from, uint64_t n);
void hbitmap_clear_range_(struct hbitmap *b, uint64_t from, uint64_t n);
uint64_t hbitmap_count_range_(const struct hbitmap *b, uint64_t from, uint64_t n);

/*
 * Single bits; i < nbits (asserted in debug builds).  Inline
 * because the buddy heap does several per split or merge step: the
 * common case is one word read and at most one written, and only a word
 * that becomes zero or non-zero reaches the summary levels.  A bit that
 * already has its value is not written, which keeps untouched pages of a
 * calloc'd map untouched.
 */
static inline void hbitmap_set(struct hbitmap *b, uint64_t i)
{
    ASSERT(i < b->nbits);
    uint64_t *p = &b->level[0][i >> 6];
    uint64_t old = *p, m = 1ULL << (i & 63);

    if (old & m)
        return;
    *p = old | m;
    if (!old && b->levels > 1) {
        /* The word became non-zero: set its summary bit, and go up while
         * the summary word was zero before (two levels here, the rest out
         * of line). */
        uint64_t w = i >> 6, *s = &b->level[1][w >> 6], sold = *s;

        *s = sold | (1ULL << (w & 63));
        if (!sold && b->levels > 2) {
            uint64_t w1 = w >> 6, *s2 = &b->level[2][w1 >> 6], old2 = *s2;

            *s2 = old2 | (1ULL << (w1 & 63));
            if (!old2)
                hbitmap_summary_set_(b, 2, w1 >> 6);
        }
    }
}

/* Clears bit i and tells whether it was set: the buddy heap's merge step
 * tests a buddy and takes it in one word read. */
static inline bool hbitmap_test_and_clear(struct hbitmap *b, uint64_t i)
{
    ASSERT(i < b->nbits);
    uint64_t *p = &b->level[0][i >> 6];
    uint64_t old = *p, m = 1ULL << (i & 63);

    if (!(old & m))
        return false;
    *p = old & ~m;
    if (old == m && b->levels > 1) {
        /* The word became zero: the same, while summary words become zero. */
        uint64_t w = i >> 6, *s = &b->level[1][w >> 6], sm = 1ULL << (w & 63);

        *s &= ~sm;
        if (!*s && b->levels > 2) {
            uint64_t w1 = w >> 6, *s2 = &b->level[2][w1 >> 6];

            *s2 &= ~(1ULL << (w1 & 63));
            if (!*s2)
                hbitmap_summary_clear_(b, 2, w1 >> 6);
        }
    }
    return true;
}

static inline void hbitmap_clear(struct hbitmap *b, uint64_t i)
{
    (void)hbitmap_test_and_clear(b, i);
}

/*
 * The same, but only the bit itself is written: summary bits above it may
 * be left stale.  For the buddy heap's merges, which clear one bit per
 * order crossed; the next split of the same chunk sets the same bits and
 * finds the summaries already set, so neither walks up the levels.
 */
static inline bool hbitmap_test_and_clear_lazy(struct hbitmap *b, uint64_t i)
{
    ASSERT(i < b->nbits);
    uint64_t *p = &b->level[0][i >> 6];
    uint64_t old = *p, m = 1ULL << (i & 63);

    *p = old & ~m;
    return old & m;
}

static inline bool hbitmap_test(const struct hbitmap *b, uint64_t i)
{
    ASSERT(i < b->nbits);
    return (b->level[0][i >> 6] >> (i & 63)) & 1;
}

/* Ranges [from, from + n), within nbits.  Word-at-a-time; a single bit
 * (the heap's order-0 frees and allocations) takes the inline path. */
static inline void hbitmap_set_range(struct hbitmap *b, uint64_t from, uint64_t n)
{
    if (n == 1)
        hbitmap_set(b, from);
    else
        hbitmap_set_range_(b, from, n);
}

/*
 * Whether a range of n >= 2 bits is all clear by one read of its summary
 * word, when its level-0 words share one (up to 4,096 bits: the heap's
 * chunks up to 2 MiB in the dirty map).  A clear summary bit always means
 * a zero word, stale bits or not, so "true" is exact; "false" only means
 * the words must be read.  Spares the common clean allocation and free
 * an out-of-line call and a search through the levels.
 */
static inline bool hbitmap_range_clear_quick(const struct hbitmap *b, uint64_t from, uint64_t n)
{
    uint64_t w0 = from >> 6, w1 = (from + n - 1) >> 6;

    ASSERT(n >= 2 && n <= b->nbits && from <= b->nbits - n);
    if (b->levels < 2 || (w0 >> 6) != (w1 >> 6))
        return false;
    return !(b->level[1][w0 >> 6] & (~0ULL << (w0 & 63)) & (~0ULL >> (63 - (w1 & 63))));
}

static inline void hbitmap_clear_range(struct hbitmap *b, uint64_t from, uint64_t n)
{
    if (n == 1)
        hbitmap_clear(b, from);
    else if (n && !hbitmap_range_clear_quick(b, from, n))
        hbitmap_clear_range_(b, from, n);
}

static inline uint64_t hbitmap_count_range(const struct hbitmap *b, uint64_t from, uint64_t n)
{
    if (n == 1)
        return hbitmap_test(b, from);
    if (!n || hbitmap_range_clear_quick(b, from, n))
        return 0;
    return hbitmap_count_range_(b, from, n);
}

/* First set bit in [from, to), or `to` when there is none (to <= nbits). */
uint64_t hbitmap_find_next(const struct hbitmap *b, uint64_t from, uint64_t to);
/* The same, clearing the stale summary bits it steps over, so that a map
 * cleared lazily and searched again and again does not meet them twice. */
uint64_t hbitmap_find_next_clean(struct hbitmap *b, uint64_t from, uint64_t to);

/* Number of set bits in the whole map (walks the summaries). */
uint64_t hbitmap_weight(const struct hbitmap *b);

/* Bytes of storage, for metadata accounting. */
size_t hbitmap_bytes(const struct hbitmap *b);

/* Debug: every summary bit matches its word.  True when consistent. */
bool hbitmap_summaries_ok(const struct hbitmap *b);
/* Debug, for maps cleared lazily: every non-zero word has its summary bit
 * (stale bits over zero words allowed); the rest as hbitmap_summaries_ok. */
bool hbitmap_summaries_cover(const struct hbitmap *b);

#endif /* HV_HBITMAP_H */
