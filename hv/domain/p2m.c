/*
 * A domain's physmap (p2m): guest frame -> machine frame, as a 4-level
 * radix tree of 512-entry tables.  See hv/p2m.h for the contract.
 *
 * Entry encoding (one uint64_t, 0 = empty):
 *   bit 0       present
 *   bit 1       leaf: bits 12..51 hold the machine frame of the leaf's
 *               first guest frame (frames have at most 40 bits), the
 *               rest following it one for one; the leaf's order follows
 *               from its level (9 * level).  The machine frame need not
 *               be aligned to the leaf (see "leaf choice" below)
 *   otherwise   a child table: bits 2..47 hold its pointer (malloc
 *               alignment keeps bits 0 and 1 clear, and user-space
 *               addresses have no bit at 48 or above), bits 48..57 the
 *               number of non-empty entries in the child (0..512)
 *
 * Invariants, kept by every operation:
 *   - every table in the tree has at least one leaf below it: a table that
 *     becomes empty is freed at once, and the root too (p->root is NULL
 *     exactly when nothing is mapped, and then nr_tables == 0), so the
 *     root is empty exactly when nr_leaves == 0;
 *   - the count in a table entry is exact, so "is the child empty" is one
 *     test, not a scan of 512 entries;
 *   - leaves sit at levels 0..2 only, and a leaf at level L starts at a
 *     gfn aligned to 2^(9L) (it is one table entry) and maps a run of
 *     2^(9L) machine frames that starts anywhere;
 *   - nr_pages, nr_leaves and nr_tables are exact at every return.
 *
 * Freed tables are empty, hence zero: up to P2M_POOL_MAX of them are kept
 * on the p2m's pool and handed out again without allocating or zeroing,
 * so a guest that populates and decreases in a steady state costs no
 * allocation at all.  The pool is not counted in nr_tables or p2m_bytes
 * (tables in the tree) and is freed by p2m_destroy.
 *
 * Leaf choice: a range is stored with the largest leaves its guest frames
 * allow, whatever the alignment of its machine frames.  A hardware page
 * table needs both aligned alike; this map is only read by software, so
 * a 1 GiB extent put one frame off a 1 GiB guest boundary is 511 + 1
 * leaves of 4 KiB and 511 of 2 MiB (1,023 entries, two level-0 and two
 * level-1 tables at most), not 262,144 leaves of 4 KiB.  A leaf never
 * holds frames of two inserts (it is written by one insert, whole), so
 * its machine frames lie in one chunk of the heap.
 *
 * Removing reports runs, not leaves: leaves next to each other in both
 * frame spaces are joined, so the caller can hand the heap pieces as large
 * as their machine alignment allows (a misaligned 1 GiB extent removed
 * whole is one run, one order-18 chunk, not 1,023 pieces).
 *
 * All-or-nothing updates: p2m_insert writes leaves and allocates tables in
 * one pass over a range it has seen to be unmapped; if an allocation
 * fails, unmapping the range again takes back exactly what the pass made.
 * p2m_remove first shatters the (at most two) leaves that straddle the
 * range's ends, which maps the same frames, and only then unmaps.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "hv/config.h"
#include "hv/p2m.h"
#include "hv/p2m_test.h"

#define P2M_ENTRIES    (1U << P2M_TABLE_BITS)
#define P2M_ROOT_LEVEL (P2M_LEVELS - 1)
/* Highest level that can hold a leaf: 1 GiB = MAX_ORDER. */
#define P2M_LEAF_LEVEL 2

#define E_PRESENT   ((uint64_t)1 << 0)
#define E_LEAF      ((uint64_t)1 << 1)
#define E_FLAGS     (E_PRESENT | E_LEAF)
#define E_MFN_SHIFT 12
#define E_PTR_MASK  ((((uint64_t)1 << 48) - 1) & ~E_FLAGS)
#define E_CNT_SHIFT 48
#define E_CNT_MASK  ((uint64_t)0x3FF << E_CNT_SHIFT)
/* Empty tables kept for reuse, per p2m: enough for a steady state of
 * populating and decreasing single extents (one table per level). */
