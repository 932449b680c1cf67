/*
 * A reference model of the claims accounting, for differential tests of
 * the hypervisor side against the design.
 *
 * Written from the design (installation.rst, protection.rst,
 * retirement.rst, accounting.rst, edge-cases.rst, implementation.rst),
 * XEN-FACTS.md and the contracts in the hv/include/hv headers -- never from
 * the implementation -- so that a misreading shared by both is unlikely.
 *
 * Deliberately simple: page counts in plain arrays, no buddy allocator,
 * no physmap, aggregates recomputed by summing whenever they are needed.
 * The one per-frame array is the offline state, because a frame marked
 * for offlining while allocated must go offline, not free, when it is
 * freed.
 *
 * What only the implementation knows comes in as input: whether a frame
 * is allocated when it is offlined, which frames a domain gives back, and
 * on which node a multi-frame extent landed (a counts-only model cannot
 * see buddy fragmentation).  Every output -- return codes, claims,
 * counters, the node of an order-0 allocation -- the model computes.
 *
 * Domains are identified by domid; the model holds at most RM_MAX_DOMAINS
 * of them (live or dying).  Nothing here takes locks or has global state.
 */
#ifndef CS_TESTS_REFMODEL_H
#define CS_TESTS_REFMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/memory.h>

#define RM_MAX_NODES   64
#define RM_MAX_DOMAINS 32
#define RM_NO_NODE     0xFFU
#define RM_NO_DOMAIN   (~0U) /* an allocation for the hypervisor itself */
/* Entries of a claim set: one per node plus one global. */
#define RM_MAX_CLAIMS (RM_MAX_NODES + 1)
/* Nodes an allocation may visit: the first, the affinity, the rest. */
#define RM_MAX_TRIES (1 + 2 * RM_MAX_NODES)

/* Offline state of a frame. */
#define RM_FRAME_ONLINE   0x0
#define RM_FRAME_PENDING  0x1 /* allocated; goes offline when freed */
#define RM_FRAME_OFFLINED 0x2 /* out of the heap */
#define RM_FRAME_STATE    0x3
#define RM_FRAME_BROKEN   0x4 /* may never come online again */

struct rm_domain {
    bool used, dying;
    unsigned int domid;
    unsigned long max_pages, tot_pages;
    unsigned long extra_pages; /* uncounted frames */
    unsigned long global_claim;
    unsigned long claims[RM_MAX_NODES];
    unsigned long node_pages[RM_MAX_NODES];
    unsigned int last_alloc_node;
    bool auto_affinity;
    uint64_t affinity; /* as set; only its present nodes count */
};

struct refmodel {
    unsigned int nr_nodes;
    uint64_t present; /* nodes of the host, memory-less ones too */
    unsigned long nr_frames;
    unsigned long node_start[RM_MAX_NODES], node_frames[RM_MAX_NODES];
    unsigned long node_free[RM_MAX_NODES];     /* available: free, dirty or clean */
    unsigned long node_offlined[RM_MAX_NODES]; /* frames out of the heap */
    uint8_t *frame;                            /* RM_FRAME_* of every frame */
    struct rm_domain dom[RM_MAX_DOMAINS];
};

/*
 * A host of nr_nodes nodes laid out one after the other from frame 0.
 * Frame 0 belongs to the hypervisor and never enters the heap.  Returns
 * 0 or -ENOMEM / -EINVAL.
 */
int rm_init(struct refmodel *m, unsigned int nr_nodes, const unsigned long *node_frames);
void rm_fini(struct refmodel *m);

/* Node of a frame (the model's own layout). */
unsigned int rm_frame_node(const struct refmodel *m, unsigned long mfn);

/* The domain with this id, or NULL. */
struct rm_domain *rm_domain(struct refmodel *m, unsigned int domid);
const struct rm_domain *rm_domain_const(const struct refmodel *m, unsigned int domid);

/* Aggregates, recomputed from the per-domain and per-node arrays. */
unsigned long rm_host_free(const struct refmodel *m);
unsigned long rm_host_claims(const struct refmodel *m);
unsigned long rm_node_claims(const struct refmodel *m, unsigned int node);
unsigned long rm_domain_claims(const struct rm_domain *d);
/* Nodes the domain's allocations prefer: its affinity within the host. */
uint64_t rm_effective_affinity(const struct refmodel *m, const struct rm_domain *d);

