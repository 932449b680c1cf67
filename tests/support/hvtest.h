/*
 * Helpers for tests of the hypervisor side: hosts from topology text,
 * domains ready for building, and shorthand for claim sets.  Every helper
 * fails the current test (and returns a null value) on error.
 */
#ifndef CS_TESTS_HVTEST_H
#define CS_TESTS_HVTEST_H

#include <hv/check.h>
#include <hv/claims.h>
#include <hv/domain.h>
#include <hv/heap.h>
#include <hv/host.h>

#include "libxc/xc_topology.h"
#include "test.h"

#define MiB_PAGES(n) ((unsigned long)(n) << (20 - PAGE_SHIFT))
#define GiB_PAGES(n) ((unsigned long)(n) << (30 - PAGE_SHIFT))
#define GLOBAL       XEN_DOMCTL_CLAIM_MEMORY_GLOBAL
#define LEGACY       XEN_DOMCTL_CLAIM_MEMORY_LEGACY

/* A host from CLAIMSET_TOPOLOGY-style text, checked deeply after every
 * mutating call (the hosts in unit tests are small). */
struct host *hvt_host(const char *topology);
/* Topology text (the toolstack grammar) as the core's host layout; a test
 * failure and false when it does not parse. */
bool hvt_topology(const char *text, struct hvctl_layout *layout);
uint64_t hvt_topology_pages(const struct hvctl_layout *l);

struct host *hvt_host_cfg(const char *topology, const struct host_config *cfg);

/* Create a domain (fresh id) with max_pages set; returns a referenced
 * domain (domain_put() it, or leave it to host_destroy()). */
struct domain *hvt_domain(struct host *h, unsigned long max_pages);

/* Populate n extents of `order` at consecutive gfns from *next_gfn with
 * memflags; returns the number populated. */
unsigned long hvt_populate(struct domain *d, gfn_t *next_gfn, unsigned long n, unsigned int order,
                           unsigned int memflags);

/* Run the checker deeply; fails the test with the report if broken. */
void hvt_expect_invariants(struct host *h);

/* Claims the domain holds (global + nodes), read under heap_lock. */
unsigned long hvt_claims_total(struct domain *d);

/* Free (unclaimed) pages host-wide and on a node. */
unsigned long hvt_unclaimed(struct host *h);
unsigned long hvt_node_unclaimed(struct host *h, nodeid_t node);

/* Claim entries. */
static inline memory_claim_t hvt_claim(unsigned long pages, uint32_t target)
{
    memory_claim_t c = {.pages = pages, .target = target};
    return c;
}

#endif /* CS_TESTS_HVTEST_H */
