/*
 * The step loop: set up the host, then decode and run steps until the
 * input or the step budget runs out.  Each step picks an entry point by
 * the target's mix, a caller (the control domain, a guest, any id), copy
 * fault injection and preemption, and the guest buffers; the entry
 * point's own file decodes the body, calls and checks.
 */
#include "fh.h"

static domid_t decode_caller(struct fh_world *w)
{
    switch (w->ctx_flags & FH_CTX_CALLER_MASK) {
    case FH_CALLER_GUEST:
        return fh_pick_domid(w, fz_u8(&w->in));
    case FH_CALLER_RAW:
        return fz_u16(&w->in);
    default:
        return 0;
    }
}

static void decode_ctx(struct fh_world *w)
{
    struct fz_input *in = &w->in;
    domid_t caller;

    w->ctx_flags = fz_u8(in);
    caller = decode_caller(w);
    hcall_ctx_init(&w->ctx, w->h, caller);
    if (w->ctx_flags & FH_CTX_FAULT)
        w->ctx.fail_copy_at = 1 + (unsigned long)fz_u8(in);
    if (w->ctx_flags & FH_CTX_PREEMPT)
        w->ctx.preempt_budget = 1 + (unsigned long)(fz_u8(in) % 8);
    if (w->ctx_flags & FH_CTX_RESUME)
        w->ctx.continuation = fz_u8(in);
}

int fh_run(const uint8_t *data, size_t size, const struct fh_mix *mix)
{
    /* Kept from one input to the next: large allocations are mapped and
     * unmapped each time under ASan, which costs more than a run. */
    static struct fh_snap snaps[2];
    struct fh_world w = {.before = &snaps[0], .after = &snaps[1]};

    fz_init(&w.in, data, size);
    if (fh_world_setup(&w))
        fz_fail("cannot create the harness host");

    for (unsigned int step = 0; step < FH_MAX_STEPS && !fz_empty(&w.in); step++) {
        enum fh_entry e = mix->entry[fz_u8(&w.in) % 8];
        uint8_t place;

        fh_refresh_live(&w);
        decode_ctx(&w);
        fh_bufs_decode(&w);
        place = fz_u8(&w.in);
        if (e == FH_DOMCTL)
            fh_step_domctl(&w, place);
        else if (e == FH_MEMORY_OP)
            fh_step_memory_op(&w, place);
        else
            fh_step_sysctl(&w, place);
        fh_bufs_free(&w);
    }

    fh_world_teardown(&w);
    return 0;
}
