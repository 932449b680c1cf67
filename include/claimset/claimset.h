/*
 * claimset extensions to the toolstack library: hosts as objects, handles
 * that act as a guest, per-handle statistics, preemption control, the
 * invariant checker, scrubbing and counters.
 *
 * xenctrl.h gives every process one host, made on the first
 * xc_interface_open().  With this API a program (a test, the simulator)
 * makes as many independent hosts as it likes, each with its own
 * topology, and drives each through ordinary xc_* calls on handles opened
 * with claimset_xc_open().  Conventions as xenctrl.h: 0 / a count / a
 * pointer on success, -1 / NULL with errno on failure.  Every function
 * may be called from any thread, also on a handle shared by several; a
 * handle must not be closed, nor its host destroyed, while another thread
 * still uses it.
 */
#ifndef CLAIMSET_CLAIMSET_H
#define CLAIMSET_CLAIMSET_H

#include <stddef.h>
#include <stdint.h>

#include <xenctrl.h>

#include <claimset/topology.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility; its API is exported. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#define CLAIMSET_MAX_NODES 64
/* "No particular node" for claimset_host_scrub(). */
#define CLAIMSET_ANY_NODE 0xFFU

typedef struct claimset_host claimset_host;

/* ---------------------------------------------------------------------
 * Hosts
 * ------------------------------------------------------------------ */

/* Invariant checking levels (struct claimset_host_opts, and
 * claimset_host_check_level()). */
#define CLAIMSET_CHECK_DEFAULT  0 /* see check_level below */
#define CLAIMSET_CHECK_OFF      1
#define CLAIMSET_CHECK_COUNTERS 2 /* accounting rules: O(nodes x domains) */
#define CLAIMSET_CHECK_DEEP     3 /* also frames, free lists, physmaps: O(frames) */

/* Options for claimset_host_create_opts(); zero-initialised means the
 * defaults. */
struct claimset_host_opts {
    /* Invariant checking after every mutating call, CLAIMSET_CHECK_*.
     * The default: a library built with the debug checks (CLAIMSET_CHECKS,
     * Debug builds) deep up to 2^20 frames, else counters; otherwise off
     * (the installed library); the CLAIMSET_CHECK environment variable (0, 1,
     * 2) overrides the default. */
    int check_level;
    /* Hypervisor pages each domain creation takes outside its tot_pages
     * (real Xen: about 16); default 0. */
    unsigned int xen_pages_per_domain;
};

/*
 * Make a host with the given topology (the CLAIMSET_TOPOLOGY grammar;
 * NULL: the built-in default, 4 nodes of 64 GiB) and its control domain,
 * domid 0.  Every frame but frame 0 starts free.  Returns NULL with errno
 * EINVAL (malformed topology; a one-line message naming the problem in
 * err when err is not NULL) or ENOMEM.  Nothing is printed.
 */
claimset_host *claimset_host_create(const char *topology, char *err, size_t errlen);
claimset_host *claimset_host_create_opts(const char *topology,
                                         const struct claimset_host_opts *opts, char *err,
                                         size_t errlen);

/*
 * Make a host from a topology struct (claimset/topology.h): parsed,
 * read from sysfs, the default, or filled in by the caller -- then it is
 * checked by claimset_topology_validate(), and refused with EINVAL and
 * its message in err when it breaks a rule.  opts may be NULL.  Otherwise
 * as claimset_host_create(), which parses its text with
 * claimset_topology_parse() and ends here.
 */
claimset_host *claimset_host_create_topology(const struct claimset_topology *t,
                                             const struct claimset_host_opts *opts, char *err,
                                             size_t errlen);

/*
 * Destroy a host made by claimset_host_create(): every domain, then the
 * host.  -1 with EBUSY while handles on it are open (close them first),
 * EINVAL for the process's host (it lives until exit).  NULL: 0.
 */
int claimset_host_destroy(claimset_host *host);

/*
 * The process's host -- the one xc_interface_open() uses -- made from
 * CLAIMSET_TOPOLOGY on first use exactly as xc_interface_open() would
 * (including the message on stderr when the variable is malformed).
 */
claimset_host *claimset_process_host(void);

/* Canonical topology text of the host (as snprintf: the length it needed,
 * output truncated to len).  -1, EINVAL for a NULL host. */
