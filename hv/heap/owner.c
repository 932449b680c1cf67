/*
 * The frame owner table (D106): one record per 2 MiB block of frames
 * holding the owner of all of them, and one entry per frame that is read
 * only in blocks whose frames have different owners.  Extents cover whole
 * blocks most of the time, so handing out or freeing 1 GiB writes 512
 * records instead of 2^18 entries, and the per-frame table is touched
 * only where memory is split finer than a block.
 */
#include <string.h>

#include <hv/config.h>
#include <hv/heap.h>

#include "freelist.h"

#define BLOCK_PAGES ORDER_PAGES(OWNER_BLOCK_ORDER)

/* Frames [*s, *e) of block b that exist. */
static void block_span(const struct host *h, uint64_t b, mfn_t *s, mfn_t *e)
{
    *s = (mfn_t)b << OWNER_BLOCK_ORDER;
    *e = MIN(*s + BLOCK_PAGES, h->nr_frames);
}

static void fill(owner_t *o, unsigned long nr, owner_t owner)
{
    for (unsigned long i = 0; i < nr; i++)
        o[i] = owner;
}

/* From here on the block's entries are read: write them first unless
 * they already hold its owner. */
static void make_mixed(struct host *h, uint64_t b)
{
    struct owner_block *ob = &h->owner_block[b];
    mfn_t s, e;

    if (ob->mixed)
        return;
    if (ob->stale) {
        block_span(h, b, &s, &e);
        fill(&h->frame_owner[s], e - s, ob->owner);
    }
    ob->mixed = true;
    ob->stale = false;
}

/* A whole block gets one owner: its entries keep matching only if it
 * already had this owner with entries to match. */
static inline void set_whole_block(struct owner_block *ob, owner_t owner)
{
    ob->stale = ob->mixed || ob->stale || ob->owner != owner;
    ob->owner = owner;
    ob->mixed = false;
}

/* Out of line, so that the hot cases below need no stack frame. */
__attribute__((noinline)) static void set_blocks(struct host *h, mfn_t mfn, unsigned long nr,
                                                 owner_t owner)
{
    mfn_t end = mfn + nr;

    while (mfn < end) {
        uint64_t b = mfn >> OWNER_BLOCK_ORDER;
        struct owner_block *ob = &h->owner_block[b];
        mfn_t s, e;

        block_span(h, b, &s, &e);
        if (mfn == s && end >= e) {
            set_whole_block(ob, owner);
        } else if (ob->mixed || ob->owner != owner) {
            e = MIN(e, end);
            make_mixed(h, b);
            fill(&h->frame_owner[mfn], e - mfn, owner);
        } else {
            e = MIN(e, end); /* owned by `owner` already */
        }
        mfn = e;
    }
}

void frames_set_owner_locked(struct host *h, mfn_t mfn, unsigned long nr, owner_t owner)
{
    struct owner_block *ob = &h->owner_block[mfn >> OWNER_BLOCK_ORDER];

    ASSERT_LOCKED(&h->heap_lock);
    ASSERT(mfn + nr <= h->nr_frames);
    /* First the heap's two hot cases.  Less than a block inside a block
     * that is mixed already: only its entries change.  (A whole block
     * becomes one record again, below.) */
    if (ob->mixed && nr < BLOCK_PAGES && nr <= BLOCK_PAGES - (mfn & (BLOCK_PAGES - 1))) {
        fill(&h->frame_owner[mfn], nr, owner);
        return;
    }
    /* Exactly one whole block (a 2 MiB chunk, which is aligned): its
     * record, without set_blocks()'s loop. */
    if (nr == BLOCK_PAGES && !(mfn & (BLOCK_PAGES - 1))) {
        set_whole_block(ob, owner);
        return;
    }
    set_blocks(h, mfn, nr, owner);
}

mfn_t frames_owner_mismatch_locked(const struct host *h, mfn_t mfn, unsigned long nr, owner_t want)
{
    mfn_t end = mfn + nr;

    ASSERT_LOCKED(&h->heap_lock);
    while (mfn < end) {
        uint64_t b = mfn >> OWNER_BLOCK_ORDER;
        const struct owner_block *ob = &h->owner_block[b];
        mfn_t s, e;

        block_span(h, b, &s, &e);
        e = MIN(e, end);
        if (!ob->mixed) {
            if (ob->owner != want)
                return mfn;
        } else {
            for (; mfn < e; mfn++)
                if (h->frame_owner[mfn] != want)
                    return mfn;
        }
        mfn = e;
    }
    return INVALID_MFN;
}

owner_t *frame_owner_slot_locked(struct host *h, mfn_t mfn)
{
    ASSERT_LOCKED(&h->heap_lock);
    make_mixed(h, mfn >> OWNER_BLOCK_ORDER);
    return &h->frame_owner[mfn];
}
