/*
 * A textbook Xen-like buddy allocator, written only to measure claimset's
 * heap against (docs/benchmarks.md).  Not part of the library.
 *
 * As in Xen's page allocator: one 32-byte descriptor per frame; per node,
 * zone and order an intrusive doubly-linked list of free chunks threaded
 * through the descriptors of their first frames; a split keeps the lower
 * halves free and hands out the top; a free merges eagerly with its buddy
 * while the buddy is a free chunk of the same order in the same node;
 * per-node and host-wide available counters; one heap lock.  Zones are
 * the bit width of the frame number, searched from high to low.  No
 * claims, scrubbing, offlining or owners: the bare mechanism.
 */
#ifndef BENCH_BASELINE_H
#define BENCH_BASELINE_H

#include <pthread.h>
#include <stdint.h>

#define BL_MAX_ORDER 18
#define BL_NR_ZONES  41
#define BL_MAX_NODES 8
#define BL_INVALID   (~(uint64_t)0)

/* Xen's struct page_info is 32 bytes; so is this. */
struct bl_page {
    struct bl_page *next, *prev; /* free-list links (first frame of a chunk) */
    uint32_t order;              /* order of the free chunk it heads */
    uint32_t free;               /* heads a free chunk */
    uint32_t node;
    uint32_t pad;
};

struct bl_list {
    struct bl_page *head;
};

struct bl_heap {
    pthread_mutex_t lock;
    unsigned int nr_nodes;
    uint64_t nr_frames;
    uint64_t node_start[BL_MAX_NODES], node_end[BL_MAX_NODES];
    struct bl_page *frames;
    struct bl_list free[BL_MAX_NODES][BL_NR_ZONES][BL_MAX_ORDER + 1];
    unsigned long avail[BL_MAX_NODES][BL_NR_ZONES];
    unsigned long node_avail[BL_MAX_NODES];
    unsigned long total_avail;
};

/* nr_nodes nodes of node_frames frames each; frame 0 is kept back, as
 * in claimset.  Returns NULL when out of memory. */
struct bl_heap *bl_create(unsigned int nr_nodes, uint64_t node_frames);
void bl_destroy(struct bl_heap *b);

/* 2^order frames, preferring `node` (others after it when !exact). */
uint64_t bl_alloc(struct bl_heap *b, unsigned int order, unsigned int node, int exact);
void bl_free(struct bl_heap *b, uint64_t mfn, unsigned int order);

#endif /* BENCH_BASELINE_H */
