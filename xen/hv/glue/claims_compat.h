/*
 * The claims engine's view of its home: Xen's half of the pair (the
 * simulator's half is hv/claims/claims_compat.h, which lists the names
 * the engine relies on).  Installed next to the engine files in
 * common/claimset/.
 */
#ifndef __XEN_CLAIMS_COMPAT_H__
#define __XEN_CLAIMS_COMPAT_H__

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/nodemask.h>
#include <xen/numa.h>
#include <xen/rcupdate.h>
#include <xen/spinlock.h>
#include <public/domctl.h>

#include <xen/claimset.h>

typedef struct claims_host claims_host_t;

/* The allocator's lock (made visible outside page_alloc.c by the
 * semantic patch). */
extern spinlock_t heap_lock;

/* Xen has one heap: the domain argument only keeps the engine's code the
 * same in both homes. */
#define claims_host_of(d)   ((void)(d), &claimset_host)
#define claims_heap_lock(h) ((void)(h), &heap_lock)

#define claims_domain_dying(d)     ((d)->is_dying != DOMDYING_alive)
#define claims_node_valid(h, node) ((void)(h), (node) < MAX_NUMNODES && node_online(node))
/* Callers of claims_recall() hold rcu_read_lock(&domlist_read_lock). */
#define claims_for_each_domain(h, d) for_each_domain(d)
#define claims_call_done(h)          ((void)(h))

/* Memory not counted against the domain: neither uses nor retires claims. */
#define CLAIMS_MEMF_UNCOUNTED (MEMF_no_refcount | MEMF_no_owner)

/* Most entries a claim set may have: one per node plus one global. */
#define CLAIMS_MAX_ENTRIES (MAX_NUMNODES + 1)

static inline unsigned long sub_sat(unsigned long a, unsigned long b)
{
    return a > b ? a - b : 0;
}

static inline bool add_ok(unsigned long a, unsigned long b, unsigned long *sum)
{
    return !__builtin_add_overflow(a, b, sum);
}

/* The engine's functions (the simulator declares them in hv/claims.h;
 * Xen's xen/mm.h declares domain_set_outstanding_pages() and claimset.h
 * the ones the hooked files call, and Xen builds with -Wredundant-decls).
 * Names ending in _locked expect heap_lock held. */
int domain_set_node_claims(struct domain *d, unsigned int nr_claims, const memory_claim_t *claims);
int domain_get_claims(struct domain *d, unsigned int *nr, memory_claim_t *out);
void claims_retire_all_locked(struct domain *d);
bool claims_permit_host_locked(const claims_host_t *h, const struct domain *d,
                               unsigned int memflags, unsigned long request);
bool claims_permit_node_locked(const claims_host_t *h, const struct domain *d, nodeid_t node,
                               unsigned int memflags, unsigned long request);
void claims_retire_allocation_locked(struct domain *d, unsigned long allocation,
                                     nodeid_t alloc_node);
unsigned long claims_recall_locked(claims_host_t *h, nodeid_t node);
unsigned long domain_claims_total_locked(const struct domain *d);
void claims_trim_to_max_pages_locked(struct domain *d);

#endif /* __XEN_CLAIMS_COMPAT_H__ */
