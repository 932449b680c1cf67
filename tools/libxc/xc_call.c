/*
 * The path of every call into the hypervisor: a context acting as the
 * handle's caller, the caller's buffers registered with their exact sizes
 * (libxenctrl's bounce buffers), the hypercall with its continuations,
 * statistics, and the -E to (-1, errno E) conversion.
 */
#include <string.h>

#include "xc_private.h"

int xc_fail(xc_interface *xch, int err, const char *what)
{
    if (xch && xch->logger)
        xtl_log(xch->logger, XTL_DEBUG, err, "xc", "%s failed", what);
    errno = err;
    return -1;
}

void xc_call_init(xc_interface *xch, struct hcall_ctx *ctx)
{
    hcall_ctx_init(ctx, xch->host->h, xch->caller);
    ctx->preempt_budget = atomic_load_explicit(&xch->preempt_budget, memory_order_relaxed);
}

int xc_call_bounce(struct hcall_ctx *ctx, const void *p, size_t len, bool writable)
{
    int rc;

    if (!p || !len)
        return 0;
    rc = hcall_ctx_add_region(ctx, p, len, writable);
    if (rc < 0) {
        errno = -rc;
        return -1;
    }
    return 0;
}

/* Fold the call's statistics into the handle and convert the result. */
static long finish(xc_interface *xch, struct hcall_ctx *ctx, long rc, const char *what)
{
    atomic_fetch_add_explicit(&xch->hypercalls, ctx->stats.hypercalls, memory_order_relaxed);
    atomic_fetch_add_explicit(&xch->continuations, ctx->stats.continuations, memory_order_relaxed);
    if (rc < 0)
        return xc_fail(xch, (int)-rc, what);
    return rc;
}

int xc_domctl(xc_interface *xch, struct hcall_ctx *ctx, struct xen_domctl *domctl, const char *what)
{
    long rc;

    if (xc_call_bounce(ctx, domctl, sizeof(*domctl), true))
        return xc_fail(xch, errno, what);
    rc = hypercall_domctl(ctx, domctl);
    return finish(xch, ctx, rc, what) < 0 ? -1 : 0;
}

int xc_sysctl(xc_interface *xch, struct hcall_ctx *ctx, struct xen_sysctl *sysctl, const char *what)
{
    long rc;

    if (xc_call_bounce(ctx, sysctl, sizeof(*sysctl), true))
        return xc_fail(xch, errno, what);
    rc = hypercall_sysctl(ctx, sysctl);
    return finish(xch, ctx, rc, what) < 0 ? -1 : 0;
}

long xc_memory_op(xc_interface *xch, struct hcall_ctx *ctx, unsigned int cmd, void *arg,
                  size_t arg_len, const char *what)
{
    long rc;

    if (xc_call_bounce(ctx, arg, arg_len, true))
        return xc_fail(xch, errno, what);
    rc = hypercall_memory_op(ctx, cmd, arg);
    return finish(xch, ctx, rc, what);
}

int xc_domctl_init(struct xen_domctl *domctl, uint32_t cmd, uint32_t domid)
{
    memset(domctl, 0, sizeof(*domctl));
    if (!xc_domid_fits(domid)) {
        errno = EINVAL;
        return -1;
    }
    domctl->cmd = cmd;
    domctl->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    domctl->domain = (domid_t)domid;
    return 0;
}

void xc_sysctl_init(struct xen_sysctl *sysctl, uint32_t cmd)
{
    memset(sysctl, 0, sizeof(*sysctl));
    sysctl->cmd = cmd;
    sysctl->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
}
