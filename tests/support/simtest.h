/*
 * Helpers for tests of the simulator: it takes parsed topologies, tests
 * write theirs as text.
 */
#ifndef CS_TESTS_SIMTEST_H
#define CS_TESTS_SIMTEST_H

#include <claimset/topology.h>

/* The topology of text, parsed into one of 16 slots used in turn (a
 * run's config keeps the pointer); a bad text fails the current test. */
const struct claimset_topology *simt_topology(const char *text);

#endif /* CS_TESTS_SIMTEST_H */
