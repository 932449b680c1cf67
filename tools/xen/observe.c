/*
 * The populate observer.  A PV guest's populate_physmap writes the
 * machine frame of each extent back into the extent list; with the node
 * ranges of the host's memory map, that says where every extent landed,
 * independently of what the request asked for.  The observer is per
 * thread, so parallel builds in one process each see their own calls.
 */
#include <time.h>

#define CS_XEN_REAL_CALLS
#include "cs_xen.h"

static _Thread_local struct cs_xen_observer *observer;

void cs_xen_observe(struct cs_xen_observer *obs)
{
    observer = obs;
}

int cs_xen_mfn_node(const struct cs_xen_memmap *map, uint64_t mfn)
{
    for (unsigned int i = 0; i < map->nr; i++)
        if (mfn >= map->r[i].first_mfn && mfn <= map->r[i].last_mfn)
            return (int)map->r[i].node;
    return -1;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int cs_xen_populate_physmap(xc_interface *xch, uint32_t domid, unsigned long nr_extents,
                            unsigned int extent_order, unsigned int mem_flags,
                            xen_pfn_t *extent_start)
{
    struct cs_xen_observer *obs = observer;
    double t0 = obs ? now() : 0;
    int done =
        xc_domain_populate_physmap(xch, domid, nr_extents, extent_order, mem_flags, extent_start);
    bool exact = (mem_flags & XENMEMF_exact_node_request) != 0;
    unsigned int asked = exact ? XENMEMF_get_node(mem_flags) : CS_XEN_MAX_NODES;

    if (!obs)
        return done;
    obs->calls++;
    if (asked < CS_XEN_MAX_NODES)
        obs->node_seconds[asked] += now() - t0;
    else
        obs->any_seconds += now() - t0;
    for (int i = 0; i < done; i++) {
        uint64_t pages = 1ULL << extent_order;
        int node = obs->map ? cs_xen_mfn_node(obs->map, extent_start[i]) : -1;

        if (node < 0 || node >= (int)CS_XEN_MAX_NODES) {
            obs->unmapped_pages += pages;
            continue;
        }
        obs->node_pages[node] += pages;
        if (asked < CS_XEN_MAX_NODES && (unsigned int)node != asked)
            obs->off_target_pages += pages;
    }
    return done;
}
