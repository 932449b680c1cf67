/*
 * The frame owner table in two levels (D106): a record per 2 MiB block
 * answers for all its frames until they differ.  Whatever the heap does,
 * frame_owner_of() and frames_owner_mismatch_locked() must answer exactly
 * as a plain table of one owner per frame would.
 */
#include <stdlib.h>

#include "hvtest.h"

#define BLOCK ORDER_PAGES(OWNER_BLOCK_ORDER)

static struct host *unchecked_host(const char *topology)
{
    /* The domains here take frames straight from the heap, without a
     * physmap, which the checker would rightly call broken. */
    struct host_config cfg;

    host_config_default(&cfg, 0);
    cfg.check_level = 0;
    return hvt_host_cfg(topology, &cfg);
}

static mfn_t alloc_for(struct host *h, struct domain *d, unsigned int order, unsigned int node)
{
    mfn_t mfn;

    if (d)
        hv_lock(&d->page_alloc_lock);
    mfn = alloc_heap_pages(h, MEMZONE_LO, NR_ZONES - 1, order, MEMF_node(node), d);
    if (d)
        hv_unlock(&d->page_alloc_lock);
    return mfn;
}

static void free_for(struct host *h, struct domain *d, mfn_t mfn, unsigned int order)
{
    if (d)
        hv_lock(&d->page_alloc_lock);
    free_heap_pages(h, mfn, order, d, d ? FREE_counted : 0);
    if (d)
        hv_unlock(&d->page_alloc_lock);
}

static mfn_t mismatch(struct host *h, mfn_t mfn, unsigned long nr, owner_t want)
{
    mfn_t bad;

    hv_lock(&h->heap_lock);
    bad = frames_owner_mismatch_locked(h, mfn, nr, want);
    hv_unlock(&h->heap_lock);
    return bad;
}

TEST(owner_whole_block_then_one_frame_freed_keeps_the_others)
{
    struct host *h = unchecked_host("2M,2M");
    struct domain *d = hvt_domain(h, 1024);
    owner_t mine = OWNER_DOM(d->domain_id);
    mfn_t mfn;

    /* Node 1 is one free 2 MiB chunk: the whole second block. */
    mfn = alloc_for(h, d, OWNER_BLOCK_ORDER, 1);
    ASSERT_EQ(mfn, BLOCK);
    EXPECT_EQ(mismatch(h, mfn, BLOCK, mine), INVALID_MFN);
    EXPECT_EQ(mismatch(h, 0, 1, OWNER_XEN), INVALID_MFN);
    EXPECT_EQ(mismatch(h, 1, BLOCK - 1, OWNER_FREE), INVALID_MFN);

    /* Freeing one frame of the block must not lose its neighbours'
     * owner, although the block's entries were never written for them. */
    free_for(h, d, mfn + 5, 0);
    EXPECT_EQ(frame_owner_of(h, mfn + 5), OWNER_FREE);
    EXPECT_EQ(mismatch(h, mfn, 5, mine), INVALID_MFN);
    EXPECT_EQ(mismatch(h, mfn + 6, BLOCK - 6, mine), INVALID_MFN);
    EXPECT_EQ(mismatch(h, mfn, BLOCK, mine), mfn + 5);
    host_destroy(h);
}

TEST(owner_block_given_back_whole_reads_free_again)
{
    struct host *h = unchecked_host("2M,2M");
    struct domain *d = hvt_domain(h, 1024);
    mfn_t mfn = alloc_for(h, d, OWNER_BLOCK_ORDER, 1), one;

    ASSERT_EQ(mfn, BLOCK);
    free_for(h, d, mfn, OWNER_BLOCK_ORDER);
    EXPECT_EQ(mismatch(h, mfn, BLOCK, OWNER_FREE), INVALID_MFN);
    /* One frame of it for the hypervisor (the top one, split from the
     * block): the rest must read FREE, not the domain's code. */
    one = alloc_for(h, NULL, 0, 1);
    EXPECT_EQ(one, 2 * BLOCK - 1);
    EXPECT_EQ(frame_owner_of(h, one), OWNER_XEN);
    EXPECT_EQ(mismatch(h, mfn, BLOCK - 1, OWNER_FREE), INVALID_MFN);
    host_destroy(h);
}

/* The model: one owner per frame, and which frames are pending offline. */
struct model {
    owner_t *owner;
    bool *pending;
};

struct held {
    mfn_t mfn;
    unsigned int order;
    struct domain *d;
};

static void model_set(struct model *m, mfn_t mfn, unsigned long nr, owner_t o)
{
    for (unsigned long i = 0; i < nr; i++)
        m->owner[mfn + i] = o;
}

/* Everything the table answers, against the model; false on the first
 * difference (reported). */