#define P2M_POOL_MAX (2 * P2M_LEVELS)
#define MFN_BITS     (PADDR_BITS - PAGE_SHIFT)
#define MFN_LIMIT    ((mfn_t)1 << MFN_BITS) /* exclusive */

_Static_assert((P2M_LEAF_LEVEL * P2M_TABLE_BITS) == MAX_ORDER,
               "a level-2 leaf is a MAX_ORDER chunk");
_Static_assert((P2M_LEVELS * P2M_TABLE_BITS) == P2M_GFN_BITS, "the levels cover the gfn space");
_Static_assert(E_MFN_SHIFT + MFN_BITS <= 64, "a machine frame fits a leaf entry");

/* ---- entries ------------------------------------------------------------ */

static inline bool e_present(uint64_t e)
{
    return e & E_PRESENT;
}

static inline bool e_leaf(uint64_t e)
{
    return (e & E_FLAGS) == E_FLAGS;
}

static inline bool e_table(uint64_t e)
{
    return (e & E_FLAGS) == E_PRESENT;
}

static inline mfn_t e_mfn(uint64_t e)
{
    ASSERT(e_leaf(e));
    return e >> E_MFN_SHIFT;
}

static inline uint64_t *e_child(uint64_t e)
{
    ASSERT(e_table(e));
    return (uint64_t *)(uintptr_t)(e & E_PTR_MASK);
}

/* Non-empty entries of the child table of e. */
static inline unsigned int e_count(uint64_t e)
{
    ASSERT(e_table(e));
    return (unsigned int)((e & E_CNT_MASK) >> E_CNT_SHIFT);
}

/* delta entries of the table that *slot points to became non-empty
 * (delta > 0) or empty (delta < 0).  slot is NULL for the root, whose
 * emptiness nr_leaves tells. */
static inline void slot_count(uint64_t *slot, int delta)
{
    if (!slot)
        return;
    if (delta >= 0) {
        ASSERT(e_count(*slot) + (unsigned int)delta <= P2M_ENTRIES);
        *slot += (uint64_t)delta << E_CNT_SHIFT;
    } else {
        ASSERT(e_count(*slot) >= (unsigned int)-delta);
        *slot -= (uint64_t)-delta << E_CNT_SHIFT;
    }
}

static inline uint64_t make_leaf(mfn_t mfn)
{
    ASSERT(mfn < MFN_LIMIT);
    return (mfn << E_MFN_SHIFT) | E_LEAF | E_PRESENT;
}

static inline uint64_t make_table(uint64_t *t)
{
    ASSERT(((uintptr_t)t & ~E_PTR_MASK) == 0);
    return (uint64_t)(uintptr_t)t | E_PRESENT;
}

/* ---- geometry ----------------------------------------------------------- */

static inline unsigned int level_order(unsigned int level)
{
    return level * P2M_TABLE_BITS;
}

/* Frames covered by one entry of a level-`level` table. */
static inline gfn_t level_frames(unsigned int level)
{
    return (gfn_t)1 << level_order(level);
}

static inline unsigned int level_index(gfn_t gfn, unsigned int level)
{
    return (unsigned int)(gfn >> level_order(level)) & (P2M_ENTRIES - 1);
}

/* First gfn after the level-`level` entry that covers gfn. */
static inline gfn_t entry_end(gfn_t gfn, unsigned int level)
{
    return (gfn | (level_frames(level) - 1)) + 1;
}

/*
 * Entries after entry i of a level-`level` table that [next, hi) covers
 * whole, where next is where entry i + 1 starts (or hi): the sweeps below
 * go over these in a tight loop instead of one step of the walk each.
 */
static inline unsigned int whole_after(unsigned int i, gfn_t next, gfn_t hi, unsigned int level)
{
    return (unsigned int)MIN((gfn_t)(P2M_ENTRIES - 1 - i), (hi - next) >> level_order(level));
}

/* [gfn, gfn + nr) lies inside the guest frame space (nr == 0 included). */
static bool in_space(gfn_t gfn, uint64_t nr)
{
    return nr <= P2M_MAX_GFN && gfn <= P2M_MAX_GFN - nr;
}

/* ---- tables ------------------------------------------------------------- */

