/*
 * Differential simulation: the hypervisor side and the reference model of
 * the claims accounting (refmodel.h) driven by the same operations, for
 * test_random_model.c.
 *
 * Every operation (ms_op_*) is applied to both and their answers compared:
 * return codes, and for allocations the node the frames came from.  After
 * each step ms_check_step() runs the real invariant checker and compares
 * every counter and claim with the model.  Hosts have no per-domain
 * hypervisor pages, so every allocated frame is one the simulation knows.
 *
 * The simulation tracks each domain's physmap (guest frame -> machine
 * frame, as the implementation reports it) so that it can tell the model
 * which frames are allocated and which frames a domain gives back.
 *
 * Buddy fragmentation is invisible to a counts-only model: an allocation
 * of order > 0 may fail, or land on a later node, although the model saw
 * enough free frames.  That is accepted only after checking the real free
 * lists: the skipped nodes must hold no free chunk big enough.
 *
 * An operation returns false on a disagreement, with what it did in
 * s->op and the disagreement in s->why.  Nothing here has global state.
 * Only ms_init() (a host that cannot be made) and ms_report_mismatch()
 * fail the current test themselves.
 */
#ifndef CS_TESTS_MODELSIM_H
#define CS_TESTS_MODELSIM_H

#include <stdbool.h>
#include <stdint.h>

#include "hvtest.h"
#include "refmodel.h"

#define MS_MAX_DOMS  8           /* domains held at once, live or dying */
#define MS_GFN_SPACE (1UL << 15) /* guest frames tracked per domain */
#define MS_OWNER_HV  0xFFFFU     /* s->owner of frames allocated for no domain */

/* A domain as the simulation holds it. */
struct ms_dom {
    struct domain *d; /* our reference */
    domid_t id;
    bool dying;
    unsigned int linger; /* steps to keep a dying domain */
    uint32_t *p2m;       /* MS_GFN_SPACE entries: mfn + 1, 0 when unmapped */
    unsigned long mapped;
    mfn_t *extra; /* frames allocated outside the physmap, uncounted */
    size_t nr_extra, cap_extra;
};

/* What the runs did, for the summary (and to see the test reach things). */
enum {
    MS_ST_STEPS,
    MS_ST_POPULATED,
    MS_ST_EXTRA,          /* uncounted allocations that succeeded */
    MS_ST_POP_EARLY,      /* refused before the heap: -EINVAL/-ESRCH/-E2BIG/-EEXIST */
    MS_ST_POP_ENOMEM,     /* refused by the heap or the claims */
    MS_ST_FRAG_FAIL,      /* -ENOMEM the model did not predict: fragmentation */
    MS_ST_FRAG_SKIP,      /* landed on a later node than predicted: fragmentation */
    MS_ST_CLAIMS_BLOCKED, /* -ENOMEM because of other domains' claims */
    MS_ST_CLAIMS_STEERED, /* a node with free memory skipped because of claims */
    MS_ST_RETIRED_OTHER,  /* retirement reached other nodes' claims */
    MS_ST_DECREASED,
    MS_ST_TRIMMED, /* lowering max_pages trimmed claims */
    MS_ST_CLAIMS,
    MS_ST_CLAIMS_OK,
    MS_ST_CLAIMS_EINVAL,
    MS_ST_CLAIMS_ENOENT,
    MS_ST_CLAIMS_ENOMEM,
    MS_ST_CLAIMS_E2BIG,
    MS_ST_CLAIMS_ESRCH,
    MS_ST_LEGACY,
    MS_ST_LEGACY_OK,
    MS_ST_OFFLINE_FREE,
    MS_ST_OFFLINE_PENDING,
    MS_ST_RECALLED, /* pages of claims recalled */
    MS_ST_DESTROYED,
    MS_NR_ST
};

/* Runs of frames allocated for no domain. */
struct ms_xen_run {
    mfn_t mfn;
    unsigned int order;
};

