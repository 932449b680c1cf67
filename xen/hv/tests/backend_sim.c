/*
 * The tests' backend on this project's simulator: the library's
 * libxenctrl-compatible API over the in-process hypervisor, which runs
 * the same claims engine as the claim-set Xen.  The host is two nodes of
 * 2 GiB unless CLAIMSET_TOPOLOGY says otherwise.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <claimset/claimset.h>
#include <xenctrl.h>

#include "backend.h"

static xc_interface *xch;

const char *cs_backend(void)
{
    return "sim";
}

bool cs_can_offline(void)
{
    return false; /* the simulator's guests see no machine frames */
}

static int neg_errno(long rc)
{
    return rc < 0 ? (errno ? -errno : -EIO) : (int)rc;
}

int cs_open(void)
{
    setenv("CLAIMSET_TOPOLOGY", "2GiB,2GiB", 0);
    xch = xc_interface_open(NULL, NULL, 0);
    return xch ? 0 : -errno;
}

void cs_close(void)
{
    xc_interface_close(xch);
}

int cs_domain_new(uint32_t *domid, uint64_t max_pages)
{
    struct xen_domctl_createdomain cfg = {
        .max_vcpus = 1,
        .max_evtchn_port = 1023,
        .max_grant_frames = -1,
        .max_maptrack_frames = -1,
    };
    int rc;

    *domid = 0;
    rc = neg_errno(xc_domain_create(xch, domid, &cfg));
    if (rc)
        return rc;
    rc = cs_setmaxmem(*domid, max_pages);
    if (rc)
        xc_domain_destroy(xch, *domid);
    return rc;
}

int cs_domain_destroy(uint32_t domid)
{
    return neg_errno(xc_domain_destroy(xch, domid));
}

int cs_setmaxmem(uint32_t domid, uint64_t max_pages)
{
    return neg_errno(xc_domain_setmaxmem(xch, domid, max_pages * 4));
}

int cs_dominfo(uint32_t domid, struct cs_dominfo *info)
{
    xc_domaininfo_t di;
    int rc = neg_errno(xc_domain_getinfo_single(xch, domid, &di));

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
    return neg_errno(xc_domain_claim_memory(xch, domid, nr, copy));
}

int cs_claim_memory(uint32_t domid, uint32_t nr, const struct cs_claim *claims)
{
    return cs_claim_memory_raw(domid, nr, 0, claims);
}

int cs_claim_pages(uint32_t domid, uint64_t pages)
{
    return neg_errno(xc_domain_claim_pages(xch, domid, pages));
}

int cs_get_claims(uint32_t domid, uint32_t *nr, struct cs_claim *out)
{
    memory_claim_t got[CS_MAX_NODES + 1];
    uint32_t n = *nr < CS_MAX_NODES + 1 ? *nr : CS_MAX_NODES + 1;
    int rc = neg_errno(xc_domain_get_claims(xch, domid, &n, got));

    *nr = n;
    for (uint32_t i = 0; !rc && i < n; i++)
        out[i] = (struct cs_claim){.pages = got[i].pages, .target = got[i].target};
    return rc;
}

long cs_populate(uint32_t domid, int node, bool exact, unsigned int order, unsigned long nr,
                 uint64_t gfn, uint64_t *frames)
{
    xen_pfn_t *ext = calloc(nr ? nr : 1, sizeof(*ext));
    unsigned int flags = 0;
    long rc;

    if (!ext)
        return -ENOMEM;
    for (unsigned long i = 0; i < nr; i++)
        ext[i] = gfn + (i << order);
    if (node >= 0)
        flags = exact ? XENMEMF_exact_node(node) : XENMEMF_node(node);
    rc = xc_domain_populate_physmap(xch, domid, nr, order, flags, ext);
    if (rc < 0)
        rc = neg_errno(rc);
    /* The simulator's guests are translated: give back by guest frame. */
    for (long i = 0; frames && i < rc; i++)
        frames[i] = gfn + ((uint64_t)i << order);
    free(ext);
    return rc;
}

int cs_decrease(uint32_t domid, unsigned int order, unsigned long nr, const uint64_t *frames)
{
    xen_pfn_t *ext = calloc(nr ? nr : 1, sizeof(*ext));
    int rc;

    if (!ext)
        return -ENOMEM;
    for (unsigned long i = 0; i < nr; i++)
        ext[i] = frames[i];
    rc = neg_errno(xc_domain_decrease_reservation_exact(xch, domid, nr, order, ext));
    free(ext);
    return rc;
}

int cs_host(uint64_t *free_pages, uint64_t *outstanding)
{
    xc_physinfo_t pi;
    int rc = neg_errno(xc_physinfo(xch, &pi));

    if (rc)
        return rc;
    *free_pages = pi.free_pages;
    *outstanding = pi.outstanding_pages;
    return 0;
}

int cs_nr_nodes(void)
{
    xc_physinfo_t pi;
    int rc = neg_errno(xc_physinfo(xch, &pi));

    return rc ? rc : (int)pi.nr_nodes;
}

int cs_node_free(unsigned int node, uint64_t *free_pages)
{
    xc_meminfo_t mi[CS_MAX_NODES];
    unsigned int max = CS_MAX_NODES;
    int rc = neg_errno(xc_numainfo(xch, &max, mi, NULL));

    if (rc)
        return rc;
    if (node >= max)
        return -ENOENT;
    *free_pages = mi[node].memfree >> XC_PAGE_SHIFT;
    return 0;
}

int cs_node_pages(uint32_t domid, unsigned int nr, uint64_t *pages)
{
    unsigned int n = nr;

    return neg_errno(claimset_domain_get_node_pages(xch, domid, &n, pages));
}

int cs_node_claimed(unsigned int node, uint64_t *pages)
{
    xc_numa_meminfo_t mi[CS_MAX_NODES];
    unsigned int n = CS_MAX_NODES;
    int rc = neg_errno(xc_numa_meminfo(xch, &n, mi));

    if (!rc && node >= n)
        rc = -ENOENT;
    if (!rc)
        *pages = mi[node].claimed >> XC_PAGE_SHIFT;
    return rc;
}

uint64_t cs_frame_mfn(uint64_t frame)
{
    return frame;
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
