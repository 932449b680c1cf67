/*
 * The tests' backend on a real Xen host: libxenctrl (Xen 4.17's, as
 * packaged by Debian) for what it has, raw domctls and sysctls through
 * libxencall for the claim-set commands it lacks
 * (XEN_DOMCTL_claim_memory, the read-back extensions) and for page
 * offlining (libxenguest's wrapper would drag in the whole domain
 * builder).  The calls that are the same on the simulator are in
 * backend_xc.c.
 */
#define __XEN_TOOLS__ 1
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xencall.h>
#include <xenctrl.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>

#include "backend.h"
#include "backend_xc.h"

/* Command numbers and layouts of the claim-set domctls (the hypervisor's
 * public claimsctl.h); the 4.17 headers installed here predate them. */
#define DOMCTL_claim_memory   91
#define DOMCTL_get_claims     0x8001
#define DOMCTL_get_node_pages 0x8002
struct claims_arg {
    uint64_t buf; /* guest handle */
    uint32_t nr;
    uint32_t pad;
};

static xencall_handle *xcall;

const char *cs_backend(void)
{
    return "xen";
}

bool cs_can_offline(void)
{
    return true;
}

bool cs_populate_gives_mfns(void)
{
    return true; /* a PV guest gets the machine frames written back */
}

int cs_open(void)
{
    int rc = cs_xc_open();

    if (rc)
        return rc;
    xcall = xencall_open(NULL, 0);
    return xcall ? 0 : -errno;
}

void cs_close(void)
{
    xencall_close(xcall);
    cs_xc_close();
}

int cs_dominfo(uint32_t domid, struct cs_dominfo *info)
{
    xc_domaininfo_t di;
    int n = xc_domain_getinfolist(cs_xc(), domid, 1, &di);

    if (n != 1 || di.domain != domid)
        return n < 0 ? cs_neg_errno(n) : -ESRCH;
    info->tot_pages = di.tot_pages;
    info->max_pages = di.max_pages;
    info->outstanding_pages = di.outstanding_pages;
    return 0;
}

/* One domctl through libxencall, with a bounce buffer of len bytes
 * copied in from and back to data. */
static int raw_domctl(uint32_t cmd, uint32_t domid, struct claims_arg *arg, void *data, size_t len)
{
    struct xen_domctl *dc = xencall_alloc_buffer(xcall, sizeof(*dc));
    void *bounce = len ? xencall_alloc_buffer(xcall, len) : NULL;
    int rc;

    if (!dc || (len && !bounce))
        return -ENOMEM;
    memset(dc, 0, sizeof(*dc));
    dc->cmd = cmd;
    dc->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc->domain = (domid_t)domid;
    if (len)
        memcpy(bounce, data, len);
    arg->buf = (uint64_t)(uintptr_t)bounce;
    memcpy(&dc->u, arg, sizeof(*arg));
    rc = cs_neg_errno(xencall1(xcall, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)dc));
    memcpy(arg, &dc->u, sizeof(*arg));
    if (len)
        memcpy(data, bounce, len);
    xencall_free_buffer(xcall, dc);
    if (bounce)
        xencall_free_buffer(xcall, bounce);
    return rc;
}

int cs_claim_memory_raw(uint32_t domid, uint32_t nr, uint32_t pad, const struct cs_claim *claims)
{
    struct claims_arg arg = {.nr = nr, .pad = pad};
    struct cs_claim copy[CS_MAX_NODES + 1];
    size_t n = nr < CS_MAX_NODES + 1 ? nr : CS_MAX_NODES + 1;

    if (claims)
        memcpy(copy, claims, n * sizeof(*copy));
    return raw_domctl(DOMCTL_claim_memory, domid, &arg, copy, claims ? n * sizeof(*copy) : 0);
}

int cs_get_claims(uint32_t domid, uint32_t *nr, struct cs_claim *out)
{
    struct claims_arg arg = {.nr = *nr};
    int rc = raw_domctl(DOMCTL_get_claims, domid, &arg, out, *nr * sizeof(*out));

    *nr = arg.nr;
    return rc;
}

int cs_node_pages(uint32_t domid, unsigned int nr, uint64_t *pages)
{
    struct claims_arg arg = {.nr = nr};

    return raw_domctl(DOMCTL_get_node_pages, domid, &arg, pages, nr * sizeof(*pages));
}

/* The sysctl read-back (the hypervisor's public claimsysctl.h). */
#define SYSCTL_numa_meminfo 0x8001
struct numa_meminfo_entry {
    uint64_t size, free, claimed;
};
struct numa_meminfo_arg {
    uint32_t num_nodes;
    uint32_t pad;
    uint64_t info; /* guest handle */
};

int cs_node_claimed(unsigned int node, uint64_t *pages)
{
    struct xen_sysctl *sc = xencall_alloc_buffer(xcall, sizeof(*sc));
    struct numa_meminfo_entry *e = xencall_alloc_buffer(xcall, CS_MAX_NODES * sizeof(*e));
    struct numa_meminfo_arg arg = {.num_nodes = CS_MAX_NODES};
    int rc;

    if (!sc || !e)
        return -ENOMEM;
    memset(sc, 0, sizeof(*sc));
    sc->cmd = SYSCTL_numa_meminfo;
    sc->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    arg.info = (uint64_t)(uintptr_t)e;
    memcpy(&sc->u, &arg, sizeof(arg));
    rc = cs_neg_errno(xencall1(xcall, __HYPERVISOR_sysctl, (uint64_t)(uintptr_t)sc));
    memcpy(&arg, &sc->u, sizeof(arg));
    if (!rc && node >= arg.num_nodes)
        rc = -ENOENT;
    if (!rc)
        *pages = e[node].claimed >> XC_PAGE_SHIFT;
    xencall_free_buffer(xcall, e);
    xencall_free_buffer(xcall, sc);
    return rc;
}

static int page_offline_op(uint32_t cmd, uint64_t mfn, uint32_t *status)
{
    struct xen_sysctl *sc = xencall_alloc_buffer(xcall, sizeof(*sc));
    uint32_t *st = xencall_alloc_buffer(xcall, sizeof(*st));
    int rc;

    if (!sc || !st)
        return -ENOMEM;
    memset(sc, 0, sizeof(*sc));
    *st = 0;
    sc->cmd = XEN_SYSCTL_page_offline_op;
    sc->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    sc->u.page_offline.cmd = cmd;
    sc->u.page_offline.start = (uint32_t)mfn;
    sc->u.page_offline.end = (uint32_t)mfn;
    sc->u.page_offline.status.p = st; /* xenctrl.h redefines set_xen_guest_handle */
    rc = cs_neg_errno(xencall1(xcall, __HYPERVISOR_sysctl, (uint64_t)(uintptr_t)sc));
    *status = *st;
    xencall_free_buffer(xcall, st);
    xencall_free_buffer(xcall, sc);
    return rc;
}

int cs_page_offline(uint64_t mfn, uint32_t *status)
{
    return page_offline_op(sysctl_page_offline, mfn, status);
}

int cs_page_online(uint64_t mfn, uint32_t *status)
{
    return page_offline_op(sysctl_page_online, mfn, status);
}
