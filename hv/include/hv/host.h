/*
 * The host: one simulated machine with its NUMA heap, its domains and its
 * claims.  There is no global state on the hypervisor side; everything
 * hangs off a struct host, so tests and the simulator can make many.
 *
 * Map of the structures
 * ---------------------
 *   struct host
 *     layout, nodes        immutable after host_create()
 *     heap_lock            protects everything marked [H]:
 *       node[n]            per-node buddy heap (struct heap_node)
 *       owner_block[]      one owner code per 2 MiB block, or "mixed"
 *       frame_owner[]      one owner code per frame of a mixed block
 *       dirty              hbitmap of frames whose contents need scrubbing
 *       offline            frames being offlined / offlined / broken
 *       claims totals      total_avail_pages, outstanding_claims,
 *                          node_avail_pages[], node_outstanding_claims[]
 *       heap_domains       every domain, for recall and the checker
 *     domlist_lock         protects [L]: domains[] (by domid)
 *   struct domain (domain.h)
 *
 * Lock key used in comments: [I] immutable after creation, [H] heap_lock,
 * [L] domlist_lock, [P] the domain's page_alloc_lock, [PH] written holding
 * both page_alloc_lock and heap_lock, so readable under either, [A] atomic.
 */
#ifndef HV_HOST_H
#define HV_HOST_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <hvctl.h>

#include "config.h"
#include "hbitmap.h"
#include "lock.h"
#include "types.h"

struct domain;

/*
 * Owner codes of the frame table.  Two bytes a frame (Xen spends 32 on its
 * struct page_info): free frames are 0, so a freshly calloc'd table costs
 * no resident memory until frames are handed out.
 */
typedef uint16_t owner_t;
#define OWNER_FREE       ((owner_t)0)
#define OWNER_DOM(domid) ((owner_t)((domid) + 1)) /* domid < DOMID_FIRST_RESERVED */
#define OWNER_XEN        ((owner_t)0xFFF0)        /* hypervisor memory, frame 0 */
#define OWNER_OFFLINED   ((owner_t)0xFFF1)        /* taken out of the heap */
static inline bool owner_is_domain(owner_t o)
{
    return o != OWNER_FREE && o <= OWNER_DOM(DOMID_FIRST_RESERVED - 1);
}

/*
 * The owner table has two levels (D106).  Each aligned block of
 * 2^OWNER_BLOCK_ORDER frames (2 MiB) has one record: while every frame of
 * the block has the same owner, the record holds it and the block's
 * entries in frame_owner[] are not read; once frames of the block differ
 * ("mixed"), frame_owner[] holds each frame's owner.  A 1 GiB extent is
 * then 512 records written, not 2^18 entries, and the frame table is only
 * touched where blocks are mixed.  `stale` says that the entries of a
 * uniform block may differ from its owner (they are written in full when
 * it becomes mixed); a fresh table's zeros match OWNER_FREE.
 */
#define OWNER_BLOCK_ORDER 9
struct owner_block {
    owner_t owner; /* every frame's owner, unless mixed */
    bool mixed;    /* frame_owner[] holds the owners */
    bool stale;    /* not mixed, and frame_owner[] may differ from owner */
};

/* One NUMA node's share of the buddy heap. */
struct heap_node {
    mfn_t start, end; /* [I] frames [start, end) */
    /* [I] The largest order <= MAX_ORDER that start and end are multiples
     * of: below it, a chunk's buddy always lies inside the node, and
     * offsets from start index the free lists directly. */
    unsigned int aligned_order;
    /*
     * [H] The free "lists": free[o] has bit (mfn >> o) - (start >> o) set
     * when a free chunk of order o starts at mfn.  Buddy merging tests the
     * buddy's bit; allocation searches a zone's index range.
     */
    struct hbitmap free[MAX_ORDER + 1];
    /* [H] free[o] has no bit below free_floor[o]: every bit set lowers
     * it, and searches that start at or below it raise it to what they
     * find, so the next search starts there (D117). */
    uint64_t free_floor[MAX_ORDER + 1];
    unsigned long zone_avail[NR_ZONES];               /* [H] free frames per zone */
    unsigned long nr_chunks[NR_ZONES][MAX_ORDER + 1]; /* [H] free chunks */
    unsigned long allocated;                          /* [H] frames handed out */
    unsigned long offlined;                           /* [H] frames offlined */
    /* [H] Bit o set exactly when nr_chunks[zone][o] != 0: the smallest
     * order that can serve a request is one count-trailing-zeros. */
    uint32_t order_mask[NR_ZONES];
    /* [H] Bit z set exactly when order_mask[z] != 0: the allocator visits
     * only the zones that have a free chunk (D119). */
    uint64_t zone_mask;
};

/* A frame whose offline state is not "online", kept sorted by mfn. */
struct offline_entry {
    mfn_t mfn;
    uint8_t flags;
#define OFFLINE_PENDING  0x1 /* allocated; goes offline when freed */
#define OFFLINE_OFFLINED 0x2 /* out of the heap */
#define OFFLINE_BROKEN   0x4 /* machine-check broken: never online again */
};
struct offline_set {
    struct offline_entry *v;
    size_t nr, cap;
};

