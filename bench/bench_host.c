/* Hosts and domains for the core benchmarks (see bench_host.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/check.h>

#include "bench_host.h"

void bench_die(const char *what, long rc)
{
    fprintf(stderr, "%s: %s failed: %ld (%s)\n", program_invocation_short_name, what, rc,
            strerror(rc < 0 ? (int)-rc : (int)rc));
    exit(1);
}

struct host *bench_host(unsigned int nr_nodes, unsigned long node_mib)
{
    struct host_config cfg = {.check_level = CHECK_NONE};
    struct hvctl_layout layout;
    struct host *h;
    int rc;

    /* The layout directly: the benchmarks measure the core, not the
     * topology grammar. */
    if (!nr_nodes || nr_nodes > HVCTL_MAX_NODES)
        bench_die("layout", -EINVAL);
    memset(&layout, 0, sizeof(layout));
    layout.nr_nodes = nr_nodes;
    for (unsigned int i = 0; i < nr_nodes; i++) {
        layout.node_pages[i] = (uint64_t)node_mib << (20 - PAGE_SHIFT);
        layout.node_cpus[i] = 1;
        for (unsigned int j = 0; j < nr_nodes; j++)
            layout.distance[i][j] = i == j ? 10 : 20;
    }
    rc = host_create(&layout, &cfg, &h);
    if (rc)
        bench_die("host_create", rc);
    return h;
}

struct domain *bench_domain(struct host *h, unsigned long max_pages)
{
    struct domain_config cfg = {.max_vcpus = 1};
    domid_t id = 0;
    int rc = domain_create(h, &id, &cfg);
    struct domain *d;

    if (rc)
        bench_die("domain_create", rc);
    d = domain_get(h, id);
    if (!d || domain_set_max_pages(d, max_pages))
        bench_die("domain_set_max_pages", -EINVAL);
    return d;
}

unsigned long bench_node_free(struct host *h, unsigned int node)
{
    struct host_counters c;

    host_get_counters(h, &c);
    return c.node_avail_pages[node];
}
