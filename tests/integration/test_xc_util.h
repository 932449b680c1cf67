/*
 * Helpers for the tests of the toolstack library (test_xc_*.c and the
 * threaded tests in tests/stress): hosts and handles through the public
 * and extension APIs only, domains ready for building, claim read-back,
 * state snapshots to prove that a failed call changed nothing, and
 * buffers that end at an inaccessible page, so that any access past what
 * the caller declared crashes the test.
 *
 * Helpers record a test failure (at the helper's line) when a call they
 * expect to work fails; they never abort.
 */
#ifndef TESTS_XC_UTIL_H
#define TESTS_XC_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <claimset/claimset.h>
#include <xenctrl.h>

#include "test.h"

#define XT_MIB_PAGES(n) ((unsigned long)(n) << (20 - XC_PAGE_SHIFT))
#define XT_GLOBAL       XEN_DOMCTL_CLAIM_MEMORY_GLOBAL
#define XT_MAX_CLAIMS   (CLAIMSET_MAX_NODES + 1)

/* A host of the given topology and check level (CLAIMSET_CHECK_*). */
static inline claimset_host *xt_host_level(const char *topology, int check_level)
{
    struct claimset_host_opts opts = {.check_level = check_level};
    char err[256];
    claimset_host *h = claimset_host_create_opts(topology, &opts, err, sizeof(err));

    if (!h)
        test_fail(__FILE__, __LINE__, "claimset_host_create(\"%s\"): %s (errno %d)", topology, err,
                  errno);
    return h;
}

static inline claimset_host *xt_host(const char *topology)
{
    return xt_host_level(topology, CLAIMSET_CHECK_DEFAULT);
}

/* A control-domain handle on h. */
static inline xc_interface *xt_open(claimset_host *h)
{
    xc_interface *xch = h ? claimset_xc_open(h, 0) : NULL;

    if (!xch)
        test_fail(__FILE__, __LINE__, "claimset_xc_open: errno %d", errno);
    return xch;
}

/* Every invariant holds (deep check). */
static inline void xt_expect_consistent(claimset_host *h)
{
    char report[1024] = "";

    if (claimset_host_check(h, report, sizeof(report)))
        test_fail(__FILE__, __LINE__, "invariant broken: %s", report);
}

/* Check, close the handle and destroy the host. */
static inline void xt_done(xc_interface *xch, claimset_host *h)
{
    if (h)
        xt_expect_consistent(h);
    xc_interface_close(xch);
    if (claimset_host_destroy(h))
        test_fail(__FILE__, __LINE__, "claimset_host_destroy: errno %d", errno);
}

/* A new domain with max_pages set; 0 on failure. */
static inline uint32_t xt_domain(xc_interface *xch, uint64_t max_pages)
{
    struct xen_domctl_createdomain cfg;
    uint32_t domid = 0;

    memset(&cfg, 0, sizeof(cfg));
    cfg.max_vcpus = 1;
    if (xc_domain_create(xch, &domid, &cfg)) {
        test_fail(__FILE__, __LINE__, "xc_domain_create: errno %d", errno);
        return 0;
    }
    if (xc_domain_setmaxmem(xch, domid, max_pages * (XC_PAGE_SIZE / 1024))) {
        test_fail(__FILE__, __LINE__, "xc_domain_setmaxmem: errno %d", errno);
        return 0;
    }
    return domid;
}

static inline xc_physinfo_t xt_physinfo(xc_interface *xch)
{
    xc_physinfo_t info;

    memset(&info, 0, sizeof(info));
    if (xc_physinfo(xch, &info))
        test_fail(__FILE__, __LINE__, "xc_physinfo: errno %d", errno);
    return info;
}

static inline uint64_t xt_outstanding(xc_interface *xch)
{
    return xt_physinfo(xch).outstanding_pages;
}

static inline xc_domaininfo_t xt_dominfo(xc_interface *xch, uint32_t domid)
{
    xc_domaininfo_t info;

    memset(&info, 0, sizeof(info));
    if (xc_domain_getinfo_single(xch, domid, &info))
        test_fail(__FILE__, __LINE__, "xc_domain_getinfo_single(%u): errno %d", domid, errno);
    return info;
}

/* Read the domain's claims back into out[XT_MAX_CLAIMS]; the count. */
static inline unsigned int xt_claims(xc_interface *xch, uint32_t domid, memory_claim_t *out)
{
    uint32_t nr = XT_MAX_CLAIMS;

    memset(out, 0, XT_MAX_CLAIMS * sizeof(*out));
    if (xc_domain_get_claims(xch, domid, &nr, out)) {
        test_fail(__FILE__, __LINE__, "xc_domain_get_claims(%u): errno %d", domid, errno);
        return 0;
    }
    return nr;
}

