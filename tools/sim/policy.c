/*
 * The policies: how a build is placed and what it claims.
 *
 * Every policy plans with the placement advisor when the build starts;
 * the plan's nodes are the VM's intended nodes (and its vCPUs' nodes).
 * What differs is the claim and how the builder populates:
 *
 *   none         no claim.  Memory follows node affinity (the plan's
 *                nodes) -- or, for a guest with its own vNUMA layout,
 *                exact-node requests per vnode, as libxenguest makes them.
 *   legacy       XENMEM_claim_pages for the total, then as none: refused
 *                early when the host lacks memory, nothing keeps a node
 *                from running dry.
 *   single-node  a one-entry claim set when the plan is one node, and
 *                exact-node population; otherwise (or when that claim is
 *                refused because another builder won the node) as legacy.
 *   claim-sets   the advisor plans and claims in one step (re-planning
 *                when a race lost); exact-node population; refused when
 *                the nodes cannot hold the VM.
 *   claim-sets+global
 *                the same, with a host-wide entry for what the nodes
 *                cannot hold, populated through node affinity.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/sim_private.h"

#define PLACE_ATTEMPTS 8

static const struct {
    const char *name, *description;
} policies[SIM_NR_POLICY_IDS] = {
    [SIM_POL_NONE] = {"none", "no claim: placement advice and node affinity only"},
    [SIM_POL_LEGACY] = {"legacy", "host-wide claim for the total (XENMEM_claim_pages, Xen today)"},
    [SIM_POL_SINGLE_NODE] = {"single-node",
                             "one-node claim set when the VM fits a node, else host-wide"},
    [SIM_POL_CLAIM_SETS] = {"claim-sets", "claim sets from the placement advisor"},
    [SIM_POL_CLAIM_SETS_GL] = {"claim-sets+global",
                               "claim sets plus a host-wide entry for what the nodes lack"},
};

const char *sim_policy_name(enum sim_policy_id id)
{
    return (unsigned int)id < SIM_NR_POLICY_IDS ? policies[id].name : NULL;
}

const char *sim_policy_description(enum sim_policy_id id)
{
    return (unsigned int)id < SIM_NR_POLICY_IDS ? policies[id].description : NULL;
}

int sim_policy_lookup(const char *name)
{
    for (int i = 0; name && i < SIM_NR_POLICY_IDS; i++)
        if (!strcmp(policies[i].name, name))
            return i;
    return -1;
}

/* Advice only: the plan on the live host, with a host-wide part when the
 * nodes cannot hold the VM (it is not claimed). */
static int advise(struct sim_ctx *c, xc_interface *xch, const struct sim_vm_spec *vm,
                  struct xa_plan *plan)
{
    struct xa_request req = {.pages = vm->pages, .vcpus = vm->vcpus, .allow_global = 1};
    struct xa_host_state state;

    if (xa_read_host_state(xch, &state))
        return sim_fail(c, "%s: reading the host: %s", vm->name, strerror(errno));
    if (vm->nr_vnodes ? sim_plan_fixed_layout(&state, vm, plan) : xa_plan(&state, &req, plan))
        return sim_fail(c, "%s: no plan: %s", vm->name, strerror(errno));
    return 0;
}

/*
 * A refused claim: the build is refused, and its reason is what the
 * hypervisor's rules say about this claim -- not the placement's reason,
 * which may say "fits node 3" of a legacy claim refused host-wide.  The
 * host is read on the setup handle, whose calls are not the policy's
 * cost.
 */
static void refused(struct sim_ctx *c, struct sim_build *b, const memory_claim_t *claims,
                    unsigned int nr)
{
    char why[sizeof(b->plan.reason)];

    b->refused = true;
    if (xa_explain_refusal(c->aux, b->domid, claims, nr, why, sizeof(why)))
        snprintf(why, sizeof(why), "the hypervisor refused the claim (%s)", strerror(ENOMEM));
    memcpy(b->plan.reason, why, sizeof(why));
}

static int claim_legacy(struct sim_ctx *c, xc_interface *xch, const struct sim_vm_spec *vm,
                        struct sim_build *b)
{
    memory_claim_t all = {.pages = vm->pages, .target = XEN_DOMCTL_CLAIM_MEMORY_LEGACY};

    if (!xc_domain_claim_pages(xch, b->domid, (unsigned long)vm->pages)) {
        b->claim = SIM_CLAIM_LEGACY;
        return 0;
    }
    if (errno != ENOMEM)
        return sim_fail(c, "%s: legacy claim: %s", vm->name, strerror(errno));
    refused(c, b, &all, 1);
    return 0;
}

