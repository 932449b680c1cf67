/*
 * do_domctl(): domain control for the control domain -- create, destroy,
 * pause, information, limits and node affinity.  The claim domctls are
 * in domctl_claims.c.
 *
 * Common path, in order: copy the domctl in (-EFAULT), interface version
 * (-EACCES), caller is the control domain (-EPERM), then -- for every
 * command but createdomain, unknown commands included, as Xen does --
 * the domain by exact id (-ESRCH), held referenced for the whole call.
 * Commands that Xen copies back (createdomain, getdomaininfo, and the
 * read-back extensions) copy the whole domctl back; a failed copy-back
 * turns the result into -EFAULT.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <hv/domain.h>

#include "hcall_private.h"

static long createdomain(struct hcall_ctx *ctx, struct xen_domctl *op, struct xen_domctl *u_domctl)
{
    const struct xen_domctl_createdomain *c = &op->u.createdomain;
    struct domain_config cfg = {
        .max_vcpus = c->max_vcpus,
        .flags = c->flags,
        .ssidref = c->ssidref,
    };
    domid_t domid = op->domain;
    int rc;

    /* Hardware-assisted paging only exists for HVM guests. */
    if ((c->flags & XEN_DOMCTL_CDF_hap) && !(c->flags & XEN_DOMCTL_CDF_hvm))
        return -EINVAL;
    /* The caller must learn the new id: refuse a domctl that cannot be
     * written back before creating anything (as Xen checks a guest
     * handle before using it).  Undoing a creation would not leave the
     * host as it was: the new domain's hypervisor frames go back dirty. */
    if (!guest_array_ok(ctx, u_domctl, 0, 1, sizeof(*u_domctl), true))
        return -EFAULT;
    memcpy(cfg.handle, c->handle, sizeof(cfg.handle));
    rc = domain_create(ctx->host, &domid, &cfg);
    if (rc)
        return rc;

    op->domain = domid;
    if (copy_to_guest(ctx, u_domctl, op, sizeof(*op))) {
        /* Only an injected fault gets here (the buffer was checked): the
         * caller cannot learn the id, so take the domain back. */
        domain_destroy(ctx->host, domid);
        return -EFAULT;
    }
    return 0;
}

static long destroydomain(struct hcall_ctx *ctx, struct domain *d)
{
    /* The caller cannot destroy itself. */
    if (d->domain_id == ctx->caller)
        return -EINVAL;
    return domain_destroy(ctx->host, d->domain_id);
}

static long pausedomain(struct hcall_ctx *ctx, struct domain *d)
{
    if (d->domain_id == ctx->caller)
        return -EINVAL;
    return domain_pause(d);
}

static long unpausedomain(struct domain *d)
{
    struct domain_info info;

    /* Xen counts controller pauses and refuses to go below zero; the
     * core keeps one flag, so unpausing a running domain is refused. */
    domain_get_info(d, &info);
    if (!info.paused)
        return -EINVAL;
    return domain_unpause(d);
}

static void getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *gi)
{
    struct domain_info info;

    domain_get_info(d, &info);
    memset(gi, 0, sizeof(*gi));
    gi->domain = info.domid;
    if (info.dying)
        gi->flags |= XEN_DOMINF_dying;
    if (info.create_flags & XEN_DOMCTL_CDF_hvm)
        gi->flags |= XEN_DOMINF_hvm_guest;
    /* Simulated vCPUs run whenever the domain is neither paused nor dying. */
    if (info.paused)
        gi->flags |= XEN_DOMINF_paused;
    else if (!info.dying)
        gi->flags |= XEN_DOMINF_running;
    gi->tot_pages = info.tot_pages;
    gi->max_pages = info.max_pages;
    gi->outstanding_pages = info.outstanding_pages;
    gi->nr_online_vcpus = info.max_vcpus;
    gi->max_vcpu_id = info.max_vcpus ? info.max_vcpus - 1 : 0;
    gi->ssidref = info.ssidref;
    memcpy(gi->handle, info.handle, sizeof(gi->handle));
    gi->gpaddr_bits = P2M_GFN_BITS + PAGE_SHIFT;
}

static long max_mem(struct domain *d, const struct xen_domctl_max_mem *mm)
{
    uint64_t pages = mm->max_memkb >> (PAGE_SHIFT - 10);

    /* Lowering below tot_pages is allowed: allocations stop until the
     * domain shrinks below the new limit. */
    return domain_set_max_pages(d, pages > ULONG_MAX ? ULONG_MAX : (unsigned long)pages);
}

/*
 * A node map from a guest bitmap (Xen's xenctl_bitmap_to_nodemask()):
 * only the bytes that hold node bits are read; bits at or past nr_bits
 * are ignored, and so are bytes past MAX_NUMNODES bits.
 */