struct ms_sim {
    struct host *h;
    struct refmodel m;
    struct test_rng rng;
    uint64_t seed;
    char topo[160];
    unsigned long nr_frames;
    uint16_t *owner; /* per frame: owning domid + 1, MS_OWNER_HV, 0 when not allocated */
    struct ms_xen_run xen[32];
    unsigned int nr_xen;
    struct ms_dom dom[MS_MAX_DOMS];
    unsigned int nr_dom;
    unsigned long step;
    int last_rc; /* the host's answer to the last call compared */
    char op[768];
    char why[768];
    unsigned long st[MS_NR_ST];
};

/* ---- modelsim.c: the simulation as a whole ---- */

/*
 * A host and its model with seed `seed`: the topology text given, or
 * (topo NULL) a random one of 1-4 nodes drawn from the seed.  False if
 * that topology is unusable (draw another) or setup failed; ms_fini()
 * the simulation either way.
 */
bool ms_init(struct ms_sim *s, uint64_t seed, const char *topo);
void ms_fini(struct ms_sim *s);

/* The invariant checker and a full comparison with the model. */
bool ms_check_step(struct ms_sim *s);

/* `steps` random steps, each checked; false at the first disagreement. */
bool ms_steps(struct ms_sim *s, unsigned long steps);

/* Fail the current test with the disagreement and how to replay it. */
void ms_report_mismatch(const struct ms_sim *s);

/* Random numbers in [0, n) (0 when n is 0), and true `percent` % of the time. */
uint64_t ms_rnd(struct ms_sim *s, uint64_t n);
bool ms_chance(struct ms_sim *s, unsigned int percent);

/* Record a disagreement in s->why; returns false. */
bool ms_mismatch(struct ms_sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record the operation under way in s->op. */
void ms_describe(struct ms_sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Both sides' return codes, each evaluated once; the host's is kept.  For
 * functions of a struct ms_sim *s that return bool. */
#define MS_SAME_RC(model, impl)                                                                    \
    do {                                                                                           \
        int m_rc_ = (model), i_rc_ = (impl);                                                       \
        s->last_rc = i_rc_;                                                                        \
        if (m_rc_ != i_rc_)                                                                        \
            return ms_mismatch(s, "rc: model %d, implementation %d", m_rc_, i_rc_);                \
    } while (0)

/* ---- modelsim_ops.c: domains, claims and frames, on both sides ---- */

bool ms_op_create(struct ms_sim *s, unsigned long max_pages, bool unpause);
bool ms_op_destroy(struct ms_sim *s, struct ms_dom *t);
bool ms_op_set_max(struct ms_sim *s, struct ms_dom *t, unsigned long max_pages);
bool ms_op_affinity(struct ms_sim *s, struct ms_dom *t, uint64_t mask);
bool ms_op_claims(struct ms_sim *s, struct ms_dom *t, unsigned int nr, const memory_claim_t *set);
bool ms_op_legacy(struct ms_sim *s, struct ms_dom *t, unsigned long pages);
bool ms_op_offline(struct ms_sim *s, mfn_t mfn, bool broken);
bool ms_op_online(struct ms_sim *s, mfn_t mfn);

/* ---- modelsim_alloc.c: allocations and frees, on both sides ---- */

/* node: RM_NO_NODE or a node (of the host or not); exact: MEMF_exact_node. */
bool ms_op_populate(struct ms_sim *s, struct ms_dom *t, gfn_t gfn, unsigned int order,
                    unsigned int node, bool exact);
bool ms_op_extra(struct ms_sim *s, struct ms_dom *t, unsigned int order, unsigned int node,
                 bool exact);
bool ms_op_decrease(struct ms_sim *s, struct ms_dom *t, gfn_t gfn, unsigned int order);
bool ms_op_xen_alloc(struct ms_sim *s, unsigned int order, unsigned int node, bool exact);
bool ms_op_xen_free(struct ms_sim *s, unsigned int i); /* run s->xen[i] */

/* ---- modelsim_random.c: random choices ---- */

/* One random operation, with arguments valid, invalid and at the edges. */
bool ms_random_step(struct ms_sim *s);

#endif /* CS_TESTS_MODELSIM_H */