/* claim-sets for a fixed layout: plan and claim until the claim holds
 * (another builder may take a node between the two). */
static int claim_fixed(struct sim_ctx *c, xc_interface *xch, const struct sim_vm_spec *vm,
                       struct sim_build *b, bool allow_global)
{
    struct xa_host_state state;

    for (unsigned int a = 0; a < PLACE_ATTEMPTS; a++) {
        if (xa_read_host_state(xch, &state) || sim_plan_fixed_layout(&state, vm, &b->plan))
            return sim_fail(c, "%s: planning: %s", vm->name, strerror(errno));
        if (b->plan.global_pages && !allow_global) {
            /* The layout's reason says which vnode fits no node. */
            b->refused = true;
            return 0;
        }
        if (!xc_domain_claim_memory(xch, b->domid, b->plan.nr_claims, b->plan.claims)) {
            b->claim = SIM_CLAIM_SET;
            return 0;
        }
        if (errno != ENOMEM)
            return sim_fail(c, "%s: claim set: %s", vm->name, strerror(errno));
    }
    refused(c, b, b->plan.claims, b->plan.nr_claims);
    return 0;
}

static int claim_advisor(struct sim_ctx *c, xc_interface *xch, const struct sim_vm_spec *vm,
                         struct sim_build *b, bool allow_global)
{
    struct xa_request req = {.pages = vm->pages, .vcpus = vm->vcpus, .allow_global = allow_global};

    b->use_plan_vnodes = true;
    if (vm->nr_vnodes)
        return claim_fixed(c, xch, vm, b, allow_global);
    if (!xa_place_and_claim(xch, b->domid, &req, PLACE_ATTEMPTS, &b->plan)) {
        b->claim = SIM_CLAIM_SET;
        return 0;
    }
    if (errno != ENOMEM)
        return sim_fail(c, "%s: place and claim: %s", vm->name, strerror(errno));
    /* No claims: the advisor found no plan, and its reason says why. */
    if (!b->plan.nr_claims) {
        b->refused = true;
        return 0;
    }
    refused(c, b, b->plan.claims, b->plan.nr_claims);
    return 0;
}

/* One node in the plan and nothing host-wide. */
static int single_node(const struct xa_plan *plan)
{
    uint64_t mask = sim_plan_node_mask(plan);

    if (plan->global_pages || !mask || (mask & (mask - 1)))
        return -1;
    return __builtin_ctzll(mask);
}

int sim_policy_place(struct sim_ctx *c, xc_interface *xch, struct sim_build *b)
{
    const struct sim_vm_spec *vm = &c->w->vms[b->idx];
    bool fixed = vm->nr_vnodes > 0;
    int node;

    b->claim = SIM_CLAIM_NONE;
    b->refused = false;
    /* A guest with its own vNUMA layout is populated per vnode; one
     * without is one vnode that node affinity steers. */
    b->use_plan_vnodes = fixed;

    switch (c->policy) {
    case SIM_POL_NONE:
        return advise(c, xch, vm, &b->plan);
    case SIM_POL_LEGACY:
        if (advise(c, xch, vm, &b->plan))
            return -1;
        return claim_legacy(c, xch, vm, b);
    case SIM_POL_SINGLE_NODE:
        if (advise(c, xch, vm, &b->plan))
            return -1;
        node = single_node(&b->plan);
        if (node >= 0) {
            memory_claim_t one = {.pages = vm->pages, .target = (uint32_t)node};

            if (!xc_domain_claim_memory(xch, b->domid, 1, &one)) {
                b->claim = SIM_CLAIM_SET;
                b->use_plan_vnodes = true;
                return 0;
            }
            if (errno != ENOMEM)
                return sim_fail(c, "%s: one-node claim: %s", vm->name, strerror(errno));
            /* Lost the node to another builder: what XenServer does
             * without a node claim, a host-wide one. */
        }
        return claim_legacy(c, xch, vm, b);
    case SIM_POL_CLAIM_SETS:
        return claim_advisor(c, xch, vm, b, false);
    case SIM_POL_CLAIM_SETS_GL:
        return claim_advisor(c, xch, vm, b, true);
    case SIM_NR_POLICY_IDS:
        break;
    }
    return sim_fail(c, "unknown policy %d", (int)c->policy);
}
