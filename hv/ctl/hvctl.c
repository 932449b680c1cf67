/*
 * The host-control interface (hvctl.h) over the core's modules.  The top
 * of the hypervisor side: it calls the host module, the domains, the heap
 * and the checker, and nothing in the core calls it.  Every entry asserts
 * that the caller holds no hypervisor lock, the one boundary rule.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <hvctl.h>

#include <hv/check.h>
#include <hv/config.h>
#include <hv/domain.h>
#include <hv/heap.h>
#include <hv/host.h>

_Static_assert((int)HVCTL_CHECK_COUNTERS == (int)CHECK_ACCOUNTING &&
                   (int)HVCTL_CHECK_DEEP == (int)CHECK_DEEP,
               "hvctl check levels are the checker's");

void hvctl_config_default(const struct hvctl_layout *layout, struct hvctl_config *cfg)
{
    struct host_config hc;

    host_config_default(&hc, layout_total_pages(layout));
    memset(cfg, 0, sizeof(*cfg));
    cfg->check_level = (enum hvctl_check)hc.check_level;
    cfg->xen_pages_per_domain = hc.xen_pages_per_domain;
}

int hvctl_host_create(const struct hvctl_layout *layout, const struct hvctl_config *cfg,
                      struct host **out)
{
    struct domain_config control = {.control = true, .max_vcpus = 1};
    struct hvctl_config dflt;
    struct host_config hc = {0};
    struct host *h;
    domid_t domid = 0;
    int rc;

    ASSERT(hv_holds_no_lock());
    if (!layout || !out)
        return -EINVAL;
    if (!cfg) {
        hvctl_config_default(layout, &dflt);
        cfg = &dflt;
    }
    if ((unsigned int)cfg->check_level > HVCTL_CHECK_DEEP)
        return -EINVAL;
    hc.check_level = (unsigned int)cfg->check_level;
    hc.xen_pages_per_domain = cfg->xen_pages_per_domain;
    rc = host_create(layout, &hc, &h);
    if (rc)
        return rc;
    /* A booted Xen has its control domain before any toolstack runs. */
    rc = domain_create(h, &domid, &control);
    if (rc) {
        host_destroy(h);
        return rc;
    }
    *out = h;
    return 0;
}

void hvctl_host_destroy(struct host *h)
{
    ASSERT(hv_holds_no_lock());
    host_destroy(h);
}

int hvctl_host_check(struct host *h, enum hvctl_check level, char *report, size_t len)
{
    ASSERT(hv_holds_no_lock());
    if (level != HVCTL_CHECK_COUNTERS && level != HVCTL_CHECK_DEEP)
        return -EINVAL;
    return host_check(h, (enum check_level)level, report, len) ? 0 : -EIO;
}

long hvctl_host_scrub(struct host *h, unsigned int node, unsigned long max_pages)
{
    unsigned long done;

    ASSERT(hv_holds_no_lock());
    if (node != HVCTL_ANY_NODE && !host_node_valid(h, node))
        return -EINVAL;
    done = scrub_free_pages(h, node == HVCTL_ANY_NODE ? NUMA_NO_NODE : (nodeid_t)node, max_pages);
    return done > (unsigned long)LONG_MAX ? LONG_MAX : (long)done;
}

void hvctl_host_counters(struct host *h, struct hvctl_counters *c)
{
    struct host_counters hc;

    ASSERT(hv_holds_no_lock());
    host_get_counters(h, &hc);
    memset(c, 0, sizeof(*c));
    c->nr_nodes = h->nr_nodes;
    c->total_pages = hc.total_pages;
    c->total_avail_pages = hc.total_avail_pages;
    c->outstanding_claims = hc.outstanding_claims;
    c->scrub_pages = hc.scrub_pages;
    for (unsigned int n = 0; n < h->nr_nodes; n++) {
        c->node_pages[n] = hc.node_pages[n];
        c->node_avail_pages[n] = hc.node_avail_pages[n];
        c->node_outstanding_claims[n] = hc.node_outstanding_claims[n];
        c->node_need_scrub[n] = hc.node_need_scrub[n];
        c->node_offlined[n] = hc.node_offlined[n];
    }
    c->allocs = hc.stats.allocs;
    c->frees = hc.stats.frees;
    c->alloc_failures = hc.stats.alloc_failures;
    c->refused_global_check = hc.stats.refused_global_check;
    c->refused_node_check = hc.stats.refused_node_check;
    c->pages_scrubbed_sync = hc.stats.pages_scrubbed_sync;
    c->pages_scrubbed_idle = hc.stats.pages_scrubbed_idle;
    c->claims_retired = hc.stats.claims_retired;
    c->claims_recalled = hc.stats.claims_recalled;
}
