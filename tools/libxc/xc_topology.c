/*
 * The one place where the toolstack's topology (claimset/topology.h)
 * meets the layout the core's host constructor takes, both ways: a host
 * is made from the first, and reports itself as the first.  Everything
 * else in libxc, and every tool above it, sees only the public struct.
 */
#include <string.h>

#include "xc_topology.h"

int xc_topology_to_core(const struct claimset_topology *t, struct topology *core)
{
    unsigned int i;

    if (!t || !t->nr_nodes || t->nr_nodes > MAX_NUMNODES)
        return -1;
    memset(core, 0, sizeof(*core));
    core->nr_nodes = t->nr_nodes;
    for (i = 0; i < t->nr_nodes; i++) {
        core->node_pages[i] = t->node_pages[i];
        core->node_cpus[i] = t->node_cpus[i];
        memcpy(core->distance[i], t->distance[i], t->nr_nodes);
    }
    return 0;
}

void xc_topology_from_core(const struct topology *core, struct claimset_topology *t)
{
    unsigned int i;

    memset(t, 0, sizeof(*t));
    t->nr_nodes = core->nr_nodes;
    for (i = 0; i < core->nr_nodes; i++) {
        t->node_pages[i] = core->node_pages[i];
        t->node_cpus[i] = core->node_cpus[i];
        memcpy(t->distance[i], core->distance[i], core->nr_nodes);
    }
}
