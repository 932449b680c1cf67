/*
 * The part of backend.h that both backends implement with the same
 * libxenctrl calls: domains, the legacy claim, population and the host's
 * and nodes' free memory.  Linked into the Xen backend (Xen's libxenctrl)
 * and the simulator backend (this project's library).
 */
#include <errno.h>
#include <stdlib.h>

#include "backend_xc.h"

#include "backend.h"

static xc_interface *xch;

int cs_xc_open(void)
{
    xch = xc_interface_open(NULL, NULL, 0);
    return xch ? 0 : -errno;
}

void cs_xc_close(void)
{
    xc_interface_close(xch);
    xch = NULL;
}

xc_interface *cs_xc(void)
{
    return xch;
}

int cs_neg_errno(long rc)
{
    return rc < 0 ? (errno ? -errno : -EIO) : (int)rc;
}

int cs_domain_new(uint32_t *domid, uint64_t max_pages)
{
    struct xen_domctl_createdomain cfg = {
        .flags = 0, /* PV: TCG has no hardware virtualisation */
        .max_vcpus = 1,
        .max_evtchn_port = 1023,
        .max_grant_frames = -1,
        .max_maptrack_frames = -1,
#ifdef XEN_DOMCTL_GRANT_version
        /* Xen's headers name the grant table version a PV guest needs;
         * the project's have no grant tables. */
        .grant_opts = XEN_DOMCTL_GRANT_version(1),
#endif
    };
    int rc;

    *domid = 0;
    rc = cs_neg_errno(xc_domain_create(xch, domid, &cfg));
    if (rc)
        return rc;
    rc = cs_setmaxmem(*domid, max_pages);
    if (rc)
        xc_domain_destroy(xch, *domid);
    return rc;
}

int cs_domain_destroy(uint32_t domid)
{
    return cs_neg_errno(xc_domain_destroy(xch, domid));
}

int cs_setmaxmem(uint32_t domid, uint64_t max_pages)
{
    return cs_neg_errno(xc_domain_setmaxmem(xch, domid, max_pages * 4));
}

int cs_claim_memory(uint32_t domid, uint32_t nr, const struct cs_claim *claims)
{
    return cs_claim_memory_raw(domid, nr, 0, claims);
}

int cs_claim_pages(uint32_t domid, uint64_t pages)
{
    return cs_neg_errno(xc_domain_claim_pages(xch, domid, pages));
}

long cs_populate(uint32_t domid, int node, bool exact, unsigned int order, unsigned long nr,
                 uint64_t gfn, uint64_t *frames)
{
    xen_pfn_t *ext = calloc(nr ? nr : 1, sizeof(*ext));
    bool mfns = cs_populate_gives_mfns();
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
        rc = cs_neg_errno(rc);
    for (long i = 0; frames && i < rc; i++)
        frames[i] = mfns ? ext[i] : gfn + ((uint64_t)i << order);
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
    rc = cs_neg_errno(xc_domain_decrease_reservation_exact(xch, domid, nr, order, ext));
    free(ext);
    return rc;
}

int cs_host(uint64_t *free_pages, uint64_t *outstanding)
{
    xc_physinfo_t pi;
    int rc = cs_neg_errno(xc_physinfo(xch, &pi));

    if (rc)
        return rc;
    *free_pages = pi.free_pages;
    *outstanding = pi.outstanding_pages;
    return 0;
}

int cs_nr_nodes(void)
{
    xc_physinfo_t pi;
    int rc = cs_neg_errno(xc_physinfo(xch, &pi));

    return rc ? rc : (int)pi.nr_nodes;
}

int cs_node_free(unsigned int node, uint64_t *free_pages)
{
    xc_meminfo_t mi[CS_MAX_NODES];
    unsigned int max = CS_MAX_NODES;
    int rc = cs_neg_errno(xc_numainfo(xch, &max, mi, NULL));

    if (rc)
        return rc;
    if (node >= max)
        return -ENOENT;
    *free_pages = mi[node].memfree >> XC_PAGE_SHIFT;
    return 0;
}

uint64_t cs_frame_mfn(uint64_t frame)
{
    return frame;
}
