/*
 * The toolstack's topology (claimset/topology.h) as the layout the core's
 * host constructor takes (hvctl.h): the one conversion between the two,
 * also for the core's own tests and benchmarks, which describe their hosts
 * in the topology grammar.
 */
#ifndef TOOLS_LIBXC_XC_TOPOLOGY_H
#define TOOLS_LIBXC_XC_TOPOLOGY_H

#include <claimset/topology.h>

#include <hvctl.h>

/* 0, or -1 for a node count the core cannot take (t is otherwise
 * expected valid: claimset_topology_validate()). */
int xc_topology_to_layout(const struct claimset_topology *t, struct hvctl_layout *l);

#endif /* TOOLS_LIBXC_XC_TOPOLOGY_H */
