/*
 * The caller's memory as the hypervisor sees it: registered regions, the
 * copy layer with its fault injection, the preemption check, and the
 * per-call bookkeeping of a context.
 *
 * A copy succeeds only when the whole guest range lies inside one
 * registered region (a writable one for copies to the guest).  Address
 * arithmetic is done on uintptr_t with explicit overflow checks, so a
 * huge count or index fails with -EFAULT instead of wrapping into a
 * registered buffer.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <hv/config.h>
#include <hv/domain.h>

#include "hcall_private.h"

void hcall_ctx_init(struct hcall_ctx *ctx, struct host *h, domid_t caller)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->host = h;
    ctx->caller = caller;
}

int hcall_ctx_add_region(struct hcall_ctx *ctx, const void *p, size_t len, int writable)
{
    if (len == 0)
        return 0; /* nothing the hypervisor could touch */
    if (!p || (uintptr_t)p > UINTPTR_MAX - len)
        return -EINVAL;
    if (ctx->nr_regions >= HCALL_MAX_REGIONS)
        return -E2BIG;
    ctx->regions[ctx->nr_regions++] = (struct hcall_region){p, len, writable != 0};
    return 0;
}

void hcall_ctx_clear_regions(struct hcall_ctx *ctx)
{
    memset(ctx->regions, 0, sizeof(ctx->regions));
    ctx->nr_regions = 0;
}

/* Is [a, a + n) inside one region?  n > 0. */
static bool range_registered(const struct hcall_ctx *ctx, uintptr_t a, size_t n, bool write)
{
    for (unsigned int i = 0; i < ctx->nr_regions && i < HCALL_MAX_REGIONS; i++) {
        const struct hcall_region *r = &ctx->regions[i];
        uintptr_t s = (uintptr_t)r->start;

        if (write && !r->writable)
            continue;
        if (a >= s && a - s < r->len && n <= r->len - (a - s))
            return true;
    }
    return false;
}

/* The guest address of element idx and the byte length of count
 * elements; false if either does not fit the address space. */
static bool array_span(const void *base, uint64_t idx, uint64_t count, size_t elem, uintptr_t *a,
                       size_t *n)
{
    uint64_t off, len;

    if (__builtin_mul_overflow(idx, (uint64_t)elem, &off) ||
        __builtin_mul_overflow(count, (uint64_t)elem, &len) || off > UINTPTR_MAX ||
        len > SIZE_MAX || (uintptr_t)base > UINTPTR_MAX - (uintptr_t)off)
        return false;
    *a = (uintptr_t)base + (uintptr_t)off;
    *n = (size_t)len;
    return *n == 0 || *a <= UINTPTR_MAX - *n;
}

bool guest_array_ok(const struct hcall_ctx *ctx, const void *base, uint64_t idx, uint64_t count,
                    size_t elem, bool write)
{
    uintptr_t a;
    size_t n;

    if (!array_span(base, idx, count, elem, &a, &n))
        return false;
    return n == 0 || range_registered(ctx, a, n, write);
}

/*
 * The guest bytes [*a, *a + *n) of one copy of count elements from element
 * idx.  The copy is counted for fault injection, then checked (an address
 * that does not fit fails it too); a zero-length copy touches nothing and
 * is neither counted nor checked.  0 or -EFAULT.
 */
static int copy_span(struct hcall_ctx *ctx, const void *guest_base, uint64_t idx, uint64_t count,
                     size_t elem, bool write, uintptr_t *a, size_t *n)
{
    bool ok = array_span(guest_base, idx, count, elem, a, n);

    if (ok && *n == 0)
        return 0;
    ctx->copies++;
    if (ctx->fail_copy_at && ctx->copies == ctx->fail_copy_at)
        return -EFAULT;
    if (!ok || !range_registered(ctx, *a, *n, write))
        return -EFAULT;
    return 0;
}

int copy_from_guest_array(struct hcall_ctx *ctx, void *dst, const void *guest_base, uint64_t idx,
                          uint64_t count, size_t elem)
{
    uintptr_t a = 0;
    size_t n = 0;

    if (copy_span(ctx, guest_base, idx, count, elem, false, &a, &n))
        return -EFAULT;
    if (n)
        memmove(dst, (const void *)a, n);
    return 0;
}

int copy_to_guest_array(struct hcall_ctx *ctx, void *guest_base, uint64_t idx, const void *src,
                        uint64_t count, size_t elem)
{
    uintptr_t a = 0;
    size_t n = 0;

    if (copy_span(ctx, guest_base, idx, count, elem, true, &a, &n))
        return -EFAULT;
    if (n)
        memmove((void *)a, src, n);
    return 0;
}

int clear_guest_array(struct hcall_ctx *ctx, void *guest_base, uint64_t idx, uint64_t count,
                      size_t elem)
{
    uintptr_t a = 0;
    size_t n = 0;

    if (copy_span(ctx, guest_base, idx, count, elem, true, &a, &n))
        return -EFAULT;
    if (n)
        memset((void *)a, 0, n);
    return 0;
}

int copy_from_guest(struct hcall_ctx *ctx, void *dst, const void *guest_src, size_t n)
{
    return copy_from_guest_array(ctx, dst, guest_src, 0, n, 1);
}

int copy_to_guest(struct hcall_ctx *ctx, void *guest_dst, const void *src, size_t n)
{
    return copy_to_guest_array(ctx, guest_dst, 0, src, n, 1);
}

int copy_from_guest_offset(struct hcall_ctx *ctx, void *dst, const void *guest_base, size_t idx,
                           size_t elem)
{
    return copy_from_guest_array(ctx, dst, guest_base, idx, 1, elem);
}

int copy_to_guest_offset(struct hcall_ctx *ctx, void *guest_base, size_t idx, const void *src,
                         size_t elem)
{
    return copy_to_guest_array(ctx, guest_base, idx, src, 1, elem);
}

bool hypercall_preempt_check(struct hcall_ctx *ctx, unsigned long work_done)
{
    if (!add_ok(ctx->work, work_done, &ctx->work))
        ctx->work = ULONG_MAX;
    if (!ctx->preempt_budget || ctx->work < ctx->preempt_budget)
        return false;
    ctx->work = 0;
    return true;
}

void hcall_enter(struct hcall_ctx *ctx)
{
    /* The boundary: a caller never enters the hypervisor holding one of
     * its locks (it could not know the lock order inside). */
    ASSERT(hv_holds_no_lock());
    ctx->stats.hypercalls++;
    ctx->work = 0;
}

long hcall_leave(struct hcall_ctx *ctx, long rc)
{
    if (rc == -ERESTART)
        ctx->stats.continuations++;
    else
        ctx->continuation = 0;
    return rc;
}

struct domain *hcall_get_domain_any(struct hcall_ctx *ctx, domid_t domid)
{
    return domain_get(ctx->host, domid == DOMID_SELF ? ctx->caller : domid);
}
