/* Helpers for tests of the hypervisor side (see hvtest.h). */
#include <stdio.h>

#include "hvtest.h"

bool hvt_topology(const char *text, struct hvctl_layout *layout)
{
    struct claimset_topology t;
    char err[256];

    if (claimset_topology_parse(text, &t, err, sizeof(err)) || xc_topology_to_layout(&t, layout)) {
        test_fail(__FILE__, __LINE__, "bad test topology '%s': %s", text, err);
        return false;
    }
    return true;
}

uint64_t hvt_topology_pages(const struct hvctl_layout *l)
{
    uint64_t sum = 0;

    for (unsigned int n = 0; n < l->nr_nodes; n++)
        sum += l->node_pages[n];
    return sum;
}

struct host *hvt_host_cfg(const char *topology, const struct host_config *cfg)
{
    struct hvctl_layout layout;
    struct host *h = NULL;
    int rc;

    if (!hvt_topology(topology, &layout))
        return NULL;
    rc = host_create(&layout, cfg, &h);
    if (rc) {
        test_fail(__FILE__, __LINE__, "host_create('%s') = %d", topology, rc);
        return NULL;
    }
    return h;
}

struct host *hvt_host(const char *topology)
{
    struct host_config cfg;
    struct hvctl_layout t;

    if (!hvt_topology(topology, &t))
        return NULL;
    host_config_default(&cfg, hvt_topology_pages(&t));
    if (cfg.check_level < CHECK_DEEP && hvt_topology_pages(&t) <= HOST_DEEP_CHECK_PAGES)
        cfg.check_level = CHECK_DEEP;
    return hvt_host_cfg(topology, &cfg);
}

struct domain *hvt_domain(struct host *h, unsigned long max_pages)
{
    struct domain_config cfg = {.max_vcpus = 1};
    struct domain *d;
    domid_t id = 0;
    int rc = domain_create(h, &id, &cfg);

    if (rc) {
        test_fail(__FILE__, __LINE__, "domain_create = %d", rc);
        return NULL;
    }
    d = domain_get(h, id);
    if (d && domain_set_max_pages(d, max_pages)) {
        test_fail(__FILE__, __LINE__, "domain_set_max_pages failed");
        domain_put(d);
        return NULL;
    }
    return d;
}

unsigned long hvt_populate(struct domain *d, gfn_t *next_gfn, unsigned long n, unsigned int order,
                           unsigned int memflags)
{
    unsigned long done = 0;

    for (; done < n; done++) {
        if (domain_populate_extent(d, *next_gfn, order, memflags, NULL))
            break;
        *next_gfn += ORDER_PAGES(order);
    }
    return done;
}

void hvt_expect_invariants(struct host *h)
{
    char report[512];

    if (!host_check(h, CHECK_DEEP, report, sizeof(report)))
        test_fail(__FILE__, __LINE__, "invariant violated: %s", report);
}

unsigned long hvt_unclaimed(struct host *h)
{
    struct host_counters c;

    host_get_counters(h, &c);
    return c.total_avail_pages - c.outstanding_claims;
}

unsigned long hvt_node_unclaimed(struct host *h, nodeid_t node)
{
    struct host_counters c;

    host_get_counters(h, &c);
    return c.node_avail_pages[node] - c.node_outstanding_claims[node];
}

unsigned long hvt_claims_total(struct domain *d)
{
    unsigned long total;

    hv_lock(&d->host->heap_lock);
    total = domain_claims_total_locked(d);
    hv_unlock(&d->host->heap_lock);
    return total;
}
