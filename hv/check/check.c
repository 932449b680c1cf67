/*
 * The invariant checker (see check.h for the list).  Accounting checks
 * need only heap_lock; deep checks also walk every free chunk, every
 * frame's owner and every physmap, so they hold the domain list, each
 * domain's page_alloc_lock (ascending domid, as the witness demands) and
 * heap_lock, which freezes the host for the duration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/check.h>
#include <hv/claims.h>
#include <hv/config.h>
#include <hv/domain.h>
#include <hv/heap.h>

#include "check_internal.h"

/* nr counters all zero: one library call, cheap in every build (this
 * runs for every domain after every call in test builds). */
static bool all_zero(const unsigned long *v, unsigned int nr)
{
    static const unsigned long zero[MAX_NUMNODES];

    return memcmp(v, zero, nr * sizeof(*v)) == 0;
}

static bool check_domain_accounting(struct check_ctx *c, const struct domain *d)
{
    const struct host *h = c->h;
    unsigned long node_sum = 0, pages_sum = 0, claims = domain_claims_total_locked(d);

    /* The host's nodes are 0 .. nr_nodes-1 (memory-less ones included). */
    for (unsigned int n = 0; n < h->nr_nodes; n++) {
        node_sum += d->claims[n];
        pages_sum += d->node_pages[n];
        if (d->claims[n] > h->node_avail_pages[n])
            return check_fail(c, "d%u claims[%u] = %lu > node_avail_pages[%u] = %lu", d->domain_id,
                              n, d->claims[n], n, h->node_avail_pages[n]);
    }
    if (!all_zero(&d->claims[h->nr_nodes], MAX_NUMNODES - h->nr_nodes) ||
        !all_zero(&d->node_pages[h->nr_nodes], MAX_NUMNODES - h->nr_nodes)) {
        for (unsigned int n = h->nr_nodes; n < MAX_NUMNODES; n++) {
            if (d->claims[n])
                return check_fail(c, "d%u holds a claim of %lu on node %u, which does not exist",
                                  d->domain_id, d->claims[n], n);
            if (d->node_pages[n])
                return check_fail(c, "d%u has %lu pages on node %u, which does not exist",
                                  d->domain_id, d->node_pages[n], n);
        }
    }
    if (node_sum != d->node_claims)
        return check_fail(c, "d%u node_claims = %lu but its claims[] sum to %lu", d->domain_id,
                          d->node_claims, node_sum);
    if (pages_sum != d->tot_pages)
        return check_fail(c, "d%u tot_pages = %lu but its node_pages[] sum to %lu", d->domain_id,
                          d->tot_pages, pages_sum);
    if (d->global_claims > h->total_avail_pages)
        return check_fail(c, "d%u global_claims = %lu > total_avail_pages = %lu", d->domain_id,
                          d->global_claims, h->total_avail_pages);
    if (claims && atomic_load(&d->is_dying))
        return check_fail(c, "dying d%u still holds %lu pages of claims", d->domain_id, claims);
    if (claims && (d->tot_pages > d->max_pages || claims > d->max_pages - d->tot_pages))
        return check_fail(c, "d%u tot_pages %lu + claims %lu > max_pages %lu", d->domain_id,
                          d->tot_pages, claims, d->max_pages);
    return true;
}

