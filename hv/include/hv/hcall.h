/*
 * The hypercall layer: the entry points a guest or the toolstack reaches
 * (do_domctl(), do_memory_op(), do_sysctl()), with Xen's ABI structures,
 * privilege checks, argument validation in Xen's order, and every access
 * to caller memory through a copy layer that can fail.
 *
 * Caller memory.  A real hypervisor copies through the caller's page
 * tables and fails with -EFAULT on an unmapped address.  Here the caller
 * states which of its buffers the hypervisor may touch (as libxenctrl
 * "bounces" every buffer into hypercall-safe memory first): a copy outside
 * the registered regions -- a NULL pointer, a short buffer, a count that
 * runs past the end -- fails with -EFAULT and never touches memory.
 *
 * Preemption.  Long operations (populate, decrease and increase
 * reservation, page offlining) check for preemption between units of work.
 * When it fires, the entry point returns -ERESTART and leaves in
 * ctx->continuation the argument to call again with (for memory ops, the
 * command with the next extent index encoded above MEMOP_EXTENT_SHIFT, as
 * Xen does); hypercall_memory_op() and friends loop until done, so a
 * preempted call and an unpreempted one give identical results.
 *
 * A preempted sysctl (page offlining) keeps its progress in the context,
 * not in the caller's structure: do_sysctl() reads ctx->continuation on
 * entry (0: a new call; otherwise the value a preempted call of the same
 * request left) and hypercall_sysctl() starts from 0.  Every entry point
 * leaves ctx->continuation 0 unless it returns -ERESTART, so a caller
 * that gives up on a preempted call must zero it itself.
 *
 * A context belongs to one thread at a time.  docs/hypercalls.md lists
 * every operation's checks, errors and preemption points.
 */
#ifndef HV_HCALL_H
#define HV_HCALL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <hvctl.h> /* the call context and the looping entry points */

#include "host.h"

/*
 * Copy layer: 0 or -EFAULT (nothing copied).  [ptr, ptr + n) must lie in
 * one registered region (a writable one to copy to the guest).  Every
 * copy of n > 0 bytes counts in ctx->copies, failed ones too; the
 * fail_copy_at-th fails.  A copy of 0 bytes does nothing and succeeds.
 */
int copy_from_guest(struct hcall_ctx *ctx, void *dst, const void *guest_src, size_t n);
int copy_to_guest(struct hcall_ctx *ctx, void *guest_dst, const void *src, size_t n);
/* Element idx of an array of elem-sized entries at guest_base. */
int copy_from_guest_offset(struct hcall_ctx *ctx, void *dst, const void *guest_base, size_t idx,
                           size_t elem);
int copy_to_guest_offset(struct hcall_ctx *ctx, void *guest_base, size_t idx, const void *src,
                         size_t elem);

/* Add work_done units to ctx->work; true (and the count starts again)
 * when the budget is used up, i.e. the operation should yield now.  Each
 * entry point starts with a fresh budget. */
bool hypercall_preempt_check(struct hcall_ctx *ctx, unsigned long work_done);

/*
 * Entry points.  Return as Xen does: a non-negative result (an extent
 * count for reservation ops) or -errno; -ERESTART means "call again with
 * ctx->continuation".
 */
long do_memory_op(struct hcall_ctx *ctx, unsigned long cmd, void *arg);
long do_domctl(struct hcall_ctx *ctx, struct xen_domctl *u_domctl);
long do_sysctl(struct hcall_ctx *ctx, struct xen_sysctl *u_sysctl);

/* hypercall_memory_op() and friends, which loop on these, are declared
 * in hvctl.h: they are what the toolstack calls. */

#endif /* HV_HCALL_H */
