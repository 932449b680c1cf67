/*
 * The project's xenctrl.h functions that Xen 4.17's libxenctrl lacks,
 * written over what 4.17 has.
 *
 * Claims.  When the probe found XEN_DOMCTL_claim_memory, a claim set goes
 * to the hypervisor as it is.  Otherwise it becomes one legacy
 * XENMEM_claim_pages claim of the set's whole total (never less), after
 * the checks the claim-set rules make at the boundary (entry count,
 * padding, a node named twice, unknown nodes) and one they make under the heap
 * lock that a host-wide claim cannot: a node entry larger than the node's
 * free memory is refused with ENOMEM before anything is claimed.  That
 * check reads free memory, which a host-wide claim does not lower, so it
 * holds for one builder at a time only; exact-node population keeps the
 * memory on its node.  (Decision D63.)
 */
#include <errno.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include <claimset/claimset.h>

#include "cs_xen.h"

#define MAX_ENTRIES (CS_XEN_MAX_NODES + 1)

#undef xc_numainfo
int cs_xen_numainfo(xc_interface *xch, unsigned *max_nodes, xc_meminfo_t *meminfo,
                    uint32_t *distance)
{
    unsigned int cap;
    xc_meminfo_t *mi = meminfo;
    uint32_t *d = distance;
    int rc, e;

    if (!max_nodes) {
        errno = EINVAL;
        return -1;
    }
    if (!meminfo && !distance)
        return xc_numainfo(xch, max_nodes, NULL, NULL);
    cap = *max_nodes;
    if (!mi)
        mi = calloc(cap ? cap : 1, sizeof(*mi));
    if (!d)
        d = calloc(cap ? (size_t)cap * cap : 1, sizeof(*d));
    if (!mi || !d) {
        rc = -1;
        e = ENOMEM;
    } else {
        rc = xc_numainfo(xch, max_nodes, mi, d);
        e = errno;
    }
    if (mi != meminfo)
        free(mi);
    if (d != distance)
        free(d);
    errno = e;
    return rc;
}
#define xc_numainfo cs_xen_numainfo

int xc_domain_getinfo_single(xc_interface *xch, uint32_t domid, xc_domaininfo_t *info)
{
    xc_domaininfo_t tmp;
    int n = xc_domain_getinfolist(xch, domid, 1, &tmp);

    if (n < 0)
        return -1;
    /* getinfolist answers with the next domain up when domid is gone. */
    if (n == 0 || tmp.domain != domid) {
        errno = ESRCH;
        return -1;
    }
    if (info)
        *info = tmp;
    return 0;
}

int xc_numa_meminfo(xc_interface *xch, unsigned *nr_nodes, xc_numa_meminfo_t *info)
{
    xc_meminfo_t mi[CS_XEN_MAX_NODES];
    unsigned int n = CS_XEN_MAX_NODES;

    if (!nr_nodes) {
        errno = EINVAL;
        return -1;
    }
    if (xc_numainfo(xch, &n, mi, NULL))
        return -1;
    if (!info) {
        *nr_nodes = n;
        return 0;
    }
    if (*nr_nodes > n)
        *nr_nodes = n;
    for (unsigned int i = 0; i < *nr_nodes; i++) {
        info[i].size = mi[i].memsize;
        info[i].free = mi[i].memfree;
        /* Without claim sets every claim is host-wide: no node has any. */
        info[i].claimed = 0;
    }
    return 0;
}

/* The boundary checks of a claim set.  The total, or -1 with errno. */
static int check_set(xc_interface *xch, uint32_t nr, const memory_claim_t *c, uint64_t *total)
{
    bool seen[CS_XEN_MAX_NODES] = {false}, global = false;
    unsigned int nodes = CS_XEN_MAX_NODES;

    if (nr == 0 || !c) {
        errno = EINVAL;
        return -1;
    }
    if (nr > MAX_ENTRIES) {
        errno = E2BIG;
        return -1;
    }
    if (xc_numainfo(xch, &nodes, NULL, NULL))
        return -1;
    *total = 0;
    for (uint32_t i = 0; i < nr; i++) {
        if (c[i].pad || __builtin_add_overflow(*total, c[i].pages, total)) {
            errno = EINVAL;
            return -1;
        }
        if (c[i].target == XEN_DOMCTL_CLAIM_MEMORY_LEGACY) {
            if (nr != 1) {
                errno = EINVAL;
                return -1;
            }
        } else if (c[i].target == XEN_DOMCTL_CLAIM_MEMORY_GLOBAL) {
            if (global) {
                errno = EINVAL;
                return -1;
            }
            global = true;
        } else if (c[i].target >= nodes || c[i].target >= CS_XEN_MAX_NODES) {
            errno = ENOENT;
            return -1;
        } else if (seen[c[i].target]) {
            errno = EINVAL;
            return -1;
        } else {
            seen[c[i].target] = true;
        }
    }
    return 0;
}

