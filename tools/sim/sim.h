/*
 * The simulator behind `claimset storm` and `claimset evacuate`: one
 * seeded workload, run under each claim policy on its own fresh host, with
 * the outcome of every VM and the host's memory over time recorded in a
 * struct sim_run (sim_results.h) for the output layer.
 *
 * The model (docs/simulator.md has it in full):
 *  - storm: N VMs of mixed sizes are built while a few running guests
 *    balloon and some frames go offline half-way;
 *  - evacuate: the host is first filled (and fragmented) by resident
 *    guests, then incoming VMs with a fixed vNUMA layout are built;
 *  - every build plans its placement when it starts (placement advisor),
 *    the policy decides the claim and how memory is populated, and the
 *    domain builder (xg_build_meminit) populates it;
 *  - threads == 1: modelled time (des.c).  `builders` parallel builders
 *    take VMs in workload order; every step of a build costs modelled
 *    time (per hypercall, per page populated, per page scrubbed), and
 *    the steps of all builds and the ballooning guests run one at a time
 *    in modelled-time order.  Fully deterministic.
 *  - threads > 1: the stress mode.  That many builder threads take VMs
 *    from a shared queue; ballooning guests and a sampler run on their own
 *    threads; times are wall-clock and results vary.
 *
 * Everything goes through the public API (xenctrl.h, claimset.h, the
 * builder and the advisor); nothing here keeps global state.
 */
#ifndef CLAIMSET_SIM_SIM_H
#define CLAIMSET_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim_results.h"

enum sim_kind { SIM_STORM = 0, SIM_EVACUATE };

/* The policies, in the order runs list them by default. */
enum sim_policy_id {
    SIM_POL_NONE = 0,      /* placement advice only, no claim */
    SIM_POL_LEGACY,        /* XENMEM_claim_pages for the total */
    SIM_POL_SINGLE_NODE,   /* one-node claim set when the plan is one node */
    SIM_POL_CLAIM_SETS,    /* claim sets from the advisor, no host-wide entry */
    SIM_POL_CLAIM_SETS_GL, /* claim sets plus a host-wide fallback entry */
    SIM_NR_POLICY_IDS
};

/* "none", "legacy", "single-node", "claim-sets", "claim-sets+global";
 * NULL for an unknown id. */
const char *sim_policy_name(enum sim_policy_id id);
const char *sim_policy_description(enum sim_policy_id id);
/* The id of a name, or -1. */
int sim_policy_lookup(const char *name);

/* One entry of a size mix: VMs of `pages` with `vcpus`, drawn with
 * probability weight / (sum of weights). */
struct sim_size_class {
    uint64_t pages;
    unsigned int vcpus;
    unsigned int weight;
};
#define SIM_MAX_SIZE_CLASSES 16

/*
 * Parse a size mix: SIZE[:WEIGHT[:VCPUS]] separated by commas, e.g.
 * "2G:30,4G:25,48G:5:24".  WEIGHT defaults to 1, VCPUS to one per 2 GiB
 * (at least 1).  0, or -1 with a message naming the bad entry.
 */
int sim_parse_size_mix(const char *text, struct sim_size_class *classes, unsigned int *nr,
                       char *err, size_t errlen);

/* Limits of the options (the CLI checks them; sim_run refuses beyond). */
#define SIM_MAX_VMS        10000
#define SIM_MAX_WINDOW     256
#define SIM_MAX_BALLOONS   64
#define SIM_MAX_OFFLINE    4096
#define SIM_MAX_OVERCOMMIT 1000
#define SIM_MAX_BUILDERS   SIM_MAX_WINDOW
#define SIM_MAX_COST_NS    1000000000ULL /* one second per step at most */

/* The time model's default costs, in nanoseconds (docs/simulator.md
 * says where they come from). */
#define SIM_DEFAULT_COST_HYPERCALL_NS 2000
#define SIM_DEFAULT_COST_PAGE_NS      50
#define SIM_DEFAULT_COST_SCRUB_NS     500

struct sim_progress_ops {
    void *(*start)(uint64_t total, const char *label); /* NULL: no reports */
    void (*add)(void *bar, uint64_t n);
    void (*end)(void *bar);
};

