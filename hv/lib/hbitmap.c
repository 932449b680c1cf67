/*
 * Hierarchical bitmap.  See hv/hbitmap.h for the contract.
 *
 * Invariants (checked by hbitmap_summaries_ok, or by
 * hbitmap_summaries_cover for maps cleared lazily):
 *  - bit w of level k+1 is set iff word w of level k is non-zero (only
 *    "if" after lazy clears: a set summary bit may be stale);
 *  - no bit at or beyond a level's width is set (level 0 is nbits wide,
 *    level k+1 is nwords[k] wide);
 *  - the top level has at most one word, so a search that runs off its
 *    end has seen everything.
 *
 * Words are only written when their value changes, so clearing or
 * scanning a never-touched stretch of a calloc'd map does not fault in
 * private pages (reads map the shared zero page).
 */
#include <hv/hbitmap.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hv/bigtable.h>
#include <hv/config.h>

#define WORD_BITS  64
#define WORD_SHIFT 6

static inline uint64_t bit_word(uint64_t i)
{
    return i >> WORD_SHIFT;
}

static inline uint64_t bit_mask(uint64_t i)
{
    return 1ULL << (i & (WORD_BITS - 1));
}

/* Words needed for nbits bits; written so that nbits near 2^64 cannot wrap. */
static inline uint64_t words_for(uint64_t nbits)
{
    return nbits / WORD_BITS + (nbits % WORD_BITS != 0);
}

/* Number of meaningful bits at level k. */
static inline uint64_t level_width(const struct hbitmap *b, unsigned int k)
{
    return k ? b->nwords[k - 1] : b->nbits;
}

/* The bits of level-0 word w that lie in [first, last].  Inclusive, so a
 * range that ends on a word boundary needs no shift by 64. */
static inline uint64_t range_mask(uint64_t w, uint64_t first, uint64_t last)
{
    uint64_t m = ~0ULL;

    if (w == bit_word(first))
        m &= ~0ULL << (first & (WORD_BITS - 1));
    if (w == bit_word(last))
        m &= ~0ULL >> (WORD_BITS - 1 - (last & (WORD_BITS - 1)));
    return m;
}

int hbitmap_init(struct hbitmap *b, uint64_t nbits)
{
    uint64_t width = nbits;
    unsigned int k;

    memset(b, 0, sizeof(*b));

    /* Work out the shape before allocating anything.  A map too big for
     * HBITMAP_MAX_LEVELS (more than 2^48 bits) could not be allocated
     * anyway, so it is reported as -ENOMEM.  On any failure *b is left
     * zeroed, like a destroyed map. */
    for (k = 0;; k++) {
        if (k == HBITMAP_MAX_LEVELS) {
            hbitmap_destroy(b);
            return -ENOMEM;
        }
        b->nwords[k] = words_for(width);
        if (b->nwords[k] <= 1)
            break;
        width = b->nwords[k];
    }
    b->nbits = nbits;
    b->levels = k + 1;

    /* Smallest level first: when memory runs out it is the big leaf array
     * that fails, after the others exist, so the unwind path is the one
     * that actually runs. */
    for (k = b->levels; k-- > 0;) {
        if (!b->nwords[k])
            continue; /* nbits == 0: nothing to store, and calloc(0) may be NULL */
        b->level[k] = bigtable_zalloc(b->nwords[k], sizeof(uint64_t));
        if (!b->level[k]) {
            hbitmap_destroy(b);
            return -ENOMEM;
        }
    }
    return 0;
}

/* Leaves *b zeroed, so destroying twice is harmless. */
void hbitmap_destroy(struct hbitmap *b)
{
    for (unsigned int k = 0; k < HBITMAP_MAX_LEVELS; k++)
        bigtable_free(b->level[k], b->nwords[k], sizeof(uint64_t));
    memset(b, 0, sizeof(*b));
}

/* Word w of level `level` has just become non-zero: set the summary bits
 * above it.  Stops at the first summary word that was already non-zero:
 * everything above it is already right. */
