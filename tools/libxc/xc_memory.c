/*
 * Memory reservation (XENMEM_populate_physmap, increase_reservation,
 * decrease_reservation) and their _exact variants, which turn a partial
 * result into an error exactly as libxenctrl does: EBUSY for populate,
 * ENOMEM for increase, EINVAL for decrease.
 */
#include <limits.h>

#include "xc_private.h"

/*
 * One reservation op over nr_extents entries of extent_start.  The
 * extent list is registered writable with its exact size, as libxenctrl
 * bounces it both ways.  Returns the extents done, or -1 with errno.
 */
static int reservation_op(xc_interface *xch, unsigned int cmd, uint32_t domid,
                          unsigned long nr_extents, unsigned int extent_order,
                          unsigned int mem_flags, xen_pfn_t *extent_start, const char *what)
{
    struct xen_memory_reservation res;
    struct hcall_ctx ctx;
    size_t bytes;
    long rc;

    if (!xch || !xc_domid_fits(domid))
        return xc_fail(xch, EINVAL, what);
    /* The count must come back in an int, and the list must fit memory. */
    if (nr_extents > INT_MAX || !xc_array_bytes(nr_extents, sizeof(*extent_start), &bytes))
        return xc_fail(xch, EINVAL, what);

    res = (struct xen_memory_reservation){
        .nr_extents = nr_extents,
        .extent_order = extent_order,
        .mem_flags = mem_flags,
        .domid = (domid_t)domid,
    };
    set_xen_guest_handle(res.extent_start, extent_start);

    xc_call_init(xch, &ctx);
    if (xc_call_bounce(&ctx, extent_start, bytes, true))
        return xc_fail(xch, errno, what);
    rc = xc_memory_op(xch, &ctx, cmd, &res, sizeof(res), what);
    if (rc < 0)
        return -1;
    /* Never more than asked: that would be a hypervisor bug. */
    if ((unsigned long)rc > nr_extents)
        return xc_fail(xch, EIO, what);
    return (int)rc;
}

/* Turn a partial count into -1 with errno err. */
static int exact(xc_interface *xch, int done, unsigned long nr_extents, int err, const char *what)
{
    if (done < 0)
        return -1;
    if ((unsigned long)done == nr_extents)
        return 0;
    return xc_fail(xch, err, what);
}

int xc_domain_claim_pages(xc_interface *xch, uint32_t domid, unsigned long nr_pages)
{
    struct xen_memory_reservation res;
    struct hcall_ctx ctx;
    long rc;

    if (!xch || !xc_domid_fits(domid))
        return xc_fail(xch, EINVAL, "claim_pages");
    res = (struct xen_memory_reservation){
        .nr_extents = nr_pages,
        .extent_order = 0,
        .mem_flags = 0,
        .domid = (domid_t)domid,
    };
    set_xen_guest_handle(res.extent_start, NULL);
    xc_call_init(xch, &ctx);
    rc = xc_memory_op(xch, &ctx, XENMEM_claim_pages, &res, sizeof(res), "claim_pages");
    /* As libxenctrl: a hypervisor without claims is not an error. */
    if (rc < 0 && errno == ENOSYS) {
        errno = 0;
        return 0;
    }
    return rc < 0 ? -1 : 0;
}

int xc_domain_populate_physmap(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
                               unsigned int extent_order, unsigned int mem_flags,
                               xen_pfn_t *extent_start)
{
    return reservation_op(xch, XENMEM_populate_physmap, domid, nr_extents, extent_order, mem_flags,
                          extent_start, "populate_physmap");
}

int xc_domain_populate_physmap_exact(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
                                     unsigned int extent_order, unsigned int mem_flags,
                                     xen_pfn_t *extent_start)
{
    int done =
        xc_domain_populate_physmap(xch, domid, nr_extents, extent_order, mem_flags, extent_start);

    return exact(xch, done, nr_extents, EBUSY, "populate_physmap (partial)");
}

int xc_domain_increase_reservation(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
                                   unsigned int extent_order, unsigned int mem_flags,
                                   xen_pfn_t *extent_start)
{
    return reservation_op(xch, XENMEM_increase_reservation, domid, nr_extents, extent_order,
                          mem_flags, extent_start, "increase_reservation");
}

int xc_domain_increase_reservation_exact(xc_interface *xch, uint32_t domid,
                                         unsigned long nr_extents, unsigned int extent_order,
                                         unsigned int mem_flags, xen_pfn_t *extent_start)
{
    int done = xc_domain_increase_reservation(xch, domid, nr_extents, extent_order, mem_flags,
                                              extent_start);

    return exact(xch, done, nr_extents, ENOMEM, "increase_reservation (partial)");
}

int xc_domain_decrease_reservation(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
                                   unsigned int extent_order, xen_pfn_t *extent_start)
{
    if (!extent_start)
        return xc_fail(xch, EINVAL, "decrease_reservation");
    return reservation_op(xch, XENMEM_decrease_reservation, domid, nr_extents, extent_order, 0,
                          extent_start, "decrease_reservation");
}

int xc_domain_decrease_reservation_exact(xc_interface *xch, uint32_t domid,
                                         unsigned long nr_extents, unsigned int extent_order,
                                         xen_pfn_t *extent_start)
{
    int done = xc_domain_decrease_reservation(xch, domid, nr_extents, extent_order, extent_start);

    return exact(xch, done, nr_extents, EINVAL, "decrease_reservation (partial)");
}
