/* Checks of an accepted topology, shared by the topology targets. */
#include <stdio.h>
#include <string.h>

#include <hv/check.h>
#include <hv/host.h>

#include "fz_fail.h"
#include "libxc/xc_topology.h"
#include "fz_topology.h"

#define HOST_BUILD_MAX_PAGES (1UL << 14) /* hosts built per input: 64 MiB at most */

bool fz_same_topology(const struct claimset_topology *a, const struct claimset_topology *b)
{
    if (a->nr_nodes != b->nr_nodes)
        return false;
    for (unsigned int i = 0; i < a->nr_nodes; i++) {
        if (a->node_pages[i] != b->node_pages[i] || a->node_cpus[i] != b->node_cpus[i] ||
            memcmp(a->distance[i], b->distance[i], a->nr_nodes))
            return false;
    }
    return true;
}

void fz_check_topology(const struct claimset_topology *t, const char *text)
{
    uint64_t total = claimset_topology_total_pages(t);
    static char canon[32768], again[32768];
    struct claimset_topology back;
    char err[256];
    int n;

    if (t->nr_nodes < 1 || t->nr_nodes > MAX_NUMNODES)
        fz_fail("'%s' accepted with %u nodes", text, t->nr_nodes);
    if (total < 2 || total > (CLAIMSET_TOPOLOGY_MAX_BYTES >> PAGE_SHIFT))
        fz_fail("'%s' accepted with %llu pages", text, (unsigned long long)total);
    for (unsigned int i = 0; i < t->nr_nodes; i++)
        for (unsigned int j = 0; j < t->nr_nodes; j++)
            if (i == j ? t->distance[i][j] != 10 : t->distance[i][j] < 11)
                fz_fail("'%s' accepted with distance[%u][%u] = %u", text, i, j, t->distance[i][j]);

    n = claimset_topology_format(t, canon, sizeof(canon));
    if (n < 0 || (size_t)n >= sizeof(canon))
        fz_fail("'%s': canonical text does not fit %zu bytes (%d)", text, sizeof(canon), n);
    if (claimset_topology_parse(canon, &back, err, sizeof(err)))
        fz_fail("'%s': canonical text '%s' refused: %s", text, canon, err);
    if (!fz_same_topology(t, &back))
        fz_fail("'%s': canonical text '%s' is another topology", text, canon);
    claimset_topology_format(&back, again, sizeof(again));
    if (strcmp(canon, again))
        fz_fail("canonical text not stable: '%s' -> '%s'", canon, again);

    if (total <= HOST_BUILD_MAX_PAGES) {
        struct host_config cfg = {.check_level = CHECK_DEEP};
        struct host *h = NULL;
        struct hvctl_layout layout;
        int rc = xc_topology_to_layout(t, &layout) ? -1 : host_create(&layout, &cfg, &h);

        if (rc)
            fz_fail("'%s' parsed but host_create() refused it: %d", canon, rc);
        host_destroy(h);
    }
}