void hbitmap_summary_set_(struct hbitmap *b, unsigned int level, uint64_t w)
{
    for (unsigned int k = level + 1; k < b->levels; k++) {
        uint64_t *p = &b->level[k][bit_word(w)];
        uint64_t old = *p;

        *p = old | bit_mask(w);
        if (old)
            return;
        w = bit_word(w);
    }
}

/* Word w of level `level` has just become zero.  Stops at the first
 * summary word that stays non-zero. */
void hbitmap_summary_clear_(struct hbitmap *b, unsigned int level, uint64_t w)
{
    for (unsigned int k = level + 1; k < b->levels; k++) {
        uint64_t *p = &b->level[k][bit_word(w)];

        *p &= ~bit_mask(w);
        if (*p)
            return;
        w = bit_word(w);
    }
}

/*
 * First set bit in [from, to) of level `base`, or `to`.  Needs
 * to <= level_width(b, base).
 *
 * Climbs while the current word has nothing at or after the position,
 * moving to the parent's bit for the *next* word, and gives up as soon as
 * that next word starts at or beyond `to`; then descends along lowest set
 * bits.  A summary bit over a zero word (stale, see hbitmap.h) ends the
 * descent: the search goes on after that bit at its level, and when
 * `clean` (b itself, writable) is given the bit is cleared on the way.
 * Without stale bits, at most one word read per level each way.  Writes
 * nothing unless `clean` is given.
 */
static uint64_t find_from_level(const struct hbitmap *b, struct hbitmap *clean, unsigned int base,
                                uint64_t from, uint64_t to)
{
    unsigned int k = base;
    uint64_t pos = from; /* a bit position at level k */
    uint64_t word;

    ASSERT(to <= level_width(b, base));
    if (from >= to)
        return to;

    for (;;) {
        for (;;) {
            word = b->level[k][bit_word(pos)] & (~0ULL << (pos & (WORD_BITS - 1)));
            if (word)
                break;
            if (k + 1 == b->levels)
                return to;
            pos = bit_word(pos) + 1;
            k++;
            /* The next word starts at or after `to`.  This also stops the
             * climb at each level's end, since to <= level_width(b, base). */
            if (pos << (WORD_SHIFT * (k - base)) >= to)
                return to;
        }

        pos = (pos & ~(uint64_t)(WORD_BITS - 1)) + (uint64_t)__builtin_ctzll(word);
        while (k > base) {
            uint64_t child = b->level[k - 1][pos];

            if (!child)
                break;
            k--;
            pos = (pos << WORD_SHIFT) + (uint64_t)__builtin_ctzll(child);
        }
        if (k == base)
            return pos < to ? pos : to;

        /* Bit pos of level k is stale: drop it if asked (and the bits
         * above it that only it kept set), and go on after it. */
        if (clean) {
            uint64_t *p = &clean->level[k][bit_word(pos)];

            *p &= ~bit_mask(pos);
            if (!*p)
                hbitmap_summary_clear_(clean, k, bit_word(pos));
        }
        pos++;
        if (pos << (WORD_SHIFT * (k - base)) >= to)
            return to;
    }
}

uint64_t hbitmap_find_next(const struct hbitmap *b, uint64_t from, uint64_t to)
{
    return find_from_level(b, NULL, 0, from, to);
}

uint64_t hbitmap_find_next_clean(struct hbitmap *b, uint64_t from, uint64_t to)
{
    return find_from_level(b, b, 0, from, to);
}

/* First non-zero level-0 word in [w, end), or `end`, via the summaries. */
static uint64_t next_nonzero_word(const struct hbitmap *b, uint64_t w, uint64_t end)
{
    if (b->levels > 1)
        return find_from_level(b, NULL, 1, w, end);
    /* A one-level map has a single word. */
    return w < end && b->level[0][w] ? w : end;
}

/* Writes every word of the range: the bits must end up set whatever was
 * there.  Words that were already non-zero need no summary work. */
