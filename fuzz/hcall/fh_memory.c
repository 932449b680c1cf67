/*
 * One do_memory_op() step: an operation (the reservation ops, the legacy
 * claim, an unimplemented or unknown one), optionally a continuation's
 * start index, a raw struct xen_memory_reservation and fix-ups (a live
 * domain or DOMID_SELF, an extent list from the guest buffers, a small
 * count and order, node and address-width flags).  The harness re-issues
 * continuations as the privcmd driver does, unless told to abandon them.
 *
 * Checks: errors only from a first call, and then nothing changed; a
 * reservation op's result counts extents (never fewer than the start
 * index, never more than asked) and the domain's tot_pages moved by
 * exactly that many extents; no extent done means nothing changed; every
 * continuation moves the start index forward.
 */
#include <errno.h>
#include <string.h>

#include "fh.h"

static const unsigned int ops[] = {
    [FH_MEMOP_POPULATE] = XENMEM_populate_physmap,
    [FH_MEMOP_INCREASE] = XENMEM_increase_reservation,
    [FH_MEMOP_DECREASE] = XENMEM_decrease_reservation,
    [FH_MEMOP_CLAIM] = XENMEM_claim_pages,
    [FH_MEMOP_EXCHANGE] = XENMEM_exchange,
};

static bool is_reservation(unsigned int op)
{
    return op == XENMEM_populate_physmap || op == XENMEM_increase_reservation ||
           op == XENMEM_decrease_reservation;
}

static void decode_flags(struct fh_world *w, struct xen_memory_reservation *r)
{
    uint8_t node = fz_u8(&w->in), bits = fz_u8(&w->in);

    r->mem_flags = 0;
    if (node < 0xF0)
        r->mem_flags |= XENMEMF_node(node % 8);
    if (bits & 1)
        r->mem_flags |= XENMEMF_exact_node_request;
    if (bits & 2)
        r->mem_flags |= XENMEMF_address_bits(bits >> 2);
}

static void decode(struct fh_world *w, unsigned int *op, unsigned long *start,
                   struct xen_memory_reservation *r)
{
    struct fz_input *in = &w->in;
    uint8_t sel = fz_u8(in), fix;

    *op = sel % 8 < ARRAY_LEN(ops) ? ops[sel % 8] : (fz_u8(in) & MEMOP_CMD_MASK);
    *start = sel & FH_MEMOP_START ? fz_u16(in) : 0;
    fz_bytes(in, r, sizeof(*r));
    fix = fz_u8(in);
    if (fix & FH_MEMFIX_DOMID) {
        uint8_t pick = fz_u8(in);

        r->domid = pick == FH_PICK_SELF ? DOMID_SELF : fh_pick_domid(w, pick);
    }
    if (fix & FH_MEMFIX_LIST)
        r->extent_start.p = fh_pick_ptr(w, r->extent_start.p);
    if (fix & FH_MEMFIX_COUNT)
        r->nr_extents = fz_u8(in) % 80;
    if (fix & FH_MEMFIX_ORDER)
        r->extent_order = fz_u8(in) % 20;
    if (fix & FH_MEMFIX_FLAGS)
        decode_flags(w, r);
}

/* Extents done by a reservation op: the final result, or where an
 * abandoned continuation would have gone on. */
static void check_reservation(struct fh_world *w, unsigned int op, unsigned long start,
                              const struct xen_memory_reservation *r, unsigned long done_to)
{
    domid_t id = r->domid == DOMID_SELF ? w->ctx.caller : r->domid;
    const struct domain_info *a, *b;
    unsigned long extents, pages;

    if (done_to < start)
        fz_fail("memory op %u from extent %lu reported %lu", op, start, done_to);
    if (done_to == start) {
        fh_expect_unchanged(w, "a reservation op that did no extent", (long)done_to);
        return;
    }
    if (done_to > r->nr_extents)
        fz_fail("memory op %u did %lu of %lu extents", op, done_to, (unsigned long)r->nr_extents);
    fh_snap_take(w->h, w->after);
    a = fh_snap_dom(w->before, id);
    b = fh_snap_dom(w->after, id);
    if (!a || !b)
        fz_fail("memory op %u did extents for domain %u, which does not exist", op, id);
    extents = done_to - start;
    pages = extents << r->extent_order;
    if (op == XENMEM_decrease_reservation ? a->tot_pages - b->tot_pages != pages
                                          : b->tot_pages - a->tot_pages != pages)
        fz_fail("memory op %u did %lu extents of order %u but tot_pages went %lu -> %lu", op,
                extents, r->extent_order, a->tot_pages, b->tot_pages);
}

/*
 * Call as the privcmd driver does, re-issuing continuations (each must
 * move the start index forward), or through hypercall_memory_op().
 * *done_to: where an abandoned call would go on.
 */
static long call(struct fh_world *w, unsigned int op, unsigned long start, void *arg,
                 unsigned long *done_to)
{
    unsigned long cmd = op | (start << MEMOP_EXTENT_SHIFT);
    long rc;

    *done_to = start;
    if (w->ctx_flags & FH_CTX_WRAPPER)
        return hypercall_memory_op(&w->ctx, cmd, arg);
    while ((rc = do_memory_op(&w->ctx, cmd, arg)) == -ERESTART) {
        unsigned long next = w->ctx.continuation;

        if ((next & MEMOP_CMD_MASK) != op || (next >> MEMOP_EXTENT_SHIFT) <= *done_to)
            fz_fail("memory op %u continued from %lu with %#lx", op, *done_to, next);
        *done_to = next >> MEMOP_EXTENT_SHIFT;
        if (w->ctx_flags & FH_CTX_ABANDON)
            break;
        cmd = next;
    }
    return rc;
}

void fh_step_memory_op(struct fh_world *w, uint8_t place)
{
    struct xen_memory_reservation r;
    unsigned long start, done_to;
    unsigned int op;
    long rc;

    decode(w, &op, &start, &r);
    fh_arg_place(w, &r, sizeof(r), place);
    fh_register(w);
    fh_snap_take(w->h, w->before);
    rc = call(w, op, start, w->arg_null ? NULL : w->arg.mem, &done_to);

    fh_check_invariants(w->h, "do_memory_op");
    fh_bufs_verify(w, "do_memory_op");
    if (rc < 0 && rc != -ERESTART) {
        if (start && is_reservation(op))
            fz_fail("memory op %u continuing at %lu returned %ld", op, start, rc);
        fh_expect_unchanged(w, "do_memory_op", rc);
    } else if (is_reservation(op)) {
        check_reservation(w, op, start, &r, rc == -ERESTART ? done_to : (unsigned long)rc);
    } else if (rc != 0 || op != XENMEM_claim_pages) {
        fz_fail("memory op %u returned %ld", op, rc);
    }
}
