/*
 * The Xen backend: what the live commands and the in-dom0 tests need to
 * know about the running hypervisor beyond libxenctrl.
 *
 *   probe.c    does the hypervisor implement XEN_DOMCTL_claim_memory?
 *              (a raw domctl through libxencall, once per process)
 *   compat.c   the project's xenctrl.h functions 4.17 lacks
 *   observe.c  where populated machine frames landed, and how long it took
 *   console.c  Xen's console ring: the SRAT memory map of the boot log,
 *              and the per-domain NUMA dump of debug key 'u'
 */
#ifndef TOOLS_XEN_CS_XEN_H
#define TOOLS_XEN_CS_XEN_H

#include <stdbool.h>
#include <stdint.h>

#include <xenctrl.h>

#define CS_XEN_MAX_NODES  64U
#define CS_XEN_MAX_RANGES 256U

/* What the probe found; the same for the whole process (the hypervisor
 * does not change under a running program). */
struct cs_xen_backend {
    bool claim_sets;         /* XEN_DOMCTL_claim_memory is implemented */
    int probe_errno;         /* the probe domctl's answer (ENOSYS: unknown) */
    uint32_t domctl_version; /* the interface version the hypervisor takes */
    int xen_major, xen_minor;
    char xen_extra[64];
};

/*
 * Probe once per process (later calls return the first answer).  0, or
 * -1 with errno when the hypervisor cannot be asked at all (no privcmd,
 * not dom0): then no claim is ever made through the fallback either.
 */
int cs_xen_probe(struct cs_xen_backend *out);

/* The one line the live commands print when claim sets are missing. */
#define CS_XEN_FALLBACK_NOTE                                                                       \
    "this hypervisor has no claim sets (XEN_DOMCTL_claim_memory): claims are host-wide "           \
    "XENMEM_claim_pages of the same total; nodes are held only by exact-node population"

/* XEN_DOMCTL_claim_memory itself, issued raw (probe.c), for hypervisors
 * that have it.  0 or -1 with errno. */
int cs_xen_claim_memory_raw(uint32_t domid, uint32_t nr, memory_claim_t *claims);

/* ---------------------------------------------------------------------
 * Machine memory map: which node a machine frame belongs to
 * ------------------------------------------------------------------ */

struct cs_xen_memmap {
    unsigned int nr;
    struct {
        uint64_t first_mfn, last_mfn; /* inclusive */
        unsigned int node;
    } r[CS_XEN_MAX_RANGES];
};

/* Read the SRAT memory ranges from the boot log in Xen's console ring.
 * 0, or -1 with errno ENOENT when the ring no longer holds them. */
int cs_xen_read_memmap(xc_interface *xch, struct cs_xen_memmap *map);
/* The node of a machine frame, or -1 when no range holds it. */
int cs_xen_mfn_node(const struct cs_xen_memmap *map, uint64_t mfn);

/*
 * Xen's own per-domain NUMA accounting: send debug key 'u' and read the
 * dump back from the console ring.  pages[node] for domid (nr_nodes
 * entries); 0, or -1 with errno (ENOENT: no dump for the domain found).
 */
int cs_xen_debugkey_node_pages(xc_interface *xch, uint32_t domid, unsigned int nr_nodes,
                               uint64_t *pages);
/* The hypervisor's clock (ns since boot) as the newest 'u' dump in the
 * ring stamps it ("(now = N)"), after sending the key.  0 or -1. */
int cs_xen_debugkey_now(xc_interface *xch, uint64_t *now_ns);

/* ---------------------------------------------------------------------
 * Populate observer (per thread): set one, run a build, read it
 * ------------------------------------------------------------------ */

struct cs_xen_observer {
    const struct cs_xen_memmap *map; /* NULL: frames are not looked up */
    uint64_t node_pages[CS_XEN_MAX_NODES];
    uint64_t unmapped_pages;               /* frames outside every known range */
    uint64_t off_target_pages;             /* exact-node extents that landed elsewhere */
    double node_seconds[CS_XEN_MAX_NODES]; /* exact-node calls, by node asked */
    double any_seconds;                    /* calls that asked no node */
    uint64_t calls;
};

/* Observe this thread's populate calls (NULL stops). */
void cs_xen_observe(struct cs_xen_observer *obs);

#endif /* TOOLS_XEN_CS_XEN_H */
