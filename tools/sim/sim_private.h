/*
 * Internals of the simulator.
 *
 *   workload.c  the seeded workload: VMs, ballooning guests, offline
 *               frames, evacuate's residents; the size mix parser
 *   policy.c    policy names, and each policy's placement and claim
 *   layout.c    plans for VMs with a fixed vNUMA layout (evacuate), and
 *               plan helpers shared by the policies
 *   build.c     one VM's build: start (create, place, claim), finish
 *               (populate with the builder, release, record)
 *   prefill.c   what is on the host before the run: ballooning guests,
 *               evacuate's resident (and fragmenting) guests
 *   balloon.c   a ballooning guest's steps, through its own guest handle
 *   sampler.c   per-node free and claimed memory over time
 *   metrics.c   per-VM placement metrics and per-policy totals
 *   engine.c    sim_run(): one fresh host per policy, checks, results
 *   des.c       the modelled-time schedule: parallel builders whose
 *               steps cost modelled time, run one at a time in order
 *   recover.c   what a build does when a populate comes back short
 *   split.c     a build's memory cut into pieces for modelled time
 *   drain.c     sim_drain_run(): a pool of hosts, some drained onto the
 *               others by pool-wide builders in modelled time
 *   threads.c   the threaded schedule (stress mode)
 *   ctx.c       a run's clocks and first failure, used by all of the above
 *   sim_results.c  the results' lifetime and validation
 * The command line shared by storm, evacuate and drain is the command's
 * (tools/claimset/cmd_sim.c); the simulator knows nothing of it.
 *
 * Map of the structures
 * ---------------------
 *   struct sim_workload   [I] generated once, the same for every policy
 *   struct sim_ctx        one policy's run on its host
 *     vms[]               results; vms[i] written only by the build of
 *                         VM i (one thread at a time)
 *     sampler             [S] its own mutex
 *     err, failed         [E] err_lock; failed is also read atomically
 *     done, next          [A] atomics (threaded schedule)
 * Lock key: [I] immutable during the run, [S] sampler lock, [E] err_lock,
 * [A] atomic.
 */
#ifndef CLAIMSET_SIM_PRIVATE_H
#define CLAIMSET_SIM_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <claimset/advisor.h>
#include <claimset/claimset.h>
#include <claimset/xenguest.h>
#include <xenctrl.h>

#include "sim/sim.h"
#include "sim/sim_results.h"

#define SIM_PAGES_2M (1ULL << 9)
#define SIM_PAGES_1G (1ULL << 18)
#define SIM_MiB      (1ULL << (20 - XC_PAGE_SHIFT)) /* pages in a MiB */
#define SIM_GiB      SIM_PAGES_1G

#define SIM_DEFAULT_WINDOW     8
#define SIM_DEFAULT_OVERCOMMIT 110
#define SIM_DEFAULT_FILL       60
#define SIM_DEFAULT_FRAGMENT   50
#define SIM_MAX_GUEST_VNODES   2
#define SIM_ERR_LEN            256
/* The plural "s" of a count: "1 VM", "2 VMs". */
#define SIM_S(n) ((n) == 1 ? "" : "s")

/* ---- seeded randomness: splitmix64, one stream per purpose ---------- */

struct sim_rng {
    uint64_t s;
};

static inline void sim_rng_init(struct sim_rng *r, uint64_t seed, uint64_t stream)
{
    r->s = seed ^ (stream * 0xD1B54A32D192ED03ULL);
}

static inline uint64_t sim_rng_next(struct sim_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n); 0 when n is 0. */
static inline uint64_t sim_rng_below(struct sim_rng *r, uint64_t n)
{
    return n ? sim_rng_next(r) % n : 0;
}

/* Streams: each purpose draws from its own, so adding draws to one never
 * changes another. */
enum { SIM_STREAM_VMS = 1, SIM_STREAM_BALLOON, SIM_STREAM_OFFLINE, SIM_STREAM_FILL };

/* ---- the workload ---------------------------------------------------- */

/* One VM to build.  nr_vnodes 0: no layout of its own (the advisor
 * chooses one); 1 or 2: a fixed vNUMA layout (an incoming migration). */
struct sim_vm_spec {
    char name[SIM_NAME_LEN];
    uint64_t pages;
    unsigned int vcpus;
    unsigned int nr_vnodes;
    uint64_t vnode_pages[SIM_MAX_GUEST_VNODES];
    unsigned int vnode_vcpus[SIM_MAX_GUEST_VNODES];
};

/* A running guest that balloons between min and max pages, starting at
 * start, on its home node (its node affinity). */
struct sim_balloon_spec {
    uint64_t min_pages, max_pages, start_pages;
    unsigned int home;
};

/* evacuate: per node, resident memory in 1 GiB extents, and memory left
 * in holes of 2 MiB and of 4 KiB (each hole's neighbours stay resident). */
