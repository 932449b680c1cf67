/*
 * One VM's build, in two halves so that the schedules can keep several
 * builds in flight:
 *
 *   start   create the domain, set max_mem, place and claim (the policy),
 *           set node affinity to the plan's nodes;
 *   finish  populate with the domain builder (xg_build_meminit; the claim
 *           is the policy's, so the builder installs none), release what
 *           is left of the claim, record the outcome.  A populate that
 *           comes back short is recovered from (recover.c) unless the run
 *           is strict; a build that still ran out of memory is destroyed,
 *           and what it had populated is counted as wasted.
 *
 * Under modelled time every populate call is a step of its own (des.c).
 *
 * Built VMs stay on the host until the policy's run ends.  Hypercalls
 * are counted on the builder's handle around each half.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_private.h"

static uint64_t hypercalls(xc_interface *xch)
{
    struct claimset_xc_stats st;

    return claimset_xc_get_stats(xch, &st) ? 0 : st.hypercalls;
}

static int set_affinity(struct sim_ctx *c, xc_interface *xch, struct sim_build *b)
{
    uint64_t mask = sim_plan_node_mask(&b->plan);
    int size = xc_get_nodemap_size(xch), rc;
    xc_nodemap_t map;

    if (!mask)
        return 0; /* nothing to prefer: every node, the default */
    map = xc_nodemap_alloc(xch);
    if (!map || size <= 0) {
        free(map);
        return sim_fail(c, "node map: %s", strerror(errno));
    }
    for (unsigned int n = 0; n < 64 && n / 8 < (unsigned int)size; n++)
        if (mask >> n & 1)
            map[n / 8] |= (uint8_t)(1U << (n % 8));
    rc = xc_domain_node_setaffinity(xch, b->domid, map);
    free(map);
    if (rc)
        return sim_fail(c, "%s: node affinity: %s", c->w->vms[b->idx].name, strerror(errno));
    return 0;
}

/* Modelled time: every populate call of the builder is a step. */
static int populate_hook(void *opaque, enum xg_op op, unsigned long nth)
{
    (void)nth;
    if (op != XG_OP_POPULATE)
        return 0;
    return sim_build_step(opaque) ? EIO : 0;
}

int sim_build_start(struct sim_ctx *c, xc_interface *xch, size_t idx, struct sim_build *b)
{
    const struct sim_vm_spec *vm = &c->w->vms[idx];
    struct sim_vm_result *r = &c->vms[idx];
    struct xen_domctl_createdomain config = {.max_vcpus = vm->vcpus};
    uint64_t h0 = hypercalls(xch);
    struct des_slot *slot = b->slot;
    int (*step)(struct sim_build *) = b->step;

    memset(b, 0, sizeof(*b));
    b->idx = idx;
    b->slot = slot;
    b->step = step;
    snprintf(r->name, sizeof(r->name), "%s", vm->name);
    r->pages = vm->pages;
    r->vcpus = vm->vcpus;
    r->start = sim_clock(c);
    r->access_cost = NAN; /* measured for built VMs only */

    if (xc_domain_create(xch, &b->domid, &config))
        return sim_fail(c, "%s: creating the domain: %s", vm->name, strerror(errno));
    if (xc_domain_setmaxmem(xch, b->domid, vm->pages * (XC_PAGE_SIZE / 1024)))
        return sim_fail(c, "%s: max_mem: %s", vm->name, strerror(errno));
    if (sim_policy_place(c, xch, b))
        return -1;

    if (b->refused) {
        r->outcome = SIM_REFUSED_CLAIM;
        snprintf(r->plan, sizeof(r->plan), "refused: %.*s", (int)(sizeof(r->plan) - 10),
                 b->plan.reason);
        if (xc_domain_destroy(xch, b->domid))
            return sim_fail(c, "%s: destroying: %s", vm->name, strerror(errno));
        r->hypercalls = hypercalls(xch) - h0;
        r->seconds = sim_clock(c) - r->start;
        return 0;
    }
    sim_plan_text(&b->plan, r->plan, sizeof(r->plan));
    if (set_affinity(c, xch, b))
        return -1;
    b->hypercalls = hypercalls(xch) - h0;
    return 0;
}

