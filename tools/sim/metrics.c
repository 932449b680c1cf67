/*
 * Placement metrics.
 *
 * Intended memory: the plan's pages on named nodes (a host-wide part has
 * no intended node).  On a node, min(pages there, pages planned there)
 * count as on their intended node.
 *
 * Access cost: the page-weighted mean of SLIT(vCPU node, memory node) / 10
 * (1.0: every page local to the vCPUs that use it).  A page's vCPU node
 * is its vnode's node.  The builder reports pages per physical node, not
 * per vnode, so pages beyond a node's plan are attributed in proportion:
 * to the vnodes that came up short on their own node (whose vCPUs sit
 * there), and to the unpinned part of the plan, whose pages are charged
 * to the nearest of the VM's vCPU nodes.  Exact whenever the plan has one
 * node, or no node came up short.
 */
#include <math.h>
#include <string.h>

#include "sim/sim_private.h"

/* Distance from the nearest vCPU node to n. */
static uint32_t nearest(const struct sim_host_info *h, uint64_t vcpu_nodes, unsigned int n)
{
    uint32_t best = UINT32_MAX;

    for (unsigned int v = 0; v < h->topo.nr_nodes; v++)
        if ((vcpu_nodes >> v & 1) && h->topo.distance[v][n] < best)
            best = h->topo.distance[v][n];
    return best == UINT32_MAX ? 10 : best;
}

void sim_vm_placement(const struct sim_host_info *h, const struct xa_plan *plan,
                      struct sim_vm_result *vm)
{
    uint64_t planned[SIM_MAX_NODES] = {0}, unpinned = 0, vcpu_nodes = 0, deficit_sum = 0, total = 0,
             on = 0, intended = 0;
    uint64_t deficit[SIM_MAX_NODES], excess[SIM_MAX_NODES];
    double cost = 0;

    for (unsigned int i = 0; i < plan->nr_vnodes; i++) {
        uint32_t n = plan->vnodes[i].pnode;

        if (n == XG_ANY_NODE || n >= h->topo.nr_nodes) {
            unpinned += plan->vnodes[i].pages;
            continue;
        }
        planned[n] += plan->vnodes[i].pages;
        if (plan->vnode_vcpus[i])
            vcpu_nodes |= 1ULL << n;
    }
    if (!vcpu_nodes)
        vcpu_nodes = sim_plan_node_mask(plan);
    if (!vcpu_nodes) /* no node named at all: every page is "near" */
        vcpu_nodes = h->topo.nr_nodes >= 64 ? ~0ULL : (1ULL << h->topo.nr_nodes) - 1;

    for (unsigned int n = 0; n < h->topo.nr_nodes; n++) {
        uint64_t local = vm->node_pages[n] < planned[n] ? vm->node_pages[n] : planned[n];

        intended += planned[n];
        on += local;
        total += vm->node_pages[n];
        deficit[n] = planned[n] - local;
        excess[n] = vm->node_pages[n] - local;
        deficit_sum += deficit[n];
        cost += (double)local;
    }
    for (unsigned int n = 0; n < h->topo.nr_nodes; n++) {
        double from_deficits = 0, c;

        if (!excess[n])
            continue;
        for (unsigned int m = 0; m < h->topo.nr_nodes; m++)
            if (deficit[m])
                from_deficits += (double)deficit[m] * h->topo.distance[m][n];
        if (deficit_sum + unpinned)
            c = (from_deficits + (double)unpinned * nearest(h, vcpu_nodes, n)) /
                (double)(deficit_sum + unpinned) / 10.0;
        else
            c = nearest(h, vcpu_nodes, n) / 10.0;
        cost += (double)excess[n] * c;
    }
    vm->intended_pages = intended;
    vm->pages_on_intended_node = on;
    vm->access_cost = total ? cost / (double)total : NAN;
}

/*
 * The policy's totals from its VM rows, each over the rows its definition
 * in docs/reports.md names (all, built or failed VMs); every output
 * prints these, so they can be rebuilt from the rows of any format.
 */
void sim_policy_totals(struct sim_policy_result *p)
{
    double cost_sum = 0;
    uint64_t cost_pages = 0;

    p->vms_total = (unsigned int)p->nr_vms;
    p->vms_built = p->vms_refused_claim = p->vms_failed_populate = 0;
    p->pages_requested = p->pages_built = p->intended_pages = p->pages_on_intended_node = 0;
    p->extents_1g = p->extents_2m = p->extents_4k = p->pages_wasted = p->hypercalls = 0;
    p->vms_recovered = p->vms_degraded = 0;
    p->pages_degraded = 0;
    p->completion_seconds = 0;
    p->first_failure_seconds = NAN;

    for (size_t i = 0; i < p->nr_vms; i++) {
        const struct sim_vm_result *vm = &p->vms[i];

        double end = vm->start + vm->seconds;

        p->pages_requested += vm->pages;
        p->hypercalls += vm->hypercalls;
        if (isfinite(end) && end > p->completion_seconds)
            p->completion_seconds = end;
        if (vm->outcome != SIM_BUILT && isfinite(end) && !(p->first_failure_seconds <= end))
            p->first_failure_seconds = end;
        switch (vm->outcome) {
        case SIM_BUILT:
            p->vms_built++;
            if (vm->recovered_pages)
                p->vms_recovered++;
            if (vm->degraded_pages)
                p->vms_degraded++;
            p->pages_degraded += vm->degraded_pages;
            p->pages_built += vm->pages;
            p->intended_pages += vm->intended_pages;
            p->pages_on_intended_node += vm->pages_on_intended_node;
            p->extents_1g += vm->extents_1g;
            p->extents_2m += vm->extents_2m;
            p->extents_4k += vm->extents_4k;
            if (isfinite(vm->access_cost)) {
                cost_sum += vm->access_cost * (double)vm->pages;
                cost_pages += vm->pages;
            }
            break;
        case SIM_REFUSED_CLAIM:
            p->vms_refused_claim++;
            break;
        case SIM_FAILED_POPULATE:
            p->vms_failed_populate++;
            for (unsigned int n = 0; n < SIM_MAX_NODES; n++)
                p->pages_wasted += vm->node_pages[n];
            break;
        }
    }
    p->intended_share =
        p->intended_pages ? (double)p->pages_on_intended_node / (double)p->intended_pages : NAN;
    p->access_cost = cost_pages ? cost_sum / (double)cost_pages : NAN;
}