static bool check_accounting(struct check_ctx *c)
{
    const struct host *h = c->h;
    unsigned long outstanding = 0, node_claims[MAX_NUMNODES] = {0}, avail = 0;

    for (const struct domain *d = h->heap_domains; d; d = d->heap_next) {
        if (!check_domain_accounting(c, d))
            return false;
        for (unsigned int n = 0; n < h->nr_nodes; n++)
            node_claims[n] += d->claims[n];
        outstanding += domain_claims_total_locked(d);
    }
    if (outstanding != h->outstanding_claims)
        return check_fail(c, "outstanding_claims = %lu but domains' claims sum to %lu",
                          h->outstanding_claims, outstanding);
    if (h->outstanding_claims > h->total_avail_pages)
        return check_fail(c, "outstanding_claims = %lu > total_avail_pages = %lu",
                          h->outstanding_claims, h->total_avail_pages);

    for (unsigned int n = h->nr_nodes; n < MAX_NUMNODES; n++)
        if (h->node_outstanding_claims[n] || h->node_avail_pages[n] || h->node[n].allocated ||
            h->node[n].offlined || h->node_need_scrub[n])
            return check_fail(c,
                              "node %u does not exist but has claims, free, allocated, "
                              "offlined or dirty frames",
                              n);
    for (unsigned int n = 0; n < h->nr_nodes; n++) {
        const struct heap_node *hn = &h->node[n];
        unsigned long zone_sum = 0, frames = hn->end - hn->start;

        if (node_claims[n] != h->node_outstanding_claims[n])
            return check_fail(c, "node_outstanding_claims[%u] = %lu but domains claim %lu", n,
                              h->node_outstanding_claims[n], node_claims[n]);
        if (h->node_outstanding_claims[n] > h->node_avail_pages[n])
            return check_fail(c, "node_outstanding_claims[%u] = %lu > node_avail_pages[%u] = %lu",
                              n, h->node_outstanding_claims[n], n, h->node_avail_pages[n]);
        for (unsigned int z = 0; z < NR_ZONES; z++)
            zone_sum += hn->zone_avail[z];
        if (zone_sum != h->node_avail_pages[n])
            return check_fail(c, "node %u: free lists hold %lu frames, node_avail_pages = %lu", n,
                              zone_sum, h->node_avail_pages[n]);
        if (h->node_avail_pages[n] + hn->allocated + hn->offlined != frames)
            return check_fail(c, "node %u: free %lu + allocated %lu + offlined %lu != %lu frames",
                              n, h->node_avail_pages[n], hn->allocated, hn->offlined, frames);
        if (h->node_need_scrub[n] > h->node_avail_pages[n])
            return check_fail(c, "node %u: %lu dirty free frames > %lu free frames", n,
                              h->node_need_scrub[n], h->node_avail_pages[n]);
        avail += h->node_avail_pages[n];
    }
    if (avail != h->total_avail_pages)
        return check_fail(c, "total_avail_pages = %lu but nodes sum to %lu", h->total_avail_pages,
                          avail);
    return true;
}

/* Take the domain list, every page_alloc_lock in domid order, heap_lock. */
static struct domain **lock_everything(struct host *h, unsigned int *nr)
{
    struct domain **doms;
    unsigned int n = 0;

    hv_read_lock(&h->domlist_lock);
    doms = malloc((h->nr_domains + 1) * sizeof(*doms));
    if (doms) {
        for (unsigned int id = 0; id < DOMID_FIRST_RESERVED && n < h->nr_domains; id++)
            if (h->domains[id])
                doms[n++] = h->domains[id];
        for (unsigned int i = 0; i < n; i++)
            hv_lock(&doms[i]->page_alloc_lock);
    }
    hv_lock(&h->heap_lock);
    *nr = n;
    return doms;
}

static void unlock_everything(struct host *h, struct domain **doms, unsigned int nr)
{
    hv_unlock(&h->heap_lock);
    for (unsigned int i = nr; i-- > 0;)
        hv_unlock(&doms[i]->page_alloc_lock);
    hv_read_unlock(&h->domlist_lock);
    free(doms);
}

bool host_check(struct host *h, enum check_level level, char *report, size_t len)
{
    struct check_ctx c = {.h = h, .report = report, .len = len};
    struct domain **doms = NULL;
    unsigned int nr = 0;
    bool ok;

    if (len)
        report[0] = '\0';
    if (level == CHECK_NONE)
        return true;
    if (level >= CHECK_DEEP) {
        doms = lock_everything(h, &nr);
        if (!doms) {
            unlock_everything(h, doms, 0);
            return check_fail(&c, "checker: out of memory");
        }
    } else {
        hv_lock(&h->heap_lock);
    }

    ok = check_accounting(&c);
    if (ok && level >= CHECK_DEEP)
        ok = check_deep(&c, doms, nr);

    if (level >= CHECK_DEEP)
        unlock_everything(h, doms, nr);
    else
        hv_unlock(&h->heap_lock);
    return ok;
}

void host_debug_check(struct host *h)
{
    char report[512];

    if (!h->cfg.check_level)
        return;
    if (!host_check(h, (enum check_level)h->cfg.check_level, report, sizeof(report))) {
        fprintf(stderr, "invariant violated: %s\n", report);
        abort();
    }
}
