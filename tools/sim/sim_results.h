/*
 * What a simulation run produces, for every output format (table, JSON,
 * CSV, HTML).  The simulator (sim/) fills it; the output layer (out/)
 * only reads it.  Page counts are 4 KiB pages; times are seconds.
 */
#ifndef CLAIMSET_SIM_RESULTS_H
#define CLAIMSET_SIM_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <claimset/topology.h>

#define SIM_MAX_NODES    64
#define SIM_MAX_POLICIES 8
#define SIM_NAME_LEN     48

enum sim_outcome {
    SIM_BUILT = 0,      /* all memory populated */
    SIM_REFUSED_CLAIM,  /* claim refused: fast, cheap failure */
    SIM_FAILED_POPULATE /* ran out while populating: late, expensive failure */
};

/* One VM of the workload, as built under one policy. */
struct sim_vm_result {
    char name[SIM_NAME_LEN];
    uint64_t pages;
    unsigned int vcpus;
    enum sim_outcome outcome;
    uint64_t node_pages[SIM_MAX_NODES]; /* where its memory landed */
    uint64_t intended_pages;            /* pages meant for a specific node */
    uint64_t pages_on_intended_node;    /* ...of which landed there */
    double access_cost;                 /* SLIT-weighted, 1.0 = all local */
    uint64_t extents_1g, extents_2m, extents_4k;
    uint64_t hypercalls;
    double start, seconds; /* relative to the policy's start: modelled
                            * time, or wall-clock time in stress mode */
    char plan[128];        /* the placement it was given */
    /* A build that survived a short populate (docs/simulator.md):
     * pages populated after it, and of those the pages that landed off
     * the node its plan gave them.  0 for builds that never came short. */
    uint64_t recovered_pages, degraded_pages;
};

/* Host memory at one moment, for the time charts. */
struct sim_sample {
    double t;
    uint64_t node_free[SIM_MAX_NODES];
    uint64_t node_claimed[SIM_MAX_NODES];
    /* Claims on no node: legacy claims and claim sets' host-wide
     * entries (all outstanding claims minus the nodes' claims). */
    uint64_t host_claimed;
};

struct sim_policy_result {
    char name[SIM_NAME_LEN]; /* e.g. "claim-sets" */
    char description[128];   /* e.g. "claim sets from the placement advisor" */
    unsigned int vms_total, vms_built, vms_refused_claim, vms_failed_populate;
    uint64_t pages_requested, pages_built;
    uint64_t intended_pages, pages_on_intended_node;
    double intended_share; /* pages_on_intended_node / intended_pages, 0..1 */
    double access_cost;    /* page-weighted mean over built VMs, 1.0 = local */
    uint64_t extents_1g, extents_2m, extents_4k;
    uint64_t pages_wasted; /* populated, then thrown away by late failures */
    uint64_t hypercalls;
    uint64_t claims_recalled;   /* pages of claims recalled by offlining */
    unsigned int vms_recovered; /* built after a short populate */
    unsigned int vms_degraded;  /* ...with pages off their planned node */
    uint64_t pages_degraded;
    /* In the run's clock (modelled; wall-clock in stress mode): when the
     * last build ended, and when the first build that was not built
     * ended (NaN: every VM was built). */
    double completion_seconds, first_failure_seconds;
    double wall_seconds; /* real elapsed time of the policy's run */
    double cpu_seconds;  /* CPU time (user + system) the process spent on it */
    bool deep_checked;   /* the host passed a deep check after the run */
    size_t nr_vms;
    struct sim_vm_result *vms;
    size_t nr_samples;
    struct sim_sample *samples;
};

/* Reports show the host's canonical topology text cut to this many
 * bytes (NUL included), so that a 64-node matrix stays one readable line. */
#define SIM_TOPOLOGY_TEXT_LEN 1024

struct sim_run {
    char command[16]; /* "storm", "evacuate" or "drain" */
    uint64_t seed;
    unsigned int threads;
    int deterministic; /* modelled time: same seed and parameters, same results */
    /* The time model (deterministic runs): parallel builders and the
     * per-step costs in nanoseconds; strict: builds fail at the first
     * short populate. */
    unsigned int builders;
    uint64_t cost_hypercall_ns, cost_page_ns, cost_scrub_ns;
    int strict;
    /* The host the policies ran on; for drain, the receiving hosts' nodes
     * in host order (distances between hosts 0: no path). */
    struct claimset_topology topo;
    /* drain: the pool in words (hosts, which drained, each receiving
     * host's topology), shown instead of topo's text; else empty. */
    char pool[SIM_TOPOLOGY_TEXT_LEN];
    char workload[256]; /* one line describing the workload */
    unsigned int nr_policies;
    struct sim_policy_result policies[SIM_MAX_POLICIES];
};

void sim_run_free(struct sim_run *run);

/* 0 when the run can be written, else -1 with errno EINVAL: NULL run,
 * counts beyond the array bounds, or a count with a NULL array. */
int sim_run_validate(const struct sim_run *run);

/* "built", "refused_claim", "failed_populate" (the JSON/CSV spelling);
 * "unknown" for anything else. */
const char *sim_outcome_name(enum sim_outcome o);

#endif /* CLAIMSET_SIM_RESULTS_H */
