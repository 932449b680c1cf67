/*
 * What every accepted topology must satisfy, whichever way it came in
 * (grammar text, topology file): 1 to MAX_NUMNODES nodes, at least two
 * pages and at most CLAIMSET_TOPOLOGY_MAX_BYTES, SLIT distances 10 on the diagonal
 * and 11..255 elsewhere; its canonical text parses back to the same
 * topology and formats to the same text; and host_create() takes it (only
 * small hosts are built, to keep each run fast).  A crash when not.
 */
#ifndef CS_FUZZ_TOPOLOGY_H
#define CS_FUZZ_TOPOLOGY_H

#include <stdbool.h>

#include <claimset/topology.h>

void fz_check_topology(const struct claimset_topology *t, const char *text);
bool fz_same_topology(const struct claimset_topology *a, const struct claimset_topology *b);

#endif /* CS_FUZZ_TOPOLOGY_H */