/*
 * Test scaffolding (hv/p2m_test.h): how many more table allocations may
 * succeed, or -1 for all of them.  Process-wide on purpose, so tests can
 * reach allocations deep inside an operation; only read while -1.
 */
static long fail_alloc_after = -1;

void p2m_test_fail_alloc_after(long n)
{
    fail_alloc_after = n < 0 ? -1 : n;
}

static bool table_empty(const uint64_t *t)
{
    for (unsigned int i = 0; i < P2M_ENTRIES; i++)
        if (t[i])
            return false;
    return true;
}

/* Every table comes from here: a zeroed table, counted, or NULL.  The
 * pool first (its tables are zero: only empty tables go there), then
 * the C allocator. */
static uint64_t *table_alloc(struct p2m *p)
{
    uint64_t *t;

    if (fail_alloc_after == 0)
        return NULL;
    if (fail_alloc_after > 0)
        fail_alloc_after--;
    if (p->pool) {
        t = p->pool;
        p->pool = (uint64_t *)(uintptr_t)t[0];
        p->nr_pool--;
        t[0] = 0;
    } else {
        t = calloc(P2M_ENTRIES, sizeof(*t));
        if (!t)
            return NULL;
        /* Bits 48 and up of a table entry hold the count. */
        BUG_ON(((uintptr_t)t & ~E_PTR_MASK) != 0);
    }
    ASSERT(table_empty(t));
    p->nr_tables++;
    return t;
}

/* An empty table leaves the tree: onto the pool (linked through its first
 * entry) while there is room. */
static void table_free(struct p2m *p, uint64_t *t)
{
    ASSERT(p->nr_tables > 0 && table_empty(t));
    p->nr_tables--;
    if (p->nr_pool < P2M_POOL_MAX) {
        t[0] = (uint64_t)(uintptr_t)p->pool;
        p->pool = t;
        p->nr_pool++;
    } else {
        free(t);
    }
}

/* Free the subtree of t (the tables only, which need not be empty). */
static void free_tree(struct p2m *p, uint64_t *t, unsigned int level)
{
    if (level > 0)
        for (unsigned int i = 0; i < P2M_ENTRIES; i++)
            if (e_table(t[i]))
                free_tree(p, e_child(t[i]), level - 1);
    ASSERT(p->nr_tables > 0);
    p->nr_tables--;
    free(t);
}

/* Keep the invariant "root is NULL when empty"; with no leaf left, no
 * table is left below the root either. */
static void root_release_if_empty(struct p2m *p)
{
    if (p->root && p->nr_leaves == 0) {
        table_free(p, p->root);
        p->root = NULL;
    }
}

/* ---- runs --------------------------------------------------------------- */

/* Leaves met in ascending gfn order, joined into runs while they follow
 * each other in both frame spaces; nr == 0 while no run is pending. */
struct run_acc {
    p2m_run_fn fn;
    void *ctx;
    gfn_t gfn;
    mfn_t mfn;
    unsigned long nr;
};

static void run_flush(struct run_acc *a)
{
    if (a->nr)
        a->fn(a->ctx, a->gfn, a->mfn, a->nr);
    a->nr = 0;
}

static void run_add(struct run_acc *a, gfn_t gfn, mfn_t mfn, unsigned long nr)
{
    if (a->nr && gfn == a->gfn + a->nr && mfn == a->mfn + a->nr) {
        a->nr += nr;
        return;
    }
    run_flush(a);
    *a = (struct run_acc){a->fn, a->ctx, gfn, mfn, nr};
}

/* A p2m_leaf_fn feeding a run_acc. */
static void run_add_leaf(void *ctx, gfn_t gfn, mfn_t mfn, unsigned int order)
{
    run_add(ctx, gfn, mfn, ORDER_PAGES(order));
}

/* ---- walks -------------------------------------------------------------- */

/*
 * Sweeps over the entries t[a, b) of one table, eight entries to a test
 * while they last: the index of the first entry that is not a leaf (or
 * not empty), b if there is none.
 */
