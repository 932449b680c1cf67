/*
 * Claim sets (XEN_DOMCTL_claim_memory) and the read-back extensions
 * (XEN_DOMCTL_get_claims, XEN_DOMCTL_get_node_pages).
 */
#include "xc_private.h"

int xc_domain_claim_memory(xc_interface *xch, uint32_t domid, uint32_t nr_claims,
                           memory_claim_t *claims)
{
    struct xen_domctl domctl;
    struct hcall_ctx ctx;
    size_t bytes;

    if (!xch || !xc_array_bytes(nr_claims, sizeof(*claims), &bytes))
        return xc_fail(xch, EINVAL, "claim_memory");
    if (xc_domctl_init(&domctl, XEN_DOMCTL_claim_memory, domid))
        return xc_fail(xch, errno, "claim_memory");
    set_xen_guest_handle(domctl.u.claim_memory.claims, claims);
    domctl.u.claim_memory.nr_claims = nr_claims;

    /* The hypervisor only reads the set. */
    xc_call_init(xch, &ctx);
    if (xc_call_bounce(&ctx, claims, bytes, false))
        return xc_fail(xch, errno, "claim_memory");
    return xc_domctl(xch, &ctx, &domctl, "claim_memory");
}

int xc_domain_get_claims(xc_interface *xch, uint32_t domid, uint32_t *nr_claims,
                         memory_claim_t *claims)
{
    struct xen_domctl domctl;
    struct hcall_ctx ctx;
    size_t bytes;
    int rc;

    if (!xch || !nr_claims || !xc_array_bytes(*nr_claims, sizeof(*claims), &bytes))
        return xc_fail(xch, EINVAL, "get_claims");
    if (xc_domctl_init(&domctl, XEN_DOMCTL_get_claims, domid))
        return xc_fail(xch, errno, "get_claims");
    set_xen_guest_handle(domctl.u.get_claims.claims, claims);
    domctl.u.get_claims.nr_claims = *nr_claims;

    xc_call_init(xch, &ctx);
    if (xc_call_bounce(&ctx, claims, bytes, true))
        return xc_fail(xch, errno, "get_claims");
    rc = xc_domctl(xch, &ctx, &domctl, "get_claims");
    /* On ERANGE the hypervisor reports the entries needed. */
    if (rc == 0 || errno == ERANGE)
        *nr_claims = domctl.u.get_claims.nr_claims;
    return rc;
}

int claimset_domain_get_node_pages(xc_interface *xch, uint32_t domid, unsigned *nr_nodes,
                                   uint64_t *pages)
{
    struct xen_domctl domctl;
    struct hcall_ctx ctx;
    size_t bytes;
    int rc;

    if (!xch || !nr_nodes || !xc_array_bytes(*nr_nodes, sizeof(*pages), &bytes))
        return xc_fail(xch, EINVAL, "get_node_pages");
    if (xc_domctl_init(&domctl, XEN_DOMCTL_get_node_pages, domid))
        return xc_fail(xch, errno, "get_node_pages");
    set_xen_guest_handle(domctl.u.get_node_pages.pages, pages);
    domctl.u.get_node_pages.nr_nodes = *nr_nodes;

    xc_call_init(xch, &ctx);
    if (xc_call_bounce(&ctx, pages, bytes, true))
        return xc_fail(xch, errno, "get_node_pages");
    rc = xc_domctl(xch, &ctx, &domctl, "get_node_pages");
    if (rc == 0 || errno == ERANGE)
        *nr_nodes = domctl.u.get_node_pages.nr_nodes;
    return rc;
}