static bool owners_match(struct host *h, const struct model *m, struct test_rng *rng)
{
    mfn_t from, bad = INVALID_MFN;
    unsigned long nr;
    owner_t want;

    for (mfn_t mfn = 0; mfn < h->nr_frames; mfn++)
        if (frame_owner_of(h, mfn) != m->owner[mfn]) {
            test_fail(__FILE__, __LINE__, "frame %llu: owner %#x, model %#x",
                      (unsigned long long)mfn, frame_owner_of(h, mfn), m->owner[mfn]);
            return false;
        }
    /* A range from a frame, asking for that frame's owner: the first
     * frame that differs, or none. */
    from = test_rng_below(rng, h->nr_frames);
    nr = 1 + test_rng_below(rng, MIN(h->nr_frames - from, 3 * BLOCK));
    want = m->owner[from + test_rng_below(rng, nr)];
    for (mfn_t mfn = from; mfn < from + nr && bad == INVALID_MFN; mfn++)
        if (m->owner[mfn] != want)
            bad = mfn;
    if (mismatch(h, from, nr, want) != bad) {
        test_fail(__FILE__, __LINE__, "[%llu, +%lu) for %#x: first mismatch %llu, model %llu",
                  (unsigned long long)from, nr, want,
                  (unsigned long long)mismatch(h, from, nr, want), (unsigned long long)bad);
        return false;
    }
    return true;
}

static void free_held(struct host *h, struct model *m, struct held *x)
{
    free_for(h, x->d, x->mfn, x->order);
    for (unsigned long i = 0; i < ORDER_PAGES(x->order); i++) {
        mfn_t f = x->mfn + i;

        m->owner[f] = m->pending[f] ? OWNER_OFFLINED : OWNER_FREE;
        m->pending[f] = false;
    }
}

/*
 * Random allocations of 4 KiB to 4 MiB for two domains and the
 * hypervisor, frees of whole extents and of halves, and offlining, on nodes whose boundaries and
 * end cut through blocks; after every step the whole table is compared.
 */
TEST(owner_table_answers_as_one_owner_per_frame)
{
    static const unsigned int orders[] = {0, 1, 3, 9, 10};
    struct host *h = unchecked_host("5M,7M,3M");
    struct domain *doms[3] = {NULL, hvt_domain(h, 1UL << 20), hvt_domain(h, 1UL << 20)};
    struct model m = {calloc(h->nr_frames, sizeof(owner_t)), calloc(h->nr_frames, sizeof(bool))};
    struct held *held = calloc(h->nr_frames, sizeof(*held));
    unsigned long steps = test_scaled(3000), nr_held = 0, allocs = 0, offlined = 0;
    struct test_rng rng;

    ASSERT_TRUE(m.owner && m.pending && held && doms[1] && doms[2]);
    /* 15 MiB: the last block is half a block, and node 0 ends mid-block. */
    ASSERT_EQ(h->nr_frames % BLOCK, BLOCK / 2);
    m.owner[0] = OWNER_XEN;
    test_rng_init(&rng, test_seed());
    for (unsigned long step = 0; step < steps; step++) {
        unsigned int op = (unsigned int)test_rng_below(&rng, 100);

        if (op < 55) {
            struct domain *d = doms[test_rng_below(&rng, 3)];
            unsigned int order = orders[test_rng_below(&rng, ARRAY_LEN(orders))];
            mfn_t mfn = alloc_for(h, d, order, (unsigned int)test_rng_below(&rng, 3));

            if (mfn != INVALID_MFN) {
                model_set(&m, mfn, ORDER_PAGES(order), d ? OWNER_DOM(d->domain_id) : OWNER_XEN);
                held[nr_held++] = (struct held){mfn, order, d};
                allocs++;
            }
        } else if (op < 97 && nr_held) {
            unsigned long i = test_rng_below(&rng, nr_held);
            struct held *x = &held[i];

            if (x->order && test_rng_below(&rng, 2)) {
                /* Give back one half, as a guest returning part of an
                 * extent does, and keep the other. */
                struct held half = {x->mfn, x->order - 1, x->d};

                x->order--;
                if (test_rng_below(&rng, 2))
                    x->mfn += ORDER_PAGES(x->order);
                else
                    half.mfn += ORDER_PAGES(half.order);
                free_held(h, &m, &half);
            } else {
                free_held(h, &m, x);
                *x = held[--nr_held];
            }
        } else if (op >= 97) {
            mfn_t mfn = 1 + test_rng_below(&rng, h->nr_frames - 1);
            uint32_t status;

            if (offline_page(h, mfn, false, &status) == 0) {
                if (m.owner[mfn] == OWNER_FREE)
                    m.owner[mfn] = OWNER_OFFLINED;
                else if (m.owner[mfn] != OWNER_OFFLINED)
                    m.pending[mfn] = true;
                offlined++;
            }
        }
        if (!owners_match(h, &m, &rng)) {
            test_note("at step %lu", step);
            break;
        }
    }
    while (nr_held)
        free_held(h, &m, &held[--nr_held]);
    EXPECT_TRUE(owners_match(h, &m, &rng));
    EXPECT_GT(allocs, steps / 4);
    EXPECT_GT(offlined, 0UL);
    test_note("%lu allocations, %lu frames offlined", allocs, offlined);
    free(held);
    free(m.owner);
    free(m.pending);
    host_destroy(h);
}