/* A new domain: max_pages 0, no memory, no claims, automatic affinity,
 * last allocation node 0.  -ENOSPC if the model is full, -EEXIST if the id
 * is in use. */
int rm_domain_create(struct refmodel *m, unsigned int domid);

/*
 * Destroy: the domain becomes dying and loses every claim.  Its frames are
 * handed back by the caller with rm_free_frame() (only the caller knows
 * which they are).  rm_domain_forget() drops a dying domain from the model
 * once the last reference to it is gone.  -ESRCH if already dying.
 */
int rm_domain_destroy(struct refmodel *m, unsigned int domid);
void rm_domain_forget(struct refmodel *m, unsigned int domid);

/* domain_set_max_pages(): claims are trimmed to fit, global first, then
 * node claims from the highest node down. */
int rm_set_max_pages(struct refmodel *m, unsigned int domid, unsigned long max_pages);

/* domain_set_node_affinity(): -EINVAL without a node of the host. */
int rm_set_node_affinity(struct refmodel *m, unsigned int domid, uint64_t mask);

/* domain_set_node_claims() and domain_set_outstanding_pages(). */
int rm_set_node_claims(struct refmodel *m, unsigned int domid, unsigned int nr,
                       const memory_claim_t *claims);
int rm_set_outstanding_pages(struct refmodel *m, unsigned int domid, unsigned long pages);

/* Allocation flags. */
#define RM_EXACT     0x1 /* only the requested node will do */
#define RM_UNCOUNTED 0x2 /* not counted against the domain (MEMF_no_refcount) */

/* One allocation of 2^order frames for a domain, as the model sees it. */
struct rm_alloc_plan {
    int rc;                           /* 0, -ESRCH, -E2BIG or -ENOMEM */
    unsigned int node;                /* first qualifying node when rc == 0 */
    bool global_ok;                   /* the host-wide claims check passed */
    bool any_node;                    /* search order unspecified: any qualifying node */
    unsigned int nr_tried;            /* nodes in search order */
    unsigned int tried[RM_MAX_TRIES]; /* may repeat a node (harmlessly) */
    bool qualifies[RM_MAX_TRIES];     /* node check passed and enough free */
};

/*
 * Plan an allocation: node is RM_NO_NODE or a node of the host; domid may
 * be RM_NO_DOMAIN.  A counted allocation is refused for a dying domain or
 * past max_pages and may use the domain's claims; an uncounted one, or
 * one for no domain, uses only unclaimed memory.  For order 0 the plan is
 * exact, except that with neither domain nor node any qualifying node
 * will do; for larger orders a qualifying node may lack a free chunk.
 */
void rm_alloc_plan(const struct refmodel *m, unsigned int domid, unsigned int order,
                   unsigned int node, unsigned int flags, struct rm_alloc_plan *p);

/* True when the plan allows the allocation to land on node. */
bool rm_plan_allows(const struct rm_alloc_plan *p, unsigned int node);

/* Apply a successful allocation on node: counters, the domain's last
 * allocation node and, when counted, claim retirement (the allocation
 * node, then global, then other nodes largest first). */
void rm_alloc_commit(struct refmodel *m, unsigned int domid, unsigned int order, unsigned int node,
                     unsigned int flags);

/* The domain (or RM_NO_DOMAIN) gives frame mfn back: counted out of it
 * (tot_pages or extra_pages); free again, or offlined if it was marked
 * for offlining.  Claims are never regrown. */
void rm_free_frame(struct refmodel *m, unsigned int domid, unsigned long mfn, bool counted);

/*
 * offline_page() / online_page().  allocated tells whether the frame is
 * in use (input from the caller).  Offlining a free frame may recall
 * claims: on the node from the largest claimant there, then global claims
 * from the largest global claimant (lowest domid on ties).  Returns the
 * rc; *recalled (may be NULL) gets the pages of claims recalled.
 */
int rm_offline(struct refmodel *m, unsigned long mfn, bool broken, bool allocated,
               unsigned long *recalled);
int rm_online(struct refmodel *m, unsigned long mfn);

/*
 * Compare the model with a real host: host and node counters, and for
 * every model domain (matched by id among doms[]) its state, claims and
 * claim read-back.  Returns true when all agree; else false with the
 * first difference, both values, in report.
 */
struct host;
struct domain;
bool rm_compare(const struct refmodel *m, struct host *h, struct domain *const *doms,
                unsigned int nr_doms, char *report, size_t len);

#endif /* CS_TESTS_REFMODEL_H */