int claimset_host_topology(claimset_host *host, char *buf, size_t len);
/* The host's topology as a struct (node sizes, CPUs, distances): 0, or
 * -1 with EINVAL for a NULL host or t. */
int claimset_host_get_topology(claimset_host *host, struct claimset_topology *t);

/*
 * Run the invariant checker (every accounting rule of the design, page
 * conservation, free lists, physmaps; deep checks cost O(frames)).
 * 0 when every invariant holds; -1 otherwise, errno EIO, with a report
 * naming the first broken invariant and its values in report.
 * claimset_host_check() checks deeply; _level takes CLAIMSET_CHECK_COUNTERS
 * or CLAIMSET_CHECK_DEEP (anything else: -1, EINVAL).
 */
int claimset_host_check(claimset_host *host, char *report, size_t len);
int claimset_host_check_level(claimset_host *host, int level, char *report, size_t len);

/* Scrub up to max_pages dirty free pages on node (CLAIMSET_ANY_NODE: any
 * node), as Xen's idle loop does.  Returns the number scrubbed; -1,
 * EINVAL for a node the host does not have. */
long claimset_host_scrub(claimset_host *host, unsigned int node, unsigned long max_pages);

/* A consistent snapshot of a host's counters, for reports. */
struct claimset_node_counters {
    uint64_t total_pages;    /* frames of the node */
    uint64_t free_pages;     /* free, claimed or not */
    uint64_t claimed_pages;  /* sum of all domains' claims on the node */
    uint64_t scrub_pages;    /* free pages waiting to be scrubbed */
    uint64_t offlined_pages; /* taken out of the heap */
};
struct claimset_counters {
    uint32_t nr_nodes;
    uint64_t total_pages, free_pages, scrub_pages;
    uint64_t outstanding_pages; /* all claims: global and per node */
    struct claimset_node_counters node[CLAIMSET_MAX_NODES];
    /* Events since the host was made. */
    uint64_t allocs, frees, alloc_failures;
    uint64_t refused_global_check; /* allocations refused by claims, host-wide */
    uint64_t refused_node_check;   /* nodes skipped because of claims */
    uint64_t pages_scrubbed_sync;  /* scrubbed while allocating */
    uint64_t pages_scrubbed_idle;  /* scrubbed by claimset_host_scrub() */
    uint64_t claims_retired;       /* claimed pages turned into allocations */
    uint64_t claims_recalled;      /* claimed pages recalled after offlining */
};
int claimset_host_counters(claimset_host *host, struct claimset_counters *c);

/* ---------------------------------------------------------------------
 * Handles
 * ------------------------------------------------------------------ */

/*
 * Open a handle on host acting as caller_domid: 0 is the control domain
 * (like xc_interface_open()); any other domid must name an existing
 * domain, whose hypercalls (e.g. a balloon driver's populate and decrease
 * on DOMID_SELF) then run with that guest as the caller and its
 * privileges.  NULL with EINVAL (NULL host, reserved domid) or ESRCH (no
 * such domain).  Close with xc_interface_close().
 */
xc_interface *claimset_xc_open(claimset_host *host, uint32_t caller_domid);

/* The host and the caller domid of a handle (NULL / 0 for a NULL one). */
claimset_host *claimset_xc_host(xc_interface *xch);
uint32_t claimset_xc_caller(xc_interface *xch);

/* Hypercalls issued through a handle, continuations included, and how
 * many times an operation was preempted and continued. */
struct claimset_xc_stats {
    uint64_t hypercalls;
    uint64_t continuations;
};
int claimset_xc_get_stats(xc_interface *xch, struct claimset_xc_stats *st);
int claimset_xc_reset_stats(xc_interface *xch);

/*
 * Preemption budget for this handle's calls: a long operation yields (and
 * is continued, as the kernel's privcmd driver does) after this many
 * units of work -- one extent, 512 pages scrubbed, one frame offlined.
 * 0 (the default) never preempts.  Results are the same either way.
 */
int claimset_xc_set_preempt_budget(xc_interface *xch, unsigned long budget);

/*
 * Pages a domain holds on each node (claimset extension).  *nr_nodes as
 * for xc_numainfo(): in, capacity of pages; out, the node count; too
 * small: -1, ERANGE with *nr_nodes set to the count needed.
 */
int claimset_domain_get_node_pages(xc_interface *xch, uint32_t domid, unsigned *nr_nodes,
                                   uint64_t *pages);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* CLAIMSET_CLAIMSET_H */
