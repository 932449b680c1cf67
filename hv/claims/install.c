/*
 * Claim installation: claim sets (domain_set_node_claims()) and the legacy
 * path (domain_set_outstanding_pages()), plus reading claims back and
 * releasing them.
 *
 * Both installers take d->page_alloc_lock, then heap_lock, and validate
 * and install inside that one region, so a set is accepted whole or not
 * at all and nobody observes a half-installed set.
 *
 * Part of the claims engine: compiled unchanged into the simulator and
 * into Xen; everything specific to a home comes from claims_compat.h.
 */
#include "claims_compat.h"

/* Targets with one of the two top bits set are selectors, not nodes. */
#define CLAIM_SELECTOR_MASK 0xC0000000U

/* What phase 1 and 2 accepted, ready for phase 4. */
struct claim_plan {
    unsigned long global;
    unsigned long node[MAX_NUMNODES];
    bool has_node[MAX_NUMNODES];
    bool has_global;
};

/* Phase 1: each entry on its own (checks in the design's order). */
static int check_entries(const struct domain *d, unsigned int nr, const memory_claim_t *claims,
                         struct claim_plan *plan)
{
    const claims_host_t *h = claims_host_of(d);

    for (unsigned int i = 0; i < nr; i++) {
        uint32_t target = claims[i].target;
        unsigned long pages = claims[i].pages;

        /* 1. The target is GLOBAL or a node that exists. */
        if (target == XEN_DOMCTL_CLAIM_MEMORY_GLOBAL) {
            /* 2. At most once. */
            if (plan->has_global)
                return -EINVAL;
            plan->has_global = true;
            plan->global = pages;
        } else if (target & CLAIM_SELECTOR_MASK) {
            /* LEGACY inside a larger set, or an unknown selector. */
            return -EINVAL;
        } else if (!claims_node_valid(h, target)) {
            return -ENOENT;
        } else {
            nodeid_t node = (nodeid_t)target;
            /* The domain's own claim on the node is available to it. */
            unsigned long others = sub_sat(h->node_outstanding_claims[node], d->claims[node]);

            /* 2. At most once. */
            if (plan->has_node[node])
                return -EINVAL;
            plan->has_node[node] = true;
            /* 3. Fits the node's memory not claimed by other domains. */
            if (pages > sub_sat(h->node_avail_pages[node], others))
                return -ENOMEM;
            plan->node[node] = pages;
        }
        /* 4. Padding is reserved. */
        if (claims[i].pad)
            return -EINVAL;
    }
    return 0;
}

/* Phase 2: the set as a whole. */
static int check_totals(const struct domain *d, const struct claim_plan *plan)
{
    const claims_host_t *h = claims_host_of(d);
    unsigned long sum = plan->global;
    unsigned long others = sub_sat(h->outstanding_claims, domain_claims_total_locked(d));

    for (unsigned int node = 0; node < MAX_NUMNODES; node++)
        if (!add_ok(sum, plan->node[node], &sum))
            return -EINVAL;
    /* 1. Fits the host's memory not claimed by other domains. */
    if (sum > sub_sat(h->total_avail_pages, others))
        return -ENOMEM;
    /* 2. tot_pages + claims <= max_pages.  An empty set (a release) is
     * always fine, even when max_pages was lowered below tot_pages. */
    if (sum && (domain_tot_pages(d) > d->max_pages || sum > d->max_pages - domain_tot_pages(d)))
        return -EINVAL;
    return 0;
}

/* Phase 4. */
static void install_plan(struct domain *d, const struct claim_plan *plan)
{
    claims_host_t *h = claims_host_of(d);

    d->global_claims = plan->global;
    h->outstanding_claims += plan->global;
    for (unsigned int node = 0; node < MAX_NUMNODES; node++) {
        if (!plan->node[node])
            continue;
        d->claims[node] = plan->node[node];
        d->node_claims += plan->node[node];
        h->node_outstanding_claims[node] += plan->node[node];
        h->outstanding_claims += plan->node[node];
    }
}

int domain_set_node_claims(struct domain *d, unsigned int nr_claims, const memory_claim_t *claims)
{
    claims_host_t *h = claims_host_of(d);
    struct claim_plan plan = {0};
    int rc;

    if (nr_claims == 0)
        return -EINVAL;
    if (nr_claims > CLAIMS_MAX_ENTRIES)
        return -E2BIG;
    if (nr_claims == 1 && claims[0].target == XEN_DOMCTL_CLAIM_MEMORY_LEGACY) {
        if (claims[0].pad)
            return -EINVAL;
        return domain_set_outstanding_pages(d, claims[0].pages);
    }

    spin_lock(&d->page_alloc_lock);
    spin_lock(claims_heap_lock(h));
    if (claims_domain_dying(d))
        rc = -ESRCH;
    else
        rc = check_entries(d, nr_claims, claims, &plan);
    if (!rc)
        rc = check_totals(d, &plan);
    if (!rc) {
        claims_retire_all_locked(d); /* phase 3 */
        install_plan(d, &plan);      /* phase 4 */
    }
    spin_unlock(claims_heap_lock(h));
    spin_unlock(&d->page_alloc_lock);
    claims_call_done(h);
    return rc;
}

int domain_set_outstanding_pages(struct domain *d, unsigned long pages)
{
    claims_host_t *h = claims_host_of(d);
    unsigned long claim;
    int rc = 0;

    spin_lock(&d->page_alloc_lock);
    spin_lock(claims_heap_lock(h));
    if (claims_domain_dying(d)) {
        rc = -ESRCH;
    } else if (pages == 0) {
        claims_retire_all_locked(d);
    } else if (domain_claims_total_locked(d)) {
        /* Only one active claim per domain, as in Xen; a claim set counts. */
        rc = -EINVAL;
    } else if (pages <= domain_tot_pages(d) || pages > d->max_pages) {
        rc = -EINVAL;
    } else {
        /* The legacy claim is the shortfall from what the domain holds. */
        claim = pages - domain_tot_pages(d);
        if (claim > sub_sat(h->total_avail_pages, h->outstanding_claims)) {
            rc = -ENOMEM;
        } else {
            d->global_claims = claim;
            h->outstanding_claims += claim;
        }
    }
    spin_unlock(claims_heap_lock(h));
    spin_unlock(&d->page_alloc_lock);
    claims_call_done(h);
    return rc;
}

int domain_get_claims(struct domain *d, unsigned int *nr, memory_claim_t *out)
{
    claims_host_t *h = claims_host_of(d);
    unsigned int count = 0, cap = *nr;
    int rc = 0;

    spin_lock(claims_heap_lock(h));
    for (unsigned int node = 0; node < MAX_NUMNODES; node++)
        count += d->claims[node] != 0;
    count += d->global_claims != 0;
    if (count > cap) {
        rc = -ERANGE;
    } else {
        unsigned int i = 0;

        for (unsigned int node = 0; node < MAX_NUMNODES; node++)
            if (d->claims[node])
                out[i++] = (memory_claim_t){.pages = d->claims[node], .target = node};
        if (d->global_claims)
            out[i++] = (memory_claim_t){.pages = d->global_claims,
                                        .target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL};
    }
    spin_unlock(claims_heap_lock(h));
    *nr = count;
    return rc;
}

void domain_release_claims(struct domain *d)
{
    claims_host_t *h = claims_host_of(d);

    spin_lock(&d->page_alloc_lock);
    spin_lock(claims_heap_lock(h));
    claims_retire_all_locked(d);
    spin_unlock(claims_heap_lock(h));
    spin_unlock(&d->page_alloc_lock);
    claims_call_done(h);
}
