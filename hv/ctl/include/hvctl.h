/*
 * The host-control interface: the one part of the hypervisor side the
 * toolstack (tools/libxc) may include.  Everything a toolstack does to a
 * simulated host goes through here:
 *
 *   - bring a host up from a plain layout (node sizes, CPUs, the SLIT
 *     distance matrix) and take it down;
 *   - issue hypercalls, through a call context that says which caller
 *     buffers the hypervisor may touch (Xen's ABI structures, include/xen);
 *   - the out-of-band read-outs a debugger attached to the machine would
 *     have: the invariant checker, the host counters, an idle scrub pass.
 *
 * struct host stays opaque: the toolstack never sees the heap, the
 * domains or the claims except through hypercalls.  Text formats,
 * sysfs and units are the toolstack's business, so the layout is plain
 * numbers.  Every function here is called holding no hypervisor lock and
 * returns holding none.
 */
#ifndef HVCTL_H
#define HVCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/domctl.h>
#include <xen/memory.h>
#include <xen/sysctl.h>

struct host; /* opaque to the toolstack */

/* ------------------------------------------------------------------ */
/* Layout and creation                                                */
/* ------------------------------------------------------------------ */

#define HVCTL_MAX_NODES      64
#define HVCTL_MAX_HOST_PAGES ((16ULL << 40) >> 12) /* 16 TiB of 4 KiB frames */

/* What the core needs to know about the machine, and nothing else. */
struct hvctl_layout {
    unsigned int nr_nodes;                              /* 1 .. HVCTL_MAX_NODES */
    uint64_t node_pages[HVCTL_MAX_NODES];               /* 4 KiB frames; 0 allowed */
    unsigned int node_cpus[HVCTL_MAX_NODES];            /* for physinfo */
    uint8_t distance[HVCTL_MAX_NODES][HVCTL_MAX_NODES]; /* SLIT, as given */
};

/* Levels of the invariant checker (hv/check). */
enum hvctl_check {
    HVCTL_CHECK_NONE = 0,
    HVCTL_CHECK_COUNTERS = 1, /* counters only: O(nodes x domains) */
    HVCTL_CHECK_DEEP = 2,     /* also frames, free lists, physmaps */
};

struct hvctl_config {
    /* Level the checker runs at after every mutating call. */
    enum hvctl_check check_level;
    /* Frames of hypervisor memory each domain creation takes. */
    unsigned int xen_pages_per_domain;
};

/* The defaults for a host of this layout: builds with the debug checks
 * check deeply up to 2^20 frames and the counters above; others not at
 * all.  The core reads no environment: the caller may override. */
void hvctl_config_default(const struct hvctl_layout *layout, struct hvctl_config *cfg);

/*
 * Bring a host up with its control domain (id 0), every frame but frame
 * 0 free and clean.  0, -EINVAL (no nodes, too many, fewer than 2 frames
 * or more than HVCTL_MAX_HOST_PAGES, a check level out of range) or
 * -ENOMEM.  cfg NULL: the defaults.
 */
int hvctl_host_create(const struct hvctl_layout *layout, const struct hvctl_config *cfg,
                      struct host **out);
/* Destroys every domain, then the host, in bulk: the domains' memory goes
 * with the heap, not frame by frame.  NULL is fine. */
void hvctl_host_destroy(struct host *h);

/* ------------------------------------------------------------------ */
/* Hypercalls                                                         */
/* ------------------------------------------------------------------ */

#ifndef ERESTART
#define ERESTART 85
#endif

#define HCALL_MAX_REGIONS 8

struct hcall_region {
    const void *start;
    size_t len;
    int writable;
};

struct hcall_stats {
    unsigned long hypercalls;    /* entries, continuations included */
    unsigned long continuations; /* times an operation was preempted */
};

/* One caller's view of a hypercall; belongs to one thread at a time. */
struct hcall_ctx {
    struct host *host;
    domid_t caller; /* 0: the control domain; otherwise a guest */

    /* Buffers the hypervisor may copy from/to during this call. */
    struct hcall_region regions[HCALL_MAX_REGIONS];
    unsigned int nr_regions;

    /* Preemption: after this many units of work (one extent, 512 frames
     * scrubbed, one frame offlined), an operation yields; 0 never. */
    unsigned long preempt_budget;
    unsigned long work;
    unsigned long continuation; /* set with -ERESTART */

    /* Fault injection for tests: the Nth copy (1-based) fails; 0 never. */
    unsigned long fail_copy_at;
    unsigned long copies;

    struct hcall_stats stats;
};

/* A context for `caller` on host h, with no regions registered. */
void hcall_ctx_init(struct hcall_ctx *ctx, struct host *h, domid_t caller);
/* Let the hypervisor read (and, if writable, write) [p, p + len).
 * len 0 registers nothing and succeeds; NULL with len > 0 or a range that
 * wraps the address space: -EINVAL.  -E2BIG when all slots are taken. */
int hcall_ctx_add_region(struct hcall_ctx *ctx, const void *p, size_t len, int writable);
void hcall_ctx_clear_regions(struct hcall_ctx *ctx);

/*
 * Issue a hypercall, re-issuing continuations until it completes (what
 * the kernel's privcmd driver does).  A non-negative result or -errno;
 * docs/hypercalls.md lists every operation's checks and errors.
 */
long hypercall_memory_op(struct hcall_ctx *ctx, unsigned long cmd, void *arg);
long hypercall_domctl(struct hcall_ctx *ctx, struct xen_domctl *u_domctl);
long hypercall_sysctl(struct hcall_ctx *ctx, struct xen_sysctl *u_sysctl);

/* ------------------------------------------------------------------ */
/* Out-of-band read-outs                                              */
/* ------------------------------------------------------------------ */

/* Run the checker once at `level` (not NONE: -EINVAL).  0 when every
 * invariant holds; -EIO with the first broken one named in report. */
int hvctl_host_check(struct host *h, enum hvctl_check level, char *report, size_t len);

/* Scrub up to max_pages dirty free frames of `node` (HVCTL_ANY_NODE: all
 * nodes).  The number scrubbed, or -EINVAL for a node the host lacks. */
#define HVCTL_ANY_NODE (~0U)
long hvctl_host_scrub(struct host *h, unsigned int node, unsigned long max_pages);

/* A consistent copy of the host's counters (one critical section). */
struct hvctl_counters {
    unsigned int nr_nodes;
    unsigned long total_pages, total_avail_pages, outstanding_claims, scrub_pages;
    unsigned long node_pages[HVCTL_MAX_NODES], node_avail_pages[HVCTL_MAX_NODES];
    unsigned long node_outstanding_claims[HVCTL_MAX_NODES], node_need_scrub[HVCTL_MAX_NODES];
    unsigned long node_offlined[HVCTL_MAX_NODES];
    unsigned long allocs, frees, alloc_failures, refused_global_check, refused_node_check;
    unsigned long pages_scrubbed_sync, pages_scrubbed_idle, claims_retired, claims_recalled;
};
void hvctl_host_counters(struct host *h, struct hvctl_counters *c);

#endif /* HVCTL_H */
