/*
 * The one place where the toolstack's topology (claimset/topology.h)
 * meets the layout the core's host constructor takes.  Everything else in
 * libxc, and every tool above it, sees only the public struct; a host
 * reports its topology from the copy libxc keeps as created.
 */
#include <string.h>

#include "xc_topology.h"

_Static_assert(CLAIMSET_TOPOLOGY_MAX_NODES <= HVCTL_MAX_NODES,
               "every topology the toolstack accepts fits the core's layout");

int xc_topology_to_layout(const struct claimset_topology *t, struct hvctl_layout *l)
{
    if (!t || !t->nr_nodes || t->nr_nodes > HVCTL_MAX_NODES)
        return -1;
    memset(l, 0, sizeof(*l));
    l->nr_nodes = t->nr_nodes;
    for (unsigned int i = 0; i < t->nr_nodes; i++) {
        l->node_pages[i] = t->node_pages[i];
        l->node_cpus[i] = t->node_cpus[i];
        memcpy(l->distance[i], t->distance[i], t->nr_nodes);
    }
    return 0;
}