/* Counters for reports and benchmarks.  [H] */
struct heap_stats {
    unsigned long allocs, frees;
    unsigned long alloc_failures;       /* all failed allocations */
    unsigned long refused_global_check; /* refused by claims, host-wide */
    unsigned long refused_node_check;   /* a node skipped because of claims */
    unsigned long pages_scrubbed_sync;  /* scrubbed while allocating */
    unsigned long pages_scrubbed_idle;  /* scrubbed by scrub passes */
    unsigned long claims_retired;       /* pages of claims retired */
    unsigned long claims_recalled;      /* pages of claims recalled */
};

struct host_config {
    /* Invariant checking after every mutating call: 0 off, 1 accounting
     * (counters; O(nodes x domains)), 2 deep (also frames, free lists and
     * physmaps; O(frames + domains)).  Default: builds with the debug
     * checks (CLAIMSET_CHECKS) 2 on hosts up to HOST_DEEP_CHECK_PAGES
     * frames, else 1; other builds 0.  The core reads no environment:
     * libxc applies CLAIMSET_CHECK before creating a host (D52). */
    unsigned int check_level;
    /* Frames of hypervisor memory each domain creation takes (Xen 4.17
     * was observed to take about 16); not counted in tot_pages. */
    unsigned int xen_pages_per_domain;
};
#define HOST_DEEP_CHECK_PAGES (1UL << 20)

struct host {
    /* [I] */
    struct hvctl_layout layout;
    unsigned int nr_nodes;
    nodemask_t node_online_map; /* nodes that exist (memory-less ones too) */
    mfn_t nr_frames;            /* frames 0 .. nr_frames-1 exist */
    struct host_config cfg;
    /* Run by every mutating entry point of the core as it returns,
     * holding no lock: the host module installs the invariant checker
     * here, so that heap, domain and claims code never call up into it. */
    void (*after_call)(struct host *h);

    struct hv_lock heap_lock;
    struct heap_node node[MAX_NUMNODES];
    /* [I] The node of every frame of each 1 GiB span of frames, or
     * NODE_SPAN_MIXED where a node boundary falls inside the span: frees
     * find their node in one read instead of a search (D116). */
    nodeid_t *node_of_span;
    struct owner_block *owner_block; /* [H] one per started block of frames */
    owner_t *frame_owner;            /* [H] nr_frames entries, read in mixed blocks */
    struct hbitmap dirty;            /* [H] frames needing scrub (free or allocated) */
    struct offline_set offline;      /* [H] */

    /* [H] The design's accounting state (accounting.rst). */
    unsigned long total_avail_pages;
    unsigned long outstanding_claims;
    unsigned long node_avail_pages[MAX_NUMNODES];
    unsigned long node_outstanding_claims[MAX_NUMNODES];
    unsigned long node_need_scrub[MAX_NUMNODES]; /* dirty free frames */

    struct domain *heap_domains; /* [H] list through d->heap_next */
    struct heap_stats stats;     /* [H] */

    struct hv_rwlock domlist_lock;
    struct domain *domains[DOMID_FIRST_RESERVED]; /* [L] */
    unsigned int nr_domains;                      /* [L] */
    domid_t next_domid;                           /* [L] search hint */
};

/*
 * Make a host from a layout; every frame but frame 0 starts free and
 * clean.  Returns 0 or -errno (-ENOMEM, -EINVAL for an unusable layout);
 * *out is set on success.  cfg may be NULL for the defaults.
 */
int host_create(const struct hvctl_layout *layout, const struct host_config *cfg,
                struct host **out);
/* Frames over all nodes of a layout. */
uint64_t layout_total_pages(const struct hvctl_layout *layout);
/* Drops every domain, then the host, in bulk: the domains' frames are
 * not freed one by one into the heap that goes with the host (D96).
 * Create and destroy live in the host module (hv/host), above the heap,
 * domains, claims and checker. */
void host_destroy(struct host *h);

/* The default configuration for a host of nr_frames frames. */
void host_config_default(struct host_config *cfg, mfn_t nr_frames);

/* The end of a mutating entry point (one that takes its own locks). */
static inline void host_call_done(struct host *h)
{
    ASSERT(hv_holds_no_lock());
    if (h->after_call)
        h->after_call(h);
}

/* Node of a frame (frames are laid out node after node).  [I] */
nodeid_t host_mfn_to_node(const struct host *h, mfn_t mfn);
static inline bool host_node_valid(const struct host *h, unsigned int node)
{
    return node < MAX_NUMNODES && (h->node_online_map & node_bit(node));
}

/* The owner code of a frame (mfn < nr_frames).  Caller holds heap_lock. */
static inline owner_t frame_owner_of(const struct host *h, mfn_t mfn)
{
    const struct owner_block *b = &h->owner_block[mfn >> OWNER_BLOCK_ORDER];

    return b->mixed ? h->frame_owner[mfn] : b->owner;
}

/* Bytes of heap metadata (owner table, bitmaps, offline set). */
size_t host_metadata_bytes(const struct host *h);

/* A consistent copy of the host-level counters, taken under heap_lock. */
struct host_counters {
    unsigned long total_pages, total_avail_pages, outstanding_claims, scrub_pages;
    unsigned long node_pages[MAX_NUMNODES], node_avail_pages[MAX_NUMNODES];
    unsigned long node_outstanding_claims[MAX_NUMNODES], node_need_scrub[MAX_NUMNODES];
    unsigned long node_offlined[MAX_NUMNODES];
    struct heap_stats stats;
};
void host_get_counters(struct host *h, struct host_counters *c);

#endif /* HV_HOST_H */
