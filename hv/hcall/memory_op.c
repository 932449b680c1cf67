/*
 * do_memory_op(): the reservation operations (populate_physmap,
 * increase_reservation, decrease_reservation) and the legacy claim
 * (XENMEM_claim_pages).
 *
 * The reservation operations follow Xen's shape: checks that fail before
 * any work return the start index ("no extent done") rather than an
 * error, work goes extent by extent and stops at the first failure,
 * and the result is the number of extents done.  Between extents the
 * operation may be preempted; the continuation re-encodes the next
 * extent index above MEMOP_EXTENT_SHIFT in the command.  Errors are
 * returned only by a first call (start index 0): a continuation always
 * answers with the number of extents done, so partial progress is never
 * hidden behind an error code.  Where this
 * layer returns an error where Xen returns the start index, the
 * project's specification asked for it; docs/hypercalls.md lists each
 * such case.
 */
#include <errno.h>
#include <limits.h>

#include <hv/claims.h>
#include <hv/domain.h>
#include <hv/heap.h>

#include "hcall_private.h"

/* mem_flags bits this ABI defines (0-18); anything above is refused. */
#define XENMEMF_known_mask ((1U << 19) - 1)

/* Frames scrubbed by a build-time populate that count as one unit of
 * preemption work. */
#define SCRUB_UNIT_PAGES 512

/* What one reservation operation works on (Xen's struct memop_args). */
struct memop_args {
    struct domain *d;
    xen_pfn_t *extent_list; /* guest array, one gfn per extent */
    unsigned long nr_extents, nr_done;
    unsigned int extent_order;
    unsigned int memflags; /* MEMF_* for the allocator */
    bool preempted;
};

/* Address width that needs no restriction on this host, in bits. */
static unsigned int host_address_bits(const struct host *h)
{
    return fls64(h->nr_frames - 1) + PAGE_SHIFT;
}

/*
 * Translate mem_flags into allocator flags (Xen's
 * construct_memop_from_reservation() and propagate_node()).  Returns 0,
 * 1 when the operation must do nothing (an address width that no frame
 * satisfies), or -errno.
 */
static int memop_flags(const struct hcall_ctx *ctx, unsigned int xmf, unsigned int *memflags)
{
    unsigned int bits = XENMEMF_get_address_bits(xmf);
    unsigned int node = XENMEMF_get_node(xmf);

    *memflags = 0;
    if (xmf & ~XENMEMF_known_mask)
        return -EINVAL;
    if (bits && bits < host_address_bits(ctx->host)) {
        if (bits <= PAGE_SHIFT)
            return 1;
        *memflags = MEMF_bits(bits);
    }
    if (xmf & XENMEMF_vnode)
        return -EOPNOTSUPP; /* no virtual NUMA topology */
    if (node != NUMA_NO_NODE) {
        if (hcall_is_control(ctx)) {
            if (node >= MAX_NUMNODES)
                return -EINVAL;
            *memflags |= MEMF_node(node);
            if (xmf & XENMEMF_exact_node_request)
                *memflags |= MEMF_exact_node;
        } else if (xmf & XENMEMF_exact_node_request) {
            /* A guest may not pin its memory to a host node. */
            return -EINVAL;
        }
        /* A guest's node hint is ignored: its affinity decides. */
    }
    if (xmf & XENMEMF_populate_on_demand)
        return -EOPNOTSUPP;
    return 0;
}

/*
 * The extent loop shared by the three operations.  Stops at the first
 * extent that cannot be read or done; a preemption between extents sets
 * a->preempted with a->nr_done the next extent to do.
 */
static void reservation_loop(struct hcall_ctx *ctx, unsigned int op, struct memop_args *a)
{
    unsigned long scrub_carry = 0;

    for (unsigned long i = a->nr_done; i < a->nr_extents; i++) {
        unsigned long scrubbed = 0, units = 1;
        xen_pfn_t gpfn;
        int rc;

        if (copy_from_guest_offset(ctx, &gpfn, a->extent_list, i, sizeof(gpfn)))
            break;
        if (op == XENMEM_decrease_reservation)
            rc = domain_decrease_extent(a->d, gpfn, a->extent_order);
        else
            rc = domain_populate_extent(a->d, gpfn, a->extent_order, a->memflags, &scrubbed);
        if (rc)
            break;
        a->nr_done = i + 1;

        /* Scrubbing a dirty extent is work too: one unit per 512 frames. */
        scrub_carry += scrubbed;
        units += scrub_carry / SCRUB_UNIT_PAGES;
        scrub_carry %= SCRUB_UNIT_PAGES;
        if (a->nr_done < a->nr_extents && hypercall_preempt_check(ctx, units)) {
            a->preempted = true;
            break;
        }
    }
}