struct sim_resident_spec {
    uint64_t solid, holes_2m, holes_4k;
};

/* The host as the workload was made for (read from a probe host). */
struct sim_host_info {
    struct claimset_topology topo; /* node sizes, CPUs, distances */
    uint64_t free_pages;           /* host-wide, at creation */
    uint64_t nr_frames;            /* machine frames 0 .. nr_frames - 1 */
};

struct sim_workload {
    enum sim_kind kind;
    uint64_t seed;
    struct sim_host_info host;
    size_t nr_vms;
    struct sim_vm_spec *vms;
    uint64_t vm_pages; /* sum over the VMs */
    unsigned int nr_balloons;
    struct sim_balloon_spec balloons[SIM_MAX_BALLOONS];
    unsigned int nr_offline;
    uint64_t *offline_mfns;
    struct sim_resident_spec residents[SIM_MAX_NODES];
    uint64_t free_at_start; /* free memory once prefilled (the overcommit base) */
    char text[256];         /* one line for the run's header */
};

int sim_workload_make(const struct sim_config *cfg, struct sim_workload *w, char *err,
                      size_t errlen);
void sim_workload_free(struct sim_workload *w);
/* The host's facts through the public API (a probe host). */
int sim_host_probe(const struct claimset_topology *topology, struct sim_host_info *info, char *err,
                   size_t errlen);

/* ---- one policy's run ------------------------------------------------ */

struct sim_sampler {
    pthread_mutex_t lock;
    xc_interface *xch; /* [I] its own handle */
    unsigned int nr_nodes;
    double t0;                /* [I] */
    const uint64_t *model_ns; /* [I] modelled time to stamp samples with;
                               * NULL: wall-clock time since t0 */
    struct sim_sample *v;     /* [S] */
    size_t nr, cap;           /* [S] */
    unsigned int stride;      /* [S] record one request in stride (grows when full) */
    unsigned long requests;   /* [S] */
};

struct sim_balloon {
    xc_interface *xch; /* the guest's own handle */
    uint32_t domid;
    uint64_t cur, min, max; /* pages; gfns [0, cur) are populated */
    struct sim_rng rng;
    uint64_t grown, shrunk, refused; /* pages in, pages out, pages the host did not give */
    xen_pfn_t gfns[512];
};

struct sim_ctx {
    const struct sim_config *cfg; /* [I] */
    void *progress;               /* [I] cfg->progress's bar, or NULL */
    const struct sim_workload *w; /* [I] */
    enum sim_policy_id policy;    /* [I] */
    claimset_host *host;          /* [I] */
    xc_interface *aux;            /* [I] offlining and setup; not counted */
    double t0;                    /* [I] the policy's start, monotonic seconds */
    /* Modelled time (des.c), NULL in stress mode: the time of the step
     * running now, written by the schedule before it hands a builder
     * its turn. */
    struct sim_des *des;
    uint64_t model_ns;
    struct sim_vm_result *vms; /* per VM, see the map above */
    struct sim_sampler sampler;
    struct sim_balloon *balloons;
    unsigned int nr_balloons;

    atomic_size_t next, done;  /* [A] */
    atomic_bool offline_fired; /* [A] */
    atomic_bool failed;        /* [A] */
    pthread_mutex_t err_lock;
    char err[SIM_ERR_LEN]; /* [E] the first failure */
};

/* A policy's run on one host (engine.c): the context (host not yet
 * made), and everything after the schedule -- recalled claims added to
 * p, samples handed to p, the deep check, the host destroyed. */
struct sim_ctx *sim_ctx_new(const struct sim_config *cfg, const struct sim_workload *w,
                            enum sim_policy_id id, struct sim_vm_result *vms, void *progress);
void sim_ctx_finish(struct sim_ctx *c, struct sim_policy_result *p, bool sampling);

/* ctx.c: the run's first failure (the message kept, -1 returned) and
 * its clock. */
