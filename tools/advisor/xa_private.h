/*
 * Internals of the placement advisor.
 *
 *   advisor.c  reading the host, and plan + claim as one step
 *   refusal.c  why the hypervisor refused a claim set
 *   plan.c     the node choice and the plan (pure)
 *   split.c    dividing memory and vCPUs between the chosen nodes, and
 *              the arithmetic for it (pure)
 */
#ifndef TOOLS_ADVISOR_XA_PRIVATE_H
#define TOOLS_ADVISOR_XA_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <claimset/advisor.h>

#define XA_PAGES_1G (1ULL << 18)
#define XA_PAGES_2M (1ULL << 9)

/*
 * Largest-remainder apportionment: divide `units` between n parties in
 * proportion to weight[] (not all zero), party i getting at most cap[i].
 * Each party first gets the whole part of its exact quota (cut to its
 * cap), then the units left over go one by one to the largest fractional
 * parts, lowest index first on a tie, skipping parties at their cap.
 * Returns 0, or -1 if the caps cannot take every unit.
 */
int xa_apportion(uint64_t units, const uint64_t *weight, const uint64_t *cap, unsigned int n,
                 uint64_t *out);

/*
 * Split `pages` between n nodes with room[i] pages each (sum >= pages),
 * in proportion to room, no node above its room, every node > 0.  Shares
 * are whole 1 GiB multiples if possible, else 2 MiB multiples, else
 * pages, except one node (*odd) that also takes the part of `pages`
 * below the granule.  Returns the granule used, or 0 if no split gives
 * every node a share.
 */
uint64_t xa_split_memory(uint64_t pages, const uint64_t *room, unsigned int n, uint64_t *share,
                         unsigned int *odd);

/*
 * vCPUs for n vnodes of pages[i] pages, `vcpus` in all: apportioned by
 * memory, then a vnode left with none takes one from the vnode with the
 * most.  With fewer vCPUs than vnodes the vnodes with the most memory get
 * one each and the others none (memory-only nodes).  cpus[i] (NULL: not
 * known) is the CPUs of vnode i's node: when the nodes have CPUs for all
 * vCPUs, no vnode gets more than its node's CPUs, and a node without CPUs
 * gets none.  Returns whether every vnode is within its node's CPUs.
 */
bool xa_split_vcpus(unsigned int vcpus, const uint64_t *pages, const unsigned int *cpus,
                    unsigned int n, unsigned int *out);

#endif /* TOOLS_ADVISOR_XA_PRIVATE_H */
