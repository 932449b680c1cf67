/*
 * The rules a host topology follows, whoever built it (the parser, the
 * sysfs reader, a program filling the struct in), the built-in default
 * and the totals.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "topo_private.h"

const char *topo_distance_rule_broken(unsigned int row, unsigned int col, uint32_t val)
{
    if (row == col)
        return val == DIST_LOCAL ? NULL : "a node's distance to itself must be 10";
    if (val < DIST_REMOTE_MIN || val > DIST_REMOTE_MAX)
        return "the distance between two nodes must be 11..255";
    return NULL;
}

/* "17 TiB", or "16 TiB + 4 KiB" when not whole TiB. */
static const char *bytes_text(char *buf, size_t len, uint64_t bytes)
{
    uint64_t rest = bytes & ((1ULL << 40) - 1);
    const char *name;
    uint64_t v;

    if (!rest) {
        snprintf(buf, len, "%" PRIu64 " TiB", bytes >> 40);
    } else {
        v = topo_exact_unit(rest >> TOPO_PAGE_SHIFT, &name);
        snprintf(buf, len, "%" PRIu64 " TiB + %" PRIu64 " %s", bytes >> 40, v, name);
    }
    return buf;
}

int topo_check_totals(const struct claimset_topology *t, const struct errsink *e)
{
    uint64_t pages = claimset_topology_total_pages(t);
    char buf[64];

    /* Each node is at most 2^44 bytes and there are at most 64: no overflow. */
    if (pages > (TOPO_MAX_BYTES >> TOPO_PAGE_SHIFT))
        return topo_fail(e, -EINVAL, "total memory %s exceeds the 16 TiB limit",
                         bytes_text(buf, sizeof(buf), pages << TOPO_PAGE_SHIFT));
    if (pages < TOPOLOGY_MIN_PAGES)
        return topo_fail(e, -EINVAL,
                         "total memory is %" PRIu64 " page%s; at least %d are needed (frame 0 "
                         "never enters the heap)",
                         pages, pages == 1 ? "" : "s", TOPOLOGY_MIN_PAGES);
    return 0;
}

int claimset_topology_validate(const struct claimset_topology *t, char *err, size_t errlen)
{
    struct errsink e = {err, errlen, NULL, NULL};
    unsigned int i, j;
    const char *broken;

    if (err && errlen)
        err[0] = '\0';
    if (!t)
        return topo_fail(&e, -EINVAL, "no topology given");
    if (!t->nr_nodes || t->nr_nodes > TOPO_MAX_NODES)
        return topo_fail(&e, -EINVAL, "%u nodes; 1 to %d are supported", t->nr_nodes,
                         TOPO_MAX_NODES);
    for (i = 0; i < t->nr_nodes; i++)
        if (t->node_pages[i] > (TOPO_MAX_BYTES >> TOPO_PAGE_SHIFT))
            return topo_fail(&e, -EINVAL, "node %u: %" PRIu64 " pages exceed the 16 TiB limit", i,
                             t->node_pages[i]);
    for (i = 0; i < t->nr_nodes; i++) {
        for (j = 0; j < t->nr_nodes; j++) {
            broken = topo_distance_rule_broken(i, j, t->distance[i][j]);
            if (broken)
                return topo_fail(&e, -EINVAL, "distances: row %u column %u is %u; %s", i, j,
                                 (unsigned int)t->distance[i][j], broken);
        }
    }
    return topo_check_totals(t, &e);
}

uint64_t claimset_topology_total_pages(const struct claimset_topology *t)
{
    uint64_t sum = 0;
    unsigned int i;

    if (!t)
        return 0;
    for (i = 0; i < t->nr_nodes && i < TOPO_MAX_NODES; i++)
        sum += t->node_pages[i];
    return sum;
}