static int bitmap_to_nodemask(struct hcall_ctx *ctx, const struct xenctl_bitmap *b,
                              nodemask_t *mask)
{
    uint8_t bytes[MAX_NUMNODES / 8] = {0};
    uint64_t guest_bytes = ((uint64_t)b->nr_bits + 7) / 8;
    size_t copy = (size_t)MIN(guest_bytes, (uint64_t)sizeof(bytes));

    if (copy) {
        if (copy_from_guest(ctx, bytes, b->bitmap.p, copy))
            return -EFAULT;
        if ((b->nr_bits & 7) && guest_bytes == copy)
            bytes[copy - 1] &= (uint8_t)((1U << (b->nr_bits & 7)) - 1);
    }
    *mask = 0;
    for (size_t i = 0; i < sizeof(bytes); i++)
        *mask |= (nodemask_t)bytes[i] << (8 * i);
    return 0;
}

/* The reverse (Xen's nodemask_to_xenctl_bitmap()): the node bytes that
 * fit, then zeros up to the caller's nr_bits. */
static int nodemask_to_bitmap(struct hcall_ctx *ctx, const struct xenctl_bitmap *b, nodemask_t mask)
{
    uint8_t bytes[MAX_NUMNODES / 8];
    uint64_t guest_bytes = ((uint64_t)b->nr_bits + 7) / 8;
    size_t copy = (size_t)MIN(guest_bytes, (uint64_t)sizeof(bytes));

    for (size_t i = 0; i < sizeof(bytes); i++)
        bytes[i] = (uint8_t)(mask >> (8 * i));
    if (copy && copy_to_guest(ctx, b->bitmap.p, bytes, copy))
        return -EFAULT;
    if (guest_bytes > copy && clear_guest_array(ctx, b->bitmap.p, copy, guest_bytes - copy, 1))
        return -EFAULT;
    return 0;
}

static long setnodeaffinity(struct hcall_ctx *ctx, struct domain *d,
                            const struct xen_domctl_nodeaffinity *na)
{
    nodemask_t mask;
    int rc = bitmap_to_nodemask(ctx, &na->nodemap, &mask);

    /* -EINVAL from the core when no online node is in the map. */
    return rc ? rc : domain_set_node_affinity(d, mask);
}

long do_domctl(struct hcall_ctx *ctx, struct xen_domctl *u_domctl)
{
    struct xen_domctl op;
    struct domain *d = NULL;
    bool copyback = false;
    long rc;

    hcall_enter(ctx);
    ctx->continuation = 0;
    if (copy_from_guest(ctx, &op, u_domctl, sizeof(op)))
        return hcall_leave(ctx, -EFAULT);
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return hcall_leave(ctx, -EACCES);
    if (!hcall_is_control(ctx))
        return hcall_leave(ctx, -EPERM);
    if (op.cmd != XEN_DOMCTL_createdomain) {
        d = domain_get(ctx->host, op.domain);
        if (!d)
            return hcall_leave(ctx, -ESRCH);
    }

    switch (op.cmd) {
    case XEN_DOMCTL_createdomain:
        rc = createdomain(ctx, &op, u_domctl);
        break;
    case XEN_DOMCTL_destroydomain:
        rc = destroydomain(ctx, d);
        break;
    case XEN_DOMCTL_pausedomain:
        rc = pausedomain(ctx, d);
        break;
    case XEN_DOMCTL_unpausedomain:
        rc = unpausedomain(d);
        break;
    case XEN_DOMCTL_getdomaininfo:
        getdomaininfo(d, &op.u.getdomaininfo);
        op.domain = op.u.getdomaininfo.domain;
        copyback = true;
        rc = 0;
        break;
    case XEN_DOMCTL_max_mem:
        rc = max_mem(d, &op.u.max_mem);
        break;
    case XEN_DOMCTL_setnodeaffinity:
        rc = setnodeaffinity(ctx, d, &op.u.nodeaffinity);
        break;
    case XEN_DOMCTL_getnodeaffinity:
        rc = nodemask_to_bitmap(ctx, &op.u.nodeaffinity.nodemap, domain_get_node_affinity(d));
        break;
    case XEN_DOMCTL_claim_memory:
        rc = domctl_claim_memory(ctx, d, &op.u.claim_memory);
        break;
    case XEN_DOMCTL_get_claims:
        rc = domctl_get_claims(ctx, d, &op.u.get_claims, &copyback);
        break;
    case XEN_DOMCTL_get_node_pages:
        rc = domctl_get_node_pages(ctx, d, &op.u.get_node_pages, &copyback);
        break;
    default:
        rc = -ENOSYS;
        break;
    }

    domain_put(d);
    if (copyback && copy_to_guest(ctx, u_domctl, &op, sizeof(op)))
        rc = -EFAULT;
    return hcall_leave(ctx, rc);
}

long hypercall_domctl(struct hcall_ctx *ctx, struct xen_domctl *u_domctl)
{
    long rc;

    /* No domctl is preemptible today; the loop keeps the contract. */
    while ((rc = do_domctl(ctx, u_domctl)) == -ERESTART)
        ;
    return rc;
}
