/*
 * Helpers shared by the hypercall handlers (hv/hcall/ only).
 *
 * Entry bookkeeping, the control-domain test, and the copy-layer
 * extensions Xen's handlers also have: a range check that copies nothing
 * (Xen's guest_handle_subrange_okay()), multi-element copies and clearing
 * of guest memory.  Every copy here is one "copy" for fault injection.
 */
#ifndef HV_HCALL_PRIVATE_H
#define HV_HCALL_PRIVATE_H

#include <hv/hcall.h>

struct domain;

/* Largest extent order a guest may ask for (Xen's default domU limit,
 * 2 MiB superpages); the control domain may go up to MAX_ORDER. */
#define HCALL_GUEST_MAX_ORDER 9

static inline bool hcall_is_control(const struct hcall_ctx *ctx)
{
    return ctx->caller == 0;
}

/*
 * Bookkeeping on entry to do_*(): counts the entry and gives the call a
 * fresh preemption budget.  hcall_leave() counts preemptions and clears
 * ctx->continuation on every other result, so a stale value cannot leak
 * into the next call.
 */
void hcall_enter(struct hcall_ctx *ctx);
long hcall_leave(struct hcall_ctx *ctx, long rc);

/*
 * True when all of [base + idx * elem, base + (idx + count) * elem) lies in
 * one registered region (writable ones only if `write`).  Copies nothing
 * and does not count as a copy.  An empty range is always fine.
 */
bool guest_array_ok(const struct hcall_ctx *ctx, const void *base, uint64_t idx, uint64_t count,
                    size_t elem, bool write);

/* count elements of elem bytes between hypervisor memory and the guest
 * array at base, starting at element idx.  0 or -EFAULT (nothing copied). */
int copy_from_guest_array(struct hcall_ctx *ctx, void *dst, const void *guest_base, uint64_t idx,
                          uint64_t count, size_t elem);
int copy_to_guest_array(struct hcall_ctx *ctx, void *guest_base, uint64_t idx, const void *src,
                        uint64_t count, size_t elem);
/* Zero count elements of the guest array from element idx. */
int clear_guest_array(struct hcall_ctx *ctx, void *guest_base, uint64_t idx, uint64_t count,
                      size_t elem);

/* The domain a memory op names: DOMID_SELF is the caller.  Referenced;
 * NULL if there is none. */
struct domain *hcall_get_domain_any(struct hcall_ctx *ctx, domid_t domid);

/*
 * The claim domctls (domctl_claims.c), called by do_domctl() with the
 * domain referenced and the privilege checked.  *copyback is set when the
 * domctl must be copied back to the caller, whatever the result.
 */
long domctl_claim_memory(struct hcall_ctx *ctx, struct domain *d,
                         const struct xen_domctl_claim_memory *cm);
long domctl_get_claims(struct hcall_ctx *ctx, struct domain *d, struct xen_domctl_get_claims *gc,
                       bool *copyback);
long domctl_get_node_pages(struct hcall_ctx *ctx, struct domain *d,
                           struct xen_domctl_get_node_pages *gnp, bool *copyback);

#endif /* HV_HCALL_PRIVATE_H */
