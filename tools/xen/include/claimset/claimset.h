/*
 * The Xen backend's <claimset/claimset.h>: of the project's extensions
 * (which are about simulated hosts), the two the domain builder uses.
 * On a real hypervisor both are answered "not available" (ENOSYS): the
 * builder then counts placement from its exact-node requests, and the
 * live `build` command reads the machine frames instead.
 */
#ifndef CLAIMSET_XEN_ADAPTER_CLAIMSET_H
#define CLAIMSET_XEN_ADAPTER_CLAIMSET_H

#include <stdint.h>

#include <xenctrl.h>

struct claimset_xc_stats {
    uint64_t hypercalls;
    uint64_t continuations;
};
int claimset_xc_get_stats(xc_interface *xch, struct claimset_xc_stats *st);
int claimset_domain_get_node_pages(xc_interface *xch, uint32_t domid, unsigned *nr_nodes,
                                   uint64_t *pages);

#endif /* CLAIMSET_XEN_ADAPTER_CLAIMSET_H */