static unsigned int leaves_until(const uint64_t *t, unsigned int a, unsigned int b)
{
    const uint64_t *e = t + a, *end = t + b;

    for (; end - e >= 8; e += 8)
        if (((e[0] & e[1] & e[2] & e[3] & e[4] & e[5] & e[6] & e[7]) & E_FLAGS) != E_FLAGS)
            break;
    while (e < end && e_leaf(*e))
        e++;
    return (unsigned int)(e - t);
}

static unsigned int holes_until(const uint64_t *t, unsigned int a, unsigned int b)
{
    const uint64_t *e = t + a, *end = t + b;

    for (; end - e >= 8; e += 8)
        if (e[0] | e[1] | e[2] | e[3] | e[4] | e[5] | e[6] | e[7])
            break;
    while (e < end && !*e)
        e++;
    return (unsigned int)(e - t);
}

/* Non-empty entries among t[a, b). */
static unsigned int nonempty(const uint64_t *t, unsigned int a, unsigned int b)
{
    unsigned int c = 0;

    for (; a < b; a++)
        c += t[a] != 0;
    return c;
}

/* A table's count of non-empty entries, where the caller has none (the
 * root's is not kept). */
#define COUNT_UNKNOWN (P2M_ENTRIES + 1)

/*
 * Whether the count settles that the entries t[a, b) of a table at
 * `level` holding `count` non-empty entries are all empty (want false) or
 * all leaves (want true; only at level 0, where every non-empty entry is
 * a leaf): the entries outside [a, b) are looked at instead, when they
 * are fewer.  False when that settles nothing (the caller sweeps).
 */
static bool settled_by_count(const uint64_t *t, unsigned int level, unsigned int count,
                             unsigned int a, unsigned int b, bool want)
{
    unsigned int outside;

    if (P2M_ENTRIES - (b - a) >= b - a || count == COUNT_UNKNOWN || (want && level > 0))
        return false;
    outside = nonempty(t, 0, a) + nonempty(t, b, P2M_ENTRIES);
    ASSERT(outside <= count);
    return want ? count - outside == b - a : outside == count;
}

/*
 * The first of the entries t[a, b) that is not a leaf (want true) or not
 * empty (want false), b if there is none.  Out of line, so that the walk
 * stays small for the ranges that meet one entry a level.
 */
__attribute__((noinline)) static unsigned int sweep(const uint64_t *t, unsigned int level,
                                                    unsigned int count, unsigned int a,
                                                    unsigned int b, bool want)
{
    if (settled_by_count(t, level, count, a, b, want))
        return b;
    return want ? leaves_until(t, a, b) : holes_until(t, a, b);
}

/*
 * Whether every frame of [lo, hi) below table t (at `level`, holding
 * `count` non-empty entries) is mapped (want == true) or unmapped
 * (want == false).  Cost: one step per entry the range meets, so whole
 * leaves, holes and tables are skipped at once (a range inside one entry
 * goes down a level in a loop); entries that settle nothing (leaves when
 * mapped is wanted, holes otherwise) are swept eight to a test, or not
 * looked at when the table's count settles them.
 */
static bool range_is(const uint64_t *t, unsigned int level, unsigned int count, gfn_t lo, gfn_t hi,
                     bool want)
{
    /* Down the tree while the range lies inside one entry. */
    while (hi <= entry_end(lo, level)) {
        uint64_t e = t[level_index(lo, level)];

        if (want ? e_leaf(e) : !e)
            return true;
        if (!e_table(e))
            return false;
        ASSERT(level > 0);
        t = e_child(e);
        count = e_count(e);
        level--;
    }
    for (gfn_t g = lo, next; g < hi; g = next) {
        unsigned int i = level_index(g, level);
        uint64_t e = t[i];

        next = MIN(entry_end(g, level), hi);
        if (want ? e_leaf(e) : !e) {
            unsigned int a = i + 1, b = a + whole_after(i, next, hi, level), j;

            if (a == b)
                continue;
            j = sweep(t, level, count, a, b, want);
            next += (gfn_t)(j - a) << level_order(level);
            continue;
        }
        if (!e_table(e))
            return false; /* a hole when mapped is wanted, else a leaf */
        ASSERT(level > 0);
        if (!range_is(e_child(e), level - 1, e_count(e), g, next, want))
            return false;
    }
    return true;
}