void hbitmap_set_range_(struct hbitmap *b, uint64_t from, uint64_t n)
{
    uint64_t last;

    ASSERT(n <= b->nbits && from <= b->nbits - n);
    if (!n)
        return;
    last = from + n - 1;
    for (uint64_t w = bit_word(from); w <= bit_word(last); w++) {
        uint64_t *p = &b->level[0][w];
        uint64_t old = *p;
        uint64_t m = range_mask(w, from, last);

        if ((old & m) == m)
            continue;
        *p = old | m;
        if (!old)
            hbitmap_summary_set_(b, 0, w);
    }
}

/* Visits only the non-zero words of the range, so clearing a large, mostly
 * clear stretch costs in proportion to what is actually set. */
void hbitmap_clear_range_(struct hbitmap *b, uint64_t from, uint64_t n)
{
    uint64_t last, end;

    ASSERT(n <= b->nbits && from <= b->nbits - n);
    if (!n)
        return;
    last = from + n - 1;
    end = bit_word(last) + 1;
    for (uint64_t w = bit_word(from); (w = next_nonzero_word(b, w, end)) < end; w++) {
        uint64_t *p = &b->level[0][w];
        uint64_t m = range_mask(w, from, last);

        if (!(*p & m))
            continue;
        *p &= ~m;
        if (!*p)
            hbitmap_summary_clear_(b, 0, w);
    }
}

uint64_t hbitmap_count_range_(const struct hbitmap *b, uint64_t from, uint64_t n)
{
    uint64_t last, end, count = 0;

    ASSERT(n <= b->nbits && from <= b->nbits - n);
    if (!n)
        return 0;
    last = from + n - 1;
    end = bit_word(last) + 1;
    for (uint64_t w = bit_word(from); (w = next_nonzero_word(b, w, end)) < end; w++)
        count += (uint64_t)__builtin_popcountll(b->level[0][w] & range_mask(w, from, last));
    return count;
}

/* Set bits under word w of level k: descends only into non-zero words.
 * Recursion depth is bounded by HBITMAP_MAX_LEVELS. */
static uint64_t weight_under(const struct hbitmap *b, unsigned int k, uint64_t w)
{
    uint64_t word = b->level[k][w];
    uint64_t sum = 0;

    if (k == 0)
        return (uint64_t)__builtin_popcountll(word);
    for (; word; word &= word - 1)
        sum += weight_under(b, k - 1, (w << WORD_SHIFT) + (uint64_t)__builtin_ctzll(word));
    return sum;
}

uint64_t hbitmap_weight(const struct hbitmap *b)
{
    if (!b->nbits)
        return 0;
    return weight_under(b, b->levels - 1, 0);
}

/* The arrays only; the struct itself belongs to its owner. */
size_t hbitmap_bytes(const struct hbitmap *b)
{
    size_t bytes = 0;

    for (unsigned int k = 0; k < b->levels; k++)
        bytes += (size_t)b->nwords[k] * sizeof(uint64_t);
    return bytes;
}

/* Reads every word of every level: O(nbits / 64), debug use only.
 * `exact`: a summary bit over a zero word is an error too. */
static bool summaries_check(const struct hbitmap *b, bool exact)
{
    if (b->levels < 1 || b->levels > HBITMAP_MAX_LEVELS || b->nwords[b->levels - 1] > 1)
        return false;

    for (unsigned int k = 0; k < b->levels; k++) {
        uint64_t width = level_width(b, k);
        uint64_t nw = b->nwords[k];

        if (nw != words_for(width) || (nw && !b->level[k]))
            return false;
        /* Nothing beyond the width in the last word. */
        if (nw && (width & (WORD_BITS - 1)) &&
            (b->level[k][nw - 1] & (~0ULL << (width & (WORD_BITS - 1)))))
            return false;
        if (k + 1 == b->levels)
            break;
        for (uint64_t w = 0; w < nw; w++) {
            bool nonzero = b->level[k][w] != 0;
            bool summary = (b->level[k + 1][bit_word(w)] & bit_mask(w)) != 0;

            if (nonzero ? !summary : summary && exact)
                return false;
        }
    }
    return true;
}

bool hbitmap_summaries_ok(const struct hbitmap *b)
{
    return summaries_check(b, true);
}

bool hbitmap_summaries_cover(const struct hbitmap *b)
{
    return summaries_check(b, false);
}
