/*
 * The core takes a plain layout (hvctl.h), not a parsed topology; the
 * white-box tests, benchmarks and fuzzers parse topology text and turn it
 * into a layout with this one helper, as libxc does for the toolstack.
 */
#ifndef CS_TESTS_HVLAYOUT_H
#define CS_TESTS_HVLAYOUT_H

#include <string.h>

#include <hv/topology.h>
#include <hvctl.h>

static inline void hv_layout_of(const struct topology *t, struct hvctl_layout *l)
{
    memset(l, 0, sizeof(*l));
    l->nr_nodes = t->nr_nodes;
    for (unsigned int i = 0; i < t->nr_nodes && i < HVCTL_MAX_NODES; i++) {
        l->node_pages[i] = t->node_pages[i];
        l->node_cpus[i] = t->node_cpus[i];
        for (unsigned int j = 0; j < t->nr_nodes && j < HVCTL_MAX_NODES; j++)
            l->distance[i][j] = t->distance[i][j];
    }
}

#endif /* CS_TESTS_HVLAYOUT_H */
