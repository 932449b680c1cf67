/*
 * The live claimset command's stand-in for the simulated host's topology
 * header.  The CLI's shared header (cli.h) names struct topology for the
 * simulated commands' --topology option; the live binary has no simulated
 * host, never fills one in, and must not see the in-process hypervisor's
 * types (they clash with Xen's own headers).  Only the type is needed.
 */
#ifndef CLAIMSET_XEN_CLI_SHIM_TOPOLOGY_H
#define CLAIMSET_XEN_CLI_SHIM_TOPOLOGY_H

#include <stdint.h>

#ifndef MAX_NUMNODES
#define MAX_NUMNODES 64
#endif

struct topology {
    unsigned int nr_nodes;
    uint64_t node_pages[MAX_NUMNODES];
    unsigned int node_cpus[MAX_NUMNODES];
    uint8_t distance[MAX_NUMNODES][MAX_NUMNODES];
};

#endif /* CLAIMSET_XEN_CLI_SHIM_TOPOLOGY_H */