static long reservation_op(struct hcall_ctx *ctx, unsigned int op, unsigned long start, void *arg)
{
    struct xen_memory_reservation r;
    struct memop_args a = {0};
    unsigned int max_order;
    int rc;

    /* A continuation (start > 0) reports the extents already done even
     * when its argument can no longer be read. */
    if (copy_from_guest(ctx, &r, arg, sizeof(r)))
        return start ? (long)start : -EFAULT;
    /* The next extent index must fit in a continuation. */
    if (r.nr_extents > (ULONG_MAX >> MEMOP_EXTENT_SHIFT))
        return (long)start;
    if (start >= r.nr_extents)
        return (long)start;

    a.d = hcall_get_domain_any(ctx, r.domid);
    if (!a.d)
        return (long)start;
    rc = memop_flags(ctx, r.mem_flags, &a.memflags);
    if (rc)
        goto out;
    /* A guest may change only its own reservation. */
    if (!hcall_is_control(ctx) && a.d->domain_id != ctx->caller) {
        rc = -EPERM;
        goto out;
    }

    a.extent_list = r.extent_start.p;
    a.nr_extents = r.nr_extents;
    a.nr_done = start;
    a.extent_order = r.extent_order;
    max_order = hcall_is_control(ctx) ? MAX_ORDER : HCALL_GUEST_MAX_ORDER;
    /* Nothing done: too large an extent, no extent list (increase with
     * NULL would allocate frames outside the physmap, which this model
     * does not keep), or a list the caller cannot fully provide. */
    if (a.extent_order > max_order || !a.extent_list ||
        !guest_array_ok(ctx, a.extent_list, start, a.nr_extents - start, sizeof(xen_pfn_t),
                        false)) {
        rc = 1;
        goto out;
    }
    reservation_loop(ctx, op, &a);

out:
    domain_put(a.d);
    if (rc < 0 && !start)
        return rc;
    if (rc)
        return (long)start;
    if (a.preempted) {
        ctx->continuation = op | (a.nr_done << MEMOP_EXTENT_SHIFT);
        return -ERESTART;
    }
    return (long)a.nr_done;
}

/* XENMEM_claim_pages: the legacy claim, with Xen's checks in Xen's order. */
static long claim_pages_op(struct hcall_ctx *ctx, unsigned long start, void *arg)
{
    struct xen_memory_reservation r;
    struct domain *d;
    long rc;

    if (start)
        return -EINVAL;
    if (copy_from_guest(ctx, &r, arg, sizeof(r)))
        return -EFAULT;
    if (!guest_handle_is_null(r.extent_start) || r.extent_order || r.mem_flags)
        return -EINVAL;
    /* By id only: DOMID_SELF and other reserved ids name no domain. */
    d = domain_get(ctx->host, r.domid);
    if (!d)
        return -EINVAL;
    if (!hcall_is_control(ctx))
        rc = -EPERM;
    else
        rc = domain_set_outstanding_pages(d, r.nr_extents);
    domain_put(d);
    return rc;
}

long do_memory_op(struct hcall_ctx *ctx, unsigned long cmd, void *arg)
{
    unsigned int op = (unsigned int)(cmd & MEMOP_CMD_MASK);
    unsigned long start = cmd >> MEMOP_EXTENT_SHIFT;
    long rc;

    hcall_enter(ctx);
    ctx->continuation = 0;
    switch (op) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        rc = reservation_op(ctx, op, start, arg);
        break;
    case XENMEM_claim_pages:
        rc = claim_pages_op(ctx, start, arg);
        break;
    default:
        rc = -ENOSYS; /* XENMEM_exchange and the rest are not implemented */
        break;
    }
    return hcall_leave(ctx, rc);
}

long hypercall_memory_op(struct hcall_ctx *ctx, unsigned long cmd, void *arg)
{
    long rc;

    while ((rc = do_memory_op(ctx, cmd, arg)) == -ERESTART)
        cmd = ctx->continuation;
    return rc;
}
