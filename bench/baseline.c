/*
 * The textbook baseline (see baseline.h).  Kept plain on purpose: this is
 * the structure Xen uses, not a tuned one.
 */
#include "baseline.h"

#include <stdlib.h>

static unsigned int zone_of(uint64_t mfn)
{
    return mfn ? 64U - (unsigned int)__builtin_clzll(mfn) : 0U;
}

static void list_add(struct bl_list *l, struct bl_page *pg)
{
    pg->prev = NULL;
    pg->next = l->head;
    if (l->head)
        l->head->prev = pg;
    l->head = pg;
}

static void list_del(struct bl_list *l, struct bl_page *pg)
{
    if (pg->prev)
        pg->prev->next = pg->next;
    else
        l->head = pg->next;
    if (pg->next)
        pg->next->prev = pg->prev;
}

static void chunk_add(struct bl_heap *b, unsigned int node, uint64_t mfn, unsigned int order)
{
    struct bl_page *pg = &b->frames[mfn];
    unsigned int zone = zone_of(mfn);

    pg->order = order;
    pg->free = 1;
    list_add(&b->free[node][zone][order], pg);
    b->avail[node][zone] += 1UL << order;
}

static void chunk_del(struct bl_heap *b, unsigned int node, uint64_t mfn, unsigned int order)
{
    struct bl_page *pg = &b->frames[mfn];
    unsigned int zone = zone_of(mfn);

    pg->free = 0;
    list_del(&b->free[node][zone][order], pg);
    b->avail[node][zone] -= 1UL << order;
}

/* Put a range of a node back as the largest aligned chunks. */
static void seed_range(struct bl_heap *b, unsigned int node, uint64_t lo, uint64_t hi)
{
    while (lo < hi) {
        unsigned int order = lo ? (unsigned int)__builtin_ctzll(lo) : BL_MAX_ORDER;

        if (order > BL_MAX_ORDER)
            order = BL_MAX_ORDER;
        while (lo + (1UL << order) > hi || zone_of(lo) != zone_of(lo + (1UL << order) - 1))
            order--;
        chunk_add(b, node, lo, order);
        b->node_avail[node] += 1UL << order;
        b->total_avail += 1UL << order;
        lo += 1UL << order;
    }
}

struct bl_heap *bl_create(unsigned int nr_nodes, uint64_t node_frames)
{
    struct bl_heap *b = calloc(1, sizeof(*b));

    if (!b || nr_nodes > BL_MAX_NODES)
        goto fail;
    b->nr_nodes = nr_nodes;
    b->nr_frames = nr_nodes * node_frames;
    b->frames = calloc(b->nr_frames, sizeof(*b->frames));
    if (!b->frames)
        goto fail;
    pthread_mutex_init(&b->lock, NULL);
    for (unsigned int n = 0; n < nr_nodes; n++) {
        b->node_start[n] = n * node_frames;
        b->node_end[n] = (n + 1) * node_frames;
        for (uint64_t f = b->node_start[n]; f < b->node_end[n]; f++)
            b->frames[f].node = n;
        seed_range(b, n, n ? b->node_start[n] : 1, b->node_end[n]);
    }
    return b;
fail:
    if (b)
        free(b->frames);
    free(b);
    return NULL;
}

void bl_destroy(struct bl_heap *b)
{
    pthread_mutex_destroy(&b->lock);
    free(b->frames);
    free(b);
}

/* Highest zone first; in a zone, the smallest order with a free chunk. */
static uint64_t take(struct bl_heap *b, unsigned int node, unsigned int order, unsigned int *got)
{
    for (unsigned int zone = BL_NR_ZONES; zone-- > 1;) {
        if (b->avail[node][zone] < (1UL << order))
            continue;
        for (unsigned int j = order; j <= BL_MAX_ORDER; j++) {
            struct bl_page *pg = b->free[node][zone][j].head;

            if (pg) {
                uint64_t mfn = (uint64_t)(pg - b->frames);

                chunk_del(b, node, mfn, j);
                *got = j;
                return mfn;
            }
        }
    }
    return BL_INVALID;
}

uint64_t bl_alloc(struct bl_heap *b, unsigned int order, unsigned int node, int exact)
{
    uint64_t mfn = BL_INVALID;
    unsigned int j = 0, n = node;

    pthread_mutex_lock(&b->lock);
    for (unsigned int tries = 0; tries < b->nr_nodes; tries++) {
        if (b->node_avail[n] >= (1UL << order) && (mfn = take(b, n, order, &j)) != BL_INVALID)
            break;
        if (exact)
            break;
        n = (n + 1) % b->nr_nodes;
    }
    if (mfn != BL_INVALID) {
        /* Keep the lower halves, hand out the top. */
        while (j > order) {
            j--;
            chunk_add(b, n, mfn, j);
            mfn += 1UL << j;
        }
        b->node_avail[n] -= 1UL << order;
        b->total_avail -= 1UL << order;
    }
    pthread_mutex_unlock(&b->lock);
    return mfn;
}

void bl_free(struct bl_heap *b, uint64_t mfn, unsigned int order)
{
    unsigned int node = b->frames[mfn].node;

    pthread_mutex_lock(&b->lock);
    b->node_avail[node] += 1UL << order;
    b->total_avail += 1UL << order;
    while (order < BL_MAX_ORDER) {
        uint64_t buddy = mfn ^ (1UL << order);
        struct bl_page *bp;

        if (buddy < b->node_start[node] || buddy >= b->node_end[node])
            break;
        bp = &b->frames[buddy];
        if (!bp->free || bp->order != order || bp->node != node)
            break;
        chunk_del(b, node, buddy, order);
        if (buddy < mfn)
            mfn = buddy;
        order++;
    }
    chunk_add(b, node, mfn, order);
    pthread_mutex_unlock(&b->lock);
}