/* range_is over the whole tree; [gfn, gfn + nr) must be in the space. */
static bool tree_range_is(const struct p2m *p, gfn_t gfn, uint64_t nr, bool want)
{
    if (nr == 0)
        return true;
    if (!p->root)
        return !want;
    return range_is(p->root, P2M_ROOT_LEVEL, COUNT_UNKNOWN, gfn, gfn + nr, want);
}

/*
 * Map [lo, hi) below table t (at `level`) to gfn + delta (delta is
 * mfn - gfn modulo 2^64).  An entry becomes a leaf when the range covers
 * it whole and the level can hold leaves, however the machine frames are
 * aligned (the entries after it that are covered whole too, in one
 * sweep); otherwise the range goes down one level, through a table
 * allocated here if there is none.  The range must be unmapped.
 *
 * -ENOMEM when a table cannot be allocated: the leaves and tables made so
 * far stay, counted, and the caller unmaps the range again.
 */
static int fill(struct p2m *p, uint64_t *slot, uint64_t *t, unsigned int level, gfn_t lo, gfn_t hi,
                uint64_t delta)
{
    const gfn_t span = level_frames(level);

    for (gfn_t g = lo, next; g < hi; g = next) {
        unsigned int i = level_index(g, level);
        uint64_t *e = &t[i];
        int rc;

        next = MIN(entry_end(g, level), hi);
        if (level <= P2M_LEAF_LEVEL && next - g == span) {
            unsigned int n = 1 + whole_after(i, next, hi, level);
            uint64_t leaf = make_leaf(g + delta);

            for (unsigned int k = 0; k < n; k++, leaf += span << E_MFN_SHIFT) {
                /* Empty: a table here would have a leaf below it, in range. */
                ASSERT(e[k] == 0);
                e[k] = leaf;
            }
            slot_count(slot, (int)n);
            p->nr_leaves += n;
            p->nr_pages += n * span;
            next = g + n * span;
            continue;
        }
        ASSERT(level > 0 && !e_leaf(*e));
        if (!*e) {
            uint64_t *child = table_alloc(p);

            if (!child)
                return -ENOMEM;
            *e = make_table(child);
            slot_count(slot, +1);
        }
        rc = fill(p, e, e_child(*e), level - 1, g, next, delta);
        if (rc)
            return rc;
    }
    return 0;
}

/*
 * Clear the leaf e[0] and those of e[1, n) that go on from it, each
 * `step` further in machine frames (step is the leaf's span in entry
 * encoding); eight compares to a test while they last.  Returns how many
 * were cleared.
 */
static inline unsigned int clear_run(uint64_t *e, unsigned int n, uint64_t step)
{
    uint64_t x = e[0] + step;
    unsigned int k = 1;

    e[0] = 0;
    for (; n - k >= 8; k += 8, x += 8 * step) {
        uint64_t d = 0;

        for (unsigned int j = 0; j < 8; j++)
            d |= e[k + j] ^ (x + j * step);
        if (d)
            break;
        for (unsigned int j = 0; j < 8; j++)
            e[k + j] = 0;
    }
    for (; k < n && e[k] == x; k++, x += step)
        e[k] = 0;
    return k;
}

/*
 * Unmap [lo, hi) below table t (at `level`) and free the child tables that
 * this leaves empty.  Every leaf met must lie wholly inside the range
 * (straddling leaves were shattered before); runs (if not NULL) gets each
 * in ascending gfn order, the leaves that follow one another in a sweep.
 * Over a range without leaves this only prunes empty tables; over a range
 * a failed fill() left, it takes back exactly what that fill made.
 */
