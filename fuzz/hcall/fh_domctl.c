/*
 * One do_domctl() step: a raw struct xen_domctl, then optional fix-ups
 * (the interface version, a known command, a live domain, the command's
 * guest handle, sane arguments) so that the fuzzer reaches every command
 * without having to guess them.  Checks: refused calls and read-only
 * commands change nothing; getdomaininfo reports the snapshot's values; a
 * created domain exists under the id copied back; no domctl is preempted.
 */
#include <errno.h>
#include <string.h>

#include <hv/claims.h>

#include "fh.h"

static const uint32_t cmds[] = {
    XEN_DOMCTL_createdomain,    XEN_DOMCTL_destroydomain,   XEN_DOMCTL_pausedomain,
    XEN_DOMCTL_unpausedomain,   XEN_DOMCTL_getdomaininfo,   XEN_DOMCTL_max_mem,
    XEN_DOMCTL_setnodeaffinity, XEN_DOMCTL_getnodeaffinity, XEN_DOMCTL_claim_memory,
    XEN_DOMCTL_get_claims,      XEN_DOMCTL_get_node_pages,
};

static bool read_only(uint32_t cmd)
{
    return cmd == XEN_DOMCTL_getdomaininfo || cmd == XEN_DOMCTL_getnodeaffinity ||
           cmd == XEN_DOMCTL_get_claims || cmd == XEN_DOMCTL_get_node_pages;
}

static void fix_handle(struct fh_world *w, struct xen_domctl *op)
{
    switch (op->cmd) {
    case XEN_DOMCTL_setnodeaffinity:
    case XEN_DOMCTL_getnodeaffinity:
        op->u.nodeaffinity.nodemap.bitmap.p = fh_pick_ptr(w, op->u.nodeaffinity.nodemap.bitmap.p);
        break;
    case XEN_DOMCTL_claim_memory:
        op->u.claim_memory.claims.p = fh_pick_ptr(w, op->u.claim_memory.claims.p);
        break;
    case XEN_DOMCTL_get_claims:
        op->u.get_claims.claims.p = fh_pick_ptr(w, op->u.get_claims.claims.p);
        break;
    case XEN_DOMCTL_get_node_pages:
        op->u.get_node_pages.pages.p = fh_pick_ptr(w, op->u.get_node_pages.pages.p);
        break;
    default:
        break;
    }
}

static void fix_args(struct fh_world *w, struct xen_domctl *op)
{
    struct fz_input *in = &w->in;

    switch (op->cmd) {
    case XEN_DOMCTL_createdomain:
        op->u.createdomain.max_vcpus = 1 + fz_u8(in) % 4;
        op->u.createdomain.flags = fz_u8(in);
        break;
    case XEN_DOMCTL_max_mem:
        op->u.max_mem.max_memkb = (uint64_t)fz_u16(in) * 4;
        break;
    case XEN_DOMCTL_setnodeaffinity:
    case XEN_DOMCTL_getnodeaffinity:
        op->u.nodeaffinity.nodemap.nr_bits = fz_u8(in);
        break;
    case XEN_DOMCTL_claim_memory:
        op->u.claim_memory.nr_claims = fz_u8(in) % (CLAIMS_MAX_ENTRIES + 4);
        op->u.claim_memory.pad = 0;
        break;
    case XEN_DOMCTL_get_claims:
        op->u.get_claims.nr_claims = fz_u8(in) % (CLAIMS_MAX_ENTRIES + 4);
        op->u.get_claims.pad = 0;
        break;
    case XEN_DOMCTL_get_node_pages:
        op->u.get_node_pages.nr_nodes = fz_u8(in) % 8;
        op->u.get_node_pages.pad = 0;
        break;
    default:
        break;
    }
}

static void decode(struct fh_world *w, struct xen_domctl *op)
{
    uint8_t fix;

    fz_bytes(&w->in, op, sizeof(*op));
    fix = fz_u8(&w->in);
    if (fix & FH_DOMCTL_VERSION)
        op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    if (fix & FH_DOMCTL_CMD)
        op->cmd = cmds[op->cmd % ARRAY_LEN(cmds)];
    if (fix & FH_DOMCTL_DOMAIN)
        op->domain = fh_pick_domid(w, fz_u8(&w->in));
    if (fix & FH_DOMCTL_HANDLE)
        fix_handle(w, op);
    if (fix & FH_DOMCTL_ARGS)
        fix_args(w, op);
}

/* Results a successful call copied back, where they can be checked. */
static void check_success(struct fh_world *w, const struct xen_domctl *op)
{
    const struct xen_domctl *out = (const struct xen_domctl *)w->arg.mem;
    const struct domain_info *d;

    if (w->arg_null || w->arg.reg != FH_REG_RW)
        return;
    if (op->cmd == XEN_DOMCTL_getdomaininfo) {
        const struct xen_domctl_getdomaininfo *gi = &out->u.getdomaininfo;

        d = fh_snap_dom(w->before, op->domain);
        if (!d || gi->domain != op->domain || gi->tot_pages != d->tot_pages ||
            gi->max_pages != d->max_pages || gi->outstanding_pages != d->outstanding_pages)
            fz_fail("getdomaininfo of %u does not match the domain's state", op->domain);
    } else if (op->cmd == XEN_DOMCTL_createdomain) {
        fh_snap_take(w->h, w->after);
        if (fh_snap_dom(w->before, out->domain) || !fh_snap_dom(w->after, out->domain))
            fz_fail("createdomain reported id %u, which is not a new domain", out->domain);
    }
}

void fh_step_domctl(struct fh_world *w, uint8_t place)
{
    struct xen_domctl op;
    long rc;

    decode(w, &op);
    fh_arg_place(w, &op, sizeof(op), place);
    fh_register(w);
    fh_snap_take(w->h, w->before);

    if (w->ctx_flags & FH_CTX_WRAPPER)
        rc = hypercall_domctl(&w->ctx, w->arg_null ? NULL : (struct xen_domctl *)w->arg.mem);
    else
        rc = do_domctl(&w->ctx, w->arg_null ? NULL : (struct xen_domctl *)w->arg.mem);

    fh_check_invariants(w->h, "do_domctl");
    fh_bufs_verify(w, "do_domctl");
    if (rc == -ERESTART)
        fz_fail("domctl %u was preempted; no domctl is preemptible", op.cmd);
    if (rc == -EFAULT && op.cmd == XEN_DOMCTL_createdomain && w->ctx.fail_copy_at)
        fh_expect_unchanged_but_scrub(w, "createdomain with a copy fault", rc);
    else if (rc < 0 || read_only(op.cmd))
        fh_expect_unchanged(w, "do_domctl", rc);
    if (rc == 0)
        check_success(w, &op);
}
