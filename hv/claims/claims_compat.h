/*
 * The claims engine's view of its home: the simulator's half of a pair.
 *
 * The engine (install.c, retire.c) is written once, in the style of
 * Xen's page allocator, and compiled unchanged into this project's
 * in-process hypervisor and into Xen itself (see xen/hv/ and
 * docs/xen-hv.md).  Everything that differs between the two homes --
 * types, locks, errno values, how to find the host's counters, how to
 * walk the domains -- goes through the names defined here.  Xen's half
 * of the pair (xen/hv/glue/claims_compat.h) defines the same names over
 * Xen's own primitives.
 *
 * The names the engine relies on:
 *   claims_host_t                 the object holding the host counters:
 *                                 total_avail_pages, outstanding_claims,
 *                                 node_avail_pages[], node_outstanding_claims[],
 *                                 stats.claims_retired, stats.claims_recalled
 *   claims_host_of(d)             the host of a domain
 *   claims_heap_lock(h)           the lock guarding those counters
 *   spin_lock/spin_unlock/spin_is_locked
 *   claims_domain_dying(d)        destruction has begun
 *   claims_node_valid(h, node)    node exists (online) on the host
 *   claims_for_each_domain(h, d)  every domain that can hold claims
 *   claims_call_done(h)           an entry point is about to return (the
 *                                 simulator runs its checker there)
 *   CLAIMS_MEMF_UNCOUNTED         allocation flags of memory not counted
 *                                 against the domain
 *   domain_tot_pages(d)           pages counted against the domain
 *   ASSERT, BUG_ON, sub_sat, add_ok, MAX_NUMNODES, NUMA_NO_NODE, nodeid_t,
 *   memory_claim_t and the XEN_DOMCTL_CLAIM_MEMORY_* selectors
 */
#ifndef HV_CLAIMS_COMPAT_H
#define HV_CLAIMS_COMPAT_H

#include <errno.h>
#include <stdatomic.h>

#include <hv/claims.h>
#include <hv/config.h>
#include <hv/domain.h>
#include <hv/heap.h>
#include <hv/host.h>
#include <hv/lock.h>

typedef struct host claims_host_t;

#define claims_host_of(d)   ((d)->host)
#define claims_heap_lock(h) (&(h)->heap_lock)

/* The simulator's locks carry lock-order checking (lib/witness.c). */
#define spin_lock(l)      hv_lock(l)
#define spin_unlock(l)    hv_unlock(l)
#define spin_is_locked(l) hv_lock_is_held(l)

#define claims_domain_dying(d)       atomic_load(&(d)->is_dying)
#define claims_node_valid(h, node)   host_node_valid(h, node)
#define claims_for_each_domain(h, d) for ((d) = (h)->heap_domains; (d); (d) = (d)->heap_next)
#define claims_call_done(h)          host_call_done(h)

#define CLAIMS_MEMF_UNCOUNTED MEMF_no_refcount

/* Xen's accessor (the simulator counts MEMF_no_refcount frames apart, in
 * extra_pages, so tot_pages is already the counted number). */
static inline unsigned long domain_tot_pages(const struct domain *d)
{
    return d->tot_pages;
}

#endif /* HV_CLAIMS_COMPAT_H */
