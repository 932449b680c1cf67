/*
 * Hosts and domains for the core benchmarks (bench_heap, bench_compare):
 * the checker off, every failure fatal with the program's name, so the
 * measuring code stays about what it measures.
 */
#ifndef CS_BENCH_HOST_H
#define CS_BENCH_HOST_H

#include <hv/domain.h>
#include <hv/host.h>

/* Exits with "PROG: WHAT failed: RC (strerror)". */
void bench_die(const char *what, long rc);
/* nr_nodes nodes of node_mib MiB each, SLIT 10/20, invariant checker off. */
struct host *bench_host(unsigned int nr_nodes, unsigned long node_mib);
/* A fresh domain with max_pages, referenced (domain_put() when done). */
struct domain *bench_domain(struct host *h, unsigned long max_pages);
/* Free frames on a node, as the host's counters say. */
unsigned long bench_node_free(struct host *h, unsigned int node);

#endif /* CS_BENCH_HOST_H */
