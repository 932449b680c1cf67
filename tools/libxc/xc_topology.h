/*
 * The toolstack's topology (claimset/topology.h) as the layout the core's
 * host constructor takes (hv/host.h), and back: the one conversion
 * between the two, also for the core's own tests and benchmarks, which
 * describe their hosts in the topology grammar.
 */
#ifndef TOOLS_LIBXC_XC_TOPOLOGY_H
#define TOOLS_LIBXC_XC_TOPOLOGY_H

#include <claimset/topology.h>

#include <hv/host.h>

/* 0, or -1 for a node count the core cannot take (t is otherwise
 * expected valid: claimset_topology_validate()). */
int xc_topology_to_core(const struct claimset_topology *t, struct topology *core);
void xc_topology_from_core(const struct topology *core, struct claimset_topology *t);

#endif /* TOOLS_LIBXC_XC_TOPOLOGY_H */
