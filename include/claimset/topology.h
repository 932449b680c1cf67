/*
 * Host NUMA topology as the toolstack describes it: node memory sizes,
 * CPUs per node and the SLIT distance matrix, as given by
 * CLAIMSET_TOPOLOGY, a topology file, this machine's sysfs, or the
 * built-in default.  A host is made from one with
 * claimset_host_create_topology() (claimset/claimset.h).
 *
 * Grammar (CONTRACT.md):  SIZE{,SIZE}[;distances=D{,D}]
 *   SIZE  a size as everywhere claimset takes one: a decimal number
 *         (fractions allowed, e.g. 1.5G) with an optional unit K, M, G,
 *         T, KiB, MiB, GiB or TiB (powers of 1024, any case; no unit
 *         means bytes) or "pages", a whole number of 4 KiB pages (16.3M
 *         and 5000 are errors); 0 declares a memory-less node.
 *   D     N*N SLIT values, row by row: 10 on the diagonal, 11..255 off it.
 *         Without distances: 10 local, 20 remote.
 * White space around tokens is ignored.  At most CLAIMSET_TOPOLOGY_MAX_NODES
 * nodes, at most CLAIMSET_TOPOLOGY_MAX_BYTES in all, and at least two
 * pages of memory.
 *
 * Every function works only on the caller's struct and buffers: any
 * thread may call any of them at any time.  Messages are one line, never
 * hold control characters, and are truncated to the caller's buffer.
 */
#ifndef CLAIMSET_TOPOLOGY_H
#define CLAIMSET_TOPOLOGY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#define CLAIMSET_TOPOLOGY_MAX_NODES    64
#define CLAIMSET_TOPOLOGY_MAX_BYTES    (16ULL << 40) /* 16 TiB */
#define CLAIMSET_TOPOLOGY_DEFAULT_CPUS 16            /* CPUs per node when not given */

struct claimset_topology {
    unsigned int nr_nodes;
    uint64_t node_pages[CLAIMSET_TOPOLOGY_MAX_NODES]; /* whole 4 KiB pages */
    unsigned int node_cpus[CLAIMSET_TOPOLOGY_MAX_NODES];
    uint8_t distance[CLAIMSET_TOPOLOGY_MAX_NODES][CLAIMSET_TOPOLOGY_MAX_NODES]; /* SLIT */
};

/*
 * Parse text in the grammar above.  Returns 0, or -EINVAL with a one-line
 * message naming the problem (e.g. "node 2: unknown unit 'GB'") in err.
 * On failure *t is left untouched.
 */
int claimset_topology_parse(const char *text, struct claimset_topology *t, char *err,
                            size_t errlen);

/* The same, and *at (when not NULL) is where the problem is: the offset
 * in text of the token at fault, or CLAIMSET_TOPOLOGY_NO_OFFSET when it is
 * no one token (the totals, an empty text) -- so that a file's reader can
 * name the line and column. */
#define CLAIMSET_TOPOLOGY_NO_OFFSET ((size_t)-1)
int claimset_topology_parse_at(const char *text, struct claimset_topology *t, char *err,
                               size_t errlen, size_t *at);

/* Canonical text of t (sizes in the largest exact unit, distances always
 * written).  Returns the length, as snprintf. */
int claimset_topology_format(const struct claimset_topology *t, char *buf, size_t len);

/*
 * Whether t is one a host can be made from: 1..64 nodes, each at most
 * 16 TiB, 2 pages to 16 TiB in all, SLIT values as the grammar requires.
 * 0, or -EINVAL with a one-line message.  Structs made by the parser,
 * sysfs and the default always pass; this is for ones built by hand.
 */
int claimset_topology_validate(const struct claimset_topology *t, char *err, size_t errlen);

/*
 * The built-in default: a two-socket server with sub-NUMA clustering,
 * 4 nodes of 64 GiB, 16 CPUs each; distances 10 local, 12 to the other
 * node of the same socket, 21 across sockets.
 */
void claimset_topology_default(struct claimset_topology *t);
#define CLAIMSET_TOPOLOGY_DEFAULT_TEXT                                                             \
    "64GiB,64GiB,64GiB,64GiB;distances=10,12,21,21,12,10,21,21,21,21,10,12,21,21,12,10"

/*
 * This machine's layout from sysfs (root is normally "/sys"; tests pass a
 * fake tree): nodes from devices/system/node/node*, memory from each
 * node's meminfo "MemTotal", CPUs from its cpulist, distances from its
 * distance file.  Returns 0 or -errno with a message in err.
 */
int claimset_topology_from_sysfs(const char *root, struct claimset_topology *t, char *err,
                                 size_t errlen);

/* Total pages over all nodes. */
uint64_t claimset_topology_total_pages(const struct claimset_topology *t);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* CLAIMSET_TOPOLOGY_H */
