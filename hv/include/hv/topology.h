/*
 * Host NUMA topology: node memory sizes, CPUs per node and the SLIT
 * distance matrix, as given by CLAIMSET_TOPOLOGY, a topology file, this
 * machine's sysfs, or the built-in default.
 *
 * Grammar (CONTRACT.md):  SIZE{,SIZE}[;distances=D{,D}]
 *   SIZE  a decimal number (fractions allowed, e.g. 1.5G) with an optional
 *         unit K, M, G, T, KiB, MiB, GiB or TiB (powers of 1024, any case;
 *         no unit means bytes), a whole number of 4 KiB pages (16.3M and
 *         5000 are errors, as everywhere claimset takes a size); 0
 *         declares a memory-less node.
 *   D     N*N SLIT values, row by row: 10 on the diagonal, 11..255 off it.
 *         Without distances: 10 local, 20 remote.
 * White space around tokens is ignored.  At most MAX_NUMNODES nodes, at
 * most TOPOLOGY_MAX_BYTES in all, and at least two pages of memory.
 */
#ifndef HV_TOPOLOGY_H
#define HV_TOPOLOGY_H

#include <stddef.h>
#include <stdint.h>

#include "types.h"

#define TOPOLOGY_MAX_BYTES    (16ULL << 40) /* 16 TiB */
#define TOPOLOGY_DEFAULT_CPUS 16            /* CPUs per node when not given */

struct topology {
    unsigned int nr_nodes;
    uint64_t node_pages[MAX_NUMNODES]; /* whole 4 KiB pages */
    unsigned int node_cpus[MAX_NUMNODES];
    uint8_t distance[MAX_NUMNODES][MAX_NUMNODES]; /* SLIT */
};

/*
 * Parse text in the grammar above.  Returns 0, or -EINVAL with a one-line
 * message naming the problem (e.g. "node 2: unknown unit 'GB'") in err.
 */
int topology_parse(const char *text, struct topology *t, char *err, size_t errlen);

/* The same, and *at (when not NULL) is where the problem is: the offset
 * in text of the token at fault, or TOPOLOGY_NO_OFFSET when it is no one
 * token (the totals, an empty text) -- so that a file's reader can name
 * the line and column. */
#define TOPOLOGY_NO_OFFSET ((size_t)-1)
int topology_parse_at(const char *text, struct topology *t, char *err, size_t errlen, size_t *at);

/* Canonical text of t (sizes in the largest exact unit, distances always
 * written).  Returns the length, as snprintf. */
int topology_format(const struct topology *t, char *buf, size_t len);

/*
 * The built-in default: a two-socket server with sub-NUMA clustering,
 * 4 nodes of 64 GiB, 16 CPUs each; distances 10 local, 12 to the other
 * node of the same socket, 21 across sockets.
 */
void topology_default(struct topology *t);
#define TOPOLOGY_DEFAULT_TEXT                                                                      \
    "64GiB,64GiB,64GiB,64GiB;distances=10,12,21,21,12,10,21,21,21,21,10,12,21,21,12,10"

/*
 * This machine's layout from sysfs (root is normally "/sys"; tests pass a
 * fake tree): nodes from devices/system/node/node*, memory from each
 * node's meminfo "MemTotal", CPUs from its cpulist, distances from its
 * distance file.  Returns 0 or -errno with a message in err.
 */
int topology_from_sysfs(const char *root, struct topology *t, char *err, size_t errlen);

/* Total pages over all nodes. */
uint64_t topology_total_pages(const struct topology *t);

#endif /* HV_TOPOLOGY_H */
