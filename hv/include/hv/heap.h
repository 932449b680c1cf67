/*
 * The NUMA buddy heap: allocation with claims protection and retirement,
 * freeing with buddy merging, scrubbing and page offlining.
 *
 * Names follow Xen's page allocator and the claims design, so a reader
 * holding implementation.rst finds alloc_heap_pages(), get_free_buddy(),
 * free_heap_pages() and reserve_offlined_page() here.
 */
#ifndef HV_HEAP_H
#define HV_HEAP_H

#include "host.h"
#include "types.h"

/*
 * Internal allocation flags (Xen's MEMF_*).  The node field holds node + 1
 * so that 0 means "no node requested"; the bits field caps the machine
 * address width (0: no cap).
 */
#define MEMF_no_refcount (1U << 0) /* not counted against the domain */
#define MEMF_exact_node  (1U << 4) /* only the requested node will do */
#define MEMF_no_scrub    (1U << 8) /* caller accepts dirty frames and scrubs them */
#define _MEMF_node       16
#define MEMF_node(n)     ((((unsigned int)(n) + 1) & 0xFFU) << _MEMF_node)
#define MEMF_get_node(f) ((nodeid_t)((((f) >> _MEMF_node) - 1) & 0xFFU))
#define _MEMF_bits       24
#define MEMF_bits(b)     ((unsigned int)(b) << _MEMF_bits)
#define MEMF_get_bits(f) ((f) >> _MEMF_bits)

/* Lowest zone the heap allocates from (zone 0 holds only frame 0). */
#define MEMZONE_LO 1

/* Highest zone whose frames lie below 2^bits bytes (0: none). */
static inline unsigned int bits_to_zone(unsigned int bits)
{
    return bits <= PAGE_SHIFT ? 0 : MIN(bits - PAGE_SHIFT, NR_ZONES - 1);
}

/*
 * Lay the host's frames out node after node (node_pages[] frames each,
 * h->nr_nodes and h->nr_frames already set) and seed the free lists with
 * every frame but frame 0.  0 or -ENOMEM; heap_fini() undoes a partial
 * initialisation too.  Before any lock exists: no locking.
 */
int heap_init(struct host *h, const uint64_t *node_pages);
void heap_fini(struct host *h);

/*
 * Allocate 2^order contiguous frames from zones [zone_lo, zone_hi] for d
 * (NULL: for the hypervisor itself).  Returns the first frame or
 * INVALID_MFN.
 *
 * Under heap_lock, in one critical section: the global claims check, the
 * node search with the per-node check (get_free_buddy()), the split, the
 * counters, claims_retire_allocation_locked(), and -- for a counted allocation --
 * d->tot_pages and d->node_pages.  Allocations for no domain or with
 * MEMF_no_refcount use only unclaimed memory and retire nothing.
 * Frames come back owned by d (or OWNER_XEN) and scrubbed unless
 * MEMF_no_scrub is given, in which case dirty ones stay dirty.
 *
 * Caller: holds d->page_alloc_lock when d != NULL (tot_pages is [PH]),
 * not heap_lock.  d must not be dying.  Never fails for bad input: the
 * hypercall layer has validated order, node and zones.
 */
mfn_t alloc_heap_pages(struct host *h, unsigned int zone_lo, unsigned int zone_hi,
                       unsigned int order, unsigned int memflags, struct domain *d);
/* The same, also telling in *dirty how many of the frames handed out were
 * dirty (and stay so under MEMF_no_scrub): a caller that scrubs them
 * itself knows when there is nothing to scrub without taking heap_lock
 * again. */
mfn_t alloc_heap_pages_dirty(struct host *h, unsigned int zone_lo, unsigned int zone_hi,
                             unsigned int order, unsigned int memflags, struct domain *d,
                             unsigned long *dirty);

/*
 * Flags of free_heap_pages(), instead of two bare booleans:
 *   FREE_need_scrub  the frames are dirty (a dying domain's memory, the
 *                    hypervisor's own); otherwise they count as clean
 *   FREE_counted     they were counted against d: its tot_pages and
 *                    node_pages drop (otherwise, with d, its extra pages)
 */
#define FREE_need_scrub (1U << 0)
#define FREE_counted    (1U << 1)

/*
 * Return 2^order frames starting at mfn (aligned) to the heap, merging
 * with free buddies within the node.  Frames marked for offlining go
 * offline instead.  d (NULL: the hypervisor's frames) owns them; its
 * accounting changes in the same critical section.
 * Caller: holds d->page_alloc_lock when d != NULL, not heap_lock.
 */
void free_heap_pages(struct host *h, mfn_t mfn, unsigned int order, struct domain *d,
                     unsigned int flags);

/*
 * Scrub up to max_pages dirty free frames (all nodes when node is
 * NUMA_NO_NODE).  Returns the number scrubbed.  Takes heap_lock.
 */
unsigned long scrub_free_pages(struct host *h, nodeid_t node, unsigned long max_pages);

/*
 * Scrub the dirty frames of an allocated range (a MEMF_no_scrub caller
 * doing its own scrubbing).  Returns the number that were dirty.
 */
unsigned long scrub_allocated_range(struct host *h, mfn_t mfn, unsigned long nr);

/*
 * Page offlining (XEN_SYSCTL_page_offline_op), one frame at a time.
 * Return 0 or -errno and fill *status with PG_OFFLINE_* / PG_ONLINE_* bits
 * as Xen does:
 *  - a free frame leaves the heap at once (reserve_offlined_page(), which
 *    then recalls claims so that no invariant breaks);
 *  - an allocated frame is marked pending and leaves when freed;
 *  - frame 0 and frames beyond the host are refused.
 */
int offline_page(struct host *h, mfn_t mfn, bool broken, uint32_t *status);
int online_page(struct host *h, mfn_t mfn, uint32_t *status);
int query_page_offline(struct host *h, mfn_t mfn, uint32_t *status);

/*
 * Inspection, for the invariant checker and white-box tests (heap/
 * inspect.c): the heap's state read through functions, so that nothing
 * outside hv/heap includes its free-list header.  Caller holds heap_lock.
 */
/* The offline flags of a frame (0 when online). */
uint8_t offline_flags_locked(const struct host *h, mfn_t mfn);
/* The order of the free chunk starting at mfn, or -1 when none does. */
int free_chunk_order_locked(const struct host *h, mfn_t mfn);
/* A free chunk of exactly `order` starts at mfn (inside the node). */
bool heap_is_free_chunk_locked(const struct host *h, nodeid_t node, mfn_t mfn, unsigned int order);
/* The lowest free chunk of exactly `order` on the node starting at or
 * after `from`, or INVALID_MFN: walks the node's free list in order. */
mfn_t heap_next_free_chunk_locked(const struct host *h, nodeid_t node, unsigned int order,
                                  mfn_t from);
/* The free list's index structure (the bitmap's summaries) covers every
 * free chunk; summary bits left stale by lazy clears are allowed. */
bool heap_free_index_ok_locked(const struct host *h, nodeid_t node, unsigned int order);
/* The first frame of [mfn, mfn + nr) not owned by `want`, or INVALID_MFN;
 * a block with one owner is answered by its record (heap/owner.c). */
mfn_t frames_owner_mismatch_locked(const struct host *h, mfn_t mfn, unsigned long nr, owner_t want);
/* The frame's entry in frame_owner[], its block made mixed so that the
 * entry is what frame_owner_of() reads: for tests that corrupt it. */
owner_t *frame_owner_slot_locked(struct host *h, mfn_t mfn);

#endif /* HV_HEAP_H */