static void unmap(struct p2m *p, uint64_t *slot, uint64_t *t, unsigned int level, gfn_t lo,
                  gfn_t hi, struct run_acc *runs)
{
    const gfn_t span = level_frames(level);

    for (gfn_t g = lo, next; g < hi; g = next) {
        unsigned int i = level_index(g, level);
        uint64_t *e = &t[i];

        next = MIN(entry_end(g, level), hi);
        if (!*e)
            continue;
        if (e_leaf(*e)) {
            /* This leaf and those after it, whole in range, that go on
             * in machine frames too: compares against the run find them. */
            const unsigned int n = 1 + whole_after(i, next, hi, level);
            const uint64_t first = *e;
            unsigned int k;

            ASSERT(next - g == span);
            k = clear_run(e, n, span << E_MFN_SHIFT);
            if (runs)
                run_add(runs, g, e_mfn(first), k * span);
            slot_count(slot, -(int)k);
            ASSERT(p->nr_leaves >= k && p->nr_pages >= k * span);
            p->nr_leaves -= k;
            p->nr_pages -= k * span;
            next = g + k * span;
            continue;
        }
        ASSERT(level > 0);
        unmap(p, e, e_child(*e), level - 1, g, next, runs);
        if (e_count(*e) == 0) {
            table_free(p, e_child(*e));
            *e = 0;
            slot_count(slot, -1);
        }
    }
}

/* Replace the leaf *e (at level 1 or 2) by a table of 512 leaves one level
 * down that map the same frames. */
static int shatter(struct p2m *p, uint64_t *e, unsigned int level)
{
    const gfn_t sub = level_frames(level - 1);
    mfn_t mfn = e_mfn(*e);
    uint64_t *child;

    ASSERT(level >= 1 && level <= P2M_LEAF_LEVEL);
    child = table_alloc(p);
    if (!child)
        return -ENOMEM;
    for (unsigned int i = 0; i < P2M_ENTRIES; i++)
        child[i] = make_leaf(mfn + i * sub);
    *e = make_table(child) | (uint64_t)P2M_ENTRIES << E_CNT_SHIFT;
    p->nr_leaves += P2M_ENTRIES - 1;
    return 0;
}

/*
 * Make gfn b a leaf boundary: shatter the leaves that map b but start
 * before it, from the top down (a 1 GiB leaf may need two steps).  At most
 * one allocation per level; on -ENOMEM the shatters done stay (harmless).
 */
static int split_at(struct p2m *p, gfn_t b)
{
    uint64_t *t = p->root;

    if (b >= P2M_MAX_GFN)
        return 0;
    for (unsigned int level = P2M_ROOT_LEVEL; t && level > 0; level--) {
        uint64_t *e = &t[level_index(b, level)];

        if (!e_present(*e))
            return 0;
        if (e_leaf(*e)) {
            int rc;

            if (!(b & (level_frames(level) - 1)))
                return 0;
            rc = shatter(p, e, level);
            if (rc)
                return rc;
        }
        t = e_child(*e);
    }
    return 0;
}

/* Sparse tables are the rule (a domain's memory sits in a few runs), and
 * the checker walks every physmap after every call in test builds: empty
 * entries are skipped with one test of the word. */
static void walk(const uint64_t *t, unsigned int level, gfn_t base, p2m_leaf_fn fn, void *ctx)
{
    unsigned int order = level_order(level);

    for (unsigned int i = 0; i < P2M_ENTRIES; i++) {
        gfn_t g;

        if (!t[i])
            continue;
        g = base + ((gfn_t)i << order);
        if (e_leaf(t[i])) {
            fn(ctx, g, e_mfn(t[i]), order);
        } else if (e_table(t[i])) {
            ASSERT(level > 0);
            walk(e_child(t[i]), level - 1, g, fn, ctx);
        }
    }
}

/* ---- API ---------------------------------------------------------------- */

void p2m_init(struct p2m *p)
{
    *p = (struct p2m){0};
}

void p2m_destroy(struct p2m *p)
{
    if (p->root)
        free_tree(p, p->root, P2M_ROOT_LEVEL);
    ASSERT(p->nr_tables == 0);
    while (p->pool) {
        uint64_t *t = p->pool;

        p->pool = (uint64_t *)(uintptr_t)t[0];
        free(t);
    }
    p2m_init(p);
}

/*
 * The machine range must fit a leaf entry (40-bit frames), else -EINVAL.
 * It need not be aligned to 2^order: leaves are chosen by the guest
 * frames alone.
 */
