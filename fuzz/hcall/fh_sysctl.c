/*
 * One do_sysctl() step: a raw struct xen_sysctl and fix-ups (version, a
 * known command, guest handles, sane arguments: a frame range on or just
 * past the host, a node count).  A fuzzed ctx->continuation plays a
 * resumed page-offline call.
 *
 * Checks: the information commands and queries change nothing; every
 * other error changes nothing either, except page offlining, which
 * documents that the frames before the failing one stay done: there, no
 * frame outside the ones it reached may change, and when the very first
 * frame fails (and no copy was made to fail) nothing may change.  A
 * completed offline leaves each frame of the range offlined or pending,
 * a completed online leaves each of them online.  Continuations move on.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <hv/heap.h>

#include "fh.h"

static const uint32_t cmds[] = {XEN_SYSCTL_physinfo, XEN_SYSCTL_page_offline_op,
                                XEN_SYSCTL_numainfo, XEN_SYSCTL_numa_meminfo};

static void fix_handles(struct fh_world *w, struct xen_sysctl *op)
{
    switch (op->cmd) {
    case XEN_SYSCTL_numainfo:
        op->u.numainfo.meminfo.p = fh_pick_ptr(w, op->u.numainfo.meminfo.p);
        op->u.numainfo.distance.p = fh_pick_ptr(w, op->u.numainfo.distance.p);
        break;
    case XEN_SYSCTL_numa_meminfo:
        op->u.numa_meminfo.info.p = fh_pick_ptr(w, op->u.numa_meminfo.info.p);
        break;
    case XEN_SYSCTL_page_offline_op:
        op->u.page_offline.status.p = fh_pick_ptr(w, op->u.page_offline.status.p);
        break;
    default:
        break;
    }
}

static void fix_args(struct fh_world *w, struct xen_sysctl *op)
{
    struct fz_input *in = &w->in;

    switch (op->cmd) {
    case XEN_SYSCTL_numainfo:
        op->u.numainfo.num_nodes = fz_u8(in) % 8;
        break;
    case XEN_SYSCTL_numa_meminfo:
        op->u.numa_meminfo.num_nodes = fz_u8(in) % 8;
        op->u.numa_meminfo.pad = 0;
        break;
    case XEN_SYSCTL_page_offline_op: {
        struct xen_sysctl_page_offline_op *po = &op->u.page_offline;
        uint8_t c = fz_u8(in), n;

        po->cmd = c % 4; /* 0: no such command */
        po->start = fz_u16(in) % (uint32_t)(w->h->nr_frames + 8);
        n = fz_u8(in);
        po->end = n == 0xFF ? po->start - 1 : po->start + n % 64;
        break;
    }
    default:
        break;
    }
}

static void decode(struct fh_world *w, struct xen_sysctl *op)
{
    uint8_t fix;

    fz_bytes(&w->in, op, sizeof(*op));
    fix = fz_u8(&w->in);
    if (fix & FH_SYSCTL_VERSION)
        op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    if (fix & FH_SYSCTL_CMD)
        op->cmd = cmds[op->cmd % ARRAY_LEN(cmds)];
    if (fix & FH_SYSCTL_HANDLES)
        fix_handles(w, op);
    if (fix & FH_SYSCTL_ARGS)
        fix_args(w, op);
}

/* Would the frame fail by the state before the call (offline_page() and
 * friends: past the host, frame 0, onlining a broken frame)? */
static bool frame_fails(const struct fh_world *w, uint32_t cmd, uint64_t mfn)
{
    if (mfn >= w->h->nr_frames)
        return true;
    if (mfn == 0)
        return cmd != sysctl_page_online;
    return cmd == sysctl_page_online && (w->before->offline[mfn] & OFFLINE_BROKEN);
}

/*
 * Page offlining after the call: frames [first, reached) may have
 * changed, no other.  ok: the whole range [first, reached) was done.
 */
static void check_page_offline(struct fh_world *w, const struct xen_sysctl_page_offline_op *po,
                               uint64_t first, uint64_t reached, bool ok)
{
    const struct fh_snap *a = w->before, *b;

    fh_snap_take(w->h, w->after);
    b = w->after;
    for (uint64_t m = 0; m < FH_MAX_FRAMES; m++) {
        bool inside = m >= first && m < reached;

        if (!inside && (a->owner[m] != b->owner[m] || a->offline[m] != b->offline[m]))
            fz_fail("page offline op %u on %" PRIu64 "..%u changed frame %" PRIu64
                    " outside the frames it reached",
                    po->cmd, first, po->end, m);
        if (!inside || !ok)
            continue;
        if (po->cmd == sysctl_page_offline &&
            !(b->offline[m] & (OFFLINE_OFFLINED | OFFLINE_PENDING)))
            fz_fail("frame %" PRIu64 " is neither offline nor pending after offlining", m);
        if (po->cmd == sysctl_page_online && b->offline[m])
            fz_fail("frame %" PRIu64 " is not online after onlining (flags %#x)", m, b->offline[m]);
    }
}