static int release_claim(struct sim_ctx *c, xc_interface *xch, struct sim_build *b)
{
    memory_claim_t none = {.pages = 0, .target = XEN_DOMCTL_CLAIM_MEMORY_GLOBAL};
    int rc = 0;

    if (b->claim == SIM_CLAIM_LEGACY)
        rc = xc_domain_claim_pages(xch, b->domid, 0);
    else if (b->claim == SIM_CLAIM_SET)
        rc = xc_domain_claim_memory(xch, b->domid, 1, &none);
    if (rc)
        return sim_fail(c, "%s: releasing the claim: %s", c->w->vms[b->idx].name, strerror(errno));
    return 0;
}

int sim_build_finish(struct sim_ctx *c, xc_interface *xch, struct sim_build *b)
{
    const struct sim_vm_spec *vm = &c->w->vms[b->idx];
    struct sim_vm_result *r = &c->vms[b->idx];
    struct xg_build_spec spec = {.claim_mode = XG_CLAIM_NONE, .keep_max_mem = 1};
    struct xg_build_report rep;
    struct xg_hooks hooks;
    uint64_t h0 = hypercalls(xch);
    int rc;

    if (b->use_plan_vnodes) {
        spec.nr_vnodes = b->plan.nr_vnodes;
        memcpy(spec.vnodes, b->plan.vnodes, b->plan.nr_vnodes * sizeof(spec.vnodes[0]));
    } else {
        spec.pages = vm->pages;
    }
    if (b->step) {
        sim_des_split(&spec);
        hooks = (struct xg_hooks){.inject = populate_hook, .opaque = b};
    }
    rc = xg_build_meminit_hooked(xch, b->domid, &spec, &rep, b->step ? &hooks : NULL);

    r->extents_1g = rep.extents_1g;
    r->extents_2m = rep.extents_2m;
    r->extents_4k = rep.extents_4k;
    for (unsigned int n = 0; n < c->w->host.topo.nr_nodes && n < XG_MAX_VNODES; n++)
        r->node_pages[n] = rep.node_pages[n];

    if (rc && (rep.failed_phase != XG_PHASE_POPULATE || rep.err != ENOMEM))
        return sim_fail(c, "%s: the builder failed (phase %d): %s", vm->name, (int)rep.failed_phase,
                        strerror(rep.err));
    if (rc && !c->cfg->strict) {
        /* A careful toolstack: claim the rest again, else place it
         * elsewhere; a failure only when memory is short everywhere. */
        rc = sim_recover(c, xch, b, &spec, rep.pages_populated, r);
        if (rc < 0)
            return -1;
    }
    if (rc) {
        /* Late failure: what was populated is thrown away with the domain. */
        r->outcome = SIM_FAILED_POPULATE;
        if (xc_domain_destroy(xch, b->domid))
            return sim_fail(c, "%s: destroying: %s", vm->name, strerror(errno));
    } else {
        r->outcome = SIM_BUILT;
        if (release_claim(c, xch, b))
            return -1;
        sim_vm_placement(&c->w->host, &b->plan, r);
    }
    r->hypercalls = b->hypercalls + hypercalls(xch) - h0;
    r->seconds = sim_clock(c) - r->start;
    return 0;
}

/* Offline the workload's frames (once, half-way).  Allocated frames go
 * when their owner frees them; free ones at once, recalling claims if a
 * node's claims no longer fit its free memory. */
static void offline_frames(struct sim_ctx *c)
{
    for (unsigned int i = 0; i < c->w->nr_offline; i++) {
        unsigned long mfn = (unsigned long)c->w->offline_mfns[i];
        uint32_t status;

        if (xc_mark_page_offline(c->aux, mfn, mfn, &status)) {
            sim_fail(c, "offlining frame %#lx: %s", mfn, strerror(errno));
            return;
        }
    }
}

void sim_build_completed(struct sim_ctx *c)
{
    size_t done = atomic_fetch_add(&c->done, 1) + 1;
    bool no = false;

    if (c->progress)
        c->cfg->progress->add(c->progress, 1);
    sim_sample(&c->sampler, false);
    if (c->w->nr_offline && done * 2 >= c->w->nr_vms &&
        atomic_compare_exchange_strong(&c->offline_fired, &no, true)) {
        offline_frames(c);
        sim_sample(&c->sampler, false);
    }
}
