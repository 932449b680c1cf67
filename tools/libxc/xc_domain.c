/*
 * Domain control: create, destroy, pause, limits, information and node
 * affinity (XEN_DOMCTL_*).
 */
#include <string.h>

#include "xc_private.h"

/* A domctl that carries nothing but the domain. */
static int simple_domctl(xc_interface *xch, uint32_t cmd, uint32_t domid, const char *what)
{
    struct xen_domctl domctl;
    struct hcall_ctx ctx;

    if (!xch)
        return xc_fail(NULL, EINVAL, what);
    if (xc_domctl_init(&domctl, cmd, domid))
        return xc_fail(xch, errno, what);
    xc_call_init(xch, &ctx);
    return xc_domctl(xch, &ctx, &domctl, what);
}

int xc_domain_create(xc_interface *xch, uint32_t *pdomid, struct xen_domctl_createdomain *config)
{
    struct xen_domctl domctl;
    struct hcall_ctx ctx;

    if (!xch || !pdomid || !config)
        return xc_fail(xch, EINVAL, "createdomain");
    if (xc_domctl_init(&domctl, XEN_DOMCTL_createdomain, *pdomid))
        return xc_fail(xch, errno, "createdomain");
    domctl.u.createdomain = *config;
    xc_call_init(xch, &ctx);
    if (xc_domctl(xch, &ctx, &domctl, "createdomain"))
        return -1;
    *pdomid = domctl.domain;
    *config = domctl.u.createdomain;
    return 0;
}

int xc_domain_destroy(xc_interface *xch, uint32_t domid)
{
    return simple_domctl(xch, XEN_DOMCTL_destroydomain, domid, "destroydomain");
}

int xc_domain_pause(xc_interface *xch, uint32_t domid)
{
    return simple_domctl(xch, XEN_DOMCTL_pausedomain, domid, "pausedomain");
}

int xc_domain_unpause(xc_interface *xch, uint32_t domid)
{
    return simple_domctl(xch, XEN_DOMCTL_unpausedomain, domid, "unpausedomain");
}

int xc_unpause_domain(xc_interface *xch, uint32_t domid)
{
    return xc_domain_unpause(xch, domid);
}

int xc_domain_setmaxmem(xc_interface *xch, uint32_t domid, uint64_t max_memkb)
{
    struct xen_domctl domctl;
    struct hcall_ctx ctx;

    if (!xch)
        return xc_fail(NULL, EINVAL, "max_mem");
    if (xc_domctl_init(&domctl, XEN_DOMCTL_max_mem, domid))
        return xc_fail(xch, errno, "max_mem");
    domctl.u.max_mem.max_memkb = max_memkb;
    xc_call_init(xch, &ctx);
    return xc_domctl(xch, &ctx, &domctl, "max_mem");
}

int xc_domain_getinfo_single(xc_interface *xch, uint32_t domid, xc_domaininfo_t *info)
{
    struct xen_domctl domctl;
    struct hcall_ctx ctx;

    if (!xch)
        return xc_fail(NULL, EINVAL, "getdomaininfo");
    if (xc_domctl_init(&domctl, XEN_DOMCTL_getdomaininfo, domid))
        return xc_fail(xch, errno, "getdomaininfo");
    xc_call_init(xch, &ctx);
    if (xc_domctl(xch, &ctx, &domctl, "getdomaininfo"))
        return -1;
    if (info)
        *info = domctl.u.getdomaininfo;
    return 0;
}

/* set/getnodeaffinity: the nodemap is xc_get_nodemap_size() bytes. */
static int nodeaffinity(xc_interface *xch, uint32_t cmd, uint32_t domid, xc_nodemap_t nodemap,
                        bool out, const char *what)
{
    struct xen_domctl domctl;
    struct hcall_ctx ctx;
    int size;

    if (!xch || !nodemap)
        return xc_fail(xch, EINVAL, what);
    size = xc_get_nodemap_size(xch);
    if (size <= 0)
        return xc_fail(xch, errno, what);
    if (xc_domctl_init(&domctl, cmd, domid))
        return xc_fail(xch, errno, what);
    set_xen_guest_handle(domctl.u.nodeaffinity.nodemap.bitmap, nodemap);
    domctl.u.nodeaffinity.nodemap.nr_bits = (uint32_t)size * 8;
    xc_call_init(xch, &ctx);
    if (xc_call_bounce(&ctx, nodemap, (size_t)size, out))
        return xc_fail(xch, errno, what);
    return xc_domctl(xch, &ctx, &domctl, what);
}

int xc_domain_node_setaffinity(xc_interface *xch, uint32_t domid, xc_nodemap_t nodemap)
{
    return nodeaffinity(xch, XEN_DOMCTL_setnodeaffinity, domid, nodemap, false, "setnodeaffinity");
}

int xc_domain_node_getaffinity(xc_interface *xch, uint32_t domid, xc_nodemap_t nodemap)
{
    return nodeaffinity(xch, XEN_DOMCTL_getnodeaffinity, domid, nodemap, true, "getnodeaffinity");
}
