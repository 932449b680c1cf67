/*
 * The claim domctls: XEN_DOMCTL_claim_memory (install a claim set) and
 * the read-back extensions XEN_DOMCTL_get_claims and
 * XEN_DOMCTL_get_node_pages.
 *
 * claim_memory checks its arguments at the hypercall boundary, before
 * the claims engine sees them (the reviewers of the claim-set series
 * asked for it): the count before anything is copied, so a huge count
 * never makes the hypervisor read a huge buffer, then each entry's
 * padding and node.  domain_set_node_claims() repeats its own checks
 * under the locks and decides the rest (duplicates, overflow, memory,
 * max_pages, dying domain).
 */
#include <errno.h>

#include <hv/claims.h>
#include <hv/domain.h>

#include "hcall_private.h"

/* Targets with a selector bit are GLOBAL, LEGACY or invalid; the claims
 * engine tells these apart.  All other targets are node ids. */
#define CLAIM_SELECTOR_BITS (XEN_DOMCTL_CLAIM_MEMORY_GLOBAL | XEN_DOMCTL_CLAIM_MEMORY_LEGACY)

long domctl_claim_memory(struct hcall_ctx *ctx, struct domain *d,
                         const struct xen_domctl_claim_memory *cm)
{
    memory_claim_t claims[CLAIMS_MAX_ENTRIES];
    uint32_t nr = cm->nr_claims;

    if (cm->pad || nr == 0)
        return -EINVAL;
    if (nr > CLAIMS_MAX_ENTRIES)
        return -E2BIG;
    if (copy_from_guest_array(ctx, claims, cm->claims.p, 0, nr, sizeof(claims[0])))
        return -EFAULT;

    /* The first bad entry decides; within an entry, padding first. */
    for (uint32_t i = 0; i < nr; i++) {
        uint32_t target = claims[i].target;

        if (claims[i].pad)
            return -EINVAL;
        if (!(target & CLAIM_SELECTOR_BITS) && !host_node_valid(ctx->host, target))
            return -ENOENT;
    }
    return domain_set_node_claims(d, nr, claims);
}

long domctl_get_claims(struct hcall_ctx *ctx, struct domain *d, struct xen_domctl_get_claims *gc,
                       bool *copyback)
{
    memory_claim_t out[CLAIMS_MAX_ENTRIES];
    unsigned int nr = MIN(gc->nr_claims, (uint32_t)CLAIMS_MAX_ENTRIES);
    int rc;

    if (gc->pad)
        return -EINVAL;
    rc = domain_get_claims(d, &nr, out);
    /* The count goes back even on -ERANGE: it is the size needed. */
    gc->nr_claims = nr;
    *copyback = true;
    if (rc)
        return rc;
    if (copy_to_guest_array(ctx, gc->claims.p, 0, out, nr, sizeof(out[0])))
        return -EFAULT;
    return 0;
}

long domctl_get_node_pages(struct hcall_ctx *ctx, struct domain *d,
                           struct xen_domctl_get_node_pages *gnp, bool *copyback)
{
    uint64_t pages[MAX_NUMNODES];
    struct domain_info info;
    unsigned int nodes = ctx->host->nr_nodes;
    uint32_t cap = gnp->nr_nodes;

    if (gnp->pad)
        return -EINVAL;
    gnp->nr_nodes = nodes;
    *copyback = true;
    if (cap < nodes)
        return -ERANGE;
    domain_get_info(d, &info);
    for (unsigned int n = 0; n < nodes; n++)
        pages[n] = info.node_pages[n];
    if (copy_to_guest_array(ctx, gnp->pages.p, 0, pages, nodes, sizeof(pages[0])))
        return -EFAULT;
    return 0;
}
