/*
 * System control: physinfo, NUMA layout (numainfo and the numa_meminfo
 * extension), node map helpers, and page offlining (XEN_SYSCTL_*).
 */
#include <stdint.h>
#include <stdlib.h>

#include "xc_private.h"

int xc_physinfo(xc_interface *xch, xc_physinfo_t *info)
{
    struct xen_sysctl sysctl;
    struct hcall_ctx ctx;

    if (!xch || !info)
        return xc_fail(xch, EINVAL, "physinfo");
    xc_sysctl_init(&sysctl, XEN_SYSCTL_physinfo);
    xc_call_init(xch, &ctx);
    if (xc_sysctl(xch, &ctx, &sysctl, "physinfo"))
        return -1;
    *info = sysctl.u.physinfo;
    return 0;
}

int xc_numainfo(xc_interface *xch, unsigned *max_nodes, xc_meminfo_t *meminfo, uint32_t *distance)
{
    struct xen_sysctl sysctl;
    struct hcall_ctx ctx;
    size_t mem_bytes = 0, dist_entries, dist_bytes = 0;
    int rc;

    if (!xch || !max_nodes)
        return xc_fail(xch, EINVAL, "numainfo");
    /* meminfo: *max_nodes entries; distance: *max_nodes squared. */
    if ((meminfo && !xc_array_bytes(*max_nodes, sizeof(*meminfo), &mem_bytes)) ||
        (distance && (!xc_array_bytes(*max_nodes, *max_nodes, &dist_entries) ||
                      !xc_array_bytes(dist_entries, sizeof(*distance), &dist_bytes))))
        return xc_fail(xch, EINVAL, "numainfo");

    xc_sysctl_init(&sysctl, XEN_SYSCTL_numainfo);
    sysctl.u.numainfo.num_nodes = *max_nodes;
    set_xen_guest_handle(sysctl.u.numainfo.meminfo, meminfo);
    set_xen_guest_handle(sysctl.u.numainfo.distance, distance);

    xc_call_init(xch, &ctx);
    if (xc_call_bounce(&ctx, meminfo, mem_bytes, true) ||
        xc_call_bounce(&ctx, distance, dist_bytes, true))
        return xc_fail(xch, errno, "numainfo");
    rc = xc_sysctl(xch, &ctx, &sysctl, "numainfo");
    if (rc == 0)
        *max_nodes = sysctl.u.numainfo.num_nodes;
    return rc;
}

int xc_numa_meminfo(xc_interface *xch, unsigned *nr_nodes, xc_numa_meminfo_t *info)
{
    struct xen_sysctl sysctl;
    struct hcall_ctx ctx;
    size_t bytes;
    int rc;

    /* The public entry must have the ABI entry's layout. */
    _Static_assert(sizeof(xc_numa_meminfo_t) == sizeof(xen_sysctl_numa_meminfo_entry_t),
                   "xc_numa_meminfo_t layout");
    if (!xch || !nr_nodes || !xc_array_bytes(*nr_nodes, sizeof(*info), &bytes))
        return xc_fail(xch, EINVAL, "numa_meminfo");
    xc_sysctl_init(&sysctl, XEN_SYSCTL_numa_meminfo);
    sysctl.u.numa_meminfo.num_nodes = *nr_nodes;
    set_xen_guest_handle(sysctl.u.numa_meminfo.info, (xen_sysctl_numa_meminfo_entry_t *)info);

    xc_call_init(xch, &ctx);
    if (xc_call_bounce(&ctx, info, bytes, true))
        return xc_fail(xch, errno, "numa_meminfo");
    rc = xc_sysctl(xch, &ctx, &sysctl, "numa_meminfo");
    if (rc == 0)
        *nr_nodes = sysctl.u.numa_meminfo.num_nodes;
    return rc;
}

int xc_get_max_nodes(xc_interface *xch)
{
    xc_physinfo_t info;
    int n;

    if (!xch)
        return xc_fail(NULL, EINVAL, "get_max_nodes");
    /* The topology never changes, so one physinfo per handle will do. */
    n = atomic_load_explicit(&xch->max_nodes, memory_order_relaxed);
    if (n > 0)
        return n;
    if (xc_physinfo(xch, &info))
        return -1;
    n = (int)info.max_node_id + 1;
    atomic_store_explicit(&xch->max_nodes, n, memory_order_relaxed);
    return n;
}

int xc_get_nodemap_size(xc_interface *xch)
{
    int n = xc_get_max_nodes(xch);

    return n < 0 ? -1 : (n + 7) / 8;
}

xc_nodemap_t xc_nodemap_alloc(xc_interface *xch)
{
    int size = xc_get_nodemap_size(xch);
    xc_nodemap_t map;

    if (size <= 0)
        return NULL;
    map = calloc(1, (size_t)size);
    if (!map)
        errno = ENOMEM;
    return map;
}

/*
 * One page offline op over frames start..end, status having one entry
 * per frame.  The ABI carries 32-bit frame numbers; libxenctrl would
 * truncate larger ones and act on other frames, so they are refused.
 */
static int page_offline_op(xc_interface *xch, uint32_t op, unsigned long start, unsigned long end,
                           uint32_t *status, const char *what)
{
    struct xen_sysctl sysctl;
    struct hcall_ctx ctx;
    size_t bytes;

    if (!xch || !status || end < start || end > UINT32_MAX ||
        !xc_array_bytes(end - start + 1, sizeof(*status), &bytes))
        return xc_fail(xch, EINVAL, what);
    xc_sysctl_init(&sysctl, XEN_SYSCTL_page_offline_op);
    sysctl.u.page_offline.cmd = op;
    sysctl.u.page_offline.start = (uint32_t)start;
    sysctl.u.page_offline.end = (uint32_t)end;
    set_xen_guest_handle(sysctl.u.page_offline.status, status);

    xc_call_init(xch, &ctx);
    if (xc_call_bounce(&ctx, status, bytes, true))
        return xc_fail(xch, errno, what);
    return xc_sysctl(xch, &ctx, &sysctl, what);
}

int xc_mark_page_offline(xc_interface *xch, unsigned long start, unsigned long end,
                         uint32_t *status)
{
    return page_offline_op(xch, sysctl_page_offline, start, end, status, "page_offline");
}

int xc_mark_page_online(xc_interface *xch, unsigned long start, unsigned long end, uint32_t *status)
{
    return page_offline_op(xch, sysctl_page_online, start, end, status, "page_online");
}

int xc_query_page_offline_status(xc_interface *xch, unsigned long start, unsigned long end,
                                 uint32_t *status)
{
    return page_offline_op(xch, sysctl_query_page_offline, start, end, status,
                           "query_page_offline");
}