/* Did the call fail before its first frame, by what the harness knows? */
static bool stopped_before_frames(const struct fh_world *w, const struct xen_sysctl *op,
                                  unsigned long resume)
{
    const struct xen_sysctl_page_offline_op *po = &op->u.page_offline;
    uint64_t count = po->end >= po->start ? (uint64_t)po->end - po->start + 1 : 0;

    return w->arg_null || w->arg.reg == FH_REG_NONE || w->arg.reg == FH_REG_PREFIX ||
           w->ctx.fail_copy_at == 1 || w->ctx.caller != 0 ||
           op->interface_version != XEN_SYSCTL_INTERFACE_VERSION || po->cmd < 1 || po->cmd > 3 ||
           resume >= count;
}

static void check_result(struct fh_world *w, const struct xen_sysctl *op, unsigned long resume,
                         unsigned long resumed_to, long rc)
{
    const struct xen_sysctl_page_offline_op *po = &op->u.page_offline;
    uint64_t first = (uint64_t)po->start + resume, f;

    if (op->cmd != XEN_SYSCTL_page_offline_op || po->cmd == sysctl_query_page_offline) {
        fh_expect_unchanged(w, "an information sysctl", rc);
        return;
    }
    if (rc == -ERESTART) { /* abandoned: frames up to the continuation */
        check_page_offline(w, po, first, (uint64_t)po->start + resumed_to, true);
        return;
    }
    if (rc == 0) {
        check_page_offline(w, po, first, (uint64_t)po->end + 1, true);
        return;
    }
    if (stopped_before_frames(w, op, resume)) {
        fh_expect_unchanged(w, "a page offline op refused before any frame", rc);
        return;
    }
    for (f = first; f <= po->end && !frame_fails(w, po->cmd, f); f++)
        ;
    if (f == first && !w->ctx.fail_copy_at)
        fh_expect_unchanged(w, "a page offline op failing at its first frame", rc);
    else
        check_page_offline(w, po, first, MIN(f + 1, (uint64_t)po->end + 1), false);
}

/*
 * Call, re-issuing a preempted call (each continuation must move on), or
 * through hypercall_sysctl(), which starts a new operation and so ignores
 * a resume value (*resume becomes 0).  *done: the frames done when a
 * preempted call was abandoned.
 */
static long call(struct fh_world *w, const struct xen_sysctl *op, unsigned long *resume,
                 unsigned long *done)
{
    struct xen_sysctl *arg = w->arg_null ? NULL : (struct xen_sysctl *)w->arg.mem;
    long rc;

    *done = *resume;
    if (w->ctx_flags & FH_CTX_WRAPPER) {
        *resume = *done = 0;
        return hypercall_sysctl(&w->ctx, arg);
    }
    while ((rc = do_sysctl(&w->ctx, arg)) == -ERESTART) {
        if (w->ctx.continuation <= *done)
            fz_fail("sysctl %u continued from %lu with %lu", op->cmd, *done, w->ctx.continuation);
        *done = w->ctx.continuation;
        if (w->ctx_flags & FH_CTX_ABANDON)
            break;
    }
    return rc;
}

void fh_step_sysctl(struct fh_world *w, uint8_t place)
{
    unsigned long resume = w->ctx.continuation, done;
    struct xen_sysctl op;
    long rc;

    decode(w, &op);
    fh_arg_place(w, &op, sizeof(op), place);
    fh_register(w);
    fh_snap_take(w->h, w->before);
    rc = call(w, &op, &resume, &done);
    if (rc != -ERESTART && w->ctx.continuation)
        fz_fail("sysctl %u returned %ld leaving continuation %lu", op.cmd, rc, w->ctx.continuation);

    fh_check_invariants(w->h, "do_sysctl");
    fh_bufs_verify(w, "do_sysctl");
    /* A resume value only means something to page offlining; the range
     * starts there only when the call got as far as reading it. */
    check_result(w, &op, op.cmd == XEN_SYSCTL_page_offline_op ? resume : 0, done, rc);
}