struct sim_config {
    enum sim_kind kind;
    const struct claimset_topology *topology; /* NULL: the built-in default */
    uint64_t seed;
    unsigned int threads; /* builder threads; 1: modelled time, deterministic */
    unsigned int window;  /* parallel builders when threads == 1; 0: 8 */
    /* Modelled cost of each step, in nanoseconds (threads == 1). */
    uint64_t cost_hypercall_ns, cost_page_ns, cost_scrub_ns;
    /* Fail a build at its first short populate, as before issue 11,
     * instead of claiming again or placing the rest elsewhere. */
    bool strict;

    /* The VMs: nr_vms of the mix, or (nr_vms == 0) as many as it takes to
     * ask for overcommit_pct percent of the host's free memory. */
    unsigned int nr_vms;
    unsigned int overcommit_pct; /* 0: 110 */
    unsigned int nr_classes;     /* 0: the default mix, scaled to the node size */
    struct sim_size_class classes[SIM_MAX_SIZE_CLASSES];

    /* Running guests that balloon during the run, and their size
     * (balloon_pages 0: 1/16 of the mean node). */
    unsigned int balloons;
    uint64_t balloon_pages;
    /* Frames offlined when half of the VMs are done. */
    unsigned int offline_frames;

    /* evacuate: resident memory before the migrations, in percent of the
     * host on average (0: an empty host), and the share of the remaining free memory left in
     * holes too small for 1 GiB extents (percent; -1: 50). */
    unsigned int fill_pct;
    int fragment_pct;

    /* Policies to run, in this order (nr_policies 0: all five). */
    unsigned int nr_policies;
    enum sim_policy_id policies[SIM_MAX_POLICIES];

    /* Invariant checking on the hosts during the run (CLAIMSET_CHECK_*;
     * 0: the library's default). */
    int check_level;
    /* Check every host deeply (claimset_host_check) after its policy's
     * run; a broken one fails the run.  Off by default: on a large host it
     * costs more than the run itself (D95).  Tests and --check set it. */
    bool deep_check;
    /* Progress reports, one unit per VM per policy, labelled with the
     * command: the caller draws them (the claimset command's bar); NULL:
     * none.  add() is called from builder threads. */
    const struct sim_progress_ops *progress;
};

/* The defaults above, for the given kind (balloons 4 and offline 8 for a
 * storm, none for an evacuation). */
void sim_config_init(struct sim_config *cfg, enum sim_kind kind);

/*
 * Run the workload under every policy and fill *run (free it with
 * sim_run_free(); it is filled as far as the run went, also on failure).
 * 0, or -1 with a one-line message in err: an unusable configuration
 * (errno EINVAL), a host that cannot be made, a hypercall that failed
 * where nothing may fail, or (cfg->deep_check) a host whose invariants
 * are broken after a policy's run (errno EIO).
 */
int sim_run(const struct sim_config *cfg, struct sim_run *run, char *err, size_t errlen);

/*
 * claimset drain (drain.c): a pool of hosts, the first `drained` of them
 * drained onto the others in parallel.  base carries what a run of
 * evacuate takes (the receiving hosts' fill and fragmentation, the size
 * mix, builders, costs, strict, policies, seed, the topology of every
 * host unless topologies[] gives one per host).
 */
#define SIM_MAX_POOL_HOSTS 16
struct sim_drain_config {
    struct sim_config base;
    unsigned int hosts, drained;   /* default 4 and 1 */
    unsigned int drained_fill_pct; /* how full the drained hosts were; default 60 */
    unsigned int nr_topologies;    /* 0: base.topology for all; else one per host */
    const struct claimset_topology *topologies[SIM_MAX_POOL_HOSTS];
};

void sim_drain_config_init(struct sim_drain_config *dc);
/* As sim_run(), for a drain: the receiving hosts' nodes are the run's
 * nodes, in host order. */
int sim_drain_run(const struct sim_drain_config *dc, struct sim_run *run, char *err, size_t errlen);

#endif /* CLAIMSET_SIM_SIM_H */
