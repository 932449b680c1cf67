/*
 * The tests' backend on this project's simulator: the library's
 * libxenctrl-compatible API over the in-process hypervisor, which runs
 * the same claims engine as the claim-set Xen.  The host is two nodes of
 * 2 GiB unless CLAIMSET_TOPOLOGY says otherwise.  What is the same
 * libxenctrl call here and on Xen is in backend_xc.c; this file has the
 * calls that differ (the claim-set commands are the library's own here).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <claimset/claimset.h>
#include <xenctrl.h>

#include "backend.h"
#include "backend_xc.h"

const char *cs_backend(void)
{
    return "sim";
}

bool cs_can_offline(void)
{
    return false; /* the simulator's guests see no machine frames */
}

bool cs_populate_gives_mfns(void)
{
    return false; /* translated guests: extents go back by guest frame */
}

int cs_open(void)
{
    setenv("CLAIMSET_TOPOLOGY", "2GiB,2GiB", 0);
    return cs_xc_open();
}

void cs_close(void)
{
    cs_xc_close();
}

int cs_dominfo(uint32_t domid, struct cs_dominfo *info)
{
    xc_domaininfo_t di;
    int rc = cs_neg_errno(xc_domain_getinfo_single(cs_xc(), domid, &di));

    if (rc)
        return rc;
    info->tot_pages = di.tot_pages;
    info->max_pages = di.max_pages;
    info->outstanding_pages = di.outstanding_pages;
    return 0;
}

int cs_claim_memory_raw(uint32_t domid, uint32_t nr, uint32_t pad, const struct cs_claim *claims)
{
    memory_claim_t copy[CS_MAX_NODES + 1];
    uint32_t n = nr < CS_MAX_NODES + 1 ? nr : CS_MAX_NODES + 1;

    if (pad)
        return -ENOSYS; /* the library always sends a zero pad */
    memset(copy, 0, sizeof(copy));
    for (uint32_t i = 0; claims && i < n; i++) {
        copy[i].pages = claims[i].pages;
        copy[i].target = claims[i].target;
        copy[i].pad = claims[i].pad;
    }
    return cs_neg_errno(xc_domain_claim_memory(cs_xc(), domid, nr, copy));
}

int cs_get_claims(uint32_t domid, uint32_t *nr, struct cs_claim *out)
{
    memory_claim_t got[CS_MAX_NODES + 1];
    uint32_t n = *nr < CS_MAX_NODES + 1 ? *nr : CS_MAX_NODES + 1;
    int rc = cs_neg_errno(xc_domain_get_claims(cs_xc(), domid, &n, got));

    *nr = n;
    for (uint32_t i = 0; !rc && i < n; i++)
        out[i] = (struct cs_claim){.pages = got[i].pages, .target = got[i].target};
    return rc;
}

int cs_node_pages(uint32_t domid, unsigned int nr, uint64_t *pages)
{
    unsigned int n = nr;

    return cs_neg_errno(claimset_domain_get_node_pages(cs_xc(), domid, &n, pages));
}

int cs_node_claimed(unsigned int node, uint64_t *pages)
{
    xc_numa_meminfo_t mi[CS_MAX_NODES];
    unsigned int n = CS_MAX_NODES;
    int rc = cs_neg_errno(xc_numa_meminfo(cs_xc(), &n, mi));

    if (!rc && node >= n)
        rc = -ENOENT;
    if (!rc)
        *pages = mi[node].claimed >> XC_PAGE_SHIFT;
    return rc;
}

int cs_page_offline(uint64_t mfn, uint32_t *status)
{
    (void)mfn;
    *status = 0;
    return -ENOSYS;
}

int cs_page_online(uint64_t mfn, uint32_t *status)
{
    (void)mfn;
    *status = 0;
    return -ENOSYS;
}

int cs_toolstack_probe(bool *claim_sets, int *probe_errno)
{
    *claim_sets = false;
    *probe_errno = 0;
    return -ENOSYS; /* no Xen backend here: the library is the simulator */
}

int cs_toolstack_claim(uint32_t domid, uint32_t nr, const struct cs_claim *claims)
{
    (void)domid;
    (void)nr;
    (void)claims;
    return -ENOSYS;
}