/* A node entry larger than its node's free memory: ENOMEM. */
static int check_nodes(xc_interface *xch, uint32_t nr, const memory_claim_t *c)
{
    xc_meminfo_t mi[CS_XEN_MAX_NODES];
    unsigned int n = CS_XEN_MAX_NODES;

    if (xc_numainfo(xch, &n, mi, NULL))
        return -1;
    for (uint32_t i = 0; i < nr; i++)
        if (c[i].target < n && c[i].pages > (mi[c[i].target].memfree >> XC_PAGE_SHIFT)) {
            errno = ENOMEM;
            return -1;
        }
    return 0;
}

int xc_domain_claim_memory(xc_interface *xch, uint32_t domid, uint32_t nr_claims,
                           memory_claim_t *claims)
{
    struct cs_xen_backend be;
    xc_domaininfo_t info;
    uint64_t total, target;
    int e;

    if (cs_xen_probe(&be))
        return -1;
    if (be.claim_sets)
        return cs_xen_claim_memory_raw(domid, nr_claims, claims);

    if (check_set(xch, nr_claims, claims, &total))
        return -1;
    /* A legacy entry keeps the legacy rules: an absolute target. */
    if (claims[0].target == XEN_DOMCTL_CLAIM_MEMORY_LEGACY)
        return xc_domain_claim_pages(xch, domid, (unsigned long)claims[0].pages);
    if (xc_domain_getinfo_single(xch, domid, &info))
        return -1;
    if (total == 0)
        return xc_domain_claim_pages(xch, domid, 0);
    if (check_nodes(xch, nr_claims, claims))
        return -1;
    /* A set's entries are pages still to come; a legacy claim is a target
     * that counts what the domain holds. */
    target = info.tot_pages + total;
    if (target < total) {
        errno = EINVAL;
        return -1;
    }
    /* A set replaces the old one; legacy claims do not stack, so the old
     * claim goes first and comes back if the new one is refused. */
    if (info.outstanding_pages && xc_domain_claim_pages(xch, domid, 0))
        return -1;
    if (xc_domain_claim_pages(xch, domid, (unsigned long)target) == 0)
        return 0;
    e = errno;
    if (info.outstanding_pages)
        (void)xc_domain_claim_pages(xch, domid,
                                    (unsigned long)(info.tot_pages + info.outstanding_pages));
    errno = e;
    return -1;
}

/* Claims read back: the hypervisor reports one outstanding figure per
 * domain, so the answer is one GLOBAL entry (or none). */
int xc_domain_get_claims(xc_interface *xch, uint32_t domid, uint32_t *nr_claims,
                         memory_claim_t *claims)
{
    xc_domaininfo_t info;
    uint32_t need;

    if (!nr_claims) {
        errno = EINVAL;
        return -1;
    }
    if (xc_domain_getinfo_single(xch, domid, &info))
        return -1;
    need = info.outstanding_pages ? 1 : 0;
    if (*nr_claims < need || (need && !claims)) {
        *nr_claims = need;
        errno = ERANGE;
        return -1;
    }
    *nr_claims = need;
    if (need)
        claims[0] = (memory_claim_t){.pages = info.outstanding_pages,
                                     .target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL};
    return 0;
}

/* Hypercall counts of a libxenctrl handle are not available. */
int claimset_xc_get_stats(xc_interface *xch, struct claimset_xc_stats *st)
{
    errno = ENOSYS;
    return -1;
}

/* Neither 4.17 nor the claim-set series has a per-node read-back of a
 * domain's pages (XEN_DOMCTL_get_node_pages is the project's own). */
int claimset_domain_get_node_pages(xc_interface *xch, uint32_t domid, unsigned *nr_nodes,
                                   uint64_t *pages)
{
    errno = ENOSYS;
    return -1;
}