int sim_fail(struct sim_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
double sim_now(void);
/* CPU time (user + system) of the whole process so far, in seconds. */
double sim_cpu_now(void);
/* The run's clock: modelled seconds, or wall-clock seconds since t0 in
 * stress mode. */
double sim_clock(const struct sim_ctx *c);

/* A build in progress. */
enum sim_claim { SIM_CLAIM_NONE = 0, SIM_CLAIM_LEGACY, SIM_CLAIM_SET };
struct sim_build {
    size_t idx;
    uint32_t domid;
    struct xa_plan plan;  /* the placement: intended nodes, vCPU nodes */
    enum sim_claim claim; /* what the policy installed */
    bool use_plan_vnodes; /* populate the plan's vnodes (pinned ones exactly on
                           * their node); else one vnode on no node, steered
                           * by node affinity */
    bool refused;
    uint64_t hypercalls; /* so far, on the builder's handle */
    /* Modelled time: the schedule that runs the build (des.c) sets
     * step, which the build calls between two of its steps (see
     * sim_des_step()); NULL in stress mode.  A pointer the schedule
     * hands down, so that the build does not call back up into it. */
    int (*step)(struct sim_build *b);
    struct des_slot *slot; /* the modelled builder running it, or NULL */
};

/* Between two steps of a build: the schedule's step, if any.  0, or -1
 * once the run has failed. */
static inline int sim_build_step(struct sim_build *b)
{
    return b->step ? b->step(b) : 0;
}

/* Start VM idx: create the domain, place it, claim.  0 (b->refused tells
 * whether it goes on), or -1 after sim_fail(). */
int sim_build_start(struct sim_ctx *c, xc_interface *xch, size_t idx, struct sim_build *b);
/* Populate, release, record; destroys the domain when population failed.
 * 0, or -1 after sim_fail(). */
int sim_build_finish(struct sim_ctx *c, xc_interface *xch, struct sim_build *b);
/* A VM is done (built, refused or failed): progress, samples, and the
 * offline event once half of the VMs are done. */
void sim_build_completed(struct sim_ctx *c);

/* Policy placement and claim (policy.c): fill b->plan, b->claim,
 * b->use_plan_vnodes and b->refused.  0, or -1 after sim_fail(). */
int sim_policy_place(struct sim_ctx *c, xc_interface *xch, struct sim_build *b);

/* Layout plans (layout.c). */
int sim_plan_fixed_layout(const struct xa_host_state *s, const struct sim_vm_spec *vm,
                          struct xa_plan *plan);
uint64_t sim_plan_node_mask(const struct xa_plan *plan);
void sim_plan_text(const struct xa_plan *plan, char *buf, size_t len);

/* Prefill (prefill.c): residents (evacuate) and ballooning guests.
 * 0, or -1 after sim_fail(). */
int sim_prefill(struct sim_ctx *c);
void sim_prefill_release(struct sim_ctx *c);

/* Ballooning (balloon.c). */
int sim_balloon_open(struct sim_balloon *b, claimset_host *host, uint32_t domid,
                     const struct sim_balloon_spec *spec, uint64_t seed, unsigned int index);
/* One step towards a new seeded target.  0, or -1 with errno for a
 * failure other than the host running short. */
int sim_balloon_step(struct sim_balloon *b);
void sim_balloon_close(struct sim_balloon *b);

/* Sampling (sampler.c). */
int sim_sampler_init(struct sim_sampler *s, claimset_host *host, unsigned int nr_nodes, double t0);
/* Record the host now (thread-safe).  Requests are thinned once the
 * buffer has filled up, unless forced (the first and last samples). */
void sim_sample(struct sim_sampler *s, bool force);
/* Hand the samples to the results (the sampler is empty afterwards). */
void sim_sampler_take(struct sim_sampler *s, struct sim_sample **v, size_t *nr);
void sim_sampler_destroy(struct sim_sampler *s);

/* Metrics (metrics.c). */
void sim_vm_placement(const struct sim_host_info *host, const struct xa_plan *plan,
                      struct sim_vm_result *vm);
void sim_policy_totals(struct sim_policy_result *p);

/* Schedules.  0, or -1 after sim_fail(). */
int sim_run_des(struct sim_ctx *c);
/* The same over a pool of hosts (drain): pool-wide builders take VMs from
 * ctxs[0]'s queue and build each on the host pick() returns (an index
 * into ctxs; -1 stops the builder after sim_fail()). */
#define SIM_MAX_HOSTS SIM_MAX_POOL_HOSTS
int sim_run_des_pool(struct sim_ctx **ctxs, unsigned int nr_ctxs, int (*pick)(void *, size_t),
                     void *pick_arg);
int sim_run_threads(struct sim_ctx *c);

/*
 * Modelled time (des.c).  A builder calls this between two steps: the
 * work done since its last turn (hypercalls on its handle, pages populated,
 * pages scrubbed) is charged to its clock, and it waits until every
 * step modelled earlier has run.  0, or -1 once the run has failed.
 * Nothing happens for a build with no slot (stress mode).
 */
int sim_des_step(struct sim_build *b);
/* The spec's memory in pieces of whole GiB, the same extents (split.c),
 * so that a build's populate calls are steps of modelled time. */
struct xg_build_spec;
void sim_des_split(struct xg_build_spec *spec);

/*
 * A populate came back short (recover.c): the first `populated` pages of
 * the spec's guest layout are in, the claim may have been recalled.
 * Claim the rest again, else place it elsewhere (docs/simulator.md).
 * 0: built (r->recovered_pages, r->degraded_pages set); 1: memory is
 * short everywhere, a late failure; -1 after sim_fail().
 */
struct xg_build_spec;
int sim_recover(struct sim_ctx *c, xc_interface *xch, struct sim_build *b,
                const struct xg_build_spec *spec, uint64_t populated, struct sim_vm_result *r);

#endif /* CLAIMSET_SIM_PRIVATE_H */