static int insert(struct p2m *p, gfn_t gfn, mfn_t mfn, unsigned int order, bool checked)
{
    gfn_t nr;
    int rc;

    if (order > MAX_ORDER)
        return -EINVAL;
    nr = ORDER_PAGES(order);
    if (!in_space(gfn, nr) || mfn >= MFN_LIMIT || nr > MFN_LIMIT - mfn)
        return -EINVAL;
    if (checked)
        ASSERT(tree_range_is(p, gfn, nr, false));
    else if (!tree_range_is(p, gfn, nr, false))
        return -EEXIST;

    if (!p->root) {
        p->root = table_alloc(p);
        if (!p->root)
            return -ENOMEM;
    }
    rc = fill(p, NULL, p->root, P2M_ROOT_LEVEL, gfn, gfn + nr, mfn - gfn);
    if (rc) {
        /* The range was unmapped, so this takes back exactly the leaves
         * and tables the fill made. */
        unmap(p, NULL, p->root, P2M_ROOT_LEVEL, gfn, gfn + nr, NULL);
        root_release_if_empty(p);
    }
    return rc;
}

int p2m_insert(struct p2m *p, gfn_t gfn, mfn_t mfn, unsigned int order)
{
    return insert(p, gfn, mfn, order, false);
}

int p2m_insert_unmapped(struct p2m *p, gfn_t gfn, mfn_t mfn, unsigned int order)
{
    return insert(p, gfn, mfn, order, true);
}

mfn_t p2m_lookup(const struct p2m *p, gfn_t gfn, unsigned int *leaf_order)
{
    const uint64_t *t = p->root;

    if (gfn >= P2M_MAX_GFN)
        return INVALID_MFN;
    for (unsigned int level = P2M_ROOT_LEVEL; t; level--) {
        uint64_t e = t[level_index(gfn, level)];

        if (!e_present(e))
            break;
        if (e_leaf(e)) {
            if (leaf_order)
                *leaf_order = level_order(level);
            return e_mfn(e) + (gfn & (level_frames(level) - 1));
        }
        ASSERT(level > 0);
        t = e_child(e);
    }
    return INVALID_MFN;
}

/* nr == 0 is true for any gfn <= P2M_MAX_GFN. */
bool p2m_range_mapped(const struct p2m *p, gfn_t gfn, unsigned long nr)
{
    return in_space(gfn, nr) && tree_range_is(p, gfn, nr, true);
}

/* nr == 0 is true for any gfn <= P2M_MAX_GFN. */
bool p2m_range_unmapped(const struct p2m *p, gfn_t gfn, unsigned long nr)
{
    return in_space(gfn, nr) && tree_range_is(p, gfn, nr, false);
}

/*
 * A range outside the guest frame space is not mapped: -ENOENT.  nr == 0
 * does nothing and returns 0.  fn may be NULL; it must not use the p2m
 * (it runs while the tree is being changed).  The root is freed when the
 * map becomes empty.
 */
int p2m_remove(struct p2m *p, gfn_t gfn, unsigned long nr, p2m_run_fn fn, void *ctx)
{
    struct run_acc runs = {.fn = fn, .ctx = ctx};
    int rc;

    if (!p2m_range_mapped(p, gfn, nr))
        return -ENOENT;
    if (nr == 0)
        return 0;

    rc = split_at(p, gfn);
    if (!rc)
        rc = split_at(p, gfn + nr);
    if (rc)
        return rc;

    unmap(p, NULL, p->root, P2M_ROOT_LEVEL, gfn, gfn + nr, fn ? &runs : NULL);
    if (fn)
        run_flush(&runs);
    root_release_if_empty(p);
    return 0;
}

void p2m_for_each(const struct p2m *p, p2m_leaf_fn fn, void *ctx)
{
    if (p->root)
        walk(p->root, P2M_ROOT_LEVEL, 0, fn, ctx);
}

void p2m_for_each_run(const struct p2m *p, p2m_run_fn fn, void *ctx)
{
    struct run_acc runs = {.fn = fn, .ctx = ctx};

    p2m_for_each(p, run_add_leaf, &runs);
    run_flush(&runs);
}

size_t p2m_bytes(const struct p2m *p)
{
    return (size_t)p->nr_tables * P2M_ENTRIES * sizeof(uint64_t);
}