/* The domain's claim on one target (a node or XT_GLOBAL), 0 if none. */
static inline uint64_t xt_claim_on(xc_interface *xch, uint32_t domid, uint32_t target)
{
    memory_claim_t c[XT_MAX_CLAIMS];
    unsigned int nr = xt_claims(xch, domid, c);

    for (unsigned int i = 0; i < nr; i++)
        if (c[i].target == target)
            return c[i].pages;
    return 0;
}

/* Per node meminfo in bytes (out has CLAIMSET_MAX_NODES entries); count. */
static inline unsigned int xt_numa(xc_interface *xch, xc_numa_meminfo_t *out)
{
    unsigned int nr = CLAIMSET_MAX_NODES;

    memset(out, 0, CLAIMSET_MAX_NODES * sizeof(*out));
    if (xc_numa_meminfo(xch, &nr, out)) {
        test_fail(__FILE__, __LINE__, "xc_numa_meminfo: errno %d", errno);
        return 0;
    }
    return nr;
}

static inline uint64_t xt_node_free_pages(xc_interface *xch, unsigned int node)
{
    xc_numa_meminfo_t m[CLAIMSET_MAX_NODES];

    xt_numa(xch, m);
    return m[node].free >> XC_PAGE_SHIFT;
}

/* Pages the domain holds on a node. */
static inline uint64_t xt_node_pages(xc_interface *xch, uint32_t domid, unsigned int node)
{
    uint64_t pages[CLAIMSET_MAX_NODES];
    unsigned int nr = CLAIMSET_MAX_NODES;

    memset(pages, 0, sizeof(pages));
    if (claimset_domain_get_node_pages(xch, domid, &nr, pages)) {
        test_fail(__FILE__, __LINE__, "claimset_domain_get_node_pages: errno %d", errno);
        return 0;
    }
    return node < nr ? pages[node] : 0;
}

/*
 * Populate n extents of 2^order pages at consecutive guest frames from
 * *next_gfn (first rounded up to the extent size; advanced past them).
 * Returns what xc_domain_populate_physmap returned.
 */
static inline int xt_populate(xc_interface *xch, uint32_t domid, uint64_t *next_gfn,
                              unsigned long n, unsigned int order, unsigned int flags)
{
    xen_pfn_t *gfns = (xen_pfn_t *)calloc(n ? n : 1, sizeof(*gfns));
    int rc;

    if (!gfns)
        return -1;
    *next_gfn = (*next_gfn + (1ULL << order) - 1) & ~((1ULL << order) - 1);
    for (unsigned long i = 0; i < n; i++)
        gfns[i] = *next_gfn + (i << order);
    rc = xc_domain_populate_physmap(xch, domid, n, order, flags, gfns);
    *next_gfn += n << order;
    free(gfns);
    return rc;
}

/* Everything a failed call must leave alone. */
struct xt_state {
    xc_physinfo_t phys;
    xc_numa_meminfo_t numa[CLAIMSET_MAX_NODES];
    xc_domaininfo_t dom;
    memory_claim_t claims[XT_MAX_CLAIMS];
    unsigned int nr_claims;
};

static inline void xt_snapshot(xc_interface *xch, uint32_t domid, struct xt_state *s)
{
    memset(s, 0, sizeof(*s));
    s->phys = xt_physinfo(xch);
    xt_numa(xch, s->numa);
    if (domid) {
        s->dom = xt_dominfo(xch, domid);
        s->nr_claims = xt_claims(xch, domid, s->claims);
    }
}

#define XT_EXPECT_UNCHANGED(xch, domid, before)                                                    \
    do {                                                                                           \
        struct xt_state after_;                                                                    \
        xt_snapshot(xch, domid, &after_);                                                          \
        EXPECT_EQ(after_.phys.free_pages, (before)->phys.free_pages);                              \
        EXPECT_EQ(after_.phys.outstanding_pages, (before)->phys.outstanding_pages);                \
        EXPECT_EQ(after_.dom.tot_pages, (before)->dom.tot_pages);                                  \
        EXPECT_EQ(after_.dom.max_pages, (before)->dom.max_pages);                                  \
        EXPECT_EQ(after_.dom.outstanding_pages, (before)->dom.outstanding_pages);                  \
        EXPECT_EQ(after_.nr_claims, (before)->nr_claims);                                          \
        EXPECT_TRUE(memcmp(&after_, (before), sizeof(after_)) == 0);                               \
    } while (0)

/*
 * A buffer of `bytes` that ends exactly where an inaccessible page
 * begins: touching one byte past it kills the test.  Free with
 * xt_guarded_free(p, bytes).
 */
static inline void *xt_guarded(size_t bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = (bytes + page - 1) / page * page + page;
    char *base =
        (char *)mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (base == (char *)MAP_FAILED)
        return NULL;
    if (mprotect(base + span - page, page, PROT_NONE)) {
        munmap(base, span);
        return NULL;
    }
    return base + span - page - bytes;
}

static inline void xt_guarded_free(void *p, size_t bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = (bytes + page - 1) / page * page + page;

    munmap((char *)p + bytes + page - span, span);
}

#endif /* TESTS_XC_UTIL_H */
